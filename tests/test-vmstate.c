/*
 * Tests for field tables (visitor/vmstate.c): one table through every
 * visitor, the same bytes and trees as the hand-written walk of the same
 * state, exact schemas, versions, tests, subsections, enums, counted and
 * allocated arrays, and their checks.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/test-util.h"
#include "tests/vmstate-dev.h"

static bool dev_table_visit(Visitor *v, void *opaque, GError **errp)
{
    return vmstate_visit(v, "dev", &vmstate_dev, opaque, errp);
}

static bool port_visit(Visitor *v, Port *p, GError **errp)
{
    return vmstate_visit(v, NULL, &vmstate_port, p, errp);
}

/*
 * The hand-written walk of the same state: what the table must equal.
 * Its ports are visited through the port table: walks call tables.
 */
static bool dev_walk_visit(Visitor *v, void *opaque, GError **errp)
{
    Dev *s = opaque;
    uint8_t unused3[3] = { 0 }, unused2[2] = { 0 };
    int mode = (int)s->mode;
    bool has_extra = s->extra != 0;
    uint32_t extra_version = 1;
    bool ok;

    ok = visit_start_struct(v, "dev", errp) &&
         visit_type_u8(v, "u8", &s->u8, errp) &&
         visit_type_u16(v, "u16", &s->u16, errp) &&
         visit_type_u32(v, "u32", &s->u32, errp) &&
         visit_type_u64(v, "u64", &s->u64, errp) &&
         visit_type_i8(v, "i8", &s->i8, errp) &&
         visit_type_i16(v, "i16", &s->i16, errp) &&
         visit_type_i32(v, "i32", &s->i32, errp) &&
         visit_type_i64(v, "i64", &s->i64, errp) &&
         visit_type_bool(v, "flag", &s->flag, errp) &&
         visit_type_number(v, "ratio", &s->ratio, errp) &&
         visit_type_u32_array(v, "regs", s->regs, 4, errp) &&
         visit_start_array(v, "sregs", 2, errp) &&
         visit_type_i16(v, NULL, &s->sregs[0], errp) &&
         visit_type_i16(v, NULL, &s->sregs[1], errp) &&
         visit_end_array(v, errp) &&
         visit_type_buffer(v, "mac", s->mac, 6, errp) &&
         visit_type_u32(v, "nports", &s->nports, errp) &&
         visit_check_range(v, "nports", s->nports, 0, 4, errp) &&
         visit_start_array(v, "ports", s->nports, errp);
    for (uint32_t i = 0; ok && i < s->nports; i++) {
        ok = port_visit(v, &s->ports[i], errp);
    }
    ok = ok && visit_end_array(v, errp) &&
         visit_start_array(v, "fixed", 2, errp) &&
         port_visit(v, &s->fixed[0], errp) &&
         port_visit(v, &s->fixed[1], errp) &&
         visit_end_array(v, errp) &&
         visit_type_buffer(v, "unused[0]", unused3, 3, errp) &&
         visit_type_u32(v, "nq", &s->nq, errp);
    if (ok && visit_is_input(v)) {
        g_free(s->q);
        s->q = s->nq ? g_new0(uint16_t, s->nq) : NULL;
    }
    ok = ok && visit_type_u16_array(v, "q", s->q, s->nq, errp) &&
         visit_type_u32(v, "buflen", &s->buflen, errp);
    if (ok && visit_is_input(v)) {
        g_free(s->buf);
        s->buf = s->buflen ? g_malloc0(s->buflen) : NULL;
    }
    ok = ok && visit_type_buffer(v, "buf", s->buf ? s->buf : unused2,
                                 s->buflen, errp) &&
         visit_type_u32(v, "cfg_len", &s->cfg_len, errp) &&
         visit_type_buffer(v, "cfg", s->cfg, s->cfg_len, errp) &&
         (!visit_since(v, 2) ||
          visit_type_buffer(v, "unused[1]", unused2, 2, errp)) &&
         (!visit_since(v, 3) ||
          visit_type_u32(v, "elem_popped", &s->elem_popped, errp)) &&
         (!s->has_msix ||
          visit_type_u32(v, "msix_vector", &s->msix_vector, errp)) &&
         visit_type_enum(v, "mode", &mode, mode_names, errp) &&
         pair_walk(v, "pair", &s->pair, errp);
    s->mode = (Mode)mode;
    ok = ok && visit_start_subsection(v, "dev/extra", &extra_version,
                                      &has_extra, errp) &&
         (!has_extra ||
          (visit_type_u64(v, "extra", &s->extra, errp) &&
           visit_end_subsection(v, errp)));
    return ok && visit_end_struct(v, errp);
}

static void dev_fill(Dev *s)
{
    memset(s, 0, sizeof(*s));
    s->u8 = 0x81;
    s->u16 = 0x8283;
    s->u32 = 0x84858687;
    s->u64 = UINT64_C(0x88898a8b8c8d8e8f);
    s->i8 = -2;
    s->i16 = -3;
    s->i32 = -4;
    s->i64 = -5;
    s->flag = true;
    s->ratio = 0.5;
    for (int i = 0; i < 4; i++) {
        s->regs[i] = 0x10 + i;
    }
    s->sregs[0] = -6;
    s->sregs[1] = 7;
    memcpy(s->mac, "\x52\x54\x00\x12\x34\x56", 6);
    s->nports = 2;
    s->ports[0] = (Port){ 1, true, -1 };
    s->ports[1] = (Port){ 2, false, 300 };
    s->fixed[0] = (Port){ 3, true, 0 };
    s->fixed[1] = (Port){ 4, false, 1 };
    s->nq = 3;
    s->q = g_new(uint16_t, 3);
    s->q[0] = 0xa1;
    s->q[1] = 0xa2;
    s->q[2] = 0xa3;
    s->buflen = 2;
    s->buf = g_memdup2("\xbe\xef", 2);
    s->cfg_len = 3;
    memcpy(s->cfg, "\x01\x02\x03", 3);
    s->elem_popped = 9;
    s->has_msix = true;
    s->msix_vector = 0x11;
    s->mode = MODE_FIFO;
    s->pair = (Pair){ 0x21, 0x22 };
    s->extra = 0x33;
}

static void dev_clear(void *opaque)
{
    vmstate_clear(&vmstate_dev, opaque);
}

