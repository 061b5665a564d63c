/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

/* The public headers of deliver/, for the umbrella header. */
#include "wh-signature.h"
#include "wh-endpoint.h"
#include "wh-delivery.h"
#include "wh-store.h"
#include "wh-sqlite-store.h"
#include "wh-pg-store.h"
#include "wh-dispatcher.h"
