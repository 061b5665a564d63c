/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <libsoup/soup.h>

#include "webhooks-version-macros.h"
#include "wh-application.h"

G_BEGIN_DECLS

/**
 * WH_RECEIVER_DEFAULT_MAX_BODY_SIZE:
 *
 * The default #WhReceiver:max-body-size: 1 MiB.
 */
#define WH_RECEIVER_DEFAULT_MAX_BODY_SIZE (1024 * 1024)

/**
 * WH_RECEIVER_DEFAULT_DEDUP_CAPACITY:
 *
 * The default #WhReceiver:dedup-capacity: how many recent `webhook-id`s a receiver
 * remembers to drop repeats.
 */
#define WH_RECEIVER_DEFAULT_DEDUP_CAPACITY 10000

#define WH_TYPE_RECEIVER (wh_receiver_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhReceiver, wh_receiver, WH, RECEIVER, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
WhReceiver          *wh_receiver_new                 (const char          *secret,
                                                      GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_receiver_attach              (WhReceiver          *self,
                                                      SoupServer          *server,
                                                      const char          *path,
                                                      GError             **error);

WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_receiver_get_secret          (WhReceiver          *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const  *wh_receiver_get_secrets         (WhReceiver          *self);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_receiver_set_secrets         (WhReceiver          *self,
                                                      const char * const  *secrets,
                                                      GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
guint                wh_receiver_get_tolerance       (WhReceiver          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_receiver_set_tolerance       (WhReceiver          *self,
                                                      guint                seconds);
WEBHOOKS_AVAILABLE_IN_ALL
guint                wh_receiver_get_max_body_size   (WhReceiver          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_receiver_set_max_body_size   (WhReceiver          *self,
                                                      guint                max_body_size);
WEBHOOKS_AVAILABLE_IN_ALL
guint                wh_receiver_get_dedup_capacity  (WhReceiver          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_receiver_set_dedup_capacity  (WhReceiver          *self,
                                                      guint                capacity);
WEBHOOKS_AVAILABLE_IN_ALL
WhApplication       *wh_receiver_get_application     (WhReceiver          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_receiver_set_application     (WhReceiver          *self,
                                                      WhApplication       *application);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_receiver_get_event           (WhReceiver          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_receiver_set_event           (WhReceiver          *self,
                                                      const char          *event);

G_END_DECLS
