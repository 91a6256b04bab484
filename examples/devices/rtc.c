/*
 * Example device: MC146818 RTC, written three ways. The CMOS bytes are a
 * u8 array (visit_type_u8_array(), one qemu_put_buffer() in legacy code:
 * the same bytes), and cmos_index is range-checked because it indexes
 * them.
 */
#include "examples/devices/rtc.h"

#include <string.h>

#include "examples/devices/example-devices-internal.h"

/* --- legacy ------------------------------------------------------------- */

static void rtc_tm_save(QEMUFile *f, RTCTime *tm)
{
    qemu_put_be32(f, tm->tm_sec);
    qemu_put_be32(f, tm->tm_min);
    qemu_put_be32(f, tm->tm_hour);
    qemu_put_be32(f, tm->tm_mday);
    qemu_put_be32(f, tm->tm_mon);
    qemu_put_be32(f, tm->tm_year);
    qemu_put_be32(f, tm->tm_wday);
}

static void rtc_tm_load(QEMUFile *f, RTCTime *tm)
{
    tm->tm_sec = (int32_t)qemu_get_be32(f);
    tm->tm_min = (int32_t)qemu_get_be32(f);
    tm->tm_hour = (int32_t)qemu_get_be32(f);
    tm->tm_mday = (int32_t)qemu_get_be32(f);
    tm->tm_mon = (int32_t)qemu_get_be32(f);
    tm->tm_year = (int32_t)qemu_get_be32(f);
    tm->tm_wday = (int32_t)qemu_get_be32(f);
}

static void rtc_timers_save(QEMUFile *f, RTCState *s)
{
    qemu_put_be64(f, s->base_rtc);
    qemu_put_be64(f, s->last_update);
    qemu_put_be64(f, s->offset);
    qemu_put_be64(f, s->next_periodic_time);
    qemu_put_be64(f, s->next_alarm_time);
    qemu_put_be32(f, s->period);
    qemu_put_be32(f, s->irq_coalesced);
}

static void rtc_timers_load(QEMUFile *f, RTCState *s)
{
    s->base_rtc = qemu_get_be64(f);
    s->last_update = qemu_get_be64(f);
    s->offset = (int64_t)qemu_get_be64(f);
    s->next_periodic_time = (int64_t)qemu_get_be64(f);
    s->next_alarm_time = qemu_get_be64(f);
    s->period = qemu_get_be32(f);
    s->irq_coalesced = qemu_get_be32(f);
}

static void rtc_save_legacy(QEMUFile *f, void *opaque)
{
    RTCState *s = opaque;

    qemu_put_buffer(f, s->cmos_data, RTC_CMOS_SIZE);
    qemu_put_byte(f, s->cmos_index);
    rtc_tm_save(f, &s->current_tm);
    rtc_timers_save(f, s);
}

static int rtc_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    RTCState tmp = { 0 };
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    qemu_get_buffer(f, tmp.cmos_data, RTC_CMOS_SIZE);
    tmp.cmos_index = qemu_get_byte(f);
    if (tmp.cmos_index >= RTC_CMOS_SIZE) {
        return example_devices__invalid(f);
    }
    rtc_tm_load(f, &tmp.current_tm);
    rtc_timers_load(f, &tmp);
    ret = qemu_file_get_error(f);
    if (ret == 0) {
        *(RTCState *)opaque = tmp;
    }
    return ret;
}

/* --- mid-conversion: registers through the visitor, timers legacy ------- */

static bool rtc_regs_visit(Visitor *v, RTCState *s, GError **errp)
{
    uint8_t index = s->cmos_index;

    if (!visit_type_u8_array(v, "cmos_data", s->cmos_data, RTC_CMOS_SIZE,
                             errp) ||
        !visit_type_u8(v, "cmos_index", &index, errp) ||
        !visit_check_range(v, "cmos_index",
                           index, 0, RTC_CMOS_SIZE - 1, errp)) {
        return false;
    }
    s->cmos_index = index;
    return true;
}

static void rtc_save_mid(QEMUFile *f, void *opaque)
{
    RTCState *s = opaque;
    GError *err = NULL;

    if (rtc_regs_visit(qemu_file_get_visitor(f), s, &err)) {
        rtc_tm_save(f, &s->current_tm);
        rtc_timers_save(f, s);
    }
    example_devices__save_result(f, err);
}

static int rtc_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    RTCState tmp = { 0 };
    GError *err = NULL;
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    if (rtc_regs_visit(qemu_file_get_visitor(f), &tmp, &err)) {
        rtc_tm_load(f, &tmp.current_tm);
        rtc_timers_load(f, &tmp);
    }
    ret = example_devices__load_result(f, err);
    if (ret == 0) {
        *(RTCState *)opaque = tmp;
    }
    return ret;
}

