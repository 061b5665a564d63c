/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Serving the declared routes (issue 4): what a client of a loopback SoupServer sees when
 * it calls them, right or wrong, and what wh_application_attach() refuses. */

#include "config.h"

#include <string.h>
#include <webhooks.h>

#include "test-payment.h"

/* An enum for a query parameter */

typedef enum { TEST_COLOR_RED, TEST_COLOR_GREEN, TEST_COLOR_BLUE } TestColor;

static GType
test_color_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { TEST_COLOR_RED, "TEST_COLOR_RED", "red" },
    { TEST_COLOR_GREEN, "TEST_COLOR_GREEN", "green" },
    { TEST_COLOR_BLUE, "TEST_COLOR_BLUE", "blue" },
    { 0, NULL, NULL },
  };

  if (type == 0)
    type = g_enum_register_static ("TestColor", values);
  return type;
}

/* A handler whose answer is a C function */

typedef void (*HandleFunc) (WhRequest *request, gpointer data);

#define TEST_TYPE_HANDLER (test_handler_get_type ())
G_DECLARE_FINAL_TYPE (TestHandler, test_handler, TEST, HANDLER, WhHandler)

struct _TestHandler
{
  WhHandler parent_instance;
  HandleFunc func;
  gpointer data;
};

G_DEFINE_FINAL_TYPE (TestHandler, test_handler, WH_TYPE_HANDLER)

static void
test_handler_handle (WhHandler *handler, WhRequest *request)
{
  TestHandler *self = TEST_HANDLER (handler);

  self->func (request, self->data);
}

static void
test_handler_class_init (TestHandlerClass *klass)
{
  WH_HANDLER_CLASS (klass)->handle = test_handler_handle;
}

static void
test_handler_init (TestHandler *self)
{
}

static WhHandler *
test_handler_new (const char *method, const char *path, HandleFunc func, gpointer data)
{
  TestHandler *self = g_object_new (TEST_TYPE_HANDLER, "path", path,
                                    "methods", (const char * const[]) { method, NULL }, NULL);

  self->func = func;
  self->data = data;
  return WH_HANDLER (self);
}

static void
add_route (WhApplication *app, WhHandler *handler)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhGateway) gateway = wh_gateway_new (handler);

  wh_application_add_route (app, gateway, &error);
  g_assert_no_error (error);
  g_object_unref (handler);
}

/* Handlers */

static void
echo_payment (WhRequest *request, gpointer data)
{
  g_assert_true (TEST_IS_PAYMENT (wh_request_get_body (request)));
  g_assert_nonnull (wh_request_get_body_json (request));
  wh_request_respond_model (request, 0, wh_request_get_body (request));
}

/* Answers the parameters as JSON: what the handler received, typed. */
static void
echo_parameters (WhRequest *request, gpointer data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) names = wh_request_list_parameters (request);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const GValue *value = wh_request_get_parameter (request, names[i]);

      json_builder_set_member_name (builder, names[i]);
      if (G_VALUE_HOLDS_INT64 (value) || G_VALUE_HOLDS_INT (value) || G_VALUE_HOLDS_UINT (value))
        json_builder_add_int_value (builder, wh_request_get_parameter_int (request, names[i]));
      else if (G_VALUE_HOLDS_DOUBLE (value))
        json_builder_add_double_value (builder, wh_request_get_parameter_double (request, names[i]));
      else if (G_VALUE_HOLDS_BOOLEAN (value))
        json_builder_add_boolean_value (builder, wh_request_get_parameter_boolean (request, names[i]));
      else if (G_VALUE_HOLDS_ENUM (value))
        {
          g_autofree char *text = g_strdup_printf ("enum:%" G_GINT64_FORMAT ":%s",
                                                   wh_request_get_parameter_int (request, names[i]),
                                                   wh_request_get_parameter_string (request, names[i]));

          json_builder_add_string_value (builder, text);
        }
      else
        json_builder_add_string_value (builder, g_value_get_string (value));
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  wh_request_respond_json (request, 200, root);
}

