/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* JSON text of @node, as json-glib's generator writes it (members in order; with @pretty,
 * two spaces an indent and `"name" : value`), except for numbers: a double is written in
 * the fewest digits that read back as the same double (9.99, not json-glib 1.6's
 * 9.9900000000000002). Everything the library sends or serves goes through here, so that
 * payloads and documents show the numbers people wrote. */
char *wh_json_to_string (JsonNode *node,
                         gboolean  pretty,
                         gsize    *length);

G_END_DECLS
