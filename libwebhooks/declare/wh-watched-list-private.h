/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A GListStore that makes its owner emit notify for one of its properties when an
 * item is added or removed, or when an item emits notify, so that whoever caches
 * something built from the owner only has to watch the owner. Used by the list
 * properties of WhHandler, WhGateway and WhAPIView; implemented in wh-handler.c. */
typedef struct _WhWatchedList WhWatchedList;

WhWatchedList  *wh_watched_list_new        (GObject       *owner,
                                            GParamSpec    *pspec,
                                            GType          item_type);
void            wh_watched_list_free       (WhWatchedList *list);
GListModel     *wh_watched_list_get_model  (WhWatchedList *list);
void            wh_watched_list_append     (WhWatchedList *list,
                                            gpointer       item);
void            wh_watched_list_replace    (WhWatchedList *list,
                                            GListModel    *model);
/* Fills a list that nobody can have seen yet, without notifying the owner. */
void            wh_watched_list_populate   (WhWatchedList *list,
                                            GPtrArray     *items);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WhWatchedList, wh_watched_list_free)

G_END_DECLS
