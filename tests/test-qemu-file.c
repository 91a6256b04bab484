/* QEMUFile: puts, gets, peeks, backends, sticky errors. */
#include "qvisit/qemu-file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tests/test-util.h"

/* The read window qemufile/ lends to the QEMU stream reader. */
#include "qemufile/qemu-file-window.h"

enum { PUT_BYTE, PUT_BE16, PUT_BE32, PUT_BE64 };

static void put(QEMUFile *f, int op, uint64_t v)
{
    switch (op) {
    case PUT_BYTE:
        qemu_put_byte(f, (int)v);
        break;
    case PUT_BE16:
        qemu_put_be16(f, (unsigned int)v);
        break;
    case PUT_BE32:
        qemu_put_be32(f, (unsigned int)v);
        break;
    default:
        qemu_put_be64(f, v);
        break;
    }
}

static const struct {
    int op;
    uint64_t v;
    size_t len;
    uint8_t want[8];
} put_cases[] = {
    { PUT_BYTE, 0, 1, { 0x00 } },
    { PUT_BYTE, 1, 1, { 0x01 } },
    { PUT_BYTE, 0x7f, 1, { 0x7f } },
    { PUT_BYTE, 0x80, 1, { 0x80 } },
    { PUT_BYTE, 0xff, 1, { 0xff } },
    { PUT_BYTE, 0x1ff, 1, { 0xff } },            /* only the low 8 bits */
    { PUT_BYTE, (uint64_t)-1, 1, { 0xff } },
    { PUT_BE16, 0, 2, { 0x00, 0x00 } },
    { PUT_BE16, 1, 2, { 0x00, 0x01 } },
    { PUT_BE16, 0x8000, 2, { 0x80, 0x00 } },
    { PUT_BE16, 0xffff, 2, { 0xff, 0xff } },
    { PUT_BE16, 0x12345, 2, { 0x23, 0x45 } },    /* only the low 16 bits */
    { PUT_BE16, 0x1234, 2, { 0x12, 0x34 } },
    { PUT_BE32, 0, 4, { 0, 0, 0, 0 } },
    { PUT_BE32, 1, 4, { 0, 0, 0, 1 } },
    { PUT_BE32, 0x80000000u, 4, { 0x80, 0, 0, 0 } },
    { PUT_BE32, 0xffffffffu, 4, { 0xff, 0xff, 0xff, 0xff } },
    { PUT_BE32, 0x12345678u, 4, { 0x12, 0x34, 0x56, 0x78 } },
    { PUT_BE64, 0, 8, { 0, 0, 0, 0, 0, 0, 0, 0 } },
    { PUT_BE64, 1, 8, { 0, 0, 0, 0, 0, 0, 0, 1 } },
    { PUT_BE64, 0x8000000000000000ull, 8, { 0x80, 0, 0, 0, 0, 0, 0, 0 } },
    { PUT_BE64, UINT64_MAX, 8,
      { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
    { PUT_BE64, 0x0123456789abcdefull, 8,
      { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } },
};

static void put_edge_values_write_exact_bytes(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(put_cases); i++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        QEMUFile *f = qemu_fopen_bytearray(out);

        put(f, put_cases[i].op, put_cases[i].v);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), put_cases[i].len);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        ASSERT_BYTES_EQUAL(out->data, out->len, put_cases[i].want,
                           put_cases[i].len);
    }
}

static uint64_t get(QEMUFile *f, size_t width)
{
    switch (width) {
    case 1:
        return qemu_get_byte(f);
    case 2:
        return qemu_get_be16(f);
    case 4:
        return qemu_get_be32(f);
    default:
        return qemu_get_be64(f);
    }
}

static const uint8_t pattern[8] = {
    0xf1, 0xe2, 0xd3, 0xc4, 0xb5, 0xa6, 0x97, 0x88
};

static void get_each_width_decodes_big_endian(void)
{
    static const struct { size_t width; uint64_t want; } cases[] = {
        { 1, 0xf1 },
        { 2, 0xf1e2 },
        { 4, 0xf1e2d3c4u },
        { 8, 0xf1e2d3c4b5a69788ull },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QEMUFile *f = qemu_fopen_mem(pattern, sizeof(pattern));

        CU_ASSERT_EQUAL(get(f, cases[i].width), cases[i].want);
        CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), cases[i].width);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    }
}

