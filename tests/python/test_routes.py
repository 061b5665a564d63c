# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python route handlers answering real HTTP requests over a loopback SoupServer."""

import json

import gi

gi.require_version("Webhooks", "1")
gi.require_version("Soup", "3.0")
from gi.repository import GLib, GObject, Soup  # noqa: E402
from gi.repository.Webhooks import Application, Gateway, get, post  # noqa: E402


class Payment(GObject.Object):
    is_paid = GObject.Property(type=bool, default=False)
    amount = GObject.Property(type=float)


@post("/create")
def create_payment(data: Payment) -> Payment:
    data.props.amount = data.props.amount * 2
    return data


@get("/users/{user_id}")
def read_user(user_id):
    return (202, {"user": user_id})


@post("/nothing")
def nothing(data: Payment) -> None:
    assert isinstance(data, Payment)


@post("/broken")
def broken(data: Payment) -> None:
    raise RuntimeError("a bug in the application")


def serve(*handlers):
    app = Application(title="Payments", version="1.0.0",
                      routes=[Gateway(handler=handler) for handler in handlers])
    server = Soup.Server()
    app.attach(server)
    server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY)
    return app, server, server.get_uris()[0]


def call(base, method, path, body=None):
    session = Soup.Session()
    message = Soup.Message.new(method, base.to_string().rstrip("/") + path)
    if body is not None:
        message.set_request_body_from_bytes("application/json", GLib.Bytes.new(body.encode()))
    results = []
    session.send_and_read_async(message, GLib.PRIORITY_DEFAULT, None,
                                lambda source, result: results.append(result))
    context = GLib.MainContext.default()
    while not results:
        context.iteration(True)
    data = session.send_and_read_finish(results[0]).get_data() or b""
    return message.get_status(), message.get_response_headers(), data.decode()


def test_post_create_returns_the_model():
    app, server, base = serve(create_payment)
    status, headers, body = call(base, "POST", "/create", '{"is_paid": true, "amount": 2.5}')
    assert status == 201
    assert headers.get_content_type()[0] == "application/json"
    assert json.loads(body) == {"is_paid": True, "amount": 5.0}


def test_validation_error_never_calls_the_function():
    app, server, base = serve(create_payment)
    status, headers, body = call(base, "POST", "/create", '{"is_paid": "no"}')
    assert status == 422
    assert json.loads(body) == {"detail": [
        {"loc": ["body", "is_paid"], "msg": "Input should be a valid boolean", "type": "bool_type"},
        {"loc": ["body", "amount"], "msg": "Field required", "type": "missing"},
    ]}


def test_path_parameter_keyword_and_status_tuple():
    app, server, base = serve(read_user)
    status, headers, body = call(base, "GET", "/users/ada")
    assert status == 202
    assert json.loads(body) == {"user": "ada"}


def test_none_is_an_empty_answer():
    app, server, base = serve(nothing)
    status, headers, body = call(base, "POST", "/nothing", '{"is_paid": true, "amount": 1}')
    assert status == 201
    assert body == ""


def test_exception_is_a_bare_500(capsys):
    app, server, base = serve(broken)
    status, headers, body = call(base, "POST", "/broken", '{"is_paid": true, "amount": 1}')
    assert status == 500
    assert json.loads(body) == {"detail": "Internal Server Error"}
    assert "a bug in the application" not in body


# Methods of an APIView, called on their view ---------------------------------------------

import gc  # noqa: E402
import logging  # noqa: E402

from gi.repository import Gio, Webhooks  # noqa: E402
from gi.repository.Webhooks import APIView, HTTPException  # noqa: E402


class PaymentView(APIView):
    """A view with state: each instance multiplies by its own factor and counts calls."""

    def __init__(self, factor=3, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.calls = 0

    @post("/view/create")
    def create(self, data: Payment) -> Payment:
        self.calls += 1
        data.props.amount = data.props.amount * self.factor
        return data

    @get("/view/calls/{since}")
    def count(self, since: int, request):
        assert isinstance(request, Webhooks.Request)
        return {"calls": self.calls, "since": since, "view": type(self).__name__}

    @get("/view/static")
    @staticmethod
    def static_route():
        return {"static": True}

    @get("/view/class")
    @classmethod
    def class_route(cls):
        return {"class": cls.__name__}


PaymentView.count.handler.add_parameter(
    Webhooks.Parameter.new("since", Webhooks.ParameterLocation.PATH, GObject.TYPE_INT64))


def serve_gateways(*gateways):
    app = Application(title="Payments", version="1.0.0", routes=list(gateways))
    server = Soup.Server()
    app.attach(server)
    server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY)
    return app, server, server.get_uris()[0]


def test_view_class_methods_are_called_on_one_instance():
    app, server, base = serve(PaymentView)
    # The gateway made the instance; nothing else in Python refers to it.
    gc.collect()
    status, headers, body = call(base, "POST", "/view/create", '{"is_paid": true, "amount": 2}')
    assert status == 201
    assert json.loads(body) == {"is_paid": True, "amount": 6.0}
    call(base, "POST", "/view/create", '{"is_paid": true, "amount": 1}')
    status, headers, body = call(base, "GET", "/view/calls/5")
    assert status == 200
    assert json.loads(body) == {"calls": 2, "since": 5, "view": "PaymentView"}


def test_each_view_instance_answers_with_its_own_state():
    app, server, base = serve_gateways(Gateway("/double", handler=PaymentView(factor=2)),
                                       Gateway("/tenfold", handler=PaymentView(factor=10)))
    gc.collect()
    _, _, double = call(base, "POST", "/double/view/create", '{"is_paid": true, "amount": 3}')
    _, _, tenfold = call(base, "POST", "/tenfold/view/create", '{"is_paid": true, "amount": 3}')
    assert json.loads(double)["amount"] == 6.0
    assert json.loads(tenfold)["amount"] == 30.0
    _, _, calls = call(base, "GET", "/tenfold/view/calls/0")
    assert json.loads(calls)["calls"] == 1


