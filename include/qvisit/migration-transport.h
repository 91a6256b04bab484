/*
 * Migration transports: moving a stream between two processes.
 *
 * URIs are spelled as QEMU spells them:
 * - `file:PATH`: a snapshot file, written with
 *   migration_write_file_atomic(): the stream goes to a hidden temporary
 *   file in the same directory, which is fsync'ed and renamed over PATH,
 *   so PATH always holds a whole snapshot (old or new).
 * - `fd:N`: an open file descriptor (file, pipe or socket), not closed.
 * - `unix:PATH`: a unix stream socket; the destination listens on PATH.
 * - `tcp:HOST:PORT`: TCP over IPv4 or IPv6 (`tcp:[::1]:4444`); the
 *   destination listens (port 0 picks a free port, see
 *   migration_listener_get_uri()).
 *
 * On `unix:` and `tcp:` the two sides first exchange capabilities: the
 * destination sends a hello with its mask as soon as it accepts; the
 * source waits for it up to the handshake timeout, and a destination that
 * says nothing in time counts as mask 0, so the source sends a plain
 * legacy stream (which is what a QEMU destination expects). A source that
 * answered sends its hello with the intersection, then the stream in the
 * format the intersection chooses, then shuts down its sending side. With
 * %MIGRATION_CAP_RETURN_PATH the destination reports the load's result
 * back, so the source's migration fails when the destination's load does.
 * The destination loads only the formats the intersection allows (legacy
 * always); from a peer without the handshake, those its own mask allows,
 * as migration_load() does. The destination's message comes back escaped
 * (qvisit_error_escape()), and the source escapes it again on receipt.
 * Wire details are in docs/formats.md ("Capability handshake").
 *
 * Every error names the URI and the OS error; a connection lost in the
 * middle of a stream is a clean error on both sides (a truncated stream
 * on the destination, which then writes no device).
 */
#ifndef QVISIT_MIGRATION_TRANSPORT_H
#define QVISIT_MIGRATION_TRANSPORT_H

#include "qvisit/migration.h"

/**
 * migration_set_handshake_timeout:
 * @r: a registry
 * @ms: how long a source waits for the destination's hello (default 2000)
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_handshake_timeout(MigrationRegistry *r,
                                                unsigned ms);

/**
 * migration_set_io_timeout:
 * @r: a registry
 * @ms: how long either side waits for the peer's next bytes before the
 *   transfer fails with %QVISIT_ERROR_IO (default 30000; 0 waits forever)
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_io_timeout(MigrationRegistry *r, unsigned ms);

/**
 * migration_set_format:
 * @r: a registry
 * @format: the format migration_outgoing() writes, or
 *   %MIGRATION_FORMAT_UNKNOWN (the default) to choose it from the
 *   capabilities: binary when both sides have it, else legacy. Files and
 *   fds have no peer; they use this side's capabilities.
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_format(MigrationRegistry *r,
                                     MigrationFormat format);

/**
 * MigrationListener:
 *
 * A listening `unix:` or `tcp:` socket; opaque.
 *
 * Since: 0.1
 */
typedef struct MigrationListener MigrationListener;

/**
 * migration_listen:
 * @uri: a `unix:` or `tcp:` URI
 * @errp: return location for an error
 *
 * A socket file already at a `unix:` path is replaced only when it is
 * stale (connecting to it is refused: its listener is gone); a path where
 * another listener is alive is "Address already in use".
 *
 * Errors: %QVISIT_ERROR_INVALID for another URI, %QVISIT_ERROR_IO naming
 * the URI and the OS error (`unix:PATH: listen: Address already in use`).
 *
 * Returns: (transfer full) (nullable): the listener, or NULL on error.
 * Since: 0.1
 */
QVISIT_API MigrationListener *migration_listen(const char *uri,
                                               GError **errp);

