/*
 * QEMU 7.2's PS/2 keyboard and mouse sections (hw/input/ps2.c): "ps2kbd"
 * v3 (oldest 2) and "ps2mouse" v2, both starting with the "PS2 Common
 * State" struct (v3: the pending command and the 256-byte queue).
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* PS2_BUFFER_SIZE */
#define QEMU_PS2_BUFFER_SIZE 256

typedef struct QemuPS2Common {
    int32_t write_cmd;
    int32_t rptr;
    int32_t wptr;
    int32_t count;
    uint8_t data[QEMU_PS2_BUFFER_SIZE];
} QemuPS2Common;

/* The common struct is a VMSTATE_STRUCT: always its own version 3, whose
 * fields are all unconditional. */
static bool ps2_common_visit(Visitor *v, QemuPS2Common *c, GError **errp)
{
    return visit_start_struct(v, "parent_obj", errp) &&
           visit_type_i32(v, "write_cmd", &c->write_cmd, errp) &&
           visit_type_i32(v, "queue.rptr", &c->rptr, errp) &&
           visit_type_i32(v, "queue.wptr", &c->wptr, errp) &&
           visit_type_i32(v, "queue.count", &c->count, errp) &&
           visit_type_buffer(v, "queue.data", c->data, sizeof(c->data),
                             errp) &&
           visit_end_struct(v, errp);
}

typedef struct QemuPS2KbdState {
    QemuPS2Common common;
    int32_t scan_enabled;
    int32_t translate;
    int32_t scancode_set;
    bool ledstate_present;
    int32_t ledstate;
    bool need_high_bit_present;
    bool need_high_bit;
    bool cqueue_present;
    int32_t cwptr;
} QemuPS2KbdState;

static bool ps2kbd_ledstate_visit(Visitor *v, void *state,
                                  uint32_t version, GError **errp)
{
    QemuPS2KbdState *s = state;

    (void)version;
    return visit_type_i32(v, "ledstate", &s->ledstate, errp);
}

static bool ps2kbd_need_high_bit_visit(Visitor *v, void *state,
                                       uint32_t version, GError **errp)
{
    QemuPS2KbdState *s = state;

    (void)version;
    return visit_type_bool(v, "need_high_bit", &s->need_high_bit, errp);
}

static bool ps2kbd_cqueue_visit(Visitor *v, void *state, uint32_t version,
                                GError **errp)
{
    QemuPS2KbdState *s = state;

    (void)version;
    return visit_type_i32(v, "parent_obj.queue.cwptr", &s->cwptr, errp);
}

static bool ps2kbd_visit(Visitor *v, void *state, uint32_t version,
                         GError **errp)
{
    QemuPS2KbdState *s = state;

    if (!ps2_common_visit(v, &s->common, errp) ||
        !visit_type_i32(v, "scan_enabled", &s->scan_enabled, errp) ||
        !visit_type_i32(v, "translate", &s->translate, errp) ||
        (version >= 3 &&
         !visit_type_i32(v, "scancode_set", &s->scancode_set, errp))) {
        return false;
    }
    /* needed(): LEDs not all off; need_high_bit set; command replies
     * queued (cwptr != -1). */
    return qemu_dev_subsection(v, "ps2kbd/ledstate", 3, 2,
                               &s->ledstate_present, ps2kbd_ledstate_visit,
                               s, errp) &&
           qemu_dev_subsection(v, "ps2kbd/need_high_bit", 1, 1,
                               &s->need_high_bit_present,
                               ps2kbd_need_high_bit_visit, s, errp) &&
           qemu_dev_subsection(v, "ps2kbd/command_reply_queue", 0, 0,
                               &s->cqueue_present, ps2kbd_cqueue_visit, s,
                               errp);
}

const QemuDevice qemu_dev_ps2kbd = {
    .name = "ps2kbd",
    .vmsd_name = "ps2kbd",
    .version = 3,
    .minimum_version = 2,
    .state_size = sizeof(QemuPS2KbdState),
    .visit = ps2kbd_visit,
};

typedef struct QemuPS2MouseState {
    QemuPS2Common common;
    uint8_t mouse_status;
    uint8_t mouse_resolution;
    uint8_t mouse_sample_rate;
    uint8_t mouse_wrap;
    uint8_t mouse_type;
    uint8_t mouse_detect_state;
    int32_t mouse_dx;
    int32_t mouse_dy;
    int32_t mouse_dz;
    uint8_t mouse_buttons;
} QemuPS2MouseState;

static bool ps2mouse_visit(Visitor *v, void *state, uint32_t version,
                           GError **errp)
{
    QemuPS2MouseState *s = state;

    (void)version;
    return ps2_common_visit(v, &s->common, errp) &&
           visit_type_u8(v, "mouse_status", &s->mouse_status, errp) &&
           visit_type_u8(v, "mouse_resolution", &s->mouse_resolution,
                         errp) &&
           visit_type_u8(v, "mouse_sample_rate", &s->mouse_sample_rate,
                         errp) &&
           visit_type_u8(v, "mouse_wrap", &s->mouse_wrap, errp) &&
           visit_type_u8(v, "mouse_type", &s->mouse_type, errp) &&
           visit_type_u8(v, "mouse_detect_state", &s->mouse_detect_state,
                         errp) &&
           visit_type_i32(v, "mouse_dx", &s->mouse_dx, errp) &&
           visit_type_i32(v, "mouse_dy", &s->mouse_dy, errp) &&
           visit_type_i32(v, "mouse_dz", &s->mouse_dz, errp) &&
           visit_type_u8(v, "mouse_buttons", &s->mouse_buttons, errp);
}

const QemuDevice qemu_dev_ps2mouse = {
    .name = "ps2mouse",
    .vmsd_name = "ps2mouse",
    .version = 2,
    .minimum_version = 2,
    .state_size = sizeof(QemuPS2MouseState),
    .visit = ps2mouse_visit,
};
