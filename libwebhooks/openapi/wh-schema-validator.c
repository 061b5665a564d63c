/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "wh-json-private.h"
#include "wh-schema-validator-private.h"

#define REF_PREFIX "#/components/schemas/"

/* Enough for any payload a person designs; a payload nested deeper, or a $ref that only
 * leads to itself, is refused instead of exhausting the stack. */
#define MAX_DEPTH 64
/* A body with thousands of mistakes should not cost thousands of problem objects. */
#define MAX_PROBLEMS 100

struct _WhSchemaValidator
{
  JsonObject *schemas;  /* nullable */
};

typedef struct
{
  const char *member;  /* not owned: a member name of the value being validated, or NULL */
  gint64      index;
} LocPart;

typedef struct
{
  WhSchemaValidator  *self;
  const char * const *prefix;
  GArray             *loc;    /* LocPart */
} Walk;

WhSchemaValidator *
wh_schema_validator_new (JsonObject *schemas)
{
  WhSchemaValidator *self = g_new0 (WhSchemaValidator, 1);

  if (schemas != NULL)
    self->schemas = json_object_ref (schemas);

  return self;
}

void
wh_schema_validator_free (WhSchemaValidator *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->schemas, json_object_unref);
  g_free (self);
}

static gboolean
is_full (JsonArray *problems)
{
  return json_array_get_length (problems) >= MAX_PROBLEMS;
}

static void
add_problem (Walk       *walk,
             JsonArray  *problems,
             const char *msg,
             const char *type)
{
  g_autoptr(JsonObject) problem = NULL;
  JsonArray *loc;

  if (is_full (problems))
    return;

  loc = json_array_new ();
  for (guint i = 0; walk->prefix != NULL && walk->prefix[i] != NULL; i++)
    json_array_add_string_element (loc, walk->prefix[i]);
  for (guint i = 0; i < walk->loc->len; i++)
    {
      const LocPart *part = &g_array_index (walk->loc, LocPart, i);

      if (part->member != NULL)
        json_array_add_string_element (loc, part->member);
      else
        json_array_add_int_element (loc, part->index);
    }

  problem = json_object_new ();
  json_object_set_array_member (problem, "loc", loc);
  json_object_set_string_member (problem, "msg", msg);
  json_object_set_string_member (problem, "type", type);
  json_array_add_object_element (problems, g_steal_pointer (&problem));
}

static void
append_problems (JsonArray *problems,
                 JsonArray *more)
{
  for (guint i = 0; i < json_array_get_length (more) && !is_full (problems); i++)
    json_array_add_element (problems, json_node_copy (json_array_get_element (more, i)));
}

/* As Rust prints a float, which is how pydantic-core writes a bound: the shortest text
 * that reads back as the same number, and "1" rather than "1.0". */
static char *
format_number (JsonNode *node)
{
  double number;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

  number = json_node_get_double (node);
  for (int precision = 1; precision <= 17; precision++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, number);
      if (g_ascii_strtod (buffer, NULL) == number)
        return g_strdup (buffer);
    }

  return g_strdup_printf ("%g", number);
}

/* The Python repr of an enum value, as pydantic quotes it. */
static void
append_repr (GString  *string,
             JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_string_append_printf (string, "'%s'", json_node_get_string (node));
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    g_string_append (string, json_node_get_boolean (node) ? "True" : "False");
  else if (JSON_NODE_HOLDS_VALUE (node))
    {
      g_autofree char *number = format_number (node);

      g_string_append (string, number);
    }
  else if (JSON_NODE_HOLDS_NULL (node))
    g_string_append (string, "None");
  else
    {
      g_autofree char *text = wh_json_to_string (node, FALSE, NULL);

      g_string_append (string, text);
    }
}

