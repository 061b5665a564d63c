/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include <webhooks.h>

#include "wh-model-private.h"

/* Test models keep every property value as object data, so that one pair of accessors
 * serves them all. */

static void
free_value (gpointer data)
{
  g_value_unset (data);
  g_free (data);
}

static void
bag_set_property (GObject      *object,
                  guint         prop_id,
                  const GValue *value,
                  GParamSpec   *pspec)
{
  GValue *copy = g_new0 (GValue, 1);

  g_value_init (copy, G_VALUE_TYPE (value));
  g_value_copy (value, copy);
  g_object_set_data_full (object, pspec->name, copy, free_value);
}

static void
bag_get_property (GObject    *object,
                  guint       prop_id,
                  GValue     *value,
                  GParamSpec *pspec)
{
  GValue *stored = g_object_get_data (object, pspec->name);

  if (stored != NULL)
    g_value_copy (stored, value);
  else
    g_param_value_set_default (g_param_spec_get_redirect_target (pspec) != NULL
                                 ? g_param_spec_get_redirect_target (pspec) : pspec,
                               value);
}

static void
bag_class_init (GObjectClass  *object_class,
                GParamSpec   **pspecs,
                guint          n_pspecs)
{
  object_class->set_property = bag_set_property;
  object_class->get_property = bag_get_property;

  for (guint i = 0; i < n_pspecs; i++)
    g_object_class_install_property (object_class, i + 1, pspecs[i]);
}

#define RW (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)

