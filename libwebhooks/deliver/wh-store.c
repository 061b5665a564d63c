/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-store
 * @Title: WhStore
 * @Short_description: where endpoints, messages, deliveries and attempts are kept
 *
 * A #WhStore keeps what delivery needs to survive a crash: the endpoints, each
 * published message, one #WhDelivery per message and endpoint, and every #WhAttempt.
 * #WhSqliteStore is the embedded default.
 *
 * The dispatcher works the store as an outbox:
 *
 * 1. wh_store_publish() writes a message and its deliveries in one transaction, so a
 *    message is either stored with all its deliveries or not at all.
 * 2. wh_store_claim_due() leases the deliveries that are due: for @lease_seconds
 *    nobody else gets them. A process that dies while holding a lease loses nothing;
 *    the delivery becomes due again when the lease runs out (at least once, never
 *    lost).
 * 3. wh_store_record_attempt() records each try and its outcome: a 2xx finishes the
 *    delivery, a failure with a next attempt time schedules a retry, a failure without
 *    one ends it as failed.
 * 4. wh_store_release() hands a claimed delivery back untried, when the dispatcher
 *    stops before the endpoint answered: it is due again at once, with the same
 *    attempt number.
 *
 * The store also keeps, per endpoint, since when every attempt to it has failed
 * (wh_store_get_endpoint_failing_since()), so that the dispatcher's rule "disable an
 * endpoint that has failed for five days" survives restarts. It is set by the first
 * failed attempt after a success, and cleared by a success or when the endpoint is
 * enabled or disabled.
 *
 * Every time is microseconds since the Unix epoch, as g_get_real_time() returns them,
 * and is passed in by the caller rather than read from a clock, so that tests can use
 * a fake clock.
 *
 * The operations are plain synchronous calls: a store is local and fast (SQLite), or
 * a connection a dispatcher owns. A store whose storage fails reports
 * %WH_ERROR_STORE.
 *
 * A store is used from one thread at a time unless wh_store_is_thread_safe() says
 * otherwise; #WhSqliteStore does, and may be shared by several threads.
 */

#include "config.h"

#include "wh-error.h"
#include "wh-store.h"

/**
 * WH_TYPE_STORE:
 *
 * The #GType of #WhStore.
 */

/**
 * WhStore:
 *
 * A delivery store: the interface #WhSqliteStore implements.
 */
G_DEFINE_INTERFACE (WhStore, wh_store, G_TYPE_OBJECT)

enum {
  ENDPOINTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
wh_store_default_init (WhStoreInterface *iface)
{
  /**
   * WhStore::endpoints-changed:
   * @self: the store
   *
   * Emitted after an endpoint was added, saved or removed through this store object
   * with wh_store_add_endpoint(), wh_store_update_endpoint() or
   * wh_store_remove_endpoint(). A #WhDispatcher keeps the store's endpoints in memory
   * to publish, and reads them again then.
   *
   * It is emitted on the thread that made the change, which for a store that is
   * thread-safe (wh_store_is_thread_safe()) may be another thread than the one the
   * handler was connected on.
   */
  signals[ENDPOINTS_CHANGED] =
    g_signal_new ("endpoints-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static gboolean
check_implemented (WhStore     *self,
                   gpointer     vfunc,
                   const char  *name,
                   GError     **error)
{
  if (vfunc != NULL)
    return TRUE;

  g_set_error (error, WH_ERROR, WH_ERROR_STORE,
               "The store %s does not implement %s; implement it in the store's class",
               G_OBJECT_TYPE_NAME (self), name);
  return FALSE;
}

/**
 * wh_store_add_endpoint:
 * @self: a #WhStore
 * @endpoint: the endpoint to add
 * @error: return location for a #GError, or %NULL
 *
 * Adds @endpoint to the store under its #WhEndpoint:id.
 *
 * Returns: %TRUE if the endpoint was added, %FALSE with @error set to
 *   %WH_ERROR_DUPLICATE if the store already has an endpoint with that id,
 *   %WH_ERROR_INVALID_PARAMETER if it has no URL, or %WH_ERROR_STORE
 */
gboolean
wh_store_add_endpoint (WhStore     *self,
                       WhEndpoint  *endpoint,
                       GError     **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), FALSE);
  g_return_val_if_fail (WH_IS_ENDPOINT (endpoint), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (wh_endpoint_get_url (endpoint) == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "The endpoint %s has no URL; set one with wh_endpoint_set_url() "
                   "before adding it",
                   wh_endpoint_get_id (endpoint));
      return FALSE;
    }

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->add_endpoint, "add_endpoint", error))
    return FALSE;

  if (!iface->add_endpoint (self, endpoint, error))
    return FALSE;

  g_signal_emit (self, signals[ENDPOINTS_CHANGED], 0);
  return TRUE;
}

