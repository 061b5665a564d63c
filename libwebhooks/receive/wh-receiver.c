/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-receiver
 * @Title: WhReceiver
 * @Short_description: receive webhooks: verify, drop repeats, turn them into models
 *
 * A #WhReceiver is the consuming side of a webhook: mounted on a path of a #SoupServer
 * that the caller owns and runs, it answers the `POST` requests a sender (a
 * #WhDispatcher, or any Standard Webhooks sender) makes, and emits
 * #WhReceiver::received once for each authentic webhook.
 *
 * For each request it:
 *
 * - refuses any method but `POST` (`405 Method Not Allowed`, with `Allow: POST`) and a
 *   body larger than #WhReceiver:max-body-size (`413 Content Too Large`) without keeping
 *   the body;
 * - checks the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers against
 *   the exact bytes of the body with wh_signature_verify_at(): a missing or malformed
 *   header, a timestamp further than #WhReceiver:tolerance from the receiver's clock, or
 *   a signature made with none of #WhReceiver:secrets gives `401 Unauthorized` with a JSON
 *   body whose `type` names the problem (`missing_headers`, `malformed_signature`,
 *   `timestamp_too_old`, `timestamp_too_new`, `signature_mismatch`);
 * - answers `200 OK` without a second signal to a `webhook-id` it has already delivered
 *   (a sender retries when it does not see an answer, so the same webhook can come
 *   twice); it remembers the last #WhReceiver:dedup-capacity ids, so its memory stays
 *   bounded;
 * - refuses a body that is not JSON (`400 Bad Request`) and, when #WhReceiver:application
 *   and #WhReceiver:event are set, a body that does not match the schema of that webhook
 *   in the application's OpenAPI document (`422 Unprocessable Content`, with one problem
 *   per mistake as Esmerald reports them); a valid body is then turned into an instance of
 *   the webhook's model class with wh_model_deserialize();
 * - emits #WhReceiver::received and answers `200 OK` with an empty body (not `204`:
 *   libsoup 3.2's server closes the connection after every 204, which would make each
 *   sender open a new connection for every webhook). Only then is the
 *   `webhook-id` remembered, so that a webhook refused for its body can be sent again
 *   once the sender has fixed it.
 *
 * |[<!-- language="C" -->
 * static void
 * on_payment (WhReceiver *receiver,
 *             const char *webhook_id,
 *             const char *event,
 *             JsonNode   *payload,
 *             GObject    *model,
 *             gpointer    user_data)
 * {
 *   DemoPayment *payment = DEMO_PAYMENT (model);
 *   ...
 * }
 *
 * g_autoptr(WhReceiver) receiver = wh_receiver_new (secret, &error);
 * wh_receiver_set_application (receiver, app);
 * wh_receiver_set_event (receiver, "new-payment");
 * g_signal_connect (receiver, "received", G_CALLBACK (on_payment), NULL);
 * if (!wh_receiver_attach (receiver, server, "/hooks/payments", &error))
 *   g_printerr ("%s\n", error->message);
 * ]|
 *
 * Everything runs on the server's main context; the receiver uses no thread.
 */

#include "config.h"

#include <string.h>

#include "wh-error.h"
#include "wh-handler.h"
#include "wh-json-private.h"
#include "wh-model.h"
#include "wh-receiver.h"
#include "wh-schema-validator-private.h"
#include "wh-server-paths-private.h"
#include "wh-signature.h"
#include "wh-webhook-handler.h"

/* The recently delivered webhook-ids: a ring in arrival order, so that the oldest is
 * forgotten first, and a set over the same strings for the lookup. */
typedef struct
{
  char       **ring;      /* owns the strings */
  guint        capacity;
  guint        oldest;
  guint        length;
  GHashTable  *set;       /* borrows the ring's strings */
} WhSeenIds;

struct _WhReceiver
{
  GObject parent_instance;

  GStrv          secrets;
  guint          tolerance;
  guint          max_body_size;
  WhApplication *application;
  char          *event;
  WhSeenIds      seen;
};

/**
 * WH_TYPE_RECEIVER:
 *
 * The #GType of #WhReceiver.
 */

/**
 * WhReceiver:
 *
 * The receiving end of one webhook endpoint: verifies, de-duplicates and emits what a
 * sender posts to the path it is attached to.
 */
