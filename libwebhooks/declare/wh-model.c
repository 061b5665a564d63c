/* SPDX-License-Identifier: LGPL-2.1-or-later */

/**
 * SECTION:wh-model
 * @Title: Models
 * @Short_description: a GObject class as a payload model, with its JSON Schema
 *
 * Any #GObject class is a model: the body of a route or the payload of a webhook. Its
 * readable properties become the members of a JSON object, and of the JSON Schema that
 * the OpenAPI document puts under `components/schemas`:
 *
 * - a member's name is the property's name with `-` turned into `_` (`is-paid` becomes
 *   `is_paid`, see wh_model_member_name());
 * - members come in declaration order: the properties of the ancestors first, each
 *   class's in the order it installed them, unless wh_model_set_property_order() says
 *   otherwise;
 * - every member is required unless it is optional; an optional member documents its
 *   default value, and one whose default is %NULL also allows `null`;
 * - #gboolean is a `boolean`; the integer types an `integer` and the floating-point types
 *   a `number`, with `minimum` and `maximum` where the #GParamSpec's range is narrower than
 *   the C type's; strings are `string`s; enums the `string` of a value's nick; flags an
 *   array of nicks; #GStrv an array of strings; #GDateTime an ISO 8601 `date-time`;
 *   #JsonNode any JSON value; a property whose type is a #GObject subclass is a `$ref` to
 *   that model's own schema; a #GListModel whose item type was declared with
 *   wh_model_set_item_type() is an array of that model. Any other type is an error
 *   (%WH_ERROR_INVALID_MODEL).
 *
 * wh_model_serialize() turns an instance into exactly the JSON the schema describes.
 *
 * The model's name (the schema's `title` and its component name) is its #GType name, or
 * what follows the last `+` in it (PyGObject names a Python class `module+Class`), unless
 * wh_model_set_name() chose another.
 *
 * In C, a property is made optional with the %WH_PARAM_OPTIONAL flag:
 *
 * |[<!-- language="C" -->
 * static void
 * my_payment_class_init (MyPaymentClass *klass)
 * {
 *   GObjectClass *object_class = G_OBJECT_CLASS (klass);
 *
 *   object_class->get_property = my_payment_get_property;
 *   object_class->set_property = my_payment_set_property;
 *
 *   properties[PROP_IS_PAID] =
 *     g_param_spec_boolean ("is-paid", "Is paid", "Whether the payment went through",
 *                           FALSE,
 *                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
 *   properties[PROP_AMOUNT] =
 *     g_param_spec_int ("amount", "Amount", "In cents", 0, G_MAXINT, 0,
 *                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
 *   properties[PROP_PAID_AT] =
 *     g_param_spec_boxed ("paid-at", "Paid at", NULL, G_TYPE_DATE_TIME,
 *                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
 *   properties[PROP_NOTE] =
 *     g_param_spec_string ("note", "Note", "A free-form note", NULL,
 *                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | WH_PARAM_OPTIONAL);
 *
 *   g_object_class_install_properties (object_class, N_PROPS, properties);
 * }
 * ]|
 *
 * Bindings cannot set custom #GParamSpec flags, so they call wh_model_set_optional()
 * once the class exists. In Python:
 *
 * |[<!-- language="Python" -->
 * class Payment(GObject.Object):
 *     is_paid = GObject.Property(type=bool, default=False)
 *     amount = GObject.Property(type=int, minimum=0)
 *     paid_at = GObject.Property(type=GLib.DateTime)
 *     note = GObject.Property(type=str)
 *
 * Webhooks.model_set_optional(Payment, "note", True)
 * # PyGObject does not keep the order of the class body
 * Webhooks.model_set_property_order(Payment, ["is_paid", "amount", "paid_at", "note"])
 * ]|
 *
 * In JavaScript (GJS names a class `Gjs_Payment` unless it is given a `GTypeName`):
 *
 * |[<!-- language="JavaScript" -->
 * const Payment = GObject.registerClass({
 *     GTypeName: 'Payment',
 *     Properties: {
 *         'is-paid': GObject.ParamSpec.boolean('is-paid', 'Is paid', '',
 *             GObject.ParamFlags.READWRITE, false),
 *         'note': GObject.ParamSpec.string('note', 'Note', 'A free-form note',
 *             GObject.ParamFlags.READWRITE, null),
 *     },
 * }, class Payment extends GObject.Object {});
 *
 * Webhooks.model_set_optional(Payment.$gtype, 'note', true);
 * ]|
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "wh-error.h"
#include "wh-model.h"
#include "wh-model-private.h"
#include "wh-schema-validator-private.h"

typedef struct
{
  const char *name;       /* interned, or NULL for the default */
  GHashTable *optional;   /* canonical property name -> GINT_TO_POINTER (1 + optional) */
  GHashTable *item_types; /* canonical property name -> GType of a list's items */
  GStrv       order;      /* canonical property names, or NULL */
} WhModelInfo;

typedef struct
{
  guint      generation;
  GPtrArray *properties;
} WhPropertyCacheEntry;

static GMutex      model_lock;
static GHashTable *model_infos;     /* GType -> WhModelInfo */
static GHashTable *property_cache;  /* GType -> WhPropertyCacheEntry */
static gint        model_generation;

static void
wh_model_info_free (gpointer data)
{
  WhModelInfo *info = data;

  g_clear_pointer (&info->optional, g_hash_table_unref);
  g_clear_pointer (&info->item_types, g_hash_table_unref);
  g_clear_pointer (&info->order, g_strfreev);
  g_free (info);
}

static void
wh_property_cache_entry_free (gpointer data)
{
  WhPropertyCacheEntry *entry = data;

  g_clear_pointer (&entry->properties, g_ptr_array_unref);
  g_free (entry);
}

/* Called with model_lock held. */
static WhModelInfo *
lookup_info (GType    model_type,
             gboolean create)
{
  WhModelInfo *info;

  if (model_infos == NULL)
    {
      if (!create)
        return NULL;
      model_infos = g_hash_table_new_full (NULL, NULL, NULL, wh_model_info_free);
    }

  info = g_hash_table_lookup (model_infos, GSIZE_TO_POINTER (model_type));
  if (info == NULL && create)
    {
      info = g_new0 (WhModelInfo, 1);
      g_hash_table_insert (model_infos, GSIZE_TO_POINTER (model_type), info);
    }

  return info;
}

/* GObject accepts `is_paid` for `is-paid`; bindings spell names the first way. */
static char *
canonical_property_name (const char *property_name)
{
  return g_strdelimit (g_strdup (property_name), "_", '-');
}

static void
bump_generation (void)
{
  g_atomic_int_inc (&model_generation);
}

/**
 * wh_model_set_name:
 * @model_type: (type GType): a #GObject type
 * @name: (nullable): the model's name, or %NULL to go back to the default
 *
 * Sets the name under which @model_type appears in documents: the `title` of its schema
 * and its key in `components/schemas`. Use it when two models would have the same name,
 * or to hide a prefix that a binding adds to type names. Component names may only hold
 * letters, digits, `.`, `-` and `_`.
 */
void
wh_model_set_name (GType       model_type,
                   const char *name)
{
  WhModelInfo *info;

  g_return_if_fail (G_TYPE_IS_OBJECT (model_type));

  g_mutex_lock (&model_lock);
  info = lookup_info (model_type, TRUE);
  info->name = (name != NULL && *name != '\0') ? g_intern_string (name) : NULL;
  g_mutex_unlock (&model_lock);

  bump_generation ();
}

/**
 * wh_model_get_name:
 * @model_type: (type GType): a #GObject type
 *
 * Gets the name of the model @model_type: the one set with wh_model_set_name(), or else
 * its #GType name after the last `+` (PyGObject registers a Python class `Payment` of
 * module `app` as `app+Payment`).
 *
 * Returns: (transfer none): the model's name
 */