static void get_each_width_truncated_sets_eio_and_returns_zero(void)
{
    static const size_t widths[] = { 1, 2, 4, 8 };

    for (size_t w = 0; w < G_N_ELEMENTS(widths); w++) {
        for (size_t have = 0; have < widths[w]; have++) {
            QEMUFile *f = qemu_fopen_mem(pattern, have);

            CU_ASSERT_EQUAL(get(f, widths[w]), 0);
            CU_ASSERT_EQUAL(qemu_file_get_error(f), -EIO);
            /* The bytes that were there are consumed, no more. */
            CU_ASSERT_EQUAL(qemu_file_transferred(f), have);
            CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
        }
    }
}

static void get_after_error_is_noop(void)
{
    QEMUFile *f = qemu_fopen_mem(pattern, sizeof(pattern));
    uint8_t buf[4] = { 0 };
    uint8_t *p = NULL;

    CU_ASSERT_EQUAL(qemu_get_byte(f), 0xf1);
    qemu_file_set_error(f, -EBADMSG);
    qemu_file_set_error(f, -EIO);           /* the first error sticks */
    CU_ASSERT_EQUAL(qemu_get_byte(f), 0);
    CU_ASSERT_EQUAL(qemu_get_be16(f), 0);
    CU_ASSERT_EQUAL(qemu_get_be32(f), 0);
    CU_ASSERT_EQUAL(qemu_get_be64(f), 0);
    CU_ASSERT_EQUAL(qemu_get_buffer(f, buf, 2), 0);
    CU_ASSERT_EQUAL(qemu_peek_buffer(f, &p, 2, 0), 0);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 1);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), -EBADMSG);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EBADMSG);
}

static void get_buffer_truncated_returns_zero(void)
{
    QEMUFile *f = qemu_fopen_mem(pattern, sizeof(pattern));
    uint8_t buf[16];

    CU_ASSERT_EQUAL(qemu_get_buffer(f, buf, 3), 3);
    ASSERT_BYTES_EQUAL(buf, 3, pattern, 3);
    CU_ASSERT_EQUAL(qemu_get_buffer(f, buf, 0), 0);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
    CU_ASSERT_EQUAL(qemu_get_buffer(f, buf, 6), 0);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), -EIO);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 8);
    CU_ASSERT_EQUAL(qemu_get_byte(f), 0);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

static void peek_mem_points_into_data_and_consumes_nothing(void)
{
    QEMUFile *f = qemu_fopen_mem(pattern, sizeof(pattern));
    uint8_t *p = NULL;

    CU_ASSERT_EQUAL(qemu_get_byte(f), 0xf1);
    CU_ASSERT_EQUAL(qemu_peek_buffer(f, &p, 2, 1), 2);
    CU_ASSERT_PTR_EQUAL(p, pattern + 2);
    CU_ASSERT_EQUAL(qemu_peek_buffer(f, &p, 16, 3), 4);     /* near end */
    CU_ASSERT_PTR_EQUAL(p, pattern + 4);
    CU_ASSERT_EQUAL(qemu_peek_buffer(f, &p, 4, 7), 0);      /* past end */
    CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 1);
    CU_ASSERT_EQUAL(qemu_get_be16(f), 0xe2d3);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static void empty_mem_file_reads_nothing(void)
{
    QEMUFile *f = qemu_fopen_mem(NULL, 0);
    uint8_t *p = NULL;

    CU_ASSERT_EQUAL(qemu_peek_buffer(f, &p, 1, 0), 0);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
    CU_ASSERT_EQUAL(qemu_get_byte(f), 0);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

static void transferred_counts_buffered_bytes(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    uint8_t page[4096] = { 0 };

    CU_ASSERT_TRUE(qemu_file_is_writable(f));
    qemu_put_byte(f, 1);
    qemu_put_be16(f, 2);
    qemu_put_be32(f, 3);
    qemu_put_be64(f, 4);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 15);
    CU_ASSERT_EQUAL(out->len, 0);                /* still buffered */
    for (int i = 0; i < 20; i++) {
        qemu_put_buffer(f, page, sizeof(page));
    }
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 15 + 20 * 4096);
    CU_ASSERT_EQUAL(qemu_fflush(f), 0);
    CU_ASSERT_EQUAL(out->len, 15 + 20 * 4096);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static uint8_t *make_pattern(size_t len, uint64_t seed)
{
    uint8_t *p = g_malloc(len);

    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(test_rand_next(&seed) >> 56);
    }
    return p;
}

