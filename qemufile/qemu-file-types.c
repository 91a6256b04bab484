/*
 * The rest of QEMU's plain-value QEMUFile API (QEMU 7.2's
 * include/migration/qemu-file-types.h, plus the buffer variants of its
 * migration/qemu-file.h) for legacy device code. Each is a thin wrapper
 * over the puts and gets of qemu-file.c, whose sticky error they share.
 * QEMU declares most of these static inline; here they are exported
 * functions, so every name in the header is a symbol of the library.
 */
#include "qvisit/qemu-file.h"

#include <errno.h>
#include <string.h>

#include "qemufile/qemu-file-internal.h"

void qemu_put_sbyte(QEMUFile *f, int v)
{
    qemu_put_byte(f, v);
}

int qemu_get_sbyte(QEMUFile *f)
{
    return qemu_get_byte(f);
}

unsigned int qemu_get_ubyte(QEMUFile *f)
{
    return (unsigned int)qemu_get_byte(f);
}

void qemu_put_8s(QEMUFile *f, const uint8_t *pv)
{
    g_return_if_fail(pv != NULL);
    qemu_put_byte(f, *pv);
}

void qemu_put_be16s(QEMUFile *f, const uint16_t *pv)
{
    g_return_if_fail(pv != NULL);
    qemu_put_be16(f, *pv);
}

void qemu_put_be32s(QEMUFile *f, const uint32_t *pv)
{
    g_return_if_fail(pv != NULL);
    qemu_put_be32(f, *pv);
}

void qemu_put_be64s(QEMUFile *f, const uint64_t *pv)
{
    g_return_if_fail(pv != NULL);
    qemu_put_be64(f, *pv);
}

void qemu_get_8s(QEMUFile *f, uint8_t *pv)
{
    g_return_if_fail(pv != NULL);
    *pv = (uint8_t)qemu_get_byte(f);
}

void qemu_get_be16s(QEMUFile *f, uint16_t *pv)
{
    g_return_if_fail(pv != NULL);
    *pv = (uint16_t)qemu_get_be16(f);
}

void qemu_get_be32s(QEMUFile *f, uint32_t *pv)
{
    g_return_if_fail(pv != NULL);
    *pv = qemu_get_be32(f);
}

void qemu_get_be64s(QEMUFile *f, uint64_t *pv)
{
    g_return_if_fail(pv != NULL);
    *pv = qemu_get_be64(f);
}

/*
 * The signed forms go through the unsigned ones: the wire holds the
 * two's complement bytes, so a conversion to unsigned (well defined) on
 * the way out and back to the signed type on the way in is all there is.
 */
void qemu_put_sbe16(QEMUFile *f, int v)
{
    qemu_put_be16(f, (unsigned int)v);
}

void qemu_put_sbe32(QEMUFile *f, int v)
{
    qemu_put_be32(f, (unsigned int)v);
}

void qemu_put_sbe64(QEMUFile *f, int64_t v)
{
    qemu_put_be64(f, (uint64_t)v);
}

/* Not sign-extended, as in QEMU: (int) of an unsigned 0..65535. */
int qemu_get_sbe16(QEMUFile *f)
{
    return (int)qemu_get_be16(f);
}

int qemu_get_sbe32(QEMUFile *f)
{
    return (int32_t)(uint32_t)qemu_get_be32(f);
}

int64_t qemu_get_sbe64(QEMUFile *f)
{
    return (int64_t)qemu_get_be64(f);
}

void qemu_put_s8s(QEMUFile *f, const int8_t *pv)
{
    g_return_if_fail(pv != NULL);
    qemu_put_byte(f, (uint8_t)*pv);
}

void qemu_put_sbe16s(QEMUFile *f, const int16_t *pv)
{
    g_return_if_fail(pv != NULL);
    qemu_put_be16(f, (uint16_t)*pv);
}

void qemu_put_sbe32s(QEMUFile *f, const int32_t *pv)
{
    g_return_if_fail(pv != NULL);
    qemu_put_be32(f, (uint32_t)*pv);
}

void qemu_put_sbe64s(QEMUFile *f, const int64_t *pv)
{
    g_return_if_fail(pv != NULL);
    qemu_put_be64(f, (uint64_t)*pv);
}

void qemu_get_s8s(QEMUFile *f, int8_t *pv)
{
    g_return_if_fail(pv != NULL);
    *pv = (int8_t)(uint8_t)qemu_get_byte(f);
}

void qemu_get_sbe16s(QEMUFile *f, int16_t *pv)
{
    g_return_if_fail(pv != NULL);
    *pv = (int16_t)(uint16_t)qemu_get_be16(f);
}

void qemu_get_sbe32s(QEMUFile *f, int32_t *pv)
{
    g_return_if_fail(pv != NULL);
    *pv = (int32_t)(uint32_t)qemu_get_be32(f);
}

void qemu_get_sbe64s(QEMUFile *f, int64_t *pv)
{
    g_return_if_fail(pv != NULL);
    *pv = (int64_t)qemu_get_be64(f);
}

void qemu_put_counted_string(QEMUFile *f, const char *name)
{
    size_t len;

    g_return_if_fail(name != NULL);
    len = strlen(name);
    /* The length is one byte on the wire; QEMU asserts the same. */
    g_return_if_fail(len < 256);
    qemu_put_byte(f, (int)len);
    qemu_put_buffer(f, (const uint8_t *)name, len);
}

size_t qemu_get_counted_string(QEMUFile *f, char buf[256])
{
    size_t len;

    g_return_val_if_fail(buf != NULL, 0);
    len = (size_t)qemu_get_byte(f);
    /* qemu_get_buffer() returns @len or 0 with the sticky error set. */
    len = qemu_get_buffer(f, (uint8_t *)buf, len);
    buf[len] = '\0';
    return len;
}

size_t qemu_get_buffer_in_place(QEMUFile *f, uint8_t **buf, size_t size)
{
    size_t avail;

    g_return_val_if_fail(f != NULL && !f->writable, 0);
    g_return_val_if_fail(buf != NULL && (*buf != NULL || size == 0), 0);
    if (f->last_error) {
        return 0;
    }
    /*
     * A memory file holds the whole stream in buf, and a buffered file
     * can gather up to its buffer size there: hand those out in place.
     * Anything larger is copied to the caller's memory.
     */
    if (!f->ops->read || size <= QEMU_FILE_BUF_SIZE) {
        avail = qemu_file__fill(f, size);
        if (avail < size) {
            f->buf_index += avail;
            qemu_file_set_error(f, -EIO);
            return 0;
        }
        *buf = f->buf + f->buf_index;
        f->buf_index += size;
        return size;
    }
    return qemu_get_buffer(f, *buf, size);
}

void qemu_put_buffer_async(QEMUFile *f, const uint8_t *buf, size_t size,
                           bool may_free)
{
    (void)may_free;
    qemu_put_buffer(f, buf, size);
}

int qemu_file_rate_limit(QEMUFile *f)
{
    g_return_val_if_fail(f != NULL, 1);
    return f->last_error ? 1 : 0;
}
