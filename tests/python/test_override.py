# SPDX-License-Identifier: LGPL-2.1-or-later
"""The PyGObject override: the seed's page written as Esmerald users write it."""

import json

import gi

gi.require_version("Gio", "2.0")
gi.require_version("Json", "1.0")
gi.require_version("Webhooks", "1")
from gi.repository import Gio, GLib, GObject, Json, Webhooks  # noqa: E402
from gi.repository.Webhooks import (  # noqa: E402
    APIView, Application, Gateway, WebhookGateway, post, whpost)

import pytest  # noqa: E402


class Payment(GObject.Object):
    is_paid = GObject.Property(type=bool, default=False)
    amount = GObject.Property(type=float)
    paid_at = GObject.Property(type=GLib.DateTime)


@whpost("new-event")
def new_event(data: Payment) -> None: ...


@post("/create")
def create_payment(data: Payment) -> None: ...


class PaymentWebhook(APIView):
    @whpost("new-event")
    def new_event(self, data: Payment) -> None: ...

    @whpost("payments")
    def new_payment(self, data: Payment) -> None: ...


def document(app):
    return json.loads(app.get_openapi_json(False))


# The contract, as written ------------------------------------------------------


def test_seed_example_as_written():
    app = Application(
        routes=[Gateway(handler=create_payment)],
        webhooks=[WebhookGateway(handler=new_event)],
    )
    doc = document(app)
    webhook = doc["webhooks"]["new-event"]["post"]
    assert webhook["operationId"] == "new_eventnew_event_post"
    assert webhook["summary"] == "New Event"
    assert webhook["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Payment"}
    assert webhook["responses"]["201"] == {"description": "Successful response"}
    route = doc["paths"]["/create"]["post"]
    assert route["operationId"] == "create_payment_create_post"
    assert route["summary"] == "Create Payment"
    payment = doc["components"]["schemas"]["Payment"]
    assert list(payment["properties"]) == ["is_paid", "amount", "paid_at"]
    assert payment["properties"]["paid_at"] == {
        "title": "Paid At", "type": "string", "format": "date-time"}
    assert payment["required"] == ["is_paid", "amount", "paid_at"]
    assert app.get_openapi_json(True).startswith("{\n")


@pytest.mark.parametrize("view", [PaymentWebhook, PaymentWebhook()], ids=["class", "instance"])
def test_view_example_as_written(view):
    doc = document(Application(webhooks=[WebhookGateway(handler=view)]))
    assert list(doc["webhooks"]) == ["new-event", "payments"]
    assert doc["webhooks"]["new-event"]["post"]["operationId"] == "paymentwebhooknew_event_post"
    assert doc["webhooks"]["payments"]["post"]["operationId"] == "paymentwebhookpayments_post"
    assert doc["webhooks"]["payments"]["post"]["summary"] == "New Payment"
    assert doc["paths"] == {}


def test_decorated_functions_stay_callable():
    @post("/sum")
    def add(data: Payment, extra=1) -> None:
        return 40 + extra

    assert add(None, 2) == 42
    assert add.__name__ == "add"
    assert isinstance(add.handler, Webhooks.Handler)
    assert add.handler.function is add
    assert new_event(None) is None
    assert isinstance(new_event.handler, Webhooks.WebhookHandler)


def test_plain_gi_calls_still_make_handlers():
    handler = Webhooks.whpost("new-payment")
    assert isinstance(handler, Webhooks.WebhookHandler)
    assert handler.props.methods == ["POST"]
    route = Webhooks.post("/create")
    assert isinstance(route, Webhooks.Handler)
    assert not isinstance(route, Webhooks.WebhookHandler)


# Keywords ------------------------------------------------------------------------------

WEBHOOK_DECORATORS = ["whget", "whpost", "whput", "whpatch", "whdelete", "whhead", "whead",
                      "whoptions", "whtrace"]
ROUTE_DECORATORS = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]


def every_keyword(scheme):
    return dict(
        summary="A summary",
        description="A description",
        status_code=202,
        include_in_schema=True,
        tags=["payments", "events"],
        deprecated=True,
        security=[scheme],
        operation_id="an_operation",
        response_description="Accepted for later",
        responses={404: "Not there", "409": {"description": "Conflict", "model": Payment}},
        media_type="application/cloudevents+json",
    )


def check_every_keyword(operation, method):
    assert operation["summary"] == "A summary"
    assert operation["description"] == "A description"
    assert operation["tags"] == ["payments", "events"]
    assert operation["deprecated"] is True
    assert operation["security"] == [{"ApiKey": []}]
    assert operation["operationId"] == "an_operation"
    assert operation["responses"]["202"]["description"] == "Accepted for later"
    assert operation["responses"]["404"] == {"description": "Not there"}
    assert operation["responses"]["409"]["description"] == "Conflict"
    assert operation["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Payment"}
    if method in ("get", "head", "post", "put", "patch", "delete"):
        assert list(operation["requestBody"]["content"]) == ["application/cloudevents+json"]


