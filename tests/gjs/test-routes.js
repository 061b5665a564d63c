// SPDX-License-Identifier: LGPL-2.1-or-later
//
// GJS route handlers answering real HTTP requests over a loopback SoupServer (TAP).

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Soup from 'gi://Soup?version=3.0';
import System from 'system';
import {APIView, Application, Gateway, HTTPException, get, post, registerModel, Webhooks}
    from '../../bindings/gjs/webhooks.js';

const Payment = registerModel({
    Properties: {
        'is-paid': GObject.ParamSpec.boolean('is-paid', 'Is paid', 'Whether it went through',
            GObject.ParamFlags.READWRITE, false),
        'amount': GObject.ParamSpec.double('amount', 'Amount', 'How much', GObject.ParamFlags.READWRITE,
            -Number.MAX_VALUE, Number.MAX_VALUE, 0),
    },
}, class Payment extends GObject.Object {});

const createPayment = post('/create', {
    bodyType: Payment,
    handler: function create_payment(data) {
        data.amount *= 2;
        return data;
    },
});
const readUser = get('/users/{user_id}', {
    handler: function read_user(data, request) {
        return [202, {user: request.get_parameter('user_id')}];
    },
});
const broken = post('/broken', {
    handler: function broken() {
        throw new Error('a bug in the application');
    },
});

const readPayment = get('/payments/{payment_id}', {
    handler: function read_payment(data, request) {
        const id = request.get_parameter('payment_id');
        if (id === 'gone')
            throw new HTTPException(410);
        if (id === 'locked')
            throw new HTTPException(423, {reason: 'locked'}, {'Retry-After': 3600});
        throw new HTTPException(404, `No payment ${id}`);
    },
});

const search = get('/search', {
    handler: function search(data, request) {
        return {tag: request.get_parameter('tag')};
    },
});
search.add_parameter(Webhooks.Parameter.new('tag', Webhooks.ParameterLocation.QUERY, GObject.type_from_name('GStrv')));

// A view with state: each instance multiplies by its own factor and counts its calls.
const PaymentView = GObject.registerClass(class PaymentView extends APIView {
    static handlers = {
        create: post('/view/create', {bodyType: Payment, responseType: Payment}),
        count: get('/view/calls'),
        fail: post('/view/fail', {bodyType: Payment}),
    };

    _init(params = {}) {
        const {factor = 3, ...rest} = params;
        super._init(rest);
        this.factor = factor;
        this.calls = 0;
    }

    create(data) {
        this.calls += 1;
        data.amount *= this.factor;
        return data;
    }

    count(data, request) {
        return {calls: this.calls, view: this.constructor.name, request: request instanceof Webhooks.Request};
    }

    fail(data) {
        if (data.amount < 0)
            throw new HTTPException(422, 'The amount must not be negative');
        throw new TypeError('internal');
    }
});

const app = Application({
    title: 'Payments', version: '1.0.0',
    routes: [
        Gateway({handler: createPayment}), Gateway({handler: readUser}), Gateway({handler: broken}),
        Gateway({handler: readPayment}), Gateway({handler: search}),
        // A class: the gateway makes the one instance that answers.
        Gateway({handler: PaymentView}),
        Gateway({path: '/double', handler: new PaymentView({factor: 2})}),
        Gateway({path: '/tenfold', handler: new PaymentView({factor: 10})}),
    ],
});
const server = new Soup.Server();
app.attach(server);
server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY);
const base = server.get_uris()[0].to_string().replace(/\/$/, '');

// Nothing in JavaScript refers to the views any more: only the gateways keep them.
System.gc();

function call(method, path, body = null) {
    const session = new Soup.Session();
    const message = Soup.Message.new(method, base + path);
    if (body !== null)
        message.set_request_body_from_bytes('application/json', new GLib.Bytes(new TextEncoder().encode(body)));
    let result = null;
    session.send_and_read_async(message, GLib.PRIORITY_DEFAULT, null, (s, r) => {
        result = r;
    });
    const context = GLib.MainContext.default();
    while (result === null)
        context.iteration(true);
    const bytes = session.send_and_read_finish(result).get_data() ?? new Uint8Array();
    return [message.get_status(), new TextDecoder().decode(bytes), message.get_response_headers()];
}

// Whether @fn logs a warning that matches @pattern, as logError() does.
function logsWarning(pattern, fn) {
    GLib.test_expect_message('Gjs', GLib.LogLevelFlags.LEVEL_WARNING, pattern);
    const result = fn();
    GLib.test_assert_expected_messages_internal('Gjs', 'test-routes.js', 0, 'logsWarning');
    return result;
}

