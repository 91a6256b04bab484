/*
 * QEMU stream writer: turns a full native dump back into the stream it
 * was read from, byte for byte. Device values are written through the
 * same vmdesc the reader used, so widths and layout come from it and the
 * dump only holds values.
 */
#include "qemustream/qemu-stream-internal.h"

#include <stdarg.h>
#include <string.h>

#include "util/bswap.h"
#include "util/error-at.h"
#include "util/hex.h"

bool qs__enc_error(GString *path, GError **errp, int code, const char *fmt,
                   ...)
{
    va_list ap;

    va_start(ap, fmt);
    qvisit__error_at_va(errp, code, path->len ? path->str : "dump",
                        QVISIT_NO_OFFSET, fmt, ap);
    va_end(ap);
    return false;
}

bool qs__write_hex(QEMUFile *f, const char *hex, uint64_t len,
                   GString *path, GError **errp)
{
    uint8_t chunk[4096];
    size_t n = 0;
    uint64_t done = 0;

    for (const char *p = hex; *p;) {
        int hi, lo;

        if (*p == ' ') {
            p++;
            continue;
        }
        hi = hex_digit_value(p[0]);
        lo = hi < 0 ? -1 : hex_digit_value(p[1]);
        if (hi < 0 || lo < 0) {
            return qs__enc_error(path, errp, QVISIT_ERROR_PARSE,
                                 "invalid hex digit at offset %zu",
                                 (size_t)(p - hex));
        }
        if (done == len) {
            return qs__enc_error(path, errp, QVISIT_ERROR_LENGTH,
                                 "more than %" G_GUINT64_FORMAT " bytes",
                                 len);
        }
        chunk[n++] = (uint8_t)(hi << 4 | lo);
        done++;
        p += 2;
        if (n == sizeof(chunk)) {
            qemu_put_buffer(f, chunk, n);
            n = 0;
        }
    }
    if (done != len) {
        return qs__enc_error(path, errp, QVISIT_ERROR_LENGTH,
                             "%" G_GUINT64_FORMAT " bytes, expected %"
                             G_GUINT64_FORMAT, done, len);
    }
    qemu_put_buffer(f, chunk, n);
    return true;
}

static void put_be(QEMUFile *f, uint64_t v, int64_t size)
{
    uint8_t be[8];

    stn_be_p(be, (unsigned)size, v);
    qemu_put_buffer(f, be, (size_t)size);
}

static bool range_error(GString *path, const char *type, int64_t size,
                        GError **errp)
{
    return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                         "value does not fit %s of %" G_GINT64_FORMAT
                         " bytes", type, size);
}

static bool write_elem(QEMUFile *f, const QDict *fd, const char *type,
                       int64_t size, const QObject *o, GString *path,
                       unsigned depth, GError **errp)
{
    QsKind kind = qs__native_kind(fd, type, size);
    QNum *n = qobject_to(QNum, o);
    QBool *b = qobject_to(QBool, o);
    int64_t s;
    uint64_t u;

    if (!o) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING, "missing");
    }
    switch (kind) {
    case QS_KIND_INT:
    case QS_KIND_UINT:
        if (!n) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an integer, got %s",
                                 qobject_type_name(qobject_type(o)));
        }
        if (kind == QS_KIND_INT && qnum_get_try_int(n, &s)) {
            int64_t lim = size == 8 ? 0 : INT64_C(1) << (size * 8 - 1);

            if (size < 8 && (s < -lim || s >= lim)) {
                return range_error(path, type, size, errp);
            }
            u = (uint64_t)s;
        } else if (qnum_get_try_uint(n, &u)) {
            if (size < 8 && u >> (size * 8)) {
                return range_error(path, type, size, errp);
            }
        } else {
            return range_error(path, type, size, errp);
        }
        put_be(f, u, size);
        return true;
    case QS_KIND_BOOL:
        if (b) {
            qemu_put_byte(f, qbool_get_bool(b));
            return true;
        }
        if (n && qnum_get_try_uint(n, &u) && u <= 255) {
            qemu_put_byte(f, (int)u);
            return true;
        }
        return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                             "expected a boolean or a byte");
    case QS_KIND_STRUCT:
    case QS_KIND_NESTED: {
        const QDict *sub = kind == QS_KIND_NESTED ? fd
            : qobject_to(QDict, qdict_get(fd, "struct"));
        QDict *state = qobject_to(QDict, o);

        if (!sub) {
            return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                                 "vmdesc struct field has no \"struct\"");
        }
        if (!state) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an object, got %s",
                                 qobject_type_name(qobject_type(o)));
        }
        return qs__write_vmsd(f, sub, state, path, depth + 1, errp);
    }
    case QS_KIND_RAW:
    default:
        if (!qobject_to(QString, o)) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected a hex string, got %s",
                                 qobject_type_name(qobject_type(o)));
        }
        return qs__write_hex(f, qstring_get_str(qobject_to(QString, o)),
                             (uint64_t)size, path, errp);
    }
}

