/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The schema validator (what routes answer 422 with, what publish checks) and
 * wh_model_deserialize(), the inverse of wh_model_serialize(). */

#include "config.h"

#include <string.h>

#include "webhooks.h"
#include "wh-model-private.h"
#include "wh-schema-validator-private.h"

/* A model whose properties keep whatever they are set to, so that the test models below
 * need nothing but their properties. */

#define TEST_TYPE_RECORD (test_record_get_type ())
G_DECLARE_DERIVABLE_TYPE (TestRecord, test_record, TEST, RECORD, GObject)

struct _TestRecordClass
{
  GObjectClass parent_class;
};

typedef struct
{
  GHashTable *values;  /* property name -> GValue */
} TestRecordPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (TestRecord, test_record, G_TYPE_OBJECT)

static void
free_value (gpointer data)
{
  g_value_unset (data);
  g_free (data);
}

static void
test_record_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TestRecordPrivate *priv = test_record_get_instance_private (TEST_RECORD (object));
  GValue *stored = g_hash_table_lookup (priv->values, pspec->name);

  if (stored != NULL)
    g_value_copy (stored, value);
  else if (strcmp (pspec->name, "computed") == 0)
    g_value_set_string (value, "always this");
  else
    g_param_value_set_default (pspec, value);
}

static void
test_record_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TestRecordPrivate *priv = test_record_get_instance_private (TEST_RECORD (object));
  GValue *stored = g_new0 (GValue, 1);

  g_value_init (stored, G_VALUE_TYPE (value));
  g_value_copy (value, stored);
  g_hash_table_replace (priv->values, (gpointer) pspec->name, stored);
}

static void
test_record_finalize (GObject *object)
{
  TestRecordPrivate *priv = test_record_get_instance_private (TEST_RECORD (object));

  g_hash_table_unref (priv->values);

  G_OBJECT_CLASS (test_record_parent_class)->finalize (object);
}

static void
test_record_class_init (TestRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_record_get_property;
  object_class->set_property = test_record_set_property;
  object_class->finalize = test_record_finalize;
}

static void
test_record_init (TestRecord *self)
{
  TestRecordPrivate *priv = test_record_get_instance_private (self);

  priv->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, free_value);
}

#define RW (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)
#define OPTIONAL (RW | WH_PARAM_OPTIONAL)

#define DEFINE_RECORD(TypeName, type_name, TYPE_NAME)                               \
  typedef struct { TestRecord parent_instance; } TypeName;                          \
  typedef struct { TestRecordClass parent_class; } TypeName##Class;                 \
  GType type_name##_get_type (void);                                                \
  G_DEFINE_TYPE (TypeName, type_name, TEST_TYPE_RECORD)                             \
  static void type_name##_init (TypeName *self) { }                                 \
  static void type_name##_install (GObjectClass *object_class, GType type);         \
  /* GObject does not inherit the property vfuncs. */                              \
  static void type_name##_class_init (TypeName##Class *klass)                       \
  {                                                                                 \
    G_OBJECT_CLASS (klass)->get_property = test_record_get_property;                \
    G_OBJECT_CLASS (klass)->set_property = test_record_set_property;                \
    type_name##_install (G_OBJECT_CLASS (klass), G_TYPE_FROM_CLASS (klass));        \
  }                                                                                 \
  static void type_name##_install (GObjectClass *object_class, GType type)

typedef enum
{
  TEST_STATUS_PENDING,
  TEST_STATUS_PAID,
  TEST_STATUS_REFUNDED,
} TestStatus;

typedef enum
{
  TEST_CHANNEL_NONE = 0,
  TEST_CHANNEL_EMAIL = 1 << 0,
  TEST_CHANNEL_SMS = 1 << 1,
  TEST_CHANNEL_PUSH = 1 << 2,
} TestChannel;

static GType
test_status_get_type (void)
{
  static GType type;
  static const GEnumValue values[] = {
    { TEST_STATUS_PENDING, "TEST_STATUS_PENDING", "pending" },
    { TEST_STATUS_PAID, "TEST_STATUS_PAID", "paid" },
    { TEST_STATUS_REFUNDED, "TEST_STATUS_REFUNDED", "refunded" },
    { 0, NULL, NULL },
  };

  if (type == 0)
    type = g_enum_register_static ("TestStatus", values);

  return type;
}

static GType
test_channel_get_type (void)
{
  static GType type;
  static const GFlagsValue values[] = {
    { TEST_CHANNEL_NONE, "TEST_CHANNEL_NONE", "none" },
    { TEST_CHANNEL_EMAIL, "TEST_CHANNEL_EMAIL", "email" },
    { TEST_CHANNEL_SMS, "TEST_CHANNEL_SMS", "sms" },
    { TEST_CHANNEL_PUSH, "TEST_CHANNEL_PUSH", "push" },
    { 0, NULL, NULL },
  };

  if (type == 0)
    type = g_flags_register_static ("TestChannel", values);

  return type;
}

DEFINE_RECORD (TestAddress, test_address, TEST_ADDRESS)
{
  g_object_class_install_property (object_class, 1,
    g_param_spec_string ("city", "City", "The city", NULL, RW));
  g_object_class_install_property (object_class, 2,
    g_param_spec_string ("zip", "Zip", "The postal code", NULL, OPTIONAL));
  wh_model_set_name (type, "Address");
}

DEFINE_RECORD (TestLineItem, test_line_item, TEST_LINE_ITEM)
{
  g_object_class_install_property (object_class, 1,
    g_param_spec_string ("sku", "Sku", "The article", NULL, RW));
  g_object_class_install_property (object_class, 2,
    g_param_spec_uint ("quantity", "Quantity", "How many", 1, 100, 1, RW));
  g_object_class_install_property (object_class, 3,
    g_param_spec_double ("price", "Price", "Each", 0, G_MAXDOUBLE, 0, RW));
  wh_model_set_name (type, "LineItem");
}

