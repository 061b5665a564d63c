/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib.h>

#include "webhooks-version-macros.h"

G_BEGIN_DECLS

/**
 * WH_ERROR:
 *
 * The error domain of libwebhooks: every #GError the library reports is in it.
 */
#define WH_ERROR (wh_error_quark ())

/**
 * WhError:
 * @WH_ERROR_FAILED: an error that fits no other code
 * @WH_ERROR_INVALID_NAME: a webhook name or route path that cannot be used
 * @WH_ERROR_INVALID_METHOD: an HTTP method that is unknown, or no method at all
 * @WH_ERROR_WRONG_KIND: a route where a webhook was expected, or the other way round
 * @WH_ERROR_DUPLICATE: the same declaration twice (name and method, operationId, model
 *   name, security scheme name)
 * @WH_ERROR_INVALID_MODEL: a model class, or one of its properties, that has no JSON form
 * @WH_ERROR_INVALID_RESPONSE: a response declaration with an invalid status
 * @WH_ERROR_INVALID_SECURITY: a security scheme that is incomplete or inconsistent
 * @WH_ERROR_INVALID_PARAMETER: a route parameter that cannot be used as declared
 * @WH_ERROR_INVALID_SECRET: a signing secret that is not base64 (with or without `whsec_`)
 * @WH_ERROR_SIGNATURE_MALFORMED: signature headers that cannot be parsed
 * @WH_ERROR_SIGNATURE_TOO_OLD: a webhook timestamp older than the tolerance
 * @WH_ERROR_SIGNATURE_TOO_NEW: a webhook timestamp further in the future than the tolerance
 * @WH_ERROR_SIGNATURE_MISMATCH: no signature matches the payload and secret
 * @WH_ERROR_STORE: a delivery store that cannot be opened, is not a libwebhooks store,
 *   was written by a newer version, failed to read or write, or has no such record
 * @WH_ERROR_INVALID_PAYLOAD: a JSON payload that does not match its model's schema, or
 *   that cannot be turned into an instance of the model
 *
 * The error codes of the %WH_ERROR domain. Each message says what to change.
 */
typedef enum
{
  WH_ERROR_FAILED,
  WH_ERROR_INVALID_NAME,
  WH_ERROR_INVALID_METHOD,
  WH_ERROR_WRONG_KIND,
  WH_ERROR_DUPLICATE,
  WH_ERROR_INVALID_MODEL,
  WH_ERROR_INVALID_RESPONSE,
  WH_ERROR_INVALID_SECURITY,
  WH_ERROR_INVALID_PARAMETER,
  WH_ERROR_INVALID_SECRET,
  WH_ERROR_SIGNATURE_MALFORMED,
  WH_ERROR_SIGNATURE_TOO_OLD,
  WH_ERROR_SIGNATURE_TOO_NEW,
  WH_ERROR_SIGNATURE_MISMATCH,
  WH_ERROR_STORE,
  WH_ERROR_INVALID_PAYLOAD,
} WhError;

WEBHOOKS_AVAILABLE_IN_ALL
GQuark wh_error_quark (void);

G_END_DECLS
