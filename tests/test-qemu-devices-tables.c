/*
 * The built-in QEMU devices written as field tables (mc146818rtc.c,
 * serial.c, e1000.c in examples/qemu-devices/): the parts of their
 * VMStateDescriptions the stream corpus does not reach. A subsection
 * present in the payload decodes to its member and re-encodes as QEMU's
 * record; the older versions' layouts (QEMU's _V fields and
 * VMSTATE_UNUSED_TEST) decode and re-encode; a subsection's version
 * above the table's is a version error naming it.
 */
#include <string.h>

#include "examples/qemu-devices/qemu-devices.h"
#include "tests/test-util.h"

/* Decodes @len bytes as section @idstr at @version, checks that exactly
 * they were read and that the state re-encodes to them; the state's
 * JSON text, or NULL with @errp set. */
static char *round_trip(const char *idstr, uint32_t version,
                        const uint8_t *payload, size_t len, GError **errp)
{
    const QemuDevice *dev = qemu_devices_find(idstr, version);
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(QDict) state = NULL;
    g_autoptr(GString) text = NULL;
    QEMUFile *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    f = qemu_fopen_mem(payload, len);
    state = qemu_device_decode(dev, idstr, version, f, NULL, errp);
    CU_ASSERT_TRUE(!state || qemu_file_transferred(f) == len);
    qemu_fclose(f);
    if (!state) {
        return NULL;
    }
    f = qemu_fopen_bytearray(out);
    CU_ASSERT_TRUE(qemu_device_encode(dev, idstr, version, state, f, errp));
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    ASSERT_BYTES_EQUAL(out->data, out->len, payload, len);
    text = qobject_to_json(QOBJECT(state));
    return g_strdup(text->str);
}

/* QEMU's subsection record: 0x05, u8-counted name, be32 version. */
static void put_record(GByteArray *b, const char *name, uint32_t version)
{
    uint8_t head[2] = { 0x05, (uint8_t)strlen(name) };
    uint8_t ver[4] = { version >> 24, version >> 16, version >> 8, version };

    g_byte_array_append(b, head, 2);
    g_byte_array_append(b, (const uint8_t *)name, strlen(name));
    g_byte_array_append(b, ver, 4);
}

#define RTC_SUB "mc146818rtc/irq_reinject_on_ack_count"

/* The rtc's v3 payload (245 bytes, cmos_data[0] = 0x47, update_timer -1)
 * with the reinjection subsection of count 7 when @sub. */
static GByteArray *rtc_payload(bool sub)
{
    GByteArray *b = g_byte_array_new();
    uint8_t fields[245] = { 0x47 };

    /* update_timer: after 128 + 1 + 28 + 8 + 8 + 24 + 4 + 4 + 8 + 8 + 8. */
    memset(fields + 229, 0xff, 8);
    g_byte_array_append(b, fields, sizeof(fields));
    if (sub) {
        put_record(b, RTC_SUB, 1);
        g_byte_array_append(b, (const uint8_t *)"\0\x07", 2);
    }
    return b;
}

static void rtc_subsection_decodes_and_reencodes(void)
{
    g_autoptr(GByteArray) b = rtc_payload(true);
    g_autofree char *json = NULL;
    GError *err = NULL;

    json = round_trip("mc146818rtc", 3, b->data, b->len, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(json);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, ",\"update_timer\":-1,"
                                        "\"next_alarm_time\":0,\""
                                        RTC_SUB "\":"
                                        "{\"irq_reinject_on_ack_count\":"
                                        "7}}"));
}

/* Version 1 has neither the v2 nor the v3 fields: 197 bytes, with the
 * two unused runs "unused[0]" and "unused[1]". */
static void rtc_version_1_has_no_v2_or_v3_fields(void)
{
    g_autoptr(GByteArray) b = rtc_payload(false);
    g_autofree char *json = NULL;
    GError *err = NULL;

    json = round_trip("mc146818rtc", 1, b->data, 197, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(json);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, ",\"cmos_index\":0,\"unused[0]\":"
                                        "\"00000000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, ",\"next_periodic_time\":0,"
                                        "\"unused[1]\":\"00000000"));
    CU_ASSERT_PTR_NULL(strstr(json, "irq_coalesced"));
    CU_ASSERT_PTR_NULL(strstr(json, "base_rtc"));
}

/* The v1 e1000 has the old instance id, "unused[0]", after the PCI
 * device (4 + 256 + 16 bytes): the v2 payload of the committed case with
 * four bytes put in. */
static void e1000_version_1_has_the_old_instance_id(void)
{
    g_autoptr(GBytes) v2 = test_read_file("tests/data/qemu-devices/"
                                          "pc-2.3-e1000-e1000/payload");
    g_autoptr(GByteArray) v1 = g_byte_array_new();
    gsize len;
    const uint8_t *data = g_bytes_get_data(v2, &len);
    g_autofree char *json = NULL;
    GError *err = NULL;

    CU_ASSERT_FATAL(len > 276);
    g_byte_array_append(v1, data, 276);
    g_byte_array_append(v1, (const uint8_t *)"\0\0\0\0", 4);
    g_byte_array_append(v1, data + 276, len - 276);
    json = round_trip("0000:00:02.0/e1000", 1, v1->data, v1->len, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(json);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "},\"unused[0]\":\"00000000\","
                                        "\"unused[1]\":\"00000000\","
                                        "\"rxbuf_size\":"));
    g_free(json);
    json = round_trip("0000:00:02.0/e1000", 2, data, len, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(json);
    CU_ASSERT_PTR_NULL(strstr(json, "unused[0]"));
}

/* A subsection newer than the table reads is refused with its path. */
static void serial_subsection_too_new_is_a_version_error(void)
{
    /* divider .. fcr_vmstate: 11 bytes, then "serial/tsr" version 2. */
    g_autoptr(GByteArray) b = g_byte_array_new();
    uint8_t fields[11] = { 0, 12 };
    GError *err = NULL;

    g_byte_array_append(b, fields, sizeof(fields));
    put_record(b, "serial/tsr", 2);
    g_byte_array_append(b, (const uint8_t *)"\0\0\0\0\0\0", 6);
    CU_ASSERT_PTR_NULL(round_trip("serial", 3, b->data, b->len, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION,
                 "serial.state.serial/tsr: subsection version 2 is newer "
                 "than 1, the newest this walk reads");
}

static const TestCase tests[] = {
    { "rtc_subsection_decodes_and_reencodes",
      rtc_subsection_decodes_and_reencodes },
    { "rtc_version_1_has_no_v2_or_v3_fields", rtc_version_1_has_no_v2_or_v3_fields },
    { "e1000_version_1_has_the_old_instance_id",
      e1000_version_1_has_the_old_instance_id },
    { "serial_subsection_too_new_is_a_version_error",
      serial_subsection_too_new_is_a_version_error },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-devices-tables", tests);
}
