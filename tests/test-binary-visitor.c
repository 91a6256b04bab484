/*
 * The self-describing binary visitors: exact bytes of every primitive,
 * the schema-free decoder's errors (with path and byte offset) and limits,
 * and walks through the input visitor.
 */
#include "tests/test-util.h"

#include <string.h>

#include "examples/devices/example-devices.h"
#include "tests/test-device.h"

/* Encodes one member "x" of a root struct with @fn. */
typedef bool (*EmitFn)(Visitor *v, GError **errp);

static GByteArray *emit(EmitFn fn)
{
    GByteArray *out = g_byte_array_new();
    g_autoptr(Visitor) v = binary_output_visitor_new(out);
    GError *err = NULL;

    CU_ASSERT_TRUE(visit_start_struct(v, "root", &err) && fn(v, &err) &&
                   visit_end_struct(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    return out;
}

#define EMITTER(fname, type, visit, value) \
    static bool fname(Visitor *v, GError **errp) \
    { \
        type x = value; \
        return visit(v, "x", &x, errp); \
    }

EMITTER(e_u8, uint8_t, visit_type_u8, 255)
EMITTER(e_u16_small, uint16_t, visit_type_u16, 127)
EMITTER(e_u16_mid, uint16_t, visit_type_u16, 128)
EMITTER(e_u16_max, uint16_t, visit_type_u16, 65535)
EMITTER(e_u32_max, uint32_t, visit_type_u32, UINT32_MAX)
EMITTER(e_u64_max, uint64_t, visit_type_u64, UINT64_MAX)
EMITTER(e_i8, int8_t, visit_type_i8, -1)
EMITTER(e_i16, int16_t, visit_type_i16, -1)
EMITTER(e_i32_min, int32_t, visit_type_i32, INT32_MIN)
EMITTER(e_i64_min, int64_t, visit_type_i64, INT64_MIN)
EMITTER(e_true, bool, visit_type_bool, true)
EMITTER(e_num, double, visit_type_number, 1.5)

static bool e_str(Visitor *v, GError **errp)
{
    char *s = "hi";

    return visit_type_str(v, "x", &s, errp);
}

static bool e_buf(Visitor *v, GError **errp)
{
    uint8_t b[2] = { 0xde, 0xad };

    return visit_type_buffer(v, "x", b, 2, errp);
}

static bool e_u32_arr(Visitor *v, GError **errp)
{
    uint32_t a[2] = { 1, 0x01020304 };

    return visit_type_u32_array(v, "x", a, 2, errp);
}

static bool e_absent(Visitor *v, GError **errp)
{
    bool present = false;
    uint8_t y = 1;

    return (!visit_optional(v, "x", &present) ||
            visit_type_u8(v, "x", &y, errp)) &&
           visit_type_u8(v, "y", &y, errp);
}

static void every_primitive_has_exact_bytes(void)
{
    static const struct {
        EmitFn fn;
        uint8_t want[16];
        size_t len;
    } cases[] = {
        /* names: 1 "x"; struct 0e; member with BIN_SEQ_NAME; end 00 */
        { e_u8, { 1, 1, 'x', 0x0e, 0x81, 0xff, 0 }, 7 },
        { e_u16_small, { 1, 1, 'x', 0x0e, 0x82, 0x7f, 0 }, 7 },
        { e_u16_mid, { 1, 1, 'x', 0x0e, 0x82, 0x80, 0x01, 0 }, 8 },
        { e_u16_max, { 1, 1, 'x', 0x0e, 0xa2, 0xff, 0xff, 0 }, 8 },
        { e_u32_max, { 1, 1, 'x', 0x0e, 0xa4, 0xff, 0xff, 0xff, 0xff, 0 },
          10 },
        { e_u64_max, { 1, 1, 'x', 0x0e, 0xa8, 0xff, 0xff, 0xff, 0xff, 0xff,
                       0xff, 0xff, 0xff, 0 }, 14 },
        { e_i8, { 1, 1, 'x', 0x0e, 0x85, 0xff, 0 }, 7 },
        { e_i16, { 1, 1, 'x', 0x0e, 0x86, 0x01, 0 }, 7 },
        { e_i32_min, { 1, 1, 'x', 0x0e, 0xb4, 0x80, 0, 0, 0, 0 }, 10 },
        { e_i64_min, { 1, 1, 'x', 0x0e, 0xb8, 0x80, 0, 0, 0, 0, 0, 0, 0, 0 },
          14 },
        { e_true, { 1, 1, 'x', 0x0e, 0x8a, 0 }, 6 },
        { e_num, { 1, 1, 'x', 0x0e, 0x8b, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0 },
          14 },
        { e_str, { 1, 1, 'x', 0x0e, 0x8c, 2, 'h', 'i', 0 }, 9 },
        { e_buf, { 1, 1, 'x', 0x0e, 0x8d, 2, 0xde, 0xad, 0 }, 9 },
        { e_u32_arr, { 1, 1, 'x', 0x0e, 0x94, 2, 0, 0, 0, 1, 1, 2, 3, 4, 0 },
          15 },
        /* "x" absent: "y" is interned first, at index 0 */
        { e_absent, { 1, 1, 'y', 0x0e, 0x81, 1, 0 }, 7 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) out = emit(cases[i].fn);

        ASSERT_BYTES_EQUAL(out->data, out->len, cases[i].want, cases[i].len);
    }
}

static void decode_gives_the_qobject_tree(void)
{
    static const uint8_t doc[] = {
        3, 1, 'a', 1, 'b', 1, 'c',
        0x0e,
        0x81, 0x07,                         /* a: u8 7 */
        0x86, 0x03,                         /* b: i16 -2 */
        0x8f, 2, 0x09, 0x0d, 1, 0xab,       /* c: [false, "ab"] */
        0,
    };
    g_autoptr(QObject) got = NULL;
    g_autoptr(QObject) want = NULL;
    GError *err = NULL;
    size_t used = 0;

    got = binary_decode(doc, sizeof(doc), NULL, &used, &err);
    ASSERT_NO_ERROR(err);
    want = qobject_from_json("{\"a\": 7, \"b\": -2, \"c\": [false, \"ab\"]}",
                             NULL);
    ASSERT_QOBJECT_EQUAL(got, want);
    CU_ASSERT_EQUAL(used, sizeof(doc));
}

static void decode_errors_name_path_and_offset(void)
{
    static const struct {
        uint8_t in[16];
        size_t len;
        int code;
        const char *msg;
    } cases[] = {
        { { 1, 1, 'a', 0x0e, 0x81 }, 5, QVISIT_ERROR_TRUNCATED,
          "a: stream truncated at byte 5" },
        { { 1, 1, 'a', 0x0e, 0x8f, 0x05, 0x01 }, 7, QVISIT_ERROR_TRUNCATED,
          "a: stream truncated at byte 7" },
        { { 1, 1, 'a', 0x0e, 0xc0 }, 5, QVISIT_ERROR_PARSE,
          "a: unknown type tag 0x40 at byte 4" },
        { { 1, 1, 'a', 0x0e, 0x01, 0x05, 0x00 }, 7, QVISIT_ERROR_PARSE,
          "member name index 5 outside the table of 1 at byte 6" },
        { { 1, 1, 'a', 0x0e, 0x81, 1, 0x01, 0x00, 2 }, 9, QVISIT_ERROR_PARSE,
          "a: duplicate member at byte 8" },
        /* A claimed 4 GiB array in a few bytes: nothing allocated. */
        { { 1, 1, 'a', 0x0e, 0x91, 0x80, 0x80, 0x80, 0x80, 0x10 }, 10,
          QVISIT_ERROR_LIMIT,
          "a: array length 4294967296 exceeds the limit of 16777216 at byte "
          "10" },
        { { 1, 1, 'a', 0x0e, 0x91, 0xff, 0xff, 0x3f }, 8,
          QVISIT_ERROR_TRUNCATED, "a: stream truncated at byte 8" },
        { { 1, 2, 0xc3, 0x28 }, 4, QVISIT_ERROR_PARSE,
          "name 0 is not valid UTF-8 at byte 2" },
        { { 1, 1, 'a', 0x0e, 0x8c, 1, 0xff, 0 }, 8, QVISIT_ERROR_PARSE,
          "a: invalid UTF-8 at byte 6" },
        { { 0, 0x02, 0x80, 0x80, 0x04 }, 5, QVISIT_ERROR_RANGE,
          "65536 does not fit u16 at byte 5" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        QObject *o = binary_decode(cases[i].in, cases[i].len, NULL, NULL,
                                   &err);

        CU_ASSERT_PTR_NULL(o);
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
    }
}

/*
 * Every tag as a root value with a payload at its edges, decoded as
 * docs/formats.md and the tag table (visitor/binary-wire.c) say; bytes
 * that are no value's tag are refused.
 */
static void every_tag_decodes_as_the_wire_says(void)
{
    static const struct {
        uint8_t in[12];
        size_t len;
        int code;               /* 0: decodes to the JSON @text */
        const char *text;       /* else the error message */
    } cases[] = {
        { { 0, 0x01, 0xff }, 3, 0, "255" },
        { { 0, 0x02, 0xff, 0xff, 0x03 }, 5, 0, "65535" },
        { { 0, 0x02, 0x80, 0x80, 0x04 }, 5, QVISIT_ERROR_RANGE,
          "65536 does not fit u16 at byte 5" },
        { { 0, 0x03, 0xff, 0xff, 0xff, 0xff, 0x0f }, 7, 0, "4294967295" },
        { { 0, 0x03, 0x80, 0x80, 0x80, 0x80, 0x10 }, 7, QVISIT_ERROR_RANGE,
          "4294967296 does not fit u32 at byte 7" },
        { { 0, 0x04, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0x01 }, 12, 0, "18446744073709551615" },
        { { 0, 0x05, 0x80 }, 3, 0, "-128" },
        { { 0, 0x06, 0xff, 0xff, 0x03 }, 5, 0, "-32768" },
        { { 0, 0x06, 0x80, 0x80, 0x04 }, 5, QVISIT_ERROR_RANGE,
          "32768 does not fit i16 at byte 5" },
        { { 0, 0x07, 0xff, 0xff, 0xff, 0xff, 0x0f }, 7, 0, "-2147483648" },
        { { 0, 0x07, 0x80, 0x80, 0x80, 0x80, 0x10 }, 7, QVISIT_ERROR_RANGE,
          "2147483648 does not fit i32 at byte 7" },
        { { 0, 0x08, 0x01 }, 3, 0, "-1" },
        { { 0, 0x09 }, 2, 0, "false" },
        { { 0, 0x0a }, 2, 0, "true" },
        { { 0, 0x0b, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0 }, 10, 0, "1.5" },
        { { 0, 0x0c, 2, 'h', 'i' }, 5, 0, "\"hi\"" },
        { { 0, 0x0d, 2, 0xde, 0xad }, 5, 0, "\"dead\"" },
        { { 0, 0x0e, 0x00 }, 3, 0, "{}" },
        { { 0, 0x0f, 2, 0x01, 7, 0x09 }, 6, 0, "[7, false]" },
        { { 0, 0x11, 2, 1, 0xff }, 5, 0, "[1, 255]" },
        { { 0, 0x12, 1, 0x01, 0x02 }, 5, 0, "[258]" },
        { { 0, 0x14, 1, 0, 0, 1, 0 }, 7, 0, "[256]" },
        { { 0, 0x18, 1, 0, 0, 0, 0, 0, 0, 1, 0 }, 11, 0, "[256]" },
        { { 0, 0x22, 0xff, 0xfe }, 4, 0, "65534" },
        { { 0, 0x24, 0xff, 0xff, 0xff, 0xfe }, 6, 0, "4294967294" },
        { { 0, 0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 10, 0,
          "18446744073709551615" },
        { { 0, 0x32, 0xff, 0xfe }, 4, 0, "-2" },
        { { 0, 0x34, 0x80, 0, 0, 0 }, 6, 0, "-2147483648" },
        { { 0, 0x38, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 10, 0,
          "-1" },
        { { 0, 0x24, 1, 2 }, 4, QVISIT_ERROR_TRUNCATED,
          "stream truncated at byte 4" },
        { { 0, 0x00 }, 2, QVISIT_ERROR_PARSE,
          "unknown type tag 0x00 at byte 1" },
        { { 0, 0x10 }, 2, QVISIT_ERROR_PARSE,
          "unknown type tag 0x10 at byte 1" },
        { { 0, 0x13 }, 2, QVISIT_ERROR_PARSE,
          "unknown type tag 0x13 at byte 1" },
        { { 0, 0x20 }, 2, QVISIT_ERROR_PARSE,
          "unknown type tag 0x20 at byte 1" },
        { { 0, 0x21 }, 2, QVISIT_ERROR_PARSE,
          "unknown type tag 0x21 at byte 1" },
        { { 0, 0x39 }, 2, QVISIT_ERROR_PARSE,
          "unknown type tag 0x39 at byte 1" },
        { { 0, 0x8e, 0x00 }, 3, QVISIT_ERROR_PARSE,
          "unknown type tag 0x8e at byte 1" },
        { { 0, 0xff }, 2, QVISIT_ERROR_PARSE,
          "unknown type tag 0xff at byte 1" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        g_autoptr(QObject) got = binary_decode(cases[i].in, cases[i].len,
                                               NULL, NULL, &err);

        if (!cases[i].code) {
            g_autoptr(QObject) want = qobject_from_json(cases[i].text, NULL);

            ASSERT_NO_ERROR(err);
            ASSERT_QOBJECT_EQUAL(got, want);
        } else {
            CU_ASSERT_PTR_NULL(got);
            ASSERT_ERROR(err, cases[i].code, cases[i].text);
        }
    }
}

static void decode_applies_the_depth_limit(void)
{
    g_autoptr(GByteArray) doc = g_byte_array_new();
    QVisitLimits lim;
    GError *err = NULL;

    qvisit_limits_init(&lim);
    lim.max_depth = 10;
    g_byte_array_append(doc, (const uint8_t *)"\0", 1);
    for (int i = 0; i < 20; i++) {
        g_byte_array_append(doc, (const uint8_t *)"\x0f\x01", 2);
    }
    CU_ASSERT_PTR_NULL(binary_decode(doc->data, doc->len, &lim, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "[0][0][0][0][0][0][0][0][0][0]: nesting deeper than 10 at "
                 "byte 21");
}

static void input_visitor_walks_back_every_field(void)
{
    TDev a, b;
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(Visitor) w = binary_output_visitor_new(out);
    g_autoptr(Visitor) r = NULL;
    GError *err = NULL;

    tdev_fill(&a, 3);
    memset(&b, 0, sizeof(b));
    CU_ASSERT_TRUE(tdev_visit(w, &a, &err) && visit_complete(w, &err));
    r = binary_input_visitor_new(out->data, out->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_visit(r, &b, &err) && visit_complete(r, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&a, &b));
    tdev_clear(&a);
    tdev_clear(&b);
}

static void input_visitor_rejects_trailing_bytes(void)
{
    static const uint8_t doc[] = { 0, 0x01, 0x05, 0xff };
    GError *err = NULL;

    CU_ASSERT_PTR_NULL(binary_input_visitor_new(doc, sizeof(doc), NULL,
                                                &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "1 trailing bytes after the document at byte 3");
}

static bool walk_a_only(Visitor *v, void *opaque, GError **errp)
{
    uint8_t *a = opaque;

    return visit_start_struct(v, "dev", errp) &&
           visit_type_u8(v, "a", a, errp) && visit_end_struct(v, errp);
}

static void unknown_member_is_unexpected_for_a_walk(void)
{
    static const uint8_t doc[] = {
        2, 1, 'a', 1, 'z', 0x0e, 0x81, 1, 0x81, 2, 0,
    };
    g_autoptr(Visitor) v = binary_input_visitor_new(doc, sizeof(doc), NULL,
                                                    NULL);
    uint8_t a = 0;
    GError *err = NULL;

    CU_ASSERT_FALSE(walk_a_only(v, &a, &err));
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_UNEXPECTED, "dev.z");
}

static void every_example_device_round_trips(void)
{
    size_t n;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t i = 0; i < n; i++) {
        for (uint64_t seed = 1; seed <= 20; seed++) {
            const ExampleDevice *d = all[i];
            void *a = example_device_state_new(d);
            void *b = example_device_state_new(d);
            g_autoptr(GByteArray) out = g_byte_array_new();
            g_autoptr(Visitor) w = binary_output_visitor_new(out);
            g_autoptr(Visitor) r = NULL;
            uint64_t s = seed * 977;
            GError *err = NULL;

            d->randomize(a, &s);
            CU_ASSERT_TRUE(d->visit(w, a, &err) && visit_complete(w, &err));
            r = binary_input_visitor_new(out->data, out->len, NULL, &err);
            CU_ASSERT_TRUE(r && d->visit(r, b, &err) &&
                           visit_complete(r, &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_TRUE(d->equal(a, b));
            example_device_state_free(d, a);
            example_device_state_free(d, b);
        }
    }
}

/* Walks a JSON tree (objects, arrays, integers, strings) into @v. */
static bool walk_tree(Visitor *v, const char *name, QObject *o,
                      GError **errp)
{
    QDict *d = qobject_to(QDict, o);
    QList *l = qobject_to(QList, o);
    QNum *n = qobject_to(QNum, o);
    QString *s = qobject_to(QString, o);

    if (d) {
        if (!visit_start_struct(v, name, errp)) {
            return false;
        }
        for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
            if (!walk_tree(v, qdict_entry_key(e), qdict_entry_value(e),
                           errp)) {
                return false;
            }
        }
        return visit_end_struct(v, errp);
    }
    if (l) {
        if (!visit_start_array(v, name, qlist_size(l), errp)) {
            return false;
        }
        for (size_t i = 0; i < qlist_size(l); i++) {
            if (!walk_tree(v, NULL, qlist_get(l, i), errp)) {
                return false;
            }
        }
        return visit_end_array(v, errp);
    }
    if (n && qnum_is_double(n)) {
        double x = qnum_get_double(n);

        return visit_type_number(v, name, &x, errp);
    }
    if (n) {
        int64_t x = 0;

        qnum_get_try_int(n, &x);
        return visit_type_i64(v, name, &x, errp);
    }
    {
        char *str = (char *)qstring_get_str(s);

        return visit_type_str(v, name, &str, errp);
    }
}

typedef struct Probe {
    uint8_t a;
    uint8_t buf[2];
    uint8_t r[2];
} Probe;

static bool probe_visit(Visitor *v, void *opaque, GError **errp)
{
    Probe *p = opaque;

    return visit_start_struct(v, "dev", errp) &&
           visit_type_u8(v, "a", &p->a, errp) &&
           visit_type_buffer(v, "buf", p->buf, 2, errp) &&
           visit_type_u8_array(v, "r", p->r, 2, errp) &&
           visit_end_struct(v, errp);
}

/* The same input rules and messages as the QObject input visitor; the
 * documents are written from JSON through the QObject walk. */
static void walk_errors_match_the_qobject_input_visitor(void)
{
    static const struct {
        const char *json;
        int code;
        const char *msg;
    } cases[] = {
        { "{\"a\": 1, \"buf\": \"abcd\", \"r\": [1, 2]}", -1, NULL },
        { "{\"a\": \"x\", \"buf\": \"abcd\", \"r\": [1, 2]}",
          QVISIT_ERROR_TYPE, "dev.a: expected u8, got string" },
        { "{\"a\": 1.5, \"buf\": \"abcd\", \"r\": [1, 2]}",
          QVISIT_ERROR_TYPE, "dev.a: expected u8, got number" },
        { "{\"a\": -1, \"buf\": \"abcd\", \"r\": [1, 2]}",
          QVISIT_ERROR_RANGE, "dev.a: -1 does not fit u8" },
        { "{\"a\": 256, \"buf\": \"abcd\", \"r\": [1, 2]}",
          QVISIT_ERROR_RANGE, NULL },
        { "{\"buf\": \"abcd\", \"r\": [1, 2]}",
          QVISIT_ERROR_MISSING, "dev.a: missing" },
        { "{\"a\": 1, \"buf\": \"abc\", \"r\": [1, 2]}",
          QVISIT_ERROR_PARSE, "dev.buf: odd number of hex digits (3)" },
        { "{\"a\": 1, \"buf\": \"ab\", \"r\": [1, 2]}",
          QVISIT_ERROR_LENGTH, "dev.buf: expected 2 bytes, got 1" },
        { "{\"a\": 1, \"buf\": \"abcd\", \"r\": [1]}",
          QVISIT_ERROR_LENGTH, "dev.r: expected 2 elements, got 1" },
        { "{\"a\": 1, \"buf\": \"abcd\", \"r\": [1, 300]}",
          QVISIT_ERROR_RANGE, "dev.r[1]: 300 does not fit u8" },
        { "{\"a\": 1, \"buf\": \"abcd\", \"r\": [1, 2], \"z\": 0}",
          QVISIT_ERROR_UNEXPECTED, "dev.z: unexpected member" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(QObject) tree = qobject_from_json(cases[i].json, NULL);
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(Visitor) w = binary_output_visitor_new(out);
        g_autoptr(Visitor) q = qobject_input_visitor_new(tree);
        g_autoptr(Visitor) r = NULL;
        Probe pb = { 0 }, pq = { 0 };
        GError *err = NULL;
        GError *qerr = NULL;
        bool ok;

        /* Write the tree as a binary document. */
        ok = walk_tree(w, "dev", tree, &err);
        CU_ASSERT_TRUE(ok && visit_complete(w, &err));
        r = binary_input_visitor_new(out->data, out->len, NULL, &err);
        ASSERT_NO_ERROR(err);
        ok = probe_visit(r, &pb, &err) && visit_complete(r, &err);
        CU_ASSERT_EQUAL(ok, cases[i].code < 0);
        /* The QObject input visitor says the same. */
        probe_visit(q, &pq, &qerr);
        if (cases[i].code < 0) {
            ASSERT_NO_ERROR(err);
            CU_ASSERT_EQUAL(pb.a, 1);
            CU_ASSERT_EQUAL(pb.buf[1], 0xcd);
            CU_ASSERT_EQUAL(pb.r[1], 2);
            g_clear_error(&qerr);
        } else {
            CU_ASSERT_PTR_NOT_NULL_FATAL(qerr);
            CU_ASSERT_PTR_NOT_NULL_FATAL(err);
            CU_ASSERT_STRING_EQUAL(err->message, qerr->message);
            g_clear_error(&qerr);
            ASSERT_ERROR(err, cases[i].code, cases[i].msg);
        }
    }
}

/*
 * The output refuses a string the decoder would refuse (invalid UTF-8)
 * and appends nothing; NaN and infinities are carried bit for bit.
 */
static void output_refuses_what_decoding_refuses(void)
{
    static const uint64_t odd_bits[] = {
        UINT64_C(0x7ff8000000000001), UINT64_C(0x7ff0000000000000),
        UINT64_C(0xfff0000000000000),
    };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    Visitor *v = binary_output_visitor_new(out);
    char *bad = (char *)"caf\xc3";

    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err));
    CU_ASSERT_FALSE(visit_type_str(v, "s", &bad, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "dev.s: string is not valid UTF-8");
    visit_free(v);
    CU_ASSERT_EQUAL(out->len, 0);

    for (size_t i = 0; i < G_N_ELEMENTS(odd_bits); i++) {
        double d, back = 0;
        uint64_t bits;

        memcpy(&d, &odd_bits[i], sizeof(d));
        g_byte_array_set_size(out, 0);
        v = binary_output_visitor_new(out);
        CU_ASSERT_TRUE(visit_type_number(v, "x", &d, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        v = binary_input_visitor_new(out->data, out->len, NULL, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(v && visit_type_number(v, "x", &back, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        memcpy(&bits, &back, sizeof(bits));
        CU_ASSERT_EQUAL(bits, odd_bits[i]);
    }
}

static const TestCase tests[] = {
    { "every_primitive_has_exact_bytes", every_primitive_has_exact_bytes },
    { "decode_gives_the_qobject_tree", decode_gives_the_qobject_tree },
    { "decode_errors_name_path_and_offset",
      decode_errors_name_path_and_offset },
    { "every_tag_decodes_as_the_wire_says",
      every_tag_decodes_as_the_wire_says },
    { "decode_applies_the_depth_limit", decode_applies_the_depth_limit },
    { "input_visitor_walks_back_every_field",
      input_visitor_walks_back_every_field },
    { "input_visitor_rejects_trailing_bytes",
      input_visitor_rejects_trailing_bytes },
    { "unknown_member_is_unexpected_for_a_walk",
      unknown_member_is_unexpected_for_a_walk },
    { "every_example_device_round_trips",
      every_example_device_round_trips },
    { "walk_errors_match_the_qobject_input_visitor",
      walk_errors_match_the_qobject_input_visitor },
    { "output_refuses_what_decoding_refuses",
      output_refuses_what_decoding_refuses },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("binary-visitor", tests);
}
