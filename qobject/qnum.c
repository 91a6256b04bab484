/*
 * QNum: a number that keeps exactly what it was made from, an int64, a
 * uint64 or a double. Conversions happen only in the getters.
 */
#include "qvisit/qobject.h"

#include "qobject/qobject-internal.h"

static QNum *qnum_alloc(QNumKind kind)
{
    QNum *n = g_new(QNum, 1);

    qobject__init(&n->base, QTYPE_QNUM);
    n->kind = kind;
    return n;
}

QNum *qnum_from_int(int64_t value)
{
    QNum *n = qnum_alloc(QNUM_I64);

    n->u.i64 = value;
    return n;
}

QNum *qnum_from_uint(uint64_t value)
{
    QNum *n = qnum_alloc(QNUM_U64);

    n->u.u64 = value;
    return n;
}

QNum *qnum_from_double(double value)
{
    QNum *n = qnum_alloc(QNUM_DOUBLE);

    n->u.dbl = value;
    return n;
}

bool qnum_is_double(const QNum *qn)
{
    g_return_val_if_fail(qn != NULL, false);
    return qn->kind == QNUM_DOUBLE;
}

bool qnum_get_try_int(const QNum *qn, int64_t *val)
{
    g_return_val_if_fail(qn != NULL && val != NULL, false);
    switch (qn->kind) {
    case QNUM_I64:
        *val = qn->u.i64;
        return true;
    case QNUM_U64:
        if (qn->u.u64 > INT64_MAX) {
            return false;
        }
        *val = (int64_t)qn->u.u64;
        return true;
    default:
        return false;
    }
}

bool qnum_get_try_uint(const QNum *qn, uint64_t *val)
{
    g_return_val_if_fail(qn != NULL && val != NULL, false);
    switch (qn->kind) {
    case QNUM_I64:
        if (qn->u.i64 < 0) {
            return false;
        }
        *val = (uint64_t)qn->u.i64;
        return true;
    case QNUM_U64:
        *val = qn->u.u64;
        return true;
    default:
        return false;
    }
}

double qnum_get_double(const QNum *qn)
{
    g_return_val_if_fail(qn != NULL, 0.0);
    switch (qn->kind) {
    case QNUM_I64:
        return (double)qn->u.i64;
    case QNUM_U64:
        return (double)qn->u.u64;
    default:
        return qn->u.dbl;
    }
}

void qnum__destroy(QNum *n)
{
    g_free(n);
}
