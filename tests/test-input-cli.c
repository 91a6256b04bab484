/*
 * What the CLI reads, as processes: every input is read within --max-alloc
 * (tools/cli-input.c, and the spooled pipe of `dump --qemu`), its first
 * bytes are looked at before the rest, and what the input is instead of
 * a stream is said in one line.
 *
 * "Without reading it all" is measured, not timed: each command runs
 * under wait4(), whose peak resident size covers the shell and the CLI,
 * and must stay far below the input's size (a 1 GiB sparse file read
 * whole is 1 GiB resident). QVISIT_CLI (set by `make check`) is the CLI.
 */
#include "tests/test-util.h"

#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tests/example-vm.h"

/* What one command may keep resident beyond what `qvisit version` does
 * (more under ASan): a few buffers. */
#define RSS_SLACK_KIB (64 * 1024)

static long rss_bound_kib;
static char *dir;
static char *cli;
static char *src;       /* the source tree, where tests/data is */

typedef struct Run {
    int status;
    long maxrss_kib;
    char *out;
    char *err;
} Run;

static void run_clear(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

/*
 * Runs `sh -c CMD` in the temporary folder, with $Q the CLI and $D the
 * test data folder; collects the exit status, standard output and error
 * and the peak resident size.
 */
static Run run(const char *cmd)
{
    g_autofree char *script = g_strdup_printf(
        "Q=%s; D=%s/tests/data; %s", cli, src, cmd);
    g_autofree char *out_path = g_build_filename(dir, ".stdout", NULL);
    g_autofree char *err_path = g_build_filename(dir, ".stderr", NULL);
    struct rusage ru = { 0 };
    Run r = { .status = -1 };
    int wstatus = 0;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (out < 0 || err < 0 || chdir(dir) < 0 ||
            dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0) {
            _exit(127);
        }
        execl("/bin/sh", "sh", "-c", script, (char *)NULL);
        _exit(127);
    }
    CU_ASSERT_FATAL(pid > 0);
    CU_ASSERT_FATAL(wait4(pid, &wstatus, 0, &ru) == pid);
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    r.maxrss_kib = ru.ru_maxrss;
    CU_ASSERT_TRUE(g_file_get_contents(out_path, &r.out, NULL, NULL));
    CU_ASSERT_TRUE(g_file_get_contents(err_path, &r.err, NULL, NULL));
    return r;
}

/* The bound on a command's peak resident size, measured once. */
static long rss_bound(void)
{
    if (!rss_bound_kib) {
        Run base = run("$Q version");

        CU_ASSERT_EQUAL(base.status, 0);
        rss_bound_kib = base.maxrss_kib + RSS_SLACK_KIB;
        run_clear(&base);
    }
    return rss_bound_kib;
}

/* Runs @cmd and checks its exit status, standard error and peak size. */
static void expect(const char *cmd, int status, const char *err)
{
    long bound = rss_bound();
    Run r = run(cmd);
    bool ok = r.status == status && r.err && !strcmp(r.err, err) &&
              r.maxrss_kib < bound;

    if (!ok) {
        fprintf(stderr, "\n%s\n  exit %d (want %d), peak %ld KiB\n"
                "  stderr: %s  want:   %s", cmd, r.status, status,
                r.maxrss_kib, r.err ? r.err : "(none)\n", err);
    }
    CU_ASSERT_TRUE(ok);
    run_clear(&r);
}

static bool write_file(const char *name, const void *data, size_t len)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    return g_file_set_contents(path, data, (gssize)len, NULL);
}

