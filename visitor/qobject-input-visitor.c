/*
 * The QObject input visitor: loads a walk's values from a QObject tree.
 *
 * Each open struct keeps the set of member names the walk asked for, so
 * visit_end_struct() can name the first member the input has and the walk
 * never visited. Lists are read by position; the core guarantees the walk
 * never asks for more elements than visit_start_array() announced, and
 * start_array checks the list has exactly that many.
 */
#include "visitor/visitor-impl.h"

#include <inttypes.h>
#include <string.h>

typedef struct InputFrame {
    QObject *obj;           /* borrowed from the root's tree */
    GHashTable *visited;    /* dicts: names asked for (owned keys) */
    size_t index;           /* lists: next element */
} InputFrame;

typedef struct QObjectInputVisitor {
    Visitor visitor;
    QObject *root;          /* own reference */
    bool root_taken;
    GArray *stack;          /* of InputFrame */
} QObjectInputVisitor;

static QObjectInputVisitor *to_qiv(Visitor *v)
{
    return (QObjectInputVisitor *)v;
}

static InputFrame *qiv_top(QObjectInputVisitor *qiv)
{
    if (qiv->stack->len == 0) {
        return NULL;
    }
    return &g_array_index(qiv->stack, InputFrame, qiv->stack->len - 1);
}

/*
 * Returns the value for member @name of the innermost container (or the
 * root), or NULL with QVISIT_ERROR_MISSING.
 */
static QObject *qiv_get(Visitor *v, const char *name, GError **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    InputFrame *top = qiv_top(qiv);
    QObject *obj;
    QDict *dict;

    if (!top) {
        if (qiv->root_taken) {
            visit__set_error(v, errp, QVISIT_ERROR_FAILED,
                             "a walk visits exactly one root value");
            return NULL;
        }
        qiv->root_taken = true;
        return qiv->root;
    }
    dict = qobject_to(QDict, top->obj);
    if (!dict) {
        return qlist_get(qobject_to(QList, top->obj), top->index++);
    }
    obj = qdict_get(dict, name);
    if (!obj) {
        visit__set_error(v, errp, QVISIT_ERROR_MISSING, "missing");
        return NULL;
    }
    if (!top->visited) {
        top->visited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             NULL);
    }
    g_hash_table_add(top->visited, g_strdup(name));
    return obj;
}

static bool type_error(Visitor *v, GError **errp, const char *expected,
                       const QObject *got)
{
    return visit__set_error(v, errp, QVISIT_ERROR_TYPE,
                            "expected %s, got %s", expected,
                            qobject_type_name(qobject_type(got)));
}

static void qiv_push(QObjectInputVisitor *qiv, QObject *obj)
{
    InputFrame f = { .obj = obj };

    g_array_append_val(qiv->stack, f);
}

static void qiv_pop(QObjectInputVisitor *qiv)
{
    InputFrame *top = qiv_top(qiv);

    if (top->visited) {
        g_hash_table_destroy(top->visited);
    }
    g_array_set_size(qiv->stack, qiv->stack->len - 1);
}

static bool qiv_start_struct(Visitor *v, const char *name, GError **errp)
{
    QObject *obj = qiv_get(v, name, errp);

    if (!obj) {
        return false;
    }
    if (!qobject_to(QDict, obj)) {
        return type_error(v, errp, "object", obj);
    }
    qiv_push(to_qiv(v), obj);
    return true;
}

static bool qiv_end_struct(Visitor *v, GError **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    InputFrame *top = qiv_top(qiv);
    QDict *dict = qobject_to(QDict, top->obj);
    size_t visited = top->visited ? g_hash_table_size(top->visited) : 0;
    bool ok = true;

    if (visited != qdict_size(dict)) {
        for (const QDictEntry *e = qdict_first(dict); e;
             e = qdict_next(dict, e)) {
            const char *key = qdict_entry_key(e);
            if (!top->visited || !g_hash_table_contains(top->visited, key)) {
                ok = visit__set_error_member(v, errp, key,
                                             QVISIT_ERROR_UNEXPECTED,
                                             "unexpected member");
                break;
            }
        }
    }
    qiv_pop(qiv);
    return ok;
}

static bool qiv_start_array(Visitor *v, const char *name, size_t len,
                            GError **errp)
{
    QObject *obj = qiv_get(v, name, errp);
    QList *list;

    if (!obj) {
        return false;
    }
    list = qobject_to(QList, obj);
    if (!list) {
        return type_error(v, errp, "array", obj);
    }
    if (qlist_size(list) != len) {
        return visit__set_error(v, errp, QVISIT_ERROR_LENGTH,
                                "expected %zu elements, got %zu", len,
                                qlist_size(list));
    }
    qiv_push(to_qiv(v), obj);
    return true;
}

static bool qiv_end_array(Visitor *v, GError **errp)
{
    (void)errp;
    qiv_pop(to_qiv(v));
    return true;
}

static bool qiv_optional(Visitor *v, const char *name, bool *present,
                         GError **errp)
{
    InputFrame *top = qiv_top(to_qiv(v));
    QDict *dict = top ? qobject_to(QDict, top->obj) : NULL;

    (void)errp;
    *present = dict && qdict_haskey(dict, name);
    return true;
}

static QNum *get_integer(Visitor *v, const char *name, unsigned bits,
                         bool is_signed, GError **errp)
{
    QObject *obj = qiv_get(v, name, errp);
    QNum *num;

    if (!obj) {
        return NULL;
    }
    num = qobject_to(QNum, obj);
    if (!num || qnum_is_double(num)) {
        type_error(v, errp, visit__int_type_name(bits, is_signed), obj);
        return NULL;
    }
    return num;
}

