/*
 * Binary input visitor: reads a walk from a QEMUFile exactly as the legacy
 * qemu_get_*() calls would, but checks what it reads and names the member
 * and byte offset of every failure. Encoding:
 * include/qvisit/qemu-file-visitor.h and docs/formats.md.
 */
#include "qvisit/qemu-file-visitor.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "qemufile/qemu-file-internal.h"
#include "qemufile/qemu-file-window.h"
#include "util/bswap.h"
#include "visitor/visitor-impl.h"

typedef struct QemuFileInputVisitor {
    Visitor visitor;
    QEMUFileVisitorLink link;   /* link.f: the file, until it is closed */
    size_t allocated;       /* string bytes handed out, for max_alloc */
    /*
     * Stream offsets of the value a callback read last: where it starts
     * and where the read ended, which tells whether legacy gets moved the
     * file since (qfi_value_offset()). value_end 0: nothing read yet.
     */
    uint64_t value_start, value_end;
} QemuFileInputVisitor;

/* Strings are read in chunks of this size; see qfi_type_str(). */
#define STRING_CHUNK 65536

static QEMUFile *file_of(Visitor *v)
{
    return ((QemuFileInputVisitor *)v)->link.f;
}

/*
 * A failed read leaves the file's sticky error set. -EIO is what QEMUFile
 * reports for a stream that ended; a failed read consumes the bytes that
 * were there, so the file's position is then where the stream ended.
 */
static bool read_error(Visitor *v, GError **errp)
{
    QEMUFile *f = file_of(v);
    int err = qemu_file_get_error(f);

    if (err == -EIO) {
        return visit__set_error(v, errp, QVISIT_ERROR_TRUNCATED,
                                "stream truncated at byte %" PRIu64,
                                qemu_file_transferred(f));
    }
    return visit__set_error(v, errp, QVISIT_ERROR_IO,
                            "read failed at byte %" PRIu64 ": %s",
                            qemu_file_transferred(f), g_strerror(-err));
}

static inline bool read_exact(Visitor *v, void *dst, size_t len,
                              GError **errp)
{
    return qemu_file__read_exact(file_of(v), dst, len) ||
           read_error(v, errp);
}

/* Marks the start of a value; its end is set once it was read. */
static inline void value_begin(Visitor *v)
{
    QemuFileInputVisitor *qv = (QemuFileInputVisitor *)v;

    qv->value_start = qemu_file_transferred(file_of(v));
    v->direct_value_len = 0;
}

static inline bool value_done(Visitor *v, bool ok)
{
    QemuFileInputVisitor *qv = (QemuFileInputVisitor *)v;

    if (ok) {
        qv->value_end = qemu_file_transferred(file_of(v));
    }
    return ok;
}

static bool qfi_value_offset(Visitor *v, uint64_t *offset)
{
    QemuFileInputVisitor *qv = (QemuFileInputVisitor *)v;
    QEMUFile *f = file_of(v);

    if (f && v->direct_value_len) {
        /* Taken by the core from the read window (visitor-impl.h);
         * legacy gets since moved the file past its end. */
        if (qemu_file_transferred(f) != v->direct_value_end) {
            return false;
        }
        *offset = v->direct_value_end - v->direct_value_len;
        return true;
    }
    if (!file_of(v) || !qv->value_end ||
        qemu_file_transferred(file_of(v)) != qv->value_end) {
        return false;
    }
    *offset = qv->value_start;
    return true;
}

static bool read_be(Visitor *v, uint64_t *value, unsigned bytes,
                    GError **errp)
{
    uint8_t b[8];

    if (!read_exact(v, b, bytes, errp)) {
        return false;
    }
    *value = ldn_be_p(b, bytes);
    return true;
}

/*
 * Reads one byte that must be 0 or 1 (a bool or a presence byte). Any
 * other value turns one corrupted byte into an error at this member
 * instead of a silently flipped flag.
 */
static bool read_flag(Visitor *v, const char *what, bool *flag,
                      GError **errp)
{
    uint64_t b;

    if (!read_be(v, &b, 1, errp)) {
        return false;
    }
    if (b > 1) {
        return visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                                "expected 0 or 1 for %s, got %" PRIu64
                                " at byte %" PRIu64, what, b,
                                qemu_file_transferred(file_of(v)) - 1);
    }
    *flag = b;
    return true;
}

static bool qfi_start_struct(Visitor *v, const char *name, GError **errp)
{
    (void)name;
    return qemu_file_get_error(file_of(v)) == 0 || read_error(v, errp);
}

static bool qfi_end_struct(Visitor *v, GError **errp)
{
    (void)v;
    (void)errp;
    return true;
}

/* The stream carries no length: the walk's @len is the truth. */
static bool qfi_start_array(Visitor *v, const char *name, size_t len,
                            GError **errp)
{
    (void)name;
    (void)len;
    return qemu_file_get_error(file_of(v)) == 0 || read_error(v, errp);
}

static bool qfi_end_array(Visitor *v, GError **errp)
{
    (void)v;
    (void)errp;
    return true;
}

