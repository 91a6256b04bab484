/*
 * Example device: 16550A UART, layout versions 1 and 2. The version table
 * and what changed between versions are at the top of serial.c; version 3
 * lives there too.
 */
#include "examples/devices/serial.h"

#include "examples/devices/example-devices-internal.h"
#include "examples/devices/serial-internal.h"

/* --- version 1 ---------------------------------------------------------- */

static void serial_v1_save_legacy(QEMUFile *f, void *opaque)
{
    SerialStateV1 *s = opaque;

    qemu_put_be16(f, s->divider);
    qemu_put_byte(f, s->rbr);
    qemu_put_byte(f, s->ier);
    qemu_put_byte(f, s->iir);
    qemu_put_byte(f, s->lcr);
    qemu_put_byte(f, s->mcr);
    qemu_put_byte(f, s->lsr);
    qemu_put_byte(f, s->msr);
    qemu_put_byte(f, s->scr);
    qemu_put_byte(f, s->thr_ipending);
    qemu_put_byte(f, s->timeout_ipending);
    qemu_put_be32(f, s->tsr_retry);
    qemu_put_be64(f, s->char_transmit_time);
    serial__fifo_save(f, &s->recv_fifo);
    serial__fifo_save(f, &s->xmit_fifo);
    qemu_put_be64(f, s->fifo_timeout_timer);
    qemu_put_be32(f, s->poll_msl);
}

static int serial_v1_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    SerialStateV1 tmp = { 0 };
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    tmp.divider = qemu_get_be16(f);
    tmp.rbr = qemu_get_byte(f);
    tmp.ier = qemu_get_byte(f);
    tmp.iir = qemu_get_byte(f);
    tmp.lcr = qemu_get_byte(f);
    tmp.mcr = qemu_get_byte(f);
    tmp.lsr = qemu_get_byte(f);
    tmp.msr = qemu_get_byte(f);
    tmp.scr = qemu_get_byte(f);
    if (example_devices__get_bool(f, &tmp.thr_ipending) < 0 ||
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
        *(SerialStateV1 *)opaque = tmp;
    }
    return ret;
}

