/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-shortcuts
 * @Title: Shortcuts
 * @Short_description: Esmerald's handler names
 *
 * The constructors by which Esmerald's pages declare handlers, so that they
 * read the same in C, Python and JavaScript: wh_whpost() and friends make a
 * #WhWebhookHandler for one method, wh_whroute() for several; wh_post() and
 * friends make a route #WhHandler, wh_route() for several methods.
 *
 * |[<!-- language="C" -->
 * g_autoptr(WhWebhookHandler) event = wh_whpost ("new-event");
 * g_autoptr(WhWebhookHandler) both =
 *   wh_whroute ("sync", (const char * const[]) { "GET", "POST", NULL });
 * g_autoptr(WhHandler) create = wh_post ("/create");
 * ]|
 */

#include "config.h"

#include "wh-shortcuts.h"

static WhWebhookHandler *
webhook_for (const char *name,
             const char *method)
{
  const char * const methods[] = { method, NULL };

  return wh_webhook_handler_new (name, methods);
}

static WhHandler *
route_for (const char *path,
           const char *method)
{
  const char * const methods[] = { method, NULL };

  return wh_handler_new (path, methods);
}

/**
 * wh_whget:
 * @name: the webhook's name
 *
 * Creates a webhook sent with `GET`.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whget (const char *name)
{
  return webhook_for (name, "GET");
}

/**
 * wh_whpost:
 * @name: the webhook's name, such as `new-payment`
 *
 * Creates a webhook sent with `POST`, the usual kind.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whpost (const char *name)
{
  return webhook_for (name, "POST");
}

/**
 * wh_whput:
 * @name: the webhook's name
 *
 * Creates a webhook sent with `PUT`.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whput (const char *name)
{
  return webhook_for (name, "PUT");
}

/**
 * wh_whpatch:
 * @name: the webhook's name
 *
 * Creates a webhook sent with `PATCH`.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whpatch (const char *name)
{
  return webhook_for (name, "PATCH");
}

/**
 * wh_whdelete:
 * @name: the webhook's name
 *
 * Creates a webhook sent with `DELETE`.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whdelete (const char *name)
{
  return webhook_for (name, "DELETE");
}

/**
 * wh_whhead:
 * @name: the webhook's name
 *
 * Creates a webhook sent with `HEAD`.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whhead (const char *name)
{
  return webhook_for (name, "HEAD");
}

/**
 * wh_whead:
 * @name: the webhook's name
 *
 * An alias of wh_whhead(), under the name Esmerald's webhooks page uses.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whead (const char *name)
{
  return wh_whhead (name);
}

/**
 * wh_whoptions:
 * @name: the webhook's name
 *
 * Creates a webhook sent with `OPTIONS`.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whoptions (const char *name)
{
  return webhook_for (name, "OPTIONS");
}

/**
 * wh_whtrace:
 * @name: the webhook's name
 *
 * Creates a webhook sent with `TRACE`.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whtrace (const char *name)
{
  return webhook_for (name, "TRACE");
}

/**
 * wh_whroute:
 * @name: the webhook's name
 * @methods: (array zero-terminated=1) (nullable): the HTTP methods it is sent with
 *
 * Creates a webhook sent with several methods; the document gives it one
 * operation per method. Adding it to an application without a method is an
 * error the application reports.
 *
 * Returns: (transfer full): a new #WhWebhookHandler
 */
WhWebhookHandler *
wh_whroute (const char         *name,
            const char * const *methods)
{
  return wh_webhook_handler_new (name, methods);
}

/**
 * wh_get:
 * @path: the route's path
 *
 * Creates a `GET` route handler.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_get (const char *path)
{
  return route_for (path, "GET");
}

/**
 * wh_post:
 * @path: the route's path, such as `/create`
 *
 * Creates a `POST` route handler.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_post (const char *path)
{
  return route_for (path, "POST");
}

/**
 * wh_put:
 * @path: the route's path
 *
 * Creates a `PUT` route handler.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_put (const char *path)
{
  return route_for (path, "PUT");
}

/**
 * wh_patch:
 * @path: the route's path
 *
 * Creates a `PATCH` route handler.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_patch (const char *path)
{
  return route_for (path, "PATCH");
}

/**
 * wh_delete:
 * @path: the route's path
 *
 * Creates a `DELETE` route handler.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_delete (const char *path)
{
  return route_for (path, "DELETE");
}

/**
 * wh_head:
 * @path: the route's path
 *
 * Creates a `HEAD` route handler.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_head (const char *path)
{
  return route_for (path, "HEAD");
}

/**
 * wh_options:
 * @path: the route's path
 *
 * Creates an `OPTIONS` route handler.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_options (const char *path)
{
  return route_for (path, "OPTIONS");
}

/**
 * wh_trace:
 * @path: the route's path
 *
 * Creates a `TRACE` route handler.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_trace (const char *path)
{
  return route_for (path, "TRACE");
}

/**
 * wh_route:
 * @path: the route's path
 * @methods: (array zero-terminated=1) (nullable): the HTTP methods
 *
 * Creates a route handler for several methods; the document gives it one
 * operation per method.
 *
 * Returns: (transfer full): a new #WhHandler
 */
WhHandler *
wh_route (const char         *path,
          const char * const *methods)
{
  return wh_handler_new (path, methods);
}
