/*
 * A real QEMU 7.2 device as a field table: the i8254 PIT's
 * VMStateDescription (hw/timer/i8254_common.c) written in qvisit's
 * vocabulary, line for line, as docs/converting-devices.md ("From
 * VMState") shows it: the built-in device of examples/qemu-devices/i8254.c,
 * checked against the i8254 sections of the QEMU streams in
 * tests/data/qemu: the table gives the tree the vmdesc-based decode gives,
 * and its QEMUFile bytes are the section's payload.
 */
#include <string.h>

#include "tests/test-util.h"

#include "examples/qemu-devices/qemu-devices.h"

/* The section's root struct around the device's fields. */
static bool i8254_visit(Visitor *v, void *opaque, uint32_t version,
                        GError **errp)
{
    return visit_start_struct(v, "i8254", errp) &&
           qemu_dev_i8254.visit(v, opaque, version, errp) &&
           visit_end_struct(v, errp);
}

static const char *const streams[] = {
    "pc-2.3-old", "pc-compress", "pc-e1000", "pc-ignore-shared",
    "pc-nodefaults", "pc-serial-nic-usb", "q35-smp2-xhci-virtio",
};

/* The "state" of the stream's i8254 FULL section, and its version. */
static QDict *i8254_section(QObject *dump, uint32_t *version)
{
    QList *records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                                 "records"));

    for (size_t i = 0; records && i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        QString *id = rec ? qobject_to(QString, qdict_get(rec, "idstr"))
                          : NULL;
        uint64_t ver = 0;

        if (id && !strcmp(qstring_get_str(id), "i8254")) {
            qnum_get_try_uint(qobject_to(QNum, qdict_get(rec, "version_id")),
                              &ver);
            *version = (uint32_t)ver;
            return qobject_to(QDict, qdict_get(rec, "state"));
        }
    }
    return NULL;
}

