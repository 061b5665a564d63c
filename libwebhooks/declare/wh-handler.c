/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-handler
 * @Title: WhHandler
 * @Short_description: one documented operation
 *
 * A #WhHandler declares one operation of the application: where it is
 * (#WhHandler:path), for which HTTP methods, and what the document says about it
 * (name, summary, description, status code, operationId, tags, request body,
 * response, extra responses, parameters, security). Its properties are Esmerald's
 * handler keywords, so `g_object_new()`, Python keywords and GJS object literals
 * all take them.
 *
 * A route handler is placed in the application with a #WhGateway; a webhook is a
 * #WhWebhookHandler placed with a #WhWebhookGateway. The shortcuts wh_post(),
 * wh_get()… and wh_whpost(), wh_whget()… create them.
 *
 * |[<!-- language="C" -->
 * g_autoptr(WhHandler) create = wh_post ("/create");
 *
 * g_object_set (create,
 *               "name", "create_payment",
 *               "body-type", MY_TYPE_PAYMENT,
 *               "tags", (const char * const[]) { "payments", NULL },
 *               NULL);
 * ]|
 *
 * The handler emits #GObject::notify for #WhHandler:responses, #WhHandler:security
 * or #WhHandler:parameters when an item is added or removed, or when one of the
 * items changes, so watching the handler's notify signal is enough to know that
 * what it documents has changed.
 */

#include "config.h"

#include "wh-util-private.h"
#include "wh-handler.h"
#include "wh-naming-private.h"
#include "wh-request.h"
#include "wh-watched-list-private.h"

/* WhWatchedList: see wh-watched-list-private.h. */

typedef struct
{
  GObject *item;
  gulong notify_id;
} Watch;

struct _WhWatchedList
{
  GObject *owner;
  GParamSpec *pspec;
  GType item_type;
  GListStore *store;
  GArray *watches;
  gulong items_changed_id;
  gboolean quiet;
};

static void
watched_list_on_item_notify (GObject    *item,
                             GParamSpec *pspec,
                             gpointer    user_data)
{
  WhWatchedList *list = user_data;

  g_object_notify_by_pspec (list->owner, list->pspec);
}

static void
watch_clear (gpointer data)
{
  Watch *watch = data;

  g_clear_signal_handler (&watch->notify_id, watch->item);
  g_clear_object (&watch->item);
}

static void
watched_list_on_items_changed (GListModel *model,
                               guint       position,
                               guint       removed,
                               guint       added,
                               gpointer    user_data)
{
  WhWatchedList *list = user_data;

  if (removed > 0)
    g_array_remove_range (list->watches, position, removed);

  for (guint i = 0; i < added; i++)
    {
      Watch watch;

      watch.item = g_list_model_get_item (model, position + i);
      watch.notify_id = g_signal_connect (watch.item, "notify",
                                          G_CALLBACK (watched_list_on_item_notify), list);
      g_array_insert_val (list->watches, position + i, watch);
    }

  if (!list->quiet)
    g_object_notify_by_pspec (list->owner, list->pspec);
}

WhWatchedList *
wh_watched_list_new (GObject    *owner,
                     GParamSpec *pspec,
                     GType       item_type)
{
  WhWatchedList *list = g_new0 (WhWatchedList, 1);

  list->owner = owner;
  list->pspec = pspec;
  list->item_type = item_type;
  list->store = g_list_store_new (item_type);
  list->watches = g_array_new (FALSE, FALSE, sizeof (Watch));
  g_array_set_clear_func (list->watches, watch_clear);
  list->items_changed_id = g_signal_connect (list->store, "items-changed",
                                             G_CALLBACK (watched_list_on_items_changed), list);

  return list;
}

void
wh_watched_list_free (WhWatchedList *list)
{
  if (list == NULL)
    return;

  g_clear_signal_handler (&list->items_changed_id, list->store);
  g_clear_pointer (&list->watches, g_array_unref);
  g_clear_object (&list->store);
  g_free (list);
}

GListModel *
wh_watched_list_get_model (WhWatchedList *list)
{
  return G_LIST_MODEL (list->store);
}

void
wh_watched_list_append (WhWatchedList *list,
                        gpointer       item)
{
  g_list_store_append (list->store, item);
}

void
wh_watched_list_replace (WhWatchedList *list,
                         GListModel    *model)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_items = 0;

  if (model == G_LIST_MODEL (list->store))
    return;

  if (model != NULL)
    n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (item == NULL || !g_type_is_a (G_OBJECT_TYPE (item), list->item_type))
        {
          g_warning ("Item %u of the list given to %s:%s is a %s, not a %s; it is left out",
                     i, G_OBJECT_TYPE_NAME (list->owner), list->pspec->name,
                     item != NULL ? G_OBJECT_TYPE_NAME (item) : "NULL",
                     g_type_name (list->item_type));
          continue;
        }

      g_ptr_array_add (items, g_steal_pointer (&item));
    }

  if (items->len == 0 && g_list_model_get_n_items (G_LIST_MODEL (list->store)) == 0)
    return;

  g_list_store_splice (list->store, 0, g_list_model_get_n_items (G_LIST_MODEL (list->store)),
                       items->pdata, items->len);
}

