/*
 * QEMUFile: a buffered, direction-fixed byte stream with a sticky error.
 *
 * Names, argument order and behaviour follow QEMU 7.2's
 * migration/qemu-file.h and include/migration/qemu-file-types.h, so
 * legacy save/load code that moves plain values compiles unchanged: every
 * function of qemu-file-types.h is here (bytes, be16/be32/be64, the
 * pointer forms qemu_put_be32s() ..., the signed sbe* forms, counted
 * strings, buffers), plus qemu_get_buffer_in_place() and
 * qemu_put_buffer_async() from qemu-file.h. QEMU 7.2 has no little-endian
 * (le*) family; little-endian fields were written with qemu_put_buffer().
 *
 * Not covered: the target-dependent macros of QEMU's migration/cpu.h
 * (qemu_put_betl(), qemu_get_betls() ...: define them as the be32 or be64
 * forms for your target), QEMUFile creation over QIOChannels, rate-limit
 * accounting (qemu_file_rate_limit() only reports the sticky error),
 * hooks, return paths, compression, and VMState itself
 * (vmstate_save_state(), VMStateDescription), which the visitors replace.
 *
 * qvisit's names mirror QEMU's and are exported under the same symbol
 * names, so this library cannot be linked into a QEMU binary as is: the
 * two would define qemu_put_be32() ... twice. It is for tools and tests
 * outside QEMU, and for device code being converted before it goes back
 * into QEMU.
 *
 * A file is opened for reading or for writing, never both. The first failure (an OS error, or a read past
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

/*
 * == QEMU's plain-value API for legacy device code ==
 *
 * The rest of QEMU 7.2's include/migration/qemu-file-types.h, with QEMU's
 * signatures and results, so legacy save/load functions compile
 * unchanged. They are thin wrappers over the functions above: a put after
 * an error writes nothing, a get after an error or past the end of the
 * stream sets the sticky error (-EIO at the end) and yields 0, and a
 * pointer form then stores that 0, as QEMU's do. Check
 * qemu_file_get_error() once at the end of a load.
 */

/**
 * qemu_put_sbyte:
 * @f: a file opened for writing
 * @v: the byte; only the low 8 bits are written (-1 writes 0xff)
 *
 * qemu_put_byte() under its signed name (a macro in QEMU).
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_sbyte(QEMUFile *f, int v);

/**
 * qemu_get_sbyte:
 * @f: a file opened for reading
 *
 * qemu_get_byte() under its signed name (a macro in QEMU). As there, the
 * byte is not sign-extended: 0xff gives 255. Store it in an int8_t, or
 * use qemu_get_s8s(), for the signed value.
 *
 * Returns: the next byte (0..255), or 0 with the sticky error set at end
 *   of stream.
 * Since: 0.2
 */
QVISIT_API int qemu_get_sbyte(QEMUFile *f);

/**
 * qemu_get_ubyte:
 * @f: a file opened for reading
 *
 * Returns: the next byte (0..255), or 0 with the sticky error set at end
 *   of stream.
 * Since: 0.2
 */
QVISIT_API unsigned int qemu_get_ubyte(QEMUFile *f);

