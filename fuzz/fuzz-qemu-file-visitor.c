/*
 * libFuzzer target: the QEMUFile (legacy binary) input visitor.
 *
 * The first input byte picks the walk and the limits; the rest is the
 * stream. A successful load must be canonical: writing the loaded state
 * with the output visitor gives back exactly the bytes that were read,
 * since the binary encoding has one spelling per value (bools 0/1, presence
 * bytes 0/1, strings length-prefixed).
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void check_canonical(const uint8_t *data, size_t size, FuzzSink *s)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    GError *err = NULL;
    bool ok = fuzz_sink_visit(v, s, &err) && visit_complete(v, &err);

    visit_free(v);
    if (qemu_fclose(f) < 0 || !ok) {
        fprintf(stderr, "fuzz: cannot write back a loaded state\n");
        abort();
    }
    if (out->len > size || memcmp(out->data, data, out->len)) {
        fprintf(stderr, "fuzz: loaded state writes different bytes\n");
        abort();
    }
}

static void fuzz_sink(const uint8_t *data, size_t size, bool tight)
{
    QEMUFile *f = qemu_fopen_mem(data, size);
    Visitor *v = qemu_file_input_visitor_new(f);
    FuzzSink s = { 0 };
    GError *err = NULL;
    bool ok;

    if (tight) {
        tight_limits(v);
    }
    ok = fuzz_sink_visit(v, &s, &err) && visit_complete(v, &err);
    visit_free(v);
    qemu_fclose(f);
    fuzz_check_result(ok, err);
    if (ok) {
        check_canonical(data, size, &s);
    }
    fuzz_sink_clear(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    fuzz_sink(data + 1, size - 1, data[0] & 1);
    return 0;
}
