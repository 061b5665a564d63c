/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "webhooks-version-macros.h"
#include "wh-application.h"
#include "wh-delivery.h"
#include "wh-endpoint.h"
#include "wh-store.h"

G_BEGIN_DECLS

#define WH_TYPE_DISPATCHER            (wh_dispatcher_get_type ())
#define WH_DISPATCHER(obj)            (G_TYPE_CHECK_INSTANCE_CAST ((obj), WH_TYPE_DISPATCHER, WhDispatcher))
#define WH_IS_DISPATCHER(obj)         (G_TYPE_CHECK_INSTANCE_TYPE ((obj), WH_TYPE_DISPATCHER))
#define WH_DISPATCHER_CLASS(klass)    (G_TYPE_CHECK_CLASS_CAST ((klass), WH_TYPE_DISPATCHER, WhDispatcherClass))
#define WH_IS_DISPATCHER_CLASS(klass) (G_TYPE_CHECK_CLASS_TYPE ((klass), WH_TYPE_DISPATCHER))
#define WH_DISPATCHER_GET_CLASS(obj)  (G_TYPE_INSTANCE_GET_CLASS ((obj), WH_TYPE_DISPATCHER, WhDispatcherClass))

typedef struct _WhDispatcher      WhDispatcher;
typedef struct _WhDispatcherClass WhDispatcherClass;

/**
 * WhDispatcherClass:
 * @parent_class: the parent class
 * @delivery_succeeded: the class handler of #WhDispatcher::delivery-succeeded
 * @delivery_failed: the class handler of #WhDispatcher::delivery-failed
 * @endpoint_disabled: the class handler of #WhDispatcher::endpoint-disabled
 *
 * The class structure of #WhDispatcher. The type is final; the signal slots are where
 * the signals' class closures live.
 */
struct _WhDispatcherClass
{
  GObjectClass parent_class;

  void (* delivery_succeeded) (WhDispatcher *self,
                               WhDelivery   *delivery,
                               WhAttempt    *attempt);
  void (* delivery_failed)    (WhDispatcher *self,
                               WhDelivery   *delivery,
                               WhAttempt    *attempt,
                               gboolean      will_retry);
  void (* endpoint_disabled)  (WhDispatcher *self,
                               WhEndpoint   *endpoint,
                               const char   *reason);

  /*< private >*/
  gpointer _reserved[8];
};

WEBHOOKS_AVAILABLE_IN_ALL
GType           wh_dispatcher_get_type            (void) G_GNUC_CONST;

WEBHOOKS_AVAILABLE_IN_ALL
WhDispatcher   *wh_dispatcher_new                 (WhApplication   *application,
                                                   WhStore         *store);
WEBHOOKS_AVAILABLE_IN_ALL
WhApplication  *wh_dispatcher_get_application     (WhDispatcher    *self);
WEBHOOKS_AVAILABLE_IN_ALL
WhStore        *wh_dispatcher_get_store           (WhDispatcher    *self);

WEBHOOKS_AVAILABLE_IN_ALL
gboolean        wh_dispatcher_allow_network       (WhDispatcher    *self,
                                                   const char      *cidr,
                                                   GError         **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean        wh_dispatcher_add_endpoint        (WhDispatcher    *self,
                                                   WhEndpoint      *endpoint,
                                                   GError         **error);

WEBHOOKS_AVAILABLE_IN_ALL
char           *wh_dispatcher_publish             (WhDispatcher    *self,
                                                   const char      *event,
                                                   GObject         *payload,
                                                   GError         **error);
WEBHOOKS_AVAILABLE_IN_ALL
char           *wh_dispatcher_publish_json        (WhDispatcher    *self,
                                                   const char      *event,
                                                   JsonNode        *payload,
                                                   GError         **error);

WEBHOOKS_AVAILABLE_IN_ALL
void            wh_dispatcher_start               (WhDispatcher    *self);
WEBHOOKS_AVAILABLE_IN_ALL
void            wh_dispatcher_stop                (WhDispatcher    *self);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean        wh_dispatcher_get_running         (WhDispatcher    *self);
WEBHOOKS_AVAILABLE_IN_ALL
guint           wh_dispatcher_get_in_flight       (WhDispatcher    *self);

WEBHOOKS_AVAILABLE_IN_ALL
void            wh_dispatcher_set_retry_schedule  (WhDispatcher    *self,
                                                   const guint64   *delays,
                                                   gsize            n_delays);
WEBHOOKS_AVAILABLE_IN_ALL
const guint64  *wh_dispatcher_get_retry_schedule  (WhDispatcher    *self,
                                                   gsize           *n_delays);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhDispatcher, g_object_unref)

G_END_DECLS
