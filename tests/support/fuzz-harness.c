/* Surfaces driven from raw bytes; see tests/fuzz-harness.h. */
#include "tests/fuzz-harness.h"

#include <string.h>

void fuzz_harness_tight_limits(QVisitLimits *limits)
{
    qvisit_limits_init(limits);
    limits->max_depth = 3;
    limits->max_string_len = 8;
    limits->max_array_len = 4;
    limits->max_alloc = 24;
    limits->max_section_size = 256;
}

QObject *fuzz_harness_json(const uint8_t *data, size_t size, bool tight,
                           GError **errp)
{
    /* libFuzzer may pass NULL with size 0; the parser wants a pointer. */
    const char *text = size ? (const char *)data : "";
    QVisitLimits limits;

    /* A document needs a little more room than one walk's member. */
    qvisit_limits_init(&limits);
    limits.max_depth = 8;
    limits.max_string_len = 16;
    limits.max_array_len = 8;
    return qobject_from_json_full(text, size, tight ? &limits : NULL, errp);
}

bool fuzz_harness_json_visitor(const uint8_t *data, size_t size,
                               FuzzSink *s, GError **errp)
{
    Visitor *v;
    bool ok;

    if (size < 1) {
        g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_TRUNCATED,
                            "no selector byte");
        return false;
    }
    v = json_input_visitor_new((const char *)data + 1, size - 1, errp);
    if (!v) {
        return false;
    }
    if (data[0] & 1) {
        QVisitLimits limits;

        fuzz_harness_tight_limits(&limits);
        visit_set_limits(v, &limits);
    }
    ok = fuzz_sink_visit(v, s, errp) && visit_complete(v, errp);
    visit_free(v);
    return ok;
}

bool fuzz_harness_qemu_file_visitor(const uint8_t *data, size_t size,
                                    FuzzSink *s, size_t *consumed,
                                    GError **errp)
{
    QEMUFile *f;
    Visitor *v;
    bool ok;

    *consumed = 0;
    if (size < 1) {
        g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_TRUNCATED,
                            "no selector byte");
        return false;
    }
    f = qemu_fopen_mem(data + 1, size - 1);
    v = qemu_file_input_visitor_new(f);
    if (data[0] & 1) {
        QVisitLimits limits;

        fuzz_harness_tight_limits(&limits);
        visit_set_limits(v, &limits);
    }
    ok = fuzz_sink_visit(v, s, errp) && visit_complete(v, errp);
    *consumed = qemu_file_transferred(f);
    visit_free(v);
    qemu_fclose(f);
    return ok;
}

bool fuzz_harness_replay(const char *surface, const uint8_t *data,
                         size_t size, GError **errp)
{
    FuzzSink s = { 0 };
    size_t consumed;
    bool ok;

    if (!strcmp(surface, "json")) {
        QObject *obj = fuzz_harness_json(data, size, false, errp);

        qobject_unref(obj);
        return obj != NULL;
    }
    if (!strcmp(surface, "json-visitor")) {
        ok = fuzz_harness_json_visitor(data, size, &s, errp);
    } else if (!strcmp(surface, "qemu-file-visitor")) {
        ok = fuzz_harness_qemu_file_visitor(data, size, &s, &consumed, errp);
    } else {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "unknown surface '%s'", surface);
        return false;
    }
    fuzz_sink_clear(&s);
    return ok;
}
