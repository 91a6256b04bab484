/*
 * "i8259": one of the two cascaded interrupt controllers (QEMU 7.2
 * hw/intc/i8259_common.c, vmstate_pic_common, version 1); instance 0 is
 * the master, 1 the slave.
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct PICCommonState {
    uint8_t last_irr;
    uint8_t irr;
    uint8_t imr;
    uint8_t isr;
    uint8_t priority_add;
    uint8_t irq_base;
    uint8_t read_reg_select;
    uint8_t poll;
    uint8_t special_mask;
    uint8_t init_state;
    uint8_t auto_eoi;
    uint8_t rotate_on_auto_eoi;
    uint8_t special_fully_nested_mode;
    uint8_t init4;
    uint8_t single_mode;
    uint8_t elcr;
} PICCommonState;

static bool pic_visit(Visitor *v, void *opaque, uint32_t version,
                      GError **errp)
{
    PICCommonState *s = opaque;

    (void)version;
    return visit_type_u8(v, "last_irr", &s->last_irr, errp) &&
           visit_type_u8(v, "irr", &s->irr, errp) &&
           visit_type_u8(v, "imr", &s->imr, errp) &&
           visit_type_u8(v, "isr", &s->isr, errp) &&
           visit_type_u8(v, "priority_add", &s->priority_add, errp) &&
           visit_type_u8(v, "irq_base", &s->irq_base, errp) &&
           visit_type_u8(v, "read_reg_select", &s->read_reg_select, errp) &&
           visit_type_u8(v, "poll", &s->poll, errp) &&
           visit_type_u8(v, "special_mask", &s->special_mask, errp) &&
           visit_type_u8(v, "init_state", &s->init_state, errp) &&
           visit_type_u8(v, "auto_eoi", &s->auto_eoi, errp) &&
           visit_type_u8(v, "rotate_on_auto_eoi", &s->rotate_on_auto_eoi,
                         errp) &&
           visit_type_u8(v, "special_fully_nested_mode",
                         &s->special_fully_nested_mode, errp) &&
           visit_type_u8(v, "init4", &s->init4, errp) &&
           visit_type_u8(v, "single_mode", &s->single_mode, errp) &&
           visit_type_u8(v, "elcr", &s->elcr, errp);
}

const QemuDevice qemu_dev_i8259 = {
    .name = "i8259",
    .vmsd_name = "i8259",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(PICCommonState),
    .visit = pic_visit,
};
