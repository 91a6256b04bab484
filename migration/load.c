/*
 * Load, all or nothing: every section is decoded, converted between
 * versions and checked against its device's walk on a scratch state
 * before any device is written.
 *
 * The check (the "dry run") leaves a tape: the scratch state written by
 * the device's walk through a QEMUFile output visitor, the fastest
 * encoding there is. Once every section passed, each device reads its
 * tape with the same walk through a QEMUFile input visitor; a legacy
 * payload read with the device's walk already is that tape, and a large
 * binary section is read again from the stream instead. A device
 * without a scratch state (state_size 0) keeps its tree and is written
 * from it, as before.
 *
 * Two ways to the dry run. The direct path (a format's scan()) reads each
 * section's payload with the device's walk straight into the scratch
 * state, with no tree, when the stream's version is the device's and no
 * input filter or machine step needs the tree; a legacy stream is then
 * read without parsing its vmdesc, as QEMU's loader does. Any other
 * section is decoded into a tree (a legacy payload through its own
 * vmdesc entry, the only part of the vmdesc parsed), converted and
 * filtered, and walked into the scratch state from there. A legacy
 * section the direct path cannot take (a payload its walk refuses, any
 * failure once a tree was taken) sends the whole load to the tree path:
 * the stream decoded through its whole vmdesc, then
 * migration__load_stream(), which decides with its messages.
 */
#include "qvisit/migration.h"

#include <inttypes.h>
#include <string.h>

#include "migration/migration-internal.h"
#include "qvisit/compat.h"
#include "qvisit/error.h"
#include "qvisit/qemu-file-visitor.h"

/*
 * A section above this size is read again from the stream at the commit
 * when its format can (binary) instead of being written to a tape: its
 * bytes are then copied twice fewer, and most of a large state is
 * buffers, which both ways copy once.
 */
#define REREAD_MIN (64 * 1024)

typedef struct Prepared {
    MigrationDevice *dev;
    QDict *tree;            /* owned; only for state_size 0: walked */
    bool in_stream;         /* the tape is bytes of the stream */
    /* in_stream: a visitor over them, or NULL for a QEMUFile's */
    Visitor *(*reopen)(const uint8_t *data, size_t len,
                       const QVisitLimits *limits);
    size_t tape_off;        /* in the stream or in Load.tape */
    size_t tape_len;
    uint32_t version;       /* the layout version the walks visit */
} Prepared;

typedef struct Load {
    MigrationRegistry *r;
    const MigrationStream *s;   /* its header: machine, capabilities */
    const uint8_t *data;        /* the stream, for tapes kept in it */
    GArray *prep;               /* of Prepared */
    GArray *reports;            /* of MigrationDeviceReport */
    GHashTable *seen;           /* devices met */
    GByteArray *tape;           /* the other tapes, back to back */
    QEMUFile *tape_file;        /* writes @tape */
    bool fallback;              /* the direct path gave up */
    bool decode_decides;        /* a tree was taken from a section whose
                                 * failures the whole decode decides */
} Load;

static void load_init(Load *L, MigrationRegistry *r,
                      const MigrationStream *s, const uint8_t *data)
{
    *L = (Load) {
        .r = r, .s = s, .data = data,
        .prep = g_array_new(false, true, sizeof(Prepared)),
        .reports = g_array_new(false, true, sizeof(MigrationDeviceReport)),
        .seen = g_hash_table_new(NULL, NULL),
        .tape = g_byte_array_new(),
    };
}

static void load_clear(Load *L)
{
    for (guint i = 0; i < L->prep->len; i++) {
        qobject_unref(g_array_index(L->prep, Prepared, i).tree);
    }
    for (guint i = 0; i < L->reports->len; i++) {
        g_free(g_array_index(L->reports, MigrationDeviceReport, i).id);
    }
    g_array_free(L->prep, true);
    g_array_free(L->reports, true);
    g_hash_table_destroy(L->seen);
    if (L->tape_file) {
        qemu_fclose(L->tape_file);
    }
    g_byte_array_free(L->tape, true);
}

/* Whether the machine steps run: they need every section as a tree. */
static bool machine_converts(MigrationRegistry *r, const MigrationStream *s)
{
    return r->compat && s->machine_version && r->machine_version &&
           s->machine_version != r->machine_version;
}

/*
 * Enters a section in the report and finds its device. NULL without an
 * error for an unknown section that is skipped, NULL with one when the
 * section cannot load.
 */
