/*
 * Migration benchmarks.
 *
 * 1. Save + load of the example VM (release 3, random states) in each
 *    format: time per save and per load and the stream size, as ratios
 *    against the legacy format measured in the same run.
 * 2. 1 GiB of 4 KiB RAM pages over loopback TCP through QEMUFile (the
 *    migration data path: runs of 64 contiguous pages, each a be64
 *    address|flags and be32 page count then the pages, as QEMU's multifd
 *    packets batch pages; read back run by run on the other side) against
 *    a raw socket copy of the same bytes with 256 KiB write()/read().
 *    Target: throughput ratio >= 0.9. The two sides are interleaved in 16
 *    MiB slices on two connections open side by side, so background load
 *    on this shared machine hits both alike; the figure is the median of
 *    BENCH_REPS runs.
 *
 * Environment: BENCH_RAM_MIB (default 1024), BENCH_REPS (default 3),
 * BENCH_VM_ITERS (default 2000).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-devices.h"

#define PAGE_SIZE 4096
#define RUN_PAGES 64                /* pages per record: 256 KiB */
#define REC_SIZE (12 + RUN_PAGES * PAGE_SIZE)
#define SLICE_PAGES 4096            /* 16 MiB of pages per slice */
#define SLICE_RECS (SLICE_PAGES / RUN_PAGES)
#define RAW_CHUNK (256 * 1024)
#define RAM_PAGE_FLAG 0x08

static size_t env_size(const char *name, size_t def)
{
    const char *s = getenv(name);

    return s && *s ? strtoull(s, NULL, 10) : def;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench-migration: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* --- 1. the example VM in each format ---------------------------------- */

typedef struct VM {
    MigrationRegistry *r;
    size_t n;
    const ExampleDevice *const *devs;
    void **states;
} VM;

static void vm_init(VM *vm, uint64_t seed)
{
    vm->devs = example_release_devices(EXAMPLE_RELEASE_MAX, &vm->n);
    vm->states = g_new0(void *, vm->n);
    vm->r = migration_registry_new();
    for (size_t i = 0; i < vm->n; i++) {
        const ExampleDevice *d = vm->devs[i];
        MigrationDeviceInfo info = {
            .id = d->id, .version = d->version, .minimum_version = 1,
            .visit = d->visit, .state_size = d->state_size,
            .clear = d->clear,
        };

        vm->states[i] = example_device_state_new(d);
        if (seed) {
            d->randomize(vm->states[i], &seed);
        }
        migration_register(vm->r, &info, vm->states[i], NULL);
    }
}

static void vm_clear(VM *vm)
{
    for (size_t i = 0; i < vm->n; i++) {
        example_device_state_free(vm->devs[i], vm->states[i]);
    }
    g_free(vm->states);
    migration_registry_free(vm->r);
}

static void bench_vm(void)
{
    static const MigrationFormat fmts[] = {
        MIGRATION_FORMAT_LEGACY, MIGRATION_FORMAT_BINARY,
        MIGRATION_FORMAT_JSON,
    };
    size_t iters = env_size("BENCH_VM_ITERS", 2000);
    double save_t[3], load_t[3];
    size_t size[3], payload[3];
    VM src, dst;

    vm_init(&src, 42);
    vm_init(&dst, 0);
    for (int f = 0; f < 3; f++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(MigrationReport) rep = NULL;
        double t0;

        /* Interleave: warm up once, then time. */
        migration_save(src.r, fmts[f], out, &rep, NULL);
        size[f] = out->len;
        payload[f] = 0;
        for (size_t i = 0; i < rep->n_devices; i++) {
            payload[f] += rep->devices[i].bytes;
        }
        t0 = now();
        for (size_t i = 0; i < iters; i++) {
            g_byte_array_set_size(out, 0);
            if (!migration_save(src.r, fmts[f], out, NULL, NULL)) {
                die("save");
            }
        }
        save_t[f] = (now() - t0) / iters;
        t0 = now();
        for (size_t i = 0; i < iters; i++) {
            if (!migration_load(dst.r, out->data, out->len, NULL, NULL)) {
                die("load");
            }
        }
        load_t[f] = (now() - t0) / iters;
    }
    printf("#### Example VM (release %u, %zu devices), %zu iterations\n\n",
           EXAMPLE_RELEASE_MAX, src.n, iters);
    printf("| format | stream bytes | size / legacy | device sections "
           "| save us | save / legacy | load us | load / legacy |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int f = 0; f < 3; f++) {
        char sections[32] = "-";

        if (payload[f]) {
            snprintf(sections, sizeof(sections), "%zu", payload[f]);
        }
        printf("| %s | %zu | %.2f | %s | %.1f | %.2f | %.1f | %.2f |\n",
               migration_format_name(fmts[f]), size[f],
               (double)size[f] / size[0], sections, save_t[f] * 1e6,
               save_t[f] / save_t[0], load_t[f] * 1e6,
               load_t[f] / load_t[0]);
    }
    printf("\nbinary / legacy device sections (vmdesc excluded): %.2f\n\n",
           (double)payload[1] / payload[0]);
    vm_clear(&src);
    vm_clear(&dst);
}

/* --- 2. RAM pages over loopback TCP ---------------------------------- */

typedef struct Conn {
    int wfd;            /* writer's socket */
    int rfd;            /* reader's socket */
    bool qemufile;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t want_pages;  /* pages the reader should consume next */
    size_t done_pages;
    bool quit;
} Conn;

static void tcp_pair(int *a, int *b)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);
    int one = 1;

    if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&sa, &sl) < 0) {
        die("listen");
    }
    *a = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(*a, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        die("connect");
    }
    *b = accept(l, NULL, NULL);
    if (*b < 0) {
        die("accept");
    }
    setsockopt(*a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    close(l);
}

