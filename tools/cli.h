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

#include "tools/cli-input.h"
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
 * Makes cli_error() on the calling thread append its lines to @into
 * instead of printing them (NULL: print again), so that a worker thread's
 * errors can be printed in the order the command would print them alone.
 */
void cli_error_capture(GString *into);

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
/*
 * What compat-check cannot see in a device's @schema
 * (tools/compat-check-unseen.c): appends one line per blind spot to @out
 * (strings owned by @out): arrays described with length 0 and no element
 * layout, members the described configuration lacks (a struct's
 * "config_absent") and members present only under some configurations
 * ("config": true).
 */
void cli_schema_unseen(const QObject *schema, GPtrArray *out);
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

/*
 * Plugins (tools/cli-plugin.c). A plugin argument is a path when it
 * contains a '/' or ends in ".so"; anything else is a keyword
 * (builtin, none). A name without a '/' is a file in the current
 * directory, not a library to look up: cli_plugin_open() makes it
 * "./NAME". @what ("transform", "device") names the kind in the error.
 */
bool cli_is_plugin_path(const char *arg);
struct _GModule;
struct _GModule *cli_plugin_open(const char *path, const char *what,
                                 struct _GError **errp);

/*
 * The device layouts a command works with (tools/cli-devices.c): the
 * built-in example devices and the devices of `--devices` plugins, which
 * export MIGRATION_DEVICES_PLUGIN_SYMBOL (see migration.h) and stay
 * loaded until the process exits. Entries are borrowed, in the order
 * added; one (id, version) appears once.
 */
typedef struct CliDevices CliDevices;
CliDevices *cli_devices_new(void);
void cli_devices_free(CliDevices *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliDevices, cli_devices_free)
/* Adds every layout of every example device not known yet. */
void cli_devices_add_builtin(CliDevices *d);
/* Loads the plugin at @path and adds its layouts, or none of them. */
bool cli_devices_add_plugin(CliDevices *d, const char *path,
                            struct _GError **errp);
size_t cli_devices_count(const CliDevices *d);
const MigrationDeviceInfo *cli_devices_get(const CliDevices *d, size_t i);
const MigrationDeviceInfo *cli_devices_find(const CliDevices *d,
                                            const char *id,
                                            uint32_t version);
/* A MigrationSchemaFn over the CliDevices @opaque. */
const MigrationDeviceInfo *cli_devices_schema(const char *id,
                                              uint32_t version,
                                              void *opaque);

/* Migration streams (tools/cli-stream.c and the commands using it). */
/* cli_input_read() that prints "qvisit: PATH: <error>"; NULL then. */
GByteArray *cli_read_input(const char *path, CliInputKind kind);
/* Reads and decodes a stream in any format; NULL after printing. */
MigrationStream *cli_decode_stream(const char *path);
/* As cli_decode_stream(), reading legacy sections through @schema. */
MigrationStream *cli_decode_stream_with(const char *path,
                                        MigrationSchemaFn schema,
                                        void *opaque);
/* The same for an input already read into @data (transfer none). */
MigrationStream *cli_decode_stream_data(const char *path, GByteArray *data);
/* Whether the stream summary @info (qemu_stream_info_path()) has the
 * "ram" section: QEMU always writes one, the migration core never. */
bool cli_qemu_info_has_ram(const QObject *info);

/*
 * The summary of a QEMU savevm stream (one QEMU wrote, or the legacy
 * format) that has a vmdesc, read by the library from the file (or, for
 * "-", from memory: then *@data holds standard input as @kind read it,
 * transfer full, for the caller to decode otherwise). NULL with *@failed
 * false when the input is no such stream: the caller reads it as any
 * other; NULL with *@failed true after printing the error.
 */
QObject *cli_qemu_info(const char *path, CliInputKind kind,
                       QemuStreamInfoFlags flags, GByteArray **data,
                       bool *failed);
/* The example devices' layouts, a MigrationSchemaFn for legacy output. */
const MigrationDeviceInfo *cli_example_schema(const char *id,
                                              uint32_t version, void *opaque);
/* `qvisit dump` of qvisit's own formats. */
int cli_dump_native(const char *stream, const char *output, bool compact);
int cmd_dump(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_diff(int argc, char **argv);
/*
 * Editing QEMU streams (tools/cli-qemu-edit.c): `set`, `ram`, and
 * `dump --qemu --u64-as-string`.
 */
/* The full native dump (with every RAM page) of a QEMU stream; NULL after
 * printing the error. */
QObject *cli_qemu_full_dump(const char *path);
/* Encodes @dump to @output ("-": standard output; a file is replaced only
 * when complete). With @by_section, a refusal of a device member is
 * printed with the path `set` takes ("serial.state.scr", "dma#1.x")
 * instead of the dump's ("records[31].state.state.scr"). Returns the exit
 * status. */
int cli_qemu_write(const QObject *dump, const char *output,
                   bool by_section);
/* Parses an integer as `set` and `ram` take it: decimal, "-" decimal or
 * "0x" hex, within int64/uint64; *@out (transfer full) on success. */
bool cli_parse_integer(const char *s, QNum **out);
/* Turns every integer of the device states of native dump @dump that a
 * double cannot hold (beyond +-2^53) into its decimal string. */
void cli_qemu_u64_as_string(QObject *dump);
/* tools/cli-qemu-convert.c: when @in is a file holding a QEMU stream
 * (one with RAM), adds to @s, its decoded device sections, the section
 * "qemu-stream" with everything else needed to write the stream back
 * byte-identically; false after printing. */
bool cli_qemu_keep_framing(MigrationStream *s, const char *in);
/* The full native dump @s, converted by convert from a QEMU stream,
 * stands for, its device sections' states put back (transfer full);
 * NULL after printing. @in names the input in messages. */
QObject *cli_qemu_dump_from_stream(const MigrationStream *s, const char *in);
/* Whether the file @path starts with QEMU's magic, "QEVM" (false when it
 * cannot be read: the ordinary reader reports that). */
bool cli_file_is_savevm(const char *path);
/*
 * A QEMU stream without a vmdesc (@in, or @data when not NULL) as the
 * migration core would decode it with one: its device sections decoded
 * by the built-in QEMU devices. Sections they do not know are an error
 * of command @cmd, unless @keep_opaque (the caller keeps the framing,
 * which holds their bytes): then they are listed on standard error. NULL
 * with *@failed false when @in is not such a stream; NULL with *@failed
 * true after printing.
 */
MigrationStream *cli_qemu_decode_without_vmdesc(const char *cmd,
                                                const char *in,
                                                GByteArray *data,
                                                bool keep_opaque,
                                                bool *failed);
/* Whether @s holds the framing cli_qemu_keep_framing() adds. */
bool cli_qemu_has_framing(const MigrationStream *s);
/* qemu_stream_info_mem() of the QEMU stream @s stands for; NULL after
 * printing. */
QObject *cli_qemu_info_from_stream(const MigrationStream *s,
                                   const char *in, QemuStreamInfoFlags flags);
int cmd_set(int argc, char **argv);
int cmd_ram(int argc, char **argv);
/* tools/cmd-check.c */
int cmd_check(int argc, char **argv);
/* tools/cmd-snapshots.c */
int cmd_snapshots(int argc, char **argv);

#endif /* QVISIT_TOOLS_CLI_H */
