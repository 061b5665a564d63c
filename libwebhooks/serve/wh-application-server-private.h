/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include "wh-application.h"

G_BEGIN_DECLS

/* The serving properties of WhApplication (openapi-url, the docs page URLs and
 * docs-assets-dir) live in serve/, so that declare/ knows nothing of serving:
 * wh-application.c installs them after its own, from @first_prop_id on, and forwards
 * the ids it does not know. The _get/_set functions return FALSE for an id that is not
 * theirs. */
void      wh_application_serve_install_properties (GObjectClass  *object_class,
                                                   guint          first_prop_id);
gboolean  wh_application_serve_get_property       (WhApplication *self,
                                                   guint          prop_id,
                                                   GValue        *value);
gboolean  wh_application_serve_set_property       (WhApplication *self,
                                                   guint          prop_id,
                                                   const GValue  *value);
/* WhApplication:max-body-size, for the router. */
guint64   wh_application_serve_get_max_body_size  (WhApplication *self);
/* Whether @pspec is one of those properties, which are not in the document. */
gboolean  wh_application_serve_is_property        (GParamSpec    *pspec);

G_END_DECLS
