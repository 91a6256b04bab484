/*
 * "mc146818rtc": the ISA real-time clock (QEMU 7.2 hw/rtc/mc146818rtc.c,
 * vmstate_rtc, version 3, minimum 1) and its subsection
 * "mc146818rtc/irq_reinject_on_ack_count" (sent while the lost-tick
 * policy "slew" has interrupts left to reinject).
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct RTCState {
    uint8_t cmos_data[128];
    uint8_t cmos_index;
    uint8_t unused0[7 * 4];
    int64_t periodic_timer;
    int64_t next_periodic_time;
    uint8_t unused1[3 * 8];
    uint32_t irq_coalesced;
    uint32_t period;
    uint64_t base_rtc;
    uint64_t last_update;
    int64_t offset;
    int64_t update_timer;
    uint64_t next_alarm_time;
    bool has_reinject;
    uint16_t irq_reinject_on_ack_count;
} RTCState;

static bool reinject_visit(Visitor *v, void *opaque, uint32_t version,
                           GError **errp)
{
    RTCState *s = opaque;

    (void)version;
    return visit_type_u16(v, "irq_reinject_on_ack_count",
                          &s->irq_reinject_on_ack_count, errp);
}

static bool rtc_visit(Visitor *v, void *opaque, uint32_t version,
                      GError **errp)
{
    RTCState *s = opaque;

    return visit_type_buffer(v, "cmos_data", s->cmos_data,
                             sizeof(s->cmos_data), errp) &&
           visit_type_u8(v, "cmos_index", &s->cmos_index, errp) &&
           visit_type_buffer(v, "unused[0]", s->unused0, sizeof(s->unused0),
                             errp) &&
           visit_type_i64(v, "periodic_timer", &s->periodic_timer, errp) &&
           visit_type_i64(v, "next_periodic_time", &s->next_periodic_time,
                          errp) &&
           visit_type_buffer(v, "unused[1]", s->unused1, sizeof(s->unused1),
                             errp) &&
           (version < 2 ||
            (visit_type_u32(v, "irq_coalesced", &s->irq_coalesced, errp) &&
             visit_type_u32(v, "period", &s->period, errp))) &&
           (version < 3 ||
            (visit_type_u64(v, "base_rtc", &s->base_rtc, errp) &&
             visit_type_u64(v, "last_update", &s->last_update, errp) &&
             visit_type_i64(v, "offset", &s->offset, errp) &&
             visit_type_i64(v, "update_timer", &s->update_timer, errp) &&
             visit_type_u64(v, "next_alarm_time", &s->next_alarm_time,
                            errp))) &&
           qemu_dev_subsection(v, "mc146818rtc/irq_reinject_on_ack_count",
                               1, 1, &s->has_reinject, reinject_visit, s,
                               errp);
}

const QemuDevice qemu_dev_mc146818rtc = {
    .name = "mc146818rtc",
    .vmsd_name = "mc146818rtc",
    .version = 3,
    .minimum_version = 1,
    .state_size = sizeof(RTCState),
    .visit = rtc_visit,
};
