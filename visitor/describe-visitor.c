/*
 * The describe visitor: records a walk's layout as a schema tree (see
 * include/qvisit/describe-visitor.h and docs/formats.md, "Schema
 * description").
 *
 * Every struct, array and primitive becomes one node dict. A node is
 * complete when its visit ends (a primitive at once, a container at its
 * end call) and is then attached to its parent: appended to a struct's
 * "members", or stored as an array's "element" (element 0) / compared with
 * it (every later element).
 */
#include "qvisit/describe-visitor.h"

#include <string.h>

#include "visitor/visitor-impl.h"

typedef struct DescribeFrame {
    QDict *node;              /* owned */
    bool is_array;
    size_t index;             /* arrays: elements attached so far */
} DescribeFrame;

typedef struct DescribeVisitor {
    Visitor visitor;
    GArray *stack;            /* of DescribeFrame */
    QObject *root;            /* owned until handed over */
    char *optional;           /* name of the last visit_optional() */
    char *config;             /* name of the last present config member */
    bool sample_next;         /* the next array is a sampled one */
    QObject **result;
} DescribeVisitor;

static DescribeVisitor *to_dv(Visitor *v)
{
    return (DescribeVisitor *)v;
}

static DescribeFrame *top(DescribeVisitor *dv)
{
    if (!dv->stack->len) {
        return NULL;
    }
    return &g_array_index(dv->stack, DescribeFrame, dv->stack->len - 1);
}

/*
 * A new node for member @name: struct members carry their name (and
 * "optional": true when visit_optional() announced them, "config": true
 * when visit_config_member() did), array elements and the root carry
 * none.
 */
static QDict *node_new(DescribeVisitor *dv, const char *name,
                       const char *type)
{
    DescribeFrame *parent = top(dv);
    QDict *node = qdict_new();

    if (parent && !parent->is_array) {
        qdict_put_str(node, "name", name);
        if (dv->optional && !strcmp(dv->optional, name)) {
            qdict_put_bool(node, "optional", true);
        }
        if (dv->config && !strcmp(dv->config, name)) {
            qdict_put_bool(node, "config", true);
        }
    }
    g_clear_pointer(&dv->optional, g_free);
    g_clear_pointer(&dv->config, g_free);
    qdict_put_str(node, "type", type);
    return node;
}

/* Attaches the finished @node (taking it) to the innermost container. */
static bool attach(DescribeVisitor *dv, QDict *node, GError **errp)
{
    g_autoptr(QDict) owned = node;
    DescribeFrame *parent = top(dv);
    Visitor *v = &dv->visitor;

    if (!parent) {
        if (dv->root) {
            return visit__set_error(v, errp, QVISIT_ERROR_FAILED,
                                    "a walk visits exactly one root value");
        }
        dv->root = QOBJECT(g_steal_pointer(&owned));
        return true;
    }
    if (parent->is_array) {
        QObject *first = qdict_get(parent->node, "element");

        parent->index++;
        if (!first) {
            qdict_put(parent->node, "element", g_steal_pointer(&owned));
            return true;
        }
        if (!qobject_is_equal(first, QOBJECT(owned))) {
            return visit__set_error(v, errp, QVISIT_ERROR_INVALID,
                                    "element layout differs from element 0");
        }
        return true;
    } else {
        QList *members = qobject_to(QList, qdict_get(parent->node,
                                                     "members"));
        const char *name = qstring_get_str(qobject_to(
            QString, qdict_get(owned, "name")));

        for (size_t i = 0; i < qlist_size(members); i++) {
            QDict *m = qobject_to(QDict, qlist_get(members, i));

            if (!strcmp(qstring_get_str(qobject_to(
                            QString, qdict_get(m, "name"))), name)) {
                return visit__set_error(v, errp, QVISIT_ERROR_INVALID,
                                        "member described twice");
            }
        }
        qlist_append(members, g_steal_pointer(&owned));
        return true;
    }
}

static void push(DescribeVisitor *dv, QDict *node, bool is_array)
{
    DescribeFrame f = { node, is_array, 0 };

    g_array_append_val(dv->stack, f);
}

static bool dv_start_struct(Visitor *v, const char *name, GError **errp)
{
    DescribeVisitor *dv = to_dv(v);
    QDict *node = node_new(dv, name, "struct");

    (void)errp;
    qdict_put(node, "members", qlist_new());
    push(dv, node, false);
    return true;
}

static bool dv_start_array(Visitor *v, const char *name, size_t len,
                           GError **errp)
{
    DescribeVisitor *dv = to_dv(v);
    QDict *node = node_new(dv, name, "array");

    (void)errp;
    /* A sampled array is described with the length its zeroed state
     * has, 0, and the layout of the one element the walk visits. */
    qdict_put_uint(node, "length", dv->sample_next ? 0 : len);
    dv->sample_next = false;
    push(dv, node, true);
    return true;
}

/*
 * Called by the core before it pops its own frame, so an error here is
 * reported with the container's path.
 */
static bool dv_end_container(Visitor *v, GError **errp)
{
    DescribeVisitor *dv = to_dv(v);
    QDict *node = top(dv)->node;

    g_array_set_size(dv->stack, dv->stack->len - 1);
    return attach(dv, node, errp);
}

static bool dv_optional(Visitor *v, const char *name, bool *present,
                        GError **errp)
{
    DescribeVisitor *dv = to_dv(v);

    (void)errp;
    g_free(dv->optional);
    dv->optional = g_strdup(name);
    *present = true;
    return true;
}

