/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Serving an application over libsoup (issue 4, first slice): what a client of a loopback
 * SoupServer sees of the document, the docs pages and the local assets, and what
 * wh_application_attach() refuses. */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <webhooks.h>

#include "test-payment.h"

#include "wh-docs-page-private.h"

#define HOSTILE_TITLE "Payments </script><script>alert(1)</script> & \"co\""

static WhApplication *
seed_app_at (const char *title,
             const char *create_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) app = wh_application_new (title, "1.0.0");
  g_autoptr(WhWebhookHandler) webhook = wh_whpost ("new-event");
  g_autoptr(WhHandler) create = wh_post (create_path);
  g_autoptr(WhWebhookGateway) webhook_gateway = NULL;
  g_autoptr(WhGateway) route_gateway = NULL;

  g_object_set (webhook, "body-type", TEST_TYPE_PAYMENT, NULL);
  g_object_set (create, "name", "create_payment", "body-type", TEST_TYPE_PAYMENT, NULL);
  webhook_gateway = wh_webhook_gateway_new (webhook);
  route_gateway = wh_gateway_new (create);
  wh_application_add_webhook (app, webhook_gateway, &error);
  g_assert_no_error (error);
  wh_application_add_route (app, route_gateway, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&app);
}

static WhApplication *
seed_app (const char *title)
{
  return seed_app_at (title, "/create");
}

/* A loopback server and a client */

typedef struct
{
  WhApplication *app;
  SoupServer *server;
  GUri *base;
  SoupSession *session;       /* decodes gzip, as most clients */
  SoupSession *raw_session;   /* shows the bytes as sent */
  char *tmp;
} Fixture;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->app = seed_app (data != NULL ? data : "Payments");
  f->server = soup_server_new (NULL, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->session = soup_session_new ();
  f->raw_session = soup_session_new ();
  soup_session_remove_feature_by_type (f->raw_session, SOUP_TYPE_CONTENT_DECODER);
  f->tmp = g_dir_make_tmp ("wh-serve-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_file_test (path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  remove_tree (f->tmp);
  g_free (f->tmp);
  g_clear_object (&f->session);
  g_clear_object (&f->raw_session);
  g_clear_pointer (&f->base, g_uri_unref);
  g_clear_object (&f->server);
  g_clear_object (&f->app);
}

static void
attach (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (wh_application_attach (f->app, f->server, &error));
  g_assert_no_error (error);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* @path is sent as written (percent-encoding kept); the rest are header name/value pairs. */
static Reply *
request_full (Fixture    *f,
              SoupSession *session,
              const char *method,
              const char *path,
              ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse_relative (f->base, path, SOUP_HTTP_URI_FLAGS, &error);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Reply *reply = g_new0 (Reply, 1);
  const char *name;
  va_list args;

  g_assert_no_error (error);
  msg = soup_message_new_from_uri (method, uri);
  va_start (args, path);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), name,
                                  va_arg (args, const char *));
  va_end (args);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  reply->body = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return reply;
}

#define request(f, method, path, ...) request_full (f, (f)->session, method, path, ##__VA_ARGS__, NULL)
#define raw_request(f, method, path, ...) request_full (f, (f)->raw_session, method, path, ##__VA_ARGS__, NULL)

static char *
body_text (Reply *reply)
{
  gsize size;
  const char *data = g_bytes_get_data (reply->body, &size);

  return data != NULL ? g_strndup (data, size) : g_strdup ("");
}

static const char *
header (Reply *reply, const char *name)
{
  return soup_message_headers_get_one (reply->headers, name);
}

static void
assert_json_error (Reply *reply, guint status)
{
  g_autofree char *text = body_text (reply);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (header (reply, "Content-Type"), ==, "application/json");
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "detail"), ==, soup_status_get_phrase (status));
}

