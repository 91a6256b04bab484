/*
 * QDict: string-keyed members in insertion order.
 *
 * Layout and the reason for the lazily built hash index are in
 * qobject-internal.h.
 */
#include "qvisit/qobject.h"

#include <stddef.h>
#include <string.h>

#include "qobject/qobject-internal.h"

QDict *qdict_new(void)
{
    /* Not g_new0(): the in-place space needs no clearing. */
    QDict *d = g_new(QDict, 1);

    qobject__init(&d->base, QTYPE_QDICT);
    d->size = 0;
    d->first = NULL;
    d->last = NULL;
    d->index = NULL;
    d->in_place_used = 0;
    return d;
}

size_t qdict_size(const QDict *d)
{
    g_return_val_if_fail(d != NULL, 0);
    return d->size;
}

QDictEntry *qdict__lookup(const QDict *d, const char *key)
{
    if (d->index) {
        return g_hash_table_lookup(d->index, key);
    }
    /* Comparing the first bytes inline spares most strcmp() calls. */
    for (QDictEntry *e = d->first; e; e = e->next) {
        if (e->key[0] == key[0] && strcmp(e->key, key) == 0) {
            return e;
        }
    }
    return NULL;
}

QDictEntry *qdict__lookup_len(const QDict *d, const char *key, size_t len)
{
    if (d->index) {
        g_autofree char *z = g_strndup(key, len);

        return g_hash_table_lookup(d->index, z);
    }
    for (QDictEntry *e = d->first; e; e = e->next) {
        /* The first byte inline spares most strncmp() calls. */
        if ((len == 0 || e->key[0] == key[0]) &&
            strncmp(e->key, key, len) == 0 && e->key[len] == '\0') {
            return e;
        }
    }
    return NULL;
}

static void qdict_build_index(QDict *d)
{
    d->index = g_hash_table_new(g_str_hash, g_str_equal);
    for (QDictEntry *e = d->first; e; e = e->next) {
        g_hash_table_insert(d->index, e->key, e);
    }
}

void qdict__append(QDict *d, const char *key, size_t klen, QObject *value)
{
    /* Rounded up so the next in-place entry stays aligned. */
    size_t need = (offsetof(QDictEntry, key) + klen + 1 + 7) & ~(size_t)7;
    QDictEntry *e;

    if (d->in_place_used + need <= sizeof(d->in_place)) {
        e = (QDictEntry *)((char *)d->in_place + d->in_place_used);
        d->in_place_used += need;
        e->in_place = true;
    } else {
        e = g_malloc(offsetof(QDictEntry, key) + klen + 1);
        e->in_place = false;
    }
    memcpy(e->key, key, klen);
    e->key[klen] = '\0';
    e->value = value;
    e->next = NULL;
    e->prev = d->last;
    if (d->last) {
        d->last->next = e;
    } else {
        d->first = e;
    }
    d->last = e;
    d->size++;
    if (d->index) {
        g_hash_table_insert(d->index, e->key, e);
    } else if (d->size >= QDICT_INDEX_MIN) {
        qdict_build_index(d);
    }
}

void qdict_put_obj(QDict *d, const char *key, QObject *value)
{
    QDictEntry *e;

    g_return_if_fail(d != NULL && key != NULL && value != NULL);
    e = qdict__lookup(d, key);
    if (e) {
        QObject *old = e->value;

        e->value = value;
        qobject_unref(old);
        return;
    }
    qdict__append(d, key, strlen(key), value);
}

void qdict_put_int(QDict *d, const char *key, int64_t value)
{
    qdict_put(d, key, qnum_from_int(value));
}

void qdict_put_uint(QDict *d, const char *key, uint64_t value)
{
    qdict_put(d, key, qnum_from_uint(value));
}

void qdict_put_str(QDict *d, const char *key, const char *value)
{
    qdict_put(d, key, qstring_from_str(value));
}

void qdict_put_bool(QDict *d, const char *key, bool value)
{
    qdict_put(d, key, qbool_from_bool(value));
}

void qdict_put_null(QDict *d, const char *key)
{
    qdict_put(d, key, qnull());
}

QObject *qdict_get(const QDict *d, const char *key)
{
    QDictEntry *e;

    g_return_val_if_fail(d != NULL && key != NULL, NULL);
    e = qdict__lookup(d, key);
    return e ? e->value : NULL;
}

bool qdict_haskey(const QDict *d, const char *key)
{
    g_return_val_if_fail(d != NULL && key != NULL, false);
    return qdict__lookup(d, key) != NULL;
}

void qdict_del(QDict *d, const char *key)
{
    QDictEntry *e;

    g_return_if_fail(d != NULL && key != NULL);
    e = qdict__lookup(d, key);
    if (!e) {
        return;
    }
    if (d->index) {
        g_hash_table_remove(d->index, e->key);
    }
    if (e->prev) {
        e->prev->next = e->next;
    } else {
        d->first = e->next;
    }
    if (e->next) {
        e->next->prev = e->prev;
    } else {
        d->last = e->prev;
    }
    d->size--;
    qobject_unref(e->value);
    if (!e->in_place) {
        g_free(e);
    }
}

const QDictEntry *qdict_first(const QDict *d)
{
    g_return_val_if_fail(d != NULL, NULL);
    return d->first;
}

const QDictEntry *qdict_next(const QDict *d, const QDictEntry *entry)
{
    g_return_val_if_fail(d != NULL && entry != NULL, NULL);
    return entry->next;
}

const char *qdict_entry_key(const QDictEntry *entry)
{
    g_return_val_if_fail(entry != NULL, NULL);
    return entry->key;
}

QObject *qdict_entry_value(const QDictEntry *entry)
{
    g_return_val_if_fail(entry != NULL, NULL);
    return entry->value;
}

void qdict__destroy(QDict *d, GPtrArray *pending)
{
    QDictEntry *e = d->first;

    while (e) {
        QDictEntry *next = e->next;

        qobject__release(e->value, pending);
        if (!e->in_place) {
            g_free(e);
        }
        e = next;
    }
    if (d->index) {
        g_hash_table_destroy(d->index);
    }
    g_free(d);
}
