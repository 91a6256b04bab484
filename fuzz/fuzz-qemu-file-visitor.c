/*
 * libFuzzer target: the QEMUFile (legacy binary) input visitor, and the
 * example devices' legacy and mid-conversion loads, over qemu_fopen_mem().
 *
 * The input is driven as tests/fuzz-harness.h says. Oracles:
 * - a visitor load is canonical: writing the loaded state with the output
 *   visitor gives back exactly the bytes that were read (the encoding has
 *   one spelling per value: bools 0/1, presence bytes 0/1, strings
 *   length-prefixed);
 * - a legacy or mid load that fails leaves the state untouched, and one
 *   that succeeds agrees with the visitor load of the same bytes whenever
 *   that succeeds too.
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_canonical(const uint8_t *data, FuzzLoaded *l)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    GError *err = NULL;
    bool ok = fuzz_loaded_visit(l, v, &err) && visit_complete(v, &err);

    visit_free(v);
    if (qemu_fclose(f) < 0 || !ok) {
        fprintf(stderr, "fuzz: cannot write back a loaded state: %s\n",
                err ? err->message : "close failed");
        abort();
    }
    if (out->len != l->consumed || memcmp(out->data, data, out->len)) {
        fprintf(stderr, "fuzz: loaded state writes different bytes\n");
        abort();
    }
}

static void check_against_visitor(const uint8_t *data, size_t size,
                                  const FuzzLoaded *legacy)
{
    g_autofree uint8_t *copy = g_memdup2(data, size);
    FuzzLoaded visited;
    GError *err = NULL;

    copy[0] &= ~6;      /* same walk and limits, visitor mode */
    if (fuzz_harness_qemu_file_visitor(copy, size, &visited, &err)) {
        if (!fuzz_loaded_equal(legacy, &visited)) {
            fprintf(stderr, "fuzz: %s legacy and visitor loads disagree\n",
                    legacy->dev->id);
            abort();
        }
    }
    g_clear_error(&err);
    fuzz_loaded_clear(&visited);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzLoaded l;
    GError *err = NULL;
    bool ok = fuzz_harness_qemu_file_visitor(data, size, &l, &err);

    fuzz_check_result(ok, err);
    if (l.dev && l.mode != FUZZ_MODE_VISIT) {
        if (!ok && !fuzz_loaded_is_pristine(&l)) {
            fprintf(stderr, "fuzz: failed %s load wrote the state\n",
                    l.dev->id);
            abort();
        }
        if (ok) {
            check_against_visitor(data, size, &l);
        }
    } else if (ok) {
        check_canonical(data + 1, &l);
    }
    fuzz_loaded_clear(&l);
    return 0;
}
