/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-signature
 * @Title: Signatures
 * @Short_description: sign and verify webhooks the Standard Webhooks way
 *
 * libwebhooks signs every webhook it sends as the
 * [Standard Webhooks](https://www.standardwebhooks.com/) specification says, so that the
 * receiving side can check it with any of that specification's libraries, or with
 * wh_signature_verify().
 *
 * Each endpoint has a secret: `whsec_` followed by the base64 of random bytes (24 of them
 * from wh_signature_generate_secret()). The key is the base64-decoded part; the prefix is
 * optional everywhere. A webhook carries three headers:
 *
 * - `webhook-id`: the message id, the same for every retry of one message, so that a
 *   receiver can drop repeats;
 * - `webhook-timestamp`: the time of the attempt, in whole seconds since the Unix epoch;
 * - `webhook-signature`: a space-separated list of `version,signature` entries. Version
 *   `v1` is the base64 of the HMAC-SHA256, under the key, of
 *   `<webhook-id>.<webhook-timestamp>.<body>`, where the body is exactly the bytes sent.
 *
 * While a secret is being replaced, the sender signs with both the old and the new secret
 * (wh_signature_sign_with_secrets()) and the receiver accepts the message if any entry
 * matches. A receiver also refuses a timestamp more than five minutes away from its own
 * clock (%WH_SIGNATURE_DEFAULT_TOLERANCE), which stops a captured message from being
 * replayed later. Entries of other versions (`v1a`, `v2`, …) are skipped, so that a sender
 * can add them without breaking receivers.
 *
 * Signing, on the sending side:
 *
 * |[<!-- language="C" -->
 * g_autofree char *secret = wh_signature_generate_secret ();
 * g_autoptr(GBytes) body = g_bytes_new_static ("{\"id\": 42}", 10);
 * g_autoptr(GError) error = NULL;
 * g_autofree char *signature = NULL;
 *
 * signature = wh_signature_sign (secret, "msg_2Lh7TnI1", 1700000000, body, &error);
 * if (signature == NULL)
 *   g_printerr ("Cannot sign: %s\n", error->message);
 * // send body with webhook-id: msg_2Lh7TnI1, webhook-timestamp: 1700000000
 * // and webhook-signature: signature
 * ]|
 *
 * Verifying, on the receiving side, with the headers and body of the request:
 *
 * |[<!-- language="C" -->
 * if (!wh_signature_verify (secret,
 *                           soup_message_headers_get_one (headers, "webhook-id"),
 *                           soup_message_headers_get_one (headers, "webhook-timestamp"),
 *                           soup_message_headers_get_one (headers, "webhook-signature"),
 *                           body, &error))
 *   {
 *     // answer 401; error->code says why (WH_ERROR_SIGNATURE_MISMATCH, ...)
 *   }
 * ]|
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "wh-error.h"
#include "wh-signature.h"

#define SECRET_RANDOM_BYTES 24
#define SIGNATURE_VERSION "v1"
/* Room for any gint64 in decimal and its NUL. */
#define TIMESTAMP_TEXT_SIZE 24

static const char secret_hint[] =
  "A secret is “whsec_” followed by the base64 of random bytes, such as one made by "
  "wh_signature_generate_secret().";

static void
fill_random (guint8 *buffer,
             gsize   length)
{
  gsize filled = 0;
  int fd;

  /* g_random_*() is a Mersenne Twister, predictable from its output: a signing
   * secret needs the kernel's CSPRNG. */
  while (filled < length)
    {
      ssize_t n = getrandom (buffer + filled, length - filled, 0);

      if (n > 0)
        filled += n;
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break;
    }

  if (filled == length)
    return;

  /* Only kernels older than 3.17 (or seccomp sandboxes) refuse getrandom(). */
  fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
  while (fd >= 0 && filled < length)
    {
      ssize_t n = read (fd, buffer + filled, length - filled);

      if (n > 0)
        filled += n;
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break;
    }
  if (fd >= 0)
    close (fd);

  /* Handing out a guessable secret would be worse than stopping. */
  if (filled < length)
    g_error ("Cannot read random bytes for a webhook secret: neither getrandom() nor "
             "/dev/urandom is available");
}

static inline gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* g_base64_decode() silently skips characters it does not know, so a mistyped secret
 * would quietly become another key: check the text first. */
static guint8 *
decode_secret (const char  *secret,
               gsize       *key_length,
               GError     **error)
{
  g_autofree char *padded = NULL;
  const char *text = secret;
  gsize length;
  gsize data_length;
  gsize padding = 0;
  guint8 *key;

  if (g_str_has_prefix (text, WH_SIGNATURE_SECRET_PREFIX))
    text += strlen (WH_SIGNATURE_SECRET_PREFIX);

  length = strlen (text);
  if (length == 0)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                   "The signing secret is empty. %s", secret_hint);
      return NULL;
    }

  while (padding < length && text[length - 1 - padding] == '=')
    padding++;
  data_length = length - padding;

  for (gsize i = 0; i < data_length; i++)
    {
      if (!is_base64_char (text[i]))
        {
          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                       "The signing secret is not base64: character %" G_GSIZE_FORMAT
                       " cannot appear in it. %s",
                       (gsize) (text - secret) + i + 1, secret_hint);
          return NULL;
        }
    }

  if (data_length == 0 || padding > 2 || data_length % 4 == 1 ||
      (padding > 0 && length % 4 != 0))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                   "The signing secret is not base64: its length or its “=” padding is "
                   "wrong. %s", secret_hint);
      return NULL;
    }

  /* Accept a secret written without its padding, as most decoders do. */
  padded = g_strnfill (data_length + (4 - data_length % 4) % 4, '=');
  memcpy (padded, text, data_length);
  key = g_base64_decode (padded, key_length);
  explicit_bzero (padded, data_length);

  return key;
}

