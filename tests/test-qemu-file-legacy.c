/*
 * QEMU's plain-value QEMUFile API for legacy device code (the pointer,
 * signed and counted-string forms, buffer variants): exact bytes, round
 * trips, sign extension, truncation; and typical legacy device code
 * (tests/legacy-device.c) compiled unchanged.
 */
#include "qvisit/qemu-file.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tests/test-util.h"

#include "tests/legacy-device.c"

/* Every put form, one op each. */
enum {
    OP_SBYTE, OP_8S, OP_S8S,
    OP_BE16S, OP_BE32S, OP_BE64S,
    OP_SBE16, OP_SBE32, OP_SBE64,
    OP_SBE16S, OP_SBE32S, OP_SBE64S,
};

static const char *const op_names[] = {
    "sbyte", "8s", "s8s", "be16s", "be32s", "be64s", "sbe16", "sbe32",
    "sbe64", "sbe16s", "sbe32s", "sbe64s",
};

static size_t op_width(int op)
{
    static const size_t widths[] = { 1, 1, 1, 2, 4, 8, 2, 4, 8, 2, 4, 8 };

    return widths[op];
}

/* Puts @v (its low bits, as the form's C type) with form @op. */
static void put_op(QEMUFile *f, int op, int64_t v)
{
    uint8_t u8 = (uint8_t)v;
    int8_t s8 = (int8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;
    uint64_t u64 = (uint64_t)v;
    int16_t s16 = (int16_t)v;
    int32_t s32 = (int32_t)v;

    switch (op) {
    case OP_SBYTE:
        qemu_put_sbyte(f, (int)v);
        break;
    case OP_8S:
        qemu_put_8s(f, &u8);
        break;
    case OP_S8S:
        qemu_put_s8s(f, &s8);
        break;
    case OP_BE16S:
        qemu_put_be16s(f, &u16);
        break;
    case OP_BE32S:
        qemu_put_be32s(f, &u32);
        break;
    case OP_BE64S:
        qemu_put_be64s(f, &u64);
        break;
    case OP_SBE16:
        qemu_put_sbe16(f, (int)v);
        break;
    case OP_SBE32:
        qemu_put_sbe32(f, (int)v);
        break;
    case OP_SBE64:
        qemu_put_sbe64(f, v);
        break;
    case OP_SBE16S:
        qemu_put_sbe16s(f, &s16);
        break;
    case OP_SBE32S:
        qemu_put_sbe32s(f, &s32);
        break;
    default:
        qemu_put_sbe64s(f, &v);
        break;
    }
}

static const struct {
    int op;
    int64_t v;
    uint8_t want[8];
} put_cases[] = {
    { OP_SBYTE, 0, { 0x00 } },
    { OP_SBYTE, 1, { 0x01 } },
    { OP_SBYTE, 127, { 0x7f } },
    { OP_SBYTE, -128, { 0x80 } },
    { OP_SBYTE, -1, { 0xff } },
    { OP_SBYTE, 0x1ff, { 0xff } },              /* only the low 8 bits */
    { OP_8S, 0, { 0x00 } },
    { OP_8S, 1, { 0x01 } },
    { OP_8S, 0x80, { 0x80 } },
    { OP_8S, 0xff, { 0xff } },
    { OP_S8S, 0, { 0x00 } },
    { OP_S8S, 1, { 0x01 } },
    { OP_S8S, INT8_MAX, { 0x7f } },
    { OP_S8S, INT8_MIN, { 0x80 } },
    { OP_S8S, -1, { 0xff } },
    { OP_BE16S, 0, { 0x00, 0x00 } },
    { OP_BE16S, 1, { 0x00, 0x01 } },
    { OP_BE16S, 0x1234, { 0x12, 0x34 } },
    { OP_BE16S, UINT16_MAX, { 0xff, 0xff } },
    { OP_BE32S, 0, { 0, 0, 0, 0 } },
    { OP_BE32S, 1, { 0, 0, 0, 1 } },
    { OP_BE32S, 0x12345678, { 0x12, 0x34, 0x56, 0x78 } },
    { OP_BE32S, UINT32_MAX, { 0xff, 0xff, 0xff, 0xff } },
    { OP_BE64S, 0, { 0, 0, 0, 0, 0, 0, 0, 0 } },
    { OP_BE64S, 1, { 0, 0, 0, 0, 0, 0, 0, 1 } },
    { OP_BE64S, 0x0123456789abcdefll,
      { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } },
    { OP_BE64S, -1, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
    { OP_SBE16, 0, { 0x00, 0x00 } },
    { OP_SBE16, 1, { 0x00, 0x01 } },
    { OP_SBE16, INT16_MAX, { 0x7f, 0xff } },
    { OP_SBE16, INT16_MIN, { 0x80, 0x00 } },
    { OP_SBE16, -1, { 0xff, 0xff } },
    { OP_SBE16, -2, { 0xff, 0xfe } },
    { OP_SBE16, 0x12345, { 0x23, 0x45 } },      /* only the low 16 bits */
    { OP_SBE32, 0, { 0, 0, 0, 0 } },
    { OP_SBE32, 1, { 0, 0, 0, 1 } },
    { OP_SBE32, INT32_MAX, { 0x7f, 0xff, 0xff, 0xff } },
    { OP_SBE32, INT32_MIN, { 0x80, 0x00, 0x00, 0x00 } },
    { OP_SBE32, -1, { 0xff, 0xff, 0xff, 0xff } },
    { OP_SBE32, -2, { 0xff, 0xff, 0xff, 0xfe } },
    { OP_SBE64, 0, { 0, 0, 0, 0, 0, 0, 0, 0 } },
    { OP_SBE64, 1, { 0, 0, 0, 0, 0, 0, 0, 1 } },
    { OP_SBE64, INT64_MAX,
      { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
    { OP_SBE64, INT64_MIN, { 0x80, 0, 0, 0, 0, 0, 0, 0 } },
    { OP_SBE64, -1, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
    { OP_SBE64, -2, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe } },
    { OP_SBE16S, INT16_MAX, { 0x7f, 0xff } },
    { OP_SBE16S, INT16_MIN, { 0x80, 0x00 } },
    { OP_SBE16S, -1, { 0xff, 0xff } },
    { OP_SBE16S, 1, { 0x00, 0x01 } },
    { OP_SBE32S, INT32_MAX, { 0x7f, 0xff, 0xff, 0xff } },
    { OP_SBE32S, INT32_MIN, { 0x80, 0x00, 0x00, 0x00 } },
    { OP_SBE32S, -1, { 0xff, 0xff, 0xff, 0xff } },
    { OP_SBE32S, 0, { 0, 0, 0, 0 } },
    { OP_SBE64S, INT64_MAX,
      { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
    { OP_SBE64S, INT64_MIN, { 0x80, 0, 0, 0, 0, 0, 0, 0 } },
    { OP_SBE64S, -1, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
    { OP_SBE64S, 1, { 0, 0, 0, 0, 0, 0, 0, 1 } },
};

static void each_put_form_writes_exact_bytes(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(put_cases); i++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        QEMUFile *f = qemu_fopen_bytearray(out);
        size_t w = op_width(put_cases[i].op);

        put_op(f, put_cases[i].op, put_cases[i].v);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), w);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        if (out->len != w || memcmp(out->data, put_cases[i].want, w)) {
            fprintf(stderr, "\nput case %zu (%s %" G_GINT64_FORMAT ")\n", i,
                    op_names[put_cases[i].op], put_cases[i].v);
        }
        ASSERT_BYTES_EQUAL(out->data, out->len, put_cases[i].want, w);
    }
}

/* Every get form, one op each; the result widened to int64_t. */
enum {
    GET_SBYTE, GET_UBYTE, GET_8S, GET_S8S,
    GET_BE16S, GET_BE32S, GET_BE64S,
    GET_SBE16, GET_SBE32, GET_SBE64,
    GET_SBE16S, GET_SBE32S, GET_SBE64S,
};

static const char *const get_names[] = {
    "sbyte", "ubyte", "8s", "s8s", "be16s", "be32s", "be64s", "sbe16",
    "sbe32", "sbe64", "sbe16s", "sbe32s", "sbe64s",
};

static size_t get_width(int op)
{
    static const size_t widths[] = { 1, 1, 1, 1, 2, 4, 8, 2, 4, 8, 2, 4, 8 };

    return widths[op];
}

/*
 * Gets with form @op. The pointer forms start from a sentinel (all bits
 * set), so a test sees whether they stored.
 */
static int64_t get_op(QEMUFile *f, int op)
{
    uint8_t u8 = UINT8_MAX;
    int8_t s8 = -1;
    uint16_t u16 = UINT16_MAX;
    uint32_t u32 = UINT32_MAX;
    uint64_t u64 = UINT64_MAX;
    int16_t s16 = -1;
    int32_t s32 = -1;
    int64_t s64 = -1;

    switch (op) {
    case GET_SBYTE:
        return qemu_get_sbyte(f);
    case GET_UBYTE:
        return qemu_get_ubyte(f);
    case GET_8S:
        qemu_get_8s(f, &u8);
        return u8;
    case GET_S8S:
        qemu_get_s8s(f, &s8);
        return s8;
    case GET_BE16S:
        qemu_get_be16s(f, &u16);
        return u16;
    case GET_BE32S:
        qemu_get_be32s(f, &u32);
        return u32;
    case GET_BE64S:
        qemu_get_be64s(f, &u64);
        return (int64_t)u64;
    case GET_SBE16:
        return qemu_get_sbe16(f);
    case GET_SBE32:
        return qemu_get_sbe32(f);
    case GET_SBE64:
        return qemu_get_sbe64(f);
    case GET_SBE16S:
        qemu_get_sbe16s(f, &s16);
        return s16;
    case GET_SBE32S:
        qemu_get_sbe32s(f, &s32);
        return s32;
    default:
        qemu_get_sbe64s(f, &s64);
        return s64;
    }
}

static const struct {
    int op;
    uint8_t bytes[8];
    int64_t want;
} get_cases[] = {
    /* QEMU's qemu_get_sbyte() is qemu_get_byte(): no sign extension. */
    { GET_SBYTE, { 0x00 }, 0 },
    { GET_SBYTE, { 0x7f }, 127 },
    { GET_SBYTE, { 0x80 }, 128 },
    { GET_SBYTE, { 0xff }, 255 },
    { GET_UBYTE, { 0x00 }, 0 },
    { GET_UBYTE, { 0x01 }, 1 },
    { GET_UBYTE, { 0xff }, 255 },
    { GET_8S, { 0x00 }, 0 },
    { GET_8S, { 0x80 }, 128 },
    { GET_8S, { 0xff }, 255 },
    { GET_S8S, { 0x00 }, 0 },
    { GET_S8S, { 0x7f }, INT8_MAX },
    { GET_S8S, { 0x80 }, INT8_MIN },
    { GET_S8S, { 0xff }, -1 },
    { GET_BE16S, { 0x12, 0x34 }, 0x1234 },
    { GET_BE16S, { 0xff, 0xff }, UINT16_MAX },
    { GET_BE32S, { 0x12, 0x34, 0x56, 0x78 }, 0x12345678 },
    { GET_BE32S, { 0xff, 0xff, 0xff, 0xff }, UINT32_MAX },
    { GET_BE64S, { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef },
      0x0123456789abcdefll },
    { GET_BE64S, { 0, 0, 0, 0, 0, 0, 0, 0 }, 0 },
    /* QEMU's qemu_get_sbe16() returns (int) of the u16: 0..65535. */
    { GET_SBE16, { 0x00, 0x01 }, 1 },
    { GET_SBE16, { 0x7f, 0xff }, INT16_MAX },
    { GET_SBE16, { 0x80, 0x00 }, 0x8000 },
    { GET_SBE16, { 0xff, 0xfe }, 65534 },
    { GET_SBE32, { 0, 0, 0, 1 }, 1 },
    { GET_SBE32, { 0x7f, 0xff, 0xff, 0xff }, INT32_MAX },
    { GET_SBE32, { 0x80, 0, 0, 0 }, INT32_MIN },
    { GET_SBE32, { 0xff, 0xff, 0xff, 0xfe }, -2 },
    { GET_SBE64, { 0, 0, 0, 0, 0, 0, 0, 1 }, 1 },
    { GET_SBE64, { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
      INT64_MAX },
    { GET_SBE64, { 0x80, 0, 0, 0, 0, 0, 0, 0 }, INT64_MIN },
    { GET_SBE64, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe }, -2 },
    { GET_SBE16S, { 0x00, 0x01 }, 1 },
    { GET_SBE16S, { 0x7f, 0xff }, INT16_MAX },
    { GET_SBE16S, { 0x80, 0x00 }, INT16_MIN },
    { GET_SBE16S, { 0xff, 0xfe }, -2 },
    { GET_SBE32S, { 0, 0, 0, 0 }, 0 },
    { GET_SBE32S, { 0x80, 0, 0, 0 }, INT32_MIN },
    { GET_SBE32S, { 0xff, 0xff, 0xff, 0xff }, -1 },
    { GET_SBE64S, { 0, 0, 0, 0, 0, 0, 0, 0 }, 0 },
    { GET_SBE64S, { 0x80, 0, 0, 0, 0, 0, 0, 0 }, INT64_MIN },
    { GET_SBE64S, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, -1 },
};

static void each_get_form_reads_exact_values_and_signs(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(get_cases); i++) {
        size_t w = get_width(get_cases[i].op);
        QEMUFile *f = qemu_fopen_mem(get_cases[i].bytes, w);
        int64_t got = get_op(f, get_cases[i].op);

        if (got != get_cases[i].want) {
            fprintf(stderr, "\nget case %zu (%s): got %" G_GINT64_FORMAT
                    ", want %" G_GINT64_FORMAT "\n", i,
                    get_names[get_cases[i].op], got, get_cases[i].want);
        }
        CU_ASSERT_EQUAL(got, get_cases[i].want);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), w);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    }
}

/* Each put form with the get form that reads its type back exactly. */
static const struct {
    int put, get;
    int64_t values[5];      /* 0, 1, min, max, -1 of the form's type */
} round_trips[] = {
    { OP_8S, GET_8S, { 0, 1, 0, UINT8_MAX, UINT8_MAX } },
    { OP_SBYTE, GET_UBYTE, { 0, 1, 0, UINT8_MAX, UINT8_MAX } },
    { OP_S8S, GET_S8S, { 0, 1, INT8_MIN, INT8_MAX, -1 } },
    { OP_BE16S, GET_BE16S, { 0, 1, 0, UINT16_MAX, UINT16_MAX } },
    { OP_BE32S, GET_BE32S, { 0, 1, 0, UINT32_MAX, UINT32_MAX } },
    { OP_BE64S, GET_BE64S, { 0, 1, 0, -1, -1 } },
    { OP_SBE16, GET_SBE16S, { 0, 1, INT16_MIN, INT16_MAX, -1 } },
    { OP_SBE32, GET_SBE32, { 0, 1, INT32_MIN, INT32_MAX, -1 } },
    { OP_SBE64, GET_SBE64, { 0, 1, INT64_MIN, INT64_MAX, -1 } },
    { OP_SBE16S, GET_SBE16S, { 0, 1, INT16_MIN, INT16_MAX, -1 } },
    { OP_SBE32S, GET_SBE32S, { 0, 1, INT32_MIN, INT32_MAX, -1 } },
    { OP_SBE64S, GET_SBE64S, { 0, 1, INT64_MIN, INT64_MAX, -1 } },
};

static void each_form_round_trips_edge_values(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(round_trips); i++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        QEMUFile *f = qemu_fopen_bytearray(out);
        size_t n = G_N_ELEMENTS(round_trips[i].values);

        for (size_t j = 0; j < n; j++) {
            put_op(f, round_trips[i].put, round_trips[i].values[j]);
        }
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        CU_ASSERT_EQUAL(out->len, n * op_width(round_trips[i].put));
        f = qemu_fopen_mem(out->data, out->len);
        for (size_t j = 0; j < n; j++) {
            int64_t got = get_op(f, round_trips[i].get);

            if (got != round_trips[i].values[j]) {
                fprintf(stderr, "\nround trip %s/%s: got %" G_GINT64_FORMAT
                        ", want %" G_GINT64_FORMAT "\n",
                        op_names[round_trips[i].put],
                        get_names[round_trips[i].get], got,
                        round_trips[i].values[j]);
            }
            CU_ASSERT_EQUAL(got, round_trips[i].values[j]);
        }
        CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), out->len);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    }
}

