/*
 * Migration wire formats: round trips of every format, format detection,
 * exact legacy and binary bytes, checksums, truncation, and the
 * transactional load.
 */
#include "tests/test-util.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

#include "qvisit/binary-visitor.h"
#include "tests/test-device.h"

typedef struct Machine {
    MigrationRegistry *r;
    TDev dev[2];
} Machine;

static void machine_init(Machine *m, bool fill)
{
    MigrationDeviceInfo a = tdev_info("tdev", 0);
    MigrationDeviceInfo b = tdev_info("pci.0/tdev", 1);
    GError *err = NULL;

    memset(m, 0, sizeof(*m));
    if (fill) {
        tdev_fill(&m->dev[0], 1);
        tdev_fill(&m->dev[1], 2);
    }
    m->r = migration_registry_new();
    CU_ASSERT_TRUE(migration_register(m->r, &a, &m->dev[0], &err));
    CU_ASSERT_TRUE(migration_register(m->r, &b, &m->dev[1], &err));
    ASSERT_NO_ERROR(err);
}

static void machine_clear(Machine *m)
{
    migration_registry_free(m->r);
    tdev_clear(&m->dev[0]);
    tdev_clear(&m->dev[1]);
}

static GByteArray *save(Machine *m, MigrationFormat f)
{
    GByteArray *out = g_byte_array_new();
    g_autoptr(MigrationReport) rep = NULL;
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_save(m->r, f, out, &rep, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(rep->format, f);
    CU_ASSERT_EQUAL(rep->bytes, out->len);
    CU_ASSERT_EQUAL(rep->n_devices, 2);
    return out;
}

static void round_trip(MigrationFormat f)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    g_autoptr(MigrationReport) rep = NULL;
    GError *err = NULL;

    machine_init(&src, true);
    machine_init(&dst, false);
    bytes = save(&src, f);
    CU_ASSERT_EQUAL(src.dev[0].paused, 1);
    CU_ASSERT_EQUAL(src.dev[1].resumed, 1);
    CU_ASSERT_EQUAL(migration_detect_format(bytes->data, bytes->len), f);
    CU_ASSERT_TRUE(migration_load(dst.r, bytes->data, bytes->len, &rep,
                                  &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&src.dev[0], &dst.dev[0]));
    CU_ASSERT_TRUE(tdev_equal(&src.dev[1], &dst.dev[1]));
    CU_ASSERT_EQUAL(dst.dev[1].paused, 1);
    CU_ASSERT_EQUAL(dst.dev[1].resumed, 1);
    CU_ASSERT_EQUAL(rep->format, f);
    CU_ASSERT_STRING_EQUAL(rep->devices[1].id, "pci.0/tdev");
    CU_ASSERT_EQUAL(rep->devices[1].instance_id, 1);
    machine_clear(&src);
    machine_clear(&dst);
}

static void legacy_round_trip_restores_every_field(void)
{
    round_trip(MIGRATION_FORMAT_LEGACY);
}

static void binary_round_trip_restores_every_field(void)
{
    round_trip(MIGRATION_FORMAT_BINARY);
}

static void json_round_trip_restores_every_field(void)
{
    round_trip(MIGRATION_FORMAT_JSON);
}

static void every_format_decodes_to_the_same_tree(void)
{
    Machine src;
    g_autoptr(QDict) want = NULL;
    GError *err = NULL;

    machine_init(&src, true);
    for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
         f <= MIGRATION_FORMAT_JSON; f++) {
        g_autoptr(GByteArray) bytes = save(&src, f);
        g_autoptr(MigrationStream) s =
            migration_stream_decode(bytes->data, bytes->len, NULL, &err);
        g_autoptr(QDict) doc = NULL;
        QList *secs;

        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_EQUAL(migration_stream_get_format(s), f);
        CU_ASSERT_EQUAL(migration_stream_get_size(s), 2);
        doc = migration_stream_to_qobject(s);
        secs = qobject_to(QList, qdict_get(doc, "sections"));
        if (!want) {
            want = qobject_ref(doc);
        }
        ASSERT_QOBJECT_EQUAL(QOBJECT(secs),
                             qdict_get(want, "sections"));
    }
    machine_clear(&src);
}