static void
answer_me (WhRequest *request, gpointer data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("me", 2);

  wh_request_respond_bytes (request, 200, "text/plain", bytes);
}

static gboolean
answer_later (gpointer data)
{
  WhRequest *request = data;

  wh_request_set_response_header (request, "Location", "/payments/1");
  wh_request_respond_error (request, 409, "Already paid");
  g_object_unref (request);
  return G_SOURCE_REMOVE;
}

static void
keep_for_later (WhRequest *request, gpointer data)
{
  g_timeout_add (50, answer_later, g_object_ref (request));
}

static gboolean
drop_later (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
never_answer (WhRequest *request, gpointer data)
{
  if (data != NULL)
    g_timeout_add (20, drop_later, g_object_ref (request));
}

static WhApplication *
routes_app (void)
{
  g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");
  WhHandler *create = test_handler_new ("POST", "/create", echo_payment, NULL);
  WhHandler *user = test_handler_new ("GET", "/users/{user_id}", echo_parameters, NULL);
  WhHandler *me = test_handler_new ("GET", "/users/me", answer_me, NULL);
  WhHandler *delete_user = test_handler_new ("DELETE", "/users/{user_id}", answer_me, NULL);
  WhParameter *parameter;

  wh_model_set_name (TEST_TYPE_PAYMENT, "Payment");
  g_object_set (create, "name", "create_payment", "body-type", TEST_TYPE_PAYMENT, NULL);
  add_route (app, create);

  wh_handler_add_parameter (user, wh_parameter_new ("user_id", WH_PARAMETER_PATH, G_TYPE_INT64));
  parameter = wh_parameter_new ("limit", WH_PARAMETER_QUERY, G_TYPE_UINT);
  wh_parameter_set_required (parameter, FALSE);
  wh_handler_add_parameter (user, parameter);
  parameter = wh_parameter_new ("verbose", WH_PARAMETER_QUERY, G_TYPE_BOOLEAN);
  wh_parameter_set_required (parameter, TRUE);
  wh_handler_add_parameter (user, parameter);
  parameter = wh_parameter_new ("color", WH_PARAMETER_QUERY, test_color_get_type ());
  wh_parameter_set_required (parameter, FALSE);
  wh_handler_add_parameter (user, parameter);
  parameter = wh_parameter_new ("ratio", WH_PARAMETER_QUERY, G_TYPE_DOUBLE);
  wh_parameter_set_required (parameter, FALSE);
  wh_handler_add_parameter (user, parameter);
  parameter = wh_parameter_new ("x-token", WH_PARAMETER_HEADER, G_TYPE_STRING);
  wh_parameter_set_required (parameter, TRUE);
  wh_handler_add_parameter (user, parameter);
  parameter = wh_parameter_new ("session", WH_PARAMETER_COOKIE, G_TYPE_STRING);
  wh_parameter_set_required (parameter, FALSE);
  wh_handler_add_parameter (user, parameter);
  g_object_set (user, "name", "read_user", NULL);
  add_route (app, user);
  g_object_set (me, "name", "read_me", NULL);
  add_route (app, me);
  g_object_set (delete_user, "name", "delete_user", NULL);
  add_route (app, delete_user);

  add_route (app, test_handler_new ("POST", "/later", keep_for_later, NULL));
  add_route (app, test_handler_new ("POST", "/dropped", never_answer, NULL));
  add_route (app, test_handler_new ("POST", "/dropped-later", never_answer, GINT_TO_POINTER (1)));
  add_route (app, wh_post ("/not-implemented"));

  return g_steal_pointer (&app);
}

/* A loopback server and a client */

typedef struct
{
  WhApplication *app;
  SoupServer *server;
  GUri *base;
  SoupSession *session;
} Fixture;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  char *body;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply->body);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->app = routes_app ();
  f->server = soup_server_new (NULL, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->session = soup_session_new ();

  if (data == NULL)
    {
      wh_application_attach (f->app, f->server, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->base, g_uri_unref);
  g_clear_object (&f->server);
  g_clear_object (&f->app);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* @content_type and @body may be NULL; the rest are header name/value pairs. */
static Reply *
request_full (Fixture    *f,
              const char *method,
              const char *path,
              const char *content_type,
              const char *body,
              ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse_relative (f->base, path, SOUP_HTTP_URI_FLAGS, &error);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Reply *reply = g_new0 (Reply, 1);
  const char *name;
  va_list args;
  gsize size;
  const char *data;

  g_assert_no_error (error);
  msg = soup_message_new_from_uri (method, uri);
  if (body != NULL)
    {
      g_autoptr(GBytes) request_body = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, request_body);
    }
  va_start (args, body);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), name,
                                  va_arg (args, const char *));
  va_end (args);

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  bytes = soup_session_send_and_read_finish (f->session, result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  data = g_bytes_get_data (bytes, &size);
  reply->body = g_strndup (data != NULL ? data : "", size);

  return reply;
}

