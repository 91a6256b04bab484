/*
 * QEMU 7.2's VMware mouse backdoor, section "vmmouse" (hw/i386/vmmouse.c,
 * vmsd "vmmouse" v0): the queue's capacity (VMSTATE_INT32_EQUAL: QEMU
 * refuses another value than its own 1024), the queue, its fill level,
 * the status word and the absolute-mode flag.
 */
#include "examples/qemu-devices/qemu-devices.h"

/* VMMOUSE_QUEUE_SIZE */
#define QEMU_VMMOUSE_QUEUE_SIZE 1024

typedef struct QemuVMMouseState {
    int32_t queue_size;
    uint32_t queue[QEMU_VMMOUSE_QUEUE_SIZE];
    uint16_t nb_queue;
    uint16_t status;
    uint8_t absolute;
} QemuVMMouseState;

static bool vmmouse_visit(Visitor *v, void *state, uint32_t version,
                          GError **errp)
{
    QemuVMMouseState *s = state;

    (void)version;
    return visit_type_i32(v, "queue_size", &s->queue_size, errp) &&
           visit_type_u32_array(v, "queue", s->queue,
                                QEMU_VMMOUSE_QUEUE_SIZE, errp) &&
           visit_type_u16(v, "nb_queue", &s->nb_queue, errp) &&
           visit_type_u16(v, "status", &s->status, errp) &&
           visit_type_u8(v, "absolute", &s->absolute, errp);
}

const QemuDevice qemu_dev_vmmouse = {
    .name = "vmmouse",
    .vmsd_name = "vmmouse",
    .version = 0,
    .minimum_version = 0,
    .state_size = sizeof(QemuVMMouseState),
    .visit = vmmouse_visit,
};
