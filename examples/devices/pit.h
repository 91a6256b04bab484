/*
 * Example device: an Intel 8254 programmable interval timer, modelled on
 * the migration state of QEMU's i8254 (three counter channels plus the
 * channel 0 interrupt timer). Layout version 1 only.
 *
 * Stream (version 1), 3 × 32 + 8 = 104 bytes:
 *   channels[3] { count i32, latched_count u16, count_latched u8,
 *                 status_latched u8, status u8, read_state u8,
 *                 write_state u8, write_latch u8, rw_mode u8, mode u8,
 *                 bcd u8, gate bool, count_load_time i64,
 *                 next_transition_time i64 }
 *   irq_timer i64
 */
#ifndef QVISIT_EXAMPLE_PIT_H
#define QVISIT_EXAMPLE_PIT_H

#include <qvisit/qvisit.h>

#define PIT_CHANNELS 3

typedef struct PITChannelState {
    int32_t count;          /* reload value; 0x10000 stands for 0 */
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
    bool gate;
    int64_t count_load_time;      /* ns of virtual clock */
    int64_t next_transition_time; /* ns; -1 when no transition is due */
} PITChannelState;

typedef struct PITState {
    PITChannelState channels[PIT_CHANNELS];
    int64_t irq_timer;            /* expiry in ns; -1 when not armed */
} PITState;

/* The final walk; root struct "pit". */
bool pit_visit(Visitor *v, PITState *s, GError **errp);

#endif /* QVISIT_EXAMPLE_PIT_H */
