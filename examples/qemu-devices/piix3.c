/*
 * QEMU 7.2's PIIX3 PCI-to-ISA bridge, section "0000:00:01.0/PIIX3"
 * (hw/isa/piix3.c, vmsd "PIIX3" v3, oldest 2): the PCIDevice, the four
 * PIRQ levels (from version 3), and the reset control register in the
 * "PIIX3/rcr" subsection, sent when it is not 0.
 */
#include "examples/qemu-devices/vmstate-walk.h"

#define QEMU_PIIX_NUM_PIRQS 4

typedef struct QemuPIIX3State {
    QemuPCIDevice dev;
    int32_t pci_irq_levels_vmstate[QEMU_PIIX_NUM_PIRQS];
    bool rcr_present;
    uint8_t rcr;
} QemuPIIX3State;

static bool piix3_rcr_visit(Visitor *v, void *state, uint32_t version,
                            GError **errp)
{
    QemuPIIX3State *s = state;

    (void)version;
    return visit_type_u8(v, "rcr", &s->rcr, errp);
}

static bool piix3_visit(Visitor *v, void *state, uint32_t version,
                        GError **errp)
{
    QemuPIIX3State *s = state;

    if (!vmstate_walk_pci_device(v, "dev", &s->dev, false, errp)) {
        return false;
    }
    if (version >= 3 &&
        !vmstate_walk_i32_array(v, "pci_irq_levels_vmstate",
                                s->pci_irq_levels_vmstate,
                                QEMU_PIIX_NUM_PIRQS, errp)) {
        return false;
    }
    return qemu_dev_subsection(v, "PIIX3/rcr", 1, 1, &s->rcr_present,
                               piix3_rcr_visit, s, errp);
}

const QemuDevice qemu_dev_piix3 = {
    .name = "PIIX3",
    .vmsd_name = "PIIX3",
    .version = 3,
    .minimum_version = 2,
    .state_size = sizeof(QemuPIIX3State),
    .visit = piix3_visit,
};
