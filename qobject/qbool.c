/* QBool: a boolean value. */
#include "qvisit/qobject.h"

#include "qobject/qobject-internal.h"

QBool *qbool_from_bool(bool value)
{
    QBool *b = g_new(QBool, 1);

    qobject__init(&b->base, QTYPE_QBOOL);
    b->value = value;
    return b;
}

bool qbool_get_bool(const QBool *qb)
{
    g_return_val_if_fail(qb != NULL, false);
    return qb->value;
}

void qbool__destroy(QBool *b)
{
    g_free(b);
}
