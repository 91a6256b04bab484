/*
 * "timer": the guest clocks' offsets (QEMU 7.2 softmmu/cpu-timers.c,
 * vmstate_timers, version 2, minimum 1), with the icount subsections
 * that a guest run with -icount sends.
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct TimersState {
    int64_t cpu_ticks_offset;
    uint8_t unused[8];
    int64_t cpu_clock_offset;
    bool has_icount;
    int64_t qemu_icount_bias;
    int64_t qemu_icount;
    bool has_warp_timer;
    int64_t vm_clock_warp_start;
    int64_t icount_warp_timer;
    bool has_adjust_timers;
    int64_t icount_rt_timer;
    int64_t icount_vm_timer;
    bool has_shift;
    int16_t icount_time_shift;
    int64_t last_delta;
} TimersState;

static bool warp_timer_visit(Visitor *v, void *opaque, uint32_t version,
                             GError **errp)
{
    TimersState *s = opaque;

    (void)version;
    return visit_type_i64(v, "vm_clock_warp_start", &s->vm_clock_warp_start,
                          errp) &&
           visit_type_i64(v, "icount_warp_timer", &s->icount_warp_timer,
                          errp);
}

static bool adjust_timers_visit(Visitor *v, void *opaque, uint32_t version,
                                GError **errp)
{
    TimersState *s = opaque;

    (void)version;
    return visit_type_i64(v, "icount_rt_timer", &s->icount_rt_timer, errp) &&
           visit_type_i64(v, "icount_vm_timer", &s->icount_vm_timer, errp);
}

static bool shift_visit(Visitor *v, void *opaque, uint32_t version,
                        GError **errp)
{
    TimersState *s = opaque;

    (void)version;
    return visit_type_i16(v, "icount_time_shift", &s->icount_time_shift,
                          errp) &&
           visit_type_i64(v, "last_delta", &s->last_delta, errp);
}

static bool icount_visit(Visitor *v, void *opaque, uint32_t version,
                         GError **errp)
{
    TimersState *s = opaque;

    (void)version;
    return visit_type_i64(v, "qemu_icount_bias", &s->qemu_icount_bias,
                          errp) &&
           visit_type_i64(v, "qemu_icount", &s->qemu_icount, errp) &&
           qemu_dev_subsection(v, "timer/icount/warp_timer", 1, 1,
                               &s->has_warp_timer, warp_timer_visit, s,
                               errp) &&
           qemu_dev_subsection(v, "timer/icount/timers", 1, 1,
                               &s->has_adjust_timers, adjust_timers_visit,
                               s, errp) &&
           qemu_dev_subsection(v, "timer/icount/shift", 2, 2, &s->has_shift,
                               shift_visit, s, errp);
}

static bool timer_visit(Visitor *v, void *opaque, uint32_t version,
                        GError **errp)
{
    TimersState *s = opaque;

    return visit_type_i64(v, "cpu_ticks_offset", &s->cpu_ticks_offset,
                          errp) &&
           visit_type_buffer(v, "unused", s->unused, sizeof(s->unused),
                             errp) &&
           (version < 2 ||
            visit_type_i64(v, "cpu_clock_offset", &s->cpu_clock_offset,
                           errp)) &&
           qemu_dev_subsection(v, "timer/icount", 1, 1, &s->has_icount,
                               icount_visit, s, errp);
}

const QemuDevice qemu_dev_timer = {
    .name = "timer",
    .vmsd_name = "timer",
    .version = 2,
    .minimum_version = 1,
    .state_size = sizeof(TimersState),
    .visit = timer_visit,
};
