/* qvisit CLI entry point: dispatches to the subcommands in tools/cmd-*.c. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static const CliCommand commands[] = {
    { "version", "print the version", cmd_version },
    { "dump", "print a stream (ours or QEMU's, --qemu) as JSON", cmd_dump },
    { "convert", "rewrite a stream as legacy, binary, json or qemu",
      cmd_convert },
    { "info", "format, devices, versions and sizes of a stream", cmd_info },
    { "diff", "member-level differences between two states", cmd_diff },
    { "schemas", "write a release's device schemas as JSON", cmd_schemas },
    { "compat-check", "check two releases' schemas migrate both ways",
      cmd_compat_check },
    { "compat-graph", "print the compat version graph as Graphviz dot",
      cmd_compat_graph },
    { "encode", "write a stream back from a JSON dump", cmd_encode },
    { "set", "edit device fields of a QEMU stream", cmd_set },
    { "ram", "read or write guest RAM of a QEMU stream by address",
      cmd_ram },
    { "check", "will a QEMU stream load into a QEMU (-dump-vmstate)?",
      cmd_check },
    { "snapshots", "list, import, export, verify and prune a snapshot store",
      cmd_snapshots },
};

static _Thread_local GString *captured_errors;

void cli_error_capture(GString *into)
{
    captured_errors = into;
}

/*
 * Appends @msg to @out with every control byte (C0, DEL) as \xNN. Text
 * from an input is escaped where it enters a message
 * (qvisit_error_escape()); this catches what the command line gave (a
 * file name, a path with a newline), so that a message stays one line.
 */
static void append_one_line(GString *out, const char *msg)
{
    for (const char *p = msg; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x20 || c == 0x7f) {
            g_string_append_printf(out, "\\x%02x", c);
        } else {
            g_string_append_c(out, (char)c);
        }
    }
}

void cli_error(const char *fmt, ...)
{
    g_autoptr(GString) line = g_string_new("qvisit: ");
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    append_one_line(line, msg);
    g_string_append_c(line, '\n');
    if (captured_errors) {
        g_string_append_len(captured_errors, line->str, line->len);
    } else {
        fputs(line->str, stderr);
    }
}

int cmd_version(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: qvisit version\n\n"
                   "Prints qvisit's version (also: qvisit --version).\n\n"
                   "options:\n"
                   "  -h, --help    show this help\n\n"
                   "exit status: 0 success, 1 standard output failed, "
                   "2 usage error\n");
            return CLI_EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("version: unknown option '%s'", argv[i]);
        } else {
            cli_error("version: unexpected argument '%s'", argv[i]);
        }
        return CLI_EXIT_USAGE;
    }
    printf("qvisit %s\n", QVISIT_VERSION_STRING);
    return CLI_EXIT_OK;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: qvisit COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(out, "\nRun 'qvisit COMMAND --help' for a command's options.\n"
            "Every command also takes these:\n\n");
    cli_limits_print_help(out);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        cli_output_init("help");
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        cli_output_init("version");
        return cmd_version(argc - 1, argv + 1);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            g_autoptr(GError) err = NULL;
            int sub_argc = argc - 1;
            QVisitLimits limits;

            cli_output_init(commands[i].name);
            /* Every command takes the --max-* options; see cli-limits.h. */
            if (!cli_limits_take(&sub_argc, argv + 1, &limits, &err)) {
                cli_error("%s: %s", argv[1], err->message);
                return CLI_EXIT_USAGE;
            }
            return commands[i].run(sub_argc, argv + 1);
        }
    }
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /*
     * Messages are UTF-8 ("e1000 v2→v3") and reach the terminal as bytes
     * through stdio, whatever the locale. GLib's own printing (warnings,
     * criticals) converts to the locale's charset and prints '?' for what
     * the C locale cannot show, so take the user's locale as GLib asks;
     * numbers stay in the C locale, so no output depends on it.
     */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    /* Whatever the command printed must have reached standard output. */
    return cli_output_finish(run(argc, argv));
}