/**
 * migration_listener_get_uri:
 * @l: a listener
 *
 * Returns: (transfer none): the URI it listens on, with the real port for
 *   `tcp:` (e.g. "tcp:127.0.0.1:41234"); valid while @l lives.
 * Since: 0.1
 */
QVISIT_API const char *migration_listener_get_uri(const MigrationListener *l);

/**
 * migration_listener_accept:
 * @l: a listener
 * @r: the destination's registry
 * @report: (out) (optional) (transfer full): what was loaded
 * @errp: return location for an error
 *
 * Accepts one connection, runs the destination side of the handshake,
 * receives the stream and loads it with migration_load(), accepting only
 * the formats the agreed capabilities allow (with no handshake, those of
 * @r's mask).
 *
 * Errors: those of migration_load(); %QVISIT_ERROR_INVALID for a format
 * the capabilities do not allow; %QVISIT_ERROR_IO for transport
 * failures.
 *
 * Returns: true on success; on failure no device was written.
 * Since: 0.1
 */
QVISIT_API bool migration_listener_accept(MigrationListener *l,
                                          MigrationRegistry *r,
                                          MigrationReport **report,
                                          GError **errp);

/**
 * migration_listener_free:
 * @l: (transfer full) (nullable): a listener
 *
 * Closes the socket (and removes a `unix:` socket file).
 *
 * Since: 0.1
 */
QVISIT_API void migration_listener_free(MigrationListener *l);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigrationListener, migration_listener_free)

/**
 * migration_incoming:
 * @r: the destination's registry
 * @uri: where the stream comes from (any URI above)
 * @report: (out) (optional) (transfer full): what was loaded
 * @errp: return location for an error
 *
 * Reads a whole stream from @uri (listening and accepting one connection
 * for `unix:` and `tcp:`) and loads it.
 *
 * Returns: true on success; on failure no device was written.
 * Since: 0.1
 */
QVISIT_API bool migration_incoming(MigrationRegistry *r, const char *uri,
                                   MigrationReport **report, GError **errp);

/**
 * migration_outgoing:
 * @r: the source's registry
 * @uri: where the stream goes (any URI above)
 * @report: (out) (optional) (transfer full): what was sent, with the
 *   negotiated capabilities
 * @errp: return location for an error
 *
 * Saves the devices with migration_save() and sends the stream.
 *
 * Errors: those of migration_save(); %QVISIT_ERROR_IO for transport
 * failures; with the return path, the destination's load error.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool migration_outgoing(MigrationRegistry *r, const char *uri,
                                   MigrationReport **report, GError **errp);

/**
 * migration_write_file_atomic:
 * @path: the final file name
 * @data: (array length=len): the bytes
 * @len: bytes at @data
 * @errp: return location for an error
 *
 * Writes @data to @path by the output rules of
 * <qvisit/migration-output.h>, which it is a shorthand for:
 * - a regular file or a new path is replaced atomically: a hidden
 *   temporary file `.NAME.XXXXXX` in the same directory is written,
 *   fsync'ed and renamed over @path, then the directory is fsync'ed;
 * - a replaced file keeps its permission bits, and its owner and group
 *   where permitted; a new file gets 0666 minus the umask;
 * - a symbolic link is written through: its final target is replaced (in
 *   the target's directory) or created, the link stays;
 * - anything else (a character device such as /dev/null, a FIFO,
 *   /dev/stdout) is written in place, never replaced.
 *
 * Every write, the fsync, the close and the rename are checked. On
 * failure (a full disk included) @path keeps its old contents and the
 * temporary file is removed; an output written in place may have
 * received part of @data.
 *
 * Errors: %QVISIT_ERROR_IO `PATH: WHAT: OS error`, WHAT saying which step
 * failed (`create temporary file`, `write`, `fsync`, `rename`, ...).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool migration_write_file_atomic(const char *path,
                                            const void *data, size_t len,
                                            GError **errp);

#endif /* QVISIT_MIGRATION_TRANSPORT_H */