static bool write_field(QEMUFile *f, const QDict *fd, const QDict *state,
                        GHashTable *seen, GString *path, unsigned depth,
                        GError **errp)
{
    const char *name = qs__dict_str(fd, "name");
    const char *type = qs__dict_str(fd, "type");
    int64_t size, array_len = -1, index = -1;
    size_t mark = path->len;
    g_autofree char *key = NULL;
    QObject *v;

    if (!name || !type || !qs__dict_int(fd, "size", &size) || size < 0 ||
        (qdict_haskey(fd, "array_len") &&
         !qs__dict_int(fd, "array_len", &array_len)) ||
        (qdict_haskey(fd, "index") && !qs__dict_int(fd, "index", &index))) {
        return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                             "vmdesc field entry needs \"name\", \"type\" "
                             "and \"size\"");
    }
    key = qs__field_key(seen, name, index > 0);
    g_string_append_printf(path, ".%s", key);
    v = qdict_get(state, key);
    if (!v) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING, "missing");
    }
    if (array_len >= 0 || index >= 0) {
        QList *list = qobject_to(QList, v);
        int64_t first = array_len >= 0 ? 0 : index;
        int64_t end = array_len >= 0 ? array_len : index + 1;

        if (!list) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an array");
        }
        if (array_len >= 0 && qlist_size(list) != (uint64_t)array_len) {
            return qs__enc_error(path, errp, QVISIT_ERROR_LENGTH,
                                 "%zu elements, expected %" G_GINT64_FORMAT,
                                 qlist_size(list), array_len);
        }
        for (int64_t i = first; i < end; i++) {
            size_t emark = path->len;

            g_string_append_printf(path, "[%" G_GINT64_FORMAT "]", i);
            if (!write_elem(f, fd, type, size, qlist_get(list, (size_t)i),
                            path, depth, errp)) {
                return false;
            }
            g_string_truncate(path, emark);
        }
    } else if (!write_elem(f, fd, type, size, v, path, depth, errp)) {
        return false;
    }
    g_string_truncate(path, mark);
    return true;
}

bool qs__write_vmsd(QEMUFile *f, const QDict *vmsd, const QDict *state,
                    GString *path, unsigned depth, GError **errp)
{
    QList *fields = qobject_to(QList, qdict_get(vmsd, "fields"));
    QList *subs = qobject_to(QList, qdict_get(vmsd, "subsections"));
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
                                                       g_str_equal, g_free,
                                                       NULL);

    if (!fields) {
        return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                             "vmdesc entry has no \"fields\" list");
    }
    if (depth > QVISIT_DEPTH_CAP) {
        return qs__enc_error(path, errp, QVISIT_ERROR_LIMIT,
                             "nesting deeper than %d", QVISIT_DEPTH_CAP);
    }
    for (size_t i = 0; i < qlist_size(fields); i++) {
        QDict *fd = qobject_to(QDict, qlist_get(fields, i));

        if (!fd) {
            return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                                 "vmdesc field entry %zu is not an object",
                                 i);
        }
        if (!write_field(f, fd, state, seen, path, depth, errp)) {
            return false;
        }
    }
    for (size_t i = 0; subs && i < qlist_size(subs); i++) {
        QDict *sub = qobject_to(QDict, qlist_get(subs, i));
        const char *name = sub ? qs__dict_str(sub, "vmsd_name") : NULL;
        g_autofree char *key = NULL;
        size_t mark = path->len;
        QDict *data;
        int64_t version = 0;
        uint64_t wire;

        if (!name || strlen(name) > 255) {
            return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                                 "vmdesc subsection %zu has no valid "
                                 "\"vmsd_name\"", i);
        }
        key = qs__field_key(seen, name, false);
        g_string_append_printf(path, ".%s", key);
        data = qobject_to(QDict, qdict_get(state, key));
        if (!data) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "missing subsection object");
        }
        qs__dict_int(sub, "version", &version);
        wire = (uint64_t)version;
        if (qdict_haskey(data, "__version_id") &&
            !qnum_get_try_uint(qobject_to(QNum, qdict_get(data,
                                                          "__version_id")),
                               &wire)) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "__version_id: expected an integer");
        }
        qemu_put_byte(f, QS_SUBSECTION);
        qemu_put_byte(f, (int)strlen(name));
        qemu_put_buffer(f, (const uint8_t *)name, strlen(name));
        qemu_put_be32(f, (unsigned)wire);
        if (!qs__write_vmsd(f, sub, data, path, depth + 1, errp)) {
            return false;
        }
        g_string_truncate(path, mark);
    }
    return true;
}

