/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The readable properties of a model that make its JSON members, parents' first, in
 * declaration order (or the order set with wh_model_set_property_order()). */
GPtrArray        *wh_model_list_properties     (GType        model_type);

/* Bumped whenever a model's name, optional members or order change, so that cached
 * documents know they are stale. */
guint             wh_model_get_generation      (void);

/* The components registry: collects the schemas of every model a document references,
 * once each, and hands out `$ref`s to them. */
typedef struct _WhSchemaRegistry WhSchemaRegistry;

WhSchemaRegistry *wh_schema_registry_new                   (void);
void              wh_schema_registry_free                  (WhSchemaRegistry  *self);
/* A schema to embed for a value of @type: a `$ref` for a model (registering it and every
 * model it references), an inline schema for anything else. */
JsonNode         *wh_schema_registry_schema_for_type       (WhSchemaRegistry  *self,
                                                            GType              type,
                                                            GError           **error);
/* Registers a named component (such as HTTPValidationError) built by the caller. */
void              wh_schema_registry_add_component         (WhSchemaRegistry  *self,
                                                            const char        *name,
                                                            JsonNode          *schema);
gboolean          wh_schema_registry_has_component         (WhSchemaRegistry  *self,
                                                            const char        *name);
gboolean          wh_schema_registry_is_empty              (WhSchemaRegistry  *self);
/* The `components/schemas` object, sorted by name. */
JsonNode         *wh_schema_registry_to_json               (WhSchemaRegistry  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhSchemaRegistry, wh_schema_registry_free)

G_END_DECLS