G_DEFINE_FINAL_TYPE (WhReceiver, wh_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SECRET,
  PROP_SECRETS,
  PROP_TOLERANCE,
  PROP_MAX_BODY_SIZE,
  PROP_DEDUP_CAPACITY,
  PROP_APPLICATION,
  PROP_EVENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Remembered ids */

static void
seen_ids_init (WhSeenIds *seen,
               guint      capacity)
{
  seen->ring = NULL;
  seen->capacity = capacity;
  seen->oldest = 0;
  seen->length = 0;
  seen->set = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
seen_ids_clear (WhSeenIds *seen)
{
  for (guint i = 0; i < seen->length; i++)
    g_free (seen->ring[(seen->oldest + i) % seen->capacity]);
  g_clear_pointer (&seen->ring, g_free);
  g_clear_pointer (&seen->set, g_hash_table_unref);
  seen->oldest = 0;
  seen->length = 0;
}

static gboolean
seen_ids_contains (WhSeenIds  *seen,
                   const char *id)
{
  return g_hash_table_contains (seen->set, id);
}

static void
seen_ids_add (WhSeenIds  *seen,
              const char *id)
{
  char *copy;

  if (seen->capacity == 0 || seen_ids_contains (seen, id))
    return;

  /* Allocated on first use, so that a receiver that never gets a webhook costs nothing. */
  if (seen->ring == NULL)
    seen->ring = g_new0 (char *, seen->capacity);

  copy = g_strdup (id);
  if (seen->length == seen->capacity)
    {
      char *evicted = seen->ring[seen->oldest];

      g_hash_table_remove (seen->set, evicted);
      g_free (evicted);
      seen->ring[seen->oldest] = copy;
      seen->oldest = (seen->oldest + 1) % seen->capacity;
    }
  else
    {
      seen->ring[(seen->oldest + seen->length) % seen->capacity] = copy;
      seen->length++;
    }

  g_hash_table_add (seen->set, copy);
}

/* Keeps the newest ids that fit. */
static void
seen_ids_resize (WhSeenIds *seen,
                 guint      capacity)
{
  guint keep = MIN (seen->length, capacity);
  guint drop = seen->length - keep;
  char **ring = NULL;

  if (capacity == seen->capacity)
    return;

  for (guint i = 0; i < drop; i++)
    {
      char *evicted = seen->ring[(seen->oldest + i) % seen->capacity];

      g_hash_table_remove (seen->set, evicted);
      g_free (evicted);
    }

  if (keep > 0)
    {
      ring = g_new0 (char *, capacity);
      for (guint i = 0; i < keep; i++)
        ring[i] = seen->ring[(seen->oldest + drop + i) % seen->capacity];
    }

  g_free (seen->ring);
  seen->ring = ring;
  seen->capacity = capacity;
  seen->oldest = 0;
  seen->length = keep;
}

/* Properties */

static gboolean
check_secrets (const char * const  *secrets,
               GError             **error)
{
  guint n = secrets != NULL ? g_strv_length ((char **) secrets) : 0;

  if (n == 0)
    {
      g_set_error_literal (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                           "A receiver needs at least one signing secret: give it the "
                           "secret of the endpoint it receives for, such as the one "
                           "wh_endpoint_get_secret() returns.");
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!wh_signature_check_secret (secrets[i], &local_error))
        {
          if (n == 1)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                         "Secret %u of %u cannot be used. %s", i + 1, n,
                         local_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_strv_equal (a, b);
}

/* Sets the secrets from a property: a bad one cannot be returned as an error there, so it
 * is reported and the previous secrets are kept. wh_receiver_new() and
 * wh_receiver_set_secrets() are the ways to get the error. */
static void
set_secrets_from_property (WhReceiver         *self,
                           const char * const *secrets)
{
  g_autoptr(GError) error = NULL;

  if (!check_secrets (secrets, &error))
    {
      g_warning ("WhReceiver: %s The previous secrets are kept.", error->message);
      return;
    }

  wh_receiver_set_secrets (self, secrets, NULL);
}

static void
wh_receiver_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  WhReceiver *self = WH_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_SECRET:
      g_value_set_string (value, wh_receiver_get_secret (self));
      break;

    case PROP_SECRETS:
      g_value_set_boxed (value, self->secrets);
      break;

    case PROP_TOLERANCE:
      g_value_set_uint (value, self->tolerance);
      break;

    case PROP_MAX_BODY_SIZE:
      g_value_set_uint (value, self->max_body_size);
      break;

    case PROP_DEDUP_CAPACITY:
      g_value_set_uint (value, self->seen.capacity);
      break;

    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;

    case PROP_EVENT:
      g_value_set_string (value, self->event);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_receiver_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  WhReceiver *self = WH_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_SECRET:
      /* NULL is what g_object_new() passes when no secret is given. */
      if (g_value_get_string (value) != NULL)
        {
          const char *secrets[] = { g_value_get_string (value), NULL };

          set_secrets_from_property (self, secrets);
        }
      break;

    case PROP_SECRETS:
      if (g_value_get_boxed (value) != NULL)
        set_secrets_from_property (self, g_value_get_boxed (value));
      break;

    case PROP_TOLERANCE:
      wh_receiver_set_tolerance (self, g_value_get_uint (value));
      break;

    case PROP_MAX_BODY_SIZE:
      wh_receiver_set_max_body_size (self, g_value_get_uint (value));
      break;

    case PROP_DEDUP_CAPACITY:
      wh_receiver_set_dedup_capacity (self, g_value_get_uint (value));
      break;

    case PROP_APPLICATION:
      wh_receiver_set_application (self, g_value_get_object (value));
      break;

    case PROP_EVENT:
      wh_receiver_set_event (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_receiver_finalize (GObject *object)
{
  WhReceiver *self = WH_RECEIVER (object);

  if (self->secrets != NULL)
    for (guint i = 0; self->secrets[i] != NULL; i++)
      explicit_bzero (self->secrets[i], strlen (self->secrets[i]));
  g_clear_pointer (&self->secrets, g_strfreev);
  g_clear_object (&self->application);
  g_clear_pointer (&self->event, g_free);
  seen_ids_clear (&self->seen);

  G_OBJECT_CLASS (wh_receiver_parent_class)->finalize (object);
}

static void
wh_receiver_class_init (WhReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wh_receiver_get_property;
  object_class->set_property = wh_receiver_set_property;
  object_class->finalize = wh_receiver_finalize;

  /**
   * WhReceiver:secret:
   *
   * The signing secret of the endpoint this receiver receives for, with or without the
   * `whsec_` prefix: the first of #WhReceiver:secrets. Setting it replaces all of them.
   * An unusable secret set through this property is reported with a warning and
   * ignored; wh_receiver_new() and wh_receiver_set_secrets() report it as a #GError.
   */
  properties[PROP_SECRET] =
    g_param_spec_string ("secret", "Secret",
                         "The signing secret webhooks must be signed with",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhReceiver:secrets:
   *
   * All the secrets a webhook may be signed with: a webhook is authentic if its
   * `webhook-signature` holds a signature made with any of them. While the sender's
   * secret is being replaced, list the new one and the old one.
   */
  properties[PROP_SECRETS] =
    g_param_spec_boxed ("secrets", "Secrets",
                        "The signing secrets any of which a webhook may be signed with",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhReceiver:tolerance:
   *
   * How many seconds a webhook's `webhook-timestamp` may be before or after the
   * receiver's clock. Older webhooks are refused as possible replays.
   */
  properties[PROP_TOLERANCE] =
    g_param_spec_uint ("tolerance", "Tolerance",
                       "How many seconds the webhook timestamp may be from the receiver's clock",
                       0, G_MAXUINT, WH_SIGNATURE_DEFAULT_TOLERANCE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhReceiver:max-body-size:
   *
   * The largest request body, in bytes, that the receiver keeps. A larger one is
   * answered with `413 Content Too Large` and never held in memory whole.
   */
  properties[PROP_MAX_BODY_SIZE] =
    g_param_spec_uint ("max-body-size", "Maximum body size",
                       "The largest request body, in bytes, the receiver accepts",
                       0, G_MAXUINT, WH_RECEIVER_DEFAULT_MAX_BODY_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhReceiver:dedup-capacity:
   *
   * How many of the most recently delivered `webhook-id`s the receiver remembers in
   * order to answer a repeat without emitting #WhReceiver::received again. When it is
   * full, the oldest id is forgotten. 0 turns de-duplication off.
   */
  properties[PROP_DEDUP_CAPACITY] =
    g_param_spec_uint ("dedup-capacity", "De-duplication capacity",
                       "How many recent webhook ids are remembered to drop repeats",
                       0, G_MAXUINT, WH_RECEIVER_DEFAULT_DEDUP_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhReceiver:application:
   *
   * The application that declares the webhook received, or %NULL. With
   * #WhReceiver:event, the body is validated against that webhook's schema in the
   * application's OpenAPI document and turned into an instance of its model class.
   */
  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", "Application",
                         "The application that declares the webhook received",
                         WH_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhReceiver:event:
   *
   * The name of the webhook this receiver receives, as declared in
   * #WhReceiver:application (the Standard Webhooks headers do not carry it), or %NULL.
   * It is passed to #WhReceiver::received and is that signal's detail.
   */
  properties[PROP_EVENT] =
    g_param_spec_string ("event", "Event",
                         "The name of the webhook received",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WhReceiver::received:
   * @self: the #WhReceiver
   * @webhook_id: the webhook's `webhook-id`
   * @event: (nullable): #WhReceiver:event
   * @payload: the body, parsed
   * @model: (nullable): the body as an instance of the webhook's model class, when
   *   #WhReceiver:application and #WhReceiver:event are set and the webhook has a body
   *   type
   *
   * Emitted once for each authentic webhook, before the sender gets its `200 OK`.
   * A repeat of a webhook-id already delivered is not emitted again. The
   * signal is detailed with #WhReceiver:event, so `received::new-payment` gets only
   * that webhook when several receivers share a handler.
   */
  /* No class handler: the class struct of a final type has no room for one, and no
   * binding can subclass a final type to override it. */
  signals[SIGNAL_RECEIVED] =
    g_signal_new ("received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  G_TYPE_STRING,
                  G_TYPE_STRING,
                  JSON_TYPE_NODE,
                  G_TYPE_OBJECT);
}

static void
wh_receiver_init (WhReceiver *self)
{
  self->tolerance = WH_SIGNATURE_DEFAULT_TOLERANCE;
  self->max_body_size = WH_RECEIVER_DEFAULT_MAX_BODY_SIZE;
  seen_ids_init (&self->seen, WH_RECEIVER_DEFAULT_DEDUP_CAPACITY);
}

/**
 * wh_receiver_new:
 * @secret: the signing secret of the endpoint, with or without the `whsec_` prefix
 * @error: return location for a #GError, or %NULL
 *
 * Creates a receiver that accepts webhooks signed with @secret. Mount it on a server
 * with wh_receiver_attach().
 *
 * Returns: (transfer full) (nullable): a new #WhReceiver, or %NULL with @error set to
 *   %WH_ERROR_INVALID_SECRET if @secret is not base64
 */
WhReceiver *
wh_receiver_new (const char  *secret,
                 GError     **error)
{
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!wh_signature_check_secret (secret, error))
    return NULL;

  return g_object_new (WH_TYPE_RECEIVER, "secret", secret, NULL);
}

/**
 * wh_receiver_get_secret:
 * @self: a #WhReceiver
 *
 * Gets #WhReceiver:secret, the first of the receiver's secrets.
 *
 * Returns: (nullable): the secret, or %NULL if none was set
 */
const char *
wh_receiver_get_secret (WhReceiver *self)
{
  g_return_val_if_fail (WH_IS_RECEIVER (self), NULL);

  return self->secrets != NULL ? self->secrets[0] : NULL;
}

/**
 * wh_receiver_get_secrets:
 * @self: a #WhReceiver
 *
 * Gets #WhReceiver:secrets, every secret a webhook may be signed with.
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the secrets, or %NULL
 *   if none was set
 */
const char * const *
wh_receiver_get_secrets (WhReceiver *self)
{
  g_return_val_if_fail (WH_IS_RECEIVER (self), NULL);

  return (const char * const *) self->secrets;
}

/**
 * wh_receiver_set_secrets:
 * @self: a #WhReceiver
 * @secrets: (array zero-terminated=1): the accepted secrets, the current one first
 * @error: return location for a #GError, or %NULL
 *
 * Replaces the secrets a webhook may be signed with. List the sender's new secret and
 * the one it replaces while a secret is being rotated, then only the new one.
 *
 * Returns: %TRUE if the secrets were set, %FALSE with @error set to
 *   %WH_ERROR_INVALID_SECRET (and the previous secrets kept) if @secrets is empty or one
 *   of them is not base64
 */
gboolean
wh_receiver_set_secrets (WhReceiver          *self,
                         const char * const  *secrets,
                         GError             **error)
{
  g_return_val_if_fail (WH_IS_RECEIVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_secrets (secrets, error))
    return FALSE;

  if (strv_equal0 ((const char * const *) self->secrets, secrets))
    return TRUE;

  g_clear_pointer (&self->secrets, g_strfreev);
  self->secrets = g_strdupv ((char **) secrets);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRET]);
  return TRUE;
}

/**
 * wh_receiver_get_tolerance:
 * @self: a #WhReceiver
 *
 * Gets #WhReceiver:tolerance.
 *
 * Returns: how many seconds a webhook's timestamp may be from the receiver's clock
 */
guint
wh_receiver_get_tolerance (WhReceiver *self)
{
  g_return_val_if_fail (WH_IS_RECEIVER (self), 0);

  return self->tolerance;
}

/**
 * wh_receiver_set_tolerance:
 * @self: a #WhReceiver
 * @seconds: how many seconds a webhook's timestamp may be from the receiver's clock
 *
 * Sets #WhReceiver:tolerance. The default, %WH_SIGNATURE_DEFAULT_TOLERANCE, is what the
 * Standard Webhooks specification recommends.
 */
void
wh_receiver_set_tolerance (WhReceiver *self,
                           guint       seconds)
{
  g_return_if_fail (WH_IS_RECEIVER (self));

  if (self->tolerance == seconds)
    return;

  self->tolerance = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOLERANCE]);
}

/**
 * wh_receiver_get_max_body_size:
 * @self: a #WhReceiver
 *
 * Gets #WhReceiver:max-body-size.
 *
 * Returns: the largest body, in bytes, the receiver accepts
 */
guint
wh_receiver_get_max_body_size (WhReceiver *self)
{
  g_return_val_if_fail (WH_IS_RECEIVER (self), 0);

  return self->max_body_size;
}

/**
 * wh_receiver_set_max_body_size:
 * @self: a #WhReceiver
 * @max_body_size: the largest body, in bytes, to accept
 *
 * Sets #WhReceiver:max-body-size.
 */
void
wh_receiver_set_max_body_size (WhReceiver *self,
                               guint       max_body_size)
{
  g_return_if_fail (WH_IS_RECEIVER (self));

  if (self->max_body_size == max_body_size)
    return;

  self->max_body_size = max_body_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BODY_SIZE]);
}

/**
 * wh_receiver_get_dedup_capacity:
 * @self: a #WhReceiver
 *
 * Gets #WhReceiver:dedup-capacity.
 *
 * Returns: how many recent webhook ids the receiver remembers
 */
guint
wh_receiver_get_dedup_capacity (WhReceiver *self)
{
  g_return_val_if_fail (WH_IS_RECEIVER (self), 0);

  return self->seen.capacity;
}

/**
 * wh_receiver_set_dedup_capacity:
 * @self: a #WhReceiver
 * @capacity: how many recent webhook ids to remember, or 0 to remember none
 *
 * Sets #WhReceiver:dedup-capacity. Shrinking it forgets the oldest ids beyond the new
 * capacity and keeps the others.
 */
void
wh_receiver_set_dedup_capacity (WhReceiver *self,
                                guint       capacity)
{
  g_return_if_fail (WH_IS_RECEIVER (self));

  if (self->seen.capacity == capacity)
    return;

  seen_ids_resize (&self->seen, capacity);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEDUP_CAPACITY]);
}

/**
 * wh_receiver_get_application:
 * @self: a #WhReceiver
 *
 * Gets #WhReceiver:application.
 *
 * Returns: (transfer none) (nullable): the application that declares the webhook
 */
WhApplication *
wh_receiver_get_application (WhReceiver *self)
{
  g_return_val_if_fail (WH_IS_RECEIVER (self), NULL);

  return self->application;
}

/**
 * wh_receiver_set_application:
 * @self: a #WhReceiver
 * @application: (nullable): the application that declares the webhook, or %NULL
 *
 * Sets #WhReceiver:application. With #WhReceiver:event, bodies are validated against
 * the webhook's schema and turned into its model.
 */
void
wh_receiver_set_application (WhReceiver    *self,
                             WhApplication *application)
{
  g_return_if_fail (WH_IS_RECEIVER (self));
  g_return_if_fail (application == NULL || WH_IS_APPLICATION (application));

  if (g_set_object (&self->application, application))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPLICATION]);
}