/**
 * qemu_put_8s:
 * @f: a file opened for writing
 * @pv: (transfer none): the byte to write; not kept
 *
 * Writes *@pv as one byte.
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_8s(QEMUFile *f, const uint8_t *pv);

/**
 * qemu_put_be16s:
 * @f: a file opened for writing
 * @pv: (transfer none): the value to write; not kept
 *
 * Writes *@pv as 2 big-endian bytes.
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_be16s(QEMUFile *f, const uint16_t *pv);

/**
 * qemu_put_be32s:
 * @f: a file opened for writing
 * @pv: (transfer none): the value to write; not kept
 *
 * Writes *@pv as 4 big-endian bytes.
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_be32s(QEMUFile *f, const uint32_t *pv);

/**
 * qemu_put_be64s:
 * @f: a file opened for writing
 * @pv: (transfer none): the value to write; not kept
 *
 * Writes *@pv as 8 big-endian bytes.
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_be64s(QEMUFile *f, const uint64_t *pv);

/**
 * qemu_get_8s:
 * @f: a file opened for reading
 * @pv: (out): where the byte goes; 0 when the stream ends (sticky error
 *   set)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_get_8s(QEMUFile *f, uint8_t *pv);

/**
 * qemu_get_be16s:
 * @f: a file opened for reading
 * @pv: (out): where the value goes; 0 when fewer than 2 bytes are left
 *   (sticky error set, no partial value)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_get_be16s(QEMUFile *f, uint16_t *pv);

/**
 * qemu_get_be32s:
 * @f: a file opened for reading
 * @pv: (out): where the value goes; 0 when fewer than 4 bytes are left
 *   (sticky error set, no partial value)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_get_be32s(QEMUFile *f, uint32_t *pv);

/**
 * qemu_get_be64s:
 * @f: a file opened for reading
 * @pv: (out): where the value goes; 0 when fewer than 8 bytes are left
 *   (sticky error set, no partial value)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_get_be64s(QEMUFile *f, uint64_t *pv);

/**
 * qemu_put_sbe16:
 * @f: a file opened for writing
 * @v: the value; its low 16 bits are written big-endian (-2 writes
 *   ff fe)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_sbe16(QEMUFile *f, int v);

/**
 * qemu_put_sbe32:
 * @f: a file opened for writing
 * @v: the value, written as 4 big-endian bytes in two's complement
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_sbe32(QEMUFile *f, int v);

/**
 * qemu_put_sbe64:
 * @f: a file opened for writing
 * @v: the value, written as 8 big-endian bytes in two's complement
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_sbe64(QEMUFile *f, int64_t v);

/**
 * qemu_get_sbe16:
 * @f: a file opened for reading
 *
 * As in QEMU, the result is not sign-extended: ff fe gives 65534, not -2.
 * Store it in an int16_t, or use qemu_get_sbe16s(), for the signed value.
 *
 * Returns: the next two bytes as a big-endian number (0..65535), or 0
 *   with the sticky error set when fewer than two are left.
 * Since: 0.2
 */
QVISIT_API int qemu_get_sbe16(QEMUFile *f);

/**
 * qemu_get_sbe32:
 * @f: a file opened for reading
 *
 * Returns: the next four bytes as a big-endian two's complement number
 *   (ff ff ff fe gives -2), or 0 with the sticky error set when fewer
 *   than four are left.
 * Since: 0.2
 */
QVISIT_API int qemu_get_sbe32(QEMUFile *f);

/**
 * qemu_get_sbe64:
 * @f: a file opened for reading
 *
 * Returns: the next eight bytes as a big-endian two's complement number,
 *   or 0 with the sticky error set when fewer than eight are left.
 * Since: 0.2
 */
QVISIT_API int64_t qemu_get_sbe64(QEMUFile *f);

/**
 * qemu_put_s8s:
 * @f: a file opened for writing
 * @pv: (transfer none): the value to write as one byte; not kept
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_s8s(QEMUFile *f, const int8_t *pv);

/**
 * qemu_put_sbe16s:
 * @f: a file opened for writing
 * @pv: (transfer none): the value to write as 2 big-endian bytes; not kept
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_sbe16s(QEMUFile *f, const int16_t *pv);

/**
 * qemu_put_sbe32s:
 * @f: a file opened for writing
 * @pv: (transfer none): the value to write as 4 big-endian bytes; not kept
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_sbe32s(QEMUFile *f, const int32_t *pv);

/**
 * qemu_put_sbe64s:
 * @f: a file opened for writing
 * @pv: (transfer none): the value to write as 8 big-endian bytes; not kept
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_sbe64s(QEMUFile *f, const int64_t *pv);

/**
 * qemu_get_s8s:
 * @f: a file opened for reading
 * @pv: (out): the next byte as a signed value (0xff gives -1); 0 when
 *   the stream ends (sticky error set)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_get_s8s(QEMUFile *f, int8_t *pv);

/**
 * qemu_get_sbe16s:
 * @f: a file opened for reading
 * @pv: (out): the next 2 bytes as a big-endian signed value (ff fe gives
 *   -2); 0 when fewer are left (sticky error set)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_get_sbe16s(QEMUFile *f, int16_t *pv);

/**
 * qemu_get_sbe32s:
 * @f: a file opened for reading
 * @pv: (out): the next 4 bytes as a big-endian signed value; 0 when fewer
 *   are left (sticky error set)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_get_sbe32s(QEMUFile *f, int32_t *pv);

/**
 * qemu_get_sbe64s:
 * @f: a file opened for reading
 * @pv: (out): the next 8 bytes as a big-endian signed value; 0 when fewer
 *   are left (sticky error set)
 *
 * Since: 0.2
 */
