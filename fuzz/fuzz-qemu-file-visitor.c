/*
 * libFuzzer target: the QEMUFile (legacy binary) input visitor.
 *
 * The input is driven as tests/fuzz-harness.h says. A successful load must
 * be canonical: writing the loaded state with the output visitor gives back
 * exactly the bytes that were read, since the binary encoding has one
 * spelling per value (bools 0/1, presence bytes 0/1, strings
 * length-prefixed).
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_canonical(const uint8_t *data, size_t consumed,
                            FuzzSink *s)
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
    if (out->len != consumed || memcmp(out->data, data, out->len)) {
        fprintf(stderr, "fuzz: loaded state writes different bytes\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSink s = { 0 };
    GError *err = NULL;
    size_t consumed;
    bool ok;

    ok = fuzz_harness_qemu_file_visitor(data, size, &s, &consumed, &err);
    fuzz_check_result(ok, err);
    if (ok) {
        check_canonical(data + 1, consumed, &s);
    }
    fuzz_sink_clear(&s);
    return 0;
}
