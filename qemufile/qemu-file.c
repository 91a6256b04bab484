/*
 * QEMUFile core: the buffer, the sticky error, puts, gets and peeks.
 * Backends (fd, path, memory, byte array) live in qemu-file-fd.c and
 * qemu-file-mem.c; see qemu-file-internal.h for the buffer layout.
 */
#include "qvisit/qemu-file.h"

#include <errno.h>
#include <string.h>

#include "qemufile/qemu-file-internal.h"

QEMUFile *qemu_file__new(const QEMUFileOps *ops, bool writable)
{
    QEMUFile *f = g_new0(QEMUFile, 1);

    f->ops = ops;
    f->writable = writable;
    f->window_limit = writable ? QEMU_FILE_BUF_SIZE : 0;
    f->fd = -1;
    f->buf_cap = QEMU_FILE_BUF_SIZE;
    f->buf = g_malloc(f->buf_cap);
    f->owns_buf = true;
    return f;
}

int qemu_file_get_error(QEMUFile *f)
{
    g_return_val_if_fail(f != NULL, -EINVAL);
    return f->last_error;
}

void qemu_file_set_error(QEMUFile *f, int err)
{
    g_return_if_fail(f != NULL);
    if (err < 0 && f->last_error == 0) {
        f->last_error = err;
        f->window_limit = 0;
    }
}

bool qemu_file_is_writable(QEMUFile *f)
{
    g_return_val_if_fail(f != NULL, false);
    return f->writable;
}

uint64_t qemu_file_transferred(QEMUFile *f)
{
    g_return_val_if_fail(f != NULL, 0);
    return f->base + f->buf_index;
}

/* --- writing ------------------------------------------------------- */

void qemu_file__flush_with(QEMUFile *f, const uint8_t *extra, size_t len)
{
    struct iovec iov[2];
    int iovcnt = 0;
    int ret;

    if (f->last_error) {
        return;
    }
    if (f->buf_index) {
        iov[iovcnt].iov_base = f->buf;
        iov[iovcnt++].iov_len = f->buf_index;
    }
    if (len) {
        iov[iovcnt].iov_base = (void *)extra;
        iov[iovcnt++].iov_len = len;
    }
    if (!iovcnt) {
        return;
    }
    ret = f->ops->writev(f, iov, iovcnt);
    if (ret < 0) {
        qemu_file_set_error(f, ret);
        return;
    }
    f->base += f->buf_index + len;
    f->buf_index = 0;
}

int qemu_fflush(QEMUFile *f)
{
    g_return_val_if_fail(f != NULL, -EINVAL);
    if (f->writable) {
        qemu_file__flush_with(f, NULL, 0);
    }
    return f->last_error;
}

void qemu_put_byte(QEMUFile *f, int v)
{
    uint8_t *p;

    g_return_if_fail(f != NULL && f->writable);
    p = qemu_file__reserve(f, 1);
    if (p) {
        p[0] = v;
        qemu_file__commit(f, 1);
    }
}

void qemu_put_be16(QEMUFile *f, unsigned int v)
{
    uint8_t *p;

    g_return_if_fail(f != NULL && f->writable);
    p = qemu_file__reserve(f, 2);
    if (p) {
        stw_be_p(p, (uint16_t)v);
        qemu_file__commit(f, 2);
    }
}

void qemu_put_be32(QEMUFile *f, unsigned int v)
{
    uint8_t *p;

    g_return_if_fail(f != NULL && f->writable);
    p = qemu_file__reserve(f, 4);
    if (p) {
        stl_be_p(p, (uint32_t)v);
        qemu_file__commit(f, 4);
    }
}

void qemu_put_be64(QEMUFile *f, uint64_t v)
{
    uint8_t *p;

    g_return_if_fail(f != NULL && f->writable);
    p = qemu_file__reserve(f, 8);
    if (p) {
        stq_be_p(p, v);
        qemu_file__commit(f, 8);
    }
}

void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t len)
{
    g_return_if_fail(f != NULL && f->writable);
    g_return_if_fail(buf != NULL || len == 0);
    if (f->last_error || len == 0) {
        return;
    }
    /*
     * A RAM page run larger than the buffer goes to the backend straight
     * from the caller's memory, in one writev with what is buffered, so
     * stream order holds and the bulk bytes are never copied.
     */
    if (len > QEMU_FILE_BUF_SIZE) {
        qemu_file__flush_with(f, buf, len);
        return;
    }
    if (f->buf_index + len > QEMU_FILE_BUF_SIZE) {
        qemu_file__flush_with(f, NULL, 0);
        if (f->last_error) {
            return;
        }
    }
    memcpy(f->buf + f->buf_index, buf, len);
    f->buf_index += len;
}

/* --- reading ------------------------------------------------------- */

