/*
 * The QObject output visitor: builds a QDict/QList tree from a walk.
 *
 * Each container is attached to its parent as soon as it is opened, so the
 * stack only holds borrowed pointers; the tree is owned by `root` until
 * visit_complete() hands it over.
 */
#include "visitor/qobject-output-json.h"

#include <math.h>

#include "visitor/visitor-impl.h"

typedef struct QObjectOutputVisitor {
    Visitor visitor;
    QObject *root;          /* owned until handed over */
    GPtrArray *stack;       /* borrowed QDict / QList pointers */
    QObject **result;       /* qobject_output_visitor_new() */
    GString *json_out;      /* json_output_visitor_new() */
    bool pretty;
    bool json;              /* refuse what JSON cannot hold */
} QObjectOutputVisitor;

static QObjectOutputVisitor *to_qov(Visitor *v)
{
    return (QObjectOutputVisitor *)v;
}

static bool qov_add(Visitor *v, const char *name, QObject *value,
                    GError **errp)
{
    QObjectOutputVisitor *qov = to_qov(v);
    QDict *dict;

    if (qov->stack->len == 0) {
        if (qov->root) {
            qobject_unref(value);
            return visit__set_error(v, errp, QVISIT_ERROR_FAILED,
                                    "a walk visits exactly one root value");
        }
        qov->root = value;
        return true;
    }
    dict = qobject_to(QDict, g_ptr_array_index(qov->stack,
                                               qov->stack->len - 1));
    if (dict) {
        qdict_put_obj(dict, name, value);
    } else {
        qlist_append_obj(g_ptr_array_index(qov->stack, qov->stack->len - 1),
                         value);
    }
    return true;
}

static bool qov_start_struct(Visitor *v, const char *name, GError **errp)
{
    QDict *dict = qdict_new();

    if (!qov_add(v, name, QOBJECT(dict), errp)) {
        return false;
    }
    g_ptr_array_add(to_qov(v)->stack, dict);
    return true;
}

static bool qov_end_container(Visitor *v, GError **errp)
{
    GPtrArray *stack = to_qov(v)->stack;

    (void)errp;
    g_ptr_array_set_size(stack, stack->len - 1);
    return true;
}

static bool qov_start_array(Visitor *v, const char *name, size_t len,
                            GError **errp)
{
    QList *list = qlist_new();

    (void)len;
    if (!qov_add(v, name, QOBJECT(list), errp)) {
        return false;
    }
    g_ptr_array_add(to_qov(v)->stack, list);
    return true;
}

/* An absent member is simply not written. */
static bool qov_optional(Visitor *v, const char *name, bool *present,
                         GError **errp)
{
    (void)v;
    (void)name;
    (void)present;
    (void)errp;
    return true;
}

static bool qov_type_int(Visitor *v, const char *name, int64_t *obj,
                         unsigned bits, GError **errp)
{
    (void)bits;
    return qov_add(v, name, QOBJECT(qnum_from_int(*obj)), errp);
}

static bool qov_type_uint(Visitor *v, const char *name, uint64_t *obj,
                          unsigned bits, GError **errp)
{
    (void)bits;
    return qov_add(v, name, QOBJECT(qnum_from_uint(*obj)), errp);
}

/* A value with a name is written as the name; any other as a number,
 * so a state is never refused for a value the table does not name. */
static bool qov_type_enum(Visitor *v, const char *name, int64_t *obj,
                          const char *const *names, GError **errp)
{
    for (int64_t i = 0; names[i]; i++) {
        if (i == *obj) {
            return qov_add(v, name, QOBJECT(qstring_from_str(names[i])),
                           errp);
        }
    }
    return qov_add(v, name, QOBJECT(qnum_from_int(*obj)), errp);
}

static bool qov_type_bool(Visitor *v, const char *name, bool *obj,
                          GError **errp)
{
    return qov_add(v, name, QOBJECT(qbool_from_bool(*obj)), errp);
}

