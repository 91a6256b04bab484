/*
 * Example device: PS/2 keyboard, written three ways. The ring pointers
 * index data[], so every loader checks them (and that they agree with the
 * count) before they are stored; the subsection is a presence byte.
 */
#include "examples/devices/ps2kbd.h"

#include <inttypes.h>
#include <string.h>

#include "examples/devices/example-devices-internal.h"

/* Both pointers index data[]; wptr must be where rptr + count ends. */
static bool ps2_queue_check(int32_t rptr, int32_t wptr, int32_t count,
                            GError **errp)
{
    if (!example_devices__check_range(rptr, 0, PS2_QUEUE_SIZE - 1, errp,
                                      "ps2kbd.queue.rptr") ||
        !example_devices__check_range(wptr, 0, PS2_QUEUE_SIZE - 1, errp,
                                      "ps2kbd.queue.wptr") ||
        !example_devices__check_range(count, 0, PS2_QUEUE_SIZE, errp,
                                      "ps2kbd.queue.count")) {
        return false;
    }
    if ((rptr + count) % PS2_QUEUE_SIZE != wptr) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "ps2kbd.queue.count: expected (wptr - rptr) mod %d, "
                    "got %" PRId32 " with rptr %" PRId32
                    " and wptr %" PRId32, PS2_QUEUE_SIZE, count, rptr, wptr);
        return false;
    }
    return true;
}

/* --- legacy ------------------------------------------------------------- */

static void ps2kbd_save_legacy(QEMUFile *f, void *opaque)
{
    PS2KbdState *s = opaque;

    qemu_put_be32(f, s->write_cmd);
    qemu_put_be32(f, s->queue.rptr);
    qemu_put_be32(f, s->queue.wptr);
    qemu_put_be32(f, s->queue.count);
    qemu_put_buffer(f, s->queue.data, PS2_QUEUE_SIZE);
    qemu_put_be32(f, s->scan_enabled);
    qemu_put_be32(f, s->translate);
    qemu_put_be32(f, s->scancode_set);
    qemu_put_be32(f, s->ledstate);
    qemu_put_byte(f, s->has_extended);
    if (s->has_extended) {
        qemu_put_byte(f, s->extended.need_high_bit);
        qemu_put_be16(f, s->extended.modifiers);
    }
}

static int ps2kbd_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    PS2KbdState tmp = { 0 };
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    tmp.write_cmd = (int32_t)qemu_get_be32(f);
    tmp.queue.rptr = (int32_t)qemu_get_be32(f);
    tmp.queue.wptr = (int32_t)qemu_get_be32(f);
    tmp.queue.count = (int32_t)qemu_get_be32(f);
    if (!ps2_queue_check(tmp.queue.rptr, tmp.queue.wptr, tmp.queue.count,
                         NULL)) {
        return example_devices__invalid(f);
    }
    qemu_get_buffer(f, tmp.queue.data, PS2_QUEUE_SIZE);
    tmp.scan_enabled = (int32_t)qemu_get_be32(f);
    tmp.translate = (int32_t)qemu_get_be32(f);
    tmp.scancode_set = (int32_t)qemu_get_be32(f);
    tmp.ledstate = (int32_t)qemu_get_be32(f);
    if (example_devices__get_bool(f, &tmp.has_extended) < 0) {
        return example_devices__invalid(f);
    }
    if (tmp.has_extended) {
        if (example_devices__get_bool(f, &tmp.extended.need_high_bit) < 0) {
            return example_devices__invalid(f);
        }
        tmp.extended.modifiers = qemu_get_be16(f);
    }
    ret = qemu_file_get_error(f);
    if (ret == 0) {
        *(PS2KbdState *)opaque = tmp;
    }
    return ret;
}

/* --- final walk --------------------------------------------------------- */

