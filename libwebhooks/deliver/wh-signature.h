/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib.h>

#include "webhooks-version-macros.h"

G_BEGIN_DECLS

/**
 * WH_SIGNATURE_SECRET_PREFIX:
 *
 * The prefix of a Standard Webhooks signing secret, `whsec_`. Secrets are accepted with
 * or without it.
 */
#define WH_SIGNATURE_SECRET_PREFIX "whsec_"

/**
 * WH_SIGNATURE_DEFAULT_TOLERANCE:
 *
 * How far, in seconds, a `webhook-timestamp` may be from the current time for
 * wh_signature_verify() to accept it: five minutes, as the Standard Webhooks
 * specification recommends.
 */
#define WH_SIGNATURE_DEFAULT_TOLERANCE 300

WEBHOOKS_AVAILABLE_IN_ALL
char        *wh_signature_generate_secret    (void);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_signature_check_secret       (const char          *secret,
                                              GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
char        *wh_signature_sign               (const char          *secret,
                                              const char          *msg_id,
                                              gint64               timestamp,
                                              GBytes              *payload,
                                              GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
char        *wh_signature_sign_with_secrets  (const char * const  *secrets,
                                              const char          *msg_id,
                                              gint64               timestamp,
                                              GBytes              *payload,
                                              GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_signature_verify             (const char          *secret,
                                              const char          *msg_id,
                                              const char          *timestamp,
                                              const char          *signature_header,
                                              GBytes              *payload,
                                              GError             **error);
WEBHOOKS_AVAILABLE_IN_ALL
gboolean     wh_signature_verify_at          (const char          *secret,
                                              const char          *msg_id,
                                              const char          *timestamp,
                                              const char          *signature_header,
                                              GBytes              *payload,
                                              gint64               now_seconds,
                                              gint64               tolerance_seconds,
                                              GError             **error);

G_END_DECLS
