// SPDX-License-Identifier: LGPL-2.1-or-later
//
// GJS route handlers answering real HTTP requests over a loopback SoupServer (TAP).

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Soup from 'gi://Soup?version=3.0';
import {Application, Gateway, get, post, registerModel} from '../../bindings/gjs/webhooks.js';

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

const app = Application({
    title: 'Payments', version: '1.0.0',
    routes: [Gateway({handler: createPayment}), Gateway({handler: readUser}), Gateway({handler: broken})],
});
const server = new Soup.Server();
app.attach(server);
server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY);
const base = server.get_uris()[0].to_string().replace(/\/$/, '');

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
    return [message.get_status(), new TextDecoder().decode(bytes)];
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
    ['an exception is a bare 500', () => {
        const [status, body] = call('POST', '/broken');
        return status === 500 && JSON.parse(body).detail === 'Internal Server Error';
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
