/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * bench-openapi: how long libwebhooks takes to build and to serialize the OpenAPI document
 * of a large application (1,000 webhooks and 1,000 routes over 300 models), and of the same
 * 1,000 routes alone, which is what tools/bench/bench_fastapi.py measures for FastAPI.
 *
 * A benchmark, not a test: it prints figures and never fails on timing. It fails only when
 * the declarations are refused or the document does not hold what was declared, since the
 * figures would then mean nothing. Run it through tools/bench/run.sh.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <webhooks.h>

#define N_MODELS   300
#define N_WEBHOOKS 1000
#define N_ROUTES   1000
#define N_ENUMS    4

static GType model_types[N_MODELS];
static GType enum_types[N_ENUMS];

/* GEnumValue arrays must outlive the types registered from them. */
static const GEnumValue status_values[] = {
  { 0, "BENCH_STATUS_PENDING", "pending" },
  { 1, "BENCH_STATUS_PAID", "paid" },
  { 2, "BENCH_STATUS_REFUNDED", "refunded" },
  { 3, "BENCH_STATUS_FAILED", "failed" },
  { 0, NULL, NULL },
};
static const GEnumValue currency_values[] = {
  { 0, "BENCH_CURRENCY_EUR", "eur" },
  { 1, "BENCH_CURRENCY_USD", "usd" },
  { 2, "BENCH_CURRENCY_GBP", "gbp" },
  { 0, NULL, NULL },
};
static const GEnumValue priority_values[] = {
  { 0, "BENCH_PRIORITY_LOW", "low" },
  { 1, "BENCH_PRIORITY_NORMAL", "normal" },
  { 2, "BENCH_PRIORITY_HIGH", "high" },
  { 3, "BENCH_PRIORITY_URGENT", "urgent" },
  { 4, "BENCH_PRIORITY_BLOCKER", "blocker" },
  { 0, NULL, NULL },
};
static const GEnumValue channel_values[] = {
  { 0, "BENCH_CHANNEL_EMAIL", "email" },
  { 1, "BENCH_CHANNEL_SMS", "sms" },
  { 0, NULL, NULL },
};

/* Keep in step with model_reference() in bench_fastapi.py: the two sides must describe the
 * same models for the comparison to be fair. The first 30 models are leaves, the next 30
 * refer to a leaf and the rest to one of those, so a reference is at most two deep, as in a
 * real API (an order refers to a customer, which refers to an address). Long chains would
 * make FastAPI's response-model cloning, not its document, dominate its figures. */
#define N_LEAF_MODELS 30

static gboolean
model_has_reference (guint n)
{
  return n >= N_LEAF_MODELS;
}

static guint
model_reference (guint n)
{
  return n < 2 * N_LEAF_MODELS ? n - N_LEAF_MODELS : N_LEAF_MODELS + n % N_LEAF_MODELS;
}

/* The benchmark never instantiates a model; these only satisfy GObject, which refuses to
 * install a readable or writable property on a class without accessors. */
static void
bench_model_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  g_param_value_set_default (pspec, value);
}

static void
bench_model_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
}

