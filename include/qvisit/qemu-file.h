/*
 * QEMUFile: a buffered, direction-fixed byte stream with a sticky error.
 *
 * Names, argument order and behaviour follow QEMU's migration/qemu-file.h,
 * so legacy save/load code compiles unchanged. A file is opened for reading
 * or for writing, never both. The first failure (an OS error, or a read past
 * the end) is remembered: every later put or get is a no-op, gets return 0,
 * and qemu_file_get_error() and qemu_fclose() return that first error as a
 * negative errno (-EIO for a read past the end).
 *
 * Life cycle: open with one of the qemu_fopen_*() functions, put or get,
 * then qemu_fclose(), which flushes a written file and frees it. A
 * QEMUFile is not thread-safe.
 */
#ifndef QVISIT_QEMU_FILE_H
#define QVISIT_QEMU_FILE_H

#include <glib.h>

#include "qvisit/common.h"

/**
 * QEMUFile:
 *
 * An open byte stream; opaque.
 *
 * Since: 0.1
 */
typedef struct QEMUFile QEMUFile;

/**
 * qemu_fopen_fd:
 * @fd: an open file descriptor (file, pipe or socket); not closed by
 *   qemu_fclose(), which leaves it to the caller
 * @mode: "rb" to read or "wb" to write
 *
 * Returns: (transfer full) (nullable): the file, or NULL for a bad @mode or
 *   a negative @fd (caller bugs).
 * Since: 0.1
 */
QVISIT_API QEMUFile *qemu_fopen_fd(int fd, const char *mode);

/**
 * qemu_fopen_path:
 * @path: a file name
 * @mode: "rb" to read or "wb" to write: truncated in place as fopen()
 *   does (a file keeps its mode; not atomic, for which see
 *   migration_output_open()), or created with mode 0666 minus the umask
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_IO naming @path and the OS error.
 *
 * Returns: (transfer full) (nullable): the file, which owns the descriptor
 *   and closes it in qemu_fclose(); NULL on error.
 * Since: 0.1
 */
QVISIT_API QEMUFile *qemu_fopen_path(const char *path, const char *mode,
                                     GError **errp);

/**
 * qemu_fopen_mem:
 * @data: (transfer none): bytes to read; not copied, so they must outlive
 *   the file
 * @len: number of bytes at @data
 *
 * Opens a read-only QEMUFile over memory. Reading past @len sets the
 * file's sticky error (-EIO).
 *
 * Returns: (transfer full): the file; release it with qemu_fclose().
 * Since: 0.1
 */
QVISIT_API QEMUFile *qemu_fopen_mem(const void *data, size_t len);

/**
 * qemu_fopen_bytearray:
 * @out: (transfer none): where written bytes go; the caller keeps owning it
 *   and it must outlive the file
 *
 * Opens a write-only QEMUFile that appends to @out. Bytes may stay
 * buffered until qemu_fflush() or qemu_fclose(); after qemu_fclose() @out
 * holds every byte written.
 *
 * Returns: (transfer full): the file.
 * Since: 0.1
 */
QVISIT_API QEMUFile *qemu_fopen_bytearray(GByteArray *out);

/**
 * qemu_put_byte:
 * @f: a file opened for writing
 * @v: the byte (only the low 8 bits are written)
 *
 * Since: 0.1
 */
QVISIT_API void qemu_put_byte(QEMUFile *f, int v);

/** qemu_put_be16: writes the low 16 bits of @v big-endian. Since: 0.1 */
QVISIT_API void qemu_put_be16(QEMUFile *f, unsigned int v);
/** qemu_put_be32: writes @v as 4 big-endian bytes. Since: 0.1 */
QVISIT_API void qemu_put_be32(QEMUFile *f, unsigned int v);
/** qemu_put_be64: writes @v as 8 big-endian bytes. Since: 0.1 */
QVISIT_API void qemu_put_be64(QEMUFile *f, uint64_t v);

/**
 * qemu_put_buffer:
 * @f: a file opened for writing
 * @buf: (transfer none): the bytes; not kept after the call
 * @len: number of bytes
 *
 * Writes @len raw bytes. A @len larger than the internal buffer is written
 * straight from @buf (with writev together with what is buffered), without
 * a copy.
 *
 * Since: 0.1
 */
QVISIT_API void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t len);

/**
 * qemu_fflush:
 * @f: a file
 *
 * Writes out buffered bytes (a no-op on a file opened for reading).
 *
 * Returns: 0, or the file's sticky error as a negative errno.
 * Since: 0.1
 */
