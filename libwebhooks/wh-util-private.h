/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Replaces the string in @field with a copy of @value; returns whether it changed, so that
 * a setter notifies only on a change (GLib 2.76's g_set_str(), which 2.74 lacks). */
gboolean wh_set_string (char       **field,
                        const char  *value);

/* The same for a list of strings: @field gets a copy of @value, an empty list for NULL
 * (so that a getter never returns NULL). */
gboolean wh_set_strv   (GStrv              *field,
                        const char * const *value);

G_END_DECLS