const char *
wh_model_get_name (GType model_type)
{
  WhModelInfo *info;
  const char *name = NULL;
  const char *type_name;
  const char *plus;

  g_return_val_if_fail (G_TYPE_IS_OBJECT (model_type), NULL);

  g_mutex_lock (&model_lock);
  info = lookup_info (model_type, FALSE);
  if (info != NULL)
    name = info->name;
  g_mutex_unlock (&model_lock);

  if (name != NULL)
    return name;

  type_name = g_type_name (model_type);
  plus = strrchr (type_name, '+');

  return plus != NULL ? plus + 1 : type_name;
}

/**
 * wh_model_set_optional:
 * @model_type: (type GType): a #GObject type
 * @property_name: the name of one of its properties (`paid-at` or `paid_at`)
 * @optional: whether the member may be left out
 *
 * Marks a property of @model_type as optional or required, overriding the
 * %WH_PARAM_OPTIONAL flag of its #GParamSpec. This is how Python and JavaScript models,
 * which cannot set that flag, declare optional members. An optional member is not in the
 * schema's `required` list and documents its default value. Subclasses of @model_type
 * inherit the setting unless they set their own.
 */
void
wh_model_set_optional (GType       model_type,
                       const char *property_name,
                       gboolean    optional)
{
  WhModelInfo *info;

  g_return_if_fail (G_TYPE_IS_OBJECT (model_type));
  g_return_if_fail (property_name != NULL);

  g_mutex_lock (&model_lock);
  info = lookup_info (model_type, TRUE);
  if (info->optional == NULL)
    info->optional = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (info->optional,
                       canonical_property_name (property_name),
                       GINT_TO_POINTER (1 + !!optional));
  g_mutex_unlock (&model_lock);

  bump_generation ();
}

/* -1 when nothing was set for @canonical_name on @model_type or an ancestor. */
static int
explicit_optional (GType       model_type,
                   const char *canonical_name)
{
  int result = -1;

  g_mutex_lock (&model_lock);
  for (GType type = model_type; type != 0 && type != G_TYPE_OBJECT; type = g_type_parent (type))
    {
      WhModelInfo *info = lookup_info (type, FALSE);
      gpointer value;

      if (info != NULL && info->optional != NULL &&
          (value = g_hash_table_lookup (info->optional, canonical_name)) != NULL)
        {
          result = GPOINTER_TO_INT (value) - 1;
          break;
        }
    }
  g_mutex_unlock (&model_lock);

  return result;
}

GParamSpec *
wh_model_property_target (GParamSpec *pspec)
{
  GParamSpec *target = g_param_spec_get_redirect_target (pspec);

  return target != NULL ? target : pspec;
}

gboolean
wh_model_property_is_optional (GType       model_type,
                               GParamSpec *pspec)
{
  int explicit = explicit_optional (model_type, pspec->name);

  if (explicit >= 0)
    return explicit;

  /* An override copies only GLib's own flags from the property it overrides. */
  return ((pspec->flags | wh_model_property_target (pspec)->flags) & WH_PARAM_OPTIONAL) != 0;
}

/**
 * wh_model_is_optional:
 * @model_type: (type GType): a #GObject type
 * @property_name: the name of one of its properties
 *
 * Tells whether a property of @model_type is an optional member: marked with
 * wh_model_set_optional(), or else flagged %WH_PARAM_OPTIONAL.
 *
 * Returns: %TRUE if the member is optional
 */
gboolean
wh_model_is_optional (GType       model_type,
                      const char *property_name)
{
  g_autofree char *canonical = NULL;
  GObjectClass *klass;
  GParamSpec *pspec;
  gboolean optional;
  int explicit;

  g_return_val_if_fail (G_TYPE_IS_OBJECT (model_type), FALSE);
  g_return_val_if_fail (property_name != NULL, FALSE);

  canonical = canonical_property_name (property_name);
  explicit = explicit_optional (model_type, canonical);
  if (explicit >= 0)
    return explicit;

  klass = g_type_class_ref (model_type);
  pspec = g_object_class_find_property (klass, canonical);
  optional = pspec != NULL && wh_model_property_is_optional (model_type, pspec);
  g_type_class_unref (klass);

  return optional;
}

/**
 * wh_model_set_item_type:
 * @model_type: (type GType): a #GObject type
 * @property_name: the name of one of its properties, whose type is #GListModel (or a
 *   class that implements it, such as #GListStore)
 * @item_type: (type GType): the #GObject type of the list's items, or %G_TYPE_INVALID to
 *   forget it
 *
 * Declares what a list property of @model_type holds, so that it becomes an array of
 * that model (`{"type": "array", "items": {"$ref": …}}`) in the schema, and its items
 * are serialized as that model. A #GParamSpec cannot say it, and the items of a
 * #GListStore are only known once there is an instance. An item type of %G_TYPE_OBJECT
 * documents an array of any objects. Subclasses of @model_type inherit the setting.
 *
 * In C, call it in the model's `class_init`, after installing the properties.
 */
void
wh_model_set_item_type (GType       model_type,
                        const char *property_name,
                        GType       item_type)
{
  WhModelInfo *info;

  g_return_if_fail (G_TYPE_IS_OBJECT (model_type));
  g_return_if_fail (property_name != NULL);
  g_return_if_fail (item_type == G_TYPE_INVALID || G_TYPE_IS_OBJECT (item_type));

  g_mutex_lock (&model_lock);
  info = lookup_info (model_type, TRUE);
  if (info->item_types == NULL)
    info->item_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (info->item_types,
                       canonical_property_name (property_name),
                       GSIZE_TO_POINTER (item_type));
  g_mutex_unlock (&model_lock);

  bump_generation ();
}

static GType
lookup_item_type (GType       model_type,
                  const char *canonical_name)
{
  GType item_type = G_TYPE_INVALID;

  g_mutex_lock (&model_lock);
  for (GType type = model_type; type != 0 && type != G_TYPE_OBJECT; type = g_type_parent (type))
    {
      WhModelInfo *info = lookup_info (type, FALSE);
      gpointer key, value;

      if (info != NULL && info->item_types != NULL &&
          g_hash_table_lookup_extended (info->item_types, canonical_name, &key, &value))
        {
          item_type = (GType) GPOINTER_TO_SIZE (value);
          break;
        }
    }
  g_mutex_unlock (&model_lock);

  return item_type;
}

/**
 * wh_model_get_item_type:
 * @model_type: (type GType): a #GObject type
 * @property_name: the name of one of its list properties
 *
 * Gets the type of the items of a list property, as set with wh_model_set_item_type().
 *
 * Returns: (type GType): the item type, or %G_TYPE_INVALID if none was set
 */
GType
wh_model_get_item_type (GType       model_type,
                        const char *property_name)
{
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (G_TYPE_IS_OBJECT (model_type), G_TYPE_INVALID);
  g_return_val_if_fail (property_name != NULL, G_TYPE_INVALID);

  canonical = canonical_property_name (property_name);

  return lookup_item_type (model_type, canonical);
}

GType
wh_model_property_item_type (GType       model_type,
                             GParamSpec *pspec)
{
  return lookup_item_type (model_type, pspec->name);
}

/**
 * wh_model_set_property_order:
 * @model_type: (type GType): a #GObject type
 * @property_names: (array zero-terminated=1) (nullable): property names, in the order
 *   their members should have, or %NULL for the declaration order
 *
 * Sets the order of the members of @model_type: the properties named in
 * @property_names come first, in that order, then the others in declaration order.
 * Bindings need it because PyGObject, for instance, does not install a class's
 * properties in the order of the class body. Names that are not properties of the model
 * are ignored. Subclasses start with their parent's members in this order.
 */
