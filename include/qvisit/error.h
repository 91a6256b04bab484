/*
 * qvisit errors.
 *
 * Every fallible qvisit function takes `GError **errp` as its last argument,
 * returns false (or NULL) on failure and sets exactly one error in the
 * QVISIT_ERROR domain. Failures of GLib, json-glib or the OS are reported as
 * QVISIT_ERROR_IO or QVISIT_ERROR_PARSE with the original text kept in the
 * message.
 *
 * Messages are one lowercase line that starts with the full path of the
 * failing member, e.g. `serial0.regs[3]: expected u32, got string`, and
 * byte-stream input adds the byte offset.
 *
 * Text taken from the input (section ids, member names, a peer's status
 * message) reaches a message or a listing only through
 * qvisit_error_escape(), so that a message stays one line and prints no
 * terminal control sequence whatever the input holds.
 */
#ifndef QVISIT_ERROR_H
#define QVISIT_ERROR_H

#include <glib.h>

#include "qvisit/common.h"

/**
 * QVISIT_ERROR:
 *
 * The error domain of every error qvisit reports.
 *
 * Since: 0.1
 */
#define QVISIT_ERROR (qvisit_error_quark())

/**
 * QVisitErrorCode:
 * @QVISIT_ERROR_FAILED: generic failure that fits no other code
 * @QVISIT_ERROR_TYPE: a value has the wrong type for its field
 * @QVISIT_ERROR_RANGE: a number does not fit its field
 * @QVISIT_ERROR_MISSING: a member the walk asked for is absent
 * @QVISIT_ERROR_UNEXPECTED: the input has a member the walk never asked for
 * @QVISIT_ERROR_LENGTH: an array's length differs from the expected one
 * @QVISIT_ERROR_TRUNCATED: the input ended early
 * @QVISIT_ERROR_PARSE: malformed input (JSON syntax, bad stream bytes)
 * @QVISIT_ERROR_LIMIT: a configured limit (depth, size, count) was exceeded
 * @QVISIT_ERROR_IO: an operating-system or transport failure
 * @QVISIT_ERROR_VERSION: no way between two versions, or a version that
 *   cannot be loaded
 * @QVISIT_ERROR_UNKNOWN: an unknown device, section or name
 * @QVISIT_ERROR_CHECKSUM: a checksum did not match the data
 * @QVISIT_ERROR_INVALID: a value is well-formed but not acceptable (for
 *   example a duplicate registration)
 * @QVISIT_ERROR_CONFIG: the stream's layout is one the device's
 *   configuration does not walk: a member, or an array length, that
 *   depends on how the device is configured differs between the two
 *   sides (since 0.2)
 *
 * Error codes of the %QVISIT_ERROR domain. Codes may be added in later
 * releases: treat an unknown code as a generic failure.
 *
 * Since: 0.1
 */
typedef enum {
    QVISIT_ERROR_FAILED,
    QVISIT_ERROR_TYPE,
    QVISIT_ERROR_RANGE,
    QVISIT_ERROR_MISSING,
    QVISIT_ERROR_UNEXPECTED,
    QVISIT_ERROR_LENGTH,
    QVISIT_ERROR_TRUNCATED,
    QVISIT_ERROR_PARSE,
    QVISIT_ERROR_LIMIT,
    QVISIT_ERROR_IO,
    QVISIT_ERROR_VERSION,
    QVISIT_ERROR_UNKNOWN,
    QVISIT_ERROR_CHECKSUM,
    QVISIT_ERROR_INVALID,
    QVISIT_ERROR_CONFIG,
} QVisitErrorCode;

/**
 * qvisit_error_quark:
 *
 * Returns: the #GQuark of the %QVISIT_ERROR domain.
 * Since: 0.1
 */
QVISIT_API GQuark qvisit_error_quark(void);

/**
 * qvisit_error_code_name:
 * @code: a #QVisitErrorCode
 *
 * Returns: (transfer none): the enum value's name without the prefix, in
 *   upper case ("TYPE", "RANGE", ...), or "FAILED" for an unknown code.
 *   The string is static.
 * Since: 0.1
 */
QVISIT_API const char *qvisit_error_code_name(int code);

/**
 * QVISIT_ERROR_ESCAPE_MAX:
 *
 * How many bytes of its input qvisit_error_escape() renders at most.
 *
 * Since: 0.2
 */
#define QVISIT_ERROR_ESCAPE_MAX 1024

/**
 * qvisit_error_escape:
 * @text: (array length=len) (nullable): text from an untrusted source: any
 *   bytes, not necessarily UTF-8 or NUL-free; %NULL renders as ""
 * @len: bytes at @text, or -1 when @text is NUL-terminated
 *
 * Renders @text safely for a one-line message or a terminal listing.
 * Printable ASCII and printable UTF-8 characters are kept as they are.
 * Every byte of a control character (C0 such as newline and ESC, DEL, the
 * C1 controls U+0080 to U+009F), of an invisible format character (such as
 * the bidirectional overrides U+202A to U+202E and U+200B), of U+2028 and
 * U+2029, of an unassigned code point, and every byte of invalid UTF-8
 * becomes `\xNN` (two lowercase hex digits): a newline is `\x0a`, ESC
 * `\x1b`. A backslash is kept, so escaping a rendering again changes
 * nothing (within the length bound). At most %QVISIT_ERROR_ESCAPE_MAX
 * bytes of @text are rendered; a longer text ends in "...".
 *
 * Returns: (transfer full): the rendering, printable UTF-8 with no control
 *   character; free it with g_free().
 * Since: 0.2
 */
QVISIT_API char *qvisit_error_escape(const char *text, gssize len);

#endif /* QVISIT_ERROR_H */
