/*
 * qvisit dump: print a stream as JSON.
 *
 * Only real QEMU streams (--qemu) so far; qvisit's own formats come with
 * the migration core, which adds its mode next to dump_qemu().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void dump_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit dump --qemu [OPTIONS] STREAM\n"
            "\n"
            "Decodes a QEMU 7.2 migration stream (\"-\" for standard input)\n"
            "and prints it as JSON.\n"
            "\n"
            "options:\n"
            "  --qemu            the input is a real QEMU migration stream\n"
            "  --ram             include every RAM record and page (needed\n"
            "                    for 'qvisit encode --qemu')\n"
            "  --analyze-compat  print what QEMU 7.2's analyze-migration.py\n"
            "                    -f prints\n"
            "  --desc            print the stream's vmdesc as\n"
            "                    analyze-migration.py -d desc does\n"
            "  --vmdesc FILE     decode with the description of FILE (a\n"
            "                    stream or a JSON vmdesc), for streams\n"
            "                    written with suppress-vmdesc=on\n"
            "  -o, --output FILE write to FILE instead of standard output\n"
            "  -h, --help        show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input, 2 usage error\n");
}

/* Writes @text to @path ("-" or NULL: stdout) via a temporary file. */
static int write_output(const char *path, const GString *text)
{
    g_autoptr(GError) err = NULL;

    if (!path || !strcmp(path, "-")) {
        if (fwrite(text->str, 1, text->len, stdout) != text->len ||
            fflush(stdout) != 0) {
            cli_error("standard output: %s", g_strerror(errno));
            return CLI_EXIT_FAILURE;
        }
        return CLI_EXIT_OK;
    }
    if (!g_file_set_contents(path, text->str, (gssize)text->len, &err)) {
        cli_error("%s", err->message);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

static int dump_qemu(const char *stream, const QemuStreamOptions *base,
                     const char *vmdesc_path, bool desc_only,
                     const char *output)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) borrowed = NULL;
    g_autoptr(QObject) result = NULL;
    g_autoptr(GString) text = NULL;
    QemuStreamOptions opts = *base;

    if (desc_only) {
        result = qemu_stream_load_vmdesc_path(vmdesc_path ? vmdesc_path
                                                          : stream,
                                              NULL, &err);
    } else {
        if (vmdesc_path) {
            borrowed = qemu_stream_load_vmdesc_path(vmdesc_path, NULL, &err);
            if (!borrowed) {
                cli_error("%s", err->message);
                return CLI_EXIT_FAILURE;
            }
            opts.vmdesc = borrowed;
        }
        result = qemu_stream_dump_path(stream, &opts, &err);
    }
    if (!result) {
        cli_error("%s", err->message);
        return CLI_EXIT_FAILURE;
    }
    text = qobject_to_json_pretty(result, true);
    g_string_append_c(text, '\n');
    return write_output(output, text);
}

int cmd_dump(int argc, char **argv)
{
    QemuStreamOptions opts;
    const char *stream = NULL, *vmdesc = NULL, *output = NULL;
    bool qemu = false, desc = false;

    qemu_stream_options_init(&opts);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            dump_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--qemu")) {
            qemu = true;
        } else if (!strcmp(a, "--ram")) {
            opts.ram_full = true;
        } else if (!strcmp(a, "--analyze-compat")) {
            opts.analyze_compat = true;
        } else if (!strcmp(a, "--desc")) {
            desc = true;
        } else if (!strcmp(a, "--vmdesc") || !strcmp(a, "-o") ||
                   !strcmp(a, "--output")) {
            if (i + 1 >= argc) {
                cli_error("dump: %s needs an argument", a);
                return CLI_EXIT_USAGE;
            }
            *(a[1] == 'o' || a[2] == 'o' ? &output : &vmdesc) = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("dump: unknown option '%s'", a);
            dump_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!stream) {
            stream = a;
        } else {
            cli_error("dump: more than one input");
            return CLI_EXIT_USAGE;
        }
    }
    if (!qemu) {
        cli_error("dump: only --qemu streams are supported so far; qvisit's "
                  "own formats come with the migration core");
        return CLI_EXIT_USAGE;
    }
    if (!stream) {
        cli_error("dump: no input stream (use - for standard input)");
        dump_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (opts.ram_full && opts.analyze_compat) {
        cli_error("dump: --ram and --analyze-compat cannot be combined");
        return CLI_EXIT_USAGE;
    }
    return dump_qemu(stream, &opts, vmdesc, desc, output);
}