/* The same mixed sequence of puts, written to any file. */
static void put_mixed(QEMUFile *f, const uint8_t *big, size_t big_len)
{
    qemu_put_be32(f, 0xdeadbeef);
    qemu_put_buffer(f, big, 1000);
    qemu_put_buffer(f, big, big_len);         /* > 32 KiB: writev path */
    qemu_put_byte(f, 0x5a);
    qemu_put_buffer(f, big + 7, 32768);       /* exactly the buffer size */
    qemu_put_be64(f, 0x0102030405060708ull);
}

static GByteArray *expected_mixed(const uint8_t *big, size_t big_len)
{
    static const uint8_t head[] = { 0xde, 0xad, 0xbe, 0xef };
    static const uint8_t mid[] = { 0x5a };
    static const uint8_t tail[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    GByteArray *want = g_byte_array_new();

    g_byte_array_append(want, head, sizeof(head));
    g_byte_array_append(want, big, 1000);
    g_byte_array_append(want, big, big_len);
    g_byte_array_append(want, mid, sizeof(mid));
    g_byte_array_append(want, big + 7, 32768);
    g_byte_array_append(want, tail, sizeof(tail));
    return want;
}

static void bytearray_holds_every_byte_after_fclose(void)
{
    const size_t big_len = 100000;
    g_autofree uint8_t *big = make_pattern(big_len, 1);
    g_autoptr(GByteArray) want = expected_mixed(big, big_len);
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);

    put_mixed(f, big, big_len);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), want->len);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want->data, want->len);
}

/* Drains a pipe into a GByteArray; runs in its own thread. */
typedef struct Drain {
    int fd;
    GByteArray *got;
} Drain;

static void *drain_thread(void *opaque)
{
    Drain *d = opaque;
    uint8_t buf[3000];          /* odd size: many short reads on the far end */
    ssize_t r;

    while ((r = read(d->fd, buf, sizeof(buf))) != 0) {
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            break;
        }
        g_byte_array_append(d->got, buf, r);
    }
    return NULL;
}

static void fd_pipe_write(bool nonblocking)
{
    const size_t big_len = 300000;          /* larger than a pipe's buffer */
    g_autofree uint8_t *big = make_pattern(big_len, 2);
    g_autoptr(GByteArray) want = expected_mixed(big, big_len);
    Drain d = { .got = g_byte_array_new() };
    pthread_t th;
    int fds[2];
    QEMUFile *f;

    CU_ASSERT_FATAL(pipe(fds) == 0);
    if (nonblocking) {
        /* Partial writes and EAGAIN on the writing side. */
        fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    }
    d.fd = fds[0];
    CU_ASSERT_FATAL(pthread_create(&th, NULL, drain_thread, &d) == 0);
    f = qemu_fopen_fd(fds[1], "wb");
    put_mixed(f, big, big_len);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    /* qemu_fclose() left the descriptor open: it is still ours. */
    CU_ASSERT_NOT_EQUAL(fcntl(fds[1], F_GETFD), -1);
    close(fds[1]);
    pthread_join(th, NULL);
    close(fds[0]);
    ASSERT_BYTES_EQUAL(d.got->data, d.got->len, want->data, want->len);
    g_byte_array_unref(d.got);
}

static void fd_pipe_write_large_buffer_keeps_order(void)
{
    fd_pipe_write(false);
}

static void fd_pipe_write_nonblocking_handles_short_writes(void)
{
    fd_pipe_write(true);
}

/* Feeds a pipe in small chunks so the reader sees short reads. */
typedef struct Feed {
    int fd;
    const uint8_t *data;
    size_t len;
} Feed;

static void *feed_thread(void *opaque)
{
    Feed *fe = opaque;

    for (size_t off = 0; off < fe->len;) {
        size_t n = MIN(fe->len - off, 777);
        ssize_t r = write(fe->fd, fe->data + off, n);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            break;
        }
        off += r;
    }
    close(fe->fd);
    return NULL;
}