static MigrationDevice *section_device(Load *L, const char *id,
                                       uint32_t instance_id,
                                       uint32_t version, size_t size,
                                       GError **errp)
{
    MigrationRegistry *r = L->r;
    size_t index = L->reports->len;
    MigrationDevice *dev = migration__registry_find(r, id, instance_id);
    MigrationDeviceReport dr = {
        .id = g_strdup(id),
        .instance_id = instance_id,
        .stream_version = version,
        .bytes = size,
    };

    if (!dev) {
        dr.skipped = r->skip_unknown;
        g_array_append_val(L->reports, dr);
        if (!r->skip_unknown) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                        "%s: unknown device (section %zu, instance %" PRIu32
                        ")", id, index, instance_id);
        }
        return NULL;
    }
    dr.local_version = dev->info.version;
    g_array_append_val(L->reports, dr);
    if (g_hash_table_contains(L->seen, dev)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: instance %" PRIu32 " appears twice in the stream",
                    id, instance_id);
        return NULL;
    }
    g_hash_table_add(L->seen, dev);
    if (version < dev->info.minimum_version) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_VERSION,
                    "%s: stream version %" PRIu32
                    " is older than the minimum %" PRIu32 " this side loads",
                    dev->id, version, dev->info.minimum_version);
        return NULL;
    }
    if (version != dev->info.version && !r->compat &&
        !migration__walks_version(&dev->info, version)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_VERSION,
                    "%s: stream version %" PRIu32
                    " differs from local version %" PRIu32
                    " and no compat transforms are set",
                    dev->id, version, dev->info.version);
        return NULL;
    }
    return dev;
}

/*
 * Whether the section reaches the device unchanged, so needs no tree: at
 * a version the device's walk visits itself (its own, or an older one
 * through version gates) and without input filters.
 */
static bool section_is_plain(Load *L, MigrationDevice *dev, uint32_t version)
{
    return migration__walks_version(&dev->info, version) &&
           !(L->r->compat && compat_has_filter(L->r->compat, dev->id,
                                               COMPAT_FILTER_INPUT));
}

/*
 * The dry run: walks @in into a scratch state of the device's layout,
 * configured by the device's prepare hook when it has one
 * (docs/migration-core.md, "Configuration"), and, unless
 * @tape_in_stream (a legacy payload, which is its own tape) says where
 * the bytes already are, writes the scratch state to the tape; then
 * frees the scratch state. @own_version: the input is at the device's
 * own layout version, so a structural error there can only be the
 * configuration's (after a transform chain it may be the chain's).
 */
static bool dry_run(Load *L, Prepared *p, Visitor *in,
                    MigScanSection *tape_in_stream, bool own_version,
                    GError **errp)
{
    const MigrationDeviceInfo *info = &p->dev->info;
    void *scratch = migration_device_scratch_new(info, p->dev->opaque, errp);
    const uint8_t *tape;
    bool ok;

    if (!scratch) {
        return false;
    }
    visit_set_version(in, p->version);
    ok = info->visit(in, scratch, errp) && visit_complete(in, errp);
    if (!ok && own_version) {
        migration__config_error(info, L->reports->len - 1, errp);
    }
    if (ok && tape_in_stream &&
        tape_in_stream->tape(tape_in_stream, &tape, &p->tape_len) &&
        (!tape_in_stream->reopen || p->tape_len >= REREAD_MIN)) {
        p->in_stream = true;
        p->reopen = tape_in_stream->reopen;
        p->tape_off = tape - L->data;
    } else if (ok) {
        g_autoptr(Visitor) out = NULL;

        if (!L->tape_file) {
            L->tape_file = qemu_fopen_bytearray(L->tape);
        }
        p->tape_off = qemu_file_transferred(L->tape_file);
        out = qemu_file_output_visitor_new(L->tape_file);
        visit_set_version(out, p->version);
        ok = info->visit(out, scratch, errp) && visit_complete(out, errp);
        p->tape_len = qemu_file_transferred(L->tape_file) - p->tape_off;
    }
    migration_device_scratch_free(info, scratch);
    return ok;
}

/*
 * A section as a tree: converted to the device's version and through the
 * input filters when either applies, then dry-run. @state (transfer
 * full) is rewritten in place when @shared is false (a tree decoded for
 * this load), else a copy is (a stream's section, which the caller
 * keeps).
 */
static bool prepare_tree(Load *L, Prepared *p, QDict *state, bool shared,
                         uint32_t version, GError **errp)
{
    MigrationRegistry *r = L->r;
    const MigrationDeviceInfo *info = &p->dev->info;
    g_autoptr(QDict) work = state;

    if (!section_is_plain(L, p->dev, version)) {
        if (shared) {
            work = qobject_to(QDict, qobject_clone(QOBJECT(state)));
            qobject_unref(state);
        }
        /* @work is this load's own: converted in place, dropped on
         * failure. */
        if (version != p->version &&
            !compat_convert_in_place(r->compat, p->dev->id, work, version,
                                     info->version, errp)) {
            return false;
        }
        if (!compat_filter_input(r->compat, p->dev->id, work, errp)) {
            return false;
        }
    }
    if (info->state_size) {
        g_autoptr(Visitor) v = qobject_input_visitor_new(QOBJECT(work));

        visit_set_limits(v, &r->limits);
        return dry_run(L, p, v, NULL, version == p->version, errp);
    }
    p->tree = g_steal_pointer(&work);
    return true;
}

