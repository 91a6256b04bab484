/*
 * The built-in QEMU devices of examples/qemu-devices/ that describe the
 * sections of the PC's and q35's CPUs, input, firmware, PCI, IDE, AHCI,
 * power management, UART, NIC, USB and other devices (cpu.c, ps2.c, pckbd.c,
 * port92.c, fw-cfg.c, pci.c, i440fx.c, piix3.c, ide.c, ich9-ahci.c,
 * piix4-pm.c, q35.c, pc-misc.c, serial.c, e1000.c, rtl8139.c, usb.c,
 * xhci.c, vmmouse.c), section by section:
 *
 *  - every section of those devices in the streams of tests/data/qemu,
 *    and every case of tests/data/qemu-devices (sections of streams made
 *    by make-cases.sh with state QEMU sends only when it is not idle:
 *    subsections, old machine types), decodes through the device's walk
 *    without the vmdesc to exactly the state the vmdesc-based decode
 *    gives (same members, order and values), consuming exactly the
 *    payload;
 *  - that state re-encodes to the payload's bytes;
 *  - older versions, bad subsection versions, counts over their bound
 *    and cut payloads give the values or the exact errors below.
 */
#include <string.h>

#include "examples/qemu-devices/qemu-devices.h"
#include "tests/test-util.h"

#define STREAMS "tests/data/qemu/"
#define CASES "tests/data/qemu-devices/"

/* The devices of this suite: the last component of their idstr. */
static const char *const suite_devices[] = {
    "ps2kbd", "ps2mouse", "pckbd", "port92", "fw_cfg", "PCIHost", "PCIBUS",
    "I440FX", "PIIX3", "serial", "e1000", "vmmouse", "ide", "piix4_pm",
    "pcspk", "i2c_bus", "acpi_build", "kvm-tpr-opt", "mch", "ICH9LPC",
    "ich9_smb", "cpu", "ich9_ahci", "rtl8139", "uhci", "usb-ptr",
    "usb-kbd", "isa-ide", "xhci", NULL,
};

static bool suite_device(const char *idstr)
{
    const char *slash = strrchr(idstr, '/');
    const char *name = slash ? slash + 1 : idstr;

    for (size_t i = 0; suite_devices[i]; i++) {
        if (!strcmp(name, suite_devices[i])) {
            return true;
        }
    }
    return false;
}

/* The JSON text of @obj; member order matters, as in the dump. */
static char *json_text(const QObject *obj)
{
    g_autoptr(GString) s = qobject_to_json(obj);

    return g_strdup(s->str);
}

/*
 * Decodes @len bytes at @payload (possibly followed by more bytes) as
 * section @idstr at @version; returns the state and sets *@consumed.
 */
static QDict *decode(const char *idstr, uint32_t version,
                     const uint8_t *payload, size_t len, uint64_t *consumed,
                     GError **errp)
{
    const QemuDevice *dev = qemu_devices_find(idstr, version);
    QEMUFile *f;
    QDict *state;

    if (!dev) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "%s: no built-in device at version %u", idstr, version);
        return NULL;
    }
    f = qemu_fopen_mem(payload, len);
    state = qemu_device_decode(dev, idstr, version, f, NULL, errp);
    if (consumed) {
        *consumed = qemu_file_transferred(f);
    }
    qemu_fclose(f);
    return state;
}

/* Encodes @state as section @idstr at @version; the bytes, or NULL. */
static GByteArray *encode(const char *idstr, uint32_t version, QDict *state,
                          GError **errp)
{
    const QemuDevice *dev = qemu_devices_find(idstr, version);
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f;
    bool ok;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    f = qemu_fopen_bytearray(out);
    ok = qemu_device_encode(dev, idstr, version, state, f, errp);
    if (qemu_fclose(f) < 0 && ok) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO, "close failed");
        ok = false;
    }
    return ok ? g_steal_pointer(&out) : NULL;
}

/*
 * Checks one section: @payload decodes (without reading past @len) to
 * @want's JSON text, and @want re-encodes to the @len bytes.
 */
