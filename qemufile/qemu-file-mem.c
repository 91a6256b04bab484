/*
 * QEMUFile backends over memory: qemu_fopen_mem() reads the caller's bytes
 * in place, qemu_fopen_bytearray() appends to the caller's GByteArray,
 * and qemu_file__open_discard() drops what is written.
 */
#include "qvisit/qemu-file.h"

#include "qemufile/qemu-file-internal.h"
#include "qemufile/qemu-file-window.h"

/* Reading needs no callbacks: buf is the whole stream from the start. */
static const QEMUFileOps mem_read_ops = { 0 };

static int bytearray_writev(QEMUFile *f, const struct iovec *iov,
                            int iovcnt)
{
    for (int i = 0; i < iovcnt; i++) {
        g_byte_array_append(f->out, iov[i].iov_base, iov[i].iov_len);
    }
    return 0;
}

static const QEMUFileOps bytearray_write_ops = {
    .writev = bytearray_writev,
};

QEMUFile *qemu_fopen_mem(const void *data, size_t len)
{
    QEMUFile *f;

    g_return_val_if_fail(data != NULL || len == 0, NULL);
    f = g_new0(QEMUFile, 1);
    f->ops = &mem_read_ops;
    f->fd = -1;
    /*
     * Never written through: reads only copy out of or point into it. An
     * empty file still gets a valid pointer, as memcpy() wants one.
     */
    f->buf = data ? (uint8_t *)data : (uint8_t *)"";
    f->buf_size = len;
    qemu_file__sync_window(f);
    return f;
}

QEMUFile *qemu_fopen_bytearray(GByteArray *out)
{
    QEMUFile *f;

    g_return_val_if_fail(out != NULL, NULL);
    f = qemu_file__new(&bytearray_write_ops, true);
    f->out = out;
    return f;
}

static int discard_writev(QEMUFile *f, const struct iovec *iov, int iovcnt)
{
    (void)f;
    (void)iov;
    (void)iovcnt;
    return 0;
}

static const QEMUFileOps discard_ops = {
    .writev = discard_writev,
};

QEMUFile *qemu_file__open_discard(void)
{
    return qemu_file__new(&discard_ops, true);
}

ByteWindow *qemu_file__read_window(QEMUFile *f)
{
    g_return_val_if_fail(f != NULL && !f->writable, NULL);
    return qemu_file__window(f);
}
