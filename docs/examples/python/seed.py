#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The example of Esmerald's "Webhooks" page, with libwebhooks from Python: a Payment model,
a POST /create route that takes one, and a new-event webhook that sends one. It prints the
application's OpenAPI 3.1 document, the same bytes as docs/examples/c/seed.c.
"""

import gi

gi.require_version("Webhooks", "1")
from gi.repository import GLib, GObject  # noqa: E402
from gi.repository.Webhooks import Application, Gateway, WebhookGateway, post, whpost  # noqa: E402


class Payment(GObject.Object):
    # A property's blurb is its member's description in the schema.
    is_paid = GObject.Property(type=bool, default=False, blurb="Whether the payment went through")
    amount = GObject.Property(type=float, blurb="How much was paid")
    paid_at = GObject.Property(type=GLib.DateTime, blurb="When the payment was made")


@whpost("new-event")
def new_event(data: Payment) -> None:
    """User receives a notification for every payment done."""


@post("/create")
def create_payment(data: Payment) -> None: ...


app = Application(
    title="Payments",
    version="1.0.0",
    routes=[Gateway(handler=create_payment)],
    webhooks=[WebhookGateway(handler=new_event)],
)

if __name__ == "__main__":
    print(app.get_openapi_json(True))
