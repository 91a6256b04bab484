/*
 * The compat subcommands of the CLI (schemas, compat-check, compat-graph),
 * run as processes. The binary comes from $QVISIT_CLI, which `make check`
 * sets.
 *
 * Every case is a folder tests/data/compat-cli/<case>/ holding
 *   args    the arguments after "qvisit", one per line
 *   status  the expected exit status
 *   stdout  (optional) the exact expected standard output
 *   stdout_same_as  (optional) a file whose content is the expected output
 *   stderr  (optional) the exact expected standard error
 *   stdin   (optional) a file whose content is the standard input
 *   cwd     (optional) the directory to run in, relative to the source
 *           tree; paths in args are then relative to it
 *   env     (optional) NAME=VALUE lines added to the environment
 * so a new case needs no C. Paths in args (without cwd), in stdin and in
 * stdout_same_as are relative to the source tree, where `make check` runs.
 */
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tests/test-util.h"

#define CASES_DIR "tests/data/compat-cli"

static char *read_opt(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return NULL;
    }
    return text;
}

static bool same_text(const char *what, const char *name, const char *got,
                      const char *want)
{
    if (!strcmp(got, want)) {
        return true;
    }
    fprintf(stderr, "\ncase %s: %s differs\n--- got:\n%s--- want:\n%s---\n",
            name, what, got, want);
    return false;
}

/* Child setup: standard input from the file named by @data, if any. */
static void redirect_stdin(gpointer data)
{
    int fd = data ? open(data, O_RDONLY) : -1;

    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        close(fd);
    }
}

static void run_case(const char *cli, const char *name)
{
    g_autofree char *dir = g_build_filename(CASES_DIR, name, NULL);
    g_autofree char *args = read_opt(dir, "args");
    g_autofree char *status = read_opt(dir, "status");
    g_autofree char *want_out = read_opt(dir, "stdout");
    g_autofree char *want_err = read_opt(dir, "stderr");
    g_autofree char *same_as = read_opt(dir, "stdout_same_as");
    g_autofree char *in = read_opt(dir, "stdin");
    g_autofree char *cwd = read_opt(dir, "cwd");
    g_autofree char *env_text = read_opt(dir, "env");
    g_autofree char *abs_cli = NULL;
    g_auto(GStrv) envp = g_get_environ();
    g_auto(GStrv) env_lines = NULL;
    g_autofree char *in_path = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err_text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    int wait_status = 0;

    CU_ASSERT_FATAL(args != NULL && status != NULL);
    lines = g_strsplit(g_strchomp(args), "\n", -1);
    if (cwd) {
        g_strchomp(cwd);
    }
    abs_cli = g_canonicalize_filename(cli, NULL);
    g_ptr_array_add(argv, abs_cli);
    for (size_t i = 0; lines[i]; i++) {
        if (*lines[i]) {
            g_ptr_array_add(argv, lines[i]);
        }
    }
    g_ptr_array_add(argv, NULL);
    env_lines = g_strsplit(env_text ? g_strchomp(env_text) : "", "\n", -1);
    for (size_t i = 0; env_lines[i]; i++) {
        char *eq = strchr(env_lines[i], '=');

        if (eq) {
            *eq = '\0';
            envp = g_environ_setenv(envp, env_lines[i], eq + 1, true);
        }
    }
    /* The child changes to cwd before it opens its standard input. */
    in_path = in ? g_canonicalize_filename(g_strchomp(in), NULL) : NULL;
    if (!g_spawn_sync(cwd, (char **)argv->pdata, envp,
                      in ? G_SPAWN_CHILD_INHERITS_STDIN : G_SPAWN_DEFAULT,
                      redirect_stdin, in_path, &out, &err_text,
                      &wait_status, &err)) {
        fprintf(stderr, "\ncase %s: cannot run %s: %s\n", name, cli,
                err->message);
        CU_FAIL("spawn failed");
        return;
    }
    CU_ASSERT_TRUE(WIFEXITED(wait_status));
    if (WEXITSTATUS(wait_status) != atoi(status)) {
        fprintf(stderr, "\ncase %s: exit %d, want %d\nstdout:\n%s\nstderr:\n"
                "%s\n", name, WEXITSTATUS(wait_status), atoi(status), out,
                err_text);
        CU_FAIL("exit status");
    }
    if (want_out) {
        CU_ASSERT_TRUE(same_text("stdout", name, out, want_out));
    }
    if (same_as) {
        g_autofree char *ref = NULL;

        CU_ASSERT_TRUE(g_file_get_contents(g_strchomp(same_as), &ref, NULL,
                                           NULL));
        CU_ASSERT_TRUE(ref && same_text("stdout", name, out, ref));
    }
    if (want_err) {
        CU_ASSERT_TRUE(same_text("stderr", name, err_text, want_err));
    }
}

static gint str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void every_cli_case_matches_its_files(void)
{
    const char *cli = g_getenv("QVISIT_CLI");
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (!cli) {
        CU_FAIL("QVISIT_CLI is not set; run through make check");
        return;
    }
    dir = g_dir_open(CASES_DIR, 0, NULL);
    CU_ASSERT_FATAL(dir != NULL);
    while ((name = g_dir_read_name(dir))) {
        g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, str_cmp);
    CU_ASSERT_TRUE(names->len >= 10);
    for (guint i = 0; i < names->len; i++) {
        run_case(cli, names->pdata[i]);
    }
}

/* `schemas OUT` writes the same bytes as to standard output, to a file. */
static void schemas_writes_file_atomically(void)
{
    const char *cli = g_getenv("QVISIT_CLI");
    g_autoptr(GError) err = NULL;
    g_autofree char *tmp = g_dir_make_tmp("qvisit-compat-XXXXXX", &err);
    g_autofree char *path = NULL;
    g_autofree char *got = NULL;
    g_autoptr(GBytes) want = NULL;
    int wait_status = -1;
    gsize len = 0;

    if (!cli || !tmp) {
        CU_FAIL("QVISIT_CLI unset or no temporary folder");
        return;
    }
    path = g_build_filename(tmp, "r2.json", NULL);
    {
        char *argv[] = { (char *)cli, "schemas", "--release", "2", path,
                         NULL };

        CU_ASSERT_TRUE(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL,
                                    NULL, NULL, NULL, &wait_status, &err));
    }
    CU_ASSERT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
    CU_ASSERT_TRUE(g_file_get_contents(path, &got, &len, NULL));
    want = test_read_file("tests/data/compat/release2.json");
    ASSERT_BYTES_EQUAL(got, len, g_bytes_get_data(want, NULL),
                       g_bytes_get_size(want));
    g_unlink(path);
    g_rmdir(tmp);
}

static const TestCase tests[] = {
    { "every_cli_case_matches_its_files", every_cli_case_matches_its_files },
    { "schemas_writes_file_atomically", schemas_writes_file_atomically },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("compat-cli", tests);
}
