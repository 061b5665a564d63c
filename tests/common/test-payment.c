/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "test-payment.h"

G_DEFINE_FINAL_TYPE (TestPayment, test_payment, G_TYPE_OBJECT)

enum { PROP_IS_PAID = 1, PROP_AMOUNT };

static void
test_payment_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestPayment *self = TEST_PAYMENT (object);

  if (prop_id == PROP_IS_PAID)
    g_value_set_boolean (value, self->is_paid);
  else
    g_value_set_double (value, self->amount);
}

static void
test_payment_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TestPayment *self = TEST_PAYMENT (object);

  if (prop_id == PROP_IS_PAID)
    self->is_paid = g_value_get_boolean (value);
  else
    self->amount = g_value_get_double (value);
}

static void
test_payment_class_init (TestPaymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_payment_get_property;
  object_class->set_property = test_payment_set_property;
  g_object_class_install_property (object_class, PROP_IS_PAID,
    g_param_spec_boolean ("is-paid", "Is paid", "Whether it went through", FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_AMOUNT,
    g_param_spec_double ("amount", "Amount", "The amount paid", 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
test_payment_init (TestPayment *self)
{
}
