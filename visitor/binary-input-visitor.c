/*
 * Self-describing binary input visitor: serves a walk straight from the
 * bytes of a binary document, with the input rules of the QObject input
 * visitor (members by name in any order, a member the walk never asks
 * for is UNEXPECTED at visit_end_struct(), lengths checked) and the same
 * messages.
 *
 * The constructor validates the whole document first with the decoder of
 * binary-decode.c (tags, lengths against the bytes left, UTF-8, name
 * indexes, duplicate members, the limits), so the walk below moves over
 * well-formed bytes; it still bounds-checks every read.
 */
#include "qvisit/binary-visitor.h"

#include <inttypes.h>
#include <string.h>

#include "util/error-at.h"
#include "util/hex.h"
#include "visitor/binary-internal.h"
#include "visitor/visitor-impl.h"

typedef struct BinMember {
    size_t name;            /* index into the name table */
    uint8_t tag;            /* without BIN_SEQ_NAME */
    size_t pos;             /* payload offset */
    bool visited;
} BinMember;

typedef struct BinFrame {
    bool is_array;
    size_t mbase;           /* structs: first member in .members */
    size_t mcount;          /* structs: how many */
    size_t next;            /* structs: the member after the last one found */
    size_t pos;             /* arrays: offset of the next element */
    unsigned width;         /* typed arrays: bytes per element, else 0 */
    int64_t ctx;            /* arrays: name context of element structs */
    int64_t elem_first;     /* arrays: first member of the last element */
} BinFrame;

typedef struct BinaryInputVisitor {
    Visitor visitor;
    const uint8_t *data;    /* the document */
    uint8_t *copy;          /* owned: data, when it is a copy */
    size_t len;
    const char **names;     /* index -> name, pointing into name_buf */
    size_t n_names;
    char *name_buf;         /* the names, NUL-terminated */
    /* name -> index + 1; made on the first member the walk asks for out
     * of the document's order */
    GHashTable *name_index;
    /* The open structs' members, innermost last (a plain array: one is
     * appended per member of every struct the walk opens) */
    BinMember *members;
    size_t n_members;
    size_t members_cap;
    size_t root;            /* offset of the root value's tag */
    bool root_taken;
    GArray *stack;          /* of BinFrame */
} BinaryInputVisitor;

static BinaryInputVisitor *to_biv(Visitor *v)
{
    return (BinaryInputVisitor *)v;
}

static BinFrame *biv_top(BinaryInputVisitor *biv)
{
    return biv->stack->len
               ? &g_array_index(biv->stack, BinFrame, biv->stack->len - 1)
               : NULL;
}

/* The document was validated, so these only guard against our own bugs:
 * a failed read ends the walk with QVISIT_ERROR_FAILED. */
static bool get_varint(BinaryInputVisitor *biv, size_t *pos, uint64_t *v)
{
    return binary__get_varint(biv->data, biv->len, pos, v) == 1;
}

static bool corrupt(Visitor *v, GError **errp)
{
    return visit__set_error(v, errp, QVISIT_ERROR_FAILED,
                            "malformed document");
}

static bool type_error(Visitor *v, GError **errp, const char *expected,
                       uint8_t tag)
{
    return visit__set_error(v, errp, QVISIT_ERROR_TYPE, "expected %s, got %s",
                            expected, binary__tag_type_name(tag));
}

/* A value the walk asks for: its tag, payload offset and the name context
 * its members continue from (see context_name() in the output visitor). */
typedef struct BinValue {
    uint8_t tag;
    size_t pos;
    int64_t ctx;
} BinValue;

/*
 * The member @name of the struct @top, or NULL. A walk usually asks for
 * the members in the order they were written, so the member after the
 * last one found is tried first, with one string compare; anything else
 * goes through the name index.
 */
static BinMember *find_member(BinaryInputVisitor *biv, BinFrame *top,
                              const char *name)
{
    BinMember *first = biv->members + top->mbase;
    gpointer idx;

    if (!name) {
        return NULL;
    }
    if (top->next < top->mcount &&
        !strcmp(biv->names[first[top->next].name], name)) {
        return &first[top->next++];
    }
    if (!biv->name_index) {
        biv->name_index = g_hash_table_new(g_str_hash, g_str_equal);
        for (size_t i = 0; i < biv->n_names; i++) {
            g_hash_table_insert(biv->name_index, (char *)biv->names[i],
                                GSIZE_TO_POINTER(i + 1));
        }
    }
    idx = g_hash_table_lookup(biv->name_index, name);
    for (size_t i = 0; idx && i < top->mcount; i++) {
        if (first[i].name == GPOINTER_TO_SIZE(idx) - 1) {
            top->next = i + 1;
            return &first[i];
        }
    }
    return NULL;
}