def api_key():
    return Webhooks.SecurityScheme.new_api_key("ApiKey", Webhooks.ParameterLocation.HEADER,
                                              "X-API-Key")


@pytest.mark.parametrize("decorator", WEBHOOK_DECORATORS)
def test_webhook_decorator_keywords(decorator):
    scheme = api_key()

    @getattr(Webhooks, decorator)("an-event", **every_keyword(scheme))
    def handler(payload: Payment) -> None: ...

    method = "head" if decorator == "whead" else decorator[2:]
    doc = document(Application(webhooks=[WebhookGateway(handler=handler)]))
    check_every_keyword(doc["webhooks"]["an-event"][method], method)
    assert doc["components"]["securitySchemes"]["ApiKey"]["in"] == "header"


@pytest.mark.parametrize("decorator", ROUTE_DECORATORS)
def test_route_decorator_keywords(decorator):
    scheme = api_key()

    @getattr(Webhooks, decorator)("/things", **every_keyword(scheme))
    def handler(data: Payment) -> None: ...

    doc = document(Application(routes=[Gateway(handler=handler)]))
    check_every_keyword(doc["paths"]["/things"][decorator], decorator)


@pytest.mark.parametrize("decorator, where", [("whroute", "webhooks"), ("route", "paths")])
def test_route_and_whroute_take_methods(decorator, where):
    @getattr(Webhooks, decorator)("/both", methods=["GET", "POST"], include_in_schema=True)
    def both() -> None: ...

    gateway = WebhookGateway(handler=both) if where == "webhooks" else Gateway(handler=both)
    app = Application(**{"webhooks" if where == "webhooks" else "routes": [gateway]})
    item = document(app)[where]["/both"]
    assert sorted(item) == ["get", "post"]
    assert item["get"]["operationId"] == "both_both_get"
    assert item["post"]["operationId"] == "both_both_post"


def test_whroute_without_path_uses_the_function_name():
    @Webhooks.whroute(methods=["PUT"])
    def refund_done() -> None: ...

    doc = document(Application(webhooks=[WebhookGateway(handler=refund_done)]))
    assert doc["webhooks"]["refund_done"]["put"]["summary"] == "Refund Done"


def test_include_in_schema_false():
    @whpost("hidden", include_in_schema=False)
    def hidden(data: Payment) -> None: ...

    assert "webhooks" not in document(Application(webhooks=[WebhookGateway(handler=hidden)]))


def test_body_and_response_types_and_names_from_the_function():
    class Receipt(GObject.Object):
        number = GObject.Property(type=int)

    @post("/pay")
    def pay(payload: Payment) -> Receipt:
        """Pays.

        And says so."""

    @post("/explicit", body_type=Receipt, name="other_name", description="Given")
    def explicit(data) -> None:
        """Not this one."""

    @post("/nothing")
    def nothing() -> None: ...

    doc = document(Application(routes=[Gateway(handler=pay), Gateway(handler=explicit),
                                       Gateway(handler=nothing)]))
    paying = doc["paths"]["/pay"]["post"]
    assert paying["description"] == "Pays.\n\nAnd says so."
    assert paying["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Payment")
    assert paying["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Receipt"}
    assert "Receipt" in doc["components"]["schemas"]
    other = doc["paths"]["/explicit"]["post"]
    assert other["operationId"] == "other_name_explicit_post"
    assert other["description"] == "Given"
    assert other["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Receipt")
    assert "content" not in other["responses"]["201"]
    assert "requestBody" not in doc["paths"]["/nothing"]["post"]