static const uint8_t ones[8] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/*
 * A get with fewer bytes left than its width yields 0 (pointer forms
 * store 0 over the sentinel), sets -EIO and consumes what was there.
 */
static void each_get_form_truncated_sets_eio_and_yields_zero(void)
{
    for (int op = GET_SBYTE; op <= GET_SBE64S; op++) {
        for (size_t have = 0; have < get_width(op); have++) {
            QEMUFile *f = qemu_fopen_mem(ones, have);

            CU_ASSERT_EQUAL(get_op(f, op), 0);
            CU_ASSERT_EQUAL(qemu_file_get_error(f), -EIO);
            CU_ASSERT_EQUAL(qemu_file_transferred(f), have);
            CU_ASSERT_EQUAL(qemu_file_rate_limit(f), 1);
            CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
        }
    }
}

/* After an error every get yields 0 and consumes nothing. */
static void each_get_form_after_error_yields_zero(void)
{
    for (int op = GET_SBYTE; op <= GET_SBE64S; op++) {
        QEMUFile *f = qemu_fopen_mem(ones, sizeof(ones));

        qemu_file_set_error(f, -EBADMSG);
        CU_ASSERT_EQUAL(get_op(f, op), 0);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), 0);
        CU_ASSERT_EQUAL(qemu_fclose(f), -EBADMSG);
    }
}

