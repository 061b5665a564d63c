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

#include <string.h>

#include <libsoup/soup.h>

#include "wh-dispatcher.h"
#include "wh-egress-guard-private.h"
#include "wh-request-coalescer-private.h"
#include "wh-worker-private.h"
#include "wh-error.h"
#include "wh-handler.h"
#include "wh-json-private.h"
#include "wh-signature.h"
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

/* What an attempt record keeps of the answer. */
#define KEPT_BODY_BYTES 1024
#define READ_CHUNK 8192

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

typedef struct _Send Send;

struct _WhDispatcher
{
  GObject parent_instance;

  WhApplication *application;
  WhStore *store;
  WhEgressGuard *guard;
  GArray *schedule;            /* of guint64 milliseconds */
  GProxyResolver *proxy_resolver;
  guint max_conns;
  guint max_conns_per_host;
  guint concurrency;
  guint batch_size;
  guint timeout;
  guint poll_interval;
  guint lease_time;
  guint64 max_response_body;
  guint64 max_retry_after;
  guint64 disable_after;
  double retry_jitter;

  /* While running */
  gboolean running;
  GMainContext *context;
  SoupSession *session;
  GSource *wake_source;
  gint64 wake_at;              /* monotonic time wake_source fires */
  gboolean drained;            /* the last claim found fewer deliveries than it asked for */
  GHashTable *in_flight;       /* Send set */
  GHashTable *failing_since;   /* endpoint id -> first failure (gint64 *, real time), for
                                * stores that do not keep it */
  GHashTable *request_kinds;   /* event -> RequestKind, until the application changes */
  GPtrArray *finished;         /* Finished, answered but not recorded yet */
  GSource *deadline_source;    /* one timer for every send's deadline */
  gint64 deadline_source_at;
  GPtrArray *endpoints;        /* WhEndpoint: the store's endpoints, or NULL to read them */
  gint64 endpoints_read_at;    /* monotonic time */
  GSource *flush_source;
  WhRequestCoalescer *coalescer; /* while running */
  gboolean store_thread;
  WhWorker *worker;            /* the store's work, while running with a thread-safe store */
  gboolean claiming;           /* a claim is on its way */
  GQueue ready;                /* Prepared: claimed and signed, waiting for a connection */
  GHashTable *sending_to;      /* origin -> sends in libsoup's hands (GUINT_TO_POINTER) */
  gboolean claim_wanted;       /* and another was asked for meanwhile */
};

/* An attempt that is over, waiting to be recorded with the others that ended with it. */
typedef struct
{
  WhDelivery *delivery;
  WhAttempt *attempt;
  char *disable_reason;
  gint64 now;
  gint64 next_attempt_at;
  gboolean succeeded;
} Finished;

/* A claimed delivery made ready to send, signed where the store's work is done. */
typedef struct
{
  WhDelivery *delivery;
  WhEndpoint *endpoint;
  GUri *uri;
  char *origin;                /* scheme://host:port, what libsoup limits connections by */
  gint64 claimed_at;           /* monotonic time; the attempt's deadline counts from it */
  char *timestamp;             /* webhook-timestamp */
  char *signature;             /* webhook-signature */
  GError *error;               /* why it cannot be sent, instead of the above */
} Prepared;

/* The store's part of sending, done on the dispatcher's worker thread when the store
 * is thread-safe, on its main context otherwise. */
typedef enum
{
  JOB_CLAIM,                   /* take due deliveries and sign them */
  JOB_RECORD,                  /* record finished attempts */
} JobKind;

typedef struct
{
  JobKind kind;
  WhStore *store;
  /* JOB_CLAIM */
  gint64 now;
  guint limit;
  guint lease_seconds;
  GPtrArray *prepared;         /* Prepared, out */
  gboolean drained;            /* out: fewer were due than asked for */
  GError *error;               /* out: the claim itself failed */
  /* JOB_RECORD */
  GPtrArray *finished;         /* Finished */
} Job;

/* How a webhook's requests are made, looked up once per event rather than per request. */
typedef struct
{
  char *method;
  char *media_type;
} RequestKind;

