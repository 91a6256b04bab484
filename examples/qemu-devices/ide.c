/*
 * QEMU 7.2's PCI IDE controllers (PIIX3/PIIX4 IDE, section
 * "<pci addr>/ide"; hw/ide/pci.c, vmsd "ide" v3, oldest 0): the
 * PCIDevice, the two bus-master DMA engines, the two buses and the two
 * drives of each bus (hw/ide/core.c). Each of the nested vmsds has
 * subsections, so QEMU's vmdesc lists their elements one by one
 * ("index"); the decode shapes them as lists all the same.
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* IDE_DMA_BUF_SECTORS * 512 + 4: the PIO buffer's length, which the
 * stream does not carry (a VMSTATE_VARRAY_INT32 counted by
 * io_buffer_total_len, set when the drive is created). */
#define QEMU_IDE_IO_BUFFER_LEN (256 * 512 + 4)
#define QEMU_IDE_IDENTIFY_LEN 512

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

typedef struct QemuIDEBus {
    uint8_t cmd;
    uint8_t unit;
    bool error_present;
    int32_t error_status;
    int64_t retry_sector_num;
    uint32_t retry_nsector;
    uint8_t retry_unit;
} QemuIDEBus;

typedef struct QemuIDEDrive {
    int32_t mult_sectors;
    int32_t identify_set;
    uint8_t identify_data[QEMU_IDE_IDENTIFY_LEN];
    uint8_t feature;
    uint8_t error;
    uint32_t nsector;
    uint8_t sector;
    uint8_t lcyl;
    uint8_t hcyl;
    uint8_t hob_feature;
    uint8_t hob_sector;
    uint8_t hob_nsector;
    uint8_t hob_lcyl;
    uint8_t hob_hcyl;
    uint8_t select;
    uint8_t status;
    uint8_t lba48;
    uint8_t sense_key;
    uint8_t asc;
    uint8_t cdrom_changed;
    bool pio_present;
    int32_t req_nb_sectors;
    uint8_t io_buffer[QEMU_IDE_IO_BUFFER_LEN];
    int32_t cur_io_buffer_offset;
    int32_t cur_io_buffer_len;
    uint8_t end_transfer_fn_idx;
    int32_t elementary_transfer_size;
    int32_t packet_transfer_size;
    bool tray_present;
    bool tray_open;
    bool tray_locked;
    bool gesn_present;
    bool new_media;
    bool eject_request;
} QemuIDEDrive;

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

/* --- "ide_bus" v1 ------------------------------------------------------ */

static bool bus_error_visit(Visitor *v, void *state, uint32_t version,
                            GError **errp)
{
    QemuIDEBus *b = state;

    if (!visit_type_i32(v, "error_status", &b->error_status, errp)) {
        return false;
    }
    return version < 2 ||
           (visit_type_i64(v, "retry_sector_num", &b->retry_sector_num,
                           errp) &&
            visit_type_u32(v, "retry_nsector", &b->retry_nsector, errp) &&
            visit_type_u8(v, "retry_unit", &b->retry_unit, errp));
}

static bool bus_visit(Visitor *v, QemuIDEBus *b, GError **errp)
{
    return visit_start_struct(v, NULL, errp) &&
           visit_type_u8(v, "cmd", &b->cmd, errp) &&
           visit_type_u8(v, "unit", &b->unit, errp) &&
           qemu_dev_subsection(v, "ide_bus/error", 2, 1, &b->error_present,
                               bus_error_visit, b, errp) &&
           visit_end_struct(v, errp);
}

/* --- "ide_drive" v3 ---------------------------------------------------- */

static bool drive_pio_visit(Visitor *v, void *state, uint32_t version,
                            GError **errp)
{
    QemuIDEDrive *d = state;

    (void)version;
    return visit_type_i32(v, "req_nb_sectors", &d->req_nb_sectors, errp) &&
           visit_type_u8_array(v, "io_buffer", d->io_buffer,
                               QEMU_IDE_IO_BUFFER_LEN, errp) &&
           visit_type_i32(v, "cur_io_buffer_offset",
                          &d->cur_io_buffer_offset, errp) &&
           visit_type_i32(v, "cur_io_buffer_len", &d->cur_io_buffer_len,
                          errp) &&
           visit_type_u8(v, "end_transfer_fn_idx", &d->end_transfer_fn_idx,
                         errp) &&
           visit_type_i32(v, "elementary_transfer_size",
                          &d->elementary_transfer_size, errp) &&
           visit_type_i32(v, "packet_transfer_size",
                          &d->packet_transfer_size, errp);
}