/* After an error every put writes nothing. */
static void each_put_form_after_error_writes_nothing(void)
{
    for (int op = OP_SBYTE; op <= OP_SBE64S; op++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        QEMUFile *f = qemu_fopen_bytearray(out);

        qemu_put_byte(f, 0x42);
        qemu_file_set_error(f, -ENOSPC);
        put_op(f, op, -1);
        qemu_put_counted_string(f, "abc");
        qemu_put_buffer_async(f, ones, 4, false);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), 1);
        CU_ASSERT_EQUAL(qemu_fclose(f), -ENOSPC);
        CU_ASSERT_EQUAL(out->len, 0);
    }
}

static void counted_string_writes_length_byte_then_bytes(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    char longest[256];
    static const uint8_t want_head[] = {
        0x03, 'a', 'b', 'c', 0x00, 0x05, 'e', '1', '0', '0', '0', 0xff,
    };

    memset(longest, 'x', 255);
    longest[255] = '\0';
    qemu_put_counted_string(f, "abc");
    qemu_put_counted_string(f, "");
    qemu_put_counted_string(f, "e1000");
    qemu_put_counted_string(f, longest);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    CU_ASSERT_EQUAL_FATAL(out->len, sizeof(want_head) + 255);
    ASSERT_BYTES_EQUAL(out->data, sizeof(want_head), want_head,
                       sizeof(want_head));
    ASSERT_BYTES_EQUAL(out->data + sizeof(want_head), 255, longest, 255);
}

