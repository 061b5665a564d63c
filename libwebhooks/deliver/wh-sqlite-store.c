/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-sqlite-store
 * @Title: WhSqliteStore
 * @Short_description: the embedded delivery store, one SQLite file
 *
 * #WhSqliteStore keeps endpoints, messages, deliveries and attempts in one SQLite
 * database file, or in memory with the path `:memory:` (for tests: nothing survives
 * the process then).
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 * g_autoptr(WhStore) store = wh_sqlite_store_new ("deliveries.db", &error);
 *
 * if (store == NULL)
 *   g_printerr ("%s\n", error->message);
 * ]|
 *
 * The file is in write-ahead-log mode with `synchronous=NORMAL`: once a call returns,
 * what it wrote survives the process being killed at any moment; a power failure may
 * lose the last transactions before the operating system wrote them. The log is copied
 * into the database (checkpointed) by a thread of the store, so that no call waits for
 * the disk. Other processes
 * may open the same file; one waits up to five seconds for another's write to finish.
 * A claimed delivery is leased to this store object, so several dispatcher processes
 * sharing one file never get the same delivery while its lease lasts.
 *
 * Opening a file that is not a SQLite database, a SQLite database of another
 * application, or a store written by a newer libwebhooks
 * (#WH_SQLITE_STORE_SCHEMA_VERSION) fails with %WH_ERROR_STORE, and leaves the file
 * as it was. A store written by an older libwebhooks is upgraded in place when it is
 * opened, in one transaction; the older version cannot open it afterwards.
 *
 * One store object may be used from several threads at once
 * (wh_store_is_thread_safe() is %TRUE): the calls take turns on the store's
 * connection, each in its own transaction, and a #WhStore::endpoints-changed handler
 * runs on the thread that made the change. A `:memory:` store is one database that all
 * of them share.
 */

#include "config.h"

#include <sqlite3.h>

#include <gio/gio.h>

#include "wh-error.h"
#include "wh-id-private.h"
#include "wh-sqlite-store.h"
#include "wh-store-common-private.h"

#define BUSY_TIMEOUT_MS 5000

/* Log pages (of 4 KiB) after which the checkpoint thread copies the log into the
 * database: SQLite's own automatic checkpoint threshold. */
#define CHECKPOINT_PAGES 1000
/* Log pages after which the commit checkpoints itself, as SQLite would have done: a
 * log can only start over once it was copied whole, which a writer that never pauses
 * does not leave the thread time to do, and it would grow without bound. */
#define CHECKPOINT_PAGES_INLINE (10 * CHECKPOINT_PAGES)

/* Shared by the store and its checkpoint thread, under @lock. */
typedef struct
{
  GMutex lock;
  GCond cond;
  GMutex running;              /* held while a checkpoint runs */
  sqlite3 *db;                 /* the thread's own connection */
  gboolean wanted;
  gboolean overdue;            /* the log is too long: the committing thread checkpoints;
                                * not under @lock but under the store's, which every
                                * commit holds */
  gboolean stopping;
} Checkpointer;

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_INSERT_ENDPOINT,
  STMT_UPDATE_ENDPOINT,
  STMT_DELETE_ENDPOINT,
  STMT_SELECT_ENDPOINT,
  STMT_LIST_ENDPOINTS,
  STMT_INSERT_MESSAGE,
  STMT_INSERT_DELIVERY,
  STMT_CLAIM_SELECT,
  STMT_CLAIM_UPDATE,
  STMT_INSERT_ATTEMPT,
  STMT_FINISH_DELIVERY,
  STMT_LIST_DELIVERIES,
  STMT_LIST_ATTEMPTS,
  STMT_COUNT,
  STMT_RELEASE,
  STMT_DELIVERY_EXISTS,
  STMT_CLEAR_FAILING,
  STMT_START_FAILING,
  STMT_SELECT_FAILING,
  N_STMTS
} Stmt;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_INSERT_ENDPOINT] =
    "INSERT INTO endpoints (id, url, secret, events, enabled, description, headers,"
    " previous_secrets, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
  /* Enabling or disabling an endpoint restarts its failure clock: an endpoint enabled
   * again after being disabled for failing gets the whole disable-after time anew. The
   * CASE reads the row as it was before the update. */
  [STMT_UPDATE_ENDPOINT] =
    "UPDATE endpoints SET url = ?2, secret = ?3, events = ?4,"
    " failing_since = CASE WHEN enabled = ?5 THEN failing_since END, enabled = ?5,"
    " description = ?6, headers = ?7, previous_secrets = ?8 WHERE id = ?1",
  [STMT_DELETE_ENDPOINT] = "DELETE FROM endpoints WHERE id = ?1",
  [STMT_SELECT_ENDPOINT] =
    "SELECT id, url, secret, events, enabled, description, headers, previous_secrets"
    " FROM endpoints WHERE id = ?1",
  [STMT_LIST_ENDPOINTS] =
    "SELECT id, url, secret, events, enabled, description, headers, previous_secrets"
    " FROM endpoints ORDER BY rowid",
  [STMT_INSERT_MESSAGE] =
    "INSERT INTO messages (id, event, payload, created_at) VALUES (?1, ?2, ?3, ?4)",
  /* OR IGNORE folds a repeated endpoint id into one delivery; it does not apply to the
   * foreign key, so an unknown endpoint still fails the statement. */
  [STMT_INSERT_DELIVERY] =
    "INSERT OR IGNORE INTO deliveries (message_id, endpoint_id, state, attempts, next_attempt_at)"
    " VALUES (?1, ?2, 0, 0, ?3)",
  /* While a delivery is leased its next_attempt_at is the lease's end, so one index
   * on (next_attempt_at) of pending rows finds exactly the due, unleased ones. */
  [STMT_CLAIM_SELECT] =
    "SELECT d.id, d.message_id, d.endpoint_id, m.event, m.payload, d.attempts, m.created_at"
    " FROM deliveries AS d"
    " JOIN messages AS m ON m.id = d.message_id"
    " JOIN endpoints AS e ON e.id = d.endpoint_id"
    " WHERE d.state = 0 AND d.next_attempt_at <= ?1 AND e.enabled = 1"
    " ORDER BY d.next_attempt_at, d.id LIMIT ?2",
  [STMT_CLAIM_UPDATE] =
    "UPDATE deliveries SET next_attempt_at = ?2, lease_owner = ?3, lease_expires_at = ?2,"
    " leased_at = ?4 WHERE id = ?1",
  [STMT_INSERT_ATTEMPT] =
    "INSERT INTO attempts (delivery_id, number, started_at, duration, status_code, error,"
    " response_body, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_FINISH_DELIVERY] =
    "UPDATE deliveries SET state = ?2, attempts = max(attempts, ?3), next_attempt_at = ?4,"
    " lease_owner = NULL, lease_expires_at = NULL, leased_at = NULL, last_attempt_at = ?5"
    " WHERE id = ?1 AND state = 0",
  [STMT_LIST_DELIVERIES] =
    "SELECT d.id, d.message_id, d.endpoint_id, m.event, m.payload, d.attempts, m.created_at,"
    " d.state, d.next_attempt_at"
    " FROM deliveries AS d JOIN messages AS m ON m.id = d.message_id"
    " WHERE d.message_id = ?1 ORDER BY d.id",
  [STMT_LIST_ATTEMPTS] =
    "SELECT delivery_id, number, started_at, duration, status_code, error, response_body,"
    " next_attempt_at FROM attempts WHERE delivery_id = ?1 ORDER BY id",
  [STMT_COUNT] = "SELECT state, count(*) FROM deliveries GROUP BY state",
  /* Due again from the time it was claimed: at once for whoever claims next, and ahead
   * of the deliveries that became due while it was out. */
  [STMT_RELEASE] =
    "UPDATE deliveries SET next_attempt_at = coalesce(leased_at, 1), lease_owner = NULL,"
    " lease_expires_at = NULL, leased_at = NULL"
    " WHERE id = ?1 AND state = 0 AND lease_owner = ?2",
  [STMT_DELIVERY_EXISTS] = "SELECT 1 FROM deliveries WHERE id = ?1",
  /* Both only write when the clock changes, so that the common case, one more success
   * of a healthy endpoint, costs a lookup and no write. */
  [STMT_CLEAR_FAILING] =
    "UPDATE endpoints SET failing_since = NULL"
    " WHERE id = (SELECT endpoint_id FROM deliveries WHERE id = ?1)"
    " AND failing_since IS NOT NULL",
  [STMT_START_FAILING] =
    "UPDATE endpoints SET failing_since = ?2"
    " WHERE id = (SELECT endpoint_id FROM deliveries WHERE id = ?1)"
    " AND failing_since IS NULL",
  [STMT_SELECT_FAILING] = "SELECT coalesce(failing_since, 0) FROM endpoints WHERE id = ?1",
};

