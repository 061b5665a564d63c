/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Lets interop.mjs drive libwebhooks' signatures from Node:
 *
 *   sign-tool secret                               prints a new secret
 *   sign-tool sign SECRET ID TIMESTAMP FILE        prints the webhook-signature value
 *   sign-tool verify SECRET ID TIMESTAMP SIG FILE  exits 0 if it verifies, 1 if not
 *
 * The body is read from FILE so that any bytes, not only what fits in an argument,
 * can be signed. verify checks against the real clock, as a receiver does. */

#include "config.h"

#include <stdlib.h>

#include <webhooks.h>

static GBytes *
read_body (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("sign-tool: %s\n", error->message);
      exit (2);
    }

  return g_bytes_new_take (contents, length);
}

static int
usage (void)
{
  g_printerr ("usage: sign-tool secret\n"
              "       sign-tool sign SECRET ID TIMESTAMP FILE\n"
              "       sign-tool verify SECRET ID TIMESTAMP SIGNATURE FILE\n");
  return 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  if (argc == 2 && g_str_equal (argv[1], "secret"))
    {
      g_autofree char *secret = wh_signature_generate_secret ();

      g_print ("%s\n", secret);
      return 0;
    }

  if (argc == 6 && g_str_equal (argv[1], "sign"))
    {
      g_autoptr(GBytes) body = read_body (argv[5]);
      g_autofree char *signature = NULL;
      guint64 timestamp;

      if (!g_ascii_string_to_unsigned (argv[4], 10, 0, G_MAXINT64, &timestamp, &error))
        {
          g_printerr ("sign-tool: %s\n", error->message);
          return 2;
        }

      signature = wh_signature_sign (argv[2], argv[3], (gint64) timestamp, body, &error);
      if (signature == NULL)
        {
          g_printerr ("sign-tool: %s\n", error->message);
          return 2;
        }

      g_print ("%s\n", signature);
      return 0;
    }

  if (argc == 7 && g_str_equal (argv[1], "verify"))
    {
      g_autoptr(GBytes) body = read_body (argv[6]);

      if (!wh_signature_verify (argv[2], argv[3], argv[4], argv[5], body, &error))
        {
          g_printerr ("sign-tool: %s\n", error->message);
          return 1;
        }

      return 0;
    }

  return usage ();
}