static GBytes *
gunzip (GBytes *bytes)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) stream = g_converter_input_stream_new (memory, G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Properties */

static void
count_changed (WhApplication *app, guint *count)
{
  (*count)++;
}

static void
test_properties (void)
{
  g_autoptr(WhApplication) app = wh_application_new ("Payments", "1.0.0");
  const char *names[] = { "openapi-url", "swagger-url", "redoc-url", "elements-url",
                          "rapidoc-url", "oauth2-redirect-url" };
  const char *defaults[] = { "/openapi.json", "/docs/swagger", "/docs/redoc", "/docs/elements",
                             "/docs/rapidoc", "/docs/oauth2-redirect" };
  guint changed = 0;
  g_autofree char *json_before = NULL;
  g_autofree char *json_after = NULL;
  g_autofree char *assets = NULL;

  json_before = wh_application_get_openapi_json (app, FALSE);
  g_signal_connect (app, "changed", G_CALLBACK (count_changed), &changed);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *value = NULL;

      g_object_get (app, names[i], &value, NULL);
      g_assert_cmpstr (value, ==, defaults[i]);
      g_clear_pointer (&value, g_free);
      g_object_set (app, names[i], "/elsewhere", NULL);
      g_object_get (app, names[i], &value, NULL);
      g_assert_cmpstr (value, ==, "/elsewhere");
    }
  g_object_get (app, "docs-assets-dir", &assets, NULL);
  g_assert_null (assets);
  g_object_set (app, "docs-assets-dir", "/nowhere", NULL);

  /* The URLs are not part of the document. */
  g_assert_cmpuint (changed, ==, 0);
  json_after = wh_application_get_openapi_json (app, FALSE);
  g_assert_cmpstr (json_before, ==, json_after);
}

/* The document */