#define request(f, method, path, ...) request_full (f, method, path, NULL, NULL, ##__VA_ARGS__, NULL)
#define post_json(f, path, body, ...) request_full (f, "POST", path, "application/json", body, ##__VA_ARGS__, NULL)

static char *
normalize_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_to_string (json_parser_get_root (parser), FALSE);
}

/* The reply is @status with exactly @expected as its JSON body. */
static void
assert_json_reply (Reply *reply, guint status, const char *expected)
{
  g_autofree char *got = NULL;
  g_autofree char *want = normalize_json (expected);

  g_test_message ("%u %s", reply->status, reply->body);
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==,
                   "application/json");
  got = normalize_json (reply->body);
  g_assert_cmpstr (got, ==, want);
}

/* The seed's route */

static void
test_create (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) reply = post_json (f, "/create", "{\"is_paid\": true, \"amount\": 10.5}");
  g_autoptr(Reply) suffix = request_full (f, "POST", "/create", "application/merge-patch+json",
                                          "{\"is_paid\": false, \"amount\": 1}", NULL);

  /* 201: POST's default status code, as in the document. */
  assert_json_reply (reply, 201, "{\"is_paid\": true, \"amount\": 10.5}");
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "X-Content-Type-Options"), ==, "nosniff");
  assert_json_reply (suffix, 201, "{\"is_paid\": false, \"amount\": 1.0}");
}

static void
test_body_errors (Fixture *f, gconstpointer data)
{
  {
    g_autoptr(Reply) reply = post_json (f, "/create", "{\"is_paid\": true, \"amount\": }");
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *detail, *loc;
    JsonObject *problem;

    g_test_message ("%s", reply->body);
    g_assert_cmpuint (reply->status, ==, 422);
    g_assert_true (json_parser_load_from_data (parser, reply->body, -1, NULL));
    detail = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "detail");
    g_assert_cmpuint (json_array_get_length (detail), ==, 1);
    problem = json_array_get_object_element (detail, 0);
    g_assert_cmpuint (json_object_get_size (problem), ==, 3);
    loc = json_object_get_array_member (problem, "loc");
    g_assert_cmpuint (json_array_get_length (loc), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (loc, 0), ==, "body");
    /* Where the decoder stopped, as a character offset. */
    g_assert_cmpint (json_node_get_value_type (json_array_get_element (loc, 1)), ==, G_TYPE_INT64);
    g_assert_cmpint (json_array_get_int_element (loc, 1), >, 20);
    g_assert_cmpint (json_array_get_int_element (loc, 1), <=, 31);
    g_assert_cmpstr (json_object_get_string_member (problem, "msg"), ==, "JSON decode error");
    g_assert_cmpstr (json_object_get_string_member (problem, "type"), ==, "json_invalid");
  }
  {
    g_autoptr(Reply) reply = post_json (f, "/create", "{\"is_paid\": true, \"amount\": \"ten\"}");

    assert_json_reply (reply, 422,
                       "{\"detail\": [{\"loc\": [\"body\", \"amount\"], "
                       "\"msg\": \"Input should be a valid number\", \"type\": \"float_type\"}]}");
  }
  {
    g_autoptr(Reply) reply = post_json (f, "/create", "{\"is_paid\": true}");

    assert_json_reply (reply, 422,
                       "{\"detail\": [{\"loc\": [\"body\", \"amount\"], "
                       "\"msg\": \"Field required\", \"type\": \"missing\"}]}");
  }
  {
    g_autoptr(Reply) reply = request (f, "POST", "/create");

    assert_json_reply (reply, 422,
                       "{\"detail\": [{\"loc\": [\"body\"], \"msg\": \"Field required\", "
                       "\"type\": \"missing\"}]}");
  }
}

