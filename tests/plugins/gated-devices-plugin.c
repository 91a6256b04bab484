/*
 * A device plugin for the CLI tests: "vser" v3, whose walk reads its v1
 * and v2 layouts itself through version gates (v2 added flags, v3
 * elem_popped), registered with minimum_walk_version 1. `qvisit schemas`
 * then writes the layout of each version it reads, which compat-check
 * compares older schema files with.
 */
#include <qvisit/qvisit.h>

typedef struct VSerState {
    uint32_t ports;
    uint8_t flags;
    uint32_t elem_popped;
} VSerState;

const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n);

static bool vser_visit(Visitor *v, void *opaque, GError **errp)
{
    VSerState *s = opaque;

    return visit_start_struct(v, "vser", errp) &&
           visit_type_u32(v, "ports", &s->ports, errp) &&
           (!visit_since(v, 2) ||
            visit_type_u8(v, "flags", &s->flags, errp)) &&
           (!visit_since(v, 3) ||
            visit_type_u32(v, "elem_popped", &s->elem_popped, errp)) &&
           visit_end_struct(v, errp);
}

static const MigrationDeviceInfo vser_v3 = {
    .id = "vser",
    .version = 3,
    .minimum_version = 1,
    .minimum_walk_version = 1,
    .visit = vser_visit,
    .state_size = sizeof(VSerState),
};

static const MigrationDeviceInfo *const devices[] = { &vser_v3 };

const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n)
{
    *n = G_N_ELEMENTS(devices);
    return devices;
}