/**
 * wh_store_update_endpoint:
 * @self: a #WhStore
 * @endpoint: an endpoint of the store, changed
 * @error: return location for a #GError, or %NULL
 *
 * Saves the changes made to @endpoint (its URL, secrets, events, enabled state,
 * description and headers). Endpoints are values: changing one does not change the
 * store until it is saved. Enabling or disabling the endpoint restarts its failure
 * clock (wh_store_get_endpoint_failing_since()).
 *
 * Returns: %TRUE if the endpoint was saved, %FALSE with @error set to %WH_ERROR_STORE
 *   if the store has no endpoint with its id or cannot be written
 */
gboolean
wh_store_update_endpoint (WhStore     *self,
                          WhEndpoint  *endpoint,
                          GError     **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), FALSE);
  g_return_val_if_fail (WH_IS_ENDPOINT (endpoint), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->update_endpoint, "update_endpoint", error))
    return FALSE;

  if (!iface->update_endpoint (self, endpoint, error))
    return FALSE;

  g_signal_emit (self, signals[ENDPOINTS_CHANGED], 0);
  return TRUE;
}

/**
 * wh_store_remove_endpoint:
 * @self: a #WhStore
 * @endpoint_id: the id of an endpoint
 * @error: return location for a #GError, or %NULL
 *
 * Removes an endpoint, with its deliveries and their attempts: nothing more is sent
 * to it. Messages stay.
 *
 * Returns: %TRUE if the endpoint was removed, %FALSE with @error set to
 *   %WH_ERROR_STORE if the store has no endpoint with that id or cannot be written
 */
gboolean
wh_store_remove_endpoint (WhStore     *self,
                          const char  *endpoint_id,
                          GError     **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), FALSE);
  g_return_val_if_fail (endpoint_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->remove_endpoint, "remove_endpoint", error))
    return FALSE;

  if (!iface->remove_endpoint (self, endpoint_id, error))
    return FALSE;

  g_signal_emit (self, signals[ENDPOINTS_CHANGED], 0);
  return TRUE;
}

/**
 * wh_store_lookup_endpoint:
 * @self: a #WhStore
 * @endpoint_id: the id of an endpoint
 * @error: return location for a #GError, or %NULL
 *
 * Reads an endpoint from the store. The endpoint returned is a copy: save changes to
 * it with wh_store_update_endpoint().
 *
 * Returns: (transfer full) (nullable): the endpoint, or %NULL if the store has none
 *   with that id (@error is not set then) or with @error set to %WH_ERROR_STORE if the
 *   store cannot be read
 */
WhEndpoint *
wh_store_lookup_endpoint (WhStore     *self,
                          const char  *endpoint_id,
                          GError     **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), NULL);
  g_return_val_if_fail (endpoint_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->lookup_endpoint, "lookup_endpoint", error))
    return NULL;

  return iface->lookup_endpoint (self, endpoint_id, error);
}

/**
 * wh_store_list_endpoints:
 * @self: a #WhStore
 * @error: return location for a #GError, or %NULL
 *
 * Reads every endpoint of the store, oldest first.
 *
 * Returns: (transfer container) (element-type WhEndpoint) (nullable): the endpoints, or
 *   %NULL with @error set to %WH_ERROR_STORE if the store cannot be read
 */
