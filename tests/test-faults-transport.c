/*
 * Transport faults: a real source and a real destination talk through a
 * proxy that disconnects, stalls or sends garbage at one stage of the
 * stream (the handshake, the middle of a section, just before the end).
 * Both sides must report a clean error, the source's devices must be
 * resumed and unchanged, and the destination's untouched.
 *
 * Snapshot files: a writer killed with SIGKILL at random points never
 * leaves a partial file under the final name, and the snapshot that was
 * there stays readable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tests/example-vm.h"
#include "tests/test-util.h"

/* Short, so stalls fail fast; long enough for a loaded machine. */
#define IO_TIMEOUT_MS 500
#define HELLO_LEN 13

static bool clean_error(const GError *err)
{
    return err && err->domain == QVISIT_ERROR && err->message[0] &&
           !strchr(err->message, '\n');
}

/* ---- the fault-injecting proxy ---- */

typedef enum {
    FAULT_NONE,
    FAULT_DISCONNECT,   /* close both connections at the offset */
    FAULT_STALL,        /* forward nothing more from the offset on */
    FAULT_GARBAGE,      /* replace every byte from the offset on */
    FAULT_BAD_RESULT,   /* garble the destination's load result */
} FaultKind;

static const char *const fault_names[] = {
    "none", "disconnect", "stall", "garbage", "bad result",
};

/* Where a socket listens: a loopback TCP port or a unix socket path. */
typedef struct Endpoint {
    bool is_unix;
    int port;
    struct sockaddr_un un;
} Endpoint;

/* A unix endpoint at @dir/@name. */
static void endpoint_unix(Endpoint *e, const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    *e = (Endpoint) { .is_unix = true, .un.sun_family = AF_UNIX };
    g_assert(strlen(path) < sizeof(e->un.sun_path));
    strcpy(e->un.sun_path, path);
}

/* Binds and listens; a TCP endpoint gets a free loopback port. */
static int endpoint_listen(Endpoint *e)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    int fd = socket(e->is_unix ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
                    0);

    g_assert(fd >= 0);
    if (e->is_unix) {
        g_assert(bind(fd, (struct sockaddr *)&e->un, sizeof(e->un)) == 0);
        g_assert(listen(fd, 1) == 0);
        return fd;
    }
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    g_assert(listen(fd, 1) == 0);
    g_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    e->port = ntohs(a.sin_port);
    return fd;
}

static int endpoint_connect(const Endpoint *e)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    int fd = socket(e->is_unix ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
                    0);

    g_assert(fd >= 0);
    if (e->is_unix) {
        g_assert(connect(fd, (const struct sockaddr *)&e->un,
                         sizeof(e->un)) == 0);
        return fd;
    }
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(e->port);
    g_assert(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    return fd;
}

static char *endpoint_uri(const Endpoint *e)
{
    return e->is_unix ? g_strdup_printf("unix:%s", e->un.sun_path)
                      : g_strdup_printf("tcp:127.0.0.1:%d", e->port);
}

typedef struct Proxy {
    int listen_fd;
    Endpoint at;        /* where the source connects */
    Endpoint dest;      /* where the destination listens */
    FaultKind kind;
    size_t offset;      /* in the source-to-destination bytes */
    GThread *thread;
} Proxy;

static bool write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        p += w;
        n -= w;
    }
    return true;
}

static gpointer proxy_run(gpointer opaque)
{
    Proxy *p = opaque;
    int src = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    int dst = endpoint_connect(&p->dest);
    bool src_open = true, dst_open = true, stalled = false;
    size_t pos = 0, back = 0;

    g_assert(src >= 0);
    while (src_open || dst_open) {
        struct pollfd fds[2] = {
            { .fd = src_open ? src : -1, .events = POLLIN },
            { .fd = dst_open ? dst : -1, .events = POLLIN },
        };
        uint8_t buf[4096];
        ssize_t n;

        if (poll(fds, 2, -1) < 0) {
            g_assert(errno == EINTR);
            continue;
        }
        if (fds[1].revents) {
            /* Destination to source: hellos and the load's result. */
            n = recv(dst, buf, sizeof(buf), 0);
            if (n <= 0) {
                dst_open = false;
                /* The destination gave up: so does the link. */
                break;
            }
            /* Keep the destination's hello, garble what follows it. */
            for (ssize_t i = 0; p->kind == FAULT_BAD_RESULT && i < n; i++) {
                if (back + i >= HELLO_LEN) {
                    buf[i] ^= 0x5a;
                }
            }
            back += n;
            write_all(src, buf, n);
        }
        if (fds[0].revents) {
            n = recv(src, buf, sizeof(buf), 0);
            if (n <= 0) {
                src_open = false;
                if (!stalled) {
                    shutdown(dst, SHUT_WR);
                }
                continue;
            }
            if (p->kind != FAULT_NONE && p->kind != FAULT_BAD_RESULT &&
                pos + n > p->offset) {
                size_t keep = p->offset > pos ? p->offset - pos : 0;

                if (p->kind == FAULT_DISCONNECT) {
                    write_all(dst, buf, keep);
                    break;
                }
                if (p->kind == FAULT_STALL) {
                    if (!stalled) {
                        write_all(dst, buf, keep);
                    }
                    stalled = true;
                    pos += n;
                    continue;
                }
                memset(buf + keep, 0x5a, n - keep);
            }
            if (!stalled) {
                write_all(dst, buf, n);
            }
            pos += n;
        }
    }
    close(src);
    close(dst);
    return NULL;
}

