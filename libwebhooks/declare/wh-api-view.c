/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-api-view
 * @Title: WhAPIView
 * @Short_description: a class-based view
 *
 * A #WhAPIView groups handlers in a class, as Esmerald's `APIView` does. A
 * subclass registers its handlers in its `class_init` with
 * wh_api_view_class_add_handler(); every instance of the class, and of its
 * subclasses, has them. Each handler becomes its own operation, and inside a
 * view the view's name in lower case takes the place of the handler's name in
 * the operationId. A #WhGateway or #WhWebhookGateway places the view in the
 * application.
 *
 * |[<!-- language="C" -->
 * struct _MyPaymentView { WhAPIView parent_instance; };
 *
 * G_DEFINE_FINAL_TYPE (MyPaymentView, my_payment_view, WH_TYPE_API_VIEW)
 *
 * static void
 * my_payment_view_class_init (MyPaymentViewClass *klass)
 * {
 *   g_autoptr(WhWebhookHandler) created = wh_whpost ("payment-created");
 *   g_autoptr(WhWebhookHandler) refunded = wh_whpost ("payment-refunded");
 *
 *   g_object_set (created, "body-type", MY_TYPE_PAYMENT, NULL);
 *   g_object_set (refunded, "body-type", MY_TYPE_REFUND, NULL);
 *   wh_api_view_class_add_handler (WH_API_VIEW_CLASS (klass), WH_HANDLER (created));
 *   wh_api_view_class_add_handler (WH_API_VIEW_CLASS (klass), WH_HANDLER (refunded));
 * }
 *
 * static void
 * my_payment_view_init (MyPaymentView *self)
 * {
 * }
 *
 * g_autoptr(WhAPIView) view = g_object_new (MY_TYPE_PAYMENT_VIEW, NULL);
 * g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new_for_view (view);
 * ]|
 *
 * Bindings that cannot reach the class structure add handlers to an instance
 * with wh_api_view_add_handler().
 *
 * The view emits #GObject::notify for #WhAPIView:handlers when a handler is
 * added and whenever one of its handlers emits #GObject::notify.
 */

#include "config.h"

#include <string.h>

#include "wh-api-view.h"
#include "wh-watched-list-private.h"
#include "wh-util-private.h"

typedef struct
{
  char *name;
  char *derived_name;
  char *path;
  GStrv tags;
  GPtrArray *own_handlers;
  WhWatchedList *handlers;
} WhAPIViewPrivate;

/**
 * WH_TYPE_API_VIEW:
 *
 * The #GType of #WhAPIView.
 */

/**
 * WhAPIView:
 *
 * A class-based view: handlers registered on its class, and on the instance.
 */
G_DEFINE_TYPE_WITH_PRIVATE (WhAPIView, wh_api_view, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PATH,
  PROP_TAGS,
  PROP_HANDLERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_PATH "/"

/* GType -> GPtrArray of the handlers registered by that very class (not its
 * ancestors). Classes can be initialised from any thread, hence the lock. */
static GMutex class_handlers_lock;
static GHashTable *class_handlers;

static void
wh_api_view_constructed (GObject *object)
{
  WhAPIView *self = WH_API_VIEW (object);
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);
  const char *type_name = G_OBJECT_TYPE_NAME (self);
  const char *plus = strrchr (type_name, '+');

  G_OBJECT_CLASS (wh_api_view_parent_class)->constructed (object);

  /* PyGObject registers Python classes as "module+Class"; the view is "Class". */
  priv->derived_name = g_strdup (plus != NULL ? plus + 1 : type_name);
}

static void
wh_api_view_finalize (GObject *object)
{
  WhAPIView *self = WH_API_VIEW (object);
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->derived_name, g_free);
  g_clear_pointer (&priv->path, g_free);
  g_clear_pointer (&priv->tags, g_strfreev);
  g_clear_pointer (&priv->handlers, wh_watched_list_free);
  g_clear_pointer (&priv->own_handlers, g_ptr_array_unref);

  G_OBJECT_CLASS (wh_api_view_parent_class)->finalize (object);
}