static void
test_openapi (Fixture *f, gconstpointer data)
{
  g_autofree char *expected = wh_application_get_openapi_json (f->app, FALSE);
  g_autoptr(Reply) get = NULL;
  g_autoptr(Reply) head = NULL;
  g_autoptr(Reply) post = NULL;
  g_autoptr(Reply) below = NULL;
  g_autofree char *text = NULL;

  attach (f);

  get = raw_request (f, "GET", "/openapi.json");
  text = body_text (get);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (header (get, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (soup_message_headers_get_content_length (get->headers), ==, strlen (expected));
  g_assert_nonnull (header (get, "ETag"));
  g_assert_null (header (get, "Content-Encoding"));
  g_assert_nonnull (strstr (text, "\"new-event\""));
  g_assert_nonnull (strstr (text, "\"/create\""));
  /* None of the served URLs is in the document. */
  g_assert_null (strstr (text, "openapi.json"));
  g_assert_null (strstr (text, "/docs/"));

  head = raw_request (f, "HEAD", "/openapi.json");
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
  g_assert_cmpstr (header (head, "ETag"), ==, header (get, "ETag"));

  post = raw_request (f, "POST", "/openapi.json");
  assert_json_error (post, 405);
  g_assert_cmpstr (header (post, "Allow"), ==, "GET, HEAD");

  below = raw_request (f, "GET", "/openapi.json/more");
  assert_json_error (below, 404);
}

static void
test_openapi_etag (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) first = NULL;
  g_autoptr(Reply) same = NULL;
  g_autoptr(Reply) weak = NULL;
  g_autoptr(Reply) listed = NULL;
  g_autoptr(Reply) star = NULL;
  g_autoptr(Reply) other = NULL;
  g_autoptr(Reply) stale = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *weak_etag = NULL;
  g_autofree char *list = NULL;
  g_autofree char *text = NULL;

  attach (f);
  first = raw_request (f, "GET", "/openapi.json");
  etag = g_strdup (header (first, "ETag"));
  g_assert_true (g_str_has_prefix (etag, "\"") && g_str_has_suffix (etag, "\""));
  g_assert_cmpstr (header (first, "Cache-Control"), ==, "no-cache");

  same = raw_request (f, "GET", "/openapi.json", "If-None-Match", etag);
  g_assert_cmpuint (same->status, ==, 304);
  g_assert_cmpuint (g_bytes_get_size (same->body), ==, 0);
  g_assert_cmpstr (header (same, "ETag"), ==, etag);

  weak_etag = g_strconcat ("W/", etag, NULL);
  weak = raw_request (f, "GET", "/openapi.json", "If-None-Match", weak_etag);
  g_assert_cmpuint (weak->status, ==, 304);

  list = g_strconcat ("\"nope\", ", etag, NULL);
  listed = raw_request (f, "GET", "/openapi.json", "If-None-Match", list);
  g_assert_cmpuint (listed->status, ==, 304);

  star = raw_request (f, "GET", "/openapi.json", "If-None-Match", "*");
  g_assert_cmpuint (star->status, ==, 304);

  other = raw_request (f, "GET", "/openapi.json", "If-None-Match", "\"something-else\"");
  g_assert_cmpuint (other->status, ==, 200);

  /* A change to the application is a new document, with a new ETag. */
  wh_application_set_description (f->app, "Now with a description");
  stale = raw_request (f, "GET", "/openapi.json", "If-None-Match", etag);
  text = body_text (stale);
  g_assert_cmpuint (stale->status, ==, 200);
  g_assert_cmpstr (header (stale, "ETag"), !=, etag);
  g_assert_nonnull (strstr (text, "Now with a description"));
}

static void
test_openapi_gzip (Fixture *f, gconstpointer data)
{
  g_autofree char *expected = wh_application_get_openapi_json (f->app, FALSE);
  g_autoptr(Reply) gzip = NULL;
  g_autoptr(Reply) refused = NULL;
  g_autoptr(Reply) other = NULL;
  g_autoptr(Reply) any = NULL;
  g_autoptr(Reply) decoded = NULL;
  g_autoptr(Reply) revalidated = NULL;
  g_autoptr(GBytes) inflated = NULL;
  g_autofree char *text = NULL;
  g_autofree char *decoded_text = NULL;

  attach (f);

  gzip = raw_request (f, "GET", "/openapi.json", "Accept-Encoding", "br, gzip;q=0.8");
  g_assert_cmpuint (gzip->status, ==, 200);
  g_assert_cmpstr (header (gzip, "Content-Encoding"), ==, "gzip");
  g_assert_cmpstr (header (gzip, "Content-Type"), ==, "application/json");
  g_assert_nonnull (strstr (header (gzip, "Vary"), "Accept-Encoding"));
  g_assert_cmpuint (g_bytes_get_size (gzip->body), <, strlen (expected));
  inflated = gunzip (gzip->body);
  text = g_strndup (g_bytes_get_data (inflated, NULL), g_bytes_get_size (inflated));
  g_assert_cmpstr (text, ==, expected);

  refused = raw_request (f, "GET", "/openapi.json", "Accept-Encoding", "gzip;q=0, identity");
  g_assert_null (header (refused, "Content-Encoding"));
  g_assert_cmpuint (g_bytes_get_size (refused->body), ==, strlen (expected));

  other = raw_request (f, "GET", "/openapi.json", "Accept-Encoding", "br");
  g_assert_null (header (other, "Content-Encoding"));
  g_assert_cmpstr (header (other, "ETag"), !=, header (gzip, "ETag"));

  any = raw_request (f, "GET", "/openapi.json", "Accept-Encoding", "*");
  g_assert_cmpstr (header (any, "Content-Encoding"), ==, "gzip");

  /* An ordinary client asks for gzip and gets the document. */
  decoded = request (f, "GET", "/openapi.json");
  decoded_text = body_text (decoded);
  g_assert_cmpstr (decoded_text, ==, expected);

  revalidated = raw_request (f, "GET", "/openapi.json", "Accept-Encoding", "gzip",
                             "If-None-Match", header (gzip, "ETag"));
  g_assert_cmpuint (revalidated->status, ==, 304);
}

/* The docs pages */

static const struct
{
  const char *path;
  const char *cdn;
} pages[] = {
  { "/docs/swagger", "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5." },
  { "/docs/redoc", "https://cdn.jsdelivr.net/npm/redoc@" },
  { "/docs/elements", "https://cdn.jsdelivr.net/npm/@stoplight/elements@" },
  { "/docs/rapidoc", "https://cdn.jsdelivr.net/npm/rapidoc@" },
  { "/docs/oauth2-redirect", NULL },
};

static void
test_docs_pages (Fixture *f, gconstpointer data)
{
  attach (f);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(Reply) reply = request (f, "GET", pages[i].path);
      g_autoptr(Reply) post = request (f, "POST", pages[i].path);
      g_autoptr(Reply) below = request (f, "GET", "/docs/swagger/index.html");
      g_autofree char *text = body_text (reply);

      g_test_message ("%s", pages[i].path);
      g_assert_cmpuint (reply->status, ==, 200);
      g_assert_cmpstr (header (reply, "Content-Type"), ==, "text/html; charset=utf-8");
      g_assert_true (g_str_has_prefix (text, "<!DOCTYPE html>"));
      g_assert_null (strstr (text, "{{"));
      if (pages[i].cdn != NULL)
        {
          g_assert_nonnull (strstr (text, pages[i].cdn));
          g_assert_nonnull (strstr (text, "/openapi.json"));
          /* The hostile title is text, not markup. */
          g_assert_nonnull (strstr (text, "Payments &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;"));
          g_assert_null (strstr (text, "<script>alert(1)"));
        }
      assert_json_error (post, 405);
      assert_json_error (below, 404);
    }
}

