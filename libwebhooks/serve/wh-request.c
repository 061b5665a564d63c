/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-request
 * @Title: WhRequest
 * @Short_description: one request to a route, and its answer
 *
 * The server that wh_application_attach() sets up makes a #WhRequest for each request to
 * a declared route whose parameters and body are valid, and hands it to the route's
 * handler (#WhHandlerClass.handle). By then the path, query, header and cookie parameters
 * are converted to the types their #WhParameter declares, and a JSON body has been
 * validated against the body model's schema in the application's own document and turned
 * into an instance of the model (wh_request_get_body()).
 *
 * The handler answers with one of wh_request_respond_model(),
 * wh_request_respond_json(), wh_request_respond_bytes() or wh_request_respond_error(),
 * once. It may answer later: it keeps a reference to the request, and the server holds
 * the HTTP message meanwhile. A request that is dropped without an answer is answered
 * `500 Internal Server Error`, so that no client waits forever.
 *
 * |[<!-- language="C" -->
 * static void
 * create_payment_handle (WhHandler *handler,
 *                        WhRequest *request)
 * {
 *   MyPayment *payment = MY_PAYMENT (wh_request_get_body (request));
 *
 *   my_payments_store (payment);
 *   wh_request_respond_model (request, 0, G_OBJECT (payment));   // 0: the handler's 201
 * }
 * ]|
 */

#include "config.h"

#include <string.h>

#include "wh-json-private.h"
#include "wh-model.h"
#include "wh-naming-private.h"
#include "wh-request.h"
#include "wh-request-private.h"

/**
 * WH_TYPE_REQUEST:
 *
 * The #GType of #WhRequest.
 */

/**
 * WhRequest:
 *
 * One request to a declared route, handed to its #WhHandler, and its answer.
 */
struct _WhRequest
{
  GObject parent_instance;

  SoupServerMessage *msg;      /* dropped once answered */
  WhApplication *app;
  WhHandler *handler;
  char *method;
  char *path;

  GHashTable *values;          /* name -> GValue*, first declared location wins */
  GHashTable *raw_values;      /* name -> char* */
  GPtrArray *names;            /* in the order they were set */

  GBytes *body_bytes;
  JsonNode *body_json;
  GObject *body;

  gulong disconnected_id;
  gboolean answered;
  gboolean dispatching;
  gboolean paused;
  gboolean gone;               /* the client went away */
};

G_DEFINE_FINAL_TYPE (WhRequest, wh_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_METHOD,
  PROP_PATH,
  PROP_HANDLER,
  PROP_APPLICATION,
  PROP_BODY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
value_free (gpointer data)
{
  GValue *value = data;

  g_value_unset (value);
  g_free (value);
}

void
wh_serve_respond_json_error (SoupServerMessage *msg,
                             guint              status,
                             const char        *detail)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail != NULL ? detail : soup_status_get_phrase (status));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = wh_json_to_string (root, FALSE, NULL);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_body_truncate (body);
  soup_message_body_append (body, SOUP_MEMORY_COPY, text, strlen (text));
}

static void
on_disconnected (SoupServerMessage *msg,
                 WhRequest         *self)
{
  self->gone = TRUE;
}

static void
release_message (WhRequest *self)
{
  if (self->msg == NULL)
    return;

  g_clear_signal_handler (&self->disconnected_id, self->msg);
  if (self->paused && !self->gone)
    soup_server_message_unpause (self->msg);
  self->paused = FALSE;
  g_clear_object (&self->msg);
}

/* Every answer goes through here: the status, then the body, then the message is let go. */
static gboolean
begin_answer (WhRequest *self)
{
  if (self->answered)
    return FALSE;

  self->answered = TRUE;
  return self->msg != NULL && !self->gone;
}

static guint
resolve_status (WhRequest *self,
                guint      status)
{
  if (status != 0)
    return status;

  return wh_handler_get_status_code_for_method (self->handler, self->method);
}

