/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-endpoint
 * @Title: WhEndpoint
 * @Short_description: a subscriber's URL, secret and event filter
 *
 * A #WhEndpoint is a subscription: the URL that receives webhooks, the secret they
 * are signed with, the events it wants and the extra headers sent with each request.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 * g_autoptr(WhEndpoint) endpoint = wh_endpoint_new ("https://example.org/hooks", &error);
 * const char *events[] = { "new-payment", NULL };
 *
 * if (endpoint == NULL)
 *   g_printerr ("%s\n", error->message);
 * wh_endpoint_set_events (endpoint, events);
 * wh_endpoint_set_header (endpoint, "Authorization", "Bearer 1234", &error);
 * ]|
 *
 * An endpoint gets an id (`ep_` followed by a unique, time-sortable id) and a fresh
 * `whsec_` secret when it is made; give the secret to the subscriber so that it can
 * verify what it receives.
 *
 * # Rotating the secret
 *
 * A subscriber cannot switch to a new secret at the very moment the sender does. So
 * wh_endpoint_rotate_secret() makes a new secret current and keeps the previous one
 * for a while: until then every webhook is signed with both (the `webhook-signature`
 * header lists one signature per secret, as Standard Webhooks specifies), and a
 * receiver that still holds the old secret verifies it as well as one that already
 * has the new one.
 *
 * |[<!-- language="C" -->
 * // Keep signing with the old secret for one more day.
 * wh_endpoint_rotate_secret (endpoint, NULL,
 *                            g_get_real_time () + G_TIME_SPAN_DAY, &error);
 * wh_store_update_endpoint (store, endpoint, &error);
 * g_print ("New secret: %s\n", wh_endpoint_get_secret (endpoint));
 * ]|
 *
 * The previous secrets are #WhEndpoint:previous-secrets, saved by the store with the
 * rest of the endpoint; wh_endpoint_get_active_secrets() tells which secrets sign at a
 * given time.
 *
 * The URL, the secret and the headers are checked when they are set. The functions
 * wh_endpoint_set_url(), wh_endpoint_set_secret() and wh_endpoint_set_headers() report
 * a bad value as a #GError; setting one through its property (g_object_set(), Python
 * keywords, GJS object literals) cannot report an error, so a bad value is refused with
 * a warning and the previous value stays.
 *
 * Headers are a list of `Name: value` lines (a list of strings works the same in C,
 * Python and JavaScript, where a hash table would not). wh_endpoint_set_header() sets,
 * replaces or removes one of them by name. Header names are compared without regard to
 * case. The headers that the delivery itself sets (`webhook-*`, `Content-Type`,
 * `Content-Length`, `Host`, `Transfer-Encoding`, `Connection`) cannot be set.
 */

#include "config.h"

#include <string.h>

#include "wh-endpoint.h"
#include "wh-error.h"
#include "wh-id-private.h"
#include "wh-signature.h"

struct _WhEndpoint
{
  GObject parent_instance;

  char *id;
  char *url;
  char *secret;
  GStrv previous_secrets;      /* "<secret> <until>" lines, newest first */
  GStrv events;
  char *description;
  GStrv headers;
  gboolean enabled;
};

/**
 * WH_TYPE_ENDPOINT:
 *
 * The #GType of #WhEndpoint.
 */

/**
 * WhEndpoint:
 *
 * A subscriber: where webhooks go, how they are signed and which ones it wants.
 */
G_DEFINE_FINAL_TYPE (WhEndpoint, wh_endpoint, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_URL,
  PROP_SECRET,
  PROP_PREVIOUS_SECRETS,
  PROP_EVENTS,
  PROP_ENABLED,
  PROP_DESCRIPTION,
  PROP_HEADERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
check_url (const char  *url,
           GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "“%s” is not a valid endpoint URL (%s); give an absolute http:// or "
                   "https:// URL such as https://example.org/hooks",
                   url, local_error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "The endpoint URL “%s” uses the scheme “%s”; webhooks are sent over "
                   "HTTP, so use an http:// or https:// URL",
                   url, scheme);
      return FALSE;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "The endpoint URL “%s” has no host; give a URL such as "
                   "https://example.org/hooks",
                   url);
      return FALSE;
    }

  if (g_uri_get_user (uri) != NULL || g_uri_get_password (uri) != NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "The endpoint URL “%s” carries credentials; send them in a header "
                   "with wh_endpoint_set_header() instead",
                   url);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