/* A model that refers to itself, directly and through a list. */
DEFINE_RECORD (TestTreeNode, test_tree_node, TEST_TREE_NODE)
{

  g_object_class_install_property (object_class, 1,
    g_param_spec_string ("name", "Name", "The name", NULL, RW));
  g_object_class_install_property (object_class, 2,
    g_param_spec_object ("child", "Child", "The child", type, OPTIONAL));
  g_object_class_install_property (object_class, 3,
    g_param_spec_object ("children", "Children", "More", G_TYPE_LIST_MODEL, OPTIONAL));
  wh_model_set_name (type, "TreeNode");
  wh_model_set_item_type (type, "children", type);
}

/* Every kind of property a model may have. */
DEFINE_RECORD (TestEverything, test_everything, TEST_EVERYTHING)
{
  guint id = 1;

  g_object_class_install_property (object_class, id++,
    g_param_spec_string ("id", "Id", "Set once", NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, id++,
    g_param_spec_boolean ("is-paid", "Is paid", "Paid or not", FALSE, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_int ("count", "Count", "How many", 0, 1000, 0, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_int64 ("big", "Big", "Large", G_MININT64, G_MAXINT64, 0, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_char ("small", "Small", "Tiny", G_MININT8, G_MAXINT8, 0, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_uint64 ("unsigned", "Unsigned", "Not negative", 0, G_MAXINT64, 0, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_double ("ratio", "Ratio", "A share", 0.0, 1.0, 0.0, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_float ("weight", "Weight", "In kg", -G_MAXFLOAT, G_MAXFLOAT, 0.0f, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_string ("label", "Label", "A label", NULL, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_string ("note", "Note", "A note", NULL, OPTIONAL));
  g_object_class_install_property (object_class, id++,
    g_param_spec_enum ("status", "Status", "Where it is", test_status_get_type (),
                       TEST_STATUS_PENDING, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_flags ("channels", "Channels", "Where to tell", test_channel_get_type (),
                        TEST_CHANNEL_NONE, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_boxed ("tags", "Tags", "Labels", G_TYPE_STRV, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_boxed ("paid-at", "Paid at", "When", G_TYPE_DATE_TIME, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_boxed ("extra", "Extra", "Anything", JSON_TYPE_NODE, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_object ("address", "Address", "Where", test_address_get_type (), RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_object ("items", "Items", "What", G_TYPE_LIST_MODEL, RW));
  g_object_class_install_property (object_class, id++,
    g_param_spec_string ("computed", "Computed", "Read only", NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, id++,
    g_param_spec_int ("retries", "Retries", "Optional", 0, 10, 3, OPTIONAL));
  wh_model_set_name (type, "Everything");
  wh_model_set_item_type (type, "items", test_line_item_get_type ());
}

DEFINE_RECORD (TestAnyObject, test_any_object, TEST_ANY_OBJECT)
{
  g_object_class_install_property (object_class, 1,
    g_param_spec_object ("thing", "Thing", "Any object", G_TYPE_OBJECT, OPTIONAL));
  wh_model_set_name (type, "AnyObject");
}

/* GBytes has no JSON form; a GListModel without an item type says nothing of its items. */
DEFINE_RECORD (TestBadModel, test_bad_model, TEST_BAD_MODEL)
{
  g_object_class_install_property (object_class, 1,
    g_param_spec_boxed ("data", "Data", "Raw bytes", G_TYPE_BYTES, RW));
  wh_model_set_name (type, "BadModel");
}

DEFINE_RECORD (TestUntypedList, test_untyped_list, TEST_UNTYPED_LIST)
{
  g_object_class_install_property (object_class, 1,
    g_param_spec_object ("things", "Things", "Unknown items", G_TYPE_LIST_MODEL, RW));
  wh_model_set_name (type, "UntypedList");
}

typedef struct { GObject parent_instance; } TestAbstract;
typedef struct { GObjectClass parent_class; } TestAbstractClass;
GType test_abstract_get_type (void);
G_DEFINE_ABSTRACT_TYPE (TestAbstract, test_abstract, G_TYPE_OBJECT)
static void test_abstract_init (TestAbstract *self) { }
static void test_abstract_class_init (TestAbstractClass *klass) { }

/* Helpers */

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static char *
canonical (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
assert_json (JsonNode   *actual,
             const char *expected)
{
  g_autoptr(JsonNode) expected_node = parse (expected);
  g_autofree char *a = canonical (actual);
  g_autofree char *e = canonical (expected_node);

  g_assert_cmpstr (a, ==, e);
}

/* Validates @value against @schema, with @components as components/schemas and "body" as
 * the location prefix; returns the problems. */
static JsonArray *
run (const char *components,
     const char *schema,
     const char *value)
{
  static const char * const prefix[] = { "body", NULL };
  g_autoptr(JsonNode) components_node = components != NULL ? parse (components) : NULL;
  g_autoptr(JsonNode) schema_node = parse (schema);
  g_autoptr(JsonNode) value_node = parse (value);
  g_autoptr(WhSchemaValidator) validator = NULL;
  JsonArray *problems = json_array_new ();
  gboolean valid;

  validator = wh_schema_validator_new (components_node != NULL
                                       ? json_node_get_object (components_node) : NULL);
  valid = wh_schema_validator_validate (validator, schema_node, value_node, prefix, problems);
  g_assert_cmpint (valid, ==, json_array_get_length (problems) == 0);

  return problems;
}

static void
assert_problems (const char *components,
                 const char *schema,
                 const char *value,
                 const char *expected)
{
  g_autoptr(JsonArray) problems = run (components, schema, value);
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), problems);

  assert_json (node, expected);
}

static void
assert_valid (const char *schema,
              const char *value)
{
  assert_problems (NULL, schema, value, "[]");
}

/* One problem at ["body"] of this type and message. */
static void
assert_one (const char *schema,
            const char *value,
            const char *msg,
            const char *type)
{
  g_autofree char *expected =
    g_strdup_printf ("[{\"loc\":[\"body\"],\"msg\":\"%s\",\"type\":\"%s\"}]", msg, type);

  assert_problems (NULL, schema, value, expected);
}

/* Validator: keywords and messages */

static void
test_type_messages (void)
{
  assert_valid ("{\"type\":\"boolean\"}", "true");
  assert_one ("{\"type\":\"boolean\"}", "1", "Input should be a valid boolean", "bool_type");
  assert_one ("{\"type\":\"boolean\"}", "\"true\"", "Input should be a valid boolean", "bool_type");

  assert_valid ("{\"type\":\"integer\"}", "3");
  assert_valid ("{\"type\":\"integer\"}", "-3");
  assert_one ("{\"type\":\"integer\"}", "\"3\"", "Input should be a valid integer", "int_type");
  assert_one ("{\"type\":\"integer\"}", "true", "Input should be a valid integer", "int_type");

  assert_valid ("{\"type\":\"number\"}", "3");
  assert_valid ("{\"type\":\"number\"}", "3.25");
  assert_one ("{\"type\":\"number\"}", "\"3\"", "Input should be a valid number", "float_type");
  /* Booleans are not numbers, though Python's bool is an int. */
  assert_one ("{\"type\":\"number\"}", "false", "Input should be a valid number", "float_type");

  assert_valid ("{\"type\":\"string\"}", "\"\"");
  assert_one ("{\"type\":\"string\"}", "3", "Input should be a valid string", "string_type");

  assert_valid ("{\"type\":\"array\"}", "[]");
  assert_one ("{\"type\":\"array\"}", "{}", "Input should be a valid list", "list_type");

  assert_valid ("{\"type\":\"object\"}", "{}");
  assert_one ("{\"type\":\"object\"}", "[]",
              "Input should be a valid dictionary or object to extract fields from",
              "model_attributes_type");

  assert_valid ("{\"type\":\"null\"}", "null");
  assert_one ("{\"type\":\"null\"}", "0", "Input should be None", "none_required");
}

static void
test_null (void)
{
  /* null where it is not allowed gets the type's own message. */
  assert_one ("{\"type\":\"string\"}", "null", "Input should be a valid string", "string_type");
  assert_one ("{\"type\":\"integer\"}", "null", "Input should be a valid integer", "int_type");
  assert_one ("{\"type\":\"object\"}", "null",
              "Input should be a valid dictionary or object to extract fields from",
              "model_attributes_type");

  /* A type array with "null" allows it, and otherwise names the other type. */
  assert_valid ("{\"type\":[\"string\",\"null\"]}", "null");
  assert_valid ("{\"type\":[\"string\",\"null\"]}", "\"x\"");
  assert_one ("{\"type\":[\"string\",\"null\"]}", "5", "Input should be a valid string",
              "string_type");
  assert_one ("{\"type\":[\"null\",\"array\"]}", "5", "Input should be a valid list",
              "list_type");
}

static void
test_integer_from_float (void)
{
  /* As pydantic: 3.0 is an integer, 3.5 is not. */
  assert_valid ("{\"type\":\"integer\"}", "3.0");
  assert_valid ("{\"type\":\"integer\"}", "-0.0");
  assert_valid ("{\"type\":\"integer\"}", "1e3");
  assert_one ("{\"type\":\"integer\"}", "3.5",
              "Input should be a valid integer, got a number with a fractional part",
              "int_from_float");
  assert_one ("{\"type\":\"integer\",\"minimum\":0}", "0.001",
              "Input should be a valid integer, got a number with a fractional part",
              "int_from_float");
  /* Bounds apply to 3.0 as to 3. */
  assert_one ("{\"type\":\"integer\",\"maximum\":2}", "3.0",
              "Input should be less than or equal to 2", "less_than_equal");
}

static void
test_empty_schema_and_annotations (void)
{
  const char *values[] = { "null", "1", "2.5", "\"x\"", "true", "[1,[2]]", "{\"a\":{}}" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      assert_valid ("{}", values[i]);
      assert_valid ("true", values[i]);
      assert_valid ("{\"title\":\"T\",\"description\":\"d\",\"default\":5}", values[i]);
    }

  /* A default of another type is only an annotation. */
  assert_valid ("{\"type\":\"string\",\"default\":5,\"title\":\"Label\"}", "\"x\"");
}

static void
test_enum (void)
{
  assert_valid ("{\"type\":\"string\",\"enum\":[\"a\",\"b\",\"c\"]}", "\"b\"");
  assert_one ("{\"type\":\"string\",\"enum\":[\"a\",\"b\",\"c\"]}", "\"d\"",
              "Input should be 'a', 'b' or 'c'", "enum");
  assert_one ("{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}", "\"A\"",
              "Input should be 'a' or 'b'", "enum");
  assert_one ("{\"enum\":[\"only\"]}", "\"other\"", "Input should be 'only'", "enum");
  assert_one ("{\"enum\":[1,2,3]}", "4", "Input should be 1, 2 or 3", "enum");
  /* The wrong type is a type problem, not also an enum one. */
  assert_one ("{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}", "1",
              "Input should be a valid string", "string_type");
}

static void
test_bounds (void)
{
  assert_valid ("{\"type\":\"integer\",\"minimum\":0,\"maximum\":10}", "0");
  assert_valid ("{\"type\":\"integer\",\"minimum\":0,\"maximum\":10}", "10");
  assert_one ("{\"type\":\"integer\",\"minimum\":0}", "-1",
              "Input should be greater than or equal to 0", "greater_than_equal");
  assert_one ("{\"type\":\"integer\",\"maximum\":10}", "11",
              "Input should be less than or equal to 10", "less_than_equal");
  assert_one ("{\"type\":\"number\",\"maximum\":1.5}", "1.75",
              "Input should be less than or equal to 1.5", "less_than_equal");
  assert_one ("{\"type\":\"number\",\"minimum\":0.1}", "0.05",
              "Input should be greater than or equal to 0.1", "greater_than_equal");
  /* As pydantic-core prints a float bound: 1.0 is "1". */
  assert_one ("{\"type\":\"number\",\"minimum\":1.0}", "0.5",
              "Input should be greater than or equal to 1", "greater_than_equal");
  /* Exact for large integers, where doubles would round. */
  assert_one ("{\"type\":\"integer\",\"maximum\":9007199254740992}", "9007199254740993",
              "Input should be less than or equal to 9007199254740992", "less_than_equal");
  /* Bounds say nothing of strings. */
  assert_valid ("{\"minimum\":0}", "\"-1\"");
}

static void
test_date_time (void)
{
  const char *schema = "{\"type\":\"string\",\"format\":\"date-time\"}";
  const char *good[] = {
    "2024-05-01T12:00:00Z",
    "2024-05-01T12:00:00+02:00",
    "2024-05-01T12:00:00-05:30",
    "2024-05-01T12:00:00.123456Z",
    "2024-05-01T12:00:00.5+01:00",
    "2024-05-01t12:00:00z",
    "2024-02-29T23:59:59Z",
  };
  const char *bad[] = {
    "2024-05-01T12:00:00",        /* no offset */
    "2024-05-01 12:00:00Z",       /* no T */
    "2024-05-01",                 /* a date */
    "12:00:00Z",                  /* a time */
    "2024-05-01T12:00Z",          /* no seconds */
    "2024-13-01T00:00:00Z",       /* month 13 */
    "2023-02-29T00:00:00Z",       /* not a leap year */
    "2024-05-01T24:00:00Z",       /* hour 24 */
    "2024-05-01T12:00:00+0200",   /* offset without a colon */
    "2024-W18-3T12:00:00Z",       /* a week date */
    "2024-122T12:00:00Z",         /* an ordinal date */
    "2024-05-01T12:00:00.Z",      /* an empty fraction */
    "2024-05-01T12:00:00Z junk",
    "",
    "now",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *value = g_strdup_printf ("\"%s\"", good[i]);

      assert_valid (schema, value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *value = g_strdup_printf ("\"%s\"", bad[i]);

      g_test_message ("%s", bad[i]);
      assert_one (schema, value, "Input should be a valid datetime", "datetime_parsing");
    }

  assert_one (schema, "1714564800", "Input should be a valid string", "string_type");
  assert_valid ("{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}", "null");
}

static void
test_object (void)
{
  const char *schema =
    "{\"type\":\"object\",\"properties\":{"
      "\"is_paid\":{\"type\":\"boolean\"},"
      "\"amount\":{\"type\":\"number\"},"
      "\"note\":{\"type\":[\"string\",\"null\"]}},"
    "\"required\":[\"is_paid\",\"amount\"]}";

  assert_valid (schema, "{\"is_paid\":true,\"amount\":1}");
  /* Unknown members are allowed: there is no additionalProperties. */
  assert_valid (schema, "{\"is_paid\":true,\"amount\":1,\"note\":null,\"other\":[1]}");

  assert_problems (NULL, schema, "{\"amount\":\"x\"}",
                   "[{\"loc\":[\"body\",\"is_paid\"],\"msg\":\"Field required\",\"type\":\"missing\"},"
                   "{\"loc\":[\"body\",\"amount\"],\"msg\":\"Input should be a valid number\","
                   "\"type\":\"float_type\"}]");

  /* A required member that has no schema of its own. */
  assert_problems (NULL, "{\"type\":\"object\",\"required\":[\"id\"]}", "{}",
                   "[{\"loc\":[\"body\",\"id\"],\"msg\":\"Field required\",\"type\":\"missing\"}]");
}

static void
test_array (void)
{
  const char *schema = "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}";

  assert_valid (schema, "[1,2,3]");
  assert_problems (NULL, schema, "[1,\"two\",3.5]",
                   "[{\"loc\":[\"body\",1],\"msg\":\"Input should be a valid integer\",\"type\":\"int_type\"},"
                   "{\"loc\":[\"body\",2],\"msg\":\"Input should be a valid integer, got a number "
                   "with a fractional part\",\"type\":\"int_from_float\"}]");

  /* Nested arrays: each index in the loc, as an integer. */
  assert_problems (NULL, "{\"type\":\"array\",\"items\":" "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}",
                   "[[\"a\"],[\"b\",5]]",
                   "[{\"loc\":[\"body\",1,1],\"msg\":\"Input should be a valid string\",\"type\":\"string_type\"}]");
}

static void
test_unique_items (void)
{
  const char *schema =
    "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":[\"email\",\"sms\"]},"
    "\"uniqueItems\":true}";

  assert_valid (schema, "[]");
  assert_valid (schema, "[\"email\",\"sms\"]");
  assert_one (schema, "[\"sms\",\"email\",\"sms\"]", "List should have unique items", "unique_items");
  assert_valid ("{\"type\":\"array\",\"uniqueItems\":false}", "[1,1]");
  assert_one ("{\"uniqueItems\":true}", "[{\"a\":1},{\"a\":1}]", "List should have unique items",
              "unique_items");
}

static void
test_any_of (void)
{
  const char *components =
    "{\"Address\":{\"title\":\"Address\",\"type\":\"object\","
    "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}";
  const char *nullable =
    "{\"anyOf\":[{\"$ref\":\"#/components/schemas/Address\"},{\"type\":\"null\"}]}";

  assert_problems (components, nullable, "null", "[]");
  assert_problems (components, nullable, "{\"city\":\"Lyon\"}", "[]");
  /* Not null, so only the model's problems. */
  assert_problems (components, nullable, "{}",
                   "[{\"loc\":[\"body\",\"city\"],\"msg\":\"Field required\",\"type\":\"missing\"}]");
  assert_problems (components, nullable, "\"Lyon\"",
                   "[{\"loc\":[\"body\"],\"msg\":\"Input should be a valid dictionary or object "
                   "to extract fields from\",\"type\":\"model_attributes_type\"}]");

  /* Two real branches: the problems of both. */
  assert_valid ("{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}", "\"x\"");
  assert_problems (NULL, "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}", "true",
                   "[{\"loc\":[\"body\"],\"msg\":\"Input should be a valid integer\",\"type\":\"int_type\"},"
                   "{\"loc\":[\"body\"],\"msg\":\"Input should be a valid string\",\"type\":\"string_type\"}]");
}

static const char tree_components[] =
  "{\"TreeNode\":{\"title\":\"TreeNode\",\"type\":\"object\",\"properties\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"child\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/TreeNode\"},{\"type\":\"null\"}]},"
    "\"children\":{\"type\":[\"array\",\"null\"],\"items\":{\"$ref\":\"#/components/schemas/TreeNode\"}}},"
  "\"required\":[\"name\"]}}";

static void
test_ref (void)
{
  const char *ref = "{\"$ref\":\"#/components/schemas/TreeNode\"}";

  assert_problems (tree_components, ref,
                   "{\"name\":\"a\",\"child\":{\"name\":\"b\",\"child\":{\"name\":\"c\",\"child\":null}}}",
                   "[]");
  /* Self-reference, three levels down. */
  assert_problems (tree_components, ref,
                   "{\"name\":\"a\",\"child\":{\"name\":\"b\",\"child\":{\"name\":7}}}",
                   "[{\"loc\":[\"body\",\"child\",\"child\",\"name\"],"
                   "\"msg\":\"Input should be a valid string\",\"type\":\"string_type\"}]");
  /* Through arrays of models. */
  assert_problems (tree_components, ref,
                   "{\"name\":\"a\",\"children\":[{\"name\":\"b\"},{\"children\":[{\"name\":1}]}]}",
                   "[{\"loc\":[\"body\",\"children\",1,\"name\"],\"msg\":\"Field required\",\"type\":\"missing\"},"
                   "{\"loc\":[\"body\",\"children\",1,\"children\",0,\"name\"],"
                   "\"msg\":\"Input should be a valid string\",\"type\":\"string_type\"}]");

  /* A $ref the document does not define is a problem, not a crash. */
  {
    g_autoptr(JsonArray) problems = run ("{}", "{\"$ref\":\"#/components/schemas/Nope\"}", "{}");

    g_assert_cmpuint (json_array_get_length (problems), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (problems, 0),
                                                    "type"), ==, "schema_ref");
  }
  {
    g_autoptr(JsonArray) problems = run (NULL, "{\"$ref\":\"#/components/schemas/TreeNode\"}", "{}");

    g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  }
}

static void
test_recursion_bound (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(JsonArray) problems = NULL;
  JsonObject *problem;
  JsonArray *loc;

  /* A $ref that leads only to itself. */
  assert_problems ("{\"Loop\":{\"$ref\":\"#/components/schemas/Loop\"}}",
                   "{\"$ref\":\"#/components/schemas/Loop\"}", "1",
                   "[{\"loc\":[\"body\"],\"msg\":\"Input is nested too deeply\",\"type\":\"recursion_loop\"}]");
  assert_problems ("{\"A\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/B\"}]},"
                   "\"B\":{\"$ref\":\"#/components/schemas/A\"}}",
                   "{\"$ref\":\"#/components/schemas/A\"}", "{}",
                   "[{\"loc\":[\"body\"],\"msg\":\"Input is nested too deeply\",\"type\":\"recursion_loop\"}]");

  /* A value nested deeper than the bound: one problem where it stops. */
  for (guint i = 0; i < 200; i++)
    g_string_append (deep, "{\"name\":\"n\",\"child\":");
  g_string_append (deep, "null");
  for (guint i = 0; i < 200; i++)
    g_string_append_c (deep, '}');

  problems = run (tree_components, "{\"$ref\":\"#/components/schemas/TreeNode\"}", deep->str);
  g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  problem = json_array_get_object_element (problems, 0);
  g_assert_cmpstr (json_object_get_string_member (problem, "type"), ==, "recursion_loop");
  g_assert_cmpstr (json_object_get_string_member (problem, "msg"), ==, "Input is nested too deeply");
  loc = json_object_get_array_member (problem, "loc");
  g_assert_cmpuint (json_array_get_length (loc), ==, 1 + 64);
  g_assert_cmpstr (json_array_get_string_element (loc, 64), ==, "child");
}

static void
test_many_problems (void)
{
  g_autoptr(GString) value = g_string_new ("[");
  g_autoptr(JsonArray) problems = NULL;
  JsonObject *last;

  assert_problems (NULL,
                   "{\"type\":\"object\",\"properties\":{"
                     "\"a\":{\"type\":\"integer\",\"minimum\":0},"
                     "\"b\":{\"type\":\"string\",\"enum\":[\"x\",\"y\"]},"
                     "\"c\":{\"type\":\"array\",\"items\":{\"type\":\"boolean\"}},"
                     "\"d\":{\"type\":\"string\",\"format\":\"date-time\"}},"
                   "\"required\":[\"a\",\"b\",\"c\",\"d\"]}",
                   "{\"a\":-5,\"b\":\"z\",\"c\":[true,0,\"no\"]}",
                   "[{\"loc\":[\"body\",\"a\"],\"msg\":\"Input should be greater than or equal to 0\","
                     "\"type\":\"greater_than_equal\"},"
                   "{\"loc\":[\"body\",\"b\"],\"msg\":\"Input should be 'x' or 'y'\",\"type\":\"enum\"},"
                   "{\"loc\":[\"body\",\"c\",1],\"msg\":\"Input should be a valid boolean\",\"type\":\"bool_type\"},"
                   "{\"loc\":[\"body\",\"c\",2],\"msg\":\"Input should be a valid boolean\",\"type\":\"bool_type\"},"
                   "{\"loc\":[\"body\",\"d\"],\"msg\":\"Field required\",\"type\":\"missing\"}]");

  /* At most 100, however many there are. */
  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (value, "%s\"%u\"", i > 0 ? "," : "", i);
  g_string_append_c (value, ']');

  problems = run (NULL, "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}", value->str);
  g_assert_cmpuint (json_array_get_length (problems), ==, 100);
  last = json_array_get_object_element (problems, 99);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (last, "loc"), 1), ==, 99);
}

static void
test_describe (void)
{
  g_autoptr(JsonArray) problems =
    run (NULL,
         "{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":\"number\"},"
         "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
         "\"required\":[\"amount\",\"paid_at\"]}",
         "{\"amount\":\"ten\",\"items\":[\"a\",2]}");
  g_autofree char *text = wh_schema_validator_describe (problems);
  g_autoptr(JsonArray) none = json_array_new ();
  g_autofree char *empty = wh_schema_validator_describe (none);
  g_autoptr(JsonArray) top = run (NULL, "{\"type\":\"object\"}", "1");
  g_autofree char *top_text = NULL;

  g_assert_cmpstr (text, ==,
                   "body.amount: Input should be a valid number; "
                   "body.items.1: Input should be a valid string; "
                   "body.paid_at: Field required");
  g_assert_cmpstr (empty, ==, "");

  top_text = wh_schema_validator_describe (top);
  g_assert_cmpstr (top_text, ==,
                   "body: Input should be a valid dictionary or object to extract fields from");
}

static void
test_no_prefix (void)
{
  g_autoptr(WhSchemaValidator) validator = wh_schema_validator_new (NULL);
  g_autoptr(JsonNode) schema = parse ("{\"type\":\"object\",\"required\":[\"a\"]}");
  g_autoptr(JsonNode) value = parse ("{}");
  g_autoptr(JsonArray) problems = json_array_new ();
  g_autoptr(JsonNode) node = NULL;

  g_assert_false (wh_schema_validator_validate (validator, schema, value, NULL, problems));
  node = json_node_init_array (json_node_alloc (), problems);
  assert_json (node, "[{\"loc\":[\"a\"],\"msg\":\"Field required\",\"type\":\"missing\"}]");
}

/* Models */

static GObject *
make_everything (void)
{
  g_autoptr(GObject) address = g_object_new (test_address_get_type (), "city", "Lyon", NULL);
  g_autoptr(GListStore) items = g_list_store_new (test_line_item_get_type ());
  g_autoptr(GObject) item1 = g_object_new (test_line_item_get_type (),
                                           "sku", "A-1", "quantity", 2, "price", 9.5, NULL);
  g_autoptr(GObject) item2 = g_object_new (test_line_item_get_type (),
                                           "sku", "B-2", "quantity", 100, "price", 0.1, NULL);
  g_autoptr(GDateTime) paid_at = g_date_time_new_from_iso8601 ("2024-05-01T12:34:56.789+02:00", NULL);
  g_autoptr(JsonNode) extra = parse ("{\"free\":[1,\"form\",null,{\"x\":true}]}");
  const char *tags[] = { "vip", "new", NULL };

  g_list_store_append (items, item1);
  g_list_store_append (items, item2);

  return g_object_new (test_everything_get_type (),
                       "id", "pay_123",
                       "is-paid", TRUE,
                       "count", 42,
                       "big", G_GINT64_CONSTANT (-9007199254740993),
                       "small", (gint8) -7,
                       "unsigned", G_GUINT64_CONSTANT (18000000000000000000) / 2,
                       "ratio", 0.25,
                       "weight", 0.1f,
                       "label", "Ünïcode “label”",
                       "note", NULL,
                       "status", TEST_STATUS_REFUNDED,
                       "channels", TEST_CHANNEL_EMAIL | TEST_CHANNEL_PUSH,
                       "tags", tags,
                       "paid-at", paid_at,
                       "extra", extra,
                       "address", address,
                       "items", items,
                       "retries", 5,
                       NULL);
}

static JsonNode *
serialize (GObject *instance)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = wh_model_serialize (instance, &error);

  g_assert_no_error (error);

  return node;
}

static void
test_round_trip (void)
{
  g_autoptr(GObject) original = make_everything ();
  g_autoptr(JsonNode) first = serialize (original);
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) copy = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autofree char *first_text = canonical (first);
  g_autofree char *second_text = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GListModel) items = NULL;
  g_autoptr(GObject) item = NULL;
  g_autoptr(GDateTime) paid_at = NULL;
  float weight;

  /* RFC 3339 wants the offset's minutes too, which g_date_time_format_iso8601() drops. */
  g_assert_nonnull (strstr (first_text, "\"paid_at\":\"2024-05-01T12:34:56.789000+02:00\""));
  g_assert_true (wh_model_validate (test_everything_get_type (), first, &error));
  g_assert_no_error (error);

  copy = wh_model_deserialize (test_everything_get_type (), first, &error);
  g_assert_no_error (error);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (copy, test_everything_get_type ()));

  second = serialize (copy);
  second_text = canonical (second);
  g_assert_cmpstr (second_text, ==, first_text);

  /* And the values are the values, not only the same JSON. */
  g_object_get (copy, "id", &id, "items", &items, "paid-at", &paid_at, "weight", &weight, NULL);
  g_assert_cmpstr (id, ==, "pay_123");
  g_assert_true (G_IS_LIST_STORE (items));
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 2);
  g_assert_true (g_list_model_get_item_type (items) == test_line_item_get_type ());
  item = g_list_model_get_item (items, 1);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (item, test_line_item_get_type ()));
  g_assert_cmpint (g_date_time_get_utc_offset (paid_at), ==, 2 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (g_date_time_get_microsecond (paid_at), ==, 789000);
  g_assert_cmpfloat (weight, ==, 0.1f);
}

static void
test_round_trip_nulls_and_empties (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) original = g_object_new (test_everything_get_type (),
                                              "items", NULL, "tags", NULL, NULL);
  g_autoptr(JsonNode) first = serialize (original);
  g_autoptr(GObject) copy = wh_model_deserialize (test_everything_get_type (), first, &error);
  g_autoptr(JsonNode) second = NULL;
  g_autofree char *first_text = canonical (first);
  g_autofree char *second_text = NULL;

  g_assert_no_error (error);
  second = serialize (copy);
  second_text = canonical (second);
  g_assert_cmpstr (second_text, ==, first_text);
  g_assert_nonnull (strstr (first_text, "\"address\":null"));
  g_assert_nonnull (strstr (first_text, "\"channels\":[]"));
}

static void
test_round_trip_self_reference (void)
{
  const char *text =
    "{\"name\":\"root\",\"child\":{\"name\":\"a\",\"child\":null,\"children\":null},"
    "\"children\":[{\"name\":\"b\",\"child\":null,\"children\":[]},"
    "{\"name\":\"c\",\"child\":null,\"children\":null}]}";
  g_autoptr(JsonNode) json = parse (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) tree = NULL;
  g_autoptr(JsonNode) again = NULL;

  g_assert_true (wh_model_validate (test_tree_node_get_type (), json, &error));
  g_assert_no_error (error);
  tree = wh_model_deserialize (test_tree_node_get_type (), json, &error);
  g_assert_no_error (error);
  again = serialize (tree);
  assert_json (again, text);
}

static void
test_deserialize_defaults (void)
{
  g_autoptr(GObject) original = make_everything ();
  g_autoptr(JsonNode) json = serialize (original);
  JsonObject *object = json_node_get_object (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) copy = NULL;
  g_autofree char *computed = NULL;
  g_autofree char *note = NULL;
  int retries;

  /* Optional members may be left out; unknown ones and read-only ones are ignored. */
  json_object_remove_member (object, "note");
  json_object_remove_member (object, "retries");
  json_object_set_string_member (object, "computed", "not settable");
  json_object_set_string_member (object, "unknown", "ignored");

  copy = wh_model_deserialize (test_everything_get_type (), json, &error);
  g_assert_no_error (error);
  g_object_get (copy, "retries", &retries, "note", &note, "computed", &computed, NULL);
  g_assert_cmpint (retries, ==, 3);
  g_assert_null (note);
  g_assert_cmpstr (computed, ==, "always this");
}

static void
test_deserialize_integer_from_float (void)
{
  g_autoptr(GObject) original = make_everything ();
  g_autoptr(JsonNode) json = serialize (original);
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) copy = NULL;
  int count;
  double ratio;

  json_object_set_double_member (json_node_get_object (json), "count", 7.0);
  /* A JSON integer is a number too. */
  json_object_set_int_member (json_node_get_object (json), "ratio", 1);

  g_assert_true (wh_model_validate (test_everything_get_type (), json, &error));
  copy = wh_model_deserialize (test_everything_get_type (), json, &error);
  g_assert_no_error (error);
  g_object_get (copy, "count", &count, "ratio", &ratio, NULL);
  g_assert_cmpint (count, ==, 7);
  g_assert_cmpfloat (ratio, ==, 1.0);
}

/* Replaces @member of a valid payload with @value (or removes it when NULL) and checks
 * the error of wh_model_deserialize(). */
static void
assert_deserialize_error (const char *member,
                          const char *value,
                          const char *message)
{
  g_autoptr(GObject) original = make_everything ();
  g_autoptr(JsonNode) json = serialize (original);
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) copy = NULL;
  JsonObject *object = json_node_get_object (json);
  g_auto(GStrv) path = g_strsplit (member, ".", -1);
  guint n = g_strv_length (path);

  /* Walk to the parent of the last part. */
  for (guint i = 0; i + 1 < n; i++)
    {
      JsonNode *next = json_object_get_member (object, path[i]);

      if (JSON_NODE_HOLDS_ARRAY (next))
        {
          next = json_array_get_element (json_node_get_array (next), atoi (path[++i]));
        }
      object = json_node_get_object (next);
    }

  if (value != NULL)
    json_object_set_member (object, path[n - 1], parse (value));
  else
    json_object_remove_member (object, path[n - 1]);

  copy = wh_model_deserialize (test_everything_get_type (), json, &error);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_null (copy);
}

static void
test_deserialize_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) array = parse ("[]");
  GObject *object;

  assert_deserialize_error ("ratio", "\"half\"", "ratio: expected a number, got a string");
  assert_deserialize_error ("is_paid", "1", "is_paid: expected a boolean, got a number");
  assert_deserialize_error ("is_paid", "null", "is_paid: expected a boolean, got null");
  assert_deserialize_error ("count", "\"3\"", "count: expected an integer, got a string");
  assert_deserialize_error ("count", "2.5",
                            "count: expected an integer, got a number with a fractional part");
  assert_deserialize_error ("count", "5000", "count: expected an integer from 0 to 1000, got 5000");
  assert_deserialize_error ("small", "300", "small: expected an integer from -128 to 127, got 300");
  assert_deserialize_error ("unsigned", "-1", "unsigned: expected an integer of at least 0, got -1");
  assert_deserialize_error ("ratio", "1.5", "ratio: expected a number from 0 to 1, got 1.5");
  assert_deserialize_error ("weight", "1e300",
                            "weight: expected a number from -3.4028235e+38 to 3.4028235e+38, "
                            "got 1e+300");
  assert_deserialize_error ("big", "1e19",
                            "big: expected an integer that fits the property's type, got 1e+19");
  assert_deserialize_error ("ratio", "null", "ratio: expected a number, got null");
  assert_deserialize_error ("label", "[]", "label: expected a string, got an array");
  assert_deserialize_error ("label", NULL, "label: the member is required, but missing");
  assert_deserialize_error ("status", "\"lost\"",
                            "status: expected one of “pending”, “paid”, “refunded”, got “lost”");
  assert_deserialize_error ("status", "1",
                            "status: expected one of “pending”, “paid”, “refunded”, got a number");
  assert_deserialize_error ("channels", "[\"email\",\"fax\"]",
                            "channels.1: expected one of “email”, “sms”, “push”, got “fax”");
  assert_deserialize_error ("channels", "\"email\"",
                            "channels: expected an array of flag names, got a string");
  assert_deserialize_error ("tags", "[\"a\",1]", "tags.1: expected a string, got a number");
  assert_deserialize_error ("paid_at", "\"2024-05-01T12:00:00\"",
                            "paid_at: expected an RFC 3339 date-time with a UTC offset (such as "
                            "2024-05-01T12:00:00Z), got “2024-05-01T12:00:00”");
  assert_deserialize_error ("paid_at", "0", "paid_at: expected an RFC 3339 date-time string, got a number");
  assert_deserialize_error ("address", "\"Lyon\"", "address: expected an object, got a string");
  assert_deserialize_error ("address.city", "5", "address.city: expected a string, got a number");
  assert_deserialize_error ("address.city", NULL, "address.city: the member is required, but missing");
  assert_deserialize_error ("items", "{}", "items: expected an array, got an object");
  assert_deserialize_error ("items.1.quantity", "0",
                            "items.1.quantity: expected an integer from 1 to 100, got 0");
  assert_deserialize_error ("items.0.price", "true", "items.0.price: expected a number, got a boolean");

  object = wh_model_deserialize (test_everything_get_type (), array, &error);
  g_assert_null (object);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD);
  g_assert_cmpstr (error->message, ==, "expected an object, got an array");
}

static void
test_deserialize_model_errors (void)
{
  g_autoptr(JsonNode) empty = parse ("{}");
  g_autoptr(JsonNode) thing = parse ("{\"thing\":{}}");
  g_autoptr(JsonNode) no_thing = parse ("{\"thing\":null}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = NULL;

  object = wh_model_deserialize (test_abstract_get_type (), empty, &error);
  g_assert_null (object);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
  g_clear_error (&error);

  /* There is no telling which class a member of "any object" should be. */
  object = wh_model_deserialize (test_any_object_get_type (), thing, &error);
  g_assert_null (object);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "thing"));
  g_clear_error (&error);

  object = wh_model_deserialize (test_any_object_get_type (), no_thing, &error);
  g_assert_no_error (error);
  g_assert_nonnull (object);
  g_clear_object (&object);

  /* Models with no schema: validate and deserialize both say what to change. */
  {
    g_autoptr(JsonNode) data = parse ("{\"data\":\"AAEC\"}");
    g_autoptr(JsonNode) things = parse ("{\"things\":[]}");

    g_assert_false (wh_model_validate (test_bad_model_get_type (), data, &error));
    g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
    g_assert_nonnull (strstr (error->message, "GBytes"));
    g_clear_error (&error);

    object = wh_model_deserialize (test_bad_model_get_type (), data, &error);
    g_assert_null (object);
    g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
    g_clear_error (&error);

    g_assert_false (wh_model_validate (test_untyped_list_get_type (), things, &error));
    g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
    g_assert_nonnull (strstr (error->message, "wh_model_set_item_type"));
    g_clear_error (&error);

    object = wh_model_deserialize (test_untyped_list_get_type (), things, &error);
    g_assert_null (object);
    g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
    g_assert_nonnull (strstr (error->message, "wh_model_set_item_type"));
  }
}

static void
test_deserialize_too_deep (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append (deep, "{\"name\":\"n\",\"child\":");
  g_string_append (deep, "null");
  for (guint i = 0; i < 100; i++)
    g_string_append_c (deep, '}');

  json = parse (deep->str);
  object = wh_model_deserialize (test_tree_node_get_type (), json, &error);
  g_assert_null (object);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD);
  g_assert_true (g_str_has_prefix (error->message, "child.child.child."));
  g_assert_nonnull (strstr (error->message, "nested more than 64 objects deep"));

  g_clear_error (&error);
  g_assert_false (wh_model_validate (test_tree_node_get_type (), json, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD);
  g_assert_nonnull (strstr (error->message, "Input is nested too deeply"));
}

static void
test_model_validate (void)
{
  g_autoptr(GObject) original = make_everything ();
  g_autoptr(JsonNode) json = serialize (original);
  JsonObject *object = json_node_get_object (json);
  JsonObject *item;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) array = parse ("[1]");

  json_object_set_string_member (object, "ratio", "half");
  json_object_remove_member (object, "label");
  json_object_set_int_member (object, "count", 1001);
  json_object_set_string_member (object, "status", "lost");
  json_object_set_string_member (object, "paid_at", "yesterday");
  item = json_array_get_object_element (json_object_get_array_member (object, "items"), 1);
  json_object_set_int_member (item, "quantity", 0);

  g_assert_false (wh_model_validate (test_everything_get_type (), json, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD);
  g_assert_cmpstr (error->message, ==,
                   "count: Input should be less than or equal to 1000; "
                   "ratio: Input should be a valid number; "
                   "label: Field required; "
                   "status: Input should be 'pending', 'paid' or 'refunded'; "
                   "paid_at: Input should be a valid datetime; "
                   "items.1.quantity: Input should be greater than or equal to 1");
  g_clear_error (&error);

  g_assert_false (wh_model_validate (test_everything_get_type (), array, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD);
  g_assert_cmpstr (error->message, ==,
                   "Input should be a valid dictionary or object to extract fields from");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/type-messages", test_type_messages);
  g_test_add_func ("/validate/null", test_null);
  g_test_add_func ("/validate/integer-from-float", test_integer_from_float);
  g_test_add_func ("/validate/empty-schema-and-annotations", test_empty_schema_and_annotations);
  g_test_add_func ("/validate/enum", test_enum);
  g_test_add_func ("/validate/bounds", test_bounds);
  g_test_add_func ("/validate/date-time", test_date_time);
  g_test_add_func ("/validate/object", test_object);
  g_test_add_func ("/validate/array", test_array);
  g_test_add_func ("/validate/unique-items", test_unique_items);
  g_test_add_func ("/validate/any-of", test_any_of);
  g_test_add_func ("/validate/ref", test_ref);
  g_test_add_func ("/validate/recursion-bound", test_recursion_bound);
  g_test_add_func ("/validate/many-problems", test_many_problems);
  g_test_add_func ("/validate/describe", test_describe);
  g_test_add_func ("/validate/no-prefix", test_no_prefix);
  g_test_add_func ("/model/round-trip", test_round_trip);
  g_test_add_func ("/model/round-trip-nulls-and-empties", test_round_trip_nulls_and_empties);
  g_test_add_func ("/model/round-trip-self-reference", test_round_trip_self_reference);
  g_test_add_func ("/model/deserialize-defaults", test_deserialize_defaults);
  g_test_add_func ("/model/deserialize-integer-from-float", test_deserialize_integer_from_float);
  g_test_add_func ("/model/deserialize-errors", test_deserialize_errors);
  g_test_add_func ("/model/deserialize-model-errors", test_deserialize_model_errors);
  g_test_add_func ("/model/deserialize-too-deep", test_deserialize_too_deep);
  g_test_add_func ("/model/validate", test_model_validate);

  return g_test_run ();
}
