/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * bench-deliver: the libwebhooks side of the delivery benchmark of issue 5. It declares an
 * application with one webhook, `new-payment`, whose model serializes to a fixed size
 * (1 KiB by default), subscribes one endpoint (the benchmark's nginx) and measures what a
 * #WhDispatcher does with it:
 *
 *   bench-deliver prepare    --url URL [--size BYTES] --body FILE --wrk-lua FILE
 *   bench-deliver throughput --url URL --store PATH [--count N] [--size BYTES]
 *   bench-deliver latency    --url URL --store PATH [--rate N] [--seconds S]
 *   bench-deliver memory     --url URL --store PATH [--queued N] [--seconds S]
 *
 * prepare writes the exact request body the dispatcher sends (for the Node.js sender and
 * wrk to send the same bytes) and a wrk script posting it with fixed Standard Webhooks
 * headers, and prints the dispatcher's connection limits. throughput publishes N messages,
 * then starts the dispatcher and times it until N deliveries succeeded. latency publishes
 * at a steady rate and measures, for each message, the time from the publish call to the
 * start of its first attempt. memory queues N deliveries in a store file, then dispatches
 * for a while and reports the peak resident set size.
 *
 * Results are printed as `key value` lines that tools/bench/deliver-run.sh reads. Every
 * connection goes to the given URL (127.0.0.1); every run is bounded in time. With
 * --connections N, the dispatcher's connection limits (#WhDispatcher:max-conns and
 * #WhDispatcher:max-conns-per-host) are set to N, so that the senders can be compared at
 * another concurrency.
 */

/* RUSAGE_THREAD */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/resource.h>

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <webhooks.h>

#define EVENT "new-payment"

/* No run may go on for ever: a dispatcher that stops delivering ends the run with an
 * error after this long without progress. */
#define STALL_TIMEOUT_SECONDS 30

/* --- the model ----------------------------------------------------------------------- */

#define BENCH_TYPE_PAYMENT (bench_payment_get_type ())
G_DECLARE_FINAL_TYPE (BenchPayment, bench_payment, BENCH, PAYMENT, GObject)

struct _BenchPayment
{
  GObject parent_instance;

  gint64 id;
  double amount;
  char *currency;
  char *customer;
  gboolean is_paid;
  char *note;
};

G_DEFINE_FINAL_TYPE (BenchPayment, bench_payment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_AMOUNT,
  PROP_CURRENCY,
  PROP_CUSTOMER,
  PROP_IS_PAID,
  PROP_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bench_payment_finalize (GObject *object)
{
  BenchPayment *self = BENCH_PAYMENT (object);

  g_free (self->currency);
  g_free (self->customer);
  g_free (self->note);

  G_OBJECT_CLASS (bench_payment_parent_class)->finalize (object);
}

static void
bench_payment_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BenchPayment *self = BENCH_PAYMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_AMOUNT:
      g_value_set_double (value, self->amount);
      break;
    case PROP_CURRENCY:
      g_value_set_string (value, self->currency);
      break;
    case PROP_CUSTOMER:
      g_value_set_string (value, self->customer);
      break;
    case PROP_IS_PAID:
      g_value_set_boolean (value, self->is_paid);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_payment_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BenchPayment *self = BENCH_PAYMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;
    case PROP_AMOUNT:
      self->amount = g_value_get_double (value);
      break;
    case PROP_CURRENCY:
      g_free (self->currency);
      self->currency = g_value_dup_string (value);
      break;
    case PROP_CUSTOMER:
      g_free (self->customer);
      self->customer = g_value_dup_string (value);
      break;
    case PROP_IS_PAID:
      self->is_paid = g_value_get_boolean (value);
      break;
    case PROP_NOTE:
      g_free (self->note);
      self->note = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_payment_class_init (BenchPaymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bench_payment_finalize;
  object_class->get_property = bench_payment_get_property;
  object_class->set_property = bench_payment_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", "Id", "The payment's number", 0, G_MAXINT64, 0, flags);
  properties[PROP_AMOUNT] =
    g_param_spec_double ("amount", "Amount", "How much was paid", 0.0, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_CURRENCY] =
    g_param_spec_string ("currency", "Currency", "The ISO 4217 code", NULL, flags);
  properties[PROP_CUSTOMER] =
    g_param_spec_string ("customer", "Customer", "Who paid", NULL, flags);
  properties[PROP_IS_PAID] =
    g_param_spec_boolean ("is-paid", "Is paid", "Whether the money arrived", FALSE, flags);
  /* The padding that brings the body to the size asked for. */
  properties[PROP_NOTE] =
    g_param_spec_string ("note", "Note", "A free-form note", NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bench_payment_init (BenchPayment *self)
{
}

static BenchPayment *
bench_payment_new (gint64      id,
                   const char *note)
{
  return g_object_new (BENCH_TYPE_PAYMENT,
                       "id", id,
                       "amount", 1234.5,
                       "currency", "EUR",
                       "customer", "cus_8f3a2b1c9d",
                       "is-paid", TRUE,
                       "note", note,
                       NULL);
}

/* A note that makes the serialized payment exactly @size bytes, if it can be that small.
 * The id is serialized too, so every id is given the same number of digits. */
static char *
make_note (gsize    size,
           GError **error)
{
  g_autoptr(BenchPayment) probe = bench_payment_new (100000000, "");
  g_autoptr(JsonNode) node = wh_model_serialize (G_OBJECT (probe), error);
  g_autofree char *text = NULL;
  gsize length;

  if (node == NULL)
    return NULL;

  text = json_to_string (node, FALSE);
  length = strlen (text);
  if (length > size)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_FAILED,
                   "The smallest payload is %zu bytes; ask for --size %zu or more",
                   length, length);
      return NULL;
    }

  return g_strnfill (size - length, 'x');
}

/* --- options ------------------------------------------------------------------------- */

static char *opt_url;
static char *opt_store = NULL;
static char *opt_body;
static char *opt_wrk_lua;
static int opt_size = 1024;
static int opt_count = 20000;
static int opt_rate = 1000;
static int opt_tick_ms = 10;
static double opt_seconds = 5.0;
static int opt_queued = 1000000;
static int opt_connections = 0;
static int opt_concurrency = 0;

static const GOptionEntry option_entries[] = {
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url, "The endpoint (a 127.0.0.1 URL)", "URL" },
  { "store", 0, 0, G_OPTION_ARG_FILENAME, &opt_store, "A store file, or :memory:", "PATH" },
  { "size", 0, 0, G_OPTION_ARG_INT, &opt_size, "Payload size in bytes (1024)", "BYTES" },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "Deliveries to time (20000)", "N" },
  { "rate", 0, 0, G_OPTION_ARG_INT, &opt_rate, "Events a second, latency (1000)", "N" },
  { "tick-ms", 0, 0, G_OPTION_ARG_INT, &opt_tick_ms, "Publish every this many ms, latency (10)", "MS" },
  { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &opt_seconds, "How long to publish or dispatch (5)", "S" },
  { "queued", 0, 0, G_OPTION_ARG_INT, &opt_queued, "Deliveries to queue, memory (1000000)", "N" },
  { "connections", 0, 0, G_OPTION_ARG_INT, &opt_connections, "Set the connection limits", "N" },
  { "concurrency", 0, 0, G_OPTION_ARG_INT, &opt_concurrency, "Set the deliveries in flight", "N" },
  { "body", 0, 0, G_OPTION_ARG_FILENAME, &opt_body, "prepare: write the body there", "FILE" },
  { "wrk-lua", 0, 0, G_OPTION_ARG_FILENAME, &opt_wrk_lua, "prepare: write wrk's script there", "FILE" },
  { NULL }
};