/* Finds the value for @name in the innermost container (or the root). */
static bool biv_get(Visitor *v, const char *name, BinValue *val,
                    GError **errp)
{
    BinaryInputVisitor *biv = to_biv(v);
    BinFrame *top = biv_top(biv);

    if (!top) {
        if (biv->root_taken) {
            return visit__set_error(v, errp, QVISIT_ERROR_FAILED,
                                    "a walk visits exactly one root value");
        }
        biv->root_taken = true;
        val->tag = biv->data[biv->root];
        val->pos = biv->root + 1;
        val->ctx = -1;
        return true;
    }
    if (top->is_array) {
        if (top->width) {
            /* Typed array: fixed-width unsigned elements, no tags. */
            static const uint8_t fixed[] = {
                [1] = BIN_TAG_U8, [2] = BIN_TAG_U16_FIXED,
                [4] = BIN_TAG_U32_FIXED, [8] = BIN_TAG_U64_FIXED,
            };

            if (top->pos + top->width > biv->len) {
                return corrupt(v, errp);
            }
            val->tag = fixed[top->width];
            val->pos = top->pos;
            top->pos += top->width;
            return true;
        }
        if (top->pos >= biv->len) {
            return corrupt(v, errp);
        }
        val->tag = biv->data[top->pos];
        val->pos = top->pos + 1;
        val->ctx = top->elem_first >= 0 ? top->elem_first - 1 : top->ctx;
        top->pos = binary__skip(biv->data, biv->len, val->tag, val->pos);
        return top->pos ? true : corrupt(v, errp);
    }
    {
        BinMember *m = find_member(biv, top, name);

        if (m) {
            m->visited = true;
            val->tag = m->tag;
            val->pos = m->pos;
            val->ctx = m->name;
            return true;
        }
    }
    return visit__set_error(v, errp, QVISIT_ERROR_MISSING, "missing");
}

static bool biv_start_struct(Visitor *v, const char *name, GError **errp)
{
    BinaryInputVisitor *biv = to_biv(v);
    BinFrame *parent;
    BinFrame f = { .is_array = false };
    BinValue val;
    int64_t prev;
    size_t pos;

    if (!biv_get(v, name, &val, errp)) {
        return false;
    }
    if (val.tag != BIN_TAG_STRUCT) {
        return type_error(v, errp, "object", val.tag);
    }
    f.mbase = biv->n_members;
    prev = val.ctx;
    pos = val.pos;
    for (;;) {
        BinMember m = { 0 };
        uint64_t idx;
        uint8_t t;

        if (pos >= biv->len) {
            biv->n_members = f.mbase;
            return corrupt(v, errp);
        }
        t = biv->data[pos++];
        if (t == BIN_TAG_END) {
            break;
        }
        if (t & BIN_SEQ_NAME) {
            idx = prev + 1;
        } else if (!get_varint(biv, &pos, &idx)) {
            biv->n_members = f.mbase;
            return corrupt(v, errp);
        }
        m.name = idx;
        m.tag = t & ~BIN_SEQ_NAME;
        m.pos = pos;
        prev = idx;
        pos = binary__skip(biv->data, biv->len, m.tag, pos);
        if (!pos || idx >= biv->n_names) {
            biv->n_members = f.mbase;
            return corrupt(v, errp);
        }
        if (biv->n_members == biv->members_cap) {
            biv->members_cap *= 2;
            biv->members = g_renew(BinMember, biv->members,
                                   biv->members_cap);
        }
        biv->members[biv->n_members++] = m;
    }
    f.mcount = biv->n_members - f.mbase;
    parent = biv_top(biv);
    if (parent && parent->is_array && f.mcount) {
        parent->elem_first =
            biv->members[f.mbase].name;
    }
    g_array_append_val(biv->stack, f);
    return true;
}

static void biv_pop(BinaryInputVisitor *biv)
{
    BinFrame *top = biv_top(biv);

    if (!top->is_array) {
        biv->n_members = top->mbase;
    }
    g_array_set_size(biv->stack, biv->stack->len - 1);
}

