/*
 * Writes the generated seed inputs of the visitor fuzz targets into
 * fuzz/corpus/<target>/ (run from the source root by `make fuzz-seeds`).
 *
 * Each seed is the selector byte the target reads first, then a valid
 * encoding of a walk's state, so the fuzzer starts from inputs that get
 * past the first field.
 */
#include <stdio.h>
#include <stdlib.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-devices.h"
#include "tests/example-vm.h"
#include "tests/fuzz-sink.h"

static void write_seed(const char *target, const char *name, uint8_t sel,
                       const void *data, size_t len)
{
    g_autofree char *dir = g_strdup_printf("fuzz/corpus/%s", target);
    g_autofree char *path = g_strdup_printf("%s/%s", dir, name);
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autoptr(GError) err = NULL;

    g_byte_array_append(buf, &sel, 1);
    g_byte_array_append(buf, data, len);
    g_mkdir_with_parents(dir, 0755);
    if (!g_file_set_contents(path, (const char *)buf->data, buf->len,
                             &err)) {
        fprintf(stderr, "gen-seeds: %s\n", err->message);
        exit(1);
    }
}

static void write_seed_raw(const char *target, const char *name,
                           const void *data, size_t len)
{
    g_autofree char *dir = g_strdup_printf("fuzz/corpus/%s", target);
    g_autofree char *path = g_strdup_printf("%s/%s", dir, name);
    g_autoptr(GError) err = NULL;

    g_mkdir_with_parents(dir, 0755);
    if (!g_file_set_contents(path, data, len, &err)) {
        fprintf(stderr, "gen-seeds: %s\n", err->message);
        exit(1);
    }
}

static void sink_seeds(void)
{
    FuzzSink s;
    g_autoptr(GByteArray) bin = g_byte_array_new();
    g_autoptr(GString) json = g_string_new(NULL);
    QEMUFile *f = qemu_fopen_bytearray(bin);
    Visitor *v = qemu_file_output_visitor_new(f);

    fuzz_sink_example(&s);
    if (!fuzz_sink_visit(v, &s, NULL) || !visit_complete(v, NULL)) {
        exit(1);
    }
    visit_free(v);
    qemu_fclose(f);
    v = json_output_visitor_new(json, true);
    if (!fuzz_sink_visit(v, &s, NULL) || !visit_complete(v, NULL)) {
        exit(1);
    }
    visit_free(v);
    write_seed("fuzz-qemu-file-visitor", "sink", 0, bin->data, bin->len);
    write_seed("fuzz-qemu-file-visitor", "sink-tight", 1, bin->data,
               bin->len);
    write_seed("fuzz-json-visitor", "sink", 0, json->str, json->len);
    g_byte_array_set_size(bin, 0);
    v = binary_output_visitor_new(bin);
    if (!fuzz_sink_visit(v, &s, NULL) || !visit_complete(v, NULL)) {
        exit(1);
    }
    visit_free(v);
    write_seed("fuzz-binary", "sink", 0, bin->data, bin->len);
    write_seed("fuzz-binary", "sink-tight", 1, bin->data, bin->len);
    write_seed("fuzz-json-visitor", "sink-tight", 1, json->str, json->len);
    fuzz_sink_clear(&s);
}

/* Every example device entry: a random state in both encodings. */
static void device_seeds(void)
{
    size_t n;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t k = 0; k < n; k++) {
        const ExampleDevice *d = all[k];
        void *state = example_device_state_new(d);
        g_autoptr(GByteArray) bin = g_byte_array_new();
        g_autoptr(GString) json = g_string_new(NULL);
        g_autofree char *name = g_strdup_printf("%s-v%u", d->id,
                                                d->version);
        g_autofree char *legacy = g_strdup_printf("%s-legacy", name);
        g_autofree char *mid = g_strdup_printf("%s-mid", name);
        uint8_t sel = (uint8_t)((k + 1) << 3);
        uint64_t seed = 1000 + k;
        QEMUFile *f = qemu_fopen_bytearray(bin);
        Visitor *v = qemu_file_output_visitor_new(f);

        d->randomize(state, &seed);
        if (!d->visit(v, state, NULL) || !visit_complete(v, NULL)) {
            exit(1);
        }
        visit_free(v);
        qemu_fclose(f);
        v = json_output_visitor_new(json, true);
        if (!d->visit(v, state, NULL) || !visit_complete(v, NULL)) {
            exit(1);
        }
        visit_free(v);
        write_seed("fuzz-qemu-file-visitor", name, sel, bin->data,
                   bin->len);
        write_seed("fuzz-qemu-file-visitor", legacy, sel | 2, bin->data,
                   bin->len);
        write_seed("fuzz-qemu-file-visitor", mid, sel | 4, bin->data,
                   bin->len);
        write_seed("fuzz-json-visitor", name, sel, json->str, json->len);
        g_byte_array_set_size(bin, 0);
        v = binary_output_visitor_new(bin);
        if (!d->visit(v, state, NULL) || !visit_complete(v, NULL)) {
            exit(1);
        }
        visit_free(v);
        write_seed("fuzz-binary", name, sel, bin->data, bin->len);
        example_device_state_free(d, state);
    }
}

/* The example VM of every release in every format. */
static void migration_seeds(void)
{
    static const MigrationFormat formats[] = {
        MIGRATION_FORMAT_LEGACY, MIGRATION_FORMAT_BINARY,
        MIGRATION_FORMAT_JSON,
    };

    for (unsigned rel = 1; rel <= EXAMPLE_RELEASE_MAX; rel++) {
        ExampleVm *vm = example_vm_new(rel, 500 + rel);

        for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
            g_autoptr(GByteArray) s = example_vm_save(vm, formats[i]);
            g_autofree char *name = g_strdup_printf(
                "release%u-%s", rel, migration_format_name(formats[i]));

            /* No selector byte: the target reads the whole stream. */
            write_seed_raw("fuzz-migration-load", name, s->data, s->len);
            if (formats[i] == MIGRATION_FORMAT_LEGACY) {
                /* Own vmdesc, then analyze-compat, then ram_full. */
                write_seed("fuzz-qemu-stream", name, 0, s->data, s->len);
                g_free(name);
                name = g_strdup_printf("release%u-legacy-compat", rel);
                write_seed("fuzz-qemu-stream", name, 4, s->data, s->len);
                g_free(name);
                name = g_strdup_printf("release%u-legacy-full", rel);
                write_seed("fuzz-qemu-stream", name, 8, s->data, s->len);
            }
        }
        example_vm_free(vm);
    }
}

int main(void)
{
    sink_seeds();
    device_seeds();
    migration_seeds();
    return 0;
}
