/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-delivery
 * @Title: WhDelivery
 * @Short_description: one message on its way to one endpoint, and its attempts
 *
 * Publishing a message makes one #WhDelivery per subscribed endpoint. A dispatcher
 * claims due deliveries from a #WhStore with wh_store_claim_due(), sends each one,
 * and records every try as a #WhAttempt with wh_store_record_attempt(). The attempt
 * decides what happens next: a 2xx status finishes the delivery, a failure with a
 * next attempt time schedules a retry, and a failure without one ends it as failed.
 *
 * Times are microseconds since the Unix epoch, as g_get_real_time() returns them;
 * durations are microseconds.
 *
 * Both classes are read-only values; their properties are set when they are made, so
 * a store written in Python or JavaScript can make them with keyword arguments.
 */

#include "config.h"

#include "wh-delivery-private.h"

struct _WhDelivery
{
  GObject parent_instance;

  gint64 id;
  char *message_id;
  char *endpoint_id;
  char *event;
  GBytes *payload;
  guint attempt;
  WhDeliveryState state;
  gint64 created_at;
  gint64 next_attempt_at;
};

struct _WhAttempt
{
  GObject parent_instance;

  gint64 delivery_id;
  guint number;
  gint64 started_at;
  gint64 duration;
  guint status_code;
  char *error_message;
  GBytes *response_body;
  gint64 next_attempt_at;
};

/* The enums of deliver/ register their own types: the library's generated enum
 * types are made before the areas add their headers. */
