/*
 * The visitor core: every public visit_*() call lands here first.
 *
 * It keeps what all visitors share (see visitor-impl.h): the stack of open
 * structs and arrays, the path used to prefix error messages, element
 * counting, integer range checks and the error left by visit_optional().
 * Implementations only move values.
 */
#include "visitor/visitor-impl.h"

#include <inttypes.h>
#include <string.h>

#include "util/bswap.h"

/*
 * Frames the direct paths may open with no further check: as many as the
 * array has slots, within the depth limit.
 */
static inline void update_direct_frames(Visitor *v)
{
    v->direct_frames = MIN(v->frames_cap,
                           MIN(v->limits.max_depth, QVISIT_DEPTH_CAP));
}

static inline void clear_frames(Visitor *v)
{
    v->nframes = 0;
    v->top = NULL;
    v->top_kind = VISITOR_FRAME_ROOT;
}

void visit__init(Visitor *v, VisitorType type)
{
    v->type = type;
    qvisit_limits_init(&v->limits);
    clear_frames(v);
    update_direct_frames(v);
}

void visit__reset(Visitor *v)
{
    clear_frames(v);
    v->cur_name = NULL;
    v->in_call = false;
    if (v->pending) {
        g_clear_error(&v->pending);
    }
    if (v->limits_set) {
        qvisit_limits_init(&v->limits);
        v->limits_set = false;
        update_direct_frames(v);
    }
    v->completed = false;
    /* A reused visitor has a new owner, who sets the version it walks. */
    v->version = 0;
}

void visit__cleanup(Visitor *v)
{
    g_clear_pointer(&v->frames, g_free);
    v->frames_cap = 0;
    clear_frames(v);
    update_direct_frames(v);
    g_clear_error(&v->pending);
}

void visit__set_index(Visitor *v, size_t index)
{
    if (v->top && v->top->is_array) {
        v->top->index = index;
    }
}

/*
 * The checks behind begin_call(), out of line: naming rules (caller bugs),
 * a pending error from visit_optional(), and elements beyond an array's
 * announced length (input visitors would otherwise read past it).
 */
static G_GNUC_NO_INLINE bool begin_call_slow(Visitor *v, const char *name,
                                             GError **errp)
{
    VisitorFrame *top = v->top;

    v->in_call = false;
    g_return_val_if_fail(!(top && !top->is_array && !name), false);
    g_return_val_if_fail(!(top && top->is_array && name), false);
    if (v->pending) {
        g_propagate_error(errp, g_steal_pointer(&v->pending));
        return false;
    }
    v->in_call = true;
    visit__set_error(v, errp, QVISIT_ERROR_LENGTH,
                     "more than %zu elements visited", top->len);
    v->in_call = false;
    return false;
}

/*
 * Starts a call on member @name of the innermost container. This runs for
 * every field of every device, so the common case is a few compares and
 * everything else is in begin_call_slow().
 */
static inline bool begin_call(Visitor *v, const char *name, GError **errp)
{
    const VisitorFrame *top = v->top;
    bool fine = top == NULL ||
                (top->is_array ? name == NULL && top->index < top->len
                               : name != NULL);

    if (G_LIKELY(fine && !v->pending)) {
        v->cur_name = name;
        v->in_call = true;
        return true;
    }
    v->cur_name = name;
    return begin_call_slow(v, name, errp);
}

/* Ends a call: an array element advances its array's index. */
static inline void end_call(Visitor *v)
{
    v->in_call = false;
    if (v->top && v->top->is_array) {
        v->top->index++;
    }
}

/*
 * The direct path (see direct_window in visitor-impl.h). It runs for every
 * field of every converted device, so it is written to compile into leaf
 * code: a few loads and compares, the bytes stored, no calls. Anything
 * unusual (a naming mistake, a pending error, a full window, an error of
 * the window's owner) returns false and the caller takes the ordinary
 * path, which does all checks, flushes and reports errors.
 */

