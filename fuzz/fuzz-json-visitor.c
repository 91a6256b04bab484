/*
 * libFuzzer target: the JSON input visitor (json_input_visitor_new() and
 * the QObject input visitor under it) walking the example devices and the
 * every-call walk.
 *
 * The input is driven as tests/fuzz-harness.h says. A state that loads
 * must save and load again to an equal state.
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-harness.h"

#include <stdio.h>
#include <stdlib.h>

static void check_round_trip(const uint8_t sel, FuzzLoaded *l)
{
    g_autoptr(GString) json = g_string_new(NULL);
    Visitor *v = json_output_visitor_new(json, false);
    FuzzLoaded back;
    GError *err = NULL;
    bool ok = fuzz_loaded_visit(l, v, &err) && visit_complete(v, &err);

    visit_free(v);
    fuzz_loaded_init(&back, sel);
    if (ok) {
        v = json_input_visitor_new(json->str, json->len, &err);
        ok = v && fuzz_loaded_visit(&back, v, &err) &&
             visit_complete(v, &err);
        visit_free(v);
    }
    if (!ok || !fuzz_loaded_equal(l, &back)) {
        fprintf(stderr, "fuzz: state changed on a JSON round trip: %s (%s)\n",
                json->str, err ? err->message : "not equal");
        abort();
    }
    fuzz_loaded_clear(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzLoaded l;
    GError *err = NULL;
    bool ok = fuzz_harness_json_visitor(data, size, &l, &err);

    fuzz_check_result(ok, err);
    if (ok) {
        check_round_trip(data[0], &l);
    }
    fuzz_loaded_clear(&l);
    return 0;
}
