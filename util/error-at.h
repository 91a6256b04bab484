/*
 * The one formatter of qvisit's error messages: "<where>: <what> at byte
 * <offset>" in the QVISIT_ERROR domain (docs/architecture.md, "Errors").
 * <where> is a field path ("e1000.mac_reg[3]") or names the input
 * ("json", "stream"); the visitor core's visit__set_error() and every
 * stream and text reader build their messages here, so the form exists
 * once. Not installed.
 */
#ifndef QVISIT_UTIL_ERROR_AT_H
#define QVISIT_UTIL_ERROR_AT_H

#include <stdarg.h>
#include <stdint.h>

#include "qvisit/error.h"

/* @offset value that leaves " at byte <offset>" out. */
#define QVISIT_NO_OFFSET UINT64_MAX

/*
 * Sets @errp (nullable) to QVISIT_ERROR @code with the message "<where>:
 * <fmt...> at byte <offset>". A NULL or empty @where leaves out "<where>:
 * ", an @offset of QVISIT_NO_OFFSET leaves out " at byte <offset>".
 * Returns false, so a failing reader can `return qvisit__error_at(...)`.
 */
bool qvisit__error_at(GError **errp, int code, const char *where,
                      uint64_t offset, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

/* qvisit__error_at() with a va_list. */
bool qvisit__error_at_va(GError **errp, int code, const char *where,
                         uint64_t offset, const char *fmt, va_list ap)
    G_GNUC_PRINTF(5, 0);

/*
 * qvisit__error_at_va() for a <where> and a message that quote input (field
 * names from a stream, keys of a document, ids): both are passed through
 * qvisit_error_escape(), so the message stays one printable line.
 */
bool qvisit__error_at_escaped_va(GError **errp, int code, const char *where,
                                 uint64_t offset, const char *fmt, va_list ap)
    G_GNUC_PRINTF(5, 0);

/* qvisit__error_at_escaped_va() with variable arguments. */
bool qvisit__error_at_escaped(GError **errp, int code, const char *where,
                              uint64_t offset, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

#endif /* QVISIT_UTIL_ERROR_AT_H */