check_header (const char  *name,
              const char  *value,
              GError     **error)
{
  if (*name == '\0')
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "A header has an empty name; write headers as “Name: value”");
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p++)
    if (!is_token_char (*p))
      {
        g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                     "The header name “%s” has a character that HTTP does not allow in "
                     "names; use letters, digits and - only",
                     name);
        return FALSE;
      }

  if (g_ascii_strncasecmp (name, "webhook-", strlen ("webhook-")) == 0 ||
      g_ascii_strcasecmp (name, "content-type") == 0 ||
      g_ascii_strcasecmp (name, "content-length") == 0 ||
      g_ascii_strcasecmp (name, "host") == 0 ||
      g_ascii_strcasecmp (name, "transfer-encoding") == 0 ||
      g_ascii_strcasecmp (name, "connection") == 0)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "The header “%s” is set by the delivery itself and cannot be "
                   "configured on an endpoint; choose another name",
                   name);
      return FALSE;
    }

  if (value != NULL)
    for (const char *p = value; *p != '\0'; p++)
      if (*p == '\r' || *p == '\n')
        {
          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                       "The value of the header “%s” has a line break; a header value "
                       "must fit on one line",
                       name);
          return FALSE;
        }

  return TRUE;
}

/* Splits "Name: value" into its trimmed parts, or sets @error. */
static gboolean
parse_header_line (const char  *line,
                   char       **name,
                   char       **value,
                   GError     **error)
{
  const char *colon = strchr (line, ':');
  g_autofree char *n = NULL;
  g_autofree char *v = NULL;

  if (colon == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "The header line “%s” has no colon; write headers as “Name: value”",
                   line);
      return FALSE;
    }

  n = g_strstrip (g_strndup (line, colon - line));
  v = g_strstrip (g_strdup (colon + 1));
  if (!check_header (n, v, error))
    return FALSE;

  *name = g_steal_pointer (&n);
  *value = g_steal_pointer (&v);
  return TRUE;
}

/* Returns the headers in their canonical "Name: value" form, the last line winning
 * when a name repeats, or NULL with @error set. */
static GStrv
normalize_headers (const char * const  *headers,
                   GError             **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      guint j;

      if (!parse_header_line (headers[i], &name, &value, error))
        return NULL;

      for (j = 0; j < names->len; j++)
        if (g_ascii_strcasecmp (g_ptr_array_index (names, j), name) == 0)
          break;

      if (j < names->len)
        {
          g_free (g_ptr_array_index (lines, j));
          g_ptr_array_index (lines, j) = g_strdup_printf ("%s: %s", name, value);
        }
      else
        {
          g_ptr_array_add (lines, g_strdup_printf ("%s: %s", name, value));
          g_ptr_array_add (names, g_steal_pointer (&name));
        }
    }

  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal (a, b);
}

/* The key bytes matter, not the optional prefix. */
static const char *
secret_key (const char *secret)
{
  return g_str_has_prefix (secret, WH_SIGNATURE_SECRET_PREFIX)
         ? secret + strlen (WH_SIGNATURE_SECRET_PREFIX) : secret;
}

static gboolean
same_secret (const char *a,
             const char *b)
{
  return g_str_equal (secret_key (a), secret_key (b));
}

