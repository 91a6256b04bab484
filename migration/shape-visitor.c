/*
 * The shape of a legacy save's walk, for the vmdesc cache (format-legacy.c).
 *
 * The visitor forwards every call to a QEMUFile output visitor, which
 * writes the payload, and appends to a byte string what QEMU's vmdesc of
 * the payload depends on: each call's kind, its member name, integer
 * widths and signs, array lengths, presence, and the lengths of strings
 * and buffers. Two walks with equal shapes have the same vmdesc fields,
 * so the description made for the first serves the second without being
 * built again. Names are recorded by content, not by pointer: a walk may
 * format names into one buffer.
 */
#include "migration/migration-internal.h"

#include <string.h>

#include "qvisit/qemu-file-visitor.h"
#include "visitor/visitor-impl.h"

enum {
    SHAPE_START_STRUCT = 1,
    SHAPE_END_STRUCT,
    SHAPE_START_ARRAY,
    SHAPE_END_ARRAY,
    SHAPE_OPTIONAL,
    SHAPE_INT,
    SHAPE_UINT,
    SHAPE_BOOL,
    SHAPE_NUMBER,
    SHAPE_STR,
    SHAPE_BUFFER,
    SHAPE_UINT_ARRAY,
    SHAPE_SUBSECTION,
};

typedef struct ShapeVisitor {
    Visitor visitor;
    Visitor *inner;
    GByteArray *shape;
} ShapeVisitor;

static ShapeVisitor *to_sv(Visitor *v)
{
    return (ShapeVisitor *)v;
}

/* One record: kind, name with its NUL (none for NULL), a number. */
static void record(Visitor *v, uint8_t kind, const char *name, uint64_t n)
{
    GByteArray *shape = to_sv(v)->shape;

    g_byte_array_append(shape, &kind, 1);
    if (name) {
        g_byte_array_append(shape, (const uint8_t *)name, strlen(name) + 1);
    } else {
        static const uint8_t no_name = 0xff;    /* never in UTF-8 */

        g_byte_array_append(shape, &no_name, 1);
    }
    g_byte_array_append(shape, (const uint8_t *)&n, sizeof(n));
}

static bool sv_start_struct(Visitor *v, const char *name, GError **errp)
{
    record(v, SHAPE_START_STRUCT, name, 0);
    return visit_start_struct(to_sv(v)->inner, name, errp);
}

static bool sv_end_struct(Visitor *v, GError **errp)
{
    record(v, SHAPE_END_STRUCT, NULL, 0);
    return visit_end_struct(to_sv(v)->inner, errp);
}

static bool sv_start_array(Visitor *v, const char *name, size_t len,
                           GError **errp)
{
    record(v, SHAPE_START_ARRAY, name, len);
    return visit_start_array(to_sv(v)->inner, name, len, errp);
}

static bool sv_end_array(Visitor *v, GError **errp)
{
    record(v, SHAPE_END_ARRAY, NULL, 0);
    return visit_end_array(to_sv(v)->inner, errp);
}

static bool sv_optional(Visitor *v, const char *name, bool *present,
                        GError **errp)
{
    (void)errp;
    visit_optional(to_sv(v)->inner, name, present);
    record(v, SHAPE_OPTIONAL, name, *present);
    return true;
}

/* QEMU's subsection header, as the vmdesc visitor writes it. */
static bool sv_start_subsection(Visitor *v, const char *name,
                                uint32_t *version, bool *present,
                                GError **errp)
{
    record(v, SHAPE_SUBSECTION, name, (uint64_t)*version << 1 | *present);
    return visit_start_subsection(to_sv(v)->inner, name, version, present,
                                  errp);
}

static bool sv_type_int(Visitor *v, const char *name, int64_t *obj,
                        unsigned bits, GError **errp)
{
    Visitor *in = to_sv(v)->inner;
    bool ok;

    record(v, SHAPE_INT, name, bits);
    switch (bits) {
    case 8: {
        int8_t x = (int8_t)*obj;
        ok = visit_type_i8(in, name, &x, errp);
        break;
    }
    case 16: {
        int16_t x = (int16_t)*obj;
        ok = visit_type_i16(in, name, &x, errp);
        break;
    }
    case 32: {
        int32_t x = (int32_t)*obj;
        ok = visit_type_i32(in, name, &x, errp);
        break;
    }
    default:
        ok = visit_type_i64(in, name, obj, errp);
        break;
    }
    return ok;
}

