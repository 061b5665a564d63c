/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The store's side of WhDispatcher and the pipeline around it: claiming due deliveries
 * and signing them, recording finished attempts, the jobs that do both (on the worker
 * thread with a thread-safe store), what a claim puts in the queue of deliveries ready
 * to send, and when to claim again. */

#include "config.h"

#include "wh-dispatcher-private.h"
#include "wh-signature.h"

/* The store's part of sending, done on the dispatcher's worker thread when the store
 * is thread-safe, on its main context otherwise. */
typedef enum
{
  JOB_CLAIM,                   /* take due deliveries and sign them */
  JOB_RECORD,                  /* record finished attempts */
} JobKind;

typedef struct
{
  JobKind kind;
  WhStore *store;
  /* JOB_CLAIM */
  gint64 now;
  guint limit;
  guint lease_seconds;
  GPtrArray *prepared;         /* Prepared, out */
  gboolean drained;            /* out: fewer were due than asked for */
  GError *error;               /* out: the claim itself failed */
  /* JOB_RECORD */
  GPtrArray *finished;         /* Finished */
} Job;

/* Time */

/* The priority of the work that follows the answers: recording them and claiming more.
 * Done on the main context, it waits until no answer is ready, so that one claim
 * replaces many sends. Handed to the worker, it must not wait that long: the main
 * context is never idle while sends are in flight, and would only ask for the next
 * deliveries once every send has finished, then wait for them with nothing to do. */
int
wh_dispatcher_get_soon_priority (WhDispatcher *self)
{
  return self->worker != NULL ? G_PRIORITY_DEFAULT + 1 : G_PRIORITY_DEFAULT_IDLE;
}

static guint
lease_seconds (WhDispatcher *self)
{
  /* A lease shorter than an attempt would hand a delivery to another process while
   * this one still waits for the answer. */
  guint64 ms = MAX ((guint64) self->lease_time, (guint64) self->timeout + 5000);

  return (guint) MIN ((ms + 999) / 1000, G_MAXUINT);
}

/* Recording */

void
wh_dispatcher_finished_free (gpointer data)
{
  Finished *finished = data;

  g_clear_object (&finished->delivery);
  g_clear_object (&finished->attempt);
  g_clear_pointer (&finished->disable_reason, g_free);
  g_free (finished);
}

static void
record_one (WhStore  *store,
            Finished *finished)
{
  g_autoptr(GError) error = NULL;

  if (!wh_store_record_attempt (store, finished->attempt, &error))
    /* The lease runs out and the delivery is tried again: at least once, never lost. */
    g_warning ("Could not record attempt %u of the delivery %" G_GINT64_FORMAT
               " of %s; it will be tried again when its lease runs out: %s",
               wh_attempt_get_number (finished->attempt),
               wh_delivery_get_id (finished->delivery),
               wh_delivery_get_message_id (finished->delivery), error->message);
}

/* Preparing a delivery: on the worker thread with a thread-safe store, so nothing here
 * touches the dispatcher. */

void
wh_dispatcher_prepared_free (gpointer data)
{
  Prepared *prepared = data;

  g_clear_object (&prepared->delivery);
  g_clear_object (&prepared->endpoint);
  g_clear_pointer (&prepared->uri, g_uri_unref);
  g_clear_pointer (&prepared->origin, g_ref_string_release);
  g_clear_pointer (&prepared->timestamp, g_free);
  g_clear_pointer (&prepared->signature, g_free);
  g_clear_error (&prepared->error);
  g_free (prepared);
}

/* An endpoint of a claim, with what its deliveries share: its parsed URL and the
 * origin libsoup counts its connections by, worked out once for all of them. */
typedef struct
{
  WhEndpoint *endpoint;
  GUri *uri;
  char *origin;                /* a GRefString, shared with the deliveries */
  GError *error;               /* why the URL cannot be used, instead of the above */
} Target;

static void
target_free (gpointer data)
{
  Target *target = data;

  g_clear_object (&target->endpoint);
  g_clear_pointer (&target->uri, g_uri_unref);
  g_clear_pointer (&target->origin, g_ref_string_release);
  g_clear_error (&target->error);
  g_free (target);
}

