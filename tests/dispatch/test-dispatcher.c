/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The dispatcher (issue 5): what a loopback receiver sees, and what the store records,
 * when webhooks are published, signed, sent, retried, refused and handed back. Every
 * schedule is in milliseconds, so that each test takes well under a second or two. */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <webhooks.h>

#include "test-payment.h"

#include "wh-egress-guard-private.h"

static WhApplication *
payments_app (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");
  g_autoptr(WhWebhookHandler) webhook = wh_whpost ("new-payment");
  g_autoptr(WhWebhookHandler) ping = wh_whpost ("ping");
  g_autoptr(WhWebhookGateway) gateway = NULL;
  g_autoptr(WhWebhookGateway) ping_gateway = NULL;

  g_object_set (webhook, "body-type", TEST_TYPE_PAYMENT, NULL);
  gateway = wh_webhook_gateway_new (webhook);
  ping_gateway = wh_webhook_gateway_new (ping);
  wh_application_add_webhook (app, gateway, &error);
  g_assert_no_error (error);
  wh_application_add_webhook (app, ping_gateway, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&app);
}

static TestPayment *
payment_new (double amount)
{
  return g_object_new (TEST_TYPE_PAYMENT, "is-paid", TRUE, "amount", amount, NULL);
}

/* The receiver: a loopback SoupServer whose answers follow a plan */

typedef enum
{
  ANSWER_STATUS,     /* the status, with an optional header and body */
  ANSWER_SILENCE,    /* never answer: the dispatcher's deadline runs out */
  ANSWER_RESET,      /* close the connection without a word */
} AnswerKind;

typedef struct
{
  AnswerKind kind;
  guint status;
  const char *header_name;
  char *header_value;
  gsize body_length;   /* a body of that many 'x' */
} Answer;

typedef struct
{
  char *webhook_id;
  char *timestamp;
  char *signature;
  char *content_type;
  char *custom_header;
  GBytes *body;
  gboolean verified;
  gint64 received_at;   /* real time */
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->webhook_id);
  g_free (request->timestamp);
  g_free (request->signature);
  g_free (request->content_type);
  g_free (request->custom_header);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

typedef struct
{
  SoupServer *server;
  guint port;
  char *url;           /* http://127.0.0.1:port/hooks */
  GQueue plan;         /* of Answer */
  GPtrArray *requests; /* of Request */
  GPtrArray *paused;   /* of SoupServerMessage that never get an answer */
  guint requests_read; /* requests the server read, whatever the path */
  char *secret;        /* what the receiver verifies with */
  guint default_status; /* the answer when the plan is empty */
  GHashTable *client_ports; /* the connections requests came on */

  gboolean store_thread; /* the mode the test runs in (the dispatcher's store-thread) */
  WhApplication *app;
  WhStore *store;
  WhDispatcher *dispatcher;
  WhEndpoint *endpoint;

  GPtrArray *succeeded;  /* of WhAttempt */
  GPtrArray *failed;     /* of WhAttempt */
  GArray *will_retry;    /* of gboolean, one per failed */
  GPtrArray *disabled;   /* of char *, the reasons */
} Fixture;

static void
plan (Fixture    *fixture,
      AnswerKind  kind,
      guint       status,
      const char *header_name,
      const char *header_value,
      gsize       body_length)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->kind = kind;
  answer->status = status;
  answer->header_name = header_name;
  answer->header_value = g_strdup (header_value);
  answer->body_length = body_length;
  g_queue_push_tail (&fixture->plan, answer);
}

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  g_free (answer->header_value);
  g_free (answer);
}

static void
on_request_read (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  Fixture *fixture = user_data;

  fixture->requests_read++;
}

static void
handle_hook (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Request *request = g_new0 (Request, 1);
  Answer *answer = g_queue_pop_head (&fixture->plan);

  request->webhook_id = g_strdup (soup_message_headers_get_one (headers, "webhook-id"));
  request->timestamp = g_strdup (soup_message_headers_get_one (headers, "webhook-timestamp"));
  request->signature = g_strdup (soup_message_headers_get_one (headers, "webhook-signature"));
  request->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  request->custom_header = g_strdup (soup_message_headers_get_one (headers, "X-Tenant"));
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  request->received_at = g_get_real_time ();
  if (request->webhook_id != NULL && request->timestamp != NULL && request->signature != NULL)
    request->verified = wh_signature_verify (fixture->secret, request->webhook_id,
                                             request->timestamp, request->signature,
                                             request->body, NULL);
  g_ptr_array_add (fixture->requests, request);

  g_hash_table_add (fixture->client_ports,
                    GUINT_TO_POINTER (g_inet_socket_address_get_port (
                      G_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg)))));

  if (answer == NULL)
    {
      soup_server_message_set_status (msg, fixture->default_status, NULL);
      /* SoupServer 3.2 closes the connection after a 204, whatever the client does. */
      if (fixture->default_status == SOUP_STATUS_OK)
        soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
      return;
    }

  switch (answer->kind)
    {
    case ANSWER_STATUS:
      soup_server_message_set_status (msg, answer->status, NULL);
      if (answer->header_name != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      answer->header_name, answer->header_value);
      if (answer->body_length > 0)
        {
          char *body = g_malloc (answer->body_length);

          memset (body, 'x', answer->body_length);
          memcpy (body, "boom", MIN (4, answer->body_length));
          soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_TAKE, body,
                                            answer->body_length);
        }
      break;

    case ANSWER_SILENCE:
      soup_server_message_pause (msg);
      g_ptr_array_add (fixture->paused, g_object_ref (msg));
      break;

    case ANSWER_RESET:
      {
        g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

        g_io_stream_close (stream, NULL, NULL);
      }
      break;
    }

  answer_free (answer);
}

static void
on_succeeded (WhDispatcher *dispatcher,
              WhDelivery   *delivery,
              WhAttempt    *attempt,
              Fixture      *fixture)
{
  g_ptr_array_add (fixture->succeeded, g_object_ref (attempt));
}

static void
on_failed (WhDispatcher *dispatcher,
           WhDelivery   *delivery,
           WhAttempt    *attempt,
           gboolean      will_retry,
           Fixture      *fixture)
{
  g_ptr_array_add (fixture->failed, g_object_ref (attempt));
  g_array_append_val (fixture->will_retry, will_retry);
}

