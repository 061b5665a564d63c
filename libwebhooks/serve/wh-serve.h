/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

/* The public headers of serve/, for the umbrella header. */
#include "wh-application-server.h"
#include "wh-request.h"
