/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include "wh-delivery.h"

G_BEGIN_DECLS

/* Takes @message_id, @endpoint_id, @event and @payload: stores build many of these per
 * claim, so this skips the property machinery. */
WhDelivery *wh_delivery_new_take (gint64           id,
                                  char            *message_id,
                                  char            *endpoint_id,
                                  char            *event,
                                  GBytes          *payload,
                                  guint            attempt,
                                  WhDeliveryState  state,
                                  gint64           created_at,
                                  gint64           next_attempt_at);

G_END_DECLS