void
wh_watched_list_populate (WhWatchedList *list,
                          GPtrArray     *items)
{
  list->quiet = TRUE;
  g_list_store_splice (list->store, 0, g_list_model_get_n_items (G_LIST_MODEL (list->store)),
                       items->pdata, items->len);
  list->quiet = FALSE;
}

/* WhHandler */

typedef struct
{
  char *path;
  GStrv methods;
  char *name;
  char *derived_name;
  char *summary;
  char *derived_summary;
  char *description;
  guint status_code;
  char *operation_id;
  GStrv tags;
  gboolean deprecated;
  gboolean include_in_schema;
  char *media_type;
  GType body_type;
  GType response_type;
  char *response_description;
  WhWatchedList *responses;
  WhWatchedList *security;
  WhWatchedList *parameters;
} WhHandlerPrivate;

/**
 * WH_TYPE_HANDLER:
 *
 * The #GType of #WhHandler.
 */

/**
 * WhHandler:
 *
 * One documented operation: a route, or the base of a webhook.
 */
G_DEFINE_TYPE_WITH_PRIVATE (WhHandler, wh_handler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_METHODS,
  PROP_NAME,
  PROP_SUMMARY,
  PROP_DESCRIPTION,
  PROP_STATUS_CODE,
  PROP_OPERATION_ID,
  PROP_TAGS,
  PROP_DEPRECATED,
  PROP_INCLUDE_IN_SCHEMA,
  PROP_MEDIA_TYPE,
  PROP_BODY_TYPE,
  PROP_RESPONSE_TYPE,
  PROP_RESPONSE_DESCRIPTION,
  PROP_RESPONSES,
  PROP_SECURITY,
  PROP_PARAMETERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_PATH "/"
#define DEFAULT_MEDIA_TYPE "application/json"
#define DEFAULT_RESPONSE_DESCRIPTION "Successful response"

/* Stores a copy of @value (NULL counts as empty), upper-cased when asked. */
static gboolean
set_strv (GStrv              *field,
          const char * const *value,
          gboolean            upper)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) copy = NULL;

  for (guint i = 0; value != NULL && value[i] != NULL; i++)
    {
      g_autofree char *upper_cased = upper ? g_ascii_strup (value[i], -1) : NULL;

      g_strv_builder_add (builder, upper ? upper_cased : value[i]);
    }
  copy = g_strv_builder_end (builder);

  if (*field != NULL && g_strv_equal ((const char * const *) *field,
                                      (const char * const *) copy))
    return FALSE;

  g_strfreev (*field);
  *field = g_steal_pointer (&copy);
  return TRUE;
}

/* Recomputes the derived name and summary after a change of path, name or summary,
 * and notifies name and summary when what they read as changed. */
