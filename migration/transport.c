/*
 * Transports: URIs, sockets, the capability handshake and atomic files.
 */
#include "qvisit/migration-transport.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "migration/migration-internal.h"
#include "migration/transport-internal.h"
#include "qvisit/error.h"
#include "util/bswap.h"

/* Handshake records (docs/formats.md, "Capability handshake"). */
#define HELLO_MAGIC "QVHS"
#define HELLO_LEN 13        /* magic, u8 version, be64 mask */
#define STATUS_MAGIC "QVST"
#define HANDSHAKE_VERSION 1

typedef enum {
    URI_FILE,
    URI_FD,
    URI_UNIX,
    URI_TCP,
} UriKind;

typedef struct Uri {
    UriKind kind;
    char *path;         /* file, unix */
    int fd;             /* fd */
    char *host;         /* tcp, without brackets */
    char *port;
} Uri;

static void uri_clear(Uri *u)
{
    g_free(u->path);
    g_free(u->host);
    g_free(u->port);
}

static bool uri_parse(const char *uri, Uri *u, GError **errp)
{
    memset(u, 0, sizeof(*u));
    if (g_str_has_prefix(uri, "file:") && uri[5]) {
        u->kind = URI_FILE;
        u->path = g_strdup(uri + 5);
        return true;
    }
    if (g_str_has_prefix(uri, "unix:") && uri[5]) {
        u->kind = URI_UNIX;
        u->path = g_strdup(uri + 5);
        return true;
    }
    if (g_str_has_prefix(uri, "fd:")) {
        char *end;
        long n = strtol(uri + 3, &end, 10);

        if (uri[3] && !*end && n >= 0 && n <= INT32_MAX) {
            u->kind = URI_FD;
            u->fd = n;
            return true;
        }
    }
    if (g_str_has_prefix(uri, "tcp:")) {
        const char *h = uri + 4;
        const char *colon;

        if (*h == '[') {
            const char *close = strchr(h, ']');

            if (close && close[1] == ':' && close[2]) {
                u->kind = URI_TCP;
                u->host = g_strndup(h + 1, close - h - 1);
                u->port = g_strdup(close + 2);
                return true;
            }
        } else if ((colon = strrchr(h, ':')) && colon[1] &&
                   !memchr(h, ':', colon - h)) {
            u->kind = URI_TCP;
            u->host = g_strndup(h, colon - h);
            u->port = g_strdup(colon + 1);
            return true;
        }
    }
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                "%s: not a migration URI (file:PATH, fd:N, unix:PATH, "
                "tcp:HOST:PORT)", uri);
    return false;
}

static void put_hello(uint8_t *buf, uint64_t mask)
{
    memcpy(buf, HELLO_MAGIC, 4);
    buf[4] = HANDSHAKE_VERSION;
    for (int i = 0; i < 8; i++) {
        buf[5 + i] = mask >> (56 - 8 * i);
    }
}

static uint64_t get_be64(const uint8_t *p)
{
    return ldq_be_p(p);
}

/* --- Settings ----------------------------------------------------------- */

static const MigrationTransportSettings settings_default = {
    .handshake_timeout_ms = 2000,
    .io_timeout_ms = 30000,
    .format = MIGRATION_FORMAT_UNKNOWN,
};

/* @r's transport settings: the defaults until a setter ran. */
static const MigrationTransportSettings *settings(const MigrationRegistry *r)
{
    return r->transport ? r->transport : &settings_default;
}

static MigrationTransportSettings *settings_to_set(MigrationRegistry *r)
{
    if (!r->transport) {
        r->transport = g_memdup2(&settings_default,
                                 sizeof(settings_default));
    }
    return r->transport;
}

void migration_set_handshake_timeout(MigrationRegistry *r, unsigned ms)
{
    g_return_if_fail(r != NULL);
    settings_to_set(r)->handshake_timeout_ms = ms;
}

void migration_set_io_timeout(MigrationRegistry *r, unsigned ms)
{
    g_return_if_fail(r != NULL);
    settings_to_set(r)->io_timeout_ms = ms;
}

void migration_set_format(MigrationRegistry *r, MigrationFormat format)
{
    g_return_if_fail(r != NULL);
    settings_to_set(r)->format = format;
}

/* --- Sockets ------------------------------------------------------------ */

struct MigrationListener {
    int fd;
    char *uri;          /* the real address */
    char *unix_path;    /* removed on free */
};

