/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* WhPgStore against a real PostgreSQL server, started for this run by pg-server.sh in a
 * temporary folder. Every test gets a schema of its own (search_path), so that each
 * starts from empty tables that the store creates itself. */

#include "config.h"

#include <libpq-fe.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <webhooks.h>

#include "test-payment.h"
#include "test-store-common.h"

/* The server of this run. */
static char *server_dir;
static guint server_port;
static PGconn *admin;

static guint
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
run_helper (const char * const  *argv,
            GError             **error)
{
  g_autofree char *err = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, error))
    return FALSE;

  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s", err != NULL ? err : "");
      return FALSE;
    }

  return TRUE;
}

static void
ignore_notice (void       *data,
               const char *message)
{
}

static gboolean
server_start (GError **error)
{
  const char *helper = g_getenv ("WH_PG_SERVER_HELPER");
  g_autofree char *port = NULL;
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *conninfo = NULL;

  if (helper == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "WH_PG_SERVER_HELPER is not set; run this test with meson test");
      return FALSE;
    }

  server_dir = g_dir_make_tmp ("wh-pg-XXXXXX", error);
  if (server_dir == NULL)
    return FALSE;

  server_port = free_port ();
  port = g_strdup_printf ("%u", server_port);
  {
    const char *argv[] = { helper, "start", server_dir, port, pid, NULL };

    if (!run_helper (argv, error))
      return FALSE;
  }

  conninfo = g_strdup_printf ("host=127.0.0.1 port=%u user=postgres dbname=postgres", server_port);
  admin = PQconnectdb (conninfo);
  if (PQstatus (admin) != CONNECTION_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot connect: %s",
                   PQerrorMessage (admin));
      return FALSE;
    }
  PQsetNoticeProcessor (admin, ignore_notice, NULL);

  return TRUE;
}

static void
server_stop (void)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("WH_PG_SERVER_HELPER"), "stop", server_dir, NULL };

  g_clear_pointer (&admin, PQfinish);
  if (server_dir != NULL && argv[0] != NULL && !run_helper (argv, &error))
    g_printerr ("# stopping the server: %s\n", error->message);
  g_clear_pointer (&server_dir, g_free);
}

static void
admin_exec (const char *sql)
{
  PGresult *result = PQexec (admin, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
}

static gint64
admin_int (const char *sql)
{
  PGresult *result = PQexec (admin, sql);
  gint64 value;

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);

  return value;
}

/* A schema and a store in it, for each test */

typedef struct
{
  char *schema;
  char *conninfo;
  WhStore *store;
} Fixture;

static char *
schema_conninfo (const char *schema)
{
  return g_strdup_printf ("host=127.0.0.1 port=%u user=postgres dbname=postgres "
                          "options='-c search_path=%s'", server_port, schema);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autofree char *create = NULL;

  fixture->schema = g_strdup_printf ("test_%u", ++counter);
  create = g_strdup_printf ("CREATE SCHEMA %s", fixture->schema);
  admin_exec (create);
  fixture->conninfo = schema_conninfo (fixture->schema);
  fixture->store = wh_pg_store_new (fixture->conninfo, &error);
  g_assert_no_error (error);
  g_assert_true (WH_IS_PG_STORE (fixture->store));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *drop = g_strdup_printf ("DROP SCHEMA %s CASCADE", fixture->schema);

  g_clear_object (&fixture->store);
  admin_exec (drop);
  g_free (fixture->conninfo);
  g_free (fixture->schema);
}

static WhEndpoint *
endpoint_new (const char *url)
{
  g_autoptr(GError) error = NULL;
  WhEndpoint *endpoint = wh_endpoint_new (url, &error);

  g_assert_no_error (error);
  return endpoint;
}