static bool sv_type_uint(Visitor *v, const char *name, uint64_t *obj,
                         unsigned bits, GError **errp)
{
    Visitor *in = to_sv(v)->inner;
    bool ok;

    record(v, SHAPE_UINT, name, bits);
    switch (bits) {
    case 8: {
        uint8_t x = (uint8_t)*obj;
        ok = visit_type_u8(in, name, &x, errp);
        break;
    }
    case 16: {
        uint16_t x = (uint16_t)*obj;
        ok = visit_type_u16(in, name, &x, errp);
        break;
    }
    case 32: {
        uint32_t x = (uint32_t)*obj;
        ok = visit_type_u32(in, name, &x, errp);
        break;
    }
    default:
        ok = visit_type_u64(in, name, obj, errp);
        break;
    }
    return ok;
}

static bool sv_type_bool(Visitor *v, const char *name, bool *obj,
                         GError **errp)
{
    record(v, SHAPE_BOOL, name, 0);
    return visit_type_bool(to_sv(v)->inner, name, obj, errp);
}

static bool sv_type_number(Visitor *v, const char *name, double *obj,
                           GError **errp)
{
    record(v, SHAPE_NUMBER, name, 0);
    return visit_type_number(to_sv(v)->inner, name, obj, errp);
}

static bool sv_type_str(Visitor *v, const char *name, char **obj,
                        GError **errp)
{
    record(v, SHAPE_STR, name, *obj ? strlen(*obj) : 0);
    return visit_type_str(to_sv(v)->inner, name, obj, errp);
}

static bool sv_type_buffer(Visitor *v, const char *name, void *buf,
                           size_t len, GError **errp)
{
    record(v, SHAPE_BUFFER, name, len);
    return visit_type_buffer(to_sv(v)->inner, name, buf, len, errp);
}

static bool sv_type_uint_array(Visitor *v, void *arr, unsigned bits,
                               size_t n, GError **errp)
{
    Visitor *in = to_sv(v)->inner;
    bool ok = true;

    /* The core opened the array on @in too: only the elements remain. */
    record(v, SHAPE_UINT_ARRAY, NULL, (uint64_t)n << 8 | bits);
    for (size_t i = 0; i < n && ok; i++) {
        switch (bits) {
        case 8:
            ok = visit_type_u8(in, NULL, (uint8_t *)arr + i, errp);
            break;
        case 16:
            ok = visit_type_u16(in, NULL, (uint16_t *)arr + i, errp);
            break;
        case 32:
            ok = visit_type_u32(in, NULL, (uint32_t *)arr + i, errp);
            break;
        default:
            ok = visit_type_u64(in, NULL, (uint64_t *)arr + i, errp);
            break;
        }
    }
    return ok;
}

static bool sv_complete(Visitor *v, GError **errp)
{
    return visit_complete(to_sv(v)->inner, errp);
}

static void sv_free(Visitor *v)
{
    ShapeVisitor *sv = to_sv(v);

    visit__cleanup(v);
    visit_free(sv->inner);
    g_free(sv);
}

Visitor *migration__shape_visitor_new(QEMUFile *f, GByteArray *shape)
{
    ShapeVisitor *sv = g_new0(ShapeVisitor, 1);

    sv->inner = qemu_file_output_visitor_new(f);
    sv->shape = shape;
    sv->visitor.start_struct = sv_start_struct;
    sv->visitor.end_struct = sv_end_struct;
    sv->visitor.start_array = sv_start_array;
    sv->visitor.end_array = sv_end_array;
    sv->visitor.optional = sv_optional;
    sv->visitor.start_subsection = sv_start_subsection;
    sv->visitor.type_int = sv_type_int;
    sv->visitor.type_uint = sv_type_uint;
    sv->visitor.type_bool = sv_type_bool;
    sv->visitor.type_number = sv_type_number;
    sv->visitor.type_str = sv_type_str;
    sv->visitor.type_buffer = sv_type_buffer;
    sv->visitor.type_uint_array = sv_type_uint_array;
    sv->visitor.complete = sv_complete;
    sv->visitor.free = sv_free;
    visit__init(&sv->visitor, VISITOR_OUTPUT);
    return &sv->visitor;
}