static void counted_string_round_trips_and_nul_terminates(void)
{
    static const uint8_t in[] = {
        0x03, 'a', 'b', 'c', 0x00, 0x02, 'x', 'y',
    };
    QEMUFile *f = qemu_fopen_mem(in, sizeof(in));
    char buf[256];

    memset(buf, '#', sizeof(buf));
    CU_ASSERT_EQUAL(qemu_get_counted_string(f, buf), 3);
    CU_ASSERT_STRING_EQUAL(buf, "abc");
    memset(buf, '#', sizeof(buf));
    CU_ASSERT_EQUAL(qemu_get_counted_string(f, buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_EQUAL(qemu_get_counted_string(f, buf), 2);
    CU_ASSERT_STRING_EQUAL(buf, "xy");
    CU_ASSERT_EQUAL(qemu_file_get_error(f), 0);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static void counted_string_truncated_sets_eio_and_gives_empty(void)
{
    static const uint8_t in[] = { 0x05, 'a', 'b' };
    static const size_t lens[] = { 0, 3 };   /* no length byte; cut body */

    for (size_t i = 0; i < G_N_ELEMENTS(lens); i++) {
        QEMUFile *f = qemu_fopen_mem(in, lens[i]);
        char buf[256];

        memset(buf, '#', sizeof(buf));
        CU_ASSERT_EQUAL(qemu_get_counted_string(f, buf), 0);
        CU_ASSERT_STRING_EQUAL(buf, "");
        CU_ASSERT_EQUAL(qemu_file_get_error(f), -EIO);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), lens[i]);
        CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
    }
}

static void get_buffer_in_place_points_into_mem_data(void)
{
    static const uint8_t in[] = { 1, 2, 3, 4, 5, 6 };
    QEMUFile *f = qemu_fopen_mem(in, sizeof(in));
    uint8_t copy[8] = { 0 };
    uint8_t *p = copy;

    CU_ASSERT_EQUAL(qemu_get_byte(f), 1);
    CU_ASSERT_EQUAL(qemu_get_buffer_in_place(f, &p, 3), 3);
    CU_ASSERT_PTR_EQUAL(p, in + 1);     /* no copy for a memory file */
    ASSERT_BYTES_EQUAL(p, 3, in + 1, 3);
    CU_ASSERT_EQUAL(copy[0], 0);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 4);
    p = copy;
    /* Two bytes left: a get of three fails, consuming them. */
    CU_ASSERT_EQUAL(qemu_get_buffer_in_place(f, &p, 3), 0);
    CU_ASSERT_PTR_EQUAL(p, copy);
    CU_ASSERT_EQUAL(qemu_file_get_error(f), -EIO);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), 6);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

