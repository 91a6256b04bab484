/*
 * Example device: a PS/2 keyboard, modelled on the migration state of
 * QEMU's ps2 keyboard: a 256-byte ring of scan codes with read and write
 * pointers and a count (a counted queue), the pending command, the scan
 * code set and LED state, and an optional subsection. Layout version 1.
 *
 * Stream (version 1), 289 bytes without the subsection, 292 with it:
 *   write_cmd i32,
 *   queue { rptr i32 (0..255), wptr i32 (0..255), count i32 (0..256),
 *           data u8[256] },
 *   scan_enabled i32, translate i32, scancode_set i32, ledstate i32,
 *   optional extended: presence byte, then when 1
 *     { need_high_bit bool, modifiers u16 }
 * with wptr == (rptr + count) % 256 checked on load (QVISIT_ERROR_INVALID).
 */
#ifndef QVISIT_EXAMPLE_PS2KBD_H
#define QVISIT_EXAMPLE_PS2KBD_H

#include <qvisit/qvisit.h>

#define PS2_QUEUE_SIZE 256

typedef struct PS2Queue {
    int32_t rptr;               /* next byte to read, 0..255 */
    int32_t wptr;               /* next byte to write, 0..255 */
    int32_t count;              /* bytes queued, 0..256 */
    uint8_t data[PS2_QUEUE_SIZE];
} PS2Queue;

/* The optional subsection: state newer guests drive. */
typedef struct PS2KbdExtended {
    bool need_high_bit;
    uint16_t modifiers;
} PS2KbdExtended;

typedef struct PS2KbdState {
    int32_t write_cmd;          /* command awaiting its data byte, or -1 */
    PS2Queue queue;
    int32_t scan_enabled;
    int32_t translate;
    int32_t scancode_set;       /* 1..3; 0 before the first reset */
    int32_t ledstate;
    bool has_extended;
    PS2KbdExtended extended;
} PS2KbdState;

/* The final walk; root struct "ps2kbd". */
bool ps2kbd_visit(Visitor *v, PS2KbdState *s, GError **errp);

#endif /* QVISIT_EXAMPLE_PS2KBD_H */