static char *
publish (WhStore    *store,
         WhEndpoint *endpoint,
         const char *payload,
         gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (payload, strlen (payload));
  const char *ids[] = { wh_endpoint_get_id (endpoint), NULL };
  char *id = wh_store_publish (store, "new-payment", bytes, ids, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

/* Endpoints */

static void
test_endpoints (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) first = endpoint_new ("https://a.example.com/hooks");
  g_autoptr(WhEndpoint) second = endpoint_new ("https://b.example.com/hooks");
  g_autoptr(WhEndpoint) found = NULL;
  g_autoptr(WhEndpoint) missing = NULL;
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autofree char *count_tables = NULL;
  const char *events[] = { "new-payment", "refund", NULL };
  const char *headers[] = { "X-Tenant: acme", NULL };

  /* The store made its tables in the schema of its search_path. */
  count_tables = g_strdup_printf ("SELECT count (*) FROM information_schema.tables"
                                  " WHERE table_schema = '%s' AND table_name LIKE 'wh\\_%%'",
                                  fixture->schema);
  g_assert_cmpint (admin_int (count_tables), ==, 5);

  wh_endpoint_set_events (second, events);
  wh_endpoint_set_description (second, "the second one");
  wh_endpoint_set_headers (second, headers, &error);
  g_assert_no_error (error);

  g_assert_true (wh_store_add_endpoint (fixture->store, second, &error));
  g_assert_no_error (error);
  g_assert_true (wh_store_add_endpoint (fixture->store, first, &error));
  g_assert_no_error (error);

  g_assert_false (wh_store_add_endpoint (fixture->store, first, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "wh_store_update_endpoint"));
  g_clear_error (&error);

  found = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (second), &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (wh_endpoint_get_url (found), ==, "https://b.example.com/hooks");
  g_assert_cmpstr (wh_endpoint_get_secret (found), ==, wh_endpoint_get_secret (second));
  g_assert_cmpstrv (wh_endpoint_get_events (found), events);
  g_assert_cmpstrv (wh_endpoint_get_headers (found), headers);
  g_assert_cmpstr (wh_endpoint_get_description (found), ==, "the second one");
  g_assert_true (wh_endpoint_get_enabled (found));

  missing = wh_store_lookup_endpoint (fixture->store, "ep_nothing", &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  /* Listed in the order they were added. */
  endpoints = wh_store_list_endpoints (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (endpoints->len, ==, 2);
  g_assert_cmpstr (wh_endpoint_get_id (g_ptr_array_index (endpoints, 0)), ==,
                   wh_endpoint_get_id (second));
  g_assert_cmpstr (wh_endpoint_get_id (g_ptr_array_index (endpoints, 1)), ==,
                   wh_endpoint_get_id (first));
  g_clear_pointer (&endpoints, g_ptr_array_unref);

  wh_endpoint_set_url (first, "https://c.example.com/other", &error);
  g_assert_no_error (error);
  wh_endpoint_set_enabled (first, FALSE);
  g_assert_true (wh_store_update_endpoint (fixture->store, first, &error));
  g_assert_no_error (error);
  g_clear_object (&found);
  found = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wh_endpoint_get_url (found), ==, "https://c.example.com/other");
  g_assert_false (wh_endpoint_get_enabled (found));
  g_assert_null (wh_endpoint_get_events (found));

  g_assert_true (wh_store_remove_endpoint (fixture->store, wh_endpoint_get_id (second), &error));
  g_assert_no_error (error);
  g_assert_false (wh_store_remove_endpoint (fixture->store, wh_endpoint_get_id (second), &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_clear_error (&error);
  g_assert_false (wh_store_update_endpoint (fixture->store, second, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "wh_store_add_endpoint"));
  g_clear_error (&error);

  endpoints = wh_store_list_endpoints (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (endpoints->len, ==, 1);

  /* The same tables, seen by a second connection. */
  {
    g_autoptr(WhStore) other = wh_pg_store_new (fixture->conninfo, &error);
    g_autoptr(GPtrArray) listed = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (wh_pg_store_get_conninfo (WH_PG_STORE (other)), ==, fixture->conninfo);
    listed = wh_store_list_endpoints (other, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (listed->len, ==, 1);
    g_assert_true (wh_store_is_thread_safe (other));
  }
}

/* Publishing */

static void
test_publish (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) first = test_common_add_endpoint (fixture->store, "https://a.example.com/hooks");
  g_autoptr(WhEndpoint) second = test_common_add_endpoint (fixture->store, "https://b.example.com/hooks");
  g_autoptr(GBytes) payload = g_bytes_new_static ("{\"amount\":1}\0x", 14);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GPtrArray) deliveries = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autofree char *id = NULL;
  g_autofree char *empty_id = NULL;
  char *failed_id;
  const char *ids[] = {
    wh_endpoint_get_id (first), wh_endpoint_get_id (second), wh_endpoint_get_id (first), NULL
  };
  const char *unknown[] = { wh_endpoint_get_id (first), "ep_nothing", NULL };

  id = wh_store_publish (fixture->store, "new-payment", payload, ids, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (id, "msg_"));

  /* A repeated endpoint gets one delivery. */
  deliveries = wh_store_list_deliveries (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (deliveries->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      WhDelivery *delivery = g_ptr_array_index (deliveries, i);

      g_assert_cmpstr (wh_delivery_get_message_id (delivery), ==, id);
      g_assert_cmpstr (wh_delivery_get_endpoint_id (delivery), ==, ids[i]);
      g_assert_cmpstr (wh_delivery_get_event (delivery), ==, "new-payment");
      g_assert_true (g_bytes_equal (wh_delivery_get_payload (delivery), payload));
      g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_PENDING);
      g_assert_cmpuint (wh_delivery_get_attempt (delivery), ==, 1);
      g_assert_cmpint (wh_delivery_get_created_at (delivery), ==, 1000);
      g_assert_cmpint (wh_delivery_get_next_attempt_at (delivery), ==, 1000);
    }

  /* An empty payload stays empty. */
  empty_id = wh_store_publish (fixture->store, "ping", empty, ids, 1000, &error);
  g_assert_no_error (error);
  g_clear_pointer (&deliveries, g_ptr_array_unref);
  deliveries = wh_store_list_deliveries (fixture->store, empty_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (wh_delivery_get_payload (g_ptr_array_index (deliveries, 0))), ==, 0);

  /* An unknown endpoint: nothing is published. */
  failed_id = wh_store_publish (fixture->store, "new-payment", payload, unknown, 1000, &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_null (failed_id);
  g_assert_nonnull (strstr (error->message, "ep_nothing"));
  g_assert_nonnull (strstr (error->message, "nothing was published"));
  g_clear_error (&error);
  test_common_assert_counts (fixture->store, 4, 0, 0);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM pg_stat_activity"
                              " WHERE state = 'idle in transaction'"), ==, 0);

  none = wh_store_list_deliveries (fixture->store, "msg_nothing", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

/* Claims and leases */

static void
test_claim_leases (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(WhEndpoint) endpoint = test_common_add_endpoint (fixture->store, "https://a.example.com/hooks");
  g_autoptr(WhEndpoint) disabled = test_common_add_endpoint (fixture->store, "https://b.example.com/hooks");
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(GPtrArray) not_yet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *future = NULL, *off = NULL;
  const gint64 now = 10 * G_USEC_PER_SEC;

  /* Published out of order: claims come oldest due first. */
  c = publish (fixture->store, endpoint, "{\"n\":3}", now - 100);
  a = publish (fixture->store, endpoint, "{\"n\":1}", now - 300);
  b = publish (fixture->store, endpoint, "{\"n\":2}", now - 200);
  future = publish (fixture->store, endpoint, "{\"n\":4}", now + 100 * G_USEC_PER_SEC);
  off = publish (fixture->store, disabled, "{\"n\":5}", now - 400);
  wh_endpoint_set_enabled (disabled, FALSE);
  wh_store_update_endpoint (fixture->store, disabled, &error);
  g_assert_no_error (error);

  first = test_common_claim (fixture->store, now, 2, 30);
  g_assert_cmpuint (first->len, ==, 2);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (first, 0)), ==, a);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (first, 1)), ==, b);
  g_assert_cmpuint (wh_delivery_get_attempt (g_ptr_array_index (first, 0)), ==, 1);
  g_assert_cmpint (wh_delivery_get_next_attempt_at (g_ptr_array_index (first, 0)), ==,
                   now + 30 * G_USEC_PER_SEC);
  g_assert_cmpstr (wh_delivery_get_event (g_ptr_array_index (first, 0)), ==, "new-payment");

  rest = test_common_claim (fixture->store, now, 10, 30);
  g_assert_cmpuint (rest->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (rest, 0)), ==, c);

  /* While the leases hold, nobody gets them, not even another connection. */
  {
    g_autoptr(WhStore) other = wh_pg_store_new (fixture->conninfo, &error);

    g_assert_no_error (error);
    again = test_common_claim (other, now + 29 * G_USEC_PER_SEC, 10, 30);
    g_assert_cmpuint (again->len, ==, 0);

    /* Once they ran out, they are due again: all three since the same lease end, so
     * in the order they were published; the future one and the disabled endpoint's
     * are not. */
    later = test_common_claim (other, now + 31 * G_USEC_PER_SEC, 10, 30);
    g_assert_cmpuint (later->len, ==, 3);
    g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (later, 0)), ==, c);
    g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (later, 1)), ==, a);
    g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (later, 2)), ==, b);
  }

  not_yet = test_common_claim (fixture->store, now + 31 * G_USEC_PER_SEC, 10, 30);
  g_assert_cmpuint (not_yet->len, ==, 0);
  test_common_assert_counts (fixture->store, 5, 0, 0);
}

