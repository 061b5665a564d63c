# SPDX-License-Identifier: LGPL-2.1-or-later
"""The delivery store from Python, through GObject introspection."""

import os
import tempfile

import gi
import pytest

gi.require_version("Webhooks", "1")
from gi.repository import GLib, GObject, Webhooks  # noqa: E402

NOW = 1_700_000_000 * 1_000_000


def test_endpoint_keywords_and_errors():
    endpoint = Webhooks.Endpoint(url="https://example.org/hooks", events=["new-payment"],
                                 description="Accounting")
    assert endpoint.props.id.startswith("ep_")
    assert endpoint.props.secret.startswith("whsec_")
    assert endpoint.accepts_event("new-payment")
    assert not endpoint.accepts_event("refund")
    endpoint.set_header("X-Tenant", "acme")
    assert endpoint.props.headers == ["X-Tenant: acme"]
    assert endpoint.get_header("x-tenant") == "acme"

    with pytest.raises(GLib.Error) as info:
        Webhooks.Endpoint.new("ftp://example.org/hooks")
    assert info.value.matches(Webhooks.error_quark(), Webhooks.Error.INVALID_PARAMETER)

    with pytest.raises(GLib.Error) as info:
        endpoint.set_secret("not base64!")
    assert info.value.code == Webhooks.Error.INVALID_SECRET


def test_publish_claim_record():
    store = Webhooks.SqliteStore.new(":memory:")
    endpoint = Webhooks.Endpoint.new("https://example.org/hooks")
    store.add_endpoint(endpoint)

    message_id = store.publish("new-payment", GLib.Bytes.new(b'{"amount": 1}'),
                               [endpoint.props.id], NOW)
    assert message_id.startswith("msg_")

    claimed = store.claim_due(NOW, 10, 30)
    assert len(claimed) == 1
    delivery = claimed[0]
    assert delivery.props.message_id == message_id
    assert delivery.props.endpoint_id == endpoint.props.id
    assert delivery.get_payload().get_data() == b'{"amount": 1}'
    assert delivery.props.attempt == 1
    assert store.claim_due(NOW, 10, 30) == []

    failed = Webhooks.Attempt.new(delivery.get_id(), 1, NOW, 1500, 503, None,
                                  GLib.Bytes.new(b"busy"), NOW + 5_000_000)
    store.record_attempt(failed)
    assert store.claim_due(NOW + 4_000_000, 10, 30) == []
    retry = store.claim_due(NOW + 5_000_000, 10, 30)[0]
    assert retry.props.attempt == 2
    store.record_attempt(Webhooks.Attempt(delivery_id=retry.props.id, number=2,
                                          started_at=NOW + 5_000_000, status_code=204))

    attempts = store.list_attempts(delivery.get_id())
    assert [a.props.status_code for a in attempts] == [503, 204]
    assert attempts[0].get_response_body().get_data() == b"busy"
    assert [a.props.succeeded for a in attempts] == [False, True]
    ok, pending, succeeded, failed_count = store.count_deliveries()
    assert (pending, succeeded, failed_count) == (0, 1, 0)
    deliveries = store.list_deliveries(message_id)
    assert deliveries[0].props.state == Webhooks.DeliveryState.SUCCEEDED


def test_file_store_reopens_and_refuses_garbage():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "deliveries.db")
        store = Webhooks.SqliteStore.new(path)
        endpoint = Webhooks.Endpoint.new("https://example.org/hooks")
        store.add_endpoint(endpoint)
        del store

        store = Webhooks.SqliteStore.new(path)
        assert [e.props.id for e in store.list_endpoints()] == [endpoint.props.id]

        garbage = os.path.join(folder, "garbage.db")
        with open(garbage, "w") as handle:
            handle.write("not a database " * 20)
        with pytest.raises(GLib.Error) as info:
            Webhooks.SqliteStore.new(garbage)
        assert info.value.code == Webhooks.Error.STORE


def test_rotation_release_and_failure_clock():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "deliveries.db")
        store = Webhooks.SqliteStore.new(path)
        endpoint = Webhooks.Endpoint.new("https://example.org/hooks")
        store.add_endpoint(endpoint)
        old = endpoint.props.secret

        now = GLib.get_real_time()
        endpoint.rotate_secret(None, now + 3_600_000_000)
        assert endpoint.props.secret != old
        assert endpoint.get_active_secrets(now) == [endpoint.props.secret, old]
        assert endpoint.get_active_secrets(now + 3_600_000_000) == [endpoint.props.secret]
        assert endpoint.props.previous_secrets == [f"{old} {now + 3_600_000_000}"]
        with pytest.raises(GLib.Error) as info:
            endpoint.rotate_secret(endpoint.props.secret, 0)
        assert info.value.code == Webhooks.Error.INVALID_SECRET
        store.update_endpoint(endpoint)

        message_id = store.publish("new-payment", GLib.Bytes.new(b"{}"), [endpoint.props.id], NOW)
        delivery = store.claim_due(NOW, 10, 30)[0]
        store.release(delivery.props.id)
        again = store.claim_due(NOW, 10, 30)[0]
        assert again.props.id == delivery.props.id
        assert again.props.attempt == 1
        store.record_attempt(Webhooks.Attempt.new(again.props.id, 1, NOW + 5, 10, 500, None,
                                                  None, NOW + 60_000_000))
        assert store.get_endpoint_failing_since(endpoint.props.id) == NOW + 5
        del store

        store = Webhooks.SqliteStore.new(path)
        assert store.get_endpoint_failing_since(endpoint.props.id) == NOW + 5
        read = store.lookup_endpoint(endpoint.props.id)
        assert read.props.secret == endpoint.props.secret
        assert read.props.previous_secrets == endpoint.props.previous_secrets
        assert store.list_deliveries(message_id)[0].props.attempt == 2
        with pytest.raises(GLib.Error) as info:
            store.release(424242)
        assert info.value.code == Webhooks.Error.STORE


class PythonStore(GObject.Object, Webhooks.Store):
    """A store written in Python; it implements nothing it is not asked for here."""


def test_thread_safety():
    # The SQLite store takes calls from any thread; a store written in Python does not
    # say so, and is kept on one thread.
    assert Webhooks.SqliteStore.new(":memory:").is_thread_safe()
    with tempfile.TemporaryDirectory() as folder:
        store = Webhooks.SqliteStore.new(os.path.join(folder, "deliveries.db"))
        assert store.is_thread_safe()
        del store
    assert not PythonStore().is_thread_safe()
