/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <gio/gio.h>

#include "webhooks-version-macros.h"
#include "wh-api-view.h"
#include "wh-handler.h"

G_BEGIN_DECLS

#define WH_TYPE_GATEWAY (wh_gateway_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (WhGateway, wh_gateway, WH, GATEWAY, GObject)

/**
 * WhGatewayClass:
 * @parent_class: the parent class
 *
 * The class structure of #WhGateway.
 */
struct _WhGatewayClass
{
  GObjectClass parent_class;

  /*< private >*/
  gpointer _reserved[8];
};

WEBHOOKS_AVAILABLE_IN_ALL
WhGateway           *wh_gateway_new                    (WhHandler          *handler);
WEBHOOKS_AVAILABLE_IN_ALL
WhGateway           *wh_gateway_new_for_view           (WhAPIView          *view);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler           *wh_gateway_get_handler            (WhGateway          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_gateway_set_handler            (WhGateway          *self,
                                                        WhHandler          *handler);
WEBHOOKS_AVAILABLE_IN_ALL
WhAPIView           *wh_gateway_get_view               (WhGateway          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_gateway_set_view               (WhGateway          *self,
                                                        WhAPIView          *view);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_gateway_get_path               (WhGateway          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_gateway_set_path               (WhGateway          *self,
                                                        const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_gateway_get_name               (WhGateway          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_gateway_set_name               (WhGateway          *self,
                                                        const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_gateway_get_include_in_schema  (WhGateway          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_gateway_set_include_in_schema  (WhGateway          *self,
                                                        gboolean            include_in_schema);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_gateway_get_deprecated         (WhGateway          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_gateway_set_deprecated         (WhGateway          *self,
                                                        gboolean            deprecated);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const  *wh_gateway_get_tags               (WhGateway          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_gateway_set_tags               (WhGateway          *self,
                                                        const char * const *tags);
WEBHOOKS_AVAILABLE_IN_ALL
GListModel          *wh_gateway_get_security           (WhGateway          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_gateway_add_security           (WhGateway          *self,
                                                        WhSecurityScheme   *scheme);

G_END_DECLS
