/*
 * Resource-limit options shared by every command that reads outside data
 * (tools/cli-limits.c). A command calls cli_limits_take() first, which
 * removes the options it knows from argv, then parses the rest itself, and
 * hands the QVisitLimits to the visitors or loaders it uses:
 *
 *     QVisitLimits limits;
 *     g_autoptr(GError) err = NULL;
 *
 *     if (!cli_limits_take(&argc, argv, &limits, &err)) {
 *         cli_error("%s", err->message);
 *         return CLI_EXIT_USAGE;
 *     }
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

#endif /* QVISIT_TOOLS_CLI_LIMITS_H */
