/*
 * Migration benchmarks.
 *
 * 1. Save + load of the example VM (release 3, random states) in each
 *    format, and the compat path (a release 2 destination, the example
 *    transforms converting serial and e1000 v3 -> v2), as ratios to the
 *    binary save of the same VM in the same run (issue 16's unit):
 *    targets binary load <= 1.5, legacy save and load <= 2, compat
 *    load <= 3. Best of BENCH_VM_BATCHES batches, the cases interleaved.
 * 2. A large VM: 64 instances of each example device plus a device with
 *    1 MiB of state: load throughput of the device payload (target
 *    >= 300 MB/s for binary and legacy), the peak resident memory a load
 *    adds (target <= 2 x payload + stream), and the downtime of a
 *    migration over loopback TCP, from the source's first pause to the
 *    destination's last resume.
 * 3. 1 GiB of 4 KiB RAM pages over loopback TCP through QEMUFile (the
 *    migration data path: runs of 64 contiguous pages, each a be64
 *    address|flags and be32 page count then the pages, as QEMU's multifd
 *    packets batch pages; read back run by run on the other side) against
 *    a raw socket copy of the same bytes with 256 KiB write()/read().
 *    Target: throughput ratio >= 0.9. The two sides are interleaved in 16
 *    MiB slices on two connections open side by side, so background load
 *    on this shared machine hits both alike; the figure is the median of
 *    BENCH_REPS runs.
 *
 * Environment: BENCH_RAM_MIB (default 1024; 0 skips part 3), BENCH_REPS
 * (default 3), BENCH_VM_ITERS (default 2000), BENCH_VM_BATCHES (default
 * 10), BENCH_LARGE_COPIES (default 64), BENCH_LARGE_ITERS (default 20).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-compat.h"
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

/* A device with one large buffer, as a frame buffer or a disk cache. */
#define BULK_SIZE (1024 * 1024)

typedef struct BulkDev {
    uint8_t data[BULK_SIZE];
} BulkDev;

static bool bulk_visit(Visitor *v, void *opaque, GError **errp)
{
    BulkDev *b = opaque;

    return visit_start_struct(v, "bulk", errp) &&
           visit_type_buffer(v, "data", b->data, BULK_SIZE, errp) &&
           visit_end_struct(v, errp);
}

/* Monotonic time of the source's first pause and of the destination's
 * last resume: the downtime a live migration sees. */
static double src_first_pause, dst_last_resume;
static unsigned src_paused, dst_paused;

static void src_pause(void *opaque)
{
    (void)opaque;
    if (!src_paused++) {
        src_first_pause = now();
    }
}

static void src_resume(void *opaque)
{
    (void)opaque;
    src_paused--;
}

static void dst_pause(void *opaque)
{
    (void)opaque;
    dst_paused++;
}

static void dst_resume(void *opaque)
{
    (void)opaque;
    if (!--dst_paused) {
        dst_last_resume = now();
    }
}

typedef struct VM {
    MigrationRegistry *r;
    CompatRegistry *compat;
    size_t n;
    const ExampleDevice *const *devs;
    unsigned copies;
    void **states;          /* n * copies */
    BulkDev *bulk;          /* NULL: none */
} VM;

/*
 * @copies instances of each example device of @release (instance ids
 * 0..copies-1), plus a 1 MiB device when @bulk; @seed 0 leaves the states
 * zeroed and makes a destination (for the pause and resume hooks), any
 * other seed a source; @compat registers the example transforms.
 */
