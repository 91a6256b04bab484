/*
 * The built-in QEMU devices (examples/qemu-devices/) and the decode of
 * streams without a vmdesc: every committed QEMU stream, stripped of its
 * vmdesc, decodes through the built-in devices as the vmdesc-based decode
 * does for every section they know, and re-encodes byte for byte; the
 * footer search that skips the others; the devices' own checks.
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "examples/qemu-devices/qemu-devices.h"
#include "tests/qemu-stripped.h"
#include "tests/test-util.h"

#define DATA "tests/data/qemu/"

/* Every committed stream with a vmdesc and section footers. */
static const char *const streams[] = {
    "pc-nodefaults", "pc-e1000", "q35-smp2-xhci-virtio", "pc-compress",
    "pc-ignore-shared", "pc-serial-nic-usb", "pc-running-smp4", "pc-icount",
    "isapc-running",
};

static GBytes *read_stream(const char *name)
{
    g_autofree char *path = g_strdup_printf(DATA "%s.mig", name);

    return test_read_file(path);
}

/* Dumps @len bytes through the built-in devices. */
static QObject *dump_builtin(const void *data, size_t len, bool partial,
                             bool ram, GError **errp)
{
    QemuStreamOptions opts;
    QEMUFile *f = qemu_fopen_mem(data, len);
    QObject *o;

    qemu_stream_options_init(&opts);
    opts.layouts = qemu_devices_layouts();
    opts.partial = partial;
    opts.ram_full = ram;
    o = qemu_stream_dump(f, &opts, errp);
    qemu_fclose(f);
    return o;
}

static GByteArray *encode_builtin(const QObject *dump, GError **errp)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    bool ok = qemu_stream_encode_layouts(f, dump, NULL,
                                         qemu_devices_layouts(), errp);

    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    if (!ok) {
        g_byte_array_unref(out);
        return NULL;
    }
    return out;
}

/* Checks that @dump encodes through the built-in devices to the @len
 * bytes at @data. */
static void assert_encodes_to(const QObject *dump, const uint8_t *data,
                              size_t len)
{
    GError *err = NULL;
    g_autoptr(GByteArray) out = encode_builtin(dump, &err);

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    ASSERT_BYTES_EQUAL(out->data, out->len, data, len);
}

static bool json_equal(QObject *a, QObject *b)
{
    g_autoptr(GString) ta = qobject_to_json(a);
    g_autoptr(GString) tb = qobject_to_json(b);

    return !strcmp(ta->str, tb->str);
}

/* Compares the records of the stripped dump @got with the vmdesc-based
 * @want; adds the name of every device decoded to @seen. */
static void compare_records(const char *stream, QDict *got, QDict *want,
                            GHashTable *seen)
{
    QList *gr = qobject_to(QList, qdict_get(got, "records"));
    QList *wr = qobject_to(QList, qdict_get(want, "records"));

    CU_ASSERT_PTR_NOT_NULL_FATAL(gr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wr);
    CU_ASSERT_EQUAL_FATAL(qlist_size(gr), qlist_size(wr));
    for (size_t i = 0; i < qlist_size(gr); i++) {
        QDict *g = qobject_to(QDict, qlist_get(gr, i));
        QDict *w = qobject_to(QDict, qlist_get(wr, i));
        QObject *state = qdict_get(g, "state");
        const char *idstr = qdict_haskey(g, "idstr")
            ? qstring_get_str(qobject_to(QString, qdict_get(g, "idstr")))
            : NULL;
        QNum *version = qobject_to(QNum, qdict_get(g, "version_id"));
        uint64_t ver = 0;

        /* Header, footer, RAM: the same members. */
        for (const QDictEntry *e = qdict_first(w); e; e = qdict_next(w, e)) {
            const char *key = qdict_entry_key(e);

            if (strcmp(key, "state") != 0) {
                CU_ASSERT_TRUE(qdict_haskey(g, key) &&
                               json_equal(qdict_get(g, key),
                                          qdict_entry_value(e)));
            }
        }
        if (version) {
            qnum_get_try_uint(version, &ver);
        }
        if (state) {
            bool same = json_equal(state, qdict_get(w, "state"));

            if (!same) {
                fprintf(stderr, "\n%s: records[%zu] (%s) differs\n", stream,
                        i, idstr);
            }
            CU_ASSERT_TRUE(same);
            g_hash_table_add(seen, (gpointer)qemu_devices_find(idstr,
                                                               ver)->name);
        } else if (qdict_haskey(g, "opaque")) {
            /* Only what no built-in device knows is skipped. */
            CU_ASSERT_PTR_NULL(qemu_devices_find(idstr, ver));
        }
    }
}

static void stripped_streams_decode_as_with_their_vmdesc(void)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    const QemuDevice *const *all;
    size_t n;

    for (size_t i = 0; i < G_N_ELEMENTS(streams); i++) {
        g_autoptr(GBytes) bytes = read_stream(streams[i]);
        g_autofree char *path = g_strdup_printf(DATA "%s.mig", streams[i]);
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) want = qemu_stream_dump_path(path, NULL, &err);
        g_autoptr(QObject) got = NULL;
        size_t len;
        const uint8_t *data = g_bytes_get_data(bytes, &len);
        size_t cut = test_qemu_stripped_len(data, len);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE_FATAL(cut < len);
        got = dump_builtin(data, cut, true, false, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(got);
        /* The stream has none. */
        CU_ASSERT_EQUAL(qobject_type(qdict_get(qobject_to(QDict, got),
                                               "vmdesc")), QTYPE_QNULL);
        CU_ASSERT_TRUE(json_equal(qdict_get(qobject_to(QDict, got), "ram"),
                                  qdict_get(qobject_to(QDict, want), "ram")));
        compare_records(streams[i], qobject_to(QDict, got),
                        qobject_to(QDict, want), seen);
    }
    /* Every built-in device is proven on at least one real section. */
    all = qemu_devices_list(&n);
    for (size_t i = 0; i < n; i++) {
        if (!g_hash_table_contains(seen, all[i]->name)) {
            fprintf(stderr, "\n%s: in no committed stream\n", all[i]->name);
            CU_FAIL("a built-in device decoded no section");
        }
    }
}