static bool drive_tray_visit(Visitor *v, void *state, uint32_t version,
                             GError **errp)
{
    QemuIDEDrive *d = state;

    (void)version;
    return visit_type_bool(v, "tray_open", &d->tray_open, errp) &&
           visit_type_bool(v, "tray_locked", &d->tray_locked, errp);
}

static bool drive_gesn_visit(Visitor *v, void *state, uint32_t version,
                             GError **errp)
{
    QemuIDEDrive *d = state;

    (void)version;
    return visit_type_bool(v, "events.new_media", &d->new_media, errp) &&
           visit_type_bool(v, "events.eject_request", &d->eject_request,
                           errp);
}

static bool drive_regs_visit(Visitor *v, QemuIDEDrive *d, GError **errp)
{
    return visit_type_u8(v, "feature", &d->feature, errp) &&
           visit_type_u8(v, "error", &d->error, errp) &&
           visit_type_u32(v, "nsector", &d->nsector, errp) &&
           visit_type_u8(v, "sector", &d->sector, errp) &&
           visit_type_u8(v, "lcyl", &d->lcyl, errp) &&
           visit_type_u8(v, "hcyl", &d->hcyl, errp) &&
           visit_type_u8(v, "hob_feature", &d->hob_feature, errp) &&
           visit_type_u8(v, "hob_sector", &d->hob_sector, errp) &&
           visit_type_u8(v, "hob_nsector", &d->hob_nsector, errp) &&
           visit_type_u8(v, "hob_lcyl", &d->hob_lcyl, errp) &&
           visit_type_u8(v, "hob_hcyl", &d->hob_hcyl, errp) &&
           visit_type_u8(v, "select", &d->select, errp) &&
           visit_type_u8(v, "status", &d->status, errp) &&
           visit_type_u8(v, "lba48", &d->lba48, errp) &&
           visit_type_u8(v, "sense_key", &d->sense_key, errp) &&
           visit_type_u8(v, "asc", &d->asc, errp) &&
           visit_type_u8(v, "cdrom_changed", &d->cdrom_changed, errp);
}

static bool drive_visit(Visitor *v, QemuIDEDrive *d, GError **errp)
{
    if (!visit_start_struct(v, NULL, errp) ||
        !visit_type_i32(v, "mult_sectors", &d->mult_sectors, errp) ||
        !visit_type_i32(v, "identify_set", &d->identify_set, errp)) {
        return false;
    }
    /* VMSTATE_BUFFER_TEST(is_identify_set): there once IDENTIFY ran. */
    if (d->identify_set != 0 &&
        !visit_type_buffer(v, "identify_data", d->identify_data,
                           sizeof(d->identify_data), errp)) {
        return false;
    }
    /* needed(): a PIO transfer in flight; the tray open or locked; a
     * media event the guest has not fetched. */
    return drive_regs_visit(v, d, errp) &&
           qemu_dev_subsection(v, "ide_drive/pio_state", 1, 1,
                               &d->pio_present, drive_pio_visit, d, errp) &&
           qemu_dev_subsection(v, "ide_drive/tray_state", 1, 1,
                               &d->tray_present, drive_tray_visit, d,
                               errp) &&
           qemu_dev_subsection(v, "ide_drive/atapi/gesn_state", 1, 1,
                               &d->gesn_present, drive_gesn_visit, d,
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
         !bus_visit(v, &s->bus[0], errp) || !bus_visit(v, &s->bus[1], errp) ||
         !visit_end_array(v, errp))) {
        return false;
    }
    for (int i = 0; version >= 3 && i < 2; i++) {
        if (!visit_start_array(v, drive_names[i], 2, errp) ||
            !drive_visit(v, &s->drives[i][0], errp) ||
            !drive_visit(v, &s->drives[i][1], errp) ||
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