/* --- records ----------------------------------------------------------- */

static bool get_uint(const QDict *d, const char *key, uint64_t max,
                     uint64_t *v, GString *path, GError **errp)
{
    QObject *o = qdict_get(d, key);

    if (!o) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member '%s' is missing", key);
    }
    if (!qobject_to(QNum, o) || !qnum_get_try_uint(qobject_to(QNum, o), v)) {
        return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                             "member '%s': expected a non-negative integer",
                             key);
    }
    if (*v > max) {
        return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                             "member '%s': %" G_GUINT64_FORMAT " exceeds %"
                             G_GUINT64_FORMAT, key, *v, max);
    }
    return true;
}

static bool put_name(QEMUFile *f, const QDict *d, const char *key,
                     GString *path, GError **errp)
{
    const char *s = qs__dict_str(d, key);

    if (!s) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member '%s' is missing", key);
    }
    if (strlen(s) > 255) {
        return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                             "member '%s' is longer than 255 bytes", key);
    }
    qemu_put_byte(f, (int)strlen(s));
    qemu_put_buffer(f, (const uint8_t *)s, strlen(s));
    return true;
}

static bool write_configuration(QEMUFile *f, const QDict *conf,
                                 GString *path, GError **errp)
{
    const char *machine = qs__dict_str(conf, "machine_type");
    QList *subs = qobject_to(QList, qdict_get(conf, "subsections"));
    uint64_t v;

    g_string_assign(path, "configuration");
    if (!machine) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'machine_type' is missing");
    }
    qemu_put_byte(f, QS_CONFIGURATION);
    qemu_put_be32(f, (unsigned)strlen(machine));
    qemu_put_buffer(f, (const uint8_t *)machine, strlen(machine));
    for (size_t i = 0; subs && i < qlist_size(subs); i++) {
        QDict *sub = qobject_to(QDict, qlist_get(subs, i));
        const char *name = sub ? qs__dict_str(sub, "name") : NULL;

        g_string_printf(path, "configuration.subsections[%zu]", i);
        if (!name) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "member 'name' is missing");
        }
        qemu_put_byte(f, QS_SUBSECTION);
        if (!put_name(f, sub, "name", path, errp) ||
            !get_uint(sub, "version_id", UINT32_MAX, &v, path, errp)) {
            return false;
        }
        qemu_put_be32(f, (unsigned)v);
        if (!strcmp(name, "configuration/capabilities")) {
            QList *caps = qobject_to(QList, qdict_get(sub, "capabilities"));

            if (!caps) {
                return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                     "member 'capabilities' is missing");
            }
            qemu_put_be32(f, (unsigned)qlist_size(caps));
            for (size_t j = 0; j < qlist_size(caps); j++) {
                QString *c = qobject_to(QString, qlist_get(caps, j));
                const char *s = c ? qstring_get_str(c) : "";

                if (!c || strlen(s) > 255) {
                    return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                         "capabilities[%zu]: expected a "
                                         "short string", j);
                }
                qemu_put_byte(f, (int)strlen(s));
                qemu_put_buffer(f, (const uint8_t *)s, strlen(s));
            }
        } else if (!strcmp(name, "configuration/uuid")) {
            const char *uuid = qs__dict_str(sub, "uuid");

            if (!uuid || !qs__write_hex(f, uuid, 16, path, errp)) {
                return uuid ? false
                            : qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                            "member 'uuid' is missing");
            }
        } else if (!strcmp(name, "configuration/target-page-bits")) {
            if (!get_uint(sub, "page_bits", UINT32_MAX, &v, path, errp)) {
                return false;
            }
            qemu_put_be32(f, (unsigned)v);
        } else {
            return qs__enc_error(path, errp, QVISIT_ERROR_UNKNOWN,
                                 "unknown configuration subsection '%s'",
                                 name);
        }
    }
    return true;
}

