/*
 * qemu_stream_info_path(): a summary of a whole stream, from the codec's
 * state-form reader (qs__read_state_full()), the reader the migration
 * core's legacy format uses too. `qvisit info` prints it; `qvisit diff`
 * compares two of them, states and RAM digests included.
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>

/* What qemu_stream_info_path() was asked for. */
typedef struct QsInfoRequest {
    const QemuStreamOptions *opts;
    QemuStreamInfoFlags flags;
} QsInfoRequest;

/* What the sink gathers. */
typedef struct QsInfo {
    QemuStreamInfoFlags flags;
    QDict *root;
    QList *sections;            /* in order of each section's first record */
    GHashTable *by_id;          /* section id -> its dict in @sections */
    QList *commands;
} QsInfo;

static const char *command_name(unsigned cmd)
{
    /* QEMU 7.2's enum qemu_vm_cmd (migration/savevm.c). */
    static const char *const names[] = {
        [1] = "OPEN_RETURN_PATH", [2] = "PING", [3] = "POSTCOPY_ADVISE",
        [4] = "POSTCOPY_LISTEN", [5] = "POSTCOPY_RUN",
        [6] = "POSTCOPY_RAM_DISCARD", [7] = "PACKAGED",
        [8] = "ENABLE_COLO", [9] = "POSTCOPY_RESUME", [10] = "RECV_BITMAP",
    };

    return cmd < G_N_ELEMENTS(names) && names[cmd] ? names[cmd] : "unknown";
}

static bool on_configuration(void *opaque, QDict *conf, GError **errp)
{
    QsInfo *info = opaque;

    (void)errp;
    qdict_put_obj(info->root, "configuration", qobject_ref(QOBJECT(conf)));
    if (qdict_haskey(conf, "machine_type")) {
        qdict_put_obj(info->root, "machine_type",
                      qobject_ref(qdict_get(conf, "machine_type")));
    }
    return true;
}

static void add_count(QDict *d, const char *key, uint64_t n)
{
    uint64_t v = 0;

    qnum_get_try_uint(qobject_to(QNum, qdict_get(d, key)), &v);
    qdict_put_uint(d, key, v + n);
}

static bool on_record(void *opaque, const QsRecordInfo *rec, QDict *state,
                      GError **errp)
{
    QsInfo *info = opaque;
    QDict *sec = g_hash_table_lookup(info->by_id,
                                     GUINT_TO_POINTER(rec->section_id));

    (void)errp;
    /* START and FULL open a section (again, if QEMU reused the id). */
    if (!sec || rec->type == QS_SECTION_START ||
        rec->type == QS_SECTION_FULL) {
        sec = qdict_new();
        qdict_put_uint(sec, "section_id", rec->section_id);
        qdict_put_str(sec, "idstr", rec->idstr);
        qdict_put_uint(sec, "instance_id", rec->instance_id);
        qdict_put_uint(sec, "version_id", rec->version_id);
        qdict_put_bool(sec, "ram", rec->is_ram);
        if (rec->iterative && !rec->is_ram) {
            qdict_put_str(sec, "iterative", rec->iterative);
        }
        qdict_put_uint(sec, "records", 0);
        qdict_put_uint(sec, "bytes", 0);
        qlist_append_obj(info->sections, QOBJECT(sec));
        g_hash_table_insert(info->by_id, GUINT_TO_POINTER(rec->section_id),
                            sec);
    }
    add_count(sec, "records", 1);
    add_count(sec, "bytes", rec->bytes);
    if (rec->opaque) {
        /* No vmdesc, and the layouts do not know it: kept as bytes. */
        qdict_put_bool(sec, "opaque", true);
        if (info->flags & QEMU_STREAM_INFO_STATES) {
            qdict_put_str(sec, "opaque_payload", rec->opaque);
        }
    }
    if (state && (info->flags & QEMU_STREAM_INFO_STATES)) {
        qdict_put_obj(sec, "state", QOBJECT(state));
    } else {
        qobject_unref(state);
    }
    return true;
}

