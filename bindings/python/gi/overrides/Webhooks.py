# SPDX-License-Identifier: LGPL-2.1-or-later
"""The PyGObject override of libwebhooks: the seed's page, written as Esmerald users write it.

    from gi.repository.Webhooks import Application, WebhookGateway, whpost

    @whpost("new-event")
    def new_event(data: Payment) -> None: ...

    app = Application(webhooks=[WebhookGateway(handler=new_event)])

A decorator returns the function itself, still callable, with its handler in
``function.handler``.  Every ``wh*`` and route function of the typelib still returns a
handler when it is called with a path only, so that code written against plain GI keeps
working with the override installed.
"""

import inspect
import logging
import types
import typing
import weakref

from gi.repository import GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

Webhooks = get_introspection_module("Webhooks")

__all__ = []

# The attribute of a decorated function that holds its handler.
_HANDLER_ATTRIBUTE = "handler"

_HANDLER_KEYWORDS = (
    "name", "summary", "description", "status_code", "include_in_schema", "tags",
    "deprecated", "security", "operation_id", "response_description", "responses",
    "media_type", "methods", "body_type", "response_type",
)


def _error(code, message):
    return GLib.Error(message, "wh-error-quark", int(code))


# Models ---------------------------------------------------------------------------------


class Property(GObject.Property):
    """A :class:`GObject.Property` that a model can mark ``optional``, and that says what a
    list (a ``Gio.ListModel``) holds with ``item_type``::

        class Invoice(GObject.Object):
            note = Webhooks.Property(type=str, optional=True)
            lines = Webhooks.Property(type=Gio.ListStore, item_type=Line)
    """

    def __init__(self, *args, optional=False, item_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.optional = optional
        self.item_type = item_type


__all__.append("Property")

_prepared_models = {}


def _python_class(gtype):
    try:
        cls = gtype.pytype
    except AttributeError:
        return None
    if cls is None or cls.__module__.startswith("gi."):
        return None
    return cls


def _gtype_of(value):
    if value is None:
        return None
    if isinstance(value, GObject.GType):
        return value
    gtype = getattr(value, "__gtype__", None)
    if gtype is None:
        raise TypeError("%r is not a model: use a GObject.Object subclass" % (value,))
    return gtype


def _model_properties(cls):
    """The GObject.Property objects of a Python class and its Python ancestors, in the order
    the class bodies list them (ancestors first)."""
    seen = set()
    ordered = []
    for klass in reversed(cls.__mro__):
        for attribute, value in vars(klass).items():
            if isinstance(value, GObject.Property):
                name = (value.name or attribute).replace("_", "-")
                if name not in seen:
                    seen.add(name)
                    ordered.append((name, value))
    return ordered


def prepare_model(model):
    """Makes a Python class a model the way the document expects it (this is done for every
    class a handler refers to, so it is rarely called directly): its name is the class's
    name (or ``__model_name__``), its members come in the order the class body writes them,
    the :class:`Property` objects marked ``optional`` are optional (as are the names listed
    in ``__optional__``), and the models it refers to are prepared too.

    Returns the model's GType.
    """
    gtype = _gtype_of(model)
    if gtype is None or gtype in _prepared_models:
        return gtype
    cls = _python_class(gtype)
    _prepared_models[gtype] = True
    if cls is None:
        return gtype

    Webhooks.model_set_name(gtype, getattr(cls, "__model_name__", cls.__name__))
    properties = _model_properties(cls)
    if properties:
        Webhooks.model_set_property_order(gtype, [name for name, _ in properties])
    optional = {name.replace("_", "-") for name in getattr(cls, "__optional__", ())}
    for name, prop in properties:
        if getattr(prop, "optional", False) or name in optional:
            Webhooks.model_set_optional(gtype, name, True)
        item_type = getattr(prop, "item_type", None)
        if item_type is not None:
            Webhooks.model_set_item_type(gtype, name, prepare_model(item_type))
        if prop.type is not None and isinstance(prop.type, GObject.GType) and prop.type.is_a(GObject.Object):
            prepare_model(prop.type)
    return gtype


def model(cls=None, *, name=None):
    """A class decorator that prepares a model now, optionally under another ``name``."""
    def wrap(klass):
        if name is not None:
            klass.__model_name__ = name
        prepare_model(klass)
        return klass
    return wrap if cls is None else wrap(cls)


__all__ += ["prepare_model", "model"]


# Handlers -------------------------------------------------------------------------------


def _annotation(hints, parameters):
    for parameter in parameters:
        if parameter in hints:
            return hints[parameter]
    return None


def _type_hints(function):
    try:
        return typing.get_type_hints(function)
    except Exception:
        return dict(getattr(function, "__annotations__", {}))


def _is_model(annotation):
    return isinstance(annotation, type) and issubclass(annotation, GObject.Object)


def _responses(value):
    if isinstance(value, dict):
        items = value.items()
    else:
        items = [(response.props.status, response) for response in value]
    for status, response in items:
        if isinstance(response, Webhooks.Response):
            yield response
            continue
        if isinstance(response, str):
            yield Webhooks.Response.new(str(status), response)
            continue
        if isinstance(response, dict):
            result = Webhooks.Response.new(str(status), response.get("description", ""))
            model_type = response.get("model", response.get("body_type"))
        else:
            result = Webhooks.Response.new(str(status), "")
            model_type = response
        if model_type is not None:
            result.props.body_type = prepare_model(model_type)
        if isinstance(response, dict) and response.get("media_type"):
            result.props.media_type = response["media_type"]
        yield result


def _configure_handler(handler, keywords):
    for key, value in keywords.items():
        if key not in _HANDLER_KEYWORDS:
            raise TypeError("unexpected keyword argument %r" % key)
        if value is None:
            continue
        if key == "name":
            handler.explicit_name = True
        if key == "responses":
            for response in _responses(value):
                handler.add_response(response)
        elif key == "security":
            for scheme in value:
                handler.add_security(scheme)
        elif key in ("body_type", "response_type"):
            handler.set_property(key.replace("_", "-"), prepare_model(value))
        elif key in ("tags", "methods"):
            handler.set_property(key, [str(item) for item in value])
        else:
            handler.set_property(key.replace("_", "-"), value)


@override
class Handler(Webhooks.Handler):
    """A route handler. Used as a decorator (``@post("/create")`` makes one), it takes its
    name, docstring, body and response types from the function it decorates."""

    def __init__(self, *args, **kwargs):
        keywords = {key: kwargs.pop(key) for key in list(kwargs)
                    if key in ("responses", "security")}
        for key in ("body_type", "response_type"):
            if key in kwargs:
                kwargs[key] = prepare_model(kwargs[key])
        super().__init__(*args, **kwargs)
        self.function = None
        self.explicit_name = "name" in kwargs
        _configure_handler(self, keywords)

    def __call__(self, function):
        """Declares ``function`` with this handler and returns it unchanged."""
        self.bind(function)
        return function

    def bind(self, function, *, skip_self=False):
        descriptor = function
        if isinstance(function, (staticmethod, classmethod)):
            # Decorating a static or class method of a view: the handler is found on
            # either the descriptor or the function.
            function = function.__func__
            try:
                setattr(function, _HANDLER_ATTRIBUTE, self)
            except AttributeError:
                pass
        self.function = function
        # The library derives a name from the path when none is set; Esmerald uses the
        # function's name.
        if not getattr(self, "explicit_name", False):
            self.props.name = function.__name__
        if getattr(self, "path_from_function", False):
            # Esmerald's whroute(methods=[...]) without a name: the webhook is the function's.
            if isinstance(self, Webhooks.WebhookHandler):
                self.props.path = function.__name__
        if not self.props.description:
            description = inspect.getdoc(function)
            if description:
                self.props.description = description
        hints = _type_hints(function)
        if self.props.body_type in (GObject.TYPE_INVALID, GObject.TYPE_NONE):
            body = _annotation(hints, ("data", "payload"))
            if _is_model(body):
                self.props.body_type = prepare_model(body)
        if self.props.response_type in (GObject.TYPE_INVALID, GObject.TYPE_NONE):
            returns = hints.get("return")
            if _is_model(returns):
                self.props.response_type = prepare_model(returns)
        try:
            setattr(descriptor, _HANDLER_ATTRIBUTE, self)
        except AttributeError:
            pass
        return self


__all__.append("Handler")


# Where the tracebacks of failing route functions go: for the application's author, never
# for the client.
_logger = logging.getLogger("webhooks")


class HTTPException(Exception):
    """Raised by a route function to answer with an HTTP error, as in Esmerald::

        @get("/payments/{payment_id}")
        def read_payment(payment_id: int) -> Payment:
            raise HTTPException(404, "No such payment")

    answers ``404`` with ``{"detail": "No such payment"}``. ``detail`` may be any JSON-like
    value, and defaults to the status's reason phrase; ``headers`` are added to the answer.
    Any other exception answers ``500`` with ``{"detail": "Internal Server Error"}`` and
    logs its traceback to the ``webhooks`` logger.
    """

    def __init__(self, status_code, detail=None, headers=None):
        super().__init__(status_code, detail)
        self.status_code = int(status_code)
        self.detail = detail
        self.headers = dict(headers or {})

    def __str__(self):
        return "%d: %s" % (self.status_code, self.detail if self.detail is not None
                           else _reason_phrase(self.status_code))

    def __repr__(self):
        return "HTTPException(status_code=%d, detail=%r)" % (self.status_code, self.detail)


def _reason_phrase(status):
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


__all__.append("HTTPException")


def _send_exception(request, exception):
    """Answers ``request`` with an :class:`HTTPException`, as Esmerald does."""
    if not 100 <= exception.status_code <= 599:
        raise ValueError("HTTPException(%d): the status must be an HTTP status between 100 "
                         "and 599" % exception.status_code)
    for name, value in exception.headers.items():
        request.set_response_header(str(name), str(value))
    detail = exception.detail
    if detail is None or isinstance(detail, str):
        request.respond_error(exception.status_code, detail)
    else:
        import json
        from gi.repository import Json
        request.respond_json(exception.status_code,
                             Json.from_string(json.dumps({"detail": detail})))


def _python_value(value):
    """A GValue from the request as a plain Python value."""
    if isinstance(value, GObject.Value):
        return value.get_value()
    return value


def _send_result(request, result):
    """Answers ``request`` with what a decorated function returned: a model (sent as JSON
    with the handler's status), ``None`` (no body), bytes, a JSON-like value, or a
    ``(status, value)`` tuple."""
    status = 0
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], int):
        status, result = result
    if result is None:
        request.respond_bytes(status, None, None)
    elif isinstance(result, GObject.Object):
        request.respond_model(status, result)
    elif isinstance(result, (bytes, bytearray)):
        request.respond_bytes(status, "application/octet-stream", GLib.Bytes.new(bytes(result)))
    else:
        import json
        from gi.repository import Json
        request.respond_json(status, Json.from_string(json.dumps(result)))


