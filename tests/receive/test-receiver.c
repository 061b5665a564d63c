/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Receiving webhooks (issue 5): what a sender sees of a WhReceiver mounted on a loopback
 * SoupServer, and what the application connected to ::received gets. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <webhooks.h>

#include "test-payment.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define OTHER_SECRET "whsec_YW5vdGhlciBrZXkgb2YgdHdlbnR5LWZvdXI="
#define THIRD_SECRET "whsec_dGhlIHRoaXJkIGtleSwgbmV2ZXIgdXNlZA=="
#define PATH "/hooks/payments"
#define PAYMENT "{\"is_paid\":true,\"amount\":10.5}"

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

/* A receiver on a loopback server, and a client */

typedef struct
{
  char *webhook_id;
  char *event;
  JsonNode *payload;
  GObject *model;
} Received;

static void
received_free (gpointer data)
{
  Received *received = data;

  g_free (received->webhook_id);
  g_free (received->event);
  g_clear_pointer (&received->payload, json_node_unref);
  g_clear_object (&received->model);
  g_free (received);
}

typedef struct
{
  WhReceiver *receiver;
  SoupServer *server;
  GUri *base;
  SoupSession *session;
  GPtrArray *received;   /* of Received, one per ::received */
} Fixture;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  JsonNode *json;        /* the response body, when it is JSON */
  GBytes *body;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
on_received (WhReceiver *receiver,
             const char *webhook_id,
             const char *event,
             JsonNode   *payload,
             GObject    *model,
             gpointer    user_data)
{
  Fixture *f = user_data;
  Received *received = g_new0 (Received, 1);

  received->webhook_id = g_strdup (webhook_id);
  received->event = g_strdup (event);
  received->payload = json_node_ref (payload);
  received->model = model != NULL ? g_object_ref (model) : NULL;
  g_ptr_array_add (f->received, received);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->receiver = wh_receiver_new (SECRET, &error);
  g_assert_no_error (error);
  f->received = g_ptr_array_new_with_free_func (received_free);
  g_signal_connect (f->receiver, "received", G_CALLBACK (on_received), f);

  f->server = soup_server_new (NULL, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->session = soup_session_new ();
}

/* Most tests mount the receiver as it comes; those that configure it first attach it
 * themselves. */
static void
fixture_set_up_attached (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up (f, data);
  wh_receiver_attach (f->receiver, f->server, PATH, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_clear_pointer (&f->base, g_uri_unref);
  g_clear_object (&f->receiver);
  g_clear_pointer (&f->received, g_ptr_array_unref);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Sends @msg and runs the main loop (so that the server answers) until the reply is in. */
static Reply *
send_message (Fixture *f, SoupMessage *msg)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Reply *reply = g_new0 (Reply, 1);
  const char *type;

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  reply->body = soup_session_send_and_read_finish (f->session, result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  type = soup_message_headers_get_content_type (reply->headers, NULL);
  if (g_strcmp0 (type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize length;
      const char *data = g_bytes_get_data (reply->body, &length);

      json_parser_load_from_data (parser, data, length, &error);
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }

  return reply;
}

static SoupMessage *
new_post (Fixture *f, const char *path, const char *body)
{
  g_autoptr(GUri) uri = g_uri_parse_relative (f->base, path, G_URI_FLAGS_NONE, NULL);
  SoupMessage *msg = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  return msg;
}

static void
set_webhook_headers (SoupMessage *msg, const char *id, const char *timestamp,
                     const char *signature)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (id != NULL)
    soup_message_headers_replace (headers, "webhook-id", id);
  if (timestamp != NULL)
    soup_message_headers_replace (headers, "webhook-timestamp", timestamp);
  if (signature != NULL)
    soup_message_headers_replace (headers, "webhook-signature", signature);
}

static char *
sign (const char *secret, const char *id, gint64 timestamp, const char *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;
  char *signature = wh_signature_sign (secret, id, timestamp, bytes, &error);

  g_assert_no_error (error);
  return signature;
}

/* A webhook as a Standard Webhooks sender sends it to @path: @body signed with @secret
 * at @timestamp. */
static Reply *
post_signed_to (Fixture *f, const char *path, const char *secret, const char *id,
                gint64 timestamp, const char *body)
{
  g_autoptr(SoupMessage) msg = new_post (f, path, body);
  g_autofree char *signature = sign (secret, id, timestamp, body);
  g_autofree char *timestamp_text = g_strdup_printf ("%" G_GINT64_FORMAT, timestamp);

  set_webhook_headers (msg, id, timestamp_text, signature);
  return send_message (f, msg);
}

static Reply *
post_signed_at (Fixture *f, const char *secret, const char *id, gint64 timestamp,
                const char *body)
{
  return post_signed_to (f, PATH, secret, id, timestamp, body);
}

static Reply *
post_signed (Fixture *f, const char *id, const char *body)
{
  return post_signed_at (f, SECRET, id, now_seconds (), body);
}

static const char *
reply_member (Reply *reply, const char *name)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_object_get_string_member (json_node_get_object (reply->json), name);
}

static void
assert_refused_as (Reply *reply, const char *type)
{
  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (reply_member (reply, "type"), ==, type);
  g_assert_nonnull (reply_member (reply, "detail"));
}

/* The tests */

static void
test_accepts_signed (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) reply = post_signed (f, "msg_1", "{\"id\": 42, \"note\": \"Grüße\"}");
  Received *received;
  JsonObject *payload;

  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (g_bytes_get_size (reply->body), ==, 0);
  g_assert_cmpuint (f->received->len, ==, 1);

  received = g_ptr_array_index (f->received, 0);
  g_assert_cmpstr (received->webhook_id, ==, "msg_1");
  g_assert_null (received->event);
  g_assert_null (received->model);
  payload = json_node_get_object (received->payload);
  g_assert_cmpint (json_object_get_int_member (payload, "id"), ==, 42);
  g_assert_cmpstr (json_object_get_string_member (payload, "note"), ==, "Grüße");
}

static void
test_refuses_missing_headers (Fixture *f, gconstpointer data)
{
  const char *body = "{\"id\": 1}";
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now_seconds ());
  g_autofree char *signature = sign (SECRET, "msg_1", now_seconds (), body);
  struct {
    const char *id, *timestamp, *signature;
  } cases[] = {
    { NULL, timestamp, signature },
    { "msg_1", NULL, signature },
    { "msg_1", timestamp, NULL },
    { NULL, NULL, NULL },
    { "", timestamp, signature },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessage) msg = new_post (f, PATH, body);
      g_autoptr(Reply) reply = NULL;

      set_webhook_headers (msg, cases[i].id, cases[i].timestamp, cases[i].signature);
      reply = send_message (f, msg);
      assert_refused_as (reply, "missing_headers");
    }

  g_assert_cmpuint (f->received->len, ==, 0);
}

