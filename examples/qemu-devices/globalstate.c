/*
 * "globalstate": the run state the destination resumes in (QEMU 7.2
 * migration/global_state.c, vmstate_globalstate, version 1): the length
 * of the run state's name and a 100-byte buffer holding it.
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct GlobalState {
    uint32_t size;
    uint8_t runstate[100];
} GlobalState;

static bool globalstate_visit(Visitor *v, void *opaque, uint32_t version,
                              GError **errp)
{
    GlobalState *s = opaque;

    (void)version;
    return visit_type_u32(v, "size", &s->size, errp) &&
           visit_type_buffer(v, "runstate", s->runstate,
                             sizeof(s->runstate), errp);
}

const QemuDevice qemu_dev_globalstate = {
    .name = "globalstate",
    .vmsd_name = "globalstate",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(GlobalState),
    .visit = globalstate_visit,
};
