/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib-object.h>

#include "webhooks-version-macros.h"

G_BEGIN_DECLS

#define WH_TYPE_RESPONSE (wh_response_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhResponse, wh_response, WH, RESPONSE, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
WhResponse  *wh_response_new               (const char  *status,
                                            const char  *description);
WEBHOOKS_AVAILABLE_IN_ALL
const char  *wh_response_get_status        (WhResponse  *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char  *wh_response_get_description   (WhResponse  *self);
WEBHOOKS_AVAILABLE_IN_ALL
void         wh_response_set_description   (WhResponse  *self,
                                            const char  *description);
WEBHOOKS_AVAILABLE_IN_ALL
GType        wh_response_get_body_type     (WhResponse  *self);
WEBHOOKS_AVAILABLE_IN_ALL
void         wh_response_set_body_type     (WhResponse  *self,
                                            GType        body_type);
WEBHOOKS_AVAILABLE_IN_ALL
const char  *wh_response_get_media_type    (WhResponse  *self);
WEBHOOKS_AVAILABLE_IN_ALL
void         wh_response_set_media_type    (WhResponse  *self,
                                            const char  *media_type);

G_END_DECLS