struct _Send
{
  WhDispatcher *dispatcher;    /* NULL once the dispatcher stopped or went away */
  char *origin;
  WhDelivery *delivery;
  WhEndpoint *endpoint;
  SoupMessage *msg;
  GCancellable *cancellable;
  gint64 deadline_at;          /* monotonic time */
  GInputStream *stream;
  GByteArray *body_start;
  guint64 body_read;
  gint64 started_at;           /* real time */
  gint64 started_mono;
  guint status;
  char *refusal;               /* why the egress guard refused the connection */
  gboolean timed_out;
  gboolean never_sent;         /* timed out waiting for a connection */
  gboolean truncated;
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

static void schedule_claim (WhDispatcher *self,
                            gint64        delay_usec);
static void flush_finished (WhDispatcher *self);
static void claim_due (WhDispatcher *self);
static void send_done (WhDispatcher *self,
                       Send         *send);
static void submit (WhDispatcher *self,
                    Job          *job);

/* Time */

/* The priority of the work that follows the answers: recording them and claiming more.
 * Done on the main context, it waits until no answer is ready, so that one claim
 * replaces many sends. Handed to the worker, it must not wait that long: the main
 * context is never idle while sends are in flight, and would only ask for the next
 * deliveries once every send has finished, then wait for them with nothing to do. */
static int
soon_priority (WhDispatcher *self)
{
  return self->worker != NULL ? G_PRIORITY_DEFAULT + 1 : G_PRIORITY_DEFAULT_IDLE;
}

static guint
lease_seconds (WhDispatcher *self)
{
  /* A lease shorter than an attempt would hand a delivery to another process while
   * this one still waits for the answer. */
  guint64 ms = MAX ((guint64) self->lease_time, (guint64) self->timeout + 5000);

  return (guint) MIN ((ms + 999) / 1000, G_MAXUINT);
}

static guint64
jittered (WhDispatcher *self,
          guint64       delay_ms)
{
  double factor;

  if (delay_ms == 0 || self->retry_jitter <= 0)
    return delay_ms;

  factor = g_random_double_range (1.0 - self->retry_jitter, 1.0 + self->retry_jitter);
  return (guint64) (delay_ms * factor);
}

/* The delay a Retry-After header asks for, in milliseconds, or -1 if it has none. */
static gint64
parse_retry_after (SoupMessage *msg)
{
  const char *value;
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) date = NULL;
  gint64 delta;

  value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                        "Retry-After");
  if (value == NULL)
    return -1;

  text = g_strstrip (g_strdup (value));
  if (*text != '\0' && strspn (text, "0123456789") == strlen (text))
    {
      guint64 seconds = g_ascii_strtoull (text, NULL, 10);

      return (gint64) MIN (seconds, (guint64) G_MAXINT64 / 1000 / 2) * 1000;
    }

  date = soup_date_time_new_from_http_string (text);
  if (date == NULL)
    return -1;

  delta = g_date_time_to_unix (date) * G_USEC_PER_SEC - g_get_real_time ();
  return MAX (delta, 0) / 1000;
}

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

static const RequestKind *
lookup_request_kind (WhDispatcher *self,
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

/* Sending */

static G_DEFINE_QUARK (wh-dispatcher-send, send)

/* The send a message's signal handlers work for, or NULL once it is done: the message
 * may outlive it in the session for a moment, and clearing this is cheaper than
 * disconnecting the handlers. */
static Send *
send_of (SoupMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), send_quark ());
}

static void
send_free (Send *send)
{
  if (send->msg != NULL)
    g_object_set_qdata (G_OBJECT (send->msg), send_quark (), NULL);
  g_clear_object (&send->delivery);
  g_clear_object (&send->endpoint);
  g_clear_object (&send->msg);
  g_clear_object (&send->cancellable);
  g_clear_object (&send->stream);
  g_clear_pointer (&send->body_start, g_byte_array_unref);
  g_clear_pointer (&send->refusal, g_free);
  g_clear_pointer (&send->origin, g_free);
  g_free (send);
}

static void
on_stream_closed (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (object), result, NULL);
}

/* Frees @send once its response stream is closed without blocking: a stream that was
 * read to the end goes back to libsoup and its connection is reused; one that was not
 * (cancelled, or longer than the cap) is cancelled first, so that closing it drops the
 * connection instead of reading the rest. */
static void
send_release (Send *send)
{
  if (send->stream != NULL)
    {
      if (send->truncated)
        g_cancellable_cancel (send->cancellable);
      g_input_stream_close_async (send->stream, G_PRIORITY_DEFAULT, send->cancellable,
                                  on_stream_closed, NULL);
    }

  send_free (send);
}

static char *
describe_failure (WhDispatcher *self,
                  Send         *send,
                  const GError *error)
{
  guint status = send->status;

  if (send->refusal != NULL)
    return g_strdup_printf ("Refused by the egress guard before anything was sent: %s; "
                            "if this endpoint should receive webhooks, allow its network "
                            "with wh_dispatcher_allow_network()",
                            send->refusal);

  if (send->never_sent)
    return g_strdup_printf ("No connection to the endpoint was free within the attempt's "
                            "deadline of %u ms (WhDispatcher:timeout): the endpoint answers "
                            "slower than its deliveries come, or more connections to it are "
                            "needed (WhDispatcher:max-conns-per-host)", self->timeout);

  if (status == 0 && send->timed_out)
    return g_strdup_printf ("No answer within the attempt's deadline of %u ms "
                            "(WhDispatcher:timeout)", self->timeout);

  if (status == 0 && error != NULL)
    return g_strdup_printf ("The request could not be completed: %s", error->message);

  if (status == 0)
    return g_strdup ("The request could not be completed");

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      const char *location =
        soup_message_headers_get_one (soup_message_get_response_headers (send->msg),
                                      "Location");

      return g_strdup_printf ("The endpoint answered %u %s to %s; redirects are not "
                              "followed, so subscribe the final URL instead",
                              status, soup_status_get_phrase (status),
                              location != NULL ? location : "an unknown location");
    }

  /* Any other status speaks for itself. */
  return NULL;
}

