/*
 * The self-describing binary encoding's wire, shared by the binary
 * visitors (visitor/binary-*.c) and by the migration stream format that
 * frames their payloads (migration/format-binary.c): the value tags and
 * the one table of what each tag's payload is, the varints, and the
 * decoder entry that names a section's root.
 * docs/formats.md ("Migration stream formats") is the byte-level
 * contract; big-endian fields use util/bswap.h. Not installed.
 */
#ifndef QVISIT_BINARY_WIRE_H
#define QVISIT_BINARY_WIRE_H

#include <glib.h>
#include <stdint.h>

#include "qvisit/limits.h"
#include "qvisit/qobject.h"
#include "qvisit/visitor.h"
#include "util/bswap.h"

/*
 * Value tags. Every value on the wire starts with one of these bytes. In a
 * struct, a member is its tag, then (unless the tag has BIN_SEQ_NAME) the
 * varint index of its name, then its payload; BIN_TAG_END closes the
 * struct.
 */
enum {
    BIN_TAG_END = 0x00,     /* end of a struct's members */
    BIN_TAG_U8 = 0x01,      /* 1 raw byte */
    BIN_TAG_U16 = 0x02,     /* varint */
    BIN_TAG_U32 = 0x03,     /* varint */
    BIN_TAG_U64 = 0x04,     /* varint */
    BIN_TAG_I8 = 0x05,      /* 1 raw byte, two's complement */
    BIN_TAG_I16 = 0x06,     /* zigzag varint */
    BIN_TAG_I32 = 0x07,     /* zigzag varint */
    BIN_TAG_I64 = 0x08,     /* zigzag varint */
    BIN_TAG_FALSE = 0x09,   /* no payload */
    BIN_TAG_TRUE = 0x0a,    /* no payload */
    BIN_TAG_F64 = 0x0b,     /* be64 of the IEEE-754 bits */
    BIN_TAG_STR = 0x0c,     /* varint len ; len bytes UTF-8 */
    BIN_TAG_BUF = 0x0d,     /* varint len ; len raw bytes */
    BIN_TAG_STRUCT = 0x0e,  /* members ; BIN_TAG_END */
    BIN_TAG_ARRAY = 0x0f,   /* varint n ; n tagged values */
    BIN_TAG_U8_ARRAY = 0x11,  /* varint n ; n bytes */
    BIN_TAG_U16_ARRAY = 0x12, /* varint n ; n x be16 */
    BIN_TAG_U32_ARRAY = 0x14, /* varint n ; n x be32 */
    BIN_TAG_U64_ARRAY = 0x18, /* varint n ; n x be64 */
    BIN_TAG_U16_FIXED = 0x22, /* be16, when the varint would be longer */
    BIN_TAG_U32_FIXED = 0x24, /* be32 */
    BIN_TAG_U64_FIXED = 0x28, /* be64 */
    BIN_TAG_I16_FIXED = 0x32, /* be16 two's complement */
    BIN_TAG_I32_FIXED = 0x34, /* be32 two's complement */
    BIN_TAG_I64_FIXED = 0x38, /* be64 two's complement */
};

/* Tag flag inside a struct: the member's name index is the previous
 * member's + 1 (the first member's: 0) and is not written. */
#define BIN_SEQ_NAME 0x80

/* The typed-array tag of elements of @width bytes (1, 2, 4 or 8). */
#define BIN_TAG_UINT_ARRAY(width) (0x10 | (width))

/*
 * The shape of a tag's payload. binary__tags[] gives every tag's shape,
 * so the code that reads, skips or decodes values switches on shapes and
 * the tag set is listed once, there.
 */
