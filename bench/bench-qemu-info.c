/*
 * `qvisit info` and `qvisit diff` on 1 GiB-RAM streams against `qvisit
 * dump --qemu` of one (issue 13, section 5: within 2x, with memory
 * bounded by the largest section plus a few bytes per RAM page), as
 * whole processes: CPU time (user + system from wait4(), best and median
 * of BENCH_REPS runs, default 5, the commands taking turns), wall time
 * and peak RSS. diff reads its two streams side by side on two threads,
 * so it is given both ratios: of wall times (what its user waits) and of
 * CPU times (what it costs the machine: reading two streams is at least
 * twice the read() copying of one).
 *
 * The streams are pc-nodefaults.mig with pc.ram grown to 1 GiB in its
 * MEM_SIZE list and one more PART record that sends all 262,144 pages of
 * pc.ram as full pages (1 GiB of page data), inserted after the RAM
 * START; the second stream differs from the first in 3 pages. The
 * original PART and END records follow unchanged (their pages are inside
 * the first 16 MiB), then the devices, EOF and the vmdesc.
 *
 * Two more rows run this program to read the streams with the QEMUFile
 * reader's 256 KiB read() calls and do nothing else (`--read FILE...`):
 * what reading costs, the floor of dump (one stream) and of diff (two).
 *
 * Environment: BUILD_DIR (default build), BENCH_REPS, BENCH_TMPDIR
 * (default /tmp; needs 2.1 GB), BENCH_KEEP (keep the two streams).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#define DATA "tests/data/qemu/"
#define PAGE 4096
#define RAM_BYTES (UINT64_C(1) << 30)
#define RAM_START 26            /* the RAM START record in pc-nodefaults */
#define RAM_SECTION_ID 2

typedef struct Run {
    double seconds;     /* wall time, median */
    double cpu;         /* user + system time, median */
    double cpu_best;
    long max_rss_kib;
    bool ok;
} Run;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Runs @argv with stdout to /dev/null; ok when it exits with @want. */
static Run run_once(char **argv, int want)
{
    Run r = { 0 };
    struct rusage ru;
    int status = 0;
    gint64 t0 = g_get_monotonic_time();
    pid_t pid = fork();

    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);

        if (fd < 0 || dup2(fd, 1) < 0) {
            _exit(127);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
        return r;
    }
    r.seconds = (g_get_monotonic_time() - t0) / 1e6;
    r.cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
            (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    r.max_rss_kib = ru.ru_maxrss;
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == want;
    return r;
}

/* The runs of one command so far. */
typedef struct Samples {
    double t[64], c[64];
    long max_rss_kib;
    int n;
    bool failed;
} Samples;

static void sample(Samples *sm, char **argv, int want)
{
    Run one = sm->failed ? (Run){ 0 } : run_once(argv, want);

    if (!one.ok) {
        sm->failed = true;
        return;
    }
    sm->t[sm->n] = one.seconds;
    sm->c[sm->n] = one.cpu;
    sm->n++;
    sm->max_rss_kib = MAX(sm->max_rss_kib, one.max_rss_kib);
}

/* Medians and best of the samples. */
static Run summarise(Samples *sm)
{
    Run r = { 0 };

    if (sm->failed || sm->n == 0) {
        return r;
    }
    qsort(sm->t, sm->n, sizeof(sm->t[0]), cmp_double);
    qsort(sm->c, sm->n, sizeof(sm->c[0]), cmp_double);
    r.seconds = sm->t[sm->n / 2];
    r.cpu = sm->c[sm->n / 2];
    r.cpu_best = sm->c[0];
    r.max_rss_kib = sm->max_rss_kib;
    r.ok = true;
    return r;
}

static uint64_t be64_at(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static void put_be64(FILE *f, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        fputc((int)(v >> (8 * i)) & 0xff, f);
    }
}

static void put_be32(FILE *f, uint32_t v)
{
    for (int i = 3; i >= 0; i--) {
        fputc((int)(v >> (8 * i)) & 0xff, f);
    }
}

