/*
 * libFuzzer target: the JSON input visitor (json_input_visitor_new() and
 * the QObject input visitor under it).
 *
 * The first input byte picks the walk and the limits; the rest is the JSON
 * text. A state that loads must save and load again to an equal state.
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-sink.h"

#include <stdio.h>
#include <stdlib.h>

static void tight_limits(Visitor *v)
{
    QVisitLimits limits;

    qvisit_limits_init(&limits);
    limits.max_depth = 3;
    limits.max_string_len = 8;
    limits.max_array_len = 4;
    limits.max_alloc = 24;
    visit_set_limits(v, &limits);
}

static void check_round_trip(FuzzSink *s)
{
    g_autoptr(GString) json = g_string_new(NULL);
    Visitor *v = json_output_visitor_new(json, false);
    FuzzSink back = { 0 };
    GError *err = NULL;
    bool ok = fuzz_sink_visit(v, s, &err) && visit_complete(v, &err);

    visit_free(v);
    if (ok) {
        v = json_input_visitor_new(json->str, json->len, &err);
        ok = v && fuzz_sink_visit(v, &back, &err) &&
             visit_complete(v, &err);
        visit_free(v);
    }
    if (!ok || !fuzz_sink_equal(s, &back)) {
        fprintf(stderr, "fuzz: state changed on a JSON round trip: %s (%s)\n",
                json->str, err ? err->message : "not equal");
        abort();
    }
    fuzz_sink_clear(&back);
}

static void fuzz_sink(const char *text, size_t size, bool tight)
{
    FuzzSink s = { 0 };
    GError *err = NULL;
    Visitor *v = json_input_visitor_new(text, size, &err);
    bool ok = v != NULL;

    if (v) {
        if (tight) {
            tight_limits(v);
        }
        ok = fuzz_sink_visit(v, &s, &err) && visit_complete(v, &err);
        visit_free(v);
    }
    fuzz_check_result(ok, err);
    if (ok) {
        check_round_trip(&s);
    }
    fuzz_sink_clear(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    fuzz_sink((const char *)data + 1, size - 1, data[0] & 1);
    return 0;
}