/* Splits a "<secret> <until>" line of #WhEndpoint:previous-secrets. */
static gboolean
parse_previous_secret (const char  *line,
                       char       **secret,
                       gint64      *until,
                       GError     **error)
{
  const char *space = strrchr (line, ' ');
  g_autofree char *key = NULL;
  const char *time_text;
  char *end = NULL;
  guint64 value;

  if (space == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                   "The previous secret “%s” has no expiry; write it as “<secret> <until>”, "
                   "the time in microseconds since the Unix epoch",
                   line);
      return FALSE;
    }

  key = g_strstrip (g_strndup (line, space - line));
  time_text = space + 1;
  value = g_ascii_strtoull (time_text, &end, 10);
  if (*time_text < '0' || *time_text > '9' || end == NULL || *end != '\0' ||
      value == 0 || value > G_MAXINT64)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                   "The expiry “%s” of a previous secret is not a time; give it in "
                   "microseconds since the Unix epoch, as g_get_real_time() does",
                   time_text);
      return FALSE;
    }

  if (!wh_signature_check_secret (key, error))
    return FALSE;

  if (secret != NULL)
    *secret = g_steal_pointer (&key);
  if (until != NULL)
    *until = (gint64) value;
  return TRUE;
}

static void
set_previous_secrets_take (WhEndpoint *self,
                           GStrv       lines)
{
  if (g_strv_equal ((const char * const *) self->previous_secrets, (const char * const *) lines))
    {
      g_strfreev (lines);
      return;
    }

  g_strfreev (self->previous_secrets);
  self->previous_secrets = lines;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIOUS_SECRETS]);
}

static void
wh_endpoint_constructed (GObject *object)
{
  WhEndpoint *self = WH_ENDPOINT (object);

  G_OBJECT_CLASS (wh_endpoint_parent_class)->constructed (object);

  if (self->id == NULL || *self->id == '\0')
    {
      g_free (self->id);
      self->id = wh_id_new ("ep_");
    }
}

static void
wh_endpoint_finalize (GObject *object)
{
  WhEndpoint *self = WH_ENDPOINT (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->secret, g_free);
  g_clear_pointer (&self->previous_secrets, g_strfreev);
  g_clear_pointer (&self->events, g_strfreev);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->headers, g_strfreev);

  G_OBJECT_CLASS (wh_endpoint_parent_class)->finalize (object);
}

static void
wh_endpoint_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  WhEndpoint *self = WH_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_SECRET:
      g_value_set_string (value, self->secret);
      break;

    case PROP_PREVIOUS_SECRETS:
      g_value_set_boxed (value, self->previous_secrets);
      break;

    case PROP_EVENTS:
      g_value_set_boxed (value, self->events);
      break;

    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_HEADERS:
      g_value_set_boxed (value, self->headers);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A property setter cannot return an error: a bad value is refused with a warning. */
static void
warn_refused (WhEndpoint *self,
              const char *property,
              GError     *error)
{
  g_warning ("WhEndpoint %s: refused the new %s and kept the previous one: %s",
             self->id ? self->id : "(new)", property, error->message);
}

