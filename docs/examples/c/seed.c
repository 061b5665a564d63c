/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The example of Esmerald's "Webhooks" page, declared with libwebhooks in C: a Payment
 * model, a POST /create route that takes one, and a new-event webhook that sends one.
 *
 * It serves them on http://127.0.0.1:8000 (the document, the docs pages and POST /create)
 * until interrupted, and goes the rest of the way the seed leaves "up to you": every
 * POST /create publishes new-event with the created payment, a dispatcher signs and sends
 * it to a subscriber, and that subscriber, a receiver at /receiver on the same server,
 * verifies it, turns it back into a Payment and prints it.
 *
 * --print-openapi prints the OpenAPI 3.1 document instead; --port chooses another port
 * (0: any free one); --docs-assets-dir serves the docs pages' scripts from a local folder
 * (laid out as npm's node_modules) instead of a CDN.
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
 * already validated and made into a DemoPayment, and publishes the new-event webhook
 * about that payment. */

#define DEMO_TYPE_CREATE_PAYMENT (demo_create_payment_get_type ())
G_DECLARE_FINAL_TYPE (DemoCreatePayment, demo_create_payment, DEMO, CREATE_PAYMENT, WhHandler)

struct _DemoCreatePayment
{
  WhHandler     parent_instance;

  /* A weak pointer, not a reference: the dispatcher holds the application, which holds
   * this handler. */
  WhDispatcher *dispatcher;
};

G_DEFINE_FINAL_TYPE (DemoCreatePayment, demo_create_payment, WH_TYPE_HANDLER)

static void
demo_create_payment_handle (WhHandler *handler,
                            WhRequest *request)
{
  DemoCreatePayment *self = DEMO_CREATE_PAYMENT (handler);
  DemoPayment *payment = DEMO_PAYMENT (wh_request_get_body (request));
  g_autofree char *message_id = NULL;
  g_autoptr(GError) error = NULL;

  /* Publishing only writes the webhook to the dispatcher's store and returns; the
   * dispatcher sends it from the main loop, so the client does not wait for the
   * subscriber, and a subscriber that is down does not fail the payment. */
  message_id = wh_dispatcher_publish (self->dispatcher, "new-event", G_OBJECT (payment),
                                      &error);
  if (message_id == NULL)
    {
      /* The body already passed the schema the webhook is checked against, so this is
       * the store failing: the client must not believe the payment was announced. */
      g_printerr ("webhooks-demo: %s\n", error->message);
      wh_request_respond_error (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                "The payment's new-event webhook could not be published.");
      return;
    }

  g_print ("Published new-event %s\n", message_id);

  /* Status 0: the handler's status code, 201 for a POST. */
  wh_request_respond_model (request, 0, G_OBJECT (payment));
}

static void
demo_create_payment_dispose (GObject *object)
{
  DemoCreatePayment *self = DEMO_CREATE_PAYMENT (object);

  g_clear_weak_pointer (&self->dispatcher);

  G_OBJECT_CLASS (demo_create_payment_parent_class)->dispose (object);
}

static void
demo_create_payment_class_init (DemoCreatePaymentClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = demo_create_payment_dispose;
  WH_HANDLER_CLASS (klass)->handle = demo_create_payment_handle;
}

static void
demo_create_payment_init (DemoCreatePayment *self)
{
}

static void
demo_create_payment_set_dispatcher (DemoCreatePayment *self,
                                    WhDispatcher      *dispatcher)
{
  g_set_weak_pointer (&self->dispatcher, dispatcher);
}

/* The application: one route and one webhook, as in the seed. @create_payment_out gets
 * the route's handler, which is told where to publish once there is a dispatcher. */
static WhApplication *
build_application (DemoCreatePayment **create_payment_out,
                   GError            **error)
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
  g_autoptr(DemoCreatePayment) create_payment =
    g_object_new (DEMO_TYPE_CREATE_PAYMENT,
                  "path", "/create",
                  "methods", (const char * const[]) { "POST", NULL },
                  NULL);
  g_object_set (create_payment,
                "name", "create_payment",
                "body-type", DEMO_TYPE_PAYMENT,
                NULL);
  g_autoptr(WhGateway) route = wh_gateway_new (WH_HANDLER (create_payment));
  if (!wh_application_add_route (app, route, error))
    return NULL;

  *create_payment_out = g_steal_pointer (&create_payment);
  return g_steal_pointer (&app);
}

