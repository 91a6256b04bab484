/*
 * libFuzzer target: field tables (visitor/vmstate.c) reading untrusted
 * bytes. The input's first byte picks the input: bit 0 clear, a QEMUFile
 * stream read by the QEMUFile input visitor (runs of plain fields taken
 * from its read window); set, JSON read by the JSON input visitor. The
 * table is the test device of tests/vmstate-dev.h, which has every kind
 * of line: scalars, fixed and counted arrays of scalars and structs,
 * buffers of fixed and field-given length, pointers allocated on input,
 * unused bytes, version gates, a test, an enum, a walk and a subsection;
 * before its members come the target's own, an array of structs
 * allocated on input with an int32 count. Bits 1-2 pick the version
 * visited (0..3), bit 3 the configuration the table's test reads
 * (has_msix).
 *
 * Oracles: the GError contract (fuzz_check_result()); a load that
 * succeeds gives a state the table writes back through the QEMUFile
 * output visitor and reads again into an equal state; nothing a table
 * allocated leaks (vmstate_clear(), LeakSanitizer).
 */
#include "fuzz/fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vmstate-dev.h"

typedef struct FuzzDev {
    int32_t nalloc;
    Port *alloc;
    Dev dev;
} FuzzDev;

static const VMStateDescription vmstate_fuzz = {
    .name = "fuzz",
    .version_id = 3,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_INT32(nalloc, FuzzDev),
        VMSTATE_STRUCT_VARRAY_ALLOC(alloc, FuzzDev, nalloc, 2, vmstate_port,
                                    Port),
        VMSTATE_END_OF_LIST()
    },
};

/* The struct "dev": the target's members, then the test device's, both
 * at the visitor's version. */
static bool dev_visit(Visitor *v, FuzzDev *s, GError **errp)
{
    uint32_t version = visit_get_version(v);

    return visit_start_struct(v, "dev", errp) &&
           vmstate_visit_members(v, &vmstate_fuzz, s, version, errp) &&
           vmstate_visit_members(v, &vmstate_dev, &s->dev, version, errp) &&
           visit_end_struct(v, errp);
}

static void fuzz_dev_clear(FuzzDev *s)
{
    vmstate_clear(&vmstate_fuzz, s);
    vmstate_clear(&vmstate_dev, &s->dev);
}

/* Loads @data with the input @kind picks into a zeroed @s. */
static bool load(uint8_t kind, const uint8_t *data, size_t size,
                 FuzzDev *s, GError **errp)
{
    QVisitLimits limits;
    QEMUFile *f = NULL;
    Visitor *v;
    bool ok;

    qvisit_limits_init(&limits);
    limits.max_array_len = 4096;
    limits.max_string_len = 8192;
    limits.max_alloc = 1 << 20;
    memset(s, 0, sizeof(*s));
    s->dev.has_msix = kind & 8;
    if (kind & 1) {
        v = json_input_visitor_new_full((const char *)data, (gssize)size,
                                        &limits, errp);
        if (!v) {
            return false;
        }
    } else {
        f = qemu_fopen_mem(data, size);
        v = qemu_file_input_visitor_new(f);
    }
    visit_set_limits(v, &limits);
    visit_set_version(v, (kind >> 1) & 3);
    ok = dev_visit(v, s, errp) && visit_complete(v, errp);
    visit_free(v);
    if (f) {
        qemu_fclose(f);
    }
    return ok;
}

static bool fuzz_dev_equal(const FuzzDev *a, const FuzzDev *b)
{
    if (a->nalloc != b->nalloc) {
        return false;
    }
    /* Below version 2 nalloc is read but alloc is not. */
    if (!a->alloc != !b->alloc) {
        return false;
    }
    for (int32_t i = 0; a->alloc && i < a->nalloc; i++) {
        if (a->alloc[i].id != b->alloc[i].id ||
            a->alloc[i].connected != b->alloc[i].connected ||
            a->alloc[i].throttle != b->alloc[i].throttle) {
            return false;
        }
    }
    /* NaN != NaN: dev_equal() compares the double's bits. */
    return dev_equal(&a->dev, &b->dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzDev s, back;
    GError *err = NULL;
    bool ok;

    if (size < 1) {
        return 0;
    }
    ok = load(data[0], data + 1, size - 1, &s, &err);
    fuzz_check_result(ok, err);
    if (ok) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        QEMUFile *f = qemu_fopen_bytearray(out);
        Visitor *v = qemu_file_output_visitor_new(f);
        uint8_t kind = data[0] & ~1;

        err = NULL;
        visit_set_version(v, (kind >> 1) & 3);
        if (!dev_visit(v, &s, &err) || !visit_complete(v, &err)) {
            fprintf(stderr, "fuzz: cannot write back a loaded state: %s\n",
                    err ? err->message : "?");
            abort();
        }
        visit_free(v);
        qemu_fclose(f);
        if (!load(kind, out->data, out->len, &back, &err)) {
            fprintf(stderr, "fuzz: written state does not load: %s\n",
                    err->message);
            abort();
        }
        if (!fuzz_dev_equal(&s, &back)) {
            fprintf(stderr, "fuzz: state changed through write and load\n");
            abort();
        }
        fuzz_dev_clear(&back);
    }
    fuzz_dev_clear(&s);
    return 0;
}
