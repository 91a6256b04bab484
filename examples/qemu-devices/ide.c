/*
 * QEMU 7.2's PCI IDE controllers (PIIX3/PIIX4 IDE, section
 * "<pci addr>/ide"; hw/ide/pci.c, vmsd "ide" v3, oldest 0): the
 * PCIDevice, the two bus-master DMA engines, the two buses and the two
 * drives of each bus (hw/ide/core.c); and the isapc machine's ISA IDE
 * controller ("isa-ide", below). Each of the nested vmsds has
 * subsections, so QEMU's vmdesc lists their elements one by one
 * ("index"); the decode shapes them as lists all the same.
 */
#include "examples/qemu-devices/ide-drive.h"

typedef struct QemuBMDMAState {
    uint8_t cmd;
    uint8_t migration_compat_status;
    uint32_t addr;
    int64_t migration_retry_sector_num;
    uint32_t migration_retry_nsector;
    uint8_t migration_retry_unit;
    bool current_present;
    uint32_t cur_addr;
    uint32_t cur_prd_last;
    uint32_t cur_prd_addr;
    uint32_t cur_prd_len;
    bool status_present;
    uint8_t status;
} QemuBMDMAState;

typedef struct QemuPCIIDEState {
    QemuPCIDevice parent_obj;
    QemuBMDMAState bmdma[2];
    QemuIDEBus bus[2];
    QemuIDEDrive drives[2][2];
} QemuPCIIDEState;

/* --- "ide bmdma" v3 ---------------------------------------------------- */

static bool bmdma_current_visit(Visitor *v, void *state, uint32_t version,
                                GError **errp)
{
    QemuBMDMAState *b = state;

    (void)version;
    return visit_type_u32(v, "cur_addr", &b->cur_addr, errp) &&
           visit_type_u32(v, "cur_prd_last", &b->cur_prd_last, errp) &&
           visit_type_u32(v, "cur_prd_addr", &b->cur_prd_addr, errp) &&
           visit_type_u32(v, "cur_prd_len", &b->cur_prd_len, errp);
}

static bool bmdma_status_visit(Visitor *v, void *state, uint32_t version,
                               GError **errp)
{
    QemuBMDMAState *b = state;

    (void)version;
    return visit_type_u8(v, "status", &b->status, errp);
}

static bool bmdma_visit(Visitor *v, QemuBMDMAState *b, GError **errp)
{
    /* needed(): a PRD in progress; status bits the old format abused. */
    return visit_start_struct(v, NULL, errp) &&
           visit_type_u8(v, "cmd", &b->cmd, errp) &&
           visit_type_u8(v, "migration_compat_status",
                         &b->migration_compat_status, errp) &&
           visit_type_u32(v, "addr", &b->addr, errp) &&
           visit_type_i64(v, "migration_retry_sector_num",
                          &b->migration_retry_sector_num, errp) &&
           visit_type_u32(v, "migration_retry_nsector",
                          &b->migration_retry_nsector, errp) &&
           visit_type_u8(v, "migration_retry_unit",
                         &b->migration_retry_unit, errp) &&
           qemu_dev_subsection(v, "ide bmdma_current", 1, 1,
                               &b->current_present, bmdma_current_visit, b,
                               errp) &&
           qemu_dev_subsection(v, "ide bmdma/status", 1, 1,
                               &b->status_present, bmdma_status_visit, b,
                               errp) &&
           visit_end_struct(v, errp);
}

/* --- "ide" v3 ---------------------------------------------------------- */

static bool ide_visit(Visitor *v, void *state, uint32_t version,
                      GError **errp)
{
    static const char *const drive_names[2] = { "bus[0].ifs", "bus[1].ifs" };
    QemuPCIIDEState *s = state;

    if (!vmstate_walk_pci_device(v, "parent_obj", &s->parent_obj, false,
                                 errp) ||
        !visit_start_array(v, "bmdma", 2, errp) ||
        !bmdma_visit(v, &s->bmdma[0], errp) ||
        !bmdma_visit(v, &s->bmdma[1], errp) ||
        !visit_end_array(v, errp)) {
        return false;
    }
    if (version >= 1 &&
        (!visit_start_array(v, "bus", 2, errp) ||
         !vmstate_walk_ide_bus(v, NULL, &s->bus[0], errp) ||
         !vmstate_walk_ide_bus(v, NULL, &s->bus[1], errp) ||
         !visit_end_array(v, errp))) {
        return false;
    }
    for (int i = 0; version >= 3 && i < 2; i++) {
        if (!visit_start_array(v, drive_names[i], 2, errp) ||
            !vmstate_walk_ide_drive(v, NULL, &s->drives[i][0], errp) ||
            !vmstate_walk_ide_drive(v, NULL, &s->drives[i][1], errp) ||
            !visit_end_array(v, errp)) {
            return false;
        }
    }
    return true;
}

const QemuDevice qemu_dev_ide = {
    .name = "ide",
    .vmsd_name = "ide",
    .version = 3,
    .minimum_version = 0,
    .state_size = sizeof(QemuPCIIDEState),
    .visit = ide_visit,
};

/* --- "isa-ide" v3 (hw/ide/isa.c) ------------------------------------- */

/*
 * The ISA IDE controller of the isapc machine: one bus (from version 1)
 * and its two drives (from version 3), no PCI and no DMA.
 */
typedef struct QemuISAIDEState {
    QemuIDEBus bus;
    QemuIDEDrive drives[2];
} QemuISAIDEState;

static bool isa_ide_visit(Visitor *v, void *state, uint32_t version,
                          GError **errp)
{
    QemuISAIDEState *s = state;

    if (version >= 1 && !vmstate_walk_ide_bus(v, "bus", &s->bus, errp)) {
        return false;
    }
    return version < 3 ||
           (visit_start_array(v, "bus.ifs", 2, errp) &&
            vmstate_walk_ide_drive(v, NULL, &s->drives[0], errp) &&
            vmstate_walk_ide_drive(v, NULL, &s->drives[1], errp) &&
            visit_end_array(v, errp));
}

const QemuDevice qemu_dev_isa_ide = {
    .name = "isa-ide",
    .vmsd_name = "isa-ide",
    .version = 3,
    .minimum_version = 0,
    .state_size = sizeof(QemuISAIDEState),
    .visit = isa_ide_visit,
};
