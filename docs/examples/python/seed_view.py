#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The APIView example of Esmerald's "Webhooks" page, with libwebhooks from Python: every
decorated method of the view is a webhook. It prints the same bytes as
docs/examples/c/seed-view.c.
"""

import gi

gi.require_version("Webhooks", "1")
from gi.repository import GLib, GObject  # noqa: E402
from gi.repository.Webhooks import APIView, Application, WebhookGateway, whpost  # noqa: E402


class Payment(GObject.Object):
    # A property's blurb is its member's description in the schema.
    is_paid = GObject.Property(type=bool, default=False, blurb="Whether the payment went through")
    amount = GObject.Property(type=float, blurb="How much was paid")
    paid_at = GObject.Property(type=GLib.DateTime, blurb="When the payment was made")


class PaymentWebhook(APIView):
    @whpost("new-event")
    def new_event(self, data: Payment) -> None: ...

    @whpost("payments")
    def new_payment(self, data: Payment) -> None: ...


app = Application(
    title="Payments",
    version="1.0.0",
    webhooks=[WebhookGateway(handler=PaymentWebhook)],
)

if __name__ == "__main__":
    print(app.get_openapi_json(True))
