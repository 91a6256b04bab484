/*
 * Self-describing binary input: the schema-free decoder into QObject
 * trees. It is also the validator binary-input-visitor.c runs first, so
 * the visitor can walk the bytes knowing they are well-formed.
 *
 * The decoder never allocates what the input merely claims: every count
 * and length is checked against the bytes that are left (each element
 * needs at least one byte) and against the limits before anything is
 * allocated, and QLists grow one decoded element at a time.
 */
#include "qvisit/binary-visitor.h"

#include <inttypes.h>
#include <string.h>

#include "qvisit/error.h"
#include "util/error-at.h"
#include "util/hex.h"
#include "visitor/binary-internal.h"

/* One level of the path, on the C stack, for error messages. */
typedef struct PathLink {
    const struct PathLink *up;
    const char *name;       /* member name, or NULL for an element */
    size_t index;
} PathLink;

typedef struct Decoder {
    const uint8_t *data;
    size_t len;
    size_t pos;
    const QVisitLimits *limits;
    GPtrArray *names;       /* of char *, into name_buf */
    char *name_buf;         /* the names, NUL-terminated */
    size_t alloc;           /* bytes charged against max_alloc */
    size_t base;            /* stream offset of data[0], for messages */
    /* False: validate only. Values are then not built; each decoder
     * returns VALIDATED instead of a QObject, and a struct's member
     * indexes go on @seen, for the duplicate check. */
    bool build;
    uint64_t *seen;         /* a stack: the open structs' indexes */
    size_t n_seen;
    size_t seen_cap;
} Decoder;

/* What a validating decoder returns for a well-formed value: never
 * dereferenced or freed. */
static char validated;
#define VALIDATED ((QObject *)&validated)

static void append_path(GString *s, const PathLink *p)
{
    if (!p) {
        return;
    }
    append_path(s, p->up);
    if (p->name) {
        if (s->len) {
            g_string_append_c(s, '.');
        }
        /* Names come from the document's name table: escaped, so that a
         * message stays one line. */
        g_autofree char *shown = qvisit_error_escape(p->name, -1);

        g_string_append(s, shown);
    } else {
        g_string_append_printf(s, "[%zu]", p->index);
    }
}

