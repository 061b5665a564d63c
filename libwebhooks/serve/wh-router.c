/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Route dispatch: see wh-router-private.h.
 *
 * A request goes through two steps. When its headers have arrived (libsoup's early
 * handler), the route is looked up so that a body over the application's max-body-size is
 * refused with 413 before it is read. When its body has arrived, the path, query, header
 * and cookie parameters are converted, the JSON body is parsed, validated against the
 * schema in the application's own document and made into a model instance, and the
 * handler gets a WhRequest; every problem found is reported at once, in Esmerald's 422
 * body. */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "wh-application-server-private.h"
#include "wh-error.h"
#include "wh-json-private.h"
#include "wh-model.h"
#include "wh-naming-private.h"
#include "wh-request-private.h"
#include "wh-router-private.h"
#include "wh-schema-validator-private.h"

typedef struct
{
  WhApplication *app;
  WhHandler *handler;
  char *path;                  /* the template, as in the document */
  char **segments;             /* of the template, after the leading "/" */
  guint n_segments;
  char *shape;                 /* the template with every parameter as "{}" */
  char *literal_prefix;        /* what comes before the first parameter */
} Route;

struct _WhRouter
{
  SoupServer *server;          /* unowned: the router lives in the server's data */
  GPtrArray *routes;
  gboolean installed;
  gboolean raw_paths;
};

/* Bodies larger than this are drained for at most this long after a 413, so that the
 * client reads the answer before the connection closes. */
#define REFUSAL_DRAIN_SECONDS 2

static void
route_free (gpointer data)
{
  Route *route = data;

  if (route == NULL)
    return;

  g_object_unref (route->app);
  g_object_unref (route->handler);
  g_free (route->path);
  g_strfreev (route->segments);
  g_free (route->shape);
  g_free (route->literal_prefix);
  g_free (route);
}

static gboolean
segment_is_parameter (const char *segment)
{
  gsize len = strlen (segment);

  return len > 2 && segment[0] == '{' && segment[len - 1] == '}';
}

static Route *
route_new (WhApplication *app,
           WhHandler     *handler,
           const char    *path)
{
  Route *route = g_new0 (Route, 1);
  GString *shape = g_string_new (NULL);
  const char *brace;

  route->app = g_object_ref (app);
  route->handler = g_object_ref (handler);
  route->path = g_strdup (path);
  route->segments = g_strsplit (path + 1, "/", -1);
  route->n_segments = g_strv_length (route->segments);
  for (guint i = 0; i < route->n_segments; i++)
    {
      g_string_append_c (shape, '/');
      g_string_append (shape, segment_is_parameter (route->segments[i]) ? "{}" : route->segments[i]);
    }
  route->shape = g_string_free (shape, FALSE);
  brace = strchr (path, '{');
  route->literal_prefix = brace != NULL ? g_strndup (path, brace - path) : g_strdup (path);

  return route;
}

static gboolean
route_has_method (Route      *route,
                  const char *method)
{
  const char * const *methods = wh_handler_get_methods (route->handler);

  for (guint i = 0; methods != NULL && methods[i] != NULL; i++)
    if (g_ascii_strcasecmp (methods[i], method) == 0)
      return TRUE;

  return FALSE;
}

/* The method of @route that answers @method: HEAD is answered by GET, as Esmerald does. */
static const char *
route_answering_method (Route      *route,
                        const char *method)
{
  if (route_has_method (route, method))
    return method;
  if (g_str_equal (method, "HEAD") && route_has_method (route, "GET"))
    return "GET";

  return NULL;
}

/* Whether the first @n_segments segments of @route match @segments: a parameter takes
 * any segment but an empty one, a fixed segment only itself. */
static gboolean
route_starts_with (Route       *route,
                   char       **segments,
                   guint        n_segments)
{
  if (route->n_segments < n_segments)
    return FALSE;

  for (guint i = 0; i < n_segments; i++)
    {
      if (segment_is_parameter (route->segments[i]))
        {
          if (segments[i][0] == '\0')
            return FALSE;
        }
      else if (!g_str_equal (route->segments[i], segments[i]))
        return FALSE;
    }

  return TRUE;
}

static gboolean
route_matches (Route       *route,
               char       **segments,
               guint        n_segments)
{
  return route->n_segments == n_segments && route_starts_with (route, segments, n_segments);
}

/* A fixed segment is more specific than a parameter, from left to right: /users/me
 * answers before /users/{user_id}. */
static gboolean
route_more_specific (Route *a,
                     Route *b)
{
  for (guint i = 0; i < a->n_segments; i++)
    {
      gboolean a_fixed = !segment_is_parameter (a->segments[i]);
      gboolean b_fixed = !segment_is_parameter (b->segments[i]);

      if (a_fixed != b_fixed)
        return a_fixed;
    }

  return FALSE;
}

WhRouter *
wh_router_new (SoupServer *server)
{
  WhRouter *router = g_new0 (WhRouter, 1);

  router->server = server;
  router->routes = g_ptr_array_new_with_free_func (route_free);

  return router;
}

void
wh_router_free (WhRouter *router)
{
  g_ptr_array_unref (router->routes);
  g_free (router);
}

/* Attaching */

