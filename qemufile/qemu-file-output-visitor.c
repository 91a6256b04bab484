/*
 * Binary output visitor: writes a walk to a QEMUFile exactly as the legacy
 * qemu_put_*() calls would. Encoding: include/qvisit/qemu-file-visitor.h
 * and docs/formats.md.
 *
 * Values go straight into the file's buffer (qemu_file__reserve()), so a
 * converted device costs little more than its legacy put calls; the
 * field-by-field benchmark holds us to that.
 */
#include "qvisit/qemu-file-visitor.h"

#include <inttypes.h>
#include <string.h>

#include "qemufile/qemu-file-internal.h"
#include "util/bswap.h"
#include "visitor/visitor-impl.h"

typedef struct QemuFileOutputVisitor {
    Visitor visitor;
    QEMUFileVisitorLink link;   /* link.f: the file, until it is closed */
} QemuFileOutputVisitor;

static QEMUFile *file_of(Visitor *v)
{
    return ((QemuFileOutputVisitor *)v)->link.f;
}

/*
 * Puts are buffered, so an OS failure surfaces at some later put or at the
 * flush; either way the file's error is sticky and we report it at the
 * first visit call that sees it.
 */
static bool io_error(Visitor *v, GError **errp)
{
    QEMUFile *f = file_of(v);

    return visit__set_error(v, errp, QVISIT_ERROR_IO,
                            "write failed at byte %" PRIu64 ": %s",
                            qemu_file_transferred(f),
                            g_strerror(-qemu_file_get_error(f)));
}

static inline bool put_be(Visitor *v, uint64_t value, unsigned bytes,
                          GError **errp)
{
    return qemu_file__put_be(file_of(v), value, bytes) || io_error(v, errp);
}

static bool qfo_start_struct(Visitor *v, const char *name, GError **errp)
{
    (void)name;
    return qemu_file_get_error(file_of(v)) == 0 || io_error(v, errp);
}

static bool qfo_end_struct(Visitor *v, GError **errp)
{
    (void)v;
    (void)errp;
    return true;
}

static bool qfo_start_array(Visitor *v, const char *name, size_t len,
                            GError **errp)
{
    (void)name;
    (void)len;
    return qemu_file_get_error(file_of(v)) == 0 || io_error(v, errp);
}

static bool qfo_end_array(Visitor *v, GError **errp)
{
    (void)v;
    (void)errp;
    return true;
}

static bool qfo_optional(Visitor *v, const char *name, bool *present,
                         GError **errp)
{
    (void)name;
    return put_be(v, *present ? 1 : 0, 1, errp);
}

/* QEMU's subsection header: QEMU_VM_SUBSECTION, u8-counted name, be32
 * version. */
static bool qfo_start_subsection(Visitor *v, const char *name,
                                 uint32_t *version, bool *present,
                                 GError **errp)
{
    size_t len = strlen(name);

    if (!*present) {
        return true;
    }
    if (len > 255) {
        return visit__set_error(v, errp, QVISIT_ERROR_INVALID,
                                "subsection name of %zu bytes exceeds 255",
                                len);
    }
    if (!put_be(v, QEMU_VM_SUBSECTION, 1, errp) ||
        !put_be(v, len, 1, errp)) {
        return false;
    }
    /* A failed put leaves the sticky error, which the next put reports. */
    qemu_put_buffer(file_of(v), (const uint8_t *)name, len);
    return put_be(v, *version, 4, errp);
}

static bool qfo_type_int(Visitor *v, const char *name, int64_t *obj,
                         unsigned bits, GError **errp)
{
    (void)name;
    /* Two's complement, truncated to the width: what qemu_put_be*() do. */
    return put_be(v, (uint64_t)*obj, bits / 8, errp);
}

static bool qfo_type_uint(Visitor *v, const char *name, uint64_t *obj,
                          unsigned bits, GError **errp)
{
    (void)name;
    return put_be(v, *obj, bits / 8, errp);
}

static bool qfo_type_bool(Visitor *v, const char *name, bool *obj,
                          GError **errp)
{
    (void)name;
    return put_be(v, *obj ? 1 : 0, 1, errp);
}

static bool qfo_type_number(Visitor *v, const char *name, double *obj,
                            GError **errp)
{
    uint64_t bits;

    (void)name;
    memcpy(&bits, obj, sizeof(bits));
    return put_be(v, bits, 8, errp);
}

