/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The server the browser test opens: the seed's example (a Payment model, POST /create named
 * create_payment, a "new-event" webhook that sends a Payment) attached to a SoupServer on
 * 127.0.0.1, with the docs pages' assets served from a local node_modules folder so that the
 * browser needs nothing but the loopback interface.
 *
 *   docs-server NODE_MODULES
 *
 * It prints "port N" on its standard output once it listens, and serves until it is sent
 * SIGTERM or SIGINT, or its standard input is closed (so that it never outlives the test
 * that started it, even one that was killed). */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <webhooks.h>

/* The model, as docs/examples/c/seed.c declares it. */

#define DOCS_TYPE_PAYMENT (docs_payment_get_type ())
G_DECLARE_FINAL_TYPE (DocsPayment, docs_payment, DOCS, PAYMENT, GObject)

struct _DocsPayment
{
  GObject    parent_instance;

  gboolean   is_paid;
  double     amount;
  GDateTime *paid_at;
};

G_DEFINE_FINAL_TYPE (DocsPayment, docs_payment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IS_PAID,
  PROP_AMOUNT,
  PROP_PAID_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
docs_payment_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DocsPayment *self = DOCS_PAYMENT (object);

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
docs_payment_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DocsPayment *self = DOCS_PAYMENT (object);

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
docs_payment_finalize (GObject *object)
{
  DocsPayment *self = DOCS_PAYMENT (object);

  g_clear_pointer (&self->paid_at, g_date_time_unref);

  G_OBJECT_CLASS (docs_payment_parent_class)->finalize (object);
}

static void
docs_payment_class_init (DocsPaymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = docs_payment_get_property;
  object_class->set_property = docs_payment_set_property;
  object_class->finalize = docs_payment_finalize;

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
docs_payment_init (DocsPayment *self)
{
}

static WhApplication *
build_application (const char  *assets_dir,
                   GError     **error)
{
  g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");
  g_autoptr(WhWebhookHandler) new_event = wh_whpost ("new-event");
  g_autoptr(WhWebhookGateway) webhook = NULL;
  g_autoptr(WhHandler) create_payment = wh_post ("/create");
  g_autoptr(WhGateway) route = NULL;

  wh_model_set_name (DOCS_TYPE_PAYMENT, "Payment");

  g_object_set (new_event,
                "description", "User receives a notification for every payment done.",
                "body-type", DOCS_TYPE_PAYMENT,
                NULL);
  webhook = wh_webhook_gateway_new (new_event);
  if (!wh_application_add_webhook (app, webhook, error))
    return NULL;

  g_object_set (create_payment,
                "name", "create_payment",
                "body-type", DOCS_TYPE_PAYMENT,
                NULL);
  route = wh_gateway_new (create_payment);
  if (!wh_application_add_route (app, route, error))
    return NULL;

  g_object_set (app, "docs-assets-dir", assets_dir, NULL);

  return g_steal_pointer (&app);
}

static gboolean
on_quit (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin (gint         fd,
          GIOCondition condition,
          gpointer     user_data)
{
  char buffer[256];

  /* Anything but end of file (or an error) is ignored. */
  if ((condition & G_IO_IN) && read (fd, buffer, sizeof buffer) > 0)
    return G_SOURCE_CONTINUE;

  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GSList *uris;

  if (argc != 2)
    {
      g_printerr ("usage: %s NODE_MODULES\n", argv[0]);
      return EXIT_FAILURE;
    }

  app = build_application (argv[1], &error);
  server = soup_server_new (NULL, NULL);
  if (app == NULL ||
      !wh_application_attach (app, server, &error) ||
      !soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("docs-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  uris = soup_server_get_uris (server);
  g_print ("port %d\n", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_quit, loop);
  g_unix_signal_add (SIGINT, on_quit, loop);
  g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, loop);
  g_main_loop_run (loop);

  return EXIT_SUCCESS;
}
