/*
 * QEMU 7.2's PCI host and bus sections (hw/pci/pci_host.c, hw/pci/pci.c):
 * "PCIHost" v1, the host bridge's CONFIG_ADDRESS register (sent only when
 * x-config-reg-migration-enabled, i.e. machine types from 2.4), and
 * "PCIBUS" v1, the bus's interrupt counters.
 */
#include "examples/qemu-devices/vmstate-walk.h"

typedef struct QemuPCIHostState {
    uint32_t config_reg;
} QemuPCIHostState;

static bool pcihost_visit(Visitor *v, void *state, uint32_t version,
                          GError **errp)
{
    QemuPCIHostState *s = state;

    (void)version;
    return visit_type_u32(v, "config_reg", &s->config_reg, errp);
}

const QemuDevice qemu_dev_pcihost = {
    .name = "PCIHost",
    .vmsd_name = "PCIHost",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuPCIHostState),
    .visit = pcihost_visit,
};

/* A bus has one counter per interrupt line it routes: 4 on the i440FX
 * and q35 root buses. QEMU's own bound is the bus's configuration; this
 * one only keeps a corrupt count from sizing the array. */
#define QEMU_PCIBUS_NIRQ_MAX 256

typedef struct QemuPCIBusState {
    int32_t nirq;
    int32_t irq_count[QEMU_PCIBUS_NIRQ_MAX];
} QemuPCIBusState;

static bool pcibus_visit(Visitor *v, void *state, uint32_t version,
                         GError **errp)
{
    QemuPCIBusState *s = state;

    (void)version;
    /* nirq is VMSTATE_INT32_EQUAL (QEMU refuses another value than its
     * own) and counts the VMSTATE_VARRAY_INT32 after it. */
    return visit_type_i32(v, "nirq", &s->nirq, errp) &&
           visit_check_range(v, "nirq", s->nirq, 0, QEMU_PCIBUS_NIRQ_MAX,
                             errp) &&
           vmstate_walk_i32_varray(v, "irq_count", s->irq_count,
                                   (size_t)s->nirq, errp);
}

const QemuDevice qemu_dev_pcibus = {
    .name = "PCIBUS",
    .vmsd_name = "PCIBUS",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuPCIBusState),
    .visit = pcibus_visit,
};
