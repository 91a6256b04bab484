/*
 * QEMUFile internals: the struct, the backend interface, and the fast
 * paths the binary visitors use. Not installed.
 *
 * One buffer serves both directions. Writing: buf[0, buf_index) holds bytes
 * put but not yet handed to the backend. Reading: buf[0, buf_size) is a
 * window on the stream starting at stream offset `base`, and
 * buf[buf_index, buf_size) are the bytes not consumed yet. A memory file
 * points buf straight at the caller's data (buf_size = whole length), so
 * gets and peeks never copy into an intermediate buffer and fill never has
 * anything to add.
 */
#ifndef QVISIT_QEMU_FILE_INTERNAL_H
#define QVISIT_QEMU_FILE_INTERNAL_H

#include <stddef.h>
#include <string.h>
#include <sys/uio.h>

#include "qvisit/qemu-file.h"
#include "qvisit/visitor.h"
#include "util/bswap.h"
#include "util/byte-window.h"

/* Internal buffer size; also the largest qemu_peek_buffer() window. */
#define QEMU_FILE_BUF_SIZE 32768

/*
 * What a reading file with a read() backend buffers once it has consumed
 * QEMU_FILE_READ_GROW_AFTER bytes (before that, QEMU_FILE_BUF_SIZE, so a
 * small stream costs no more memory than it did): each fill then asks for
 * this much. A system call costs about as much as copying 16 KiB on a
 * virtual machine, and RAM pages stream through here (docs/performance.md,
 * "info and diff"); 256 KiB still fits in a core's L2 cache, where the
 * pages are then digested or parsed. Everything that promises a window
 * keeps to QEMU_FILE_BUF_SIZE.
 */
#define QEMU_FILE_READ_BUF_SIZE 262144
#define QEMU_FILE_READ_GROW_AFTER (1024 * 1024)

/*
 * The byte that starts a subsection header in QEMU 7.2's vmsd payloads
 * (QEMU_VM_SUBSECTION in migration/savevm.c), which the QEMUFile
 * visitors write and read for visit_start_subsection(). The wire codec
 * above has the same value as QS_SUBSECTION.
 */
#define QEMU_VM_SUBSECTION 0x05

typedef struct QEMUFileOps {
    /*
     * Writing files: write every byte of @iov, retrying short writes and
     * EINTR. Returns 0 or a negative errno.
     */
    int (*writev)(QEMUFile *f, const struct iovec *iov, int iovcnt);
    /*
     * Reading files: read up to @len bytes. Returns the count (0 at end of
     * stream) or a negative errno; retries EINTR itself. NULL for memory
     * files, which have everything in buf from the start.
     */
    ssize_t (*read)(QEMUFile *f, uint8_t *buf, size_t len);
    /*
     * Optional, reading files: move @len bytes forward without reading
     * them. Returns 0, -ENOTSUP when the backend cannot (a pipe; the
     * caller then reads and discards), or a negative errno; -EIO when the
     * stream ends first.
     */
    int (*skip)(QEMUFile *f, uint64_t len);
    /* Optional: release the backend. Returns 0 or a negative errno. */
    int (*close)(QEMUFile *f);
} QEMUFileOps;

/*
 * A visitor working on a QEMUFile, as its file knows it. The QEMUFile
 * visitors link one into their file while they live; qemu_fclose()
 * detaches every one still linked: it clears @f and calls @detach, after
 * which the visitor never touches the file again (its visit calls fail
 * and visit_free() only frees it). So a visitor may be freed before or
 * after its file is closed.
 */
typedef struct QEMUFileVisitorLink {
    QEMUFile *f;        /* NULL once the file was closed */
    Visitor *v;
    void (*detach)(Visitor *v);
    struct QEMUFileVisitorLink *prev, *next;
} QEMUFileVisitorLink;

/* Links @l, for visitor @v calling @detach, into @f's list. */
void qemu_file__link_visitor(QEMUFile *f, QEMUFileVisitorLink *l,
                             Visitor *v, void (*detach)(Visitor *v));

/* Takes @l out of its file's list; a no-op once it was detached. */
void qemu_file__unlink_visitor(QEMUFileVisitorLink *l);

struct QEMUFile {
    const QEMUFileOps *ops;
    bool writable;
    bool owns_buf;          /* buf was g_malloc'ed (not a memory file) */
    int last_error;         /* sticky; 0 or a negative errno */

    /*
     * buf, buf_index and window_limit are also the file's byte window
     * (util/byte-window.h): qemu_file__window() lends them to the visitor
     * core's fast path, which stores fields straight into buf, and
     * qemu_file__read_window() (qemu-file-window.h) to stream readers,
     * which take fields straight from it.
     */
    union {
        ByteWindow window;
        struct {
            uint8_t *buf;
            size_t buf_index;   /* write: bytes buffered; read: next byte */
            /*
             * How far buf_index may advance by direct stores or takes,
             * and 0 once the file has an error. Writing: QEMU_FILE_BUF_SIZE.
             * Reading: buf_size, kept in step by qemu_file__sync_window().
             * One compare then stands for "no error, bytes (or room) left"
             * on the per-field paths.
             */
            size_t window_limit;
            uint64_t base;      /* stream offset of buf[0] */
        };
    };
    size_t buf_size;        /* read: valid bytes in buf */
    size_t buf_cap;         /* bytes allocated at buf, when owns_buf */