void
wh_model_set_property_order (GType               model_type,
                             const char * const *property_names)
{
  WhModelInfo *info;
  GStrv order = NULL;

  g_return_if_fail (G_TYPE_IS_OBJECT (model_type));

  if (property_names != NULL)
    {
      guint n = g_strv_length ((GStrv) property_names);

      order = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        order[i] = canonical_property_name (property_names[i]);
    }

  g_mutex_lock (&model_lock);
  info = lookup_info (model_type, TRUE);
  g_clear_pointer (&info->order, g_strfreev);
  info->order = order;
  g_mutex_unlock (&model_lock);

  bump_generation ();
}

/**
 * wh_model_member_name:
 * @property_name: a property name
 *
 * Gets the JSON member name of a property: its name with every `-` turned into `_`, so
 * that `paid-at` is sent as `paid_at`.
 *
 * Returns: (transfer full): the member name
 */
char *
wh_model_member_name (const char *property_name)
{
  g_return_val_if_fail (property_name != NULL, NULL);

  return g_strdelimit (g_strdup (property_name), "-", '_');
}

guint
wh_model_get_generation (void)
{
  return (guint) g_atomic_int_get (&model_generation);
}

static gint
compare_param_id (gconstpointer a,
                  gconstpointer b)
{
  const GParamSpec *pa = *(GParamSpec * const *) a;
  const GParamSpec *pb = *(GParamSpec * const *) b;

  return (pa->param_id > pb->param_id) - (pa->param_id < pb->param_id);
}

static gboolean
find_by_name (GPtrArray  *properties,
              const char *name,
              guint      *index)
{
  for (guint i = 0; i < properties->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (properties, i);

      if (strcmp (pspec->name, name) == 0)
        {
          *index = i;
          return TRUE;
        }
    }

  return FALSE;
}

static GPtrArray *
apply_order (GPtrArray          *properties,
             const char * const *order)
{
  GPtrArray *ordered = g_ptr_array_sized_new (properties->len);
  g_autofree gboolean *taken = g_new0 (gboolean, properties->len);

  for (guint i = 0; order[i] != NULL; i++)
    {
      guint index;

      if (find_by_name (properties, order[i], &index) && !taken[index])
        {
          g_ptr_array_add (ordered, g_ptr_array_index (properties, index));
          taken[index] = TRUE;
        }
    }

  for (guint i = 0; i < properties->len; i++)
    if (!taken[i])
      g_ptr_array_add (ordered, g_ptr_array_index (properties, i));

  return ordered;
}

static GPtrArray *
compute_properties (GType model_type)
{
  g_autoptr(GPtrArray) properties = g_ptr_array_new ();
  g_autoptr(GPtrArray) own = g_ptr_array_new ();
  g_autofree GParamSpec **pspecs = NULL;
  g_auto(GStrv) order = NULL;
  GObjectClass *klass;
  WhModelInfo *info;
  GType parent;
  guint n_pspecs;

  parent = g_type_parent (model_type);
  if (parent != 0 && parent != G_TYPE_OBJECT && G_TYPE_IS_OBJECT (parent))
    {
      g_autoptr(GPtrArray) inherited = wh_model_list_properties (parent);

      g_ptr_array_extend (properties, inherited, NULL, NULL);
    }

  /* Never released: the cached GParamSpecs belong to the class, and a GType's class
   * lives as long as the program anyway. Taken once, not at every recomputation. */
  klass = g_type_class_peek (model_type);
  if (klass == NULL)
    klass = g_type_class_ref (model_type);
  pspecs = g_object_class_list_properties (klass, &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    if (pspecs[i]->owner_type == model_type)
      g_ptr_array_add (own, pspecs[i]);

  /* param_id is the PROP_ value in C: the order the class declared its properties in. */
  g_ptr_array_sort (own, compare_param_id);

  for (guint i = 0; i < own->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (own, i);
      gboolean readable = (pspec->flags & G_PARAM_READABLE) != 0;
      guint index;

      /* An overridden property keeps the place its ancestor gave it. */
      if (find_by_name (properties, pspec->name, &index))
        {
          if (readable)
            properties->pdata[index] = pspec;
          else
            g_ptr_array_remove_index (properties, index);
        }
      else if (readable)
        {
          g_ptr_array_add (properties, pspec);
        }
    }

  g_mutex_lock (&model_lock);
  info = lookup_info (model_type, FALSE);
  if (info != NULL && info->order != NULL)
    order = g_strdupv (info->order);
  g_mutex_unlock (&model_lock);

  if (order != NULL)
    return apply_order (properties, (const char * const *) order);

  return g_steal_pointer (&properties);
}

GPtrArray *
wh_model_list_properties (GType model_type)
{
  WhPropertyCacheEntry *entry;
  GPtrArray *properties;
  guint generation;

  g_return_val_if_fail (G_TYPE_IS_OBJECT (model_type), NULL);

  /* Read before computing: a change made meanwhile leaves a stale generation behind,
   * so the next call computes again. */
  generation = wh_model_get_generation ();

  g_mutex_lock (&model_lock);
  if (property_cache != NULL &&
      (entry = g_hash_table_lookup (property_cache, GSIZE_TO_POINTER (model_type))) != NULL &&
      entry->generation == generation)
    {
      properties = g_ptr_array_ref (entry->properties);
      g_mutex_unlock (&model_lock);
      return properties;
    }
  g_mutex_unlock (&model_lock);

  properties = compute_properties (model_type);

  entry = g_new0 (WhPropertyCacheEntry, 1);
  entry->generation = generation;
  entry->properties = g_ptr_array_ref (properties);

  g_mutex_lock (&model_lock);
  if (property_cache == NULL)
    property_cache = g_hash_table_new_full (NULL, NULL, NULL, wh_property_cache_entry_free);
  g_hash_table_insert (property_cache, GSIZE_TO_POINTER (model_type), entry);
  g_mutex_unlock (&model_lock);

  return properties;
}

WhModelValueKind
wh_model_value_kind (GType value_type)
{
  if (value_type == G_TYPE_STRV)
    return WH_MODEL_VALUE_STRV;
  if (value_type == G_TYPE_DATE_TIME)
    return WH_MODEL_VALUE_DATE_TIME;
  if (value_type == JSON_TYPE_NODE)
    return WH_MODEL_VALUE_JSON;
  if (value_type == G_TYPE_OBJECT)
    return WH_MODEL_VALUE_OBJECT;
  if ((G_TYPE_IS_INTERFACE (value_type) || G_TYPE_IS_OBJECT (value_type)) &&
      g_type_is_a (value_type, G_TYPE_LIST_MODEL))
    return WH_MODEL_VALUE_LIST;

  switch (G_TYPE_FUNDAMENTAL (value_type))
    {
    case G_TYPE_BOOLEAN:
      return WH_MODEL_VALUE_BOOLEAN;
    case G_TYPE_CHAR:
    case G_TYPE_INT:
    case G_TYPE_LONG:
    case G_TYPE_INT64:
      return WH_MODEL_VALUE_INTEGER;
    case G_TYPE_UCHAR:
    case G_TYPE_UINT:
    case G_TYPE_ULONG:
    case G_TYPE_UINT64:
      return WH_MODEL_VALUE_UNSIGNED;
    case G_TYPE_FLOAT:
    case G_TYPE_DOUBLE:
      return WH_MODEL_VALUE_NUMBER;
    case G_TYPE_STRING:
      return WH_MODEL_VALUE_STRING;
    case G_TYPE_ENUM:
      return WH_MODEL_VALUE_ENUM;
    case G_TYPE_FLAGS:
      return WH_MODEL_VALUE_FLAGS;
    case G_TYPE_OBJECT:
      return WH_MODEL_VALUE_MODEL;
    default:
      return WH_MODEL_VALUE_UNSUPPORTED;
    }
}

void
wh_model_set_unsupported_error (GError     **error,
                                GType        model_type,
                                GParamSpec  *pspec)
{
  static const char supported[] =
    "Use gboolean, an integer or floating-point type, a string, an enum, flags, GStrv, "
    "GDateTime, JsonNode, a GObject class or a GListModel with wh_model_set_item_type()";
  GType value_type;

  if (pspec == NULL)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                   "Type “%s” has no JSON form. %s.",
                   g_type_name (model_type), supported);
      return;
    }

  value_type = G_PARAM_SPEC_VALUE_TYPE (wh_model_property_target (pspec));
  if (wh_model_value_kind (value_type) == WH_MODEL_VALUE_LIST)
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                   "Model “%s”: property “%s” is a list (%s) of unknown items. Call "
                   "wh_model_set_item_type (%s, \"%s\", <item type>) to say what it holds.",
                   wh_model_get_name (model_type), pspec->name, g_type_name (value_type),
                   g_type_name (model_type), pspec->name);
      return;
    }

  g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
               "Model “%s”: property “%s” has type “%s”, which has no JSON form. "
               "%s instead, or make the property write-only to leave it out of the model.",
               wh_model_get_name (model_type), pspec->name, g_type_name (value_type),
               supported);
}