/* The schema as version 1 created it. A new store is made by running this, then every
 * migration, so that a new file and a migrated one go through the same statements. */
static const char schema_v1_sql[] =
  "CREATE TABLE wh_schema (version INTEGER NOT NULL);"
  "CREATE TABLE endpoints ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  url TEXT NOT NULL,"
  "  secret TEXT NOT NULL,"
  "  events TEXT,"
  "  enabled INTEGER NOT NULL,"
  "  description TEXT,"
  "  headers TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE messages ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  event TEXT NOT NULL,"
  "  payload BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE deliveries ("
  "  id INTEGER PRIMARY KEY,"
  "  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
  "  endpoint_id TEXT NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,"
  "  state INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  lease_owner TEXT,"
  "  lease_expires_at INTEGER,"
  "  last_attempt_at INTEGER,"
  "  UNIQUE (message_id, endpoint_id));"
  "CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE state = 0;"
  "CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id);"
  "CREATE TABLE attempts ("
  "  id INTEGER PRIMARY KEY,"
  "  delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,"
  "  number INTEGER NOT NULL,"
  "  started_at INTEGER NOT NULL,"
  "  duration INTEGER NOT NULL,"
  "  status_code INTEGER NOT NULL,"
  "  error TEXT,"
  "  response_body BLOB,"
  "  next_attempt_at INTEGER NOT NULL);"
  "CREATE INDEX attempts_delivery ON attempts (delivery_id);";