/**
 * wh_receiver_get_event:
 * @self: a #WhReceiver
 *
 * Gets #WhReceiver:event.
 *
 * Returns: (nullable): the name of the webhook received
 */
const char *
wh_receiver_get_event (WhReceiver *self)
{
  g_return_val_if_fail (WH_IS_RECEIVER (self), NULL);

  return self->event;
}

/**
 * wh_receiver_set_event:
 * @self: a #WhReceiver
 * @event: (nullable): the name of the webhook received, as declared, or %NULL
 *
 * Sets #WhReceiver:event: the webhook whose model the bodies are. Without it, bodies
 * reach #WhReceiver::received as JSON only.
 */
void
wh_receiver_set_event (WhReceiver *self,
                       const char *event)
{
  g_return_if_fail (WH_IS_RECEIVER (self));

  if (g_strcmp0 (self->event, event) == 0)
    return;

  g_free (self->event);
  self->event = g_strdup (event);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT]);
}

/* Responses */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize length;
  char *text = wh_json_to_string (body, FALSE, &length);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_body_append_take (soup_server_message_get_response_body (msg),
                                 (guchar *) text, length);
}

/* {"detail": <detail>} and, when @type is given, {"type": <type>} beside it. */
static void
respond_detail (SoupServerMessage *msg,
                guint              status,
                const char        *type,
                const char        *detail)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail);
  if (type != NULL)
    {
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, type);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  respond_json (msg, status, body);
}