double
wh_model_float_to_double (float value)
{
  static const char * const formats[] = { "%.6g", "%.7g", "%.8g", "%.9g" };

  if (!isfinite (value))
    return value;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      double parsed;

      g_ascii_formatd (buffer, sizeof buffer, formats[i], value);
      parsed = g_ascii_strtod (buffer, NULL);
      if ((float) parsed == value)
        return parsed;
    }

  return value;
}

/* g_date_time_format_iso8601() writes an offset of whole hours as "+02", which RFC 3339
 * (and so "format": "date-time") does not allow: it needs "+02:00". */
static char *
format_rfc3339 (GDateTime *date_time)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *main_part = g_date_time_format (date_time, "%C%y-%m-%dT%H:%M:%S");
  GTimeSpan offset = g_date_time_get_utc_offset (date_time);

  g_string_append (text, main_part);
  if (g_date_time_get_microsecond (date_time) != 0)
    g_string_append_printf (text, ".%06d", g_date_time_get_microsecond (date_time));

  if (offset == 0)
    {
      g_string_append_c (text, 'Z');
    }
  else
    {
      g_autofree char *zone = g_date_time_format (date_time, "%:z");

      g_string_append (text, zone);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonNode *serialize_object (GObject     *instance,
                                   GType        model_type,
                                   GHashTable  *visiting,
                                   GError     **error);

static JsonNode *
null_node (void)
{
  return json_node_init_null (json_node_alloc ());
}

static JsonNode *
value_to_json (GType          model_type,
               GParamSpec    *pspec,
               const GValue  *value,
               GHashTable    *visiting,
               GError       **error)
{
  GType value_type = G_VALUE_TYPE (value);
  const char *property = pspec != NULL ? pspec->name : "";

  switch (wh_model_value_kind (value_type))
    {
    case WH_MODEL_VALUE_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), g_value_get_boolean (value));

    case WH_MODEL_VALUE_INTEGER:
      {
        gint64 number = 0;

        switch (G_TYPE_FUNDAMENTAL (value_type))
          {
          case G_TYPE_CHAR: number = g_value_get_schar (value); break;
          case G_TYPE_INT: number = g_value_get_int (value); break;
          case G_TYPE_LONG: number = g_value_get_long (value); break;
          case G_TYPE_INT64: number = g_value_get_int64 (value); break;
          default: g_assert_not_reached ();
          }

        return json_node_init_int (json_node_alloc (), number);
      }

    case WH_MODEL_VALUE_UNSIGNED:
      {
        guint64 number = 0;

        switch (G_TYPE_FUNDAMENTAL (value_type))
          {
          case G_TYPE_UCHAR: number = g_value_get_uchar (value); break;
          case G_TYPE_UINT: number = g_value_get_uint (value); break;
          case G_TYPE_ULONG: number = g_value_get_ulong (value); break;
          case G_TYPE_UINT64: number = g_value_get_uint64 (value); break;
          default: g_assert_not_reached ();
          }

        /* json-glib holds integers as gint64; a double would silently round the value. */
        if (number > G_MAXINT64)
          {
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                         "Model “%s”: property “%s” holds %" G_GUINT64_FORMAT ", which is "
                         "larger than the largest integer libwebhooks can send (%" G_GINT64_FORMAT
                         "). Give the property a maximum of G_MAXINT64 or send it as a string.",
                         wh_model_get_name (model_type), property, number, G_MAXINT64);
            return NULL;
          }

        return json_node_init_int (json_node_alloc (), (gint64) number);
      }

    case WH_MODEL_VALUE_NUMBER:
      {
        double number;

        if (G_TYPE_FUNDAMENTAL (value_type) == G_TYPE_FLOAT)
          number = wh_model_float_to_double (g_value_get_float (value));
        else
          number = g_value_get_double (value);

        if (!isfinite (number))
          {
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                         "Model “%s”: property “%s” holds %s, which JSON cannot carry. "
                         "Set it to a finite number.",
                         wh_model_get_name (model_type), property,
                         isnan (number) ? "NaN" : (number > 0 ? "Infinity" : "-Infinity"));
            return NULL;
          }

        return json_node_init_double (json_node_alloc (), number);
      }

    case WH_MODEL_VALUE_STRING:
      {
        const char *string = g_value_get_string (value);

        if (string == NULL)
          return null_node ();

        return json_node_init_string (json_node_alloc (), string);
      }

    case WH_MODEL_VALUE_ENUM:
      {
        g_autoptr(GEnumClass) klass = g_type_class_ref (value_type);
        GEnumValue *enum_value = g_enum_get_value (klass, g_value_get_enum (value));

        if (enum_value == NULL)
          {
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                         "Model “%s”: property “%s” holds %d, which is not a value of %s. "
                         "Set it to one of the enumeration's values.",
                         wh_model_get_name (model_type), property, g_value_get_enum (value),
                         g_type_name (value_type));
            return NULL;
          }

        return json_node_init_string (json_node_alloc (), enum_value->value_nick);
      }

    case WH_MODEL_VALUE_FLAGS:
      {
        g_autoptr(GFlagsClass) klass = g_type_class_ref (value_type);
        g_autoptr(JsonArray) array = json_array_new ();
        guint remaining = g_value_get_flags (value);

        for (guint i = 0; i < klass->n_values; i++)
          {
            const GFlagsValue *flag = &klass->values[i];

            if (flag->value != 0 && (remaining & flag->value) == flag->value)
              {
                json_array_add_string_element (array, flag->value_nick);
                remaining &= ~flag->value;
              }
          }

        if (remaining != 0)
          {
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                         "Model “%s”: property “%s” holds bits 0x%x that no value of %s "
                         "names. Set only the flags the type declares.",
                         wh_model_get_name (model_type), property, remaining, g_type_name (value_type));
            return NULL;
          }

        return json_node_init_array (json_node_alloc (), array);
      }

    case WH_MODEL_VALUE_STRV:
      {
        const char * const *strv = g_value_get_boxed (value);
        g_autoptr(JsonArray) array = NULL;

        if (strv == NULL)
          return null_node ();

        array = json_array_new ();
        for (guint i = 0; strv[i] != NULL; i++)
          json_array_add_string_element (array, strv[i]);

        return json_node_init_array (json_node_alloc (), array);
      }

    case WH_MODEL_VALUE_DATE_TIME:
      {
        GDateTime *date_time = g_value_get_boxed (value);
        g_autofree char *text = NULL;

        if (date_time == NULL)
          return null_node ();

        text = format_rfc3339 (date_time);
        return json_node_init_string (json_node_alloc (), text);
      }

    case WH_MODEL_VALUE_JSON:
      {
        JsonNode *node = g_value_get_boxed (value);

        return node != NULL ? json_node_copy (node) : null_node ();
      }

    case WH_MODEL_VALUE_MODEL:
    case WH_MODEL_VALUE_OBJECT:
      {
        g_autoptr(GHashTable) local_visiting = NULL;
        GObject *object = g_value_get_object (value);
        GType as_type;

        if (object == NULL)
          return null_node ();

        if (visiting == NULL)
          visiting = local_visiting = g_hash_table_new (NULL, NULL);

        /* The schema is that of the declared model: members a subclass adds are not in
         * the document, so they are not sent either. */
        if (value_type == G_TYPE_OBJECT)
          as_type = G_OBJECT_TYPE (object);
        else
          as_type = value_type;

        if (g_hash_table_contains (visiting, object))
          {
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                         "Model “%s”: property “%s” refers back to a “%s” that contains it, "
                         "and JSON cannot carry a cycle. Set the property to NULL or to "
                         "another object before sending.",
                         wh_model_get_name (model_type), property, wh_model_get_name (as_type));
            return NULL;
          }

        return serialize_object (object, as_type, visiting, error);
      }

    case WH_MODEL_VALUE_LIST:
      {
        g_autoptr(GHashTable) local_visiting = NULL;
        g_autoptr(JsonArray) array = NULL;
        GType item_type = pspec != NULL ? wh_model_property_item_type (model_type, pspec) : 0;
        GListModel *list = g_value_get_object (value);
        guint n_items;

        if (item_type == G_TYPE_INVALID)
          {
            wh_model_set_unsupported_error (error, model_type, pspec);
            return NULL;
          }

        if (list == NULL)
          return null_node ();

        if (visiting == NULL)
          visiting = local_visiting = g_hash_table_new (NULL, NULL);

        n_items = g_list_model_get_n_items (list);
        array = json_array_sized_new (n_items);
        for (guint i = 0; i < n_items; i++)
          {
            g_autoptr(GObject) item = g_list_model_get_item (list, i);
            JsonNode *node;

            if (item == NULL || !g_type_is_a (G_OBJECT_TYPE (item), item_type))
              {
                g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                             "Model “%s”: item %u of list “%s” is a %s, not a %s as "
                             "wh_model_set_item_type() declared. Put only %s items in it.",
                             wh_model_get_name (model_type), i, property,
                             item != NULL ? G_OBJECT_TYPE_NAME (item) : "NULL",
                             g_type_name (item_type), g_type_name (item_type));
                return NULL;
              }

            if (g_hash_table_contains (visiting, item))
              {
                g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                             "Model “%s”: item %u of list “%s” contains the object that "
                             "holds the list, and JSON cannot carry a cycle. Remove it "
                             "before sending.",
                             wh_model_get_name (model_type), i, property);
                return NULL;
              }

            node = serialize_object (item,
                                     item_type == G_TYPE_OBJECT ? G_OBJECT_TYPE (item) : item_type,
                                     visiting, error);
            if (node == NULL)
              return NULL;
            json_array_add_element (array, node);
          }

        return json_node_init_array (json_node_alloc (), array);
      }

    case WH_MODEL_VALUE_UNSUPPORTED:
    default:
      wh_model_set_unsupported_error (error, model_type, pspec);
      return NULL;
    }
}

