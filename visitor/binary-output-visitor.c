/*
 * Self-describing binary output visitor: writes the walk as tagged values
 * with member names interned in a per-document name table. The layout is
 * in visitor/binary-wire.h and docs/formats.md.
 */
#include "qvisit/binary-visitor.h"

#include <string.h>

#include "visitor/binary-internal.h"
#include "visitor/visitor-impl.h"

typedef struct BinaryFrame {
    bool is_array;
    size_t tag_pos;         /* offset of the container's tag in body */
    /*
     * Structs: name index the next member is expected to follow (the last
     * member's). Arrays: the name index element structs start after when
     * no element has had a member yet, and elem_first, the first member
     * of the previous element struct (-1: none yet).
     */
    int64_t prev_name;
    int64_t elem_first;
    bool first_member;      /* structs: no member written yet */
} BinaryFrame;

typedef struct BinaryOutputVisitor {
    Visitor visitor;
    GByteArray *out;        /* borrowed; receives the document */
    GByteArray *body;       /* tagged value, built during the walk */
    GHashTable *name_index; /* name -> index + 1 */
    GPtrArray *names;       /* index -> name (owned by name_index keys) */
    GArray *stack;          /* of BinaryFrame */
} BinaryOutputVisitor;

static BinaryOutputVisitor *to_bov(Visitor *v)
{
    return (BinaryOutputVisitor *)v;
}

static size_t intern_name(BinaryOutputVisitor *bov, const char *name)
{
    gpointer idx = g_hash_table_lookup(bov->name_index, name);
    char *key;

    if (idx) {
        return GPOINTER_TO_SIZE(idx) - 1;
    }
    key = g_strdup(name);
    g_ptr_array_add(bov->names, key);
    g_hash_table_insert(bov->name_index, key,
                        GSIZE_TO_POINTER(bov->names->len));
    return bov->names->len - 1;
}

/*
 * Writes the tag, and inside a struct the member's name index. Names are
 * interned in first-visit order, so a member usually has the index after
 * the previous member's: then BIN_SEQ_NAME in the tag says so and the
 * index is left out, making most member headers one byte. Returns the
 * tag's offset.
 */
static size_t put_head(BinaryOutputVisitor *bov, const char *name,
                       uint8_t tag)
{
    BinaryFrame *f = bov->stack->len
        ? &g_array_index(bov->stack, BinaryFrame, bov->stack->len - 1)
        : NULL;
    size_t pos = bov->body->len;

    if (f && !f->is_array) {
        int64_t idx = intern_name(bov, name ? name : "");

        if (idx == f->prev_name + 1) {
            tag |= BIN_SEQ_NAME;
            g_byte_array_append(bov->body, &tag, 1);
        } else {
            g_byte_array_append(bov->body, &tag, 1);
            binary__put_varint(bov->body, idx);
        }
        f->prev_name = idx;
        if (f->first_member) {
            f->first_member = false;
            if (bov->stack->len > 1) {
                BinaryFrame *up = &g_array_index(bov->stack, BinaryFrame,
                                                 bov->stack->len - 2);

                if (up->is_array) {
                    up->elem_first = idx;
                }
            }
        }
        return pos;
    }
    g_byte_array_append(bov->body, &tag, 1);
    return pos;
}

/*
 * The name index a new container's members continue from: inside a
 * struct, the container's own name (just written); inside an array, the
 * previous element struct's first member - 1, so every element after the
 * first repeats the same one-byte headers; at the root, -1.
 */
static int64_t context_name(BinaryOutputVisitor *bov)
{
    BinaryFrame *up;

    if (!bov->stack->len) {
        return -1;
    }
    up = &g_array_index(bov->stack, BinaryFrame, bov->stack->len - 1);
    if (up->is_array && up->elem_first >= 0) {
        return up->elem_first - 1;
    }
    return up->prev_name;
}

/* Integers: a varint when it is shorter than the fixed width, else the
 * fixed-width big-endian form (random 64-bit values would take 10 bytes
 * as varints). */