/* The subscriber's side. A real subscriber is someone else's service; this one shares
 * the demo's server so that the demo needs a single port. */

#define RECEIVER_PATH "/receiver"

/* Emitted only for a webhook whose signature matched the shared secret within the
 * timestamp tolerance, the first time its webhook-id arrives, and whose body matched
 * the webhook's schema. */
static void
on_payment_received (WhReceiver *receiver,
                     const char *webhook_id,
                     const char *event,
                     JsonNode   *payload,
                     GObject    *model,
                     gpointer    user_data)
{
  DemoPayment *payment = DEMO_PAYMENT (model);
  g_autofree char *paid_at = g_date_time_format_iso8601 (payment->paid_at);

  g_print ("Received %s %s, signature verified: is_paid=%s amount=%g paid_at=%s\n",
           event, webhook_id, payment->is_paid ? "true" : "false", payment->amount, paid_at);
}

static WhReceiver *
start_receiver (WhApplication  *app,
                SoupServer     *server,
                const char     *secret,
                GError        **error)
{
  g_autoptr(WhReceiver) receiver = wh_receiver_new (secret, error);

  if (receiver == NULL)
    return NULL;

  /* Knowing the application and the event, the receiver checks the body against the
   * webhook's schema in the document and hands over a DemoPayment, not raw JSON. */
  wh_receiver_set_application (receiver, app);
  wh_receiver_set_event (receiver, "new-event");
  g_signal_connect (receiver, "received::new-event", G_CALLBACK (on_payment_received), NULL);

  if (!wh_receiver_attach (receiver, server, RECEIVER_PATH, error))
    return NULL;

  return g_steal_pointer (&receiver);
}

/* The sending side. */

static void
on_delivery_failed (WhDispatcher *dispatcher,
                    WhDelivery   *delivery,
                    WhAttempt    *attempt,
                    gboolean      will_retry,
                    gpointer      user_data)
{
  g_autofree char *status = NULL;
  const char *reason = wh_attempt_get_error_message (attempt);

  /* No message means the receiver answered, with something other than a 2xx. */
  if (reason == NULL)
    reason = status = g_strdup_printf ("the receiver answered %u",
                                       wh_attempt_get_status_code (attempt));

  g_printerr ("Attempt %u to deliver %s failed: %s (%s)\n",
              wh_attempt_get_number (attempt), wh_delivery_get_message_id (delivery), reason,
              will_retry ? "it will be retried" : "no attempts left");
}

static WhDispatcher *
start_dispatcher (WhApplication  *app,
                  WhEndpoint     *endpoint,
                  GError        **error)
{
  g_autoptr(WhStore) store = NULL;
  g_autoptr(WhDispatcher) dispatcher = NULL;

  /* In memory, because the only subscriber lives and dies with this process (a new
   * secret on every run, a new port with --port 0): a file would keep deliveries for
   * receivers that no longer exist and retry them for days. An application with real
   * subscribers gives a file, so that nothing published is lost when it restarts. */
  store = wh_sqlite_store_new (":memory:", error);
  if (store == NULL)
    return NULL;

  dispatcher = wh_dispatcher_new (app, store);

  /* The egress guard refuses loopback by default, so that a subscriber cannot make the
   * service post to its own machine; this receiver is on the machine on purpose. */
  if (!wh_dispatcher_allow_network (dispatcher, "127.0.0.0/8", error) ||
      !wh_dispatcher_add_endpoint (dispatcher, endpoint, error))
    return NULL;

  g_signal_connect (dispatcher, "delivery-failed", G_CALLBACK (on_delivery_failed), NULL);
  wh_dispatcher_start (dispatcher);

  return g_steal_pointer (&dispatcher);
}

