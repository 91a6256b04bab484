/*
 * Migration transports and capabilities: every URI kind, the capability
 * handshake (including a peer that never answers), and peers that vanish
 * in the middle of a stream. Only loopback addresses are used.
 */
#include "tests/test-util.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/test-device.h"

typedef struct Side {
    MigrationRegistry *r;
    TDev dev;
} Side;

static void side_init(Side *s, unsigned seed)
{
    MigrationDeviceInfo info = tdev_info("tdev", 0);

    memset(s, 0, sizeof(*s));
    if (seed) {
        tdev_fill(&s->dev, seed);
    }
    s->r = migration_registry_new();
    migration_register(s->r, &info, &s->dev, NULL);
}

static void side_clear(Side *s)
{
    migration_registry_free(s->r);
    tdev_clear(&s->dev);
}

/* --- Capabilities ------------------------------------------------------- */

static void capabilities_intersect_and_choose_the_format(void)
{
    CU_ASSERT_EQUAL(migration_capabilities_intersect(MIGRATION_CAP_ALL,
                                                     MIGRATION_CAP_JSON),
                    MIGRATION_CAP_JSON);
    CU_ASSERT_EQUAL(migration_capabilities_intersect(~0ULL, ~0ULL),
                    MIGRATION_CAP_ALL);
    /* A peer that does not answer counts as 0: legacy. */
    CU_ASSERT_EQUAL(migration_capabilities_intersect(MIGRATION_CAP_ALL, 0),
                    0);
    CU_ASSERT_EQUAL(migration_format_for_capabilities(0),
                    MIGRATION_FORMAT_LEGACY);
    CU_ASSERT_EQUAL(migration_format_for_capabilities(MIGRATION_CAP_JSON),
                    MIGRATION_FORMAT_LEGACY);
    CU_ASSERT_EQUAL(migration_format_for_capabilities(MIGRATION_CAP_BINARY),
                    MIGRATION_FORMAT_BINARY);
}

static void capabilities_print_and_parse(void)
{
    g_autofree char *all = migration_capabilities_to_string(MIGRATION_CAP_ALL);
    g_autofree char *none = migration_capabilities_to_string(0);
    g_autofree char *odd = migration_capabilities_to_string(0x101);
    uint64_t m = 99;
    GError *err = NULL;

    CU_ASSERT_STRING_EQUAL(all, "binary,json,return-path");
    CU_ASSERT_STRING_EQUAL(none, "none");
    CU_ASSERT_STRING_EQUAL(odd, "binary,0x100");
    CU_ASSERT_TRUE(migration_capabilities_from_string("json,binary", &m,
                                                      &err));
    CU_ASSERT_EQUAL(m, MIGRATION_CAP_JSON | MIGRATION_CAP_BINARY);
    CU_ASSERT_TRUE(migration_capabilities_from_string("none", &m, &err));
    CU_ASSERT_EQUAL(m, 0);
    CU_ASSERT_FALSE(migration_capabilities_from_string("binary,zip", &m,
                                                       &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN, "unknown capability 'zip'");
}

static void set_capabilities_masks_the_query(void)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();

    CU_ASSERT_EQUAL(migration_query_capabilities(r), MIGRATION_CAP_ALL);
    migration_set_capabilities(r, MIGRATION_CAP_JSON | 0x8000);
    CU_ASSERT_EQUAL(migration_query_capabilities(r), MIGRATION_CAP_JSON);
}

/* --- Sockets ------------------------------------------------------------ */

typedef struct Dest {
    Side side;
    MigrationListener *l;
    MigrationReport *report;
    GError *err;
    bool ok;
} Dest;

static gpointer dest_thread(gpointer p)
{
    Dest *d = p;

    d->ok = migration_listener_accept(d->l, d->side.r, &d->report, &d->err);
    return NULL;
}

/* Migrates between two registries over @listen_uri; returns the dest. */
static void migrate_over(const char *listen_uri, uint64_t src_caps,
                         uint64_t dst_caps, MigrationFormat want_format)
{
    Side src;
    Dest dst = { 0 };
    GThread *t;
    g_autoptr(MigrationReport) rep = NULL;
    GError *err = NULL;

    side_init(&src, 3);
    side_init(&dst.side, 0);
    migration_set_capabilities(src.r, src_caps);
    migration_set_capabilities(dst.side.r, dst_caps);
    dst.l = migration_listen(listen_uri, &err);
    ASSERT_NO_ERROR(err);
    if (!dst.l) {
        side_clear(&src);
        side_clear(&dst.side);
        return;
    }
    t = g_thread_new("dest", dest_thread, &dst);
    CU_ASSERT_TRUE(migration_outgoing(src.r,
                                      migration_listener_get_uri(dst.l),
                                      &rep, &err));
    ASSERT_NO_ERROR(err);
    g_thread_join(t);
    ASSERT_NO_ERROR(dst.err);
    CU_ASSERT_TRUE(dst.ok);
    CU_ASSERT_TRUE(tdev_equal(&src.dev, &dst.side.dev));
    CU_ASSERT_EQUAL(src.dev.paused, 1);
    CU_ASSERT_EQUAL(src.dev.resumed, 1);
    if (rep && dst.report) {
        uint64_t both = migration_capabilities_intersect(src_caps, dst_caps);

        CU_ASSERT_EQUAL(rep->capabilities, both);
        CU_ASSERT_EQUAL(dst.report->capabilities, both);
        CU_ASSERT_EQUAL(rep->format, want_format);
        CU_ASSERT_EQUAL(dst.report->format, want_format);
        CU_ASSERT_EQUAL(rep->bytes, dst.report->bytes);
    }
    migration_report_free(dst.report);
    migration_listener_free(dst.l);
    side_clear(&src);
    side_clear(&dst.side);
}

