/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-application
 * @Title: WhApplication
 * @Short_description: the routes and webhooks of an API, and its OpenAPI document
 *
 * A #WhApplication holds what an application declares: the OpenAPI `info` (title,
 * version, summary, description, contact, license, terms of service), its servers,
 * tags and security schemes, its routes (#WhGateway) and the webhooks it sends
 * (#WhWebhookGateway). From them it builds its OpenAPI 3.1 document, where the webhooks
 * end up in the top-level `webhooks` object, as in Esmerald.
 *
 * Every gateway is validated when it is added: a route handler in the webhooks, a
 * webhook handler in the routes, the same name and method twice, an operationId used
 * twice or a model with no JSON form is a #GError, and nothing is added.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 * g_autoptr(WhWebhookHandler) handler = wh_whpost ("new-payment");
 * g_object_set (handler, "body-type", MY_TYPE_PAYMENT, NULL);
 * g_autoptr(WhWebhookGateway) gateway = wh_webhook_gateway_new (handler);
 * g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");
 *
 * if (!wh_application_add_webhook (app, gateway, &error))
 *   g_printerr ("%s\n", error->message);
 *
 * g_autofree char *json = wh_application_get_openapi_json (app, TRUE);
 * ]|
 *
 * The document is cached: it is built again only after the application, one of its
 * gateways, handlers or views, or a model changed (#WhApplication::changed tells when).
 */

#include "config.h"

#include "wh-util-private.h"
#include "wh-application-private.h"
#include "wh-error.h"
#include "wh-json-private.h"
#include "wh-model-private.h"
#include "wh-openapi-private.h"
#include "wh-application-server-private.h"

typedef struct
{
  char *title;
  char *version;
  char *summary;
  char *description;
  char *terms_of_service;
  char *contact_name;
  char *contact_url;
  char *contact_email;
  char *license_name;
  char *license_identifier;
  char *license_url;

  GPtrArray *servers;           /* of WhServerInfo */
  GPtrArray *tags;              /* of WhTagInfo */
  GListStore *routes;           /* of WhGateway */
  GListStore *webhooks;         /* of WhWebhookGateway */
  GListStore *security_schemes; /* of WhSecurityScheme, documented in components */
  GListStore *security;         /* of WhSecurityScheme, required by every operation */

  /* Validation state for wh_application_add_*(); rebuilt lazily after anything that was
   * added changed, since a change can make earlier checks stale. */
  WhOpenAPIIndex *index;

  /* The cached document and its two serializations. */
  JsonNode *openapi;
  char *openapi_json;
  char *openapi_json_pretty;
  guint openapi_model_generation;
} WhApplicationPrivate;

/**
 * WH_TYPE_APPLICATION:
 *
 * The #GType of #WhApplication.
 */

/**
 * WhApplication:
 *
 * The routes and webhooks an application declares, and the OpenAPI document made of
 * them.
 */
G_DEFINE_TYPE_WITH_PRIVATE (WhApplication, wh_application, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_VERSION,
  PROP_SUMMARY,
  PROP_DESCRIPTION,
  PROP_TERMS_OF_SERVICE,
  PROP_CONTACT_NAME,
  PROP_CONTACT_URL,
  PROP_CONTACT_EMAIL,
  PROP_LICENSE_NAME,
  PROP_LICENSE_IDENTIFIER,
  PROP_LICENSE_URL,
  PROP_SERVERS,
  PROP_TAGS,
  PROP_ROUTES,
  PROP_WEBHOOKS,
  PROP_SECURITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define DEFAULT_TITLE   "API"
#define DEFAULT_VERSION "0.1.0"

static void
wh_server_info_free (gpointer data)
{
  WhServerInfo *info = data;

  g_free (info->url);
  g_free (info->description);
  g_free (info);
}

static void
wh_tag_info_free (gpointer data)
{
  WhTagInfo *info = data;

  g_free (info->name);
  g_free (info->description);
  g_free (info);
}

/* Forgets the cached document and the validation index, and says so. Everything that
 * can change the document ends up here. */
static void
wh_application_invalidate (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_clear_pointer (&priv->openapi, json_node_unref);
  g_clear_pointer (&priv->openapi_json, g_free);
  g_clear_pointer (&priv->openapi_json_pretty, g_free);
  g_clear_pointer (&priv->index, wh_openapi_index_free);

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_declaration_notify (GObject       *object,
                       GParamSpec    *pspec,
                       WhApplication *self)
{
  wh_application_invalidate (self);
}

static void
on_declarations_changed (GListModel    *model,
                         guint          position,
                         guint          removed,
                         guint          added,
                         WhApplication *self)
{
  wh_application_invalidate (self);
}

static void
watch_store (WhApplication *self,
             GListStore    *store)
{
  g_signal_connect_object (store, "items-changed",
                           G_CALLBACK (on_declarations_changed), self, 0);
}

static void
watch_object (WhApplication *self,
              gpointer       object)
{
  g_signal_connect_object (object, "notify",
                           G_CALLBACK (on_declaration_notify), self, 0);
}

/* Returns the index of everything added so far, rebuilding it after a change. */
static WhOpenAPIIndex *
ensure_index (WhApplication  *self,
              GError        **error)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  g_autoptr(WhOpenAPIIndex) index = NULL;

  if (priv->index != NULL)
    return priv->index;

  index = wh_openapi_index_new ();
  if (!wh_openapi_index_add_application (index, self, error))
    return NULL;

  priv->index = g_steal_pointer (&index);
  return priv->index;
}

static gboolean
add_gateway (WhApplication  *self,
             GListStore     *store,
             WhGateway      *gateway,
             gboolean        as_webhook,
             GError        **error)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  WhOpenAPIIndex *index;

  index = ensure_index (self, error);
  if (index == NULL)
    return FALSE;

  if (!wh_openapi_index_add_gateway (index, gateway, as_webhook, error))
    {
      /* The index may hold part of the refused gateway (its models, say): start over. */
      g_clear_pointer (&priv->index, wh_openapi_index_free);
      return FALSE;
    }

  /* Appending invalidates the cache through items-changed, which also drops the index:
   * keep the one that now includes this gateway. */
  index = g_steal_pointer (&priv->index);
  watch_object (self, gateway);
  g_list_store_append (store, gateway);
  g_clear_pointer (&priv->index, wh_openapi_index_free);
  priv->index = index;

  return TRUE;
}

static void
wh_application_real_customize_openapi (WhApplication *self,
                                       JsonObject    *document)
{
}

static void
wh_application_notify (GObject    *object,
                       GParamSpec *pspec)
{
  /* The lists announce their own changes through items-changed; the URLs the application
   * is served on (serve/) are not in the document. */
  if (pspec != properties[PROP_ROUTES] && pspec != properties[PROP_WEBHOOKS] &&
      !wh_application_serve_is_property (pspec))
    wh_application_invalidate (WH_APPLICATION (object));

  if (G_OBJECT_CLASS (wh_application_parent_class)->notify != NULL)
    G_OBJECT_CLASS (wh_application_parent_class)->notify (object, pspec);
}

static void
wh_application_finalize (GObject *object)
{
  WhApplication *self = WH_APPLICATION (object);
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_free (priv->title);
  g_free (priv->version);
  g_free (priv->summary);
  g_free (priv->description);
  g_free (priv->terms_of_service);
  g_free (priv->contact_name);
  g_free (priv->contact_url);
  g_free (priv->contact_email);
  g_free (priv->license_name);
  g_free (priv->license_identifier);
  g_free (priv->license_url);
  g_clear_pointer (&priv->servers, g_ptr_array_unref);
  g_clear_pointer (&priv->tags, g_ptr_array_unref);
  g_clear_object (&priv->routes);
  g_clear_object (&priv->webhooks);
  g_clear_object (&priv->security_schemes);
  g_clear_object (&priv->security);
  g_clear_pointer (&priv->index, wh_openapi_index_free);
  g_clear_pointer (&priv->openapi, json_node_unref);
  g_free (priv->openapi_json);
  g_free (priv->openapi_json_pretty);

  G_OBJECT_CLASS (wh_application_parent_class)->finalize (object);
}

static GStrv
server_urls (WhApplicationPrivate *priv)
{
  GStrvBuilder *builder = g_strv_builder_new ();

  for (guint i = 0; i < priv->servers->len; i++)
    g_strv_builder_add (builder, ((WhServerInfo *) g_ptr_array_index (priv->servers, i))->url);

  return g_strv_builder_end (builder);
}

static GStrv
tag_names (WhApplicationPrivate *priv)
{
  GStrvBuilder *builder = g_strv_builder_new ();

  for (guint i = 0; i < priv->tags->len; i++)
    g_strv_builder_add (builder, ((WhTagInfo *) g_ptr_array_index (priv->tags, i))->name);

  return g_strv_builder_end (builder);
}

static void
replace_store (GListStore *store,
               GListModel *items,
               GType       item_type)
{
  guint n = items != NULL ? g_list_model_get_n_items (items) : 0;
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (items, i);

      if (!g_type_is_a (G_OBJECT_TYPE (item), item_type))
        {
          g_warning ("Skipping a %s in a list of %s", G_OBJECT_TYPE_NAME (item),
                     g_type_name (item_type));
          continue;
        }
      g_ptr_array_add (kept, g_steal_pointer (&item));
    }

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       kept->pdata, kept->len);
}

