/*
 * `qvisit snapshots` run as a process. QVISIT_CLI (set by `make check`)
 * is the CLI under test; the streams are written by the suite itself
 * into a temporary directory, where every command runs.
 */
#include "tests/test-util.h"
#include "tests/cli-run.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/test-device.h"

static char *dir;

/* Runs `sh -c "<command>"` in the temporary directory, with $Q the CLI
 * under test. */
static CliRun run(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static CliRun run(const char *fmt, ...)
{
    g_autofree char *cli = cli_run_path();
    g_autofree char *args = NULL;
    g_autofree char *cmd = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    cmd = g_strdup_printf("Q=%s; %s", cli, args);
    return cli_run_sh(dir, cmd);
}

/* Asserts a run's status, standard output and standard error. */
#define ASSERT_RUN(r, st, o, e)                       \
    do {                                              \
        CU_ASSERT_EQUAL((r).status, (st));            \
        CU_ASSERT_STRING_EQUAL((r).out, (o));         \
        CU_ASSERT_STRING_EQUAL((r).err, (e));         \
        cli_run_clear(&(r));                          \
    } while (0)

static bool write_streams(void)
{
    MigrationDeviceInfo a = tdev_info("tdev", 0);
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    TDev d;
    bool ok;

    tdev_fill(&d, 1);
    migration_register(r, &a, &d, NULL);
    ok = tdev_write_streams(r, dir);
    tdev_clear(&d);
    return ok;
}

static gsize file_size(const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *data = NULL;
    gsize len = 0;

    CU_ASSERT_TRUE(g_file_get_contents(path, &data, &len, NULL));
    return len;
}

/* The metadata of @name in @store, as `show` prints it. */
static QDict *show(const char *store, const char *name)
{
    CliRun r = run("$Q snapshots %s show %s", store, name);
    QObject *doc;

    CU_ASSERT_EQUAL(r.status, 0);
    doc = qobject_from_json(r.out, NULL);
    cli_run_clear(&r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(qobject_to(QDict, doc));
    return qobject_to(QDict, doc);
}

static const char *str(QDict *d, const char *key)
{
    return qstring_get_str(qobject_to(QString, qdict_get(d, key)));
}

static int64_t created_of(const char *store, const char *name)
{
    g_autoptr(QDict) m = show(store, name);
    int64_t t = 0;

    CU_ASSERT_TRUE(snapshot_time_parse(str(m, "created"), &t, NULL));
    return t;
}

static void import_list_show_and_export_round_trip(void)
{
    g_autofree char *o1 = g_strdup_printf("a: imported (binary, %zu bytes)\n",
                                          file_size("s.bin"));
    g_autofree char *o2 = g_strdup_printf(
        "old: imported (legacy, %zu bytes)\n", file_size("s.legacy"));
    g_autofree char *o3 = g_strdup_printf("j: imported (json, %zu bytes)\n",
                                          file_size("s.json"));
    g_autofree char *want = NULL;
    g_autofree char *ta = NULL, *ea = NULL, *to = NULL, *tj = NULL;
    g_autoptr(QDict) ma = NULL;
    CliRun r;

    r = run("$Q snapshots st1 import a s.bin --lifetime 60");
    ASSERT_RUN(r, 0, o1, "");
    r = run("$Q snapshots st1 import old - < s.legacy");
    ASSERT_RUN(r, 0, o2, "");
    r = run("$Q snapshots st1 import -- j s.json");
    ASSERT_RUN(r, 0, o3, "");
    r = run("$Q snapshots st1 import a s.bin");
    ASSERT_RUN(r, 1, "", "qvisit: a: already exists (replace it, or delete "
                         "it first)\n");
    r = run("$Q snapshots st1 import --replace --lifetime 60 a s.bin");
    ASSERT_RUN(r, 0, o1, "");

    /* One line each, oldest first (same second: by name). */
    ma = show("st1", "a");
    CU_ASSERT_STRING_EQUAL(str(ma, "format"), "binary");
    {
        int64_t lt = 0;

        CU_ASSERT_TRUE(qnum_get_try_int(qobject_to(QNum,
                                                   qdict_get(ma, "lifetime")),
                                        &lt));
        CU_ASSERT_EQUAL(lt, 60);
    }
    ta = snapshot_time_format(created_of("st1", "a"));
    ea = snapshot_time_format(created_of("st1", "a") + 60);
    to = snapshot_time_format(created_of("st1", "old"));
    tj = snapshot_time_format(created_of("st1", "j"));
    r = run("$Q snapshots st1 list");
    CU_ASSERT_EQUAL(r.status, 0);
    {
        g_auto(GStrv) lines = g_strsplit(r.out, "\n", -1);
        g_autofree char *la = g_strdup_printf(
            "a     %s  %-20s  binary  %zu", ta, ea, file_size("s.bin"));
        g_autofree char *lo = g_strdup_printf(
            "old   %s  never                 legacy  %zu", to,
            file_size("s.legacy"));
        g_autofree char *lj = g_strdup_printf(
            "j     %s  never                 json    %zu", tj,
            file_size("s.json"));
        bool found[3] = { false };

        CU_ASSERT_EQUAL(g_strv_length(lines), 4);
        for (size_t i = 0; lines[i]; i++) {
            found[0] = found[0] || !strcmp(lines[i], la);
            found[1] = found[1] || !strcmp(lines[i], lo);
            found[2] = found[2] || !strcmp(lines[i], lj);
        }
        CU_ASSERT_TRUE(found[0] && found[1] && found[2]);
        CU_ASSERT_STRING_EQUAL(lines[3], "");
    }
    cli_run_clear(&r);

    /* Export gives the bytes back, to a file or standard output. */
    r = run("$Q snapshots st1 export old out.legacy && cmp out.legacy s.legacy"
            " && $Q snapshots st1 export j - | cmp - s.json");
    ASSERT_RUN(r, 0, "", "");
    {
        g_autofree char *path = g_build_filename(dir, "s.legacy", NULL);
        g_autofree char *data = NULL;
        g_autofree char *sum = NULL;
        gsize len = 0;

        CU_ASSERT_TRUE(g_file_get_contents(path, &data, &len, NULL));
        sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data,
                                          len);
        want = g_strdup_printf("old: ok (legacy, %zu bytes, 1 devices, "
                               "sha256:%s)\n", len, sum);
    }
    r = run("$Q snapshots st1 verify old");
    ASSERT_RUN(r, 0, want, "");
    r = run("$Q snapshots st1 delete a");
    ASSERT_RUN(r, 0, "a: deleted\n", "");
    r = run("$Q snapshots st1 show a");
    ASSERT_RUN(r, 1, "", "qvisit: a: no such snapshot\n");
}

static void prune_expires_at_the_boundary_second(void)
{
    CliRun r = run("$Q snapshots st2 import short s.bin --lifetime 100 && "
                   "$Q snapshots st2 import keep s.json");
    int64_t c;
    g_autofree char *at = NULL;

    ASSERT_RUN(r, 0, r.out, "");
    c = created_of("st2", "short");
    r = run("$Q snapshots st2 prune --now @%" PRId64, c + 99);
    ASSERT_RUN(r, 0, "pruned 0 expired, 0 orphans\n", "");
    at = snapshot_time_format(c + 100);
    r = run("$Q snapshots st2 prune --now %s", at);
    ASSERT_RUN(r, 0, "expired: short\npruned 1 expired, 0 orphans\n", "");
    /* Orphans: a temporary file and a payload without metadata. */
    r = run("$Q snapshots st2 list | cut -c1-4");
    ASSERT_RUN(r, 0, "keep\n", "");
    r = run("$Q snapshots st2 prune --now @253402300799 < /dev/null");
    ASSERT_RUN(r, 0, "pruned 0 expired, 0 orphans\n", "");
    r = run("cp s.bin st2/ghost.0123456789abcdef.payload && "
            "echo x > st2/.keep.meta.json.tmp-abc123 && "
            "$Q snapshots st2 prune");
    ASSERT_RUN(r, 0,
               "orphan:  .keep.meta.json.tmp-abc123\n"
               "orphan:  ghost.0123456789abcdef.payload\n"
               "pruned 0 expired, 2 orphans\n", "");
}

static void verify_and_export_detect_a_corrupted_payload(void)
{
    CliRun r = run("$Q snapshots st3 import c s.bin");
    g_autoptr(QDict) m = NULL;
    g_autofree char *path = NULL;
    g_autofree char *data = NULL;
    g_autofree char *sum = NULL;
    g_autofree char *msg = NULL;
    gsize len = 0;

    ASSERT_RUN(r, 0, r.out, "");
    m = show("st3", "c");
    path = g_build_filename(dir, "st3", str(m, "payload"), NULL);
    CU_ASSERT_TRUE(g_file_get_contents(path, &data, &len, NULL));
    data[len - 1] ^= 0x80;
    CU_ASSERT_TRUE(g_file_set_contents(path, data, len, NULL));
    sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data,
                                      len);
    msg = g_strdup_printf("qvisit: c: payload checksum is sha256:%s, the "
                          "metadata says %s\n", sum, str(m, "checksum"));
    r = run("$Q snapshots st3 verify c");
    ASSERT_RUN(r, 1, "", msg);
    r = run("$Q snapshots st3 export c -");
    ASSERT_RUN(r, 1, "", msg);
    /* Rebuild refuses while the metadata is valid, and repairs it once
     * it is lost. */
    r = run("$Q snapshots st3 rebuild c");
    ASSERT_RUN(r, 1, "", "qvisit: c: has valid metadata, nothing to "
                         "rebuild\n");
    CU_ASSERT_TRUE(g_file_set_contents(path, data, len, NULL));
    data[len - 1] ^= 0x80;
    CU_ASSERT_TRUE(g_file_set_contents(path, data, len, NULL));
    r = run("rm st3/c.meta.json && $Q snapshots st3 rebuild c && "
            "$Q snapshots st3 verify c > /dev/null");
    ASSERT_RUN(r, 0, "c: metadata rebuilt; created and lifetime not "
                     "recovered\n", "");
}