static void
answer (WhRequest  *self,
        guint       status,
        const char *content_type,
        GBytes     *bytes)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (self->msg);
  SoupMessageBody *body = soup_server_message_get_response_body (self->msg);

  soup_server_message_set_status (self->msg, status, NULL);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_body_truncate (body);
  if (bytes != NULL && wh_http_status_allows_body (status))
    {
      if (content_type != NULL)
        soup_message_headers_replace (headers, "Content-Type", content_type);
      soup_message_body_append_bytes (body, bytes);
    }
  release_message (self);
}

static void
wh_request_dispose (GObject *object)
{
  WhRequest *self = WH_REQUEST (object);

  /* Nothing hangs: a request its handler dropped unanswered is answered now. */
  if (begin_answer (self))
    {
      wh_serve_respond_json_error (self->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      release_message (self);
    }
  release_message (self);

  G_OBJECT_CLASS (wh_request_parent_class)->dispose (object);
}

static void
wh_request_finalize (GObject *object)
{
  WhRequest *self = WH_REQUEST (object);

  g_clear_object (&self->app);
  g_clear_object (&self->handler);
  g_free (self->method);
  g_free (self->path);
  g_hash_table_unref (self->values);
  g_hash_table_unref (self->raw_values);
  g_ptr_array_unref (self->names);
  g_clear_pointer (&self->body_bytes, g_bytes_unref);
  g_clear_pointer (&self->body_json, json_node_unref);
  g_clear_object (&self->body);

  G_OBJECT_CLASS (wh_request_parent_class)->finalize (object);
}

static void
wh_request_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  WhRequest *self = WH_REQUEST (object);

  switch (prop_id)
    {
    case PROP_METHOD:
      g_value_set_string (value, self->method);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_HANDLER:
      g_value_set_object (value, self->handler);
      break;
    case PROP_APPLICATION:
      g_value_set_object (value, self->app);
      break;
    case PROP_BODY:
      g_value_set_object (value, self->body);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_request_class_init (WhRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wh_request_dispose;
  object_class->finalize = wh_request_finalize;
  object_class->get_property = wh_request_get_property;

  /**
   * WhRequest:method:
   *
   * The HTTP method of the request, upper case.
   */
  properties[PROP_METHOD] =
    g_param_spec_string ("method", "Method", "The HTTP method of the request", NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * WhRequest:path:
   *
   * The path of the request, decoded.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", "Path", "The path of the request", NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * WhRequest:handler:
   *
   * The handler of the route the request was made to.
   */
  properties[PROP_HANDLER] =
    g_param_spec_object ("handler", "Handler", "The handler of the route", WH_TYPE_HANDLER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * WhRequest:application:
   *
   * The application that declares the route.
   */
  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", "Application", "The application of the route",
                         WH_TYPE_APPLICATION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * WhRequest:body:
   *
   * The request body as an instance of the handler's #WhHandler:body-type, or %NULL.
   */
  properties[PROP_BODY] =
    g_param_spec_object ("body", "Body", "The request body as a model instance",
                         G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_request_init (WhRequest *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, value_free);
  self->raw_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->names = g_ptr_array_new_with_free_func (g_free);
}

/* Private API */

WhRequest *
wh_request_new (SoupServerMessage *msg,
                WhApplication     *app,
                WhHandler         *handler,
                const char        *method,
                const char        *path)
{
  WhRequest *self = g_object_new (WH_TYPE_REQUEST, NULL);

  self->msg = g_object_ref (msg);
  self->app = g_object_ref (app);
  self->handler = g_object_ref (handler);
  self->method = g_strdup (method);
  self->path = g_strdup (path);
  self->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected), self);

  return self;
}

void
wh_request_take_parameter (WhRequest  *self,
                           const char *name,
                           const char *raw,
                           GValue     *value)
{
  if (g_hash_table_contains (self->values, name))
    {
      value_free (value);
      return;
    }

  g_ptr_array_add (self->names, g_strdup (name));
  g_hash_table_insert (self->values, g_strdup (name), value);
  g_hash_table_insert (self->raw_values, g_strdup (name), g_strdup (raw));
}

void
wh_request_set_body (WhRequest *self,
                     GBytes    *bytes,
                     JsonNode  *json,
                     GObject   *instance)
{
  g_clear_pointer (&self->body_bytes, g_bytes_unref);
  g_clear_pointer (&self->body_json, json_node_unref);
  g_clear_object (&self->body);
  self->body_bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  self->body_json = json != NULL ? json_node_ref (json) : NULL;
  self->body = instance != NULL ? g_object_ref (instance) : NULL;
}

void
wh_request_forget (WhRequest *self)
{
  self->answered = TRUE;
  release_message (self);
}

void
wh_request_dispatch (WhRequest *self)
{
  g_object_ref (self);

  self->dispatching = TRUE;
  wh_handler_handle (self->handler, self);
  self->dispatching = FALSE;

  /* Not answered yet: hold the message until it is (or the request is dropped). */
  if (!self->answered && self->msg != NULL && !self->gone)
    {
      soup_server_message_pause (self->msg);
      self->paused = TRUE;
    }

  g_object_unref (self);
}

/* Public API */

/**
 * wh_request_get_method:
 * @self: a #WhRequest
 *
 * Gets the HTTP method of the request.
 *
 * Returns: the method, upper case, such as `POST`
 */
const char *
wh_request_get_method (WhRequest *self)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);

  return self->method;
}

/**
 * wh_request_get_path:
 * @self: a #WhRequest
 *
 * Gets the path the request was made to, decoded, such as `/users/42`.
 *
 * Returns: the path
 */
const char *
wh_request_get_path (WhRequest *self)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);

  return self->path;
}

