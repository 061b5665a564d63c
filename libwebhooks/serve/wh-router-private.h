/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <libsoup/soup.h>

#include "wh-application.h"

G_BEGIN_DECLS

/* The declared routes of every application attached to one SoupServer, served by one
 * handler at "/" (installed with the first route) that matches path templates segment by
 * segment, so that unknown paths get a JSON 404 and known paths with another method a
 * 405 with Allow. The docs handlers stay on their own paths: libsoup prefers the longest
 * prefix, so they win over the catch-all. */
typedef struct _WhRouter WhRouter;

WhRouter    *wh_router_new                 (SoupServer     *server);
void         wh_router_free                (WhRouter       *router);

/* The routes of @app, checked against those already on the server and against
 * @reserved_paths (path -> what serves it: the docs paths of every application on the
 * server, @app's included). Returns the routes to commit, or NULL with @error set. */
GPtrArray   *wh_router_collect             (WhRouter       *router,
                                            WhApplication  *app,
                                            GHashTable     *reserved_paths,
                                            GError        **error);
/* Whether a docs @path of a newly attached application is taken by a route already on the
 * server: a GError naming it. */
gboolean     wh_router_check_path          (WhRouter       *router,
                                            const char     *path,
                                            const char     *what,
                                            GError        **error);
/* The route, among those on the server or among @routes (from wh_router_collect()) when
 * not NULL, whose requests a handler mounted on @path would take, because it answers @path
 * or paths below it: its template, with @app set to its application; or NULL. */
const char  *wh_router_find_route_taken_by (WhRouter       *router,
                                            GPtrArray      *routes,
                                            const char     *path,
                                            WhApplication **app);
void         wh_router_commit              (WhRouter       *router,
                                            GPtrArray      *routes);

G_END_DECLS
