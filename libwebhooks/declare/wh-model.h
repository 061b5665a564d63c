/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "webhooks-version-macros.h"

G_BEGIN_DECLS

/**
 * WH_PARAM_OPTIONAL:
 *
 * A #GParamFlags bit (the first of %G_PARAM_USER_SHIFT) that marks a model property as
 * optional: it is left out of the schema's `required` list and its default value is
 * documented. Or it into the flags of the #GParamSpec:
 *
 * |[<!-- language="C" -->
 * properties[PROP_NOTE] =
 *   g_param_spec_string ("note", "Note", "A free-form note", NULL,
 *                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | WH_PARAM_OPTIONAL);
 * ]|
 *
 * Bindings that cannot set custom flags use wh_model_set_optional() instead.
 */
#define WH_PARAM_OPTIONAL 256

WEBHOOKS_AVAILABLE_IN_ALL
void         wh_model_set_name            (GType        model_type,
                                           const char  *name);
WEBHOOKS_AVAILABLE_IN_ALL
const char  *wh_model_get_name            (GType        model_type);
WEBHOOKS_AVAILABLE_IN_ALL
void         wh_model_set_optional        (GType        model_type,
                                           const char  *property_name,
                                           gboolean     optional);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_model_is_optional         (GType        model_type,
                                           const char  *property_name);
WEBHOOKS_AVAILABLE_IN_ALL
void         wh_model_set_property_order  (GType        model_type,
                                           const char * const *property_names);
WEBHOOKS_AVAILABLE_IN_ALL
void         wh_model_set_item_type       (GType        model_type,
                                           const char  *property_name,
                                           GType        item_type);
WEBHOOKS_AVAILABLE_IN_ALL
GType        wh_model_get_item_type       (GType        model_type,
                                           const char  *property_name);
WEBHOOKS_AVAILABLE_IN_ALL
char        *wh_model_member_name         (const char  *property_name);
WEBHOOKS_AVAILABLE_IN_ALL
JsonNode    *wh_model_get_schema          (GType        model_type,
                                           GError     **error);
WEBHOOKS_AVAILABLE_IN_ALL
JsonNode    *wh_model_serialize           (GObject     *instance,
                                           GError     **error);
WEBHOOKS_AVAILABLE_IN_ALL
GObject     *wh_model_deserialize         (GType        model_type,
                                           JsonNode    *json,
                                           GError     **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_model_validate            (GType        model_type,
                                           JsonNode    *json,
                                           GError     **error);

G_END_DECLS