static void
on_disabled (WhDispatcher *dispatcher,
             WhEndpoint   *endpoint,
             const char   *reason,
             Fixture      *fixture)
{
  g_assert_false (wh_endpoint_get_enabled (endpoint));
  g_ptr_array_add (fixture->disabled, g_strdup (reason));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  /* Fast and exact: ten tries, 10 ms apart. */
  const guint64 schedule[] = { 0, 10, 10, 10, 10, 10, 10, 10, 10, 10 };

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, "/hooks", handle_hook, fixture, NULL);
  /* Not request-started: libsoup emits that when a connection is accepted, before a byte
   * of a request arrived. */
  g_signal_connect (fixture->server, "request-read", G_CALLBACK (on_request_read), fixture);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  fixture->url = g_strdup_printf ("http://127.0.0.1:%u/hooks", fixture->port);
  g_queue_init (&fixture->plan);
  fixture->requests = g_ptr_array_new_with_free_func (request_free);
  fixture->paused = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->default_status = SOUP_STATUS_NO_CONTENT;
  fixture->client_ports = g_hash_table_new (NULL, NULL);

  fixture->app = payments_app ();
  fixture->store = wh_sqlite_store_new (":memory:", &error);
  g_assert_no_error (error);
  fixture->store_thread = *(const gboolean *) data;
  fixture->dispatcher = wh_dispatcher_new (fixture->app, fixture->store);
  wh_dispatcher_set_retry_schedule (fixture->dispatcher, schedule, G_N_ELEMENTS (schedule));
  g_object_set (fixture->dispatcher,
                "retry-jitter", 0.0,
                "timeout", 2000,
                "poll-interval", 20,
                "store-thread", fixture->store_thread,
                NULL);

  fixture->endpoint = wh_endpoint_new (fixture->url, &error);
  g_assert_no_error (error);
  fixture->secret = g_strdup (wh_endpoint_get_secret (fixture->endpoint));

  fixture->succeeded = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->failed = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->will_retry = g_array_new (FALSE, FALSE, sizeof (gboolean));
  fixture->disabled = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->dispatcher, "delivery-succeeded", G_CALLBACK (on_succeeded), fixture);
  g_signal_connect (fixture->dispatcher, "delivery-failed", G_CALLBACK (on_failed), fixture);
  g_signal_connect (fixture->dispatcher, "endpoint-disabled", G_CALLBACK (on_disabled), fixture);
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (500);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  wh_dispatcher_stop (fixture->dispatcher);
  g_clear_object (&fixture->dispatcher);
  /* Let cancelled requests and closed connections settle before the server goes. */
  iterate_for (20);
  g_clear_object (&fixture->endpoint);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->app);
  g_ptr_array_unref (fixture->paused);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_queue_clear_full (&fixture->plan, answer_free);
  g_ptr_array_unref (fixture->requests);
  g_hash_table_unref (fixture->client_ports);
  g_free (fixture->url);
  g_free (fixture->secret);
  g_ptr_array_unref (fixture->succeeded);
  g_ptr_array_unref (fixture->failed);
  g_array_unref (fixture->will_retry);
  g_ptr_array_unref (fixture->disabled);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Runs the main loop until @done says so; fails the test after five seconds. */
#define RUN_UNTIL(fixture, condition)                                           \
  G_STMT_START {                                                                \
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;             \
    while (!(condition))                                                        \
      {                                                                         \
        if (g_get_monotonic_time () > deadline)                                 \
          g_error ("Timed out waiting for: %s", #condition);                    \
        g_main_context_iteration (NULL, FALSE);                                 \
        g_usleep (200);                                                         \
      }                                                                         \
  } G_STMT_END

static void
subscribe (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  wh_dispatcher_allow_network (fixture->dispatcher, "127.0.0.0/8", &error);
  g_assert_no_error (error);
  wh_dispatcher_add_endpoint (fixture->dispatcher, fixture->endpoint, &error);
  g_assert_no_error (error);
}

static char *
publish_payment (Fixture *fixture,
                 double   amount)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPayment) payment = payment_new (amount);
  char *id = wh_dispatcher_publish (fixture->dispatcher, "new-payment", G_OBJECT (payment),
                                    &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static WhDelivery *
only_delivery (Fixture    *fixture,
               const char *message_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) deliveries = wh_store_list_deliveries (fixture->store, message_id, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (deliveries->len, ==, 1);
  return g_object_ref (g_ptr_array_index (deliveries, 0));
}

static GPtrArray *
attempts_of (Fixture    *fixture,
             WhDelivery *delivery)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *attempts = wh_store_list_attempts (fixture->store, wh_delivery_get_id (delivery),
                                                &error);

  g_assert_no_error (error);
  return attempts;
}

static guint64
count_stored (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  guint64 pending = 0, succeeded = 0, failed = 0;

  wh_store_count_deliveries (fixture->store, &pending, &succeeded, &failed, &error);
  g_assert_no_error (error);
  return pending + succeeded + failed;
}

/* Publishing */

static void
test_publish_stores_and_sends_nothing (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(WhDelivery) delivery = NULL;
  Request *request;

  subscribe (fixture);
  id = publish_payment (fixture, 10.5);

  g_assert_true (g_str_has_prefix (id, "msg_"));
  delivery = only_delivery (fixture, id);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_PENDING);
  g_assert_cmpstr (wh_delivery_get_event (delivery), ==, "new-payment");

  /* Nothing goes out until the dispatcher is started. */
  iterate_for (50);
  g_assert_cmpuint (fixture->requests_read, ==, 0);

  wh_dispatcher_start (fixture->dispatcher);
  g_assert_true (wh_dispatcher_get_running (fixture->dispatcher));
  RUN_UNTIL (fixture, fixture->succeeded->len == 1);

  g_assert_cmpuint (fixture->requests->len, ==, 1);
  request = g_ptr_array_index (fixture->requests, 0);
  g_assert_cmpstr (request->webhook_id, ==, id);
  g_assert_true (request->verified);
  g_assert_cmpstr (request->content_type, ==, "application/json");
  g_assert_cmpmem (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body),
                   "{\"is_paid\":true,\"amount\":10.5}", strlen ("{\"is_paid\":true,\"amount\":10.5}"));

  g_clear_object (&delivery);
  delivery = only_delivery (fixture, id);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_SUCCEEDED);
}

static void
test_publish_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPayment) payment = payment_new (1);
  g_autoptr(JsonNode) invalid = json_from_string ("{\"is_paid\":\"yes\",\"amount\":\"ten\"}", NULL);
  g_autoptr(JsonNode) valid = json_from_string ("{\"is_paid\":true,\"amount\":3}", NULL);
  g_autofree char *id = NULL;

  subscribe (fixture);

  id = wh_dispatcher_publish (fixture->dispatcher, "old-payment", G_OBJECT (payment), &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_NAME);
  g_assert_null (id);
  g_assert_nonnull (strstr (error->message, "old-payment"));
  g_clear_error (&error);

  id = wh_dispatcher_publish_json (fixture->dispatcher, "new-payment", invalid, &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD);
  g_assert_null (id);
  /* Every problem, by member name. */
  g_assert_nonnull (strstr (error->message, "is_paid"));
  g_assert_nonnull (strstr (error->message, "amount"));
  g_clear_error (&error);

  g_assert_cmpuint (count_stored (fixture), ==, 0);

  id = wh_dispatcher_publish_json (fixture->dispatcher, "new-payment", valid, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (id, "msg_"));
  g_assert_cmpuint (count_stored (fixture), ==, 1);
}

