/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <webhooks.h>

#include "../common/test-store-common.h"

/* A fixed fake clock: every time in these tests is relative to it. */
#define T0 ((gint64) 1700000000 * G_USEC_PER_SEC)
#define SECONDS(s) ((gint64) (s) * G_USEC_PER_SEC)

/* ---------------------------------------------------------------- helpers */

typedef struct
{
  char *dir;
  char *path;
  WhStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("wh-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "deliveries.db", NULL);
  fixture->store = wh_sqlite_store_new (user_data ? fixture->path : ":memory:", &error);
  g_assert_no_error (error);
  g_assert_true (WH_IS_SQLITE_STORE (fixture->store));
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->store);
  remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static char *
publish (WhStore    *store,
         const char *event,
         const char *body,
         gint64      now,
         ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GBytes) payload = g_bytes_new (body, strlen (body));
  const char *id;
  va_list args;
  char *message_id;

  va_start (args, now);
  while ((id = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (ids, (gpointer) id);
  va_end (args);
  g_ptr_array_add (ids, NULL);

  message_id = wh_store_publish (store, event, payload, (const char * const *) ids->pdata, now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (message_id);

  return message_id;
}

/* Claims with the 30-second lease that these tests use. */
static GPtrArray *
claim (WhStore *store,
       gint64   now,
       guint    limit)
{
  return test_common_claim (store, now, limit, 30);
}

static void
record (WhStore    *store,
        WhDelivery *delivery,
        gint64      started_at,
        guint       status,
        const char *error_message,
        gint64      next_attempt_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("answer", 6);
  g_autoptr(WhAttempt) attempt = wh_attempt_new (wh_delivery_get_id (delivery),
                                                 wh_delivery_get_attempt (delivery),
                                                 started_at, 1234, status, error_message,
                                                 body, next_attempt_at);

  g_assert_true (wh_store_record_attempt (store, attempt, &error));
  g_assert_no_error (error);
}

/* g_test_expect_message() does not see structured log messages in GLib 2.74: this
 * writer takes the one warning a test expects, and aborts on any other. */
static const char *expected_warning;
static guint n_expected_warnings;

static GLogWriterOutput
check_warnings (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (log_level & G_LOG_LEVEL_WARNING)
    {
      const char *message = "";

      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE"))
          message = fields[i].value;

      if (expected_warning != NULL && g_pattern_match_simple (expected_warning, message))
        {
          n_expected_warnings++;
          return G_LOG_WRITER_HANDLED;
        }

      g_log_writer_default (log_level, fields, n_fields, user_data);
      g_error ("unexpected warning");
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
expect_warning (const char *pattern)
{
  expected_warning = pattern;
  n_expected_warnings = 0;
}

static void
assert_warned (void)
{
  g_assert_cmpuint (n_expected_warnings, ==, 1);
  expected_warning = NULL;
}

/* ---------------------------------------------------------------- endpoints */

static void
test_endpoint_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/hooks", &error);
  g_autoptr(WhEndpoint) other = wh_endpoint_new ("http://example.org:8080/hooks?x=1", &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (wh_endpoint_get_id (endpoint), "ep_"));
  g_assert_cmpuint (strlen (wh_endpoint_get_id (endpoint)), ==, 3 + 26);
  g_assert_cmpstr (wh_endpoint_get_id (endpoint), <, wh_endpoint_get_id (other));
  g_assert_cmpstr (wh_endpoint_get_url (endpoint), ==, "https://example.org/hooks");
  g_assert_true (g_str_has_prefix (wh_endpoint_get_secret (endpoint), "whsec_"));
  g_assert_true (wh_signature_check_secret (wh_endpoint_get_secret (endpoint), NULL));
  g_assert_cmpstr (wh_endpoint_get_secret (endpoint), !=, wh_endpoint_get_secret (other));
  g_assert_true (wh_endpoint_get_enabled (endpoint));
  g_assert_null (wh_endpoint_get_events (endpoint));
  g_assert_null (wh_endpoint_get_description (endpoint));
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_headers (endpoint)), ==, 0);

  /* An explicit id is kept. */
  g_clear_object (&other);
  other = g_object_new (WH_TYPE_ENDPOINT, "id", "ep_mine", "url", "https://example.org/", NULL);
  g_assert_cmpstr (wh_endpoint_get_id (other), ==, "ep_mine");
  g_assert_cmpstr (wh_endpoint_get_url (other), ==, "https://example.org/");
}

static void
test_endpoint_bad_url (void)
{
  const char *bad[] = {
    "not a url", "example.org/hooks", "/hooks", "ftp://example.org/hooks",
    "file:///etc/passwd", "https://", "https://user:pw@example.org/", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WhEndpoint) endpoint = wh_endpoint_new (bad[i], &error);

      g_test_message ("URL “%s”: %s", bad[i], error ? error->message : "(accepted)");
      g_assert_null (endpoint);
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
    }
}

static void
test_endpoint_url_property (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/a", &error);

  g_assert_false (wh_endpoint_set_url (endpoint, "gopher://example.org", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
  g_assert_cmpstr (wh_endpoint_get_url (endpoint), ==, "https://example.org/a");

  expect_warning ("*refused the new URL*");
  g_object_set (endpoint, "url", "mailto:someone@example.org", NULL);
  assert_warned ();
  g_assert_cmpstr (wh_endpoint_get_url (endpoint), ==, "https://example.org/a");

  g_object_set (endpoint, "url", "https://example.org/b", NULL);
  g_assert_cmpstr (wh_endpoint_get_url (endpoint), ==, "https://example.org/b");
}

static void
test_endpoint_secret (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/hooks", &error);
  g_autofree char *first = g_strdup (wh_endpoint_get_secret (endpoint));
  g_autofree char *secret = wh_signature_generate_secret ();
  g_autofree char *property = NULL;

  g_assert_true (wh_endpoint_set_secret (endpoint, secret, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wh_endpoint_get_secret (endpoint), ==, secret);

  /* Without the prefix is accepted too. */
  g_assert_true (wh_endpoint_set_secret (endpoint, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &error));
  g_assert_no_error (error);

  g_assert_false (wh_endpoint_set_secret (endpoint, "whsec_not base64!", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
  g_assert_cmpstr (wh_endpoint_get_secret (endpoint), ==, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  g_assert_cmpstr (first, !=, secret);

  /* Through the property, a bad secret cannot crash: it warns and keeps the old one. */
  expect_warning ("*refused the new secret*");
  g_object_set (endpoint, "secret", "%%%", NULL);
  assert_warned ();
  g_object_get (endpoint, "secret", &property, NULL);
  g_assert_cmpstr (property, ==, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

  g_object_set (endpoint, "secret", secret, NULL);
  g_assert_cmpstr (wh_endpoint_get_secret (endpoint), ==, secret);
}

static void
test_endpoint_events (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/hooks", &error);
  const char *events[] = { "new-payment", "refund", NULL };
  const char *none[] = { NULL };
  g_auto(GStrv) property = NULL;

  g_assert_true (wh_endpoint_accepts_event (endpoint, "anything"));

  wh_endpoint_set_events (endpoint, events);
  g_assert_true (wh_endpoint_accepts_event (endpoint, "new-payment"));
  g_assert_true (wh_endpoint_accepts_event (endpoint, "refund"));
  g_assert_false (wh_endpoint_accepts_event (endpoint, "new-event"));
  g_object_get (endpoint, "events", &property, NULL);
  g_assert_cmpstrv (property, events);

  /* Accepting an event does not depend on being enabled. */
  wh_endpoint_set_enabled (endpoint, FALSE);
  g_assert_true (wh_endpoint_accepts_event (endpoint, "refund"));

  wh_endpoint_set_events (endpoint, none);
  g_assert_false (wh_endpoint_accepts_event (endpoint, "refund"));

  wh_endpoint_set_events (endpoint, NULL);
  g_assert_true (wh_endpoint_accepts_event (endpoint, "refund"));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_endpoint_headers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/hooks", &error);
  const char *lines[] = { " X-Tenant :  acme ", "Authorization: Bearer 1", "x-tenant: umbrella", NULL };
  const char *expected[] = { "x-tenant: umbrella", "Authorization: Bearer 1", NULL };
  const char *bad_lines[] = { "X-Ok: 1", "no colon here", NULL };
  guint notified = 0;

  g_signal_connect (endpoint, "notify::headers", G_CALLBACK (count_notify), &notified);

  g_assert_true (wh_endpoint_set_header (endpoint, "Authorization", "Bearer 0", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wh_endpoint_get_header (endpoint, "authorization"), ==, "Bearer 0");
  g_assert_true (wh_endpoint_set_header (endpoint, "AUTHORIZATION", "Bearer 1", &error));
  g_assert_cmpstr (wh_endpoint_get_header (endpoint, "Authorization"), ==, "Bearer 1");
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_headers (endpoint)), ==, 1);
  g_assert_true (wh_endpoint_set_header (endpoint, "authorization", NULL, &error));
  g_assert_null (wh_endpoint_get_header (endpoint, "Authorization"));
  g_assert_cmpuint (notified, ==, 3);

  g_assert_true (wh_endpoint_set_headers (endpoint, lines, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (wh_endpoint_get_headers (endpoint), expected);
  g_assert_cmpstr (wh_endpoint_get_header (endpoint, "x-tenant"), ==, "umbrella");
  g_assert_null (wh_endpoint_get_header (endpoint, "X-Ten"));

  /* Headers the delivery sets itself, or that would break the request, are refused. */
  g_assert_false (wh_endpoint_set_header (endpoint, "webhook-signature", "v1,x", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (wh_endpoint_set_header (endpoint, "Content-Length", "3", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (wh_endpoint_set_header (endpoint, "X-Evil", "a\r\nHost: b", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (wh_endpoint_set_header (endpoint, "Bad Name", "x", &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (wh_endpoint_set_headers (endpoint, bad_lines, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_cmpstrv (wh_endpoint_get_headers (endpoint), expected);

  expect_warning ("*refused the new headers*");
  g_object_set (endpoint, "headers", bad_lines, NULL);
  assert_warned ();
  g_assert_cmpstrv (wh_endpoint_get_headers (endpoint), expected);

  g_object_set (endpoint, "headers", NULL, NULL);
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_headers (endpoint)), ==, 0);
}

/* ---------------------------------------------------------------- store: endpoints */

static void
test_endpoint_rotate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/hooks", &error);
  g_autofree char *first = g_strdup (wh_endpoint_get_secret (endpoint));
  g_autofree char *second = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) active = NULL;
  g_auto(GStrv) property = NULL;
  gint64 now = g_get_real_time ();
  gint64 day = now + G_TIME_SPAN_DAY;
  gint64 hour = now + G_TIME_SPAN_HOUR;
  const char *bad_lines[][2] = {
    { "no-expiry", NULL },
    { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw soon", NULL },
    { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw -5", NULL },
    { "not%base64 1700000000000000", NULL },
  };

  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_previous_secrets (endpoint)), ==, 0);
  active = wh_endpoint_get_active_secrets (endpoint, now);
  g_assert_cmpuint (g_strv_length (active), ==, 1);
  g_assert_cmpstr (active[0], ==, first);
  g_clear_pointer (&active, g_strfreev);

  /* A generated new secret; the old one keeps signing for a day. */
  g_assert_true (wh_endpoint_rotate_secret (endpoint, NULL, day, &error));
  g_assert_no_error (error);
  second = g_strdup (wh_endpoint_get_secret (endpoint));
  g_assert_true (g_str_has_prefix (second, "whsec_"));
  g_assert_cmpstr (second, !=, first);
  line = g_strdup_printf ("%s %" G_GINT64_FORMAT, first, day);
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_previous_secrets (endpoint)), ==, 1);
  g_assert_cmpstr (wh_endpoint_get_previous_secrets (endpoint)[0], ==, line);

  active = wh_endpoint_get_active_secrets (endpoint, now);
  g_assert_cmpuint (g_strv_length (active), ==, 2);
  g_assert_cmpstr (active[0], ==, second);
  g_assert_cmpstr (active[1], ==, first);
  g_clear_pointer (&active, g_strfreev);
  active = wh_endpoint_get_active_secrets (endpoint, day);
  g_assert_cmpuint (g_strv_length (active), ==, 1);
  g_assert_cmpstr (active[0], ==, second);
  g_clear_pointer (&active, g_strfreev);

  /* A given secret; both earlier ones stay, newest first, each until its own time. */
  g_assert_true (wh_endpoint_rotate_secret (endpoint, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", hour, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wh_endpoint_get_secret (endpoint), ==, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  active = wh_endpoint_get_active_secrets (endpoint, now);
  g_assert_cmpuint (g_strv_length (active), ==, 3);
  g_assert_cmpstr (active[1], ==, second);
  g_assert_cmpstr (active[2], ==, first);
  g_clear_pointer (&active, g_strfreev);
  active = wh_endpoint_get_active_secrets (endpoint, hour + 1);
  g_assert_cmpuint (g_strv_length (active), ==, 2);
  g_assert_cmpstr (active[1], ==, first);
  g_clear_pointer (&active, g_strfreev);

  /* The current secret, with or without its prefix, is not a new one; a bad secret is
   * refused; neither changes anything. */
  g_assert_false (wh_endpoint_rotate_secret (endpoint, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", day, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (wh_endpoint_rotate_secret (endpoint, "not base64!", day, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
  g_clear_error (&error);
  g_assert_cmpstr (wh_endpoint_get_secret (endpoint), ==, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_previous_secrets (endpoint)), ==, 2);

  /* A time already past drops the replaced secret at once. */
  g_assert_true (wh_endpoint_rotate_secret (endpoint, NULL, 0, &error));
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_previous_secrets (endpoint)), ==, 2);
  active = wh_endpoint_get_active_secrets (endpoint, now);
  g_assert_false (g_strv_contains ((const char * const *) active, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  g_clear_pointer (&active, g_strfreev);

  /* Bad lines are refused, with an error or, through the property, a warning. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_lines); i++)
    {
      g_assert_false (wh_endpoint_set_previous_secrets (endpoint, bad_lines[i], &error));
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
      g_test_message ("“%s”: %s", bad_lines[i][0], error->message);
      g_clear_error (&error);
    }
  expect_warning ("*refused the new previous secrets*");
  g_object_set (endpoint, "previous-secrets", bad_lines[0], NULL);
  assert_warned ();
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_previous_secrets (endpoint)), ==, 2);

  /* Ending a rotation early. */
  g_object_set (endpoint, "previous-secrets", NULL, NULL);
  g_object_get (endpoint, "previous-secrets", &property, NULL);
  g_assert_cmpuint (g_strv_length (property), ==, 0);
}

static void
test_store_endpoints (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) first = wh_endpoint_new ("https://a.example.org/hooks", &error);
  g_autoptr(WhEndpoint) second = test_common_add_endpoint (fixture->store, "https://b.example.org/hooks");
  g_autoptr(WhEndpoint) read = NULL;
  g_autoptr(WhEndpoint) no_url = g_object_new (WH_TYPE_ENDPOINT, NULL);
  g_autoptr(GPtrArray) list = NULL;
  const char *events[] = { "new-payment", NULL };

  wh_endpoint_set_events (first, events);
  wh_endpoint_set_description (first, "Accounting");
  wh_endpoint_set_enabled (first, FALSE);
  g_assert_true (wh_endpoint_set_header (first, "X-Tenant", "acme", &error));
  g_assert_true (wh_store_add_endpoint (fixture->store, first, &error));
  g_assert_no_error (error);

  read = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_nonnull (read);
  g_assert_true (read != first);
  g_assert_cmpstr (wh_endpoint_get_id (read), ==, wh_endpoint_get_id (first));
  g_assert_cmpstr (wh_endpoint_get_url (read), ==, "https://a.example.org/hooks");
  g_assert_cmpstr (wh_endpoint_get_secret (read), ==, wh_endpoint_get_secret (first));
  g_assert_cmpstrv (wh_endpoint_get_events (read), events);
  g_assert_cmpstr (wh_endpoint_get_description (read), ==, "Accounting");
  g_assert_false (wh_endpoint_get_enabled (read));
  g_assert_cmpstr (wh_endpoint_get_header (read, "x-tenant"), ==, "acme");
  g_clear_object (&read);

  /* "All events" (NULL) and "no events" (empty) stay different. */
  read = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (second), &error);
  g_assert_null (wh_endpoint_get_events (read));
  g_clear_object (&read);

  list = wh_store_list_endpoints (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (wh_endpoint_get_id (g_ptr_array_index (list, 0)), ==, wh_endpoint_get_id (second));
  g_assert_cmpstr (wh_endpoint_get_id (g_ptr_array_index (list, 1)), ==, wh_endpoint_get_id (first));

  g_assert_false (wh_store_add_endpoint (fixture->store, first, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_clear_error (&error);

  g_assert_false (wh_store_add_endpoint (fixture->store, no_url, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);

  /* Changes are saved by update only. */
  wh_endpoint_set_enabled (first, TRUE);
  wh_endpoint_set_events (first, NULL);
  g_assert_true (wh_endpoint_set_url (first, "https://c.example.org/", &error));
  read = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (first), &error);
  g_assert_false (wh_endpoint_get_enabled (read));
  g_clear_object (&read);
  g_assert_true (wh_store_update_endpoint (fixture->store, first, &error));
  g_assert_no_error (error);
  read = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (first), &error);
  g_assert_true (wh_endpoint_get_enabled (read));
  g_assert_null (wh_endpoint_get_events (read));
  g_assert_cmpstr (wh_endpoint_get_url (read), ==, "https://c.example.org/");
  g_clear_object (&read);

  g_assert_false (wh_store_update_endpoint (fixture->store, no_url, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_clear_error (&error);

  g_assert_true (wh_store_remove_endpoint (fixture->store, wh_endpoint_get_id (first), &error));
  g_assert_no_error (error);
  g_assert_null (wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (first), &error));
  g_assert_no_error (error);
  g_assert_false (wh_store_remove_endpoint (fixture->store, wh_endpoint_get_id (first), &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_clear_error (&error);

  g_clear_pointer (&list, g_ptr_array_unref);
  list = wh_store_list_endpoints (fixture->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
}

/* ---------------------------------------------------------------- store: publish */

static void
test_store_publish (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autoptr(WhEndpoint) b = test_common_add_endpoint (fixture->store, "https://b.example.org/");
  const char *ids_with_unknown[] = { wh_endpoint_get_id (a), "ep_unknown", NULL };
  const char *none[] = { NULL };
  g_autofree char *first = publish (fixture->store, "new-payment", "{\"amount\":1}", T0,
                                    wh_endpoint_get_id (a), wh_endpoint_get_id (b), NULL);
  g_autofree char *second = publish (fixture->store, "new-payment", "{\"amount\":2}", T0,
                                     wh_endpoint_get_id (b), wh_endpoint_get_id (b), NULL);
  g_autofree char *nobody = NULL;
  g_autofree char *failed = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;
  g_autoptr(GBytes) payload = g_bytes_new_static ("{}", 2);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  WhDelivery *delivery;

  g_assert_true (g_str_has_prefix (first, "msg_"));
  g_assert_cmpuint (strlen (first), ==, 4 + 26);
  /* Time-sortable: a later message has a larger id. */
  g_assert_cmpstr (first, <, second);

  deliveries = wh_store_list_deliveries (fixture->store, first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (deliveries->len, ==, 2);
  delivery = g_ptr_array_index (deliveries, 0);
  g_assert_cmpstr (wh_delivery_get_message_id (delivery), ==, first);
  g_assert_cmpstr (wh_delivery_get_endpoint_id (delivery), ==, wh_endpoint_get_id (a));
  g_assert_cmpstr (wh_delivery_get_event (delivery), ==, "new-payment");
  g_assert_cmpmem (g_bytes_get_data (wh_delivery_get_payload (delivery), NULL),
                   g_bytes_get_size (wh_delivery_get_payload (delivery)),
                   "{\"amount\":1}", 12);
  g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_PENDING);
  g_assert_cmpuint (wh_delivery_get_attempt (delivery), ==, 1);
  g_assert_cmpint (wh_delivery_get_created_at (delivery), ==, T0);
  g_assert_cmpint (wh_delivery_get_next_attempt_at (delivery), ==, T0);
  g_clear_pointer (&deliveries, g_ptr_array_unref);

  /* A repeated endpoint id gets one delivery. */
  deliveries = wh_store_list_deliveries (fixture->store, second, &error);
  g_assert_cmpuint (deliveries->len, ==, 1);
  g_clear_pointer (&deliveries, g_ptr_array_unref);
  test_common_assert_counts (fixture->store, 3, 0, 0);

  /* A message to nobody is stored, with no delivery; an empty body is a body. */
  nobody = wh_store_publish (fixture->store, "new-payment", empty, none, T0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (nobody);
  deliveries = wh_store_list_deliveries (fixture->store, nobody, &error);
  g_assert_cmpuint (deliveries->len, ==, 0);
  g_clear_pointer (&deliveries, g_ptr_array_unref);

  /* One unknown endpoint fails the whole publish: nothing of it is stored. */
  failed = wh_store_publish (fixture->store, "new-payment", payload, ids_with_unknown, T0, &error);
  g_assert_null (failed);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "ep_unknown"));
  g_clear_error (&error);
  test_common_assert_counts (fixture->store, 3, 0, 0);

  /* The store is still usable after the rolled-back transaction. */
  g_free (failed);
  failed = publish (fixture->store, "refund", "{}", T0, wh_endpoint_get_id (a), NULL);
  test_common_assert_counts (fixture->store, 4, 0, 0);
}

/* ---------------------------------------------------------------- store: claim and lease */

static void
test_store_claim (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autoptr(WhEndpoint) off = test_common_add_endpoint (fixture->store, "https://off.example.org/");
  g_autofree char *first = publish (fixture->store, "e", "1", T0, wh_endpoint_get_id (a), NULL);
  g_autofree char *second = publish (fixture->store, "e", "2", T0 + 1, wh_endpoint_get_id (a),
                                     wh_endpoint_get_id (off), NULL);
  g_autoptr(GPtrArray) claimed = NULL;
  gint64 first_id;

  wh_endpoint_set_enabled (off, FALSE);
  g_assert_true (wh_store_update_endpoint (fixture->store, off, &error));

  /* Nothing is due before it was published. */
  claimed = claim (fixture->store, T0 - 1, 10);
  g_assert_cmpuint (claimed->len, ==, 0);
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* Oldest due first, up to the limit. */
  claimed = claim (fixture->store, T0 + 10, 1);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (claimed, 0)), ==, first);
  g_assert_cmpint (wh_delivery_get_next_attempt_at (g_ptr_array_index (claimed, 0)), ==,
                   T0 + 10 + SECONDS (30));
  first_id = wh_delivery_get_id (g_ptr_array_index (claimed, 0));
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* The leased one is not claimed again; the disabled endpoint's one is not claimed. */
  claimed = claim (fixture->store, T0 + 20, 10);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (claimed, 0)), ==, second);
  g_assert_cmpstr (wh_delivery_get_endpoint_id (g_ptr_array_index (claimed, 0)), ==, wh_endpoint_get_id (a));
  g_clear_pointer (&claimed, g_ptr_array_unref);

  claimed = claim (fixture->store, T0 + SECONDS (29), 10);
  g_assert_cmpuint (claimed->len, ==, 0);
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* Once the lease has run out without an attempt recorded, it is due again, still as
   * its first attempt. */
  claimed = claim (fixture->store, T0 + 10 + SECONDS (30), 10);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpint (wh_delivery_get_id (g_ptr_array_index (claimed, 0)), ==, first_id);
  g_assert_cmpuint (wh_delivery_get_attempt (g_ptr_array_index (claimed, 0)), ==, 1);
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* Enabling the endpoint again makes its waiting delivery due. */
  wh_endpoint_set_enabled (off, TRUE);
  g_assert_true (wh_store_update_endpoint (fixture->store, off, &error));
  claimed = claim (fixture->store, T0 + SECONDS (30) + 15, 10);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_endpoint_id (g_ptr_array_index (claimed, 0)), ==, wh_endpoint_get_id (off));
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* A limit of 0 claims nothing. */
  claimed = claim (fixture->store, T0 + SECONDS (3600), 0);
  g_assert_cmpuint (claimed->len, ==, 0);
}

/* ---------------------------------------------------------------- store: attempts */

static void
test_store_attempts (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autoptr(WhEndpoint) b = test_common_add_endpoint (fixture->store, "https://b.example.org/");
  g_autofree char *message = publish (fixture->store, "e", "payload", T0,
                                      wh_endpoint_get_id (a), wh_endpoint_get_id (b), NULL);
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;
  g_autoptr(WhAttempt) unknown = NULL;
  g_autoptr(WhDelivery) to_a = NULL;
  g_autoptr(WhDelivery) to_b = NULL;
  WhAttempt *attempt;

  claimed = claim (fixture->store, T0, 10);
  g_assert_cmpuint (claimed->len, ==, 2);
  to_a = g_object_ref (g_ptr_array_index (claimed, 0));
  to_b = g_object_ref (g_ptr_array_index (claimed, 1));
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* a: 500, retried in 5 s; then a timeout, retried in 5 min; then 204. */
  record (fixture->store, to_a, T0 + 100, 500, NULL, T0 + SECONDS (5));
  /* b: refused for good. */
  record (fixture->store, to_b, T0 + 200, 0, "Connection refused", 0);
  test_common_assert_counts (fixture->store, 1, 0, 1);

  claimed = claim (fixture->store, T0 + SECONDS (4), 10);
  g_assert_cmpuint (claimed->len, ==, 0);
  g_clear_pointer (&claimed, g_ptr_array_unref);

  claimed = claim (fixture->store, T0 + SECONDS (5), 10);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_clear_object (&to_a);
  to_a = g_object_ref (g_ptr_array_index (claimed, 0));
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_cmpuint (wh_delivery_get_attempt (to_a), ==, 2);

  record (fixture->store, to_a, T0 + SECONDS (5), 0, "Timed out after 15 s", T0 + SECONDS (305));
  claimed = claim (fixture->store, T0 + SECONDS (305), 10);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_clear_object (&to_a);
  to_a = g_object_ref (g_ptr_array_index (claimed, 0));
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_assert_cmpuint (wh_delivery_get_attempt (to_a), ==, 3);
  record (fixture->store, to_a, T0 + SECONDS (305), 204, NULL, 0);
  test_common_assert_counts (fixture->store, 0, 1, 1);

  /* Finished deliveries are never claimed again. */
  claimed = claim (fixture->store, T0 + SECONDS (100000), 10);
  g_assert_cmpuint (claimed->len, ==, 0);
  g_clear_pointer (&claimed, g_ptr_array_unref);

  attempts = wh_store_list_attempts (fixture->store, wh_delivery_get_id (to_a), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attempts->len, ==, 3);
  attempt = g_ptr_array_index (attempts, 0);
  g_assert_cmpint (wh_attempt_get_delivery_id (attempt), ==, wh_delivery_get_id (to_a));
  g_assert_cmpuint (wh_attempt_get_number (attempt), ==, 1);
  g_assert_cmpint (wh_attempt_get_started_at (attempt), ==, T0 + 100);
  g_assert_cmpint (wh_attempt_get_duration (attempt), ==, 1234);
  g_assert_cmpuint (wh_attempt_get_status_code (attempt), ==, 500);
  g_assert_null (wh_attempt_get_error_message (attempt));
  g_assert_cmpmem (g_bytes_get_data (wh_attempt_get_response_body (attempt), NULL), 6, "answer", 6);
  g_assert_cmpint (wh_attempt_get_next_attempt_at (attempt), ==, T0 + SECONDS (5));
  g_assert_false (wh_attempt_get_succeeded (attempt));
  attempt = g_ptr_array_index (attempts, 1);
  g_assert_cmpuint (wh_attempt_get_number (attempt), ==, 2);
  g_assert_cmpstr (wh_attempt_get_error_message (attempt), ==, "Timed out after 15 s");
  attempt = g_ptr_array_index (attempts, 2);
  g_assert_cmpuint (wh_attempt_get_number (attempt), ==, 3);
  g_assert_cmpuint (wh_attempt_get_status_code (attempt), ==, 204);
  g_assert_true (wh_attempt_get_succeeded (attempt));
  g_assert_cmpint (wh_attempt_get_next_attempt_at (attempt), ==, 0);
  g_clear_pointer (&attempts, g_ptr_array_unref);

  deliveries = wh_store_list_deliveries (fixture->store, message, &error);
  g_assert_cmpuint (deliveries->len, ==, 2);
  g_assert_cmpint (wh_delivery_get_state (g_ptr_array_index (deliveries, 0)), ==, WH_DELIVERY_STATE_SUCCEEDED);
  g_assert_cmpint (wh_delivery_get_next_attempt_at (g_ptr_array_index (deliveries, 0)), ==, 0);
  g_assert_cmpint (wh_delivery_get_state (g_ptr_array_index (deliveries, 1)), ==, WH_DELIVERY_STATE_FAILED);
  g_clear_pointer (&deliveries, g_ptr_array_unref);

  /* A late attempt (another dispatcher whose lease ran out) is recorded, but a
   * finished delivery keeps its state. */
  record (fixture->store, to_a, T0 + SECONDS (306), 500, NULL, T0 + SECONDS (400));
  test_common_assert_counts (fixture->store, 0, 1, 1);
  attempts = wh_store_list_attempts (fixture->store, wh_delivery_get_id (to_a), &error);
  g_assert_cmpuint (attempts->len, ==, 4);
  g_clear_pointer (&attempts, g_ptr_array_unref);

  /* An attempt of a delivery the store does not have is an error. */
  unknown = wh_attempt_new (424242, 1, T0, 1, 200, NULL, NULL, 0);
  g_assert_false (wh_store_record_attempt (fixture->store, unknown, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_clear_error (&error);

  attempts = wh_store_list_attempts (fixture->store, 424242, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attempts->len, ==, 0);

  /* A 2xx with an error (say the body could not be read) is not a success. */
  g_clear_object (&unknown);
  unknown = wh_attempt_new (1, 1, T0, 1, 200, "The answer was cut off", NULL, 0);
  g_assert_false (wh_attempt_get_succeeded (unknown));
}

/* A store that only has the required operations, lent by a SQLite store: what
 * wh_store_record_attempts() does for a store without record_attempts. */
#define TEST_TYPE_PLAIN_STORE (test_plain_store_get_type ())
G_DECLARE_FINAL_TYPE (TestPlainStore, test_plain_store, TEST, PLAIN_STORE, GObject)

struct _TestPlainStore
{
  GObject parent_instance;
  WhStore *inner;
  guint recorded;
};

static gboolean
test_plain_store_record_attempt (WhStore    *store,
                                 WhAttempt  *attempt,
                                 GError    **error)
{
  TestPlainStore *self = TEST_PLAIN_STORE (store);

  if (!wh_store_record_attempt (self->inner, attempt, error))
    return FALSE;
  self->recorded++;
  return TRUE;
}

static void
test_plain_store_iface_init (WhStoreInterface *iface)
{
  iface->record_attempt = test_plain_store_record_attempt;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestPlainStore, test_plain_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WH_TYPE_STORE, test_plain_store_iface_init))

static void
test_plain_store_finalize (GObject *object)
{
  g_clear_object (&TEST_PLAIN_STORE (object)->inner);
  G_OBJECT_CLASS (test_plain_store_parent_class)->finalize (object);
}

static void
test_plain_store_class_init (TestPlainStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_plain_store_finalize;
}

static void
test_plain_store_init (TestPlainStore *self)
{
}

static guint
count_attempts (WhStore    *store,
                WhDelivery *delivery)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) attempts = wh_store_list_attempts (store, wh_delivery_get_id (delivery),
                                                          &error);

  g_assert_no_error (error);
  return attempts->len;
}

static void
test_store_record_attempts (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autoptr(WhEndpoint) b = test_common_add_endpoint (fixture->store, "https://b.example.org/");
  g_autoptr(WhEndpoint) c = test_common_add_endpoint (fixture->store, "https://c.example.org/");
  g_autofree char *message = publish (fixture->store, "e", "payload", T0,
                                      wh_endpoint_get_id (a), wh_endpoint_get_id (b),
                                      wh_endpoint_get_id (c), NULL);
  g_autoptr(GPtrArray) first = claim (fixture->store, T0, 10);
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(TestPlainStore) plain = NULL;
  WhDelivery *to_a, *to_b, *to_c;

  g_assert_cmpuint (first->len, ==, 3);
  to_a = g_ptr_array_index (first, 0);
  to_b = g_ptr_array_index (first, 1);
  to_c = g_ptr_array_index (first, 2);

  /* Nothing to record is no error. */
  g_assert_true (wh_store_record_attempts (fixture->store, empty, &error));
  g_assert_no_error (error);

  /* Three outcomes in one call: done, retried, failed for good. */
  g_ptr_array_add (batch, wh_attempt_new (wh_delivery_get_id (to_a), 1, T0 + 10, 5, 204, NULL, NULL, 0));
  g_ptr_array_add (batch, wh_attempt_new (wh_delivery_get_id (to_b), 1, T0 + 20, 5, 500, NULL, NULL,
                                          T0 + SECONDS (5)));
  g_ptr_array_add (batch, wh_attempt_new (wh_delivery_get_id (to_c), 1, T0 + 30, 5, 0,
                                          "Connection refused", NULL, 0));
  g_assert_true (wh_store_record_attempts (fixture->store, batch, &error));
  g_assert_no_error (error);
  test_common_assert_counts (fixture->store, 1, 1, 1);
  g_assert_cmpuint (count_attempts (fixture->store, to_a), ==, 1);
  g_assert_cmpuint (count_attempts (fixture->store, to_b), ==, 1);
  g_assert_cmpuint (count_attempts (fixture->store, to_c), ==, 1);
  /* The failure clock follows, as with one attempt at a time. */
  g_assert_cmpint (wh_store_get_endpoint_failing_since (fixture->store, wh_endpoint_get_id (a), &error), ==, 0);
  g_assert_cmpint (wh_store_get_endpoint_failing_since (fixture->store, wh_endpoint_get_id (b), &error), ==, T0 + 20);
  g_assert_no_error (error);

  /* All or none: an attempt of an unknown delivery leaves the others unrecorded. */
  claimed = claim (fixture->store, T0 + SECONDS (5), 10);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, wh_attempt_new (wh_delivery_get_id (g_ptr_array_index (claimed, 0)), 2,
                                          T0 + SECONDS (5), 5, 204, NULL, NULL, 0));
  g_ptr_array_add (batch, wh_attempt_new (424242, 1, T0, 1, 200, NULL, NULL, 0));
  g_assert_false (wh_store_record_attempts (fixture->store, batch, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (count_attempts (fixture->store, to_b), ==, 1);
  test_common_assert_counts (fixture->store, 1, 1, 1);

  /* The store stays usable: the good one alone goes in. */
  g_ptr_array_remove_index (batch, 1);
  g_assert_true (wh_store_record_attempts (fixture->store, batch, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_attempts (fixture->store, to_b), ==, 2);
  test_common_assert_counts (fixture->store, 0, 2, 1);

  /* A store without record_attempts gets them one by one. */
  plain = g_object_new (TEST_TYPE_PLAIN_STORE, NULL);
  plain->inner = g_object_ref (fixture->store);
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, wh_attempt_new (wh_delivery_get_id (to_a), 2, T0 + SECONDS (6), 5, 500, NULL, NULL, 0));
  g_ptr_array_add (batch, wh_attempt_new (wh_delivery_get_id (to_c), 2, T0 + SECONDS (6), 5, 500, NULL, NULL, 0));
  g_assert_true (wh_store_record_attempts (WH_STORE (plain), batch, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (plain->recorded, ==, 2);
  g_assert_cmpuint (count_attempts (fixture->store, to_a), ==, 2);
  g_assert_cmpuint (count_attempts (fixture->store, to_c), ==, 2);
}

static goffset
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? (goffset) buf.st_size : 0;
}

/* The write-ahead log is copied into the database while the store is open (by the
 * store's checkpoint thread), so the log does not grow with what is written, and the
 * data is in the database file itself. */
static void
test_store_checkpoints (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *body = g_strnfill (16 * 1024, 'x');
  const goffset written = 64 * 1024 * 1024;
  goffset largest_wal = 0;
  gint64 deadline;

  for (goffset total = 0; total < written; total += 16 * 1024)
    {
      g_autofree char *message = publish (fixture->store, "e", body, T0, wh_endpoint_get_id (a), NULL);

      largest_wal = MAX (largest_wal, file_size (wal));
    }

  g_test_message ("largest log %" G_GOFFSET_FORMAT " bytes for %" G_GOFFSET_FORMAT " written",
                  largest_wal, written);
  /* Each byte of payload takes about three in the log (pages, indexes, frame headers)
   * when it is never checkpointed. */
  g_assert_cmpint (largest_wal, <, written * 3 / 4);

  /* The last checkpoint may still be running. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (file_size (fixture->path) < written / 2 && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpint (file_size (fixture->path), >=, written / 2);
  test_common_assert_counts (fixture->store, written / (16 * 1024), 0, 0);
}

static void
test_store_remove_cascades (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autoptr(WhEndpoint) b = test_common_add_endpoint (fixture->store, "https://b.example.org/");
  g_autofree char *message = publish (fixture->store, "e", "x", T0,
                                      wh_endpoint_get_id (a), wh_endpoint_get_id (b), NULL);
  g_autoptr(GPtrArray) claimed = claim (fixture->store, T0, 10);
  g_autoptr(GPtrArray) deliveries = NULL;

  record (fixture->store, g_ptr_array_index (claimed, 0), T0, 500, NULL, T0 + 1);
  g_assert_true (wh_store_remove_endpoint (fixture->store, wh_endpoint_get_id (a), &error));
  g_assert_no_error (error);

  deliveries = wh_store_list_deliveries (fixture->store, message, &error);
  g_assert_cmpuint (deliveries->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_endpoint_id (g_ptr_array_index (deliveries, 0)), ==, wh_endpoint_get_id (b));
  test_common_assert_counts (fixture->store, 1, 0, 0);
}

/* ---------------------------------------------------------------- file store */

static void
test_store_reopen (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autofree char *first = publish (fixture->store, "e", "one", T0, wh_endpoint_get_id (a), NULL);
  g_autofree char *second = publish (fixture->store, "e", "two", T0, wh_endpoint_get_id (a), NULL);
  g_autoptr(GPtrArray) claimed = claim (fixture->store, T0, 1);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(WhEndpoint) read = NULL;

  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);

  g_assert_cmpstr (wh_sqlite_store_get_path (WH_SQLITE_STORE (fixture->store)), ==, fixture->path);
  /* Write-ahead logging: the log sits next to the file while the store is open. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_clear_object (&fixture->store);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));

  fixture->store = wh_sqlite_store_new (fixture->path, &error);
  g_assert_no_error (error);

  read = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (a), &error);
  g_assert_nonnull (read);
  g_assert_cmpstr (wh_endpoint_get_secret (read), ==, wh_endpoint_get_secret (a));
  test_common_assert_counts (fixture->store, 2, 0, 0);

  /* The lease survives the reopening: only the unclaimed message is due now... */
  g_clear_pointer (&claimed, g_ptr_array_unref);
  claimed = claim (fixture->store, T0 + 1, 10);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (claimed, 0)), ==, second);
  g_clear_pointer (&claimed, g_ptr_array_unref);

  /* ...and the first one once its lease has run out. */
  claimed = claim (fixture->store, T0 + SECONDS (31), 10);
  g_assert_cmpuint (claimed->len, ==, 2);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (claimed, 0)), ==, first);
  g_assert_cmpmem (g_bytes_get_data (wh_delivery_get_payload (g_ptr_array_index (claimed, 0)), NULL), 3, "one", 3);

  list = wh_store_list_endpoints (fixture->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
}

static void
test_store_two_connections (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhStore) other = wh_sqlite_store_new (fixture->path, &error);
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autofree char *message = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) theirs = NULL;

  g_assert_no_error (error);
  for (int i = 0; i < 10; i++)
    g_free (publish (other, "e", "x", T0, wh_endpoint_get_id (a), NULL));

  /* Two stores on one file never claim the same delivery. */
  mine = claim (fixture->store, T0, 6);
  theirs = claim (other, T0, 6);
  g_assert_cmpuint (mine->len, ==, 6);
  g_assert_cmpuint (theirs->len, ==, 4);
  for (guint i = 0; i < mine->len; i++)
    for (guint j = 0; j < theirs->len; j++)
      g_assert_cmpint (wh_delivery_get_id (g_ptr_array_index (mine, i)), !=,
                       wh_delivery_get_id (g_ptr_array_index (theirs, j)));
}

static void
write_file (const char *path,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static void
sql (const char *path,
     const char *statements)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, statements, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_store_bad_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wh-store-XXXXXX", &error);
  g_autofree char *garbage = g_build_filename (dir, "garbage.db", NULL);
  g_autofree char *foreign = g_build_filename (dir, "foreign.db", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.db", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "folder.db", NULL);
  g_autofree char *contents = NULL;
  const char junk[] = "This is not a database, it is a text file that is long enough to "
                      "fill a SQLite header and then some more text to be sure.";
  gsize length;
  WhStore *store;

  g_assert_no_error (error);

  write_file (garbage, junk, sizeof junk);
  store = wh_sqlite_store_new (garbage, &error);
  g_assert_null (store);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not a SQLite database"));
  g_clear_error (&error);
  /* The file is left as it was. */
  g_file_get_contents (garbage, &contents, &length, NULL);
  g_assert_cmpmem (contents, length, junk, sizeof junk);

  sql (foreign, "CREATE TABLE recipes (name TEXT);");
  store = wh_sqlite_store_new (foreign, &error);
  g_assert_null (store);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "another application"));
  g_clear_error (&error);

  store = wh_sqlite_store_new (newer, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  sql (newer, "UPDATE wh_schema SET version = 99;");
  store = wh_sqlite_store_new (newer, &error);
  g_assert_null (store);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "newer libwebhooks"));
  g_clear_error (&error);

  store = wh_sqlite_store_new (missing, &error);
  g_assert_null (store);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  remove_dir (dir);
}

/* ---------------------------------------------------------------- store: rotation, release, failure clock */

static void
test_store_rotation (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autoptr(WhEndpoint) read = NULL;
  g_autofree char *old = g_strdup (wh_endpoint_get_secret (a));
  g_auto(GStrv) active = NULL;
  gint64 until = g_get_real_time () + G_TIME_SPAN_DAY;

  g_assert_true (wh_endpoint_rotate_secret (a, NULL, until, &error));
  g_assert_true (wh_store_update_endpoint (fixture->store, a, &error));
  g_assert_no_error (error);

  if (user_data)
    {
      g_clear_object (&fixture->store);
      fixture->store = wh_sqlite_store_new (fixture->path, &error);
      g_assert_no_error (error);
    }

  read = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (a), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wh_endpoint_get_secret (read), ==, wh_endpoint_get_secret (a));
  g_assert_cmpstrv (wh_endpoint_get_previous_secrets (read), wh_endpoint_get_previous_secrets (a));
  active = wh_endpoint_get_active_secrets (read, until - 1);
  g_assert_cmpuint (g_strv_length (active), ==, 2);
  g_assert_cmpstr (active[1], ==, old);

  /* Ending the rotation is saved too. */
  wh_endpoint_set_previous_secrets (read, NULL, &error);
  g_assert_true (wh_store_update_endpoint (fixture->store, read, &error));
  g_clear_object (&read);
  read = wh_store_lookup_endpoint (fixture->store, wh_endpoint_get_id (a), &error);
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_previous_secrets (read)), ==, 0);
}

static void
test_store_release (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autofree char *first = publish (fixture->store, "e", "1", T0, wh_endpoint_get_id (a), NULL);
  g_autofree char *second = NULL;
  g_autoptr(GPtrArray) claimed = claim (fixture->store, T0 + 10, 10);
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;
  g_autoptr(WhDelivery) delivery = g_object_ref (g_ptr_array_index (claimed, 0));
  gint64 id = wh_delivery_get_id (delivery);

  g_clear_pointer (&claimed, g_ptr_array_unref);
  second = publish (fixture->store, "e", "2", T0 + 20, wh_endpoint_get_id (a), NULL);

  /* Handed back: due again from the time it was claimed, before what became due while
   * it was out, with the same attempt number and no attempt recorded. */
  g_assert_true (wh_store_release (fixture->store, id, &error));
  g_assert_no_error (error);
  deliveries = wh_store_list_deliveries (fixture->store, first, &error);
  g_assert_cmpint (wh_delivery_get_next_attempt_at (g_ptr_array_index (deliveries, 0)), ==, T0 + 10);
  g_assert_cmpuint (wh_delivery_get_attempt (g_ptr_array_index (deliveries, 0)), ==, 1);
  attempts = wh_store_list_attempts (fixture->store, id, &error);
  g_assert_cmpuint (attempts->len, ==, 0);
  test_common_assert_counts (fixture->store, 2, 0, 0);

  claimed = claim (fixture->store, T0 + 30, 10);
  g_assert_cmpuint (claimed->len, ==, 2);
  g_assert_cmpint (wh_delivery_get_id (g_ptr_array_index (claimed, 0)), ==, id);
  g_assert_cmpuint (wh_delivery_get_attempt (g_ptr_array_index (claimed, 0)), ==, 1);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (claimed, 1)), ==, second);

  /* A finished delivery, or one not leased, has nothing to hand back. */
  record (fixture->store, g_ptr_array_index (claimed, 0), T0 + 40, 204, NULL, 0);
  g_assert_true (wh_store_release (fixture->store, id, &error));
  g_assert_no_error (error);
  g_assert_true (wh_store_release (fixture->store, id, &error));
  test_common_assert_counts (fixture->store, 1, 1, 0);
  g_clear_pointer (&claimed, g_ptr_array_unref);
  claimed = claim (fixture->store, T0 + 50, 10);
  g_assert_cmpuint (claimed->len, ==, 0);

  g_assert_false (wh_store_release (fixture->store, 424242, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_test_message ("%s", error->message);
}

/* A store hands back only what it leased itself: another process's claim stays. */
static void
test_store_release_others (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhStore) other = wh_sqlite_store_new (fixture->path, &error);
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autofree char *message = publish (fixture->store, "e", "1", T0, wh_endpoint_get_id (a), NULL);
  g_autoptr(GPtrArray) theirs = claim (other, T0, 10);
  g_autoptr(GPtrArray) mine = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (theirs->len, ==, 1);
  g_assert_true (wh_store_release (fixture->store, wh_delivery_get_id (g_ptr_array_index (theirs, 0)),
                                   &error));
  g_assert_no_error (error);
  mine = claim (fixture->store, T0 + 1, 10);
  g_assert_cmpuint (mine->len, ==, 0);
}

static gint64
failing_since (WhStore    *store,
               WhEndpoint *endpoint)
{
  g_autoptr(GError) error = NULL;
  gint64 since = wh_store_get_endpoint_failing_since (store, wh_endpoint_get_id (endpoint), &error);

  g_assert_no_error (error);
  return since;
}

static void
test_store_failure_clock (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autoptr(WhEndpoint) b = test_common_add_endpoint (fixture->store, "https://b.example.org/");
  g_autofree char *m1 = publish (fixture->store, "e", "1", T0, wh_endpoint_get_id (a),
                                 wh_endpoint_get_id (b), NULL);
  g_autofree char *m2 = publish (fixture->store, "e", "2", T0, wh_endpoint_get_id (a), NULL);
  g_autoptr(GPtrArray) claimed = claim (fixture->store, T0, 10);
  g_autoptr(GPtrArray) again = NULL;
  gint64 since = -1;
  WhDelivery *a1 = NULL, *a2 = NULL, *b1 = NULL;

  g_assert_cmpuint (claimed->len, ==, 3);
  for (guint i = 0; i < claimed->len; i++)
    {
      WhDelivery *delivery = g_ptr_array_index (claimed, i);

      if (g_str_equal (wh_delivery_get_endpoint_id (delivery), wh_endpoint_get_id (b)))
        b1 = delivery;
      else if (g_str_equal (wh_delivery_get_message_id (delivery), m1))
        a1 = delivery;
      else
        a2 = delivery;
    }

  g_assert_cmpint (failing_since (fixture->store, a), ==, 0);

  /* The first failure starts the clock; later ones do not move it. */
  record (fixture->store, a1, T0 + SECONDS (5), 500, NULL, T0 + SECONDS (60));
  g_assert_cmpint (failing_since (fixture->store, a), ==, T0 + SECONDS (5));
  record (fixture->store, a2, T0 + SECONDS (9), 0, "Connection refused", T0 + SECONDS (60));
  g_assert_cmpint (failing_since (fixture->store, a), ==, T0 + SECONDS (5));
  /* Each endpoint has its own. */
  g_assert_cmpint (failing_since (fixture->store, b), ==, 0);
  record (fixture->store, b1, T0 + SECONDS (7), 204, NULL, 0);
  g_assert_cmpint (failing_since (fixture->store, b), ==, 0);

  /* It survives the store being closed and opened again (a restart). */
  if (user_data)
    {
      g_clear_object (&fixture->store);
      fixture->store = wh_sqlite_store_new (fixture->path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (failing_since (fixture->store, a), ==, T0 + SECONDS (5));
    }

  /* A success stops it; the next failure starts it anew. */
  again = claim (fixture->store, T0 + SECONDS (60), 10);
  g_assert_cmpuint (again->len, ==, 2);
  record (fixture->store, g_ptr_array_index (again, 0), T0 + SECONDS (60), 204, NULL, 0);
  g_assert_cmpint (failing_since (fixture->store, a), ==, 0);
  record (fixture->store, g_ptr_array_index (again, 1), T0 + SECONDS (61), 503, NULL, T0 + SECONDS (120));
  g_assert_cmpint (failing_since (fixture->store, a), ==, T0 + SECONDS (61));

  /* Saving other changes keeps it; disabling or enabling the endpoint restarts it. */
  wh_endpoint_set_description (a, "Accounting");
  g_assert_true (wh_store_update_endpoint (fixture->store, a, &error));
  g_assert_cmpint (failing_since (fixture->store, a), ==, T0 + SECONDS (61));
  wh_endpoint_set_enabled (a, FALSE);
  g_assert_true (wh_store_update_endpoint (fixture->store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (failing_since (fixture->store, a), ==, 0);

  since = wh_store_get_endpoint_failing_since (fixture->store, "ep_unknown", &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_STORE);
  g_assert_cmpint (since, ==, -1);
}

/* The tables as schema version 1 (libwebhooks before secret rotation) wrote them. */
static const char schema_v1[] =
  "CREATE TABLE wh_schema (version INTEGER NOT NULL);"
  "CREATE TABLE endpoints (id TEXT PRIMARY KEY NOT NULL, url TEXT NOT NULL,"
  "  secret TEXT NOT NULL, events TEXT, enabled INTEGER NOT NULL, description TEXT,"
  "  headers TEXT NOT NULL, created_at INTEGER NOT NULL);"
  "CREATE TABLE messages (id TEXT PRIMARY KEY NOT NULL, event TEXT NOT NULL,"
  "  payload BLOB NOT NULL, created_at INTEGER NOT NULL);"
  "CREATE TABLE deliveries (id INTEGER PRIMARY KEY,"
  "  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
  "  endpoint_id TEXT NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,"
  "  state INTEGER NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,"
  "  lease_owner TEXT, lease_expires_at INTEGER, last_attempt_at INTEGER,"
  "  UNIQUE (message_id, endpoint_id));"
  "CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE state = 0;"
  "CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id);"
  "CREATE TABLE attempts (id INTEGER PRIMARY KEY,"
  "  delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,"
  "  number INTEGER NOT NULL, started_at INTEGER NOT NULL, duration INTEGER NOT NULL,"
  "  status_code INTEGER NOT NULL, error TEXT, response_body BLOB,"
  "  next_attempt_at INTEGER NOT NULL);"
  "CREATE INDEX attempts_delivery ON attempts (delivery_id);"
  "INSERT INTO wh_schema (version) VALUES (1);"
  /* An endpoint, a message delivered once with a failure, another never tried. */
  "INSERT INTO endpoints VALUES ('ep_old', 'https://old.example.org/hooks',"
  "  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '[\"new-payment\"]', 1, 'Kept',"
  "  '[\"X-Tenant: acme\"]', 1700000000000000);"
  "INSERT INTO messages VALUES ('msg_1', 'new-payment', '{\"amount\":1}', 1700000000000000);"
  "INSERT INTO messages VALUES ('msg_2', 'new-payment', '{\"amount\":2}', 1700000001000000);"
  "INSERT INTO deliveries VALUES (1, 'msg_1', 'ep_old', 0, 1, 1700000060000000, NULL, NULL,"
  "  1700000000000000);"
  "INSERT INTO deliveries VALUES (2, 'msg_2', 'ep_old', 0, 0, 1700000001000000, NULL, NULL, NULL);"
  "INSERT INTO attempts VALUES (1, 1, 1, 1700000000000000, 1000, 500, NULL, NULL,"
  "  1700000060000000);";

static gint64
schema_version (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT max(version) FROM wh_schema", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return version;
}

static void
test_store_migrate_v1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wh-store-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "deliveries.db", NULL);
  g_autoptr(WhStore) store = NULL;
  g_autoptr(WhEndpoint) endpoint = NULL;
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  const char *events[] = { "new-payment", NULL };
  gint64 since = -1;

  g_assert_no_error (error);
  sql (path, schema_v1);
  g_assert_cmpint (schema_version (path), ==, 1);

  store = wh_sqlite_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpint (schema_version (path), ==, WH_SQLITE_STORE_SCHEMA_VERSION);

  /* Everything the old version stored reads as it was. */
  endpoint = wh_store_lookup_endpoint (store, "ep_old", &error);
  g_assert_no_error (error);
  g_assert_nonnull (endpoint);
  g_assert_cmpstr (wh_endpoint_get_url (endpoint), ==, "https://old.example.org/hooks");
  g_assert_cmpstr (wh_endpoint_get_secret (endpoint), ==, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  g_assert_cmpstrv (wh_endpoint_get_events (endpoint), events);
  g_assert_cmpstr (wh_endpoint_get_description (endpoint), ==, "Kept");
  g_assert_cmpstr (wh_endpoint_get_header (endpoint, "X-Tenant"), ==, "acme");
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_previous_secrets (endpoint)), ==, 0);
  since = wh_store_get_endpoint_failing_since (store, "ep_old", &error);
  g_assert_no_error (error);
  g_assert_cmpint (since, ==, 0);
  test_common_assert_counts (store, 2, 0, 0);

  /* ...and works with what the new version added. */
  claimed = claim (store, T0 + SECONDS (60), 10);
  g_assert_cmpuint (claimed->len, ==, 2);
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (claimed, 0)), ==, "msg_2");
  g_assert_cmpstr (wh_delivery_get_message_id (g_ptr_array_index (claimed, 1)), ==, "msg_1");
  g_assert_cmpuint (wh_delivery_get_attempt (g_ptr_array_index (claimed, 1)), ==, 2);
  g_assert_true (wh_store_release (store, wh_delivery_get_id (g_ptr_array_index (claimed, 0)), &error));
  g_assert_no_error (error);
  record (store, g_ptr_array_index (claimed, 1), T0 + SECONDS (61), 502, NULL, T0 + SECONDS (120));
  since = wh_store_get_endpoint_failing_since (store, "ep_old", &error);
  g_assert_no_error (error);
  g_assert_cmpint (since, ==, T0 + SECONDS (61));
  attempts = wh_store_list_attempts (store, 1, &error);
  g_assert_cmpuint (attempts->len, ==, 2);
  g_assert_true (wh_endpoint_rotate_secret (endpoint, NULL, g_get_real_time () + G_TIME_SPAN_DAY, &error));
  g_assert_true (wh_store_update_endpoint (store, endpoint, &error));
  g_assert_no_error (error);

  /* Opening the migrated file again changes nothing more. */
  g_clear_object (&store);
  store = wh_sqlite_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (schema_version (path), ==, WH_SQLITE_STORE_SCHEMA_VERSION);
  g_clear_object (&endpoint);
  endpoint = wh_store_lookup_endpoint (store, "ep_old", &error);
  g_assert_cmpuint (g_strv_length ((char **) wh_endpoint_get_previous_secrets (endpoint)), ==, 1);
  test_common_assert_counts (store, 2, 0, 0);

  g_clear_object (&store);
  remove_dir (dir);
}

/* ---------------------------------------------------------------- crash */

#define CRASH_ROUNDS 4
#define CRASH_LEASE 3600

/* The child writes what it did to @log only after the store call returned, so every
 * line names something the store had committed when the process was killed. */
static void G_GNUC_NORETURN
crash_child (const char *path,
             const char *log_path,
             const char *endpoint_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhStore) store = wh_sqlite_store_new (path, &error);
  FILE *log = fopen (log_path, "a");
  const char *ids[] = { endpoint_id, NULL };

  if (store == NULL || log == NULL)
    _exit (2);

  for (guint i = 0;; i++)
    {
      char *body = g_strdup_printf ("{\"n\":%u}", i);
      g_autoptr(GBytes) payload = g_bytes_new_take (body, strlen (body));
      g_autofree char *id = NULL;

      id = wh_store_publish (store, "crash", payload, ids, g_get_real_time (), &error);
      if (id == NULL)
        _exit (3);
      fprintf (log, "P %s\n", id);
      fflush (log);

      if (i % 4 == 3)
        {
          g_autoptr(GPtrArray) claimed =
            wh_store_claim_due (store, g_get_real_time (), 3, CRASH_LEASE, &error);

          if (claimed == NULL)
            _exit (4);
          for (guint j = 0; j < claimed->len; j++)
            {
              WhDelivery *delivery = g_ptr_array_index (claimed, j);
              g_autoptr(WhAttempt) attempt = NULL;

              fprintf (log, "C %" G_GINT64_FORMAT "\n", wh_delivery_get_id (delivery));
              fflush (log);
              /* Leave every third claimed delivery in flight. */
              if (j == 2)
                continue;
              attempt = wh_attempt_new (wh_delivery_get_id (delivery),
                                        wh_delivery_get_attempt (delivery),
                                        g_get_real_time (), 10, 204, NULL, NULL, 0);
              if (!wh_store_record_attempt (store, attempt, &error))
                _exit (5);
              fprintf (log, "D %" G_GINT64_FORMAT "\n", wh_delivery_get_id (delivery));
              fflush (log);
            }
        }
    }
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint lines = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  for (const char *p = contents; *p; p++)
    lines += *p == '\n';

  return lines;
}

/* The state of a delivery, read from the file, for one the test knows only by id. */
static int
delivery_state (const char *path,
                gint64      id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int state = -1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT state FROM deliveries WHERE id = ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return state;
}

static void
test_store_crash (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autofree char *log_path = g_build_filename (fixture->dir, "log", NULL);
  g_autoptr(GHashTable) published = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) claimed = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) done = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) due = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) again = NULL;
  guint64 pending, succeeded, failed;
  GHashTableIter iter;
  gpointer key;

  /* The parent keeps no connection open while the child writes. */
  g_clear_object (&fixture->store);

  for (guint round = 0; round < CRASH_ROUNDS; round++)
    {
      guint before = count_lines (log_path);
      int status = 0;
      pid_t pid = fork ();

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        crash_child (fixture->path, log_path, wh_endpoint_get_id (endpoint));

      /* Kill it in the middle of its work: after it has done some, at a moment that
       * differs from round to round. */
      for (guint waited = 0; waited < 30000; waited++)
        {
          if (count_lines (log_path) >= before + 50 + 37 * round)
            break;
          g_usleep (1000);
        }
      g_usleep (g_random_int_range (0, 3000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
    }

  g_assert_true (g_file_get_contents (log_path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  /* The last line may have been cut by the kill (it ends without a newline). */
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "P "))
        g_hash_table_add (published, g_strdup (line + 2));
      else if (line[0] == 'C' || line[0] == 'D')
        {
          gint64 *id = g_new (gint64, 1);

          *id = g_ascii_strtoll (line + 2, NULL, 10);
          g_ptr_array_add (keep, id);
          g_hash_table_add (line[0] == 'C' ? claimed : done, id);
        }
    }
  g_test_message ("%u messages published, %u deliveries claimed, %u done",
                  g_hash_table_size (published), g_hash_table_size (claimed),
                  g_hash_table_size (done));
  g_assert_cmpuint (g_hash_table_size (published), >=, 25 * CRASH_ROUNDS);
  g_assert_cmpuint (g_hash_table_size (done), >, 0);

  fixture->store = wh_sqlite_store_new (fixture->path, &error);
  g_assert_no_error (error);

  /* Every message the child saw committed is there, with its delivery; each delivery
   * it recorded as delivered has succeeded. */
  g_hash_table_iter_init (&iter, published);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GPtrArray) deliveries = wh_store_list_deliveries (fixture->store, key, &error);
      WhDelivery *delivery;
      gint64 id;

      g_assert_no_error (error);
      g_assert_cmpuint (deliveries->len, ==, 1);
      delivery = g_ptr_array_index (deliveries, 0);
      id = wh_delivery_get_id (delivery);
      if (g_hash_table_contains (done, &id))
        g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_SUCCEEDED);
      else if (!g_hash_table_contains (claimed, &id))
        g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_PENDING);
      else if (wh_delivery_get_state (delivery) == WH_DELIVERY_STATE_SUCCEEDED)
        {
          /* Killed between committing the attempt and logging it. */
          gint64 *copy = g_memdup2 (&id, sizeof id);

          g_ptr_array_add (keep, copy);
          g_hash_table_add (done, copy);
        }
      else
        g_assert_cmpint (wh_delivery_get_state (delivery), ==, WH_DELIVERY_STATE_PENDING);
    }

  g_assert_true (wh_store_count_deliveries (fixture->store, &pending, &succeeded, &failed, &error));
  g_assert_cmpuint (succeeded, >=, g_hash_table_size (done));
  g_assert_cmpuint (failed, ==, 0);
  g_assert_cmpuint (pending + succeeded, >=, g_hash_table_size (published));

  /* Once the leases have run out, everything not delivered is due again, including
   * what was in flight when the child was killed. */
  again = wh_store_claim_due (fixture->store, g_get_real_time () + SECONDS (CRASH_LEASE + 1),
                              G_MAXINT, 60, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, pending);
  for (guint i = 0; i < again->len; i++)
    {
      gint64 id = wh_delivery_get_id (g_ptr_array_index (again, i));

      g_assert_false (g_hash_table_contains (done, &id));
      g_hash_table_add (due, g_ptr_array_index (again, i));
    }
  g_hash_table_iter_init (&iter, claimed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (done, key))
      {
        gboolean found = FALSE;

        for (guint i = 0; i < again->len && !found; i++)
          found = wh_delivery_get_id (g_ptr_array_index (again, i)) == *(gint64 *) key;
        /* A child killed after committing a message and before logging it leaves a
         * message the loop above does not know; a later child may claim it, deliver it
         * and be killed before logging that. */
        if (!found)
          g_assert_cmpint (delivery_state (fixture->path, *(gint64 *) key), ==,
                           WH_DELIVERY_STATE_SUCCEEDED);
      }
}

