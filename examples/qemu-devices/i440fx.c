/*
 * QEMU 7.2's i440FX host bridge PCI function, section
 * "0000:00:00.0/I440FX" (hw/pci-host/i440fx.c, vmsd "I440FX" v3, oldest
 * 3): the PCIDevice, then one unused byte that was smm_enabled.
 */
#include "examples/qemu-devices/vmstate-walk.h"

typedef struct QemuI440FXState {
    QemuPCIDevice parent_obj;
    uint8_t unused[1];
} QemuI440FXState;

static bool i440fx_visit(Visitor *v, void *state, uint32_t version,
                         GError **errp)
{
    QemuI440FXState *s = state;

    (void)version;
    return vmstate_walk_pci_device(v, "parent_obj", &s->parent_obj, false,
                                   errp) &&
           visit_type_buffer(v, "unused", s->unused, sizeof(s->unused),
                             errp);
}

const QemuDevice qemu_dev_i440fx = {
    .name = "I440FX",
    .vmsd_name = "I440FX",
    .version = 3,
    .minimum_version = 3,
    .state_size = sizeof(QemuI440FXState),
    .visit = i440fx_visit,
};