QVISIT_API int qemu_fflush(QEMUFile *f);

/**
 * qemu_get_byte:
 * @f: a file opened for reading
 *
 * Returns: the next byte (0..255), or 0 with the sticky error set at end of
 *   stream.
 * Since: 0.1
 */
QVISIT_API int qemu_get_byte(QEMUFile *f);

/**
 * qemu_get_be16:
 * @f: a file opened for reading
 *
 * Returns: the next two bytes as a big-endian number; 0 with the sticky
 *   error set when fewer than two bytes are left (no partial value).
 * Since: 0.1
 */
QVISIT_API unsigned int qemu_get_be16(QEMUFile *f);
/** qemu_get_be32: as qemu_get_be16() for four bytes. Since: 0.1 */
QVISIT_API unsigned int qemu_get_be32(QEMUFile *f);
/** qemu_get_be64: as qemu_get_be16() for eight bytes. Since: 0.1 */
QVISIT_API uint64_t qemu_get_be64(QEMUFile *f);

/**
 * qemu_get_buffer:
 * @f: a file opened for reading
 * @buf: (out caller-allocates): where to store @len bytes
 * @len: number of bytes wanted
 *
 * Returns: @len, or 0 with the sticky error set when the stream ends before
 *   @len bytes (the bytes that were there are consumed).
 * Since: 0.1
 */
QVISIT_API size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t len);

/**
 * qemu_file_skip:
 * @f: a file opened for reading
 * @len: number of bytes to pass over
 *
 * Consumes @len bytes without returning them or copying them out. A skip
 * of 1 MiB or more on a regular file seeks instead of reading; shorter
 * skips, and other files, read and discard. Unlike QEMU's function of the same name, @len
 * may exceed the buffer.
 *
 * Returns: @len, or 0 with the sticky error set (-EIO) when the stream
 *   ends first (what was there is consumed).
 * Since: 0.1
 */
QVISIT_API uint64_t qemu_file_skip(QEMUFile *f, uint64_t len);

/**
 * qemu_peek_buffer:
 * @f: a file opened for reading
 * @buf: (out) (transfer none): set to point at the bytes inside the file's
 *   buffer; valid until the next get or peek on @f
 * @len: number of bytes wanted
 * @offset: how far past the current position they start
 *
 * Looks ahead without consuming. @offset + @len must not exceed the
 * internal buffer size (32 KiB).
 *
 * Returns: the number of bytes available at *@buf (less than @len near the
 *   end of the stream; this sets no error).
 * Since: 0.1
 */
QVISIT_API size_t qemu_peek_buffer(QEMUFile *f, uint8_t **buf, size_t len,
                                   size_t offset);

/**
 * qemu_file_get_error:
 * @f: a file
 *
 * Returns: 0, or the first error as a negative errno.
 * Since: 0.1
 */
QVISIT_API int qemu_file_get_error(QEMUFile *f);

/**
 * qemu_file_set_error:
 * @f: a file
 * @err: a negative errno
 *
 * Sets the sticky error unless one is already set.
 *
 * Since: 0.1
 */
QVISIT_API void qemu_file_set_error(QEMUFile *f, int err);

/**
 * qemu_file_transferred:
 * @f: a file
 *
 * Returns: the number of bytes put or got so far, buffered ones included.
 * Since: 0.1
 */
QVISIT_API uint64_t qemu_file_transferred(QEMUFile *f);

/**
 * qemu_file_is_writable:
 * @f: a file
 *
 * Returns: true for a file opened for writing.
 * Since: 0.1
 */
QVISIT_API bool qemu_file_is_writable(QEMUFile *f);

/**
 * qemu_fclose:
 * @f: (transfer full) (nullable): the file
 *
 * Flushes a written file, frees the visitor bound by
 * qemu_file_get_visitor() if any, closes the descriptor when the file owns
 * it (qemu_fopen_path()) and frees @f. Visitors made with
 * qemu_file_output_visitor_new() or qemu_file_input_visitor_new() that
 * are still alive are cut loose from @f, not freed: free them with
 * visit_free() before or after this call, either order is safe; visit
 * calls on them fail from now on.
 *
 * Returns: 0, or the first error as a negative errno.
 * Since: 0.1
 */
QVISIT_API int qemu_fclose(QEMUFile *f);

#endif /* QVISIT_QEMU_FILE_H */