size_t qemu_file__fill(QEMUFile *f, size_t want)
{
    size_t avail = f->buf_size - f->buf_index;

    if (avail >= want || !f->ops->read || f->last_error) {
        return avail;
    }
    /* Slide the unconsumed tail to the front, then read behind it. */
    if (f->owns_buf && f->buf_cap < QEMU_FILE_READ_BUF_SIZE &&
        f->base + f->buf_index >= QEMU_FILE_READ_GROW_AFTER) {
        uint8_t *bigger = g_malloc(QEMU_FILE_READ_BUF_SIZE);

        memcpy(bigger, f->buf + f->buf_index, avail);
        g_free(f->buf);
        f->buf = bigger;
        f->buf_cap = QEMU_FILE_READ_BUF_SIZE;
    } else {
        memmove(f->buf, f->buf + f->buf_index, avail);
    }
    f->base += f->buf_index;
    f->buf_index = 0;
    f->buf_size = avail;
    while (f->buf_size < want) {
        ssize_t r = f->ops->read(f, f->buf + f->buf_size,
                                 f->buf_cap - f->buf_size);
        if (r < 0) {
            qemu_file_set_error(f, (int)r);
            break;
        }
        if (r == 0) {
            break;
        }
        f->buf_size += r;
    }
    qemu_file__sync_window(f);
    return f->buf_size;
}

/* End of stream inside a value: consume what is left, report -EIO. */
static void truncated(QEMUFile *f, size_t avail)
{
    f->buf_index += avail;
    qemu_file_set_error(f, -EIO);
}

/* Returns a pointer to the next @n (<= 8) bytes and consumes them. */
static const uint8_t *get_bytes(QEMUFile *f, size_t n)
{
    const uint8_t *p;
    size_t avail;

    if (f->last_error) {
        return NULL;
    }
    avail = qemu_file__fill(f, n);
    if (avail < n) {
        truncated(f, avail);
        return NULL;
    }
    p = f->buf + f->buf_index;
    f->buf_index += n;
    return p;
}

int qemu_get_byte(QEMUFile *f)
{
    const uint8_t *p;

    g_return_val_if_fail(f != NULL && !f->writable, 0);
    p = get_bytes(f, 1);
    return p ? p[0] : 0;
}

unsigned int qemu_get_be16(QEMUFile *f)
{
    const uint8_t *p;

    g_return_val_if_fail(f != NULL && !f->writable, 0);
    p = get_bytes(f, 2);
    return p ? lduw_be_p(p) : 0;
}

unsigned int qemu_get_be32(QEMUFile *f)
{
    const uint8_t *p;

    g_return_val_if_fail(f != NULL && !f->writable, 0);
    p = get_bytes(f, 4);
    return p ? ldl_be_p(p) : 0;
}

uint64_t qemu_get_be64(QEMUFile *f)
{
    const uint8_t *p;

    g_return_val_if_fail(f != NULL && !f->writable, 0);
    p = get_bytes(f, 8);
    return p ? ldq_be_p(p) : 0;
}

size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t len)
{
    size_t done = 0;

    g_return_val_if_fail(f != NULL && !f->writable, 0);
    g_return_val_if_fail(buf != NULL || len == 0, 0);
    if (f->last_error) {
        return 0;
    }
    while (done < len) {
        size_t avail = f->buf_size - f->buf_index;
        size_t n = MIN(avail, len - done);

        memcpy(buf + done, f->buf + f->buf_index, n);
        f->buf_index += n;
        done += n;
        if (done == len) {
            break;
        }
        if (!f->ops->read) {
            break;
        }
        if (len - done >= QEMU_FILE_BUF_SIZE) {
            /* The buffer is empty: read a large rest straight to @buf. */
            ssize_t r;

            f->base += f->buf_size;
            f->buf_index = f->buf_size = 0;
            qemu_file__sync_window(f);
            r = f->ops->read(f, buf + done, len - done);
            if (r <= 0) {
                qemu_file_set_error(f, r < 0 ? (int)r : -EIO);
                return 0;
            }
            f->base += r;
            done += r;
        } else if (qemu_file__fill(f, len - done) == 0) {
            break;
        }
    }
    if (done < len) {
        qemu_file_set_error(f, -EIO);
        return 0;
    }
    return len;
}

size_t qemu_file__get_units(QEMUFile *f, uint8_t *dst, size_t unit,
                            size_t n)
{
    size_t done = 0;

    if (f->last_error) {
        return 0;
    }
    while (done < n) {
        size_t avail = f->buf_size - f->buf_index;
        size_t k;

        if (avail < unit) {
            avail = qemu_file__fill(f, unit);
            if (avail < unit) {
                truncated(f, avail);
                break;
            }
        }
        k = MIN(avail / unit, n - done);
        memcpy(dst + done * unit, f->buf + f->buf_index, k * unit);
        f->buf_index += k * unit;
        done += k;
    }
    return done;
}