#define DEFINE_MODEL(TypeName, type_name, ParentName, PARENT_TYPE)              \
  typedef struct { ParentName parent_instance; } TypeName;                      \
  typedef struct { ParentName##Class parent_class; } TypeName##Class;           \
  static GType type_name##_get_type (void);                                     \
  G_DEFINE_TYPE (TypeName, type_name, PARENT_TYPE)                              \
  static void type_name##_init (TypeName *self) { }

/* Enum and flags */

typedef enum { COLOR_RED, COLOR_GREEN, COLOR_DARK_BLUE } Color;
typedef enum { PERM_NONE = 0, PERM_READ = 1, PERM_WRITE = 2, PERM_EXEC = 4 } Perm;

static GType
color_get_type (void)
{
  static GType type;
  static const GEnumValue values[] = {
    { COLOR_RED, "COLOR_RED", "red" },
    { COLOR_GREEN, "COLOR_GREEN", "green" },
    { COLOR_DARK_BLUE, "COLOR_DARK_BLUE", "dark-blue" },
    { 0, NULL, NULL },
  };

  if (type == 0)
    type = g_enum_register_static ("TestColor", values);
  return type;
}

static GType
perm_get_type (void)
{
  static GType type;
  static const GFlagsValue values[] = {
    { PERM_NONE, "PERM_NONE", "none" },
    { PERM_READ, "PERM_READ", "read" },
    { PERM_WRITE, "PERM_WRITE", "write" },
    { PERM_EXEC, "PERM_EXEC", "exec" },
    { 0, NULL, NULL },
  };

  if (type == 0)
    type = g_flags_register_static ("TestPerm", values);
  return type;
}

/* Payment: the seed's model */

DEFINE_MODEL (Payment, payment, GObject, G_TYPE_OBJECT)

static void
payment_class_init (PaymentClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_boolean ("is-paid", "Is paid", NULL, FALSE, RW),
    g_param_spec_double ("amount", "Amount", "In euros", -G_MAXDOUBLE, G_MAXDOUBLE, 0, RW),
    g_param_spec_boxed ("paid-at", "Paid at", "Paid at", G_TYPE_DATE_TIME, RW),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

/* Customer: a nested model, and a reference to itself */

DEFINE_MODEL (Customer, customer, GObject, G_TYPE_OBJECT)

static void
customer_class_init (CustomerClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_string ("name", "Name", NULL, NULL, RW),
    g_param_spec_object ("last-payment", "Last payment", NULL, payment_get_type (), RW),
    g_param_spec_object ("referrer", "Referrer", "Who brought them", customer_get_type (),
                         RW | WH_PARAM_OPTIONAL),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

/* AllTypes: every supported type, with and without ranges */

DEFINE_MODEL (AllTypes, all_types, GObject, G_TYPE_OBJECT)

static void
all_types_class_init (AllTypesClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_boolean ("flag", NULL, NULL, FALSE, RW),
    g_param_spec_char ("tiny", NULL, NULL, G_MININT8, G_MAXINT8, 0, RW),
    g_param_spec_char ("small", NULL, NULL, 0, 10, 0, RW),
    g_param_spec_uchar ("byte", NULL, NULL, 0, G_MAXUINT8, 0, RW),
    g_param_spec_int ("count", NULL, NULL, 1, 100, 1, RW),
    g_param_spec_int ("any-int", NULL, NULL, G_MININT, G_MAXINT, 0, RW),
    g_param_spec_uint ("natural", NULL, NULL, 0, G_MAXUINT, 0, RW),
    g_param_spec_uint ("percent", NULL, NULL, 5, 100, 5, RW),
    g_param_spec_long ("long", NULL, NULL, G_MINLONG, G_MAXLONG, 0, RW),
    g_param_spec_ulong ("ulong", NULL, NULL, 0, G_MAXULONG, 0, RW),
    g_param_spec_int64 ("big", NULL, NULL, -5, G_MAXINT64, 0, RW),
    g_param_spec_uint64 ("ubig", NULL, NULL, 0, G_MAXUINT64, 0, RW),
    g_param_spec_float ("ratio", NULL, NULL, 0.0f, 1.0f, 0.0f, RW),
    g_param_spec_double ("scale", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, RW),
    g_param_spec_double ("temperature", NULL, NULL, -270.5, G_MAXDOUBLE, 0, RW),
    g_param_spec_string ("label", NULL, NULL, NULL, RW),
    g_param_spec_enum ("color", NULL, NULL, color_get_type (), COLOR_RED, RW),
    g_param_spec_flags ("permissions", NULL, NULL, perm_get_type (), 0, RW),
    g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, RW),
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, RW),
    g_param_spec_object ("payment", NULL, NULL, payment_get_type (), RW),
    g_param_spec_object ("anything", NULL, NULL, G_TYPE_OBJECT, RW),
    g_param_spec_boxed ("extra", NULL, NULL, JSON_TYPE_NODE, RW),
    g_param_spec_unichar ("letter", NULL, NULL, 'a', RW),
    g_param_spec_string ("secret", NULL, NULL, NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

/* Defaults: optional members of every kind */

DEFINE_MODEL (Defaults, defaults, GObject, G_TYPE_OBJECT)

#define OPT (RW | WH_PARAM_OPTIONAL)

static void
defaults_class_init (DefaultsClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_string ("id", "Id", NULL, NULL, RW),
    g_param_spec_string ("note", "Note", "A free-form note", NULL, OPT),
    g_param_spec_string ("status", "Status", NULL, "new", OPT),
    g_param_spec_int ("retries", "Retries", NULL, 0, 10, 3, OPT),
    g_param_spec_double ("ratio", "Ratio", NULL, 0, 1, 0.5, OPT),
    g_param_spec_float ("weight", "Weight", NULL, 0.0f, 100.0f, 0.1f, OPT),
    g_param_spec_enum ("color", "Color", NULL, color_get_type (), COLOR_DARK_BLUE, OPT),
    g_param_spec_flags ("permissions", "Permissions", NULL, perm_get_type (),
                        PERM_READ | PERM_EXEC, OPT),
    g_param_spec_boxed ("tags", "Tags", NULL, G_TYPE_STRV, OPT),
    g_param_spec_boxed ("when", "When", NULL, G_TYPE_DATE_TIME, OPT),
    g_param_spec_object ("payment", "Payment", "The payment, if any", payment_get_type (), OPT),
    g_param_spec_object ("anything", "Anything", NULL, G_TYPE_OBJECT, OPT),
    g_param_spec_boxed ("extra", "Extra", NULL, JSON_TYPE_NODE, OPT),
    g_param_spec_boolean ("enabled", "Enabled", NULL, TRUE, RW),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

/* BaseEvent and PaymentEvent: inheritance, and an overridden property */

typedef struct { GObject parent_instance; } BaseEvent;
typedef struct { GObjectClass parent_class; } BaseEventClass;
static GType base_event_get_type (void);
G_DEFINE_TYPE (BaseEvent, base_event, G_TYPE_OBJECT)
static void base_event_init (BaseEvent *self) { }

static void
base_event_class_init (BaseEventClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_string ("event-id", "Event id", NULL, NULL, RW),
    g_param_spec_string ("source", "Source", NULL, "app", RW | WH_PARAM_OPTIONAL),
    g_param_spec_int64 ("sequence", "Sequence", NULL, 0, G_MAXINT64, 0, RW),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

DEFINE_MODEL (PaymentEvent, payment_event, BaseEvent, base_event_get_type ())

static void
payment_event_class_init (PaymentEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamSpec *pspecs[] = {
    g_param_spec_double ("amount", "Amount", NULL, 0, G_MAXDOUBLE, 0, RW),
  };

  bag_class_init (object_class, pspecs, G_N_ELEMENTS (pspecs));
  g_object_class_override_property (object_class, 2, "source");
}

/* Broken models: property types with no JSON form */

DEFINE_MODEL (Broken, broken, GObject, G_TYPE_OBJECT)

static void
broken_class_init (BrokenClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_string ("name", "Name", NULL, NULL, RW),
    g_param_spec_pointer ("data", "Data", NULL, RW),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

DEFINE_MODEL (HasBroken, has_broken, GObject, G_TYPE_OBJECT)

static void
has_broken_class_init (HasBrokenClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_object ("customer", "Customer", NULL, customer_get_type (), RW),
    g_param_spec_object ("broken", "Broken", NULL, broken_get_type (), RW),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

DEFINE_MODEL (Ordered, ordered, GObject, G_TYPE_OBJECT)

static void
ordered_class_init (OrderedClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_int ("a", "A", NULL, G_MININT, G_MAXINT, 0, RW),
    g_param_spec_int ("b-b", "B", NULL, G_MININT, G_MAXINT, 0, RW),
    g_param_spec_int ("c", "C", NULL, G_MININT, G_MAXINT, 0, RW),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

typedef struct { Ordered parent_instance; } OrderedChild;
typedef struct { OrderedClass parent_class; } OrderedChildClass;
static GType ordered_child_get_type (void);
G_DEFINE_TYPE (OrderedChild, ordered_child, ordered_get_type ())
static void ordered_child_init (OrderedChild *self) { }

static void
ordered_child_class_init (OrderedChildClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_int ("d", "D", NULL, G_MININT, G_MAXINT, 0, RW),
  };

  /* Ids after the parent's: bag_class_init numbers from 1 per class, which is fine. */
  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

/* Lists of models */

DEFINE_MODEL (Cart, cart, GObject, G_TYPE_OBJECT)

static void
cart_class_init (CartClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_object ("items", "Items", NULL, G_TYPE_LIST_MODEL, RW),
    g_param_spec_object ("gifts", "Gifts", NULL, G_TYPE_LIST_STORE, RW | WH_PARAM_OPTIONAL),
    g_param_spec_object ("misc", "Misc", NULL, G_TYPE_LIST_MODEL, RW),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
  wh_model_set_item_type (cart_get_type (), "items", payment_get_type ());
  wh_model_set_item_type (cart_get_type (), "gifts", customer_get_type ());
  wh_model_set_item_type (cart_get_type (), "misc", G_TYPE_OBJECT);
}

DEFINE_MODEL (UntypedList, untyped_list, GObject, G_TYPE_OBJECT)

static void
untyped_list_class_init (UntypedListClass *klass)
{
  GParamSpec *pspecs[] = {
    g_param_spec_object ("entries", "Entries", NULL, G_TYPE_LIST_MODEL, RW),
  };

  bag_class_init (G_OBJECT_CLASS (klass), pspecs, G_N_ELEMENTS (pspecs));
}

/* Types named as PyGObject names Python classes */

static GType
register_plain_type (const char *name)
{
  GType type = g_type_from_name (name);

  if (type == 0)
    type = g_type_register_static_simple (G_TYPE_OBJECT, g_intern_string (name),
                                          sizeof (GObjectClass), NULL,
                                          sizeof (GObject), NULL, 0);
  return type;
}

/* Helpers */

/* Expected JSON is written with ' for " so that it reads. */
#define assert_json(node, expected) assert_json_impl (__FILE__, __LINE__, node, expected)

static void
assert_json_impl (const char *file,
                  int         line,
                  JsonNode   *node,
                  const char *expected)
{
  g_autofree char *want = g_strdelimit (g_strdup (expected), "'", '"');
  g_autofree char *got = NULL;

  g_assert_nonnull (node);
  got = json_to_string (node, FALSE);
  if (strcmp (got, want) != 0)
    {
      g_autofree char *message = g_strdup_printf ("%s:%d: JSON differs\n  got:  %s\n  want: %s",
                                                  file, line, got, want);
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, message);
    }
}

static JsonNode *
schema_of (GType type)
{
  g_autoptr(GError) error = NULL;
  JsonNode *schema = wh_model_get_schema (type, &error);

  g_assert_no_error (error);
  return schema;
}

/* Tests */

static void
test_member_name (void)
{
  g_autofree char *a = wh_model_member_name ("is-paid");
  g_autofree char *b = wh_model_member_name ("amount");
  g_autofree char *c = wh_model_member_name ("already_snake");

  g_assert_cmpstr (a, ==, "is_paid");
  g_assert_cmpstr (b, ==, "amount");
  g_assert_cmpstr (c, ==, "already_snake");
}

static void
test_payment_schema (void)
{
  g_autoptr(JsonNode) schema = schema_of (payment_get_type ());

  assert_json (schema,
               "{'title':'Payment','type':'object','properties':{"
               "'is_paid':{'title':'Is Paid','type':'boolean'},"
               "'amount':{'title':'Amount','type':'number','description':'In euros'},"
               "'paid_at':{'title':'Paid At','type':'string','format':'date-time'}},"
               "'required':['is_paid','amount','paid_at']}");
}

static void
test_all_types_schema (void)
{
  g_autoptr(JsonNode) schema = schema_of (all_types_get_type ());

  assert_json (schema,
               "{'title':'AllTypes','type':'object','properties':{"
               "'flag':{'title':'Flag','type':'boolean'},"
               "'tiny':{'title':'Tiny','type':'integer'},"
               "'small':{'title':'Small','type':'integer','minimum':0,'maximum':10},"
               "'byte':{'title':'Byte','type':'integer','minimum':0},"
               "'count':{'title':'Count','type':'integer','minimum':1,'maximum':100},"
               "'any_int':{'title':'Any Int','type':'integer'},"
               "'natural':{'title':'Natural','type':'integer','minimum':0},"
               "'percent':{'title':'Percent','type':'integer','minimum':5,'maximum':100},"
               "'long':{'title':'Long','type':'integer'},"
               "'ulong':{'title':'Ulong','type':'integer','minimum':0},"
               "'big':{'title':'Big','type':'integer','minimum':-5},"
               "'ubig':{'title':'Ubig','type':'integer','minimum':0},"
               "'ratio':{'title':'Ratio','type':'number','minimum':0.0,'maximum':1.0},"
               "'scale':{'title':'Scale','type':'number'},"
               "'temperature':{'title':'Temperature','type':'number','minimum':-270.5},"
               "'label':{'title':'Label','type':'string'},"
               "'color':{'title':'Color','type':'string','enum':['red','green','dark-blue']},"
               "'permissions':{'title':'Permissions','type':'array','items':{'type':'string',"
               "'enum':['read','write','exec']},'uniqueItems':true},"
               "'tags':{'title':'Tags','type':'array','items':{'type':'string'}},"
               "'created_at':{'title':'Created At','type':'string','format':'date-time'},"
               "'payment':{'title':'Payment','$ref':'#/components/schemas/Payment'},"
               "'anything':{'title':'Anything','type':'object'},"
               "'extra':{'title':'Extra'},"
               "'letter':{'title':'Letter','type':'integer','minimum':0,'maximum':1114111}},"
               "'required':['flag','tiny','small','byte','count','any_int','natural','percent',"
               "'long','ulong','big','ubig','ratio','scale','temperature','label','color',"
               "'permissions','tags','created_at','payment','anything','extra','letter']}");
}

static void
test_optional_defaults (void)
{
  g_autoptr(JsonNode) schema = schema_of (defaults_get_type ());

  assert_json (schema,
               "{'title':'Defaults','type':'object','properties':{"
               "'id':{'title':'Id','type':'string'},"
               "'note':{'title':'Note','type':['string','null'],'description':'A free-form note',"
               "'default':null},"
               "'status':{'title':'Status','type':'string','default':'new'},"
               "'retries':{'title':'Retries','type':'integer','minimum':0,'maximum':10,"
               "'default':3},"
               "'ratio':{'title':'Ratio','type':'number','minimum':0.0,'maximum':1.0,"
               "'default':0.5},"
               "'weight':{'title':'Weight','type':'number','minimum':0.0,'maximum':100.0,"
               "'default':0.10000000000000001},"
               "'color':{'title':'Color','type':'string','enum':['red','green','dark-blue'],"
               "'default':'dark-blue'},"
               "'permissions':{'title':'Permissions','type':'array','items':{'type':'string',"
               "'enum':['read','write','exec']},'uniqueItems':true,'default':['read','exec']},"
               "'tags':{'title':'Tags','type':['array','null'],'items':{'type':'string'},"
               "'default':null},"
               "'when':{'title':'When','type':['string','null'],'format':'date-time',"
               "'default':null},"
               "'payment':{'title':'Payment','anyOf':[{'$ref':'#/components/schemas/Payment'},"
               "{'type':'null'}],'description':'The payment, if any','default':null},"
               "'anything':{'title':'Anything','type':['object','null'],'default':null},"
               "'extra':{'title':'Extra','default':null},"
               "'enabled':{'title':'Enabled','type':'boolean'}},"
               "'required':['id','enabled']}");

  /* Bindings mark members with a call instead of the flag, and can undo the flag. */
  g_assert_false (wh_model_is_optional (defaults_get_type (), "enabled"));
  g_assert_true (wh_model_is_optional (defaults_get_type (), "note"));
  wh_model_set_optional (defaults_get_type (), "enabled", TRUE);
  wh_model_set_optional (defaults_get_type (), "note", FALSE);
  g_assert_true (wh_model_is_optional (defaults_get_type (), "enabled"));
  g_assert_false (wh_model_is_optional (defaults_get_type (), "note"));
  g_assert_false (wh_model_is_optional (defaults_get_type (), "no-such-property"));

  {
    g_autoptr(JsonNode) changed = schema_of (defaults_get_type ());
    JsonObject *properties = json_object_get_object_member (json_node_get_object (changed),
                                                            "properties");

    assert_json (json_object_get_member (properties, "enabled"),
                 "{'title':'Enabled','type':'boolean','default':true}");
    assert_json (json_object_get_member (properties, "note"),
                 "{'title':'Note','type':'string','description':'A free-form note'}");
    assert_json (json_object_get_member (json_node_get_object (changed), "required"),
                 "['id','note']");
  }

  wh_model_set_optional (defaults_get_type (), "enabled", FALSE);
  wh_model_set_optional (defaults_get_type (), "note", TRUE);
}

static void
test_nested_and_self_reference (void)
{
  g_autoptr(WhSchemaRegistry) registry = wh_schema_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ref = NULL;
  g_autoptr(JsonNode) components = NULL;

  g_assert_true (wh_schema_registry_is_empty (registry));

  ref = wh_schema_registry_schema_for_type (registry, customer_get_type (), &error);
  g_assert_no_error (error);
  assert_json (ref, "{'$ref':'#/components/schemas/Customer'}");
  g_assert_false (wh_schema_registry_is_empty (registry));
  g_assert_true (wh_schema_registry_has_component (registry, "Customer"));
  g_assert_true (wh_schema_registry_has_component (registry, "Payment"));

  components = wh_schema_registry_to_json (registry);
  assert_json (components,
               "{'Customer':{'title':'Customer','type':'object','properties':{"
               "'name':{'title':'Name','type':'string'},"
               "'last_payment':{'title':'Last Payment','$ref':'#/components/schemas/Payment'},"
               "'referrer':{'title':'Referrer','anyOf':[{'$ref':'#/components/schemas/Customer'},"
               "{'type':'null'}],'description':'Who brought them','default':null}},"
               "'required':['name','last_payment']},"
               "'Payment':{'title':'Payment','type':'object','properties':{"
               "'is_paid':{'title':'Is Paid','type':'boolean'},"
               "'amount':{'title':'Amount','type':'number','description':'In euros'},"
               "'paid_at':{'title':'Paid At','type':'string','format':'date-time'}},"
               "'required':['is_paid','amount','paid_at']}}");
}

static void
test_registry_sorted_and_components (void)
{
  g_autoptr(WhSchemaRegistry) registry = wh_schema_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) components = NULL;
  JsonNode *schema;
  g_autoptr(GList) names = NULL;
  const char *previous = NULL;
  guint n = 0;

  wh_schema_registry_add_component (registry, "ValidationError",
                                    json_from_string ("{\"title\":\"ValidationError\"}", NULL));
  g_assert_true (wh_schema_registry_has_component (registry, "ValidationError"));
  g_assert_false (wh_schema_registry_has_component (registry, "Payment"));

  for (GType types[] = { payment_event_get_type (), all_types_get_type (),
                         customer_get_type (), defaults_get_type () }, *t = types;
       t < types + 4; t++)
    {
      g_autoptr(JsonNode) ref = wh_schema_registry_schema_for_type (registry, *t, &error);

      g_assert_no_error (error);
      g_assert_nonnull (ref);
    }

  /* Registering again converts nothing and changes nothing. */
  schema = wh_schema_registry_lookup_component (registry, "Payment");
  {
    g_autoptr(JsonNode) again = wh_schema_registry_schema_for_type (registry,
                                                                    payment_get_type (),
                                                                    &error);
    g_assert_no_error (error);
    g_assert_true (wh_schema_registry_lookup_component (registry, "Payment") == schema);
  }

  components = wh_schema_registry_to_json (registry);
  names = json_object_get_members (json_node_get_object (components));
  for (GList *l = names; l != NULL; l = l->next)
    {
      if (previous != NULL)
        g_assert_cmpint (strcmp (previous, l->data), <, 0);
      previous = l->data;
      n++;
    }
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpstr (previous, ==, "ValidationError");
  g_assert_true (json_object_has_member (json_node_get_object (components), "AllTypes"));
  g_assert_true (json_object_has_member (json_node_get_object (components), "PaymentEvent"));
}

static void
test_registry_shares_schemas (void)
{
  g_autoptr(WhSchemaRegistry) first = wh_schema_registry_new ();
  g_autoptr(WhSchemaRegistry) second = wh_schema_registry_new ();
  g_autoptr(WhSchemaRegistry) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) a = wh_schema_registry_schema_for_type (first, customer_get_type (), &error);
  g_autoptr(JsonNode) b = wh_schema_registry_schema_for_type (second, customer_get_type (), &error);
  g_autoptr(JsonNode) c = NULL;
  g_autoptr(JsonNode) components = NULL;

  g_assert_no_error (error);

  /* Each model is converted once per process, and its schema cannot be changed through
   * one document under the others. */
  g_assert_true (wh_schema_registry_lookup_component (first, "Customer") ==
                 wh_schema_registry_lookup_component (second, "Customer"));
  g_assert_true (json_node_is_immutable (wh_schema_registry_lookup_component (first, "Customer")));

  /* A model the cached one refers to is registered too. */
  g_assert_true (wh_schema_registry_has_component (second, "Payment"));

  /* Any wh_model_set_*() call makes a new one. */
  wh_model_set_optional (customer_get_type (), "name", TRUE);
  third = wh_schema_registry_new ();
  c = wh_schema_registry_schema_for_type (third, customer_get_type (), &error);
  g_assert_no_error (error);
  g_assert_true (wh_schema_registry_lookup_component (third, "Customer") !=
                 wh_schema_registry_lookup_component (first, "Customer"));
  components = wh_schema_registry_to_json (third);
  assert_json (json_object_get_member (json_node_get_object (
                 json_object_get_member (json_node_get_object (components), "Customer")),
                 "required"),
               "['last_payment']");
  wh_model_set_optional (customer_get_type (), "name", FALSE);
}

static void
test_inline_schemas (void)
{
  g_autoptr(WhSchemaRegistry) registry = wh_schema_registry_new ();
  struct { GType type; const char *json; } cases[] = {
    { G_TYPE_STRING, "{'type':'string'}" },
    { G_TYPE_BOOLEAN, "{'type':'boolean'}" },
    { G_TYPE_INT, "{'type':'integer'}" },
    { G_TYPE_INT64, "{'type':'integer'}" },
    { G_TYPE_UINT, "{'type':'integer','minimum':0}" },
    { G_TYPE_UINT64, "{'type':'integer','minimum':0}" },
    { G_TYPE_DOUBLE, "{'type':'number'}" },
    { G_TYPE_FLOAT, "{'type':'number'}" },
    { color_get_type (), "{'type':'string','enum':['red','green','dark-blue']}" },
    { perm_get_type (), "{'type':'array','items':{'type':'string','enum':['read','write','exec']},"
                        "'uniqueItems':true}" },
    { G_TYPE_STRV, "{'type':'array','items':{'type':'string'}}" },
    { G_TYPE_DATE_TIME, "{'type':'string','format':'date-time'}" },
    { JSON_TYPE_NODE, "{}" },
    { G_TYPE_OBJECT, "{'type':'object'}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) schema = wh_schema_registry_schema_for_type (registry,
                                                                       cases[i].type, &error);

      g_assert_no_error (error);
      assert_json (schema, cases[i].json);
    }

  /* Plain values register nothing. */
  g_assert_true (wh_schema_registry_is_empty (registry));

  for (GType bad[] = { G_TYPE_POINTER, G_TYPE_GTYPE, G_TYPE_VARIANT, G_TYPE_BYTES }, *t = bad;
       t < bad + 4; t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) schema = wh_schema_registry_schema_for_type (registry, *t, &error);

      g_assert_null (schema);
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
      g_assert_nonnull (strstr (error->message, g_type_name (*t)));
    }
}

static void
test_inheritance (void)
{
  g_autoptr(JsonNode) schema = schema_of (payment_event_get_type ());

  /* The ancestor's members first; the overridden `source` keeps its place and flag. */
  assert_json (schema,
               "{'title':'PaymentEvent','type':'object','properties':{"
               "'event_id':{'title':'Event Id','type':'string'},"
               "'source':{'title':'Source','type':'string','default':'app'},"
               "'sequence':{'title':'Sequence','type':'integer','minimum':0},"
               "'amount':{'title':'Amount','type':'number','minimum':0.0}},"
               "'required':['event_id','sequence','amount']}");

  /* Marking it on the parent reaches the child; the child can say otherwise. */
  wh_model_set_optional (base_event_get_type (), "sequence", TRUE);
  g_assert_true (wh_model_is_optional (payment_event_get_type (), "sequence"));
  wh_model_set_optional (payment_event_get_type (), "sequence", FALSE);
  g_assert_false (wh_model_is_optional (payment_event_get_type (), "sequence"));
  g_assert_true (wh_model_is_optional (base_event_get_type (), "sequence"));
  wh_model_set_optional (base_event_get_type (), "sequence", FALSE);
}

static void
test_property_order (void)
{
  const char * const order[] = { "c", "b_b", "no-such-property", NULL };
  const char * const child_order[] = { "d", NULL };
  guint generation = wh_model_get_generation ();
  g_autoptr(GPtrArray) before = wh_model_list_properties (ordered_get_type ());
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) child = NULL;
  g_autoptr(JsonNode) schema = NULL;

  g_assert_cmpuint (before->len, ==, 3);
  g_assert_cmpstr (((GParamSpec *) before->pdata[0])->name, ==, "a");
  g_assert_cmpstr (((GParamSpec *) before->pdata[1])->name, ==, "b-b");
  g_assert_cmpstr (((GParamSpec *) before->pdata[2])->name, ==, "c");

  wh_model_set_property_order (ordered_get_type (), order);
  g_assert_cmpuint (wh_model_get_generation (), !=, generation);

  after = wh_model_list_properties (ordered_get_type ());
  g_assert_cmpstr (((GParamSpec *) after->pdata[0])->name, ==, "c");
  g_assert_cmpstr (((GParamSpec *) after->pdata[1])->name, ==, "b-b");
  g_assert_cmpstr (((GParamSpec *) after->pdata[2])->name, ==, "a");
  /* The array handed out before is a snapshot, not changed under its holder. */
  g_assert_cmpstr (((GParamSpec *) before->pdata[0])->name, ==, "a");

  schema = schema_of (ordered_get_type ());
  assert_json (schema,
               "{'title':'Ordered','type':'object','properties':{"
               "'c':{'title':'C','type':'integer'},"
               "'b_b':{'title':'B B','type':'integer'},"
               "'a':{'title':'A','type':'integer'}},"
               "'required':['c','b_b','a']}");

  /* A subclass starts from its parent's order, and may reorder everything. */
  child = wh_model_list_properties (ordered_child_get_type ());
  g_assert_cmpuint (child->len, ==, 4);
  g_assert_cmpstr (((GParamSpec *) child->pdata[0])->name, ==, "c");
  g_assert_cmpstr (((GParamSpec *) child->pdata[3])->name, ==, "d");
  g_clear_pointer (&child, g_ptr_array_unref);

  wh_model_set_property_order (ordered_child_get_type (), child_order);
  child = wh_model_list_properties (ordered_child_get_type ());
  g_assert_cmpstr (((GParamSpec *) child->pdata[0])->name, ==, "d");
  g_assert_cmpstr (((GParamSpec *) child->pdata[1])->name, ==, "c");
  g_clear_pointer (&child, g_ptr_array_unref);

  wh_model_set_property_order (ordered_get_type (), NULL);
  wh_model_set_property_order (ordered_child_get_type (), NULL);
  child = wh_model_list_properties (ordered_child_get_type ());
  g_assert_cmpstr (((GParamSpec *) child->pdata[0])->name, ==, "a");
  g_assert_cmpstr (((GParamSpec *) child->pdata[3])->name, ==, "d");
}

static void
test_names (void)
{
  GType invoice = register_plain_type ("billing+Invoice");
  GType nested = register_plain_type ("a+b+Receipt");
  guint generation;
  g_autoptr(JsonNode) schema = NULL;

  g_assert_cmpstr (wh_model_get_name (payment_get_type ()), ==, "Payment");
  g_assert_cmpstr (wh_model_get_name (invoice), ==, "Invoice");
  g_assert_cmpstr (wh_model_get_name (nested), ==, "Receipt");

  schema = schema_of (invoice);
  assert_json (schema, "{'title':'Invoice','type':'object','properties':{}}");
  g_clear_pointer (&schema, json_node_unref);

  generation = wh_model_get_generation ();
  wh_model_set_name (invoice, "Bill");
  g_assert_cmpuint (wh_model_get_generation (), !=, generation);
  g_assert_cmpstr (wh_model_get_name (invoice), ==, "Bill");
  schema = schema_of (invoice);
  assert_json (schema, "{'title':'Bill','type':'object','properties':{}}");

  wh_model_set_name (invoice, NULL);
  g_assert_cmpstr (wh_model_get_name (invoice), ==, "Invoice");
}

static void
test_duplicate_names (void)
{
  GType first = register_plain_type ("shop+Order");
  GType second = register_plain_type ("warehouse+Order");
  g_autoptr(WhSchemaRegistry) registry = wh_schema_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ref = NULL;

  ref = wh_schema_registry_schema_for_type (registry, first, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ref, json_node_unref);

  /* The same type again is no clash. */
  ref = wh_schema_registry_schema_for_type (registry, first, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ref, json_node_unref);

  ref = wh_schema_registry_schema_for_type (registry, second, &error);
  g_assert_null (ref);
  g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "shop+Order"));
  g_assert_nonnull (strstr (error->message, "warehouse+Order"));
  g_assert_nonnull (strstr (error->message, "wh_model_set_name"));
  g_clear_error (&error);

  /* The fix the message gives works. */
  wh_model_set_name (second, "WarehouseOrder");
  ref = wh_schema_registry_schema_for_type (registry, second, &error);
  g_assert_no_error (error);
  assert_json (ref, "{'$ref':'#/components/schemas/WarehouseOrder'}");
  g_clear_pointer (&ref, json_node_unref);

  /* A model may not take the name of a component the builder made. */
  wh_schema_registry_add_component (registry, "HTTPValidationError",
                                    json_from_string ("{}", NULL));
  wh_model_set_name (second, "HTTPValidationError");
  {
    g_autoptr(WhSchemaRegistry) other = wh_schema_registry_new ();

    wh_schema_registry_add_component (other, "HTTPValidationError",
                                      json_from_string ("{}", NULL));
    ref = wh_schema_registry_schema_for_type (other, second, &error);
    g_assert_null (ref);
    g_assert_error (error, WH_ERROR, WH_ERROR_DUPLICATE);
    g_clear_error (&error);
  }

  /* Nor a name that cannot be a component key. */
  wh_model_set_name (second, "Warehouse Order");
  {
    g_autoptr(WhSchemaRegistry) other = wh_schema_registry_new ();

    ref = wh_schema_registry_schema_for_type (other, second, &error);
    g_assert_null (ref);
    g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
    g_assert_nonnull (strstr (error->message, "Warehouse Order"));
    g_clear_error (&error);
  }
  wh_model_set_name (second, NULL);
}

static void
test_unsupported (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) schema = wh_model_get_schema (broken_get_type (), &error);
  g_autoptr(WhSchemaRegistry) registry = wh_schema_registry_new ();
  g_autoptr(GObject) broken = NULL;
  g_autoptr(JsonNode) json = NULL;

  g_assert_null (schema);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "Broken"));
  g_assert_nonnull (strstr (error->message, "data"));
  g_assert_nonnull (strstr (error->message, "gpointer"));
  g_assert_nonnull (strstr (error->message, "GDateTime"));
  g_clear_error (&error);

  /* A model that fails leaves nothing half-registered behind, not even the models it
   * had registered on the way. */
  schema = wh_schema_registry_schema_for_type (registry, has_broken_get_type (), &error);
  g_assert_null (schema);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
  g_clear_error (&error);
  g_assert_true (wh_schema_registry_is_empty (registry));

  broken = g_object_new (broken_get_type (), "name", "x", NULL);
  json = wh_model_serialize (broken, &error);
  g_assert_null (json);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "data"));
}

