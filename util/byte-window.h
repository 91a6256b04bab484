/*
 * A byte window: bytes of a buffer that their owner lends to a writer or
 * a reader, so it can store into or take from the owner's buffer without
 * knowing the owner. The QEMUFile output visitor lends its file's write
 * buffer this way to the visitor core's fast path (visitor/visitor-impl.h,
 * direct_window); a reading QEMUFile lends its read buffer to the QEMU
 * stream reader (qemufile/qemu-file-window.h).
 *
 * Writing:
 * The writer may store into buf[pos, limit) and then advances pos by the
 * bytes it stored; it never writes at or beyond limit and never moves pos
 * back. The owner keeps limit no larger than its buffer, so pos + len
 * cannot overflow for len <= limit, and sets limit to 0 whenever it cannot
 * take bytes (it has an error), and lends a writer only a window of a
 * buffer it writes: one compare then means
 * "no error, room left". Everything else (flushing, errors) stays the
 * owner's job.
 *
 * Reading: buf[pos, limit) are the bytes not consumed yet; the reader
 * takes bytes by advancing pos (byte_window_take()) and never writes to
 * buf. limit is 0 whenever the owner has an error. base + pos is the
 * stream offset of the next byte; the owner moves base when it refills
 * buf. Not installed.
 */
#ifndef QVISIT_UTIL_BYTE_WINDOW_H
#define QVISIT_UTIL_BYTE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

typedef struct ByteWindow {
    uint8_t *buf;
    size_t pos;         /* next byte to write (or to take) */
    size_t limit;       /* bytes up to here may be written (or taken);
                         * 0: none */
    uint64_t base;      /* stream offset of buf[0]: a reader's
                         * base + pos is where it is in the stream */
} ByteWindow;

/*
 * Reading: consumes the next @len bytes and returns them, or returns NULL,
 * consuming nothing, when fewer are in the window (the caller then reads
 * through its owner, which refills or reports).
 */
static inline const uint8_t *byte_window_take(ByteWindow *w, size_t len)
{
    const uint8_t *p = w->buf + w->pos;

    if (w->pos + len > w->limit) {
        return NULL;
    }
    w->pos += len;
    return p;
}

#endif /* QVISIT_UTIL_BYTE_WINDOW_H */
