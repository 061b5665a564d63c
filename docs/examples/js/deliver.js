// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Sending the seed's new-event webhook with libwebhooks from GJS: a dispatcher publishes a
// Payment to a receiver on a loopback server, which checks its signature and gets it back as
// a Payment. Sender and receiver share nothing but the endpoint's secret.
//
//   gjs -m docs/examples/js/deliver.js
//
// Installed, import the helpers from 'file:///usr/share/webhooks-1/gjs/webhooks.js'.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Soup from 'gi://Soup?version=3.0';
import {Application, WebhookGateway, Webhooks, registerModel, whpost}
    from '../../../bindings/gjs/webhooks.js';

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

const app = Application({
    title: 'Payments',
    version: '1.0.0',
    webhooks: [WebhookGateway({handler: whpost('new-event', {bodyType: Payment})})],
});

const server = new Soup.Server();
server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY);
const url = `http://127.0.0.1:${server.get_uris()[0].get_port()}/hooks`;

// A file keeps what is not delivered yet across restarts; ':memory:' is enough here.
const dispatcher = Webhooks.Dispatcher.new(app, Webhooks.SqliteStore.new(':memory:'));
// Loopback, like any private network, is refused unless allowed.
dispatcher.allow_network('127.0.0.0/8');
const endpoint = Webhooks.Endpoint.new(url);  // with a fresh whsec_ secret
dispatcher.add_endpoint(endpoint);

const receiver = Webhooks.Receiver.new(endpoint.secret);
receiver.set_application(app);
receiver.set_event('new-event');
receiver.attach(server, '/hooks');

const loop = new GLib.MainLoop(null, false);

receiver.connect('received', (_receiver, webhookId, event, _payload, payment) => {
    print(`Received ${event} ${webhookId}, signature verified: ` +
        `is_paid=${payment.is_paid} amount=${payment.amount}`);
});
dispatcher.connect('delivery-succeeded', (_dispatcher, delivery, attempt) => {
    print(`Delivered ${delivery.message_id}: the receiver answered ${attempt.status_code}`);
    loop.quit();
});
dispatcher.connect('delivery-failed', (_dispatcher, _delivery, attempt) => {
    print(`Attempt ${attempt.number} failed: ${attempt.error_message}`);
});

dispatcher.start();
const payment = new Payment({is_paid: true, amount: 9.99,
    paid_at: GLib.DateTime.new_utc(2024, 5, 1, 12, 0, 0)});
print(`Published new-event ${dispatcher.publish('new-event', payment)}`);
GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 10, () => {
    loop.quit();
    return GLib.SOURCE_REMOVE;
});
loop.run();
dispatcher.stop();