/* Attempts */

static WhAttempt *
attempt_for (WhDelivery *delivery,
             gint64      started_at,
             guint       status,
             gint64      next_attempt_at)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("ok\0!", 4);

  return wh_attempt_new (wh_delivery_get_id (delivery), wh_delivery_get_attempt (delivery),
                         started_at, 1500, status,
                         status >= 200 && status < 300 ? NULL : "Internal Server Error",
                         body, next_attempt_at);
}

static void
test_record_attempts (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = test_common_add_endpoint (fixture->store, "https://a.example.com/hooks");
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) retried = NULL;
  g_autoptr(WhAttempt) unknown = NULL;
  g_autofree char *ok_id = NULL, *retry_id = NULL, *fail_id = NULL;
  WhDelivery *ok, *retry, *fail;
  WhAttempt *first;
  const gint64 now = 100 * G_USEC_PER_SEC;

  ok_id = publish (fixture->store, endpoint, "{}", now - 3);
  retry_id = publish (fixture->store, endpoint, "{}", now - 2);
  fail_id = publish (fixture->store, endpoint, "{}", now - 1);
  claimed = test_common_claim (fixture->store, now, 10, 60);
  g_assert_cmpuint (claimed->len, ==, 3);
  ok = g_ptr_array_index (claimed, 0);
  retry = g_ptr_array_index (claimed, 1);
  fail = g_ptr_array_index (claimed, 2);

  /* All or none: one unknown delivery and the other attempts are not recorded. */
  g_ptr_array_add (batch, attempt_for (ok, now, 200, 0));
  unknown = wh_attempt_new (424242, 1, now, 10, 500, "no", NULL, 0);
  g_ptr_array_add (batch, g_object_ref (unknown));
  g_assert_false (wh_store_record_attempts (fixture->store, batch, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "424242"));
  g_clear_error (&error);
  attempts = wh_store_list_attempts (fixture->store, wh_delivery_get_id (ok), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attempts->len, ==, 0);
  g_clear_pointer (&attempts, g_ptr_array_unref);
  test_common_assert_counts (fixture->store, 3, 0, 0);

  g_assert_false (wh_store_record_attempt (fixture->store, unknown, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_clear_error (&error);

  /* Three outcomes in one batch: success, retry later, given up. */
  g_ptr_array_remove_index (batch, 1);
  g_ptr_array_add (batch, attempt_for (retry, now + 1, 500, now + 5 * G_USEC_PER_SEC));
  g_ptr_array_add (batch, attempt_for (fail, now + 2, 500, 0));
  g_assert_true (wh_store_record_attempts (fixture->store, batch, &error));
  g_assert_no_error (error);
  test_common_assert_counts (fixture->store, 1, 1, 1);

  attempts = wh_store_list_attempts (fixture->store, wh_delivery_get_id (ok), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attempts->len, ==, 1);
  first = g_ptr_array_index (attempts, 0);
  g_assert_cmpint (wh_attempt_get_delivery_id (first), ==, wh_delivery_get_id (ok));
  g_assert_cmpuint (wh_attempt_get_number (first), ==, 1);
  g_assert_cmpint (wh_attempt_get_started_at (first), ==, now);
  g_assert_cmpint (wh_attempt_get_duration (first), ==, 1500);
  g_assert_cmpuint (wh_attempt_get_status_code (first), ==, 200);
  g_assert_true (wh_attempt_get_succeeded (first));
  g_assert_null (wh_attempt_get_error_message (first));
  g_assert_cmpmem (g_bytes_get_data (wh_attempt_get_response_body (first), NULL), 4, "ok\0!", 4);

  deliveries = wh_store_list_deliveries (fixture->store, retry_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wh_delivery_get_state (g_ptr_array_index (deliveries, 0)), ==,
                   WH_DELIVERY_STATE_PENDING);
  g_assert_cmpuint (wh_delivery_get_attempt (g_ptr_array_index (deliveries, 0)), ==, 2);
  g_assert_cmpint (wh_delivery_get_next_attempt_at (g_ptr_array_index (deliveries, 0)), ==,
                   now + 5 * G_USEC_PER_SEC);
  g_clear_pointer (&deliveries, g_ptr_array_unref);
  deliveries = wh_store_list_deliveries (fixture->store, fail_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wh_delivery_get_state (g_ptr_array_index (deliveries, 0)), ==,
                   WH_DELIVERY_STATE_FAILED);

  /* The retry is due at its time, as attempt 2. */
  retried = test_common_claim (fixture->store, now + 5 * G_USEC_PER_SEC, 10, 60);
  g_assert_cmpuint (retried->len, ==, 1);
  g_assert_cmpuint (wh_delivery_get_attempt (g_ptr_array_index (retried, 0)), ==, 2);

  /* A late attempt of a finished delivery is recorded, the state stays. */
  {
    g_autoptr(WhAttempt) late = attempt_for (ok, now + 10, 500, now + 20);
    g_autoptr(GPtrArray) ok_deliveries = NULL;

    g_assert_true (wh_store_record_attempt (fixture->store, late, &error));
    g_assert_no_error (error);
    ok_deliveries = wh_store_list_deliveries (fixture->store, ok_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (wh_delivery_get_state (g_ptr_array_index (ok_deliveries, 0)), ==,
                     WH_DELIVERY_STATE_SUCCEEDED);
  }
  test_common_assert_counts (fixture->store, 1, 1, 1);
}

static void
test_release (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = test_common_add_endpoint (fixture->store, "https://a.example.com/hooks");
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) stolen = NULL;
  g_autoptr(WhStore) other = NULL;
  g_autofree char *id = NULL;
  g_autofree char *newer = NULL;
  gint64 delivery_id;
  const gint64 now = 50 * G_USEC_PER_SEC;

  id = publish (fixture->store, endpoint, "{}", now - 10);
  claimed = test_common_claim (fixture->store, now, 10, 60);
  g_assert_cmpuint (claimed->len, ==, 1);
  delivery_id = wh_delivery_get_id (g_ptr_array_index (claimed, 0));

  /* Handed back: due at once, ahead of what became due meanwhile, same attempt. */
  newer = publish (fixture->store, endpoint, "{}", now + 1);
  g_assert_true (wh_store_release (fixture->store, delivery_id, &error));
  g_assert_no_error (error);
  again = test_common_claim (fixture->store, now + 2, 1, 60);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpint (wh_delivery_get_id (g_ptr_array_index (again, 0)), ==, delivery_id);
  g_assert_cmpuint (wh_delivery_get_attempt (g_ptr_array_index (again, 0)), ==, 1);

  /* Another store's lease is left alone. */
  other = wh_pg_store_new (fixture->conninfo, &error);
  g_assert_no_error (error);
  g_assert_true (wh_store_release (other, delivery_id, &error));
  g_assert_no_error (error);
  stolen = test_common_claim (other, now + 3, 10, 60);
  g_assert_cmpuint (stolen->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (stolen, 0)), ==, newer);

  g_assert_false (wh_store_release (fixture->store, 987654, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "987654"));
  g_clear_error (&error);
}