static bool dec_error(Decoder *d, const PathLink *p, GError **errp, int code,
                      const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static bool dec_error(Decoder *d, const PathLink *p, GError **errp, int code,
                      const char *fmt, ...)
{
    g_autoptr(GString) path = g_string_new(NULL);
    va_list ap;

    append_path(path, p);
    va_start(ap, fmt);
    qvisit__error_at_va(errp, code, path->str, d->base + d->pos, fmt, ap);
    va_end(ap);
    return false;
}

static bool dec_truncated(Decoder *d, const PathLink *p, GError **errp)
{
    return dec_error(d, p, errp, QVISIT_ERROR_TRUNCATED, "stream truncated");
}

static bool dec_varint(Decoder *d, const PathLink *p, uint64_t *v,
                       GError **errp)
{
    int r = binary__get_varint(d->data, d->len, &d->pos, v);

    if (r == 0) {
        d->pos = d->len;
        return dec_truncated(d, p, errp);
    }
    if (r < 0) {
        return dec_error(d, p, errp, QVISIT_ERROR_PARSE,
                         "varint longer than 64 bits");
    }
    return true;
}

static bool dec_charge(Decoder *d, const PathLink *p, size_t bytes,
                       GError **errp)
{
    if (bytes > d->limits->max_alloc - MIN(d->alloc, d->limits->max_alloc)) {
        return dec_error(d, p, errp, QVISIT_ERROR_LIMIT,
                         "decoding needs more than %zu bytes",
                         d->limits->max_alloc);
    }
    d->alloc += bytes;
    return true;
}

/* Reads a count or length and checks it against the bytes left, with
 * @unit bytes per element at least. */
static bool dec_count(Decoder *d, const PathLink *p, size_t unit,
                      size_t max, const char *what, size_t *out,
                      GError **errp)
{
    uint64_t n;

    if (!dec_varint(d, p, &n, errp)) {
        return false;
    }
    if (n > max) {
        return dec_error(d, p, errp, QVISIT_ERROR_LIMIT,
                         "%s %" PRIu64 " exceeds the limit of %zu", what, n,
                         max);
    }
    if (unit && n > (d->len - d->pos) / unit) {
        d->pos = d->len;
        return dec_truncated(d, p, errp);
    }
    *out = n;
    return true;
}

static QObject *dec_value(Decoder *d, const PathLink *p, unsigned depth,
                          GError **errp);

/*
 * @ctx is the name index a container's members continue from (see
 * context_name() in binary-output-visitor.c); *@first receives a struct's
 * first member index, for the next element of an array.
 */
static QObject *dec_payload(Decoder *d, const PathLink *p, uint8_t tag,
                            unsigned depth, int64_t ctx, int64_t *first,
                            GError **errp);

/* Whether @idx is among the member indexes from @base on. */
static bool seen_has(const Decoder *d, size_t base, uint64_t idx)
{
    for (size_t i = base; i < d->n_seen; i++) {
        if (d->seen[i] == idx) {
            return true;
        }
    }
    return false;
}

static QObject *dec_struct(Decoder *d, const PathLink *p, unsigned depth,
                           int64_t ctx, int64_t *first, GError **errp)
{
    g_autoptr(QDict) dict = d->build ? qdict_new() : NULL;
    int64_t prev = ctx;
    bool first_member = true;
    size_t seen_base = d->n_seen;
    int64_t max_idx = -1;

    for (;;) {
        uint64_t idx;
        uint8_t tag;
        const char *name;
        PathLink link = { .up = p };
        QObject *val;

        if (d->pos >= d->len) {
            dec_truncated(d, p, errp);
            return NULL;
        }
        tag = d->data[d->pos++];
        if (tag == BIN_TAG_END) {
            break;
        }
        if (tag & BIN_SEQ_NAME) {
            idx = prev + 1;
        } else if (!dec_varint(d, p, &idx, errp)) {
            return NULL;
        }
        if (idx >= d->names->len) {
            dec_error(d, p, errp, QVISIT_ERROR_PARSE,
                      "member name index %" PRIu64 " outside the table of %u",
                      idx, d->names->len);
            return NULL;
        }
        prev = idx;
        if (first_member && first) {
            *first = idx;
        }
        first_member = false;
        name = g_ptr_array_index(d->names, idx);
        link.name = name;
        if (dict ? qdict_haskey(dict, name)
                 : (int64_t)idx <= max_idx &&
                       seen_has(d, seen_base, idx)) {
            dec_error(d, &link, errp, QVISIT_ERROR_PARSE, "duplicate member");
            return NULL;
        }
        if (!dict) {
            max_idx = MAX(max_idx, (int64_t)idx);
            if (d->n_seen == d->seen_cap) {
                d->seen_cap *= 2;
                d->seen = g_renew(uint64_t, d->seen, d->seen_cap);
            }
            d->seen[d->n_seen++] = idx;
        }
        if (!dec_charge(d, &link, 32, errp)) {
            return NULL;
        }
        val = dec_payload(d, &link, tag & ~BIN_SEQ_NAME, depth + 1, idx,
                          NULL, errp);
        if (!val) {
            return NULL;
        }
        if (dict) {
            qdict_put_obj(dict, name, val);
        }
    }
    if (!dict) {
        d->n_seen = seen_base;
        return VALIDATED;
    }
    return QOBJECT(g_steal_pointer(&dict));
}

static QObject *dec_array(Decoder *d, const PathLink *p, unsigned depth,
                          int64_t ctx, GError **errp)
{
    g_autoptr(QList) list = d->build ? qlist_new() : NULL;
    int64_t elem_first = -1;
    size_t n;

    if (!dec_count(d, p, 1, d->limits->max_array_len, "array length", &n,
                   errp)) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        PathLink link = { .up = p, .index = i };
        QObject *val;

        if (!dec_charge(d, &link, 16, errp)) {
            return NULL;
        }
        if (d->pos >= d->len) {
            dec_truncated(d, &link, errp);
            return NULL;
        }
        d->pos++;
        val = dec_payload(d, &link, d->data[d->pos - 1], depth + 1,
                          elem_first >= 0 ? elem_first - 1 : ctx,
                          &elem_first, errp);
        if (!val) {
            return NULL;
        }
        if (list) {
            qlist_append_obj(list, val);
        }
    }
    return list ? QOBJECT(g_steal_pointer(&list)) : VALIDATED;
}

static QObject *dec_uint_array(Decoder *d, const PathLink *p,
                               unsigned bytes, GError **errp)
{
    g_autoptr(QList) list = NULL;
    size_t n;

    if (!dec_count(d, p, bytes, d->limits->max_array_len, "array length", &n,
                   errp) ||
        !dec_charge(d, p, n * 16, errp)) {
        return NULL;
    }
    if (!d->build) {
        d->pos += n * bytes;
        return VALIDATED;
    }
    list = qlist_new();
    for (size_t i = 0; i < n; i++) {
        qlist_append_uint(list, ldn_be_p(d->data + d->pos, bytes));
        d->pos += bytes;
    }
    return QOBJECT(g_steal_pointer(&list));
}

