/*
 * Fault injection: every cut and every single-bit flip of a representative
 * stream in each format gives either a clean QVISIT_ERROR or (where the
 * format carries no redundancy) a successful load of a consistent state;
 * never a crash, a critical, a leak or an error outside the domain.
 */
#include <string.h>

#include "tests/fuzz-sink.h"
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
