/*
 * Helpers shared by the built-in QEMU device walks: signed arrays, the
 * embedded PCIDevice.
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
