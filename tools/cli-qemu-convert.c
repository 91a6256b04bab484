/*
 * `convert` of a QEMU stream to qvisit's JSON or binary format and back
 * (`convert --to qemu`, `encode --qemu`), byte-identical.
 *
 * The device sections of the converted stream are the QEMU stream's, in
 * the form `diff` compares; what they do not hold (RAM, COMMAND records,
 * section ids, footers, the configuration and the vmdesc) goes into one
 * more section, QEMU_SECTION_ID: the full native dump of the stream
 * (qemu_stream_dump() with ram_full) with the state of every record that
 * has a device section removed. Going back, each record takes its state
 * from its device section again, so an edit of a device section reaches
 * the QEMU stream, and the encoder checks it as for `encode --qemu`.
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/qemu-devices/qemu-devices.h"
#include "tools/cli.h"

#define QEMU_SECTION_ID "qemu-stream"
#define QEMU_SECTION_VERSION 1

static const char *rec_str(QDict *rec, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(rec, key));

    return s ? qstring_get_str(s) : NULL;
}

static bool rec_u32(QDict *rec, const char *key, uint32_t *v)
{
    QNum *n = qobject_to(QNum, qdict_get(rec, key));
    uint64_t u;

    if (!n || !qnum_get_try_uint(n, &u) || u > UINT32_MAX) {
        return false;
    }
    *v = (uint32_t)u;
    return true;
}

/* The section with @id and @instance, or -1. */
static gssize find_section(const MigrationStream *s, const char *id,
                           uint32_t instance)
{
    for (size_t i = 0; i < migration_stream_get_size(s); i++) {
        const MigrationSection *sec = migration_stream_get_section(s, i);

        if (sec->instance_id == instance && !strcmp(sec->id, id)) {
            return (gssize)i;
        }
    }
    return -1;
}

/*
 * The first section with @id and @instance that no record took yet. QEMU
 * may write two sections under one id and instance (isapc's two isa-ide
 * controllers are both "isa-ide" instance 0); they pair with the records
 * in stream order.
 */
static gssize find_unused_section(const MigrationStream *s, const char *id,
                                  uint32_t instance, const bool *used)
{
    for (size_t i = 0; i < migration_stream_get_size(s); i++) {
        const MigrationSection *sec = migration_stream_get_section(s, i);

        if (!used[i] && sec->instance_id == instance &&
            !strcmp(sec->id, id)) {
            return (gssize)i;
        }
    }
    return -1;
}

/* Options that read a stream without a vmdesc as `dump --qemu
 * --partial` does: through the built-in QEMU devices, a section they do
 * not know kept as its bytes. A stream with a vmdesc ignores them. */
static void builtin_options(QemuStreamOptions *opts)
{
    qemu_stream_options_init(opts);
    opts->limits = cli_limits();
    opts->layouts = qemu_devices_layouts();
    opts->partial = true;
}

/* A stream QEMU wrote carries RAM; the migration core's legacy streams,
 * which convert back through device layouts, never do. */
static bool is_vm_stream(const char *in)
{
    g_autoptr(QObject) info = NULL;
    QemuStreamOptions opts;

    builtin_options(&opts);
    info = qemu_stream_info_path(in, &opts, QEMU_STREAM_INFO_DEFAULT, NULL);
    return info && cli_qemu_info_has_ram(info);
}

bool cli_qemu_keep_framing(MigrationStream *s, const char *in)
{
    g_autoptr(QObject) dump = NULL;
    QList *records;

    if (!strcmp(in, "-") || !is_vm_stream(in)) {
        return true;
    }
    if (find_section(s, QEMU_SECTION_ID, 0) >= 0) {
        cli_error("%s: a device section is named '%s', the name convert "
                  "keeps a QEMU stream's framing under", in,
                  QEMU_SECTION_ID);
        return false;
    }
    dump = cli_qemu_full_dump(in);
    if (!dump) {
        return false;
    }
    /* The formats hold no null; an absent configuration is the same to
     * the encoder (machine types up to 2.3 write none). */
    if (qobject_type(qdict_get(qobject_to(QDict, dump), "configuration")) ==
        QTYPE_QNULL) {
        qdict_del(qobject_to(QDict, dump), "configuration");
    }
    /* Nor is a vmdesc (suppress-vmdesc=on). */
    if (qobject_type(qdict_get(qobject_to(QDict, dump), "vmdesc")) ==
        QTYPE_QNULL) {
        qdict_del(qobject_to(QDict, dump), "vmdesc");
    }
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    for (size_t i = 0; records && i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        const char *idstr = rec ? rec_str(rec, "idstr") : NULL;
        uint32_t inst;

        if (idstr && qdict_haskey(rec, "state") &&
            rec_u32(rec, "instance_id", &inst) &&
            find_section(s, idstr, inst) >= 0) {
            qdict_del(rec, "state");
        }
    }
    migration_stream_add(s, QEMU_SECTION_ID, 0, QEMU_SECTION_VERSION,
                         qobject_ref(qobject_to(QDict, dump)));
    return true;
}