/* migrations[n] takes a store from version n + 1 to version n + 2, in the transaction
 * that opens the store: a file is either migrated whole or left as it was. */
static const char * const migrations[] = {
  /* 2: secret rotation, the failure clock that survives restarts, and handing a
   * claimed delivery back without using up an attempt. */
  "ALTER TABLE endpoints ADD COLUMN previous_secrets TEXT;"
  "ALTER TABLE endpoints ADD COLUMN failing_since INTEGER;"
  "ALTER TABLE deliveries ADD COLUMN leased_at INTEGER;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == WH_SQLITE_STORE_SCHEMA_VERSION - 1);

/* Threads: @lock is held by every call that uses @db, from its first statement to the
 * reset of its last, so that the calls of several threads take turns on the one
 * connection (the only one a ":memory:" database has), each is one transaction, and
 * the prepared statements in @stmts and sqlite3_errmsg() belong to one call at a time.
 * A function takes it in its first declaration: g_autoptr cleanups run in reverse
 * order, so it is released after the function's statements were reset. Signals are
 * emitted by the WhStore wrappers once the call returned, outside the lock, so that a
 * handler may call the store again.
 *
 * Lock order: @lock, then the checkpointer's locks (a commit signals the checkpoint
 * thread and may checkpoint itself); that thread never takes @lock. */
struct _WhSqliteStore
{
  GObject parent_instance;

  GMutex lock;
  char *path;                  /* construct-only */
  char *name;                  /* "store “path”", for messages */
  char *lease_owner;           /* set once, at init */
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  Checkpointer *checkpointer;  /* NULL for :memory:, which has no log */
  GThread *checkpoint_thread;
};

static void wh_sqlite_store_initable_iface_init (GInitableIface *iface);
static void wh_sqlite_store_store_iface_init (WhStoreInterface *iface);

/**
 * WH_TYPE_SQLITE_STORE:
 *
 * The #GType of #WhSqliteStore.
 */

/**
 * WhSqliteStore:
 *
 * A #WhStore in one SQLite database file.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (WhSqliteStore, wh_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      wh_sqlite_store_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (WH_TYPE_STORE,
                                                      wh_sqlite_store_store_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_sqlite_error (WhSqliteStore  *self,
                  GError        **error,
                  const char     *doing)
{
  int code = sqlite3_errcode (self->db);

  if ((code & 0xff) == SQLITE_NOTADB)
    g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                 "“%s” is not a SQLite database; give the path of a libwebhooks store, or "
                 "of a file that does not exist yet",
                 self->path);
  else
    g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                 "Cannot %s in the %s: %s",
                 doing, self->name, sqlite3_errmsg (self->db));
}

static sqlite3_stmt *
get_stmt (WhSqliteStore  *self,
          Stmt            which,
          GError        **error)
{
  if (self->stmts[which] == NULL &&
      sqlite3_prepare_v3 (self->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                          &self->stmts[which], NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, "prepare a statement");
      return NULL;
    }

  return self->stmts[which];
}

static void
done_stmt (sqlite3_stmt *stmt)
{
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, done_stmt)

/* Runs a statement that returns no rows. */
static gboolean
run_simple (WhSqliteStore  *self,
            Stmt            which,
            const char     *doing,
            GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, which, error);

  if (stmt == NULL)
    return FALSE;

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, doing);
      return FALSE;
    }

  return TRUE;
}

static gboolean
begin (WhSqliteStore  *self,
       GError        **error)
{
  return run_simple (self, STMT_BEGIN, "start a transaction", error);
}

static gboolean
commit (WhSqliteStore  *self,
        GError        **error)
{
  if (!run_simple (self, STMT_COMMIT, "commit", error))
    return FALSE;

  /* Only one connection checkpoints at a time, and SQLite does not wait for the other
   * one: @running does. RESTART copies what is left while this writer waits, and waits
   * (busy timeout) for the log to be free, so that the next write starts it over. */
  if (self->checkpointer != NULL && self->checkpointer->overdue)
    {
      self->checkpointer->overdue = FALSE;
      g_mutex_lock (&self->checkpointer->running);
      sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
      g_mutex_unlock (&self->checkpointer->running);
    }

  return TRUE;
}

