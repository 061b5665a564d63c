/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib-object.h>

#include "webhooks-version-macros.h"

G_BEGIN_DECLS

/**
 * WhDeliveryState:
 * @WH_DELIVERY_STATE_PENDING: not delivered yet: due now, waiting for a retry, or in
 *   flight
 * @WH_DELIVERY_STATE_SUCCEEDED: the endpoint answered with a 2xx status
 * @WH_DELIVERY_STATE_FAILED: every attempt failed and no more will be made
 *
 * Where the delivery of one message to one endpoint stands.
 */
typedef enum
{
  WH_DELIVERY_STATE_PENDING,
  WH_DELIVERY_STATE_SUCCEEDED,
  WH_DELIVERY_STATE_FAILED,
} WhDeliveryState;

/**
 * WH_TYPE_DELIVERY_STATE:
 *
 * The #GType of #WhDeliveryState.
 */
#define WH_TYPE_DELIVERY_STATE (wh_delivery_state_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
GType wh_delivery_state_get_type (void) G_GNUC_CONST;

#define WH_TYPE_DELIVERY (wh_delivery_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhDelivery, wh_delivery, WH, DELIVERY, GObject)

#define WH_TYPE_ATTEMPT (wh_attempt_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhAttempt, wh_attempt, WH, ATTEMPT, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
gint64           wh_delivery_get_id               (WhDelivery  *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char      *wh_delivery_get_message_id       (WhDelivery  *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char      *wh_delivery_get_endpoint_id      (WhDelivery  *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char      *wh_delivery_get_event            (WhDelivery  *self);
WEBHOOKS_AVAILABLE_IN_ALL
GBytes          *wh_delivery_get_payload          (WhDelivery  *self);
WEBHOOKS_AVAILABLE_IN_ALL
guint            wh_delivery_get_attempt          (WhDelivery  *self);
WEBHOOKS_AVAILABLE_IN_ALL
WhDeliveryState  wh_delivery_get_state            (WhDelivery  *self);
WEBHOOKS_AVAILABLE_IN_ALL
gint64           wh_delivery_get_created_at       (WhDelivery  *self);
WEBHOOKS_AVAILABLE_IN_ALL
gint64           wh_delivery_get_next_attempt_at  (WhDelivery  *self);

WEBHOOKS_AVAILABLE_IN_ALL
WhAttempt       *wh_attempt_new                   (gint64       delivery_id,
                                                   guint        number,
                                                   gint64       started_at,
                                                   gint64       duration,
                                                   guint        status_code,
                                                   const char  *error_message,
                                                   GBytes      *response_body,
                                                   gint64       next_attempt_at);
WEBHOOKS_AVAILABLE_IN_ALL
gint64           wh_attempt_get_delivery_id       (WhAttempt   *self);
WEBHOOKS_AVAILABLE_IN_ALL
guint            wh_attempt_get_number            (WhAttempt   *self);
WEBHOOKS_AVAILABLE_IN_ALL
gint64           wh_attempt_get_started_at        (WhAttempt   *self);
WEBHOOKS_AVAILABLE_IN_ALL
gint64           wh_attempt_get_duration          (WhAttempt   *self);
WEBHOOKS_AVAILABLE_IN_ALL
guint            wh_attempt_get_status_code       (WhAttempt   *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char      *wh_attempt_get_error_message     (WhAttempt   *self);
WEBHOOKS_AVAILABLE_IN_ALL
GBytes          *wh_attempt_get_response_body     (WhAttempt   *self);
WEBHOOKS_AVAILABLE_IN_ALL
gint64           wh_attempt_get_next_attempt_at   (WhAttempt   *self);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean         wh_attempt_get_succeeded         (WhAttempt   *self);

G_END_DECLS
