/*
 * Running the CLI under test as a process (tests/support/cli-run.c), for
 * the suites that check its exit status, standard output and standard
 * error: the CLI's absolute path, one run with or without a shell, and
 * the tables of shell cases whose "Q " stands for the CLI.
 */
#ifndef QVISIT_TESTS_CLI_RUN_H
#define QVISIT_TESTS_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "tests/test-util.h"

/* What one run gave; release it with cli_run_clear(). */
typedef struct CliRun {
    int status;             /* the exit status; -1 when killed */
    char *out;
    char *err;
} CliRun;

/* Returns (transfer full) $QVISIT_CLI, build/qvisit when it is unset, as
 * an absolute path (a relative one is taken from the current folder). */
char *cli_run_path(void);

/* Frees @r's output and error. */
void cli_run_clear(CliRun *r);

/* Runs the CLI with @args (NULL-terminated; no shell) in folder @dir
 * (nullable: the current one). A failed spawn fails the test. */
CliRun cli_run_argv(const char *dir, const char *const *args);

/* Runs `/bin/sh -c SCRIPT` in folder @dir (nullable: the current one).
 * A failed spawn fails the test. */
CliRun cli_run_sh(const char *dir, const char *script);

/* Runs `/bin/sh -c CMD` in the current folder with "Q " replaced by
 * $QVISIT_CLI and "T/" by @tmp_dir and a slash; standard error shows
 * @tmp_dir as "T/" again. Output and error are never NULL. */
CliRun cli_run_with_tmp(const char *tmp_dir, const char *cmd);

/* Returns (transfer full) @cmd with every "Q " replaced by @cli and a
 * space. */
char *cli_run_expand(const char *cmd, const char *cli);

/* One shell case of a table. */
typedef struct CliCase {
    const char *cmd;        /* shell command; "Q " is replaced by the CLI */
    int status;
    const char *out_file;   /* the file standard output must equal, or NULL */
    const char *out;        /* standard output's start; "": none; NULL: any */
    const char *err;        /* standard error's start; "": none; NULL: any */
} CliCase;

/* Runs each of the @n cases with the CLI of $QVISIT_CLI (the test fails
 * when it is unset) in the current folder and checks it; prints each case
 * that fails with what it gave, and fails the test. */
void cli_run_cases(const CliCase *cases, size_t n);

/*
 * The main() of a suite whose commands run in a temporary folder: makes
 * *@dir from @tmpl (g_dir_make_tmp()), runs @setup (nullable; false: the
 * suite does not run), then suite @name's @tests, then removes the
 * folder. Returns the exit code.
 */
int cli_run_suite_in_tmp(const char *name, const TestCase *tests,
                         const char *tmpl, char **dir, bool (*setup)(void));

#endif /* QVISIT_TESTS_CLI_RUN_H */