GPtrArray *
wh_store_list_endpoints (WhStore  *self,
                         GError  **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->list_endpoints, "list_endpoints", error))
    return NULL;

  return iface->list_endpoints (self, error);
}

/**
 * wh_store_publish:
 * @self: a #WhStore
 * @event: the name of the webhook
 * @payload: the exact bytes of the request body
 * @endpoint_ids: (array zero-terminated=1): the ids of the endpoints that receive the
 *   message; it may be empty
 * @now: the current time, in microseconds since the Unix epoch: the message's creation
 *   time, and when its deliveries are first due
 * @error: return location for a #GError, or %NULL
 *
 * Stores a message and one pending delivery per endpoint in one transaction: either
 * all of it is stored, or nothing. Nothing is sent; the deliveries are due at @now.
 *
 * Returns: (transfer full) (nullable): the new message's id, `msg_` followed by a
 *   unique, time-sortable id, or %NULL with @error set to %WH_ERROR_STORE if an
 *   endpoint id is unknown or the store cannot be written (nothing is stored then)
 */
char *
wh_store_publish (WhStore             *self,
                  const char          *event,
                  GBytes              *payload,
                  const char * const  *endpoint_ids,
                  gint64               now,
                  GError             **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (endpoint_ids != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->publish, "publish", error))
    return NULL;

  return iface->publish (self, event, payload, endpoint_ids, now, error);
}

/**
 * wh_store_claim_due:
 * @self: a #WhStore
 * @now: the current time, in microseconds since the Unix epoch
 * @limit: the most deliveries to claim
 * @lease_seconds: how long the claim lasts, in seconds; after that the deliveries are
 *   due again unless an attempt was recorded
 * @error: return location for a #GError, or %NULL
 *
 * Claims up to @limit pending deliveries that are due at @now (their next attempt
 * time has come and nobody holds a lease on them), to enabled endpoints, oldest due
 * first, and leases them until @now plus @lease_seconds. Record an attempt for each
 * with wh_store_record_attempt() before the lease runs out.
 *
 * Returns: (transfer container) (element-type WhDelivery) (nullable): the claimed
 *   deliveries, possibly none, or %NULL with @error set to %WH_ERROR_STORE
 */
GPtrArray *
wh_store_claim_due (WhStore  *self,
                    gint64    now,
                    guint     limit,
                    guint     lease_seconds,
                    GError  **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->claim_due, "claim_due", error))
    return NULL;

  if (limit == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);

  return iface->claim_due (self, now, limit, lease_seconds, error);
}

/**
 * wh_store_record_attempt:
 * @self: a #WhStore
 * @attempt: the attempt that was made
 * @error: return location for a #GError, or %NULL
 *
 * Records @attempt and, in the same transaction, its outcome, and releases the
 * delivery's lease: if the attempt succeeded the delivery is
 * %WH_DELIVERY_STATE_SUCCEEDED; if it failed and #WhAttempt:next-attempt-at is set,
 * the delivery is due again then; otherwise it is %WH_DELIVERY_STATE_FAILED. A
 * delivery that has already succeeded or failed keeps its state (a late attempt is
 * still recorded).
 *
 * The endpoint's failure clock (wh_store_get_endpoint_failing_since()) follows in the
 * same transaction: a success clears it, and a failure starts it at
 * #WhAttempt:started-at unless it is already running.
 *
 * Returns: %TRUE if the attempt was recorded, %FALSE with @error set to
 *   %WH_ERROR_STORE if the delivery is unknown or the store cannot be written
 */
gboolean
wh_store_record_attempt (WhStore    *self,
                         WhAttempt  *attempt,
                         GError    **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), FALSE);
  g_return_val_if_fail (WH_IS_ATTEMPT (attempt), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->record_attempt, "record_attempt", error))
    return FALSE;

  return iface->record_attempt (self, attempt, error);
}

