/*
 * QNull: one static instance shared by every user, as in QEMU. Unlike
 * QEMU, its reference count is never touched: the singleton is shared by
 * every tree in every thread, so counting it would be a data race between
 * threads that share nothing else, and it is never freed anyway.
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
