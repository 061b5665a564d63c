/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#if !defined(WEBHOOKS_INSIDE) && !defined(WEBHOOKS_COMPILATION)
#error "Only <webhooks.h> can be included directly."
#endif

#include <libsoup/soup.h>

#include "webhooks-version-macros.h"
#include "wh-application.h"

G_BEGIN_DECLS

/**
 * WH_DOCS_ASSETS_PATH:
 *
 * The path under which an attached application serves the files of its
 * #WhApplication:docs-assets-dir, when that property is set.
 */
#define WH_DOCS_ASSETS_PATH "/docs/assets"

WEBHOOKS_AVAILABLE_IN_ALL
gboolean             wh_application_attach                   (WhApplication      *self,
                                                              SoupServer         *server,
                                                              GError            **error);

G_END_DECLS