static void tcp_ipv4_migrates_in_binary_when_both_can(void)
{
    migrate_over("tcp:127.0.0.1:0", MIGRATION_CAP_ALL, MIGRATION_CAP_ALL,
                 MIGRATION_FORMAT_BINARY);
}

static void tcp_falls_back_to_legacy_without_common_binary(void)
{
    migrate_over("tcp:127.0.0.1:0", MIGRATION_CAP_ALL,
                 MIGRATION_CAP_JSON | MIGRATION_CAP_RETURN_PATH,
                 MIGRATION_FORMAT_LEGACY);
}

static void tcp_ipv6_loopback_migrates(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
                               .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    bool have_v6 = fd >= 0 && bind(fd, (struct sockaddr *)&sa,
                                   sizeof(sa)) == 0;

    if (fd >= 0) {
        close(fd);
    }
    if (!have_v6) {
        fprintf(stderr, "(no IPv6 loopback: skipped) ");
        return;
    }
    migrate_over("tcp:[::1]:0", MIGRATION_CAP_ALL, MIGRATION_CAP_ALL,
                 MIGRATION_FORMAT_BINARY);
}

static char *tmp_dir(void)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("qvisit-test-XXXXXX", &err);

    ASSERT_NO_ERROR(err);
    return dir;
}

static void unix_socket_migrates(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *uri = g_strdup_printf("unix:%s/mig.sock", dir);

    migrate_over(uri, MIGRATION_CAP_ALL, MIGRATION_CAP_ALL,
                 MIGRATION_FORMAT_BINARY);
    rmdir(dir);
}

/* A raw peer that accepts, never says hello, and records what it got. */
typedef struct SilentPeer {
    int lfd;
    GByteArray *got;
    bool close_early;   /* read a little, then vanish */
    bool send_hello;
} SilentPeer;

static gpointer silent_thread(gpointer p)
{
    SilentPeer *sp = p;
    int fd = accept(sp->lfd, NULL, NULL);
    uint8_t buf[4096];
    ssize_t n;

    if (sp->send_hello) {
        uint8_t hello[13] = { 'Q', 'V', 'H', 'S', 1, 0, 0, 0, 0, 0, 0, 0,
                              MIGRATION_CAP_ALL };

        n = write(fd, hello, sizeof(hello));
        (void)n;
    }
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        g_byte_array_append(sp->got, buf, n);
        if (sp->close_early && sp->got->len >= 20) {
            break;
        }
    }
    /* SO_LINGER 0: a reset, so the writer sees the loss at once. */
    setsockopt(fd, SOL_SOCKET, SO_LINGER,
               &(struct linger){ .l_onoff = 1, .l_linger = 0 },
               sizeof(struct linger));
    close(fd);
    return NULL;
}

static int raw_listener(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);

    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    listen(fd, 1);
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    *port = ntohs(sa.sin_port);
    return fd;
}

static void peer_that_does_not_answer_gets_a_legacy_stream(void)
{
    Side src;
    SilentPeer sp = { .got = g_byte_array_new() };
    uint16_t port;
    g_autofree char *uri = NULL;
    g_autoptr(MigrationReport) rep = NULL;
    GThread *t;
    GError *err = NULL;

    side_init(&src, 4);
    sp.lfd = raw_listener(&port);
    uri = g_strdup_printf("tcp:127.0.0.1:%u", port);
    migration_set_handshake_timeout(src.r, 100);
    t = g_thread_new("silent", silent_thread, &sp);
    CU_ASSERT_TRUE(migration_outgoing(src.r, uri, &rep, &err));
    ASSERT_NO_ERROR(err);
    g_thread_join(t);
    CU_ASSERT_EQUAL(rep->capabilities, 0);
    CU_ASSERT_EQUAL(rep->format, MIGRATION_FORMAT_LEGACY);
    CU_ASSERT_TRUE(sp.got->len > 8 && !memcmp(sp.got->data, "QEVM", 4));
    CU_ASSERT_EQUAL(sp.got->len, rep->bytes);
    close(sp.lfd);
    g_byte_array_unref(sp.got);
    side_clear(&src);
}

