/*
 * Example device: i8254 PIT, written three ways.
 *
 * This is the device docs/converting-devices.md walks through: the legacy
 * save/load below is the "before", the *_mid functions are the "during"
 * (the array and struct frames and some members moved to the visitor, the
 * rest still qemu_put_*()), and pit_visit() is the "after". All three
 * write the same 104 bytes.
 */
#include "examples/devices/pit.h"

#include "examples/devices/example-devices-internal.h"

/* --- before: legacy save/load ------------------------------------------- */

static void pit_channel_save(QEMUFile *f, PITChannelState *c)
{
    qemu_put_be32(f, c->count);
    qemu_put_be16(f, c->latched_count);
    qemu_put_byte(f, c->count_latched);
    qemu_put_byte(f, c->status_latched);
    qemu_put_byte(f, c->status);
    qemu_put_byte(f, c->read_state);
    qemu_put_byte(f, c->write_state);
    qemu_put_byte(f, c->write_latch);
    qemu_put_byte(f, c->rw_mode);
    qemu_put_byte(f, c->mode);
    qemu_put_byte(f, c->bcd);
    qemu_put_byte(f, c->gate);
    qemu_put_be64(f, c->count_load_time);
    qemu_put_be64(f, c->next_transition_time);
}

static void pit_save_legacy(QEMUFile *f, void *opaque)
{
    PITState *s = opaque;

    for (int i = 0; i < PIT_CHANNELS; i++) {
        pit_channel_save(f, &s->channels[i]);
    }
    qemu_put_be64(f, s->irq_timer);
}

static int pit_channel_load(QEMUFile *f, PITChannelState *c)
{
    /* The casts keep the sign: count and the times are signed. */
    c->count = (int32_t)qemu_get_be32(f);
    c->latched_count = qemu_get_be16(f);
    c->count_latched = qemu_get_byte(f);
    c->status_latched = qemu_get_byte(f);
    c->status = qemu_get_byte(f);
    c->read_state = qemu_get_byte(f);
    c->write_state = qemu_get_byte(f);
    c->write_latch = qemu_get_byte(f);
    c->rw_mode = qemu_get_byte(f);
    c->mode = qemu_get_byte(f);
    c->bcd = qemu_get_byte(f);
    if (example_devices__get_bool(f, &c->gate) < 0) {
        return example_devices__invalid(f);
    }
    c->count_load_time = (int64_t)qemu_get_be64(f);
    c->next_transition_time = (int64_t)qemu_get_be64(f);
    return 0;
}

static int pit_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    PITState tmp = { 0 };
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    for (int i = 0; i < PIT_CHANNELS; i++) {
        ret = pit_channel_load(f, &tmp.channels[i]);
        if (ret < 0) {
            return ret;
        }
    }
    tmp.irq_timer = (int64_t)qemu_get_be64(f);
    ret = qemu_file_get_error(f);
    if (ret == 0) {
        *(PITState *)opaque = tmp;
    }
    return ret;
}

/* --- during: half converted --------------------------------------------- */

/*
 * The array and struct frames are already visitor calls, so error paths
 * read "channels[1].count"; the single bytes in the middle are still
 * legacy. Structs and arrays write no bytes, which is why the legacy calls
 * inside them keep the stream unchanged.
 */
static bool pit_channel_save_mid(QEMUFile *f, Visitor *v, PITChannelState *c,
                                 GError **errp)
{
    if (!visit_start_struct(v, NULL, errp) ||
        !visit_type_i32(v, "count", &c->count, errp) ||
        !visit_type_u16(v, "latched_count", &c->latched_count, errp)) {
        return false;
    }
    qemu_put_byte(f, c->count_latched);
    qemu_put_byte(f, c->status_latched);
    qemu_put_byte(f, c->status);
    qemu_put_byte(f, c->read_state);
    qemu_put_byte(f, c->write_state);
    qemu_put_byte(f, c->write_latch);
    qemu_put_byte(f, c->rw_mode);
    qemu_put_byte(f, c->mode);
    qemu_put_byte(f, c->bcd);
    return visit_type_bool(v, "gate", &c->gate, errp) &&
           visit_type_i64(v, "count_load_time", &c->count_load_time, errp) &&
           visit_type_i64(v, "next_transition_time",
                          &c->next_transition_time, errp) &&
           visit_end_struct(v, errp);
}

static void pit_save_mid(QEMUFile *f, void *opaque)
{
    PITState *s = opaque;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok = visit_start_array(v, "channels", PIT_CHANNELS, &err);

    for (int i = 0; ok && i < PIT_CHANNELS; i++) {
        ok = pit_channel_save_mid(f, v, &s->channels[i], &err);
    }
    ok = ok && visit_end_array(v, &err);
    if (ok) {
        qemu_put_be64(f, s->irq_timer);
    }
    example_devices__save_result(f, err);
}

