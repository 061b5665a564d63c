/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <string.h>

#include "wh-id-private.h"

/* Ids are ULIDs (48 bits of milliseconds, 80 random bits, Crockford base32) after a
 * prefix: ids made later sort after ids made earlier, across processes too, which keeps
 * the store's indexes append-only and lets a reader sort messages by id. Within one
 * millisecond the random part is incremented, so ids of one process stay in order. */

#define RANDOM_BYTES 10

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static GMutex id_lock;
static gint64 last_ms = -1;
static guint8 last_random[RANDOM_BYTES];

static void
fill_random (guint8 *bytes)
{
  for (guint i = 0; i < RANDOM_BYTES; i += 4)
    {
      guint32 r = g_random_int ();

      for (guint j = 0; j < 4 && i + j < RANDOM_BYTES; j++)
        bytes[i + j] = (r >> (8 * j)) & 0xff;
    }
}

static void
increment (guint8 *bytes)
{
  for (int i = RANDOM_BYTES - 1; i >= 0; i--)
    if (++bytes[i] != 0)
      break;
}

char *
wh_id_new (const char *prefix)
{
  guint8 raw[6 + RANDOM_BYTES];
  char text[27];
  gint64 ms = g_get_real_time () / 1000;
  guint bits = 0;
  guint32 buffer = 0;
  guint out = 0;

  g_mutex_lock (&id_lock);
  if (ms <= last_ms)
    {
      ms = last_ms;
      increment (last_random);
    }
  else
    {
      last_ms = ms;
      fill_random (last_random);
      /* Leaves room to increment without wrapping into the next millisecond's range. */
      last_random[0] &= 0x7f;
    }
  memcpy (raw + 6, last_random, RANDOM_BYTES);
  g_mutex_unlock (&id_lock);

  for (int i = 5; i >= 0; i--)
    {
      raw[i] = ms & 0xff;
      ms >>= 8;
    }

  /* 128 bits in 26 characters: the first character carries the top 3 bits. */
  buffer = raw[0] >> 5;
  text[out++] = crockford[buffer];
  bits = 5;
  buffer = raw[0] & 0x1f;
  for (guint i = 1; i < sizeof raw; i++)
    {
      buffer = (buffer << 8) | raw[i];
      bits += 8;
      while (bits >= 5)
        {
          bits -= 5;
          text[out++] = crockford[(buffer >> bits) & 0x1f];
        }
      buffer &= (1u << bits) - 1;
    }
  text[out] = '\0';
  g_assert (out == 26);

  return g_strconcat (prefix, text, NULL);
}
