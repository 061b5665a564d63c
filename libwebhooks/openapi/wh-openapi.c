/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The serializer: a #WhApplication becomes an OpenAPI 3.1 document.
 *
 * It follows Esmerald's observable output (summaries from names, the operationId scheme,
 * default status codes, `Successful response`, `$ref` bodies, the 422 validation error)
 * and is stricter where Esmerald is wrong: security requirements are spec-correct, each
 * method gets its own operationId, and duplicates are errors instead of being silently
 * overwritten. Validation lives in the index, which both wh_application_add_*() and the
 * builder fill, so what was accepted when added is exactly what the builder relies on.
 */

#include "config.h"

#include <string.h>

#include "wh-application-private.h"
#include "wh-error.h"
#include "wh-model-private.h"
#include "wh-naming-private.h"
#include "wh-openapi-private.h"

#define VALIDATION_ERROR_REF "#/components/schemas/HTTPValidationError"

/* One operation of the document: a handler's method under a key. */
typedef struct
{
  gboolean as_webhook;
  WhGateway *gateway;          /* unowned: the index holds the gateways' owners */
  WhAPIView *view;             /* nullable */
  WhHandler *handler;
  char *key;                   /* the route path, or the webhook's name */
  const char *method;          /* interned */
  char *operation_id;
  gboolean included;
} WhOperation;

struct _WhOpenAPIIndex
{
  GPtrArray *gateways;         /* keeps what the operations point to alive */
  GPtrArray *operations;       /* of WhOperation, in document order */
  GHashTable *by_key;          /* "R GET /path" or "W POST name" -> WhOperation */
  GHashTable *by_operation_id; /* operationId -> WhOperation (included ones only) */
  GHashTable *schemes;         /* name -> JsonNode (the scheme object) */
  GPtrArray *scheme_names;     /* in the order they were first met */
  WhSchemaRegistry *models;
  gboolean needs_validation_error;
  /* While a document is built: nodes many operations have in common (the same request
   * body, the same responses, the same parameter), built once and shared, sealed, by
   * key. NULL when nothing may be shared. */
  GHashTable *shared;
};

static void
wh_operation_free (gpointer data)
{
  WhOperation *operation = data;

  g_free (operation->key);
  g_free (operation->operation_id);
  g_free (operation);
}

WhOpenAPIIndex *
wh_openapi_index_new (void)
{
  WhOpenAPIIndex *index = g_new0 (WhOpenAPIIndex, 1);

  index->gateways = g_ptr_array_new_with_free_func (g_object_unref);
  index->operations = g_ptr_array_new_with_free_func (wh_operation_free);
  index->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->by_operation_id = g_hash_table_new (g_str_hash, g_str_equal);
  index->schemes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) json_node_unref);
  index->scheme_names = g_ptr_array_new_with_free_func (g_free);
  index->models = wh_schema_registry_new ();

  return index;
}

void
wh_openapi_index_free (WhOpenAPIIndex *index)
{
  if (index == NULL)
    return;

  g_hash_table_unref (index->by_operation_id);
  g_hash_table_unref (index->by_key);
  g_ptr_array_unref (index->operations);
  g_ptr_array_unref (index->gateways);
  g_hash_table_unref (index->schemes);
  g_ptr_array_unref (index->scheme_names);
  wh_schema_registry_free (index->models);
  g_free (index);
}

/* How an operation is named in error messages: enough to find it in the code. */
static char *
describe_operation (const WhOperation *operation)
{
  return g_strdup_printf ("%s %s %s (handler “%s”)",
                          operation->as_webhook ? "webhook" : "route",
                          operation->method, operation->key,
                          wh_handler_get_name (operation->handler));
}

static char *
operation_lookup_key (gboolean    as_webhook,
                      const char *method,
                      const char *key)
{
  return g_strdup_printf ("%c %s %s", as_webhook ? 'W' : 'R', method, key);
}

gboolean
wh_openapi_index_add_scheme (WhOpenAPIIndex    *index,
                             WhSecurityScheme  *scheme,
                             GError           **error)
{
  const char *name = wh_security_scheme_get_name (scheme);
  g_autoptr(JsonNode) node = NULL;
  JsonNode *known;

  node = wh_security_scheme_to_json (scheme, error);
  if (node == NULL)
    return FALSE;

  known = g_hash_table_lookup (index->schemes, name);
  if (known != NULL)
    {
      if (json_node_equal (known, node))
        return TRUE;

      g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                   "Two different security schemes are named “%s”: give one of them "
                   "another name, or use the same WhSecurityScheme in both places", name);
      return FALSE;
    }

  g_hash_table_insert (index->schemes, g_strdup (name), g_steal_pointer (&node));
  g_ptr_array_add (index->scheme_names, g_strdup (name));
  return TRUE;
}

