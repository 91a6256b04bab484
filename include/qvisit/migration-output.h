/*
 * Output files: the one writer behind every file qvisit writes (snapshot
 * files, `file:` URIs, migration_write_file_atomic(), every `qvisit`
 * command's output), so the rules below hold everywhere.
 *
 * What the output is decides how it is written:
 * - a regular file, or a path that does not exist yet: atomically. The
 *   bytes go to a hidden temporary file in the same directory,
 *   `.NAME.XXXXXX`, which migration_output_close() fsyncs, renames over
 *   the final name, and follows with an fsync of the directory. Until
 *   then, and after any failure, the final name keeps its old contents
 *   (or stays absent) and the temporary file is removed.
 * - anything else (a character device such as /dev/null, a FIFO, a
 *   terminal, the process's own descriptors as /dev/stdout or /dev/fd/N):
 *   in place, never replaced. The path is opened for writing as the
 *   shell's `>` would (a FIFO waits for its reader); /dev/stdout,
 *   /dev/fd/N and /proc/self/fd/N use a duplicate of descriptor N, so the
 *   bytes go where that descriptor points, at its offset (an appending
 *   redirection keeps appending).
 *
 * A symbolic link is written through: the chain of links is resolved and
 * its final target is replaced (atomically, in the target's directory) or
 * created; the links stay as they are. A replaced file keeps its
 * permission bits, and its owner and group where permitted (as root, or a
 * group the caller belongs to); ACLs and extended attributes are not
 * copied. A new file gets 0666 minus the umask, as any file created by
 * open(2). A regular file that the caller may not write is refused, as
 * open(2) would refuse it, although its directory would allow the rename.
 *
 * Every write, the flush, the fsync, the close and the rename are
 * checked; the first failure is sticky and is returned again by later
 * calls, so a caller may check only migration_output_close().
 *
 * Life cycle: migration_output_open() (or migration_output_open_fd()),
 * migration_output_write() any number of times, then
 * migration_output_close() to commit, and migration_output_free() in all
 * cases; freeing an output that was not closed successfully discards it
 * (the temporary file is removed). A process that wants its temporary
 * file removed on a fatal signal keeps migration_output_get_temp_path()
 * in its handler (the qvisit tool does). An output is not thread-safe.
 */
#ifndef QVISIT_MIGRATION_OUTPUT_H
#define QVISIT_MIGRATION_OUTPUT_H

#include <glib.h>

#include "qvisit/common.h"

/**
 * MigrationOutput:
 *
 * An output being written; opaque.
 *
 * Since: 0.2
 */
typedef struct MigrationOutput MigrationOutput;

/**
 * migration_output_open:
 * @path: the output's name; "-" is a file named "-"
 * @errp: return location for an error
 *
 * Opens @path for writing by the rules above: for a regular file or a new
 * path the temporary file is created now (mode 0600 while it is written
 * when it replaces a file, then the old file's mode), for anything else
 * the path is opened (or its descriptor duplicated).
 *
 * Errors: %QVISIT_ERROR_IO `PATH: WHAT: OS error`, WHAT one of `stat`,
 * `resolve` (a symbolic link), `open`, `create temporary file`,
 * `chmod`.
 *
 * Returns: (transfer full) (nullable): the output; release it with
 *   migration_output_free(). NULL on error.
 * Since: 0.2
 */
QVISIT_API MigrationOutput *migration_output_open(const char *path,
                                                  GError **errp);

/**
 * migration_output_open_fd:
 * @fd: an open descriptor to write in place (for example 1); not closed
 * @name: (transfer none): what error messages call it, for example
 *   "standard output"; copied
 *
 * Returns: (transfer full): the output; release it with
 *   migration_output_free(). NULL only for a negative @fd or a NULL @name
 *   (caller bugs).
 * Since: 0.2
 */
QVISIT_API MigrationOutput *migration_output_open_fd(int fd,
                                                     const char *name);

/**
 * migration_output_write:
 * @o: an open output
 * @data: (array length=len): the bytes
 * @len: bytes at @data
 * @errp: return location for an error
 *
 * Appends @len bytes. Short pieces are gathered in a 64 KiB buffer,
 * longer ones written straight from @data. A write interrupted by a
 * signal is resumed; a non-blocking descriptor is waited for.
 *
 * Errors: %QVISIT_ERROR_IO `NAME: write: OS error`, also for every call
 * after the first failure.
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool migration_output_write(MigrationOutput *o, const void *data,
                                       size_t len, GError **errp);

/**
 * migration_output_flush:
 * @o: an open output
 * @errp: return location for an error
 *
 * Writes out the buffered bytes, for example before writing to
 * migration_output_get_fd() directly.
 *
 * Errors: as migration_output_write().
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool migration_output_flush(MigrationOutput *o, GError **errp);

/**
 * migration_output_get_fd:
 * @o: an open output
 *
 * Returns: the descriptor written to, owned by @o; bytes written to it
 *   directly go after those flushed with migration_output_flush(). A
 *   failed direct write is the caller's to report; the output does not
 *   see it.
 * Since: 0.2
 */
QVISIT_API int migration_output_get_fd(const MigrationOutput *o);

/**
 * migration_output_get_name:
 * @o: an output
 *
 * Returns: (transfer none): the name error messages use (the path as
 *   given to migration_output_open()); valid until @o is freed.
 * Since: 0.2
 */
QVISIT_API const char *migration_output_get_name(const MigrationOutput *o);

/**
 * migration_output_get_temp_path:
 * @o: an output
 *
 * Returns: (transfer none) (nullable): the temporary file's path while
 *   it exists, NULL for an output written in place or once it was renamed
 *   or removed; valid until the next call on @o.
 * Since: 0.2
 */
QVISIT_API const char *migration_output_get_temp_path(
    const MigrationOutput *o);

/**
 * migration_output_close:
 * @o: an open output
 * @errp: return location for an error
 *
 * Commits: flushes the buffer, then for a temporary file fsyncs it,
 * closes it, renames it over the final name and fsyncs the directory;
 * for an output written in place closes the descriptor it opened. On
 * failure (here or in an earlier write) a temporary file is removed and
 * the final name keeps its old contents. Either way @o is closed and
 * only migration_output_free() may follow.
 *
 * Errors: the sticky write error, or %QVISIT_ERROR_IO `NAME: WHAT: OS
 * error`, WHAT one of `write`, `fsync`, `close`, `rename`.
 *
 * Returns: true when the output holds every byte written.
 * Since: 0.2
 */
QVISIT_API bool migration_output_close(MigrationOutput *o, GError **errp);

/**
 * migration_output_free:
 * @o: (nullable) (transfer full): an output
 *
 * Frees @o. An output that was not closed successfully is discarded: a
 * temporary file is removed, buffered bytes of an output written in place
 * are dropped (flush first to keep them).
 *
 * Since: 0.2
 */
QVISIT_API void migration_output_free(MigrationOutput *o);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigrationOutput, migration_output_free)

#endif /* QVISIT_MIGRATION_OUTPUT_H */
