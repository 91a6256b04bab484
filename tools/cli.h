/*
 * The qvisit command-line tool: one function per subcommand, each in its
 * own tools/cmd-*.c file, dispatched by tools/qvisit.c. Tools use only the
 * public API (<qvisit/qvisit.h>), never internal headers.
 *
 * Each cmd_*() gets argv with argv[0] the subcommand name and returns the
 * process exit code: 0 success, 1 failure (bad input, failed check),
 * 2 usage error.
 */
#ifndef QVISIT_TOOLS_CLI_H
#define QVISIT_TOOLS_CLI_H

#include <stdbool.h>

typedef struct CliCommand {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} CliCommand;

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_USAGE 2

/* Prints "qvisit: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_version(int argc, char **argv);
int cmd_schemas(int argc, char **argv);
int cmd_compat_check(int argc, char **argv);
int cmd_compat_graph(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_encode(int argc, char **argv);

/*
 * Loads the transform plugin at @path (a shared object exporting
 * COMPAT_PLUGIN_SYMBOL, see compat.h) and lets it register into @r. The
 * plugin stays loaded until the process exits. tools/compat-plugin.c.
 */
struct CompatRegistry;
bool cli_load_compat_plugin(const char *path, struct CompatRegistry *r,
                            struct _GError **errp);

#endif /* QVISIT_TOOLS_CLI_H */
