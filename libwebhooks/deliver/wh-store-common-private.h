/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <gio/gio.h>

#include "wh-delivery.h"
#include "wh-endpoint.h"

G_BEGIN_DECLS

/* What the store implementations (WhSqliteStore, WhPgStore) share: the columns they
 * keep lists in, building objects from column values, what an attempt does to its
 * delivery, and the messages of the errors both report. Each store keeps its SQL and
 * its database plumbing.
 *
 * @store_name names the store in messages, after "The " or "in the ": "store “path”",
 * "PostgreSQL store “db” on host:port". */

/* Lists of strings (events, headers, previous secrets) are kept as JSON arrays. */
char       *wh_store_strv_to_json               (const char * const  *strv);
gboolean    wh_store_strv_from_json             (const char          *text,
                                                 GStrv               *out,
                                                 GError             **error);

/* The list columns of @endpoint; @previous_secrets is NULL when it has none. */
void        wh_store_endpoint_lists_to_json     (WhEndpoint          *endpoint,
                                                 char               **events,
                                                 char               **headers,
                                                 char               **previous_secrets);

/* Builds an endpoint from the columns id, url, secret, events, enabled, description,
 * headers and previous_secrets; a row that does not make an endpoint fails with
 * %WH_ERROR_STORE. */
WhEndpoint *wh_store_endpoint_from_columns      (const char          *store_name,
                                                 const char          *id,
                                                 const char          *url,
                                                 const char          *secret,
                                                 const char          *events_json,
                                                 gboolean             enabled,
                                                 const char          *description,
                                                 const char          *headers_json,
                                                 const char          *previous_secrets_json,
                                                 GError             **error);

/* Builds a delivery from its row; takes @payload. @attempts is the number of attempts
 * made: a pending delivery is at the next one. */
WhDelivery *wh_store_delivery_from_columns      (gint64               id,
                                                 const char          *message_id,
                                                 const char          *endpoint_id,
                                                 const char          *event,
                                                 GBytes              *payload,
                                                 gint64               attempts,
                                                 WhDeliveryState      state,
                                                 gint64               created_at,
                                                 gint64               next_attempt_at);

/* Builds an attempt from its row; takes @response_body. */
WhAttempt  *wh_store_attempt_from_columns       (gint64               delivery_id,
                                                 gint64               number,
                                                 gint64               started_at,
                                                 gint64               duration,
                                                 gint64               status_code,
                                                 const char          *error_message,
                                                 GBytes              *response_body,
                                                 gint64               next_attempt_at);

/* Names a store object in lease_owner, to tell whose claim a leased row is. */
char       *wh_store_lease_owner_new            (void);

/* When a lease taken at @now ends. */
gint64      wh_store_lease_end                  (gint64               now,
                                                 guint                lease_seconds);

/* The state @attempt leaves its delivery in, and in @next_attempt_at when it is due
 * again (0 once it succeeded). */
WhDeliveryState wh_store_attempt_outcome        (WhAttempt           *attempt,
                                                 gint64              *next_attempt_at);

/* The time the endpoint's failure clock starts at when @attempt failed: never 0, which
 * stands for "not failing". */
gint64      wh_store_attempt_failing_since      (WhAttempt           *attempt);

/* Adds @count deliveries in @state to the one of @pending, @succeeded or @failed that
 * counts it. */
void        wh_store_count_state                (int                  state,
                                                 guint64              count,
                                                 guint64             *pending,
                                                 guint64             *succeeded,
                                                 guint64             *failed);

/* The errors both stores report, worded the same. */
void        wh_store_set_duplicate_endpoint_error (GError           **error,
                                                   const char        *store_name,
                                                   const char        *endpoint_id);
void        wh_store_set_no_endpoint_to_update_error (GError        **error,
                                                      const char     *store_name,
                                                      const char     *endpoint_id);
void        wh_store_set_no_endpoint_error      (GError             **error,
                                                 const char          *store_name,
                                                 const char          *endpoint_id);
void        wh_store_set_publish_no_endpoint_error (GError          **error,
                                                    const char       *store_name,
                                                    const char       *endpoint_id);
void        wh_store_set_record_no_delivery_error (GError           **error,
                                                   const char        *store_name,
                                                   gint64             delivery_id);
void        wh_store_set_release_no_delivery_error (GError          **error,
                                                    const char       *store_name,
                                                    gint64            delivery_id);

/* Runs @sql in @store, as the store's exec(); FALSE with @error set on failure. */
typedef gboolean (*WhStoreExecFunc) (gpointer     store,
                                     const char  *sql,
                                     const char  *doing,
                                     GError     **error);

/* Brings tables at schema @version up to @known_version, in the caller's transaction:
 * migrations[n] takes them from version n + 1 to n + 2, and wh_schema records each
 * version reached. Tables of a newer libwebhooks fail (@newer_advice: what to do,
 * "open it", "connect"), and so does a version below 1 (@damaged_advice). */
gboolean    wh_store_upgrade_schema             (gpointer             store,
                                                 WhStoreExecFunc      exec,
                                                 const char          *store_name,
                                                 gint64               version,
                                                 int                  known_version,
                                                 const char * const  *migrations,
                                                 const char          *newer_advice,
                                                 const char          *damaged_advice,
                                                 GError             **error);

G_END_DECLS