/* ---------------------------------------------------------------- threads */

static void
list_endpoints_again (WhStore  *store,
                      gpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) endpoints = wh_store_list_endpoints (store, &error);

  g_assert_no_error (error);
  *(guint *) user_data = endpoints->len;
}

static void
test_store_is_thread_safe (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(TestPlainStore) plain = g_object_new (TEST_TYPE_PLAIN_STORE, NULL);
  g_autoptr(WhEndpoint) a = NULL;
  guint listed = 0;

  g_assert_true (wh_store_is_thread_safe (fixture->store));
  /* A store that does not say so is used from one thread at a time. */
  g_assert_false (wh_store_is_thread_safe (WH_STORE (plain)));

  /* The signal comes once the store let go of its lock: a handler may call it again
   * (under the lock, this would deadlock). */
  g_signal_connect (fixture->store, "endpoints-changed", G_CALLBACK (list_endpoints_again),
                    &listed);
  a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_assert_cmpuint (listed, ==, 1);
}

#define STRESS_PUBLISHERS 4
#define STRESS_CLAIMERS 2
#define STRESS_MESSAGES 400    /* per publisher */
#define STRESS_BATCH 16

typedef struct
{
  WhStore *store;
  const char *endpoint_ids[3];
  gint publishing;              /* publishers still running, atomic */

  GMutex lock;                  /* guards what follows */
  GHashTable *claimed;          /* delivery id → how many times it was claimed */
  guint n_failures;
  char *first_failure;
} Stress;