QObject *cli_qemu_dump_from_stream(const MigrationStream *s, const char *in)
{
    gssize at = find_section(s, QEMU_SECTION_ID, 0);
    g_autofree bool *used = NULL;
    g_autoptr(QObject) dump = NULL;
    const MigrationSection *framing;
    QList *records;

    if (at < 0) {
        cli_error("%s: no '%s' section: only a stream converted from a "
                  "QEMU stream (one with RAM) goes back to one", in,
                  QEMU_SECTION_ID);
        return NULL;
    }
    framing = migration_stream_get_section(s, (size_t)at);
    if (framing->version != QEMU_SECTION_VERSION) {
        cli_error("%s: section '%s' is version %u, expected %d", in,
                  QEMU_SECTION_ID, framing->version, QEMU_SECTION_VERSION);
        return NULL;
    }
    dump = qobject_clone(QOBJECT(framing->state));
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    used = g_new0(bool, migration_stream_get_size(s));
    used[at] = true;
    for (size_t i = 0; records && i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        const char *idstr = rec ? rec_str(rec, "idstr") : NULL;
        const MigrationSection *sec;
        uint32_t inst;
        gssize k;

        /* A section no built-in device knows (a stream without a
         * vmdesc) stays in the framing as its bytes. */
        if (!idstr || qdict_haskey(rec, "state") ||
            qdict_haskey(rec, "opaque") ||
            g_strcmp0(rec_str(rec, "type"), "FULL") ||
            !rec_u32(rec, "instance_id", &inst)) {
            continue;
        }
        k = find_unused_section(s, idstr, inst, used);
        if (k < 0) {
            /* The idstr is the input's text: escaped. */
            g_autofree char *shown = qvisit_error_escape(idstr, -1);

            cli_error("%s: the QEMU stream's section '%s' (instance %u) "
                      "has no device section", in, shown, inst);
            return NULL;
        }
        sec = migration_stream_get_section(s, (size_t)k);
        used[k] = true;
        qdict_put_obj(rec, "state", qobject_clone(QOBJECT(sec->state)));
        qdict_put_uint(rec, "version_id", sec->version);
    }
    for (size_t i = 0; i < migration_stream_get_size(s); i++) {
        const MigrationSection *sec = migration_stream_get_section(s, i);

        if (!used[i]) {
            cli_error("%s: section '%s' (instance %u) is not one of the "
                      "QEMU stream's, which cannot hold it", in, sec->id,
                      sec->instance_id);
            return NULL;
        }
    }
    return g_steal_pointer(&dump);
}

bool cli_qemu_has_framing(const MigrationStream *s)
{
    return find_section(s, QEMU_SECTION_ID, 0) >= 0;
}

QObject *cli_qemu_info_from_stream(const MigrationStream *s,
                                   const char *in, QemuStreamInfoFlags flags)
{
    g_autoptr(QObject) dump = cli_qemu_dump_from_stream(s, in);
    g_autoptr(GByteArray) bytes = NULL;
    g_autoptr(GError) err = NULL;
    QemuStreamOptions opts;
    QObject *info;
    QEMUFile *f;
    bool ok;

    if (!dump) {
        return NULL;
    }
    bytes = g_byte_array_new();
    f = qemu_fopen_bytearray(bytes);
    ok = qemu_stream_encode_layouts(f, dump, cli_limits(),
                                    qemu_devices_layouts(), &err);
    qemu_fclose(f);
    builtin_options(&opts);
    info = ok ? qemu_stream_info_mem(bytes->data, bytes->len, &opts, flags,
                                     &err)
              : NULL;
    if (!info) {
        cli_error("%s: %s", in, err->message);
    }
    return info;
}

/*
 * A migration stream with no sections and @info's configuration, which
 * the migration core reads as it reads the QEMU stream's header: the
 * machine type and capabilities come out as for the stream itself.
 */
