/*
 * QEMU 7.2's ICH9 AHCI controller, section "<pci addr>/ich9_ahci"
 * (hw/ide/ich.c, vmsd "ich9_ahci" v1): the PCIDevice, then the "ahci"
 * struct (hw/ide/ahci.c): one "ahci port" per port, each an IDE bus and
 * drive (ide-drive.c), the port registers and 32 NCQ transfer slots;
 * the HBA's control registers; and the port count.
 *
 * The ports come first as a VMSTATE_STRUCT_VARRAY_POINTER_INT32 counted
 * by the port count, which follows them (as VMSTATE_INT32_EQUAL): the
 * count is a configuration fact, 6 for the ICH9 (ICH_AHCI_NR_PORTS).
 * The walk reads 6 ports and then checks that the input says 6.
 */
#include "examples/qemu-devices/ide-drive.h"

/* The ICH9's AHCI ports; AHCI_MAX_CMDS. */
#define QEMU_ICH9_AHCI_PORTS 6
#define QEMU_AHCI_MAX_CMDS 32

typedef struct QemuNCQTransfer {
    uint32_t sector_count;
    uint64_t lba;
    uint8_t tag;
    uint8_t cmd;
    uint8_t slot;
    bool used;
    bool halt;
} QemuNCQTransfer;

typedef struct QemuAHCIPort {
    QemuIDEBus port;
    QemuIDEDrive drive;
    uint32_t port_state;
    uint32_t finished;
    uint32_t regs[14];
    bool done_first_drq;
    int32_t busy_slot;
    bool init_d2h_sent;
    QemuNCQTransfer ncq_tfs[QEMU_AHCI_MAX_CMDS];
} QemuAHCIPort;

typedef struct QemuICH9AHCIState {
    QemuPCIDevice parent_obj;
    QemuAHCIPort dev[QEMU_ICH9_AHCI_PORTS];
    uint32_t control_regs[5];
    uint32_t idp_index;
    int32_t ports;
} QemuICH9AHCIState;

/* AHCIPortRegs in the order the "ahci port" vmsd sends them. */
static const char *const ahci_port_regs[14] = {
    "port_regs.lst_addr", "port_regs.lst_addr_hi", "port_regs.fis_addr",
    "port_regs.fis_addr_hi", "port_regs.irq_stat", "port_regs.irq_mask",
    "port_regs.cmd", "port_regs.tfdata", "port_regs.sig",
    "port_regs.scr_stat", "port_regs.scr_ctl", "port_regs.scr_err",
    "port_regs.scr_act", "port_regs.cmd_issue",
};

static const char *const ahci_control_regs[5] = {
    "control_regs.cap", "control_regs.ghc", "control_regs.irqstatus",
    "control_regs.impl", "control_regs.version",
};

/* "ncq state" v1. */
static bool ncq_visit(Visitor *v, QemuNCQTransfer *t, GError **errp)
{
    return visit_start_struct(v, NULL, errp) &&
           visit_type_u32(v, "sector_count", &t->sector_count, errp) &&
           visit_type_u64(v, "lba", &t->lba, errp) &&
           visit_type_u8(v, "tag", &t->tag, errp) &&
           visit_type_u8(v, "cmd", &t->cmd, errp) &&
           visit_type_u8(v, "slot", &t->slot, errp) &&
           visit_type_bool(v, "used", &t->used, errp) &&
           visit_type_bool(v, "halt", &t->halt, errp) &&
           visit_end_struct(v, errp);
}

/* "ahci port" v1. */
static bool ahci_port_visit(Visitor *v, QemuAHCIPort *p, GError **errp)
{
    if (!visit_start_struct(v, NULL, errp) ||
        !vmstate_walk_ide_bus(v, "port", &p->port, errp) ||
        !vmstate_walk_ide_drive(v, "port.ifs[0]", &p->drive, errp) ||
        !visit_type_u32(v, "port_state", &p->port_state, errp) ||
        !visit_type_u32(v, "finished", &p->finished, errp)) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ahci_port_regs); i++) {
        if (!visit_type_u32(v, ahci_port_regs[i], &p->regs[i], errp)) {
            return false;
        }
    }
    if (!visit_type_bool(v, "done_first_drq", &p->done_first_drq, errp) ||
        !visit_type_i32(v, "busy_slot", &p->busy_slot, errp) ||
        !visit_type_bool(v, "init_d2h_sent", &p->init_d2h_sent, errp) ||
        !visit_start_array(v, "ncq_tfs", QEMU_AHCI_MAX_CMDS, errp)) {
        return false;
    }
    for (size_t i = 0; i < QEMU_AHCI_MAX_CMDS; i++) {
        if (!ncq_visit(v, &p->ncq_tfs[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) && visit_end_struct(v, errp);
}

/* "ahci" v1, a VMSTATE_STRUCT. */
static bool ahci_visit(Visitor *v, QemuICH9AHCIState *s, GError **errp)
{
    if (!visit_start_struct(v, "ahci", errp) ||
        !visit_start_array(v, "dev", QEMU_ICH9_AHCI_PORTS, errp)) {
        return false;
    }
    for (size_t i = 0; i < QEMU_ICH9_AHCI_PORTS; i++) {
        if (!ahci_port_visit(v, &s->dev[i], errp)) {
            return false;
        }
    }
    if (!visit_end_array(v, errp)) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ahci_control_regs); i++) {
        if (!visit_type_u32(v, ahci_control_regs[i], &s->control_regs[i],
                            errp)) {
            return false;
        }
    }
    return visit_type_u32(v, "idp_index", &s->idp_index, errp) &&
           visit_type_i32(v, "ports", &s->ports, errp) &&
           (!visit_is_input(v) ||
            visit_check_range(v, "ports", s->ports, QEMU_ICH9_AHCI_PORTS,
                              QEMU_ICH9_AHCI_PORTS, errp)) &&
           visit_end_struct(v, errp);
}

static bool ich9_ahci_visit(Visitor *v, void *state, uint32_t version,
                            GError **errp)
{
    QemuICH9AHCIState *s = state;

    (void)version;
    return vmstate_walk_pci_device(v, "parent_obj", &s->parent_obj, false,
                                   errp) &&
           ahci_visit(v, s, errp);
}

const QemuDevice qemu_dev_ich9_ahci = {
    .name = "ich9_ahci",
    .vmsd_name = "ich9_ahci",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuICH9AHCIState),
    .visit = ich9_ahci_visit,
};
