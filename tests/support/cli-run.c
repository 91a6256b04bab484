/*
 * Running the CLI under test as a process; see tests/cli-run.h.
 */
#include "tests/cli-run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

char *cli_run_path(void)
{
    const char *cli = g_getenv("QVISIT_CLI");
    g_autofree char *cwd = NULL;

    if (!cli) {
        cli = "build/qvisit";
    }
    if (g_path_is_absolute(cli)) {
        return g_strdup(cli);
    }
    cwd = g_get_current_dir();
    return g_build_filename(cwd, cli, NULL);
}

void cli_run_clear(CliRun *r)
{
    g_free(r->out);
    g_free(r->err);
}

static CliRun spawn(const char *dir, char **argv)
{
    CliRun r = { 0 };
    GError *err = NULL;
    int wait = 0;

    CU_ASSERT_TRUE(g_spawn_sync(dir, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                &r.out, &r.err, &wait, &err));
    ASSERT_NO_ERROR(err);
    r.status = WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
    return r;
}

CliRun cli_run_argv(const char *dir, const char *const *args)
{
    g_autofree char *cli = cli_run_path();
    g_autoptr(GPtrArray) argv = g_ptr_array_new();

    g_ptr_array_add(argv, cli);
    for (const char *const *a = args; *a; a++) {
        g_ptr_array_add(argv, (char *)*a);
    }
    g_ptr_array_add(argv, NULL);
    return spawn(dir, (char **)argv->pdata);
}

CliRun cli_run_sh(const char *dir, const char *script)
{
    char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };

    return spawn(dir, argv);
}

CliRun cli_run_with_tmp(const char *tmp_dir, const char *cmd)
{
    const char *cli = g_getenv("QVISIT_CLI");
    g_autofree char *with_q = cli_run_expand(cmd, cli ? cli : "false");
    g_autofree char *tdir = g_strdup_printf("%s/", tmp_dir);
    g_auto(GStrv) tparts = g_strsplit(with_q, "T/", -1);
    g_autofree char *full = g_strjoinv(tdir, tparts);
    CliRun r = cli_run_sh(NULL, full);
    g_auto(GStrv) eparts = g_strsplit(r.err ? r.err : "", tdir, -1);

    g_free(r.err);
    r.err = g_strjoinv("T/", eparts);
    if (!r.out) {
        r.out = g_strdup("");
    }
    return r;
}

char *cli_run_expand(const char *cmd, const char *cli)
{
    g_autofree char *prefix = g_strdup_printf("%s ", cli);
    g_auto(GStrv) parts = g_strsplit(cmd, "Q ", -1);

    return g_strjoinv(prefix, parts);
}

/* @text is "", its start, or NULL for anything. */
static bool starts(const char *got, const char *text)
{
    return !text || (text[0] ? g_str_has_prefix(got, text) : !got[0]);
}

void cli_run_cases(const CliCase *cases, size_t n)
{
    const char *cli = g_getenv("QVISIT_CLI");

    if (!cli) {
        CU_FAIL("QVISIT_CLI is not set; run through make check");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const CliCase *c = &cases[i];
        g_autofree char *cmd = cli_run_expand(c->cmd, cli);
        CliRun r = cli_run_sh(NULL, cmd);
        bool ok = r.status == c->status && starts(r.out, c->out) &&
                  starts(r.err, c->err);

        if (ok && c->out_file) {
            g_autoptr(GBytes) want = test_read_file(c->out_file);

            ok = strlen(r.out) == g_bytes_get_size(want) &&
                 !memcmp(r.out, g_bytes_get_data(want, NULL), strlen(r.out));
        }
        if (!ok) {
            fprintf(stderr, "\ncase %zu: %s\n  exit %d, stdout %.400s\n"
                    "  stderr %s\n", i, c->cmd, r.status, r.out, r.err);
        }
        CU_ASSERT_TRUE(ok);
        cli_run_clear(&r);
    }
}

int cli_run_suite_in_tmp(const char *name, const TestCase *tests,
                         const char *tmpl, char **dir, bool (*setup)(void))
{
    g_autoptr(GError) err = NULL;
    g_autofree char *cmd = NULL;
    int ret;

    *dir = g_dir_make_tmp(tmpl, &err);
    if (!*dir) {
        fprintf(stderr, "test-%s: %s\n", name, err->message);
        return 1;
    }
    if (setup && !setup()) {
        fprintf(stderr, "test-%s: cannot set up %s\n", name, *dir);
        ret = 1;
    } else {
        ret = test_run_suite(name, tests);
    }
    cmd = g_strdup_printf("rm -rf '%s'", *dir);
    if (system(cmd) != 0) {
        ret = 1;
    }
    g_clear_pointer(dir, g_free);
    return ret;
}