static bool qfo_type_str(Visitor *v, const char *name, char **obj,
                         GError **errp)
{
    const char *s = *obj ? *obj : "";
    size_t len = strlen(s);

    (void)name;
    /* Refuse here what the input visitor would refuse on reading back. */
    if (len > UINT32_MAX) {
        return visit__set_error(v, errp, QVISIT_ERROR_LIMIT,
                                "string of %zu bytes does not fit a be32 "
                                "length", len);
    }
    if (!g_utf8_validate(s, len, NULL)) {
        return visit__set_error(v, errp, QVISIT_ERROR_INVALID,
                                "string is not valid UTF-8");
    }
    if (!put_be(v, len, 4, errp)) {
        return false;
    }
    qemu_put_buffer(file_of(v), (const uint8_t *)s, len);
    return qemu_file_get_error(file_of(v)) == 0 || io_error(v, errp);
}

static bool qfo_type_buffer(Visitor *v, const char *name, void *buf,
                            size_t len, GError **errp)
{
    (void)name;
    qemu_put_buffer(file_of(v), buf, len);
    return qemu_file_get_error(file_of(v)) == 0 || io_error(v, errp);
}

/*
 * Register files: byte-swap whole runs of elements straight into the
 * file's buffer instead of one put per element.
 */
static bool qfo_type_uint_array(Visitor *v, void *arr, unsigned bits,
                                size_t n, GError **errp)
{
    QEMUFile *f = file_of(v);
    size_t width = bits / 8;
    size_t done = 0;

    if (width == 1) {
        qemu_put_buffer(f, arr, n);
        return qemu_file_get_error(f) == 0 || io_error(v, errp);
    }
    while (done < n) {
        size_t room = QEMU_FILE_BUF_SIZE - f->buf_index;
        size_t k;
        uint8_t *p;

        if (room < width) {
            room = QEMU_FILE_BUF_SIZE;
        }
        k = MIN(n - done, room / width);
        p = qemu_file__reserve(f, k * width);
        if (!p) {
            visit__set_index(v, done);
            return io_error(v, errp);
        }
        switch (bits) {
        case 16: {
            const uint16_t *src = (const uint16_t *)arr + done;
            for (size_t i = 0; i < k; i++) {
                stw_be_p(p + i * 2, src[i]);
            }
            break;
        }
        case 32: {
            const uint32_t *src = (const uint32_t *)arr + done;
            for (size_t i = 0; i < k; i++) {
                stl_be_p(p + i * 4, src[i]);
            }
            break;
        }
        default: {
            const uint64_t *src = (const uint64_t *)arr + done;
            for (size_t i = 0; i < k; i++) {
                stq_be_p(p + i * 8, src[i]);
            }
            break;
        }
        }
        qemu_file__commit(f, k * width);
        done += k;
    }
    return true;
}

/* The bytes stay in the file (see the header); only report its error. */
static bool qfo_complete(Visitor *v, GError **errp)
{
    return file_of(v)->last_error == 0 || io_error(v, errp);
}

/*
 * A device save creates and frees one visitor each, which cost as much as
 * a small device's fields in the field-by-field benchmark. So an open
 * file keeps the last freed visitor (still linked to it) and the next
 * qemu_file_output_visitor_new() resets it. Once the file is closed the
 * visitor is detached (file_of() is NULL) and is only freed.
 */
static void qfo_free(Visitor *v)
{
    QemuFileOutputVisitor *qv = (QemuFileOutputVisitor *)v;
    QEMUFile *f = qv->link.f;

    if (f && !f->closing && !f->spare_output_visitor) {
        f->spare_output_visitor = v;
        return;
    }
    qemu_file__unlink_visitor(&qv->link);
    visit__cleanup(v);
    g_free(v);
}

Visitor *qemu_file_output_visitor_new(QEMUFile *f)
{
    QemuFileOutputVisitor *qv;
    Visitor *v;

    g_return_val_if_fail(f != NULL && f->writable, NULL);
    if (f->spare_output_visitor) {
        v = g_steal_pointer(&f->spare_output_visitor);
        visit__reset(v);
        return v;
    }
    qv = g_new0(QemuFileOutputVisitor, 1);
    v = &qv->visitor;
    qemu_file__link_visitor(f, &qv->link, v, visit__detach);
    v->start_struct = qfo_start_struct;
    v->end_struct = qfo_end_struct;
    v->start_array = qfo_start_array;
    v->end_array = qfo_end_array;
    v->optional = qfo_optional;
    v->start_subsection = qfo_start_subsection;
    v->type_int = qfo_type_int;
    v->type_uint = qfo_type_uint;
    v->type_bool = qfo_type_bool;
    v->type_number = qfo_type_number;
    v->type_str = qfo_type_str;
    v->type_buffer = qfo_type_buffer;
    v->type_uint_array = qfo_type_uint_array;
    v->complete = qfo_complete;
    v->free = qfo_free;
    visit__init(v, VISITOR_OUTPUT);
    v->direct_window = qemu_file__window(f);
    return v;
}