/* --- the set-up every mode shares ---------------------------------------------------- */

typedef struct
{
  WhApplication *app;
  WhStore *store;
  WhDispatcher *dispatcher;
  WhEndpoint *endpoint;
  char *note;
  char *store_path;             /* NULL for :memory: */
} Bench;

static void
remove_store_files (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  if (path == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      if (unlink (name) != 0 && errno != ENOENT)
        g_printerr ("bench-deliver: cannot remove %s: %s\n", name, g_strerror (errno));
    }
}

static void
bench_clear (Bench *bench)
{
  if (bench->dispatcher != NULL && wh_dispatcher_get_running (bench->dispatcher))
    wh_dispatcher_stop (bench->dispatcher);
  g_clear_object (&bench->dispatcher);
  g_clear_object (&bench->endpoint);
  g_clear_object (&bench->store);
  g_clear_object (&bench->app);
  g_clear_pointer (&bench->note, g_free);
  remove_store_files (bench->store_path);
  g_clear_pointer (&bench->store_path, g_free);
}

/* The dispatcher's properties that decide how many requests go out at once. */
static const char * const limit_names[] = {
  "max-conns", "max-conns-per-host", "concurrency", "batch-size", "poll-interval",
};

/* Sets the dispatcher's connection limits (its properties whose names have "conns" in
 * them) to @limit, unless it is 0. */
