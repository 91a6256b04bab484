/* The QVISIT_ERROR domain. */
#include "qvisit/error.h"

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
