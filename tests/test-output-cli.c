/*
 * Output safety of the qvisit commands, run as processes ($QVISIT_CLI,
 * set by `make check`): a failed write to standard output or to a file is
 * exit status 1 with one line naming the command; every writer keeps the
 * old file on a full disk, creates files with 0666 minus the umask, keeps
 * a replaced file's mode, writes through symbolic links and writes
 * devices, FIFOs and /dev/fd/N in place; a fatal signal leaves no
 * temporary file. Each test works in a temporary directory; "$Q" is the
 * CLI and "$D" the source tree's tests/data.
 */
#include "tests/test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/example-vm.h"

static char *dir;       /* the suite's temporary directory */
static char *cli;       /* absolute path of the CLI */
static char *data;      /* absolute path of tests/data */

typedef struct Run {
    int status;         /* exit status, or 128 + signal */
    char *out;
    char *err;
} Run;

static void run_clear(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* Runs @script with /bin/sh in the suite's directory; status -1 when it
 * could not be started. */
static Run run(const char *script)
{
    g_autofree char *cmd = g_strdup_printf("Q='%s'; D='%s'; %s", cli, data,
                                           script);
    char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    Run r = { -1, NULL, NULL };
    int wait = 0;

    if (g_spawn_sync(dir, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out,
                     &r.err, &wait, NULL)) {
        r.status = WIFEXITED(wait) ? WEXITSTATUS(wait)
                                   : 128 + WTERMSIG(wait);
    }
    return r;
}

static bool expect(const char *what, const char *script, const Run *r,
                   int status, const char *err)
{
    if (r->status == status && (!err || !strcmp(r->err, err))) {
        return true;
    }
    fprintf(stderr, "\n%s: %s\n  exit %d (want %d)\n  stderr: %s"
            "  want:   %s\n", what, script, r->status, status, r->err,
            err ? err : "(any)\n");
    return false;
}

static char *path_in(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static void assert_file(const char *name, const char *want, size_t len)
{
    g_autofree char *path = path_in(name);
    g_autofree char *got = NULL;
    gsize got_len = 0;

    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &got, &got_len, NULL));
    ASSERT_BYTES_EQUAL(got, got_len, want, len);
}

static mode_t mode_of(const char *name)
{
    g_autofree char *path = path_in(name);
    struct stat st;

    g_assert(lstat(path, &st) == 0);
    return st.st_mode & 07777;
}

static mode_t type_of(const char *name)
{
    g_autofree char *path = path_in(name);
    struct stat st;

    g_assert(lstat(path, &st) == 0);
    return st.st_mode & S_IFMT;
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in @sub (of the suite's directory), sorted, space-separated. */
static char *listing(const char *sub)
{
    g_autofree char *path = path_in(sub);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(path, 0, NULL);
    const char *n;

    g_assert(d);
    while ((n = g_dir_read_name(d))) {
        g_ptr_array_add(names, g_strdup(n));
    }
    g_dir_close(d);
    g_ptr_array_sort(names, cmp_names);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

/* A fresh, empty subdirectory @name of the suite's directory. */
static void fresh_dir(const char *name)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf %s && mkdir %s", name,
                                           name);
    Run r = run(cmd);

    g_assert(r.status == 0);
    run_clear(&r);
}

/* ---- standard output ---- */

#define ENOSPC_LINE ": standard output: write: No space left on device\n"

static const struct {
    const char *cmd;
    const char *name;   /* the command the error names */
} stdout_cases[] = {
    { "version", "version" },
    { "--version", "version" },
    { "--help", "help" },
    { "info --help", "info" },
    { "info s.bin", "info" },
    { "diff s.bin s.bin", "diff" },
    { "diff s.bin t.bin", "diff" },
    { "dump s.bin", "dump" },
    { "dump --compact -o - s.bin", "dump" },
    { "convert --to json s.bin -", "convert" },
    { "convert --to legacy s.bin -", "convert" },
    { "schemas --release 1", "schemas" },
    { "schemas --release 1 -", "schemas" },
    { "compat-check $D/compat/release1.json $D/compat/release2.json",
      "compat-check" },
    { "compat-graph", "compat-graph" },
    { "dump --qemu $D/qemu/pc-nodefaults.mig", "dump" },
    { "dump --qemu --analyze-compat $D/qemu/pc-nodefaults.mig", "dump" },
    { "dump --qemu --desc $D/qemu/pc-nodefaults.mig", "dump" },
    { "encode --qemu ram.json -", "encode" },
};

static void every_command_fails_on_a_full_standard_output(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(stdout_cases); i++) {
        g_autofree char *script = g_strdup_printf("$Q %s >/dev/full",
                                                  stdout_cases[i].cmd);
        g_autofree char *want = g_strdup_printf("qvisit: %s" ENOSPC_LINE,
                                                stdout_cases[i].name);
        Run r = run(script);

        CU_ASSERT_TRUE(expect("full stdout", script, &r, 1, want));
        run_clear(&r);
    }
}

