/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-pg-store
 * @Title: WhPgStore
 * @Short_description: the shared delivery store, in PostgreSQL
 *
 * #WhPgStore keeps endpoints, messages, deliveries and attempts in a PostgreSQL
 * database, so that many dispatcher processes on many hosts share one queue. A
 * claimed delivery is leased to the store object that claimed it: claims take the
 * due rows with `FOR UPDATE SKIP LOCKED`, so two dispatchers claiming at the same
 * moment each get other deliveries, without waiting for each other, and nobody gets
 * a delivery again while its lease lasts.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 * g_autoptr(WhStore) store =
 *   wh_pg_store_new ("host=db.example.com dbname=webhooks user=dispatcher", &error);
 *
 * if (store == NULL)
 *   g_printerr ("%s\n", error->message);
 * ]|
 *
 * The connection string is anything libpq takes: `key=value` pairs or a
 * `postgresql://` URI, completed by the usual `PG*` environment variables and the
 * password file. The tables (`wh_schema`, `wh_endpoints`, `wh_messages`,
 * `wh_deliveries` and `wh_attempts`) are created when missing, in the first schema
 * of the connection's `search_path`, so that one database can hold several
 * independent stores, one schema each (`options='-c search_path=billing'`).
 *
 * Connecting to tables written by a newer libwebhooks
 * (#WH_PG_STORE_SCHEMA_VERSION), or to a schema that has tables of the same names
 * that another application made, fails with %WH_ERROR_STORE and leaves the database
 * as it was. Tables written by an older libwebhooks are upgraded in one transaction
 * when a store connects.
 *
 * One store object may be used from several threads at once
 * (wh_store_is_thread_safe() is %TRUE): the calls take turns on the store's one
 * connection, each in its own transaction. For more parallelism, make more store
 * objects. A connection that broke (the server restarted) is made again at the next
 * call; the call that found it broken fails.
 */

#include "config.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "wh-delivery-private.h"
#include "wh-error.h"
#include "wh-id-private.h"
#include "wh-pg-store.h"
#include "wh-store-common-private.h"

/* SQLSTATE codes the store tells apart. */
#define SQLSTATE_UNIQUE_VIOLATION "23505"
#define SQLSTATE_FOREIGN_KEY_VIOLATION "23503"

/* Any number, the same in every libwebhooks: it serializes the creation and upgrade
 * of the tables between stores connecting at the same moment. */
#define SCHEMA_LOCK_KEY 0x77685f73

/* Endpoint columns, in the order bind_endpoint() and endpoint_from_row() use. */
#define ENDPOINT_COLUMNS \
  "id, url, secret, events, enabled, description, headers, previous_secrets"

static const char insert_endpoint_sql[] =
  "INSERT INTO wh_endpoints (" ENDPOINT_COLUMNS ", created_at)"
  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
/* Enabling or disabling an endpoint restarts its failure clock, as in the SQLite
 * store; the CASE reads the row as it was before the update. */
static const char update_endpoint_sql[] =
  "UPDATE wh_endpoints SET url = $2, secret = $3, events = $4,"
  " failing_since = CASE WHEN enabled = $5 THEN failing_since END, enabled = $5,"
  " description = $6, headers = $7, previous_secrets = $8 WHERE id = $1";
static const char delete_endpoint_sql[] = "DELETE FROM wh_endpoints WHERE id = $1";
static const char select_endpoint_sql[] =
  "SELECT " ENDPOINT_COLUMNS " FROM wh_endpoints WHERE id = $1";
static const char list_endpoints_sql[] =
  "SELECT " ENDPOINT_COLUMNS " FROM wh_endpoints ORDER BY seq";
static const char insert_message_sql[] =
  "INSERT INTO wh_messages (id, event, payload, created_at) VALUES ($1, $2, $3, $4)";
/* ON CONFLICT folds a repeated endpoint id into one delivery; an unknown endpoint still
 * fails the foreign key. */
static const char insert_delivery_sql[] =
  "INSERT INTO wh_deliveries (message_id, endpoint_id, state, attempts, next_attempt_at)"
  " VALUES ($1, $2, 0, 0, $3) ON CONFLICT (message_id, endpoint_id) DO NOTHING";
/* One statement: the due rows are locked as they are picked, and rows another
 * transaction is claiming are skipped rather than waited for. While a delivery is
 * leased its next_attempt_at is the lease's end, so the claim finds exactly the due,
 * unleased ones. RETURNING has no order: the caller sorts by due_at, id. */
static const char claim_sql[] =
  "WITH due AS ("
  "  SELECT d.id, d.next_attempt_at AS due_at FROM wh_deliveries AS d"
  "  JOIN wh_endpoints AS e ON e.id = d.endpoint_id"
  "  WHERE d.state = 0 AND d.next_attempt_at <= $1 AND e.enabled"
  "  ORDER BY d.next_attempt_at, d.id LIMIT $2"
  "  FOR UPDATE OF d SKIP LOCKED)"
  " UPDATE wh_deliveries AS d SET next_attempt_at = $3, lease_owner = $4,"
  " lease_expires_at = $3, leased_at = $1"
  " FROM due, wh_messages AS m"
  " WHERE d.id = due.id AND m.id = d.message_id"
  " RETURNING d.id, d.message_id, d.endpoint_id, m.event, m.payload, d.attempts,"
  " m.created_at, due.due_at";
static const char insert_attempt_sql[] =
  "INSERT INTO wh_attempts (delivery_id, number, started_at, duration, status_code, error,"
  " response_body, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char finish_delivery_sql[] =
  "UPDATE wh_deliveries SET state = $2, attempts = greatest(attempts, $3),"
  " next_attempt_at = $4, lease_owner = NULL, lease_expires_at = NULL, leased_at = NULL,"
  " last_attempt_at = $5 WHERE id = $1 AND state = 0";
/* Both only write when the clock changes, so that one more success of a healthy
 * endpoint costs a lookup and no write. */
static const char clear_failing_sql[] =
  "UPDATE wh_endpoints SET failing_since = NULL"
  " WHERE id = (SELECT endpoint_id FROM wh_deliveries WHERE id = $1)"
  " AND failing_since IS NOT NULL";
static const char start_failing_sql[] =
  "UPDATE wh_endpoints SET failing_since = $2"
  " WHERE id = (SELECT endpoint_id FROM wh_deliveries WHERE id = $1)"
  " AND failing_since IS NULL";
static const char list_deliveries_sql[] =
  "SELECT d.id, d.message_id, d.endpoint_id, m.event, m.payload, d.attempts, m.created_at,"
  " d.state, d.next_attempt_at"
  " FROM wh_deliveries AS d JOIN wh_messages AS m ON m.id = d.message_id"
  " WHERE d.message_id = $1 ORDER BY d.id";
static const char list_attempts_sql[] =
  "SELECT delivery_id, number, started_at, duration, status_code, error, response_body,"
  " next_attempt_at FROM wh_attempts WHERE delivery_id = $1 ORDER BY id";
static const char count_sql[] = "SELECT state, count(*) FROM wh_deliveries GROUP BY state";
/* Due again from the time it was claimed: at once for whoever claims next, and ahead
 * of the deliveries that became due while it was out. */
static const char release_sql[] =
  "UPDATE wh_deliveries SET next_attempt_at = coalesce(leased_at, 1), lease_owner = NULL,"
  " lease_expires_at = NULL, leased_at = NULL"
  " WHERE id = $1 AND state = 0 AND lease_owner = $2";
static const char delivery_exists_sql[] = "SELECT 1 FROM wh_deliveries WHERE id = $1";
static const char select_failing_sql[] =
  "SELECT coalesce(failing_since, 0) FROM wh_endpoints WHERE id = $1";

/* The schema as version 1 created it. A new store is made by running this, then every
 * migration, so that new tables and upgraded ones go through the same statements. The
 * names are prefixed: the schema is often `public`, shared with the application. */
static const char schema_v1_sql[] =
  "CREATE TABLE wh_schema (version integer NOT NULL);"
  "CREATE TABLE wh_endpoints ("
  "  id text PRIMARY KEY,"
  "  seq bigint GENERATED ALWAYS AS IDENTITY,"
  "  url text NOT NULL,"
  "  secret text NOT NULL,"
  "  events text,"
  "  enabled boolean NOT NULL,"
  "  description text,"
  "  headers text NOT NULL,"
  "  previous_secrets text,"
  "  failing_since bigint,"
  "  created_at bigint NOT NULL);"
  "CREATE TABLE wh_messages ("
  "  id text PRIMARY KEY,"
  "  event text NOT NULL,"
  "  payload bytea NOT NULL,"
  "  created_at bigint NOT NULL);"
  "CREATE TABLE wh_deliveries ("
  "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  message_id text NOT NULL REFERENCES wh_messages (id) ON DELETE CASCADE,"
  "  endpoint_id text NOT NULL REFERENCES wh_endpoints (id) ON DELETE CASCADE,"
  "  state integer NOT NULL,"
  "  attempts integer NOT NULL,"
  "  next_attempt_at bigint NOT NULL,"
  "  lease_owner text,"
  "  lease_expires_at bigint,"
  "  leased_at bigint,"
  "  last_attempt_at bigint,"
  "  UNIQUE (message_id, endpoint_id));"
  "CREATE INDEX wh_deliveries_due ON wh_deliveries (next_attempt_at, id) WHERE state = 0;"
  "CREATE INDEX wh_deliveries_endpoint ON wh_deliveries (endpoint_id);"
  "CREATE TABLE wh_attempts ("
  "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  delivery_id bigint NOT NULL REFERENCES wh_deliveries (id) ON DELETE CASCADE,"
  "  number integer NOT NULL,"
  "  started_at bigint NOT NULL,"
  "  duration bigint NOT NULL,"
  "  status_code integer NOT NULL,"
  "  error text,"
  "  response_body bytea,"
  "  next_attempt_at bigint NOT NULL);"
  "CREATE INDEX wh_attempts_delivery ON wh_attempts (delivery_id);"
  "INSERT INTO wh_schema (version) VALUES (1);";

/* migrations[n] takes the tables from version n + 1 to version n + 2, in the
 * transaction that connects the store. None yet: the NULL only stands for the empty
 * list, which C has no array for. */
static const char * const migrations[] = {
  NULL,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == MAX (WH_PG_STORE_SCHEMA_VERSION - 1, 1));

/* Threads: @lock is held by every call that uses @conn, from its first statement to
 * its last result, so that the calls of several threads take turns on the one
 * connection and each transaction belongs to one call. A function takes it in its
 * first declaration (g_autoptr cleanups run in reverse order). */
struct _WhPgStore
{
  GObject parent_instance;

  GMutex lock;
  char *conninfo;              /* construct-only */
  char *name;                  /* "PostgreSQL store “dbname” on host:port", for
                                * messages; set at init */
  char *lease_owner;           /* set once, at init */
  PGconn *conn;
};

static void wh_pg_store_initable_iface_init (GInitableIface *iface);
static void wh_pg_store_store_iface_init (WhStoreInterface *iface);

/**
 * WH_TYPE_PG_STORE:
 *
 * The #GType of #WhPgStore.
 */

/**
 * WhPgStore:
 *
 * A #WhStore in a PostgreSQL database, shared by many dispatchers.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (WhPgStore, wh_pg_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      wh_pg_store_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (WH_TYPE_STORE,
                                                      wh_pg_store_store_iface_init))

enum {
  PROP_0,
  PROP_CONNINFO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* libpq's messages end with a newline, and may have several lines and tabs: made one
 * line here, to go inside a sentence. */
static char *
pg_message (const char *message)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  if (message == NULL || message[0] == '\0')
    return g_strdup ("unknown error");

  words = g_strsplit_set (message, " \t\r\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (builder, words[i]);
  kept = g_strv_builder_end (builder);

  return g_strjoinv (" ", kept);
}

static void
set_pg_error (WhPgStore       *self,
              GError         **error,
              const PGresult  *result,
              const char      *doing)
{
  g_autofree char *message =
    pg_message (result != NULL ? PQresultErrorMessage (result) : PQerrorMessage (self->conn));

  if (PQstatus (self->conn) != CONNECTION_OK)
    g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                 "Cannot %s in the %s: the connection to the server was lost (%s); "
                 "the next call connects again",
                 doing, self->name, message);
  else
    g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                 "Cannot %s in the %s: %s",
                 doing, self->name, message);
}

