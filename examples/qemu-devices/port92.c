/*
 * QEMU 7.2's "port92" section (hw/i386/port92.c, vmsd "port92" v1): the
 * System Control Port A latch.
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct QemuPort92State {
    uint8_t outport;
} QemuPort92State;

static bool port92_visit(Visitor *v, void *state, uint32_t version,
                         GError **errp)
{
    QemuPort92State *s = state;

    (void)version;
    return visit_type_u8(v, "outport", &s->outport, errp);
}

const QemuDevice qemu_dev_port92 = {
    .name = "port92",
    .vmsd_name = "port92",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuPort92State),
    .visit = port92_visit,
};
