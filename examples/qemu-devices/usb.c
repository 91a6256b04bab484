/*
 * QEMU 7.2's UHCI controller and USB HID devices:
 *  - "<pci addr>/uhci" (hw/usb/hcd-uhci.c, vmsd "uhci" v3, oldest 1):
 *    the PCIDevice, the port count (VMSTATE_UINT8_EQUAL, 2), the two
 *    ports' control registers and the controller's registers and frame
 *    timer;
 *  - "<port path>/usb-ptr" (usb-tablet, usb-mouse) and ".../usb-kbd"
 *    (hw/usb/dev-hid.c, v1): the "USBDevice" struct (hw/usb/bus.c), then
 *    the HID state (hw/input/hid.c) of a pointer, 16 queued events, or
 *    of a keyboard, 16 queued key codes and the pressed keys.
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* NB_PORTS (UHCI), QUEUE_LENGTH (HID). */
#define QEMU_UHCI_PORTS 2
#define QEMU_HID_QUEUE_LENGTH 16

#define F(n, k) { n, VMSTATE_WALK_ ## k, 0, 0 }
#define A(n, k, c) { n, VMSTATE_WALK_ ## k, c, 0 }
#define V(n, k, v) { n, VMSTATE_WALK_ ## k, 0, v }
#define END { NULL, 0, 0, 0 }

/* --- uhci ---------------------------------------------------------------- */

/* After the ports; the frame timer is its expiry in ns (-1: off). */
static const VmstateWalkField uhci_fields[] = {
    F("cmd", U16), F("status", U16), F("intr", U16), F("frnum", U16),
    F("fl_base_addr", U32), F("sof_timing", U8), F("status2", U8),
    F("frame_timer", I64), V("expire_time", I64, 2),
    V("pending_int_mask", U32, 3), END,
};

typedef struct QemuUHCIState {
    QemuPCIDevice dev;
    uint8_t num_ports_vmstate;
    uint16_t port_ctrl[QEMU_UHCI_PORTS];
    uint64_t slots[16];
} QemuUHCIState;

static bool uhci_visit(Visitor *v, void *state, uint32_t version,
                       GError **errp)
{
    QemuUHCIState *s = state;

    g_return_val_if_fail(vmstate_walk_field_slots(uhci_fields) <=
                         G_N_ELEMENTS(s->slots), false);
    if (!vmstate_walk_pci_device(v, "dev", &s->dev, false, errp) ||
        !visit_type_u8(v, "num_ports_vmstate", &s->num_ports_vmstate,
                       errp) ||
        !visit_start_array(v, "ports", QEMU_UHCI_PORTS, errp)) {
        return false;
    }
    for (size_t i = 0; i < QEMU_UHCI_PORTS; i++) {
        if (!visit_start_struct(v, NULL, errp) ||
            !visit_type_u16(v, "ctrl", &s->port_ctrl[i], errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           vmstate_walk_fields(v, uhci_fields, version, s->slots, errp);
}

const QemuDevice qemu_dev_uhci = {
    .name = "uhci",
    .vmsd_name = "uhci",
    .version = 3,
    .minimum_version = 1,
    .state_size = sizeof(QemuUHCIState),
    .visit = uhci_visit,
};

/* --- USB HID devices ------------------------------------------------------ */

/* "USBDevice" v1. */
static const VmstateWalkField usb_device_fields[] = {
    F("addr", U8), F("state", I32), F("remote_wakeup", I32),
    F("setup_state", I32), F("setup_len", I32), F("setup_index", I32),
    A("setup_buf", U8, 8), END,
};

/* "HIDPointerEventQueue" v1, one queued event. */
static const VmstateWalkField hid_ptr_event_fields[] = {
    F("xdx", I32), F("ydy", I32), F("dz", I32), F("buttons_state", I32),
    END,
};

/* After the pointer's event queue ("HIDPointerDevice" v1). */
static const VmstateWalkField hid_ptr_fields[] = {
    F("head", U32), F("n", U32), F("protocol", I32), F("idle", U8), END,
};

/* "HIDKeyboardDevice" v1. */
static const VmstateWalkField hid_kbd_fields[] = {
    A("kbd.keycodes", U32, QEMU_HID_QUEUE_LENGTH), F("head", U32),
    F("n", U32), F("kbd.modifiers", U16), F("kbd.leds", U8),
    A("kbd.key", U8, 16), F("kbd.keys", I32), F("protocol", I32),
    F("idle", U8), END,
};

#undef F
#undef A
#undef V
#undef END

typedef struct QemuUSBHIDState {
    uint64_t dev[16];
    uint64_t events[QEMU_HID_QUEUE_LENGTH][4];
    uint64_t hid[48];
} QemuUSBHIDState;

/* A struct member holding the fields of one table. */
static bool table_struct(Visitor *v, const char *name,
                         const VmstateWalkField *fields, uint64_t *slots,
                         size_t nslots, GError **errp)
{
    g_return_val_if_fail(vmstate_walk_field_slots(fields) <= nslots, false);
    return visit_start_struct(v, name, errp) &&
           vmstate_walk_fields(v, fields, 1, slots, errp) &&
           visit_end_struct(v, errp);
}

static bool usb_ptr_visit(Visitor *v, void *state, uint32_t version,
                          GError **errp)
{
    QemuUSBHIDState *s = state;

    (void)version;
    if (!table_struct(v, "dev", usb_device_fields, s->dev,
                      G_N_ELEMENTS(s->dev), errp) ||
        !visit_start_struct(v, "hid", errp) ||
        !visit_start_array(v, "ptr.queue", QEMU_HID_QUEUE_LENGTH, errp)) {
        return false;
    }
    for (size_t i = 0; i < QEMU_HID_QUEUE_LENGTH; i++) {
        if (!table_struct(v, NULL, hid_ptr_event_fields, s->events[i],
                          G_N_ELEMENTS(s->events[i]), errp)) {
            return false;
        }
    }
    g_return_val_if_fail(vmstate_walk_field_slots(hid_ptr_fields) <=
                         G_N_ELEMENTS(s->hid), false);
    return visit_end_array(v, errp) &&
           vmstate_walk_fields(v, hid_ptr_fields, 1, s->hid, errp) &&
           visit_end_struct(v, errp);
}

const QemuDevice qemu_dev_usb_ptr = {
    .name = "usb-ptr",
    .vmsd_name = "usb-ptr",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuUSBHIDState),
    .visit = usb_ptr_visit,
};

static bool usb_kbd_visit(Visitor *v, void *state, uint32_t version,
                          GError **errp)
{
    QemuUSBHIDState *s = state;

    (void)version;
    return table_struct(v, "dev", usb_device_fields, s->dev,
                        G_N_ELEMENTS(s->dev), errp) &&
           table_struct(v, "hid", hid_kbd_fields, s->hid,
                        G_N_ELEMENTS(s->hid), errp);
}

const QemuDevice qemu_dev_usb_kbd = {
    .name = "usb-kbd",
    .vmsd_name = "usb-kbd",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuUSBHIDState),
    .visit = usb_kbd_visit,
};
