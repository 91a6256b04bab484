/*
 * The binary encoding's tag table; see binary-wire.h. docs/formats.md
 * ("Migration stream formats") lists the same tags for readers of the
 * bytes.
 */
#include "visitor/binary-wire.h"

const BinaryTagInfo binary__tags[256] = {
    [BIN_TAG_U8] = { BIN_SHAPE_FIXED, 1, false },
    [BIN_TAG_U16] = { BIN_SHAPE_VARINT, 2, false },
    [BIN_TAG_U32] = { BIN_SHAPE_VARINT, 4, false },
    [BIN_TAG_U64] = { BIN_SHAPE_VARINT, 8, false },
    [BIN_TAG_I8] = { BIN_SHAPE_FIXED, 1, true },
    [BIN_TAG_I16] = { BIN_SHAPE_VARINT, 2, true },
    [BIN_TAG_I32] = { BIN_SHAPE_VARINT, 4, true },
    [BIN_TAG_I64] = { BIN_SHAPE_VARINT, 8, true },
    [BIN_TAG_FALSE] = { BIN_SHAPE_BOOL, 0, false },
    [BIN_TAG_TRUE] = { BIN_SHAPE_BOOL, 0, false },
    [BIN_TAG_F64] = { BIN_SHAPE_F64, 8, false },
    [BIN_TAG_STR] = { BIN_SHAPE_BYTES, 0, false },
    [BIN_TAG_BUF] = { BIN_SHAPE_BYTES, 0, false },
    [BIN_TAG_STRUCT] = { BIN_SHAPE_STRUCT, 0, false },
    [BIN_TAG_ARRAY] = { BIN_SHAPE_ARRAY, 0, false },
    [BIN_TAG_U8_ARRAY] = { BIN_SHAPE_UINT_ARRAY, 1, false },
    [BIN_TAG_U16_ARRAY] = { BIN_SHAPE_UINT_ARRAY, 2, false },
    [BIN_TAG_U32_ARRAY] = { BIN_SHAPE_UINT_ARRAY, 4, false },
    [BIN_TAG_U64_ARRAY] = { BIN_SHAPE_UINT_ARRAY, 8, false },
    [BIN_TAG_U16_FIXED] = { BIN_SHAPE_FIXED, 2, false },
    [BIN_TAG_U32_FIXED] = { BIN_SHAPE_FIXED, 4, false },
    [BIN_TAG_U64_FIXED] = { BIN_SHAPE_FIXED, 8, false },
    [BIN_TAG_I16_FIXED] = { BIN_SHAPE_FIXED, 2, true },
    [BIN_TAG_I32_FIXED] = { BIN_SHAPE_FIXED, 4, true },
    [BIN_TAG_I64_FIXED] = { BIN_SHAPE_FIXED, 8, true },
};