QVISIT_API void qemu_get_sbe64s(QEMUFile *f, int64_t *pv);

/**
 * qemu_put_counted_string:
 * @f: a file opened for writing
 * @name: (transfer none): a NUL-terminated string shorter than 256 bytes
 *   (a longer one is a caller bug: nothing is written); not kept
 *
 * Writes one length byte, then the bytes of @name without the NUL.
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_counted_string(QEMUFile *f, const char *name);

/**
 * qemu_get_counted_string:
 * @f: a file opened for reading
 * @buf: (out caller-allocates): 256 bytes; receives the string and a NUL
 *   ("" when the stream ends inside it: the bytes that were there are
 *   consumed and the sticky error is set)
 *
 * Reads what qemu_put_counted_string() wrote. The bytes are not checked:
 * a NUL byte inside the string ends it early for C string functions, so
 * use the returned length.
 *
 * Returns: the string's length, or 0 for an empty string or on error
 *   (check qemu_file_get_error() to tell them apart).
 * Since: 0.2
 */
QVISIT_API size_t qemu_get_counted_string(QEMUFile *f, char buf[256]);

/**
 * qemu_get_buffer_in_place:
 * @f: a file opened for reading
 * @buf: (inout): on entry, where to copy @size bytes when they cannot be
 *   handed out in place; on return, where the bytes are: either
 *   unchanged (they were copied there) or (transfer none) pointing into
 *   the file's buffer or a memory file's data, valid until the next get
 *   or peek on @f
 * @size: number of bytes wanted
 *
 * Consumes @size bytes, avoiding the copy when they are already buffered
 * (always for qemu_fopen_mem(); up to 32 KiB for other files).
 *
 * Returns: @size, or 0 with the sticky error set when the stream ends
 *   before @size bytes (what was there is consumed; *@buf unchanged).
 * Since: 0.2
 */
QVISIT_API size_t qemu_get_buffer_in_place(QEMUFile *f, uint8_t **buf,
                                           size_t size);

/**
 * qemu_put_buffer_async:
 * @f: a file opened for writing
 * @buf: (transfer none): the bytes
 * @size: number of bytes
 * @may_free: ignored (QEMU uses it to release guest RAM pages after
 *   the write)
 *
 * QEMU's version keeps a reference to @buf until the next flush; this one
 * is qemu_put_buffer(), which does not, so @buf may be reused at once.
 *
 * Since: 0.2
 */
QVISIT_API void qemu_put_buffer_async(QEMUFile *f, const uint8_t *buf,
                                      size_t size, bool may_free);

/**
 * qemu_file_rate_limit:
 * @f: a file
 *
 * A qvisit file has no bandwidth limit, so this only tells a save loop
 * to stop when the file has failed, as QEMU's does.
 *
 * Returns: 1 when @f has a sticky error, else 0.
 * Since: 0.2
 */
QVISIT_API int qemu_file_rate_limit(QEMUFile *f);

#endif /* QVISIT_QEMU_FILE_H */
