/*
 * QEMU stream writer: turns a full native dump back into the stream it
 * was read from, byte for byte. Device values are written through the
 * same vmdesc the reader used, so widths and layout come from it and the
 * dump only holds values.
 */
#include "qemustream/qemu-stream-internal.h"

#include <stdarg.h>
#include <string.h>

#include "qemufile/qemu-file-window.h"
#include "util/bswap.h"
#include "util/error-at.h"
#include "util/hex.h"

/* The path and the message quote the document's keys, idstrs and block
 * ids: escaped here, once, as in qs__error(). */
bool qs__enc_error(GString *path, GError **errp, int code, const char *fmt,
                   ...)
{
    va_list ap;

    va_start(ap, fmt);
    qvisit__error_at_escaped_va(errp, code, path->len ? path->str : "dump",
                                QVISIT_NO_OFFSET, fmt, ap);
    va_end(ap);
    return false;
}

bool qs__enc_member_error(GString *path, const char *key, GError **errp,
                          int code, const char *fmt, ...)
{
    g_autofree char *where = NULL;
    va_list ap;

    where = g_strdup_printf("%s%s%s", path->str, path->len ? "." : "", key);
    va_start(ap, fmt);
    qvisit__error_at_escaped_va(errp, code, where, QVISIT_NO_OFFSET, fmt, ap);
    va_end(ap);
    return false;
}

bool qs__write_items(QEMUFile *f, const QList *items, const char *noun,
                     QsItemWriter write_item, GString *path, GError **errp)
{
    size_t n = qlist_size(items);

    if (n == 0) {
        return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                             "no %ss, expected at least an eos %s", noun,
                             noun);
    }
    for (size_t i = 0; i < n; i++) {
        QDict *item = qobject_to(QDict, qlist_get(items, i));
        size_t mark = path->len;

        g_string_append_printf(path, "[%zu]", i);
        if (!item) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an object");
        }
        if (!write_item(f, item, i == n - 1, path, errp)) {
            return false;
        }
        g_string_truncate(path, mark);
    }
    return true;
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

/* "300 does not fit uint8 (0 to 255)": the value and what its field
 * holds, signed or not. */
static bool range_error(GString *path, QNum *n, const char *type,
                        int64_t size, bool is_signed, GError **errp)
{
    g_autoptr(GString) value = qobject_to_json(QOBJECT(n));
    int bits = (int)size * 8;

    if (is_signed && size < 8) {
        return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                             "%s does not fit %s (%" G_GINT64_FORMAT " to %"
                             G_GINT64_FORMAT ")", value->str, type,
                             -(INT64_C(1) << (bits - 1)),
                             (INT64_C(1) << (bits - 1)) - 1);
    }
    return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                         "%s does not fit %s (%s to %" G_GUINT64_FORMAT ")",
                         value->str, type,
                         is_signed ? "-9223372036854775808" : "0",
                         size < 8 ? (UINT64_C(1) << bits) - 1 : UINT64_MAX);
}

/*
 * An integer written as a string, as `dump --u64-as-string` prints those
 * that JSON tools holding numbers as doubles would round: decimal with an
 * optional '-', or "0x" and hex digits. NULL for anything else.
 */
static QNum *num_from_string(const QString *str)
{
    const char *s = str ? qstring_get_str(str) : NULL;
    guint64 u;
    gint64 i;

    if (!s) {
        return NULL;
    }
    if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) &&
        g_ascii_string_to_unsigned(s + 2, 16, 0, UINT64_MAX, &u, NULL) &&
        g_ascii_isxdigit(s[2])) {
        return qnum_from_uint(u);
    }
    if (g_ascii_isdigit(s[0]) &&
        g_ascii_string_to_unsigned(s, 10, 0, UINT64_MAX, &u, NULL)) {
        return qnum_from_uint(u);
    }
    if (s[0] == '-' && g_ascii_isdigit(s[1]) &&
        g_ascii_string_to_signed(s, 10, INT64_MIN, 0, &i, NULL)) {
        return qnum_from_int(i);
    }
    return NULL;
}

