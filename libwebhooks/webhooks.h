/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#define WEBHOOKS_INSIDE

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "webhooks-version.h"
#include "webhooks-version-macros.h"
#include "wh-enum-types.h"
#include "wh-error.h"
#include "wh-model.h"
#include "wh-parameter.h"
#include "wh-response.h"
#include "wh-security-scheme.h"
#include "wh-handler.h"
#include "wh-webhook-handler.h"
#include "wh-api-view.h"
#include "wh-gateway.h"
#include "wh-webhook-gateway.h"
#include "wh-application.h"
#include "wh-shortcuts.h"
#include "wh-deliver.h"
#include "wh-serve.h"
#include "wh-receive.h"

#undef WEBHOOKS_INSIDE
