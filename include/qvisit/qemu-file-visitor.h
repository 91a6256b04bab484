/*
 * Binary visitors over a QEMUFile, and the transitional look-up.
 *
 * The QEMUFile visitors write and read exactly the bytes that the
 * equivalent legacy calls do, with no tags, names or lengths, so a device
 * can move from qemu_put_*()/qemu_get_*() to a visitor walk without
 * changing its stream:
 *
 *     qemu_put_be32(f, s->count);
 *     visit_type_u32(v, "count", &s->count, errp);    (same 4 bytes)
 *
 * Encoding (docs/formats.md, "Binary (QEMUFile) encoding"): u8/i8 one byte;
 * 16/32/64-bit integers big-endian (qemu_put_be16/32/64); bool one byte 0
 * or 1; number the be64 of its IEEE-754 bits; buffer its raw bytes; arrays
 * their elements back to back; structs nothing; an optional member one
 * presence byte 0/1 before it; a string a be32 byte length then the UTF-8
 * bytes, without a NUL.
 *
 * The visitors borrow the file: visit_free() does not close it, and
 * visit_complete() on an output visitor leaves the bytes in the file, to
 * be written out by qemu_fflush() or qemu_fclose(). Bytes go through the
 * file's buffer, so legacy puts/gets and visitor calls on the same file
 * keep stream order.
 *
 * Freeing and closing may come in either order: the file knows its live
 * visitors, and qemu_fclose() cuts them loose, so a visit_free() after it
 * (a g_autoptr(Visitor) going out of scope after the close, say) frees
 * the visitor without touching the freed file. Any other call on such a
 * visitor fails with %QVISIT_ERROR_IO ("<member>: the file is closed")
 * and writes nothing. Since: 0.2 (before, visit_free() had to come
 * first).
 *
 * Input errors name the member and the byte offset in the file
 * (qemu_file_transferred()): `pit.channels[2].count: stream truncated at
 * byte 14` (%QVISIT_ERROR_TRUNCATED; the offset is where the stream
 * ended), `rtc.enabled: expected 0 or 1 for bool, got 2 at byte 5`
 * (%QVISIT_ERROR_RANGE). A read failure of the OS, and on output any write
 * failure already recorded in the file, is %QVISIT_ERROR_IO. A truncated
 * read also sets the file's sticky error (-EIO), as a legacy get would.
 *
 * == Transitional look-up ==
 * qemu_file_get_visitor() hands out one visitor bound to the file for its
 * whole life, so legacy code can be converted one statement at a time:
 *
 *     qemu_put_be32(f, s->count);
 *     ok = visit_type_u8(qemu_file_get_visitor(f), "mode", &s->mode, errp);
 *     qemu_put_be16(f, s->latch);
 *
 * A bound visitor serves many walks and single statements: each top-level
 * call (a lone visit_type_u8(), or a whole visit_start_struct() ...
 * visit_end_struct()) is a walk of its own, and it is never completed.
 * Error paths start at the name given to that top-level call ("mode"
 * above). After a failed call the bound visitor may hold open structs of
 * the abandoned walk; the file is in error by then anyway and is only fit
 * for qemu_fclose().
 */
#ifndef QVISIT_QEMU_FILE_VISITOR_H
#define QVISIT_QEMU_FILE_VISITOR_H

#include "qvisit/common.h"
#include "qvisit/qemu-file.h"
#include "qvisit/visitor.h"

/**
 * qemu_file_output_visitor_new:
 * @f: (transfer none): a file opened for writing; the visitor writes to
 *   it until it is closed
 *
 * Creates a visitor that writes the walk's values to @f in the binary
 * encoding described above. visit_complete() checks the file's error but
 * does not flush. Devices create one per save, so an open @f keeps the
 * last one freed and the next call reuses it (reset to a new visitor's
 * state).
 *
 * Returns: (transfer full): the visitor; free it with visit_free(), which
 *   leaves @f open, before or after qemu_fclose() (see above).
 * Since: 0.1
 */
QVISIT_API Visitor *qemu_file_output_visitor_new(QEMUFile *f);

/**
 * qemu_file_input_visitor_new:
 * @f: (transfer none): a file opened for reading; the visitor reads from
 *   it until it is closed
 *
 * Creates a visitor that reads the walk's values from @f. Strings are
 * checked against the visitor's limits (visit_set_limits()) before their
 * bytes are read: a length above max_string_len, or strings adding up to
 * more than max_alloc, is %QVISIT_ERROR_LIMIT; the memory for a string
 * grows only as its bytes arrive, so a corrupt length cannot make the
 * visitor allocate more than the stream holds. Invalid UTF-8 (including a
 * NUL byte) is %QVISIT_ERROR_PARSE.
 *
 * Returns: (transfer full): the visitor; free it with visit_free(), which
 *   leaves @f open, before or after qemu_fclose() (see above).
 * Since: 0.1
 */
QVISIT_API Visitor *qemu_file_input_visitor_new(QEMUFile *f);

/**
 * qemu_file_get_visitor:
 * @f: a file
 *
 * Returns the visitor bound to @f, creating it on first use: an output
 * visitor for a file opened for writing, an input visitor otherwise. See
 * "Transitional look-up" above.
 *
 * Returns: (transfer none): the visitor, owned by @f and freed by
 *   qemu_fclose(); do not pass it to visit_free().
 * Since: 0.1
 */
QVISIT_API Visitor *qemu_file_get_visitor(QEMUFile *f);

#endif /* QVISIT_QEMU_FILE_VISITOR_H */