JsonNode *
wh_model_value_to_json (GType          model_type,
                        GParamSpec    *pspec,
                        const GValue  *value,
                        GError       **error)
{
  return value_to_json (model_type, pspec, value, NULL, error);
}

static JsonNode *
serialize_object (GObject     *instance,
                  GType        model_type,
                  GHashTable  *visiting,
                  GError     **error)
{
  g_autoptr(GPtrArray) properties = wh_model_list_properties (model_type);
  g_autoptr(JsonObject) object = json_object_new ();

  g_hash_table_add (visiting, instance);

  for (guint i = 0; i < properties->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (properties, i);
      GType value_type = G_PARAM_SPEC_VALUE_TYPE (wh_model_property_target (pspec));
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *member = NULL;
      JsonNode *node;

      if (wh_model_value_kind (value_type) == WH_MODEL_VALUE_UNSUPPORTED)
        {
          wh_model_set_unsupported_error (error, model_type, pspec);
          g_hash_table_remove (visiting, instance);
          return NULL;
        }

      g_value_init (&value, value_type);
      g_object_get_property (instance, pspec->name, &value);

      node = value_to_json (model_type, pspec, &value, visiting, error);
      if (node == NULL)
        {
          g_hash_table_remove (visiting, instance);
          return NULL;
        }

      member = wh_model_member_name (pspec->name);
      json_object_set_member (object, member, node);
    }

  g_hash_table_remove (visiting, instance);

  return json_node_init_object (json_node_alloc (), object);
}

/**
 * wh_model_get_schema:
 * @model_type: (type GType): a #GObject type
 * @error: return location for a #GError
 *
 * Builds the JSON Schema of the model @model_type, as the OpenAPI document puts it under
 * `components/schemas`: an object schema whose `properties` refer to other models with
 * `$ref`s to `#/components/schemas/<name>`.
 *
 * Returns: (transfer full): the schema, or %NULL with @error set (%WH_ERROR_INVALID_MODEL
 *   for a property type that has no JSON form, %WH_ERROR_DUPLICATE for two models of the
 *   same name)
 */
