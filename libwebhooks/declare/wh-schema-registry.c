/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <string.h>

#include "wh-error.h"
#include "wh-model.h"
#include "wh-model-private.h"

#define REF_PREFIX "#/components/schemas/"

struct _WhSchemaRegistry
{
  GHashTable *components;   /* name (owned) -> JsonNode (owned) */
  GHashTable *model_names;  /* name (not owned) -> GType, for every registered model */
  GHashTable *models;       /* GType -> name (not owned), registered or being registered */
  /* Models registered since the outermost wh_schema_registry_add_model() call began, so
   * that a failure leaves none of them (they may refer to the one that failed). */
  GArray     *pending;
  guint       depth;
  /* Whether schemas come from, and go to, the process-wide cache (shared and sealed). */
  gboolean    use_cache;
};

/* A model's schema depends only on its class and on wh_model_set_*() settings, which bump
 * the generation; so it is converted once per process, not once per document. Shared
 * schemas are sealed, and only ever shared through json_node_ref(), whose count is atomic
 * (json_object_ref()'s is not), so documents built in different threads may share them. */
typedef struct
{
  guint     generation;
  JsonNode *schema;
  GArray   *references;  /* GType of every model the schema refers to */
} WhCachedSchema;

static GMutex      schema_cache_lock;
static GHashTable *schema_cache;  /* GType -> WhCachedSchema */

static void
wh_cached_schema_free (gpointer data)
{
  WhCachedSchema *cached = data;

  g_clear_pointer (&cached->schema, json_node_unref);
  g_clear_pointer (&cached->references, g_array_unref);
  g_free (cached);
}

static gboolean
schema_cache_lookup (GType      model_type,
                     guint      generation,
                     JsonNode **schema,
                     GArray   **references)
{
  WhCachedSchema *cached = NULL;

  g_mutex_lock (&schema_cache_lock);
  if (schema_cache != NULL)
    cached = g_hash_table_lookup (schema_cache, GSIZE_TO_POINTER (model_type));
  if (cached != NULL && cached->generation == generation)
    {
      *schema = json_node_ref (cached->schema);
      *references = g_array_ref (cached->references);
    }
  else
    {
      cached = NULL;
    }
  g_mutex_unlock (&schema_cache_lock);

  return cached != NULL;
}

static void
schema_cache_store (GType     model_type,
                    guint     generation,
                    JsonNode *schema,
                    GArray   *references)
{
  WhCachedSchema *cached = g_new0 (WhCachedSchema, 1);

  cached->generation = generation;
  cached->schema = json_node_ref (schema);
  cached->references = g_array_ref (references);

  g_mutex_lock (&schema_cache_lock);
  if (schema_cache == NULL)
    schema_cache = g_hash_table_new_full (NULL, NULL, NULL, wh_cached_schema_free);
  g_hash_table_insert (schema_cache, GSIZE_TO_POINTER (model_type), cached);
  g_mutex_unlock (&schema_cache_lock);
}

WhSchemaRegistry *
wh_schema_registry_new (void)
{
  WhSchemaRegistry *self = g_new0 (WhSchemaRegistry, 1);

  self->components = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_node_unref);
  self->model_names = g_hash_table_new (g_str_hash, g_str_equal);
  self->models = g_hash_table_new (NULL, NULL);
  self->pending = g_array_new (FALSE, FALSE, sizeof (GType));
  self->use_cache = TRUE;

  return self;
}

WhSchemaRegistry *
wh_schema_registry_new_uncached (void)
{
  WhSchemaRegistry *self = wh_schema_registry_new ();

  self->use_cache = FALSE;

  return self;
}

void
wh_schema_registry_free (WhSchemaRegistry *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->components);
  g_hash_table_unref (self->model_names);
  g_hash_table_unref (self->models);
  g_array_unref (self->pending);
  g_free (self);
}

