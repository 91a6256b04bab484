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

#include <qvisit/qvisit.h>

#include "tools/cli-limits.h"

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

/*
 * Outputs (tools/cli-output.c). Every file and standard output a command
 * writes goes through these, by the rules of <qvisit/migration-output.h>
 * (regular files replaced atomically with their mode kept, devices, FIFOs
 * and /dev/stdout written in place). A failure is printed once, as
 * "qvisit: COMMAND: NAME: WHAT: OS error", and makes the exit status 1.
 */
typedef struct CliOutput CliOutput;
/* The running command's name, for messages ("qvisit" before dispatch). */
extern const char *cli_command_name;
/* Called by main() before the command runs: sets cli_command_name, makes
 * SIGTERM, SIGINT and SIGHUP remove the temporary file of the output
 * being written before the process dies of them, and turns SIGXFSZ into
 * a write error (EFBIG). */
void cli_output_init(const char *command);
/* Called by main() with the command's exit status: flushes and closes
 * standard output; a failure is printed and gives 1. */
int cli_output_finish(int status);
/* Opens @path ("-" or NULL: standard output); NULL after printing. */
CliOutput *cli_output_open(const char *path);
/* Writes (buffered); false after printing the failure. */
bool cli_output_write(CliOutput *o, const void *data, size_t len);
/* Whether a failure of @o was printed already. */
bool cli_output_failed(const CliOutput *o);
/* The descriptor, buffered bytes flushed, to write to directly; -1 after
 * printing a failure. */
int cli_output_get_fd(CliOutput *o);
/* Prints the failure @err (an errno) of a direct write to @o. */
void cli_output_report_errno(CliOutput *o, int err);
/* With @ok, commits @o (renames a temporary file into place); without,
 * discards it (a temporary file is removed, an output written in place
 * gets what was buffered). Frees @o; returns the exit status. */
int cli_output_close(CliOutput *o, bool ok);
/* Writes @len bytes to @path ("-" or NULL: standard output); exit status. */
int cli_write_output(const char *path, const void *data, size_t len);

int cmd_version(int argc, char **argv);
int cmd_schemas(int argc, char **argv);
int cmd_compat_check(int argc, char **argv);
/* compat-check --qemu-vmstate (tools/cmd-compat-check-qemu.c): whether
 * argv asks for it, and the command itself. */
bool cli_compat_check_is_qemu(int argc, char **argv);
int cli_compat_check_qemu(int argc, char **argv);
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

/* Migration streams (tools/cli-stream.c and the commands using it). */
/* Reads a whole input ("-": stdin), with a progress line on a terminal;
 * NULL after printing the error. */
GByteArray *cli_read_input(const char *path);
/* Reads and decodes a stream in any format; NULL after printing. */
MigrationStream *cli_decode_stream(const char *path);
/* The example devices' layouts, a MigrationSchemaFn for legacy output. */
const MigrationDeviceInfo *cli_example_schema(const char *id,
                                              uint32_t version, void *opaque);
/* `qvisit dump` of qvisit's own formats. */
int cli_dump_native(const char *stream, const char *output, bool compact);
int cmd_dump(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_diff(int argc, char **argv);
/* tools/cmd-check.c */
int cmd_check(int argc, char **argv);
/* tools/cmd-snapshots.c */
int cmd_snapshots(int argc, char **argv);

#endif /* QVISIT_TOOLS_CLI_H */