static void
test_failing_since (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = test_common_add_endpoint (fixture->store, "https://a.example.com/hooks");
  const char *id = wh_endpoint_get_id (endpoint);
  const gint64 now = 70 * G_USEC_PER_SEC;

  g_assert_cmpint (wh_store_get_endpoint_failing_since (fixture->store, id, &error), ==, 0);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *message = publish (fixture->store, endpoint, "{}", now);
      g_autoptr(GPtrArray) claimed = test_common_claim (fixture->store, now + i, 10, 60);
      g_autoptr(WhAttempt) attempt = attempt_for (g_ptr_array_index (claimed, 0), now + 1000 * (i + 1),
                                                  i < 2 ? 503 : 204, 0);

      g_assert_true (wh_store_record_attempt (fixture->store, attempt, &error));
      g_assert_no_error (error);
      /* The clock starts at the first failure and keeps running; a success clears it. */
      g_assert_cmpint (wh_store_get_endpoint_failing_since (fixture->store, id, &error), ==,
                       i < 2 ? now + 1000 : 0);
      g_assert_no_error (error);
    }
  test_common_assert_counts (fixture->store, 0, 1, 2);

  g_assert_cmpint (wh_store_get_endpoint_failing_since (fixture->store, "ep_nothing", &error), ==, -1);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_clear_error (&error);
}