static void
finished_free (gpointer data)
{
  Finished *finished = data;

  g_clear_object (&finished->delivery);
  g_clear_object (&finished->attempt);
  g_clear_pointer (&finished->disable_reason, g_free);
  g_free (finished);
}

static void
record_one (WhStore  *store,
            Finished *finished)
{
  g_autoptr(GError) error = NULL;

  if (!wh_store_record_attempt (store, finished->attempt, &error))
    /* The lease runs out and the delivery is tried again: at least once, never lost. */
    g_warning ("Could not record attempt %u of the delivery %" G_GINT64_FORMAT
               " of %s; it will be tried again when its lease runs out: %s",
               wh_attempt_get_number (finished->attempt),
               wh_delivery_get_id (finished->delivery),
               wh_delivery_get_message_id (finished->delivery), error->message);
}

/* Decides about disabling the endpoint and tells the application, once the attempt is
 * in the store: a handler reading the store sees it there. */
static void
announce (WhDispatcher *self,
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
    schedule_claim (self, finished->next_attempt_at - finished->now);
}

/* Hands the attempts that finished since the last time to be recorded, in one store
 * transaction; their signals follow once they are in the store (job_done()). A
 * delivery is only done once its attempt is recorded, so delaying the record changes
 * nothing to what survives a crash: an unrecorded delivery is still leased and is sent
 * again. */
static void
flush_finished (WhDispatcher *self)
{
  Job *job;

  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }

  if (self->finished->len == 0)
    return;

  job = g_new0 (Job, 1);
  job->kind = JOB_RECORD;
  job->store = self->store;
  job->finished = g_steal_pointer (&self->finished);
  self->finished = g_ptr_array_new_with_free_func (finished_free);

  submit (self, job);
}

static gboolean
on_flush (gpointer user_data)
{
  WhDispatcher *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  /* Records them, and fills the room they left. */
  claim_due (self);

  return G_SOURCE_REMOVE;
}

/* Records the attempt, decides about a retry and tells the application. */
static void
send_finish (Send         *send,
             const GError *error)
{
  WhDispatcher *self = send->dispatcher;
  WhDelivery *delivery = send->delivery;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *message = NULL;
  g_autofree char *disable_reason = NULL;
  Finished *finished;
  guint number = wh_delivery_get_attempt (delivery);
  gint64 now = g_get_real_time ();
  gint64 next_attempt_at = 0;
  gboolean succeeded;

  if (self == NULL)
    {
      send_release (send);
      return;
    }

  send_done (self, send);
  send->dispatcher = NULL;

  message = describe_failure (self, send, error);
  succeeded = message == NULL && SOUP_STATUS_IS_SUCCESSFUL (send->status);

  if (!succeeded && send->status == SOUP_STATUS_GONE)
    disable_reason = g_strdup_printf ("The endpoint answered 410 Gone to the delivery of %s",
                                      wh_delivery_get_message_id (delivery));
  else if (!succeeded && number < self->schedule->len)
    {
      guint64 delay = jittered (self, g_array_index (self->schedule, guint64, number));

      if (send->status == 429 /* Too Many Requests, which libsoup 3.2 has no name for */ ||
          send->status == SOUP_STATUS_SERVICE_UNAVAILABLE)
        {
          gint64 asked = parse_retry_after (send->msg);

          if (asked >= 0)
            delay = MAX (delay, MIN ((guint64) asked, self->max_retry_after));
        }

      next_attempt_at = now + (gint64) MIN (delay, (guint64) G_MAXINT64 / 2000) * 1000;
      /* 0 means "never" to the store. */
      next_attempt_at = MAX (next_attempt_at, 1);
    }

  if (send->body_start != NULL && send->body_start->len > 0)
    body = g_bytes_new (send->body_start->data, send->body_start->len);

  finished = g_new0 (Finished, 1);
  finished->delivery = g_object_ref (delivery);
  finished->attempt = wh_attempt_new (wh_delivery_get_id (delivery), number, send->started_at,
                                      g_get_monotonic_time () - send->started_mono,
                                      send->status, message, body, next_attempt_at);
  finished->disable_reason = g_steal_pointer (&disable_reason);
  finished->now = now;
  finished->next_attempt_at = next_attempt_at;
  finished->succeeded = succeeded;

  /* The stream goes back to libsoup now, so its connection serves the next request
   * while the outcome waits for the others to be recorded with it. */
  send_release (send);

  g_ptr_array_add (self->finished, finished);
  if (self->finished->len >= MAX (self->batch_size, 1))
    flush_finished (self);
  if (self->flush_source == NULL)
    {
      /* Once the answers that are ready have been read, and before the next claim. */
      self->flush_source = g_idle_source_new ();
      g_source_set_priority (self->flush_source, soon_priority (self) - 1);
      g_source_set_callback (self->flush_source, on_flush, self, NULL);
      g_source_attach (self->flush_source, self->context);
    }
}

