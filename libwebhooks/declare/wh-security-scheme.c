/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-security-scheme
 * @Title: WhSecurityScheme
 * @Short_description: an OpenAPI security scheme
 *
 * A #WhSecurityScheme is one way to authenticate: an API key, an HTTP scheme
 * such as `bearer`, mutual TLS, OAuth 2 or OpenID Connect. Added to a handler
 * or a gateway, it goes into the document's `components.securitySchemes` under
 * its #WhSecurityScheme:name, and the operations refer to it by that name with
 * the #WhSecurityScheme:scopes they ask for.
 *
 * |[<!-- language="C" -->
 * g_autoptr(WhSecurityScheme) api_key =
 *   wh_security_scheme_new_api_key ("ApiKey", WH_PARAMETER_HEADER, "X-API-Key");
 * g_autoptr(WhSecurityScheme) jwt = wh_security_scheme_new_http ("Bearer", "bearer");
 *
 * g_object_set (jwt, "bearer-format", "JWT", NULL);
 * wh_handler_add_security (handler, api_key);
 * wh_gateway_add_security (gateway, jwt);
 * ]|
 *
 * Mutual TLS has no constructor of its own:
 * `g_object_new (WH_TYPE_SECURITY_SCHEME, "name", "ClientCert", "scheme-type",
 * WH_SECURITY_SCHEME_MUTUAL_TLS, NULL)`.
 */

#include "config.h"

#include "wh-util-private.h"
#include "wh-security-scheme.h"
#include "wh-enum-types.h"
#include "wh-error.h"

struct _WhSecurityScheme
{
  GObject parent_instance;

  char *name;
  WhSecuritySchemeType scheme_type;
  char *description;
  WhParameterLocation location;
  char *parameter_name;
  char *scheme;
  char *bearer_format;
  JsonNode *flows;
  char *open_id_connect_url;
  GStrv scopes;
};

/**
 * WH_TYPE_SECURITY_SCHEME:
 *
 * The #GType of #WhSecurityScheme.
 */

/**
 * WhSecurityScheme:
 *
 * An OpenAPI security scheme, and the scopes its users ask for.
 */
G_DEFINE_FINAL_TYPE (WhSecurityScheme, wh_security_scheme, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_SCHEME_TYPE,
  PROP_DESCRIPTION,
  PROP_LOCATION,
  PROP_PARAMETER_NAME,
  PROP_SCHEME,
  PROP_BEARER_FORMAT,
  PROP_FLOWS,
  PROP_OPEN_ID_CONNECT_URL,
  PROP_SCOPES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* json_node_copy() shares objects and arrays; the flows must not change behind
 * the scheme's back (a cached document holds them), so they are copied deeply. */
static JsonNode *
json_node_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *source = json_node_get_object (node);
        g_autoptr(JsonObject) object = json_object_new ();
        g_autoptr(GList) members = json_object_get_members (source);

        for (GList *l = members; l != NULL; l = l->next)
          json_object_set_member (object, l->data,
                                  json_node_deep_copy (json_object_get_member (source, l->data)));

        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_set_object (copy, object);
        return copy;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *source = json_node_get_array (node);
        guint length = json_array_get_length (source);
        g_autoptr(JsonArray) array = json_array_sized_new (length);

        for (guint i = 0; i < length; i++)
          json_array_add_element (array, json_node_deep_copy (json_array_get_element (source, i)));

        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_set_array (copy, array);
        return copy;
      }

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      copy = json_node_copy (node);
      return copy;
    }
}

static void
wh_security_scheme_finalize (GObject *object)
{
  WhSecurityScheme *self = WH_SECURITY_SCHEME (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->parameter_name, g_free);
  g_clear_pointer (&self->scheme, g_free);
  g_clear_pointer (&self->bearer_format, g_free);
  g_clear_pointer (&self->flows, json_node_unref);
  g_clear_pointer (&self->open_id_connect_url, g_free);
  g_clear_pointer (&self->scopes, g_strfreev);

  G_OBJECT_CLASS (wh_security_scheme_parent_class)->finalize (object);
}