static gboolean
add_schemes (WhOpenAPIIndex  *index,
             GListModel      *schemes,
             GError         **error)
{
  guint n = g_list_model_get_n_items (schemes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhSecurityScheme) scheme = g_list_model_get_item (schemes, i);

      if (!wh_openapi_index_add_scheme (index, scheme, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_valid_status (const char *status)
{
  if (g_str_equal (status, "default"))
    return TRUE;

  if (strlen (status) != 3 || status[0] < '1' || status[0] > '5')
    return FALSE;

  if (status[1] == 'X' && status[2] == 'X')
    return TRUE;

  return g_ascii_isdigit (status[1]) && g_ascii_isdigit (status[2]);
}

/* The names of the `{parameters}` of a path template, in order. */
static GPtrArray *
path_template_names (const char *path)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *p = path;

  while ((p = strchr (p, '{')) != NULL)
    {
      const char *end = strchr (p, '}');

      if (end == NULL)
        break;
      g_ptr_array_add (names, g_strndup (p + 1, end - p - 1));
      p = end + 1;
    }

  return names;
}

static gboolean
has_name (GPtrArray  *names,
          const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;

  return FALSE;
}

/* Checks what belongs to the operation alone: its parameters and responses. */
static gboolean
check_operation (WhOperation  *operation,
                 GError      **error)
{
  GListModel *parameters = wh_handler_get_parameters (operation->handler);
  GListModel *responses = wh_handler_get_responses (operation->handler);
  g_autoptr(GPtrArray) template_names = path_template_names (operation->key);
  guint n;

  /* A webhook has a name, not a path: braces in it are no template. */
  if (operation->as_webhook)
    g_ptr_array_set_size (template_names, 0);

  n = g_list_model_get_n_items (parameters);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhParameter) parameter = g_list_model_get_item (parameters, i);
      const char *name = wh_parameter_get_name (parameter);

      if (name == NULL || *name == '\0')
        {
          g_autofree char *what = describe_operation (operation);

          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                       "A parameter of %s has no name: give every WhParameter a name", what);
          return FALSE;
        }

      if (wh_parameter_get_location (parameter) != WH_PARAMETER_PATH)
        continue;

      if (operation->as_webhook || !has_name (template_names, name))
        {
          g_autofree char *what = describe_operation (operation);

          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                       "The path parameter “%s” of %s is not in its path: add “{%s}” to "
                       "the path, or declare it in the query or a header",
                       name, what, name);
          return FALSE;
        }

      if (!wh_parameter_get_required (parameter))
        {
          g_autofree char *what = describe_operation (operation);

          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                       "The path parameter “%s” of %s is marked optional, but a path "
                       "parameter is always required: set “required” to TRUE",
                       name, what);
          return FALSE;
        }
    }

  n = g_list_model_get_n_items (responses);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhResponse) response = g_list_model_get_item (responses, i);
      const char *status = wh_response_get_status (response);

      if (status == NULL || !is_valid_status (status))
        {
          g_autofree char *what = describe_operation (operation);

          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_RESPONSE,
                       "The response “%s” of %s has no valid status: use a code from 100 to "
                       "599, a range such as 4XX, or default",
                       status != NULL ? status : "(null)", what);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
has_type (GType type)
{
  return type != G_TYPE_NONE && type != G_TYPE_INVALID;
}

/* Registers a model without making the `$ref` to it (this runs for every operation);
 * other value types are only checked. */
static gboolean
register_type (WhOpenAPIIndex  *index,
               GType            type,
               GError         **error)
{
  g_autoptr(JsonNode) schema = NULL;

  if (G_TYPE_IS_OBJECT (type) && type != G_TYPE_OBJECT)
    return wh_schema_registry_add_model (index->models, type, error) != NULL;

  schema = wh_schema_registry_schema_for_type (index->models, type, error);
  return schema != NULL;
}

/* Registers the models an operation refers to, which also checks that they have a JSON
 * form. */
static gboolean
register_models (WhOpenAPIIndex  *index,
                 WhOperation     *operation,
                 GError         **error)
{
  WhHandler *handler = operation->handler;
  GListModel *responses = wh_handler_get_responses (handler);
  GListModel *parameters = wh_handler_get_parameters (handler);
  GType types[2] = { wh_handler_get_body_type (handler), wh_handler_get_response_type (handler) };
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (has_type (types[i]) && !register_type (index, types[i], error))
      return FALSE;

  n = g_list_model_get_n_items (responses);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhResponse) response = g_list_model_get_item (responses, i);
      GType type = wh_response_get_body_type (response);

      if (has_type (type) && !register_type (index, type, error))
        return FALSE;
    }

  n = g_list_model_get_n_items (parameters);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhParameter) parameter = g_list_model_get_item (parameters, i);

      if (!register_type (index, wh_parameter_get_value_type (parameter), error))
        return FALSE;
    }

  return TRUE;
}

static char *
lowercase_view_name (WhAPIView *view)
{
  return g_ascii_strdown (wh_api_view_get_name (view), -1);
}

