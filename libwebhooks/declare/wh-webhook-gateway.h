/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include "wh-gateway.h"
#include "wh-webhook-handler.h"

G_BEGIN_DECLS

#define WH_TYPE_WEBHOOK_GATEWAY (wh_webhook_gateway_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (WhWebhookGateway, wh_webhook_gateway, WH, WEBHOOK_GATEWAY, WhGateway)

/**
 * WhWebhookGatewayClass:
 * @parent_class: the parent class
 *
 * The class structure of #WhWebhookGateway.
 */
struct _WhWebhookGatewayClass
{
  WhGatewayClass parent_class;

  /*< private >*/
  gpointer _reserved[8];
};

WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookGateway *wh_webhook_gateway_new           (WhWebhookHandler *handler);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookGateway *wh_webhook_gateway_new_for_view  (WhAPIView        *view);

G_END_DECLS