static void convert_between_formats_keeps_the_state(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) json = NULL;
    g_autoptr(GByteArray) bin = g_byte_array_new();
    g_autoptr(MigrationStream) s = NULL;
    GError *err = NULL;

    machine_init(&src, true);
    machine_init(&dst, false);
    json = save(&src, MIGRATION_FORMAT_JSON);
    s = migration_stream_decode(json->data, json->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(migration_stream_encode(s, MIGRATION_FORMAT_BINARY, NULL,
                                           NULL, bin, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(migration_load(dst.r, bin->data, bin->len, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&src.dev[0], &dst.dev[0]));
    CU_ASSERT_TRUE(tdev_equal(&src.dev[1], &dst.dev[1]));
    machine_clear(&src);
    machine_clear(&dst);
}

static void detect_format_reads_the_first_bytes(void)
{
    static const struct {
        const char *bytes;
        size_t len;
        MigrationFormat want;
    } cases[] = {
        { "QEVM\0\0\0\3", 8, MIGRATION_FORMAT_LEGACY },
        { "QVSD\1", 5, MIGRATION_FORMAT_BINARY },
        { "{\"format\"", 9, MIGRATION_FORMAT_JSON },
        { " \n\t{", 4, MIGRATION_FORMAT_JSON },
        { "[1]", 3, MIGRATION_FORMAT_UNKNOWN },
        { "QEV", 3, MIGRATION_FORMAT_UNKNOWN },
        { "", 0, MIGRATION_FORMAT_UNKNOWN },
        { "QVSE", 4, MIGRATION_FORMAT_UNKNOWN },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        CU_ASSERT_EQUAL(migration_detect_format(cases[i].bytes, cases[i].len),
                        cases[i].want);
    }
}

static void format_names_round_trip(void)
{
    static const struct {
        MigrationFormat format;
        const char *name;
    } cases[] = {
        { MIGRATION_FORMAT_LEGACY, "legacy" },
        { MIGRATION_FORMAT_BINARY, "binary" },
        { MIGRATION_FORMAT_JSON, "json" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        CU_ASSERT_STRING_EQUAL(migration_format_name(cases[i].format),
                               cases[i].name);
        CU_ASSERT_EQUAL(migration_format_from_name(cases[i].name),
                        cases[i].format);
    }
    CU_ASSERT_STRING_EQUAL(migration_format_name(MIGRATION_FORMAT_UNKNOWN),
                           "unknown");
    CU_ASSERT_STRING_EQUAL(migration_format_name((MigrationFormat)99),
                           "unknown");
    CU_ASSERT_STRING_EQUAL(migration_format_name((MigrationFormat)-1),
                           "unknown");
    CU_ASSERT_EQUAL(migration_format_from_name("unknown"),
                    MIGRATION_FORMAT_UNKNOWN);
    CU_ASSERT_EQUAL(migration_format_from_name("xml"),
                    MIGRATION_FORMAT_UNKNOWN);
}

static void unknown_format_is_a_parse_error(void)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    GError *err = NULL;

    CU_ASSERT_FALSE(migration_load(r, "hello world", 11, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "not a migration stream (11 bytes, unknown magic)");
}

/*
 * Every loader of a whole input takes an empty one, whose GByteArray data
 * is NULL, and says so with an error (callers dereference it).
 */
static void every_loader_takes_null_empty_input(void)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    GError *err = NULL;

    CU_ASSERT_EQUAL(migration_detect_format(NULL, 0),
                    MIGRATION_FORMAT_UNKNOWN);
    CU_ASSERT_FALSE(migration_load(r, NULL, 0, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "stream too short to detect its format (0 bytes)");
    CU_ASSERT_PTR_NULL(migration_stream_decode(NULL, 0, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "stream too short to detect its format (0 bytes)");
    CU_ASSERT_PTR_NULL(binary_decode(NULL, 0, NULL, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED, "stream truncated at byte 0");
    CU_ASSERT_PTR_NULL(binary_input_visitor_new(NULL, 0, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED, "stream truncated at byte 0");
    CU_ASSERT_PTR_NULL(qobject_from_json_full(NULL, 0, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE, "json: empty input at byte 0");
}

/* A tiny device so the legacy bytes can be spelled out. */
typedef struct Tiny {
    uint8_t a;
    uint16_t regs[2];
} Tiny;

static bool tiny_visit(Visitor *v, void *opaque, GError **errp)
{
    Tiny *t = opaque;

    return visit_start_struct(v, "tiny", errp) &&
           visit_type_u8(v, "a", &t->a, errp) &&
           visit_type_u16_array(v, "regs", t->regs, 2, errp) &&
           visit_end_struct(v, errp);
}

/*
 * Registers @state as @info in a new registry and saves it in the legacy
 * format into @out. Returns the registry.
 */
static MigrationRegistry *legacy_save_one(const MigrationDeviceInfo *info,
                                          void *state, GByteArray *out)
{
    MigrationRegistry *r = migration_registry_new();
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_register(r, info, state, &err) &&
                   migration_save(r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    return r;
}

/* legacy_save_one() of @t as version 3 of "tiny". */
static MigrationRegistry *tiny_legacy_save(Tiny *t, GByteArray *out)
{
    static const MigrationDeviceInfo info = {
        .id = "tiny", .version = 3, .visit = tiny_visit,
        .state_size = sizeof(Tiny),
    };

    return legacy_save_one(&info, t, out);
}

static void legacy_writes_qemu_savevm_layout(void)
{
    Tiny t = { .a = 0xab, .regs = { 0x0102, 0x0304 } };
    MigrationDeviceInfo info = {
        .id = "tiny", .instance_id = 0, .version = 3, .minimum_version = 1,
        .visit = tiny_visit, .state_size = sizeof(Tiny),
    };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationRegistry) r G_GNUC_UNUSED =
        legacy_save_one(&info, &t, out);
    static const char vmdesc[] =
        "{\"page_size\": 4096, \"devices\": [{\"name\": \"tiny\", "
        "\"instance_id\": 0, \"vmsd_name\": \"tiny\", \"version\": 3, "
        "\"fields\": [{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}, "
        "{\"name\": \"regs\", \"array_len\": 2, \"type\": \"uint16\", "
        "\"size\": 2}]}]}";
    g_autoptr(GByteArray) want = g_byte_array_new();
    static const uint8_t head[] = {
        'Q', 'E', 'V', 'M', 0, 0, 0, 3,
        0x07, 0, 0, 0, 6, 'q', 'v', 'i', 's', 'i', 't',
        0x04, 0, 0, 0, 0, 4, 't', 'i', 'n', 'y', 0, 0, 0, 0, 0, 0, 0, 3,
        0xab, 0x01, 0x02, 0x03, 0x04,
        0x7e, 0, 0, 0, 0,
        0x00,
        0x06, 0, 0, 0, 0,
    };

    g_byte_array_append(want, head, sizeof(head));
    want->data[want->len - 1] = sizeof(vmdesc) - 1;
    g_byte_array_append(want, (const uint8_t *)vmdesc, sizeof(vmdesc) - 1);
    ASSERT_BYTES_EQUAL(out->data, out->len, want->data, want->len);
}

/*
 * A walk that fails in the middle of a legacy save: the payload writer
 * lives on the stream's QEMUFile when the save gives up (it used to be
 * freed after the file, a use-after-free the ASan run caught).
 */
static void legacy_save_of_a_failing_walk_fails_cleanly(void)
{
    Machine m;
    g_autoptr(GByteArray) out = g_byte_array_new();
    GError *err = NULL;

    machine_init(&m, true);
    g_free(m.dev[1].label);
    m.dev[1].label = g_strdup("bad \xff");
    CU_ASSERT_FALSE(migration_save(m.r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                   &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "tdev.label: string is not valid UTF-8");
    CU_ASSERT_EQUAL(out->len, 0);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(m.dev[i].paused, 1);
        CU_ASSERT_EQUAL(m.dev[i].resumed, 1);
    }
    machine_clear(&m);
}

/* A device of one buffer, whose walk fails while @fail is set. */
typedef struct Blob {
    uint8_t bytes[20000];
    size_t size;
    bool fail;
} Blob;

static bool blob_visit(Visitor *v, void *opaque, GError **errp)
{
    Blob *b = opaque;

    if (b->fail) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "blob: walk refused");
        return false;
    }
    return visit_start_struct(v, "blob", errp) &&
           visit_type_buffer(v, "bytes", b->bytes, b->size, errp) &&
           visit_end_struct(v, errp);
}

/*
 * Every format writes the stream in place after what @out held, with no
 * copy, and a walk failing after earlier sections were written leaves
 * @out as it was. The binary bodies of 10, 1000 and 20000 bytes take a
 * record length of 1, 2 and 3 varint bytes.
 */
static void save_appends_in_place_all_or_nothing(void)
{
    static const size_t sizes[] = { 10, 1000, 20000, 4 };
    static const uint8_t prefix[] = { 'p', 'r', 'e', 0x00, 0xff };

    for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
         f <= MIGRATION_FORMAT_JSON; f++) {
        g_autoptr(MigrationRegistry) r = migration_registry_new();
        g_autoptr(MigrationRegistry) dst = migration_registry_new();
        g_autofree Blob *src_b = g_new0(Blob, G_N_ELEMENTS(sizes));
        g_autofree Blob *dst_b = g_new0(Blob, G_N_ELEMENTS(sizes));
        g_autoptr(GByteArray) fresh = g_byte_array_new();
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(GByteArray) before = NULL;
        g_autoptr(MigrationReport) rep = NULL;
        GError *err = NULL;

        for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
            g_autofree char *id = g_strdup_printf("blob%zu", i);
            MigrationDeviceInfo info = {
                .id = id, .version = 1, .visit = blob_visit,
            };

            src_b[i].size = dst_b[i].size = sizes[i];
            for (size_t k = 0; k < sizes[i]; k++) {
                src_b[i].bytes[k] = (uint8_t)(k * 7 + i);
            }
            CU_ASSERT_TRUE(migration_register(r, &info, &src_b[i], &err));
            CU_ASSERT_TRUE(migration_register(dst, &info, &dst_b[i], &err));
            ASSERT_NO_ERROR(err);
        }
        CU_ASSERT_TRUE(migration_save(r, f, fresh, NULL, &err));
        ASSERT_NO_ERROR(err);

        g_byte_array_append(out, prefix, sizeof(prefix));
        CU_ASSERT_TRUE(migration_save(r, f, out, &rep, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(rep->bytes, fresh->len);
        CU_ASSERT_FATAL(out->len == sizeof(prefix) + fresh->len);
        ASSERT_BYTES_EQUAL(out->data, sizeof(prefix), prefix,
                           sizeof(prefix));
        ASSERT_BYTES_EQUAL(out->data + sizeof(prefix), fresh->len,
                           fresh->data, fresh->len);
        CU_ASSERT_TRUE(migration_load(dst, out->data + sizeof(prefix),
                                      fresh->len, NULL, &err));
        ASSERT_NO_ERROR(err);
        for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
            CU_ASSERT_EQUAL(memcmp(dst_b[i].bytes, src_b[i].bytes,
                                   sizes[i]), 0);
        }

        before = g_byte_array_new();
        g_byte_array_append(before, out->data, out->len);
        src_b[G_N_ELEMENTS(sizes) - 1].fail = true;
        CU_ASSERT_FALSE(migration_save(r, f, out, NULL, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID, "blob: walk refused");
        ASSERT_BYTES_EQUAL(out->data, out->len, before->data, before->len);
    }
}

/*
 * Save refuses, naming the member, what load would refuse or read back
 * differently: invalid UTF-8 in every format, and NaN or an infinity in
 * JSON (written as null); the binary formats carry those doubles exactly.
 */
static void save_refuses_what_load_refuses_in_every_format(void)
{
    static const double odd[] = { NAN, INFINITY, -INFINITY };
    static const char *const json_msg[] = {
        "tdev.ratio: nan cannot be written in JSON",
        "tdev.ratio: inf cannot be written in JSON",
        "tdev.ratio: -inf cannot be written in JSON",
    };

    for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
         f <= MIGRATION_FORMAT_JSON; f++) {
        Machine m;
        g_autoptr(GByteArray) out = g_byte_array_new();
        GError *err = NULL;

        machine_init(&m, true);
        g_free(m.dev[0].label);
        m.dev[0].label = g_strdup("caf\xc3");
        CU_ASSERT_FALSE(migration_save(m.r, f, out, NULL, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                     "tdev.label: string is not valid UTF-8");
        CU_ASSERT_EQUAL(out->len, 0);
        g_free(m.dev[0].label);
        m.dev[0].label = g_strdup("ok");

        for (size_t i = 0; i < G_N_ELEMENTS(odd); i++) {
            Machine dst;
            bool saved;

            g_byte_array_set_size(out, 0);
            m.dev[1].ratio = odd[i];
            saved = migration_save(m.r, f, out, NULL, &err);
            if (f == MIGRATION_FORMAT_JSON) {
                CU_ASSERT_FALSE(saved);
                ASSERT_ERROR(err, QVISIT_ERROR_INVALID, json_msg[i]);
                CU_ASSERT_EQUAL(out->len, 0);
                continue;
            }
            CU_ASSERT_TRUE(saved);
            ASSERT_NO_ERROR(err);
            machine_init(&dst, false);
            CU_ASSERT_TRUE(migration_load(dst.r, out->data, out->len, NULL,
                                          &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_TRUE(isnan(odd[i]) ? isnan(dst.dev[1].ratio)
                                         : dst.dev[1].ratio == odd[i]);
            machine_clear(&dst);
        }
        machine_clear(&m);
    }
}

/* Converting a stream to JSON refuses the same, with the member's path. */
static void convert_to_json_refuses_nan(void)
{
    Machine m;
    g_autoptr(GByteArray) bin = NULL;
    g_autoptr(GByteArray) json = g_byte_array_new();
    g_autoptr(MigrationStream) s = NULL;
    GError *err = NULL;

    machine_init(&m, true);
    m.dev[1].ratio = NAN;
    bin = save(&m, MIGRATION_FORMAT_BINARY);
    s = migration_stream_decode(bin->data, bin->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(migration_stream_encode(s, MIGRATION_FORMAT_JSON, NULL,
                                            NULL, json, &err));
    /* A stream's tree is walked under its section id. */
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "pci.0/tdev.ratio: nan cannot be written in JSON");
    CU_ASSERT_EQUAL(json->len, 0);
    machine_clear(&m);
}

typedef struct Signed {
    int8_t b;
    int16_t h;
    int32_t w;
    int64_t q;
    uint32_t u;
} Signed;

static bool signed_visit(Visitor *v, void *opaque, GError **errp)
{
    Signed *t = opaque;

    return visit_start_struct(v, "sgn", errp) &&
           visit_type_i8(v, "b", &t->b, errp) &&
           visit_type_i16(v, "h", &t->h, errp) &&
           visit_type_i32(v, "w", &t->w, errp) &&
           visit_type_i64(v, "q", &t->q, errp) &&
           visit_type_u32(v, "u", &t->u, errp) &&
           visit_end_struct(v, errp);
}

/* Signed fields: two's complement bytes, "intN" in the vmdesc. */
static void legacy_writes_signed_fields_as_twos_complement(void)
{
    Signed t = { .b = -1, .h = -2, .w = -3, .q = -4, .u = 0xfffffffb };
    MigrationDeviceInfo info = {
        .id = "sgn", .instance_id = 0, .version = 1, .minimum_version = 1,
        .visit = signed_visit, .state_size = sizeof(Signed),
    };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationRegistry) r G_GNUC_UNUSED =
        legacy_save_one(&info, &t, out);
    static const char vmdesc[] =
        "{\"page_size\": 4096, \"devices\": [{\"name\": \"sgn\", "
        "\"instance_id\": 0, \"vmsd_name\": \"sgn\", \"version\": 1, "
        "\"fields\": [{\"name\": \"b\", \"type\": \"int8\", \"size\": 1}, "
        "{\"name\": \"h\", \"type\": \"int16\", \"size\": 2}, "
        "{\"name\": \"w\", \"type\": \"int32\", \"size\": 4}, "
        "{\"name\": \"q\", \"type\": \"int64\", \"size\": 8}, "
        "{\"name\": \"u\", \"type\": \"uint32\", \"size\": 4}]}]}";
    static const uint8_t payload[] = {
        0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xfd,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc,
        0xff, 0xff, 0xff, 0xfb,
    };
    const uint8_t *tail;

    /* header (8), configuration (11), FULL header of "sgn" (17) */
    CU_ASSERT_FATAL(out->len > 36 + sizeof(payload) + sizeof(vmdesc) - 1);
    ASSERT_BYTES_EQUAL(out->data + 36, sizeof(payload), payload,
                       sizeof(payload));
    tail = out->data + out->len - (sizeof(vmdesc) - 1);
    ASSERT_BYTES_EQUAL(tail, sizeof(vmdesc) - 1, vmdesc, sizeof(vmdesc) - 1);
}

static void binary_writes_tagged_members_and_crc(void)
{
    Tiny t = { .a = 0xab, .regs = { 0x0102, 0x0304 } };
    MigrationDeviceInfo info = {
        .id = "tiny", .version = 3, .visit = tiny_visit,
    };
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    g_autoptr(GByteArray) out = g_byte_array_new();
    static const uint8_t body[] = {
        4, 't', 'i', 'n', 'y', 0, 3,            /* id, instance, version */
        2, 1, 'a', 4, 'r', 'e', 'g', 's',       /* name table */
        0x0e,                                   /* struct */
        0x81, 0xab,                             /* a (name 0): u8 */
        0x92, 2, 0x01, 0x02, 0x03, 0x04,        /* regs (name 1): u16[2] */
        0,                                      /* end of struct */
    };
    g_autoptr(GByteArray) want = g_byte_array_new();
    static const uint8_t head[] = {
        'Q', 'V', 'S', 'D', 1, 0x07, 6, 'q', 'v', 'i', 's', 'i', 't',
        0,                                      /* machine version */
    };
    uLong hcrc = crc32(0, head, sizeof(head));
    uint8_t head_tail[] = { hcrc >> 24, hcrc >> 16, hcrc >> 8, hcrc,
                            0x01, sizeof(body) };
    uLong crc = crc32(crc32(0, head_tail + 4, 2), body, sizeof(body));
    uint8_t tail[5] = { crc >> 24, crc >> 16, crc >> 8, crc, 0x00 };
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_register(r, &info, &t, &err));
    CU_ASSERT_TRUE(migration_save(r, MIGRATION_FORMAT_BINARY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    g_byte_array_append(want, head, sizeof(head));
    g_byte_array_append(want, head_tail, sizeof(head_tail));
    g_byte_array_append(want, body, sizeof(body));
    g_byte_array_append(want, tail, sizeof(tail));
    ASSERT_BYTES_EQUAL(out->data, out->len, want->data, want->len);
}

static void binary_checksum_catches_a_flipped_bit(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    GError *err = NULL;

    machine_init(&src, true);
    machine_init(&dst, false);
    bytes = save(&src, MIGRATION_FORMAT_BINARY);
    bytes->data[40] ^= 0x10;
    CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                   &err));
    CU_ASSERT_TRUE(err && g_str_has_suffix(err->message, " at byte 18"));
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_CHECKSUM, "record: crc32 0x");
    CU_ASSERT_EQUAL(dst.dev[0].u8, 0);
    machine_clear(&src);
    machine_clear(&dst);
}

/* A later release may add record kinds: a reader steps over them. */
static void binary_reader_skips_unknown_record_types(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    static const uint8_t rec0[] = { 0x42, 3, 'a', 'b', 'c' };
    uLong crc = crc32(0, rec0, sizeof(rec0));
    uint8_t rec[] = { 0x42, 3, 'a', 'b', 'c', crc >> 24, crc >> 16,
                      crc >> 8, crc };
    GError *err = NULL;

    machine_init(&src, true);
    machine_init(&dst, false);
    bytes = save(&src, MIGRATION_FORMAT_BINARY);
    /* Before the EOF byte. */
    g_byte_array_set_size(bytes, bytes->len - 1);
    g_byte_array_append(bytes, rec, sizeof(rec));
    g_byte_array_append(bytes, (const uint8_t *)"", 1);
    CU_ASSERT_TRUE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&src.dev[1], &dst.dev[1]));
    /* Its checksum is still checked. */
    bytes->data[bytes->len - 5] ^= 1;
    CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                   &err));
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_CHECKSUM, "record: crc32 0x");
    machine_clear(&src);
    machine_clear(&dst);
}