static void
test_docs_swagger (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) swagger = NULL;
  g_autoptr(Reply) redoc = NULL;
  g_autoptr(Reply) no_redirect = NULL;
  g_autofree char *swagger_text = NULL;
  g_autofree char *redoc_text = NULL;
  g_autofree char *no_redirect_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(WhApplication) app = seed_app ("Other");

  /* Characters a path may hold but a script or an attribute may not take as they are. */
  g_object_set (f->app, "openapi-url", "/spec'&x=1.json", NULL);
  attach (f);

  swagger = request (f, "GET", "/docs/swagger");
  swagger_text = body_text (swagger);
  g_assert_nonnull (strstr (swagger_text, "url: \"/spec\\u0027\\u0026x=1.json\""));
  g_assert_nonnull (strstr (swagger_text, "var redirect = \"/docs/oauth2-redirect\";"));
  g_assert_nonnull (strstr (swagger_text, "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui-bundle.js"));
  g_assert_nonnull (strstr (swagger_text, "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui.css"));

  redoc = request (f, "GET", "/docs/redoc");
  redoc_text = body_text (redoc);
  g_assert_nonnull (strstr (redoc_text, "<redoc spec-url=\"/spec&apos;&amp;x=1.json\">"));

  /* Without the redirect page, Swagger UI is not told about one. */
  g_object_set (app, "oauth2-redirect-url", NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (wh_application_attach (app, server, &error));
  {
    GSList *uris = soup_server_get_uris (server);
    g_autofree char *uri = g_uri_to_string (uris->data);
    g_autofree char *url = g_strconcat (uri, "docs/swagger", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GBytes) body = NULL;

    g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
    soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    body = soup_session_send_and_read_finish (f->session, result, &error);
    g_assert_no_error (error);
    no_redirect_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  }
  g_assert_nonnull (strstr (no_redirect_text, "var redirect = null;"));
}

static void
test_escaping (void)
{
  g_autofree char *js = wh_docs_escape_js ("</script><!--&'\"\\\n\xe2\x80\xa8é");
  g_autofree char *null_js = wh_docs_escape_js (NULL);
  g_autofree char *html = wh_docs_escape_html ("<b a=\"x\" b='y'>&</b>");
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *page = NULL;

  g_assert_cmpstr (js, ==, "\"\\u003c/script\\u003e\\u003c!--\\u0026\\u0027\\\"\\\\\\n\\u2028é\"");
  g_assert_cmpstr (null_js, ==, "null");
  g_assert_cmpstr (html, ==, "&lt;b a=&quot;x&quot; b=&apos;y&apos;&gt;&amp;&lt;/b&gt;");

  g_hash_table_insert (values, "title", "</script>{{html title}}");
  page = wh_docs_render_template ("<title>{{html title}}</title><script>var t = {{js title}};</script>",
                                  values);
  g_assert_cmpstr (page, ==,
                   "<title>&lt;/script&gt;{{html title}}</title>"
                   "<script>var t = \"\\u003c/script\\u003e{{html title}}\";</script>");
}