class FunctionHandler(Handler):
    """The route handler a decorator makes: each request calls the decorated function with
    the body's model instance (``data``/``payload``, or the first parameter) and the path,
    query, header and cookie parameters it names, and sends what it returns.  A method of
    an :class:`APIView` is called on the view it was given to the gateway with.

    Raising :class:`HTTPException` answers its status; any other exception answers 500
    and logs the traceback."""

    __gtype_name__ = "WhPyFunctionHandler"

    # The view a method belongs to (a weak reference: the view holds this handler), and
    # how to bind the method to it: "instance", "class", or None for a static method.
    view_reference = None
    binding = None

    def bound_function(self):
        """The function to call: the decorated function, bound to its view if it is a
        method of one."""
        function = self.function
        if function is None or self.binding is None or self.view_reference is None:
            return function
        view = self.view_reference()
        if view is None:
            return None
        return types.MethodType(function, view if self.binding == "instance" else type(view))

    def do_handle(self, request):
        function = self.bound_function()
        if function is None:
            request.respond_error(501, "Not Implemented")
            return
        try:
            arguments = self._arguments(function, request)
            result = function(**arguments)
            if not request.is_answered():
                _send_result(request, result)
        except HTTPException as exception:
            if request.is_answered():
                _logger.error("%s %s raised %r after it answered", request.get_method(),
                              request.get_path(), exception)
                return
            try:
                _send_exception(request, exception)
            except Exception:
                self._internal_error(request)
        except Exception:
            self._internal_error(request)

    @staticmethod
    def _internal_error(request):
        # The traceback is for the application's author, not the client.
        _logger.exception("%s %s failed", request.get_method(), request.get_path())
        if not request.is_answered():
            request.respond_error(500, None)

    def copy_for_view(self, view, binding):
        """A handler declared as this one, that calls this one's function as a method of
        ``view``: each view instance answers with its own state, even when one class has
        several instances."""
        copy = type(self)()
        for pspec in type(self).list_properties():
            flags = pspec.flags
            if (not flags & GObject.ParamFlags.READABLE or not flags & GObject.ParamFlags.WRITABLE
                    or flags & GObject.ParamFlags.CONSTRUCT_ONLY
                    or pspec.name in ("responses", "security", "parameters")):
                continue
            copy.set_property(pspec.name, self.get_property(pspec.name))
        for response in self.props.responses:
            copy.add_response(response)
        for scheme in self.props.security:
            copy.add_security(scheme)
        for parameter in self.props.parameters:
            copy.add_parameter(parameter)
        copy.__dict__.update(self.__dict__)
        copy.view_reference = weakref.ref(view)
        copy.binding = binding
        return copy

    @staticmethod
    def _arguments(function, request):
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):
            return {}
        body = request.get_body()
        names = set(request.list_parameters())
        arguments = {}
        body_given = False
        for name, parameter in signature.parameters.items():
            if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                continue
            if name == "request":
                arguments[name] = request
            elif name in names:
                arguments[name] = _python_value(request.get_parameter(name))
            elif name.replace("_", "-") in names:
                arguments[name] = _python_value(request.get_parameter(name.replace("_", "-")))
            elif not body_given and (name in ("data", "payload") or
                                     parameter.default is inspect.Parameter.empty):
                arguments[name] = body
                body_given = True
        return arguments