/* The reader: consumes slices as the writer announces them. */
static void *reader(void *opaque)
{
    Conn *c = opaque;
    QEMUFile *f = c->qemufile ? qemu_fopen_fd(c->rfd, "rb") : NULL;
    uint8_t *buf = g_malloc(MAX(RAW_CHUNK, RUN_PAGES * PAGE_SIZE));

    for (;;) {
        size_t pages;

        pthread_mutex_lock(&c->lock);
        while (!c->want_pages && !c->quit) {
            pthread_cond_wait(&c->cond, &c->lock);
        }
        pages = c->want_pages;
        c->want_pages = 0;
        pthread_mutex_unlock(&c->lock);
        if (!pages) {
            break;
        }
        if (f) {
            for (size_t i = 0; i < pages / RUN_PAGES; i++) {
                uint64_t w = qemu_get_be64(f);
                uint32_t n = qemu_get_be32(f);

                if ((w & (PAGE_SIZE - 1)) != RAM_PAGE_FLAG ||
                    n != RUN_PAGES ||
                    qemu_get_buffer(f, buf, RUN_PAGES * PAGE_SIZE) !=
                        RUN_PAGES * PAGE_SIZE) {
                    fprintf(stderr, "bench-migration: bad RAM record\n");
                    exit(1);
                }
            }
        } else {
            size_t left = pages / RUN_PAGES * REC_SIZE;

            while (left) {
                ssize_t n = read(c->rfd, buf, MIN(left, RAW_CHUNK));

                if (n <= 0) {
                    die("read");
                }
                left -= n;
            }
        }
        pthread_mutex_lock(&c->lock);
        c->done_pages += pages;
        pthread_cond_signal(&c->cond);
        pthread_mutex_unlock(&c->lock);
    }
    qemu_fclose(f);
    g_free(buf);
    return NULL;
}

static void conn_open(Conn *c, bool qemufile)
{
    memset(c, 0, sizeof(*c));
    c->qemufile = qemufile;
    tcp_pair(&c->wfd, &c->rfd);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    pthread_create(&c->thread, NULL, reader, c);
}

static void conn_close(Conn *c)
{
    pthread_mutex_lock(&c->lock);
    c->quit = true;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    close(c->wfd);
    close(c->rfd);
}

