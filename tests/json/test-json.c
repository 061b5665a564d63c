/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* wh_json_to_string() writes what json-glib's generator writes, but for doubles, which it
 * writes in the fewest digits that read back as the same value. */

#include "config.h"

#include <webhooks.h>

#include "wh-json-private.h"

static char *
generator_text (JsonNode *node,
                gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Everything but doubles (and json-glib's "{  }" for an empty object when pretty) comes out
 * exactly as json-glib writes it, so that nothing else changed in documents and payloads. */
static void
test_json_same_as_generator (void)
{
  const char *documents[] = {
    "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Pay \\\"ments\\\"\",\"version\":\"1\"},"
    "\"paths\":{\"/a\":{\"post\":{\"tags\":[\"x\",\"y\"],\"deprecated\":false,\"n\":-42,"
    "\"big\":9007199254740993,\"z\":null,\"esc\":\"tab\\tnl\\ncr\\rbs\\\\ctl\\u0001 é ✓ </script>\"}}},"
    "\"list\":[[1,2,[3]],{\"k\":true}],\"empty\":[]}",
    "[]",
    "\"just a string\"",
    "true",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    for (int pretty = 0; pretty <= 1; pretty++)
      {
        g_autoptr(JsonNode) node = parse (documents[i]);
        g_autofree char *expected = generator_text (node, pretty);
        g_autofree char *text = wh_json_to_string (node, pretty, NULL);

        g_assert_cmpstr (text, ==, expected);
      }
}

static void
test_json_doubles (void)
{
  struct { double value; const char *text; } cases[] = {
    { 9.99, "9.99" }, { 0.1, "0.1" }, { 12.0, "12.0" }, { -0.0, "-0.0" }, { 2.5, "2.5" },
    { 1e300, "1e+300" }, { 1e-7, "1e-07" }, { 0.1 + 0.2, "0.30000000000000004" },
    { 1.0 / 3.0, "0.3333333333333333" }, { 123456789012345678.0, "1.2345678901234568e+17" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), cases[i].value);
      g_autofree char *text = wh_json_to_string (node, FALSE, NULL);

      g_assert_cmpstr (text, ==, cases[i].text);
      /* And it reads back as the very same double. */
      g_assert_true (g_ascii_strtod (text, NULL) == cases[i].value);
    }
}

static void
test_json_empty_object (void)
{
  g_autoptr(JsonNode) node = parse ("{\"paths\":{}}");
  g_autofree char *compact = wh_json_to_string (node, FALSE, NULL);
  g_autofree char *pretty = wh_json_to_string (node, TRUE, NULL);
  gsize length = 0;
  g_autofree char *with_length = wh_json_to_string (node, FALSE, &length);

  g_assert_cmpstr (compact, ==, "{\"paths\":{}}");
  g_assert_cmpstr (pretty, ==, "{\n  \"paths\" : {}\n}");
  g_assert_cmpuint (length, ==, strlen (with_length));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/same-as-generator", test_json_same_as_generator);
  g_test_add_func ("/json/doubles", test_json_doubles);
  g_test_add_func ("/json/empty-object", test_json_empty_object);

  return g_test_run ();
}
