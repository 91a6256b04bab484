/*
 * The legacy migration format: QEMU 7.2's savevm layout
 * (/work/shared/qemu-stream-format.md sections 1-5, docs/formats.md):
 *
 *     be32 "QEVM" ; be32 3
 *     u8 0x07 ; be32 len ; machine type            (configuration)
 *     per device, in registration order:
 *       u8 0x04 (FULL) ; be32 section_id ; u8 len ; idstr ;
 *       be32 instance_id ; be32 version_id ; payload ;
 *       u8 0x7e ; be32 section_id                    (footer)
 *     u8 0x00 (EOF)
 *     u8 0x06 ; be32 len ; vmdesc JSON
 *
 * Payloads are the QEMUFile visitor's bytes and carry no types, so the
 * reader decodes them through the vmdesc, as QEMU's analyze-migration.py
 * does. The format is framing over the one QEMU wire codec
 * (qemustream/qemu-stream-codec.h): records, the vmdesc and the payloads'
 * descriptions are written and read there, for QEMU's own streams too.
 */
#include "migration/migration-internal.h"

#include <inttypes.h>
#include <string.h>

#include "qemustream/qemu-stream-codec.h"
#include "qobject/json-writer.h"
#include "qvisit/error.h"
#include "qvisit/qemu-file-visitor.h"
#include "util/bswap.h"
#include "util/error-at.h"

/* --- Writer ------------------------------------------------------------- */

/*
 * QEMU versions machine types by name ("pc-i440fx-7.2"); a versioned
 * qvisit machine is written the same way, as "<machine>-v<version>".
 */
static char *machine_type_name(const MigEncHeader *h)
{
    return h->machine_version
               ? g_strdup_printf("%s-v%" PRIu32, h->machine,
                                 h->machine_version)
               : g_strdup(h->machine);
}

/* Splits a "-v<digits>" suffix off s->machine into s->machine_version. */
static void machine_type_parse(MigrationStream *s)
{
    char *v = strrchr(s->machine, '-');
    char *end;
    guint64 n;

    if (!v || v == s->machine || v[1] != 'v' || !g_ascii_isdigit(v[2])) {
        return;
    }
    n = g_ascii_strtoull(v + 2, &end, 10);
    if (*end || n == 0 || n > UINT32_MAX) {
        return;
    }
    s->machine_version = n;
    *v = '\0';
}

/*
 * The vmdesc entry of section @sec as JSON text, for its walk just
 * written with the shape @shape: from the cache when the shape is the
 * cached one, else described by a second walk (into a file of its own,
 * whose bytes are dropped) and cached. Returns a borrowed string, valid
 * until the next save of the section's device.
 */
static GString *cached_entry(const MigEncSection *sec, GByteArray *shape,
                             GError **errp)
{
    MigVmdescCache *c = sec->vmdesc_cache;
    g_autoptr(GByteArray) scratch = NULL;
    g_autoptr(Visitor) v = NULL;
    g_autoptr(QDict) dev = NULL;
    QList *fields = NULL;
    QEMUFile *f;
    bool ok;

    if (c->shape && c->shape->len == shape->len &&
        !memcmp(c->shape->data, shape->data, shape->len)) {
        return c->text;
    }
    scratch = g_byte_array_new();
    f = qemu_fopen_bytearray(scratch);
    v = qs__vmdesc_visitor_new(f, &fields);
    ok = sec->walk(v, sec->ctx, errp) && visit_complete(v, errp);
    g_clear_pointer(&v, visit_free);
    qemu_fclose(f);
    if (!ok) {
        return NULL;
    }
    dev = qs__vmdesc_device(sec->id, sec->instance_id, sec->version, fields);
    if (c->shape) {
        g_byte_array_free(c->shape, true);
        g_string_free(c->text, true);
    }
    c->shape = g_byte_array_sized_new(shape->len);
    g_byte_array_append(c->shape, shape->data, shape->len);
    c->text = qobject__to_json_spaced(QOBJECT(dev));
    return c->text;
}

static void free_text(gpointer p)
{
    g_string_free(p, true);
}