static bool ps2_queue_visit(Visitor *v, const char *name, PS2Queue *q,
                            GError **errp)
{
    int32_t rptr = q->rptr, wptr = q->wptr, count = q->count;

    if (!visit_start_struct(v, name, errp) ||
        !visit_type_i32(v, "rptr", &rptr, errp) ||
        !visit_type_i32(v, "wptr", &wptr, errp) ||
        !visit_type_i32(v, "count", &count, errp) ||
        !ps2_queue_check(rptr, wptr, count, errp)) {
        return false;
    }
    q->rptr = rptr;
    q->wptr = wptr;
    q->count = count;
    return visit_type_u8_array(v, "data", q->data, PS2_QUEUE_SIZE, errp) &&
           visit_end_struct(v, errp);
}

static bool ps2kbd_extended_struct_visit(Visitor *v, PS2KbdState *s,
                                         GError **errp)
{
    return visit_start_struct(v, "extended", errp) &&
           visit_type_bool(v, "need_high_bit", &s->extended.need_high_bit,
                           errp) &&
           visit_type_u16(v, "modifiers", &s->extended.modifiers, errp) &&
           visit_end_struct(v, errp);
}

/* A bad presence byte surfaces at the caller's visit_end_struct(). */
static bool ps2kbd_extended_visit(Visitor *v, PS2KbdState *s, GError **errp)
{
    if (!visit_optional(v, "extended", &s->has_extended)) {
        return true;
    }
    return ps2kbd_extended_struct_visit(v, s, errp);
}

/*
 * scancode_set is 1..3 once the guest reset the keyboard, but 0 in a state
 * that never was (a zeroed state must load), and it indexes nothing: it is
 * not checked.
 */
static bool ps2kbd_settings_visit(Visitor *v, PS2KbdState *s, GError **errp)
{
    return visit_type_i32(v, "scan_enabled", &s->scan_enabled, errp) &&
           visit_type_i32(v, "translate", &s->translate, errp) &&
           visit_type_i32(v, "scancode_set", &s->scancode_set, errp) &&
           visit_type_i32(v, "ledstate", &s->ledstate, errp);
}

bool ps2kbd_visit(Visitor *v, PS2KbdState *s, GError **errp)
{
    return visit_start_struct(v, "ps2kbd", errp) &&
           visit_type_i32(v, "write_cmd", &s->write_cmd, errp) &&
           ps2_queue_visit(v, "queue", &s->queue, errp) &&
           ps2kbd_settings_visit(v, s, errp) &&
           ps2kbd_extended_visit(v, s, errp) &&
           visit_end_struct(v, errp);
}

/* --- mid-conversion: queue legacy, the rest through the visitor --------- */

/*
 * The subsection's presence byte stays legacy in the mixed stage. A bad
 * presence byte makes visit_optional() return false and fail the *next*
 * visit call; in the final walk that is visit_end_struct(), but here the
 * subsection is the last thing in the stream and no visitor call follows,
 * so the error would go unnoticed.
 */
static void ps2kbd_extended_save_mid(QEMUFile *f, Visitor *v, PS2KbdState *s,
                                     GError **errp)
{
    qemu_put_byte(f, s->has_extended);
    if (s->has_extended) {
        ps2kbd_extended_struct_visit(v, s, errp);
    }
}

/* Returns 0, or -EINVAL for a bad presence byte; visitor errors in *errp. */
static int ps2kbd_extended_load_mid(QEMUFile *f, Visitor *v, PS2KbdState *s,
                                    GError **errp)
{
    if (example_devices__get_bool(f, &s->has_extended) < 0) {
        return -EINVAL;
    }
    if (s->has_extended) {
        ps2kbd_extended_struct_visit(v, s, errp);
    }
    return 0;
}

static void ps2kbd_save_mid(QEMUFile *f, void *opaque)
{
    PS2KbdState *s = opaque;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;

    if (visit_type_i32(v, "write_cmd", &s->write_cmd, &err)) {
        qemu_put_be32(f, s->queue.rptr);
        qemu_put_be32(f, s->queue.wptr);
        qemu_put_be32(f, s->queue.count);
        qemu_put_buffer(f, s->queue.data, PS2_QUEUE_SIZE);
        if (ps2kbd_settings_visit(v, s, &err)) {
            ps2kbd_extended_save_mid(f, v, s, &err);
        }
    }
    example_devices__save_result(f, err);
}