    /* Backend state. */
    int fd;                 /* fd backends; -1 otherwise */
    bool owns_fd;           /* qemu_fopen_path(): closed by qemu_fclose() */
    GByteArray *out;        /* qemu_fopen_bytearray() */

    /* The visitor qemu_file_get_visitor() created; freed with the file. */
    Visitor *bound_visitor;
    /*
     * One freed qemu_file_output_visitor_new() visitor kept for the next
     * call (devices create one per save; see qemu-file-output-visitor.c),
     * and whether qemu_fclose() has begun, after which nothing is kept.
     */
    Visitor *spare_output_visitor;
    /* The same for qemu_file_input_visitor_new() on a reading file. */
    Visitor *spare_input_visitor;
    bool closing;
    /* Every live visitor on this file, the two above included. */
    QEMUFileVisitorLink *visitors;
};

/* The window and the fields it lends are the same bytes. */
G_STATIC_ASSERT(offsetof(QEMUFile, window.buf) == offsetof(QEMUFile, buf));
G_STATIC_ASSERT(offsetof(QEMUFile, window.pos) ==
                offsetof(QEMUFile, buf_index));
G_STATIC_ASSERT(offsetof(QEMUFile, window.limit) ==
                offsetof(QEMUFile, window_limit));
G_STATIC_ASSERT(offsetof(QEMUFile, window.base) == offsetof(QEMUFile, base));

/* Creates a file with a g_malloc'ed buffer; used by the backends. */
QEMUFile *qemu_file__new(const QEMUFileOps *ops, bool writable);

/*
 * Writes out buf[0, buf_index) followed by @extra (may be NULL/0), without
 * copying @extra. Sets the sticky error on failure.
 */
void qemu_file__flush_with(QEMUFile *f, const uint8_t *extra, size_t len);

/*
 * Makes at least @want unconsumed bytes available in buf (fewer at end of
 * stream or on a read error, which sets the sticky error). @want must not
 * exceed QEMU_FILE_BUF_SIZE for buffered files. Returns the count
 * available.
 */
size_t qemu_file__fill(QEMUFile *f, size_t want);

/*
 * Copies whole units of @unit bytes (@unit <= QEMU_FILE_BUF_SIZE) into
 * @dst, up to @n of them. Returns the number of units copied; when fewer
 * than @n, the stream ended inside unit "return value": the sticky error
 * is set and the bytes of the partial unit are consumed, not copied.
 */
size_t qemu_file__get_units(QEMUFile *f, uint8_t *dst, size_t unit,
                            size_t n);

/*
 * Reads exactly @len bytes into @dst, or leaves @dst untouched and sets the
 * sticky error (-EIO at end of stream) while consuming what was there.
 * Returns true on success.
 */
bool qemu_file__read_exact(QEMUFile *f, void *dst, size_t len);

/*
 * Returns a pointer to @len free bytes at the end of the write buffer,
 * flushing first when needed, or NULL when the file has an error. Commit
 * them with qemu_file__commit(). @len must not exceed QEMU_FILE_BUF_SIZE.
 */
static inline uint8_t *qemu_file__reserve(QEMUFile *f, size_t len)
{
    if (G_UNLIKELY(f->buf_index + len > QEMU_FILE_BUF_SIZE)) {
        qemu_file__flush_with(f, NULL, 0);
    }
    return G_LIKELY(f->last_error == 0) ? f->buf + f->buf_index : NULL;
}

static inline void qemu_file__commit(QEMUFile *f, size_t len)
{
    f->buf_index += len;
}

/*
 * The file's write window (see util/byte-window.h): buf[buf_index,
 * window_limit). Valid as long as the file; for a reading file it is the
 * read window (qemu-file-window.h), never written through; empty once
 * the file has an error.
 */
static inline ByteWindow *qemu_file__window(QEMUFile *f)
{
    return &f->window;
}

/*
 * After buf_size, buf_index or the error of a reading file changed: the
 * read window ends at buf_size, or is empty once the file has an error.
 */
static inline void qemu_file__sync_window(QEMUFile *f)
{
    if (!f->writable) {
        f->window_limit = f->last_error ? 0 : f->buf_size;
    }
}

/*
 * Puts the low @bytes (1, 2, 4 or 8) bytes of @value big-endian, as
 * qemu_put_byte/be16/be32/be64 do. Returns false, writing nothing, when
 * the file has an error.
 */
static inline bool qemu_file__put_be(QEMUFile *f, uint64_t value,
                                     unsigned bytes)
{
    uint8_t *p = qemu_file__reserve(f, bytes);

    if (G_UNLIKELY(!p)) {
        return false;
    }
    stn_be_p(p, bytes, value);
    qemu_file__commit(f, bytes);
    return true;
}

#endif /* QVISIT_QEMU_FILE_INTERNAL_H */