/* `is_paid` -> `Is Paid`, as pydantic titles a field. */
static char *
title_from_member (const char *member)
{
  GString *title = g_string_sized_new (strlen (member));
  gboolean word_start = TRUE;

  for (const char *p = member; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          g_string_append_c (title, ' ');
          word_start = TRUE;
        }
      else
        {
          g_string_append_c (title, word_start ? g_ascii_toupper (*p) : *p);
          word_start = FALSE;
        }
    }

  return g_string_free (title, FALSE);
}

static gboolean
is_valid_component_name (const char *name)
{
  if (*name == '\0')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

static JsonNode *
ref_node (const char *name)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *ref = g_strconcat (REF_PREFIX, name, NULL);

  json_object_set_string_member (object, "$ref", ref);

  return json_node_init_object (json_node_alloc (), object);
}

static void
set_type (JsonObject *schema,
          const char *type,
          gboolean    nullable)
{
  if (nullable)
    {
      JsonArray *types = json_array_sized_new (2);

      json_array_add_string_element (types, type);
      json_array_add_string_element (types, "null");
      json_object_set_array_member (schema, "type", types);
    }
  else
    {
      json_object_set_string_member (schema, "type", type);
    }
}

static void
add_integer_keywords (JsonObject *schema,
                      GParamSpec *pspec,
                      GType       value_type)
{
  gint64 type_min = 0, type_max = 0, min = 0, max = 0;
  gboolean has_range = FALSE;

  set_type (schema, "integer", FALSE);

  switch (G_TYPE_FUNDAMENTAL (value_type))
    {
    case G_TYPE_CHAR:
      type_min = G_MININT8, type_max = G_MAXINT8;
      if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_CHAR (pspec)))
        min = G_PARAM_SPEC_CHAR (pspec)->minimum, max = G_PARAM_SPEC_CHAR (pspec)->maximum;
      break;
    case G_TYPE_INT:
      type_min = G_MININT, type_max = G_MAXINT;
      if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_INT (pspec)))
        min = G_PARAM_SPEC_INT (pspec)->minimum, max = G_PARAM_SPEC_INT (pspec)->maximum;
      break;
    case G_TYPE_LONG:
      type_min = G_MINLONG, type_max = G_MAXLONG;
      if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_LONG (pspec)))
        min = G_PARAM_SPEC_LONG (pspec)->minimum, max = G_PARAM_SPEC_LONG (pspec)->maximum;
      break;
    case G_TYPE_INT64:
      type_min = G_MININT64, type_max = G_MAXINT64;
      if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_INT64 (pspec)))
        min = G_PARAM_SPEC_INT64 (pspec)->minimum, max = G_PARAM_SPEC_INT64 (pspec)->maximum;
      break;
    default:
      g_assert_not_reached ();
    }

  if (has_range && min > type_min)
    json_object_set_int_member (schema, "minimum", min);
  if (has_range && max < type_max)
    json_object_set_int_member (schema, "maximum", max);
}

static void
add_unsigned_keywords (JsonObject *schema,
                       GParamSpec *pspec,
                       GType       value_type)
{
  guint64 type_max = 0, min = 0, max = 0;
  gboolean has_range = FALSE;

  set_type (schema, "integer", FALSE);

  switch (G_TYPE_FUNDAMENTAL (value_type))
    {
    case G_TYPE_UCHAR:
      type_max = G_MAXUINT8;
      if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_UCHAR (pspec)))
        min = G_PARAM_SPEC_UCHAR (pspec)->minimum, max = G_PARAM_SPEC_UCHAR (pspec)->maximum;
      break;
    case G_TYPE_UINT:
      type_max = G_MAXUINT;
      if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_UINT (pspec)))
        min = G_PARAM_SPEC_UINT (pspec)->minimum, max = G_PARAM_SPEC_UINT (pspec)->maximum;
      else if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_UNICHAR (pspec)))
        min = 0, max = 0x10FFFF;
      break;
    case G_TYPE_ULONG:
      type_max = G_MAXULONG;
      if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_ULONG (pspec)))
        min = G_PARAM_SPEC_ULONG (pspec)->minimum, max = G_PARAM_SPEC_ULONG (pspec)->maximum;
      break;
    case G_TYPE_UINT64:
      type_max = G_MAXUINT64;
      if ((has_range = pspec != NULL && G_IS_PARAM_SPEC_UINT64 (pspec)))
        min = G_PARAM_SPEC_UINT64 (pspec)->minimum, max = G_PARAM_SPEC_UINT64 (pspec)->maximum;
      break;
    default:
      g_assert_not_reached ();
    }

  /* Always stated, even when the pspec allows the whole type: without it JSON Schema
   * accepts negative numbers, which the C type cannot hold. */
  json_object_set_int_member (schema, "minimum", (gint64) MIN (min, (guint64) G_MAXINT64));

  if (has_range && max < type_max)
    {
      if (max <= G_MAXINT64)
        json_object_set_int_member (schema, "maximum", (gint64) max);
      else
        json_object_set_double_member (schema, "maximum", (double) max);
    }
}

