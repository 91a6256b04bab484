/*
 * QEMU 7.2's 16550A UART on the ISA bus, section "serial"
 * (hw/char/serial-isa.c, vmsd "serial" v3, oldest 2): one struct member
 * "state" holding the UART vmsd (hw/char/serial.c, also "serial", v3; as
 * a VMSTATE_STRUCT always at that version, so the v2 "divider" and v3
 * "fcr_vmstate" fields are always there) and its seven subsections, each
 * sent when its part of the state is not the idle value.
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* UART_FIFO_LENGTH: the capacity of both FIFOs, a VMSTATE_VBUFFER_UINT32
 * whose length is the Fifo8's capacity, not in the stream. */
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

/* vmsd "Fifo8" v1, a VMSTATE_STRUCT. */
static bool fifo8_visit(Visitor *v, const char *name, QemuFifo8 *f,
                        GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_buffer(v, "data", f->data, sizeof(f->data), errp) &&
           visit_type_u32(v, "head", &f->head, errp) &&
           visit_type_u32(v, "num", &f->num, errp) &&
           visit_end_struct(v, errp);
}

static bool serial_thr_ipending_visit(Visitor *v, void *state,
                                     uint32_t version, GError **errp)
{
    QemuSerialState *s = state;

    (void)version;
    return visit_type_i32(v, "thr_ipending", &s->thr_ipending, errp);
}

static bool serial_tsr_visit(Visitor *v, void *state, uint32_t version,
                             GError **errp)
{
    QemuSerialState *s = state;

    (void)version;
    return visit_type_u32(v, "tsr_retry", &s->tsr_retry, errp) &&
           visit_type_u8(v, "thr", &s->thr, errp) &&
           visit_type_u8(v, "tsr", &s->tsr, errp);
}

static bool serial_recv_fifo_visit(Visitor *v, void *state,
                                   uint32_t version, GError **errp)
{
    QemuSerialState *s = state;

    (void)version;
    return fifo8_visit(v, "recv_fifo", &s->recv_fifo, errp);
}

static bool serial_xmit_fifo_visit(Visitor *v, void *state,
                                   uint32_t version, GError **errp)
{
    QemuSerialState *s = state;

    (void)version;
    return fifo8_visit(v, "xmit_fifo", &s->xmit_fifo, errp);
}

/* Timers are their expiry in ns, -1 when not armed. */
static bool serial_fifo_timeout_timer_visit(Visitor *v, void *state,
                                            uint32_t version, GError **errp)
{
    QemuSerialState *s = state;

    (void)version;
    return visit_type_i64(v, "fifo_timeout_timer", &s->fifo_timeout_timer,
                          errp);
}

static bool serial_timeout_ipending_visit(Visitor *v, void *state,
                                          uint32_t version, GError **errp)
{
    QemuSerialState *s = state;

    (void)version;
    return visit_type_i32(v, "timeout_ipending", &s->timeout_ipending,
                          errp);
}

static bool serial_poll_visit(Visitor *v, void *state, uint32_t version,
                              GError **errp)
{
    QemuSerialState *s = state;

    (void)version;
    return visit_type_i32(v, "poll_msl", &s->poll_msl, errp) &&
           visit_type_i64(v, "modem_status_poll", &s->modem_status_poll,
                          errp);
}

static bool serial_subsections_visit(Visitor *v, QemuSerialState *s,
                                     GError **errp)
{
    return qemu_dev_subsection(v, "serial/thr_ipending", 1, 1,
                               &s->thr_ipending_present,
                               serial_thr_ipending_visit, s, errp) &&
           qemu_dev_subsection(v, "serial/tsr", 1, 1, &s->tsr_present,
                               serial_tsr_visit, s, errp) &&
           qemu_dev_subsection(v, "serial/recv_fifo", 1, 1,
                               &s->recv_fifo_present,
                               serial_recv_fifo_visit, s, errp) &&
           qemu_dev_subsection(v, "serial/xmit_fifo", 1, 1,
                               &s->xmit_fifo_present,
                               serial_xmit_fifo_visit, s, errp) &&
           qemu_dev_subsection(v, "serial/fifo_timeout_timer", 1, 1,
                               &s->fifo_timeout_timer_present,
                               serial_fifo_timeout_timer_visit, s, errp) &&
           qemu_dev_subsection(v, "serial/timeout_ipending", 1, 1,
                               &s->timeout_ipending_present,
                               serial_timeout_ipending_visit, s, errp) &&
           qemu_dev_subsection(v, "serial/poll", 1, 1, &s->poll_present,
                               serial_poll_visit, s, errp);
}

static bool serial_visit(Visitor *v, void *state, uint32_t version,
                         GError **errp)
{
    QemuSerialState *s = state;

    (void)version;
    return visit_start_struct(v, "state", errp) &&
           visit_type_u16(v, "divider", &s->divider, errp) &&
           visit_type_u8(v, "rbr", &s->rbr, errp) &&
           visit_type_u8(v, "ier", &s->ier, errp) &&
           visit_type_u8(v, "iir", &s->iir, errp) &&
           visit_type_u8(v, "lcr", &s->lcr, errp) &&
           visit_type_u8(v, "mcr", &s->mcr, errp) &&
           visit_type_u8(v, "lsr", &s->lsr, errp) &&
           visit_type_u8(v, "msr", &s->msr, errp) &&
           visit_type_u8(v, "scr", &s->scr, errp) &&
           visit_type_u8(v, "fcr_vmstate", &s->fcr_vmstate, errp) &&
           serial_subsections_visit(v, s, errp) &&
           visit_end_struct(v, errp);
}

const QemuDevice qemu_dev_serial = {
    .name = "serial",
    .vmsd_name = "serial",
    .version = 3,
    .minimum_version = 2,
    .state_size = sizeof(QemuSerialState),
    .visit = serial_visit,
};