static void
wh_endpoint_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  WhEndpoint *self = WH_ENDPOINT (object);
  g_autoptr(GError) error = NULL;

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      break;

    case PROP_URL:
      if (g_value_get_string (value) == NULL)
        {
          if (self->url != NULL)
            g_warning ("WhEndpoint %s: the URL cannot be unset", self->id ? self->id : "(new)");
        }
      else if (!wh_endpoint_set_url (self, g_value_get_string (value), &error))
        warn_refused (self, "URL", error);
      break;

    case PROP_SECRET:
      if (g_value_get_string (value) == NULL)
        g_warning ("WhEndpoint %s: the secret cannot be unset", self->id ? self->id : "(new)");
      else if (!wh_endpoint_set_secret (self, g_value_get_string (value), &error))
        warn_refused (self, "secret", error);
      break;

    case PROP_PREVIOUS_SECRETS:
      if (!wh_endpoint_set_previous_secrets (self, g_value_get_boxed (value), &error))
        warn_refused (self, "previous secrets", error);
      break;

    case PROP_EVENTS:
      wh_endpoint_set_events (self, g_value_get_boxed (value));
      break;

    case PROP_ENABLED:
      wh_endpoint_set_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_DESCRIPTION:
      wh_endpoint_set_description (self, g_value_get_string (value));
      break;

    case PROP_HEADERS:
      if (!wh_endpoint_set_headers (self, g_value_get_boxed (value), &error))
        warn_refused (self, "headers", error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_endpoint_class_init (WhEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wh_endpoint_constructed;
  object_class->finalize = wh_endpoint_finalize;
  object_class->get_property = wh_endpoint_get_property;
  object_class->set_property = wh_endpoint_set_property;

  /**
   * WhEndpoint:id:
   *
   * The endpoint's id, `ep_` followed by a unique, time-sortable id unless another id
   * is given when the endpoint is made.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", "Id", "The endpoint's id",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * WhEndpoint:url:
   *
   * The absolute `http` or `https` URL webhooks are posted to. An invalid URL set
   * through the property is refused with a warning; wh_endpoint_set_url() reports it
   * as a #GError.
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", "URL", "The URL webhooks are posted to",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhEndpoint:secret:
   *
   * The signing secret, `whsec_` followed by base64. A new endpoint has a fresh random
   * secret. An invalid secret set through the property is refused with a warning;
   * wh_endpoint_set_secret() reports it as a #GError.
   */
  properties[PROP_SECRET] =
    g_param_spec_string ("secret", "Secret", "The signing secret",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhEndpoint:previous-secrets:
   *
   * The secrets a rotation replaced that still sign webhooks for a while, newest
   * first, each as a `<secret> <until>` line: the secret, a space, and the time until
   * which it signs, in microseconds since the Unix epoch. wh_endpoint_rotate_secret()
   * adds to it; a store saves and restores it. Invalid lines set through the property
   * are refused with a warning; wh_endpoint_set_previous_secrets() reports them as a
   * #GError.
   */
  properties[PROP_PREVIOUS_SECRETS] =
    g_param_spec_boxed ("previous-secrets", "Previous secrets",
                        "Replaced secrets that still sign, as \"<secret> <until>\" lines",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhEndpoint:events:
   *
   * The names of the webhooks the endpoint receives, or %NULL for all of them.
   */
  properties[PROP_EVENTS] =
    g_param_spec_boxed ("events", "Events", "The webhooks the endpoint receives, or NULL for all",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhEndpoint:enabled:
   *
   * Whether webhooks are sent to the endpoint. A disabled endpoint gets no new
   * deliveries and its pending ones wait until it is enabled again.
   */
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", "Enabled", "Whether webhooks are sent to the endpoint",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhEndpoint:description:
   *
   * A note for people about the endpoint, or %NULL.
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", "Description", "A note about the endpoint",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhEndpoint:headers:
   *
   * Extra request headers, as `Name: value` lines. Invalid lines set through the
   * property are refused with a warning; wh_endpoint_set_headers() reports them as a
   * #GError.
   */
  properties[PROP_HEADERS] =
    g_param_spec_boxed ("headers", "Headers", "Extra request headers as \"Name: value\" lines",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_endpoint_init (WhEndpoint *self)
{
  self->secret = wh_signature_generate_secret ();
  self->enabled = TRUE;
  self->previous_secrets = g_new0 (char *, 1);
  self->headers = g_new0 (char *, 1);
}

/**
 * wh_endpoint_new:
 * @url: the absolute `http` or `https` URL webhooks are posted to
 * @error: return location for a #GError, or %NULL
 *
 * Makes an endpoint for @url, enabled, receiving every webhook, with a new id and a
 * fresh signing secret.
 *
 * Returns: (transfer full) (nullable): the new endpoint, or %NULL with @error set to
 *   %WH_ERROR_INVALID_PARAMETER if @url is not an absolute `http` or `https` URL
 */
WhEndpoint *
wh_endpoint_new (const char  *url,
                 GError     **error)
{
  g_autoptr(WhEndpoint) self = NULL;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (WH_TYPE_ENDPOINT, NULL);
  if (!wh_endpoint_set_url (self, url, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * wh_endpoint_get_id:
 * @self: a #WhEndpoint
 *
 * Gets the endpoint's id.
 *
 * Returns: the id, `ep_` followed by a unique id unless another was given
 */
const char *
wh_endpoint_get_id (WhEndpoint *self)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);

  return self->id;
}

/**
 * wh_endpoint_get_url:
 * @self: a #WhEndpoint
 *
 * Gets the URL webhooks are posted to.
 *
 * Returns: (nullable): the URL, or %NULL if none was set yet
 */
const char *
wh_endpoint_get_url (WhEndpoint *self)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);

  return self->url;
}

/**
 * wh_endpoint_set_url:
 * @self: a #WhEndpoint
 * @url: an absolute `http` or `https` URL
 * @error: return location for a #GError, or %NULL
 *
 * Sets the URL webhooks are posted to, after checking it.
 *
 * Returns: %TRUE if the URL was set, %FALSE with @error set to
 *   %WH_ERROR_INVALID_PARAMETER if it is not an absolute `http` or `https` URL (the
 *   previous URL stays)
 */
gboolean
wh_endpoint_set_url (WhEndpoint  *self,
                     const char  *url,
                     GError     **error)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_url (url, error))
    return FALSE;

  if (g_strcmp0 (self->url, url) != 0)
    {
      g_free (self->url);
      self->url = g_strdup (url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
    }

  return TRUE;
}

/**
 * wh_endpoint_get_secret:
 * @self: a #WhEndpoint
 *
 * Gets the secret webhooks to this endpoint are signed with. Give it to the
 * subscriber, so that it can verify them.
 *
 * Returns: the secret
 */
const char *
wh_endpoint_get_secret (WhEndpoint *self)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);

  return self->secret;
}

/**
 * wh_endpoint_set_secret:
 * @self: a #WhEndpoint
 * @secret: a signing secret, base64 with or without the `whsec_` prefix
 * @error: return location for a #GError, or %NULL
 *
 * Sets the secret webhooks to this endpoint are signed with, for instance one the
 * subscriber already has. wh_signature_generate_secret() makes a new one.
 *
 * Returns: %TRUE if the secret was set, %FALSE with @error set to
 *   %WH_ERROR_INVALID_SECRET if it cannot be used (the previous secret stays)
 */
gboolean
wh_endpoint_set_secret (WhEndpoint  *self,
                        const char  *secret,
                        GError     **error)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wh_signature_check_secret (secret, error))
    return FALSE;

  if (g_strcmp0 (self->secret, secret) != 0)
    {
      g_free (self->secret);
      self->secret = g_strdup (secret);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRET]);
    }

  return TRUE;
}

