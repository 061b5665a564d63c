/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-gateway
 * @Title: WhGateway
 * @Short_description: places a route handler or a view in the application
 *
 * A #WhGateway puts a route #WhHandler, or a #WhAPIView, into the application's
 * routes, as Esmerald's `Gateway` does. Its path is joined in front of the
 * handler's, and its tags, security, `deprecated` and `include-in-schema` apply
 * to what it holds.
 *
 * |[<!-- language="C" -->
 * g_autoptr(WhHandler) create = wh_post ("/create");
 * g_autoptr(WhGateway) gateway = wh_gateway_new (create);
 *
 * wh_gateway_set_path (gateway, "/payments");   // the operation is at /payments/create
 * wh_application_add_route (app, gateway, &error);
 * ]|
 *
 * A gateway holds a handler or a view, not both: setting one clears the other.
 * It emits #GObject::notify for #WhGateway:handler whenever its handler emits
 * #GObject::notify, and for #WhGateway:view whenever its view does, so that the
 * application only has to watch its gateways.
 */

#include "config.h"

#include "wh-util-private.h"
#include "wh-gateway.h"
#include "wh-watched-list-private.h"

typedef struct
{
  WhHandler *handler;
  gulong handler_notify_id;
  WhAPIView *view;
  gulong view_notify_id;
  char *path;
  char *name;
  gboolean include_in_schema;
  gboolean deprecated;
  GStrv tags;
  WhWatchedList *security;
} WhGatewayPrivate;

/**
 * WH_TYPE_GATEWAY:
 *
 * The #GType of #WhGateway.
 */

/**
 * WhGateway:
 *
 * Places a route handler or a view in the application's routes.
 */
G_DEFINE_TYPE_WITH_PRIVATE (WhGateway, wh_gateway, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HANDLER,
  PROP_VIEW,
  PROP_PATH,
  PROP_NAME,
  PROP_INCLUDE_IN_SCHEMA,
  PROP_DEPRECATED,
  PROP_TAGS,
  PROP_SECURITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_PATH "/"

static void
on_handler_notify (GObject    *handler,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  g_object_notify_by_pspec (G_OBJECT (user_data), properties[PROP_HANDLER]);
}

static void
on_view_notify (GObject    *view,
                GParamSpec *pspec,
                gpointer    user_data)
{
  g_object_notify_by_pspec (G_OBJECT (user_data), properties[PROP_VIEW]);
}

/* Both return whether the field changed; the callers notify. */
static gboolean
wh_gateway_replace_handler (WhGateway *self,
                            WhHandler *handler)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  if (priv->handler == handler)
    return FALSE;

  if (priv->handler != NULL)
    g_clear_signal_handler (&priv->handler_notify_id, priv->handler);
  g_set_object (&priv->handler, handler);
  if (priv->handler != NULL)
    priv->handler_notify_id = g_signal_connect (priv->handler, "notify",
                                                G_CALLBACK (on_handler_notify), self);
  return TRUE;
}

static gboolean
wh_gateway_replace_view (WhGateway *self,
                         WhAPIView *view)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  if (priv->view == view)
    return FALSE;

  if (priv->view != NULL)
    g_clear_signal_handler (&priv->view_notify_id, priv->view);
  g_set_object (&priv->view, view);
  if (priv->view != NULL)
    {
      priv->view_notify_id = g_signal_connect (priv->view, "notify",
                                               G_CALLBACK (on_view_notify), self);
      /* The view forwards its handlers' changes once it has gathered them. */
      wh_api_view_get_handlers (priv->view);
    }
  return TRUE;
}

static void
wh_gateway_dispose (GObject *object)
{
  WhGateway *self = WH_GATEWAY (object);

  wh_gateway_replace_handler (self, NULL);
  wh_gateway_replace_view (self, NULL);

  G_OBJECT_CLASS (wh_gateway_parent_class)->dispose (object);
}

static void
wh_gateway_finalize (GObject *object)
{
  WhGateway *self = WH_GATEWAY (object);
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_clear_pointer (&priv->path, g_free);
  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->tags, g_strfreev);
  g_clear_pointer (&priv->security, wh_watched_list_free);

  G_OBJECT_CLASS (wh_gateway_parent_class)->finalize (object);
}