static void
respond_problems (SoupServerMessage *msg,
                  JsonArray         *problems)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);

  json_object_set_array_member (object, "detail", json_array_ref (problems));
  json_node_set_object (body, object);

  respond_json (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, body);
}

static void
refuse_method (SoupServerMessage *msg)
{
  g_autofree char *detail =
    g_strdup_printf ("Method %s is not allowed: webhooks are received with POST.",
                     soup_server_message_get_method (msg));

  respond_detail (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, detail);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Allow", "POST");
}

static void
refuse_size (SoupServerMessage *msg,
             guint              max_body_size)
{
  g_autofree char *detail =
    g_strdup_printf ("The body is larger than the %u bytes this receiver accepts.",
                     max_body_size);

  respond_detail (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL, detail);
}

/* The body limit */

typedef struct
{
  guint64            received;
  guint              max_body_size;
} BodyLimit;

static void
body_limit_free (gpointer  data,
                 GClosure *closure)
{
  g_free (data);
}

/* Chunked bodies give no size up front: count them as they come, and stop keeping them
 * once they are too large (libsoup 3.2 reads the rest of the body whatever the status,
 * so dropping it is what keeps the memory bounded). */
static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  BodyLimit *limit = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  limit->received += g_bytes_get_size (chunk);
  if (limit->received <= limit->max_body_size)
    return;

  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  if (soup_server_message_get_status (msg) == 0)
    refuse_size (msg, limit->max_body_size);
}