static Target *
target_new (WhEndpoint *endpoint)
{
  Target *target = g_new0 (Target, 1);
  g_autofree char *origin = NULL;

  target->endpoint = endpoint;
  target->uri = g_uri_parse (wh_endpoint_get_url (endpoint), SOUP_HTTP_URI_FLAGS,
                             &target->error);
  if (target->uri == NULL)
    return target;

  origin = g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (target->uri),
                            g_uri_get_host (target->uri), g_uri_get_port (target->uri));
  target->origin = g_ref_string_new_intern (origin);

  return target;
}

/* Signs @delivery for @target's endpoint now, with each of its active secrets while
 * its secret is being rotated. */
static Prepared *
prepare (WhDelivery *delivery,
         Target     *target)
{
  Prepared *prepared = g_new0 (Prepared, 1);
  WhEndpoint *endpoint = target->endpoint;
  const char *current[] = { wh_endpoint_get_secret (endpoint), NULL };
  const char * const *secrets = current;
  gint64 now = g_get_real_time ();
  gint64 timestamp = now / G_USEC_PER_SEC;
  g_auto(GStrv) active = NULL;

  prepared->delivery = g_object_ref (delivery);
  prepared->endpoint = g_object_ref (endpoint);
  prepared->claimed_at = g_get_monotonic_time ();

  if (target->uri == NULL)
    {
      prepared->error = g_error_copy (target->error);
      return prepared;
    }
  prepared->uri = g_uri_ref (target->uri);
  prepared->origin = g_ref_string_acquire (target->origin);

  /* Only while a secret is being rotated: the usual request needs no copies. */
  if (wh_endpoint_get_previous_secrets (endpoint)[0] != NULL)
    {
      active = wh_endpoint_get_active_secrets (endpoint, now);
      secrets = (const char * const *) active;
    }

  prepared->signature = wh_signature_sign_with_secrets (secrets,
                                                        wh_delivery_get_message_id (delivery),
                                                        timestamp,
                                                        wh_delivery_get_payload (delivery),
                                                        &prepared->error);
  if (prepared->signature != NULL)
    prepared->timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, timestamp);

  return prepared;
}

static void
run_claim (Job *job)
{
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GHashTable) targets = NULL;

  claimed = wh_store_claim_due (job->store, job->now, job->limit, job->lease_seconds,
                                &job->error);
  if (claimed == NULL)
    return;

  job->drained = claimed->len < job->limit;
  job->prepared = g_ptr_array_new_full (claimed->len, wh_dispatcher_prepared_free);

  targets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, target_free);
  for (guint i = 0; i < claimed->len; i++)
    {
      WhDelivery *delivery = g_ptr_array_index (claimed, i);
      const char *endpoint_id = wh_delivery_get_endpoint_id (delivery);
      Target *target = g_hash_table_lookup (targets, endpoint_id);

      if (target == NULL)
        {
          g_autoptr(GError) error = NULL;
          WhEndpoint *endpoint = wh_store_lookup_endpoint (job->store, endpoint_id, &error);

          /* Removed since the claim (its deliveries went with it), or the store
           * failed: the lease runs out and the delivery comes back if it still exists. */
          if (endpoint == NULL)
            continue;
          target = target_new (endpoint);
          g_hash_table_insert (targets, (gpointer) wh_endpoint_get_id (endpoint), target);
        }

      g_ptr_array_add (job->prepared, prepare (delivery, target));
    }
}

static void
run_record (Job *job)
{
  g_autoptr(GError) error = NULL;

  if (WH_STORE_GET_IFACE (job->store)->record_attempts != NULL)
    {
      g_autoptr(GPtrArray) attempts = g_ptr_array_sized_new (job->finished->len);

      for (guint i = 0; i < job->finished->len; i++)
        g_ptr_array_add (attempts, ((Finished *) g_ptr_array_index (job->finished, i))->attempt);

      /* All or none: when one cannot be recorded (its delivery went away with its
       * endpoint), the others are recorded one by one. */
      if (wh_store_record_attempts (job->store, attempts, &error))
        return;
    }

  for (guint i = 0; i < job->finished->len; i++)
    record_one (job->store, g_ptr_array_index (job->finished, i));
}

