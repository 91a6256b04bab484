/*
 * libFuzzer target: the self-describing binary reader: binary_decode() of
 * any document, and binary_input_visitor_new() walking the every-call walk
 * and the example devices (selector byte as in tests/fuzz-harness.h).
 *
 * Oracles: a decoded document's size is within the input; a state that
 * loads writes a document that loads back to an equal state.
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-harness.h"

#include <stdio.h>
#include <stdlib.h>

static void check_round_trip(uint8_t sel, FuzzLoaded *l)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    Visitor *v = binary_output_visitor_new(out);
    FuzzLoaded back;
    GError *err = NULL;
    bool ok = fuzz_loaded_visit(l, v, &err) && visit_complete(v, &err);

    visit_free(v);
    g_byte_array_prepend(out, &sel, 1);
    ok = ok && fuzz_harness_binary_visitor(out->data, out->len, &back, &err);
    if (!ok || !fuzz_loaded_equal(l, &back)) {
        fprintf(stderr, "fuzz: state changed on a binary round trip (%s)\n",
                err ? err->message : "not equal");
        abort();
    }
    fuzz_loaded_clear(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzLoaded l;
    GError *err = NULL;
    size_t consumed;
    QObject *obj = fuzz_harness_binary_decode(data, size, &consumed, &err);
    bool ok;

    fuzz_check_result(obj != NULL, err);
    if (obj && consumed > size - 1) {
        fprintf(stderr, "fuzz: document of %zu bytes in %zu\n", consumed,
                size - 1);
        abort();
    }
    qobject_unref(obj);

    err = NULL;
    ok = fuzz_harness_binary_visitor(data, size, &l, &err);
    fuzz_check_result(ok, err);
    if (ok) {
        check_round_trip(data[0] & ~1, &l);
    }
    fuzz_loaded_clear(&l);
    return 0;
}