static void get_buffer_in_place_copies_large_reads_from_fd(void)
{
    size_t len = 100000;    /* larger than the 32 KiB buffer */
    g_autofree uint8_t *data = g_malloc(len);
    g_autofree uint8_t *dst = g_malloc0(len);
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    uint8_t *p = dst;
    uint8_t small[4];
    uint8_t *q = small;
    QEMUFile *f;
    int fd;

    for (size_t i = 0; i < len; i++) {
        data[i] = (uint8_t)(i * 7);
    }
    fd = g_file_open_tmp("qvisit-legacy-XXXXXX", &path, &err);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_FATAL(g_file_set_contents(path, (char *)data, len, &err));
    f = qemu_fopen_path(path, "rb", &err);
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL(qemu_get_buffer_in_place(f, &q, 4), 4);
    CU_ASSERT_PTR_NOT_EQUAL(q, small);  /* handed out from the buffer */
    ASSERT_BYTES_EQUAL(q, 4, data, 4);
    CU_ASSERT_EQUAL(qemu_get_buffer_in_place(f, &p, len - 4), len - 4);
    CU_ASSERT_PTR_EQUAL(p, dst);        /* too large: copied */
    ASSERT_BYTES_EQUAL(dst, len - 4, data + 4, len - 4);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    g_unlink(path);
}