static void destination_vanishing_mid_stream_fails_the_source(void)
{
    Side src;
    SilentPeer sp = { .got = g_byte_array_new(), .close_early = true,
                      .send_hello = true };
    uint16_t port;
    g_autofree char *uri = NULL;
    TDev before;
    GThread *t;
    GError *err = NULL;

    side_init(&src, 4);
    before = src.dev;
    sp.lfd = raw_listener(&port);
    uri = g_strdup_printf("tcp:127.0.0.1:%u", port);
    t = g_thread_new("vanish", silent_thread, &sp);
    CU_ASSERT_FALSE(migration_outgoing(src.r, uri, NULL, &err));
    g_thread_join(t);
    CU_ASSERT_PTR_NOT_NULL(err);
    if (err) {
        CU_ASSERT_EQUAL(err->code, QVISIT_ERROR_IO);
        CU_ASSERT_TRUE(g_str_has_prefix(err->message, uri));
        g_clear_error(&err);
    }
    /* The source's devices are resumed and unchanged. */
    CU_ASSERT_EQUAL(src.dev.paused, 1);
    CU_ASSERT_EQUAL(src.dev.resumed, 1);
    CU_ASSERT_TRUE(tdev_equal(&src.dev, &before));
    close(sp.lfd);
    g_byte_array_unref(sp.got);
    side_clear(&src);
}

/* A source that sends its hello and half a stream, then disconnects. */
static void source_vanishing_mid_stream_leaves_destination_untouched(void)
{
    Side src;
    Dest dst = { 0 };
    g_autoptr(GByteArray) stream = g_byte_array_new();
    GThread *t;
    int fd;
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    const char *uri;
    uint8_t hello[13];
    uint8_t mine[13] = { 'Q', 'V', 'H', 'S', 1, 0, 0, 0, 0, 0, 0, 0,
                         MIGRATION_CAP_BINARY };
    ssize_t n;
    TDev zero;

    memset(&zero, 0, sizeof(zero));
    side_init(&src, 5);
    side_init(&dst.side, 0);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_BINARY, stream,
                                  NULL, NULL));
    dst.l = migration_listen("tcp:127.0.0.1:0", NULL);
    uri = migration_listener_get_uri(dst.l);
    sa.sin_port = htons(atoi(strrchr(uri, ':') + 1));
    t = g_thread_new("dest", dest_thread, &dst);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    CU_ASSERT_EQUAL(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    n = read(fd, hello, sizeof(hello));
    CU_ASSERT_EQUAL(n, 13);
    n = write(fd, mine, sizeof(mine));
    n = write(fd, stream->data, stream->len / 2);
    CU_ASSERT_EQUAL(n, (ssize_t)(stream->len / 2));
    close(fd);
    g_thread_join(t);
    CU_ASSERT_FALSE(dst.ok);
    ASSERT_ERROR_PREFIX(dst.err, QVISIT_ERROR_TRUNCATED, "");
    CU_ASSERT_TRUE(tdev_equal(&dst.side.dev, &zero));
    migration_listener_free(dst.l);
    side_clear(&src);
    side_clear(&dst.side);
}

static void destination_load_error_comes_back_on_the_return_path(void)
{
    Side src;
    Dest dst = { 0 };
    MigrationDeviceInfo other = tdev_info("other", 0);
    TDev o;
    GThread *t;
    GError *err = NULL;

    memset(&o, 0, sizeof(o));
    side_init(&src, 6);
    dst.side.r = migration_registry_new();
    migration_register(dst.side.r, &other, &o, NULL);
    dst.l = migration_listen("tcp:127.0.0.1:0", NULL);
    t = g_thread_new("dest", dest_thread, &dst);
    CU_ASSERT_FALSE(migration_outgoing(src.r,
                                       migration_listener_get_uri(dst.l),
                                       NULL, &err));
    g_thread_join(t);
    ASSERT_ERROR_PREFIX(dst.err, QVISIT_ERROR_UNKNOWN,
                        "tdev: unknown device");
    CU_ASSERT_PTR_NOT_NULL(err);
    if (err) {
        CU_ASSERT_EQUAL(err->code, QVISIT_ERROR_UNKNOWN);
        CU_ASSERT_TRUE(strstr(err->message, ": destination failed to load: "
                                            "tdev: unknown device") != NULL);
        g_clear_error(&err);
    }
    migration_listener_free(dst.l);
    migration_registry_free(dst.side.r);
    side_clear(&src);
}

/* A device with more state than the socket buffers hold. */
#define BIG_SIZE (32u << 20)

static bool big_visit(Visitor *v, void *opaque, GError **errp)
{
    return visit_start_struct(v, "big", errp) &&
           visit_type_buffer(v, "data", opaque, BIG_SIZE, errp) &&
           visit_end_struct(v, errp);
}

typedef struct StallPeer {
    int lfd;
    volatile bool quit;
} StallPeer;

/* Accepts, says hello, then never reads. */
static gpointer stall_thread(gpointer p)
{
    StallPeer *sp = p;
    int fd = accept(sp->lfd, NULL, NULL);
    uint8_t hello[13] = { 'Q', 'V', 'H', 'S', 1, 0, 0, 0, 0, 0, 0, 0,
                          MIGRATION_CAP_ALL };
    ssize_t n = write(fd, hello, sizeof(hello));

    (void)n;
    while (!sp->quit) {
        g_usleep(10000);
    }
    close(fd);
    return NULL;
}

