/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Makes each HTTP/1 request leave as one TCP segment. libsoup writes a request's
 * headers and its body with two writes, which are two segments on a connection with
 * TCP_NODELAY: twice the work for the sender's kernel and for the receiver. A connection
 * is corked (TCP_CORK) once it is established, and pushed out once the body of each
 * request has been written, so that the two writes leave together.
 *
 * Connections are known by libsoup's connection id (soup_message_get_connection_id()),
 * the one handle a message gives on the connection it uses. */
typedef struct _WhRequestCoalescer WhRequestCoalescer;

WhRequestCoalescer *wh_request_coalescer_new   (void);
void                wh_request_coalescer_free  (WhRequestCoalescer *self);
/* Corks @connection (a GSocketConnection, or a GTlsConnection over one) unless it
 * speaks HTTP/2, whose frames libsoup writes on its own schedule. */
void                wh_request_coalescer_add   (WhRequestCoalescer *self,
                                                guint64             connection_id,
                                                GIOStream          *connection);
/* Sends what was written on the connection; call it once a request's body is written. */
void                wh_request_coalescer_push  (WhRequestCoalescer *self,
                                                guint64             connection_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhRequestCoalescer, wh_request_coalescer_free)

G_END_DECLS