static void put_buffer_async_writes_bytes_at_once(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    uint8_t buf[3] = { 0xa1, 0xb2, 0xc3 };
    static const uint8_t want[] = { 0x07, 0xa1, 0xb2, 0xc3, 0x08 };

    qemu_put_byte(f, 0x07);
    qemu_put_buffer_async(f, buf, sizeof(buf), true);
    memset(buf, 0, sizeof(buf));        /* reusable at once */
    qemu_put_byte(f, 0x08);
    CU_ASSERT_EQUAL(qemu_file_rate_limit(f), 0);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));
}

/* --- Legacy device code compiled unchanged (tests/legacy-device.c) --- */

static const LegacyTimerState timer_state = {
    .ctrl = 0xa5,
    .trim = -3,
    .divisor = 0xbeef,
    .offset = -300,
    .count = 0xdeadbeefu,
    .delta = -70000,
    .load_time = 0x0102030405060708ull,
    .next_time = -2,
    .regs = { 0, 1, 2, 3, 0xfc, 0xfd, 0xfe, 0xff },
    .irq_level = -1,
    .mode = 3,
    .fifo_len = 16,
    .period = INT64_MIN,
    .enabled = true,
    .name = "timer0",
    .bias = -128,
};

static const uint8_t timer_bytes[] = {
    0xa5,                                           /* ctrl */
    0xfd,                                           /* trim -3 */
    0xbe, 0xef,                                     /* divisor */
    0xfe, 0xd4,                                     /* offset -300 */
    0xde, 0xad, 0xbe, 0xef,                         /* count */
    0xff, 0xfe, 0xee, 0x90,                         /* delta -70000 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* load_time */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, /* next_time -2 */
    0x00, 0x01, 0x02, 0x03, 0xfc, 0xfd, 0xfe, 0xff, /* regs */
    0xff, 0xff, 0xff, 0xff,                         /* irq_level -1 */
    0x00, 0x00, 0x00, 0x03,                         /* mode */
    0x00, 0x10,                                     /* fifo_len */
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* period */
    0x01,                                           /* enabled */
    0x06, 't', 'i', 'm', 'e', 'r', '0',             /* name */
    0x80,                                           /* bias -128 */
};