/* Errors a user can make */

static void
test_connection_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhStore) store = NULL;
  g_autofree char *closed = g_strdup_printf ("host=127.0.0.1 port=%u user=postgres "
                                             "connect_timeout=5", free_port ());

  store = wh_pg_store_new ("host=db.example.com password=hunter2 dbname", &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_null (store);
  g_test_message ("bad conninfo: %s", error->message);
  g_assert_nonnull (strstr (error->message, "connection string cannot be read"));
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);

  store = wh_pg_store_new ("postgresql://[::1", &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_clear_error (&error);

  store = wh_pg_store_new (closed, &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_null (store);
  g_test_message ("unreachable: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Cannot connect"));
  g_assert_nonnull (strstr (error->message, "check that the server runs"));
  g_clear_error (&error);
}

static void
test_schema_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhStore) store = NULL;
  g_autofree char *set_version = g_strdup_printf ("UPDATE %s.wh_schema SET version = 99",
                                                  fixture->schema);
  g_autofree char *foreign_conninfo = NULL;

  admin_exec (set_version);
  store = wh_pg_store_new (fixture->conninfo, &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_null (store);
  g_test_message ("newer: %s", error->message);
  g_assert_nonnull (strstr (error->message, "newer libwebhooks"));
  g_clear_error (&error);

  /* Tables named like ours that another application made are left alone. */
  admin_exec ("CREATE SCHEMA foreign_app; CREATE TABLE foreign_app.wh_endpoints (x int)");
  foreign_conninfo = schema_conninfo ("foreign_app");
  store = wh_pg_store_new (foreign_conninfo, &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "another application"));
  g_clear_error (&error);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM information_schema.tables"
                              " WHERE table_schema = 'foreign_app'"), ==, 1);
  admin_exec ("DROP SCHEMA foreign_app CASCADE");
}

