/* QList: an array of QObjects with O(1) indexing. */
#include "qvisit/qobject.h"

#include "qobject/qobject-internal.h"

QList *qlist_new(void)
{
    QList *l = g_new(QList, 1);

    qobject__init(&l->base, QTYPE_QLIST);
    l->elems = g_ptr_array_new();
    return l;
}

void qlist_append_obj(QList *l, QObject *value)
{
    g_return_if_fail(l != NULL && value != NULL);
    g_ptr_array_add(l->elems, value);
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
    return l->elems->len;
}

QObject *qlist_get(const QList *l, size_t index)
{
    g_return_val_if_fail(l != NULL, NULL);
    if (index >= l->elems->len) {
        return NULL;
    }
    return g_ptr_array_index(l->elems, index);
}

void qlist_set_obj(QList *l, size_t index, QObject *value)
{
    QObject *old;

    g_return_if_fail(l != NULL && value != NULL);
    g_return_if_fail(index < l->elems->len);
    old = g_ptr_array_index(l->elems, index);
    g_ptr_array_index(l->elems, index) = value;
    qobject_unref(old);
}

void qlist_truncate(QList *l, size_t len)
{
    g_return_if_fail(l != NULL && len <= l->elems->len);
    while (l->elems->len > len) {
        qobject_unref((QObject *)g_ptr_array_steal_index(l->elems,
                                                          l->elems->len - 1));
    }
}

void qlist__destroy(QList *l, GPtrArray *pending)
{
    for (guint i = 0; i < l->elems->len; i++) {
        qobject__release(g_ptr_array_index(l->elems, i), pending);
    }
    g_ptr_array_free(l->elems, TRUE);
    g_free(l);
}
