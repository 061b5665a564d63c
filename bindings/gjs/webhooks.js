// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The GJS helpers of libwebhooks: the seed's page written in JavaScript, as close to
// Esmerald's decorators as GJS 1.74 allows. Import this file by URL (from the source tree,
// bindings/gjs/webhooks.js; installed, ${datadir}/webhooks-1/gjs/webhooks.js):
//
//     import Webhooks from 'gi://Webhooks?version=1';
//     import {Application, WebhookGateway, whpost} from 'file:///usr/share/webhooks-1/gjs/webhooks.js';
//
//     const newEvent = whpost('new-event', {handler: function new_event(data) {}, bodyType: Payment});
//     const app = Application({title: 'Payments', webhooks: [WebhookGateway({handler: newEvent})]});
//
// Decorators do not exist in GJS 1.74, so a handler function takes the decorator's
// arguments and the function itself (`handler:`), and returns a WhWebhookHandler (or
// WhHandler) whose name is the function's name. Options are Esmerald's keywords in
// camelCase (statusCode, includeInSchema, operationId, responseDescription, mediaType, ...),
// plus bodyType and responseType, which Python reads from annotations. Models are
// GObject.registerClass classes (registerModel() names them after the class); views are
// APIView subclasses with a static `handlers` map from method name to handler.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Json from 'gi://Json';
import Webhooks from 'gi://Webhooks?version=1';

export {Webhooks};

const HANDLER_KEYWORDS = {
    name: 'name',
    summary: 'summary',
    description: 'description',
    statusCode: 'status-code',
    includeInSchema: 'include-in-schema',
    tags: 'tags',
    deprecated: 'deprecated',
    operationId: 'operation-id',
    responseDescription: 'response-description',
    mediaType: 'media-type',
    methods: 'methods',
};

// The JavaScript function each handler was declared with (the serving layer calls it).
const functions = new WeakMap();
// The route handlers of a view instance: {view: WeakRef, method}, the method to call on
// the view. Weak, because the view holds its handlers.
const viewMethods = new WeakMap();
// Handlers given an explicit `name`, which their function's name does not replace.
const explicitNames = new WeakSet();
const prepared = new Set();

function gtypeOf(model) {
    if (model instanceof GObject.Type || typeof model === 'string' || typeof model === 'number')
        return model;
    if (model?.$gtype)
        return model.$gtype;
    throw new TypeError(`${model} is not a model: use a GObject.registerClass class`);
}

/**
 * Makes a GObject.registerClass class a model as the document expects it: its name is the
 * JavaScript class name (or `static modelName`), the properties listed in `static optional`
 * are optional, and `static itemTypes = {prop: Model}` says what a Gio.ListModel holds.
 * Done for every class a handler refers to; call it yourself only to name a model first.
 *
 * @param {Function} model - a GObject.registerClass class
 * @param {object} [options] - `name`, `optional` (names), `itemTypes` ({name: Model})
 * @returns {GObject.Type} the model's GType
 */
export function model(klass, options = {}) {
    const gtype = gtypeOf(klass);
    if (typeof klass !== 'function' || (prepared.has(klass) && !Object.keys(options).length))
        return gtype;
    prepared.add(klass);
    registeredClasses.set(GObject.type_name(gtype), klass);
    const name = options.name ?? klass.modelName ??
        (Object.prototype.hasOwnProperty.call(klass, 'name') ? klass.name : null);
    if (name && Webhooks.model_get_name(gtype) !== name)
        Webhooks.model_set_name(gtype, name);
    for (const prop of options.optional ?? klass.optional ?? [])
        Webhooks.model_set_optional(gtype, prop, true);
    for (const [prop, itemType] of Object.entries(options.itemTypes ?? klass.itemTypes ?? {}))
        Webhooks.model_set_item_type(gtype, prop, model(itemType));
    // Nested models are prepared too, so that they are named after their classes.
    for (const pspec of GObject.Object.list_properties.call(klass)) {
        const valueType = pspec.value_type;
        if (GObject.type_is_a(valueType, GObject.Object.$gtype) && valueType !== GObject.Object.$gtype) {
            const nested = classOf(valueType);
            if (nested)
                model(nested);
        }
    }
    return gtype;
}