static void
test_unsupported_media_type (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) text = request_full (f, "POST", "/create", "text/plain",
                                        "{\"is_paid\": true, \"amount\": 1}", NULL);
  g_autoptr(Reply) form = request_full (f, "POST", "/create", "application/x-www-form-urlencoded",
                                        "is_paid=true", NULL);

  assert_json_reply (text, 415, "{\"detail\": \"Unsupported media type: send the body as application/json\"}");
  g_assert_cmpuint (form->status, ==, 415);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  const char *paths[] = { "/", "/nope", "/create/more", "/users", "/users/1/2", "/users/" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(Reply) reply = request (f, "GET", paths[i]);

      assert_json_reply (reply, 404, "{\"detail\": \"Not Found\"}");
    }
}

static void
test_method_not_allowed (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) create = request (f, "GET", "/create");
  g_autoptr(Reply) user = request (f, "PUT", "/users/7");
  g_autoptr(Reply) head = request (f, "HEAD", "/users/7?verbose=1", "x-token", "t", NULL);
  g_autoptr(Reply) deleted = request (f, "DELETE", "/users/7");

  assert_json_reply (create, 405, "{\"detail\": \"Method Not Allowed\"}");
  g_assert_cmpstr (soup_message_headers_get_one (create->headers, "Allow"), ==, "POST");
  assert_json_reply (user, 405, "{\"detail\": \"Method Not Allowed\"}");
  g_assert_cmpstr (soup_message_headers_get_one (user->headers, "Allow"), ==, "GET, DELETE, HEAD");

  /* HEAD is answered where GET is, without a body. */
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpstr (head->body, ==, "");
  g_assert_cmpuint (deleted->status, ==, 200);
}

/* Parameters */

static void
test_parameters (Fixture *f, gconstpointer data)
{
  {
    g_autoptr(Reply) reply = request (f, "GET", "/users/42?verbose=yes&limit=10&color=blue&ratio=0.5",
                                      "X-Token", "secret", "Cookie", "a=b; session=s1", NULL);

    assert_json_reply (reply, 200,
                       "{\"user_id\": 42, \"limit\": 10, \"verbose\": true, \"color\": \"enum:2:blue\", "
                       "\"ratio\": 0.5, \"x-token\": \"secret\", \"session\": \"s1\"}");
  }
  {
    /* Optional parameters may be left out; a fixed segment wins over a parameter. */
    g_autoptr(Reply) reply = request (f, "GET", "/users/-3?verbose=0", "x-token", "t", NULL);
    g_autoptr(Reply) me = request (f, "GET", "/users/me");
    g_autoptr(Reply) x_token = request (f, "GET", "/users/5?verbose=f", "X-TOKEN", "upper", NULL);

    assert_json_reply (reply, 200, "{\"user_id\": -3, \"verbose\": false, \"x-token\": \"t\"}");
    assert_json_reply (x_token, 200, "{\"user_id\": 5, \"verbose\": false, \"x-token\": \"upper\"}");
    g_assert_cmpuint (me->status, ==, 200);
    g_assert_cmpstr (me->body, ==, "me");
    g_assert_cmpstr (soup_message_headers_get_content_type (me->headers, NULL), ==, "text/plain");
  }
  {
    /* An encoded segment is decoded. */
    g_autoptr(Reply) reply = request (f, "GET", "/users/%34%32?verbose=on", "x-token", "t", NULL);

    assert_json_reply (reply, 200, "{\"user_id\": 42, \"verbose\": true, \"x-token\": \"t\"}");
  }
}

