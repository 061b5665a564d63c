/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "webhooks-version-macros.h"
#include "wh-parameter.h"
#include "wh-response.h"
#include "wh-security-scheme.h"

G_BEGIN_DECLS

#define WH_TYPE_HANDLER (wh_handler_get_type ())

/* Declared in wh-request.h (serve/), which needs this header. */
typedef struct _WhRequest WhRequest;

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (WhHandler, wh_handler, WH, HANDLER, GObject)

/**
 * WhHandlerClass:
 * @parent_class: the parent class
 * @customize_operation: called with each OpenAPI Operation Object the handler produces,
 *   after the library has filled it in, so that a subclass can add to it (vendor extensions,
 *   examples, links). It must not remove what the library put there.
 * @handle: answers a request to the route, through @request, now or later (keep a
 *   reference to @request meanwhile). The default answers `501 Not Implemented`.
 *
 * The class structure of #WhHandler.
 */
struct _WhHandlerClass
{
  GObjectClass parent_class;

  void (* customize_operation) (WhHandler  *self,
                                const char *method,
                                JsonObject *operation);
  void (* handle)              (WhHandler  *self,
                                WhRequest  *request);

  /*< private >*/
  gpointer _reserved[7];
};

WEBHOOKS_AVAILABLE_IN_ALL
WhHandler           *wh_handler_new                        (const char         *path,
                                                            const char * const *methods);

WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_handle                     (WhHandler          *self,
                                                            WhRequest          *request);

WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_handler_get_path                   (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_path                   (WhHandler          *self,
                                                            const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const  *wh_handler_get_methods                (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_methods                (WhHandler          *self,
                                                            const char * const *methods);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_handler_get_name                   (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_name                   (WhHandler          *self,
                                                            const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_handler_get_summary                (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_summary                (WhHandler          *self,
                                                            const char         *summary);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_handler_get_description            (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_description            (WhHandler          *self,
                                                            const char         *description);
WEBHOOKS_AVAILABLE_IN_ALL
guint                wh_handler_get_status_code            (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_status_code            (WhHandler          *self,
                                                            guint               status_code);
WEBHOOKS_AVAILABLE_IN_ALL
guint                wh_handler_get_status_code_for_method (WhHandler          *self,
                                                            const char         *method);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_handler_get_operation_id           (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_operation_id           (WhHandler          *self,
                                                            const char         *operation_id);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const  *wh_handler_get_tags                   (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_tags                   (WhHandler          *self,
                                                            const char * const *tags);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_handler_get_deprecated             (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_deprecated             (WhHandler          *self,
                                                            gboolean            deprecated);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_handler_get_include_in_schema      (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_include_in_schema      (WhHandler          *self,
                                                            gboolean            include_in_schema);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_handler_get_media_type             (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_media_type             (WhHandler          *self,
                                                            const char         *media_type);
WEBHOOKS_AVAILABLE_IN_ALL
GType                wh_handler_get_body_type              (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_body_type              (WhHandler          *self,
                                                            GType               body_type);
WEBHOOKS_AVAILABLE_IN_ALL
GType                wh_handler_get_response_type          (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_response_type          (WhHandler          *self,
                                                            GType               response_type);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_handler_get_response_description   (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_set_response_description   (WhHandler          *self,
                                                            const char         *response_description);
WEBHOOKS_AVAILABLE_IN_ALL
GListModel          *wh_handler_get_responses              (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_add_response               (WhHandler          *self,
                                                            WhResponse         *response);
WEBHOOKS_AVAILABLE_IN_ALL
GListModel          *wh_handler_get_security               (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_add_security               (WhHandler          *self,
                                                            WhSecurityScheme   *scheme);
WEBHOOKS_AVAILABLE_IN_ALL
GListModel          *wh_handler_get_parameters             (WhHandler          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_handler_add_parameter              (WhHandler          *self,
                                                            WhParameter        *parameter);

G_END_DECLS