JsonNode *
wh_model_get_schema (GType    model_type,
                     GError **error)
{
  g_autoptr(WhSchemaRegistry) registry = NULL;
  const char *name;

  g_return_val_if_fail (G_TYPE_IS_OBJECT (model_type), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Uncached: the caller owns the schema and may change it. */
  registry = wh_schema_registry_new_uncached ();
  name = wh_schema_registry_add_model (registry, model_type, error);
  if (name == NULL)
    return NULL;

  return json_node_copy (wh_schema_registry_lookup_component (registry, name));
}

/**
 * wh_model_serialize:
 * @instance: an instance of a model
 * @error: return location for a #GError
 *
 * Turns @instance into the JSON object its schema describes (see wh_model_get_schema()):
 * the members in the same order, enums as their nicks, flags as arrays of nicks,
 * #GDateTime as ISO 8601 with its UTC offset, nested models as objects and %NULL as
 * `null`.
 *
 * Returns: (transfer full): a JSON object, or %NULL with @error set
 *   (%WH_ERROR_INVALID_MODEL: a property type with no JSON form, a number JSON cannot
 *   carry, or an object that contains itself)
 */
JsonNode *
wh_model_serialize (GObject  *instance,
                    GError  **error)
{
  g_autoptr(GHashTable) visiting = NULL;

  g_return_val_if_fail (G_IS_OBJECT (instance), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  visiting = g_hash_table_new (NULL, NULL);

  return serialize_object (instance, G_OBJECT_TYPE (instance), visiting, error);
}

/* Deserialization: the inverse of value_to_json() and serialize_object(). */

/* As deep as the validator goes: a payload nested deeper is refused, not followed. */
#define MAX_DESERIALIZE_DEPTH 64

static char *
child_path (const char *path,
            const char *member)
{
  return *path != '\0' ? g_strconcat (path, ".", member, NULL) : g_strdup (member);
}

static char *
item_path (const char *path,
           guint       index)
{
  return *path != '\0' ? g_strdup_printf ("%s.%u", path, index) : g_strdup_printf ("%u", index);
}

static const char *
json_kind_phrase (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_STRING:
      return "a string";
    default:
      return "a number";
    }
}

G_GNUC_PRINTF (3, 4)
static void
set_payload_error (GError     **error,
                   const char  *path,
                   const char  *format,
                   ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (*path != '\0')
    g_set_error (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD, "%s: %s", path, text);
  else
    g_set_error_literal (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD, text);
}

static void
set_mismatch_error (GError     **error,
                    const char  *path,
                    const char  *expected,
                    JsonNode    *node)
{
  set_payload_error (error, path, "expected %s, got %s", expected, json_kind_phrase (node));
}

static gboolean
holds_value_of (JsonNode *node,
                GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
holds_number (JsonNode *node)
{
  return holds_value_of (node, G_TYPE_INT64) || holds_value_of (node, G_TYPE_DOUBLE);
}

/* "0.1", not "0.10000000000000001": the shortest text that reads back as @number. */
static char *
shortest_double_text (double number)
{
  for (int precision = 1; precision <= 17; precision++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, number);
      if (g_ascii_strtod (buffer, NULL) == number)
        return g_strdup (buffer);
    }

  return g_strdup_printf ("%.17g", number);
}

/* A JSON integer, or a double without a fraction (as pydantic takes 3.0 for an int). */
static gboolean
read_integer (JsonNode    *node,
              const char  *path,
              gboolean     is_unsigned,
              gint64      *signed_number,
              guint64     *unsigned_number,
              GError     **error)
{
  if (holds_value_of (node, G_TYPE_INT64))
    {
      gint64 number = json_node_get_int (node);

      if (is_unsigned && number < 0)
        {
          set_payload_error (error, path, "expected an integer of at least 0, got %" G_GINT64_FORMAT,
                             number);
          return FALSE;
        }
      *signed_number = number;
      *unsigned_number = (guint64) number;
      return TRUE;
    }

  if (holds_value_of (node, G_TYPE_DOUBLE))
    {
      double number = json_node_get_double (node);

      if (!isfinite (number) || floor (number) != number)
        {
          set_payload_error (error, path, "expected an integer, got a number with a fractional part");
          return FALSE;
        }
      /* 2^63 and 2^64 are exact doubles: the bounds of gint64 and guint64. */
      if (is_unsigned ? (number < 0 || number >= 18446744073709551616.0)
                      : (number < -9223372036854775808.0 || number >= 9223372036854775808.0))
        {
          g_autofree char *got = shortest_double_text (number);

          set_payload_error (error, path, "expected an integer that fits the property's "
                             "type, got %s", got);
          return FALSE;
        }
      *signed_number = is_unsigned ? 0 : (gint64) number;
      *unsigned_number = is_unsigned ? (guint64) number : 0;
      return TRUE;
    }

  set_mismatch_error (error, path, "an integer", node);
  return FALSE;
}

static char *
describe_range (GParamSpec *target)
{
  if (G_IS_PARAM_SPEC_CHAR (target))
    return g_strdup_printf ("from %d to %d", G_PARAM_SPEC_CHAR (target)->minimum,
                            G_PARAM_SPEC_CHAR (target)->maximum);
  if (G_IS_PARAM_SPEC_INT (target))
    return g_strdup_printf ("from %d to %d", G_PARAM_SPEC_INT (target)->minimum,
                            G_PARAM_SPEC_INT (target)->maximum);
  if (G_IS_PARAM_SPEC_LONG (target))
    return g_strdup_printf ("from %ld to %ld", G_PARAM_SPEC_LONG (target)->minimum,
                            G_PARAM_SPEC_LONG (target)->maximum);
  if (G_IS_PARAM_SPEC_INT64 (target))
    return g_strdup_printf ("from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                            G_PARAM_SPEC_INT64 (target)->minimum,
                            G_PARAM_SPEC_INT64 (target)->maximum);
  if (G_IS_PARAM_SPEC_UCHAR (target))
    return g_strdup_printf ("from %u to %u", G_PARAM_SPEC_UCHAR (target)->minimum,
                            G_PARAM_SPEC_UCHAR (target)->maximum);
  if (G_IS_PARAM_SPEC_UINT (target))
    return g_strdup_printf ("from %u to %u", G_PARAM_SPEC_UINT (target)->minimum,
                            G_PARAM_SPEC_UINT (target)->maximum);
  if (G_IS_PARAM_SPEC_UNICHAR (target))
    return g_strdup ("from 0 to 1114111");
  if (G_IS_PARAM_SPEC_ULONG (target))
    return g_strdup_printf ("from %lu to %lu", G_PARAM_SPEC_ULONG (target)->minimum,
                            G_PARAM_SPEC_ULONG (target)->maximum);
  if (G_IS_PARAM_SPEC_UINT64 (target))
    return g_strdup_printf ("from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
                            G_PARAM_SPEC_UINT64 (target)->minimum,
                            G_PARAM_SPEC_UINT64 (target)->maximum);
  if (G_IS_PARAM_SPEC_FLOAT (target) || G_IS_PARAM_SPEC_DOUBLE (target))
    {
      g_autofree char *minimum = NULL;
      g_autofree char *maximum = NULL;

      if (G_IS_PARAM_SPEC_FLOAT (target))
        {
          minimum = shortest_double_text (wh_model_float_to_double (G_PARAM_SPEC_FLOAT (target)->minimum));
          maximum = shortest_double_text (wh_model_float_to_double (G_PARAM_SPEC_FLOAT (target)->maximum));
        }
      else
        {
          minimum = shortest_double_text (G_PARAM_SPEC_DOUBLE (target)->minimum);
          maximum = shortest_double_text (G_PARAM_SPEC_DOUBLE (target)->maximum);
        }

      return g_strdup_printf ("from %s to %s", minimum, maximum);
    }

  return g_strdup ("in the property's range");
}

static gboolean
set_integer_value (GValue      *value,
                   GParamSpec  *target,
                   JsonNode    *node,
                   const char  *path,
                   GError     **error)
{
  GType fundamental = G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value));
  gboolean is_unsigned = wh_model_value_kind (G_VALUE_TYPE (value)) == WH_MODEL_VALUE_UNSIGNED;
  gint64 s = 0;
  guint64 u = 0;
  gboolean fits = TRUE;
  g_auto(GValue) checked = G_VALUE_INIT;

  if (!read_integer (node, path, is_unsigned, &s, &u, error))
    return FALSE;

  switch (fundamental)
    {
    case G_TYPE_CHAR:
      fits = s >= G_MININT8 && s <= G_MAXINT8;
      if (fits)
        g_value_set_schar (value, (gint8) s);
      break;
    case G_TYPE_INT:
      fits = s >= G_MININT && s <= G_MAXINT;
      if (fits)
        g_value_set_int (value, (int) s);
      break;
    case G_TYPE_LONG:
      fits = s >= G_MINLONG && s <= G_MAXLONG;
      if (fits)
        g_value_set_long (value, (long) s);
      break;
    case G_TYPE_INT64:
      g_value_set_int64 (value, s);
      break;
    case G_TYPE_UCHAR:
      fits = u <= G_MAXUINT8;
      if (fits)
        g_value_set_uchar (value, (guchar) u);
      break;
    case G_TYPE_UINT:
      fits = u <= G_MAXUINT;
      if (fits)
        g_value_set_uint (value, (guint) u);
      break;
    case G_TYPE_ULONG:
      fits = u <= G_MAXULONG;
      if (fits)
        g_value_set_ulong (value, (gulong) u);
      break;
    case G_TYPE_UINT64:
      g_value_set_uint64 (value, u);
      break;
    default:
      g_assert_not_reached ();
    }

  /* g_param_value_validate() clamps; a value it would change is out of range. */
  if (fits)
    {
      g_value_init (&checked, G_VALUE_TYPE (value));
      g_value_copy (value, &checked);
      fits = !g_param_value_validate (target, &checked);
    }

  if (!fits)
    {
      g_autofree char *range = describe_range (target);

      if (is_unsigned)
        set_payload_error (error, path, "expected an integer %s, got %" G_GUINT64_FORMAT, range, u);
      else
        set_payload_error (error, path, "expected an integer %s, got %" G_GINT64_FORMAT, range, s);
      return FALSE;
    }

  return TRUE;
}

static gboolean
set_number_value (GValue      *value,
                  GParamSpec  *target,
                  JsonNode    *node,
                  const char  *path,
                  GError     **error)
{
  double number;
  gboolean fits = TRUE;
  g_auto(GValue) checked = G_VALUE_INIT;

  if (!holds_number (node))
    {
      set_mismatch_error (error, path, "a number", node);
      return FALSE;
    }

  number = json_node_get_double (node);

  if (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)) == G_TYPE_FLOAT)
    {
      fits = isfinite (number) && fabs (number) <= G_MAXFLOAT;
      if (fits)
        g_value_set_float (value, (float) number);
    }
  else
    {
      g_value_set_double (value, number);
    }

  if (fits)
    {
      g_value_init (&checked, G_VALUE_TYPE (value));
      g_value_copy (value, &checked);
      fits = !g_param_value_validate (target, &checked);
    }

  if (!fits)
    {
      g_autofree char *range = describe_range (target);
      g_autofree char *got = shortest_double_text (number);

      set_payload_error (error, path, "expected a number %s, got %s", range, got);
      return FALSE;
    }

  return TRUE;
}

