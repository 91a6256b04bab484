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
    uint64_t n;

    switch (tag) {
    case BIN_TAG_U8:
    case BIN_TAG_I8:
        return pos + 1 <= len ? pos + 1 : 0;
    case BIN_TAG_U16:
    case BIN_TAG_U32:
    case BIN_TAG_U64:
    case BIN_TAG_I16:
    case BIN_TAG_I32:
    case BIN_TAG_I64:
        return binary__get_varint(data, len, &pos, &n) == 1 ? pos : 0;
    case BIN_TAG_FALSE:
    case BIN_TAG_TRUE:
        return pos;
    case BIN_TAG_F64:
        return pos + 8 <= len ? pos + 8 : 0;
    case BIN_TAG_U16_FIXED:
    case BIN_TAG_U32_FIXED:
    case BIN_TAG_U64_FIXED:
    case BIN_TAG_I16_FIXED:
    case BIN_TAG_I32_FIXED:
    case BIN_TAG_I64_FIXED:
        return pos + (tag & 0x0f) <= len ? pos + (tag & 0x0f) : 0;
    case BIN_TAG_STR:
    case BIN_TAG_BUF:
        if (binary__get_varint(data, len, &pos, &n) != 1 || n > len - pos) {
            return 0;
        }
        return pos + n;
    case BIN_TAG_U8_ARRAY:
    case BIN_TAG_U16_ARRAY:
    case BIN_TAG_U32_ARRAY:
    case BIN_TAG_U64_ARRAY:
        if (binary__get_varint(data, len, &pos, &n) != 1 ||
            n > (len - pos) / (tag & 0x0f)) {
            return 0;
        }
        return pos + n * (tag & 0x0f);
    case BIN_TAG_ARRAY:
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
    case BIN_TAG_STRUCT:
        for (;;) {
            uint8_t t;

            if (pos >= len) {
                return 0;
            }
            t = data[pos++];
            if (t == BIN_TAG_END) {
                return pos;
            }
            if (!(t & BIN_SEQ_NAME) &&
                binary__get_varint(data, len, &pos, &n) != 1) {
                return 0;
            }
            pos = binary__skip(data, len, t & ~BIN_SEQ_NAME, pos);
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
    switch (tag) {
    case BIN_TAG_FALSE:
    case BIN_TAG_TRUE:
        return qobject_type_name(QTYPE_QBOOL);
    case BIN_TAG_STR:
    case BIN_TAG_BUF:
        return qobject_type_name(QTYPE_QSTRING);
    case BIN_TAG_STRUCT:
        return qobject_type_name(QTYPE_QDICT);
    case BIN_TAG_ARRAY:
    case BIN_TAG_U8_ARRAY:
    case BIN_TAG_U16_ARRAY:
    case BIN_TAG_U32_ARRAY:
    case BIN_TAG_U64_ARRAY:
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
    unsigned bytes = tag & 0x0f;
    uint64_t x;

    switch (tag) {
    case BIN_TAG_U8:
    case BIN_TAG_I8:
        if (pos >= len) {
            return false;
        }
        *is_signed = tag == BIN_TAG_I8;
        *u = *is_signed ? (uint64_t)(int64_t)(int8_t)data[pos]
                        : data[pos];
        return true;
    case BIN_TAG_U16:
    case BIN_TAG_U32:
    case BIN_TAG_U64:
        *is_signed = false;
        return binary__get_varint(data, len, &pos, u) == 1;
    case BIN_TAG_I16:
    case BIN_TAG_I32:
    case BIN_TAG_I64:
        if (binary__get_varint(data, len, &pos, &x) != 1) {
            return false;
        }
        *is_signed = true;
        *u = (uint64_t)binary__unzigzag(x);
        return true;
    case BIN_TAG_U16_FIXED:
    case BIN_TAG_U32_FIXED:
    case BIN_TAG_U64_FIXED:
    case BIN_TAG_I16_FIXED:
    case BIN_TAG_I32_FIXED:
    case BIN_TAG_I64_FIXED:
        if (pos + bytes > len) {
            return false;
        }
        x = ldn_be_p(data + pos, bytes);
        *is_signed = (tag & 0xf0) == 0x30;
        if (*is_signed && bytes < 8 && (x >> (8 * bytes - 1))) {
            x |= ~0ULL << (8 * bytes);
        }
        *u = x;
        return true;
    default:
        return false;
    }
}