/**
 * wh_endpoint_rotate_secret:
 * @self: a #WhEndpoint
 * @new_secret: (nullable): the new signing secret, base64 with or without the `whsec_`
 *   prefix, or %NULL to generate one
 * @keep_old_until: until when the current secret keeps signing too, in microseconds
 *   since the Unix epoch (such as `g_get_real_time () + G_TIME_SPAN_DAY`); a time
 *   already past drops it at once
 * @error: return location for a #GError, or %NULL
 *
 * Replaces the signing secret while the subscriber switches over: @new_secret becomes
 * #WhEndpoint:secret, and the secret it replaces joins #WhEndpoint:previous-secrets
 * until @keep_old_until. Until then webhooks carry a signature for each, so that a
 * receiver verifies them with either. Previous secrets whose time has passed are
 * dropped. Save the endpoint with wh_store_update_endpoint() for deliveries to use
 * the new secret.
 *
 * Returns: %TRUE if the secret was rotated, %FALSE with @error set to
 *   %WH_ERROR_INVALID_SECRET if @new_secret cannot be used or is already the current
 *   secret (nothing changes then)
 */
gboolean
wh_endpoint_rotate_secret (WhEndpoint  *self,
                           const char  *new_secret,
                           gint64       keep_old_until,
                           GError     **error)
{
  g_autofree char *secret = NULL;
  g_autoptr(GStrvBuilder) previous = NULL;
  gint64 now;

  g_return_val_if_fail (WH_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (new_secret == NULL)
    secret = wh_signature_generate_secret ();
  else if (!wh_signature_check_secret (new_secret, error))
    return FALSE;
  else
    secret = g_strdup (new_secret);

  if (same_secret (secret, self->secret))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                   "The new secret of the endpoint %s is its current secret; give another "
                   "one, or none to have one generated",
                   self->id);
      return FALSE;
    }

  now = g_get_real_time ();
  previous = g_strv_builder_new ();
  if (keep_old_until > now)
    {
      g_autofree char *line = g_strdup_printf ("%s %" G_GINT64_FORMAT,
                                               self->secret, keep_old_until);

      g_strv_builder_add (previous, line);
    }

  for (guint i = 0; self->previous_secrets[i] != NULL; i++)
    {
      g_autofree char *old = NULL;
      gint64 until = 0;

      /* Lines were checked when they were set. */
      if (!parse_previous_secret (self->previous_secrets[i], &old, &until, NULL))
        continue;
      if (until > now && !same_secret (old, secret) && !same_secret (old, self->secret))
        g_strv_builder_add (previous, self->previous_secrets[i]);
    }

  g_object_freeze_notify (G_OBJECT (self));
  g_free (self->secret);
  self->secret = g_steal_pointer (&secret);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRET]);
  set_previous_secrets_take (self, g_strv_builder_end (previous));
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * wh_endpoint_get_active_secrets:
 * @self: a #WhEndpoint
 * @now: the time to ask about, in microseconds since the Unix epoch, such as
 *   g_get_real_time()
 *
 * Gets the secrets webhooks to this endpoint are signed with at @now: the current
 * secret first, then the previous secrets (see wh_endpoint_rotate_secret()) whose
 * time has not passed yet, newest first.
 *
 * Returns: (transfer full) (array zero-terminated=1): the secrets, at least the current
 *   one
 */