/*
 * True when a member call on @name is well-formed for the innermost frame
 * (struct members are named, array elements are not and stay within the
 * announced length).
 */
static inline bool direct_call_ok(const Visitor *v, const char *name)
{
    return v->top_kind == VISITOR_FRAME_STRUCT
           ? name != NULL
           : v->top_kind == VISITOR_FRAME_ROOT ||
             (name == NULL && v->top->index < v->top->len);
}

/*
 * Puts @value's low @bytes bytes big-endian and counts the element when
 * the call may take the direct path and the buffer has room.
 */
static inline bool direct_put(Visitor *v, const char *name, uint64_t value,
                              unsigned bytes)
{
    ByteWindow *w = v->direct_window;
    VisitorFrameKind kind = v->top_kind;

    /* A pending error implies an empty window (see visitor-impl.h). */
    if (!w || !direct_call_ok(v, name) || w->pos + bytes > w->limit) {
        return false;
    }
    stn_be_p(w->buf + w->pos, bytes, value);
    w->pos += bytes;
    if (kind == VISITOR_FRAME_ARRAY) {
        v->top->index++;
    }
    return true;
}

/*
 * The input half of the direct path: takes the next @bytes bytes
 * big-endian into *@value and counts the element when the call may take
 * the direct path and the window holds them. A flag (@flag: a bool or a
 * presence byte) must be 0 or 1, else it stays for the callback to
 * report.
 */
static inline bool direct_take(Visitor *v, const char *name,
                               uint64_t *value, unsigned bytes, bool flag)
{
    ByteWindow *w = v->direct_input;
    uint64_t got;

    if (!w || v->pending || !direct_call_ok(v, name) ||
        w->pos + bytes > w->limit) {
        return false;
    }
    got = ldn_be_p(w->buf + w->pos, bytes);
    if (flag && got > 1) {
        return false;
    }
    w->pos += bytes;
    v->direct_value_end = w->base + w->pos;
    v->direct_value_len = bytes;
    if (v->top_kind == VISITOR_FRAME_ARRAY) {
        v->top->index++;
    }
    *value = got;
    return true;
}

/*
 * Whether a struct or array may open or close without its callback:
 * output through the window, or input from it with no error pending and
 * none at the lender (whose start callbacks only report that error).
 */
static inline bool direct_frames_ok(const Visitor *v)
{
    return !v->pending &&
           (v->direct_window ||
            (v->direct_input && v->direct_input->limit != 0));
}

static bool check_depth(Visitor *v, GError **errp)
{
    unsigned max = MIN(v->limits.max_depth, QVISIT_DEPTH_CAP);

    if (G_UNLIKELY(v->nframes >= max)) {
        return visit__set_error(v, errp, QVISIT_ERROR_LIMIT,
                                "nesting deeper than %u levels", max);
    }
    return true;
}

/* Opens a frame in an existing slot (nframes < frames_cap). */
static inline void open_frame(Visitor *v, const char *name, bool is_array,
                              size_t len)
{
    VisitorFrame *f = &v->frames[v->nframes++];

    f->name = name;
    f->is_array = is_array;
    f->parent_kind = v->top_kind;
    if (is_array) {
        f->len = len;
        f->index = 0;
    }
    v->top = f;
    v->top_kind = is_array ? VISITOR_FRAME_ARRAY : VISITOR_FRAME_STRUCT;
}

/*
 * Closes the innermost frame, which ends the call that opened it: an
 * array element advances its array's index. The frame below is found
 * from the frame's own record of it, without reloading the array.
 */
static inline void close_frame(Visitor *v)
{
    VisitorFrame *f = v->top;
    VisitorFrameKind parent = f->parent_kind;

    v->nframes--;
    v->top = parent == VISITOR_FRAME_ROOT ? NULL : f - 1;
    v->top_kind = parent;
    if (parent == VISITOR_FRAME_ARRAY) {
        f[-1].index++;
    }
}

