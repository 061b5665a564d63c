#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Sending the seed's new-event webhook with libwebhooks from Python: a dispatcher publishes a
Payment to a receiver on a loopback server, which checks its signature and gets it back as a
Payment. Sender and receiver share nothing but the endpoint's secret.

    python3 docs/examples/python/deliver.py
"""

import gi

gi.require_version("Webhooks", "1")
gi.require_version("Soup", "3.0")
from gi.repository import GLib, Soup, Webhooks  # noqa: E402

from seed import Payment, app  # noqa: E402  the seed's model and application

server = Soup.Server()
server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY)
url = f"http://127.0.0.1:{server.get_uris()[0].get_port()}/hooks"

# A file keeps what is not delivered yet across restarts; ":memory:" is enough here.
dispatcher = Webhooks.Dispatcher.new(app, Webhooks.SqliteStore.new(":memory:"))
# Loopback, like any private network, is refused unless allowed.
dispatcher.allow_network("127.0.0.0/8")
endpoint = Webhooks.Endpoint.new(url)  # with a fresh whsec_ secret
dispatcher.add_endpoint(endpoint)

receiver = Webhooks.Receiver.new(endpoint.props.secret)
receiver.set_application(app)
receiver.set_event("new-event")
receiver.attach(server, "/hooks")

loop = GLib.MainLoop()


def on_received(receiver, webhook_id, event, payload, payment):
    print(f"Received {event} {webhook_id}, signature verified: "
          f"is_paid={payment.props.is_paid} amount={payment.props.amount}")


def on_delivered(dispatcher, delivery, attempt):
    print(f"Delivered {delivery.get_message_id()}: the receiver answered "
          f"{attempt.get_status_code()}")
    loop.quit()


def on_failed(dispatcher, delivery, attempt, will_retry):
    print(f"Attempt {attempt.get_number()} failed: {attempt.get_error_message()}")


receiver.connect("received", on_received)
dispatcher.connect("delivery-succeeded", on_delivered)
dispatcher.connect("delivery-failed", on_failed)

dispatcher.start()
payment = Payment(is_paid=True, amount=9.99, paid_at=GLib.DateTime.new_utc(2024, 5, 1, 12, 0, 0))
print("Published new-event", dispatcher.publish("new-event", payment))
GLib.timeout_add_seconds(10, loop.quit)
loop.run()
dispatcher.stop()