static void proxy_start(Proxy *p, FaultKind kind, size_t offset)
{
    p->listen_fd = endpoint_listen(&p->at);
    p->kind = kind;
    p->offset = offset;
    p->thread = g_thread_new("proxy", proxy_run, p);
}

static void proxy_join(Proxy *p)
{
    g_thread_join(p->thread);
    close(p->listen_fd);
}

/* ---- one migration through the proxy ---- */

typedef struct Dest {
    MigrationListener *l;
    ExampleVm *vm;
    bool ok;
    GError *err;
} Dest;

static gpointer dest_run(gpointer opaque)
{
    Dest *d = opaque;

    d->ok = migration_listener_accept(d->l, d->vm->r, NULL, &d->err);
    return NULL;
}

static int uri_port(const char *uri)
{
    const char *colon = strrchr(uri, ':');

    g_assert(colon);
    return atoi(colon + 1);
}

/*
 * Where the device sections of a stream end: in the legacy format the EOF
 * record (0x00) followed by the vmdesc record (0x06, be32 length, JSON to
 * the end); elsewhere the end of the stream.
 */
static size_t sections_end(const GByteArray *s, MigrationFormat format)
{
    for (size_t i = 0; format == MIGRATION_FORMAT_LEGACY && i + 6 <= s->len;
         i++) {
        const uint8_t *p = s->data + i;
        size_t json = ((size_t)p[2] << 24) | (p[3] << 16) | (p[4] << 8) |
                      p[5];

        if (p[0] == 0x00 && p[1] == 0x06 && i + 6 + json == s->len) {
            return i;
        }
    }
    return s->len;
}

/*
 * One migration through a proxy injecting @kind at @offset, over loopback
 * TCP or, when @unix_dir is set, over unix sockets in that directory.
 */
