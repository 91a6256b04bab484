/*
 * Example device: a Motorola MC146818 real-time clock, modelled on the
 * migration state of QEMU's mc146818rtc (the 128 CMOS bytes, the index
 * register, the broken-down current time and the timers). Layout version 1.
 *
 * Stream (version 1), 128 + 1 + 7 × 4 + 5 × 8 + 2 × 4 = 205 bytes:
 *   cmos_data u8[128], cmos_index u8 (< 128),
 *   current_tm { tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year,
 *                tm_wday: i32 each },
 *   base_rtc u64, last_update u64, offset i64, next_periodic_time i64,
 *   next_alarm_time u64, period u32, irq_coalesced u32
 */
#ifndef QVISIT_EXAMPLE_RTC_H
#define QVISIT_EXAMPLE_RTC_H

#include <qvisit/qvisit.h>

#define RTC_CMOS_SIZE 128

typedef struct RTCTime {
    int32_t tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday;
} RTCTime;

typedef struct RTCState {
    uint8_t cmos_data[RTC_CMOS_SIZE];
    uint8_t cmos_index;         /* register selected by port 0x70; < 128 */
    RTCTime current_tm;
    uint64_t base_rtc;          /* guest seconds at last_update */
    uint64_t last_update;       /* host ns */
    int64_t offset;             /* ns into the current second */
    int64_t next_periodic_time; /* ns; the periodic timer's expiry */
    uint64_t next_alarm_time;   /* ns; the alarm/update timer's expiry */
    uint32_t period;            /* periodic interrupt period in ticks */
    uint32_t irq_coalesced;     /* interrupts still to reinject */
} RTCState;

/* The final walk; root struct "rtc". */
bool rtc_visit(Visitor *v, RTCState *s, GError **errp);

#endif /* QVISIT_EXAMPLE_RTC_H */