static void
stress_fail (Stress     *stress,
             const char *what,
             GError     *error)
{
  g_mutex_lock (&stress->lock);
  if (stress->n_failures++ == 0)
    stress->first_failure = g_strdup_printf ("%s: %s", what, error ? error->message : "?");
  g_mutex_unlock (&stress->lock);
}

static gpointer
stress_publish (gpointer data)
{
  Stress *stress = data;
  /* Large enough for the log of a file store to cross the checkpoint threshold while
   * the threads write, so that checkpoints run among them. */
  g_autofree char *padding = g_strnfill (4096, 'x');

  for (guint i = 0; i < STRESS_MESSAGES; i++)
    {
      g_autoptr(GError) error = NULL;
      char *body = g_strdup_printf ("{\"n\":%u,\"padding\":\"%s\"}", i, padding);
      g_autoptr(GBytes) payload = g_bytes_new_take (body, strlen (body));
      g_autofree char *id = wh_store_publish (stress->store, "stress", payload,
                                              stress->endpoint_ids, T0, &error);

      if (id == NULL)
        stress_fail (stress, "publish", error);
    }

  g_atomic_int_dec_and_test (&stress->publishing);
  return NULL;
}

static gpointer
stress_claim (gpointer data)
{
  Stress *stress = data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      /* Read before claiming: once nothing is published any more, a claim that finds
       * nothing means everything was claimed. */
      gboolean published_all = g_atomic_int_get (&stress->publishing) == 0;
      g_autoptr(GPtrArray) claimed = wh_store_claim_due (stress->store, T0, STRESS_BATCH,
                                                         600, &error);
      g_autoptr(GPtrArray) attempts = g_ptr_array_new_with_free_func (g_object_unref);

      if (claimed == NULL)
        {
          stress_fail (stress, "claim", error);
          return NULL;
        }
      if (claimed->len == 0)
        {
          if (published_all)
            return NULL;
          g_thread_yield ();
          continue;
        }

      g_mutex_lock (&stress->lock);
      for (guint i = 0; i < claimed->len; i++)
        {
          WhDelivery *delivery = g_ptr_array_index (claimed, i);
          gint64 *id = g_new (gint64, 1);
          guint times;

          *id = wh_delivery_get_id (delivery);
          times = GPOINTER_TO_UINT (g_hash_table_lookup (stress->claimed, id));
          g_hash_table_replace (stress->claimed, id, GUINT_TO_POINTER (times + 1));
          g_ptr_array_add (attempts, wh_attempt_new (*id, wh_delivery_get_attempt (delivery),
                                                     T0, 10, 204, NULL, NULL, 0));
        }
      g_mutex_unlock (&stress->lock);

      if (!wh_store_record_attempts (stress->store, attempts, &error))
        {
          stress_fail (stress, "record attempts", error);
          return NULL;
        }
    }
}

