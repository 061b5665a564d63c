/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "webhooks-version-macros.h"
#include "wh-handler.h"

G_BEGIN_DECLS

#define WH_TYPE_API_VIEW (wh_api_view_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (WhAPIView, wh_api_view, WH, API_VIEW, GObject)

/**
 * WhAPIViewClass:
 * @parent_class: the parent class
 * @customize_operation: called with each OpenAPI Operation Object of the view's handlers,
 *   after the handler's own #WhHandlerClass.customize_operation, so that a view can add
 *   what all its operations have in common (an `x-` extension, `externalDocs`). It must
 *   not remove what the library put there.
 *
 * The class structure of #WhAPIView. A subclass registers its handlers in its
 * `class_init` with wh_api_view_class_add_handler().
 */
struct _WhAPIViewClass
{
  GObjectClass parent_class;

  void (* customize_operation) (WhAPIView  *self,
                                WhHandler  *handler,
                                const char *method,
                                JsonObject *operation);

  /*< private >*/
  gpointer _reserved[7];
};

WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_api_view_class_add_handler  (WhAPIViewClass     *klass,
                                                     WhHandler          *handler);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_api_view_add_handler        (WhAPIView          *self,
                                                     WhHandler          *handler);
WEBHOOKS_AVAILABLE_IN_ALL
GListModel          *wh_api_view_get_handlers       (WhAPIView          *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_api_view_get_name           (WhAPIView          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_api_view_set_name           (WhAPIView          *self,
                                                     const char         *name);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_api_view_get_path           (WhAPIView          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_api_view_set_path           (WhAPIView          *self,
                                                     const char         *path);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const  *wh_api_view_get_tags           (WhAPIView          *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_api_view_set_tags           (WhAPIView          *self,
                                                     const char * const *tags);

G_END_DECLS