def test_string_annotations():
    @whpost("later")
    def later(data: "Payment") -> "None": ...

    doc = document(Application(webhooks=[WebhookGateway(handler=later)]))
    assert doc["webhooks"]["later"]["post"]["requestBody"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/Payment"}


def test_gateway_keywords():
    scheme = Webhooks.SecurityScheme.new_http("Bearer", "bearer")

    @whpost("gated")
    def gated(data: Payment) -> None: ...

    @post("/item")
    def item(data: Payment) -> None: ...

    app = Application(
        webhooks=[WebhookGateway(handler=gated, name="gate", deprecated=True, tags=["gw"],
                                 security=[scheme], include_in_schema=True)],
        routes=[Gateway("/api", handler=item, tags=["routes"]),
                Gateway(handler=item, include_in_schema=False, name="hidden")],
    )
    doc = document(app)
    operation = doc["webhooks"]["gated"]["post"]
    assert operation["deprecated"] is True
    assert operation["tags"] == ["gw"]
    assert operation["security"] == [{"Bearer": []}]
    assert list(doc["paths"]) == ["/api/item"]
    assert doc["paths"]["/api/item"]["post"]["tags"] == ["routes"]


def test_application_info_keywords():
    app = Application(
        title="Payments", version="2.0.0", summary="Pay", description="Payments API",
        terms_of_service="https://example.com/terms",
        contact={"name": "Team", "url": "https://example.com", "email": "team@example.com"},
        license={"name": "LGPL", "identifier": "LGPL-2.1-or-later"},
        servers=["https://api.example.com", {"url": "https://test.example.com",
                                             "description": "Test"}],
        tags=["payments", {"name": "events", "description": "Sent to you"}],
    )
    doc = document(app)
    assert doc["info"]["title"] == "Payments"
    assert doc["info"]["version"] == "2.0.0"
    assert doc["info"]["summary"] == "Pay"
    assert doc["info"]["description"] == "Payments API"
    assert doc["info"]["termsOfService"] == "https://example.com/terms"
    assert doc["info"]["contact"] == {"name": "Team", "url": "https://example.com",
                                      "email": "team@example.com"}
    assert doc["info"]["license"]["identifier"] == "LGPL-2.1-or-later"
    assert [server["url"] for server in doc["servers"]] == [
        "https://api.example.com", "https://test.example.com"]
    assert doc["tags"][1] == {"name": "events", "description": "Sent to you"}


# Models --------------------------------------------------------------------------------


class Address(GObject.Object):
    street = GObject.Property(type=str)
    city = GObject.Property(type=str)


class Line(GObject.Object):
    label = GObject.Property(type=str)
    cents = GObject.Property(type=int, minimum=0, maximum=1000000)


class Invoice(GObject.Object):
    # Written out of alphabetical order on purpose: the schema keeps this order.
    zeta = GObject.Property(type=str)
    address = GObject.Property(type=Address)
    where = GObject.Property(type=Webhooks.ParameterLocation,
                             default=Webhooks.ParameterLocation.QUERY)
    lines = Webhooks.Property(type=Gio.ListStore, item_type=Line)
    labels = GObject.Property(type=GObject.TYPE_STRV)
    note = Webhooks.Property(type=str, default="none", optional=True)
    due = GObject.Property(type=GLib.DateTime)
    alpha = GObject.Property(type=int)


def invoice_schemas():
    @whpost("invoice")
    def invoice(data: Invoice) -> None: ...

    return document(Application(webhooks=[WebhookGateway(handler=invoice)]))["components"]["schemas"]


def test_model_order_name_and_optional():
    schema = invoice_schemas()["Invoice"]
    assert schema["title"] == "Invoice"
    assert list(schema["properties"]) == ["zeta", "address", "where", "lines", "labels", "note",
                                          "due", "alpha"]
    assert "note" not in schema["required"]
    assert schema["properties"]["note"]["default"] == "none"
    assert schema["required"] == ["zeta", "address", "where", "lines", "labels", "due", "alpha"]


def test_model_nested_enum_list_and_date():
    schemas = invoice_schemas()
    invoice = schemas["Invoice"]["properties"]
    assert invoice["address"]["$ref"] == "#/components/schemas/Address"
    assert schemas["Address"]["title"] == "Address"
    assert list(schemas["Address"]["properties"]) == ["street", "city"]
    assert invoice["where"]["type"] == "string"
    assert "query" in invoice["where"]["enum"]
    assert invoice["lines"]["type"] == "array"
    assert invoice["lines"]["items"] == {"$ref": "#/components/schemas/Line"}
    assert schemas["Line"]["properties"]["cents"]["minimum"] == 0
    assert invoice["labels"] == {"title": "Labels", "type": "array", "items": {"type": "string"}}
    assert invoice["due"]["format"] == "date-time"
    assert not [name for name in schemas if "+" in name]


def test_model_decorator_renames_and_optional_list():
    @Webhooks.model(name="Refund")
    class RefundModel(GObject.Object):
        __optional__ = ["reason"]
        amount = GObject.Property(type=float)
        reason = GObject.Property(type=str)

    schema = json.loads(Json.to_string(Webhooks.model_get_schema(RefundModel.__gtype__), False))
    assert schema["title"] == "Refund"
    assert schema["required"] == ["amount"]


def test_model_inherits_python_properties_first():
    class Base(GObject.Object):
        b = GObject.Property(type=int)
        a = GObject.Property(type=int)

    class Child(Base):
        d = GObject.Property(type=int)
        c = GObject.Property(type=int)

    Webhooks.prepare_model(Child)
    schema = json.loads(Json.to_string(Webhooks.model_get_schema(Child.__gtype__), False))
    assert list(schema["properties"]) == ["b", "a", "d", "c"]


# Errors --------------------------------------------------------------------------------


def check_error(raised, code, *words):
    assert raised.value.domain == "wh-error-quark"
    assert raised.value.code == code
    for word in words:
        assert word in raised.value.message


def test_route_in_webhooks_is_an_error():
    with pytest.raises(GLib.Error) as raised:
        Application(webhooks=[WebhookGateway(handler=create_payment)])
    check_error(raised, Webhooks.Error.WRONG_KIND, "create_payment", "cannot be a webhook")
    with pytest.raises(GLib.Error) as raised:
        Application(webhooks=[Gateway(handler=create_payment)])
    check_error(raised, Webhooks.Error.WRONG_KIND, "cannot be added as a webhook")


def test_webhook_in_routes_is_an_error():
    with pytest.raises(GLib.Error) as raised:
        Application(routes=[Gateway(handler=new_event)])
    check_error(raised, Webhooks.Error.WRONG_KIND, "new-event", "cannot be a route")
    with pytest.raises(GLib.Error) as raised:
        Application(routes=[WebhookGateway(handler=new_event)])
    check_error(raised, Webhooks.Error.WRONG_KIND, "cannot be added as a route")


def test_same_name_and_method_twice_is_an_error():
    @whpost("new-event")
    def again(data: Payment) -> None: ...

    with pytest.raises(GLib.Error) as raised:
        Application(webhooks=[WebhookGateway(handler=new_event), WebhookGateway(handler=again)])
    check_error(raised, Webhooks.Error.DUPLICATE, "POST new-event", "twice")


def test_whroute_without_methods_is_an_error():
    @Webhooks.whroute("no-methods")
    def no_methods() -> None: ...

    with pytest.raises(GLib.Error) as raised:
        Application(webhooks=[WebhookGateway(handler=no_methods)])
    check_error(raised, Webhooks.Error.INVALID_METHOD, "no HTTP method")


def test_unknown_method_is_an_error():
    @Webhooks.whroute("odd", methods=["FETCH"])
    def odd() -> None: ...

    with pytest.raises(GLib.Error) as raised:
        Application(webhooks=[WebhookGateway(handler=odd)])
    check_error(raised, Webhooks.Error.INVALID_METHOD, "unknown HTTP method", "FETCH")


def test_not_a_handler_is_a_type_error():
    def plain(data): ...

    with pytest.raises(TypeError, match="decorate it"):
        WebhookGateway(handler=plain)


# Subclasses and virtual methods ---------------------------------------------------------


class TaggedHandler(Webhooks.Handler):
    def do_customize_operation(self, method, operation):
        operation.set_string_member("x-method", method)


class StampedWebhook(Webhooks.WebhookHandler):
    def do_prepare_payload(self, payload):
        node = Webhooks.model_serialize(payload)
        node.get_object().set_string_member("source", "python")
        return node


class BrandedApplication(Application):
    def do_customize_openapi(self, document):
        document.set_string_member("x-brand", "libwebhooks")


class NotesView(APIView):
    @whpost("note-added")
    def note_added(self, data: Payment) -> None: ...

    def do_customize_operation(self, handler, method, operation):
        operation.set_string_member("x-view", f"{handler.props.name} {method}")


def test_python_subclasses_override_virtual_methods():
    route = TaggedHandler(path="/tagged", methods=["GET"], name="tagged")
    stamped = StampedWebhook(path="stamped", methods=["POST"], body_type=Payment)
    app = BrandedApplication(title="Branded", routes=[Gateway(handler=route)],
                             webhooks=[WebhookGateway(handler=stamped),
                                       WebhookGateway(handler=NotesView)])
    doc = document(app)
    assert doc["x-brand"] == "libwebhooks"
    assert doc["paths"]["/tagged"]["get"]["x-method"] == "GET"
    assert doc["webhooks"]["note-added"]["post"]["operationId"] == "notesviewnote_added_post"
    assert doc["webhooks"]["note-added"]["post"]["x-view"] == "note_added POST"
    assert "x-view" not in doc["webhooks"]["stamped"]["post"]

    payment = Payment(is_paid=True, amount=3.5,
                      paid_at=GLib.DateTime.new_utc(2024, 1, 2, 3, 4, 5))
    payload = json.loads(Json.to_string(stamped.prepare_payload(payment), False))
    assert payload["source"] == "python"
    assert payload["amount"] == 3.5