static bool biv_end_struct(Visitor *v, GError **errp)
{
    BinaryInputVisitor *biv = to_biv(v);
    BinFrame *top = biv_top(biv);
    bool ok = true;

    for (size_t i = 0; i < top->mcount; i++) {
        BinMember *m = &biv->members[top->mbase + i];

        if (!m->visited) {
            ok = visit__set_error_member(v, errp, biv->names[m->name],
                                         QVISIT_ERROR_UNEXPECTED,
                                         "unexpected member");
            break;
        }
    }
    biv_pop(biv);
    return ok;
}

static bool biv_start_array(Visitor *v, const char *name, size_t len,
                            GError **errp)
{
    BinaryInputVisitor *biv = to_biv(v);
    BinFrame f = { .is_array = true, .elem_first = -1 };
    BinValue val;
    uint8_t shape;
    uint64_t n;

    if (!biv_get(v, name, &val, errp)) {
        return false;
    }
    shape = binary__tags[val.tag].shape;
    if (shape != BIN_SHAPE_ARRAY && shape != BIN_SHAPE_UINT_ARRAY) {
        return type_error(v, errp, "array", val.tag);
    }
    f.pos = val.pos;
    if (!get_varint(biv, &f.pos, &n)) {
        return corrupt(v, errp);
    }
    if (n != len) {
        return visit__set_error(v, errp, QVISIT_ERROR_LENGTH,
                                "expected %zu elements, got %" PRIu64, len,
                                n);
    }
    f.width = shape == BIN_SHAPE_UINT_ARRAY ? binary__tags[val.tag].width
                                            : 0;
    f.ctx = val.ctx;
    g_array_append_val(biv->stack, f);
    return true;
}

static bool biv_end_array(Visitor *v, GError **errp)
{
    (void)errp;
    biv_pop(to_biv(v));
    return true;
}

static bool biv_optional(Visitor *v, const char *name, bool *present,
                         GError **errp)
{
    BinaryInputVisitor *biv = to_biv(v);
    BinFrame *top = biv_top(biv);

    (void)errp;
    *present = false;
    if (top && !top->is_array) {
        size_t next = top->next;

        /* Only looks: the member's own visit marks it and moves on. */
        *present = find_member(biv, top, name) != NULL;
        top->next = next;
    }
    return true;
}

static bool get_integer(Visitor *v, const char *name, unsigned bits,
                        bool want_signed, uint64_t *u, bool *is_signed,
                        GError **errp)
{
    BinValue val;

    if (!biv_get(v, name, &val, errp)) {
        return false;
    }
    if (!binary__read_int(to_biv(v)->data, to_biv(v)->len, val.tag, val.pos,
                          u, is_signed)) {
        /* A number (double) or not a number at all. */
        return type_error(v, errp, visit__int_type_name(bits, want_signed),
                          val.tag);
    }
    return true;
}

static bool biv_type_int(Visitor *v, const char *name, int64_t *obj,
                         unsigned bits, GError **errp)
{
    uint64_t u;
    bool is_signed;

    if (!get_integer(v, name, bits, true, &u, &is_signed, errp)) {
        return false;
    }
    if (!is_signed && u > INT64_MAX) {
        return visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                                "%" PRIu64 " does not fit %s", u,
                                visit__int_type_name(bits, true));
    }
    *obj = (int64_t)u;
    return true;
}

static bool biv_type_uint(Visitor *v, const char *name, uint64_t *obj,
                          unsigned bits, GError **errp)
{
    uint64_t u;
    bool is_signed;

    if (!get_integer(v, name, bits, false, &u, &is_signed, errp)) {
        return false;
    }
    if (is_signed && (int64_t)u < 0) {
        return visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                                "%" PRId64 " does not fit %s", (int64_t)u,
                                visit__int_type_name(bits, false));
    }
    *obj = u;
    return true;
}

static bool biv_type_bool(Visitor *v, const char *name, bool *obj,
                          GError **errp)
{
    BinValue val;

    if (!biv_get(v, name, &val, errp)) {
        return false;
    }
    if (val.tag != BIN_TAG_TRUE && val.tag != BIN_TAG_FALSE) {
        return type_error(v, errp, "bool", val.tag);
    }
    *obj = val.tag == BIN_TAG_TRUE;
    return true;
}