static MigrationStream *skeleton(QDict *info, const char *in)
{
    g_autoptr(QDict) dump = qdict_new();
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QList *records = qlist_new();
    QDict *eof = qdict_new();
    QObject *conf = qdict_get(info, "configuration");
    MigrationStream *s = NULL;
    QEMUFile *f;
    bool ok;

    qdict_put_str(dump, "format", "qvisit-qemu-stream");
    qdict_put_int(dump, "format_version", 1);
    qdict_put_uint(dump, "stream_version", 3);
    qdict_put_uint(dump, "page_size", 4096);
    if (conf && qobject_type(conf) == QTYPE_QDICT) {
        qdict_put_obj(dump, "configuration", qobject_ref(conf));
    }
    qdict_put_str(eof, "type", "EOF");
    qlist_append_obj(records, QOBJECT(eof));
    qdict_put_obj(dump, "records", QOBJECT(records));
    qdict_put_str(dump, "vmdesc", "{\"page_size\": 4096, \"devices\": []}");
    f = qemu_fopen_bytearray(bytes);
    ok = qemu_stream_encode_full(f, QOBJECT(dump), cli_limits(), &err);
    qemu_fclose(f);
    if (ok) {
        s = migration_stream_decode_full(bytes->data, bytes->len,
                                         cli_limits(), cli_example_schema,
                                         NULL, &err);
    }
    if (!s) {
        cli_error("%s: %s", in, err->message);
    }
    return s;
}

MigrationStream *cli_qemu_decode_without_vmdesc(const char *cmd,
                                                const char *in,
                                                GByteArray *data,
                                                bool keep_opaque,
                                                bool *failed)
{
    g_autoptr(GString) names = g_string_new(NULL);
    size_t unknown = 0;
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) info = NULL;
    QemuStreamOptions opts;
    MigrationStream *s;
    QList *sections;
    QDict *root;

    *failed = false;
    if (data) {
        if (migration_detect_format(data->data, data->len) !=
            MIGRATION_FORMAT_LEGACY) {
            return NULL;
        }
    } else {
        g_autoptr(QObject) desc = NULL;

        /* Not a stream, or one with a vmdesc (found from its end): the
         * migration core's reading. */
        if (!cli_file_is_savevm(in)) {
            return NULL;
        }
        desc = qemu_stream_load_vmdesc_path(in, cli_limits(), &err);
        if (desc || !g_error_matches(err, QVISIT_ERROR,
                                     QVISIT_ERROR_MISSING)) {
            return NULL;
        }
        g_clear_error(&err);
    }
    builtin_options(&opts);
    info = data ? qemu_stream_info_mem(data->data, data->len, &opts,
                                       QEMU_STREAM_INFO_STATES, &err)
                : qemu_stream_info_path(in, &opts, QEMU_STREAM_INFO_STATES,
                                        &err);
    if (!info) {
        cli_error("%s: %s", in, err->message);
        *failed = true;
        return NULL;
    }
    root = qobject_to(QDict, info);
    /* With a vmdesc, or without RAM (the migration core's own streams):
     * the migration core reads it. */
    if (qobject_type(qdict_get(root, "vmdesc")) != QTYPE_QNULL ||
        !cli_qemu_info_has_ram(QOBJECT(root))) {
        return NULL;
    }
    sections = qobject_to(QList, qdict_get(root, "sections"));
    for (size_t i = 0; !keep_opaque && i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));

        if (qdict_haskey(sec, "opaque") && unknown++ < 3) {
            g_string_append_printf(names, "%s%s", names->len ? ", " : "",
                                   rec_str(sec, "idstr"));
        }
    }
    if (unknown) {
        g_autofree char *shown = NULL;

        if (unknown > 3) {
            g_string_append_printf(names, ", ... (%zu)", unknown);
        }
        shown = qvisit_error_escape(names->str, -1);
        cli_error("%s: %s: the stream has no vmdesc and sections no "
                  "built-in device knows (%s); 'dump --qemu --partial' "
                  "keeps them as bytes", cmd, in, shown);
        *failed = true;
        return NULL;
    }
    s = skeleton(root, in);
    if (!s) {
        *failed = true;
        return NULL;
    }
    for (size_t i = 0; sections && i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        QDict *state = qobject_to(QDict, qdict_get(sec, "state"));
        const char *idstr = rec_str(sec, "idstr");
        uint32_t inst = 0, version = 0, id = 0;

        rec_u32(sec, "instance_id", &inst);
        rec_u32(sec, "version_id", &version);
        rec_u32(sec, "section_id", &id);
        if (state && idstr) {
            migration_stream_add(s, idstr, inst, version,
                                 qobject_ref(state));
        } else if (idstr && qdict_haskey(sec, "opaque")) {
            g_autofree char *shown = qvisit_error_escape(idstr, -1);

            cli_error("%s: %s (section %u): no vmdesc and no built-in "
                      "layout; kept as opaque bytes in section '%s'", cmd,
                      shown, id, QEMU_SECTION_ID);
        }
    }
    return s;
}