static void fd_pipe_read_short_reads_and_large_buffer(void)
{
    const size_t big_len = 200000;
    g_autofree uint8_t *big = make_pattern(big_len, 3);
    g_autoptr(GByteArray) stream = expected_mixed(big, big_len);
    g_autofree uint8_t *got = g_malloc(big_len);
    uint8_t small[1000];
    uint8_t *p = NULL;
    pthread_t th;
    int fds[2];
    QEMUFile *f;
    Feed fe;

    CU_ASSERT_FATAL(pipe(fds) == 0);
    fe = (Feed){ fds[1], stream->data, stream->len };
    CU_ASSERT_FATAL(pthread_create(&th, NULL, feed_thread, &fe) == 0);
    f = qemu_fopen_fd(fds[0], "rb");
    CU_ASSERT_EQUAL(qemu_peek_buffer(f, &p, 4, 0), 4);
    CU_ASSERT_EQUAL(p[0], 0xde);
    CU_ASSERT_EQUAL(qemu_peek_buffer(f, &p, 1000, 4), 1000);
    ASSERT_BYTES_EQUAL(p, 1000, big, 1000);
    CU_ASSERT_EQUAL(qemu_get_be32(f), 0xdeadbeef);
    CU_ASSERT_EQUAL(qemu_get_buffer(f, small, sizeof(small)), sizeof(small));
    ASSERT_BYTES_EQUAL(small, sizeof(small), big, 1000);
    CU_ASSERT_EQUAL(qemu_get_buffer(f, got, big_len), big_len);
    ASSERT_BYTES_EQUAL(got, big_len, big, big_len);
    CU_ASSERT_EQUAL(qemu_get_byte(f), 0x5a);
    CU_ASSERT_EQUAL(qemu_get_buffer(f, got, 32768), 32768);
    ASSERT_BYTES_EQUAL(got, 32768, big + 7, 32768);
    CU_ASSERT_EQUAL(qemu_get_be64(f), 0x0102030405060708ull);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), stream->len);
    CU_ASSERT_EQUAL(qemu_peek_buffer(f, &p, 1, 0), 0);      /* at the end */
    CU_ASSERT_EQUAL(qemu_get_be16(f), 0);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), -EIO);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
    CU_ASSERT_NOT_EQUAL(fcntl(fds[0], F_GETFD), -1);
    pthread_join(th, NULL);
    close(fds[0]);
}

static void fd_read_large_buffer_truncated(void)
{
    const size_t len = 100000;
    g_autofree uint8_t *data = make_pattern(len, 4);
    g_autofree uint8_t *got = g_malloc(len + 10);
    pthread_t th;
    int fds[2];
    QEMUFile *f;
    Feed fe;

    CU_ASSERT_FATAL(pipe(fds) == 0);
    fe = (Feed){ fds[1], data, len };
    CU_ASSERT_FATAL(pthread_create(&th, NULL, feed_thread, &fe) == 0);
    f = qemu_fopen_fd(fds[0], "rb");
    CU_ASSERT_EQUAL(qemu_get_buffer(f, got, len + 10), 0);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), -EIO);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), len);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
    pthread_join(th, NULL);
    close(fds[0]);
}

static void on_alarm(int sig)
{
    (void)sig;
}

typedef struct Reader {
    int fd;
    size_t len;
    uint8_t *got;
    size_t n;
} Reader;

/* Reads through a QEMUFile: small gets, then one large get. */
static void *qemu_file_reader_thread(void *opaque)
{
    Reader *r = opaque;
    QEMUFile *f = qemu_fopen_fd(r->fd, "rb");

    for (size_t i = 0; i < 1000; i++) {
        r->got[i] = qemu_get_byte(f);
    }
    r->n = 1000 + qemu_get_buffer(f, r->got + 1000, r->len - 1000);
    qemu_fclose(f);
    return NULL;
}

