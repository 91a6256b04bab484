/*
 * Example device: a 16550A UART, modelled on the migration state of QEMU's
 * serial device (registers, interrupt flags, both FIFOs and the timers).
 * Three layout versions, each its own state type and walk; the version
 * table is at the top of serial.c and in docs/converting-devices.md.
 */
#ifndef QVISIT_EXAMPLE_SERIAL_H
#define QVISIT_EXAMPLE_SERIAL_H

#include <qvisit/qvisit.h>

#define SERIAL_FIFO_SIZE 16

/* A FIFO as QEMU's Fifo8 keeps it: a ring of bytes. */
typedef struct SerialFifo {
    uint8_t data[SERIAL_FIFO_SIZE];
    uint32_t head;      /* index of the oldest byte, < SERIAL_FIFO_SIZE */
    uint32_t num;       /* bytes queued, <= SERIAL_FIFO_SIZE */
} SerialFifo;

/* Version 1. */
typedef struct SerialStateV1 {
    uint16_t divider;
    uint8_t rbr, ier, iir, lcr, mcr, lsr, msr, scr;
    bool thr_ipending;
    bool timeout_ipending;
    uint32_t tsr_retry;
    int64_t char_transmit_time;
    SerialFifo recv_fifo;
    SerialFifo xmit_fifo;
    int64_t fifo_timeout_timer; /* expiry in ns; -1 when not armed */
    int32_t poll_msl;           /* modem status poll period; -1 = off */
} SerialStateV1;

/* Version 2: fcr added, thr_ipending renamed thr_int_pending. */
typedef struct SerialStateV2 {
    uint16_t divider;
    uint8_t rbr, ier, iir, lcr, mcr, lsr, msr, scr, fcr;
    bool thr_int_pending;
    bool timeout_ipending;
    uint32_t tsr_retry;
    int64_t char_transmit_time;
    SerialFifo recv_fifo;
    SerialFifo xmit_fifo;
    int64_t fifo_timeout_timer;
    int32_t poll_msl;
} SerialStateV2;

/* Version 3 (current): divider split into dll and dlm. */
typedef struct SerialState {
    uint8_t dll, dlm;           /* divisor latch, low and high byte */
    uint8_t rbr, ier, iir, lcr, mcr, lsr, msr, scr, fcr;
    bool thr_int_pending;
    bool timeout_ipending;
    uint32_t tsr_retry;
    int64_t char_transmit_time;
    SerialFifo recv_fifo;
    SerialFifo xmit_fifo;
    int64_t fifo_timeout_timer;
    int32_t poll_msl;
} SerialState;

/* The final walks; root struct "serial". */
bool serial_v1_visit(Visitor *v, SerialStateV1 *s, GError **errp);
bool serial_v2_visit(Visitor *v, SerialStateV2 *s, GError **errp);
bool serial_visit(Visitor *v, SerialState *s, GError **errp);

#endif /* QVISIT_EXAMPLE_SERIAL_H */
