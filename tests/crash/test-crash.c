/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Issue 5's crash test: the sending process is killed with SIGKILL several times while
 * 5,000 deliveries are in flight, and after restarts every delivery arrived at least
 * once, with duplicates only from the deliveries that were in flight at a kill.
 *
 * This process is the receiver: a loopback SoupServer that verifies each request's
 * signature, records its webhook-id and answers 200 after a few milliseconds, so that
 * there are always requests in flight. It publishes the messages into a store file,
 * then runs the sender (crash-sender.c, a separate program on the same file) and kills
 * it at random moments, starting a new one each time. After each kill, with no sender
 * alive, it reads from the store which deliveries the dead sender had leased and not
 * finished: those, and only those, may arrive twice. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <webhooks.h>

#define N_MESSAGES 5000
#define N_KILLS 4
#define CONCURRENCY 32
#define DEADLINE_S 120
/* Each sender is killed after it made a random number of requests in this range (and a
 * few random milliseconds more), well before all messages are sent. */
#define KILL_AFTER_MIN 100
#define KILL_AFTER_MAX 700
#define KILL_DELAY_MAX_MS 10
#define ANSWER_DELAY_MAX_MS 4
/* A leased delivery's next attempt time is the lease's end, at least five seconds away
 * (crash-sender.c); a delivery waiting for a retry (50 ms) is not a lease. */
#define LEASE_AT_LEAST_US (1 * G_USEC_PER_SEC)

typedef struct
{
  char *body;           /* what was published */
  guint received;       /* requests with this webhook-id */
  guint dead_claims;    /* leases of killed senders that did not finish */
} Message;

typedef struct
{
  GMainLoop *loop;
  char *dir;
  char *store_path;
  const char *sender_path;
  WhStore *store;
  SoupServer *server;
  char *secret;

  GHashTable *messages;       /* id -> Message */
  guint n_arrived;            /* messages received at least once */
  guint n_requests;
  guint n_unverified;         /* bad signature or unexpected body */
  guint n_unknown;            /* a webhook-id that was never published */
  guint n_paused;             /* requests not answered yet */

  GSubprocess *sender;
  guint n_senders;
  guint requests_since_start;
  guint kill_after;
  guint kill_source;
  guint kills;
  GArray *in_flight_at_kill;  /* of guint, one per kill */
  GHashTable *dead_claims;    /* "id lease-end" */
  char *sender_failure;       /* a sender that died by itself, or was not killed cleanly */

  guint progress_source;
  guint deadline_source;

  gboolean timed_out;
} Crash;

static void
message_free (gpointer data)
{
  Message *message = data;

  g_free (message->body);
  g_free (message);
}

static WhApplication *
make_application (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = wh_application_new ("Crash test", "1.0.0");
  g_autoptr(WhWebhookHandler) webhook = wh_whpost ("ping");
  g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new (webhook);

  wh_application_add_webhook (app, gateway, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&app);
}

/* The receiver */

static gboolean
answer_later (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  Crash *crash = g_object_get_data (G_OBJECT (msg), "crash");

  crash->n_paused--;
  /* Harmless if the sender died meanwhile: libsoup then fails to write and drops it. */
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

static gboolean kill_sender (gpointer user_data);

static void
handle_hook (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Crash *crash = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *webhook_id = soup_message_headers_get_one (headers, "webhook-id");
  const char *timestamp = soup_message_headers_get_one (headers, "webhook-timestamp");
  const char *signature = soup_message_headers_get_one (headers, "webhook-signature");
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GError) error = NULL;
  Message *message;

  crash->n_requests++;

  if (webhook_id == NULL || timestamp == NULL || signature == NULL ||
      !wh_signature_verify (crash->secret, webhook_id, timestamp, signature, body, &error))
    {
      if (crash->n_unverified++ == 0)
        g_test_message ("A request failed verification: %s",
                        error != NULL ? error->message : "missing webhook-* headers");
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      return;
    }

  message = g_hash_table_lookup (crash->messages, webhook_id);
  if (message == NULL)
    {
      crash->n_unknown++;
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }

  if (g_bytes_get_size (body) != strlen (message->body) ||
      memcmp (g_bytes_get_data (body, NULL), message->body, strlen (message->body)) != 0)
    crash->n_unverified++;

  if (message->received++ == 0)
    crash->n_arrived++;

  if (crash->sender != NULL && crash->kills < N_KILLS && crash->kill_source == 0 &&
      ++crash->requests_since_start >= crash->kill_after)
    crash->kill_source = g_timeout_add (g_test_rand_int_range (1, KILL_DELAY_MAX_MS + 1),
                                        kill_sender, crash);

  /* Answered a little later, so that the sender always has requests in flight. Not with
   * 204: SoupServer 3.2 closes the connection after a 204, and the sender then gets
   * only tens of answers a second from it. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
  soup_server_message_pause (msg);
  g_object_set_data (G_OBJECT (msg), "crash", crash);
  crash->n_paused++;
  g_timeout_add_full (G_PRIORITY_DEFAULT, g_test_rand_int_range (1, ANSWER_DELAY_MAX_MS + 1),
                      answer_later, g_object_ref (msg), g_object_unref);
}

/* The sender */

static void
spawn_sender (Crash *crash)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *concurrency = g_strdup_printf ("%u", CONCURRENCY);

  /* Its stdin is a pipe from here, so that it exits if this process dies. */
  crash->sender = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                    G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                                    &error,
                                    crash->sender_path, crash->store_path, concurrency,
                                    NULL);
  g_assert_no_error (error);
  crash->n_senders++;
  crash->requests_since_start = 0;
  crash->kill_after = g_test_rand_int_range (KILL_AFTER_MIN, KILL_AFTER_MAX + 1);
}

