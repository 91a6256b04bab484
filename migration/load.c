/*
 * Load, all or nothing: every section is decoded, converted between
 * versions and checked against its device's walk on a scratch state
 * before any device is written.
 */
#include "qvisit/migration.h"

#include <inttypes.h>

#include "migration/migration-internal.h"
#include "qvisit/compat.h"
#include "qvisit/error.h"

typedef struct Prepared {
    MigrationDevice *dev;
    QDict *state;       /* converted, owned */
    uint32_t version;   /* the layout version of state */
} Prepared;

/* Converts and checks one section; returns the state to load. */
static bool load_sections(MigrationRegistry *r, const MigrationStream *s,
                          MigrationReport **report, GError **errp);

/* Dry run: the walk must accept the tree of layout @version before any
 * device is written. */
static bool dry_run(MigrationRegistry *r, const MigrationDeviceInfo *info,
                    QDict *state, uint32_t version, GError **errp)
{
    g_autofree void *scratch = NULL;
    g_autoptr(Visitor) v = NULL;
    bool ok;

    if (!info->state_size) {
        return true;
    }
    scratch = g_malloc0(info->state_size);
    v = qobject_input_visitor_new(QOBJECT(state));
    visit_set_limits(v, &r->limits);
    visit_set_version(v, version);
    ok = info->visit(v, scratch, errp) && visit_complete(v, errp);
    if (info->clear) {
        info->clear(scratch);
    }
    return ok;
}

static QDict *prepare_section(MigrationRegistry *r, MigrationDevice *dev,
                              const MigrationSection *sec, GError **errp)
{
    g_autoptr(QDict) state =
        qobject_to(QDict, qobject_clone(QOBJECT(sec->state)));
    const MigrationDeviceInfo *info = &dev->info;

    if (sec->version < info->minimum_version) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_VERSION,
                    "%s: stream version %" PRIu32
                    " is older than the minimum %" PRIu32 " this side loads",
                    dev->id, sec->version, info->minimum_version);
        return NULL;
    }
    if (sec->version != info->version &&
        migration__walks_version(info, sec->version)) {
        /* The walk's version gates read this layout: no transform. */
        return dry_run(r, info, state, sec->version, errp)
                   ? g_steal_pointer(&state) : NULL;
    }
    if (sec->version != info->version && !r->compat) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_VERSION,
                    "%s: stream version %" PRIu32
                    " differs from local version %" PRIu32
                    " and no compat transforms are set",
                    dev->id, sec->version, info->version);
        return NULL;
    }
    if (sec->version != info->version &&
        !compat_convert(r->compat, dev->id, state, sec->version,
                        info->version, errp)) {
        return NULL;
    }
    if (r->compat && !compat_filter_input(r->compat, dev->id, state, errp)) {
        return NULL;
    }
    if (!dry_run(r, info, state, info->version, errp)) {
        return NULL;
    }
    return g_steal_pointer(&state);
}

/*
 * Runs the whole-machine chain from the stream's machine version to ours
 * over the sections of instance 0 (keyed by id), giving a new stream;
 * NULL with an error when a step fails (the input is untouched).
 */
static MigrationStream *convert_machine(MigrationRegistry *r,
                                        const MigrationStream *s,
                                        GError **errp)
{
    g_autoptr(QDict) machine = qdict_new();
    g_autoptr(GHashTable) versions = g_hash_table_new(g_str_hash,
                                                      g_str_equal);
    g_autoptr(MigrationStream) out = migration_stream_new();

    for (size_t i = 0; i < s->sections->len; i++) {
        MigrationSection *sec = &g_array_index(s->sections, MigrationSection,
                                               i);

        if (sec->instance_id == 0) {
            qdict_put(machine, sec->id,
                      qobject_clone(QOBJECT(sec->state)));
            g_hash_table_insert(versions, sec->id,
                                GUINT_TO_POINTER(sec->version));
        }
    }
    if (!compat_convert_machine(r->compat, machine, s->machine_version,
                                r->machine_version, errp)) {
        return NULL;
    }
    out->format = s->format;
    out->caps = s->caps;
    g_free(out->machine);
    out->machine = g_strdup(s->machine);
    out->machine_version = r->machine_version;
    for (const QDictEntry *e = qdict_first(machine); e;
         e = qdict_next(machine, e)) {
        const char *id = qdict_entry_key(e);
        QDict *state = qobject_to(QDict, qdict_entry_value(e));
        gpointer v = NULL;
        uint32_t version;

        if (!state) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s: the machine steps left a non-object state", id);
            return NULL;
        }
        if (g_hash_table_lookup_extended(versions, id, NULL, &v)) {
            version = GPOINTER_TO_UINT(v);
        } else {
            MigrationDevice *dev = migration__registry_find(r, id, 0);

            version = dev ? dev->info.version : 0;
        }
        migration__stream_add(out, id, 0, version, qobject_ref(state), 0);
    }
    for (size_t i = 0; i < s->sections->len; i++) {
        MigrationSection *sec = &g_array_index(s->sections, MigrationSection,
                                               i);

        if (sec->instance_id != 0) {
            migration__stream_add(out, sec->id, sec->instance_id,
                                  sec->version,
                                  qobject_to(QDict,
                                             qobject_clone(
                                                 QOBJECT(sec->state))),
                                  sec->size);
        }
    }
    return g_steal_pointer(&out);
}

