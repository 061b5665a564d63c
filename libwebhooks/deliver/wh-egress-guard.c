/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <string.h>

#include "wh-egress-guard-private.h"
#include "wh-error.h"

/* Addresses a webhook must not reach unless a network is allowed: anything that is not
 * a public unicast address. A webhook URL comes from whoever subscribes, so without this
 * a subscriber could make the sender post to its own loopback services, to the cloud
 * metadata address (169.254.169.254) or to the private network behind it. */
static const struct
{
  const char *cidr;
  const char *kind;
} refused_networks[] = {
  { "0.0.0.0/8", "an unspecified (“this network”) address" },
  { "10.0.0.0/8", "a private (RFC 1918) address" },
  { "100.64.0.0/10", "a carrier-grade NAT (RFC 6598) address" },
  { "127.0.0.0/8", "a loopback address" },
  { "169.254.0.0/16", "a link-local address" },
  { "172.16.0.0/12", "a private (RFC 1918) address" },
  { "192.0.0.0/24", "an IETF protocol assignment address" },
  { "192.0.2.0/24", "a documentation address" },
  { "192.168.0.0/16", "a private (RFC 1918) address" },
  { "198.18.0.0/15", "a benchmarking address" },
  { "198.51.100.0/24", "a documentation address" },
  { "203.0.113.0/24", "a documentation address" },
  { "224.0.0.0/4", "a multicast address" },
  { "255.255.255.255/32", "the broadcast address" },
  { "240.0.0.0/4", "a reserved address" },
  { "::/128", "the unspecified address" },
  { "::1/128", "a loopback address" },
  { "fc00::/7", "a unique local (private) address" },
  { "fe80::/10", "a link-local address" },
  { "fec0::/10", "a site-local address" },
  { "ff00::/8", "a multicast address" },
  { "2001:db8::/32", "a documentation address" },
  { "100::/64", "a discard-only address" },
};

struct _WhEgressGuard
{
  GPtrArray *refused;  /* of GInetAddressMask, in the order of refused_networks */
  GPtrArray *allowed;  /* of GInetAddressMask */
};

WhEgressGuard *
wh_egress_guard_new (void)
{
  WhEgressGuard *self = g_new0 (WhEgressGuard, 1);

  self->refused = g_ptr_array_new_with_free_func (g_object_unref);
  self->allowed = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (refused_networks); i++)
    {
      g_autoptr(GError) error = NULL;
      GInetAddressMask *mask;

      mask = g_inet_address_mask_new_from_string (refused_networks[i].cidr, &error);
      g_assert_no_error (error);
      g_ptr_array_add (self->refused, mask);
    }

  return self;
}

void
wh_egress_guard_free (WhEgressGuard *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->refused);
  g_ptr_array_unref (self->allowed);
  g_free (self);
}

gboolean
wh_egress_guard_allow (WhEgressGuard  *self,
                       const char     *cidr,
                       GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *text = NULL;
  GInetAddressMask *mask;
  const char *slash;
  guint64 length = 0;
  guint bits;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cidr != NULL, FALSE);

  text = g_strstrip (g_strdup (cidr));
  slash = strchr (text, '/');
  if (slash != NULL)
    text[slash - text] = '\0';
  address = g_inet_address_new_from_string (text);
  bits = address != NULL ? g_inet_address_get_native_size (address) * 8 : 0;

  /* GInetAddressMask warns (rather than fails) on a length out of range, so the
   * length is checked here first. */
  if (address == NULL)
    local_error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "“%s” is not an IPv4 or IPv6 address", text);
  else if (slash == NULL)
    length = bits;
  else if (!g_ascii_string_to_unsigned (slash + 1, 10, 0, bits, &length, NULL))
    local_error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "the prefix length “%s” is not a number from 0 to %u",
                               slash + 1, bits);

  mask = local_error == NULL ? g_inet_address_mask_new (address, (guint) length, &local_error)
                             : NULL;
  if (mask == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PARAMETER,
                   "“%s” is not a network in CIDR notation (%s); give an address and a "
                   "prefix length with no host bits set, such as 127.0.0.0/8, "
                   "10.1.2.0/24 or fd00::/8",
                   cidr, local_error->message);
      return FALSE;
    }

  g_ptr_array_add (self->allowed, mask);
  return TRUE;
}

/* The IPv4 address an IPv6 address stands for, when it is one of the forms that carry
 * one: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96)
 * and 6to4 (2002:aabb:ccdd::/48). A connection to any of them may end up at the IPv4
 * address, so it is judged as that address too. */
static GInetAddress *
embedded_ipv4 (GInetAddress *address)
{
  static const guint8 zeros[12] = { 0 };
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  static const guint8 nat64[12] = { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };
  const guint8 *bytes;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return NULL;

  bytes = g_inet_address_to_bytes (address);
  if (memcmp (bytes, mapped, 12) == 0 || memcmp (bytes, nat64, 12) == 0)
    return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
  /* :: and ::1 are IPv6 addresses of their own, refused as such. */
  if (memcmp (bytes, zeros, 12) == 0 && (bytes[12] | bytes[13] | bytes[14]) != 0)
    return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
  if (bytes[0] == 0x20 && bytes[1] == 0x02)
    return g_inet_address_new_from_bytes (bytes + 2, G_SOCKET_FAMILY_IPV4);

  return NULL;
}

static gboolean
is_allowed (WhEgressGuard *self,
            GInetAddress  *address)
{
  for (guint i = 0; i < self->allowed->len; i++)
    if (g_inet_address_mask_matches (g_ptr_array_index (self->allowed, i), address))
      return TRUE;

  return FALSE;
}

static const char *
refused_kind (WhEgressGuard *self,
              GInetAddress  *address)
{
  for (guint i = 0; i < self->refused->len; i++)
    if (g_inet_address_mask_matches (g_ptr_array_index (self->refused, i), address))
      return refused_networks[i].kind;

  return NULL;
}

gboolean
wh_egress_guard_check (WhEgressGuard  *self,
                       GInetAddress   *address,
                       char          **reason)
{
  g_autoptr(GInetAddress) ipv4 = NULL;
  g_autofree char *text = NULL;
  const char *kind;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  ipv4 = embedded_ipv4 (address);

  if (is_allowed (self, address) || (ipv4 != NULL && is_allowed (self, ipv4)))
    return TRUE;

  text = g_inet_address_to_string (address);
  kind = refused_kind (self, address);
  if (kind != NULL)
    {
      if (reason != NULL)
        *reason = g_strdup_printf ("%s is %s", text, kind);
      return FALSE;
    }

  if (ipv4 != NULL && (kind = refused_kind (self, ipv4)) != NULL)
    {
      if (reason != NULL)
        {
          g_autofree char *ipv4_text = g_inet_address_to_string (ipv4);

          *reason = g_strdup_printf ("%s stands for %s, %s", text, ipv4_text, kind);
        }
      return FALSE;
    }

  return TRUE;
}