static void check_section(const char *where, const char *idstr,
                          uint32_t version, const uint8_t *payload,
                          size_t len, size_t avail, QObject *want)
{
    g_autoptr(QDict) got = NULL;
    g_autoptr(GByteArray) bytes = NULL;
    g_autofree char *got_text = NULL;
    g_autofree char *want_text = json_text(want);
    GError *err = NULL;
    uint64_t consumed = 0;

    got = decode(idstr, version, payload, avail, &consumed, &err);
    if (err) {
        printf("\n%s: %s\n", where, err->message);
    }
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    got_text = json_text(QOBJECT(got));
    if (strcmp(got_text, want_text) != 0) {
        printf("\n%s: decoded\n%s\nexpected\n%s\n", where, got_text,
               want_text);
    }
    CU_ASSERT_STRING_EQUAL(got_text, want_text);
    CU_ASSERT_EQUAL(consumed, len);

    bytes = encode(idstr, version, qobject_to(QDict, want), &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    ASSERT_BYTES_EQUAL(bytes->data, bytes->len, payload, len);
}

/* The bytes of a FULL record's header: type, id, idstr, instance, version. */
static GByteArray *full_header(uint32_t section_id, const char *idstr,
                               uint32_t instance_id, uint32_t version_id)
{
    GByteArray *h = g_byte_array_new();
    uint8_t b[4];
    uint8_t n = (uint8_t)strlen(idstr);

    b[0] = 0x04;
    g_byte_array_append(h, b, 1);
    b[0] = section_id >> 24, b[1] = section_id >> 16;
    b[2] = section_id >> 8, b[3] = section_id;
    g_byte_array_append(h, b, 4);
    g_byte_array_append(h, &n, 1);
    g_byte_array_append(h, (const uint8_t *)idstr, n);
    b[0] = instance_id >> 24, b[1] = instance_id >> 16;
    b[2] = instance_id >> 8, b[3] = instance_id;
    g_byte_array_append(h, b, 4);
    b[0] = version_id >> 24, b[1] = version_id >> 16;
    b[2] = version_id >> 8, b[3] = version_id;
    g_byte_array_append(h, b, 4);
    return h;
}

static const char *dict_str(QDict *d, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(d, key));

    return s ? qstring_get_str(s) : "";
}

static int64_t dict_int(QDict *d, const char *key)
{
    QNum *n = qobject_to(QNum, qdict_get(d, key));
    int64_t v = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_TRUE(qnum_get_try_int(n, &v));
    return v;
}

/* The FULL records of a stream's native dump with where their payloads
 * are: the header found at or after the previous record's end, the
 * payload up to the next record's header (or the EOF byte), less the
 * footer. */
typedef struct Section {
    QDict *rec;
    size_t start;
    size_t end;
} Section;

static GArray *stream_sections(const uint8_t *data, size_t len, QDict *dump)
{
    QList *records = qobject_to(QList, qdict_get(dump, "records"));
    QString *vmdesc = qobject_to(QString, qdict_get(dump, "vmdesc"));
    GArray *secs = g_array_new(false, true, sizeof(Section));
    size_t pos = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(records);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vmdesc);
    for (size_t r = 0; r < qlist_size(records); r++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, r));
        g_autoptr(GByteArray) head = NULL;
        const uint8_t *at;
        Section sec = { .rec = rec };

        if (strcmp(dict_str(rec, "type"), "FULL") != 0) {
            continue;
        }
        head = full_header((uint32_t)dict_int(rec, "section_id"),
                           dict_str(rec, "idstr"),
                           (uint32_t)dict_int(rec, "instance_id"),
                           (uint32_t)dict_int(rec, "version_id"));
        at = memmem(data + pos, len - pos, head->data, head->len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(at);
        if (secs->len) {
            g_array_index(secs, Section, secs->len - 1).end =
                (size_t)(at - data);
        }
        sec.start = (size_t)(at - data) + head->len;
        pos = sec.start;
        g_array_append_val(secs, sec);
    }
    /* The last one ends at the EOF byte, before the vmdesc record. */
    g_array_index(secs, Section, secs->len - 1).end =
        len - 1 - 5 - strlen(qstring_get_str(vmdesc));
    for (size_t i = 0; i < secs->len; i++) {
        Section *sec = &g_array_index(secs, Section, i);
        uint32_t id = (uint32_t)dict_int(sec->rec, "section_id");
        const uint8_t *f = data + sec->end - 5;

        if (f[0] == 0x7e && f[1] == (uint8_t)(id >> 24) &&
            f[2] == (uint8_t)(id >> 16) && f[3] == (uint8_t)(id >> 8) &&
            f[4] == (uint8_t)id) {
            sec->end -= 5;
        }
    }
    return secs;
}

