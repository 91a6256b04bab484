/*
 * libFuzzer target: the JSON input visitor (json_input_visitor_new() and
 * the QObject input visitor under it).
 *
 * The input is driven as tests/fuzz-harness.h says. A state that loads
 * must save and load again to an equal state.
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-harness.h"

#include <stdio.h>
#include <stdlib.h>

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSink s = { 0 };
    GError *err = NULL;
    bool ok = fuzz_harness_json_visitor(data, size, &s, &err);

    fuzz_check_result(ok, err);
    if (ok) {
        check_round_trip(&s);
    }
    fuzz_sink_clear(&s);
    return 0;
}