static bool write_elem(QEMUFile *f, const QDict *fd, const char *type,
                       int64_t size, const QObject *o, GString *path,
                       unsigned depth, GError **errp)
{
    QsKind kind = qs__native_kind(fd, type, size);
    QNum *n = qobject_to(QNum, o);
    QBool *b = qobject_to(QBool, o);
    g_autoptr(QNum) parsed = NULL;
    uint64_t start;
    int64_t s;
    uint64_t u;

    if (!o) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING, "missing");
    }
    switch (kind) {
    case QS_KIND_INT:
    case QS_KIND_UINT:
        if (!n && qobject_to(QString, o)) {
            parsed = num_from_string(qobject_to(QString, o));
            if (!parsed) {
                return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                     "expected an integer or an integer "
                                     "string, got \"%s\"",
                                     qstring_get_str(qobject_to(QString,
                                                                o)));
            }
            n = parsed;
        }
        if (!n) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an integer, got %s",
                                 qobject_type_name(qobject_type(o)));
        }
        if (kind == QS_KIND_INT && qnum_get_try_int(n, &s)) {
            int64_t lim = size == 8 ? 0 : INT64_C(1) << (size * 8 - 1);

            if (size < 8 && (s < -lim || s >= lim)) {
                return range_error(path, n, type, size,
                                   kind == QS_KIND_INT, errp);
            }
            u = (uint64_t)s;
        } else if (qnum_get_try_uint(n, &u)) {
            if (size < 8 && u >> (size * 8)) {
                return range_error(path, n, type, size,
                                   kind == QS_KIND_INT, errp);
            }
        } else {
            return range_error(path, n, type, size, kind == QS_KIND_INT,
                               errp);
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
        start = qemu_file_transferred(f);
        if (!qs__write_vmsd(f, sub, state, path, depth + 1, errp)) {
            return false;
        }
        /* The reader checks a struct's bytes against its size, as a
         * vmdesc that disagrees with the payload: so does the writer. */
        if (qemu_file_transferred(f) - start != (uint64_t)size) {
            return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                                 "encoded %" G_GUINT64_FORMAT " bytes but "
                                 "the vmdesc size is %" G_GINT64_FORMAT,
                                 qemu_file_transferred(f) - start, size);
        }
        return true;
    }
    case QS_KIND_RAW:
    default:
        /* The migration core's state form holds a float64 as a number
         * (`qvisit convert`); its bits are the field's bytes. */
        if (n && size == 8 && !strcmp(type, "float64")) {
            double d = qnum_get_double(n);

            memcpy(&u, &d, sizeof(u));
            put_be(f, u, size);
            return true;
        }
        if (!qobject_to(QString, o)) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected a hex string, got %s",
                                 qobject_type_name(qobject_type(o)));
        }
        return qs__write_hex(f, qstring_get_str(qobject_to(QString, o)),
                             (uint64_t)size, path, errp);
    }
}

static bool write_vmsd(QEMUFile *f, const QDict *vmsd, const QDict *state,
                       bool is_sub, GString *path, unsigned depth,
                       GError **errp);

static bool write_field(QEMUFile *f, const QDict *fd, const QDict *state,
                        GHashTable *seen, GHashTable *written, GString *path,
                        unsigned depth, GError **errp)
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
    g_hash_table_add(written, g_strdup(key));
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

/*
 * A member the vmdesc does not describe would not reach the stream: a
 * typo next to the real field ("Scr" beside "scr") would lose the edit
 * silently, so it is refused. @written holds the keys the walk wrote;
 * a subsection's state may also hold its wire "__version_id".
 */
static bool check_members(const QDict *state, GHashTable *written,
                          bool is_sub, GString *path, GError **errp)
{
    if (qdict_size(state) == g_hash_table_size(written) +
        (is_sub && qdict_haskey(state, "__version_id"))) {
        return true;
    }
    for (const QDictEntry *e = qdict_first(state); e;
         e = qdict_next(state, e)) {
        const char *key = qdict_entry_key(e);

        if (!g_hash_table_contains(written, key) &&
            !(is_sub && !strcmp(key, "__version_id"))) {
            return qs__enc_member_error(path, key, errp,
                                        QVISIT_ERROR_UNEXPECTED,
                                        "not a field of the vmdesc, so "
                                        "the stream cannot hold it");
        }
    }
    return true;
}

bool qs__write_vmsd(QEMUFile *f, const QDict *vmsd, const QDict *state,
                    GString *path, unsigned depth, GError **errp)
{
    return write_vmsd(f, vmsd, state, false, path, depth, errp);
}