static gboolean
check_against (Route       *route,
               Route       *other,
               GError     **error)
{
  const char * const *methods;

  if (!g_str_equal (route->shape, other->shape))
    return TRUE;

  methods = wh_handler_get_methods (route->handler);
  for (guint i = 0; methods != NULL && methods[i] != NULL; i++)
    if (route_has_method (other, methods[i]))
      {
        if (route->app == other->app)
          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "The routes %s %s and %s %s of “%s” would both answer the same "
                       "requests; give one of them another path or method",
                       methods[i], other->path, methods[i], route->path,
                       wh_application_get_title (route->app));
        else
          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "The application “%s” already serves %s %s on this server; give the "
                       "route %s of “%s” another path, or serve it on another server",
                       wh_application_get_title (other->app), methods[i], other->path,
                       route->path, wh_application_get_title (route->app));
        return FALSE;
      }

  return TRUE;
}

static gboolean
check_reserved (Route       *route,
                const char  *path,
                const char  *what,
                GError     **error)
{
  /* libsoup hands a handler every path that starts with its own: a route all of whose
   * paths start with a docs path would never be reached. */
  if (!g_str_has_prefix (route->literal_prefix, path))
    return TRUE;

  g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
               "The route %s of “%s” is under “%s”, where the %s is served; give the route "
               "another path, or move the %s",
               route->path, wh_application_get_title (route->app), path, what, what);
  return FALSE;
}

static gboolean
add_handler_routes (WhApplication  *app,
                    WhGateway      *gateway,
                    WhAPIView      *view,
                    WhHandler      *handler,
                    GPtrArray      *out)
{
  g_autofree char *view_path = NULL;
  g_autofree char *path = NULL;

  if (WH_IS_WEBHOOK_HANDLER (handler) || wh_handler_get_path (handler) == NULL)
    return TRUE;

  if (view != NULL)
    view_path = wh_route_path_join (wh_api_view_get_path (view), wh_handler_get_path (handler));
  path = wh_route_path_join (wh_gateway_get_path (gateway),
                             view_path != NULL ? view_path : wh_handler_get_path (handler));
  g_ptr_array_add (out, route_new (app, handler, path));

  return TRUE;
}

GPtrArray *
wh_router_collect (WhRouter       *router,
                   WhApplication  *app,
                   GHashTable     *reserved_paths,
                   GError        **error)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func (route_free);
  GListModel *gateways = wh_application_get_routes (app);
  guint n = g_list_model_get_n_items (gateways);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhGateway) gateway = g_list_model_get_item (gateways, i);
      WhHandler *handler = wh_gateway_get_handler (gateway);
      WhAPIView *view = wh_gateway_get_view (gateway);

      if (handler != NULL)
        add_handler_routes (app, gateway, NULL, handler, routes);
      else if (view != NULL)
        {
          GListModel *handlers = wh_api_view_get_handlers (view);
          guint n_handlers = g_list_model_get_n_items (handlers);

          for (guint j = 0; j < n_handlers; j++)
            {
              g_autoptr(WhHandler) item = g_list_model_get_item (handlers, j);

              add_handler_routes (app, gateway, view, item, routes);
            }
        }
    }

  for (guint i = 0; i < routes->len; i++)
    {
      Route *route = g_ptr_array_index (routes, i);
      GHashTableIter iter;
      gpointer path, what;

      g_hash_table_iter_init (&iter, reserved_paths);
      while (g_hash_table_iter_next (&iter, &path, &what))
        if (!check_reserved (route, path, what, error))
          return NULL;

      for (guint j = 0; j < router->routes->len; j++)
        if (!check_against (route, g_ptr_array_index (router->routes, j), error))
          return NULL;

      for (guint j = 0; j < i; j++)
        if (!check_against (route, g_ptr_array_index (routes, j), error))
          return NULL;
    }

  return g_steal_pointer (&routes);
}

gboolean
wh_router_check_path (WhRouter    *router,
                      const char  *path,
                      const char  *what,
                      GError     **error)
{
  for (guint i = 0; i < router->routes->len; i++)
    if (!check_reserved (g_ptr_array_index (router->routes, i), path, what, error))
      return FALSE;

  return TRUE;
}

/* Whether a handler mounted on @path would take some of @route's requests: libsoup gives
 * @path and every path below it to that handler rather than to the router's at "/". So
 * the route is taken when its first segments can match those of @path: /users/{user_id}
 * by /users/42, and /hooks/{hook_id} by /hooks. */
static gboolean
route_taken_by (Route      *route,
                const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path + 1, "/", -1);
  guint n_segments = g_strv_length (segments);

  /* "/" takes everything. */
  if (n_segments == 1 && segments[0][0] == '\0')
    return TRUE;

  return route_starts_with (route, segments, n_segments);
}

const char *
wh_router_find_route_taken_by (WhRouter       *router,
                               GPtrArray      *routes,
                               const char     *path,
                               WhApplication **app)
{
  if (routes == NULL)
    routes = router->routes;

  for (guint i = 0; i < routes->len; i++)
    {
      Route *route = g_ptr_array_index (routes, i);

      if (route_taken_by (route, path))
        {
          *app = route->app;
          return route->path;
        }
    }

  return NULL;
}

/* Answers */

