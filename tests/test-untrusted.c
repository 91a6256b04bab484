/*
 * Untrusted text: every piece of text taken from the input (section ids,
 * member names, vmdesc field names, RAM block ids, a peer's status
 * message) reaches a message or a listing only through
 * qvisit_error_escape(), so a message stays one line and prints no
 * terminal control sequence. Each case builds an input holding a newline
 * and an ESC and asserts the exact, escaped, one-line message.
 */
#include "tests/test-util.h"
#include "tests/cli-run.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#define QEMU_DATA "tests/data/qemu/"
/* Offsets in pc-nodefaults.mig (docs/qemu-streams.md). */
#define PC_CONFIG_END 26        /* after the machine type */
#define PC_RAM_BLOCK_ID 0x34    /* "pc.ram" in the MEM_SIZE list */
#define PC_RAM_BLOCK_LEN 0x3a   /* its be64 length */
#define PC_TIMER_OFFSET 239005

#define EVIL_ID "evil\nqvisit: injected line"

/* --- The helper --------------------------------------------------------- */

static const struct {
    const char *in;
    gssize len;
    const char *want;
} escape_cases[] = {
    { "plain id 0000:00:02.0/e1000", -1, "plain id 0000:00:02.0/e1000" },
    { "", -1, "" },
    { "evil\nqvisit: injected line", -1, "evil\\x0aqvisit: injected line" },
    { "\x1b[31mred\x1b[0m", -1, "\\x1b[31mred\\x1b[0m" },
    { "tab\there\r", -1, "tab\\x09here\\x0d" },
    { "del\x7f", -1, "del\\x7f" },
    { "nul\0byte", 8, "nul\\x00byte" },
    /* A backslash is kept: escaping twice gives the same text. */
    { "a\\x0ab", -1, "a\\x0ab" },
    /* Printable UTF-8 stays. */
    { "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80", -1,
      "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80" },
    /* C1 control CSI (U+009B), NEL (U+0085). */
    { "\xc2\x9b" "2J\xc2\x85", -1, "\\xc2\\x9b2J\\xc2\\x85" },
    /* Line and paragraph separators, right-to-left override, zero width
     * space. */
    { "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xe2\x80\xae" "d\xe2\x80\x8b", -1,
      "a\\xe2\\x80\\xa8b\\xe2\\x80\\xa9c\\xe2\\x80\\xaed\\xe2\\x80\\x8b" },
    /* Invalid UTF-8: a lone continuation byte, a cut sequence, an overlong
     * encoding, a surrogate. */
    { "\x80x\xc3", -1, "\\x80x\\xc3" },
    { "\xc0\xaf", -1, "\\xc0\\xaf" },
    { "\xed\xa0\x80", -1, "\\xed\\xa0\\x80" },
    /* @len cuts a valid sequence: its bytes are invalid. */
    { "\xc3\xa9", 1, "\\xc3" },
    { NULL, 0, "" },
};

static void escape_renders_every_unsafe_byte_as_hex(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(escape_cases); i++) {
        g_autofree char *got = qvisit_error_escape(escape_cases[i].in,
                                                   escape_cases[i].len);
        g_autofree char *again = qvisit_error_escape(got, -1);

        if (strcmp(got, escape_cases[i].want)) {
            fprintf(stderr, "\ncase %zu: got \"%s\", want \"%s\"\n", i, got,
                    escape_cases[i].want);
        }
        CU_ASSERT_STRING_EQUAL(got, escape_cases[i].want);
        CU_ASSERT_STRING_EQUAL(again, got);
    }
}

