/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <string.h>

#include "wh-docs-page-private.h"

char *
wh_docs_escape_html (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  /* Escapes the five characters that matter in text and in quoted attributes. */
  return g_markup_escape_text (text, -1);
}

char *
wh_docs_escape_js (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("null");

  out = g_string_sized_new (strlen (text) + 2);
  g_string_append_c (out, '"');

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        /* `</script>` and `<!--` could end the element or change how it is parsed;
         * `&` matters if the page is ever read as XHTML. U+2028/9 end a line in older
         * JavaScript engines. */
        case '<':
        case '>':
        case '&':
        case '\'':
        case 0x2028:
        case 0x2029:
          g_string_append_printf (out, "\\u%04x", c);
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_unichar (out, c);
        }
    }

  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

char *
wh_docs_render_template (const char *template_text,
                         GHashTable *values)
{
  GString *out;
  const char *p = template_text;

  g_return_val_if_fail (template_text != NULL, NULL);
  g_return_val_if_fail (values != NULL, NULL);

  out = g_string_sized_new (strlen (template_text) + 256);

  for (;;)
    {
      const char *open = strstr (p, "{{");
      const char *close;
      g_autofree char *inner = NULL;
      g_auto(GStrv) words = NULL;
      const char *value;

      if (open == NULL || (close = strstr (open + 2, "}}")) == NULL)
        {
          g_string_append (out, p);
          break;
        }

      g_string_append_len (out, p, open - p);
      p = close + 2;

      inner = g_strndup (open + 2, close - open - 2);
      words = g_strsplit (g_strstrip (inner), " ", 2);

      if (g_strv_length (words) != 2 ||
          !g_hash_table_lookup_extended (values, words[1], NULL, (gpointer *) &value))
        {
          g_warning ("Docs page template: unknown placeholder “{{%s}}”", inner);
          continue;
        }

      if (g_str_equal (words[0], "html"))
        {
          g_autofree char *escaped = wh_docs_escape_html (value != NULL ? value : "");

          g_string_append (out, escaped);
        }
      else if (g_str_equal (words[0], "js"))
        {
          g_autofree char *escaped = wh_docs_escape_js (value);

          g_string_append (out, escaped);
        }
      else
        g_warning ("Docs page template: unknown context “%s” in “{{%s}}”", words[0], inner);
    }

  return g_string_free (out, FALSE);
}
