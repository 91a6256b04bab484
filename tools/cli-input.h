/*
 * Whole inputs for the CLI (tools/cli-input.c): every command that reads a
 * file or standard input ("-") into memory goes through cli_input_read(),
 * which
 *   - reads at most cli_limits()->max_alloc bytes (--max-alloc, default
 *     1 GiB), and refuses a regular file larger than that before reading
 *     any of it;
 *   - looks at the first bytes before reading the rest: an input that
 *     cannot be what the command parses stops there (a 1 GiB sparse file
 *     or /dev/zero given as a stream is "unknown magic" after one read);
 *   - stops JSON text at its first NUL byte, which no JSON document holds:
 *     the parser then fails at or before that byte with the message it
 *     would give for the whole input (/dev/urandom, a binary file);
 *   - returns data that is never NULL and has a NUL byte after its end.
 *
 * Streams QEMU wrote (`dump --qemu`) are not read here: the library reads
 * those from the descriptor (qemu_stream_dump_fd()), with the same limit
 * on a spooled pipe.
 */
#ifndef QVISIT_TOOLS_CLI_INPUT_H
#define QVISIT_TOOLS_CLI_INPUT_H

#include <glib.h>

/* What the command parses, so what the first bytes must look like. */
typedef enum CliInputKind {
    CLI_INPUT_STREAM,           /* a qvisit stream: legacy, binary, JSON */
    CLI_INPUT_STREAM_OR_JSON,   /* a qvisit stream or any JSON document */
    CLI_INPUT_JSON,             /* a JSON document */
} CliInputKind;

/*
 * Reads @path ("-": standard input) as described above, with a progress
 * line on a terminal. Errors (QVISIT_ERROR, without the path, which the
 * caller adds): IO for a failed open or read; LIMIT for an input over
 * max_alloc; PARSE "not a migration stream (... unknown magic)" when a
 * CLI_INPUT_STREAM starts with no stream's magic. An input that is cut
 * short because it cannot be JSON is returned, not an error: the caller's
 * parser reports it.
 */
GByteArray *cli_input_read(const char *path, CliInputKind kind,
                           GError **errp);

#endif /* QVISIT_TOOLS_CLI_INPUT_H */