static bool on_command(void *opaque, unsigned cmd, const char *data,
                       uint64_t at, GError **errp)
{
    QsInfo *info = opaque;
    QDict *c = qdict_new();

    (void)errp;
    qdict_put_uint(c, "cmd", cmd);
    qdict_put_str(c, "name", command_name(cmd));
    qdict_put_str(c, "data", data);
    qdict_put_uint(c, "offset", at);
    qlist_append_obj(info->commands, QOBJECT(c));
    return true;
}

static QObject *info_fn(QEMUFile *f, const QObject *vmdesc, bool borrowed,
                        uint64_t vmdesc_len, void *ctx, GError **errp)
{
    const QsInfoRequest *req = ctx;
    QemuStreamInfoFlags flags = req->flags;
    g_autoptr(QDict) root = qdict_new();
    g_autoptr(GHashTable) by_id = g_hash_table_new(g_direct_hash,
                                                   g_direct_equal);
    QsInfo info = {
        .flags = flags,
        .root = root,
        .sections = qlist_new(),
        .by_id = by_id,
        .commands = qlist_new(),
    };
    QsStateSink sink = {
        .opaque = &info,
        .configuration = on_configuration,
        .record = on_record,
        .command = on_command,
        .layouts = req->opts ? req->opts->layouts : NULL,
        .partial = req->opts && req->opts->partial,
    };
    QDict *ram = NULL;
    QDict *vd = NULL;
    bool ok;

    qdict_put_uint(root, "stream_version", QS_VERSION);
    qdict_put_uint(root, "size", 0);
    qdict_put_uint(root, "page_size", 0);
    qdict_put_null(root, "machine_type");
    qdict_put_null(root, "configuration");
    if (borrowed) {
        vd = qdict_new();
        qdict_put_bool(vd, "borrowed", true);
    } else if (vmdesc) {
        vd = qdict_new();
        qdict_put_uint(vd, "bytes", vmdesc_len);
    }
    if (vd) {
        qdict_put_obj(root, "vmdesc", QOBJECT(vd));
    } else {
        qdict_put_null(root, "vmdesc");
    }
    qdict_put_obj(root, "sections", QOBJECT(info.sections));
    ok = qs__read_state_full(f, vmdesc,
                             req->opts ? req->opts->limits : NULL, &sink,
                             flags & QEMU_STREAM_INFO_RAM_DIGESTS, &ram,
                             errp);
    if (!ok) {
        qobject_unref(info.commands);
        return NULL;
    }
    qdict_put_uint(root, "size", qemu_file_transferred(f));
    qdict_put_obj(root, "page_size", qobject_ref(qdict_get(ram,
                                                           "page_size")));
    qdict_put_obj(root, "ram", QOBJECT(ram));
    qdict_put_obj(root, "commands", QOBJECT(info.commands));
    return QOBJECT(g_steal_pointer(&root));
}

QObject *qemu_stream_info_path(const char *path,
                               const QemuStreamOptions *opts,
                               QemuStreamInfoFlags flags, GError **errp)
{
    QsInfoRequest req = { .opts = opts, .flags = flags };

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    return qs__run_path(path, opts, info_fn, &req, errp);
}

QObject *qemu_stream_info_mem(const void *data, size_t len,
                              const QemuStreamOptions *opts,
                              QemuStreamInfoFlags flags, GError **errp)
{
    QsInfoRequest req = { .opts = opts, .flags = flags };
    g_autoptr(QObject) own = NULL;
    size_t own_len = 0;
    QEMUFile *f;
    QObject *o;

    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    if (!opts || !opts->vmdesc) {
        uint8_t head[QS_HEAD_LEN];

        /* Say what the bytes are before looking for a description. */
        if (len) {
            memcpy(head, data, MIN(len, sizeof(head)));
        }
        if (!qs__check_magic(head, MIN(len, sizeof(head)), errp) ||
            !qs__vmdesc_from_mem(data, len,
                                 opts ? opts->limits : NULL, &own,
                                 &own_len, errp)) {
            return NULL;
        }
        if (!own && !(opts && opts->layouts)) {
            qs__vmdesc_missing(errp);
            return NULL;
        }
    }
    f = qemu_fopen_mem(data, len);
    /* Without a vmdesc of its own or given, through @opts->layouts. */
    o = info_fn(f, own ? own : opts->vmdesc, own == NULL && opts->vmdesc,
                own_len, &req, errp);
    qemu_fclose(f);
    return o;
}
