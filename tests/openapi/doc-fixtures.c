/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "doc-fixtures.h"

/* The document only reads the models' property specs, but the models must still be
 * usable objects: every property is kept in the instance's data, under its name. */
static void
free_value (gpointer data)
{
  g_value_unset (data);
  g_free (data);
}

static void
fixture_model_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  GValue *copy = g_new0 (GValue, 1);

  g_value_init (copy, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_value_copy (value, copy);
  g_object_set_data_full (object, pspec->name, copy, free_value);
}

static void
fixture_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  const GValue *stored = g_object_get_data (object, pspec->name);

  if (stored != NULL)
    g_value_copy (stored, value);
  else
    g_param_value_set_default (pspec, value);
}

static void
fixture_model_class_init (GObjectClass *object_class)
{
  object_class->set_property = fixture_model_set_property;
  object_class->get_property = fixture_model_get_property;
}

#define RW (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)

/* Payment */

struct _Payment
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (Payment, payment, G_TYPE_OBJECT)

static void
payment_class_init (PaymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  fixture_model_class_init (object_class);
  g_object_class_install_property (object_class, 1,
    g_param_spec_boolean ("is-paid", "Is paid", "Whether the payment went through",
                          FALSE, RW));
  g_object_class_install_property (object_class, 2,
    g_param_spec_double ("amount", "Amount", "The amount paid",
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, RW));
  g_object_class_install_property (object_class, 3,
    g_param_spec_boxed ("paid-at", "Paid at", "When the payment was made",
                        G_TYPE_DATE_TIME, RW));
}

static void
payment_init (Payment *self)
{
}

/* Customer */

struct _Customer
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (Customer, customer, G_TYPE_OBJECT)

static void
customer_class_init (CustomerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  fixture_model_class_init (object_class);
  g_object_class_install_property (object_class, 1,
    g_param_spec_string ("name", "Name", "The customer's name", NULL, RW));
  g_object_class_install_property (object_class, 2,
    g_param_spec_string ("note", "Note", "A free-form note", "none",
                         RW | WH_PARAM_OPTIONAL));
}

static void
customer_init (Customer *self)
{
}

/* PaymentMethod, OrderOptions */