bool migration__load_stream(MigrationRegistry *r, const MigrationStream *s,
                            MigrationReport **report, GError **errp)
{
    g_autoptr(MigrationStream) converted = NULL;

    if (r->compat && s->machine_version && r->machine_version &&
        s->machine_version != r->machine_version) {
        converted = convert_machine(r, s, errp);
        if (!converted) {
            return false;
        }
        s = converted;
    }
    return load_sections(r, s, report, errp);
}

static bool load_sections(MigrationRegistry *r, const MigrationStream *s,
                          MigrationReport **report, GError **errp)
{
    size_t n = s->sections->len;
    g_autofree Prepared *prep = g_new0(Prepared, n);
    g_autoptr(MigrationReport) rep =
        migration__report_new(s->format, s->caps, n);
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    size_t np = 0;
    bool ok = true;

    for (size_t i = 0; i < n && ok; i++) {
        const MigrationSection *sec =
            &g_array_index(s->sections, MigrationSection, i);
        MigrationDevice *dev =
            migration__registry_find(r, sec->id, sec->instance_id);
        MigrationDeviceReport *dr = &rep->devices[i];

        dr->id = g_strdup(sec->id);
        dr->instance_id = sec->instance_id;
        dr->stream_version = sec->version;
        dr->bytes = sec->size;
        if (!dev) {
            if (r->skip_unknown) {
                dr->skipped = true;
                continue;
            }
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                        "%s: unknown device (section %zu, instance %" PRIu32
                        ")", sec->id, i, sec->instance_id);
            ok = false;
            break;
        }
        if (g_hash_table_contains(seen, dev)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: instance %" PRIu32 " appears twice in the stream",
                        sec->id, sec->instance_id);
            ok = false;
            break;
        }
        g_hash_table_add(seen, dev);
        dr->local_version = dev->info.version;
        prep[np].dev = dev;
        prep[np].state = prepare_section(r, dev, sec, errp);
        prep[np].version = migration__walks_version(&dev->info, sec->version)
                               ? sec->version : dev->info.version;
        ok = prep[np].state != NULL;
        np++;
    }
    if (ok) {
        /* Every section decoded, converted and checked: write, with every
         * device paused as for a save. */
        for (size_t i = 0; i < r->devices->len; i++) {
            MigrationDevice *dev = g_ptr_array_index(r->devices, i);

            if (dev->info.pause) {
                dev->info.pause(dev->opaque);
            }
        }
        for (size_t i = 0; i < np && ok; i++) {
            MigrationDevice *dev = prep[i].dev;
            g_autoptr(Visitor) v =
                qobject_input_visitor_new(QOBJECT(prep[i].state));

            visit_set_limits(v, &r->limits);
            visit_set_version(v, prep[i].version);
            ok = dev->info.visit(v, dev->opaque, errp) &&
                 visit_complete(v, errp);
        }
        for (size_t i = 0; i < r->devices->len; i++) {
            MigrationDevice *dev = g_ptr_array_index(r->devices, i);

            if (dev->info.resume) {
                dev->info.resume(dev->opaque);
            }
        }
    }
    for (size_t i = 0; i < np; i++) {
        qobject_unref(prep[i].state);
    }
    if (ok && report) {
        *report = g_steal_pointer(&rep);
    }
    return ok;
}

bool migration_load(MigrationRegistry *r, const void *data, size_t len,
                    MigrationReport **report, GError **errp)
{
    g_autoptr(MigrationStream) s = NULL;
    uint64_t t0 = migration__now_ns();

    g_return_val_if_fail(r != NULL && (data != NULL || len == 0), false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!migration__format_allowed(migration_detect_format(data, len),
                                   r->caps, errp)) {
        return false;
    }
    s = migration_stream_decode_full(data, len, &r->limits,
                                     migration__registry_schema, r, errp);
    if (!s || !migration__load_stream(r, s, report, errp)) {
        return false;
    }
    if (report) {
        (*report)->bytes = len;
        (*report)->duration_ns = migration__now_ns() - t0;
    }
    return true;
}
