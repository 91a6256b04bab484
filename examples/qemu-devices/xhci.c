/*
 * QEMU 7.2's qemu-xhci USB controller, section "<pci addr>/xhci"
 * (hw/usb/hcd-xhci-pci.c, vmsd "xhci" v1): the PCIDevice (PCI Express:
 * 4096 bytes of config space), its MSI-X table and pending bits, then
 * the "xhci-core" struct (hw/usb/hcd-xhci.c): the root hub's ports, the
 * device slots, the interrupters and the operational registers.
 *
 * Configuration facts the stream does not carry, as qemu-xhci has them
 * by default: 8 ports (p2=4, p3=4), 64 slots and 16 interrupters, so 16
 * MSI-X vectors (16 table entries of 16 bytes and 2 bytes of pending
 * bits). QEMU names the PCIDevice and the MSI-X struct both
 * "parent_obj", so its vmdesc calls them "parent_obj[0]" and "[1]". An
 * interrupter's event queue for a full ring is never sent (its test is
 * always false in 7.2), which makes QEMU list interrupters one by one.
 */
#include "examples/qemu-devices/vmstate-walk.h"

#define QEMU_XHCI_PORTS 8
#define QEMU_XHCI_SLOTS 64
#define QEMU_XHCI_INTRS 16
#define QEMU_XHCI_MSIX_LEN (QEMU_XHCI_INTRS * 16 + QEMU_XHCI_INTRS / 8)

#define F(n, k) { n, VMSTATE_WALK_ ## k, 0, 0 }
#define END { NULL, 0, 0, 0 }

/* "xhci-intr" v1, without the never-sent event queue. */
static const VmstateWalkField xhci_intr_fields[] = {
    F("iman", U32), F("imod", U32), F("erstsz", U32),
    F("erstba_low", U32), F("erstba_high", U32), F("erdp_low", U32),
    F("erdp_high", U32), F("msix_used", BOOL), F("er_pcs", BOOL),
    F("er_start", U64), F("er_size", U32), F("er_ep_idx", U32),
    F("er_full_unused", BOOL), END,
};

/* The registers after the interrupters. */
static const VmstateWalkField xhci_regs_fields[] = {
    F("usbcmd", U32), F("usbsts", U32), F("dnctrl", U32),
    F("crcr_low", U32), F("crcr_high", U32), F("dcbaap_low", U32),
    F("dcbaap_high", U32), F("config", U32), F("mfindex_start", I64),
    F("mfwrap_timer", I64), END,
};

#undef F
#undef END

typedef struct QemuXHCIState {
    QemuPCIDevice parent_obj;
    uint8_t msix[QEMU_XHCI_MSIX_LEN];
    uint32_t portsc[QEMU_XHCI_PORTS];
    bool slot_enabled[QEMU_XHCI_SLOTS];
    bool slot_addressed[QEMU_XHCI_SLOTS];
    uint64_t intr[QEMU_XHCI_INTRS][16];
    uint64_t regs[16];
    uint64_t cmd_ring_dequeue;
    bool cmd_ring_ccs;
} QemuXHCIState;

static bool xhci_core_visit(Visitor *v, QemuXHCIState *s, GError **errp)
{
    if (!visit_start_struct(v, "xhci", errp) ||
        !visit_start_array(v, "ports", QEMU_XHCI_PORTS, errp)) {
        return false;
    }
    for (size_t i = 0; i < QEMU_XHCI_PORTS; i++) {
        if (!visit_start_struct(v, NULL, errp) ||
            !visit_type_u32(v, "portsc", &s->portsc[i], errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    if (!visit_end_array(v, errp) ||
        !visit_start_array(v, "slots", QEMU_XHCI_SLOTS, errp)) {
        return false;
    }
    for (size_t i = 0; i < QEMU_XHCI_SLOTS; i++) {
        if (!visit_start_struct(v, NULL, errp) ||
            !visit_type_bool(v, "enabled", &s->slot_enabled[i], errp) ||
            !visit_type_bool(v, "addressed", &s->slot_addressed[i], errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    if (!visit_end_array(v, errp) ||
        !visit_start_array(v, "intr", QEMU_XHCI_INTRS, errp)) {
        return false;
    }
    g_return_val_if_fail(vmstate_walk_field_slots(xhci_intr_fields) <=
                         G_N_ELEMENTS(s->intr[0]), false);
    for (size_t i = 0; i < QEMU_XHCI_INTRS; i++) {
        if (!visit_start_struct(v, NULL, errp) ||
            !vmstate_walk_fields(v, xhci_intr_fields, 1, s->intr[i], errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    g_return_val_if_fail(vmstate_walk_field_slots(xhci_regs_fields) <=
                         G_N_ELEMENTS(s->regs), false);
    return visit_end_array(v, errp) &&
           vmstate_walk_fields(v, xhci_regs_fields, 1, s->regs, errp) &&
           visit_start_struct(v, "cmd_ring", errp) &&
           visit_type_u64(v, "dequeue", &s->cmd_ring_dequeue, errp) &&
           visit_type_bool(v, "ccs", &s->cmd_ring_ccs, errp) &&
           visit_end_struct(v, errp) &&
           visit_end_struct(v, errp);
}

static bool xhci_visit(Visitor *v, void *state, uint32_t version,
                       GError **errp)
{
    QemuXHCIState *s = state;

    (void)version;
    return vmstate_walk_pci_device(v, "parent_obj[0]", &s->parent_obj, true,
                                   errp) &&
           visit_start_struct(v, "parent_obj[1]", errp) &&
           visit_type_buffer(v, "msix", s->msix, sizeof(s->msix), errp) &&
           visit_end_struct(v, errp) &&
           xhci_core_visit(v, s, errp);
}

const QemuDevice qemu_dev_xhci = {
    .name = "xhci",
    .vmsd_name = "xhci",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuXHCIState),
    .visit = xhci_visit,
};