static void
bench_model_class_init (gpointer klass,
                        gpointer class_data)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags optional = flags | WH_PARAM_OPTIONAL;
  guint n = GPOINTER_TO_UINT (class_data);
  guint prop_id = 1;

  object_class->get_property = bench_model_get_property;
  object_class->set_property = bench_model_set_property;

  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_int ("id", "Id", "The identifier", 0, G_MAXINT, 0, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_string ("name", "Name", "The display name", NULL, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_boolean ("is-active", "Is active", "Whether it is active", FALSE, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_int ("quantity", "Quantity", "How many", 1, 1000, 1, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_double ("amount", "Amount", "How much", 0.0, G_MAXDOUBLE, 0.0, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_enum ("status", "Status", "Where it stands",
                       enum_types[n % N_ENUMS], 0, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_boxed ("created-at", "Created at", "When it was made",
                        G_TYPE_DATE_TIME, flags));
  if (model_has_reference (n))
    g_object_class_install_property (object_class, prop_id++,
      g_param_spec_object ("parent", "Parent", "The model it belongs to",
                           model_types[model_reference (n)], flags));

  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_string ("note", "Note", "A free-form note", NULL, optional));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_int ("priority", "Priority", "Lower comes first", 0, 10, 5, optional));
  if (n % 2 == 1)
    g_object_class_install_property (object_class, prop_id++,
      g_param_spec_double ("discount", "Discount", "The discount", 0.0, 1.0, 0.0, optional));
  if (n % 3 == 0)
    g_object_class_install_property (object_class, prop_id++,
      g_param_spec_boxed ("labels", "Labels", "Free-form labels", G_TYPE_STRV, flags));

  /* Vary the sizes so that the models are not all alike. */
  for (guint k = 0; k < n % 5; k++)
    {
      char name[32];

      g_snprintf (name, sizeof name, "field-%u", k);
      switch (k % 3)
        {
        case 0:
          g_object_class_install_property (object_class, prop_id++,
            g_param_spec_int (g_intern_string (name), NULL, NULL, G_MININT, G_MAXINT, 0, flags));
          break;
        case 1:
          g_object_class_install_property (object_class, prop_id++,
            g_param_spec_string (g_intern_string (name), NULL, NULL, NULL, flags));
          break;
        default:
          g_object_class_install_property (object_class, prop_id++,
            g_param_spec_boolean (g_intern_string (name), NULL, NULL, FALSE, flags));
          break;
        }
    }
}

static void
register_models (void)
{
  enum_types[0] = g_enum_register_static ("BenchStatus", status_values);
  enum_types[1] = g_enum_register_static ("BenchCurrency", currency_values);
  enum_types[2] = g_enum_register_static ("BenchPriority", priority_values);
  enum_types[3] = g_enum_register_static ("BenchChannel", channel_values);

  for (guint n = 0; n < N_MODELS; n++)
    {
      const GTypeInfo info = {
        .class_size = sizeof (GObjectClass),
        .class_init = bench_model_class_init,
        .class_data = GUINT_TO_POINTER (n),
        .instance_size = sizeof (GObject),
      };
      char name[32];

      g_snprintf (name, sizeof name, "BenchModel%03u", n);
      model_types[n] = g_type_register_static (G_TYPE_OBJECT, name, &info, 0);
    }
}

static void
die_on_error (GError     *error,
              const char *what)
{
  if (error == NULL)
    return;
  g_printerr ("bench-openapi: %s: %s\n", what, error->message);
  exit (EXIT_FAILURE);
}

/* Keep in step with bench_fastapi.py: even routes POST a body and answer a model, odd
 * routes GET a model; every route has an integer path parameter. */
static void
add_routes (WhApplication *app)
{
  for (guint i = 0; i < N_ROUTES; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WhHandler) handler = NULL;
      g_autoptr(WhParameter) parameter = NULL;
      g_autoptr(WhGateway) gateway = NULL;
      char path[64];

      g_snprintf (path, sizeof path, "/items-%u/{item_id}", i);
      if (i % 2 == 0)
        {
          handler = wh_post (path);
          wh_handler_set_body_type (handler, model_types[i % N_MODELS]);
          wh_handler_set_response_type (handler, model_types[(i + 1) % N_MODELS]);
        }
      else
        {
          handler = wh_get (path);
          wh_handler_set_response_type (handler, model_types[i % N_MODELS]);
        }
      parameter = wh_parameter_new ("item_id", WH_PARAMETER_PATH, G_TYPE_INT);
      wh_handler_add_parameter (handler, parameter);
      gateway = wh_gateway_new (handler);
      wh_application_add_route (app, gateway, &error);
      die_on_error (error, "adding a route");
    }
}

static void
add_webhooks (WhApplication *app)
{
  for (guint i = 0; i < N_WEBHOOKS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WhWebhookHandler) handler = NULL;
      g_autoptr(WhWebhookGateway) gateway = NULL;
      char name[32];

      g_snprintf (name, sizeof name, "event-%u", i);
      handler = wh_whpost (name);
      wh_handler_set_body_type (WH_HANDLER (handler), model_types[i % N_MODELS]);
      gateway = wh_webhook_gateway_new (handler);
      wh_application_add_webhook (app, gateway, &error);
      die_on_error (error, "adding a webhook");
    }
}

