/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <webhooks.h>

G_BEGIN_DECLS

/* Models and views shared by the document tests and the lint program, so that the
 * documents redocly checks are the very ones the tests assert on. */

/* The C type names are the model names: a model is named after its GType unless
 * wh_model_set_name() says otherwise. */

/* The seed's model: is_paid, amount, paid_at. */
#define FIX_TYPE_PAYMENT (payment_get_type ())
G_DECLARE_FINAL_TYPE (Payment, payment, FIX, PAYMENT, GObject)

/* name, and an optional note with a default. "Customer". */
#define FIX_TYPE_CUSTOMER (customer_get_type ())
G_DECLARE_FINAL_TYPE (Customer, customer, FIX, CUSTOMER, GObject)

/* One property of every kind the issue lists, including a nested Customer. "Order". */
#define FIX_TYPE_ORDER (order_get_type ())
G_DECLARE_FINAL_TYPE (Order, order, FIX, ORDER, GObject)

/* "PaymentMethod": card, bank-transfer. */
#define FIX_TYPE_PAYMENT_METHOD (payment_method_get_type ())
GType payment_method_get_type (void);

/* "OrderOptions" flags: gift-wrap, insured. */
#define FIX_TYPE_ORDER_OPTIONS (order_options_get_type ())
GType order_options_get_type (void);

/* The seed's class-based view: whpost("new-event") and whpost("payments") named
 * new_payment, both with a Payment body. */
#define FIX_TYPE_PAYMENT_WEBHOOK (payment_webhook_get_type ())
G_DECLARE_FINAL_TYPE (PaymentWebhook, payment_webhook, FIX, PAYMENT_WEBHOOK, WhAPIView)

/* The applications whose documents are linted. Each returns a new reference. */
WhApplication *fix_empty_app (void);
WhApplication *fix_seed_app  (void);
WhApplication *fix_view_app  (void);
WhApplication *fix_full_app  (void);

G_END_DECLS