/**
 * wh_request_get_handler:
 * @self: a #WhRequest
 *
 * Gets the handler of the route the request was made to.
 *
 * Returns: (transfer none): the handler
 */
WhHandler *
wh_request_get_handler (WhRequest *self)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);

  return self->handler;
}

/**
 * wh_request_get_application:
 * @self: a #WhRequest
 *
 * Gets the application that declares the route.
 *
 * Returns: (transfer none): the application
 */
WhApplication *
wh_request_get_application (WhRequest *self)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);

  return self->app;
}

/**
 * wh_request_get_header:
 * @self: a #WhRequest
 * @name: a header name, in any case
 *
 * Gets a request header as it was sent, declared as a parameter or not. While the request
 * is unanswered; afterwards the message is gone and this returns %NULL.
 *
 * Returns: (nullable): the header's value, or %NULL when the request has no such header
 */
const char *
wh_request_get_header (WhRequest  *self,
                       const char *name)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->msg == NULL)
    return NULL;

  return soup_message_headers_get_one (soup_server_message_get_request_headers (self->msg), name);
}

/**
 * wh_request_has_parameter:
 * @self: a #WhRequest
 * @name: a parameter name
 *
 * Whether the request carries the parameter @name: a path parameter always does, an
 * optional query, header or cookie parameter only when it was sent.
 *
 * Returns: %TRUE if the parameter has a value
 */
gboolean
wh_request_has_parameter (WhRequest  *self,
                          const char *name)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return g_hash_table_contains (self->values, name);
}

/**
 * wh_request_get_parameter:
 * @self: a #WhRequest
 * @name: a parameter name, as declared
 *
 * Gets the value of a path, query, header or cookie parameter, converted to the value
 * type of its #WhParameter (a path segment with no #WhParameter is a string). When the
 * same name is declared in several places, the first in the order path, query, header,
 * cookie is returned.
 *
 * Returns: (nullable) (transfer none): the value, or %NULL when the parameter was not
 *   sent
 */
const GValue *
wh_request_get_parameter (WhRequest  *self,
                          const char *name)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->values, name);
}

/**
 * wh_request_get_parameter_string:
 * @self: a #WhRequest
 * @name: a parameter name, as declared
 *
 * Gets a parameter as the text that was sent (an enum's nick, a number's digits).
 *
 * Returns: (nullable): the text, or %NULL when the parameter was not sent
 */
const char *
wh_request_get_parameter_string (WhRequest  *self,
                                 const char *name)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->raw_values, name);
}