/* A standard output that is not open is an error only when written. */
static void a_closed_standard_output_is_an_error_only_when_written(void)
{
    Run w = run("$Q version >&-");
    Run n = run("$Q convert --to json s.bin c.json >&- && echo ok >c.ok");

    CU_ASSERT_TRUE(expect("closed stdout", "version >&-", &w, 1,
                          "qvisit: version: standard output: write: Bad "
                          "file descriptor\n"));
    CU_ASSERT_TRUE(expect("closed stdout, unused", "convert >&-", &n, 0,
                          ""));
    run_clear(&w);
    run_clear(&n);
}

/* ---- every writer of a named output ---- */

/* OUT is replaced by the output's name. */
static const char *const writers[] = {
    "dump -o OUT s.bin",
    "dump --qemu -o OUT $D/qemu/pc-nodefaults.mig",
    "dump --qemu --analyze-compat -o OUT $D/qemu/pc-nodefaults.mig",
    "dump --qemu --desc -o OUT $D/qemu/pc-nodefaults.mig",
    "convert --to json s.bin OUT",
    "convert --to legacy s.bin OUT",
    "schemas --release 2 OUT",
    "encode --qemu ram.json OUT",
};

static char *writer_cmd(size_t i, const char *out)
{
    g_auto(GStrv) parts = g_strsplit(writers[i], "OUT", 2);

    return g_strdup_printf("$Q %s%s%s", parts[0], out, parts[1]);
}

static char *writer_name(size_t i)
{
    return g_strndup(writers[i], strcspn(writers[i], " "));
}

static GBytes *reference_run(size_t i)
{
    g_autofree char *cmd = writer_cmd(i, "-");
    g_autofree char *script = g_strdup_printf("%s > ref.out", cmd);
    g_autofree char *path = path_in("ref.out");
    g_autofree char *bytes = NULL;
    gsize len = 0;
    Run r = run(script);

    g_assert(r.status == 0);
    g_assert(g_file_get_contents(path, &bytes, &len, NULL));
    run_clear(&r);
    return g_bytes_new(bytes, len);
}

static GBytes *references[G_N_ELEMENTS(writers)];

/* What writer @i prints to standard output: the bytes it must write. */
static GBytes *reference(size_t i)
{
    if (!references[i]) {
        references[i] = reference_run(i);
    }
    return g_bytes_ref(references[i]);
}

/*
 * Full disks: RLIMIT_FSIZE (`ulimit -f`, writes past it fail with EFBIG;
 * the CLI ignores SIGXFSZ) and, where this process may mount one, a
 * 64 KiB tmpfs (ENOSPC). Every writer exits 1 with one line naming the
 * command and the file, and the old file keeps its contents and mode,
 * with no temporary file beside it.
 */
static void check_full(const char *sub, const char *limit, const char *oserr,
                       const char *names_want)
{
    for (size_t i = 0; i < G_N_ELEMENTS(writers); i++) {
        g_autofree char *name = writer_name(i);
        g_autofree char *out = g_strdup_printf("%s/out", sub);
        g_autofree char *cmd = writer_cmd(i, out);
        g_autofree char *script = g_strdup_printf(
            "printf 'old' > %s && chmod 640 %s && (%s exec %s)", out, out,
            limit, cmd);
        g_autofree char *want = g_strdup_printf("qvisit: %s: %s: write: "
                                                "%s\n", name, out, oserr);
        g_autofree char *names = NULL;
        Run r = run(script);

        CU_ASSERT_TRUE(expect("full disk", script, &r, 1, want));
        assert_file(out, "old", 3);
        CU_ASSERT_EQUAL(mode_of(out), 0640);
        names = listing(sub);
        CU_ASSERT_STRING_EQUAL(names, names_want);
        run_clear(&r);
    }
}