static void
wh_gateway_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  WhGateway *self = WH_GATEWAY (object);
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_HANDLER:
      g_value_set_object (value, priv->handler);
      break;

    case PROP_VIEW:
      g_value_set_object (value, priv->view);
      break;

    case PROP_PATH:
      g_value_set_string (value, priv->path);
      break;

    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;

    case PROP_INCLUDE_IN_SCHEMA:
      g_value_set_boolean (value, priv->include_in_schema);
      break;

    case PROP_DEPRECATED:
      g_value_set_boolean (value, priv->deprecated);
      break;

    case PROP_TAGS:
      g_value_set_boxed (value, priv->tags);
      break;

    case PROP_SECURITY:
      g_value_set_object (value, wh_watched_list_get_model (priv->security));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_gateway_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  WhGateway *self = WH_GATEWAY (object);
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_HANDLER:
      wh_gateway_set_handler (self, g_value_get_object (value));
      break;

    case PROP_VIEW:
      wh_gateway_set_view (self, g_value_get_object (value));
      break;

    case PROP_PATH:
      wh_gateway_set_path (self, g_value_get_string (value));
      break;

    case PROP_NAME:
      wh_gateway_set_name (self, g_value_get_string (value));
      break;

    case PROP_INCLUDE_IN_SCHEMA:
      wh_gateway_set_include_in_schema (self, g_value_get_boolean (value));
      break;

    case PROP_DEPRECATED:
      wh_gateway_set_deprecated (self, g_value_get_boolean (value));
      break;

    case PROP_TAGS:
      wh_gateway_set_tags (self, g_value_get_boxed (value));
      break;

    case PROP_SECURITY:
      wh_watched_list_replace (priv->security, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_gateway_class_init (WhGatewayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wh_gateway_dispose;
  object_class->finalize = wh_gateway_finalize;
  object_class->get_property = wh_gateway_get_property;
  object_class->set_property = wh_gateway_set_property;

  /**
   * WhGateway:handler:
   *
   * The handler the gateway places, or %NULL when it places a view. Setting a
   * handler clears #WhGateway:view.
   */
  properties[PROP_HANDLER] =
    g_param_spec_object ("handler", "Handler", "The handler the gateway places",
                         WH_TYPE_HANDLER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhGateway:view:
   *
   * The view the gateway places, or %NULL when it places a handler. Setting a
   * view clears #WhGateway:handler.
   */
  properties[PROP_VIEW] =
    g_param_spec_object ("view", "View", "The view the gateway places",
                         WH_TYPE_API_VIEW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhGateway:path:
   *
   * The path joined in front of the handler's or the view's, with one `/`
   * between them. Setting %NULL sets `/`.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", "Path", "The path in front of the handler's",
                         DEFAULT_PATH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhGateway:name:
   *
   * The gateway's name, or %NULL.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", "Name", "The gateway's name",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhGateway:include-in-schema:
   *
   * Whether what the gateway places appears in the document. When %FALSE, it
   * wins over the handlers' own #WhHandler:include-in-schema.
   */
  properties[PROP_INCLUDE_IN_SCHEMA] =
    g_param_spec_boolean ("include-in-schema", "Include in schema",
                          "Whether what the gateway places appears in the document",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhGateway:deprecated:
   *
   * Whether what the gateway places is deprecated. When %TRUE, it wins over the
   * handlers' own #WhHandler:deprecated.
   */
  properties[PROP_DEPRECATED] =
    g_param_spec_boolean ("deprecated", "Deprecated",
                          "Whether what the gateway places is deprecated",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhGateway:tags:
   *
   * Tags for every operation the gateway places, before the handlers' own.
   */
  properties[PROP_TAGS] =
    g_param_spec_boxed ("tags", "Tags", "Tags for every operation the gateway places",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhGateway:security:
   *
   * Security schemes for every operation the gateway places, a #GListModel of
   * #WhSecurityScheme. Reading gives the gateway's own list; writing replaces
   * its items with those of the given model.
   */
  properties[PROP_SECURITY] =
    g_param_spec_object ("security", "Security",
                         "Security schemes for every operation the gateway places",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_gateway_init (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  priv->path = g_strdup (DEFAULT_PATH);
  priv->include_in_schema = TRUE;
  priv->tags = g_new0 (char *, 1);
  priv->security = wh_watched_list_new (G_OBJECT (self), properties[PROP_SECURITY],
                                        WH_TYPE_SECURITY_SCHEME);
}

/**
 * wh_gateway_new:
 * @handler: (transfer none): the route handler to place
 *
 * Creates a gateway for a route handler. The gateway takes a reference on
 * @handler.
 *
 * Returns: (transfer full): a new #WhGateway
 */
WhGateway *
wh_gateway_new (WhHandler *handler)
{
  g_return_val_if_fail (WH_IS_HANDLER (handler), NULL);

  return g_object_new (WH_TYPE_GATEWAY, "handler", handler, NULL);
}

/**
 * wh_gateway_new_for_view:
 * @view: (transfer none): the view to place
 *
 * Creates a gateway for a view. The gateway takes a reference on @view.
 *
 * Returns: (transfer full): a new #WhGateway
 */
WhGateway *
wh_gateway_new_for_view (WhAPIView *view)
{
  g_return_val_if_fail (WH_IS_API_VIEW (view), NULL);

  return g_object_new (WH_TYPE_GATEWAY, "view", view, NULL);
}

/**
 * wh_gateway_get_handler:
 * @self: a #WhGateway
 *
 * Gets the handler the gateway places.
 *
 * Returns: (transfer none) (nullable): the handler, or %NULL for a view
 */
WhHandler *
wh_gateway_get_handler (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_val_if_fail (WH_IS_GATEWAY (self), NULL);

  return priv->handler;
}

/**
 * wh_gateway_set_handler:
 * @self: a #WhGateway
 * @handler: (nullable): the handler to place
 *
 * Sets the handler the gateway places. A handler clears #WhGateway:view;
 * %NULL only removes the handler.
 */
void
wh_gateway_set_handler (WhGateway *self,
                        WhHandler *handler)
{
  g_return_if_fail (WH_IS_GATEWAY (self));
  g_return_if_fail (handler == NULL || WH_IS_HANDLER (handler));

  g_object_freeze_notify (G_OBJECT (self));
  if (wh_gateway_replace_handler (self, handler))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDLER]);
  if (handler != NULL && wh_gateway_replace_view (self, NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * wh_gateway_get_view:
 * @self: a #WhGateway
 *
 * Gets the view the gateway places.
 *
 * Returns: (transfer none) (nullable): the view, or %NULL for a handler
 */
WhAPIView *
wh_gateway_get_view (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_val_if_fail (WH_IS_GATEWAY (self), NULL);

  return priv->view;
}

/**
 * wh_gateway_set_view:
 * @self: a #WhGateway
 * @view: (nullable): the view to place
 *
 * Sets the view the gateway places. A view clears #WhGateway:handler; %NULL
 * only removes the view.
 */
void
wh_gateway_set_view (WhGateway *self,
                     WhAPIView *view)
{
  g_return_if_fail (WH_IS_GATEWAY (self));
  g_return_if_fail (view == NULL || WH_IS_API_VIEW (view));

  g_object_freeze_notify (G_OBJECT (self));
  if (wh_gateway_replace_view (self, view))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
  if (view != NULL && wh_gateway_replace_handler (self, NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDLER]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * wh_gateway_get_path:
 * @self: a #WhGateway
 *
 * Gets the path joined in front of the handler's.
 *
 * Returns: (transfer none): the path
 */
const char *
wh_gateway_get_path (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_val_if_fail (WH_IS_GATEWAY (self), NULL);

  return priv->path;
}

/**
 * wh_gateway_set_path:
 * @self: a #WhGateway
 * @path: (nullable): the path, or %NULL for `/`
 *
 * Sets the path joined in front of the handler's.
 */
void
wh_gateway_set_path (WhGateway  *self,
                     const char *path)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_if_fail (WH_IS_GATEWAY (self));

  if (wh_set_string (&priv->path, path != NULL ? path : DEFAULT_PATH))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}

/**
 * wh_gateway_get_name:
 * @self: a #WhGateway
 *
 * Gets the gateway's name.
 *
 * Returns: (transfer none) (nullable): the name
 */
const char *
wh_gateway_get_name (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_val_if_fail (WH_IS_GATEWAY (self), NULL);

  return priv->name;
}

/**
 * wh_gateway_set_name:
 * @self: a #WhGateway
 * @name: (nullable): the name
 *
 * Sets the gateway's name.
 */
void
wh_gateway_set_name (WhGateway  *self,
                     const char *name)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_if_fail (WH_IS_GATEWAY (self));

  if (wh_set_string (&priv->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * wh_gateway_get_include_in_schema:
 * @self: a #WhGateway
 *
 * Gets whether what the gateway places appears in the document.
 *
 * Returns: %TRUE if it appears
 */
gboolean
wh_gateway_get_include_in_schema (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_val_if_fail (WH_IS_GATEWAY (self), FALSE);

  return priv->include_in_schema;
}

/**
 * wh_gateway_set_include_in_schema:
 * @self: a #WhGateway
 * @include_in_schema: whether what the gateway places appears in the document
 *
 * Sets whether what the gateway places appears in the document.
 */
void
wh_gateway_set_include_in_schema (WhGateway *self,
                                  gboolean   include_in_schema)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_if_fail (WH_IS_GATEWAY (self));

  include_in_schema = !!include_in_schema;
  if (priv->include_in_schema == include_in_schema)
    return;

  priv->include_in_schema = include_in_schema;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCLUDE_IN_SCHEMA]);
}

/**
 * wh_gateway_get_deprecated:
 * @self: a #WhGateway
 *
 * Gets whether what the gateway places is deprecated.
 *
 * Returns: %TRUE if it is deprecated
 */
gboolean
wh_gateway_get_deprecated (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_val_if_fail (WH_IS_GATEWAY (self), FALSE);

  return priv->deprecated;
}

/**
 * wh_gateway_set_deprecated:
 * @self: a #WhGateway
 * @deprecated: whether what the gateway places is deprecated
 *
 * Sets whether what the gateway places is deprecated.
 */
void
wh_gateway_set_deprecated (WhGateway *self,
                           gboolean   deprecated)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_if_fail (WH_IS_GATEWAY (self));

  deprecated = !!deprecated;
  if (priv->deprecated == deprecated)
    return;

  priv->deprecated = deprecated;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPRECATED]);
}

/**
 * wh_gateway_get_tags:
 * @self: a #WhGateway
 *
 * Gets the tags of every operation the gateway places.
 *
 * Returns: (transfer none) (array zero-terminated=1): the tags, possibly empty
 */
const char * const *
wh_gateway_get_tags (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_val_if_fail (WH_IS_GATEWAY (self), NULL);

  return (const char * const *) priv->tags;
}

/**
 * wh_gateway_set_tags:
 * @self: a #WhGateway
 * @tags: (array zero-terminated=1) (nullable): the tags
 *
 * Sets the tags of every operation the gateway places.
 */
void
wh_gateway_set_tags (WhGateway          *self,
                     const char * const *tags)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_if_fail (WH_IS_GATEWAY (self));

  if (wh_set_strv (&priv->tags, tags))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
}

/**
 * wh_gateway_get_security:
 * @self: a #WhGateway
 *
 * Gets the security schemes of every operation the gateway places.
 *
 * Returns: (transfer none): a #GListModel of #WhSecurityScheme
 */
GListModel *
wh_gateway_get_security (WhGateway *self)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_val_if_fail (WH_IS_GATEWAY (self), NULL);

  return wh_watched_list_get_model (priv->security);
}

/**
 * wh_gateway_add_security:
 * @self: a #WhGateway
 * @scheme: the security scheme to add
 *
 * Appends a security scheme for every operation the gateway places. The
 * gateway takes a reference.
 */
void
wh_gateway_add_security (WhGateway        *self,
                         WhSecurityScheme *scheme)
{
  WhGatewayPrivate *priv = wh_gateway_get_instance_private (self);

  g_return_if_fail (WH_IS_GATEWAY (self));
  g_return_if_fail (WH_IS_SECURITY_SCHEME (scheme));

  wh_watched_list_append (priv->security, scheme);
}
