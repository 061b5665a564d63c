/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "wh-request-coalescer-private.h"

struct _WhRequestCoalescer
{
  GHashTable *sockets;          /* connection id (guint64 *) -> GSocket */
  guint forget_closed_above;    /* table size at which closed sockets are dropped */
};

WhRequestCoalescer *
wh_request_coalescer_new (void)
{
  WhRequestCoalescer *self = g_new0 (WhRequestCoalescer, 1);

  self->sockets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->forget_closed_above = 64;

  return self;
}

void
wh_request_coalescer_free (WhRequestCoalescer *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->sockets);
  g_free (self);
}

static GSocket *
socket_of (GIOStream *connection)
{
  if (G_IS_TLS_CONNECTION (connection))
    {
      g_autoptr(GIOStream) base = NULL;
      const char *protocol =
        g_tls_connection_get_negotiated_protocol (G_TLS_CONNECTION (connection));

      if (g_strcmp0 (protocol, "h2") == 0)
        return NULL;
      g_object_get (connection, "base-io-stream", &base, NULL);
      /* The socket outlives this reference: the TLS connection holds its base. */
      return G_IS_SOCKET_CONNECTION (base) ?
             g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)) : NULL;
    }

  if (G_IS_SOCKET_CONNECTION (connection))
    return g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));

  return NULL;
}

/* Connections that libsoup closed leave their socket here, closed; they are dropped
 * when the table has grown, rather than on each connection's end, which nothing
 * announces to a message. */
static void
forget_closed (WhRequestCoalescer *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_socket_is_closed (value))
      g_hash_table_iter_remove (&iter);

  self->forget_closed_above = MAX (64, 2 * g_hash_table_size (self->sockets));
}

void
wh_request_coalescer_add (WhRequestCoalescer *self,
                          guint64             connection_id,
                          GIOStream          *connection)
{
  GSocket *socket = socket_of (connection);
  guint64 *key;

  if (socket == NULL || g_socket_get_family (socket) == G_SOCKET_FAMILY_UNIX)
    return;

  /* If it cannot be corked, requests leave in two segments, as without this. */
  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_CORK, 1, NULL))
    return;

  if (g_hash_table_size (self->sockets) >= self->forget_closed_above)
    forget_closed (self);

  key = g_new (guint64, 1);
  *key = connection_id;
  g_hash_table_replace (self->sockets, key, g_object_ref (socket));
}

void
wh_request_coalescer_push (WhRequestCoalescer *self,
                           guint64             connection_id)
{
  GSocket *socket = g_hash_table_lookup (self->sockets, &connection_id);

  if (socket == NULL || g_socket_is_closed (socket))
    return;

  /* Uncorking sends what is queued at once; corking again holds the next request's
   * headers until its body joins them. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_CORK, 0, NULL);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_CORK, 1, NULL);
}