static bool qiv_type_int(Visitor *v, const char *name, int64_t *obj,
                         unsigned bits, GError **errp)
{
    QNum *num = get_integer(v, name, bits, true, errp);
    uint64_t big;

    if (!num) {
        return false;
    }
    if (!qnum_get_try_int(num, obj)) {
        qnum_get_try_uint(num, &big);
        return visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                                "%" PRIu64 " does not fit %s", big,
                                visit__int_type_name(bits, true));
    }
    return true;
}

static bool qiv_type_uint(Visitor *v, const char *name, uint64_t *obj,
                          unsigned bits, GError **errp)
{
    QNum *num = get_integer(v, name, bits, false, errp);
    int64_t negative;

    if (!num) {
        return false;
    }
    if (!qnum_get_try_uint(num, obj)) {
        qnum_get_try_int(num, &negative);
        return visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                                "%" PRId64 " does not fit %s", negative,
                                visit__int_type_name(bits, false));
    }
    return true;
}

/* A name of @names or an integer (a value without a name, or a tree
 * from a format that has no names, such as a vmdesc-decoded stream). */
static bool qiv_type_enum(Visitor *v, const char *name, int64_t *obj,
                          const char *const *names, GError **errp)
{
    QObject *o = qiv_get(v, name, errp);
    QString *s;
    QNum *num;

    if (!o) {
        return false;
    }
    s = qobject_to(QString, o);
    if (s) {
        for (int64_t i = 0; names[i]; i++) {
            if (!strcmp(names[i], qstring_get_str(s))) {
                *obj = i;
                return true;
            }
        }
        return visit__set_error(v, errp, QVISIT_ERROR_INVALID,
                                "'%s' is not a name of the enum",
                                qstring_get_str(s));
    }
    num = qobject_to(QNum, o);
    if (!num || qnum_is_double(num)) {
        return type_error(v, errp, "enum", o);
    }
    if (!qnum_get_try_int(num, obj)) {
        return visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                                "value does not fit i32");
    }
    return true;
}

static bool qiv_type_bool(Visitor *v, const char *name, bool *obj,
                          GError **errp)
{
    QObject *o = qiv_get(v, name, errp);
    QBool *b;

    if (!o) {
        return false;
    }
    b = qobject_to(QBool, o);
    if (!b) {
        return type_error(v, errp, "bool", o);
    }
    *obj = qbool_get_bool(b);
    return true;
}

static bool qiv_type_number(Visitor *v, const char *name, double *obj,
                            GError **errp)
{
    QObject *o = qiv_get(v, name, errp);
    QNum *num;

    if (!o) {
        return false;
    }
    num = qobject_to(QNum, o);
    if (!num) {
        return type_error(v, errp, "number", o);
    }
    *obj = qnum_get_double(num);
    return true;
}

static QString *get_string(Visitor *v, const char *name,
                           const char *expected, GError **errp)
{
    QObject *o = qiv_get(v, name, errp);
    QString *s;

    if (!o) {
        return NULL;
    }
    s = qobject_to(QString, o);
    if (!s) {
        type_error(v, errp, expected, o);
    }
    return s;
}

static bool qiv_type_str(Visitor *v, const char *name, char **obj,
                         GError **errp)
{
    QString *s = get_string(v, name, "str", errp);
    size_t len;

    if (!s) {
        return false;
    }
    len = strlen(qstring_get_str(s));
    if (len > v->limits.max_string_len) {
        return visit__set_error(v, errp, QVISIT_ERROR_LIMIT,
                                "string of %zu bytes exceeds the limit of %zu",
                                len, v->limits.max_string_len);
    }
    *obj = g_strdup(qstring_get_str(s));
    return true;
}

static bool qiv_type_buffer(Visitor *v, const char *name, void *buf,
                            size_t len, GError **errp)
{
    QString *s = get_string(v, name, "buffer", errp);
    const char *hex;

    if (!s) {
        return false;
    }
    hex = qstring_get_str(s);
    return visit__hex_decode(v, hex, strlen(hex), buf, len, errp);
}

static void qiv_free(Visitor *v)
{
    QObjectInputVisitor *qiv = to_qiv(v);

    while (qiv->stack->len) {
        qiv_pop(qiv);
    }
    g_array_free(qiv->stack, TRUE);
    qobject_unref(qiv->root);
    visit__cleanup(v);
    g_free(qiv);
}

Visitor *qobject_input_visitor_new(QObject *root)
{
    QObjectInputVisitor *qiv;
    Visitor *v;

    g_return_val_if_fail(root != NULL, NULL);
    qiv = g_new0(QObjectInputVisitor, 1);
    v = &qiv->visitor;
    v->start_struct = qiv_start_struct;
    v->end_struct = qiv_end_struct;
    v->start_array = qiv_start_array;
    v->end_array = qiv_end_array;
    v->optional = qiv_optional;
    v->type_int = qiv_type_int;
    v->type_uint = qiv_type_uint;
    v->type_bool = qiv_type_bool;
    v->type_number = qiv_type_number;
    v->type_str = qiv_type_str;
    v->type_enum = qiv_type_enum;
    v->type_buffer = qiv_type_buffer;
    v->free = qiv_free;
    visit__init(v, VISITOR_INPUT);
    qiv->root = qobject_ref(root);
    qiv->stack = g_array_new(FALSE, FALSE, sizeof(InputFrame));
    return v;
}