static void
rollback (WhSqliteStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    run_simple (self, STMT_ROLLBACK, "roll back", NULL);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
bind_endpoint (sqlite3_stmt *stmt,
               WhEndpoint   *endpoint)
{
  g_autofree char *events = NULL;
  g_autofree char *headers = NULL;
  g_autofree char *previous_secrets = NULL;

  wh_store_endpoint_lists_to_json (endpoint, &events, &headers, &previous_secrets);
  bind_text (stmt, 1, wh_endpoint_get_id (endpoint));
  bind_text (stmt, 2, wh_endpoint_get_url (endpoint));
  bind_text (stmt, 3, wh_endpoint_get_secret (endpoint));
  bind_text (stmt, 4, events);
  sqlite3_bind_int (stmt, 5, wh_endpoint_get_enabled (endpoint) ? 1 : 0);
  bind_text (stmt, 6, wh_endpoint_get_description (endpoint));
  bind_text (stmt, 7, headers);
  bind_text (stmt, 8, previous_secrets);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* Builds an endpoint from a row of STMT_SELECT_ENDPOINT or STMT_LIST_ENDPOINTS. */
static WhEndpoint *
endpoint_from_row (WhSqliteStore  *self,
                   sqlite3_stmt   *stmt,
                   GError        **error)
{
  return wh_store_endpoint_from_columns (self->name,
                                         column_text (stmt, 0),
                                         column_text (stmt, 1),
                                         column_text (stmt, 2),
                                         column_text (stmt, 3),
                                         sqlite3_column_int (stmt, 4) != 0,
                                         column_text (stmt, 5),
                                         column_text (stmt, 6),
                                         column_text (stmt, 7),
                                         error);
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  const void *data = sqlite3_column_blob (stmt, column);
  int length = sqlite3_column_bytes (stmt, column);

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  return g_bytes_new (data, length);
}

static gboolean
wh_sqlite_store_add_endpoint (WhStore     *store,
                              WhEndpoint  *endpoint,
                              GError     **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_INSERT_ENDPOINT, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bind_endpoint (stmt, endpoint);
  sqlite3_bind_int64 (stmt, 9, g_get_real_time ());
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      wh_store_set_duplicate_endpoint_error (error, self->name, wh_endpoint_get_id (endpoint));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "add an endpoint");
      return FALSE;
    }

  return TRUE;
}

static gboolean
wh_sqlite_store_update_endpoint (WhStore     *store,
                                 WhEndpoint  *endpoint,
                                 GError     **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_UPDATE_ENDPOINT, error);

  if (stmt == NULL)
    return FALSE;

  bind_endpoint (stmt, endpoint);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "update an endpoint");
      return FALSE;
    }

  if (sqlite3_changes (self->db) == 0)
    {
      wh_store_set_no_endpoint_to_update_error (error, self->name,
                                                wh_endpoint_get_id (endpoint));
      return FALSE;
    }

  return TRUE;
}

static gboolean
wh_sqlite_store_remove_endpoint (WhStore     *store,
                                 const char  *endpoint_id,
                                 GError     **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_DELETE_ENDPOINT, error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, endpoint_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "remove an endpoint");
      return FALSE;
    }

  if (sqlite3_changes (self->db) == 0)
    {
      wh_store_set_no_endpoint_error (error, self->name, endpoint_id);
      return FALSE;
    }

  return TRUE;
}

static WhEndpoint *
wh_sqlite_store_lookup_endpoint (WhStore     *store,
                                 const char  *endpoint_id,
                                 GError     **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_SELECT_ENDPOINT, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, endpoint_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error, "read an endpoint");
      return NULL;
    }

  return endpoint_from_row (self, stmt, error);
}

static GPtrArray *
wh_sqlite_store_list_endpoints (WhStore  *store,
                                GError  **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_LIST_ENDPOINTS, error);
  g_autoptr(GPtrArray) endpoints = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WhEndpoint *endpoint = endpoint_from_row (self, stmt, error);

      if (endpoint == NULL)
        return NULL;
      g_ptr_array_add (endpoints, endpoint);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "list the endpoints");
      return NULL;
    }

  return g_steal_pointer (&endpoints);
}

static gboolean
publish_in_transaction (WhSqliteStore       *self,
                        const char          *message_id,
                        const char          *event,
                        GBytes              *payload,
                        const char * const  *endpoint_ids,
                        gint64               now,
                        GError             **error)
{
  g_autoptr(sqlite3_stmt) message = get_stmt (self, STMT_INSERT_MESSAGE, error);
  gsize size;
  gconstpointer data;

  if (message == NULL)
    return FALSE;

  data = g_bytes_get_data (payload, &size);
  bind_text (message, 1, message_id);
  bind_text (message, 2, event);
  /* An empty payload must stay a zero-length blob, not NULL. */
  sqlite3_bind_blob64 (message, 3, data ? data : "", size, SQLITE_STATIC);
  sqlite3_bind_int64 (message, 4, now);
  if (sqlite3_step (message) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "store a message");
      return FALSE;
    }

  for (guint i = 0; endpoint_ids[i] != NULL; i++)
    {
      g_autoptr(sqlite3_stmt) delivery = get_stmt (self, STMT_INSERT_DELIVERY, error);
      int rc;

      if (delivery == NULL)
        return FALSE;

      bind_text (delivery, 1, message_id);
      bind_text (delivery, 2, endpoint_ids[i]);
      sqlite3_bind_int64 (delivery, 3, now);
      rc = sqlite3_step (delivery);
      if (rc == SQLITE_CONSTRAINT)
        {
          wh_store_set_publish_no_endpoint_error (error, self->name, endpoint_ids[i]);
          return FALSE;
        }
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (self, error, "store a delivery");
          return FALSE;
        }
    }

  return TRUE;
}

static char *
wh_sqlite_store_publish (WhStore             *store,
                         const char          *event,
                         GBytes              *payload,
                         const char * const  *endpoint_ids,
                         gint64               now,
                         GError             **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autofree char *message_id = wh_id_new ("msg_");

  if (!begin (self, error))
    return NULL;

  if (!publish_in_transaction (self, message_id, event, payload, endpoint_ids, now, error) ||
      !commit (self, error))
    {
      rollback (self);
      return NULL;
    }

  return g_steal_pointer (&message_id);
}