static void
test_docs_off (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);

  g_object_set (f->app, "swagger-url", NULL, "rapidoc-url", "", NULL);
  attach (f);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(Reply) reply = request (f, "GET", pages[i].path);
      gboolean off = g_str_equal (pages[i].path, "/docs/swagger") ||
                     g_str_equal (pages[i].path, "/docs/rapidoc");

      g_assert_cmpuint (reply->status, ==, off ? 404 : 200);
    }

  /* No document, no pages: the application is attached but serves nothing. */
  g_object_set (f->app, "openapi-url", NULL, NULL);
  g_assert_true (wh_application_attach (f->app, server, &error));
  g_assert_no_error (error);
  g_assert_false (wh_application_attach (f->app, server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
}

static void
test_docs_off_all (Fixture *f, gconstpointer data)
{
  g_object_set (f->app, "openapi-url", NULL, NULL);
  attach (f);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(Reply) reply = request (f, "GET", pages[i].path);

      g_assert_cmpuint (reply->status, ==, 404);
    }
  {
    g_autoptr(Reply) reply = request (f, "GET", "/openapi.json");

    g_assert_cmpuint (reply->status, ==, 404);
  }
}

/* The local assets */

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (parent, 0700);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

#define SWAGGER_JS "window.SwaggerUIBundle = function () {};\n"

static void
test_docs_assets (Fixture *f, gconstpointer data)
{
  g_autofree char *assets = g_build_filename (f->tmp, "node_modules", NULL);
  g_autofree char *link = g_build_filename (assets, "swagger-ui-dist", "leak.txt", NULL);
  g_autofree char *secret = g_build_filename (f->tmp, "secret.txt", NULL);
  const char *refused[] = {
    "/docs/assets/%2e%2e/secret.txt",
    "/docs/assets/swagger-ui-dist/%2e%2e/%2e%2e/secret.txt",
    "/docs/assets/..%2fsecret.txt",
    "/docs/assets/swagger-ui-dist%2f..%2f..%2fsecret.txt",
    "/docs/assets/%2fetc%2fpasswd",
    "/docs/assets//etc/passwd",
    "/docs/assets/swagger-ui-dist/leak.txt",   /* a symbolic link out of the folder */
    "/docs/assets/swagger-ui-dist",            /* a folder */
    "/docs/assets/.hidden",
    "/docs/assets/missing.js",
    "/docs/assets",
    "/docs/assets/",
    "/docs/assets/swagger-ui-dist/swagger-ui-bundle.js%00.txt",
  };

  write_file (assets, "swagger-ui-dist/swagger-ui-bundle.js", SWAGGER_JS);
  write_file (assets, "swagger-ui-dist/swagger-ui.css", "body {}\n");
  write_file (assets, "redoc/bundles/redoc.standalone.js", "/* redoc */\n");
  write_file (assets, ".hidden", "hidden\n");
  write_file (f->tmp, "secret.txt", "SECRET\n");
  g_assert_cmpint (symlink (secret, link), ==, 0);

  g_object_set (f->app, "docs-assets-dir", assets, NULL);
  attach (f);

  {
    g_autoptr(Reply) page = request (f, "GET", "/docs/swagger");
    g_autofree char *text = body_text (page);

    g_assert_nonnull (strstr (text, "src=\"/docs/assets/swagger-ui-dist/swagger-ui-bundle.js\""));
    g_assert_nonnull (strstr (text, "href=\"/docs/assets/swagger-ui-dist/swagger-ui.css\""));
    g_assert_null (strstr (text, "cdn.jsdelivr.net"));
  }
  {
    g_autoptr(Reply) page = request (f, "GET", "/docs/redoc");
    g_autofree char *text = body_text (page);

    g_assert_nonnull (strstr (text, "src=\"/docs/assets/redoc/bundles/redoc.standalone.js\""));
  }
  {
    g_autoptr(Reply) js = request (f, "GET", "/docs/assets/swagger-ui-dist/swagger-ui-bundle.js");
    g_autoptr(Reply) css = request (f, "GET", "/docs/assets/swagger-ui-dist/swagger-ui.css");
    g_autoptr(Reply) post = request (f, "POST", "/docs/assets/swagger-ui-dist/swagger-ui.css");
    g_autofree char *text = body_text (js);

    g_assert_cmpuint (js->status, ==, 200);
    g_assert_cmpstr (header (js, "Content-Type"), ==, "text/javascript; charset=utf-8");
    g_assert_cmpstr (text, ==, SWAGGER_JS);
    g_assert_cmpuint (css->status, ==, 200);
    g_assert_cmpstr (header (css, "Content-Type"), ==, "text/css; charset=utf-8");
    assert_json_error (post, 405);
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(Reply) reply = request (f, "GET", refused[i]);
      g_autofree char *text = body_text (reply);

      /* libsoup itself turns some of these away (400) before the handler sees them. */
      g_test_message ("%s: %u %s", refused[i], reply->status, text);
      g_assert_true (reply->status == 404 || reply->status == 400);
      g_assert_null (strstr (text, "SECRET"));
    }
}

