/*
 * "dma": one of the two i8257 DMA controllers (QEMU 7.2 hw/dma/i8257.c,
 * vmstate_i8257, version 1; channels are vmstate_i8257_regs,
 * "dma_regs"); instance 0 is the 8-bit controller, 1 the 16-bit one.
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct I8257Regs {
    int32_t now[2];
    uint16_t base[2];
    uint8_t mode;
    uint8_t page;
    uint8_t pageh;
    uint8_t dack;
    uint8_t eop;
} I8257Regs;

typedef struct I8257State {
    uint8_t command;
    uint8_t mask;
    uint8_t flip_flop;
    int32_t dshift;
    I8257Regs regs[4];
} I8257State;

static bool regs_visit(Visitor *v, I8257Regs *r, GError **errp)
{
    if (!visit_start_struct(v, NULL, errp) ||
        !visit_start_array(v, "now", 2, errp)) {
        return false;
    }
    for (size_t i = 0; i < 2; i++) {
        if (!visit_type_i32(v, NULL, &r->now[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           visit_type_u16_array(v, "base", r->base, 2, errp) &&
           visit_type_u8(v, "mode", &r->mode, errp) &&
           visit_type_u8(v, "page", &r->page, errp) &&
           visit_type_u8(v, "pageh", &r->pageh, errp) &&
           visit_type_u8(v, "dack", &r->dack, errp) &&
           visit_type_u8(v, "eop", &r->eop, errp) &&
           visit_end_struct(v, errp);
}

static bool dma_visit(Visitor *v, void *opaque, uint32_t version,
                      GError **errp)
{
    I8257State *s = opaque;

    (void)version;
    if (!visit_type_u8(v, "command", &s->command, errp) ||
        !visit_type_u8(v, "mask", &s->mask, errp) ||
        !visit_type_u8(v, "flip_flop", &s->flip_flop, errp) ||
        !visit_type_i32(v, "dshift", &s->dshift, errp) ||
        !visit_start_array(v, "regs", 4, errp)) {
        return false;
    }
    for (size_t i = 0; i < 4; i++) {
        if (!regs_visit(v, &s->regs[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp);
}

const QemuDevice qemu_dev_dma = {
    .name = "dma",
    .vmsd_name = "dma",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(I8257State),
    .visit = dma_visit,
};