G_DEFINE_ENUM_TYPE (WhDeliveryState, wh_delivery_state,
  G_DEFINE_ENUM_VALUE (WH_DELIVERY_STATE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (WH_DELIVERY_STATE_SUCCEEDED, "succeeded"),
  G_DEFINE_ENUM_VALUE (WH_DELIVERY_STATE_FAILED, "failed"))

/**
 * WH_TYPE_DELIVERY:
 *
 * The #GType of #WhDelivery.
 */

/**
 * WhDelivery:
 *
 * One message on its way to one endpoint.
 */
G_DEFINE_FINAL_TYPE (WhDelivery, wh_delivery, G_TYPE_OBJECT)

/**
 * WH_TYPE_ATTEMPT:
 *
 * The #GType of #WhAttempt.
 */

/**
 * WhAttempt:
 *
 * One try at a delivery: when, how long, and what the endpoint answered.
 */
G_DEFINE_FINAL_TYPE (WhAttempt, wh_attempt, G_TYPE_OBJECT)

enum {
  DELIVERY_PROP_0,
  DELIVERY_PROP_ID,
  DELIVERY_PROP_MESSAGE_ID,
  DELIVERY_PROP_ENDPOINT_ID,
  DELIVERY_PROP_EVENT,
  DELIVERY_PROP_PAYLOAD,
  DELIVERY_PROP_ATTEMPT,
  DELIVERY_PROP_STATE,
  DELIVERY_PROP_CREATED_AT,
  DELIVERY_PROP_NEXT_ATTEMPT_AT,
  DELIVERY_N_PROPS
};

static GParamSpec *delivery_properties[DELIVERY_N_PROPS];

enum {
  ATTEMPT_PROP_0,
  ATTEMPT_PROP_DELIVERY_ID,
  ATTEMPT_PROP_NUMBER,
  ATTEMPT_PROP_STARTED_AT,
  ATTEMPT_PROP_DURATION,
  ATTEMPT_PROP_STATUS_CODE,
  ATTEMPT_PROP_ERROR_MESSAGE,
  ATTEMPT_PROP_RESPONSE_BODY,
  ATTEMPT_PROP_NEXT_ATTEMPT_AT,
  ATTEMPT_PROP_SUCCEEDED,
  ATTEMPT_N_PROPS
};

static GParamSpec *attempt_properties[ATTEMPT_N_PROPS];

#define CONSTRUCT_FLAGS (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS)

static void
wh_delivery_finalize (GObject *object)
{
  WhDelivery *self = WH_DELIVERY (object);

  g_clear_pointer (&self->message_id, g_free);
  g_clear_pointer (&self->endpoint_id, g_free);
  g_clear_pointer (&self->event, g_free);
  g_clear_pointer (&self->payload, g_bytes_unref);

  G_OBJECT_CLASS (wh_delivery_parent_class)->finalize (object);
}

static void
wh_delivery_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  WhDelivery *self = WH_DELIVERY (object);

  switch (prop_id)
    {
    case DELIVERY_PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case DELIVERY_PROP_MESSAGE_ID:
      g_value_set_string (value, self->message_id);
      break;

    case DELIVERY_PROP_ENDPOINT_ID:
      g_value_set_string (value, self->endpoint_id);
      break;

    case DELIVERY_PROP_EVENT:
      g_value_set_string (value, self->event);
      break;

    case DELIVERY_PROP_PAYLOAD:
      g_value_set_boxed (value, self->payload);
      break;

    case DELIVERY_PROP_ATTEMPT:
      g_value_set_uint (value, self->attempt);
      break;

    case DELIVERY_PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case DELIVERY_PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case DELIVERY_PROP_NEXT_ATTEMPT_AT:
      g_value_set_int64 (value, self->next_attempt_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_delivery_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  WhDelivery *self = WH_DELIVERY (object);

  switch (prop_id)
    {
    case DELIVERY_PROP_ID:
      self->id = g_value_get_int64 (value);
      break;

    case DELIVERY_PROP_MESSAGE_ID:
      g_free (self->message_id);
      self->message_id = g_value_dup_string (value);
      break;

    case DELIVERY_PROP_ENDPOINT_ID:
      g_free (self->endpoint_id);
      self->endpoint_id = g_value_dup_string (value);
      break;

    case DELIVERY_PROP_EVENT:
      g_free (self->event);
      self->event = g_value_dup_string (value);
      break;

    case DELIVERY_PROP_PAYLOAD:
      g_clear_pointer (&self->payload, g_bytes_unref);
      self->payload = g_value_dup_boxed (value);
      break;

    case DELIVERY_PROP_ATTEMPT:
      self->attempt = g_value_get_uint (value);
      break;

    case DELIVERY_PROP_STATE:
      self->state = g_value_get_enum (value);
      break;

    case DELIVERY_PROP_CREATED_AT:
      self->created_at = g_value_get_int64 (value);
      break;

    case DELIVERY_PROP_NEXT_ATTEMPT_AT:
      self->next_attempt_at = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_delivery_class_init (WhDeliveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wh_delivery_finalize;
  object_class->get_property = wh_delivery_get_property;
  object_class->set_property = wh_delivery_set_property;

  /**
   * WhDelivery:id:
   *
   * The delivery's id in its store.
   */
  delivery_properties[DELIVERY_PROP_ID] =
    g_param_spec_int64 ("id", "Id", "The delivery's id in its store",
                        0, G_MAXINT64, 0, CONSTRUCT_FLAGS);

  /**
   * WhDelivery:message-id:
   *
   * The id of the message, `msg_` followed by a unique, time-sortable id. It is sent as
   * the `webhook-id` header, the same on every attempt, so that receivers can drop
   * repeats.
   */
  delivery_properties[DELIVERY_PROP_MESSAGE_ID] =
    g_param_spec_string ("message-id", "Message id", "The id of the message",
                         NULL, CONSTRUCT_FLAGS);

  /**
   * WhDelivery:endpoint-id:
   *
   * The id of the #WhEndpoint the message goes to.
   */
  delivery_properties[DELIVERY_PROP_ENDPOINT_ID] =
    g_param_spec_string ("endpoint-id", "Endpoint id", "The id of the endpoint",
                         NULL, CONSTRUCT_FLAGS);

  /**
   * WhDelivery:event:
   *
   * The name of the webhook.
   */
  delivery_properties[DELIVERY_PROP_EVENT] =
    g_param_spec_string ("event", "Event", "The name of the webhook",
                         NULL, CONSTRUCT_FLAGS);

  /**
   * WhDelivery:payload:
   *
   * The exact bytes of the request body.
   */
  delivery_properties[DELIVERY_PROP_PAYLOAD] =
    g_param_spec_boxed ("payload", "Payload", "The bytes of the request body",
                        G_TYPE_BYTES, CONSTRUCT_FLAGS);

  /**
   * WhDelivery:attempt:
   *
   * The number of the attempt to make now, counting from 1: one more than the attempts
   * recorded so far.
   */
  delivery_properties[DELIVERY_PROP_ATTEMPT] =
    g_param_spec_uint ("attempt", "Attempt", "The number of the attempt to make",
                       0, G_MAXUINT, 1, CONSTRUCT_FLAGS);

  /**
   * WhDelivery:state:
   *
   * Where the delivery stood when it was read from the store.
   */
  delivery_properties[DELIVERY_PROP_STATE] =
    g_param_spec_enum ("state", "State", "Where the delivery stands",
                       WH_TYPE_DELIVERY_STATE, WH_DELIVERY_STATE_PENDING, CONSTRUCT_FLAGS);

  /**
   * WhDelivery:created-at:
   *
   * When the message was published, in microseconds since the Unix epoch.
   */
  delivery_properties[DELIVERY_PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", "Created at", "When the message was published",
                        0, G_MAXINT64, 0, CONSTRUCT_FLAGS);

  /**
   * WhDelivery:next-attempt-at:
   *
   * When the delivery is due, in microseconds since the Unix epoch; while it is
   * claimed, when its lease runs out; 0 once it has succeeded or failed.
   */
  delivery_properties[DELIVERY_PROP_NEXT_ATTEMPT_AT] =
    g_param_spec_int64 ("next-attempt-at", "Next attempt at", "When the delivery is due",
                        0, G_MAXINT64, 0, CONSTRUCT_FLAGS);

  g_object_class_install_properties (object_class, DELIVERY_N_PROPS, delivery_properties);
}

static void
wh_delivery_init (WhDelivery *self)
{
  self->attempt = 1;
}

WhDelivery *
wh_delivery_new_take (gint64           id,
                      char            *message_id,
                      char            *endpoint_id,
                      char            *event,
                      GBytes          *payload,
                      guint            attempt,
                      WhDeliveryState  state,
                      gint64           created_at,
                      gint64           next_attempt_at)
{
  WhDelivery *self = g_object_new (WH_TYPE_DELIVERY, NULL);

  self->id = id;
  self->message_id = message_id;
  self->endpoint_id = endpoint_id;
  self->event = event;
  self->payload = payload;
  self->attempt = attempt;
  self->state = state;
  self->created_at = created_at;
  self->next_attempt_at = next_attempt_at;

  return self;
}

/**
 * wh_delivery_get_id:
 * @self: a #WhDelivery
 *
 * Gets the delivery's id in its store, for wh_store_list_attempts().
 *
 * Returns: the id
 */
gint64
wh_delivery_get_id (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), 0);

  return self->id;
}

/**
 * wh_delivery_get_message_id:
 * @self: a #WhDelivery
 *
 * Gets the id of the message, sent as the `webhook-id` header.
 *
 * Returns: the message id
 */
const char *
wh_delivery_get_message_id (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), NULL);

  return self->message_id;
}

