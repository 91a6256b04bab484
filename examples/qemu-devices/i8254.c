/*
 * "i8254": the programmable interval timer (QEMU 7.2
 * hw/timer/i8254_common.c, vmstate_pit_common, version 3, minimum 2;
 * its channels are vmstate_pit_channel, "pit channel" version 2).
 */
#include "examples/qemu-devices/qemu-devices.h"

#define PIT_CHANNELS 3

typedef struct PITChannelState {
    int32_t count;
    uint16_t latched_count;
    uint8_t count_latched;
    uint8_t status_latched;
    uint8_t status;
    uint8_t read_state;
    uint8_t write_state;
    uint8_t write_latch;
    uint8_t rw_mode;
    uint8_t mode;
    uint8_t bcd;
    uint8_t gate;
    int64_t count_load_time;
    int64_t next_transition_time;
} PITChannelState;

typedef struct PITCommonState {
    uint32_t irq_disabled;      /* channels[0].irq_disabled */
    PITChannelState channels[PIT_CHANNELS];
    /* channels[0].next_transition_time, sent a second time after the
     * array (formerly irq_timer); kept apart so that both copies
     * re-encode as they were read */
    int64_t next_transition_time0;
} PITCommonState;

static bool pit_channel_visit(Visitor *v, PITChannelState *c, GError **errp)
{
    return visit_start_struct(v, NULL, errp) &&
           visit_type_i32(v, "count", &c->count, errp) &&
           visit_type_u16(v, "latched_count", &c->latched_count, errp) &&
           visit_type_u8(v, "count_latched", &c->count_latched, errp) &&
           visit_type_u8(v, "status_latched", &c->status_latched, errp) &&
           visit_type_u8(v, "status", &c->status, errp) &&
           visit_type_u8(v, "read_state", &c->read_state, errp) &&
           visit_type_u8(v, "write_state", &c->write_state, errp) &&
           visit_type_u8(v, "write_latch", &c->write_latch, errp) &&
           visit_type_u8(v, "rw_mode", &c->rw_mode, errp) &&
           visit_type_u8(v, "mode", &c->mode, errp) &&
           visit_type_u8(v, "bcd", &c->bcd, errp) &&
           visit_type_u8(v, "gate", &c->gate, errp) &&
           visit_type_i64(v, "count_load_time", &c->count_load_time, errp) &&
           visit_type_i64(v, "next_transition_time",
                          &c->next_transition_time, errp) &&
           visit_end_struct(v, errp);
}

static bool pit_visit(Visitor *v, void *opaque, uint32_t version,
                      GError **errp)
{
    PITCommonState *s = opaque;

    if (version >= 3 &&
        !visit_type_u32(v, "channels[0].irq_disabled", &s->irq_disabled,
                        errp)) {
        return false;
    }
    if (!visit_start_array(v, "channels", PIT_CHANNELS, errp)) {
        return false;
    }
    for (size_t i = 0; i < PIT_CHANNELS; i++) {
        if (!pit_channel_visit(v, &s->channels[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           visit_type_i64(v, "channels[0].next_transition_time",
                          &s->next_transition_time0, errp);
}

const QemuDevice qemu_dev_i8254 = {
    .name = "i8254",
    .vmsd_name = "i8254",
    .version = 3,
    .minimum_version = 2,
    .state_size = sizeof(PITCommonState),
    .visit = pit_visit,
};