/* Lists the operations of one handler, checking what can be checked without the rest. */
static gboolean
collect_handler (WhGateway  *gateway,
                 WhAPIView  *view,
                 WhHandler  *handler,
                 gboolean    as_webhook,
                 GPtrArray  *out,
                 GError    **error)
{
  const char * const *methods = wh_handler_get_methods (handler);
  const char *path = wh_handler_get_path (handler);
  g_autofree char *key = NULL;
  g_autofree char *id_name = NULL;
  gboolean included;

  if (as_webhook && !WH_IS_WEBHOOK_HANDLER (handler))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_WRONG_KIND,
                   "The route handler “%s” (%s) cannot be a webhook: declare it with "
                   "wh_whpost() or another wh_wh*() function, or add it with "
                   "wh_application_add_route()",
                   wh_handler_get_name (handler), path != NULL ? path : "no path");
      return FALSE;
    }

  if (!as_webhook && WH_IS_WEBHOOK_HANDLER (handler))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_WRONG_KIND,
                   "The webhook handler “%s” cannot be a route: put it in a "
                   "WhWebhookGateway and add it with wh_application_add_webhook(), or "
                   "declare the route with wh_post() or another route function",
                   path != NULL ? path : "");
      return FALSE;
    }

  if (path == NULL || *path == '\0')
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_NAME,
                   as_webhook
                   ? "A webhook handler has no name: give it the name of the event, such "
                     "as wh_whpost (\"new-payment\")"
                   : "A route handler has no path: give it one, such as wh_post (\"/create\")");
      return FALSE;
    }

  if (methods == NULL || methods[0] == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_METHOD,
                   "The %s handler “%s” has no HTTP method: give it at least one, such as "
                   "{\"POST\", NULL}",
                   as_webhook ? "webhook" : "route", path);
      return FALSE;
    }

  if (as_webhook)
    key = g_strdup (path);
  else
    {
      g_autofree char *view_path = NULL;

      if (view != NULL)
        view_path = wh_route_path_join (wh_api_view_get_path (view), path);
      key = wh_route_path_join (wh_gateway_get_path (gateway),
                                view_path != NULL ? view_path : path);
    }

  included = wh_gateway_get_include_in_schema (gateway) &&
             wh_handler_get_include_in_schema (handler);
  id_name = view != NULL ? lowercase_view_name (view) : g_strdup (wh_handler_get_name (handler));

  for (guint i = 0; methods[i] != NULL; i++)
    {
      WhOperation *operation;

      if (!wh_http_method_is_known (methods[i]))
        {
          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_METHOD,
                       "The %s handler “%s” has the unknown HTTP method “%s”: use GET, PUT, "
                       "POST, DELETE, OPTIONS, HEAD, PATCH or TRACE",
                       as_webhook ? "webhook" : "route", path, methods[i]);
          return FALSE;
        }

      operation = g_new0 (WhOperation, 1);
      operation->as_webhook = as_webhook;
      operation->gateway = gateway;
      operation->view = view;
      operation->handler = handler;
      operation->key = g_strdup (key);
      operation->method = g_intern_string (methods[i]);
      operation->included = included;
      if (wh_handler_get_operation_id (handler) != NULL)
        operation->operation_id = g_strdup (wh_handler_get_operation_id (handler));
      else
        operation->operation_id = wh_operation_id_compose (id_name, key, methods[i]);
      g_ptr_array_add (out, operation);

      if (!check_operation (operation, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
collect_gateway (WhGateway  *gateway,
                 gboolean    as_webhook,
                 GPtrArray  *out,
                 GError    **error)
{
  WhHandler *handler = wh_gateway_get_handler (gateway);
  WhAPIView *view = wh_gateway_get_view (gateway);
  GListModel *handlers;
  guint n;

  if (handler != NULL)
    return collect_handler (gateway, NULL, handler, as_webhook, out, error);

  if (view == NULL)
    {
      g_set_error_literal (error, WH_ERROR, WH_ERROR_INVALID_NAME,
                           "The gateway has neither a handler nor a view: give it one with "
                           "wh_gateway_set_handler() or wh_gateway_set_view()");
      return FALSE;
    }

  handlers = wh_api_view_get_handlers (view);
  n = g_list_model_get_n_items (handlers);
  if (n == 0)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_NAME,
                   "The view “%s” has no handlers: add them in its class_init with "
                   "wh_api_view_class_add_handler()", wh_api_view_get_name (view));
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhHandler) item = g_list_model_get_item (handlers, i);

      if (!collect_handler (gateway, view, item, as_webhook, out, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
wh_openapi_index_add_gateway (WhOpenAPIIndex  *index,
                              WhGateway       *gateway,
                              gboolean         as_webhook,
                              GError         **error)
{
  g_autoptr(GPtrArray) operations = g_ptr_array_new_with_free_func (wh_operation_free);
  g_autoptr(GHashTable) new_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) new_ids = g_hash_table_new (g_str_hash, g_str_equal);

  if (!collect_gateway (gateway, as_webhook, operations, error))
    return FALSE;

  /* Check everything before changing anything, so that a refused gateway leaves no
   * operation behind. */
  for (guint i = 0; i < operations->len; i++)
    {
      WhOperation *operation = g_ptr_array_index (operations, i);
      g_autofree char *lookup = operation_lookup_key (operation->as_webhook, operation->method,
                                                      operation->key);
      WhOperation *other;

      other = g_hash_table_lookup (index->by_key, lookup);
      if (other == NULL)
        other = g_hash_table_lookup (new_keys, lookup);
      if (other != NULL)
        {
          g_autofree char *first = describe_operation (other);
          g_autofree char *second = describe_operation (operation);

          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "%s is declared twice: by %s and by %s; remove one of them or give "
                       "it another %s or method",
                       lookup + 2, first, second, as_webhook ? "name" : "path");
          return FALSE;
        }
      g_hash_table_insert (new_keys, g_steal_pointer (&lookup), operation);

      if (!operation->included)
        continue;

      other = g_hash_table_lookup (index->by_operation_id, operation->operation_id);
      if (other == NULL)
        other = g_hash_table_lookup (new_ids, operation->operation_id);
      if (other != NULL)
        {
          g_autofree char *first = describe_operation (other);
          g_autofree char *second = describe_operation (operation);

          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "The operationId “%s” is used by both %s and %s: set “operation-id” "
                       "on one of them to a unique value",
                       operation->operation_id, first, second);
          return FALSE;
        }
      g_hash_table_insert (new_ids, operation->operation_id, operation);
    }

  /* Security schemes and models are checked against the index itself; a failure here
   * may leave some of them registered, so the caller drops an index that failed. */
  for (guint i = 0; i < operations->len; i++)
    {
      WhOperation *operation = g_ptr_array_index (operations, i);

      if (!operation->included)
        continue;

      if (!add_schemes (index, wh_gateway_get_security (gateway), error) ||
          !add_schemes (index, wh_handler_get_security (operation->handler), error) ||
          !register_models (index, operation, error))
        return FALSE;
    }

  g_ptr_array_add (index->gateways, g_object_ref (gateway));
  for (guint i = 0; i < operations->len; i++)
    {
      WhOperation *operation = g_ptr_array_index (operations, i);

      g_hash_table_insert (index->by_key,
                           operation_lookup_key (operation->as_webhook, operation->method,
                                                 operation->key),
                           operation);
      if (operation->included)
        g_hash_table_insert (index->by_operation_id, operation->operation_id, operation);
    }
  g_ptr_array_extend_and_steal (index->operations, g_steal_pointer (&operations));

  return TRUE;
}