/**
 * wh_delivery_get_endpoint_id:
 * @self: a #WhDelivery
 *
 * Gets the id of the endpoint the message goes to.
 *
 * Returns: the endpoint id
 */
const char *
wh_delivery_get_endpoint_id (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), NULL);

  return self->endpoint_id;
}

/**
 * wh_delivery_get_event:
 * @self: a #WhDelivery
 *
 * Gets the name of the webhook.
 *
 * Returns: the event name
 */
const char *
wh_delivery_get_event (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), NULL);

  return self->event;
}

/**
 * wh_delivery_get_payload:
 * @self: a #WhDelivery
 *
 * Gets the exact bytes to send as the request body (and to sign).
 *
 * Returns: (transfer none): the payload
 */
GBytes *
wh_delivery_get_payload (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), NULL);

  return self->payload;
}

/**
 * wh_delivery_get_attempt:
 * @self: a #WhDelivery
 *
 * Gets the number of the attempt to make now, counting from 1.
 *
 * Returns: the attempt number
 */
guint
wh_delivery_get_attempt (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), 0);

  return self->attempt;
}

/**
 * wh_delivery_get_state:
 * @self: a #WhDelivery
 *
 * Gets where the delivery stood when it was read from the store.
 *
 * Returns: the state
 */
WhDeliveryState
wh_delivery_get_state (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), WH_DELIVERY_STATE_PENDING);

  return self->state;
}

