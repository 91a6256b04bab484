/*
 * Iterative sections other than RAM (issue 13, section 1): the "block"
 * and "dirty-bitmap" sections of streams QEMU 7.2 wrote with the block
 * and dirty-bitmaps capabilities (tests/data/qemu/pc-block.mig and
 * pc-dirty-bitmap.mig, from make-corpus.sh) decoded item by item, with
 * QEMU's loader checks; any other iterative section kept as opaque bytes
 * up to its footer. The encoder's refusals are rows of
 * tests/support/qemu-bad-dumps.c, run by the qemu-stream suites.
 */
#include "tests/test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define DATA "tests/data/qemu/"

/* Offsets in pc-block.mig: the block START record, its one payload word
 * (EOS), the first data chunk's word and its 1 MiB of data. */
#define BLK_START 26
#define BLK_START_WORD 45
#define BLK_CHUNK_WORD 32557
#define BLK_CHUNK_DATA 32568
/* In pc-dirty-bitmap.mig: the dirty-bitmap START record, its start
 * chunk and the buffer size of the bits chunk of its END record. */
#define DBM_START 201
#define DBM_START_CHUNK 227
#define DBM_END_CHUNK 380145
#define DBM_END_BUF_SIZE 380158
/* In pc-nodefaults.mig: the EOF byte. */
#define PC_EOF 251862

static const char *qdict_get_str(QDict *d, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(d, key));

    return s ? qstring_get_str(s) : "";
}

static bool qdict_get_bool(QDict *d, const char *key)
{
    QBool *b = qobject_to(QBool, qdict_get(d, key));

    CU_ASSERT_PTR_NOT_NULL(b);
    return b && qbool_get_bool(b);
}

static QDict *dstr_dict(QDict *d, const char *key)
{
    return qobject_to(QDict, qdict_get(d, key));
}

static uint64_t duint(QDict *d, const char *key)
{
    uint64_t v = UINT64_MAX;

    CU_ASSERT_TRUE(qnum_get_try_uint(qobject_to(QNum, qdict_get(d, key)),
                                     &v));
    return v;
}

static QObject *dump_path(const char *path, bool full, GError **errp)
{
    QemuStreamOptions opts;

    qemu_stream_options_init(&opts);
    opts.ram_full = full;
    return qemu_stream_dump_path(path, &opts, errp);
}

static QList *records_of(QObject *dump)
{
    return qobject_to(QList, qdict_get(qobject_to(QDict, dump), "records"));
}

static QDict *record(QObject *dump, size_t i)
{
    return qobject_to(QDict, qlist_get(records_of(dump), i));
}

/* The JSON text of @o, compact, for exact comparisons. */
static char *json(const QObject *o)
{
    GString *s = qobject_to_json(o);

    return g_string_free(s, FALSE);
}

/* Asserts that @got is @want (JSON text, members in order). */
#define ASSERT_JSON(got, want) assert_json((got), (want), __LINE__)
static void assert_json(const QObject *got, const char *want, int line)
{
    GError *err = NULL;
    g_autoptr(QObject) w = qobject_from_json(want, &err);
    g_autofree char *got_text = NULL;
    g_autofree char *want_text = NULL;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    got_text = json(got);
    want_text = json(w);
    if (strcmp(got_text, want_text)) {
        fprintf(stderr, "\nline %d:\n  got  %s\n  want %s\n", line,
                got_text, want_text);
        CU_FAIL("JSON differs");
    }
}

static GByteArray *encode(const QObject *dump, GError **errp)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    bool ok = qemu_stream_encode(f, dump, errp);

    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    if (!ok) {
        g_byte_array_unref(out);
        return NULL;
    }
    return out;
}

/* Writes @len bytes to a new temporary file; the caller unlinks it. */
static char *write_tmp(const void *data, size_t len)
{
    GError *err = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("qvisit-iter-XXXXXX.mig", &path, &err);

    ASSERT_NO_ERROR(err);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_FATAL(g_file_set_contents(path, data, (gssize)len, NULL));
    return path;
}

/* Dumps @len bytes of a changed stream (through a file, so the vmdesc is
 * found at the end as for any stream). */
static QObject *dump_bytes(const void *data, size_t len, bool full,
                           const QVisitLimits *limits, GError **errp)
{
    g_autofree char *path = write_tmp(data, len);
    QemuStreamOptions opts;
    QObject *o;

    qemu_stream_options_init(&opts);
    opts.ram_full = full;
    opts.limits = limits;
    o = qemu_stream_dump_path(path, &opts, errp);
    g_unlink(path);
    return o;
}