const registeredClasses = new Map();
function classOf(gtype) {
    return registeredClasses.get(GObject.type_name(gtype)) ?? null;
}

/**
 * Registers a model class so that models nested in others find it (GJS gives no way back
 * from a GType to its JavaScript class). GObject.registerClass then model().
 *
 * @param {object} meta - GObject.registerClass's first argument
 * @param {Function} klass - the class
 * @returns {Function} the registered class
 */
export function registerModel(meta, klass) {
    const registered = klass ? GObject.registerClass(meta, klass) : GObject.registerClass(meta);
    registeredClasses.set(GObject.type_name(registered.$gtype), registered);
    model(registered);
    return registered;
}

function configure(handler, options) {
    for (const [key, value] of Object.entries(options)) {
        if (value === undefined || value === null || key === 'handler')
            continue;
        if (key in HANDLER_KEYWORDS) {
            handler[HANDLER_KEYWORDS[key].replaceAll("-", "_")] = value;
        } else if (key === 'bodyType') {
            handler.body_type = model(value);
        } else if (key === 'responseType') {
            handler.response_type = model(value);
        } else if (key === 'security') {
            for (const scheme of value)
                handler.add_security(scheme);
        } else if (key === 'responses') {
            for (const [status, response] of Object.entries(value))
                handler.add_response(toResponse(status, response));
        } else {
            throw new TypeError(`unknown handler option “${key}”`);
        }
    }
}

function toResponse(status, response) {
    if (response instanceof Webhooks.Response)
        return response;
    if (typeof response === 'string')
        return Webhooks.Response.new(String(status), response);
    const result = Webhooks.Response.new(String(status), response.description ?? '');
    const bodyType = response.model ?? response.bodyType;
    if (bodyType)
        result.body_type = model(bodyType);
    if (response.mediaType)
        result.media_type = response.mediaType;
    return result;
}

/**
 * Declares @fn with @handler: the handler's name becomes the function's (unless `name` was
 * given), as Esmerald names a handler after its function.
 *
 * @param {Webhooks.Handler} handler - the handler
 * @param {Function} fn - the function
 * @returns {Webhooks.Handler} the handler
 */
function bind(handler, fn) {
    functions.set(handler, fn);
    if (!explicitNames.has(handler) && fn.name)
        handler.name = fn.name;
    return handler;
}

/**
 * The JavaScript function a handler was declared with, or null.
 *
 * @param {Webhooks.Handler} handler - a handler
 * @returns {Function|null} its function
 */
export function handlerFunction(handler) {
    const bound = viewMethods.get(handler);
    if (bound) {
        const view = bound.view.deref();
        if (view && typeof view[bound.method] === 'function')
            return view[bound.method].bind(view);
    }
    return functions.get(handler) ?? null;
}

/**
 * Thrown by a route function to answer with an HTTP error, as Esmerald's HTTPException:
 * `throw new HTTPException(404, 'No such payment')` answers 404 with
 * `{"detail": "No such payment"}`. `detail` may be any JSON-like value and defaults to
 * the status's reason phrase; `headers` ({name: value}) are added to the answer. Any
 * other exception answers 500 with `{"detail": "Internal Server Error"}` and is logged
 * with logError().
 */