static bool write_vmsd(QEMUFile *f, const QDict *vmsd, const QDict *state,
                       bool is_sub, GString *path, unsigned depth,
                       GError **errp)
{
    QList *fields = qobject_to(QList, qdict_get(vmsd, "fields"));
    QList *subs = qobject_to(QList, qdict_get(vmsd, "subsections"));
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
                                                       g_str_equal, g_free,
                                                       NULL);
    g_autoptr(GHashTable) written = g_hash_table_new_full(g_str_hash,
                                                          g_str_equal,
                                                          g_free, NULL);

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
        if (!write_field(f, fd, state, seen, written, path, depth, errp)) {
            return false;
        }
    }
    for (size_t i = 0; subs && i < qlist_size(subs); i++) {
        QDict *sub = qobject_to(QDict, qlist_get(subs, i));
        const char *name = sub ? qs__dict_str(sub, "vmsd_name") : NULL;
        g_autofree char *key = NULL;
        size_t mark = path->len;
        QDict *data;
        QObject *vid;
        int64_t version = -1;
        uint64_t wire;

        if (!name || strlen(name) > 255) {
            return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                                 "vmdesc subsection %zu has no valid "
                                 "\"vmsd_name\"", i);
        }
        key = qs__field_key(seen, name, false);
        g_string_append_printf(path, ".%s", key);
        data = qobject_to(QDict, qdict_get(state, key));
        g_hash_table_add(written, g_strdup(key));
        if (!data) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "missing subsection object");
        }
        /* The wire version is a be32: the dump's __version_id, else the
         * vmdesc's version (the reader keeps __version_id when they
         * differ), and neither may be cut to fit. */
        vid = qdict_get(data, "__version_id");
        if (vid) {
            if (!qobject_to(QNum, vid) ||
                !qnum_get_try_uint(qobject_to(QNum, vid), &wire)) {
                return qs__enc_member_error(path, "__version_id", errp,
                                            QVISIT_ERROR_TYPE,
                                            "expected a non-negative "
                                            "integer");
            }
            if (wire > UINT32_MAX) {
                return qs__enc_member_error(path, "__version_id", errp,
                                            QVISIT_ERROR_RANGE,
                                            "%" G_GUINT64_FORMAT " does not "
                                            "fit u32", wire);
            }
        } else if (!qs__dict_int(sub, "version", &version) || version < 0 ||
                   version > UINT32_MAX) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "member '__version_id' is missing (the "
                                 "vmdesc has no u32 version for it)");
        } else {
            wire = (uint64_t)version;
        }
        qs__put_subsection_header(f, name, (uint32_t)wire);
        if (!write_vmsd(f, sub, data, true, path, depth + 1, errp)) {
            return false;
        }
        g_string_truncate(path, mark);
    }
    return check_members(state, written, is_sub, path, errp);
}

/* --- records ----------------------------------------------------------- */

/* The record writer both writers share: the encoder here and the
 * migration core's legacy format (qemu-stream-codec.h). */

void qs__put_header(QEMUFile *f)
{
    qemu_put_be32(f, QS_MAGIC);
    qemu_put_be32(f, QS_VERSION);
}

void qs__put_cstr(QEMUFile *f, const char *s)
{
    size_t len = strlen(s);

    qemu_put_byte(f, (int)len);
    qemu_put_buffer(f, (const uint8_t *)s, len);
}

void qs__put_configuration(QEMUFile *f, const char *machine_type)
{
    size_t len = strlen(machine_type);

    qemu_put_byte(f, QS_CONFIGURATION);
    qemu_put_be32(f, (unsigned)len);
    qemu_put_buffer(f, (const uint8_t *)machine_type, len);
}

void qs__put_subsection_header(QEMUFile *f, const char *name,
                               uint32_t version_id)
{
    qemu_put_byte(f, QS_SUBSECTION);
    qs__put_cstr(f, name);
    qemu_put_be32(f, version_id);
}

void qs__put_section_header(QEMUFile *f, uint8_t type, uint32_t section_id,
                            const char *idstr, uint32_t instance_id,
                            uint32_t version_id)
{
    qemu_put_byte(f, type);
    qemu_put_be32(f, section_id);
    qs__put_cstr(f, idstr);
    qemu_put_be32(f, instance_id);
    qemu_put_be32(f, version_id);
}

void qs__put_section_part(QEMUFile *f, uint8_t type, uint32_t section_id)
{
    qemu_put_byte(f, type);
    qemu_put_be32(f, section_id);
}

void qs__put_footer(QEMUFile *f, uint32_t section_id)
{
    qemu_put_byte(f, QS_SECTION_FOOTER);
    qemu_put_be32(f, section_id);
}

void qs__put_vmdesc(QEMUFile *f, const char *text, size_t len)
{
    qemu_put_byte(f, QS_VMDESCRIPTION);
    qemu_put_be32(f, (unsigned)len);
    qemu_put_buffer(f, (const uint8_t *)text, len);
}

