/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The delivery issue's contract, compiled and run as it is written there. */

#include <glib/gstdio.h>
#include <webhooks.h>

#define MY_TYPE_PAYMENT (my_payment_get_type ())
G_DECLARE_FINAL_TYPE (MyPayment, my_payment, MY, PAYMENT, GObject)

struct _MyPayment
{
  GObject parent_instance;
  double amount;
};

G_DEFINE_FINAL_TYPE (MyPayment, my_payment, G_TYPE_OBJECT)

static void
my_payment_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  g_value_set_double (value, MY_PAYMENT (object)->amount);
}

static void
my_payment_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MY_PAYMENT (object)->amount = g_value_get_double (value);
}

static void
my_payment_class_init (MyPaymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = my_payment_get_property;
  object_class->set_property = my_payment_set_property;
  g_object_class_install_property (object_class, 1,
                                   g_param_spec_double ("amount", "Amount", "How much", 0, 1e9, 0,
                                                        G_PARAM_READWRITE));
}

static void
my_payment_init (MyPayment *self)
{
}

static WhApplication *
payments_application (void)
{
  g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");
  g_autoptr(WhWebhookHandler) handler = wh_whpost ("new-payment");
  g_autoptr(WhWebhookGateway) gateway = NULL;

  g_object_set (handler, "body-type", MY_TYPE_PAYMENT, NULL);
  gateway = wh_webhook_gateway_new (handler);
  g_assert_true (wh_application_add_webhook (app, gateway, NULL));
  return g_steal_pointer (&app);
}

static void
test_delivery_contract_as_written (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wh-contract-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "deliveries.db", NULL);
  g_autoptr(WhApplication) app = payments_application ();
  g_autoptr(MyPayment) payment = g_object_new (MY_TYPE_PAYMENT, "amount", 12.5, NULL);
  guint64 pending = 0, succeeded = 0, failed = 0;

  g_chdir (dir);
  {
    /* From here to the end of the block: the text, unchanged. */
    g_autoptr(GError) error = NULL;
    g_autoptr(WhStore) store = wh_sqlite_store_new ("deliveries.db", &error);     /* or ":memory:" */
    g_autoptr(WhDispatcher) dispatcher = wh_dispatcher_new (app, store);
    wh_dispatcher_allow_network (dispatcher, "127.0.0.0/8", &error);  /* tests; the default refuses it */
    g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/hooks", &error);
    /* properties: url, secret (a fresh whsec_ secret unless set), events (NULL: all), enabled,
       description, headers; an invalid URL or scheme is a GError */
    wh_dispatcher_add_endpoint (dispatcher, endpoint, &error);
    g_autofree char *id = wh_dispatcher_publish (dispatcher, "new-payment", G_OBJECT (payment), &error);
    wh_dispatcher_start (dispatcher);   /* sends on the thread-default main context */
    /* End of the text. */

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (id, "msg_"));
    g_assert_true (g_str_has_prefix (wh_endpoint_get_secret (endpoint), "whsec_"));
    g_assert_true (wh_store_count_deliveries (store, &pending, &succeeded, &failed, &error));
    g_assert_no_error (error);
    /* Published and not yet sent: nothing is sent inside publish. */
    g_assert_cmpuint (pending + succeeded + failed, ==, 1);
    wh_dispatcher_stop (dispatcher);
  }

  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  g_chdir ("/");
  {
    g_autoptr(GFile) folder = g_file_new_for_path (dir);
    g_autoptr(GFileEnumerator) files = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                  G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while ((info = g_file_enumerator_next_file (files, NULL, NULL)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, g_file_info_get_name (info), NULL);

        g_unlink (path);
        g_object_unref (info);
      }
    g_rmdir (dir);
  }
}

static void
test_signature_contract_as_written (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = wh_signature_generate_secret ();
  const char *msg_id = "msg_2Vn3bC1Q";
  gint64 timestamp = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *timestamp_str = g_strdup_printf ("%" G_GINT64_FORMAT, timestamp);
  g_autoptr(GBytes) payload_bytes = g_bytes_new_static ("{\"amount\":12.5}", 15);

  /* The two lines. */
  char *sig = wh_signature_sign (secret, msg_id, timestamp, payload_bytes, &error);  /* "v1,..." */
  const char *signature_header = sig;
  gboolean ok = wh_signature_verify (secret, msg_id, timestamp_str, signature_header, payload_bytes, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sig, "v1,"));
  g_assert_true (ok);
  g_free (sig);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/contract/delivery/as-written", test_delivery_contract_as_written);
  g_test_add_func ("/contract/delivery/signature", test_signature_contract_as_written);

  return g_test_run ();
}