/*
 * A member the configuration has is marked on its node, which comes next;
 * one it lacks has no node, so the struct lists its name.
 */
static void dv_config_member(Visitor *v, const char *name, bool present)
{
    DescribeVisitor *dv = to_dv(v);
    QDict *node = top(dv)->node;
    QList *absent;

    g_free(dv->config);
    dv->config = NULL;
    if (present) {
        dv->config = g_strdup(name);
        return;
    }
    absent = qobject_to(QList, qdict_get(node, "config_absent"));
    if (!absent) {
        absent = qlist_new();
        qdict_put(node, "config_absent", absent);
    }
    qlist_append_str(absent, name);
}

static bool dv_scalar(Visitor *v, const char *name, const char *type,
                      GError **errp)
{
    DescribeVisitor *dv = to_dv(v);

    return attach(dv, node_new(dv, name, type), errp);
}

static bool dv_type_int(Visitor *v, const char *name, int64_t *obj,
                        unsigned bits, GError **errp)
{
    (void)obj;
    return dv_scalar(v, name, visit__int_type_name(bits, true), errp);
}

static bool dv_type_uint(Visitor *v, const char *name, uint64_t *obj,
                         unsigned bits, GError **errp)
{
    (void)obj;
    return dv_scalar(v, name, visit__int_type_name(bits, false), errp);
}

static bool dv_type_bool(Visitor *v, const char *name, bool *obj,
                         GError **errp)
{
    (void)obj;
    return dv_scalar(v, name, "bool", errp);
}

static bool dv_type_number(Visitor *v, const char *name, double *obj,
                           GError **errp)
{
    (void)obj;
    return dv_scalar(v, name, "number", errp);
}

static bool dv_type_str(Visitor *v, const char *name, char **obj,
                        GError **errp)
{
    (void)obj;
    return dv_scalar(v, name, "str", errp);
}

/* An enum is an i32 on the wire; the schema lists its names too. */
static bool dv_type_enum(Visitor *v, const char *name, int64_t *obj,
                         const char *const *names, GError **errp)
{
    DescribeVisitor *dv = to_dv(v);
    QDict *node = node_new(dv, name, "i32");
    QList *list = qlist_new();

    (void)obj;
    for (size_t i = 0; names[i]; i++) {
        qlist_append_str(list, names[i]);
    }
    qdict_put(node, "enum", list);
    return attach(dv, node, errp);
}

static bool dv_type_buffer(Visitor *v, const char *name, void *buf,
                           size_t len, GError **errp)
{
    DescribeVisitor *dv = to_dv(v);
    QDict *node = node_new(dv, name, "buffer");

    (void)buf;
    qdict_put_uint(node, "length", len);
    return attach(dv, node, errp);
}

/* A register file of 4096 entries needs one element node, not 4096. */
static bool dv_type_uint_array(Visitor *v, void *arr, unsigned bits,
                               size_t n, GError **errp)
{
    DescribeVisitor *dv = to_dv(v);

    (void)arr;
    (void)errp;
    if (n) {
        QDict *node = qdict_new();

        qdict_put_str(node, "type", visit__int_type_name(bits, false));
        qdict_put(top(dv)->node, "element", node);
    }
    top(dv)->index = n;
    return true;
}

static bool dv_complete(Visitor *v, GError **errp)
{
    DescribeVisitor *dv = to_dv(v);

    if (!dv->root) {
        g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_FAILED,
                            "nothing was visited");
        return false;
    }
    *dv->result = g_steal_pointer(&dv->root);
    return true;
}

static void dv_free(Visitor *v)
{
    DescribeVisitor *dv = to_dv(v);

    for (guint i = 0; i < dv->stack->len; i++) {
        qobject_unref(g_array_index(dv->stack, DescribeFrame, i).node);
    }
    g_array_free(dv->stack, true);
    qobject_unref(dv->root);
    g_free(dv->optional);
    g_free(dv->config);
    visit__cleanup(v);
    g_free(dv);
}

bool describe_visitor_start_sample_array(Visitor *v, const char *name,
                                         GError **errp)
{
    g_return_val_if_fail(v != NULL && v->free == dv_free, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    to_dv(v)->sample_next = true;
    if (!visit_start_array(v, name, 1, errp)) {
        to_dv(v)->sample_next = false;
        return false;
    }
    return true;
}

Visitor *describe_visitor_new(QObject **schema)
{
    DescribeVisitor *dv;
    Visitor *v;

    g_return_val_if_fail(schema != NULL, NULL);

    dv = g_new0(DescribeVisitor, 1);
    v = &dv->visitor;
    v->start_struct = dv_start_struct;
    v->end_struct = dv_end_container;
    v->start_array = dv_start_array;
    v->end_array = dv_end_container;
    v->optional = dv_optional;
    v->type_int = dv_type_int;
    v->type_uint = dv_type_uint;
    v->type_bool = dv_type_bool;
    v->type_number = dv_type_number;
    v->type_str = dv_type_str;
    v->type_buffer = dv_type_buffer;
    v->type_enum = dv_type_enum;
    v->type_uint_array = dv_type_uint_array;
    v->config_member = dv_config_member;
    v->complete = dv_complete;
    v->free = dv_free;
    visit__init(v, VISITOR_DESCRIBE);
    dv->stack = g_array_new(false, false, sizeof(DescribeFrame));
    dv->result = schema;
    return v;
}