/*
 * qemu_stream_info_mem() of a stripped stream with the built-in devices
 * as layouts (what `info`, `diff` and `convert` read): the same sections,
 * records, bytes, states and RAM digests as the summary of the stream
 * with its vmdesc; a section no built-in device knows is "opaque", its
 * payload's bytes in "opaque_payload", and without @partial an error.
 */
static void stripped_streams_summarise_as_with_their_vmdesc(void)
{
    const QemuStreamInfoFlags flags = QEMU_STREAM_INFO_STATES |
                                      QEMU_STREAM_INFO_RAM_DIGESTS;
    size_t opaque = 0;

    for (size_t i = 0; test_qemu_stripped_streams[i]; i++) {
        const char *name = test_qemu_stripped_streams[i];
        g_autoptr(GBytes) bytes = read_stream(name);
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) want = NULL;
        g_autoptr(QObject) got = NULL;
        QemuStreamOptions opts;
        QList *ws, *gs;
        size_t len;
        const uint8_t *data = g_bytes_get_data(bytes, &len);
        size_t cut = test_qemu_stripped_len(data, len);
        uint64_t size = 0;

        want = qemu_stream_info_mem(data, len, NULL, flags, &err);
        ASSERT_NO_ERROR(err);
        qemu_stream_options_init(&opts);
        /* Without layouts: no description, as before. */
        got = qemu_stream_info_mem(data, cut, &opts, flags, &err);
        CU_ASSERT_PTR_NULL(got);
        CU_ASSERT_TRUE(g_error_matches(err, QVISIT_ERROR,
                                       QVISIT_ERROR_MISSING));
        g_clear_error(&err);
        opts.layouts = qemu_devices_layouts();
        opts.partial = true;
        got = qemu_stream_info_mem(data, cut, &opts, flags, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(got);
        CU_ASSERT_EQUAL(qobject_type(qdict_get(qobject_to(QDict, got),
                                               "vmdesc")), QTYPE_QNULL);
        qnum_get_try_uint(qobject_to(QNum, qdict_get(qobject_to(QDict, got),
                                                     "size")), &size);
        CU_ASSERT_EQUAL(size, cut);
        CU_ASSERT_TRUE(json_equal(qdict_get(qobject_to(QDict, got), "ram"),
                                  qdict_get(qobject_to(QDict, want), "ram")));
        CU_ASSERT_TRUE(json_equal(qdict_get(qobject_to(QDict, got),
                                            "commands"),
                                  qdict_get(qobject_to(QDict, want),
                                            "commands")));
        ws = qobject_to(QList, qdict_get(qobject_to(QDict, want),
                                         "sections"));
        gs = qobject_to(QList, qdict_get(qobject_to(QDict, got),
                                         "sections"));
        CU_ASSERT_EQUAL_FATAL(qlist_size(gs), qlist_size(ws));
        for (size_t k = 0; k < qlist_size(gs); k++) {
            QDict *g = qobject_to(QDict, qlist_get(gs, k));
            QDict *w = qobject_to(QDict, qlist_get(ws, k));

            /* Everything but the state is the same. */
            for (const QDictEntry *e = qdict_first(w); e;
                 e = qdict_next(w, e)) {
                if (strcmp(qdict_entry_key(e), "state") != 0) {
                    CU_ASSERT_TRUE(json_equal(qdict_get(g,
                                                        qdict_entry_key(e)),
                                              qdict_entry_value(e)));
                }
            }
            if (qdict_haskey(g, "opaque")) {
                const char *hex = qstring_get_str(qobject_to(
                    QString, qdict_get(g, "opaque_payload")));
                const char *idstr = qstring_get_str(
                    qobject_to(QString, qdict_get(g, "idstr")));
                uint64_t ver = 0, rec_bytes = 0;

                qnum_get_try_uint(qobject_to(QNum, qdict_get(g,
                                                             "version_id")),
                                  &ver);
                qnum_get_try_uint(qobject_to(QNum, qdict_get(g, "bytes")),
                                  &rec_bytes);
                CU_ASSERT_PTR_NULL(qemu_devices_find(idstr, (uint32_t)ver));
                /* The record less its header (FULL, id, idstr, instance,
                 * version) and footer (0x7e, id). */
                CU_ASSERT_EQUAL(strlen(hex) / 2,
                                rec_bytes - (1 + 4 + 1 + strlen(idstr) + 4 +
                                             4 + 5));
                opaque++;
                continue;
            }
            CU_ASSERT_EQUAL(qdict_haskey(g, "state"),
                            qdict_haskey(w, "state"));
            if (qdict_haskey(g, "state") && qdict_haskey(w, "state")) {
                CU_ASSERT_TRUE(json_equal(qdict_get(g, "state"),
                                          qdict_get(w, "state")));
            }
        }
    }
    /* pc-serial-nic-usb's virtio-net, q35's three virtio devices. */
    CU_ASSERT_EQUAL(opaque, 4);
}

/* Without partial, a section no built-in device knows stops the
 * summary, as it stops `dump --qemu`. */
static void stripped_summary_needs_partial_for_unknown_sections(void)
{
    g_autoptr(GBytes) bytes = read_stream("q35-smp2-xhci-virtio");
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) got = NULL;
    QemuStreamOptions opts;
    size_t len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);

    qemu_stream_options_init(&opts);
    opts.layouts = qemu_devices_layouts();
    got = qemu_stream_info_mem(data, test_qemu_stripped_len(data, len),
                               &opts, QEMU_STREAM_INFO_DEFAULT, &err);
    CU_ASSERT_PTR_NULL(got);
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "0000:00:02.0/virtio-rng: no vmdesc and no layout known "
                 "for version 1 at byte 324094");
}