/**
 * wh_delivery_get_created_at:
 * @self: a #WhDelivery
 *
 * Gets when the message was published.
 *
 * Returns: the time, in microseconds since the Unix epoch
 */
gint64
wh_delivery_get_created_at (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), 0);

  return self->created_at;
}

/**
 * wh_delivery_get_next_attempt_at:
 * @self: a #WhDelivery
 *
 * Gets when the delivery is due; for a claimed delivery, when its lease runs out.
 *
 * Returns: the time, in microseconds since the Unix epoch, or 0 once the delivery has
 *   succeeded or failed
 */
gint64
wh_delivery_get_next_attempt_at (WhDelivery *self)
{
  g_return_val_if_fail (WH_IS_DELIVERY (self), 0);

  return self->next_attempt_at;
}

static void
wh_attempt_finalize (GObject *object)
{
  WhAttempt *self = WH_ATTEMPT (object);

  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->response_body, g_bytes_unref);

  G_OBJECT_CLASS (wh_attempt_parent_class)->finalize (object);
}

static void
wh_attempt_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  WhAttempt *self = WH_ATTEMPT (object);

  switch (prop_id)
    {
    case ATTEMPT_PROP_DELIVERY_ID:
      g_value_set_int64 (value, self->delivery_id);
      break;

    case ATTEMPT_PROP_NUMBER:
      g_value_set_uint (value, self->number);
      break;

    case ATTEMPT_PROP_STARTED_AT:
      g_value_set_int64 (value, self->started_at);
      break;

    case ATTEMPT_PROP_DURATION:
      g_value_set_int64 (value, self->duration);
      break;

    case ATTEMPT_PROP_STATUS_CODE:
      g_value_set_uint (value, self->status_code);
      break;

    case ATTEMPT_PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case ATTEMPT_PROP_RESPONSE_BODY:
      g_value_set_boxed (value, self->response_body);
      break;

    case ATTEMPT_PROP_NEXT_ATTEMPT_AT:
      g_value_set_int64 (value, self->next_attempt_at);
      break;

    case ATTEMPT_PROP_SUCCEEDED:
      g_value_set_boolean (value, wh_attempt_get_succeeded (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_attempt_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  WhAttempt *self = WH_ATTEMPT (object);

  switch (prop_id)
    {
    case ATTEMPT_PROP_DELIVERY_ID:
      self->delivery_id = g_value_get_int64 (value);
      break;

    case ATTEMPT_PROP_NUMBER:
      self->number = g_value_get_uint (value);
      break;

    case ATTEMPT_PROP_STARTED_AT:
      self->started_at = g_value_get_int64 (value);
      break;

    case ATTEMPT_PROP_DURATION:
      self->duration = g_value_get_int64 (value);
      break;

    case ATTEMPT_PROP_STATUS_CODE:
      self->status_code = g_value_get_uint (value);
      break;

    case ATTEMPT_PROP_ERROR_MESSAGE:
      g_free (self->error_message);
      self->error_message = g_value_dup_string (value);
      break;

    case ATTEMPT_PROP_RESPONSE_BODY:
      g_clear_pointer (&self->response_body, g_bytes_unref);
      self->response_body = g_value_dup_boxed (value);
      break;

    case ATTEMPT_PROP_NEXT_ATTEMPT_AT:
      self->next_attempt_at = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_attempt_class_init (WhAttemptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wh_attempt_finalize;
  object_class->get_property = wh_attempt_get_property;
  object_class->set_property = wh_attempt_set_property;

  /**
   * WhAttempt:delivery-id:
   *
   * The id of the #WhDelivery this attempt belongs to.
   */
  attempt_properties[ATTEMPT_PROP_DELIVERY_ID] =
    g_param_spec_int64 ("delivery-id", "Delivery id", "The id of the delivery",
                        0, G_MAXINT64, 0, CONSTRUCT_FLAGS);

  /**
   * WhAttempt:number:
   *
   * The attempt's number, counting from 1 (#WhDelivery:attempt of the claimed delivery).
   */
  attempt_properties[ATTEMPT_PROP_NUMBER] =
    g_param_spec_uint ("number", "Number", "The attempt's number, from 1",
                       0, G_MAXUINT, 1, CONSTRUCT_FLAGS);

  /**
   * WhAttempt:started-at:
   *
   * When the attempt started, in microseconds since the Unix epoch.
   */
  attempt_properties[ATTEMPT_PROP_STARTED_AT] =
    g_param_spec_int64 ("started-at", "Started at", "When the attempt started",
                        0, G_MAXINT64, 0, CONSTRUCT_FLAGS);

  /**
   * WhAttempt:duration:
   *
   * How long the attempt took, in microseconds.
   */
  attempt_properties[ATTEMPT_PROP_DURATION] =
    g_param_spec_int64 ("duration", "Duration", "How long the attempt took, in microseconds",
                        0, G_MAXINT64, 0, CONSTRUCT_FLAGS);

  /**
   * WhAttempt:status-code:
   *
   * The HTTP status the endpoint answered with, or 0 if no answer arrived.
   */
  attempt_properties[ATTEMPT_PROP_STATUS_CODE] =
    g_param_spec_uint ("status-code", "Status code", "The HTTP status of the answer, or 0",
                       0, 999, 0, CONSTRUCT_FLAGS);

  /**
   * WhAttempt:error-message:
   *
   * Why the attempt failed when the status does not say it (a refused connection, a
   * timeout, a redirect, a refused address), or %NULL.
   */
  attempt_properties[ATTEMPT_PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", "Error message", "Why the attempt failed, or NULL",
                         NULL, CONSTRUCT_FLAGS);

  /**
   * WhAttempt:response-body:
   *
   * The first bytes of the endpoint's answer, or %NULL.
   */
  attempt_properties[ATTEMPT_PROP_RESPONSE_BODY] =
    g_param_spec_boxed ("response-body", "Response body", "The first bytes of the answer",
                        G_TYPE_BYTES, CONSTRUCT_FLAGS);

  /**
   * WhAttempt:next-attempt-at:
   *
   * When the delivery is tried again after this failed attempt, in microseconds since
   * the Unix epoch, or 0 if it is not: recording a failed attempt with 0 ends the
   * delivery as %WH_DELIVERY_STATE_FAILED.
   */
  attempt_properties[ATTEMPT_PROP_NEXT_ATTEMPT_AT] =
    g_param_spec_int64 ("next-attempt-at", "Next attempt at", "When the delivery is retried, or 0",
                        0, G_MAXINT64, 0, CONSTRUCT_FLAGS);

  /**
   * WhAttempt:succeeded:
   *
   * Whether the attempt delivered the message: a 2xx status and no error message.
   */
  attempt_properties[ATTEMPT_PROP_SUCCEEDED] =
    g_param_spec_boolean ("succeeded", "Succeeded", "Whether the attempt delivered the message",
                          FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, ATTEMPT_N_PROPS, attempt_properties);
}

static void
wh_attempt_init (WhAttempt *self)
{
  self->number = 1;
}

/**
 * wh_attempt_new:
 * @delivery_id: the id of the #WhDelivery that was tried
 * @number: the attempt's number, #WhDelivery:attempt of the claimed delivery
 * @started_at: when the attempt started, in microseconds since the Unix epoch
 * @duration: how long it took, in microseconds
 * @status_code: the HTTP status of the answer, or 0 if none arrived
 * @error_message: (nullable): why the attempt failed, if the status does not say it
 * @response_body: (nullable): the first bytes of the answer
 * @next_attempt_at: when to try again after a failure, in microseconds since the Unix
 *   epoch, or 0 for never
 *
 * Describes one try at a delivery, for wh_store_record_attempt(). The attempt
 * succeeded if @status_code is 2xx and @error_message is %NULL.
 *
 * Returns: (transfer full): the new attempt
 */
WhAttempt *
wh_attempt_new (gint64      delivery_id,
                guint       number,
                gint64      started_at,
                gint64      duration,
                guint       status_code,
                const char *error_message,
                GBytes     *response_body,
                gint64      next_attempt_at)
{
  WhAttempt *self;

  g_return_val_if_fail (status_code <= 999, NULL);

  self = g_object_new (WH_TYPE_ATTEMPT, NULL);
  self->delivery_id = delivery_id;
  self->number = number;
  self->started_at = started_at;
  self->duration = MAX (duration, 0);
  self->status_code = status_code;
  self->error_message = g_strdup (error_message);
  self->response_body = response_body ? g_bytes_ref (response_body) : NULL;
  self->next_attempt_at = MAX (next_attempt_at, 0);

  return self;
}

/**
 * wh_attempt_get_delivery_id:
 * @self: a #WhAttempt
 *
 * Gets the id of the delivery that was tried.
 *
 * Returns: the delivery id
 */
gint64
wh_attempt_get_delivery_id (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), 0);

  return self->delivery_id;
}

/**
 * wh_attempt_get_number:
 * @self: a #WhAttempt
 *
 * Gets the attempt's number, counting from 1.
 *
 * Returns: the number
 */
guint
wh_attempt_get_number (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), 0);

  return self->number;
}