static int ps2kbd_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    PS2KbdState tmp = { 0 };
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    if (visit_type_i32(v, "write_cmd", &tmp.write_cmd, &err)) {
        tmp.queue.rptr = (int32_t)qemu_get_be32(f);
        tmp.queue.wptr = (int32_t)qemu_get_be32(f);
        tmp.queue.count = (int32_t)qemu_get_be32(f);
        if (!ps2_queue_check(tmp.queue.rptr, tmp.queue.wptr,
                             tmp.queue.count, NULL)) {
            return example_devices__invalid(f);
        }
        qemu_get_buffer(f, tmp.queue.data, PS2_QUEUE_SIZE);
        if (ps2kbd_settings_visit(v, &tmp, &err) &&
            ps2kbd_extended_load_mid(f, v, &tmp, &err) < 0) {
            return example_devices__invalid(f);
        }
    }
    ret = example_devices__load_result(f, err);
    if (ret == 0) {
        *(PS2KbdState *)opaque = tmp;
    }
    return ret;
}

/* --- catalog glue ------------------------------------------------------- */

static bool ps2kbd_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return ps2kbd_visit(v, state, errp);
}

static void ps2kbd_randomize(void *state, uint64_t *seed)
{
    PS2KbdState *s = state;

    s->write_cmd = (int32_t)(example_devices__rand(seed) % 257) - 1;
    s->queue.rptr = example_devices__rand(seed) % PS2_QUEUE_SIZE;
    s->queue.count = example_devices__rand(seed) % (PS2_QUEUE_SIZE + 1);
    s->queue.wptr = (s->queue.rptr + s->queue.count) % PS2_QUEUE_SIZE;
    example_devices__rand_bytes(seed, s->queue.data, PS2_QUEUE_SIZE);
    s->scan_enabled = example_devices__rand(seed) & 1;
    s->translate = example_devices__rand(seed) & 1;
    s->scancode_set = 1 + example_devices__rand(seed) % 3;
    s->ledstate = example_devices__rand(seed) % 8;
    s->has_extended = example_devices__rand(seed) & 1;
    if (s->has_extended) {
        s->extended.need_high_bit = example_devices__rand(seed) & 1;
        s->extended.modifiers = example_devices__rand(seed);
    }
}

static bool ps2kbd_equal(const void *pa, const void *pb)
{
    const PS2KbdState *a = pa, *b = pb;

    return a->write_cmd == b->write_cmd &&
           a->queue.rptr == b->queue.rptr &&
           a->queue.wptr == b->queue.wptr &&
           a->queue.count == b->queue.count &&
           memcmp(a->queue.data, b->queue.data, PS2_QUEUE_SIZE) == 0 &&
           a->scan_enabled == b->scan_enabled &&
           a->translate == b->translate &&
           a->scancode_set == b->scancode_set &&
           a->ledstate == b->ledstate &&
           a->has_extended == b->has_extended &&
           (!a->has_extended ||
            (a->extended.need_high_bit == b->extended.need_high_bit &&
             a->extended.modifiers == b->extended.modifiers));
}

static void ps2kbd_clear(void *state)
{
    (void)state;
}

const ExampleDevice example_ps2kbd = {
    .id = "ps2kbd",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(PS2KbdState),
    .visit = ps2kbd_visit_opaque,
    .save_legacy = ps2kbd_save_legacy,
    .load_legacy = ps2kbd_load_legacy,
    .save_mid = ps2kbd_save_mid,
    .load_mid = ps2kbd_load_mid,
    .randomize = ps2kbd_randomize,
    .equal = ps2kbd_equal,
    .clear = ps2kbd_clear,
};