/**
 * wh_store_record_attempts:
 * @self: a #WhStore
 * @attempts: (element-type WhAttempt): the attempts, in the order they were made
 * @error: return location for a #GError, or %NULL
 *
 * Records several attempts as wh_store_record_attempt() records each, in one
 * transaction when the store has transactions: a dispatcher records the attempts that
 * finished together with one write instead of one each.
 *
 * A store that implements #WhStoreInterface.record_attempts records all of @attempts
 * or none. For a store that does not, they are recorded one by one and the first that
 * cannot be recorded stops the others: the ones before it stay recorded.
 *
 * Returns: %TRUE if every attempt was recorded, %FALSE with @error set to
 *   %WH_ERROR_STORE if a delivery is unknown or the store cannot be written
 */
gboolean
wh_store_record_attempts (WhStore    *self,
                          GPtrArray  *attempts,
                          GError    **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), FALSE);
  g_return_val_if_fail (attempts != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < attempts->len; i++)
    g_return_val_if_fail (WH_IS_ATTEMPT (g_ptr_array_index (attempts, i)), FALSE);

  if (attempts->len == 0)
    return TRUE;

  iface = WH_STORE_GET_IFACE (self);
  if (iface->record_attempts != NULL)
    return iface->record_attempts (self, attempts, error);

  if (!check_implemented (self, iface->record_attempt, "record_attempt", error))
    return FALSE;

  for (guint i = 0; i < attempts->len; i++)
    if (!iface->record_attempt (self, g_ptr_array_index (attempts, i), error))
      return FALSE;

  return TRUE;
}

/**
 * wh_store_list_deliveries:
 * @self: a #WhStore
 * @message_id: the id wh_store_publish() returned
 * @error: return location for a #GError, or %NULL
 *
 * Reads the deliveries of one message, with their current state.
 *
 * Returns: (transfer container) (element-type WhDelivery) (nullable): the deliveries,
 *   none for an unknown message, or %NULL with @error set to %WH_ERROR_STORE
 */
GPtrArray *
wh_store_list_deliveries (WhStore     *self,
                          const char  *message_id,
                          GError     **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), NULL);
  g_return_val_if_fail (message_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->list_deliveries, "list_deliveries", error))
    return NULL;

  return iface->list_deliveries (self, message_id, error);
}

/**
 * wh_store_list_attempts:
 * @self: a #WhStore
 * @delivery_id: the id of a delivery
 * @error: return location for a #GError, or %NULL
 *
 * Reads the attempts recorded for a delivery, in the order they were made.
 *
 * Returns: (transfer container) (element-type WhAttempt) (nullable): the attempts, none
 *   for an unknown delivery, or %NULL with @error set to %WH_ERROR_STORE
 */
GPtrArray *
wh_store_list_attempts (WhStore  *self,
                        gint64    delivery_id,
                        GError  **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->list_attempts, "list_attempts", error))
    return NULL;

  return iface->list_attempts (self, delivery_id, error);
}

/**
 * wh_store_count_deliveries:
 * @self: a #WhStore
 * @pending: (out) (optional): return location for the number of pending deliveries
 * @succeeded: (out) (optional): return location for the number of succeeded deliveries
 * @failed: (out) (optional): return location for the number of failed deliveries
 * @error: return location for a #GError, or %NULL
 *
 * Counts the deliveries in each #WhDeliveryState.
 *
 * Returns: %TRUE on success, %FALSE with @error set to %WH_ERROR_STORE
 */
gboolean
wh_store_count_deliveries (WhStore  *self,
                           guint64  *pending,
                           guint64  *succeeded,
                           guint64  *failed,
                           GError  **error)
{
  WhStoreInterface *iface;
  guint64 p = 0, s = 0, f = 0;

  g_return_val_if_fail (WH_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->count_deliveries, "count_deliveries", error))
    return FALSE;

  if (!iface->count_deliveries (self, &p, &s, &f, error))
    return FALSE;

  if (pending != NULL)
    *pending = p;
  if (succeeded != NULL)
    *succeeded = s;
  if (failed != NULL)
    *failed = f;

  return TRUE;
}