static void
test_events_filter_and_disabled (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) pings_only = wh_endpoint_new (fixture->url, &error);
  g_autoptr(WhEndpoint) disabled = wh_endpoint_new (fixture->url, &error);
  g_autoptr(GPtrArray) deliveries = NULL;
  g_autofree char *payment_id = NULL;
  g_autofree char *ping_id = NULL;
  g_autoptr(JsonNode) empty = json_from_string ("{}", NULL);
  const char *pings[] = { "ping", NULL };

  subscribe (fixture);
  wh_endpoint_set_events (pings_only, pings);
  wh_dispatcher_add_endpoint (fixture->dispatcher, pings_only, &error);
  g_assert_no_error (error);
  wh_endpoint_set_enabled (disabled, FALSE);
  wh_dispatcher_add_endpoint (fixture->dispatcher, disabled, &error);
  g_assert_no_error (error);

  payment_id = publish_payment (fixture, 2);
  deliveries = wh_store_list_deliveries (fixture->store, payment_id, &error);
  g_assert_cmpuint (deliveries->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_endpoint_id (g_ptr_array_index (deliveries, 0)), ==,
                   wh_endpoint_get_id (fixture->endpoint));
  g_clear_pointer (&deliveries, g_ptr_array_unref);

  ping_id = wh_dispatcher_publish_json (fixture->dispatcher, "ping", empty, &error);
  g_assert_no_error (error);
  deliveries = wh_store_list_deliveries (fixture->store, ping_id, &error);
  g_assert_cmpuint (deliveries->len, ==, 2);

  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->succeeded->len == 3);
  g_assert_cmpuint (fixture->requests->len, ==, 3);
}

/* Retries */

static void
test_full_retry_schedule (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(WhDelivery) delivery = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GDateTime) later = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) in_a_minute = g_date_time_add_seconds (later, 60);
  g_autofree char *http_date = soup_date_time_to_string (in_a_minute, SOUP_DATE_HTTP);
  gint64 test_started = g_get_real_time ();
  const guint expected_status[] = { 500, 0, 0, 429, 503, 302, 204 };

  subscribe (fixture);
  g_object_set (fixture->dispatcher, "timeout", 300, "max-retry-after", (guint64) 150, NULL);
  plan (fixture, ANSWER_STATUS, 500, NULL, NULL, 5000);
  plan (fixture, ANSWER_SILENCE, 0, NULL, NULL, 0);
  plan (fixture, ANSWER_RESET, 0, NULL, NULL, 0);
  plan (fixture, ANSWER_STATUS, 429, "Retry-After", "1", 0);
  plan (fixture, ANSWER_STATUS, 503, "Retry-After", http_date, 0);
  plan (fixture, ANSWER_STATUS, 302, "Location", "http://example.org/elsewhere", 0);
  /* Then 204, the default answer. */

  id = publish_payment (fixture, 10);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->succeeded->len == 1);

  /* Every failure but the last attempt said it would be retried. */
  g_assert_cmpuint (fixture->failed->len, ==, 6);
  for (guint i = 0; i < fixture->will_retry->len; i++)
    g_assert_true (g_array_index (fixture->will_retry, gboolean, i));

  /* The same webhook-id each time, a fresh signature each time, all verified. */
  g_assert_cmpuint (fixture->requests->len, ==, 7);
  for (guint i = 0; i < fixture->requests->len; i++)
    {
      Request *request = g_ptr_array_index (fixture->requests, i);

      g_assert_cmpstr (request->webhook_id, ==, id);
      g_assert_true (request->verified);
    }

  delivery = only_delivery (fixture, id);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_SUCCEEDED);
  attempts = attempts_of (fixture, delivery);
  g_assert_cmpuint (attempts->len, ==, 7);

  for (guint i = 0; i < attempts->len; i++)
    {
      WhAttempt *attempt = g_ptr_array_index (attempts, i);
      const char *error_message = wh_attempt_get_error_message (attempt);
      gint64 ended = wh_attempt_get_started_at (attempt) + wh_attempt_get_duration (attempt);

      g_test_message ("attempt %u: %u %s", i + 1, wh_attempt_get_status_code (attempt),
                      error_message ? error_message : "");
      g_assert_cmpuint (wh_attempt_get_number (attempt), ==, i + 1);
      g_assert_cmpuint (wh_attempt_get_status_code (attempt), ==, expected_status[i]);
      g_assert_cmpint (wh_attempt_get_started_at (attempt), >=, test_started);
      g_assert_cmpint (wh_attempt_get_duration (attempt), >, 0);
      g_assert_cmpint (wh_attempt_get_succeeded (attempt), ==, i == 6);

      if (i < 6)
        {
          WhAttempt *next = g_ptr_array_index (attempts, i + 1);

          g_assert_cmpint (wh_attempt_get_next_attempt_at (attempt), >, ended);
          g_assert_cmpint (wh_attempt_get_started_at (next), >=,
                           wh_attempt_get_next_attempt_at (attempt) - 2000);
        }
      else
        g_assert_cmpint (wh_attempt_get_next_attempt_at (attempt), ==, 0);

      switch (i)
        {
        case 0:   /* 500: the status says it; the first kilobyte of the body is kept */
          g_assert_null (error_message);
          g_assert_cmpuint (g_bytes_get_size (wh_attempt_get_response_body (attempt)), ==, 1024);
          g_assert_true (g_str_has_prefix (g_bytes_get_data (wh_attempt_get_response_body (attempt), NULL),
                                           "boom"));
          /* The schedule's 10 ms */
          g_assert_cmpint (wh_attempt_get_next_attempt_at (attempt) - ended, <, 100 * 1000);
          break;
        case 1:   /* silence: the deadline */
          g_assert_nonnull (strstr (error_message, "deadline"));
          g_assert_cmpint (wh_attempt_get_duration (attempt), >=, 290 * 1000);
          g_assert_cmpint (wh_attempt_get_duration (attempt), <, 1500 * 1000);
          break;
        case 2:   /* reset */
          g_assert_nonnull (error_message);
          break;
        case 3:   /* 429 Retry-After: 1 s, cut to max-retry-after */
        case 4:   /* 503 Retry-After: a date a minute away, cut too */
          g_assert_null (error_message);
          /* (The next attempt time is set a moment before the duration is measured.) */
          g_assert_cmpint (wh_attempt_get_next_attempt_at (attempt) - ended, >=, 120 * 1000);
          g_assert_cmpint (wh_attempt_get_next_attempt_at (attempt) - ended, <, 900 * 1000);
          break;
        case 5:   /* a redirect is a failure, not followed */
          g_assert_nonnull (strstr (error_message, "redirects are not followed"));
          g_assert_nonnull (strstr (error_message, "http://example.org/elsewhere"));
          break;
        case 6:
          g_assert_null (error_message);
          break;
        }
    }
}

