/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <glib.h>

/* The export attribute is keyed on WEBHOOKS_COMPILATION: the library is built with
 * gnu_symbol_visibility 'hidden', so only what is marked here is exported. */
#ifndef _WEBHOOKS_EXTERN
# if defined(WEBHOOKS_COMPILATION) && defined(__GNUC__)
#  define _WEBHOOKS_EXTERN __attribute__((visibility("default"))) extern
# else
#  define _WEBHOOKS_EXTERN extern
# endif
#endif

#define WEBHOOKS_AVAILABLE_IN_ALL _WEBHOOKS_EXTERN
#define WEBHOOKS_AVAILABLE_IN_1_0 _WEBHOOKS_EXTERN
