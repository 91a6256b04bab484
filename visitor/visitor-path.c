/*
 * Error paths: where in the walk an error happened.
 *
 * Every visitor error goes through visit__set_error(), which puts the path
 * of the member being visited in front of the message, so the format of
 * paths (`e1000.mac_reg[3]`) is defined once, here.
 */
#include "visitor/visitor-impl.h"

#include <inttypes.h>

#include "util/error-at.h"

const char *visit__int_type_name(unsigned bits, bool is_signed)
{
    switch (bits) {
    case 8:
        return is_signed ? "i8" : "u8";
    case 16:
        return is_signed ? "i16" : "u16";
    case 32:
        return is_signed ? "i32" : "u32";
    default:
        return is_signed ? "i64" : "u64";
    }
}

/*
 * A path segment is "[i]" when its container is an array (the element's
 * own name is NULL there) and ".name" otherwise; a NULL name at the root
 * adds nothing.
 */
static void append_segment(GString *path, const VisitorFrame *parent,
                           const char *name)
{
    if (parent && parent->is_array) {
        g_string_append_printf(path, "[%zu]", parent->index);
        return;
    }
    if (!name) {
        return;
    }
    if (path->len) {
        g_string_append_c(path, '.');
    }
    g_string_append(path, name);
}

static GString *build_path(Visitor *v, bool with_current)
{
    GString *path = g_string_new(NULL);
    const VisitorFrame *parent = NULL;

    for (size_t i = 0; i < v->nframes; i++) {
        const VisitorFrame *f = &v->frames[i];
        append_segment(path, parent, f->name);
        parent = f;
    }
    if (with_current) {
        append_segment(path, parent, v->cur_name);
    }
    return path;
}

/*
 * Member names in a path come from the walk, but a walk over an input tree
 * (migration__walk_qobject() in a conversion) names members after the
 * input's keys, and an unexpected member is an input key: the path and
 * the message are escaped, here, once, so that a message stays one line
 * whatever the input holds.
 */
static bool set_error_va(GString *path, GError **errp, int code,
                         const char *fmt, va_list ap)
{
    qvisit__error_at_escaped_va(errp, code, path->str, QVISIT_NO_OFFSET, fmt,
                                ap);
    g_string_free(path, TRUE);
    return false;
}

bool visit__set_error(Visitor *v, GError **errp, int code, const char *fmt,
                      ...)
{
    va_list ap;
    bool ret;

    va_start(ap, fmt);
    ret = set_error_va(build_path(v, v->in_call), errp, code, fmt, ap);
    va_end(ap);
    return ret;
}

static bool set_error_member_va(Visitor *v, GError **errp,
                                const char *member, int code,
                                const char *fmt, va_list ap)
{
    GString *path = build_path(v, false);

    if (member) {
        if (path->len) {
            g_string_append_c(path, '.');
        }
        g_string_append(path, member);
    }
    return set_error_va(path, errp, code, fmt, ap);
}

bool visit__set_error_member(Visitor *v, GError **errp, const char *member,
                             int code, const char *fmt, ...)
{
    va_list ap;
    bool ret;

    va_start(ap, fmt);
    ret = set_error_member_va(v, errp, member, code, fmt, ap);
    va_end(ap);
    return ret;
}

bool visit_set_error(Visitor *v, GError **errp, const char *member, int code,
                     const char *fmt, ...)
{
    va_list ap;
    bool ret;

    g_return_val_if_fail(v != NULL && fmt != NULL, false);
    va_start(ap, fmt);
    ret = set_error_member_va(v, errp, member, code, fmt, ap);
    va_end(ap);
    return ret;
}

bool visit_range_error(Visitor *v, const char *member, int64_t value,
                       int64_t min, int64_t max, GError **errp)
{
    uint64_t offset;

    g_return_val_if_fail(v != NULL, false);
    /* The check follows the visit of @value: point at its bytes. */
    if (v->value_offset && v->value_offset(v, &offset)) {
        return visit_set_error(v, errp, member, QVISIT_ERROR_RANGE,
                               "expected %" PRId64 "..%" PRId64 ", got %"
                               PRId64 " at byte %" PRIu64, min, max, value,
                               offset);
    }
    return visit_set_error(v, errp, member, QVISIT_ERROR_RANGE,
                           "expected %" PRId64 "..%" PRId64 ", got %" PRId64,
                           min, max, value);
}