bool migration__encode_legacy(const MigEncHeader *h, MigEncSection *secs,
                              size_t n, GByteArray *out, GError **errp)
{
    g_autoptr(GPtrArray) entries = g_ptr_array_new();
    g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func(free_text);
    g_autoptr(GByteArray) shape = g_byte_array_new();
    g_autoptr(GString) json = NULL;
    g_autofree char *machine = machine_type_name(h);
    QEMUFile *f;
    int ret;

    /* Write nothing the reader refuses. */
    if (strlen(machine) > QS_MACHINE_TYPE_MAX) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "machine type of %zu bytes exceeds %d, the most a "
                    "legacy stream holds", strlen(machine),
                    QS_MACHINE_TYPE_MAX);
        return false;
    }
    f = qemu_fopen_bytearray(out);
    qs__put_header(f);
    qs__put_configuration(f, machine);
    for (size_t i = 0; i < n; i++) {
        size_t idlen = strlen(secs[i].id);
        uint64_t start = qemu_file_transferred(f);
        g_autoptr(Visitor) v = NULL;
        QList *fields = NULL;
        GString *entry;
        bool ok;

        if (idlen == 0 || idlen > 255) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: id must be 1..255 bytes", secs[i].id);
            qemu_fclose(f);
            return false;
        }
        qs__put_section_header(f, QS_SECTION_FULL, i, secs[i].id,
                               secs[i].instance_id, secs[i].version);
        g_byte_array_set_size(shape, 0);
        v = secs[i].vmdesc_cache
                ? migration__shape_visitor_new(f, shape)
                : qs__vmdesc_visitor_new(f, &fields);
        ok = secs[i].walk(v, secs[i].ctx, errp) && visit_complete(v, errp);
        /* The visitor writes to f: free it first. */
        g_clear_pointer(&v, visit_free);
        if (ok && secs[i].vmdesc_cache) {
            entry = cached_entry(&secs[i], shape, errp);
            ok = entry != NULL;
        } else if (ok) {
            g_autoptr(QDict) dev = qs__vmdesc_device(
                secs[i].id, secs[i].instance_id, secs[i].version, fields);

            entry = qobject__to_json_spaced(QOBJECT(dev));
            g_ptr_array_add(owned, entry);
        }
        if (!ok) {
            qemu_fclose(f);
            return false;
        }
        g_ptr_array_add(entries, entry);
        qs__put_footer(f, i);
        secs[i].size = qemu_file_transferred(f) - start;
    }
    qemu_put_byte(f, QS_EOF);
    json = qs__vmdesc_text_join(QS_DEFAULT_PAGE_SIZE,
                                (GString *const *)entries->pdata, n);
    qs__put_vmdesc(f, json->str, json->len);
    ret = qemu_fclose(f);
    if (ret < 0) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "writing the legacy stream: %s", g_strerror(-ret));
        return false;
    }
    return true;
}

/* --- Reader ------------------------------------------------------------- */

/* What the legacy decoder gathers from the codec's reader. */
typedef struct LegacyDecode {
    MigrationStream *s;
    const QVisitLimits *limits;
    MigrationSchemaFn schema;
    void *opaque;
} LegacyDecode;

static bool on_configuration(void *opaque, QDict *conf, GError **errp)
{
    LegacyDecode *d = opaque;
    const char *machine = qs__dict_str(conf, "machine_type");

    (void)errp;
    if (machine) {
        g_free(d->s->machine);
        d->s->machine = g_strdup(machine);
        machine_type_parse(d->s);
    }
    return true;
}

/*
 * Device sections become the stream's sections; the other records (RAM,
 * which only QEMU's own streams hold) are checked by the reader and not
 * kept.
 */
static bool on_record(void *opaque, const QsRecordInfo *rec, QDict *state,
                      GError **errp)
{
    LegacyDecode *d = opaque;

    if (!state) {
        return true;
    }
    /* The section's state is held until the load: bound what it took on
     * the wire. */
    if (rec->bytes > d->limits->max_section_size) {
        qobject_unref(state);
        return qvisit__error_at(errp, QVISIT_ERROR_LIMIT, NULL,
                                rec->at + rec->bytes,
                                "section '%s' of %" G_GUINT64_FORMAT " bytes "
                                "exceeds max_section_size %zu", rec->idstr,
                                rec->bytes, d->limits->max_section_size);
    }
    migration__stream_add(d->s, rec->idstr, rec->instance_id,
                          rec->version_id, state, rec->bytes);
    return true;
}

/*
 * Without a vmdesc (QEMU's suppress-vmdesc=on): read the payload with the
 * QEMUFile input visitor into a scratch state of the section's exact
 * layout, then walk that state into a tree.
 */
