/*
 * Example device: 16550A UART, written three ways, in three layout
 * versions. This file holds version 3 (the current one) and the FIFO
 * helpers every version uses; serial-history.c holds versions 1 and 2.
 *
 * Version history (each version is its own state type, walk and catalog
 * entry; compat transforms between them live in example-compat.c):
 *
 *   member              v1             v2                v3
 *   ------------------  -------------  ----------------  ---------------
 *   divider             u16 (be16)     u16 (be16)        split: dll u8
 *                                                        then dlm u8
 *   rbr ier iir lcr     u8 each        u8 each           u8 each
 *   mcr lsr msr scr
 *   fcr                 absent         added after scr,  u8
 *                                      u8
 *   thr_ipending        bool           renamed           thr_int_pending
 *                                      thr_int_pending   bool
 *   timeout_ipending    bool           bool              bool
 *   tsr_retry           u32            u32               u32
 *   char_transmit_time  i64            i64               i64
 *   recv_fifo           struct         struct            struct
 *   xmit_fifo           struct         struct            struct
 *   fifo_timeout_timer  i64            i64               i64
 *   poll_msl            i32            i32               i32
 *   stream size         84 bytes       85 bytes          85 bytes
 *
 * Transforms:
 *   v1 → v2: add "fcr" = 0 (placed after "scr"); rename "thr_ipending" to
 *            "thr_int_pending".
 *   v2 → v1: drop "fcr"; rename "thr_int_pending" to "thr_ipending".
 *   v2 → v3: replace "divider" by "dll" = divider & 0xff and
 *            "dlm" = divider >> 8 (in that order, where divider was).
 *   v3 → v2: replace "dll"/"dlm" by "divider" = dlm << 8 | dll.
 * Note the v3 stream stores the low byte first, where v2's be16 stored the
 * high byte first: the bytes differ, not only the tree.
 *
 * A FIFO struct is { data buffer[16], head u32, num u32 } in every
 * version, with head < 16 and num <= 16 checked on load.
 */
#include "examples/devices/serial.h"

#include <string.h>

#include "examples/devices/example-devices-internal.h"
#include "examples/devices/serial-internal.h"

/* --- FIFO helpers ------------------------------------------------------- */

void serial__fifo_save(QEMUFile *f, SerialFifo *fifo)
{
    qemu_put_buffer(f, fifo->data, SERIAL_FIFO_SIZE);
    qemu_put_be32(f, fifo->head);
    qemu_put_be32(f, fifo->num);
}

int serial__fifo_load(QEMUFile *f, SerialFifo *fifo)
{
    qemu_get_buffer(f, fifo->data, SERIAL_FIFO_SIZE);
    fifo->head = qemu_get_be32(f);
    fifo->num = qemu_get_be32(f);
    /* Later code indexes data[] with head: never trust the stream. */
    if (fifo->head >= SERIAL_FIFO_SIZE || fifo->num > SERIAL_FIFO_SIZE) {
        return example_devices__invalid(f);
    }
    return 0;
}

bool serial__fifo_visit(Visitor *v, const char *name, SerialFifo *fifo,
                        GError **errp)
{
    uint32_t head = fifo->head;
    uint32_t num = fifo->num;

    if (!visit_start_struct(v, name, errp) ||
        !visit_type_buffer(v, "data", fifo->data, SERIAL_FIFO_SIZE, errp) ||
        !visit_type_u32(v, "head", &head, errp) ||
        !visit_check_range(v, "head", head, 0, SERIAL_FIFO_SIZE - 1, errp) ||
        !visit_type_u32(v, "num", &num, errp) ||
        !visit_check_range(v, "num", num, 0, SERIAL_FIFO_SIZE, errp)) {
        return false;
    }
    fifo->head = head;
    fifo->num = num;
    return visit_end_struct(v, errp);
}

void serial__fifo_randomize(SerialFifo *fifo, uint64_t *seed)
{
    example_devices__rand_bytes(seed, fifo->data, SERIAL_FIFO_SIZE);
    fifo->head = example_devices__rand(seed) % SERIAL_FIFO_SIZE;
    fifo->num = example_devices__rand(seed) % (SERIAL_FIFO_SIZE + 1);
}

bool serial__fifo_equal(const SerialFifo *a, const SerialFifo *b)
{
    return memcmp(a->data, b->data, SERIAL_FIFO_SIZE) == 0 &&
           a->head == b->head && a->num == b->num;
}

void serial__clear(void *state)
{
    /* Every serial version is flat: nothing to free. */
    (void)state;
}

/* --- version 3 ---------------------------------------------------------- */

