/*
 * `qvisit compat-check --qemu-vmstate` and `qvisit check --qemu` as
 * processes: exit codes, help, usage errors, standard input, the exact
 * lines printed. The binary comes from $QVISIT_CLI, which `make check`
 * sets.
 */
#include "tests/test-util.h"

#include <string.h>
#include <sys/wait.h>

#define C "tests/data/qemu-vmstate/compare/"
#define PAIR C "qemu-dump1-dump2/src.json " C "qemu-dump1-dump2/dst.json"

typedef struct CliCase {
    const char *cmd;        /* shell command; "Q " is replaced by the CLI */
    int status;
    const char *out;        /* standard output's start, or NULL */
    const char *err;        /* standard error's start; "": none */
} CliCase;

static const CliCase cases[] = {
    { "Q compat-check --qemu-vmstate --help", 0,
      "usage: qvisit compat-check --qemu-vmstate SRC.json DST.json "
      "[--reverse]\n", "" },
    { "Q compat-check --qemu-vmstate " C "identical/src.json", 2, "",
      "qvisit: compat-check: --qemu-vmstate expects SRC.json and "
      "DST.json\n" },
    { "Q compat-check --qemu-vmstate - -", 2, "",
      "qvisit: compat-check: only one of SRC.json and DST.json can be "
      "standard input\n" },
    { "Q compat-check --qemu-vmstate --bogus a b", 2, "",
      "qvisit: compat-check: unknown option '--bogus'\n" },
    { "Q compat-check --qemu-vmstate a b c", 2, "",
      "qvisit: compat-check: unexpected argument 'c'\n" },
    /* QEMU's own pair: the script's 13 findings, exit status 1. */
    { "Q compat-check --qemu-vmstate " PAIR, 1,
      "warning: machine-type: vmschkmachine: machine types differ: "
      "\"pc-i440fx-2.1\" in the source, \"pc-i440fx-2.2\" in the "
      "destination\nerror: section-missing: fw_cfg: not in the "
      "destination\n", "qvisit: compat-check: 13 errors found\n" },
    { "Q compat-check --qemu-vmstate " PAIR " | tail -n 2", 0,
      "error: size: usb-kbd.kbd.keycodes: description \"usb-kbd\": size 4 "
      "in the source, 2 in the destination\nresult: 13 errors, 1 warning\n",
      NULL },
    { "Q compat-check --qemu-vmstate " PAIR " 2>/dev/null | "
      "grep -v '^result: ' | cmp - " C "qemu-dump1-dump2/expected && "
      "echo same", 0, "same\n", "" },
    { "Q compat-check --qemu-vmstate --reverse " PAIR " | tail -n 1", 0,
      "result: 6 errors, 1 warning\n", NULL },
    { "Q compat-check --qemu-vmstate - " C "qemu-dump1-dump2/dst.json < "
      C "qemu-dump1-dump2/src.json | tail -n 1", 0,
      "result: 13 errors, 1 warning\n", NULL },
    /* A warning alone passes. */
    { "Q compat-check --qemu-vmstate " C "machine-type-only/src.json "
      C "machine-type-only/dst.json", 0,
      "warning: machine-type: vmschkmachine: machine types differ: "
      "\"pc-i440fx-2.0\" in the source, \"pc-i440fx-7.2\" in the "
      "destination\nresult: 0 errors, 1 warning\n", "" },
    { "Q compat-check --qemu-vmstate " C "identical/src.json "
      C "identical/dst.json", 0, "result: 0 errors, 0 warnings\n", "" },
    { "Q compat-check --qemu-vmstate /nonexistent.json "
      C "identical/dst.json", 1, "",
      "qvisit: compat-check: /nonexistent.json: open: No such file or "
      "directory\n" },
    { "echo '[]' | Q compat-check --qemu-vmstate - " C "identical/dst.json", 1,
      "", "qvisit: compat-check: -: (root): not a -dump-vmstate file: "
      "expected an object, got array\n" },
    { "Q compat-check --max-alloc 100 --qemu-vmstate " PAIR, 1, "",
      "qvisit: compat-check: " C "qemu-dump1-dump2/src.json: stream larger "
      "than max_alloc 100 bytes\n" },
    /* A qvisit-schemas file is not a -dump-vmstate file and vice versa. */
    { "Q compat-check " PAIR, 1, "", "qvisit: compat-check: " C
      "qemu-dump1-dump2/src.json: format: not a qvisit-schemas file\n" },
};

static void cli_cases_give_exit_codes_and_output(void)
{
    const char *cli = g_getenv("QVISIT_CLI");

    if (!cli) {
        CU_FAIL("QVISIT_CLI is not set; run through make check");
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *prefix = g_strdup_printf("%s ", cli);
        g_auto(GStrv) parts = g_strsplit(cases[i].cmd, "Q ", -1);
        g_autofree char *cmd = g_strjoinv(prefix, parts);
        char *argv[] = { "/bin/sh", "-c", cmd, NULL };
        g_autofree char *out = NULL;
        g_autofree char *err_text = NULL;
        g_autoptr(GError) err = NULL;
        int status = -1;
        bool ok;

        CU_ASSERT_TRUE_FATAL(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT,
                                          NULL, NULL, &out, &err_text,
                                          &status, &err));
        ok = WIFEXITED(status) && WEXITSTATUS(status) == cases[i].status;
        if (cases[i].out) {
            ok = ok && (cases[i].out[0] ? g_str_has_prefix(out, cases[i].out)
                                        : out[0] == '\0');
        }
        if (cases[i].err) {
            ok = ok && (cases[i].err[0]
                        ? g_str_has_prefix(err_text, cases[i].err)
                        : err_text[0] == '\0');
        }
        if (!ok) {
            fprintf(stderr, "\ncase %zu: %s\n  exit %d, stdout %.400s\n"
                    "  stderr %s\n", i, cases[i].cmd,
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1, out,
                    err_text);
        }
        CU_ASSERT_TRUE(ok);
    }
}

static const TestCase tests[] = {
    { "cli_cases_give_exit_codes_and_output",
      cli_cases_give_exit_codes_and_output },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-vmstate-cli", tests);
}