/*
 * Every section of the suite's devices in the corpus streams: found by
 * its record header, decoded without the vmdesc, compared with the
 * vmdesc-based dump's state, re-encoded.
 */
static void corpus_sections_decode_without_the_vmdesc(void)
{
    static const char *const streams[] = {
        "pc-nodefaults", "pc-e1000", "q35-smp2-xhci-virtio", "pc-2.3-old",
        "pc-compress", "pc-ignore-shared", "pc-serial-nic-usb",
        "pc-icount", "pc-running-smp4", "isapc-running", NULL,
    };
    unsigned checked = 0;

    for (size_t i = 0; streams[i]; i++) {
        g_autofree char *path = g_strconcat(STREAMS, streams[i], ".mig",
                                            NULL);
        g_autoptr(GBytes) bytes = test_read_file(path);
        size_t len;
        const uint8_t *data = g_bytes_get_data(bytes, &len);
        g_autoptr(QObject) dump = NULL;
        g_autoptr(GArray) secs = NULL;
        GError *err = NULL;

        dump = qemu_stream_dump_path(path, NULL, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
        secs = stream_sections(data, len, qobject_to(QDict, dump));
        for (size_t j = 0; j < secs->len; j++) {
            Section *sec = &g_array_index(secs, Section, j);
            const char *idstr = dict_str(sec->rec, "idstr");
            uint32_t version = (uint32_t)dict_int(sec->rec, "version_id");
            g_autofree char *where = NULL;

            if (!suite_device(idstr)) {
                continue;
            }
            if (!strcmp(streams[i], "pc-2.3-old") &&
                g_str_has_suffix(idstr, "/piix4_pm")) {
                /* pc-i440fx-2.3 migrates no SMBus state and no ACPI
                 * index; alone, without the stream's configuration,
                 * the payload gets the current machine types'. */
                g_autoptr(QDict) got = decode(idstr, version,
                                              data + sec->start,
                                              sec->end - sec->start, NULL,
                                              &err);

                CU_ASSERT_PTR_NULL(got);
                ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                             "0000:00:01.3/piix4_pm.acpi_pci_hotplug."
                             "acpi_pcihp_pci_status[253].up: stream "
                             "truncated at byte 2380");
                continue;
            }
            where = g_strdup_printf("%s: %s", streams[i], idstr);
            check_section(where, idstr, version, data + sec->start,
                          sec->end - sec->start, sec->end - sec->start,
                          qdict_get(sec->rec, "state"));
            checked++;
        }
    }
    /* pc: 17 sections of these devices, plus e1000 or serial, rtl8139,
     * uhci and usb-ptr (pc-serial-nic-usb); q35: xhci, usb-kbd and no
     * I440FX, PIIX3, ide and piix4_pm, plus serial, mch, ICH9LPC,
     * ich9_smb, ich9_ahci and a second cpu; pc-2.3-old: no PCIHost and
     * pcspk, and piix4_pm above; pc-running-smp4: four cpus; isapc: 11
     * (no PCI, ACPI or SMBus; two isa-ide). */
    CU_ASSERT_EQUAL(checked, 173);
}