static int tcp_socket(const Uri *u, bool listen_side, const char *uri,
                      char **real_uri, GError **errp)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = listen_side ? AI_PASSIVE : 0,
    };
    struct addrinfo *res = NULL;
    int err = 0;
    int fd = -1;
    int gai;

    gai = getaddrinfo(u->host[0] ? u->host : NULL, u->port, &hints, &res);
    if (gai) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO, "%s: %s", uri,
                    gai_strerror(gai));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int one = 1;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (listen_side) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
                listen(fd, 1) == 0) {
                break;
            }
        } else {
            int r;

            do {
                r = connect(fd, ai->ai_addr, ai->ai_addrlen);
            } while (r < 0 && errno == EINTR);
            if (r == 0) {
                setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one,
                           sizeof(one));
                break;
            }
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        io__error(errp, uri, listen_side ? "listen" : "connect",
                  err ? err : EADDRNOTAVAIL);
        return -1;
    }
    if (listen_side && real_uri) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        char port[NI_MAXSERV];
        char host[NI_MAXHOST];

        getsockname(fd, (struct sockaddr *)&ss, &sl);
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), port,
                    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
        *real_uri = g_strdup_printf(ss.ss_family == AF_INET6
                                        ? "tcp:[%s]:%s" : "tcp:%s:%s",
                                    host, port);
    }
    return fd;
}

/*
 * A socket file already at @sa's path is reused only when it is stale:
 * a refused connect proves that nobody listens there any more. Anything
 * else (a live listener, no permission to tell) is "address in use", so a
 * second listener never takes over a live path. The probe is a datagram
 * socket: against a live stream listener its connect fails (EPROTOTYPE)
 * without queueing a connection that the listener would then accept.
 */
static bool unix_reclaim_stale(const struct sockaddr_un *sa, const char *uri,
                               GError **errp)
{
    struct stat st;
    int probe, r, err;

    if (stat(sa->sun_path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        return true;    /* nothing there, or not a socket: bind() says */
    }
    probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe < 0) {
        return io__error(errp, uri, "socket", errno);
    }
    do {
        r = connect(probe, (const struct sockaddr *)sa, sizeof(*sa));
    } while (r < 0 && errno == EINTR);
    err = errno;
    close(probe);
    if (r < 0 && err == ECONNREFUSED) {
        unlink(sa->sun_path);
        return true;
    }
    if (r < 0 && err == ENOENT) {
        return true;    /* removed in the meantime */
    }
    return io__error(errp, uri, "listen", EADDRINUSE);
}

static int unix_socket(const Uri *u, bool listen_side, const char *uri,
                       GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;
    int r;

    if (strlen(u->path) >= sizeof(sa.sun_path)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: socket path longer than %zu bytes", uri,
                    sizeof(sa.sun_path) - 1);
        return -1;
    }
    strcpy(sa.sun_path, u->path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        io__error(errp, uri, "socket", errno);
        return -1;
    }
    if (listen_side) {
        if (!unix_reclaim_stale(&sa, uri, errp)) {
            close(fd);
            return -1;
        }
        r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
        if (r == 0) {
            r = listen(fd, 1);
        }
    } else {
        do {
            r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
        } while (r < 0 && errno == EINTR);
    }
    if (r < 0) {
        int err = errno;

        close(fd);
        io__error(errp, uri, listen_side ? "listen" : "connect", err);
        return -1;
    }
    return fd;
}

MigrationListener *migration_listen(const char *uri, GError **errp)
{
    Uri u;
    MigrationListener *l;
    char *real = NULL;
    int fd;

    g_return_val_if_fail(uri != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    if (!uri_parse(uri, &u, errp)) {
        return NULL;
    }
    if (u.kind != URI_TCP && u.kind != URI_UNIX) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: only unix: and tcp: URIs can listen", uri);
        uri_clear(&u);
        return NULL;
    }
    fd = u.kind == URI_TCP ? tcp_socket(&u, true, uri, &real, errp)
                           : unix_socket(&u, true, uri, errp);
    if (fd < 0) {
        uri_clear(&u);
        return NULL;
    }
    l = g_new0(MigrationListener, 1);
    l->fd = fd;
    l->uri = real ? real : g_strdup(uri);
    if (u.kind == URI_UNIX) {
        l->unix_path = g_strdup(u.path);
    }
    uri_clear(&u);
    return l;
}

const char *migration_listener_get_uri(const MigrationListener *l)
{
    g_return_val_if_fail(l != NULL, NULL);
    return l->uri;
}

void migration_listener_free(MigrationListener *l)
{
    if (!l) {
        return;
    }
    close(l->fd);
    if (l->unix_path) {
        unlink(l->unix_path);
    }
    g_free(l->unix_path);
    g_free(l->uri);
    g_free(l);
}

