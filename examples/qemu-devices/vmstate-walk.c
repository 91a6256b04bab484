/*
 * Helpers shared by the built-in QEMU device walks: signed arrays, the
 * embedded PCIDevice, the SMBus controller.
 */
#include "examples/qemu-devices/vmstate-walk.h"

bool vmstate_walk_i32_array(Visitor *v, const char *name, int32_t *arr,
                            size_t n, GError **errp)
{
    if (!visit_start_array(v, name, n, errp)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!visit_type_i32(v, NULL, &arr[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp);
}

bool vmstate_walk_i32_varray(Visitor *v, const char *name, int32_t *arr,
                             size_t n, GError **errp)
{
    if (n == 0) {
        return true;
    }
    if (n == 1) {
        return visit_type_i32(v, name, &arr[0], errp);
    }
    return vmstate_walk_i32_array(v, name, arr, n, errp);
}

bool vmstate_walk_pci_device(Visitor *v, const char *name, QemuPCIDevice *d,
                             bool express, GError **errp)
{
    /* QEMU names both config fields "config"; its vmdesc numbers repeated
     * names in declaration order: conventional first, then express. */
    return visit_start_struct(v, name, errp) &&
           visit_type_i32(v, "version_id", &d->version_id, errp) &&
           (express
            ? visit_type_buffer(v, "config[1]", d->config,
                                QEMU_PCIE_CONFIG_SIZE, errp)
            : visit_type_buffer(v, "config[0]", d->config,
                                QEMU_PCI_CONFIG_SIZE, errp)) &&
           visit_type_buffer(v, "irq_state", d->irq_state,
                             sizeof(d->irq_state), errp) &&
           visit_end_struct(v, errp);
}

bool vmstate_walk_pmsmb(Visitor *v, const char *name, QemuPMSMBus *smb,
                        GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_u8(v, "smb_stat", &smb->smb_stat, errp) &&
           visit_type_u8(v, "smb_ctl", &smb->smb_ctl, errp) &&
           visit_type_u8(v, "smb_cmd", &smb->smb_cmd, errp) &&
           visit_type_u8(v, "smb_addr", &smb->smb_addr, errp) &&
           visit_type_u8(v, "smb_data0", &smb->smb_data0, errp) &&
           visit_type_u8(v, "smb_data1", &smb->smb_data1, errp) &&
           visit_type_u32(v, "smb_index", &smb->smb_index, errp) &&
           visit_type_u8_array(v, "smb_data", smb->smb_data,
                               QEMU_PM_SMBUS_MAX_MSG_SIZE, errp) &&
           visit_type_u8(v, "smb_auxctl", &smb->smb_auxctl, errp) &&
           visit_type_u8(v, "smb_blkdata", &smb->smb_blkdata, errp) &&
           visit_type_bool(v, "i2c_enable", &smb->i2c_enable, errp) &&
           visit_type_bool(v, "op_done", &smb->op_done, errp) &&
           visit_type_bool(v, "in_i2c_block_read", &smb->in_i2c_block_read,
                           errp) &&
           visit_type_bool(v, "start_transaction_on_status_read",
                           &smb->start_transaction_on_status_read, errp) &&
           visit_end_struct(v, errp);
}
