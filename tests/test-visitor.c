/*
 * The visitor core and the QObject/JSON visitors: one walk, every visitor,
 * every primitive at its edges, and every error code with its exact path.
 */
#include "tests/test-util.h"

#include <math.h>
#include <string.h>

#include "tests/test-device.h"

/* The test device (tests/test-device.h) at the edges of every type. */
static TDev sample_state(void)
{
    TDev s = {
        .u8 = 255, .u16 = 65535, .u32 = 4294967295u,
        .u64 = UINT64_MAX, .i8 = -128, .i16 = -32768,
        .i32 = INT32_MIN, .i64 = INT64_MIN, .flag = true, .ratio = 0.5,
        .label = (char *)"uart", .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0xab },
        .regs = { 0, 1, 0x80000000u, 0xffffffffu },
        .cmos = { 0, 1, 0x7f, 0x80, 0xff },
        .ch = { { 1, -1 }, { 2, 0 }, { 65535, 127 } },
        .has_extra = true, .extra = 7,
    };
    return s;
}

static const char sample_json[] =
    "{\"u8\":255,\"u16\":65535,\"u32\":4294967295,"
    "\"u64\":18446744073709551615,\"i8\":-128,\"i16\":-32768,"
    "\"i32\":-2147483648,\"i64\":-9223372036854775808,\"flag\":true,"
    "\"ratio\":0.5,\"label\":\"uart\",\"mac\":\"5254001234ab\","
    "\"regs\":[0,1,2147483648,4294967295],"
    "\"cmos\":[0,1,127,128,255,0,0,0,0,0,0,0,0,0,0,0],"
    "\"ch\":[{\"count\":1,\"mode\":-1},{\"count\":2,\"mode\":0},"
    "{\"count\":65535,\"mode\":127}],\"extra\":7}";

