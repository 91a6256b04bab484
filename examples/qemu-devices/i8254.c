/*
 * "i8254": the programmable interval timer (QEMU 7.2
 * hw/timer/i8254_common.c, vmstate_pit_common, version 3, minimum 2;
 * its channels are vmstate_pit_channel, "pit channel" version 2).
 *
 * A field table, line for line QEMU's, over QEMU's PITChannelState and
 * PITCommonState (their migrated members); tests/test-vmstate-qemu.c
 * checks it against the i8254 sections of the streams in tests/data/qemu.
 * One departure: QEMU sends channels[0].next_transition_time a second
 * time after the array (formerly irq_timer), from the same member; here
 * the second copy has a member of its own, so that both copies re-encode
 * as they were read.
 */
#include "examples/qemu-devices/qemu-devices.h"

#include <stddef.h>

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
    uint32_t irq_disabled;
} PITChannelState;

typedef struct PITCommonState {
    PITChannelState channels[PIT_CHANNELS];
    int64_t next_transition_time0;  /* the second copy, see above */
} PITCommonState;

static const VMStateDescription vmstate_pit_channel = {
    .name = "pit channel",
    .version_id = 2,
    .minimum_version_id = 2,
    .fields = (const VMStateField[]) {
        VMSTATE_INT32(count, PITChannelState),
        VMSTATE_UINT16(latched_count, PITChannelState),
        VMSTATE_UINT8(count_latched, PITChannelState),
        VMSTATE_UINT8(status_latched, PITChannelState),
        VMSTATE_UINT8(status, PITChannelState),
        VMSTATE_UINT8(read_state, PITChannelState),
        VMSTATE_UINT8(write_state, PITChannelState),
        VMSTATE_UINT8(write_latch, PITChannelState),
        VMSTATE_UINT8(rw_mode, PITChannelState),
        VMSTATE_UINT8(mode, PITChannelState),
        VMSTATE_UINT8(bcd, PITChannelState),
        VMSTATE_UINT8(gate, PITChannelState),
        VMSTATE_INT64(count_load_time, PITChannelState),
        VMSTATE_INT64(next_transition_time, PITChannelState),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_pit_common = {
    .name = "i8254",
    .version_id = 3,
    .minimum_version_id = 2,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_V(channels[0].irq_disabled, PITCommonState, 3),
        VMSTATE_STRUCT_ARRAY(channels, PITCommonState, PIT_CHANNELS, 2,
                             vmstate_pit_channel, PITChannelState),
        /* VMSTATE_INT64(channels[0].next_transition_time,
         * PITCommonState), formerly irq_timer, in its own member. */
        {
            .name = "channels[0].next_transition_time",
            .size = sizeof(int64_t),
            .type = VMSTATE_TYPE_I64,
            .flags = VMS_SINGLE,
            .offset = offsetof(PITCommonState, next_transition_time0),
        },
        VMSTATE_END_OF_LIST()
    }
};

static bool pit_visit(Visitor *v, void *opaque, uint32_t version,
                      GError **errp)
{
    return vmstate_visit_members(v, &vmstate_pit_common, opaque, version,
                                 errp);
}

const QemuDevice qemu_dev_i8254 = {
    .name = "i8254",
    .vmsd_name = "i8254",
    .version = 3,
    .minimum_version = 2,
    .state_size = sizeof(PITCommonState),
    .visit = pit_visit,
};