static void serial_save_legacy(QEMUFile *f, void *opaque)
{
    SerialState *s = opaque;

    qemu_put_byte(f, s->dll);
    qemu_put_byte(f, s->dlm);
    qemu_put_byte(f, s->rbr);
    qemu_put_byte(f, s->ier);
    qemu_put_byte(f, s->iir);
    qemu_put_byte(f, s->lcr);
    qemu_put_byte(f, s->mcr);
    qemu_put_byte(f, s->lsr);
    qemu_put_byte(f, s->msr);
    qemu_put_byte(f, s->scr);
    qemu_put_byte(f, s->fcr);
    qemu_put_byte(f, s->thr_int_pending);
    qemu_put_byte(f, s->timeout_ipending);
    qemu_put_be32(f, s->tsr_retry);
    qemu_put_be64(f, s->char_transmit_time);
    serial__fifo_save(f, &s->recv_fifo);
    serial__fifo_save(f, &s->xmit_fifo);
    qemu_put_be64(f, s->fifo_timeout_timer);
    qemu_put_be32(f, s->poll_msl);
}

static int serial_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    SerialState tmp = { 0 };
    int ret;

    if (version_id != 3) {
        return example_devices__invalid(f);
    }
    tmp.dll = qemu_get_byte(f);
    tmp.dlm = qemu_get_byte(f);
    tmp.rbr = qemu_get_byte(f);
    tmp.ier = qemu_get_byte(f);
    tmp.iir = qemu_get_byte(f);
    tmp.lcr = qemu_get_byte(f);
    tmp.mcr = qemu_get_byte(f);
    tmp.lsr = qemu_get_byte(f);
    tmp.msr = qemu_get_byte(f);
    tmp.scr = qemu_get_byte(f);
    tmp.fcr = qemu_get_byte(f);
    if (example_devices__get_bool(f, &tmp.thr_int_pending) < 0 ||
        example_devices__get_bool(f, &tmp.timeout_ipending) < 0) {
        return example_devices__invalid(f);
    }
    tmp.tsr_retry = qemu_get_be32(f);
    tmp.char_transmit_time = (int64_t)qemu_get_be64(f);
    ret = serial__fifo_load(f, &tmp.recv_fifo);
    if (ret == 0) {
        ret = serial__fifo_load(f, &tmp.xmit_fifo);
    }
    if (ret < 0) {
        return ret;
    }
    tmp.fifo_timeout_timer = (int64_t)qemu_get_be64(f);
    tmp.poll_msl = (int32_t)qemu_get_be32(f);
    ret = qemu_file_get_error(f);
    if (ret == 0) {
        *(SerialState *)opaque = tmp;
    }
    return ret;
}

static void serial_save_mid(QEMUFile *f, void *opaque)
{
    SerialState *s = opaque;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;

    qemu_put_byte(f, s->dll);
    qemu_put_byte(f, s->dlm);
    ok = visit_type_u8(v, "rbr", &s->rbr, &err) &&
         visit_type_u8(v, "ier", &s->ier, &err) &&
         visit_type_u8(v, "iir", &s->iir, &err) &&
         visit_type_u8(v, "lcr", &s->lcr, &err) &&
         visit_type_u8(v, "mcr", &s->mcr, &err) &&
         visit_type_u8(v, "lsr", &s->lsr, &err) &&
         visit_type_u8(v, "msr", &s->msr, &err) &&
         visit_type_u8(v, "scr", &s->scr, &err) &&
         visit_type_u8(v, "fcr", &s->fcr, &err);
    if (ok) {
        qemu_put_byte(f, s->thr_int_pending);
        qemu_put_byte(f, s->timeout_ipending);
    }
    ok = ok && visit_type_u32(v, "tsr_retry", &s->tsr_retry, &err);
    if (ok) {
        qemu_put_be64(f, s->char_transmit_time);
    }
    ok = ok &&
         serial__fifo_visit(v, "recv_fifo", &s->recv_fifo, &err) &&
         serial__fifo_visit(v, "xmit_fifo", &s->xmit_fifo, &err);
    if (ok) {
        qemu_put_be64(f, s->fifo_timeout_timer);
    }
    ok = ok && visit_type_i32(v, "poll_msl", &s->poll_msl, &err);
    example_devices__save_result(f, err);
}

static int serial_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    SerialState tmp = { 0 }, *s = &tmp;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;
    int ret;

    if (version_id != 3) {
        return example_devices__invalid(f);
    }
    s->dll = qemu_get_byte(f);
    s->dlm = qemu_get_byte(f);
    ok = visit_type_u8(v, "rbr", &s->rbr, &err) &&
         visit_type_u8(v, "ier", &s->ier, &err) &&
         visit_type_u8(v, "iir", &s->iir, &err) &&
         visit_type_u8(v, "lcr", &s->lcr, &err) &&
         visit_type_u8(v, "mcr", &s->mcr, &err) &&
         visit_type_u8(v, "lsr", &s->lsr, &err) &&
         visit_type_u8(v, "msr", &s->msr, &err) &&
         visit_type_u8(v, "scr", &s->scr, &err) &&
         visit_type_u8(v, "fcr", &s->fcr, &err);
    if (ok) {
        if (example_devices__get_bool(f, &s->thr_int_pending) < 0 ||
            example_devices__get_bool(f, &s->timeout_ipending) < 0) {
            return example_devices__invalid(f);
        }
    }
    ok = ok && visit_type_u32(v, "tsr_retry", &s->tsr_retry, &err);
    if (ok) {
        s->char_transmit_time = (int64_t)qemu_get_be64(f);
    }
    ok = ok &&
         serial__fifo_visit(v, "recv_fifo", &s->recv_fifo, &err) &&
         serial__fifo_visit(v, "xmit_fifo", &s->xmit_fifo, &err);
    if (ok) {
        s->fifo_timeout_timer = (int64_t)qemu_get_be64(f);
    }
    ok = ok && visit_type_i32(v, "poll_msl", &s->poll_msl, &err);
    ret = example_devices__load_result(f, err);
    if (ret == 0) {
        *(SerialState *)opaque = tmp;
    }
    return ret;
}

