/*
 * JSON reader and writer: number exactness, strict syntax, limits, string
 * escapes and the exact pretty layout.
 *
 * Data-driven cases live in tests/data/qjson/<case>/: `input`, plus either
 * `expected` (the pretty output of the parsed input; one final newline of
 * the file is ignored) or `error` (code name on line 1, exact message on
 * line 2). The `expected` files were made with Python's
 * json.dumps(json.loads(input), indent=4, ensure_ascii=False).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "tests/test-util.h"

/* The vmdesc layout, shared with the QEMU wire codec. */
#include "qobject/json-writer.h"

#define DATA_DIR "tests/data/qjson"

/* Parses @json, which must succeed, and returns the compact output. */
static char *roundtrip(const char *json, QObject **parsed)
{
    GError *err = NULL;
    QObject *obj = qobject_from_json(json, &err);

    ASSERT_NO_ERROR(err);
    if (!obj) {
        return g_strdup("<error>");
    }
    GString *out = qobject_to_json(obj);
    if (parsed) {
        *parsed = obj;
    } else {
        qobject_unref(obj);
    }
    return g_string_free(out, FALSE);
}

static void int_edges_roundtrip_exactly(void)
{
    static const struct {
        const char *json;
        bool is_uint;
        int64_t i;
        uint64_t u;
    } cases[] = {
        { "0", false, 0, 0 },
        { "1", false, 1, 0 },
        { "-1", false, -1, 0 },
        { "127", false, INT8_MAX, 0 },
        { "-128", false, INT8_MIN, 0 },
        { "255", false, UINT8_MAX, 0 },
        { "32767", false, INT16_MAX, 0 },
        { "-32768", false, INT16_MIN, 0 },
        { "65535", false, UINT16_MAX, 0 },
        { "2147483647", false, INT32_MAX, 0 },
        { "-2147483648", false, INT32_MIN, 0 },
        { "4294967295", false, UINT32_MAX, 0 },
        { "9007199254740993", false, 9007199254740993LL, 0 },
        { "9223372036854775807", false, INT64_MAX, 0 },
        { "-9223372036854775807", false, -INT64_MAX, 0 },
        { "-9223372036854775808", false, INT64_MIN, 0 },
        { "9223372036854775808", true, 0, (uint64_t)INT64_MAX + 1 },
        { "18446744073709551614", true, 0, UINT64_MAX - 1 },
        { "18446744073709551615", true, 0, UINT64_MAX },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QObject *obj = NULL;
        g_autofree char *out = roundtrip(cases[i].json, &obj);
        QNum *n = qobject_to(QNum, obj);
        int64_t iv = 0;
        uint64_t uv = 0;

        CU_ASSERT_STRING_EQUAL(out, cases[i].json);
        CU_ASSERT_PTR_NOT_NULL_FATAL(n);
        CU_ASSERT_FALSE(qnum_is_double(n));
        if (cases[i].is_uint) {
            CU_ASSERT_FALSE(qnum_get_try_int(n, &iv));
            CU_ASSERT_TRUE(qnum_get_try_uint(n, &uv));
            CU_ASSERT_EQUAL(uv, cases[i].u);
        } else {
            CU_ASSERT_TRUE(qnum_get_try_int(n, &iv));
            CU_ASSERT_EQUAL(iv, cases[i].i);
        }
        qobject_unref(obj);
    }
}

