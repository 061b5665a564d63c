/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A thread that runs jobs one after the other, in the order they were pushed, and
 * hands each finished job back on a main context, in the same order. The dispatcher
 * gives it the store's work (claiming, signing, recording) so that its main context
 * keeps the sockets busy meanwhile. */
typedef struct _WhWorker WhWorker;

/* Runs on the worker's thread. */
typedef void (*WhWorkerRunFunc)  (gpointer job,
                                  gpointer user_data);
/* Runs on the main context (or in wh_worker_free()) with a finished job; takes it. */
typedef void (*WhWorkerDoneFunc) (gpointer job,
                                  gpointer user_data);

WhWorker *wh_worker_new  (const char       *name,
                          GMainContext     *context,
                          WhWorkerRunFunc   run,
                          WhWorkerDoneFunc  done,
                          gpointer          user_data);
void      wh_worker_push (WhWorker         *self,
                          gpointer          job);
/* Lets the thread run every job pushed so far, waits for it to end, and calls the done
 * function for each job not handed back yet, before returning. */
void      wh_worker_free (WhWorker         *self);

G_END_DECLS