/* With no sender alive, the pending deliveries whose next attempt is a lease's end were
 * in flight in a killed sender. Each lease is told apart by its end, so a lease seen at
 * an earlier kill is not counted again. */
static guint
note_dead_claims (Crash *crash)
{
  GHashTableIter iter;
  gpointer key, value;
  gint64 now = g_get_real_time ();
  guint in_flight = 0;

  g_hash_table_iter_init (&iter, crash->messages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *id = key;
      Message *message = value;
      g_autoptr(GPtrArray) deliveries = NULL;
      g_autoptr(GError) error = NULL;

      deliveries = wh_store_list_deliveries (crash->store, id, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < deliveries->len; i++)
        {
          WhDelivery *delivery = g_ptr_array_index (deliveries, i);
          gint64 next = wh_delivery_get_next_attempt_at (delivery);

          if (wh_delivery_get_state (delivery) != WH_DELIVERY_STATE_PENDING ||
              next < now + LEASE_AT_LEAST_US)
            continue;

          if (g_hash_table_add (crash->dead_claims,
                                g_strdup_printf ("%s %" G_GINT64_FORMAT, id, next)))
            {
              message->dead_claims++;
              in_flight++;
            }
        }
    }

  return in_flight;
}

static gboolean
kill_sender (gpointer user_data)
{
  Crash *crash = user_data;
  g_autoptr(GError) error = NULL;
  guint in_flight;

  /* Only while the receiver holds back an answer: then at least that delivery is in
   * flight, whatever the machine's load does to the sender's pace. */
  if (crash->n_paused == 0)
    return G_SOURCE_CONTINUE;

  crash->kill_source = 0;

  g_subprocess_force_exit (crash->sender);
  g_subprocess_wait (crash->sender, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_signaled (crash->sender) ||
      g_subprocess_get_term_sig (crash->sender) != SIGKILL)
    {
      crash->sender_failure = g_strdup_printf ("sender %u ended by itself before it was killed",
                                               crash->n_senders);
      g_main_loop_quit (crash->loop);
      return G_SOURCE_REMOVE;
    }
  g_clear_object (&crash->sender);
  crash->kills++;

  in_flight = note_dead_claims (crash);
  g_array_append_val (crash->in_flight_at_kill, in_flight);
  g_test_message ("Kill %u: the sender had made %u requests; %u deliveries were in flight, "
                  "%u of %u messages had arrived",
                  crash->kills, crash->requests_since_start, in_flight, crash->n_arrived,
                  N_MESSAGES);

  spawn_sender (crash);

  return G_SOURCE_REMOVE;
}