static void escape_is_bounded(void)
{
    g_autofree char *big = g_strnfill(100000, 'a');
    g_autofree char *ctl = g_strnfill(100000, '\n');
    g_autofree char *got = qvisit_error_escape(big, -1);
    g_autofree char *got_ctl = qvisit_error_escape(ctl, -1);
    g_autofree char *exact = qvisit_error_escape(big,
                                                 QVISIT_ERROR_ESCAPE_MAX);
    g_autofree char *want = g_strdup_printf("%.*s...",
                                            QVISIT_ERROR_ESCAPE_MAX, big);
    /* A multi-byte character that starts just before the bound is kept
     * whole. */
    g_autofree char *edge = g_strdup_printf("%.*s\xc3\xa9tail",
                                            QVISIT_ERROR_ESCAPE_MAX - 1, big);
    g_autofree char *got_edge = qvisit_error_escape(edge, -1);

    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(strlen(got_ctl), 4 * QVISIT_ERROR_ESCAPE_MAX + 3);
    CU_ASSERT_TRUE(g_str_has_prefix(got_ctl, "\\x0a\\x0a"));
    CU_ASSERT_TRUE(g_str_has_suffix(got_ctl, "\\x0a..."));
    CU_ASSERT_EQUAL(strlen(exact), QVISIT_ERROR_ESCAPE_MAX);
    CU_ASSERT_EQUAL(strlen(got_edge), QVISIT_ERROR_ESCAPE_MAX + 1 + 3);
    CU_ASSERT_TRUE(g_str_has_suffix(got_edge, "\xc3\xa9..."));
}

/* --- Section ids: one rule in every format ----------------------------- */

static void put_be32(GByteArray *b, uint32_t v)
{
    uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(b, x, 4);
}

static void put_str8(GByteArray *b, const char *s)
{
    uint8_t n = strlen(s);

    g_byte_array_append(b, &n, 1);
    g_byte_array_append(b, (const uint8_t *)s, n);
}

/* A self-describing stream holding one section @id with an empty state;
 * the encoder would refuse a bad id, so the bytes are built here. */
static GByteArray *binary_stream(const char *machine, const char *id)
{
    GByteArray *b = g_byte_array_new();
    g_autoptr(GByteArray) body = g_byte_array_new();
    static const uint8_t empty_state[] = { 0, 0x0e, 0 }; /* names, {} */
    static const uint8_t inst_ver[] = { 0, 1 };
    uint8_t byte;
    size_t start;

    g_byte_array_append(b, (const uint8_t *)"QVSD\x01\x00", 6);
    put_str8(b, machine);
    g_byte_array_append(b, (const uint8_t *)"", 1);  /* machine version */
    put_be32(b, crc32(0, b->data, b->len));
    put_str8(body, id);
    g_byte_array_append(body, inst_ver, 2);
    g_byte_array_append(body, empty_state, sizeof(empty_state));
    start = b->len;
    byte = 0x01;
    g_byte_array_append(b, &byte, 1);
    byte = body->len;
    g_byte_array_append(b, &byte, 1);
    g_byte_array_append(b, body->data, body->len);
    put_be32(b, crc32(0, b->data + start, b->len - start));
    byte = 0x00;
    g_byte_array_append(b, &byte, 1);
    return b;
}

/* A legacy stream: configuration, one FULL section @id with no payload,
 * EOF and a vmdesc describing nothing. */
static GByteArray *legacy_stream(const char *id)
{
    static const char vmdesc[] = "{\"page_size\": 4096, \"devices\": []}";
    GByteArray *b = g_byte_array_new();
    uint8_t byte;

    put_be32(b, 0x5145564d);
    put_be32(b, 3);
    byte = 0x07;
    g_byte_array_append(b, &byte, 1);
    put_be32(b, 6);
    g_byte_array_append(b, (const uint8_t *)"qvisit", 6);
    byte = 0x04;
    g_byte_array_append(b, &byte, 1);
    put_be32(b, 0);
    put_str8(b, id);
    put_be32(b, 0);
    put_be32(b, 1);
    byte = 0x7e;
    g_byte_array_append(b, &byte, 1);
    put_be32(b, 0);
    g_byte_array_append(b, (const uint8_t *)"\0\x06", 2);
    put_be32(b, strlen(vmdesc));
    g_byte_array_append(b, (const uint8_t *)vmdesc, strlen(vmdesc));
    return b;
}