/* A connection the server closed (a restart, an administrator) */

static void
test_reconnect (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = g_strdup_printf ("%s application_name=wh_victim", fixture->conninfo);
  g_autoptr(WhStore) store = wh_pg_store_new (conninfo, &error);
  g_autoptr(WhEndpoint) endpoint = NULL;
  g_autoptr(GPtrArray) endpoints = NULL;
  gboolean failed_once = FALSE;

  g_assert_no_error (error);
  endpoint = test_common_add_endpoint (store, "https://a.example.com/hooks");
  g_assert_cmpint (admin_int ("SELECT count (pg_terminate_backend (pid)) FROM pg_stat_activity"
                              " WHERE application_name = 'wh_victim'"), ==, 1);

  /* The call that finds the connection closed fails and says so; the next one
   * connects again. */
  endpoints = wh_store_list_endpoints (store, &error);
  if (endpoints == NULL)
    {
      g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
      g_test_message ("closed: %s", error->message);
      g_assert_nonnull (strstr (error->message, "connection"));
      g_clear_error (&error);
      failed_once = TRUE;
      endpoints = wh_store_list_endpoints (store, &error);
    }
  g_assert_true (failed_once);
  g_assert_no_error (error);
  g_assert_cmpuint (endpoints->len, ==, 1);
}

/* Two connections claiming at once (SKIP LOCKED) */