char **
wh_endpoint_get_active_secrets (WhEndpoint *self,
                                gint64      now)
{
  g_autoptr(GStrvBuilder) active = NULL;

  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);

  active = g_strv_builder_new ();
  g_strv_builder_add (active, self->secret);
  for (guint i = 0; self->previous_secrets[i] != NULL; i++)
    {
      g_autofree char *secret = NULL;
      gint64 until = 0;

      if (parse_previous_secret (self->previous_secrets[i], &secret, &until, NULL) &&
          until > now)
        g_strv_builder_add (active, secret);
    }

  return g_strv_builder_end (active);
}

/**
 * wh_endpoint_get_previous_secrets:
 * @self: a #WhEndpoint
 *
 * Gets the secrets a rotation replaced, with the time until which each still signs
 * (#WhEndpoint:previous-secrets), including those whose time has passed since.
 *
 * Returns: (transfer none) (array zero-terminated=1): `<secret> <until>` lines, newest
 *   first, possibly none
 */
const char * const *
wh_endpoint_get_previous_secrets (WhEndpoint *self)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);

  return (const char * const *) self->previous_secrets;
}

/**
 * wh_endpoint_set_previous_secrets:
 * @self: a #WhEndpoint
 * @previous_secrets: (nullable) (array zero-terminated=1): `<secret> <until>` lines, or
 *   %NULL for none
 * @error: return location for a #GError, or %NULL
 *
 * Replaces #WhEndpoint:previous-secrets. A store uses it to restore an endpoint;
 * applications rotate with wh_endpoint_rotate_secret() instead, or end a rotation
 * early by setting none.
 *
 * Returns: %TRUE if the secrets were set, %FALSE with @error set to
 *   %WH_ERROR_INVALID_SECRET if a line is not a usable secret followed by a space and
 *   a time in microseconds since the Unix epoch (the previous value stays)
 */