static void every_writer_keeps_the_old_file_on_a_full_disk(void)
{
    g_autofree char *mnt = path_in("mnt");

    fresh_dir("full");
    check_full("full", "ulimit -f 2;", "File too large", "out");
    fresh_dir("mnt");
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") < 0) {
        fprintf(stderr, "(tmpfs not mountable: %s; ENOSPC case skipped) ",
                g_strerror(errno));
        return;
    }
    /* 14 of the 16 pages taken, one for the old file: one page (4 KiB)
     * is left, less than any writer writes. */
    {
        Run r = run("head -c 57344 /dev/zero > mnt/fill");

        CU_ASSERT_EQUAL(r.status, 0);
        run_clear(&r);
    }
    check_full("mnt", "", "No space left on device", "fill out");
    CU_ASSERT_EQUAL(umount(mnt), 0);
}

static void every_writer_creates_0666_minus_umask_and_keeps_modes(void)
{
    fresh_dir("modes");
    for (size_t i = 0; i < G_N_ELEMENTS(writers); i++) {
        g_autoptr(GBytes) want = reference(i);
        g_autofree char *cmd = writer_cmd(i, "modes/new");
        g_autofree char *cmd2 = writer_cmd(i, "modes/old");
        g_autofree char *script = g_strdup_printf(
            "rm -f modes/new && umask 027 && %s", cmd);
        g_autofree char *script2 = g_strdup_printf(
            "printf x > modes/old && chmod 604 modes/old && umask 022 && "
            "%s", cmd2);
        Run r = run(script);
        Run r2 = run(script2);

        CU_ASSERT_TRUE(expect("new file", script, &r, 0, ""));
        CU_ASSERT_EQUAL(mode_of("modes/new"), 0640);
        assert_file("modes/new", g_bytes_get_data(want, NULL),
                    g_bytes_get_size(want));
        CU_ASSERT_TRUE(expect("replaced file", script2, &r2, 0, ""));
        CU_ASSERT_EQUAL(mode_of("modes/old"), 0604);
        assert_file("modes/old", g_bytes_get_data(want, NULL),
                    g_bytes_get_size(want));
        run_clear(&r);
        run_clear(&r2);
    }
    {
        g_autofree char *names = listing("modes");

        CU_ASSERT_STRING_EQUAL(names, "new old");
    }
}

static void every_writer_writes_through_a_symlink(void)
{
    fresh_dir("links");
    for (size_t i = 0; i < G_N_ELEMENTS(writers); i++) {
        g_autoptr(GBytes) want = reference(i);
        g_autofree char *cmd = writer_cmd(i, "links/link");
        g_autofree char *script = g_strdup_printf(
            "rm -f links/* && printf old > links/real && chmod 640 "
            "links/real && ln -s real links/link && %s", cmd);
        g_autofree char *link = path_in("links/link");
        g_autofree char *target = NULL;
        g_autofree char *names = NULL;
        Run r = run(script);

        CU_ASSERT_TRUE(expect("symlink", script, &r, 0, ""));
        target = g_file_read_link(link, NULL);
        CU_ASSERT_STRING_EQUAL(target ? target : "(not a link)", "real");
        assert_file("links/real", g_bytes_get_data(want, NULL),
                    g_bytes_get_size(want));
        CU_ASSERT_EQUAL(mode_of("links/real"), 0640);
        names = listing("links");
        CU_ASSERT_STRING_EQUAL(names, "link real");
        run_clear(&r);
    }
}

/* Root makes its own /dev/null (1, 3): replacing the machine's would harm
 * it if the test failed. */
static char *null_device(void)
{
    g_autofree char *node = path_in("devs/null");

    fresh_dir("devs");
    if (geteuid() == 0 && mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0) {
        return g_strdup("devs/null");
    }
    return g_strdup("/dev/null");
}

static void every_writer_writes_a_device_in_place(void)
{
    g_autofree char *node = null_device();

    for (size_t i = 0; i < G_N_ELEMENTS(writers); i++) {
        g_autofree char *cmd = writer_cmd(i, node);
        g_autofree char *path = g_path_is_absolute(node)
                                    ? g_strdup(node) : path_in(node);
        g_autofree char *names = NULL;
        Run r = run(cmd);
        struct stat st;

        CU_ASSERT_TRUE(expect("device", cmd, &r, 0, ""));
        g_assert(stat(path, &st) == 0);
        CU_ASSERT_TRUE(S_ISCHR(st.st_mode));
        CU_ASSERT_EQUAL(st.st_rdev, makedev(1, 3));
        names = listing("devs");
        CU_ASSERT_STRING_EQUAL(names, node[0] == '/' ? "" : "null");
        run_clear(&r);
    }
}