static void stripped_streams_reencode_byte_for_byte(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(streams); i++) {
        g_autoptr(GBytes) bytes = read_stream(streams[i]);
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) dump = NULL;
        g_autoptr(GByteArray) out = NULL;
        size_t len;
        const uint8_t *data = g_bytes_get_data(bytes, &len);
        size_t cut = test_qemu_stripped_len(data, len);

        dump = dump_builtin(data, cut, true, true, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
        out = encode_builtin(dump, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(out);
        ASSERT_BYTES_EQUAL(out->data, out->len, data, cut);
    }
}

/*
 * Section by section, in every committed stream with a vmdesc, footers
 * or not (pc-2.3-old has none, so no footer search can reach its later
 * sections): each payload of a built-in device, cut out of the stream
 * with the record sizes qemu_stream_info_mem() reports, decodes alone as
 * the vmdesc-based dump has it and re-encodes to the same bytes.
 */
static void every_known_section_decodes_and_reencodes_alone(void)
{
    static const char *const more[] = { "pc-2.3-old" };
    size_t decoded = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(streams) + G_N_ELEMENTS(more);
         i++) {
        const char *name = i < G_N_ELEMENTS(streams)
            ? streams[i] : more[i - G_N_ELEMENTS(streams)];
        g_autoptr(GBytes) bytes = read_stream(name);
        g_autofree char *path = g_strdup_printf(DATA "%s.mig", name);
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) dump = qemu_stream_dump_path(path, NULL, &err);
        g_autoptr(QObject) info = NULL;
        QList *sections, *records;
        size_t len, at;
        const uint8_t *data = g_bytes_get_data(bytes, &len);
        uint64_t total = 0;

        info = qemu_stream_info_mem(data, len, NULL,
                                    QEMU_STREAM_INFO_DEFAULT, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(info);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
        sections = qobject_to(QList, qdict_get(qobject_to(QDict, info),
                                               "sections"));
        records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                              "records"));
        /* No COMMANDs: the section records end at the EOF byte. */
        CU_ASSERT_EQUAL_FATAL(qlist_size(qobject_to(QList,
            qdict_get(qobject_to(QDict, info), "commands"))), 0);
        for (size_t k = 0; k < qlist_size(sections); k++) {
            QDict *sec = qobject_to(QDict, qlist_get(sections, k));
            uint64_t b = 0;

            qnum_get_try_uint(qobject_to(QNum, qdict_get(sec, "bytes")), &b);
            total += b;
        }
        at = test_qemu_stripped_len(data, len) - 1 - total;
        for (size_t k = 0; k < qlist_size(sections); k++) {
            QDict *sec = qobject_to(QDict, qlist_get(sections, k));
            const char *idstr = qstring_get_str(qobject_to(QString,
                                                qdict_get(sec, "idstr")));
            uint64_t b = 0, id = 0, ver = 0, inst = 0;
            const QemuDevice *dev;
            size_t head, foot, plen;
            g_autoptr(GByteArray) out = NULL;
            QEMUFile *f;
            QDict *state;
            QDict *want = NULL;

            qnum_get_try_uint(qobject_to(QNum, qdict_get(sec, "bytes")), &b);
            qnum_get_try_uint(qobject_to(QNum, qdict_get(sec, "section_id")),
                              &id);
            qnum_get_try_uint(qobject_to(QNum, qdict_get(sec, "version_id")),
                              &ver);
            qnum_get_try_uint(qobject_to(QNum,
                                         qdict_get(sec, "instance_id")),
                              &inst);
            dev = qemu_devices_find(idstr, (uint32_t)ver);
            /* pc-i440fx-2.3 sends no SMBus state and no ACPI index:
             * a payload decoded alone, without the stream around it,
             * gets the current machine types' configuration (the
             * stripped stream decodes whole: test_qemu_stripped_streams;
             * test-qemu-devices-sections checks the error). */
            if (!strcmp(name, "pc-2.3-old") &&
                g_str_has_suffix(idstr, "/piix4_pm")) {
                dev = NULL;
            }
            head = 1 + 4 + 1 + strlen(idstr) + 4 + 4;
            foot = data[at + b - 5] == 0x7e &&
                   data[at + b - 1] == (id & 0xff) &&
                   data[at + b - 2] == ((id >> 8) & 0xff) ? 5 : 0;
            plen = b - head - foot;
            for (size_t r = 0; dev && r < qlist_size(records); r++) {
                QDict *rec = qobject_to(QDict, qlist_get(records, r));
                QNum *rid = qobject_to(QNum, qdict_get(rec, "section_id"));
                uint64_t v = 0;

                if (rid && qnum_get_try_uint(rid, &v) && v == id &&
                    qdict_haskey(rec, "state")) {
                    want = qobject_to(QDict, qdict_get(rec, "state"));
                }
            }
            if (dev) {
                CU_ASSERT_EQUAL_FATAL(data[at], 0x04);
                CU_ASSERT_PTR_NOT_NULL_FATAL(want);
                f = qemu_fopen_mem(data + at + head, plen);
                state = qemu_device_decode(dev, idstr, (uint32_t)ver, f,
                                           NULL, &err);
                ASSERT_NO_ERROR(err);
                CU_ASSERT_EQUAL(qemu_file_transferred(f), plen);
                qemu_fclose(f);
                CU_ASSERT_PTR_NOT_NULL_FATAL(state);
                CU_ASSERT_TRUE(json_equal(QOBJECT(state), QOBJECT(want)));
                out = g_byte_array_new();
                f = qemu_fopen_bytearray(out);
                CU_ASSERT_TRUE(qemu_device_encode(dev, idstr, (uint32_t)ver,
                                                  state, f, &err));
                ASSERT_NO_ERROR(err);
                CU_ASSERT_EQUAL(qemu_fclose(f), 0);
                ASSERT_BYTES_EQUAL(out->data, out->len, data + at + head,
                                   plen);
                qobject_unref(state);
                decoded++;
            }
            at += b;
        }
        CU_ASSERT_EQUAL(data[at], 0x00);
    }
    CU_ASSERT_TRUE(decoded >= 100);
}