/* Mounts */

typedef struct
{
  WhReceiver    *receiver;
  char          *path;
  /* Set on the mount of the request handler only: the path is free again once libsoup
   * drops that handler (soup_server_remove_handler(), or a handler added on the same
   * path), so that a receiver can be attached there again. */
  WhServerPaths *server_paths;
} WhReceiverMount;

static void
mount_free (gpointer data)
{
  WhReceiverMount *mount = data;

  if (mount->server_paths != NULL)
    {
      wh_server_paths_release (mount->server_paths, mount->path, G_OBJECT (mount->receiver));
      wh_server_paths_unref (mount->server_paths);
    }
  g_object_unref (mount->receiver);
  g_free (mount->path);
  g_free (mount);
}

static WhReceiverMount *
mount_new (WhReceiver    *receiver,
           const char    *path,
           WhServerPaths *server_paths)
{
  WhReceiverMount *mount = g_new0 (WhReceiverMount, 1);

  mount->receiver = g_object_ref (receiver);
  mount->path = g_strdup (path);
  mount->server_paths = server_paths != NULL ? wh_server_paths_ref (server_paths) : NULL;
  return mount;
}

/* libsoup replaces a handler added on a path that has one without a word: @path must be
 * free of every handler libwebhooks mounted, and of every path below it that a route
 * answers, since libsoup gives those to the receiver's handler too. */