static inline void push_frame(Visitor *v, const char *name, bool is_array,
                              size_t len)
{
    if (v->nframes == v->frames_cap) {
        v->frames_cap = v->frames_cap ? v->frames_cap * 2 : 8;
        v->frames = g_renew(VisitorFrame, v->frames, v->frames_cap);
        update_direct_frames(v);
        /* The array may have moved. */
        v->top = v->nframes ? &v->frames[v->nframes - 1] : NULL;
    }
    open_frame(v, name, is_array, len);
    v->in_call = false;
}

static inline void pop_frame(Visitor *v)
{
    close_frame(v);
    v->in_call = false;
}

static G_GNUC_NO_INLINE bool start_struct_slow(Visitor *v, const char *name,
                                               GError **errp)
{
    g_return_val_if_fail(v != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!begin_call(v, name, errp)) {
        return false;
    }
    /* Structs write nothing in the direct path's format. */
    if (!check_depth(v, errp) ||
        (!v->direct_window && !v->start_struct(v, name, errp))) {
        end_call(v);
        return false;
    }
    push_frame(v, name, false, 0);
    return true;
}

bool visit_start_struct(Visitor *v, const char *name, GError **errp)
{
    /* Direct path: no callback, and a frame slot is already there. */
    if (G_LIKELY(v && direct_frames_ok(v) && direct_call_ok(v, name) &&
                 v->nframes < v->direct_frames)) {
        open_frame(v, name, false, 0);
        return true;
    }
    return start_struct_slow(v, name, errp);
}