static void
test_parameter_errors (Fixture *f, gconstpointer data)
{
  {
    g_autoptr(Reply) reply = request (f, "GET", "/users/abc?limit=-1&verbose=maybe&color=pink&ratio=x");

    assert_json_reply (reply, 422,
                       "{\"detail\": ["
                       "{\"loc\": [\"path\", \"user_id\"], \"msg\": \"Input should be a valid integer, "
                       "unable to parse string as an integer\", \"type\": \"int_parsing\"},"
                       "{\"loc\": [\"query\", \"limit\"], \"msg\": \"Input should be greater than or "
                       "equal to 0\", \"type\": \"greater_than_equal\"},"
                       "{\"loc\": [\"query\", \"verbose\"], \"msg\": \"Input should be a valid boolean, "
                       "unable to interpret input\", \"type\": \"bool_parsing\"},"
                       "{\"loc\": [\"query\", \"color\"], \"msg\": \"Input should be 'red', 'green' or "
                       "'blue'\", \"type\": \"enum\"},"
                       "{\"loc\": [\"query\", \"ratio\"], \"msg\": \"Input should be a valid number, "
                       "unable to parse string as a number\", \"type\": \"float_parsing\"},"
                       "{\"loc\": [\"header\", \"x-token\"], \"msg\": \"Field required\", "
                       "\"type\": \"missing\"}]}");
  }
  {
    g_autoptr(Reply) reply = request (f, "GET", "/users/1?limit=4294967296", "x-token", "t", NULL);

    assert_json_reply (reply, 422,
                       "{\"detail\": ["
                       "{\"loc\": [\"query\", \"limit\"], \"msg\": \"Input should be less than or "
                       "equal to 4294967295\", \"type\": \"less_than_equal\"},"
                       "{\"loc\": [\"query\", \"verbose\"], \"msg\": \"Field required\", "
                       "\"type\": \"missing\"}]}");
  }
}

/* Answers */

static void
test_answer_later (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) reply = request (f, "POST", "/later");

  assert_json_reply (reply, 409, "{\"detail\": \"Already paid\"}");
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Location"), ==, "/payments/1");
}

static void
test_never_answered (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) now = request (f, "POST", "/dropped");
  g_autoptr(Reply) later = request (f, "POST", "/dropped-later");

  assert_json_reply (now, 500, "{\"detail\": \"Internal Server Error\"}");
  assert_json_reply (later, 500, "{\"detail\": \"Internal Server Error\"}");
}

static void
test_not_implemented (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) reply = request (f, "POST", "/not-implemented");

  assert_json_reply (reply, 501, "{\"detail\": \"Not Implemented\"}");
}

/* The body size limit */

/* Sends @text on a new connection and returns what the server answers, however long the
 * server keeps the connection open. */
static char *
raw_exchange (Fixture *f, const char *text, gboolean *closed)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GString) response = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  GInputStream *in;
  char buffer[4096];

  g_socket_client_connect_to_host_async (client, "127.0.0.1", g_uri_get_port (f->base), NULL,
                                         on_sent, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  connection = g_socket_client_connect_to_host_finish (client, result, &error);
  g_assert_no_error (error);

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), text,
                             strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);

  /* The server runs on this thread's main context: read without blocking it, until the
   * whole answer is there. */
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  *closed = FALSE;
  while (g_get_monotonic_time () < deadline)
    {
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (in), buffer,
                                                           sizeof buffer, NULL, &error);
      const char *end_of_headers;

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&error);
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
          continue;
        }
      g_assert_no_error (error);
      if (n == 0)
        {
          *closed = TRUE;
          break;
        }
      g_string_append_len (response, buffer, n);
      end_of_headers = strstr (response->str, "\r\n\r\n");
      if (end_of_headers != NULL && g_str_has_suffix (response->str, "}"))
        break;
    }

  return g_strdup (response->str);
}

