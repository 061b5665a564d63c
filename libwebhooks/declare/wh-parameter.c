/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-parameter
 * @Title: WhParameter
 * @Short_description: a path, query, header or cookie parameter of a route
 *
 * A #WhParameter documents one parameter of a route handler: a `{segment}` of
 * its path, a query string parameter, a request header or a cookie. The
 * document lists it in the operation's `parameters`.
 *
 * |[<!-- language="C" -->
 * g_autoptr(WhHandler) handler = wh_get ("/users/{user_id}");
 * g_autoptr(WhParameter) user_id = wh_parameter_new ("user_id", WH_PARAMETER_PATH, G_TYPE_INT64);
 * g_autoptr(WhParameter) verbose = wh_parameter_new ("verbose", WH_PARAMETER_QUERY, G_TYPE_BOOLEAN);
 *
 * wh_parameter_set_description (verbose, "Include the user's history.");
 * wh_handler_add_parameter (handler, user_id);
 * wh_handler_add_parameter (handler, verbose);
 * ]|
 *
 * A path parameter is required, as OpenAPI demands; the others are optional
 * unless #WhParameter:required is set.
 */

#include "config.h"

#include "wh-parameter.h"
#include "wh-enum-types.h"

struct _WhParameter
{
  GObject parent_instance;

  char *name;
  WhParameterLocation location;
  GType value_type;
  gboolean required;
  char *description;
  gboolean deprecated;
};

/**
 * WH_TYPE_PARAMETER:
 *
 * The #GType of #WhParameter.
 */

/**
 * WhParameter:
 *
 * A path, query, header or cookie parameter of a route handler.
 */