static void
respond_problems (SoupServerMessage *msg,
                  JsonArray         *problems)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  char *text;

  json_object_set_array_member (object, "detail", json_array_ref (problems));
  json_node_set_object (root, object);
  text = wh_json_to_string (root, FALSE, NULL);

  soup_server_message_set_status (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, NULL);
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_body_append_take (soup_server_message_get_response_body (msg),
                                 (guchar *) text, strlen (text));
}

/* One problem, as pydantic reports it: loc, msg, type. @index, when not negative, comes
 * after @name: the position in the body, or of an item in a list parameter. */
static void
add_problem (JsonArray  *problems,
             const char *where,
             const char *name,
             gint64      index,
             const char *message,
             const char *type)
{
  JsonObject *problem = json_object_new ();
  JsonArray *loc = json_array_new ();

  json_array_add_string_element (loc, where);
  if (name != NULL)
    json_array_add_string_element (loc, name);
  if (index >= 0)
    json_array_add_int_element (loc, index);
  json_object_set_array_member (problem, "loc", loc);
  json_object_set_string_member (problem, "msg", message);
  json_object_set_string_member (problem, "type", type);
  json_array_add_object_element (problems, problem);
}

/* Too large: answered before the body is read */

typedef struct
{
  GIOStream *stream;
  GCancellable *cancellable;
  guint timeout_id;
  char buffer[16384];
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_clear_object (&refusal->cancellable);
  g_clear_object (&refusal->stream);
  g_free (refusal);
}

static void
on_refusal_closed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  refusal_free (user_data);
}

static gboolean
on_refusal_timeout (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->timeout_id = 0;
  g_cancellable_cancel (refusal->cancellable);

  return G_SOURCE_REMOVE;
}

static void
refusal_close (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL, on_refusal_closed, refusal);
}

/* What the client goes on sending is read and dropped for a moment, so that closing the
 * connection does not reset it before the client has read the 413. */
static void
on_refusal_drained (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      refusal_close (refusal);
      return;
    }

  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_DEFAULT, refusal->cancellable,
                             on_refusal_drained, refusal);
}

static void
on_refusal_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      refusal_close (refusal);
      return;
    }

  if (G_IS_SOCKET_CONNECTION (refusal->stream))
    g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (refusal->stream)),
                       FALSE, TRUE, NULL);

  refusal->timeout_id = g_timeout_add_seconds (REFUSAL_DRAIN_SECONDS, on_refusal_timeout, refusal);
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_DEFAULT, refusal->cancellable,
                             on_refusal_drained, refusal);
}

static void
refuse_too_large (SoupServerMessage *msg)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  static const char body[] = "{\"detail\":\"Request Entity Too Large\"}";
  g_autofree char *response = NULL;
  Refusal *refusal;
  GIOStream *stream;

  /* The client waits for 100 Continue, or speaks HTTP/2: libsoup answers without reading
   * the body itself. */
  if ((soup_message_headers_get_expectations (request_headers) & SOUP_EXPECTATION_CONTINUE) ||
      soup_server_message_get_http_version (msg) == SOUP_HTTP_2_0)
    {
      wh_serve_respond_json_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      return;
    }

  /* Otherwise libsoup would read the whole body before answering: the connection is
   * taken over, answered and closed. */
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      wh_serve_respond_json_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      return;
    }

  response = g_strdup_printf ("HTTP/1.1 413 %s\r\n"
                              "Content-Type: application/json\r\n"
                              "Content-Length: %zu\r\n"
                              "X-Content-Type-Options: nosniff\r\n"
                              "Connection: close\r\n"
                              "\r\n%s",
                              soup_status_get_phrase (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE),
                              strlen (body), body);
  refusal = g_new0 (Refusal, 1);
  refusal->stream = stream;
  refusal->cancellable = g_cancellable_new ();
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), response,
                                   strlen (response), G_PRIORITY_DEFAULT, NULL,
                                   on_refusal_written, refusal);
  /* The write is asynchronous: keep the text until it is done. */
  g_object_set_data_full (G_OBJECT (stream), "wh-refusal-text", g_steal_pointer (&response), g_free);
}

typedef struct
{
  guint64 limit;
  guint64 received;
} BodyCounter;

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              BodyCounter       *counter)
{
  counter->received += g_bytes_get_size (chunk);
  if (counter->received > counter->limit)
    {
      g_signal_handlers_disconnect_by_data (msg, counter);
      refuse_too_large (msg);
    }
}

/* Matching */

static char **
split_path (WhRouter   *router,
            const char *path,
            guint      *n_segments)
{
  char **segments;

  if (path == NULL || path[0] != '/')
    return NULL;

  segments = g_strsplit (path + 1, "/", -1);
  *n_segments = g_strv_length (segments);

  /* With raw-paths, libsoup leaves the path encoded: a segment is decoded on its own, so
   * that an encoded "/" stays inside its segment. */
  if (router->raw_paths)
    for (guint i = 0; i < *n_segments; i++)
      {
        char *decoded = g_uri_unescape_string (segments[i], NULL);

        if (decoded == NULL)
          {
            g_strfreev (segments);
            return NULL;
          }
        g_free (segments[i]);
        segments[i] = decoded;
      }

  return segments;
}

/* The route for @method on @segments, or NULL; @known tells whether any route has the
 * path, @allow collects the methods those routes answer. */