static gboolean
claim_in_transaction (WhSqliteStore  *self,
                      gint64          now,
                      guint           limit,
                      guint           lease_seconds,
                      GPtrArray      *claimed,
                      GError        **error)
{
  g_autoptr(sqlite3_stmt) select = get_stmt (self, STMT_CLAIM_SELECT, error);
  gint64 lease_end = wh_store_lease_end (now, lease_seconds);
  int rc;

  if (select == NULL)
    return FALSE;

  sqlite3_bind_int64 (select, 1, now);
  sqlite3_bind_int64 (select, 2, limit);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      g_ptr_array_add (claimed,
                       wh_store_delivery_from_columns (sqlite3_column_int64 (select, 0),
                                                       column_text (select, 1),
                                                       column_text (select, 2),
                                                       column_text (select, 3),
                                                       column_bytes (select, 4),
                                                       sqlite3_column_int (select, 5),
                                                       WH_DELIVERY_STATE_PENDING,
                                                       sqlite3_column_int64 (select, 6),
                                                       lease_end));
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "find due deliveries");
      return FALSE;
    }

  for (guint i = 0; i < claimed->len; i++)
    {
      g_autoptr(sqlite3_stmt) update = get_stmt (self, STMT_CLAIM_UPDATE, error);

      if (update == NULL)
        return FALSE;

      sqlite3_bind_int64 (update, 1, wh_delivery_get_id (g_ptr_array_index (claimed, i)));
      sqlite3_bind_int64 (update, 2, lease_end);
      bind_text (update, 3, self->lease_owner);
      sqlite3_bind_int64 (update, 4, now);
      if (sqlite3_step (update) != SQLITE_DONE)
        {
          set_sqlite_error (self, error, "lease a delivery");
          return FALSE;
        }
    }

  return TRUE;
}

static GPtrArray *
wh_sqlite_store_claim_due (WhStore  *store,
                           gint64    now,
                           guint     limit,
                           guint     lease_seconds,
                           GError  **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) claimed = g_ptr_array_new_with_free_func (g_object_unref);

  if (!begin (self, error))
    return NULL;

  if (!claim_in_transaction (self, now, limit, lease_seconds, claimed, error) ||
      !commit (self, error))
    {
      rollback (self);
      return NULL;
    }

  return g_steal_pointer (&claimed);
}

static gboolean
record_in_transaction (WhSqliteStore  *self,
                       WhAttempt      *attempt,
                       GError        **error)
{
  g_autoptr(sqlite3_stmt) insert = get_stmt (self, STMT_INSERT_ATTEMPT, error);
  g_autoptr(sqlite3_stmt) finish = NULL;
  g_autoptr(sqlite3_stmt) clock = NULL;
  GBytes *body = wh_attempt_get_response_body (attempt);
  gint64 delivery_id = wh_attempt_get_delivery_id (attempt);
  gint64 next_attempt_at;
  WhDeliveryState state = wh_store_attempt_outcome (attempt, &next_attempt_at);
  int rc;

  if (insert == NULL)
    return FALSE;

  sqlite3_bind_int64 (insert, 1, delivery_id);
  sqlite3_bind_int64 (insert, 2, wh_attempt_get_number (attempt));
  sqlite3_bind_int64 (insert, 3, wh_attempt_get_started_at (attempt));
  sqlite3_bind_int64 (insert, 4, wh_attempt_get_duration (attempt));
  sqlite3_bind_int (insert, 5, wh_attempt_get_status_code (attempt));
  bind_text (insert, 6, wh_attempt_get_error_message (attempt));
  if (body != NULL)
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (body, &size);

      sqlite3_bind_blob64 (insert, 7, data ? data : "", size, SQLITE_STATIC);
    }
  sqlite3_bind_int64 (insert, 8, wh_attempt_get_next_attempt_at (attempt));
  rc = sqlite3_step (insert);
  if (rc == SQLITE_CONSTRAINT)
    {
      wh_store_set_record_no_delivery_error (error, self->name, delivery_id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "record an attempt");
      return FALSE;
    }

  finish = get_stmt (self, STMT_FINISH_DELIVERY, error);
  if (finish == NULL)
    return FALSE;

  sqlite3_bind_int64 (finish, 1, delivery_id);
  sqlite3_bind_int (finish, 2, state);
  sqlite3_bind_int64 (finish, 3, wh_attempt_get_number (attempt));
  sqlite3_bind_int64 (finish, 4, next_attempt_at);
  sqlite3_bind_int64 (finish, 5, wh_attempt_get_started_at (attempt));
  if (sqlite3_step (finish) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "update a delivery");
      return FALSE;
    }

  clock = get_stmt (self, state == WH_DELIVERY_STATE_SUCCEEDED ? STMT_CLEAR_FAILING
                                                               : STMT_START_FAILING, error);
  if (clock == NULL)
    return FALSE;

  sqlite3_bind_int64 (clock, 1, delivery_id);
  if (state != WH_DELIVERY_STATE_SUCCEEDED)
    sqlite3_bind_int64 (clock, 2, wh_store_attempt_failing_since (attempt));
  if (sqlite3_step (clock) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "update the endpoint's failure clock");
      return FALSE;
    }

  return TRUE;
}