/* The committed stream QEMU wrote with suppress-vmdesc=on decodes as
 * with the vmdesc of its donor (pc-suppress-vmdesc.vmdesc-from). */
static void suppress_vmdesc_stream_decodes_as_with_borrowed_vmdesc(void)
{
    g_autoptr(GBytes) bytes = read_stream("pc-suppress-vmdesc");
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) desc = qemu_stream_load_vmdesc_path(
        DATA "pc-nodefaults.mig", NULL, &err);
    g_autoptr(QObject) want = NULL;
    g_autoptr(QObject) got = NULL;
    QemuStreamOptions opts;
    size_t len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);

    ASSERT_NO_ERROR(err);
    qemu_stream_options_init(&opts);
    opts.vmdesc = desc;
    want = qemu_stream_dump_path(DATA "pc-suppress-vmdesc.mig", &opts, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    /* The borrowed vmdesc is no part of the stream. */
    qdict_del(qobject_to(QDict, want), "borrowed_vmdesc");
    got = dump_builtin(data, len, true, false, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    compare_records("pc-suppress-vmdesc", qobject_to(QDict, got),
                    qobject_to(QDict, want), seen);
    CU_ASSERT_TRUE(g_hash_table_contains(seen, "mc146818rtc"));
}

/* --- crafted streams: the footer search ------------------------------ */

typedef struct Crafted {
    bool footers;
    const uint8_t *payload;     /* of section "mystery" (id 1) */
    size_t payload_len;
    bool cut_after_payload;     /* the stream ends inside "mystery" */
    const uint8_t *after;       /* records between "mystery" and EOF */
    size_t after_len;
} Crafted;

/* A stream of an i8259 section (id 0, known), "mystery" (id 1, version
 * 1, unknown) and EOF, without vmdesc. */
static GByteArray *craft(const Crafted *c)
{
    static const uint8_t pic[16] = { 0x01, 0x02, 0x03 };
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);

    qemu_put_be32(f, 0x5145564d);
    qemu_put_be32(f, 3);
    qemu_put_byte(f, 0x04);
    qemu_put_be32(f, 0);
    qemu_put_counted_string(f, "i8259");
    qemu_put_be32(f, 0);
    qemu_put_be32(f, 1);
    qemu_put_buffer(f, pic, sizeof(pic));
    if (c->footers) {
        qemu_put_byte(f, 0x7e);
        qemu_put_be32(f, 0);
    }
    qemu_put_byte(f, 0x04);
    qemu_put_be32(f, 1);
    qemu_put_counted_string(f, "mystery");
    qemu_put_be32(f, 0);
    qemu_put_be32(f, 1);
    qemu_put_buffer(f, c->payload, c->payload_len);
    if (!c->cut_after_payload) {
        if (c->footers) {
            qemu_put_byte(f, 0x7e);
            qemu_put_be32(f, 1);
        }
        qemu_put_buffer(f, c->after, c->after_len);
        qemu_put_byte(f, 0x00);
    }
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    return out;
}

/* Where "mystery"'s record and payload start in a crafted stream. */
#define CRAFT_MYSTERY_AT(footers) (8 + 19 + 16 + ((footers) ? 5 : 0))
#define CRAFT_PAYLOAD_AT(footers) (CRAFT_MYSTERY_AT(footers) + 21)

static void unknown_section_is_skipped_to_its_footer(void)
{
    /* A footer of this section inside the payload, but followed by 0xff,
     * which starts no record: not the end. */
    static const uint8_t payload[] = {
        0x01, 0x02, 0x7e, 0x00, 0x00, 0x00, 0x01, 0xff, 0x03,
    };
    Crafted c = { true, payload, sizeof(payload), false, NULL, 0 };
    g_autoptr(GByteArray) stream = craft(&c);
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) dump = dump_builtin(stream->data, stream->len, true,
                                           true, &err);
    g_autoptr(GByteArray) back = NULL;
    QList *records;
    QDict *rec;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    CU_ASSERT_EQUAL_FATAL(qlist_size(records), 3);
    rec = qobject_to(QDict, qlist_get(records, 0));
    CU_ASSERT_TRUE(qdict_haskey(rec, "state"));
    rec = qobject_to(QDict, qlist_get(records, 1));
    CU_ASSERT_FALSE(qdict_haskey(rec, "state"));
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                                                      qdict_get(rec,
                                                                "opaque"))),
                           "01027e00000001ff03");
    back = encode_builtin(dump, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    ASSERT_BYTES_EQUAL(back->data, back->len, stream->data, stream->len);
}

/* What follows a footer decides whether it ends the section: a COMMAND
 * QEMU knows with its length does, one it does not know does not. */