static void vm_init(VM *vm, unsigned release, unsigned copies, bool bulk,
                    uint64_t seed, bool compat)
{
    memset(vm, 0, sizeof(*vm));
    vm->devs = example_release_devices(release, &vm->n);
    vm->copies = copies;
    vm->states = g_new0(void *, vm->n * copies);
    vm->r = migration_registry_new();
    if (compat) {
        vm->compat = compat_registry_new();
        example_compat_register(vm->compat, NULL);
        migration_set_compat(vm->r, vm->compat);
    }
    for (size_t i = 0; i < vm->n; i++) {
        for (unsigned c = 0; c < copies; c++) {
            const ExampleDevice *d = vm->devs[i];
            void **st = &vm->states[i * copies + c];
            MigrationDeviceInfo info = {
                .id = d->id, .instance_id = c, .version = d->version,
                .minimum_version = 1, .visit = d->visit,
                .pause = seed ? src_pause : dst_pause,
                .resume = seed ? src_resume : dst_resume,
                .state_size = d->state_size, .clear = d->clear,
            };

            *st = example_device_state_new(d);
            if (seed) {
                d->randomize(*st, &seed);
            }
            migration_register(vm->r, &info, *st, NULL);
        }
    }
    if (bulk) {
        MigrationDeviceInfo info = {
            .id = "bulk", .version = 1, .minimum_version = 1,
            .visit = bulk_visit, .pause = seed ? src_pause : dst_pause,
            .resume = seed ? src_resume : dst_resume,
            .state_size = sizeof(BulkDev),
        };

        vm->bulk = g_new0(BulkDev, 1);
        for (size_t i = 0; seed && i < BULK_SIZE; i++) {
            vm->bulk->data[i] = (uint8_t)((i + seed) * 2654435761u >> 13);
        }
        migration_register(vm->r, &info, vm->bulk, NULL);
    }
}

static void vm_clear(VM *vm)
{
    for (size_t i = 0; i < vm->n * vm->copies; i++) {
        example_device_state_free(vm->devs[i / vm->copies], vm->states[i]);
    }
    g_free(vm->states);
    g_free(vm->bulk);
    migration_registry_free(vm->r);
    compat_registry_free(vm->compat);
}

/* Bytes of the device sections of a report. */
static size_t report_payload(const MigrationReport *rep)
{
    size_t sum = 0;

    for (size_t i = 0; i < rep->n_devices; i++) {
        sum += rep->devices[i].bytes;
    }
    return sum;
}

/* Resident set and its peak, in bytes (/proc/self/status). */
static void rss(size_t *cur, size_t *peak)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];

    *cur = *peak = 0;
    while (f && fgets(line, sizeof(line), f)) {
        if (!strncmp(line, "VmRSS:", 6)) {
            *cur = strtoull(line + 6, NULL, 10) * 1024;
        } else if (!strncmp(line, "VmHWM:", 6)) {
            *peak = strtoull(line + 6, NULL, 10) * 1024;
        }
    }
    if (f) {
        fclose(f);
    }
}

/* Resets the peak of the resident set (Linux: clear_refs 5). */
static void rss_reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");

    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

typedef struct Timing {
    double save, load;      /* seconds, best batch average */
    size_t size, payload;
} Timing;

/* One case: a source, a destination and a format. */
typedef struct Case {
    VM *src, *dst;
    MigrationFormat fmt;
    GByteArray *out;
    Timing t;
} Case;

static void case_init(Case *c, VM *src, VM *dst, MigrationFormat fmt)
{
    g_autoptr(MigrationReport) rep = NULL;
    GError *err = NULL;

    c->src = src;
    c->dst = dst;
    c->fmt = fmt;
    c->out = g_byte_array_new();
    if (!migration_save(src->r, fmt, c->out, &rep, &err) ||
        !migration_load(dst->r, c->out->data, c->out->len, NULL, &err)) {
        fprintf(stderr, "bench-migration: %s: %s\n",
                migration_format_name(fmt), err->message);
        exit(1);
    }
    c->t.size = c->out->len;
    c->t.payload = fmt == MIGRATION_FORMAT_JSON ? 0 : report_payload(rep);
    c->t.save = c->t.load = 1e9;
}

/* One batch of @iters saves, then one of @iters loads of what was saved. */
static void case_batch(Case *c, size_t iters)
{
    double t0 = now();

    for (size_t i = 0; i < iters; i++) {
        g_byte_array_set_size(c->out, 0);
        if (!migration_save(c->src->r, c->fmt, c->out, NULL, NULL)) {
            die("save");
        }
    }
    c->t.save = MIN(c->t.save, (now() - t0) / iters);
    t0 = now();
    for (size_t i = 0; i < iters; i++) {
        if (!migration_load(c->dst->r, c->out->data, c->out->len, NULL,
                            NULL)) {
            die("load");
        }
    }
    c->t.load = MIN(c->t.load, (now() - t0) / iters);
}

/*
 * Runs @n cases in @batches rounds of one batch each, keeping each case's
 * best batch: the other jobs on this shared machine only ever add time,
 * and interleaving the cases spreads their load over all of them.
 */