static void
test_schedule_exhausted (Fixture       *fixture,
                         gconstpointer  data)
{
  const guint64 three[] = { 0, 5, 5 };
  g_autofree char *id = NULL;
  g_autoptr(WhDelivery) delivery = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  const guint64 *schedule;
  gsize n;

  subscribe (fixture);
  wh_dispatcher_set_retry_schedule (fixture->dispatcher, three, G_N_ELEMENTS (three));
  schedule = wh_dispatcher_get_retry_schedule (fixture->dispatcher, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (schedule[1], ==, 5);
  for (guint i = 0; i < 5; i++)
    plan (fixture, ANSWER_STATUS, 500, NULL, NULL, 0);

  id = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->failed->len == 3);
  iterate_for (50);

  g_assert_cmpuint (fixture->requests->len, ==, 3);
  g_assert_true (g_array_index (fixture->will_retry, gboolean, 0));
  g_assert_true (g_array_index (fixture->will_retry, gboolean, 1));
  g_assert_false (g_array_index (fixture->will_retry, gboolean, 2));
  delivery = only_delivery (fixture, id);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_FAILED);
  attempts = attempts_of (fixture, delivery);
  g_assert_cmpuint (attempts->len, ==, 3);
  g_assert_cmpint (wh_attempt_get_next_attempt_at (g_ptr_array_index (attempts, 2)), ==, 0);
}

static void
test_gone_disables (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *later_id = NULL;
  g_autoptr(WhDelivery) delivery = NULL;
  g_autoptr(WhEndpoint) stored = NULL;
  g_autoptr(GPtrArray) later = NULL;

  subscribe (fixture);
  plan (fixture, ANSWER_STATUS, 410, NULL, NULL, 0);

  id = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->disabled->len == 1);

  g_assert_nonnull (strstr (g_ptr_array_index (fixture->disabled, 0), "410"));
  g_assert_cmpuint (fixture->failed->len, ==, 1);
  g_assert_false (g_array_index (fixture->will_retry, gboolean, 0));
  delivery = only_delivery (fixture, id);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_FAILED);
  stored = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (fixture->endpoint), &error);
  g_assert_no_error (error);
  g_assert_false (wh_endpoint_get_enabled (stored));

  /* A disabled endpoint gets nothing more. */
  later_id = publish_payment (fixture, 2);
  later = wh_store_list_deliveries (fixture->store, later_id, &error);
  g_assert_cmpuint (later->len, ==, 0);
  iterate_for (50);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
}

static void
test_long_failure_disables (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) stored = NULL;
  g_autofree char *id = NULL;
  const guint64 many[] = { 0, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20 };

  subscribe (fixture);
  wh_dispatcher_set_retry_schedule (fixture->dispatcher, many, G_N_ELEMENTS (many));
  g_object_set (fixture->dispatcher, "disable-after", (guint64) 100, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    plan (fixture, ANSWER_STATUS, 500, NULL, NULL, 0);

  id = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->disabled->len == 1);

  g_assert_nonnull (strstr (g_ptr_array_index (fixture->disabled, 0), "disable-after"));
  /* About 100 ms of 20 ms retries, not the whole schedule. */
  g_assert_cmpuint (fixture->requests->len, >=, 3);
  g_assert_cmpuint (fixture->requests->len, <, G_N_ELEMENTS (many));
  stored = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (fixture->endpoint), &error);
  g_assert_false (wh_endpoint_get_enabled (stored));

  /* The delivery stays pending, to be sent if the endpoint is enabled again. */
  {
    g_autoptr(WhDelivery) delivery = only_delivery (fixture, id);
    guint sent = fixture->requests->len;

    g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_PENDING);
    iterate_for (80);
    g_assert_cmpuint (fixture->requests->len, ==, sent);

    g_queue_clear_full (&fixture->plan, answer_free);
    wh_endpoint_set_enabled (stored, TRUE);
    wh_store_update_endpoint (fixture->store, stored, &error);
    g_assert_no_error (error);
    RUN_UNTIL (fixture, fixture->succeeded->len == 1);
  }
}

/* The egress guard */

static void
test_guard_refuses_loopback (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const guint64 two[] = { 0, 10 };
  g_autofree char *id = NULL;
  g_autoptr(WhDelivery) delivery = NULL;
  g_autoptr(GPtrArray) attempts = NULL;

  /* No allow_network (): the default. */
  wh_dispatcher_add_endpoint (fixture->dispatcher, fixture->endpoint, &error);
  g_assert_no_error (error);
  wh_dispatcher_set_retry_schedule (fixture->dispatcher, two, G_N_ELEMENTS (two));

  id = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->failed->len == 2);
  iterate_for (30);

  g_assert_cmpuint (fixture->requests_read, ==, 0);
  g_assert_cmpuint (fixture->requests->len, ==, 0);
  g_assert_true (g_array_index (fixture->will_retry, gboolean, 0));
  g_assert_false (g_array_index (fixture->will_retry, gboolean, 1));

  delivery = only_delivery (fixture, id);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_FAILED);
  attempts = attempts_of (fixture, delivery);
  for (guint i = 0; i < attempts->len; i++)
    {
      WhAttempt *attempt = g_ptr_array_index (attempts, i);

      g_assert_cmpuint (wh_attempt_get_status_code (attempt), ==, 0);
      g_assert_nonnull (strstr (wh_attempt_get_error_message (attempt), "egress guard"));
      g_assert_nonnull (strstr (wh_attempt_get_error_message (attempt), "127.0.0.1 is a loopback address"));
    }
}

static void
test_guard_refuses_localhost (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = NULL;
  g_autofree char *url = g_strdup_printf ("http://localhost:%u/hooks", fixture->port);
  const guint64 one[] = { 0 };
  g_autofree char *id = NULL;
  g_autoptr(WhDelivery) delivery = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  const char *message;

  endpoint = wh_endpoint_new (url, &error);
  g_assert_no_error (error);
  wh_dispatcher_add_endpoint (fixture->dispatcher, endpoint, &error);
  g_assert_no_error (error);
  wh_dispatcher_set_retry_schedule (fixture->dispatcher, one, 1);

  id = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->failed->len == 1);
  iterate_for (30);

  g_assert_cmpuint (fixture->requests_read, ==, 0);
  delivery = only_delivery (fixture, id);
  attempts = attempts_of (fixture, delivery);
  message = wh_attempt_get_error_message (g_ptr_array_index (attempts, 0));
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "is a loopback address"));
}

static void
test_guard_allowed_network (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const char *bad[] = { "nope", "127.0.0.1/33", "10.0.0.1/8", "", "fd00::/129" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (wh_dispatcher_allow_network (fixture->dispatcher, bad[i], &error));
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
      g_assert_nonnull (strstr (error->message, "CIDR"));
      g_clear_error (&error);
    }

  g_assert_true (wh_dispatcher_allow_network (fixture->dispatcher, "fd00::/8", &error));
  g_assert_no_error (error);
  g_assert_true (wh_dispatcher_allow_network (fixture->dispatcher, "127.0.0.1/32", &error));
  g_assert_no_error (error);
  wh_dispatcher_add_endpoint (fixture->dispatcher, fixture->endpoint, &error);
  g_assert_no_error (error);

  id = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->succeeded->len == 1);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
}