static void footer_search_accepts_a_following_command(void)
{
    /* PING (2) with its 4 bytes. */
    static const uint8_t ping[] = { 0x08, 0x00, 0x02, 0x00, 0x04,
                                    0xde, 0xad, 0xbe, 0xef };
    /* A footer of "mystery" followed by command 0 (unknown), then by
     * PING of 3 bytes (it takes 4): neither ends the payload. */
    static const uint8_t payload[] = {
        0x7e, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00,
        0x7e, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x02, 0x00, 0x03,
    };
    Crafted c = { true, payload, sizeof(payload), false, ping,
                  sizeof(ping) };
    g_autoptr(GByteArray) stream = craft(&c);
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) dump = dump_builtin(stream->data, stream->len, true,
                                           true, &err);
    g_autoptr(GByteArray) back = NULL;
    QList *records;
    QDict *rec;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    CU_ASSERT_EQUAL_FATAL(qlist_size(records), 4);
    rec = qobject_to(QDict, qlist_get(records, 1));
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                                                      qdict_get(rec,
                                                                "opaque"))),
                           "7e0000000108000000007e00000001080002"
                           "0003");
    rec = qobject_to(QDict, qlist_get(records, 2));
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                                                      qdict_get(rec,
                                                                "type"))),
                           "COMMAND");
    back = encode_builtin(dump, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    ASSERT_BYTES_EQUAL(back->data, back->len, stream->data, stream->len);
}

static void unknown_section_errors(void)
{
    static const uint8_t payload[] = { 0x01, 0x02, 0x03 };
    /* A footer of this section followed by what reads as EOF and a
     * vmdesc: the search ends there, and the bytes left are an error (a
     * vmdesc of 0x027e0000 bytes), not data. */
    static const uint8_t fake_eof[] = {
        0x01, 0x7e, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02,
    };
    g_autofree char *unknown = g_strdup_printf(
        "mystery: no vmdesc and no layout known for version 1 at byte %d",
        CRAFT_MYSTERY_AT(true));
    g_autofree char *no_footers = g_strdup_printf(
        "mystery: no vmdesc and no layout known for version 1, and a "
        "stream without section footers cannot be skipped at byte %d",
        CRAFT_MYSTERY_AT(false));
    g_autofree char *truncated = g_strdup_printf(
        "mystery: no section footer found after the 3 bytes of the "
        "unknown section at byte %d", CRAFT_MYSTERY_AT(true));
    g_autofree char *early = g_strdup_printf(
        "vmdesc: stream truncated inside the description (3 of 41811968 "
        "bytes) at byte %d", CRAFT_PAYLOAD_AT(true) + 15);
    const struct {
        Crafted c;
        bool partial;
        int code;
        const char *msg;
    } cases[] = {
        { { true, payload, sizeof(payload), false, NULL, 0 }, false,
          QVISIT_ERROR_UNKNOWN, unknown },
        { { false, payload, sizeof(payload), false, NULL, 0 }, true,
          QVISIT_ERROR_UNKNOWN, no_footers },
        { { true, payload, sizeof(payload), true, NULL, 0 }, true,
          QVISIT_ERROR_TRUNCATED, truncated },
        { { true, fake_eof, sizeof(fake_eof), false, NULL, 0 }, true,
          QVISIT_ERROR_TRUNCATED, early },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) stream = craft(&cases[i].c);
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) dump = dump_builtin(stream->data, stream->len,
                                               cases[i].partial, false,
                                               &err);

        CU_ASSERT_PTR_NULL(dump);
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
    }
}

/* --- the catalogue and the devices' own checks ----------------------- */

static void find_goes_by_last_idstr_component_and_version(void)
{
    static const struct {
        const char *idstr;
        uint32_t version;
        const char *name;   /* NULL: not found */
    } cases[] = {
        { "mc146818rtc", 3, "mc146818rtc" },
        { "mc146818rtc", 1, "mc146818rtc" },
        { "mc146818rtc", 4, NULL },
        { "apic", 2, NULL },
        { "0000:00:1f.0/hpet", 2, "hpet" },
        { "Timer", 2, NULL },
        { "", 1, NULL },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const QemuDevice *d = qemu_devices_find(cases[i].idstr,
                                                cases[i].version);

        if (cases[i].name) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(d);
            CU_ASSERT_STRING_EQUAL(d->name, cases[i].name);
        } else {
            CU_ASSERT_PTR_NULL(d);
        }
    }
}

/* Decodes @len bytes as section @idstr at @version. */
static QDict *decode_bytes(const char *idstr, uint32_t version,
                           const uint8_t *data, size_t len, GError **errp)
{
    const QemuDevice *dev = qemu_devices_find(idstr, version);
    QEMUFile *f = qemu_fopen_mem(data, len);
    QDict *d;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    d = qemu_device_decode(dev, idstr, version, f, NULL, errp);
    qemu_fclose(f);
    return d;
}

static void device_input_errors(void)
{
    /* hpet: config, isr, counter, then num_timers 33 (at byte 24). */
    uint8_t hpet[25] = { 0 };
    /* timer v2: 24 bytes of fields, then "timer/icount" at version 2. */
    uint8_t timer[24 + 2 + 12 + 4] = { 0 };
    g_autoptr(GError) err = NULL;
    QDict *d;

    hpet[24] = 33;
    d = decode_bytes("hpet", 2, hpet, sizeof(hpet), &err);
    CU_ASSERT_PTR_NULL(d);
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "hpet.num_timers: 33 is outside 3..32");

    timer[24] = 0x05;
    timer[25] = 12;
    memcpy(timer + 26, "timer/icount", 12);
    timer[41] = 2;
    d = decode_bytes("timer", 2, timer, sizeof(timer), &err);
    CU_ASSERT_PTR_NULL(d);
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION,
                 "timer.timer/icount: subsection version 2 is newer than 1, "
                 "the newest this walk reads");

    /* A version-1 timer has no cpu_clock_offset: 16 bytes. */
    d = decode_bytes("timer", 1, timer, 16, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(qdict_size(d), 2);
    CU_ASSERT_FALSE(qdict_haskey(d, "cpu_clock_offset"));
    qobject_unref(d);

    d = decode_bytes("i8259", 1, hpet, 15, &err);
    CU_ASSERT_PTR_NULL(d);
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "i8259.elcr: stream truncated at byte 15");
}

