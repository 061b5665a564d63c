// SPDX-License-Identifier: LGPL-2.1-or-later
// The delivery store from JavaScript (GJS), through GObject introspection. TAP output.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Webhooks from 'gi://Webhooks?version=1';
import System from 'system';

const NOW = 1700000000 * 1000000;
const tests = [];
const test = (name, body) => tests.push([name, body]);

function assert(condition, what) {
    if (!condition)
        throw new Error(`assertion failed: ${what}`);
}

test('endpoint from an object literal', () => {
    const endpoint = new Webhooks.Endpoint({url: 'https://example.org/hooks', events: ['a']});
    assert(endpoint.id.startsWith('ep_'), 'id');
    assert(endpoint.secret.startsWith('whsec_'), 'secret');
    assert(endpoint.accepts_event('a') && !endpoint.accepts_event('b'), 'events');
    let thrown = null;
    try {
        Webhooks.Endpoint.new('ftp://example.org/');
    } catch (e) {
        thrown = e;
    }
    assert(thrown && thrown.matches(Webhooks.error_quark(), Webhooks.Error.INVALID_PARAMETER),
        'bad scheme is a GError');
});

test('publish, claim and record', () => {
    const store = Webhooks.SqliteStore.new(':memory:');
    const endpoint = Webhooks.Endpoint.new('https://example.org/hooks');
    store.add_endpoint(endpoint);
    const payload = new GLib.Bytes(new TextEncoder().encode('{"n":1}'));
    const id = store.publish('a', payload, [endpoint.id], NOW);
    const claimed = store.claim_due(NOW, 10, 30);
    assert(claimed.length === 1, 'one claimed');
    assert(claimed[0].message_id === id, 'message id');
    assert(new TextDecoder().decode(claimed[0].payload.toArray()) === '{"n":1}', 'payload');
    const attempt = Webhooks.Attempt.new(claimed[0].id, claimed[0].attempt, NOW, 10, 204,
        null, null, 0);
    store.record_attempt(attempt);
    const [, pending, succeeded, failed] = store.count_deliveries();
    assert(pending === 0 && succeeded === 1 && failed === 0, 'counts');
    const attempts = store.list_attempts(claimed[0].id);
    assert(attempts.length === 1 && attempts[0].succeeded, 'attempts');
});

test('rotate a secret, hand a delivery back, read the failure clock', () => {
    const store = Webhooks.SqliteStore.new(':memory:');
    const endpoint = Webhooks.Endpoint.new('https://example.org/hooks');
    store.add_endpoint(endpoint);
    const old = endpoint.secret;
    const now = GLib.get_real_time();
    endpoint.rotate_secret(null, now + 60000000);
    const active = endpoint.get_active_secrets(now);
    assert(active.length === 2 && active[0] === endpoint.secret && active[1] === old,
        'both secrets sign during the rotation');
    assert(endpoint.get_active_secrets(now + 60000000).length === 1, 'then only the new one');
    store.update_endpoint(endpoint);
    assert(store.lookup_endpoint(endpoint.id).previous_secrets[0] === `${old} ${now + 60000000}`,
        'the previous secret is stored');

    store.publish('a', new GLib.Bytes(new TextEncoder().encode('{}')), [endpoint.id], NOW);
    const first = store.claim_due(NOW, 10, 30)[0];
    store.release(first.id);
    const again = store.claim_due(NOW, 10, 30)[0];
    assert(again.id === first.id && again.attempt === 1, 'released with its attempt number');
    assert(store.get_endpoint_failing_since(endpoint.id) === 0, 'not failing');
    store.record_attempt(Webhooks.Attempt.new(again.id, 1, NOW + 7, 10, 500, null, null, 0));
    assert(store.get_endpoint_failing_since(endpoint.id) === NOW + 7, 'failing since');
});

// A store written in JavaScript; it implements nothing it is not asked for here.
const JsStore = GObject.registerClass({
    Implements: [Webhooks.Store],
}, class JsStore extends GObject.Object {});

test('only the SQLite store takes calls from any thread', () => {
    assert(Webhooks.SqliteStore.new(':memory:').is_thread_safe(), 'SQLite store');
    // GJS cannot run JavaScript on another thread: a JavaScript store stays on one.
    assert(!new JsStore().is_thread_safe(), 'JavaScript store');
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
        print(`# ${e}`);
    }
});
if (failures > 0)
    System.exit(1);