static void
test_guard_addresses (void)
{
  g_autoptr(WhEgressGuard) guard = wh_egress_guard_new ();
  g_autoptr(GError) error = NULL;
  const struct { const char *address; const char *refused_as; } cases[] = {
    { "8.8.8.8", NULL },
    { "93.184.216.34", NULL },
    { "2606:4700:4700::1111", NULL },
    { "::ffff:8.8.8.8", NULL },
    { "127.0.0.1", "loopback" },
    { "127.1.2.3", "loopback" },
    { "10.1.2.3", "private" },
    { "172.16.0.1", "private" },
    { "172.31.255.255", "private" },
    { "192.168.1.1", "private" },
    { "100.64.0.1", "carrier-grade NAT" },
    { "169.254.169.254", "link-local" },
    { "224.0.0.1", "multicast" },
    { "0.0.0.0", "unspecified" },
    { "255.255.255.255", "broadcast" },
    { "::1", "loopback" },
    { "::", "unspecified" },
    { "fd12:3456::1", "unique local" },
    { "fe80::1", "link-local" },
    { "ff02::1", "multicast" },
    { "::ffff:127.0.0.1", "stands for 127.0.0.1, a loopback" },
    { "::ffff:10.0.0.1", "stands for 10.0.0.1, a private" },
    { "::ffff:169.254.169.254", "link-local" },
    { "64:ff9b::a9fe:a9fe", "stands for 169.254.169.254" },
    { "2002:7f00:1::", "stands for 127.0.0.1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (cases[i].address);
      g_autofree char *reason = NULL;
      gboolean allowed;

      g_assert_nonnull (address);
      allowed = wh_egress_guard_check (guard, address, &reason);
      if (cases[i].refused_as == NULL)
        {
          g_assert_true (allowed);
          g_assert_null (reason);
        }
      else
        {
          g_test_message ("%s: %s", cases[i].address, reason);
          g_assert_false (allowed);
          g_assert_nonnull (strstr (reason, cases[i].refused_as));
        }
    }

  /* Allowing an IPv4 network allows its IPv4-mapped form too. */
  g_assert_true (wh_egress_guard_allow (guard, "10.0.0.0/8", &error));
  g_assert_no_error (error);
  {
    g_autoptr(GInetAddress) mapped = g_inet_address_new_from_string ("::ffff:10.9.8.7");
    g_autoptr(GInetAddress) other = g_inet_address_new_from_string ("192.168.0.1");

    g_assert_true (wh_egress_guard_check (guard, mapped, NULL));
    g_assert_false (wh_egress_guard_check (guard, other, NULL));
  }
}

/* Stopping */

static void
test_stop_hands_back (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(WhDelivery) delivery = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  Request *first, *second;

  subscribe (fixture);
  g_object_set (fixture->dispatcher, "timeout", 5000, NULL);
  plan (fixture, ANSWER_SILENCE, 0, NULL, NULL, 0);

  id = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->requests->len == 1);
  g_assert_cmpuint (wh_dispatcher_get_in_flight (fixture->dispatcher), ==, 1);

  wh_dispatcher_stop (fixture->dispatcher);
  g_assert_false (wh_dispatcher_get_running (fixture->dispatcher));
  g_assert_cmpuint (wh_dispatcher_get_in_flight (fixture->dispatcher), ==, 0);

  /* Handed back: due again now, still at its first attempt, nothing recorded and no
   * signal for it. */
  delivery = only_delivery (fixture, id);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_PENDING);
  g_assert_cmpint (wh_delivery_get_next_attempt_at (delivery), <=, g_get_real_time ());
  g_assert_cmpuint (wh_delivery_get_attempt (delivery), ==, 1);
  attempts = attempts_of (fixture, delivery);
  g_assert_cmpuint (attempts->len, ==, 0);
  g_assert_cmpuint (fixture->failed->len, ==, 0);

  iterate_for (50);
  g_assert_cmpuint (fixture->requests->len, ==, 1);

  /* Started again, it sends the delivery again, with the same webhook-id, as the same
   * attempt. */
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->succeeded->len == 1);
  g_assert_cmpuint (fixture->requests->len, ==, 2);
  first = g_ptr_array_index (fixture->requests, 0);
  second = g_ptr_array_index (fixture->requests, 1);
  g_assert_cmpstr (first->webhook_id, ==, id);
  g_assert_cmpstr (second->webhook_id, ==, id);
  g_assert_cmpuint (wh_attempt_get_number (g_ptr_array_index (fixture->succeeded, 0)), ==, 1);
}

/* A schedule of one attempt: if stopping used up an attempt, the first stop would fail
 * the delivery for good. */
static void
test_stop_start_keeps_attempts (Fixture       *fixture,
                                gconstpointer  data)
{
  const guint64 once[] = { 0 };
  g_autofree char *id = NULL;
  g_autoptr(WhDelivery) delivery = NULL;
  g_autoptr(GPtrArray) attempts = NULL;

  subscribe (fixture);
  wh_dispatcher_set_retry_schedule (fixture->dispatcher, once, G_N_ELEMENTS (once));
  g_object_set (fixture->dispatcher, "timeout", 5000, NULL);
  for (guint i = 0; i < 3; i++)
    plan (fixture, ANSWER_SILENCE, 0, NULL, NULL, 0);

  id = publish_payment (fixture, 1);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(WhDelivery) handed_back = NULL;

      wh_dispatcher_start (fixture->dispatcher);
      RUN_UNTIL (fixture, fixture->requests->len == i + 1);
      wh_dispatcher_stop (fixture->dispatcher);

      handed_back = only_delivery (fixture, id);
      g_assert_cmpint (wh_delivery_get_state (handed_back), ==, WH_DELIVERY_STATE_PENDING);
      g_assert_cmpuint (wh_delivery_get_attempt (handed_back), ==, 1);
    }

  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->succeeded->len == 1);
  g_assert_cmpuint (fixture->failed->len, ==, 0);
  g_assert_cmpuint (fixture->requests->len, ==, 4);

  delivery = only_delivery (fixture, id);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_SUCCEEDED);
  attempts = attempts_of (fixture, delivery);
  g_assert_cmpuint (attempts->len, ==, 1);
  g_assert_cmpuint (wh_attempt_get_number (g_ptr_array_index (attempts, 0)), ==, 1);
  g_assert_true (wh_attempt_get_succeeded (g_ptr_array_index (attempts, 0)));
}

/* Secret rotation */

static gboolean
receiver_verifies (Request    *request,
                   const char *secret)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = wh_signature_verify (secret, request->webhook_id, request->timestamp,
                                     request->signature, request->body, &error);

  if (!ok)
    g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
  return ok;
}

