/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The paths libwebhooks mounted on a server: see wh-server-paths-private.h. */

#include "config.h"

#include <string.h>

#include "wh-server-paths-private.h"

struct _WhServerPaths
{
  GHashTable *served;     /* path -> WhServedPath, owned */
  WhRouter *router;
};

static GQuark
server_paths_quark (void)
{
  return g_quark_from_static_string ("wh-server-paths");
}

static void
served_path_free (gpointer data)
{
  WhServedPath *served = data;

  g_free (served->path);
  g_object_unref (served->owner);
  g_free (served->what);
  g_free (served);
}

static void
server_paths_clear (gpointer data)
{
  WhServerPaths *paths = data;

  g_hash_table_unref (paths->served);
  wh_router_free (paths->router);
}

WhServerPaths *
wh_server_paths_get (SoupServer *server)
{
  WhServerPaths *paths = g_object_get_qdata (G_OBJECT (server), server_paths_quark ());

  if (paths == NULL)
    {
      /* Reference counted: a receiver's handler releases its path when libsoup drops it,
       * which happens while the server is finalized, in no set order with its data. */
      paths = g_rc_box_new0 (WhServerPaths);
      paths->served = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, served_path_free);
      paths->router = wh_router_new (server);
      g_object_set_qdata_full (G_OBJECT (server), server_paths_quark (), paths,
                               (GDestroyNotify) wh_server_paths_unref);
    }

  return paths;
}

WhServerPaths *
wh_server_paths_ref (WhServerPaths *paths)
{
  return g_rc_box_acquire (paths);
}

void
wh_server_paths_unref (WhServerPaths *paths)
{
  g_rc_box_release_full (paths, server_paths_clear);
}

WhRouter *
wh_server_paths_get_router (WhServerPaths *paths)
{
  return paths->router;
}

/* Whether @path is strictly below @parent: libsoup hands a handler every such path. */
static gboolean
path_is_below (const char *path,
               const char *parent)
{
  gsize len = strlen (parent);

  if (len > 0 && parent[len - 1] == '/')
    len--;

  return strncmp (path, parent, len) == 0 && path[len] == '/';
}

const WhServedPath *
wh_server_paths_lookup (WhServerPaths *paths,
                        const char    *path,
                        gboolean       covering)
{
  WhServedPath *served = g_hash_table_lookup (paths->served, path);
  GHashTableIter iter;
  gpointer value;

  if (served != NULL || !covering)
    return served;

  g_hash_table_iter_init (&iter, paths->served);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      served = value;
      if (served->subtree && path_is_below (path, served->path))
        return served;
    }

  return NULL;
}

GList *
wh_server_paths_list (WhServerPaths *paths)
{
  return g_hash_table_get_values (paths->served);
}

void
wh_server_paths_reserve (WhServerPaths *paths,
                         const char    *path,
                         WhServedBy     served_by,
                         GObject       *owner,
                         const char    *what,
                         gboolean       subtree)
{
  WhServedPath *served;

  g_return_if_fail (!g_hash_table_contains (paths->served, path));

  served = g_new0 (WhServedPath, 1);
  served->path = g_strdup (path);
  served->served_by = served_by;
  served->owner = g_object_ref (owner);
  served->what = g_strdup (what);
  served->subtree = subtree;
  g_hash_table_insert (paths->served, served->path, served);
}

void
wh_server_paths_release (WhServerPaths *paths,
                         const char    *path,
                         GObject       *owner)
{
  WhServedPath *served = g_hash_table_lookup (paths->served, path);

  if (served != NULL && served->owner == owner)
    g_hash_table_remove (paths->served, path);
}
