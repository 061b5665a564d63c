/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include "wh-application.h"

G_BEGIN_DECLS

typedef struct
{
  char *url;
  char *description;
} WhServerInfo;

typedef struct
{
  char *name;
  char *description;
} WhTagInfo;

/* What the document builder reads of the application besides its public getters. */
const char   *wh_application_get_terms_of_service (WhApplication *self);
const char   *wh_application_get_contact_name     (WhApplication *self);
const char   *wh_application_get_contact_url      (WhApplication *self);
const char   *wh_application_get_contact_email    (WhApplication *self);
const char   *wh_application_get_license_name     (WhApplication *self);
const char   *wh_application_get_license_identifier (WhApplication *self);
const char   *wh_application_get_license_url      (WhApplication *self);
GPtrArray    *wh_application_get_server_infos     (WhApplication *self); /* of WhServerInfo */
GPtrArray    *wh_application_get_tag_infos        (WhApplication *self); /* of WhTagInfo */
GListModel   *wh_application_get_security_schemes (WhApplication *self);

G_END_DECLS
