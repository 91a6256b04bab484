/*
 * The shortest digits of a double, for the JSON writer (json-writer.c
 * lays them out).
 *
 * The contract is the original search: for a normal double, the first of
 * 15, 16 and 17 significant digits, correctly rounded ("%.14e", "%.15e",
 * "%.16e"), that reads back to the same bits, then trailing zeros
 * stripped; for a subnormal, the same search from 1 digit. The two fast
 * paths below give exactly that result with fewer printf and strtod
 * calls; tests/test-qjson.c compares them with the plain search, and
 * docs/performance.md ("JSON writer") has the figures.
 */
#include "qvisit/qobject.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qobject/qobject-internal.h"

/* "%.Ne" of @a (positive) split into digits and exponent. */
static void formatd_digits(double a, int prec, QjsonDigits *dd)
{
    static const char *const formats[] = {
        "%.0e", "%.1e", "%.2e", "%.3e", "%.4e", "%.5e", "%.6e", "%.7e",
        "%.8e", "%.9e", "%.10e", "%.11e", "%.12e", "%.13e", "%.14e",
        "%.15e", "%.16e",
    };
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    const char *p;

    g_ascii_formatd(buf, sizeof(buf), formats[prec - 1], a);
    dd->n = 0;
    for (p = buf; *p != 'e'; p++) {
        if (*p != '.') {
            dd->digits[dd->n++] = *p;
        }
    }
    dd->exp10 = atoi(p + 1);
}

/* Whether "D.DDDe<exp10>" reads back as @a. */
static bool digits_read_back(const QjsonDigits *dd, double a)
{
    char buf[40];
    int len = 0;

    buf[len++] = dd->digits[0];
    buf[len++] = '.';
    memcpy(buf + len, dd->digits + 1, dd->n - 1);
    len += dd->n - 1;
    len += g_snprintf(buf + len, sizeof(buf) - len, "e%d", dd->exp10);
    return g_ascii_strtod(buf, NULL) == a;
}

/*
 * Fast path: @a is n / 10^k for an integer n below 2^51 with at most 15
 * digits. The smallest such k is found exactly: below 2^51 the product
 * a * 10^k is within 0.125 of its true value and any n that reads back
 * is within 0.25 of it, so rounding the product finds n; and n / 10^k
 * rounds exactly as strtod() of "n e-k" does (both are one correctly
 * rounded operation on exact values, 10^k being exact up to 10^22). A
 * decimal of at most 15 (DBL_DIG) digits is also what "%.14e" gives back
 * for the double it reads as, so the search above would return it too.
 */
static bool short_digits(double a, QjsonDigits *dd)
{
    static const double p10[] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    const double limit = 2251799813685248.0; /* 2^51 */

    for (int k = 0; k < (int)G_N_ELEMENTS(p10); k++) {
        double m = a * p10[k];
        uint64_t n;
        char tmp[24];
        int len = 0;

        if (m >= limit) {
            return false;
        }
        /* m + 0.5 is exact below 2^51. */
        n = (uint64_t)(m + 0.5);
        if ((double)n / p10[k] != a) {
            continue;
        }
        if (n == 0) {
            return false;
        }
        for (; n; n /= 10) {
            tmp[len++] = (char)('0' + n % 10);
        }
        dd->exp10 = len - 1 - k;
        while (tmp[0] == '0') {         /* only when k == 0 */
            memmove(tmp, tmp + 1, --len);
        }
        if (len > 15) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            dd->digits[i] = tmp[len - 1 - i];
        }
        dd->n = len;
        return true;
    }
    return false;
}

/*
 * Rounds the 17 correctly rounded digits @d17 to @prec digits, as
 * "%.<prec-1>e" would: false when the dropped digits are exactly half
 * ("5" or "50"), since the true value may then lie on either side.
 * *@up tells whether it rounded up.
 */