static bool qfi_optional(Visitor *v, const char *name, bool *present,
                         GError **errp)
{
    (void)name;
    if (!read_flag(v, "presence byte", present, errp)) {
        *present = false;
        return false;
    }
    return true;
}

/*
 * QEMU's subsection header: QEMU_VM_SUBSECTION, the name as a u8-counted
 * string, be32 version (vmstate_subsection_load() in QEMU 7.2's
 * migration/vmstate.c). Like QEMU, look ahead first: anything but a
 * header with this name (the struct's next subsection, the section
 * footer, a parent's next field) means the subsection is absent.
 */
static bool qfi_start_subsection(Visitor *v, const char *name,
                                 uint32_t *version, bool *present,
                                 GError **errp)
{
    QEMUFile *f = file_of(v);
    size_t len = strlen(name);
    uint8_t *buf;
    uint64_t ver;

    *present = false;
    if (qemu_file_get_error(f)) {
        return read_error(v, errp);
    }
    if (len > 255 ||
        qemu_peek_buffer(f, &buf, 2 + len, 0) < 2 + len ||
        buf[0] != QEMU_VM_SUBSECTION || buf[1] != len ||
        memcmp(buf + 2, name, len) != 0) {
        return true;
    }
    value_begin(v);
    qemu_file_skip(f, 2 + len);
    if (!value_done(v, read_be(v, &ver, 4, errp))) {
        return false;
    }
    *version = (uint32_t)ver;
    *present = true;
    return true;
}

static bool qfi_peek_subsection(Visitor *v, char name[256],
                                uint64_t *offset)
{
    QEMUFile *f = file_of(v);
    uint8_t *buf;

    if (qemu_file_get_error(f) ||
        qemu_peek_buffer(f, &buf, 2, 0) < 2 ||
        buf[0] != QEMU_VM_SUBSECTION ||
        qemu_peek_buffer(f, &buf, 2 + (size_t)buf[1], 0) <
        2 + (size_t)buf[1]) {
        return false;
    }
    memcpy(name, buf + 2, buf[1]);
    name[buf[1]] = '\0';
    *offset = qemu_file_transferred(f);
    return true;
}

static bool qfi_type_int(Visitor *v, const char *name, int64_t *obj,
                         unsigned bits, GError **errp)
{
    uint64_t u;

    (void)name;
    value_begin(v);
    if (!value_done(v, read_be(v, &u, bits / 8, errp))) {
        return false;
    }
    switch (bits) {
    case 8:
        *obj = (int8_t)u;
        break;
    case 16:
        *obj = (int16_t)u;
        break;
    case 32:
        *obj = (int32_t)u;
        break;
    default:
        *obj = (int64_t)u;
        break;
    }
    return true;
}

static bool qfi_type_uint(Visitor *v, const char *name, uint64_t *obj,
                          unsigned bits, GError **errp)
{
    (void)name;
    value_begin(v);
    return value_done(v, read_be(v, obj, bits / 8, errp));
}

static bool qfi_type_bool(Visitor *v, const char *name, bool *obj,
                          GError **errp)
{
    (void)name;
    value_begin(v);
    return value_done(v, read_flag(v, "bool", obj, errp));
}

static bool qfi_type_number(Visitor *v, const char *name, double *obj,
                            GError **errp)
{
    uint64_t bits;

    (void)name;
    value_begin(v);
    if (!value_done(v, read_be(v, &bits, 8, errp))) {
        return false;
    }
    memcpy(obj, &bits, sizeof(*obj));
    return true;
}

static bool qfi_type_str(Visitor *v, const char *name, char **obj,
                         GError **errp)
{
    QemuFileInputVisitor *qv = (QemuFileInputVisitor *)v;
    g_autofree char *s = NULL;
    const char *end = NULL;
    uint64_t start, len;
    size_t have = 0, cap = 0;

    (void)name;
    value_begin(v);
    if (!read_be(v, &len, 4, errp)) {
        return false;
    }
    start = qemu_file_transferred(file_of(v));
    if (len > v->limits.max_string_len) {
        return visit__set_error(v, errp, QVISIT_ERROR_LIMIT,
                                "string of %" PRIu64 " bytes at byte %"
                                PRIu64 " exceeds the limit of %zu", len,
                                start - 4, v->limits.max_string_len);
    }
    if (len + 1 > v->limits.max_alloc - MIN(qv->allocated,
                                            v->limits.max_alloc)) {
        return visit__set_error(v, errp, QVISIT_ERROR_LIMIT,
                                "string of %" PRIu64 " bytes at byte %"
                                PRIu64 " exceeds the allocation limit of "
                                "%zu", len, start - 4,
                                v->limits.max_alloc);
    }
    /*
     * The length is only a claim: grow the string as its bytes arrive, so
     * a corrupt 4-byte length on a short stream costs at most one chunk
     * more than the stream holds.
     */
    while (have < len) {
        size_t chunk = MIN(len - have, STRING_CHUNK);

        if (have + chunk > cap) {
            cap = MIN(len, MAX(2 * cap, have + chunk));
            s = g_realloc(s, cap + 1);
        }
        if (!read_exact(v, s + have, chunk, errp)) {
            return false;
        }
        have += chunk;
    }
    if (!s) {
        s = g_malloc(1);
    }
    /* g_utf8_validate() with a length also rejects NUL bytes. */
    if (!g_utf8_validate(s, len, &end)) {
        return visit__set_error(v, errp, QVISIT_ERROR_PARSE,
                                "invalid UTF-8 at byte %" PRIu64,
                                start + (uint64_t)(end - s));
    }
    s[len] = '\0';
    qv->allocated += len + 1;
    *obj = g_steal_pointer(&s);
    return value_done(v, true);
}

