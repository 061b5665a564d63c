# SPDX-License-Identifier: LGPL-2.1-or-later
"""The seed's example declared from Python through plain GObject introspection.

No override or helper is involved: this is what PyGObject makes of the typelib alone.
"""

import json

import gi

gi.require_version("GLib", "2.0")
gi.require_version("GObject", "2.0")
gi.require_version("Webhooks", "1")
from gi.repository import GLib, GObject, Webhooks  # noqa: E402

import pytest  # noqa: E402

DESCRIPTION = "User receives a notification for every payment done."


class Payment(GObject.Object):
    # PyGObject registers this class as "<module>+Payment"; the document must say "Payment".
    is_paid = GObject.Property(type=bool, default=False)
    amount = GObject.Property(type=float, default=0.0)
    paid_at = GObject.Property(type=GLib.DateTime)


def seed_application():
    # PyGObject hands GLib the properties sorted by name; the seed's member order is restored
    # with the library's own call (the idiomatic Python layer does this by itself).
    Webhooks.model_set_property_order(Payment.__gtype__, ["is-paid", "amount", "paid-at"])

    new_event = Webhooks.whpost("new-event")
    new_event.props.description = DESCRIPTION
    new_event.props.body_type = Payment.__gtype__

    app = Webhooks.Application.new("Payments", "1.0.0")
    assert app.add_webhook(Webhooks.WebhookGateway.new(new_event))

    create_payment = Webhooks.post("/create")
    create_payment.props.name = "create_payment"
    create_payment.props.body_type = Payment.__gtype__
    assert app.add_route(Webhooks.Gateway.new(create_payment))
    return app


@pytest.fixture
def document():
    return json.loads(seed_application().get_openapi_json(False))


def test_document_is_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Payments"
    assert document["info"]["version"] == "1.0.0"


def test_webhook(document):
    operation = document["webhooks"]["new-event"]["post"]
    assert operation["operationId"] == "new_eventnew_event_post"
    assert operation["summary"] == "New Event"
    assert operation["description"] == DESCRIPTION
    body = operation["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Payment"}
    assert "201" in operation["responses"]


def test_route(document):
    assert "/create" not in document["webhooks"]
    assert "new-event" not in document["paths"]
    operation = document["paths"]["/create"]["post"]
    assert operation["operationId"] == "create_payment_create_post"
    assert operation["summary"] == "Create Payment"
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Payment"
    }
    responses = operation["responses"]
    assert responses["201"]["description"] == "Successful response"
    assert responses["422"]["description"] == "Validation Error"
    assert responses["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HTTPValidationError"
    }


def test_model(document):
    schemas = document["components"]["schemas"]
    assert "Payment" in schemas
    assert not [name for name in schemas if "+" in name]
    payment = schemas["Payment"]
    assert payment["type"] == "object"
    assert payment["title"] == "Payment"
    assert list(payment["properties"]) == ["is_paid", "amount", "paid_at"]
    assert payment["properties"]["is_paid"]["type"] == "boolean"
    assert payment["properties"]["is_paid"]["title"] == "Is Paid"
    assert payment["properties"]["amount"]["type"] == "number"
    assert payment["properties"]["paid_at"]["type"] == "string"
    assert payment["properties"]["paid_at"]["format"] == "date-time"
    assert sorted(payment["required"]) == ["amount", "is_paid", "paid_at"]
    assert "HTTPValidationError" in schemas
    assert "ValidationError" in schemas


def test_same_declarations_same_bytes():
    assert seed_application().get_openapi_json(True) == seed_application().get_openapi_json(True)


def test_webhook_handler_as_route_is_a_glib_error():
    app = Webhooks.Application.new("Payments", "1.0.0")
    misplaced = Webhooks.Gateway.new(Webhooks.whpost("new-event"))
    with pytest.raises(GLib.Error) as raised:
        app.add_route(misplaced)
    assert raised.value.domain == "wh-error-quark"
    assert raised.value.code == Webhooks.Error.WRONG_KIND
    assert raised.value.message
    # Nothing was added: the document still has no webhooks and no paths.
    document = json.loads(app.get_openapi_json(False))
    assert document["paths"] == {}
    assert "webhooks" not in document