static bool round_digits(const QjsonDigits *d17, int prec,
                         QjsonDigits *out, bool *up)
{
    int drop = 17 - prec;
    int half = drop == 1 ? 5 : 50;
    int rest = 0;

    for (int i = prec; i < 17; i++) {
        rest = rest * 10 + (d17->digits[i] - '0');
    }
    if (rest == half) {
        return false;
    }
    memcpy(out->digits, d17->digits, prec);
    out->n = prec;
    out->exp10 = d17->exp10;
    *up = rest > half;
    if (*up) {
        int i = prec - 1;

        while (i >= 0 && out->digits[i] == '9') {
            out->digits[i--] = '0';
        }
        if (i >= 0) {
            out->digits[i]++;
        } else {
            out->digits[0] = '1';       /* 9.99...e5 -> 1.00...e6 */
            out->exp10++;
        }
    }
    return true;
}

/*
 * Whether the @prec-digit candidate @cand (made by round_digits() from
 * the 17 digits @d17 of @a, a positive normal double) reads back as @a,
 * mostly without strtod(). With q the unit of the 17th digit, the 17
 * digits N17 * q lie within q/2 of @a, and the candidate lies diff * q
 * from N17 * q, so within (diff +- 1/2) * q of @a; it reads back when
 * that is less than half the gap to the next double, h, and cannot when
 * it is more. h / q is (h / a) * N17 to within 1e-15 (N17 * q = a within
 * a relative 5e-17), far below the 1e-9 margin; the few candidates inside
 * the margin, and those below a power of two (whose lower gap is h / 2),
 * go to strtod().
 */
static bool candidate_reads_back(double a, uint64_t n17,
                                 const QjsonDigits *cand, bool rounded_up)
{
    uint64_t unit = cand->n == 15 ? 100 : 10;
    uint64_t nc = (n17 / unit + rounded_up) * unit;
    double diff = (double)(nc > n17 ? nc - n17 : n17 - nc);
    uint64_t bits, next_bits;
    double next, h_units;

    memcpy(&bits, &a, sizeof(bits));
    next_bits = bits + 1;
    memcpy(&next, &next_bits, sizeof(next));
    if (!isfinite(next)) {
        return digits_read_back(cand, a);
    }
    /* Halved last: half the gap of the smallest normals is not a double. */
    h_units = (next - a) / a * (double)n17 / 2;
    if (diff - 0.5 > h_units + 1e-9) {
        return false;
    }
    /* A power of two has a narrower gap below it. */
    if ((bits & 0x000fffffffffffffull) && diff + 0.5 < h_units - 1e-9) {
        return true;
    }
    return digits_read_back(cand, a);
}

void qjson__shortest_digits(double a, QjsonDigits *dd)
{
    QjsonDigits d17;
    int prec;

    if (a < DBL_MIN) {
        /* Subnormals have fewer bits: their shortest form may need fewer
         * than 15 digits, so search from 1 (rare: plain search). */
        for (prec = 1; prec < 17; prec++) {
            formatd_digits(a, prec, dd);
            if (digits_read_back(dd, a)) {
                break;
            }
        }
        if (prec == 17) {
            formatd_digits(a, 17, dd);
        }
    } else if (!short_digits(a, dd)) {
        /* One printf for 17 digits; 15 and 16 are derived from them. */
        uint64_t n17 = 0;

        formatd_digits(a, 17, &d17);
        for (int i = 0; i < 17; i++) {
            n17 = n17 * 10 + (uint64_t)(d17.digits[i] - '0');
        }
        *dd = d17;
        for (prec = 15; prec < 17; prec++) {
            QjsonDigits cand;
            bool ok, up;

            if (round_digits(&d17, prec, &cand, &up)) {
                ok = candidate_reads_back(a, n17, &cand, up);
            } else {
                formatd_digits(a, prec, &cand);
                ok = digits_read_back(&cand, a);
            }
            if (ok) {
                *dd = cand;
                break;
            }
        }
    }
    while (dd->n > 1 && dd->digits[dd->n - 1] == '0') {
        dd->n--;
    }
}

