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

/* A stream QEMU wrote carries RAM; the migration core's legacy streams,
 * which convert back through device layouts, never do. */
static bool is_vm_stream(const char *in)
{
    g_autoptr(QObject) info = NULL;
    QList *sections;

    info = qemu_stream_info_path(in, NULL, QEMU_STREAM_INFO_DEFAULT, NULL);
    sections = info ? qobject_to(QList, qdict_get(qobject_to(QDict, info),
                                                  "sections"))
                    : NULL;
    for (size_t i = 0; sections && i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        QBool *ram = sec ? qobject_to(QBool, qdict_get(sec, "ram")) : NULL;

        if (ram && qbool_get_bool(ram)) {
            return true;
        }
    }
    return false;
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

        if (!idstr || qdict_haskey(rec, "state") ||
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
    QObject *info;
    QEMUFile *f;
    bool ok;

    if (!dump) {
        return NULL;
    }
    bytes = g_byte_array_new();
    f = qemu_fopen_bytearray(bytes);
    ok = qemu_stream_encode_full(f, dump, cli_limits(), &err);
    qemu_fclose(f);
    info = ok ? qemu_stream_info_mem(bytes->data, bytes->len, NULL, flags,
                                     &err)
              : NULL;
    if (!info) {
        cli_error("%s: %s", in, err->message);
    }
    return info;
}