/* Publishers and claimers on one store object at once: every delivery is claimed by
 * exactly one of them, and every call succeeds (no "database is locked", no
 * transaction of one thread mixed into another's). */
static void
test_store_threads (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(WhEndpoint) a = test_common_add_endpoint (fixture->store, "https://a.example.org/");
  g_autoptr(WhEndpoint) b = test_common_add_endpoint (fixture->store, "https://b.example.org/");
  const guint64 total = STRESS_PUBLISHERS * STRESS_MESSAGES * 2;
  GThread *threads[STRESS_PUBLISHERS + STRESS_CLAIMERS];
  Stress stress = { 0, };
  GHashTableIter iter;
  gpointer times;

  stress.store = fixture->store;
  stress.endpoint_ids[0] = wh_endpoint_get_id (a);
  stress.endpoint_ids[1] = wh_endpoint_get_id (b);
  stress.publishing = STRESS_PUBLISHERS;
  g_mutex_init (&stress.lock);
  stress.claimed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < STRESS_CLAIMERS; i++)
    threads[i] = g_thread_new ("claim", stress_claim, &stress);
  for (guint i = 0; i < STRESS_PUBLISHERS; i++)
    threads[STRESS_CLAIMERS + i] = g_thread_new ("publish", stress_publish, &stress);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpstr (stress.first_failure, ==, NULL);
  g_assert_cmpuint (stress.n_failures, ==, 0);

  g_assert_cmpuint (g_hash_table_size (stress.claimed), ==, total);
  g_hash_table_iter_init (&iter, stress.claimed);
  while (g_hash_table_iter_next (&iter, NULL, &times))
    g_assert_cmpuint (GPOINTER_TO_UINT (times), ==, 1);

  test_common_assert_counts (fixture->store, 0, total, 0);

  g_hash_table_unref (stress.claimed);
  g_mutex_clear (&stress.lock);
}