static bool write_payload(QEMUFile *f, const QDict *rec, GHashTable *devices,
                          uint64_t page_size, GString *path, GError **errp)
{
    QObject *ram = qdict_get(rec, "ram");
    const char *idstr = qs__dict_str(rec, "idstr");
    QDict *state = qobject_to(QDict, qdict_get(rec, "state"));
    size_t mark = path->len;
    g_autofree char *key = NULL;
    QDict *desc;
    int64_t inst = 0;

    if (ram) {
        g_string_append(path, ".ram");
        if (!qobject_to(QList, ram)) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "RAM was summarised; dump with --ram to "
                                 "re-encode");
        }
        if (!qs__write_ram(f, qobject_to(QList, ram), page_size, path,
                           errp)) {
            return false;
        }
        g_string_truncate(path, mark);
        return true;
    }
    if (!state) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'state' is missing");
    }
    if (!devices) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "the dump has no vmdesc to encode with");
    }
    qs__dict_int(rec, "instance_id", &inst);
    key = g_strdup_printf("%s\x1f%" G_GINT64_FORMAT, idstr, inst);
    desc = g_hash_table_lookup(devices, key);
    if (!desc) {
        return qs__enc_error(path, errp, QVISIT_ERROR_UNKNOWN,
                             "section '%s' is not described by the vmdesc",
                             idstr);
    }
    g_string_append(path, ".state");
    if (!qs__write_vmsd(f, desc, state, path, 0, errp)) {
        return false;
    }
    g_string_truncate(path, mark);
    return true;
}

static bool write_record(QEMUFile *f, const QDict *rec, GHashTable *devices,
                         uint64_t page_size, GString *path, GError **errp)
{
    static const char *const types[] = {
        [QS_EOF] = "EOF", [QS_SECTION_START] = "START",
        [QS_SECTION_PART] = "PART", [QS_SECTION_END] = "END",
        [QS_SECTION_FULL] = "FULL", [5] = NULL, [6] = NULL,
        [QS_CONFIGURATION] = NULL, [QS_COMMAND] = "COMMAND",
    };
    const char *type = qs__dict_str(rec, "type");
    uint64_t id, v, t;
    QObject *footer;

    for (t = 0; t < G_N_ELEMENTS(types); t++) {
        if (type && types[t] && !strcmp(type, types[t])) {
            break;
        }
    }
    if (t == G_N_ELEMENTS(types)) {
        return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                             "unknown record type '%s'",
                             type ? type : "(none)");
    }
    qemu_put_byte(f, (int)t);
    if (t == QS_EOF) {
        return true;
    }
    if (t == QS_COMMAND) {
        const char *data = qs__dict_str(rec, "data");

        if (!get_uint(rec, "cmd", UINT16_MAX, &v, path, errp)) {
            return false;
        }
        if (!data) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "member 'data' is missing");
        }
        qemu_put_be16(f, (unsigned)v);
        qemu_put_be16(f, (unsigned)(strlen(data) / 2));
        return qs__write_hex(f, data, strlen(data) / 2, path, errp);
    }
    if (!get_uint(rec, "section_id", UINT32_MAX, &id, path, errp)) {
        return false;
    }
    qemu_put_be32(f, (unsigned)id);
    if (t == QS_SECTION_START || t == QS_SECTION_FULL) {
        if (!put_name(f, rec, "idstr", path, errp) ||
            !get_uint(rec, "instance_id", UINT32_MAX, &v, path, errp)) {
            return false;
        }
        qemu_put_be32(f, (unsigned)v);
        if (!get_uint(rec, "version_id", UINT32_MAX, &v, path, errp)) {
            return false;
        }
        qemu_put_be32(f, (unsigned)v);
    }
    if (!write_payload(f, rec, devices, page_size, path, errp)) {
        return false;
    }
    footer = qdict_get(rec, "footer");
    if (!qobject_to(QBool, footer)) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'footer' is missing");
    }
    if (qbool_get_bool(qobject_to(QBool, footer))) {
        qemu_put_byte(f, QS_SECTION_FOOTER);
        qemu_put_be32(f, (unsigned)id);
    }
    return true;
}