typedef enum BinaryShape {
    BIN_SHAPE_NONE = 0,     /* not a value's tag: BIN_TAG_END, unknown */
    BIN_SHAPE_FIXED,        /* an integer in width big-endian bytes */
    BIN_SHAPE_VARINT,       /* an integer of width bytes as a varint
                             * (zigzag when signed) */
    BIN_SHAPE_BOOL,         /* no payload: the tag is the value */
    BIN_SHAPE_F64,          /* be64 of the IEEE-754 bits */
    BIN_SHAPE_BYTES,        /* varint len ; len bytes */
    BIN_SHAPE_STRUCT,       /* members ; BIN_TAG_END */
    BIN_SHAPE_ARRAY,        /* varint n ; n tagged values */
    BIN_SHAPE_UINT_ARRAY,   /* varint n ; n unsigned of width bytes, be */
} BinaryShape;

typedef struct BinaryTagInfo {
    uint8_t shape;          /* BinaryShape */
    uint8_t width;          /* integers and array elements: bytes */
    bool is_signed;         /* integers: two's complement (or zigzag) */
} BinaryTagInfo;

/* Indexed by tag (BIN_SEQ_NAME cleared); zero (NONE) for the bytes that
 * are no value's tag. */
extern const BinaryTagInfo binary__tags[256];

/* Longest varint: 64 bits in 7-bit groups. */
#define BIN_VARINT_MAX 10

/* Writes @v as an LEB128 varint (7 bits per byte, low group first) at
 * @buf, which has room for BIN_VARINT_MAX bytes; returns its length. */
static inline size_t binary__encode_varint(uint8_t *buf, uint64_t v)
{
    size_t n = 0;

    do {
        buf[n] = v & 0x7f;
        v >>= 7;
        if (v) {
            buf[n] |= 0x80;
        }
        n++;
    } while (v);
    return n;
}

/* Appends @v as a varint. */
static inline void binary__put_varint(GByteArray *out, uint64_t v)
{
    uint8_t buf[BIN_VARINT_MAX];

    g_byte_array_append(out, buf, binary__encode_varint(buf, v));
}

/*
 * Reads a varint at data[*pos] (len bytes in all). Returns 1 on success
 * (advancing *pos), 0 when the bytes end inside it, -1 when it is longer
 * than 64 bits.
 */
static inline int binary__get_varint(const uint8_t *data, size_t len,
                                     size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    unsigned shift = 0;
    size_t p = *pos;

    for (;;) {
        uint8_t b;

        if (p >= len) {
            return 0;
        }
        b = data[p++];
        if (shift == 63 && (b & 0x7e)) {
            return -1;
        }
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            break;
        }
        shift += 7;
        if (shift > 63) {
            return -1;
        }
    }
    *pos = p;
    *v = r;
    return 1;
}

static inline uint64_t binary__zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t binary__unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/*
 * binary_decode() with @root_name (nullable) as the first component of
 * error paths, so a section's errors read "serial.regs[3]: ...", and byte
 * offsets counted from @base.
 */
QObject *binary__decode_named(const void *data, size_t len,
                              const QVisitLimits *limits,
                              const char *root_name, size_t base,
                              size_t *consumed, GError **errp);

/*
 * binary__decode_named() without building the tree: every check and
 * limit of the decoder, the same errors. True when the document is
 * well formed.
 */
bool binary__validate_named(const void *data, size_t len,
                            const QVisitLimits *limits,
                            const char *root_name, size_t base,
                            size_t *consumed, GError **errp);

/*
 * binary_input_visitor_new() for one section of a stream: validation
 * errors name @root_name first and count byte offsets from @base, as
 * binary__decode_named()'s do. @data is not copied: it must outlive the
 * visitor.
 */
Visitor *binary__input_visitor_new_named(const void *data, size_t len,
                                         const QVisitLimits *limits,
                                         const char *root_name, size_t base,
                                         GError **errp);

/*
 * A visitor over a document that binary__input_visitor_new_named() (or
 * binary_input_visitor_new()) accepted before, unchanged since: not
 * validated again, not copied.
 */
Visitor *binary__input_visitor_new_checked(const uint8_t *data, size_t len,
                                           const QVisitLimits *limits);

#endif /* QVISIT_BINARY_WIRE_H */