/* The CRCs cover every byte but the record types and lengths, and a
 * change there breaks the framing: every single-bit flip is an error. */
static void binary_every_bit_flip_is_detected(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    TDev zero;

    machine_init(&src, true);
    machine_init(&dst, false);
    memset(&zero, 0, sizeof(zero));
    bytes = save(&src, MIGRATION_FORMAT_BINARY);
    for (size_t i = 0; i < bytes->len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            GError *err = NULL;

            bytes->data[i] ^= 1 << bit;
            CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, bytes->len,
                                           NULL, &err));
            CU_ASSERT_PTR_NOT_NULL(err);
            g_clear_error(&err);
            bytes->data[i] ^= 1 << bit;
        }
    }
    CU_ASSERT_TRUE(tdev_equal(&dst.dev[0], &zero));
    CU_ASSERT_TRUE(tdev_equal(&dst.dev[1], &zero));
    machine_clear(&src);
    machine_clear(&dst);
}

static void truncation_anywhere_fails_cleanly_and_writes_nothing(void)
{
    Machine src, dst;
    TDev zero;

    machine_init(&src, true);
    machine_init(&dst, false);
    memset(&zero, 0, sizeof(zero));
    for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
         f <= MIGRATION_FORMAT_JSON; f++) {
        g_autoptr(GByteArray) bytes = save(&src, f);

        /* A JSON document may lose its final newline and stay whole. */
        size_t end = bytes->len - (f == MIGRATION_FORMAT_JSON);
        /* A legacy stream cut right before its vmdesc is a whole stream
         * without one (suppress-vmdesc), which the registry decodes. */
        size_t whole = 0;

        if (f == MIGRATION_FORMAT_LEGACY) {
            for (whole = bytes->len - 5; bytes->data[whole] != 0x06;
                 whole--) {
            }
        }
        for (size_t cut = 0; cut < end; cut++) {
            GError *err = NULL;

            if (cut == whole && whole) {
                continue;
            }

            CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, cut, NULL,
                                           &err));
            CU_ASSERT_PTR_NOT_NULL(err);
            g_clear_error(&err);
        }
        CU_ASSERT_TRUE(tdev_equal(&dst.dev[0], &zero));
        CU_ASSERT_TRUE(tdev_equal(&dst.dev[1], &zero));
    }
    machine_clear(&src);
    machine_clear(&dst);
}