/*
 * A section of layout @version for @dev: its walks visit @version when
 * they read it through version gates, else the device's own version
 * (the tree is converted to it first).
 */
static Prepared *prepared_add(Load *L, MigrationDevice *dev,
                              uint32_t version)
{
    Prepared p = {
        .dev = dev,
        .version = migration__walks_version(&dev->info, version)
                       ? version : dev->info.version,
    };

    g_array_append_val(L->prep, p);
    return &g_array_index(L->prep, Prepared, L->prep->len - 1);
}

/* Writes every prepared section into its device, devices paused. */
static bool commit(Load *L, GError **errp)
{
    MigrationRegistry *r = L->r;
    bool ok = true;

    if (L->tape_file) {
        int ret = qemu_fclose(L->tape_file);

        L->tape_file = NULL;
        if (ret < 0) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "writing the states to load: %s", g_strerror(-ret));
            return false;
        }
    }
    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.pause) {
            dev->info.pause(dev->opaque);
        }
    }
    for (guint i = 0; i < L->prep->len && ok; i++) {
        Prepared *p = &g_array_index(L->prep, Prepared, i);
        MigrationDevice *dev = p->dev;
        g_autoptr(Visitor) v = NULL;
        QEMUFile *f = NULL;

        if (p->tree) {
            v = qobject_input_visitor_new(QOBJECT(p->tree));
        } else if (p->reopen) {
            v = p->reopen(L->data + p->tape_off, p->tape_len, &r->limits);
        } else {
            f = qemu_fopen_mem((p->in_stream ? L->data : L->tape->data) +
                               p->tape_off, p->tape_len);
            v = qemu_file_input_visitor_new(f);
        }
        visit_set_limits(v, &r->limits);
        visit_set_version(v, p->version);
        ok = dev->info.visit(v, dev->opaque, errp) &&
             visit_complete(v, errp);
        g_clear_pointer(&v, visit_free);
        if (f) {
            qemu_fclose(f);
        }
    }
    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.resume) {
            dev->info.resume(dev->opaque);
        }
    }
    return ok;
}

/* Hands the report over (transfer full). */
static MigrationReport *load_report(Load *L)
{
    size_t n = L->reports->len;
    MigrationReport *rep = migration__report_new(L->s->format, L->s->caps, n);

    if (n) {
        memcpy(rep->devices, L->reports->data,
               n * sizeof(MigrationDeviceReport));
    }
    g_array_set_size(L->reports, 0);
    return rep;
}

static bool load_finish(Load *L, MigrationReport **report, GError **errp)
{
    if (!commit(L, errp)) {
        return false;
    }
    if (report) {
        *report = load_report(L);
    }
    return true;
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
    Load L;
    bool ok = true;

    if (machine_converts(r, s)) {
        converted = convert_machine(r, s, errp);
        if (!converted) {
            return false;
        }
        s = converted;
    }
    load_init(&L, r, s, NULL);
    for (size_t i = 0; i < s->sections->len && ok; i++) {
        const MigrationSection *sec =
            &g_array_index(s->sections, MigrationSection, i);
        MigrationDevice *dev = section_device(&L, sec->id, sec->instance_id,
                                              sec->version, sec->size, errp);

        if (!dev) {
            ok = r->skip_unknown &&
                 g_array_index(L.reports, MigrationDeviceReport,
                               L.reports->len - 1).skipped;
            continue;
        }
        ok = prepare_tree(&L, prepared_add(&L, dev, sec->version),
                          qobject_ref(sec->state), true, sec->version, errp);
    }
    ok = ok && load_finish(&L, report, errp);
    load_clear(&L);
    return ok;
}

/* Gives the direct path up: the caller decodes the stream into trees. */
static bool direct_gives_up(Load *L, GError **errp)
{
    L->fallback = true;
    g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "the direct path does not apply");
    return false;
}

/*
 * The section's tree (transfer full), or NULL with @errp set; a failure
 * the format's whole decode decides gives the direct path up. @dev
 * (nullable): the section's device, which keeps the vmdesc entry a
 * legacy tree comes through for the next load.
 */