/* What one pass over the dump needs and what its records define. */
typedef struct QsEncoder {
    QList *records;
    GHashTable *devices;        /* "idstr\x1finstance" -> vmdesc entry */
    const char *vmdesc;         /* text after EOF, or NULL */
    const QemuStreamLayouts *layouts;   /* without a vmdesc, or NULL */
    uint64_t page_size;
    QsRamWriter ram;
    GHashTable *sections;       /* section id -> SECTION_KIND(QsIterKind) */
    int footers;                /* -1 until the first section record */
    size_t footers_from;        /* that record's index */
    bool has_configuration;     /* the dump has a configuration record */
    const char *machine_type;   /* its machine type (borrowed), or NULL */
} QsEncoder;

/* A section's kind as a hash table value (never NULL). */
#define SECTION_KIND(k) GINT_TO_POINTER((int)(k) + 1)
#define KIND_OF(p) ((QsIterKind)(GPOINTER_TO_INT(p) - 1))

/* Reads member @key as an unsigned integer of @bits bits. */
static bool get_uint(const QDict *d, const char *key, int bits,
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
    if (bits < 64 && *v >> bits) {
        return qs__enc_member_error(path, key, errp, QVISIT_ERROR_RANGE,
                                    "%" G_GUINT64_FORMAT " does not fit u%d",
                                    *v, bits);
    }
    return true;
}

/* Member @key as a name that fits a u8-counted string, or NULL. */
static const char *get_name(const QDict *d, const char *key, GString *path,
                            GError **errp)
{
    const char *s = qs__dict_str(d, key);

    if (!s) {
        qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                      "member '%s' is missing", key);
        return NULL;
    }
    if (strlen(s) > 255) {
        qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                      "member '%s' is longer than 255 bytes", key);
        return NULL;
    }
    return s;
}

static bool write_configuration(QEMUFile *f, const QDict *conf,
                                bool *ignore_shared, GString *path,
                                GError **errp)
{
    const char *machine = qs__dict_str(conf, "machine_type");
    QList *subs = qobject_to(QList, qdict_get(conf, "subsections"));
    uint64_t v;

    g_string_assign(path, "configuration");
    if (!machine) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'machine_type' is missing");
    }
    if (strlen(machine) > QS_MACHINE_TYPE_MAX) {
        return qs__enc_member_error(path, "machine_type", errp,
                                    QVISIT_ERROR_RANGE,
                                    "%zu bytes, at most %d", strlen(machine),
                                    QS_MACHINE_TYPE_MAX);
    }
    qs__put_configuration(f, machine);
    for (size_t i = 0; subs && i < qlist_size(subs); i++) {
        QDict *sub = qobject_to(QDict, qlist_get(subs, i));
        const char *name = sub ? qs__dict_str(sub, "name") : NULL;

        g_string_printf(path, "configuration.subsections[%zu]", i);
        if (!name) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "member 'name' is missing");
        }
        if (!get_name(sub, "name", path, errp) ||
            !get_uint(sub, "version_id", 32, &v, path, errp)) {
            return false;
        }
        qs__put_subsection_header(f, name, (uint32_t)v);
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
                /* As the reader: RAM blocks then carry addresses. */
                if (!strcmp(s, "x-ignore-shared")) {
                    *ignore_shared = true;
                }
                qs__put_cstr(f, s);
            }
        } else if (!strcmp(name, "configuration/uuid")) {
            const char *uuid = qs__dict_str(sub, "uuid");

            if (!uuid || !qs__write_hex(f, uuid, 16, path, errp)) {
                return uuid ? false
                            : qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                            "member 'uuid' is missing");
            }
        } else if (!strcmp(name, "configuration/target-page-bits")) {
            if (!get_uint(sub, "page_bits", 32, &v, path, errp)) {
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

/*
 * The payload of a block, dirty-bitmap or opaque section's record: the
 * reader tells them apart by the section, so the record must have the
 * member of its kind and no other.
 */
static bool write_iterative(QEMUFile *f, const QDict *rec, QsIterKind kind,
                            const char *type, GString *path, GError **errp)
{
    static const QsIterKind kinds[] = {
        QS_ITER_RAM, QS_ITER_BLOCK, QS_ITER_BITMAP, QS_ITER_OPAQUE,
    };
    const char *member = qs__iter_member(kind);
    QObject *o = qdict_get(rec, member);
    size_t mark = path->len;
    bool ok;

    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        const char *other = qs__iter_member(kinds[i]);

        if (kinds[i] != kind && qdict_haskey(rec, other)) {
            return qs__enc_member_error(path, other, errp,
                                        QVISIT_ERROR_INVALID,
                                        "not in a %s record of this "
                                        "section, whose payload is '%s'",
                                        type, member);
        }
    }
    if (!o) {
        return kind == QS_ITER_OPAQUE
            ? qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                            "member 'opaque' is missing (qvisit decodes "
                            "no iterative section of this name)")
            : qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                            "member '%s' is missing", member);
    }
    if (qdict_haskey(rec, "state")) {
        return qs__enc_member_error(path, "state", errp,
                                    QVISIT_ERROR_INVALID,
                                    "only a device section (FULL) has a "
                                    "state");
    }
    g_string_append_printf(path, ".%s", member);
    if (kind == QS_ITER_OPAQUE) {
        ok = qobject_to(QDict, o)
            ? qs__write_opaque(f, qobject_to(QDict, o), path, errp)
            : qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                            "expected an object");
    } else if (!qobject_to(QList, o)) {
        ok = qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                           "summarised; dump with --ram to re-encode");
    } else if (kind == QS_ITER_BLOCK) {
        ok = qs__write_block(f, qobject_to(QList, o), path, errp);
    } else {
        ok = qs__write_bitmap(f, qobject_to(QList, o), path, errp);
    }
    g_string_truncate(path, mark);
    return ok;
}