static void
wh_handler_refresh_derived (WhHandler  *self,
                            const char *old_name,
                            const char *old_summary)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_free (priv->derived_name);
  priv->derived_name = wh_name_from_path (priv->path);

  g_free (priv->derived_summary);
  priv->derived_summary = wh_summary_from_name (wh_handler_get_name (self));

  if (g_strcmp0 (old_name, wh_handler_get_name (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  if (g_strcmp0 (old_summary, wh_handler_get_summary (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

static void
wh_handler_real_customize_operation (WhHandler  *self,
                                     const char *method,
                                     JsonObject *operation)
{
}

/* A route declared for the document only: the server still answers it, honestly. */
static void
wh_handler_real_handle (WhHandler *self,
                        WhRequest *request)
{
  wh_request_respond_error (request, 501, "Not Implemented");
}

static void
wh_handler_finalize (GObject *object)
{
  WhHandler *self = WH_HANDLER (object);
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_clear_pointer (&priv->path, g_free);
  g_clear_pointer (&priv->methods, g_strfreev);
  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->derived_name, g_free);
  g_clear_pointer (&priv->summary, g_free);
  g_clear_pointer (&priv->derived_summary, g_free);
  g_clear_pointer (&priv->description, g_free);
  g_clear_pointer (&priv->operation_id, g_free);
  g_clear_pointer (&priv->tags, g_strfreev);
  g_clear_pointer (&priv->media_type, g_free);
  g_clear_pointer (&priv->response_description, g_free);
  g_clear_pointer (&priv->responses, wh_watched_list_free);
  g_clear_pointer (&priv->security, wh_watched_list_free);
  g_clear_pointer (&priv->parameters, wh_watched_list_free);

  G_OBJECT_CLASS (wh_handler_parent_class)->finalize (object);
}

static void
wh_handler_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  WhHandler *self = WH_HANDLER (object);
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, priv->path);
      break;

    case PROP_METHODS:
      g_value_set_boxed (value, priv->methods);
      break;

    case PROP_NAME:
      g_value_set_string (value, wh_handler_get_name (self));
      break;

    case PROP_SUMMARY:
      g_value_set_string (value, wh_handler_get_summary (self));
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, priv->description);
      break;

    case PROP_STATUS_CODE:
      g_value_set_uint (value, priv->status_code);
      break;

    case PROP_OPERATION_ID:
      g_value_set_string (value, priv->operation_id);
      break;

    case PROP_TAGS:
      g_value_set_boxed (value, priv->tags);
      break;

    case PROP_DEPRECATED:
      g_value_set_boolean (value, priv->deprecated);
      break;

    case PROP_INCLUDE_IN_SCHEMA:
      g_value_set_boolean (value, priv->include_in_schema);
      break;

    case PROP_MEDIA_TYPE:
      g_value_set_string (value, priv->media_type);
      break;

    case PROP_BODY_TYPE:
      g_value_set_gtype (value, priv->body_type);
      break;

    case PROP_RESPONSE_TYPE:
      g_value_set_gtype (value, priv->response_type);
      break;

    case PROP_RESPONSE_DESCRIPTION:
      g_value_set_string (value, priv->response_description);
      break;

    case PROP_RESPONSES:
      g_value_set_object (value, wh_watched_list_get_model (priv->responses));
      break;

    case PROP_SECURITY:
      g_value_set_object (value, wh_watched_list_get_model (priv->security));
      break;

    case PROP_PARAMETERS:
      g_value_set_object (value, wh_watched_list_get_model (priv->parameters));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_handler_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  WhHandler *self = WH_HANDLER (object);
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PATH:
      wh_handler_set_path (self, g_value_get_string (value));
      break;

    case PROP_METHODS:
      wh_handler_set_methods (self, g_value_get_boxed (value));
      break;

    case PROP_NAME:
      wh_handler_set_name (self, g_value_get_string (value));
      break;

    case PROP_SUMMARY:
      wh_handler_set_summary (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      wh_handler_set_description (self, g_value_get_string (value));
      break;

    case PROP_STATUS_CODE:
      wh_handler_set_status_code (self, g_value_get_uint (value));
      break;

    case PROP_OPERATION_ID:
      wh_handler_set_operation_id (self, g_value_get_string (value));
      break;

    case PROP_TAGS:
      wh_handler_set_tags (self, g_value_get_boxed (value));
      break;

    case PROP_DEPRECATED:
      wh_handler_set_deprecated (self, g_value_get_boolean (value));
      break;

    case PROP_INCLUDE_IN_SCHEMA:
      wh_handler_set_include_in_schema (self, g_value_get_boolean (value));
      break;

    case PROP_MEDIA_TYPE:
      wh_handler_set_media_type (self, g_value_get_string (value));
      break;

    case PROP_BODY_TYPE:
      wh_handler_set_body_type (self, g_value_get_gtype (value));
      break;

    case PROP_RESPONSE_TYPE:
      wh_handler_set_response_type (self, g_value_get_gtype (value));
      break;

    case PROP_RESPONSE_DESCRIPTION:
      wh_handler_set_response_description (self, g_value_get_string (value));
      break;

    case PROP_RESPONSES:
      wh_watched_list_replace (priv->responses, g_value_get_object (value));
      break;

    case PROP_SECURITY:
      wh_watched_list_replace (priv->security, g_value_get_object (value));
      break;

    case PROP_PARAMETERS:
      wh_watched_list_replace (priv->parameters, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_handler_class_init (WhHandlerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wh_handler_finalize;
  object_class->get_property = wh_handler_get_property;
  object_class->set_property = wh_handler_set_property;

  klass->customize_operation = wh_handler_real_customize_operation;
  klass->handle = wh_handler_real_handle;

  /**
   * WhHandler:path:
   *
   * Where the operation is: a route's path, which may hold `{parameters}` and is
   * joined to its gateway's path, or a webhook's name (see #WhWebhookHandler).
   * Setting %NULL sets `/`.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", "Path", "The route's path or the webhook's name",
                         DEFAULT_PATH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:methods:
   *
   * The HTTP methods of the operation. They are stored upper-cased; the
   * application reports an unknown method, or none at all, when the handler is
   * added.
   */
  properties[PROP_METHODS] =
    g_param_spec_boxed ("methods", "Methods", "The HTTP methods of the operation",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:name:
   *
   * The handler's name, from which the summary and the operationId are made.
   * Unless it is set, it is derived from #WhHandler:path: every character other
   * than a letter, a digit or `_` becomes `_` and leading and trailing `_` are
   * removed (`new-payment` gives `new_payment`, `/users/{id}` gives `users__id`);
   * a path that leaves nothing, such as `/`, gives `index`. Setting %NULL goes
   * back to the derived name. Bindings set it from the function's name.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", "Name", "The handler's name",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:summary:
   *
   * The operation's summary. Unless it is set, it is made from #WhHandler:name:
   * `_` and `-` become spaces and each word is capitalised (`new_payment` gives
   * `New Payment`). Setting %NULL goes back to the derived summary.
   */
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", "Summary", "The operation's summary",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:description:
   *
   * What the operation does, in CommonMark, or %NULL (the document then has an
   * empty description).
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", "Description", "What the operation does",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:status-code:
   *
   * The status code of the success response, or 0 for the method's default: 201
   * for `POST`, 204 for `DELETE`, 200 otherwise.
   */
  properties[PROP_STATUS_CODE] =
    g_param_spec_uint ("status-code", "Status code", "The status code of the success response",
                       0, 599, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:operation-id:
   *
   * The operation's `operationId`, or %NULL to have one made from the name, the
   * path and the method (`create_payment_create_post`).
   */
  properties[PROP_OPERATION_ID] =
    g_param_spec_string ("operation-id", "Operation ID", "The operation's operationId",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:tags:
   *
   * The operation's tags, after those of its gateway.
   */
  properties[PROP_TAGS] =
    g_param_spec_boxed ("tags", "Tags", "The operation's tags",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:deprecated:
   *
   * Whether the operation is deprecated.
   */
  properties[PROP_DEPRECATED] =
    g_param_spec_boolean ("deprecated", "Deprecated", "Whether the operation is deprecated",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:include-in-schema:
   *
   * Whether the operation appears in the OpenAPI document.
   */
  properties[PROP_INCLUDE_IN_SCHEMA] =
    g_param_spec_boolean ("include-in-schema", "Include in schema",
                          "Whether the operation appears in the document",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:media-type:
   *
   * The media type of the request body and of the success response. Setting
   * %NULL sets `application/json`.
   */
  properties[PROP_MEDIA_TYPE] =
    g_param_spec_string ("media-type", "Media type", "The media type of the bodies",
                         DEFAULT_MEDIA_TYPE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:body-type:
   *
   * The #GType of the request body's model (any #GObject class is a model), or
   * %G_TYPE_NONE for an operation without a body. For a webhook, it is the
   * payload that is sent.
   */
  properties[PROP_BODY_TYPE] =
    g_param_spec_gtype ("body-type", "Body type", "The GType of the request body's model",
                        G_TYPE_NONE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:response-type:
   *
   * The #GType of the success response body's model, or %G_TYPE_NONE for a
   * success response without a body.
   */
  properties[PROP_RESPONSE_TYPE] =
    g_param_spec_gtype ("response-type", "Response type",
                        "The GType of the success response body's model",
                        G_TYPE_NONE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:response-description:
   *
   * The description of the success response. Setting %NULL sets
   * `Successful response`.
   */
  properties[PROP_RESPONSE_DESCRIPTION] =
    g_param_spec_string ("response-description", "Response description",
                         "The description of the success response",
                         DEFAULT_RESPONSE_DESCRIPTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:responses:
   *
   * The extra responses, a #GListModel of #WhResponse. Reading gives the
   * handler's own list; writing replaces its items with those of the given
   * model (items that are not #WhResponse are left out with a warning).
   */
  properties[PROP_RESPONSES] =
    g_param_spec_object ("responses", "Responses", "The extra responses",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:security:
   *
   * The security schemes the operation requires (any one of them), a
   * #GListModel of #WhSecurityScheme. Reading gives the handler's own list;
   * writing replaces its items with those of the given model.
   */
  properties[PROP_SECURITY] =
    g_param_spec_object ("security", "Security", "The security schemes of the operation",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhHandler:parameters:
   *
   * The operation's path, query, header and cookie parameters, a #GListModel of
   * #WhParameter. Reading gives the handler's own list; writing replaces its
   * items with those of the given model.
   */
  properties[PROP_PARAMETERS] =
    g_param_spec_object ("parameters", "Parameters", "The operation's parameters",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_handler_init (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  priv->path = g_strdup (DEFAULT_PATH);
  priv->methods = g_new0 (char *, 1);
  priv->tags = g_new0 (char *, 1);
  priv->include_in_schema = TRUE;
  priv->media_type = g_strdup (DEFAULT_MEDIA_TYPE);
  priv->body_type = G_TYPE_NONE;
  priv->response_type = G_TYPE_NONE;
  priv->response_description = g_strdup (DEFAULT_RESPONSE_DESCRIPTION);
  priv->derived_name = wh_name_from_path (priv->path);
  priv->derived_summary = wh_summary_from_name (priv->derived_name);

  priv->responses = wh_watched_list_new (G_OBJECT (self), properties[PROP_RESPONSES],
                                         WH_TYPE_RESPONSE);
  priv->security = wh_watched_list_new (G_OBJECT (self), properties[PROP_SECURITY],
                                        WH_TYPE_SECURITY_SCHEME);
  priv->parameters = wh_watched_list_new (G_OBJECT (self), properties[PROP_PARAMETERS],
                                          WH_TYPE_PARAMETER);
}

/**
 * wh_handler_new:
 * @path: the route's path, such as `/create` or `/users/{user_id}`
 * @methods: (array zero-terminated=1) (nullable): the HTTP methods
 *
 * Creates a route handler. wh_get(), wh_post()… and wh_route() are shorter.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_handler_new (const char         *path,
                const char * const *methods)
{
  return g_object_new (WH_TYPE_HANDLER,
                       "path", path,
                       "methods", methods,
                       NULL);
}

/**
 * wh_handler_get_path:
 * @self: a #WhHandler
 *
 * Gets the route's path, or the webhook's name.
 *
 * Returns: (transfer none): the path
 */
const char *
wh_handler_get_path (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return priv->path;
}

/**
 * wh_handler_set_path:
 * @self: a #WhHandler
 * @path: (nullable): the route's path or the webhook's name; %NULL for `/`
 *
 * Sets the route's path, or the webhook's name. A derived #WhHandler:name and
 * #WhHandler:summary follow it.
 */
void
wh_handler_set_path (WhHandler  *self,
                     const char *path)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);
  g_autofree char *old_name = NULL;
  g_autofree char *old_summary = NULL;

  g_return_if_fail (WH_IS_HANDLER (self));

  if (path == NULL)
    path = DEFAULT_PATH;

  if (g_strcmp0 (priv->path, path) == 0)
    return;

  old_name = g_strdup (wh_handler_get_name (self));
  old_summary = g_strdup (wh_handler_get_summary (self));

  g_object_freeze_notify (G_OBJECT (self));
  wh_set_string (&priv->path, path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  wh_handler_refresh_derived (self, old_name, old_summary);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * wh_handler_get_methods:
 * @self: a #WhHandler
 *
 * Gets the HTTP methods of the operation, upper-cased.
 *
 * Returns: (transfer none) (array zero-terminated=1): the methods, possibly empty
 */
const char * const *
wh_handler_get_methods (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return (const char * const *) priv->methods;
}

/**
 * wh_handler_set_methods:
 * @self: a #WhHandler
 * @methods: (array zero-terminated=1) (nullable): the HTTP methods, in any case
 *
 * Sets the HTTP methods of the operation. They are stored upper-cased.
 */
void
wh_handler_set_methods (WhHandler          *self,
                        const char * const *methods)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (set_strv (&priv->methods, methods, TRUE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METHODS]);
}

/**
 * wh_handler_get_name:
 * @self: a #WhHandler
 *
 * Gets the handler's name: the one that was set, or the one derived from its
 * path (see #WhHandler:name).
 *
 * Returns: (transfer none): the name
 */
const char *
wh_handler_get_name (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return priv->name != NULL ? priv->name : priv->derived_name;
}

/**
 * wh_handler_set_name:
 * @self: a #WhHandler
 * @name: (nullable): the name, or %NULL to derive it from the path
 *
 * Sets the handler's name.
 */
void
wh_handler_set_name (WhHandler  *self,
                     const char *name)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);
  g_autofree char *old_name = NULL;
  g_autofree char *old_summary = NULL;

  g_return_if_fail (WH_IS_HANDLER (self));

  if (g_strcmp0 (priv->name, name) == 0)
    return;

  old_name = g_strdup (wh_handler_get_name (self));
  old_summary = g_strdup (wh_handler_get_summary (self));

  g_object_freeze_notify (G_OBJECT (self));
  wh_set_string (&priv->name, name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  wh_handler_refresh_derived (self, old_name, old_summary);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * wh_handler_get_summary:
 * @self: a #WhHandler
 *
 * Gets the operation's summary: the one that was set, or the one made from the
 * name (see #WhHandler:summary).
 *
 * Returns: (transfer none): the summary
 */
const char *
wh_handler_get_summary (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return priv->summary != NULL ? priv->summary : priv->derived_summary;
}

/**
 * wh_handler_set_summary:
 * @self: a #WhHandler
 * @summary: (nullable): the summary, or %NULL to make it from the name
 *
 * Sets the operation's summary.
 */
void
wh_handler_set_summary (WhHandler  *self,
                        const char *summary)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (wh_set_string (&priv->summary, summary))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

/**
 * wh_handler_get_description:
 * @self: a #WhHandler
 *
 * Gets what the operation does.
 *
 * Returns: (transfer none) (nullable): the description, or %NULL
 */
const char *
wh_handler_get_description (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return priv->description;
}

/**
 * wh_handler_set_description:
 * @self: a #WhHandler
 * @description: (nullable): what the operation does
 *
 * Sets what the operation does.
 */
void
wh_handler_set_description (WhHandler  *self,
                            const char *description)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (wh_set_string (&priv->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

/**
 * wh_handler_get_status_code:
 * @self: a #WhHandler
 *
 * Gets the status code that was set for the success response.
 *
 * Returns: the status code, or 0 for the method's default
 */
guint
wh_handler_get_status_code (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), 0);

  return priv->status_code;
}

/**
 * wh_handler_set_status_code:
 * @self: a #WhHandler
 * @status_code: the status code (100 to 599), or 0 for the method's default
 *
 * Sets the status code of the success response.
 */
void
wh_handler_set_status_code (WhHandler *self,
                            guint      status_code)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));
  g_return_if_fail (status_code <= 599);

  if (priv->status_code == status_code)
    return;

  priv->status_code = status_code;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_CODE]);
}

/**
 * wh_handler_get_status_code_for_method:
 * @self: a #WhHandler
 * @method: an upper-case HTTP method
 *
 * Gets the status code of the success response of the operation for @method:
 * #WhHandler:status-code when it is set, else 201 for `POST`, 204 for `DELETE`
 * and 200 otherwise.
 *
 * Returns: the status code
 */
guint
wh_handler_get_status_code_for_method (WhHandler  *self,
                                       const char *method)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), 0);
  g_return_val_if_fail (method != NULL, 0);

  if (priv->status_code != 0)
    return priv->status_code;

  return wh_http_method_default_status (method);
}

/**
 * wh_handler_get_operation_id:
 * @self: a #WhHandler
 *
 * Gets the operationId that was set.
 *
 * Returns: (transfer none) (nullable): the operationId, or %NULL when the
 *   document makes one
 */
const char *
wh_handler_get_operation_id (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return priv->operation_id;
}

/**
 * wh_handler_set_operation_id:
 * @self: a #WhHandler
 * @operation_id: (nullable): the operationId, or %NULL to have one made
 *
 * Sets the operation's operationId. A handler with several methods then has
 * the same id for each, which the document refuses: leave it unset for those.
 */
void
wh_handler_set_operation_id (WhHandler  *self,
                             const char *operation_id)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (wh_set_string (&priv->operation_id, operation_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATION_ID]);
}

/**
 * wh_handler_get_tags:
 * @self: a #WhHandler
 *
 * Gets the operation's own tags.
 *
 * Returns: (transfer none) (array zero-terminated=1): the tags, possibly empty
 */
const char * const *
wh_handler_get_tags (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return (const char * const *) priv->tags;
}

/**
 * wh_handler_set_tags:
 * @self: a #WhHandler
 * @tags: (array zero-terminated=1) (nullable): the tags
 *
 * Sets the operation's own tags.
 */
void
wh_handler_set_tags (WhHandler          *self,
                     const char * const *tags)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (set_strv (&priv->tags, tags, FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
}

/**
 * wh_handler_get_deprecated:
 * @self: a #WhHandler
 *
 * Gets whether the operation is deprecated.
 *
 * Returns: %TRUE if it is deprecated
 */
gboolean
wh_handler_get_deprecated (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), FALSE);

  return priv->deprecated;
}

/**
 * wh_handler_set_deprecated:
 * @self: a #WhHandler
 * @deprecated: whether the operation is deprecated
 *
 * Sets whether the operation is deprecated.
 */
void
wh_handler_set_deprecated (WhHandler *self,
                           gboolean   deprecated)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  deprecated = !!deprecated;
  if (priv->deprecated == deprecated)
    return;

  priv->deprecated = deprecated;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPRECATED]);
}

/**
 * wh_handler_get_include_in_schema:
 * @self: a #WhHandler
 *
 * Gets whether the operation appears in the document.
 *
 * Returns: %TRUE if it appears
 */
gboolean
wh_handler_get_include_in_schema (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), FALSE);

  return priv->include_in_schema;
}

/**
 * wh_handler_set_include_in_schema:
 * @self: a #WhHandler
 * @include_in_schema: whether the operation appears in the document
 *
 * Sets whether the operation appears in the document.
 */
void
wh_handler_set_include_in_schema (WhHandler *self,
                                  gboolean   include_in_schema)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  include_in_schema = !!include_in_schema;
  if (priv->include_in_schema == include_in_schema)
    return;

  priv->include_in_schema = include_in_schema;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCLUDE_IN_SCHEMA]);
}

/**
 * wh_handler_get_media_type:
 * @self: a #WhHandler
 *
 * Gets the media type of the request body and the success response.
 *
 * Returns: (transfer none): the media type
 */
const char *
wh_handler_get_media_type (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return priv->media_type;
}

/**
 * wh_handler_set_media_type:
 * @self: a #WhHandler
 * @media_type: (nullable): the media type, or %NULL for `application/json`
 *
 * Sets the media type of the request body and the success response.
 */
void
wh_handler_set_media_type (WhHandler  *self,
                           const char *media_type)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (media_type == NULL)
    media_type = DEFAULT_MEDIA_TYPE;

  if (wh_set_string (&priv->media_type, media_type))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEDIA_TYPE]);
}

