/*
 * A byte window: writable bytes that their owner lends to a writer, so the
 * writer can store into the owner's buffer without knowing the owner. The
 * QEMUFile output visitor lends its file's write buffer this way to the
 * visitor core's fast path (visitor/visitor-impl.h, direct_window).
 *
 * The writer may store into buf[pos, limit) and then advances pos by the
 * bytes it stored; it never writes at or beyond limit and never moves pos
 * back. The owner keeps limit no larger than its buffer, so pos + len
 * cannot overflow for len <= limit, and sets limit to 0 whenever it cannot
 * take bytes (it is not writable, or has an error): one compare then means
 * "no error, room left". Everything else (flushing, errors) stays the
 * owner's job. Not installed.
 */
#ifndef QVISIT_UTIL_BYTE_WINDOW_H
#define QVISIT_UTIL_BYTE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

typedef struct ByteWindow {
    uint8_t *buf;
    size_t pos;         /* next byte to write */
    size_t limit;       /* bytes up to here may be written; 0: none */
} ByteWindow;

#endif /* QVISIT_UTIL_BYTE_WINDOW_H */