/*
 * For JSON, refuse what qobject_to_json() would not write back exactly
 * and the JSON input visitor would then refuse or read differently:
 * NaN and infinities (written as null) and invalid UTF-8 (written as
 * U+FFFD).
 */
static bool qov_type_number(Visitor *v, const char *name, double *obj,
                            GError **errp)
{
    if (to_qov(v)->json && !isfinite(*obj)) {
        return visit__set_error(v, errp, QVISIT_ERROR_INVALID,
                                "%g cannot be written in JSON", *obj);
    }
    return qov_add(v, name, QOBJECT(qnum_from_double(*obj)), errp);
}

static bool qov_type_str(Visitor *v, const char *name, char **obj,
                         GError **errp)
{
    const char *s = *obj ? *obj : "";

    if (to_qov(v)->json && !g_utf8_validate(s, -1, NULL)) {
        return visit__set_error(v, errp, QVISIT_ERROR_INVALID,
                                "string is not valid UTF-8");
    }
    return qov_add(v, name, QOBJECT(qstring_from_str(s)), errp);
}

/* Buffers are lowercase hex: exact, readable and easy to edit. */
static bool qov_type_buffer(Visitor *v, const char *name, void *buf,
                            size_t len, GError **errp)
{
    return qov_add(v, name, QOBJECT(qstring_from_hex(buf, len)), errp);
}

static bool qov_complete(Visitor *v, GError **errp)
{
    QObjectOutputVisitor *qov = to_qov(v);

    if (!qov->root) {
        g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_FAILED,
                            "nothing was visited");
        return false;
    }
    if (qov->json_out) {
        g_autoptr(GString) json = qobject_to_json_pretty(qov->root,
                                                         qov->pretty);
        g_string_append_len(qov->json_out, json->str, json->len);
        g_clear_pointer(&qov->root, qobject_unref_qobject_);
    } else {
        *qov->result = g_steal_pointer(&qov->root);
    }
    return true;
}

static void qov_free(Visitor *v)
{
    QObjectOutputVisitor *qov = to_qov(v);

    qobject_unref(qov->root);
    g_ptr_array_free(qov->stack, TRUE);
    visit__cleanup(v);
    g_free(qov);
}

static QObjectOutputVisitor *qov_new(void)
{
    QObjectOutputVisitor *qov = g_new0(QObjectOutputVisitor, 1);
    Visitor *v = &qov->visitor;

    v->start_struct = qov_start_struct;
    v->end_struct = qov_end_container;
    v->start_array = qov_start_array;
    v->end_array = qov_end_container;
    v->optional = qov_optional;
    v->type_int = qov_type_int;
    v->type_uint = qov_type_uint;
    v->type_bool = qov_type_bool;
    v->type_number = qov_type_number;
    v->type_str = qov_type_str;
    v->type_enum = qov_type_enum;
    v->type_buffer = qov_type_buffer;
    v->complete = qov_complete;
    v->free = qov_free;
    visit__init(v, VISITOR_OUTPUT);
    qov->stack = g_ptr_array_new();
    return qov;
}

Visitor *qobject_output_visitor_new(QObject **result)
{
    QObjectOutputVisitor *qov;

    g_return_val_if_fail(result != NULL, NULL);
    qov = qov_new();
    qov->result = result;
    return &qov->visitor;
}

Visitor *qobject_output_visitor__new_json(GString *out, bool pretty)
{
    QObjectOutputVisitor *qov = qov_new();

    qov->json_out = out;
    qov->pretty = pretty;
    qov->json = true;
    return &qov->visitor;
}

Visitor *qobject_output_visitor__new_for_json(QObject **result)
{
    QObjectOutputVisitor *qov;

    g_return_val_if_fail(result != NULL, NULL);
    qov = qov_new();
    qov->result = result;
    qov->json = true;
    return &qov->visitor;
}