/**
 * wh_handler_get_body_type:
 * @self: a #WhHandler
 *
 * Gets the #GType of the request body's model.
 *
 * Returns: the body type, or %G_TYPE_NONE
 */
GType
wh_handler_get_body_type (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), G_TYPE_NONE);

  return priv->body_type;
}

/**
 * wh_handler_set_body_type:
 * @self: a #WhHandler
 * @body_type: the #GType of the body's model, or %G_TYPE_NONE
 *
 * Sets the #GType of the request body's model (for a webhook, the payload).
 */
void
wh_handler_set_body_type (WhHandler *self,
                          GType      body_type)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (body_type == G_TYPE_INVALID)
    body_type = G_TYPE_NONE;

  if (priv->body_type == body_type)
    return;

  priv->body_type = body_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BODY_TYPE]);
}

/**
 * wh_handler_get_response_type:
 * @self: a #WhHandler
 *
 * Gets the #GType of the success response body's model.
 *
 * Returns: the response type, or %G_TYPE_NONE
 */
GType
wh_handler_get_response_type (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), G_TYPE_NONE);

  return priv->response_type;
}

/**
 * wh_handler_set_response_type:
 * @self: a #WhHandler
 * @response_type: the #GType of the response body's model, or %G_TYPE_NONE
 *
 * Sets the #GType of the success response body's model.
 */
