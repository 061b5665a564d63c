/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "wh-util-private.h"

gboolean
wh_set_string (char       **field,
               const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

gboolean
wh_set_strv (GStrv              *field,
             const char * const *value)
{
  g_auto(GStrv) copy = value != NULL ? g_strdupv ((char **) value) : g_new0 (char *, 1);

  if (*field != NULL && g_strv_equal ((const char * const *) *field, (const char * const *) copy))
    return FALSE;

  g_strfreev (*field);
  *field = g_steal_pointer (&copy);
  return TRUE;
}
