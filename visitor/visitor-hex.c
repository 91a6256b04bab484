/*
 * Buffers as hex text: how QObject and JSON trees hold visit_type_buffer()
 * bytes (lowercase on output, either case on input). Shared by every
 * visitor that meets them, so the format and its errors exist once.
 */
#include "visitor/visitor-impl.h"

void visit__hex_encode(const void *buf, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *p = buf;

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0xf];
    }
    out[2 * len] = '\0';
}

static int hex_value(char c)
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

bool visit__hex_decode(Visitor *v, const char *hex, size_t hex_len,
                       void *buf, size_t len, GError **errp)
{
    uint8_t *out = buf;

    for (size_t i = 0; i < hex_len; i++) {
        if (hex_value(hex[i]) < 0) {
            return visit__set_error(v, errp, QVISIT_ERROR_PARSE,
                                    "invalid hex digit at position %zu", i);
        }
    }
    if (hex_len % 2) {
        return visit__set_error(v, errp, QVISIT_ERROR_PARSE,
                                "odd number of hex digits (%zu)", hex_len);
    }
    if (hex_len / 2 != len) {
        return visit__set_error(v, errp, QVISIT_ERROR_LENGTH,
                                "expected %zu bytes, got %zu", len,
                                hex_len / 2);
    }
    /* Every digit was checked above, so the buffer is written only now. */
    for (size_t i = 0; i < len; i++) {
        out[i] = (uint8_t)(hex_value(hex[2 * i]) << 4 |
                           hex_value(hex[2 * i + 1]));
    }
    return true;
}