static void read_next (Send *send);

/* Takes @size bytes of the answer (0: its end, NULL: an error) and tells whether to read
 * on. */
static gboolean
take_chunk (Send         *send,
            const guint8 *data,
            gssize        size)
{
  if (size < 0 || send->dispatcher == NULL)
    {
      /* The status arrived; the body is only kept for the record. */
      send->truncated = TRUE;
      send_finish (send, NULL);
      return FALSE;
    }

  if (size == 0)
    {
      send_finish (send, NULL);
      return FALSE;
    }

  if (send->body_start->len < KEPT_BODY_BYTES)
    g_byte_array_append (send->body_start, data,
                         MIN ((gsize) size, KEPT_BODY_BYTES - send->body_start->len));
  send->body_read += size;
  return TRUE;
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Send *send = user_data;
  g_autoptr(GBytes) bytes = NULL;
  gsize size = 0;
  gconstpointer data;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);
  data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;
  if (take_chunk (send, data, bytes != NULL ? (gssize) size : -1))
    read_next (send);
}

static void
read_next (Send *send)
{
  for (;;)
    {
      guint64 left = send->dispatcher->max_response_body - MIN (send->body_read,
                                                                 send->dispatcher->max_response_body);
      guint8 buffer[READ_CHUNK];
      g_autoptr(GError) error = NULL;
      gssize size;

      if (left == 0)
        {
          send->truncated = TRUE;
          send_finish (send, NULL);
          return;
        }

      /* Most answers (a 204 above all) are complete by now: reading what is there
       * without a round through the main loop saves most of the cost of reading them. */
      if (!G_IS_POLLABLE_INPUT_STREAM (send->stream) ||
          !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (send->stream)))
        break;

      size = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (send->stream),
                                                       buffer, (gsize) MIN (left, READ_CHUNK),
                                                       send->cancellable, &error);
      if (size < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (!take_chunk (send, buffer, size))
        return;
    }

  g_input_stream_read_bytes_async (send->stream,
                                   (gsize) MIN (send->dispatcher->max_response_body - send->body_read,
                                                READ_CHUNK),
                                   G_PRIORITY_DEFAULT, send->cancellable, on_read, send);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Send *send = user_data;
  g_autoptr(GError) error = NULL;

  send->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (send->stream == NULL)
    {
      send_finish (send, error);
      return;
    }

  if (send->dispatcher == NULL)
    {
      send->truncated = TRUE;
      send_finish (send, NULL);
      return;
    }

  send->status = soup_message_get_status (send->msg);
  read_next (send);
}

static void
on_got_headers (SoupMessage *msg,
                gpointer     user_data)
{
  guint status = soup_message_get_status (msg);

  /* Such an answer has no body, whatever its headers say; libsoup 3.2 otherwise reads
   * a 204 without Content-Length until the connection closes, and drops it. */
  if (status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED)
    soup_message_headers_set_encoding (soup_message_get_response_headers (msg),
                                       SOUP_ENCODING_NONE);
}

static void
refuse (Send *send,
        char *reason)
{
  if (send->refusal == NULL)
    send->refusal = reason;
  else
    g_free (reason);

  g_cancellable_cancel (send->cancellable);
}

/* The egress guard, on the address each connection really goes to: CONNECTING is
 * emitted before the socket connects (with the address it is about to connect to), and
 * CONNECTED before a byte of the request is written. */
static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  Send *send = send_of (msg);
  g_autoptr(GSocketAddress) address = NULL;
  char *reason = NULL;

  if (send == NULL)
    return;

  /* Ready for requests: the guard let it through. */
  if (event == G_SOCKET_CLIENT_COMPLETE && send->dispatcher != NULL && connection != NULL)
    {
      wh_request_coalescer_add (send->dispatcher->coalescer,
                                soup_message_get_connection_id (msg), connection);
      return;
    }

  if (event != G_SOCKET_CLIENT_CONNECTING && event != G_SOCKET_CLIENT_CONNECTED)
    return;

  if (send->dispatcher == NULL)
    {
      g_cancellable_cancel (send->cancellable);
      return;
    }

  if (G_IS_SOCKET_CONNECTION (connection))
    address = g_socket_connection_get_remote_address (G_SOCKET_CONNECTION (connection), NULL);

  if (address == NULL)
    {
      /* Fail closed once connected; before that the address may not be known yet. */
      if (event == G_SOCKET_CLIENT_CONNECTED)
        refuse (send, g_strdup ("the address of the connection could not be checked"));
      return;
    }

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    {
      refuse (send, g_strdup ("the connection does not go to an IP address"));
      return;
    }

  if (!wh_egress_guard_check (send->dispatcher->guard,
                              g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)),
                              &reason))
    refuse (send, reason);
}

