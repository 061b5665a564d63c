/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The example of Esmerald's "Webhooks" page, declared with libwebhooks in C: a Payment
 * model, a POST /create route that takes one, and a new-event webhook that sends one.
 * It serves them on http://127.0.0.1:8000 (the document, the docs pages and POST /create)
 * until interrupted; --print-openapi prints the OpenAPI 3.1 document instead, --port
 * chooses another port (0: any free one).
 *
 *   cc seed.c $(pkg-config --cflags --libs webhooks-1) -o webhooks-demo
 */

#include <stdlib.h>
#include <glib-unix.h>
#include <webhooks.h>

/* The payload model: any GObject class is one. Its readable properties become the JSON
 * members (is-paid becomes is_paid), and all of them are required unless marked with
 * WH_PARAM_OPTIONAL. */

#define DEMO_TYPE_PAYMENT (demo_payment_get_type ())
G_DECLARE_FINAL_TYPE (DemoPayment, demo_payment, DEMO, PAYMENT, GObject)

struct _DemoPayment
{
  GObject    parent_instance;

  gboolean   is_paid;
  double     amount;
  GDateTime *paid_at;
};

G_DEFINE_FINAL_TYPE (DemoPayment, demo_payment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IS_PAID,
  PROP_AMOUNT,
  PROP_PAID_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
demo_payment_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DemoPayment *self = DEMO_PAYMENT (object);

  switch (prop_id)
    {
    case PROP_IS_PAID:
      g_value_set_boolean (value, self->is_paid);
      break;
    case PROP_AMOUNT:
      g_value_set_double (value, self->amount);
      break;
    case PROP_PAID_AT:
      g_value_set_boxed (value, self->paid_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
demo_payment_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DemoPayment *self = DEMO_PAYMENT (object);

  switch (prop_id)
    {
    case PROP_IS_PAID:
      self->is_paid = g_value_get_boolean (value);
      break;
    case PROP_AMOUNT:
      self->amount = g_value_get_double (value);
      break;
    case PROP_PAID_AT:
      g_clear_pointer (&self->paid_at, g_date_time_unref);
      self->paid_at = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
demo_payment_finalize (GObject *object)
{
  DemoPayment *self = DEMO_PAYMENT (object);

  g_clear_pointer (&self->paid_at, g_date_time_unref);

  G_OBJECT_CLASS (demo_payment_parent_class)->finalize (object);
}

static void
demo_payment_class_init (DemoPaymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = demo_payment_get_property;
  object_class->set_property = demo_payment_set_property;
  object_class->finalize = demo_payment_finalize;

  properties[PROP_IS_PAID] =
    g_param_spec_boolean ("is-paid", "Is paid", "Whether the payment went through",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AMOUNT] =
    g_param_spec_double ("amount", "Amount", "How much was paid",
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAID_AT] =
    g_param_spec_boxed ("paid-at", "Paid at", "When the payment was made",
                        G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
demo_payment_init (DemoPayment *self)
{
}

/* The route's work: a handler class whose handle() gets the request with its body
 * already validated and made into a DemoPayment. */

#define DEMO_TYPE_CREATE_PAYMENT (demo_create_payment_get_type ())
G_DECLARE_FINAL_TYPE (DemoCreatePayment, demo_create_payment, DEMO, CREATE_PAYMENT, WhHandler)

struct _DemoCreatePayment
{
  WhHandler parent_instance;
};

G_DEFINE_FINAL_TYPE (DemoCreatePayment, demo_create_payment, WH_TYPE_HANDLER)

static void
demo_create_payment_handle (WhHandler *handler,
                            WhRequest *request)
{
  DemoPayment *payment = DEMO_PAYMENT (wh_request_get_body (request));

  /* Status 0: the handler's status code, 201 for a POST. */
  wh_request_respond_model (request, 0, G_OBJECT (payment));
}

static void
demo_create_payment_class_init (DemoCreatePaymentClass *klass)
{
  WH_HANDLER_CLASS (klass)->handle = demo_create_payment_handle;
}

static void
demo_create_payment_init (DemoCreatePayment *self)
{
}

/* The application: one route and one webhook, as in the seed. */
static WhApplication *
build_application (GError **error)
{
  g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");

  /* The GType is DemoPayment; the document calls the model what the seed calls it. */
  wh_model_set_name (DEMO_TYPE_PAYMENT, "Payment");

  /* A webhook handler's path is the webhook's name, an identifier that is never routed:
   * subscribers choose the URL it is sent to. */
  g_autoptr(WhWebhookHandler) new_event = wh_whpost ("new-event");
  g_object_set (new_event,
                "description", "User receives a notification for every payment done.",
                "body-type", DEMO_TYPE_PAYMENT,
                NULL);
  g_autoptr(WhWebhookGateway) webhook = wh_webhook_gateway_new (new_event);
  if (!wh_application_add_webhook (app, webhook, error))
    return NULL;

  /* Esmerald names a handler after its function; C has no such thing, so the name is set. */
  g_autoptr(WhHandler) create_payment =
    g_object_new (DEMO_TYPE_CREATE_PAYMENT,
                  "path", "/create",
                  "methods", (const char * const[]) { "POST", NULL },
                  NULL);
  g_object_set (create_payment,
                "name", "create_payment",
                "body-type", DEMO_TYPE_PAYMENT,
                NULL);
  g_autoptr(WhGateway) route = wh_gateway_new (create_payment);
  if (!wh_application_add_route (app, route, error))
    return NULL;

  return g_steal_pointer (&app);
}

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_CONTINUE;
}

static int
serve (WhApplication *app,
       int            port,
       GError       **error)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const char *paths[] = { "/openapi.json", "/docs/swagger", "/docs/redoc", "/docs/elements",
                          "/docs/rapidoc" };
  GSList *uris;
  guint sigint, sigterm;

  if (!wh_application_attach (app, server, error) ||
      !soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return EXIT_FAILURE;

  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_print ("Serving %s on http://127.0.0.1:%d (Ctrl+C stops)\n",
           wh_application_get_title (app), port);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_print ("  http://127.0.0.1:%d%s\n", port, paths[i]);
  g_print ("  POST http://127.0.0.1:%d/create with {\"is_paid\": true, \"amount\": 9.99, "
           "\"paid_at\": \"2024-05-01T12:00:00Z\"}\n", port);

  sigint = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  return EXIT_SUCCESS;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *text = NULL;
  gboolean print_openapi = FALSE;
  int port = 8000;
  GOptionEntry entries[] = {
    { "print-openapi", 0, 0, G_OPTION_ARG_NONE, &print_openapi,
      "Print the OpenAPI document and exit", NULL },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "The port to serve on (0: any free one)", "PORT" },
    { NULL },
  };

  context = g_option_context_new ("- the seed's Payments example");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("webhooks-demo: %s\n", error->message);
      return EXIT_FAILURE;
    }

  app = build_application (&error);
  if (app == NULL)
    {
      g_printerr ("webhooks-demo: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* Building explicitly reports a problem in the declarations (an operationId clash, a model
   * with no JSON form) as a GError instead of a document without the faulty parts. */
  document = wh_application_build_openapi (app, &error);
  if (document == NULL)
    {
      g_printerr ("webhooks-demo: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (print_openapi)
    {
      text = wh_application_get_openapi_json (app, TRUE);
      g_print ("%s\n", text);
      return EXIT_SUCCESS;
    }

  if (serve (app, port, &error) != EXIT_SUCCESS)
    {
      g_printerr ("webhooks-demo: %s\n", error->message);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