/**
 * wh_request_get_parameter_int:
 * @self: a #WhRequest
 * @name: a parameter name, as declared
 *
 * Gets an integer parameter (of any integer value type, or an enum's value).
 *
 * Returns: the value, or 0 when the parameter was not sent or is no integer
 */
gint64
wh_request_get_parameter_int (WhRequest  *self,
                              const char *name)
{
  const GValue *value;
  GValue converted = G_VALUE_INIT;
  gint64 result = 0;

  g_return_val_if_fail (WH_IS_REQUEST (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  value = g_hash_table_lookup (self->values, name);
  if (value == NULL)
    return 0;

  if (G_VALUE_HOLDS_ENUM (value))
    return g_value_get_enum (value);

  g_value_init (&converted, G_TYPE_INT64);
  if (g_value_type_transformable (G_VALUE_TYPE (value), G_TYPE_INT64) &&
      !G_VALUE_HOLDS_STRING (value) && g_value_transform (value, &converted))
    result = g_value_get_int64 (&converted);
  g_value_unset (&converted);

  return result;
}

/**
 * wh_request_get_parameter_double:
 * @self: a #WhRequest
 * @name: a parameter name, as declared
 *
 * Gets a number parameter (of a floating or integer value type).
 *
 * Returns: the value, or 0 when the parameter was not sent or is no number
 */
double
wh_request_get_parameter_double (WhRequest  *self,
                                 const char *name)
{
  const GValue *value;
  GValue converted = G_VALUE_INIT;
  double result = 0;

  g_return_val_if_fail (WH_IS_REQUEST (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  value = g_hash_table_lookup (self->values, name);
  if (value == NULL || G_VALUE_HOLDS_STRING (value) || G_VALUE_HOLDS_ENUM (value))
    return 0;

  g_value_init (&converted, G_TYPE_DOUBLE);
  if (g_value_type_transformable (G_VALUE_TYPE (value), G_TYPE_DOUBLE) &&
      g_value_transform (value, &converted))
    result = g_value_get_double (&converted);
  g_value_unset (&converted);

  return result;
}

/**
 * wh_request_get_parameter_boolean:
 * @self: a #WhRequest
 * @name: a parameter name, as declared
 *
 * Gets a boolean parameter.
 *
 * Returns: the value, or %FALSE when the parameter was not sent or is no boolean
 */
gboolean
wh_request_get_parameter_boolean (WhRequest  *self,
                                  const char *name)
{
  const GValue *value;

  g_return_val_if_fail (WH_IS_REQUEST (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  value = g_hash_table_lookup (self->values, name);
  return value != NULL && G_VALUE_HOLDS_BOOLEAN (value) && g_value_get_boolean (value);
}

/**
 * wh_request_list_parameters:
 * @self: a #WhRequest
 *
 * Lists the names of the parameters the request carries, path parameters first.
 *
 * Returns: (transfer full) (array zero-terminated=1): the names
 */
char **
wh_request_list_parameters (WhRequest *self)
{
  GStrvBuilder *builder;
  char **names;

  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->names, i));
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return names;
}

/**
 * wh_request_get_body:
 * @self: a #WhRequest
 *
 * Gets the request body as an instance of the handler's #WhHandler:body-type, made from
 * the validated JSON with wh_model_deserialize().
 *
 * Returns: (nullable) (transfer none): the body, or %NULL when the handler declares no
 *   body model (or its media type is not JSON)
 */
GObject *
wh_request_get_body (WhRequest *self)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);

  return self->body;
}

/**
 * wh_request_get_body_json:
 * @self: a #WhRequest
 *
 * Gets the request body as parsed JSON, when the handler declares a JSON body.
 *
 * Returns: (nullable) (transfer none): the JSON, or %NULL
 */
JsonNode *
wh_request_get_body_json (WhRequest *self)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);

  return self->body_json;
}

/**
 * wh_request_get_body_bytes:
 * @self: a #WhRequest
 *
 * Gets the request body as it was sent.
 *
 * Returns: (nullable) (transfer none): the bytes, or %NULL when the request had no body
 */
GBytes *
wh_request_get_body_bytes (WhRequest *self)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), NULL);

  return self->body_bytes;
}

