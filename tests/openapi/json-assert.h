/* SPDX-License-Identifier: LGPL-2.1-or-later */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Assertions on JSON documents. Each prints both sides, pretty, when it fails.
 *
 * Paths are JSON Pointers (RFC 6901): "/paths/~1create/post" is the `post` operation
 * of the `/create` path. */

JsonNode   *json_assert_parse           (const char *text);
JsonNode   *json_assert_lookup          (JsonNode   *root,
                                         const char *pointer);
char       *json_assert_member_names    (JsonNode   *node);

void        json_assert_equal_impl      (const char *file,
                                         int         line,
                                         JsonNode   *root,
                                         const char *pointer,
                                         const char *expected);
void        json_assert_subset_impl     (const char *file,
                                         int         line,
                                         JsonNode   *root,
                                         const char *pointer,
                                         const char *expected);
void        json_assert_text_impl       (const char *file,
                                         int         line,
                                         JsonNode   *root,
                                         const char *pointer,
                                         const char *expected);
void        json_assert_members_impl    (const char *file,
                                         int         line,
                                         JsonNode   *root,
                                         const char *pointer,
                                         const char *expected);
void        json_assert_member_set_impl (const char *file,
                                         int         line,
                                         JsonNode   *root,
                                         const char *pointer,
                                         const char *expected);
void        json_assert_present_impl    (const char *file,
                                         int         line,
                                         JsonNode   *root,
                                         const char *pointer,
                                         gboolean    present);

/* The value at @pointer equals @expected (JSON text), member order aside. */
#define assert_json_equal(root, pointer, expected) \
  json_assert_equal_impl (__FILE__, __LINE__, (root), (pointer), (expected))
/* Every member @expected has is there with a value that contains the expected one;
 * arrays must have the same length, element by element. Other members may be there. */
#define assert_json_subset(root, pointer, expected) \
  json_assert_subset_impl (__FILE__, __LINE__, (root), (pointer), (expected))
/* The value at @pointer, written compactly, is the compact form of @expected: member
 * order counts. */
#define assert_json_text(root, pointer, expected) \
  json_assert_text_impl (__FILE__, __LINE__, (root), (pointer), (expected))
/* The object at @pointer has exactly these members, in this order ("a,b,c"). */
#define assert_json_members(root, pointer, expected) \
  json_assert_members_impl (__FILE__, __LINE__, (root), (pointer), (expected))
/* The same, in any order. */
#define assert_json_member_set(root, pointer, expected) \
  json_assert_member_set_impl (__FILE__, __LINE__, (root), (pointer), (expected))
#define assert_json_has(root, pointer) \
  json_assert_present_impl (__FILE__, __LINE__, (root), (pointer), TRUE)
#define assert_json_lacks(root, pointer) \
  json_assert_present_impl (__FILE__, __LINE__, (root), (pointer), FALSE)

G_END_DECLS