static bool pit_channel_load_mid(QEMUFile *f, Visitor *v, PITChannelState *c,
                                 GError **errp)
{
    if (!visit_start_struct(v, NULL, errp) ||
        !visit_type_i32(v, "count", &c->count, errp) ||
        !visit_type_u16(v, "latched_count", &c->latched_count, errp)) {
        return false;
    }
    c->count_latched = qemu_get_byte(f);
    c->status_latched = qemu_get_byte(f);
    c->status = qemu_get_byte(f);
    c->read_state = qemu_get_byte(f);
    c->write_state = qemu_get_byte(f);
    c->write_latch = qemu_get_byte(f);
    c->rw_mode = qemu_get_byte(f);
    c->mode = qemu_get_byte(f);
    c->bcd = qemu_get_byte(f);
    return visit_type_bool(v, "gate", &c->gate, errp) &&
           visit_type_i64(v, "count_load_time", &c->count_load_time, errp) &&
           visit_type_i64(v, "next_transition_time",
                          &c->next_transition_time, errp) &&
           visit_end_struct(v, errp);
}

static int pit_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    PITState tmp = { 0 };
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    ok = visit_start_array(v, "channels", PIT_CHANNELS, &err);
    for (int i = 0; ok && i < PIT_CHANNELS; i++) {
        ok = pit_channel_load_mid(f, v, &tmp.channels[i], &err);
    }
    ok = ok && visit_end_array(v, &err);
    if (ok) {
        tmp.irq_timer = (int64_t)qemu_get_be64(f);
    }
    ret = example_devices__load_result(f, err);
    if (ret == 0) {
        *(PITState *)opaque = tmp;
    }
    return ret;
}

/* --- after: the final walk ---------------------------------------------- */

static bool pit_channel_visit(Visitor *v, const char *name,
                              PITChannelState *c, GError **errp)
{
    return visit_start_struct(v, name, errp) &&
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
           visit_type_bool(v, "gate", &c->gate, errp) &&
           visit_type_i64(v, "count_load_time", &c->count_load_time, errp) &&
           visit_type_i64(v, "next_transition_time",
                          &c->next_transition_time, errp) &&
           visit_end_struct(v, errp);
}

bool pit_visit(Visitor *v, PITState *s, GError **errp)
{
    bool ok = visit_start_struct(v, "pit", errp) &&
              visit_start_array(v, "channels", PIT_CHANNELS, errp);

    for (int i = 0; ok && i < PIT_CHANNELS; i++) {
        ok = pit_channel_visit(v, NULL, &s->channels[i], errp);
    }
    return ok && visit_end_array(v, errp) &&
           visit_type_i64(v, "irq_timer", &s->irq_timer, errp) &&
           visit_end_struct(v, errp);
}

/* --- catalog glue ------------------------------------------------------- */

static bool pit_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return pit_visit(v, state, errp);
}

static void pit_randomize(void *state, uint64_t *seed)
{
    PITState *s = state;

    for (int i = 0; i < PIT_CHANNELS; i++) {
        PITChannelState *c = &s->channels[i];

        c->count = example_devices__rand(seed) % 0x10001;
        c->latched_count = example_devices__rand(seed);
        c->count_latched = example_devices__rand(seed);
        c->status_latched = example_devices__rand(seed);
        c->status = example_devices__rand(seed);
        c->read_state = example_devices__rand(seed);
        c->write_state = example_devices__rand(seed);
        c->write_latch = example_devices__rand(seed);
        c->rw_mode = example_devices__rand(seed) % 4;
        c->mode = example_devices__rand(seed) % 6;
        c->bcd = example_devices__rand(seed) % 2;
        c->gate = example_devices__rand(seed) & 1;
        c->count_load_time = (int64_t)example_devices__rand(seed);
        c->next_transition_time = (int64_t)example_devices__rand(seed);
    }
    s->irq_timer = (int64_t)example_devices__rand(seed);
}

static bool pit_channel_equal(const PITChannelState *a,
                              const PITChannelState *b)
{
    return a->count == b->count &&
           a->latched_count == b->latched_count &&
           a->count_latched == b->count_latched &&
           a->status_latched == b->status_latched &&
           a->status == b->status &&
           a->read_state == b->read_state &&
           a->write_state == b->write_state &&
           a->write_latch == b->write_latch &&
           a->rw_mode == b->rw_mode &&
           a->mode == b->mode &&
           a->bcd == b->bcd &&
           a->gate == b->gate &&
           a->count_load_time == b->count_load_time &&
           a->next_transition_time == b->next_transition_time;
}

static bool pit_equal(const void *pa, const void *pb)
{
    const PITState *a = pa, *b = pb;

    for (int i = 0; i < PIT_CHANNELS; i++) {
        if (!pit_channel_equal(&a->channels[i], &b->channels[i])) {
            return false;
        }
    }
    return a->irq_timer == b->irq_timer;
}

static void pit_clear(void *state)
{
    (void)state;
}

const ExampleDevice example_pit = {
    .id = "pit",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(PITState),
    .visit = pit_visit_opaque,
    .save_legacy = pit_save_legacy,
    .load_legacy = pit_load_legacy,
    .save_mid = pit_save_mid,
    .load_mid = pit_load_mid,
    .randomize = pit_randomize,
    .equal = pit_equal,
    .clear = pit_clear,
};