static gboolean
is_digits (const char *text,
           guint       n)
{
  for (guint i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;

  return TRUE;
}

GDateTime *
wh_schema_validator_parse_date_time (const char *text)
{
  g_autofree char *normalized = NULL;
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  /* GLib also reads ordinal and week dates, times without seconds and local times; RFC
   * 3339 (and so "format": "date-time") allows none of them. */
  if (!is_digits (p, 4) || p[4] != '-' || !is_digits (p + 5, 2) || p[7] != '-' ||
      !is_digits (p + 8, 2))
    return NULL;
  p += 10;
  if (*p != 'T' && *p != 't')
    return NULL;
  p++;
  if (!is_digits (p, 2) || p[2] != ':' || !is_digits (p + 3, 2) || p[5] != ':' ||
      !is_digits (p + 6, 2))
    return NULL;
  p += 8;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return NULL;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'Z' || *p == 'z')
    p++;
  else if ((*p == '+' || *p == '-') && is_digits (p + 1, 2) && p[3] == ':' &&
           is_digits (p + 4, 2))
    p += 6;
  else
    return NULL;
  if (*p != '\0')
    return NULL;

  /* GLib checks the ranges (month 13, 30 February, hour 24), but not in the lower-case
   * spelling RFC 3339 also allows. */
  normalized = g_ascii_strup (text, -1);

  return g_date_time_new_from_iso8601 (normalized, NULL);
}

static const char *
node_json_type (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "object";
    case JSON_NODE_ARRAY:
      return "array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return "boolean";
    case G_TYPE_STRING:
      return "string";
    case G_TYPE_INT64:
      return "integer";
    case G_TYPE_DOUBLE:
    default:
      return "number";
    }
}

static gboolean
is_integral (JsonNode *value)
{
  double number;

  if (!JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  if (json_node_get_value_type (value) == G_TYPE_INT64)
    return TRUE;
  if (json_node_get_value_type (value) != G_TYPE_DOUBLE)
    return FALSE;

  number = json_node_get_double (value);

  return isfinite (number) && floor (number) == number;
}

/* Whether @value is of JSON Schema type @type. */
static gboolean
has_type (JsonNode   *value,
          const char *type)
{
  const char *actual = node_json_type (value);

  if (strcmp (type, "integer") == 0)
    return is_integral (value);
  if (strcmp (type, "number") == 0)
    return strcmp (actual, "integer") == 0 || strcmp (actual, "number") == 0;

  return strcmp (type, actual) == 0;
}

/* The pydantic problem of a value that is not a @type. */
static void
add_type_problem (Walk       *walk,
                  JsonArray  *problems,
                  const char *type,
                  JsonNode   *value)
{
  if (strcmp (type, "boolean") == 0)
    add_problem (walk, problems, "Input should be a valid boolean", "bool_type");
  else if (strcmp (type, "integer") == 0 &&
           JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_DOUBLE)
    add_problem (walk, problems,
                 "Input should be a valid integer, got a number with a fractional part",
                 "int_from_float");
  else if (strcmp (type, "integer") == 0)
    add_problem (walk, problems, "Input should be a valid integer", "int_type");
  else if (strcmp (type, "number") == 0)
    add_problem (walk, problems, "Input should be a valid number", "float_type");
  else if (strcmp (type, "string") == 0)
    add_problem (walk, problems, "Input should be a valid string", "string_type");
  else if (strcmp (type, "array") == 0)
    add_problem (walk, problems, "Input should be a valid list", "list_type");
  else if (strcmp (type, "object") == 0)
    add_problem (walk, problems,
                 "Input should be a valid dictionary or object to extract fields from",
                 "model_attributes_type");
  else if (strcmp (type, "null") == 0)
    add_problem (walk, problems, "Input should be None", "none_required");
  else
    {
      g_autofree char *msg = g_strdup_printf ("Input should be of type %s", type);

      add_problem (walk, problems, msg, "type_error");
    }
}

static gboolean
check_type (Walk       *walk,
            JsonObject *schema,
            JsonNode   *value,
            JsonArray  *problems)
{
  JsonNode *type = json_object_get_member (schema, "type");
  const char *first = NULL;

  if (JSON_NODE_HOLDS_VALUE (type) && json_node_get_value_type (type) == G_TYPE_STRING)
    {
      first = json_node_get_string (type);
      if (has_type (value, first))
        return TRUE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *types = json_node_get_array (type);

      for (guint i = 0; i < json_array_get_length (types); i++)
        {
          const char *one = json_array_get_string_element (types, i);

          if (one == NULL)
            continue;
          if (has_type (value, one))
            return TRUE;
          /* A nullable string that is not a string is "not a valid string". */
          if (first == NULL && strcmp (one, "null") != 0)
            first = one;
        }
    }
  else
    {
      return TRUE;
    }

  add_type_problem (walk, problems, first != NULL ? first : "null", value);

  return FALSE;
}

static gboolean validate_node (Walk      *walk,
                               JsonNode  *schema,
                               JsonNode  *value,
                               guint      ref_chain,
                               JsonArray *problems);

static gboolean
descend (Walk       *walk,
         const char *member,
         gint64      index,
         JsonNode   *schema,
         JsonNode   *value,
         JsonArray  *problems)
{
  LocPart part = { member, index };
  gboolean valid;

  g_array_append_val (walk->loc, part);
  valid = validate_node (walk, schema, value, 0, problems);
  g_array_set_size (walk->loc, walk->loc->len - 1);

  return valid;
}

static gboolean
check_enum (Walk       *walk,
            JsonArray  *values,
            JsonNode   *value,
            JsonArray  *problems)
{
  guint n = json_array_get_length (values);
  g_autoptr(GString) msg = NULL;

  for (guint i = 0; i < n; i++)
    if (json_node_equal (json_array_get_element (values, i), value))
      return TRUE;

  msg = g_string_new ("Input should be ");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (msg, i + 1 == n ? " or " : ", ");
      append_repr (msg, json_array_get_element (values, i));
    }
  add_problem (walk, problems, msg->str, "enum");

  return FALSE;
}