static void destination_that_stops_reading_fails_the_source(void)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    g_autofree uint8_t *big = g_malloc0(BIG_SIZE);
    MigrationDeviceInfo info = { .id = "big", .version = 1,
                                 .visit = big_visit };
    StallPeer sp = { 0 };
    uint16_t port;
    g_autofree char *uri = NULL;
    g_autofree char *want = NULL;
    GThread *t;
    GError *err = NULL;

    migration_register(r, &info, big, NULL);
    migration_set_io_timeout(r, 200);
    sp.lfd = raw_listener(&port);
    uri = g_strdup_printf("tcp:127.0.0.1:%u", port);
    want = g_strdup_printf("%s: write: the peer read nothing for too long",
                           uri);
    t = g_thread_new("stall", stall_thread, &sp);
    CU_ASSERT_FALSE(migration_outgoing(r, uri, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    sp.quit = true;
    g_thread_join(t);
    close(sp.lfd);
}

static void source_that_sends_nothing_fails_the_destination(void)
{
    Dest dst = { 0 };
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    g_autofree char *want = NULL;
    uint8_t hello[13];
    GThread *t;
    int fd;
    ssize_t n;

    side_init(&dst.side, 0);
    migration_set_io_timeout(dst.side.r, 200);
    dst.l = migration_listen("tcp:127.0.0.1:0", NULL);
    sa.sin_port = htons(atoi(strrchr(migration_listener_get_uri(dst.l),
                                     ':') + 1));
    want = g_strdup_printf("%s: no data from the peer for 200 ms",
                           migration_listener_get_uri(dst.l));
    t = g_thread_new("dest", dest_thread, &dst);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    CU_ASSERT_EQUAL(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    n = read(fd, hello, sizeof(hello));
    CU_ASSERT_EQUAL(n, 13);
    g_thread_join(t);
    close(fd);
    CU_ASSERT_FALSE(dst.ok);
    ASSERT_ERROR(dst.err, QVISIT_ERROR_IO, want);
    migration_listener_free(dst.l);
    side_clear(&dst.side);
}

static void connect_refused_names_the_uri_and_os_error(void)
{
    Side src;
    uint16_t port;
    int lfd = raw_listener(&port);
    g_autofree char *uri = NULL;
    g_autofree char *want = NULL;
    GError *err = NULL;

    close(lfd);     /* nobody listens there now */
    side_init(&src, 1);
    uri = g_strdup_printf("tcp:127.0.0.1:%u", port);
    want = g_strdup_printf("%s: connect: %s", uri, g_strerror(ECONNREFUSED));
    CU_ASSERT_FALSE(migration_outgoing(src.r, uri, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    CU_ASSERT_EQUAL(src.dev.resumed, 0);
    side_clear(&src);
}

static void bad_uris_are_rejected(void)
{
    static const char *const bad[] = {
        "foo:bar", "tcp:", "tcp:host", "tcp:[::1]", "fd:x", "fd:", "file:",
        "tcp:a:b:c",
    };
    Side src;

    side_init(&src, 1);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        g_autofree char *want = g_strdup_printf(
            "%s: not a migration URI (file:PATH, fd:N, unix:PATH, "
            "tcp:HOST:PORT)", bad[i]);

        CU_ASSERT_FALSE(migration_outgoing(src.r, bad[i], NULL, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID, want);
    }
    side_clear(&src);
}

/* --- Untrusted peers: status text, the capability mask ------------------ */

/* A raw source: connects to @uri (tcp:), reads the destination's hello,
 * sends @caps as its own hello unless @hello is false, then @stream, and
 * shuts down its sending side. Returns the socket, to read the status. */
static int raw_source(const char *uri, bool hello, uint64_t caps,
                      const GByteArray *stream)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    uint8_t theirs[13];
    uint8_t mine[13] = { 'Q', 'V', 'H', 'S', 1 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ssize_t n;

    for (int i = 0; i < 8; i++) {
        mine[5 + i] = caps >> (56 - 8 * i);
    }
    sa.sin_port = htons(atoi(strrchr(uri, ':') + 1));
    CU_ASSERT_EQUAL(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    n = read(fd, theirs, sizeof(theirs));
    CU_ASSERT_EQUAL(n, 13);
    if (hello) {
        n = write(fd, mine, sizeof(mine));
        CU_ASSERT_EQUAL(n, 13);
    }
    n = write(fd, stream->data, stream->len);
    CU_ASSERT_EQUAL(n, (ssize_t)stream->len);
    shutdown(fd, SHUT_WR);
    return fd;
}

/* Reads the rest of @fd (the status record) and closes it. */
static GByteArray *read_rest(int fd)
{
    GByteArray *got = g_byte_array_new();
    uint8_t buf[4096];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        g_byte_array_append(got, buf, n);
    }
    close(fd);
    return got;
}

/* Checks a failure status record: code and exact message bytes. */
static void assert_status(const GByteArray *st, int code, const char *msg)
{
    size_t len = strlen(msg);

    CU_ASSERT_EQUAL_FATAL(st->len, 13 + len);
    CU_ASSERT_EQUAL(memcmp(st->data, "QVST\x01", 5), 0);
    CU_ASSERT_EQUAL(st->data[8], code);
    CU_ASSERT_EQUAL(st->data[12], len);
    ASSERT_BYTES_EQUAL(st->data + 13, st->len - 13, msg, len);
}

/* A destination with one device ("bad") whose load fails with raw text
 * (device code is trusted, but a message must still not go out raw). */
static bool raw_text_visit(Visitor *v, void *opaque, GError **errp)
{
    uint32_t *x = opaque;

    if (visit_is_input(v)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "bad: line one\nqvisit: line two\x1b[2J");
        return false;
    }
    return visit_start_struct(v, "bad", errp) &&
           visit_type_u32(v, "x", x, errp) && visit_end_struct(v, errp);
}

static void destination_sends_its_error_escaped(void)
{
    MigrationDeviceInfo info = { .id = "bad", .version = 1,
                                 .visit = raw_text_visit,
                                 .state_size = sizeof(uint32_t) };
    uint32_t x = 7, y = 0;
    g_autoptr(MigrationRegistry) src = migration_registry_new();
    g_autoptr(GByteArray) stream = g_byte_array_new();
    g_autoptr(GByteArray) st = NULL;
    Dest dst = { 0 };
    GThread *t;

    CU_ASSERT_TRUE(migration_register(src, &info, &x, NULL));
    CU_ASSERT_TRUE(migration_save(src, MIGRATION_FORMAT_BINARY, stream,
                                  NULL, NULL));
    dst.side.r = migration_registry_new();
    CU_ASSERT_TRUE(migration_register(dst.side.r, &info, &y, NULL));
    dst.l = migration_listen("tcp:127.0.0.1:0", NULL);
    t = g_thread_new("dest", dest_thread, &dst);
    st = read_rest(raw_source(migration_listener_get_uri(dst.l), true,
                              MIGRATION_CAP_ALL, stream));
    g_thread_join(t);
    CU_ASSERT_FALSE(dst.ok);
    g_clear_error(&dst.err);
    assert_status(st, QVISIT_ERROR_INVALID,
                  "bad: line one\\x0aqvisit: line two\\x1b[2J");
    CU_ASSERT_EQUAL(y, 0);
    migration_listener_free(dst.l);
    migration_registry_free(dst.side.r);
}

/* The destination refuses the id and says so, escaped, on both sides. */
static void evil_id_over_a_socket_fails_cleanly_on_both_sides(void)
{
    static const char msg[] = "section id byte 0x0a is not printable at "
                              "byte 25";
    /* binary stream of one section "evil\nqvisit: injected line". */
    g_autoptr(GByteArray) stream = g_byte_array_new();
    g_autoptr(GByteArray) body = g_byte_array_new();
    g_autoptr(GByteArray) st = NULL;
    static const char id[] = "evil\nqvisit: injected line";
    static const uint8_t head[] = { 'Q', 'V', 'S', 'D', 1, 0, 6, 'q', 'v',
                                    'i', 's', 'i', 't', 0 };
    static const uint8_t tail[] = { 0, 1, 0, 0x0e, 0 };
    uint8_t b;
    uLong crc;
    Dest dst = { 0 };
    GThread *t;

    g_byte_array_append(stream, head, sizeof(head));
    crc = crc32(0, head, sizeof(head));
    for (int i = 3; i >= 0; i--) {
        b = crc >> (8 * i);
        g_byte_array_append(stream, &b, 1);
    }
    b = 0x01;
    g_byte_array_append(body, &b, 1);
    b = 1 + strlen(id) + sizeof(tail);
    g_byte_array_append(body, &b, 1);
    b = strlen(id);
    g_byte_array_append(body, &b, 1);
    g_byte_array_append(body, (const uint8_t *)id, strlen(id));
    g_byte_array_append(body, tail, sizeof(tail));
    crc = crc32(0, body->data, body->len);
    g_byte_array_append(stream, body->data, body->len);
    for (int i = 3; i >= 0; i--) {
        b = crc >> (8 * i);
        g_byte_array_append(stream, &b, 1);
    }
    b = 0;
    g_byte_array_append(stream, &b, 1);

    side_init(&dst.side, 0);
    dst.l = migration_listen("tcp:127.0.0.1:0", NULL);
    t = g_thread_new("dest", dest_thread, &dst);
    st = read_rest(raw_source(migration_listener_get_uri(dst.l), true,
                              MIGRATION_CAP_ALL, stream));
    g_thread_join(t);
    CU_ASSERT_FALSE(dst.ok);
    ASSERT_ERROR(dst.err, QVISIT_ERROR_PARSE, msg);
    assert_status(st, QVISIT_ERROR_PARSE, msg);
    migration_listener_free(dst.l);
    side_clear(&dst.side);
}

/* A destination that answers with hostile text. */
typedef struct EvilDest {
    int lfd;
    const char *msg;
} EvilDest;

static gpointer evil_dest_thread(gpointer p)
{
    EvilDest *e = p;
    int fd = accept(e->lfd, NULL, NULL);
    uint8_t hello[13] = { 'Q', 'V', 'H', 'S', 1, 0, 0, 0, 0, 0, 0, 0,
                          MIGRATION_CAP_ALL };
    uint8_t buf[4096];
    g_autoptr(GByteArray) st = g_byte_array_new();
    size_t len = strlen(e->msg);
    uint8_t head[13] = { 'Q', 'V', 'S', 'T', 1, 0, 0, 0,
                         QVISIT_ERROR_UNKNOWN, len >> 24, len >> 16,
                         len >> 8, len };
    ssize_t n = write(fd, hello, sizeof(hello));

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        /* the source's hello and stream, until it shuts down */
    }
    g_byte_array_append(st, head, sizeof(head));
    g_byte_array_append(st, (const uint8_t *)e->msg, len);
    n = write(fd, st->data, st->len);
    (void)n;
    close(fd);
    return NULL;
}

static void destination_status_text_is_escaped_at_the_source(void)
{
    Side src;
    EvilDest e = { .msg = "evil\nqvisit: injected line: unknown device"
                          "\x1b]0;owned\x07\xff" };
    uint16_t port;
    g_autofree char *uri = NULL;
    g_autofree char *want = NULL;
    GThread *t;
    GError *err = NULL;

    side_init(&src, 2);
    e.lfd = raw_listener(&port);
    uri = g_strdup_printf("tcp:127.0.0.1:%u", port);
    want = g_strdup_printf("%s: destination failed to load: evil\\x0aqvisit: "
                           "injected line: unknown device\\x1b]0;owned"
                           "\\x07\\xff", uri);
    t = g_thread_new("evil", evil_dest_thread, &e);
    CU_ASSERT_FALSE(migration_outgoing(src.r, uri, NULL, &err));
    g_thread_join(t);
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN, want);
    close(e.lfd);
    side_clear(&src);
}

/* What a destination whose mask has no binary or JSON gets from a source
 * that sends them anyway: refused, nothing loaded, the reason on the
 * return path when there is one. */
static void masked_destination_refuses(uint64_t dst_caps, bool hello,
                                       uint64_t src_caps,
                                       MigrationFormat format,
                                       const char *msg)
{
    Side src;
    Dest dst = { 0 };
    g_autoptr(GByteArray) stream = g_byte_array_new();
    g_autoptr(GByteArray) st = NULL;
    TDev zero;
    GThread *t;

    memset(&zero, 0, sizeof(zero));
    side_init(&src, 9);
    side_init(&dst.side, 0);
    migration_set_capabilities(dst.side.r, dst_caps);
    CU_ASSERT_TRUE(migration_save(src.r, format, stream, NULL, NULL));
    dst.l = migration_listen("tcp:127.0.0.1:0", NULL);
    t = g_thread_new("dest", dest_thread, &dst);
    st = read_rest(raw_source(migration_listener_get_uri(dst.l), hello,
                              src_caps, stream));
    g_thread_join(t);
    CU_ASSERT_FALSE(dst.ok);
    ASSERT_ERROR(dst.err, QVISIT_ERROR_INVALID, msg);
    CU_ASSERT_TRUE(tdev_equal(&dst.side.dev, &zero));
    CU_ASSERT_EQUAL(dst.side.dev.paused, 0);
    if (hello && (dst_caps & src_caps & MIGRATION_CAP_RETURN_PATH)) {
        assert_status(st, QVISIT_ERROR_INVALID, msg);
    } else {
        CU_ASSERT_EQUAL(st->len, 0);
    }
    migration_listener_free(dst.l);
    side_clear(&src);
    side_clear(&dst.side);
}

static void legacy_destination_refuses_binary_and_json_without_handshake(void)
{
    masked_destination_refuses(0, false, 0, MIGRATION_FORMAT_BINARY,
                               "binary stream refused: capability 'binary' "
                               "is not enabled (capabilities: none)");
    masked_destination_refuses(MIGRATION_CAP_RETURN_PATH, false, 0,
                               MIGRATION_FORMAT_JSON,
                               "json stream refused: capability 'json' is "
                               "not enabled (capabilities: return-path)");
}

static void destination_refuses_formats_the_handshake_did_not_agree(void)
{
    /* Masked to legacy, the source offering only the return path. */
    masked_destination_refuses(MIGRATION_CAP_RETURN_PATH, true,
                               MIGRATION_CAP_RETURN_PATH,
                               MIGRATION_FORMAT_BINARY,
                               "binary stream refused: capability 'binary' "
                               "is not enabled (capabilities: return-path)");
    masked_destination_refuses(MIGRATION_CAP_RETURN_PATH, true,
                               MIGRATION_CAP_RETURN_PATH,
                               MIGRATION_FORMAT_JSON,
                               "json stream refused: capability 'json' is "
                               "not enabled (capabilities: return-path)");
    /* A destination that could read binary, when the source did not
     * offer it: the agreement decides. */
    masked_destination_refuses(MIGRATION_CAP_ALL, true,
                               MIGRATION_CAP_RETURN_PATH,
                               MIGRATION_FORMAT_BINARY,
                               "binary stream refused: capability 'binary' "
                               "is not enabled (capabilities: return-path)");
}

/* A peer without the handshake gets what the mask allows from a file. */
static void destination_loads_what_its_mask_allows_without_handshake(void)
{
    Side src;
    Dest dst = { 0 };
    g_autoptr(GByteArray) stream = g_byte_array_new();
    g_autoptr(GByteArray) st = NULL;
    GThread *t;

    side_init(&src, 10);
    side_init(&dst.side, 0);
    migration_set_capabilities(dst.side.r, MIGRATION_CAP_JSON);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_JSON, stream, NULL,
                                  NULL));
    dst.l = migration_listen("tcp:127.0.0.1:0", NULL);
    t = g_thread_new("dest", dest_thread, &dst);
    st = read_rest(raw_source(migration_listener_get_uri(dst.l), false, 0,
                              stream));
    g_thread_join(t);
    ASSERT_NO_ERROR(dst.err);
    CU_ASSERT_TRUE(dst.ok);
    CU_ASSERT_TRUE(tdev_equal(&src.dev, &dst.side.dev));
    CU_ASSERT_EQUAL(st->len, 0);
    migration_report_free(dst.report);
    migration_listener_free(dst.l);
    side_clear(&src);
    side_clear(&dst.side);
}

