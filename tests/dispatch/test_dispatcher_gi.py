# SPDX-License-Identifier: LGPL-2.1-or-later
"""WhDispatcher from Python through GObject introspection: publish, send over a loopback
SoupServer, the signals, the retry schedule as a list and errors as GLib.Error; and a
Python receiver (WhReceiver) that gets a published model instance back as the model."""

import os
import sys
import threading

# The in-tree PyGObject override (bindings/python), as an installed one would be found:
# PyGObject takes in every gi/overrides folder on sys.path.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "bindings", "python"))

import gi  # noqa: E402

gi.require_version("Webhooks", "1")
gi.require_version("Soup", "3.0")
gi.require_version("Json", "1.0")
from gi.repository import GLib, GObject, Json, Soup, Webhooks  # noqa: E402
from gi.repository.Webhooks import Application, WebhookGateway, whpost  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def receiver():
    answers = []
    received = []
    server = Soup.Server()

    def handler(server, msg, path, query):
        headers = msg.get_request_headers()
        received.append((headers.get_one("webhook-id"), headers.get_one("webhook-timestamp"),
                         headers.get_one("webhook-signature"),
                         msg.get_request_body().flatten().get_data()))
        msg.set_status(answers.pop(0) if answers else 204, None)

    server.add_handler("/hooks", handler)
    server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY)
    port = server.get_uris()[0].get_port()
    yield f"http://127.0.0.1:{port}/hooks", answers, received
    server.disconnect()


def make_dispatcher(store_thread=True):
    app = Webhooks.Application.new("Payments", "1.0.0")
    app.add_webhook(Webhooks.WebhookGateway.new(Webhooks.whpost("ping")))
    store = Webhooks.SqliteStore.new(":memory:")
    assert store.is_thread_safe()
    dispatcher = Webhooks.Dispatcher.new(app, store)
    assert dispatcher.props.store_thread
    dispatcher.props.store_thread = store_thread
    dispatcher.set_retry_schedule([0, 10, 10])
    dispatcher.props.retry_jitter = 0.0
    dispatcher.props.poll_interval = 20
    return dispatcher


def run_until(condition, seconds=5):
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + seconds * 1_000_000
    while not condition():
        assert GLib.get_monotonic_time() < deadline, "timed out"
        context.iteration(False)


def test_retry_schedule_is_a_list():
    dispatcher = make_dispatcher()
    assert dispatcher.get_retry_schedule() == [0, 10, 10]
    dispatcher.set_retry_schedule([0, 5000, 300000])
    assert dispatcher.get_retry_schedule() == [0, 5000, 300000]


def test_errors_are_glib_errors():
    dispatcher = make_dispatcher()
    with pytest.raises(GLib.Error) as info:
        dispatcher.allow_network("127.0.0.1/33")
    assert info.value.matches(Webhooks.error_quark(), Webhooks.Error.INVALID_PARAMETER)
    with pytest.raises(GLib.Error) as info:
        dispatcher.publish_json("pong", Json.from_string("{}"))
    assert info.value.matches(Webhooks.error_quark(), Webhooks.Error.INVALID_NAME)


# With the store's work on the dispatcher's thread (the default with a SQLite store) and
# without: the Python handlers run on the thread of the main loop either way.
@pytest.mark.parametrize("store_thread", [True, False])
def test_publish_retry_and_signals(receiver, store_thread):
    url, answers, received = receiver
    answers.extend([500])
    dispatcher = make_dispatcher(store_thread)
    dispatcher.allow_network("127.0.0.0/8")
    endpoint = Webhooks.Endpoint.new(url)
    dispatcher.add_endpoint(endpoint)
    outcomes = []
    threads = set()

    def on_failed(d, delivery, attempt, will_retry):
        threads.add(threading.get_ident())
        outcomes.append(("failed", attempt.get_status_code(), will_retry))

    def on_succeeded(d, delivery, attempt):
        threads.add(threading.get_ident())
        outcomes.append(("succeeded", attempt.get_status_code(), False))

    dispatcher.connect("delivery-failed", on_failed)
    dispatcher.connect("delivery-succeeded", on_succeeded)

    dispatcher.start()
    message_id = dispatcher.publish_json("ping", Json.from_string('{"hello": "world"}'))
    assert message_id.startswith("msg_")
    run_until(lambda: len(outcomes) == 2)
    dispatcher.stop()

    assert outcomes == [("failed", 500, True), ("succeeded", 204, False)]
    assert threads == {threading.get_ident()}
    assert [r[0] for r in received] == [message_id, message_id]
    for webhook_id, timestamp, signature, body in received:
        assert body == b'{"hello":"world"}'
        assert Webhooks.signature_verify(endpoint.get_secret(), webhook_id, timestamp,
                                         signature, GLib.Bytes.new(body))


class Payment(GObject.Object):
    is_paid = GObject.Property(type=bool, default=False)
    amount = GObject.Property(type=float)


@whpost("new-payment")
def new_payment(data: Payment) -> None: ...


def test_python_receiver_gets_the_model():
    app = Application("Payments", "1.0.0", webhooks=[WebhookGateway(handler=new_payment)])
    server = Soup.Server()
    server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY)
    url = f"http://127.0.0.1:{server.get_uris()[0].get_port()}/hooks/payments"

    dispatcher = Webhooks.Dispatcher.new(app, Webhooks.SqliteStore.new(":memory:"))
    dispatcher.allow_network("127.0.0.0/8")
    endpoint = Webhooks.Endpoint.new(url)
    dispatcher.add_endpoint(endpoint)
    succeeded = []
    dispatcher.connect("delivery-succeeded",
                       lambda d, delivery, attempt: succeeded.append(
                           (delivery.get_message_id(), attempt.get_status_code())))

    # The receiving side shares nothing with the sender but the endpoint's secret.
    receiver = Webhooks.Receiver.new(endpoint.props.secret)
    receiver.set_application(app)
    receiver.set_event("new-payment")
    receiver.attach(server, "/hooks/payments")
    received = []
    receiver.connect("received", lambda r, webhook_id, event, payload, model:
                     received.append((webhook_id, event, model)))

    with pytest.raises(GLib.Error) as info:
        dispatcher.publish("old-payment", Payment(is_paid=True, amount=1.0))
    assert info.value.matches(Webhooks.error_quark(), Webhooks.Error.INVALID_NAME)

    dispatcher.start()
    message_id = dispatcher.publish("new-payment", Payment(is_paid=True, amount=9.99))
    run_until(lambda: received and succeeded)
    dispatcher.stop()
    server.disconnect()

    [(webhook_id, event, model)] = received
    assert (webhook_id, event) == (message_id, "new-payment")
    assert isinstance(model, Payment)
    assert model.props.is_paid is True
    assert model.props.amount == 9.99
    assert succeeded == [(message_id, 200)]