static void every_writer_writes_a_fifo_to_its_reader(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(writers); i++) {
        g_autoptr(GBytes) want = reference(i);
        g_autofree char *cmd = writer_cmd(i, "fifos/f");
        /* The reader gives up after 10 s, should the FIFO be replaced. */
        g_autofree char *script = g_strdup_printf(
            "timeout 10 cat fifos/f > fifos/got & %s; s=$?; wait; "
            "exit $s", cmd);
        Run r;

        fresh_dir("fifos");
        r = run("mkfifo fifos/f");
        g_assert(r.status == 0);
        run_clear(&r);
        r = run(script);
        CU_ASSERT_TRUE(expect("fifo", script, &r, 0, ""));
        CU_ASSERT_EQUAL(type_of("fifos/f"), S_IFIFO);
        assert_file("fifos/got", g_bytes_get_data(want, NULL),
                    g_bytes_get_size(want));
        run_clear(&r);
    }
}

/* /dev/fd/1 is the process's standard output: an appending redirection
 * keeps appending, and the file behind it is not replaced. (/dev/stdout
 * resolves the same way; it is not named here because a writer that
 * replaced it would replace the machine's /dev/stdout when run as root.)
 */
static void every_writer_writes_dev_fd_1_where_it_points(void)
{
    fresh_dir("fd");
    for (size_t i = 0; i < G_N_ELEMENTS(writers); i++) {
        g_autoptr(GBytes) want = reference(i);
        g_autoptr(GByteArray) all = g_byte_array_new();
        g_autofree char *cmd = writer_cmd(i, "/dev/fd/1");
        g_autofree char *script = g_strdup_printf(
            "printf 'old\\n' > fd/log && ln -f fd/log fd/hard && %s >> "
            "fd/log", cmd);
        Run r = run(script);

        g_byte_array_append(all, (const uint8_t *)"old\n", 4);
        g_byte_array_append(all, g_bytes_get_data(want, NULL),
                            g_bytes_get_size(want));
        CU_ASSERT_TRUE(expect("/dev/fd/1", script, &r, 0, ""));
        assert_file("fd/log", (const char *)all->data, all->len);
        /* Still the same file: the hard link sees the bytes too. */
        assert_file("fd/hard", (const char *)all->data, all->len);
        run_clear(&r);
    }
}

/*
 * SIGTERM, SIGINT and SIGHUP while `dump --qemu -o FILE -` waits for the
 * rest of its input (the temporary file exists from the start): the
 * process dies of the signal, the temporary file is gone, FILE keeps its
 * old contents.
 */
static void a_fatal_signal_leaves_no_temporary_file(void)
{
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    g_autofree char *mig = g_build_filename(data, "qemu",
                                            "pc-nodefaults.mig", NULL);
    g_autoptr(GBytes) stream = test_read_file(mig);

    fresh_dir("sig");
    for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
        g_autofree char *out = path_in("sig/out.json");
        int in[2];
        int status = 0;
        bool seen = false;
        pid_t pid;

        g_assert(g_file_set_contents(out, "old", 3, NULL));
        g_assert(pipe(in) == 0);
        pid = fork();
        g_assert(pid >= 0);
        if (pid == 0) {
            /* As a shell would start it in the foreground. */
            for (size_t k = 0; k < G_N_ELEMENTS(sigs); k++) {
                signal(sigs[k], SIG_DFL);
            }
            dup2(in[0], 0);
            close(in[0]);
            close(in[1]);
            execl(cli, cli, "dump", "--qemu", "--analyze-compat", "-o", out,
                  "-", (char *)NULL);
            _exit(127);
        }
        close(in[0]);
        /* Part of the stream; the rest never comes. */
        g_assert(write(in[1], g_bytes_get_data(stream, NULL), 4096) == 4096);
        for (int tries = 0; tries < 1000 && !seen; tries++) {
            g_autofree char *names = listing("sig");

            seen = g_str_has_prefix(names, ".out.json.");
            if (!seen) {
                g_usleep(10000);
            }
        }
        CU_ASSERT_TRUE(seen);
        kill(pid, sigs[i]);
        g_assert(waitpid(pid, &status, 0) == pid);
        close(in[1]);
        CU_ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i]);
        {
            g_autofree char *names = listing("sig");

            CU_ASSERT_STRING_EQUAL(names, "out.json");
        }
        assert_file("sig/out.json", "old", 3);
    }
}

/*
 * A writer waiting for a FIFO's reader still dies of SIGINT (signals are
 * blocked only while a temporary file is created). Whenever the signal
 * lands it must kill; it is sent after 0.3 s, so that it usually lands
 * in the open().
 */