static guint
count_members (JsonObject *object,
               const char *member)
{
  JsonObject *inner;

  if (object == NULL || !json_object_has_member (object, member))
    return 0;
  inner = json_object_get_object_member (object, member);
  return inner != NULL ? json_object_get_size (inner) : 0;
}

/* Figures about a document that was not built in full are worthless: check that it holds
 * every declared path and webhook and a schema for every model. */
static void
check_document (JsonNode *document,
                guint     n_paths,
                guint     n_webhooks,
                guint     min_schemas)
{
  JsonObject *root = json_node_get_object (document);
  JsonObject *components = NULL;
  guint paths, webhooks, schemas;

  if (json_object_has_member (root, "components"))
    components = json_object_get_object_member (root, "components");
  paths = count_members (root, "paths");
  webhooks = count_members (root, "webhooks");
  schemas = count_members (components, "schemas");

  if (paths != n_paths || webhooks != n_webhooks || schemas < min_schemas)
    {
      g_printerr ("bench-openapi: the document has %u paths, %u webhooks and %u schemas; "
                  "expected %u, %u and at least %u\n",
                  paths, webhooks, schemas, n_paths, n_webhooks, min_schemas);
      exit (EXIT_FAILURE);
    }
}

static char *
serialize (JsonNode *document,
           gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, document);
  return json_generator_to_data (generator, length);
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

typedef struct
{
  double best_ms;
  double median_ms;
} Stat;

static Stat
stat_of (gint64 *samples,
         guint   n)
{
  g_autofree gint64 *sorted = g_memdup2 (samples, n * sizeof (gint64));
  Stat stat;

  qsort (sorted, n, sizeof (gint64), compare_times);
  stat.best_ms = sorted[0] / 1000.0;
  stat.median_ms = (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2) / 1000.0;
  return stat;
}

typedef struct
{
  double first_build_ms;
  double first_total_ms;
  Stat   build;
  Stat   serialize;
  Stat   total;
  gsize  bytes;
} Measure;