static void
set_connection_limits (WhDispatcher *dispatcher,
                       guint         limit)
{
  for (guint i = 0; i < G_N_ELEMENTS (limit_names) && limit > 0; i++)
    {
      GParamSpec *spec = g_object_class_find_property (G_OBJECT_GET_CLASS (dispatcher),
                                                       limit_names[i]);

      if (spec != NULL && spec->value_type == G_TYPE_UINT && strstr (spec->name, "conns"))
        g_object_set (dispatcher, spec->name, limit, NULL);
    }
}

static void
print_limits (WhDispatcher *dispatcher)
{
  for (guint i = 0; i < G_N_ELEMENTS (limit_names); i++)
    {
      GParamSpec *spec = g_object_class_find_property (G_OBJECT_GET_CLASS (dispatcher),
                                                       limit_names[i]);
      guint value;

      if (spec == NULL || spec->value_type != G_TYPE_UINT)
        continue;
      g_object_get (dispatcher, spec->name, &value, NULL);
      printf ("limit_%s %u\n", spec->name, value);
    }
}

static gboolean
bench_init (Bench       *bench,
            const char  *store_path,
            GError     **error)
{
  g_autoptr(WhWebhookHandler) handler = wh_whpost (EVENT);
  g_autoptr(WhWebhookGateway) gateway = NULL;

  memset (bench, 0, sizeof *bench);

  if (opt_url == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_FAILED, "Give the endpoint with --url");
      return FALSE;
    }

  bench->note = make_note (opt_size, error);
  if (bench->note == NULL)
    return FALSE;

  g_object_set (handler,
                "description", "A payment was made.",
                "body-type", BENCH_TYPE_PAYMENT,
                NULL);
  gateway = wh_webhook_gateway_new (handler);
  bench->app = wh_application_new ("Delivery benchmark", "1.0.0");
  if (!wh_application_add_webhook (bench->app, gateway, error))
    return FALSE;

  if (store_path == NULL)
    store_path = ":memory:";
  if (g_strcmp0 (store_path, ":memory:") != 0)
    {
      /* A fresh file each run: a left-over queue would be delivered too. */
      remove_store_files (store_path);
      bench->store_path = g_strdup (store_path);
    }
  bench->store = wh_sqlite_store_new (store_path, error);
  if (bench->store == NULL)
    return FALSE;

  bench->dispatcher = wh_dispatcher_new (bench->app, bench->store);
  if (!wh_dispatcher_allow_network (bench->dispatcher, "127.0.0.0/8", error))
    return FALSE;
  set_connection_limits (bench->dispatcher, opt_connections);
  if (opt_concurrency > 0)
    g_object_set (bench->dispatcher, "concurrency", (guint) opt_concurrency, NULL);

  bench->endpoint = wh_endpoint_new (opt_url, error);
  if (bench->endpoint == NULL ||
      !wh_dispatcher_add_endpoint (bench->dispatcher, bench->endpoint, error))
    return FALSE;

  return TRUE;
}

static char *
bench_publish (Bench    *bench,
               gint64    n,
               GError  **error)
{
  g_autoptr(BenchPayment) payment = bench_payment_new (100000000 + n, bench->note);

  return wh_dispatcher_publish (bench->dispatcher, EVENT, G_OBJECT (payment), error);
}

/* CPU time, user and system, in µs: of the whole process (RUSAGE_SELF: every thread),
 * which on a busy machine varies less than the elapsed time; or of the calling thread
 * (RUSAGE_THREAD): the main context's, which sends, whatever the dispatcher's store
 * thread does. */