/* A client that sends `..` as it is, which SoupSession would have normalized away. */
static void
test_docs_assets_raw_traversal (Fixture *f, gconstpointer data)
{
  g_autofree char *assets = g_build_filename (f->tmp, "node_modules", NULL);
  const char *targets[] = { "/docs/assets/../../secret.txt", "/docs/assets/./../secret.txt",
                            "/docs/assets/swagger-ui-dist/../../secret.txt" };

  write_file (assets, "swagger-ui-dist/swagger-ui-bundle.js", SWAGGER_JS);
  write_file (f->tmp, "secret.txt", "SECRET\n");
  g_object_set (f->app, "docs-assets-dir", assets, NULL);
  attach (f);

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *request_text = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                       "Connection: close\r\n\r\n", targets[i]);
      g_autoptr(GAsyncResult) result = NULL;
      GOutputStream *out;
      GInputStream *in;
      g_autoptr(GString) response = g_string_new (NULL);
      char buffer[4096];
      gssize n;

      g_socket_client_connect_to_host_async (client, "127.0.0.1", g_uri_get_port (f->base), NULL,
                                             on_sent, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      connection = g_socket_client_connect_to_host_finish (client, result, &error);
      g_assert_no_error (error);

      out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
      g_output_stream_write_all (out, request_text, strlen (request_text), NULL, NULL, &error);
      g_assert_no_error (error);

      /* The server runs on this thread's main context: read without blocking it. */
      in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
      for (;;)
        {
          n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (in), buffer,
                                                        sizeof buffer, NULL, &error);
          if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_clear_error (&error);
              g_main_context_iteration (NULL, TRUE);
              continue;
            }
          g_assert_no_error (error);
          if (n == 0)
            break;
          g_string_append_len (response, buffer, n);
        }

      g_test_message ("%s: %.40s", targets[i], response->str);
      g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 "));
      g_assert_false (g_str_has_prefix (response->str, "HTTP/1.1 200"));
      g_assert_null (strstr (response->str, "SECRET"));
    }
}

/* Attaching */