static GByteArray *json_stream(const char *machine, const char *id_json)
{
    g_autofree char *text = g_strdup_printf(
        "{\"format\": \"qvisit-migration\", \"version\": 1, "
        "\"machine\": \"%s\", \"sections\": [{\"id\": \"%s\", "
        "\"instance_id\": 0, \"version\": 1, \"state\": {}}]}",
        machine, id_json);
    GByteArray *b = g_byte_array_new();

    g_byte_array_append(b, (const uint8_t *)text, strlen(text));
    return b;
}

/* Decodes and loads @b; both must fail with @code and @msg. */
static void assert_refused(GByteArray *b, int code, const char *msg)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    g_autoptr(MigrationStream) s = NULL;
    GError *err = NULL;

    s = migration_stream_decode(b->data, b->len, NULL, &err);
    CU_ASSERT_PTR_NULL(s);
    ASSERT_ERROR(err, code, msg);
    CU_ASSERT_FALSE(migration_load(r, b->data, b->len, NULL, &err));
    ASSERT_ERROR(err, code, msg);
}

static void ids_must_be_printable_in_every_format(void)
{
    static const struct {
        MigrationFormat format;
        const char *id;
        const char *msg;
    } cases[] = {
        { MIGRATION_FORMAT_BINARY, EVIL_ID,
          "section id byte 0x0a is not printable at byte 25" },
        { MIGRATION_FORMAT_BINARY, "\x1b[2J",
          "section id byte 0x1b is not printable at byte 21" },
        { MIGRATION_FORMAT_BINARY, "caf\xc3\xa9",
          "section id byte 0xc3 is not printable at byte 24" },
        { MIGRATION_FORMAT_BINARY, "",
          "section id is empty at byte 21" },
        { MIGRATION_FORMAT_LEGACY, EVIL_ID,
          "records[0]: section id byte 0x0a is not printable at byte 29" },
        { MIGRATION_FORMAT_LEGACY, "\x7f",
          "records[0]: section id byte 0x7f is not printable at byte 25" },
        { MIGRATION_FORMAT_LEGACY, "",
          "records[0]: empty section id at byte 24" },
        { MIGRATION_FORMAT_JSON, "evil\\nqvisit: injected line",
          "sections[0].id: byte 0x0a at 4 is not printable" },
        { MIGRATION_FORMAT_JSON, "\\u001b[2J",
          "sections[0].id: byte 0x1b at 0 is not printable" },
        { MIGRATION_FORMAT_JSON, "\\u009b",
          "sections[0].id: byte 0xc2 at 0 is not printable" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) b =
            cases[i].format == MIGRATION_FORMAT_BINARY
                ? binary_stream("qvisit", cases[i].id)
            : cases[i].format == MIGRATION_FORMAT_LEGACY
                ? legacy_stream(cases[i].id)
                : json_stream("qvisit", cases[i].id);

        assert_refused(b, QVISIT_ERROR_PARSE, cases[i].msg);
    }
}

static void json_id_longer_than_255_bytes_is_refused(void)
{
    g_autofree char *id = g_strnfill(256, 'a');
    g_autoptr(GByteArray) b = json_stream("qvisit", id);

    assert_refused(b, QVISIT_ERROR_LIMIT,
                   "sections[0].id: 256 bytes exceed 255");
}