static QDict *on_undescribed(void *opaque, QEMUFile *f,
                             const QsRecordInfo *rec, GError **errp)
{
    LegacyDecode *d = opaque;
    const MigrationDeviceInfo *info = d->schema(rec->idstr, rec->version_id,
                                                d->opaque);
    uint64_t start = qemu_file_transferred(f);
    const void *live = NULL;
    void *scratch = NULL;
    g_autoptr(Visitor) in = NULL;
    QObject *tree = NULL;
    bool ok;

    if (!info || !info->visit || !info->state_size) {
        qvisit__error_at(errp, QVISIT_ERROR_UNKNOWN, rec->idstr, start,
                         "no vmdesc and no layout known for version %"
                         PRIu32, rec->version_id);
        return NULL;
    }
    if (d->schema == migration__registry_schema) {
        /* A registry's device: the payload has the shape its own
         * configuration gives (docs/migration-core.md, "Configuration"). */
        MigrationDevice *dev = migration__registry_find(
            d->opaque, rec->idstr, rec->instance_id);

        if (dev && dev->info.version == rec->version_id) {
            live = dev->opaque;
        }
    }
    scratch = migration_device_scratch_new(info, live, errp);
    if (!scratch) {
        return NULL;
    }
    in = qemu_file_input_visitor_new(f);
    visit_set_limits(in, d->limits);
    visit_set_version(in, rec->version_id);
    ok = info->visit(in, scratch, errp) && visit_complete(in, errp);
    /* The visitor reads from f, which the codec reads on from here. */
    g_clear_pointer(&in, visit_free);
    if (ok) {
        g_autoptr(Visitor) out = qobject_output_visitor_new(&tree);

        visit_set_version(out, rec->version_id);
        ok = info->visit(out, scratch, errp) && visit_complete(out, errp);
    }
    if (!ok) {
        g_prefix_error(errp, "section at byte %" G_GUINT64_FORMAT ": ",
                       start);
    }
    migration_device_scratch_free(info, scratch);
    if (ok && !qobject_to(QDict, tree)) {
        qobject_unref(tree);
        qvisit__error_at(errp, QVISIT_ERROR_TYPE, rec->idstr, start,
                         "the walk's root is not a struct");
        return NULL;
    }
    return ok ? qobject_to(QDict, tree) : NULL;
}

/*
 * The legacy format is QEMU's savevm layout, so the codec's reader reads
 * it, QEMU's own streams included: device sections decoded through the
 * vmdesc at the stream's end, or, for a stream without one, through
 * @schema's layouts.
 */
bool migration__decode_legacy(MigrationStream *s, const uint8_t *data,
                              size_t len, const QVisitLimits *limits,
                              MigrationSchemaFn schema, void *opaque,
                              GError **errp)
{
    g_autoptr(QObject) vmdesc = NULL;
    LegacyDecode d = {
        .s = s, .limits = limits, .schema = schema, .opaque = opaque,
    };
    QsStateSink sink = {
        .opaque = &d,
        .configuration = on_configuration,
        .record = on_record,
        .undescribed = schema ? on_undescribed : NULL,
    };
    QEMUFile *f;
    bool ok;

    if (!qs__vmdesc_from_mem(data, len, limits, &vmdesc, NULL, errp)) {
        return false;
    }
    if (!vmdesc && !schema) {
        return qvisit__error_at(errp, QVISIT_ERROR_TRUNCATED, NULL, len,
                                "stream truncated: no EOF and vmdesc at its "
                                "end, which decoding needs");
    }
    f = qemu_fopen_mem(data, len);
    ok = qs__read_state(f, vmdesc, limits, &sink, NULL, errp);
    qemu_fclose(f);
    return ok;
}

/* --- The load's direct path -------------------------------------------- */

/*
 * A stream the destination's devices describe needs no vmdesc: each
 * FULL payload is handed to the load, which reads it with the device's
 * own walk through a QEMUFile input visitor, as QEMU's loader does. The
 * vmdesc record is still checked for its framing, but not parsed. A
 * section the load needs as a tree (its version differs, so compat
 * transforms run) is decoded through its own vmdesc entry, found and
 * parsed alone (qs__vmdesc_index_entry()); the rest of the vmdesc is
 * not parsed.
 */
typedef struct LegacyScan {
    MigScanSection sec;
    MigrationStream *s;
    const QVisitLimits *limits;
    MigScanFn fn;
    void *opaque;
    const uint8_t *data;
    size_t len;
    QEMUFile *f;
    uint64_t payload_start;
    size_t *size_slot;
    QDict *placeholder;     /* what the codec's sink must return */
    QsVmdescIndex *index;   /* NULL until a section needs a tree */
    size_t alloc;           /* the trees' charge against max_alloc */
} LegacyScan;

