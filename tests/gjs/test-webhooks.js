// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The GJS helpers (bindings/gjs/webhooks.js): the seed's examples, every keyword, models,
// views, errors and virtual methods, checked the way a user reads the document. Prints TAP.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Json from 'gi://Json';
import Webhooks from 'gi://Webhooks?version=1';
import system from 'system';

import * as Wh from '../../bindings/gjs/webhooks.js';
import {APIView, Application, Gateway, WebhookGateway, post, registerModel, whpost} from '../../bindings/gjs/webhooks.js';

const tests = [];
function test(name, fn) {
    tests.push([name, fn]);
}

function assertEqual(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${what}: expected ${e}, got ${a}`);
}

function assertThrows(fn, code, words, what) {
    try {
        fn();
    } catch (e) {
        if (!(e instanceof GLib.Error))
            throw new Error(`${what}: expected a GLib.Error, got ${e}`);
        assertEqual(e.domain, Webhooks.error_quark(), `${what}: domain`);
        assertEqual(e.code, code, `${what}: code`);
        for (const word of words) {
            if (!e.message.includes(word))
                throw new Error(`${what}: “${e.message}” does not say “${word}”`);
        }
        return;
    }
    throw new Error(`${what}: nothing was thrown`);
}

const doc = app => JSON.parse(app.get_openapi_json(false));

const Payment = registerModel({
    Properties: {
        'is-paid': GObject.ParamSpec.boolean('is-paid', '', '', GObject.ParamFlags.READWRITE, false),
        'amount': GObject.ParamSpec.double('amount', '', '', GObject.ParamFlags.READWRITE,
            -Number.MAX_VALUE, Number.MAX_VALUE, 0),
        'paid-at': GObject.ParamSpec.boxed('paid-at', '', '', GObject.ParamFlags.READWRITE,
            GLib.DateTime.$gtype),
    },
}, class Payment extends GObject.Object {});

const newEvent = whpost('new-event', {bodyType: Payment, handler: function new_event(data) {}});
const createPayment = post('/create', {bodyType: Payment, handler: function create_payment(data) {}});

const PaymentWebhook = GObject.registerClass(class PaymentWebhook extends APIView {
    static handlers = {
        new_payment: whpost('payments', {bodyType: Payment}),
        new_event: whpost('new-event', {bodyType: Payment}),
    };

    new_event(data) {}

    new_payment(data) {}
});

test('the seed example', () => {
    const d = doc(Application({
        routes: [Gateway({handler: createPayment})],
        webhooks: [WebhookGateway({handler: newEvent})],
    }));
    const webhook = d.webhooks['new-event'].post;
    assertEqual(webhook.operationId, 'new_eventnew_event_post', 'webhook operationId');
    assertEqual(webhook.requestBody.content['application/json'].schema,
        {$ref: '#/components/schemas/Payment'}, 'webhook body');
    assertEqual(d.paths['/create'].post.operationId, 'create_payment_create_post', 'route operationId');
    const payment = d.components.schemas.Payment;
    assertEqual(payment.title, 'Payment', 'model name');
    assertEqual(Object.keys(payment.properties), ['is_paid', 'amount', 'paid_at'], 'members');
    assertEqual(payment.properties.paid_at.format, 'date-time', 'date');
    assertEqual(Wh.handlerFunction(newEvent).name, 'new_event', 'the function is kept');
});

test('the APIView example, as a class and as an instance', () => {
    for (const handler of [PaymentWebhook, new PaymentWebhook()]) {
        const d = doc(Application({webhooks: [WebhookGateway({handler})]}));
        assertEqual(Object.keys(d.webhooks), ['new-event', 'payments'], 'webhooks');
        assertEqual(d.webhooks['new-event'].post.operationId, 'paymentwebhooknew_event_post', 'id');
        assertEqual(d.webhooks.payments.post.operationId, 'paymentwebhookpayments_post', 'id');
        assertEqual(d.webhooks.payments.post.summary, 'New Payment', 'summary from the method');
    }
});

const webhookHelpers = ['whget', 'whpost', 'whput', 'whpatch', 'whdelete', 'whhead', 'whead',
    'whoptions', 'whtrace'];
const routeHelpers = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];

function everyKeyword() {
    return {
        summary: 'A summary',
        description: 'A description',
        statusCode: 202,
        includeInSchema: true,
        tags: ['payments', 'events'],
        deprecated: true,
        security: [Webhooks.SecurityScheme.new_api_key('ApiKey', Webhooks.ParameterLocation.HEADER, 'X-Key')],
        operationId: 'an_operation',
        responseDescription: 'Accepted for later',
        responses: {404: 'Not there', 409: {description: 'Conflict', model: Payment}},
        mediaType: 'application/cloudevents+json',
        bodyType: Payment,
    };
}

function checkEveryKeyword(operation, method, what) {
    assertEqual(operation.summary, 'A summary', `${what} summary`);
    assertEqual(operation.description, 'A description', `${what} description`);
    assertEqual(operation.tags, ['payments', 'events'], `${what} tags`);
    assertEqual(operation.deprecated, true, `${what} deprecated`);
    assertEqual(operation.security, [{ApiKey: []}], `${what} security`);
    assertEqual(operation.operationId, 'an_operation', `${what} operationId`);
    assertEqual(operation.responses['202'].description, 'Accepted for later', `${what} status`);
    assertEqual(operation.responses['404'], {description: 'Not there'}, `${what} 404`);
    assertEqual(operation.responses['409'].content['application/json'].schema,
        {$ref: '#/components/schemas/Payment'}, `${what} 409`);
    if (['get', 'head', 'post', 'put', 'patch', 'delete'].includes(method)) {
        assertEqual(Object.keys(operation.requestBody.content), ['application/cloudevents+json'],
            `${what} media type`);
    }
}

test('every keyword on every webhook helper', () => {
    for (const helper of webhookHelpers) {
        const handler = Wh[helper]('an-event', {...everyKeyword(), handler: function h() {}});
        const method = helper === 'whead' ? 'head' : helper.slice(2);
        const d = doc(Application({webhooks: [WebhookGateway({handler})]}));
        checkEveryKeyword(d.webhooks['an-event'][method], method, helper);
    }
});

test('every keyword on every route helper', () => {
    for (const helper of routeHelpers) {
        const handler = Wh[helper]('/things', {...everyKeyword(), handler: function h() {}});
        const d = doc(Application({routes: [Gateway({handler})]}));
        checkEveryKeyword(d.paths['/things'][helper], helper, helper);
    }
});

test('whroute and route take methods', () => {
    const hook = Wh.whroute('both', {methods: ['GET', 'POST'], handler: function both() {}});
    const path = Wh.route('/both', {methods: ['GET', 'POST'], handler: function both() {}});
    const d = doc(Application({webhooks: [WebhookGateway({handler: hook})], routes: [Gateway({handler: path})]}));
    assertEqual(Object.keys(d.webhooks.both).sort(), ['get', 'post'], 'webhook methods');
    assertEqual(d.paths['/both'].post.operationId, 'both_both_post', 'route id');
});

test('response type, explicit name, gateway and application keywords', () => {
    const Receipt = registerModel({
        Properties: {number: GObject.ParamSpec.int('number', '', '', GObject.ParamFlags.READWRITE, 0, 100, 0)},
    }, class Receipt extends GObject.Object {});
    const pay = post('/pay', {bodyType: Payment, responseType: Receipt, name: 'paying', handler: function pay() {}});
    const hidden = post('/hidden', {handler: function hidden() {}});
    const gated = whpost('gated', {bodyType: Payment, handler: function gated() {}});
    const d = doc(Application({
        title: 'Payments', version: '2.0.0', summary: 'Pay', description: 'Payments API',
        termsOfService: 'https://example.com/terms',
        contact: {name: 'Team', email: 'team@example.com'},
        license: {name: 'LGPL', identifier: 'LGPL-2.1-or-later'},
        servers: ['https://api.example.com', {url: 'https://test.example.com', description: 'Test'}],
        tags: ['payments', {name: 'events', description: 'Sent to you'}],
        routes: [Gateway({path: '/api', handler: pay, tags: ['routes']}),
            Gateway({handler: hidden, includeInSchema: false})],
        webhooks: [WebhookGateway({handler: gated, deprecated: true, tags: ['gw'],
            security: [Webhooks.SecurityScheme.new_http('Bearer', 'bearer')]})],
    }));
    assertEqual(d.info, {title: 'Payments', summary: 'Pay', description: 'Payments API',
        termsOfService: 'https://example.com/terms',
        contact: {name: 'Team', email: 'team@example.com'},
        license: {name: 'LGPL', identifier: 'LGPL-2.1-or-later'}, version: '2.0.0'}, 'info');
    assertEqual(d.servers.map(s => s.url), ['https://api.example.com', 'https://test.example.com'], 'servers');
    assertEqual(d.tags[1], {name: 'events', description: 'Sent to you'}, 'tags');
    assertEqual(Object.keys(d.paths), ['/api/pay'], 'paths');
    const paying = d.paths['/api/pay'].post;
    assertEqual(paying.operationId, 'paying_api_pay_post', 'explicit name');
    assertEqual(paying.tags, ['routes'], 'gateway tags');
    assertEqual(paying.responses['201'].content['application/json'].schema,
        {$ref: '#/components/schemas/Receipt'}, 'response type');
    const webhook = d.webhooks.gated.post;
    assertEqual([webhook.deprecated, webhook.tags, webhook.security], [true, ['gw'], [{Bearer: []}]], 'gateway');
});

const Address = registerModel({
    Properties: {
        street: GObject.ParamSpec.string('street', '', '', GObject.ParamFlags.READWRITE, null),
    },
}, class Address extends GObject.Object {});
const Line = registerModel({
    Properties: {
        cents: GObject.ParamSpec.int('cents', '', '', GObject.ParamFlags.READWRITE, 0, 1000000, 0),
    },
}, class Line extends GObject.Object {});
const Invoice = registerModel({
    Properties: {
        zeta: GObject.ParamSpec.string('zeta', '', '', GObject.ParamFlags.READWRITE, null),
        address: GObject.ParamSpec.object('address', '', '', GObject.ParamFlags.READWRITE, Address.$gtype),
        where: GObject.ParamSpec.enum('where', '', '', GObject.ParamFlags.READWRITE,
            Webhooks.ParameterLocation.$gtype, Webhooks.ParameterLocation.QUERY),
        lines: GObject.ParamSpec.object('lines', '', '', GObject.ParamFlags.READWRITE, Gio.ListStore.$gtype),
        note: GObject.ParamSpec.string('note', '', '', GObject.ParamFlags.READWRITE, 'none'),
        due: GObject.ParamSpec.boxed('due', '', '', GObject.ParamFlags.READWRITE, GLib.DateTime.$gtype),
        alpha: GObject.ParamSpec.int('alpha', '', '', GObject.ParamFlags.READWRITE, 0, 10, 0),
    },
}, class Invoice extends GObject.Object {
    static optional = ['note'];
    static itemTypes = {lines: Line};
});

test('models: order, name, nested, enum, list, optional, date', () => {
    const invoice = whpost('invoice', {bodyType: Invoice, handler: function invoice() {}});
    const schemas = doc(Application({webhooks: [WebhookGateway({handler: invoice})]})).components.schemas;
    const schema = schemas.Invoice;
    assertEqual(schema.title, 'Invoice', 'name');
    assertEqual(Object.keys(schema.properties), ['zeta', 'address', 'where', 'lines', 'note', 'due', 'alpha'], 'order');
    assertEqual(schema.required, ['zeta', 'address', 'where', 'lines', 'due', 'alpha'], 'required');
    assertEqual(schema.properties.note.default, 'none', 'optional default');
    assertEqual(schema.properties.address.$ref, '#/components/schemas/Address', 'nested');
    assertEqual(schemas.Address.title, 'Address', 'nested name');
    assertEqual(schema.properties.where.type, 'string', 'enum');
    assertEqual(schema.properties.where.enum.includes('query'), true, 'enum nicks');
    assertEqual(schema.properties.lines.items, {$ref: '#/components/schemas/Line'}, 'list');
    assertEqual(schema.properties.due.format, 'date-time', 'date');
    assertEqual(Object.keys(schemas).filter(n => n.startsWith('Gjs_')), [], 'no GJS type names');
});

test('mistakes throw the library’s GLib.Error', () => {
    assertThrows(() => Application({webhooks: [WebhookGateway({handler: createPayment})]}),
        Webhooks.Error.WRONG_KIND, ['create_payment', 'cannot be a webhook'], 'route in webhooks');
    assertThrows(() => Application({webhooks: [Gateway({handler: createPayment})]}),
        Webhooks.Error.WRONG_KIND, ['cannot be added as a webhook'], 'Gateway in webhooks');
    assertThrows(() => Application({routes: [Gateway({handler: newEvent})]}),
        Webhooks.Error.WRONG_KIND, ['new-event', 'cannot be a route'], 'webhook in routes');
    const again = whpost('new-event', {bodyType: Payment, handler: function again() {}});
    assertThrows(() => Application({webhooks: [WebhookGateway({handler: newEvent}), WebhookGateway({handler: again})]}),
        Webhooks.Error.DUPLICATE, ['POST new-event', 'twice'], 'duplicate');
    assertThrows(() => Application({webhooks: [WebhookGateway({handler: Wh.whroute('x', {handler: function x() {}})})]}),
        Webhooks.Error.INVALID_METHOD, ['no HTTP method'], 'whroute without methods');
    assertThrows(() => Application({webhooks: [WebhookGateway({handler: Wh.whroute('y', {methods: ['FETCH']})})]}),
        Webhooks.Error.INVALID_METHOD, ['unknown HTTP method', 'FETCH'], 'unknown method');
});

const TaggedHandler = GObject.registerClass(class TaggedHandler extends Webhooks.Handler {
    vfunc_customize_operation(method, operation) {
        operation.set_string_member('x-method', method);
    }
});

const StampedWebhook = GObject.registerClass(class StampedWebhook extends Webhooks.WebhookHandler {
    vfunc_prepare_payload(payload) {
        const node = Webhooks.model_serialize(payload);
        node.get_object().set_string_member('source', 'gjs');
        return node;
    }
});

const BrandedApplication = GObject.registerClass(class BrandedApplication extends Webhooks.Application {
    vfunc_customize_openapi(document) {
        document.set_string_member('x-brand', 'libwebhooks');
    }
});

const NotesView = GObject.registerClass(class NotesView extends APIView {
    static handlers = {note_added: whpost('note-added', {bodyType: Payment})};

    vfunc_customize_operation(handler, method, operation) {
        operation.set_string_member('x-view', `${handler.name} ${method}`);
    }
});

test('JS subclasses override the virtual methods', () => {
    const route = new TaggedHandler({path: '/tagged', methods: ['GET'], name: 'tagged'});
    const stamped = new StampedWebhook({path: 'stamped', methods: ['POST'], body_type: Payment.$gtype});
    const app = Application({
        application: new BrandedApplication({title: 'Branded'}),
        routes: [Gateway({handler: route})],
        webhooks: [WebhookGateway({handler: stamped}), WebhookGateway({handler: NotesView})],
    });
    const d = doc(app);
    assertEqual(d['x-brand'], 'libwebhooks', 'customize_openapi');
    assertEqual(d.paths['/tagged'].get['x-method'], 'GET', 'customize_operation');
    assertEqual(d.webhooks['note-added'].post.operationId, 'notesviewnote_added_post', 'view subclass');
    assertEqual(d.webhooks['note-added'].post['x-view'], 'note_added POST', 'view customize_operation');
    assertEqual(d.webhooks.stamped.post['x-view'], undefined, 'only the view\'s operations');
    const payment = new Payment({is_paid: true, amount: 3.5});
    payment.paid_at = GLib.DateTime.new_utc(2024, 1, 2, 3, 4, 5);
    const payload = JSON.parse(Json.to_string(stamped.prepare_payload(payment), false));
    assertEqual([payload.source, payload.amount], ['gjs', 3.5], 'prepare_payload');
});

print(`1..${tests.length}`);
let failed = 0;
tests.forEach(([name, fn], i) => {
    try {
        fn();
        print(`ok ${i + 1} - ${name}`);
    } catch (e) {
        failed++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
            print(`# ${line}`);
    }
});
system.exit(failed ? 1 : 0);