/* The document. */

static const char *
reason_phrase (const char *status)
{
  static const struct { const char *status; const char *phrase; } phrases[] = {
    { "100", "Continue" }, { "101", "Switching Protocols" }, { "200", "OK" },
    { "201", "Created" }, { "202", "Accepted" }, { "203", "Non-Authoritative Information" },
    { "204", "No Content" }, { "205", "Reset Content" }, { "206", "Partial Content" },
    { "300", "Multiple Choices" }, { "301", "Moved Permanently" }, { "302", "Found" },
    { "303", "See Other" }, { "304", "Not Modified" }, { "307", "Temporary Redirect" },
    { "308", "Permanent Redirect" }, { "400", "Bad Request" }, { "401", "Unauthorized" },
    { "402", "Payment Required" }, { "403", "Forbidden" }, { "404", "Not Found" },
    { "405", "Method Not Allowed" }, { "406", "Not Acceptable" }, { "408", "Request Timeout" },
    { "409", "Conflict" }, { "410", "Gone" }, { "411", "Length Required" },
    { "412", "Precondition Failed" }, { "413", "Content Too Large" },
    { "414", "URI Too Long" }, { "415", "Unsupported Media Type" },
    { "416", "Range Not Satisfiable" }, { "417", "Expectation Failed" },
    { "422", "Unprocessable Content" }, { "425", "Too Early" }, { "426", "Upgrade Required" },
    { "428", "Precondition Required" }, { "429", "Too Many Requests" },
    { "431", "Request Header Fields Too Large" }, { "451", "Unavailable For Legal Reasons" },
    { "500", "Internal Server Error" }, { "501", "Not Implemented" }, { "502", "Bad Gateway" },
    { "503", "Service Unavailable" }, { "504", "Gateway Timeout" },
    { "505", "HTTP Version Not Supported" },
  };

  if (g_str_equal (status, "default"))
    return "Default response";
  if (status[1] == 'X')
    return "Error";

  for (guint i = 0; i < G_N_ELEMENTS (phrases); i++)
    if (g_str_equal (phrases[i].status, status))
      return phrases[i].phrase;

  return "Response";
}

static void
set_string_if (JsonObject *object,
               const char *member,
               const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, member, value);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

static JsonNode *
schema_ref (const char *ref)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "$ref", ref);
  return object_node (object);
}

/* A new reference to the shared node for @key, or NULL when there is none yet. */
static JsonNode *
lookup_shared (WhOpenAPIIndex *index,
               const char     *key)
{
  JsonNode *node = g_hash_table_lookup (index->shared, key);

  return node != NULL ? json_node_ref (node) : NULL;
}

/* Seals @node and keeps it for the next operation that asks for @key; returns @node. */
static JsonNode *
keep_shared (WhOpenAPIIndex *index,
             char           *key,
             JsonNode       *node)
{
  json_node_seal (node);
  g_hash_table_insert (index->shared, key, json_node_ref (node));
  return node;
}

/* A subclass that customizes its operations may change any part of them, so they must be
 * its own and not shared. */
static gboolean
handler_customizes_operations (WhHandler *handler)
{
  WhHandlerClass *base = g_type_class_peek (WH_TYPE_HANDLER);

  return WH_HANDLER_GET_CLASS (handler)->customize_operation != base->customize_operation;
}

static gboolean
view_customizes_operations (WhAPIView *view)
{
  WhAPIViewClass *base = g_type_class_peek (WH_TYPE_API_VIEW);

  return view != NULL &&
         WH_API_VIEW_GET_CLASS (view)->customize_operation != base->customize_operation;
}

static gboolean
application_customizes_document (WhApplication *app)
{
  WhApplicationClass *base = g_type_class_peek (WH_TYPE_APPLICATION);

  return WH_APPLICATION_GET_CLASS (app)->customize_openapi != base->customize_openapi;
}

/* {"<media type>": {"schema": <schema>}} */
static JsonObject *
content_object (const char *media_type,
                JsonNode   *schema)
{
  JsonObject *content = json_object_new ();
  JsonObject *media = json_object_new ();

  json_object_set_member (media, "schema", schema);
  json_object_set_object_member (content, media_type != NULL ? media_type : "application/json",
                                 media);
  return content;
}

static JsonNode *
info_object (WhApplication *app)
{
  JsonObject *info = json_object_new ();
  const char *title = wh_application_get_title (app);
  const char *version = wh_application_get_version (app);

  json_object_set_string_member (info, "title", title != NULL ? title : "");
  set_string_if (info, "summary", wh_application_get_summary (app));
  set_string_if (info, "description", wh_application_get_description (app));
  set_string_if (info, "termsOfService", wh_application_get_terms_of_service (app));

  if (wh_application_get_contact_name (app) != NULL ||
      wh_application_get_contact_url (app) != NULL ||
      wh_application_get_contact_email (app) != NULL)
    {
      JsonObject *contact = json_object_new ();

      set_string_if (contact, "name", wh_application_get_contact_name (app));
      set_string_if (contact, "url", wh_application_get_contact_url (app));
      set_string_if (contact, "email", wh_application_get_contact_email (app));
      json_object_set_object_member (info, "contact", contact);
    }

  if (wh_application_get_license_name (app) != NULL)
    {
      JsonObject *license = json_object_new ();

      json_object_set_string_member (license, "name", wh_application_get_license_name (app));
      /* OpenAPI 3.1 allows an identifier or a URL, not both. */
      if (wh_application_get_license_identifier (app) != NULL)
        json_object_set_string_member (license, "identifier",
                                       wh_application_get_license_identifier (app));
      else
        set_string_if (license, "url", wh_application_get_license_url (app));
      json_object_set_object_member (info, "license", license);
    }

  json_object_set_string_member (info, "version", version != NULL ? version : "");
  return object_node (info);
}

