/* The shared --max-* options; see tools/cli-limits.h. */
#include "tools/cli-limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef enum { LIMIT_COUNT, LIMIT_SIZE } LimitKind;

typedef struct LimitOption {
    const char *name;
    LimitKind kind;
    const char *help;
} LimitOption;

static const LimitOption options[] = {
    { "--max-depth", LIMIT_COUNT, "deepest nesting" },
    { "--max-string", LIMIT_SIZE, "longest string" },
    { "--max-array", LIMIT_COUNT, "most elements in one array" },
    { "--max-alloc", LIMIT_SIZE, "most bytes one load allocates" },
    { "--max-section", LIMIT_SIZE, "largest stream section" },
};

/* Digits, then for a SIZE an optional K/M/G (binary) suffix. */
static bool parse_value(const char *text, LimitKind kind, uint64_t *out)
{
    uint64_t value, mult = 1;
    char *end;

    if (!text[0] || text[0] < '0' || text[0] > '9') {
        return false;
    }
    errno = 0;
    value = g_ascii_strtoull(text, &end, 10);
    if (errno) {
        return false;
    }
    if (kind == LIMIT_SIZE && *end) {
        switch (g_ascii_toupper(*end)) {
        case 'K':
            mult = 1024;
            break;
        case 'M':
            mult = 1024 * 1024;
            break;
        case 'G':
            mult = 1024 * 1024 * 1024;
            break;
        default:
            return false;
        }
        end++;
    }
    if (*end || value == 0 || value > SIZE_MAX / mult) {
        return false;
    }
    *out = value * mult;
    return true;
}

static bool apply(QVisitLimits *limits, size_t index, uint64_t value)
{
    switch (index) {
    case 0:
        if (value > QVISIT_DEPTH_CAP) {
            return false;
        }
        limits->max_depth = value;
        return true;
    case 1:
        limits->max_string_len = value;
        return true;
    case 2:
        limits->max_array_len = value;
        return true;
    case 3:
        limits->max_alloc = value;
        return true;
    default:
        limits->max_section_size = value;
        return true;
    }
}

/*
 * Matches argv[i] against the options; returns the option's index and sets
 * *value to the text after '=' (NULL when the value is the next argument),
 * or -1 when argv[i] is no limit option.
 */
static int match_option(const char *arg, const char **value)
{
    for (size_t o = 0; o < G_N_ELEMENTS(options); o++) {
        size_t n = strlen(options[o].name);

        if (!strncmp(arg, options[o].name, n) &&
            (arg[n] == '\0' || arg[n] == '=')) {
            *value = arg[n] == '=' ? arg + n + 1 : NULL;
            return o;
        }
    }
    return -1;
}

static QVisitLimits current;
static bool current_set;

const QVisitLimits *cli_limits(void)
{
    return current_set ? &current : qvisit_limits_default();
}

bool cli_limits_take(int *argc, char **argv, QVisitLimits *limits,
                     GError **errp)
{
    QVisitLimits parsed;
    int out = 1;
    int i;

    qvisit_limits_init(&parsed);
    /* First pass: validate everything, so a failure changes nothing. */
    for (i = 1; i < *argc && strcmp(argv[i], "--"); i++) {
        const char *value;
        int o = match_option(argv[i], &value);
        uint64_t n;

        if (o < 0) {
            continue;
        }
        if (!value) {
            if (i + 1 >= *argc) {
                g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                            "%s: missing value", options[o].name);
                return false;
            }
            value = argv[++i];
        }
        if (!parse_value(value, options[o].kind, &n) ||
            !apply(&parsed, o, n)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: invalid value '%s'", options[o].name, value);
            return false;
        }
    }
    /* Second pass: drop the options from argv. */
    for (i = 1; i < *argc; i++) {
        const char *value;
        int o = strcmp(argv[i], "--") ? match_option(argv[i], &value) : -1;

        if (!strcmp(argv[i], "--")) {
            break;
        }
        if (o >= 0) {
            i += value ? 0 : 1;
            continue;
        }
        argv[out++] = argv[i];
    }
    for (; i < *argc; i++) {
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    *limits = parsed;
    current = parsed;
    current_set = true;
    return true;
}

/* 1073741824 -> "1G", 4096 -> "4K", 1000 -> "1000". */
static char *format_size(uint64_t v)
{
    static const char units[] = "KMG";
    int u = -1;

    while (u < 2 && v && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    return u < 0 ? g_strdup_printf("%" G_GUINT64_FORMAT, v)
                 : g_strdup_printf("%" G_GUINT64_FORMAT "%c", v, units[u]);
}

void cli_limits_print_help(FILE *out)
{
    const QVisitLimits *d = qvisit_limits_default();
    const uint64_t defaults[] = {
        d->max_depth, d->max_string_len, d->max_array_len, d->max_alloc,
        d->max_section_size,
    };

    fprintf(out, "limits on what the input can make qvisit do "
            "(SIZE takes K, M or G):\n");
    for (size_t o = 0; o < G_N_ELEMENTS(options); o++) {
        g_autofree char *opt = g_strdup_printf(
            "%s %s", options[o].name,
            options[o].kind == LIMIT_SIZE ? "SIZE" : "N");
        g_autofree char *def = options[o].kind == LIMIT_SIZE
            ? format_size(defaults[o])
            : g_strdup_printf("%" G_GUINT64_FORMAT, defaults[o]);

        fprintf(out, "  %-20s %s (default %s)\n", opt, options[o].help,
                def);
    }
}
