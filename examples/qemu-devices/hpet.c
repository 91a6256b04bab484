/*
 * "hpet": the high precision event timer (QEMU 7.2 hw/timer/hpet.c,
 * vmstate_hpet, version 2, minimum 1; timers are vmstate_hpet_timer),
 * with its subsections "hpet/rtc_irq_level" and "hpet/offset".
 */
#include "examples/qemu-devices/qemu-devices.h"

#define HPET_MIN_TIMERS 3
#define HPET_MAX_TIMERS 32

typedef struct HPETTimer {
    uint8_t tn;
    uint64_t config;
    uint64_t cmp;
    uint64_t fsb;
    uint64_t period;
    uint8_t wrap_flag;
    int64_t qemu_timer;
} HPETTimer;

typedef struct HPETState {
    uint64_t config;
    uint64_t isr;
    uint64_t hpet_counter;
    uint8_t num_timers;
    HPETTimer timer[HPET_MAX_TIMERS];
    bool has_rtc_irq_level;
    uint8_t rtc_irq_level;
    bool has_offset;
    uint64_t hpet_offset;
} HPETState;

static bool hpet_timer_visit(Visitor *v, HPETTimer *t, GError **errp)
{
    return visit_start_struct(v, NULL, errp) &&
           visit_type_u8(v, "tn", &t->tn, errp) &&
           visit_type_u64(v, "config", &t->config, errp) &&
           visit_type_u64(v, "cmp", &t->cmp, errp) &&
           visit_type_u64(v, "fsb", &t->fsb, errp) &&
           visit_type_u64(v, "period", &t->period, errp) &&
           visit_type_u8(v, "wrap_flag", &t->wrap_flag, errp) &&
           visit_type_i64(v, "qemu_timer", &t->qemu_timer, errp) &&
           visit_end_struct(v, errp);
}

static bool rtc_irq_level_visit(Visitor *v, void *opaque, uint32_t version,
                                GError **errp)
{
    HPETState *s = opaque;

    (void)version;
    return visit_type_u8(v, "rtc_irq_level", &s->rtc_irq_level, errp);
}

static bool offset_visit(Visitor *v, void *opaque, uint32_t version,
                         GError **errp)
{
    HPETState *s = opaque;

    (void)version;
    return visit_type_u64(v, "hpet_offset", &s->hpet_offset, errp);
}

static bool hpet_visit(Visitor *v, void *opaque, uint32_t version,
                       GError **errp)
{
    HPETState *s = opaque;

    if (!visit_type_u64(v, "config", &s->config, errp) ||
        !visit_type_u64(v, "isr", &s->isr, errp) ||
        !visit_type_u64(v, "hpet_counter", &s->hpet_counter, errp)) {
        return false;
    }
    if (version < 2) {
        /* hpet_pre_load(): version 1 has the three timers of old. */
        s->num_timers = HPET_MIN_TIMERS;
    } else if (!visit_type_u8(v, "num_timers", &s->num_timers, errp)) {
        return false;
    }
    /* A describe walk runs over a zeroed state: describe the smallest
     * timer array QEMU has, so that the schema shows the timers. */
    if (visit_get_type(v) == VISITOR_DESCRIBE && s->num_timers == 0) {
        s->num_timers = HPET_MIN_TIMERS;
    }
    /* VMSTATE_VALIDATE("num_timers in range"), before the array. */
    if (s->num_timers < HPET_MIN_TIMERS || s->num_timers > HPET_MAX_TIMERS) {
        return visit_set_error(v, errp, "num_timers", QVISIT_ERROR_RANGE,
                               "%u is outside %d..%d", s->num_timers,
                               HPET_MIN_TIMERS, HPET_MAX_TIMERS);
    }
    if (!visit_start_array(v, "timer", s->num_timers, errp)) {
        return false;
    }
    for (unsigned i = 0; i < s->num_timers; i++) {
        if (!hpet_timer_visit(v, &s->timer[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           qemu_dev_subsection(v, "hpet/rtc_irq_level", 1, 1,
                               &s->has_rtc_irq_level, rtc_irq_level_visit,
                               s, errp) &&
           qemu_dev_subsection(v, "hpet/offset", 1, 1, &s->has_offset,
                               offset_visit, s, errp);
}

const QemuDevice qemu_dev_hpet = {
    .name = "hpet",
    .vmsd_name = "hpet",
    .version = 2,
    .minimum_version = 1,
    .state_size = sizeof(HPETState),
    .visit = hpet_visit,
};