void
wh_dispatcher_run_job (gpointer data,
                       gpointer user_data)
{
  Job *job = data;

  if (job->kind == JOB_CLAIM)
    run_claim (job);
  else
    run_record (job);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->prepared, g_ptr_array_unref);
  g_clear_pointer (&job->finished, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

/* The scheduler */

/* Gives a claimed delivery back to the store, due again at once with the same attempt
 * number: for this dispatcher when it starts again, or for another process. */
void
wh_dispatcher_hand_back (WhDispatcher *self,
                         WhDelivery   *delivery,
                         gint64        started_at,
                         gint64        duration)
{
  g_autoptr(WhAttempt) attempt = NULL;
  g_autoptr(GError) error = NULL;

  if (WH_STORE_GET_IFACE (self->store)->release != NULL)
    {
      if (!wh_store_release (self->store, wh_delivery_get_id (delivery), &error))
        g_warning ("Could not hand back the delivery %" G_GINT64_FORMAT " of %s; it "
                   "will be sent again when its lease runs out: %s",
                   wh_delivery_get_id (delivery), wh_delivery_get_message_id (delivery),
                   error->message);
      return;
    }

  /* A store without wh_store_release(): an attempt is the only way to hand back. */
  attempt = wh_attempt_new (wh_delivery_get_id (delivery),
                            wh_delivery_get_attempt (delivery),
                            started_at, duration, 0,
                            "The dispatcher stopped before the endpoint answered; the "
                            "delivery was handed back to be sent again",
                            NULL, g_get_real_time ());
  if (!wh_store_record_attempt (self->store, attempt, &error))
    g_warning ("Could not hand back the delivery %" G_GINT64_FORMAT " of %s; it will "
               "be sent again when its lease runs out: %s",
               wh_delivery_get_id (delivery), wh_delivery_get_message_id (delivery),
               error->message);
}

void
wh_dispatcher_hand_back_ready (WhDispatcher *self)
{
  Prepared *prepared;

  while ((prepared = g_queue_pop_head (&self->ready)) != NULL)
    {
      wh_dispatcher_hand_back (self, prepared->delivery, g_get_real_time (), 0);
      wh_dispatcher_prepared_free (prepared);
    }
}

static void
claim_done (WhDispatcher *self,
            Job          *job)
{
  gboolean wanted = self->claim_wanted;

  self->claiming = FALSE;
  self->claim_wanted = FALSE;

  if (job->prepared == NULL)
    {
      if (self->running)
        {
          g_warning ("Could not take due deliveries from the store; trying again in %u ms: %s",
                     self->poll_interval, job->error->message);
          wh_dispatcher_schedule_claim (self, (gint64) self->poll_interval * 1000);
        }
      return;
    }

  self->drained = job->drained;

  g_ptr_array_set_free_func (job->prepared, NULL);
  for (guint i = 0; i < job->prepared->len; i++)
    g_queue_push_tail (&self->ready, g_ptr_array_index (job->prepared, i));
  if (job->prepared->len > 0 && self->running)
    wh_dispatcher_arm_deadline (self, ((Prepared *) job->prepared->pdata[0])->claimed_at
                                      + (gint64) self->timeout * 1000);

  if (!self->running)
    {
      wh_dispatcher_hand_back_ready (self);
      return;
    }

  wh_dispatcher_fill (self);

  if (self->running)
    wh_dispatcher_schedule_claim (self, self->drained && !wanted
                                        ? (gint64) self->poll_interval * 1000 : 0);
}

static void
record_done (WhDispatcher *self,
             Job          *job)
{
  g_object_ref (self);

  for (guint i = 0; i < job->finished->len; i++)
    wh_dispatcher_announce (self, g_ptr_array_index (job->finished, i));

  if (self->running && !self->drained)
    wh_dispatcher_schedule_claim (self, 0);

  g_object_unref (self);
}

/* On the main context, once the job ran. */
void
wh_dispatcher_finish_job (gpointer data,
                          gpointer user_data)
{
  WhDispatcher *self = user_data;
  Job *job = data;

  if (job->kind == JOB_CLAIM)
    claim_done (self, job);
  else
    record_done (self, job);

  job_free (job);
}

/* Runs @job on the worker thread, or now with a store that is not thread-safe (or when
 * the worker is being stopped). */
static void
submit (WhDispatcher *self,
        Job          *job)
{
  if (self->worker != NULL)
    {
      wh_worker_push (self->worker, job);
      return;
    }

  wh_dispatcher_run_job (job, self);
  wh_dispatcher_finish_job (job, self);
}

/* Hands the attempts that finished since the last time to be recorded, in one store
 * transaction; their signals follow once they are in the store
 * (wh_dispatcher_finish_job()). A delivery is only done once its attempt is recorded, so
 * delaying the record changes nothing to what survives a crash: an unrecorded delivery
 * is still leased and is sent again. */
void
wh_dispatcher_flush_finished (WhDispatcher *self)
{
  Job *job;

  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }

  if (self->finished->len == 0)
    return;

  job = g_new0 (Job, 1);
  job->kind = JOB_RECORD;
  job->store = self->store;
  job->finished = g_steal_pointer (&self->finished);
  self->finished = g_ptr_array_new_with_free_func (wh_dispatcher_finished_free);

  submit (self, job);
}