/**
 * wh_attempt_get_started_at:
 * @self: a #WhAttempt
 *
 * Gets when the attempt started.
 *
 * Returns: the time, in microseconds since the Unix epoch
 */
gint64
wh_attempt_get_started_at (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), 0);

  return self->started_at;
}

/**
 * wh_attempt_get_duration:
 * @self: a #WhAttempt
 *
 * Gets how long the attempt took.
 *
 * Returns: the duration, in microseconds
 */
gint64
wh_attempt_get_duration (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), 0);

  return self->duration;
}

/**
 * wh_attempt_get_status_code:
 * @self: a #WhAttempt
 *
 * Gets the HTTP status the endpoint answered with.
 *
 * Returns: the status, or 0 if no answer arrived
 */
guint
wh_attempt_get_status_code (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), 0);

  return self->status_code;
}

/**
 * wh_attempt_get_error_message:
 * @self: a #WhAttempt
 *
 * Gets why the attempt failed, when the status does not say it.
 *
 * Returns: (nullable): the reason, or %NULL
 */
const char *
wh_attempt_get_error_message (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), NULL);

  return self->error_message;
}

/**
 * wh_attempt_get_response_body:
 * @self: a #WhAttempt
 *
 * Gets the first bytes of the endpoint's answer.
 *
 * Returns: (transfer none) (nullable): the bytes, or %NULL
 */
GBytes *
wh_attempt_get_response_body (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), NULL);

  return self->response_body;
}

/**
 * wh_attempt_get_next_attempt_at:
 * @self: a #WhAttempt
 *
 * Gets when the delivery is tried again after this attempt.
 *
 * Returns: the time, in microseconds since the Unix epoch, or 0 if it is not
 */
gint64
wh_attempt_get_next_attempt_at (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), 0);

  return self->next_attempt_at;
}

/**
 * wh_attempt_get_succeeded:
 * @self: a #WhAttempt
 *
 * Tells whether the attempt delivered the message: the endpoint answered with a 2xx
 * status and there is no error message.
 *
 * Returns: %TRUE if the attempt succeeded
 */
gboolean
wh_attempt_get_succeeded (WhAttempt *self)
{
  g_return_val_if_fail (WH_IS_ATTEMPT (self), FALSE);

  return self->error_message == NULL && self->status_code >= 200 && self->status_code < 300;
}
