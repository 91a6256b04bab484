/*
 * Buffers as hex text: how QObject and JSON trees hold visit_type_buffer()
 * bytes (lowercase on output, with util/hex.h's hex_encode(); either case
 * on input). Shared by every visitor that meets them, so the format and
 * its errors exist once.
 */
#include "visitor/visitor-impl.h"

#include "util/hex.h"

bool visit__hex_decode(Visitor *v, const char *hex, size_t hex_len,
                       void *buf, size_t len, GError **errp)
{
    uint8_t *out = buf;

    for (size_t i = 0; i < hex_len; i++) {
        if (hex_digit_value(hex[i]) < 0) {
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
        out[i] = (uint8_t)(hex_digit_value(hex[2 * i]) << 4 |
                           hex_digit_value(hex[2 * i + 1]));
    }
    return true;
}