GType
payment_method_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { 0, "PAYMENT_METHOD_CARD", "card" },
        { 1, "PAYMENT_METHOD_BANK_TRANSFER", "bank-transfer" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("PaymentMethod"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

GType
order_options_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GFlagsValue values[] = {
        { 1, "ORDER_OPTIONS_GIFT_WRAP", "gift-wrap" },
        { 2, "ORDER_OPTIONS_INSURED", "insured" },
        { 0, NULL, NULL },
      };
      GType type = g_flags_register_static (g_intern_static_string ("OrderOptions"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/* Order */

struct _Order
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (Order, order, G_TYPE_OBJECT)

static void
order_class_init (OrderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  guint id = 1;

  fixture_model_class_init (object_class);
  g_object_class_install_property (object_class, id++,
    g_param_spec_int64 ("id", "Id", "The order's number",
                        G_MININT64, G_MAXINT64, 0, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_int ("quantity", "Quantity", "How many items",
                      1, 100, 1, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_object ("customer", "Customer", "Who ordered",
                         FIX_TYPE_CUSTOMER, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_boxed ("items", "Items", "The item names",
                        G_TYPE_STRV, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_enum ("method", "Method", "How it is paid",
                       FIX_TYPE_PAYMENT_METHOD, 0, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_flags ("options", "Options", "Extra services",
                        FIX_TYPE_ORDER_OPTIONS, 0, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_boxed ("created-at", "Created at", "When it was ordered",
                        G_TYPE_DATE_TIME, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_boxed ("metadata", "Metadata", "Anything the shop keeps with it",
                        JSON_TYPE_NODE, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_float ("ratio", "Ratio", "The share already paid",
                        -G_MAXFLOAT, G_MAXFLOAT, 0.0f, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_boolean ("express", "Express", "Whether it ships express",
                          FALSE, RW | WH_PARAM_OPTIONAL));
}

static void
order_init (Order *self)
{
}

/* PaymentWebhook: the seed's APIView */

struct _PaymentWebhook
{
  WhAPIView parent_instance;
};

G_DEFINE_FINAL_TYPE (PaymentWebhook, payment_webhook, WH_TYPE_API_VIEW)

static void
payment_webhook_class_init (PaymentWebhookClass *klass)
{
  WhAPIViewClass *view_class = WH_API_VIEW_CLASS (klass);
  g_autoptr(WhWebhookHandler) new_event = wh_whpost ("new-event");
  g_autoptr(WhWebhookHandler) payments = wh_whpost ("payments");

  wh_handler_set_body_type (WH_HANDLER (new_event), FIX_TYPE_PAYMENT);
  wh_api_view_class_add_handler (view_class, WH_HANDLER (new_event));

  /* Python's decorator names a handler after its method: here `new_payment`. */
  wh_handler_set_name (WH_HANDLER (payments), "new_payment");
  wh_handler_set_body_type (WH_HANDLER (payments), FIX_TYPE_PAYMENT);
  wh_api_view_class_add_handler (view_class, WH_HANDLER (payments));
}

static void
payment_webhook_init (PaymentWebhook *self)
{
}

/* Applications */

static void
add_webhook (WhApplication    *app,
             WhWebhookGateway *gateway)
{
  g_autoptr(GError) error = NULL;

  if (!wh_application_add_webhook (app, gateway, &error))
    g_error ("A fixture webhook was refused: %s", error->message);
}

static void
add_route (WhApplication *app,
           WhGateway     *gateway)
{
  g_autoptr(GError) error = NULL;

  if (!wh_application_add_route (app, gateway, &error))
    g_error ("A fixture route was refused: %s", error->message);
}

static void
add_webhook_handler (WhApplication    *app,
                     WhWebhookHandler *handler)
{
  g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new (handler);

  add_webhook (app, gateway);
}

static void
add_route_handler (WhApplication *app,
                   const char    *prefix,
                   WhHandler     *handler)
{
  g_autoptr(WhGateway) gateway = wh_gateway_new (handler);

  if (prefix != NULL)
    wh_gateway_set_path (gateway, prefix);
  add_route (app, gateway);
}

WhApplication *
fix_empty_app (void)
{
  return wh_application_new ("Empty", "0.1.0");
}

WhApplication *
fix_seed_app (void)
{
  WhApplication *app = wh_application_new ("Payments", "1.0.0");
  g_autoptr(WhWebhookHandler) new_event = wh_whpost ("new-event");
  g_autoptr(WhHandler) create = wh_post ("/create");

  wh_handler_set_body_type (WH_HANDLER (new_event), FIX_TYPE_PAYMENT);
  add_webhook_handler (app, new_event);

  wh_handler_set_name (create, "create_payment");
  wh_handler_set_body_type (create, FIX_TYPE_PAYMENT);
  add_route_handler (app, NULL, create);

  return app;
}

WhApplication *
fix_view_app (void)
{
  WhApplication *app = wh_application_new ("Payments", "1.0.0");
  g_autoptr(WhAPIView) view = g_object_new (FIX_TYPE_PAYMENT_WEBHOOK, NULL);
  g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new_for_view (view);

  add_webhook (app, gateway);

  return app;
}

static JsonNode *
oauth_flows (void)
{
  return json_from_string ("{\"clientCredentials\": {"
                           "  \"tokenUrl\": \"https://shop.example.com/oauth/token\","
                           "  \"scopes\": {\"orders:read\": \"Read orders\","
                           "               \"orders:write\": \"Change orders\"}}}",
                           NULL);
}

static void
add_full_webhooks (WhApplication    *app,
                   WhSecurityScheme *api_key)
{
  const char *status_methods[] = { "GET", "POST", NULL };
  const char *payment_tags[] = { "payments", NULL };

  {
    g_autoptr(WhWebhookHandler) handler = wh_whpost ("new-payment");

    g_object_set (handler,
                  "description", "User receives a notification for every payment done.",
                  "body-type", FIX_TYPE_PAYMENT,
                  NULL);
    wh_handler_set_tags (WH_HANDLER (handler), payment_tags);
    wh_handler_add_security (WH_HANDLER (handler), api_key);
    add_webhook_handler (app, handler);
  }
  {
    /* A name that looks like a path keeps its slash. */
    g_autoptr(WhWebhookHandler) handler = wh_whput ("/event");

    wh_handler_set_body_type (WH_HANDLER (handler), FIX_TYPE_PAYMENT);
    wh_handler_set_media_type (WH_HANDLER (handler), "application/cloudevents+json");
    add_webhook_handler (app, handler);
  }
  {
    g_autoptr(WhWebhookHandler) handler = wh_whroute ("order-status", status_methods);

    wh_handler_set_body_type (WH_HANDLER (handler), FIX_TYPE_ORDER);
    wh_handler_set_status_code (WH_HANDLER (handler), 202);
    add_webhook_handler (app, handler);
  }
  {
    g_autoptr(WhAPIView) view = g_object_new (FIX_TYPE_PAYMENT_WEBHOOK, NULL);
    g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new_for_view (view);

    wh_gateway_set_tags (WH_GATEWAY (gateway), payment_tags);
    add_webhook (app, gateway);
  }
  {
    g_autoptr(WhWebhookHandler) handler = wh_whpatch ("legacy-payment");
    g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new (handler);

    wh_handler_set_body_type (WH_HANDLER (handler), FIX_TYPE_PAYMENT);
    wh_gateway_set_deprecated (WH_GATEWAY (gateway), TRUE);
    add_webhook (app, gateway);
  }
  {
    g_autoptr(WhWebhookHandler) handler = wh_whpost ("internal-audit");

    wh_handler_set_include_in_schema (WH_HANDLER (handler), FALSE);
    add_webhook_handler (app, handler);
  }
  {
    g_autoptr(WhWebhookHandler) handler = wh_whdelete ("payment-deleted");

    add_webhook_handler (app, handler);
  }
  {
    g_autoptr(WhWebhookHandler) options = wh_whoptions ("probe");
    g_autoptr(WhWebhookHandler) trace = wh_whtrace ("probe");
    g_autoptr(WhWebhookHandler) head = wh_whhead ("probe");

    wh_handler_set_body_type (WH_HANDLER (options), FIX_TYPE_PAYMENT);
    wh_handler_set_body_type (WH_HANDLER (trace), FIX_TYPE_PAYMENT);
    add_webhook_handler (app, options);
    add_webhook_handler (app, trace);
    add_webhook_handler (app, head);
  }
  {
    g_autoptr(WhWebhookHandler) handler = wh_whget ("refund");

    wh_handler_set_operation_id (WH_HANDLER (handler), "refund_requested");
    wh_handler_set_summary (WH_HANDLER (handler), "A refund was requested");
    wh_handler_set_response_type (WH_HANDLER (handler), FIX_TYPE_CUSTOMER);
    add_webhook_handler (app, handler);
  }
  {
    g_autoptr(WhWebhookHandler) handler = wh_whpost ("disputed");
    g_autoptr(WhResponse) rejected = wh_response_new ("4XX", "Rejected by the receiver");
    g_autoptr(WhResponse) fallback = wh_response_new ("default", NULL);

    wh_handler_set_body_type (WH_HANDLER (handler), FIX_TYPE_PAYMENT);
    wh_handler_add_response (WH_HANDLER (handler), rejected);
    wh_handler_add_response (WH_HANDLER (handler), fallback);
    add_webhook_handler (app, handler);
  }
}

static void
add_full_routes (WhApplication    *app,
                 WhSecurityScheme *api_key,
                 WhSecurityScheme *oauth)
{
  const char *order_methods[] = { "GET", "PUT", NULL };
  const char *order_tags[] = { "orders", NULL };

  {
    g_autoptr(WhHandler) create = wh_post ("/create");

    g_object_set (create,
                  "name", "create_payment",
                  "body-type", FIX_TYPE_PAYMENT,
                  "response-type", FIX_TYPE_PAYMENT,
                  "response-description", "The payment as stored",
                  NULL);
    add_route_handler (app, NULL, create);
  }
  {
    g_autoptr(WhHandler) get_user = wh_get ("/{user_id}");
    g_autoptr(WhParameter) user_id = wh_parameter_new ("user_id", WH_PARAMETER_PATH, G_TYPE_INT);
    g_autoptr(WhParameter) verbose = wh_parameter_new ("verbose", WH_PARAMETER_QUERY, G_TYPE_BOOLEAN);
    g_autoptr(WhParameter) request_id = wh_parameter_new ("X-Request-Id", WH_PARAMETER_HEADER, G_TYPE_STRING);
    g_autoptr(WhResponse) not_found = wh_response_new ("404", NULL);
    g_autoptr(WhResponse) conflict = wh_response_new ("409", "The user is being changed");

    wh_handler_set_name (get_user, "get_user");
    wh_handler_set_response_type (get_user, FIX_TYPE_CUSTOMER);
    wh_parameter_set_description (user_id, "The user's number");
    wh_parameter_set_required (verbose, FALSE);
    wh_parameter_set_required (request_id, FALSE);
    wh_parameter_set_deprecated (request_id, TRUE);
    wh_handler_add_parameter (get_user, user_id);
    wh_handler_add_parameter (get_user, verbose);
    wh_handler_add_parameter (get_user, request_id);
    wh_response_set_body_type (conflict, FIX_TYPE_CUSTOMER);
    wh_handler_add_response (get_user, not_found);
    wh_handler_add_response (get_user, conflict);
    add_route_handler (app, "/users", get_user);
  }
  {
    /* Path parameters that are not declared are documented as required strings. */
    g_autoptr(WhHandler) remove = wh_delete ("/{order_id}/items/{item_id}");

    add_route_handler (app, "/orders", remove);
  }
  {
    g_autoptr(WhHandler) orders = wh_route ("/orders", order_methods);
    g_autoptr(WhGateway) gateway = wh_gateway_new (orders);

    wh_handler_set_body_type (orders, FIX_TYPE_ORDER);
    wh_handler_set_tags (orders, order_tags);
    wh_handler_add_security (orders, api_key);
    wh_handler_add_security (orders, oauth);
    wh_gateway_add_security (gateway, oauth);
    add_route (app, gateway);
  }
  {
    g_autoptr(WhHandler) update = wh_patch ("/orders/{order_id}");
    g_autoptr(WhResponse) unprocessable = wh_response_new ("422", "The order cannot change now");

    wh_handler_set_body_type (update, FIX_TYPE_ORDER);
    wh_handler_set_media_type (update, "application/x-www-form-urlencoded");
    wh_handler_add_response (update, unprocessable);
    add_route_handler (app, NULL, update);
  }
  {
    g_autoptr(WhHandler) jobs = wh_post ("/jobs");

    wh_handler_set_status_code (jobs, 202);
    wh_handler_set_response_type (jobs, FIX_TYPE_ORDER);
    wh_handler_set_deprecated (jobs, TRUE);
    add_route_handler (app, NULL, jobs);
  }
  {
    g_autoptr(WhHandler) hidden = wh_get ("/internal");
    g_autoptr(WhGateway) gateway = wh_gateway_new (hidden);

    wh_gateway_set_include_in_schema (gateway, FALSE);
    add_route (app, gateway);
  }
}

WhApplication *
fix_full_app (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) flows = oauth_flows ();
  const char *scopes[] = { "orders:read", "orders:write", NULL };
  WhApplication *app = wh_application_new ("Shop", "2.1.0");
  g_autoptr(WhSecurityScheme) api_key = wh_security_scheme_new_api_key ("ApiKey", WH_PARAMETER_HEADER, "X-API-Key");
  g_autoptr(WhSecurityScheme) bearer = wh_security_scheme_new_http ("Bearer", "bearer");
  g_autoptr(WhSecurityScheme) oauth = wh_security_scheme_new_oauth2 ("OAuth", flows);
  g_autoptr(WhSecurityScheme) openid = wh_security_scheme_new_openid_connect ("OpenID", "https://shop.example.com/.well-known/openid-configuration");

  wh_application_set_summary (app, "Orders and payments");
  wh_application_set_description (app, "Every feature of the document, for the validator.");
  g_object_set (app,
                "terms-of-service", "https://shop.example.com/terms",
                "contact-name", "Shop support",
                "contact-url", "https://shop.example.com/support",
                "contact-email", "support@shop.example.com",
                "license-name", "LGPL-2.1-or-later",
                "license-identifier", "LGPL-2.1-or-later",
                NULL);
  wh_application_add_server (app, "https://shop.example.com", "Production");
  wh_application_add_server (app, "https://staging.shop.example.com", NULL);
  wh_application_add_tag (app, "payments", "Payment events");
  wh_application_add_tag (app, "orders", NULL);

  wh_security_scheme_set_description (api_key, "The key from the dashboard");
  wh_security_scheme_set_scopes (oauth, scopes);
  if (!wh_application_add_security_scheme (app, openid, &error))
    g_error ("The fixture's OpenID scheme was refused: %s", error->message);
  wh_application_add_security (app, bearer);

  add_full_webhooks (app, api_key);
  add_full_routes (app, api_key, oauth);

  return app;
}
