/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <libsoup/soup.h>

#include "wh-request.h"

G_BEGIN_DECLS

/* What the router (wh-router.c) fills in before it hands the request to its handler. */
WhRequest *wh_request_new             (SoupServerMessage *msg,
                                       WhApplication     *app,
                                       WhHandler         *handler,
                                       const char        *method,
                                       const char        *path);
/* @value is taken (it is unset and freed with the request). */
void       wh_request_take_parameter  (WhRequest         *self,
                                       const char        *name,
                                       const char        *raw,
                                       GValue            *value);
void       wh_request_set_body        (WhRequest         *self,
                                       GBytes            *bytes,
                                       JsonNode          *json,
                                       GObject           *instance);
/* The server answered itself (415, 422): the request lets the message go unanswered. */
void       wh_request_forget          (WhRequest         *self);
/* Calls the handler; pauses the message when it is not answered on return. */
void       wh_request_dispatch        (WhRequest         *self);

/* The JSON error bodies every part of the server answers with. */
void       wh_serve_respond_json_error (SoupServerMessage *msg,
                                        guint              status,
                                        const char        *detail);

G_END_DECLS