void
wh_dispatcher_claim_due (WhDispatcher *self)
{
  guint64 room;
  guint64 waiting;
  Job *job;

  if (!self->running)
    return;

  wh_dispatcher_fill (self);
  if (!self->running)
    return;

  if (self->claiming)
    {
      /* Claimed again as soon as that one is back. */
      self->claim_wanted = TRUE;
      wh_dispatcher_flush_finished (self);
      return;
    }

  room = self->concurrency;
  waiting = (guint64) g_hash_table_size (self->in_flight) + self->ready.length;
  /* While deliveries wait for a connection, the next claim can wait for more room:
   * fewer, larger claims. */
  if (waiting >= room ||
      (self->ready.length > 0 && room - waiting < MAX (MIN (self->batch_size, room) / 2, 1)))
    {
      wh_dispatcher_flush_finished (self);
      return;
    }

  /* Recorded first: a delivery retried at once is due again when claimed. */
  wh_dispatcher_flush_finished (self);
  if (!self->running)
    return;

  job = g_new0 (Job, 1);
  job->kind = JOB_CLAIM;
  job->store = self->store;
  job->now = g_get_real_time ();
  job->limit = (guint) MIN (room - waiting, self->batch_size);
  job->lease_seconds = lease_seconds (self);

  self->claiming = TRUE;
  self->claim_wanted = FALSE;
  submit (self, job);
}

static gboolean
on_wake (gpointer user_data)
{
  WhDispatcher *self = user_data;

  g_clear_pointer (&self->wake_source, g_source_unref);
  self->wake_at = 0;
  wh_dispatcher_claim_due (self);

  return G_SOURCE_REMOVE;
}

/* Makes sure a claim happens within @delay_usec, keeping an earlier one if there is. */
void
wh_dispatcher_schedule_claim (WhDispatcher *self,
                              gint64        delay_usec)
{
  gint64 at;

  if (!self->running)
    return;

  delay_usec = MAX (delay_usec, 0);
  at = g_get_monotonic_time () + delay_usec;
  if (self->wake_source != NULL && self->wake_at <= at)
    return;

  if (self->wake_source != NULL)
    {
      g_source_destroy (self->wake_source);
      g_clear_pointer (&self->wake_source, g_source_unref);
    }

  if (delay_usec == 0)
    {
      /* After whatever else is ready, so that completions arriving together are
       * refilled by one claim. */
      self->wake_source = g_idle_source_new ();
      g_source_set_priority (self->wake_source, wh_dispatcher_get_soon_priority (self));
    }
  else
    self->wake_source = g_timeout_source_new ((guint) MIN ((delay_usec + 999) / 1000, G_MAXUINT));

  g_source_set_callback (self->wake_source, on_wake, self, NULL);
  g_source_attach (self->wake_source, self->context);
  self->wake_at = at;
}