static void
test_serialize_payment (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (3600);
  g_autoptr(GDateTime) when = g_date_time_new (tz, 2024, 5, 17, 9, 30, 0);
  g_autoptr(GObject) payment = g_object_new (payment_get_type (),
                                             "is-paid", TRUE,
                                             "amount", 12.5,
                                             "paid-at", when,
                                             NULL);
  g_autoptr(GObject) unpaid = g_object_new (payment_get_type (), NULL);
  g_autoptr(JsonNode) json = wh_model_serialize (payment, &error);
  g_autoptr(JsonNode) empty = NULL;

  g_assert_no_error (error);
  assert_json (json, "{'is_paid':true,'amount':12.5,'paid_at':'2024-05-17T09:30:00+01:00'}");

  empty = wh_model_serialize (unpaid, &error);
  g_assert_no_error (error);
  assert_json (empty, "{'is_paid':false,'amount':0.0,'paid_at':null}");
}

static void
test_serialize_all_types (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_utc (2024, 1, 2, 3, 4, 5.25);
  g_autoptr(GObject) payment = g_object_new (payment_get_type (), "amount", 3.0, NULL);
  g_autoptr(GObject) anything = g_object_new (ordered_get_type (), "a", 1, NULL);
  g_autoptr(JsonNode) extra = json_from_string ("{\"k\":[1,\"two\",null]}", NULL);
  const char * const tags[] = { "x", "y", NULL };
  g_autoptr(GObject) all = g_object_new (all_types_get_type (),
                                         "flag", TRUE,
                                         "tiny", -3,
                                         "small", 7,
                                         "byte", 200,
                                         "count", 42,
                                         "any-int", G_MININT,
                                         "natural", G_MAXUINT,
                                         "percent", 99,
                                         "long", (glong) -12,
                                         "ulong", (gulong) 12,
                                         "big", G_MAXINT64,
                                         "ubig", (guint64) G_MAXINT64,
                                         "ratio", 0.25f,
                                         "scale", -1.5,
                                         "temperature", 21.0,
                                         "label", "hello \"world\"",
                                         "color", COLOR_DARK_BLUE,
                                         "permissions", PERM_READ | PERM_EXEC,
                                         "tags", tags,
                                         "created-at", when,
                                         "payment", payment,
                                         "anything", anything,
                                         "extra", extra,
                                         "letter", 0x00e9,
                                         "secret", "not sent",
                                         NULL);
  g_autoptr(GObject) defaults = g_object_new (all_types_get_type (), NULL);
  g_autoptr(JsonNode) json = wh_model_serialize (all, &error);
  g_autoptr(JsonNode) json_defaults = NULL;

  g_assert_no_error (error);
  assert_json (json,
               "{'flag':true,'tiny':-3,'small':7,'byte':200,'count':42,'any_int':-2147483648,"
               "'natural':4294967295,'percent':99,'long':-12,'ulong':12,"
               "'big':9223372036854775807,'ubig':9223372036854775807,'ratio':0.25,"
               "'scale':-1.5,'temperature':21.0,'label':'hello \\'world\\'',"
               "'color':'dark-blue','permissions':['read','exec'],'tags':['x','y'],"
               "'created_at':'2024-01-02T03:04:05.250000Z',"
               "'payment':{'is_paid':false,'amount':3.0,'paid_at':null},"
               "'anything':{'a':1,'b_b':0,'c':0},"
               "'extra':{'k':[1,'two',null]},'letter':233}");

  json_defaults = wh_model_serialize (defaults, &error);
  g_assert_no_error (error);
  assert_json (json_defaults,
               "{'flag':false,'tiny':0,'small':0,'byte':0,'count':1,'any_int':0,"
               "'natural':0,'percent':5,'long':0,'ulong':0,'big':0,'ubig':0,'ratio':0.0,"
               "'scale':0.0,'temperature':0.0,'label':null,'color':'red','permissions':[],"
               "'tags':null,'created_at':null,'payment':null,'anything':null,'extra':null,"
               "'letter':97}");
}

