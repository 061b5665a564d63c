/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Decides which addresses a delivery may connect to. By default only public unicast
 * addresses; wh_egress_guard_allow() opens a network (a CIDR) before the refusals are
 * looked at. The dispatcher asks it about the address each connection actually goes to,
 * so a name that resolves to an internal address is refused like the address itself. */
typedef struct _WhEgressGuard WhEgressGuard;

WhEgressGuard *wh_egress_guard_new    (void);
void           wh_egress_guard_free   (WhEgressGuard  *self);
/* @cidr: "127.0.0.0/8", "::1/128", or an address alone (one host). */
gboolean       wh_egress_guard_allow  (WhEgressGuard  *self,
                                       const char     *cidr,
                                       GError        **error);
/* TRUE if a connection to @address may proceed; otherwise FALSE and, if @reason is not
 * NULL, a sentence saying why ("127.0.0.1 is a loopback address"). */
gboolean       wh_egress_guard_check  (WhEgressGuard  *self,
                                       GInetAddress   *address,
                                       char          **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhEgressGuard, wh_egress_guard_free)

G_END_DECLS