static gboolean
wh_sqlite_store_record_attempt (WhStore    *store,
                                WhAttempt  *attempt,
                                GError    **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (!begin (self, error))
    return FALSE;

  if (!record_in_transaction (self, attempt, error) || !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

/* One transaction for the lot: a commit, and its fsync of the log when one is due, is
 * most of what recording an attempt costs. */
static gboolean
wh_sqlite_store_record_attempts (WhStore    *store,
                                 GPtrArray  *attempts,
                                 GError    **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (!begin (self, error))
    return FALSE;

  for (guint i = 0; i < attempts->len; i++)
    if (!record_in_transaction (self, g_ptr_array_index (attempts, i), error))
      {
        rollback (self);
        return FALSE;
      }

  if (!commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

static GPtrArray *
wh_sqlite_store_list_deliveries (WhStore     *store,
                                 const char  *message_id,
                                 GError     **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_LIST_DELIVERIES, error);
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, message_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (deliveries,
                       wh_store_delivery_from_columns (sqlite3_column_int64 (stmt, 0),
                                                       column_text (stmt, 1),
                                                       column_text (stmt, 2),
                                                       column_text (stmt, 3),
                                                       column_bytes (stmt, 4),
                                                       sqlite3_column_int (stmt, 5),
                                                       sqlite3_column_int (stmt, 7),
                                                       sqlite3_column_int64 (stmt, 6),
                                                       sqlite3_column_int64 (stmt, 8)));
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "list deliveries");
      return NULL;
    }

  return g_steal_pointer (&deliveries);
}

static GPtrArray *
wh_sqlite_store_list_attempts (WhStore  *store,
                               gint64    delivery_id,
                               GError  **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_LIST_ATTEMPTS, error);
  g_autoptr(GPtrArray) attempts = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, delivery_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (attempts,
                       wh_store_attempt_from_columns (sqlite3_column_int64 (stmt, 0),
                                                      sqlite3_column_int (stmt, 1),
                                                      sqlite3_column_int64 (stmt, 2),
                                                      sqlite3_column_int64 (stmt, 3),
                                                      sqlite3_column_int (stmt, 4),
                                                      column_text (stmt, 5),
                                                      column_bytes (stmt, 6),
                                                      sqlite3_column_int64 (stmt, 7)));
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "list attempts");
      return NULL;
    }

  return g_steal_pointer (&attempts);
}

static gboolean
wh_sqlite_store_count_deliveries (WhStore  *store,
                                  guint64  *pending,
                                  guint64  *succeeded,
                                  guint64  *failed,
                                  GError  **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_COUNT, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    wh_store_count_state (sqlite3_column_int (stmt, 0), sqlite3_column_int64 (stmt, 1),
                          pending, succeeded, failed);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "count deliveries");
      return FALSE;
    }

  return TRUE;
}

static gboolean
wh_sqlite_store_release (WhStore  *store,
                         gint64    delivery_id,
                         GError  **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) release = get_stmt (self, STMT_RELEASE, error);
  g_autoptr(sqlite3_stmt) exists = NULL;
  int rc;

  if (release == NULL)
    return FALSE;

  sqlite3_bind_int64 (release, 1, delivery_id);
  bind_text (release, 2, self->lease_owner);
  if (sqlite3_step (release) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "hand a delivery back");
      return FALSE;
    }

  if (sqlite3_changes (self->db) > 0)
    return TRUE;

  exists = get_stmt (self, STMT_DELIVERY_EXISTS, error);
  if (exists == NULL)
    return FALSE;

  sqlite3_bind_int64 (exists, 1, delivery_id);
  rc = sqlite3_step (exists);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "find a delivery");
      return FALSE;
    }

  wh_store_set_release_no_delivery_error (error, self->name, delivery_id);
  return FALSE;
}

static gint64
wh_sqlite_store_get_endpoint_failing_since (WhStore     *store,
                                            const char  *endpoint_id,
                                            GError     **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_SELECT_FAILING, error);
  int rc;

  if (stmt == NULL)
    return -1;

  bind_text (stmt, 1, endpoint_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "read an endpoint's failure clock");
      return -1;
    }

  wh_store_set_no_endpoint_error (error, self->name, endpoint_id);
  return -1;
}

/* Every call takes the store's lock; a SQLite built without any thread support
 * (SQLITE_THREADSAFE=0) cannot have its connection used from another thread at all. */
static gboolean
wh_sqlite_store_is_thread_safe (WhStore *store)
{
  return sqlite3_threadsafe () != 0;
}

