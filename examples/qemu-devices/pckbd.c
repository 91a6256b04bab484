/*
 * QEMU 7.2's i8042 keyboard controller on the ISA bus, section "pckbd"
 * (hw/input/pckbd.c, vmsd "pckbd" v3, oldest 3): one struct member "kbd"
 * holding the controller vmsd (also named "pckbd", v3) with its two
 * subsections, "pckbd_outport" (sent when the output port is not its
 * reset value) and "pckbd/extended_state" (sent unless the machine type
 * predates it, as pc-i440fx-2.3 does).
 */
#include "examples/qemu-devices/vmstate-walk.h"

typedef struct QemuKBDState {
    uint8_t write_cmd;
    uint8_t status;
    uint8_t mode;
    uint8_t pending_tmp;
    bool outport_present;
    uint8_t outport;
    bool extended_present;
    uint32_t migration_flags;
    uint32_t obsrc;
    uint8_t obdata;
    uint8_t cbdata;
} QemuKBDState;

static bool kbd_outport_visit(Visitor *v, void *state, uint32_t version,
                              GError **errp)
{
    QemuKBDState *s = state;

    (void)version;
    return visit_type_u8(v, "outport", &s->outport, errp);
}

static bool kbd_extended_visit(Visitor *v, void *state, uint32_t version,
                               GError **errp)
{
    QemuKBDState *s = state;

    (void)version;
    return visit_type_u32(v, "migration_flags", &s->migration_flags,
                          errp) &&
           visit_type_u32(v, "obsrc", &s->obsrc, errp) &&
           visit_type_u8(v, "obdata", &s->obdata, errp) &&
           visit_type_u8(v, "cbdata", &s->cbdata, errp);
}

static bool kbd_visit(Visitor *v, QemuKBDState *s, GError **errp)
{
    return visit_start_struct(v, "kbd", errp) &&
           visit_type_u8(v, "write_cmd", &s->write_cmd, errp) &&
           visit_type_u8(v, "status", &s->status, errp) &&
           visit_type_u8(v, "mode", &s->mode, errp) &&
           visit_type_u8(v, "pending_tmp", &s->pending_tmp, errp) &&
           qemu_dev_subsection(v, "pckbd_outport", 1, 1, &s->outport_present,
                               kbd_outport_visit, s, errp) &&
           qemu_dev_subsection(v, "pckbd/extended_state", 0, 0,
                               &s->extended_present, kbd_extended_visit, s,
                               errp) &&
           visit_end_struct(v, errp);
}

static bool pckbd_visit(Visitor *v, void *state, uint32_t version,
                        GError **errp)
{
    (void)version;
    return kbd_visit(v, state, errp);
}

const QemuDevice qemu_dev_pckbd = {
    .name = "pckbd",
    .vmsd_name = "pckbd",
    .version = 3,
    .minimum_version = 3,
    .state_size = sizeof(QemuKBDState),
    .visit = pckbd_visit,
};
