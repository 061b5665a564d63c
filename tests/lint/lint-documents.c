/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Writes the documents that run-redocly.sh lints: the seed's two examples, an application
 * that uses every feature of the document, and an empty application. They are built by
 * the same fixtures the document tests assert on. */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <webhooks.h>

#include "doc-fixtures.h"

typedef WhApplication *(*AppFactory) (void);

static const struct
{
  const char *file;
  AppFactory  factory;
} documents[] = {
  { "empty.json", fix_empty_app },
  { "seed.json",  fix_seed_app  },
  { "view.json",  fix_view_app  },
  { "full.json",  fix_full_app  },
};

int
main (int    argc,
      char **argv)
{
  const char *folder;

  if (argc != 2)
    {
      g_printerr ("Usage: %s FOLDER\nWrites the linted OpenAPI documents into FOLDER.\n", argv[0]);
      return 2;
    }
  folder = argv[1];

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      g_printerr ("Cannot create %s: %s\n", folder, g_strerror (errno));
      return 1;
    }

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(WhApplication) app = documents[i].factory ();
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) doc = wh_application_build_openapi (app, &error);
      g_autofree char *path = g_build_filename (folder, documents[i].file, NULL);
      g_autofree char *text = NULL;

      if (doc == NULL)
        {
          g_printerr ("%s: %s\n", documents[i].file, error->message);
          return 1;
        }

      text = wh_application_get_openapi_json (app, TRUE);
      if (!g_file_set_contents (path, text, -1, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print ("%s\n", path);
    }

  return 0;
}