/* --- final walk --------------------------------------------------------- */

static bool rtc_tm_visit(Visitor *v, const char *name, RTCTime *tm,
                         GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_i32(v, "tm_sec", &tm->tm_sec, errp) &&
           visit_type_i32(v, "tm_min", &tm->tm_min, errp) &&
           visit_type_i32(v, "tm_hour", &tm->tm_hour, errp) &&
           visit_type_i32(v, "tm_mday", &tm->tm_mday, errp) &&
           visit_type_i32(v, "tm_mon", &tm->tm_mon, errp) &&
           visit_type_i32(v, "tm_year", &tm->tm_year, errp) &&
           visit_type_i32(v, "tm_wday", &tm->tm_wday, errp) &&
           visit_end_struct(v, errp);
}

bool rtc_visit(Visitor *v, RTCState *s, GError **errp)
{
    return visit_start_struct(v, "rtc", errp) &&
           rtc_regs_visit(v, s, errp) &&
           rtc_tm_visit(v, "current_tm", &s->current_tm, errp) &&
           visit_type_u64(v, "base_rtc", &s->base_rtc, errp) &&
           visit_type_u64(v, "last_update", &s->last_update, errp) &&
           visit_type_i64(v, "offset", &s->offset, errp) &&
           visit_type_i64(v, "next_periodic_time", &s->next_periodic_time,
                          errp) &&
           visit_type_u64(v, "next_alarm_time", &s->next_alarm_time, errp) &&
           visit_type_u32(v, "period", &s->period, errp) &&
           visit_type_u32(v, "irq_coalesced", &s->irq_coalesced, errp) &&
           visit_end_struct(v, errp);
}

/* --- catalog glue ------------------------------------------------------- */

static bool rtc_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return rtc_visit(v, state, errp);
}

static void rtc_randomize(void *state, uint64_t *seed)
{
    RTCState *s = state;

    example_devices__rand_bytes(seed, s->cmos_data, RTC_CMOS_SIZE);
    s->cmos_index = example_devices__rand(seed) % RTC_CMOS_SIZE;
    s->current_tm.tm_sec = example_devices__rand(seed) % 60;
    s->current_tm.tm_min = example_devices__rand(seed) % 60;
    s->current_tm.tm_hour = example_devices__rand(seed) % 24;
    s->current_tm.tm_mday = 1 + example_devices__rand(seed) % 31;
    s->current_tm.tm_mon = example_devices__rand(seed) % 12;
    /* Years since 1900, negative ones included: exercises the sign. */
    s->current_tm.tm_year = (int32_t)(example_devices__rand(seed) % 400) - 100;
    s->current_tm.tm_wday = example_devices__rand(seed) % 7;
    s->base_rtc = example_devices__rand(seed);
    s->last_update = example_devices__rand(seed);
    s->offset = (int64_t)example_devices__rand(seed);
    s->next_periodic_time = (int64_t)example_devices__rand(seed);
    s->next_alarm_time = example_devices__rand(seed);
    s->period = example_devices__rand(seed);
    s->irq_coalesced = example_devices__rand(seed);
}

static bool rtc_equal(const void *pa, const void *pb)
{
    const RTCState *a = pa, *b = pb;
    const RTCTime *ta = &a->current_tm, *tb = &b->current_tm;

    return memcmp(a->cmos_data, b->cmos_data, RTC_CMOS_SIZE) == 0 &&
           a->cmos_index == b->cmos_index &&
           ta->tm_sec == tb->tm_sec && ta->tm_min == tb->tm_min &&
           ta->tm_hour == tb->tm_hour && ta->tm_mday == tb->tm_mday &&
           ta->tm_mon == tb->tm_mon && ta->tm_year == tb->tm_year &&
           ta->tm_wday == tb->tm_wday &&
           a->base_rtc == b->base_rtc &&
           a->last_update == b->last_update &&
           a->offset == b->offset &&
           a->next_periodic_time == b->next_periodic_time &&
           a->next_alarm_time == b->next_alarm_time &&
           a->period == b->period &&
           a->irq_coalesced == b->irq_coalesced;
}

static void rtc_clear(void *state)
{
    (void)state;
}

const ExampleDevice example_rtc = {
    .id = "rtc",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(RTCState),
    .visit = rtc_visit_opaque,
    .save_legacy = rtc_save_legacy,
    .load_legacy = rtc_load_legacy,
    .save_mid = rtc_save_mid,
    .load_mid = rtc_load_mid,
    .randomize = rtc_randomize,
    .equal = rtc_equal,
    .clear = rtc_clear,
};
