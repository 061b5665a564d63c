/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <libsoup/soup.h>

#include "wh-router-private.h"

G_BEGIN_DECLS

/* Every path libwebhooks has mounted on one SoupServer, kept as the server's data.
 * SoupServer in libsoup 3.2 cannot tell whether a path has a handler, and one added on a
 * path that has one silently replaces it: so applications (wh_application_attach()) and
 * receivers (wh_receiver_attach()) reserve their paths here, and each checks the other's
 * before it mounts anything. The routes of the applications are paths too, matched by
 * templates: the WhRouter that serves them lives here as well. */
typedef struct _WhServerPaths WhServerPaths;

typedef enum
{
  WH_SERVED_BY_APPLICATION,
  WH_SERVED_BY_RECEIVER,
} WhServedBy;

typedef struct
{
  char       *path;
  WhServedBy  served_by;
  GObject    *owner;       /* the WhApplication or the WhReceiver, owned */
  /* For an application, the property the path comes from ("openapi-url") or "docs
   * assets"; for a receiver, how a message names it ("the receiver of “new-payment”"). */
  char       *what;
  /* Whether the handler answers every path below its own too, as the docs assets do. */
  gboolean    subtree;
} WhServedPath;

/* The paths of @server, made on first use; the server holds the reference returned. */
WhServerPaths      *wh_server_paths_get        (SoupServer    *server);
/* A handler that must release its path when libsoup drops it keeps a reference. */
WhServerPaths      *wh_server_paths_ref        (WhServerPaths *paths);
void                wh_server_paths_unref      (WhServerPaths *paths);

WhRouter           *wh_server_paths_get_router (WhServerPaths *paths);

/* What is mounted on exactly @path; with @covering, also a subtree whose handler answers
 * @path. NULL if nothing. */
const WhServedPath *wh_server_paths_lookup     (WhServerPaths *paths,
                                                const char    *path,
                                                gboolean       covering);
/* Everything mounted, in no order: a list of WhServedPath the caller frees with
 * g_list_free(). */
GList              *wh_server_paths_list       (WhServerPaths *paths);

/* Records @path for @owner. The caller has checked that nothing is mounted there. */
void                wh_server_paths_reserve    (WhServerPaths *paths,
                                                const char    *path,
                                                WhServedBy     served_by,
                                                GObject       *owner,
                                                const char    *what,
                                                gboolean       subtree);
/* Forgets @path if it is still @owner's, for when libsoup drops @owner's handler. */
void                wh_server_paths_release    (WhServerPaths *paths,
                                                const char    *path,
                                                GObject       *owner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhServerPaths, wh_server_paths_unref)

G_END_DECLS
