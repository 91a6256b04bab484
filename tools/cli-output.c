/*
 * Every output of the qvisit commands: files named with -o or OUT, and
 * standard output. Files go through the library's MigrationOutput
 * (include/qvisit/migration-output.h: atomic replacement of regular
 * files, in-place writes to devices, FIFOs and /dev/stdout, modes kept);
 * this file adds what only a process can do: report a failure once, with
 * the command's name, exit 1 on it, check standard output when the
 * command returns, and remove a temporary file when a signal kills the
 * process.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

struct CliOutput {
    MigrationOutput *out;
    bool reported;      /* a failure was printed */
};

const char *cli_command_name = "qvisit";

/*
 * The temporary file of the output being written, for the signal handler:
 * a static buffer (a handler may not allocate or follow pointers that the
 * program changes under it), set with the signals blocked so that none
 * comes between the file's creation and its name being here. It is
 * cleared after the output is closed; a signal in between finds the name
 * already renamed or removed, and its unlink() fails harmlessly. A path
 * the kernel accepted fits in PATH_MAX.
 */
static char temp_path[PATH_MAX];

static const int fatal_signals[] = { SIGTERM, SIGINT, SIGHUP };

static void on_fatal_signal(int sig)
{
    int saved = errno;

    if (temp_path[0]) {
        unlink(temp_path);
    }
    /* Die of the signal, as without the handler, so the parent sees it;
     * it is delivered when the handler returns and unblocks it. */
    signal(sig, SIG_DFL);
    raise(sig);
    errno = saved;
}

void cli_output_init(const char *command)
{
    struct sigaction sa;

    cli_command_name = command;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++) {
        struct sigaction old;

        /* A signal the caller ignores (nohup, a background job) stays
         * ignored. */
        if (sigaction(fatal_signals[i], NULL, &old) == 0 &&
            old.sa_handler != SIG_IGN) {
            sigaction(fatal_signals[i], &sa, NULL);
        }
    }
    /* A write past RLIMIT_FSIZE fails with EFBIG, reported and cleaned up
     * like a full disk, instead of killing the process. */
    signal(SIGXFSZ, SIG_IGN);
}

/* Blocks (@block) or restores the fatal signals. */
static void guard_signals(bool block, sigset_t *saved)
{
    sigset_t set;

    if (!block) {
        sigprocmask(SIG_SETMASK, saved, NULL);
        return;
    }
    sigemptyset(&set);
    for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++) {
        sigaddset(&set, fatal_signals[i]);
    }
    sigprocmask(SIG_BLOCK, &set, saved);
}

static void set_temp_path(const MigrationOutput *out)
{
    const char *tmp = out ? migration_output_get_temp_path(out) : NULL;

    g_strlcpy(temp_path, tmp ? tmp : "", sizeof(temp_path));
}

static void report(CliOutput *o, const GError *err)
{
    if (!o->reported) {
        cli_error("%s: %s", cli_command_name, err->message);
        o->reported = true;
    }
}

CliOutput *cli_output_open(const char *path)
{
    g_autoptr(GError) err = NULL;
    CliOutput *o = g_new0(CliOutput, 1);
    struct stat st;
    sigset_t saved;
    bool blocked;

    if (!path || !strcmp(path, "-")) {
        /* Anything printed with stdio goes first. */
        fflush(stdout);
        o->out = migration_output_open_fd(STDOUT_FILENO, "standard output");
        return o;
    }
    /* Only an output that gets a temporary file (a regular file or a new
     * path, as migration_output_open() decides) is opened with the
     * signals blocked: opening a FIFO waits for its reader, and Ctrl-C
     * must still work then. */
    blocked = stat(path, &st) < 0 || S_ISREG(st.st_mode);
    if (blocked) {
        guard_signals(true, &saved);
    }
    o->out = migration_output_open(path, &err);
    set_temp_path(o->out);
    if (blocked) {
        guard_signals(false, &saved);
    }
    if (!o->out) {
        report(o, err);
        g_free(o);
        return NULL;
    }
    return o;
}

bool cli_output_write(CliOutput *o, const void *data, size_t len)
{
    g_autoptr(GError) err = NULL;

    if (!migration_output_write(o->out, data, len, &err)) {
        report(o, err);
        return false;
    }
    return true;
}

bool cli_output_failed(const CliOutput *o)
{
    return o->reported;
}

int cli_output_get_fd(CliOutput *o)
{
    g_autoptr(GError) err = NULL;

    if (!migration_output_flush(o->out, &err)) {
        report(o, err);
        return -1;
    }
    return migration_output_get_fd(o->out);
}

void cli_output_report_errno(CliOutput *o, int err)
{
    g_autoptr(GError) e = g_error_new(QVISIT_ERROR, QVISIT_ERROR_IO,
                                      "%s: write: %s",
                                      migration_output_get_name(o->out),
                                      g_strerror(err));

    report(o, e);
}

int cli_output_close(CliOutput *o, bool ok)
{
    g_autoptr(GError) err = NULL;
    bool in_place = !migration_output_get_temp_path(o->out);

    if (!ok && in_place && !o->reported &&
        !migration_output_flush(o->out, &err)) {
        /* What was produced before the failure still goes out, so a
         * reader sees where it stopped; the exit status says it did. */
        report(o, err);
    }
    if (ok && !migration_output_close(o->out, &err)) {
        report(o, err);
        ok = false;
    }
    migration_output_free(o->out);
    set_temp_path(NULL);
    g_free(o);
    return ok ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

int cli_write_output(const char *path, const void *data, size_t len)
{
    CliOutput *o = cli_output_open(path);

    if (!o) {
        return CLI_EXIT_FAILURE;
    }
    return cli_output_close(o, cli_output_write(o, data, len));
}

int cli_output_finish(int status)
{
    int err = 0;

    if (fflush(stdout) != 0) {
        err = errno;
    } else if (ferror(stdout)) {
        /* The failed write's errno is gone; stdio kept no text. */
        err = EIO;
    }
    /* Closing catches what only close() reports (NFS, some FUSE); a
     * standard output that was never open is no error when nothing was
     * written to it. */
    if (fclose(stdout) != 0 && !err && errno != EBADF) {
        err = errno;
    }
    if (err) {
        cli_error("%s: standard output: write: %s", cli_command_name,
                  g_strerror(err));
        return CLI_EXIT_FAILURE;
    }
    return status;
}