static gint64
cpu_time_us (int who)
{
  struct rusage usage;

  if (getrusage (who, &usage) != 0)
    return 0;

  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC
         + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* --- a run: count outcomes until a target is reached or progress stops --------------- */

typedef struct
{
  GMainLoop *loop;
  guint64 target;               /* quit when this many succeeded; 0: never */
  guint64 succeeded;
  guint64 failed;
  guint64 seen_at_last_check;
  char *first_failure;
  gboolean stalled;
  /* latency: message id -> publish time (real time, µs, as attempts record it) */
  GHashTable *published_at;
  GArray *latencies;            /* gint64 µs */
  guint64 unmatched;            /* first attempts of messages this run did not publish */
  /* throughput: deliveries in flight, sampled every few milliseconds */
  WhDispatcher *dispatcher;
  guint64 in_flight_sum;
  guint64 in_flight_samples;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_pointer (&run->first_failure, g_free);
  g_clear_pointer (&run->published_at, g_hash_table_unref);
  g_clear_pointer (&run->latencies, g_array_unref);
}

static void
record_latency (Run        *run,
                WhDelivery *delivery,
                WhAttempt  *attempt)
{
  gpointer published;

  if (run->published_at == NULL || wh_attempt_get_number (attempt) != 1)
    return;

  if (g_hash_table_lookup_extended (run->published_at, wh_delivery_get_message_id (delivery),
                                    NULL, &published))
    {
      gint64 latency = wh_attempt_get_started_at (attempt) - *(gint64 *) published;

      g_array_append_val (run->latencies, latency);
      g_hash_table_remove (run->published_at, wh_delivery_get_message_id (delivery));
    }
  else
    run->unmatched++;
}

static void
on_delivery_succeeded (WhDispatcher *dispatcher,
                       WhDelivery   *delivery,
                       WhAttempt    *attempt,
                       gpointer      user_data)
{
  Run *run = user_data;

  run->succeeded++;
  record_latency (run, delivery, attempt);
  if (run->target > 0 && run->succeeded >= run->target)
    g_main_loop_quit (run->loop);
}

static void
on_delivery_failed (WhDispatcher *dispatcher,
                    WhDelivery   *delivery,
                    WhAttempt    *attempt,
                    gboolean      will_retry,
                    gpointer      user_data)
{
  Run *run = user_data;

  run->failed++;
  record_latency (run, delivery, attempt);
  if (run->first_failure == NULL)
    run->first_failure = g_strdup_printf ("status %u, %s%s",
                                          wh_attempt_get_status_code (attempt),
                                          wh_attempt_get_error_message (attempt)
                                            ? wh_attempt_get_error_message (attempt) : "no error",
                                          will_retry ? " (will retry)" : "");
}

static gboolean
on_stall_check (gpointer user_data)
{
  Run *run = user_data;
  guint64 seen = run->succeeded + run->failed;

  if (seen == run->seen_at_last_check)
    {
      run->stalled = TRUE;
      g_main_loop_quit (run->loop);
      return G_SOURCE_REMOVE;
    }

  run->seen_at_last_check = seen;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sample_in_flight (gpointer user_data)
{
  Run *run = user_data;

  run->in_flight_sum += wh_dispatcher_get_in_flight (run->dispatcher);
  run->in_flight_samples++;

  return G_SOURCE_CONTINUE;
}

static void
run_init (Run          *run,
          WhDispatcher *dispatcher,
          guint64       target)
{
  memset (run, 0, sizeof *run);
  run->loop = g_main_loop_new (NULL, FALSE);
  run->target = target;
  run->dispatcher = dispatcher;
  g_signal_connect (dispatcher, "delivery-succeeded", G_CALLBACK (on_delivery_succeeded), run);
  g_signal_connect (dispatcher, "delivery-failed", G_CALLBACK (on_delivery_failed), run);
}

static gboolean
on_quit_timeout (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

static void
print_failures (Run *run)
{
  printf ("failed_attempts %" G_GUINT64_FORMAT "\n", run->failed);
  if (run->first_failure != NULL)
    printf ("first_failure %s\n", run->first_failure);
}

/* --- prepare ------------------------------------------------------------------------- */

static gboolean
write_wrk_script (const char  *path,
                  const char  *body_path,
                  const char  *secret,
                  GBytes      *body,
                  GError     **error)
{
  g_autoptr(GString) script = g_string_new (NULL);
  g_autofree char *signature = NULL;
  g_autofree char *quoted_path = NULL;
  const char *msg_id = "msg_wrkfixedid0000000000000";
  gint64 timestamp = g_get_real_time () / G_USEC_PER_SEC;

  /* One signature for every request: wrk measures what the receiver can take, the ceiling
   * of any sender, so it does no work of its own per request. */
  signature = wh_signature_sign (secret, msg_id, timestamp, body, error);
  if (signature == NULL)
    return FALSE;

  quoted_path = g_strescape (body_path, NULL);
  g_string_append (script, "-- Written by bench-deliver prepare: the dispatcher's request, fixed.\n");
  g_string_append_printf (script, "local file = assert(io.open(\"%s\", \"rb\"))\n", quoted_path);
  g_string_append (script, "wrk.method = \"POST\"\n");
  g_string_append (script, "wrk.body = file:read(\"*a\")\n");
  g_string_append (script, "file:close()\n");
  g_string_append (script, "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
  g_string_append_printf (script, "wrk.headers[\"webhook-id\"] = \"%s\"\n", msg_id);
  g_string_append_printf (script, "wrk.headers[\"webhook-timestamp\"] = \"%" G_GINT64_FORMAT "\"\n",
                          timestamp);
  g_string_append_printf (script, "wrk.headers[\"webhook-signature\"] = \"%s\"\n", signature);

  return g_file_set_contents (path, script->str, script->len, error);
}

static int
mode_prepare (GError **error)
{
  Bench bench;
  g_autofree char *msg_id = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;
  GBytes *body;

  if (opt_body == NULL || opt_wrk_lua == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_FAILED, "prepare needs --body and --wrk-lua");
      return EXIT_FAILURE;
    }

  if (!bench_init (&bench, ":memory:", error) ||
      (msg_id = bench_publish (&bench, 0, error)) == NULL ||
      (deliveries = wh_store_list_deliveries (bench.store, msg_id, error)) == NULL)
    goto failed;

  if (deliveries->len != 1)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_FAILED,
                   "Publishing stored %u deliveries instead of one", deliveries->len);
      goto failed;
    }

  /* The bytes the dispatcher will send, as the store keeps them. */
  body = wh_delivery_get_payload (g_ptr_array_index (deliveries, 0));
  if (!g_file_set_contents (opt_body, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                            error) ||
      !write_wrk_script (opt_wrk_lua, opt_body, wh_endpoint_get_secret (bench.endpoint), body,
                         error))
    goto failed;

  printf ("payload_bytes %zu\n", g_bytes_get_size (body));
  printf ("secret %s\n", wh_endpoint_get_secret (bench.endpoint));
  print_limits (bench.dispatcher);

  bench_clear (&bench);
  return EXIT_SUCCESS;

failed:
  bench_clear (&bench);
  return EXIT_FAILURE;
}

/* --- throughput ---------------------------------------------------------------------- */

static int
mode_throughput (GError **error)
{
  Bench bench;
  Run run;
  gint64 start;
  gint64 cpu_start;
  double publish_seconds;
  double send_seconds;
  double publish_cpu_us;
  double send_cpu_us;
  gint64 main_cpu_start;
  double main_cpu_us;
  guint stall_id;
  guint sample_id;
  int status = EXIT_FAILURE;

  if (!bench_init (&bench, opt_store, error))
    goto out_bench;

  start = g_get_monotonic_time ();
  cpu_start = cpu_time_us (RUSAGE_SELF);
  for (int i = 0; i < opt_count; i++)
    {
      g_autofree char *msg_id = bench_publish (&bench, i, error);

      if (msg_id == NULL)
        goto out_bench;
    }
  publish_seconds = seconds_since (start);
  publish_cpu_us = cpu_time_us (RUSAGE_SELF) - cpu_start;

  run_init (&run, bench.dispatcher, opt_count);
  stall_id = g_timeout_add_seconds (STALL_TIMEOUT_SECONDS, on_stall_check, &run);
  /* How full the pipeline stays: a dispatcher that refills late sends in waves. */
  sample_id = g_timeout_add (5, on_sample_in_flight, &run);

  start = g_get_monotonic_time ();
  cpu_start = cpu_time_us (RUSAGE_SELF);
  main_cpu_start = cpu_time_us (RUSAGE_THREAD);
  wh_dispatcher_start (bench.dispatcher);
  g_main_loop_run (run.loop);
  send_seconds = seconds_since (start);
  send_cpu_us = cpu_time_us (RUSAGE_SELF) - cpu_start;
  main_cpu_us = cpu_time_us (RUSAGE_THREAD) - main_cpu_start;
  g_source_remove (sample_id);
  if (!run.stalled)
    g_source_remove (stall_id);

  printf ("store %s\n", opt_store ? opt_store : ":memory:");
  printf ("published %d\n", opt_count);
  printf ("publish_seconds %.3f\n", publish_seconds);
  printf ("publish_rate %.0f\n", opt_count / publish_seconds);
  printf ("publish_cpu_us %.1f\n", publish_cpu_us / opt_count);
  printf ("succeeded %" G_GUINT64_FORMAT "\n", run.succeeded);
  printf ("send_seconds %.3f\n", send_seconds);
  printf ("rate %.0f\n", run.succeeded / send_seconds);
  /* CPU time per delivery, and the rate one fully used core would give. */
  printf ("cpu_us %.1f\n", send_cpu_us / MAX (run.succeeded, 1));
  printf ("cpu_load %.2f\n", send_cpu_us / (send_seconds * G_USEC_PER_SEC));
  /* The same for the thread of the main context, which sends: at 1.00 it is the limit. */
  printf ("main_cpu_us %.1f\n", main_cpu_us / MAX (run.succeeded, 1));
  printf ("main_load %.2f\n", main_cpu_us / (send_seconds * G_USEC_PER_SEC));
  printf ("mean_in_flight %.1f\n", run.in_flight_sum / (double) MAX (run.in_flight_samples, 1));
  print_failures (&run);

  if (run.stalled)
    g_set_error (error, WH_ERROR, WH_ERROR_FAILED,
                 "No delivery finished for %d s; %" G_GUINT64_FORMAT " of %d succeeded",
                 STALL_TIMEOUT_SECONDS, run.succeeded, opt_count);
  else
    status = EXIT_SUCCESS;

  wh_dispatcher_stop (bench.dispatcher);
  run_clear (&run);
out_bench:
  bench_clear (&bench);
  return status;
}

/* --- latency ------------------------------------------------------------------------- */

typedef struct
{
  Bench *bench;
  Run *run;
  gint64 start;                 /* monotonic */
  gint64 end;
  guint tick_id;
  guint64 published;
  double max_publish_us;
  GError *error;
} Publisher;

/* Publishes as many messages as the rate asks for by now, so that a late tick catches up
 * instead of lowering the rate. */
static gboolean
on_publish_tick (gpointer user_data)
{
  Publisher *publisher = user_data;
  gint64 now = g_get_monotonic_time ();
  guint64 due = (guint64) ((MIN (now, publisher->end) - publisher->start) * (double) opt_rate
                           / G_USEC_PER_SEC);

  while (publisher->published < due)
    {
      gint64 published_at = g_get_real_time ();
      g_autofree char *msg_id = bench_publish (publisher->bench, publisher->published,
                                               &publisher->error);
      double publish_us = g_get_real_time () - published_at;

      if (msg_id == NULL)
        {
          publisher->tick_id = 0;
          g_main_loop_quit (publisher->run->loop);
          return G_SOURCE_REMOVE;
        }
      publisher->max_publish_us = MAX (publisher->max_publish_us, publish_us);
      g_hash_table_insert (publisher->run->published_at, g_steal_pointer (&msg_id),
                           g_memdup2 (&published_at, sizeof published_at));
      publisher->published++;
    }

  if (now >= publisher->end)
    {
      /* From now on the run ends when the last published message was delivered. */
      publisher->run->target = publisher->published;
      if (publisher->run->succeeded >= publisher->run->target)
        g_main_loop_quit (publisher->run->loop);
      publisher->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *sorted,
               double  fraction)
{
  guint index;

  if (sorted->len == 0)
    return 0.0;

  index = (guint) (fraction * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, gint64, index) / 1000.0;
}

static int
mode_latency (GError **error)
{
  Bench bench;
  Run run;
  Publisher publisher = { 0 };
  guint stall_id;
  int status = EXIT_FAILURE;

  if (!bench_init (&bench, opt_store, error))
    goto out_bench;

  run_init (&run, bench.dispatcher, 0);
  run.published_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

  wh_dispatcher_start (bench.dispatcher);

  publisher.bench = &bench;
  publisher.run = &run;
  publisher.start = g_get_monotonic_time ();
  publisher.end = publisher.start + (gint64) (opt_seconds * G_USEC_PER_SEC);
  /* Batches of rate × tick messages, as an application that publishes what a burst of
   * requests produced. */
  publisher.tick_id = g_timeout_add (opt_tick_ms, on_publish_tick, &publisher);
  stall_id = g_timeout_add_seconds (STALL_TIMEOUT_SECONDS, on_stall_check, &run);

  g_main_loop_run (run.loop);
  if (!run.stalled)
    g_source_remove (stall_id);
  if (publisher.tick_id != 0)
    g_source_remove (publisher.tick_id);

  if (publisher.error != NULL)
    {
      g_propagate_error (error, publisher.error);
      goto out_run;
    }

  g_array_sort (run.latencies, compare_gint64);
  printf ("store %s\n", opt_store ? opt_store : ":memory:");
  printf ("published %" G_GUINT64_FORMAT "\n", publisher.published);
  printf ("publish_rate %.0f\n", publisher.published / opt_seconds);
  printf ("batch %.0f\n", opt_rate * opt_tick_ms / 1000.0);
  printf ("max_publish_ms %.3f\n", publisher.max_publish_us / 1000.0);
  printf ("measured %u\n", run.latencies->len);
  printf ("p50_ms %.3f\n", percentile_ms (run.latencies, 0.50));
  printf ("p90_ms %.3f\n", percentile_ms (run.latencies, 0.90));
  printf ("p99_ms %.3f\n", percentile_ms (run.latencies, 0.99));
  printf ("max_ms %.3f\n", percentile_ms (run.latencies, 1.0));
  printf ("unmatched %" G_GUINT64_FORMAT "\n", run.unmatched);
  print_failures (&run);

  if (run.stalled)
    g_set_error (error, WH_ERROR, WH_ERROR_FAILED,
                 "No delivery finished for %d s; %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                 " succeeded", STALL_TIMEOUT_SECONDS, run.succeeded, publisher.published);
  else
    status = EXIT_SUCCESS;

out_run:
  wh_dispatcher_stop (bench.dispatcher);
  run_clear (&run);
out_bench:
  bench_clear (&bench);
  return status;
}

/* --- memory -------------------------------------------------------------------------- */

static gint64
read_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;

  line = strstr (status, field);
  if (line == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen (field) + 1, NULL, 10);
}

/* Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0 and later). It is
 * written in place: g_file_set_contents() would replace the file, which /proc refuses. */
static gboolean
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (file == NULL)
    return FALSE;

  ok = fputs ("5", file) >= 0;
  return fclose (file) == 0 && ok;
}

static double
file_size_mib (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return -1.0;

  return st.st_size / 1048576.0;
}

static gboolean
sqlite_exec (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "Cannot fill the queue (%s): %s; the store's schema may have changed, "
                   "update bench-deliver's fill_queue()", sql, message);
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

/* Makes @n copies of the message @msg_id and its delivery in the store file. Publishing a
 * million messages one transaction each takes minutes; the benchmark is about what the
 * dispatcher does with a long queue, not about how it was filled, so the copies are made
 * with SQL in big transactions. This knows the store's tables: it is the one place where
 * the benchmark relies on more than the public API. */
static gboolean
fill_queue (const char  *path,
            const char  *msg_id,
            guint        n,
            GError     **error)
{
  const guint batch = 50000;
  sqlite3 *db = NULL;
  gboolean ok = FALSE;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE, "Cannot open %s: %s", path,
                   db ? sqlite3_errmsg (db) : "out of memory");
      goto out;
    }
  sqlite3_busy_timeout (db, 5000);

  for (guint first = 0; first < n; first += batch)
    {
      guint last = MIN (first + batch, n) - 1;
      g_autofree char *sql = NULL;

      sql = g_strdup_printf (
        "BEGIN IMMEDIATE;"
        "WITH RECURSIVE k(i) AS (SELECT %u UNION ALL SELECT i + 1 FROM k WHERE i < %u)"
        " INSERT INTO messages (id, event, payload, created_at)"
        " SELECT printf('%%s_%%07d', m.id, k.i), m.event, m.payload, m.created_at"
        " FROM k, messages AS m WHERE m.id = '%s';"
        "WITH RECURSIVE k(i) AS (SELECT %u UNION ALL SELECT i + 1 FROM k WHERE i < %u)"
        " INSERT INTO deliveries (message_id, endpoint_id, state, attempts, next_attempt_at)"
        " SELECT printf('%%s_%%07d', d.message_id, k.i), d.endpoint_id, 0, 0, d.next_attempt_at"
        " FROM k, deliveries AS d WHERE d.message_id = '%s';"
        "COMMIT;"
        /* Keeps the write-ahead log at one batch instead of the whole queue. */
        "PRAGMA wal_checkpoint(TRUNCATE);",
        first, last, msg_id, first, last, msg_id);
      if (!sqlite_exec (db, sql, error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          goto out;
        }
    }

  ok = TRUE;

out:
  sqlite3_close_v2 (db);
  return ok;
}