/**
 * wh_request_set_response_header:
 * @self: a #WhRequest
 * @name: a header name
 * @value: its value
 *
 * Sets a header of the response (such as `Location`); call it before answering.
 */
void
wh_request_set_response_header (WhRequest  *self,
                                const char *name,
                                const char *value)
{
  g_return_if_fail (WH_IS_REQUEST (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);
  g_return_if_fail (!self->answered);

  if (self->msg != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (self->msg),
                                  name, value);
}

/**
 * wh_request_is_answered:
 * @self: a #WhRequest
 *
 * Whether one of the wh_request_respond_*() functions was called.
 *
 * Returns: %TRUE once the request is answered
 */
gboolean
wh_request_is_answered (WhRequest *self)
{
  g_return_val_if_fail (WH_IS_REQUEST (self), FALSE);

  return self->answered;
}

/**
 * wh_request_respond_json:
 * @self: a #WhRequest
 * @status: the HTTP status, or 0 for the handler's status code for the method
 * @json: (nullable): the body, or %NULL for none
 *
 * Answers the request with @json as an `application/json` body. A request is answered
 * once.
 */
void
wh_request_respond_json (WhRequest *self,
                         guint      status,
                         JsonNode  *json)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (WH_IS_REQUEST (self));
  g_return_if_fail (!self->answered);

  if (!begin_answer (self))
    return;

  if (json != NULL)
    {
      char *text = wh_json_to_string (json, FALSE, NULL);

      bytes = g_bytes_new_take (text, strlen (text));
    }
  answer (self, resolve_status (self, status), "application/json", bytes);
}

/**
 * wh_request_respond_model:
 * @self: a #WhRequest
 * @status: the HTTP status, or 0 for the handler's status code for the method
 * @model: (nullable): an instance of a model class, or %NULL for an empty body
 *
 * Answers the request with @model serialized to JSON as wh_model_serialize() does, the
 * same JSON the document describes. A request is answered once.
 */
void
wh_request_respond_model (WhRequest *self,
                          guint      status,
                          GObject   *model)
{
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WH_IS_REQUEST (self));
  g_return_if_fail (model == NULL || G_IS_OBJECT (model));
  g_return_if_fail (!self->answered);

  if (model != NULL && (json = wh_model_serialize (model, &error)) == NULL)
    {
      /* A mistake in the application, not in the request: tell its author, not the
       * client. */
      g_warning ("The response of %s %s cannot be sent: %s", self->method, self->path,
                 error->message);
      wh_request_respond_error (self, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }

  wh_request_respond_json (self, status, json);
}

/**
 * wh_request_respond_bytes:
 * @self: a #WhRequest
 * @status: the HTTP status, or 0 for the handler's status code for the method
 * @content_type: (nullable): the body's media type, or %NULL for
 *   `application/octet-stream`
 * @bytes: (nullable): the body, or %NULL for none
 *
 * Answers the request with @bytes as they are. A request is answered once.
 */
void
wh_request_respond_bytes (WhRequest  *self,
                          guint       status,
                          const char *content_type,
                          GBytes     *bytes)
{
  g_return_if_fail (WH_IS_REQUEST (self));
  g_return_if_fail (!self->answered);

  if (!begin_answer (self))
    return;

  answer (self, resolve_status (self, status),
          content_type != NULL ? content_type : "application/octet-stream", bytes);
}

/**
 * wh_request_respond_error:
 * @self: a #WhRequest
 * @status: the HTTP status, such as 404, or 0 for the handler's status code
 * @detail: (nullable): what went wrong, for the client; %NULL for the status's reason
 *   phrase
 *
 * Answers the request with `{"detail": detail}`, as Esmerald answers an HTTP exception.
 * A request is answered once.
 */
void
wh_request_respond_error (WhRequest  *self,
                          guint       status,
                          const char *detail)
{
  g_return_if_fail (WH_IS_REQUEST (self));
  g_return_if_fail (!self->answered);

  if (!begin_answer (self))
    return;

  wh_serve_respond_json_error (self->msg, resolve_status (self, status), detail);
  release_message (self);
}