static Route *
match_route (WhRouter    *router,
             char       **segments,
             guint        n_segments,
             const char  *method,
             gboolean    *known,
             GString     *allow)
{
  Route *best = NULL;
  gboolean methods_seen[16] = { FALSE, };

  *known = FALSE;
  for (guint i = 0; i < router->routes->len; i++)
    {
      Route *route = g_ptr_array_index (router->routes, i);

      if (!route_matches (route, segments, n_segments))
        continue;

      *known = TRUE;
      for (guint m = 0; wh_http_methods[m] != NULL && m < G_N_ELEMENTS (methods_seen); m++)
        if (route_has_method (route, wh_http_methods[m]))
          methods_seen[m] = TRUE;

      if (route_answering_method (route, method) != NULL &&
          (best == NULL || route_more_specific (route, best)))
        best = route;
    }

  if (allow != NULL)
    for (guint m = 0; wh_http_methods[m] != NULL && m < G_N_ELEMENTS (methods_seen); m++)
      {
        gboolean seen = methods_seen[m];

        /* HEAD is answered wherever GET is. */
        if (g_str_equal (wh_http_methods[m], "HEAD"))
          for (guint g = 0; wh_http_methods[g] != NULL; g++)
            if (g_str_equal (wh_http_methods[g], "GET") && methods_seen[g])
              seen = TRUE;
        if (seen)
          g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", wh_http_methods[m]);
      }

  return best;
}

static Route *
lookup (WhRouter          *router,
        SoupServerMessage *msg,
        const char        *path,
        char            ***segments_out,
        gboolean           answer)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(GString) allow = g_string_new (NULL);
  guint n_segments = 0;
  gboolean known = FALSE;
  Route *route = NULL;

  segments = split_path (router, path, &n_segments);
  if (segments != NULL)
    route = match_route (router, segments, n_segments, soup_server_message_get_method (msg),
                         &known, allow);

  if (route == NULL && answer)
    {
      if (known)
        {
          wh_serve_respond_json_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", allow->str);
        }
      else
        wh_serve_respond_json_error (msg, SOUP_STATUS_NOT_FOUND, NULL);
    }

  if (segments_out != NULL)
    *segments_out = g_steal_pointer (&segments);

  return route;
}

static void
router_early_handler (SoupServer        *server,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  WhRouter *router = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Route *route = lookup (router, msg, path, NULL, FALSE);
  guint64 limit = 0;

  if (route != NULL)
    limit = wh_application_serve_get_max_body_size (route->app);
  else
    /* Nothing will be served: hold the body to the strictest limit on the server. */
    for (guint i = 0; i < router->routes->len; i++)
      {
        Route *other = g_ptr_array_index (router->routes, i);
        guint64 other_limit = wh_application_serve_get_max_body_size (other->app);

        if (other_limit > 0 && (limit == 0 || other_limit < limit))
          limit = other_limit;
      }

  if (limit == 0)
    return;

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CONTENT_LENGTH:
      if ((guint64) soup_message_headers_get_content_length (headers) > limit)
        refuse_too_large (msg);
      break;
    case SOUP_ENCODING_NONE:
      break;
    default:
      {
        BodyCounter *counter = g_new0 (BodyCounter, 1);

        counter->limit = limit;
        g_signal_connect_data (msg, "got-chunk", G_CALLBACK (on_got_chunk), counter,
                               (GClosureNotify) (void (*) (void)) g_free, 0);
      }
      break;
    }
}

/* Parameters */

static void
append_quoted_list (GString            *text,
                    const char * const *items,
                    guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (text, i == n - 1 ? " or " : ", ");
      g_string_append_printf (text, "'%s'", items[i]);
    }
}