/* -1, 0 or 1 as @value is below, at or above @bound; exact for two integers. */
static int
compare_numbers (JsonNode *value,
                 JsonNode *bound)
{
  if (json_node_get_value_type (value) == G_TYPE_INT64 &&
      json_node_get_value_type (bound) == G_TYPE_INT64)
    {
      gint64 a = json_node_get_int (value), b = json_node_get_int (bound);

      return (a > b) - (a < b);
    }
  else
    {
      double a = json_node_get_double (value), b = json_node_get_double (bound);

      return (a > b) - (a < b);
    }
}

static gboolean
is_number_node (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);

  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
check_bounds (Walk       *walk,
              JsonObject *schema,
              JsonNode   *value,
              JsonArray  *problems)
{
  JsonNode *minimum = json_object_get_member (schema, "minimum");
  JsonNode *maximum = json_object_get_member (schema, "maximum");
  gboolean valid = TRUE;

  if (is_number_node (minimum) && compare_numbers (value, minimum) < 0)
    {
      g_autofree char *bound = format_number (minimum);
      g_autofree char *msg = g_strdup_printf ("Input should be greater than or equal to %s",
                                              bound);

      add_problem (walk, problems, msg, "greater_than_equal");
      valid = FALSE;
    }

  if (is_number_node (maximum) && compare_numbers (value, maximum) > 0)
    {
      g_autofree char *bound = format_number (maximum);
      g_autofree char *msg = g_strdup_printf ("Input should be less than or equal to %s",
                                              bound);

      add_problem (walk, problems, msg, "less_than_equal");
      valid = FALSE;
    }

  return valid;
}

static void
add_missing (Walk       *walk,
             const char *member,
             JsonArray  *problems)
{
  LocPart part = { member, 0 };

  g_array_append_val (walk->loc, part);
  add_problem (walk, problems, "Field required", "missing");
  g_array_set_size (walk->loc, walk->loc->len - 1);
}

/* Once for a value whose members or items are too deep, not once for each of them. */
static gboolean
is_too_deep (Walk      *walk,
             JsonArray *problems)
{
  if (walk->loc->len < MAX_DEPTH)
    return FALSE;

  add_problem (walk, problems, "Input is nested too deeply", "recursion_loop");

  return TRUE;
}

static gboolean
check_object (Walk       *walk,
              JsonObject *schema,
              JsonObject *object,
              JsonArray  *problems)
{
  JsonNode *properties_node = json_object_get_member (schema, "properties");
  JsonNode *required_node = json_object_get_member (schema, "required");
  JsonObject *properties = NULL;
  JsonArray *required = NULL;
  g_autoptr(GHashTable) required_set = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean valid = TRUE;

  if (properties_node != NULL && JSON_NODE_HOLDS_OBJECT (properties_node))
    properties = json_node_get_object (properties_node);
  if (properties != NULL && json_object_get_size (properties) > 0 && is_too_deep (walk, problems))
    return FALSE;
  if (required_node != NULL && JSON_NODE_HOLDS_ARRAY (required_node))
    required = json_node_get_array (required_node);

  for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
    {
      const char *name = json_array_get_string_element (required, i);

      if (name != NULL)
        g_hash_table_add (required_set, (gpointer) name);
    }

  /* In the order of the schema, as pydantic reports fields in declaration order. */
  if (properties != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (properties);

      for (GList *l = members; l != NULL && !is_full (problems); l = l->next)
        {
          const char *name = l->data;
          JsonNode *member_value = json_object_get_member (object, name);

          gboolean required = g_hash_table_remove (required_set, name);

          if (member_value != NULL)
            {
              if (!descend (walk, name, 0, json_object_get_member (properties, name),
                            member_value, problems))
                valid = FALSE;
            }
          else if (required)
            {
              add_missing (walk, name, problems);
              valid = FALSE;
            }
        }
    }

  /* Required members the schema describes no further. */
  for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
    {
      const char *name = json_array_get_string_element (required, i);

      if (name != NULL && g_hash_table_remove (required_set, name) &&
          !json_object_has_member (object, name))
        {
          add_missing (walk, name, problems);
          valid = FALSE;
        }
    }

  return valid;
}

