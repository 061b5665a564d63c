/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "webhooks-version-macros.h"
#include "wh-application.h"
#include "wh-handler.h"

G_BEGIN_DECLS

#define WH_TYPE_REQUEST (wh_request_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhRequest, wh_request, WH, REQUEST, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_request_get_method             (WhRequest          *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_request_get_path               (WhRequest          *self);
WEBHOOKS_AVAILABLE_IN_ALL
WhHandler           *wh_request_get_handler            (WhRequest          *self);
WEBHOOKS_AVAILABLE_IN_ALL
WhApplication       *wh_request_get_application        (WhRequest          *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_request_get_header             (WhRequest          *self,
                                                        const char         *name);

WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_request_has_parameter          (WhRequest          *self,
                                                        const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
const GValue        *wh_request_get_parameter          (WhRequest          *self,
                                                        const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_request_get_parameter_string   (WhRequest          *self,
                                                        const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
gint64               wh_request_get_parameter_int      (WhRequest          *self,
                                                        const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
double               wh_request_get_parameter_double   (WhRequest          *self,
                                                        const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_request_get_parameter_boolean  (WhRequest          *self,
                                                        const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
char               **wh_request_list_parameters        (WhRequest          *self);

WEBHOOKS_AVAILABLE_IN_ALL
GObject             *wh_request_get_body               (WhRequest          *self);
WEBHOOKS_AVAILABLE_IN_ALL
JsonNode            *wh_request_get_body_json          (WhRequest          *self);
WEBHOOKS_AVAILABLE_IN_ALL
GBytes              *wh_request_get_body_bytes         (WhRequest          *self);

WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_request_set_response_header    (WhRequest          *self,
                                                        const char         *name,
                                                        const char         *value);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_request_is_answered            (WhRequest          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_request_respond_model          (WhRequest          *self,
                                                        guint               status,
                                                        GObject            *model);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_request_respond_json           (WhRequest          *self,
                                                        guint               status,
                                                        JsonNode           *json);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_request_respond_bytes          (WhRequest          *self,
                                                        guint               status,
                                                        const char         *content_type,
                                                        GBytes             *bytes);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_request_respond_error          (WhRequest          *self,
                                                        guint               status,
                                                        const char         *detail);

G_END_DECLS
