/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The HTTP methods an operation can have, upper case, in OpenAPI's Path Item order. */
extern const char * const wh_http_methods[];

gboolean    wh_http_method_is_known        (const char *method);
guint       wh_http_method_default_status  (const char *method);
gboolean    wh_http_method_allows_body     (const char *method);
gboolean    wh_http_status_allows_body     (guint       status);

char       *wh_name_from_path              (const char *path);
char       *wh_summary_from_name           (const char *name);
char       *wh_operation_id_compose        (const char *name,
                                            const char *path,
                                            const char *method);
char       *wh_route_path_join             (const char *prefix,
                                            const char *path);

G_END_DECLS