static void
on_wrote_body (SoupMessage *msg,
               gpointer     user_data)
{
  Send *send = send_of (msg);

  if (send != NULL && send->dispatcher != NULL)
    wh_request_coalescer_push (send->dispatcher->coalescer,
                               soup_message_get_connection_id (msg));
}

static void arm_deadline (WhDispatcher *self,
                          gint64        at);
static void expire_waiting (WhDispatcher *self,
                            gint64        now,
                            gint64       *next);

/* One timer for all the sends rather than one each: a source per request is work for
 * every main loop iteration. It fires at the earliest deadline, cancels the sends
 * whose deadline passed and is set again for the next. */
static gboolean
on_deadline (gpointer user_data)
{
  WhDispatcher *self = user_data;
  g_autoptr(GPtrArray) expired = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  gint64 next = G_MAXINT64;
  GHashTableIter iter;
  gpointer key;

  g_clear_pointer (&self->deadline_source, g_source_unref);

  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Send *send = key;

      if (send->timed_out)
        continue;
      if (send->deadline_at <= now)
        g_ptr_array_add (expired, send);
      else
        next = MIN (next, send->deadline_at);
    }

  /* Cancelling may finish a send at once, which changes the table. */
  for (guint i = 0; i < expired->len; i++)
    {
      Send *send = g_ptr_array_index (expired, i);

      send->timed_out = TRUE;
      g_cancellable_cancel (send->cancellable);
    }

  if (self->running)
    expire_waiting (self, now, &next);

  /* A signal handler run from a cancellation may have stopped the dispatcher. */
  if (self->running && next != G_MAXINT64)
    arm_deadline (self, next);

  return G_SOURCE_REMOVE;
}

static void
arm_deadline (WhDispatcher *self,
              gint64        at)
{
  gint64 delay;

  if (self->deadline_source != NULL)
    {
      if (self->deadline_source_at <= at)
        return;
      g_source_destroy (self->deadline_source);
      g_clear_pointer (&self->deadline_source, g_source_unref);
    }

  delay = MAX (at - g_get_monotonic_time (), 0);
  self->deadline_source = g_timeout_source_new ((guint) MIN ((delay + 999) / 1000, G_MAXUINT));
  g_source_set_callback (self->deadline_source, on_deadline, self, NULL);
  g_source_attach (self->deadline_source, self->context);
  self->deadline_source_at = at;
}

/* Preparing a delivery: on the worker thread with a thread-safe store, so nothing here
 * touches the dispatcher. */

static void
prepared_free (gpointer data)
{
  Prepared *prepared = data;

  g_clear_object (&prepared->delivery);
  g_clear_object (&prepared->endpoint);
  g_clear_pointer (&prepared->uri, g_uri_unref);
  g_clear_pointer (&prepared->origin, g_free);
  g_clear_pointer (&prepared->timestamp, g_free);
  g_clear_pointer (&prepared->signature, g_free);
  g_clear_error (&prepared->error);
  g_free (prepared);
}

/* Signs @delivery for @endpoint now, with each of its active secrets while its secret
 * is being rotated. */
static Prepared *
prepare (WhDelivery *delivery,
         WhEndpoint *endpoint)
{
  Prepared *prepared = g_new0 (Prepared, 1);
  const char *current[] = { wh_endpoint_get_secret (endpoint), NULL };
  const char * const *secrets = current;
  gint64 now = g_get_real_time ();
  gint64 timestamp = now / G_USEC_PER_SEC;
  g_auto(GStrv) active = NULL;

  prepared->delivery = g_object_ref (delivery);
  prepared->endpoint = g_object_ref (endpoint);
  prepared->claimed_at = g_get_monotonic_time ();

  prepared->uri = g_uri_parse (wh_endpoint_get_url (endpoint), SOUP_HTTP_URI_FLAGS,
                               &prepared->error);
  if (prepared->uri == NULL)
    return prepared;
  prepared->origin = g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (prepared->uri),
                                      g_uri_get_host (prepared->uri),
                                      g_uri_get_port (prepared->uri));

  /* Only while a secret is being rotated: the usual request needs no copies. */
  if (wh_endpoint_get_previous_secrets (endpoint)[0] != NULL)
    {
      active = wh_endpoint_get_active_secrets (endpoint, now);
      secrets = (const char * const *) active;
    }

  prepared->signature = wh_signature_sign_with_secrets (secrets,
                                                        wh_delivery_get_message_id (delivery),
                                                        timestamp,
                                                        wh_delivery_get_payload (delivery),
                                                        &prepared->error);
  if (prepared->signature != NULL)
    prepared->timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, timestamp);

  return prepared;
}