static char *
list_nicks (GType     value_type,
            gboolean  skip_zero)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (G_TYPE_IS_ENUM (value_type))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (value_type);

      for (guint i = 0; i < klass->n_values; i++)
        g_string_append_printf (text, "%s“%s”", i > 0 ? ", " : "", klass->values[i].value_nick);
    }
  else
    {
      g_autoptr(GFlagsClass) klass = g_type_class_ref (value_type);

      for (guint i = 0; i < klass->n_values; i++)
        if (!skip_zero || klass->values[i].value != 0)
          g_string_append_printf (text, "%s“%s”", text->len > 0 ? ", " : "",
                                  klass->values[i].value_nick);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GObject *deserialize_object (GType        model_type,
                                    JsonNode    *json,
                                    const char  *path,
                                    guint        depth,
                                    GError     **error);

/* Fills @value, initialized to the property's value type, from @node. */
static gboolean
json_to_value (GType        model_type,
               GParamSpec  *pspec,
               JsonNode    *node,
               GValue      *value,
               const char  *path,
               guint        depth,
               GError     **error)
{
  GParamSpec *target = wh_model_property_target (pspec);
  GType value_type = G_VALUE_TYPE (value);
  WhModelValueKind kind = wh_model_value_kind (value_type);

  switch (kind)
    {
    case WH_MODEL_VALUE_BOOLEAN:
      if (!holds_value_of (node, G_TYPE_BOOLEAN))
        {
          set_mismatch_error (error, path, "a boolean", node);
          return FALSE;
        }
      g_value_set_boolean (value, json_node_get_boolean (node));
      return TRUE;

    case WH_MODEL_VALUE_INTEGER:
    case WH_MODEL_VALUE_UNSIGNED:
      return set_integer_value (value, target, node, path, error);

    case WH_MODEL_VALUE_NUMBER:
      return set_number_value (value, target, node, path, error);

    case WH_MODEL_VALUE_STRING:
      if (JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      if (!holds_value_of (node, G_TYPE_STRING))
        {
          set_mismatch_error (error, path, "a string", node);
          return FALSE;
        }
      g_value_set_string (value, json_node_get_string (node));
      return TRUE;

    case WH_MODEL_VALUE_ENUM:
      {
        g_autoptr(GEnumClass) klass = g_type_class_ref (value_type);
        GEnumValue *enum_value = NULL;

        if (holds_value_of (node, G_TYPE_STRING))
          enum_value = g_enum_get_value_by_nick (klass, json_node_get_string (node));

        if (enum_value == NULL)
          {
            g_autofree char *nicks = list_nicks (value_type, FALSE);

            if (holds_value_of (node, G_TYPE_STRING))
              set_payload_error (error, path, "expected one of %s, got “%s”", nicks,
                                 json_node_get_string (node));
            else
              set_payload_error (error, path, "expected one of %s, got %s", nicks,
                                 json_kind_phrase (node));
            return FALSE;
          }

        g_value_set_enum (value, enum_value->value);
        return TRUE;
      }

    case WH_MODEL_VALUE_FLAGS:
      {
        g_autoptr(GFlagsClass) klass = g_type_class_ref (value_type);
        JsonArray *array;
        guint flags = 0;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          {
            set_mismatch_error (error, path, "an array of flag names", node);
            return FALSE;
          }

        array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *item = json_array_get_element (array, i);
            GFlagsValue *flag = NULL;

            if (holds_value_of (item, G_TYPE_STRING))
              flag = g_flags_get_value_by_nick (klass, json_node_get_string (item));

            if (flag == NULL)
              {
                g_autofree char *nicks = list_nicks (value_type, TRUE);
                g_autofree char *at = item_path (path, i);

                if (holds_value_of (item, G_TYPE_STRING))
                  set_payload_error (error, at, "expected one of %s, got “%s”", nicks,
                                     json_node_get_string (item));
                else
                  set_payload_error (error, at, "expected one of %s, got %s", nicks,
                                     json_kind_phrase (item));
                return FALSE;
              }

            flags |= flag->value;
          }

        g_value_set_flags (value, flags);
        return TRUE;
      }

    case WH_MODEL_VALUE_STRV:
      {
        g_autoptr(GStrvBuilder) builder = NULL;
        JsonArray *array;

        if (JSON_NODE_HOLDS_NULL (node))
          return TRUE;
        if (!JSON_NODE_HOLDS_ARRAY (node))
          {
            set_mismatch_error (error, path, "an array of strings", node);
            return FALSE;
          }

        builder = g_strv_builder_new ();
        array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *item = json_array_get_element (array, i);

            if (!holds_value_of (item, G_TYPE_STRING))
              {
                g_autofree char *at = item_path (path, i);

                set_mismatch_error (error, at, "a string", item);
                return FALSE;
              }
            g_strv_builder_add (builder, json_node_get_string (item));
          }

        g_value_take_boxed (value, g_strv_builder_end (builder));
        return TRUE;
      }

    case WH_MODEL_VALUE_DATE_TIME:
      {
        GDateTime *date_time = NULL;

        if (JSON_NODE_HOLDS_NULL (node))
          return TRUE;

        if (holds_value_of (node, G_TYPE_STRING))
          date_time = wh_schema_validator_parse_date_time (json_node_get_string (node));

        if (date_time == NULL)
          {
            if (holds_value_of (node, G_TYPE_STRING))
              set_payload_error (error, path, "expected an RFC 3339 date-time with a UTC "
                                 "offset (such as 2024-05-01T12:00:00Z), got “%s”",
                                 json_node_get_string (node));
            else
              set_mismatch_error (error, path, "an RFC 3339 date-time string", node);
            return FALSE;
          }

        g_value_take_boxed (value, date_time);
        return TRUE;
      }

    case WH_MODEL_VALUE_JSON:
      /* A copy: the caller may change or free its tree. */
      g_value_take_boxed (value, json_node_copy (node));
      return TRUE;

    case WH_MODEL_VALUE_OBJECT:
      if (JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                   "Model “%s”: property “%s” holds any GObject, so there is no telling "
                   "which class to build from “%s”. Give the property the type of a model.",
                   wh_model_get_name (model_type), pspec->name, path);
      return FALSE;

    case WH_MODEL_VALUE_MODEL:
      {
        GObject *object;

        if (JSON_NODE_HOLDS_NULL (node))
          return TRUE;

        object = deserialize_object (value_type, node, path, depth + 1, error);
        if (object == NULL)
          return FALSE;

        g_value_take_object (value, object);
        return TRUE;
      }

    case WH_MODEL_VALUE_LIST:
      {
        GType item_type = wh_model_property_item_type (model_type, pspec);
        g_autoptr(GListStore) store = NULL;
        JsonArray *array;

        if (item_type == G_TYPE_INVALID)
          {
            wh_model_set_unsupported_error (error, model_type, pspec);
            return FALSE;
          }

        if (item_type == G_TYPE_OBJECT || !g_type_is_a (G_TYPE_LIST_STORE, value_type))
          {
            g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                         "Model “%s”: list property “%s” cannot be rebuilt from JSON: it "
                         "needs the type GListModel or GListStore and an item type that is a "
                         "model (not GObject). Change the property's type or its item type.",
                         wh_model_get_name (model_type), pspec->name);
            return FALSE;
          }

        if (JSON_NODE_HOLDS_NULL (node))
          return TRUE;
        if (!JSON_NODE_HOLDS_ARRAY (node))
          {
            set_mismatch_error (error, path, "an array", node);
            return FALSE;
          }

        store = g_list_store_new (item_type);
        array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *at = item_path (path, i);
            g_autoptr(GObject) item = NULL;

            item = deserialize_object (item_type, json_array_get_element (array, i), at,
                                       depth + 1, error);
            if (item == NULL)
              return FALSE;
            g_list_store_append (store, item);
          }

        g_value_set_object (value, store);
        return TRUE;
      }

    case WH_MODEL_VALUE_UNSUPPORTED:
    default:
      wh_model_set_unsupported_error (error, model_type, pspec);
      return FALSE;
    }
}

