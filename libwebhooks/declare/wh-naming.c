/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <string.h>

#include "wh-naming-private.h"

const char * const wh_http_methods[] = {
  "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", NULL
};

gboolean
wh_http_method_is_known (const char *method)
{
  if (method == NULL)
    return FALSE;

  return g_strv_contains (wh_http_methods, method);
}

guint
wh_http_method_default_status (const char *method)
{
  if (g_strcmp0 (method, "POST") == 0)
    return 201;
  if (g_strcmp0 (method, "DELETE") == 0)
    return 204;
  return 200;
}

gboolean
wh_http_method_allows_body (const char *method)
{
  static const char * const with_body[] = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", NULL
  };

  if (method == NULL)
    return FALSE;

  return g_strv_contains (with_body, method);
}

gboolean
wh_http_status_allows_body (guint status)
{
  if (status >= 100 && status < 200)
    return FALSE;
  return status != 204 && status != 304;
}

/* Python's `\W` with ASCII semantics, which is what Esmerald's names and operationIds
 * come out as for the identifiers people actually use. A multi-byte UTF-8 character is
 * one non-word character, so it becomes a single `_`, as it does in Python. */
static void
append_word_chars (GString    *out,
                   const char *text)
{
  g_autofree char *valid = NULL;
  const char *p;

  if (text == NULL)
    return;

  /* g_utf8_next_char() would step over the terminator of a truncated sequence. */
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_ascii_isalnum (*p) || *p == '_')
        g_string_append_c (out, *p);
      else
        g_string_append_c (out, '_');
    }
}

char *
wh_name_from_path (const char *path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize start = 0;
  gsize end;

  append_word_chars (out, path);

  end = out->len;
  while (start < end && out->str[start] == '_')
    start++;
  while (end > start && out->str[end - 1] == '_')
    end--;

  if (start == end)
    return g_strdup ("index");

  return g_strndup (out->str + start, end - start);
}

static gboolean
unichar_is_cased (gunichar c)
{
  return g_unichar_isupper (c) || g_unichar_islower (c) || g_unichar_istitle (c);
}

char *
wh_summary_from_name (const char *name)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *valid = NULL;
  gboolean previous_cased = FALSE;
  const char *p;

  if (name == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (name, -1);

  /* str.title(): a cased character that follows a cased one is lowered, any other
   * is title-cased, so "new_payment" gives "New Payment" and "v2api" gives "V2Api". */
  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '_' || c == '-')
        c = ' ';

      if (unichar_is_cased (c))
        {
          g_string_append_unichar (out, previous_cased ? g_unichar_tolower (c)
                                                       : g_unichar_totitle (c));
          previous_cased = TRUE;
        }
      else
        {
          g_string_append_unichar (out, c);
          previous_cased = FALSE;
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
wh_operation_id_compose (const char *name,
                         const char *path,
                         const char *method)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *lower = NULL;

  append_word_chars (out, name);
  append_word_chars (out, path);

  lower = g_ascii_strdown (method != NULL ? method : "", -1);
  g_string_append_c (out, '_');
  g_string_append (out, lower);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
wh_route_path_join (const char *prefix,
                    const char *path)
{
  g_autoptr(GString) out = g_string_new ("/");
  const char *parts[2] = { prefix, path };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *p;

      if (parts[i] == NULL)
        continue;

      for (p = parts[i]; *p != '\0'; p++)
        {
          if (*p == '/' && out->str[out->len - 1] == '/')
            continue;
          g_string_append_c (out, *p);
        }

      if (out->str[out->len - 1] != '/')
        g_string_append_c (out, '/');
    }

  if (out->len > 1)
    g_string_truncate (out, out->len - 1);

  return g_string_free (g_steal_pointer (&out), FALSE);
}