static void measure(Case *cases, size_t n, size_t iters, size_t batches)
{
    for (size_t b = 0; b < batches; b++) {
        for (size_t i = 0; i < n; i++) {
            case_batch(&cases[i], iters);
        }
    }
}

static const char *verdict(double ratio, double target)
{
    return ratio <= target ? "met" : "NOT met";
}

static void bench_vm(void)
{
    static const MigrationFormat fmts[] = {
        MIGRATION_FORMAT_LEGACY, MIGRATION_FORMAT_BINARY,
        MIGRATION_FORMAT_JSON,
    };
    size_t iters = env_size("BENCH_VM_ITERS", 2000);
    size_t batches = env_size("BENCH_VM_BATCHES", 10);
    Case cases[5];
    Timing t[3], tc[2];
    double unit;
    VM src, dst, csrc, old;

    vm_init(&src, EXAMPLE_RELEASE_MAX, 1, false, 42, false);
    vm_init(&dst, EXAMPLE_RELEASE_MAX, 1, false, 0, false);
    /* The compat path: a release 2 destination, transforms registered on
     * both sides (serial and e1000 convert v3 -> v2). */
    vm_init(&csrc, EXAMPLE_RELEASE_MAX, 1, false, 42, true);
    vm_init(&old, EXAMPLE_RELEASE_MAX - 1, 1, false, 0, true);
    for (int f = 0; f < 3; f++) {
        case_init(&cases[f], &src, &dst, fmts[f]);
    }
    for (int f = 0; f < 2; f++) {
        case_init(&cases[3 + f], &csrc, &old, fmts[f]);
    }
    measure(cases, G_N_ELEMENTS(cases), MAX(iters / batches, 1), batches);
    for (int f = 0; f < 3; f++) {
        t[f] = cases[f].t;
    }
    for (int f = 0; f < 2; f++) {
        tc[f] = cases[3 + f].t;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_byte_array_free(cases[i].out, true);
    }
    unit = t[1].save;
    printf("#### Example VM (release %u, %zu devices), best of %zu batches "
           "of %zu\n\n", EXAMPLE_RELEASE_MAX, src.n, batches,
           MAX(iters / batches, 1));
    printf("Unit: the binary save of this VM, %.1f us.\n\n", unit * 1e6);
    printf("| format | stream bytes | device sections | save us | save / "
           "unit | load us | load / unit | load / save |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int f = 0; f < 3; f++) {
        char sections[32] = "-";

        if (t[f].payload) {
            snprintf(sections, sizeof(sections), "%zu", t[f].payload);
        }
        printf("| %s | %zu | %s | %.1f | %.2f | %.1f | %.2f | %.2f |\n",
               migration_format_name(fmts[f]), t[f].size, sections,
               t[f].save * 1e6, t[f].save / unit, t[f].load * 1e6,
               t[f].load / unit, t[f].load / t[f].save);
    }
    for (int f = 0; f < 2; f++) {
        printf("| %s, release 3 -> 2 (compat) | %zu | %zu | %.1f | %.2f | "
               "%.1f | %.2f | %.2f |\n", migration_format_name(fmts[f]),
               tc[f].size, tc[f].payload, tc[f].save * 1e6,
               tc[f].save / unit, tc[f].load * 1e6, tc[f].load / unit,
               tc[f].load / tc[f].save);
    }
    printf("\nTargets (ratios to the unit): binary load %.2f <= 1.5 %s; "
           "legacy save %.2f <= 2 %s; legacy load %.2f <= 2 %s; compat "
           "load (binary) %.2f <= 3 %s, (legacy) %.2f <= 3 %s.\n\n",
           t[1].load / unit, verdict(t[1].load / unit, 1.5),
           t[0].save / unit, verdict(t[0].save / unit, 2),
           t[0].load / unit, verdict(t[0].load / unit, 2),
           tc[1].load / unit, verdict(tc[1].load / unit, 3),
           tc[0].load / unit, verdict(tc[0].load / unit, 3));
    vm_clear(&src);
    vm_clear(&dst);
    vm_clear(&csrc);
    vm_clear(&old);
}

/* --- 2. a large VM: throughput, memory and downtime -------------------- */

typedef struct Listener {
    MigrationListener *l;
    MigrationRegistry *r;
    bool ok;
    pthread_t thread;
} Listener;