bool qemu_stream_encode(QEMUFile *f, const QObject *dump, GError **errp)
{
    QDict *root = qobject_to(QDict, dump);
    g_autoptr(GString) path = g_string_new(NULL);
    g_autoptr(GHashTable) devices = NULL;
    g_autoptr(QObject) desc = NULL;
    const char *format, *text, *vmdesc;
    QList *records;
    QObject *conf;
    uint64_t page_size, version, desc_page_size;
    int err;

    g_return_val_if_fail(f != NULL && dump != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    format = root ? qs__dict_str(root, "format") : NULL;
    if (!format || strcmp(format, QS_NATIVE_FORMAT) != 0) {
        return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                             "not a qvisit QEMU stream dump (\"format\" is "
                             "not \"" QS_NATIVE_FORMAT "\")");
    }
    records = qobject_to(QList, qdict_get(root, "records"));
    if (!records) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'records' is missing");
    }
    if (!get_uint(root, "page_size", 1 << 24, &page_size, path, errp) ||
        !get_uint(root, "stream_version", UINT32_MAX, &version, path,
                  errp)) {
        return false;
    }
    if (page_size < 512 || (page_size & (page_size - 1))) {
        return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                             "page_size %" G_GUINT64_FORMAT " is not a "
                             "power of two of at least 512", page_size);
    }
    vmdesc = qs__dict_str(root, "vmdesc");
    text = qs__dict_str(root, "borrowed_vmdesc");
    if (!text) {
        text = vmdesc;
    }
    if (text) {
        QList *list;

        desc = qobject_from_json(text, errp);
        if (!desc) {
            g_prefix_error(errp, "vmdesc: ");
            return false;
        }
        if (!qs__vmdesc_check(desc, &desc_page_size, errp)) {
            return false;
        }
        devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        NULL);
        list = qobject_to(QList, qdict_get(qobject_to(QDict, desc),
                                           "devices"));
        for (size_t i = 0; i < qlist_size(list); i++) {
            QDict *d = qobject_to(QDict, qlist_get(list, i));
            int64_t inst = 0;
            char *key;

            qs__dict_int(d, "instance_id", &inst);
            key = g_strdup_printf("%s\x1f%" G_GINT64_FORMAT,
                                  qs__dict_str(d, "name"), inst);
            if (g_hash_table_contains(devices, key)) {
                g_free(key);
            } else {
                g_hash_table_insert(devices, key, d);
            }
        }
    }

    qemu_put_be32(f, QS_MAGIC);
    qemu_put_be32(f, (unsigned)version);
    conf = qdict_get(root, "configuration");
    if (conf && qobject_type(conf) != QTYPE_QNULL) {
        if (!qobject_to(QDict, conf)) {
            g_string_assign(path, "configuration");
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an object or null");
        }
        if (!write_configuration(f, qobject_to(QDict, conf), path, errp)) {
            return false;
        }
    }
    for (size_t i = 0; i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));

        g_string_printf(path, "records[%zu]", i);
        if (!rec) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an object");
        }
        if (!write_record(f, rec, devices, page_size, path, errp)) {
            return false;
        }
    }
    if (vmdesc) {
        qemu_put_byte(f, QS_VMDESCRIPTION);
        qemu_put_be32(f, (unsigned)strlen(vmdesc));
        qemu_put_buffer(f, (const uint8_t *)vmdesc, strlen(vmdesc));
    }
    err = qemu_file_get_error(f);
    if (err) {
        g_string_truncate(path, 0);
        return qs__enc_error(path, errp, QVISIT_ERROR_IO, "write error: %s",
                             g_strerror(-err));
    }
    return true;
}