static bool biv_type_number(Visitor *v, const char *name, double *obj,
                            GError **errp)
{
    BinaryInputVisitor *biv = to_biv(v);
    BinValue val;
    uint64_t u;
    bool is_signed;

    if (!biv_get(v, name, &val, errp)) {
        return false;
    }
    if (val.tag == BIN_TAG_F64) {
        double d;

        if (val.pos + 8 > biv->len) {
            return corrupt(v, errp);
        }
        u = ldq_be_p(biv->data + val.pos);
        memcpy(&d, &u, sizeof(d));
        *obj = d;
        return true;
    }
    if (!binary__read_int(biv->data, biv->len, val.tag, val.pos, &u,
                          &is_signed)) {
        return type_error(v, errp, "number", val.tag);
    }
    *obj = is_signed ? (double)(int64_t)u : (double)u;
    return true;
}

/* The bytes of a STR or BUF value. */
static bool get_bytes(Visitor *v, const BinValue *val, const uint8_t **p,
                      size_t *n, GError **errp)
{
    BinaryInputVisitor *biv = to_biv(v);
    size_t pos = val->pos;
    uint64_t len;

    if (!get_varint(biv, &pos, &len) || len > biv->len - pos) {
        return corrupt(v, errp);
    }
    *p = biv->data + pos;
    *n = len;
    return true;
}

static bool biv_type_str(Visitor *v, const char *name, char **obj,
                         GError **errp)
{
    BinValue val;
    const uint8_t *p;
    size_t n, len;

    if (!biv_get(v, name, &val, errp)) {
        return false;
    }
    if (val.tag != BIN_TAG_STR && val.tag != BIN_TAG_BUF) {
        return type_error(v, errp, "str", val.tag);
    }
    if (!get_bytes(v, &val, &p, &n, errp)) {
        return false;
    }
    /* A buffer is a hex string in QObject trees, and reads as one here. */
    len = val.tag == BIN_TAG_BUF ? 2 * n : n;
    if (len > v->limits.max_string_len) {
        return visit__set_error(v, errp, QVISIT_ERROR_LIMIT,
                                "string of %zu bytes exceeds the limit of %zu",
                                len, v->limits.max_string_len);
    }
    if (val.tag == BIN_TAG_STR) {
        *obj = g_strndup((const char *)p, n);
        return true;
    }
    *obj = g_malloc(len + 1);
    hex_encode(p, n, *obj);
    return true;
}

/* A buffer is raw bytes (BUF), or hex digits (STR) as in QObject trees,
 * which is what a document converted from JSON holds. */
static bool biv_type_buffer(Visitor *v, const char *name, void *buf,
                            size_t len, GError **errp)
{
    BinValue val;
    const uint8_t *p;
    size_t n;

    if (!biv_get(v, name, &val, errp)) {
        return false;
    }
    if (val.tag != BIN_TAG_BUF && val.tag != BIN_TAG_STR) {
        return type_error(v, errp, "buffer", val.tag);
    }
    if (!get_bytes(v, &val, &p, &n, errp)) {
        return false;
    }
    if (val.tag == BIN_TAG_BUF) {
        if (n != len) {
            return visit__set_error(v, errp, QVISIT_ERROR_LENGTH,
                                    "expected %zu bytes, got %zu", len, n);
        }
        if (n) {
            memcpy(buf, p, n);      /* buf may be NULL when n is 0 */
        }
        return true;
    }
    return visit__hex_decode(v, (const char *)p, n, buf, len, errp);
}

static void store_uint(void *arr, unsigned bits, size_t i, uint64_t x)
{
    switch (bits) {
    case 8:
        ((uint8_t *)arr)[i] = x;
        break;
    case 16:
        ((uint16_t *)arr)[i] = x;
        break;
    case 32:
        ((uint32_t *)arr)[i] = x;
        break;
    default:
        ((uint64_t *)arr)[i] = x;
        break;
    }
}

/*
 * Register files: a typed array of the walk's width is read in one loop
 * with no per-element look-up (the output visitor writes native arrays
 * that way); anything else goes element by element with range checks.
 */