static void printable_ids_still_load(void)
{
    g_autoptr(GByteArray) bin = binary_stream("qvisit", "pci.0/x y~");
    g_autoptr(GByteArray) json = json_stream("qvisit", "pci.0/x y~");
    g_autoptr(MigrationStream) a = NULL;
    g_autoptr(MigrationStream) b = NULL;
    GError *err = NULL;

    a = migration_stream_decode(bin->data, bin->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    b = migration_stream_decode(json->data, json->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(migration_stream_get_section(a, 0)->id,
                           "pci.0/x y~");
    CU_ASSERT_STRING_EQUAL(migration_stream_get_section(b, 0)->id,
                           "pci.0/x y~");
}

static bool empty_visit(Visitor *v, void *opaque, GError **errp)
{
    (void)opaque;
    return visit_start_struct(v, "x", errp) && visit_end_struct(v, errp);
}

/* Save refuses what load refuses. */
static void bad_ids_are_refused_at_register_and_save(void)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    g_autoptr(MigrationStream) s = migration_stream_new();
    MigrationDeviceInfo info = { .id = EVIL_ID, .version = 1,
                                 .visit = empty_visit };
    GError *err = NULL;

    CU_ASSERT_FALSE(migration_register(r, &info, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "evil\\x0aqvisit: injected line: a device id must be "
                 "printable ASCII (byte 0x0a at 4)");
    CU_ASSERT_EQUAL(migration_registry_size(r), 0);
    migration_stream_add(s, EVIL_ID, 0, 1, qdict_new());
    for (int f = MIGRATION_FORMAT_LEGACY; f <= MIGRATION_FORMAT_JSON; f++) {
        g_autoptr(GByteArray) out = g_byte_array_new();

        CU_ASSERT_FALSE(migration_stream_encode(s, f, NULL, NULL, out,
                                                &err));
        ASSERT_ERROR(err,
                     f == MIGRATION_FORMAT_LEGACY ? QVISIT_ERROR_UNKNOWN
                                                  : QVISIT_ERROR_INVALID,
                     f == MIGRATION_FORMAT_LEGACY
                         ? "evil\\x0aqvisit: injected line: no layout known "
                           "for version 1, which the legacy format needs"
                         : "evil\\x0aqvisit: injected line: a section id "
                           "must be 1..255 bytes of printable ASCII");
        CU_ASSERT_EQUAL(out->len, 0);
    }
}

/* A tree walked into a stream names its members after the input's keys. */
static void input_keys_in_encode_errors_are_escaped(void)
{
    g_autoptr(MigrationStream) s = migration_stream_new();
    g_autoptr(GByteArray) out = g_byte_array_new();
    QDict *state = qdict_new();
    GError *err = NULL;

    qdict_put_null(state, "a\nb\x1b");
    migration_stream_add(s, "dev", 0, 1, state);
    CU_ASSERT_FALSE(migration_stream_encode(s, MIGRATION_FORMAT_BINARY,
                                            NULL, NULL, out, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TYPE,
                 "a\\x0ab\\x1b: null cannot be encoded");
}

/* --- Legacy streams: vmdesc field names ------------------------------- */

static bool flag_visit(Visitor *v, void *opaque, GError **errp)
{
    return visit_start_struct(v, "tiny", errp) &&
           visit_type_bool(v, "flag", opaque, errp) &&
           visit_end_struct(v, errp);
}

static void legacy_vmdesc_field_names_are_escaped(void)
{
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    g_autoptr(GByteArray) out = g_byte_array_new();
    MigrationDeviceInfo info = { .id = "tiny", .version = 1,
                                 .visit = flag_visit,
                                 .state_size = sizeof(bool) };
    bool flag = true;
    char *name;
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_register(r, &info, &flag, &err));
    CU_ASSERT_TRUE(migration_save(r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    /* The payload's one byte (header 19, section header 18), and the
     * field's name in the vmdesc, made "\n\t": JSON text of the same
     * length as "flag". */
    CU_ASSERT_EQUAL_FATAL(out->data[37], 1);
    out->data[37] = 2;
    name = memmem(out->data, out->len, "\"name\": \"flag\"", 14);
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    memcpy(name + 9, "\\n\\t", 4);
    CU_ASSERT_FALSE(migration_load(r, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "tiny.\\x0a\\x09: expected 0 or 1 for bool, got 2 at byte 37");
}

/* --- QEMU streams: idstrs, subsections, field names, block ids ------- */

static QObject *qemu_desc(void)
{
    GError *err = NULL;
    QObject *desc = qemu_stream_load_vmdesc_path(
        QEMU_DATA "pc-nodefaults.mig", NULL, &err);

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(desc);
    return desc;
}

static QObject *qemu_dump_full(const GByteArray *b, const QObject *desc,
                               bool ram_full, GError **errp)
{
    QemuStreamOptions opts;
    QEMUFile *f = qemu_fopen_mem(b->data, b->len);
    QObject *o;

    qemu_stream_options_init(&opts);
    opts.vmdesc = desc;
    opts.ram_full = ram_full;
    o = qemu_stream_dump(f, &opts, errp);
    qemu_fclose(f);
    return o;
}

static QObject *qemu_dump(const GByteArray *b, const QObject *desc,
                          GError **errp)
{
    return qemu_dump_full(b, desc, false, errp);
}

static GByteArray *qemu_stream_bytes(void)
{
    g_autoptr(GBytes) bytes = test_read_file(QEMU_DATA "pc-nodefaults.mig");
    GByteArray *b = g_byte_array_new();

    g_byte_array_append(b, g_bytes_get_data(bytes, NULL),
                        g_bytes_get_size(bytes));
    return b;
}

static void qemu_section_idstr_is_escaped(void)
{
    g_autoptr(QObject) desc = qemu_desc();
    g_autoptr(GByteArray) b = qemu_stream_bytes();
    g_autoptr(QObject) o = NULL;
    GError *err = NULL;

    /* "timer" becomes "\x1bimer". */
    CU_ASSERT_EQUAL_FATAL(b->data[PC_TIMER_OFFSET + 6], 't');
    b->data[PC_TIMER_OFFSET + 6] = 0x1b;
    o = qemu_dump(b, desc, &err);
    CU_ASSERT_PTR_NULL(o);
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "\\x1bimer: section (instance 0) is not described by the "
                 "vmdesc at byte 239005");
}

static void qemu_configuration_subsection_name_is_escaped(void)
{
    static const char name[] = "configuration/\x1b]0;title\x07\n";
    g_autoptr(QObject) desc = qemu_desc();
    g_autoptr(GByteArray) b = qemu_stream_bytes();
    g_autoptr(GByteArray) sub = g_byte_array_new();
    g_autoptr(QObject) o = NULL;
    GError *err = NULL;
    uint8_t byte = 0x05;

    g_byte_array_append(sub, &byte, 1);
    put_str8(sub, name);
    put_be32(sub, 1);
    g_byte_array_prepend(sub, b->data, PC_CONFIG_END);
    g_byte_array_remove_range(b, 0, PC_CONFIG_END);
    g_byte_array_prepend(b, sub->data, sub->len);
    o = qemu_dump(b, desc, &err);
    CU_ASSERT_PTR_NULL(o);
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "configuration.configuration/\\x1b]0;title\\x07\\x0a: "
                 "unknown configuration subsection at byte 26");
}

static void qemu_vmdesc_field_name_is_escaped(void)
{
    g_autoptr(QObject) desc = qemu_desc();
    g_autoptr(GByteArray) b = qemu_stream_bytes();
    QList *devices = qobject_to(QList, qdict_get(qobject_to(QDict, desc),
                                                 "devices"));
    QDict *cpu = qobject_to(QDict, qlist_get(devices, 2));
    QList *fields = qobject_to(QList, qdict_get(cpu, "fields"));
    g_autoptr(QObject) o = NULL;
    GError *err = NULL;
    bool found = false;

    /* As test-qemu-stream's size check, with a hostile name. */
    for (size_t i = 0; i < qlist_size(fields); i++) {
        QDict *fd = qobject_to(QDict, qlist_get(fields, i));

        if (!strcmp(qstring_get_str(qobject_to(QString,
                                               qdict_get(fd, "name"))),
                    "env.segs")) {
            qdict_put_str(fd, "name", "env\nsegs\x1b[2J");
            qdict_put_int(fd, "size", 25);
            found = true;
        }
    }
    CU_ASSERT_TRUE_FATAL(found);
    o = qemu_dump(b, desc, &err);
    CU_ASSERT_PTR_NULL(o);
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "cpu.env\\x0asegs\\x1b[2J[0]: decoded 20 bytes but the "
                 "vmdesc size is 25 at byte 239343");
}

static void qemu_ram_block_id_is_escaped(void)
{
    g_autoptr(QObject) desc = qemu_desc();
    g_autoptr(GByteArray) b = qemu_stream_bytes();
    g_autoptr(QObject) o = NULL;
    GError *err = NULL;

    /* "pc.ram" becomes "pc\nram" and claims more than the total. */
    CU_ASSERT_EQUAL_FATAL(b->data[PC_RAM_BLOCK_ID + 2], '.');
    b->data[PC_RAM_BLOCK_ID + 2] = '\n';
    b->data[PC_RAM_BLOCK_LEN] = 0x7f;
    o = qemu_dump(b, desc, &err);
    CU_ASSERT_PTR_NULL(o);
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "ram.blocks: block 'pc\\x0aram' length 0x7f00000001000000 "
                 "exceeds the 0x1082000 bytes left of the total at byte "
                 "51");
}

/* The encoder's messages quote the document's keys. */
static void qemu_encode_errors_escape_the_document(void)
{
    g_autoptr(QObject) desc = qemu_desc();
    g_autoptr(GByteArray) b = qemu_stream_bytes();
    g_autoptr(QObject) dump = NULL;
    g_autoptr(GByteArray) out = g_byte_array_new();
    QList *records;
    QDict *rec;
    QEMUFile *f;
    GError *err = NULL;

    dump = qemu_dump(b, desc, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    rec = qobject_to(QDict, qlist_get(records, 0));
    qdict_put_str(rec, "type", "FULL\n\x1b[2J");
    f = qemu_fopen_bytearray(out);
    CU_ASSERT_FALSE(qemu_stream_encode(f, dump, &err));
    qemu_fclose(f);
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "records[0]: unknown record type 'FULL\\x0a\\x1b[2J'");
}

/* The encoder's member errors quote the document too (a RAM page's block
 * name): escaped like every other message. */
static void qemu_encode_member_errors_escape_the_document(void)
{
    g_autoptr(QObject) desc = qemu_desc();
    g_autoptr(GByteArray) b = qemu_stream_bytes();
    g_autoptr(QObject) dump = NULL;
    g_autoptr(GByteArray) out = g_byte_array_new();
    QList *records;
    QList *ram = NULL;
    QDict *page;
    QEMUFile *f;
    GError *err = NULL;
    size_t r = 0;

    dump = qemu_dump_full(b, desc, true, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    /* The first record after the RAM section's START with pages. */
    for (r = 1; r < qlist_size(records) && !ram; r++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, r));

        ram = qobject_to(QList, qdict_get(rec, "ram"));
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(ram);
    page = qobject_to(QDict, qlist_get(ram, 0));
    qdict_put_str(page, "block", "pc.ram\n\x1b[2J");
    f = qemu_fopen_bytearray(out);
    CU_ASSERT_FALSE(qemu_stream_encode(f, dump, &err));
    qemu_fclose(f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NULL(strchr(err->message, '\n'));
    CU_ASSERT_PTR_NULL(strchr(err->message, 0x1b));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message,
                                  "can't find RAM block 'pc.ram\\x0a"
                                  "\\x1b[2J'"));
    g_clear_error(&err);
}