static void
free_key (guint8 *key,
          gsize   key_length)
{
  explicit_bzero (key, key_length);
  g_free (key);
}

/* Returns the base64 of the v1 HMAC, without the "v1," prefix. */
static char *
compute_signature (const guint8 *key,
                   gsize         key_length,
                   const char   *msg_id,
                   const char   *timestamp,
                   GBytes       *payload)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  gconstpointer data;
  gsize data_length;

  data = g_bytes_get_data (payload, &data_length);

  g_hmac_update (hmac, (const guchar *) msg_id, -1);
  g_hmac_update (hmac, (const guchar *) ".", 1);
  g_hmac_update (hmac, (const guchar *) timestamp, -1);
  g_hmac_update (hmac, (const guchar *) ".", 1);
  if (data_length > 0)
    g_hmac_update (hmac, data, data_length);
  g_hmac_get_digest (hmac, digest, &digest_length);

  return g_base64_encode (digest, digest_length);
}

static char *
sign_one (const char *secret,
          const char *msg_id,
          const char *timestamp,
          GBytes     *payload,
          GError    **error)
{
  g_autofree char *signature = NULL;
  guint8 *key;
  gsize key_length;

  key = decode_secret (secret, &key_length, error);
  if (key == NULL)
    return NULL;

  signature = compute_signature (key, key_length, msg_id, timestamp, payload);
  free_key (key, key_length);

  return g_strconcat (SIGNATURE_VERSION ",", signature, NULL);
}

/* Runs over all of @expected whatever @given holds, so that the time taken says nothing
 * about how many leading characters of a forged signature were right. */
static gboolean
equal_constant_time (const char *expected,
                     gsize       expected_length,
                     const char *given,
                     gsize       given_length)
{
  guint8 difference = expected_length != given_length;

  for (gsize i = 0; i < expected_length; i++)
    {
      guint8 g = given_length > 0 ? (guint8) given[i % given_length] : 0;

      difference |= (guint8) expected[i] ^ g;
    }

  return difference == 0;
}

/**
 * wh_signature_generate_secret:
 *
 * Makes a new signing secret: `whsec_` followed by the base64 of 24 bytes from the
 * operating system's cryptographic random number generator.
 *
 * Returns: (transfer full): a new secret; free it with g_free()
 */
char *
wh_signature_generate_secret (void)
{
  guint8 bytes[SECRET_RANDOM_BYTES];
  g_autofree char *encoded = NULL;
  char *secret;

  fill_random (bytes, sizeof bytes);
  encoded = g_base64_encode (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);

  secret = g_strconcat (WH_SIGNATURE_SECRET_PREFIX, encoded, NULL);
  explicit_bzero (encoded, strlen (encoded));

  return secret;
}