static JsonNode *
servers_array (WhApplication *app)
{
  GPtrArray *servers = wh_application_get_server_infos (app);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < servers->len; i++)
    {
      WhServerInfo *server = g_ptr_array_index (servers, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "url", server->url);
      set_string_if (object, "description", server->description);
      json_array_add_object_element (array, object);
    }

  if (servers->len == 0)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "url", "/");
      json_array_add_object_element (array, object);
    }

  return array_node (array);
}

static void
add_unique_strings (JsonArray          *array,
                    GHashTable         *seen,
                    const char * const *strings)
{
  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    if (g_hash_table_add (seen, (gpointer) strings[i]))
      json_array_add_string_element (array, strings[i]);
}

static JsonNode *
security_requirements (GListModel **lists,
                       guint        n_lists)
{
  g_autoptr(GHashTable) seen = NULL;
  JsonArray *array = NULL;

  for (guint l = 0; l < n_lists; l++)
    {
      guint n = lists[l] != NULL ? g_list_model_get_n_items (lists[l]) : 0;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(WhSecurityScheme) scheme = g_list_model_get_item (lists[l], i);
          const char *name = wh_security_scheme_get_name (scheme);
          const char * const *scopes = wh_security_scheme_get_scopes (scheme);
          JsonObject *requirement;
          JsonArray *scope_array;

          if (seen == NULL)
            {
              seen = g_hash_table_new (g_str_hash, g_str_equal);
              array = json_array_new ();
            }
          if (!g_hash_table_add (seen, (gpointer) name))
            continue;

          requirement = json_object_new ();
          scope_array = json_array_new ();
          for (guint s = 0; scopes != NULL && scopes[s] != NULL; s++)
            json_array_add_string_element (scope_array, scopes[s]);
          json_object_set_array_member (requirement, name, scope_array);
          json_array_add_object_element (array, requirement);
        }
    }

  if (array == NULL)
    return NULL;

  return array_node (array);
}

static JsonNode *
parameter_object (WhOpenAPIIndex  *index,
                  const char      *name,
                  WhParameter     *parameter,
                  gboolean         share,
                  GError         **error)
{
  JsonObject *object;
  JsonNode *schema;
  static const char * const locations[] = { "path", "query", "header", "cookie" };
  WhParameterLocation location = parameter != NULL ? wh_parameter_get_location (parameter)
                                                   : WH_PARAMETER_PATH;
  GType value_type = parameter != NULL ? wh_parameter_get_value_type (parameter) : G_TYPE_STRING;
  g_autofree char *key = NULL;

  if (share)
    {
      JsonNode *known;

      key = g_strdup_printf ("parameter\x1f%s\x1f%d\x1f%" G_GSIZE_FORMAT "\x1f%d\x1f%d\x1f%s",
                             name, location, (gsize) value_type,
                             parameter == NULL || wh_parameter_get_required (parameter),
                             parameter != NULL && wh_parameter_get_deprecated (parameter),
                             parameter != NULL && wh_parameter_get_description (parameter) != NULL
                             ? wh_parameter_get_description (parameter) : "");
      known = lookup_shared (index, key);
      if (known != NULL)
        return known;
    }

  schema = wh_schema_registry_schema_for_type (index->models, value_type, error);
  if (schema == NULL)
    return NULL;

  object = json_object_new ();

  json_object_set_string_member (object, "name", name);
  json_object_set_string_member (object, "in", locations[location]);
  json_object_set_boolean_member (object, "required",
                                  parameter == NULL || wh_parameter_get_required (parameter));
  if (parameter != NULL)
    {
      set_string_if (object, "description", wh_parameter_get_description (parameter));
      if (wh_parameter_get_deprecated (parameter))
        json_object_set_boolean_member (object, "deprecated", TRUE);
    }
  json_object_set_member (object, "schema", schema);

  if (key != NULL)
    return keep_shared (index, g_steal_pointer (&key), object_node (object));

  return object_node (object);
}

/* Path parameters in the order of the template (declared, or a required string when not
 * declared), then the others in the order they were declared. */
static JsonNode *
parameters_array (WhOpenAPIIndex  *index,
                  WhOperation     *operation,
                  gboolean         share,
                  GError         **error)
{
  GListModel *declared = wh_handler_get_parameters (operation->handler);
  guint n = g_list_model_get_n_items (declared);
  g_autoptr(GPtrArray) template_names = NULL;
  g_autoptr(JsonArray) array = json_array_new ();

  template_names = operation->as_webhook ? g_ptr_array_new ()
                                         : path_template_names (operation->key);

  for (guint t = 0; t < template_names->len; t++)
    {
      const char *name = g_ptr_array_index (template_names, t);
      g_autoptr(WhParameter) match = NULL;
      JsonNode *node;

      for (guint i = 0; i < n && match == NULL; i++)
        {
          g_autoptr(WhParameter) parameter = g_list_model_get_item (declared, i);

          if (wh_parameter_get_location (parameter) == WH_PARAMETER_PATH &&
              g_str_equal (wh_parameter_get_name (parameter), name))
            match = g_steal_pointer (&parameter);
        }

      node = parameter_object (index, name, match, share, error);
      if (node == NULL)
        return NULL;
      json_array_add_element (array, node);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhParameter) parameter = g_list_model_get_item (declared, i);
      JsonNode *node;

      if (wh_parameter_get_location (parameter) == WH_PARAMETER_PATH)
        continue;

      node = parameter_object (index, wh_parameter_get_name (parameter), parameter, share, error);
      if (node == NULL)
        return NULL;
      json_array_add_element (array, node);
    }

  if (json_array_get_length (array) == 0)
    return json_node_new (JSON_NODE_NULL);

  return array_node (g_steal_pointer (&array));
}