static void fd_write_and_read_survive_eintr(void)
{
    const size_t len = 4 << 20;
    g_autofree uint8_t *data = make_pattern(len, 8);
    Reader r = { .len = len, .got = g_malloc0(len) };
    struct sigaction sa = { .sa_handler = on_alarm };
    struct itimerval tick = { { 0, 200 }, { 0, 200 } }, off = { 0 };
    pthread_t th;
    int fds[2];
    QEMUFile *f;

    /* No SA_RESTART: blocked reads and writes return EINTR or short. */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    CU_ASSERT_FATAL(pipe(fds) == 0);
    r.fd = fds[0];
    CU_ASSERT_FATAL(pthread_create(&th, NULL, qemu_file_reader_thread,
                                   &r) == 0);
    setitimer(ITIMER_REAL, &tick, NULL);
    f = qemu_fopen_fd(fds[1], "wb");
    for (size_t off_ = 0; off_ < len; off_ += 65536) {
        qemu_put_buffer(f, data + off_, 65536);
    }
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    pthread_join(th, NULL);
    /*
     * The no-op handler stays installed: a tick generated just before the
     * timer stopped may still be delivered (valgrind defers signals), and
     * the default action would kill the suite.
     */
    setitimer(ITIMER_REAL, &off, NULL);
    close(fds[0]);
    close(fds[1]);
    CU_ASSERT_EQUAL(r.n, len);
    ASSERT_BYTES_EQUAL(r.got, len, data, len);
    g_free(r.got);
}

static void fflush_to_closed_pipe_returns_epipe(void)
{
    g_autofree uint8_t *big = make_pattern(40000, 5);
    int fds[2];
    QEMUFile *f;

    CU_ASSERT_FATAL(pipe(fds) == 0);
    close(fds[0]);
    f = qemu_fopen_fd(fds[1], "wb");
    qemu_put_be32(f, 1);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);         /* only buffered */
    CU_ASSERT_EQUAL(qemu_fflush(f), -EPIPE);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), -EPIPE);
    /* Sticky: later puts are no-ops and change nothing. */
    qemu_put_be64(f, 2);
    qemu_put_buffer(f, big, 40000);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 4);
    CU_ASSERT_EQUAL(qemu_fflush(f), -EPIPE);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EPIPE);
    close(fds[1]);
}

static void fclose_reports_first_error_of_large_put(void)
{
    g_autofree uint8_t *big = make_pattern(40000, 6);
    int fds[2];
    QEMUFile *f;

    CU_ASSERT_FATAL(pipe(fds) == 0);
    close(fds[0]);
    f = qemu_fopen_fd(fds[1], "wb");
    qemu_put_buffer(f, big, 40000);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), -EPIPE);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EPIPE);
    close(fds[1]);
}

static void fclose_null_returns_zero(void)
{
    CU_ASSERT_EQUAL(qemu_fclose(NULL), 0);
}

