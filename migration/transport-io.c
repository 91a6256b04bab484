/*
 * Transport I/O: blocking reads and writes with timeouts, reading a whole
 * stream. Every failure names the URI and the OS error. (Files are
 * written by migration/output.c.)
 */
#include "qvisit/migration-transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "migration/transport-internal.h"
#include "qvisit/error.h"
#include "util/error-at.h"

void io__set_send_timeout(int fd, unsigned timeout_ms)
{
    struct timeval tv = {
        .tv_sec = timeout_ms / 1000,
        .tv_usec = (timeout_ms % 1000) * 1000,
    };

    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

bool io__error(GError **errp, const char *uri, const char *what,
               int err)
{
    return qvisit__error_at(errp, QVISIT_ERROR_IO, uri, QVISIT_NO_OFFSET,
                            "%s: %s", what, g_strerror(err));
}

/* Waits until @fd is readable; false with an error on timeout. */
bool io__wait(int fd, unsigned timeout_ms, const char *uri,
              GError **errp)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r;

    do {
        r = poll(&p, 1, timeout_ms ? (int)timeout_ms : -1);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        return io__error(errp, uri, "poll", errno);
    }
    if (r == 0) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "%s: no data from the peer for %u ms", uri, timeout_ms);
        return false;
    }
    return true;
}

/* Reads up to @len bytes, stopping early only at end of stream. Returns
 * the count, or -1 with an error. */
ssize_t io__read(int fd, void *buf, size_t len,
                 unsigned timeout_ms, const char *uri,
                 GError **errp)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n;

        if (timeout_ms && !io__wait(fd, timeout_ms, uri, errp)) {
            return -1;
        }
        n = read(fd, (uint8_t *)buf + got, len - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            io__error(errp, uri, "read", errno);
            return -1;
        }
        if (n == 0) {
            break;
        }
        got += n;
    }
    return got;
}

bool io__write(int fd, const void *buf, size_t len,
               const char *uri, GError **errp)
{
    size_t done = 0;
    bool is_socket = true;

    while (done < len) {
        ssize_t n;

        if (is_socket) {
            /* MSG_NOSIGNAL: a vanished peer is EPIPE, not SIGPIPE. */
            n = send(fd, (const uint8_t *)buf + done, len - done,
                     MSG_NOSIGNAL);
            if (n < 0 && errno == ENOTSOCK) {
                is_socket = false;
                continue;
            }
        } else {
            n = write(fd, (const uint8_t *)buf + done, len - done);
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* SO_SNDTIMEO expired: the peer stopped reading. */
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "%s: write: the peer read nothing for too long", uri);
            return false;
        }
        if (n < 0) {
            return io__error(errp, uri, "write", errno);
        }
        done += n;
    }
    return true;
}

/* Reads everything until end of stream, at most @max bytes. */
bool io__read_all(int fd, GByteArray *out, size_t max,
                  unsigned timeout_ms, const char *uri,
                  GError **errp)
{
    uint8_t buf[65536];

    for (;;) {
        ssize_t n;

        if (timeout_ms && !io__wait(fd, timeout_ms, uri, errp)) {
            return false;
        }
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return io__error(errp, uri, "read", errno);
        }
        if (n == 0) {
            return true;
        }
        if ((size_t)n > max - MIN(out->len, max)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                        "%s: stream larger than max_alloc %zu bytes", uri,
                        max);
            return false;
        }
        g_byte_array_append(out, buf, n);
    }
}