static Measure
measure (WhApplication *app,
         guint          repetitions,
         guint          n_paths,
         guint          n_webhooks,
         const char    *output)
{
  g_autofree gint64 *build = g_new0 (gint64, repetitions);
  g_autofree gint64 *serial = g_new0 (gint64, repetitions);
  g_autofree gint64 *total = g_new0 (gint64, repetitions);
  Measure result = { 0, };

  /* The first build also computes what the library may keep across builds (model schemas,
   * interned names); it is reported on its own and left out of the statistics. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) document = NULL;
    g_autofree char *text = NULL;
    gint64 start = g_get_monotonic_time ();

    document = wh_application_build_openapi (app, &error);
    result.first_build_ms = (g_get_monotonic_time () - start) / 1000.0;
    die_on_error (error, "building the document");
    check_document (document, n_paths, n_webhooks, N_MODELS);
    text = serialize (document, &result.bytes);
    result.first_total_ms = (g_get_monotonic_time () - start) / 1000.0;
    if (output != NULL)
      {
        g_file_set_contents (output, text, result.bytes, &error);
        die_on_error (error, "writing the document");
      }
  }

  for (guint r = 0; r < repetitions; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) document = NULL;
      g_autofree char *text = NULL;
      gsize length;
      gint64 t0, t1, t2;

      t0 = g_get_monotonic_time ();
      document = wh_application_build_openapi (app, &error);
      t1 = g_get_monotonic_time ();
      die_on_error (error, "building the document");
      text = serialize (document, &length);
      t2 = g_get_monotonic_time ();

      build[r] = t1 - t0;
      serial[r] = t2 - t1;
      total[r] = t2 - t0;
    }

  result.build = stat_of (build, repetitions);
  result.serialize = stat_of (serial, repetitions);
  result.total = stat_of (total, repetitions);
  return result;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) full = NULL;
  g_autoptr(WhApplication) routes_only = NULL;
  g_autofree char *output = NULL;
  g_autofree char *results = NULL;
  int repetitions = 30;
  gint64 start;
  double declare_ms;
  Measure f, r;
  GOptionEntry entries[] = {
    { "repetitions", 'n', 0, G_OPTION_ARG_INT, &repetitions,
      "How many times to build and serialize each document (default 30)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Also write the full document to FILE, to inspect or lint it", "FILE" },
    { "results", 0, 0, G_OPTION_ARG_FILENAME, &results,
      "Also write the figures to FILE as `key value` lines, for run.sh", "FILE" },
    { NULL },
  };

  context = g_option_context_new ("- time the OpenAPI document of a large application");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-openapi: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (repetitions < 1)
    {
      g_printerr ("bench-openapi: --repetitions must be at least 1\n");
      return EXIT_FAILURE;
    }

  register_models ();

  /* The routes-only application is measured first and dropped before the full one is
   * declared: measured after it, it ran up to a third slower in a heap that building and
   * freeing the bigger documents had fragmented, which is no fault of its own. */
  routes_only = wh_application_new ("Benchmark", "1.0.0");
  add_routes (routes_only);
  r = measure (routes_only, repetitions, N_ROUTES, 0, NULL);
  g_clear_object (&routes_only);

  start = g_get_monotonic_time ();
  full = wh_application_new ("Benchmark", "1.0.0");
  add_webhooks (full);
  add_routes (full);
  declare_ms = (g_get_monotonic_time () - start) / 1000.0;
  f = measure (full, repetitions, N_ROUTES, N_WEBHOOKS, output);

  g_print ("libwebhooks: %u webhooks + %u routes over %u models, declared in %.1f ms; "
           "document %" G_GSIZE_FORMAT " bytes\n",
           N_WEBHOOKS, N_ROUTES, N_MODELS, declare_ms, f.bytes);
  g_print ("libwebhooks: build %.2f ms, serialize %.2f ms, build/serialize %.2f "
           "(best of %d; median build %.2f ms, serialize %.2f ms; first build %.2f ms)\n",
           f.build.best_ms, f.serialize.best_ms, f.build.best_ms / f.serialize.best_ms,
           repetitions, f.build.median_ms, f.serialize.median_ms, f.first_build_ms);
  g_print ("libwebhooks routes only: build %.2f ms, serialize %.2f ms, total %.2f ms "
           "(best of %d; median total %.2f ms; first build %.2f ms; %" G_GSIZE_FORMAT " bytes)\n",
           r.build.best_ms, r.serialize.best_ms, r.total.best_ms,
           repetitions, r.total.median_ms, r.first_build_ms, r.bytes);

  if (results != NULL)
    {
      g_autofree char *text =
        g_strdup_printf ("full_build_ms %.3f\n"
                         "full_serialize_ms %.3f\n"
                         "full_build_median_ms %.3f\n"
                         "full_serialize_median_ms %.3f\n"
                         "full_bytes %" G_GSIZE_FORMAT "\n"
                         "routes_build_ms %.3f\n"
                         "routes_serialize_ms %.3f\n"
                         "routes_total_ms %.3f\n"
                         "routes_total_median_ms %.3f\n"
                         "routes_first_total_ms %.3f\n"
                         "routes_bytes %" G_GSIZE_FORMAT "\n",
                         f.build.best_ms, f.serialize.best_ms,
                         f.build.median_ms, f.serialize.median_ms, f.bytes,
                         r.build.best_ms, r.serialize.best_ms,
                         r.total.best_ms, r.total.median_ms, r.first_total_ms, r.bytes);

      if (!g_file_set_contents (results, text, -1, &error))
        {
          g_printerr ("bench-openapi: %s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  return EXIT_SUCCESS;
}
