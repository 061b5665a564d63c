/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The seed's model, as the serving, receiving and delivery tests use it: "is-paid" and a
 * non-negative "amount". Its fields are public so that tests can read what arrived. */
#define TEST_TYPE_PAYMENT (test_payment_get_type ())
G_DECLARE_FINAL_TYPE (TestPayment, test_payment, TEST, PAYMENT, GObject)

struct _TestPayment
{
  GObject parent_instance;
  gboolean is_paid;
  double amount;
};

G_END_DECLS
