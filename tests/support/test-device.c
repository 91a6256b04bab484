/* The test device; see tests/test-device.h. */
#include "tests/test-device.h"

#include <string.h>

bool tdev_channel_visit(Visitor *v, const char *name, TDevChannel *c,
                        GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_u16(v, "count", &c->count, errp) &&
           visit_type_i8(v, "mode", &c->mode, errp) &&
           visit_end_struct(v, errp);
}

bool tdev_visit(Visitor *v, void *opaque, GError **errp)
{
    TDev *s = opaque;

    if (!visit_start_struct(v, "tdev", errp) ||
        !visit_type_u8(v, "u8", &s->u8, errp) ||
        !visit_type_u16(v, "u16", &s->u16, errp) ||
        !visit_type_u32(v, "u32", &s->u32, errp) ||
        !visit_type_u64(v, "u64", &s->u64, errp) ||
        !visit_type_i8(v, "i8", &s->i8, errp) ||
        !visit_type_i16(v, "i16", &s->i16, errp) ||
        !visit_type_i32(v, "i32", &s->i32, errp) ||
        !visit_type_i64(v, "i64", &s->i64, errp) ||
        !visit_type_bool(v, "flag", &s->flag, errp) ||
        !visit_type_number(v, "ratio", &s->ratio, errp)) {
        return false;
    }
    if (visit_is_input(v)) {
        char *label = NULL;

        if (!visit_type_str(v, "label", &label, errp)) {
            return false;
        }
        g_free(s->label);
        s->label = label;
    } else if (!visit_type_str(v, "label", &s->label, errp)) {
        return false;
    }
    if (!visit_type_buffer(v, "mac", s->mac, sizeof(s->mac), errp) ||
        !visit_type_u32_array(v, "regs", s->regs, 4, errp) ||
        !visit_type_u8_array(v, "cmos", s->cmos, 16, errp) ||
        !visit_start_array(v, "ch", 3, errp)) {
        return false;
    }
    for (int i = 0; i < 3; i++) {
        if (!tdev_channel_visit(v, NULL, &s->ch[i], errp)) {
            return false;
        }
    }
    if (!visit_end_array(v, errp)) {
        return false;
    }
    if (visit_optional(v, "extra", &s->has_extra) &&
        !visit_type_u32(v, "extra", &s->extra, errp)) {
        return false;
    }
    return visit_end_struct(v, errp);
}

void tdev_clear(void *opaque)
{
    TDev *s = opaque;

    g_free(s->label);
    s->label = NULL;
}

void tdev_pause(void *opaque)
{
    ((TDev *)opaque)->paused++;
}

void tdev_resume(void *opaque)
{
    ((TDev *)opaque)->resumed++;
}

void tdev_fill(TDev *s, unsigned seed)
{
    memset(s, 0, sizeof(*s));
    s->u8 = 200 + seed;
    s->u16 = 65535 - seed;
    s->u32 = 4000000000u + seed;
    s->u64 = UINT64_MAX - seed;
    s->i8 = -128 + seed;
    s->i16 = -30000;
    s->i32 = INT32_MIN + seed;
    s->i64 = -1 - (int64_t)seed;
    s->flag = seed & 1;
    s->ratio = 0.5 + seed;
    s->label = g_strdup_printf("dev %u \xc3\xa9", seed);
    for (unsigned i = 0; i < 6; i++) {
        s->mac[i] = 0x50 + i + seed;
    }
    for (unsigned i = 0; i < 4; i++) {
        s->regs[i] = 0x11111111u * (i + 1) + seed;
    }
    for (unsigned i = 0; i < 16; i++) {
        s->cmos[i] = i * 16 + seed;
    }
    for (unsigned i = 0; i < 3; i++) {
        s->ch[i].count = 1000 * i + seed;
        s->ch[i].mode = -(int)i;
    }
    s->has_extra = seed % 2 == 0;
    s->extra = s->has_extra ? 77 + seed : 0;
}

bool tdev_equal(const TDev *a, const TDev *b)
{
    return a->u8 == b->u8 && a->u16 == b->u16 && a->u32 == b->u32 &&
           a->u64 == b->u64 && a->i8 == b->i8 && a->i16 == b->i16 &&
           a->i32 == b->i32 && a->i64 == b->i64 && a->flag == b->flag &&
           a->ratio == b->ratio &&
           !g_strcmp0(a->label, b->label) &&
           !memcmp(a->mac, b->mac, sizeof(a->mac)) &&
           !memcmp(a->regs, b->regs, sizeof(a->regs)) &&
           !memcmp(a->cmos, b->cmos, sizeof(a->cmos)) &&
           !memcmp(a->ch, b->ch, sizeof(a->ch)) &&
           a->has_extra == b->has_extra &&
           (!a->has_extra || a->extra == b->extra);
}

MigrationDeviceInfo tdev_info(const char *id, uint32_t instance_id)
{
    MigrationDeviceInfo info = {
        .id = id,
        .instance_id = instance_id,
        .version = 2,
        .minimum_version = 1,
        .visit = tdev_visit,
        .pause = tdev_pause,
        .resume = tdev_resume,
        .state_size = sizeof(TDev),
        .clear = tdev_clear,
    };

    return info;
}

bool tdev_write_streams(MigrationRegistry *r, const char *dir)
{
    static const char *const names[] = { NULL, "s.legacy", "s.bin",
                                         "s.json" };

    for (int f = MIGRATION_FORMAT_LEGACY; f <= MIGRATION_FORMAT_JSON; f++) {
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autofree char *path = g_build_filename(dir, names[f], NULL);

        if (!migration_save(r, f, out, NULL, NULL) ||
            !g_file_set_contents(path, (char *)out->data, out->len, NULL)) {
            return false;
        }
    }
    return true;
}
