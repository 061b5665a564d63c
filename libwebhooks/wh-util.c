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