/**
 * wh_signature_check_secret:
 * @secret: a signing secret, with or without the `whsec_` prefix
 * @error: return location for a #GError, or %NULL
 *
 * Checks that @secret can be used to sign and verify webhooks: it is base64 (after an
 * optional `whsec_` prefix) of at least one byte. Use it to refuse a bad secret when it
 * is configured rather than when the first webhook is sent.
 *
 * Returns: %TRUE if @secret is usable, %FALSE with @error set to
 *   %WH_ERROR_INVALID_SECRET otherwise
 */
gboolean
wh_signature_check_secret (const char  *secret,
                           GError     **error)
{
  guint8 *key;
  gsize key_length;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = decode_secret (secret, &key_length, error);
  if (key == NULL)
    return FALSE;

  free_key (key, key_length);
  return TRUE;
}

/**
 * wh_signature_sign:
 * @secret: the endpoint's signing secret, with or without the `whsec_` prefix
 * @msg_id: the message id, sent as `webhook-id`
 * @timestamp: the time of the attempt in seconds since the Unix epoch, sent as
 *   `webhook-timestamp`
 * @payload: the exact bytes of the request body
 * @error: return location for a #GError, or %NULL
 *
 * Signs one webhook attempt with Standard Webhooks version 1: the base64 of the
 * HMAC-SHA256, keyed with the decoded @secret, of `<msg_id>.<timestamp>.<payload>`.
 *
 * Returns: (transfer full) (nullable): the value of the `webhook-signature` header,
 *   `v1,` followed by the signature, or %NULL with @error set to
 *   %WH_ERROR_INVALID_SECRET if @secret is not base64
 */
char *
wh_signature_sign (const char  *secret,
                   const char  *msg_id,
                   gint64       timestamp,
                   GBytes      *payload,
                   GError     **error)
{
  char timestamp_text[TIMESTAMP_TEXT_SIZE];

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (msg_id != NULL, NULL);
  g_return_val_if_fail (timestamp >= 0, NULL);
  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_snprintf (timestamp_text, sizeof timestamp_text, "%" G_GINT64_FORMAT, timestamp);

  return sign_one (secret, msg_id, timestamp_text, payload, error);
}

/**
 * wh_signature_sign_with_secrets:
 * @secrets: (array zero-terminated=1): the secrets to sign with, usually the new one and
 *   the one it replaces
 * @msg_id: the message id, sent as `webhook-id`
 * @timestamp: the time of the attempt in seconds since the Unix epoch, sent as
 *   `webhook-timestamp`
 * @payload: the exact bytes of the request body
 * @error: return location for a #GError, or %NULL
 *
 * Signs one webhook attempt with each of @secrets, as wh_signature_sign() does, so that
 * receivers that know either the old or the new secret accept it while a secret is being
 * rotated.
 *
 * Returns: (transfer full) (nullable): the value of the `webhook-signature` header, one
 *   `v1,` entry per secret separated by spaces, or %NULL with @error set to
 *   %WH_ERROR_INVALID_SECRET if @secrets is empty or one of them is not base64
 */
char *
wh_signature_sign_with_secrets (const char * const  *secrets,
                                const char          *msg_id,
                                gint64               timestamp,
                                GBytes              *payload,
                                GError             **error)
{
  g_autoptr(GString) header = NULL;
  char timestamp_text[TIMESTAMP_TEXT_SIZE];

  g_return_val_if_fail (secrets != NULL, NULL);
  g_return_val_if_fail (msg_id != NULL, NULL);
  g_return_val_if_fail (timestamp >= 0, NULL);
  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (secrets[0] == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                   "No signing secret was given: pass at least one. %s", secret_hint);
      return NULL;
    }

  g_snprintf (timestamp_text, sizeof timestamp_text, "%" G_GINT64_FORMAT, timestamp);
  header = g_string_new (NULL);

  for (guint i = 0; secrets[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *entry = NULL;

      entry = sign_one (secrets[i], msg_id, timestamp_text, payload, &local_error);
      if (entry == NULL)
        {
          g_set_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET,
                       "Secret %u of %u cannot be used. %s", i + 1,
                       g_strv_length ((char **) secrets), local_error->message);
          return NULL;
        }

      if (header->len > 0)
        g_string_append_c (header, ' ');
      g_string_append (header, entry);
    }

  return g_string_free (g_steal_pointer (&header), FALSE);
}

