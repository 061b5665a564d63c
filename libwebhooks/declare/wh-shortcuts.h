/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include "webhooks-version-macros.h"
#include "wh-handler.h"
#include "wh-webhook-handler.h"

G_BEGIN_DECLS

/* Webhook handlers: the name is the webhook's identifier, never a routed path. */
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whget      (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whpost     (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whput      (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whpatch    (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whdelete   (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whhead     (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whead      (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whoptions  (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whtrace    (const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler *wh_whroute    (const char         *name,
                                 const char * const *methods);

/* Route handlers: the path is routed (and may hold `{parameters}`). */
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_get        (const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_post       (const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_put        (const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_patch      (const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_delete     (const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_head       (const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_options    (const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_trace      (const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler        *wh_route      (const char         *path,
                                 const char * const *methods);

G_END_DECLS
