/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

/* Helpers that the tests of every WhStore implementation share (tests/store for the
 * SQLite store, tests/pg for the PostgreSQL one). Static inline, so that a test takes
 * them with its #include and needs nothing more to link. */

#include <webhooks.h>

G_BEGIN_DECLS

/* Adds an endpoint for @url to @store; returns it. */
static inline WhEndpoint *
test_common_add_endpoint (WhStore    *store,
                          const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WhEndpoint) endpoint = wh_endpoint_new (url, &error);

  g_assert_no_error (error);
  g_assert_true (wh_store_add_endpoint (store, endpoint, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&endpoint);
}

/* Claims up to @limit deliveries due at @now, leased for @lease_seconds. */
static inline GPtrArray *
test_common_claim (WhStore *store,
                   gint64   now,
                   guint    limit,
                   guint    lease_seconds)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *claimed = wh_store_claim_due (store, now, limit, lease_seconds, &error);

  g_assert_no_error (error);
  g_assert_nonnull (claimed);

  return claimed;
}

/* Checks how many deliveries @store has in each state. */
static inline void
test_common_assert_counts (WhStore *store,
                           guint64  pending,
                           guint64  succeeded,
                           guint64  failed)
{
  g_autoptr(GError) error = NULL;
  guint64 p = 99, s = 99, f = 99;

  g_assert_true (wh_store_count_deliveries (store, &p, &s, &f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (p, ==, pending);
  g_assert_cmpuint (s, ==, succeeded);
  g_assert_cmpuint (f, ==, failed);
}

G_END_DECLS
