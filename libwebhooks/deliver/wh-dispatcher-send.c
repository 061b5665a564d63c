/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The attempts of WhDispatcher over libsoup: handing libsoup the deliveries that are
 * ready as far as there are connections for them, the request, the egress guard's check
 * of each connection, reading the answer, the deadlines, and the Finished record that
 * wh-dispatcher-schedule.c stores. */

#include "config.h"

#include <string.h>

#include "wh-dispatcher-private.h"

/* What an attempt record keeps of the answer. */
#define KEPT_BODY_BYTES 1024
#define READ_CHUNK 8192

/* Retries */

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
  g_clear_pointer (&send->origin, g_ref_string_release);
  g_free (send);
}

static guint
sending_to (WhDispatcher *self,
            const char   *origin)
{
  guint *count = origin != NULL ? g_hash_table_lookup (self->sending_to, origin) : NULL;

  return count != NULL ? *count : 0;
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
      guint *count = g_hash_table_lookup (self->sending_to, prepared->origin);

      /* Counted in place: nothing is allocated while an origin stays busy. */
      if (count == NULL)
        {
          count = g_new0 (guint, 1);
          g_hash_table_insert (self->sending_to, g_ref_string_acquire (prepared->origin), count);
        }
      (*count)++;
      send->origin = g_ref_string_acquire (prepared->origin);
    }

  return send;
}

/* @send is no longer in flight. */
static void
send_done (WhDispatcher *self,
           Send         *send)
{
  guint *count = send->origin != NULL ? g_hash_table_lookup (self->sending_to, send->origin)
                                       : NULL;

  g_hash_table_steal (self->in_flight, send);
  if (count != NULL && --(*count) == 0)
    g_hash_table_remove (self->sending_to, send->origin);
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

  if (status == 0 && error != NULL && error->domain == G_TLS_ERROR)
    return g_strdup_printf ("The TLS connection to the endpoint failed before anything was "
                            "sent: %s; if the endpoint's certificate comes from a private "
                            "authority, trust it with WhDispatcher:tls-database",
                            error->message);

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

static gboolean
on_flush (gpointer user_data)
{
  WhDispatcher *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  /* Records them, and fills the room they left. */
  wh_dispatcher_claim_due (self);

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
    wh_dispatcher_flush_finished (self);
  if (self->flush_source == NULL)
    {
      /* Once the answers that are ready have been read, and before the next claim. */
      self->flush_source = g_idle_source_new ();
      g_source_set_priority (self->flush_source, wh_dispatcher_get_soon_priority (self) - 1);
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

/* Deadlines */

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
          wh_dispatcher_prepared_free (prepared);
          send_finish (send, NULL);
          /* As in wh_dispatcher_fill(): stopping empties the queue. */
          if (!self->running)
            return;
        }
      else
        *next = MIN (*next, deadline);

      link = following;
    }
}

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
    wh_dispatcher_arm_deadline (self, next);

  return G_SOURCE_REMOVE;
}

void
wh_dispatcher_arm_deadline (WhDispatcher *self,
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

/* Starting */

static void
start_send (WhDispatcher *self,
            Prepared     *prepared)
{
  Send *send = send_new (self, prepared);
  WhDelivery *delivery = prepared->delivery;
  WhEndpoint *endpoint = prepared->endpoint;
  const RequestKind *kind = wh_dispatcher_lookup_request_kind (self,
                                                               wh_delivery_get_event (delivery));
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

  wh_dispatcher_arm_deadline (self, send->deadline_at);

  soup_session_send_async (self->session, send->msg, G_PRIORITY_DEFAULT,
                           send->cancellable, on_sent, send);
}

/* Hands libsoup what is ready, as far as it has connections for. What it got beyond
 * that, it would keep in its queue, and go through the whole queue and ask each
 * connection whether it is still open every time a connection is free: a cost in
 * each request that grows with the number waiting. Waiting here costs nothing. */
void
wh_dispatcher_fill (WhDispatcher *self)
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
          wh_dispatcher_prepared_free (prepared);
          /* A signal handler run from a failed send may have stopped the dispatcher,
           * which emptied the queue. */
          if (!self->running)
            return;
        }

      link = next;
    }
}