static void serial_v1_save_mid(QEMUFile *f, void *opaque)
{
    SerialStateV1 *s = opaque;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;

    qemu_put_be16(f, s->divider);
    ok = visit_type_u8(v, "rbr", &s->rbr, &err) &&
         visit_type_u8(v, "ier", &s->ier, &err) &&
         visit_type_u8(v, "iir", &s->iir, &err) &&
         visit_type_u8(v, "lcr", &s->lcr, &err) &&
         visit_type_u8(v, "mcr", &s->mcr, &err) &&
         visit_type_u8(v, "lsr", &s->lsr, &err) &&
         visit_type_u8(v, "msr", &s->msr, &err) &&
         visit_type_u8(v, "scr", &s->scr, &err);
    if (ok) {
        qemu_put_byte(f, s->thr_ipending);
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

static int serial_v1_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    SerialStateV1 tmp = { 0 }, *s = &tmp;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    s->divider = qemu_get_be16(f);
    ok = visit_type_u8(v, "rbr", &s->rbr, &err) &&
         visit_type_u8(v, "ier", &s->ier, &err) &&
         visit_type_u8(v, "iir", &s->iir, &err) &&
         visit_type_u8(v, "lcr", &s->lcr, &err) &&
         visit_type_u8(v, "mcr", &s->mcr, &err) &&
         visit_type_u8(v, "lsr", &s->lsr, &err) &&
         visit_type_u8(v, "msr", &s->msr, &err) &&
         visit_type_u8(v, "scr", &s->scr, &err);
    if (ok) {
        if (example_devices__get_bool(f, &s->thr_ipending) < 0 ||
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
        *(SerialStateV1 *)opaque = tmp;
    }
    return ret;
}

bool serial_v1_visit(Visitor *v, SerialStateV1 *s, GError **errp)
{
    return visit_start_struct(v, "serial", errp) &&
           visit_type_u16(v, "divider", &s->divider, errp) &&
           visit_type_u8(v, "rbr", &s->rbr, errp) &&
           visit_type_u8(v, "ier", &s->ier, errp) &&
           visit_type_u8(v, "iir", &s->iir, errp) &&
           visit_type_u8(v, "lcr", &s->lcr, errp) &&
           visit_type_u8(v, "mcr", &s->mcr, errp) &&
           visit_type_u8(v, "lsr", &s->lsr, errp) &&
           visit_type_u8(v, "msr", &s->msr, errp) &&
           visit_type_u8(v, "scr", &s->scr, errp) &&
           visit_type_bool(v, "thr_ipending", &s->thr_ipending, errp) &&
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

static bool serial_v1_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return serial_v1_visit(v, state, errp);
}

static void serial_v1_randomize(void *state, uint64_t *seed)
{
    SerialStateV1 *s = state;

    s->divider = example_devices__rand(seed);
    s->rbr = example_devices__rand(seed);
    s->ier = example_devices__rand(seed);
    s->iir = example_devices__rand(seed);
    s->lcr = example_devices__rand(seed);
    s->mcr = example_devices__rand(seed);
    s->lsr = example_devices__rand(seed);
    s->msr = example_devices__rand(seed);
    s->scr = example_devices__rand(seed);
    s->thr_ipending = example_devices__rand(seed) & 1;
    s->timeout_ipending = example_devices__rand(seed) & 1;
    s->tsr_retry = example_devices__rand(seed);
    s->char_transmit_time = (int64_t)example_devices__rand(seed);
    serial__fifo_randomize(&s->recv_fifo, seed);
    serial__fifo_randomize(&s->xmit_fifo, seed);
    s->fifo_timeout_timer = (int64_t)example_devices__rand(seed);
    s->poll_msl = (int32_t)example_devices__rand(seed);
}

static bool serial_v1_equal(const void *pa, const void *pb)
{
    const SerialStateV1 *a = pa, *b = pb;

    return a->divider == b->divider &&
           a->rbr == b->rbr &&
           a->ier == b->ier &&
           a->iir == b->iir &&
           a->lcr == b->lcr &&
           a->mcr == b->mcr &&
           a->lsr == b->lsr &&
           a->msr == b->msr &&
           a->scr == b->scr &&
           a->thr_ipending == b->thr_ipending &&
           a->timeout_ipending == b->timeout_ipending &&
           a->tsr_retry == b->tsr_retry &&
           a->char_transmit_time == b->char_transmit_time &&
           serial__fifo_equal(&a->recv_fifo, &b->recv_fifo) &&
           serial__fifo_equal(&a->xmit_fifo, &b->xmit_fifo) &&
           a->fifo_timeout_timer == b->fifo_timeout_timer &&
           a->poll_msl == b->poll_msl;
}

const ExampleDevice example_serial_v1 = {
    .id = "serial",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(SerialStateV1),
    .visit = serial_v1_visit_opaque,
    .save_legacy = serial_v1_save_legacy,
    .load_legacy = serial_v1_load_legacy,
    .save_mid = serial_v1_save_mid,
    .load_mid = serial_v1_load_mid,
    .randomize = serial_v1_randomize,
    .equal = serial_v1_equal,
    .clear = serial__clear,
};

/* --- version 2 ---------------------------------------------------------- */

static void serial_v2_save_legacy(QEMUFile *f, void *opaque)
{
    SerialStateV2 *s = opaque;

    qemu_put_be16(f, s->divider);
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

static int serial_v2_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    SerialStateV2 tmp = { 0 };
    int ret;

    if (version_id != 2) {
        return example_devices__invalid(f);
    }
    tmp.divider = qemu_get_be16(f);
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
        *(SerialStateV2 *)opaque = tmp;
    }
    return ret;
}

static void serial_v2_save_mid(QEMUFile *f, void *opaque)
{
    SerialStateV2 *s = opaque;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;

    qemu_put_be16(f, s->divider);
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

static int serial_v2_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    SerialStateV2 tmp = { 0 }, *s = &tmp;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;
    int ret;

    if (version_id != 2) {
        return example_devices__invalid(f);
    }
    s->divider = qemu_get_be16(f);
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
        *(SerialStateV2 *)opaque = tmp;
    }
    return ret;
}

bool serial_v2_visit(Visitor *v, SerialStateV2 *s, GError **errp)
{
    return visit_start_struct(v, "serial", errp) &&
           visit_type_u16(v, "divider", &s->divider, errp) &&
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

static bool serial_v2_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return serial_v2_visit(v, state, errp);
}

static void serial_v2_randomize(void *state, uint64_t *seed)
{
    SerialStateV2 *s = state;

    s->divider = example_devices__rand(seed);
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

static bool serial_v2_equal(const void *pa, const void *pb)
{
    const SerialStateV2 *a = pa, *b = pb;

    return a->divider == b->divider &&
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

const ExampleDevice example_serial_v2 = {
    .id = "serial",
    .version = 2,
    .minimum_version = 2,
    .state_size = sizeof(SerialStateV2),
    .visit = serial_v2_visit_opaque,
    .save_legacy = serial_v2_save_legacy,
    .load_legacy = serial_v2_load_legacy,
    .save_mid = serial_v2_save_mid,
    .load_mid = serial_v2_load_mid,
    .randomize = serial_v2_randomize,
    .equal = serial_v2_equal,
    .clear = serial__clear,
};