/* --- The CLI: messages and listings ------------------------------------ */

static char *dir;

/* Runs `$QVISIT_CLI <args>` (no shell) in the temporary directory. */
static CliRun run(const char *const *args)
{
    return cli_run_argv(dir, args);
}

static void write_file(const char *name, const void *data, size_t len)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    GError *err = NULL;

    CU_ASSERT_TRUE(g_file_set_contents(path, data, len, &err));
    ASSERT_NO_ERROR(err);
}

/* Only printable text and newlines, so nothing acts on a terminal. */
static bool terminal_safe(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f) {
            return false;
        }
    }
    return g_utf8_validate(s, -1, NULL);
}

static void cli_error_for_a_bad_id_is_one_escaped_line(void)
{
    g_autoptr(GByteArray) bin = binary_stream("qvisit", EVIL_ID);
    g_autoptr(GByteArray) json = json_stream("qvisit",
                                             "evil\\u001b[2J\\n");
    static const char *const dump[] = { "dump", "bad.qvsd", NULL };
    static const char *const info[] = { "info", "bad.json", NULL };
    CliRun d, i;

    write_file("bad.qvsd", bin->data, bin->len);
    write_file("bad.json", json->data, json->len);
    d = run(dump);
    i = run(info);
    CU_ASSERT_EQUAL(d.status, 1);
    CU_ASSERT_STRING_EQUAL(d.out, "");
    CU_ASSERT_STRING_EQUAL(d.err, "qvisit: bad.qvsd: section id byte 0x0a "
                                  "is not printable at byte 25\n");
    CU_ASSERT_EQUAL(i.status, 1);
    CU_ASSERT_STRING_EQUAL(i.out, "");
    CU_ASSERT_STRING_EQUAL(i.err, "qvisit: bad.json: sections[0].id: byte "
                                  "0x1b at 4 is not printable\n");
    cli_run_clear(&d);
    cli_run_clear(&i);
}