static QObject *dec_bytes(Decoder *d, const PathLink *p, bool is_str,
                          GError **errp)
{
    size_t n;
    const uint8_t *b;

    if (!dec_count(d, p, 1, d->limits->max_string_len,
                   is_str ? "string length" : "buffer length", &n, errp) ||
        !dec_charge(d, p, (is_str ? n : 2 * n) + 1, errp)) {
        return NULL;
    }
    b = d->data + d->pos;
    if (is_str) {
        g_autofree char *s = NULL;

        if (!g_utf8_validate((const char *)b, n, NULL)) {
            dec_error(d, p, errp, QVISIT_ERROR_PARSE, "invalid UTF-8");
            return NULL;
        }
        if (!d->build) {
            d->pos += n;
            return VALIDATED;
        }
        s = g_strndup((const char *)b, n);
        d->pos += n;
        return QOBJECT(qstring_from_str(s));
    } else {
        g_autofree char *s = NULL;

        if (!d->build) {
            d->pos += n;
            return VALIDATED;
        }
        s = g_malloc(2 * n + 1);
        hex_encode(b, n, s);
        d->pos += n;
        return QOBJECT(qstring_from_str(s));
    }
}

static QObject *dec_fixed(Decoder *d, const PathLink *p,
                          const BinaryTagInfo *t, GError **errp)
{
    unsigned bytes = t->width;
    uint64_t u;

    if (d->len - d->pos < bytes) {
        d->pos = d->len;
        dec_truncated(d, p, errp);
        return NULL;
    }
    u = ldn_be_p(d->data + d->pos, bytes);
    d->pos += bytes;
    if (!d->build) {
        return VALIDATED;
    }
    if (!t->is_signed) {
        return QOBJECT(qnum_from_uint(u));
    }
    if (bytes < 8 && (u >> (8 * bytes - 1))) {
        u |= ~0ULL << (8 * bytes);      /* sign-extend */
    }
    return QOBJECT(qnum_from_int((int64_t)u));
}

/* A varint checked against the range of its tag's width. */
static QObject *dec_varint_value(Decoder *d, const PathLink *p,
                                 const BinaryTagInfo *t, GError **errp)
{
    unsigned bits = 8 * t->width;
    uint64_t u;
    int64_t s;

    if (!dec_varint(d, p, &u, errp)) {
        return NULL;
    }
    if (!t->is_signed) {
        if (bits < 64 && u >> bits) {
            dec_error(d, p, errp, QVISIT_ERROR_RANGE,
                      "%" PRIu64 " does not fit u%u", u, bits);
            return NULL;
        }
        return d->build ? QOBJECT(qnum_from_uint(u)) : VALIDATED;
    }
    s = binary__unzigzag(u);
    if (bits < 64 && (s < -(INT64_C(1) << (bits - 1)) ||
                      s >= INT64_C(1) << (bits - 1))) {
        dec_error(d, p, errp, QVISIT_ERROR_RANGE,
                  "%" PRId64 " does not fit i%u", s, bits);
        return NULL;
    }
    return d->build ? QOBJECT(qnum_from_int(s)) : VALIDATED;
}

static QObject *dec_value(Decoder *d, const PathLink *p, unsigned depth,
                          GError **errp)
{
    if (d->pos >= d->len) {
        dec_truncated(d, p, errp);
        return NULL;
    }
    d->pos++;
    return dec_payload(d, p, d->data[d->pos - 1], depth, -1, NULL, errp);
}