def test_static_and_class_methods_of_a_view():
    app, server, base = serve(PaymentView)
    assert json.loads(call(base, "GET", "/view/static")[2]) == {"static": True}
    assert json.loads(call(base, "GET", "/view/class")[2]) == {"class": "PaymentView"}


def test_view_methods_stay_documented_as_before():
    # Each instance serves its own handlers; the document is the one the decorators
    # declared, as if the class's handlers were added to a view by hand.
    served = Application(routes=[Gateway(handler=PaymentView)]).get_openapi_json(True)
    by_hand = APIView(name="PaymentView")
    for method in ("class_route", "count", "create", "static_route"):
        by_hand.add_handler(getattr(PaymentView, method).handler)
    assert served == Application(routes=[Gateway(handler=by_hand)]).get_openapi_json(True)
    doc = json.loads(served)
    assert doc["paths"]["/view/create"]["post"]["summary"] == "Create"
    assert [p["name"] for p in doc["paths"]["/view/calls/{since}"]["get"]["parameters"]] == ["since"]
    # The decorated methods are still plain functions of the class.
    assert PaymentView.static_route() == {"static": True}


# HTTPException and failures -------------------------------------------------------------


@get("/payments/{payment_id}")
def read_payment(payment_id):
    if payment_id == "gone":
        raise HTTPException(410)
    if payment_id == "locked":
        raise HTTPException(423, {"reason": "locked", "until": "tomorrow"},
                            headers={"Retry-After": "3600"})
    raise HTTPException(status_code=404, detail="No payment " + payment_id)


def test_http_exception_answers_its_status_and_detail():
    app, server, base = serve(read_payment)
    status, headers, body = call(base, "GET", "/payments/7")
    assert status == 404
    assert headers.get_content_type()[0] == "application/json"
    assert json.loads(body) == {"detail": "No payment 7"}

    status, headers, body = call(base, "GET", "/payments/gone")
    assert status == 410
    assert json.loads(body) == {"detail": "Gone"}

    status, headers, body = call(base, "GET", "/payments/locked")
    assert status == 423
    assert headers.get_one("Retry-After") == "3600"
    assert json.loads(body) == {"detail": {"reason": "locked", "until": "tomorrow"}}


def test_any_other_exception_is_a_logged_500(caplog):
    app, server, base = serve(broken)
    with caplog.at_level(logging.ERROR, logger="webhooks"):
        status, headers, body = call(base, "POST", "/broken", '{"is_paid": true, "amount": 1}')
    assert status == 500
    assert headers.get_content_type()[0] == "application/json"
    assert json.loads(body) == {"detail": "Internal Server Error"}
    assert "RuntimeError" not in body
    # The traceback went to the application's log.
    records = [record for record in caplog.records if record.name == "webhooks"]
    assert len(records) == 1
    assert "POST /broken" in records[0].getMessage()
    assert records[0].exc_info[0] is RuntimeError
    assert "a bug in the application" in caplog.text


class FailingView(APIView):
    @post("/view/fail")
    def fail(self, data: Payment) -> None:
        if data.props.amount < 0:
            raise HTTPException(422, "The amount must not be negative")
        raise KeyError("internal")


def test_exceptions_in_view_methods(caplog):
    app, server, base = serve(FailingView)
    status, _, body = call(base, "POST", "/view/fail", '{"is_paid": true, "amount": -1}')
    assert (status, json.loads(body)) == (422, {"detail": "The amount must not be negative"})
    with caplog.at_level(logging.ERROR, logger="webhooks"):
        status, _, body = call(base, "POST", "/view/fail", '{"is_paid": true, "amount": 1}')
    assert (status, json.loads(body)) == (500, {"detail": "Internal Server Error"})
    assert "KeyError" in caplog.text


def test_an_unusable_result_is_a_500(caplog):
    @get("/unusable")
    def unusable():
        return {"not": object()}

    app, server, base = serve(unusable)
    with caplog.at_level(logging.ERROR, logger="webhooks"):
        status, _, body = call(base, "GET", "/unusable")
    assert (status, json.loads(body)) == (500, {"detail": "Internal Server Error"})
    assert "TypeError" in caplog.text


# List parameters ------------------------------------------------------------------------


@get("/search")
def search(tag, flags=None):
    return {"tag": tag, "flags": None if flags is None else int(flags)}


search.handler.add_parameter(
    Webhooks.Parameter.new("tag", Webhooks.ParameterLocation.QUERY, GObject.TYPE_STRV))
_flags = Webhooks.Parameter.new("flags", Webhooks.ParameterLocation.QUERY,
                                Gio.FileCreateFlags.__gtype__)
_flags.set_required(False)
search.handler.add_parameter(_flags)


def test_list_parameters_arrive_as_lists():
    app, server, base = serve(search)
    status, _, body = call(base, "GET", "/search?tag=a&tag=b%20c&flags=private&flags=replace-destination")
    assert status == 200
    assert json.loads(body) == {"tag": ["a", "b c"], "flags": int(
        Gio.FileCreateFlags.PRIVATE | Gio.FileCreateFlags.REPLACE_DESTINATION)}

    status, _, body = call(base, "GET", "/search?tag=one&flags=public")
    assert status == 422
    assert json.loads(body) == {"detail": [{
        "loc": ["query", "flags", 0],
        "msg": "Input should be 'private' or 'replace-destination'",
        "type": "enum"}]}