static void
add_number_keywords (JsonObject *schema,
                     GParamSpec *pspec,
                     GType       value_type)
{
  set_type (schema, "number", FALSE);

  if (pspec != NULL && G_IS_PARAM_SPEC_FLOAT (pspec))
    {
      GParamSpecFloat *range = G_PARAM_SPEC_FLOAT (pspec);

      if (range->minimum > -G_MAXFLOAT)
        json_object_set_double_member (schema, "minimum", wh_model_float_to_double (range->minimum));
      if (range->maximum < G_MAXFLOAT)
        json_object_set_double_member (schema, "maximum", wh_model_float_to_double (range->maximum));
    }
  else if (pspec != NULL && G_IS_PARAM_SPEC_DOUBLE (pspec))
    {
      GParamSpecDouble *range = G_PARAM_SPEC_DOUBLE (pspec);

      if (range->minimum > -G_MAXDOUBLE)
        json_object_set_double_member (schema, "minimum", range->minimum);
      if (range->maximum < G_MAXDOUBLE)
        json_object_set_double_member (schema, "maximum", range->maximum);
    }
}

static JsonArray *
enum_nicks (GType value_type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (value_type);
  JsonArray *nicks = json_array_sized_new (klass->n_values);

  for (guint i = 0; i < klass->n_values; i++)
    json_array_add_string_element (nicks, klass->values[i].value_nick);

  return nicks;
}

static JsonArray *
flags_nicks (GType value_type)
{
  g_autoptr(GFlagsClass) klass = g_type_class_ref (value_type);
  JsonArray *nicks = json_array_sized_new (klass->n_values);

  /* A zero value ("none") is the empty array, not an item. */
  for (guint i = 0; i < klass->n_values; i++)
    if (klass->values[i].value != 0)
      json_array_add_string_element (nicks, klass->values[i].value_nick);

  return nicks;
}

static JsonObject *
string_schema (void)
{
  JsonObject *items = json_object_new ();

  json_object_set_string_member (items, "type", "string");

  return items;
}

static const char *register_model (WhSchemaRegistry  *self,
                                   GType              model_type,
                                   GArray            *references,
                                   GError           **error);

/* The type keywords of a value of @value_type into @schema; @pspec (nullable) gives the
 * range. A model becomes a `$ref`, or an `anyOf` with null when @nullable. */
