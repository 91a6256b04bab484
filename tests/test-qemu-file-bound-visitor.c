/* qemu_file_get_visitor(): one visitor per file, mixed with legacy calls. */
#include "qvisit/qemu-file-visitor.h"

#include <errno.h>

#include "tests/test-util.h"

typedef struct Chan {
    uint16_t count;
    uint32_t latch;
} Chan;

static void get_visitor_binds_one_visitor_per_file(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *w = qemu_fopen_bytearray(out);
    QEMUFile *r = qemu_fopen_mem(NULL, 0);
    Visitor *vw = qemu_file_get_visitor(w);
    Visitor *vr = qemu_file_get_visitor(r);

    CU_ASSERT_PTR_EQUAL(qemu_file_get_visitor(w), vw);
    CU_ASSERT_PTR_EQUAL(qemu_file_get_visitor(r), vr);
    CU_ASSERT_EQUAL(visit_get_type(vw), VISITOR_OUTPUT);
    CU_ASSERT_EQUAL(visit_get_type(vr), VISITOR_INPUT);
    /* qemu_fclose() frees them; valgrind checks. */
    CU_ASSERT_EQUAL(qemu_fclose(w), 0);
    CU_ASSERT_EQUAL(qemu_fclose(r), 0);
}

/* A device half-way through conversion, both directions. */
static void mixed_save(QEMUFile *f, Chan *c, uint8_t *mode, GError **errp)
{
    qemu_put_be32(f, 0xcafe0001);
    CU_ASSERT_TRUE(visit_type_u8(qemu_file_get_visitor(f), "mode", mode,
                                 errp));
    qemu_put_be16(f, 0x7777);
    CU_ASSERT_TRUE(visit_start_struct(qemu_file_get_visitor(f), "chan",
                                      errp) &&
                   visit_type_u16(qemu_file_get_visitor(f), "count",
                                  &c->count, errp) &&
                   visit_end_struct(qemu_file_get_visitor(f), errp));
    qemu_put_be32(f, c->latch);
    CU_ASSERT_TRUE(visit_type_u32(qemu_file_get_visitor(f), "latch",
                                  &c->latch, errp));
}

static void interleaved_legacy_and_visitor_calls_keep_order(void)
{
    static const uint8_t want[] = {
        0xca, 0xfe, 0x00, 0x01, 0x05, 0x77, 0x77, 0x12, 0x34,
        0x89, 0xab, 0xcd, 0xef, 0x89, 0xab, 0xcd, 0xef,
    };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);
    Chan c = { 0x1234, 0x89abcdef }, back = { 0 };
    uint8_t mode = 5, back_mode = 0;

    mixed_save(f, &c, &mode, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), sizeof(want));
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));

    f = qemu_fopen_mem(want, sizeof(want));
    CU_ASSERT_EQUAL(qemu_get_be32(f), 0xcafe0001);
    CU_ASSERT_TRUE(visit_type_u8(qemu_file_get_visitor(f), "mode",
                                 &back_mode, &err));
    CU_ASSERT_EQUAL(qemu_get_be16(f), 0x7777);
    CU_ASSERT_TRUE(visit_start_struct(qemu_file_get_visitor(f), "chan",
                                      &err) &&
                   visit_type_u16(qemu_file_get_visitor(f), "count",
                                  &back.count, &err) &&
                   visit_end_struct(qemu_file_get_visitor(f), &err));
    CU_ASSERT_EQUAL(qemu_get_be32(f), 0x89abcdef);
    CU_ASSERT_TRUE(visit_type_u32(qemu_file_get_visitor(f), "latch",
                                  &back.latch, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(back_mode, 5);
    CU_ASSERT_EQUAL(back.count, 0x1234);
    CU_ASSERT_EQUAL(back.latch, 0x89abcdef);
    CU_ASSERT_EQUAL(qemu_file_transferred(f), sizeof(want));
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
}

static void bound_visitor_sees_legacy_truncation(void)
{
    static const uint8_t bytes[] = { 0, 0, 0 };
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_mem(bytes, sizeof(bytes));
    uint8_t x = 1;

    CU_ASSERT_EQUAL(qemu_get_be32(f), 0);        /* legacy read fails */
    CU_ASSERT_FALSE(visit_type_u8(qemu_file_get_visitor(f), "x", &x, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "x: stream truncated at byte 3");
    CU_ASSERT_EQUAL(x, 1);
    CU_ASSERT_EQUAL(qemu_fclose(f), -EIO);
}

static void bound_visitor_serves_repeated_walks(void)
{
    static const uint8_t want[] = { 0x01, 0x00, 0x02, 0x04, 0x00, 0x04 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    QEMUFile *f = qemu_fopen_bytearray(out);

    for (uint8_t i = 0; i < 2; i++) {
        Chan c = { .count = 2 * i + 2 };
        uint8_t id = 3 * i + 1;
        Visitor *v = qemu_file_get_visitor(f);

        CU_ASSERT_TRUE(visit_type_u8(v, "id", &id, &err) &&
                       visit_start_struct(v, "chan", &err) &&
                       visit_type_u16(v, "count", &c.count, &err) &&
                       visit_end_struct(v, &err));
        ASSERT_NO_ERROR(err);
    }
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));
}

static const TestCase tests[] = {
    { "get_visitor_binds_one_visitor_per_file",
      get_visitor_binds_one_visitor_per_file },
    { "interleaved_legacy_and_visitor_calls_keep_order",
      interleaved_legacy_and_visitor_calls_keep_order },
    { "bound_visitor_sees_legacy_truncation",
      bound_visitor_sees_legacy_truncation },
    { "bound_visitor_serves_repeated_walks",
      bound_visitor_serves_repeated_walks },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-file-bound-visitor", tests);
}