static void
run_claim (Job *job)
{
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GHashTable) endpoints = NULL;

  claimed = wh_store_claim_due (job->store, job->now, job->limit, job->lease_seconds,
                                &job->error);
  if (claimed == NULL)
    return;

  job->drained = claimed->len < job->limit;
  job->prepared = g_ptr_array_new_full (claimed->len, prepared_free);

  endpoints = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  for (guint i = 0; i < claimed->len; i++)
    {
      WhDelivery *delivery = g_ptr_array_index (claimed, i);
      const char *endpoint_id = wh_delivery_get_endpoint_id (delivery);
      WhEndpoint *endpoint = g_hash_table_lookup (endpoints, endpoint_id);

      if (endpoint == NULL)
        {
          g_autoptr(GError) error = NULL;

          endpoint = wh_store_lookup_endpoint (job->store, endpoint_id, &error);
          /* Removed since the claim (its deliveries went with it), or the store
           * failed: the lease runs out and the delivery comes back if it still exists. */
          if (endpoint == NULL)
            continue;
          g_hash_table_insert (endpoints, (gpointer) wh_endpoint_get_id (endpoint), endpoint);
        }

      g_ptr_array_add (job->prepared, prepare (delivery, endpoint));
    }
}

static void
run_record (Job *job)
{
  g_autoptr(GError) error = NULL;

  if (WH_STORE_GET_IFACE (job->store)->record_attempts != NULL)
    {
      g_autoptr(GPtrArray) attempts = g_ptr_array_sized_new (job->finished->len);

      for (guint i = 0; i < job->finished->len; i++)
        g_ptr_array_add (attempts, ((Finished *) g_ptr_array_index (job->finished, i))->attempt);

      /* All or none: when one cannot be recorded (its delivery went away with its
       * endpoint), the others are recorded one by one. */
      if (wh_store_record_attempts (job->store, attempts, &error))
        return;
    }

  for (guint i = 0; i < job->finished->len; i++)
    record_one (job->store, g_ptr_array_index (job->finished, i));
}

static void
job_run (gpointer data,
         gpointer user_data)
{
  Job *job = data;

  if (job->kind == JOB_CLAIM)
    run_claim (job);
  else
    run_record (job);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->prepared, g_ptr_array_unref);
  g_clear_pointer (&job->finished, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

/* Sending */

static guint
sending_to (WhDispatcher *self,
            const char   *origin)
{
  return origin != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (self->sending_to, origin)) : 0;
}

/* An attempt of @prepared, in flight from now on. */
static Send *
send_new (WhDispatcher *self,
          Prepared     *prepared)
{
  Send *send = g_new0 (Send, 1);

  send->dispatcher = self;
  send->delivery = g_object_ref (prepared->delivery);
  send->endpoint = g_object_ref (prepared->endpoint);
  send->cancellable = g_cancellable_new ();
  send->body_start = g_byte_array_new ();
  send->started_at = g_get_real_time ();
  send->started_mono = g_get_monotonic_time ();
  /* Counting from the claim, as when libsoup kept it waiting for a connection. */
  send->deadline_at = prepared->claimed_at + (gint64) self->timeout * 1000;
  g_hash_table_add (self->in_flight, send);

  if (prepared->origin != NULL)
    {
      send->origin = g_strdup (prepared->origin);
      g_hash_table_replace (self->sending_to, g_strdup (send->origin),
                            GUINT_TO_POINTER (sending_to (self, send->origin) + 1));
    }

  return send;
}

/* Fails the deliveries that waited for a connection until their deadline, as libsoup
 * did when it kept them waiting, and tells in @next when the next one is due. */
static void
expire_waiting (WhDispatcher *self,
                gint64        now,
                gint64       *next)
{
  GList *link = self->ready.head;

  while (link != NULL && self->running)
    {
      GList *following = link->next;
      Prepared *prepared = link->data;
      gint64 deadline = prepared->claimed_at + (gint64) self->timeout * 1000;

      if (deadline <= now)
        {
          Send *send = send_new (self, prepared);

          /* The attempt began when it was claimed. */
          send->started_at -= send->started_mono - prepared->claimed_at;
          send->started_mono = prepared->claimed_at;
          send->timed_out = TRUE;
          send->never_sent = TRUE;
          g_queue_delete_link (&self->ready, link);
          prepared_free (prepared);
          send_finish (send, NULL);
          /* As in fill(): stopping empties the queue. */
          if (!self->running)
            return;
        }
      else
        *next = MIN (*next, deadline);

      link = following;
    }
}

/* @send is no longer in flight. */
static void
send_done (WhDispatcher *self,
           Send         *send)
{
  guint count = sending_to (self, send->origin);

  g_hash_table_steal (self->in_flight, send);
  if (count > 1)
    g_hash_table_replace (self->sending_to, g_strdup (send->origin), GUINT_TO_POINTER (count - 1));
  else if (count == 1)
    g_hash_table_remove (self->sending_to, send->origin);
}