static gboolean
convert_integer (GType        type,
                 const char  *text,
                 GValue      *value,
                 const char **message,
                 char       **bound_message,
                 const char **problem_type)
{
  gint64 min = G_MININT64;
  guint64 max = G_MAXINT64;
  gboolean is_signed = TRUE;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char *end = NULL;
  gint64 signed_value = 0;
  guint64 unsigned_value = 0;

  switch (type)
    {
    case G_TYPE_CHAR: min = G_MININT8; max = G_MAXINT8; break;
    case G_TYPE_UCHAR: min = 0; max = G_MAXUINT8; is_signed = FALSE; break;
    case G_TYPE_INT: min = G_MININT; max = G_MAXINT; break;
    case G_TYPE_UINT: min = 0; max = G_MAXUINT; is_signed = FALSE; break;
    case G_TYPE_LONG: min = G_MINLONG; max = G_MAXLONG; break;
    case G_TYPE_ULONG: min = 0; max = G_MAXULONG; is_signed = FALSE; break;
    case G_TYPE_UINT64: min = 0; max = G_MAXUINT64; is_signed = FALSE; break;
    default: break;
    }

  if (stripped[0] == '\0' || (!g_ascii_isdigit (stripped[stripped[0] == '-' || stripped[0] == '+'])))
    goto not_integer;

  errno = 0;
  if (stripped[0] == '-')
    {
      signed_value = g_ascii_strtoll (stripped, &end, 10);
      if (*end != '\0')
        goto not_integer;
      if (errno == ERANGE || signed_value < min)
        {
          *bound_message = g_strdup_printf ("Input should be greater than or equal to %" G_GINT64_FORMAT, min);
          *problem_type = "greater_than_equal";
          return FALSE;
        }
    }
  else
    {
      unsigned_value = g_ascii_strtoull (stripped, &end, 10);
      if (*end != '\0')
        goto not_integer;
      if (errno == ERANGE || unsigned_value > max)
        {
          *bound_message = g_strdup_printf ("Input should be less than or equal to %" G_GUINT64_FORMAT, max);
          *problem_type = "less_than_equal";
          return FALSE;
        }
      signed_value = (gint64) unsigned_value;
    }

  g_value_init (value, type);
  switch (type)
    {
    case G_TYPE_CHAR: g_value_set_schar (value, signed_value); break;
    case G_TYPE_UCHAR: g_value_set_uchar (value, unsigned_value); break;
    case G_TYPE_INT: g_value_set_int (value, signed_value); break;
    case G_TYPE_UINT: g_value_set_uint (value, unsigned_value); break;
    case G_TYPE_LONG: g_value_set_long (value, signed_value); break;
    case G_TYPE_ULONG: g_value_set_ulong (value, unsigned_value); break;
    case G_TYPE_UINT64: g_value_set_uint64 (value, unsigned_value); break;
    default: g_value_set_int64 (value, signed_value); break;
    }
  (void) is_signed;
  return TRUE;

not_integer:
  *message = "Input should be a valid integer, unable to parse string as an integer";
  *problem_type = "int_parsing";
  return FALSE;
}

static gboolean
convert_boolean (const char *text,
                 GValue     *value)
{
  static const char * const truths[] = { "1", "on", "t", "true", "y", "yes" };
  static const char * const falsehoods[] = { "0", "off", "f", "false", "n", "no" };

  for (guint i = 0; i < G_N_ELEMENTS (truths); i++)
    {
      if (g_ascii_strcasecmp (text, truths[i]) == 0 || g_ascii_strcasecmp (text, falsehoods[i]) == 0)
        {
          g_value_init (value, G_TYPE_BOOLEAN);
          g_value_set_boolean (value, g_ascii_strcasecmp (text, truths[i]) == 0);
          return TRUE;
        }
    }

  return FALSE;
}

/* Converts @text to @type as pydantic would, or adds the problem to @problems. */
static GValue *
convert_parameter (const char *where,
                   const char *name,
                   GType       type,
                   const char *text,
                   JsonArray  *problems)
{
  GValue value = G_VALUE_INIT;
  const char *message = NULL;
  g_autofree char *owned_message = NULL;
  const char *problem_type = NULL;
  GType fundamental = G_TYPE_FUNDAMENTAL (type);

  switch (fundamental)
    {
    case G_TYPE_CHAR: case G_TYPE_UCHAR: case G_TYPE_INT: case G_TYPE_UINT:
    case G_TYPE_LONG: case G_TYPE_ULONG: case G_TYPE_INT64: case G_TYPE_UINT64:
      convert_integer (fundamental, text, &value, &message, &owned_message, &problem_type);
      break;

    case G_TYPE_FLOAT: case G_TYPE_DOUBLE:
      {
        g_autofree char *stripped = g_strstrip (g_strdup (text));
        char *end = NULL;
        double number = g_ascii_strtod (stripped, &end);

        if (stripped[0] == '\0' || *end != '\0' || !isfinite (number))
          {
            message = "Input should be a valid number, unable to parse string as a number";
            problem_type = "float_parsing";
          }
        else
          {
            g_value_init (&value, fundamental);
            if (fundamental == G_TYPE_FLOAT)
              g_value_set_float (&value, number);
            else
              g_value_set_double (&value, number);
          }
      }
      break;

    case G_TYPE_BOOLEAN:
      if (!convert_boolean (text, &value))
        {
          message = "Input should be a valid boolean, unable to interpret input";
          problem_type = "bool_parsing";
        }
      break;

    case G_TYPE_ENUM:
      {
        g_autoptr(GEnumClass) enum_class = g_type_class_ref (type);
        GEnumValue *found = g_enum_get_value_by_nick (enum_class, text);

        if (found != NULL)
          {
            g_value_init (&value, type);
            g_value_set_enum (&value, found->value);
          }
        else
          {
            g_autoptr(GPtrArray) nicks = g_ptr_array_new ();
            GString *text_message = g_string_new ("Input should be ");

            for (guint i = 0; i < enum_class->n_values; i++)
              g_ptr_array_add (nicks, (char *) enum_class->values[i].value_nick);
            append_quoted_list (text_message, (const char * const *) nicks->pdata, nicks->len);
            owned_message = g_string_free (text_message, FALSE);
            problem_type = "enum";
          }
      }
      break;

    default:
      g_value_init (&value, G_TYPE_STRING);
      g_value_set_string (&value, text);
      break;
    }

  if (problem_type != NULL)
    {
      add_problem (problems, where, name, -1, owned_message != NULL ? owned_message : message,
                   problem_type);
      return NULL;
    }

  return g_memdup2 (&value, sizeof value);
}

/* Flags and string arrays are lists, as wh_schema_registry_schema_for_type() describes
 * them in the document: arrays of nicks and of strings. */
