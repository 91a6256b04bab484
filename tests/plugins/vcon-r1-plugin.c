/*
 * Device and transform plugin for the configuration tests of
 * compat-check: "vcon", a virtio-console-like device whose queues carry
 * `align` only on a bus with variable ring alignment and whose ports are
 * an array counted in the stream. Release 2 adds `ports[].throttled`, and
 * the transforms between the releases forget it: the mistake compat-check
 * must catch. "vcon-noprep" is the same device without a prepare hook,
 * whose describe walk sees a zeroed state and so no element of either
 * array: compat-check then passes the forgetful transforms, and warns.
 *
 * This file is release 1; vcon-r2-plugin.c defines VCON_RELEASE 2 and
 * includes it, so both releases share one walk.
 */
#include <qvisit/qvisit.h>
#include <qvisit/compat.h>

#ifndef VCON_RELEASE
#define VCON_RELEASE 1
#endif
#define VCON_MAX 8

typedef struct VConQueue {
    uint32_t num;
    uint32_t align;
} VConQueue;

typedef struct VConPort {
    uint32_t id;
    uint8_t guest_connected;
    bool throttled;
} VConPort;

typedef struct VConState {
    bool variable_align;        /* configuration */
    uint32_t num_queues;
    VConQueue vq[VCON_MAX];
    uint32_t nr_active_ports;
    VConPort ports[VCON_MAX];
} VConState;

const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n);
bool qvisit_compat_plugin_register(CompatRegistry *r, GError **errp);

static bool vcon_visit(Visitor *v, void *opaque, GError **errp)
{
    VConState *s = opaque;
    bool ok;

    ok = visit_start_struct(v, "vcon", errp) &&
         visit_type_u32(v, "num_queues", &s->num_queues, errp) &&
         visit_check_range(v, "num_queues", s->num_queues, 0, VCON_MAX,
                           errp) &&
         visit_start_array(v, "vq", s->num_queues, errp);
    for (uint32_t i = 0; ok && i < s->num_queues; i++) {
        ok = visit_start_struct(v, NULL, errp) &&
             visit_type_u32(v, "num", &s->vq[i].num, errp) &&
             (!visit_config_member(v, "align", s->variable_align) ||
              visit_type_u32(v, "align", &s->vq[i].align, errp)) &&
             visit_end_struct(v, errp);
    }
    ok = ok && visit_end_array(v, errp) &&
         visit_type_u32(v, "nr_active_ports", &s->nr_active_ports, errp) &&
         visit_check_range(v, "nr_active_ports", s->nr_active_ports, 0,
                           VCON_MAX, errp) &&
         visit_start_array(v, "ports", s->nr_active_ports, errp);
    for (uint32_t i = 0; ok && i < s->nr_active_ports; i++) {
        VConPort *p = &s->ports[i];

        ok = visit_start_struct(v, NULL, errp) &&
             visit_type_u32(v, "id", &p->id, errp) &&
             visit_type_u8(v, "guest_connected", &p->guest_connected,
                           errp) &&
             (VCON_RELEASE < 2 ||
              visit_type_bool(v, "throttled", &p->throttled, errp)) &&
             visit_end_struct(v, errp);
    }
    return ok && visit_end_array(v, errp) && visit_end_struct(v, errp);
}

/* The live device's bus, or variable alignment to show `align`; one
 * queue and one port so that the describe walk shows their layouts. */
static bool vcon_prepare(void *scratch, const void *live, GError **errp)
{
    VConState *s = scratch;
    const VConState *l = live;

    (void)errp;
    s->variable_align = l ? l->variable_align : true;
    s->num_queues = 1;
    s->nr_active_ports = 1;
    return true;
}

static const MigrationDeviceInfo vcon = {
    .id = "vcon",
    .version = VCON_RELEASE,
    .minimum_version = VCON_RELEASE,
    .visit = vcon_visit,
    .state_size = sizeof(VConState),
    .prepare = vcon_prepare,
};

static const MigrationDeviceInfo vcon_noprep = {
    .id = "vcon-noprep",
    .version = VCON_RELEASE,
    .minimum_version = VCON_RELEASE,
    .visit = vcon_visit,
    .state_size = sizeof(VConState),
};

static const MigrationDeviceInfo *const devices[] = { &vcon, &vcon_noprep };

const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n)
{
    *n = G_N_ELEMENTS(devices);
    return devices;
}

/* The forgetful steps: nothing adds or drops `ports[].throttled`. */
static bool vcon_step(QDict *state, void *opaque, GError **errp)
{
    (void)state;
    (void)opaque;
    (void)errp;
    return true;
}

bool qvisit_compat_plugin_register(CompatRegistry *r, GError **errp)
{
    return compat_register(r, "vcon", 1, 2, vcon_step, NULL, errp) &&
           compat_register(r, "vcon", 2, 1, vcon_step, NULL, errp) &&
           compat_register(r, "vcon-noprep", 1, 2, vcon_step, NULL, errp) &&
           compat_register(r, "vcon-noprep", 2, 1, vcon_step, NULL, errp);
}
