/*
 * Transport I/O helpers shared by transport.c and transport-io.c.
 */
#ifndef QVISIT_TRANSPORT_INTERNAL_H
#define QVISIT_TRANSPORT_INTERNAL_H

#include <sys/types.h>

#include "migration/migration-internal.h"

/* Sets "<uri>: <what>: <strerror(err)>" (QVISIT_ERROR_IO), returns false. */
bool migration__io_error(GError **errp, const char *uri, const char *what,
                         int err);

/* Waits until @fd is readable; an error after @timeout_ms (0: forever). */
bool migration__io_wait(int fd, unsigned timeout_ms, const char *uri,
                        GError **errp);

/* Reads up to @len bytes, stopping early only at end of stream; the count,
 * or -1 with an error. */
ssize_t migration__io_read(int fd, void *buf, size_t len,
                           unsigned timeout_ms, const char *uri,
                           GError **errp);

/* Writes all @len bytes (send(MSG_NOSIGNAL) on sockets: a vanished peer
 * is EPIPE, not SIGPIPE). */
bool migration__io_write(int fd, const void *buf, size_t len,
                         const char *uri, GError **errp);

/* Reads until end of stream, at most @max bytes (QVISIT_ERROR_LIMIT). */
bool migration__io_read_all(int fd, GByteArray *out, size_t max,
                            unsigned timeout_ms, const char *uri,
                            GError **errp);

/* Makes a blocked send() on socket @fd fail after @timeout_ms (0: never),
 * so a peer that stops reading cannot hang a writer. */
void migration__io_set_send_timeout(int fd, unsigned timeout_ms);

/* Short names for the call sites. */
#define io_error migration__io_error
#define io_wait migration__io_wait
#define io_read migration__io_read
#define io_write migration__io_write
#define io_read_all migration__io_read_all

#endif /* QVISIT_TRANSPORT_INTERNAL_H */
