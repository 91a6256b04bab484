/*
 * qvisit check --qemu STREAM --against DST.json: will the device sections
 * of a QEMU stream load into the QEMU that wrote DST.json with
 * -dump-vmstate? One line per section of the stream's vmdesc
 * (qemu_vmstate_check_vmdesc()):
 *
 *   ok: i8254: vmsd "i8254" version 3 loads into kvm-pit, ...
 *   blocked: version: fw_cfg: vmsd "fw_cfg" version 3 is above ...
 *   unchecked: timer: vmsd "timer" is not in the destination's file ...
 *   note: PATH: read by the destination ... (after an ok line)
 *
 * then "result: N sections: A load, B blocked, C unchecked". Exit status
 * 1 when a section is blocked.
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/qemu-devices/qemu-devices.h"
#include "tools/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit check --qemu STREAM --against DST.json\n"
            "       qvisit check --qemu STREAM --layouts builtin\n"
            "\n"
            "Tells whether the device sections of a QEMU migration stream\n"
            "would load into the QEMU that wrote DST.json with\n"
            "'qemu-system-x86_64 -machine M -dump-vmstate DST.json'. Each\n"
            "section of the stream's vmdesc (STREAM may also be a JSON\n"
            "vmdesc, as 'qvisit dump --qemu --desc' prints it) is matched\n"
            "by its vmsd name; its version must lie in the destination's\n"
            "range and its fields and subsections must be ones the\n"
            "destination reads, with equal sizes. The first reason a\n"
            "section cannot load is printed. Sections of vmsds the file\n"
            "does not list (timer, cpu, apic, PCIBUS, ide, globalstate:\n"
            "-dump-vmstate lists devices with a qdev vmsd only) are\n"
            "counted as unchecked. \"-\" reads standard input.\n"
            "\n"
            "With --layouts builtin, compares the stream's vmdesc with the\n"
            "built-in QEMU devices' descriptions instead: vmsd names and\n"
            "versions, fields, sizes and subsections, one line per\n"
            "section (ok, differs, or unchecked when no built-in device\n"
            "knows it).\n"
            "\n"
            "options:\n"
            "  --qemu            STREAM is a QEMU stream (required)\n"
            "  --against FILE    the destination's -dump-vmstate file\n"
            "  --layouts builtin compare with the built-in QEMU devices\n"
            "  -h, --help        show this help\n"
            "\n"
            "exit status: 0 every checked section loads, 1 a section is\n"
            "blocked or an input is bad, 2 usage error\n\n");
    cli_limits_print_help(out);
}

/* check --qemu STREAM --layouts builtin. */
static int check_builtin(const char *stream)
{
    g_autoptr(GPtrArray) lines = NULL;
    g_autoptr(GError) err = NULL;
    unsigned counts[3];
    unsigned total;

    lines = qemu_devices_check_stream(stream, cli_limits(), counts, &err);
    if (!lines && err->code == QVISIT_ERROR_MISSING) {
        cli_error("check: %s: the stream has no vmdesc (written with "
                  "suppress-vmdesc=on?): nothing to compare; 'qvisit dump "
                  "--qemu' decodes it with the built-in layouts", stream);
        return CLI_EXIT_FAILURE;
    }
    if (!lines) {
        cli_error("check: %s%s%s", g_str_has_prefix(err->message, stream)
                  ? "" : stream, g_str_has_prefix(err->message, stream)
                  ? "" : ": ", err->message);
        return CLI_EXIT_FAILURE;
    }
    for (guint i = 0; i < lines->len; i++) {
        printf("%s\n", (const char *)lines->pdata[i]);
    }
    total = counts[QEMU_DEVICES_CHECK_OK] +
            counts[QEMU_DEVICES_CHECK_DIFFERS] +
            counts[QEMU_DEVICES_CHECK_UNCHECKED];
    printf("result: %u section%s: %u match, %u differ, %u unchecked\n",
           total, total == 1 ? "" : "s", counts[QEMU_DEVICES_CHECK_OK],
           counts[QEMU_DEVICES_CHECK_DIFFERS],
           counts[QEMU_DEVICES_CHECK_UNCHECKED]);
    if (counts[QEMU_DEVICES_CHECK_DIFFERS]) {
        cli_error("check: %u section%s differ%s from the built-in layouts",
                  counts[QEMU_DEVICES_CHECK_DIFFERS],
                  counts[QEMU_DEVICES_CHECK_DIFFERS] == 1 ? "" : "s",
                  counts[QEMU_DEVICES_CHECK_DIFFERS] == 1 ? "s" : "");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
    const char *stream = NULL, *against = NULL, *layouts = NULL;
    g_autoptr(QemuVmstate) dst = NULL;
    g_autoptr(QObject) vmdesc = NULL;
    g_autoptr(GPtrArray) findings = NULL;
    g_autoptr(GError) err = NULL;
    unsigned ok = 0, blocked = 0, unchecked = 0;
    bool qemu = false;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(argv[i], "--qemu")) {
            qemu = true;
        } else if (!strcmp(argv[i], "--against")) {
            if (i + 1 == argc) {
                cli_error("check: --against needs an argument");
                return CLI_EXIT_USAGE;
            }
            against = argv[++i];
        } else if (!strcmp(argv[i], "--layouts")) {
            if (i + 1 == argc) {
                cli_error("check: --layouts needs an argument");
                return CLI_EXIT_USAGE;
            }
            layouts = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("check: unknown option '%s'", argv[i]);
            usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!stream) {
            stream = argv[i];
        } else {
            cli_error("check: unexpected argument '%s'", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (!qemu) {
        cli_error("check: only QEMU streams (--qemu) can be checked so far");
        return CLI_EXIT_USAGE;
    }
    if (layouts && strcmp(layouts, "builtin") != 0) {
        cli_error("check: unknown --layouts '%s' (only 'builtin')",
                  layouts);
        return CLI_EXIT_USAGE;
    }
    if (layouts && stream && !against) {
        return check_builtin(stream);
    }
    if (!stream || !against || layouts) {
        cli_error("check: expected --qemu STREAM and one of --against "
                  "DST.json or --layouts builtin");
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(stream, "-") && !strcmp(against, "-")) {
        cli_error("check: only one of STREAM and DST.json can be standard "
                  "input");
        return CLI_EXIT_USAGE;
    }
    dst = qemu_vmstate_load_path(against, cli_limits(), &err);
    if (!dst) {
        cli_error("check: %s", err->message);
        return CLI_EXIT_FAILURE;
    }
    vmdesc = qemu_stream_load_vmdesc_path(stream, cli_limits(), &err);
    if (vmdesc) {
        findings = qemu_vmstate_check_vmdesc(dst, vmdesc, &err);
    }
    if (!vmdesc && err->code == QVISIT_ERROR_MISSING) {
        cli_error("check: %s: the stream has no vmdesc (written with "
                  "suppress-vmdesc=on?); check the vmdesc of a stream of the "
                  "same machine instead ('qvisit dump --qemu --desc')",
                  stream);
        return CLI_EXIT_FAILURE;
    }
    if (!findings) {
        /* Open errors name the file already. */
        cli_error("check: %s%s%s", g_str_has_prefix(err->message, stream)
                  ? "" : stream, g_str_has_prefix(err->message, stream)
                  ? "" : ": ", err->message);
        return CLI_EXIT_FAILURE;
    }
    for (guint i = 0; i < findings->len; i++) {
        const QemuVmstateFinding *f = findings->pdata[i];
        QemuVmstateFindingKind kind = qemu_vmstate_finding_get_kind(f);
        const char *msg = qemu_vmstate_finding_get_message(f);

        if (kind == QEMU_VMSTATE_FINDING_SECTION_OK) {
            printf("ok: %s\n", msg);
            ok++;
        } else if (kind == QEMU_VMSTATE_FINDING_SECTION_UNCHECKED) {
            printf("unchecked: %s\n", msg);
            unchecked++;
        } else if (!qemu_vmstate_finding_is_error(f)) {
            printf("note: %s\n", msg);
        } else {
            printf("blocked: %s: %s\n", qemu_vmstate_finding_kind_name(kind),
                   msg);
            blocked++;
        }
    }
    printf("result: %u section%s: %u load%s, %u blocked, %u unchecked\n",
           ok + blocked + unchecked, ok + blocked + unchecked == 1 ? "" : "s",
           ok, ok == 1 ? "s" : "", blocked, unchecked);
    if (blocked) {
        cli_error("check: %u section%s would not load", blocked,
                  blocked == 1 ? "" : "s");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}