static void
wh_api_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  WhAPIView *self = WH_API_VIEW (object);
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, wh_api_view_get_name (self));
      break;

    case PROP_PATH:
      g_value_set_string (value, priv->path);
      break;

    case PROP_TAGS:
      g_value_set_boxed (value, priv->tags);
      break;

    case PROP_HANDLERS:
      g_value_set_object (value, wh_api_view_get_handlers (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_api_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  WhAPIView *self = WH_API_VIEW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      wh_api_view_set_name (self, g_value_get_string (value));
      break;

    case PROP_PATH:
      wh_api_view_set_path (self, g_value_get_string (value));
      break;

    case PROP_TAGS:
      wh_api_view_set_tags (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_api_view_real_customize_operation (WhAPIView  *self,
                                      WhHandler  *handler,
                                      const char *method,
                                      JsonObject *operation)
{
}

static void
wh_api_view_class_init (WhAPIViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wh_api_view_constructed;
  object_class->finalize = wh_api_view_finalize;
  object_class->get_property = wh_api_view_get_property;
  object_class->set_property = wh_api_view_set_property;

  klass->customize_operation = wh_api_view_real_customize_operation;

  /**
   * WhAPIView:name:
   *
   * The view's name, which the document uses in lower case in the operationIds
   * of its handlers. Unless it is set, it is the view's type name after its last
   * `+` (PyGObject names a Python class `module+Class`; the name is `Class`).
   * Setting %NULL goes back to the type name.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", "Name", "The view's name",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhAPIView:path:
   *
   * The view's path, between its gateway's path and each handler's. Setting
   * %NULL sets `/`.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", "Path", "The view's path",
                         DEFAULT_PATH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhAPIView:tags:
   *
   * Tags for every operation of the view.
   */
  properties[PROP_TAGS] =
    g_param_spec_boxed ("tags", "Tags", "Tags for every operation of the view",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhAPIView:handlers:
   *
   * The view's handlers, a #GListModel of #WhHandler: those of its class and its
   * ancestor classes (ancestors first), then its own. See
   * wh_api_view_get_handlers().
   */
  properties[PROP_HANDLERS] =
    g_param_spec_object ("handlers", "Handlers", "The view's handlers",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_api_view_init (WhAPIView *self)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  priv->path = g_strdup (DEFAULT_PATH);
  priv->tags = g_new0 (char *, 1);
  priv->own_handlers = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * wh_api_view_class_add_handler:
 * @klass: the class of a #WhAPIView subclass
 * @handler: (transfer none): the handler to add
 *
 * Adds a handler to every view of the class @klass and of its subclasses. Call
 * it from the class's `class_init`; views built before it was called do not see
 * it. The class takes a reference on @handler.
 */
void
wh_api_view_class_add_handler (WhAPIViewClass *klass,
                               WhHandler      *handler)
{
  GType type;
  GPtrArray *handlers;

  g_return_if_fail (WH_IS_API_VIEW_CLASS (klass));
  g_return_if_fail (WH_IS_HANDLER (handler));

  type = G_TYPE_FROM_CLASS (klass);

  g_mutex_lock (&class_handlers_lock);

  if (class_handlers == NULL)
    class_handlers = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify) g_ptr_array_unref);

  handlers = g_hash_table_lookup (class_handlers, GSIZE_TO_POINTER (type));
  if (handlers == NULL)
    {
      handlers = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (class_handlers, GSIZE_TO_POINTER (type), handlers);
    }
  g_ptr_array_add (handlers, g_object_ref (handler));

  g_mutex_unlock (&class_handlers_lock);
}

/**
 * wh_api_view_add_handler:
 * @self: a #WhAPIView
 * @handler: (transfer none): the handler to add
 *
 * Adds a handler to this view only, after those of its class. It is the way
 * for bindings that cannot reach the class structure. The view takes a
 * reference on @handler.
 */
void
wh_api_view_add_handler (WhAPIView *self,
                         WhHandler *handler)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  g_return_if_fail (WH_IS_API_VIEW (self));
  g_return_if_fail (WH_IS_HANDLER (handler));

  g_ptr_array_add (priv->own_handlers, g_object_ref (handler));

  if (priv->handlers != NULL)
    wh_watched_list_append (priv->handlers, handler);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDLERS]);
}

/**
 * wh_api_view_get_handlers:
 * @self: a #WhAPIView
 *
 * Gets the view's handlers: those its class and its ancestor classes added
 * with wh_api_view_class_add_handler() (ancestors first, each class's in the
 * order they were added), then those added with wh_api_view_add_handler(). The
 * list stays up to date with later calls of wh_api_view_add_handler().
 *
 * Returns: (transfer none): a #GListModel of #WhHandler
 */
GListModel *
wh_api_view_get_handlers (WhAPIView *self)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);
  g_autoptr(GArray) chain = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_return_val_if_fail (WH_IS_API_VIEW (self), NULL);

  if (priv->handlers != NULL)
    return wh_watched_list_get_model (priv->handlers);

  chain = g_array_new (FALSE, FALSE, sizeof (GType));
  for (GType type = G_OBJECT_TYPE (self); type != 0; type = g_type_parent (type))
    {
      g_array_prepend_val (chain, type);
      if (type == WH_TYPE_API_VIEW)
        break;
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&class_handlers_lock);
  for (guint i = 0; class_handlers != NULL && i < chain->len; i++)
    {
      GPtrArray *handlers = g_hash_table_lookup (class_handlers,
                                                 GSIZE_TO_POINTER (g_array_index (chain, GType, i)));

      for (guint j = 0; handlers != NULL && j < handlers->len; j++)
        g_ptr_array_add (items, g_object_ref (g_ptr_array_index (handlers, j)));
    }
  g_mutex_unlock (&class_handlers_lock);

  for (guint i = 0; i < priv->own_handlers->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (priv->own_handlers, i)));

  priv->handlers = wh_watched_list_new (G_OBJECT (self), properties[PROP_HANDLERS],
                                        WH_TYPE_HANDLER);
  wh_watched_list_populate (priv->handlers, items);

  return wh_watched_list_get_model (priv->handlers);
}