static bool qfi_type_buffer(Visitor *v, const char *name, void *buf,
                            size_t len, GError **errp)
{
    (void)name;
    value_begin(v);
    return value_done(v, read_exact(v, buf, len, errp));
}

/*
 * Fails element @index of the array being moved in bulk. The core builds
 * the "[index]" path segment only while a call is in progress, which is not
 * the case around the type_uint_array callback (visitor/visitor.c,
 * visit_uint_array()); mark one for the duration of the error until the
 * core does it itself.
 */
static bool element_error(Visitor *v, size_t index, GError **errp)
{
    bool in_call = v->in_call;
    bool ret;

    visit__set_index(v, index);
    v->in_call = true;
    ret = read_error(v, errp);
    v->in_call = in_call;
    return ret;
}

/*
 * Register files: copy whole elements out of the file's buffer and swap
 * them in place. Elements before a truncation are stored, as visitor.h
 * allows; the failing element is left untouched.
 */
static bool qfi_type_uint_array(Visitor *v, void *arr, unsigned bits,
                                size_t n, GError **errp)
{
    size_t width = bits / 8;
    size_t got;

    value_begin(v);
    got = qemu_file__get_units(file_of(v), arr, width, n);

    switch (bits) {
    case 16:
        for (size_t i = 0; i < got; i++) {
            ((uint16_t *)arr)[i] = lduw_be_p((uint16_t *)arr + i);
        }
        break;
    case 32:
        for (size_t i = 0; i < got; i++) {
            ((uint32_t *)arr)[i] = ldl_be_p((uint32_t *)arr + i);
        }
        break;
    case 64:
        for (size_t i = 0; i < got; i++) {
            ((uint64_t *)arr)[i] = ldq_be_p((uint64_t *)arr + i);
        }
        break;
    default:
        break;
    }
    if (got < n) {
        return element_error(v, got, errp);
    }
    return value_done(v, true);
}

/*
 * As for the output visitor (qemu-file-output-visitor.c, qfo_free()): a
 * device load creates and frees one visitor each, which cost more than
 * a small device's fields, so an open file keeps the last freed visitor
 * for the next qemu_file_input_visitor_new(). Once the file is closed the
 * link is detached and the visitor is only freed.
 */
static void qfi_free(Visitor *v)
{
    QemuFileInputVisitor *qv = (QemuFileInputVisitor *)v;
    QEMUFile *f = qv->link.f;

    if (f && !f->closing && !f->spare_input_visitor) {
        f->spare_input_visitor = v;
        return;
    }
    qemu_file__unlink_visitor(&qv->link);
    visit__cleanup(v);
    g_free(v);
}

Visitor *qemu_file_input_visitor_new(QEMUFile *f)
{
    QemuFileInputVisitor *qv;
    Visitor *v;

    g_return_val_if_fail(f != NULL && !qemu_file_is_writable(f), NULL);
    if (f->spare_input_visitor) {
        v = g_steal_pointer(&f->spare_input_visitor);
        qv = (QemuFileInputVisitor *)v;
        visit__reset(v);
        qv->allocated = 0;
        qv->value_start = qv->value_end = 0;
        v->direct_value_len = 0;
        return v;
    }
    qv = g_new0(QemuFileInputVisitor, 1);
    v = &qv->visitor;
    qemu_file__link_visitor(f, &qv->link, v, visit__detach);
    v->start_struct = qfi_start_struct;
    v->end_struct = qfi_end_struct;
    v->start_array = qfi_start_array;
    v->end_array = qfi_end_array;
    v->optional = qfi_optional;
    v->start_subsection = qfi_start_subsection;
    v->peek_subsection = qfi_peek_subsection;
    v->type_int = qfi_type_int;
    v->type_uint = qfi_type_uint;
    v->type_bool = qfi_type_bool;
    v->type_number = qfi_type_number;
    v->type_str = qfi_type_str;
    v->type_buffer = qfi_type_buffer;
    v->type_uint_array = qfi_type_uint_array;
    v->value_offset = qfi_value_offset;
    v->free = qfi_free;
    /* The fast path takes fields from the file's read window, which
     * holds exactly the bytes the callbacks would read. */
    v->direct_input = qemu_file__window(f);
    visit__init(v, VISITOR_INPUT);
    return v;
}