static bool biv_type_uint_array(Visitor *v, void *arr, unsigned bits,
                                size_t n, GError **errp)
{
    BinaryInputVisitor *biv = to_biv(v);
    BinFrame *top = biv_top(biv);
    unsigned bytes = bits / 8;

    if (top->width == bytes) {
        if (n > (biv->len - top->pos) / bytes) {
            return corrupt(v, errp);
        }
        for (size_t i = 0; i < n; i++) {
            store_uint(arr, bits, i,
                       ldn_be_p(biv->data + top->pos + i * bytes, bytes));
        }
        top->pos += n * bytes;
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t x;

        visit__set_index(v, i);
        if (!biv_type_uint(v, NULL, &x, bits, errp)) {
            return false;
        }
        if (bits < 64 && x >> bits) {
            return visit__set_error(v, errp, QVISIT_ERROR_RANGE,
                                    "%" PRIu64 " does not fit %s", x,
                                    visit__int_type_name(bits, false));
        }
        store_uint(arr, bits, i, x);
    }
    return true;
}

static void biv_free(Visitor *v)
{
    BinaryInputVisitor *biv = to_biv(v);

    while (biv->stack->len) {
        biv_pop(biv);
    }
    g_array_free(biv->stack, true);
    g_free(biv->members);
    if (biv->name_index) {
        g_hash_table_destroy(biv->name_index);
    }
    g_free(biv->names);
    g_free(biv->name_buf);
    g_free(biv->copy);
    visit__cleanup(v);
    g_free(biv);
}

/* The visitor over @data, validated: borrowed, or copied when @copy. */
static Visitor *biv_new(const void *data, size_t len,
                        const QVisitLimits *limits, bool copy)
{
    BinaryInputVisitor *biv = g_new0(BinaryInputVisitor, 1);
    Visitor *v = &biv->visitor;
    size_t pos = 0, start;
    uint64_t count = 0;
    char *p;

    if (copy) {
        biv->copy = g_memdup2(data, len);
        data = biv->copy;
    }
    biv->data = data;
    biv->len = len;
    biv->members_cap = 64;
    biv->members = g_new(BinMember, biv->members_cap);
    biv->stack = g_array_sized_new(false, false, sizeof(BinFrame), 8);
    /* The name table (validated: each name is shorter than its bytes
     * plus the varint before it), copied with NULs into one block. */
    binary__get_varint(biv->data, len, &pos, &count);
    biv->n_names = count;
    biv->names = g_new(const char *, count);
    start = pos;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t n = 0;

        binary__get_varint(biv->data, len, &pos, &n);
        pos += n;
    }
    p = biv->name_buf = g_malloc(pos - start + 1);
    pos = start;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t n = 0;

        binary__get_varint(biv->data, len, &pos, &n);
        memcpy(p, biv->data + pos, n);
        p[n] = '\0';
        biv->names[i] = p;
        p += n + 1;
        pos += n;
    }
    biv->root = pos;
    v->start_struct = biv_start_struct;
    v->end_struct = biv_end_struct;
    v->start_array = biv_start_array;
    v->end_array = biv_end_array;
    v->optional = biv_optional;
    v->type_int = biv_type_int;
    v->type_uint = biv_type_uint;
    v->type_bool = biv_type_bool;
    v->type_number = biv_type_number;
    v->type_str = biv_type_str;
    v->type_buffer = biv_type_buffer;
    v->type_uint_array = biv_type_uint_array;
    v->free = biv_free;
    visit__init(v, VISITOR_INPUT);
    visit_set_limits(v, limits ? limits : qvisit_limits_default());
    return v;
}

Visitor *binary_input_visitor_new(const void *data, size_t len,
                                  const QVisitLimits *limits, GError **errp)
{
    size_t used = 0;

    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    /* Validate everything first, with the limits. */
    if (!binary__validate_named(data, len, limits, NULL, 0, &used, errp)) {
        return NULL;
    }
    if (used != len) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                    "%zu trailing bytes after the document at byte %zu",
                    len - used, used);
        return NULL;
    }
    return biv_new(data, len, limits, true);
}

Visitor *binary__input_visitor_new_named(const void *data, size_t len,
                                         const QVisitLimits *limits,
                                         const char *root_name, size_t base,
                                         GError **errp)
{
    size_t used = 0;

    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    if (!binary__validate_named(data, len, limits, root_name, base, &used,
                                errp)) {
        return NULL;
    }
    if (used != len) {
        qvisit__error_at(errp, QVISIT_ERROR_PARSE, root_name, base + used,
                         "bytes after the state");
        return NULL;
    }
    return biv_new(data, len, limits, false);
}

Visitor *binary__input_visitor_new_checked(const uint8_t *data, size_t len,
                                           const QVisitLimits *limits)
{
    return biv_new(data, len, limits, false);
}
