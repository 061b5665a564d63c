/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib-object.h>

#include "webhooks-version-macros.h"
#include "wh-delivery.h"
#include "wh-endpoint.h"

G_BEGIN_DECLS

#define WH_TYPE_STORE (wh_store_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (WhStore, wh_store, WH, STORE, GObject)

/**
 * WhStoreInterface:
 * @parent_iface: the parent interface
 * @add_endpoint: adds an endpoint; see wh_store_add_endpoint()
 * @update_endpoint: saves an endpoint's changes; see wh_store_update_endpoint()
 * @remove_endpoint: removes an endpoint; see wh_store_remove_endpoint()
 * @lookup_endpoint: finds an endpoint by id; see wh_store_lookup_endpoint()
 * @list_endpoints: lists the endpoints; see wh_store_list_endpoints()
 * @publish: stores a message and its deliveries at once; see wh_store_publish()
 * @claim_due: leases due deliveries; see wh_store_claim_due()
 * @record_attempt: records an attempt and its outcome; see wh_store_record_attempt()
 * @list_deliveries: lists a message's deliveries; see wh_store_list_deliveries()
 * @list_attempts: lists a delivery's attempts; see wh_store_list_attempts()
 * @count_deliveries: counts deliveries by state; see wh_store_count_deliveries()
 * @release: hands a claimed delivery back without an attempt; see wh_store_release()
 * @get_endpoint_failing_since: reads since when every attempt to an endpoint has
 *   failed; see wh_store_get_endpoint_failing_since()
 * @record_attempts: records several attempts at once, all or none; see
 *   wh_store_record_attempts(). Optional: without it the attempts are recorded one by
 *   one with @record_attempt
 * @is_thread_safe: says whether every other method may be called from any thread at
 *   once; see wh_store_is_thread_safe(). Optional: without it the store is used from
 *   one thread at a time
 *
 * The operations of a delivery store. None takes a callback, so a store can be
 * written in any language GObject introspection reaches. Each is synchronous and
 * reports failures as #GError; the wrappers check their arguments first.
 */
struct _WhStoreInterface
{
  GTypeInterface parent_iface;

  gboolean     (*add_endpoint)      (WhStore             *self,
                                     WhEndpoint          *endpoint,
                                     GError             **error);
  gboolean     (*update_endpoint)   (WhStore             *self,
                                     WhEndpoint          *endpoint,
                                     GError             **error);
  gboolean     (*remove_endpoint)   (WhStore             *self,
                                     const char          *endpoint_id,
                                     GError             **error);
  WhEndpoint  *(*lookup_endpoint)   (WhStore             *self,
                                     const char          *endpoint_id,
                                     GError             **error);
  GPtrArray   *(*list_endpoints)    (WhStore             *self,
                                     GError             **error);
  char        *(*publish)           (WhStore             *self,
                                     const char          *event,
                                     GBytes              *payload,
                                     const char * const  *endpoint_ids,
                                     gint64               now,
                                     GError             **error);
  GPtrArray   *(*claim_due)         (WhStore             *self,
                                     gint64               now,
                                     guint                limit,
                                     guint                lease_seconds,
                                     GError             **error);
  gboolean     (*record_attempt)    (WhStore             *self,
                                     WhAttempt           *attempt,
                                     GError             **error);
  GPtrArray   *(*list_deliveries)   (WhStore             *self,
                                     const char          *message_id,
                                     GError             **error);
  GPtrArray   *(*list_attempts)     (WhStore             *self,
                                     gint64               delivery_id,
                                     GError             **error);
  gboolean     (*count_deliveries)  (WhStore             *self,
                                     guint64             *pending,
                                     guint64             *succeeded,
                                     guint64             *failed,
                                     GError             **error);
  gboolean     (*release)           (WhStore             *self,
                                     gint64               delivery_id,
                                     GError             **error);
  gint64       (*get_endpoint_failing_since) (WhStore    *self,
                                              const char *endpoint_id,
                                              GError    **error);
  gboolean     (*record_attempts)   (WhStore             *self,
                                     GPtrArray           *attempts,
                                     GError             **error);
  gboolean     (*is_thread_safe)    (WhStore             *self);

  /*< private >*/
  gpointer _reserved[4];
};

WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_store_add_endpoint      (WhStore             *self,
                                         WhEndpoint          *endpoint,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_store_update_endpoint   (WhStore             *self,
                                         WhEndpoint          *endpoint,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_store_remove_endpoint   (WhStore             *self,
                                         const char          *endpoint_id,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
WhEndpoint  *wh_store_lookup_endpoint   (WhStore             *self,
                                         const char          *endpoint_id,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
GPtrArray   *wh_store_list_endpoints    (WhStore             *self,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
char        *wh_store_publish           (WhStore             *self,
                                         const char          *event,
                                         GBytes              *payload,
                                         const char * const  *endpoint_ids,
                                         gint64               now,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
GPtrArray   *wh_store_claim_due         (WhStore             *self,
                                         gint64               now,
                                         guint                limit,
                                         guint                lease_seconds,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_store_record_attempt    (WhStore             *self,
                                         WhAttempt           *attempt,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_store_record_attempts   (WhStore             *self,
                                         GPtrArray           *attempts,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
GPtrArray   *wh_store_list_deliveries   (WhStore             *self,
                                         const char          *message_id,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
GPtrArray   *wh_store_list_attempts     (WhStore             *self,
                                         gint64               delivery_id,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_store_count_deliveries  (WhStore             *self,
                                         guint64             *pending,
                                         guint64             *succeeded,
                                         guint64             *failed,
                                         GError             **error);

WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_store_release           (WhStore             *self,
                                         gint64               delivery_id,
                                         GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gint64       wh_store_get_endpoint_failing_since (WhStore    *self,
                                                  const char *endpoint_id,
                                                  GError    **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_store_is_thread_safe    (WhStore             *self);

G_END_DECLS