gboolean
wh_endpoint_set_previous_secrets (WhEndpoint         *self,
                                  const char * const *previous_secrets,
                                  GError            **error)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; previous_secrets != NULL && previous_secrets[i] != NULL; i++)
    if (!parse_previous_secret (previous_secrets[i], NULL, NULL, error))
      return FALSE;

  set_previous_secrets_take (self, previous_secrets != NULL
                                   ? g_strdupv ((char **) previous_secrets)
                                   : g_new0 (char *, 1));
  return TRUE;
}

/**
 * wh_endpoint_get_events:
 * @self: a #WhEndpoint
 *
 * Gets the names of the webhooks the endpoint receives.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the names, or %NULL
 *   if the endpoint receives every webhook
 */
const char * const *
wh_endpoint_get_events (WhEndpoint *self)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);

  return (const char * const *) self->events;
}

/**
 * wh_endpoint_set_events:
 * @self: a #WhEndpoint
 * @events: (nullable) (array zero-terminated=1): the names of the webhooks the endpoint
 *   receives, or %NULL for all of them
 *
 * Chooses the webhooks the endpoint receives. An empty list means none.
 */
void
wh_endpoint_set_events (WhEndpoint         *self,
                        const char * const *events)
{
  g_return_if_fail (WH_IS_ENDPOINT (self));

  if (strv_equal0 ((const char * const *) self->events, events))
    return;

  g_strfreev (self->events);
  self->events = g_strdupv ((char **) events);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENTS]);
}

/**
 * wh_endpoint_accepts_event:
 * @self: a #WhEndpoint
 * @event: the name of a webhook
 *
 * Tells whether the endpoint subscribes to @event, according to #WhEndpoint:events.
 * It does not look at #WhEndpoint:enabled.
 *
 * Returns: %TRUE if @event is one of the endpoint's events, or it has none set
 */
gboolean
wh_endpoint_accepts_event (WhEndpoint *self,
                           const char *event)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  return self->events == NULL || g_strv_contains ((const char * const *) self->events, event);
}

/**
 * wh_endpoint_get_enabled:
 * @self: a #WhEndpoint
 *
 * Tells whether webhooks are sent to the endpoint.
 *
 * Returns: %TRUE if the endpoint is enabled
 */
gboolean
wh_endpoint_get_enabled (WhEndpoint *self)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), FALSE);

  return self->enabled;
}

/**
 * wh_endpoint_set_enabled:
 * @self: a #WhEndpoint
 * @enabled: whether webhooks are sent to the endpoint
 *
 * Enables or disables the endpoint.
 */
