# SPDX-License-Identifier: LGPL-2.1-or-later
"""WhPgStore from Python through GObject introspection, against a real PostgreSQL that this
module starts with pg-server.sh (as test-pg-store.c does): the constructor, a publish and a
claim, a dispatcher on it, and a refused connection as a GLib.Error."""

import os
import socket
import subprocess
import tempfile

import gi

gi.require_version("Webhooks", "1")
gi.require_version("Json", "1.0")
from gi.repository import GLib, Json, Webhooks  # noqa: E402

import pytest  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def conninfo():
    helper = os.environ["WH_PG_SERVER_HELPER"]
    folder = tempfile.mkdtemp(prefix="wh-pg-py-")
    port = free_port()
    subprocess.run([helper, "start", folder, str(port), str(os.getpid())], check=True)
    try:
        yield f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    finally:
        subprocess.run([helper, "stop", folder], check=True)


def test_publish_and_claim(conninfo):
    store = Webhooks.PgStore.new(conninfo)
    assert isinstance(store, Webhooks.Store)
    assert store.is_thread_safe()
    assert store.get_conninfo() == conninfo

    endpoint = Webhooks.Endpoint.new("https://example.org/hooks")
    store.add_endpoint(endpoint)
    message_id = store.publish("ping", GLib.Bytes.new(b'{"hello":"world"}'), [endpoint.get_id()],
                               GLib.get_real_time())
    assert message_id.startswith("msg_")

    [delivery] = store.claim_due(GLib.get_real_time(), 10, 60)
    assert delivery.get_message_id() == message_id
    assert delivery.get_payload().get_data() == b'{"hello":"world"}'
    # Leased: nobody gets it again, not even through another connection.
    assert Webhooks.PgStore.new(conninfo).claim_due(GLib.get_real_time(), 10, 60) == []


def test_dispatcher_uses_it(conninfo):
    app = Webhooks.Application.new("Payments", "1.0.0")
    app.add_webhook(Webhooks.WebhookGateway.new(Webhooks.whpost("ping")))
    store = Webhooks.PgStore.new(conninfo)
    dispatcher = Webhooks.Dispatcher.new(app, store)
    endpoint = Webhooks.Endpoint.new("https://example.org/other")
    dispatcher.add_endpoint(endpoint)
    message_id = dispatcher.publish_json("ping", Json.from_string("{}"))
    # One delivery for each endpoint of the database (the other test's too), none sent.
    deliveries = store.list_deliveries(message_id)
    assert len(deliveries) == len(store.list_endpoints())
    assert endpoint.get_id() in [d.get_endpoint_id() for d in deliveries]
    assert {d.get_state() for d in deliveries} == {Webhooks.DeliveryState.PENDING}


def test_refused_connection_is_a_glib_error():
    with pytest.raises(GLib.Error) as info:
        Webhooks.PgStore.new(f"host=127.0.0.1 port={free_port()} user=postgres connect_timeout=5")
    assert info.value.matches(Webhooks.error_quark(), Webhooks.Error.STORE)
    assert "Cannot connect to the PostgreSQL store" in info.value.message
