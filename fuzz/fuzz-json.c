/*
 * libFuzzer target: qobject_from_json_full(), the strict JSON parser.
 *
 * Besides "no crash", every accepted document must survive a round trip:
 * qobject_to_json() of the value parses back to an equal value, which is the
 * parser's exactness promise (issue 2). Small limits make the depth, string
 * and array checks reachable with short inputs.
 */
#include "fuzz/fuzz-common.h"

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
    /* libFuzzer may pass NULL with size 0; the parser wants a pointer. */
    const char *text = size ? (const char *)data : "";
    QVisitLimits limits;
    GError *err = NULL;
    QObject *obj;

    /* The defaults, as a user gets them. */
    obj = qobject_from_json_full(text, size, NULL, &err);
    fuzz_check_result(obj != NULL, err);
    if (obj) {
        check_round_trip(obj);
        qobject_unref(obj);
    }

    /* Tight limits, so every limit check is reachable. */
    qvisit_limits_init(&limits);
    limits.max_depth = 8;
    limits.max_string_len = 16;
    limits.max_array_len = 8;
    err = NULL;
    obj = qobject_from_json_full(text, size, &limits, &err);
    fuzz_check_result(obj != NULL, err);
    qobject_unref(obj);
    return 0;
}