static bool write_payload(QEMUFile *f, const QDict *rec, QsIterKind kind,
                          const char *idstr, uint64_t inst, uint64_t version,
                          QsEncoder *e, GString *path, GError **errp)
{
    int64_t desc_version;
    QObject *ram = qdict_get(rec, "ram");
    QDict *state = qobject_to(QDict, qdict_get(rec, "state"));
    const char *opaque;
    size_t mark = path->len;
    QDict *desc;
    bool is_ram = kind == QS_ITER_RAM;

    if (kind != QS_ITER_NONE && !is_ram) {
        return write_iterative(f, rec, kind, qs__dict_str(rec, "type"),
                               path, errp);
    }
    /* The reader tells RAM from a device by the section, not by the
     * member: they must agree. */
    if (is_ram) {
        if (!ram) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "member 'ram' is missing (the payload of "
                                 "the " QS_RAM_IDSTR " section)");
        }
        for (QsIterKind k = QS_ITER_BLOCK; k <= QS_ITER_OPAQUE; k++) {
            if (qdict_haskey(rec, qs__iter_member(k))) {
                return qs__enc_member_error(path, qs__iter_member(k), errp,
                                            QVISIT_ERROR_INVALID,
                                            "not in a %s record of this "
                                            "section, whose payload is "
                                            "'ram'",
                                            qs__dict_str(rec, "type"));
            }
        }
        g_string_append(path, ".ram");
        if (!qobject_to(QList, ram)) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "RAM was summarised; dump with --ram to "
                                 "re-encode");
        }
        if (!qs__write_ram(f, qobject_to(QList, ram), &e->ram, path,
                           errp)) {
            return false;
        }
        g_string_truncate(path, mark);
        return true;
    }
    if (ram) {
        return qs__enc_member_error(path, "ram", errp, QVISIT_ERROR_INVALID,
                                    "only the " QS_RAM_IDSTR " section "
                                    "(instance 0) has RAM items");
    }
    opaque = qs__dict_str(rec, "opaque");
    if (opaque) {
        /* A section the reader skipped without knowing it: its bytes. */
        size_t len = strlen(opaque);

        if (state) {
            return qs__enc_member_error(path, "opaque", errp,
                                        QVISIT_ERROR_INVALID,
                                        "a record has 'state' or 'opaque', "
                                        "not both");
        }
        if (len % 2) {
            return qs__enc_member_error(path, "opaque", errp,
                                        QVISIT_ERROR_LENGTH,
                                        "odd number of hex digits (%zu)",
                                        len);
        }
        g_string_append(path, ".opaque");
        if (!qs__write_hex(f, opaque, len / 2, path, errp)) {
            return false;
        }
        g_string_truncate(path, mark);
        return true;
    }
    for (QsIterKind k = QS_ITER_BLOCK; k < QS_ITER_OPAQUE; k++) {
        if (qdict_haskey(rec, qs__iter_member(k))) {
            return qs__enc_member_error(path, qs__iter_member(k), errp,
                                        QVISIT_ERROR_INVALID,
                                        "a device section (FULL) has no "
                                        "iterative payload");
        }
    }
    if (!state) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'state' is missing");
    }
    if (!e->devices && e->layouts) {
        GError *err = NULL;
        QsLayoutContext ctx = {
            .has_configuration = e->has_configuration,
            .machine_type = e->machine_type,
            .section_id = 0,
            .footers = e->footers,
        };
        bool ok;

        qs__layout_context_set(&ctx);
        ok = e->layouts->encode(e->layouts->opaque, idstr, inst,
                                (uint32_t)version, state, f, &err);
        qs__layout_context_set(NULL);
        if (!ok) {
            /* The layout's message may quote the dump's idstr: escaped
             * with the rest, as every message of the encoder. */
            qs__enc_member_error(path, "state", errp, err->code, "%s",
                                 err->message);
            g_error_free(err);
            return false;
        }
        return true;
    }
    if (!e->devices) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "the dump has no vmdesc to encode with");
    }
    desc = qs__vmdesc_lookup(e->devices, idstr, inst);
    if (!desc) {
        return qs__enc_error(path, errp, QVISIT_ERROR_UNKNOWN,
                             "section '%s' is not described by the vmdesc",
                             idstr);
    }
    /* QEMU writes a section's version and its vmdesc entry's from the
     * same vmsd; the payload is laid out by the entry, so a version the
     * entry does not describe would be loaded by another layout. */
    if (qs__dict_int(desc, "version", &desc_version) &&
        (uint64_t)desc_version != version) {
        return qs__enc_member_error(path, "version_id", errp,
                                    QVISIT_ERROR_VERSION,
                                    "%" G_GUINT64_FORMAT ", but the vmdesc "
                                    "describes section '%s' at version %"
                                    G_GINT64_FORMAT, version, idstr,
                                    desc_version);
    }
    g_string_append(path, ".state");
    if (!qs__write_vmsd(f, desc, state, path, 0, errp)) {
        return false;
    }
    g_string_truncate(path, mark);
    return true;
}