static void put_int(BinaryOutputVisitor *bov, const char *name,
                    uint8_t var_tag, uint8_t fixed_tag, uint64_t wire,
                    uint64_t raw, unsigned bytes)
{
    unsigned vlen = 1;

    for (uint64_t x = wire >> 7; x; x >>= 7) {
        vlen++;
    }
    if (vlen <= bytes) {
        put_head(bov, name, var_tag);
        binary__put_varint(bov->body, wire);
    } else {
        put_head(bov, name, fixed_tag);
        byte_array_append_be(bov->body, raw, bytes);
    }
}

static bool bov_start_struct(Visitor *v, const char *name, GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);
    BinaryFrame f = { .is_array = false, .first_member = true };

    (void)errp;
    f.tag_pos = put_head(bov, name, BIN_TAG_STRUCT);
    f.prev_name = context_name(bov);
    g_array_append_val(bov->stack, f);
    return true;
}

static bool bov_end_struct(Visitor *v, GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);

    (void)errp;
    g_byte_array_append(bov->body, (const uint8_t *)"", 1); /* BIN_TAG_END */
    g_array_set_size(bov->stack, bov->stack->len - 1);
    return true;
}

static bool bov_start_array(Visitor *v, const char *name, size_t len,
                            GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);
    BinaryFrame f = { .is_array = true, .elem_first = -1 };

    (void)errp;
    f.tag_pos = put_head(bov, name, BIN_TAG_ARRAY);
    f.prev_name = context_name(bov);
    binary__put_varint(bov->body, len);
    g_array_append_val(bov->stack, f);
    return true;
}

static bool bov_end_array(Visitor *v, GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);

    (void)errp;
    g_array_set_size(bov->stack, bov->stack->len - 1);
    return true;
}

/* An absent member is simply not written; a present one follows. */
static bool bov_optional(Visitor *v, const char *name, bool *present,
                         GError **errp)
{
    (void)v;
    (void)name;
    (void)present;
    (void)errp;
    return true;
}

static bool bov_type_uint(Visitor *v, const char *name, uint64_t *obj,
                          unsigned bits, GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);

    (void)errp;
    switch (bits) {
    case 8:
        put_head(bov, name, BIN_TAG_U8);
        g_byte_array_append(bov->body, (const uint8_t *)&(uint8_t){ *obj },
                            1);
        break;
    case 16:
        put_int(bov, name, BIN_TAG_U16, BIN_TAG_U16_FIXED, *obj, *obj, 2);
        break;
    case 32:
        put_int(bov, name, BIN_TAG_U32, BIN_TAG_U32_FIXED, *obj, *obj, 4);
        break;
    default:
        put_int(bov, name, BIN_TAG_U64, BIN_TAG_U64_FIXED, *obj, *obj, 8);
        break;
    }
    return true;
}

static bool bov_type_int(Visitor *v, const char *name, int64_t *obj,
                         unsigned bits, GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);
    uint64_t zz = binary__zigzag(*obj);

    (void)errp;
    switch (bits) {
    case 8:
        put_head(bov, name, BIN_TAG_I8);
        g_byte_array_append(bov->body,
                            (const uint8_t *)&(uint8_t){ (uint8_t)*obj }, 1);
        break;
    case 16:
        put_int(bov, name, BIN_TAG_I16, BIN_TAG_I16_FIXED, zz,
                (uint16_t)*obj, 2);
        break;
    case 32:
        put_int(bov, name, BIN_TAG_I32, BIN_TAG_I32_FIXED, zz,
                (uint32_t)*obj, 4);
        break;
    default:
        put_int(bov, name, BIN_TAG_I64, BIN_TAG_I64_FIXED, zz,
                (uint64_t)*obj, 8);
        break;
    }
    return true;
}

static bool bov_type_bool(Visitor *v, const char *name, bool *obj,
                          GError **errp)
{
    (void)errp;
    put_head(to_bov(v), name, *obj ? BIN_TAG_TRUE : BIN_TAG_FALSE);
    return true;
}

static bool bov_type_number(Visitor *v, const char *name, double *obj,
                            GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);
    uint64_t bits;

    (void)errp;
    memcpy(&bits, obj, sizeof(bits));
    put_head(bov, name, BIN_TAG_F64);
    byte_array_append_be(bov->body, bits, 8);
    return true;
}