static int
mode_memory (GError **error)
{
  Bench bench;
  Run run = { 0 };
  g_autofree char *msg_id = NULL;
  guint64 pending = 0;
  gint64 start;
  gint64 rss_queued;
  gint64 peak_fill;
  double fill_seconds;
  double send_seconds;
  gboolean reset;
  int status = EXIT_FAILURE;

  if (opt_store == NULL || g_strcmp0 (opt_store, ":memory:") == 0)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_FAILED, "memory needs a store file (--store)");
      return EXIT_FAILURE;
    }

  if (!bench_init (&bench, opt_store, error))
    goto out_bench;

  /* The first message goes through the dispatcher, validated as any other; the rest are
   * its copies. */
  start = g_get_monotonic_time ();
  msg_id = bench_publish (&bench, 0, error);
  if (msg_id == NULL ||
      !fill_queue (opt_store, msg_id, opt_queued - 1, error) ||
      !wh_store_count_deliveries (bench.store, &pending, NULL, NULL, error))
    goto out_bench;
  fill_seconds = seconds_since (start);

  /* Only the dispatcher's peak counts, not the fill's. */
  peak_fill = read_status_kib ("VmHWM:");
  reset = reset_peak_rss ();
  rss_queued = read_status_kib ("VmRSS:");

  run_init (&run, bench.dispatcher, 0);
  g_timeout_add ((guint) (opt_seconds * 1000), on_quit_timeout, run.loop);
  start = g_get_monotonic_time ();
  wh_dispatcher_start (bench.dispatcher);
  g_main_loop_run (run.loop);
  wh_dispatcher_stop (bench.dispatcher);
  send_seconds = seconds_since (start);

  printf ("store %s\n", opt_store);
  printf ("queued %" G_GUINT64_FORMAT "\n", pending);
  printf ("fill_seconds %.1f\n", fill_seconds);
  printf ("store_mib %.0f\n", file_size_mib (opt_store));
  printf ("rss_queued_kib %" G_GINT64_FORMAT "\n", rss_queued);
  printf ("peak_reset %s\n", reset ? "yes" : "no (the peak includes the fill)");
  if (!reset)
    printf ("peak_fill_kib %" G_GINT64_FORMAT "\n", peak_fill);
  printf ("succeeded %" G_GUINT64_FORMAT "\n", run.succeeded);
  printf ("send_seconds %.3f\n", send_seconds);
  printf ("rate %.0f\n", run.succeeded / send_seconds);
  printf ("peak_rss_kib %" G_GINT64_FORMAT "\n", read_status_kib ("VmHWM:"));
  print_failures (&run);

  status = EXIT_SUCCESS;
  run_clear (&run);
