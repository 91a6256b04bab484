/*
 * The one formatter of "<where>: <what> at byte <offset>" messages; see
 * error-at.h.
 */
#include "util/error-at.h"

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

bool qvisit__error_at_escaped_va(GError **errp, int code, const char *where,
                                 uint64_t offset, const char *fmt, va_list ap)
{
    g_autofree char *what = NULL;
    g_autofree char *shown_what = NULL;
    g_autofree char *shown_where = NULL;

    if (!errp) {
        return false;
    }
    what = g_strdup_vprintf(fmt, ap);
    shown_what = qvisit_error_escape(what, -1);
    shown_where = where ? qvisit_error_escape(where, -1) : NULL;
    return qvisit__error_at(errp, code, shown_where, offset, "%s",
                            shown_what);
}

bool qvisit__error_at_escaped(GError **errp, int code, const char *where,
                              uint64_t offset, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qvisit__error_at_escaped_va(errp, code, where, offset, fmt, ap);
    va_end(ap);
    return false;
}
