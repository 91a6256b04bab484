/* QList: an array of QObjects with O(1) indexing. */
#include "qvisit/qobject.h"

#include <string.h>

#include "qobject/qobject-internal.h"

QList *qlist_new(void)
{
    QList *l = g_new(QList, 1);

    qobject__init(&l->base, QTYPE_QLIST);
    l->len = 0;
    l->cap = QLIST_IN_PLACE;
    l->elems = l->in_place;
    return l;
}

void qlist_append_obj(QList *l, QObject *value)
{
    g_return_if_fail(l != NULL && value != NULL);
    if (G_UNLIKELY(l->len == l->cap)) {
        size_t cap = l->cap * 2;

        if (l->elems == l->in_place) {
            l->elems = g_new(QObject *, cap);
            memcpy(l->elems, l->in_place, l->len * sizeof(QObject *));
        } else {
            l->elems = g_renew(QObject *, l->elems, cap);
        }
        l->cap = cap;
    }
    l->elems[l->len++] = value;
}

void qlist_append_int(QList *l, int64_t value)
{
    qlist_append(l, qnum_from_int(value));
}

void qlist_append_uint(QList *l, uint64_t value)
{
    qlist_append(l, qnum_from_uint(value));
}

void qlist_append_str(QList *l, const char *value)
{
    qlist_append(l, qstring_from_str(value));
}

size_t qlist_size(const QList *l)
{
    g_return_val_if_fail(l != NULL, 0);
    return l->len;
}

QObject *qlist_get(const QList *l, size_t index)
{
    g_return_val_if_fail(l != NULL, NULL);
    if (index >= l->len) {
        return NULL;
    }
    return l->elems[index];
}

void qlist_set_obj(QList *l, size_t index, QObject *value)
{
    QObject *old;

    g_return_if_fail(l != NULL && value != NULL);
    g_return_if_fail(index < l->len);
    old = l->elems[index];
    l->elems[index] = value;
    qobject_unref(old);
}

void qlist_truncate(QList *l, size_t len)
{
    g_return_if_fail(l != NULL && len <= l->len);
    while (l->len > len) {
        qobject_unref(l->elems[--l->len]);
    }
}

void qlist__destroy(QList *l, GPtrArray *pending)
{
    for (size_t i = 0; i < l->len; i++) {
        qobject__release(l->elems[i], pending);
    }
    if (l->elems != l->in_place) {
        g_free(l->elems);
    }
    g_free(l);
}