out_bench:
  bench_clear (&bench);
  return status;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) options = NULL;
  const char *mode;
  int status;

  options = g_option_context_new ("prepare|throughput|latency|memory - benchmark WhDispatcher");
  g_option_context_add_main_entries (options, option_entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("bench-deliver: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (argc != 2)
    {
      g_printerr ("bench-deliver: give one mode: prepare, throughput, latency or memory\n");
      return EXIT_FAILURE;
    }

  mode = argv[1];
  if (opt_size <= 0 || opt_count <= 0 || opt_rate <= 0 || opt_tick_ms <= 0 || opt_seconds <= 0 ||
      opt_queued <= 0 || opt_connections < 0 || opt_concurrency < 0)
    {
      g_printerr ("bench-deliver: sizes, counts, rates and durations must be positive\n");
      return EXIT_FAILURE;
    }

  if (g_str_equal (mode, "prepare"))
    status = mode_prepare (&error);
  else if (g_str_equal (mode, "throughput"))
    status = mode_throughput (&error);
  else if (g_str_equal (mode, "latency"))
    status = mode_latency (&error);
  else if (g_str_equal (mode, "memory"))
    status = mode_memory (&error);
  else
    {
      g_printerr ("bench-deliver: unknown mode “%s”\n", mode);
      return EXIT_FAILURE;
    }

  if (status != EXIT_SUCCESS && error != NULL)
    g_printerr ("bench-deliver: %s\n", error->message);

  return status;
}
