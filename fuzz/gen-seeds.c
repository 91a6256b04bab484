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
    write_seed("fuzz-json-visitor", "sink-tight", 1, json->str, json->len);
    fuzz_sink_clear(&s);
}

int main(void)
{
    sink_seeds();
    return 0;
}
