/*
 * libFuzzer target: the reader of real QEMU 7.2 migration streams
 * (include/qvisit/qemu-stream.h), with the stream's own vmdesc, with none,
 * and with a fixed one from a real pc machine; native and analyze-compat
 * dumps. The selector byte is described at fuzz_harness_qemu_stream().
 *
 * Oracle: a native full (ram_full) dump encodes back to a stream that
 * dumps to the same tree.
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-harness.h"

#include <stdio.h>
#include <stdlib.h>

static QObject *fixed_vmdesc;

static void check_reencode(uint8_t sel, const QObject *dump)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    GError *err = NULL;
    bool ok = qemu_stream_encode(f, dump, &err);
    QObject *again;

    qemu_fclose(f);
    if (!ok) {
        fprintf(stderr, "fuzz: a full dump does not encode: %s\n",
                err->message);
        abort();
    }
    g_byte_array_prepend(out, &sel, 1);
    again = fuzz_harness_qemu_stream(out->data, out->len, fixed_vmdesc,
                                     &err);
    if (!again || !qobject_is_equal(again, dump)) {
        fprintf(stderr, "fuzz: re-encoded stream dumps differently (%s)\n",
                err ? err->message : "not equal");
        abort();
    }
    qobject_unref(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    QObject *dump;

    if (!fixed_vmdesc) {
        fixed_vmdesc = qemu_stream_load_vmdesc_path(FUZZ_FIXED_VMDESC, NULL,
                                                    &err);
        if (!fixed_vmdesc) {
            fprintf(stderr, "fuzz: %s (run from the source root)\n",
                    err->message);
            abort();
        }
    }
    dump = fuzz_harness_qemu_stream(data, size, fixed_vmdesc, &err);
    fuzz_check_result(dump != NULL, err);
    if (dump && (data[0] & 12) == 8) {
        check_reencode(data[0], dump);
    }
    qobject_unref(dump);
    return 0;
}