static gboolean
responses_cover_validation_error (GListModel *responses)
{
  guint n = g_list_model_get_n_items (responses);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhResponse) response = g_list_model_get_item (responses, i);
      const char *status = wh_response_get_status (response);

      if (g_str_equal (status, "422") || g_str_equal (status, "4XX") ||
          g_str_equal (status, "default"))
        return TRUE;
    }

  return FALSE;
}

static JsonNode *
responses_object (WhOpenAPIIndex  *index,
                  WhOperation     *operation,
                  gboolean         validates_input,
                  gboolean         share,
                  GError         **error)
{
  WhHandler *handler = operation->handler;
  GListModel *responses = wh_handler_get_responses (handler);
  guint status = wh_handler_get_status_code_for_method (handler, operation->method);
  GType response_type = wh_handler_get_response_type (handler);
  const char *description = wh_handler_get_response_description (handler);
  g_autoptr(JsonObject) object = json_object_new ();
  JsonObject *success = json_object_new ();
  char status_text[8];
  guint n = g_list_model_get_n_items (responses);
  g_autofree char *key = NULL;

  /* Most operations answer alike: share the whole object when only the success response
   * and the validation error are in it. */
  if (share && n == 0)
    {
      JsonNode *known;

      key = g_strdup_printf ("responses\x1f%u\x1f%" G_GSIZE_FORMAT "\x1f%d\x1f%s",
                             status, (gsize) response_type, validates_input,
                             description != NULL ? description : "");
      known = lookup_shared (index, key);
      if (known != NULL)
        {
          if (validates_input)
            index->needs_validation_error = TRUE;
          json_object_unref (success);
          return known;
        }
    }

  g_snprintf (status_text, sizeof status_text, "%u", status);
  json_object_set_string_member (success, "description",
                                 description != NULL ? description : "Successful response");
  if (has_type (response_type) && wh_http_status_allows_body (status))
    {
      JsonNode *schema = wh_schema_registry_schema_for_type (index->models, response_type, error);

      if (schema == NULL)
        {
          json_object_unref (success);
          return NULL;
        }
      json_object_set_object_member (success, "content", content_object (NULL, schema));
    }
  json_object_set_object_member (object, status_text, success);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhResponse) response = g_list_model_get_item (responses, i);
      const char *code = wh_response_get_status (response);
      const char *text = wh_response_get_description (response);
      JsonObject *extra = json_object_new ();

      json_object_set_string_member (extra, "description",
                                     text != NULL ? text : reason_phrase (code));
      if (has_type (wh_response_get_body_type (response)))
        {
          JsonNode *schema = wh_schema_registry_schema_for_type (index->models,
                                                                 wh_response_get_body_type (response),
                                                                 error);

          if (schema == NULL)
            {
              json_object_unref (extra);
              return NULL;
            }
          json_object_set_object_member (extra, "content",
                                         content_object (wh_response_get_media_type (response),
                                                         schema));
        }
      json_object_set_object_member (object, code, extra);
    }

  if (validates_input && !responses_cover_validation_error (responses))
    {
      JsonObject *invalid = json_object_new ();

      json_object_set_string_member (invalid, "description", "Validation Error");
      json_object_set_object_member (invalid, "content",
                                     content_object (NULL, schema_ref (VALIDATION_ERROR_REF)));
      json_object_set_object_member (object, "422", invalid);
      index->needs_validation_error = TRUE;
    }

  if (key != NULL)
    return keep_shared (index, g_steal_pointer (&key), object_node (g_steal_pointer (&object)));

  return object_node (g_steal_pointer (&object));
}

static JsonNode *
request_body (WhOpenAPIIndex  *index,
              WhHandler       *handler,
              GType            body_type,
              gboolean         share,
              GError         **error)
{
  const char *media_type = wh_handler_get_media_type (handler);
  g_autofree char *key = NULL;
  JsonObject *body;
  JsonNode *schema;

  if (share)
    {
      JsonNode *known;

      key = g_strdup_printf ("body\x1f%s\x1f%" G_GSIZE_FORMAT,
                             media_type != NULL ? media_type : "", (gsize) body_type);
      known = lookup_shared (index, key);
      if (known != NULL)
        return known;
    }

  schema = wh_schema_registry_schema_for_type (index->models, body_type, error);
  if (schema == NULL)
    return NULL;

  body = json_object_new ();
  json_object_set_object_member (body, "content", content_object (media_type, schema));
  json_object_set_boolean_member (body, "required", TRUE);

  if (key != NULL)
    return keep_shared (index, g_steal_pointer (&key), object_node (body));

  return object_node (body);
}

