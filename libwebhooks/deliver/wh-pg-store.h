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
 * WH_PG_STORE_SCHEMA_VERSION:
 *
 * The version of the database schema this libwebhooks writes in PostgreSQL. A schema
 * written with a higher version is refused; one written with a lower version is
 * upgraded when a store connects to it.
 */
#define WH_PG_STORE_SCHEMA_VERSION 1

#define WH_TYPE_PG_STORE (wh_pg_store_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhPgStore, wh_pg_store, WH, PG_STORE, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
WhStore     *wh_pg_store_new           (const char  *conninfo,
                                        GError     **error);
WEBHOOKS_AVAILABLE_IN_ALL
const char  *wh_pg_store_get_conninfo  (WhPgStore   *self);

G_END_DECLS
