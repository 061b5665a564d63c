/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib-object.h>

#include "webhooks-version-macros.h"

G_BEGIN_DECLS

#define WH_TYPE_ENDPOINT (wh_endpoint_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhEndpoint, wh_endpoint, WH, ENDPOINT, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
WhEndpoint          *wh_endpoint_new                 (const char          *url,
                                                      GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_endpoint_get_id              (WhEndpoint          *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_endpoint_get_url             (WhEndpoint          *self);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_endpoint_set_url             (WhEndpoint          *self,
                                                      const char          *url,
                                                      GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_endpoint_get_secret          (WhEndpoint          *self);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_endpoint_set_secret          (WhEndpoint          *self,
                                                      const char          *secret,
                                                      GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_endpoint_rotate_secret       (WhEndpoint          *self,
                                                      const char          *new_secret,
                                                      gint64               keep_old_until,
                                                      GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
char               **wh_endpoint_get_active_secrets  (WhEndpoint          *self,
                                                      gint64               now);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const  *wh_endpoint_get_previous_secrets (WhEndpoint          *self);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_endpoint_set_previous_secrets (WhEndpoint          *self,
                                                       const char * const  *previous_secrets,
                                                       GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const  *wh_endpoint_get_events          (WhEndpoint          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_endpoint_set_events          (WhEndpoint          *self,
                                                      const char * const  *events);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_endpoint_accepts_event       (WhEndpoint          *self,
                                                      const char          *event);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_endpoint_get_enabled         (WhEndpoint          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_endpoint_set_enabled         (WhEndpoint          *self,
                                                      gboolean             enabled);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_endpoint_get_description     (WhEndpoint          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_endpoint_set_description     (WhEndpoint          *self,
                                                      const char          *description);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const  *wh_endpoint_get_headers         (WhEndpoint          *self);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_endpoint_set_headers         (WhEndpoint          *self,
                                                      const char * const  *headers,
                                                      GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_endpoint_get_header          (WhEndpoint          *self,
                                                      const char          *name);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_endpoint_set_header          (WhEndpoint          *self,
                                                      const char          *name,
                                                      const char          *value,
                                                      GError             **error);

G_END_DECLS
