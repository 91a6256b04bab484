/*
 * Fault injection: every cut and every single-bit flip of a representative
 * stream in each format gives either a clean QVISIT_ERROR or (where the
 * format carries no redundancy) a successful load of a consistent state;
 * never a crash, a critical, a leak or an error outside the domain.
 */
#include <string.h>

#include "tests/fuzz-harness.h"
#include "tests/test-util.h"

/* A clean failure: one error, in our domain, one non-empty line. */
static bool clean_error(GError *err)
{
    return err && err->domain == QVISIT_ERROR && err->message[0] &&
           !strchr(err->message, '\n');
}

/* ---- the QEMUFile binary encoding of a walk ---- */

static GByteArray *sink_to_binary(FuzzSink *s)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    g_autoptr(GError) err = NULL;

    CU_ASSERT_TRUE(fuzz_sink_visit(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    return out;
}

static bool sink_from_binary(const uint8_t *data, size_t len, FuzzSink *s,
                             GError **errp)
{
    QEMUFile *f = qemu_fopen_mem(data, len);
    Visitor *v = qemu_file_input_visitor_new(f);
    bool ok = fuzz_sink_visit(v, s, errp) && visit_complete(v, errp);

    visit_free(v);
    qemu_fclose(f);
    return ok;
}

static void binary_walk_truncated_anywhere_is_truncated_error(void)
{
    FuzzSink s;
    g_autoptr(GByteArray) bytes = NULL;
    size_t bad = 0;

    fuzz_sink_example(&s);
    bytes = sink_to_binary(&s);
    for (size_t cut = 0; cut < bytes->len; cut++) {
        FuzzSink back = { 0 };
        g_autoptr(GError) err = NULL;
        g_autofree char *want = g_strdup_printf("truncated at byte %zu",
                                                cut);

        if (sink_from_binary(bytes->data, cut, &back, &err) ||
            !clean_error(err) || err->code != QVISIT_ERROR_TRUNCATED ||
            !g_str_has_prefix(err->message, "sink.") ||
            !strstr(err->message, want)) {
            fprintf(stderr, "cut at %zu: %s\n", cut,
                    err ? err->message : "loaded");
            bad++;
        }
        fuzz_sink_clear(&back);
    }
    CU_ASSERT_EQUAL(bad, 0);
    fuzz_sink_clear(&s);
}

static void binary_walk_bit_flips_load_consistently_or_fail_cleanly(void)
{
    FuzzSink s;
    g_autoptr(GByteArray) bytes = NULL;
    size_t bad = 0, failed = 0;

    fuzz_sink_example(&s);
    bytes = sink_to_binary(&s);
    for (size_t bit = 0; bit < bytes->len * 8; bit++) {
        g_autofree uint8_t *copy = g_memdup2(bytes->data, bytes->len);
        FuzzSink back = { 0 };
        g_autoptr(GError) err = NULL;

        copy[bit / 8] ^= 1u << (bit % 8);
        if (sink_from_binary(copy, bytes->len, &back, &err)) {
            /* No redundancy in this format: a flip may load another
             * value, but what loaded must write the same bytes back. */
            g_autoptr(GByteArray) again = sink_to_binary(&back);

            if (again->len > bytes->len ||
                memcmp(again->data, copy, again->len)) {
                fprintf(stderr, "flip %zu: loaded state not canonical\n",
                        bit);
                bad++;
            }
        } else if (!clean_error(err)) {
            bad++;
        } else {
            failed++;
        }
        fuzz_sink_clear(&back);
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* Flips in bools, presence bytes, lengths and UTF-8 must be caught. */
    CU_ASSERT_TRUE(failed > 0);
    fuzz_sink_clear(&s);
}

/* ---- every example device, legacy and visitor loads ---- */

static GByteArray *device_bytes(const ExampleDevice *d, uint64_t seed)
{
    void *state = example_device_state_new(d);
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);

    d->randomize(state, &seed);
    d->save_legacy(f, state);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    example_device_state_free(d, state);
    return out;
}

/* The harness input: selector byte for entry @k in @mode, then @bytes. */
static GByteArray *harness_input(size_t k, FuzzMode mode,
                                 const uint8_t *bytes, size_t len)
{
    GByteArray *in = g_byte_array_new();
    uint8_t sel = (uint8_t)(((k + 1) << 3) | (mode << 1));

    g_byte_array_append(in, &sel, 1);
    g_byte_array_append(in, bytes, len);
    return in;
}

/*
 * Loads @bytes into device entry @k in @mode and checks the outcome:
 * returns 1 for a load, 0 for a clean failure, -1 for a broken contract
 * (an unclean error, or a failed legacy/mid load that wrote the state).
 */
static int device_load(size_t k, FuzzMode mode, const uint8_t *bytes,
                       size_t len, int want_code)
{
    g_autoptr(GByteArray) in = harness_input(k, mode, bytes, len);
    g_autoptr(GError) err = NULL;
    FuzzLoaded l;
    int ret;

    if (fuzz_harness_qemu_file_visitor(in->data, in->len, &l, &err)) {
        ret = 1;
    } else if (!clean_error(err) ||
               (mode != FUZZ_MODE_VISIT && !fuzz_loaded_is_pristine(&l)) ||
               (want_code >= 0 && err->code != want_code)) {
        fprintf(stderr, "%s v%u mode %d: %s\n", l.dev->id, l.dev->version,
                mode, err ? err->message : "no error");
        ret = -1;
    } else {
        ret = 0;
    }
    fuzz_loaded_clear(&l);
    return ret;
}

static void device_streams_cut_anywhere_fail_cleanly(void)
{
    size_t n;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t k = 0; k < n; k++) {
        g_autoptr(GByteArray) bytes = device_bytes(all[k], 11 + k);
        size_t bad = 0;

        for (FuzzMode m = FUZZ_MODE_VISIT; m <= FUZZ_MODE_MID; m++) {
            int code = m == FUZZ_MODE_VISIT ? QVISIT_ERROR_TRUNCATED : -1;

            CU_ASSERT_EQUAL(device_load(k, m, bytes->data, bytes->len,
                                        code), 1);
            for (size_t cut = 0; cut < bytes->len; cut++) {
                bad += device_load(k, m, bytes->data, cut, code) != 0;
            }
        }
        CU_ASSERT_EQUAL(bad, 0);
    }
}

