/*
 * QEMU stream dump: `qvisit dump --qemu --analyze-compat STREAM` against
 * `python3 $ANALYZE_MIGRATION -f STREAM` (QEMU's analyze-migration.py) on
 * the corpus streams and on a synthetic 136 MiB stream, as whole
 * processes: CPU time (user + system from wait4(), best and median of
 * BENCH_REPS runs, default 21 for qvisit and 5 for Python), peak RSS, the
 * speed ratio of the best CPU times (target >= 50x) and of the medians,
 * and whether both printed the same bytes.
 *
 * The synthetic stream is pc-nodefaults.mig with its RAM PART record
 * replaced by 8 rounds of all 4096 pages of pc.ram, as a guest that keeps
 * dirtying its memory would send: the stream grows 8-fold while the
 * largest section stays at 16 MiB, so qvisit's peak RSS must stay flat.
 *
 * Without ANALYZE_MIGRATION the Python side is skipped (with a note).
 * Environment: BUILD_DIR (default build), BENCH_REPS, BENCH_TMPDIR
 * (default /tmp).
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

typedef struct Run {
    double seconds;     /* wall time */
    double cpu;         /* user + system time; the median of several */
    double cpu_best;    /* the smallest of several */
    long max_rss_kib;
    bool ok;
} Run;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Runs @argv with stdout to @out_path; measures wall time and peak RSS. */
static Run run_once(char **argv, const char *out_path)
{
    Run r = { 0 };
    struct rusage ru;
    int status = 0;
    gint64 t0;
    pid_t pid;

    /* Freeing the previous run's output is not the tool's work: with
     * O_TRUNC in the child it was counted in the child's CPU time. */
    unlink(out_path);
    t0 = g_get_monotonic_time();
    pid = fork();

    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

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
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return r;
}

static Run run_median(char **argv, const char *out_path, int reps)
{
    double t[64], c[64];
    Run r = { 0 };

    reps = MIN(MAX(reps, 1), 64);
    for (int i = 0; i < reps; i++) {
        Run one = run_once(argv, out_path);

        if (!one.ok) {
            return one;
        }
        t[i] = one.seconds;
        c[i] = one.cpu;
        r.max_rss_kib = MAX(r.max_rss_kib, one.max_rss_kib);
    }
    qsort(t, reps, sizeof(t[0]), cmp_double);
    qsort(c, reps, sizeof(c[0]), cmp_double);
    r.seconds = t[reps / 2];
    r.cpu = c[reps / 2];
    r.cpu_best = c[0];
    r.ok = true;
    return r;
}

/*
 * The floor for a stream made of full pages: the CPU time of a process
 * that only read()s @path in 1 MiB chunks (the kernel's copy of every
 * byte; a decoder that reads the stream cannot go below it). Measured in
 * a child like the tools, median of @reps runs.
 */
static double read_floor_cpu(const char *path, int reps)
{
    double c[64];

    reps = MIN(MAX(reps, 1), 64);
    for (int i = 0; i < reps; i++) {
        struct rusage ru;
        int status = 0;
        pid_t pid = fork();

        if (pid == 0) {
            static char buf[1 << 20];
            int fd = open(path, O_RDONLY);
            ssize_t n;

            if (fd < 0) {
                _exit(1);
            }
            while ((n = read(fd, buf, sizeof(buf))) > 0) {
                /* nothing: only the copy is measured */
            }
            _exit(n < 0);
        }
        if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 ||
            !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            return -1;
        }
        c[i] = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    }
    qsort(c, reps, sizeof(c[0]), cmp_double);
    return c[reps / 2];
}

static bool same_file(const char *a, const char *b)
{
    g_autofree char *x = NULL, *y = NULL;
    gsize lx = 0, ly = 0;

    return g_file_get_contents(a, &x, &lx, NULL) &&
           g_file_get_contents(b, &y, &ly, NULL) && lx == ly &&
           memcmp(x, y, lx) == 0;
}

/* Writes the synthetic many-rounds stream described above to @path. */
static bool make_big_stream(const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) dump = NULL;
    g_autoptr(QList) pages = qlist_new();
    QemuStreamOptions opts;
    QList *records, *grown;
    QEMUFile *f;
    uint8_t page[4096];
    bool ok;

    qemu_stream_options_init(&opts);
    opts.ram_full = true;
    dump = qemu_stream_dump_path(DATA "pc-nodefaults.mig", &opts, &err);
    if (!dump) {
        fprintf(stderr, "bench-qemu-dump: %s\n", err->message);
        return false;
    }
    for (unsigned i = 0; i < 4096; i++) {
        g_autofree char *b64 = NULL;
        QDict *item = qdict_new();

        memset(page, (int)(i * 7 + 1), sizeof(page));
        memcpy(page, &i, sizeof(i));
        b64 = g_base64_encode(page, sizeof(page));
        qdict_put_str(item, "type", "page");
        qdict_put_uint(item, "addr", (uint64_t)i * 4096);
        if (i == 0) {
            qdict_put_str(item, "block", "pc.ram");
        }
        qdict_put_str(item, "data", b64);
        qlist_append_obj(pages, QOBJECT(item));
    }
    {
        QDict *eos = qdict_new();

        qdict_put_str(eos, "type", "eos");
        qlist_append_obj(pages, QOBJECT(eos));
    }
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    grown = qlist_new();
    for (size_t i = 0; i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        const char *type = qstring_get_str(qobject_to(QString,
                                               qdict_get(rec, "type")));

        if (strcmp(type, "PART")) {
            qlist_append_obj(grown, qobject_ref(QOBJECT(rec)));
            continue;
        }
        for (int round = 0; round < 8; round++) {
            QDict *part = qdict_new();

            qdict_put_str(part, "type", "PART");
            qdict_put_obj(part, "section_id",
                          qobject_ref(qdict_get(rec, "section_id")));
            qdict_put_obj(part, "ram", qobject_ref(QOBJECT(pages)));
            qdict_put_bool(part, "footer", true);
            qlist_append_obj(grown, QOBJECT(part));
        }
    }
    qdict_put_obj(qobject_to(QDict, dump), "records", QOBJECT(grown));
    f = qemu_fopen_path(path, "wb", &err);
    if (!f) {
        fprintf(stderr, "bench-qemu-dump: %s\n", err->message);
        return false;
    }
    ok = qemu_stream_encode(f, dump, &err);
    if (qemu_fclose(f) < 0 || !ok) {
        fprintf(stderr, "bench-qemu-dump: cannot write %s\n", path);
        return false;
    }
    return true;
}