void
wh_handler_set_response_type (WhHandler *self,
                              GType      response_type)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (response_type == G_TYPE_INVALID)
    response_type = G_TYPE_NONE;

  if (priv->response_type == response_type)
    return;

  priv->response_type = response_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESPONSE_TYPE]);
}

/**
 * wh_handler_get_response_description:
 * @self: a #WhHandler
 *
 * Gets the description of the success response.
 *
 * Returns: (transfer none): the description
 */
const char *
wh_handler_get_response_description (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return priv->response_description;
}

/**
 * wh_handler_set_response_description:
 * @self: a #WhHandler
 * @response_description: (nullable): the description, or %NULL for
 *   `Successful response`
 *
 * Sets the description of the success response.
 */
void
wh_handler_set_response_description (WhHandler  *self,
                                     const char *response_description)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));

  if (response_description == NULL)
    response_description = DEFAULT_RESPONSE_DESCRIPTION;

  if (wh_set_string (&priv->response_description, response_description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESPONSE_DESCRIPTION]);
}

/**
 * wh_handler_get_responses:
 * @self: a #WhHandler
 *
 * Gets the handler's extra responses.
 *
 * Returns: (transfer none): a #GListModel of #WhResponse
 */
GListModel *
wh_handler_get_responses (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return wh_watched_list_get_model (priv->responses);
}

