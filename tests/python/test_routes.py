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