static gboolean
result_has_state (const PGresult *result,
                  const char     *sqlstate)
{
  const char *state = PQresultErrorField (result, PG_DIAG_SQLSTATE);

  return state != NULL && strcmp (state, sqlstate) == 0;
}

/* Makes the connection again when it broke (the server restarted, a network cut):
 * the call that found it broken failed, the next one works again. */
static void
ensure_connected (WhPgStore *self)
{
  if (PQstatus (self->conn) != CONNECTION_OK)
    PQreset (self->conn);
}

/* Runs @sql; a parameter is text unless @formats says it is binary (bytea), with its
 * length in @lengths. Results are text. */
static PGresult *
run (WhPgStore           *self,
     const char          *sql,
     int                  n_params,
     const char * const  *values,
     const int           *lengths,
     const int           *formats)
{
  return PQexecParams (self->conn, sql, n_params, NULL, values, lengths, formats, 0);
}

/* Runs a statement and checks that it went through; returns the result, or NULL with
 * @error set. */
static PGresult *
run_checked (WhPgStore           *self,
             const char          *sql,
             int                  n_params,
             const char * const  *values,
             const int           *lengths,
             const int           *formats,
             const char          *doing,
             GError             **error)
{
  g_autoptr(PGresult) result = run (self, sql, n_params, values, lengths, formats);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_pg_error (self, error, result, doing);
      return NULL;
    }

  return g_steal_pointer (&result);
}