static void
test_serialize_float_shortest (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) all = g_object_new (all_types_get_type (), "ratio", 0.1f, NULL);
  g_autoptr(JsonNode) json = wh_model_serialize (all, &error);

  g_assert_no_error (error);
  /* 0.1f is 0.100000001490116…; what is sent is the decimal the sender wrote. */
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (json), "ratio"),
                     ==, 0.1);
  g_assert_cmpfloat (wh_model_float_to_double (0.1f), ==, 0.1);
  g_assert_cmpfloat (wh_model_float_to_double (1.0f / 3.0f), ==, 0.33333334);
}

static void
test_serialize_nested_and_cycle (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) payment = g_object_new (payment_get_type (), "is-paid", TRUE, NULL);
  g_autoptr(GObject) referrer = g_object_new (customer_get_type (), "name", "Ann", NULL);
  g_autoptr(GObject) customer = g_object_new (customer_get_type (),
                                              "name", "Bob",
                                              "last-payment", payment,
                                              "referrer", referrer,
                                              NULL);
  g_autoptr(JsonNode) json = wh_model_serialize (customer, &error);
  g_autoptr(GObject) shared = g_object_new (customer_get_type (), "name", "Cy",
                                            "last-payment", payment, NULL);
  g_autoptr(JsonNode) json_shared = NULL;

  g_assert_no_error (error);
  assert_json (json,
               "{'name':'Bob',"
               "'last_payment':{'is_paid':true,'amount':0.0,'paid_at':null},"
               "'referrer':{'name':'Ann','last_payment':null,'referrer':null}}");

  /* The same object twice, not inside itself, is no cycle. */
  g_object_set (referrer, "last-payment", payment, NULL);
  g_clear_pointer (&json, json_node_unref);
  json = wh_model_serialize (customer, &error);
  g_assert_no_error (error);

  /* A customer who referred themselves cannot be written as JSON. */
  g_object_set (referrer, "referrer", customer, NULL);
  g_clear_pointer (&json, json_node_unref);
  json = wh_model_serialize (customer, &error);
  g_assert_null (json);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "cycle"));
  g_clear_error (&error);

  /* Break the cycle by hand, or the objects keep each other alive. */
  g_object_set (referrer, "referrer", NULL, NULL);

  json_shared = wh_model_serialize (shared, &error);
  g_assert_no_error (error);
}