/* Every built-in device's walk describes a zeroed state, as the describe
 * visitor runs it, at each version it reads. */
static void every_device_describes_a_zeroed_state(void)
{
    const QemuDevice *const *all;
    size_t n;

    all = qemu_devices_list(&n);
    for (size_t i = 0; i < n; i++) {
        for (uint32_t ver = all[i]->minimum_version; ver <= all[i]->version;
             ver++) {
            g_autoptr(GError) err = NULL;
            g_autoptr(QObject) schema = NULL;
            g_autofree void *state = g_malloc0(all[i]->state_size);
            Visitor *v = describe_visitor_new(&schema);
            bool ok = visit_start_struct(v, all[i]->name, &err) &&
                      all[i]->visit(v, state, ver, &err) &&
                      visit_end_struct(v, &err) && visit_complete(v, &err);

            visit_free(v);
            if (all[i]->clear) {
                all[i]->clear(state);
            }
            if (err) {
                fprintf(stderr, "\n%s v%u: %s\n", all[i]->name, ver,
                        err->message);
            }
            CU_ASSERT_TRUE(ok);
            CU_ASSERT_PTR_NOT_NULL(schema);
        }
    }
}

/* --- check --qemu STREAM --layouts builtin --------------------------- */

/* Writes pc-nodefaults.mig with its vmdesc changed by @edit to a
 * temporary file; returns its path. */
static void edit_rtc_version(QList *devices);

static char *stream_with_vmdesc(void (*edit)(QList *devices))
{
    g_autoptr(GBytes) bytes = read_stream("pc-nodefaults");
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) desc = NULL;
    g_autoptr(GString) text = NULL;
    g_autoptr(GByteArray) out = g_byte_array_new();
    char *path = NULL;
    size_t len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    size_t cut = test_qemu_stripped_len(data, len);
    uint8_t head[5] = { 0x06 };
    int fd;

    desc = qobject_from_json_full((const char *)data + cut + 5,
                                  len - cut - 5, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(desc);
    edit(qobject_to(QList, qdict_get(qobject_to(QDict, desc), "devices")));
    text = qobject_to_json(desc);
    head[1] = text->len >> 24;
    head[2] = text->len >> 16;
    head[3] = text->len >> 8;
    head[4] = text->len;
    g_byte_array_append(out, data, cut);
    if (edit == edit_rtc_version) {
        /* The section says so too: the reader refuses a section whose
         * version its vmdesc entry does not describe. */
        static const char rtc[] = "\x0bmc146818rtc";
        uint8_t *at = memmem(out->data, out->len, rtc, sizeof(rtc) - 1);

        CU_ASSERT_PTR_NOT_NULL_FATAL(at);
        at[sizeof(rtc) - 1 + 4 + 3] = 4;    /* after the be32 instance */
    }
    g_byte_array_append(out, head, 5);
    g_byte_array_append(out, (const uint8_t *)text->str, text->len);
    fd = g_file_open_tmp("qvisit-check-XXXXXX.mig", &path, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    CU_ASSERT_TRUE(g_file_set_contents(path, (const char *)out->data,
                                       out->len, NULL));
    close(fd);
    return path;
}

static QDict *device_entry(QList *devices, const char *name)
{
    for (size_t i = 0; i < qlist_size(devices); i++) {
        QDict *d = qobject_to(QDict, qlist_get(devices, i));
        QString *n = qobject_to(QString, qdict_get(d, "name"));

        if (n && !strcmp(qstring_get_str(n), name)) {
            return d;
        }
    }
    CU_FAIL_FATAL("no such device in the vmdesc");
    return NULL;
}

static QDict *field_entry(QDict *vmsd, const char *name)
{
    QList *fields = qobject_to(QList, qdict_get(vmsd, "fields"));

    for (size_t i = 0; i < qlist_size(fields); i++) {
        QDict *f = qobject_to(QDict, qlist_get(fields, i));
        QString *n = qobject_to(QString, qdict_get(f, "name"));

        if (n && !strcmp(qstring_get_str(n), name)) {
            return f;
        }
    }
    CU_FAIL_FATAL("no such field in the vmdesc");
    return NULL;
}

static void edit_none(QList *devices)
{
    (void)devices;
}

static void edit_rtc_version(QList *devices)
{
    qdict_put_int(device_entry(devices, "mc146818rtc"), "version", 4);
}

static void edit_pit_vmsd_name(QList *devices)
{
    qdict_put_str(device_entry(devices, "i8254"), "vmsd_name", "pit");
}

/* Two u8 fields swapped: the stream decodes, in another order. */
static void edit_pic_order(QList *devices)
{
    QDict *pic = device_entry(devices, "i8259");

    qdict_put_str(field_entry(pic, "irr"), "name", "imr-was-irr");
    qdict_put_str(field_entry(pic, "imr"), "name", "irr");
    qdict_put_str(field_entry(pic, "imr-was-irr"), "name", "imr");
}

/* The first two u32 of apic as one u64. */
static void edit_apic_size(QList *devices)
{
    QDict *apic = device_entry(devices, "apic");
    QDict *f = field_entry(apic, "apicbase");
    QList *fields = qobject_to(QList, qdict_get(apic, "fields"));
    QList *rest = qlist_new();

    /* apicbase as a u64 takes id, arb_id, tpr and the first byte of
     * spurious_vec, which keeps 3 bytes: the payload still adds up, but
     * the walk reads apicbase as a u32. */
    qdict_put_str(f, "type", "uint64");
    qdict_put_int(f, "size", 8);
    for (size_t i = 0; i < qlist_size(fields); i++) {
        QDict *e = qobject_to(QDict, qlist_get(fields, i));
        const char *n = qstring_get_str(qobject_to(QString,
                                                   qdict_get(e, "name")));

        if (!strcmp(n, "id") || !strcmp(n, "arb_id") ||
            !strcmp(n, "tpr")) {
            continue;
        }
        if (!strcmp(n, "spurious_vec")) {
            qdict_put_int(e, "size", 3);
            qdict_put_str(e, "type", "buffer");
        }
        qlist_append_obj(rest, qobject_ref(QOBJECT(e)));
    }
    qdict_put_obj(apic, "fields", QOBJECT(rest));
}

static void check_finds_disagreements_with_builtin_layouts(void)
{
    static const struct {
        void (*edit)(QList *devices);
        unsigned ok, differ;
        const char *line;   /* the line that must be there */
    } cases[] = {
        { edit_none, 30, 0,
          "ok: mc146818rtc: vmsd \"mc146818rtc\" version 3 matches the "
          "built-in layout" },
        { edit_rtc_version, 29, 1,
          "differs: version: mc146818rtc: version 4 is outside the "
          "built-in layout's 1..3" },
        { edit_pit_vmsd_name, 29, 1,
          "differs: vmsd-name: i8254: vmsd \"pit\" in the stream, "
          "\"i8254\" in the built-in layout" },
        { edit_pic_order, 29, 1,
          "differs: field: i8259.imr: the built-in layout has \"irr\" "
          "here" },
        { edit_apic_size, 29, 1,
          "differs: walk: apic: the built-in walk does not read the "
          "vmdesc's decode: apic.apicbase: 18365689176021532672 does not fit "
          "u32" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = stream_with_vmdesc(cases[i].edit);
        g_autoptr(GError) err = NULL;
        g_autoptr(GPtrArray) lines = NULL;
        unsigned counts[3];
        bool found = false;

        lines = qemu_devices_check_stream(path, NULL, counts, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(lines);
        CU_ASSERT_EQUAL(counts[QEMU_DEVICES_CHECK_OK], cases[i].ok);
        CU_ASSERT_EQUAL(counts[QEMU_DEVICES_CHECK_DIFFERS], cases[i].differ);
        CU_ASSERT_EQUAL(lines->len, 30);
        for (guint k = 0; k < lines->len; k++) {
            found = found || !strcmp(lines->pdata[k], cases[i].line);
        }
        if (!found) {
            for (guint k = 0; k < lines->len; k++) {
                fprintf(stderr, "%s\n", (char *)lines->pdata[k]);
            }
        }
        CU_ASSERT_TRUE(found);
        g_unlink(path);
    }
}

static void check_needs_a_vmdesc(void)
{
    g_autoptr(GError) err = NULL;
    unsigned counts[3];
    GPtrArray *lines = qemu_devices_check_stream(DATA "pc-suppress-vmdesc.mig",
                                                 NULL, counts, &err);

    CU_ASSERT_PTR_NULL(lines);
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING,
                 "vmdesc: the stream has no description (written with "
                 "suppress-vmdesc=on?); borrow one with --vmdesc");
}

/* The state of the record of @dump whose idstr ends in @suffix. */
static QDict *record_state(QObject *dump, const char *suffix)
{
    QList *records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                                 "records"));

    for (size_t i = 0; records && i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        QString *idstr = qobject_to(QString, qdict_get(rec, "idstr"));

        if (idstr && g_str_has_suffix(qstring_get_str(idstr), suffix)) {
            return qobject_to(QDict, qdict_get(rec, "state"));
        }
    }
    return NULL;
}