static const char dev_json[] =
    "{\"u8\":129,\"u16\":33411,\"u32\":2223343239,"
    "\"u64\":9838547192930733711,\"i8\":-2,\"i16\":-3,\"i32\":-4,"
    "\"i64\":-5,\"flag\":true,\"ratio\":0.5,\"regs\":[16,17,18,19],"
    "\"sregs\":[-6,7],\"mac\":\"525400123456\",\"nports\":2,"
    "\"ports\":[{\"id\":1,\"connected\":true,\"throttle\":-1},"
    "{\"id\":2,\"connected\":false,\"throttle\":300}],"
    "\"fixed\":[{\"id\":3,\"connected\":true,\"throttle\":0},"
    "{\"id\":4,\"connected\":false,\"throttle\":1}],"
    "\"unused[0]\":\"000000\",\"nq\":3,\"q\":[161,162,163],\"buflen\":2,"
    "\"buf\":\"beef\",\"cfg_len\":3,\"cfg\":\"010203\","
    "\"unused[1]\":\"0000\",\"elem_popped\":9,\"msix_vector\":17,"
    "\"mode\":\"fifo\",\"pair\":{\"lo\":33,\"hi\":34},"
    "\"dev/extra\":{\"extra\":51}}";

typedef bool (*DevVisit)(Visitor *v, void *opaque, GError **errp);

