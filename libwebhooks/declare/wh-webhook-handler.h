/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include "wh-handler.h"

G_BEGIN_DECLS

#define WH_TYPE_WEBHOOK_HANDLER (wh_webhook_handler_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (WhWebhookHandler, wh_webhook_handler, WH, WEBHOOK_HANDLER, WhHandler)

/**
 * WhWebhookHandlerClass:
 * @parent_class: the parent class
 * @prepare_payload: turns the object given to publish into the JSON that is sent. The
 *   default serializes it with wh_model_serialize(); a subclass may add, rename or drop
 *   members, and what it returns is still validated against the documented schema.
 *
 * The class structure of #WhWebhookHandler.
 */
struct _WhWebhookHandlerClass
{
  WhHandlerClass parent_class;

  JsonNode * (* prepare_payload) (WhWebhookHandler  *self,
                                  GObject           *payload,
                                  GError           **error);

  /*< private >*/
  gpointer _reserved[8];
};

WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_webhook_handler_new              (const char          *name,
                                                       const char * const  *methods);
WEBHOOKS_AVAILABLE_IN_ALL
JsonNode         *wh_webhook_handler_prepare_payload  (WhWebhookHandler    *self,
                                                       GObject             *payload,
                                                       GError             **error);

G_END_DECLS