static void
test_skip_locked (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(WhEndpoint) endpoint = test_common_add_endpoint (fixture->store, "https://a.example.com/hooks");
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autofree char *first = publish (fixture->store, endpoint, "{}", 1);
  g_autofree char *second = publish (fixture->store, endpoint, "{}", 2);
  g_autofree char *lock = g_strdup_printf ("SELECT id FROM %s.wh_deliveries WHERE message_id = '%s'"
                                           " FOR UPDATE", fixture->schema, first);

  /* Another transaction holds the oldest row: the claim takes the next one at once,
   * instead of waiting for it. */
  admin_exec ("BEGIN");
  admin_exec (lock);
  claimed = test_common_claim (fixture->store, 10, 10, 60);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (claimed, 0)), ==, second);
  admin_exec ("ROLLBACK");

  rest = test_common_claim (fixture->store, 10, 10, 60);
  g_assert_cmpuint (rest->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (rest, 0)), ==, first);
}

#define N_CONCURRENT 400

typedef struct
{
  WhStore *store;
  GArray *ids;           /* of gint64 */
  gint *ready;
} Claimer;

static gpointer
claim_until_empty (gpointer data)
{
  Claimer *claimer = data;

  g_atomic_int_inc (claimer->ready);
  while (g_atomic_int_get (claimer->ready) < 2)
    ;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) claimed = wh_store_claim_due (claimer->store, G_MAXINT64 / 2, 7, 600,
                                                         &error);

      g_assert_no_error (error);
      if (claimed->len == 0)
        break;
      for (guint i = 0; i < claimed->len; i++)
        {
          gint64 id = wh_delivery_get_id (g_ptr_array_index (claimed, i));

          g_array_append_val (claimer->ids, id);
        }
    }

  return NULL;
}

static void
test_concurrent_claims (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = test_common_add_endpoint (fixture->store, "https://a.example.com/hooks");
  g_autoptr(WhStore) other = wh_pg_store_new (fixture->conninfo, &error);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  Claimer claimers[2];
  GThread *threads[2];
  gint ready = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < N_CONCURRENT; i++)
    g_free (publish (fixture->store, endpoint, "{}", i));

  claimers[0] = (Claimer) { fixture->store, g_array_new (FALSE, FALSE, sizeof (gint64)), &ready };
  claimers[1] = (Claimer) { other, g_array_new (FALSE, FALSE, sizeof (gint64)), &ready };
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("claimer", claim_until_empty, &claimers[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  g_test_message ("claimed %u and %u", claimers[0].ids->len, claimers[1].ids->len);
  for (guint c = 0; c < 2; c++)
    {
      for (guint i = 0; i < claimers[c].ids->len; i++)
        {
          gint64 id = g_array_index (claimers[c].ids, gint64, i);

          g_assert_false (g_hash_table_contains (seen, &id));
          g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
        }
      g_array_unref (claimers[c].ids);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_CONCURRENT);
}

/* Two dispatchers, two connections, one queue, one loopback receiver */

#define N_MESSAGES 200

typedef struct
{
  GHashTable *received;   /* webhook-id -> count */
  guint total;
  guint succeeded[2];
} Receiver;

static void
handle_hook (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  Receiver *receiver = data;
  const char *id = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                 "webhook-id");
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (receiver->received, id));

  g_hash_table_insert (receiver->received, g_strdup (id), GUINT_TO_POINTER (count + 1));
  receiver->total++;
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
on_succeeded (WhDispatcher *dispatcher,
              WhDelivery   *delivery,
              WhAttempt    *attempt,
              guint        *count)
{
  (*count)++;
}

static WhApplication *
payments_app (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");
  g_autoptr(WhWebhookHandler) webhook = wh_whpost ("new-payment");
  g_autoptr(WhWebhookGateway) gateway = NULL;

  g_object_set (webhook, "body-type", TEST_TYPE_PAYMENT, NULL);
  gateway = wh_webhook_gateway_new (webhook);
  wh_application_add_webhook (app, gateway, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&app);
}