static gboolean
check_path_free (WhReceiver     *self,
                 WhServerPaths  *server_paths,
                 const char     *path,
                 GError        **error)
{
  const WhServedPath *served = wh_server_paths_lookup (server_paths, path, TRUE);
  WhApplication *app = NULL;
  const char *template;

  if (served != NULL && served->owner == G_OBJECT (self))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                   "This receiver is already attached to “%s” on this server: attach it "
                   "there once, or to another path.", path);
      return FALSE;
    }

  if (served != NULL && served->served_by == WH_SERVED_BY_RECEIVER)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                   "The path “%s” is taken on this server by %s: attach this receiver to "
                   "another path.", path, served->what);
      return FALSE;
    }

  if (served != NULL)
    {
      const char *title = wh_application_get_title (WH_APPLICATION (served->owner));

      if (served->subtree)
        g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                     "The application “%s” serves its docs assets under “%s” on this "
                     "server: attach the receiver to another path.", title, served->path);
      else
        g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                     "The application “%s” already serves its %s on “%s” on this server: "
                     "attach the receiver to another path.", title, served->what, path);
      return FALSE;
    }

  template = wh_router_find_route_taken_by (wh_server_paths_get_router (server_paths), NULL,
                                            path, &app);
  if (template != NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                   "The application “%s” serves the route %s on this server, and a receiver "
                   "on “%s” would take its requests: attach the receiver to another path.",
                   wh_application_get_title (app), template, path);
      return FALSE;
    }

  return TRUE;
}

/* How the messages of wh_application_attach() and of other receivers name this one. */
static char *
describe_receiver (WhReceiver *self)
{
  if (self->event != NULL)
    return g_strdup_printf ("the receiver of “%s”", self->event);

  return g_strdup ("a receiver");
}

/* libsoup hands a handler every path below its own too. */
static gboolean
check_path (SoupServerMessage *msg,
            WhReceiverMount   *mount)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (g_strcmp0 (path, mount->path) == 0)
    return TRUE;

  respond_detail (msg, SOUP_STATUS_NOT_FOUND, NULL, "Not Found");
  return FALSE;
}

/* Runs when the headers are in, before the body is read, so that a request that will be
 * refused is not kept in memory. */
static void
handle_headers (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  WhReceiverMount *mount = user_data;
  WhReceiver *self = mount->receiver;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  BodyLimit *limit;

  if (!check_path (msg, mount))
    {
      soup_message_body_set_accumulate (body, FALSE);
      return;
    }

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      soup_message_body_set_accumulate (body, FALSE);
      refuse_method (msg);
      return;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > self->max_body_size)
    {
      soup_message_body_set_accumulate (body, FALSE);
      refuse_size (msg, self->max_body_size);
      return;
    }

  limit = g_new0 (BodyLimit, 1);
  limit->max_body_size = self->max_body_size;
  g_signal_connect_data (msg, "got-chunk", G_CALLBACK (on_got_chunk),
                         limit, body_limit_free, 0);
}

static const char *
signature_problem_type (const GError *error)
{
  if (g_error_matches (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_OLD))
    return "timestamp_too_old";
  if (g_error_matches (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_NEW))
    return "timestamp_too_new";
  if (g_error_matches (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH))
    return "signature_mismatch";
  return "malformed_signature";
}

/* Any of the secrets may match; the other checks (headers, timestamp) do not depend on
 * the secret, so their error is final at the first secret. */