/* Takes a gpointer, to be the WhStoreExecFunc of wh_store_upgrade_schema(). */
static gboolean
exec (gpointer     data,
      const char  *sql,
      const char  *doing,
      GError     **error)
{
  WhPgStore *self = data;
  g_autoptr(PGresult) result = PQexec (self->conn, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_pg_error (self, error, result, doing);
      return FALSE;
    }

  return TRUE;
}

static gboolean
begin (WhPgStore  *self,
       GError    **error)
{
  return exec (self, "BEGIN", "start a transaction", error);
}

static gboolean
commit (WhPgStore  *self,
        GError    **error)
{
  return exec (self, "COMMIT", "commit", error);
}

static void
rollback (WhPgStore *self)
{
  if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

static char *
int64_text (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static gint64
column_int64 (const PGresult *result,
              int             row,
              int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;

  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

static const char *
column_text (const PGresult *result,
             int             row,
             int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;

  return PQgetvalue (result, row, column);
}

/* bytea columns come as text in the hex format; NULL stays NULL. */
static GBytes *
column_bytes (const PGresult *result,
              int             row,
              int             column)
{
  unsigned char *data;
  size_t length = 0;
  GBytes *bytes;

  if (PQgetisnull (result, row, column))
    return NULL;

  data = PQunescapeBytea ((const unsigned char *) PQgetvalue (result, row, column), &length);
  if (data == NULL)
    return g_bytes_new (NULL, 0);
  bytes = g_bytes_new (data, length);
  PQfreemem (data);

  return bytes;
}

/* The eight endpoint parameters, in ENDPOINT_COLUMNS order; @values[8] is left to the
 * caller. The strings are freed with @values by the caller. */
static void
endpoint_params (WhEndpoint *endpoint,
                 char       *values[8])
{
  values[0] = g_strdup (wh_endpoint_get_id (endpoint));
  values[1] = g_strdup (wh_endpoint_get_url (endpoint));
  values[2] = g_strdup (wh_endpoint_get_secret (endpoint));
  values[4] = g_strdup (wh_endpoint_get_enabled (endpoint) ? "true" : "false");
  values[5] = g_strdup (wh_endpoint_get_description (endpoint));
  wh_store_endpoint_lists_to_json (endpoint, &values[3], &values[6], &values[7]);
}

static void
free_params (char **values,
             guint  n_values)
{
  for (guint i = 0; i < n_values; i++)
    g_free (values[i]);
}

/* Builds an endpoint from a row of ENDPOINT_COLUMNS. */
static WhEndpoint *
endpoint_from_row (WhPgStore       *self,
                   const PGresult  *result,
                   int              row,
                   GError         **error)
{
  return wh_store_endpoint_from_columns (self->name,
                                         column_text (result, row, 0),
                                         column_text (result, row, 1),
                                         column_text (result, row, 2),
                                         column_text (result, row, 3),
                                         g_strcmp0 (column_text (result, row, 4), "t") == 0,
                                         column_text (result, row, 5),
                                         column_text (result, row, 6),
                                         column_text (result, row, 7),
                                         error);
}

/* The start of most calls: connects again if needed and runs @sql with text
 * parameters; returns the result, or NULL with @error set. */
static PGresult *
query (WhPgStore           *self,
       const char          *sql,
       int                  n_params,
       const char * const  *values,
       const char          *doing,
       GError             **error)
{
  ensure_connected (self);
  return run_checked (self, sql, n_params, values, NULL, NULL, doing, error);
}

/* Whether the UPDATE or DELETE of @result changed any row. */
static gboolean
changed_rows (PGresult *result)
{
  return strcmp (PQcmdTuples (result), "0") != 0;
}

/* Runs @func in a transaction of its own: committed if it returns TRUE, rolled back
 * otherwise. */
typedef gboolean (*TransactionFunc) (WhPgStore  *self,
                                     gpointer    data,
                                     GError    **error);

static gboolean
in_transaction (WhPgStore        *self,
                TransactionFunc   func,
                gpointer          data,
                GError          **error)
{
  ensure_connected (self);
  if (!begin (self, error))
    return FALSE;

  if (!func (self, data, error) || !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
wh_pg_store_add_endpoint (WhStore     *store,
                          WhEndpoint  *endpoint,
                          GError     **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(PGresult) result = NULL;
  char *values[9];

  ensure_connected (self);
  endpoint_params (endpoint, values);
  values[8] = int64_text (g_get_real_time ());
  result = run (self, insert_endpoint_sql, 9, (const char * const *) values, NULL, NULL);
  free_params (values, G_N_ELEMENTS (values));

  if (result_has_state (result, SQLSTATE_UNIQUE_VIOLATION))
    {
      wh_store_set_duplicate_endpoint_error (error, self->name, wh_endpoint_get_id (endpoint));
      return FALSE;
    }
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      set_pg_error (self, error, result, "add an endpoint");
      return FALSE;
    }

  return TRUE;
}

static gboolean
wh_pg_store_update_endpoint (WhStore     *store,
                             WhEndpoint  *endpoint,
                             GError     **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(PGresult) result = NULL;
  char *values[8];

  endpoint_params (endpoint, values);
  result = query (self, update_endpoint_sql, 8, (const char * const *) values,
                  "update an endpoint", error);
  free_params (values, G_N_ELEMENTS (values));
  if (result == NULL)
    return FALSE;

  if (!changed_rows (result))
    {
      wh_store_set_no_endpoint_to_update_error (error, self->name,
                                                wh_endpoint_get_id (endpoint));
      return FALSE;
    }

  return TRUE;
}

static gboolean
wh_pg_store_remove_endpoint (WhStore     *store,
                             const char  *endpoint_id,
                             GError     **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(PGresult) result =
    query (self, delete_endpoint_sql, 1, &endpoint_id, "remove an endpoint", error);

  if (result == NULL)
    return FALSE;

  if (!changed_rows (result))
    {
      wh_store_set_no_endpoint_error (error, self->name, endpoint_id);
      return FALSE;
    }

  return TRUE;
}

static WhEndpoint *
wh_pg_store_lookup_endpoint (WhStore     *store,
                             const char  *endpoint_id,
                             GError     **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(PGresult) result =
    query (self, select_endpoint_sql, 1, &endpoint_id, "read an endpoint", error);

  if (result == NULL || PQntuples (result) == 0)
    return NULL;

  return endpoint_from_row (self, result, 0, error);
}

static GPtrArray *
wh_pg_store_list_endpoints (WhStore  *store,
                            GError  **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) endpoints = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PGresult) result =
    query (self, list_endpoints_sql, 0, NULL, "list the endpoints", error);

  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      WhEndpoint *endpoint = endpoint_from_row (self, result, row, error);

      if (endpoint == NULL)
        return NULL;
      g_ptr_array_add (endpoints, endpoint);
    }

  return g_steal_pointer (&endpoints);
}

typedef struct
{
  const char *message_id;
  const char *event;
  GBytes *payload;
  const char * const *endpoint_ids;
  gint64 now;
} Publish;

static gboolean
publish_in_transaction (WhPgStore  *self,
                        gpointer    data,
                        GError    **error)
{
  Publish *publish = data;
  g_autoptr(PGresult) message = NULL;
  g_autofree char *now_text = int64_text (publish->now);
  gsize size;
  gconstpointer payload = g_bytes_get_data (publish->payload, &size);
  /* An empty payload must stay a zero-length bytea, not NULL. */
  const char *message_values[] = {
    publish->message_id, publish->event, payload ? payload : "", now_text,
  };
  const int message_lengths[] = { 0, 0, (int) size, 0 };
  const int message_formats[] = { 0, 0, 1, 0 };

  if (size > G_MAXINT)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "A payload of %" G_GSIZE_FORMAT " bytes is too large for the PostgreSQL "
                   "store; publish less than 2 GiB at once", size);
      return FALSE;
    }

  message = run_checked (self, insert_message_sql, 4, message_values, message_lengths,
                         message_formats, "store a message", error);
  if (message == NULL)
    return FALSE;

  for (guint i = 0; publish->endpoint_ids[i] != NULL; i++)
    {
      const char *values[] = { publish->message_id, publish->endpoint_ids[i], now_text };
      g_autoptr(PGresult) delivery = run (self, insert_delivery_sql, 3, values, NULL, NULL);

      if (result_has_state (delivery, SQLSTATE_FOREIGN_KEY_VIOLATION))
        {
          wh_store_set_publish_no_endpoint_error (error, self->name,
                                                  publish->endpoint_ids[i]);
          return FALSE;
        }
      if (PQresultStatus (delivery) != PGRES_COMMAND_OK)
        {
          set_pg_error (self, error, delivery, "store a delivery");
          return FALSE;
        }
    }

  return TRUE;
}

