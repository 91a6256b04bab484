/*
 * QNull: one static instance shared by every user, as in QEMU. Its
 * reference count is kept but never frees it.
 */
#include "qvisit/qobject.h"

#include "qobject/qobject-internal.h"

static QNull qnull_singleton = {
    .base = { .type = QTYPE_QNULL, .refcnt = 1 },
};

QNull *qnull(void)
{
    return qobject_ref(&qnull_singleton);
}
