/*
 * Helpers shared by the built-in QEMU device walks: signed arrays, the
 * embedded PCIDevice, the SMBus controller, field tables.
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

bool vmstate_walk_memhp(Visitor *v, const char *name, QemuMemHotplug *m,
                        GError **errp)
{
    if (!visit_start_struct(v, name, errp) ||
        !visit_type_u32(v, "selector", &m->selector, errp)) {
        return false;
    }
    if (m->slots > 1 && !visit_start_array(v, "devs", m->slots, errp)) {
        return false;
    }
    for (uint32_t i = 0; i < m->slots; i++) {
        QemuMemStatus *d = &m->devs[i];

        if (!visit_start_struct(v, m->slots > 1 ? NULL : "devs", errp) ||
            !visit_type_bool(v, "is_enabled", &d->is_enabled, errp) ||
            !visit_type_bool(v, "is_inserting", &d->is_inserting, errp) ||
            !visit_type_u32(v, "ost_event", &d->ost_event, errp) ||
            !visit_type_u32(v, "ost_status", &d->ost_status, errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    return (m->slots <= 1 || visit_end_array(v, errp)) &&
           visit_end_struct(v, errp);
}

uint32_t vmstate_walk_memhp_slots(QDict *memhp)
{
    QDict *mh = memhp ? qobject_to(QDict,
                                   qdict_get(memhp, "acpi_memory_hotplug"))
                      : NULL;
    QObject *devs = mh ? qdict_get(mh, "devs") : NULL;

    if (qobject_to(QList, devs)) {
        return (uint32_t)MIN(qlist_size(qobject_to(QList, devs)),
                             QEMU_MEMHP_MAX_SLOTS);
    }
    return qobject_to(QDict, devs) ? 1 : 0;
}

static size_t field_slots(const VmstateWalkField *f)
{
    if (f->kind == VMSTATE_WALK_BUFFER) {
        return (f->count + 7u) / 8u;
    }
    return f->count ? f->count : 1;
}

size_t vmstate_walk_field_slots(const VmstateWalkField *fields)
{
    size_t n = 0;

    for (const VmstateWalkField *f = fields; f && f->name; f++) {
        n += field_slots(f);
    }
    return n;
}

/* One integer through a temporary of its width. */
static bool walk_value(Visitor *v, const char *name, VmstateWalkKind kind,
                       uint64_t *slot, GError **errp)
{
    bool ok = false;

    switch (kind) {
    case VMSTATE_WALK_U8: {
        uint8_t x = (uint8_t)*slot;

        ok = visit_type_u8(v, name, &x, errp);
        *slot = x;
        break;
    }
    case VMSTATE_WALK_U16: {
        uint16_t x = (uint16_t)*slot;

        ok = visit_type_u16(v, name, &x, errp);
        *slot = x;
        break;
    }
    case VMSTATE_WALK_U32: {
        uint32_t x = (uint32_t)*slot;

        ok = visit_type_u32(v, name, &x, errp);
        *slot = x;
        break;
    }
    case VMSTATE_WALK_U64:
        ok = visit_type_u64(v, name, slot, errp);
        break;
    case VMSTATE_WALK_I32: {
        int32_t x = (int32_t)*slot;

        ok = visit_type_i32(v, name, &x, errp);
        *slot = (uint64_t)(int64_t)x;
        break;
    }
    case VMSTATE_WALK_I64: {
        int64_t x = (int64_t)*slot;

        ok = visit_type_i64(v, name, &x, errp);
        *slot = (uint64_t)x;
        break;
    }
    case VMSTATE_WALK_BOOL: {
        bool x = *slot != 0;

        ok = visit_type_bool(v, name, &x, errp);
        *slot = x;
        break;
    }
    case VMSTATE_WALK_BUFFER:
        g_assert_not_reached();
    }
    return ok;
}

bool vmstate_walk_fields(Visitor *v, const VmstateWalkField *fields,
                         uint32_t version, uint64_t *slots, GError **errp)
{
    for (const VmstateWalkField *f = fields; f->name; f++) {
        uint64_t *slot = slots;

        slots += field_slots(f);
        if (f->version > version) {
            continue;
        }
        if (f->kind == VMSTATE_WALK_BUFFER) {
            if (!visit_type_buffer(v, f->name, slot, f->count, errp)) {
                return false;
            }
            continue;
        }
        if (!f->count) {
            if (!walk_value(v, f->name, f->kind, slot, errp)) {
                return false;
            }
            continue;
        }
        if (!visit_start_array(v, f->name, f->count, errp)) {
            return false;
        }
        for (size_t i = 0; i < f->count; i++) {
            if (!walk_value(v, NULL, f->kind, slot++, errp)) {
                return false;
            }
        }
        if (!visit_end_array(v, errp)) {
            return false;
        }
    }
    return true;
}