static gboolean
is_list_type (GType type)
{
  return type == G_TYPE_STRV || G_TYPE_FUNDAMENTAL (type) == G_TYPE_FLAGS;
}

/* Converts the items of a list parameter, as pydantic converts a list[str] or a
 * set[Enum]: a bad item is reported at its index. */
static GValue *
convert_list_parameter (const char         *where,
                        const char         *name,
                        GType               type,
                        const char * const *items,
                        JsonArray          *problems)
{
  GValue value = G_VALUE_INIT;
  g_autoptr(GFlagsClass) flags_class = NULL;
  g_autofree char *message = NULL;
  guint bits = 0;
  gboolean valid = TRUE;

  if (type == G_TYPE_STRV)
    {
      g_value_init (&value, G_TYPE_STRV);
      g_value_set_boxed (&value, items);
      return g_memdup2 (&value, sizeof value);
    }

  flags_class = g_type_class_ref (type);
  for (guint i = 0; items[i] != NULL; i++)
    {
      GFlagsValue *found = g_flags_get_value_by_nick (flags_class, items[i]);

      /* A zero value ("none") is the empty list, as in the document. */
      if (found != NULL && found->value != 0)
        {
          bits |= found->value;
          continue;
        }

      if (message == NULL)
        {
          g_autoptr(GPtrArray) nicks = g_ptr_array_new ();
          GString *text = g_string_new ("Input should be ");

          for (guint j = 0; j < flags_class->n_values; j++)
            if (flags_class->values[j].value != 0)
              g_ptr_array_add (nicks, (char *) flags_class->values[j].value_nick);
          append_quoted_list (text, (const char * const *) nicks->pdata, nicks->len);
          message = g_string_free (text, FALSE);
        }
      add_problem (problems, where, name, i, message, "enum");
      valid = FALSE;
    }

  if (!valid)
    return NULL;

  g_value_init (&value, type);
  g_value_set_flags (&value, bits);
  return g_memdup2 (&value, sizeof value);
}

/* The items of a list parameter sent as one text: comma-separated, as OpenAPI's "simple"
 * style sends arrays in paths and headers and "form" without explode in cookies. */
static void
add_separated_items (GPtrArray  *items,
                     const char *text,
                     gboolean    strip)
{
  g_auto(GStrv) pieces = g_strsplit (text, ",", -1);

  for (guint i = 0; pieces[i] != NULL; i++)
    g_ptr_array_add (items, g_strdup (strip ? g_strstrip (pieces[i]) : pieces[i]));
}

/* Every value of @name in the query string, in order: an array is sent as
 * ?tag=a&tag=b (OpenAPI's form style, exploded), and libsoup's decoded table keeps only
 * the last. NULL when the parameter was not sent. */
static GPtrArray *
query_values (GUri       *uri,
              const char *name)
{
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  GUriParamsIter iter;
  char *key, *value;

  if (query == NULL)
    return NULL;

  g_uri_params_iter_init (&iter, query, -1, "&", G_URI_PARAMS_WWW_FORM);
  while (g_uri_params_iter_next (&iter, &key, &value, NULL))
    {
      if (g_str_equal (key, name))
        g_ptr_array_add (values, g_steal_pointer (&value));
      g_free (key);
      g_free (value);
    }

  return values->len > 0 ? g_steal_pointer (&values) : NULL;
}

/* Converts a list parameter from its items; flags also take comma-separated nicks in
 * each item, since a nick never holds a comma. */
static GValue *
convert_list_items (const char *where,
                    const char *name,
                    GType       type,
                    GPtrArray  *values,
                    JsonArray  *problems)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < values->len; i++)
    {
      if (type == G_TYPE_STRV)
        g_ptr_array_add (items, g_strdup (g_ptr_array_index (values, i)));
      else
        add_separated_items (items, g_ptr_array_index (values, i), TRUE);
    }
  g_ptr_array_add (items, NULL);

  return convert_list_parameter (where, name, type, (const char * const *) items->pdata,
                                 problems);
}

/* Converts a parameter that was sent and gives it to @request: a scalar from @text, a
 * list from the repeated query @values, or else from @text split at its commas. */
static void
take_converted (WhRequest  *request,
                const char *where,
                const char *name,
                GType       type,
                const char *text,
                GPtrArray  *values,
                gboolean    strip,
                JsonArray  *problems)
{
  g_autofree char *joined = NULL;
  GValue *value;

  if (!is_list_type (type))
    value = convert_parameter (where, name, type, text, problems);
  else if (values != NULL)
    {
      g_auto(GStrv) copy = NULL;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < values->len; i++)
        g_strv_builder_add (builder, g_ptr_array_index (values, i));
      copy = g_strv_builder_end (builder);
      joined = g_strjoinv (",", copy);
      text = joined;
      value = convert_list_items (where, name, type, values, problems);
    }
  else
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

      add_separated_items (items, text, strip);
      value = convert_list_items (where, name, type, items, problems);
    }

  if (value != NULL)
    wh_request_take_parameter (request, name, text, value);
}