/* Bytes of version 1: everything before "name". */
#define TIMER_V1_LEN (sizeof(timer_bytes) - 8)

static bool timer_equal(const LegacyTimerState *a, const LegacyTimerState *b,
                        int version)
{
    return a->ctrl == b->ctrl && a->trim == b->trim &&
           a->divisor == b->divisor && a->offset == b->offset &&
           a->count == b->count && a->delta == b->delta &&
           a->load_time == b->load_time && a->next_time == b->next_time &&
           !memcmp(a->regs, b->regs, sizeof(a->regs)) &&
           a->irq_level == b->irq_level && a->mode == b->mode &&
           a->fifo_len == b->fifo_len && a->period == b->period &&
           a->enabled == b->enabled &&
           (version < 2 ||
            (!strcmp(a->name, b->name) && a->bias == b->bias));
}

static void legacy_device_save_writes_exact_bytes(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    LegacyTimerState s = timer_state;

    legacy_timer_save(f, &s);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, timer_bytes, sizeof(timer_bytes));
}

static void legacy_device_load_reads_every_version(void)
{
    static const struct { int version; size_t len; } cases[] = {
        { 2, sizeof(timer_bytes) },
        { 1, TIMER_V1_LEN },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QEMUFile *f = qemu_fopen_mem(timer_bytes, cases[i].len);
        LegacyTimerState s = { 0 };

        CU_ASSERT_EQUAL(legacy_timer_load(f, &s, cases[i].version), 0);
        CU_ASSERT_TRUE(timer_equal(&s, &timer_state, cases[i].version));
        CU_ASSERT_EQUAL(qemu_file_transferred(f), cases[i].len);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    }
}

static void legacy_device_load_truncated_anywhere_returns_eio(void)
{
    for (size_t len = 0; len < sizeof(timer_bytes); len++) {
        QEMUFile *f = qemu_fopen_mem(timer_bytes, len);
        LegacyTimerState s = { 0 };
        int ret = legacy_timer_load(f, &s, 2);

        /*
         * A cut before or inside fifo_len makes it read 0, which passes
         * the device's range check, so every cut ends in the file's -EIO.
         */
        if (ret != -EIO) {
            fprintf(stderr, "\ncut at %zu: load returned %d\n", len, ret);
        }
        CU_ASSERT_EQUAL(ret, -EIO);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), len);
        qemu_fclose(f);
    }
}

static const TestCase tests[] = {
    { "each_put_form_writes_exact_bytes", each_put_form_writes_exact_bytes },
    { "each_get_form_reads_exact_values_and_signs",
      each_get_form_reads_exact_values_and_signs },
    { "each_form_round_trips_edge_values",
      each_form_round_trips_edge_values },
    { "each_get_form_truncated_sets_eio_and_yields_zero",
      each_get_form_truncated_sets_eio_and_yields_zero },
    { "each_get_form_after_error_yields_zero",
      each_get_form_after_error_yields_zero },
    { "each_put_form_after_error_writes_nothing",
      each_put_form_after_error_writes_nothing },
    { "counted_string_writes_length_byte_then_bytes",
      counted_string_writes_length_byte_then_bytes },
    { "counted_string_round_trips_and_nul_terminates",
      counted_string_round_trips_and_nul_terminates },
    { "counted_string_truncated_sets_eio_and_gives_empty",
      counted_string_truncated_sets_eio_and_gives_empty },
    { "get_buffer_in_place_points_into_mem_data",
      get_buffer_in_place_points_into_mem_data },
    { "get_buffer_in_place_copies_large_reads_from_fd",
      get_buffer_in_place_copies_large_reads_from_fd },
    { "put_buffer_async_writes_bytes_at_once",
      put_buffer_async_writes_bytes_at_once },
    { "legacy_device_save_writes_exact_bytes",
      legacy_device_save_writes_exact_bytes },
    { "legacy_device_load_reads_every_version",
      legacy_device_load_reads_every_version },
    { "legacy_device_load_truncated_anywhere_returns_eio",
      legacy_device_load_truncated_anywhere_returns_eio },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-file-legacy", tests);
}