static void
wh_sqlite_store_store_iface_init (WhStoreInterface *iface)
{
  iface->add_endpoint = wh_sqlite_store_add_endpoint;
  iface->update_endpoint = wh_sqlite_store_update_endpoint;
  iface->remove_endpoint = wh_sqlite_store_remove_endpoint;
  iface->lookup_endpoint = wh_sqlite_store_lookup_endpoint;
  iface->list_endpoints = wh_sqlite_store_list_endpoints;
  iface->publish = wh_sqlite_store_publish;
  iface->claim_due = wh_sqlite_store_claim_due;
  iface->record_attempt = wh_sqlite_store_record_attempt;
  iface->list_deliveries = wh_sqlite_store_list_deliveries;
  iface->list_attempts = wh_sqlite_store_list_attempts;
  iface->count_deliveries = wh_sqlite_store_count_deliveries;
  iface->release = wh_sqlite_store_release;
  iface->get_endpoint_failing_since = wh_sqlite_store_get_endpoint_failing_since;
  iface->record_attempts = wh_sqlite_store_record_attempts;
  iface->is_thread_safe = wh_sqlite_store_is_thread_safe;
}

/* Takes a gpointer, to be the WhStoreExecFunc of wh_store_upgrade_schema(). */
static gboolean
exec (gpointer     data,
      const char  *sql,
      const char  *doing,
      GError     **error)
{
  WhSqliteStore *self = data;

  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, doing);
      return FALSE;
    }

  return TRUE;
}

/* Returns the first column of the first row of @sql as an integer, or -1 on error. */
static gint64
query_int (WhSqliteStore  *self,
           const char     *sql,
           const char     *doing,
           GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, doing);
      return -1;
    }

  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else
    set_sqlite_error (self, error, doing);
  sqlite3_finalize (stmt);

  return value;
}

static gboolean
check_schema (WhSqliteStore  *self,
              GError        **error)
{
  gint64 has_schema;
  gint64 version;

  has_schema = query_int (self,
                          "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'wh_schema'",
                          "read the schema", error);
  if (has_schema < 0)
    return FALSE;

  if (has_schema == 0)
    {
      gint64 objects = query_int (self, "SELECT count(*) FROM sqlite_master",
                                  "read the schema", error);

      if (objects < 0)
        return FALSE;
      if (objects > 0)
        {
          g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                       "“%s” is a SQLite database of another application, not a "
                       "libwebhooks store; give libwebhooks a file of its own",
                       self->path);
          return FALSE;
        }

      if (!exec (self, schema_v1_sql, "create the tables", error) ||
          !exec (self, "INSERT INTO wh_schema (version) VALUES (1)", "create the tables", error))
        return FALSE;
    }

  version = query_int (self, "SELECT max(version) FROM wh_schema", "read the schema version", error);

  return version >= 0 &&
         wh_store_upgrade_schema (self, exec, self->name, version,
                                  WH_SQLITE_STORE_SCHEMA_VERSION, migrations, "open it",
                                  "it is damaged, move it aside and start a new store",
                                  error);
}

/* Checkpoints copy the write-ahead log into the database file and fsync both. SQLite
 * runs them inside the commit that crosses its threshold, which would stall the main
 * loop for milliseconds; this thread does it instead, with a connection of its own.
 * A passive checkpoint never blocks the store's writes, and durability is the same:
 * a commit is in the log (synchronous=NORMAL) before it returns either way. */
static gpointer
checkpoint_thread (gpointer data)
{
  Checkpointer *checkpointer = data;

  g_mutex_lock (&checkpointer->lock);
  for (;;)
    {
      while (!checkpointer->wanted && !checkpointer->stopping)
        g_cond_wait (&checkpointer->cond, &checkpointer->lock);
      if (checkpointer->stopping)
        break;
      checkpointer->wanted = FALSE;
      g_mutex_unlock (&checkpointer->lock);

      /* Busy (another connection checkpointing) is fine: the next request retries. */
      g_mutex_lock (&checkpointer->running);
      sqlite3_wal_checkpoint_v2 (checkpointer->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                 NULL, NULL);
      g_mutex_unlock (&checkpointer->running);

      g_mutex_lock (&checkpointer->lock);
    }
  g_mutex_unlock (&checkpointer->lock);

  return NULL;
}

/* Called by SQLite after each commit on the store's connection, with the size of the
 * log; replaces the automatic checkpoint. */
static int
on_wal_commit (void       *data,
               sqlite3    *db,
               const char *name,
               int         pages)
{
  Checkpointer *checkpointer = data;

  /* Inside the commit the busy handler is not called, so commit() does it after. */
  if (pages >= CHECKPOINT_PAGES_INLINE)
    checkpointer->overdue = TRUE;
  else if (pages >= CHECKPOINT_PAGES)
    {
      g_mutex_lock (&checkpointer->lock);
      checkpointer->wanted = TRUE;
      g_cond_signal (&checkpointer->cond);
      g_mutex_unlock (&checkpointer->lock);
    }

  return SQLITE_OK;
}

static void
checkpointer_free (Checkpointer *checkpointer)
{
  g_mutex_clear (&checkpointer->lock);
  g_mutex_clear (&checkpointer->running);
  g_cond_clear (&checkpointer->cond);
  g_clear_pointer (&checkpointer->db, sqlite3_close_v2);
  g_free (checkpointer);
}

static void
stop_checkpoints (WhSqliteStore *self)
{
  if (self->db != NULL)
    sqlite3_wal_hook (self->db, NULL, NULL);

  if (self->checkpoint_thread != NULL)
    {
      g_mutex_lock (&self->checkpointer->lock);
      self->checkpointer->stopping = TRUE;
      g_cond_signal (&self->checkpointer->cond);
      g_mutex_unlock (&self->checkpointer->lock);
      g_thread_join (g_steal_pointer (&self->checkpoint_thread));
    }

  g_clear_pointer (&self->checkpointer, checkpointer_free);
}