int main(void)
{
    const char *script = getenv("ANALYZE_MIGRATION");
    const char *build = getenv("BUILD_DIR") ? getenv("BUILD_DIR") : "build";
    const char *tmp = getenv("BENCH_TMPDIR") ? getenv("BENCH_TMPDIR")
                                             : "/tmp";
    int reps = getenv("BENCH_REPS") ? atoi(getenv("BENCH_REPS")) : 21;
    int py_reps = MIN(reps, 5);
    g_autofree char *cli = g_strdup_printf("%s/qvisit", build);
    g_autofree char *big = g_strdup_printf("%s/qvisit-bench-big-%d.mig",
                                           tmp, (int)getpid());
    g_autofree char *out_q = g_strdup_printf("%s/qvisit-bench-q-%d.json",
                                             tmp, (int)getpid());
    g_autofree char *out_p = g_strdup_printf("%s/qvisit-bench-p-%d.json",
                                             tmp, (int)getpid());
    const char *streams[] = {
        DATA "pc-nodefaults.mig", DATA "pc-e1000.mig",
        DATA "q35-smp2-xhci-virtio.mig", big,
    };
    int status = 0;
    double big_python_cpu = 0;

    /* Built in a child: a forked child's peak RSS starts from its
     * parent's size, so the parent must stay small. */
    pid_t pid = fork();
    int st = 0;

    if (pid == 0) {
        _exit(make_big_stream(big) ? 0 : 1);
    }
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
        WEXITSTATUS(st) != 0) {
        return 1;
    }
    printf("`qvisit dump --qemu --analyze-compat` against QEMU's "
           "`analyze-migration.py -f`, whole processes: CPU time (user + "
           "system, from wait4()) of %d (qvisit) / %d (Python) runs, best "
           "and median, and peak RSS. The speed-up is the ratio of the best "
           "CPU times (other jobs on the machine only ever add time), with "
           "the ratio of the medians in brackets. The last stream is "
           "synthetic: 8 rounds of all 16 MiB of pc.ram.\n\n", reps,
           py_reps);
    if (!script) {
        printf("(Python side skipped: set ANALYZE_MIGRATION to the path "
               "of QEMU's scripts/analyze-migration.py.)\n\n");
    }
    printf("| stream | bytes | qvisit CPU ms, best / median | qvisit peak "
           "RSS | Python CPU ms, best / median | Python peak RSS | "
           "speed-up, best (median) | same output |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (size_t i = 0; i < G_N_ELEMENTS(streams); i++) {
        char *qargv[] = {
            cli, "dump", "--qemu", "--analyze-compat", (char *)streams[i],
            NULL,
        };
        char *pargv[] = {
            "python3", (char *)script, "-f", (char *)streams[i], NULL,
        };
        g_autofree char *base = g_path_get_basename(streams[i]);
        struct stat sb;
        Run q = run_median(qargv, out_q, reps);
        Run p = { 0 };

        if (stat(streams[i], &sb) < 0 || !q.ok) {
            fprintf(stderr, "bench-qemu-dump: qvisit failed on %s\n",
                    streams[i]);
            status = 1;
            continue;
        }
        printf("| %s | %lld | %.1f / %.1f | %.1f MiB |",
               i == 3 ? "synthetic-8x16MiB" : base, (long long)sb.st_size,
               q.cpu_best * 1e3, q.cpu * 1e3, q.max_rss_kib / 1024.0);
        if (script) {
            p = run_median(pargv, out_p, py_reps);
        }
        if (p.ok && i == 3) {
            big_python_cpu = p.cpu_best;
        }
        if (p.ok) {
            printf(" %.1f / %.1f | %.1f MiB | %.0fx (%.0fx) | %s |\n",
                   p.cpu_best * 1e3, p.cpu * 1e3, p.max_rss_kib / 1024.0,
                   p.cpu_best / MAX(q.cpu_best, 1e-4),
                   p.cpu / MAX(q.cpu, 1e-4),
                   same_file(out_q, out_p) ? "yes" : "NO");
        } else {
            printf(" - | - | - | - |\n");
        }
    }
    {
        double floor_cpu = read_floor_cpu(big, reps);

        if (floor_cpu >= 0) {
            printf("\nFloor for synthetic-8x16MiB: read() of the same file "
                   "in 1 MiB chunks, nothing else, costs %.1f ms CPU "
                   "(median of %d runs in this process), so a reader of "
                   "every byte cannot beat Python's seeks (best run) by "
                   "more than %.0fx there.\n", floor_cpu * 1e3,
                   MIN(MAX(reps, 1), 64),
                   big_python_cpu > 0 ? big_python_cpu / MAX(floor_cpu, 1e-4)
                                      : 0.0);
        } else {
            fprintf(stderr, "bench-qemu-dump: read floor failed\n");
            status = 1;
        }
    }
    unlink(big);
    unlink(out_q);
    unlink(out_p);
    return status;
}