static gboolean
add_type_keywords (WhSchemaRegistry  *self,
                   JsonObject        *schema,
                   GType              value_type,
                   GParamSpec        *pspec,
                   GType              item_type,
                   gboolean           nullable,
                   GArray            *references,
                   GError           **error)
{
  switch (wh_model_value_kind (value_type))
    {
    case WH_MODEL_VALUE_BOOLEAN:
      set_type (schema, "boolean", nullable);
      return TRUE;

    case WH_MODEL_VALUE_INTEGER:
      add_integer_keywords (schema, pspec, value_type);
      return TRUE;

    case WH_MODEL_VALUE_UNSIGNED:
      add_unsigned_keywords (schema, pspec, value_type);
      return TRUE;

    case WH_MODEL_VALUE_NUMBER:
      add_number_keywords (schema, pspec, value_type);
      return TRUE;

    case WH_MODEL_VALUE_STRING:
      set_type (schema, "string", nullable);
      return TRUE;

    case WH_MODEL_VALUE_ENUM:
      set_type (schema, "string", nullable);
      json_object_set_array_member (schema, "enum", enum_nicks (value_type));
      return TRUE;

    case WH_MODEL_VALUE_FLAGS:
      {
        JsonObject *items = string_schema ();

        set_type (schema, "array", nullable);
        json_object_set_array_member (items, "enum", flags_nicks (value_type));
        json_object_set_object_member (schema, "items", items);
        json_object_set_boolean_member (schema, "uniqueItems", TRUE);
        return TRUE;
      }

    case WH_MODEL_VALUE_STRV:
      set_type (schema, "array", nullable);
      json_object_set_object_member (schema, "items", string_schema ());
      return TRUE;

    case WH_MODEL_VALUE_DATE_TIME:
      set_type (schema, "string", nullable);
      json_object_set_string_member (schema, "format", "date-time");
      return TRUE;

    case WH_MODEL_VALUE_JSON:
      /* Any JSON value, null included. */
      return TRUE;

    case WH_MODEL_VALUE_OBJECT:
      set_type (schema, "object", nullable);
      return TRUE;

    case WH_MODEL_VALUE_MODEL:
      {
        const char *name = register_model (self, value_type, references, error);

        if (name == NULL)
          return FALSE;

        if (nullable)
          {
            JsonArray *any_of = json_array_sized_new (2);
            JsonObject *null_type = json_object_new ();

            json_object_set_string_member (null_type, "type", "null");
            json_array_add_element (any_of, ref_node (name));
            json_array_add_object_element (any_of, null_type);
            json_object_set_array_member (schema, "anyOf", any_of);
          }
        else
          {
            g_autofree char *ref = g_strconcat (REF_PREFIX, name, NULL);

            json_object_set_string_member (schema, "$ref", ref);
          }
        return TRUE;
      }

    case WH_MODEL_VALUE_LIST:
      {
        g_autoptr(JsonObject) items = json_object_new ();

        set_type (schema, "array", nullable);
        if (!add_type_keywords (self, items, item_type, NULL, G_TYPE_INVALID, FALSE,
                                references, error))
          return FALSE;
        json_object_set_object_member (schema, "items", g_steal_pointer (&items));
        return TRUE;
      }

    case WH_MODEL_VALUE_UNSUPPORTED:
    default:
      g_assert_not_reached ();
      return FALSE;
    }
}

static JsonNode *
property_schema (WhSchemaRegistry  *self,
                 GType              model_type,
                 GParamSpec        *pspec,
                 const char        *member,
                 gboolean           optional,
                 GArray            *references,
                 GError           **error)
{
  GParamSpec *target = wh_model_property_target (pspec);
  GType value_type = G_PARAM_SPEC_VALUE_TYPE (target);
  WhModelValueKind kind = wh_model_value_kind (value_type);
  GType item_type = G_TYPE_INVALID;
  g_autoptr(JsonObject) schema = json_object_new ();
  g_autoptr(JsonNode) default_node = NULL;
  g_autofree char *title = NULL;
  const char *blurb;
  const char *nick;

  if (kind == WH_MODEL_VALUE_LIST)
    item_type = wh_model_property_item_type (model_type, pspec);

  if (kind == WH_MODEL_VALUE_UNSUPPORTED ||
      (kind == WH_MODEL_VALUE_LIST && item_type == G_TYPE_INVALID))
    {
      wh_model_set_unsupported_error (error, model_type, pspec);
      return NULL;
    }

  if (optional)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, value_type);
      g_param_value_set_default (target, &value);
      default_node = wh_model_value_to_json (model_type, pspec, &value, error);
      if (default_node == NULL)
        return NULL;
    }

  title = title_from_member (member);
  json_object_set_string_member (schema, "title", title);

  if (!add_type_keywords (self, schema, value_type, target, item_type,
                          default_node != NULL && JSON_NODE_HOLDS_NULL (default_node),
                          references, error))
    return NULL;

  blurb = g_param_spec_get_blurb (pspec);
  nick = g_param_spec_get_nick (pspec);
  if (blurb != NULL && *blurb != '\0' &&
      g_strcmp0 (blurb, nick) != 0 && strcmp (blurb, pspec->name) != 0)
    json_object_set_string_member (schema, "description", blurb);

  if (default_node != NULL)
    json_object_set_member (schema, "default", g_steal_pointer (&default_node));

  return json_node_init_object (json_node_alloc (), schema);
}