static Visitor *scan_open(MigScanSection *sec, const QVisitLimits *limits,
                          GError **errp)
{
    LegacyScan *ls = (LegacyScan *)sec;
    Visitor *v = qemu_file_input_visitor_new(ls->f);

    (void)errp;
    visit_set_limits(v, limits);
    ls->payload_start = qemu_file_transferred(ls->f);
    return v;
}

static bool scan_tape(MigScanSection *sec, const uint8_t **data,
                      size_t *len)
{
    LegacyScan *ls = (LegacyScan *)sec;

    *data = ls->data + ls->payload_start;
    *len = qemu_file_transferred(ls->f) - ls->payload_start;
    return true;
}

/* The payload decoded through its vmdesc entry. */
static QDict *scan_tree(MigScanSection *sec, GError **errp)
{
    LegacyScan *ls = (LegacyScan *)sec;
    g_autoptr(QDict) entry = NULL;
    size_t text_off;

    if (!ls->index) {
        if (!qs__vmdesc_locate(ls->data, ls->len, ls->limits, &text_off,
                               errp)) {
            return NULL;
        }
        if (!text_off) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                        "%s: no vmdesc to decode the section with",
                        sec->id);
            return NULL;
        }
        ls->index = qs__vmdesc_index_new((const char *)ls->data + text_off,
                                         ls->len - text_off, text_off,
                                         ls->limits);
    }
    entry = qs__vmdesc_index_entry(ls->index, sec->id, sec->instance_id,
                                   sec->vmdesc_entry, errp);
    return entry ? qs__read_described(ls->f, sec->id, entry, ls->limits,
                                      &ls->alloc, errp)
                 : NULL;
}

static QDict *scan_section(void *opaque, QEMUFile *f,
                           const QsRecordInfo *rec, GError **errp)
{
    LegacyScan *ls = opaque;

    ls->sec = (MigScanSection) {
        .id = rec->idstr,
        .instance_id = rec->instance_id,
        .version = rec->version_id,
        .open = scan_open,
        .tree = scan_tree,
        .tape = scan_tape,
        .decode_decides = true,
    };
    ls->f = f;
    ls->payload_start = qemu_file_transferred(f);
    if (!ls->fn(ls->opaque, &ls->sec, errp)) {
        return NULL;
    }
    ls->size_slot = ls->sec.size_slot;
    return qobject_ref(ls->placeholder);
}

static bool scan_record(void *opaque, const QsRecordInfo *rec, QDict *state,
                        GError **errp)
{
    LegacyScan *ls = opaque;

    if (!state) {
        return true;
    }
    qobject_unref(state);
    if (rec->bytes > ls->limits->max_section_size) {
        return qvisit__error_at(errp, QVISIT_ERROR_LIMIT, NULL,
                                rec->at + rec->bytes,
                                "section '%s' of %" G_GUINT64_FORMAT " bytes "
                                "exceeds max_section_size %zu", rec->idstr,
                                rec->bytes, ls->limits->max_section_size);
    }
    if (ls->size_slot) {
        *ls->size_slot = rec->bytes;
        ls->size_slot = NULL;
    }
    return true;
}

static bool scan_configuration(void *opaque, QDict *conf, GError **errp)
{
    LegacyScan *ls = opaque;
    LegacyDecode d = { .s = ls->s };

    return on_configuration(&d, conf, errp);
}

static bool legacy_stream_scan(MigrationStream *s, const uint8_t *data,
                               size_t len, const QVisitLimits *limits,
                               MigScanFn fn, void *opaque, GError **errp)
{
    g_autoptr(QDict) placeholder = qdict_new();
    LegacyScan ls = {
        .s = s, .limits = limits, .fn = fn, .opaque = opaque, .data = data,
        .len = len, .placeholder = placeholder,
    };
    QsStateSink sink = {
        .opaque = &ls,
        .configuration = scan_configuration,
        .record = scan_record,
        .undescribed = scan_section,
    };
    QEMUFile *f = qemu_fopen_mem(data, len);
    bool ok = qs__read_state(f, NULL, limits, &sink, NULL, errp);

    qemu_fclose(f);
    qs__vmdesc_index_free(ls.index);
    return ok;
}

static bool legacy_stream_detect(const uint8_t *data, size_t len)
{
    return len >= 4 && ldl_be_p(data) == QS_MAGIC;
}

const MigrationFormatOps migration__format_legacy = {
    .name = "legacy",
    .detect = legacy_stream_detect,
    .encode = migration__encode_legacy,
    .decode = migration__decode_legacy,
    .scan = legacy_stream_scan,
};
