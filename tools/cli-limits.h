/*
 * Resource-limit options shared by every command that reads outside data
 * (tools/cli-limits.c). tools/qvisit.c calls cli_limits_take() once before
 * dispatching, which removes the options from argv, so every subcommand
 * accepts them; a command hands cli_limits() to the readers it uses:
 *
 *     s = migration_stream_decode(data, len, cli_limits(), &err);
 *
 * Options (a value either after '=' or as the next argument; SIZE takes a
 * K, M or G suffix, powers of 1024):
 *   --max-depth N        deepest nesting of structs, arrays and objects
 *   --max-string SIZE    longest string
 *   --max-array N        most elements in one array or list
 *   --max-alloc SIZE     most bytes one load allocates for values
 *   --max-section SIZE   largest section of a migration stream
 */
#ifndef QVISIT_TOOLS_CLI_LIMITS_H
#define QVISIT_TOOLS_CLI_LIMITS_H

#include <stdio.h>

#include <qvisit/qvisit.h>

/*
 * Fills @limits with the defaults, then applies and removes from @argv
 * every limit option before a "--" argument; *@argc is updated and
 * @argv[*@argc] stays NULL. A missing or malformed value, zero, or a value
 * that overflows is QVISIT_ERROR_INVALID naming the option; @argv is then
 * left unchanged.
 */
bool cli_limits_take(int *argc, char **argv, QVisitLimits *limits,
                     GError **errp);

/* Prints the option lines above, for a command's --help. */
void cli_limits_print_help(FILE *out);

/*
 * The limits the last successful cli_limits_take() parsed, or the
 * defaults; valid for the whole process. Readers in the command files
 * pass this to the library.
 */
const QVisitLimits *cli_limits(void);

#endif /* QVISIT_TOOLS_CLI_LIMITS_H */