static void legacy_truncated_payload_names_the_field(void)
{
    Tiny t = { .a = 1 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationRegistry) r = tiny_legacy_save(&t, out);
    GError *err = NULL;

    /* Drop the payload's last byte but keep the trailer. */
    g_byte_array_remove_index(out, 41);
    CU_ASSERT_FALSE(migration_load(r, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "tiny: missing section footer (got byte 0x00) at byte 42");
}

/* A stream cut inside its vmdesc says so, whatever decodes the devices. */
static void legacy_cut_in_vmdesc_is_truncated_vmdesc(void)
{
    Tiny t = { .a = 1 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationRegistry) r = tiny_legacy_save(&t, out);
    g_autofree char *want = NULL;
    GError *err = NULL;
    size_t v;
    uint32_t claim;

    for (v = out->len - 5; out->data[v] != 0x06; v--) {
    }
    claim = (uint32_t)out->data[v + 1] << 24 | out->data[v + 2] << 16 |
            out->data[v + 3] << 8 | out->data[v + 4];
    CU_ASSERT_EQUAL(claim, out->len - v - 5);

    /* Ten bytes of JSON missing. */
    g_byte_array_set_size(out, out->len - 10);
    want = g_strdup_printf("vmdesc: stream truncated inside the description "
                           "(%u of %u bytes) at byte %u", claim - 10, claim,
                           out->len);
    CU_ASSERT_FALSE(migration_load(r, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED, want);
    g_clear_error(&err);

    /* Cut inside the record's length. */
    g_byte_array_set_size(out, v + 3);
    g_free(want);
    /* The record's length starts at v + 1. */
    want = g_strdup_printf("vmdesc: stream truncated at byte %zu", v + 1);
    CU_ASSERT_FALSE(migration_load(r, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED, want);
    g_clear_error(&err);
}

/* An optional member's presence byte: written as the visitor's bool,
 * described with the "qvisit": "present" mark, checked on load. */
typedef struct Opt {
    bool has_v;
    uint8_t v;
    char *name;
} Opt;

static bool opt_visit(Visitor *v, void *opaque, GError **errp)
{
    Opt *o = opaque;

    if (!visit_start_struct(v, "opt", errp)) {
        return false;
    }
    if (visit_optional(v, "v", &o->has_v) &&
        !visit_type_u8(v, "v", &o->v, errp)) {
        return false;
    }
    return visit_type_str(v, "name", &o->name, errp) &&
           visit_end_struct(v, errp);
}

static void opt_clear(void *opaque)
{
    g_clear_pointer(&((Opt *)opaque)->name, g_free);
}

static void legacy_presence_bytes_and_strings_round_trip(void)
{
    static const MigrationDeviceInfo info = {
        .id = "opt", .version = 1, .visit = opt_visit,
        .state_size = sizeof(Opt), .clear = opt_clear,
    };
    Opt src = { .has_v = true, .v = 7, .name = g_strdup("caf\xc3\xa9") };
    Opt dst = { 0 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationRegistry) r G_GNUC_UNUSED =
        legacy_save_one(&info, &src, out);
    g_autoptr(MigrationRegistry) d = migration_registry_new();
    g_autoptr(MigrationStream) s = NULL;
    GError *err = NULL;

    /* Header 19, section header 17: presence byte, v, be32 5, text. */
    ASSERT_BYTES_EQUAL(out->data + 36, 11, "\x01\x07\0\0\0\x05" "caf\xc3\xa9",
                       11);
    s = migration_stream_decode(out->data, out->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    {
        g_autoptr(GString) json = qobject_to_json(
            QOBJECT(migration_stream_get_section(s, 0)->state));

        CU_ASSERT_STRING_EQUAL(json->str,
                               "{\"v\":7,\"name\":\"caf\xc3\xa9\"}");
    }
    CU_ASSERT_TRUE(migration_register(d, &info, &dst, &err));
    CU_ASSERT_TRUE(migration_load(d, out->data, out->len, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(dst.has_v && dst.v == 7);
    CU_ASSERT_STRING_EQUAL(dst.name, "caf\xc3\xa9");

    /* A presence byte other than 0 and 1 names the member. The device's
     * walk refuses the payload first; the decode through the vmdesc then
     * gives the load's error, as it did before the direct path. */
    out->data[36] = 2;
    CU_ASSERT_FALSE(migration_load(d, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "opt.has_v: expected presence byte 0 or 1, got 2 at byte 36");
    out->data[36] = 1;
    /* A string whose length disagrees with the vmdesc. */
    out->data[41] = 4;
    CU_ASSERT_FALSE(migration_load(d, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_PARSE,
                 "opt.name: string length 4 but vmdesc size 9 at byte 38");
    CU_ASSERT_STRING_EQUAL(dst.name, "caf\xc3\xa9");
    opt_clear(&src);
    opt_clear(&dst);
}

/* QEMU's suppress-vmdesc=on: the registry's layouts decode the payload. */
static void legacy_without_vmdesc_loads_through_the_registry(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autofree char *want = NULL;
    size_t n;
    GError *err = NULL;

    machine_init(&src, true);
    machine_init(&dst, false);
    bytes = save(&src, MIGRATION_FORMAT_LEGACY);
    /* Cut the vmdesc record: u8 0x06, be32 N, N bytes. */
    for (n = bytes->len - 5; bytes->data[n] != 0x06; n--) {
    }
    g_byte_array_set_size(bytes, n);
    want = g_strdup_printf("stream truncated: no EOF and vmdesc at its end, "
                           "which decoding needs at byte %zu", n);
    s = migration_stream_decode(bytes->data, bytes->len, NULL, &err);
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED, want);
    CU_ASSERT_TRUE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&src.dev[0], &dst.dev[0]));
    CU_ASSERT_TRUE(tdev_equal(&src.dev[1], &dst.dev[1]));
    /* A truncated payload names the field. */
    CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, 60, NULL, &err));
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_TRUNCATED, "section at byte ");
    machine_clear(&src);
    machine_clear(&dst);
}

/* The transactional load: the last section fails, nothing is written. */
static void failure_in_last_device_leaves_every_device_untouched(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autoptr(GByteArray) bad = g_byte_array_new();
    TDev before[2];
    GError *err = NULL;
    QDict *state;

    machine_init(&src, true);
    machine_init(&dst, true);
    tdev_clear(&src.dev[0]);
    tdev_clear(&src.dev[1]);
    tdev_fill(&src.dev[0], 5);
    tdev_fill(&src.dev[1], 6);
    before[0] = dst.dev[0];
    before[1] = dst.dev[1];
    bytes = save(&src, MIGRATION_FORMAT_JSON);
    s = migration_stream_decode(bytes->data, bytes->len, NULL, &err);
    state = migration_stream_get_section(s, 1)->state;
    qdict_put_int(qobject_to(QDict, qlist_get(qobject_to(QList,
                                              qdict_get(state, "ch")), 2)),
                  "count", 70000);
    CU_ASSERT_TRUE(migration_stream_encode(s, MIGRATION_FORMAT_BINARY, NULL,
                                           NULL, bad, &err));
    CU_ASSERT_FALSE(migration_load(dst.r, bad->data, bad->len, NULL, &err));
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_RANGE, "tdev.ch[2].count: ");
    CU_ASSERT_EQUAL(dst.dev[0].paused, 0);
    CU_ASSERT_TRUE(tdev_equal(&dst.dev[0], &before[0]));
    CU_ASSERT_TRUE(tdev_equal(&dst.dev[1], &before[1]));
    machine_clear(&src);
    machine_clear(&dst);
}

/* The offset of the first byte of the vmdesc text of a legacy stream. */
static size_t vmdesc_text_at(const GByteArray *bytes)
{
    size_t v;

    for (v = bytes->len - 5; bytes->data[v] != 0x06; v--) {
    }
    return v + 5;
}

static bool tdev_v3_step(QDict *state, void *opaque, GError **errp)
{
    (void)state;
    (void)opaque;
    (void)errp;
    return true;
}

/*
 * A destination whose devices have the stream's versions reads each
 * legacy payload with the device's own walk and never parses the vmdesc,
 * as QEMU's loader; a version that differs needs the tree, and so the
 * vmdesc.
 */
static void legacy_load_reads_payloads_without_the_vmdesc(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autoptr(CompatRegistry) compat = compat_registry_new();
    MigrationDeviceInfo newer = tdev_info("tdev", 0);
    MigrationDeviceInfo other = tdev_info("pci.0/tdev", 1);
    TDev d[2];
    GError *err = NULL;
    size_t at;

    machine_init(&src, true);
    machine_init(&dst, false);
    bytes = save(&src, MIGRATION_FORMAT_LEGACY);
    /* {"page_size": ... becomes {?page_size": ...: no JSON any more. */
    at = vmdesc_text_at(bytes);
    CU_ASSERT_EQUAL(bytes->data[at + 1], '"');
    bytes->data[at + 1] = '?';
    s = migration_stream_decode(bytes->data, bytes->len, NULL, &err);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_EQUAL(err ? err->code : 0, QVISIT_ERROR_PARSE);
    g_clear_error(&err);
    CU_ASSERT_TRUE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&src.dev[0], &dst.dev[0]));
    CU_ASSERT_TRUE(tdev_equal(&src.dev[1], &dst.dev[1]));

    /* tdev at version 3 on this side, converted from 2: the vmdesc is
     * parsed, and its error is the load's. */
    memset(d, 0, sizeof(d));
    newer.version = 3;
    CU_ASSERT_TRUE(compat_register(compat, "tdev", 2, 3, tdev_v3_step, NULL,
                                   &err));
    migration_registry_free(dst.r);
    dst.r = migration_registry_new();
    migration_set_compat(dst.r, compat);
    CU_ASSERT_TRUE(migration_register(dst.r, &newer, &d[0], &err));
    CU_ASSERT_TRUE(migration_register(dst.r, &other, &d[1], &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                   &err));
    CU_ASSERT_EQUAL(err ? err->code : 0, QVISIT_ERROR_PARSE);
    g_clear_error(&err);
    CU_ASSERT_EQUAL(d[0].u8, 0);
    bytes->data[at + 1] = '"';
    CU_ASSERT_TRUE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(tdev_equal(&src.dev[0], &d[0]));
    CU_ASSERT_TRUE(tdev_equal(&src.dev[1], &d[1]));
    tdev_clear(&d[0]);
    tdev_clear(&d[1]);
    machine_clear(&src);
    machine_clear(&dst);
}

