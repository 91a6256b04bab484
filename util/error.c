/* The QVISIT_ERROR domain. */
#include "qvisit/error.h"

#include <string.h>

/*
 * G_DEFINE_QUARK's cache is a plain static read and written without a
 * lock; errors are raised on several threads (diff reads two streams at
 * once), so the cache is read and written atomically.
 */
GQuark qvisit_error_quark(void)
{
    static gint quark;
    GQuark q = (GQuark)g_atomic_int_get(&quark);

    if (G_UNLIKELY(q == 0)) {
        q = g_quark_from_static_string("qvisit-error-quark");
        g_atomic_int_set(&quark, (gint)q);
    }
    return q;
}

const char *qvisit_error_code_name(int code)
{
    static const char *const names[] = {
        [QVISIT_ERROR_FAILED] = "FAILED",
        [QVISIT_ERROR_TYPE] = "TYPE",
        [QVISIT_ERROR_RANGE] = "RANGE",
        [QVISIT_ERROR_MISSING] = "MISSING",
        [QVISIT_ERROR_UNEXPECTED] = "UNEXPECTED",
        [QVISIT_ERROR_LENGTH] = "LENGTH",
        [QVISIT_ERROR_TRUNCATED] = "TRUNCATED",
        [QVISIT_ERROR_PARSE] = "PARSE",
        [QVISIT_ERROR_LIMIT] = "LIMIT",
        [QVISIT_ERROR_IO] = "IO",
        [QVISIT_ERROR_VERSION] = "VERSION",
        [QVISIT_ERROR_UNKNOWN] = "UNKNOWN",
        [QVISIT_ERROR_CHECKSUM] = "CHECKSUM",
        [QVISIT_ERROR_INVALID] = "INVALID",
        [QVISIT_ERROR_CONFIG] = "CONFIG",
    };

    if (code < 0 || (size_t)code >= G_N_ELEMENTS(names) || !names[code]) {
        return "FAILED";
    }
    return names[code];
}

/*
 * Characters a terminal or a log reader may act on, or that hide or
 * reorder text: controls, format characters (bidirectional overrides,
 * zero-width spaces), unassigned code points, and the Unicode line and
 * paragraph separators that GLib counts as printable.
 */
static bool escape_char(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);

    return !g_unichar_isprint(c) || t == G_UNICODE_LINE_SEPARATOR ||
           t == G_UNICODE_PARAGRAPH_SEPARATOR;
}

char *qvisit_error_escape(const char *text, gssize len)
{
    static const char hex[] = "0123456789abcdef";
    GString *out;
    size_t n, i = 0;

    g_return_val_if_fail(text != NULL || len <= 0, NULL);

    n = !text ? 0 : len < 0 ? strlen(text) : (size_t)len;
    out = g_string_sized_new(MIN(n, QVISIT_ERROR_ESCAPE_MAX) + 8);
    while (i < n && i < QVISIT_ERROR_ESCAPE_MAX) {
        unsigned char b = text[i];
        size_t step = 1;

        if (b >= 0x20 && b < 0x7f) {
            g_string_append_c(out, b);
        } else {
            gunichar c = b < 0x80 ? (gunichar)-1
                                  : g_utf8_get_char_validated(text + i,
                                                              n - i);

            if (c < 0x110000) {
                step = g_utf8_skip[b];
            }
            if (c < 0x110000 && !escape_char(c)) {
                g_string_append_len(out, text + i, step);
            } else {
                for (size_t k = 0; k < step; k++) {
                    unsigned char x = text[i + k];

                    g_string_append_c(out, '\\');
                    g_string_append_c(out, 'x');
                    g_string_append_c(out, hex[x >> 4]);
                    g_string_append_c(out, hex[x & 15]);
                }
            }
        }
        i += step;
    }
    if (i < n) {
        g_string_append(out, "...");
    }
    return g_string_free(out, false);
}