const tests = [
    ['POST /create calls the function with the model and sends the model', () => {
        const [status, body] = call('POST', '/create', '{"is_paid": true, "amount": 2.5}');
        return status === 201 && JSON.stringify(JSON.parse(body)) === '{"is_paid":true,"amount":5}';
    }],
    ['an invalid body is a 422 and the function is not called', () => {
        const [status, body] = call('POST', '/create', '{"amount": "x", "is_paid": true}');
        return status === 422 && JSON.parse(body).detail[0].loc.join('.') === 'body.amount';
    }],
    ['parameters through the request, [status, value] answers', () => {
        const [status, body] = call('GET', '/users/ada');
        return status === 202 && JSON.parse(body).user === 'ada';
    }],
    ['an exception is a bare 500, and logged', () => {
        const [status, body] = logsWarning('*POST /broken failed*a bug in the application*',
            () => call('POST', '/broken'));
        return status === 500 && JSON.stringify(JSON.parse(body)) === '{"detail":"Internal Server Error"}';
    }],
    ['a repeated query parameter declared as a string array is an array', () => {
        const [status, body] = call('GET', '/search?tag=a&tag=b%20c');
        return status === 200 && JSON.stringify(JSON.parse(body)) === '{"tag":["a","b c"]}';
    }],
    ['a thrown HTTPException answers its status and detail', () => {
        const [status, body, headers] = call('GET', '/payments/7');
        const [goneStatus, gone] = call('GET', '/payments/gone');
        const [lockedStatus, locked, lockedHeaders] = call('GET', '/payments/locked');
        return status === 404 && JSON.parse(body).detail === 'No payment 7' &&
            headers.get_content_type()[0] === 'application/json' &&
            goneStatus === 410 && JSON.parse(gone).detail === 'Gone' &&
            lockedStatus === 423 && JSON.stringify(JSON.parse(locked)) === '{"detail":{"reason":"locked"}}' &&
            lockedHeaders.get_one('Retry-After') === '3600';
    }],
    ['a view given as a class: its methods are called on one instance', () => {
        const [status, body] = call('POST', '/view/create', '{"is_paid": true, "amount": 2}');
        call('POST', '/view/create', '{"is_paid": true, "amount": 1}');
        const [countStatus, count] = call('GET', '/view/calls');
        return status === 201 && JSON.parse(body).amount === 6 && countStatus === 200 &&
            JSON.stringify(JSON.parse(count)) === '{"calls":2,"view":"PaymentView","request":true}';
    }],
    ['each view instance answers with its own state', () => {
        const [, double] = call('POST', '/double/view/create', '{"is_paid": true, "amount": 3}');
        const [, tenfold] = call('POST', '/tenfold/view/create', '{"is_paid": true, "amount": 3}');
        const [, calls] = call('GET', '/tenfold/view/calls');
        return JSON.parse(double).amount === 6 && JSON.parse(tenfold).amount === 30 &&
            JSON.parse(calls).calls === 1;
    }],
    ['exceptions in view methods', () => {
        const [status, body] = call('POST', '/view/fail', '{"is_paid": true, "amount": -1}');
        const [failStatus, fail] = logsWarning('*POST /view/fail failed*TypeError: internal*',
            () => call('POST', '/view/fail', '{"is_paid": true, "amount": 1}'));
        return status === 422 && JSON.parse(body).detail === 'The amount must not be negative' &&
            failStatus === 500 && JSON.parse(fail).detail === 'Internal Server Error';
    }],
    ['view methods are documented as the class declared them', () => {
        // Each instance serves its own handlers; the document is the one the class
        // declared, as if its handlers were added to a view by hand.
        const served = Application({routes: [Gateway({handler: PaymentView})]}).get_openapi_json(true);
        const byHand = new APIView({name: 'PaymentView'});
        for (const method of ['count', 'create', 'fail'])
            byHand.add_handler(PaymentView.handlers[method]);
        const doc = JSON.parse(served);
        return served === Application({routes: [Gateway({handler: byHand})]}).get_openapi_json(true) &&
            doc.paths['/view/create'].post.summary === 'Create' &&
            doc.paths['/view/create'].post.requestBody.content['application/json'].schema.$ref ===
                '#/components/schemas/Payment';
    }],
];

print(`1..${tests.length}`);
tests.forEach(([name, test], i) => {
    let ok = false;
    try {
        ok = test();
    } catch (e) {
        print(`# ${e}`);
    }
    print(`${ok ? 'ok' : 'not ok'} ${i + 1} ${name}`);
});
