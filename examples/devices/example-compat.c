/*
 * Compat transforms for the example devices. Each function implements one
 * row of the "Transforms" table at the top of serial.c or e1000.c, with
 * the helpers of <qvisit/compat.h>; docs/compat-authors.md walks through
 * them.
 *
 * Member order inside a QDict carries no meaning (the QObject input
 * visitor looks members up by name), so a new member simply goes last.
 */
#include "examples/devices/example-compat.h"

/* --- serial ------------------------------------------------------------- */

static bool serial_v1_to_v2(QDict *s, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_add_member(s, "fcr", QOBJECT(qnum_from_uint(0)), errp) &&
           compat_rename_member(s, "thr_ipending", "thr_int_pending", errp);
}

static bool serial_v2_to_v1(QDict *s, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_drop_member(s, "fcr", errp) &&
           compat_rename_member(s, "thr_int_pending", "thr_ipending", errp);
}

/* v2's u16 divisor latch became v3's two byte registers DLL and DLM. */
static bool serial_v2_to_v3(QDict *s, void *opaque, GError **errp)
{
    uint64_t divider;

    (void)opaque;
    return compat_get_uint(s, "divider", UINT16_MAX, &divider, errp) &&
           compat_rename_member(s, "divider", "dll", errp) &&
           compat_set_member(s, "dll", QOBJECT(qnum_from_uint(divider &
                                                              0xff)),
                             errp) &&
           compat_add_member(s, "dlm", QOBJECT(qnum_from_uint(divider >> 8)),
                             errp);
}

static bool serial_v3_to_v2(QDict *s, void *opaque, GError **errp)
{
    uint64_t dll, dlm;

    (void)opaque;
    return compat_get_uint(s, "dll", UINT8_MAX, &dll, errp) &&
           compat_get_uint(s, "dlm", UINT8_MAX, &dlm, errp) &&
           compat_drop_member(s, "dlm", errp) &&
           compat_rename_member(s, "dll", "divider", errp) &&
           compat_set_member(s, "divider",
                             QOBJECT(qnum_from_uint(dlm << 8 | dll)), errp);
}

/* --- e1000 -------------------------------------------------------------- */

static bool e1000_v1_to_v2(QDict *s, void *opaque, GError **errp)
{
    g_autoptr(QNum) zero = qnum_from_uint(0);

    (void)opaque;
    return compat_resize_array(s, "mac_reg", 96, QOBJECT(zero), errp) &&
           compat_add_member(s, "mit_timer_on", QOBJECT(qbool_from_bool(false)),
                             errp);
}

static bool e1000_v2_to_v1(QDict *s, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_resize_array(s, "mac_reg", 64, NULL, errp) &&
           compat_drop_member(s, "mit_timer_on", errp);
}

/* The 802.1Q tag: TPID in the high half, TCI in the low half. */
static bool e1000_v2_to_v3(QDict *s, void *opaque, GError **errp)
{
    uint64_t tag;

    (void)opaque;
    return compat_get_uint(s, "tx.vlan_header", UINT32_MAX, &tag, errp) &&
           compat_rename_member(s, "tx.vlan_header", "vlan_tpid", errp) &&
           compat_set_member(s, "tx.vlan_tpid", QOBJECT(qnum_from_uint(tag >>
                                                                       16)),
                             errp) &&
           compat_add_member(s, "tx.vlan_tci",
                             QOBJECT(qnum_from_uint(tag & 0xffff)), errp) &&
           compat_rename_member(s, "rx.min_shift", "buf_min_shift", errp);
}

static bool e1000_v3_to_v2(QDict *s, void *opaque, GError **errp)
{
    uint64_t tpid, tci;

    (void)opaque;
    return compat_get_uint(s, "tx.vlan_tpid", UINT16_MAX, &tpid, errp) &&
           compat_get_uint(s, "tx.vlan_tci", UINT16_MAX, &tci, errp) &&
           compat_drop_member(s, "tx.vlan_tci", errp) &&
           compat_rename_member(s, "tx.vlan_tpid", "vlan_header", errp) &&
           compat_set_member(s, "tx.vlan_header",
                             QOBJECT(qnum_from_uint(tpid << 16 | tci)),
                             errp) &&
           compat_rename_member(s, "rx.buf_min_shift", "min_shift", errp);
}

static const struct {
    const char *device;
    uint32_t from, to;
    CompatTransformFn fn;
} steps[] = {
    { "serial", 1, 2, serial_v1_to_v2 },
    { "serial", 2, 1, serial_v2_to_v1 },
    { "serial", 2, 3, serial_v2_to_v3 },
    { "serial", 3, 2, serial_v3_to_v2 },
    { "e1000", 1, 2, e1000_v1_to_v2 },
    { "e1000", 2, 1, e1000_v2_to_v1 },
    { "e1000", 2, 3, e1000_v2_to_v3 },
    { "e1000", 3, 2, e1000_v3_to_v2 },
};

bool example_compat_register(CompatRegistry *r, GError **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        if (!compat_register(r, steps[i].device, steps[i].from, steps[i].to,
                             steps[i].fn, NULL, errp)) {
            return false;
        }
    }
    return true;
}