static void
test_serialize_errors (void)
{
  struct { const char *property; double value; const char *word; } numbers[] = {
    { "scale", NAN, "NaN" },
    { "scale", INFINITY, "Infinity" },
    { "temperature", -INFINITY, "-Infinity" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GObject) all = g_object_new (all_types_get_type (), NULL);
      g_autoptr(JsonNode) json = NULL;
      GValue *stored = g_new0 (GValue, 1);

      /* GObject refuses these in g_object_set(); a getter can still compute one. */
      g_value_init (stored, G_TYPE_DOUBLE);
      g_value_set_double (stored, numbers[i].value);
      g_object_set_data_full (all, numbers[i].property, stored, free_value);
      json = wh_model_serialize (all, &error);
      g_assert_null (json);
      g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
      g_assert_nonnull (strstr (error->message, numbers[i].property));
      g_assert_nonnull (strstr (error->message, numbers[i].word));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GObject) all = g_object_new (all_types_get_type (), "ubig", G_MAXUINT64, NULL);
    g_autoptr(JsonNode) json = wh_model_serialize (all, &error);

    g_assert_null (json);
    g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
    g_assert_nonnull (strstr (error->message, "ubig"));
  }
}

static void
test_lists (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) schema = schema_of (cart_get_type ());
  g_autoptr(GListStore) items = g_list_store_new (payment_get_type ());
  g_autoptr(GListStore) misc = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(GObject) first = g_object_new (payment_get_type (), "amount", 1.5, NULL);
  g_autoptr(GObject) second = g_object_new (payment_get_type (), "is-paid", TRUE, NULL);
  g_autoptr(GObject) other = g_object_new (ordered_get_type (), "c", 3, NULL);
  g_autoptr(GObject) cart = NULL;
  g_autoptr(JsonNode) json = NULL;

  assert_json (schema,
               "{'title':'Cart','type':'object','properties':{"
               "'items':{'title':'Items','type':'array','items':"
               "{'$ref':'#/components/schemas/Payment'}},"
               "'gifts':{'title':'Gifts','type':['array','null'],'items':"
               "{'$ref':'#/components/schemas/Customer'},'default':null},"
               "'misc':{'title':'Misc','type':'array','items':{'type':'object'}}},"
               "'required':['items','misc']}");
  g_assert_true (wh_model_get_item_type (cart_get_type (), "items") == payment_get_type ());
  g_assert_true (wh_model_get_item_type (cart_get_type (), "nothing") == G_TYPE_INVALID);

  {
    g_autoptr(WhSchemaRegistry) registry = wh_schema_registry_new ();
    g_autoptr(JsonNode) ref = wh_schema_registry_schema_for_type (registry, cart_get_type (),
                                                                  &error);

    g_assert_no_error (error);
    g_assert_true (wh_schema_registry_has_component (registry, "Payment"));
    g_assert_true (wh_schema_registry_has_component (registry, "Customer"));
  }

  g_list_store_append (items, first);
  g_list_store_append (items, second);
  g_list_store_append (misc, other);
  cart = g_object_new (cart_get_type (), "items", items, "misc", misc, NULL);
  json = wh_model_serialize (cart, &error);
  g_assert_no_error (error);
  assert_json (json,
               "{'items':[{'is_paid':false,'amount':1.5,'paid_at':null},"
               "{'is_paid':true,'amount':0.0,'paid_at':null}],"
               "'gifts':null,'misc':[{'a':0,'b_b':0,'c':3}]}");
  g_clear_pointer (&json, json_node_unref);

  /* An item of another type than declared is refused, not sent under a wrong schema. */
  g_object_set (cart, "items", misc, NULL);
  json = wh_model_serialize (cart, &error);
  g_assert_null (json);
  g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "Ordered"));
  g_clear_error (&error);

  /* A list of unknown items says how to declare them. */
  {
    g_autoptr(JsonNode) untyped = wh_model_get_schema (untyped_list_get_type (), &error);
    g_autoptr(GObject) instance = g_object_new (untyped_list_get_type (), NULL);
    g_autoptr(JsonNode) sent = NULL;

    g_assert_null (untyped);
    g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
    g_assert_nonnull (strstr (error->message, "wh_model_set_item_type"));
    g_assert_nonnull (strstr (error->message, "entries"));
    g_clear_error (&error);

    sent = wh_model_serialize (instance, &error);
    g_assert_null (sent);
    g_assert_error (error, WH_ERROR, WH_ERROR_INVALID_MODEL);
    g_clear_error (&error);
  }
}