static G_GNUC_NO_INLINE bool end_struct_slow(Visitor *v, GError **errp)
{
    VisitorFrame *top;
    bool ok;

    g_return_val_if_fail(v != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    top = v->top;
    g_return_val_if_fail(top != NULL && !top->is_array, false);

    if (v->pending) {
        g_propagate_error(errp, g_steal_pointer(&v->pending));
        return false;
    }
    ok = v->direct_window || v->end_struct(v, errp);
    pop_frame(v);
    return ok;
}

bool visit_end_struct(Visitor *v, GError **errp)
{
    if (G_LIKELY(v && (v->direct_window || v->direct_input) &&
                 !v->pending && v->top_kind == VISITOR_FRAME_STRUCT)) {
        close_frame(v);
        return true;
    }
    return end_struct_slow(v, errp);
}

static G_GNUC_NO_INLINE bool start_array_slow(Visitor *v, const char *name,
                                              size_t len, GError **errp)
{
    g_return_val_if_fail(v != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!begin_call(v, name, errp)) {
        return false;
    }
    if (!check_depth(v, errp)) {
        end_call(v);
        return false;
    }
    if (v->type == VISITOR_INPUT && len > v->limits.max_array_len) {
        visit__set_error(v, errp, QVISIT_ERROR_LIMIT,
                         "array of %zu elements exceeds the limit of %zu",
                         len, v->limits.max_array_len);
        end_call(v);
        return false;
    }
    if (!v->start_array(v, name, len, errp)) {
        end_call(v);
        return false;
    }
    push_frame(v, name, true, len);
    return true;
}

bool visit_start_array(Visitor *v, const char *name, size_t len,
                       GError **errp)
{
    /*
     * Direct path: an output visitor's start_array writes nothing and
     * only reports the error of the window's owner, which the first
     * element then reports.
     */
    if (G_LIKELY(v && direct_frames_ok(v) && direct_call_ok(v, name) &&
                 v->nframes < v->direct_frames &&
                 (v->direct_window || len <= v->limits.max_array_len))) {
        open_frame(v, name, true, len);
        return true;
    }
    return start_array_slow(v, name, len, errp);
}

static G_GNUC_NO_INLINE bool end_array_slow(Visitor *v, GError **errp)
{
    VisitorFrame *top;
    size_t visited, len;
    bool ok;

    g_return_val_if_fail(v != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    top = v->top;
    g_return_val_if_fail(top != NULL && top->is_array, false);

    if (v->pending) {
        g_propagate_error(errp, g_steal_pointer(&v->pending));
        return false;
    }
    visited = top->index;
    len = top->len;
    ok = v->end_array(v, visited == len ? errp : NULL);
    if (visited != len) {
        ok = visit__set_error(v, errp, QVISIT_ERROR_LENGTH,
                              "visited %zu of %zu elements", visited, len);
    }
    pop_frame(v);
    return ok;
}

bool visit_end_array(Visitor *v, GError **errp)
{
    if (G_LIKELY(v && (v->direct_window || v->direct_input) &&
                 !v->pending &&
                 v->top_kind == VISITOR_FRAME_ARRAY &&
                 v->top->index == v->top->len)) {
        close_frame(v);
        return true;
    }
    return end_array_slow(v, errp);
}

static G_GNUC_NO_INLINE bool optional_slow(Visitor *v, const char *name,
                                           bool *present)
{
    GError *err = NULL;
    bool p;

    g_return_val_if_fail(v != NULL && name != NULL && present != NULL,
                         false);
    if (v->pending) {
        *present = false;
        return false;
    }
    p = *present;
    v->cur_name = name;
    v->in_call = true;
    if (!v->optional(v, name, &p, &err)) {
        v->pending = err;
        p = false;
    }
    v->in_call = false;
    v->cur_name = NULL;
    *present = p;
    return p;
}

bool visit_optional(Visitor *v, const char *name, bool *present)
{
    /* A presence byte belongs to the struct, not to an array element. */
    uint64_t in;

    if (G_LIKELY(v && present && name &&
                 v->top_kind == VISITOR_FRAME_STRUCT &&
                 direct_put(v, name, *present ? 1 : 0, 1))) {
        return *present;
    }
    if (G_LIKELY(v && present && name &&
                 v->top_kind == VISITOR_FRAME_STRUCT &&
                 direct_take(v, name, &in, 1, true))) {
        *present = in;
        return *present;
    }
    return optional_slow(v, name, present);
}

bool visit_start_subsection(Visitor *v, const char *name, uint32_t *version,
                            bool *present, GError **errp)
{
    uint32_t want, got;
    bool p;

    g_return_val_if_fail(v != NULL && name != NULL, false);
    g_return_val_if_fail(version != NULL && present != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    g_return_val_if_fail(v->top != NULL && !v->top->is_array, false);

    if (!v->start_subsection) {
        /* Tree and self-describing formats: an optional struct member. */
        if (!visit_optional(v, name, present)) {
            if (v->pending) {
                g_propagate_error(errp, g_steal_pointer(&v->pending));
                return false;
            }
            return true;
        }
        return visit_start_struct(v, name, errp);
    }
    if (!begin_call(v, name, errp)) {
        return false;
    }
    want = got = *version;
    p = *present;
    if (!v->start_subsection(v, name, &got, &p, errp)) {
        end_call(v);
        return false;
    }
    if (p && v->type == VISITOR_INPUT && got > want) {
        visit__set_error(v, errp, QVISIT_ERROR_VERSION,
                         "subsection version %" PRIu32 " is newer than %"
                         PRIu32 ", the newest this walk reads", got, want);
        end_call(v);
        return false;
    }
    if (p && !check_depth(v, errp)) {
        end_call(v);
        return false;
    }
    *present = p;
    *version = got;
    if (!p) {
        end_call(v);
        return true;
    }
    push_frame(v, name, false, 0);
    return true;
}

bool visit_end_subsection(Visitor *v, GError **errp)
{
    return visit_end_struct(v, errp);
}

/* Integers: one path for every width, so range checks exist once. */
static inline bool visit_uint(Visitor *v, const char *name, uint64_t *obj,
                       unsigned bits, GError **errp)
{
    uint64_t value = *obj;
    uint64_t max = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    bool ok;

    g_return_val_if_fail(v != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    if (!begin_call(v, name, errp)) {
        return false;
    }
    ok = v->type_uint(v, name, &value, bits, errp);
    if (ok && value > max) {
        ok = visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                              "%" PRIu64 " does not fit %s", value,
                              visit__int_type_name(bits, false));
    }
    end_call(v);
    if (ok) {
        *obj = value;
    }
    return ok;
}

static inline bool visit_int(Visitor *v, const char *name, int64_t *obj,
                      unsigned bits, GError **errp)
{
    int64_t value = *obj;
    int64_t max = bits == 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1;
    int64_t min = bits == 64 ? INT64_MIN : -max - 1;
    bool ok;

    g_return_val_if_fail(v != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    if (!begin_call(v, name, errp)) {
        return false;
    }
    ok = v->type_int(v, name, &value, bits, errp);
    if (ok && (value > max || value < min)) {
        ok = visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                              "%" PRId64 " does not fit %s", value,
                              visit__int_type_name(bits, true));
    }
    end_call(v);
    if (ok) {
        *obj = value;
    }
    return ok;
}

/*
 * Each integer type: the direct path inline, everything else (checks,
 * callbacks, errors) in an out-of-line function so the common case stays
 * leaf code. @kind is u or i, @wide the 64-bit type @core works on.
 */
#define DEFINE_VISIT_INTEGER(kind, type, wide, core, bits)                   \
    static G_GNUC_NO_INLINE bool visit_type_##kind##bits##_slow(             \
        Visitor *v, const char *name, type *obj, GError **errp)              \
    {                                                                        \
        wide value;                                                          \
                                                                             \
        g_return_val_if_fail(v != NULL && obj != NULL, false);               \
        value = *obj;                                                        \
        if (!core(v, name, &value, bits, errp)) {                            \
            return false;                                                    \
        }                                                                    \
        *obj = (type)value;                                                  \
        return true;                                                         \
    }                                                                        \
                                                                             \
    bool visit_type_##kind##bits(Visitor *v, const char *name, type *obj,    \
                                 GError **errp)                              \
    {                                                                        \
        uint64_t in;                                                         \
                                                                             \
        /* Signed values go out as their two's complement bytes. */          \
        if (G_LIKELY(v && obj &&                                             \
                     direct_put(v, name, (uint64_t)*obj, bits / 8))) {       \
            return true;                                                     \
        }                                                                    \
        if (G_LIKELY(v && obj && direct_take(v, name, &in, bits / 8,         \
                                             false))) {                      \
            *obj = (type)in;                                                 \
            return true;                                                     \
        }                                                                    \
        return visit_type_##kind##bits##_slow(v, name, obj, errp);           \
    }

DEFINE_VISIT_INTEGER(u, uint8_t, uint64_t, visit_uint, 8)
DEFINE_VISIT_INTEGER(u, uint16_t, uint64_t, visit_uint, 16)
DEFINE_VISIT_INTEGER(u, uint32_t, uint64_t, visit_uint, 32)
DEFINE_VISIT_INTEGER(u, uint64_t, uint64_t, visit_uint, 64)
DEFINE_VISIT_INTEGER(i, int8_t, int64_t, visit_int, 8)
DEFINE_VISIT_INTEGER(i, int16_t, int64_t, visit_int, 16)
DEFINE_VISIT_INTEGER(i, int32_t, int64_t, visit_int, 32)
DEFINE_VISIT_INTEGER(i, int64_t, int64_t, visit_int, 64)

bool visit__type_int_at(Visitor *v, const char *name, void *p,
                        unsigned size, bool is_signed, GError **errp)
{
    unsigned bits = size * 8;
    uint64_t u;
    int64_t i;

    g_return_val_if_fail(v != NULL && p != NULL, false);
    if (is_signed) {
        i = size == 1 ? *(int8_t *)p : size == 2 ? *(int16_t *)p
            : size == 4 ? *(int32_t *)p : *(int64_t *)p;
        if (!visit_int(v, name, &i, bits, errp)) {
            return false;
        }
        u = (uint64_t)i;
    } else {
        u = size == 1 ? *(uint8_t *)p : size == 2 ? *(uint16_t *)p
            : size == 4 ? *(uint32_t *)p : *(uint64_t *)p;
        if (!visit_uint(v, name, &u, bits, errp)) {
            return false;
        }
    }
    /* The core checked the value fits @size bytes. */
    if (size == 1) {
        *(uint8_t *)p = (uint8_t)u;
    } else if (size == 2) {
        *(uint16_t *)p = (uint16_t)u;
    } else if (size == 4) {
        *(uint32_t *)p = (uint32_t)u;
    } else {
        *(uint64_t *)p = u;
    }
    return true;
}

static G_GNUC_NO_INLINE bool visit_type_bool_slow(Visitor *v,
                                                  const char *name, bool *obj,
                                                  GError **errp)
{
    bool value;
    bool ok;

    g_return_val_if_fail(v != NULL && obj != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    if (!begin_call(v, name, errp)) {
        return false;
    }
    value = *obj;
    ok = v->type_bool(v, name, &value, errp);
    end_call(v);
    if (ok) {
        *obj = value;
    }
    return ok;
}

bool visit_type_bool(Visitor *v, const char *name, bool *obj, GError **errp)
{
    uint64_t in;

    if (G_LIKELY(v && obj && direct_put(v, name, *obj ? 1 : 0, 1))) {
        return true;
    }
    if (G_LIKELY(v && obj && direct_take(v, name, &in, 1, true))) {
        *obj = in;
        return true;
    }
    return visit_type_bool_slow(v, name, obj, errp);
}

bool visit_type_number(Visitor *v, const char *name, double *obj,
                       GError **errp)
{
    double value;
    bool ok;

    g_return_val_if_fail(v != NULL && obj != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    if (!begin_call(v, name, errp)) {
        return false;
    }
    value = *obj;
    ok = v->type_number(v, name, &value, errp);
    end_call(v);
    if (ok) {
        *obj = value;
    }
    return ok;
}

bool visit_type_str(Visitor *v, const char *name, char **obj, GError **errp)
{
    bool ok;

    g_return_val_if_fail(v != NULL && obj != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    if (!begin_call(v, name, errp)) {
        return false;
    }
    ok = v->type_str(v, name, obj, errp);
    end_call(v);
    return ok;
}

static G_GNUC_NO_INLINE bool visit_type_buffer_slow(Visitor *v,
                                                    const char *name,
                                                    void *buf, size_t len,
                                                    GError **errp)
{
    bool ok;

    g_return_val_if_fail(v != NULL && (buf != NULL || len == 0), false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    if (!begin_call(v, name, errp)) {
        return false;
    }
    ok = v->type_buffer(v, name, buf, len, errp);
    end_call(v);
    return ok;
}

bool visit_type_buffer(Visitor *v, const char *name, void *buf, size_t len,
                       GError **errp)
{
    ByteWindow *w;

    /*
     * Direct path: a buffer's bytes as they are, when they fit. Checking
     * len against limit first keeps pos + len from overflowing.
     */
    if (G_LIKELY(v && buf && (w = v->direct_window) &&
                 direct_call_ok(v, name) && len <= w->limit &&
                 w->pos + len <= w->limit)) {
        memcpy(w->buf + w->pos, buf, len);
        w->pos += len;
        if (v->top_kind == VISITOR_FRAME_ARRAY) {
            v->top->index++;
        }
        return true;
    }
    if (G_LIKELY(v && buf && (w = v->direct_input) && !v->pending &&
                 direct_call_ok(v, name) && w->limit && len <= w->limit &&
                 w->pos + len <= w->limit)) {
        memcpy(buf, w->buf + w->pos, len);
        w->pos += len;
        v->direct_value_end = w->base + w->pos;
        v->direct_value_len = len;
        if (v->top_kind == VISITOR_FRAME_ARRAY) {
            v->top->index++;
        }
        return true;
    }
    return visit_type_buffer_slow(v, name, buf, len, errp);
}

/*
 * A native array is exactly start_array + one element call each +
 * end_array, so every format represents it like a visited array; binary
 * visitors may move the elements in one bulk callback.
 */
bool visit__uint_elements(Visitor *v, void *arr, unsigned bits, size_t n,
                          GError **errp)
{
    if (v->type_uint_array) {
        /* Elements have no name: errors raised inside name "[i]". */
        size_t first = v->top->index;
        bool ok;

        v->in_call = true;
        v->cur_name = NULL;
        ok = v->type_uint_array(v, arr, bits, n, errp);
        v->in_call = false;
        if (!ok) {
            return false;
        }
        visit__set_index(v, first + n);
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t value;
        bool ok;

        switch (bits) {
        case 8:
            value = ((uint8_t *)arr)[i];
            break;
        case 16:
            value = ((uint16_t *)arr)[i];
            break;
        case 32:
            value = ((uint32_t *)arr)[i];
            break;
        default:
            value = ((uint64_t *)arr)[i];
            break;
        }
        ok = visit_uint(v, NULL, &value, bits, errp);
        if (!ok) {
            return false;
        }
        switch (bits) {
        case 8:
            ((uint8_t *)arr)[i] = (uint8_t)value;
            break;
        case 16:
            ((uint16_t *)arr)[i] = (uint16_t)value;
            break;
        case 32:
            ((uint32_t *)arr)[i] = (uint32_t)value;
            break;
        default:
            ((uint64_t *)arr)[i] = value;
            break;
        }
    }
    return true;
}

static bool visit_uint_array(Visitor *v, const char *name, void *arr,
                             unsigned bits, size_t n, GError **errp)
{
    g_return_val_if_fail(arr != NULL || n == 0, false);
    return visit_start_array(v, name, n, errp) &&
           visit__uint_elements(v, arr, bits, n, errp) &&
           visit_end_array(v, errp);
}

bool visit_type_u8_array(Visitor *v, const char *name, uint8_t *arr,
                         size_t n, GError **errp)
{
    return visit_uint_array(v, name, arr, 8, n, errp);
}

bool visit_type_u16_array(Visitor *v, const char *name, uint16_t *arr,
                          size_t n, GError **errp)
{
    return visit_uint_array(v, name, arr, 16, n, errp);
}

bool visit_type_u32_array(Visitor *v, const char *name, uint32_t *arr,
                          size_t n, GError **errp)
{
    return visit_uint_array(v, name, arr, 32, n, errp);
}

bool visit_type_u64_array(Visitor *v, const char *name, uint64_t *arr,
                          size_t n, GError **errp)
{
    return visit_uint_array(v, name, arr, 64, n, errp);
}

bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const char *const *names, GError **errp)
{
    int64_t value;
    bool ok;

    g_return_val_if_fail(v != NULL && obj != NULL && names != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    value = *obj;
    if (!v->type_enum) {
        if (!visit_int(v, name, &value, 32, errp)) {
            return false;
        }
        *obj = (int)value;
        return true;
    }
    if (!begin_call(v, name, errp)) {
        return false;
    }
    ok = v->type_enum(v, name, &value, names, errp);
    if (ok && (value < INT32_MIN || value > INT32_MAX)) {
        ok = visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                              "%" PRId64 " does not fit i32", value);
    }
    end_call(v);
    if (ok) {
        *obj = (int)value;
    }
    return ok;
}

bool visit_is_input(const Visitor *v)
{
    g_return_val_if_fail(v != NULL, false);
    return v->type == VISITOR_INPUT;
}

VisitorType visit_get_type(const Visitor *v)
{
    g_return_val_if_fail(v != NULL, VISITOR_OUTPUT);
    return v->type;
}

void visit_set_version(Visitor *v, uint32_t version)
{
    g_return_if_fail(v != NULL);
    v->version = version;
}

uint32_t visit_get_version(const Visitor *v)
{
    g_return_val_if_fail(v != NULL, 0);
    return v->version;
}

bool visit_since(const Visitor *v, uint32_t version)
{
    g_return_val_if_fail(v != NULL, true);
    /* 0 is "no version given": the walk visits its newest layout, so
     * every gate is open. */
    return v->version == 0 || v->version >= version;
}

void visit_set_limits(Visitor *v, const QVisitLimits *limits)
{
    g_return_if_fail(v != NULL && limits != NULL);
    v->limits = *limits;
    v->limits_set = true;
    update_direct_frames(v);
}

bool visit_complete(Visitor *v, GError **errp)
{
    g_return_val_if_fail(v != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    g_return_val_if_fail(!v->completed, false);

    if (v->pending) {
        g_propagate_error(errp, g_steal_pointer(&v->pending));
        return false;
    }
    if (v->nframes) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_FAILED,
                    "walk is unbalanced: %zu structs or arrays still open",
                    v->nframes);
        return false;
    }
    if (v->complete && !v->complete(v, errp)) {
        return false;
    }
    v->completed = true;
    return true;
}

/*
 * The callbacks of a visitor whose target was freed (visit__detach()):
 * every call fails, naming the member, and nothing reaches the file.
 */
static bool closed_error(Visitor *v, GError **errp)
{
    return visit__set_error(v, errp, QVISIT_ERROR_IO, "the file is closed");
}

static bool closed_start_struct(Visitor *v, const char *name, GError **errp)
{
    (void)name;
    return closed_error(v, errp);
}

static bool closed_end(Visitor *v, GError **errp)
{
    return closed_error(v, errp);
}

static bool closed_start_array(Visitor *v, const char *name, size_t len,
                               GError **errp)
{
    (void)name;
    (void)len;
    return closed_error(v, errp);
}

static bool closed_optional(Visitor *v, const char *name, bool *present,
                            GError **errp)
{
    (void)name;
    (void)present;
    return closed_error(v, errp);
}

static bool closed_type_int(Visitor *v, const char *name, int64_t *obj,
                            unsigned bits, GError **errp)
{
    (void)name;
    (void)obj;
    (void)bits;
    return closed_error(v, errp);
}

static bool closed_type_uint(Visitor *v, const char *name, uint64_t *obj,
                             unsigned bits, GError **errp)
{
    (void)name;
    (void)obj;
    (void)bits;
    return closed_error(v, errp);
}

static bool closed_type_bool(Visitor *v, const char *name, bool *obj,
                             GError **errp)
{
    (void)name;
    (void)obj;
    return closed_error(v, errp);
}

static bool closed_type_number(Visitor *v, const char *name, double *obj,
                               GError **errp)
{
    (void)name;
    (void)obj;
    return closed_error(v, errp);
}

static bool closed_type_str(Visitor *v, const char *name, char **obj,
                            GError **errp)
{
    (void)name;
    (void)obj;
    return closed_error(v, errp);
}

static bool closed_type_buffer(Visitor *v, const char *name, void *buf,
                               size_t len, GError **errp)
{
    (void)name;
    (void)buf;
    (void)len;
    return closed_error(v, errp);
}

void visit__detach(Visitor *v)
{
    v->direct_window = NULL;
    v->direct_input = NULL;
    v->start_struct = closed_start_struct;
    v->end_struct = closed_end;
    v->start_array = closed_start_array;
    v->end_array = closed_end;
    v->optional = closed_optional;
    v->start_subsection = NULL;
    v->peek_subsection = NULL;
    v->type_int = closed_type_int;
    v->type_uint = closed_type_uint;
    v->type_bool = closed_type_bool;
    v->type_number = closed_type_number;
    v->type_str = closed_type_str;
    v->type_buffer = closed_type_buffer;
    v->type_uint_array = NULL;
    v->type_enum = NULL;
    v->complete = closed_end;
}

void visit_free(Visitor *v)
{
    if (v) {
        v->free(v);
    }
}
