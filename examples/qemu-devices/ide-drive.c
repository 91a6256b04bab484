/*
 * The IDE bus and drive state QEMU 7.2's IDE controllers share
 * (hw/ide/core.c): "ide_bus" v1 and "ide_drive" v3 with their
 * subsections. See ide-drive.h.
 */
#include "examples/qemu-devices/ide-drive.h"

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

bool vmstate_walk_ide_bus(Visitor *v, const char *name, QemuIDEBus *b,
                          GError **errp)
{
    return visit_start_struct(v, name, errp) &&
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

bool vmstate_walk_ide_drive(Visitor *v, const char *name, QemuIDEDrive *d,
                            GError **errp)
{
    if (!visit_start_struct(v, name, errp) ||
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