static QDict *section_tree(Load *L, MigScanSection *sec,
                           MigrationDevice *dev, GError **errp)
{
    GError *err = NULL;
    QDict *state;

    if (!sec->tree) {
        direct_gives_up(L, errp);
        return NULL;
    }
    sec->vmdesc_entry = dev ? &dev->vmdesc_entry : NULL;
    L->decode_decides |= sec->decode_decides;
    state = sec->tree(sec, &err);
    if (!state && sec->decode_decides) {
        g_error_free(err);
        direct_gives_up(L, errp);
    } else if (!state) {
        g_propagate_error(errp, err);
    }
    return state;
}

/* The direct path's handling of one section (a MigScanFn). */
static bool scan_section(void *opaque, MigScanSection *sec, GError **errp)
{
    Load *L = opaque;
    MigrationDevice *dev;
    MigrationDeviceReport *dr;
    QDict *state;
    GError *err = NULL;
    Prepared *p;

    if (machine_converts(L->r, L->s)) {
        return direct_gives_up(L, errp);
    }
    dev = section_device(L, sec->id, sec->instance_id, sec->version,
                         sec->size, errp);
    dr = &g_array_index(L->reports, MigrationDeviceReport,
                        L->reports->len - 1);
    sec->size_slot = &dr->bytes;
    if (!dev) {
        if (!dr->skipped) {
            return false;
        }
        if (!sec->decode_decides) {
            return true;
        }
        /* A legacy payload is passed over by decoding it through its
         * vmdesc entry: nothing else says where it ends. */
        state = section_tree(L, sec, NULL, errp);
        qobject_unref(state);
        return state != NULL;
    }
    p = prepared_add(L, dev, sec->version);
    if (sec->open && dev->info.state_size &&
        section_is_plain(L, dev, sec->version)) {
        g_autoptr(Visitor) in = sec->open(sec, &L->r->limits, errp);

        if (!in) {
            return false;
        }
        if (dry_run(L, p, in, sec, true, &err)) {
            return true;
        }
        if (sec->decode_decides) {
            /*
             * A legacy payload the device's walk refuses: the decode
             * through the vmdesc decides, so a load fails or succeeds
             * exactly as it did before the direct path (a walk that
             * reads QEMU's members in another order loads by name
             * there), with its messages.
             */
            g_error_free(err);
            return direct_gives_up(L, errp);
        }
        g_propagate_error(errp, err);
        return false;
    }
    /*
     * A tree: a legacy payload through its own vmdesc entry (the
     * vmdesc's other entries are not parsed), so a load where only some
     * sections' versions differ reads the others directly.
     */
    state = section_tree(L, sec, dev, errp);
    if (!state) {
        return false;
    }
    if (prepare_tree(L, p, state, false, sec->version, &err)) {
        return true;
    }
    if (sec->decode_decides) {
        g_error_free(err);
        return direct_gives_up(L, errp);
    }
    g_propagate_error(errp, err);
    return false;
}

bool migration__load_bytes(MigrationRegistry *r, const uint8_t *data,
                           size_t len, MigrationReport **report,
                           GError **errp)
{
    MigrationFormat format = migration_detect_format(data, len);
    const MigrationFormatOps *ops = migration__format_ops(format);
    g_autoptr(MigrationStream) s = NULL;

    if (ops && ops->scan) {
        g_autoptr(MigrationStream) hdr = migration_stream_new();
        GError *err = NULL;
        Load L;
        bool ok;

        hdr->format = format;
        load_init(&L, r, hdr, data);
        ok = ops->scan(hdr, data, len, &r->limits, scan_section, &L, &err);
        /* Once a section came through its vmdesc entry, the whole decode
         * decides any failure of the scan (a later payload, a footer),
         * so its messages stay those of the decode through the vmdesc. */
        L.fallback |= !ok && L.decode_decides;
        ok = ok && load_finish(&L, report, &err);
        load_clear(&L);
        if (ok || !L.fallback) {
            if (err) {
                g_propagate_error(errp, err);
            }
            return ok;
        }
        g_error_free(err);
    }
    s = migration_stream_decode_full(data, len, &r->limits,
                                     migration__registry_schema, r, errp);
    return s && migration__load_stream(r, s, report, errp);
}

bool migration_load(MigrationRegistry *r, const void *data, size_t len,
                    MigrationReport **report, GError **errp)
{
    uint64_t t0 = migration__now_ns();

    g_return_val_if_fail(r != NULL && (data != NULL || len == 0), false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!migration__format_allowed(migration_detect_format(data, len),
                                   r->caps, errp) ||
        !migration__load_bytes(r, data, len, report, errp)) {
        return false;
    }
    if (report) {
        (*report)->bytes = len;
        (*report)->duration_ns = migration__now_ns() - t0;
    }
    return true;
}