static JsonNode *
model_schema (WhSchemaRegistry  *self,
              GType              model_type,
              const char        *name,
              GArray            *references,
              GError           **error)
{
  g_autoptr(GPtrArray) pspecs = wh_model_list_properties (model_type);
  g_autoptr(JsonObject) schema = json_object_new ();
  g_autoptr(JsonObject) properties = json_object_new ();
  g_autoptr(JsonArray) required = json_array_new ();

  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);
      g_autofree char *member = wh_model_member_name (pspec->name);
      gboolean optional = wh_model_property_is_optional (model_type, pspec);
      JsonNode *property;

      property = property_schema (self, model_type, pspec, member, optional, references,
                                  error);
      if (property == NULL)
        return NULL;

      if (!optional)
        json_array_add_string_element (required, member);
      json_object_set_member (properties, member, property);
    }

  json_object_set_string_member (schema, "title", name);
  json_object_set_string_member (schema, "type", "object");
  json_object_set_object_member (schema, "properties", g_steal_pointer (&properties));
  if (json_array_get_length (required) > 0)
    json_object_set_array_member (schema, "required", g_steal_pointer (&required));


  return json_node_init_object (json_node_alloc (), schema);
}

static void
forget_pending (WhSchemaRegistry *self)
{
  for (guint i = 0; i < self->pending->len; i++)
    {
      GType type = g_array_index (self->pending, GType, i);
      const char *name = g_hash_table_lookup (self->models, GSIZE_TO_POINTER (type));

      g_hash_table_remove (self->components, name);
      g_hash_table_remove (self->model_names, name);
      g_hash_table_remove (self->models, GSIZE_TO_POINTER (type));
    }

  g_array_set_size (self->pending, 0);
}

