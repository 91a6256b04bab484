/* The every-call walk of the fuzz targets and tests; see tests/fuzz-sink.h. */
#include "tests/fuzz-sink.h"

#include <inttypes.h>
#include <string.h>

static bool item_visit(Visitor *v, const char *name, FuzzSinkItem *it,
                       GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_u8(v, "tag", &it->tag, errp) &&
           visit_type_str(v, "label", &it->label, errp) &&
           visit_end_struct(v, errp);
}

static bool items_visit(Visitor *v, FuzzSink *s, GError **errp)
{
    /*
     * The count comes from the input: check it against the capacity
     * before any element is written.
     */
    if (!visit_type_u32(v, "count", &s->count, errp)) {
        return false;
    }
    if (s->count > FUZZ_SINK_ITEMS_MAX) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_RANGE,
                    "sink.count: %" PRIu32 " exceeds %d", s->count,
                    FUZZ_SINK_ITEMS_MAX);
        return false;
    }
    if (!visit_start_array(v, "items", s->count, errp)) {
        return false;
    }
    for (uint32_t i = 0; i < s->count; i++) {
        if (!item_visit(v, NULL, &s->items[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp);
}

static bool pair_visit(Visitor *v, FuzzSink *s, GError **errp)
{
    return visit_start_array(v, "pair", 2, errp) &&
           item_visit(v, NULL, &s->pair[0], errp) &&
           item_visit(v, NULL, &s->pair[1], errp) &&
           visit_end_array(v, errp);
}

bool fuzz_sink_visit(Visitor *v, FuzzSink *s, GError **errp)
{
    bool ok = visit_start_struct(v, "sink", errp) &&
              visit_type_u8(v, "u8", &s->u8, errp) &&
              visit_type_u16(v, "u16", &s->u16, errp) &&
              visit_type_u32(v, "u32", &s->u32, errp) &&
              visit_type_u64(v, "u64", &s->u64, errp) &&
              visit_type_i8(v, "i8", &s->i8, errp) &&
              visit_type_i16(v, "i16", &s->i16, errp) &&
              visit_type_i32(v, "i32", &s->i32, errp) &&
              visit_type_i64(v, "i64", &s->i64, errp) &&
              visit_type_bool(v, "flag", &s->flag, errp) &&
              visit_type_number(v, "number", &s->number, errp) &&
              visit_type_str(v, "name", &s->name, errp) &&
              visit_type_buffer(v, "mac", s->mac, sizeof(s->mac), errp) &&
              visit_type_u8_array(v, "regs8", s->regs8, 4, errp) &&
              visit_type_u16_array(v, "regs16", s->regs16, 3, errp) &&
              visit_type_u32_array(v, "regs32", s->regs32, 2, errp) &&
              visit_type_u64_array(v, "regs64", s->regs64, 2, errp);

    if (!ok) {
        return false;
    }
    if (visit_optional(v, "extra", &s->has_extra) &&
        !visit_type_u32(v, "extra", &s->extra, errp)) {
        return false;
    }
    return pair_visit(v, s, errp) &&
           items_visit(v, s, errp) &&
           visit_end_struct(v, errp);
}

static bool str_equal(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : a == b;
}

static bool item_equal(const FuzzSinkItem *a, const FuzzSinkItem *b)
{
    return a->tag == b->tag && str_equal(a->label, b->label);
}

bool fuzz_sink_equal(const FuzzSink *a, const FuzzSink *b)
{
    if (a->u8 != b->u8 || a->u16 != b->u16 || a->u32 != b->u32 ||
        a->u64 != b->u64 || a->i8 != b->i8 || a->i16 != b->i16 ||
        a->i32 != b->i32 || a->i64 != b->i64 || a->flag != b->flag ||
        memcmp(&a->number, &b->number, sizeof(a->number)) ||
        !str_equal(a->name, b->name) ||
        memcmp(a->mac, b->mac, sizeof(a->mac)) ||
        memcmp(a->regs8, b->regs8, sizeof(a->regs8)) ||
        memcmp(a->regs16, b->regs16, sizeof(a->regs16)) ||
        memcmp(a->regs32, b->regs32, sizeof(a->regs32)) ||
        memcmp(a->regs64, b->regs64, sizeof(a->regs64)) ||
        a->has_extra != b->has_extra ||
        (a->has_extra && a->extra != b->extra) ||
        !item_equal(&a->pair[0], &b->pair[0]) ||
        !item_equal(&a->pair[1], &b->pair[1]) || a->count != b->count) {
        return false;
    }
    for (uint32_t i = 0; i < a->count && i < FUZZ_SINK_ITEMS_MAX; i++) {
        if (!item_equal(&a->items[i], &b->items[i])) {
            return false;
        }
    }
    return true;
}

void fuzz_sink_clear(FuzzSink *s)
{
    g_free(s->name);
    g_free(s->pair[0].label);
    g_free(s->pair[1].label);
    for (size_t i = 0; i < FUZZ_SINK_ITEMS_MAX; i++) {
        g_free(s->items[i].label);
    }
    memset(s, 0, sizeof(*s));
}

void fuzz_sink_example(FuzzSink *s)
{
    memset(s, 0, sizeof(*s));
    s->u8 = 0xff;
    s->u16 = 0x1234;
    s->u32 = 0xdeadbeef;
    s->u64 = UINT64_MAX;
    s->i8 = -128;
    s->i16 = -2;
    s->i32 = INT32_MIN;
    s->i64 = -1;
    s->flag = true;
    s->number = 2.5;
    s->name = g_strdup("ttyS0");
    memcpy(s->mac, "\x52\x54\x00\x12\x34\x56", 6);
    s->regs8[3] = 7;
    s->regs16[1] = 0xffff;
    s->regs32[0] = 1;
    s->regs64[1] = 1ULL << 40;
    s->has_extra = true;
    s->extra = 42;
    s->pair[0].tag = 1;
    s->pair[0].label = g_strdup("a");
    s->pair[1].tag = 2;
    s->pair[1].label = g_strdup("\xc3\xa9t\xc3\xa9");
    s->count = 2;
    s->items[0].tag = 3;
    s->items[0].label = g_strdup("");
    s->items[1].tag = 4;
    s->items[1].label = g_strdup("queue");
}
