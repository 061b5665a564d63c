/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib-object.h>

#include "webhooks-version-macros.h"

G_BEGIN_DECLS

/**
 * WhParameterLocation:
 * @WH_PARAMETER_PATH: a segment of the path template, such as `{user_id}`
 * @WH_PARAMETER_QUERY: a query string parameter
 * @WH_PARAMETER_HEADER: a request header
 * @WH_PARAMETER_COOKIE: a cookie
 *
 * Where a route parameter, or an API key, is carried in a request.
 */
typedef enum
{
  WH_PARAMETER_PATH,
  WH_PARAMETER_QUERY,
  WH_PARAMETER_HEADER,
  WH_PARAMETER_COOKIE,
} WhParameterLocation;

#define WH_TYPE_PARAMETER (wh_parameter_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhParameter, wh_parameter, WH, PARAMETER, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
WhParameter         *wh_parameter_new              (const char          *name,
                                                    WhParameterLocation  location,
                                                    GType                value_type);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_parameter_get_name         (WhParameter         *self);
WEBHOOKS_AVAILABLE_IN_ALL
WhParameterLocation  wh_parameter_get_location     (WhParameter         *self);
WEBHOOKS_AVAILABLE_IN_ALL
GType                wh_parameter_get_value_type   (WhParameter         *self);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_parameter_get_required     (WhParameter         *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_parameter_set_required     (WhParameter         *self,
                                                    gboolean             required);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_parameter_get_description  (WhParameter         *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_parameter_set_description  (WhParameter         *self,
                                                    const char          *description);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_parameter_get_deprecated   (WhParameter         *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_parameter_set_deprecated   (WhParameter         *self,
                                                    gboolean             deprecated);

G_END_DECLS
