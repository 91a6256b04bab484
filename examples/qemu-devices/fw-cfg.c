/*
 * QEMU 7.2's firmware configuration device, section "fw_cfg"
 * (hw/nvram/fw_cfg.c, vmsd "fw_cfg" v2, oldest 1): the selected entry and
 * the read offset in it (a u16 in version 1, a u32 from version 2; QEMU
 * names both "cur_offset", so its vmdesc calls them "cur_offset[0]" and
 * "cur_offset[1]"), then the "fw_cfg/dma" subsection (sent when the DMA
 * interface is enabled) and "fw_cfg/acpi_mr" (the sizes of the ACPI
 * blobs, sent when the machine restores them and one of them is not a
 * multiple of the host page size).
 */
#include "examples/qemu-devices/vmstate-walk.h"

typedef struct QemuFWCfgState {
    uint16_t cur_entry;
    uint16_t cur_offset_v1;
    uint32_t cur_offset;
    bool dma_present;
    uint64_t dma_addr;
    bool acpi_mr_present;
    uint64_t table_mr_size;
    uint64_t linker_mr_size;
    uint64_t rsdp_mr_size;
} QemuFWCfgState;

static bool fw_cfg_dma_visit(Visitor *v, void *state, uint32_t version,
                             GError **errp)
{
    QemuFWCfgState *s = state;

    (void)version;
    return visit_type_u64(v, "dma_addr", &s->dma_addr, errp);
}

static bool fw_cfg_acpi_mr_visit(Visitor *v, void *state, uint32_t version,
                                 GError **errp)
{
    QemuFWCfgState *s = state;

    (void)version;
    return visit_type_u64(v, "table_mr_size", &s->table_mr_size, errp) &&
           visit_type_u64(v, "linker_mr_size", &s->linker_mr_size, errp) &&
           visit_type_u64(v, "rsdp_mr_size", &s->rsdp_mr_size, errp);
}

static bool fw_cfg_visit(Visitor *v, void *state, uint32_t version,
                         GError **errp)
{
    QemuFWCfgState *s = state;

    if (!visit_type_u16(v, "cur_entry", &s->cur_entry, errp)) {
        return false;
    }
    /* VMSTATE_UINT16_HACK: only a version 1 stream has the u16. */
    if (version == 1 &&
        !visit_type_u16(v, "cur_offset[0]", &s->cur_offset_v1, errp)) {
        return false;
    }
    if (version >= 2 &&
        !visit_type_u32(v, "cur_offset[1]", &s->cur_offset, errp)) {
        return false;
    }
    return qemu_dev_subsection(v, "fw_cfg/dma", 0, 0, &s->dma_present,
                               fw_cfg_dma_visit, s, errp) &&
           qemu_dev_subsection(v, "fw_cfg/acpi_mr", 1, 1,
                               &s->acpi_mr_present, fw_cfg_acpi_mr_visit, s,
                               errp);
}

const QemuDevice qemu_dev_fw_cfg = {
    .name = "fw_cfg",
    .vmsd_name = "fw_cfg",
    .version = 2,
    .minimum_version = 1,
    .state_size = sizeof(QemuFWCfgState),
    .visit = fw_cfg_visit,
};