static void migrate_with_fault(uint64_t caps, const char *unix_dir,
                               FaultKind kind, size_t offset,
                               const char *stage)
{
    ExampleVm *src = example_vm_new(EXAMPLE_RELEASE_MAX, 1);
    Dest d = { .vm = example_vm_new(EXAMPLE_RELEASE_MAX, 2) };
    g_autoptr(QDict) src_before = example_vm_snapshot(src);
    g_autoptr(QDict) dst_before = example_vm_snapshot(d.vm);
    g_autoptr(QDict) src_after = NULL;
    g_autoptr(QDict) dst_after = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *dest_uri = NULL;
    g_autofree char *uri = NULL;
    GThread *dest_thread;
    Proxy p = { 0 };
    bool ok;
    /*
     * Garbage after EOF in a legacy stream lands in the vmdesc only: a
     * destination whose devices have the stream's versions loads the
     * intact payloads without reading the description, as QEMU's loader
     * does (docs/migration-core.md), so both sides succeed.
     */
    bool vmdesc_only = kind == FAULT_GARBAGE &&
                       !(caps & MIGRATION_CAP_BINARY) &&
                       !strcmp(stage, "after EOF");

    for (ExampleVm *vm = src; vm; vm = vm == src ? d.vm : NULL) {
        migration_set_capabilities(vm->r, caps);
        migration_set_io_timeout(vm->r, IO_TIMEOUT_MS);
    }
    if (unix_dir) {
        endpoint_unix(&p.dest, unix_dir, "dest.sock");
        endpoint_unix(&p.at, unix_dir, "proxy.sock");
        dest_uri = endpoint_uri(&p.dest);
    } else {
        dest_uri = g_strdup("tcp:127.0.0.1:0");
    }
    d.l = migration_listen(dest_uri, &err);
    ASSERT_NO_ERROR(err);
    g_assert(d.l);
    if (!unix_dir) {
        p.dest.port = uri_port(migration_listener_get_uri(d.l));
    }
    dest_thread = g_thread_new("dest", dest_run, &d);
    proxy_start(&p, kind, offset);
    uri = endpoint_uri(&p.at);
    ok = migration_outgoing(src->r, uri, NULL, &err);
    g_thread_join(dest_thread);
    proxy_join(&p);
    if (unix_dir) {
        g_unlink(p.at.un.sun_path);
    }

    src_after = example_vm_snapshot(src);
    dst_after = example_vm_snapshot(d.vm);
    /* The source's devices are resumed and unchanged in every case. */
    CU_ASSERT_EQUAL(src->paused, src->resumed);
    CU_ASSERT_TRUE(src->paused > 0);
    ASSERT_QOBJECT_EQUAL(QOBJECT(src_after), QOBJECT(src_before));
    if (kind == FAULT_NONE || vmdesc_only) {
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(ok && d.ok);
        ASSERT_QOBJECT_EQUAL(QOBJECT(dst_after), QOBJECT(src_before));
    } else if (kind == FAULT_BAD_RESULT) {
        /* The destination loaded; the source cannot know it, so it must
         * fail and keep running on its own, unchanged state. */
        if (ok || !clean_error(err) || !d.ok || getenv("FAULTS_VERBOSE")) {
            fprintf(stderr, "\nbad result: source %s, destination %s\n",
                    ok ? "succeeded" : err ? err->message : "no error",
                    d.ok ? "loaded" : d.err ? d.err->message : "no error");
        }
        CU_ASSERT_FALSE(ok);
        CU_ASSERT_TRUE(clean_error(err));
        CU_ASSERT_TRUE(d.ok);
        ASSERT_QOBJECT_EQUAL(QOBJECT(dst_after), QOBJECT(src_before));
    } else {
        if (ok || d.ok || !clean_error(err) || !clean_error(d.err) ||
            getenv("FAULTS_VERBOSE")) {
            fprintf(stderr, "\n%s at %s (byte %zu, %s): source %s, "
                    "destination %s\n", fault_names[kind], stage, offset,
                    unix_dir ? "unix" : "tcp",
                    ok ? "succeeded" : err ? err->message : "no error",
                    d.ok ? "succeeded" : d.err ? d.err->message :
                    "no error");
        }
        CU_ASSERT_FALSE(ok);
        CU_ASSERT_TRUE(clean_error(err));
        CU_ASSERT_FALSE(d.ok);
        CU_ASSERT_TRUE(clean_error(d.err));
        ASSERT_QOBJECT_EQUAL(QOBJECT(dst_after), QOBJECT(dst_before));
    }
    g_clear_error(&d.err);
    migration_listener_free(d.l);
    example_vm_free(d.vm);
    example_vm_free(src);
}

static void run_fault_matrix(uint64_t caps, MigrationFormat format,
                             bool over_unix)
{
    ExampleVm *src = example_vm_new(EXAMPLE_RELEASE_MAX, 1);
    g_autoptr(GByteArray) stream = example_vm_save(src, format);
    size_t end = HELLO_LEN + sections_end(stream, format);
    /* Offsets in what the source sends: its hello, then the stream. */
    const struct {
        const char *stage;
        size_t offset;
    } stages[] = {
        { "handshake", 5 },
        { "mid-section", HELLO_LEN + (end - HELLO_LEN) / 2 },
        { "before EOF", end - 1 },
        { "after EOF", HELLO_LEN + stream->len - 2 },
    };
    g_autofree char *dir = NULL;

    example_vm_free(src);
    if (over_unix) {
        dir = g_dir_make_tmp("qvisit-faults-XXXXXX", NULL);
        g_assert(dir);
    }
    migrate_with_fault(caps, dir, FAULT_NONE, 0, "-");
    migrate_with_fault(caps, dir, FAULT_BAD_RESULT, 0, "result");
    for (int k = FAULT_DISCONNECT; k <= FAULT_GARBAGE; k++) {
        for (size_t s = 0; s < G_N_ELEMENTS(stages); s++) {
            migrate_with_fault(caps, dir, k, stages[s].offset,
                               stages[s].stage);
        }
    }
    if (dir) {
        g_assert(g_rmdir(dir) == 0);
    }
}

static void binary_stream_faults_fail_both_sides_cleanly(void)
{
    run_fault_matrix(MIGRATION_CAP_ALL, MIGRATION_FORMAT_BINARY, false);
}

static void legacy_stream_faults_fail_both_sides_cleanly(void)
{
    run_fault_matrix(MIGRATION_CAP_RETURN_PATH, MIGRATION_FORMAT_LEGACY,
                     false);
}

/* The same faults over unix sockets, the transport of local migrations. */
static void binary_stream_faults_over_unix_fail_both_sides_cleanly(void)
{
    run_fault_matrix(MIGRATION_CAP_ALL, MIGRATION_FORMAT_BINARY, true);
}

