/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "wh-json-private.h"

#define INDENT 2

static void write_node (GString  *out,
                        JsonNode *node,
                        gboolean  pretty,
                        guint     level);

static void
write_string (GString    *out,
              const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
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
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

/* The shortest of %.15g, %.16g and %.17g that reads back as @value: 17 digits always do,
 * but most numbers people write need 15 at most. */
static void
write_double (GString *out,
              double   value)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* JSON has no infinities or NaN; the serializers refuse them before they get here. */
  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, sizeof buffer, formats[i], value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  g_string_append (out, buffer);
  /* Keep a double a double, as json-glib does: 12.0, not 12. */
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
write_value (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      write_double (out, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_STRING:
      if (json_node_get_string (node) != NULL)
        write_string (out, json_node_get_string (node));
      else
        g_string_append (out, "null");
      break;
    default:
      g_string_append (out, "null");
    }
}

static void
write_indent (GString *out,
              guint    level)
{
  for (guint i = 0; i < level * INDENT; i++)
    g_string_append_c (out, ' ');
}

static void
write_object (GString    *out,
              JsonObject *object,
              gboolean    pretty,
              guint       level)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;

      if (pretty)
        {
          g_string_append_c (out, '\n');
          write_indent (out, level + 1);
        }
      write_string (out, name);
      g_string_append (out, pretty ? " : " : ":");
      write_node (out, member, pretty, level + 1);
    }

  if (pretty && !first)
    {
      g_string_append_c (out, '\n');
      write_indent (out, level);
    }
  g_string_append_c (out, '}');
}

static void
write_array (GString   *out,
             JsonArray *array,
             gboolean   pretty,
             guint      level)
{
  guint length = json_array_get_length (array);

  g_string_append_c (out, '[');
  for (guint i = 0; i < length; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (pretty)
        {
          g_string_append_c (out, '\n');
          write_indent (out, level + 1);
        }
      write_node (out, json_array_get_element (array, i), pretty, level + 1);
    }

  if (pretty && length > 0)
    {
      g_string_append_c (out, '\n');
      write_indent (out, level);
    }
  g_string_append_c (out, ']');
}

static void
write_node (GString  *out,
            JsonNode *node,
            gboolean  pretty,
            guint     level)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      write_object (out, json_node_get_object (node), pretty, level);
      break;
    case JSON_NODE_ARRAY:
      write_array (out, json_node_get_array (node), pretty, level);
      break;
    case JSON_NODE_VALUE:
      write_value (out, node);
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
    }
}

char *
wh_json_to_string (JsonNode *node,
                   gboolean  pretty,
                   gsize    *length)
{
  GString *out = g_string_sized_new (256);

  g_return_val_if_fail (node != NULL, NULL);

  write_node (out, node, pretty, 0);
  if (length != NULL)
    *length = out->len;

  return g_string_free (out, FALSE);
}
