/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The readable properties of a model that make its JSON members, parents' first, in
 * declaration order (or the order set with wh_model_set_property_order()). An array of
 * GParamSpec, shared with a cache: g_ptr_array_unref() it, never modify it. */
GPtrArray        *wh_model_list_properties     (GType        model_type);

/* Bumped whenever a model's name, optional members or order change, so that cached
 * documents know they are stale. */
guint             wh_model_get_generation      (void);

/* What a property's value type becomes in JSON. The schema (wh-schema-registry.c) and the
 * serializer (wh-model.c) both switch over it, so that they cannot disagree. */
typedef enum
{
  WH_MODEL_VALUE_UNSUPPORTED,
  WH_MODEL_VALUE_BOOLEAN,
  WH_MODEL_VALUE_INTEGER,
  WH_MODEL_VALUE_UNSIGNED,
  WH_MODEL_VALUE_NUMBER,
  WH_MODEL_VALUE_STRING,
  WH_MODEL_VALUE_ENUM,
  WH_MODEL_VALUE_FLAGS,
  WH_MODEL_VALUE_STRV,
  WH_MODEL_VALUE_DATE_TIME,
  WH_MODEL_VALUE_JSON,
  WH_MODEL_VALUE_MODEL,   /* a GObject subclass: a $ref to its own component */
  WH_MODEL_VALUE_OBJECT,  /* G_TYPE_OBJECT itself: any object */
  WH_MODEL_VALUE_LIST,    /* a GListModel: an array of the item type set for the property */
} WhModelValueKind;

WhModelValueKind  wh_model_value_kind          (GType        value_type);
/* The pspec that holds the flags, range and default (the target of an override). */
GParamSpec       *wh_model_property_target     (GParamSpec  *pspec);
gboolean          wh_model_property_is_optional (GType       model_type,
                                                 GParamSpec *pspec);
/* The item type set with wh_model_set_item_type() for a list property, or 0. */
GType             wh_model_property_item_type   (GType       model_type,
                                                 GParamSpec *pspec);
/* The JSON form of @value, a value of @pspec in @model_type (for defaults and payloads). */
JsonNode         *wh_model_value_to_json       (GType         model_type,
                                                GParamSpec   *pspec,
                                                const GValue *value,
                                                GError      **error);
void              wh_model_set_unsupported_error (GError   **error,
                                                  GType      model_type,
                                                  GParamSpec *pspec);
/* A gfloat as the double with the shortest decimal form that reads back as the same
 * gfloat (0.1f becomes 0.1, not 0.10000000149011612). */
double            wh_model_float_to_double     (float        value);

/* The components registry: collects the schemas of every model a document references,
 * once each, and hands out `$ref`s to them. */
typedef struct _WhSchemaRegistry WhSchemaRegistry;

WhSchemaRegistry *wh_schema_registry_new                   (void);
/* A registry whose schemas are built for it alone (and so may be changed), instead of
 * being shared, sealed, with every other registry of the process. */
WhSchemaRegistry *wh_schema_registry_new_uncached          (void);
void              wh_schema_registry_free                  (WhSchemaRegistry  *self);
/* A schema to embed for a value of @type: a `$ref` for a model (registering it and every
 * model it references), an inline schema for anything else. */
JsonNode         *wh_schema_registry_schema_for_type       (WhSchemaRegistry  *self,
                                                            GType              type,
                                                            GError           **error);
/* Registers a named component (such as HTTPValidationError) built by the caller. Takes
 * ownership of @schema, as json_object_set_member() does; replaces a component of the same
 * name (check wh_schema_registry_has_component() first to refuse a clash). */
void              wh_schema_registry_add_component         (WhSchemaRegistry  *self,
                                                            const char        *name,
                                                            JsonNode          *schema);
/* Registers @model_type (even G_TYPE_OBJECT itself) and every model it references; returns
 * its component name, or NULL with @error set. */
const char       *wh_schema_registry_add_model             (WhSchemaRegistry  *self,
                                                            GType              model_type,
                                                            GError           **error);
/* A registered component, (transfer none), or NULL. */
JsonNode         *wh_schema_registry_lookup_component      (WhSchemaRegistry  *self,
                                                            const char        *name);
gboolean          wh_schema_registry_has_component         (WhSchemaRegistry  *self,
                                                            const char        *name);
gboolean          wh_schema_registry_is_empty              (WhSchemaRegistry  *self);
/* The `components/schemas` object, sorted by name. */
JsonNode         *wh_schema_registry_to_json               (WhSchemaRegistry  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhSchemaRegistry, wh_schema_registry_free)

G_END_DECLS