void
wh_endpoint_set_enabled (WhEndpoint *self,
                         gboolean    enabled)
{
  g_return_if_fail (WH_IS_ENDPOINT (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;

  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

/**
 * wh_endpoint_get_description:
 * @self: a #WhEndpoint
 *
 * Gets the note about the endpoint.
 *
 * Returns: (nullable): the description, or %NULL
 */
const char *
wh_endpoint_get_description (WhEndpoint *self)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);

  return self->description;
}

/**
 * wh_endpoint_set_description:
 * @self: a #WhEndpoint
 * @description: (nullable): a note about the endpoint, or %NULL
 *
 * Sets a note for people about the endpoint.
 */
void
wh_endpoint_set_description (WhEndpoint *self,
                             const char *description)
{
  g_return_if_fail (WH_IS_ENDPOINT (self));

  if (g_strcmp0 (self->description, description) == 0)
    return;

  g_free (self->description);
  self->description = g_strdup (description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

/**
 * wh_endpoint_get_headers:
 * @self: a #WhEndpoint
 *
 * Gets the extra request headers, as `Name: value` lines.
 *
 * Returns: (transfer none) (array zero-terminated=1): the header lines, possibly none
 */
const char * const *
wh_endpoint_get_headers (WhEndpoint *self)
{
  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);

  return (const char * const *) self->headers;
}

/**
 * wh_endpoint_set_headers:
 * @self: a #WhEndpoint
 * @headers: (nullable) (array zero-terminated=1): `Name: value` lines, or %NULL for none
 * @error: return location for a #GError, or %NULL
 *
 * Replaces the extra request headers. Spaces around names and values are dropped; when
 * a name repeats, the last line wins.
 *
 * Returns: %TRUE if the headers were set, %FALSE with @error set to
 *   %WH_ERROR_INVALID_PARAMETER if a line is not a valid header or names a header the
 *   delivery sets itself (the previous headers stay)
 */
gboolean
wh_endpoint_set_headers (WhEndpoint         *self,
                         const char * const *headers,
                         GError            **error)
{
  g_auto(GStrv) normalized = NULL;

  g_return_val_if_fail (WH_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  normalized = normalize_headers (headers, error);
  if (normalized == NULL)
    return FALSE;

  if (g_strv_equal ((const char * const *) self->headers, (const char * const *) normalized))
    return TRUE;

  g_strfreev (self->headers);
  self->headers = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEADERS]);

  return TRUE;
}

/**
 * wh_endpoint_get_header:
 * @self: a #WhEndpoint
 * @name: a header name, in any case
 *
 * Looks up one of the extra request headers.
 *
 * Returns: (nullable): the header's value, or %NULL if the endpoint does not set it
 */
const char *
wh_endpoint_get_header (WhEndpoint *self,
                        const char *name)
{
  gsize length;

  g_return_val_if_fail (WH_IS_ENDPOINT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  length = strlen (name);
  for (guint i = 0; self->headers[i] != NULL; i++)
    if (g_ascii_strncasecmp (self->headers[i], name, length) == 0 &&
        self->headers[i][length] == ':')
      return self->headers[i] + length + 2;

  return NULL;
}

/**
 * wh_endpoint_set_header:
 * @self: a #WhEndpoint
 * @name: a header name
 * @value: (nullable): the header's value, or %NULL to remove the header
 * @error: return location for a #GError, or %NULL
 *
 * Sets, replaces or removes one extra request header.
 *
 * Returns: %TRUE on success, %FALSE with @error set to %WH_ERROR_INVALID_PARAMETER if
 *   @name or @value cannot be sent, or @name is a header the delivery sets itself
 */
gboolean
wh_endpoint_set_header (WhEndpoint  *self,
                        const char  *name,
                        const char  *value,
                        GError     **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *trimmed_name = NULL;
  g_autofree char *trimmed_value = NULL;
  gsize length;
  gboolean replaced = FALSE;

  g_return_val_if_fail (WH_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  trimmed_name = g_strstrip (g_strdup (name));
  trimmed_value = value ? g_strstrip (g_strdup (value)) : NULL;
  if (!check_header (trimmed_name, trimmed_value, error))
    return FALSE;

  length = strlen (trimmed_name);
  lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; self->headers[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (self->headers[i], trimmed_name, length) == 0 &&
          self->headers[i][length] == ':')
        {
          if (trimmed_value != NULL && !replaced)
            g_ptr_array_add (lines, g_strdup_printf ("%s: %s", trimmed_name, trimmed_value));
          replaced = TRUE;
        }
      else
        g_ptr_array_add (lines, g_strdup (self->headers[i]));
    }
  if (!replaced && trimmed_value != NULL)
    g_ptr_array_add (lines, g_strdup_printf ("%s: %s", trimmed_name, trimmed_value));
  g_ptr_array_add (lines, NULL);

  if (g_strv_equal ((const char * const *) self->headers, (const char * const *) lines->pdata))
    return TRUE;

  g_strfreev (self->headers);
  self->headers = (GStrv) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEADERS]);

  return TRUE;
}
