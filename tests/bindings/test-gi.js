// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The seed's example declared from GJS through plain GObject introspection (no helper
// module), checked the way a user reads the document. Prints TAP; exits non-zero on failure.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Webhooks from 'gi://Webhooks?version=1';
import system from 'system';

const DESCRIPTION = 'User receives a notification for every payment done.';

// GJS would register this class as "Gjs_Payment"; plain GI has no helper that names the
// model after the class, so the GType is named here.
const Payment = GObject.registerClass({
    GTypeName: 'Payment',
    Properties: {
        'is-paid': GObject.ParamSpec.boolean('is-paid', 'Is paid', 'Whether the payment went through',
            GObject.ParamFlags.READWRITE, false),
        'amount': GObject.ParamSpec.double('amount', 'Amount', 'How much was paid',
            GObject.ParamFlags.READWRITE, -Number.MAX_VALUE, Number.MAX_VALUE, 0),
        'paid-at': GObject.ParamSpec.boxed('paid-at', 'Paid at', 'When the payment was made',
            GObject.ParamFlags.READWRITE, GLib.DateTime.$gtype),
    },
}, class Payment extends GObject.Object {});

function seedApplication() {
    const newEvent = Webhooks.whpost('new-event');
    newEvent.description = DESCRIPTION;
    newEvent.body_type = Payment.$gtype;

    const app = Webhooks.Application.new('Payments', '1.0.0');
    app.add_webhook(Webhooks.WebhookGateway.new(newEvent));

    const createPayment = Webhooks.post('/create');
    createPayment.name = 'create_payment';
    createPayment.body_type = Payment.$gtype;
    app.add_route(Webhooks.Gateway.new(createPayment));
    return app;
}

function assertEqual(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${what}: expected ${e}, got ${a}`);
}

const tests = [];
function test(name, fn) {
    tests.push([name, fn]);
}

let documentCache = null;
function seedDocument() {
    documentCache ??= JSON.parse(seedApplication().get_openapi_json(false));
    return documentCache;
}

test('the document is OpenAPI 3.1 with the application info', () => {
    const doc = seedDocument();
    assertEqual(doc.openapi, '3.1.0', 'openapi');
    assertEqual(doc.info.title, 'Payments', 'info.title');
    assertEqual(doc.info.version, '1.0.0', 'info.version');
});

test('the new-event webhook is documented', () => {
    const operation = seedDocument().webhooks['new-event'].post;
    assertEqual(operation.operationId, 'new_eventnew_event_post', 'operationId');
    assertEqual(operation.summary, 'New Event', 'summary');
    assertEqual(operation.description, DESCRIPTION, 'description');
    assertEqual(operation.requestBody.required, true, 'requestBody.required');
    assertEqual(operation.requestBody.content['application/json'].schema,
        {$ref: '#/components/schemas/Payment'}, 'requestBody schema');
});

test('the /create route is documented', () => {
    const doc = seedDocument();
    const operation = doc.paths['/create'].post;
    assertEqual(operation.operationId, 'create_payment_create_post', 'operationId');
    assertEqual(operation.summary, 'Create Payment', 'summary');
    assertEqual(operation.requestBody.content['application/json'].schema,
        {$ref: '#/components/schemas/Payment'}, 'requestBody schema');
    assertEqual(operation.responses['201'].description, 'Successful response', '201');
    assertEqual(operation.responses['422'].description, 'Validation Error', '422');
    assertEqual(operation.responses['422'].content['application/json'].schema,
        {$ref: '#/components/schemas/HTTPValidationError'}, '422 schema');
    assertEqual('/create' in doc.webhooks, false, '/create among the webhooks');
});

test('the Payment model is a component named Payment', () => {
    const schemas = seedDocument().components.schemas;
    const payment = schemas.Payment;
    if (!payment)
        throw new Error(`no Payment schema among ${Object.keys(schemas)}`);
    assertEqual(payment.title, 'Payment', 'title');
    assertEqual(Object.keys(payment.properties), ['is_paid', 'amount', 'paid_at'], 'members');
    assertEqual(payment.properties.is_paid.type, 'boolean', 'is_paid');
    assertEqual(payment.properties.is_paid.title, 'Is Paid', 'is_paid title');
    assertEqual(payment.properties.amount.type, 'number', 'amount');
    assertEqual(payment.properties.paid_at, {...payment.properties.paid_at, type: 'string', format: 'date-time'},
        'paid_at');
    assertEqual([...payment.required].sort(), ['amount', 'is_paid', 'paid_at'], 'required');
    assertEqual('HTTPValidationError' in schemas, true, 'HTTPValidationError');
});

test('the same declarations give the same bytes', () => {
    assertEqual(seedApplication().get_openapi_json(true), seedApplication().get_openapi_json(true),
        'document');
});

test('a webhook handler added as a route throws a WhError', () => {
    const app = Webhooks.Application.new('Payments', '1.0.0');
    const misplaced = Webhooks.Gateway.new(Webhooks.whpost('new-event'));
    let error = null;
    try {
        app.add_route(misplaced);
    } catch (e) {
        error = e;
    }
    if (!(error instanceof GLib.Error))
        throw new Error(`expected a GLib.Error, got ${error}`);
    assertEqual(GLib.quark_to_string(error.domain), 'wh-error-quark', 'domain');
    assertEqual(error.matches(Webhooks.error_quark(), Webhooks.Error.WRONG_KIND), true, 'code');
    assertEqual(JSON.parse(app.get_openapi_json(false)).paths, {}, 'paths after the error');
});

print(`1..${tests.length}`);
let failures = 0;
tests.forEach(([name, fn], i) => {
    try {
        fn();
        print(`ok ${i + 1} - ${name}`);
    } catch (e) {
        failures++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of `${e}\n${e.stack ?? ''}`.trim().split('\n'))
            print(`# ${line}`);
    }
});
system.exit(failures ? 1 : 0);