/* COMMAND: u16 cmd, u16 length, data; QEMU refuses a fixed-length
 * command of another length. */
static bool write_command(QEMUFile *f, const QDict *rec, GString *path,
                          GError **errp)
{
    const char *data = qs__dict_str(rec, "data");
    uint64_t cmd;
    size_t len = 0;
    int want;

    if (!get_uint(rec, "cmd", 16, &cmd, path, errp)) {
        return false;
    }
    want = qs__command_len((unsigned)cmd);
    if (want == -2) {
        return qs__enc_member_error(path, "cmd", errp, QVISIT_ERROR_RANGE,
                                    "%" G_GUINT64_FORMAT " is not a command "
                                    "qvisit reads (1 to 10 except 7, "
                                    "PACKAGED)", cmd);
    }
    if (!data) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'data' is missing");
    }
    for (const char *p = data; *p; p++) {
        len += *p != ' ';
    }
    len /= 2;
    if (len > UINT16_MAX) {
        return qs__enc_member_error(path, "data", errp, QVISIT_ERROR_LENGTH,
                                    "%zu bytes, at most 65535 (the length "
                                    "is a u16)", len);
    }
    if (want >= 0 && len != (size_t)want) {
        return qs__enc_member_error(path, "data", errp, QVISIT_ERROR_LENGTH,
                                    "command %" G_GUINT64_FORMAT " takes %d "
                                    "bytes, got %zu", cmd, want, len);
    }
    qemu_put_be16(f, (unsigned)cmd);
    qemu_put_be16(f, (unsigned)len);
    return qs__write_hex(f, data, len, path, errp);
}