static gboolean
check_array (Walk       *walk,
             JsonObject *schema,
             JsonArray  *array,
             JsonArray  *problems)
{
  JsonNode *items = json_object_get_member (schema, "items");
  JsonNode *unique = json_object_get_member (schema, "uniqueItems");
  guint n = json_array_get_length (array);
  gboolean valid = TRUE;

  if (items != NULL && n > 0 && is_too_deep (walk, problems))
    return FALSE;

  if (items != NULL)
    for (guint i = 0; i < n && !is_full (problems); i++)
      if (!descend (walk, NULL, i, items, json_array_get_element (array, i), problems))
        valid = FALSE;

  if (unique != NULL && JSON_NODE_HOLDS_VALUE (unique) &&
      json_node_get_value_type (unique) == G_TYPE_BOOLEAN && json_node_get_boolean (unique))
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (json_node_hash, json_node_equal);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!g_hash_table_add (seen, item))
            {
              add_problem (walk, problems, "List should have unique items", "unique_items");
              valid = FALSE;
              break;
            }
        }
    }

  return valid;
}

static gboolean
is_null_schema (JsonNode *schema)
{
  JsonObject *object;
  JsonNode *type;

  if (!JSON_NODE_HOLDS_OBJECT (schema))
    return FALSE;

  object = json_node_get_object (schema);
  type = json_object_get_member (object, "type");

  return type != NULL && JSON_NODE_HOLDS_VALUE (type) &&
         g_strcmp0 (json_node_get_string (type), "null") == 0;
}

static gboolean
check_any_of (Walk       *walk,
              JsonArray  *branches,
              JsonNode   *value,
              guint       ref_chain,
              JsonArray  *problems)
{
  guint n = json_array_get_length (branches);
  g_autoptr(GPtrArray) branch_problems =
    g_ptr_array_new_with_free_func ((GDestroyNotify) json_array_unref);
  g_autoptr(GArray) reported = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n; i++)
    {
      JsonArray *found = json_array_new ();

      g_ptr_array_add (branch_problems, found);
      if (validate_node (walk, json_array_get_element (branches, i), value, ref_chain, found))
        return TRUE;
    }

  /* A value that is not null did not fail for being null: what an Optional[Model] reports
   * is the model's problems (pydantic has them without the union's branch names). */
  for (guint i = 0; i < n; i++)
    if (JSON_NODE_HOLDS_NULL (value) || !is_null_schema (json_array_get_element (branches, i)))
      g_array_append_val (reported, i);
  if (reported->len == 0)
    for (guint i = 0; i < n; i++)
      g_array_append_val (reported, i);

  for (guint i = 0; i < reported->len; i++)
    append_problems (problems,
                     g_ptr_array_index (branch_problems, g_array_index (reported, guint, i)));

  return FALSE;
}

static JsonNode *
resolve_ref (WhSchemaValidator *self,
             const char        *ref)
{
  if (!g_str_has_prefix (ref, REF_PREFIX) || self->schemas == NULL)
    return NULL;

  return json_object_get_member (self->schemas, ref + strlen (REF_PREFIX));
}