/* Text from the command line (a file name, a set path) reaches messages
 * as one line too: control bytes as \xNN. */
static void cli_error_escapes_command_line_text(void)
{
    static const char *const info[] = { "info", "no\nfile\x1b[31m", NULL };
    g_autofree char *cwd = g_get_current_dir();
    g_autofree char *stream = g_build_filename(cwd, "tests", "data", "qemu",
                                               "pc-nodefaults.mig", NULL);
    const char *const set[] = { "set", stream, "-o", "out.mig",
                                "ser\nial.x=1", NULL };
    CliRun i = run(info);
    CliRun s = run(set);

    CU_ASSERT_EQUAL(i.status, 1);
    CU_ASSERT_STRING_EQUAL(i.err, "qvisit: no\\x0afile\\x1b[31m: No such "
                                  "file or directory\n");
    CU_ASSERT_EQUAL(s.status, 1);
    CU_ASSERT_TRUE(terminal_safe(s.err));
    CU_ASSERT_TRUE(g_str_has_prefix(s.err, "qvisit: ser\\x0aial.x: "));
    CU_ASSERT_PTR_EQUAL(strchr(s.err, '\n'), s.err + strlen(s.err) - 1);
    cli_run_clear(&i);
    cli_run_clear(&s);
}

static void info_listing_escapes_the_machine_type(void)
{
    g_autoptr(GByteArray) bin = binary_stream("vm\x1b]0;pwned\x07\npc",
                                              "tdev");
    static const char *const info[] = { "info", "machine.qvsd", NULL };
    g_autofree char *want = NULL;
    CliRun r;

    write_file("machine.qvsd", bin->data, bin->len);
    r = run(info);
    want = g_strdup_printf(
        "format:       binary\n"
        "size:         %u bytes\n"
        "machine:      vm\\x1b]0;pwned\\x07\\x0apc\n"
        "capabilities: none\n"
        "devices:      1\n"
        "\n"
        "  DEVICE                   INSTANCE  VERSION      BYTES\n"
        "  tdev                            0        1         16\n",
        bin->len);
    CU_ASSERT_EQUAL(r.status, 0);
    if (strcmp(r.out, want)) {
        fprintf(stderr, "\ngot:\n%s\nwant:\n%s\n", r.out, want);
    }
    CU_ASSERT_STRING_EQUAL(r.out, want);
    CU_ASSERT_TRUE(terminal_safe(r.out));
    cli_run_clear(&r);
}

