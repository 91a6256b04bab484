/*
 * Hex digits: the one decoder of a hex digit and the one encoder of bytes
 * as lowercase hex text, for every format that writes bytes as hex (QObject
 * and JSON buffers, vmdesc dumps, JSON \u escapes). Not installed.
 */
#ifndef QVISIT_UTIL_HEX_H
#define QVISIT_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The lowercase hex digit of the low 4 bits of @nibble. */
static inline char hex_digit_char(unsigned nibble)
{
    return "0123456789abcdef"[nibble & 0xf];
}

/* The value of the hex digit @c (either case), or -1 for any other char. */
static inline int hex_digit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * Writes the @len bytes at @buf as 2 * @len lowercase hex digits followed
 * by a NUL into @out, which must hold 2 * @len + 1 chars.
 */
static inline void hex_encode(const void *buf, size_t len, char *out)
{
    const uint8_t *p = buf;

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_digit_char(p[i] >> 4);
        out[2 * i + 1] = hex_digit_char(p[i]);
    }
    out[2 * len] = '\0';
}

#endif /* QVISIT_UTIL_HEX_H */
