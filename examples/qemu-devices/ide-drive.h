/*
 * The IDE bus and drive state QEMU 7.2's IDE controllers share
 * (hw/ide/core.c): vmsd "ide_bus" v1, with its "ide_bus/error"
 * subsection, and vmsd "ide_drive" v3, with identify_data (present once
 * IDENTIFY ran) and its PIO transfer, tray and media event
 * subsections. Used by the PIIX IDE (ide.c) and ICH9 AHCI
 * (ich9-ahci.c) sections, each time as a VMSTATE_STRUCT, so always at
 * those versions.
 */
#ifndef QVISIT_EXAMPLES_QEMU_DEVICES_IDE_DRIVE_H
#define QVISIT_EXAMPLES_QEMU_DEVICES_IDE_DRIVE_H

#include "examples/qemu-devices/vmstate-walk.h"

/* IDE_DMA_BUF_SECTORS * 512 + 4: the PIO buffer's length, which the
 * stream does not carry (a VMSTATE_VARRAY_INT32 counted by
 * io_buffer_total_len, set when the drive is created). */
#define QEMU_IDE_IO_BUFFER_LEN (256 * 512 + 4)
#define QEMU_IDE_IDENTIFY_LEN 512

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

/*
 * vmstate_walk_ide_bus:
 * @v: a visitor
 * @name: (nullable) (transfer none): the member name; NULL in an array
 * @b: (inout): the state
 * @errp: return location for an error
 *
 * An "ide_bus" struct.
 *
 * Returns: true on success.
 */
bool vmstate_walk_ide_bus(Visitor *v, const char *name, QemuIDEBus *b,
                          GError **errp);

/*
 * vmstate_walk_ide_drive:
 * @v: a visitor
 * @name: (nullable) (transfer none): the member name; NULL in an array
 * @d: (inout): the state
 * @errp: return location for an error
 *
 * An "ide_drive" struct.
 *
 * Returns: true on success.
 */
bool vmstate_walk_ide_drive(Visitor *v, const char *name, QemuIDEDrive *d,
                            GError **errp);

#endif /* QVISIT_EXAMPLES_QEMU_DEVICES_IDE_DRIVE_H */