static gboolean
verify (WhReceiver          *self,
        SoupMessageHeaders  *headers,
        GBytes              *body,
        const char         **problem_type,
        GError             **error)
{
  const char *names[] = { "webhook-id", "webhook-timestamp", "webhook-signature" };
  const char *values[G_N_ELEMENTS (names)];
  g_autoptr(GString) missing = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      values[i] = soup_message_headers_get_one (headers, names[i]);
      if (values[i] != NULL && values[i][0] != '\0')
        continue;

      if (missing == NULL)
        missing = g_string_new (names[i]);
      else
        g_string_append_printf (missing, ", %s", names[i]);
    }

  if (missing != NULL)
    {
      *problem_type = "missing_headers";
      g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MALFORMED,
                   "The request has no %s header: a webhook must carry webhook-id, "
                   "webhook-timestamp and webhook-signature, as Standard Webhooks "
                   "senders send them.", missing->str);
      return FALSE;
    }

  for (guint i = 0; self->secrets[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (wh_signature_verify_at (self->secrets[i], values[0], values[1], values[2], body,
                                  now, self->tolerance, &local_error))
        return TRUE;

      if (self->secrets[i + 1] == NULL ||
          !g_error_matches (local_error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH))
        {
          *problem_type = signature_problem_type (local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  g_assert_not_reached ();
  return FALSE;
}

/* The schema of @handler's body in the application's document, where what is accepted
 * is what is documented; NULL (and no error) if the webhook has no body. */
static JsonNode *
lookup_body_schema (JsonObject *document,
                    const char *event,
                    WhHandler  *handler,
                    JsonObject **schemas)
{
  const char * const *methods = wh_handler_get_methods (handler);
  g_autofree char *method = NULL;
  JsonObject *object;
  JsonNode *node;
  g_autoptr(GList) media_types = NULL;

  *schemas = NULL;
  if (json_object_has_member (document, "components"))
    {
      JsonObject *components = json_object_get_object_member (document, "components");

      if (components != NULL && json_object_has_member (components, "schemas"))
        *schemas = json_object_get_object_member (components, "schemas");
    }

  if (methods == NULL || methods[0] == NULL)
    return NULL;
  method = g_ascii_strdown (g_strv_contains (methods, "POST") ? "POST" : methods[0], -1);

  node = json_object_get_member (document, "webhooks");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  node = json_object_get_member (json_node_get_object (node), event);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  node = json_object_get_member (json_node_get_object (node), method);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  node = json_object_get_member (json_node_get_object (node), "requestBody");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  node = json_object_get_member (json_node_get_object (node), "content");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  media_types = json_object_get_members (object);
  if (media_types == NULL)
    return NULL;
  node = json_object_get_member (object, media_types->data);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_object_get_member (json_node_get_object (node), "schema");
}

typedef enum
{
  CONVERT_OK,
  CONVERT_INVALID,     /* the sender's mistake: 422 */
  CONVERT_MISCONFIGURED, /* the receiver's: 500 */
} ConvertResult;

/* Validates @payload against the declared webhook and makes its model. */
static ConvertResult
convert_payload (WhReceiver        *self,
                 JsonNode          *payload,
                 GObject          **model,
                 JsonArray         *problems,
                 GError           **error)
{
  WhWebhookHandler *webhook;
  JsonNode *document;
  JsonNode *schema;
  JsonObject *schemas;
  GType body_type;
  const char * const loc_prefix[] = { "body", NULL };
  g_autoptr(WhSchemaValidator) validator = NULL;
  g_autoptr(GError) local_error = NULL;

  *model = NULL;
  if (self->application == NULL || self->event == NULL)
    return CONVERT_OK;

  webhook = wh_application_lookup_webhook (self->application, self->event, NULL);
  if (webhook == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_NAME,
                   "The receiver's event “%s” is not a webhook of the application “%s”: "
                   "declare it, or set the receiver's event to one that is.",
                   self->event, wh_application_get_title (self->application));
      return CONVERT_MISCONFIGURED;
    }

  document = wh_application_get_openapi (self->application);
  if (document == NULL || !JSON_NODE_HOLDS_OBJECT (document))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_FAILED,
                   "The OpenAPI document of the application “%s” cannot be built, so "
                   "webhooks cannot be checked against it: see "
                   "wh_application_build_openapi() for why.",
                   wh_application_get_title (self->application));
      return CONVERT_MISCONFIGURED;
    }

  schema = lookup_body_schema (json_node_get_object (document), self->event,
                               WH_HANDLER (webhook), &schemas);
  if (schema == NULL)
    return CONVERT_OK;

  validator = wh_schema_validator_new (schemas);
  if (!wh_schema_validator_validate (validator, schema, payload, loc_prefix, problems))
    return CONVERT_INVALID;

  body_type = wh_handler_get_body_type (WH_HANDLER (webhook));
  if (!G_TYPE_IS_OBJECT (body_type))
    return CONVERT_OK;

  *model = wh_model_deserialize (body_type, payload, &local_error);
  if (*model == NULL)
    {
      /* The schema accepted it, so this is rare (a value the model's property refuses):
       * report it as one more problem, in the same shape. */
      JsonObject *problem = json_object_new ();
      JsonArray *loc = json_array_new ();

      json_array_add_string_element (loc, "body");
      json_object_set_array_member (problem, "loc", loc);
      json_object_set_string_member (problem, "msg", local_error->message);
      json_object_set_string_member (problem, "type", "model_error");
      json_array_add_object_element (problems, problem);
      return CONVERT_INVALID;
    }

  return CONVERT_OK;
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  WhReceiverMount *mount = user_data;
  g_autoptr(WhReceiver) self = g_object_ref (mount->receiver);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonArray) problems = NULL;
  g_autoptr(GObject) model = NULL;
  g_autoptr(GError) error = NULL;
  const char *webhook_id;
  const char *type = NULL;
  JsonNode *payload;
  gconstpointer data;
  gsize length;

  /* The early handler refused most of these already; this covers a request whose
   * refusal it could not know about. */
  if (!check_path (msg, mount))
    return;
  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      refuse_method (msg);
      return;
    }

  body = soup_message_body_flatten (request_body);
  data = g_bytes_get_data (body, &length);
  if (length > self->max_body_size)
    {
      refuse_size (msg, self->max_body_size);
      return;
    }

  if (self->secrets == NULL)
    {
      g_warning ("WhReceiver at %s has no signing secret, so it refuses every webhook: "
                 "set one with wh_receiver_set_secrets().", mount->path);
      respond_detail (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL,
                      "The receiver has no signing secret.");
      return;
    }

  if (!verify (self, headers, body, &type, &error))
    {
      respond_detail (msg, SOUP_STATUS_UNAUTHORIZED, type, error->message);
      return;
    }

  webhook_id = soup_message_headers_get_one (headers, "webhook-id");
  if (seen_ids_contains (&self->seen, webhook_id))
    {
      respond_detail (msg, SOUP_STATUS_OK, NULL,
                      "This webhook was already received.");
      return;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &error))
    {
      g_autofree char *detail =
        g_strdup_printf ("The body is not valid JSON: %s", error->message);

      respond_detail (msg, SOUP_STATUS_BAD_REQUEST, NULL, detail);
      return;
    }
  payload = json_parser_get_root (parser);
  if (payload == NULL)
    {
      respond_detail (msg, SOUP_STATUS_BAD_REQUEST, NULL,
                      "The body is empty: a webhook's body is a JSON value.");
      return;
    }

  problems = json_array_new ();
  switch (convert_payload (self, payload, &model, problems, &error))
    {
    case CONVERT_OK:
      break;

    case CONVERT_INVALID:
      respond_problems (msg, problems);
      return;

    case CONVERT_MISCONFIGURED:
      g_warning ("WhReceiver at %s: %s", mount->path, error->message);
      respond_detail (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL,
                      "The receiver cannot check this webhook.");
      return;
    }

  g_signal_emit (self, signals[SIGNAL_RECEIVED],
                 self->event != NULL ? g_quark_from_string (self->event) : 0,
                 webhook_id, self->event, payload, model);

  /* Only now: a webhook refused above can be sent again once it is fixed. */
  seen_ids_add (&self->seen, webhook_id);

  /* 200 with an empty body rather than 204: libsoup 3.2's server drops the connection
   * after a 204, so every delivery would pay for a new connection. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

/**
 * wh_receiver_attach:
 * @self: a #WhReceiver
 * @server: the #SoupServer to receive webhooks on
 * @path: the path webhooks are posted to, such as `/hooks/payments`
 * @error: return location for a #GError, or %NULL
 *
 * Mounts the receiver on @path of @server: from then on, requests to exactly that path
 * are verified, de-duplicated and emitted as #WhReceiver::received. The server keeps a
 * reference to the receiver until the handler is removed with
 * soup_server_remove_handler(), which frees @path again. One receiver can be attached to
 * several paths and servers; they share its remembered webhook ids.
 *
 * libsoup silently replaces a handler added on a path that has one, so the receiver is
 * not mounted, and %WH_ERROR_DUPLICATE says why, when @path is already served by an
 * application attached to @server with wh_application_attach() (its OpenAPI document, a
 * docs page, its docs assets, or a route that answers @path or paths below it) or by
 * another receiver.
 *
 * Returns: %TRUE if the receiver was attached, %FALSE with @error set if @path does not
 *   start with `/` (%WH_ERROR_INVALID_NAME), the receiver has no secret
 *   (%WH_ERROR_INVALID_SECRET), #WhReceiver:event is not a webhook of
 *   #WhReceiver:application (%WH_ERROR_INVALID_NAME) or @path is taken
 *   (%WH_ERROR_DUPLICATE)
 */
