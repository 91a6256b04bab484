/*
 * The device registry, save, and the transactional load.
 */
#include "qvisit/migration.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "migration/migration-internal.h"
#include "qvisit/error.h"

#include "qvisit/compat.h"

uint64_t migration__now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

void migration_report_free(MigrationReport *report)
{
    if (!report) {
        return;
    }
    for (size_t i = 0; i < report->n_devices; i++) {
        g_free(report->devices[i].id);
    }
    g_free(report->devices);
    g_free(report);
}

static void device_free(gpointer p)
{
    MigrationDevice *dev = p;

    g_free(dev->id);
    g_free(dev);
}

MigrationRegistry *migration_registry_new(void)
{
    MigrationRegistry *r = g_new0(MigrationRegistry, 1);

    r->devices = g_ptr_array_new_with_free_func(device_free);
    qvisit_limits_init(&r->limits);
    r->caps = MIGRATION_CAP_ALL;
    r->machine = g_strdup(MIG_DEFAULT_MACHINE);
    r->handshake_timeout_ms = 2000;
    r->io_timeout_ms = 30000;
    return r;
}

void migration_registry_free(MigrationRegistry *r)
{
    if (!r) {
        return;
    }
    g_ptr_array_free(r->devices, true);
    g_free(r->machine);
    g_free(r);
}

static MigrationDevice *find_device(MigrationRegistry *r, const char *id,
                                    uint32_t instance_id)
{
    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.instance_id == instance_id && !strcmp(dev->id, id)) {
            return dev;
        }
    }
    return NULL;
}

bool migration_register(MigrationRegistry *r, const MigrationDeviceInfo *info,
                        void *opaque, GError **errp)
{
    MigrationDevice *dev;
    size_t len, bad;

    g_return_val_if_fail(r != NULL && info != NULL, false);
    g_return_val_if_fail(info->id != NULL && info->visit != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    len = strlen(info->id);
    bad = migration__id_bad_byte(info->id, len);
    if (len == 0 || len > 255 || bad < len) {
        g_autofree char *shown = qvisit_error_escape(info->id, -1);

        if (bad < len) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: a device id must be printable ASCII (byte "
                        "0x%02x at %zu)", shown,
                        (unsigned char)info->id[bad], bad);
        } else {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: a device id must be 1..255 bytes", shown);
        }
        return false;
    }
    if (info->minimum_version > info->version) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: minimum version %" PRIu32 " above version %" PRIu32,
                    info->id, info->minimum_version, info->version);
        return false;
    }
    if (find_device(r, info->id, info->instance_id)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: instance %" PRIu32 " is already registered",
                    info->id, info->instance_id);
        return false;
    }
    dev = g_new0(MigrationDevice, 1);
    dev->info = *info;
    dev->id = g_strdup(info->id);
    dev->info.id = dev->id;
    dev->opaque = opaque;
    g_ptr_array_add(r->devices, dev);
    return true;
}

size_t migration_registry_size(const MigrationRegistry *r)
{
    g_return_val_if_fail(r != NULL, 0);
    return r->devices->len;
}

void migration_set_compat(MigrationRegistry *r, CompatRegistry *compat)
{
    g_return_if_fail(r != NULL);
    r->compat = compat;
}

void migration_set_limits(MigrationRegistry *r, const QVisitLimits *limits)
{
    g_return_if_fail(r != NULL && limits != NULL);
    r->limits = *limits;
}

void migration_set_skip_unknown(MigrationRegistry *r, bool skip)
{
    g_return_if_fail(r != NULL);
    r->skip_unknown = skip;
}

void migration_set_machine(MigrationRegistry *r, const char *machine)
{
    g_return_if_fail(r != NULL && machine != NULL);
    g_free(r->machine);
    r->machine = g_strdup(machine);
}

void migration_set_machine_version(MigrationRegistry *r, uint32_t version)
{
    g_return_if_fail(r != NULL);
    r->machine_version = version;
}

uint64_t migration_query_capabilities(const MigrationRegistry *r)
{
    g_return_val_if_fail(r != NULL, 0);
    return r->caps;
}

void migration_set_capabilities(MigrationRegistry *r, uint64_t mask)
{
    g_return_if_fail(r != NULL);
    r->caps = MIGRATION_CAP_ALL & mask;
}

/* --- Save --------------------------------------------------------------- */

static bool device_walk(Visitor *v, void *ctx, GError **errp)
{
    MigrationDevice *dev = ctx;

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

static MigrationReport *report_new(MigrationFormat format, uint64_t caps,
                                   size_t n)
{
    MigrationReport *rep = g_new0(MigrationReport, 1);

    rep->format = format;
    rep->capabilities = caps;
    rep->n_devices = n;
    rep->devices = g_new0(MigrationDeviceReport, n);
    return rep;
}

bool migration__save_caps(MigrationRegistry *r, MigrationFormat format,
                          uint64_t caps, GByteArray *out,
                          MigrationReport **report, GError **errp)
{
    size_t n = r->devices->len;
    g_autofree MigEncSection *secs = g_new0(MigEncSection, n);
    g_autoptr(GByteArray) buf = g_byte_array_new();
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
        /* Output filters see the QObject tree. The legacy payload has a
         * fixed layout, so they apply to the other formats only. */
        if (ok && r->compat && format != MIGRATION_FORMAT_LEGACY) {
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

        ok = ok && migration__encode(format, &h, secs, n, buf, errp);
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
        MigrationReport *rep = report_new(format, caps, n);

        for (size_t i = 0; i < n; i++) {
            rep->devices[i].id = g_strdup(secs[i].id);
            rep->devices[i].instance_id = secs[i].instance_id;
            rep->devices[i].stream_version = secs[i].version;
            rep->devices[i].local_version = secs[i].version;
            rep->devices[i].bytes = secs[i].size;
        }
        rep->bytes = buf->len;
        rep->duration_ns = migration__now_ns() - t0;
        *report = rep;
    }
    g_byte_array_append(out, buf->data, buf->len);
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

/* --- Load --------------------------------------------------------------- */

typedef struct Prepared {
    MigrationDevice *dev;
    QDict *state;       /* converted, owned */
} Prepared;

/* Converts and checks one section; returns the state to load. */
static bool load_sections(MigrationRegistry *r, const MigrationStream *s,
                          MigrationReport **report, GError **errp);

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
    if (info->state_size) {
        /* Dry run: the walk must accept the tree before any device is
         * written. */
        g_autofree void *scratch = g_malloc0(info->state_size);
        g_autoptr(Visitor) v = qobject_input_visitor_new(QOBJECT(state));
        bool ok;

        visit_set_limits(v, &r->limits);
        ok = info->visit(v, scratch, errp) && visit_complete(v, errp);
        if (info->clear) {
            info->clear(scratch);
        }
        if (!ok) {
            return NULL;
        }
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
            MigrationDevice *dev = find_device(r, id, 0);

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
    g_autoptr(MigrationReport) rep = report_new(s->format, s->caps, n);
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    size_t np = 0;
    bool ok = true;

    for (size_t i = 0; i < n && ok; i++) {
        const MigrationSection *sec =
            &g_array_index(s->sections, MigrationSection, i);
        MigrationDevice *dev = find_device(r, sec->id, sec->instance_id);
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

const MigrationDeviceInfo *migration__registry_schema(const char *id,
                                                      uint32_t version,
                                                      void *opaque)
{
    MigrationRegistry *r = opaque;

    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.version == version && !strcmp(dev->id, id)) {
            return &dev->info;
        }
    }
    return NULL;
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