static GByteArray *read_stream(const char *name)
{
    g_autofree char *path = g_strdup_printf(DATA "%s.mig", name);
    g_autoptr(GBytes) b = test_read_file(path);
    GByteArray *a = g_byte_array_new();

    g_byte_array_append(a, g_bytes_get_data(b, NULL),
                        (guint)g_bytes_get_size(b));
    return a;
}

static void block_section_dump_has_counts_and_items(void)
{
    static const char *const want_counts[] = {
        "{\"chunks\": 0, \"zero_chunks\": 0, \"progress\": 0}",
        "{\"chunks\": 0, \"zero_chunks\": 0, \"progress\": 2}",
        "{\"chunks\": 1, \"zero_chunks\": 1, \"progress\": 0}",
        "{\"chunks\": 0, \"zero_chunks\": 0, \"progress\": 1}",
    };
    static const char *const want_items[] = {
        "[{\"type\": \"eos\"}]",
        "[{\"type\": \"progress\", \"percent\": 0}, {\"type\": "
        "\"progress\", \"percent\": 50}, {\"type\": \"eos\"}]",
        NULL,   /* the data chunk, checked below */
        "[{\"type\": \"progress\", \"percent\": 100}, {\"type\": \"eos\"}]",
    };
    static const size_t rec_index[] = { 0, 2, 4, 6 };
    GError *err = NULL;
    g_autoptr(QObject) sum = dump_path(DATA "pc-block.mig", false, &err);
    g_autoptr(QObject) full = NULL;
    QDict *start;
    QList *items;
    QDict *chunk, *zero;
    gsize len = 0;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    full = dump_path(DATA "pc-block.mig", true, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    start = record(sum, 0);
    CU_ASSERT_STRING_EQUAL(qdict_get_str(start, "type"), "START");
    CU_ASSERT_STRING_EQUAL(qdict_get_str(start, "idstr"), "block");
    CU_ASSERT_EQUAL(duint(start, "version_id"), 1);
    CU_ASSERT_EQUAL(duint(start, "section_id"), 1);
    CU_ASSERT_FALSE(qdict_haskey(qobject_to(QDict, sum),
                                 "opaque_sections"));
    for (size_t i = 0; i < G_N_ELEMENTS(rec_index); i++) {
        ASSERT_JSON(qdict_get(record(sum, rec_index[i]), "block"),
                    want_counts[i]);
        CU_ASSERT_EQUAL(duint(record(sum, rec_index[i]), "section_id"), 1);
        if (want_items[i]) {
            ASSERT_JSON(qdict_get(record(full, rec_index[i]), "block"),
                        want_items[i]);
        }
    }
    items = qobject_to(QList, qdict_get(record(full, 4), "block"));
    CU_ASSERT_EQUAL_FATAL(qlist_size(items), 3);
    chunk = qobject_to(QDict, qlist_get(items, 0));
    zero = qobject_to(QDict, qlist_get(items, 1));
    CU_ASSERT_STRING_EQUAL(qdict_get_str(chunk, "type"), "block");
    CU_ASSERT_EQUAL(duint(chunk, "sector"), 0);
    CU_ASSERT_STRING_EQUAL(qdict_get_str(chunk, "device"), "d0");
    CU_ASSERT_FALSE(qdict_haskey(chunk, "flags"));
    {
        g_autofree uint8_t *data = g_base64_decode(
            qdict_get_str(chunk, "data"), &len);
        static const char head[] = "qvisit block migration test\n";

        /* The disk make-corpus.sh wrote: its text, then zeros. */
        CU_ASSERT_EQUAL(len, 1u << 20);
        CU_ASSERT_EQUAL(memcmp(data, head, sizeof(head) - 1), 0);
        for (size_t i = sizeof(head) - 1; i < len; i++) {
            if (data[i]) {
                CU_FAIL("disk data is not zero after its text");
                break;
            }
        }
    }
    ASSERT_JSON(QOBJECT(zero), "{\"type\": \"zero_block\", \"sector\": "
                "2048, \"device\": \"d0\"}");
}

static void dirty_bitmap_section_dump_has_its_chunks(void)
{
    GError *err = NULL;
    g_autoptr(QObject) sum = dump_path(DATA "pc-dirty-bitmap.mig", false,
                                       &err);
    g_autoptr(QObject) full = NULL;
    QDict *end_rec;
    QList *recs;
    size_t parts = 0;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    full = dump_path(DATA "pc-dirty-bitmap.mig", true, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    CU_ASSERT_STRING_EQUAL(qdict_get_str(record(sum, 2), "idstr"),
                           "dirty-bitmap");
    ASSERT_JSON(qdict_get(record(sum, 2), "dirty_bitmap"),
                "{\"start\": 1, \"complete\": 0, \"bits\": 0, "
                "\"zeroes\": 0}");
    ASSERT_JSON(qdict_get(record(full, 2), "dirty_bitmap"),
                "[{\"type\": \"start\", \"flags\": 28, \"node\": \"d0\", "
                "\"bitmap\": \"bm0\", \"granularity\": 65536, "
                "\"bitmap_flags\": 1}, {\"type\": \"eos\", \"flags\": 1}]");
    /* The bits of the 64 KiB that qemu-io wrote at 64 KiB: with a
     * granularity of 64 KiB, bit 1 of the first byte. */
    end_rec = record(full, 9735);
    CU_ASSERT_STRING_EQUAL(qdict_get_str(end_rec, "type"), "END");
    CU_ASSERT_EQUAL(duint(end_rec, "section_id"), 3);
    ASSERT_JSON(qdict_get(end_rec, "dirty_bitmap"),
                "[{\"type\": \"bits\", \"flags\": 64, \"sector\": 0, "
                "\"nr_sectors\": 4096, \"data\": "
                "\"AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}, "
                "{\"type\": \"complete\", \"flags\": 32}, "
                "{\"type\": \"eos\", \"flags\": 1}]");
    /* While paused, every iteration sends a PART with only EOS. */
    recs = records_of(sum);
    for (size_t i = 0; i < qlist_size(recs); i++) {
        QDict *r = qobject_to(QDict, qlist_get(recs, i));

        if (!strcmp(qdict_get_str(r, "type"), "PART") &&
            qdict_haskey(r, "dirty_bitmap")) {
            parts++;
        }
    }
    CU_ASSERT_EQUAL(parts, 4865);
}

/* An edit of a block chunk's data reaches the stream, and everything
 * else stays byte for byte. */
static void edited_block_chunk_reaches_the_stream(void)
{
    g_autoptr(GByteArray) orig = read_stream("pc-block");
    GError *err = NULL;
    g_autoptr(QObject) full = dump_path(DATA "pc-block.mig", true, &err);
    g_autoptr(GByteArray) out = NULL;
    g_autofree uint8_t *data = g_malloc0(1u << 20);
    g_autofree char *b64 = NULL;
    QDict *chunk;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    memcpy(data, "edited", 6);
    b64 = g_base64_encode(data, 1u << 20);
    chunk = qobject_to(QDict, qlist_get(
        qobject_to(QList, qdict_get(record(full, 4), "block")), 0));
    qdict_put_str(chunk, "data", b64);
    out = encode(full, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL_FATAL(out->len, orig->len);
    memcpy(orig->data + BLK_CHUNK_DATA, "edited", 6);
    memset(orig->data + BLK_CHUNK_DATA + 6, 0,
           strlen("qvisit block migration test\n") - 6);
    ASSERT_BYTES_EQUAL(out->data, out->len, orig->data, orig->len);
}

/* QEMU's block_load() and dirty_bitmap_load() refuse these; so does the
 * reader, naming the section and the byte offset. */
static void reader_refuses_what_the_loaders_refuse(void)
{
    static const struct {
        const char *stream;
        size_t at;          /* patch offset */
        const char *bytes;  /* hex of the new bytes */
        size_t cut;         /* or, when not 0, the length to cut to */
        int code;
        const char *msg;
    } cases[] = {
        { "pc-block", BLK_START_WORD, "0000000000000010", 0,
          QVISIT_ERROR_PARSE, "block: unknown block migration flags 0x10 at "
          "byte 45" },
        { "pc-block", BLK_START_WORD, "0000000000000200", 0,
          QVISIT_ERROR_PARSE, "block: unknown block migration flags 0x0 at "
          "byte 45" },
        { "pc-block", BLK_START + 15, "00000002", 0, QVISIT_ERROR_VERSION,
          "block: unsupported block section version 2, expected 1 at "
          "byte 26" },
        { "pc-block", 0, NULL, BLK_CHUNK_DATA + 1000,
          QVISIT_ERROR_TRUNCATED, "block: stream truncated at byte 32568" },
        { "pc-dirty-bitmap", DBM_START + 22, "00000002", 0,
          QVISIT_ERROR_VERSION, "dirty-bitmap: unsupported dirty-bitmap "
          "section version 2, expected 1 at byte 201" },
        { "pc-dirty-bitmap", DBM_START_CHUNK + 12, "09", 0,
          QVISIT_ERROR_INVALID, "dirty-bitmap: unknown flags 0x09 in a "
          "bitmap's start chunk at byte 227" },
        { "pc-dirty-bitmap", DBM_END_BUF_SIZE, "0000000000002801", 0,
          QVISIT_ERROR_LIMIT, "dirty-bitmap: bitmap chunk of 10241 bytes "
          "exceeds 10240 at byte 380145" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) s = read_stream(cases[i].stream);
        g_autoptr(QObject) o = NULL;
        GError *err = NULL;
        if (cases[i].bytes) {
            size_t n = strlen(cases[i].bytes) / 2;

            for (size_t k = 0; k < n; k++) {
                unsigned v;

                sscanf(cases[i].bytes + 2 * k, "%2x", &v);
                s->data[cases[i].at + k] = (uint8_t)v;
            }
        } else {
            /* Cut: the vmdesc at the end is gone, so decode with the
             * uncut stream's. */
            g_autoptr(QObject) desc = qemu_stream_load_vmdesc_path(
                DATA "pc-block.mig", NULL, &err);
            QemuStreamOptions opts;
            QEMUFile *f;

            ASSERT_NO_ERROR(err);
            qemu_stream_options_init(&opts);
            opts.vmdesc = desc;
            f = qemu_fopen_mem(s->data, cases[i].cut);
            o = qemu_stream_dump(f, &opts, &err);
            qemu_fclose(f);
            CU_ASSERT_PTR_NULL(o);
            if (!test_error_is(&err, cases[i].code, cases[i].msg, __FILE__,
                               __LINE__)) {
                fprintf(stderr, "  case %zu\n", i);
            }
            continue;
        }
        o = dump_bytes(s->data, s->len, false, NULL, &err);
        CU_ASSERT_PTR_NULL(o);
        if (!test_error_is(&err, cases[i].code, cases[i].msg, __FILE__,
                           __LINE__)) {
            fprintf(stderr, "  case %zu\n", i);
        }
    }
}

/* Flags of 2 and 4 bytes (QEMU reads them, keeping the last byte) and a
 * block word with extra flag bits are kept and written back. */
static void unusual_flag_encodings_round_trip(void)
{
    static const struct {
        const char *stream;
        size_t at;
        const char *old_hex;    /* the bytes replaced */
        const char *new_hex;
        size_t rec;
        const char *want;       /* the record's items, JSON */
    } cases[] = {
        /* START's EOS word with bit 0x100 (ignored by the loader) */
        { "pc-block", BLK_START_WORD, "0000000000000002",
          "0000000000000102", 0,
          "[{\"type\": \"eos\", \"flags\": 258}]" },
        /* the data chunk as DEVICE_BLOCK | EOS | 0x10: the loader stops
         * after it, so the rest of the record must go; not built here */
    };
    /* 0x80 in the first byte announces a second; 0x80 in the second,
     * two more; the last byte is the flags. */
    static const struct {
        uint8_t bytes[4];
        size_t n;
        const char *hex;
    } dbm_flags[] = {
        { { 0x80, 0x1c }, 2, "801c" },
        { { 0x80, 0x80, 0x00, 0x1c }, 4, "8080001c" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) s = read_stream(cases[i].stream);
        g_autoptr(QObject) full = NULL;
        g_autoptr(GByteArray) out = NULL;
        GError *err = NULL;

        for (size_t k = 0; k < strlen(cases[i].new_hex) / 2; k++) {
            unsigned v;

            sscanf(cases[i].new_hex + 2 * k, "%2x", &v);
            s->data[cases[i].at + k] = (uint8_t)v;
        }
        full = dump_bytes(s->data, s->len, true, NULL, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(full);
        ASSERT_JSON(qdict_get(record(full, cases[i].rec), "block"),
                    cases[i].want);
        out = encode(full, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(out);
        ASSERT_BYTES_EQUAL(out->data, out->len, s->data, s->len);
    }
    /* The dirty-bitmap start chunk's flag byte 0x1c as 2 and 4 bytes:
     * the stream grows, and reads back to the same chunk. */
    for (size_t i = 0; i < G_N_ELEMENTS(dbm_flags); i++) {
        g_autoptr(GByteArray) s = read_stream("pc-dirty-bitmap");
        g_autoptr(GByteArray) t = g_byte_array_new();
        g_autoptr(QObject) full = NULL;
        g_autoptr(GByteArray) out = NULL;
        g_autofree char *want = NULL;
        GError *err = NULL;

        g_byte_array_append(t, s->data, DBM_START_CHUNK);
        g_byte_array_append(t, dbm_flags[i].bytes, (guint)dbm_flags[i].n);
        g_byte_array_append(t, s->data + DBM_START_CHUNK + 1,
                            s->len - DBM_START_CHUNK - 1);
        full = dump_bytes(t->data, t->len, true, NULL, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(full);
        want = g_strdup_printf("{\"type\": \"start\", \"flags\": 28, "
                               "\"flags_bytes\": \"%s\", \"node\": \"d0\", "
                               "\"bitmap\": \"bm0\", \"granularity\": "
                               "65536, \"bitmap_flags\": 1}",
                               dbm_flags[i].hex);
        ASSERT_JSON(qlist_get(qobject_to(QList, qdict_get(record(full, 2),
                                                          "dirty_bitmap")),
                              0), want);
        out = encode(full, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(out);
        ASSERT_BYTES_EQUAL(out->data, out->len, t->data, t->len);
    }
}

/* pc-nodefaults.mig with an iterative section "vfio" (id 99) inserted
 * before its EOF: a START and an END record, whose payloads hold the
 * section's footer followed by bytes that cannot start a record. */
static GByteArray *with_opaque_section(bool footers, const uint8_t *p1,
                                       size_t n1)
{
    static const uint8_t start[] = {
        0x01, 0, 0, 0, 99, 4, 'v', 'f', 'i', 'o', 0, 0, 0, 0, 0, 0, 0, 1,
    };
    static const uint8_t end[] = { 0x03, 0, 0, 0, 99 };
    static const uint8_t footer[] = { 0x7e, 0, 0, 0, 99 };
    /* The footer, then 0x55 (no record type); then the footer, then a
     * START header whose idstr is not printable. */
    static const uint8_t p2[] = {
        0x7e, 0, 0, 0, 99, 0x55, 0x7e, 0, 0, 0, 99, 0x01, 0, 0, 0, 1, 1,
        0x07, 0, 0, 0, 0, 0, 0, 0, 0,
    };
    g_autoptr(GByteArray) s = read_stream(footers ? "pc-nodefaults"
                                                  : "pc-2.3-old");
    GByteArray *t = g_byte_array_new();
    size_t eof = PC_EOF;

    if (!footers) {
        /* The EOF byte is the one before the vmdesc record. */
        uint32_t vlen = 0;

        for (size_t i = s->len - 6; i > 0; i--) {
            if (s->data[i] == 0x00 && s->data[i + 1] == 0x06) {
                vlen = (uint32_t)s->data[i + 2] << 24 | s->data[i + 3] << 16 |
                       s->data[i + 4] << 8 | s->data[i + 5];
                if (i + 6 + vlen == s->len) {
                    eof = i;
                    break;
                }
            }
        }
    }
    g_byte_array_append(t, s->data, (guint)eof);
    g_byte_array_append(t, start, sizeof(start));
    g_byte_array_append(t, p1, (guint)n1);
    if (footers) {
        g_byte_array_append(t, footer, sizeof(footer));
        g_byte_array_append(t, end, sizeof(end));
        g_byte_array_append(t, p2, sizeof(p2));
        g_byte_array_append(t, footer, sizeof(footer));
    }
    g_byte_array_append(t, s->data + eof, s->len - (guint)eof);
    return t;
}

static void unknown_iterative_section_is_kept_opaque(void)
{
    static const uint8_t p1[] = { 'v', 'f', 'i', 'o', 0x7e, 0, 0, 0 };
    g_autoptr(GByteArray) s = with_opaque_section(true, p1, sizeof(p1));
    GError *err = NULL;
    g_autoptr(QObject) sum = dump_bytes(s->data, s->len, false, NULL, &err);
    g_autoptr(QObject) full = NULL;
    g_autoptr(QObject) info = NULL;
    g_autoptr(GByteArray) out = NULL;
    g_autofree char *end_data = NULL;
    QList *recs, *sections;
    QDict *vfio = NULL;
    size_t n;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    ASSERT_JSON(qdict_get(qobject_to(QDict, sum), "opaque_sections"),
                "[{\"idstr\": \"vfio\", \"instance_id\": 0, "
                "\"section_id\": 99}]");
    recs = records_of(sum);
    n = qlist_size(recs);
    ASSERT_JSON(qdict_get(record(sum, n - 3), "opaque"), "{\"bytes\": 8}");
    full = dump_bytes(s->data, s->len, true, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    ASSERT_JSON(QOBJECT(record(full, n - 3)),
                "{\"type\": \"START\", \"section_id\": 99, \"idstr\": "
                "\"vfio\", \"instance_id\": 0, \"version_id\": 1, "
                "\"opaque\": {\"bytes\": 8, \"data\": \"dmZpb34AAAA=\"}, "
                "\"footer\": true}");
    end_data = g_base64_encode(
        (const uint8_t *)"\x7e\0\0\0\x63\x55\x7e\0\0\0\x63\x01\0\0\0\x01\x01"
        "\x07\0\0\0\0\0\0\0\0", 26);
    {
        g_autofree char *want = g_strdup_printf(
            "{\"type\": \"END\", \"section_id\": 99, \"opaque\": {\"bytes\": "
            "26, \"data\": \"%s\"}, \"footer\": true}", end_data);

        ASSERT_JSON(QOBJECT(record(full, n - 2)), want);
    }
    out = encode(full, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    ASSERT_BYTES_EQUAL(out->data, out->len, s->data, s->len);

    /* info reads it too, and says it was not decoded. */
    info = qemu_stream_info_mem(s->data, s->len, NULL, 0, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    sections = qobject_to(QList, qdict_get(qobject_to(QDict, info),
                                           "sections"));
    for (size_t i = 0; i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));

        if (!strcmp(qdict_get_str(sec, "idstr"), "vfio")) {
            vfio = sec;
        }
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(vfio);
    CU_ASSERT_STRING_EQUAL(qdict_get_str(vfio, "iterative"), "opaque");
    CU_ASSERT_EQUAL(duint(vfio, "records"), 2);
    CU_ASSERT_EQUAL(duint(vfio, "bytes"), 18 + 8 + 5 + 5 + 26 + 5);
    CU_ASSERT_FALSE(qdict_get_bool(vfio, "ram"));
}

static void opaque_section_errors(void)
{
    static const uint8_t p1[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    GError *err = NULL;
    QVisitLimits limits;

    /* No footers: nothing tells where the payload ends. */
    {
        g_autoptr(GByteArray) s = with_opaque_section(false, p1, sizeof(p1));
        g_autoptr(QObject) o = dump_bytes(s->data, s->len, false, NULL,
                                          &err);

        CU_ASSERT_PTR_NULL(o);
        ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                     "vfio: iterative section qvisit cannot decode, in a "
                     "stream without section footers at byte 251495");
    }
    /* Over max_section_size (64 KiB here; the devices' fields are
     * smaller). */
    for (size_t extra = 0; extra < 2; extra++) {
        size_t len = 65536 + extra;
        g_autofree uint8_t *big = g_malloc(len);
        g_autoptr(GByteArray) s = NULL;
        g_autoptr(QObject) o = NULL;

        memset(big, 0x01, len);
        s = with_opaque_section(true, big, len);
        qvisit_limits_init(&limits);
        limits.max_section_size = 65536;
        o = dump_bytes(s->data, s->len, false, &limits, &err);
        if (extra) {
            CU_ASSERT_PTR_NULL(o);
            ASSERT_ERROR(err, QVISIT_ERROR_LIMIT, "vfio: opaque payload of "
                         "more than 65536 bytes (max_section_size) at byte "
                         "251880");
        } else {
            ASSERT_NO_ERROR(err);
            CU_ASSERT_PTR_NOT_NULL(o);
        }
    }
    /* No footer before the end. */
    {
        g_autoptr(GByteArray) s = read_stream("pc-nodefaults");
        g_autoptr(QObject) desc = qemu_stream_load_vmdesc_path(
            DATA "pc-nodefaults.mig", NULL, &err);
        static const uint8_t start[] = {
            0x01, 0, 0, 0, 99, 4, 'v', 'f', 'i', 'o', 0, 0, 0, 0, 0, 0, 0, 1,
            0x7e, 0, 0, 0, 99,
        };
        g_autoptr(QObject) o = NULL;
        QemuStreamOptions opts;
        QEMUFile *f;

        ASSERT_NO_ERROR(err);
        g_byte_array_set_size(s, PC_EOF);
        g_byte_array_append(s, start, sizeof(start));
        qemu_stream_options_init(&opts);
        opts.vmdesc = desc;
        f = qemu_fopen_mem(s->data, s->len);
        o = qemu_stream_dump(f, &opts, &err);
        qemu_fclose(f);
        CU_ASSERT_PTR_NULL(o);
        ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED, "vfio: stream truncated: "
                     "no footer of section 99 after its opaque payload "
                     "(started at byte 251880) at byte 251885");
    }
    /* An edit that changes the bytes must say how many there are, and a
     * summarised payload does not encode. */
    {
        g_autoptr(GByteArray) s = with_opaque_section(true, p1, sizeof(p1));
        g_autoptr(QObject) full = dump_bytes(s->data, s->len, true, NULL,
                                             &err);
        g_autoptr(GByteArray) out = NULL;
        size_t n = qlist_size(records_of(full));
        QDict *o = dstr_dict(record(full, n - 3), "opaque");
        g_autofree char *path = NULL;

        ASSERT_NO_ERROR(err);
        qdict_put_str(o, "data", "AAAA");
        out = encode(full, &err);
        CU_ASSERT_PTR_NULL(out);
        path = g_strdup_printf("records[%zu].opaque.bytes: 8, but 'data' "
                               "holds 3 bytes", n - 3);
        ASSERT_ERROR(err, QVISIT_ERROR_LENGTH, path);
        qdict_put_obj(record(full, n - 3), "opaque",
                      qobject_from_json("{\"bytes\": 8}", NULL));
        out = encode(full, &err);
        CU_ASSERT_PTR_NULL(out);
        g_free(path);
        path = g_strdup_printf("records[%zu].opaque: the opaque payload was "
                               "summarised; dump with --ram to re-encode",
                               n - 3);
        ASSERT_ERROR(err, QVISIT_ERROR_MISSING, path);
    }
}

/*
 * tests/data/qemu-iter/small-iterative.mig (also a fuzz seed): header and
 * configuration, then block (progress, zero chunk), dirty-bitmap (start,
 * bits, zeroes, complete) and an opaque "vfio" section, EOF, no vmdesc.
 * Read with pc-nodefaults' vmdesc, it dumps to these records and encodes
 * back byte for byte.
 */
static void small_iterative_stream_round_trips(void)
{
    static const char *const want[] = {
        "{\"type\": \"START\", \"section_id\": 1, \"idstr\": \"block\", "
        "\"instance_id\": 0, \"version_id\": 1, \"block\": [{\"type\": "
        "\"eos\"}], \"footer\": true}",
        "{\"type\": \"PART\", \"section_id\": 1, \"block\": [{\"type\": "
        "\"progress\", \"percent\": 0}, {\"type\": \"progress\", "
        "\"percent\": 50}, {\"type\": \"zero_block\", \"sector\": 2048, "
        "\"device\": \"d0\"}, {\"type\": \"eos\"}], \"footer\": true}",
        "{\"type\": \"END\", \"section_id\": 1, \"block\": [{\"type\": "
        "\"progress\", \"percent\": 100}, {\"type\": \"eos\"}], "
        "\"footer\": true}",
        "{\"type\": \"START\", \"section_id\": 3, \"idstr\": "
        "\"dirty-bitmap\", \"instance_id\": 0, \"version_id\": 1, "
        "\"dirty_bitmap\": [{\"type\": \"start\", \"flags\": 28, "
        "\"node\": \"d0\", \"bitmap\": \"bm0\", \"granularity\": 65536, "
        "\"bitmap_flags\": 1}, {\"type\": \"eos\", \"flags\": 1}], "
        "\"footer\": true}",
        "{\"type\": \"END\", \"section_id\": 3, \"dirty_bitmap\": "
        "[{\"type\": \"bits\", \"flags\": 64, \"sector\": 0, "
        "\"nr_sectors\": 4096, \"data\": \"AgAAAAAAAAA=\"}, {\"type\": "
        "\"zeroes\", \"flags\": 66, \"sector\": 8, \"nr_sectors\": 8}, "
        "{\"type\": \"complete\", \"flags\": 32}, {\"type\": \"eos\", "
        "\"flags\": 1}], \"footer\": true}",
        "{\"type\": \"START\", \"section_id\": 99, \"idstr\": \"vfio\", "
        "\"instance_id\": 0, \"version_id\": 1, \"opaque\": {\"bytes\": "
        "9, \"data\": \"YWJjfgAAAGNV\"}, \"footer\": true}",
        ("{\"type\": \"END\", \"section_id\": 99, \"opaque\": "
         "{\"bytes\": 3, \"data\": \"eHl6\"}, \"footer\": true}"),
        "{\"type\": \"EOF\"}",
    };
    g_autoptr(GByteArray) s = g_byte_array_new();
    g_autoptr(GBytes) b = test_read_file("tests/data/qemu-iter/"
                                         "small-iterative.mig");
    GError *err = NULL;
    g_autoptr(QObject) desc = qemu_stream_load_vmdesc_path(
        DATA "pc-nodefaults.mig", NULL, &err);
    g_autoptr(QObject) dump = NULL;
    g_autoptr(GByteArray) out = NULL;
    QemuStreamOptions opts;
    QEMUFile *f;

    ASSERT_NO_ERROR(err);
    g_byte_array_append(s, g_bytes_get_data(b, NULL),
                        (guint)g_bytes_get_size(b));
    qemu_stream_options_init(&opts);
    opts.vmdesc = desc;
    opts.ram_full = true;
    f = qemu_fopen_mem(s->data, s->len);
    dump = qemu_stream_dump(f, &opts, &err);
    qemu_fclose(f);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    CU_ASSERT_EQUAL_FATAL(qlist_size(records_of(dump)), G_N_ELEMENTS(want));
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        ASSERT_JSON(QOBJECT(record(dump, i)), want[i]);
    }
    out = encode(dump, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    ASSERT_BYTES_EQUAL(out->data, out->len, s->data, s->len);
}

/*
 * A vmdesc whose be32 length holds 0x7b ('{') after its last zero byte
 * (0x00027b41: the description padded with spaces): QEMU 7.2's
 * analyze-migration.py looks for the last NUL and the first '{' after it,
 * lands in the length and gives up ("No Debug Migration device found");
 * qvisit reads the stream in order, so the length is just a length.
 */
static void vmdesc_length_holding_a_brace_is_read(void)
{
    g_autoptr(GByteArray) s = read_stream("pc-nodefaults");
    const uint32_t len = 0x00027b41;
    uint32_t old = (uint32_t)s->data[PC_EOF + 2] << 24 |
                   s->data[PC_EOF + 3] << 16 | s->data[PC_EOF + 4] << 8 |
                   s->data[PC_EOF + 5];
    GError *err = NULL;
    g_autoptr(QObject) full = NULL;
    g_autoptr(GByteArray) out = NULL;
    const char *text;

    CU_ASSERT_EQUAL_FATAL(s->len, PC_EOF + 6 + old);
    s->data[PC_EOF + 2] = len >> 24;
    s->data[PC_EOF + 3] = len >> 16 & 0xff;
    s->data[PC_EOF + 4] = len >> 8 & 0xff;
    s->data[PC_EOF + 5] = len & 0xff;
    while (s->len < PC_EOF + 6 + len) {
        g_byte_array_append(s, (const uint8_t *)" ", 1);
    }
    full = dump_bytes(s->data, s->len, true, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    text = qdict_get_str(qobject_to(QDict, full), "vmdesc");
    CU_ASSERT_EQUAL(strlen(text), len);
    out = encode(full, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    ASSERT_BYTES_EQUAL(out->data, out->len, s->data, s->len);
}

/* The state form (info, diff, convert) reads the streams; info names the
 * iterative sections. */
static void info_and_cli_read_iterative_sections(void)
{
    const char *cli = g_getenv("QVISIT_CLI");
    GError *err = NULL;
    g_autoptr(QObject) info = qemu_stream_info_path(DATA "pc-block.mig",
                                                    NULL, 0, &err);
    QList *sections;
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL;
    g_autofree char *errout = NULL;
    int status = -1;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    sections = qobject_to(QList, qdict_get(qobject_to(QDict, info),
                                           "sections"));
    {
        ASSERT_JSON(qlist_get(sections, 0), "{\"section_id\": 1, \"idstr\": "
                               "\"block\", \"instance_id\": 0, "
                               "\"version_id\": 1, \"ram\": false, "
                               "\"iterative\": \"block\", \"records\": 4, "
                               "\"bytes\": 1048708}");
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(cli);
    cmd = g_strdup_printf("%s info " DATA "pc-dirty-bitmap.mig", cli);
    CU_ASSERT_FATAL(g_spawn_command_line_sync(cmd, &out, &errout, &status,
                                              NULL));
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_STRING_EQUAL(errout, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "sections:     32 (30 devices)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\niterative:    dirty-bitmap#0 "
                                       "(decoded)\n"));
    g_free(cmd);
    g_free(out);
    g_free(errout);
    cmd = g_strdup_printf("%s diff " DATA "pc-block.mig " DATA
                          "pc-block.mig", cli);
    CU_ASSERT_FATAL(g_spawn_command_line_sync(cmd, &out, &errout, &status,
                                              NULL));
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_STRING_EQUAL(out, "no differences\n");
}

static const TestCase tests[] = {
    { "block_section_dump_has_counts_and_items",
      block_section_dump_has_counts_and_items },
    { "dirty_bitmap_section_dump_has_its_chunks",
      dirty_bitmap_section_dump_has_its_chunks },
    { "edited_block_chunk_reaches_the_stream",
      edited_block_chunk_reaches_the_stream },
    { "reader_refuses_what_the_loaders_refuse",
      reader_refuses_what_the_loaders_refuse },
    { "unusual_flag_encodings_round_trip", unusual_flag_encodings_round_trip },
    { "unknown_iterative_section_is_kept_opaque",
      unknown_iterative_section_is_kept_opaque },
    { "opaque_section_errors", opaque_section_errors },
    { "small_iterative_stream_round_trips",
      small_iterative_stream_round_trips },
    { "vmdesc_length_holding_a_brace_is_read",
      vmdesc_length_holding_a_brace_is_read },
    { "info_and_cli_read_iterative_sections",
      info_and_cli_read_iterative_sections },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-stream-iter", tests);
}