static gboolean
is_nullable_kind (WhModelValueKind kind)
{
  switch (kind)
    {
    case WH_MODEL_VALUE_STRING:
    case WH_MODEL_VALUE_STRV:
    case WH_MODEL_VALUE_DATE_TIME:
    case WH_MODEL_VALUE_JSON:
    case WH_MODEL_VALUE_OBJECT:
    case WH_MODEL_VALUE_MODEL:
    case WH_MODEL_VALUE_LIST:
      return TRUE;
    default:
      return FALSE;
    }
}

static GObject *
deserialize_object (GType        model_type,
                    JsonNode    *json,
                    const char  *path,
                    guint        depth,
                    GError     **error)
{
  g_autoptr(GPtrArray) properties = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GArray) values = NULL;
  JsonObject *object;
  GObject *instance;

  if (depth > MAX_DESERIALIZE_DEPTH)
    {
      set_payload_error (error, path, "the payload is nested more than %d objects deep",
                         MAX_DESERIALIZE_DEPTH);
      return NULL;
    }

  if (G_TYPE_IS_ABSTRACT (model_type))
    {
      g_set_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL,
                   "Model “%s” is abstract, so no instance of it can be built. Declare "
                   "a class that can be instantiated instead.",
                   wh_model_get_name (model_type));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json))
    {
      set_mismatch_error (error, path, "an object", json);
      return NULL;
    }

  object = json_node_get_object (json);
  properties = wh_model_list_properties (model_type);
  names = g_ptr_array_sized_new (properties->len);
  values = g_array_sized_new (FALSE, TRUE, sizeof (GValue), properties->len);
  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);

  for (guint i = 0; i < properties->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (properties, i);
      GType value_type = G_PARAM_SPEC_VALUE_TYPE (wh_model_property_target (pspec));
      WhModelValueKind kind = wh_model_value_kind (value_type);
      g_autofree char *member = NULL;
      g_autofree char *at = NULL;
      GValue value = G_VALUE_INIT;
      JsonNode *node;

      /* Sent, but not something a payload can set. */
      if ((pspec->flags & G_PARAM_WRITABLE) == 0)
        continue;

      member = wh_model_member_name (pspec->name);
      at = child_path (path, member);
      node = json_object_get_member (object, member);

      if (node == NULL)
        {
          if (wh_model_property_is_optional (model_type, pspec))
            continue;
          set_payload_error (error, at, "the member is required, but missing");
          return NULL;
        }

      if (JSON_NODE_HOLDS_NULL (node) && kind != WH_MODEL_VALUE_UNSUPPORTED &&
          !is_nullable_kind (kind))
        {
          const char *expected = "a value";

          switch (kind)
            {
            case WH_MODEL_VALUE_BOOLEAN: expected = "a boolean"; break;
            case WH_MODEL_VALUE_INTEGER:
            case WH_MODEL_VALUE_UNSIGNED: expected = "an integer"; break;
            case WH_MODEL_VALUE_NUMBER: expected = "a number"; break;
            case WH_MODEL_VALUE_ENUM: expected = "a string"; break;
            case WH_MODEL_VALUE_FLAGS: expected = "an array of flag names"; break;
            default: break;
            }
          set_mismatch_error (error, at, expected, node);
          return NULL;
        }

      g_value_init (&value, value_type);
      g_array_append_val (values, value);
      if (!json_to_value (model_type, pspec, node,
                          &g_array_index (values, GValue, values->len - 1),
                          at, depth, error))
        return NULL;
      g_ptr_array_add (names, (gpointer) pspec->name);
    }

  /* One call for all of them: construct-only properties can only be set here. */
  instance = g_object_new_with_properties (model_type, names->len,
                                           (const char **) names->pdata,
                                           (const GValue *) values->data);
  if (G_IS_INITIALLY_UNOWNED (instance))
    g_object_ref_sink (instance);

  return instance;
}

/**
 * wh_model_deserialize:
 * @model_type: (type GType): a #GObject type
 * @json: a JSON object, such as the body of a request or a webhook
 * @error: return location for a #GError
 *
 * Builds an instance of the model @model_type from @json, the inverse of
 * wh_model_serialize(): members are read by their member names, enums from their nicks,
 * flags from arrays of nicks, #GDateTime from RFC 3339 text with its offset, nested
 * models and lists of models (as a #GListStore) recursively, and a #JsonNode property
 * gets a copy of its member. Members the model does not declare are ignored; an optional
 * member that is missing keeps the property's default; a property that is not writable
 * is left as the class sets it. Construct-only properties are set at construction.
 *
 * Use wh_model_validate() first to learn every problem of a payload at once; this
 * function stops at the first.
 *
 * Returns: (transfer full): a new instance of @model_type, or %NULL with @error set:
 *   %WH_ERROR_INVALID_PAYLOAD, whose message starts with the path of the member that does
 *   not fit (`items.2.amount: expected a number, got a string`), or
 *   %WH_ERROR_INVALID_MODEL for a model that cannot be built from JSON (an abstract
 *   class, a property of any #GObject, a property type with no JSON form)
 */
GObject *
wh_model_deserialize (GType      model_type,
                      JsonNode  *json,
                      GError   **error)
{
  g_return_val_if_fail (G_TYPE_IS_OBJECT (model_type), NULL);
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return deserialize_object (model_type, json, "", 0, error);
}

/**
 * wh_model_validate:
 * @model_type: (type GType): a #GObject type
 * @json: a JSON value, such as the body of a request or a webhook
 * @error: return location for a #GError
 *
 * Checks @json against the JSON Schema of @model_type (see wh_model_get_schema()) and
 * reports every problem at once, as Esmerald and pydantic word them: `amount: Input
 * should be a valid number; paid_at: Field required`. An integer member accepts `3.0`,
 * a `date-time` needs a full RFC 3339 date, time and offset, and members the model does
 * not declare are allowed.
 *
 * Returns: %TRUE if @json is a valid payload of @model_type; otherwise %FALSE with
 *   @error set: %WH_ERROR_INVALID_PAYLOAD listing the problems (at most 100), or
 *   %WH_ERROR_INVALID_MODEL or %WH_ERROR_DUPLICATE for a model that has no schema
 */
gboolean
wh_model_validate (GType      model_type,
                   JsonNode  *json,
                   GError   **error)
{
  g_autoptr(WhSchemaRegistry) registry = NULL;
  g_autoptr(WhSchemaValidator) validator = NULL;
  g_autoptr(JsonNode) components = NULL;
  g_autoptr(JsonArray) problems = NULL;
  g_autofree char *text = NULL;
  const char *name;

  g_return_val_if_fail (G_TYPE_IS_OBJECT (model_type), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  registry = wh_schema_registry_new ();
  name = wh_schema_registry_add_model (registry, model_type, error);
  if (name == NULL)
    return FALSE;

  components = wh_schema_registry_to_json (registry);
  validator = wh_schema_validator_new (json_node_get_object (components));
  problems = json_array_new ();

  if (wh_schema_validator_validate (validator,
                                    wh_schema_registry_lookup_component (registry, name),
                                    json, NULL, problems))
    return TRUE;

  text = wh_schema_validator_describe (problems);
  g_set_error_literal (error, WH_ERROR, WH_ERROR_INVALID_PAYLOAD, text);

  return FALSE;
}
