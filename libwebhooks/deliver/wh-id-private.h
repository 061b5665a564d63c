/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *wh_id_new (const char *prefix);

G_END_DECLS
