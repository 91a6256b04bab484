/*
 * The field-table test device; see tests/vmstate-dev.h.
 */
#include "tests/vmstate-dev.h"

#include <string.h>

const char *const mode_names[] = { "off", "fifo", "dma", NULL };

const VMStateDescription vmstate_port = {
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
    return ((Dev *)opaque)->has_msix;
}

static bool extra_needed(void *opaque)
{
    return ((Dev *)opaque)->extra != 0;
}

static const VMStateDescription vmstate_dev_extra = {
    .name = "dev/extra",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = extra_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(extra, Dev),
        VMSTATE_END_OF_LIST()
    },
};

/* A part of the state kept as a hand-written walk. */
bool pair_walk(Visitor *v, const char *name, void *field,
                      GError **errp)
{
    Pair *p = field;

    return visit_start_struct(v, name, errp) &&
           visit_type_u8(v, "lo", &p->lo, errp) &&
           visit_type_u8(v, "hi", &p->hi, errp) &&
           visit_end_struct(v, errp);
}

const VMStateDescription vmstate_dev = {
    .name = "dev",
    .version_id = 3,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(u8, Dev),
        VMSTATE_UINT16(u16, Dev),
        VMSTATE_UINT32(u32, Dev),
        VMSTATE_UINT64(u64, Dev),
        VMSTATE_INT8(i8, Dev),
        VMSTATE_INT16(i16, Dev),
        VMSTATE_INT32(i32, Dev),
        VMSTATE_INT64(i64, Dev),
        VMSTATE_BOOL(flag, Dev),
        VMSTATE_FLOAT64(ratio, Dev),
        VMSTATE_UINT32_ARRAY(regs, Dev, 4),
        VMSTATE_INT16_ARRAY(sregs, Dev, 2),
        VMSTATE_BUFFER(mac, Dev),
        VMSTATE_UINT32(nports, Dev),
        VMSTATE_STRUCT_VARRAY_UINT32(ports, Dev, nports, 1, vmstate_port,
                                     Port),
        VMSTATE_STRUCT_ARRAY(fixed, Dev, 2, 1, vmstate_port, Port),
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
        VMSTATE_UINT32_TEST(msix_vector, Dev, has_msix),
        VMSTATE_ENUM(mode, Dev, mode_names),
        VMSTATE_WALK(pair, Dev, pair_walk),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_dev_extra,
        NULL
    },
};

bool dev_equal(const Dev *a, const Dev *b)
{
    Dev x = *a, y = *b;

    if (a->nq != b->nq || a->buflen != b->buflen ||
        (a->nq && memcmp(a->q, b->q, a->nq * 2)) ||
        (a->buflen && memcmp(a->buf, b->buf, a->buflen))) {
        return false;
    }
    x.q = y.q = NULL;
    x.buf = y.buf = NULL;
    return !memcmp(&x, &y, sizeof(x));
}