static void diff_listing_escapes_member_names_and_values(void)
{
    static const char a[] =
        "{\"k\\u001b[31m\\u2028\": \"v\\u009b2J\", \"same\": 1}";
    static const char b[] = "{\"same\": 1}";
    static const char *const diff[] = { "diff", "--no-color", "a.json",
                                        "b.json", NULL };
    CliRun r;

    write_file("a.json", a, strlen(a));
    write_file("b.json", b, strlen(b));
    r = run(diff);
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "- k\\x1b[31m\\xe2\\x80\\xa8: "
                                  "\"v\\xc2\\x9b2J\"\n");
    CU_ASSERT_TRUE(terminal_safe(r.out));
    cli_run_clear(&r);
}

static void compat_check_listing_escapes_schema_names(void)
{
    static const char head[] =
        "{\"format\": \"qvisit-schemas\", \"format_version\": 1, "
        "\"release\": 1, \"devices\": [{\"id\": \"%s\", \"version\": 1, "
        "\"minimum_version\": 1, \"schema\": {\"type\": \"struct\", "
        "\"members\": [{\"name\": \"a\\u001b[31m\\u2028\", "
        "\"type\": \"%s\"}]}}]}";
    g_autofree char *old = g_strdup_printf(head, "d", "u8");
    g_autofree char *new = g_strdup_printf(head, "d", "u16");
    g_autofree char *bad = g_strdup_printf(head, "d\\u001b[2J", "u8");
    static const char *const check[] = { "compat-check", "old.json",
                                         "new.json", NULL };
    static const char *const check_bad[] = { "compat-check", "bad.json",
                                             "new.json", NULL };
    CliRun r, b;

    write_file("old.json", old, strlen(old));
    write_file("new.json", new, strlen(new));
    write_file("bad.json", bad, strlen(bad));
    r = run(check);
    b = run(check_bad);
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_STRING_EQUAL(
        r.out,
        "d: v1, version not bumped\n"
        "  retyped   a\\x1b[31m\\xe2\\x80\\xa8: u8 \xe2\x86\x92 u16\n"
        "  error: d: layout changed without a version bump (v1): retyped "
        "a\\x1b[31m\\xe2\\x80\\xa8: u8 \xe2\x86\x92 u16\n"
        "result: 1 problem\n");
    CU_ASSERT_TRUE(terminal_safe(r.out));
    /* A device id is a section id: printable ASCII. */
    CU_ASSERT_EQUAL(b.status, 1);
    CU_ASSERT_STRING_EQUAL(b.out, "");
    CU_ASSERT_STRING_EQUAL(b.err, "qvisit: compat-check: bad.json: "
                                  "devices[0].id: byte 0x1b at 1 is not "
                                  "printable\n");
    cli_run_clear(&r);
    cli_run_clear(&b);
}