static void usage_errors_exit_2_and_failures_1(void)
{
    static const struct {
        const char *args;
        int status;
        const char *err;    /* first line of standard error */
    } cases[] = {
        { "snapshots", 2, "qvisit: snapshots: need DIR and COMMAND" },
        { "snapshots st4 frob", 2, "qvisit: snapshots: unknown command "
                                   "'frob'" },
        { "snapshots st4 show", 2, "qvisit: snapshots: usage: qvisit "
                                   "snapshots DIR show NAME" },
        { "snapshots st4 list extra", 2, "qvisit: snapshots: usage: qvisit "
                                         "snapshots DIR list" },
        { "snapshots st4 list --now @5", 2, "qvisit: snapshots: --now is "
                                            "for prune" },
        { "snapshots st4 prune --now 2024-05-01T12:00:00+02:00", 2,
          "qvisit: snapshots: --now: time \"2024-05-01T12:00:00+02:00\": "
          "not UTC (use Z or +00:00)" },
        { "snapshots st4 prune --now", 2, "qvisit: snapshots: --now needs "
                                          "an argument" },
        { "snapshots st4 import a s.bin --lifetime 1h", 2,
          "qvisit: snapshots: --lifetime: expected seconds, got '1h'" },
        { "snapshots st4 list --lock-timeout -1", 2,
          "qvisit: snapshots: --lock-timeout: expected milliseconds, got "
          "'-1'" },
        { "snapshots st4 list --bogus", 2, "qvisit: snapshots: unknown "
                                           "option '--bogus'" },
        { "snapshots st4 list", 1, "qvisit: st4: no such directory" },
        { "snapshots s.bin list", 1, "qvisit: s.bin: not a directory" },
        { "snapshots st4 import ../x s.bin", 1,
          "qvisit: snapshot name \"../x\": contains '/'" },
        { "snapshots st4 import 'a\033[2J' s.bin", 1,
          "qvisit: snapshot name \"a\\x1b[2J\": contains a control "
          "character" },
        { "snapshots st4 import a /dev/null", 1,
          "qvisit: stream too short to detect its format (0 bytes)" },
        { "snapshots st4 show zz", 1, "qvisit: zz: no such snapshot" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        CliRun r = run("$Q %s", cases[i].args);
        g_auto(GStrv) lines = g_strsplit(r.err, "\n", 2);

        CU_ASSERT_EQUAL(r.status, cases[i].status);
        CU_ASSERT_STRING_EQUAL(lines[0], cases[i].err);
        if (r.status != cases[i].status || strcmp(lines[0], cases[i].err)) {
            fprintf(stderr, "\n  case %zu: %s -> %d: %s\n", i, cases[i].args,
                    r.status, r.err);
        }
        cli_run_clear(&r);
    }
    {
        CliRun h = run("$Q snapshots --help");

        CU_ASSERT_EQUAL(h.status, 0);
        CU_ASSERT_TRUE(g_str_has_prefix(h.out, "usage: qvisit snapshots "));
        cli_run_clear(&h);
    }
}

static void a_store_that_is_a_symlink_is_refused(void)
{
    CliRun r = run("mkdir -p real && ln -sfn real link && "
                   "$Q snapshots link import a s.bin");

    ASSERT_RUN(r, 1, "", "qvisit: link: is a symbolic link\n");
    r = run("ls -A real | wc -l");
    ASSERT_RUN(r, 0, "0\n", "");
}

static const TestCase tests[] = {
    { "import_list_show_and_export_round_trip",
      import_list_show_and_export_round_trip },
    { "prune_expires_at_the_boundary_second",
      prune_expires_at_the_boundary_second },
    { "verify_and_export_detect_a_corrupted_payload",
      verify_and_export_detect_a_corrupted_payload },
    { "usage_errors_exit_2_and_failures_1",
      usage_errors_exit_2_and_failures_1 },
    { "a_store_that_is_a_symlink_is_refused",
      a_store_that_is_a_symlink_is_refused },
    { NULL, NULL },
};

int main(void)
{
    return cli_run_suite_in_tmp("snapshots-cli", tests,
                                "qvisit-snapcli-XXXXXX", &dir, write_streams);
}