static bool write_record(QEMUFile *f, const QDict *rec, size_t index,
                         QsEncoder *e, GString *path, GError **errp)
{
    static const char *const types[] = {
        [QS_EOF] = "EOF", [QS_SECTION_START] = "START",
        [QS_SECTION_PART] = "PART", [QS_SECTION_END] = "END",
        [QS_SECTION_FULL] = "FULL", [5] = NULL, [6] = NULL,
        [QS_CONFIGURATION] = NULL, [QS_COMMAND] = "COMMAND",
    };
    const char *type = qs__dict_str(rec, "type");
    const char *idstr = NULL;
    size_t last = qlist_size(e->records) - 1;
    uint64_t id, inst = 0, v = 0, t;
    QObject *footer;
    QsIterKind kind;
    bool is_ram, has;

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
    /* The loader stops at EOF and then expects only the vmdesc. */
    if ((t == QS_EOF) != (index == last)) {
        return t == QS_EOF
            ? qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                            "EOF before the last record")
            : qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                            "the last record is %s, expected EOF", type);
    }
    if (t == QS_EOF || t == QS_COMMAND) {
        qemu_put_byte(f, (int)t);
        return t == QS_EOF || write_command(f, rec, path, errp);
    }
    if (!get_uint(rec, "section_id", 32, &id, path, errp)) {
        return false;
    }
    if (t == QS_SECTION_START || t == QS_SECTION_FULL) {
        idstr = get_name(rec, "idstr", path, errp);
        if (!idstr || !get_uint(rec, "instance_id", 32, &inst, path, errp) ||
            !get_uint(rec, "version_id", 32, &v, path, errp)) {
            return false;
        }
        is_ram = !strcmp(idstr, QS_RAM_IDSTR) && inst == 0;
        if (is_ram && v != QS_RAM_VERSION) {
            return qs__enc_member_error(path, "version_id", errp,
                                        QVISIT_ERROR_RANGE,
                                        "%" G_GUINT64_FORMAT ", but the "
                                        QS_RAM_IDSTR " section is version "
                                        "%d", v, QS_RAM_VERSION);
        }
        /* As the reader: any START is an iterative section, "ram" in any
         * record is RAM. */
        kind = is_ram ? QS_ITER_RAM
               : t == QS_SECTION_START ? qs__iter_kind(idstr, (uint32_t)inst)
               : QS_ITER_NONE;
        if ((kind == QS_ITER_BLOCK && v > 1) ||
            (kind == QS_ITER_BITMAP && v != 1)) {
            return qs__enc_member_error(path, "version_id", errp,
                                        QVISIT_ERROR_RANGE,
                                        "%" G_GUINT64_FORMAT ", but QEMU "
                                        "loads the %s section at version 1",
                                        v, idstr);
        }
        qs__put_section_header(f, (uint8_t)t, (uint32_t)id, idstr,
                               (uint32_t)inst, (uint32_t)v);
        g_hash_table_insert(e->sections, GUINT_TO_POINTER(id),
                            SECTION_KIND(kind));
    } else {
        gpointer s = g_hash_table_lookup(e->sections, GUINT_TO_POINTER(id));

        if (!s || KIND_OF(s) == QS_ITER_NONE) {
            return qs__enc_member_error(path, "section_id", errp,
                                        QVISIT_ERROR_INVALID,
                                        "%s of section %" G_GUINT64_FORMAT
                                        ", which no earlier START of an "
                                        "iterative section (or FULL of the "
                                        QS_RAM_IDSTR " section) has", type,
                                        id);
        }
        kind = KIND_OF(s);
        qs__put_section_part(f, (uint8_t)t, (uint32_t)id);
    }
    if (!write_payload(f, rec, kind, idstr, inst, v, e, path, errp)) {
        return false;
    }
    footer = qdict_get(rec, "footer");
    if (!qobject_to(QBool, footer)) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'footer' is missing");
    }
    /* The first section tells the reader whether the stream has them. */
    has = qbool_get_bool(qobject_to(QBool, footer));
    if (e->footers < 0) {
        e->footers = has;
        e->footers_from = index;
    } else if (e->footers != has) {
        return qs__enc_member_error(path, "footer", errp,
                                    QVISIT_ERROR_INVALID,
                                    "%s, but records[%zu] has %s: every "
                                    "section has a footer or none does",
                                    has ? "true" : "false", e->footers_from,
                                    e->footers ? "true" : "false");
    }
    if (has) {
        qs__put_footer(f, (uint32_t)id);
    }
    return true;
}

/* One pass: writes the whole stream to @f, checking as it goes. */
static bool encode_pass(QEMUFile *f, const QDict *root, QsEncoder *e,
                        GString *path, GError **errp)
{
    g_autoptr(GHashTable) lengths = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GHashTable) sections = g_hash_table_new(g_direct_hash,
                                                      g_direct_equal);
    QObject *conf = qdict_get(root, "configuration");

    e->ram = (QsRamWriter){ .page_size = e->page_size, .lengths = lengths };
    e->sections = sections;
    e->footers = -1;
    qs__put_header(f);
    if (conf && qobject_type(conf) != QTYPE_QNULL) {
        if (!qobject_to(QDict, conf)) {
            g_string_assign(path, "configuration");
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an object or null");
        }
        if (!write_configuration(f, qobject_to(QDict, conf),
                                 &e->ram.ignore_shared, path, errp)) {
            return false;
        }
        e->has_configuration = true;
        e->machine_type = qs__dict_str(qobject_to(QDict, conf),
                                       "machine_type");
    }
    for (size_t i = 0; i < qlist_size(e->records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(e->records, i));

        g_string_printf(path, "records[%zu]", i);
        if (!rec) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an object");
        }
        if (!write_record(f, rec, i, e, path, errp)) {
            return false;
        }
    }
    if (e->vmdesc) {
        qs__put_vmdesc(f, e->vmdesc, strlen(e->vmdesc));
    }
    return true;
}

bool qemu_stream_encode(QEMUFile *f, const QObject *dump, GError **errp)
{
    return qemu_stream_encode_full(f, dump, NULL, errp);
}

bool qemu_stream_encode_full(QEMUFile *f, const QObject *dump,
                             const QVisitLimits *limits, GError **errp)
{
    return qemu_stream_encode_layouts(f, dump, limits, NULL, errp);
}