static bool bov_type_str(Visitor *v, const char *name, char **obj,
                         GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);
    const char *s = *obj ? *obj : "";
    size_t len = strlen(s);

    /* Refuse here what the decoder would refuse on reading back. */
    if (!g_utf8_validate(s, len, NULL)) {
        return visit__set_error(v, errp, QVISIT_ERROR_INVALID,
                                "string is not valid UTF-8");
    }
    put_head(bov, name, BIN_TAG_STR);
    binary__put_varint(bov->body, len);
    g_byte_array_append(bov->body, (const uint8_t *)s, len);
    return true;
}

static bool bov_type_buffer(Visitor *v, const char *name, void *buf,
                            size_t len, GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);

    (void)errp;
    put_head(bov, name, BIN_TAG_BUF);
    binary__put_varint(bov->body, len);
    g_byte_array_append(bov->body, buf, len);
    return true;
}

/*
 * The core has already called bov_start_array(), which wrote ARRAY and the
 * count. Register files are uniform, so retag the array as a typed array
 * and write the elements at fixed width with no per-element tag: the
 * same size as the legacy stream.
 */
static bool bov_type_uint_array(Visitor *v, void *arr, unsigned bits,
                                size_t n, GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);
    BinaryFrame *f = &g_array_index(bov->stack, BinaryFrame,
                                    bov->stack->len - 1);
    unsigned bytes = bits / 8;

    (void)errp;
    bov->body->data[f->tag_pos] = (bov->body->data[f->tag_pos] &
                                   BIN_SEQ_NAME) |
                                  (uint8_t)BIN_TAG_UINT_ARRAY(bytes);
    if (bits == 8) {
        g_byte_array_append(bov->body, arr, n);
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t x;

        switch (bits) {
        case 16:
            x = ((const uint16_t *)arr)[i];
            break;
        case 32:
            x = ((const uint32_t *)arr)[i];
            break;
        default:
            x = ((const uint64_t *)arr)[i];
            break;
        }
        byte_array_append_be(bov->body, x, bytes);
    }
    return true;
}

static bool bov_complete(Visitor *v, GError **errp)
{
    BinaryOutputVisitor *bov = to_bov(v);

    (void)errp;
    binary__put_varint(bov->out, bov->names->len);
    for (size_t i = 0; i < bov->names->len; i++) {
        const char *n = g_ptr_array_index(bov->names, i);
        size_t len = strlen(n);

        binary__put_varint(bov->out, len);
        g_byte_array_append(bov->out, (const uint8_t *)n, len);
    }
    g_byte_array_append(bov->out, bov->body->data, bov->body->len);
    return true;
}

static void bov_free(Visitor *v)
{
    BinaryOutputVisitor *bov = to_bov(v);

    visit__cleanup(v);
    g_byte_array_unref(bov->body);
    g_hash_table_destroy(bov->name_index);
    g_ptr_array_free(bov->names, true);
    g_array_free(bov->stack, true);
    g_free(bov);
}

Visitor *binary_output_visitor_new(GByteArray *out)
{
    BinaryOutputVisitor *bov;

    g_return_val_if_fail(out != NULL, NULL);

    bov = g_new0(BinaryOutputVisitor, 1);
    bov->out = out;
    bov->body = g_byte_array_new();
    bov->names = g_ptr_array_new();
    bov->name_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
    bov->stack = g_array_new(false, false, sizeof(BinaryFrame));
    bov->visitor.start_struct = bov_start_struct;
    bov->visitor.end_struct = bov_end_struct;
    bov->visitor.start_array = bov_start_array;
    bov->visitor.end_array = bov_end_array;
    bov->visitor.optional = bov_optional;
    bov->visitor.type_int = bov_type_int;
    bov->visitor.type_uint = bov_type_uint;
    bov->visitor.type_bool = bov_type_bool;
    bov->visitor.type_number = bov_type_number;
    bov->visitor.type_str = bov_type_str;
    bov->visitor.type_buffer = bov_type_buffer;
    bov->visitor.type_uint_array = bov_type_uint_array;
    bov->visitor.complete = bov_complete;
    bov->visitor.free = bov_free;
    visit__init(&bov->visitor, VISITOR_OUTPUT);
    return &bov->visitor;
}