__all__.append("FunctionHandler")


@override
class WebhookHandler(Webhooks.WebhookHandler):
    """A webhook handler: its path is the webhook's name. ``@whpost("new-event")`` makes one."""


__all__.append("WebhookHandler")


def _factory(function_name, methods, webhook, takes_methods=False):
    kind = WebhookHandler if webhook else FunctionHandler

    def factory(path=None, methods=methods if not takes_methods else None, **keywords):
        handler = kind(path=path, methods=list(methods) if methods is not None else None)
        handler.path_from_function = path is None
        _configure_handler(handler, keywords)
        return handler

    factory.__name__ = function_name
    factory.__qualname__ = function_name
    factory.__doc__ = (
        "Makes a %s handler%s; use it as a decorator. Accepts Esmerald's keywords."
        % ("webhook" if webhook else "route",
           " for the given ``methods``" if takes_methods else " for %s" % methods[0]))
    return factory


for _method in ("get", "post", "put", "patch", "delete", "head", "options", "trace"):
    _upper = _method.upper()
    globals()["wh" + _method] = _factory("wh" + _method, [_upper], True)
    globals()[_method] = _factory(_method, [_upper], False)
    __all__ += ["wh" + _method, _method]
whroute = _factory("whroute", None, True, takes_methods=True)
route = _factory("route", None, False, takes_methods=True)
# Esmerald's older name for whhead.
whead = _factory("whead", ["HEAD"], True)
__all__ += ["whroute", "route", "whead"]
del _method, _upper


