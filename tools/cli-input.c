/* Bounded whole-input reads for the CLI; see tools/cli-input.h. */
#include "tools/cli-input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "tools/cli-limits.h"

/* The first look: this many bytes (or the whole input if shorter). */
#define FIRST_CHUNK ((size_t)64 * 1024)
/* Inputs above this size get a progress line on a terminal. */
#define PROGRESS_MIN ((size_t)4 << 20)

/* What the first bytes say about the rest. */
typedef enum Verdict {
    VERDICT_BINARY,     /* a binary stream: read it all */
    VERDICT_JSON,       /* JSON text: read it all, up to a NUL byte */
    VERDICT_NOT_JSON,   /* cannot be JSON: the first chunk is enough */
    VERDICT_NO_MAGIC,   /* no stream's magic: an error */
} Verdict;

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* @p: the first FIRST_CHUNK bytes (fewer only under a smaller limit). */
static Verdict classify(const uint8_t *p, size_t len, CliInputKind kind)
{
    size_t i = 0;

    if (kind != CLI_INPUT_JSON &&
        migration_detect_format(p, len) != MIGRATION_FORMAT_UNKNOWN &&
        migration_detect_format(p, len) != MIGRATION_FORMAT_JSON) {
        return VERDICT_BINARY;
    }
    while (i < len && is_ws(p[i])) {
        i++;
    }
    if (i == len || p[i] == '{') {
        return VERDICT_JSON;    /* white space only: JSON or nothing */
    }
    if (kind == CLI_INPUT_STREAM) {
        return VERDICT_NO_MAGIC;
    }
    return p[i] && strchr("[\"-0123456789tfn", p[i]) ? VERDICT_JSON
                                                     : VERDICT_NOT_JSON;
}

typedef struct Input {
    int fd;
    const char *path;
    uint8_t *data;
    size_t len;
    size_t cap;             /* bytes at data, plus one for a NUL */
    size_t max;             /* max_alloc */
    bool progress;
} Input;

static bool read_error(GError **errp)
{
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO, "%s",
                g_strerror(errno));
    return false;
}

/*
 * Appends up to @want bytes in one read(); *@eof at the end of the input.
 * A full buffer grows (doubling, up to the limit plus one byte, which
 * tells an input over the limit) only once a read proved more bytes come,
 * so a regular file read into a buffer of its size never grows.
 */
static bool read_some(Input *in, size_t want, bool *eof, GError **errp)
{
    ssize_t n;

    *eof = false;
    if (in->len == in->cap) {
        uint8_t probe[4096];

        do {
            n = read(in->fd, probe, MIN(want, sizeof(probe)));
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            return read_error(errp);
        }
        if (n == 0) {
            *eof = true;
            return true;
        }
        in->cap = MIN(MAX(in->cap * 2, FIRST_CHUNK), in->max + 1);
        in->cap = MAX(in->cap, in->len + (size_t)n);
        in->data = g_realloc(in->data, in->cap + 1);
        memcpy(in->data + in->len, probe, (size_t)n);
    } else {
        do {
            n = read(in->fd, in->data + in->len,
                     MIN(want, in->cap - in->len));
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            return read_error(errp);
        }
        if (n == 0) {
            *eof = true;
            return true;
        }
    }
    in->len += (size_t)n;
    if (in->progress && in->len >= PROGRESS_MIN &&
        in->len % ((size_t)4 << 20) < (size_t)n) {
        fprintf(stderr, "\rreading %s: %zu MiB", in->path, in->len >> 20);
    }
    return true;
}

static bool too_large(const Input *in, GError **errp)
{
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                "input larger than --max-alloc (%zu bytes)", in->max);
    return false;
}

/*
 * Reads until the end of the input, the first NUL byte of JSON text
 * (@json; kept, for the parser to report), or one byte past the limit.
 */
static bool read_rest(Input *in, bool json, GError **errp)
{
    size_t scanned = 0;
    bool eof = false;

    for (;;) {
        if (json) {
            const uint8_t *nul = memchr(in->data + scanned, '\0',
                                        in->len - scanned);

            if (nul) {
                in->len = (size_t)(nul - in->data) + 1;
                return true;
            }
            scanned = in->len;
        }
        if (in->len > in->max) {
            return too_large(in, errp);
        }
        if (eof) {
            return true;
        }
        if (!read_some(in, (size_t)1 << 20, &eof, errp)) {
            return false;
        }
    }
}

static bool read_input(Input *in, CliInputKind kind, const struct stat *st,
                       GError **errp)
{
    size_t first = MIN(FIRST_CHUNK, in->max + 1);
    Verdict verdict;
    bool eof = false;

    /* Look at the first bytes before reading the rest. */
    while (!eof && in->len < first) {
        if (!read_some(in, first - in->len, &eof, errp)) {
            return false;
        }
    }
    if (eof) {
        return true;            /* small: the parser says what it is */
    }
    verdict = classify(in->data, in->len, kind);
    switch (verdict) {
    case VERDICT_NO_MAGIC:
        if (S_ISREG(st->st_mode)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                        "not a migration stream (%" G_GUINT64_FORMAT
                        " bytes, unknown magic)", (guint64)st->st_size);
        } else {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                        "not a migration stream (unknown magic)");
        }
        return false;
    case VERDICT_NOT_JSON:
        /* The parser fails within these bytes, as on the whole input. */
        return true;
    case VERDICT_JSON:
    case VERDICT_BINARY:
    default:
        break;
    }
    if (S_ISREG(st->st_mode) && (guint64)st->st_size > in->max) {
        return too_large(in, errp);
    }
    if (verdict == VERDICT_JSON && memchr(in->data, '\0', in->len)) {
        return read_rest(in, true, errp);   /* stops at once */
    }
    if (S_ISREG(st->st_mode) && (size_t)st->st_size > in->cap) {
        /* The rest of a regular file goes into one buffer of its size. */
        in->cap = (size_t)st->st_size;
        in->data = g_realloc(in->data, in->cap + 1);
    }
    return read_rest(in, verdict == VERDICT_JSON, errp);
}

GByteArray *cli_input_read(const char *path, CliInputKind kind,
                           GError **errp)
{
    Input in = { .path = path, .max = cli_limits()->max_alloc };
    struct stat st;
    bool ok;

    in.fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
    if (in.fd < 0 || fstat(in.fd, &st) < 0) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO, "%s",
                    g_strerror(errno));
        if (in.fd > 0) {
            close(in.fd);
        }
        return NULL;
    }
    in.progress = isatty(STDERR_FILENO);
    ok = read_input(&in, kind, &st, errp);
    if (in.progress && in.len >= PROGRESS_MIN) {
        fprintf(stderr, "\rreading %s: %zu MiB, %s\n", path, in.len >> 20,
                ok ? "done" : "stopped");
    }
    if (in.fd != 0) {
        close(in.fd);
    }
    if (!ok) {
        g_free(in.data);
        return NULL;
    }
    if (!in.data || in.cap != in.len) {
        in.data = g_realloc(in.data, in.len + 1);
    }
    in.data[in.len] = '\0';
    return g_byte_array_new_take(in.data, in.len);
}