/* ---------------------------------------------------------------- main */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (check_warnings, NULL, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/endpoint/new", test_endpoint_new);
  g_test_add_func ("/endpoint/bad-url", test_endpoint_bad_url);
  g_test_add_func ("/endpoint/url-property", test_endpoint_url_property);
  g_test_add_func ("/endpoint/secret", test_endpoint_secret);
  g_test_add_func ("/endpoint/events", test_endpoint_events);
  g_test_add_func ("/endpoint/headers", test_endpoint_headers);
  g_test_add_func ("/endpoint/rotate", test_endpoint_rotate);

#define ADD(name, func, file) \
  g_test_add (name, Fixture, GINT_TO_POINTER (file), fixture_set_up, func, fixture_tear_down)

  ADD ("/store/memory/endpoints", test_store_endpoints, FALSE);
  ADD ("/store/memory/publish", test_store_publish, FALSE);
  ADD ("/store/memory/claim", test_store_claim, FALSE);
  ADD ("/store/memory/attempts", test_store_attempts, FALSE);
  ADD ("/store/memory/record-attempts", test_store_record_attempts, FALSE);
  ADD ("/store/memory/remove-cascades", test_store_remove_cascades, FALSE);
  ADD ("/store/memory/rotation", test_store_rotation, FALSE);
  ADD ("/store/memory/release", test_store_release, FALSE);
  ADD ("/store/memory/failure-clock", test_store_failure_clock, FALSE);
  ADD ("/store/memory/thread-safe", test_store_is_thread_safe, FALSE);
  ADD ("/store/memory/threads", test_store_threads, FALSE);
  ADD ("/store/file/endpoints", test_store_endpoints, TRUE);
  ADD ("/store/file/publish", test_store_publish, TRUE);
  ADD ("/store/file/claim", test_store_claim, TRUE);
  ADD ("/store/file/attempts", test_store_attempts, TRUE);
  ADD ("/store/file/record-attempts", test_store_record_attempts, TRUE);
  ADD ("/store/file/checkpoints", test_store_checkpoints, TRUE);
  ADD ("/store/file/reopen", test_store_reopen, TRUE);
  ADD ("/store/file/two-connections", test_store_two_connections, TRUE);
  ADD ("/store/file/rotation", test_store_rotation, TRUE);
  ADD ("/store/file/release", test_store_release, TRUE);
  ADD ("/store/file/release-others", test_store_release_others, TRUE);
  ADD ("/store/file/failure-clock", test_store_failure_clock, TRUE);
  ADD ("/store/file/thread-safe", test_store_is_thread_safe, TRUE);
  ADD ("/store/file/threads", test_store_threads, TRUE);
  ADD ("/store/file/crash", test_store_crash, TRUE);
  g_test_add_func ("/store/file/bad-files", test_store_bad_files);
  g_test_add_func ("/store/file/migrate-v1", test_store_migrate_v1);

  return g_test_run ();
}
