/*
 * QObject: type dispatch, reference counting, deep equality and copy.
 */
#include "qvisit/qobject.h"

#include <string.h>

#include "qobject/qobject-internal.h"

void *qobject_check_type_(const QObject *obj, QType type)
{
    if (obj && obj->type == type) {
        return (void *)obj;
    }
    return NULL;
}

QType qobject_type(const QObject *obj)
{
    g_return_val_if_fail(obj != NULL, QTYPE_NONE);
    return obj->type;
}

const char *qobject_type_name(QType type)
{
    switch (type) {
    case QTYPE_QNULL:
        return "null";
    case QTYPE_QNUM:
        return "number";
    case QTYPE_QSTRING:
        return "string";
    case QTYPE_QDICT:
        return "object";
    case QTYPE_QLIST:
        return "array";
    case QTYPE_QBOOL:
        return "boolean";
    default:
        return "none";
    }
}

void *qobject_ref_impl_(const QObject *obj)
{
    QObject *o = (QObject *)obj;

    /* The QNull singleton is never counted; see qnull.c. */
    if (o && o->type != QTYPE_QNULL) {
        o->refcnt++;
    }
    return o;
}

void qobject__release(QObject *obj, GPtrArray *pending)
{
    if (!obj || obj->type == QTYPE_QNULL || --obj->refcnt > 0) {
        return;
    }
    switch (obj->type) {
    case QTYPE_QNUM:
        qnum__destroy((QNum *)obj);
        break;
    case QTYPE_QSTRING:
        qstring__destroy((QString *)obj);
        break;
    case QTYPE_QBOOL:
        qbool__destroy((QBool *)obj);
        break;
    case QTYPE_QDICT:
    case QTYPE_QLIST:
        g_ptr_array_add(pending, obj);
        break;
    default:
        g_return_if_reached();
    }
}

/*
 * Containers are freed from a work list rather than recursively, so a tree
 * of any depth is freed with a constant amount of C stack.
 */
void qobject_unref_impl_(const QObject *obj)
{
    QObject *o = (QObject *)obj;
    GPtrArray *pending;

    if (!o) {
        return;
    }
    if (o->type != QTYPE_QDICT && o->type != QTYPE_QLIST) {
        qobject__release(o, NULL);
        return;
    }
    if (--o->refcnt > 0) {
        return;
    }
    pending = g_ptr_array_new();
    g_ptr_array_add(pending, o);
    while (pending->len > 0) {
        o = g_ptr_array_steal_index_fast(pending, pending->len - 1);
        if (o->type == QTYPE_QDICT) {
            qdict__destroy((QDict *)o, pending);
        } else {
            qlist__destroy((QList *)o, pending);
        }
    }
    g_ptr_array_free(pending, TRUE);
}

static bool qnum_is_equal(const QNum *a, const QNum *b)
{
    switch (a->kind) {
    case QNUM_I64:
        switch (b->kind) {
        case QNUM_I64:
            return a->u.i64 == b->u.i64;
        case QNUM_U64:
            return a->u.i64 >= 0 && (uint64_t)a->u.i64 == b->u.u64;
        default:
            return false;
        }
    case QNUM_U64:
        switch (b->kind) {
        case QNUM_I64:
            return b->u.i64 >= 0 && (uint64_t)b->u.i64 == a->u.u64;
        case QNUM_U64:
            return a->u.u64 == b->u.u64;
        default:
            return false;
        }
    case QNUM_DOUBLE:
        /* As QEMU: plain ==, so 0.0 equals -0.0 and NaN equals nothing. */
        return b->kind == QNUM_DOUBLE && a->u.dbl == b->u.dbl;
    }
    return false;
}

/*
 * Recursive: the C stack grows with the depth of the trees compared. Trees
 * from qobject_from_json() are at most QVISIT_DEPTH_CAP deep.
 */
bool qobject_is_equal(const QObject *a, const QObject *b)
{
    /* No a == b shortcut: as in QEMU, a NaN is not equal to itself. */
    if (!a && !b) {
        return true;
    }
    if (!a || !b || a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case QTYPE_QNULL:
        return true;
    case QTYPE_QBOOL:
        return ((const QBool *)a)->value == ((const QBool *)b)->value;
    case QTYPE_QNUM:
        return qnum_is_equal((const QNum *)a, (const QNum *)b);
    case QTYPE_QSTRING: {
        const QString *sa = (const QString *)a, *sb = (const QString *)b;

        return sa->len == sb->len && memcmp(sa->str, sb->str, sa->len) == 0;
    }
    case QTYPE_QLIST: {
        const QList *la = (const QList *)a, *lb = (const QList *)b;

        if (la->len != lb->len) {
            return false;
        }
        for (size_t i = 0; i < la->len; i++) {
            if (!qobject_is_equal(la->elems[i], lb->elems[i])) {
                return false;
            }
        }
        return true;
    }
    case QTYPE_QDICT: {
        const QDict *da = (const QDict *)a, *db = (const QDict *)b;

        if (da->size != db->size) {
            return false;
        }
        for (const QDictEntry *e = da->first; e; e = e->next) {
            const QDictEntry *o = qdict__lookup(db, e->key);

            if (!o || !qobject_is_equal(e->value, o->value)) {
                return false;
            }
        }
        return true;
    }
    default:
        return false;
    }
}

/* Recursive, like qobject_is_equal(). */
QObject *qobject_clone(const QObject *obj)
{
    if (!obj) {
        return NULL;
    }
    switch (obj->type) {
    case QTYPE_QNULL:
        return QOBJECT(qnull());
    case QTYPE_QBOOL:
        return QOBJECT(qbool_from_bool(((const QBool *)obj)->value));
    case QTYPE_QNUM: {
        const QNum *n = (const QNum *)obj;
        QNum *c = g_new(QNum, 1);

        *c = *n;
        qobject__init(&c->base, QTYPE_QNUM);
        return QOBJECT(c);
    }
    case QTYPE_QSTRING: {
        const QString *s = (const QString *)obj;

        return QOBJECT(qstring__new(s->str, s->len));
    }
    case QTYPE_QLIST: {
        const QList *l = (const QList *)obj;
        QList *c = qlist_new();

        for (size_t i = 0; i < l->len; i++) {
            qlist_append_obj(c, qobject_clone(l->elems[i]));
        }
        return QOBJECT(c);
    }
    case QTYPE_QDICT: {
        const QDict *d = (const QDict *)obj;
        QDict *c = qdict_new();

        for (const QDictEntry *e = d->first; e; e = e->next) {
            qdict_put_obj(c, e->key, qobject_clone(e->value));
        }
        return QOBJECT(c);
    }
    default:
        g_return_val_if_reached(NULL);
    }
}

/* Real functions, because g_autoptr calls its cleanup as (func)(ptr). */
void qobject_unref_qobject_(QObject *obj)
{
    qobject_unref(obj);
}

void qobject_unref_qdict_(QDict *obj)
{
    qobject_unref(obj);
}

void qobject_unref_qlist_(QList *obj)
{
    qobject_unref(obj);
}

void qobject_unref_qnum_(QNum *obj)
{
    qobject_unref(obj);
}

void qobject_unref_qstring_(QString *obj)
{
    qobject_unref(obj);
}

void qobject_unref_qbool_(QBool *obj)
{
    qobject_unref(obj);
}

void qobject_unref_qnull_(QNull *obj)
{
    qobject_unref(obj);
}