static char *
wh_pg_store_publish (WhStore             *store,
                     const char          *event,
                     GBytes              *payload,
                     const char * const  *endpoint_ids,
                     gint64               now,
                     GError             **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autofree char *message_id = wh_id_new ("msg_");
  Publish publish = { message_id, event, payload, endpoint_ids, now };

  if (!in_transaction (self, publish_in_transaction, &publish, error))
    return NULL;

  return g_steal_pointer (&message_id);
}

typedef struct
{
  gint64 due_at;
  WhDelivery *delivery;
} Claimed;

static int
compare_claimed (gconstpointer a,
                 gconstpointer b)
{
  const Claimed *x = a;
  const Claimed *y = b;
  gint64 id_x = wh_delivery_get_id (x->delivery);
  gint64 id_y = wh_delivery_get_id (y->delivery);

  if (x->due_at != y->due_at)
    return x->due_at < y->due_at ? -1 : 1;

  return id_x < id_y ? -1 : id_x > id_y ? 1 : 0;
}

/* Builds a delivery from a row of claim_sql or list_deliveries_sql. */
static WhDelivery *
delivery_from_row (const PGresult  *result,
                   int              row,
                   WhDeliveryState  state,
                   gint64           next_attempt_at)
{
  return wh_store_delivery_from_columns (column_int64 (result, row, 0),
                                         column_text (result, row, 1),
                                         column_text (result, row, 2),
                                         column_text (result, row, 3),
                                         column_bytes (result, row, 4),
                                         column_int64 (result, row, 5),
                                         state,
                                         column_int64 (result, row, 6),
                                         next_attempt_at);
}

