/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-webhook-gateway
 * @Title: WhWebhookGateway
 * @Short_description: places a webhook or a view in the application's webhooks
 *
 * A #WhWebhookGateway puts a #WhWebhookHandler, or a #WhAPIView of webhook
 * handlers, into the application's webhooks, as Esmerald's `WebhookGateway`
 * does. Webhooks are never routed: they appear in the document's `webhooks`
 * object, under their names.
 *
 * |[<!-- language="C" -->
 * g_autoptr(WhWebhookHandler) handler = wh_whpost ("new-payment");
 * g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new (handler);
 *
 * if (!wh_application_add_webhook (app, gateway, &error))
 *   g_printerr ("%s\n", error->message);
 * ]|
 *
 * Its #WhGateway:handler property is typed #WhHandler, so a binding can put a
 * route handler in it; the application then refuses the gateway with
 * %WH_ERROR_WRONG_KIND.
 */

#include "config.h"

#include "wh-webhook-gateway.h"

/**
 * WH_TYPE_WEBHOOK_GATEWAY:
 *
 * The #GType of #WhWebhookGateway.
 */

/**
 * WhWebhookGateway:
 *
 * Places a webhook handler or a view in the application's webhooks.
 */
G_DEFINE_TYPE (WhWebhookGateway, wh_webhook_gateway, WH_TYPE_GATEWAY)

static void
wh_webhook_gateway_class_init (WhWebhookGatewayClass *klass)
{
}

static void
wh_webhook_gateway_init (WhWebhookGateway *self)
{
}

/**
 * wh_webhook_gateway_new:
 * @handler: (transfer none): the webhook handler to place
 *
 * Creates a gateway for a webhook. The gateway takes a reference on @handler.
 *
 * Returns: (transfer full): a new #WhWebhookGateway
 */
WhWebhookGateway *
wh_webhook_gateway_new (WhWebhookHandler *handler)
{
  g_return_val_if_fail (WH_IS_WEBHOOK_HANDLER (handler), NULL);

  return g_object_new (WH_TYPE_WEBHOOK_GATEWAY, "handler", handler, NULL);
}

/**
 * wh_webhook_gateway_new_for_view:
 * @view: (transfer none): the view of webhook handlers to place
 *
 * Creates a gateway for a view whose handlers are webhooks. The gateway takes a
 * reference on @view.
 *
 * Returns: (transfer full): a new #WhWebhookGateway
 */
WhWebhookGateway *
wh_webhook_gateway_new_for_view (WhAPIView *view)
{
  g_return_val_if_fail (WH_IS_API_VIEW (view), NULL);

  return g_object_new (WH_TYPE_WEBHOOK_GATEWAY, "view", view, NULL);
}
