/* The QVISIT_ERROR domain and its one message formatter (error-at.h). */
#include "qvisit/error.h"

#include "util/error-at.h"

G_DEFINE_QUARK(qvisit-error-quark, qvisit_error)

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
    };

    if (code < 0 || (size_t)code >= G_N_ELEMENTS(names) || !names[code]) {
        return "FAILED";
    }
    return names[code];
}

bool qvisit__error_at_va(GError **errp, int code, const char *where,
                         uint64_t offset, const char *fmt, va_list ap)
{
    g_autofree char *what = NULL;
    g_autofree char *at = NULL;

    if (!errp) {
        return false;
    }
    what = g_strdup_vprintf(fmt, ap);
    if (offset != QVISIT_NO_OFFSET) {
        at = g_strdup_printf(" at byte %" G_GUINT64_FORMAT, offset);
    }
    g_set_error(errp, QVISIT_ERROR, code, "%s%s%s%s",
                where ? where : "", where && *where ? ": " : "", what,
                at ? at : "");
    return false;
}

bool qvisit__error_at(GError **errp, int code, const char *where,
                      uint64_t offset, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qvisit__error_at_va(errp, code, where, offset, fmt, ap);
    va_end(ap);
    return false;
}
