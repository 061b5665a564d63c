/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib.h>

#include "webhooks-version-macros.h"

G_BEGIN_DECLS

/* Owned by the signature work (issue 5): Standard Webhooks v1 signing and verification. */

G_END_DECLS
