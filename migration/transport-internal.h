/*
 * Transport I/O helpers shared by transport.c and transport-io.c.
 */
#ifndef QVISIT_TRANSPORT_INTERNAL_H
#define QVISIT_TRANSPORT_INTERNAL_H

#include <sys/types.h>

#include "migration/migration-internal.h"

/*
 * The settings of migration-transport.h, apart from the device registry
 * that carries them: how long to wait for the peer, and which format an
 * outgoing migration writes.
 */
struct MigrationTransportSettings {
    unsigned handshake_timeout_ms;  /* for the destination's hello */
    unsigned io_timeout_ms;         /* for the peer's next bytes; 0: forever */
    MigrationFormat format;         /* UNKNOWN: chosen from capabilities */
};

/* Sets "<uri>: <what>: <strerror(err)>" (QVISIT_ERROR_IO), returns false. */
bool io__error(GError **errp, const char *uri, const char *what,
               int err);

/* Waits until @fd is readable; an error after @timeout_ms (0: forever). */
bool io__wait(int fd, unsigned timeout_ms, const char *uri,
              GError **errp);

/* Reads up to @len bytes, stopping early only at end of stream; the count,
 * or -1 with an error. */
ssize_t io__read(int fd, void *buf, size_t len,
                 unsigned timeout_ms, const char *uri,
                 GError **errp);

/* Writes all @len bytes (send(MSG_NOSIGNAL) on sockets: a vanished peer
 * is EPIPE, not SIGPIPE). */
bool io__write(int fd, const void *buf, size_t len,
               const char *uri, GError **errp);

/* Reads until end of stream, at most @max bytes (QVISIT_ERROR_LIMIT). */
bool io__read_all(int fd, GByteArray *out, size_t max,
                  unsigned timeout_ms, const char *uri,
                  GError **errp);

/* Makes a blocked send() on socket @fd fail after @timeout_ms (0: never),
 * so a peer that stops reading cannot hang a writer. */
void io__set_send_timeout(int fd, unsigned timeout_ms);

#endif /* QVISIT_TRANSPORT_INTERNAL_H */