static char *
cookie_value (SoupMessageHeaders *headers,
              const char         *name)
{
  const char *cookies = soup_message_headers_get_list (headers, "Cookie");
  g_auto(GStrv) pairs = NULL;

  if (cookies == NULL)
    return NULL;

  pairs = g_strsplit (cookies, ";", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *pair = g_strstrip (pairs[i]);
      char *equals = strchr (pair, '=');

      if (equals != NULL && (gsize) (equals - pair) == strlen (name) &&
          strncmp (pair, name, equals - pair) == 0)
        return g_strdup (equals + 1);
    }

  return NULL;
}

static const char * const locations[] = { "path", "query", "header", "cookie" };

static WhParameter *
find_parameter (GListModel          *parameters,
                WhParameterLocation  location,
                const char          *name)
{
  guint n = g_list_model_get_n_items (parameters);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WhParameter) parameter = g_list_model_get_item (parameters, i);

      if (wh_parameter_get_location (parameter) == location &&
          g_strcmp0 (wh_parameter_get_name (parameter), name) == 0)
        return g_steal_pointer (&parameter);
    }

  return NULL;
}

static void
read_parameters (WhRequest          *request,
                 Route              *route,
                 char              **segments,
                 GHashTable         *query,
                 GUri               *uri,
                 SoupMessageHeaders *headers,
                 JsonArray          *problems)
{
  GListModel *parameters = wh_handler_get_parameters (route->handler);
  guint n = g_list_model_get_n_items (parameters);

  /* Path parameters, in the order of the template; undeclared ones are strings. */
  for (guint i = 0; i < route->n_segments; i++)
    {
      const char *segment = route->segments[i];
      g_autofree char *name = NULL;
      g_autoptr(WhParameter) parameter = NULL;

      if (!segment_is_parameter (segment))
        continue;

      name = g_strndup (segment + 1, strlen (segment) - 2);
      parameter = find_parameter (parameters, WH_PARAMETER_PATH, name);
      take_converted (request, "path", name,
                      parameter != NULL ? wh_parameter_get_value_type (parameter) : G_TYPE_STRING,
                      segments[i], NULL, FALSE, problems);
    }

  for (WhParameterLocation location = WH_PARAMETER_QUERY; location <= WH_PARAMETER_COOKIE; location++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(WhParameter) parameter = g_list_model_get_item (parameters, i);
        const char *name = wh_parameter_get_name (parameter);
        GType type = wh_parameter_get_value_type (parameter);
        g_autofree char *text = NULL;
        g_autoptr(GPtrArray) values = NULL;

        if (wh_parameter_get_location (parameter) != location || name == NULL)
          continue;

        switch (location)
          {
          case WH_PARAMETER_QUERY:
            if (is_list_type (type))
              values = query_values (uri, name);
            text = g_strdup (query != NULL ? g_hash_table_lookup (query, name) : NULL);
            break;
          case WH_PARAMETER_HEADER:
            {
              /* A list may come as repeated headers, which get_list joins with commas. */
              const char *(*get) (SoupMessageHeaders *, const char *) =
                is_list_type (type) ? soup_message_headers_get_list : soup_message_headers_get_one;

              text = g_strdup (get (headers, name));
              /* Header names have dashes where identifiers have underscores. */
              if (text == NULL && strchr (name, '_') != NULL)
                {
                  g_autofree char *dashed = g_strdelimit (g_strdup (name), "_", '-');

                  text = g_strdup (get (headers, dashed));
                }
            }
            break;
          case WH_PARAMETER_COOKIE:
            text = cookie_value (headers, name);
            break;
          default:
            break;
          }

        if (text == NULL)
          {
            if (wh_parameter_get_required (parameter))
              add_problem (problems, locations[location], name, -1, "Field required", "missing");
            continue;
          }

        take_converted (request, locations[location], name, type, text, values,
                        location == WH_PARAMETER_HEADER, problems);
      }
}

/* The body */

static gboolean
media_type_accepts (const char *declared,
                    const char *sent)
{
  if (sent == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (declared, sent) == 0)
    return TRUE;

  /* application/json takes its structured-syntax relatives (application/problem+json). */
  return g_ascii_strcasecmp (declared, "application/json") == 0 &&
         g_str_has_prefix (sent, "application/") && g_str_has_suffix (sent, "+json");
}

static gboolean
is_json_media_type (const char *media_type)
{
  return g_ascii_strcasecmp (media_type, "application/json") == 0 ||
         g_str_has_suffix (media_type, "+json");
}

/* json-glib says where it stopped as "<data>:LINE:COLUMN: …"; clients get a character
 * offset, as Esmerald gives. */
static gint64
json_error_position (const char *text,
                     gsize       size,
                     GError     *error)
{
  const char *p = strstr (error->message, ">:");
  gint64 line = 1, column = 1, offset = 0;
  gint64 current_line = 1;

  if (p != NULL)
    {
      char *end = NULL;

      line = g_ascii_strtoll (p + 2, &end, 10);
      if (end != NULL && *end == ':')
        column = g_ascii_strtoll (end + 1, NULL, 10);
    }

  for (gsize i = 0; i < size && current_line < line; i++)
    if (text[i] == '\n')
      {
        current_line++;
        offset = i + 1;
      }

  return MAX (0, MIN ((gint64) size, offset + MAX (0, column - 1)));
}