static QObject *dec_payload(Decoder *d, const PathLink *p, uint8_t tag,
                            unsigned depth, int64_t ctx, int64_t *first,
                            GError **errp)
{
    const BinaryTagInfo *t = &binary__tags[tag];
    uint64_t u;

    if ((t->shape == BIN_SHAPE_STRUCT || t->shape == BIN_SHAPE_ARRAY ||
         t->shape == BIN_SHAPE_UINT_ARRAY) &&
        depth >= d->limits->max_depth) {
        /* This container would be nesting level depth + 1. */
        d->pos--;
        dec_error(d, p, errp, QVISIT_ERROR_LIMIT,
                  "nesting deeper than %u", d->limits->max_depth);
        return NULL;
    }
    switch (t->shape) {
    case BIN_SHAPE_FIXED:
        return dec_fixed(d, p, t, errp);
    case BIN_SHAPE_VARINT:
        return dec_varint_value(d, p, t, errp);
    case BIN_SHAPE_BOOL:
        return d->build ? QOBJECT(qbool_from_bool(tag == BIN_TAG_TRUE))
                        : VALIDATED;
    case BIN_SHAPE_F64: {
        double x;

        if (d->len - d->pos < 8) {
            d->pos = d->len;
            dec_truncated(d, p, errp);
            return NULL;
        }
        u = ldq_be_p(d->data + d->pos);
        d->pos += 8;
        if (!d->build) {
            return VALIDATED;
        }
        memcpy(&x, &u, sizeof(x));
        return QOBJECT(qnum_from_double(x));
    }
    case BIN_SHAPE_BYTES:
        return dec_bytes(d, p, tag == BIN_TAG_STR, errp);
    case BIN_SHAPE_STRUCT:
        return dec_struct(d, p, depth, ctx, first, errp);
    case BIN_SHAPE_ARRAY:
        return dec_array(d, p, depth, ctx, errp);
    case BIN_SHAPE_UINT_ARRAY:
        return dec_uint_array(d, p, t->width, errp);
    default:
        d->pos--;
        dec_error(d, p, errp, QVISIT_ERROR_PARSE, "unknown type tag 0x%02x",
                  tag);
        return NULL;
    }
}

/* The name table into @d->names, then the root value. */
static QObject *dec_document(Decoder *d, const PathLink *rootp,
                             GError **errp)
{
    size_t count, start, end;
    char *p;

    if (!dec_count(d, NULL, 1, d->limits->max_array_len, "name table size",
                   &count, errp)) {
        return NULL;
    }
    start = d->pos;
    for (size_t i = 0; i < count; i++) {
        size_t n;
        const char *s;

        if (!dec_count(d, NULL, 1, d->limits->max_string_len, "name length",
                       &n, errp) ||
            !dec_charge(d, NULL, n + 1, errp)) {
            return NULL;
        }
        s = (const char *)d->data + d->pos;
        if (!g_utf8_validate(s, n, NULL) || memchr(s, '\0', n)) {
            dec_error(d, NULL, errp, QVISIT_ERROR_PARSE,
                      "name %zu is not valid UTF-8", i);
            return NULL;
        }
        d->pos += n;
    }
    /* Again, into one block: each name is shorter than its bytes with
     * the length before it, so the names with their NULs fit. */
    end = d->pos;
    p = d->name_buf = g_malloc(end - start + 1);
    for (size_t i = 0, pos = start; i < count; i++) {
        uint64_t n = 0;

        binary__get_varint(d->data, end, &pos, &n);
        memcpy(p, d->data + pos, n);
        p[n] = '\0';
        g_ptr_array_add(d->names, p);
        p += n + 1;
        pos += n;
    }
    return dec_value(d, rootp, 0, errp);
}

/* Decodes (@build) or validates one document; see binary__decode_named(). */
static QObject *decode(const void *data, size_t len,
                       const QVisitLimits *limits, const char *root_name,
                       size_t base, bool build, size_t *consumed,
                       GError **errp)
{
    PathLink root_link = { .name = root_name };
    Decoder d = {
        .data = data,
        .len = len,
        .limits = limits ? limits : qvisit_limits_default(),
        .base = base,
        .build = build,
    };
    QObject *root;

    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    d.names = g_ptr_array_new();
    if (!build) {
        d.seen_cap = 64;
        d.seen = g_new(uint64_t, d.seen_cap);
    }
    root = dec_document(&d, root_name ? &root_link : NULL, errp);
    if (root && consumed) {
        *consumed = d.pos;
    }
    g_ptr_array_free(d.names, true);
    g_free(d.name_buf);
    g_free(d.seen);
    return root;
}

QObject *binary__decode_named(const void *data, size_t len,
                              const QVisitLimits *limits,
                              const char *root_name, size_t base,
                              size_t *consumed, GError **errp)
{
    return decode(data, len, limits, root_name, base, true, consumed, errp);
}

bool binary__validate_named(const void *data, size_t len,
                            const QVisitLimits *limits,
                            const char *root_name, size_t base,
                            size_t *consumed, GError **errp)
{
    return decode(data, len, limits, root_name, base, false, consumed,
                  errp) != NULL;
}

QObject *binary_decode(const void *data, size_t len,
                       const QVisitLimits *limits, size_t *consumed,
                       GError **errp)
{
    return binary__decode_named(data, len, limits, NULL, 0, consumed, errp);
}