bool qemu_file__read_exact(QEMUFile *f, void *dst, size_t len)
{
    size_t avail;

    if (f->last_error) {
        return false;
    }
    if (len == 0) {
        return true;    /* @dst may be NULL then: no memcpy() */
    }
    if (len <= QEMU_FILE_BUF_SIZE || !f->ops->read) {
        avail = qemu_file__fill(f, len);
        if (avail < len) {
            truncated(f, avail);
            return false;
        }
        memcpy(dst, f->buf + f->buf_index, len);
        f->buf_index += len;
        return true;
    }
    /* @len is the caller's own size, so this allocation is bounded. */
    g_autofree uint8_t *tmp = g_malloc(len);
    if (qemu_get_buffer(f, tmp, len) != len) {
        return false;
    }
    memcpy(dst, tmp, len);
    return true;
}

/* Skips shorter than this read and discard; see qemu_file_skip(). */
#define QEMU_FILE_SKIP_SEEK_MIN (1024 * 1024)

uint64_t qemu_file_skip(QEMUFile *f, uint64_t len)
{
    uint64_t rest;
    size_t avail;
    int err;

    g_return_val_if_fail(f != NULL && !f->writable, 0);
    if (f->last_error) {
        return 0;
    }
    avail = f->buf_size - f->buf_index;
    if (len <= avail) {
        f->buf_index += len;
        return len;
    }
    rest = len - avail;
    f->buf_index = f->buf_size;
    if (!f->ops->read) {
        qemu_file_set_error(f, -EIO);
        return 0;
    }
    f->base += f->buf_size;
    f->buf_index = f->buf_size = 0;
    qemu_file__sync_window(f);
    /*
     * Seeking costs system calls of its own, and the next get would then
     * refill the buffer anyway, so only long skips seek.
     */
    if (f->ops->skip && rest >= QEMU_FILE_SKIP_SEEK_MIN) {
        err = f->ops->skip(f, rest);
        if (err == 0) {
            f->base += rest;
            return len;
        }
        if (err != -ENOTSUP) {
            qemu_file_set_error(f, err);
            return 0;
        }
    }
    while (rest > 0) {
        size_t want = (size_t)MIN(rest, (uint64_t)QEMU_FILE_BUF_SIZE);
        size_t got = qemu_file__fill(f, want);
        size_t take = MIN(got, want);

        if (take == 0) {
            qemu_file_set_error(f, -EIO);
            return 0;
        }
        f->buf_index += take;
        rest -= take;
    }
    return len;
}

size_t qemu_peek_buffer(QEMUFile *f, uint8_t **buf, size_t len,
                        size_t offset)
{
    size_t avail;

    g_return_val_if_fail(f != NULL && !f->writable && buf != NULL, 0);
    g_return_val_if_fail(!f->ops->read ||
                         (len <= QEMU_FILE_BUF_SIZE &&
                          offset <= QEMU_FILE_BUF_SIZE - len), 0);
    *buf = f->buf + f->buf_index;
    if (f->last_error) {
        return 0;
    }
    avail = qemu_file__fill(f, offset + len);
    *buf = f->buf + f->buf_index;
    if (avail <= offset) {
        return 0;
    }
    *buf += offset;
    return MIN(len, avail - offset);
}

/* --- visitors and closing ------------------------------------------ */

void qemu_file__link_visitor(QEMUFile *f, QEMUFileVisitorLink *l,
                             Visitor *v, void (*detach)(Visitor *v))
{
    l->f = f;
    l->v = v;
    l->detach = detach;
    l->prev = NULL;
    l->next = f->visitors;
    if (f->visitors) {
        f->visitors->prev = l;
    }
    f->visitors = l;
}

void qemu_file__unlink_visitor(QEMUFileVisitorLink *l)
{
    if (!l->f) {
        return;
    }
    if (l->prev) {
        l->prev->next = l->next;
    } else {
        l->f->visitors = l->next;
    }
    if (l->next) {
        l->next->prev = l->prev;
    }
    l->f = NULL;
    l->prev = l->next = NULL;
}

int qemu_fclose(QEMUFile *f)
{
    int ret;

    if (!f) {
        return 0;
    }
    /* The visitors the file owns go while f is still valid. */
    f->closing = true;
    g_clear_pointer(&f->bound_visitor, visit_free);
    g_clear_pointer(&f->spare_output_visitor, visit_free);
    g_clear_pointer(&f->spare_input_visitor, visit_free);
    /*
     * The ones the caller still holds only borrow f: cut them loose, so
     * their visit_free() after this does not touch the freed file.
     */
    while (f->visitors) {
        QEMUFileVisitorLink *l = f->visitors;

        qemu_file__unlink_visitor(l);
        l->detach(l->v);
    }
    if (f->writable) {
        qemu_file__flush_with(f, NULL, 0);
    }
    ret = f->last_error;
    if (f->ops->close) {
        int r = f->ops->close(f);

        if (ret == 0) {
            ret = r;
        }
    }
    if (f->owns_buf) {
        g_free(f->buf);
    }
    g_free(f);
    return ret;
}