static void
test_too_large (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gboolean closed;
  gint64 start;

  g_object_set (f->app, "max-body-size", (guint64) 1024, NULL);
  wh_application_attach (f->app, f->server, &error);
  g_assert_no_error (error);

  /* A body announced far larger than the limit, of which only a little is sent: the answer
   * comes at once, without waiting for the rest. */
  {
    g_autofree char *response = NULL;

    start = g_get_monotonic_time ();
    response = raw_exchange (f, "POST /create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\n"
                                "Content-Length: 100000000\r\n\r\n{\"is_paid\": tr", &closed);
    g_test_message ("%s", response);
    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 413 "));
    g_assert_nonnull (strstr (response, "Content-Type: application/json"));
    g_assert_true (g_str_has_suffix (response, "\r\n\r\n{\"detail\":\"Request Entity Too Large\"}"));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  }

  /* A chunked body that grows past the limit. */
  {
    g_autoptr(GString) text = g_string_new ("POST /create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                            "Content-Type: application/json\r\n"
                                            "Transfer-Encoding: chunked\r\n\r\n");
    g_autofree char *response = NULL;

    for (guint i = 0; i < 3; i++)
      {
        g_string_append (text, "200\r\n");
        for (guint j = 0; j < 0x200; j++)
          g_string_append_c (text, ' ');
        g_string_append (text, "\r\n");
      }
    response = raw_exchange (f, text->str, &closed);
    g_test_message ("%s", response);
    g_assert_true (g_str_has_prefix (response, "HTTP/1.1 413 "));
  }

  /* A client that waits for 100 Continue is answered before it sends the body. */
  {
    g_autofree char *big = g_strnfill (2048, ' ');
    g_autofree char *body = g_strconcat ("{\"is_paid\": true, \"amount\": 1}", big, NULL);
    g_autoptr(Reply) reply = request_full (f, "POST", "/create", "application/json", body,
                                           "Expect", "100-continue", NULL);

    assert_json_reply (reply, 413, "{\"detail\": \"Request Entity Too Large\"}");
  }

  /* Under the limit, the same server answers. */
  {
    g_autoptr(Reply) reply = post_json (f, "/create", "{\"is_paid\": true, \"amount\": 2}");

    g_assert_cmpuint (reply->status, ==, 201);
  }
}

/* Attaching */