bool serial_visit(Visitor *v, SerialState *s, GError **errp)
{
    return visit_start_struct(v, "serial", errp) &&
           visit_type_u8(v, "dll", &s->dll, errp) &&
           visit_type_u8(v, "dlm", &s->dlm, errp) &&
           visit_type_u8(v, "rbr", &s->rbr, errp) &&
           visit_type_u8(v, "ier", &s->ier, errp) &&
           visit_type_u8(v, "iir", &s->iir, errp) &&
           visit_type_u8(v, "lcr", &s->lcr, errp) &&
           visit_type_u8(v, "mcr", &s->mcr, errp) &&
           visit_type_u8(v, "lsr", &s->lsr, errp) &&
           visit_type_u8(v, "msr", &s->msr, errp) &&
           visit_type_u8(v, "scr", &s->scr, errp) &&
           visit_type_u8(v, "fcr", &s->fcr, errp) &&
           visit_type_bool(v, "thr_int_pending", &s->thr_int_pending, errp) &&
           visit_type_bool(v, "timeout_ipending", &s->timeout_ipending, errp) &&
           visit_type_u32(v, "tsr_retry", &s->tsr_retry, errp) &&
           visit_type_i64(v, "char_transmit_time", &s->char_transmit_time,
                          errp) &&
           serial__fifo_visit(v, "recv_fifo", &s->recv_fifo, errp) &&
           serial__fifo_visit(v, "xmit_fifo", &s->xmit_fifo, errp) &&
           visit_type_i64(v, "fifo_timeout_timer", &s->fifo_timeout_timer,
                          errp) &&
           visit_type_i32(v, "poll_msl", &s->poll_msl, errp) &&
           visit_end_struct(v, errp);
}

static bool serial_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return serial_visit(v, state, errp);
}

static void serial_randomize(void *state, uint64_t *seed)
{
    SerialState *s = state;

    s->dll = example_devices__rand(seed);
    s->dlm = example_devices__rand(seed);
    s->rbr = example_devices__rand(seed);
    s->ier = example_devices__rand(seed);
    s->iir = example_devices__rand(seed);
    s->lcr = example_devices__rand(seed);
    s->mcr = example_devices__rand(seed);
    s->lsr = example_devices__rand(seed);
    s->msr = example_devices__rand(seed);
    s->scr = example_devices__rand(seed);
    s->fcr = example_devices__rand(seed);
    s->thr_int_pending = example_devices__rand(seed) & 1;
    s->timeout_ipending = example_devices__rand(seed) & 1;
    s->tsr_retry = example_devices__rand(seed);
    s->char_transmit_time = (int64_t)example_devices__rand(seed);
    serial__fifo_randomize(&s->recv_fifo, seed);
    serial__fifo_randomize(&s->xmit_fifo, seed);
    s->fifo_timeout_timer = (int64_t)example_devices__rand(seed);
    s->poll_msl = (int32_t)example_devices__rand(seed);
}

static bool serial_equal(const void *pa, const void *pb)
{
    const SerialState *a = pa, *b = pb;

    return a->dll == b->dll &&
           a->dlm == b->dlm &&
           a->rbr == b->rbr &&
           a->ier == b->ier &&
           a->iir == b->iir &&
           a->lcr == b->lcr &&
           a->mcr == b->mcr &&
           a->lsr == b->lsr &&
           a->msr == b->msr &&
           a->scr == b->scr &&
           a->fcr == b->fcr &&
           a->thr_int_pending == b->thr_int_pending &&
           a->timeout_ipending == b->timeout_ipending &&
           a->tsr_retry == b->tsr_retry &&
           a->char_transmit_time == b->char_transmit_time &&
           serial__fifo_equal(&a->recv_fifo, &b->recv_fifo) &&
           serial__fifo_equal(&a->xmit_fifo, &b->xmit_fifo) &&
           a->fifo_timeout_timer == b->fifo_timeout_timer &&
           a->poll_msl == b->poll_msl;
}

const ExampleDevice example_serial_v3 = {
    .id = "serial",
    .version = 3,
    .minimum_version = 3,
    .state_size = sizeof(SerialState),
    .visit = serial_visit_opaque,
    .save_legacy = serial_save_legacy,
    .load_legacy = serial_load_legacy,
    .save_mid = serial_save_mid,
    .load_mid = serial_load_mid,
    .randomize = serial_randomize,
    .equal = serial_equal,
    .clear = serial__clear,
};
