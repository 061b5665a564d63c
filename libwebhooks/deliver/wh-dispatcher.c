/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-dispatcher
 * @Title: WhDispatcher
 * @Short_description: publishes webhooks, then signs, sends and retries them
 *
 * A #WhDispatcher sends an application's declared webhooks to the subscribed
 * endpoints. Publishing and sending are separate: wh_dispatcher_publish() checks the
 * payload and writes it to the #WhStore with one delivery per matching endpoint, in one
 * transaction, and returns; the dispatcher, once started, takes due deliveries from the
 * store, signs them, sends them and records every attempt. A published webhook is
 * never lost: a delivery is only marked done after a 2xx answer, and one that was in
 * flight when the process died is sent again once its lease runs out.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 * g_autoptr(WhStore) store = wh_sqlite_store_new ("deliveries.db", &error);
 * g_autoptr(WhDispatcher) dispatcher = wh_dispatcher_new (app, store);
 * g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/hooks", &error);
 * g_autofree char *id = NULL;
 *
 * wh_dispatcher_add_endpoint (dispatcher, endpoint, &error);
 * wh_dispatcher_start (dispatcher);
 * id = wh_dispatcher_publish (dispatcher, "new-payment", G_OBJECT (payment), &error);
 * ]|
 *
 * # Sending
 *
 * Each request carries the Standard Webhooks headers: `webhook-id` (the message id,
 * the same for every attempt, so that receivers can drop repeats), `webhook-timestamp`
 * (the time of this attempt) and `webhook-signature`, computed over exactly the bytes
 * that are sent, with one signature for each of the endpoint's active secrets while
 * its secret is being rotated (wh_endpoint_rotate_secret()). The endpoint's own
 * headers are added to them.
 *
 * The dispatcher uses one #SoupSession, made by wh_dispatcher_start() on the
 * thread-default main context, and keeps connections open between requests. It uses no
 * proxy unless #WhDispatcher:proxy-resolver is set. It hands libsoup no more requests
 * than it has connections for (#WhDispatcher:max-conns-per-host); the other deliveries
 * in flight (#WhDispatcher:concurrency) wait in the dispatcher.
 *
 * With a thread-safe store (wh_store_is_thread_safe(), as #WhSqliteStore is), the
 * store's part of the work runs on a thread the dispatcher starts and stops with
 * itself: taking due deliveries and signing them, and recording attempts. The main
 * context then only sends and reads answers, and every signal is still emitted there,
 * once the attempt it tells about is in the store. #WhDispatcher:store-thread turns
 * this off. Redirects are not followed: a 3xx
 * answer is a failed attempt, as is anything but a 2xx. Each attempt has a total
 * deadline (#WhDispatcher:timeout), and at most #WhDispatcher:max-response-body bytes
 * of an answer are read; its first kilobyte is kept with the attempt.
 *
 * # Retries
 *
 * Entry n of the retry schedule (wh_dispatcher_set_retry_schedule()) is how long to
 * wait before attempt n + 1: the first entry counts from publication, the others from
 * the previous attempt's failure, and a delivery is tried as many times as the schedule
 * has entries. The default is 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. Each
 * delay varies randomly by #WhDispatcher:retry-jitter (±20 %) so that the retries of
 * many deliveries do not arrive together. An answer of 429 or 503 with a `Retry-After`
 * header (seconds or an HTTP date) delays the next attempt to that time, but never
 * less than the schedule says nor more than #WhDispatcher:max-retry-after. A delivery
 * that fails its last attempt is failed for good.
 *
 * An endpoint that answers `410 Gone` is disabled at once, and so is an endpoint to
 * which every attempt has failed for #WhDispatcher:disable-after (five days by default,
 * counted from the first failure after its last success); #WhDispatcher::endpoint-disabled
 * tells. The store keeps that time (wh_store_get_endpoint_failing_since()), so the
 * count goes on across restarts and is shared by the processes that share the store.
 * Its pending deliveries wait in the store until it is enabled again.
 *
 * # The egress guard
 *
 * A webhook URL comes from whoever subscribes, so by default the dispatcher refuses to
 * connect to anything but public unicast addresses: loopback, private (RFC 1918 and
 * fc00::/7), link-local, carrier-grade NAT (100.64.0.0/10), multicast, unspecified,
 * broadcast, reserved and documentation addresses, and the IPv6 forms that stand for
 * such an IPv4 address (IPv4-mapped, NAT64, 6to4). The check is made on the address a
 * connection actually goes to, after name resolution, so a name that resolves to an
 * internal address (or starts to, DNS rebinding) is refused like the address itself,
 * before any byte of the request is written. wh_dispatcher_allow_network() opens a
 * network, such as 127.0.0.0/8 for tests. With a proxy, the address checked is the
 * proxy's.
 *
 * A refused attempt is recorded as failed with the reason, and retried on the
 * schedule like any other failure: the guard checks every attempt again, so nothing
 * gets through, and a subscriber who fixes its URL's address, or an administrator who
 * allows its network, gets the remaining attempts delivered.
 *
 * # Stopping
 *
 * wh_dispatcher_stop() stops taking deliveries from the store, cancels those in flight
 * and hands them back with wh_store_release(): each is due again at once, for this
 * dispatcher when it starts again or for another process sharing the store, and keeps
 * its attempt number, so that stopping and starting does not use up the retry
 * schedule. A receiver may have seen a cancelled request: delivery is at least once.
 */

#include "config.h"

#include "wh-dispatcher-private.h"
#include "wh-error.h"
#include "wh-handler.h"
#include "wh-json-private.h"
#include "wh-webhook-handler.h"
#include "wh-schema-validator-private.h"

#define MS_PER_MINUTE (60 * 1000)
#define MS_PER_HOUR (60 * MS_PER_MINUTE)
#define MS_PER_DAY (24 * MS_PER_HOUR)

#define DEFAULT_TIMEOUT_MS 15000
#define DEFAULT_MAX_RESPONSE_BODY (64 * 1024)
#define DEFAULT_CONCURRENCY 64
#define DEFAULT_BATCH_SIZE 64
#define DEFAULT_MAX_CONNS 64
#define DEFAULT_MAX_CONNS_PER_HOST 16
#define DEFAULT_POLL_INTERVAL_MS 1000
#define DEFAULT_LEASE_TIME_MS 60000
#define DEFAULT_MAX_RETRY_AFTER_MS ((guint64) MS_PER_DAY)
#define DEFAULT_DISABLE_AFTER_MS ((guint64) 5 * MS_PER_DAY)
#define DEFAULT_RETRY_JITTER 0.2

/* How long publish trusts the endpoints it read from the store, when nothing said they
 * changed: a process sharing the store file may change them without telling. */
#define ENDPOINTS_MAX_AGE_USEC (1 * G_USEC_PER_SEC)

static const guint64 default_schedule[] = {
  0,
  5 * 1000,
  5 * MS_PER_MINUTE,
  30 * MS_PER_MINUTE,
  2 * MS_PER_HOUR,
  5 * MS_PER_HOUR,
  10 * MS_PER_HOUR,
  10 * MS_PER_HOUR,
};

enum {
  PROP_0,
  PROP_APPLICATION,
  PROP_STORE,
  PROP_RUNNING,
  PROP_PROXY_RESOLVER,
  PROP_MAX_CONNS,
  PROP_MAX_CONNS_PER_HOST,
  PROP_CONCURRENCY,
  PROP_BATCH_SIZE,
  PROP_TIMEOUT,
  PROP_MAX_RESPONSE_BODY,
  PROP_MAX_RETRY_AFTER,
  PROP_RETRY_JITTER,
  PROP_DISABLE_AFTER,
  PROP_POLL_INTERVAL,
  PROP_LEASE_TIME,
  PROP_STORE_THREAD,
  PROP_TLS_DATABASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DELIVERY_SUCCEEDED,
  DELIVERY_FAILED,
  ENDPOINT_DISABLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * WH_TYPE_DISPATCHER:
 *
 * The #GType of #WhDispatcher.
 */

/**
 * WH_DISPATCHER:
 * @obj: an object
 *
 * Casts @obj to a #WhDispatcher, with a check.
 */

/**
 * WH_IS_DISPATCHER:
 * @obj: an object
 *
 * Tells whether @obj is a #WhDispatcher.
 */

/**
 * WH_DISPATCHER_CLASS:
 * @klass: a class
 *
 * Casts @klass to a #WhDispatcherClass, with a check.
 */

/**
 * WH_IS_DISPATCHER_CLASS:
 * @klass: a class
 *
 * Tells whether @klass is a #WhDispatcherClass.
 */

/**
 * WH_DISPATCHER_GET_CLASS:
 * @obj: a #WhDispatcher
 *
 * Gets the class of @obj.
 */

/**
 * WhDispatcher:
 *
 * Publishes webhooks to a store and delivers them from it.
 */
G_DEFINE_FINAL_TYPE (WhDispatcher, wh_dispatcher, G_TYPE_OBJECT)

/* The application */

static WhWebhookHandler *
lookup_webhook (WhDispatcher *self,
                const char   *event)
{
  return wh_application_lookup_webhook (self->application, event, NULL);
}

/* The method a webhook is sent with: POST when declared, else its first method. */
static const char *
webhook_method (WhWebhookHandler *webhook)
{
  const char * const *methods;

  if (webhook == NULL)
    return SOUP_METHOD_POST;

  methods = wh_handler_get_methods (WH_HANDLER (webhook));
  if (methods == NULL || methods[0] == NULL || g_strv_contains (methods, "POST"))
    return SOUP_METHOD_POST;

  return methods[0];
}

static void
request_kind_free (gpointer data)
{
  RequestKind *kind = data;

  g_free (kind->method);
  g_free (kind->media_type);
  g_free (kind);
}

const RequestKind *
wh_dispatcher_lookup_request_kind (WhDispatcher *self,
                                   const char   *event)
{
  RequestKind *kind = g_hash_table_lookup (self->request_kinds, event);
  WhWebhookHandler *webhook;
  const char *media_type = NULL;

  if (kind != NULL)
    return kind;

  /* A webhook that is no longer declared is still delivered, as it was published. */
  webhook = lookup_webhook (self, event);
  if (webhook != NULL)
    media_type = wh_handler_get_media_type (WH_HANDLER (webhook));

  kind = g_new0 (RequestKind, 1);
  kind->method = g_strdup (webhook_method (webhook));
  kind->media_type = g_strdup (media_type != NULL ? media_type : "application/json");
  g_hash_table_insert (self->request_kinds, g_strdup (event), kind);

  return kind;
}

static void
on_application_changed (WhDispatcher *self)
{
  g_hash_table_remove_all (self->request_kinds);
}

static JsonNode *
member (JsonNode   *node,
        const char *name)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_object_get_member (json_node_get_object (node), name);
}

/* The schema of the webhook's request body in the application's own document, so that
 * what is sent is what is documented; NULL if the webhook has no body. */
static JsonNode *
lookup_body_schema (JsonNode         *document,
                    const char       *event,
                    WhWebhookHandler *webhook,
                    JsonObject      **schemas)
{
  g_autofree char *method = g_ascii_strdown (webhook_method (webhook), -1);
  g_autoptr(GList) media_types = NULL;
  JsonNode *components;
  JsonNode *content;

  components = member (member (document, "components"), "schemas");
  *schemas = components != NULL && JSON_NODE_HOLDS_OBJECT (components)
             ? json_node_get_object (components) : NULL;

  content = member (member (member (member (member (document, "webhooks"), event), method),
                            "requestBody"), "content");
  if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
    return NULL;

  media_types = json_object_get_members (json_node_get_object (content));
  if (media_types == NULL)
    return NULL;

  return member (member (content, media_types->data), "schema");
}

static gboolean
validate_payload (WhDispatcher      *self,
                  const char        *event,
                  WhWebhookHandler  *webhook,
                  JsonNode          *payload,
                  GError           **error)
{
  const char * const loc_prefix[] = { "body", NULL };
  g_autoptr(WhSchemaValidator) validator = NULL;
  g_autoptr(JsonArray) problems = NULL;
  g_autofree char *text = NULL;
  JsonObject *schemas = NULL;
  JsonNode *document;
  JsonNode *schema;

  document = wh_application_get_openapi (self->application);
  if (document == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_FAILED,
                   "The OpenAPI document of the application “%s” cannot be built, so the "
                   "payload of “%s” cannot be checked against it; "
                   "wh_application_build_openapi() tells what to fix",
                   wh_application_get_title (self->application), event);
      return FALSE;
    }

  schema = lookup_body_schema (document, event, webhook, &schemas);
  if (schema == NULL)
    return TRUE;

  validator = wh_schema_validator_new (schemas);
  problems = json_array_new ();
  if (wh_schema_validator_validate (validator, schema, payload, loc_prefix, problems))
    return TRUE;

  text = wh_schema_validator_describe (problems);
  g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD,
               "The payload of the webhook “%s” does not match the schema its document "
               "declares (%s); fix the payload, or the model if the document is wrong",
               event, text);
  return FALSE;
}

/* Endpoints */

/* Since when every attempt to the endpoint has failed, after a failure at @at was
 * recorded: as the store keeps it, so that the clock survives restarts; in memory for
 * a store that does not. 0 if it cannot be told. */
static void
lookup_failing_since (WhDispatcher *self,
                      const char   *endpoint_id,
                      gint64        at,
                      gint64       *failing_since)
{
  gint64 *since;

  if (WH_STORE_GET_IFACE (self->store)->get_endpoint_failing_since != NULL)
    {
      g_autoptr(GError) error = NULL;

      *failing_since = wh_store_get_endpoint_failing_since (self->store, endpoint_id, &error);
      if (*failing_since < 0)
        {
          g_warning ("Could not read since when the endpoint %s fails; it is not disabled "
                     "for long failure this time: %s",
                     endpoint_id, error->message);
          *failing_since = 0;
        }
      return;
    }

  since = g_hash_table_lookup (self->failing_since, endpoint_id);
  if (since == NULL)
    {
      since = g_new (gint64, 1);
      *since = at;
      g_hash_table_insert (self->failing_since, g_strdup (endpoint_id), since);
    }

  *failing_since = *since;
}

static void
forget_endpoints (WhDispatcher *self)
{
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
}

/* The store's endpoints, read again only when they changed (or may have), rather than
 * for every publish. */
static GPtrArray *
get_endpoints (WhDispatcher  *self,
               GError       **error)
{
  gint64 now = g_get_monotonic_time ();

  if (self->endpoints != NULL && now - self->endpoints_read_at < ENDPOINTS_MAX_AGE_USEC)
    return self->endpoints;

  forget_endpoints (self);
  self->endpoints = wh_store_list_endpoints (self->store, error);
  self->endpoints_read_at = now;

  return self->endpoints;
}

static void
disable_endpoint (WhDispatcher *self,
                  const char   *endpoint_id,
                  const char   *reason)
{
  g_autoptr(WhEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  g_hash_table_remove (self->failing_since, endpoint_id);

  endpoint = wh_store_lookup_endpoint (self->store, endpoint_id, &error);
  if (endpoint == NULL)
    {
      if (error != NULL)
        g_warning ("Could not disable the endpoint %s (%s): %s",
                   endpoint_id, reason, error->message);
      return;
    }

  if (!wh_endpoint_get_enabled (endpoint))
    return;

  wh_endpoint_set_enabled (endpoint, FALSE);
  if (!wh_store_update_endpoint (self->store, endpoint, &error))
    {
      g_warning ("Could not disable the endpoint %s (%s): %s",
                 endpoint_id, reason, error->message);
      return;
    }

  forget_endpoints (self);
  g_signal_emit (self, signals[ENDPOINT_DISABLED], 0, endpoint, reason);
}

/* Outcomes */

/* Decides about disabling the endpoint and tells the application, once the attempt is
 * in the store: a handler reading the store sees it there. */
void
wh_dispatcher_announce (WhDispatcher *self,
                        Finished     *finished)
{
  WhDelivery *delivery = finished->delivery;
  const char *endpoint_id = wh_delivery_get_endpoint_id (delivery);

  if (finished->succeeded)
    g_hash_table_remove (self->failing_since, endpoint_id);
  else if (finished->disable_reason == NULL && self->disable_after > 0)
    {
      gint64 since = 0;

      lookup_failing_since (self, endpoint_id, wh_attempt_get_started_at (finished->attempt),
                            &since);
      if (since > 0 && (guint64) (finished->now - since) >= self->disable_after * 1000)
        finished->disable_reason =
          g_strdup_printf ("Every delivery to the endpoint has failed since %" G_GINT64_FORMAT
                           " (µs since the epoch), for longer than WhDispatcher:disable-after",
                           since);
    }

  if (finished->succeeded)
    g_signal_emit (self, signals[DELIVERY_SUCCEEDED], 0, delivery, finished->attempt);
  else
    g_signal_emit (self, signals[DELIVERY_FAILED], 0, delivery, finished->attempt,
                   finished->next_attempt_at != 0);

  if (finished->disable_reason != NULL)
    disable_endpoint (self, endpoint_id, finished->disable_reason);

  if (self->running && finished->next_attempt_at != 0)
    wh_dispatcher_schedule_claim (self, finished->next_attempt_at - finished->now);
}

/* GObject */

static void
wh_dispatcher_dispose (GObject *object)
{
  WhDispatcher *self = WH_DISPATCHER (object);

  wh_dispatcher_stop (self);

  G_OBJECT_CLASS (wh_dispatcher_parent_class)->dispose (object);
}

static void
wh_dispatcher_finalize (GObject *object)
{
  WhDispatcher *self = WH_DISPATCHER (object);

  g_clear_object (&self->application);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  g_clear_object (&self->proxy_resolver);
  g_clear_object (&self->tls_database);
  g_clear_pointer (&self->guard, wh_egress_guard_free);
  g_clear_pointer (&self->schedule, g_array_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->sending_to, g_hash_table_unref);
  g_clear_pointer (&self->failing_since, g_hash_table_unref);
  g_clear_pointer (&self->request_kinds, g_hash_table_unref);
  g_clear_pointer (&self->finished, g_ptr_array_unref);

  G_OBJECT_CLASS (wh_dispatcher_parent_class)->finalize (object);
}

static void
wh_dispatcher_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  WhDispatcher *self = WH_DISPATCHER (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    case PROP_PROXY_RESOLVER:
      g_value_set_object (value, self->proxy_resolver);
      break;

    case PROP_TLS_DATABASE:
      g_value_set_object (value, self->tls_database);
      break;

    case PROP_MAX_CONNS:
      g_value_set_uint (value, self->max_conns);
      break;

    case PROP_MAX_CONNS_PER_HOST:
      g_value_set_uint (value, self->max_conns_per_host);
      break;

    case PROP_CONCURRENCY:
      g_value_set_uint (value, self->concurrency);
      break;

    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    case PROP_MAX_RESPONSE_BODY:
      g_value_set_uint64 (value, self->max_response_body);
      break;

    case PROP_MAX_RETRY_AFTER:
      g_value_set_uint64 (value, self->max_retry_after);
      break;

    case PROP_RETRY_JITTER:
      g_value_set_double (value, self->retry_jitter);
      break;

    case PROP_DISABLE_AFTER:
      g_value_set_uint64 (value, self->disable_after);
      break;

    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval);
      break;

    case PROP_LEASE_TIME:
      g_value_set_uint (value, self->lease_time);
      break;

    case PROP_STORE_THREAD:
      g_value_set_boolean (value, self->store_thread);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint (WhDispatcher *self,
          guint        *field,
          const GValue *value,
          guint         prop_id)
{
  if (*field == g_value_get_uint (value))
    return;

  *field = g_value_get_uint (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint64 (WhDispatcher *self,
            guint64      *field,
            const GValue *value,
            guint         prop_id)
{
  if (*field == g_value_get_uint64 (value))
    return;

  *field = g_value_get_uint64 (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
wh_dispatcher_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  WhDispatcher *self = WH_DISPATCHER (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      self->application = g_value_dup_object (value);
      if (self->application != NULL)
        g_signal_connect_object (self->application, "changed",
                                 G_CALLBACK (on_application_changed), self,
                                 G_CONNECT_SWAPPED);
      break;

    case PROP_STORE:
      self->store = g_value_dup_object (value);
      if (self->store != NULL)
        g_signal_connect_swapped (self->store, "endpoints-changed",
                                  G_CALLBACK (forget_endpoints), self);
      break;

    case PROP_TLS_DATABASE:
      if (g_set_object (&self->tls_database, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_PROXY_RESOLVER:
      if (g_set_object (&self->proxy_resolver, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_MAX_CONNS:
      set_uint (self, &self->max_conns, value, prop_id);
      break;

    case PROP_MAX_CONNS_PER_HOST:
      set_uint (self, &self->max_conns_per_host, value, prop_id);
      break;

    case PROP_CONCURRENCY:
      set_uint (self, &self->concurrency, value, prop_id);
      break;

    case PROP_BATCH_SIZE:
      set_uint (self, &self->batch_size, value, prop_id);
      break;

    case PROP_TIMEOUT:
      set_uint (self, &self->timeout, value, prop_id);
      break;

    case PROP_MAX_RESPONSE_BODY:
      set_uint64 (self, &self->max_response_body, value, prop_id);
      break;

    case PROP_MAX_RETRY_AFTER:
      set_uint64 (self, &self->max_retry_after, value, prop_id);
      break;

    case PROP_RETRY_JITTER:
      if (self->retry_jitter != g_value_get_double (value))
        {
          self->retry_jitter = g_value_get_double (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_DISABLE_AFTER:
      set_uint64 (self, &self->disable_after, value, prop_id);
      break;

    case PROP_POLL_INTERVAL:
      set_uint (self, &self->poll_interval, value, prop_id);
      break;

    case PROP_LEASE_TIME:
      set_uint (self, &self->lease_time, value, prop_id);
      break;

    case PROP_STORE_THREAD:
      if (self->store_thread != g_value_get_boolean (value))
        {
          self->store_thread = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_dispatcher_class_init (WhDispatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wh_dispatcher_dispose;
  object_class->finalize = wh_dispatcher_finalize;
  object_class->get_property = wh_dispatcher_get_property;
  object_class->set_property = wh_dispatcher_set_property;

  /**
   * WhDispatcher:application:
   *
   * The application whose declared webhooks are published.
   */
  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", "Application",
                         "The application whose declared webhooks are published",
                         WH_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:store:
   *
   * Where endpoints, messages, deliveries and attempts are kept.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", "Store",
                         "Where endpoints, messages, deliveries and attempts are kept",
                         WH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:running:
   *
   * Whether the dispatcher sends deliveries: between wh_dispatcher_start() and
   * wh_dispatcher_stop().
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", "Running", "Whether the dispatcher sends deliveries",
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:proxy-resolver:
   *
   * The proxy resolver requests go through, or %NULL (the default) for direct
   * connections. The system's resolver, g_proxy_resolver_get_default(), is not used
   * unless it is set here. Read by wh_dispatcher_start().
   */
  properties[PROP_PROXY_RESOLVER] =
    g_param_spec_object ("proxy-resolver", "Proxy resolver",
                         "The proxy resolver requests go through, or NULL for none",
                         G_TYPE_PROXY_RESOLVER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:tls-database:
   *
   * The certificate authorities an `https` endpoint's certificate is checked against,
   * or %NULL (the default) for the system's (g_tls_backend_get_default_database()). Set
   * it to trust a private authority, with g_tls_file_database_new(). An endpoint whose
   * certificate is not accepted gets no byte of the webhook: the attempt fails and says
   * why. Read by wh_dispatcher_start().
   */
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", "TLS database",
                         "The certificate authorities endpoints are checked against, or NULL "
                         "for the system's",
                         G_TYPE_TLS_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:max-conns:
   *
   * The most connections open at once, to all endpoints together. Read by
   * wh_dispatcher_start().
   */
  properties[PROP_MAX_CONNS] =
    g_param_spec_uint ("max-conns", "Maximum connections",
                       "The most connections open at once, to all endpoints",
                       1, G_MAXUINT, DEFAULT_MAX_CONNS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:max-conns-per-host:
   *
   * The most connections open at once to one host. Read by wh_dispatcher_start().
   */
  properties[PROP_MAX_CONNS_PER_HOST] =
    g_param_spec_uint ("max-conns-per-host", "Maximum connections per host",
                       "The most connections open at once to one host",
                       1, G_MAXUINT, DEFAULT_MAX_CONNS_PER_HOST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:concurrency:
   *
   * The most deliveries in flight at once: taken from the store and not answered
   * yet. Those beyond the connection limits (#WhDispatcher:max-conns-per-host,
   * #WhDispatcher:max-conns) wait for a connection in the dispatcher, within the
   * attempt's #WhDispatcher:timeout.
   */
  properties[PROP_CONCURRENCY] =
    g_param_spec_uint ("concurrency", "Concurrency", "The most deliveries in flight at once",
                       1, G_MAXUINT, DEFAULT_CONCURRENCY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:batch-size:
   *
   * The most deliveries taken from the store at once.
   */
  properties[PROP_BATCH_SIZE] =
    g_param_spec_uint ("batch-size", "Batch size",
                       "The most deliveries taken from the store at once",
                       1, G_MAXUINT, DEFAULT_BATCH_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:timeout:
   *
   * The total deadline of one attempt, in milliseconds, from its start to the end of
   * the answer: connecting, sending and reading. An attempt that has no answer by then
   * fails (and is retried on the schedule).
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", "Timeout",
                       "The total deadline of one attempt, in milliseconds",
                       1, G_MAXUINT, DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:max-response-body:
   *
   * The most bytes of an answer's body that are read; the rest is not (the connection
   * is closed instead). The first kilobyte is kept with the attempt.
   */
  properties[PROP_MAX_RESPONSE_BODY] =
    g_param_spec_uint64 ("max-response-body", "Maximum response body",
                         "The most bytes of an answer's body that are read",
                         0, G_MAXUINT64, DEFAULT_MAX_RESPONSE_BODY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:max-retry-after:
   *
   * The longest delay, in milliseconds, that a `Retry-After` header of a 429 or 503
   * answer may ask for; a longer one is cut to this. One day by default.
   */
  properties[PROP_MAX_RETRY_AFTER] =
    g_param_spec_uint64 ("max-retry-after", "Maximum Retry-After",
                         "The longest delay a Retry-After header may ask for, in milliseconds",
                         0, G_MAXUINT64, DEFAULT_MAX_RETRY_AFTER_MS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:retry-jitter:
   *
   * How much each retry delay varies at random, as a fraction: 0.2 (the default) makes
   * it anything from 80 % to 120 % of the schedule's value; 0 makes it exact.
   */
  properties[PROP_RETRY_JITTER] =
    g_param_spec_double ("retry-jitter", "Retry jitter",
                         "How much each retry delay varies at random, as a fraction",
                         0.0, 1.0, DEFAULT_RETRY_JITTER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:disable-after:
   *
   * How long, in milliseconds, every attempt to an endpoint may fail before the
   * endpoint is disabled: five days by default; 0 never disables. The time counts from
   * the first failure after the endpoint's last success, as the store keeps it
   * (wh_store_get_endpoint_failing_since()), so a restart does not reset it; enabling
   * the endpoint again does.
   */
  properties[PROP_DISABLE_AFTER] =
    g_param_spec_uint64 ("disable-after", "Disable after",
                         "How long every attempt to an endpoint may fail before it is "
                         "disabled, in milliseconds",
                         0, G_MAXUINT64, DEFAULT_DISABLE_AFTER_MS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:poll-interval:
   *
   * How often, in milliseconds, the store is asked for due deliveries when the
   * dispatcher knows of none: deliveries published by other processes, and those whose
   * lease ran out. Its own publications and retries wake it at once.
   */
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", "Poll interval",
                       "How often the store is asked for due deliveries, in milliseconds",
                       1, G_MAXUINT, DEFAULT_POLL_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:lease-time:
   *
   * How long, in milliseconds, a delivery taken from the store is reserved for this
   * dispatcher; if the process dies, the delivery is due again after that. It is never
   * shorter than #WhDispatcher:timeout plus five seconds, and is rounded up to whole
   * seconds.
   */
  properties[PROP_LEASE_TIME] =
    g_param_spec_uint ("lease-time", "Lease time",
                       "How long a delivery taken from the store is reserved, in milliseconds",
                       1, G_MAXUINT, DEFAULT_LEASE_TIME_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhDispatcher:store-thread:
   *
   * Whether the store's part of sending runs on a thread of the dispatcher's own:
   * taking due deliveries from the store and signing them, and recording the attempts.
   * It is only used with a store that is thread-safe (wh_store_is_thread_safe(), as
   * #WhSqliteStore is); the requests are sent and every signal is emitted on the main
   * context either way, and a signal about an attempt still comes once the attempt is
   * in the store. With it, the main context only does the network's work, and a
   * dispatcher on a machine with two cores sends about a fifth more a second. Set it
   * to %FALSE to keep every store call on the main context. Read by
   * wh_dispatcher_start().
   */
  properties[PROP_STORE_THREAD] =
    g_param_spec_boolean ("store-thread", "Store thread",
                          "Whether a thread-safe store is used from a thread of the dispatcher's own",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WhDispatcher::delivery-succeeded:
   * @self: the dispatcher
   * @delivery: the delivery, as it was claimed
   * @attempt: the attempt that succeeded, as it was recorded
   *
   * Emitted when an endpoint answered a delivery with a 2xx status.
   */
  signals[DELIVERY_SUCCEEDED] =
    g_signal_new ("delivery-succeeded",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (WhDispatcherClass, delivery_succeeded),
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 2, WH_TYPE_DELIVERY, WH_TYPE_ATTEMPT);

  /**
   * WhDispatcher::delivery-failed:
   * @self: the dispatcher
   * @delivery: the delivery, as it was claimed
   * @attempt: the attempt that failed, as it was recorded, with the status or the
   *   reason
   * @will_retry: whether another attempt is scheduled, at #WhAttempt:next-attempt-at;
   *   %FALSE when the delivery has failed for good
   *
   * Emitted after each failed attempt.
   */
  signals[DELIVERY_FAILED] =
    g_signal_new ("delivery-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (WhDispatcherClass, delivery_failed),
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 3, WH_TYPE_DELIVERY, WH_TYPE_ATTEMPT, G_TYPE_BOOLEAN);

  /**
   * WhDispatcher::endpoint-disabled:
   * @self: the dispatcher
   * @endpoint: the endpoint, as now stored (disabled)
   * @reason: why it was disabled
   *
   * Emitted when the dispatcher disabled an endpoint: it answered `410 Gone`, or every
   * attempt to it failed for #WhDispatcher:disable-after. Its deliveries stay pending
   * until it is enabled again (wh_endpoint_set_enabled() and
   * wh_store_update_endpoint()).
   */
  signals[ENDPOINT_DISABLED] =
    g_signal_new ("endpoint-disabled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (WhDispatcherClass, endpoint_disabled),
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 2, WH_TYPE_ENDPOINT, G_TYPE_STRING);
}

static void
wh_dispatcher_init (WhDispatcher *self)
{
  self->guard = wh_egress_guard_new ();
  self->schedule = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_array_append_vals (self->schedule, default_schedule, G_N_ELEMENTS (default_schedule));
  self->max_conns = DEFAULT_MAX_CONNS;
  self->max_conns_per_host = DEFAULT_MAX_CONNS_PER_HOST;
  self->concurrency = DEFAULT_CONCURRENCY;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->timeout = DEFAULT_TIMEOUT_MS;
  self->max_response_body = DEFAULT_MAX_RESPONSE_BODY;
  self->max_retry_after = DEFAULT_MAX_RETRY_AFTER_MS;
  self->retry_jitter = DEFAULT_RETRY_JITTER;
  self->disable_after = DEFAULT_DISABLE_AFTER_MS;
  self->poll_interval = DEFAULT_POLL_INTERVAL_MS;
  self->lease_time = DEFAULT_LEASE_TIME_MS;
  self->store_thread = TRUE;
  self->in_flight = g_hash_table_new (NULL, NULL);
  self->sending_to = g_hash_table_new_full (g_str_hash, g_str_equal,
                                            (GDestroyNotify) g_ref_string_release, g_free);
  self->finished = g_ptr_array_new_with_free_func (wh_dispatcher_finished_free);
  self->failing_since = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->request_kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               request_kind_free);
}

/* Public API */

/**
 * wh_dispatcher_new:
 * @application: the application whose webhooks are published
 * @store: where deliveries are kept, such as a #WhSqliteStore
 *
 * Creates a dispatcher. It sends nothing until wh_dispatcher_start().
 *
 * Returns: (transfer full): a new #WhDispatcher
 */
WhDispatcher *
wh_dispatcher_new (WhApplication *application,
                   WhStore       *store)
{
  g_return_val_if_fail (WH_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (WH_IS_STORE (store), NULL);

  return g_object_new (WH_TYPE_DISPATCHER,
                       "application", application,
                       "store", store,
                       NULL);
}

/**
 * wh_dispatcher_get_application:
 * @self: a #WhDispatcher
 *
 * Gets the application whose webhooks the dispatcher publishes.
 *
 * Returns: (transfer none): the application
 */
WhApplication *
wh_dispatcher_get_application (WhDispatcher *self)
{
  g_return_val_if_fail (WH_IS_DISPATCHER (self), NULL);

  return self->application;
}

/**
 * wh_dispatcher_get_store:
 * @self: a #WhDispatcher
 *
 * Gets the store the dispatcher works from.
 *
 * Returns: (transfer none): the store
 */
WhStore *
wh_dispatcher_get_store (WhDispatcher *self)
{
  g_return_val_if_fail (WH_IS_DISPATCHER (self), NULL);

  return self->store;
}

/**
 * wh_dispatcher_allow_network:
 * @self: a #WhDispatcher
 * @cidr: a network in CIDR notation, such as `127.0.0.0/8` or `fd00::/8`, or one
 *   address
 * @error: return location for a #GError, or %NULL
 *
 * Lets deliveries connect to addresses in @cidr, which the egress guard refuses by
 * default (loopback, private, link-local and other non-public addresses). Tests allow
 * `127.0.0.0/8`; a service that delivers to its own private network allows that
 * network. IPv4-mapped IPv6 addresses of an allowed IPv4 network are allowed too.
 *
 * Returns: %TRUE if the network was allowed, or %FALSE with @error set to
 *   %WH_ERROR_INVALID_PARAMETER if @cidr is not a network in CIDR notation
 */
gboolean
wh_dispatcher_allow_network (WhDispatcher  *self,
                             const char    *cidr,
                             GError       **error)
{
  g_return_val_if_fail (WH_IS_DISPATCHER (self), FALSE);
  g_return_val_if_fail (cidr != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return wh_egress_guard_allow (self->guard, cidr, error);
}

/**
 * wh_dispatcher_add_endpoint:
 * @self: a #WhDispatcher
 * @endpoint: the endpoint to subscribe
 * @error: return location for a #GError, or %NULL
 *
 * Subscribes @endpoint: adds it to the dispatcher's store, so that the webhooks
 * published from now on that it accepts (#WhEndpoint:events) are delivered to it.
 *
 * Returns: %TRUE if the endpoint was added, or %FALSE with @error set as
 *   wh_store_add_endpoint() sets it
 */
gboolean
wh_dispatcher_add_endpoint (WhDispatcher  *self,
                            WhEndpoint    *endpoint,
                            GError       **error)
{
  g_return_val_if_fail (WH_IS_DISPATCHER (self), FALSE);
  g_return_val_if_fail (WH_IS_ENDPOINT (endpoint), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return wh_store_add_endpoint (self->store, endpoint, error);
}

static char *
publish_node (WhDispatcher      *self,
              const char        *event,
              WhWebhookHandler  *webhook,
              JsonNode          *payload,
              GError           **error)
{
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GPtrArray *cached;
  char *text;
  char *message_id;
  gsize length;

  if (!validate_payload (self, event, webhook, payload, error))
    return NULL;

  /* The bytes signed and sent: doubles as people wrote them (9.99), not json-glib's 17 digits. */
  text = wh_json_to_string (payload, FALSE, &length);
  bytes = g_bytes_new_take (text, length);

  cached = get_endpoints (self, error);
  if (cached == NULL)
    return NULL;
  /* A signal handler below may make the dispatcher read them again. */
  endpoints = g_ptr_array_ref (cached);

  ids = g_ptr_array_new ();
  for (guint i = 0; i < endpoints->len; i++)
    {
      WhEndpoint *endpoint = g_ptr_array_index (endpoints, i);

      if (wh_endpoint_get_enabled (endpoint) && wh_endpoint_accepts_event (endpoint, event))
        g_ptr_array_add (ids, (gpointer) wh_endpoint_get_id (endpoint));
    }
  g_ptr_array_add (ids, NULL);

  /* A first entry above zero in the schedule delays the first attempt, from now. */
  message_id = wh_store_publish (self->store, event, bytes,
                                 (const char * const *) ids->pdata,
                                 g_get_real_time ()
                                 + (gint64) g_array_index (self->schedule, guint64, 0) * 1000,
                                 error);
  if (message_id == NULL)
    return NULL;

  if (self->running && ids->len > 1)
    {
      self->drained = FALSE;
      wh_dispatcher_schedule_claim (self,
                                    (gint64) g_array_index (self->schedule, guint64, 0) * 1000);
    }

  return message_id;
}

static WhWebhookHandler *
lookup_declared (WhDispatcher  *self,
                 const char    *event,
                 GError       **error)
{
  WhWebhookHandler *webhook = lookup_webhook (self, event);

  if (webhook == NULL)
    g_set_error (error, WH_ERROR, WH_ERROR_INVALID_NAME,
                 "“%s” is not a webhook of the application “%s”; declare it with "
                 "wh_application_add_webhook(), or publish a webhook that is declared",
                 event, wh_application_get_title (self->application));

  return webhook;
}

/**
 * wh_dispatcher_publish:
 * @self: a #WhDispatcher
 * @event: the name of a declared webhook, such as `new-payment`
 * @payload: the payload, an instance of the webhook's model
 * @error: return location for a #GError, or %NULL
 *
 * Publishes a webhook: turns @payload into JSON with
 * wh_webhook_handler_prepare_payload(), checks it against the webhook's schema in the
 * application's own document (what is sent is what is documented), and writes the
 * message with one delivery per enabled endpoint that accepts @event, in one store
 * transaction. Nothing is sent from here: a started dispatcher sends the deliveries
 * from the main loop.
 *
 * The endpoints are kept in memory between publishes: a change made through the
 * store object (wh_store_add_endpoint() and the like) counts from the next publish,
 * one made by another process sharing the store file within a second.
 *
 * Returns: (transfer full) (nullable): the message id, `msg_` followed by a unique,
 *   time-sortable id, which is the `webhook-id` of every request; or %NULL with @error
 *   set, and nothing stored: %WH_ERROR_INVALID_NAME if @event is not a declared webhook,
 *   %WH_ERROR_INVALID_PAYLOAD if the payload does not match its schema (the message
 *   lists every problem), or the error of the model or the store
 */
char *
wh_dispatcher_publish (WhDispatcher  *self,
                       const char    *event,
                       GObject       *payload,
                       GError       **error)
{
  WhWebhookHandler *webhook;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (WH_IS_DISPATCHER (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (payload), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  webhook = lookup_declared (self, event, error);
  if (webhook == NULL)
    return NULL;

  node = wh_webhook_handler_prepare_payload (webhook, payload, error);
  if (node == NULL)
    return NULL;

  return publish_node (self, event, webhook, node, error);
}

/**
 * wh_dispatcher_publish_json:
 * @self: a #WhDispatcher
 * @event: the name of a declared webhook, such as `new-payment`
 * @payload: the payload as JSON
 * @error: return location for a #GError, or %NULL
 *
 * Publishes a webhook whose payload is already JSON, as wh_dispatcher_publish() does:
 * the payload is checked against the webhook's schema in the application's document
 * before anything is stored.
 *
 * Returns: (transfer full) (nullable): the message id, or %NULL with @error set as
 *   wh_dispatcher_publish() sets it, and nothing stored
 */
char *
wh_dispatcher_publish_json (WhDispatcher  *self,
                            const char    *event,
                            JsonNode      *payload,
                            GError       **error)
{
  WhWebhookHandler *webhook;

  g_return_val_if_fail (WH_IS_DISPATCHER (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  webhook = lookup_declared (self, event, error);
  if (webhook == NULL)
    return NULL;

  return publish_node (self, event, webhook, payload, error);
}

/**
 * wh_dispatcher_start:
 * @self: a #WhDispatcher
 *
 * Starts sending: from now on the dispatcher takes due deliveries from its store,
 * sends them and records the outcome, driven by the thread-default main context of
 * the caller (run a #GMainLoop on it). The #SoupSession is made here, with the
 * connection limits and proxy resolver set at this time. Starting a running
 * dispatcher does nothing.
 */
void
wh_dispatcher_start (WhDispatcher *self)
{
  g_return_if_fail (WH_IS_DISPATCHER (self));

  if (self->running)
    return;

  self->context = g_main_context_ref_thread_default ();
  self->session = soup_session_new_with_options ("max-conns", self->max_conns,
                                                 "max-conns-per-host", self->max_conns_per_host,
                                                 "proxy-resolver", self->proxy_resolver,
                                                 "user-agent", "libwebhooks/" PACKAGE_VERSION,
                                                 NULL);
  /* Neither is of use to a webhook, and each costs every request some work: the
   * authentication manager connects five handlers to each message (a 401 is a failed
   * attempt like any other), the decoder adds Accept-Encoding (the start of an answer
   * is kept as it came). */
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_AUTH_MANAGER);
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_CONTENT_DECODER);
  /* Only when set: setting it at all, even to NULL, turns libsoup's default off. */
  if (self->tls_database != NULL)
    soup_session_set_tls_database (self->session, self->tls_database);
  self->coalescer = wh_request_coalescer_new ();
  if (self->store_thread && wh_store_is_thread_safe (self->store))
    self->worker = wh_worker_new ("wh-dispatcher", self->context,
                                  wh_dispatcher_run_job, wh_dispatcher_finish_job, self);
  self->running = TRUE;
  self->drained = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  wh_dispatcher_schedule_claim (self, 0);
}

/**
 * wh_dispatcher_stop:
 * @self: a #WhDispatcher
 *
 * Stops sending. No more deliveries are taken from the store; the ones in flight are
 * cancelled and handed back with wh_store_release(): each is due again at once, for
 * this dispatcher when it is started again or for another process that shares the
 * store, with the same attempt number (stopping does not use up an attempt). No
 * attempt is recorded and no signal is emitted for them. Stopping a dispatcher that is
 * not running does nothing.
 */
void
wh_dispatcher_stop (WhDispatcher *self)
{
  g_autoptr(GPtrArray) sends = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (WH_IS_DISPATCHER (self));

  if (!self->running)
    return;

  self->running = FALSE;
  if (self->wake_source != NULL)
    {
      g_source_destroy (self->wake_source);
      g_clear_pointer (&self->wake_source, g_source_unref);
    }

  if (self->deadline_source != NULL)
    {
      g_source_destroy (self->deadline_source);
      g_clear_pointer (&self->deadline_source, g_source_unref);
    }

  /* Those are answered: they are recorded and announced, not handed back. */
  wh_dispatcher_flush_finished (self);

  /* The worker runs what it was given, and what it claimed comes back to claim_done(),
   * which hands it back since the dispatcher no longer runs. Anything submitted from
   * here on runs at once. */
  g_clear_pointer (&self->worker, wh_worker_free);
  self->claiming = FALSE;
  self->claim_wanted = FALSE;
  wh_dispatcher_hand_back_ready (self);

  sends = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sends, key);
  g_hash_table_remove_all (self->in_flight);
  g_hash_table_remove_all (self->sending_to);

  for (guint i = 0; i < sends->len; i++)
    {
      Send *send = g_ptr_array_index (sends, i);

      send->dispatcher = NULL;
      g_cancellable_cancel (send->cancellable);
      wh_dispatcher_hand_back (self, send->delivery, send->started_at,
                               g_get_monotonic_time () - send->started_mono);
      /* The send frees itself when libsoup reports the cancellation. */
    }

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->coalescer, wh_request_coalescer_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * wh_dispatcher_get_running:
 * @self: a #WhDispatcher
 *
 * Tells whether the dispatcher is sending (#WhDispatcher:running).
 *
 * Returns: %TRUE between wh_dispatcher_start() and wh_dispatcher_stop()
 */
gboolean
wh_dispatcher_get_running (WhDispatcher *self)
{
  g_return_val_if_fail (WH_IS_DISPATCHER (self), FALSE);

  return self->running;
}

/**
 * wh_dispatcher_get_in_flight:
 * @self: a #WhDispatcher
 *
 * Counts the deliveries in flight: taken from the store and not answered yet, being
 * sent or waiting for a connection (#WhDispatcher:max-conns-per-host).
 *
 * Returns: the number of deliveries in flight
 */
guint
wh_dispatcher_get_in_flight (WhDispatcher *self)
{
  g_return_val_if_fail (WH_IS_DISPATCHER (self), 0);

  return g_hash_table_size (self->in_flight) + self->ready.length;
}

/**
 * wh_dispatcher_set_retry_schedule:
 * @self: a #WhDispatcher
 * @delays: (array length=n_delays): the delay before each attempt, in milliseconds
 * @n_delays: the number of attempts, at least 1
 *
 * Sets the retry schedule: a delivery is tried @n_delays times, attempt n + 1 after
 * `delays[n]` milliseconds (varied by #WhDispatcher:retry-jitter), counted from the
 * previous attempt's failure, or from publication for the first. The default is
 * 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. Tests use milliseconds. The schedule
 * applies to the attempts that fail from now on.
 */
void
wh_dispatcher_set_retry_schedule (WhDispatcher  *self,
                                  const guint64 *delays,
                                  gsize          n_delays)
{
  g_return_if_fail (WH_IS_DISPATCHER (self));
  g_return_if_fail (delays != NULL);
  g_return_if_fail (n_delays > 0 && n_delays <= G_MAXUINT);

  g_array_set_size (self->schedule, 0);
  g_array_append_vals (self->schedule, delays, (guint) n_delays);
}

/**
 * wh_dispatcher_get_retry_schedule:
 * @self: a #WhDispatcher
 * @n_delays: (out): return location for the number of attempts
 *
 * Gets the retry schedule (see wh_dispatcher_set_retry_schedule()).
 *
 * Returns: (array length=n_delays) (transfer none): the delay before each attempt, in
 *   milliseconds
 */
const guint64 *
wh_dispatcher_get_retry_schedule (WhDispatcher *self,
                                  gsize        *n_delays)
{
  g_return_val_if_fail (WH_IS_DISPATCHER (self), NULL);
  g_return_val_if_fail (n_delays != NULL, NULL);

  *n_delays = self->schedule->len;
  return (const guint64 *) self->schedule->data;
}