static void
test_attach_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhApplication) second = seed_app_at ("Second", "/second/create");
  g_autoptr(WhApplication) clash = seed_app ("Clash");
  g_autoptr(WhApplication) third = seed_app ("Third");
  g_autoptr(Reply) first_doc = NULL;
  g_autoptr(Reply) second_doc = NULL;
  g_autoptr(Reply) not_added = NULL;
  g_autofree char *text = NULL;

  attach (f);

  g_assert_false (wh_application_attach (f->app, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* Another application on the same paths: refused, and none of its paths is taken. */
  g_object_set (second, "openapi-url", "/second.json", "redoc-url", "/second/redoc", NULL);
  g_assert_false (wh_application_attach (second, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "/docs/swagger"));
  g_clear_error (&error);
  not_added = request (f, "GET", "/second.json");
  g_assert_cmpuint (not_added->status, ==, 404);

  /* Its own docs paths, but the first's route: refused too. */
  g_object_set (clash, "openapi-url", "/clash.json", "swagger-url", NULL, "redoc-url", NULL,
                "elements-url", NULL, "rapidoc-url", NULL, "oauth2-redirect-url", NULL, NULL);
  g_assert_false (wh_application_attach (clash, f->server, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "POST /create"));
  g_clear_error (&error);

  /* On paths of its own it is served next to the first. */
  g_object_set (second, "swagger-url", "/second/swagger", "elements-url", NULL,
                "rapidoc-url", NULL, "oauth2-redirect-url", NULL, NULL);
  g_assert_true (wh_application_attach (second, f->server, &error));
  g_assert_no_error (error);
  second_doc = request (f, "GET", "/second.json");
  text = body_text (second_doc);
  g_assert_cmpuint (second_doc->status, ==, 200);
  g_assert_nonnull (strstr (text, "\"title\":\"Second\""));
  first_doc = request (f, "GET", "/openapi.json");
  g_clear_pointer (&text, g_free);
  text = body_text (first_doc);
  g_assert_nonnull (strstr (text, "\"title\":\"Payments\""));

  /* URLs that are not plain absolute paths. */
  {
    const char *bad[] = { "docs/swagger", "/", "/a/../b", "/a/./b", "/a//b", "/a b", "/a?b",
                          "/a#b", "/a\"b", "/a<b" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);

        g_object_set (third, "swagger-url", bad[i], NULL);
        g_assert_false (wh_application_attach (third, server, &error));
        g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_NAME);
        g_assert_nonnull (strstr (error->message, "swagger-url"));
        g_clear_error (&error);
      }
  }

  /* Two pages on one path. */
  {
    g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);

    g_object_set (third, "swagger-url", "/docs/redoc", NULL);
    g_assert_false (wh_application_attach (third, server, &error));
    g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
    g_clear_error (&error);
  }

  /* A docs-assets-dir that is not a folder. */
  {
    g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
    g_autofree char *missing = g_build_filename (f->tmp, "missing", NULL);

    g_object_set (third, "swagger-url", "/docs/swagger", "docs-assets-dir", missing, NULL);
    g_assert_false (wh_application_attach (third, server, &error));
    g_assert_error (error, WH_ERROR, WH_ERROR_FAILED);
    g_clear_error (&error);

    /* Once fixed, the same server takes it: a failed attach left nothing behind. */
    g_object_set (third, "docs-assets-dir", f->tmp, NULL);
    g_assert_true (wh_application_attach (third, server, &error));
    g_assert_no_error (error);
  }
}

/* The server keeps the application it serves. */
static void
test_attach_lifetime (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) reply = NULL;
  GWeakRef weak;

  attach (f);
  g_weak_ref_init (&weak, f->app);
  g_clear_object (&f->app);

  reply = request (f, "GET", "/openapi.json");
  g_assert_cmpuint (reply->status, ==, 200);

  g_clear_object (&f->server);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

#define ADD(name, func, data) \
  g_test_add (name, Fixture, data, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/serve/properties", test_properties);
  g_test_add_func ("/serve/escaping", test_escaping);
  ADD ("/serve/openapi", test_openapi, NULL);
  ADD ("/serve/openapi/etag", test_openapi_etag, NULL);
  ADD ("/serve/openapi/gzip", test_openapi_gzip, NULL);
  ADD ("/serve/docs/pages", test_docs_pages, HOSTILE_TITLE);
  ADD ("/serve/docs/swagger", test_docs_swagger, NULL);
  ADD ("/serve/docs/off", test_docs_off, NULL);
  ADD ("/serve/docs/off-all", test_docs_off_all, NULL);
  ADD ("/serve/docs/assets", test_docs_assets, NULL);
  ADD ("/serve/docs/assets-raw-traversal", test_docs_assets_raw_traversal, NULL);
  ADD ("/serve/attach/errors", test_attach_errors, NULL);
  ADD ("/serve/attach/lifetime", test_attach_lifetime, NULL);

  return g_test_run ();
}