static GPtrArray *
wh_pg_store_claim_due (WhStore  *store,
                       gint64    now,
                       guint     limit,
                       guint     lease_seconds,
                       GError  **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) claimed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PGresult) result = NULL;
  g_autofree Claimed *rows = NULL;
  gint64 lease_end = wh_store_lease_end (now, lease_seconds);
  g_autofree char *now_text = int64_text (now);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  g_autofree char *lease_end_text = int64_text (lease_end);
  const char *values[] = { now_text, limit_text, lease_end_text, self->lease_owner };
  int n_rows;

  result = query (self, claim_sql, 4, values, "claim due deliveries", error);
  if (result == NULL)
    return NULL;

  n_rows = PQntuples (result);
  rows = g_new0 (Claimed, MAX (n_rows, 1));
  for (int row = 0; row < n_rows; row++)
    {
      rows[row].due_at = column_int64 (result, row, 7);
      rows[row].delivery = delivery_from_row (result, row, WH_DELIVERY_STATE_PENDING,
                                              lease_end);
    }

  qsort (rows, n_rows, sizeof (Claimed), compare_claimed);
  for (int row = 0; row < n_rows; row++)
    g_ptr_array_add (claimed, rows[row].delivery);

  return g_steal_pointer (&claimed);
}

static gboolean
record_in_transaction (WhPgStore  *self,
                       WhAttempt  *attempt,
                       GError    **error)
{
  g_autoptr(PGresult) insert = NULL;
  g_autoptr(PGresult) finish = NULL;
  g_autoptr(PGresult) clock = NULL;
  GBytes *body = wh_attempt_get_response_body (attempt);
  gint64 delivery_id = wh_attempt_get_delivery_id (attempt);
  gint64 next_attempt_at;
  WhDeliveryState state = wh_store_attempt_outcome (attempt, &next_attempt_at);
  g_autofree char *id_text = int64_text (delivery_id);
  g_autofree char *number_text = g_strdup_printf ("%u", wh_attempt_get_number (attempt));
  g_autofree char *started_text = int64_text (wh_attempt_get_started_at (attempt));
  g_autofree char *duration_text = int64_text (wh_attempt_get_duration (attempt));
  g_autofree char *status_text = g_strdup_printf ("%u", wh_attempt_get_status_code (attempt));
  g_autofree char *next_text = int64_text (wh_attempt_get_next_attempt_at (attempt));
  g_autofree char *state_text = g_strdup_printf ("%d", state);
  g_autofree char *finish_next_text = int64_text (next_attempt_at);
  g_autofree char *failing_text = int64_text (wh_store_attempt_failing_since (attempt));
  gconstpointer body_data = NULL;
  gsize body_size = 0;

  if (body != NULL)
    {
      body_data = g_bytes_get_data (body, &body_size);
      if (body_data == NULL)
        body_data = "";
    }

  {
    const char *values[] = {
      id_text, number_text, started_text, duration_text, status_text,
      wh_attempt_get_error_message (attempt), (const char *) body_data, next_text,
    };
    const int lengths[] = { 0, 0, 0, 0, 0, 0, (int) MIN (body_size, G_MAXINT), 0 };
    const int formats[] = { 0, 0, 0, 0, 0, 0, 1, 0 };

    insert = run (self, insert_attempt_sql, 8, values, lengths, formats);
  }
  if (result_has_state (insert, SQLSTATE_FOREIGN_KEY_VIOLATION))
    {
      wh_store_set_record_no_delivery_error (error, self->name, delivery_id);
      return FALSE;
    }
  if (PQresultStatus (insert) != PGRES_COMMAND_OK)
    {
      set_pg_error (self, error, insert, "record an attempt");
      return FALSE;
    }

  {
    const char *values[] = { id_text, state_text, number_text, finish_next_text, started_text };

    finish = run_checked (self, finish_delivery_sql, 5, values, NULL, NULL,
                          "update a delivery", error);
  }
  if (finish == NULL)
    return FALSE;

  {
    const char *values[] = { id_text, failing_text };
    gboolean succeeded = state == WH_DELIVERY_STATE_SUCCEEDED;

    clock = run_checked (self, succeeded ? clear_failing_sql : start_failing_sql,
                         succeeded ? 1 : 2, values, NULL, NULL,
                         "update the endpoint's failure clock", error);
  }

  return clock != NULL;
}

