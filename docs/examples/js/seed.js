// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The example of Esmerald's "Webhooks" page, with libwebhooks from GJS: a Payment model, a
// POST /create route that takes one, and a new-event webhook that sends one. It prints the
// application's OpenAPI 3.1 document, the same bytes as docs/examples/c/seed.c.
//
//   gjs -m docs/examples/js/seed.js
//
// Installed, import the helpers from 'file:///usr/share/webhooks-1/gjs/webhooks.js'.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import {Application, Gateway, WebhookGateway, post, registerModel, whpost} from '../../../bindings/gjs/webhooks.js';

// A property's blurb is its member's description in the schema; the model is named after
// the class.
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

// @whpost("new-event") in Esmerald: the handler is named after its function.
const newEvent = whpost('new-event', {
    description: 'User receives a notification for every payment done.',
    bodyType: Payment,
    handler: function new_event(data) {},
});

const createPayment = post('/create', {
    bodyType: Payment,
    handler: function create_payment(data) {},
});

const app = Application({
    title: 'Payments',
    version: '1.0.0',
    routes: [Gateway({handler: createPayment})],
    webhooks: [WebhookGateway({handler: newEvent})],
});

print(app.get_openapi_json(true));