gboolean
wh_receiver_attach (WhReceiver  *self,
                    SoupServer  *server,
                    const char  *path,
                    GError     **error)
{
  WhServerPaths *server_paths;
  g_autofree char *description = NULL;

  g_return_val_if_fail (WH_IS_RECEIVER (self), FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER (server), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path[0] != '/')
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_NAME,
                   "The receiver's path “%s” does not start with “/”: give the path "
                   "webhooks are posted to, such as “/hooks/payments”.", path);
      return FALSE;
    }

  if (!check_secrets ((const char * const *) self->secrets, error))
    return FALSE;

  if (self->application != NULL && self->event != NULL &&
      wh_application_lookup_webhook (self->application, self->event, NULL) == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_NAME,
                   "The receiver's event “%s” is not a webhook of the application “%s”: "
                   "declare it, or set the receiver's event to one that is.",
                   self->event, wh_application_get_title (self->application));
      return FALSE;
    }

  server_paths = wh_server_paths_get (server);
  if (!check_path_free (self, server_paths, path, error))
    return FALSE;

  description = describe_receiver (self);
  wh_server_paths_reserve (server_paths, path, WH_SERVED_BY_RECEIVER, G_OBJECT (self),
                           description, FALSE);
  soup_server_add_early_handler (server, path, handle_headers,
                                 mount_new (self, path, NULL), mount_free);
  soup_server_add_handler (server, path, handle_request,
                           mount_new (self, path, server_paths), mount_free);
  return TRUE;
}
