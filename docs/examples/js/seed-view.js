// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The APIView example of Esmerald's "Webhooks" page, with libwebhooks from GJS: every
// handler of the view is a webhook. It prints the same bytes as docs/examples/c/seed-view.c.
//
//   gjs -m docs/examples/js/seed-view.js

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import {APIView, Application, WebhookGateway, registerModel, whpost} from '../../../bindings/gjs/webhooks.js';

const Payment = registerModel({
    Properties: {
        'is-paid': GObject.ParamSpec.boolean('is-paid', 'Is paid', 'Whether the payment went through',
            GObject.ParamFlags.READWRITE, false),
        'amount': GObject.ParamSpec.double('amount', 'Amount', 'How much was paid',
            GObject.ParamFlags.READWRITE, -Number.MAX_VALUE, Number.MAX_VALUE, 0),
        'paid-at': GObject.ParamSpec.boxed('paid-at', 'Paid at', 'When the payment was made',
            GObject.ParamFlags.READWRITE, GLib.DateTime.$gtype),
    },
}, class Payment extends GObject.Object {});

// Esmerald decorates the methods; here the static `handlers` map says which handler each
// method is. Each becomes its own operation, named after the method.
const PaymentWebhook = GObject.registerClass(class PaymentWebhook extends APIView {
    static handlers = {
        new_event: whpost('new-event', {bodyType: Payment}),
        new_payment: whpost('payments', {bodyType: Payment}),
    };

    new_event(data) {}

    new_payment(data) {}
});

const app = Application({
    title: 'Payments',
    version: '1.0.0',
    webhooks: [WebhookGateway({handler: PaymentWebhook})],
});

print(app.get_openapi_json(true));
