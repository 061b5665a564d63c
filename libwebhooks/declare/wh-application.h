/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "webhooks-version-macros.h"
#include "wh-gateway.h"
#include "wh-security-scheme.h"
#include "wh-webhook-gateway.h"

G_BEGIN_DECLS

#define WH_TYPE_APPLICATION (wh_application_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (WhApplication, wh_application, WH, APPLICATION, GObject)

/**
 * WhApplicationClass:
 * @parent_class: the parent class
 * @changed: class handler of the #WhApplication::changed signal
 * @customize_openapi: called with each OpenAPI document the application builds, after the
 *   library has filled it in, so that a subclass can add to it (`x-` extensions,
 *   `externalDocs`). It must not remove what the library put there.
 *
 * The class structure of #WhApplication.
 */
struct _WhApplicationClass
{
  GObjectClass parent_class;

  void (* changed)           (WhApplication *self);
  void (* customize_openapi) (WhApplication *self,
                              JsonObject    *document);

  /*< private >*/
  gpointer _reserved[8];
};

WEBHOOKS_AVAILABLE_IN_ALL
WhApplication       *wh_application_new                      (const char         *title,
                                                              const char         *version);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_application_add_route                (WhApplication      *self,
                                                              WhGateway          *gateway,
                                                              GError            **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_application_add_webhook              (WhApplication      *self,
                                                              WhWebhookGateway   *gateway,
                                                              GError            **error);
WEBHOOKS_AVAILABLE_IN_ALL
GListModel          *wh_application_get_routes               (WhApplication      *self);
WEBHOOKS_AVAILABLE_IN_ALL
GListModel          *wh_application_get_webhooks             (WhApplication      *self);
WEBHOOKS_AVAILABLE_IN_ALL
WhWebhookHandler    *wh_application_lookup_webhook           (WhApplication      *self,
                                                              const char         *name,
                                                              const char         *method);

WEBHOOKS_AVAILABLE_IN_ALL
JsonNode            *wh_application_get_openapi              (WhApplication      *self);
WEBHOOKS_AVAILABLE_IN_ALL
char                *wh_application_get_openapi_json         (WhApplication      *self,
                                                              gboolean            pretty);
WEBHOOKS_AVAILABLE_IN_ALL
JsonNode            *wh_application_build_openapi            (WhApplication      *self,
                                                              GError            **error);

WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_application_get_title                (WhApplication      *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_application_set_title                (WhApplication      *self,
                                                              const char         *title);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_application_get_version              (WhApplication      *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_application_set_version              (WhApplication      *self,
                                                              const char         *version);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_application_get_summary              (WhApplication      *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_application_set_summary              (WhApplication      *self,
                                                              const char         *summary);
WEBHOOKS_AVAILABLE_IN_ALL
const char          *wh_application_get_description          (WhApplication      *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_application_set_description          (WhApplication      *self,
                                                              const char         *description);

WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_application_add_server               (WhApplication      *self,
                                                              const char         *url,
                                                              const char         *description);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_application_add_tag                  (WhApplication      *self,
                                                              const char         *name,
                                                              const char         *description);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_application_add_security_scheme      (WhApplication      *self,
                                                              WhSecurityScheme   *scheme,
                                                              GError            **error);
WEBHOOKS_AVAILABLE_IN_ALL
void                 wh_application_add_security             (WhApplication      *self,
                                                              WhSecurityScheme   *scheme);
WEBHOOKS_AVAILABLE_IN_ALL
GListModel          *wh_application_get_security             (WhApplication      *self);

G_END_DECLS