static void
test_rotation_signs_with_both (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_secret = g_strdup (wh_endpoint_get_secret (fixture->endpoint));
  g_autofree char *new_secret = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gint64 keep_old_until;
  Request *during, *after;

  subscribe (fixture);
  keep_old_until = g_get_real_time () + 1500 * 1000;
  g_assert_true (wh_endpoint_rotate_secret (fixture->endpoint, NULL, keep_old_until, &error));
  g_assert_no_error (error);
  g_assert_true (wh_store_update_endpoint (fixture->store, fixture->endpoint, &error));
  g_assert_no_error (error);
  new_secret = g_strdup (wh_endpoint_get_secret (fixture->endpoint));
  g_assert_cmpstr (new_secret, !=, old_secret);

  /* During the rotation, a receiver with only the old secret and one with only the new
   * one both verify the same request. */
  first = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->succeeded->len == 1);
  during = g_ptr_array_index (fixture->requests, 0);
  g_assert_cmpstr (during->webhook_id, ==, first);
  g_assert_nonnull (strchr (during->signature, ' '));
  g_assert_true (receiver_verifies (during, old_secret));
  g_assert_true (receiver_verifies (during, new_secret));

  /* Once the old secret's time is over, only the new one verifies. */
  while (g_get_real_time () <= keep_old_until)
    iterate_for (50);
  second = publish_payment (fixture, 2);
  RUN_UNTIL (fixture, fixture->succeeded->len == 2);
  after = g_ptr_array_index (fixture->requests, 1);
  g_assert_cmpstr (after->webhook_id, ==, second);
  g_assert_null (strchr (after->signature, ' '));
  g_assert_true (receiver_verifies (after, new_secret));
  g_assert_false (receiver_verifies (after, old_secret));
}

/* The long-failure clock across restarts */

/* Replaces the fixture's store and dispatcher, as a new process would make them. */
static void
use_store (Fixture *fixture,
           WhStore *store)
{
  g_autoptr(GError) error = NULL;
  const guint64 schedule[] = { 0, 10, 10, 10, 10, 10, 10, 10, 10, 10 };

  if (fixture->dispatcher != NULL)
    wh_dispatcher_stop (fixture->dispatcher);
  g_clear_object (&fixture->dispatcher);
  g_set_object (&fixture->store, store);

  fixture->dispatcher = wh_dispatcher_new (fixture->app, fixture->store);
  wh_dispatcher_set_retry_schedule (fixture->dispatcher, schedule, G_N_ELEMENTS (schedule));
  g_object_set (fixture->dispatcher, "retry-jitter", 0.0, "timeout", 2000, "poll-interval", 20,
                "store-thread", fixture->store_thread, NULL);
  wh_dispatcher_allow_network (fixture->dispatcher, "127.0.0.0/8", &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->dispatcher, "delivery-succeeded", G_CALLBACK (on_succeeded), fixture);
  g_signal_connect (fixture->dispatcher, "delivery-failed", G_CALLBACK (on_failed), fixture);
  g_signal_connect (fixture->dispatcher, "endpoint-disabled", G_CALLBACK (on_disabled), fixture);
}

static void
test_failure_clock_survives_restart (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wh-dispatch-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "deliveries.db", NULL);
  g_autoptr(WhStore) before = NULL;
  g_autoptr(WhStore) after = NULL;
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(WhAttempt) failed = NULL;
  g_autoptr(WhEndpoint) stored = NULL;
  g_autofree char *old_message = NULL;
  g_autofree char *id = NULL;
  const char *endpoint_ids[] = { wh_endpoint_get_id (fixture->endpoint), NULL };
  g_autoptr(GBytes) payload = g_bytes_new_static ("{}", 2);
  gint64 six_days_ago = g_get_real_time () - 6 * G_TIME_SPAN_DAY;
  gint64 since = -1;

  g_assert_no_error (error);

  /* A previous process: its last attempt to the endpoint failed six days ago (a fake
   * clock), and nothing succeeded since. */
  before = wh_sqlite_store_new (path, &error);
  g_assert_no_error (error);
  wh_store_add_endpoint (before, fixture->endpoint, &error);
  g_assert_no_error (error);
  old_message = wh_store_publish (before, "ping", payload, endpoint_ids, six_days_ago, &error);
  g_assert_no_error (error);
  claimed = wh_store_claim_due (before, six_days_ago, 1, 30, &error);
  g_assert_cmpuint (claimed->len, ==, 1);
  failed = wh_attempt_new (wh_delivery_get_id (g_ptr_array_index (claimed, 0)), 1, six_days_ago,
                           1000, 500, NULL, NULL, 0);
  wh_store_record_attempt (before, failed, &error);
  g_assert_no_error (error);
  g_clear_object (&before);

  /* This process: the default disable-after of five days counts from then, so the first
   * failure it sees disables the endpoint. */
  after = wh_sqlite_store_new (path, &error);
  g_assert_no_error (error);
  use_store (fixture, after);
  g_object_set (fixture->dispatcher, "disable-after", (guint64) 5 * 24 * 3600 * 1000, NULL);
  since = wh_store_get_endpoint_failing_since (fixture->store, endpoint_ids[0], &error);
  g_assert_no_error (error);
  g_assert_cmpint (since, ==, six_days_ago);

  plan (fixture, ANSWER_STATUS, 500, NULL, NULL, 0);
  id = publish_payment (fixture, 1);
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->disabled->len == 1);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpuint (fixture->failed->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->disabled, 0), "disable-after"));
  stored = wh_store_lookup_endpoint (fixture->store, endpoint_ids[0], &error);
  g_assert_false (wh_endpoint_get_enabled (stored));

  /* Disabling restarts the clock, so that an endpoint enabled again gets its five days
   * anew; a success clears it. */
  since = wh_store_get_endpoint_failing_since (fixture->store, endpoint_ids[0], &error);
  g_assert_cmpint (since, ==, 0);
  wh_endpoint_set_enabled (stored, TRUE);
  wh_store_update_endpoint (fixture->store, stored, &error);
  g_assert_no_error (error);
  RUN_UNTIL (fixture, fixture->succeeded->len == 1);
  g_assert_cmpuint (fixture->disabled->len, ==, 1);
  since = wh_store_get_endpoint_failing_since (fixture->store, endpoint_ids[0], &error);
  g_assert_cmpint (since, ==, 0);

  /* Closes the file, for the folder to go. */
  g_clear_object (&after);
  {
    g_autoptr(WhStore) memory = wh_sqlite_store_new (":memory:", &error);

    use_store (fixture, memory);
  }
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (path);
    g_rmdir (dir);
  }
}