/**
 * wh_signature_verify:
 * @secret: the signing secret, with or without the `whsec_` prefix
 * @msg_id: (nullable): the `webhook-id` header
 * @timestamp: (nullable): the `webhook-timestamp` header
 * @signature_header: (nullable): the `webhook-signature` header
 * @payload: the exact bytes of the request body, before any parsing
 * @error: return location for a #GError, or %NULL
 *
 * Checks that a webhook was signed with @secret and sent within the last five minutes,
 * as wh_signature_verify_at() does with the current time and
 * %WH_SIGNATURE_DEFAULT_TOLERANCE. Pass the headers as received: a missing one (%NULL)
 * is reported as %WH_ERROR_SIGNATURE_MALFORMED.
 *
 * Returns: %TRUE if the webhook is authentic, %FALSE with @error set otherwise
 */
gboolean
wh_signature_verify (const char  *secret,
                     const char  *msg_id,
                     const char  *timestamp,
                     const char  *signature_header,
                     GBytes      *payload,
                     GError     **error)
{
  return wh_signature_verify_at (secret, msg_id, timestamp, signature_header, payload,
                                 g_get_real_time () / G_USEC_PER_SEC,
                                 WH_SIGNATURE_DEFAULT_TOLERANCE, error);
}

/* Header values come from the network: keep what an error message repeats of them
 * short and valid UTF-8. */
static char *
quote_untrusted (const char *text)
{
  gsize length = strlen (text);

  if (length <= 24)
    return g_utf8_make_valid (text, -1);
  else
    {
      g_autofree char *start = g_utf8_make_valid (text, 24);

      return g_strconcat (start, "…", NULL);
    }
}

static gboolean
parse_timestamp (const char  *text,
                 gint64      *seconds,
                 GError     **error)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    {
      g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MALFORMED,
                   "The webhook-timestamp header is missing: the sender must send the "
                   "time of the attempt in seconds since the Unix epoch.");
      return FALSE;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      guint digit = *p - '0';

      if (!g_ascii_isdigit (*p) || value > ((guint64) G_MAXINT64 - digit) / 10)
        {
          g_autofree char *shown = quote_untrusted (text);

          g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MALFORMED,
                       "The webhook-timestamp header “%s” is not a whole number of "
                       "seconds since the Unix epoch, such as “1700000000”.", shown);
          return FALSE;
        }
      value = value * 10 + digit;
    }

  *seconds = (gint64) value;
  return TRUE;
}

/**
 * wh_signature_verify_at:
 * @secret: the signing secret, with or without the `whsec_` prefix
 * @msg_id: (nullable): the `webhook-id` header
 * @timestamp: (nullable): the `webhook-timestamp` header
 * @signature_header: (nullable): the `webhook-signature` header
 * @payload: the exact bytes of the request body, before any parsing
 * @now_seconds: the current time, in seconds since the Unix epoch
 * @tolerance_seconds: how many seconds @timestamp may be before or after @now_seconds
 * @error: return location for a #GError, or %NULL
 *
 * Checks a Standard Webhooks signature against a given clock.
 *
 * @timestamp must be a decimal number of seconds and @signature_header a space-separated
 * list of `version,signature` entries, otherwise the error is
 * %WH_ERROR_SIGNATURE_MALFORMED. A timestamp more than @tolerance_seconds before
 * @now_seconds is %WH_ERROR_SIGNATURE_TOO_OLD, more than @tolerance_seconds after it
 * %WH_ERROR_SIGNATURE_TOO_NEW. Entries of versions other than `v1` are skipped; the
 * webhook is authentic if any `v1` entry matches (several entries are sent while a
 * secret is being rotated), otherwise the error is %WH_ERROR_SIGNATURE_MISMATCH. The
 * comparison takes the same time however much of a forged signature is right.
 *
 * Returns: %TRUE if the webhook is authentic, %FALSE with @error set otherwise
 */
