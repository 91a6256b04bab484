/*
 * Helpers for machine steps: split, merge and rename devices in the dict
 * of all device states. Each checks everything before it changes
 * anything.
 */
#include "qvisit/compat.h"

#include <string.h>

#include "compat/compat-internal.h"

static QDict *get_device(QDict *machine, const char *id, GError **errp)
{
    QObject *obj = qdict_get(machine, id);
    QDict *d;

    if (!obj) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                    "%s: no such device", id);
        return NULL;
    }
    d = qobject_to(QDict, obj);
    if (!d) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "%s: expected object, got %s", id,
                    qobject_type_name(qobject_type(obj)));
    }
    return d;
}

static bool device_exists_error(const char *id, GError **errp)
{
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                "%s: device already exists", id);
    return false;
}

bool compat_machine_split(QDict *machine, const char *id, const char *id_a,
                          const char *const *members_a, const char *id_b,
                          GError **errp)
{
    g_autoptr(QDict) a = NULL;
    g_autoptr(QDict) b = NULL;
    QDict *dev;

    g_return_val_if_fail(machine != NULL && id != NULL && id_a != NULL &&
                         members_a != NULL && id_b != NULL, false);
    g_return_val_if_fail(strcmp(id_a, id_b) != 0, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    dev = get_device(machine, id, errp);
    if (!dev) {
        return false;
    }
    if (strcmp(id_a, id) && qdict_haskey(machine, id_a)) {
        return device_exists_error(id_a, errp);
    }
    if (strcmp(id_b, id) && qdict_haskey(machine, id_b)) {
        return device_exists_error(id_b, errp);
    }
    a = qdict_new();
    for (size_t i = 0; members_a[i]; i++) {
        QObject *m = qdict_get(dev, members_a[i]);

        if (!m) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                        "%s.%s: no such member", id, members_a[i]);
            return false;
        }
        qdict_put_obj(a, members_a[i], qobject_ref(m));
    }
    b = qdict_new();
    for (const QDictEntry *e = qdict_first(dev); e; e = qdict_next(dev, e)) {
        if (!qdict_haskey(a, qdict_entry_key(e))) {
            qdict_put_obj(b, qdict_entry_key(e),
                          qobject_ref(qdict_entry_value(e)));
        }
    }
    qdict_del(machine, id);
    qdict_put(machine, id_a, g_steal_pointer(&a));
    qdict_put(machine, id_b, g_steal_pointer(&b));
    return true;
}

bool compat_machine_merge(QDict *machine, const char *id_a, const char *id_b,
                          const char *id, GError **errp)
{
    g_autoptr(QDict) merged = NULL;
    QDict *a, *b;

    g_return_val_if_fail(machine != NULL && id_a != NULL && id_b != NULL &&
                         id != NULL, false);
    g_return_val_if_fail(strcmp(id_a, id_b) != 0, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    a = get_device(machine, id_a, errp);
    b = a ? get_device(machine, id_b, errp) : NULL;
    if (!b) {
        return false;
    }
    if (strcmp(id, id_a) && strcmp(id, id_b) && qdict_haskey(machine, id)) {
        return device_exists_error(id, errp);
    }
    merged = qobject_to(QDict, qobject_clone(QOBJECT(a)));
    for (const QDictEntry *e = qdict_first(b); e; e = qdict_next(b, e)) {
        const char *key = qdict_entry_key(e);

        if (qdict_haskey(merged, key)) {
            /* @key comes from the state, which is input. */
            g_autofree char *shown = qvisit_error_escape(key, -1);

            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s.%s: member in both %s and %s", id, shown, id_a,
                        id_b);
            return false;
        }
        qdict_put_obj(merged, key, qobject_ref(qdict_entry_value(e)));
    }
    qdict_del(machine, id_a);
    qdict_del(machine, id_b);
    qdict_put(machine, id, g_steal_pointer(&merged));
    return true;
}

bool compat_machine_rename(QDict *machine, const char *id,
                           const char *new_id, GError **errp)
{
    g_return_val_if_fail(machine != NULL && id != NULL && new_id != NULL,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!qdict_haskey(machine, id)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                    "%s: no such device", id);
        return false;
    }
    if (!strcmp(id, new_id)) {
        return true;
    }
    if (qdict_haskey(machine, new_id)) {
        return device_exists_error(new_id, errp);
    }
    compat__dict_rename(machine, id, new_id);
    return true;
}