static JsonNode *
operation_object (WhOpenAPIIndex  *index,
                  WhOperation     *operation,
                  GError         **error)
{
  WhHandler *handler = operation->handler;
  WhGateway *gateway = operation->gateway;
  GType body_type = wh_handler_get_body_type (handler);
  gboolean has_body = has_type (body_type) && wh_http_method_allows_body (operation->method);
  g_autoptr(JsonObject) object = json_object_new ();
  const char *description = wh_handler_get_description (handler);
  const char * const *tag_lists[3] = {
    wh_gateway_get_tags (gateway),
    operation->view != NULL ? wh_api_view_get_tags (operation->view) : NULL,
    wh_handler_get_tags (handler),
  };
  gboolean share = index->shared != NULL && !handler_customizes_operations (handler) &&
                   !view_customizes_operations (operation->view);
  JsonNode *parameters;
  JsonNode *responses;
  JsonNode *security;
  GListModel *security_lists[2];

  for (guint i = 0; i < G_N_ELEMENTS (tag_lists); i++)
    if (tag_lists[i] != NULL && tag_lists[i][0] != NULL)
      {
        g_autoptr(GHashTable) seen_tags = g_hash_table_new (g_str_hash, g_str_equal);
        JsonArray *tags = json_array_new ();

        for (guint j = 0; j < G_N_ELEMENTS (tag_lists); j++)
          add_unique_strings (tags, seen_tags, tag_lists[j]);
        json_object_set_array_member (object, "tags", tags);
        break;
      }

  json_object_set_string_member (object, "summary", wh_handler_get_summary (handler));
  json_object_set_string_member (object, "description", description != NULL ? description : "");
  json_object_set_string_member (object, "operationId", operation->operation_id);

  parameters = parameters_array (index, operation, share, error);
  if (parameters == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_NULL (parameters))
    {
      json_node_unref (parameters);
      parameters = NULL;
    }
  else
    json_object_set_member (object, "parameters", parameters);

  if (has_body)
    {
      JsonNode *body = request_body (index, handler, body_type, share, error);

      if (body == NULL)
        return NULL;
      json_object_set_member (object, "requestBody", body);
    }

  responses = responses_object (index, operation, has_body || parameters != NULL, share, error);
  if (responses == NULL)
    return NULL;
  json_object_set_member (object, "responses", responses);

  json_object_set_boolean_member (object, "deprecated",
                                  wh_gateway_get_deprecated (gateway) ||
                                  wh_handler_get_deprecated (handler));

  security_lists[0] = wh_gateway_get_security (gateway);
  security_lists[1] = wh_handler_get_security (handler);
  security = security_requirements (security_lists, G_N_ELEMENTS (security_lists));
  if (security != NULL)
    json_object_set_member (object, "security", security);

  if (WH_HANDLER_GET_CLASS (handler)->customize_operation != NULL)
    WH_HANDLER_GET_CLASS (handler)->customize_operation (handler, operation->method, object);
  if (operation->view != NULL && WH_API_VIEW_GET_CLASS (operation->view)->customize_operation != NULL)
    WH_API_VIEW_GET_CLASS (operation->view)->customize_operation (operation->view, handler,
                                                                   operation->method, object);

  return object_node (g_steal_pointer (&object));
}

/* The Path Item Object for @key in @items, created on first use. */
static JsonObject *
path_item (JsonObject *items,
           const char *key)
{
  JsonObject *item;

  /* json-glib 1.6 complains when asked for a member that is not there. */
  if (json_object_has_member (items, key))
    item = json_object_get_object_member (items, key);
  else
    {
      item = json_object_new ();
      json_object_set_object_member (items, key, item);
    }

  return item;
}

/* The validation error schemas, as Esmerald (through pydantic) emits them. */
static void
add_validation_error_components (WhSchemaRegistry *registry)
{
  JsonObject *http_error = json_object_new ();
  JsonObject *http_properties = json_object_new ();
  JsonObject *detail = json_object_new ();
  JsonObject *error = json_object_new ();
  JsonObject *error_properties = json_object_new ();
  JsonObject *loc = json_object_new ();
  JsonObject *loc_items = json_object_new ();
  JsonArray *loc_any_of = json_array_new ();
  JsonObject *string_schema = json_object_new ();
  JsonObject *integer_schema = json_object_new ();
  JsonObject *msg = json_object_new ();
  JsonObject *type = json_object_new ();
  JsonArray *required = json_array_new ();

  json_object_set_string_member (detail, "title", "Detail");
  json_object_set_string_member (detail, "type", "array");
  json_object_set_member (detail, "items", schema_ref ("#/components/schemas/ValidationError"));
  json_object_set_object_member (http_properties, "detail", detail);
  json_object_set_string_member (http_error, "title", "HTTPValidationError");
  json_object_set_string_member (http_error, "type", "object");
  json_object_set_object_member (http_error, "properties", http_properties);

  json_object_set_string_member (string_schema, "type", "string");
  json_object_set_string_member (integer_schema, "type", "integer");
  json_array_add_object_element (loc_any_of, string_schema);
  json_array_add_object_element (loc_any_of, integer_schema);
  json_object_set_array_member (loc_items, "anyOf", loc_any_of);
  json_object_set_string_member (loc, "title", "Location");
  json_object_set_string_member (loc, "type", "array");
  json_object_set_object_member (loc, "items", loc_items);
  json_object_set_string_member (msg, "title", "Message");
  json_object_set_string_member (msg, "type", "string");
  json_object_set_string_member (type, "title", "Error Type");
  json_object_set_string_member (type, "type", "string");
  json_object_set_object_member (error_properties, "loc", loc);
  json_object_set_object_member (error_properties, "msg", msg);
  json_object_set_object_member (error_properties, "type", type);
  json_array_add_string_element (required, "loc");
  json_array_add_string_element (required, "msg");
  json_array_add_string_element (required, "type");
  json_object_set_string_member (error, "title", "ValidationError");
  json_object_set_string_member (error, "type", "object");
  json_object_set_object_member (error, "properties", error_properties);
  json_object_set_array_member (error, "required", required);

  wh_schema_registry_add_component (registry, "HTTPValidationError", object_node (http_error));
  wh_schema_registry_add_component (registry, "ValidationError", object_node (error));
}