/* @name's stream without its vmdesc: its bytes (@len), after a CUnit
 * failure if it cannot be read. */
static uint8_t *stripped_copy(const char *name, size_t *len)
{
    g_autoptr(GBytes) bytes = read_stream(name);
    size_t n;
    const uint8_t *data = g_bytes_get_data(bytes, &n);

    *len = test_qemu_stripped_len(data, n);
    return g_memdup2(data, *len);
}

/*
 * Configuration that a section does not carry, found without a vmdesc:
 * q35-memslots (-m 16M,slots=2,maxmem=64M) has one memory hotplug status
 * struct per DIMM slot in ICH9LPC's "ich9_pm/memhp", two, and
 * pc-memslots (slots=3) three in piix4_pm's; pc-2.3-old's piix4_pm has
 * neither the SMBus state nor the ACPI index (no configuration record: a
 * machine type up to 2.3). They decode as with their vmdesc (the loop
 * over test_qemu_stripped_streams compares every section) and re-encode
 * byte for byte. The machine type decides: a pc-i440fx-7.2 stream
 * relabelled pc-i440fx-6.2 (no ACPI index) or 3.1 (nor SMBus state), or
 * a pc-q35-7.2 one relabelled pc-q35-3.1 (no ich9_smb SMBus state), no
 * longer fits; relabelled pc-i440fx-7.0 it still does.
 */