static const char *
register_model (WhSchemaRegistry  *self,
                GType              model_type,
                GArray            *references,
                GError           **error)
{
  g_autoptr(GArray) own_references = NULL;
  const char *name;
  gpointer other;
  JsonNode *schema = NULL;
  guint generation;

  if (references != NULL)
    g_array_append_val (references, model_type);

  name = g_hash_table_lookup (self->models, GSIZE_TO_POINTER (model_type));
  if (name != NULL)
    return name;

  name = wh_model_get_name (model_type);

  if (!is_valid_component_name (name))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                   "Model “%s” (type %s) cannot name an OpenAPI component: use only "
                   "letters, digits, “.”, “-” and “_”. Call wh_model_set_name() to give it "
                   "another name.",
                   name, g_type_name (model_type));
      return NULL;
    }

  if (g_hash_table_lookup_extended (self->model_names, name, NULL, &other))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                   "Types %s and %s are both models named “%s”. Call wh_model_set_name() "
                   "on one of them to tell them apart.",
                   g_type_name ((GType) GPOINTER_TO_SIZE (other)),
                   g_type_name (model_type), name);
      return NULL;
    }

  if (g_hash_table_contains (self->components, name))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                   "Model %s is named “%s”, as a schema the document already has. Call "
                   "wh_model_set_name() to give it another name.",
                   g_type_name (model_type), name);
      return NULL;
    }

  /* Known before its properties are, so that a model may refer to itself. */
  g_hash_table_insert (self->models, GSIZE_TO_POINTER (model_type), (gpointer) name);
  g_hash_table_insert (self->model_names, (gpointer) name, GSIZE_TO_POINTER (model_type));
  g_array_append_val (self->pending, model_type);

  /* Read before converting: a change made meanwhile leaves a stale generation behind. */
  generation = wh_model_get_generation ();

  self->depth++;
  if (self->use_cache && schema_cache_lookup (model_type, generation, &schema, &own_references))
    {
      /* The referenced models still have to be registered here, and may clash here. */
      for (guint i = 0; i < own_references->len; i++)
        if (register_model (self, g_array_index (own_references, GType, i), NULL, error) == NULL)
          {
            g_clear_pointer (&schema, json_node_unref);
            break;
          }
    }
  else
    {
      own_references = g_array_new (FALSE, FALSE, sizeof (GType));
      schema = model_schema (self, model_type, name, own_references, error);
      if (schema != NULL && self->use_cache)
        {
          json_node_seal (schema);
          schema_cache_store (model_type, generation, schema, own_references);
        }
    }
  self->depth--;

  if (schema == NULL)
    {
      if (self->depth == 0)
        forget_pending (self);
      return NULL;
    }

  g_hash_table_insert (self->components, g_strdup (name), schema);

  if (self->depth == 0)
    g_array_set_size (self->pending, 0);

  return name;
}

const char *
wh_schema_registry_add_model (WhSchemaRegistry  *self,
                              GType              model_type,
                              GError           **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (G_TYPE_IS_OBJECT (model_type), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return register_model (self, model_type, NULL, error);
}

JsonNode *
wh_schema_registry_schema_for_type (WhSchemaRegistry  *self,
                                    GType              type,
                                    GError           **error)
{
  g_autoptr(JsonObject) schema = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A list of unknown items has no schema; only a model property can say what it holds. */
  if (wh_model_value_kind (type) == WH_MODEL_VALUE_UNSUPPORTED ||
      wh_model_value_kind (type) == WH_MODEL_VALUE_LIST)
    {
      wh_model_set_unsupported_error (error, type, NULL);
      return NULL;
    }

  if (wh_model_value_kind (type) == WH_MODEL_VALUE_MODEL)
    {
      const char *name = register_model (self, type, NULL, error);

      return name != NULL ? ref_node (name) : NULL;
    }

  schema = json_object_new ();
  if (!add_type_keywords (self, schema, type, NULL, G_TYPE_INVALID, FALSE, NULL, error))
    return NULL;

  return json_node_init_object (json_node_alloc (), schema);
}

void
wh_schema_registry_add_component (WhSchemaRegistry *self,
                                  const char       *name,
                                  JsonNode         *schema)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (schema != NULL);

  g_hash_table_insert (self->components, g_strdup (name), schema);
}

gboolean
wh_schema_registry_has_component (WhSchemaRegistry *self,
                                  const char       *name)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return g_hash_table_contains (self->components, name);
}

JsonNode *
wh_schema_registry_lookup_component (WhSchemaRegistry *self,
                                     const char       *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->components, name);
}

gboolean
wh_schema_registry_is_empty (WhSchemaRegistry *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return g_hash_table_size (self->components) == 0;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

JsonNode *
wh_schema_registry_to_json (WhSchemaRegistry *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree gpointer *names = NULL;
  guint n_names;

  g_return_val_if_fail (self != NULL, NULL);

  names = g_hash_table_get_keys_as_array (self->components, &n_names);
  qsort (names, n_names, sizeof (gpointer), compare_names);

  /* Shared, not copied: see WhCachedSchema. */
  for (guint i = 0; i < n_names; i++)
    json_object_set_member (object, names[i],
                            json_node_ref (g_hash_table_lookup (self->components, names[i])));

  return json_node_init_object (json_node_alloc (), object);
}