gboolean
wh_signature_verify_at (const char  *secret,
                        const char  *msg_id,
                        const char  *timestamp,
                        const char  *signature_header,
                        GBytes      *payload,
                        gint64       now_seconds,
                        gint64       tolerance_seconds,
                        GError     **error)
{
  g_auto(GStrv) entries = NULL;
  g_autofree char *expected = NULL;
  char timestamp_text[TIMESTAMP_TEXT_SIZE];
  gsize expected_length;
  guint n_entries = 0;
  guint n_v1 = 0;
  gboolean matched = FALSE;
  gint64 sent_at;
  guint8 *key;
  gsize key_length;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (now_seconds >= 0, FALSE);
  g_return_val_if_fail (tolerance_seconds >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wh_signature_check_secret (secret, error))
    return FALSE;

  if (msg_id == NULL || *msg_id == '\0')
    {
      g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MALFORMED,
                   "The webhook-id header is missing: the sender must send the message "
                   "id it signed.");
      return FALSE;
    }

  if (!parse_timestamp (timestamp, &sent_at, error))
    return FALSE;

  if (signature_header != NULL)
    entries = g_strsplit (signature_header, " ", -1);

  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    {
      /* Tolerate doubled or trailing spaces: they carry no entry. */
      if (entries[i][0] == '\0')
        continue;

      n_entries++;
      if (strchr (entries[i], ',') == NULL)
        {
          g_autofree char *shown = quote_untrusted (entries[i]);

          g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MALFORMED,
                       "The webhook-signature entry “%s” has no comma: each entry is "
                       "a version and a signature, such as “v1,<base64>”, and entries "
                       "are separated by spaces.", shown);
          return FALSE;
        }
    }

  if (n_entries == 0)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MALFORMED,
                   "The webhook-signature header is missing or empty: it should hold "
                   "entries such as “v1,<base64>” separated by spaces.");
      return FALSE;
    }

  /* No overflow: both values are known to be between 0 and G_MAXINT64. */
  if (now_seconds > sent_at && now_seconds - sent_at > tolerance_seconds)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_OLD,
                   "The webhook was signed %" G_GINT64_FORMAT " seconds ago, more than "
                   "the %" G_GINT64_FORMAT " seconds allowed: it may be a replay, or the "
                   "sender's or receiver's clock is wrong.",
                   now_seconds - sent_at, tolerance_seconds);
      return FALSE;
    }
  if (sent_at > now_seconds && sent_at - now_seconds > tolerance_seconds)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_NEW,
                   "The webhook's timestamp is %" G_GINT64_FORMAT " seconds in the "
                   "future, more than the %" G_GINT64_FORMAT " seconds allowed: the "
                   "sender's or receiver's clock is wrong.",
                   sent_at - now_seconds, tolerance_seconds);
      return FALSE;
    }

  /* Sign the number, not the header's text, as the reference libraries do: they
   * accept "01700000000" as 1700000000. */
  g_snprintf (timestamp_text, sizeof timestamp_text, "%" G_GINT64_FORMAT, sent_at);
  key = decode_secret (secret, &key_length, NULL);
  expected = compute_signature (key, key_length, msg_id, timestamp_text, payload);
  free_key (key, key_length);
  expected_length = strlen (expected);

  for (guint i = 0; entries[i] != NULL && !matched; i++)
    {
      const char *comma = strchr (entries[i], ',');
      const char *given;

      if (comma == NULL)
        continue;
      if ((gsize) (comma - entries[i]) != strlen (SIGNATURE_VERSION) ||
          strncmp (entries[i], SIGNATURE_VERSION, comma - entries[i]) != 0)
        continue;

      n_v1++;
      given = comma + 1;
      matched = equal_constant_time (expected, expected_length, given, strlen (given));
    }

  if (matched)
    return TRUE;

  if (n_v1 == 0)
    g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH,
                 "The webhook-signature header has no “v1” entry, the only version "
                 "this receiver checks.");
  else
    g_set_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH,
                 "No signature in the webhook-signature header matches: the body was "
                 "changed on the way, or the sender and the receiver use different "
                 "secrets.");
  return FALSE;
}