static void a_writer_waiting_for_a_fifo_reader_can_be_interrupted(void)
{
    g_autofree char *fifo = path_in("wait/f");
    g_autofree char *in = path_in("s.bin");
    int status = 0;
    bool dead = false;
    pid_t pid;

    fresh_dir("wait");
    g_assert(mkfifo(fifo, 0600) == 0);
    pid = fork();
    g_assert(pid >= 0);
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        execl(cli, cli, "convert", "--to", "json", in, fifo, (char *)NULL);
        _exit(127);
    }
    g_usleep(300000);
    kill(pid, SIGINT);
    for (int tries = 0; tries < 500 && !dead; tries++) {
        dead = waitpid(pid, &status, WNOHANG) == pid;
        if (!dead) {
            g_usleep(10000);
        }
    }
    if (!dead) {
        /* Let it finish, so the suite goes on. */
        int rd = open(fifo, O_RDONLY);
        char buf[4096];

        while (rd >= 0 && read(rd, buf, sizeof(buf)) > 0) {
        }
        close(rd);
        g_assert(waitpid(pid, &status, 0) == pid);
    }
    CU_ASSERT_TRUE(dead);
    CU_ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
}

static const TestCase tests[] = {
    { "every_command_fails_on_a_full_standard_output",
      every_command_fails_on_a_full_standard_output },
    { "a_closed_standard_output_is_an_error_only_when_written",
      a_closed_standard_output_is_an_error_only_when_written },
    { "every_writer_keeps_the_old_file_on_a_full_disk",
      every_writer_keeps_the_old_file_on_a_full_disk },
    { "every_writer_creates_0666_minus_umask_and_keeps_modes",
      every_writer_creates_0666_minus_umask_and_keeps_modes },
    { "every_writer_writes_through_a_symlink",
      every_writer_writes_through_a_symlink },
    { "every_writer_writes_a_device_in_place",
      every_writer_writes_a_device_in_place },
    { "every_writer_writes_a_fifo_to_its_reader",
      every_writer_writes_a_fifo_to_its_reader },
    { "every_writer_writes_dev_fd_1_where_it_points",
      every_writer_writes_dev_fd_1_where_it_points },
    { "a_fatal_signal_leaves_no_temporary_file",
      a_fatal_signal_leaves_no_temporary_file },
    { "a_writer_waiting_for_a_fifo_reader_can_be_interrupted",
      a_writer_waiting_for_a_fifo_reader_can_be_interrupted },
    { NULL, NULL },
};

/* The inputs: two example VM states as binary streams, and a full dump of
 * a QEMU stream for encode. */
static bool setup(void)
{
    const char *env = g_getenv("QVISIT_CLI");
    g_autofree char *cwd = g_get_current_dir();

    env = env ? env : "build/qvisit";
    cli = g_path_is_absolute(env) ? g_strdup(env)
                                  : g_build_filename(cwd, env, NULL);
    data = g_build_filename(cwd, "tests", "data", NULL);
    dir = g_dir_make_tmp("qvisit-output-cli-XXXXXX", NULL);
    if (!dir) {
        return false;
    }
    for (int i = 0; i < 2; i++) {
        ExampleVm *vm = example_vm_new(EXAMPLE_RELEASE_MAX, 1 + i);
        g_autoptr(GByteArray) b = example_vm_save(vm, MIGRATION_FORMAT_BINARY);
        g_autofree char *path = path_in(i ? "t.bin" : "s.bin");
        bool ok = g_file_set_contents(path, (char *)b->data, b->len, NULL);

        example_vm_free(vm);
        if (!ok) {
            return false;
        }
    }
    {
        Run r = run("$Q dump --qemu --ram -o ram.json "
                    "$D/qemu/pc-nodefaults.mig");
        bool ok = r.status == 0;

        run_clear(&r);
        return ok;
    }
}

int main(void)
{
    g_autofree char *cmd = NULL;
    int ret;

    if (!setup()) {
        fprintf(stderr, "test-output-cli: cannot write the inputs\n");
        return 1;
    }
    ret = test_run_suite("output-cli", tests);
    cmd = g_strdup_printf("umount '%s/mnt' 2>/dev/null; rm -rf '%s'", dir,
                          dir);
    if (system(cmd) != 0) {
        ret = 1;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(references); i++) {
        g_clear_pointer(&references[i], g_bytes_unref);
    }
    g_free(dir);
    g_free(cli);
    g_free(data);
    return ret;
}