def _handler_of(value):
    if isinstance(value, Webhooks.Handler):
        return value
    handler = getattr(value, _HANDLER_ATTRIBUTE, None)
    if isinstance(handler, Webhooks.Handler):
        return handler
    raise TypeError("%r is not a handler: decorate it with whpost(), post() or another "
                    "handler decorator" % (value,))


# Views ----------------------------------------------------------------------------------


@override
class APIView(Webhooks.APIView):
    """A class-based view: each method decorated with a handler decorator becomes an
    operation, in alphabetical order of method name, and the operationIds use the class's
    name in lower case.

    A route method is called on the view given to the gateway (an instance, or the one
    instance the gateway makes of a class), so that ``def create(self, data: Payment)``
    reads the view's state; static and class methods work too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("name", type(self).__name__)
        super().__init__(**kwargs)
        # An attribute of its own keeps this Python object alive as long as the C view
        # (PyGObject then holds it with a toggle reference), so that the weak references
        # its handlers hold stay valid while a gateway serves it.
        self._route_handlers = []
        for attribute in sorted(dir(type(self))):
            function = inspect.getattr_static(type(self), attribute, None)
            binding = "instance"
            if isinstance(function, staticmethod):
                function, binding = function.__func__, None
            elif isinstance(function, classmethod):
                function, binding = function.__func__, "class"
            handler = getattr(function, _HANDLER_ATTRIBUTE, None)
            if not callable(function) or not isinstance(handler, Webhooks.Handler):
                continue
            # The decorator made one handler for the class; each instance answers with
            # its own, bound to it.
            if isinstance(handler, FunctionHandler):
                handler = handler.copy_for_view(self, binding)
                self._route_handlers.append(handler)
            self.add_handler(handler)


__all__.append("APIView")


# Gateways -------------------------------------------------------------------------------


def _gateway_properties(self_class, handler, keywords):
    if handler is not None:
        if isinstance(handler, type) and issubclass(handler, Webhooks.APIView):
            handler = handler()
        if isinstance(handler, Webhooks.APIView):
            keywords["view"] = handler
        else:
            keywords["handler"] = _handler_of(handler)
    security = keywords.pop("security", None)
    if keywords.get("tags") is not None:
        keywords["tags"] = [str(tag) for tag in keywords["tags"]]
    return {key: value for key, value in keywords.items() if value is not None}, security


@override
class Gateway(Webhooks.Gateway):
    """Places a route handler (a decorated function) or an APIView in ``routes=``."""

    def __init__(self, path=None, handler=None, *, name=None, include_in_schema=None,
                 deprecated=None, tags=None, security=None, **kwargs):
        properties, security = _gateway_properties(
            type(self), handler,
            dict(kwargs, path=path, name=name, include_in_schema=include_in_schema,
                 deprecated=deprecated, tags=tags, security=security))
        super().__init__(**properties)
        for scheme in security or ():
            self.add_security(scheme)


__all__.append("Gateway")


@override
class WebhookGateway(Webhooks.WebhookGateway):
    """Places a webhook handler (a function decorated with ``whpost`` and the like) or an
    APIView of webhooks in ``webhooks=``."""

    def __init__(self, handler=None, *, name=None, include_in_schema=None, deprecated=None,
                 tags=None, security=None, **kwargs):
        properties, security = _gateway_properties(
            type(self), handler,
            dict(kwargs, name=name, include_in_schema=include_in_schema,
                 deprecated=deprecated, tags=tags, security=security))
        super().__init__(**properties)
        for scheme in security or ():
            self.add_security(scheme)


__all__.append("WebhookGateway")


# The application ------------------------------------------------------------------------


@override
class Application(Webhooks.Application):
    """The application: its OpenAPI ``info``, ``servers``, ``tags``, ``security``, and the
    ``routes`` and ``webhooks`` it documents.  A mistake in them raises the library's
    :class:`GLib.Error`."""

    def __init__(self, title=None, version=None, *, routes=(), webhooks=(), servers=(),
                 tags=(), security=(), contact=None, license=None, **kwargs):
        if title is not None:
            kwargs["title"] = title
        if version is not None:
            kwargs["version"] = version
        for key, info in (("contact", contact), ("license", license)):
            for field, value in (info or {}).items():
                kwargs["%s_%s" % (key, field)] = value
        super().__init__(**{key: value for key, value in kwargs.items() if value is not None})
        for server in servers:
            if isinstance(server, str):
                self.add_server(server, None)
            else:
                self.add_server(server["url"], server.get("description"))
        for tag in tags:
            if isinstance(tag, str):
                self.add_tag(tag, None)
            else:
                self.add_tag(tag["name"], tag.get("description"))
        for scheme in security:
            self.add_security(scheme)
        for gateway in routes:
            self.add_route(gateway)
        for gateway in webhooks:
            self.add_webhook(gateway)

    def add_route(self, gateway):
        """Adds a Gateway (or a decorated route function) to the routes."""
        if not isinstance(gateway, Webhooks.Gateway):
            gateway = Gateway(handler=gateway)
        return super().add_route(gateway)

    def add_webhook(self, gateway):
        """Adds a WebhookGateway (or a decorated webhook function) to the webhooks."""
        if isinstance(gateway, Webhooks.Gateway) and not isinstance(gateway, Webhooks.WebhookGateway):
            # The library's own sentence: GI's type check stops the call before C can say it.
            raise _error(Webhooks.Error.WRONG_KIND,
                         "A %s cannot be added as a webhook: put the webhook handler in a "
                         "WhWebhookGateway, or add the gateway to the routes"
                         % gateway.__gtype__.name)
        if not isinstance(gateway, Webhooks.WebhookGateway):
            gateway = WebhookGateway(handler=gateway)
        return super().add_webhook(gateway)


__all__.append("Application")
