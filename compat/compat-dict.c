/*
 * QDict operations the public QDict API lacks, built from that API: the
 * compat code swaps a converted copy into the caller's dict and renames
 * members in place.
 */
#include "compat/compat-internal.h"

#include <string.h>

void compat__dict_replace(QDict *dst, const QDict *src)
{
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);

    /* Collect first: deleting while iterating invalidates entries. */
    for (const QDictEntry *e = qdict_first(dst); e; e = qdict_next(dst, e)) {
        g_ptr_array_add(keys, g_strdup(qdict_entry_key(e)));
    }
    for (guint i = 0; i < keys->len; i++) {
        qdict_del(dst, keys->pdata[i]);
    }
    for (const QDictEntry *e = qdict_first(src); e; e = qdict_next(src, e)) {
        qdict_put_obj(dst, qdict_entry_key(e),
                      qobject_ref(qdict_entry_value(e)));
    }
}

void compat__dict_rename(QDict *d, const char *key, const char *new_key)
{
    g_autoptr(QDict) tail = qdict_new();
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
    bool found = false;

    /*
     * QDict appends new keys at the end, so re-put the renamed member and
     * every member after it to keep the order.
     */
    for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
        const char *k = qdict_entry_key(e);

        found = found || !strcmp(k, key);
        if (found) {
            g_ptr_array_add(keys, g_strdup(k));
            qdict_put_obj(tail, strcmp(k, key) ? k : new_key,
                          qobject_ref(qdict_entry_value(e)));
        }
    }
    for (guint i = 0; i < keys->len; i++) {
        qdict_del(d, keys->pdata[i]);
    }
    for (const QDictEntry *e = qdict_first(tail); e;
         e = qdict_next(tail, e)) {
        qdict_put_obj(d, qdict_entry_key(e),
                      qobject_ref(qdict_entry_value(e)));
    }
}