export class HTTPException extends Error {
    /**
     * @param {number} statusCode - the HTTP status, 100 to 599
     * @param {*} [detail] - what went wrong, for the client
     * @param {object} [headers] - response headers
     */
    constructor(statusCode, detail = null, headers = {}) {
        super(`${statusCode}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
        this.name = 'HTTPException';
        this.statusCode = statusCode;
        this.detail = detail;
        this.headers = headers ?? {};
    }
}

function sendException(request, exception) {
    const status = exception.statusCode;
    if (!Number.isInteger(status) || status < 100 || status > 599)
        throw new RangeError(`HTTPException(${status}): the status must be an HTTP status between 100 and 599`);
    for (const [name, value] of Object.entries(exception.headers))
        request.set_response_header(name, String(value));
    const detail = exception.detail;
    if (detail === null || detail === undefined || typeof detail === 'string')
        request.respond_error(status, detail ?? null);
    else
        request.respond_json(status, Json.from_string(JSON.stringify({detail})));
}

function internalError(request, error) {
    // The stack is for the application's author, not the client.
    logError(error, `${request.get_method()} ${request.get_path()} failed`);
    if (!request.is_answered())
        request.respond_error(500, null);
}

function sendResult(request, result) {
    let status = 0;
    if (Array.isArray(result) && result.length === 2 && Number.isInteger(result[0]))
        [status, result] = result;
    if (result === undefined || result === null)
        request.respond_bytes(status, null, null);
    else if (result instanceof GObject.Object)
        request.respond_model(status, result);
    else if (result instanceof GLib.Bytes)
        request.respond_bytes(status, 'application/octet-stream', result);
    else
        request.respond_json(status, Json.from_string(JSON.stringify(result)));
}

/**
 * The route handler the route functions (post(), get(), ...) make: each request calls its
 * function with the body's model instance and the request (for parameters:
 * `request.get_parameter('user_id')`), and sends what it returns: a model (as JSON, with
 * the handler's status), null (no body), GLib.Bytes, a JSON-like value, or
 * `[status, value]`. The handler of an APIView method calls it on its view. Throwing an
 * HTTPException answers its status; anything else thrown answers 500 and is logged.
 */
export const FunctionHandler = GObject.registerClass({
    GTypeName: 'WhJsFunctionHandler',
}, class FunctionHandler extends Webhooks.Handler {
    vfunc_handle(request) {
        const fn = handlerFunction(this);
        if (!fn) {
            request.respond_error(501, 'Not Implemented');
            return;
        }
        try {
            const result = fn(request.get_body(), request);
            if (!request.is_answered())
                sendResult(request, result);
        } catch (e) {
            if (!(e instanceof HTTPException)) {
                internalError(request, e);
            } else if (request.is_answered()) {
                logError(e, `${request.get_method()} ${request.get_path()} threw after it answered`);
            } else {
                try {
                    sendException(request, e);
                } catch (e2) {
                    internalError(request, e2);
                }
            }
        }
    }
});

const {READABLE, WRITABLE, CONSTRUCT_ONLY} = GObject.ParamFlags;

function listItems(model) {
    const items = [];
    for (let i = 0; i < model.get_n_items(); i++)
        items.push(model.get_item(i));
    return items;
}

// A route handler declared as @template, for one view instance: each instance answers with
// its own state, even when one class has several instances.
function copyForView(template, view, method) {
    const copy = new template.constructor();
    for (const pspec of GObject.Object.list_properties.call(template.constructor)) {
        if (!(pspec.flags & READABLE) || !(pspec.flags & WRITABLE) || (pspec.flags & CONSTRUCT_ONLY) ||
            ['responses', 'security', 'parameters'].includes(pspec.name))
            continue;
        const name = pspec.name.replaceAll('-', '_');
        copy[name] = template[name];
    }
    listItems(template.get_responses()).forEach(response => copy.add_response(response));
    listItems(template.get_security()).forEach(scheme => copy.add_security(scheme));
    listItems(template.get_parameters()).forEach(parameter => copy.add_parameter(parameter));
    if (explicitNames.has(template))
        explicitNames.add(copy);
    if (functions.has(template))
        functions.set(copy, functions.get(template));
    viewMethods.set(copy, {view: new WeakRef(view), method});
    return copy;
}

function factory(webhook, fixedMethods) {
    return (path, options = {}) => {
        if (typeof path === 'object' && path !== null) {
            options = path;
            path = options.path;
        }
        const methods = fixedMethods ?? options.methods ?? null;
        const Kind = webhook ? Webhooks.WebhookHandler : FunctionHandler;
        const handler = new Kind({path: path ?? options.handler?.name ?? (webhook ? '' : '/'), methods});
        const {methods: _ignored, ...rest} = options;
        configure(handler, rest);
        if (options.name !== undefined)
            explicitNames.add(handler);
        if (options.handler)
            bind(handler, options.handler);
        return handler;
    };
}

export const whget = factory(true, ['GET']);
export const whpost = factory(true, ['POST']);
export const whput = factory(true, ['PUT']);
export const whpatch = factory(true, ['PATCH']);
export const whdelete = factory(true, ['DELETE']);
export const whhead = factory(true, ['HEAD']);
/** Esmerald's older name for whhead. */
export const whead = whhead;
export const whoptions = factory(true, ['OPTIONS']);
export const whtrace = factory(true, ['TRACE']);
export const whroute = factory(true, null);
export const get = factory(false, ['GET']);
export const post = factory(false, ['POST']);
export const put = factory(false, ['PUT']);
export const patch = factory(false, ['PATCH']);
export const del = factory(false, ['DELETE']);
export {del as delete};
export const head = factory(false, ['HEAD']);
export const options = factory(false, ['OPTIONS']);
export const trace = factory(false, ['TRACE']);
export const route = factory(false, null);

/**
 * A class-based view. Subclass it with GObject.registerClass and list its handlers in a
 * static `handlers` map from method name to handler (made without `handler:`); each
 * becomes its own operation, in alphabetical order of method name, bound to the method of
 * that name, and the operationIds use the class's name in lower case. A route method is
 * called on the view given to the gateway (an instance, or the one instance the gateway
 * makes of a class), with `this` the view: several instances of one class each answer
 * with their own state.
 *
 *     const PaymentWebhook = GObject.registerClass(class PaymentWebhook extends APIView {
 *         static handlers = {new_event: whpost('new-event', {bodyType: Payment})};
 *         new_event(data) {}
 *     });
 */
export const APIView = GObject.registerClass({
    GTypeName: 'WhJsAPIView',
}, class APIView extends Webhooks.APIView {
    _init(params = {}) {
        super._init({name: this.constructor.name, ...params});
        // Holding the copies keeps their wrappers, and so their entries in viewMethods,
        // alive as long as this view; JavaScript state of its own keeps this wrapper alive
        // as long as the C view, so that their weak references to it stay valid.
        this._routeHandlers = [];
        const handlers = this.constructor.handlers ?? {};
        for (const method of Object.keys(handlers).sort()) {
            const handler = handlers[method];
            if (!(handler instanceof Webhooks.Handler))
                throw new TypeError(`${this.constructor.name}.handlers.${method} is not a handler: make it with whpost() or another handler function`);
            // Esmerald names a view's handler after its method.
            if (!explicitNames.has(handler))
                handler.name = method;
            if (handler instanceof FunctionHandler) {
                // The class declares one handler; each instance answers with its own,
                // which calls the method on it.
                const copy = copyForView(handler, this, method);
                this._routeHandlers.push(copy);
                this.add_handler(copy);
            } else {
                functions.set(handler, this[method]?.bind(this) ?? null);
                this.add_handler(handler);
            }
        }
    }
});

function gatewayParams(params) {
    let {handler, security, tags, ...rest} = params;
    const props = {};
    for (const [key, value] of Object.entries(rest)) {
        if (value === undefined || value === null)
            continue;
        props[key === 'includeInSchema' ? 'include_in_schema' : key] = value;
    }
    if (tags)
        props.tags = tags;
    if (typeof handler === 'function' && handler.prototype instanceof Webhooks.APIView)
        handler = new handler();
    if (handler instanceof Webhooks.APIView)
        props.view = handler;
    else if (handler !== undefined)
        props.handler = handler;
    return [props, security ?? []];
}

/**
 * Places a route handler or an APIView (a class or an instance) in `routes`.
 *
 * @param {object} params - `path`, `handler`, `name`, `includeInSchema`, `deprecated`, `tags`, `security`
 * @returns {Webhooks.Gateway} the gateway
 */
export function Gateway(params = {}) {
    const [props, security] = gatewayParams(params);
    const gateway = new Webhooks.Gateway(props);
    security.forEach(scheme => gateway.add_security(scheme));
    return gateway;
}

/**
 * Places a webhook handler or an APIView of webhooks (a class or an instance) in `webhooks`.
 *
 * @param {object} params - `handler`, `name`, `includeInSchema`, `deprecated`, `tags`, `security`
 * @returns {Webhooks.WebhookGateway} the gateway
 */
export function WebhookGateway(params = {}) {
    const [props, security] = gatewayParams(params);
    const gateway = new Webhooks.WebhookGateway(props);
    security.forEach(scheme => gateway.add_security(scheme));
    return gateway;
}

const INFO_KEYWORDS = {
    title: 'title', version: 'version', summary: 'summary', description: 'description',
    termsOfService: 'terms-of-service',
};

/**
 * The application. A mistake in `routes` or `webhooks` throws the library's GLib.Error.
 *
 * @param {object} params - `title`, `version`, `summary`, `description`, `termsOfService`,
 *   `contact` ({name, url, email}), `license` ({name, identifier, url}), `servers` (URLs or
 *   {url, description}), `tags` (names or {name, description}), `security` (schemes),
 *   `routes`, `webhooks`; or `application`, an instance of your own WhApplication subclass
 *   to fill in.
 * @returns {Webhooks.Application} the application
 */
export function Application(params = {}) {
    const app = params.application ?? new Webhooks.Application();
    for (const [key, value] of Object.entries(params)) {
        if (value === undefined || value === null)
            continue;
        if (key in INFO_KEYWORDS) {
            app[INFO_KEYWORDS[key].replaceAll("-", "_")] = value;
        } else if (key === 'contact' || key === 'license') {
            for (const [field, fieldValue] of Object.entries(value))
                app[`${key}_${field}`] = fieldValue;
        } else if (!['application', 'routes', 'webhooks', 'servers', 'tags', 'security'].includes(key)) {
            throw new TypeError(`unknown application option “${key}”`);
        }
    }
    for (const server of params.servers ?? []) {
        if (typeof server === 'string')
            app.add_server(server, null);
        else
            app.add_server(server.url, server.description ?? null);
    }
    for (const tag of params.tags ?? []) {
        if (typeof tag === 'string')
            app.add_tag(tag, null);
        else
            app.add_tag(tag.name, tag.description ?? null);
    }
    for (const scheme of params.security ?? [])
        app.add_security(scheme);
    for (const gateway of params.routes ?? [])
        app.add_route(gateway instanceof Webhooks.Gateway ? gateway : Gateway({handler: gateway}));
    for (const gateway of params.webhooks ?? []) {
        if (gateway instanceof Webhooks.Gateway && !(gateway instanceof Webhooks.WebhookGateway)) {
            // The library's own sentence: GI's type check stops the call before C can say it.
            throw new GLib.Error(Webhooks.error_quark(), Webhooks.Error.WRONG_KIND,
                `A ${gateway.constructor.$gtype.name} cannot be added as a webhook: put the ` +
                'webhook handler in a WhWebhookGateway, or add the gateway to the routes');
        }
        app.add_webhook(gateway instanceof Webhooks.WebhookGateway ? gateway : WebhookGateway({handler: gateway}));
    }
    return app;
}
