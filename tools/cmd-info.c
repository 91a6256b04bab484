/*
 * qvisit info: what a stream holds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void info_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit info STREAM\n"
            "\n"
            "Prints a stream's format, size, machine type, capabilities\n"
            "and, per device section, its id, instance, version and size.\n"
            "\"-\" reads standard input.\n"
            "\n"
            "options:\n"
            "  -h, --help    show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input, 2 usage error\n");
}

int cmd_info(int argc, char **argv)
{
    const char *in = NULL;
    g_autoptr(GByteArray) data = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autofree char *caps = NULL;
    g_autofree char *machine = NULL;
    GError *err = NULL;
    size_t n;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            info_usage(stdout);
            return CLI_EXIT_OK;
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("info: unknown option '%s'", a);
            info_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!in) {
            in = a;
        } else {
            cli_error("info: more than one input");
            return CLI_EXIT_USAGE;
        }
    }
    if (!in) {
        cli_error("info: no input stream (use - for standard input)");
        info_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    data = cli_read_input(in, CLI_INPUT_STREAM);
    if (!data) {
        return CLI_EXIT_FAILURE;
    }
    s = migration_stream_decode_full(data->data, data->len, cli_limits(),
                                     cli_example_schema, NULL, &err);
    if (!s) {
        cli_error("%s: %s", in, err->message);
        g_error_free(err);
        return CLI_EXIT_FAILURE;
    }
    caps = migration_capabilities_to_string(
        migration_stream_get_capabilities(s));
    n = migration_stream_get_size(s);
    /* Text from the stream is printed through qvisit_error_escape(). */
    machine = qvisit_error_escape(migration_stream_get_machine(s), -1);
    printf("format:       %s\n",
           migration_format_name(migration_stream_get_format(s)));
    printf("size:         %u bytes\n", data->len);
    printf("machine:      %s\n", machine);
    printf("capabilities: %s\n", caps);
    printf("devices:      %zu\n", n);
    if (n) {
        printf("\n  %-24s %8s %8s %10s\n", "DEVICE", "INSTANCE", "VERSION",
               "BYTES");
    }
    for (size_t i = 0; i < n; i++) {
        const MigrationSection *sec = migration_stream_get_section(s, i);
        g_autofree char *id = qvisit_error_escape(sec->id, -1);

        printf("  %-24s %8" PRIu32 " %8" PRIu32, id, sec->instance_id,
               sec->version);
        if (sec->size) {
            printf(" %10zu\n", sec->size);
        } else {
            printf(" %10s\n", "-");
        }
    }
    return CLI_EXIT_OK;
}