static void int_writer_handles_every_edge(void)
{
    static const struct {
        int64_t v;
        const char *want;
    } ints[] = {
        { 0, "0" }, { -1, "-1" }, { INT64_MAX, "9223372036854775807" },
        { INT64_MIN, "-9223372036854775808" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(ints); i++) {
        g_autoptr(QNum) n = qnum_from_int(ints[i].v);
        g_autoptr(GString) s = qobject_to_json(QOBJECT(n));

        CU_ASSERT_STRING_EQUAL(s->str, ints[i].want);
    }
    g_autoptr(QNum) u = qnum_from_uint(UINT64_MAX);
    g_autoptr(GString) s = qobject_to_json(QOBJECT(u));
    CU_ASSERT_STRING_EQUAL(s->str, "18446744073709551615");
}

static void double_edges_parse_and_print_like_python(void)
{
    /* want = Python's json.dumps(json.loads(json)). */
    static const struct {
        const char *json;
        double value;
        const char *want;
    } cases[] = {
        { "0.1", 0.1, "0.1" },
        { "1.0", 1.0, "1.0" },
        { "-0.0", -0.0, "-0.0" },
        { "0.0", 0.0, "0.0" },
        { "1e0", 1.0, "1.0" },
        { "1E2", 100.0, "100.0" },
        { "2.5", 2.5, "2.5" },
        { "-2.5e-7", -2.5e-7, "-2.5e-07" },
        { "0.0001", 0.0001, "0.0001" },
        { "0.00001", 0.00001, "1e-05" },
        { "1e15", 1e15, "1000000000000000.0" },
        { "1e16", 1e16, "1e+16" },
        { "123456789.125", 123456789.125, "123456789.125" },
        { "0.30000000000000004", 0.30000000000000004,
          "0.30000000000000004" },
        { "9007199254740993.0", 9007199254740992.0, "9007199254740992.0" },
        { "5e-324", 5e-324, "5e-324" },
        { "2.2250738585072014e-308", 2.2250738585072014e-308,
          "2.2250738585072014e-308" },
        { "1.7976931348623157e308", 1.7976931348623157e308,
          "1.7976931348623157e+308" },
        { "-1.7976931348623157e308", -1.7976931348623157e308,
          "-1.7976931348623157e+308" },
        { "1e-400", 0.0, "0.0" },
        { "3.141592653589793", 3.141592653589793, "3.141592653589793" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QObject *obj = NULL;
        g_autofree char *out = roundtrip(cases[i].json, &obj);
        QNum *n = qobject_to(QNum, obj);
        double d;

        CU_ASSERT_PTR_NOT_NULL_FATAL(n);
        CU_ASSERT_TRUE(qnum_is_double(n));
        d = qnum_get_double(n);
        CU_ASSERT_EQUAL(memcmp(&d, &cases[i].value, sizeof(d)), 0);
        if (strcmp(out, cases[i].want) != 0) {
            fprintf(stderr, "\n%s: got %s want %s\n", cases[i].json, out,
                    cases[i].want);
        }
        CU_ASSERT_STRING_EQUAL(out, cases[i].want);
        qobject_unref(obj);
    }
}

static void random_doubles_roundtrip_bit_exact(void)
{
    uint64_t seed = 42;

    for (int i = 0; i < 200000; i++) {
        uint64_t bits = test_rand_next(&seed);
        double d;

        if (i % 4 == 0) {
            bits &= 0x800fffffffffffffull;     /* subnormals and zero */
        }
        memcpy(&d, &bits, sizeof(d));
        if (!isfinite(d)) {
            continue;
        }
        g_autoptr(QNum) n = qnum_from_double(d);
        g_autoptr(GString) s = qobject_to_json(QOBJECT(n));
        GError *err = NULL;
        g_autoptr(QObject) back = qobject_from_json(s->str, &err);
        QNum *bn = qobject_to(QNum, back);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bn);
        CU_ASSERT_TRUE_FATAL(qnum_is_double(bn));
        double b = qnum_get_double(bn);
        if (memcmp(&b, &d, sizeof(d)) != 0) {
            fprintf(stderr, "\n%016" G_GINT64_MODIFIER "x -> %s\n",
                    bits, s->str);
            CU_FAIL("double did not round-trip");
            return;
        }
    }
}

/*
 * The writer's digit search, done the plain way: the first of 15, 16, 17
 * correctly rounded digits (from 1 for subnormals) that reads back, then
 * Python's repr() layout. qobject/json-writer.c takes faster paths that
 * must give exactly this.
 */
static char *plain_double_text(double d)
{
    char buf[64], digits[24];
    int prec, n = 0, exp10;
    const char *p;
    GString *out = g_string_new(NULL);

    prec = fabs(d) < DBL_MIN && d != 0 ? 1 : 15;
    for (; prec <= 17; prec++) {
        g_ascii_formatd(buf, sizeof(buf),
                        (const char *[]){ "%.0e", "%.1e", "%.2e", "%.3e",
                                          "%.4e", "%.5e", "%.6e", "%.7e",
                                          "%.8e", "%.9e", "%.10e", "%.11e",
                                          "%.12e", "%.13e", "%.14e",
                                          "%.15e", "%.16e" }[prec - 1], d);
        if (prec == 17 || g_ascii_strtod(buf, NULL) == d) {
            break;
        }
    }
    p = buf;
    if (*p == '-') {
        g_string_append_c(out, '-');
        p++;
    }
    for (; *p != 'e'; p++) {
        if (*p != '.') {
            digits[n++] = *p;
        }
    }
    exp10 = atoi(p + 1);
    while (n > 1 && digits[n - 1] == '0') {
        n--;
    }
    if (exp10 < -4 || exp10 >= 16) {
        g_string_append_c(out, digits[0]);
        if (n > 1) {
            g_string_append_c(out, '.');
            g_string_append_len(out, digits + 1, n - 1);
        }
        g_string_append_printf(out, "e%c%02d", exp10 < 0 ? '-' : '+',
                               abs(exp10));
    } else if (exp10 < 0) {
        g_string_append(out, "0.");
        for (int i = -1; i > exp10; i--) {
            g_string_append_c(out, '0');
        }
        g_string_append_len(out, digits, n);
    } else if (n > exp10 + 1) {
        g_string_append_len(out, digits, exp10 + 1);
        g_string_append_c(out, '.');
        g_string_append_len(out, digits + exp10 + 1, n - exp10 - 1);
    } else {
        g_string_append_len(out, digits, n);
        for (int i = n; i <= exp10; i++) {
            g_string_append_c(out, '0');
        }
        g_string_append(out, ".0");
    }
    return g_string_free(out, false);
}

static void check_double_text(double d, unsigned *bad)
{
    g_autoptr(QNum) n = NULL;
    g_autoptr(GString) got = NULL;
    g_autofree char *want = NULL;

    if (!isfinite(d)) {
        return;                 /* null: nan_and_infinity_... */
    }
    n = qnum_from_double(d);
    got = qobject_to_json(QOBJECT(n));
    want = plain_double_text(d);
    if (strcmp(got->str, want)) {
        if ((*bad)++ < 10) {
            fprintf(stderr, "\n%a: got %s, plain search %s\n", d, got->str,
                    want);
        }
    }
}

/* The double next to @d (>= 0) upwards or towards zero, without libm. */
static double step_double(double d, bool up)
{
    uint64_t bits;

    memcpy(&bits, &d, sizeof(bits));
    if (up) {
        bits++;
    } else if (bits) {
        bits--;
    }
    memcpy(&d, &bits, sizeof(d));
    return d;
}

/* 2^@e for -1074 <= @e <= 1023. */
static double power_of_two(int e)
{
    uint64_t bits = e >= -1022 ? (uint64_t)(e + 1023) << 52
                               : (uint64_t)1 << (e + 1074);
    double d;

    memcpy(&d, &bits, sizeof(d));
    return d;
}

/* Short decimals, integers, halfway digits at places 16 and 17, carries,
 * the fast path's 2^51 bound, powers of two, subnormals and any bits. */
static void double_writer_matches_plain_shortest_search(void)
{
    static const double edges[] = {
        0.0, -0.0, 1.0, 0.1, 0.5, 1e15, 1e16, 1e22, 1e23, 1e-5, 1e-4,
        2251799813685247.0, 2251799813685248.0, 2251799813685249.0,
        225179981368524.75, 9007199254740991.0, 9007199254740992.0,
        999999999999999.9, 9.999999999999999e22, 0.30000000000000004,
        123456789012345.6, 1.2345678901234567e-300, 5e-324, 1e-310,
        2.2250738585072014e-308, 2.225073858507201e-308,
        1.7976931348623157e308, 4.35, 0.035, 1.005, 2.675,
    };
    uint64_t seed = 11;
    unsigned bad = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(edges); i++) {
        check_double_text(edges[i], &bad);
        check_double_text(-edges[i], &bad);
        check_double_text(step_double(edges[i], true), &bad);
        check_double_text(step_double(edges[i], false), &bad);
    }
    for (int i = 0; i < 60000; i++) {
        uint64_t r = test_rand_next(&seed);
        char buf[64], m[24];
        int ndig;
        double d;

        switch (i % 6) {
        case 0:                 /* any finite bits */
            memcpy(&d, &r, sizeof(d));
            if (!isfinite(d)) {
                continue;
            }
            break;
        case 1:                 /* n / 10^k */
            g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT "e-%d",
                       (guint64)((r >> 20) % 1000000000000000ull /
                                 (r % 7 + 1)),
                       (int)(r % 23));
            d = g_ascii_strtod(buf, NULL);
            break;
        case 2:                 /* integers of every size */
            d = (double)(int64_t)(r >> (r % 64));
            break;
        case 3:                 /* powers of two and neighbours */
            d = step_double(power_of_two((int)(r % 2098) - 1074), r & 64);
            break;
        default:                /* 15-17 digits, often ending 5 or 50 */
            ndig = 15 + (int)(r % 3);
            for (int j = 0; j < ndig; j++) {
                m[j] = (char)('0' + test_rand_next(&seed) % 10);
            }
            m[0] = (char)('1' + r % 9);
            if (r & 8) {
                m[ndig - 1] = '5';
            } else if (r & 16) {
                m[ndig - 2] = '5';
                m[ndig - 1] = '0';
            } else if (r & 32) {
                memset(m + 1, '9', ndig - 1);
            }
            m[ndig] = '\0';
            g_snprintf(buf, sizeof(buf), "%c.%se%d", m[0], m + 1,
                       (int)(r >> 40) % 640 - 320);
            d = g_ascii_strtod(buf, NULL);
            break;
        }
        check_double_text(d, &bad);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void nan_and_infinity_are_written_as_null(void)
{
    g_autoptr(QList) l = qlist_new();

    qlist_append(l, qnum_from_double(NAN));
    qlist_append(l, qnum_from_double(INFINITY));
    qlist_append(l, qnum_from_double(-INFINITY));
    g_autoptr(GString) s = qobject_to_json(QOBJECT(l));
    CU_ASSERT_STRING_EQUAL(s->str, "[null,null,null]");
}

static void compact_output_has_no_whitespace(void)
{
    g_autofree char *out = roundtrip(
        " { \"a\" : [ 1 , 2.5 , { } , [ ] ] , \"b\" : { \"c\" : null } } ",
        NULL);

    CU_ASSERT_STRING_EQUAL(out, "{\"a\":[1,2.5,{},[]],\"b\":{\"c\":null}}");
}

static void errors_table(void)
{
    static const struct {
        const char *json;
        int code;
        const char *msg;
    } cases[] = {
        { "18446744073709551616", QVISIT_ERROR_RANGE,
          "json: integer 18446744073709551616 out of range at byte 0" },
        { "-9223372036854775809", QVISIT_ERROR_RANGE,
          "json: integer -9223372036854775809 out of range at byte 0" },
        { "1e400", QVISIT_ERROR_RANGE,
          "json: number 1e400 out of range at byte 0" },
        { "-1e400", QVISIT_ERROR_RANGE,
          "json: number -1e400 out of range at byte 0" },
        { "[1.8e308]", QVISIT_ERROR_RANGE,
          "json: number 1.8e308 out of range at byte 1" },
        { "{\"a\":1,\"a\":1}", QVISIT_ERROR_PARSE,
          "json: duplicate key \"a\" at byte 7" },
        { "{\"x\":{\"caf\xc3\xa9\":1,\"caf\xc3\xa9\":2}}", QVISIT_ERROR_PARSE,
          "json: duplicate key \"caf\xc3\xa9\" at byte 16" },
        { "{\"t\\tb\":1,\"t\\tb\":1}", QVISIT_ERROR_PARSE,
          "json: duplicate key \"t\\x09b\" at byte 10" },
        { "", QVISIT_ERROR_PARSE, "json: empty input at byte 0" },
        { "   ", QVISIT_ERROR_PARSE, "json: empty input at byte 3" },
        { "nul", QVISIT_ERROR_PARSE, "json: invalid literal 'nul' at byte 0" },
        { "[1]]", QVISIT_ERROR_PARSE, "json: trailing characters at byte 3" },
        { "NaN", QVISIT_ERROR_PARSE, "json: invalid literal 'NaN' at byte 0" },
        { "[", QVISIT_ERROR_PARSE, "json: unexpected end of input at byte 1" },
        { "{", QVISIT_ERROR_PARSE, "json: unexpected end of input at byte 1" },
        { "{\"a\"", QVISIT_ERROR_PARSE,
          "json: unexpected end of input at byte 4" },
        { "\"\\", QVISIT_ERROR_PARSE, "json: unterminated string at byte 0" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        QObject *obj = qobject_from_json(cases[i].json, &err);

        CU_ASSERT_PTR_NULL(obj);
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
    }
}

static void nul_byte_inside_length_is_parse_error(void)
{
    GError *err = NULL;
    QObject *obj = qobject_from_json_full("[1,\0]", 5, NULL, &err);

    CU_ASSERT_PTR_NULL(obj);
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "json: unexpected byte 0x00 at byte 3");
    obj = qobject_from_json_full("\"a\0\"", 4, NULL, &err);
    CU_ASSERT_PTR_NULL(obj);
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "json: control character 0x00 in string at byte 2");
}

