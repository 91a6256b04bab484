/*
 * libFuzzer target: field tables (visitor/vmstate.c) reading untrusted
 * bytes. The input's first byte picks the input: bit 0 clear, a QEMUFile
 * stream read by the QEMUFile input visitor (runs of plain fields taken
 * from its read window); set, JSON read by the JSON input visitor. The
 * table has every kind of line: scalars, fixed and counted arrays of
 * scalars and structs, buffers of fixed and field-given length, pointers
 * allocated on input, unused bytes, version gates, a test, an enum, a
 * walk and a subsection; bits 1-2 pick the version visited (0..3).
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

typedef struct Port {
    uint32_t id;
    bool connected;
    int16_t throttle;
} Port;

typedef struct Pair {
    uint8_t lo, hi;
} Pair;

typedef struct Dev {
    uint8_t u8;
    int64_t i64;
    bool flag;
    double ratio;
    uint32_t regs[4];
    int16_t sregs[2];
    uint8_t mac[6];
    uint32_t nports;
    Port ports[4];
    uint32_t nq;
    uint16_t *q;
    uint32_t buflen;
    uint8_t *buf;
    uint32_t cfg_len;
    uint8_t cfg[8];
    uint32_t elem_popped;
    uint8_t has_msix;
    uint32_t msix_vector;
    int mode;
    Pair pair;
    int32_t nalloc;
    Port *alloc;
    uint64_t extra;
} Dev;

static const char *const mode_names[] = { "off", "fifo", "dma", NULL };

static const VMStateDescription vmstate_port = {
    .name = "port",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(id, Port),
        VMSTATE_BOOL(connected, Port),
        VMSTATE_INT16(throttle, Port),
        VMSTATE_END_OF_LIST()
    },
};

static bool has_msix(void *opaque, int version_id)
{
    (void)version_id;
    return ((Dev *)opaque)->has_msix & 1;
}

static bool extra_needed(void *opaque)
{
    return ((Dev *)opaque)->extra != 0;
}

static bool pair_walk(Visitor *v, const char *name, void *field,
                      GError **errp)
{
    Pair *p = field;

    return visit_start_struct(v, name, errp) &&
           visit_type_u8(v, "lo", &p->lo, errp) &&
           visit_type_u8(v, "hi", &p->hi, errp) &&
           visit_end_struct(v, errp);
}

static const VMStateDescription vmstate_dev_extra = {
    .name = "dev/extra",
    .version_id = 1,
    .needed = extra_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(extra, Dev),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_dev = {
    .name = "dev",
    .version_id = 3,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(u8, Dev),
        VMSTATE_INT64(i64, Dev),
        VMSTATE_BOOL(flag, Dev),
        VMSTATE_FLOAT64(ratio, Dev),
        VMSTATE_UINT32_ARRAY(regs, Dev, 4),
        VMSTATE_INT16_ARRAY(sregs, Dev, 2),
        VMSTATE_BUFFER(mac, Dev),
        VMSTATE_UINT32(nports, Dev),
        VMSTATE_STRUCT_VARRAY_UINT32(ports, Dev, nports, 1, vmstate_port,
                                     Port),
        VMSTATE_UNUSED(3),
        VMSTATE_UINT32(nq, Dev),
        VMSTATE_VARRAY_UINT32_ALLOC(q, Dev, nq, 0, vmstate_info_uint16,
                                    uint16_t),
        VMSTATE_UINT32(buflen, Dev),
        VMSTATE_VBUFFER_ALLOC_UINT32(buf, Dev, 0, NULL, buflen),
        VMSTATE_UINT32(cfg_len, Dev),
        VMSTATE_PARTIAL_VBUFFER_UINT32(cfg, Dev, cfg_len),
        VMSTATE_UNUSED_V(2, 2),
        VMSTATE_UINT32_V(elem_popped, Dev, 3),
        VMSTATE_UINT8(has_msix, Dev),
        VMSTATE_UINT32_TEST(msix_vector, Dev, has_msix),
        VMSTATE_ENUM(mode, Dev, mode_names),
        VMSTATE_WALK(pair, Dev, pair_walk),
        VMSTATE_INT32(nalloc, Dev),
        VMSTATE_STRUCT_VARRAY_ALLOC(alloc, Dev, nalloc, 2, vmstate_port,
                                    Port),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_dev_extra,
        NULL
    },
};

static bool dev_visit(Visitor *v, Dev *s, GError **errp)
{
    return vmstate_visit(v, "dev", &vmstate_dev, s, errp);
}

/* Loads @data with the input @kind picks into a zeroed @s. */
static bool load(uint8_t kind, const uint8_t *data, size_t size, Dev *s,
                 GError **errp)
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

static bool dev_equal(const Dev *a, const Dev *b)
{
    Dev x = *a, y = *b;

    if (a->nq != b->nq || a->buflen != b->buflen ||
        a->nalloc != b->nalloc ||
        (a->nq && memcmp(a->q, b->q, a->nq * sizeof(uint16_t))) ||
        (a->buflen && memcmp(a->buf, b->buf, a->buflen))) {
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
    x.q = y.q = NULL;
    x.buf = y.buf = NULL;
    x.alloc = y.alloc = NULL;
    /* NaN != NaN: compare the double's bits. */
    return !memcmp(&x, &y, sizeof(x));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Dev s, back;
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
        if (!dev_equal(&s, &back)) {
            fprintf(stderr, "fuzz: state changed through write and load\n");
            abort();
        }
        vmstate_clear(&vmstate_dev, &back);
    }
    vmstate_clear(&vmstate_dev, &s);
    return 0;
}