/*
 * Writes the stream described above to @path; @variant changes 3 pages.
 * Returns the size of the largest record it wrote (the grown PART).
 */
static bool make_stream(const char *path, int variant)
{
    g_autofree uint8_t *src = NULL;
    gsize len = 0;
    const uint8_t *p;
    uint64_t total, left, grow;
    size_t pos, list_start;
    FILE *f;
    uint8_t page[PAGE];

    if (!g_file_get_contents(DATA "pc-nodefaults.mig", (char **)&src, &len,
                             NULL)) {
        return false;
    }
    /* START: type, id, cstr "ram", instance, version, then MEM_SIZE. */
    pos = RAM_START + 1 + 4 + 1 + 3 + 4 + 4;
    total = be64_at(src + pos) & ~(uint64_t)(PAGE - 1);
    pos += 8;
    list_start = pos;
    for (left = total; left > 0;) {
        uint8_t n = src[pos];
        uint64_t blen = be64_at(src + pos + 1 + n);

        pos += 1 + n + 8;
        left -= blen;
    }
    f = fopen(path, "wb");
    if (!f) {
        return false;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    fwrite(src, 1, list_start - 8, f);
    /* pc.ram is the first block: 16 MiB grown to 1 GiB. */
    p = src + list_start;
    grow = RAM_BYTES - be64_at(p + 1 + p[0]);
    put_be64(f, (total + grow) | 0x04);
    fwrite(p, 1, 1 + p[0], f);
    put_be64(f, RAM_BYTES);
    fwrite(p + 1 + p[0] + 8, 1, pos - (list_start + 1 + p[0] + 8), f);
    /* The rest of the START record: its EOS word and footer. */
    fwrite(src + pos, 1, 8 + 5, f);
    pos += 8 + 5;
    /* One more PART: every page of pc.ram, full. */
    fputc(0x02, f);
    put_be32(f, RAM_SECTION_ID);
    for (uint64_t i = 0; i < RAM_BYTES / PAGE; i++) {
        uint32_t k = (uint32_t)i;

        if (variant && (i == 5000 || i == 131072 || i == 262143)) {
            k ^= 0x5a5a5a5a;
        }
        for (size_t j = 0; j < PAGE; j += 4) {
            uint32_t w = k * 2654435761u + (uint32_t)j;

            memcpy(page + j, &w, 4);
        }
        if (i == 0) {
            put_be64(f, 0x08);
            fputc(6, f);
            fwrite("pc.ram", 1, 6, f);
        } else {
            put_be64(f, i * PAGE | 0x08 | 0x20);
        }
        fwrite(page, 1, PAGE, f);
    }
    put_be64(f, 0x10);
    fputc(0x7e, f);
    put_be32(f, RAM_SECTION_ID);
    fwrite(src + pos, 1, len - pos, f);
    return fclose(f) == 0;
}

/* `bench-qemu-info --read FILE...`: reads each file to its end with
 * 256 KiB read() calls (QEMU_FILE_READ_BUF_SIZE), as the stream reader
 * does. */
static int read_files(int n, char **paths)
{
    static uint8_t buf[262144];

    for (int i = 0; i < n; i++) {
        int fd = open(paths[i], O_RDONLY);
        ssize_t r;

        if (fd < 0) {
            return 1;
        }
        while ((r = read(fd, buf, sizeof(buf))) > 0) {
            /* nothing: the reads are what is measured */
        }
        close(fd);
        if (r < 0) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *build = getenv("BUILD_DIR") ? getenv("BUILD_DIR") : "build";
    const char *tmp = getenv("BENCH_TMPDIR") ? getenv("BENCH_TMPDIR")
                                             : "/tmp";
    int reps = getenv("BENCH_REPS") ? atoi(getenv("BENCH_REPS")) : 5;
    g_autofree char *cli = g_strdup_printf("%s/qvisit", build);
    char *self = argv[0];
    g_autofree char *a = g_strdup_printf("%s/qvisit-bench-1g-a-%d.mig", tmp,
                                         (int)getpid());
    g_autofree char *b = g_strdup_printf("%s/qvisit-bench-1g-b-%d.mig", tmp,
                                         (int)getpid());
    char *dump_argv[] = { cli, "dump", "--qemu", a, NULL };
    char *info_argv[] = { cli, "info", a, NULL };
    char *info_json_argv[] = { cli, "info", "--json", a, NULL };
    char *diff_argv[] = { cli, "diff", a, b, NULL };
    char *same_argv[] = { cli, "diff", a, a, NULL };
    /* The floor: this program reading the streams with the 256 KiB
     * read() calls the QEMUFile reader makes, and nothing else. */
    char *read_a_argv[] = { self, "--read", a, NULL };
    char *read_both_argv[] = { self, "--read", a, b, NULL };
    struct {
        const char *what;
        char **argv;
        int exit_status;
    } runs[] = {
        { "`dump --qemu A` (baseline)", dump_argv, 0 },
        { "`info A`", info_argv, 0 },
        { "`info --json A`", info_json_argv, 0 },
        { "`diff A B` (3 pages differ)", diff_argv, 1 },
        { "`diff A A`", same_argv, 0 },
        { "read A (256 KiB reads, nothing else)", read_a_argv, 0 },
        { "read A then B (256 KiB reads, nothing else)", read_both_argv,
          0 },
    };
    Samples samples[G_N_ELEMENTS(runs)];
    Run base = { 0 };
    struct stat sb;
    int status = 0;

    memset(samples, 0, sizeof(samples));
    if (argc > 1 && !strcmp(argv[1], "--read")) {
        return read_files(argc - 2, argv + 2);
    }
    if (!make_stream(a, 0) || !make_stream(b, 1) || stat(a, &sb) < 0) {
        fprintf(stderr, "bench-qemu-info: cannot write %s, %s\n", a, b);
        unlink(a);
        unlink(b);
        return 1;
    }
    printf("`qvisit info` and `qvisit diff` of 1 GiB-RAM streams (%lld "
           "bytes each: every page of a 1 GiB pc.ram sent once, full, "
           "plus pc-nodefaults' devices) against `qvisit dump --qemu` of "
           "one, whole processes, output to /dev/null: CPU time (user + "
           "system) best and median of %d runs, wall time (median), peak "
           "RSS; the ratios are of the median wall and CPU times (target "
           "<= 2).\n\n",
           (long long)sb.st_size, reps);
    printf("| command | CPU ms, best / median | wall ms | peak RSS | "
           "wall vs dump | CPU vs dump |\n|---|---:|---:|---:|---:|---:|\n");
    /* Round robin, one run of each command in turn, so that the load
     * of a shared machine weighs on every row alike. */
    reps = MIN(MAX(reps, 1), 64);
    for (int k = 0; k < reps; k++) {
        for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
            sample(&samples[i], runs[i].argv, runs[i].exit_status);
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
        Run r = summarise(&samples[i]);

        if (!r.ok) {
            fprintf(stderr, "bench-qemu-info: %s failed\n", runs[i].what);
            status = 1;
            continue;
        }
        if (i == 0) {
            base = r;
        }
        printf("| %s | %.0f / %.0f | %.0f | %.1f MiB | %.2fx | %.2fx |\n",
               runs[i].what, r.cpu_best * 1e3, r.cpu * 1e3,
               r.seconds * 1e3, r.max_rss_kib / 1024.0,
               base.seconds > 0 ? r.seconds / base.seconds : 0.0,
               base.cpu > 0 ? r.cpu / base.cpu : 0.0);
    }
    printf("\nMemory bound: 262,144 pages x 8 bytes of digest = 2 MiB per "
           "stream for diff; the largest record (the 1 GiB PART) is never "
           "held. The read rows are the cost of the read() calls "
           "alone: diff reads two streams, so the second is its CPU "
           "floor; on two threads its wall floor is the first.\n");
    if (!getenv("BENCH_KEEP")) {
        unlink(a);
        unlink(b);
    }
    return status;
}
