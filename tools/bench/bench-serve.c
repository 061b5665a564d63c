/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * bench-serve: the server side of the serving benchmark. It declares an application of
 * 1,000 operations (routes over 100 models), attaches it to a SoupServer on 127.0.0.1, and
 * serves it in this one thread, on the default main context, as a GNOME service would:
 *
 *   bench-serve [--port N] [--output FILE] [--plain]
 *
 * With --plain, the same bytes are served by a bare libsoup handler instead (fixed bytes and
 * a Content-Type, nothing else): what libsoup itself costs, for comparison.
 *
 * It prints "port N" once it listens (N is chosen when --port is 0, the default), writes
 * the document exactly as it serves it to FILE (so that a static server can serve the same
 * bytes), and serves until SIGTERM, SIGINT or the end of its standard input. It is driven by
 * tools/bench/serve-run.sh, which runs wrk against it and against nginx.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <libsoup/soup.h>
#include <webhooks.h>

#define N_MODELS 100
#define N_ROUTES 1000

static GType model_types[N_MODELS];

/* The benchmark never instantiates a model: these only satisfy GObject, which refuses to
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
  guint n = GPOINTER_TO_UINT (class_data);
  guint prop_id = 1;

  object_class->get_property = bench_model_get_property;
  object_class->set_property = bench_model_set_property;

  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_int ("id", "Id", "The identifier", 0, G_MAXINT, 0, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_string ("name", "Name", "The display name", NULL, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_double ("amount", "Amount", "How much", 0.0, G_MAXDOUBLE, 0.0, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_boxed ("created-at", "Created at", "When it was made", G_TYPE_DATE_TIME, flags));
  g_object_class_install_property (object_class, prop_id++,
    g_param_spec_string ("note", "Note", "A free-form note", NULL, flags | WH_PARAM_OPTIONAL));
  /* Some models refer to an earlier one, as an order refers to its customer. */
  if (n >= 10)
    g_object_class_install_property (object_class, prop_id++,
      g_param_spec_object ("parent", "Parent", "What it belongs to", model_types[n % 10], flags));
}

static void
register_models (void)
{
  for (guint n = 0; n < N_MODELS; n++)
    {
      const GTypeInfo info = {
        .class_size = sizeof (GObjectClass),
        .class_init = bench_model_class_init,
        .class_data = GUINT_TO_POINTER (n),
        .instance_size = sizeof (GObject),
      };
      char name[32];

      g_snprintf (name, sizeof name, "BenchServeModel%03u", n);
      model_types[n] = g_type_register_static (G_TYPE_OBJECT, name, &info, 0);
    }
}

/* Even routes POST a body and answer a model, odd routes GET a model; every route has an
 * integer path parameter. */
static WhApplication *
build_application (GError **error)
{
  g_autoptr(WhApplication) app = wh_application_new ("Serving benchmark", "1.0.0");

  for (guint i = 0; i < N_ROUTES; i++)
    {
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
      if (!wh_application_add_route (app, gateway, error))
        return NULL;
    }

  return g_steal_pointer (&app);
}

static void
handle_plain (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", "application/json");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), user_data);
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
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(WhApplication) app = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *output = NULL;
  g_autofree char *document = NULL;
  g_autoptr(GBytes) plain_body = NULL;
  gboolean plain = FALSE;
  int port = 0;
  GSList *uris;
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "The port to listen on (0: any)", "N" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, "Write the served document there", "FILE" },
    { "plain", 0, 0, G_OPTION_ARG_NONE, &plain, "Serve it from a bare libsoup handler", NULL },
    { NULL }
  };

  options = g_option_context_new ("- serve a 1,000-operation OpenAPI document");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("bench-serve: %s\n", error->message);
      return EXIT_FAILURE;
    }

  register_models ();
  app = build_application (&error);
  if (app == NULL)
    {
      g_printerr ("bench-serve: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* The bytes /openapi.json serves (compact JSON), for the static server to serve too. */
  document = wh_application_get_openapi_json (app, FALSE);
  if (output != NULL && !g_file_set_contents (output, document, -1, &error))
    {
      g_printerr ("bench-serve: %s\n", error->message);
      return EXIT_FAILURE;
    }

  server = soup_server_new (NULL, NULL);
  if (plain)
    {
      gsize length = strlen (document);

      plain_body = g_bytes_new_take (g_steal_pointer (&document), length);
      soup_server_add_handler (server, "/openapi.json", handle_plain, plain_body, NULL);
    }
  else if (!wh_application_attach (app, server, &error))
    {
      g_printerr ("bench-serve: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("bench-serve: %s\n", error->message);
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
