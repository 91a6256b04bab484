/*
 * libFuzzer target: format detection and migration_load() into the example
 * VM, plus migration_stream_decode() without a registry.
 *
 * The load is transactional, so the oracle is strong: whenever
 * migration_load() fails, every device must hold exactly the state it had
 * before. A stream that decodes must also encode to the JSON and binary
 * formats and decode back to the same tree.
 */
#include "fuzz/fuzz-common.h"
#include "tests/example-vm.h"

#include <stdio.h>
#include <stdlib.h>

#define VM_SEED 7

static ExampleVm *vm;
static QDict *vm_before;

static void check_reencode(const MigrationStream *s)
{
    static const MigrationFormat formats[] = {
        MIGRATION_FORMAT_JSON, MIGRATION_FORMAT_BINARY,
    };
    g_autoptr(QDict) want = migration_stream_to_qobject(s);

    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(MigrationStream) back = NULL;
        g_autoptr(QDict) got = NULL;
        GError *err = NULL;

        if (!migration_stream_encode(s, formats[i], NULL, NULL, out, &err)) {
            /* A decoded stream may hold what a format cannot carry. */
            fuzz_check_error(err);
            continue;
        }
        back = migration_stream_decode(out->data, out->len, NULL, &err);
        if (!back) {
            fprintf(stderr, "fuzz: %s re-encoding does not decode: %s\n",
                    migration_format_name(formats[i]), err->message);
            abort();
        }
        got = migration_stream_to_qobject(back);
        /* The format member differs by design; compare the sections. */
        if (!qobject_is_equal(qdict_get(got, "sections"),
                              qdict_get(want, "sections"))) {
            fprintf(stderr, "fuzz: %s re-encoding changed the sections\n",
                    migration_format_name(formats[i]));
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    MigrationStream *s;
    bool ok;

    if (!vm) {
        vm = example_vm_new(EXAMPLE_RELEASE_MAX, VM_SEED);
        vm_before = example_vm_snapshot(vm);
    }
    (void)migration_detect_format(data, size);

    ok = migration_load(vm->r, data, size, NULL, &err);
    fuzz_check_result(ok, err);
    if (ok) {
        example_vm_randomize(vm, VM_SEED);
    } else {
        g_autoptr(QDict) after = example_vm_snapshot(vm);

        if (!qobject_is_equal(QOBJECT(after), QOBJECT(vm_before))) {
            fprintf(stderr, "fuzz: a failed load changed a device\n");
            abort();
        }
    }

    err = NULL;
    s = migration_stream_decode(data, size, NULL, &err);
    fuzz_check_result(s != NULL, err);
    if (s) {
        check_reencode(s);
        migration_stream_free(s);
    }
    return 0;
}
