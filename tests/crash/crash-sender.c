/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The sending process of the crash test (test-crash.c): a plain application that opens
 * the shared store file and runs a WhDispatcher until it is killed.
 *
 *   crash-sender STORE-FILE CONCURRENCY
 *
 * It never exits by itself while its parent lives: the test kills it with SIGKILL. Its
 * stdin is a pipe from the test, so that it also goes away if the test itself dies and
 * no sender is left behind sending to a closed port. */

#include "config.h"

#include <stdlib.h>
#include <unistd.h>
#include <webhooks.h>

/* Short enough for the test, long enough that no attempt times out on a busy machine:
 * a timed-out attempt would be a retry, and so a duplicate that no kill explains. */
#define ATTEMPT_TIMEOUT_MS 3000
/* The safety net if the stdin watch should ever miss its parent's death. */
#define LIFETIME_S 600

static gboolean
on_stdin (GIOChannel   *channel,
          GIOCondition  condition,
          gpointer      user_data)
{
  char buffer[64];
  gsize n_read = 0;

  /* Nothing is ever written: any event is the end of the pipe, the parent is gone. */
  if ((condition & G_IO_IN) != 0 &&
      g_io_channel_read_chars (channel, buffer, sizeof buffer, &n_read, NULL) == G_IO_STATUS_NORMAL &&
      n_read > 0)
    return G_SOURCE_CONTINUE;

  exit (EXIT_SUCCESS);
}

static gboolean
on_lifetime_over (gpointer user_data)
{
  g_printerr ("crash-sender: still running after %d s, giving up\n", LIFETIME_S);
  exit (EXIT_FAILURE);
}

static WhApplication *
make_application (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = wh_application_new ("Crash test", "1.0.0");
  g_autoptr(WhWebhookHandler) webhook = wh_whpost ("ping");
  g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new (webhook);

  if (!wh_application_add_webhook (app, gateway, &error))
    g_error ("crash-sender: %s", error->message);

  return g_steal_pointer (&app);
}

int
main (int    argc,
      char **argv)
{
  /* Retries are not what this test is about, but if one happens it should not wait. */
  const guint64 schedule[] = { 0, 50, 50, 50, 50, 50, 50, 50, 50, 50 };
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = NULL;
  g_autoptr(WhStore) store = NULL;
  g_autoptr(WhDispatcher) dispatcher = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GIOChannel) input = NULL;
  guint concurrency;

  if (argc != 3)
    {
      g_printerr ("Usage: %s STORE-FILE CONCURRENCY\n", argv[0]);
      return EXIT_FAILURE;
    }

  concurrency = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  if (concurrency == 0)
    {
      g_printerr ("crash-sender: the concurrency must be a positive number\n");
      return EXIT_FAILURE;
    }

  store = wh_sqlite_store_new (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("crash-sender: %s\n", error->message);
      return EXIT_FAILURE;
    }

  app = make_application ();
  dispatcher = wh_dispatcher_new (app, store);
  if (!wh_dispatcher_allow_network (dispatcher, "127.0.0.0/8", &error))
    {
      g_printerr ("crash-sender: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* The shortest lease the dispatcher allows (the attempt timeout plus five seconds),
   * so that what a killed sender had in flight comes back soon; a short poll interval,
   * so that the next sender notices at once. */
  g_object_set (dispatcher,
                "concurrency", concurrency,
                "batch-size", concurrency,
                "max-conns", concurrency,
                "max-conns-per-host", concurrency,
                "timeout", ATTEMPT_TIMEOUT_MS,
                "lease-time", 1,
                "poll-interval", 50,
                "retry-jitter", 0.0,
                NULL);
  wh_dispatcher_set_retry_schedule (dispatcher, schedule, G_N_ELEMENTS (schedule));

  input = g_io_channel_unix_new (STDIN_FILENO);
  g_io_add_watch (input, G_IO_IN | G_IO_HUP | G_IO_ERR | G_IO_NVAL, on_stdin, NULL);
  g_timeout_add_seconds (LIFETIME_S, on_lifetime_over, NULL);

  loop = g_main_loop_new (NULL, FALSE);
  wh_dispatcher_start (dispatcher);
  g_main_loop_run (loop);

  return EXIT_SUCCESS;
}