static void
wh_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WhApplication *self = WH_APPLICATION (object);
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_VERSION:
      g_value_set_string (value, priv->version);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, priv->summary);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, priv->description);
      break;
    case PROP_TERMS_OF_SERVICE:
      g_value_set_string (value, priv->terms_of_service);
      break;
    case PROP_CONTACT_NAME:
      g_value_set_string (value, priv->contact_name);
      break;
    case PROP_CONTACT_URL:
      g_value_set_string (value, priv->contact_url);
      break;
    case PROP_CONTACT_EMAIL:
      g_value_set_string (value, priv->contact_email);
      break;
    case PROP_LICENSE_NAME:
      g_value_set_string (value, priv->license_name);
      break;
    case PROP_LICENSE_IDENTIFIER:
      g_value_set_string (value, priv->license_identifier);
      break;
    case PROP_LICENSE_URL:
      g_value_set_string (value, priv->license_url);
      break;
    case PROP_SERVERS:
      g_value_take_boxed (value, server_urls (priv));
      break;
    case PROP_TAGS:
      g_value_take_boxed (value, tag_names (priv));
      break;
    case PROP_ROUTES:
      g_value_set_object (value, priv->routes);
      break;
    case PROP_WEBHOOKS:
      g_value_set_object (value, priv->webhooks);
      break;
    case PROP_SECURITY:
      g_value_set_object (value, priv->security);
      break;
    default:
      /* serve/: the URLs the application is served on (serve/wh-application-server.c). */
      if (!wh_application_serve_get_property (self, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  WhApplication *self = WH_APPLICATION (object);
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  char **field = NULL;

  switch (prop_id)
    {
    case PROP_TITLE:
      wh_application_set_title (self, g_value_get_string (value));
      return;
    case PROP_VERSION:
      wh_application_set_version (self, g_value_get_string (value));
      return;
    case PROP_SUMMARY:
      wh_application_set_summary (self, g_value_get_string (value));
      return;
    case PROP_DESCRIPTION:
      wh_application_set_description (self, g_value_get_string (value));
      return;
    case PROP_TERMS_OF_SERVICE:
      field = &priv->terms_of_service;
      break;
    case PROP_CONTACT_NAME:
      field = &priv->contact_name;
      break;
    case PROP_CONTACT_URL:
      field = &priv->contact_url;
      break;
    case PROP_CONTACT_EMAIL:
      field = &priv->contact_email;
      break;
    case PROP_LICENSE_NAME:
      field = &priv->license_name;
      break;
    case PROP_LICENSE_IDENTIFIER:
      field = &priv->license_identifier;
      break;
    case PROP_LICENSE_URL:
      field = &priv->license_url;
      break;
    case PROP_SERVERS:
      {
        const char * const *urls = g_value_get_boxed (value);

        g_ptr_array_set_size (priv->servers, 0);
        for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
          wh_application_add_server (self, urls[i], NULL);
        g_object_notify_by_pspec (object, pspec);
      }
      return;
    case PROP_TAGS:
      {
        const char * const *names = g_value_get_boxed (value);

        g_ptr_array_set_size (priv->tags, 0);
        for (guint i = 0; names != NULL && names[i] != NULL; i++)
          wh_application_add_tag (self, names[i], NULL);
        g_object_notify_by_pspec (object, pspec);
      }
      return;
    case PROP_SECURITY:
      replace_store (priv->security, g_value_get_object (value), WH_TYPE_SECURITY_SCHEME);
      g_object_notify_by_pspec (object, pspec);
      return;
    default:
      /* serve/: the URLs the application is served on (serve/wh-application-server.c). */
      if (!wh_application_serve_set_property (self, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (wh_set_string (field, g_value_get_string (value)))
    g_object_notify_by_pspec (object, pspec);
}

static GParamSpec *
string_property (const char *name,
                 const char *nick,
                 const char *blurb,
                 const char *default_value)
{
  return g_param_spec_string (name, nick, blurb, default_value,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                              G_PARAM_STATIC_STRINGS);
}

static void
wh_application_class_init (WhApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wh_application_finalize;
  object_class->get_property = wh_application_get_property;
  object_class->set_property = wh_application_set_property;
  object_class->notify = wh_application_notify;

  klass->customize_openapi = wh_application_real_customize_openapi;

  /**
   * WhApplication:title:
   *
   * The title of the API, the document's `info.title`.
   */
  properties[PROP_TITLE] =
    string_property ("title", "Title", "The title of the API", DEFAULT_TITLE);

  /**
   * WhApplication:version:
   *
   * The version of the API (not of OpenAPI), the document's `info.version`.
   */
  properties[PROP_VERSION] =
    string_property ("version", "Version", "The version of the API", DEFAULT_VERSION);

  /**
   * WhApplication:summary:
   *
   * A short summary of the API, `info.summary`.
   */
  properties[PROP_SUMMARY] =
    string_property ("summary", "Summary", "A short summary of the API", NULL);

  /**
   * WhApplication:description:
   *
   * A description of the API, `info.description` (CommonMark).
   */
  properties[PROP_DESCRIPTION] =
    string_property ("description", "Description", "A description of the API", NULL);

  /**
   * WhApplication:terms-of-service:
   *
   * The URL of the terms of service, `info.termsOfService`.
   */
  properties[PROP_TERMS_OF_SERVICE] =
    string_property ("terms-of-service", "Terms of service",
                     "The URL of the terms of service", NULL);

  /**
   * WhApplication:contact-name:
   *
   * The name of the contact person or organisation, `info.contact.name`.
   */
  properties[PROP_CONTACT_NAME] =
    string_property ("contact-name", "Contact name", "Who to contact about the API", NULL);

  /**
   * WhApplication:contact-url:
   *
   * The URL of the contact, `info.contact.url`.
   */
  properties[PROP_CONTACT_URL] =
    string_property ("contact-url", "Contact URL", "Where to contact about the API", NULL);

  /**
   * WhApplication:contact-email:
   *
   * The e-mail address of the contact, `info.contact.email`.
   */
  properties[PROP_CONTACT_EMAIL] =
    string_property ("contact-email", "Contact e-mail", "The e-mail address of the contact", NULL);

  /**
   * WhApplication:license-name:
   *
   * The name of the API's license, `info.license.name`. The license is documented only
   * when this is set.
   */
  properties[PROP_LICENSE_NAME] =
    string_property ("license-name", "License name", "The name of the API's license", NULL);

  /**
   * WhApplication:license-identifier:
   *
   * The SPDX identifier of the API's license, `info.license.identifier`. It wins over
   * #WhApplication:license-url, since OpenAPI allows only one of them.
   */
  properties[PROP_LICENSE_IDENTIFIER] =
    string_property ("license-identifier", "License identifier",
                     "The SPDX identifier of the API's license", NULL);

  /**
   * WhApplication:license-url:
   *
   * The URL of the API's license, `info.license.url`.
   */
  properties[PROP_LICENSE_URL] =
    string_property ("license-url", "License URL", "The URL of the API's license", NULL);

  /**
   * WhApplication:servers:
   *
   * The URLs of the servers, the document's `servers`. When none is given the document
   * has `[{"url": "/"}]`. Use wh_application_add_server() to give one a description.
   */
  properties[PROP_SERVERS] =
    g_param_spec_boxed ("servers", "Servers", "The URLs of the API's servers",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhApplication:tags:
   *
   * The names of the document's top-level `tags`. Use wh_application_add_tag() to give
   * one a description.
   */
  properties[PROP_TAGS] =
    g_param_spec_boxed ("tags", "Tags", "The names of the API's top-level tags",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhApplication:routes:
   *
   * The route gateways added with wh_application_add_route(), a #GListModel of
   * #WhGateway.
   */
  properties[PROP_ROUTES] =
    g_param_spec_object ("routes", "Routes", "The route gateways",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhApplication:webhooks:
   *
   * The webhook gateways added with wh_application_add_webhook(), a #GListModel of
   * #WhWebhookGateway.
   */
  properties[PROP_WEBHOOKS] =
    g_param_spec_object ("webhooks", "Webhooks", "The webhook gateways",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhApplication:security:
   *
   * The security schemes that every operation requires, a #GListModel of
   * #WhSecurityScheme: the document's top-level `security`.
   */
  properties[PROP_SECURITY] =
    g_param_spec_object ("security", "Security", "The security every operation requires",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  /* serve/: the URLs the application is served on (serve/wh-application-server.c). */
  wh_application_serve_install_properties (object_class, N_PROPS);

  /**
   * WhApplication::changed:
   * @self: the application
   *
   * Emitted when something the document is made of changed: a property of the
   * application, a gateway added, or a property of a gateway, view or handler in it. The
   * cached document has been dropped by then; the next wh_application_get_openapi()
   * builds a new one.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (WhApplicationClass, changed),
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
wh_application_init (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  priv->title = g_strdup (DEFAULT_TITLE);
  priv->version = g_strdup (DEFAULT_VERSION);
  priv->servers = g_ptr_array_new_with_free_func (wh_server_info_free);
  priv->tags = g_ptr_array_new_with_free_func (wh_tag_info_free);
  priv->routes = g_list_store_new (WH_TYPE_GATEWAY);
  priv->webhooks = g_list_store_new (WH_TYPE_WEBHOOK_GATEWAY);
  priv->security_schemes = g_list_store_new (WH_TYPE_SECURITY_SCHEME);
  priv->security = g_list_store_new (WH_TYPE_SECURITY_SCHEME);

  watch_store (self, priv->routes);
  watch_store (self, priv->webhooks);
  watch_store (self, priv->security_schemes);
  watch_store (self, priv->security);
}

/**
 * wh_application_new:
 * @title: (nullable): the title of the API, or %NULL for "API"
 * @version: (nullable): the version of the API, or %NULL for "0.1.0"
 *
 * Creates an application with no routes and no webhooks.
 *
 * Returns: (transfer full): a new #WhApplication
 */
WhApplication *
wh_application_new (const char *title,
                    const char *version)
{
  return g_object_new (WH_TYPE_APPLICATION,
                       "title", title != NULL ? title : DEFAULT_TITLE,
                       "version", version != NULL ? version : DEFAULT_VERSION,
                       NULL);
}

/**
 * wh_application_add_route:
 * @self: a #WhApplication
 * @gateway: a #WhGateway holding a route handler or a view of route handlers
 * @error: return location for a #GError
 *
 * Adds a route. The gateway is checked against everything added before: a webhook
 * gateway or a webhook handler (%WH_ERROR_WRONG_KIND), an unknown method or none
 * (%WH_ERROR_INVALID_METHOD), a path and method already declared or an operationId
 * already used (%WH_ERROR_DUPLICATE), a model with no JSON form
 * (%WH_ERROR_INVALID_MODEL) are errors, and then nothing is added.
 *
 * Returns: %TRUE if the route was added
 */
gboolean
wh_application_add_route (WhApplication  *self,
                          WhGateway      *gateway,
                          GError        **error)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_return_val_if_fail (WH_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (WH_IS_GATEWAY (gateway), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (WH_IS_WEBHOOK_GATEWAY (gateway))
    {
      g_set_error_literal (error, WH_ERROR, WH_ERROR_WRONG_KIND,
                           "A WhWebhookGateway cannot be added as a route: add it with "
                           "wh_application_add_webhook(), or use a WhGateway for a route");
      return FALSE;
    }

  return add_gateway (self, priv->routes, gateway, FALSE, error);
}

/**
 * wh_application_add_webhook:
 * @self: a #WhApplication
 * @gateway: a #WhWebhookGateway holding a webhook handler or a view of webhook handlers
 * @error: return location for a #GError
 *
 * Adds a webhook: a request the application sends to its subscribers, documented in the
 * document's top-level `webhooks` under the handler's name. The gateway is checked like
 * in wh_application_add_route(); a route handler in it is %WH_ERROR_WRONG_KIND.
 *
 * Returns: %TRUE if the webhook was added
 */
gboolean
wh_application_add_webhook (WhApplication     *self,
                            WhWebhookGateway  *gateway,
                            GError           **error)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_return_val_if_fail (WH_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (G_IS_OBJECT (gateway), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Bindings can hand any gateway over; say what to do instead of failing a cast. */
  if (!WH_IS_WEBHOOK_GATEWAY (gateway))
    {
      /* The bindings raise this same sentence where their type checks come first. */
      g_set_error (error, WH_ERROR, WH_ERROR_WRONG_KIND,
                   "A %s cannot be added as a webhook: put the webhook handler in a "
                   "WhWebhookGateway, or add the gateway to the routes",
                   G_OBJECT_TYPE_NAME (gateway));
      return FALSE;
    }

  return add_gateway (self, priv->webhooks, WH_GATEWAY (gateway), TRUE, error);
}

/**
 * wh_application_get_routes:
 * @self: a #WhApplication
 *
 * Gets the route gateways, in the order they were added.
 *
 * Returns: (transfer none): a #GListModel of #WhGateway
 */
GListModel *
wh_application_get_routes (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_return_val_if_fail (WH_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (priv->routes);
}

/**
 * wh_application_get_webhooks:
 * @self: a #WhApplication
 *
 * Gets the webhook gateways, in the order they were added.
 *
 * Returns: (transfer none): a #GListModel of #WhWebhookGateway
 */
GListModel *
wh_application_get_webhooks (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_return_val_if_fail (WH_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (priv->webhooks);
}

static gboolean
handler_has_method (WhHandler  *handler,
                    const char *method)
{
  const char * const *methods = wh_handler_get_methods (handler);

  return methods != NULL && g_strv_contains (methods, method);
}

/**
 * wh_application_lookup_webhook:
 * @self: a #WhApplication
 * @name: the name of a webhook, as declared
 * @method: (nullable): an HTTP method in upper case, or %NULL for the webhook's only or
 *   first method
 *
 * Finds the handler of a declared webhook, whether or not it is in the document.
 *
 * Returns: (transfer none) (nullable): the #WhWebhookHandler, or %NULL if no webhook has
 *   that name and method
 */
WhWebhookHandler *
wh_application_lookup_webhook (WhApplication *self,
                               const char    *name,
                               const char    *method)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  guint n;

  g_return_val_if_fail (WH_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (priv->webhooks));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhGateway) gateway = g_list_model_get_item (G_LIST_MODEL (priv->webhooks), i);
      WhHandler *handler = wh_gateway_get_handler (gateway);
      WhAPIView *view = wh_gateway_get_view (gateway);
      g_autoptr(GListModel) handlers = NULL;

      if (handler != NULL)
        {
          GListStore *one = g_list_store_new (WH_TYPE_HANDLER);

          g_list_store_append (one, handler);
          handlers = G_LIST_MODEL (one);
        }
      else if (view != NULL)
        handlers = g_object_ref (wh_api_view_get_handlers (view));
      else
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (handlers); j++)
        {
          g_autoptr(WhHandler) candidate = g_list_model_get_item (handlers, j);

          if (!WH_IS_WEBHOOK_HANDLER (candidate) ||
              g_strcmp0 (wh_handler_get_path (candidate), name) != 0)
            continue;

          if (method == NULL || handler_has_method (candidate, method))
            return WH_WEBHOOK_HANDLER (candidate);
        }
    }

  return NULL;
}

/* Builds from the index the application keeps: it holds exactly the validated
 * declarations while nothing changes, so they are not validated a second time. */
static JsonNode *
build_document (WhApplication  *self,
                GError        **error)
{
  WhOpenAPIIndex *index = ensure_index (self, error);

  if (index == NULL)
    return NULL;

  return wh_openapi_build_from_index (self, index, error);
}

static void
ensure_document (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  /* Models are GTypes, not objects we can watch: compare their generation instead. */
  if (priv->openapi != NULL && priv->openapi_model_generation != wh_model_get_generation ())
    wh_application_invalidate (self);

  if (priv->openapi != NULL)
    return;

  priv->openapi_model_generation = wh_model_get_generation ();
  priv->openapi = build_document (self, &error);
  if (priv->openapi == NULL)
    g_warning ("The OpenAPI document of “%s” cannot be built: %s",
               priv->title, error->message);
}

/**
 * wh_application_get_openapi:
 * @self: a #WhApplication
 *
 * Gets the application's OpenAPI 3.1 document. It is built on the first call and cached
 * until the application changes (see #WhApplication::changed), so repeated calls are
 * cheap and return the same node.
 *
 * Everything is validated when it is added, but a handler or gateway changed afterwards
 * can make the declarations invalid (two operations with the same operationId, say); then
 * this warns and returns %NULL, and wh_application_build_openapi() tells why.
 *
 * Returns: (transfer none) (nullable): the document, owned by @self
 */
JsonNode *
wh_application_get_openapi (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_return_val_if_fail (WH_IS_APPLICATION (self), NULL);

  ensure_document (self);
  return priv->openapi;
}

/**
 * wh_application_get_openapi_json:
 * @self: a #WhApplication
 * @pretty: %TRUE to indent the JSON by two spaces, %FALSE for compact JSON
 *
 * Gets the application's OpenAPI document as JSON text. The same declarations give the
 * same bytes every time.
 *
 * Returns: (transfer full) (nullable): the JSON text, or %NULL when
 *   wh_application_get_openapi() returns %NULL
 */
char *
wh_application_get_openapi_json (WhApplication *self,
                                 gboolean       pretty)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  char **cached;

  g_return_val_if_fail (WH_IS_APPLICATION (self), NULL);

  ensure_document (self);
  if (priv->openapi == NULL)
    return NULL;

  cached = pretty ? &priv->openapi_json_pretty : &priv->openapi_json;
  if (*cached == NULL)
    *cached = wh_json_to_string (priv->openapi, pretty, NULL);

  return g_strdup (*cached);
}

/**
 * wh_application_build_openapi:
 * @self: a #WhApplication
 * @error: return location for a #GError
 *
 * Builds the OpenAPI document afresh, without the cache, and reports why when the
 * declarations cannot make one.
 *
 * Returns: (transfer full) (nullable): a new document, or %NULL with @error set
 */
JsonNode *
wh_application_build_openapi (WhApplication  *self,
                              GError        **error)
{
  g_return_val_if_fail (WH_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return build_document (self, error);
}

#define DEFINE_STRING_ACCESSORS(field, PROP)                                  \
const char *                                                                  \
wh_application_get_##field (WhApplication *self)                              \
{                                                                             \
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);    \
                                                                              \
  g_return_val_if_fail (WH_IS_APPLICATION (self), NULL);                      \
                                                                              \
  return priv->field;                                                         \
}                                                                             \
                                                                              \
void                                                                          \
wh_application_set_##field (WhApplication *self,                              \
                            const char    *value)                             \
{                                                                             \
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);    \
                                                                              \
  g_return_if_fail (WH_IS_APPLICATION (self));                                \
                                                                              \
  if (wh_set_string (&priv->field, value))                                       \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);             \
}

/**
 * wh_application_get_title:
 * @self: a #WhApplication
 *
 * Gets #WhApplication:title.
 *
 * Returns: (nullable): the title of the API
 */
/**
 * wh_application_set_title:
 * @self: a #WhApplication
 * @title: (nullable): the title of the API
 *
 * Sets #WhApplication:title.
 */
DEFINE_STRING_ACCESSORS (title, PROP_TITLE)

/**
 * wh_application_get_version:
 * @self: a #WhApplication
 *
 * Gets #WhApplication:version.
 *
 * Returns: (nullable): the version of the API
 */
/**
 * wh_application_set_version:
 * @self: a #WhApplication
 * @version: (nullable): the version of the API
 *
 * Sets #WhApplication:version.
 */
DEFINE_STRING_ACCESSORS (version, PROP_VERSION)

/**
 * wh_application_get_summary:
 * @self: a #WhApplication
 *
 * Gets #WhApplication:summary.
 *
 * Returns: (nullable): the summary of the API
 */
/**
 * wh_application_set_summary:
 * @self: a #WhApplication
 * @summary: (nullable): a short summary of the API
 *
 * Sets #WhApplication:summary.
 */
DEFINE_STRING_ACCESSORS (summary, PROP_SUMMARY)

/**
 * wh_application_get_description:
 * @self: a #WhApplication
 *
 * Gets #WhApplication:description.
 *
 * Returns: (nullable): the description of the API
 */
/**
 * wh_application_set_description:
 * @self: a #WhApplication
 * @description: (nullable): a description of the API
 *
 * Sets #WhApplication:description.
 */
DEFINE_STRING_ACCESSORS (description, PROP_DESCRIPTION)

#undef DEFINE_STRING_ACCESSORS

/**
 * wh_application_add_server:
 * @self: a #WhApplication
 * @url: the URL of a server of the API, absolute or relative to the document
 * @description: (nullable): what the server is for
 *
 * Adds a server to the document's `servers`. Without any the document has
 * `[{"url": "/"}]`.
 */
void
wh_application_add_server (WhApplication *self,
                           const char    *url,
                           const char    *description)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  WhServerInfo *info;

  g_return_if_fail (WH_IS_APPLICATION (self));
  g_return_if_fail (url != NULL);

  info = g_new0 (WhServerInfo, 1);
  info->url = g_strdup (url);
  info->description = g_strdup (description);
  g_ptr_array_add (priv->servers, info);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVERS]);
}

/**
 * wh_application_add_tag:
 * @self: a #WhApplication
 * @name: the name of the tag, as handlers and gateways use it
 * @description: (nullable): what the operations with this tag have in common
 *
 * Declares a top-level tag, so that documentation tools can describe the group of
 * operations that carry it. Declaring a tag again replaces its description.
 */
void
wh_application_add_tag (WhApplication *self,
                        const char    *name,
                        const char    *description)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  WhTagInfo *info;

  g_return_if_fail (WH_IS_APPLICATION (self));
  g_return_if_fail (name != NULL);

  for (guint i = 0; i < priv->tags->len; i++)
    {
      info = g_ptr_array_index (priv->tags, i);
      if (g_str_equal (info->name, name))
        {
          if (wh_set_string (&info->description, description))
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
          return;
        }
    }

  info = g_new0 (WhTagInfo, 1);
  info->name = g_strdup (name);
  info->description = g_strdup (description);
  g_ptr_array_add (priv->tags, info);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
}

/**
 * wh_application_add_security_scheme:
 * @self: a #WhApplication
 * @scheme: a #WhSecurityScheme
 * @error: return location for a #GError
 *
 * Documents a security scheme in `components.securitySchemes` without requiring it
 * anywhere. Schemes that handlers, gateways or the application require are documented
 * without this. An incomplete scheme (%WH_ERROR_INVALID_SECURITY) or another scheme of
 * the same name (%WH_ERROR_DUPLICATE) is an error.
 *
 * Returns: %TRUE if the scheme was added
 */
gboolean
wh_application_add_security_scheme (WhApplication     *self,
                                    WhSecurityScheme  *scheme,
                                    GError           **error)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);
  WhOpenAPIIndex *index;

  g_return_val_if_fail (WH_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (WH_IS_SECURITY_SCHEME (scheme), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  index = ensure_index (self, error);
  if (index == NULL || !wh_openapi_index_add_scheme (index, scheme, error))
    return FALSE;

  watch_object (self, scheme);
  g_list_store_append (priv->security_schemes, scheme);
  return TRUE;
}

/**
 * wh_application_add_security:
 * @self: a #WhApplication
 * @scheme: a #WhSecurityScheme that every operation requires
 *
 * Requires @scheme (with its #WhSecurityScheme:scopes) for every operation: the
 * document's top-level `security`. The scheme is documented in
 * `components.securitySchemes`.
 */
void
wh_application_add_security (WhApplication    *self,
                             WhSecurityScheme *scheme)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_return_if_fail (WH_IS_APPLICATION (self));
  g_return_if_fail (WH_IS_SECURITY_SCHEME (scheme));

  watch_object (self, scheme);
  g_list_store_append (priv->security, scheme);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY]);
}