static void
test_many_deliveries (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 pending = 1, succeeded = 0;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  subscribe (fixture);
  g_object_set (fixture->dispatcher, "concurrency", 8, "batch-size", 5, "max-conns-per-host", 4,
                NULL);
  fixture->default_status = SOUP_STATUS_OK;
  wh_endpoint_set_header (fixture->endpoint, "X-Tenant", "acme", &error);
  g_assert_no_error (error);
  wh_store_update_endpoint (fixture->store, fixture->endpoint, &error);
  g_assert_no_error (error);

  wh_dispatcher_start (fixture->dispatcher);
  for (guint i = 0; i < 200; i++)
    g_hash_table_add (ids, publish_payment (fixture, i));

  RUN_UNTIL (fixture, fixture->succeeded->len == 200);
  wh_store_count_deliveries (fixture->store, &pending, &succeeded, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (succeeded, ==, 200);
  g_assert_cmpuint (fixture->requests->len, ==, 200);
  for (guint i = 0; i < fixture->requests->len; i++)
    {
      Request *request = g_ptr_array_index (fixture->requests, i);

      g_assert_true (request->verified);
      g_assert_cmpstr (request->custom_header, ==, "acme");
      g_assert_true (g_hash_table_remove (ids, request->webhook_id));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, 0);

  /* Connections are kept and reused (webhooks are sent as idempotent requests), within
   * the limit per host. */
  g_assert_cmpuint (g_hash_table_size (fixture->client_ports), <=, 4);
}

static guint
count_deliveries_of (Fixture    *fixture,
                     const char *message_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) deliveries = wh_store_list_deliveries (fixture->store, message_id, &error);

  g_assert_no_error (error);
  return deliveries->len;
}

/* Publish keeps the endpoints in memory; every change made through the store shows in
 * the next publish. */
static void
test_publish_follows_endpoint_changes (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) second = wh_endpoint_new (fixture->url, &error);
  g_autofree char *id = NULL;

  subscribe (fixture);
  id = publish_payment (fixture, 1);
  g_assert_cmpuint (count_deliveries_of (fixture, id), ==, 1);
  g_clear_pointer (&id, g_free);

  /* Added through the dispatcher, then straight to the store. */
  wh_dispatcher_add_endpoint (fixture->dispatcher, second, &error);
  g_assert_no_error (error);
  id = publish_payment (fixture, 2);
  g_assert_cmpuint (count_deliveries_of (fixture, id), ==, 2);
  g_clear_pointer (&id, g_free);

  wh_endpoint_set_enabled (second, FALSE);
  wh_store_update_endpoint (fixture->store, second, &error);
  g_assert_no_error (error);
  id = publish_payment (fixture, 3);
  g_assert_cmpuint (count_deliveries_of (fixture, id), ==, 1);
  g_clear_pointer (&id, g_free);

  wh_endpoint_set_enabled (second, TRUE);
  wh_store_update_endpoint (fixture->store, second, &error);
  g_assert_no_error (error);
  id = publish_payment (fixture, 4);
  g_assert_cmpuint (count_deliveries_of (fixture, id), ==, 2);
  g_clear_pointer (&id, g_free);

  wh_store_remove_endpoint (fixture->store, wh_endpoint_get_id (second), &error);
  g_assert_no_error (error);
  id = publish_payment (fixture, 5);
  g_assert_cmpuint (count_deliveries_of (fixture, id), ==, 1);
}

/* Outcomes are recorded in groups; a handler still finds its delivery's outcome in
 * the store when it is told, and the store is never behind the signals. */
static void
on_succeeded_check_store (WhDispatcher *dispatcher,
                          WhDelivery   *delivery,
                          WhAttempt    *attempt,
                          Fixture      *fixture)
{
  g_autoptr(WhDelivery) stored = only_delivery (fixture, wh_delivery_get_message_id (delivery));
  g_autoptr(GPtrArray) attempts = attempts_of (fixture, delivery);

  g_assert_cmpint (wh_delivery_get_state (stored), ==, WH_DELIVERY_STATE_SUCCEEDED);
  g_assert_cmpuint (attempts->len, ==, 1);
  g_assert_cmpuint (wh_attempt_get_status_code (g_ptr_array_index (attempts, 0)), ==,
                    wh_attempt_get_status_code (attempt));
}

static void
test_signals_see_the_store (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 pending = 1, succeeded = 0;

  subscribe (fixture);
  g_object_set (fixture->dispatcher, "concurrency", 16, "batch-size", 8, NULL);
  fixture->default_status = SOUP_STATUS_NO_CONTENT;
  g_signal_connect (fixture->dispatcher, "delivery-succeeded",
                    G_CALLBACK (on_succeeded_check_store), fixture);

  wh_dispatcher_start (fixture->dispatcher);
  for (guint i = 0; i < 50; i++)
    g_free (publish_payment (fixture, i));

  RUN_UNTIL (fixture, fixture->succeeded->len == 50);
  wh_store_count_deliveries (fixture->store, &pending, &succeeded, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (succeeded, ==, 50);

  /* Stopping right after answers arrived records them rather than handing them back. */
  for (guint i = 0; i < 10; i++)
    g_free (publish_payment (fixture, i));
  RUN_UNTIL (fixture, fixture->requests->len == 60);
  wh_dispatcher_stop (fixture->dispatcher);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  wh_store_count_deliveries (fixture->store, &pending, &succeeded, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending + succeeded, ==, 60);
  g_assert_cmpuint (succeeded, ==, fixture->succeeded->len);
}

/* Beyond the connection limit, deliveries wait in the dispatcher: the receiver never
 * has more requests at once than the limit, the waiting ones count as in flight, and
 * one that waits past its attempt's deadline fails without having been sent, to be
 * retried like any other failure. */
static void
test_waits_for_a_connection (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint never_sent = 0;

  subscribe (fixture);
  g_object_set (fixture->dispatcher, "max-conns-per-host", 1, "timeout", 300, NULL);
  plan (fixture, ANSWER_SILENCE, 0, NULL, NULL, 0);

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (ids, publish_payment (fixture, i + 1));
  wh_dispatcher_start (fixture->dispatcher);

  RUN_UNTIL (fixture, fixture->requests->len == 1);
  iterate_for (50);
  g_assert_cmpuint (fixture->requests->len, ==, 1);
  g_assert_cmpuint (wh_dispatcher_get_in_flight (fixture->dispatcher), ==, 3);

  /* The silent one and the two behind it fail at the deadline (the retries may already
   * be on their way: the schedule waits 10 ms). */
  RUN_UNTIL (fixture, fixture->failed->len == 3);
  for (guint i = 0; i < fixture->failed->len; i++)
    {
      WhAttempt *attempt = g_ptr_array_index (fixture->failed, i);
      const char *message = wh_attempt_get_error_message (attempt);

      g_assert_nonnull (message);
      g_assert_true (g_array_index (fixture->will_retry, gboolean, i));
      if (strstr (message, "No connection to the endpoint was free") != NULL)
        {
          g_assert_nonnull (strstr (message, "max-conns-per-host"));
          g_assert_cmpint (wh_attempt_get_duration (attempt), >=, 300 * 1000);
          never_sent++;
        }
      else
        g_assert_nonnull (strstr (message, "No answer within the attempt's deadline"));
    }
  g_assert_cmpuint (never_sent, ==, 2);

  /* The retries are answered, one connection at a time; the two that waited were never
   * sent before: the silent request and three retries. */
  RUN_UNTIL (fixture, fixture->succeeded->len == 3);
  g_assert_cmpuint (fixture->requests->len, ==, 4);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(WhDelivery) delivery = only_delivery (fixture, g_ptr_array_index (ids, i));

      g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_SUCCEEDED);
    }
  for (guint i = 0; i < fixture->requests->len; i++)
    g_assert_true (((Request *) g_ptr_array_index (fixture->requests, i))->verified);
}