/**
 * wh_handler_add_response:
 * @self: a #WhHandler
 * @response: the response to add
 *
 * Appends an extra response. The handler takes a reference.
 */
void
wh_handler_add_response (WhHandler  *self,
                         WhResponse *response)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));
  g_return_if_fail (WH_IS_RESPONSE (response));

  wh_watched_list_append (priv->responses, response);
}

/**
 * wh_handler_get_security:
 * @self: a #WhHandler
 *
 * Gets the security schemes the operation requires.
 *
 * Returns: (transfer none): a #GListModel of #WhSecurityScheme
 */
GListModel *
wh_handler_get_security (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return wh_watched_list_get_model (priv->security);
}

/**
 * wh_handler_add_security:
 * @self: a #WhHandler
 * @scheme: the security scheme to add
 *
 * Appends a security scheme the operation accepts. The handler takes a
 * reference.
 */
void
wh_handler_add_security (WhHandler        *self,
                         WhSecurityScheme *scheme)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));
  g_return_if_fail (WH_IS_SECURITY_SCHEME (scheme));

  wh_watched_list_append (priv->security, scheme);
}

/**
 * wh_handler_get_parameters:
 * @self: a #WhHandler
 *
 * Gets the operation's parameters.
 *
 * Returns: (transfer none): a #GListModel of #WhParameter
 */
