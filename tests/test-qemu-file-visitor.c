/* Binary QEMUFile visitors: byte identity with legacy calls, errors. */
#include "qvisit/qemu-file-visitor.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tests/test-util.h"

/* --- integers -------------------------------------------------------- */

typedef struct IntCase {
    unsigned bits;
    bool is_signed;
    int64_t value;          /* as the C value of the field's type */
} IntCase;

static void legacy_put_int(QEMUFile *f, const IntCase *c)
{
    switch (c->bits) {
    case 8:
        qemu_put_byte(f, (int)c->value);
        break;
    case 16:
        qemu_put_be16(f, (unsigned int)c->value);
        break;
    case 32:
        qemu_put_be32(f, (unsigned int)c->value);
        break;
    default:
        qemu_put_be64(f, (uint64_t)c->value);
        break;
    }
}

/*
 * Visits the field of @c's type holding *@value (converted to the field's
 * type and back, so the caller sees exactly what the field held).
 */
static bool visit_int_case(Visitor *v, const IntCase *c, int64_t *value,
                           GError **errp)
{
    bool ok;

#define VISIT_AS(type, fn)                                  \
    do {                                                    \
        type x = (type)*value;                              \
        ok = fn(v, "x", &x, errp);                          \
        *value = (int64_t)x;                                \
    } while (0)

    switch (c->bits * (c->is_signed ? -1 : 1)) {
    case 8:
        VISIT_AS(uint8_t, visit_type_u8);
        break;
    case 16:
        VISIT_AS(uint16_t, visit_type_u16);
        break;
    case 32:
        VISIT_AS(uint32_t, visit_type_u32);
        break;
    case 64:
        VISIT_AS(uint64_t, visit_type_u64);
        break;
    case -8:
        VISIT_AS(int8_t, visit_type_i8);
        break;
    case -16:
        VISIT_AS(int16_t, visit_type_i16);
        break;
    case -32:
        VISIT_AS(int32_t, visit_type_i32);
        break;
    default:
        VISIT_AS(int64_t, visit_type_i64);
        break;
    }
#undef VISIT_AS
    return ok;
}

/* 0, 1, min, max and -1 of every width, as the field's C value. */
static const IntCase int_cases[] = {
    { 8, false, 0 }, { 8, false, 1 }, { 8, false, 0 },
    { 8, false, UINT8_MAX }, { 8, false, (uint8_t)-1 },
    { 16, false, 0 }, { 16, false, 1 }, { 16, false, 0 },
    { 16, false, UINT16_MAX }, { 16, false, (uint16_t)-1 },
    { 32, false, 0 }, { 32, false, 1 }, { 32, false, 0 },
    { 32, false, UINT32_MAX }, { 32, false, (uint32_t)-1 },
    { 64, false, 0 }, { 64, false, 1 }, { 64, false, 0 },
    { 64, false, (int64_t)UINT64_MAX }, { 64, false, -1 },
    { 8, true, 0 }, { 8, true, 1 }, { 8, true, INT8_MIN },
    { 8, true, INT8_MAX }, { 8, true, -1 },
    { 16, true, 0 }, { 16, true, 1 }, { 16, true, INT16_MIN },
    { 16, true, INT16_MAX }, { 16, true, -1 },
    { 32, true, 0 }, { 32, true, 1 }, { 32, true, INT32_MIN },
    { 32, true, INT32_MAX }, { 32, true, -1 },
    { 64, true, 0 }, { 64, true, 1 }, { 64, true, INT64_MIN },
    { 64, true, INT64_MAX }, { 64, true, -1 },
};

static void int_output_matches_legacy_and_reads_back(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(int_cases); i++) {
        const IntCase *c = &int_cases[i];
        g_autoptr(GByteArray) legacy = g_byte_array_new();
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(GError) err = NULL;
        QEMUFile *f = qemu_fopen_bytearray(legacy);
        int64_t value = c->value;
        int64_t back = 0x5555;
        Visitor *v;

        legacy_put_int(f, c);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);

        f = qemu_fopen_bytearray(out);
        v = qemu_file_output_visitor_new(f);
        CU_ASSERT_TRUE(visit_int_case(v, c, &value, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        ASSERT_BYTES_EQUAL(out->data, out->len, legacy->data, legacy->len);
        CU_ASSERT_EQUAL(out->len, c->bits / 8);

        f = qemu_fopen_mem(out->data, out->len);
        v = qemu_file_input_visitor_new(f);
        CU_ASSERT_TRUE(visit_int_case(v, c, &back, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(back, c->value);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), c->bits / 8);
        visit_free(v);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    }
}

static void int_input_truncated_leaves_value_unchanged(void)
{
    static const uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    for (size_t i = 0; i < G_N_ELEMENTS(int_cases); i += 5) {
        const IntCase *c = &int_cases[i];

        for (size_t have = 0; have < c->bits / 8; have++) {
            g_autoptr(GError) err = NULL;
            g_autofree char *msg = g_strdup_printf(
                "x: stream truncated at byte %zu", have);
            QEMUFile *f = qemu_fopen_mem(bytes, have);
            Visitor *v = qemu_file_input_visitor_new(f);
            int64_t value = 42;

            CU_ASSERT_FALSE(visit_int_case(v, c, &value, &err));
            ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED, msg);
            CU_ASSERT_EQUAL(value, 42);
            visit_free(v);
            CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
        }
    }
}

/* --- bool and number ------------------------------------------------- */