static void
test_two_dispatchers (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(WhApplication) app = payments_app ();
  g_autoptr(WhStore) other = wh_pg_store_new (fixture->conninfo, &error);
  g_autoptr(WhEndpoint) endpoint = NULL;
  g_autoptr(GHashTable) published = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *url = NULL;
  GSList *uris;
  WhDispatcher *dispatchers[2];
  Receiver receiver = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), 0, { 0, 0 } };
  GHashTableIter iter;
  gpointer key, value;
  gint64 started, deadline;

  g_assert_no_error (error);
  soup_server_add_handler (server, "/hooks", handle_hook, &receiver, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%u/hooks", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  dispatchers[0] = wh_dispatcher_new (app, fixture->store);
  dispatchers[1] = wh_dispatcher_new (app, other);
  for (guint i = 0; i < 2; i++)
    {
      wh_dispatcher_allow_network (dispatchers[i], "127.0.0.0/8", &error);
      g_assert_no_error (error);
      /* Small batches, so that both take part; leases far longer than the test. */
      g_object_set (dispatchers[i],
                    "poll-interval", 20,
                    "batch-size", 10,
                    "lease-time", 120000,
                    "timeout", 10000,
                    NULL);
      g_signal_connect (dispatchers[i], "delivery-succeeded", G_CALLBACK (on_succeeded),
                        &receiver.succeeded[i]);
    }

  endpoint = endpoint_new (url);
  wh_dispatcher_add_endpoint (dispatchers[0], endpoint, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autoptr(TestPayment) payment = g_object_new (TEST_TYPE_PAYMENT, "is-paid", TRUE,
                                                     "amount", (double) i, NULL);
      char *id = wh_dispatcher_publish (dispatchers[i % 2], "new-payment", G_OBJECT (payment),
                                        &error);

      g_assert_no_error (error);
      g_hash_table_add (published, id);
    }

  started = g_get_monotonic_time ();
  wh_dispatcher_start (dispatchers[0]);
  wh_dispatcher_start (dispatchers[1]);
  deadline = started + 20 * G_USEC_PER_SEC;
  while (receiver.succeeded[0] + receiver.succeeded[1] < N_MESSAGES)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out: %u and %u of %u delivered", receiver.succeeded[0],
                 receiver.succeeded[1], N_MESSAGES);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
  g_test_message ("%u deliveries in %.2f s: %u by the first dispatcher, %u by the second",
                  N_MESSAGES, (g_get_monotonic_time () - started) / 1e6,
                  receiver.succeeded[0], receiver.succeeded[1]);

  /* A little longer, for a duplicate to show up if there were one. */
  deadline = g_get_monotonic_time () + 200 * 1000;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (500);

  g_assert_cmpuint (receiver.total, ==, N_MESSAGES);
  g_assert_cmpuint (g_hash_table_size (receiver.received), ==, N_MESSAGES);
  g_hash_table_iter_init (&iter, receiver.received);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
      g_assert_true (g_hash_table_contains (published, key));
    }
  test_common_assert_counts (fixture->store, 0, N_MESSAGES, 0);

  for (guint i = 0; i < 2; i++)
    {
      wh_dispatcher_stop (dispatchers[i]);
      g_object_unref (dispatchers[i]);
    }
  deadline = g_get_monotonic_time () + 20 * 1000;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (500);
  soup_server_disconnect (server);
  g_hash_table_unref (receiver.received);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!server_start (&error))
    {
      /* tools/setup.sh installs the server: a machine without it is a failure. */
      g_print ("Bail out! cannot start PostgreSQL: %s\n", error->message);
      server_stop ();
      return 1;
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/pg-store/endpoints", test_endpoints);
  ADD ("/pg-store/publish", test_publish);
  ADD ("/pg-store/claim-leases", test_claim_leases);
  ADD ("/pg-store/record-attempts", test_record_attempts);
  ADD ("/pg-store/release", test_release);
  ADD ("/pg-store/failing-since", test_failing_since);
  g_test_add_func ("/pg-store/connection-errors", test_connection_errors);
  ADD ("/pg-store/schema-errors", test_schema_errors);
  ADD ("/pg-store/reconnect", test_reconnect);
  ADD ("/pg-store/skip-locked", test_skip_locked);
  ADD ("/pg-store/concurrent-claims", test_concurrent_claims);
  ADD ("/pg-store/two-dispatchers", test_two_dispatchers);

#undef ADD

  status = g_test_run ();
  server_stop ();

  return status;
}