static void masked_registry_loads_only_legacy(void)
{
    Side src, dst;
    TDev zero;
    GError *err = NULL;

    memset(&zero, 0, sizeof(zero));
    side_init(&src, 11);
    side_init(&dst, 0);
    migration_set_capabilities(dst.r, MIGRATION_CAP_RETURN_PATH);
    for (int f = MIGRATION_FORMAT_LEGACY; f <= MIGRATION_FORMAT_JSON; f++) {
        g_autoptr(GByteArray) stream = g_byte_array_new();

        CU_ASSERT_TRUE(migration_save(src.r, f, stream, NULL, NULL));
        if (f == MIGRATION_FORMAT_LEGACY) {
            continue;
        }
        CU_ASSERT_FALSE(migration_load(dst.r, stream->data, stream->len,
                                       NULL, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                     f == MIGRATION_FORMAT_BINARY
                         ? "binary stream refused: capability 'binary' is "
                           "not enabled (capabilities: return-path)"
                         : "json stream refused: capability 'json' is not "
                           "enabled (capabilities: return-path)");
        CU_ASSERT_TRUE(tdev_equal(&dst.dev, &zero));
    }
    {
        g_autoptr(GByteArray) stream = g_byte_array_new();

        CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, stream,
                                      NULL, NULL));
        CU_ASSERT_TRUE(migration_load(dst.r, stream->data, stream->len,
                                      NULL, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(tdev_equal(&src.dev, &dst.dev));
    }
    side_clear(&src);
    side_clear(&dst);
}

/* --- Unix listeners ------------------------------------------------------- */

static void second_unix_listener_on_a_live_path_is_address_in_use(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *path = g_build_filename(dir, "mig.sock", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    g_autofree char *want = g_strdup_printf("%s: listen: %s", uri,
                                            g_strerror(EADDRINUSE));
    Side src;
    Dest dst = { 0 };
    MigrationListener *second;
    GThread *t;
    GError *err = NULL;

    side_init(&src, 12);
    side_init(&dst.side, 0);
    dst.l = migration_listen(uri, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dst.l);
    second = migration_listen(uri, &err);
    CU_ASSERT_PTR_NULL(second);
    ASSERT_ERROR(err, QVISIT_ERROR_IO, want);
    if (second) {
        /* It took the path over: nothing can reach the first one. */
        migration_listener_free(second);
        migration_listener_free(dst.l);
        rmdir(dir);
        side_clear(&src);
        side_clear(&dst.side);
        return;
    }
    /* The first listener still owns the path and works. */
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_EXISTS));
    t = g_thread_new("dest", dest_thread, &dst);
    CU_ASSERT_TRUE(migration_outgoing(src.r, uri, NULL, &err));
    ASSERT_NO_ERROR(err);
    g_thread_join(t);
    ASSERT_NO_ERROR(dst.err);
    CU_ASSERT_TRUE(dst.ok);
    CU_ASSERT_TRUE(tdev_equal(&src.dev, &dst.side.dev));
    migration_report_free(dst.report);
    migration_listener_free(dst.l);
    CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
    rmdir(dir);
    side_clear(&src);
    side_clear(&dst.side);
}

