/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-webhook-handler
 * @Title: WhWebhookHandler
 * @Short_description: a webhook the application sends
 *
 * A #WhWebhookHandler declares a webhook: a request that the application sends
 * to its subscribers. Its #WhHandler:path is the webhook's name, an identifier
 * such as `new-payment` that needs no leading `/` and is never routed; its
 * #WhHandler:body-type is the payload's model. It goes into the document's
 * `webhooks` through a #WhWebhookGateway.
 *
 * |[<!-- language="C" -->
 * g_autoptr(WhWebhookHandler) handler = wh_whpost ("new-payment");
 *
 * g_object_set (handler,
 *               "description", "User receives a notification for every payment done.",
 *               "body-type", MY_TYPE_PAYMENT,
 *               NULL);
 * ]|
 *
 * A subclass may override #WhWebhookHandlerClass.prepare_payload to change the
 * JSON that is sent for a payload.
 */

#include "config.h"

#include "wh-webhook-handler.h"
#include "wh-error.h"
#include "wh-model.h"

/**
 * WH_TYPE_WEBHOOK_HANDLER:
 *
 * The #GType of #WhWebhookHandler.
 */

/**
 * WhWebhookHandler:
 *
 * A webhook the application sends; its path is the webhook's name.
 */
G_DEFINE_TYPE (WhWebhookHandler, wh_webhook_handler, WH_TYPE_HANDLER)

static JsonNode *
wh_webhook_handler_real_prepare_payload (WhWebhookHandler  *self,
                                         GObject           *payload,
                                         GError           **error)
{
  return wh_model_serialize (payload, error);
}

static void
wh_webhook_handler_class_init (WhWebhookHandlerClass *klass)
{
  klass->prepare_payload = wh_webhook_handler_real_prepare_payload;
}

static void
wh_webhook_handler_init (WhWebhookHandler *self)
{
}

/**
 * wh_webhook_handler_new:
 * @name: the webhook's name, such as `new-payment`
 * @methods: (array zero-terminated=1) (nullable): the HTTP methods it is sent with
 *
 * Creates a webhook handler. wh_whpost(), wh_whget()… and wh_whroute() are
 * shorter.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_webhook_handler_new (const char         *name,
                        const char * const *methods)
{
  return g_object_new (WH_TYPE_WEBHOOK_HANDLER,
                       "path", name,
                       "methods", methods,
                       NULL);
}

/**
 * wh_webhook_handler_prepare_payload:
 * @self: a #WhWebhookHandler
 * @payload: the object given to publish
 * @error: return location for a #GError
 *
 * Turns @payload into the JSON that is sent, with the
 * #WhWebhookHandlerClass.prepare_payload virtual method (by default
 * wh_model_serialize()).
 *
 * Returns: (transfer full): the JSON to send, or %NULL with @error set
 */
JsonNode *
wh_webhook_handler_prepare_payload (WhWebhookHandler  *self,
                                    GObject           *payload,
                                    GError           **error)
{
  WhWebhookHandlerClass *klass;
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;

  g_return_val_if_fail (WH_IS_WEBHOOK_HANDLER (self), NULL);
  g_return_val_if_fail (G_IS_OBJECT (payload), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  klass = WH_WEBHOOK_HANDLER_GET_CLASS (self);
  g_return_val_if_fail (klass->prepare_payload != NULL, NULL);

  node = klass->prepare_payload (self, payload, &local_error);

  if (node == NULL && local_error == NULL)
    {
      /* An override (often in Python or JavaScript) that forgot to report why:
       * say where to look instead of failing without a message. */
      g_set_error (error, WH_ERROR, WH_ERROR_FAILED,
                   "The prepare_payload of %s for the webhook “%s” returned no payload and "
                   "no error: return a JSON node, or set an error.",
                   G_OBJECT_TYPE_NAME (self), wh_handler_get_path (WH_HANDLER (self)));
      return NULL;
    }

  if (node == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return node;
}
