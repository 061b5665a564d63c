/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <string.h>

#include <webhooks.h>

/* The example of the Standard Webhooks specification, reproduced by its reference
 * libraries (and, independently, by Python's hmac module). */
#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SPEC_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SPEC_TIMESTAMP 1614265330
#define SPEC_TIMESTAMP_TEXT "1614265330"
#define SPEC_PAYLOAD "{\"test\": 2432232314}"
#define SPEC_SIGNATURE "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

/* The key is the bytes 0, 1, …, 23. */
#define BINARY_SECRET "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"

#define NOW 1700000000
#define NOW_TEXT "1700000000"

static GBytes *
spec_payload (void)
{
  return g_bytes_new_static (SPEC_PAYLOAD, strlen (SPEC_PAYLOAD));
}

static gboolean
verify_spec (const char  *secret,
             const char  *msg_id,
             const char  *timestamp,
             const char  *header,
             GBytes      *payload,
             GError     **error)
{
  return wh_signature_verify_at (secret, msg_id, timestamp, header, payload,
                                 SPEC_TIMESTAMP, WH_SIGNATURE_DEFAULT_TOLERANCE, error);
}

static void
test_known_answer_spec (void)
{
  g_autoptr(GBytes) payload = spec_payload ();
  g_autoptr(GError) error = NULL;
  g_autofree char *with_prefix = NULL;
  g_autofree char *without_prefix = NULL;

  with_prefix = wh_signature_sign (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (with_prefix, ==, SPEC_SIGNATURE);

  without_prefix = wh_signature_sign (SPEC_SECRET + strlen ("whsec_"), SPEC_ID,
                                      SPEC_TIMESTAMP, payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (without_prefix, ==, SPEC_SIGNATURE);

  g_assert_true (verify_spec (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT, SPEC_SIGNATURE,
                              payload, &error));
  g_assert_no_error (error);
  g_assert_true (verify_spec ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SPEC_ID,
                              SPEC_TIMESTAMP_TEXT, SPEC_SIGNATURE, payload, &error));
  g_assert_no_error (error);
}

static void
test_known_answer_binary (void)
{
  /* NUL and 0xff bytes: the whole body is signed, not a C string of it. */
  static const guint8 body[] = { 'a', 0x00, 'b', 0xff, 0x00 };
  g_autoptr(GBytes) payload = g_bytes_new_static (body, sizeof body);
  g_autoptr(GBytes) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;
  guint8 altered[sizeof body];

  signature = wh_signature_sign (BINARY_SECRET, "msg_2", NOW, payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (signature, ==, "v1,V4XxnEDVf118sGGHs+B66zuwxSQQkJw8HRcYL7001/8=");

  g_assert_true (wh_signature_verify_at (BINARY_SECRET, "msg_2", NOW_TEXT, signature,
                                         payload, NOW, 300, &error));
  g_assert_no_error (error);

  /* A change after the first NUL must be noticed. */
  memcpy (altered, body, sizeof body);
  altered[3] = 0xfe;
  changed = g_bytes_new (altered, sizeof altered);
  g_assert_false (wh_signature_verify_at (BINARY_SECRET, "msg_2", NOW_TEXT, signature,
                                          changed, NOW, 300, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
}

static void
test_known_answer_empty (void)
{
  g_autoptr(GBytes) payload = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;

  signature = wh_signature_sign (SPEC_SECRET, "msg_empty", NOW, payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (signature, ==, "v1,LrOGikvEp3ovC4ipwU5sfXzzFy9SMN1tDL3jPPGtLmc=");
  g_assert_true (wh_signature_verify_at (SPEC_SECRET, "msg_empty", NOW_TEXT, signature,
                                         payload, NOW, 300, &error));
  g_assert_no_error (error);
}

static void
test_unpadded_secret (void)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("{}", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *padded = NULL;
  g_autofree char *unpadded = NULL;

  /* 23 key bytes: the base64 ends with one "=", which people often leave out. */
  padded = wh_signature_sign ("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRY=", "msg_pad", NOW,
                              payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (padded, ==, "v1,UIocF0aIyqK7UcqzpvutVnFvUZUJnR3TnmEg0ciwlTQ=");

  unpadded = wh_signature_sign ("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRY", "msg_pad", NOW,
                                payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unpadded, ==, padded);
}

static void
test_generate_secret (void)
{
  g_autofree char *first = wh_signature_generate_secret ();
  g_autofree char *second = wh_signature_generate_secret ();
  g_autofree guint8 *key = NULL;
  g_autoptr(GBytes) payload = g_bytes_new_static ("hello", 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;
  gsize key_length;

  g_assert_true (g_str_has_prefix (first, "whsec_"));
  g_assert_cmpuint (strlen (first), ==, strlen ("whsec_") + 32);
  key = g_base64_decode (first + strlen ("whsec_"), &key_length);
  g_assert_cmpuint (key_length, ==, 24);
  g_assert_cmpstr (first, !=, second);

  g_assert_true (wh_signature_check_secret (first, &error));
  g_assert_no_error (error);

  signature = wh_signature_sign (first, "msg_new", NOW, payload, &error);
  g_assert_no_error (error);
  g_assert_true (wh_signature_verify_at (first, "msg_new", NOW_TEXT, signature, payload,
                                         NOW, 300, &error));
  g_assert_no_error (error);
  g_assert_false (wh_signature_verify_at (second, "msg_new", NOW_TEXT, signature, payload,
                                          NOW, 300, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
}

static void
test_round_trip_now (void)
{
  g_autofree char *secret = wh_signature_generate_secret ();
  g_autoptr(GBytes) payload = g_bytes_new_static ("{\"amount\": 10}", 14);
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *timestamp = NULL;
  g_autofree char *stale = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  signature = wh_signature_sign (secret, "msg_now", now, payload, &error);
  g_assert_no_error (error);
  timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_assert_true (wh_signature_verify (secret, "msg_now", timestamp, signature, payload,
                                      &error));
  g_assert_no_error (error);

  /* An hour-old message is refused by the default tolerance. */
  g_clear_pointer (&signature, g_free);
  signature = wh_signature_sign (secret, "msg_now", now - 3600, payload, &error);
  g_assert_no_error (error);
  stale = g_strdup_printf ("%" G_GINT64_FORMAT, now - 3600);
  g_assert_false (wh_signature_verify (secret, "msg_now", stale, signature, payload,
                                       &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_OLD);
}

static void
test_invalid_secret (void)
{
  static const char * const invalid[] = {
    "",
    "whsec_",
    "whsec_not base64!",
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaL",     /* 29 characters: 6 bits left over */
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa===",  /* three "=" */
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS==",  /* padded to 33 characters */
    "whsec_MfKQ9r8G=YqrTwjUPD8ILPZIo2LaLaSw",   /* "=" in the middle */
    "whsec_====",
    "wh sec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  };
  g_autoptr(GBytes) payload = spec_payload ();

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      const char * const secrets[] = { SPEC_SECRET, invalid[i], NULL };
      g_autoptr(GError) error = NULL;
      g_autofree char *signature = NULL;

      g_test_message ("secret “%s”", invalid[i]);

      g_assert_false (wh_signature_check_secret (invalid[i], &error));
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
      /* The message tells the user what a secret looks like. */
      g_assert_nonnull (strstr (error->message, "whsec_"));
      g_clear_error (&error);

      signature = wh_signature_sign (invalid[i], SPEC_ID, SPEC_TIMESTAMP, payload, &error);
      g_assert_null (signature);
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
      g_clear_error (&error);

      signature = wh_signature_sign_with_secrets (secrets, SPEC_ID, SPEC_TIMESTAMP,
                                                  payload, &error);
      g_assert_null (signature);
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
      g_assert_nonnull (strstr (error->message, "Secret 2 of 2"));
      g_clear_error (&error);

      g_assert_false (verify_spec (invalid[i], SPEC_ID, SPEC_TIMESTAMP_TEXT,
                                   SPEC_SIGNATURE, payload, &error));
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
    }
}

static void
test_no_secrets (void)
{
  const char * const none[] = { NULL };
  g_autoptr(GBytes) payload = spec_payload ();
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;

  signature = wh_signature_sign_with_secrets (none, SPEC_ID, SPEC_TIMESTAMP, payload,
                                              &error);
  g_assert_null (signature);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_SECRET);
}

static void
test_malformed (void)
{
  static const struct {
    const char *msg_id;
    const char *timestamp;
    const char *header;
  } cases[] = {
    { SPEC_ID, "abc", SPEC_SIGNATURE },
    { SPEC_ID, "", SPEC_SIGNATURE },
    { SPEC_ID, NULL, SPEC_SIGNATURE },
    { SPEC_ID, "-1614265330", SPEC_SIGNATURE },
    { SPEC_ID, "+1614265330", SPEC_SIGNATURE },
    { SPEC_ID, "1614265330.0", SPEC_SIGNATURE },
    { SPEC_ID, " 1614265330", SPEC_SIGNATURE },
    { SPEC_ID, "1614265330 ", SPEC_SIGNATURE },
    { SPEC_ID, "0x603810f2", SPEC_SIGNATURE },
    { SPEC_ID, "99999999999999999999", SPEC_SIGNATURE },
    { SPEC_ID, "9223372036854775808", SPEC_SIGNATURE },
    { SPEC_ID, "16142\xff" "65330", SPEC_SIGNATURE },
    { SPEC_ID, SPEC_TIMESTAMP_TEXT, "" },
    { SPEC_ID, SPEC_TIMESTAMP_TEXT, NULL },
    { SPEC_ID, SPEC_TIMESTAMP_TEXT, "   " },
    { SPEC_ID, SPEC_TIMESTAMP_TEXT, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" },
    { SPEC_ID, SPEC_TIMESTAMP_TEXT, SPEC_SIGNATURE " v1" },
    { SPEC_ID, SPEC_TIMESTAMP_TEXT, "v1;g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" },
    { NULL, SPEC_TIMESTAMP_TEXT, SPEC_SIGNATURE },
    { "", SPEC_TIMESTAMP_TEXT, SPEC_SIGNATURE },
  };
  g_autoptr(GBytes) payload = spec_payload ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_false (verify_spec (SPEC_SECRET, cases[i].msg_id, cases[i].timestamp,
                                   cases[i].header, payload, &error));
      g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MALFORMED);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_tolerance (void)
{
  g_autoptr(GBytes) payload = spec_payload ();
  g_autoptr(GError) error = NULL;

  /* Exactly at the tolerance is still accepted, one second beyond is not. */
  g_assert_true (wh_signature_verify_at (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT,
                                         SPEC_SIGNATURE, payload,
                                         SPEC_TIMESTAMP + 300, 300, &error));
  g_assert_no_error (error);
  g_assert_false (wh_signature_verify_at (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT,
                                          SPEC_SIGNATURE, payload,
                                          SPEC_TIMESTAMP + 301, 300, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_OLD);
  g_clear_error (&error);

  g_assert_true (wh_signature_verify_at (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT,
                                         SPEC_SIGNATURE, payload,
                                         SPEC_TIMESTAMP - 300, 300, &error));
  g_assert_no_error (error);
  g_assert_false (wh_signature_verify_at (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT,
                                          SPEC_SIGNATURE, payload,
                                          SPEC_TIMESTAMP - 301, 300, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_NEW);
  g_clear_error (&error);

  /* A zero tolerance accepts only the same second. */
  g_assert_true (wh_signature_verify_at (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT,
                                         SPEC_SIGNATURE, payload,
                                         SPEC_TIMESTAMP, 0, &error));
  g_assert_no_error (error);
  g_assert_false (wh_signature_verify_at (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT,
                                          SPEC_SIGNATURE, payload,
                                          SPEC_TIMESTAMP + 1, 0, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_OLD);
  g_clear_error (&error);

  /* A very old timestamp is refused for its age, before its signature is looked at. */
  g_assert_false (wh_signature_verify_at (SPEC_SECRET, SPEC_ID, "0", SPEC_SIGNATURE,
                                          payload, SPEC_TIMESTAMP, 300, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_OLD);
  g_clear_error (&error);
  g_assert_false (wh_signature_verify_at (SPEC_SECRET, SPEC_ID, "9223372036854775807",
                                          SPEC_SIGNATURE, payload, SPEC_TIMESTAMP, 300,
                                          &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_TOO_NEW);
}

static void
test_mismatch (void)
{
  g_autoptr(GBytes) payload = spec_payload ();
  g_autoptr(GBytes) tampered = g_bytes_new_static ("{\"test\": 2432232315}", 20);
  g_autofree char *other_secret = wh_signature_generate_secret ();
  static const char * const headers[] = {
    "v1,",
    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",      /* truncated */
    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE==",    /* longer */
    "v1,G0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",     /* one character off */
    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=",
    "V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",     /* versions are case-sensitive */
    "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",    /* not a v1 entry */
    "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,abc",
    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=,",
  };
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_test_message ("header “%s”", headers[i]);
      g_assert_false (verify_spec (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT, headers[i],
                                   payload, &error));
      g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
      g_clear_error (&error);
    }

  /* Each signed part counts: the body, the secret, the id and the timestamp. */
  g_assert_false (verify_spec (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT, SPEC_SIGNATURE,
                               tampered, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
  g_clear_error (&error);
  g_assert_false (verify_spec (other_secret, SPEC_ID, SPEC_TIMESTAMP_TEXT, SPEC_SIGNATURE,
                               payload, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
  g_clear_error (&error);
  g_assert_false (verify_spec (SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJel",
                               SPEC_TIMESTAMP_TEXT, SPEC_SIGNATURE, payload, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
  g_clear_error (&error);
  g_assert_false (verify_spec (SPEC_SECRET, SPEC_ID, "1614265331", SPEC_SIGNATURE,
                               payload, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
}

static void
test_other_versions_skipped (void)
{
  static const char * const headers[] = {
    "v1a,garbage v2,more-garbage " SPEC_SIGNATURE,
    SPEC_SIGNATURE " v1a,garbage",
    "v0,AAAA " SPEC_SIGNATURE " v2,BBBB",
    "  " SPEC_SIGNATURE "  ",
    "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= " SPEC_SIGNATURE,
  };
  g_autoptr(GBytes) payload = spec_payload ();

  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("header “%s”", headers[i]);
      g_assert_true (verify_spec (SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP_TEXT, headers[i],
                                  payload, &error));
      g_assert_no_error (error);
    }
}

static void
test_rotation (void)
{
  g_autofree char *old_secret = wh_signature_generate_secret ();
  g_autofree char *new_secret = wh_signature_generate_secret ();
  g_autofree char *stranger = wh_signature_generate_secret ();
  const char * const secrets[] = { new_secret, old_secret, NULL };
  g_autoptr(GBytes) payload = g_bytes_new_static ("{\"rotated\": true}", 17);
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  g_autofree char *with_new = NULL;
  g_autofree char *with_old = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *bad_then_good = NULL;

  header = wh_signature_sign_with_secrets (secrets, "msg_rot", NOW, payload, &error);
  g_assert_no_error (error);

  with_new = wh_signature_sign (new_secret, "msg_rot", NOW, payload, &error);
  g_assert_no_error (error);
  with_old = wh_signature_sign (old_secret, "msg_rot", NOW, payload, &error);
  g_assert_no_error (error);
  expected = g_strconcat (with_new, " ", with_old, NULL);
  g_assert_cmpstr (header, ==, expected);

  /* A receiver that knows either secret accepts the message. */
  g_assert_true (wh_signature_verify_at (new_secret, "msg_rot", NOW_TEXT, header, payload,
                                         NOW, 300, &error));
  g_assert_no_error (error);
  g_assert_true (wh_signature_verify_at (old_secret, "msg_rot", NOW_TEXT, header, payload,
                                         NOW, 300, &error));
  g_assert_no_error (error);
  g_assert_false (wh_signature_verify_at (stranger, "msg_rot", NOW_TEXT, header, payload,
                                          NOW, 300, &error));
  g_assert_error (error, WH_ERROR, WH_ERROR_SIGNATURE_MISMATCH);
  g_clear_error (&error);

  /* A non-matching v1 entry before the matching one does not stop the search. */
  bad_then_good = g_strconcat ("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ", with_old,
                               NULL);
  g_assert_true (wh_signature_verify_at (old_secret, "msg_rot", NOW_TEXT, bad_then_good,
                                         payload, NOW, 300, &error));
  g_assert_no_error (error);
}

static void
test_single_secret_list (void)
{
  const char * const secrets[] = { SPEC_SECRET, NULL };
  g_autoptr(GBytes) payload = spec_payload ();
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;

  header = wh_signature_sign_with_secrets (secrets, SPEC_ID, SPEC_TIMESTAMP, payload,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpstr (header, ==, SPEC_SIGNATURE);
}

static void
test_timestamp_leading_zero (void)
{
  g_autoptr(GBytes) payload = spec_payload ();
  g_autoptr(GError) error = NULL;

  /* The reference libraries read the timestamp as a number and sign that number. */
  g_assert_true (verify_spec (SPEC_SECRET, SPEC_ID, "0" SPEC_TIMESTAMP_TEXT,
                              SPEC_SIGNATURE, payload, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/signature/known-answer/spec", test_known_answer_spec);
  g_test_add_func ("/signature/known-answer/binary", test_known_answer_binary);
  g_test_add_func ("/signature/known-answer/empty", test_known_answer_empty);
  g_test_add_func ("/signature/secret/unpadded", test_unpadded_secret);
  g_test_add_func ("/signature/secret/generate", test_generate_secret);
  g_test_add_func ("/signature/secret/invalid", test_invalid_secret);
  g_test_add_func ("/signature/secret/none", test_no_secrets);
  g_test_add_func ("/signature/verify/round-trip-now", test_round_trip_now);
  g_test_add_func ("/signature/verify/malformed", test_malformed);
  g_test_add_func ("/signature/verify/tolerance", test_tolerance);
  g_test_add_func ("/signature/verify/mismatch", test_mismatch);
  g_test_add_func ("/signature/verify/other-versions-skipped", test_other_versions_skipped);
  g_test_add_func ("/signature/verify/timestamp-leading-zero", test_timestamp_leading_zero);
  g_test_add_func ("/signature/rotation/two-secrets", test_rotation);
  g_test_add_func ("/signature/rotation/one-secret", test_single_secret_list);

  return g_test_run ();
}