static void
test_generation (void)
{
  guint generation = wh_model_get_generation ();

  wh_model_set_optional (payment_get_type (), "amount", FALSE);
  g_assert_cmpuint (wh_model_get_generation (), ==, generation + 1);
  wh_model_set_name (payment_get_type (), NULL);
  g_assert_cmpuint (wh_model_get_generation (), ==, generation + 2);
  wh_model_set_property_order (payment_get_type (), NULL);
  g_assert_cmpuint (wh_model_get_generation (), ==, generation + 3);
}

static void
test_schema_matches_serialization (void)
{
  /* Every member the schema lists is sent, in the same order, and nothing else. */
  GType types[] = { payment_get_type (), all_types_get_type (), defaults_get_type (),
                    customer_get_type (), payment_event_get_type () };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) schema = schema_of (types[i]);
      g_autoptr(GObject) instance = g_object_new (types[i], NULL);
      g_autoptr(JsonNode) json = wh_model_serialize (instance, &error);
      g_autoptr(GList) schema_members = NULL;
      g_autoptr(GList) sent_members = NULL;
      JsonObject *properties;

      g_assert_no_error (error);
      properties = json_object_get_object_member (json_node_get_object (schema), "properties");
      schema_members = json_object_get_members (properties);
      sent_members = json_object_get_members (json_node_get_object (json));
      g_assert_cmpuint (g_list_length (schema_members), ==, g_list_length (sent_members));
      for (GList *a = schema_members, *b = sent_members; a != NULL; a = a->next, b = b->next)
        g_assert_cmpstr (a->data, ==, b->data);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/member-name", test_member_name);
  g_test_add_func ("/model/schema/payment", test_payment_schema);
  g_test_add_func ("/model/schema/all-types", test_all_types_schema);
  g_test_add_func ("/model/schema/optional-defaults", test_optional_defaults);
  g_test_add_func ("/model/schema/inheritance", test_inheritance);
  g_test_add_func ("/model/schema/property-order", test_property_order);
  g_test_add_func ("/model/schema/unsupported", test_unsupported);
  g_test_add_func ("/model/names/plus", test_names);
  g_test_add_func ("/model/names/duplicate", test_duplicate_names);
  g_test_add_func ("/model/registry/nested-and-self-reference", test_nested_and_self_reference);
  g_test_add_func ("/model/registry/sorted", test_registry_sorted_and_components);
  g_test_add_func ("/model/registry/inline", test_inline_schemas);
  g_test_add_func ("/model/registry/shared", test_registry_shares_schemas);
  g_test_add_func ("/model/serialize/payment", test_serialize_payment);
  g_test_add_func ("/model/serialize/all-types", test_serialize_all_types);
  g_test_add_func ("/model/serialize/float", test_serialize_float_shortest);
  g_test_add_func ("/model/serialize/nested-and-cycle", test_serialize_nested_and_cycle);
  g_test_add_func ("/model/serialize/errors", test_serialize_errors);
  g_test_add_func ("/model/serialize/matches-schema", test_schema_matches_serialization);
  g_test_add_func ("/model/lists", test_lists);
  g_test_add_func ("/model/generation", test_generation);

  return g_test_run ();
}