static GByteArray *to_qemu_file(DevVisit fn, Dev *s, uint32_t version)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    GError *err = NULL;

    visit_set_version(v, version);
    CU_ASSERT_TRUE(fn(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    return out;
}

static char *to_json(DevVisit fn, Dev *s, uint32_t version)
{
    GString *out = g_string_new(NULL);
    g_autoptr(Visitor) v = json_output_visitor_new(out, false);
    GError *err = NULL;

    visit_set_version(v, version);
    CU_ASSERT_TRUE(fn(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    return g_string_free(out, false);
}

static void table_matches_hand_written_walk_in_json_and_bytes(void)
{
    Dev s;
    g_autofree char *table_json = NULL;
    g_autofree char *walk_json = NULL;
    g_autoptr(GByteArray) table_bytes = NULL;
    g_autoptr(GByteArray) walk_bytes = NULL;

    dev_fill(&s);
    table_json = to_json(dev_table_visit, &s, 0);
    walk_json = to_json(dev_walk_visit, &s, 0);
    CU_ASSERT_STRING_EQUAL(table_json, dev_json);
    CU_ASSERT_STRING_EQUAL(walk_json, dev_json);
    table_bytes = to_qemu_file(dev_table_visit, &s, 0);
    walk_bytes = to_qemu_file(dev_walk_visit, &s, 0);
    ASSERT_BYTES_EQUAL(table_bytes->data, table_bytes->len,
                       walk_bytes->data, walk_bytes->len);
    CU_ASSERT_EQUAL(table_bytes->len, 162);
    dev_clear(&s);
}

/* Out through one visitor, back in through its input side. */
static void table_round_trips_through_every_visitor(void)
{
    enum { QFILE, BINARY, QOBJ, JSON, N_KINDS };

    for (int kind = 0; kind < N_KINDS; kind++) {
        Dev s, back;
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        g_autoptr(GString) text = g_string_new(NULL);
        QObject *tree = NULL;
        QEMUFile *f = NULL;
        Visitor *v;
        GError *err = NULL;

        dev_fill(&s);
        memset(&back, 0, sizeof(back));
        switch (kind) {
        case QFILE:
            f = qemu_fopen_bytearray(bytes);
            v = qemu_file_output_visitor_new(f);
            break;
        case BINARY:
            v = binary_output_visitor_new(bytes);
            break;
        case QOBJ:
            v = qobject_output_visitor_new(&tree);
            break;
        default:
            v = json_output_visitor_new(text, true);
            break;
        }
        CU_ASSERT_TRUE(dev_table_visit(v, &s, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        if (f) {
            CU_ASSERT_EQUAL(qemu_fclose(f), 0);
            f = qemu_fopen_mem(bytes->data, bytes->len);
            v = qemu_file_input_visitor_new(f);
        } else if (kind == BINARY) {
            v = binary_input_visitor_new(bytes->data, bytes->len, NULL,
                                         &err);
        } else if (kind == QOBJ) {
            v = qobject_input_visitor_new(tree);
        } else {
            v = json_input_visitor_new(text->str, text->len, &err);
        }
        ASSERT_NO_ERROR(err);
        back.has_msix = true;   /* the destination's configuration */
        CU_ASSERT_TRUE(dev_table_visit(v, &back, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        if (f) {
            CU_ASSERT_EQUAL(qemu_file_transferred(f), bytes->len);
            qemu_fclose(f);
        }
        qobject_unref(tree);
        CU_ASSERT_TRUE(dev_equal(&s, &back));
        dev_clear(&s);
        dev_clear(&back);
        CU_ASSERT_PTR_NULL(back.q);
        CU_ASSERT_PTR_NULL(back.buf);
    }
}

static const char dev_schema[] =
    "{\"type\":\"struct\",\"members\":["
    "{\"name\":\"u8\",\"type\":\"u8\"},{\"name\":\"u16\",\"type\":\"u16\"},"
    "{\"name\":\"u32\",\"type\":\"u32\"},{\"name\":\"u64\",\"type\":\"u64\"},"
    "{\"name\":\"i8\",\"type\":\"i8\"},{\"name\":\"i16\",\"type\":\"i16\"},"
    "{\"name\":\"i32\",\"type\":\"i32\"},{\"name\":\"i64\",\"type\":\"i64\"},"
    "{\"name\":\"flag\",\"type\":\"bool\"},"
    "{\"name\":\"ratio\",\"type\":\"number\"},"
    "{\"name\":\"regs\",\"type\":\"array\",\"length\":4,"
    "\"element\":{\"type\":\"u32\"}},"
    "{\"name\":\"sregs\",\"type\":\"array\",\"length\":2,"
    "\"element\":{\"type\":\"i16\"}},"
    "{\"name\":\"mac\",\"type\":\"buffer\",\"length\":6},"
    "{\"name\":\"nports\",\"type\":\"u32\"},"
    "{\"name\":\"ports\",\"type\":\"array\",\"length\":0,"
    "\"element\":{\"type\":\"struct\",\"members\":["
    "{\"name\":\"id\",\"type\":\"u32\"},"
    "{\"name\":\"connected\",\"type\":\"bool\"},"
    "{\"name\":\"throttle\",\"type\":\"i16\"}]}},"
    "{\"name\":\"fixed\",\"type\":\"array\",\"length\":2,"
    "\"element\":{\"type\":\"struct\",\"members\":["
    "{\"name\":\"id\",\"type\":\"u32\"},"
    "{\"name\":\"connected\",\"type\":\"bool\"},"
    "{\"name\":\"throttle\",\"type\":\"i16\"}]}},"
    "{\"name\":\"unused[0]\",\"type\":\"buffer\",\"length\":3},"
    "{\"name\":\"nq\",\"type\":\"u32\"},"
    "{\"name\":\"q\",\"type\":\"array\",\"length\":0,"
    "\"element\":{\"type\":\"u16\"}},"
    "{\"name\":\"buflen\",\"type\":\"u32\"},"
    "{\"name\":\"buf\",\"type\":\"buffer\",\"length\":0},"
    "{\"name\":\"cfg_len\",\"type\":\"u32\"},"
    "{\"name\":\"cfg\",\"type\":\"buffer\",\"length\":0},"
    "{\"name\":\"unused[1]\",\"type\":\"buffer\",\"length\":2},"
    "{\"name\":\"elem_popped\",\"type\":\"u32\"},"
    "{\"name\":\"mode\",\"type\":\"i32\",\"enum\":[\"off\",\"fifo\",\"dma\"]},"
    "{\"name\":\"pair\",\"type\":\"struct\",\"members\":["
    "{\"name\":\"lo\",\"type\":\"u8\"},{\"name\":\"hi\",\"type\":\"u8\"}]},"
    "{\"name\":\"dev/extra\",\"optional\":true,\"type\":\"struct\","
    "\"members\":[{\"name\":\"extra\",\"type\":\"u64\"}]}]}";

/* A zeroed state: counted arrays still show their element layout. */
static void describe_gives_element_layouts_of_empty_arrays(void)
{
    g_autofree Dev *s = g_new0(Dev, 1);
    QObject *schema = NULL;
    g_autoptr(Visitor) v = describe_visitor_new(&schema);
    g_autoptr(QObject) want = qobject_from_json(dev_schema, NULL);
    GError *err = NULL;

    CU_ASSERT_FATAL(want != NULL);
    CU_ASSERT_TRUE(dev_table_visit(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_QOBJECT_EQUAL(schema, want);
    qobject_unref(schema);
}

static void describe_sample_array_from_a_hand_written_walk(void)
{
    QObject *schema = NULL;
    g_autoptr(Visitor) v = describe_visitor_new(&schema);
    g_autoptr(QObject) want = qobject_from_json(
        "{\"type\":\"array\",\"length\":0,\"element\":{\"type\":\"u16\"}}",
        NULL);
    uint16_t scratch = 0;
    GError *err = NULL;

    CU_ASSERT_TRUE(describe_visitor_start_sample_array(v, "q", &err) &&
                   visit_type_u16(v, NULL, &scratch, &err) &&
                   visit_end_array(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_QOBJECT_EQUAL(schema, want);
    qobject_unref(schema);
}

/* Version 1 lacks unused[1] and elem_popped; 2 lacks elem_popped. */
static void versions_gate_fields_as_in_qemu(void)
{
    static const struct {
        uint32_t version;
        size_t len;
        bool has_unused2, has_popped;
    } cases[] = {
        { 1, 162 - 6, false, false },
        { 2, 162 - 4, true, false },
        { 3, 162, true, true },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Dev s;
        g_autoptr(GByteArray) table = NULL;
        g_autoptr(GByteArray) walk = NULL;
        g_autofree char *json = NULL;

        dev_fill(&s);
        table = to_qemu_file(dev_table_visit, &s, cases[i].version);
        walk = to_qemu_file(dev_walk_visit, &s, cases[i].version);
        ASSERT_BYTES_EQUAL(table->data, table->len, walk->data, walk->len);
        CU_ASSERT_EQUAL(table->len, cases[i].len);
        json = to_json(dev_table_visit, &s, cases[i].version);
        CU_ASSERT_EQUAL(strstr(json, "unused[1]") != NULL,
                        cases[i].has_unused2);
        CU_ASSERT_EQUAL(strstr(json, "elem_popped") != NULL,
                        cases[i].has_popped);
        dev_clear(&s);
    }
}

static void version_outside_the_table_is_a_version_error(void)
{
    static const struct {
        uint32_t version;
        const char *msg;
    } cases[] = {
        { 4, "dev: version 4 outside 1..3" },
        { UINT32_MAX, "dev: version 4294967295 outside 1..3" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Dev s;
        QObject *tree = NULL;
        g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
        GError *err = NULL;

        dev_fill(&s);
        visit_set_version(v, cases[i].version);
        CU_ASSERT_FALSE(dev_table_visit(v, &s, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_VERSION, cases[i].msg);
        dev_clear(&s);
    }
}

/* field_exists sees the state: without MSI-X there is no vector. */
static void field_exists_test_skips_the_member(void)
{
    Dev s;
    g_autofree char *json = NULL;
    g_autoptr(GByteArray) bytes = NULL;

    dev_fill(&s);
    s.has_msix = false;
    json = to_json(dev_table_visit, &s, 0);
    CU_ASSERT_PTR_NULL(strstr(json, "msix_vector"));
    bytes = to_qemu_file(dev_table_visit, &s, 0);
    CU_ASSERT_EQUAL(bytes->len, 162 - 4);
    dev_clear(&s);
}

/*
 * The subsection is QEMU's record: 0x05, the u8-counted name, be32
 * version, the fields, written only when needed.
 */
static void subsection_writes_qemu_record_when_needed(void)
{
    static const uint8_t record[] =
        "\x05\x09" "dev/extra" "\0\0\0\x01" "\0\0\0\0\0\0\0\x33";
    Dev s;
    g_autoptr(GByteArray) bytes = NULL;

    dev_fill(&s);
    bytes = to_qemu_file(dev_table_visit, &s, 0);
    CU_ASSERT_FATAL(bytes->len == 162);
    /* After the pair's two bytes, the last field. */
    ASSERT_BYTES_EQUAL(bytes->data + 162 - 23 - 2, 2, "\x21\x22", 2);
    ASSERT_BYTES_EQUAL(bytes->data + 162 - 23, 23, record, 23);
    dev_clear(&s);
}

/* Not needed, the subsection is not written; absent, it is not read. */
static void subsection_follows_needed(void)
{
    Dev s, back;
    g_autofree char *json = NULL;
    g_autoptr(GByteArray) bytes = NULL;
    QEMUFile *f;
    Visitor *v;
    GError *err = NULL;

    dev_fill(&s);
    s.extra = 0;
    json = to_json(dev_table_visit, &s, 0);
    CU_ASSERT_PTR_NULL(strstr(json, "dev/extra"));
    bytes = to_qemu_file(dev_table_visit, &s, 0);
    /* No record at all: the pair's two bytes end the payload. */
    CU_ASSERT_EQUAL(bytes->len, 162 - 23);
    ASSERT_BYTES_EQUAL(bytes->data + bytes->len - 2, 2, "\x21\x22", 2);
    memset(&back, 0, sizeof(back));
    back.has_msix = true;
    back.extra = 0x77;
    f = qemu_fopen_mem(bytes->data, bytes->len);
    v = qemu_file_input_visitor_new(f);
    CU_ASSERT_TRUE(dev_table_visit(v, &back, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    qemu_fclose(f);
    CU_ASSERT_EQUAL(back.extra, 0x77);
    dev_clear(&s);
    dev_clear(&back);
}

/* A count the array has no room for fails before any element is read. */
static void counted_array_beyond_its_room_is_a_range_error(void)
{
    static const struct {
        const char *member;
        const char *value;
        const char *msg;
    } cases[] = {
        { "\"nports\":2", "\"nports\":5",
          "dev.ports: 5 elements, more than the 4 it has room for" },
        { "\"cfg_len\":3", "\"cfg_len\":9",
          "dev.cfg: 9 bytes, more than the 8 it has room for" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GString) json = g_string_new(dev_json);
        Visitor *v;
        Dev back;
        GError *err = NULL;

        g_string_replace(json, cases[i].member, cases[i].value, 1);
        memset(&back, 0, sizeof(back));
        back.has_msix = true;
        v = json_input_visitor_new(json->str, json->len, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_FALSE(dev_table_visit(v, &back, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_RANGE, cases[i].msg);
        visit_free(v);
        dev_clear(&back);
    }
}

/* Behind a pointer, the visitor's max_array_len bounds the allocation. */
static void allocated_array_is_bounded_by_the_limits(void)
{
    g_autoptr(GString) json = g_string_new(dev_json);
    QVisitLimits limits;
    Visitor *v;
    Dev back;
    GError *err = NULL;

    g_string_replace(json, "\"nq\":3", "\"nq\":4000000000", 1);
    memset(&back, 0, sizeof(back));
    back.has_msix = true;
    qvisit_limits_init(&limits);
    limits.max_array_len = 1000;
    v = json_input_visitor_new(json->str, json->len, &err);
    ASSERT_NO_ERROR(err);
    visit_set_limits(v, &limits);
    CU_ASSERT_FALSE(dev_table_visit(v, &back, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "dev.q: 4000000000 elements, more than the 1000 it has "
                 "room for");
    CU_ASSERT_PTR_NULL(back.q);
    visit_free(v);
    dev_clear(&back);
}

/* ... and by max_alloc for the bytes of the elements. */
static void allocated_array_is_bounded_by_max_alloc(void)
{
    g_autoptr(GString) json = g_string_new(dev_json);
    QVisitLimits limits;
    Visitor *v;
    Dev back;
    GError *err = NULL;

    g_string_replace(json, "\"nq\":3", "\"nq\":600", 1);
    memset(&back, 0, sizeof(back));
    back.has_msix = true;
    qvisit_limits_init(&limits);
    limits.max_alloc = 1000;
    v = json_input_visitor_new(json->str, json->len, &err);
    ASSERT_NO_ERROR(err);
    visit_set_limits(v, &limits);
    CU_ASSERT_FALSE(dev_table_visit(v, &back, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "dev.q: 600 elements of 2 bytes exceed max_alloc (1000 "
                 "bytes)");
    CU_ASSERT_PTR_NULL(back.q);
    visit_free(v);
    dev_clear(&back);
}

/* A load replaces an allocation: the old one is freed (valgrind). */
static void load_replaces_allocated_pointers(void)
{
    Dev s, back;
    g_autofree char *json = NULL;
    Visitor *v;
    GError *err = NULL;

    dev_fill(&s);
    json = to_json(dev_table_visit, &s, 0);
    dev_fill(&back);
    back.nq = 1;
    v = json_input_visitor_new(json, -1, &err);
    CU_ASSERT_TRUE(dev_table_visit(v, &back, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_TRUE(dev_equal(&s, &back));
    dev_clear(&s);
    dev_clear(&back);
}

static void null_pointer_on_output_is_invalid(void)
{
    Dev s;
    QObject *tree = NULL;
    g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);
    GError *err = NULL;

    dev_fill(&s);
    g_clear_pointer(&s.q, g_free);
    CU_ASSERT_FALSE(dev_table_visit(v, &s, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "dev.q: null pointer to 3 elements");
    dev_clear(&s);
}

static void enum_is_a_name_in_trees_and_i32_in_bytes(void)
{
    static const struct {
        const char *value;
        int code;
        int want;
        const char *msg;
    } cases[] = {
        { "\"dma\"", 0, MODE_DMA, NULL },
        { "2", 0, MODE_DMA, NULL },
        { "7", 0, 7, NULL },
        { "\"fast\"", QVISIT_ERROR_INVALID, 0,
          "dev.mode: 'fast' is not a name of the enum" },
        { "true", QVISIT_ERROR_TYPE, 0, "dev.mode: expected enum, got boolean" },
        { "2147483648", QVISIT_ERROR_RANGE, 0,
          "dev.mode: 2147483648 does not fit i32" },
        { "1.0", QVISIT_ERROR_TYPE, 0, "dev.mode: expected enum, got number" },
    };
    Dev s;
    g_autoptr(GByteArray) bytes = NULL;

    dev_fill(&s);
    /* A value without a name is kept as its number. */
    s.mode = (Mode)7;
    {
        g_autofree char *json = to_json(dev_table_visit, &s, 0);

        CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"mode\":7,"));
    }
    s.mode = MODE_DMA;
    bytes = to_qemu_file(dev_table_visit, &s, 0);
    /* mode is the be32 before pair's two bytes and the subsection. */
    ASSERT_BYTES_EQUAL(bytes->data + bytes->len - 2 - 23 - 4, 4,
                       "\0\0\0\2", 4);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GString) json = g_string_new(dev_json);
        g_autofree char *with = g_strdup_printf("\"mode\":%s",
                                                cases[i].value);
        Visitor *v;
        Dev back;
        GError *err = NULL;

        g_string_replace(json, "\"mode\":\"fifo\"", with, 1);
        memset(&back, 0, sizeof(back));
        back.has_msix = true;
        v = json_input_visitor_new(json->str, json->len, &err);
        ASSERT_NO_ERROR(err);
        if (!cases[i].code) {
            CU_ASSERT_TRUE(dev_table_visit(v, &back, &err) &&
                           visit_complete(v, &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_EQUAL((int)back.mode, cases[i].want);
        } else {
            CU_ASSERT_FALSE(dev_table_visit(v, &back, &err));
            ASSERT_ERROR(err, cases[i].code, cases[i].msg);
            CU_ASSERT_EQUAL((int)back.mode, 0);
        }
        visit_free(v);
        dev_clear(&back);
    }
    dev_clear(&s);
}

/*
 * Untrusted bytes: every truncation is a TRUNCATED error, and every byte
 * flipped to 0xff either loads or fails with an error, never reading or
 * writing past what the table allows (ASan, valgrind) or leaking what
 * VMS_ALLOC fields allocated.
 */
static void every_cut_and_corrupted_byte_fails_cleanly(void)
{
    Dev s;
    g_autoptr(GByteArray) good = NULL;

    dev_fill(&s);
    good = to_qemu_file(dev_table_visit, &s, 0);
    for (size_t cut = 0; cut < good->len; cut++) {
        QEMUFile *f = qemu_fopen_mem(good->data, cut);
        Visitor *v = qemu_file_input_visitor_new(f);
        Dev back;
        GError *err = NULL;
        /* A cut before the subsection's whole header (0x05, length,
         * name) reads as no subsection, as in QEMU, whose peek fails
         * there too: only the section footer then finds the cut. */
        bool loads = cut >= good->len - 23 && cut < good->len - 23 + 11;

        memset(&back, 0, sizeof(back));
        back.has_msix = true;
        CU_ASSERT_EQUAL(dev_table_visit(v, &back, &err) &&
                        visit_complete(v, &err), loads);
        if (loads) {
            ASSERT_NO_ERROR(err);
            CU_ASSERT_EQUAL(back.extra, 0);
        } else {
            CU_ASSERT_TRUE(err != NULL &&
                           err->code == QVISIT_ERROR_TRUNCATED);
        }
        g_clear_error(&err);
        visit_free(v);
        qemu_fclose(f);
        dev_clear(&back);
    }
    for (size_t at = 0; at < good->len; at++) {
        g_autoptr(GByteArray) bad = g_byte_array_new();
        QEMUFile *f;
        Visitor *v;
        Dev back;
        GError *err = NULL;
        bool ok;

        g_byte_array_append(bad, good->data, good->len);
        bad->data[at] = 0xff;
        f = qemu_fopen_mem(bad->data, bad->len);
        v = qemu_file_input_visitor_new(f);
        memset(&back, 0, sizeof(back));
        back.has_msix = true;
        ok = dev_table_visit(v, &back, &err) && visit_complete(v, &err);
        CU_ASSERT_TRUE(ok ? err == NULL : err != NULL);
        g_clear_error(&err);
        visit_free(v);
        qemu_fclose(f);
        CU_ASSERT_TRUE(back.nports <= 4 || !ok);
        dev_clear(&back);
    }
    dev_clear(&s);
}

/*
 * Plain fields are taken straight from a reading QEMUFile's buffer: across
 * its refills (a stream of many states read through a pipe), and with a
 * bad bool byte left to the visitor, which reports it with its offset.
 */
static void reads_in_place_across_refills_and_reports_bad_bools(void)
{
    Dev s;
    g_autoptr(GByteArray) all = g_byte_array_new();
    g_autoptr(GByteArray) one = NULL;
    int fds[2];
    QEMUFile *f;
    GError *err = NULL;
    enum { N = 400 };

    dev_fill(&s);
    one = to_qemu_file(dev_table_visit, &s, 0);
    for (int i = 0; i < N; i++) {
        g_byte_array_append(all, one->data, one->len);
    }
    /* 400 x 162 bytes, more than one buffer of the file. */
    CU_ASSERT_FATAL(pipe(fds) == 0);
    if (fork() == 0) {
        close(fds[0]);
        for (size_t off = 0; off < all->len;) {
            ssize_t w = write(fds[1], all->data + off,
                              MIN(all->len - off, 1000));

            if (w <= 0) {
                _exit(1);
            }
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    f = qemu_fopen_fd(fds[0], "rb");
    for (int i = 0; i < N; i++) {
        Visitor *v = qemu_file_input_visitor_new(f);
        Dev back;

        memset(&back, 0, sizeof(back));
        back.has_msix = true;
        CU_ASSERT_TRUE(dev_table_visit(v, &back, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        CU_ASSERT_TRUE(dev_equal(&s, &back));
        dev_clear(&back);
    }
    CU_ASSERT_EQUAL(qemu_file_transferred(f), all->len);
    qemu_fclose(f);
    wait(NULL);

    /* flag, the bool after u8 .. i64 (30 bytes), holds 2. */
    one->data[30] = 2;
    f = qemu_fopen_mem(one->data, one->len);
    {
        Visitor *v = qemu_file_input_visitor_new(f);
        Dev back;

        memset(&back, 0, sizeof(back));
        CU_ASSERT_FALSE(dev_table_visit(v, &back, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                     "dev.flag: expected 0 or 1 for bool, got 2 at byte 30");
        visit_free(v);
        dev_clear(&back);
    }
    qemu_fclose(f);
    dev_clear(&s);
}

/* --- through the migration core ----------------------------------------- */

static MigrationDeviceInfo dev_info(uint32_t version)
{
    MigrationDeviceInfo info = {
        .id = "dev", .version = version, .minimum_version = 1,
        .visit = dev_table_visit, .state_size = sizeof(Dev),
        .clear = dev_clear, .minimum_walk_version = 1,
    };

    return info;
}

/* Every format; and a v1 stream loads into the v3 table by its gates. */
static void table_device_migrates_in_every_format(void)
{
    for (MigrationFormat fmt = MIGRATION_FORMAT_LEGACY;
         fmt <= MIGRATION_FORMAT_JSON; fmt++) {
        for (uint32_t ver = 1; ver <= 3; ver += 2) {
            g_autoptr(MigrationRegistry) src = migration_registry_new();
            g_autoptr(MigrationRegistry) dst = migration_registry_new();
            MigrationDeviceInfo sinfo = dev_info(ver);
            MigrationDeviceInfo dinfo = dev_info(3);
            g_autoptr(GByteArray) bytes = g_byte_array_new();
            Dev s, d, want;
            GError *err = NULL;

            dev_fill(&s);
            /* The dry run's zeroed scratch state has no MSI-X, so neither
             * may the source (configuration is issue 14's item 2). */
            s.has_msix = false;
            memset(&d, 0, sizeof(d));
            d.elem_popped = 0x5a;
            sinfo.minimum_walk_version = 0;
            sinfo.minimum_version = ver;
            CU_ASSERT_TRUE(migration_register(src, &sinfo, &s, &err));
            CU_ASSERT_TRUE(migration_register(dst, &dinfo, &d, &err));
            CU_ASSERT_TRUE(migration_save(src, fmt, bytes, NULL, &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_TRUE(migration_load(dst, bytes->data, bytes->len,
                                          NULL, &err));
            ASSERT_NO_ERROR(err);
            want = s;
            want.msix_vector = 0;       /* not migrated without MSI-X */
            if (ver == 1) {
                want.elem_popped = 0x5a;
            }
            CU_ASSERT_TRUE(dev_equal(&d, &want));
            dev_clear(&s);
            dev_clear(&d);
        }
    }
}

/* --- review: QEMU's semantics and hostile counts ------------------- */

typedef struct Gated {
    uint32_t a;
    uint32_t b;             /* version 5, with a test that says yes */
    uint32_t c;             /* a test that says no */
} Gated;

static bool test_yes(void *opaque, int version_id)
{
    (void)opaque;
    (void)version_id;
    return true;
}

static bool test_no(void *opaque, int version_id)
{
    (void)opaque;
    (void)version_id;
    return false;
}

static const VMStateDescription vmstate_gated = {
    .name = "gated",
    .version_id = 3,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(a, Gated),
        VMSTATE_SINGLE_TEST(b, Gated, 5, test_yes, VMSTATE_TYPE_U32,
                            uint32_t),
        VMSTATE_SINGLE_TEST(c, Gated, 0, test_no, VMSTATE_TYPE_U32,
                            uint32_t),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * QEMU 7.2 (vmstate_load_state(), vmstate_save_state_v()) visits a field
 * that has a field_exists test when the test says so, whatever its
 * version_id: the version gates only fields without a test.
 */
static void field_test_overrides_version_as_in_qemu(void)
{
    static const uint8_t want[] = { 0, 0, 0, 1, 0, 0, 0, 2 };
    Gated s = { 1, 2, 3 };
    Gated back = { 0, 0, 0 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    GError *err = NULL;

    CU_ASSERT_TRUE(vmstate_visit(v, "gated", &vmstate_gated, &s, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    qemu_fclose(f);
    ASSERT_BYTES_EQUAL(out->data, out->len, want, sizeof(want));

    f = qemu_fopen_mem(want, sizeof(want));
    v = qemu_file_input_visitor_new(f);
    visit_set_version(v, 2);
    CU_ASSERT_TRUE(vmstate_visit(v, "gated", &vmstate_gated, &back, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    qemu_fclose(f);
    CU_ASSERT_EQUAL(back.a, 1);
    CU_ASSERT_EQUAL(back.b, 2);
    CU_ASSERT_EQUAL(back.c, 0);
}

typedef struct Cfg {
    uint32_t n;
    uint16_t *regs;         /* set up by the device for n elements */
    uint32_t m;
    uint16_t *late;         /* the same, visited in a subsection */
} Cfg;

static const VMStateDescription vmstate_cfg_late = {
    .name = "cfg/late",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_VARRAY_UINT32(late, Cfg, m, 0, vmstate_info_uint16,
                              uint16_t),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_cfg = {
    .name = "cfg",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(n, Cfg),
        VMSTATE_VARRAY_UINT32(regs, Cfg, n, 0, vmstate_info_uint16,
                              uint16_t),
        VMSTATE_UINT32(m, Cfg),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_cfg_late,
        NULL
    },
};

/*
 * A counted array behind a pointer that the load does not allocate
 * (VMSTATE_VARRAY_UINT32, no _ALLOC) has room for the elements its count
 * gave when the load began, what the device set the pointer up for: a
 * bigger count from the stream is a range error before any element is
 * stored, in the fields and in a subsection (whose count the fields read
 * first). The old code wrote past the array (the allocations here are
 * bigger than the counts, so that shows as a load that succeeds).
 */
static void pointer_array_has_room_for_its_configured_count(void)
{
    static const struct {
        uint8_t bytes[32];
        size_t len;
        const char *msg;
    } cases[] = {
        /* n = 3 (room for 2), three elements */
        { { 0, 0, 0, 3, 0, 1, 0, 2, 0, 3 }, 10,
          "cfg.regs: 3 elements, more than the 2 it has room for" },
        /* n = 2; m = 2 (room for 1), then the subsection with two */
        { { 0, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0, 2,
            5, 8, 'c', 'f', 'g', '/', 'l', 'a', 't', 'e', 0, 0, 0, 1,
            0, 7, 0, 8 }, 30,
          "cfg.cfg/late.late: 2 elements, more than the 1 it has room for" },
        /* as many as there is room for: loads */
        { { 0, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0, 1,
            5, 8, 'c', 'f', 'g', '/', 'l', 'a', 't', 'e', 0, 0, 0, 1,
            0, 7 }, 28, NULL },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Cfg s = { .n = 2, .regs = g_new0(uint16_t, 8),
                  .m = 1, .late = g_new0(uint16_t, 8) };
        QEMUFile *f = qemu_fopen_mem(cases[i].bytes, cases[i].len);
        Visitor *v = qemu_file_input_visitor_new(f);
        GError *err = NULL;
        bool ok = vmstate_visit(v, "cfg", &vmstate_cfg, &s, &err) &&
                  visit_complete(v, &err);

        if (cases[i].msg) {
            CU_ASSERT_FALSE(ok);
            ASSERT_ERROR(err, QVISIT_ERROR_RANGE, cases[i].msg);
            CU_ASSERT_EQUAL(s.regs[2], 0);
            CU_ASSERT_EQUAL(s.late[1], 0);
        } else {
            CU_ASSERT_TRUE(ok);
            ASSERT_NO_ERROR(err);
            CU_ASSERT_EQUAL(s.regs[1], 2);
            CU_ASSERT_EQUAL(s.late[0], 7);
        }
        visit_free(v);
        qemu_fclose(f);
        g_free(s.regs);
        g_free(s.late);
    }
}

typedef struct Big {
    uint8_t data[64 * 1024];
} Big;

typedef struct Many {
    uint32_t n;
    Big *elems;
    uint32_t nw;
    uint16_t *words;
} Many;

static const VMStateDescription vmstate_big = {
    .name = "big",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_BUFFER(data, Big),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_many = {
    .name = "many",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(n, Many),
        VMSTATE_STRUCT_VARRAY_POINTER_TYPED(elems, Many, n, VMSTATE_TYPE_U32,
                                            uint32_t, 0, vmstate_big, Big,
                                            VMS_ALLOC),
        VMSTATE_UINT32(nw, Many),
        VMSTATE_VARRAY_UINT32_ALLOC(words, Many, nw, 0, vmstate_info_uint16,
                                    uint16_t),
        VMSTATE_END_OF_LIST()
    },
};

static void many_clear(Many *m)
{
    vmstate_clear(&vmstate_many, m);
}

/*
 * A count is what the input claims: an allocated array grows as its
 * elements are read, so a few bytes claiming 4 Gi elements of 64 KiB
 * (256 TiB, within limits raised to the maximum) fail as truncated after
 * an allocation of 1 MiB. The old code allocated the whole claim first
 * and aborted; the child process shows either.
 */
static void allocated_array_grows_with_what_is_read(void)
{
    static const uint8_t claim[] = { 0xff, 0xff, 0xff, 0xff, 1, 2, 3 };
    pid_t pid;
    int status = -1;

    pid = fork();
    if (pid == 0) {
        QEMUFile *f = qemu_fopen_mem(claim, sizeof(claim));
        Visitor *v = qemu_file_input_visitor_new(f);
        QVisitLimits limits;
        Many m = { 0 };
        GError *err = NULL;
        bool right;

        qvisit_limits_init(&limits);
        limits.max_alloc = SIZE_MAX;
        limits.max_array_len = SIZE_MAX;
        visit_set_limits(v, &limits);
        right = !vmstate_visit(v, "many", &vmstate_many, &m, &err) &&
                err && err->code == QVISIT_ERROR_TRUNCATED &&
                !strcmp(err->message,
                        "many.elems[0].data: stream truncated at byte 7") &&
                m.elems == NULL;
        if (!right) {
            fprintf(stderr, "got: %s\n", err ? err->message : "success");
        }
        g_clear_error(&err);
        visit_free(v);
        qemu_fclose(f);
        many_clear(&m);
        _exit(right ? 0 : 1);
    }
    CU_ASSERT_FATAL(pid > 0);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Arrays past the growth threshold (1 MiB: 20 elements of 64 KiB, 700000
 * u16) round-trip through every visitor. */
static void large_allocated_arrays_round_trip(void)
{
    enum { QFILE, BINARY, QOBJ, JSON, N_KINDS };

    for (int kind = 0; kind < N_KINDS; kind++) {
        Many s = { 0 }, back = { 0 };
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        g_autoptr(GString) text = g_string_new(NULL);
        QObject *tree = NULL;
        QEMUFile *f = NULL;
        Visitor *v;
        GError *err = NULL;

        s.n = 20;
        s.elems = g_new0(Big, 20);
        for (size_t i = 0; i < 20; i++) {
            memset(s.elems[i].data, (int)i + 1, sizeof(s.elems[i].data));
        }
        s.nw = 700000;
        s.words = g_new(uint16_t, s.nw);
        for (size_t i = 0; i < s.nw; i++) {
            s.words[i] = (uint16_t)(i * 7);
        }
        switch (kind) {
        case QFILE:
            f = qemu_fopen_bytearray(bytes);
            v = qemu_file_output_visitor_new(f);
            break;
        case BINARY:
            v = binary_output_visitor_new(bytes);
            break;
        case QOBJ:
            v = qobject_output_visitor_new(&tree);
            break;
        default:
            v = json_output_visitor_new(text, false);
            break;
        }
        CU_ASSERT_TRUE(vmstate_visit(v, "many", &vmstate_many, &s, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        if (f) {
            qemu_fclose(f);
            f = qemu_fopen_mem(bytes->data, bytes->len);
            v = qemu_file_input_visitor_new(f);
        } else if (kind == BINARY) {
            v = binary_input_visitor_new(bytes->data, bytes->len, NULL,
                                         &err);
        } else if (kind == QOBJ) {
            v = qobject_input_visitor_new(tree);
        } else {
            v = json_input_visitor_new(text->str, text->len, &err);
        }
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(vmstate_visit(v, "many", &vmstate_many, &back,
                                     &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        if (f) {
            qemu_fclose(f);
        }
        qobject_unref(tree);
        CU_ASSERT_EQUAL(back.n, 20);
        CU_ASSERT_EQUAL(back.nw, 700000);
        CU_ASSERT_TRUE(back.elems && back.words &&
                       !memcmp(back.elems, s.elems, 20 * sizeof(Big)) &&
                       !memcmp(back.words, s.words, 700000 * 2));
        many_clear(&s);
        many_clear(&back);
    }
}

typedef struct Inner {
    uint32_t len;
    uint8_t *buf;
} Inner;

typedef struct Outer {
    int32_t n;
    Inner *in;
} Outer;

static const VMStateDescription vmstate_inner = {
    .name = "inner",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(len, Inner),
        VMSTATE_VBUFFER_ALLOC_UINT32(buf, Inner, 0, NULL, len),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_outer = {
    .name = "outer",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_INT32(n, Outer),
        VMSTATE_STRUCT_VARRAY_ALLOC(in, Outer, n, 0, vmstate_inner, Inner),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * A load into a state that holds allocated elements frees what those
 * elements point to before it frees them, with the count they had (the
 * stream's count is already stored by then): the old code leaked the
 * inner buffers (ASan's leak check, valgrind).
 */
static void reload_frees_what_old_elements_point_to(void)
{
    static const uint8_t one[] = { 0, 0, 0, 2, 0, 0, 0, 1, 0xaa,
                                   0, 0, 0, 2, 0xbb, 0xcc };
    static const uint8_t two[] = { 0, 0, 0, 1, 0, 0, 0, 1, 0xdd };
    Outer s = { 0 };

    for (int round = 0; round < 2; round++) {
        const uint8_t *bytes = round ? two : one;
        size_t len = round ? sizeof(two) : sizeof(one);
        QEMUFile *f = qemu_fopen_mem(bytes, len);
        Visitor *v = qemu_file_input_visitor_new(f);
        GError *err = NULL;

        CU_ASSERT_TRUE(vmstate_visit(v, "outer", &vmstate_outer, &s,
                                     &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        qemu_fclose(f);
    }
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_TRUE(s.in && s.in[0].len == 1 && s.in[0].buf &&
                   s.in[0].buf[0] == 0xdd);
    vmstate_clear(&vmstate_outer, &s);
    CU_ASSERT_PTR_NULL(s.in);
}

typedef struct Ring {
    uint32_t n;
    Inner *in;              /* set up by the device for n elements */
} Ring;

static const VMStateDescription vmstate_ring = {
    .name = "ring",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(n, Ring),
        VMSTATE_STRUCT_VARRAY_POINTER_UINT32(in, Ring, n, vmstate_inner,
                                             Inner),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * A count refused before its pointer changed goes back to the value the
 * load began with, so the failed state's count still matches its memory
 * and vmstate_clear() (the migration core's clear of a scratch state)
 * stays inside it. The old code left the stream's count: clear then
 * walked 5 elements of a 2-element array (and 1000 of 1) and freed what
 * it found there.
 */
static void refused_count_keeps_the_state_consistent(void)
{
    static const uint8_t five[] = { 0, 0, 0, 5 };
    static const uint8_t many[] = { 0, 0, 0x03, 0xe8 };
    Ring r = { .n = 2, .in = g_new0(Inner, 2) };
    Outer o = { .n = 1, .in = g_new0(Inner, 1) };
    QVisitLimits limits;
    QEMUFile *f;
    Visitor *v;
    GError *err = NULL;

    r.in[0].len = 1;
    r.in[0].buf = g_malloc0(1);
    f = qemu_fopen_mem(five, sizeof(five));
    v = qemu_file_input_visitor_new(f);
    CU_ASSERT_FALSE(vmstate_visit(v, "ring", &vmstate_ring, &r, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "ring.in: 5 elements, more than the 2 it has room for");
    CU_ASSERT_EQUAL(r.n, 2);
    visit_free(v);
    qemu_fclose(f);
    vmstate_clear(&vmstate_ring, &r);
    CU_ASSERT_PTR_NULL(r.in[0].buf);
    g_free(r.in);

    o.in[0].len = 1;
    o.in[0].buf = g_malloc0(1);
    qvisit_limits_init(&limits);
    limits.max_array_len = 10;
    f = qemu_fopen_mem(many, sizeof(many));
    v = qemu_file_input_visitor_new(f);
    visit_set_limits(v, &limits);
    CU_ASSERT_FALSE(vmstate_visit(v, "outer", &vmstate_outer, &o, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "outer.in: 1000 elements, more than the 10 it has room for");
    CU_ASSERT_EQUAL(o.n, 1);
    visit_free(v);
    qemu_fclose(f);
    vmstate_clear(&vmstate_outer, &o);
    CU_ASSERT_PTR_NULL(o.in);
}

typedef struct Subs {
    uint32_t a;
    uint8_t x;
    uint8_t y;
} Subs;

static bool always(void *opaque)
{
    (void)opaque;
    return true;
}

static const VMStateDescription vmstate_subs_x = {
    .name = "subs/x",
    .version_id = 1,
    .needed = always,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(x, Subs),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_subs_y = {
    .name = "subs/y",
    .version_id = 1,
    .needed = always,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(y, Subs),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_subs = {
    .name = "subs",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(a, Subs),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_subs_x,
        &vmstate_subs_y,
        NULL
    },
};

/*
 * QEMU's vmstate_subsection_load() refuses a subsection header named
 * after the table (its name starts with the table's) that it has no
 * subsection for; qvisit reads subsections in the order QEMU writes
 * them, so one out of that order is refused too, with its name (escaped)
 * and offset. The old code stopped at such a header and reported success
 * with the subsection unread. A header of a parent's subsection (another
 * prefix) or a partial header still ends the table's subsections.
 */
static void unread_subsection_is_refused(void)
{
    static const struct {
        uint8_t bytes[32];
        size_t len;
        const char *msg;
    } cases[] = {
        { { 0, 0, 0, 1, 5, 6, 's', 'u', 'b', 's', '/', 'z', 0, 0, 0, 1, 8 },
          17, "subs: unknown subsection 'subs/z' at byte 4" },
        { { 0, 0, 0, 1, 5, 6, 's', 'u', 'b', 's', '/', 'y', 0, 0, 0, 1, 8,
            5, 6, 's', 'u', 'b', 's', '/', 'x', 0, 0, 0, 1, 7 }, 30,
          "subs: subsection 'subs/x' out of the table's order, or twice, at "
          "byte 17" },
        { { 0, 0, 0, 1, 5, 6, 's', 'u', 'b', 's', '/', '\n', 0, 0, 0, 1 },
          16, "subs: unknown subsection 'subs/\\x0a' at byte 4" },
        { { 0, 0, 0, 1, 5, 5, 'o', 't', 'h', 'e', 'r', 0, 0, 0, 1 }, 15,
          NULL },
        { { 0, 0, 0, 1, 5, 6, 's', 'u', 'b' }, 9, NULL },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Subs s = { 0, 0, 0 };
        QEMUFile *f = qemu_fopen_mem(cases[i].bytes, cases[i].len);
        Visitor *v = qemu_file_input_visitor_new(f);
        GError *err = NULL;
        bool ok = vmstate_visit(v, "subs", &vmstate_subs, &s, &err) &&
                  visit_complete(v, &err);

        if (cases[i].msg) {
            CU_ASSERT_FALSE(ok);
            ASSERT_ERROR(err, QVISIT_ERROR_UNEXPECTED, cases[i].msg);
        } else {
            CU_ASSERT_TRUE(ok);
            ASSERT_NO_ERROR(err);
            CU_ASSERT_EQUAL(qemu_file_transferred(f), 4);
        }
        CU_ASSERT_EQUAL(s.a, 1);
        visit_free(v);
        qemu_fclose(f);
    }
}

static const TestCase tests[] = {
    { "table_matches_hand_written_walk_in_json_and_bytes",
      table_matches_hand_written_walk_in_json_and_bytes },
    { "table_round_trips_through_every_visitor",
      table_round_trips_through_every_visitor },
    { "describe_gives_element_layouts_of_empty_arrays",
      describe_gives_element_layouts_of_empty_arrays },
    { "describe_sample_array_from_a_hand_written_walk",
      describe_sample_array_from_a_hand_written_walk },
    { "versions_gate_fields_as_in_qemu", versions_gate_fields_as_in_qemu },
    { "version_outside_the_table_is_a_version_error",
      version_outside_the_table_is_a_version_error },
    { "field_exists_test_skips_the_member",
      field_exists_test_skips_the_member },
    { "subsection_writes_qemu_record_when_needed",
      subsection_writes_qemu_record_when_needed },
    { "subsection_follows_needed", subsection_follows_needed },
    { "counted_array_beyond_its_room_is_a_range_error",
      counted_array_beyond_its_room_is_a_range_error },
    { "allocated_array_is_bounded_by_the_limits",
      allocated_array_is_bounded_by_the_limits },
    { "allocated_array_is_bounded_by_max_alloc",
      allocated_array_is_bounded_by_max_alloc },
    { "load_replaces_allocated_pointers", load_replaces_allocated_pointers },
    { "null_pointer_on_output_is_invalid",
      null_pointer_on_output_is_invalid },
    { "enum_is_a_name_in_trees_and_i32_in_bytes",
      enum_is_a_name_in_trees_and_i32_in_bytes },
    { "every_cut_and_corrupted_byte_fails_cleanly",
      every_cut_and_corrupted_byte_fails_cleanly },
    { "reads_in_place_across_refills_and_reports_bad_bools",
      reads_in_place_across_refills_and_reports_bad_bools },
    { "table_device_migrates_in_every_format",
      table_device_migrates_in_every_format },
    { "field_test_overrides_version_as_in_qemu",
      field_test_overrides_version_as_in_qemu },
    { "pointer_array_has_room_for_its_configured_count",
      pointer_array_has_room_for_its_configured_count },
    { "allocated_array_grows_with_what_is_read",
      allocated_array_grows_with_what_is_read },
    { "large_allocated_arrays_round_trip",
      large_allocated_arrays_round_trip },
    { "reload_frees_what_old_elements_point_to",
      reload_frees_what_old_elements_point_to },
    { "refused_count_keeps_the_state_consistent",
      refused_count_keeps_the_state_consistent },
    { "unread_subsection_is_refused", unread_subsection_is_refused },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("vmstate", tests);
}