GListModel *
wh_handler_get_parameters (WhHandler *self)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_val_if_fail (WH_IS_HANDLER (self), NULL);

  return wh_watched_list_get_model (priv->parameters);
}

/**
 * wh_handler_add_parameter:
 * @self: a #WhHandler
 * @parameter: the parameter to add
 *
 * Appends a path, query, header or cookie parameter. The handler takes a
 * reference.
 */
void
wh_handler_add_parameter (WhHandler   *self,
                          WhParameter *parameter)
{
  WhHandlerPrivate *priv = wh_handler_get_instance_private (self);

  g_return_if_fail (WH_IS_HANDLER (self));
  g_return_if_fail (WH_IS_PARAMETER (parameter));

  wh_watched_list_append (priv->parameters, parameter);
}

/**
 * wh_handler_handle:
 * @self: a #WhHandler
 * @request: the request to answer
 *
 * Calls the #WhHandlerClass.handle virtual method, which answers @request with one of
 * the wh_request_respond_*() functions, now or later. The server that
 * wh_application_attach() sets up calls it for each request to the route once the
 * parameters and the body have been validated; a request that is never answered is
 * answered `500` when its last reference is dropped.
 */
void
wh_handler_handle (WhHandler *self,
                   WhRequest *request)
{
  g_return_if_fail (WH_IS_HANDLER (self));
  g_return_if_fail (WH_IS_REQUEST (request));

  WH_HANDLER_GET_CLASS (self)->handle (self, request);
}