static QObject *to_qobject(TDev *s)
{
    g_autoptr(GError) err = NULL;
    QObject *out = NULL;
    g_autoptr(Visitor) v = qobject_output_visitor_new(&out);

    CU_ASSERT_TRUE(tdev_visit(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    return out;
}

static void qobject_output_builds_exact_tree(void)
{
    TDev s = sample_state();
    g_autoptr(QObject) got = to_qobject(&s);
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) want = qobject_from_json(sample_json, &err);

    ASSERT_NO_ERROR(err);
    ASSERT_QOBJECT_EQUAL(got, want);
    g_autoptr(GString) json = qobject_to_json(got);
    CU_ASSERT_STRING_EQUAL(json->str, sample_json);
}

static void json_output_equals_qobject_to_json(void)
{
    TDev s = sample_state();
    g_autoptr(QObject) tree = to_qobject(&s);
    g_autoptr(GError) err = NULL;

    for (int pretty = 0; pretty <= 1; pretty++) {
        g_autoptr(GString) out = g_string_new("prefix");
        g_autoptr(Visitor) v = json_output_visitor_new(out, pretty);
        g_autoptr(GString) want = qobject_to_json_pretty(tree, pretty);

        CU_ASSERT_TRUE(tdev_visit(v, &s, &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(g_str_has_prefix(out->str, "prefix"));
        CU_ASSERT_STRING_EQUAL(out->str + 6, want->str);
    }
}

static void qobject_round_trip_restores_state(void)
{
    TDev s = sample_state();
    g_autoptr(QObject) tree = to_qobject(&s);
    g_autoptr(Visitor) v = qobject_input_visitor_new(tree);
    g_autoptr(GError) err = NULL;
    TDev back = { 0 };

    CU_ASSERT_TRUE(tdev_visit(v, &back, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&s, &back));
    g_free(back.label);
}

static void json_round_trip_restores_state(void)
{
    TDev s = sample_state();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    TDev back = { 0 };

    s.has_extra = false;
    {
        g_autoptr(Visitor) v = json_output_visitor_new(out, true);
        CU_ASSERT_TRUE(tdev_visit(v, &s, &err) && visit_complete(v, &err));
    }
    CU_ASSERT_PTR_NULL(strstr(out->str, "extra"));
    g_autoptr(Visitor) in = json_input_visitor_new(out->str, -1, &err);
    ASSERT_NO_ERROR(err);
    back.has_extra = true;
    CU_ASSERT_TRUE(tdev_visit(in, &back, &err) && visit_complete(in, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(back.has_extra);
    CU_ASSERT_TRUE(tdev_equal(&s, &back));
    g_free(back.label);
}

/* --- one scalar member through output and input ---------------------- */

typedef enum { T_U8, T_U16, T_U32, T_U64, T_I8, T_I16, T_I32, T_I64 } IntType;

static bool visit_one(Visitor *v, IntType t, void *p, GError **errp)
{
    bool ok = visit_start_struct(v, "dev", errp);

    switch (t) {
    case T_U8: ok = ok && visit_type_u8(v, "x", p, errp); break;
    case T_U16: ok = ok && visit_type_u16(v, "x", p, errp); break;
    case T_U32: ok = ok && visit_type_u32(v, "x", p, errp); break;
    case T_U64: ok = ok && visit_type_u64(v, "x", p, errp); break;
    case T_I8: ok = ok && visit_type_i8(v, "x", p, errp); break;
    case T_I16: ok = ok && visit_type_i16(v, "x", p, errp); break;
    case T_I32: ok = ok && visit_type_i32(v, "x", p, errp); break;
    case T_I64: ok = ok && visit_type_i64(v, "x", p, errp); break;
    }
    return ok && visit_end_struct(v, errp);
}

static const struct {
    const char *json;
    IntType type;
    int code;                   /* -1: success */
    const char *msg;
    uint64_t want;              /* bit pattern of the expected value */
} int_cases[] = {
    { "{\"x\": 0}", T_U8, -1, NULL, 0 },
    { "{\"x\": 1}", T_U8, -1, NULL, 1 },
    { "{\"x\": 255}", T_U8, -1, NULL, 255 },
    { "{\"x\": 256}", T_U8, QVISIT_ERROR_RANGE, "dev.x: 256 does not fit u8", 0 },
    { "{\"x\": -1}", T_U8, QVISIT_ERROR_RANGE, "dev.x: -1 does not fit u8", 0 },
    { "{\"x\": 2.5}", T_U8, QVISIT_ERROR_TYPE, "dev.x: expected u8, got number", 0 },
    { "{\"x\": 1.0}", T_U8, QVISIT_ERROR_TYPE, "dev.x: expected u8, got number", 0 },
    { "{\"x\": \"1\"}", T_U8, QVISIT_ERROR_TYPE, "dev.x: expected u8, got string", 0 },
    { "{\"x\": true}", T_U8, QVISIT_ERROR_TYPE, "dev.x: expected u8, got boolean", 0 },
    { "{\"x\": null}", T_U8, QVISIT_ERROR_TYPE, "dev.x: expected u8, got null", 0 },
    { "{\"x\": 65535}", T_U16, -1, NULL, 65535 },
    { "{\"x\": 65536}", T_U16, QVISIT_ERROR_RANGE, "dev.x: 65536 does not fit u16", 0 },
    { "{\"x\": -1}", T_U16, QVISIT_ERROR_RANGE, "dev.x: -1 does not fit u16", 0 },
    { "{\"x\": 4294967295}", T_U32, -1, NULL, 4294967295u },
    { "{\"x\": 4294967296}", T_U32, QVISIT_ERROR_RANGE, "dev.x: 4294967296 does not fit u32", 0 },
    { "{\"x\": -1}", T_U32, QVISIT_ERROR_RANGE, "dev.x: -1 does not fit u32", 0 },
    { "{\"x\": 18446744073709551615}", T_U64, -1, NULL, UINT64_MAX },
    { "{\"x\": -1}", T_U64, QVISIT_ERROR_RANGE, "dev.x: -1 does not fit u64", 0 },
    { "{\"x\": -9223372036854775808}", T_U64, QVISIT_ERROR_RANGE, "dev.x: -9223372036854775808 does not fit u64", 0 },
    { "{\"x\": 127}", T_I8, -1, NULL, 127 },
    { "{\"x\": -128}", T_I8, -1, NULL, (uint64_t)-128 },
    { "{\"x\": -1}", T_I8, -1, NULL, (uint64_t)-1 },
    { "{\"x\": 128}", T_I8, QVISIT_ERROR_RANGE, "dev.x: 128 does not fit i8", 0 },
    { "{\"x\": -129}", T_I8, QVISIT_ERROR_RANGE, "dev.x: -129 does not fit i8", 0 },
    { "{\"x\": 32767}", T_I16, -1, NULL, 32767 },
    { "{\"x\": -32768}", T_I16, -1, NULL, (uint64_t)-32768 },
    { "{\"x\": 32768}", T_I16, QVISIT_ERROR_RANGE, "dev.x: 32768 does not fit i16", 0 },
    { "{\"x\": -32769}", T_I16, QVISIT_ERROR_RANGE, "dev.x: -32769 does not fit i16", 0 },
    { "{\"x\": 2147483647}", T_I32, -1, NULL, 2147483647 },
    { "{\"x\": -2147483648}", T_I32, -1, NULL, (uint64_t)INT32_MIN },
    { "{\"x\": 2147483648}", T_I32, QVISIT_ERROR_RANGE, "dev.x: 2147483648 does not fit i32", 0 },
    { "{\"x\": -2147483649}", T_I32, QVISIT_ERROR_RANGE, "dev.x: -2147483649 does not fit i32", 0 },
    { "{\"x\": 9223372036854775807}", T_I64, -1, NULL, INT64_MAX },
    { "{\"x\": -9223372036854775808}", T_I64, -1, NULL, (uint64_t)INT64_MIN },
    { "{\"x\": 9223372036854775808}", T_I64, QVISIT_ERROR_RANGE, "dev.x: 9223372036854775808 does not fit i64", 0 },
    { "{\"x\": 18446744073709551615}", T_I64, QVISIT_ERROR_RANGE, "dev.x: 18446744073709551615 does not fit i64", 0 },
    { "{}", T_U32, QVISIT_ERROR_MISSING, "dev.x: missing", 0 },
    { "{\"x\": 1, \"y\": 2}", T_U32, QVISIT_ERROR_UNEXPECTED, "dev.y: unexpected member", 0 },
    { "[1]", T_U32, QVISIT_ERROR_TYPE, "dev: expected object, got array", 0 },
};

static uint64_t read_as_u64(IntType t, const void *p)
{
    switch (t) {
    case T_U8: return *(const uint8_t *)p;
    case T_U16: return *(const uint16_t *)p;
    case T_U32: return *(const uint32_t *)p;
    case T_U64: return *(const uint64_t *)p;
    case T_I8: return (uint64_t)(int64_t)*(const int8_t *)p;
    case T_I16: return (uint64_t)(int64_t)*(const int16_t *)p;
    case T_I32: return (uint64_t)(int64_t)*(const int32_t *)p;
    default: return *(const uint64_t *)p;
    }
}

static void integer_input_checks_type_and_range(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(int_cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(Visitor) v = json_input_visitor_new(int_cases[i].json, -1,
                                                      &err);
        /* A sentinel shows that a failed visit leaves *obj unchanged. */
        uint64_t value = 0x5a5a5a5a5a5a5a5aull;
        uint64_t before = value;
        bool ok;

        ASSERT_NO_ERROR(err);
        ok = visit_one(v, int_cases[i].type, &value, &err);
        if (int_cases[i].code < 0) {
            if (!ok || read_as_u64(int_cases[i].type, &value) !=
                           int_cases[i].want) {
                fprintf(stderr, "\ncase %zu (%s) failed\n", i,
                        int_cases[i].json);
            }
            CU_ASSERT_TRUE(ok);
            ASSERT_NO_ERROR(err);
            CU_ASSERT_EQUAL(read_as_u64(int_cases[i].type, &value),
                            int_cases[i].want);
        } else {
            CU_ASSERT_FALSE(ok);
            ASSERT_ERROR(err, int_cases[i].code, int_cases[i].msg);
            if (int_cases[i].code != QVISIT_ERROR_UNEXPECTED) {
                CU_ASSERT_EQUAL(value, before);
            }
        }
    }
}

/* Every primitive at 0, 1, min, max and -1 survives output then input. */
static void integer_edges_round_trip(void)
{
    static const int64_t signed_edges[][5] = {
        { 0, 1, INT8_MIN, INT8_MAX, -1 },
        { 0, 1, INT16_MIN, INT16_MAX, -1 },
        { 0, 1, INT32_MIN, INT32_MAX, -1 },
        { 0, 1, INT64_MIN, INT64_MAX, -1 },
    };
    static const uint64_t unsigned_edges[][4] = {
        { 0, 1, UINT8_MAX, UINT8_MAX - 1 },
        { 0, 1, UINT16_MAX, UINT16_MAX - 1 },
        { 0, 1, UINT32_MAX, UINT32_MAX - 1 },
        { 0, 1, UINT64_MAX, UINT64_MAX - 1 },
    };

    for (int w = 0; w < 4; w++) {
        for (int j = 0; j < 5; j++) {
            for (int sgn = 0; sgn <= 1; sgn++) {
                IntType t = (IntType)(sgn ? T_I8 + w : T_U8 + w);
                uint64_t in = 0, back = 0;
                QObject *tree = NULL;
                g_autoptr(GError) err = NULL;

                if (!sgn && j == 4) {
                    continue;
                }
                switch (t) {
                case T_I8: { int8_t x = (int8_t)signed_edges[0][j]; memcpy(&in, &x, 1); break; }
                case T_I16: { int16_t x = (int16_t)signed_edges[1][j]; memcpy(&in, &x, 2); break; }
                case T_I32: { int32_t x = (int32_t)signed_edges[2][j]; memcpy(&in, &x, 4); break; }
                case T_I64: { int64_t x = signed_edges[3][j]; memcpy(&in, &x, 8); break; }
                default: in = unsigned_edges[w][j]; break;
                }
                {
                    g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
                    CU_ASSERT_TRUE(visit_one(v, t, &in, &err) &&
                                   visit_complete(v, &err));
                }
                ASSERT_NO_ERROR(err);
                {
                    g_autoptr(GString) json = qobject_to_json(tree);
                    g_autoptr(Visitor) v = json_input_visitor_new(json->str,
                                                                  -1, &err);
                    ASSERT_NO_ERROR(err);
                    CU_ASSERT_TRUE(visit_one(v, t, &back, &err));
                    ASSERT_NO_ERROR(err);
                }
                CU_ASSERT_EQUAL(read_as_u64(t, &back), read_as_u64(t, &in));
                qobject_unref(tree);
            }
        }
    }
}

static void nested_errors_name_the_full_path(void)
{
    static const struct {
        const char *json;
        int code;
        const char *msg;
    } cases[] = {
        { "{\"regs\": [0, 1, 2, \"x\"]}", QVISIT_ERROR_TYPE,
          "serial0.regs[3]: expected u32, got string" },
        { "{\"regs\": [0, 1, 2]}", QVISIT_ERROR_LENGTH,
          "serial0.regs: expected 4 elements, got 3" },
        { "{\"regs\": {}}", QVISIT_ERROR_TYPE,
          "serial0.regs: expected array, got object" },
        { "{\"regs\": [0, 1, 2, 3], \"ch\": [{\"count\": 1}]}",
          QVISIT_ERROR_MISSING, "serial0.ch[0].mode: missing" },
        { "{\"regs\": [0, 1, 2, 3], \"ch\": [{\"count\": 1, \"mode\": 300}]}",
          QVISIT_ERROR_RANGE, "serial0.ch[0].mode: 300 does not fit i8" },
        { "{\"regs\": [0, 1, 2, 3], \"ch\": [{\"count\": 1, \"mode\": 3, "
          "\"z\": 0}]}", QVISIT_ERROR_UNEXPECTED,
          "serial0.ch[0].z: unexpected member" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(Visitor) v = json_input_visitor_new(cases[i].json, -1,
                                                      &err);
        uint32_t regs[4];
        TDevChannel ch = { 0 };

        ASSERT_NO_ERROR(err);
        bool ok = visit_start_struct(v, "serial0", &err) &&
                  visit_type_u32_array(v, "regs", regs, 4, &err) &&
                  visit_start_array(v, "ch", 1, &err) &&
                  tdev_channel_visit(v, NULL, &ch, &err) &&
                  visit_end_array(v, &err) && visit_end_struct(v, &err);
        CU_ASSERT_FALSE(ok);
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
    }
}

static void other_scalars_check_types(void)
{
    static const struct {
        const char *json;
        int kind;               /* 0 bool, 1 number, 2 str, 3 buffer */
        int code;
        const char *msg;
    } cases[] = {
        { "{\"x\": 1}", 0, QVISIT_ERROR_TYPE, "d.x: expected bool, got number" },
        { "{\"x\": \"a\"}", 1, QVISIT_ERROR_TYPE, "d.x: expected number, got string" },
        { "{\"x\": 3}", 2, QVISIT_ERROR_TYPE, "d.x: expected str, got number" },
        { "{\"x\": 3}", 3, QVISIT_ERROR_TYPE, "d.x: expected buffer, got number" },
        { "{\"x\": \"0102\"}", 3, QVISIT_ERROR_LENGTH, "d.x: expected 3 bytes, got 2" },
        { "{\"x\": \"01020\"}", 3, QVISIT_ERROR_PARSE, "d.x: odd number of hex digits (5)" },
        { "{\"x\": \"01zz03\"}", 3, QVISIT_ERROR_PARSE, "d.x: invalid hex digit at position 2" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(Visitor) v = json_input_visitor_new(cases[i].json, -1,
                                                      &err);
        bool b = true;
        double d = 1.5;
        char *s = (char *)"keep";
        uint8_t buf[3] = { 9, 9, 9 };
        bool ok = visit_start_struct(v, "d", &err);

        switch (cases[i].kind) {
        case 0: ok = ok && visit_type_bool(v, "x", &b, &err); break;
        case 1: ok = ok && visit_type_number(v, "x", &d, &err); break;
        case 2: ok = ok && visit_type_str(v, "x", &s, &err); break;
        default: ok = ok && visit_type_buffer(v, "x", buf, 3, &err); break;
        }
        CU_ASSERT_FALSE(ok);
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
        CU_ASSERT_TRUE(b);
        CU_ASSERT_EQUAL(d, 1.5);
        CU_ASSERT_STRING_EQUAL(s, "keep");
        CU_ASSERT_EQUAL(buf[0], 9);
    }
}

static void number_input_accepts_integers(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(Visitor) v = json_input_visitor_new("{\"x\": 3, \"y\": -0.25}",
                                                  -1, &err);
    double x = 0, y = 0;

    CU_ASSERT_TRUE(visit_start_struct(v, NULL, &err) &&
                   visit_type_number(v, "x", &x, &err) &&
                   visit_type_number(v, "y", &y, &err) &&
                   visit_end_struct(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(x, 3.0);
    CU_ASSERT_EQUAL(y, -0.25);
}

static void numbers_round_trip_exactly(void)
{
    static const double values[] = {
        0.0, -0.0, 1.0, -1.0, 0.1, 1e300, 5e-324, 1.7976931348623157e308,
        -2.2250738585072014e-308, 123456789.123456789,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        double in = values[i], back = 42;
        QObject *tree = NULL;
        g_autoptr(GError) err = NULL;
        {
            g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
            CU_ASSERT_TRUE(visit_type_number(v, NULL, &in, &err) &&
                           visit_complete(v, &err));
        }
        g_autoptr(GString) json = qobject_to_json(tree);
        g_autoptr(Visitor) v = json_input_visitor_new(json->str, -1, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(visit_type_number(v, NULL, &back, &err));
        CU_ASSERT_EQUAL(memcmp(&in, &back, sizeof(double)), 0);
        qobject_unref(tree);
    }
}

static void string_input_respects_limit(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(Visitor) v = json_input_visitor_new("{\"s\": \"abcdef\"}", -1,
                                                  &err);
    QVisitLimits limits;
    char *s = NULL;

    qvisit_limits_init(&limits);
    limits.max_string_len = 5;
    visit_set_limits(v, &limits);
    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err));
    CU_ASSERT_FALSE(visit_type_str(v, "s", &s, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "dev.s: string of 6 bytes exceeds the limit of 5");
    CU_ASSERT_PTR_NULL(s);
}

static void json_input_full_applies_limits_to_the_parse(void)
{
    g_autoptr(GError) err = NULL;
    QVisitLimits limits;
    Visitor *v;

    qvisit_limits_init(&limits);
    limits.max_depth = 2;
    v = json_input_visitor_new_full("{\"a\": {\"b\": [1]}}", -1, &limits,
                                    &err);
    CU_ASSERT_PTR_NULL(v);
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "json: nesting deeper than 2 at byte 12");
    limits.max_depth = 3;
    limits.max_string_len = 2;
    v = json_input_visitor_new_full("{\"s\": \"ab\"}", -1, &limits, &err);
    ASSERT_NO_ERROR(err);
    {
        char *str = NULL;

        CU_ASSERT_TRUE(visit_start_struct(v, "d", &err) &&
                       visit_type_str(v, "s", &str, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_STRING_EQUAL(str, "ab");
        g_free(str);
    }
    visit_free(v);
}

static void depth_limit_applies_to_walks(void)
{
    g_autoptr(GError) err = NULL;
    QObject *tree = NULL;
    g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
    QVisitLimits limits;
    unsigned i;

    qvisit_limits_init(&limits);
    limits.max_depth = 3;
    visit_set_limits(v, &limits);
    for (i = 0; i < 3; i++) {
        CU_ASSERT_TRUE(visit_start_struct(v, i ? "s" : "root", &err));
    }
    CU_ASSERT_FALSE(visit_start_struct(v, "deep", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "root.s.s.deep: nesting deeper than 3 levels");
    CU_ASSERT_PTR_NULL(tree);
}

static void array_element_count_is_checked(void)
{
    g_autoptr(GError) err = NULL;
    QObject *tree = NULL;
    uint8_t x = 1;

    {
        g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
        CU_ASSERT_TRUE(visit_start_array(v, "a", 2, &err) &&
                       visit_type_u8(v, NULL, &x, &err));
        CU_ASSERT_FALSE(visit_end_array(v, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_LENGTH, "a: visited 1 of 2 elements");
    }
    {
        g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
        CU_ASSERT_TRUE(visit_start_array(v, "a", 1, &err) &&
                       visit_type_u8(v, NULL, &x, &err));
        CU_ASSERT_FALSE(visit_type_u8(v, NULL, &x, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_LENGTH,
                     "a[1]: more than 1 elements visited");
    }
    CU_ASSERT_PTR_NULL(tree);
}

static void complete_rejects_unbalanced_and_empty_walks(void)
{
    g_autoptr(GError) err = NULL;
    QObject *tree = NULL;

    {
        g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
        CU_ASSERT_TRUE(visit_start_struct(v, "a", &err));
        CU_ASSERT_FALSE(visit_complete(v, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_FAILED,
                     "walk is unbalanced: 1 structs or arrays still open");
    }
    {
        g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
        CU_ASSERT_FALSE(visit_complete(v, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_FAILED, "nothing was visited");
    }
    CU_ASSERT_PTR_NULL(tree);
}

static void failed_walk_hands_over_nothing(void)
{
    QObject *tree = NULL;
    uint8_t x = 1;
    g_autoptr(GError) err = NULL;
    g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);

    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err) &&
                   visit_start_array(v, "a", 1, &err) &&
                   visit_type_u8(v, NULL, &x, &err));
    /* The owner frees the visitor mid-walk: no leak, no output. */
    visit_free(g_steal_pointer(&v));
    CU_ASSERT_PTR_NULL(tree);
}

static void visitor_type_is_reported(void)
{
    QObject *tree = NULL;
    g_autoptr(Visitor) out = qobject_output_visitor_new(&tree);
    g_autoptr(QDict) d = qdict_new();
    g_autoptr(Visitor) in = qobject_input_visitor_new(QOBJECT(d));

    CU_ASSERT_FALSE(visit_is_input(out));
    CU_ASSERT_TRUE(visit_is_input(in));
    CU_ASSERT_EQUAL(visit_get_type(out), VISITOR_OUTPUT);
    CU_ASSERT_EQUAL(visit_get_type(in), VISITOR_INPUT);
}

static void json_input_reports_parse_errors(void)
{
    g_autoptr(GError) err = NULL;
    Visitor *v = json_input_visitor_new("{\"x\": ", -1, &err);

    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_TRUE(err && err->domain == QVISIT_ERROR &&
                   err->code == QVISIT_ERROR_PARSE);
    g_clear_error(&err);
    v = json_input_visitor_new("", -1, &err);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_TRUE(err && err->code == QVISIT_ERROR_PARSE);
}

/*
 * The JSON output visitor refuses what it could not write back exactly
 * (JSON has no NaN or infinities; invalid UTF-8 would become U+FFFD) and
 * appends nothing. A QObject tree holds them as they are.
 */
static void json_output_refuses_what_json_cannot_hold(void)
{
    static const struct {
        double d;
        const char *msg;
    } odd[] = {
        { NAN, "dev.x: nan cannot be written in JSON" },
        { INFINITY, "dev.x: inf cannot be written in JSON" },
        { -INFINITY, "dev.x: -inf cannot be written in JSON" },
    };
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    char *bad = (char *)"caf\xc3";
    Visitor *v;

    for (size_t i = 0; i < G_N_ELEMENTS(odd); i++) {
        double d = odd[i].d, got;
        QObject *tree = NULL;

        v = json_output_visitor_new(out, false);
        CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err));
        CU_ASSERT_FALSE(visit_type_number(v, "x", &d, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID, odd[i].msg);
        visit_free(v);
        CU_ASSERT_EQUAL(out->len, 0);

        v = qobject_output_visitor_new(&tree);
        CU_ASSERT_TRUE(visit_type_number(v, "x", &d, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        got = qnum_get_double(qobject_to(QNum, tree));
        CU_ASSERT_TRUE(isnan(d) ? isnan(got) : got == d);
        qobject_unref(tree);
    }
    v = json_output_visitor_new(out, true);
    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err));
    CU_ASSERT_FALSE(visit_type_str(v, "s", &bad, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "dev.s: string is not valid UTF-8");
    visit_free(v);
    CU_ASSERT_EQUAL(out->len, 0);
}

/* Empty buffers and native arrays, passed as NULL as visitor.h allows. */
static bool empty_visit(Visitor *v, GError **errp)
{
    return visit_start_struct(v, "dev", errp) &&
           visit_type_buffer(v, "b", NULL, 0, errp) &&
           visit_type_u8_array(v, "a8", NULL, 0, errp) &&
           visit_type_u16_array(v, "a16", NULL, 0, errp) &&
           visit_type_u32_array(v, "a32", NULL, 0, errp) &&
           visit_type_u64_array(v, "a64", NULL, 0, errp) &&
           visit_end_struct(v, errp);
}

/*
 * Every visitor takes them and copies nothing to or from NULL (the
 * QEMUFile input visitor called memcpy(NULL, ..., 0), which UBSan, in
 * the check-asan run, reports).
 */
static void empty_buffers_may_be_null_in_every_visitor(void)
{
    static const char want_json[] =
        "{\"b\": \"\", \"a8\": [], \"a16\": [], \"a32\": [], "
        "\"a64\": []}";
    g_autoptr(GByteArray) raw = g_byte_array_new();
    g_autoptr(GByteArray) bin = g_byte_array_new();
    g_autoptr(GString) json = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) tree = NULL;
    g_autoptr(QObject) schema = NULL;
    QEMUFile *f;
    Visitor *v;

    /* QEMUFile: no bytes at all, through a new and the bound visitor. */
    f = qemu_fopen_bytearray(raw);
    v = qemu_file_output_visitor_new(f);
    CU_ASSERT_TRUE(empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_TRUE(empty_visit(qemu_file_get_visitor(f), &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    CU_ASSERT_EQUAL(raw->len, 0);
    f = qemu_fopen_mem(raw->data, raw->len);
    v = qemu_file_input_visitor_new(f);
    CU_ASSERT_TRUE(empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_TRUE(empty_visit(qemu_file_get_visitor(f), &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);

    /* Self-describing binary. */
    v = binary_output_visitor_new(bin);
    CU_ASSERT_TRUE(empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    v = binary_input_visitor_new(bin->data, bin->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(v && empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);

    /* QObject and JSON. */
    v = qobject_output_visitor_new(&tree);
    CU_ASSERT_TRUE(empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    v = qobject_input_visitor_new(tree);
    CU_ASSERT_TRUE(empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    v = json_output_visitor_new(json, false);
    CU_ASSERT_TRUE(empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_STRING_EQUAL(json->str, "{\"b\":\"\",\"a8\":[],\"a16\":[],"
                                      "\"a32\":[],\"a64\":[]}");
    v = json_input_visitor_new(want_json, -1, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(v && empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);

    /* The describe visitor. */
    v = describe_visitor_new(&schema);
    CU_ASSERT_TRUE(empty_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
}

static const TestCase tests[] = {
    { "qobject_output_builds_exact_tree", qobject_output_builds_exact_tree },
    { "json_output_equals_qobject_to_json", json_output_equals_qobject_to_json },
    { "qobject_round_trip_restores_state", qobject_round_trip_restores_state },
    { "json_round_trip_restores_state", json_round_trip_restores_state },
    { "integer_input_checks_type_and_range", integer_input_checks_type_and_range },
    { "integer_edges_round_trip", integer_edges_round_trip },
    { "nested_errors_name_the_full_path", nested_errors_name_the_full_path },
    { "other_scalars_check_types", other_scalars_check_types },
    { "number_input_accepts_integers", number_input_accepts_integers },
    { "numbers_round_trip_exactly", numbers_round_trip_exactly },
    { "string_input_respects_limit", string_input_respects_limit },
    { "depth_limit_applies_to_walks", depth_limit_applies_to_walks },
    { "json_input_full_applies_limits_to_the_parse",
      json_input_full_applies_limits_to_the_parse },
    { "array_element_count_is_checked", array_element_count_is_checked },
    { "complete_rejects_unbalanced_and_empty_walks", complete_rejects_unbalanced_and_empty_walks },
    { "failed_walk_hands_over_nothing", failed_walk_hands_over_nothing },
    { "visitor_type_is_reported", visitor_type_is_reported },
    { "json_input_reports_parse_errors", json_input_reports_parse_errors },
    { "empty_buffers_may_be_null_in_every_visitor",
      empty_buffers_may_be_null_in_every_visitor },
    { "json_output_refuses_what_json_cannot_hold",
      json_output_refuses_what_json_cannot_hold },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("visitor", tests);
}