/* Only a store with a log gets the thread: ":memory:" and temporary databases have
 * none. Without a thread (it or its connection could not be made) SQLite's automatic
 * checkpoints stay on. */
static void
start_checkpoints (WhSqliteStore *self)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  const char *filename = sqlite3_db_filename (self->db, "main");
  gboolean wal = FALSE;

  if (filename == NULL || filename[0] == '\0')
    return;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (!wal)
    return;

  /* Opened here rather than in the thread, so that it names the same file even if the
   * folder is renamed or removed meanwhile; moving a connection to another thread is
   * fine in SQLite's default threading mode. */
  if (sqlite3_open_v2 (filename, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      g_clear_pointer (&db, sqlite3_close_v2);
      return;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  /* A connection only knows the file is in WAL mode once it read it; until then a
   * checkpoint does nothing. */
  wal = FALSE;
  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (!wal)
    {
      sqlite3_close_v2 (db);
      return;
    }

  self->checkpointer = g_new0 (Checkpointer, 1);
  g_mutex_init (&self->checkpointer->lock);
  g_mutex_init (&self->checkpointer->running);
  g_cond_init (&self->checkpointer->cond);
  self->checkpointer->db = db;

  self->checkpoint_thread = g_thread_try_new ("wh-checkpoint", checkpoint_thread,
                                              self->checkpointer, &error);
  if (self->checkpoint_thread == NULL)
    {
      g_clear_pointer (&self->checkpointer, checkpointer_free);
      return;
    }

  /* Replaces the automatic checkpoint, which is itself a log hook. */
  sqlite3_wal_hook (self->db, on_wal_commit, self->checkpointer);
}

static gboolean
wh_sqlite_store_initable_init (GInitable     *initable,
                               GCancellable  *cancellable,
                               GError       **error)
{
  WhSqliteStore *self = WH_SQLITE_STORE (initable);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  int rc;

  if (self->path == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "A SQLite store needs a path; give a file name, or “:memory:”");
      return FALSE;
    }

  if (self->db != NULL)
    return TRUE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "Cannot open the store “%s”: %s; check that its folder exists and "
                   "can be written",
                   self->path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      g_clear_pointer (&self->db, sqlite3_close_v2);
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* journal_mode is the first statement that reads the file, so a file that is not a
   * database is found here. */
  if (!exec (self, "PRAGMA foreign_keys = ON", "enable foreign keys", error) ||
      !exec (self, "PRAGMA journal_mode = WAL", "switch to write-ahead logging", error) ||
      !exec (self, "PRAGMA synchronous = NORMAL", "set the synchronous mode", error) ||
      !begin (self, error))
    goto failed;

  if (!check_schema (self, error) || !commit (self, error))
    {
      rollback (self);
      goto failed;
    }

  start_checkpoints (self);

  return TRUE;

failed:
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  return FALSE;
}

static void
wh_sqlite_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = wh_sqlite_store_initable_init;
}

static void
wh_sqlite_store_finalize (GObject *object)
{
  WhSqliteStore *self = WH_SQLITE_STORE (object);

  stop_checkpoints (self);
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->lease_owner, g_free);

  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (wh_sqlite_store_parent_class)->finalize (object);
}

static void
wh_sqlite_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  WhSqliteStore *self = WH_SQLITE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_sqlite_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  WhSqliteStore *self = WH_SQLITE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      g_free (self->name);
      self->name = g_strdup_printf ("store “%s”", self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wh_sqlite_store_class_init (WhSqliteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wh_sqlite_store_finalize;
  object_class->get_property = wh_sqlite_store_get_property;
  object_class->set_property = wh_sqlite_store_set_property;

  /**
   * WhSqliteStore:path:
   *
   * The database file, created if it does not exist, or `:memory:` for a store that
   * lives only as long as the object.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", "Path", "The database file, or \":memory:\"",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wh_sqlite_store_init (WhSqliteStore *self)
{
  g_mutex_init (&self->lock);

  self->lease_owner = wh_store_lease_owner_new ();
}

/**
 * wh_sqlite_store_new:
 * @path: the database file, created if it does not exist, or `:memory:`
 * @error: return location for a #GError, or %NULL
 *
 * Opens a SQLite store, creating its file and tables when needed.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set to
 *   %WH_ERROR_STORE if the file cannot be opened, is not a SQLite database, belongs to
 *   another application or was written by a newer libwebhooks
 */
WhStore *
wh_sqlite_store_new (const char  *path,
                     GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (WH_TYPE_SQLITE_STORE, NULL, error, "path", path, NULL);
}

/**
 * wh_sqlite_store_get_path:
 * @self: a #WhSqliteStore
 *
 * Gets the database file of the store.
 *
 * Returns: the path, or `:memory:`
 */
const char *
wh_sqlite_store_get_path (WhSqliteStore *self)
{
  g_return_val_if_fail (WH_IS_SQLITE_STORE (self), NULL);

  return self->path;
}