static gboolean
record_all_in_transaction (WhPgStore  *self,
                           gpointer    data,
                           GError    **error)
{
  GPtrArray *attempts = data;

  for (guint i = 0; i < attempts->len; i++)
    if (!record_in_transaction (self, g_ptr_array_index (attempts, i), error))
      return FALSE;

  return TRUE;
}

static gboolean
wh_pg_store_record_attempt (WhStore    *store,
                            WhAttempt  *attempt,
                            GError    **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) attempts = g_ptr_array_new ();

  g_ptr_array_add (attempts, attempt);
  return in_transaction (self, record_all_in_transaction, attempts, error);
}

/* One transaction for the lot: all of them are recorded, or none. */
static gboolean
wh_pg_store_record_attempts (WhStore    *store,
                             GPtrArray  *attempts,
                             GError    **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return in_transaction (self, record_all_in_transaction, attempts, error);
}

static GPtrArray *
wh_pg_store_list_deliveries (WhStore     *store,
                             const char  *message_id,
                             GError     **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PGresult) result =
    query (self, list_deliveries_sql, 1, &message_id, "list deliveries", error);

  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (deliveries,
                     delivery_from_row (result, row, column_int64 (result, row, 7),
                                        column_int64 (result, row, 8)));

  return g_steal_pointer (&deliveries);
}

static GPtrArray *
wh_pg_store_list_attempts (WhStore  *store,
                           gint64    delivery_id,
                           GError  **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) attempts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *id_text = int64_text (delivery_id);
  const char *values[] = { id_text };
  g_autoptr(PGresult) result =
    query (self, list_attempts_sql, 1, values, "list attempts", error);

  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (attempts,
                     wh_store_attempt_from_columns (column_int64 (result, row, 0),
                                                    column_int64 (result, row, 1),
                                                    column_int64 (result, row, 2),
                                                    column_int64 (result, row, 3),
                                                    column_int64 (result, row, 4),
                                                    column_text (result, row, 5),
                                                    column_bytes (result, row, 6),
                                                    column_int64 (result, row, 7)));

  return g_steal_pointer (&attempts);
}

