/*
 * "ioapic": the I/O APIC (QEMU 7.2 hw/intc/ioapic_common.c,
 * vmstate_ioapic_common, version 3, minimum 1).
 */
#include "examples/qemu-devices/qemu-devices.h"

#define IOAPIC_NUM_PINS 24

typedef struct IOAPICCommonState {
    uint8_t id;
    uint8_t ioregsel;
    uint8_t unused[8];      /* from version 2: qemu-kvm's v2 format */
    uint32_t irr;
    uint64_t ioredtbl[IOAPIC_NUM_PINS];
} IOAPICCommonState;

static bool ioapic_visit(Visitor *v, void *opaque, uint32_t version,
                         GError **errp)
{
    IOAPICCommonState *s = opaque;

    return visit_type_u8(v, "id", &s->id, errp) &&
           visit_type_u8(v, "ioregsel", &s->ioregsel, errp) &&
           (version < 2 ||
            (visit_type_buffer(v, "unused", s->unused, sizeof(s->unused),
                               errp) &&
             visit_type_u32(v, "irr", &s->irr, errp))) &&
           visit_type_u64_array(v, "ioredtbl", s->ioredtbl, IOAPIC_NUM_PINS,
                                errp);
}

const QemuDevice qemu_dev_ioapic = {
    .name = "ioapic",
    .vmsd_name = "ioapic",
    .version = 3,
    .minimum_version = 1,
    .state_size = sizeof(IOAPICCommonState),
    .visit = ioapic_visit,
};