/* Runs before the suite: the inputs every test uses. */
static bool setup(void)
{
    const char *env = g_getenv("QVISIT_CLI");
    g_autofree char *sparse = NULL;
    ExampleVm *vm;
    bool ok = true;
    int fd;

    src = g_get_current_dir();
    cli = g_path_is_absolute(env ? env : "build/qvisit")
              ? g_strdup(env)
              : g_build_filename(src, env ? env : "build/qvisit", NULL);
    dir = g_dir_make_tmp("qvisit-input-XXXXXX", NULL);
    if (!dir) {
        return false;
    }
    /* 1 GiB of nothing: no disk space, 1 GiB of zeros to a reader. */
    sparse = g_build_filename(dir, "sparse.bin", NULL);
    fd = open(sparse, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ok = fd >= 0 && ftruncate(fd, (off_t)1 << 30) == 0;
    if (fd >= 0) {
        close(fd);
    }
    vm = example_vm_new(1, 7);
    for (int f = MIGRATION_FORMAT_BINARY; ok && f <= MIGRATION_FORMAT_JSON;
         f++) {
        g_autoptr(GByteArray) s = example_vm_save(vm, f);

        ok = write_file(f == MIGRATION_FORMAT_BINARY ? "vm.bin" : "vm.json",
                        s->data, s->len);
    }
    example_vm_free(vm);
    return ok && write_file("empty", "", 0) &&
           write_file("hello.txt", "hello, world\n", 13) &&
           write_file("qe", "QE", 2) &&
           write_file("doc.json", "{\"a\": [1, 2]}\n", 14);
}

static void teardown(void)
{
    static const char *const names[] = {
        "sparse.bin", "vm.bin", "vm.json", "empty", "hello.txt", "qe",
        "doc.json", "out", "big.bin", "big.json", "dump.json", "cut.mig",
        "deep.mig", "deep.json", ".stdout", ".stderr",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *p = g_build_filename(dir, names[i], NULL);

        g_unlink(p);
    }
    g_rmdir(dir);
    g_free(dir);
    g_free(cli);
    g_free(src);
}

#define ZERO_MAGIC "not a migration stream: magic 0x00000000, expected " \
                   "0x5145564d (QEVM) at byte 0\n"

/* /dev/zero never ends: each command stops at its first bytes. */
static void every_command_stops_dev_zero_at_its_first_bytes(void)
{
    static const struct {
        const char *cmd, *err;
    } cases[] = {
        { "$Q info /dev/zero",
          "qvisit: /dev/zero: not a migration stream (unknown magic)\n" },
        { "$Q info - < /dev/zero",
          "qvisit: -: not a migration stream (unknown magic)\n" },
        { "$Q dump /dev/zero",
          "qvisit: /dev/zero: not a migration stream (unknown magic)\n" },
        { "$Q convert --to json /dev/zero out",
          "qvisit: /dev/zero: not a migration stream (unknown magic)\n" },
        { "$Q diff doc.json /dev/zero",
          "qvisit: /dev/zero: neither a migration stream nor JSON: json: "
          "unexpected byte 0x00 at byte 0\n" },
        { "$Q encode --qemu /dev/zero out",
          "qvisit: /dev/zero: json: unexpected byte 0x00 at byte 0\n" },
        { "$Q encode --qemu - out < /dev/zero",
          "qvisit: -: json: unexpected byte 0x00 at byte 0\n" },
        { "$Q compat-check $D/compat/release1.json /dev/zero",
          "qvisit: compat-check: /dev/zero: json: unexpected byte 0x00 at "
          "byte 0\n" },
        { "$Q dump --qemu /dev/zero", "qvisit: header.magic: " ZERO_MAGIC },
        { "$Q dump --qemu - < /dev/zero",
          "qvisit: header.magic: " ZERO_MAGIC },
        { "$Q dump --qemu --desc /dev/zero",
          "qvisit: vmdesc: invalid JSON at byte 0: json: unexpected byte "
          "0x00 at byte 0\n" },
        /* The same with a small limit. */
        { "$Q info --max-alloc 1K /dev/zero",
          "qvisit: /dev/zero: not a migration stream (unknown magic)\n" },
        { "$Q encode --qemu --max-alloc 1K /dev/zero out",
          "qvisit: /dev/zero: json: unexpected byte 0x00 at byte 0\n" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        expect(cases[i].cmd, 1, cases[i].err);
    }
}

/* A 1 GiB sparse file is "unknown magic" after its first bytes. */
static void sparse_file_is_unknown_magic_without_reading_it(void)
{
    static const struct {
        const char *cmd, *err;
    } cases[] = {
        { "$Q info sparse.bin", "qvisit: sparse.bin: not a migration stream "
          "(1073741824 bytes, unknown magic)\n" },
        { "$Q dump sparse.bin", "qvisit: sparse.bin: not a migration stream "
          "(1073741824 bytes, unknown magic)\n" },
        { "$Q convert --to binary sparse.bin out", "qvisit: sparse.bin: not "
          "a migration stream (1073741824 bytes, unknown magic)\n" },
        { "$Q info - < sparse.bin", "qvisit: -: not a migration stream "
          "(1073741824 bytes, unknown magic)\n" },
        { "$Q diff sparse.bin doc.json", "qvisit: sparse.bin: neither a "
          "migration stream nor JSON: json: unexpected byte 0x00 at byte "
          "0\n" },
        { "$Q encode --qemu sparse.bin out", "qvisit: sparse.bin: json: "
          "unexpected byte 0x00 at byte 0\n" },
        { "$Q compat-check sparse.bin $D/compat/release1.json",
          "qvisit: compat-check: sparse.bin: json: unexpected byte 0x00 at "
          "byte 0\n" },
        { "$Q dump --qemu sparse.bin", "qvisit: header.magic: " ZERO_MAGIC },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        expect(cases[i].cmd, 1, cases[i].err);
    }
}

/* /dev/urandom: whatever its first bytes, the read stops early. */
static void dev_urandom_stops_early(void)
{
    static const char *const cmds[] = {
        "$Q info /dev/urandom", "$Q dump /dev/urandom",
        "$Q convert --to json /dev/urandom out",
        "$Q diff doc.json /dev/urandom", "$Q encode --qemu /dev/urandom out",
        "$Q compat-check /dev/urandom $D/compat/release1.json",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        long bound = rss_bound();
        Run r = run(cmds[i]);

        if (r.status != 1 || r.maxrss_kib >= bound) {
            fprintf(stderr, "\n%s: exit %d, peak %ld KiB: %s", cmds[i],
                    r.status, r.maxrss_kib, r.err);
        }
        CU_ASSERT_EQUAL(r.status, 1);
        CU_ASSERT_TRUE(r.maxrss_kib < bound);
        CU_ASSERT_TRUE(g_str_has_prefix(r.err, "qvisit: "));
        run_clear(&r);
    }
}

#define OVER_1M "input larger than --max-alloc (1048576 bytes)\n"
/* 4 MiB after a binary stream's magic, or inside a JSON string. */
#define BIG_BIN "{ printf QVSD; head -c 4194304 /dev/zero; }"
#define BIG_JSON "{ printf '{\"a\": \"'; head -c 4194304 /dev/zero | " \
                 "tr '\\000' a; printf '\"}'; }"

/* Inputs that look right are read up to --max-alloc, not further. */
static void inputs_over_max_alloc_are_refused(void)
{
    static const struct {
        const char *cmd, *err;
    } cases[] = {
        { BIG_BIN " | $Q info --max-alloc 1M -", "qvisit: -: " OVER_1M },
        { BIG_BIN " | $Q dump --max-alloc 1M -", "qvisit: -: " OVER_1M },
        { BIG_BIN " | $Q convert --max-alloc 1M --to json - out",
          "qvisit: -: " OVER_1M },
        { BIG_BIN " | $Q diff --max-alloc 1M - doc.json",
          "qvisit: -: " OVER_1M },
        { BIG_JSON " | $Q info --max-alloc 1M -", "qvisit: -: " OVER_1M },
        { BIG_JSON " | $Q diff --max-alloc 1M doc.json -",
          "qvisit: -: " OVER_1M },
        { BIG_JSON " | $Q encode --qemu --max-alloc 1M - out",
          "qvisit: -: " OVER_1M },
        { BIG_JSON " | $Q compat-check --max-alloc 1M - "
          "$D/compat/release1.json", "qvisit: compat-check: -: " OVER_1M },
        /* A regular file is refused by its size. */
        { BIG_BIN " > big.bin; $Q info --max-alloc 1M big.bin",
          "qvisit: big.bin: " OVER_1M },
        { "$Q info --max-alloc 1K vm.bin", "qvisit: vm.bin: input larger "
          "than --max-alloc (1024 bytes)\n" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        expect(cases[i].cmd, 1, cases[i].err);
    }
    /* Within the limit, the same inputs are read. */
    expect("$Q info --max-alloc 64K vm.bin > /dev/null", 0, "");
    expect("$Q diff --max-alloc 1M vm.json vm.bin > /dev/null", 0, "");
    /* Past the first look: all of a binary stream, NUL bytes included,
     * and all of a JSON one. */
    expect("{ printf '{\"format\": \"qvisit-migration\", \"version\": 1, "
           "\"capabilities\": 0, \"machine\": \"m\", \"machine_version\": "
           "0, \"sections\": [{\"id\": \"d\", \"instance_id\": 0, "
           "\"version\": 1, \"state\": {\"n\": 0, \"blob\": \"'; "
           "head -c 200000 /dev/zero | tr '\\000' a; printf '\"}}]}'; "
           "} > big.json && $Q convert --to binary big.json big.bin && "
           "$Q diff big.bin big.json && $Q diff - big.bin < big.json", 0, "");
}

/* `dump --qemu` copies a pipe to a temporary file, at most max_alloc. */
static void dump_qemu_spools_a_pipe_within_max_alloc(void)
{
    expect("cat $D/qemu/pc-nodefaults.mig | "
           "$Q dump --qemu --max-alloc 256K - > /dev/null", 1,
           "qvisit: stream: piped input larger than max_alloc (262144 "
           "bytes), the most copied to a temporary file\n");
    expect("cat $D/qemu/pc-nodefaults.mig | "
           "$Q dump --qemu --desc --max-alloc 256K - > /dev/null", 1,
           "qvisit: stream: piped input larger than max_alloc (262144 "
           "bytes), the most copied to a temporary file\n");
    /* A stream that never ends stops at the limit. */
    expect("{ cat $D/qemu/pc-nodefaults.mig; cat /dev/zero; } | "
           "$Q dump --qemu --max-alloc 16M - > /dev/null", 1,
           "qvisit: stream: piped input larger than max_alloc (16777216 "
           "bytes), the most copied to a temporary file\n");
    /* Within the limit, the pipe gives what the file gives. */
    expect("cat $D/qemu/pc-nodefaults.mig | $Q dump --qemu --max-alloc 1M - "
           "> out && $Q dump --qemu $D/qemu/pc-nodefaults.mig | cmp - out",
           0, "");
}

/* dump --qemu says what an input is when it is no QEMU stream. */
static void dump_qemu_names_what_the_input_is(void)
{
    static const struct {
        const char *input, *err;
    } cases[] = {
        { "empty", "qvisit: header.magic: the stream is empty\n" },
        { "qe", "qvisit: header.magic: stream truncated at byte 0\n" },
        { "hello.txt", "qvisit: header.magic: not a migration stream: "
          "magic 0x68656c6c, expected 0x5145564d (QEVM) at byte 0\n" },
        { "vm.bin", "qvisit: header.magic: not a QEMU migration stream but "
          "a qvisit binary stream at byte 0\n" },
        { "vm.json", "qvisit: header.magic: not a QEMU migration stream but "
          "a qvisit JSON stream at byte 0\n" },
        { "dump.json", "qvisit: header.magic: not a QEMU migration stream "
          "but a qvisit dump of one (JSON) at byte 0\n" },
        { "doc.json", "qvisit: header.magic: not a QEMU migration stream "
          "but JSON text at byte 0\n" },
        { "cut.mig", "qvisit: vmdesc: stream truncated inside the "
          "description (98549 of 98649 bytes) at byte 350417\n" },
    };
    Run d = run("$Q dump --qemu $D/qemu/pc-nodefaults.mig > dump.json && "
                "head -c 350417 $D/qemu/pc-nodefaults.mig > cut.mig");

    CU_ASSERT_EQUAL(d.status, 0);
    run_clear(&d);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *file = g_strdup_printf("$Q dump --qemu %s",
                                                cases[i].input);
        g_autofree char *pipe = g_strdup_printf("cat %s | $Q dump --qemu -",
                                                cases[i].input);

        expect(file, 1, cases[i].err);
        expect(pipe, 1, cases[i].err);
    }
    /* Given a description, a pipe is decoded as it comes: the same. */
    expect("$Q dump --qemu --vmdesc $D/qemu/pc-nodefaults.mig - < empty", 1,
           "qvisit: header.magic: the stream is empty\n");
    expect("$Q dump --qemu --vmdesc $D/qemu/pc-nodefaults.mig - < vm.bin", 1,
           "qvisit: header.magic: not a QEMU migration stream but a qvisit "
           "binary stream at byte 0\n");
}

/* A QEMU stream with no sections, whose vmdesc nests @depth arrays. */
static bool write_deep_stream(const char *name, unsigned depth)
{
    g_autoptr(GString) desc = g_string_new(
        "{\"page_size\": 4096, \"devices\": [], \"deep\": ");
    g_autoptr(GByteArray) s = g_byte_array_new();
    static const uint8_t head[] = { 'Q', 'E', 'V', 'M', 0, 0, 0, 3, 0, 6 };
    uint8_t len[4];

    for (unsigned i = 0; i < depth; i++) {
        g_string_append_c(desc, '[');
    }
    for (unsigned i = 0; i < depth; i++) {
        g_string_append_c(desc, ']');
    }
    g_string_append_c(desc, '}');
    len[0] = desc->len >> 24;
    len[1] = desc->len >> 16;
    len[2] = desc->len >> 8;
    len[3] = desc->len;
    g_byte_array_append(s, head, sizeof(head));
    g_byte_array_append(s, len, 4);
    g_byte_array_append(s, (const uint8_t *)desc->str, desc->len);
    return write_file(name, s->data, s->len);
}

/*
 * encode parses the dump's vmdesc within the limits it is given: a dump
 * made with --max-depth 10000 encodes with the same flag, and only with
 * it.
 */
static void encode_applies_the_limits_to_the_vmdesc(void)
{
    CU_ASSERT_TRUE(write_deep_stream("deep.mig", 1500));
    expect("$Q dump --qemu --ram --max-depth 10000 deep.mig > deep.json && "
           "$Q encode --qemu --max-depth 10000 deep.json out && "
           "cmp out deep.mig", 0, "");
    expect("$Q encode --qemu deep.json out", 1,
           "qvisit: vmdesc: json: nesting deeper than 1000 at byte 1042\n");
}

static const TestCase tests[] = {
    { "every_command_stops_dev_zero_at_its_first_bytes",
      every_command_stops_dev_zero_at_its_first_bytes },
    { "sparse_file_is_unknown_magic_without_reading_it",
      sparse_file_is_unknown_magic_without_reading_it },
    { "dev_urandom_stops_early", dev_urandom_stops_early },
    { "inputs_over_max_alloc_are_refused",
      inputs_over_max_alloc_are_refused },
    { "dump_qemu_spools_a_pipe_within_max_alloc",
      dump_qemu_spools_a_pipe_within_max_alloc },
    { "dump_qemu_names_what_the_input_is",
      dump_qemu_names_what_the_input_is },
    { "encode_applies_the_limits_to_the_vmdesc",
      encode_applies_the_limits_to_the_vmdesc },
    { NULL, NULL },
};

int main(void)
{
    int rc;

    if (!setup()) {
        fprintf(stderr, "test-input-cli: cannot create the inputs\n");
        return 1;
    }
    rc = test_run_suite("input-cli", tests);
    teardown();
    return rc;
}
