/*
 * What qemufile/ lends to the layers above it besides the public
 * <qvisit/qemu-file.h>: a reading file's buffer as a read window, for
 * stream readers that take every field in place (qemustream/), and a
 * writable file that drops its bytes. Not installed; shared on purpose,
 * so not named -internal (docs/architecture.md, "Layering").
 */
#ifndef QVISIT_QEMUFILE_QEMU_FILE_WINDOW_H
#define QVISIT_QEMUFILE_QEMU_FILE_WINDOW_H

#include "qvisit/qemu-file.h"
#include "util/byte-window.h"

/*
 * The read window of @f, a file opened for reading: buf[pos, limit) are
 * the bytes buffered and not consumed yet. A reader takes bytes with
 * byte_window_take(), which advances pos, exactly as if they had been read
 * with qemu_get_buffer(); when the window holds too few bytes it reads
 * through the ordinary QEMUFile calls, which refill the buffer (and may
 * move it: take buf and pos afresh after any other call on @f) and report
 * the end of the stream and errors. limit is 0 once @f has an error.
 *
 * Returns: (transfer none): the window, valid as long as @f.
 */
ByteWindow *qemu_file__read_window(QEMUFile *f);

/*
 * A writable file that discards what is written, for a checking pass
 * that must write nothing; qemu_file_transferred() still counts the
 * bytes.
 *
 * Returns: (transfer full): the file; release it with qemu_fclose().
 */
QEMUFile *qemu_file__open_discard(void);

#endif /* QVISIT_QEMUFILE_QEMU_FILE_WINDOW_H */