/**
 * wh_store_release:
 * @self: a #WhStore
 * @delivery_id: the id of a delivery this store claimed
 * @error: return location for a #GError, or %NULL
 *
 * Hands a claimed delivery back without recording an attempt: its lease ends and it
 * is due again at once, with the same attempt number, for whoever claims next. The
 * dispatcher does this when it stops before the endpoint answered, so that stopping
 * does not use up an attempt of the retry schedule. A delivery that is no longer
 * leased by this store (it was finished, or its lease ran out and someone else
 * claimed it) is left as it is.
 *
 * Returns: %TRUE if the delivery was handed back or had nothing to hand back, %FALSE
 *   with @error set to %WH_ERROR_STORE if the delivery is unknown or the store cannot
 *   be written
 */
gboolean
wh_store_release (WhStore  *self,
                  gint64    delivery_id,
                  GError  **error)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->release, "release", error))
    return FALSE;

  return iface->release (self, delivery_id, error);
}

/**
 * wh_store_get_endpoint_failing_since:
 * @self: a #WhStore
 * @endpoint_id: the id of an endpoint
 * @error: return location for a #GError, or %NULL
 *
 * Reads since when every attempt to an endpoint has failed. wh_store_record_attempt()
 * keeps this time; the dispatcher disables an endpoint once it is older than
 * #WhDispatcher:disable-after, and since it is stored, a restart does not make the
 * endpoint start over.
 *
 * Returns: the time of the first failed attempt since the endpoint's last success, in
 *   microseconds since the Unix epoch; 0 if its last attempt succeeded or it had none;
 *   or -1 with @error set to %WH_ERROR_STORE if the store has no endpoint with that id
 *   or cannot be read
 */
gint64
wh_store_get_endpoint_failing_since (WhStore     *self,
                                     const char  *endpoint_id,
                                     GError     **error)
{
  WhStoreInterface *iface;
  GError *local_error = NULL;
  gint64 since;

  g_return_val_if_fail (WH_IS_STORE (self), -1);
  g_return_val_if_fail (endpoint_id != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  iface = WH_STORE_GET_IFACE (self);
  if (!check_implemented (self, iface->get_endpoint_failing_since,
                          "get_endpoint_failing_since", error))
    return -1;

  since = iface->get_endpoint_failing_since (self, endpoint_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return -1;
    }

  /* An implementation's -1 without an error would read as a failure to the caller. */
  return MAX (since, 0);
}

/**
 * wh_store_is_thread_safe:
 * @self: a #WhStore
 *
 * Tells whether the store may be used from several threads at once. A store that
 * says so promises that every method of #WhStoreInterface may be called from any
 * thread, concurrently with the others, and that each call still happens at once (in
 * one transaction, as if the calls had been made one after the other). Its signals,
 * such as #WhStore::endpoints-changed, may then be emitted on the thread that made the
 * change.
 *
 * A #WhDispatcher with such a store claims deliveries and records attempts on a
 * worker thread, so that the store's writes never hold up its main context; with any
 * other store it keeps every call on its main context.
 *
 * #WhSqliteStore is thread-safe. A store that does not implement
 * #WhStoreInterface.is_thread_safe is not. That default is the right answer for a
 * store written in Python or JavaScript, which leaves it unimplemented: GJS cannot run
 * JavaScript on another thread, and a Python store would only wait for the
 * interpreter's lock there.
 *
 * Returns: %TRUE if every method may be called from any thread at once, %FALSE if the
 *   store must be used from one thread at a time
 */
gboolean
wh_store_is_thread_safe (WhStore *self)
{
  WhStoreInterface *iface;

  g_return_val_if_fail (WH_IS_STORE (self), FALSE);

  iface = WH_STORE_GET_IFACE (self);
  if (iface->is_thread_safe == NULL)
    return FALSE;

  return iface->is_thread_safe (self);
}
