/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-error
 * @Title: Errors
 * @Short_description: the libwebhooks error domain
 *
 * Every error libwebhooks reports is a #GError in the %WH_ERROR domain, with a
 * #WhError code and a message that says what to change.
 */

#include "config.h"

#include "wh-error.h"

/**
 * wh_error_quark:
 *
 * Gets the quark of the %WH_ERROR domain.
 *
 * Returns: the error domain quark
 */
G_DEFINE_QUARK (wh-error-quark, wh_error)