static gboolean
index_gateways (WhOpenAPIIndex  *index,
                GListModel      *gateways,
                gboolean         as_webhooks,
                GError         **error)
{
  guint n = g_list_model_get_n_items (gateways);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhGateway) gateway = g_list_model_get_item (gateways, i);

      if (!wh_openapi_index_add_gateway (index, gateway, as_webhooks, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
wh_openapi_index_add_application (WhOpenAPIIndex  *index,
                                  WhApplication   *app,
                                  GError         **error)
{
  return add_schemes (index, wh_application_get_security_schemes (app), error) &&
         add_schemes (index, wh_application_get_security (app), error) &&
         index_gateways (index, wh_application_get_routes (app), FALSE, error) &&
         index_gateways (index, wh_application_get_webhooks (app), TRUE, error);
}

JsonNode *
wh_openapi_build (WhApplication  *app,
                  GError        **error)
{
  g_autoptr(WhOpenAPIIndex) index = wh_openapi_index_new ();

  if (!wh_openapi_index_add_application (index, app, error))
    return NULL;

  return wh_openapi_build_from_index (app, index, error);
}

/* A copy that can be changed: json_node_copy() keeps a sealed node sealed. */
static JsonNode *
copy_mutable (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *result = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (result, name, copy_mutable (member));
        return object_node (result);
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *result = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (result, copy_mutable (json_array_get_element (array, i)));
        return array_node (result);
      }

    case JSON_NODE_VALUE:
      {
        JsonNode *copy = json_node_new (JSON_NODE_VALUE);
        GValue value = G_VALUE_INIT;

        json_node_get_value (node, &value);
        json_node_set_value (copy, &value);
        g_value_unset (&value);
        return copy;
      }

    case JSON_NODE_NULL:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

static JsonNode *build_document (WhApplication   *app,
                                 WhOpenAPIIndex  *index,
                                 GError         **error);

JsonNode *
wh_openapi_build_from_index (WhApplication   *app,
                             WhOpenAPIIndex  *index,
                             GError         **error)
{
  JsonNode *document;

  index->needs_validation_error = FALSE;
  /* The document's own customization may change any part of it: then nothing is shared. */
  if (!application_customizes_document (app))
    index->shared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) json_node_unref);

  document = build_document (app, index, error);
  g_clear_pointer (&index->shared, g_hash_table_unref);

  return document;
}

static JsonNode *
build_document (WhApplication   *app,
                WhOpenAPIIndex  *index,
                GError         **error)
{
  g_autoptr(JsonObject) document = json_object_new ();
  JsonObject *paths = json_object_new ();
  JsonObject *webhooks = json_object_new ();
  JsonObject *components = json_object_new ();
  GListModel *app_security = wh_application_get_security (app);
  GPtrArray *tags = wh_application_get_tag_infos (app);
  JsonNode *security;

  json_object_set_string_member (document, "openapi", "3.1.0");
  json_object_set_member (document, "info", info_object (app));
  json_object_set_member (document, "servers", servers_array (app));
  json_object_set_object_member (document, "paths", paths);

  for (guint i = 0; i < index->operations->len; i++)
    {
      WhOperation *operation = g_ptr_array_index (index->operations, i);
      JsonObject *items = operation->as_webhook ? webhooks : paths;
      g_autofree char *method = NULL;
      JsonNode *node;

      if (!operation->included)
        continue;

      node = operation_object (index, operation, error);
      if (node == NULL)
        {
          json_object_unref (webhooks);
          json_object_unref (components);
          return NULL;
        }

      method = g_ascii_strdown (operation->method, -1);
      json_object_set_member (path_item (items, operation->key), method, node);
    }

  if (json_object_get_size (webhooks) > 0)
    json_object_set_object_member (document, "webhooks", webhooks);
  else
    json_object_unref (webhooks);

  if (index->needs_validation_error)
    add_validation_error_components (index->models);

  if (!wh_schema_registry_is_empty (index->models))
    {
      JsonNode *schemas = wh_schema_registry_to_json (index->models);

      /* The registry shares its schemas sealed; a customizing subclass gets its own. */
      if (index->shared == NULL)
        {
          JsonNode *mutable_schemas = copy_mutable (schemas);

          json_node_unref (schemas);
          schemas = mutable_schemas;
        }
      json_object_set_member (components, "schemas", schemas);
    }

  if (index->scheme_names->len > 0)
    {
      JsonObject *schemes = json_object_new ();

      for (guint i = 0; i < index->scheme_names->len; i++)
        {
          const char *name = g_ptr_array_index (index->scheme_names, i);

          json_object_set_member (schemes, name,
                                  json_node_copy (g_hash_table_lookup (index->schemes, name)));
        }
      json_object_set_object_member (components, "securitySchemes", schemes);
    }

  if (json_object_get_size (components) > 0)
    json_object_set_object_member (document, "components", components);
  else
    json_object_unref (components);

  security = security_requirements (&app_security, 1);
  if (security != NULL)
    json_object_set_member (document, "security", security);

  if (tags->len > 0)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < tags->len; i++)
        {
          WhTagInfo *tag = g_ptr_array_index (tags, i);
          JsonObject *object = json_object_new ();

          json_object_set_string_member (object, "name", tag->name);
          set_string_if (object, "description", tag->description);
          json_array_add_object_element (array, object);
        }
      json_object_set_array_member (document, "tags", array);
    }

  if (WH_APPLICATION_GET_CLASS (app)->customize_openapi != NULL)
    WH_APPLICATION_GET_CLASS (app)->customize_openapi (app, document);

  return object_node (g_steal_pointer (&document));
}
