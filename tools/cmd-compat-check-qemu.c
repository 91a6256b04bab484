/*
 * qvisit compat-check --qemu-vmstate SRC.json DST.json [--reverse]:
 * QEMU 7.2's scripts/vmstate-static-checker.py on two -dump-vmstate files
 * (qemu_vmstate_compare()), one typed line per finding:
 *
 *   error: size: usb-kbd.kbd.keycodes: description "usb-kbd": size 4 ...
 *
 * then "result: N errors, M warnings". Exit status 1 when any finding is
 * an error, 0 otherwise (the machine-type warning alone passes).
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit compat-check --qemu-vmstate SRC.json DST.json "
            "[--reverse]\n"
            "\n"
            "Checks whether QEMU's device state migrates from the QEMU that\n"
            "wrote SRC.json to the one that wrote DST.json, both written by\n"
            "'qemu-system-x86_64 -machine M -dump-vmstate FILE.json', with\n"
            "the rules of QEMU's scripts/vmstate-static-checker.py. Each\n"
            "finding is one line: 'error: KIND: PATH: ...' or 'warning:\n"
            "...'; see docs/qemu-streams.md. \"-\" reads standard input.\n"
            "\n"
            "options:\n"
            "  --reverse     check the other direction (DST to SRC)\n"
            "  -h, --help    show this help\n"
            "\n"
            "exit status: 0 compatible (warnings only), 1 an error finding "
            "or a\nbad file, 2 usage error\n\n");
    cli_limits_print_help(out);
}

bool cli_compat_check_is_qemu(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--qemu-vmstate")) {
            return true;
        }
    }
    return false;
}

int cli_compat_check_qemu(int argc, char **argv)
{
    const char *paths[2] = { NULL, NULL };
    g_autoptr(QemuVmstate) src = NULL;
    g_autoptr(QemuVmstate) dst = NULL;
    QemuVmstate **files[2] = { &src, &dst };
    g_autoptr(GPtrArray) findings = NULL;
    g_autoptr(GError) err = NULL;
    bool reverse = false;
    unsigned npaths = 0, errors = 0, warnings = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(argv[i], "--qemu-vmstate")) {
            continue;
        } else if (!strcmp(argv[i], "--reverse")) {
            reverse = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("compat-check: unknown option '%s'", argv[i]);
            usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (npaths < 2) {
            paths[npaths++] = argv[i];
        } else {
            cli_error("compat-check: unexpected argument '%s'", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (npaths != 2) {
        cli_error("compat-check: --qemu-vmstate expects SRC.json and "
                  "DST.json");
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(paths[0], "-") && !strcmp(paths[1], "-")) {
        cli_error("compat-check: only one of SRC.json and DST.json can be "
                  "standard input");
        return CLI_EXIT_USAGE;
    }
    for (unsigned i = 0; i < 2; i++) {
        *files[i] = qemu_vmstate_load_path(paths[i], cli_limits(), &err);
        if (!*files[i]) {
            cli_error("compat-check: %s", err->message);
            return CLI_EXIT_FAILURE;
        }
    }
    findings = reverse ? qemu_vmstate_compare(dst, src)
                       : qemu_vmstate_compare(src, dst);
    for (guint i = 0; i < findings->len; i++) {
        const QemuVmstateFinding *f = findings->pdata[i];
        bool error = qemu_vmstate_finding_is_error(f);

        printf("%s: %s: %s\n", error ? "error" : "warning",
               qemu_vmstate_finding_kind_name(
                   qemu_vmstate_finding_get_kind(f)),
               qemu_vmstate_finding_get_message(f));
        errors += error;
        warnings += !error;
    }
    printf("result: %u error%s, %u warning%s\n", errors,
           errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    if (errors) {
        cli_error("compat-check: %u error%s found", errors,
                  errors == 1 ? "" : "s");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}
