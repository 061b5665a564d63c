/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Escapes @text for HTML text and for attribute values (quoted with " or '). */
char *wh_docs_escape_html      (const char *text);

/* @text as a JavaScript/JSON string literal, quotes included, that is also safe inside a
 * <script> element: `<`, `>` and `&` are written as \u003c, \u003e, \u0026, so that no
 * value can close the element or open a comment. %NULL gives `null`. */
char *wh_docs_escape_js        (const char *text);

/* Fills a template: `{{html name}}` and `{{js name}}` are replaced by the value of `name`
 * in @values (a string -> string table), escaped for that context. The template decides the
 * context, so no value reaches a page unescaped. A placeholder naming no value is a bug in
 * the template: it warns and renders as empty. */
char *wh_docs_render_template  (const char *template_text,
                                GHashTable *values);

/* The docs page templates (wh-serve.gresource.xml), compiled into the library. */
G_GNUC_INTERNAL GResource *wh_serve_get_resource (void);

G_END_DECLS
