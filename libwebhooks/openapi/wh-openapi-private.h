/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include "wh-application.h"

G_BEGIN_DECLS

/* Application -> OpenAPI 3.1 document. Pure: reads the declarations, does no I/O. */
JsonNode *wh_openapi_build (WhApplication  *app,
                            GError        **error);

G_END_DECLS
