/*
 * QEMU 7.2's 16550A UART on the ISA bus, section "serial"
 * (hw/char/serial-isa.c, vmsd "serial" v3, oldest 2): one struct member
 * "state" holding the UART vmsd (hw/char/serial.c, also "serial", v3; as
 * a VMSTATE_STRUCT always at that version, so the v2 "divider" and v3
 * "fcr_vmstate" fields are always there) and its seven subsections, each
 * sent when its part of the state is not the idle value.
 *
 * Field tables, line for line QEMU's. QEMU's needed() tests (serial.c)
 * are left out: each subsection's presence is kept in the state
 * (VMSTATE_PRESENT), so a decoded section writes back the subsections it
 * had. Timers (VMSTATE_TIMER_PTR) are their expiry in ns, -1 when not
 * armed.
 */
#include "examples/qemu-devices/qemu-devices.h"

/* UART_FIFO_LENGTH: the capacity of both FIFOs. QEMU's Fifo8 data is a
 * VMSTATE_VBUFFER_UINT32 whose length is the capacity, a configuration
 * fact not in the stream: here a buffer of that size. */
#define QEMU_UART_FIFO_LENGTH 16

typedef struct QemuFifo8 {
    uint8_t data[QEMU_UART_FIFO_LENGTH];
    uint32_t head;
    uint32_t num;
} QemuFifo8;

typedef struct QemuSerialState {
    uint16_t divider;
    uint8_t rbr;
    uint8_t ier;
    uint8_t iir;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint8_t fcr_vmstate;
    bool thr_ipending_present;
    int32_t thr_ipending;
    bool tsr_present;
    uint32_t tsr_retry;
    uint8_t thr;
    uint8_t tsr;
    bool recv_fifo_present;
    QemuFifo8 recv_fifo;
    bool xmit_fifo_present;
    QemuFifo8 xmit_fifo;
    bool fifo_timeout_timer_present;
    int64_t fifo_timeout_timer;
    bool timeout_ipending_present;
    int32_t timeout_ipending;
    bool poll_present;
    int32_t poll_msl;
    int64_t modem_status_poll;
} QemuSerialState;

typedef struct QemuISASerialState {
    QemuSerialState state;
} QemuISASerialState;

static const VMStateDescription vmstate_fifo8 = {
    .name = "Fifo8",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_BUFFER(data, QemuFifo8),        /* VBUFFER_UINT32 */
        VMSTATE_UINT32(head, QemuFifo8),
        VMSTATE_UINT32(num, QemuFifo8),
        VMSTATE_END_OF_LIST()
    }
};

/* One subsection of version 1 whose presence @_flag keeps. */
#define SERIAL_SUBSECTION(_name, _flag, ...) {                          \
    .name = (_name), .version_id = 1, .minimum_version_id = 1,          \
    .present = VMSTATE_PRESENT(QemuSerialState, _flag),                 \
    .fields = (const VMStateField[]) {                                  \
        __VA_ARGS__, VMSTATE_END_OF_LIST()                              \
    },                                                                  \
}

static const VMStateDescription vmstate_serial_thr_ipending =
    SERIAL_SUBSECTION("serial/thr_ipending", thr_ipending_present,
                      VMSTATE_INT32(thr_ipending, QemuSerialState));

static const VMStateDescription vmstate_serial_tsr =
    SERIAL_SUBSECTION("serial/tsr", tsr_present,
                      VMSTATE_UINT32(tsr_retry, QemuSerialState),
                      VMSTATE_UINT8(thr, QemuSerialState),
                      VMSTATE_UINT8(tsr, QemuSerialState));

static const VMStateDescription vmstate_serial_recv_fifo =
    SERIAL_SUBSECTION("serial/recv_fifo", recv_fifo_present,
                      VMSTATE_STRUCT(recv_fifo, QemuSerialState, 1,
                                     vmstate_fifo8, QemuFifo8));

static const VMStateDescription vmstate_serial_xmit_fifo =
    SERIAL_SUBSECTION("serial/xmit_fifo", xmit_fifo_present,
                      VMSTATE_STRUCT(xmit_fifo, QemuSerialState, 1,
                                     vmstate_fifo8, QemuFifo8));

static const VMStateDescription vmstate_serial_fifo_timeout_timer =
    SERIAL_SUBSECTION("serial/fifo_timeout_timer",
                      fifo_timeout_timer_present,
                      VMSTATE_INT64(fifo_timeout_timer, QemuSerialState));

static const VMStateDescription vmstate_serial_timeout_ipending =
    SERIAL_SUBSECTION("serial/timeout_ipending", timeout_ipending_present,
                      VMSTATE_INT32(timeout_ipending, QemuSerialState));

static const VMStateDescription vmstate_serial_poll =
    SERIAL_SUBSECTION("serial/poll", poll_present,
                      VMSTATE_INT32(poll_msl, QemuSerialState),
                      VMSTATE_INT64(modem_status_poll, QemuSerialState));

static const VMStateDescription vmstate_serial = {
    .name = "serial",
    .version_id = 3,
    .minimum_version_id = 2,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16_V(divider, QemuSerialState, 2),
        VMSTATE_UINT8(rbr, QemuSerialState),
        VMSTATE_UINT8(ier, QemuSerialState),
        VMSTATE_UINT8(iir, QemuSerialState),
        VMSTATE_UINT8(lcr, QemuSerialState),
        VMSTATE_UINT8(mcr, QemuSerialState),
        VMSTATE_UINT8(lsr, QemuSerialState),
        VMSTATE_UINT8(msr, QemuSerialState),
        VMSTATE_UINT8(scr, QemuSerialState),
        VMSTATE_UINT8_V(fcr_vmstate, QemuSerialState, 3),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_serial_thr_ipending,
        &vmstate_serial_tsr,
        &vmstate_serial_recv_fifo,
        &vmstate_serial_xmit_fifo,
        &vmstate_serial_fifo_timeout_timer,
        &vmstate_serial_timeout_ipending,
        &vmstate_serial_poll,
        NULL
    }
};

static const VMStateDescription vmstate_isa_serial = {
    .name = "serial",
    .version_id = 3,
    .minimum_version_id = 2,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT(state, QemuISASerialState, 0, vmstate_serial,
                       QemuSerialState),
        VMSTATE_END_OF_LIST()
    }
};

static bool serial_visit(Visitor *v, void *state, uint32_t version,
                         GError **errp)
{
    return vmstate_visit_members(v, &vmstate_isa_serial, state, version,
                                 errp);
}

const QemuDevice qemu_dev_serial = {
    .name = "serial",
    .vmsd_name = "serial",
    .version = 3,
    .minimum_version = 2,
    .state_size = sizeof(QemuISASerialState),
    .visit = serial_visit,
};
