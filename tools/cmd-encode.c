/*
 * qvisit encode: write a stream back from a JSON dump.
 *
 * Only real QEMU streams (--qemu): a full native dump ('qvisit dump --qemu
 * --ram') becomes the stream it came from, byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "examples/qemu-devices/qemu-devices.h"
#include "tools/cli.h"

static void encode_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit encode --qemu DUMP.json OUT\n"
            "\n"
            "Writes the QEMU migration stream a full dump describes\n"
            "('qvisit dump --qemu --ram'). \"-\" reads the dump from\n"
            "standard input or writes the stream to standard output.\n"
            "\n"
            "options:\n"
            "  --qemu       the output is a real QEMU migration stream\n"
            "  -h, --help   show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input, 2 usage error\n");
}

static int encode_qemu(const char *input, const char *output)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GByteArray) text = cli_read_input(input, CLI_INPUT_JSON);
    g_autoptr(QObject) dump = NULL;
    CliOutput *out;
    QEMUFile *f;
    bool ok;
    int fd, rc;

    if (!text) {
        return CLI_EXIT_FAILURE;
    }
    dump = qobject_from_json_full((const char *)text->data, (gssize)text->len,
                                  cli_limits(), &err);
    if (!dump) {
        cli_error("%s: %s", input, err->message);
        return CLI_EXIT_FAILURE;
    }
    out = cli_output_open(output);
    fd = out ? cli_output_get_fd(out) : -1;
    if (fd < 0) {
        return out ? cli_output_close(out, false) : CLI_EXIT_FAILURE;
    }
    f = qemu_fopen_fd(fd, "wb");
    /* A dump of a stream without a vmdesc: the built-in QEMU devices. */
    ok = qemu_stream_encode_layouts(f, dump, cli_limits(),
                                    qemu_devices_layouts(), &err);
    rc = qemu_fclose(f);
    if (rc < 0) {
        /* The file's first error is the output's; whatever the encoder
         * said about it, the output is what failed. */
        cli_output_report_errno(out, -rc);
        return cli_output_close(out, false);
    }
    if (!ok) {
        cli_error("%s", err->message);
        return cli_output_close(out, false);
    }
    return cli_output_close(out, true);
}

int cmd_encode(int argc, char **argv)
{
    const char *args[2] = { NULL, NULL };
    int nargs = 0;
    bool qemu = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            encode_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--qemu")) {
            qemu = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("encode: unknown option '%s'", a);
            encode_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (nargs < 2) {
            args[nargs++] = a;
        } else {
            cli_error("encode: too many arguments");
            return CLI_EXIT_USAGE;
        }
    }
    if (!qemu) {
        cli_error("encode: only --qemu streams are supported so far");
        return CLI_EXIT_USAGE;
    }
    if (nargs != 2) {
        cli_error("encode: expected DUMP.json and OUT");
        encode_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    return encode_qemu(args[0], args[1]);
}
