/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Validates JSON values against the JSON Schemas this library writes into its documents
 * (a subset of JSON Schema 2020-12: type, including arrays of types and "null";
 * properties; required; items; enum; format date-time; minimum/maximum; uniqueItems;
 * anyOf; and $ref into #/components/schemas/). What is validated against is the schema in
 * the application's own document, so that what is accepted or sent is what is documented.
 *
 * Problems are reported as Esmerald (through pydantic 2) reports them, one object each:
 * {"loc": ["body", "amount"], "msg": "Input should be a valid number", "type": "float_type"}. */
typedef struct _WhSchemaValidator WhSchemaValidator;

/* @schemas: the document's components.schemas object (nullable: no $ref can resolve). */
WhSchemaValidator *wh_schema_validator_new      (JsonObject         *schemas);
void               wh_schema_validator_free     (WhSchemaValidator  *self);
/* Appends one problem object per problem to @problems, with @loc_prefix (such as
 * {"body", NULL}) before the location inside @value. Returns TRUE when there is none. */
gboolean           wh_schema_validator_validate (WhSchemaValidator  *self,
                                                 JsonNode           *schema,
                                                 JsonNode           *value,
                                                 const char * const *loc_prefix,
                                                 JsonArray          *problems);
/* The problems as one sentence for a GError ("body.amount: Input should be a valid
 * number; body.paid_at: Field required"). */
char              *wh_schema_validator_describe (JsonArray          *problems);
/* An RFC 3339 date-time ("2024-05-01T12:00:00Z", "…T12:00:00.5+02:00"): a full date, a
 * 'T', a time with seconds and an offset or Z; what "format": "date-time" accepts. NULL
 * for anything else. */
GDateTime         *wh_schema_validator_parse_date_time (const char  *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhSchemaValidator, wh_schema_validator_free)

G_END_DECLS