static void
wh_security_scheme_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WhSecurityScheme *self = WH_SECURITY_SCHEME (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_SCHEME_TYPE:
      g_value_set_enum (value, self->scheme_type);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_LOCATION:
      g_value_set_enum (value, self->location);
      break;

    case PROP_PARAMETER_NAME:
      g_value_set_string (value, self->parameter_name);
      break;

    case PROP_SCHEME:
      g_value_set_string (value, self->scheme);
      break;

    case PROP_BEARER_FORMAT:
      g_value_set_string (value, self->bearer_format);
      break;

    case PROP_FLOWS:
      g_value_set_boxed (value, self->flows);
      break;

    case PROP_OPEN_ID_CONNECT_URL:
      g_value_set_string (value, self->open_id_connect_url);
      break;

    case PROP_SCOPES:
      g_value_set_boxed (value, self->scopes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_security_scheme_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  WhSecurityScheme *self = WH_SECURITY_SCHEME (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_SCHEME_TYPE:
      self->scheme_type = g_value_get_enum (value);
      break;

    case PROP_DESCRIPTION:
      wh_security_scheme_set_description (self, g_value_get_string (value));
      break;

    case PROP_LOCATION:
      if (self->location != (WhParameterLocation) g_value_get_enum (value))
        {
          self->location = g_value_get_enum (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_PARAMETER_NAME:
      if (wh_set_string (&self->parameter_name, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_SCHEME:
      if (wh_set_string (&self->scheme, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_BEARER_FORMAT:
      if (wh_set_string (&self->bearer_format, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_FLOWS:
      {
        JsonNode *flows = g_value_get_boxed (value);

        if (flows == self->flows || (flows != NULL && self->flows != NULL &&
                                     json_node_equal (flows, self->flows)))
          break;

        g_clear_pointer (&self->flows, json_node_unref);
        if (flows != NULL)
          {
            self->flows = json_node_deep_copy (flows);
            json_node_seal (self->flows);
          }
        g_object_notify_by_pspec (object, pspec);
      }
      break;

    case PROP_OPEN_ID_CONNECT_URL:
      if (wh_set_string (&self->open_id_connect_url, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    case PROP_SCOPES:
      wh_security_scheme_set_scopes (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_security_scheme_class_init (WhSecuritySchemeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wh_security_scheme_finalize;
  object_class->get_property = wh_security_scheme_get_property;
  object_class->set_property = wh_security_scheme_set_property;

  /**
   * WhSecurityScheme:name:
   *
   * The scheme's key in `components.securitySchemes`, by which operations refer to
   * it: letters, digits, `.`, `_` and `-`.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", "Name", "The scheme's key in components.securitySchemes",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:scheme-type:
   *
   * The kind of scheme (OpenAPI's `type`).
   */
  properties[PROP_SCHEME_TYPE] =
    g_param_spec_enum ("scheme-type", "Scheme type", "The kind of scheme",
                       WH_TYPE_SECURITY_SCHEME_TYPE, WH_SECURITY_SCHEME_HTTP,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:description:
   *
   * What the scheme is, in CommonMark, or %NULL.
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", "Description", "What the scheme is",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:location:
   *
   * Where an API key is carried: %WH_PARAMETER_HEADER, %WH_PARAMETER_QUERY or
   * %WH_PARAMETER_COOKIE (OpenAPI's `in`). Only for %WH_SECURITY_SCHEME_API_KEY.
   */
  properties[PROP_LOCATION] =
    g_param_spec_enum ("location", "Location", "Where an API key is carried",
                       WH_TYPE_PARAMETER_LOCATION, WH_PARAMETER_HEADER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:parameter-name:
   *
   * The header, query parameter or cookie that carries an API key (OpenAPI's
   * `name`). Only for %WH_SECURITY_SCHEME_API_KEY.
   */
  properties[PROP_PARAMETER_NAME] =
    g_param_spec_string ("parameter-name", "Parameter name", "What carries an API key",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:scheme:
   *
   * The HTTP authentication scheme, such as `bearer` or `basic`. Only for
   * %WH_SECURITY_SCHEME_HTTP.
   */
  properties[PROP_SCHEME] =
    g_param_spec_string ("scheme", "Scheme", "The HTTP authentication scheme",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:bearer-format:
   *
   * A hint at how a bearer token is made, such as `JWT`. Only for
   * %WH_SECURITY_SCHEME_HTTP.
   */
  properties[PROP_BEARER_FORMAT] =
    g_param_spec_string ("bearer-format", "Bearer format", "How a bearer token is made",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:flows:
   *
   * The OpenAPI OAuth Flows Object, such as
   * `{"clientCredentials": {"tokenUrl": "https://example.org/token", "scopes": {}}}`.
   * The scheme keeps a copy. Only for %WH_SECURITY_SCHEME_OAUTH2.
   */
  properties[PROP_FLOWS] =
    g_param_spec_boxed ("flows", "Flows", "The OAuth Flows Object",
                        JSON_TYPE_NODE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:open-id-connect-url:
   *
   * The URL of the OpenID Connect discovery document. Only for
   * %WH_SECURITY_SCHEME_OPENID_CONNECT.
   */
  properties[PROP_OPEN_ID_CONNECT_URL] =
    g_param_spec_string ("open-id-connect-url", "OpenID Connect URL",
                         "The URL of the OpenID Connect discovery document",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhSecurityScheme:scopes:
   *
   * The scopes (OAuth 2 and OpenID Connect) or roles that the operations using
   * this scheme ask for: the list in their security requirement.
   */
  properties[PROP_SCOPES] =
    g_param_spec_boxed ("scopes", "Scopes", "The scopes a requirement asks for",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_security_scheme_init (WhSecurityScheme *self)
{
  self->scheme_type = WH_SECURITY_SCHEME_HTTP;
  self->location = WH_PARAMETER_HEADER;
}

/**
 * wh_security_scheme_new_api_key:
 * @name: the scheme's name in `components.securitySchemes`
 * @location: where the key is carried: header, query or cookie
 * @parameter_name: the header, query parameter or cookie that carries it
 *
 * Creates an `apiKey` scheme.
 *
 * Returns: (transfer full): a new #WhSecurityScheme
 */
WhSecurityScheme *
wh_security_scheme_new_api_key (const char          *name,
                                WhParameterLocation  location,
                                const char          *parameter_name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (WH_TYPE_SECURITY_SCHEME,
                       "name", name,
                       "scheme-type", WH_SECURITY_SCHEME_API_KEY,
                       "location", location,
                       "parameter-name", parameter_name,
                       NULL);
}

/**
 * wh_security_scheme_new_http:
 * @name: the scheme's name in `components.securitySchemes`
 * @scheme: the HTTP authentication scheme, such as `bearer` or `basic`
 *
 * Creates an `http` scheme. Set #WhSecurityScheme:bearer-format to say how a
 * bearer token is made.
 *
 * Returns: (transfer full): a new #WhSecurityScheme
 */
WhSecurityScheme *
wh_security_scheme_new_http (const char *name,
                             const char *scheme)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (WH_TYPE_SECURITY_SCHEME,
                       "name", name,
                       "scheme-type", WH_SECURITY_SCHEME_HTTP,
                       "scheme", scheme,
                       NULL);
}

/**
 * wh_security_scheme_new_oauth2:
 * @name: the scheme's name in `components.securitySchemes`
 * @flows: (transfer none): the OAuth Flows Object
 *
 * Creates an `oauth2` scheme. The scheme keeps a copy of @flows.
 *
 * Returns: (transfer full): a new #WhSecurityScheme
 */
WhSecurityScheme *
wh_security_scheme_new_oauth2 (const char *name,
                               JsonNode   *flows)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (WH_TYPE_SECURITY_SCHEME,
                       "name", name,
                       "scheme-type", WH_SECURITY_SCHEME_OAUTH2,
                       "flows", flows,
                       NULL);
}

/**
 * wh_security_scheme_new_openid_connect:
 * @name: the scheme's name in `components.securitySchemes`
 * @url: the URL of the OpenID Connect discovery document
 *
 * Creates an `openIdConnect` scheme.
 *
 * Returns: (transfer full): a new #WhSecurityScheme
 */
WhSecurityScheme *
wh_security_scheme_new_openid_connect (const char *name,
                                       const char *url)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (WH_TYPE_SECURITY_SCHEME,
                       "name", name,
                       "scheme-type", WH_SECURITY_SCHEME_OPENID_CONNECT,
                       "open-id-connect-url", url,
                       NULL);
}

/**
 * wh_security_scheme_get_name:
 * @self: a #WhSecurityScheme
 *
 * Gets the scheme's name in `components.securitySchemes`.
 *
 * Returns: (transfer none) (nullable): the name
 */
const char *
wh_security_scheme_get_name (WhSecurityScheme *self)
{
  g_return_val_if_fail (WH_IS_SECURITY_SCHEME (self), NULL);

  return self->name;
}

/**
 * wh_security_scheme_get_scheme_type:
 * @self: a #WhSecurityScheme
 *
 * Gets the kind of scheme.
 *
 * Returns: the scheme type
 */
WhSecuritySchemeType
wh_security_scheme_get_scheme_type (WhSecurityScheme *self)
{
  g_return_val_if_fail (WH_IS_SECURITY_SCHEME (self), WH_SECURITY_SCHEME_HTTP);

  return self->scheme_type;
}

/**
 * wh_security_scheme_get_description:
 * @self: a #WhSecurityScheme
 *
 * Gets what the scheme is.
 *
 * Returns: (transfer none) (nullable): the description
 */
const char *
wh_security_scheme_get_description (WhSecurityScheme *self)
{
  g_return_val_if_fail (WH_IS_SECURITY_SCHEME (self), NULL);

  return self->description;
}

/**
 * wh_security_scheme_set_description:
 * @self: a #WhSecurityScheme
 * @description: (nullable): what the scheme is
 *
 * Sets what the scheme is.
 */
void
wh_security_scheme_set_description (WhSecurityScheme *self,
                                    const char       *description)
{
  g_return_if_fail (WH_IS_SECURITY_SCHEME (self));

  if (wh_set_string (&self->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

/**
 * wh_security_scheme_get_scopes:
 * @self: a #WhSecurityScheme
 *
 * Gets the scopes that the operations using this scheme ask for.
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the scopes, or
 *   %NULL for none
 */
const char * const *
wh_security_scheme_get_scopes (WhSecurityScheme *self)
{
  g_return_val_if_fail (WH_IS_SECURITY_SCHEME (self), NULL);

  return (const char * const *) self->scopes;
}

/**
 * wh_security_scheme_set_scopes:
 * @self: a #WhSecurityScheme
 * @scopes: (array zero-terminated=1) (nullable): the scopes, or %NULL for none
 *
 * Sets the scopes that the operations using this scheme ask for.
 */
void
wh_security_scheme_set_scopes (WhSecurityScheme   *self,
                               const char * const *scopes)
{
  g_return_if_fail (WH_IS_SECURITY_SCHEME (self));

  if (scopes != NULL && scopes[0] == NULL)
    scopes = NULL;

  if (self->scopes == NULL && scopes == NULL)
    return;
  if (self->scopes != NULL && scopes != NULL &&
      g_strv_equal ((const char * const *) self->scopes, scopes))
    return;

  g_strfreev (self->scopes);
  self->scopes = g_strdupv ((char **) scopes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPES]);
}

static gboolean
name_is_component_key (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
        return FALSE;
    }

  return TRUE;
}

static const char *
location_to_string (WhParameterLocation location)
{
  switch (location)
    {
    case WH_PARAMETER_QUERY:
      return "query";
    case WH_PARAMETER_HEADER:
      return "header";
    case WH_PARAMETER_COOKIE:
      return "cookie";
    case WH_PARAMETER_PATH:
    default:
      return NULL;
    }
}

/**
 * wh_security_scheme_to_json:
 * @self: a #WhSecurityScheme
 * @error: return location for a #GError
 *
 * Builds the OpenAPI Security Scheme Object, such as
 * `{"type": "apiKey", "in": "header", "name": "X-API-Key"}` or
 * `{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}`.
 *
 * A scheme that lacks what its kind needs (an API key without a parameter name
 * or carried in the path, an HTTP scheme without #WhSecurityScheme:scheme, OAuth 2
 * without a flows object, OpenID Connect without a URL), or whose name is not a
 * valid component key, is reported as %WH_ERROR_INVALID_SECURITY.
 *
 * Returns: (transfer full): the Security Scheme Object, or %NULL with @error set
 */
JsonNode *
wh_security_scheme_to_json (WhSecurityScheme  *self,
                            GError           **error)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *node;

  g_return_val_if_fail (WH_IS_SECURITY_SCHEME (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!name_is_component_key (self->name))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECURITY,
                   "The security scheme name “%s” cannot be used: give it a non-empty name "
                   "made of letters, digits, “.”, “_” and “-” (it is an OpenAPI component key).",
                   self->name != NULL ? self->name : "");
      return NULL;
    }

  object = json_object_new ();

  switch (self->scheme_type)
    {
    case WH_SECURITY_SCHEME_API_KEY:
      {
        const char *in = location_to_string (self->location);

        if (in == NULL)
          {
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECURITY,
                         "The API key scheme “%s” cannot be carried in the path: "
                         "set its location to a header, a query parameter or a cookie.",
                         self->name);
            return NULL;
          }
        if (self->parameter_name == NULL || *self->parameter_name == '\0')
          {
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECURITY,
                         "The API key scheme “%s” has no parameter name: set “parameter-name” "
                         "to the %s that carries the key, such as “X-API-Key”.",
                         self->name, in);
            return NULL;
          }

        json_object_set_string_member (object, "type", "apiKey");
        json_object_set_string_member (object, "in", in);
        json_object_set_string_member (object, "name", self->parameter_name);
      }
      break;

    case WH_SECURITY_SCHEME_HTTP:
      if (self->scheme == NULL || *self->scheme == '\0')
        {
          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECURITY,
                       "The HTTP security scheme “%s” has no authentication scheme: set "
                       "“scheme” to “bearer”, “basic” or another registered scheme.",
                       self->name);
          return NULL;
        }

      json_object_set_string_member (object, "type", "http");
      json_object_set_string_member (object, "scheme", self->scheme);
      if (self->bearer_format != NULL)
        json_object_set_string_member (object, "bearerFormat", self->bearer_format);
      break;

    case WH_SECURITY_SCHEME_MUTUAL_TLS:
      json_object_set_string_member (object, "type", "mutualTLS");
      break;

    case WH_SECURITY_SCHEME_OAUTH2:
      if (self->flows == NULL || !JSON_NODE_HOLDS_OBJECT (self->flows))
        {
          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECURITY,
                       "The OAuth 2 security scheme “%s” has no flows: set “flows” to an "
                       "OAuth Flows Object, such as {\"clientCredentials\": {\"tokenUrl\": "
                       "\"https://example.org/token\", \"scopes\": {}}}.",
                       self->name);
          return NULL;
        }

      json_object_set_string_member (object, "type", "oauth2");
      json_object_set_member (object, "flows", json_node_deep_copy (self->flows));
      break;

    case WH_SECURITY_SCHEME_OPENID_CONNECT:
      if (self->open_id_connect_url == NULL || *self->open_id_connect_url == '\0')
        {
          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECURITY,
                       "The OpenID Connect security scheme “%s” has no URL: set "
                       "“open-id-connect-url” to the URL of its discovery document.",
                       self->name);
          return NULL;
        }

      json_object_set_string_member (object, "type", "openIdConnect");
      json_object_set_string_member (object, "openIdConnectUrl", self->open_id_connect_url);
      break;

    default:
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECURITY,
                   "The security scheme “%s” has an unknown type %d: use a "
                   "WhSecuritySchemeType value.",
                   self->name, (int) self->scheme_type);
      return NULL;
    }

  if (self->description != NULL)
    json_object_set_string_member (object, "description", self->description);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return node;
}