static void conn_announce(Conn *c, size_t pages)
{
    pthread_mutex_lock(&c->lock);
    c->want_pages += pages;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

static void conn_wait(Conn *c, size_t total)
{
    pthread_mutex_lock(&c->lock);
    while (c->done_pages < total) {
        pthread_cond_wait(&c->cond, &c->lock);
    }
    pthread_mutex_unlock(&c->lock);
}

/* One slice through QEMUFile: what a RAM section's save loop does. */
static double slice_qemufile(Conn *c, QEMUFile *f, const uint8_t *ram,
                             size_t ram_pages, size_t *page, size_t total)
{
    double t0 = now();

    conn_announce(c, SLICE_PAGES);
    for (size_t i = 0; i < SLICE_RECS; i++, *page += RUN_PAGES) {
        size_t p = *page % ram_pages;

        qemu_put_be64(f, (uint64_t)p * PAGE_SIZE | RAM_PAGE_FLAG);
        qemu_put_be32(f, RUN_PAGES);
        /* Larger than QEMUFile's buffer: written with no copy. */
        qemu_put_buffer(f, ram + p * PAGE_SIZE, RUN_PAGES * PAGE_SIZE);
    }
    if (qemu_fflush(f) < 0) {
        die("qemu_fflush");
    }
    conn_wait(c, total);
    return now() - t0;
}

/* The same bytes, prebuilt, with 256 KiB write()s. */
static double slice_raw(Conn *c, const uint8_t *recs, size_t recs_len,
                        size_t total)
{
    size_t left = (size_t)SLICE_RECS * REC_SIZE;
    size_t off = 0;
    double t0 = now();

    conn_announce(c, SLICE_PAGES);
    while (left) {
        size_t n = MIN(MIN(left, RAW_CHUNK), recs_len - off);
        ssize_t w = write(c->wfd, recs + off, n);

        if (w <= 0) {
            die("write");
        }
        left -= w;
        off = (off + w) % recs_len;
    }
    conn_wait(c, total);
    return now() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void bench_ram(void)
{
    size_t mib = env_size("BENCH_RAM_MIB", 1024);
    size_t reps = env_size("BENCH_REPS", 3);
    size_t slices = MAX(mib / 16, 1);
    size_t ram_pages = 16384;        /* 64 MiB of guest RAM, cycled */
    uint8_t *ram = g_malloc(ram_pages * PAGE_SIZE);
    size_t recs_len = (size_t)SLICE_RECS * REC_SIZE;
    uint8_t *recs = g_malloc(recs_len);
    double *ratio = g_new(double, reps);
    double qf_total = 0, raw_total = 0;

    for (size_t i = 0; i < ram_pages * PAGE_SIZE; i++) {
        ram[i] = (uint8_t)(i * 2654435761u >> 13);
    }
    for (size_t i = 0; i < SLICE_RECS; i++) {
        uint64_t w = (uint64_t)i * RUN_PAGES * PAGE_SIZE | RAM_PAGE_FLAG;
        uint8_t *r = recs + i * REC_SIZE;

        for (int b = 0; b < 8; b++) {
            r[b] = w >> (56 - 8 * b);
        }
        r[8] = r[9] = r[10] = 0;
        r[11] = RUN_PAGES;
        memcpy(r + 12, ram + i * RUN_PAGES * PAGE_SIZE,
               RUN_PAGES * PAGE_SIZE);
    }
    for (size_t r = 0; r < reps; r++) {
        Conn qc, rc;
        QEMUFile *f;
        size_t page = 0;
        double tq = 0, tr = 0;

        conn_open(&qc, true);
        conn_open(&rc, false);
        f = qemu_fopen_fd(qc.wfd, "wb");
        for (size_t s = 0; s < slices; s++) {
            size_t total = (s + 1) * SLICE_PAGES;

            if (s % 2) {
                tq += slice_qemufile(&qc, f, ram, ram_pages, &page, total);
                tr += slice_raw(&rc, recs, recs_len, total);
            } else {
                tr += slice_raw(&rc, recs, recs_len, total);
                tq += slice_qemufile(&qc, f, ram, ram_pages, &page, total);
            }
        }
        qemu_fclose(f);
        conn_close(&qc);
        conn_close(&rc);
        ratio[r] = tr / tq;
        qf_total += tq;
        raw_total += tr;
    }
    qsort(ratio, reps, sizeof(double), cmp_double);
    printf("#### RAM pages over loopback TCP (%zu MiB of pages, %zu runs)\n\n",
           slices * 16, reps);
    printf("| path | MiB/s (mean) |\n|---|---:|\n");
    printf("| raw socket copy, 256 KiB write()/read() | %.0f |\n",
           reps * slices * 16.0 / raw_total);
    printf("| QEMUFile, 64-page runs, run-by-run reader | %.0f |\n",
           reps * slices * 16.0 / qf_total);
    printf("\nratio QEMUFile / raw (median of runs): %.2f (target >= 0.9)\n",
           ratio[reps / 2]);
    g_free(ram);
    g_free(recs);
    g_free(ratio);
}

int main(void)
{
    bench_vm();
    bench_ram();
    return 0;
}
