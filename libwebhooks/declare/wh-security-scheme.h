/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "webhooks-version-macros.h"
#include "wh-parameter.h"

G_BEGIN_DECLS

/**
 * WhSecuritySchemeType:
 * @WH_SECURITY_SCHEME_API_KEY: an API key in a header, query parameter or cookie (`apiKey`)
 * @WH_SECURITY_SCHEME_HTTP: an HTTP authentication scheme such as `bearer` or `basic` (`http`)
 * @WH_SECURITY_SCHEME_MUTUAL_TLS: TLS client certificates (`mutualTLS`)
 * @WH_SECURITY_SCHEME_OAUTH2: OAuth 2 flows (`oauth2`)
 * @WH_SECURITY_SCHEME_OPENID_CONNECT: OpenID Connect discovery (`openIdConnect`)
 *
 * The kinds of OpenAPI security scheme.
 */
typedef enum
{
  WH_SECURITY_SCHEME_API_KEY,
  WH_SECURITY_SCHEME_HTTP,
  WH_SECURITY_SCHEME_MUTUAL_TLS,
  WH_SECURITY_SCHEME_OAUTH2,
  WH_SECURITY_SCHEME_OPENID_CONNECT,
} WhSecuritySchemeType;

#define WH_TYPE_SECURITY_SCHEME (wh_security_scheme_get_type ())

WEBHOOKS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (WhSecurityScheme, wh_security_scheme, WH, SECURITY_SCHEME, GObject)

WEBHOOKS_AVAILABLE_IN_ALL
WhSecurityScheme     *wh_security_scheme_new_api_key          (const char           *name,
                                                               WhParameterLocation   location,
                                                               const char           *parameter_name);
WEBHOOKS_AVAILABLE_IN_ALL
WhSecurityScheme     *wh_security_scheme_new_http             (const char           *name,
                                                               const char           *scheme);
WEBHOOKS_AVAILABLE_IN_ALL
WhSecurityScheme     *wh_security_scheme_new_oauth2           (const char           *name,
                                                               JsonNode             *flows);
WEBHOOKS_AVAILABLE_IN_ALL
WhSecurityScheme     *wh_security_scheme_new_openid_connect   (const char           *name,
                                                               const char           *url);
WEBHOOKS_AVAILABLE_IN_ALL
const char           *wh_security_scheme_get_name             (WhSecurityScheme     *self);
WEBHOOKS_AVAILABLE_IN_ALL
WhSecuritySchemeType  wh_security_scheme_get_scheme_type      (WhSecurityScheme     *self);
WEBHOOKS_AVAILABLE_IN_ALL
const char           *wh_security_scheme_get_description      (WhSecurityScheme     *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                  wh_security_scheme_set_description      (WhSecurityScheme     *self,
                                                               const char           *description);
WEBHOOKS_AVAILABLE_IN_ALL
const char * const   *wh_security_scheme_get_scopes           (WhSecurityScheme     *self);
WEBHOOKS_AVAILABLE_IN_ALL
void                  wh_security_scheme_set_scopes           (WhSecurityScheme     *self,
                                                               const char * const   *scopes);
WEBHOOKS_AVAILABLE_IN_ALL
JsonNode             *wh_security_scheme_to_json              (WhSecurityScheme     *self,
                                                               GError              **error);

G_END_DECLS
