/*
 * Save: every device's walk into one stream of the chosen format, with
 * the devices paused around it; and migration_snapshot().
 */
#include "qvisit/migration.h"

#include <inttypes.h>

#include "migration/migration-internal.h"
#include "qvisit/compat.h"
#include "qvisit/error.h"

static bool device_walk(Visitor *v, void *ctx, GError **errp)
{
    MigrationDevice *dev = ctx;

    /* A save writes the newest layout; version gates see it. */
    visit_set_version(v, dev->info.version);
    return dev->info.visit(v, dev->opaque, errp);
}

typedef struct FilteredWalk {
    QDict *state;
    const char *id;
} FilteredWalk;

static bool filtered_walk(Visitor *v, void *ctx, GError **errp)
{
    FilteredWalk *w = ctx;

    return migration__walk_qobject(v, w->id, QOBJECT(w->state), errp);
}

static QDict *device_to_qdict(MigrationDevice *dev, GError **errp)
{
    g_autoptr(Visitor) v = NULL;
    QObject *tree = NULL;

    v = qobject_output_visitor_new(&tree);
    visit_set_version(v, dev->info.version);
    if (!dev->info.visit(v, dev->opaque, errp) || !visit_complete(v, errp)) {
        return NULL;
    }
    if (!qobject_to(QDict, tree)) {
        qobject_unref(tree);
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "%s: the walk's root is not a struct", dev->id);
        return NULL;
    }
    return qobject_to(QDict, tree);
}

bool migration__save_caps(MigrationRegistry *r, MigrationFormat format,
                          uint64_t caps, GByteArray *out,
                          MigrationReport **report, GError **errp)
{
    size_t n = r->devices->len;
    g_autofree MigEncSection *secs = g_new0(MigEncSection, n);
    size_t start = out->len;
    uint64_t t0 = migration__now_ns();
    bool ok = true;
    g_autofree FilteredWalk *fw = g_new0(FilteredWalk, n);

    for (size_t i = 0; i < n; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.pause) {
            dev->info.pause(dev->opaque);
        }
    }
    for (size_t i = 0; i < n; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        secs[i].id = dev->id;
        secs[i].instance_id = dev->info.instance_id;
        secs[i].version = dev->info.version;
        secs[i].walk = device_walk;
        secs[i].ctx = dev;
        secs[i].vmdesc_cache = &dev->vmdesc;
        /* Output filters see the QObject tree, which is built only for a
         * device that has one. The legacy payload has a fixed layout, so
         * they apply to the other formats only. */
        if (ok && r->compat && format != MIGRATION_FORMAT_LEGACY &&
            compat_has_filter(r->compat, dev->id, COMPAT_FILTER_OUTPUT)) {
            g_autoptr(QDict) before = device_to_qdict(dev, errp);
            QDict *after;

            ok = before != NULL;
            if (ok) {
                after = qobject_to(QDict, qobject_clone(QOBJECT(before)));
                ok = compat_filter_output(r->compat, dev->id, after, errp);
                if (ok && !qobject_is_equal(QOBJECT(before),
                                            QOBJECT(after))) {
                    fw[i].state = after;
                    fw[i].id = dev->id;
                    secs[i].walk = filtered_walk;
                    secs[i].ctx = &fw[i];
                } else {
                    qobject_unref(after);
                }
            }
        }
    }
    {
        MigEncHeader h = {
            .caps = caps,
            .machine = r->machine,
            .machine_version = r->machine_version,
        };
        bool known = (unsigned)format < G_N_ELEMENTS(r->save_size_hint);

        if (ok && known && r->save_size_hint[format]) {
            /* Reserve: a GByteArray keeps its allocation when cut. */
            g_byte_array_set_size(out, start + r->save_size_hint[format]);
            g_byte_array_set_size(out, start);
        }
        ok = ok && migration__encode(format, &h, secs, n, out, errp);
        if (ok && known) {
            r->save_size_hint[format] = out->len - start;
        }
    }
    for (size_t i = 0; i < n; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.resume) {
            dev->info.resume(dev->opaque);
        }
        qobject_unref(fw[i].state);
    }
    if (!ok) {
        return false;
    }
    if (report) {
        MigrationReport *rep = migration__report_new(format, caps, n);

        for (size_t i = 0; i < n; i++) {
            rep->devices[i].id = g_strdup(secs[i].id);
            rep->devices[i].instance_id = secs[i].instance_id;
            rep->devices[i].stream_version = secs[i].version;
            rep->devices[i].local_version = secs[i].version;
            rep->devices[i].bytes = secs[i].size;
        }
        rep->bytes = out->len - start;
        rep->duration_ns = migration__now_ns() - t0;
        *report = rep;
    }
    return true;
}

bool migration_save(MigrationRegistry *r, MigrationFormat format,
                    GByteArray *out, MigrationReport **report, GError **errp)
{
    g_return_val_if_fail(r != NULL && out != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    return migration__save_caps(r, format, r->caps, out, report, errp);
}

QDict *migration_snapshot(MigrationRegistry *r, GError **errp)
{
    g_autoptr(QDict) all = qdict_new();

    g_return_val_if_fail(r != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);
        g_autofree char *key = NULL;
        QDict *state = device_to_qdict(dev, errp);

        if (!state) {
            return NULL;
        }
        key = dev->info.instance_id
                  ? g_strdup_printf("%s#%" PRIu32, dev->id,
                                    dev->info.instance_id)
                  : g_strdup(dev->id);
        qdict_put(all, key, state);
    }
    return g_steal_pointer(&all);
}