static void path_write_then_read_back(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("qvisit-qf-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "stream", NULL);
    g_autofree uint8_t *big = make_pattern(70000, 7);
    g_autoptr(GByteArray) want = expected_mixed(big, 70000);
    g_autofree gchar *data = NULL;
    gsize len = 0;
    QEMUFile *f;

    CU_ASSERT_FATAL(dir != NULL);
    f = qemu_fopen_path(path, "wb", &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_TRUE(qemu_file_is_writable(f));
    put_mixed(f, big, 70000);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    CU_ASSERT_TRUE(g_file_get_contents(path, &data, &len, NULL));
    ASSERT_BYTES_EQUAL(data, len, want->data, want->len);

    f = qemu_fopen_path(path, "rb", &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FALSE(qemu_file_is_writable(f));
    CU_ASSERT_EQUAL(qemu_get_be32(f), 0xdeadbeef);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);

    g_unlink(path);
    g_rmdir(dir);
}

static void path_in_missing_dir_is_io_error_naming_path(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("qvisit-qf-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "nope", "stream", NULL);
    g_autofree char *wmsg = g_strdup_printf(
        "%s: cannot open for writing: %s", path, g_strerror(ENOENT));
    g_autofree char *rmsg = g_strdup_printf(
        "%s: cannot open for reading: %s", path, g_strerror(ENOENT));

    CU_ASSERT_PTR_NULL(qemu_fopen_path(path, "wb", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, wmsg);
    CU_ASSERT_PTR_NULL(qemu_fopen_path(path, "rb", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, rmsg);
    g_rmdir(dir);
}

/* SKIP_LEN bytes whose byte i is i mod 251, in a regular file or a pipe. */
#define SKIP_LEN 3000000
static QEMUFile *open_skip_source(bool regular, char **dir_out,
                                  int *pipe_out)
{
    g_autofree uint8_t *data = g_malloc(SKIP_LEN);
    QEMUFile *f;

    for (size_t i = 0; i < SKIP_LEN; i++) {
        data[i] = (uint8_t)(i % 251);
    }
    if (regular) {
        char *dir = g_dir_make_tmp("qvisit-skip-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "s", NULL);

        CU_ASSERT_FATAL(g_file_set_contents(path, (char *)data, SKIP_LEN,
                                            NULL));
        f = qemu_fopen_path(path, "rb", NULL);
        g_unlink(path);
        *dir_out = dir;
        *pipe_out = -1;
    } else {
        int fds[2];

        CU_ASSERT_FATAL(pipe(fds) == 0);
        /* Room for the whole stream, so no writer thread is needed. */
        CU_ASSERT_FATAL(fcntl(fds[1], F_SETPIPE_SZ, 1 << 20) >= 100000);
        CU_ASSERT_FATAL(write(fds[1], data, 100000) == 100000);
        close(fds[1]);
        f = qemu_fopen_fd(fds[0], "rb");
        *dir_out = NULL;
        *pipe_out = fds[0];
    }
    return f;
}

static void skip_passes_over_bytes_in_files_and_pipes(void)
{
    for (int regular = 0; regular <= 1; regular++) {
        g_autofree char *dir = NULL;
        int pipe_fd;
        QEMUFile *f = open_skip_source(regular, &dir, &pipe_fd);

        CU_ASSERT_EQUAL(qemu_get_byte(f), 0);
        CU_ASSERT_EQUAL(qemu_file_skip(f, 9), 9);            /* in buffer */
        CU_ASSERT_EQUAL(qemu_get_byte(f), 10);
        CU_ASSERT_EQUAL(qemu_file_skip(f, 70000), 70000);    /* past it */
        CU_ASSERT_EQUAL(qemu_get_byte(f), 70011 % 251);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), 70012);
        CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
        if (regular) {
            /* Long enough to seek. */
            CU_ASSERT_EQUAL(qemu_file_skip(f, 2000000), 2000000);
            CU_ASSERT_EQUAL(qemu_get_byte(f), 2070012 % 251);
            CU_ASSERT_EQUAL(qemu_file_transferred(f), 2070013);
            /* A seek past the end is a truncation, not a success. */
            CU_ASSERT_EQUAL(qemu_file_skip(f, SKIP_LEN - 2070013 + 1), 0);
        } else {
            /* 29,988 bytes are left: skipping 29,989 is a truncation. */
            CU_ASSERT_EQUAL(qemu_file_skip(f, 29989), 0);
        }
        CU_ASSERT_EQUAL(qemu_file_get_error(f), -EIO);
        CU_ASSERT_EQUAL(qemu_get_byte(f), 0);
        CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
        if (pipe_fd >= 0) {
            close(pipe_fd);
        }
        if (dir) {
            g_rmdir(dir);
        }
    }
}

static void skip_exactly_to_the_end_succeeds(void)
{
    static const uint8_t data[] = { 1, 2, 3 };
    QEMUFile *f = qemu_fopen_mem(data, sizeof(data));

    CU_ASSERT_EQUAL(qemu_file_skip(f, 3), 3);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
    CU_ASSERT_EQUAL(qemu_file_skip(f, 1), 0);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

/*
 * The read window of a memory file is the caller's bytes; taking moves
 * the same position the gets do, and a failed get empties the window, so
 * a reader taking in place never reads past an error.
 */
static void read_window_takes_in_place_and_empties_on_error(void)
{
    static const uint8_t data[] = { 1, 2, 3, 4, 5 };
    QEMUFile *f = qemu_fopen_mem(data, sizeof(data));
    ByteWindow *w = qemu_file__read_window(f);

    CU_ASSERT_PTR_EQUAL(byte_window_take(w, 2), data);
    CU_ASSERT_EQUAL(qemu_get_byte(f), 3);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 3);
    CU_ASSERT_PTR_NULL(byte_window_take(w, 3));     /* two are left */
    CU_ASSERT_PTR_EQUAL(byte_window_take(w, 1), data + 3);
    CU_ASSERT_EQUAL(qemu_get_be16(f), 0);           /* truncated: -EIO */
    CU_ASSERT_EQUAL(w->limit, 0);
    CU_ASSERT_PTR_NULL(byte_window_take(w, 0));
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

/* A buffered file: the window holds what the last refill read, and the
 * gets that refill it keep it in step. */
static void read_window_of_fd_file_follows_refills(void)
{
    g_autofree uint8_t *data = g_malloc(100000);
    g_autofree char *dir = NULL;
    int pipe_fd;
    QEMUFile *f;
    ByteWindow *w;
    const uint8_t *p;

    for (size_t i = 0; i < 100000; i++) {
        data[i] = i % 251;
    }
    f = open_skip_source(false, &dir, &pipe_fd);
    w = qemu_file__read_window(f);
    CU_ASSERT_PTR_NULL(byte_window_take(w, 1));     /* nothing read yet */
    CU_ASSERT_EQUAL(qemu_get_byte(f), 0);
    p = byte_window_take(w, 4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    ASSERT_BYTES_EQUAL(p, 4, data + 1, 4);
    CU_ASSERT_EQUAL(qemu_file_skip(f, 70000), 70000);
    CU_ASSERT_EQUAL(qemu_get_byte(f), 70005 % 251);
    p = byte_window_take(w, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    ASSERT_BYTES_EQUAL(p, 2, data + 70006, 2);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 70008);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    close(pipe_fd);
}

/* The checking pass of the QEMU stream encoder writes into nothing. */
static void discard_file_counts_and_drops_bytes(void)
{
    QEMUFile *f = qemu_file__open_discard();
    g_autofree uint8_t *big = g_malloc0(100000);

    qemu_put_be32(f, 1);
    qemu_put_buffer(f, big, 100000);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 100004);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static const TestCase tests[] = {
    { "read_window_takes_in_place_and_empties_on_error",
      read_window_takes_in_place_and_empties_on_error },
    { "read_window_of_fd_file_follows_refills",
      read_window_of_fd_file_follows_refills },
    { "discard_file_counts_and_drops_bytes",
      discard_file_counts_and_drops_bytes },
    { "put_edge_values_write_exact_bytes",
      put_edge_values_write_exact_bytes },
    { "get_each_width_decodes_big_endian",
      get_each_width_decodes_big_endian },
    { "get_each_width_truncated_sets_eio_and_returns_zero",
      get_each_width_truncated_sets_eio_and_returns_zero },
    { "get_after_error_is_noop", get_after_error_is_noop },
    { "get_buffer_truncated_returns_zero", get_buffer_truncated_returns_zero },
    { "peek_mem_points_into_data_and_consumes_nothing",
      peek_mem_points_into_data_and_consumes_nothing },
    { "empty_mem_file_reads_nothing", empty_mem_file_reads_nothing },
    { "transferred_counts_buffered_bytes", transferred_counts_buffered_bytes },
    { "bytearray_holds_every_byte_after_fclose",
      bytearray_holds_every_byte_after_fclose },
    { "fd_pipe_write_large_buffer_keeps_order",
      fd_pipe_write_large_buffer_keeps_order },
    { "fd_pipe_write_nonblocking_handles_short_writes",
      fd_pipe_write_nonblocking_handles_short_writes },
    { "fd_pipe_read_short_reads_and_large_buffer",
      fd_pipe_read_short_reads_and_large_buffer },
    { "fd_read_large_buffer_truncated", fd_read_large_buffer_truncated },
    { "fd_write_and_read_survive_eintr", fd_write_and_read_survive_eintr },
    { "fflush_to_closed_pipe_returns_epipe",
      fflush_to_closed_pipe_returns_epipe },
    { "fclose_reports_first_error_of_large_put",
      fclose_reports_first_error_of_large_put },
    { "fclose_null_returns_zero", fclose_null_returns_zero },
    { "path_write_then_read_back", path_write_then_read_back },
    { "skip_passes_over_bytes_in_files_and_pipes",
      skip_passes_over_bytes_in_files_and_pipes },
    { "skip_exactly_to_the_end_succeeds", skip_exactly_to_the_end_succeeds },
    { "path_in_missing_dir_is_io_error_naming_path",
      path_in_missing_dir_is_io_error_naming_path },
    { NULL, NULL },
};

int main(void)
{
    /* Writes to a closed pipe must fail with EPIPE, not kill the suite. */
    signal(SIGPIPE, SIG_IGN);
    return test_run_suite("qemu-file", tests);
}
