/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include "wh-application.h"

G_BEGIN_DECLS

/* What an application has declared, indexed: every operation by (kind, key, method) and
 * by operationId, every security scheme by name, every model by name. Adding a gateway to
 * an index validates it against everything added before, so the application refuses a bad
 * gateway when it is added, and the builder, which fills a fresh index, can trust it. */
typedef struct _WhOpenAPIIndex WhOpenAPIIndex;

WhOpenAPIIndex *wh_openapi_index_new          (void);
void            wh_openapi_index_free         (WhOpenAPIIndex  *index);
gboolean        wh_openapi_index_add_scheme   (WhOpenAPIIndex  *index,
                                               WhSecurityScheme *scheme,
                                               GError         **error);
gboolean        wh_openapi_index_add_gateway  (WhOpenAPIIndex  *index,
                                               WhGateway       *gateway,
                                               gboolean         as_webhook,
                                               GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhOpenAPIIndex, wh_openapi_index_free)

/* Everything @app declares, as wh_application_add_*() adds it. */
gboolean        wh_openapi_index_add_application (WhOpenAPIIndex  *index,
                                                  WhApplication   *app,
                                                  GError         **error);

/* Application -> OpenAPI 3.1 document. Pure: reads the declarations, does no I/O. */
JsonNode *wh_openapi_build            (WhApplication   *app,
                                       GError         **error);
/* The same, from an index that already holds exactly what @app declares (the one the
 * application keeps while nothing changes), so that validation is not done twice. */
JsonNode *wh_openapi_build_from_index (WhApplication   *app,
                                       WhOpenAPIIndex  *index,
                                       GError         **error);

G_END_DECLS