/* Opt's members in another order: a walk that reads the legacy payload
 * positionally fails (the string's length comes from the wrong bytes). */
static bool opt_visit_reordered(Visitor *v, void *opaque, GError **errp)
{
    Opt *o = opaque;

    if (!visit_start_struct(v, "opt", errp) ||
        !visit_type_str(v, "name", &o->name, errp)) {
        return false;
    }
    if (visit_optional(v, "v", &o->has_v) &&
        !visit_type_u8(v, "v", &o->v, errp)) {
        return false;
    }
    return visit_end_struct(v, errp);
}

/*
 * When a device's walk refuses a legacy payload, the load decodes the
 * stream through its vmdesc and decides there, as before the direct
 * path: a walk that asks for the members in another order loads them by
 * name.
 */
static void legacy_load_falls_back_to_the_vmdesc_when_the_walk_refuses(void)
{
    static const MigrationDeviceInfo info = {
        .id = "opt", .version = 1, .visit = opt_visit,
        .state_size = sizeof(Opt), .clear = opt_clear,
    };
    MigrationDeviceInfo reordered = info;
    Opt src = { .has_v = true, .v = 7, .name = g_strdup("caf\xc3\xa9") };
    Opt dst = { 0 };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationRegistry) r G_GNUC_UNUSED =
        legacy_save_one(&info, &src, out);
    g_autoptr(MigrationRegistry) d = migration_registry_new();
    GError *err = NULL;

    reordered.visit = opt_visit_reordered;
    CU_ASSERT_TRUE(migration_register(d, &reordered, &dst, &err));
    CU_ASSERT_TRUE(migration_load(d, out->data, out->len, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(dst.has_v && dst.v == 7);
    CU_ASSERT_STRING_EQUAL(dst.name, "caf\xc3\xa9");
    opt_clear(&src);
    opt_clear(&dst);
}

/* A device whose state is one large buffer: a binary section above the
 * size the load reads again from the stream instead of taping it. */
#define BIG_SIZE (100 * 1024)

typedef struct Big {
    uint8_t data[BIG_SIZE];
} Big;

static bool big_visit(Visitor *v, void *opaque, GError **errp)
{
    Big *b = opaque;

    return visit_start_struct(v, "big", errp) &&
           visit_type_buffer(v, "data", b->data, BIG_SIZE, errp) &&
           visit_end_struct(v, errp);
}

static void binary_large_section_loads_all_or_nothing(void)
{
    static const MigrationDeviceInfo big_info = {
        .id = "big", .version = 1, .visit = big_visit,
        .state_size = sizeof(Big),
    };
    MigrationDeviceInfo tinfo = tdev_info("tdev", 0);
    g_autoptr(MigrationRegistry) sr = migration_registry_new();
    g_autoptr(MigrationRegistry) dr = migration_registry_new();
    g_autofree Big *src = g_new0(Big, 1);
    g_autofree Big *dst = g_new0(Big, 1);
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autoptr(GByteArray) bad = g_byte_array_new();
    g_autoptr(MigrationStream) s = NULL;
    TDev st, dt;
    GError *err = NULL;
    QDict *state;

    memset(&dt, 0, sizeof(dt));
    tdev_fill(&st, 3);
    for (size_t i = 0; i < BIG_SIZE; i++) {
        src->data[i] = (uint8_t)(i * 7 + 1);
    }
    CU_ASSERT_TRUE(migration_register(sr, &big_info, src, &err));
    CU_ASSERT_TRUE(migration_register(sr, &tinfo, &st, &err));
    CU_ASSERT_TRUE(migration_register(dr, &big_info, dst, &err));
    CU_ASSERT_TRUE(migration_register(dr, &tinfo, &dt, &err));
    CU_ASSERT_TRUE(migration_save(sr, MIGRATION_FORMAT_BINARY, bytes, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);

    /* The device after the large one fails its dry run: nothing is
     * written, the large one included. */
    s = migration_stream_decode(bytes->data, bytes->len, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    state = migration_stream_get_section(s, 1)->state;
    qdict_put_int(state, "u8", 300);
    CU_ASSERT_TRUE(migration_stream_encode(s, MIGRATION_FORMAT_BINARY, NULL,
                                           NULL, bad, &err));
    CU_ASSERT_FALSE(migration_load(dr, bad->data, bad->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "tdev.u8: 300 does not fit u8");
    CU_ASSERT_EQUAL(dst->data[0], 0);
    CU_ASSERT_EQUAL(dst->data[BIG_SIZE - 1], 0);

    CU_ASSERT_TRUE(migration_load(dr, bytes->data, bytes->len, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(memcmp(src->data, dst->data, BIG_SIZE), 0);
    CU_ASSERT_TRUE(tdev_equal(&st, &dt));
    tdev_clear(&st);
    tdev_clear(&dt);
}

/*
 * A legacy save reuses a device's vmdesc entry while the walk has the
 * same shape; a different shape (presence, string length) is described
 * anew: every stream equals the one a registry saving for the first
 * time writes.
 */
static void legacy_save_vmdesc_follows_the_walk_shape(void)
{
    static const MigrationDeviceInfo info = {
        .id = "opt", .version = 1, .visit = opt_visit,
        .state_size = sizeof(Opt), .clear = opt_clear,
    };
    static const struct {
        bool has_v;
        const char *name;
    } states[] = {
        { true, "ab" }, { true, "ab" }, { false, "ab" }, { false, "abcd" },
        { true, "ab" },
    };
    Opt o = { 0 };
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_register(r, &info, &o, &err));
    for (size_t i = 0; i < G_N_ELEMENTS(states); i++) {
        g_autoptr(GByteArray) got = g_byte_array_new();
        g_autoptr(GByteArray) want = g_byte_array_new();
        g_autoptr(MigrationRegistry) fresh = migration_registry_new();

        o.has_v = states[i].has_v;
        o.v = 9;
        g_free(o.name);
        o.name = g_strdup(states[i].name);
        CU_ASSERT_TRUE(migration_save(r, MIGRATION_FORMAT_LEGACY, got, NULL,
                                      &err));
        CU_ASSERT_TRUE(migration_register(fresh, &info, &o, &err));
        CU_ASSERT_TRUE(migration_save(fresh, MIGRATION_FORMAT_LEGACY, want,
                                      NULL, &err));
        ASSERT_NO_ERROR(err);
        ASSERT_BYTES_EQUAL(got->data, got->len, want->data, want->len);
    }
    opt_clear(&o);
}

typedef struct Sub {
    uint8_t a, b;
    bool has_extra;
} Sub;

/* A QEMU-style device with a subsection "sub/extra" (version 2). */
static bool sub_visit(Visitor *v, void *opaque, GError **errp)
{
    Sub *s = opaque;
    uint32_t version = 2;

    return visit_start_struct(v, "sub", errp) &&
           visit_type_u8(v, "a", &s->a, errp) &&
           visit_start_subsection(v, "sub/extra", &version, &s->has_extra,
                                  errp) &&
           (!s->has_extra ||
            (visit_type_u8(v, "b", &s->b, errp) &&
             visit_end_subsection(v, errp))) &&
           visit_end_struct(v, errp);
}

/* The second save of a device reuses its vmdesc entry through the shape
 * visitor, which must write QEMU's subsection header as the first did
 * (it wrote a presence byte instead). */
static void legacy_save_cached_keeps_qemu_subsections(void)
{
    static const MigrationDeviceInfo info = {
        .id = "sub", .version = 1, .visit = sub_visit,
        .state_size = sizeof(Sub),
    };
    Sub s = { .a = 0x11, .b = 0x22, .has_extra = true };
    Sub d = { 0 };
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    g_autoptr(MigrationRegistry) dst = migration_registry_new();
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_register(r, &info, &s, &err));
    CU_ASSERT_TRUE(migration_register(dst, &info, &d, &err));
    for (int i = 0; i < 3; i++) {
        g_autoptr(GByteArray) out = g_byte_array_new();

        CU_ASSERT_TRUE(migration_save(r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                      &err));
        ASSERT_NO_ERROR(err);
        /* Header 19, section header 17: a, then 0x05, the name, be32 2,
         * b. */
        ASSERT_BYTES_EQUAL(out->data + 36, 17,
                           "\x11\x05\x09sub/extra\0\0\0\x02\x22", 17);
        memset(&d, 0, sizeof(d));
        CU_ASSERT_TRUE(migration_load(dst, out->data, out->len, NULL, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(d.a == 0x11 && d.b == 0x22 && d.has_extra);
    }
}

static void unknown_section_fails_unless_skipped(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    g_autoptr(MigrationReport) rep = NULL;
    MigrationDeviceInfo only = tdev_info("tdev", 0);
    TDev d;
    GError *err = NULL;

    machine_init(&src, true);
    memset(&d, 0, sizeof(d));
    dst.r = migration_registry_new();
    migration_register(dst.r, &only, &d, &err);
    bytes = save(&src, MIGRATION_FORMAT_BINARY);
    CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                   &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "pci.0/tdev: unknown device (section 1, instance 1)");
    CU_ASSERT_EQUAL(d.u8, 0);
    migration_set_skip_unknown(dst.r, true);
    CU_ASSERT_TRUE(migration_load(dst.r, bytes->data, bytes->len, &rep,
                                  &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(rep->devices[1].skipped);
    CU_ASSERT_TRUE(tdev_equal(&d, &src.dev[0]));
    tdev_clear(&d);
    migration_registry_free(dst.r);
    machine_clear(&src);
}

static void version_mismatch_without_compat_is_a_version_error(void)
{
    Machine src, dst;
    g_autoptr(GByteArray) bytes = NULL;
    MigrationDeviceInfo newer = tdev_info("tdev", 0);
    TDev d;
    GError *err = NULL;

    machine_init(&src, true);
    memset(&d, 0, sizeof(d));
    newer.version = 3;
    newer.minimum_version = 3;
    dst.r = migration_registry_new();
    migration_register(dst.r, &newer, &d, &err);
    migration_set_skip_unknown(dst.r, true);
    bytes = save(&src, MIGRATION_FORMAT_BINARY);
    CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                   &err));
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION,
                 "tdev: stream version 2 is older than the minimum 3 this "
                 "side loads");
    migration_registry_free(dst.r);
    machine_clear(&src);
}

static void max_section_size_applies_to_every_format(void)
{
    Machine src;
    QVisitLimits lim;

    machine_init(&src, true);
    qvisit_limits_init(&lim);
    lim.max_section_size = 40;
    migration_set_limits(src.r, &lim);
    for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
         f <= MIGRATION_FORMAT_BINARY; f++) {
        g_autoptr(GByteArray) bytes = save(&src, f);
        GError *err = NULL;

        CU_ASSERT_FALSE(migration_load(src.r, bytes->data, bytes->len, NULL,
                                       &err));
        CU_ASSERT_PTR_NOT_NULL(err);
        CU_ASSERT_TRUE(err && err->code == QVISIT_ERROR_LIMIT &&
                       strstr(err->message, "max_section_size 40"));
        g_clear_error(&err);
    }
    machine_clear(&src);
}

static void binary_is_at_most_one_and_a_half_times_legacy(void)
{
    Machine src;
    g_autoptr(GByteArray) legacy = NULL;
    g_autoptr(GByteArray) bin = NULL;

    machine_init(&src, true);
    legacy = save(&src, MIGRATION_FORMAT_LEGACY);
    bin = save(&src, MIGRATION_FORMAT_BINARY);
    /* The legacy size includes its vmdesc, which QEMU always sends. */
    CU_ASSERT_TRUE(bin->len * 2 <= legacy->len * 3);
    machine_clear(&src);
}

static void machine_version_travels_in_every_format(void)
{
    Machine src;
    GError *err = NULL;

    machine_init(&src, true);
    migration_set_machine_version(src.r, 3);
    for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
         f <= MIGRATION_FORMAT_JSON; f++) {
        g_autoptr(GByteArray) bytes = save(&src, f);
        g_autoptr(MigrationStream) s =
            migration_stream_decode(bytes->data, bytes->len, NULL, &err);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(migration_stream_get_machine_version(s), 3);
        CU_ASSERT_STRING_EQUAL(migration_stream_get_machine(s), "qvisit");
        if (f == MIGRATION_FORMAT_LEGACY) {
            /* Versioned as QEMU's machine types are: in the name. */
            ASSERT_BYTES_EQUAL(bytes->data + 9, 13,
                               "\0\0\0\x09qvisit-v3", 13);
        }
    }
    machine_clear(&src);
}

/* The legacy configuration's machine type is at most 255 bytes, which
 * the reader enforces: the writer refuses more, writing nothing. */
static void legacy_machine_type_longer_than_255_bytes_is_refused(void)
{
    g_autoptr(MigrationStream) s = migration_stream_new();
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationStream) back = NULL;
    g_autofree char *long_name = g_strnfill(256, 'm');
    g_autofree char *max_name = g_strnfill(255, 'm');
    g_autoptr(QDict) doc = NULL;
    g_autoptr(GString) json = NULL;
    GError *err = NULL;

    /* Through JSON, whose reader takes any machine name. */
    doc = migration_stream_to_qobject(s);
    qdict_put_str(doc, "machine", long_name);
    json = qobject_to_json(QOBJECT(doc));
    back = migration_stream_decode(json->str, json->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(migration_stream_encode(back, MIGRATION_FORMAT_LEGACY,
                                            NULL, NULL, out, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "machine type of 256 bytes exceeds 255, the most a legacy "
                 "stream holds");
    CU_ASSERT_EQUAL(out->len, 0);
    g_clear_pointer(&back, migration_stream_free);
    g_string_free(json, true);
    qdict_put_str(doc, "machine", max_name);
    json = qobject_to_json(QOBJECT(doc));
    back = migration_stream_decode(json->str, json->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(migration_stream_encode(back, MIGRATION_FORMAT_LEGACY,
                                           NULL, NULL, out, &err));
    ASSERT_NO_ERROR(err);
    g_clear_pointer(&back, migration_stream_free);
    back = migration_stream_decode(out->data, out->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_STRING_EQUAL(migration_stream_get_machine(back), max_name);
}

static void registration_rejects_duplicates_and_bad_versions(void)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    MigrationDeviceInfo info = tdev_info("tdev", 0);
    TDev d;
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_register(r, &info, &d, &err));
    CU_ASSERT_FALSE(migration_register(r, &info, &d, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "tdev: instance 0 is already registered");
    info.instance_id = 1;
    info.minimum_version = 5;
    CU_ASSERT_FALSE(migration_register(r, &info, &d, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "tdev: minimum version 5 above version 2");
    info.id = "";
    CU_ASSERT_FALSE(migration_register(r, &info, &d, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 ": a device id must be 1..255 bytes");
    CU_ASSERT_EQUAL(migration_registry_size(r), 1);
}

static const TestCase tests[] = {
    { "legacy_round_trip_restores_every_field",
      legacy_round_trip_restores_every_field },
    { "binary_round_trip_restores_every_field",
      binary_round_trip_restores_every_field },
    { "json_round_trip_restores_every_field",
      json_round_trip_restores_every_field },
    { "every_format_decodes_to_the_same_tree",
      every_format_decodes_to_the_same_tree },
    { "convert_between_formats_keeps_the_state",
      convert_between_formats_keeps_the_state },
    { "detect_format_reads_the_first_bytes",
      detect_format_reads_the_first_bytes },
    { "format_names_round_trip", format_names_round_trip },
    { "unknown_format_is_a_parse_error", unknown_format_is_a_parse_error },
    { "every_loader_takes_null_empty_input",
      every_loader_takes_null_empty_input },
    { "legacy_writes_qemu_savevm_layout", legacy_writes_qemu_savevm_layout },
    { "legacy_save_of_a_failing_walk_fails_cleanly",
      legacy_save_of_a_failing_walk_fails_cleanly },
    { "save_appends_in_place_all_or_nothing",
      save_appends_in_place_all_or_nothing },
    { "save_refuses_what_load_refuses_in_every_format",
      save_refuses_what_load_refuses_in_every_format },
    { "convert_to_json_refuses_nan", convert_to_json_refuses_nan },
    { "legacy_writes_signed_fields_as_twos_complement",
      legacy_writes_signed_fields_as_twos_complement },
    { "binary_writes_tagged_members_and_crc",
      binary_writes_tagged_members_and_crc },
    { "binary_checksum_catches_a_flipped_bit",
      binary_checksum_catches_a_flipped_bit },
    { "binary_reader_skips_unknown_record_types",
      binary_reader_skips_unknown_record_types },
    { "binary_every_bit_flip_is_detected",
      binary_every_bit_flip_is_detected },
    { "truncation_anywhere_fails_cleanly_and_writes_nothing",
      truncation_anywhere_fails_cleanly_and_writes_nothing },
    { "legacy_machine_type_longer_than_255_bytes_is_refused",
      legacy_machine_type_longer_than_255_bytes_is_refused },
    { "legacy_presence_bytes_and_strings_round_trip",
      legacy_presence_bytes_and_strings_round_trip },
    { "legacy_truncated_payload_names_the_field",
      legacy_truncated_payload_names_the_field },
    { "legacy_cut_in_vmdesc_is_truncated_vmdesc",
      legacy_cut_in_vmdesc_is_truncated_vmdesc },
    { "legacy_without_vmdesc_loads_through_the_registry",
      legacy_without_vmdesc_loads_through_the_registry },
    { "failure_in_last_device_leaves_every_device_untouched",
      failure_in_last_device_leaves_every_device_untouched },
    { "legacy_load_reads_payloads_without_the_vmdesc",
      legacy_load_reads_payloads_without_the_vmdesc },
    { "legacy_load_falls_back_to_the_vmdesc_when_the_walk_refuses",
      legacy_load_falls_back_to_the_vmdesc_when_the_walk_refuses },
    { "binary_large_section_loads_all_or_nothing",
      binary_large_section_loads_all_or_nothing },
    { "legacy_save_vmdesc_follows_the_walk_shape",
      legacy_save_vmdesc_follows_the_walk_shape },
    { "legacy_save_cached_keeps_qemu_subsections",
      legacy_save_cached_keeps_qemu_subsections },
    { "unknown_section_fails_unless_skipped",
      unknown_section_fails_unless_skipped },
    { "version_mismatch_without_compat_is_a_version_error",
      version_mismatch_without_compat_is_a_version_error },
    { "max_section_size_applies_to_every_format",
      max_section_size_applies_to_every_format },
    { "binary_is_at_most_one_and_a_half_times_legacy",
      binary_is_at_most_one_and_a_half_times_legacy },
    { "machine_version_travels_in_every_format",
      machine_version_travels_in_every_format },
    { "registration_rejects_duplicates_and_bad_versions",
      registration_rejects_duplicates_and_bad_versions },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("migration-formats", tests);
}