/**
 * wh_application_get_security:
 * @self: a #WhApplication
 *
 * Gets the security schemes every operation requires.
 *
 * Returns: (transfer none): a #GListModel of #WhSecurityScheme
 */
GListModel *
wh_application_get_security (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  g_return_val_if_fail (WH_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (priv->security);
}

/* Private accessors for the document builder. */

#define DEFINE_PRIVATE_GETTER(field)                                          \
const char *                                                                  \
wh_application_get_##field (WhApplication *self)                              \
{                                                                             \
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);    \
                                                                              \
  return priv->field;                                                         \
}

DEFINE_PRIVATE_GETTER (terms_of_service)
DEFINE_PRIVATE_GETTER (contact_name)
DEFINE_PRIVATE_GETTER (contact_url)
DEFINE_PRIVATE_GETTER (contact_email)
DEFINE_PRIVATE_GETTER (license_name)
DEFINE_PRIVATE_GETTER (license_identifier)
DEFINE_PRIVATE_GETTER (license_url)

#undef DEFINE_PRIVATE_GETTER

GPtrArray *
wh_application_get_server_infos (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  return priv->servers;
}

GPtrArray *
wh_application_get_tag_infos (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  return priv->tags;
}

GListModel *
wh_application_get_security_schemes (WhApplication *self)
{
  WhApplicationPrivate *priv = wh_application_get_instance_private (self);

  return G_LIST_MODEL (priv->security_schemes);
}
