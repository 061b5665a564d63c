/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-application-server
 * @Title: Serving an application
 * @Short_description: the OpenAPI document and the docs pages over libsoup
 *
 * wh_application_attach() puts a #WhApplication on a #SoupServer that the caller owns and
 * runs (a GNOME service keeps its own server and main context). From then on the server
 * answers:
 *
 * - #WhApplication:openapi-url (`/openapi.json`): the OpenAPI document, from bytes cached
 *   until the application emits #WhApplication::changed, with an `ETag` (a matching
 *   `If-None-Match` gives `304 Not Modified`) and gzip when the client accepts it;
 * - #WhApplication:swagger-url (`/docs/swagger`, Swagger UI 5),
 *   #WhApplication:redoc-url (`/docs/redoc`), #WhApplication:elements-url
 *   (`/docs/elements`, Stoplight Elements), #WhApplication:rapidoc-url (`/docs/rapidoc`)
 *   and #WhApplication:oauth2-redirect-url (`/docs/oauth2-redirect`): the pages that show
 *   the document, webhooks included, to people.
 *
 * Setting a URL to %NULL turns that page off; no #WhApplication:openapi-url turns them all
 * off. None of these URLs appears in the document. The pages load their scripts from a CDN,
 * at versions pinned by the library, unless #WhApplication:docs-assets-dir names a local
 * folder: then they are served from it under %WH_DOCS_ASSETS_PATH, so that the docs work
 * on a machine with no internet.
 *
 * |[<!-- language="C" -->
 * g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
 *
 * if (!wh_application_attach (app, server, &error) ||
 *     !soup_server_listen_local (server, 8000, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
 *   g_printerr ("%s\n", error->message);
 * ]|
 *
 * The URLs are read when the application is attached; set them before. Everything runs on
 * the server's main context, in the thread that uses the application.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wh-application-server.h"
#include "wh-application-server-private.h"
#include "wh-docs-page-private.h"
#include "wh-error.h"
#include "wh-router-private.h"
#include "wh-server-paths-private.h"

/* The docs pages' assets: the npm packages they come from, pinned here and nowhere else.
 * A page names its files by package and path inside the package, which is both the CDN
 * URL (jsDelivr serves npm packages) and the layout of a local node_modules folder. */
#define DOCS_CDN_BASE "https://cdn.jsdelivr.net/npm/"

enum {
  PACKAGE_SWAGGER_UI,
  PACKAGE_REDOC,
  PACKAGE_ELEMENTS,
  PACKAGE_RAPIDOC,
};

static const struct
{
  const char *name;
  const char *version;
} docs_packages[] = {
  [PACKAGE_SWAGGER_UI] = { "swagger-ui-dist", "5.35.0" },
  [PACKAGE_REDOC] = { "redoc", "2.5.2" },
  [PACKAGE_ELEMENTS] = { "@stoplight/elements", "9.0.25" },
  [PACKAGE_RAPIDOC] = { "rapidoc", "9.3.8" },
};

static const struct
{
  const char *placeholder;
  guint package;
  const char *file;
} docs_files[] = {
  { "swagger_js_url", PACKAGE_SWAGGER_UI, "swagger-ui-bundle.js" },
  { "swagger_css_url", PACKAGE_SWAGGER_UI, "swagger-ui.css" },
  { "redoc_js_url", PACKAGE_REDOC, "bundles/redoc.standalone.js" },
  { "elements_js_url", PACKAGE_ELEMENTS, "web-components.min.js" },
  { "elements_css_url", PACKAGE_ELEMENTS, "styles.min.css" },
  { "rapidoc_js_url", PACKAGE_RAPIDOC, "dist/rapidoc-min.js" },
};

#define RESOURCE_PREFIX "/org/libwebhooks/serve/"

typedef enum {
  URL_OPENAPI,
  URL_SWAGGER,
  URL_REDOC,
  URL_ELEMENTS,
  URL_RAPIDOC,
  URL_OAUTH2_REDIRECT,
  N_URLS,
  /* Not a property: the local assets, served when docs-assets-dir is set. */
  URL_ASSETS = N_URLS,
} UrlKind;

static const struct
{
  const char *property;
  const char *nick;
  const char *blurb;
  const char *default_value;
  const char *page;
} url_infos[N_URLS] = {
  [URL_OPENAPI] = { "openapi-url", "OpenAPI URL",
                    "The path of the OpenAPI document", "/openapi.json", NULL },
  [URL_SWAGGER] = { "swagger-url", "Swagger UI URL",
                    "The path of the Swagger UI page", "/docs/swagger", "swagger.html" },
  [URL_REDOC] = { "redoc-url", "ReDoc URL",
                  "The path of the ReDoc page", "/docs/redoc", "redoc.html" },
  [URL_ELEMENTS] = { "elements-url", "Stoplight Elements URL",
                     "The path of the Stoplight Elements page", "/docs/elements", "elements.html" },
  [URL_RAPIDOC] = { "rapidoc-url", "RapiDoc URL",
                    "The path of the RapiDoc page", "/docs/rapidoc", "rapidoc.html" },
  [URL_OAUTH2_REDIRECT] = { "oauth2-redirect-url", "OAuth2 redirect URL",
                            "The path of Swagger UI's OAuth2 redirect page", "/docs/oauth2-redirect",
                            "oauth2-redirect.html" },
};

enum {
  SERVE_PROP_DOCS_ASSETS_DIR = N_URLS,
  SERVE_PROP_MAX_BODY_SIZE,
  N_SERVE_PROPS
};

#define DEFAULT_MAX_BODY_SIZE (1024 * 1024)

static guint first_serve_prop_id;
static GParamSpec *serve_properties[N_SERVE_PROPS];

/* What an application keeps for serving, as qdata: declare/ knows nothing of it. */
typedef struct
{
  char *urls[N_URLS];
  char *docs_assets_dir;
  guint64 max_body_size;

  /* The document as served, dropped on WhApplication::changed. */
  GBytes *json;
  GBytes *json_gzip;
  char *etag;
  char *etag_gzip;
} ServeState;

/* The applications attached to a server, as qdata. Their paths and routes are with those
 * of the receivers, in the server's WhServerPaths. */
typedef struct
{
  GHashTable *apps;     /* WhApplication set, owned */
} ServerRegistry;

typedef struct
{
  WhApplication *app;
  UrlKind kind;
  char *path;
} Route;

static GQuark
serve_state_quark (void)
{
  return g_quark_from_static_string ("wh-serve-state");
}

static GQuark
server_registry_quark (void)
{
  return g_quark_from_static_string ("wh-serve-registry");
}

static void
serve_state_drop_document (ServeState *state)
{
  g_clear_pointer (&state->json, g_bytes_unref);
  g_clear_pointer (&state->json_gzip, g_bytes_unref);
  g_clear_pointer (&state->etag, g_free);
  g_clear_pointer (&state->etag_gzip, g_free);
}

static void
serve_state_free (gpointer data)
{
  ServeState *state = data;

  for (guint i = 0; i < N_URLS; i++)
    g_free (state->urls[i]);
  g_free (state->docs_assets_dir);
  serve_state_drop_document (state);
  g_free (state);
}

static void
on_application_changed (WhApplication *app,
                        ServeState    *state)
{
  serve_state_drop_document (state);
}

static ServeState *
get_state (WhApplication *app)
{
  ServeState *state = g_object_get_qdata (G_OBJECT (app), serve_state_quark ());

  if (state == NULL)
    {
      state = g_new0 (ServeState, 1);
      for (guint i = 0; i < N_URLS; i++)
        state->urls[i] = g_strdup (url_infos[i].default_value);
      state->max_body_size = DEFAULT_MAX_BODY_SIZE;
      g_object_set_qdata_full (G_OBJECT (app), serve_state_quark (), state, serve_state_free);
      /* The state dies with the application, and so does the handler. */
      g_signal_connect (app, "changed", G_CALLBACK (on_application_changed), state);
    }

  return state;
}

static void
server_registry_free (gpointer data)
{
  ServerRegistry *registry = data;

  g_hash_table_unref (registry->apps);
  g_free (registry);
}

static ServerRegistry *
get_registry (SoupServer *server)
{
  ServerRegistry *registry = g_object_get_qdata (G_OBJECT (server), server_registry_quark ());

  if (registry == NULL)
    {
      registry = g_new0 (ServerRegistry, 1);
      registry->apps = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
      g_object_set_qdata_full (G_OBJECT (server), server_registry_quark (), registry,
                               server_registry_free);
    }

  return registry;
}

static void
route_free (gpointer data)
{
  Route *route = data;

  g_object_unref (route->app);
  g_free (route->path);
  g_free (route);
}

/* Properties: installed on WhApplication by wh-application.c. */

void
wh_application_serve_install_properties (GObjectClass *object_class,
                                         guint         first_prop_id)
{
  first_serve_prop_id = first_prop_id;

  /**
   * WhApplication:openapi-url:
   *
   * The path the OpenAPI document is served on by wh_application_attach(). %NULL serves
   * neither the document nor any docs page.
   */
  /**
   * WhApplication:swagger-url:
   *
   * The path of the Swagger UI page, which shows the routes and the webhooks; %NULL for
   * no such page.
   */
  /**
   * WhApplication:redoc-url:
   *
   * The path of the ReDoc page; %NULL for no such page.
   */
  /**
   * WhApplication:elements-url:
   *
   * The path of the Stoplight Elements page; %NULL for no such page.
   */
  /**
   * WhApplication:rapidoc-url:
   *
   * The path of the RapiDoc page; %NULL for no such page.
   */
  /**
   * WhApplication:oauth2-redirect-url:
   *
   * The path of the page Swagger UI sends OAuth2 sign-ins back to; %NULL for no such
   * page.
   */
  for (guint i = 0; i < N_URLS; i++)
    serve_properties[i] =
      g_param_spec_string (url_infos[i].property, url_infos[i].nick, url_infos[i].blurb,
                           url_infos[i].default_value,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhApplication:docs-assets-dir:
   *
   * A local folder to serve the docs pages' scripts and styles from, under
   * %WH_DOCS_ASSETS_PATH, instead of the CDN. It is laid out like npm's `node_modules`:
   * `swagger-ui-dist/`, `redoc/`, `@stoplight/elements/` and `rapidoc/`, each holding
   * its npm package. Only regular files inside the folder are served. %NULL (the
   * default) loads the assets from the CDN, at versions pinned by the library.
   */
  serve_properties[SERVE_PROP_DOCS_ASSETS_DIR] =
    g_param_spec_string ("docs-assets-dir", "Docs assets folder",
                         "A local folder to serve the docs pages' assets from",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WhApplication:max-body-size:
   *
   * The largest request body, in bytes, that the routes of an attached application
   * accept: a larger one is answered `413` as soon as its headers say so (or, for a
   * chunked body, as soon as it grows past the limit), without reading the rest. 0 for no
   * limit. The default is 1 MiB.
   */
  serve_properties[SERVE_PROP_MAX_BODY_SIZE] =
    g_param_spec_uint64 ("max-body-size", "Maximum body size",
                         "The largest request body the routes accept, in bytes (0: no limit)",
                         0, G_MAXUINT64, DEFAULT_MAX_BODY_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  for (guint i = 0; i < N_SERVE_PROPS; i++)
    g_object_class_install_property (object_class, first_prop_id + i, serve_properties[i]);
}

gboolean
wh_application_serve_get_property (WhApplication *self,
                                   guint          prop_id,
                                   GValue        *value)
{
  ServeState *state = get_state (self);
  guint id = prop_id - first_serve_prop_id;

  if (prop_id < first_serve_prop_id || id >= N_SERVE_PROPS)
    return FALSE;

  if (id == SERVE_PROP_MAX_BODY_SIZE)
    g_value_set_uint64 (value, state->max_body_size);
  else if (id == SERVE_PROP_DOCS_ASSETS_DIR)
    g_value_set_string (value, state->docs_assets_dir);
  else
    g_value_set_string (value, state->urls[id]);

  return TRUE;
}

gboolean
wh_application_serve_set_property (WhApplication *self,
                                   guint          prop_id,
                                   const GValue  *value)
{
  ServeState *state = get_state (self);
  guint id = prop_id - first_serve_prop_id;
  const char *text;
  char **field;

  if (prop_id < first_serve_prop_id || id >= N_SERVE_PROPS)
    return FALSE;

  if (id == SERVE_PROP_MAX_BODY_SIZE)
    {
      if (state->max_body_size != g_value_get_uint64 (value))
        {
          state->max_body_size = g_value_get_uint64 (value);
          g_object_notify_by_pspec (G_OBJECT (self), serve_properties[id]);
        }
      return TRUE;
    }

  text = g_value_get_string (value);

  field = id == SERVE_PROP_DOCS_ASSETS_DIR ? &state->docs_assets_dir : &state->urls[id];
  if (g_strcmp0 (*field, text) != 0)
    {
      g_free (*field);
      *field = g_strdup (text);
      g_object_notify_by_pspec (G_OBJECT (self), serve_properties[id]);
    }

  return TRUE;
}

guint64
wh_application_serve_get_max_body_size (WhApplication *self)
{
  return get_state (self)->max_body_size;
}

gboolean
wh_application_serve_is_property (GParamSpec *pspec)
{
  for (guint i = 0; i < N_SERVE_PROPS; i++)
    if (pspec == serve_properties[i])
      return TRUE;

  return FALSE;
}

/* Responses */

static void
set_common_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *content_type,
         GBytes            *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  set_common_headers (msg);
  soup_server_message_set_status (msg, status, NULL);
  if (content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", content_type);
  if (body != NULL)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

/* Error bodies are JSON, as everything else the application answers, and say no more
 * than the status does. */
static void
respond_error (SoupServerMessage *msg,
               guint              status)
{
  g_autofree char *text = g_strdup_printf ("{\"detail\":\"%s\"}", soup_status_get_phrase (status));
  g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

  text = NULL;
  respond (msg, status, "application/json", body);
}

/* The document and the pages are read-only: GET and HEAD. */
static gboolean
check_method (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  if (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD)
    return TRUE;

  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Allow", "GET, HEAD");
  return FALSE;
}

/* The document */

static GBytes *
gzip_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);

  /* Writing to memory cannot fail. */
  if (!g_output_stream_write_all (stream, data, size, NULL, NULL, NULL) ||
      !g_output_stream_close (stream, NULL, NULL))
    g_assert_not_reached ();

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static gboolean
ensure_document (WhApplication *app,
                 ServeState    *state,
                 gboolean       want_gzip)
{
  if (state->json == NULL)
    {
      char *text = wh_application_get_openapi_json (app, FALSE);
      g_autofree char *checksum = NULL;

      /* The application has warned why; the client learns only that it failed. */
      if (text == NULL)
        return FALSE;

      state->json = g_bytes_new_take (text, strlen (text));
      checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, state->json);
      state->etag = g_strdup_printf ("\"%.32s\"", checksum);
      /* The compressed bytes are another representation, so another strong ETag. */
      state->etag_gzip = g_strdup_printf ("\"%.32s-gzip\"", checksum);
    }

  if (want_gzip && state->json_gzip == NULL)
    state->json_gzip = gzip_bytes (state->json);

  return TRUE;
}

static gboolean
etag_matches (const char *if_none_match,
              ServeState *state)
{
  g_auto(GStrv) tags = NULL;

  if (if_none_match == NULL)
    return FALSE;

  tags = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      /* If-None-Match compares weakly: W/"x" matches "x". */
      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (g_str_equal (tag, "*") || g_str_equal (tag, state->etag) ||
          g_str_equal (tag, state->etag_gzip))
        return TRUE;
    }

  return FALSE;
}

static gboolean
accepts_gzip (SoupMessageHeaders *headers)
{
  const char *accept = soup_message_headers_get_list (headers, "Accept-Encoding");
  GSList *unacceptable = NULL;
  GSList *acceptable;
  gboolean gzip = FALSE, any = FALSE, refused = FALSE;

  if (accept == NULL)
    return FALSE;

  acceptable = soup_header_parse_quality_list (accept, &unacceptable);
  for (GSList *l = acceptable; l != NULL; l = l->next)
    {
      if (g_ascii_strcasecmp (l->data, "gzip") == 0 || g_ascii_strcasecmp (l->data, "x-gzip") == 0)
        gzip = TRUE;
      else if (g_str_equal (l->data, "*"))
        any = TRUE;
    }
  for (GSList *l = unacceptable; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, "gzip") == 0 || g_ascii_strcasecmp (l->data, "x-gzip") == 0)
      refused = TRUE;

  soup_header_free_list (acceptable);
  soup_header_free_list (unacceptable);

  return gzip || (any && !refused);
}

static void
serve_document (SoupServerMessage *msg,
                WhApplication     *app)
{
  ServeState *state = get_state (app);
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gboolean gzip = accepts_gzip (request_headers);

  if (!ensure_document (app, state, gzip))
    {
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }

  soup_message_headers_replace (headers, "ETag", gzip ? state->etag_gzip : state->etag);
  soup_message_headers_replace (headers, "Vary", "Accept-Encoding");
  /* Clients may keep the document, but must ask whether it is still current. */
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  /* libsoup 3.2 keeps an HTTP/1.0 connection open only when the response says so: agree
   * when the client asks (as nginx does), or every HTTP/1.0 poll of the document costs a
   * new connection. */
  if (soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0 &&
      soup_message_headers_header_contains (request_headers, "Connection", "Keep-Alive"))
    soup_message_headers_replace (headers, "Connection", "Keep-Alive");

  if (etag_matches (soup_message_headers_get_list (request_headers, "If-None-Match"), state))
    {
      respond (msg, SOUP_STATUS_NOT_MODIFIED, NULL, NULL);
      return;
    }

  if (gzip)
    soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  respond (msg, SOUP_STATUS_OK, "application/json", gzip ? state->json_gzip : state->json);
}

/* The docs pages */

static char *
asset_url (ServeState *state,
           guint       file)
{
  guint package = docs_files[file].package;

  if (state->docs_assets_dir != NULL)
    return g_strconcat (WH_DOCS_ASSETS_PATH "/", docs_packages[package].name, "/",
                        docs_files[file].file, NULL);

  return g_strconcat (DOCS_CDN_BASE, docs_packages[package].name, "@",
                      docs_packages[package].version, "/", docs_files[file].file, NULL);
}

static void
serve_page (SoupServerMessage *msg,
            WhApplication     *app,
            UrlKind            kind)
{
  ServeState *state = get_state (app);
  g_autofree char *resource = g_strconcat (RESOURCE_PREFIX, url_infos[kind].page, NULL);
  g_autoptr(GBytes) template_bytes = NULL;
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *template_text = NULL;
  char *page;
  gsize size;
  const char *data;

  template_bytes = g_resource_lookup_data (wh_serve_get_resource (), resource,
                                           G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (template_bytes == NULL)
    {
      /* Only a broken build gets here. */
      g_warning ("The docs page %s is missing from the library: %s", resource, error->message);
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }

  data = g_bytes_get_data (template_bytes, &size);
  template_text = g_strndup (data, size);

  values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (values, (char *) "title",
                       g_strdup (wh_application_get_title (app) != NULL ?
                                 wh_application_get_title (app) : "API"));
  g_hash_table_insert (values, (char *) "openapi_url", g_strdup (state->urls[URL_OPENAPI]));
  g_hash_table_insert (values, (char *) "oauth2_redirect_url",
                       state->urls[URL_OAUTH2_REDIRECT] != NULL &&
                       state->urls[URL_OAUTH2_REDIRECT][0] != '\0' ?
                       g_strdup (state->urls[URL_OAUTH2_REDIRECT]) : NULL);
  for (guint i = 0; i < G_N_ELEMENTS (docs_files); i++)
    g_hash_table_insert (values, (char *) docs_files[i].placeholder, asset_url (state, i));

  page = wh_docs_render_template (template_text, values);
  {
    g_autoptr(GBytes) body = g_bytes_new_take (page, strlen (page));

    respond (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", body);
  }

  /* With local assets the pages must work with no network and reach no other host; ReDoc
   * still puts a logo from its CDN in its menu, so say where a page may load from. */
  if (state->docs_assets_dir != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Content-Security-Policy",
                                  "default-src 'self' 'unsafe-inline' data: blob:; "
                                  "img-src 'self' data: blob:; "
                                  "worker-src 'self' blob:");
}

/* The local assets */

static const char *
asset_content_type (const char *name)
{
  static const struct
  {
    const char *suffix;
    const char *type;
  } types[] = {
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".html", "text/html; charset=utf-8" },
    { ".json", "application/json" },
    { ".map", "application/json" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/vnd.microsoft.icon" },
    { ".woff2", "font/woff2" },
    { ".woff", "font/woff" },
    { ".ttf", "font/ttf" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (name, types[i].suffix))
      return types[i].type;

  return "application/octet-stream";
}

/* Maps a request path under WH_DOCS_ASSETS_PATH to a regular file inside @dir, or NULL.
 * Refused: encoded slashes and NULs, empty, `.` and `..` segments, hidden files, and
 * anything whose real path (symbolic links followed) leaves @dir. */
static char *
resolve_asset (const char *dir,
               const char *request_path)
{
  const char *relative = request_path + strlen (WH_DOCS_ASSETS_PATH);
  g_autofree char *decoded = NULL;
  g_auto(GStrv) segments = NULL;
  g_autofree char *candidate = NULL;
  g_autofree char *real_dir = NULL;
  g_autofree char *real_file = NULL;
  struct stat info;

  if (relative[0] != '/')
    return NULL;

  decoded = g_uri_unescape_string (relative + 1, "/\\");
  if (decoded == NULL || decoded[0] == '\0')
    return NULL;

  segments = g_strsplit (decoded, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (segments[i][0] == '\0' || segments[i][0] == '.')
      return NULL;

  candidate = g_build_filenamev ((char *[]) { (char *) dir, decoded, NULL });
  real_dir = realpath (dir, NULL);
  real_file = realpath (candidate, NULL);
  if (real_dir == NULL || real_file == NULL)
    return NULL;

  if (!g_str_has_prefix (real_file, real_dir) || real_file[strlen (real_dir)] != '/')
    return NULL;

  if (stat (real_file, &info) != 0 || !S_ISREG (info.st_mode))
    return NULL;

  return g_steal_pointer (&real_file);
}

static void
serve_asset (SoupServerMessage *msg,
             WhApplication     *app,
             const char        *path)
{
  ServeState *state = get_state (app);
  g_autofree char *file = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) body = NULL;

  if (state->docs_assets_dir == NULL ||
      (file = resolve_asset (state->docs_assets_dir, path)) == NULL ||
      (mapped = g_mapped_file_new (file, FALSE, NULL)) == NULL)
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND);
      return;
    }

  body = g_mapped_file_get_bytes (mapped);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-cache");
  respond (msg, SOUP_STATUS_OK, asset_content_type (file), body);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Route *route = user_data;

  /* libsoup gives a handler every path below its own; only the assets have any. */
  if (route->kind != URL_ASSETS && !g_str_equal (path, route->path))
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND);
      return;
    }

  if (!check_method (msg))
    return;

  switch (route->kind)
    {
    case URL_OPENAPI:
      serve_document (msg, route->app);
      break;
    case URL_ASSETS:
      serve_asset (msg, route->app, path);
      break;
    default:
      serve_page (msg, route->app, route->kind);
      break;
    }
}

/* Attaching */

static gboolean
check_url (const char  *property,
           const char  *url,
           GError     **error)
{
  const char *reason = NULL;

  if (url[0] != '/')
    reason = "it must start with “/”";
  else if (url[1] == '\0')
    reason = "“/” would take every path of the server";
  else
    {
      g_auto(GStrv) segments = g_strsplit (url + 1, "/", -1);

      for (guint i = 0; segments[i] != NULL && reason == NULL; i++)
        {
          const char *segment = segments[i];

          if ((segment[0] == '\0' && segments[i + 1] != NULL) ||
              g_str_equal (segment, ".") || g_str_equal (segment, ".."))
            reason = "it must have no empty, “.” or “..” segments";

          for (const char *p = segment; *p != '\0' && reason == NULL; p++)
            {
              if (*p == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
                p += 2;
              else if (!g_ascii_isalnum (*p) && strchr ("-._~!$&'()*+,;=:@", *p) == NULL)
                reason = "it may hold only letters, digits and “-._~!$&'()*+,;=:@”, "
                         "other characters percent-encoded";
            }
        }
    }

  if (reason != NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_NAME,
                   "The %s “%s” cannot be served: %s; set it to a path such as “%s”, or to "
                   "NULL to turn it off",
                   property, url, reason,
                   g_str_equal (property, "openapi-url") ? "/openapi.json" : "/docs/swagger");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_no_receiver_below (WhServerPaths  *server_paths,
                         WhApplication  *app,
                         const char     *path,
                         GError        **error)
{
  g_autoptr(GList) served_paths = wh_server_paths_list (server_paths);

  for (GList *l = served_paths; l != NULL; l = l->next)
    {
      const WhServedPath *served = l->data;

      if (served->served_by == WH_SERVED_BY_RECEIVER &&
          g_str_has_prefix (served->path, path) && served->path[strlen (path)] == '/')
        {
          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "The docs assets of “%s” would be served under “%s”, where %s is "
                       "attached to “%s” on this server; set docs-assets-dir to NULL, or "
                       "attach the receiver to another path",
                       wh_application_get_title (app), path, served->what, served->path);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * wh_application_attach:
 * @self: a #WhApplication
 * @server: the #SoupServer to serve @self on; the caller keeps running it
 * @error: return location for a #GError
 *
 * Serves @self on @server: the OpenAPI document at #WhApplication:openapi-url and each
 * docs page whose URL is not %NULL, the files of #WhApplication:docs-assets-dir under
 * %WH_DOCS_ASSETS_PATH when it is set, and every declared route (see #WhRequest). The
 * URLs and the routes are read now; setting them afterwards changes nothing on @server. The document served follows the application: it is built
 * again after #WhApplication::changed.
 *
 * It fails, and adds nothing to @server, when @self is already attached to @server, when
 * another application attached to @server serves one of the same paths, or a route that
 * answers the same requests (%WH_ERROR_DUPLICATE), when a route lies under a docs path
 * (%WH_ERROR_DUPLICATE), when a #WhReceiver attached to @server with wh_receiver_attach()
 * has one of the paths, or a path that a route or the docs assets answer
 * (%WH_ERROR_DUPLICATE),
 * when two of the URLs are the same path (%WH_ERROR_DUPLICATE), when a URL is not a plain
 * absolute path (%WH_ERROR_INVALID_NAME), or when #WhApplication:docs-assets-dir is not a
 * folder (%WH_ERROR_FAILED). Handlers that were added to @server with
 * soup_server_add_handler() directly cannot be seen (libsoup has no way to look them up):
 * one on the same path as @self is replaced by @self's, or replaces it if added later.
 *
 * The routes of every application attached to @server are served by one handler at `/`,
 * added with the first route: it matches path templates (`/users/{user_id}`) segment by
 * segment, a fixed segment before a parameter, and answers a JSON `404` for an unknown
 * path and `405` with `Allow` for a known path with another method. Handlers of your own
 * on longer paths keep working next to it.
 *
 * @server keeps a reference on @self for as long as it has @self's handlers.
 *
 * Returns: %TRUE if @self is now served on @server, %FALSE with @error set otherwise
 */
gboolean
wh_application_attach (WhApplication  *self,
                       SoupServer     *server,
                       GError        **error)
{
  ServeState *state;
  ServerRegistry *registry;
  WhServerPaths *server_paths;
  WhRouter *router;
  g_autoptr(GHashTable) paths = NULL;     /* path -> property name */
  g_autoptr(GArray) kinds = NULL;
  g_autoptr(GPtrArray) routes = NULL;
  gboolean serve_anything;

  g_return_val_if_fail (WH_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER (server), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  state = get_state (self);
  registry = get_registry (server);
  server_paths = wh_server_paths_get (server);
  router = wh_server_paths_get_router (server_paths);

  if (g_hash_table_contains (registry->apps, self))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                   "The application “%s” is already attached to this server; attach it once",
                   wh_application_get_title (self));
      return FALSE;
    }

  paths = g_hash_table_new (g_str_hash, g_str_equal);
  kinds = g_array_new (FALSE, FALSE, sizeof (UrlKind));
  serve_anything = state->urls[URL_OPENAPI] != NULL && state->urls[URL_OPENAPI][0] != '\0';

  for (UrlKind kind = 0; kind < N_URLS && serve_anything; kind++)
    {
      const char *url = state->urls[kind];
      const char *other;

      if (url == NULL || url[0] == '\0')
        continue;

      if (!check_url (url_infos[kind].property, url, error))
        return FALSE;

      if ((other = g_hash_table_lookup (paths, url)) != NULL)
        {
          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "The %s and the %s are both “%s”; give each its own path",
                       other, url_infos[kind].property, url);
          return FALSE;
        }

      g_hash_table_insert (paths, (char *) url, (char *) url_infos[kind].property);
      g_array_append_val (kinds, kind);
    }

  /* The assets serve pages only. */
  if (state->docs_assets_dir != NULL && kinds->len > 1)
    {
      UrlKind assets = URL_ASSETS;
      const char *other;

      if (!g_file_test (state->docs_assets_dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, WH_ERROR, WH_ERROR_FAILED,
                       "The docs-assets-dir “%s” is not a folder; point it at a folder that "
                       "holds the npm packages of the docs pages (a node_modules), or set it "
                       "to NULL to use the CDN",
                       state->docs_assets_dir);
          return FALSE;
        }

      if ((other = g_hash_table_lookup (paths, WH_DOCS_ASSETS_PATH)) != NULL)
        {
          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "The %s “%s” is where the docs assets are served; give it another path",
                       other, WH_DOCS_ASSETS_PATH);
          return FALSE;
        }

      g_hash_table_insert (paths, (char *) WH_DOCS_ASSETS_PATH, (char *) "docs assets");
      g_array_append_val (kinds, assets);
    }

  for (guint i = 0; i < kinds->len; i++)
    {
      UrlKind kind = g_array_index (kinds, UrlKind, i);
      const char *url = kind == URL_ASSETS ? WH_DOCS_ASSETS_PATH : state->urls[kind];
      const WhServedPath *served = wh_server_paths_lookup (server_paths, url, FALSE);

      if (served != NULL && served->served_by == WH_SERVED_BY_APPLICATION)
        {
          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "The application “%s” already serves “%s” on this server; give “%s” "
                       "another %s",
                       wh_application_get_title (WH_APPLICATION (served->owner)), url,
                       wh_application_get_title (self),
                       kind == URL_ASSETS ? "docs-assets-dir (or none)" : url_infos[kind].property);
          return FALSE;
        }

      if (served != NULL)
        {
          g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                       "The path “%s” is taken on this server by %s; give “%s” another %s, "
                       "or attach the receiver to another path",
                       url, served->what, wh_application_get_title (self),
                       kind == URL_ASSETS ? "docs-assets-dir (or none)" : url_infos[kind].property);
          return FALSE;
        }

      /* The assets handler answers every path below its own: a receiver's path there
       * would hide the asset of the same name without a word. */
      if (kind == URL_ASSETS && !check_no_receiver_below (server_paths, self, url, error))
        return FALSE;
    }

  /* The routes: against each other, against the docs paths of every application on the
   * server, and the other way round. */
  {
    g_autoptr(GHashTable) reserved = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
    g_autoptr(GList) served_paths = wh_server_paths_list (server_paths);
    GHashTableIter iter;
    gpointer path, value;

    g_hash_table_iter_init (&iter, paths);
    while (g_hash_table_iter_next (&iter, &path, &value))
      {
        if (!wh_router_check_path (router, path, value, error))
          return FALSE;
        g_hash_table_insert (reserved, path, g_strdup (value));
      }
    for (GList *l = served_paths; l != NULL; l = l->next)
      {
        const WhServedPath *served = l->data;
        WhApplication *owner;

        if (served->served_by != WH_SERVED_BY_APPLICATION)
          continue;

        owner = WH_APPLICATION (served->owner);
        g_hash_table_insert (reserved, served->path,
                             g_strdup_printf ("docs of “%s”", wh_application_get_title (owner)));
      }

    routes = wh_router_collect (router, self, reserved, error);
    if (routes == NULL)
      return FALSE;

    /* A receiver's handler is preferred to the router's at "/" for its path and every path
     * below it, so a route it covers would never be reached. */
    for (GList *l = served_paths; l != NULL; l = l->next)
      {
        const WhServedPath *served = l->data;
        WhApplication *owner = NULL;
        const char *template;

        if (served->served_by != WH_SERVED_BY_RECEIVER)
          continue;

        template = wh_router_find_route_taken_by (router, routes, served->path, &owner);
        if (template != NULL)
          {
            g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
                         "The route %s of “%s” would never be reached: %s is attached to "
                         "“%s” on this server and takes its requests; give the route another "
                         "path, or attach the receiver to another one",
                         template, wh_application_get_title (self), served->what,
                         served->path);
            return FALSE;
          }
      }
  }

  /* Everything is checked: nothing below can fail. */
  g_hash_table_add (registry->apps, g_object_ref (self));
  for (guint i = 0; i < kinds->len; i++)
    {
      UrlKind kind = g_array_index (kinds, UrlKind, i);
      Route *route = g_new0 (Route, 1);

      route->app = g_object_ref (self);
      route->kind = kind;
      route->path = g_strdup (kind == URL_ASSETS ? WH_DOCS_ASSETS_PATH : state->urls[kind]);
      wh_server_paths_reserve (server_paths, route->path, WH_SERVED_BY_APPLICATION,
                               G_OBJECT (self),
                               kind == URL_ASSETS ? "docs assets" : url_infos[kind].property,
                               kind == URL_ASSETS);
      soup_server_add_handler (server, route->path, handle_request, route, route_free);
    }
  wh_router_commit (router, routes);

  return TRUE;
}