/* TLS. tests/dispatch/tls/ holds a self-signed certificate for 127.0.0.1, made with
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
 *     -keyout key.pem -out cert.pem -days 36500 -subj /CN=127.0.0.1 \
 *     -addext subjectAltName=IP:127.0.0.1
 * A receiver serves it on loopback; a dispatcher trusts it only through its tls-database. */

static char *
tls_receiver (Fixture     *fixture,
              SoupServer **server_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_file = g_test_build_filename (G_TEST_DIST, "dispatch", "tls", "cert.pem", NULL);
  g_autofree char *key_file = g_test_build_filename (G_TEST_DIST, "dispatch", "tls", "key.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert_file, key_file,
                                                                             &error);
  g_autoptr(GSList) uris = NULL;
  SoupServer *server;
  guint port;

  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, "/hooks", handle_hook, fixture, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  *server_out = server;
  return g_strdup_printf ("https://127.0.0.1:%u/hooks", port);
}

static WhEndpoint *
subscribe_url (Fixture    *fixture,
               const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = wh_endpoint_new (url, &error);

  g_assert_no_error (error);
  wh_endpoint_set_secret (endpoint, fixture->secret, &error);
  g_assert_no_error (error);
  wh_dispatcher_allow_network (fixture->dispatcher, "127.0.0.0/8", &error);
  g_assert_no_error (error);
  wh_dispatcher_add_endpoint (fixture->dispatcher, endpoint, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&endpoint);
}

/* @n deliveries one after the other, on one connection, without a stall: a request that
 * stayed corked (the coalescer not pushing its socket) would wait 200 ms for the kernel
 * to send it. */
static void
deliver_one_after_another (Fixture *fixture,
                           guint    n)
{
  gint64 start;

  g_object_set (fixture->dispatcher, "concurrency", 1, NULL);
  /* SoupServer 3.2 closes the connection after a 204, whatever the client does. */
  fixture->default_status = SOUP_STATUS_OK;

  for (guint i = 0; i < n; i++)
    g_free (publish_payment (fixture, i + 1));
  start = g_get_monotonic_time ();
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->succeeded->len == n);

  g_assert_cmpint (g_get_monotonic_time () - start, <, n * 100 * 1000);
  g_assert_cmpuint (fixture->failed->len, ==, 0);
  g_assert_cmpuint (fixture->requests->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_true (((Request *) g_ptr_array_index (fixture->requests, i))->verified);
  g_assert_cmpuint (g_hash_table_size (fixture->client_ports), ==, 1);
}

static void
test_one_after_another (Fixture       *fixture,
                        gconstpointer  data)
{
  subscribe (fixture);
  deliver_one_after_another (fixture, 20);
}

/* Over TLS, signed and sent as over plain HTTP. */
static void
test_tls_delivers (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ca_file = g_test_build_filename (G_TEST_DIST, "dispatch", "tls", "cert.pem", NULL);
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, &error);
  g_autoptr(SoupServer) server = NULL;
  g_autofree char *url = NULL;
  g_autoptr(WhEndpoint) endpoint = NULL;

  g_assert_no_error (error);
  url = tls_receiver (fixture, &server);
  endpoint = subscribe_url (fixture, url);
  g_object_set (fixture->dispatcher, "tls-database", database, NULL);

  deliver_one_after_another (fixture, 20);

  wh_dispatcher_stop (fixture->dispatcher);
  soup_server_disconnect (server);
}

/* With the system's authorities, the self-signed certificate is refused: the attempt
 * fails, says why and what to do, and the receiver reads nothing. */
static void
test_tls_untrusted (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autofree char *url = tls_receiver (fixture, &server);
  g_autoptr(WhEndpoint) endpoint = subscribe_url (fixture, url);
  const char *message;

  g_free (publish_payment (fixture, 1));
  wh_dispatcher_start (fixture->dispatcher);
  RUN_UNTIL (fixture, fixture->failed->len >= 1);

  message = wh_attempt_get_error_message (g_ptr_array_index (fixture->failed, 0));
  g_assert_nonnull (strstr (message, "The TLS connection to the endpoint failed before anything "
                                     "was sent"));
  g_assert_nonnull (strstr (message, "tls-database"));
  g_assert_true (g_array_index (fixture->will_retry, gboolean, 0));
  g_assert_cmpuint (fixture->requests->len, ==, 0);

  wh_dispatcher_stop (fixture->dispatcher);
  soup_server_disconnect (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Each test runs twice: with the store's work on the dispatcher's thread (the
   * default with a SQLite store), and with every store call on the main context (as
   * with a store that is not thread-safe). */
  static const gboolean on_thread = TRUE, inline_calls = FALSE;

#define ADD(path, func)                                                                 \
  G_STMT_START {                                                                        \
    g_test_add ("/dispatcher/store-thread" path, Fixture, &on_thread,                   \
                fixture_set_up, func, fixture_tear_down);                               \
    g_test_add ("/dispatcher/main-context" path, Fixture, &inline_calls,                \
                fixture_set_up, func, fixture_tear_down);                               \
  } G_STMT_END

  ADD ("/publish/stores-and-sends-nothing", test_publish_stores_and_sends_nothing);
  ADD ("/publish/errors", test_publish_errors);
  ADD ("/publish/events-filter-and-disabled", test_events_filter_and_disabled);
  ADD ("/publish/follows-endpoint-changes", test_publish_follows_endpoint_changes);
  ADD ("/retry/full-schedule", test_full_retry_schedule);
  ADD ("/retry/exhausted", test_schedule_exhausted);
  ADD ("/disable/gone", test_gone_disables);
  ADD ("/disable/long-failure", test_long_failure_disables);
  ADD ("/guard/refuses-loopback", test_guard_refuses_loopback);
  ADD ("/guard/refuses-localhost", test_guard_refuses_localhost);
  ADD ("/guard/allowed-network", test_guard_allowed_network);
  g_test_add_func ("/dispatcher/guard/addresses", test_guard_addresses);
  ADD ("/disable/clock-survives-restart", test_failure_clock_survives_restart);
  ADD ("/stop/hands-back", test_stop_hands_back);
  ADD ("/stop/keeps-attempts", test_stop_start_keeps_attempts);
  ADD ("/rotation/signs-with-both", test_rotation_signs_with_both);
  ADD ("/send/many", test_many_deliveries);
  ADD ("/send/signals-see-the-store", test_signals_see_the_store);
  ADD ("/send/waits-for-a-connection", test_waits_for_a_connection);
  ADD ("/send/one-after-another", test_one_after_another);
  ADD ("/tls/delivers", test_tls_delivers);
  ADD ("/tls/untrusted", test_tls_untrusted);

  return g_test_run ();
}