/* Serving */

static int
listening_port (SoupServer *server)
{
  GSList *uris = soup_server_get_uris (server);
  int port = g_uri_get_port (uris->data);

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return port;
}

static void
print_urls (WhApplication *app,
            int            port,
            const char    *receiver_url)
{
  const char *paths[] = { "/openapi.json", "/docs/swagger", "/docs/redoc", "/docs/elements",
                          "/docs/rapidoc" };

  g_print ("Serving %s on http://127.0.0.1:%d (Ctrl+C stops)\n",
           wh_application_get_title (app), port);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_print ("  http://127.0.0.1:%d%s\n", port, paths[i]);
  g_print ("  POST http://127.0.0.1:%d/create with {\"is_paid\": true, \"amount\": 9.99, "
           "\"paid_at\": \"2024-05-01T12:00:00Z\"}\n", port);
  g_print ("Every POST /create publishes new-event to the receiver at %s; each delivery "
           "it verifies is printed below.\n", receiver_url);
}

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_CONTINUE;
}

static void
run_until_signalled (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint sigint = g_unix_signal_add (SIGINT, on_signal, loop);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, loop);

  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
}

static gboolean
serve (WhApplication      *app,
       DemoCreatePayment  *create_payment,
       int                 port,
       GError            **error)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(WhEndpoint) endpoint = NULL;
  g_autoptr(WhReceiver) receiver = NULL;
  g_autoptr(WhDispatcher) dispatcher = NULL;
  g_autofree char *receiver_url = NULL;

  if (!wh_application_attach (app, server, error) ||
      !soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  /* With --port 0 the receiver's URL is known only once the server listens. */
  port = listening_port (server);
  receiver_url = g_strdup_printf ("http://127.0.0.1:%d%s", port, RECEIVER_PATH);

  /* A new endpoint comes with a fresh whsec_ secret; the receiver verifies with the
   * same one, as a real subscriber would after copying it from its subscription. */
  endpoint = wh_endpoint_new (receiver_url, error);
  if (endpoint == NULL)
    return FALSE;

  receiver = start_receiver (app, server, wh_endpoint_get_secret (endpoint), error);
  if (receiver == NULL)
    return FALSE;

  dispatcher = start_dispatcher (app, endpoint, error);
  if (dispatcher == NULL)
    return FALSE;

  demo_create_payment_set_dispatcher (create_payment, dispatcher);

  print_urls (app, port, receiver_url);
  run_until_signalled ();

  /* Hands what is still in flight back to the store; with ":memory:" it ends with the
   * process, as the receiver does. */
  wh_dispatcher_stop (dispatcher);

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = NULL;
  g_autoptr(DemoCreatePayment) create_payment = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *text = NULL;
  g_autofree char *docs_assets_dir = NULL;
  gboolean print_openapi = FALSE;
  int port = 8000;
  GOptionEntry entries[] = {
    { "print-openapi", 0, 0, G_OPTION_ARG_NONE, &print_openapi,
      "Print the OpenAPI document and exit", NULL },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "The port to serve on (0: any free one)", "PORT" },
    { "docs-assets-dir", 0, 0, G_OPTION_ARG_FILENAME, &docs_assets_dir,
      "Serve the docs pages' scripts from this folder (laid out as npm's node_modules) "
      "instead of a CDN", "DIR" },
    { NULL },
  };

  context = g_option_context_new ("- the seed's Payments example");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("webhooks-demo: %s\n", error->message);
      return EXIT_FAILURE;
    }

  app = build_application (&create_payment, &error);
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

  /* Without a network the pages need their scripts from here (the browser test does this). */
  if (docs_assets_dir != NULL)
    g_object_set (app, "docs-assets-dir", docs_assets_dir, NULL);

  if (!serve (app, create_payment, port, &error))
    {
      g_printerr ("webhooks-demo: %s\n", error->message);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
