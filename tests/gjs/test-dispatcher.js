// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Delivery from JavaScript (GJS), sender and receiver in one script: a Webhooks.Dispatcher
// publishes a model instance to a Webhooks.Receiver attached to a loopback Soup.Server, which
// hands it back verified, as the model; an endpoint that answers 500 once gets the webhook
// again; an undeclared event is a GLib.Error. TAP output.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Soup from 'gi://Soup?version=3.0';
import System from 'system';
import {Application, WebhookGateway, registerModel, whpost, Webhooks}
    from '../../bindings/gjs/webhooks.js';

const Payment = registerModel({
    Properties: {
        'is-paid': GObject.ParamSpec.boolean('is-paid', 'Is paid', 'Whether it went through',
            GObject.ParamFlags.READWRITE, false),
        'amount': GObject.ParamSpec.double('amount', 'Amount', 'How much', GObject.ParamFlags.READWRITE,
            -Number.MAX_VALUE, Number.MAX_VALUE, 0),
    },
}, class Payment extends GObject.Object {});

const app = Application({
    title: 'Payments',
    version: '1.0.0',
    webhooks: [WebhookGateway({handler: whpost('new-payment', {bodyType: Payment})})],
});

const server = new Soup.Server();
server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY);
const base = `http://127.0.0.1:${server.get_uris()[0].get_port()}`;

const dispatcher = Webhooks.Dispatcher.new(app, Webhooks.SqliteStore.new(':memory:'));
dispatcher.allow_network('127.0.0.0/8');
// Milliseconds, exactly, so that a retry comes at once.
dispatcher.set_retry_schedule([0, 10, 10]);
dispatcher.retry_jitter = 0;
dispatcher.poll_interval = 20;

// What the dispatcher told, per endpoint id.
const outcomes = [];
dispatcher.connect('delivery-succeeded', (_dispatcher, delivery, attempt) => {
    outcomes.push({endpoint: delivery.endpoint_id, message: delivery.message_id,
        succeeded: true, status: attempt.status_code, willRetry: false});
});
dispatcher.connect('delivery-failed', (_dispatcher, delivery, attempt, willRetry) => {
    outcomes.push({endpoint: delivery.endpoint_id, message: delivery.message_id,
        succeeded: false, status: attempt.status_code, willRetry});
});
const outcomesOf = endpoint => outcomes.filter(outcome => outcome.endpoint === endpoint.id);

// The receiving side: the endpoint's secret is all it shares with the sender.
const endpoint = Webhooks.Endpoint.new(`${base}/hooks/payments`);
dispatcher.add_endpoint(endpoint);
const receiver = Webhooks.Receiver.new(endpoint.secret);
receiver.set_application(app);
receiver.set_event('new-payment');
receiver.attach(server, '/hooks/payments');
const received = [];
receiver.connect('received', (_receiver, webhookId, event, payload, model) => {
    received.push({webhookId, event, model});
});

dispatcher.start();

const tests = [];
const test = (name, body) => tests.push([name, body]);

function assert(condition, what) {
    if (!condition)
        throw new Error(`assertion failed: ${what}`);
}

function runUntil(condition, what, seconds = 10) {
    const context = GLib.MainContext.default();
    const deadline = GLib.get_monotonic_time() + seconds * GLib.USEC_PER_SEC;
    // Wakes the loop up now and then, so that the deadline is noticed.
    const tick = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 50, () => GLib.SOURCE_CONTINUE);
    try {
        while (!condition()) {
            if (GLib.get_monotonic_time() > deadline)
                throw new Error(`timed out after ${seconds} s waiting for ${what}`);
            context.iteration(true);
        }
    } finally {
        GLib.source_remove(tick);
    }
}

test('publishing an undeclared event throws GLib.Error', () => {
    let thrown = null;
    try {
        dispatcher.publish('no-such-event', new Payment({is_paid: true, amount: 1}));
    } catch (e) {
        thrown = e;
    }
    assert(thrown instanceof GLib.Error, 'a GLib.Error');
    assert(thrown.matches(Webhooks.error_quark(), Webhooks.Error.INVALID_NAME), 'WH_ERROR_INVALID_NAME');
    assert(thrown.message.includes('no-such-event'), `the message names the event: ${thrown.message}`);
});

test('a published model arrives verified, as the model', () => {
    const id = dispatcher.publish('new-payment', new Payment({is_paid: true, amount: 9.99}));
    assert(id.startsWith('msg_'), `message id ${id}`);
    runUntil(() => received.length === 1 && outcomesOf(endpoint).length === 1, 'the delivery');

    const [{webhookId, event, model}] = received;
    assert(webhookId === id, 'webhook-id is the message id');
    assert(event === 'new-payment', 'event');
    assert(model instanceof Payment, `the model class, not ${model?.constructor?.name}`);
    assert(model.is_paid === true && model.amount === 9.99, 'the model\'s values');

    const [outcome] = outcomesOf(endpoint);
    assert(outcome.succeeded && outcome.status === 200 && outcome.message === id,
        `delivery-succeeded with the receiver's 200: ${JSON.stringify(outcome)}`);
});

test('an endpoint that answers 500 gets the webhook again', () => {
    const flaky = Webhooks.Endpoint.new(`${base}/hooks/flaky`);
    const requests = [];
    server.add_handler('/hooks/flaky', (_server, msg) => {
        const headers = msg.get_request_headers();
        const body = msg.get_request_body().flatten();
        requests.push({
            id: headers.get_one('webhook-id'),
            verified: Webhooks.signature_verify(flaky.secret, headers.get_one('webhook-id'),
                headers.get_one('webhook-timestamp'), headers.get_one('webhook-signature'), body),
            body: new TextDecoder().decode(body.toArray()),
        });
        msg.set_status(requests.length === 1 ? 500 : 204, null);
    });
    dispatcher.add_endpoint(flaky);

    const id = dispatcher.publish('new-payment', new Payment({is_paid: false, amount: 42}));
    runUntil(() => outcomesOf(flaky).length === 2 && received.length === 2, 'the retry');

    assert(requests.length === 2, `two requests, not ${requests.length}`);
    assert(requests.every(request => request.id === id), 'the same webhook-id both times');
    assert(requests.every(request => request.verified), 'both signed with the endpoint\'s secret');
    assert(JSON.parse(requests[1].body).amount === 42, `the payload: ${requests[1].body}`);

    const [failed, succeeded] = outcomesOf(flaky);
    assert(!failed.succeeded && failed.status === 500 && failed.willRetry,
        `delivery-failed with 500, to be retried: ${JSON.stringify(failed)}`);
    assert(succeeded.succeeded && succeeded.status === 204, 'then delivery-succeeded');

    // The other endpoint got it once, and the store agrees that both deliveries are done.
    assert(received[1].webhookId === id && received[1].model.amount === 42, 'the receiver got it too');
    const [, pending, done, gaveUp] = dispatcher.get_store().count_deliveries();
    assert(pending === 0 && done === 3 && gaveUp === 0, `store counts ${pending}/${done}/${gaveUp}`);
});

print(`1..${tests.length}`);
let failures = 0;
tests.forEach(([name, body], i) => {
    try {
        body();
        print(`ok ${i + 1} ${name}`);
    } catch (e) {
        failures++;
        print(`not ok ${i + 1} ${name}`);
        for (const line of `${e}\n${e.stack ?? ''}`.trim().split('\n'))
            print(`# ${line}`);
    }
});
dispatcher.stop();
server.disconnect();
if (failures > 0)
    System.exit(1);
