/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* What WhSqliteStore and WhPgStore share; see wh-store-common-private.h. */

#include "config.h"

#include <unistd.h>

#include <json-glib/json-glib.h>

#include "wh-delivery-private.h"
#include "wh-error.h"
#include "wh-store-common-private.h"

char *
wh_store_strv_to_json (const char * const *strv)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (strv == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

gboolean
wh_store_strv_from_json (const char  *text,
                         GStrv       *out,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  *out = NULL;
  if (text == NULL)
    return TRUE;

  if (!json_parser_load_from_data (parser, text, -1, error))
    return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE, "a list was expected");
      return FALSE;
    }

  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *item = json_array_get_string_element (array, i);

      if (item == NULL)
        {
          g_set_error (error, WH_ERROR, WH_ERROR_STORE, "a list of strings was expected");
          return FALSE;
        }
      g_strv_builder_add (builder, item);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

void
wh_store_endpoint_lists_to_json (WhEndpoint  *endpoint,
                                 char       **events,
                                 char       **headers,
                                 char       **previous_secrets)
{
  const char * const *previous = wh_endpoint_get_previous_secrets (endpoint);

  *events = wh_store_strv_to_json (wh_endpoint_get_events (endpoint));
  *headers = wh_store_strv_to_json (wh_endpoint_get_headers (endpoint));
  *previous_secrets = previous[0] != NULL ? wh_store_strv_to_json (previous) : NULL;
}

WhEndpoint *
wh_store_endpoint_from_columns (const char  *store_name,
                                const char  *id,
                                const char  *url,
                                const char  *secret,
                                const char  *events_json,
                                gboolean     enabled,
                                const char  *description,
                                const char  *headers_json,
                                const char  *previous_secrets_json,
                                GError     **error)
{
  g_autoptr(WhEndpoint) endpoint = g_object_new (WH_TYPE_ENDPOINT, "id", id, NULL);
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) events = NULL;
  g_auto(GStrv) headers = NULL;
  g_auto(GStrv) previous_secrets = NULL;

  if (!wh_endpoint_set_url (endpoint, url, &local_error) ||
      !wh_endpoint_set_secret (endpoint, secret, &local_error) ||
      !wh_store_strv_from_json (events_json, &events, &local_error) ||
      !wh_store_strv_from_json (headers_json, &headers, &local_error) ||
      !wh_endpoint_set_headers (endpoint, (const char * const *) headers, &local_error) ||
      !wh_store_strv_from_json (previous_secrets_json, &previous_secrets, &local_error) ||
      !wh_endpoint_set_previous_secrets (endpoint, (const char * const *) previous_secrets,
                                         &local_error))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "The endpoint %s in the %s is damaged (%s); remove it and add it again",
                   id, store_name, local_error->message);
      return NULL;
    }

  wh_endpoint_set_events (endpoint, (const char * const *) events);
  wh_endpoint_set_enabled (endpoint, enabled);
  wh_endpoint_set_description (endpoint, description);

  return g_steal_pointer (&endpoint);
}

WhDelivery *
wh_store_delivery_from_columns (gint64           id,
                                const char      *message_id,
                                const char      *endpoint_id,
                                const char      *event,
                                GBytes          *payload,
                                gint64           attempts,
                                WhDeliveryState  state,
                                gint64           created_at,
                                gint64           next_attempt_at)
{
  return wh_delivery_new_take (id, g_strdup (message_id), g_strdup (endpoint_id),
                               g_strdup (event), payload,
                               attempts + (state == WH_DELIVERY_STATE_PENDING ? 1 : 0),
                               state, created_at, next_attempt_at);
}

WhAttempt *
wh_store_attempt_from_columns (gint64      delivery_id,
                               gint64      number,
                               gint64      started_at,
                               gint64      duration,
                               gint64      status_code,
                               const char *error_message,
                               GBytes     *response_body,
                               gint64      next_attempt_at)
{
  g_autoptr(GBytes) body = response_body;

  return wh_attempt_new (delivery_id, number, started_at, duration, status_code,
                         error_message, body, next_attempt_at);
}

char *
wh_store_lease_owner_new (void)
{
  return g_strdup_printf ("%s/%d/%08x", g_get_host_name (), (int) getpid (),
                          g_random_int ());
}

gint64
wh_store_lease_end (gint64 now,
                    guint  lease_seconds)
{
  return now + (gint64) lease_seconds * G_USEC_PER_SEC;
}