static void
test_attach_clashes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) same = wh_application_new ("Same", "1");
  g_autoptr(WhApplication) template = wh_application_new ("Template", "1");
  g_autoptr(WhApplication) under_docs = wh_application_new ("Under docs", "1");
  g_autoptr(WhApplication) other_method = wh_application_new ("Other method", "1");

  g_object_set (same, "openapi-url", NULL, NULL);
  g_object_set (template, "openapi-url", NULL, NULL);
  g_object_set (under_docs, "openapi-url", NULL, NULL);
  g_object_set (other_method, "openapi-url", NULL, NULL);

  add_route (same, test_handler_new ("POST", "/create", answer_me, NULL));
  g_assert_false (wh_application_attach (same, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "POST /create"));
  g_clear_error (&error);

  /* The same template with another parameter name answers the same requests. */
  add_route (template, test_handler_new ("GET", "/users/{id}", answer_me, NULL));
  g_assert_false (wh_application_attach (template, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_clear_error (&error);

  add_route (under_docs, test_handler_new ("GET", "/docs/swagger/{page}", answer_me, NULL));
  g_assert_false (wh_application_attach (under_docs, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "/docs/swagger"));
  g_clear_error (&error);

  /* Another method on a path served by the first: both are served. */
  add_route (other_method, test_handler_new ("PUT", "/create", answer_me, NULL));
  g_assert_true (wh_application_attach (other_method, f->server, &error));
  g_assert_no_error (error);
  {
    g_autoptr(Reply) put = request (f, "PUT", "/create");
    g_autoptr(Reply) get = request (f, "GET", "/create");
    g_autoptr(Reply) docs = request (f, "GET", "/docs/swagger");

    g_assert_cmpuint (put->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Allow"), ==, "PUT, POST");
    g_assert_cmpuint (docs->status, ==, 200);
  }
}

/* List parameters: string arrays and flags */

typedef enum
{
  TEST_PERMS_NONE = 0,
  TEST_PERMS_READ = 1 << 0,
  TEST_PERMS_WRITE = 1 << 1,
  TEST_PERMS_ADMIN = 1 << 2,
} TestPerms;

static GType
test_perms_get_type (void)
{
  static GType type = 0;
  static const GFlagsValue values[] = {
    { TEST_PERMS_NONE, "TEST_PERMS_NONE", "none" },
    { TEST_PERMS_READ, "TEST_PERMS_READ", "read" },
    { TEST_PERMS_WRITE, "TEST_PERMS_WRITE", "write" },
    { TEST_PERMS_ADMIN, "TEST_PERMS_ADMIN", "admin" },
    { 0, NULL, NULL },
  };

  if (type == 0)
    type = g_flags_register_static ("TestPerms", values);
  return type;
}

/* Answers what the handler received: string arrays as arrays, flags as their bits and
 * the text that was sent. */
static void
echo_lists (WhRequest *request, gpointer data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) names = wh_request_list_parameters (request);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const GValue *value = wh_request_get_parameter (request, names[i]);

      json_builder_set_member_name (builder, names[i]);
      if (G_VALUE_HOLDS (value, G_TYPE_STRV))
        {
          const char * const *items = g_value_get_boxed (value);

          json_builder_begin_array (builder);
          for (guint j = 0; items != NULL && items[j] != NULL; j++)
            json_builder_add_string_value (builder, items[j]);
          json_builder_end_array (builder);
        }
      else
        {
          g_autofree char *text = NULL;

          g_assert_true (G_VALUE_HOLDS (value, test_perms_get_type ()));
          text = g_strdup_printf ("%u:%s", g_value_get_flags (value),
                                  wh_request_get_parameter_string (request, names[i]));
          json_builder_add_string_value (builder, text);
        }
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  wh_request_respond_json (request, 200, root);
}

static void
attach_lists_app (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  WhHandler *items = test_handler_new ("GET", "/items/{ids}", echo_lists, NULL);
  WhParameter *parameter;

  g_object_set (items, "name", "read_items", NULL);
  wh_handler_add_parameter (items, wh_parameter_new ("ids", WH_PARAMETER_PATH, G_TYPE_STRV));
  parameter = wh_parameter_new ("tag", WH_PARAMETER_QUERY, G_TYPE_STRV);
  wh_parameter_set_required (parameter, TRUE);
  wh_handler_add_parameter (items, parameter);
  parameter = wh_parameter_new ("perms", WH_PARAMETER_QUERY, test_perms_get_type ());
  wh_parameter_set_required (parameter, FALSE);
  wh_handler_add_parameter (items, parameter);
  parameter = wh_parameter_new ("x-perms", WH_PARAMETER_HEADER, test_perms_get_type ());
  wh_parameter_set_required (parameter, FALSE);
  wh_handler_add_parameter (items, parameter);
  parameter = wh_parameter_new ("x-labels", WH_PARAMETER_HEADER, G_TYPE_STRV);
  wh_parameter_set_required (parameter, FALSE);
  wh_handler_add_parameter (items, parameter);
  add_route (f->app, items);

  wh_application_attach (f->app, f->server, &error);
  g_assert_no_error (error);
}

static void
test_list_parameters (Fixture *f, gconstpointer data)
{
  attach_lists_app (f);

  {
    /* ?tag=a&tag=b is a list; flags come repeated, comma-separated, or both. */
    g_autoptr(Reply) reply = request (f, "GET", "/items/1,2?tag=x&perms=read,write&tag=y%20z&perms=admin",
                                      "X-Perms", "write, read", "X-Labels", "new, hot", NULL);

    assert_json_reply (reply, 200,
                       "{\"ids\": [\"1\", \"2\"], \"tag\": [\"x\", \"y z\"], "
                       "\"perms\": \"7:read,write,admin\", \"x-perms\": \"3:write, read\", "
                       "\"x-labels\": [\"new\", \"hot\"]}");
  }
  {
    /* Exploded form style: a comma in one query value is part of the string. */
    g_autoptr(Reply) reply = request (f, "GET", "/items/1?tag=a,b");

    assert_json_reply (reply, 200, "{\"ids\": [\"1\"], \"tag\": [\"a,b\"]}");
  }
}

static void
test_list_parameter_errors (Fixture *f, gconstpointer data)
{
  attach_lists_app (f);

  {
    /* Each bad item is reported at its index, as pydantic reports set[Enum]. */
    g_autoptr(Reply) reply = request (f, "GET", "/items/1?tag=x&perms=read,pink&perms=none",
                                      "X-Perms", "admin,root", NULL);

    assert_json_reply (reply, 422,
                       "{\"detail\": ["
                       "{\"loc\": [\"query\", \"perms\", 1], \"msg\": \"Input should be 'read', "
                       "'write' or 'admin'\", \"type\": \"enum\"},"
                       "{\"loc\": [\"query\", \"perms\", 2], \"msg\": \"Input should be 'read', "
                       "'write' or 'admin'\", \"type\": \"enum\"},"
                       "{\"loc\": [\"header\", \"x-perms\", 1], \"msg\": \"Input should be 'read', "
                       "'write' or 'admin'\", \"type\": \"enum\"}]}");
  }
  {
    g_autoptr(Reply) reply = request (f, "GET", "/items/1?perms=read");

    assert_json_reply (reply, 422,
                       "{\"detail\": [{\"loc\": [\"query\", \"tag\"], \"msg\": \"Field required\", "
                       "\"type\": \"missing\"}]}");
  }
}

/* The document describes list parameters as arrays, which clients send exploded. */
static void
test_list_parameters_document (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *paths, *operation;
  JsonArray *parameters;
  g_autofree char *ids = NULL, *tag = NULL, *perms = NULL;

  attach_lists_app (f);
  reply = request (f, "GET", "/openapi.json");
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (json_parser_load_from_data (parser, reply->body, -1, NULL));
  paths = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "paths");
  operation = json_object_get_object_member (json_object_get_object_member (paths, "/items/{ids}"), "get");
  parameters = json_object_get_array_member (operation, "parameters");
  g_assert_cmpuint (json_array_get_length (parameters), ==, 5);

  ids = json_to_string (json_array_get_element (parameters, 0), FALSE);
  tag = json_to_string (json_array_get_element (parameters, 1), FALSE);
  perms = json_to_string (json_array_get_element (parameters, 2), FALSE);
  g_assert_cmpstr (ids, ==, "{\"name\":\"ids\",\"in\":\"path\",\"required\":true,"
                            "\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}");
  g_assert_cmpstr (tag, ==, "{\"name\":\"tag\",\"in\":\"query\",\"required\":true,"
                            "\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}");
  g_assert_cmpstr (perms, ==, "{\"name\":\"perms\",\"in\":\"query\",\"required\":false,"
                              "\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
                              "\"enum\":[\"read\",\"write\",\"admin\"]},\"uniqueItems\":true}}");
}

#define ADD(name, func, data) \
  g_test_add (name, Fixture, data, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/routes/create", test_create, NULL);
  ADD ("/routes/body-errors", test_body_errors, NULL);
  ADD ("/routes/unsupported-media-type", test_unsupported_media_type, NULL);
  ADD ("/routes/not-found", test_not_found, NULL);
  ADD ("/routes/method-not-allowed", test_method_not_allowed, NULL);
  ADD ("/routes/parameters", test_parameters, NULL);
  ADD ("/routes/parameter-errors", test_parameter_errors, NULL);
  ADD ("/routes/answer-later", test_answer_later, NULL);
  ADD ("/routes/never-answered", test_never_answered, NULL);
  ADD ("/routes/not-implemented", test_not_implemented, NULL);
  ADD ("/routes/too-large", test_too_large, "not attached");
  ADD ("/routes/attach-clashes", test_attach_clashes, NULL);
  ADD ("/routes/list-parameters", test_list_parameters, "not attached");
  ADD ("/routes/list-parameter-errors", test_list_parameter_errors, "not attached");
  ADD ("/routes/list-parameters-document", test_list_parameters_document, "not attached");

  return g_test_run ();
}