static void stale_unix_socket_file_is_reused(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *path = g_build_filename(dir, "mig.sock", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    Side src;
    Dest dst = { 0 };
    GThread *t;
    GError *err = NULL;

    /* A listener that died without removing its socket file. */
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    CU_ASSERT_EQUAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    CU_ASSERT_EQUAL(listen(fd, 1), 0);
    close(fd);
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_EXISTS));
    side_init(&src, 13);
    side_init(&dst.side, 0);
    dst.l = migration_listen(uri, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dst.l);
    t = g_thread_new("dest", dest_thread, &dst);
    CU_ASSERT_TRUE(migration_outgoing(src.r, uri, NULL, &err));
    ASSERT_NO_ERROR(err);
    g_thread_join(t);
    CU_ASSERT_TRUE(dst.ok);
    CU_ASSERT_TRUE(tdev_equal(&src.dev, &dst.side.dev));
    migration_report_free(dst.report);
    migration_listener_free(dst.l);
    rmdir(dir);
    side_clear(&src);
    side_clear(&dst.side);
}

/* --- Files and fds ------------------------------------------------------ */

static void file_snapshot_is_written_atomically_and_loads_back(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *path = g_build_filename(dir, "snap.qv", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    Side src, dst;
    g_autoptr(GDir) d = NULL;
    GError *err = NULL;
    int entries = 0;

    side_init(&src, 7);
    side_init(&dst, 0);
    CU_ASSERT_TRUE(g_file_set_contents(path, "old", 3, NULL));
    CU_ASSERT_TRUE(migration_outgoing(src.r, uri, NULL, &err));
    ASSERT_NO_ERROR(err);
    /* Only the final file is left: the temporary one was renamed. */
    d = g_dir_open(dir, 0, NULL);
    while (g_dir_read_name(d)) {
        entries++;
    }
    CU_ASSERT_EQUAL(entries, 1);
    CU_ASSERT_TRUE(migration_incoming(dst.r, uri, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&src.dev, &dst.dev));
    unlink(path);
    rmdir(dir);
    side_clear(&src);
    side_clear(&dst);
}

static void missing_file_names_the_uri(void)
{
    Side dst;
    GError *err = NULL;

    side_init(&dst, 0);
    CU_ASSERT_FALSE(migration_incoming(dst.r, "file:/nonexistent/x", NULL,
                                       &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO,
                 "file:/nonexistent/x: open: No such file or directory");
    CU_ASSERT_FALSE(migration_outgoing(dst.r, "file:/nonexistent/x", NULL,
                                       &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO,
                 "/nonexistent/x: create temporary file: No such file or "
                 "directory");
    side_clear(&dst);
}

static void fd_pipe_carries_a_stream(void)
{
    Side src, dst;
    int p[2];
    g_autofree char *wuri = NULL;
    g_autofree char *ruri = NULL;
    GError *err = NULL;

    side_init(&src, 8);
    side_init(&dst, 0);
    CU_ASSERT_EQUAL(pipe(p), 0);
    wuri = g_strdup_printf("fd:%d", p[1]);
    ruri = g_strdup_printf("fd:%d", p[0]);
    /* The stream is small enough for the pipe's buffer. */
    migration_set_format(src.r, MIGRATION_FORMAT_BINARY);
    CU_ASSERT_TRUE(migration_outgoing(src.r, wuri, NULL, &err));
    ASSERT_NO_ERROR(err);
    close(p[1]);
    CU_ASSERT_TRUE(migration_incoming(dst.r, ruri, NULL, &err));
    ASSERT_NO_ERROR(err);
    close(p[0]);
    CU_ASSERT_TRUE(tdev_equal(&src.dev, &dst.dev));
    side_clear(&src);
    side_clear(&dst);
}

static const TestCase tests[] = {
    { "capabilities_intersect_and_choose_the_format",
      capabilities_intersect_and_choose_the_format },
    { "capabilities_print_and_parse", capabilities_print_and_parse },
    { "set_capabilities_masks_the_query", set_capabilities_masks_the_query },
    { "tcp_ipv4_migrates_in_binary_when_both_can",
      tcp_ipv4_migrates_in_binary_when_both_can },
    { "tcp_falls_back_to_legacy_without_common_binary",
      tcp_falls_back_to_legacy_without_common_binary },
    { "tcp_ipv6_loopback_migrates", tcp_ipv6_loopback_migrates },
    { "unix_socket_migrates", unix_socket_migrates },
    { "peer_that_does_not_answer_gets_a_legacy_stream",
      peer_that_does_not_answer_gets_a_legacy_stream },
    { "destination_vanishing_mid_stream_fails_the_source",
      destination_vanishing_mid_stream_fails_the_source },
    { "source_vanishing_mid_stream_leaves_destination_untouched",
      source_vanishing_mid_stream_leaves_destination_untouched },
    { "destination_load_error_comes_back_on_the_return_path",
      destination_load_error_comes_back_on_the_return_path },
    { "destination_that_stops_reading_fails_the_source",
      destination_that_stops_reading_fails_the_source },
    { "source_that_sends_nothing_fails_the_destination",
      source_that_sends_nothing_fails_the_destination },
    { "connect_refused_names_the_uri_and_os_error",
      connect_refused_names_the_uri_and_os_error },
    { "bad_uris_are_rejected", bad_uris_are_rejected },
    { "file_snapshot_is_written_atomically_and_loads_back",
      file_snapshot_is_written_atomically_and_loads_back },
    { "missing_file_names_the_uri", missing_file_names_the_uri },
    { "fd_pipe_carries_a_stream", fd_pipe_carries_a_stream },
    { "destination_sends_its_error_escaped",
      destination_sends_its_error_escaped },
    { "evil_id_over_a_socket_fails_cleanly_on_both_sides",
      evil_id_over_a_socket_fails_cleanly_on_both_sides },
    { "destination_status_text_is_escaped_at_the_source",
      destination_status_text_is_escaped_at_the_source },
    { "legacy_destination_refuses_binary_and_json_without_handshake",
      legacy_destination_refuses_binary_and_json_without_handshake },
    { "destination_refuses_formats_the_handshake_did_not_agree",
      destination_refuses_formats_the_handshake_did_not_agree },
    { "destination_loads_what_its_mask_allows_without_handshake",
      destination_loads_what_its_mask_allows_without_handshake },
    { "masked_registry_loads_only_legacy", masked_registry_loads_only_legacy },
    { "second_unix_listener_on_a_live_path_is_address_in_use",
      second_unix_listener_on_a_live_path_is_address_in_use },
    { "stale_unix_socket_file_is_reused", stale_unix_socket_file_is_reused },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("migration-transport", tests);
}