G_DEFINE_FINAL_TYPE (WhParameter, wh_parameter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_LOCATION,
  PROP_VALUE_TYPE,
  PROP_REQUIRED,
  PROP_DESCRIPTION,
  PROP_DEPRECATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wh_parameter_constructed (GObject *object)
{
  WhParameter *self = WH_PARAMETER (object);

  G_OBJECT_CLASS (wh_parameter_parent_class)->constructed (object);

  /* Construct properties are all set by now; an explicit "required" given to
   * g_object_new() is set after this and wins. */
  self->required = self->location == WH_PARAMETER_PATH;
}

static void
wh_parameter_finalize (GObject *object)
{
  WhParameter *self = WH_PARAMETER (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (wh_parameter_parent_class)->finalize (object);
}

static void
wh_parameter_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  WhParameter *self = WH_PARAMETER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_LOCATION:
      g_value_set_enum (value, self->location);
      break;

    case PROP_VALUE_TYPE:
      g_value_set_gtype (value, self->value_type);
      break;

    case PROP_REQUIRED:
      g_value_set_boolean (value, self->required);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_DEPRECATED:
      g_value_set_boolean (value, self->deprecated);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_parameter_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  WhParameter *self = WH_PARAMETER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_LOCATION:
      self->location = g_value_get_enum (value);
      break;

    case PROP_VALUE_TYPE:
      self->value_type = g_value_get_gtype (value);
      if (self->value_type == G_TYPE_NONE || self->value_type == G_TYPE_INVALID)
        self->value_type = G_TYPE_STRING;
      break;

    case PROP_REQUIRED:
      wh_parameter_set_required (self, g_value_get_boolean (value));
      break;

    case PROP_DESCRIPTION:
      wh_parameter_set_description (self, g_value_get_string (value));
      break;

    case PROP_DEPRECATED:
      wh_parameter_set_deprecated (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_parameter_class_init (WhParameterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wh_parameter_constructed;
  object_class->finalize = wh_parameter_finalize;
  object_class->get_property = wh_parameter_get_property;
  object_class->set_property = wh_parameter_set_property;

  /**
   * WhParameter:name:
   *
   * The parameter's name: the `{segment}` of the path without braces, the query
   * parameter, the header or the cookie name.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", "Name", "The parameter's name",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * WhParameter:location:
   *
   * Where the parameter is carried in the request (OpenAPI's `in`).
   */
  properties[PROP_LOCATION] =
    g_param_spec_enum ("location", "Location", "Where the parameter is carried",
                       WH_TYPE_PARAMETER_LOCATION, WH_PARAMETER_QUERY,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * WhParameter:value-type:
   *
   * The #GType of the parameter's value, which gives its schema (%G_TYPE_INT64 gives
   * an `integer`, %G_TYPE_BOOLEAN a `boolean`...). %G_TYPE_NONE, the default, means
   * %G_TYPE_STRING.
   */
  properties[PROP_VALUE_TYPE] =
    g_param_spec_gtype ("value-type", "Value type", "The GType of the parameter's value",
                        G_TYPE_NONE,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * WhParameter:required:
   *
   * Whether the request must carry the parameter. It defaults to %TRUE for a path
   * parameter and to %FALSE otherwise. A path parameter that is not required cannot
   * be documented: building the document reports it as %WH_ERROR_INVALID_PARAMETER.
   */
  properties[PROP_REQUIRED] =
    g_param_spec_boolean ("required", "Required", "Whether the request must carry the parameter",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhParameter:description:
   *
   * What the parameter means, in CommonMark, or %NULL.
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", "Description", "What the parameter means",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhParameter:deprecated:
   *
   * Whether the parameter is deprecated and should no longer be used.
   */
  properties[PROP_DEPRECATED] =
    g_param_spec_boolean ("deprecated", "Deprecated", "Whether the parameter is deprecated",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_parameter_init (WhParameter *self)
{
  self->location = WH_PARAMETER_QUERY;
  self->value_type = G_TYPE_STRING;
}

/**
 * wh_parameter_new:
 * @name: the parameter's name
 * @location: where the parameter is carried
 * @value_type: the #GType of its value, or %G_TYPE_NONE for a string
 *
 * Creates a parameter for wh_handler_add_parameter().
 *
 * Returns: (transfer full): a new #WhParameter
 */
WhParameter *
wh_parameter_new (const char          *name,
                  WhParameterLocation  location,
                  GType                value_type)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (WH_TYPE_PARAMETER,
                       "name", name,
                       "location", location,
                       "value-type", value_type,
                       NULL);
}

/**
 * wh_parameter_get_name:
 * @self: a #WhParameter
 *
 * Gets the parameter's name.
 *
 * Returns: (transfer none): the name
 */
const char *
wh_parameter_get_name (WhParameter *self)
{
  g_return_val_if_fail (WH_IS_PARAMETER (self), NULL);

  return self->name;
}

/**
 * wh_parameter_get_location:
 * @self: a #WhParameter
 *
 * Gets where the parameter is carried.
 *
 * Returns: the location
 */
WhParameterLocation
wh_parameter_get_location (WhParameter *self)
{
  g_return_val_if_fail (WH_IS_PARAMETER (self), WH_PARAMETER_QUERY);

  return self->location;
}

/**
 * wh_parameter_get_value_type:
 * @self: a #WhParameter
 *
 * Gets the #GType of the parameter's value.
 *
 * Returns: the value type, %G_TYPE_STRING unless another was given
 */
GType
wh_parameter_get_value_type (WhParameter *self)
{
  g_return_val_if_fail (WH_IS_PARAMETER (self), G_TYPE_INVALID);

  return self->value_type;
}

/**
 * wh_parameter_get_required:
 * @self: a #WhParameter
 *
 * Gets whether the request must carry the parameter.
 *
 * Returns: %TRUE if the parameter is required
 */
gboolean
wh_parameter_get_required (WhParameter *self)
{
  g_return_val_if_fail (WH_IS_PARAMETER (self), FALSE);

  return self->required;
}

/**
 * wh_parameter_set_required:
 * @self: a #WhParameter
 * @required: whether the request must carry the parameter
 *
 * Sets whether the request must carry the parameter.
 */
void
wh_parameter_set_required (WhParameter *self,
                           gboolean     required)
{
  g_return_if_fail (WH_IS_PARAMETER (self));

  required = !!required;
  if (self->required == required)
    return;

  self->required = required;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIRED]);
}

/**
 * wh_parameter_get_description:
 * @self: a #WhParameter
 *
 * Gets what the parameter means.
 *
 * Returns: (transfer none) (nullable): the description
 */
const char *
wh_parameter_get_description (WhParameter *self)
{
  g_return_val_if_fail (WH_IS_PARAMETER (self), NULL);

  return self->description;
}

/**
 * wh_parameter_set_description:
 * @self: a #WhParameter
 * @description: (nullable): what the parameter means
 *
 * Sets what the parameter means.
 */
void
wh_parameter_set_description (WhParameter *self,
                              const char  *description)
{
  g_return_if_fail (WH_IS_PARAMETER (self));

  if (g_strcmp0 (self->description, description) == 0)
    return;

  g_free (self->description);
  self->description = g_strdup (description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

/**
 * wh_parameter_get_deprecated:
 * @self: a #WhParameter
 *
 * Gets whether the parameter is deprecated.
 *
 * Returns: %TRUE if the parameter is deprecated
 */
gboolean
wh_parameter_get_deprecated (WhParameter *self)
{
  g_return_val_if_fail (WH_IS_PARAMETER (self), FALSE);

  return self->deprecated;
}

/**
 * wh_parameter_set_deprecated:
 * @self: a #WhParameter
 * @deprecated: whether the parameter is deprecated
 *
 * Sets whether the parameter is deprecated.
 */
void
wh_parameter_set_deprecated (WhParameter *self,
                             gboolean     deprecated)
{
  g_return_if_fail (WH_IS_PARAMETER (self));

  deprecated = !!deprecated;
  if (self->deprecated == deprecated)
    return;

  self->deprecated = deprecated;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPRECATED]);
}