static void
start_send (WhDispatcher *self,
            Prepared     *prepared)
{
  Send *send = send_new (self, prepared);
  WhDelivery *delivery = prepared->delivery;
  WhEndpoint *endpoint = prepared->endpoint;
  const RequestKind *kind = lookup_request_kind (self, wh_delivery_get_event (delivery));
  const char * const *extra = wh_endpoint_get_headers (endpoint);
  SoupMessageHeaders *headers;

  if (prepared->error != NULL)
    {
      send_finish (send, prepared->error);
      return;
    }

  send->msg = soup_message_new_from_uri (kind->method, prepared->uri);
  /* A webhook is idempotent by its webhook-id, and saying so lets libsoup send it on a
   * connection that is already open instead of opening one per request. */
  soup_message_add_flags (send->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);

  headers = soup_message_get_request_headers (send->msg);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    {
      const char *colon = strchr (extra[i], ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (colon == NULL)
        continue;
      name = g_strstrip (g_strndup (extra[i], colon - extra[i]));
      value = g_strstrip (g_strdup (colon + 1));
      soup_message_headers_replace (headers, name, value);
    }
  soup_message_headers_replace (headers, "webhook-id", wh_delivery_get_message_id (delivery));
  soup_message_headers_replace (headers, "webhook-timestamp", prepared->timestamp);
  soup_message_headers_replace (headers, "webhook-signature", prepared->signature);

  soup_message_set_request_body_from_bytes (send->msg, kind->media_type,
                                            wh_delivery_get_payload (delivery));

  g_object_set_qdata (G_OBJECT (send->msg), send_quark (), send);
  g_signal_connect (send->msg, "network-event", G_CALLBACK (on_network_event), NULL);
  g_signal_connect (send->msg, "got-headers", G_CALLBACK (on_got_headers), NULL);
  g_signal_connect (send->msg, "wrote-body", G_CALLBACK (on_wrote_body), NULL);

  arm_deadline (self, send->deadline_at);

  soup_session_send_async (self->session, send->msg, G_PRIORITY_DEFAULT,
                           send->cancellable, on_sent, send);
}

/* Gives a claimed delivery back to the store, due again at once with the same attempt
 * number: for this dispatcher when it starts again, or for another process. */
static void
hand_back (WhDispatcher *self,
           WhDelivery   *delivery,
           gint64        started_at,
           gint64        duration)
{
  g_autoptr(WhAttempt) attempt = NULL;
  g_autoptr(GError) error = NULL;

  if (WH_STORE_GET_IFACE (self->store)->release != NULL)
    {
      if (!wh_store_release (self->store, wh_delivery_get_id (delivery), &error))
        g_warning ("Could not hand back the delivery %" G_GINT64_FORMAT " of %s; it "
                   "will be sent again when its lease runs out: %s",
                   wh_delivery_get_id (delivery), wh_delivery_get_message_id (delivery),
                   error->message);
      return;
    }

  /* A store without wh_store_release(): an attempt is the only way to hand back. */
  attempt = wh_attempt_new (wh_delivery_get_id (delivery),
                            wh_delivery_get_attempt (delivery),
                            started_at, duration, 0,
                            "The dispatcher stopped before the endpoint answered; the "
                            "delivery was handed back to be sent again",
                            NULL, g_get_real_time ());
  if (!wh_store_record_attempt (self->store, attempt, &error))
    g_warning ("Could not hand back the delivery %" G_GINT64_FORMAT " of %s; it will "
               "be sent again when its lease runs out: %s",
               wh_delivery_get_id (delivery), wh_delivery_get_message_id (delivery),
               error->message);
}

/* The scheduler */

/* Hands libsoup what is ready, as far as it has connections for. What it got beyond
 * that, it would keep in its queue, and go through the whole queue and ask each
 * connection whether it is still open every time a connection is free: a cost in
 * each request that grows with the number waiting. Waiting here costs nothing. */
static void
fill (WhDispatcher *self)
{
  GList *link = self->ready.head;

  while (link != NULL && self->running && g_hash_table_size (self->in_flight) < self->max_conns)
    {
      GList *next = link->next;
      Prepared *prepared = link->data;

      if (sending_to (self, prepared->origin) < self->max_conns_per_host)
        {
          g_queue_delete_link (&self->ready, link);
          start_send (self, prepared);
          prepared_free (prepared);
          /* A signal handler run from a failed send may have stopped the dispatcher,
           * which emptied the queue. */
          if (!self->running)
            return;
        }

      link = next;
    }
}

static void
hand_back_ready (WhDispatcher *self)
{
  Prepared *prepared;

  while ((prepared = g_queue_pop_head (&self->ready)) != NULL)
    {
      hand_back (self, prepared->delivery, g_get_real_time (), 0);
      prepared_free (prepared);
    }
}

static void
claim_done (WhDispatcher *self,
            Job          *job)
{
  gboolean wanted = self->claim_wanted;

  self->claiming = FALSE;
  self->claim_wanted = FALSE;

  if (job->prepared == NULL)
    {
      if (self->running)
        {
          g_warning ("Could not take due deliveries from the store; trying again in %u ms: %s",
                     self->poll_interval, job->error->message);
          schedule_claim (self, (gint64) self->poll_interval * 1000);
        }
      return;
    }

  self->drained = job->drained;

  g_ptr_array_set_free_func (job->prepared, NULL);
  for (guint i = 0; i < job->prepared->len; i++)
    g_queue_push_tail (&self->ready, g_ptr_array_index (job->prepared, i));
  if (job->prepared->len > 0 && self->running)
    arm_deadline (self, ((Prepared *) job->prepared->pdata[0])->claimed_at
                        + (gint64) self->timeout * 1000);

  if (!self->running)
    {
      hand_back_ready (self);
      return;
    }

  fill (self);

  if (self->running)
    schedule_claim (self, self->drained && !wanted ? (gint64) self->poll_interval * 1000 : 0);
}

static void
record_done (WhDispatcher *self,
             Job          *job)
{
  g_object_ref (self);

  for (guint i = 0; i < job->finished->len; i++)
    announce (self, g_ptr_array_index (job->finished, i));

  if (self->running && !self->drained)
    schedule_claim (self, 0);

  g_object_unref (self);
}

/* On the main context, once the job ran. */
static void
job_done (gpointer data,
          gpointer user_data)
{
  WhDispatcher *self = user_data;
  Job *job = data;

  if (job->kind == JOB_CLAIM)
    claim_done (self, job);
  else
    record_done (self, job);

  job_free (job);
}

/* Runs @job on the worker thread, or now with a store that is not thread-safe (or when
 * the worker is being stopped). */
static void
submit (WhDispatcher *self,
        Job          *job)
{
  if (self->worker != NULL)
    {
      wh_worker_push (self->worker, job);
      return;
    }

  job_run (job, self);
  job_done (job, self);
}

static void
claim_due (WhDispatcher *self)
{
  guint64 room;
  guint64 waiting;
  Job *job;

  if (!self->running)
    return;

  fill (self);
  if (!self->running)
    return;

  if (self->claiming)
    {
      /* Claimed again as soon as that one is back. */
      self->claim_wanted = TRUE;
      flush_finished (self);
      return;
    }

  room = self->concurrency;
  waiting = (guint64) g_hash_table_size (self->in_flight) + self->ready.length;
  /* While deliveries wait for a connection, the next claim can wait for more room:
   * fewer, larger claims. */
  if (waiting >= room ||
      (self->ready.length > 0 && room - waiting < MAX (MIN (self->batch_size, room) / 2, 1)))
    {
      flush_finished (self);
      return;
    }

  /* Recorded first: a delivery retried at once is due again when claimed. */
  flush_finished (self);
  if (!self->running)
    return;

  job = g_new0 (Job, 1);
  job->kind = JOB_CLAIM;
  job->store = self->store;
  job->now = g_get_real_time ();
  job->limit = (guint) MIN (room - waiting, self->batch_size);
  job->lease_seconds = lease_seconds (self);

  self->claiming = TRUE;
  self->claim_wanted = FALSE;
  submit (self, job);
}

static gboolean
on_wake (gpointer user_data)
{
  WhDispatcher *self = user_data;

  g_clear_pointer (&self->wake_source, g_source_unref);
  self->wake_at = 0;
  claim_due (self);

  return G_SOURCE_REMOVE;
}

/* Makes sure a claim happens within @delay_usec, keeping an earlier one if there is. */
static void
schedule_claim (WhDispatcher *self,
                gint64        delay_usec)
{
  gint64 at;

  if (!self->running)
    return;

  delay_usec = MAX (delay_usec, 0);
  at = g_get_monotonic_time () + delay_usec;
  if (self->wake_source != NULL && self->wake_at <= at)
    return;

  if (self->wake_source != NULL)
    {
      g_source_destroy (self->wake_source);
      g_clear_pointer (&self->wake_source, g_source_unref);
    }

  if (delay_usec == 0)
    {
      /* After whatever else is ready, so that completions arriving together are
       * refilled by one claim. */
      self->wake_source = g_idle_source_new ();
      g_source_set_priority (self->wake_source, soon_priority (self));
    }
  else
    self->wake_source = g_timeout_source_new ((guint) MIN ((delay_usec + 999) / 1000, G_MAXUINT));

  g_source_set_callback (self->wake_source, on_wake, self, NULL);
  g_source_attach (self->wake_source, self->context);
  self->wake_at = at;
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
  self->sending_to = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->finished = g_ptr_array_new_with_free_func (finished_free);
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
      schedule_claim (self, (gint64) g_array_index (self->schedule, guint64, 0) * 1000);
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
  self->coalescer = wh_request_coalescer_new ();
  if (self->store_thread && wh_store_is_thread_safe (self->store))
    self->worker = wh_worker_new ("wh-dispatcher", self->context, job_run, job_done, self);
  self->running = TRUE;
  self->drained = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  schedule_claim (self, 0);
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
  flush_finished (self);

  /* The worker runs what it was given, and what it claimed comes back to claim_done(),
   * which hands it back since the dispatcher no longer runs. Anything submitted from
   * here on runs at once. */
  g_clear_pointer (&self->worker, wh_worker_free);
  self->claiming = FALSE;
  self->claim_wanted = FALSE;
  hand_back_ready (self);

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
      hand_back (self, send->delivery, send->started_at,
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
