/*
 * "mc146818rtc": the ISA real-time clock (QEMU 7.2 hw/rtc/mc146818rtc.c,
 * vmstate_rtc, version 3, minimum 1) and its subsection
 * "mc146818rtc/irq_reinject_on_ack_count" (sent while the lost-tick
 * policy "slew" has interrupts left to reinject).
 *
 * A field table, line for line QEMU's (docs/converting-devices.md, "From
 * VMState", uses it as the worked example): the two VMSTATE_UNUSED runs
 * are "unused[0]" and "unused[1]" as in QEMU's vmdesc, written as zeros
 * and ignored on load as QEMU does; timers (VMSTATE_TIMER_PTR) are their
 * expiry, an int64 (-1: not armed).
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct RTCState {
    uint8_t cmos_data[128];
    uint8_t cmos_index;
    int64_t periodic_timer;
    int64_t next_periodic_time;
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

static bool rtc_irq_reinject_on_ack_count_needed(void *opaque)
{
    return ((RTCState *)opaque)->irq_reinject_on_ack_count != 0;
}

static const VMStateDescription vmstate_rtc_irq_reinject_on_ack_count = {
    .name = "mc146818rtc/irq_reinject_on_ack_count",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = rtc_irq_reinject_on_ack_count_needed,
    /* What the stream had, so re-encoding writes the same record. */
    .present = VMSTATE_PRESENT(RTCState, has_reinject),
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(irq_reinject_on_ack_count, RTCState),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_rtc = {
    .name = "mc146818rtc",
    .version_id = 3,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_BUFFER(cmos_data, RTCState),
        VMSTATE_UINT8(cmos_index, RTCState),
        VMSTATE_UNUSED(7 * 4),
        VMSTATE_INT64(periodic_timer, RTCState),        /* TIMER_PTR */
        VMSTATE_INT64(next_periodic_time, RTCState),
        VMSTATE_UNUSED(3 * 8),
        VMSTATE_UINT32_V(irq_coalesced, RTCState, 2),
        VMSTATE_UINT32_V(period, RTCState, 2),
        VMSTATE_UINT64_V(base_rtc, RTCState, 3),
        VMSTATE_UINT64_V(last_update, RTCState, 3),
        VMSTATE_INT64_V(offset, RTCState, 3),
        VMSTATE_INT64_V(update_timer, RTCState, 3),      /* TIMER_PTR_V */
        VMSTATE_UINT64_V(next_alarm_time, RTCState, 3),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_rtc_irq_reinject_on_ack_count,
        NULL
    }
};

static bool rtc_visit(Visitor *v, void *opaque, uint32_t version,
                      GError **errp)
{
    return vmstate_visit_members(v, &vmstate_rtc, opaque, version, errp);
}

const QemuDevice qemu_dev_mc146818rtc = {
    .name = "mc146818rtc",
    .vmsd_name = "mc146818rtc",
    .version = 3,
    .minimum_version = 1,
    .state_size = sizeof(RTCState),
    .visit = rtc_visit,
};
