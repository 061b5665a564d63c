/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The foundation issue's contract, compiled and run exactly as it is written there, so that
 * a change that breaks what the bindings and later issues rely on fails here first. */

#include <webhooks.h>

#define MY_TYPE_PAYMENT (my_payment_get_type ())
G_DECLARE_FINAL_TYPE (MyPayment, my_payment, MY, PAYMENT, GObject)

struct _MyPayment
{
  GObject parent_instance;
  gboolean is_paid;
};

G_DEFINE_FINAL_TYPE (MyPayment, my_payment, G_TYPE_OBJECT)

static void
my_payment_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  g_value_set_boolean (value, MY_PAYMENT (object)->is_paid);
}

static void
my_payment_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MY_PAYMENT (object)->is_paid = g_value_get_boolean (value);
}

static void
my_payment_class_init (MyPaymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = my_payment_get_property;
  object_class->set_property = my_payment_set_property;
  g_object_class_install_property (object_class, 1,
                                   g_param_spec_boolean ("is-paid", "Is paid", "Whether it is paid",
                                                         FALSE, G_PARAM_READWRITE));
}

static void
my_payment_init (MyPayment *self)
{
}

static void
test_contract_as_written (void)
{
  /* From here to the end of the block: the text, unchanged. */
  g_autoptr(GError) error = NULL;
  g_autoptr(WhWebhookHandler) handler = wh_whpost ("new-payment");
  g_object_set (handler,
                "description", "User receives a notification for every payment done.",
                "body-type", MY_TYPE_PAYMENT,             /* any GObject class is a model */
                NULL);
  g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new (handler);
  g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");
  if (!wh_application_add_webhook (app, gateway, &error))
    g_printerr ("%s\n", error->message);

  g_autoptr(WhHandler) create = wh_post ("/create");
  g_object_set (create, "name", "create_payment", "body-type", MY_TYPE_PAYMENT, NULL);
  g_autoptr(WhGateway) route = wh_gateway_new (create);
  wh_application_add_route (app, route, &error);

  JsonNode *doc = wh_application_get_openapi (app);                    /* (transfer none), cached */
  g_autofree char *text = wh_application_get_openapi_json (app, TRUE); /* pretty */
  /* End of the text. */

  JsonObject *root;
  JsonObject *operation;

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  g_assert_true (doc == wh_application_get_openapi (app));
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "\n  \"openapi\" : \"3.1.0\""));

  root = json_node_get_object (doc);
  operation = json_object_get_object_member (
    json_object_get_object_member (json_object_get_object_member (root, "webhooks"), "new-payment"),
    "post");
  g_assert_cmpstr (json_object_get_string_member (operation, "operationId"), ==,
                   "new_paymentnew_payment_post");
  g_assert_cmpstr (json_object_get_string_member (operation, "summary"), ==, "New Payment");

  operation = json_object_get_object_member (
    json_object_get_object_member (json_object_get_object_member (root, "paths"), "/create"),
    "post");
  g_assert_cmpstr (json_object_get_string_member (operation, "operationId"), ==,
                   "create_payment_create_post");
  g_assert_true (json_object_has_member (
    json_object_get_object_member (json_object_get_object_member (root, "components"), "schemas"),
    "MyPayment"));
}

/* The other constructors the contract names exist with the methods their names say. */
static void
test_contract_constructors (void)
{
  struct { WhWebhookHandler *(*make) (const char *); const char *method; } webhooks[] = {
    { wh_whget, "GET" }, { wh_whpost, "POST" }, { wh_whput, "PUT" }, { wh_whpatch, "PATCH" },
    { wh_whdelete, "DELETE" }, { wh_whhead, "HEAD" }, { wh_whead, "HEAD" },
    { wh_whoptions, "OPTIONS" }, { wh_whtrace, "TRACE" },
  };
  struct { WhHandler *(*make) (const char *); const char *method; } routes[] = {
    { wh_get, "GET" }, { wh_post, "POST" }, { wh_put, "PUT" }, { wh_patch, "PATCH" },
    { wh_delete, "DELETE" }, { wh_head, "HEAD" }, { wh_options, "OPTIONS" }, { wh_trace, "TRACE" },
  };
  const char *methods[] = { "GET", "POST", NULL };
  g_autoptr(WhWebhookHandler) both = wh_whroute ("both", methods);
  g_autoptr(WhHandler) route_both = wh_route ("/both", methods);

  for (guint i = 0; i < G_N_ELEMENTS (webhooks); i++)
    {
      g_autoptr(WhWebhookHandler) handler = webhooks[i].make ("event");
      const char * const *got = wh_handler_get_methods (WH_HANDLER (handler));

      g_assert_cmpstrv (got, ((const char *[]) { webhooks[i].method, NULL }));
    }

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr(WhHandler) handler = routes[i].make ("/path");

      g_assert_false (WH_IS_WEBHOOK_HANDLER (handler));
      g_assert_cmpstrv (wh_handler_get_methods (handler),
                        ((const char *[]) { routes[i].method, NULL }));
    }

  g_assert_cmpstrv (wh_handler_get_methods (WH_HANDLER (both)), methods);
  g_assert_cmpstrv (wh_handler_get_methods (route_both), methods);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/contract/as-written", test_contract_as_written);
  g_test_add_func ("/contract/constructors", test_contract_constructors);

  return g_test_run ();
}
