/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-response
 * @Title: WhResponse
 * @Short_description: an extra response of a handler
 *
 * A #WhResponse documents a response of an operation besides its success
 * response: an error status, a status range such as `4XX`, or `default`.
 * Esmerald calls these a handler's `responses`.
 *
 * |[<!-- language="C" -->
 * g_autoptr(WhHandler) handler = wh_post ("/create");
 * g_autoptr(WhResponse) not_found = wh_response_new ("404", "The payment does not exist.");
 *
 * wh_response_set_body_type (not_found, MY_TYPE_ERROR);
 * wh_handler_add_response (handler, not_found);
 * ]|
 *
 * An explicit `422`, `4XX` or `default` response replaces the validation
 * error that the document adds to operations with a body or parameters.
 */

#include "config.h"

#include "wh-response.h"

struct _WhResponse
{
  GObject parent_instance;

  char *status;
  char *description;
  GType body_type;
  char *media_type;
};

/**
 * WH_TYPE_RESPONSE:
 *
 * The #GType of #WhResponse.
 */

/**
 * WhResponse:
 *
 * An extra response of a handler: a status, a range or `default`.
 */
G_DEFINE_FINAL_TYPE (WhResponse, wh_response, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_DESCRIPTION,
  PROP_BODY_TYPE,
  PROP_MEDIA_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wh_response_finalize (GObject *object)
{
  WhResponse *self = WH_RESPONSE (object);

  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->media_type, g_free);

  G_OBJECT_CLASS (wh_response_parent_class)->finalize (object);
}

static void
wh_response_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  WhResponse *self = WH_RESPONSE (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_BODY_TYPE:
      g_value_set_gtype (value, self->body_type);
      break;

    case PROP_MEDIA_TYPE:
      g_value_set_string (value, self->media_type);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_response_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  WhResponse *self = WH_RESPONSE (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      self->status = g_value_dup_string (value);
      break;

    case PROP_DESCRIPTION:
      wh_response_set_description (self, g_value_get_string (value));
      break;

    case PROP_BODY_TYPE:
      wh_response_set_body_type (self, g_value_get_gtype (value));
      break;

    case PROP_MEDIA_TYPE:
      wh_response_set_media_type (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_response_class_init (WhResponseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wh_response_finalize;
  object_class->get_property = wh_response_get_property;
  object_class->set_property = wh_response_set_property;

  /**
   * WhResponse:status:
   *
   * The response's key in the operation's `responses`: a status code such as
   * `"404"`, a range such as `"4XX"`, or `"default"`. The document checks it.
   */
  properties[PROP_STATUS] =
    g_param_spec_string ("status", "Status", "The status code, range or \"default\"",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * WhResponse:description:
   *
   * What the response means, in CommonMark, or %NULL.
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", "Description", "What the response means",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhResponse:body-type:
   *
   * The #GType of the model the response body carries, or %G_TYPE_NONE for a
   * response without a body.
   */
  properties[PROP_BODY_TYPE] =
    g_param_spec_gtype ("body-type", "Body type", "The GType of the response body's model",
                        G_TYPE_NONE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhResponse:media-type:
   *
   * The media type of the response body.
   */
  properties[PROP_MEDIA_TYPE] =
    g_param_spec_string ("media-type", "Media type", "The media type of the response body",
                         "application/json",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_response_init (WhResponse *self)
{
  self->body_type = G_TYPE_NONE;
  self->media_type = g_strdup ("application/json");
}

/**
 * wh_response_new:
 * @status: the status code, range (`4XX`) or `default`
 * @description: (nullable): what the response means
 *
 * Creates a response for wh_handler_add_response().
 *
 * Returns: (transfer full): a new #WhResponse
 */
WhResponse *
wh_response_new (const char *status,
                 const char *description)
{
  g_return_val_if_fail (status != NULL, NULL);

  return g_object_new (WH_TYPE_RESPONSE,
                       "status", status,
                       "description", description,
                       NULL);
}

/**
 * wh_response_get_status:
 * @self: a #WhResponse
 *
 * Gets the response's status code, range or `default`.
 *
 * Returns: (transfer none) (nullable): the status
 */
const char *
wh_response_get_status (WhResponse *self)
{
  g_return_val_if_fail (WH_IS_RESPONSE (self), NULL);

  return self->status;
}

/**
 * wh_response_get_description:
 * @self: a #WhResponse
 *
 * Gets what the response means.
 *
 * Returns: (transfer none) (nullable): the description
 */
const char *
wh_response_get_description (WhResponse *self)
{
  g_return_val_if_fail (WH_IS_RESPONSE (self), NULL);

  return self->description;
}

/**
 * wh_response_set_description:
 * @self: a #WhResponse
 * @description: (nullable): what the response means
 *
 * Sets what the response means.
 */
void
wh_response_set_description (WhResponse *self,
                             const char *description)
{
  g_return_if_fail (WH_IS_RESPONSE (self));

  if (g_strcmp0 (self->description, description) == 0)
    return;

  g_free (self->description);
  self->description = g_strdup (description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

/**
 * wh_response_get_body_type:
 * @self: a #WhResponse
 *
 * Gets the #GType of the response body's model.
 *
 * Returns: the body type, or %G_TYPE_NONE
 */
GType
wh_response_get_body_type (WhResponse *self)
{
  g_return_val_if_fail (WH_IS_RESPONSE (self), G_TYPE_NONE);

  return self->body_type;
}

/**
 * wh_response_set_body_type:
 * @self: a #WhResponse
 * @body_type: the #GType of the body's model, or %G_TYPE_NONE
 *
 * Sets the #GType of the response body's model.
 */
void
wh_response_set_body_type (WhResponse *self,
                           GType       body_type)
{
  g_return_if_fail (WH_IS_RESPONSE (self));

  if (body_type == G_TYPE_INVALID)
    body_type = G_TYPE_NONE;

  if (self->body_type == body_type)
    return;

  self->body_type = body_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BODY_TYPE]);
}

/**
 * wh_response_get_media_type:
 * @self: a #WhResponse
 *
 * Gets the media type of the response body.
 *
 * Returns: (transfer none): the media type
 */
const char *
wh_response_get_media_type (WhResponse *self)
{
  g_return_val_if_fail (WH_IS_RESPONSE (self), NULL);

  return self->media_type;
}

/**
 * wh_response_set_media_type:
 * @self: a #WhResponse
 * @media_type: (nullable): the media type, or %NULL for `application/json`
 *
 * Sets the media type of the response body.
 */
void
wh_response_set_media_type (WhResponse *self,
                            const char *media_type)
{
  g_return_if_fail (WH_IS_RESPONSE (self));

  if (media_type == NULL)
    media_type = "application/json";

  if (g_strcmp0 (self->media_type, media_type) == 0)
    return;

  g_free (self->media_type);
  self->media_type = g_strdup (media_type);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEDIA_TYPE]);
}