static gboolean
check_progress (gpointer user_data)
{
  Crash *crash = user_data;
  g_autoptr(GError) error = NULL;
  guint64 pending = 0, succeeded = 0, failed = 0;

  /* A GSubprocess loses its identifier once the process has ended and was reaped. */
  if (crash->sender != NULL && crash->kill_source == 0 &&
      g_subprocess_get_identifier (crash->sender) == NULL)
    {
      crash->sender_failure =
        g_strdup_printf ("sender %u ended by itself (exit status %d); see its messages above",
                         crash->n_senders, g_subprocess_get_status (crash->sender));
      crash->progress_source = 0;
      g_main_loop_quit (crash->loop);
      return G_SOURCE_REMOVE;
    }

  if (crash->n_arrived < N_MESSAGES || crash->kills < N_KILLS)
    return G_SOURCE_CONTINUE;

  /* Everything arrived; done once the sender recorded the last answers. */
  if (!wh_store_count_deliveries (crash->store, &pending, &succeeded, &failed, &error))
    {
      g_test_message ("Could not count the deliveries yet: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  if (pending > 0)
    return G_SOURCE_CONTINUE;

  crash->progress_source = 0;
  g_main_loop_quit (crash->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_deadline (gpointer user_data)
{
  Crash *crash = user_data;

  crash->timed_out = TRUE;
  crash->deadline_source = 0;
  g_main_loop_quit (crash->loop);

  return G_SOURCE_REMOVE;
}

/* Set-up and clean-up */

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }

  g_rmdir (dir);
}

static const char *
find_sender (const char *argv0)
{
  static char *path;

  if (path == NULL)
    {
      const char *env = g_getenv ("WH_CRASH_SENDER");
      g_autofree char *dir = g_path_get_dirname (argv0);

      path = env != NULL ? g_strdup (env) : g_build_filename (dir, "crash-sender", NULL);
    }

  return path;
}

static const char *argv0;

static void
publish_messages (Crash *crash)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = make_application ();
  g_autoptr(WhDispatcher) dispatcher = wh_dispatcher_new (app, crash->store);
  g_autoptr(WhEndpoint) endpoint = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;

  uris = soup_server_get_uris (crash->server);
  url = g_strdup_printf ("http://127.0.0.1:%u/hooks", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  endpoint = wh_endpoint_new (url, &error);
  g_assert_no_error (error);
  crash->secret = g_strdup (wh_endpoint_get_secret (endpoint));
  wh_dispatcher_add_endpoint (dispatcher, endpoint, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"n\":%u,\"text\":\"message %u of %u\"}",
                                               i, i + 1, N_MESSAGES);
      g_autoptr(JsonNode) payload = json_from_string (text, &error);
      Message *message = g_new0 (Message, 1);
      char *id;

      g_assert_no_error (error);
      id = wh_dispatcher_publish_json (dispatcher, "ping", payload, &error);
      g_assert_no_error (error);
      message->body = json_to_string (payload, FALSE);
      g_hash_table_insert (crash->messages, id, message);
    }
}

static void
test_sigkill_while_in_flight (void)
{
  Crash crash = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) duplicated = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;
  guint64 pending = 0, succeeded = 0, failed = 0;
  guint duplicates = 0, unexplained = 0, in_flight_total = 0, failed_attempts = 0;

  crash.sender_path = find_sender (argv0);
  if (!g_file_test (crash.sender_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip_printf ("The sender program %s was not built", crash.sender_path);
      return;
    }

  crash.loop = g_main_loop_new (NULL, FALSE);
  crash.messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, message_free);
  crash.dead_claims = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  crash.in_flight_at_kill = g_array_new (FALSE, FALSE, sizeof (guint));
  crash.dir = g_dir_make_tmp ("wh-crash-XXXXXX", &error);
  g_assert_no_error (error);
  crash.store_path = g_build_filename (crash.dir, "deliveries.db", NULL);
  crash.store = wh_sqlite_store_new (crash.store_path, &error);
  g_assert_no_error (error);

  crash.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (crash.server, "/hooks", handle_hook, &crash, NULL);
  soup_server_listen_local (crash.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  publish_messages (&crash);
  g_assert_cmpuint (g_hash_table_size (crash.messages), ==, N_MESSAGES);

  crash.deadline_source = g_timeout_add_seconds (DEADLINE_S, on_deadline, &crash);
  crash.progress_source = g_timeout_add (20, check_progress, &crash);
  spawn_sender (&crash);
  g_main_loop_run (crash.loop);

  /* The last sender goes the way of the others; then the receiver finishes its answers. */
  g_clear_handle_id (&crash.kill_source, g_source_remove);
  if (crash.sender != NULL)
    {
      g_subprocess_force_exit (crash.sender);
      g_subprocess_wait (crash.sender, NULL, NULL);
      g_clear_object (&crash.sender);
    }
  g_clear_handle_id (&crash.deadline_source, g_source_remove);
  g_clear_handle_id (&crash.progress_source, g_source_remove);
  while (crash.n_paused > 0)
    g_main_context_iteration (NULL, TRUE);

  /* From here on a failed check still lets the temporary files be removed. */
  g_test_set_nonfatal_assertions ();

  if (crash.timed_out)
    g_test_fail_printf ("After %d s, %u of %u messages had arrived and the sender had been "
                        "killed %u of %d times",
                        DEADLINE_S, crash.n_arrived, N_MESSAGES, crash.kills, N_KILLS);
  if (crash.sender_failure != NULL)
    g_test_fail_printf ("%s", crash.sender_failure);

  /* Killed while deliveries were in flight, each time. */
  g_assert_cmpuint (crash.kills, ==, N_KILLS);
  for (guint i = 0; i < crash.in_flight_at_kill->len; i++)
    {
      guint in_flight = g_array_index (crash.in_flight_at_kill, guint, i);

      g_assert_cmpuint (in_flight, >, 0);
      in_flight_total += in_flight;
    }

  /* Every message arrived, authentic and as published. */
  g_assert_cmpuint (crash.n_arrived, ==, N_MESSAGES);
  g_assert_cmpuint (crash.n_unverified, ==, 0);
  g_assert_cmpuint (crash.n_unknown, ==, 0);

  /* The store knows that every delivery succeeded. */
  wh_store_count_deliveries (crash.store, &pending, &succeeded, &failed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (succeeded, ==, N_MESSAGES);
  g_assert_cmpuint (failed, ==, 0);

  /* A message arrived more than once only if it was in flight at a kill (or, which a
   * healthy run does not have, its attempt failed and was retried), and no more often
   * than that. */
  g_hash_table_iter_init (&iter, crash.messages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Message *message = value;
      guint retries = 0;
      g_autoptr(GPtrArray) deliveries = NULL;

      if (message->received <= 1)
        continue;

      duplicates += message->received - 1;
      deliveries = wh_store_list_deliveries (crash.store, key, &error);
      g_assert_no_error (error);
      for (guint i = 0; deliveries != NULL && i < deliveries->len; i++)
        {
          g_autoptr(GPtrArray) attempts =
            wh_store_list_attempts (crash.store,
                                    wh_delivery_get_id (g_ptr_array_index (deliveries, i)),
                                    &error);

          g_assert_no_error (error);
          for (guint j = 0; attempts != NULL && j < attempts->len; j++)
            if (!wh_attempt_get_succeeded (g_ptr_array_index (attempts, j)))
              retries++;
        }
      failed_attempts += retries;

      if (message->received - 1 > message->dead_claims + retries)
        {
          if (unexplained++ < 10)
            g_string_append_printf (duplicated, " %s (%u times, in flight at %u kills, "
                                    "%u failed attempts)",
                                    (const char *) key, message->received,
                                    message->dead_claims, retries);
        }
    }

  g_test_message ("%u senders, %u kills, %u requests for %u messages: %u duplicates, "
                  "%u deliveries in flight at the kills, %u failed attempts",
                  crash.n_senders, crash.kills, crash.n_requests, N_MESSAGES, duplicates,
                  in_flight_total, failed_attempts);
  if (unexplained > 0)
    g_test_fail_printf ("%u messages arrived more often than kills and retries explain:%s",
                        unexplained, duplicated->str);
  g_assert_cmpuint (duplicates, <=, in_flight_total + failed_attempts);
  g_assert_cmpuint (in_flight_total, <=, N_KILLS * CONCURRENCY);

  soup_server_disconnect (crash.server);
  g_clear_object (&crash.server);
  g_clear_object (&crash.store);
  remove_dir (crash.dir);
  g_assert_false (g_file_test (crash.dir, G_FILE_TEST_EXISTS));

  g_clear_pointer (&crash.loop, g_main_loop_unref);
  g_clear_pointer (&crash.messages, g_hash_table_unref);
  g_clear_pointer (&crash.dead_claims, g_hash_table_unref);
  g_clear_pointer (&crash.in_flight_at_kill, g_array_unref);
  g_free (crash.dir);
  g_free (crash.store_path);
  g_free (crash.secret);
  g_free (crash.sender_failure);
}

int
main (int    argc,
      char **argv)
{
  argv0 = argv[0];
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crash/sigkill-while-in-flight", test_sigkill_while_in_flight);

  return g_test_run ();
}