WhDeliveryState
wh_store_attempt_outcome (WhAttempt *attempt,
                          gint64    *next_attempt_at)
{
  *next_attempt_at = wh_attempt_get_next_attempt_at (attempt);

  if (wh_attempt_get_succeeded (attempt))
    {
      *next_attempt_at = 0;
      return WH_DELIVERY_STATE_SUCCEEDED;
    }

  return *next_attempt_at > 0 ? WH_DELIVERY_STATE_PENDING : WH_DELIVERY_STATE_FAILED;
}

gint64
wh_store_attempt_failing_since (WhAttempt *attempt)
{
  return MAX (wh_attempt_get_started_at (attempt), 1);
}

void
wh_store_count_state (int      state,
                      guint64  count,
                      guint64 *pending,
                      guint64 *succeeded,
                      guint64 *failed)
{
  switch (state)
    {
    case WH_DELIVERY_STATE_PENDING:
      *pending = count;
      break;

    case WH_DELIVERY_STATE_SUCCEEDED:
      *succeeded = count;
      break;

    case WH_DELIVERY_STATE_FAILED:
      *failed = count;
      break;

    default:
      break;
    }
}

void
wh_store_set_duplicate_endpoint_error (GError     **error,
                                       const char  *store_name,
                                       const char  *endpoint_id)
{
  g_set_error (error, WH_ERROR, WH_ERROR_DUPLICATE,
               "The %s already has an endpoint with the id %s; save changes with "
               "wh_store_update_endpoint(), or make a new endpoint",
               store_name, endpoint_id);
}

void
wh_store_set_no_endpoint_to_update_error (GError     **error,
                                          const char  *store_name,
                                          const char  *endpoint_id)
{
  g_set_error (error, WH_ERROR, WH_ERROR_STORE,
               "The %s has no endpoint with the id %s; add it with "
               "wh_store_add_endpoint() first",
               store_name, endpoint_id);
}

void
wh_store_set_no_endpoint_error (GError     **error,
                                const char  *store_name,
                                const char  *endpoint_id)
{
  g_set_error (error, WH_ERROR, WH_ERROR_STORE,
               "The %s has no endpoint with the id %s; list its endpoints with "
               "wh_store_list_endpoints()",
               store_name, endpoint_id);
}

void
wh_store_set_publish_no_endpoint_error (GError     **error,
                                        const char  *store_name,
                                        const char  *endpoint_id)
{
  g_set_error (error, WH_ERROR, WH_ERROR_STORE,
               "The %s has no endpoint with the id %s; add the endpoint before "
               "publishing to it (nothing was published)",
               store_name, endpoint_id);
}

void
wh_store_set_record_no_delivery_error (GError     **error,
                                       const char  *store_name,
                                       gint64       delivery_id)
{
  g_set_error (error, WH_ERROR, WH_ERROR_STORE,
               "The %s has no delivery with the id %" G_GINT64_FORMAT "; record "
               "attempts of deliveries that wh_store_claim_due() returned",
               store_name, delivery_id);
}

void
wh_store_set_release_no_delivery_error (GError     **error,
                                        const char  *store_name,
                                        gint64       delivery_id)
{
  g_set_error (error, WH_ERROR, WH_ERROR_STORE,
               "The %s has no delivery with the id %" G_GINT64_FORMAT "; hand back "
               "deliveries that wh_store_claim_due() returned",
               store_name, delivery_id);
}

gboolean
wh_store_upgrade_schema (gpointer             store,
                         WhStoreExecFunc      exec,
                         const char          *store_name,
                         gint64               version,
                         int                  known_version,
                         const char * const  *migrations,
                         const char          *newer_advice,
                         const char          *damaged_advice,
                         GError             **error)
{
  if (version > known_version)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "The %s was written by a newer libwebhooks (schema version %"
                   G_GINT64_FORMAT ", this one knows up to %d); %s with that version or a "
                   "later one",
                   store_name, version, known_version, newer_advice);
      return FALSE;
    }

  if (version < 1)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_STORE,
                   "The %s has no schema version; %s", store_name, damaged_advice);
      return FALSE;
    }

  for (; version < known_version; version++)
    {
      g_autofree char *set_version =
        g_strdup_printf ("UPDATE wh_schema SET version = %" G_GINT64_FORMAT, version + 1);

      if (!exec (store, migrations[version - 1], "upgrade the store's tables", error) ||
          !exec (store, set_version, "upgrade the store's tables", error))
        return FALSE;
    }

  return TRUE;
}
