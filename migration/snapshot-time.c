/*
 * Snapshot times: seconds since the epoch, spelt in RFC 3339 UTC in the
 * metadata and accepted as RFC 3339 UTC or "@SECONDS" from users.
 */
#include "qvisit/snapshot-store.h"

#include <string.h>
#include <time.h>

#include "migration/snapshot-store-internal.h"
#include "qvisit/error.h"

char *snapshot_time_format(int64_t t)
{
    time_t tt = (time_t)CLAMP(t, 0, SNAPSHOT_TIME_MAX);
    struct tm tm;

    gmtime_r(&tt, &tm);
    return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02dZ",
                           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                           tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil, valid for every year this store handles). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned days[] = { 31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly @n digits at *p. */
static bool digits(const char **p, int n, unsigned *out)
{
    unsigned v = 0;

    for (int i = 0; i < n; i++) {
        if (!g_ascii_isdigit((*p)[i])) {
            return false;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c) {
        return false;
    }
    (*p)++;
    return true;
}

static bool time_error(GError **errp, int code, const char *text,
                       const char *what)
{
    g_autofree char *esc = qvisit_error_escape(text, -1);

    g_set_error(errp, QVISIT_ERROR, code, "time \"%s\": %s", esc, what);
    return false;
}

static bool parse_seconds(const char *text, int64_t *t, GError **errp)
{
    const char *p = text + 1;
    uint64_t v = 0;

    if (!*p) {
        return time_error(errp, QVISIT_ERROR_PARSE, text,
                          "expected digits after '@'");
    }
    for (; *p; p++) {
        if (!g_ascii_isdigit(*p)) {
            return time_error(errp, QVISIT_ERROR_PARSE, text,
                              "expected digits after '@'");
        }
        v = v * 10 + (*p - '0');
        if (v > (uint64_t)SNAPSHOT_TIME_MAX) {
            return time_error(errp, QVISIT_ERROR_RANGE, text,
                              "after 9999-12-31T23:59:59Z");
        }
    }
    *t = (int64_t)v;
    return true;
}

bool snapshot_time_parse(const char *text, int64_t *t, GError **errp)
{
    const char *p = text;
    unsigned y, mo, d, h, mi, s, zh, zm;

    g_return_val_if_fail(text != NULL && t != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (text[0] == '@') {
        return parse_seconds(text, t, errp);
    }
    if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) ||
        !expect(&p, '-') || !digits(&p, 2, &d) ||
        !(expect(&p, 'T') || expect(&p, 't') || expect(&p, ' ')) ||
        !digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) ||
        !expect(&p, ':') || !digits(&p, 2, &s)) {
        return time_error(errp, QVISIT_ERROR_PARSE, text,
                          "expected RFC 3339 UTC (2024-05-01T12:00:00Z) "
                          "or @SECONDS");
    }
    if (*p == '.' && g_ascii_isdigit(p[1])) {
        /* A fraction of a second: the store counts whole seconds. */
        for (p++; g_ascii_isdigit(*p); p++) {
        }
    }
    if (*p == '+' || *p == '-') {
        p++;
        if (!digits(&p, 2, &zh) || !expect(&p, ':') || !digits(&p, 2, &zm)
            || *p) {
            return time_error(errp, QVISIT_ERROR_PARSE, text,
                              "expected RFC 3339 UTC (2024-05-01T12:00:00Z) "
                              "or @SECONDS");
        }
        if (zh || zm) {
            return time_error(errp, QVISIT_ERROR_PARSE, text,
                              "not UTC (use Z or +00:00)");
        }
    } else if (!(expect(&p, 'Z') || expect(&p, 'z')) || *p) {
        return time_error(errp, QVISIT_ERROR_PARSE, text,
                          "expected RFC 3339 UTC (2024-05-01T12:00:00Z) "
                          "or @SECONDS");
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || s > 59) {
        return time_error(errp, QVISIT_ERROR_RANGE, text, "no such time");
    }
    if (y < 1970) {
        return time_error(errp, QVISIT_ERROR_RANGE, text,
                          "before 1970-01-01T00:00:00Z");
    }
    *t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

/* --- The clock and the test hooks --------------------------------------- */

int64_t snapshot__now(SnapshotStore *s)
{
    if (s->clock) {
        return s->clock(s->clock_opaque);
    }
    return g_get_real_time() / G_USEC_PER_SEC;
}

void snapshot__set_clock(SnapshotStore *s, SnapshotClock clock, void *opaque)
{
    s->clock = clock;
    s->clock_opaque = opaque;
}