static JsonNode *
body_schema (Route       *route,
             const char  *method,
             const char  *media_type,
             JsonObject **schemas)
{
  JsonNode *document = wh_application_get_openapi (route->app);
  g_autofree char *lower = g_ascii_strdown (method, -1);
  JsonObject *object;
  JsonNode *node;

  *schemas = NULL;
  if (document == NULL || !JSON_NODE_HOLDS_OBJECT (document))
    return NULL;

  object = json_node_get_object (document);
  if ((node = json_object_get_member (object, "components")) != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      (node = json_object_get_member (json_node_get_object (node), "schemas")) != NULL &&
      JSON_NODE_HOLDS_OBJECT (node))
    *schemas = json_node_get_object (node);

  {
    const char *steps[] = { "paths", route->path, lower, "requestBody", "content", media_type,
                            "schema" };

    node = document;
    for (guint i = 0; i < G_N_ELEMENTS (steps) && node != NULL; i++)
      node = JSON_NODE_HOLDS_OBJECT (node)
             ? json_object_get_member (json_node_get_object (node), steps[i]) : NULL;
  }

  return node;
}

/* Reads the body into @request, or adds its problems; FALSE when it answered 415. */
static gboolean
read_body (WhRequest         *request,
           Route             *route,
           const char        *method,
           SoupServerMessage *msg,
           JsonArray         *problems)
{
  SoupMessageBody *message_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (message_body);
  GType body_type = wh_handler_get_body_type (route->handler);
  const char *media_type = wh_handler_get_media_type (route->handler);
  const char *sent_type;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) instance = NULL;
  JsonNode *json;
  JsonNode *schema;
  JsonObject *schemas = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (media_type == NULL)
    media_type = "application/json";

  if (body_type == G_TYPE_INVALID || body_type == G_TYPE_NONE)
    {
      wh_request_set_body (request, size > 0 ? bytes : NULL, NULL, NULL);
      return TRUE;
    }

  if (size == 0)
    {
      add_problem (problems, "body", NULL, -1, "Field required", "missing");
      return TRUE;
    }

  sent_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                     NULL);
  if (!media_type_accepts (media_type, sent_type))
    {
      g_autofree char *detail = g_strdup_printf ("Unsupported media type: send the body as %s",
                                                 media_type);

      wh_serve_respond_json_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, detail);
      return FALSE;
    }

  if (!is_json_media_type (media_type))
    {
      wh_request_set_body (request, bytes, NULL, NULL);
      return TRUE;
    }

  parser = json_parser_new_immutable ();
  if (!g_utf8_validate (data, size, NULL) ||
      !json_parser_load_from_data (parser, data, size, &error))
    {
      add_problem (problems, "body", NULL,
                   error != NULL ? json_error_position (data, size, error) : 0,
                   "JSON decode error", "json_invalid");
      return TRUE;
    }
  json = json_parser_get_root (parser);
  if (json == NULL)
    {
      add_problem (problems, "body", NULL, 0, "JSON decode error", "json_invalid");
      return TRUE;
    }

  schema = body_schema (route, method, media_type, &schemas);
  if (schema != NULL)
    {
      g_autoptr(WhSchemaValidator) validator = wh_schema_validator_new (schemas);
      const char * const prefix[] = { "body", NULL };

      if (!wh_schema_validator_validate (validator, schema, json, prefix, problems))
        return TRUE;
    }

  /* Parameters and body are reported together: make the instance only for a request that
   * will be handled. */
  if (json_array_get_length (problems) > 0)
    return TRUE;

  instance = wh_model_deserialize (body_type, json, &error);
  if (instance == NULL)
    {
      add_problem (problems, "body", NULL, -1, error->message, "value_error");
      return TRUE;
    }

  wh_request_set_body (request, bytes, json, instance);
  return TRUE;
}

static void
router_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  WhRouter *router = user_data;
  g_auto(GStrv) segments = NULL;
  g_autoptr(WhRequest) request = NULL;
  g_autoptr(JsonArray) problems = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *route_method;
  Route *route;

  route = lookup (router, msg, path, &segments, TRUE);
  if (route == NULL)
    return;

  route_method = route_answering_method (route, method);
  request = wh_request_new (msg, route->app, route->handler, route_method, path);
  problems = json_array_new ();

  read_parameters (request, route, segments, query, soup_server_message_get_uri (msg),
                   soup_server_message_get_request_headers (msg),
                   problems);
  if (!read_body (request, route, route_method, msg, problems))
    {
      /* Answered already (415): the request must not answer again. */
      wh_request_forget (request);
      return;
    }

  if (json_array_get_length (problems) > 0)
    {
      respond_problems (msg, problems);
      wh_request_forget (request);
      return;
    }

  wh_request_dispatch (request);
}

void
wh_router_commit (WhRouter  *router,
                  GPtrArray *routes)
{
  for (guint i = 0; i < routes->len; i++)
    g_ptr_array_add (router->routes, g_steal_pointer (&routes->pdata[i]));
  g_ptr_array_set_size (routes, 0);

  if (router->installed || router->routes->len == 0)
    return;

  g_object_get (router->server, "raw-paths", &router->raw_paths, NULL);
  soup_server_add_early_handler (router->server, "/", router_early_handler, router, NULL);
  soup_server_add_handler (router->server, "/", router_handler, router, NULL);
  router->installed = TRUE;
}
