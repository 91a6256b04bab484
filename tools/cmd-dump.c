/*
 * qvisit dump: print a stream as JSON.
 *
 * qvisit's own formats (legacy, binary, JSON; detected) print as the JSON
 * format's document. --qemu (real QEMU streams) belongs to the QEMU stream
 * reader.
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void dump_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit dump [OPTIONS] STREAM\n"
            "\n"
            "Decodes a qvisit migration stream in any format (legacy,\n"
            "binary or JSON, detected from its first bytes; \"-\" for\n"
            "standard input) and prints it as the JSON format's document.\n"
            "\n"
            "options:\n"
            "  --compact         one line, no indentation\n"
            "  -o, --output FILE write to FILE instead of standard output\n"
            "  -h, --help        show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input, 2 usage error\n");
}

int cmd_dump(int argc, char **argv)
{
    const char *stream = NULL, *output = NULL;
    bool compact = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            dump_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--compact")) {
            compact = true;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc) {
                cli_error("dump: %s needs an argument", a);
                return CLI_EXIT_USAGE;
            }
            output = argv[++i];
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
    if (!stream) {
        cli_error("dump: no input stream (use - for standard input)");
        dump_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    return cli_dump_native(stream, output, compact);
}