static void send_status(int fd, bool ok, const GError *err, const char *uri)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    /* Our messages escape what they quote from the stream; escaping the
     * whole message again changes nothing then, and bounds it. */
    g_autofree char *msg = qvisit_error_escape(err ? err->message : "", -1);
    size_t len = strlen(msg);
    uint8_t st = ok ? 0 : 1;

    g_byte_array_append(b, (const uint8_t *)STATUS_MAGIC, 4);
    g_byte_array_append(b, &st, 1);
    byte_array_append_be(b, err ? (uint32_t)err->code : 0, 4);
    byte_array_append_be(b, len, 4);
    g_byte_array_append(b, (const uint8_t *)msg, len);
    /* Best effort: the source may be gone, and our own result stands. */
    io__write(fd, b->data, b->len, uri, NULL);
}

/* The destination side of one connection. */
static bool incoming_socket(MigrationRegistry *r, int fd, const char *uri,
                            MigrationReport **report, GError **errp)
{
    uint8_t hello[HELLO_LEN];
    uint64_t caps = 0;
    bool handshake = false;
    g_autoptr(GByteArray) stream = g_byte_array_new();
    GError *err = NULL;
    uint64_t t0 = migration__now_ns();
    unsigned io_ms = settings(r)->io_timeout_ms;
    ssize_t n;
    bool ok;

    put_hello(hello, r->caps);
    if (!io__write(fd, hello, HELLO_LEN, uri, errp)) {
        return false;
    }
    n = io__read(fd, hello, 4, io_ms, uri, errp);
    if (n < 0) {
        return false;
    }
    if (n == 4 && !memcmp(hello, HELLO_MAGIC, 4)) {
        n = io__read(fd, hello + 4, HELLO_LEN - 4, io_ms, uri, errp);
        if (n < 0) {
            return false;
        }
        if (n != HELLO_LEN - 4) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TRUNCATED,
                        "%s: connection closed during the handshake", uri);
            return false;
        }
        handshake = true;
        caps = migration_capabilities_intersect(r->caps, get_be64(hello + 5));
    } else {
        /* A peer without the handshake: these bytes start its stream. */
        g_byte_array_append(stream, hello, n);
    }
    if (!io__read_all(fd, stream, r->limits.max_alloc, io_ms, uri, errp)) {
        return false;
    }
    /* The negotiated mask decides what we accept; a peer without the
     * handshake gets what this side accepts from a file. */
    ok = migration__format_allowed(
        migration_detect_format(stream->data, stream->len),
        handshake ? caps : r->caps, &err);
    ok = ok && migration__load_bytes(r, stream->data, stream->len, report,
                                     &err);
    if (handshake && (caps & MIGRATION_CAP_RETURN_PATH)) {
        send_status(fd, ok, err, uri);
    }
    if (!ok) {
        g_propagate_error(errp, err);
        return false;
    }
    if (report) {
        (*report)->capabilities = caps;
        (*report)->bytes = stream->len;
        (*report)->duration_ns = migration__now_ns() - t0;
    }
    return true;
}

bool migration_listener_accept(MigrationListener *l, MigrationRegistry *r,
                               MigrationReport **report, GError **errp)
{
    int fd;
    bool ok;

    g_return_val_if_fail(l != NULL && r != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    do {
        fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return io__error(errp, l->uri, "accept", errno);
    }
    io__set_send_timeout(fd, settings(r)->io_timeout_ms);
    ok = incoming_socket(r, fd, l->uri, report, errp);
    close(fd);
    return ok;
}

/* --- Files and fds ------------------------------------------------------ */

bool migration_incoming(MigrationRegistry *r, const char *uri,
                        MigrationReport **report, GError **errp)
{
    Uri u;
    bool ok;

    g_return_val_if_fail(r != NULL && uri != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!uri_parse(uri, &u, errp)) {
        return false;
    }
    if (u.kind == URI_TCP || u.kind == URI_UNIX) {
        g_autoptr(MigrationListener) l = migration_listen(uri, errp);

        ok = l && migration_listener_accept(l, r, report, errp);
    } else {
        g_autoptr(GByteArray) data = g_byte_array_new();
        uint64_t t0 = migration__now_ns();
        int fd = u.kind == URI_FD ? u.fd
                                  : open(u.path, O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
            ok = io__error(errp, uri, "open", errno);
        } else {
            ok = io__read_all(fd, data, r->limits.max_alloc, 0, uri, errp);
            if (u.kind == URI_FILE) {
                close(fd);
            }
            ok = ok && migration_load(r, data->data, data->len, report, errp);
            if (ok && report) {
                (*report)->duration_ns = migration__now_ns() - t0;
            }
        }
    }
    uri_clear(&u);
    return ok;
}

/* Reads the destination's status record (return path). */
static bool read_status(int fd, MigrationRegistry *r, const char *uri,
                        GError **errp)
{
    uint8_t head[13];
    g_autofree char *msg = NULL;
    g_autofree char *shown = NULL;
    uint32_t code, len;
    unsigned io_ms = settings(r)->io_timeout_ms;
    ssize_t n = io__read(fd, head, sizeof(head), io_ms, uri, errp);

    if (n < 0) {
        return false;
    }
    if (n != sizeof(head) || memcmp(head, STATUS_MAGIC, 4)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "%s: connection closed before the destination reported "
                    "its result", uri);
        return false;
    }
    if (head[4] == 0) {
        return true;
    }
    code = ldl_be_p(head + 5);
    len = MIN(ldl_be_p(head + 9), 4096);
    msg = g_malloc0(len + 1);
    n = io__read(fd, msg, len, io_ms, uri, NULL);
    /* The peer's text is input like any other: escaped at receipt. */
    shown = n > 0 ? qvisit_error_escape(msg, n) : g_strdup("(no message)");
    g_set_error(errp, QVISIT_ERROR, code,
                "%s: destination failed to load: %s", uri, shown);
    return false;
}