/* Every case folder of tests/data/qemu-devices. */
static void cases_decode_and_reencode(void)
{
    g_autoptr(GDir) dir = g_dir_open(CASES, 0, NULL);
    const char *name;
    unsigned checked = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    while ((name = g_dir_read_name(dir))) {
        g_autofree char *sec_path = g_strconcat(CASES, name, "/section",
                                                NULL);
        g_autofree char *pay_path = NULL;
        g_autofree char *exp_path = NULL;
        g_autoptr(GBytes) sec = NULL;
        g_autoptr(GBytes) payload = NULL;
        g_autoptr(GBytes) expected = NULL;
        g_autoptr(QObject) want = NULL;
        g_auto(GStrv) words = NULL;
        g_autofree char *line = NULL;
        GError *err = NULL;

        if (!g_file_test(sec_path, G_FILE_TEST_EXISTS)) {
            continue;
        }
        pay_path = g_strconcat(CASES, name, "/payload", NULL);
        exp_path = g_strconcat(CASES, name, "/expected", NULL);
        sec = test_read_file(sec_path);
        payload = test_read_file(pay_path);
        expected = test_read_file(exp_path);
        line = g_strstrip(g_strndup(g_bytes_get_data(sec, NULL),
                                    g_bytes_get_size(sec)));
        words = g_strsplit(line, " ", 3);
        CU_ASSERT_EQUAL_FATAL(g_strv_length(words), 3);
        want = qobject_from_json_full(g_bytes_get_data(expected, NULL),
                                      g_bytes_get_size(expected), NULL,
                                      &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(want);
        check_section(name, words[0], (uint32_t)atoi(words[2]),
                      g_bytes_get_data(payload, NULL),
                      g_bytes_get_size(payload), g_bytes_get_size(payload),
                      want);
        checked++;
    }
    CU_ASSERT_EQUAL(checked, 36);
}

static uint8_t *from_hex(const char *hex, size_t *n)
{
    uint8_t *buf = g_malloc(strlen(hex) / 2 + 1);

    *n = strlen(hex) / 2;
    for (size_t i = 0; i < *n; i++) {
        buf[i] = (uint8_t)(g_ascii_xdigit_value(hex[2 * i]) << 4 |
                           g_ascii_xdigit_value(hex[2 * i + 1]));
    }
    return buf;
}

/*
 * Decodes @hex (payload bytes) as @idstr at @version: the state's JSON
 * text, or NULL with @errp set. On success also checks that the state
 * re-encodes to @reencoded (hex; NULL: @hex itself).
 */
static char *decode_hex(const char *idstr, uint32_t version, const char *hex,
                        const char *reencoded, GError **errp)
{
    size_t n, want_len;
    g_autofree uint8_t *buf = from_hex(hex, &n);
    g_autofree uint8_t *want = from_hex(reencoded ? reencoded : hex,
                                        &want_len);
    g_autoptr(QDict) state = NULL;
    g_autoptr(GByteArray) bytes = NULL;
    uint64_t consumed = 0;

    state = decode(idstr, version, buf, n, &consumed, errp);
    if (!state) {
        return NULL;
    }
    CU_ASSERT_EQUAL(consumed, n);
    bytes = encode(idstr, version, state, errp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    ASSERT_BYTES_EQUAL(bytes->data, bytes->len, want, want_len);
    return json_text(QOBJECT(state));
}

/* 256 zero bytes of the PS/2 queue, as hex. */
#define Z16 "00000000000000000000000000000000"
#define Z256 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16

/* PS2 Common State: write_cmd -1, rptr 0, wptr 0, count 0, queue. */
#define PS2_COMMON "ffffffff" "00000000" "00000000" "00000000" Z256
#define PS2_COMMON_JSON \
    "{\"write_cmd\":-1,\"queue.rptr\":0,\"queue.wptr\":0," \
    "\"queue.count\":0,\"queue.data\":\"" Z256 "\"}"

static void older_versions_leave_out_their_fields(void)
{
    static const struct {
        const char *idstr;
        uint32_t version;
        const char *hex;
        const char *json;
    } cases[] = {
        /* ps2kbd v2: no scancode_set. */
        { "ps2kbd", 2, PS2_COMMON "00000001" "00000000",
          "{\"parent_obj\":" PS2_COMMON_JSON ",\"scan_enabled\":1,"
          "\"translate\":0}" },
        /* fw_cfg v1: the read offset is a u16, "cur_offset[0]". */
        { "fw_cfg", 1, "0019" "0004",
          "{\"cur_entry\":25,\"cur_offset[0]\":4}" },
        { "fw_cfg", 2, "0019" "00000004",
          "{\"cur_entry\":25,\"cur_offset[1]\":4}" },
        /* PCIBUS: a count of 1 is a plain member, 0 none (QEMU's vmdesc
         * has "array_len" only for more than one element). */
        { "PCIBUS", 1, "00000001" "fffffffe",
          "{\"nirq\":1,\"irq_count\":-2}" },
        { "PCIBUS", 1, "00000000", "{\"nirq\":0}" },
        { "PCIBUS", 1, "00000002" "00000001" "80000000",
          "{\"nirq\":2,\"irq_count\":[1,-2147483648]}" },
        /* Subsections are read in the vmsd's order, each at most once. */
        { "ps2kbd", 3, PS2_COMMON "00000001" "00000000" "00000002"
          "05" "0f" "7073326b62642f6c6564737461746500000003" "00000004"
          "05" "1a" "7073326b62642f636f6d6d616e645f7265706c795f7175657565"
          "00000000" "00000005",
          "{\"parent_obj\":" PS2_COMMON_JSON ",\"scan_enabled\":1,"
          "\"translate\":0,\"scancode_set\":2,\"ps2kbd/ledstate\":"
          "{\"ledstate\":4},\"ps2kbd/command_reply_queue\":"
          "{\"parent_obj.queue.cwptr\":5}}" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        g_autofree char *got = decode_hex(cases[i].idstr, cases[i].version,
                                          cases[i].hex, NULL, &err);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(got);
        if (strcmp(got, cases[i].json) != 0) {
            printf("\ncase %zu: %s\n", i, got);
        }
        CU_ASSERT_STRING_EQUAL(got, cases[i].json);
    }
}

/*
 * A subsection at an older version QEMU still reads (ps2kbd/ledstate 2)
 * decodes; the tree keeps no version, so it re-encodes at QEMU 7.2's (3),
 * as a 7.2 source would send the same state.
 */
static void old_subsection_versions_reencode_at_qemus(void)
{
    GError *err = NULL;
    g_autofree char *got = decode_hex(
        "ps2kbd", 3,
        PS2_COMMON "00000001" "00000000" "00000002"
        "05" "0f" "7073326b62642f6c6564737461746500000002" "00000004",
        PS2_COMMON "00000001" "00000000" "00000002"
        "05" "0f" "7073326b62642f6c6564737461746500000003" "00000004",
        &err);

    ASSERT_NO_ERROR(err);
    CU_ASSERT_STRING_EQUAL(got,
        "{\"parent_obj\":" PS2_COMMON_JSON ",\"scan_enabled\":1,"
        "\"translate\":0,\"scancode_set\":2,\"ps2kbd/ledstate\":"
        "{\"ledstate\":4}}");
}

static void bad_payloads_are_errors_with_path_and_offset(void)
{
    static const struct {
        const char *idstr;
        uint32_t version;
        const char *hex;
        int code;
        const char *msg;
    } cases[] = {
        { "PCIBUS", 1, "00000101", QVISIT_ERROR_RANGE,
          "PCIBUS.nirq: expected 0..256, got 257 at byte 0" },
        { "PCIBUS", 1, "ffffffff", QVISIT_ERROR_RANGE,
          "PCIBUS.nirq: expected 0..256, got -1 at byte 0" },
        { "PCIBUS", 1, "00000004" "00000000", QVISIT_ERROR_TRUNCATED,
          "PCIBUS.irq_count[1]: stream truncated at byte 8" },
        { "ps2kbd", 3, PS2_COMMON "00000001" "00000000" "00000002"
          "05" "0f" "7073326b62642f6c6564737461746500000001" "00000004",
          QVISIT_ERROR_VERSION,
          "ps2kbd.ps2kbd/ledstate: subsection version 1 is older than 2, "
          "the oldest this walk reads" },
        { "port92", 1, "", QVISIT_ERROR_TRUNCATED,
          "port92.outport: stream truncated at byte 0" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        g_autofree char *got = decode_hex(cases[i].idstr, cases[i].version,
                                          cases[i].hex, NULL, &err);

        CU_ASSERT_PTR_NULL(got);
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
    }
}

/*
 * cpu: the fields of version 12 (1817 bytes, zeros here), then a
 * subsection of state the walk does not describe (MPX bounds registers):
 * an error naming it, not a misread.
 */
static void cpu_state_it_does_not_describe_is_an_error(void)
{
    g_autofree char *zeros = g_strnfill(2 * 1817, '0');
    /* 0x05, "cpu/mpx", version 1 */
    g_autofree char *hex = g_strconcat(zeros, "05" "07" "6370752f6d7078"
                                       "00000001", NULL);
    GError *err = NULL;
    g_autofree char *got = decode_hex("cpu", 12, hex, NULL, &err);

    CU_ASSERT_PTR_NULL(got);
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "cpu.cpu/mpx: state of a CPU feature the built-in cpu "
                 "does not describe");
}

/*
 * ICH9LPC: the "ich9_pm/cpuhp" subsection, whose length is the number of
 * possible CPUs, inserted where QEMU sends it (before "ich9_pm/pcihp")
 * in a real section: an error naming it.
 */
static void ich9_lpc_cpu_hotplug_state_is_an_error(void)
{
    static const char pcihp[] = "\x05\x0dich9_pm/pcihp";
    static const char cpuhp[] = "\x05\x0dich9_pm/cpuhp\x00\x00\x00\x01";
    g_autoptr(GBytes) payload = test_read_file(CASES "q35-poked-ICH9LPC/"
                                               "payload");
    size_t len;
    const uint8_t *data = g_bytes_get_data(payload, &len);
    const uint8_t *at = memmem(data, len, pcihp, sizeof(pcihp) - 1);
    g_autoptr(GByteArray) edited = g_byte_array_new();
    g_autoptr(QDict) got = NULL;
    GError *err = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    g_byte_array_append(edited, data, (guint)(at - data));
    g_byte_array_append(edited, (const uint8_t *)cpuhp, sizeof(cpuhp) - 1);
    g_byte_array_append(edited, at, (guint)(len - (size_t)(at - data)));
    got = decode("0000:00:1f.0/ICH9LPC", 1, edited->data, edited->len, NULL,
                 &err);
    CU_ASSERT_PTR_NULL(got);
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "0000:00:1f.0/ICH9LPC.pm.ich9_pm/cpuhp: modern CPU hotplug "
                 "state, whose length the built-in ICH9LPC does not know");
}

/*
 * A state made by hand (a zeroed state, or a tree without versions)
 * writes each subsection at the version QEMU 7.2 writes.
 */
static void subsections_without_a_version_are_written_at_qemus(void)
{
    /* "PIIX3/rcr" v1 holding rcr 2, after the fields. */
    static const uint8_t want[] = {
        0x05, 0x09, 'P', 'I', 'I', 'X', '3', '/', 'r', 'c', 'r',
        0x00, 0x00, 0x00, 0x01, 0x02,
    };
    g_autoptr(GString) json = g_string_new(NULL);
    g_autoptr(QObject) tree = NULL;
    g_autoptr(GByteArray) out = NULL;
    GError *err = NULL;
    size_t head = 4 + 256 + 16 + 16;

    g_string_append(json, "{\"dev\": {\"version_id\": 2, "
                    "\"config[0]\": \"");
    for (int i = 0; i < 256; i++) {
        g_string_append(json, "00");
    }
    g_string_append(json, "\", \"irq_state\": \"" Z16 "\"}, "
                    "\"pci_irq_levels_vmstate\": [0, 0, 0, 0], "
                    "\"PIIX3/rcr\": {\"rcr\": 2}}");
    tree = qobject_from_json_full(json->str, -1, NULL, &err);
    ASSERT_NO_ERROR(err);
    out = encode("0000:00:01.0/PIIX3", 3, qobject_to(QDict, tree), &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL_FATAL(out->len, head + sizeof(want));
    ASSERT_BYTES_EQUAL(out->data + head, out->len - head, want,
                       sizeof(want));
}

static const TestCase tests[] = {
    { "corpus_sections_decode_without_the_vmdesc",
      corpus_sections_decode_without_the_vmdesc },
    { "cases_decode_and_reencode", cases_decode_and_reencode },
    { "older_versions_leave_out_their_fields",
      older_versions_leave_out_their_fields },
    { "old_subsection_versions_reencode_at_qemus",
      old_subsection_versions_reencode_at_qemus },
    { "cpu_state_it_does_not_describe_is_an_error",
      cpu_state_it_does_not_describe_is_an_error },
    { "ich9_lpc_cpu_hotplug_state_is_an_error",
      ich9_lpc_cpu_hotplug_state_is_an_error },
    { "bad_payloads_are_errors_with_path_and_offset",
      bad_payloads_are_errors_with_path_and_offset },
    { "subsections_without_a_version_are_written_at_qemus",
      subsections_without_a_version_are_written_at_qemus },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-devices-sections", tests);
}
