/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "json-assert.h"

#include <stdlib.h>

JsonNode *
json_assert_parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  if (node == NULL)
    g_error ("The expected JSON in the test does not parse: %s\n%s",
             error ? error->message : "empty", text);

  return node;
}

static char *
unescape_token (const char *token)
{
  GString *out = g_string_new (NULL);

  for (const char *p = token; *p != '\0'; p++)
    {
      if (p[0] == '~' && p[1] == '1')
        {
          g_string_append_c (out, '/');
          p++;
        }
      else if (p[0] == '~' && p[1] == '0')
        {
          g_string_append_c (out, '~');
          p++;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

JsonNode *
json_assert_lookup (JsonNode   *root,
                    const char *pointer)
{
  g_auto(GStrv) tokens = NULL;
  JsonNode *node = root;

  if (root == NULL || pointer == NULL || *pointer == '\0')
    return root;

  g_assert (pointer[0] == '/');
  tokens = g_strsplit (pointer + 1, "/", -1);

  for (guint i = 0; tokens[i] != NULL && node != NULL; i++)
    {
      g_autofree char *token = unescape_token (tokens[i]);

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *object = json_node_get_object (node);

          node = json_object_has_member (object, token)
               ? json_object_get_member (object, token) : NULL;
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          char *end = NULL;
          guint64 index = g_ascii_strtoull (token, &end, 10);

          if (end == token || *end != '\0' || index >= json_array_get_length (array))
            node = NULL;
          else
            node = json_array_get_element (array, index);
        }
      else
        node = NULL;
    }

  return node;
}

char *
json_assert_member_names (JsonNode *node)
{
  GString *names = g_string_new (NULL);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        {
          if (names->len > 0)
            g_string_append_c (names, ',');
          g_string_append (names, l->data);
        }
    }

  return g_string_free (names, FALSE);
}

static char *
pretty (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("(absent)");
  return json_to_string (node, TRUE);
}

static void
fail (const char *file,
      int         line,
      const char *what,
      const char *pointer,
      JsonNode   *actual,
      JsonNode   *expected)
{
  g_autofree char *actual_text = pretty (actual);
  g_autofree char *expected_text = pretty (expected);
  g_autofree char *message =
    g_strdup_printf ("%s at \"%s\":\nexpected:\n%s\nactual:\n%s",
                     what, pointer ? pointer : "", expected_text, actual_text);

  g_assertion_message (G_LOG_DOMAIN, file, line, "json", message);
}

void
json_assert_equal_impl (const char *file,
                        int         line,
                        JsonNode   *root,
                        const char *pointer,
                        const char *expected)
{
  g_autoptr(JsonNode) want = json_assert_parse (expected);
  JsonNode *actual = json_assert_lookup (root, pointer);

  if (actual == NULL || !json_node_equal (actual, want))
    fail (file, line, "JSON differs", pointer, actual, want);
}

static gboolean
contains (JsonNode *actual,
          JsonNode *expected)
{
  if (actual == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_OBJECT (expected))
    {
      JsonObject *want, *have;
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (actual))
        return FALSE;
      want = json_node_get_object (expected);
      have = json_node_get_object (actual);
      members = json_object_get_members (want);
      for (GList *l = members; l != NULL; l = l->next)
        {
          if (!json_object_has_member (have, l->data) ||
              !contains (json_object_get_member (have, l->data),
                         json_object_get_member (want, l->data)))
            return FALSE;
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (expected))
    {
      JsonArray *want, *have;

      if (!JSON_NODE_HOLDS_ARRAY (actual))
        return FALSE;
      want = json_node_get_array (expected);
      have = json_node_get_array (actual);
      if (json_array_get_length (want) != json_array_get_length (have))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (want); i++)
        if (!contains (json_array_get_element (have, i), json_array_get_element (want, i)))
          return FALSE;
      return TRUE;
    }

  return json_node_equal (actual, expected);
}

void
json_assert_subset_impl (const char *file,
                         int         line,
                         JsonNode   *root,
                         const char *pointer,
                         const char *expected)
{
  g_autoptr(JsonNode) want = json_assert_parse (expected);
  JsonNode *actual = json_assert_lookup (root, pointer);

  if (!contains (actual, want))
    fail (file, line, "JSON does not contain the expected members", pointer, actual, want);
}

void
json_assert_text_impl (const char *file,
                       int         line,
                       JsonNode   *root,
                       const char *pointer,
                       const char *expected)
{
  g_autoptr(JsonNode) want = json_assert_parse (expected);
  JsonNode *actual = json_assert_lookup (root, pointer);
  g_autofree char *want_text = json_to_string (want, FALSE);
  g_autofree char *actual_text = actual ? json_to_string (actual, FALSE) : NULL;

  if (g_strcmp0 (want_text, actual_text) != 0)
    fail (file, line, "JSON text (member order counts) differs", pointer, actual, want);
}

void
json_assert_members_impl (const char *file,
                          int         line,
                          JsonNode   *root,
                          const char *pointer,
                          const char *expected)
{
  JsonNode *actual = json_assert_lookup (root, pointer);
  g_autofree char *names = json_assert_member_names (actual);

  if (actual == NULL || !JSON_NODE_HOLDS_OBJECT (actual) || g_strcmp0 (names, expected) != 0)
    {
      g_autofree char *actual_text = pretty (actual);
      g_autofree char *message =
        g_strdup_printf ("members at \"%s\" are \"%s\", expected \"%s\" in:\n%s",
                         pointer, names, expected, actual_text);

      g_assertion_message (G_LOG_DOMAIN, file, line, "json", message);
    }
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static char *
sorted_list (const char *list)
{
  g_auto(GStrv) names = g_strsplit (list, ",", -1);

  qsort (names, g_strv_length (names), sizeof (char *), compare_strings);
  return g_strjoinv (",", names);
}

void
json_assert_member_set_impl (const char *file,
                             int         line,
                             JsonNode   *root,
                             const char *pointer,
                             const char *expected)
{
  JsonNode *actual = json_assert_lookup (root, pointer);
  g_autofree char *names = json_assert_member_names (actual);
  g_autofree char *sorted_names = sorted_list (names);
  g_autofree char *sorted_expected = sorted_list (expected);

  if (actual == NULL || !JSON_NODE_HOLDS_OBJECT (actual) ||
      g_strcmp0 (sorted_names, sorted_expected) != 0)
    {
      g_autofree char *message =
        g_strdup_printf ("members at \"%s\" are \"%s\", expected \"%s\" in any order",
                         pointer, names, expected);

      g_assertion_message (G_LOG_DOMAIN, file, line, "json", message);
    }
}

void
json_assert_present_impl (const char *file,
                          int         line,
                          JsonNode   *root,
                          const char *pointer,
                          gboolean    present)
{
  JsonNode *actual = json_assert_lookup (root, pointer);

  if ((actual != NULL) != present)
    {
      g_autofree char *text = pretty (actual);
      g_autofree char *message =
        g_strdup_printf ("\"%s\" should be %s, but is:\n%s",
                         pointer, present ? "present" : "absent", text);

      g_assertion_message (G_LOG_DOMAIN, file, line, "json", message);
    }
}