/*
 * The source side of the capability handshake: returns the mask to use,
 * 0 for a destination that says nothing in time (a legacy one), or
 * false on a write error.
 */
static bool handshake_source(MigrationRegistry *r, int fd, const char *uri,
                             uint64_t *caps, GError **errp)
{
    uint8_t hello[HELLO_LEN];
    GError *timeout = NULL;
    ssize_t n = io__read(fd, hello, HELLO_LEN,
                         settings(r)->handshake_timeout_ms, uri, &timeout);

    g_clear_error(&timeout);
    if (n != HELLO_LEN || memcmp(hello, HELLO_MAGIC, 4)) {
        *caps = 0;
        return true;
    }
    *caps = migration_capabilities_intersect(r->caps, get_be64(hello + 5));
    put_hello(hello, *caps);
    return io__write(fd, hello, HELLO_LEN, uri, errp);
}

/* Saves with @caps and sends the stream to @u; @fd is the connected
 * socket for unix: and tcp:, else -1. */
static bool outgoing_send(MigrationRegistry *r, const Uri *u, int fd,
                          const char *uri, uint64_t caps,
                          MigrationReport **rep, GError **errp)
{
    g_autoptr(GByteArray) data = g_byte_array_new();
    MigrationFormat format = settings(r)->format
                                 ? settings(r)->format
                                 : migration_format_for_capabilities(caps);

    if (!migration__save_caps(r, format, caps, data, rep, errp)) {
        return false;
    }
    switch (u->kind) {
    case URI_FILE:
        return migration_write_file_atomic(u->path, data->data, data->len,
                                           errp);
    case URI_FD:
        return io__write(u->fd, data->data, data->len, uri, errp);
    default:
        if (!io__write(fd, data->data, data->len, uri, errp)) {
            return false;
        }
        if (shutdown(fd, SHUT_WR) < 0) {
            return io__error(errp, uri, "shutdown", errno);
        }
        return !(caps & MIGRATION_CAP_RETURN_PATH) ||
               read_status(fd, r, uri, errp);
    }
}

bool migration_outgoing(MigrationRegistry *r, const char *uri,
                        MigrationReport **report, GError **errp)
{
    Uri u;
    g_autoptr(MigrationReport) rep = NULL;
    uint64_t t0 = migration__now_ns();
    uint64_t caps;
    bool ok;
    int fd = -1;

    g_return_val_if_fail(r != NULL && uri != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!uri_parse(uri, &u, errp)) {
        return false;
    }
    caps = r->caps;
    if (u.kind == URI_TCP) {
        fd = tcp_socket(&u, false, uri, NULL, errp);
    } else if (u.kind == URI_UNIX) {
        fd = unix_socket(&u, false, uri, errp);
    }
    if (fd >= 0) {
        io__set_send_timeout(fd, settings(r)->io_timeout_ms);
    }
    ok = (u.kind != URI_TCP && u.kind != URI_UNIX) ||
         (fd >= 0 && handshake_source(r, fd, uri, &caps, errp));
    ok = ok && outgoing_send(r, &u, fd, uri, caps, &rep, errp);
    if (ok && report) {
        rep->capabilities = caps;
        rep->duration_ns = migration__now_ns() - t0;
        *report = g_steal_pointer(&rep);
    }
    if (fd >= 0) {
        close(fd);
    }
    uri_clear(&u);
    return ok;
}