static void legacy_stream_faults_over_unix_fail_both_sides_cleanly(void)
{
    run_fault_matrix(MIGRATION_CAP_RETURN_PATH, MIGRATION_FORMAT_LEGACY,
                     true);
}

/* ---- snapshot files killed mid-write ---- */

#define BLOBS 4

/* Distinct whole snapshots of distinct sizes; blob 0 is a real one. */
static GByteArray *make_blob(unsigned i)
{
    ExampleVm *vm = example_vm_new(EXAMPLE_RELEASE_MAX, 100 + i);
    GByteArray *b = example_vm_save(vm, MIGRATION_FORMAT_BINARY);

    example_vm_free(vm);
    if (i > 0) {
        /* Large enough that a kill often lands inside the write. */
        g_byte_array_set_size(b, (size_t)i << 20);
        memset(b->data, 'A' + i, b->len);
    }
    return b;
}

static int blob_index(const GByteArray *const *blobs, const void *data,
                      size_t len)
{
    for (int i = 0; i < BLOBS; i++) {
        if (blobs[i]->len == len && !memcmp(blobs[i]->data, data, len)) {
            return i;
        }
    }
    return -1;
}

static void snapshot_killed_mid_write_stays_whole(void)
{
    g_autofree char *dir = g_dir_make_tmp("qvisit-faults-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "vm.snap", NULL);
    GByteArray *blobs[BLOBS];
    uint64_t rng = 42;
    int seen[BLOBS] = { 0 };

    for (unsigned i = 0; i < BLOBS; i++) {
        blobs[i] = make_blob(i);
    }
    CU_ASSERT_TRUE(migration_write_file_atomic(path, blobs[0]->data,
                                               blobs[0]->len, NULL));
    for (int round = 0; round < 40; round++) {
        g_autofree char *data = NULL;
        gsize len = 0;
        pid_t pid = fork();
        int status;

        g_assert(pid >= 0);
        if (pid == 0) {
            for (unsigned i = 1;; i = i % (BLOBS - 1) + 1) {
                migration_write_file_atomic(path, blobs[i]->data,
                                            blobs[i]->len, NULL);
            }
        }
        g_usleep(test_rand_next(&rng) % 30000);
        kill(pid, SIGKILL);
        g_assert(waitpid(pid, &status, 0) == pid);
        CU_ASSERT_TRUE(g_file_get_contents(path, &data, &len, NULL));
        {
            int idx = blob_index((const GByteArray *const *)blobs, data,
                                 len);

            CU_ASSERT_TRUE(idx >= 0);
            if (idx >= 0) {
                seen[idx]++;
            }
        }
        /* Put the real snapshot back and check it still loads. */
        CU_ASSERT_TRUE(migration_write_file_atomic(path, blobs[0]->data,
                                                   blobs[0]->len, NULL));
    }
    {
        /* The snapshot that is there loads into a VM. */
        ExampleVm *vm = example_vm_new(EXAMPLE_RELEASE_MAX, 9);
        g_autofree char *data = NULL;
        gsize len = 0;
        g_autoptr(GError) err = NULL;

        CU_ASSERT_TRUE(g_file_get_contents(path, &data, &len, NULL));
        CU_ASSERT_TRUE(migration_load(vm->r, data, len, NULL, &err));
        ASSERT_NO_ERROR(err);
        example_vm_free(vm);
    }
    for (unsigned i = 0; i < BLOBS; i++) {
        g_byte_array_unref(blobs[i]);
    }
    /* Leftover temporary files of killed writers are allowed; the final
     * name never held a partial file. Clean the directory. */
    {
        GDir *d = g_dir_open(dir, 0, NULL);
        const char *name;

        while ((name = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(dir, name, NULL);

            g_unlink(p);
        }
        g_dir_close(d);
        g_rmdir(dir);
    }
}

static const TestCase tests[] = {
    { "binary_stream_faults_fail_both_sides_cleanly",
      binary_stream_faults_fail_both_sides_cleanly },
    { "legacy_stream_faults_fail_both_sides_cleanly",
      legacy_stream_faults_fail_both_sides_cleanly },
    { "binary_stream_faults_over_unix_fail_both_sides_cleanly",
      binary_stream_faults_over_unix_fail_both_sides_cleanly },
    { "legacy_stream_faults_over_unix_fail_both_sides_cleanly",
      legacy_stream_faults_over_unix_fail_both_sides_cleanly },
    { "snapshot_killed_mid_write_stays_whole",
      snapshot_killed_mid_write_stays_whole },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("faults-transport", tests);
}