static gboolean
wh_pg_store_count_deliveries (WhStore  *store,
                              guint64  *pending,
                              guint64  *succeeded,
                              guint64  *failed,
                              GError  **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(PGresult) result = query (self, count_sql, 0, NULL, "count deliveries", error);

  if (result == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (result); row++)
    wh_store_count_state (column_int64 (result, row, 0), column_int64 (result, row, 1),
                          pending, succeeded, failed);

  return TRUE;
}

static gboolean
wh_pg_store_release (WhStore  *store,
                     gint64    delivery_id,
                     GError  **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(PGresult) exists = NULL;
  g_autofree char *id_text = int64_text (delivery_id);
  const char *values[] = { id_text, self->lease_owner };
  g_autoptr(PGresult) release =
    query (self, release_sql, 2, values, "hand a delivery back", error);

  if (release == NULL)
    return FALSE;

  if (changed_rows (release))
    return TRUE;

  exists = run_checked (self, delivery_exists_sql, 1, values, NULL, NULL,
                        "find a delivery", error);
  if (exists == NULL)
    return FALSE;
  if (PQntuples (exists) > 0)
    return TRUE;

  wh_store_set_release_no_delivery_error (error, self->name, delivery_id);
  return FALSE;
}

static gint64
wh_pg_store_get_endpoint_failing_since (WhStore     *store,
                                        const char  *endpoint_id,
                                        GError     **error)
{
  WhPgStore *self = WH_PG_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(PGresult) result = query (self, select_failing_sql, 1, &endpoint_id,
                                      "read an endpoint's failure clock", error);

  if (result == NULL)
    return -1;

  if (PQntuples (result) > 0)
    return column_int64 (result, 0, 0);

  wh_store_set_no_endpoint_error (error, self->name, endpoint_id);
  return -1;
}

/* Every call takes the store's lock; a libpq built without thread safety cannot be
 * used from several threads at all. */
static gboolean
wh_pg_store_is_thread_safe (WhStore *store)
{
  return PQisthreadsafe () != 0;
}

static void
wh_pg_store_store_iface_init (WhStoreInterface *iface)
{
  iface->add_endpoint = wh_pg_store_add_endpoint;
  iface->update_endpoint = wh_pg_store_update_endpoint;
  iface->remove_endpoint = wh_pg_store_remove_endpoint;
  iface->lookup_endpoint = wh_pg_store_lookup_endpoint;
  iface->list_endpoints = wh_pg_store_list_endpoints;
  iface->publish = wh_pg_store_publish;
  iface->claim_due = wh_pg_store_claim_due;
  iface->record_attempt = wh_pg_store_record_attempt;
  iface->list_deliveries = wh_pg_store_list_deliveries;
  iface->list_attempts = wh_pg_store_list_attempts;
  iface->count_deliveries = wh_pg_store_count_deliveries;
  iface->release = wh_pg_store_release;
  iface->get_endpoint_failing_since = wh_pg_store_get_endpoint_failing_since;
  iface->record_attempts = wh_pg_store_record_attempts;
  iface->is_thread_safe = wh_pg_store_is_thread_safe;
}

/* Returns the first column of the first row of @sql as an integer, or -1 on error. */
static gint64
query_int (WhPgStore   *self,
           const char  *sql,
           const char  *doing,
           GError     **error)
{
  g_autoptr(PGresult) result = run_checked (self, sql, 0, NULL, NULL, NULL, doing, error);

  if (result == NULL)
    return -1;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "Cannot %s in the %s: no answer",
                   doing, self->name);
      return -1;
    }

  return column_int64 (result, 0, 0);
}

static gboolean
check_schema (WhPgStore  *self,
              GError    **error)
{
  g_autofree char *lock = g_strdup_printf ("SELECT pg_advisory_xact_lock (%d)", SCHEMA_LOCK_KEY);
  gint64 has_schema;
  gint64 version;

  /* Two stores connecting to new tables at once would both create them. */
  if (!exec (self, lock, "wait for the tables", error))
    return FALSE;

  has_schema = query_int (self, "SELECT count (*) FROM (SELECT to_regclass ('wh_schema')) AS t (r)"
                                " WHERE r IS NOT NULL",
                          "read the schema", error);
  if (has_schema < 0)
    return FALSE;

  if (has_schema == 0)
    {
      gint64 others = query_int (self,
                                 "SELECT count (*) FROM unnest (ARRAY['wh_endpoints', 'wh_messages',"
                                 " 'wh_deliveries', 'wh_attempts']) AS t (name)"
                                 " WHERE to_regclass (name) IS NOT NULL",
                                 "read the schema", error);

      if (others < 0)
        return FALSE;
      if (others > 0)
        {
          g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                       "The %s has tables named like libwebhooks' (wh_endpoints...) that "
                       "another application made; give libwebhooks a schema of its own "
                       "(options='-c search_path=webhooks')",
                       self->name);
          return FALSE;
        }

      if (!exec (self, schema_v1_sql, "create the tables", error))
        return FALSE;
    }

  version = query_int (self, "SELECT coalesce (max (version), 0) FROM wh_schema",
                       "read the schema version", error);

  return version >= 0 &&
         wh_store_upgrade_schema (self, exec, self->name, version,
                                  WH_PG_STORE_SCHEMA_VERSION, migrations, "connect",
                                  "its wh_schema table is damaged, drop the wh_ tables or "
                                  "use another schema",
                                  error);
}