static void
test_refuses_malformed (Fixture *f, gconstpointer data)
{
  const char *body = "{\"id\": 1}";
  gint64 now = now_seconds ();
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *signature = sign (SECRET, "msg_1", now, body);
  struct {
    const char *timestamp, *signature;
  } cases[] = {
    { "yesterday", signature },
    { "-5", signature },
    { "99999999999999999999999", signature },
    { timestamp, "not-a-signature" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessage) msg = new_post (f, PATH, body);
      g_autoptr(Reply) reply = NULL;

      set_webhook_headers (msg, "msg_1", cases[i].timestamp, cases[i].signature);
      reply = send_message (f, msg);
      assert_refused_as (reply, "malformed_signature");
    }

  g_assert_cmpuint (f->received->len, ==, 0);
}

static void
test_refuses_mismatch (Fixture *f, gconstpointer data)
{
  gint64 now = now_seconds ();
  g_autoptr(Reply) wrong_secret = post_signed_at (f, OTHER_SECRET, "msg_1", now, "{}");
  g_autoptr(SoupMessage) changed = new_post (f, PATH, "{\"amount\": 1000}");
  g_autofree char *signature = sign (SECRET, "msg_1", now, "{\"amount\": 10}");
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autoptr(SoupMessage) other_id = new_post (f, PATH, "{\"amount\": 10}");
  g_autoptr(SoupMessage) unknown_version = new_post (f, PATH, "{\"amount\": 10}");
  g_autofree char *v2 = g_strdup_printf ("v2,%s", signature + 3);
  g_autoptr(Reply) reply = NULL;

  assert_refused_as (wrong_secret, "signature_mismatch");

  /* A body changed on the way */
  set_webhook_headers (changed, "msg_1", timestamp, signature);
  reply = send_message (f, changed);
  assert_refused_as (reply, "signature_mismatch");
  g_clear_pointer (&reply, reply_free);

  /* A signature replayed with another id */
  set_webhook_headers (other_id, "msg_2", timestamp, signature);
  reply = send_message (f, other_id);
  assert_refused_as (reply, "signature_mismatch");
  g_clear_pointer (&reply, reply_free);

  /* A right signature under a version the receiver does not check */
  set_webhook_headers (unknown_version, "msg_1", timestamp, v2);
  reply = send_message (f, unknown_version);
  assert_refused_as (reply, "signature_mismatch");

  g_assert_cmpuint (f->received->len, ==, 0);
}

