/*
 * Tests for versions in the walk: visit_set_version(), visit_get_version()
 * and the visit_since() gate, and the versions the migration core, the
 * legacy codec and the describe visitor pass to a walk.
 */
#include <string.h>

#include "tests/test-util.h"

/*
 * A device with a version history told by gates, as QEMU's virtio-serial
 * is: v1 has ports, v2 adds flags, v3 adds elem_popped.
 */
typedef struct VSer {
    uint32_t ports;
    uint8_t flags;
    uint32_t elem_popped;
} VSer;

static bool vser_visit(Visitor *v, void *opaque, GError **errp)
{
    VSer *s = opaque;

    return visit_start_struct(v, "vser", errp) &&
           visit_type_u32(v, "ports", &s->ports, errp) &&
           (!visit_since(v, 2) ||
            visit_type_u8(v, "flags", &s->flags, errp)) &&
           (!visit_since(v, 3) ||
            visit_type_u32(v, "elem_popped", &s->elem_popped, errp)) &&
           visit_end_struct(v, errp);
}

static const VSer vser_src = { 0x01020304, 0x05, 0x06070809 };

/* The JSON a walk of vser_src at @version gives. */
static char *vser_json(uint32_t version, bool set)
{
    GString *out = g_string_new(NULL);
    g_autoptr(Visitor) v = json_output_visitor_new(out, false);
    VSer s = vser_src;
    GError *err = NULL;

    if (set) {
        visit_set_version(v, version);
    }
    CU_ASSERT_TRUE(vser_visit(v, &s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    return g_string_free(out, false);
}

static void version_defaults_to_zero_with_every_gate_open(void)
{
    QObject *tree = NULL;
    g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);

    CU_ASSERT_EQUAL(visit_get_version(v), 0);
    CU_ASSERT_TRUE(visit_since(v, 1));
    CU_ASSERT_TRUE(visit_since(v, UINT32_MAX));
    visit_set_version(v, 2);
    CU_ASSERT_EQUAL(visit_get_version(v), 2);
    CU_ASSERT_TRUE(visit_since(v, 0));
    CU_ASSERT_TRUE(visit_since(v, 1));
    CU_ASSERT_TRUE(visit_since(v, 2));
    CU_ASSERT_FALSE(visit_since(v, 3));
    visit_set_version(v, 0);
    CU_ASSERT_TRUE(visit_since(v, 3));
}

static void output_at_each_version_has_that_layout(void)
{
    static const struct {
        uint32_t version;
        bool set;
        const char *want;
    } cases[] = {
        { 1, true, "{\"ports\":16909060}" },
        { 2, true, "{\"ports\":16909060,\"flags\":5}" },
        { 3, true, "{\"ports\":16909060,\"flags\":5,"
                   "\"elem_popped\":101124105}" },
        { 4, true, "{\"ports\":16909060,\"flags\":5,"
                   "\"elem_popped\":101124105}" },
        { 0, false, "{\"ports\":16909060,\"flags\":5,"
                    "\"elem_popped\":101124105}" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = vser_json(cases[i].version, cases[i].set);

        CU_ASSERT_STRING_EQUAL(got, cases[i].want);
    }
}

static void qemu_file_bytes_and_loads_follow_the_version(void)
{
    static const uint8_t v1[] = { 1, 2, 3, 4 };
    static const uint8_t v3[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    static const struct {
        uint32_t version;
        const uint8_t *bytes;
        size_t len;
    } cases[] = {
        { 1, v1, sizeof(v1) },
        { 3, v3, sizeof(v3) },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) got = g_byte_array_new();
        QEMUFile *f = qemu_fopen_bytearray(got);
        Visitor *v = qemu_file_output_visitor_new(f);
        VSer s = vser_src;
        VSer back = { 0xaa, 0xbb, 0xcc };
        GError *err = NULL;

        visit_set_version(v, cases[i].version);
        CU_ASSERT_TRUE(vser_visit(v, &s, &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        ASSERT_BYTES_EQUAL(got->data, got->len, cases[i].bytes,
                           cases[i].len);

        /* Read back at the same version: gated fields keep their value. */
        f = qemu_fopen_mem(got->data, got->len);
        v = qemu_file_input_visitor_new(f);
        visit_set_version(v, cases[i].version);
        CU_ASSERT_TRUE(vser_visit(v, &back, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        CU_ASSERT_EQUAL(qemu_file_transferred(f), cases[i].len);
        qemu_fclose(f);
        CU_ASSERT_EQUAL(back.ports, vser_src.ports);
        CU_ASSERT_EQUAL(back.flags, cases[i].version >= 2 ? 5 : 0xbb);
        CU_ASSERT_EQUAL(back.elem_popped,
                        cases[i].version >= 3 ? 0x06070809 : 0xcc);
    }
}

static void describe_at_a_version_gives_that_layout(void)
{
    QObject *schema = NULL;
    g_autoptr(Visitor) v = describe_visitor_new(&schema);
    g_autoptr(QObject) want = qobject_from_json(
        "{\"type\": \"struct\", \"members\": ["
        "{\"name\": \"ports\", \"type\": \"u32\"},"
        "{\"name\": \"flags\", \"type\": \"u8\"}]}", NULL);
    VSer s = { 0 };
    GError *err = NULL;

    visit_set_version(v, 2);
    CU_ASSERT_TRUE(vser_visit(v, &s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_QOBJECT_EQUAL(schema, want);
    qobject_unref(schema);
}

/* The version is the owner's setting: it outlives a walk. */
static void version_stays_set_across_walks(void)
{
    QObject *tree = NULL;
    Visitor *v = qobject_output_visitor_new(&tree);
    VSer s = vser_src;
    GError *err = NULL;

    visit_set_version(v, 1);
    CU_ASSERT_TRUE(vser_visit(v, &s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(visit_get_version(v), 1);
    visit_free(v);
    qobject_unref(tree);
}

/*
 * A QEMUFile keeps a freed output visitor for its next
 * qemu_file_output_visitor_new(): the new owner's walk must not inherit
 * the old owner's version (it would skip gated fields, or fail a table).
 */
static void recycled_qemu_file_visitor_starts_at_the_newest_version(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    VSer s = vser_src;
    GError *err = NULL;

    visit_set_version(v, 1);
    CU_ASSERT_TRUE(vser_visit(v, &s, &err) && visit_complete(v, &err));
    visit_free(v);
    v = qemu_file_output_visitor_new(f);
    CU_ASSERT_EQUAL(visit_get_version(v), 0);
    CU_ASSERT_TRUE(vser_visit(v, &s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    /* 4 bytes of the v1 walk, then 9 of the newest. */
    CU_ASSERT_EQUAL(out->len, 4 + 9);
}

/* --- the migration core ------------------------------------------------ */

static MigrationDeviceInfo vser_info(uint32_t version, uint32_t min_walk)
{
    MigrationDeviceInfo info = {
        .id = "vser", .version = version, .minimum_version = 1,
        .visit = vser_visit, .state_size = sizeof(VSer),
        .minimum_walk_version = min_walk,
    };

    return info;
}

/* A stream of section "vser" at @version, saved in @format. */
static GByteArray *save_vser(uint32_t version, MigrationFormat format)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    MigrationDeviceInfo info = vser_info(version, 0);
    static VSer s;
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    s = vser_src;
    info.minimum_version = version;
    CU_ASSERT_TRUE(migration_register(r, &info, &s, &err));
    CU_ASSERT_TRUE(migration_save(r, format, out, NULL, &err));
    ASSERT_NO_ERROR(err);
    return out;
}

static void load_reads_older_sections_through_gates(void)
{
    for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
         f <= MIGRATION_FORMAT_JSON; f++) {
        for (uint32_t ver = 1; ver <= 3; ver++) {
            g_autoptr(GByteArray) bytes = save_vser(ver, f);
            g_autoptr(MigrationRegistry) r = migration_registry_new();
            MigrationDeviceInfo info = vser_info(3, 1);
            MigrationReport *rep = NULL;
            VSer dst = { 0xaa, 0xbb, 0xcc };
            GError *err = NULL;

            CU_ASSERT_TRUE(migration_register(r, &info, &dst, &err));
            CU_ASSERT_TRUE(migration_load(r, bytes->data, bytes->len, &rep,
                                          &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_EQUAL(dst.ports, vser_src.ports);
            CU_ASSERT_EQUAL(dst.flags, ver >= 2 ? 5 : 0xbb);
            CU_ASSERT_EQUAL(dst.elem_popped, ver >= 3 ? 0x06070809 : 0xcc);
            CU_ASSERT_FATAL(rep != NULL && rep->n_devices == 1);
            CU_ASSERT_EQUAL(rep->devices[0].stream_version, ver);
            CU_ASSERT_EQUAL(rep->devices[0].local_version, 3);
            migration_report_free(rep);
        }
    }
}

/* Without gates declared, an older section still needs transforms. */
static void load_without_walk_versions_still_needs_transforms(void)
{
    g_autoptr(GByteArray) bytes = save_vser(2, MIGRATION_FORMAT_BINARY);
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    MigrationDeviceInfo info = vser_info(3, 0);
    VSer dst = { 0xaa, 0xbb, 0xcc };
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_register(r, &info, &dst, &err));
    CU_ASSERT_FALSE(migration_load(r, bytes->data, bytes->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION,
                 "vser: stream version 2 differs from local version 3 and "
                 "no compat transforms are set");
    CU_ASSERT_EQUAL(dst.ports, 0xaa);
}

/* A gated field missing from a section that claims its version. */
static void load_of_a_short_section_names_the_gated_member(void)
{
    g_autoptr(GByteArray) bytes = save_vser(2, MIGRATION_FORMAT_JSON);
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    MigrationDeviceInfo info = vser_info(3, 1);
    VSer dst = { 0xaa, 0xbb, 0xcc };
    g_autofree char *text = g_strndup((char *)bytes->data, bytes->len);
    g_autoptr(GString) bad = g_string_new(text);
    char *ver = strstr(bad->str, "\"version\": 2");
    GError *err = NULL;

    CU_ASSERT_FATAL(ver != NULL);
    ver[strlen("\"version\": ")] = '3';
    CU_ASSERT_TRUE(migration_register(r, &info, &dst, &err));
    CU_ASSERT_FALSE(migration_load(r, bad->str, bad->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING, "vser.elem_popped: missing");
    CU_ASSERT_EQUAL(dst.ports, 0xaa);
}

/* QEMU's suppress-vmdesc=on: the gated walk decodes a v1 payload. */
static void legacy_without_vmdesc_decodes_an_older_version(void)
{
    g_autoptr(GByteArray) bytes = save_vser(1, MIGRATION_FORMAT_LEGACY);
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    MigrationDeviceInfo info = vser_info(3, 1);
    VSer dst = { 0xaa, 0xbb, 0xcc };
    GError *err = NULL;
    size_t n;

    for (n = bytes->len - 5; bytes->data[n] != 0x06; n--) {
    }
    g_byte_array_set_size(bytes, n);
    CU_ASSERT_TRUE(migration_register(r, &info, &dst, &err));
    CU_ASSERT_TRUE(migration_load(r, bytes->data, bytes->len, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(dst.ports, vser_src.ports);
    CU_ASSERT_EQUAL(dst.flags, 0xbb);
    CU_ASSERT_EQUAL(dst.elem_popped, 0xcc);
}

/* Saving writes the registered (newest) version, gates all open. */
static void save_writes_the_device_version(void)
{
    g_autoptr(GByteArray) bytes = save_vser(2, MIGRATION_FORMAT_JSON);
    g_autofree char *text = g_strndup((char *)bytes->data, bytes->len);

    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"version\": 2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"flags\": 5"));
    CU_ASSERT_PTR_NULL(strstr(text, "elem_popped"));
}

static void register_rejects_a_walk_version_out_of_range(void)
{
    static const struct {
        uint32_t min, min_walk;
        const char *msg;
    } cases[] = {
        { 2, 1, "vser: minimum walk version 1 outside 2..3" },
        { 1, 4, "vser: minimum walk version 4 outside 1..3" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(MigrationRegistry) r = migration_registry_new();
        MigrationDeviceInfo info = vser_info(3, cases[i].min_walk);
        VSer s = { 0 };
        GError *err = NULL;

        info.minimum_version = cases[i].min;
        CU_ASSERT_FALSE(migration_register(r, &info, &s, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID, cases[i].msg);
    }
}

static const TestCase tests[] = {
    { "version_defaults_to_zero_with_every_gate_open",
      version_defaults_to_zero_with_every_gate_open },
    { "output_at_each_version_has_that_layout",
      output_at_each_version_has_that_layout },
    { "qemu_file_bytes_and_loads_follow_the_version",
      qemu_file_bytes_and_loads_follow_the_version },
    { "describe_at_a_version_gives_that_layout",
      describe_at_a_version_gives_that_layout },
    { "version_stays_set_across_walks", version_stays_set_across_walks },
    { "recycled_qemu_file_visitor_starts_at_the_newest_version",
      recycled_qemu_file_visitor_starts_at_the_newest_version },
    { "load_reads_older_sections_through_gates",
      load_reads_older_sections_through_gates },
    { "load_without_walk_versions_still_needs_transforms",
      load_without_walk_versions_still_needs_transforms },
    { "load_of_a_short_section_names_the_gated_member",
      load_of_a_short_section_names_the_gated_member },
    { "legacy_without_vmdesc_decodes_an_older_version",
      legacy_without_vmdesc_decodes_an_older_version },
    { "save_writes_the_device_version", save_writes_the_device_version },
    { "register_rejects_a_walk_version_out_of_range",
      register_rejects_a_walk_version_out_of_range },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("walk-versions", tests);
}