static const TestCase tests[] = {
    { "escape_renders_every_unsafe_byte_as_hex",
      escape_renders_every_unsafe_byte_as_hex },
    { "escape_is_bounded", escape_is_bounded },
    { "ids_must_be_printable_in_every_format",
      ids_must_be_printable_in_every_format },
    { "json_id_longer_than_255_bytes_is_refused",
      json_id_longer_than_255_bytes_is_refused },
    { "printable_ids_still_load", printable_ids_still_load },
    { "bad_ids_are_refused_at_register_and_save",
      bad_ids_are_refused_at_register_and_save },
    { "input_keys_in_encode_errors_are_escaped",
      input_keys_in_encode_errors_are_escaped },
    { "legacy_vmdesc_field_names_are_escaped",
      legacy_vmdesc_field_names_are_escaped },
    { "qemu_section_idstr_is_escaped", qemu_section_idstr_is_escaped },
    { "qemu_configuration_subsection_name_is_escaped",
      qemu_configuration_subsection_name_is_escaped },
    { "qemu_vmdesc_field_name_is_escaped",
      qemu_vmdesc_field_name_is_escaped },
    { "qemu_ram_block_id_is_escaped", qemu_ram_block_id_is_escaped },
    { "qemu_encode_errors_escape_the_document",
      qemu_encode_errors_escape_the_document },
    { "qemu_encode_member_errors_escape_the_document",
      qemu_encode_member_errors_escape_the_document },
    { "cli_error_for_a_bad_id_is_one_escaped_line",
      cli_error_for_a_bad_id_is_one_escaped_line },
    { "cli_error_escapes_command_line_text",
      cli_error_escapes_command_line_text },
    { "info_listing_escapes_the_machine_type",
      info_listing_escapes_the_machine_type },
    { "diff_listing_escapes_member_names_and_values",
      diff_listing_escapes_member_names_and_values },
    { "compat_check_listing_escapes_schema_names",
      compat_check_listing_escapes_schema_names },
    { NULL, NULL },
};

int main(void)
{
    return cli_run_suite_in_tmp("untrusted", tests,
                                "qvisit-untrusted-XXXXXX", &dir, NULL);
}