static void table_decodes_and_encodes_qemu_i8254_sections(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(streams); i++) {
        g_autofree char *path = g_strdup_printf("tests/data/qemu/%s.mig",
                                                streams[i]);
        g_autoptr(GBytes) raw = test_read_file(path);
        GError *err = NULL;
        QObject *dump = qemu_stream_dump_path(path, NULL, &err);
        g_autofree void *s = g_malloc0(qemu_dev_i8254.state_size);
        QDict *state;
        QObject *back = NULL;
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        QEMUFile *f;
        Visitor *v;
        uint32_t version = 0;
        gsize raw_len;
        const uint8_t *raw_data = g_bytes_get_data(raw, &raw_len);
        const uint8_t *hit;

        ASSERT_NO_ERROR(err);
        state = i8254_section(dump, &version);
        CU_ASSERT_FATAL(state != NULL);
        CU_ASSERT_EQUAL(version, 3);

        /* The vmdesc-based tree loads through the table ... */
        v = qobject_input_visitor_new(QOBJECT(state));
        visit_set_version(v, version);
        CU_ASSERT_TRUE(i8254_visit(v, s, version, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        /* ... and the table gives it back, member for member. */
        v = qobject_output_visitor_new(&back);
        visit_set_version(v, version);
        CU_ASSERT_TRUE(i8254_visit(v, s, version, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        ASSERT_QOBJECT_EQUAL(back, QOBJECT(state));
        qobject_unref(back);

        /* Its QEMUFile bytes are the section's payload in the stream,
         * right after the section header naming "i8254". */
        f = qemu_fopen_bytearray(bytes);
        v = qemu_file_output_visitor_new(f);
        visit_set_version(v, version);
        CU_ASSERT_TRUE(i8254_visit(v, s, version, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        CU_ASSERT_EQUAL(bytes->len, 4 + 3 * 32 + 8);
        hit = memmem(raw_data, raw_len, "\x05i8254", 6);
        CU_ASSERT_FATAL(hit != NULL);
        /* idstr, be32 instance id, be32 version id, then the payload. */
        hit += 6 + 4 + 4;
        CU_ASSERT_FATAL(hit + bytes->len <= raw_data + raw_len);
        ASSERT_BYTES_EQUAL(bytes->data, bytes->len, hit, bytes->len);
        qobject_unref(dump);
    }
}

/* Version 2 streams had no irq_disabled: the gate leaves it out. */
static void version_2_layout_has_no_irq_disabled(void)
{
    g_autofree void *s = g_malloc0(qemu_dev_i8254.state_size);
    QObject *tree = NULL;
    g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
    GError *err = NULL;
    QDict *d;

    visit_set_version(v, 2);
    CU_ASSERT_TRUE(i8254_visit(v, s, 2, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    d = qobject_to(QDict, tree);
    CU_ASSERT_EQUAL(qdict_size(d), 2);
    CU_ASSERT_FALSE(qdict_haskey(d, "channels[0].irq_disabled"));
    CU_ASSERT_TRUE(qdict_haskey(d, "channels[0].next_transition_time"));
    qobject_unref(tree);
}

/*
 * A subsection whose presence the state keeps (VMSTATE_PRESENT): what is
 * read is written back, whatever needed() says, as a device decoded
 * from a stream must re-encode it.
 */
typedef struct Sub {
    uint8_t a;
    bool has_b;
    uint16_t b;
} Sub;

static bool never_needed(void *opaque)
{
    (void)opaque;
    return false;
}

static const VMStateDescription vmstate_sub_b = {
    .name = "sub/b",
    .version_id = 3,
    .minimum_version_id = 2,
    .needed = never_needed,
    .present = VMSTATE_PRESENT(Sub, has_b),
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(b, Sub),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_sub = {
    .name = "sub",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(a, Sub),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_sub_b,
        NULL
    },
};

static const uint8_t sub_bytes[] =
    "\x07" "\x05\x05" "sub/b" "\0\0\0\x03" "\x12\x34";

/* Reads @len bytes of @data into @s with the table; the error in @errp. */
static bool sub_read(const uint8_t *data, size_t len, Sub *s, GError **errp)
{
    QEMUFile *f = qemu_fopen_mem(data, len);
    Visitor *v = qemu_file_input_visitor_new(f);
    bool ok = vmstate_visit(v, "sub", &vmstate_sub, s, errp) &&
              visit_complete(v, errp);

    visit_free(v);
    qemu_fclose(f);
    return ok;
}

static GByteArray *sub_write(Sub *s)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    GError *err = NULL;

    CU_ASSERT_TRUE(vmstate_visit(v, "sub", &vmstate_sub, s, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    return out;
}

static void present_flag_keeps_what_the_stream_had(void)
{
    Sub s = { 0 }, back = { 0 };
    GError *err = NULL;
    g_autoptr(GByteArray) out = NULL;
    QObject *tree = NULL, *want;
    Visitor *v;

    CU_ASSERT_TRUE(sub_read(sub_bytes, sizeof(sub_bytes) - 1, &s, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(s.a, 7);
    CU_ASSERT_TRUE(s.has_b);
    CU_ASSERT_EQUAL(s.b, 0x1234);
    /* needed() says no, the flag says yes: the record is written. */
    out = sub_write(&s);
    ASSERT_BYTES_EQUAL(out->data, out->len, sub_bytes,
                       sizeof(sub_bytes) - 1);
    /* Through a tree the flag is the member's presence. */
    v = qobject_output_visitor_new(&tree);
    CU_ASSERT_TRUE(vmstate_visit(v, "sub", &vmstate_sub, &s, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    want = qobject_from_json("{\"a\":7,\"sub/b\":{\"b\":4660}}", NULL);
    ASSERT_QOBJECT_EQUAL(tree, want);
    qobject_unref(want);
    v = qobject_input_visitor_new(tree);
    CU_ASSERT_TRUE(vmstate_visit(v, "sub", &vmstate_sub, &back, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    qobject_unref(tree);
    CU_ASSERT_TRUE(back.has_b);
    CU_ASSERT_EQUAL(back.b, 0x1234);
    /* A stream without the record clears the flag and keeps b. */
    CU_ASSERT_TRUE(sub_read(sub_bytes, 1, &back, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(back.has_b);
    CU_ASSERT_EQUAL(back.b, 0x1234);
    g_byte_array_unref(out);
    out = sub_write(&back);
    ASSERT_BYTES_EQUAL(out->data, out->len, "\x07", 1);
}

/* The subsection's own version: within its minimum..version_id. */
static void subsection_version_outside_its_range_is_an_error(void)
{
    static const struct {
        uint8_t version;
        const char *msg;
    } cases[] = {
        { 1, "sub.sub/b: version 1 outside 2..3" },
        { 4, "sub.sub/b: subsection version 4 is newer than 3, the newest "
             "this walk reads" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint8_t bytes[sizeof(sub_bytes) - 1];
        Sub s = { 0 };
        GError *err = NULL;

        memcpy(bytes, sub_bytes, sizeof(bytes));
        bytes[11] = cases[i].version;
        CU_ASSERT_FALSE(sub_read(bytes, sizeof(bytes), &s, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_VERSION, cases[i].msg);
    }
}

/* The members of a table inside a struct the caller opened. */
static void members_go_into_the_callers_struct(void)
{
    Sub s = { .a = 7, .has_b = true, .b = 0x1234 };
    QObject *tree = NULL;
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    GError *err = NULL;

    CU_ASSERT_TRUE(visit_start_struct(v, "sub", &err) &&
                   vmstate_visit_members(v, &vmstate_sub, &s, 0, &err) &&
                   visit_end_struct(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, sub_bytes,
                       sizeof(sub_bytes) - 1);

    v = qobject_output_visitor_new(&tree);
    CU_ASSERT_TRUE(visit_start_struct(v, "sub", &err));
    CU_ASSERT_FALSE(vmstate_visit_members(v, &vmstate_sub, &s, 2, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION, "sub: version 2 outside 1..1");
    visit_free(v);
    qobject_unref(tree);
}

/* needed() reads live device state: only a walk that writes asks it, not
 * a describe walk over a scratch state. */
static unsigned needed_calls;

static bool counting_needed(void *opaque)
{
    (void)opaque;
    needed_calls++;
    return true;
}

static const VMStateDescription vmstate_counted_b = {
    .name = "sub/b",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = counting_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(b, Sub),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_counted = {
    .name = "sub",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(a, Sub),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_counted_b,
        NULL
    },
};

static void describe_does_not_ask_needed(void)
{
    Sub s = { 0 };
    QObject *schema = NULL, *tree = NULL;
    Visitor *v = describe_visitor_new(&schema);
    GError *err = NULL;

    needed_calls = 0;
    CU_ASSERT_TRUE(vmstate_visit(v, "sub", &vmstate_counted, &s, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(needed_calls, 0);
    {
        g_autoptr(GString) json = qobject_to_json(schema);

        CU_ASSERT_PTR_NOT_NULL(strstr(json->str, "\"sub/b\""));
    }
    qobject_unref(schema);

    v = qobject_output_visitor_new(&tree);
    CU_ASSERT_TRUE(vmstate_visit(v, "sub", &vmstate_counted, &s, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(needed_calls, 1);
    qobject_unref(tree);
}

static const TestCase tests[] = {
    { "table_decodes_and_encodes_qemu_i8254_sections",
      table_decodes_and_encodes_qemu_i8254_sections },
    { "version_2_layout_has_no_irq_disabled",
      version_2_layout_has_no_irq_disabled },
    { "present_flag_keeps_what_the_stream_had",
      present_flag_keeps_what_the_stream_had },
    { "subsection_version_outside_its_range_is_an_error",
      subsection_version_outside_its_range_is_an_error },
    { "members_go_into_the_callers_struct",
      members_go_into_the_callers_struct },
    { "describe_does_not_ask_needed", describe_does_not_ask_needed },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("vmstate-qemu", tests);
}