static void *accept_thread(void *opaque)
{
    Listener *ls = opaque;
    GError *err = NULL;

    ls->ok = migration_listener_accept(ls->l, ls->r, NULL, &err);
    if (!ls->ok) {
        fprintf(stderr, "bench-migration: accept: %s\n", err->message);
        g_error_free(err);
    }
    return NULL;
}

/* Source pause to destination resume over loopback TCP, in seconds. */
static double downtime(VM *src, VM *dst, MigrationFormat fmt)
{
    Listener ls = { .r = dst->r };
    double t;
    GError *err = NULL;

    migration_set_capabilities(src->r, fmt == MIGRATION_FORMAT_BINARY
                                           ? MIGRATION_CAP_ALL : 0);
    ls.l = migration_listen("tcp:127.0.0.1:0", &err);
    if (!ls.l) {
        fprintf(stderr, "bench-migration: listen: %s\n", err->message);
        exit(1);
    }
    pthread_create(&ls.thread, NULL, accept_thread, &ls);
    if (!migration_outgoing(src->r, migration_listener_get_uri(ls.l), NULL,
                            &err)) {
        fprintf(stderr, "bench-migration: outgoing: %s\n", err->message);
        exit(1);
    }
    pthread_join(ls.thread, NULL);
    if (!ls.ok) {
        exit(1);
    }
    t = dst_last_resume - src_first_pause;
    migration_listener_free(ls.l);
    migration_set_capabilities(src->r, MIGRATION_CAP_ALL);
    return t;
}

static void bench_large_vm(void)
{
    static const MigrationFormat fmts[] = {
        MIGRATION_FORMAT_LEGACY, MIGRATION_FORMAT_BINARY,
    };
    unsigned copies = env_size("BENCH_LARGE_COPIES", 64);
    size_t iters = env_size("BENCH_LARGE_ITERS", 20);
    VM src, dst;

    vm_init(&src, EXAMPLE_RELEASE_MAX, copies, true, 42, false);
    vm_init(&dst, EXAMPLE_RELEASE_MAX, copies, true, 0, false);
    printf("#### Large VM: %u instances of each example device and one "
           "1 MiB device (%zu devices), best of %zu loads\n\n", copies,
           src.n * copies + 1, iters);
    printf("| format | stream bytes | device payload | save ms | load ms | "
           "load MB/s (target >= 300) | memory during load | limit (2 x "
           "payload + stream) | downtime over TCP ms |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int f = 0; f < 2; f++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(MigrationReport) rep = NULL;
        double save = 1e9, load = 1e9, down = 1e9;
        size_t payload, before, peak, limit, mem;

        for (size_t i = 0; i < iters; i++) {
            double t0 = now();

            g_byte_array_set_size(out, 0);
            g_clear_pointer(&rep, migration_report_free);
            if (!migration_save(src.r, fmts[f], out, &rep, NULL)) {
                die("save");
            }
            save = MIN(save, now() - t0);
        }
        payload = report_payload(rep);
        /* Memory: the peak resident set above the one before the load,
         * with the destination's pages touched once already. */
        migration_load(dst.r, out->data, out->len, NULL, NULL);
        malloc_trim(0);
        rss(&before, &peak);
        rss_reset_peak();
        if (!migration_load(dst.r, out->data, out->len, NULL, NULL)) {
            die("load");
        }
        rss(&mem, &peak);
        mem = peak > before ? peak - before : 0;
        for (size_t i = 0; i < iters; i++) {
            double t0 = now();

            if (!migration_load(dst.r, out->data, out->len, NULL, NULL)) {
                die("load");
            }
            load = MIN(load, now() - t0);
        }
        for (size_t i = 0; i < MAX(iters / 4, 1); i++) {
            down = MIN(down, downtime(&src, &dst, fmts[f]));
        }
        limit = 2 * payload + out->len;
        printf("| %s | %u | %zu | %.2f | %.2f | %.0f %s | %.2f MiB | "
               "%.2f MiB %s | %.2f |\n", migration_format_name(fmts[f]),
               out->len, payload, save * 1e3, load * 1e3,
               payload / load / 1e6, payload / load / 1e6 >= 300 ? "met"
                                                                : "NOT met",
               mem / 1048576.0, limit / 1048576.0,
               mem <= limit ? "met" : "NOT met", down * 1e3);
    }
    printf("\n");
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
    bench_large_vm();
    if (env_size("BENCH_RAM_MIB", 1024)) {
        bench_ram();
    }
    return 0;
}