static void configuration_the_section_does_not_carry(void)
{
    static const struct {
        const char *stream;
        const char *machine;
        const char *error;
    } relabel[] = {
        { "pc-nodefaults", "pc-i440fx-7.0", NULL },
        { "pc-nodefaults", "pc-i440fx-6.2",
          "0000:00:01.3/piix4_pm: missing section footer (got byte 0x00) "
          "at byte 251665" },
        { "pc-nodefaults", "pc-i440fx-3.1",
          "0000:00:01.3/piix4_pm: missing section footer (got byte 0x00) "
          "at byte 251617" },
        { "q35-memslots", "pc-q35-3.1",
          "0000:00:1f.3/ich9_smb: missing section footer (got byte 0x00) "
          "at byte 279492" },
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) dump = NULL;
    g_autoptr(GString) text = NULL;
    g_autofree uint8_t *data = NULL;
    QDict *st, *pm, *sub;
    GPtrArray *lines;
    unsigned counts[3];
    size_t len;

    /* `check --layouts builtin`: QEMU's vmdesc agrees with the walk. */
    lines = qemu_devices_check_stream(DATA "q35-memslots.mig", NULL, counts,
                                      &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lines);
    CU_ASSERT_EQUAL(counts[QEMU_DEVICES_CHECK_OK], 29);
    CU_ASSERT_EQUAL(counts[QEMU_DEVICES_CHECK_DIFFERS], 0);
    CU_ASSERT_EQUAL(counts[QEMU_DEVICES_CHECK_UNCHECKED], 0);
    g_ptr_array_unref(lines);

    data = stripped_copy("q35-memslots", &len);
    dump = dump_builtin(data, len, false, true, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    st = record_state(dump, "/ICH9LPC");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    pm = qobject_to(QDict, qdict_get(st, "pm"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(pm);
    sub = qobject_to(QDict, qdict_get(pm, "ich9_pm/memhp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    text = qobject_to_json(QOBJECT(sub));
    CU_ASSERT_STRING_EQUAL(text->str,
        "{\"acpi_memory_hotplug\":{\"selector\":0,\"devs\":["
        "{\"is_enabled\":false,\"is_inserting\":false,\"ost_event\":0,"
        "\"ost_status\":0},"
        "{\"is_enabled\":false,\"is_inserting\":false,\"ost_event\":0,"
        "\"ost_status\":0}]}}");
    assert_encodes_to(dump, data, len);
    qobject_unref(dump);
    dump = NULL;
    g_clear_pointer(&data, g_free);

    data = stripped_copy("pc-2.3-old", &len);
    dump = dump_builtin(data, len, false, true, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    st = record_state(dump, "/piix4_pm");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_FALSE(qdict_haskey(st, "smb"));
    CU_ASSERT_FALSE(qdict_haskey(st, "acpi_pci_hotplug.acpi_index"));
    CU_ASSERT_TRUE(qdict_haskey(st, "acpi_pci_hotplug.hotplug_select"));
    assert_encodes_to(dump, data, len);
    qobject_unref(dump);
    dump = NULL;
    g_clear_pointer(&data, g_free);

    data = stripped_copy("pc-memslots", &len);
    dump = dump_builtin(data, len, false, true, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    st = record_state(dump, "/piix4_pm");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    sub = qobject_to(QDict, qdict_get(st, "piix4_pm/memhp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    g_string_free(text, true);
    text = qobject_to_json(QOBJECT(sub));
    CU_ASSERT_STRING_EQUAL(text->str,
        "{\"acpi_memory_hotplug\":{\"selector\":0,\"devs\":["
        "{\"is_enabled\":false,\"is_inserting\":false,\"ost_event\":0,"
        "\"ost_status\":0},"
        "{\"is_enabled\":false,\"is_inserting\":false,\"ost_event\":0,"
        "\"ost_status\":0},"
        "{\"is_enabled\":false,\"is_inserting\":false,\"ost_event\":0,"
        "\"ost_status\":0}]}}");
    assert_encodes_to(dump, data, len);
    qobject_unref(dump);
    dump = NULL;
    g_clear_pointer(&data, g_free);

    for (size_t i = 0; i < G_N_ELEMENTS(relabel); i++) {
        size_t mlen = strlen(relabel[i].machine);

        data = stripped_copy(relabel[i].stream, &len);
        /* The configuration record after the 8-byte header: 0x07, be32
         * length, the machine type (as long as the new one). */
        CU_ASSERT_EQUAL_FATAL(data[12], mlen);
        memcpy(data + 13, relabel[i].machine, mlen);
        dump = dump_builtin(data, len, false, true, &err);
        if (relabel[i].error) {
            CU_ASSERT_PTR_NULL(dump);
            ASSERT_ERROR(err, QVISIT_ERROR_PARSE, relabel[i].error);
            g_clear_error(&err);
        } else {
            ASSERT_NO_ERROR(err);
            CU_ASSERT_PTR_NOT_NULL(dump);
            CU_ASSERT_TRUE(dump &&
                           qdict_haskey(record_state(dump, "/piix4_pm"),
                                        "acpi_pci_hotplug.acpi_index"));
        }
        qobject_unref(dump);
    dump = NULL;
        g_clear_pointer(&data, g_free);
    }
}

static const TestCase tests[] = {
    { "configuration_the_section_does_not_carry",
      configuration_the_section_does_not_carry },
    { "stripped_streams_decode_as_with_their_vmdesc",
      stripped_streams_decode_as_with_their_vmdesc },
    { "stripped_streams_reencode_byte_for_byte",
      stripped_streams_reencode_byte_for_byte },
    { "stripped_streams_summarise_as_with_their_vmdesc",
      stripped_streams_summarise_as_with_their_vmdesc },
    { "stripped_summary_needs_partial_for_unknown_sections",
      stripped_summary_needs_partial_for_unknown_sections },
    { "every_known_section_decodes_and_reencodes_alone",
      every_known_section_decodes_and_reencodes_alone },
    { "suppress_vmdesc_stream_decodes_as_with_borrowed_vmdesc",
      suppress_vmdesc_stream_decodes_as_with_borrowed_vmdesc },
    { "unknown_section_is_skipped_to_its_footer",
      unknown_section_is_skipped_to_its_footer },
    { "footer_search_accepts_a_following_command",
      footer_search_accepts_a_following_command },
    { "unknown_section_errors", unknown_section_errors },
    { "find_goes_by_last_idstr_component_and_version",
      find_goes_by_last_idstr_component_and_version },
    { "device_input_errors", device_input_errors },
    { "every_device_describes_a_zeroed_state",
      every_device_describes_a_zeroed_state },
    { "check_finds_disagreements_with_builtin_layouts",
      check_finds_disagreements_with_builtin_layouts },
    { "check_needs_a_vmdesc", check_needs_a_vmdesc },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-devices", tests);
}
