/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include "wh-worker-private.h"

struct _WhWorker
{
  GThread *thread;
  GAsyncQueue *jobs;           /* to run; the worker itself is the signal to end */
  GAsyncQueue *finished;       /* run, to hand back */
  GSource *source;             /* hands them back on the main context */
  WhWorkerRunFunc run;
  WhWorkerDoneFunc done;
  gpointer user_data;
};

static gpointer
worker_thread (gpointer data)
{
  WhWorker *self = data;

  for (;;)
    {
      gpointer job = g_async_queue_pop (self->jobs);

      if (job == self)
        break;

      self->run (job, self->user_data);
      g_async_queue_push (self->finished, job);
      /* Thread-safe, and wakes the context up. A wake-up that finds the queue already
       * emptied costs one idle dispatch; one that came before the queue was emptied
       * is never lost, since the source is disarmed before it empties it. */
      g_source_set_ready_time (self->source, 0);
    }

  return NULL;
}

static void
hand_back (WhWorker *self)
{
  gpointer job;

  while ((job = g_async_queue_try_pop (self->finished)) != NULL)
    self->done (job, self->user_data);
}

static gboolean
on_finished (gpointer user_data)
{
  WhWorker *self = user_data;

  g_source_set_ready_time (self->source, -1);
  hand_back (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
finished_source_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  return callback (user_data);
}

/* A source with no fd, woken by its ready time: no idle source per job. */
static GSourceFuncs finished_source_funcs = { NULL, NULL, finished_source_dispatch, NULL, NULL, NULL };

WhWorker *
wh_worker_new (const char       *name,
               GMainContext     *context,
               WhWorkerRunFunc   run,
               WhWorkerDoneFunc  done,
               gpointer          user_data)
{
  WhWorker *self = g_new0 (WhWorker, 1);

  self->run = run;
  self->done = done;
  self->user_data = user_data;
  self->jobs = g_async_queue_new ();
  self->finished = g_async_queue_new ();
  self->source = g_source_new (&finished_source_funcs, sizeof (GSource));
  g_source_set_name (self->source, name);
  g_source_set_callback (self->source, on_finished, self, NULL);
  g_source_set_ready_time (self->source, -1);
  g_source_attach (self->source, context);
  self->thread = g_thread_new (name, worker_thread, self);

  return self;
}

void
wh_worker_push (WhWorker *self,
                gpointer  job)
{
  g_async_queue_push (self->jobs, job);
}

void
wh_worker_free (WhWorker *self)
{
  if (self == NULL)
    return;

  g_async_queue_push (self->jobs, self);
  g_thread_join (self->thread);

  g_source_destroy (self->source);
  g_source_unref (self->source);
  hand_back (self);

  g_async_queue_unref (self->jobs);
  g_async_queue_unref (self->finished);
  g_free (self);
}