static void device_streams_bit_flips_load_or_fail_cleanly(void)
{
    size_t n;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t k = 0; k < n; k++) {
        g_autoptr(GByteArray) bytes = device_bytes(all[k], 21 + k);
        size_t bad = 0;

        for (size_t i = 0; i < bytes->len; i++) {
            g_autofree uint8_t *copy = g_memdup2(bytes->data, bytes->len);

            /* One flip per byte, walking through the bit positions. */
            copy[i] ^= 1u << (i % 8);
            for (FuzzMode m = FUZZ_MODE_VISIT; m <= FUZZ_MODE_MID; m++) {
                bad += device_load(k, m, copy, bytes->len, -1) < 0;
            }
        }
        CU_ASSERT_EQUAL(bad, 0);
    }
}

/* ---- JSON ---- */

static GString *sink_to_json(FuzzSink *s)
{
    GString *out = g_string_new(NULL);
    Visitor *v = json_output_visitor_new(out, true);
    g_autoptr(GError) err = NULL;

    CU_ASSERT_TRUE(fuzz_sink_visit(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    return out;
}

static bool sink_from_json(const char *text, size_t len, FuzzSink *s,
                           GError **errp)
{
    Visitor *v = json_input_visitor_new(text, len, errp);
    bool ok = v && fuzz_sink_visit(v, s, errp) && visit_complete(v, errp);

    visit_free(v);
    return ok;
}

static void json_truncated_anywhere_is_parse_error(void)
{
    FuzzSink s;
    g_autoptr(GString) json = NULL;
    size_t bad = 0;

    fuzz_sink_example(&s);
    json = sink_to_json(&s);
    for (size_t cut = 0; cut < json->len; cut++) {
        FuzzSink back = { 0 };
        g_autoptr(GError) err = NULL;

        if (sink_from_json(json->str, cut, &back, &err) ||
            !clean_error(err) || err->code != QVISIT_ERROR_PARSE) {
            fprintf(stderr, "cut at %zu: %s\n", cut,
                    err ? err->message : "loaded");
            bad++;
        }
        fuzz_sink_clear(&back);
    }
    CU_ASSERT_EQUAL(bad, 0);
    fuzz_sink_clear(&s);
}

static void json_bit_flips_load_consistently_or_fail_cleanly(void)
{
    FuzzSink s;
    g_autoptr(GString) json = NULL;
    size_t bad = 0;

    fuzz_sink_example(&s);
    json = sink_to_json(&s);
    for (size_t bit = 0; bit < json->len * 8; bit++) {
        g_autofree char *copy = g_strndup(json->str, json->len);
        FuzzSink back = { 0 };
        g_autoptr(GError) err = NULL;

        copy[bit / 8] ^= 1u << (bit % 8);
        if (sink_from_json(copy, json->len, &back, &err)) {
            /* A flip in a digit or a letter of a string loads another
             * value; it must survive a round trip like any state. */
            g_autoptr(GString) again = sink_to_json(&back);
            FuzzSink third = { 0 };
            g_autoptr(GError) err2 = NULL;

            if (!sink_from_json(again->str, again->len, &third, &err2) ||
                !fuzz_sink_equal(&back, &third)) {
                fprintf(stderr, "flip %zu: state changed on reload\n", bit);
                bad++;
            }
            g_clear_error(&err2);
            fuzz_sink_clear(&third);
        } else if (!clean_error(err)) {
            bad++;
        }
        fuzz_sink_clear(&back);
    }
    CU_ASSERT_EQUAL(bad, 0);
    fuzz_sink_clear(&s);
}

static const TestCase tests[] = {
    { "binary_walk_truncated_anywhere_is_truncated_error",
      binary_walk_truncated_anywhere_is_truncated_error },
    { "binary_walk_bit_flips_load_consistently_or_fail_cleanly",
      binary_walk_bit_flips_load_consistently_or_fail_cleanly },
    { "device_streams_cut_anywhere_fail_cleanly",
      device_streams_cut_anywhere_fail_cleanly },
    { "device_streams_bit_flips_load_or_fail_cleanly",
      device_streams_bit_flips_load_or_fail_cleanly },
    { "json_truncated_anywhere_is_parse_error",
      json_truncated_anywhere_is_parse_error },
    { "json_bit_flips_load_consistently_or_fail_cleanly",
      json_bit_flips_load_consistently_or_fail_cleanly },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("faults", tests);
}
