/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib-object.h>

#include "webhooks-version-macros.h"
#include "wh-store.h"

G_BEGIN_DECLS

/**
 * WH_SQLITE_STORE_SCHEMA_VERSION:
 *
 * The version of the database schema this libwebhooks writes. A store file written
 * with a higher version is refused; one written with a lower version is upgraded
 * when it is opened. Version 2 added secret rotation, the stored failure clock of
 * endpoints and wh_store_release().
 */
#define WH_SQLITE_STORE_SCHEMA_VERSION 2

#define WH_TYPE_SQLITE_STORE (wh_sqlite_store_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhSqliteStore, wh_sqlite_store, WH, SQLITE_STORE, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
WhStore     *wh_sqlite_store_new       (const char     *path,
                                        GError        **error);
WEBHOOKS_AVAILABLE_IN_ALL
const char  *wh_sqlite_store_get_path  (WhSqliteStore  *self);

G_END_DECLS