/**
 * wh_api_view_get_name:
 * @self: a #WhAPIView
 *
 * Gets the view's name: the one that was set, or its type name after the last
 * `+`.
 *
 * Returns: (transfer none): the name
 */
const char *
wh_api_view_get_name (WhAPIView *self)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  g_return_val_if_fail (WH_IS_API_VIEW (self), NULL);

  return priv->name != NULL ? priv->name : priv->derived_name;
}

/**
 * wh_api_view_set_name:
 * @self: a #WhAPIView
 * @name: (nullable): the name, or %NULL for the type's name
 *
 * Sets the view's name.
 */
void
wh_api_view_set_name (WhAPIView  *self,
                      const char *name)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  g_return_if_fail (WH_IS_API_VIEW (self));

  if (g_strcmp0 (priv->name, name) == 0)
    return;

  g_free (priv->name);
  priv->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * wh_api_view_get_path:
 * @self: a #WhAPIView
 *
 * Gets the view's path.
 *
 * Returns: (transfer none): the path
 */
const char *
wh_api_view_get_path (WhAPIView *self)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  g_return_val_if_fail (WH_IS_API_VIEW (self), NULL);

  return priv->path;
}

/**
 * wh_api_view_set_path:
 * @self: a #WhAPIView
 * @path: (nullable): the path, or %NULL for `/`
 *
 * Sets the view's path.
 */
void
wh_api_view_set_path (WhAPIView  *self,
                      const char *path)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  g_return_if_fail (WH_IS_API_VIEW (self));

  if (path == NULL)
    path = DEFAULT_PATH;

  if (g_strcmp0 (priv->path, path) == 0)
    return;

  g_free (priv->path);
  priv->path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}

/**
 * wh_api_view_get_tags:
 * @self: a #WhAPIView
 *
 * Gets the tags of every operation of the view.
 *
 * Returns: (transfer none) (array zero-terminated=1): the tags, possibly empty
 */
const char * const *
wh_api_view_get_tags (WhAPIView *self)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  g_return_val_if_fail (WH_IS_API_VIEW (self), NULL);

  return (const char * const *) priv->tags;
}

/**
 * wh_api_view_set_tags:
 * @self: a #WhAPIView
 * @tags: (array zero-terminated=1) (nullable): the tags
 *
 * Sets the tags of every operation of the view.
 */
void
wh_api_view_set_tags (WhAPIView          *self,
                      const char * const *tags)
{
  WhAPIViewPrivate *priv = wh_api_view_get_instance_private (self);

  g_return_if_fail (WH_IS_API_VIEW (self));

  if (wh_set_strv (&priv->tags, tags))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
}
