/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <libsoup/soup.h>

#include "wh-dispatcher.h"
#include "wh-egress-guard-private.h"
#include "wh-request-coalescer-private.h"
#include "wh-worker-private.h"

G_BEGIN_DECLS

/* WhDispatcher lives in three files: wh-dispatcher.c is the object, its API, the
 * application's side (payload validation, how requests are made) and the endpoints;
 * wh-dispatcher-send.c makes one attempt over libsoup; wh-dispatcher-schedule.c is the
 * store's side (claiming, signing, recording) and decides when to claim. This is what
 * they share. */

typedef struct _Send Send;

struct _WhDispatcher
{
  GObject parent_instance;

  WhApplication *application;
  WhStore *store;
  WhEgressGuard *guard;
  GArray *schedule;            /* of guint64 milliseconds */
  GProxyResolver *proxy_resolver;
  GTlsDatabase *tls_database;
  guint max_conns;
  guint max_conns_per_host;
  guint concurrency;
  guint batch_size;
  guint timeout;
  guint poll_interval;
  guint lease_time;
  guint64 max_response_body;
  guint64 max_retry_after;
  guint64 disable_after;
  double retry_jitter;

  /* While running */
  gboolean running;
  GMainContext *context;
  SoupSession *session;
  GSource *wake_source;
  gint64 wake_at;              /* monotonic time wake_source fires */
  gboolean drained;            /* the last claim found fewer deliveries than it asked for */
  GHashTable *in_flight;       /* Send set */
  GHashTable *failing_since;   /* endpoint id -> first failure (gint64 *, real time), for
                                * stores that do not keep it */
  GHashTable *request_kinds;   /* event -> RequestKind, until the application changes */
  GPtrArray *finished;         /* Finished, answered but not recorded yet */
  GSource *deadline_source;    /* one timer for every send's deadline */
  gint64 deadline_source_at;
  GPtrArray *endpoints;        /* WhEndpoint: the store's endpoints, or NULL to read them */
  gint64 endpoints_read_at;    /* monotonic time */
  GSource *flush_source;
  WhRequestCoalescer *coalescer; /* while running */
  gboolean store_thread;
  WhWorker *worker;            /* the store's work, while running with a thread-safe store */
  gboolean claiming;           /* a claim is on its way */
  GQueue ready;                /* Prepared: claimed and signed, waiting for a connection */
  GHashTable *sending_to;      /* origin (GRefString) -> sends in libsoup's hands (guint *) */
  gboolean claim_wanted;       /* and another was asked for meanwhile */
};

/* An attempt that is over, waiting to be recorded with the others that ended with it. */
typedef struct
{
  WhDelivery *delivery;
  WhAttempt *attempt;
  char *disable_reason;
  gint64 now;
  gint64 next_attempt_at;
  gboolean succeeded;
} Finished;

/* A claimed delivery made ready to send, signed where the store's work is done. */
typedef struct
{
  WhDelivery *delivery;
  WhEndpoint *endpoint;
  GUri *uri;
  char *origin;                /* scheme://host:port, what libsoup limits connections by
                                * (a GRefString, shared by the deliveries to one origin) */
  gint64 claimed_at;           /* monotonic time; the attempt's deadline counts from it */
  char *timestamp;             /* webhook-timestamp */
  char *signature;             /* webhook-signature */
  GError *error;               /* why it cannot be sent, instead of the above */
} Prepared;

/* How a webhook's requests are made, looked up once per event rather than per request. */
typedef struct
{
  char *method;
  char *media_type;
} RequestKind;

struct _Send
{
  WhDispatcher *dispatcher;    /* NULL once the dispatcher stopped or went away */
  char *origin;                /* a GRefString, the key it is counted under */
  WhDelivery *delivery;
  WhEndpoint *endpoint;
  SoupMessage *msg;
  GCancellable *cancellable;
  gint64 deadline_at;          /* monotonic time */
  GInputStream *stream;
  GByteArray *body_start;
  guint64 body_read;
  gint64 started_at;           /* real time */
  gint64 started_mono;
  guint status;
  char *refusal;               /* why the egress guard refused the connection */
  gboolean timed_out;
  gboolean never_sent;         /* timed out waiting for a connection */
  gboolean truncated;
};

/* wh-dispatcher.c */
const RequestKind *wh_dispatcher_lookup_request_kind (WhDispatcher *self,
                                                      const char   *event);
void               wh_dispatcher_announce            (WhDispatcher *self,
                                                      Finished     *finished);

/* wh-dispatcher-send.c */
void               wh_dispatcher_arm_deadline        (WhDispatcher *self,
                                                      gint64        at);
void               wh_dispatcher_fill                (WhDispatcher *self);

/* wh-dispatcher-schedule.c */
int                wh_dispatcher_get_soon_priority   (WhDispatcher *self);
void               wh_dispatcher_finished_free       (gpointer      data);
void               wh_dispatcher_prepared_free       (gpointer      data);
/* The WhWorker functions of the store's jobs. */
void               wh_dispatcher_run_job             (gpointer      data,
                                                      gpointer      user_data);
void               wh_dispatcher_finish_job          (gpointer      data,
                                                      gpointer      user_data);
void               wh_dispatcher_flush_finished      (WhDispatcher *self);
void               wh_dispatcher_claim_due           (WhDispatcher *self);
void               wh_dispatcher_schedule_claim      (WhDispatcher *self,
                                                      gint64        delay_usec);
void               wh_dispatcher_hand_back           (WhDispatcher *self,
                                                      WhDelivery   *delivery,
                                                      gint64        started_at,
                                                      gint64        duration);
void               wh_dispatcher_hand_back_ready     (WhDispatcher *self);

G_END_DECLS