static void bool_output_matches_legacy_and_reads_back(void)
{
    static const bool values[] = { false, true };

    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(GError) err = NULL;
        uint8_t want = values[i];
        QEMUFile *f = qemu_fopen_bytearray(out);
        bool b = values[i];
        bool back = !values[i];

        CU_ASSERT_TRUE(visit_type_bool(qemu_file_get_visitor(f), "b", &b,
                                       &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        ASSERT_BYTES_EQUAL(out->data, out->len, &want, 1);

        f = qemu_fopen_mem(out->data, out->len);
        CU_ASSERT_TRUE(visit_type_bool(qemu_file_get_visitor(f), "b", &back,
                                       &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(back, values[i]);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    }
}

static void bool_input_rejects_byte_2_with_range_error(void)
{
    static const uint8_t bytes[] = { 0x07, 0x02 };
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_mem(bytes, sizeof(bytes));
    Visitor *v = qemu_file_input_visitor_new(f);
    uint8_t mode = 0;
    bool flag = true;

    CU_ASSERT_TRUE(visit_start_struct(v, "rtc", &err) &&
                   visit_type_u8(v, "mode", &mode, &err));
    CU_ASSERT_FALSE(visit_type_bool(v, "enabled", &flag, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "rtc.enabled: expected 0 or 1 for bool, got 2 at byte 1");
    CU_ASSERT_TRUE(flag);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static void number_is_be64_of_ieee_bits(void)
{
    const double values[] = { 0.0, 1.0, -1.0, -0.0, DBL_MAX, -DBL_MAX,
                              DBL_MIN, INFINITY, -INFINITY, NAN, 0.1 };

    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        g_autoptr(GByteArray) legacy = g_byte_array_new();
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(GError) err = NULL;
        double d = values[i], back = 12.5;
        uint64_t bits, back_bits;
        QEMUFile *f = qemu_fopen_bytearray(legacy);

        memcpy(&bits, &d, 8);
        qemu_put_be64(f, bits);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);

        f = qemu_fopen_bytearray(out);
        CU_ASSERT_TRUE(visit_type_number(qemu_file_get_visitor(f), "d", &d,
                                         &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        ASSERT_BYTES_EQUAL(out->data, out->len, legacy->data, legacy->len);

        f = qemu_fopen_mem(out->data, out->len);
        CU_ASSERT_TRUE(visit_type_number(qemu_file_get_visitor(f), "d",
                                         &back, &err));
        ASSERT_NO_ERROR(err);
        memcpy(&back_bits, &back, 8);
        CU_ASSERT_EQUAL(back_bits, bits);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    }
}

/* --- optional -------------------------------------------------------- */

static void optional_writes_presence_byte(void)
{
    static const uint8_t want[] = { 0x01, 0x12, 0x34, 0x00 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    bool has_a = true, has_b = false;
    uint16_t a = 0x1234, b = 0xffff;

    CU_ASSERT_TRUE(visit_start_struct(v, "s", &err));
    if (visit_optional(v, "a", &has_a)) {
        CU_ASSERT_TRUE(visit_type_u16(v, "a", &a, &err));
    }
    if (visit_optional(v, "b", &has_b)) {
        CU_ASSERT_TRUE(visit_type_u16(v, "b", &b, &err));
    }
    CU_ASSERT_TRUE(visit_end_struct(v, &err));
    CU_ASSERT_TRUE(visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));

    f = qemu_fopen_mem(want, sizeof(want));
    v = qemu_file_input_visitor_new(f);
    has_a = false;
    has_b = true;
    a = b = 0;
    CU_ASSERT_TRUE(visit_start_struct(v, "s", &err));
    CU_ASSERT_TRUE(visit_optional(v, "a", &has_a));
    CU_ASSERT_TRUE(visit_type_u16(v, "a", &a, &err));
    CU_ASSERT_FALSE(visit_optional(v, "b", &has_b));
    CU_ASSERT_TRUE(visit_end_struct(v, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(has_a);
    CU_ASSERT_FALSE(has_b);
    CU_ASSERT_EQUAL(a, 0x1234);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static void optional_bad_presence_byte_fails_next_call(void)
{
    static const uint8_t bytes[] = { 0x05, 0x00, 0x00 };
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_mem(bytes, sizeof(bytes));
    Visitor *v = qemu_file_input_visitor_new(f);
    bool has = true;
    uint16_t x = 7;

    CU_ASSERT_TRUE(visit_start_struct(v, "s", &err));
    CU_ASSERT_FALSE(visit_optional(v, "opt", &has));
    CU_ASSERT_FALSE(has);
    CU_ASSERT_FALSE(visit_type_u16(v, "next", &x, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "s.opt: expected 0 or 1 for presence byte, got 5 at byte 0");
    CU_ASSERT_EQUAL(x, 7);
    visit_free(v);
    qemu_fclose(f);
}

static void optional_truncated_fails_next_call(void)
{
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_mem(NULL, 0);
    Visitor *v = qemu_file_input_visitor_new(f);
    bool has = true;

    CU_ASSERT_TRUE(visit_start_struct(v, "s", &err));
    CU_ASSERT_FALSE(visit_optional(v, "opt", &has));
    CU_ASSERT_FALSE(visit_end_struct(v, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "s.opt: stream truncated at byte 0");
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

/* --- QEMU subsections ------------------------------------------------ */

typedef struct Drive {
    uint8_t head;
    bool has_rate, has_lock;
    uint32_t rate_version;
    uint8_t rate;
    uint16_t lock;
} Drive;

/* fdc's "fdrive" with a second, made-up subsection after it. */
static bool drive_walk(Visitor *v, Drive *d, GError **errp)
{
    uint32_t lock_version = 2;

    d->rate_version = 1;
    return visit_start_struct(v, "fdrive", errp) &&
           visit_type_u8(v, "head", &d->head, errp) &&
           visit_start_subsection(v, "fdrive/media_rate", &d->rate_version,
                                  &d->has_rate, errp) &&
           (!d->has_rate ||
            (visit_type_u8(v, "media_rate", &d->rate, errp) &&
             visit_end_subsection(v, errp))) &&
           visit_start_subsection(v, "fdrive/lock", &lock_version,
                                  &d->has_lock, errp) &&
           (!d->has_lock ||
            (visit_type_u16(v, "lock", &d->lock, errp) &&
             visit_end_subsection(v, errp))) &&
           visit_end_struct(v, errp);
}

static const uint8_t drive_both[] = {
    0x07,
    0x05, 17, 'f', 'd', 'r', 'i', 'v', 'e', '/', 'm', 'e', 'd', 'i', 'a',
    '_', 'r', 'a', 't', 'e', 0x00, 0x00, 0x00, 0x01, 0x42,
    0x05, 11, 'f', 'd', 'r', 'i', 'v', 'e', '/', 'l', 'o', 'c', 'k',
    0x00, 0x00, 0x00, 0x02, 0xbe, 0xef,
    0x7e,   /* what follows the struct: a section footer */
};

static void subsection_writes_qemu_header_only_when_present(void)
{
    static const struct {
        bool rate, lock;
        size_t len;     /* bytes of drive_both written, footer aside */
    } cases[] = {
        { true, true, sizeof(drive_both) - 1 },
        { false, false, 1 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(GError) err = NULL;
        QEMUFile *f = qemu_fopen_bytearray(out);
        Visitor *v = qemu_file_output_visitor_new(f);
        Drive d = { .head = 7, .has_rate = cases[i].rate, .rate = 0x42,
                    .has_lock = cases[i].lock, .lock = 0xbeef };

        CU_ASSERT_TRUE(drive_walk(v, &d, &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        ASSERT_BYTES_EQUAL(out->data, out->len, drive_both, cases[i].len);
    }
}

static void subsection_input_finds_present_and_absent_ones(void)
{
    /* Both; neither (the footer follows); only the second, which the
     * first's look-ahead must leave unconsumed. */
    static const uint8_t neither[] = { 0x07, 0x7e };
    g_autoptr(GByteArray) second = g_byte_array_new();
    struct {
        const uint8_t *bytes;
        size_t len;
        bool rate, lock;
    } cases[] = {
        { drive_both, sizeof(drive_both), true, true },
        { neither, sizeof(neither), false, false },
        { NULL, 0, false, true },
    };

    g_byte_array_append(second, drive_both, 1);
    g_byte_array_append(second, drive_both + 25, sizeof(drive_both) - 25);
    cases[2].bytes = second->data;
    cases[2].len = second->len;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        QEMUFile *f = qemu_fopen_mem(cases[i].bytes, cases[i].len);
        Visitor *v = qemu_file_input_visitor_new(f);
        Drive d = { .has_rate = !cases[i].rate, .has_lock = !cases[i].lock };

        CU_ASSERT_TRUE(drive_walk(v, &d, &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(d.head, 7);
        CU_ASSERT_EQUAL(d.has_rate, cases[i].rate);
        CU_ASSERT_EQUAL(d.has_lock, cases[i].lock);
        CU_ASSERT_EQUAL(d.rate, cases[i].rate ? 0x42 : 0);
        CU_ASSERT_EQUAL(d.lock, cases[i].lock ? 0xbeef : 0);
        CU_ASSERT_EQUAL(d.rate_version, 1);
        visit_free(v);
        /* The look-ahead left the footer in place. */
        CU_ASSERT_EQUAL(qemu_get_byte(f), 0x7e);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    }
}

static void subsection_input_errors(void)
{
    static const struct {
        size_t cut;             /* bytes of drive_both kept */
        uint8_t version;        /* replaces media_rate's version byte */
        int code;
        const char *msg;
    } cases[] = {
        { sizeof(drive_both), 2, QVISIT_ERROR_VERSION,
          "fdrive.fdrive/media_rate: subsection version 2 is newer than 1, "
          "the newest this walk reads" },
        { 21, 1, QVISIT_ERROR_TRUNCATED,
          "fdrive.fdrive/media_rate: stream truncated at byte 21" },
        { 24, 1, QVISIT_ERROR_TRUNCATED,
          "fdrive.fdrive/media_rate.media_rate: stream truncated at byte 24" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree uint8_t *bytes = g_memdup2(drive_both, cases[i].cut);
        g_autoptr(GError) err = NULL;
        QEMUFile *f;
        Visitor *v;
        Drive d = { 0 };

        if (cases[i].cut > 23) {
            bytes[23] = cases[i].version;
        }
        f = qemu_fopen_mem(bytes, cases[i].cut);
        v = qemu_file_input_visitor_new(f);
        CU_ASSERT_FALSE(drive_walk(v, &d, &err));
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
        /* Unchanged unless the header was read whole. */
        CU_ASSERT_EQUAL(d.has_rate, i == 2);
        visit_free(v);
        qemu_fclose(f);
    }
}

static void subsection_is_an_object_member_in_trees(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) tree = NULL;
    g_autoptr(QObject) want = qobject_from_json(
        "{\"head\": 7, \"fdrive/lock\": {\"lock\": 48879}}", &err);
    Visitor *v = qobject_output_visitor_new(&tree);
    Drive d = { .head = 7, .has_lock = true, .lock = 0xbeef, .rate = 9 };
    Drive back = { .has_rate = true };

    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(drive_walk(v, &d, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    ASSERT_QOBJECT_EQUAL(tree, want);

    v = qobject_input_visitor_new(tree);
    CU_ASSERT_TRUE(drive_walk(v, &back, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_FALSE(back.has_rate);
    CU_ASSERT_TRUE(back.has_lock);
    CU_ASSERT_EQUAL(back.lock, 0xbeef);
}

/* --- a small nested walk: every truncation point ---------------------- */

typedef struct Chan {
    uint16_t count;
    uint32_t latch;
} Chan;

typedef struct Pit {
    uint8_t mode;
    Chan channels[3];
    uint32_t regs[2];
    bool flag;
    char *name;
} Pit;

static bool pit_visit(Visitor *v, Pit *s, GError **errp)
{
    bool ok = visit_start_struct(v, "pit", errp) &&
              visit_type_u8(v, "mode", &s->mode, errp) &&
              visit_start_array(v, "channels", 3, errp);

    for (size_t i = 0; ok && i < 3; i++) {
        ok = visit_start_struct(v, NULL, errp) &&
             visit_type_u16(v, "count", &s->channels[i].count, errp) &&
             visit_type_u32(v, "latch", &s->channels[i].latch, errp) &&
             visit_end_struct(v, errp);
    }
    return ok && visit_end_array(v, errp) &&
           visit_type_u32_array(v, "regs", s->regs, 2, errp) &&
           visit_type_bool(v, "flag", &s->flag, errp) &&
           visit_type_str(v, "name", &s->name, errp) &&
           visit_end_struct(v, errp);
}

static void pit_legacy_save(QEMUFile *f, const Pit *s)
{
    qemu_put_byte(f, s->mode);
    for (size_t i = 0; i < 3; i++) {
        qemu_put_be16(f, s->channels[i].count);
        qemu_put_be32(f, s->channels[i].latch);
    }
    qemu_put_be32(f, s->regs[0]);
    qemu_put_be32(f, s->regs[1]);
    qemu_put_byte(f, s->flag);
    qemu_put_be32(f, strlen(s->name));
    qemu_put_buffer(f, (const uint8_t *)s->name, strlen(s->name));
}

static Pit pit_sample(void)
{
    return (Pit){
        .mode = 3,
        .channels = { { 0x1111, 0xa0a0a0a0 }, { 0x2222, 0xb0b0b0b0 },
                      { 0x3333, 0xc0c0c0c0 } },
        .regs = { 0xdeadbeef, 0x01020304 },
        .flag = true,
        .name = (char *)"abc",
    };
}

/* Which member the byte at each offset belongs to, by start offset. */
static const struct { size_t start; const char *path; } pit_layout[] = {
    { 0, "pit.mode" },
    { 1, "pit.channels[0].count" }, { 3, "pit.channels[0].latch" },
    { 7, "pit.channels[1].count" }, { 9, "pit.channels[1].latch" },
    { 13, "pit.channels[2].count" }, { 15, "pit.channels[2].latch" },
    { 19, "pit.regs[0]" }, { 23, "pit.regs[1]" },
    { 27, "pit.flag" },
    { 28, "pit.name" },
};
#define PIT_STREAM_LEN 35

static void nested_walk_matches_legacy_and_reads_back(void)
{
    g_autoptr(GByteArray) legacy = g_byte_array_new();
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    Pit s = pit_sample(), back = { 0 };
    QEMUFile *f = qemu_fopen_bytearray(legacy);
    Visitor *v;

    pit_legacy_save(f, &s);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    f = qemu_fopen_bytearray(out);
    v = qemu_file_output_visitor_new(f);
    CU_ASSERT_TRUE(pit_visit(v, &s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, legacy->data, legacy->len);
    CU_ASSERT_EQUAL(out->len, PIT_STREAM_LEN);

    f = qemu_fopen_mem(out->data, out->len);
    v = qemu_file_input_visitor_new(f);
    CU_ASSERT_TRUE(pit_visit(v, &back, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(back.mode, s.mode);
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(back.channels[i].count, s.channels[i].count);
        CU_ASSERT_EQUAL(back.channels[i].latch, s.channels[i].latch);
    }
    CU_ASSERT_EQUAL(back.regs[0], s.regs[0]);
    CU_ASSERT_EQUAL(back.regs[1], s.regs[1]);
    CU_ASSERT_EQUAL(back.flag, s.flag);
    CU_ASSERT_STRING_EQUAL(back.name, "abc");
    g_free(back.name);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static void nested_walk_truncated_at_every_offset_names_member(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    Pit s = pit_sample();
    QEMUFile *f = qemu_fopen_bytearray(out);

    pit_legacy_save(f, &s);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    CU_ASSERT_FATAL(out->len == PIT_STREAM_LEN);

    for (size_t cut = 0; cut < PIT_STREAM_LEN; cut++) {
        const char *path = NULL;
        g_autofree char *msg = NULL;
        Pit back = { 0 };
        Visitor *v;

        for (size_t i = 0; i < G_N_ELEMENTS(pit_layout); i++) {
            if (pit_layout[i].start <= cut) {
                path = pit_layout[i].path;
            }
        }
        msg = g_strdup_printf("%s: stream truncated at byte %zu", path, cut);
        f = qemu_fopen_mem(out->data, cut);
        v = qemu_file_input_visitor_new(f);
        CU_ASSERT_FALSE(pit_visit(v, &back, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED, msg);
        CU_ASSERT_PTR_NULL(back.name);
        visit_free(v);
        CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
    }
}

/* --- arrays and buffers ---------------------------------------------- */

static void uint_arrays_match_legacy_per_element_puts(void)
{
    const size_t n = 20000;         /* 160 KB of u64: several buffers */
    g_autofree uint8_t *a8 = g_new(uint8_t, n);
    g_autofree uint16_t *a16 = g_new(uint16_t, n);
    g_autofree uint32_t *a32 = g_new(uint32_t, n);
    g_autofree uint64_t *a64 = g_new(uint64_t, n);
    g_autofree uint8_t *b8 = g_new0(uint8_t, n);
    g_autofree uint16_t *b16 = g_new0(uint16_t, n);
    g_autofree uint32_t *b32 = g_new0(uint32_t, n);
    g_autofree uint64_t *b64 = g_new0(uint64_t, n);
    g_autoptr(GByteArray) legacy = g_byte_array_new();
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    uint64_t seed = 11;
    QEMUFile *f;
    Visitor *v;

    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_rand_next(&seed);
        a8[i] = r;
        a16[i] = r;
        a32[i] = r;
        a64[i] = r;
    }
    f = qemu_fopen_bytearray(legacy);
    qemu_put_byte(f, 0xaa);         /* misalign the arrays in the buffer */
    for (size_t i = 0; i < n; i++) {
        qemu_put_byte(f, a8[i]);
    }
    for (size_t i = 0; i < n; i++) {
        qemu_put_be16(f, a16[i]);
    }
    for (size_t i = 0; i < n; i++) {
        qemu_put_be32(f, a32[i]);
    }
    for (size_t i = 0; i < n; i++) {
        qemu_put_be64(f, a64[i]);
    }
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);

    f = qemu_fopen_bytearray(out);
    v = qemu_file_get_visitor(f);
    qemu_put_byte(f, 0xaa);
    CU_ASSERT_TRUE(visit_type_u8_array(v, "a8", a8, n, &err) &&
                   visit_type_u16_array(v, "a16", a16, n, &err) &&
                   visit_type_u32_array(v, "a32", a32, n, &err) &&
                   visit_type_u64_array(v, "a64", a64, n, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, legacy->data, legacy->len);

    f = qemu_fopen_mem(out->data, out->len);
    v = qemu_file_get_visitor(f);
    CU_ASSERT_EQUAL(qemu_get_byte(f), 0xaa);
    CU_ASSERT_TRUE(visit_type_u8_array(v, "a8", b8, n, &err) &&
                   visit_type_u16_array(v, "a16", b16, n, &err) &&
                   visit_type_u32_array(v, "a32", b32, n, &err) &&
                   visit_type_u64_array(v, "a64", b64, n, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(memcmp(a8, b8, n), 0);
    CU_ASSERT_EQUAL(memcmp(a16, b16, n * 2), 0);
    CU_ASSERT_EQUAL(memcmp(a32, b32, n * 4), 0);
    CU_ASSERT_EQUAL(memcmp(a64, b64, n * 8), 0);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static void uint_array_truncated_stores_whole_elements_only(void)
{
    static const uint8_t bytes[] = { 0, 1, 0, 2, 0, 0, 0, 3, 0, 0 };
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_mem(bytes, sizeof(bytes));
    Visitor *v = qemu_file_input_visitor_new(f);
    uint32_t regs[4] = { 9, 9, 9, 9 };

    CU_ASSERT_TRUE(visit_start_struct(v, "e1000", &err));
    CU_ASSERT_FALSE(visit_type_u32_array(v, "regs", regs, 4, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "e1000.regs[2]: stream truncated at byte 10");
    CU_ASSERT_EQUAL(regs[0], 0x00010002);
    CU_ASSERT_EQUAL(regs[1], 3);
    CU_ASSERT_EQUAL(regs[2], 9);
    CU_ASSERT_EQUAL(regs[3], 9);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

static void buffer_is_raw_and_truncation_leaves_it_unchanged(void)
{
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    uint8_t buf[6];

    memcpy(buf, mac, 6);
    CU_ASSERT_TRUE(visit_type_buffer(qemu_file_get_visitor(f), "mac", buf, 6,
                                     &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, mac, 6);

    memset(buf, 0xee, 6);
    f = qemu_fopen_mem(mac, 5);
    CU_ASSERT_FALSE(visit_type_buffer(qemu_file_get_visitor(f), "mac", buf, 6,
                                      &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "mac: stream truncated at byte 5");
    for (size_t i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(buf[i], 0xee);
    }
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

/* --- strings ---------------------------------------------------------- */

static void string_is_be32_length_then_bytes(void)
{
    static const uint8_t want[] = {
        0, 0, 0, 6, 'h', 0xc3, 0xa9, 'l', 'l', 'o',
        0, 0, 0, 0,
        0, 0, 0, 0,
    };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_get_visitor(f);
    char *s1 = (char *)"h\xc3\xa9llo", *s2 = (char *)"", *s3 = NULL;
    g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL;

    CU_ASSERT_TRUE(visit_type_str(v, "a", &s1, &err) &&
                   visit_type_str(v, "b", &s2, &err) &&
                   visit_type_str(v, "c", &s3, &err));   /* NULL: "" */
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));

    f = qemu_fopen_mem(want, sizeof(want));
    v = qemu_file_get_visitor(f);
    CU_ASSERT_TRUE(visit_type_str(v, "a", &r1, &err) &&
                   visit_type_str(v, "b", &r2, &err) &&
                   visit_type_str(v, "c", &r3, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_STRING_EQUAL(r1, s1);
    CU_ASSERT_STRING_EQUAL(r2, "");
    CU_ASSERT_STRING_EQUAL(r3, "");
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static void string_input_errors(void)
{
    static const struct {
        const uint8_t *bytes;
        size_t len;
        size_t max_string_len;
        size_t max_alloc;
        int code;
        const char *msg;
    } cases[] = {
        { (const uint8_t *)"\0\0\0\5hello", 9, 4, 1024, QVISIT_ERROR_LIMIT,
          "dev.id: string of 5 bytes at byte 0 exceeds the limit of 4" },
        { (const uint8_t *)"\xff\xff\xff\xf0hi", 6, 16 << 20, 1 << 30,
          QVISIT_ERROR_LIMIT, "dev.id: string of 4294967280 bytes at byte 0 "
          "exceeds the limit of 16777216" },
        /* 1 MB claimed, 2 bytes there: truncated, no 1 MB allocation. */
        { (const uint8_t *)"\0\x10\0\0hi", 6, 16 << 20, 1 << 30,
          QVISIT_ERROR_TRUNCATED, "dev.id: stream truncated at byte 6" },
        { (const uint8_t *)"\0\0\0\5hel", 7, 16, 1024,
          QVISIT_ERROR_TRUNCATED, "dev.id: stream truncated at byte 7" },
        { (const uint8_t *)"\0\0", 2, 16, 1024,
          QVISIT_ERROR_TRUNCATED, "dev.id: stream truncated at byte 2" },
        { (const uint8_t *)"\0\0\0\5hello", 9, 16, 5, QVISIT_ERROR_LIMIT,
          "dev.id: string of 5 bytes at byte 0 exceeds the allocation "
          "limit of 5" },
        { (const uint8_t *)"\0\0\0\4ab\xffz", 8, 16, 1024,
          QVISIT_ERROR_PARSE, "dev.id: invalid UTF-8 at byte 6" },
        { (const uint8_t *)"\0\0\0\3a\0b", 7, 16, 1024,
          QVISIT_ERROR_PARSE, "dev.id: invalid UTF-8 at byte 5" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        QEMUFile *f = qemu_fopen_mem(cases[i].bytes, cases[i].len);
        Visitor *v = qemu_file_input_visitor_new(f);
        QVisitLimits limits;
        char *s = NULL;

        qvisit_limits_init(&limits);
        limits.max_string_len = cases[i].max_string_len;
        limits.max_alloc = cases[i].max_alloc;
        visit_set_limits(v, &limits);
        CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err));
        CU_ASSERT_FALSE(visit_type_str(v, "id", &s, &err));
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
        CU_ASSERT_PTR_NULL(s);
        visit_free(v);
        qemu_fclose(f);
    }
}

static void string_output_rejects_invalid_utf8(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    char *s = (char *)"a\xff";

    CU_ASSERT_FALSE(visit_type_str(qemu_file_get_visitor(f), "s", &s, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, "s: string is not valid UTF-8");
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    CU_ASSERT_EQUAL(out->len, 0);
}

/* The worked example of docs/formats.md, byte for byte. */
static void formats_md_example_bytes(void)
{
    static const uint8_t want[] = {
        0x03, 0x11, 0x11, 0x22, 0x22, 0x01, 0x00, 0x00, 0x00, 0x07,
        0x00, 0x00, 0x00, 0x02, 0x61, 0x62,
    };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    uint8_t mode = 3;
    uint16_t count[2] = { 0x1111, 0x2222 };
    bool has_latch = true;
    uint32_t latch = 7;
    char *id = (char *)"ab";

    CU_ASSERT_TRUE(visit_start_struct(v, "pit", &err) &&
                   visit_type_u8(v, "mode", &mode, &err) &&
                   visit_type_u16_array(v, "count", count, 2, &err) &&
                   visit_optional(v, "latch", &has_latch) &&
                   visit_type_u32(v, "latch", &latch, &err) &&
                   visit_type_str(v, "id", &id, &err) &&
                   visit_end_struct(v, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));
}

/* --- ownership and output errors -------------------------------------- */

static void visitors_borrow_the_file(void)
{
    static const uint8_t want[] = { 0x00, 0x2a, 0x07 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    uint16_t x = 42;

    CU_ASSERT_TRUE(visit_type_u16(v, "x", &x, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    /* The file is still open and usable, and its bytes are all there. */
    qemu_put_byte(f, 7);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));
}

/*
 * A freed output visitor is kept by its file and handed out again: the
 * next one must start like a new one (no open frames, default limits,
 * not completed), whatever the last walk left behind.
 */
static void output_visitor_reuse_starts_fresh(void)
{
    static const uint8_t want[] = { 0x2a };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    QVisitLimits tight;
    Visitor *v;
    uint8_t x = 42;

    /* An abandoned walk with tight limits. */
    v = qemu_file_output_visitor_new(f);
    qvisit_limits_init(&tight);
    tight.max_depth = 1;
    visit_set_limits(v, &tight);
    CU_ASSERT_TRUE(visit_start_struct(v, "old", &err));
    visit_free(v);

    /* Depth 2 is allowed again and paths start at the new walk. */
    v = qemu_file_output_visitor_new(f);
    CU_ASSERT_TRUE(visit_start_struct(v, "s", &err) &&
                   visit_start_struct(v, "t", &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(visit_check_range(v, "n", 5, 0, 1, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "s.t.n: expected 0..1, got 5");
    g_clear_error(&err);
    CU_ASSERT_TRUE(visit_end_struct(v, &err) && visit_end_struct(v, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);

    /* A completed visitor comes back completable. */
    v = qemu_file_output_visitor_new(f);
    CU_ASSERT_TRUE(visit_type_u8(v, "x", &x, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));
}

/*
 * A visitor may be freed before or after qemu_fclose() of its file: the
 * file cuts its live visitors loose, so a later visit_free() touches
 * nothing of it (the ASan and valgrind runs check) and any other call
 * fails. Freeing first still hands the visitor back for reuse.
 */
static void visit_free_and_fclose_in_either_order(void)
{
    static const uint8_t want[] = { 0x2a, 0x2a };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *first, *held, *other;
    uint8_t x = 42, y = 0;

    /* Freed before the close: kept by the file and handed out again. */
    first = qemu_file_output_visitor_new(f);
    CU_ASSERT_TRUE(visit_type_u8(first, "x", &x, &err) &&
                   visit_complete(first, &err));
    visit_free(first);
    held = qemu_file_output_visitor_new(f);
    CU_ASSERT_PTR_EQUAL(held, first);
    /* Two more live at the close: one mid-walk, one freed as the spare. */
    other = qemu_file_output_visitor_new(f);
    CU_ASSERT_TRUE(visit_start_struct(held, "dev", &err) &&
                   visit_type_u8(held, "x", &x, &err));
    ASSERT_NO_ERROR(err);
    visit_free(other);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));
    /* Freed after the close: every call fails and nothing is written. */
    CU_ASSERT_FALSE(visit_type_u8(held, "y", &y, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, "dev.y: the file is closed");
    CU_ASSERT_FALSE(visit_type_buffer(held, "b", &x, 1, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, "dev.b: the file is closed");
    CU_ASSERT_FALSE(visit_end_struct(held, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, "dev: the file is closed");
    CU_ASSERT_FALSE(visit_complete(held, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, "the file is closed");
    visit_free(held);
    CU_ASSERT_EQUAL(out->len, sizeof(want));

    /* The same for input visitors, in both orders. */
    f = qemu_fopen_mem(want, sizeof(want));
    first = qemu_file_input_visitor_new(f);
    held = qemu_file_input_visitor_new(f);
    CU_ASSERT_TRUE(visit_type_u8(first, "x", &y, &err));
    CU_ASSERT_EQUAL(y, 42);
    visit_free(first);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    y = 0;
    CU_ASSERT_FALSE(visit_type_u8(held, "y", &y, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, "y: the file is closed");
    CU_ASSERT_EQUAL(y, 0);
    visit_free(held);
}

/*
 * The core writes integers straight into the file's buffer while it has
 * room; across many buffer refills the bytes must equal the legacy puts'.
 */
static void direct_path_across_buffer_flushes_matches_legacy(void)
{
    g_autoptr(GByteArray) legacy = g_byte_array_new();
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *lf = qemu_fopen_bytearray(legacy);
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    bool ok = visit_start_struct(v, "dev", &err);

    for (uint32_t i = 0; ok && i < 30000; i++) {
        uint8_t b = (uint8_t)i;
        uint16_t h = (uint16_t)(i * 7);
        uint32_t w = i * 2654435761u;
        uint64_t q = (uint64_t)i << 33 | i;
        bool present = i % 3 == 0;
        uint8_t bytes[13];

        memset(bytes, (int)i, sizeof(bytes));
        qemu_put_buffer(lf, bytes, sizeof(bytes));

        qemu_put_byte(lf, b);
        qemu_put_be16(lf, h);
        qemu_put_be32(lf, w);
        qemu_put_be64(lf, q);
        qemu_put_byte(lf, present);
        ok = visit_type_buffer(v, "bytes", bytes, sizeof(bytes), &err) &&
             visit_type_u8(v, "b", &b, &err) &&
             visit_type_u16(v, "h", &h, &err) &&
             visit_type_u32(v, "w", &w, &err) &&
             visit_type_u64(v, "q", &q, &err);
        if (ok && visit_optional(v, "p", &present)) {
            qemu_put_be16(lf, h);
            ok = visit_type_u16(v, "p", &h, &err);
        }
    }
    CU_ASSERT_TRUE(ok && visit_end_struct(v, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(lf), 0);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    CU_ASSERT_TRUE(legacy->len > 3 * 32768);
    ASSERT_BYTES_EQUAL(out->data, out->len, legacy->data, legacy->len);
}

/* Once the file has an error, small values (the direct path) report it. */
static void output_after_file_error_is_io_error(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *msg = g_strdup_printf(
        "dev.%s: write failed at byte 1: %s", "x", g_strerror(EIO));
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    uint8_t bytes[4] = { 1, 2, 3, 4 };
    uint16_t x = 1;
    bool present = true;

    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err) &&
                   visit_type_u8(v, "a", &bytes[0], &err));
    qemu_file_set_error(f, -EIO);
    CU_ASSERT_FALSE(visit_type_u16(v, "x", &x, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, msg);
    g_clear_error(&err);
    CU_ASSERT_FALSE(visit_type_buffer(v, "b", bytes, sizeof(bytes), &err));
    CU_ASSERT_EQUAL(err ? err->code : -1, QVISIT_ERROR_IO);
    g_clear_error(&err);
    /* The presence byte's failure surfaces at the next call. */
    CU_ASSERT_FALSE(visit_optional(v, "o", &present));
    CU_ASSERT_FALSE(visit_end_struct(v, &err));
    CU_ASSERT_EQUAL(err ? err->code : -1, QVISIT_ERROR_IO);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
    CU_ASSERT_EQUAL(out->len, 0);
}

static void output_to_closed_pipe_is_io_error(void)
{
    g_autofree uint8_t *big = g_malloc0(40000);
    g_autoptr(GError) err = NULL;
    g_autofree char *msg = g_strdup_printf(
        "dev.ram: write failed at byte 0: %s", g_strerror(EPIPE));
    int fds[2];
    QEMUFile *f;
    Visitor *v;

    CU_ASSERT_FATAL(pipe(fds) == 0);
    close(fds[0]);
    f = qemu_fopen_fd(fds[1], "wb");
    v = qemu_file_output_visitor_new(f);
    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err));
    CU_ASSERT_FALSE(visit_type_buffer(v, "ram", big, 40000, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, msg);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EPIPE);
    close(fds[1]);
}

static void input_read_failure_is_io_error(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *msg = g_strdup_printf(
        "dev.x: read failed at byte 0: %s", g_strerror(EBADF));
    int fds[2];
    QEMUFile *f;
    Visitor *v;
    uint32_t x = 5;

    CU_ASSERT_FATAL(pipe(fds) == 0);
    /* Reading the write end of a pipe fails with EBADF. */
    f = qemu_fopen_fd(fds[1], "rb");
    v = qemu_file_input_visitor_new(f);
    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err));
    CU_ASSERT_FALSE(visit_type_u32(v, "x", &x, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_IO, msg);
    CU_ASSERT_EQUAL(x, 5);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EBADF);
    close(fds[0]);
    close(fds[1]);
}

/*
 * visit_check_range() after an input visit points at the value's first
 * byte, as the visitor's own errors do; when nothing was read yet, or
 * legacy gets moved the file since, it names no offset rather than a
 * wrong one.
 */
static void range_error_names_byte_offset_of_value_read(void)
{
    static const uint8_t in[] = {
        0x07,                           /* a: u8 */
        0x00, 0x00, 0x00, 0x09,         /* n: u32 at byte 1 */
        0x00, 0x00, 0x01, 0x00,         /* legacy be32 */
        0x41, 0x42,                     /* buf[2] at byte 9 */
        0xff, 0xfe,                     /* i: i16 at byte 11 */
    };
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_mem(in, sizeof(in));
    Visitor *v = qemu_file_input_visitor_new(f);
    uint8_t a = 0, buf[2];
    uint32_t n = 0;
    int16_t i = 0;

    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err));
    CU_ASSERT_FALSE(visit_check_range(v, "a", 9, 0, 8, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "dev.a: expected 0..8, got 9");
    CU_ASSERT_TRUE(visit_type_u8(v, "a", &a, &err) &&
                   visit_type_u32(v, "n", &n, &err));
    CU_ASSERT_FALSE(visit_check_range(v, "n", n, 0, 8, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "dev.n: expected 0..8, got 9 at byte 1");
    CU_ASSERT_EQUAL(qemu_get_be32(f), 256);
    CU_ASSERT_FALSE(visit_check_range(v, "legacy", 256, 0, 8, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "dev.legacy: expected 0..8, got 256");
    CU_ASSERT_TRUE(visit_type_buffer(v, "buf", buf, 2, &err));
    CU_ASSERT_FALSE(visit_check_range(v, "buf", buf[0], 0, 8, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "dev.buf: expected 0..8, got 65 at byte 9");
    CU_ASSERT_TRUE(visit_type_i16(v, "i", &i, &err));
    CU_ASSERT_FALSE(visit_check_range(v, "i", i, 0, 8, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "dev.i: expected 0..8, got -2 at byte 11");
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static const TestCase tests[] = {
    { "range_error_names_byte_offset_of_value_read",
      range_error_names_byte_offset_of_value_read },
    { "int_output_matches_legacy_and_reads_back",
      int_output_matches_legacy_and_reads_back },
    { "int_input_truncated_leaves_value_unchanged",
      int_input_truncated_leaves_value_unchanged },
    { "bool_output_matches_legacy_and_reads_back",
      bool_output_matches_legacy_and_reads_back },
    { "bool_input_rejects_byte_2_with_range_error",
      bool_input_rejects_byte_2_with_range_error },
    { "number_is_be64_of_ieee_bits", number_is_be64_of_ieee_bits },
    { "optional_writes_presence_byte", optional_writes_presence_byte },
    { "optional_bad_presence_byte_fails_next_call",
      optional_bad_presence_byte_fails_next_call },
    { "optional_truncated_fails_next_call",
      optional_truncated_fails_next_call },
    { "subsection_writes_qemu_header_only_when_present",
      subsection_writes_qemu_header_only_when_present },
    { "subsection_input_finds_present_and_absent_ones",
      subsection_input_finds_present_and_absent_ones },
    { "subsection_input_errors", subsection_input_errors },
    { "subsection_is_an_object_member_in_trees",
      subsection_is_an_object_member_in_trees },
    { "nested_walk_matches_legacy_and_reads_back",
      nested_walk_matches_legacy_and_reads_back },
    { "nested_walk_truncated_at_every_offset_names_member",
      nested_walk_truncated_at_every_offset_names_member },
    { "uint_arrays_match_legacy_per_element_puts",
      uint_arrays_match_legacy_per_element_puts },
    { "uint_array_truncated_stores_whole_elements_only",
      uint_array_truncated_stores_whole_elements_only },
    { "buffer_is_raw_and_truncation_leaves_it_unchanged",
      buffer_is_raw_and_truncation_leaves_it_unchanged },
    { "string_is_be32_length_then_bytes", string_is_be32_length_then_bytes },
    { "string_input_errors", string_input_errors },
    { "string_output_rejects_invalid_utf8",
      string_output_rejects_invalid_utf8 },
    { "formats_md_example_bytes", formats_md_example_bytes },
    { "visitors_borrow_the_file", visitors_borrow_the_file },
    { "output_visitor_reuse_starts_fresh",
      output_visitor_reuse_starts_fresh },
    { "visit_free_and_fclose_in_either_order",
      visit_free_and_fclose_in_either_order },
    { "direct_path_across_buffer_flushes_matches_legacy",
      direct_path_across_buffer_flushes_matches_legacy },
    { "output_after_file_error_is_io_error",
      output_after_file_error_is_io_error },
    { "input_read_failure_is_io_error", input_read_failure_is_io_error },
    { "output_to_closed_pipe_is_io_error",
      output_to_closed_pipe_is_io_error },
    { NULL, NULL },
};

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    return test_run_suite("qemu-file-visitor", tests);
}