static void
test_tolerance (Fixture *f, gconstpointer data)
{
  gint64 now = now_seconds ();
  g_autoptr(Reply) old = post_signed_at (f, SECRET, "msg_old", now - 400, "{}");
  g_autoptr(Reply) future = post_signed_at (f, SECRET, "msg_new", now + 400, "{}");
  g_autoptr(Reply) recent = post_signed_at (f, SECRET, "msg_recent", now - 200, "{}");
  g_autoptr(Reply) old_again = NULL;
  g_autoptr(Reply) future_again = NULL;

  g_assert_cmpuint (wh_receiver_get_tolerance (f->receiver), ==, 300);
  assert_refused_as (old, "timestamp_too_old");
  assert_refused_as (future, "timestamp_too_new");
  g_assert_cmpuint (recent->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 1);

  /* A wider tolerance accepts them; the ids refused before were not remembered. */
  g_object_set (f->receiver, "tolerance", 600, NULL);
  old_again = post_signed_at (f, SECRET, "msg_old", now - 400, "{}");
  future_again = post_signed_at (f, SECRET, "msg_new", now + 400, "{}");
  g_assert_cmpuint (old_again->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (future_again->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 3);
}

static void
test_duplicates (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) first = post_signed (f, "msg_dup", "{\"n\": 1}");
  /* A retry is signed again, with a new timestamp, and must still be dropped. */
  g_autoptr(Reply) retry = post_signed_at (f, SECRET, "msg_dup", now_seconds () + 1,
                                           "{\"n\": 1}");
  g_autoptr(Reply) forged = post_signed_at (f, OTHER_SECRET, "msg_dup", now_seconds (),
                                            "{\"n\": 1}");
  g_autoptr(Reply) other = post_signed (f, "msg_other", "{\"n\": 2}");

  g_assert_cmpuint (first->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (retry->status, ==, SOUP_STATUS_OK);
  /* A known id does not excuse a bad signature. */
  assert_refused_as (forged, "signature_mismatch");
  g_assert_cmpuint (other->status, ==, SOUP_STATUS_OK);

  g_assert_cmpuint (f->received->len, ==, 2);
  g_assert_cmpstr (((Received *) g_ptr_array_index (f->received, 0))->webhook_id, ==, "msg_dup");
  g_assert_cmpstr (((Received *) g_ptr_array_index (f->received, 1))->webhook_id, ==, "msg_other");
}

static guint
post_status (Fixture *f, const char *id)
{
  g_autoptr(Reply) reply = post_signed (f, id, "{}");

  return reply->status;
}

static void
test_dedup_bounded (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (wh_receiver_get_dedup_capacity (f->receiver), ==,
                    WH_RECEIVER_DEFAULT_DEDUP_CAPACITY);
  g_object_set (f->receiver, "dedup-capacity", 3, NULL);

  g_assert_cmpuint (post_status (f, "a"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "b"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "c"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "a"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 3);

  /* The fourth new id evicts the oldest, which is then a new webhook again. */
  g_assert_cmpuint (post_status (f, "d"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "a"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 5);
  /* ... which evicted "b": remembered now are c, d, a. */
  g_assert_cmpuint (post_status (f, "c"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "d"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "a"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 5);

  /* Shrinking keeps the newest. */
  wh_receiver_set_dedup_capacity (f->receiver, 1);
  g_assert_cmpuint (post_status (f, "a"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "d"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 6);

  /* 0 turns it off. */
  wh_receiver_set_dedup_capacity (f->receiver, 0);
  g_assert_cmpuint (post_status (f, "e"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "e"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 8);
}

static void
test_dedup_many (Fixture *f, gconstpointer data)
{
  /* Many more ids than the capacity: memory stays at the capacity, and the newest are
   * still remembered. */
  wh_receiver_set_dedup_capacity (f->receiver, 50);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("msg_%u", i);

      g_assert_cmpuint (post_status (f, id), ==, SOUP_STATUS_OK);
    }
  g_assert_cmpuint (post_status (f, "msg_199"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "msg_150"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (post_status (f, "msg_149"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 201);
}

/* libsoup's client cannot show what a server answers before the body is sent (it
 * misbehaves when the final status comes instead of 100 Continue): a plain socket in a
 * thread, while the main loop runs the server. */
static void
raw_exchange_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Fixture *f = task_data;
  const char *request = g_object_get_data (G_OBJECT (task), "request");
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (f->base),
                                                NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                           buffer, sizeof buffer - 1, NULL, &error);
  g_assert_no_error (error);
  g_task_return_pointer (task, g_strndup (buffer, n), g_free);
}

static char *
raw_exchange (Fixture *f, const char *request)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_sent, &result);

  g_task_set_task_data (task, f, NULL);
  g_object_set_data (G_OBJECT (task), "request", (gpointer) request);
  g_task_run_in_thread (task, raw_exchange_thread);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return g_task_propagate_pointer (G_TASK (result), NULL);
}

static void
test_body_limit (Fixture *f, gconstpointer data)
{
  const char *exact = "{\"n\": 1234567}";   /* 14 bytes */
  g_autofree char *large = g_strdup_printf ("{\"blob\": \"%s\"}", "xxxxxxxxxxxxxxxxxxxx");
  g_autofree char *huge = NULL;
  g_autoptr(Reply) fits = NULL;
  g_autoptr(Reply) too_large = NULL;
  g_autoptr(Reply) chunked_reply = NULL;
  g_autoptr(SoupMessage) chunked = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now_seconds ());
  GString *text = g_string_new ("{\"blob\": \"");

  g_assert_cmpuint (wh_receiver_get_max_body_size (f->receiver), ==, 1024 * 1024);
  wh_receiver_set_max_body_size (f->receiver, 14);

  fits = post_signed (f, "msg_fits", exact);
  g_assert_cmpuint (fits->status, ==, SOUP_STATUS_OK);

  too_large = post_signed (f, "msg_large", large);
  g_assert_cmpuint (too_large->status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  g_assert_nonnull (reply_member (too_large, "detail"));

  /* Without a Content-Length the size is only known as the body comes. */
  wh_receiver_set_max_body_size (f->receiver, 64 * 1024);
  while (text->len < 256 * 1024)
    g_string_append (text, "0123456789abcdef");
  g_string_append (text, "\"}");
  huge = g_string_free (text, FALSE);
  signature = sign (SECRET, "msg_chunked", now_seconds (), huge);
  chunked = new_post (f, PATH, "");
  stream = g_memory_input_stream_new_from_data (huge, strlen (huge), NULL);
  soup_message_set_request_body (chunked, "application/json", stream, -1);
  set_webhook_headers (chunked, "msg_chunked", timestamp, signature);
  chunked_reply = send_message (f, chunked);
  g_assert_cmpuint (chunked_reply->status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_request_headers (chunked)),
                   ==, SOUP_ENCODING_CHUNKED);

  /* A sender that asks first is refused before it sends the body. */
  {
    g_autofree char *request =
      g_strdup_printf ("POST " PATH " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
                       "Expect: 100-continue\r\nwebhook-id: msg_expect\r\n"
                       "webhook-timestamp: %s\r\nwebhook-signature: %s\r\n\r\n",
                       strlen (huge), timestamp, signature);
    g_autofree char *answer = raw_exchange (f, request);

    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
  }

  g_assert_cmpuint (f->received->len, ==, 1);
}

static void
test_wrong_method (Fixture *f, gconstpointer data)
{
  const char *methods[] = { SOUP_METHOD_GET, SOUP_METHOD_PUT, SOUP_METHOD_DELETE,
                            "PATCH" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(GUri) uri = g_uri_parse_relative (f->base, PATH, G_URI_FLAGS_NONE, NULL);
      g_autoptr(SoupMessage) msg = soup_message_new_from_uri (methods[i], uri);
      g_autofree char *signature = sign (SECRET, "msg_m", now_seconds (), "");
      g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now_seconds ());
      g_autoptr(Reply) reply = NULL;

      set_webhook_headers (msg, "msg_m", timestamp, signature);
      reply = send_message (f, msg);
      g_assert_cmpuint (reply->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
      g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Allow"), ==, "POST");
    }

  g_assert_cmpuint (f->received->len, ==, 0);
}

static void
test_other_paths (Fixture *f, gconstpointer data)
{
  const char *body = "{}";
  g_autoptr(SoupMessage) below = new_post (f, PATH "/more", body);
  g_autoptr(SoupMessage) elsewhere = new_post (f, "/elsewhere", body);
  g_autofree char *signature = sign (SECRET, "msg_p", now_seconds (), body);
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now_seconds ());
  g_autoptr(Reply) below_reply = NULL;
  g_autoptr(Reply) elsewhere_reply = NULL;

  set_webhook_headers (below, "msg_p", timestamp, signature);
  set_webhook_headers (elsewhere, "msg_p", timestamp, signature);
  below_reply = send_message (f, below);
  elsewhere_reply = send_message (f, elsewhere);
  g_assert_cmpuint (below_reply->status, ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpuint (elsewhere_reply->status, ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpuint (f->received->len, ==, 0);
}

static void
test_invalid_json (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) broken = post_signed (f, "msg_json", "{\"amount\": ");
  g_autoptr(Reply) empty = post_signed (f, "msg_empty", "");
  g_autoptr(Reply) fixed = NULL;

  g_assert_cmpuint (broken->status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_nonnull (reply_member (broken, "detail"));
  g_assert_cmpuint (empty->status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpuint (f->received->len, ==, 0);

  /* The refused id was not remembered: the sender can send it again, fixed. */
  fixed = post_signed (f, "msg_json", "{\"amount\": 1}");
  g_assert_cmpuint (fixed->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 1);
}

static void
on_payment (WhReceiver *receiver,
            const char *webhook_id,
            const char *event,
            JsonNode   *payload,
            GObject    *model,
            gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_model (Fixture *f, gconstpointer data)
{
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) valid = NULL;
  g_autoptr(Reply) wrong_type = NULL;
  g_autoptr(Reply) missing = NULL;
  g_autoptr(Reply) fixed = NULL;
  JsonArray *problems;
  JsonObject *problem;
  JsonArray *loc;
  Received *received;
  TestPayment *payment;
  guint payments = 0;
  guint pings = 0;

  g_object_set (f->receiver, "application", app, "event", "new-payment", NULL);
  g_signal_connect (f->receiver, "received::new-payment", G_CALLBACK (on_payment), &payments);
  g_signal_connect (f->receiver, "received::ping", G_CALLBACK (on_payment), &pings);
  wh_receiver_attach (f->receiver, f->server, PATH, &error);
  g_assert_no_error (error);

  valid = post_signed (f, "msg_pay", PAYMENT);
  g_assert_cmpuint (valid->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 1);
  received = g_ptr_array_index (f->received, 0);
  g_assert_cmpstr (received->event, ==, "new-payment");
  g_assert_true (TEST_IS_PAYMENT (received->model));
  payment = TEST_PAYMENT (received->model);
  g_assert_true (payment->is_paid);
  g_assert_cmpfloat (payment->amount, ==, 10.5);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (received->payload),
                                                    "amount"), ==, 10.5);
  g_assert_cmpuint (payments, ==, 1);
  g_assert_cmpuint (pings, ==, 0);

  wrong_type = post_signed (f, "msg_bad", "{\"is_paid\": true, \"amount\": \"ten\"}");
  g_assert_cmpuint (wrong_type->status, ==, SOUP_STATUS_UNPROCESSABLE_ENTITY);
  problems = json_object_get_array_member (json_node_get_object (wrong_type->json), "detail");
  g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  problem = json_array_get_object_element (problems, 0);
  loc = json_object_get_array_member (problem, "loc");
  g_assert_cmpuint (json_array_get_length (loc), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (loc, 0), ==, "body");
  g_assert_cmpstr (json_array_get_string_element (loc, 1), ==, "amount");
  g_assert_nonnull (json_object_get_string_member (problem, "msg"));

  missing = post_signed (f, "msg_missing", "{\"amount\": 3}");
  g_assert_cmpuint (missing->status, ==, SOUP_STATUS_UNPROCESSABLE_ENTITY);
  problems = json_object_get_array_member (json_node_get_object (missing->json), "detail");
  problem = json_array_get_object_element (problems, 0);
  loc = json_object_get_array_member (problem, "loc");
  g_assert_cmpstr (json_array_get_string_element (loc, 1), ==, "is_paid");

  g_assert_cmpuint (f->received->len, ==, 1);
  g_assert_cmpuint (payments, ==, 1);

  /* Refused bodies can be sent again once fixed. */
  fixed = post_signed (f, "msg_bad", "{\"is_paid\": false, \"amount\": 10}");
  g_assert_cmpuint (fixed->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 2);
  received = g_ptr_array_index (f->received, 1);
  g_assert_false (TEST_PAYMENT (received->model)->is_paid);
  g_assert_cmpfloat (TEST_PAYMENT (received->model)->amount, ==, 10);
}

static void
test_event_without_model (Fixture *f, gconstpointer data)
{
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = NULL;
  Received *received;

  /* "ping" is declared without a body type: its body is any JSON. */
  wh_receiver_set_application (f->receiver, app);
  wh_receiver_set_event (f->receiver, "ping");
  wh_receiver_attach (f->receiver, f->server, PATH, &error);
  g_assert_no_error (error);

  reply = post_signed (f, "msg_ping", "[1, 2, 3]");
  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
  received = g_ptr_array_index (f->received, 0);
  g_assert_cmpstr (received->event, ==, "ping");
  g_assert_null (received->model);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (received->payload));
}

static void
test_rotation (Fixture *f, gconstpointer data)
{
  const char *secrets[] = { OTHER_SECRET, SECRET, NULL };
  const char *bad[] = { OTHER_SECRET, "not base64!", NULL };
  const char *none[] = { NULL };
  const char * const *got;
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) old = NULL;
  g_autoptr(Reply) current = NULL;
  g_autoptr(Reply) both = NULL;
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(SoupMessage) msg = new_post (f, PATH, "{}");
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  g_autofree char *header = NULL;
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now_seconds ());
  const char *sender_secrets[] = { THIRD_SECRET, SECRET, NULL };

  g_assert_true (wh_receiver_set_secrets (f->receiver, secrets, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wh_receiver_get_secret (f->receiver), ==, OTHER_SECRET);
  got = wh_receiver_get_secrets (f->receiver);
  g_assert_cmpuint (g_strv_length ((char **) got), ==, 2);

  old = post_signed_at (f, SECRET, "msg_old", now_seconds (), "{}");
  current = post_signed_at (f, OTHER_SECRET, "msg_new", now_seconds (), "{}");
  unknown = post_signed_at (f, THIRD_SECRET, "msg_unknown", now_seconds (), "{}");
  g_assert_cmpuint (old->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (current->status, ==, SOUP_STATUS_OK);
  assert_refused_as (unknown, "signature_mismatch");

  /* A sender that rotates too: one of its entries matches one of ours. */
  header = wh_signature_sign_with_secrets (sender_secrets, "msg_both", now_seconds (), body, &error);
  g_assert_no_error (error);
  set_webhook_headers (msg, "msg_both", timestamp, header);
  both = send_message (f, msg);
  g_assert_cmpuint (both->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 3);

  /* Bad secrets are refused and the previous ones kept. */
  g_assert_false (wh_receiver_set_secrets (f->receiver, bad, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
  g_clear_error (&error);
  g_assert_false (wh_receiver_set_secrets (f->receiver, none, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
  g_clear_error (&error);
  g_assert_cmpstr (wh_receiver_get_secret (f->receiver), ==, OTHER_SECRET);

  /* The "secret" property replaces them all. */
  g_object_set (f->receiver, "secret", SECRET, NULL);
  got = wh_receiver_get_secrets (f->receiver);
  g_assert_cmpuint (g_strv_length ((char **) got), ==, 1);
  g_clear_pointer (&current, reply_free);
  current = post_signed_at (f, OTHER_SECRET, "msg_new2", now_seconds (), "{}");
  assert_refused_as (current, "signature_mismatch");
}

/* Paths shared with applications and other receivers: libsoup would let one handler
 * replace the other without a word, so the second to come is refused. */

static Reply *
get (Fixture *f, const char *path)
{
  g_autoptr(GUri) uri = g_uri_parse_relative (f->base, path, G_URI_FLAGS_NONE, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);

  return send_message (f, msg);
}

static void
add_plain_route (WhApplication *app, const char *method, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhHandler) handler = g_object_new (WH_TYPE_HANDLER, "path", path,
                                               "methods", (const char * const[]) { method, NULL },
                                               NULL);
  g_autoptr(WhGateway) gateway = wh_gateway_new (handler);

  wh_application_add_route (app, gateway, &error);
  g_assert_no_error (error);
}

static void
assert_message_has (const GError *error, const char * const *parts)
{
  for (guint i = 0; parts[i] != NULL; i++)
    if (strstr (error->message, parts[i]) == NULL)
      g_error ("“%s” is not in the message: %s", parts[i], error->message);
}

static void
test_paths_openapi (Fixture *f, gconstpointer data)
{
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) document = NULL;

  wh_application_attach (app, f->server, &error);
  g_assert_no_error (error);

  g_assert_false (wh_receiver_attach (f->receiver, f->server, "/openapi.json", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "“Payments”", "openapi-url",
                                                      "“/openapi.json”", "another path", NULL });
  g_clear_error (&error);

  g_assert_false (wh_receiver_attach (f->receiver, f->server, "/docs/swagger", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "swagger-url", NULL });
  g_clear_error (&error);

  /* Nothing was mounted: the application still serves its document. */
  document = get (f, "/openapi.json");
  g_assert_cmpuint (document->status, ==, SOUP_STATUS_OK);
  g_assert_nonnull (reply_member (document, "openapi"));
}

static void
test_paths_docs_assets (Fixture *f, gconstpointer data)
{
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wh-receiver-assets-XXXXXX", &error);

  g_assert_no_error (error);
  g_object_set (app, "docs-assets-dir", dir, NULL);
  wh_application_attach (app, f->server, &error);
  g_assert_no_error (error);

  /* The assets handler answers every path below its own. */
  g_assert_false (wh_receiver_attach (f->receiver, f->server, WH_DOCS_ASSETS_PATH "/hooks",
                                      &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "docs assets", "another path", NULL });
  g_clear_error (&error);

  g_rmdir (dir);
}

static void
test_paths_route (Fixture *f, gconstpointer data)
{
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = NULL;

  add_plain_route (app, "GET", "/users/{user_id}");
  wh_application_attach (app, f->server, &error);
  g_assert_no_error (error);

  /* The template answers this very path. */
  g_assert_false (wh_receiver_attach (f->receiver, f->server, "/users/42", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "“Payments”", "/users/{user_id}",
                                                      "“/users/42”", "another path", NULL });
  g_clear_error (&error);

  /* libsoup would give the receiver every path below its own: all of the route's. */
  g_assert_false (wh_receiver_attach (f->receiver, f->server, "/users", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "/users/{user_id}", NULL });
  g_clear_error (&error);

  /* The router still answers there: a POST is not a receiver's to verify, it is a method
   * the route does not have. */
  reply = post_signed_to (f, "/users/42", SECRET, "msg_route", now_seconds (), "{}");
  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Allow"), ==, "GET, HEAD");

  /* A path next to the routes is fine. */
  wh_receiver_attach (f->receiver, f->server, "/hooks/users", &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, reply_free);
  reply = post_signed_to (f, "/hooks/users", SECRET, "msg_next", now_seconds (), "{}");
  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 1);
}

static void
test_paths_application_after (Fixture *f, gconstpointer data)
{
  g_autoptr(WhApplication) exact = payments_app ();
  g_autoptr(WhApplication) below = wh_application_new ("Hooks", "1.0.0");
  g_autoptr(WhApplication) document = wh_application_new ("Documents", "1.0.0");
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) openapi = NULL;

  /* A route on the receiver's path, one that would take it, and a document there. */
  add_plain_route (exact, "POST", PATH);
  g_assert_false (wh_application_attach (exact, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "route " PATH, "“Payments”", "a receiver",
                                                      "“" PATH "”", "another", NULL });
  g_clear_error (&error);

  add_plain_route (below, "GET", "/hooks/{kind}");
  g_assert_false (wh_application_attach (below, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "/hooks/{kind}", "“Hooks”", NULL });
  g_clear_error (&error);

  g_object_set (document, "openapi-url", PATH, NULL);
  g_assert_false (wh_application_attach (document, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "“" PATH "”", "a receiver", "“Documents”",
                                                      "openapi-url", NULL });
  g_clear_error (&error);

  /* None of them was attached, and the receiver still receives. */
  openapi = get (f, "/openapi.json");
  g_assert_cmpuint (openapi->status, ==, SOUP_STATUS_NOT_FOUND);
  reply = post_signed (f, "msg_kept", PAYMENT);
  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 1);
  g_assert_cmpstr (((Received *) g_ptr_array_index (f->received, 0))->webhook_id, ==, "msg_kept");

  /* An application attached once refused is refused for good reason only: without the
   * route, it attaches. */
  g_clear_object (&exact);
  exact = payments_app ();
  wh_application_attach (exact, f->server, &error);
  g_assert_no_error (error);
}

static void
test_paths_two_receivers (Fixture *f, gconstpointer data)
{
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(WhReceiver) second = wh_receiver_new (OTHER_SECRET, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = NULL;

  g_object_set (f->receiver, "application", app, "event", "new-payment", NULL);
  wh_receiver_attach (f->receiver, f->server, PATH, &error);
  g_assert_no_error (error);

  g_assert_false (wh_receiver_attach (second, f->server, PATH, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "“" PATH "”",
                                                      "the receiver of “new-payment”",
                                                      "another path", NULL });
  g_clear_error (&error);

  g_assert_false (wh_receiver_attach (f->receiver, f->server, PATH, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  assert_message_has (error, (const char * const[]) { "already attached", NULL });
  g_clear_error (&error);

  /* The first one keeps the path. */
  reply = post_signed (f, "msg_first", PAYMENT);
  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 1);
}

static void
test_paths_different (Fixture *f, gconstpointer data)
{
  g_autoptr(WhReceiver) second = wh_receiver_new (OTHER_SECRET, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) first_reply = NULL;
  g_autoptr(Reply) second_reply = NULL;
  g_autoptr(Reply) below_reply = NULL;
  guint second_count = 0;

  g_signal_connect (second, "received", G_CALLBACK (on_payment), &second_count);
  wh_receiver_attach (second, f->server, "/hooks/refunds", &error);
  g_assert_no_error (error);
  /* Below another receiver's path is another path: libsoup prefers the longer one. */
  wh_receiver_attach (second, f->server, PATH "/late", &error);
  g_assert_no_error (error);

  first_reply = post_signed (f, "msg_a", "{}");
  second_reply = post_signed_to (f, "/hooks/refunds", OTHER_SECRET, "msg_b", now_seconds (), "{}");
  below_reply = post_signed_to (f, PATH "/late", OTHER_SECRET, "msg_c", now_seconds (), "{}");
  g_assert_cmpuint (first_reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (second_reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (below_reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (f->received->len, ==, 1);
  g_assert_cmpuint (second_count, ==, 2);
}

static void
test_paths_removed (Fixture *f, gconstpointer data)
{
  g_autoptr(WhReceiver) second = wh_receiver_new (OTHER_SECRET, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) reply = NULL;
  guint second_count = 0;

  /* Removing the handler frees the path. */
  soup_server_remove_handler (f->server, PATH);
  g_signal_connect (second, "received", G_CALLBACK (on_payment), &second_count);
  wh_receiver_attach (second, f->server, PATH, &error);
  g_assert_no_error (error);

  reply = post_signed_to (f, PATH, OTHER_SECRET, "msg_second", now_seconds (), "{}");
  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (second_count, ==, 1);
  g_assert_cmpuint (f->received->len, ==, 0);
}

static void
test_mistakes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhReceiver) receiver = NULL;
  g_autoptr(WhReceiver) bad = wh_receiver_new ("whsec_not base64!", &error);
  g_autoptr(WhReceiver) empty = g_object_new (WH_TYPE_RECEIVER, NULL);
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);

  g_assert_null (bad);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
  g_clear_error (&error);

  /* Without the prefix is fine. */
  receiver = wh_receiver_new (SECRET + strlen ("whsec_"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (receiver);

  g_assert_false (wh_receiver_attach (receiver, server, "hooks", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_NAME);
  g_clear_error (&error);

  wh_receiver_set_application (receiver, app);
  wh_receiver_set_event (receiver, "new-refund");
  g_assert_false (wh_receiver_attach (receiver, server, "/hooks", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_NAME);
  g_assert_nonnull (strstr (error->message, "new-refund"));
  g_clear_error (&error);

  g_assert_false (wh_receiver_attach (empty, server, "/hooks", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
  g_clear_error (&error);
}

/* g_test_expect_message() does not see structured log messages in GLib 2.74: the
 * subprocess that expects the warning prints it with its own writer instead. */
static GLogWriterOutput
print_warnings (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (log_level & G_LOG_LEVEL_WARNING)
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE"))
          g_printerr ("warning: %s\n", (const char *) fields[i].value);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
test_secret_property (void)
{
  g_autoptr(WhReceiver) receiver = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("*warning: *not base64*previous secrets are kept*");
      return;
    }

  /* A property cannot return an error: it warns and keeps the secret it had. */
  g_log_set_writer_func (print_warnings, NULL, NULL);
  receiver = wh_receiver_new (SECRET, NULL);
  g_object_set (receiver, "secret", "???", NULL);
  g_assert_cmpstr (wh_receiver_get_secret (receiver), ==, SECRET);
}

static void
test_properties (void)
{
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(WhReceiver) receiver = g_object_new (WH_TYPE_RECEIVER,
                                                 "secret", SECRET,
                                                 "tolerance", 60,
                                                 "max-body-size", 4096,
                                                 "dedup-capacity", 7,
                                                 "application", app,
                                                 "event", "new-payment",
                                                 NULL);
  g_autofree char *secret = NULL;
  g_auto(GStrv) secrets = NULL;
  guint tolerance, max_body_size, capacity;
  g_autoptr(WhApplication) got_app = NULL;
  g_autofree char *event = NULL;

  g_object_get (receiver,
                "secret", &secret, "secrets", &secrets, "tolerance", &tolerance,
                "max-body-size", &max_body_size, "dedup-capacity", &capacity,
                "application", &got_app, "event", &event, NULL);
  g_assert_cmpstr (secret, ==, SECRET);
  g_assert_cmpuint (g_strv_length (secrets), ==, 1);
  g_assert_cmpuint (tolerance, ==, 60);
  g_assert_cmpuint (max_body_size, ==, 4096);
  g_assert_cmpuint (capacity, ==, 7);
  g_assert_true (got_app == app);
  g_assert_cmpstr (event, ==, "new-payment");
}

/* npm's standardwebhooks, the specification's reference library, signs; we receive. */

static void
on_node_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
}

static void
test_standardwebhooks_interop (Fixture *f, gconstpointer data)
{
  const char *node = g_getenv ("WH_TEST_NODE");
  const char *script = g_getenv ("WH_TEST_INTEROP_SCRIPT");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%d", g_uri_get_port (f->base));
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%d%s", g_uri_get_port (f->base), PATH);
  g_autoptr(WhApplication) app = payments_app ();
  gboolean done = FALSE;
  Received *received;

  if (node == NULL || script == NULL)
    {
      g_test_skip ("node is not installed");
      return;
    }

  wh_receiver_set_application (f->receiver, app);
  wh_receiver_set_event (f->receiver, "new-payment");
  wh_receiver_attach (f->receiver, f->server, PATH, &error);
  g_assert_no_error (error);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                              node, script, url, SECRET, PAYMENT, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, on_node_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  if (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 77)
    {
      g_test_skip ("npm package standardwebhooks not found in NODE_PATH; run tools/setup.sh");
      return;
    }
  g_assert_true (g_subprocess_get_successful (process));

  /* The script sends one webhook twice and a tampered copy: one signal. */
  g_assert_cmpuint (f->received->len, ==, 1);
  received = g_ptr_array_index (f->received, 0);
  g_assert_cmpstr (received->webhook_id, ==, "msg_standardwebhooks");
  g_assert_true (TEST_IS_PAYMENT (received->model));
  g_assert_cmpfloat (TEST_PAYMENT (received->model)->amount, ==, 10.5);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn, setup) \
  g_test_add ("/receiver/" name, Fixture, NULL, setup, fn, fixture_tear_down)

  ADD ("accepts-signed", test_accepts_signed, fixture_set_up_attached);
  ADD ("refuses/missing-headers", test_refuses_missing_headers, fixture_set_up_attached);
  ADD ("refuses/malformed", test_refuses_malformed, fixture_set_up_attached);
  ADD ("refuses/mismatch", test_refuses_mismatch, fixture_set_up_attached);
  ADD ("tolerance", test_tolerance, fixture_set_up_attached);
  ADD ("duplicates", test_duplicates, fixture_set_up_attached);
  ADD ("dedup/bounded", test_dedup_bounded, fixture_set_up_attached);
  ADD ("dedup/many", test_dedup_many, fixture_set_up_attached);
  ADD ("body-limit", test_body_limit, fixture_set_up_attached);
  ADD ("wrong-method", test_wrong_method, fixture_set_up_attached);
  ADD ("other-paths", test_other_paths, fixture_set_up_attached);
  ADD ("invalid-json", test_invalid_json, fixture_set_up_attached);
  ADD ("model", test_model, fixture_set_up);
  ADD ("event-without-model", test_event_without_model, fixture_set_up);
  ADD ("rotation", test_rotation, fixture_set_up_attached);
  ADD ("standardwebhooks-interop", test_standardwebhooks_interop, fixture_set_up);
  ADD ("paths/openapi", test_paths_openapi, fixture_set_up);
  ADD ("paths/docs-assets", test_paths_docs_assets, fixture_set_up);
  ADD ("paths/route", test_paths_route, fixture_set_up);
  ADD ("paths/application-after", test_paths_application_after, fixture_set_up_attached);
  ADD ("paths/two-receivers", test_paths_two_receivers, fixture_set_up);
  ADD ("paths/different", test_paths_different, fixture_set_up_attached);
  ADD ("paths/removed", test_paths_removed, fixture_set_up_attached);
  g_test_add_func ("/receiver/mistakes", test_mistakes);
  g_test_add_func ("/receiver/properties", test_properties);
  g_test_add_func ("/receiver/secret-property", test_secret_property);

#undef ADD

  return g_test_run ();
}