/*
 * An empty GByteArray has data NULL: (NULL, 0) is empty input with the
 * usual error, not a failed precondition that sets none (qvisit diff of
 * an empty file dereferenced the missing error).
 */
static void null_text_of_length_0_is_empty_input(void)
{
    GError *err = NULL;
    g_autoptr(GByteArray) empty = g_byte_array_new();

    CU_ASSERT_PTR_NULL(empty->data);
    CU_ASSERT_PTR_NULL(qobject_from_json_full((const char *)empty->data,
                                              empty->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE, "json: empty input at byte 0");
    CU_ASSERT_PTR_NULL(json_input_visitor_new(NULL, 0, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE, "json: empty input at byte 0");
    CU_ASSERT_PTR_NULL(json_input_visitor_new_full(NULL, 0, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE, "json: empty input at byte 0");
}

static void length_argument_bounds_the_text(void)
{
    GError *err = NULL;
    g_autoptr(QObject) obj = qobject_from_json_full("[12]garbage", 4, NULL,
                                                    &err);

    ASSERT_NO_ERROR(err);
    g_autoptr(GString) s = qobject_to_json(obj);
    CU_ASSERT_STRING_EQUAL(s->str, "[12]");
    /* A number cut by the length ends there. */
    g_autoptr(QObject) n = qobject_from_json_full("123", 2, NULL, &err);
    ASSERT_NO_ERROR(err);
    g_autoptr(GString) ns = qobject_to_json(n);
    CU_ASSERT_STRING_EQUAL(ns->str, "12");
}

static char *nested(const char *open, size_t depth, const char *inner,
                    const char *close)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < depth; i++) {
        g_string_append(s, open);
    }
    g_string_append(s, inner);
    for (size_t i = 0; i < depth; i++) {
        g_string_append(s, close);
    }
    return g_string_free(s, FALSE);
}

static void depth_1000_ok_and_1001_is_limit(void)
{
    g_autofree char *ok_arr = nested("[", 1000, "1", "]");
    g_autofree char *bad_arr = nested("[", 1001, "1", "]");
    g_autofree char *ok_obj = nested("{\"a\":", 1000, "1", "}");
    g_autofree char *bad_obj = nested("{\"a\":", 1001, "1", "}");
    GError *err = NULL;
    QObject *obj;

    obj = qobject_from_json(ok_arr, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL(obj);
    g_autoptr(GString) out = qobject_to_json(obj);
    CU_ASSERT_STRING_EQUAL(out->str, ok_arr);
    qobject_unref(obj);

    obj = qobject_from_json(ok_obj, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL(obj);
    qobject_unref(obj);

    CU_ASSERT_PTR_NULL(qobject_from_json(bad_arr, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: nesting deeper than 1000 at byte 1000");
    CU_ASSERT_PTR_NULL(qobject_from_json(bad_obj, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: nesting deeper than 1000 at byte 5000");
}

static void deep_nesting_200000_is_limit_not_crash(void)
{
    g_autofree char *open = nested("[", 200000, "", "");
    g_autofree char *full = nested("[", 200000, "", "]");
    GError *err = NULL;

    CU_ASSERT_PTR_NULL(qobject_from_json(open, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: nesting deeper than 1000 at byte 1000");
    CU_ASSERT_PTR_NULL(qobject_from_json(full, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: nesting deeper than 1000 at byte 1000");
}

static void depth_limit_is_settable_and_clamped(void)
{
    QVisitLimits lim;
    g_autofree char *d3 = nested("[", 3, "", "]");
    g_autofree char *d4 = nested("[", 4, "", "]");
    g_autofree char *d10000 = nested("[", 10000, "", "]");
    g_autofree char *d10001 = nested("[", 10001, "", "]");
    GError *err = NULL;
    QObject *obj;

    qvisit_limits_init(&lim);
    lim.max_depth = 3;
    obj = qobject_from_json_full(d3, -1, &lim, &err);
    ASSERT_NO_ERROR(err);
    qobject_unref(obj);
    CU_ASSERT_PTR_NULL(qobject_from_json_full(d4, -1, &lim, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: nesting deeper than 3 at byte 3");

    lim.max_depth = 0;
    CU_ASSERT_PTR_NULL(qobject_from_json_full("[]", -1, &lim, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: nesting deeper than 0 at byte 0");
    obj = qobject_from_json_full("7", -1, &lim, &err);
    ASSERT_NO_ERROR(err);
    qobject_unref(obj);

    lim.max_depth = 1000000;
    obj = qobject_from_json_full(d10000, -1, &lim, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL(obj);
    qobject_unref(obj);
    CU_ASSERT_PTR_NULL(qobject_from_json_full(d10001, -1, &lim, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: nesting deeper than 10000 at byte 10000");
}

static void string_and_array_length_limits(void)
{
    QVisitLimits lim;
    GError *err = NULL;
    QObject *obj;

    qvisit_limits_init(&lim);
    lim.max_string_len = 3;
    lim.max_array_len = 2;
    obj = qobject_from_json_full("[\"abc\",\"\\u00e9x\"]", -1, &lim, &err);
    ASSERT_NO_ERROR(err);
    qobject_unref(obj);
    CU_ASSERT_PTR_NULL(qobject_from_json_full("[\"abcd\"]", -1, &lim, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: string longer than 3 bytes at byte 1");
    /* The limit is on decoded bytes: \u00e9 is 2 bytes of UTF-8. */
    CU_ASSERT_PTR_NULL(qobject_from_json_full("{\"k\":\"\\u00e9\\u00e9\"}",
                                              -1, &lim, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: string longer than 3 bytes at byte 5");
    CU_ASSERT_PTR_NULL(qobject_from_json_full("{\"long\":1}", -1, &lim,
                                              &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: string longer than 3 bytes at byte 1");
    CU_ASSERT_PTR_NULL(qobject_from_json_full("[[1,2],[1,2,3]]", -1, &lim,
                                              &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: array longer than 2 elements at byte 12");
}

static void string_escapes_decode(void)
{
    static const struct {
        const char *json;
        const char *want;
    } cases[] = {
        { "\"\"", "" },
        { "\"plain\"", "plain" },
        { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
        { "\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac" },
        { "\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80" },
        { "\"\\ud83d\\ude00x\"", "\xf0\x9f\x98\x80x" },
        { "\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf" },
        { "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xf0\x9f\x98\x80" },
        { "\"a\\u0001b\"", "a\x01" "b" },
        /* Strings are scanned 8 bytes at a time: an escape or UTF-8 byte
         * in the second word, and a word that is all plain bytes. */
        { "\"01234567\\n89abcdef\"", "01234567\n89abcdef" },
        { "\"0123456789ab\\\"cdef\"", "0123456789ab\"cdef" },
        { "\"01234567caf\xc3\xa9\"", "01234567caf\xc3\xa9" },
        { "\"0123456789abcdef\"", "0123456789abcdef" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        g_autoptr(QObject) obj = qobject_from_json(cases[i].json, &err);
        QString *s = qobject_to(QString, obj);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_STRING_EQUAL(qstring_get_str(s), cases[i].want);
    }
}

static void string_writer_escapes_and_replaces_invalid_utf8(void)
{
    static const struct {
        const char *str;
        const char *want;
    } cases[] = {
        { "", "\"\"" },
        { "\"\\/", "\"\\\"\\\\/\"" },
        { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
        { "\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"" },
        { "caf\xc3\xa9 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"" },
        /* Each invalid byte becomes one U+FFFD. */
        { "a\xff" "b", "\"a\xef\xbf\xbd" "b\"" },
        { "\xc3(", "\"\xef\xbf\xbd(\"" },
        { "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
        { "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
        { "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
        /* Past the first 8-byte word, in each byte lane of a word. */
        { "01234567\n", "\"01234567\\n\"" },
        { "0123456789abcde\"", "\"0123456789abcde\\\"\"" },
        { "0123456789\\bcdef0", "\"0123456789\\\\bcdef0\"" },
        { "01234567\x1f" "9abcdef", "\"01234567\\u001f9abcdef\"" },
        { "01234567\xff", "\"01234567\xef\xbf\xbd\"" },
        { "0123456789abcdef ~", "\"0123456789abcdef ~\"" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(QString) s = qstring_from_str(cases[i].str);
        g_autoptr(GString) out = qobject_to_json(QOBJECT(s));

        ASSERT_BYTES_EQUAL(out->str, out->len, cases[i].want,
                           strlen(cases[i].want));
        /* Whatever the input bytes, the output parses back. */
        GError *err = NULL;
        g_autoptr(QObject) back = qobject_from_json(out->str, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL(back);
    }
}

/* QEMU's vmdesc: one line, ", " and ": " (Python's json.dumps()
 * separators without indent), escapes as in compact output. */
static void spaced_layout_is_qemus_vmdesc(void)
{
    g_autoptr(QDict) d = qdict_new();
    g_autoptr(QList) l = qlist_new();
    g_autoptr(QDict) inner = qdict_new();
    g_autoptr(GString) s = NULL;
    static const char want[] =
        "{\"page_size\": 4096, \"devices\": [{\"name\": \"a\\n\\\"b\", "
        "\"size\": -1, \"f\": []}, {}, 0.5, true, null]}";

    qdict_put_str(inner, "name", "a\n\"b");
    qdict_put_int(inner, "size", -1);
    qdict_put(inner, "f", qlist_new());
    qlist_append(l, qobject_ref(inner));
    qlist_append(l, qdict_new());
    qlist_append(l, qnum_from_double(0.5));
    qlist_append(l, qbool_from_bool(true));
    qlist_append(l, qnull());
    qdict_put_int(d, "page_size", 4096);
    qdict_put(d, "devices", qobject_ref(l));
    s = qobject__to_json_spaced(QOBJECT(d));
    ASSERT_BYTES_EQUAL(s->str, s->len, want, strlen(want));
}

static void pretty_layout_is_pythons_indent_4(void)
{
    g_autoptr(QDict) d = qdict_new();
    g_autoptr(QList) l = qlist_new();
    g_autoptr(QDict) inner = qdict_new();
    static const char want[] =
        "{\n"
        "    \"a\": 1,\n"
        "    \"list\": [\n"
        "        1,\n"
        "        \"two\",\n"
        "        [],\n"
        "        {\n"
        "            \"x\": null\n"
        "        }\n"
        "    ],\n"
        "    \"empty\": {},\n"
        "    \"f\": 0.5\n"
        "}";

    qdict_put_null(inner, "x");
    qlist_append_int(l, 1);
    qlist_append_str(l, "two");
    qlist_append(l, qlist_new());
    qlist_append(l, qobject_ref(inner));
    qdict_put_int(d, "a", 1);
    qdict_put(d, "list", qobject_ref(l));
    qdict_put(d, "empty", qdict_new());
    qdict_put(d, "f", qnum_from_double(0.5));

    g_autoptr(GString) s = qobject_to_json_pretty(QOBJECT(d), true);
    ASSERT_BYTES_EQUAL(s->str, s->len, want, strlen(want));
    g_autoptr(GString) c = qobject_to_json_pretty(QOBJECT(d), false);
    g_autoptr(GString) c2 = qobject_to_json(QOBJECT(d));
    CU_ASSERT_STRING_EQUAL(c->str, c2->str);
    CU_ASSERT_STRING_EQUAL(c->str, "{\"a\":1,\"list\":[1,\"two\",[],"
                           "{\"x\":null}],\"empty\":{},\"f\":0.5}");
    g_autoptr(GString) e = qobject_to_json_pretty(QOBJECT(inner), true);
    CU_ASSERT_STRING_EQUAL(e->str, "{\n    \"x\": null\n}");
    g_autoptr(QList) empty = qlist_new();
    g_autoptr(GString) es = qobject_to_json_pretty(QOBJECT(empty), true);
    CU_ASSERT_STRING_EQUAL(es->str, "[]");
}

static void writer_handles_deep_trees(void)
{
    /* Deeper than the parser allows: the writer has no depth limit. */
    QList *root = qlist_new();
    QList *cur = root;

    for (int i = 0; i < 100000; i++) {
        QList *next = qlist_new();

        qlist_append(cur, next);
        cur = next;
    }
    g_autoptr(GString) s = qobject_to_json(QOBJECT(root));
    CU_ASSERT_EQUAL(s->len, 200002);
    CU_ASSERT_EQUAL(s->str[100000], '[');
    CU_ASSERT_EQUAL(s->str[100001], ']');
    qobject_unref(root);
}

/* Reads a data file; drops one final newline when @chomp. */
static char *read_case_file(const char *dir, const char *name, bool chomp,
                            size_t *len)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GBytes) b = test_read_file(path);
    gsize n;
    const char *data = g_bytes_get_data(b, &n);

    if (chomp && n > 0 && data[n - 1] == '\n') {
        n--;
    }
    *len = n;
    return g_strndup(data, n);
}

/*
 * The parser shares equal short strings and equal integers through a small
 * cache; with thousands of distinct values (every slot replaced many
 * times) and repeats, each value must still come back exactly, and keys
 * spelt with escapes must still be found.
 */
/* The integer value of @obj, which must be a QNum holding one. */
static int64_t int_of(QObject *obj)
{
    int64_t v = INT64_MIN;

    CU_ASSERT_TRUE(qnum_get_try_int(qobject_to(QNum, obj), &v));
    return v;
}

static void repeated_and_distinct_scalars_parse_exactly(void)
{
    g_autoptr(GString) doc = g_string_new("[");
    g_autoptr(QObject) obj = NULL;
    g_autoptr(GError) err = NULL;
    QList *list;
    QDict *d;

    for (int i = 0; i < 3000; i++) {
        g_string_append_printf(doc, "%s\"s%d\", %d, \"same\", 4, %d",
                               i ? ", " : "", i, i * 7919 - 5000000, -i);
    }
    g_string_append(doc, ", {\"k\\u0065y\": 1, \"key2\": \"k\\u0065y\"}]");
    obj = qobject_from_json(doc->str, &err);
    ASSERT_NO_ERROR(err);
    list = qobject_to(QList, obj);
    CU_ASSERT_FATAL(list != NULL && qlist_size(list) == 3000 * 5 + 1);
    for (int i = 0; i < 3000; i++) {
        g_autofree char *want = g_strdup_printf("s%d", i);

        CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                                   qlist_get(list, i * 5))), want);
        CU_ASSERT_EQUAL(int_of(qlist_get(list, i * 5 + 1)),
                        i * 7919 - 5000000);
        CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                                   qlist_get(list, i * 5 + 2))), "same");
        CU_ASSERT_EQUAL(int_of(qlist_get(list, i * 5 + 3)), 4);
        CU_ASSERT_EQUAL(int_of(qlist_get(list, i * 5 + 4)), -i);
    }
    d = qobject_to(QDict, qlist_get(list, 3000 * 5));
    CU_ASSERT_FATAL(d != NULL);
    CU_ASSERT_EQUAL(int_of(qdict_get(d, "key")), 1);
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString, qdict_get(d, "key2"))), "key");
    /* A duplicate spelt differently is still a duplicate. */
    qobject_unref(obj);
    obj = NULL;
    obj = qobject_from_json("{\"key\": 1, \"k\\u0065y\": 2}", &err);
    CU_ASSERT_PTR_NULL(obj);
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "json: duplicate key \"key\" at byte 11");
}

static void data_cases(void)
{
    g_autoptr(GError) derr = NULL;
    g_autoptr(GDir) dir = g_dir_open(DATA_DIR, 0, &derr);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    while ((name = g_dir_read_name(dir))) {
        g_ptr_array_add(names, g_strdup(name));
    }
    CU_ASSERT_TRUE(names->len >= 50);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *cdir = g_build_filename(DATA_DIR,
                                                 names->pdata[i], NULL);
        g_autofree char *epath = g_build_filename(cdir, "error", NULL);
        size_t in_len, len;
        g_autofree char *input = read_case_file(cdir, "input", false,
                                                &in_len);
        GError *err = NULL;
        g_autoptr(QObject) obj = qobject_from_json_full(input, in_len, NULL,
                                                        &err);

        if (g_file_test(epath, G_FILE_TEST_EXISTS)) {
            g_autofree char *text = read_case_file(cdir, "error", true,
                                                   &len);
            g_auto(GStrv) lines = g_strsplit(text, "\n", 2);
            int code = -1;

            for (int c = 0; c <= QVISIT_ERROR_INVALID; c++) {
                if (strcmp(qvisit_error_code_name(c), lines[0]) == 0) {
                    code = c;
                }
            }
            CU_ASSERT_PTR_NULL(obj);
            if (!test_error_is(&err, code, lines[1], cdir, 0)) {
                CU_FAIL("data case error differs");
            }
        } else {
            g_autofree char *want = read_case_file(cdir, "expected", true,
                                                   &len);

            if (!test_no_error(&err, cdir, 0)) {
                CU_FAIL("data case failed to parse");
                continue;
            }
            g_autoptr(GString) out = qobject_to_json_pretty(obj, true);
            if (!test_bytes_equal(out->str, out->len, want, len, cdir, 0)) {
                CU_FAIL("data case output differs");
            }
            /* The pretty output parses back to an equal tree. */
            g_autoptr(QObject) back = qobject_from_json(out->str, &err);
            ASSERT_NO_ERROR(err);
            ASSERT_QOBJECT_EQUAL(back, obj);
        }
    }
}

int main(void)
{
    static const TestCase tests[] = {
        { "int_edges_roundtrip_exactly", int_edges_roundtrip_exactly },
        { "int_writer_handles_every_edge", int_writer_handles_every_edge },
        { "double_edges_parse_and_print_like_python",
          double_edges_parse_and_print_like_python },
        { "random_doubles_roundtrip_bit_exact",
          random_doubles_roundtrip_bit_exact },
        { "double_writer_matches_plain_shortest_search",
          double_writer_matches_plain_shortest_search },
        { "nan_and_infinity_are_written_as_null",
          nan_and_infinity_are_written_as_null },
        { "compact_output_has_no_whitespace",
          compact_output_has_no_whitespace },
        { "errors_table", errors_table },
        { "nul_byte_inside_length_is_parse_error",
          nul_byte_inside_length_is_parse_error },
        { "null_text_of_length_0_is_empty_input",
          null_text_of_length_0_is_empty_input },
        { "length_argument_bounds_the_text",
          length_argument_bounds_the_text },
        { "depth_1000_ok_and_1001_is_limit", depth_1000_ok_and_1001_is_limit },
        { "deep_nesting_200000_is_limit_not_crash",
          deep_nesting_200000_is_limit_not_crash },
        { "depth_limit_is_settable_and_clamped",
          depth_limit_is_settable_and_clamped },
        { "string_and_array_length_limits", string_and_array_length_limits },
        { "string_escapes_decode", string_escapes_decode },
        { "string_writer_escapes_and_replaces_invalid_utf8",
          string_writer_escapes_and_replaces_invalid_utf8 },
        { "pretty_layout_is_pythons_indent_4",
          pretty_layout_is_pythons_indent_4 },
        { "spaced_layout_is_qemus_vmdesc", spaced_layout_is_qemus_vmdesc },
        { "writer_handles_deep_trees", writer_handles_deep_trees },
        { "repeated_and_distinct_scalars_parse_exactly",
          repeated_and_distinct_scalars_parse_exactly },
        { "data_cases", data_cases },
        { NULL, NULL },
    };

    return test_run_suite("qjson", tests);
}