static gboolean
validate_node (Walk      *walk,
               JsonNode  *schema_node,
               JsonNode  *value,
               guint      ref_chain,
               JsonArray *problems)
{
  JsonObject *schema;
  JsonNode *member;
  gboolean valid = TRUE;

  if (JSON_NODE_HOLDS_VALUE (schema_node) &&
      json_node_get_value_type (schema_node) == G_TYPE_BOOLEAN)
    {
      if (json_node_get_boolean (schema_node))
        return TRUE;
      add_problem (walk, problems, "No value is allowed here", "forbidden");
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (schema_node))
    return TRUE;

  schema = json_node_get_object (schema_node);

  member = json_object_get_member (schema, "$ref");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_STRING)
    {
      const char *ref = json_node_get_string (member);
      JsonNode *target = resolve_ref (walk->self, ref);

      if (ref_chain >= MAX_DEPTH)
        {
          add_problem (walk, problems, "Input is nested too deeply", "recursion_loop");
          return FALSE;
        }

      if (target == NULL)
        {
          g_autofree char *msg = g_strdup_printf ("The schema refers to “%s”, which the "
                                                  "document does not define", ref);

          add_problem (walk, problems, msg, "schema_ref");
          return FALSE;
        }

      if (!validate_node (walk, target, value, ref_chain + 1, problems))
        valid = FALSE;
    }

  member = json_object_get_member (schema, "anyOf");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    if (!check_any_of (walk, json_node_get_array (member), value, ref_chain, problems))
      valid = FALSE;

  /* As pydantic: a value of the wrong type has that one problem, not one per keyword. */
  if (json_object_has_member (schema, "type") &&
      !check_type (walk, schema, value, problems))
    return FALSE;

  member = json_object_get_member (schema, "enum");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member) &&
      !check_enum (walk, json_node_get_array (member), value, problems))
    valid = FALSE;

  if (is_number_node (value) && !check_bounds (walk, schema, value, problems))
    valid = FALSE;

  member = json_object_get_member (schema, "format");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_STRING &&
      g_strcmp0 (json_node_get_string (member), "date-time") == 0)
    {
      g_autoptr(GDateTime) date_time =
        wh_schema_validator_parse_date_time (json_node_get_string (value));

      if (date_time == NULL)
        {
          add_problem (walk, problems, "Input should be a valid datetime", "datetime_parsing");
          valid = FALSE;
        }
    }

  if (JSON_NODE_HOLDS_OBJECT (value) &&
      !check_object (walk, schema, json_node_get_object (value), problems))
    valid = FALSE;

  if (JSON_NODE_HOLDS_ARRAY (value) &&
      !check_array (walk, schema, json_node_get_array (value), problems))
    valid = FALSE;

  return valid;
}

gboolean
wh_schema_validator_validate (WhSchemaValidator  *self,
                              JsonNode           *schema,
                              JsonNode           *value,
                              const char * const *loc_prefix,
                              JsonArray          *problems)
{
  g_autoptr(GArray) loc = NULL;
  Walk walk;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  loc = g_array_new (FALSE, FALSE, sizeof (LocPart));
  walk.self = self;
  walk.prefix = loc_prefix;
  walk.loc = loc;

  return validate_node (&walk, schema, value, 0, problems);
}

char *
wh_schema_validator_describe (JsonArray *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (problems != NULL, NULL);

  for (guint i = 0; i < json_array_get_length (problems); i++)
    {
      JsonObject *problem = json_array_get_object_element (problems, i);
      JsonArray *loc;
      const char *msg;

      if (problem == NULL)
        continue;

      if (text->len > 0)
        g_string_append (text, "; ");

      loc = json_object_has_member (problem, "loc")
        ? json_object_get_array_member (problem, "loc") : NULL;
      for (guint j = 0; loc != NULL && j < json_array_get_length (loc); j++)
        {
          JsonNode *part = json_array_get_element (loc, j);

          if (j > 0)
            g_string_append_c (text, '.');
          if (JSON_NODE_HOLDS_VALUE (part) && json_node_get_value_type (part) == G_TYPE_INT64)
            g_string_append_printf (text, "%" G_GINT64_FORMAT, json_node_get_int (part));
          else if (JSON_NODE_HOLDS_VALUE (part) && json_node_get_value_type (part) == G_TYPE_STRING)
            g_string_append (text, json_node_get_string (part));
        }
      if (loc != NULL && json_array_get_length (loc) > 0)
        g_string_append (text, ": ");

      msg = json_object_has_member (problem, "msg")
        ? json_object_get_string_member (problem, "msg") : NULL;
      g_string_append (text, msg != NULL ? msg : "Invalid input");
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
