/*
 * Bulk pages: 1 GiB of 4 KiB pages through qemu_put_buffer() against plain
 * write() of the same pages, to a file on tmpfs and to a pipe drained by a
 * thread. Reports each side's throughput and the ratio
 * qemu_put_buffer / write() (target >= 0.9).
 *
 * The machine is shared (2 cores, other jobs running), so the two sides
 * are interleaved finely: each run writes its 1 GiB per side as 16 MiB
 * slices, alternating sides and which side goes first, into two sinks
 * open side by side. Both see the same background load, and the ratio of
 * the summed times is stable where back-to-back 1 GiB runs were not. The
 * figure is the median of BENCH_REPS runs.
 *
 * Environment: BENCH_BULK_MIB (default 1024), BENCH_REPS (default 3),
 * BENCH_TMPDIR (default /dev/shm).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#define PAGE_SIZE 4096
#define SLICE ((size_t)16 << 20)
/* Guest RAM being "migrated": cycled until the total is reached. */
#define RAM_MIB 256

static size_t env_size(const char *name, size_t def)
{
    const char *s = getenv(name);

    return s && *s ? strtoull(s, NULL, 10) : def;
}

static void die(const char *what)
{
    fprintf(stderr, "bench-bulk: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* --- sinks: a tmpfs file, or a pipe with a draining thread ------------ */

typedef struct Sink {
    bool is_pipe;
    int fd;                 /* where the writer writes */
    int rfd;                /* pipe: the reader's end */
    pthread_t reader;
    char path[512];
} Sink;

static void *drain(void *opaque)
{
    Sink *s = opaque;
    uint8_t *buf = g_malloc(1 << 20);

    while (read(s->rfd, buf, 1 << 20) > 0) {
        /* discard */
    }
    g_free(buf);
    return NULL;
}

static void sink_open(Sink *s, bool is_pipe, const char *dir, int id)
{
    memset(s, 0, sizeof(*s));
    s->is_pipe = is_pipe;
    if (is_pipe) {
        int fds[2];

        if (pipe(fds) < 0) {
            die("pipe");
        }
        /* A 1 MiB pipe buffer, as a migration socket has its own. */
        fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
        s->rfd = fds[0];
        s->fd = fds[1];
        pthread_create(&s->reader, NULL, drain, s);
        return;
    }
    snprintf(s->path, sizeof(s->path), "%s/qvisit-bench-bulk-%d-%d", dir,
             (int)getpid(), id);
    s->fd = open(s->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (s->fd < 0) {
        die(s->path);
    }
}

static void sink_close(Sink *s)
{
    close(s->fd);
    if (s->is_pipe) {
        pthread_join(s->reader, NULL);
        close(s->rfd);
    } else {
        unlink(s->path);
    }
}

/* --- one slice through each writer ------------------------------------ */

static void write_all(int fd, const uint8_t *p, size_t len)
{
    while (len) {
        ssize_t r = write(fd, p, len);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            die("write");
        }
        p += r;
        len -= r;
    }
}

static const uint8_t *ram;
static size_t ram_len;

static gint64 slice_write(int fd, size_t off, size_t chunk)
{
    gint64 t0 = g_get_monotonic_time();

    for (size_t done = 0; done < SLICE; done += chunk) {
        write_all(fd, ram + (off + done) % ram_len, chunk);
    }
    return g_get_monotonic_time() - t0;
}

static gint64 slice_qemu(QEMUFile *f, size_t off, size_t chunk, bool last)
{
    gint64 t0 = g_get_monotonic_time();

    for (size_t done = 0; done < SLICE; done += chunk) {
        qemu_put_buffer(f, ram + (off + done) % ram_len, chunk);
    }
    /* The last slice includes writing out what is still buffered. */
    if (last && qemu_fflush(f) < 0) {
        fprintf(stderr, "bench-bulk: qemu_fflush failed\n");
        exit(1);
    }
    return g_get_monotonic_time() - t0;
}

/* One run: @total bytes per side; returns both times in seconds. */
static void run(bool is_pipe, const char *dir, size_t total, size_t chunk,
                double *t_write, double *t_qemu)
{
    Sink sw, sq;
    QEMUFile *f;
    gint64 tw = 0, tq = 0;
    size_t slices = total / SLICE;

    sink_open(&sw, is_pipe, dir, 0);
    sink_open(&sq, is_pipe, dir, 1);
    f = qemu_fopen_fd(sq.fd, "wb");
    for (size_t i = 0; i < slices; i++) {
        size_t off = i * SLICE;
        bool last = i + 1 == slices;

        if (i & 1) {
            tq += slice_qemu(f, off, chunk, last);
            tw += slice_write(sw.fd, off, chunk);
        } else {
            tw += slice_write(sw.fd, off, chunk);
            tq += slice_qemu(f, off, chunk, last);
        }
    }
    if (qemu_fclose(f) < 0) {
        fprintf(stderr, "bench-bulk: qemu_fclose failed\n");
        exit(1);
    }
    sink_close(&sw);
    sink_close(&sq);
    *t_write = tw / 1e6;
    *t_qemu = tq / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(void)
{
    size_t mib = MAX(env_size("BENCH_BULK_MIB", 1024), 16);
    size_t reps = MAX(env_size("BENCH_REPS", 3), 1);
    const char *dir = getenv("BENCH_TMPDIR") ? getenv("BENCH_TMPDIR")
                                             : "/dev/shm";
    /*
     * One page per call is the RAM-migration case; 64-page runs take the
     * writev path (larger than the 32 KiB buffer, never copied).
     */
    static const size_t chunks[] = { PAGE_SIZE, 64 * PAGE_SIZE };
    size_t total = (mib << 20) / SLICE * SLICE;
    uint8_t *mem;
    bool ok = true;

    signal(SIGPIPE, SIG_IGN);
    ram_len = (size_t)MIN(mib, RAM_MIB) << 20;
    mem = g_malloc(ram_len);
    /* Distinct page contents, and every page faulted in before timing. */
    for (size_t i = 0; i < ram_len; i += 8) {
        uint64_t x = i * 0x9E3779B97F4A7C15ull;
        memcpy(mem + i, &x, 8);
    }
    ram = mem;

    printf("%zu MiB per side per run, interleaved in 16 MiB slices; "
           "median of %zu runs\n(ratio = qemu_put_buffer / write() "
           "throughput; target >= 0.9)\n\n", total >> 20, reps);
    printf("| sink | bytes per call | write() MiB/s "
           "| qemu_put_buffer MiB/s | ratio |\n");
    printf("|------|---------------:|--------------:"
           "|----------------------:|------:|\n");
    for (size_t c = 0; c < G_N_ELEMENTS(chunks); c++) {
        for (int p = 0; p < 2; p++) {
            g_autofree double *ratio = g_new(double, reps);
            g_autofree double *tw = g_new(double, reps);
            g_autofree double *tq = g_new(double, reps);
            double med;

            for (size_t r = 0; r < reps; r++) {
                run(p, dir, total, chunks[c], &tw[r], &tq[r]);
                ratio[r] = tw[r] / tq[r];
            }
            qsort(ratio, reps, sizeof(double), cmp_double);
            qsort(tw, reps, sizeof(double), cmp_double);
            qsort(tq, reps, sizeof(double), cmp_double);
            med = ratio[reps / 2];
            printf("| %s | %zu | %.0f | %.0f | %.2f |\n",
                   p ? "pipe" : "tmpfs file", chunks[c],
                   (total >> 20) / tw[reps / 2],
                   (total >> 20) / tq[reps / 2], med);
            ok = ok && med >= 0.9;
        }
    }
    g_free(mem);
    printf("\nbulk target (ratio >= 0.9) %s\n", ok ? "met" : "NOT met");
    return 0;
}
