/*
 * libFuzzer target: qobject_from_json_full(), the strict JSON parser.
 *
 * Besides "no crash", every accepted document must survive a round trip:
 * qobject_to_json() of the value parses back to an equal value, which is the
 * parser's exactness promise (issue 2). A second parse with small limits
 * makes the depth, string and array checks reachable with short inputs.
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-harness.h"

#include <stdio.h>
#include <stdlib.h>

static void check_round_trip(const QObject *obj)
{
    g_autoptr(GString) text = qobject_to_json(obj);
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) back = qobject_from_json_full(text->str, text->len,
                                                     NULL, &err);

    if (!back || !qobject_is_equal(obj, back)) {
        fprintf(stderr, "fuzz-json: round trip changed the value: %s (%s)\n",
                text->str, err ? err->message : "not equal");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    QObject *obj;

    obj = fuzz_harness_json(data, size, false, &err);
    fuzz_check_result(obj != NULL, err);
    if (obj) {
        check_round_trip(obj);
        qobject_unref(obj);
    }
    err = NULL;
    obj = fuzz_harness_json(data, size, true, &err);
    fuzz_check_result(obj != NULL, err);
    qobject_unref(obj);
    return 0;
}