/* The server's notices ("relation already exists, skipping"...) are not for the
 * application's terminal. */
static void
ignore_notice (void       *data,
               const char *message)
{
}

static char *
make_name (PGconn *conn)
{
  const char *host = PQhost (conn);
  const char *port = PQport (conn);
  const char *db = PQdb (conn);

  if (host == NULL || host[0] == '\0')
    host = "localhost";

  return g_strdup_printf ("PostgreSQL store “%s” on %s%s%s", db != NULL ? db : "", host,
                          host[0] == '/' ? " port " : ":", port != NULL ? port : "");
}

static gboolean
wh_pg_store_initable_init (GInitable     *initable,
                           GCancellable  *cancellable,
                           GError       **error)
{
  WhPgStore *self = WH_PG_STORE (initable);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  PQconninfoOption *options;
  char *parse_error = NULL;

  if (self->conninfo == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "A PostgreSQL store needs a connection string; give one such as "
                   "“host=db.example.com dbname=webhooks” or “postgresql://db.example.com/webhooks”");
      return FALSE;
    }

  if (self->conn != NULL)
    return TRUE;

  /* Checked first, so that a typo is not reported as a connection failure. */
  options = PQconninfoParse (self->conninfo, &parse_error);
  if (options == NULL)
    {
      g_autofree char *message = pg_message (parse_error);

      /* Not repeated in the message: it may hold a password. */
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "The PostgreSQL connection string cannot be read (%s); give key=value "
                   "pairs such as “host=db.example.com dbname=webhooks”, or a URI such as "
                   "“postgresql://db.example.com/webhooks”",
                   message);
      if (parse_error != NULL)
        PQfreemem (parse_error);
      return FALSE;
    }
  PQconninfoFree (options);

  self->conn = PQconnectdb (self->conninfo);
  if (self->conn == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "Cannot connect to PostgreSQL: out of memory");
      return FALSE;
    }

  g_clear_pointer (&self->name, g_free);
  self->name = make_name (self->conn);

  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *message = pg_message (PQerrorMessage (self->conn));

      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "Cannot connect to the %s: %s; check that the server runs and "
                   "accepts connections there, and the host, port, database, user and "
                   "password of the connection string",
                   self->name, message);
      goto failed;
    }

  PQsetNoticeProcessor (self->conn, ignore_notice, NULL);

  if (!begin (self, error))
    goto failed;

  if (!check_schema (self, error) || !commit (self, error))
    {
      rollback (self);
      goto failed;
    }

  return TRUE;

failed:
  g_clear_pointer (&self->conn, PQfinish);
  return FALSE;
}

static void
wh_pg_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = wh_pg_store_initable_init;
}

static void
wh_pg_store_finalize (GObject *object)
{
  WhPgStore *self = WH_PG_STORE (object);

  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->conninfo, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->lease_owner, g_free);

  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (wh_pg_store_parent_class)->finalize (object);
}

static void
wh_pg_store_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  WhPgStore *self = WH_PG_STORE (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      g_value_set_string (value, self->conninfo);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_pg_store_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  WhPgStore *self = WH_PG_STORE (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      g_free (self->conninfo);
      self->conninfo = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_pg_store_class_init (WhPgStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wh_pg_store_finalize;
  object_class->get_property = wh_pg_store_get_property;
  object_class->set_property = wh_pg_store_set_property;

  /**
   * WhPgStore:conninfo:
   *
   * The libpq connection string: `key=value` pairs, or a `postgresql://` URI.
   */
  properties[PROP_CONNINFO] =
    g_param_spec_string ("conninfo", "Connection string",
                         "The libpq connection string, or a postgresql:// URI",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_pg_store_init (WhPgStore *self)
{
  g_mutex_init (&self->lock);

  self->name = g_strdup ("PostgreSQL store (not connected)");
  self->lease_owner = wh_store_lease_owner_new ();
}

/**
 * wh_pg_store_new:
 * @conninfo: a libpq connection string (`host=… dbname=…`) or a `postgresql://` URI
 * @error: return location for a #GError, or %NULL
 *
 * Connects to a PostgreSQL store, creating its tables in the first schema of the
 * connection's `search_path` when they are missing.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set to
 *   %WH_ERROR_STORE if @conninfo cannot be parsed, the server cannot be reached or
 *   refuses the connection, the schema holds tables of another application, or the
 *   tables were written by a newer libwebhooks
 */
WhStore *
wh_pg_store_new (const char  *conninfo,
                 GError     **error)
{
  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (WH_TYPE_PG_STORE, NULL, error, "conninfo", conninfo, NULL);
}

/**
 * wh_pg_store_get_conninfo:
 * @self: a #WhPgStore
 *
 * Gets the connection string the store was made with.
 *
 * Returns: the connection string, as given (with its password, if it has one)
 */
const char *
wh_pg_store_get_conninfo (WhPgStore *self)
{
  g_return_val_if_fail (WH_IS_PG_STORE (self), NULL);

  return self->conninfo;
}
