/*
 * Reading single values of the self-describing binary encoding from
 * well-formed bytes: skipping a value, reading an integer of any integer
 * tag, and naming a tag's type as QObject does. Shared by the input
 * visitor; the layout is in binary-wire.h.
 */
#include "visitor/binary-internal.h"

/* Returns the offset after the payload of a value tagged @tag at @pos, or
 * 0 when the bytes are malformed. */
size_t binary__skip(const uint8_t *data, size_t len, uint8_t tag,
                    size_t pos)
{
    const BinaryTagInfo *t = &binary__tags[tag];
    uint64_t n;

    switch (t->shape) {
    case BIN_SHAPE_FIXED:
    case BIN_SHAPE_F64:
        return pos + t->width <= len ? pos + t->width : 0;
    case BIN_SHAPE_VARINT:
        return binary__get_varint(data, len, &pos, &n) == 1 ? pos : 0;
    case BIN_SHAPE_BOOL:
        return pos;
    case BIN_SHAPE_BYTES:
        if (binary__get_varint(data, len, &pos, &n) != 1 || n > len - pos) {
            return 0;
        }
        return pos + n;
    case BIN_SHAPE_UINT_ARRAY:
        if (binary__get_varint(data, len, &pos, &n) != 1 ||
            n > (len - pos) / t->width) {
            return 0;
        }
        return pos + n * t->width;
    case BIN_SHAPE_ARRAY:
        if (binary__get_varint(data, len, &pos, &n) != 1) {
            return 0;
        }
        for (uint64_t i = 0; i < n; i++) {
            if (pos >= len) {
                return 0;
            }
            pos = binary__skip(data, len, data[pos], pos + 1);
            if (!pos) {
                return 0;
            }
        }
        return pos;
    case BIN_SHAPE_STRUCT:
        for (;;) {
            uint8_t m;

            if (pos >= len) {
                return 0;
            }
            m = data[pos++];
            if (m == BIN_TAG_END) {
                return pos;
            }
            if (!(m & BIN_SEQ_NAME) &&
                binary__get_varint(data, len, &pos, &n) != 1) {
                return 0;
            }
            pos = binary__skip(data, len, m & ~BIN_SEQ_NAME, pos);
            if (!pos) {
                return 0;
            }
        }
    default:
        return 0;
    }
}

/* The QObject type a tag decodes to, for "expected X, got Y". */
const char *binary__tag_type_name(uint8_t tag)
{
    switch (binary__tags[tag].shape) {
    case BIN_SHAPE_BOOL:
        return qobject_type_name(QTYPE_QBOOL);
    case BIN_SHAPE_BYTES:
        return qobject_type_name(QTYPE_QSTRING);
    case BIN_SHAPE_STRUCT:
        return qobject_type_name(QTYPE_QDICT);
    case BIN_SHAPE_ARRAY:
    case BIN_SHAPE_UINT_ARRAY:
        return qobject_type_name(QTYPE_QLIST);
    default:
        return qobject_type_name(QTYPE_QNUM);
    }
}

/*
 * Reads an integer value: *is_signed tells whether *u holds an int64
 * (as two's complement) or a uint64. False for a non-integer tag.
 */
bool binary__read_int(const uint8_t *data, size_t len, uint8_t tag,
                      size_t pos, uint64_t *u, bool *is_signed)
{
    const BinaryTagInfo *t = &binary__tags[tag];
    unsigned bytes = t->width;
    uint64_t x;

    switch (t->shape) {
    case BIN_SHAPE_VARINT:
        if (binary__get_varint(data, len, &pos, &x) != 1) {
            return false;
        }
        *is_signed = t->is_signed;
        *u = t->is_signed ? (uint64_t)binary__unzigzag(x) : x;
        return true;
    case BIN_SHAPE_FIXED:
        if (pos + bytes > len) {
            return false;
        }
        x = ldn_be_p(data + pos, bytes);
        *is_signed = t->is_signed;
        if (*is_signed && bytes < 8 && (x >> (8 * bytes - 1))) {
            x |= ~0ULL << (8 * bytes);
        }
        *u = x;
        return true;
    default:
        return false;
    }
}
