/*
 * qvisit convert: rewrite a stream in another format.
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void convert_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit convert --to legacy|binary|json|qemu\n"
            "                      [--devices PLUGIN.so]... [--builtin] IN "
            "OUT\n"
            "\n"
            "Reads a stream in any format (\"-\" for standard input) and\n"
            "writes it in the chosen one (\"-\" for standard output; a file\n"
            "is replaced atomically). The legacy format carries no types,\n"
            "so reading or writing it needs each device's layout: the\n"
            "example devices' layouts are built in, and a device plugin\n"
            "brings its own (docs/compat-authors.md).\n"
            "A QEMU stream (one with RAM) converted to binary or json\n"
            "keeps its RAM, commands and framing in a section named\n"
            "qemu-stream, and --to qemu writes it back byte-identically,\n"
            "with the edits made to its device sections.\n"
            "\n"
            "options:\n"
            "  --to FORMAT          legacy, binary, json or qemu\n"
            "  --devices PLUGIN.so  use the plugin's device layouts instead\n"
            "                       of the example devices'; may be repeated\n"
            "  --builtin            with --devices, the example devices' too\n"
            "  -h, --help           show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input, 2 usage error\n");
}

int cmd_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    MigrationFormat to = MIGRATION_FORMAT_UNKNOWN;
    g_autoptr(MigrationStream) s = NULL;
    g_autoptr(GByteArray) bytes = NULL;
    g_autoptr(CliDevices) devices = cli_devices_new();
    g_autoptr(GPtrArray) plugins = g_ptr_array_new();
    bool builtin = false, to_qemu = false, failed;
    GError *err = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            convert_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--to")) {
            if (i + 1 >= argc) {
                cli_error("convert: --to needs an argument");
                return CLI_EXIT_USAGE;
            }
            to = migration_format_from_name(argv[++i]);
            to_qemu = !strcmp(argv[i], "qemu");
            if (to == MIGRATION_FORMAT_UNKNOWN && !to_qemu) {
                cli_error("convert: unknown format '%s' (legacy, binary, "
                          "json, qemu)", argv[i]);
                return CLI_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--devices") && i + 1 < argc) {
            g_ptr_array_add(plugins, argv[++i]);
        } else if (!strcmp(a, "--builtin")) {
            builtin = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("convert: unknown option '%s'", a);
            convert_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!in) {
            in = a;
        } else if (!out) {
            out = a;
        } else {
            cli_error("convert: too many arguments");
            return CLI_EXIT_USAGE;
        }
    }
    if (!in || !out || (to == MIGRATION_FORMAT_UNKNOWN && !to_qemu)) {
        cli_error("convert: need --to FORMAT, IN and OUT");
        convert_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    for (guint i = 0; i < plugins->len; i++) {
        if (!cli_devices_add_plugin(devices, plugins->pdata[i], &err)) {
            cli_error("convert: %s", err->message);
            g_error_free(err);
            return CLI_EXIT_FAILURE;
        }
    }
    /* With a plugin, only its layouts, unless --builtin asks for more. */
    if (builtin || plugins->len == 0) {
        cli_devices_add_builtin(devices);
    }
    if (!strcmp(in, "-")) {
        /* Standard input is read once, for either reading. */
        bytes = cli_read_input(in, CLI_INPUT_STREAM);
        if (!bytes) {
            return CLI_EXIT_FAILURE;
        }
    }
    /* A QEMU stream without a vmdesc: the built-in QEMU devices. */
    /* The framing keeps the sections they do not know, except from
     * standard input and in the legacy format. */
    s = cli_qemu_decode_without_vmdesc("convert", in, bytes,
                                       !bytes && !to_qemu &&
                                       to != MIGRATION_FORMAT_LEGACY,
                                       &failed);
    if (!s && failed) {
        return CLI_EXIT_FAILURE;
    }
    if (!s && bytes) {
        s = migration_stream_decode_full(bytes->data, bytes->len,
                                         cli_limits(), cli_devices_schema,
                                         devices, &err);
        if (!s) {
            cli_error("%s: %s", in, err->message);
            g_error_free(err);
            return CLI_EXIT_FAILURE;
        }
    } else if (!s) {
        s = cli_decode_stream_with(in, cli_devices_schema, devices);
    }
    if (!s) {
        return CLI_EXIT_FAILURE;
    }
    g_clear_pointer(&bytes, g_byte_array_unref);
    if (to_qemu) {
        g_autoptr(QObject) dump = cli_qemu_dump_from_stream(s, in);

        return dump ? cli_qemu_write(dump, out, true) : CLI_EXIT_FAILURE;
    }
    if (to != MIGRATION_FORMAT_LEGACY && !cli_qemu_keep_framing(s, in)) {
        return CLI_EXIT_FAILURE;
    }
    bytes = g_byte_array_new();
    if (!migration_stream_encode(s, to, cli_devices_schema, devices, bytes,
                                 &err)) {
        cli_error("%s: %s", in, err->message);
        g_error_free(err);
        return CLI_EXIT_FAILURE;
    }
    return cli_write_output(out, bytes->data, bytes->len);
}