bool qemu_stream_encode_layouts(QEMUFile *f, const QObject *dump,
                                const QVisitLimits *limits,
                                const QemuStreamLayouts *layouts,
                                GError **errp)
{
    QDict *root = qobject_to(QDict, dump);
    g_autoptr(GString) path = g_string_new(NULL);
    g_autoptr(GHashTable) devices = NULL;
    g_autoptr(QObject) desc = NULL;
    const char *format, *text;
    QsEncoder e = { 0 };
    QEMUFile *discard;
    uint64_t version, desc_page_size;
    bool ok;
    int err;

    g_return_val_if_fail(f != NULL && dump != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    format = root ? qs__dict_str(root, "format") : NULL;
    if (!format || strcmp(format, QS_NATIVE_FORMAT) != 0) {
        return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                             "not a qvisit QEMU stream dump (\"format\" is "
                             "not \"" QS_NATIVE_FORMAT "\")");
    }
    if (qdict_haskey(root, "format_version")) {
        if (!get_uint(root, "format_version", 64, &version, path, errp)) {
            return false;
        }
        if (version != QS_NATIVE_FORMAT_VERSION) {
            return qs__enc_member_error(path, "format_version", errp,
                                        QVISIT_ERROR_VERSION, "%"
                                        G_GUINT64_FORMAT ", expected %d",
                                        version, QS_NATIVE_FORMAT_VERSION);
        }
    }
    /* After the version: a later format may have other members. */
    if (!qs__enc_check_members(root, path, errp)) {
        return false;
    }
    e.records = qobject_to(QList, qdict_get(root, "records"));
    if (!e.records) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'records' is missing");
    }
    if (!get_uint(root, "page_size", 64, &e.page_size, path, errp) ||
        !get_uint(root, "stream_version", 64, &version, path, errp)) {
        return false;
    }
    if (e.page_size < 512 || e.page_size > (1 << 24) ||
        (e.page_size & (e.page_size - 1))) {
        return qs__enc_member_error(path, "page_size", errp,
                                    QVISIT_ERROR_RANGE, "%" G_GUINT64_FORMAT
                                    " is not a power of two from 512 to "
                                    "16777216", e.page_size);
    }
    /* 7.2 loads version 3 only (2: "SaveVM v2 format is obsolete"). */
    if (version != QS_VERSION) {
        return qs__enc_member_error(path, "stream_version", errp,
                                    QVISIT_ERROR_VERSION, "%"
                                    G_GUINT64_FORMAT ", expected %d",
                                    version, QS_VERSION);
    }
    if (qlist_size(e.records) == 0) {
        return qs__enc_member_error(path, "records", errp,
                                    QVISIT_ERROR_INVALID,
                                    "empty, expected at least the EOF "
                                    "record");
    }
    e.vmdesc = qs__dict_str(root, "vmdesc");
    if (e.vmdesc && strlen(e.vmdesc) > UINT32_MAX) {
        return qs__enc_member_error(path, "vmdesc", errp, QVISIT_ERROR_LENGTH,
                                    "%zu bytes, at most 4294967295 (the "
                                    "length is a u32)", strlen(e.vmdesc));
    }
    text = qs__dict_str(root, "borrowed_vmdesc");
    if (!text) {
        text = e.vmdesc;
    }
    if (text) {
        desc = qobject_from_json_full(text, -1, limits, errp);
        if (!desc) {
            g_prefix_error(errp, "vmdesc: ");
            return false;
        }
        if (!qs__vmdesc_check(desc, &desc_page_size, errp)) {
            return false;
        }
        /* The reader splits RAM words at the vmdesc's page size. */
        if (desc_page_size != e.page_size) {
            return qs__enc_member_error(path, "page_size", errp,
                                        QVISIT_ERROR_INVALID, "%"
                                        G_GUINT64_FORMAT ", but the vmdesc "
                                        "has %" G_GUINT64_FORMAT,
                                        e.page_size, desc_page_size);
        }
        devices = qs__vmdesc_index(desc);
    }
    e.devices = devices;
    e.layouts = layouts;

    /* Check everything before the first byte reaches @f: a first pass
     * writes into a file that discards, so an invalid dump writes
     * nothing. */
    discard = qemu_file__open_discard();
    ok = encode_pass(discard, root, &e, path, errp);
    qemu_fclose(discard);
    if (!ok) {
        return false;
    }
    if (!encode_pass(f, root, &e, path, errp)) {
        return false;
    }
    err = qemu_file_get_error(f);
    if (err) {
        g_string_truncate(path, 0);
        return qs__enc_error(path, errp, QVISIT_ERROR_IO, "write error: %s",
                             g_strerror(-err));
    }
    return true;
}
