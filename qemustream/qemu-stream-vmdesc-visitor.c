/*
 * The payload writer of the migration core's legacy format. It forwards
 * every call of the walk to a QEMUFile output visitor, which writes the
 * payload bytes, and records
 * what it forwarded in the form of QEMU's vmdesc ("fields" of a vmsd), with
 * the size of each field measured from the file's byte count. QEMU's
 * tooling and our own legacy reader decode the payload from that
 * description alone.
 *
 * Forms the stream's own description uses beyond QEMU's (docs/formats.md):
 * a "qvisit" key marks a presence byte of an optional member ("present"),
 * a string ("str": be32 length and bytes, typed "buffer" for QEMU), and a
 * nested array inside an array ("array": a struct with one member).
 */
#include "qemustream/qemu-stream-codec.h"

#include "qvisit/qemu-file-visitor.h"
#include "visitor/visitor-impl.h"

typedef struct VDFrame {
    bool is_array;
    bool is_subsection;
    uint32_t version;   /* subsections: the version written */
    char *name;
    QList *items;       /* struct: named fields; array: element descs */
    QList *subs;        /* struct: its subsections' vmsds, or NULL */
    uint64_t start;
    QDict *uniform;     /* native arrays: the one element description */
    size_t uniform_n;
} VDFrame;

typedef struct VmdescVisitor {
    Visitor visitor;
    Visitor *inner;
    QEMUFile *f;
    QList **result;
    GArray *stack;      /* of VDFrame */
    QList *root_fields;
    QList *root_subs;   /* the root struct's subsections, or NULL */
    QList **subs_result;
} VmdescVisitor;

static VmdescVisitor *to_vd(Visitor *v)
{
    return (VmdescVisitor *)v;
}

static VDFrame *top(VmdescVisitor *vd)
{
    return vd->stack->len
               ? &g_array_index(vd->stack, VDFrame, vd->stack->len - 1)
               : NULL;
}

/* A field dict in QEMU's key order: name, array_len/index, then the
 * element description's keys (type, struct, size, qvisit). */
static QDict *make_field(const char *name, int64_t index, int64_t array_len,
                         QDict *elem)
{
    QDict *d = qdict_new();

    qdict_put_str(d, "name", name);
    if (array_len >= 0) {
        qdict_put_int(d, "array_len", array_len);
    }
    if (index >= 0) {
        qdict_put_int(d, "index", index);
    }
    for (const QDictEntry *e = qdict_first(elem); e; e = qdict_next(elem, e)) {
        qdict_put_obj(d, qdict_entry_key(e),
                      qobject_ref(qdict_entry_value(e)));
    }
    return d;
}

/* Adds an element description @desc (transfer full) for member @name to
 * the innermost container. */
static void add_item(VmdescVisitor *vd, const char *name, QDict *desc)
{
    VDFrame *t = top(vd);
    QList *items = t ? t->items : vd->root_fields;

    if (t && t->is_array) {
        qlist_append(items, desc);
        return;
    }
    qlist_append(items, make_field(name ? name : "", -1, -1, desc));
    qobject_unref(desc);
}

static QDict *leaf(const char *type, uint64_t size, const char *qvisit)
{
    QDict *d = qdict_new();

    qdict_put_str(d, "type", type);
    qdict_put_uint(d, "size", size);
    if (qvisit) {
        qdict_put_str(d, "qvisit", qvisit);
    }
    return d;
}

static QDict *struct_desc(const char *name, QList *fields, QList *subs,
                          uint64_t size, const char *qvisit)
{
    QDict *d = qdict_new();
    QDict *vmsd = qdict_new();

    qdict_put_str(vmsd, "vmsd_name", name ? name : "");
    qdict_put_int(vmsd, "version", 1);
    qdict_put(vmsd, "fields", fields);
    if (subs) {
        qdict_put(vmsd, "subsections", subs);
    }
    qdict_put_str(d, "type", "struct");
    qdict_put(d, "struct", vmsd);
    qdict_put_uint(d, "size", size);
    if (qvisit) {
        qdict_put_str(d, "qvisit", qvisit);
    }
    return d;
}

static void push(VmdescVisitor *vd, const char *name, bool is_array)
{
    VDFrame f = {
        .is_array = is_array,
        .name = g_strdup(name),
        .items = qlist_new(),
        .start = qemu_file_transferred(vd->f),
    };

    g_array_append_val(vd->stack, f);
}

static bool vd_start_struct(Visitor *v, const char *name, GError **errp)
{
    VmdescVisitor *vd = to_vd(v);

    if (!visit_start_struct(vd->inner, name, errp)) {
        return false;
    }
    push(vd, name, false);
    return true;
}

static bool vd_end_struct(Visitor *v, GError **errp)
{
    VmdescVisitor *vd = to_vd(v);
    VDFrame f;

    if (!visit_end_struct(vd->inner, errp)) {
        return false;
    }
    f = *top(vd);
    g_array_set_size(vd->stack, vd->stack->len - 1);
    if (f.is_subsection) {
        /* A subsection is a vmsd of its own in its struct's list. */
        VDFrame *parent = top(vd);
        QList **subs = parent ? &parent->subs : &vd->root_subs;
        QDict *vmsd = qdict_new();

        qdict_put_str(vmsd, "vmsd_name", f.name);
        qdict_put_uint(vmsd, "version", f.version);
        qdict_put(vmsd, "fields", f.items);
        if (f.subs) {
            qdict_put(vmsd, "subsections", f.subs);
        }
        if (!*subs) {
            *subs = qlist_new();
        }
        qlist_append(*subs, vmsd);
    } else if (!vd->stack->len) {
        /* The device's root struct: its fields are the vmsd's. */
        qobject_unref(vd->root_fields);
        vd->root_fields = f.items;
        qobject_unref(vd->root_subs);
        vd->root_subs = f.subs;
    } else {
        add_item(vd, f.name,
                 struct_desc(f.name, f.items, f.subs,
                             qemu_file_transferred(vd->f) - f.start, NULL));
    }
    g_free(f.name);
    return true;
}

static bool vd_start_subsection(Visitor *v, const char *name,
                                uint32_t *version, bool *present,
                                GError **errp)
{
    VmdescVisitor *vd = to_vd(v);

    if (!visit_start_subsection(vd->inner, name, version, present, errp)) {
        return false;
    }
    if (*present) {
        push(vd, name, false);
        top(vd)->is_subsection = true;
        top(vd)->version = *version;
    }
    return true;
}

static bool vd_start_array(Visitor *v, const char *name, size_t len,
                           GError **errp)
{
    VmdescVisitor *vd = to_vd(v);

    if (!visit_start_array(vd->inner, name, len, errp)) {
        return false;
    }
    push(vd, name, true);
    return true;
}

/* Describes an array as fields named @name: one "array_len" field when
 * every element looks the same (QEMU's compressed form), else one "index"
 * field per element. */
static void array_fields(QList *out, const char *name, const VDFrame *f)
{
    QList *elems = f->items;
    size_t n = f->uniform ? f->uniform_n : qlist_size(elems);
    bool same = true;

    if (f->uniform && n) {
        qlist_append(out, make_field(name, -1, n, f->uniform));
        return;
    }
    for (size_t i = 1; i < n && same; i++) {
        same = qobject_is_equal(qlist_get(elems, 0), qlist_get(elems, i));
    }
    if (n == 0) {
        g_autoptr(QDict) empty = leaf("buffer", 0, NULL);

        qlist_append(out, make_field(name, -1, 0, empty));
    } else if (same) {
        qlist_append(out, make_field(name, -1, n,
                                     qobject_to(QDict, qlist_get(elems, 0))));
    } else {
        for (size_t i = 0; i < n; i++) {
            qlist_append(out, make_field(name, i, -1,
                                         qobject_to(QDict,
                                                    qlist_get(elems, i))));
        }
    }
}

static bool vd_end_array(Visitor *v, GError **errp)
{
    VmdescVisitor *vd = to_vd(v);
    VDFrame f;
    VDFrame *parent;
    const char *name;

    if (!visit_end_array(vd->inner, errp)) {
        return false;
    }
    f = *top(vd);
    g_array_set_size(vd->stack, vd->stack->len - 1);
    parent = top(vd);
    name = f.name ? f.name : "item";
    if (parent && parent->is_array) {
        /* An array inside an array: a struct with the one member. */
        QList *fields = qlist_new();

        array_fields(fields, name, &f);
        qlist_append(parent->items,
                     struct_desc(name, fields, NULL,
                                 qemu_file_transferred(vd->f) - f.start,
                                 "array"));
    } else {
        array_fields(parent ? parent->items : vd->root_fields, name, &f);
    }
    qobject_unref(f.items);
    qobject_unref(f.uniform);
    g_free(f.name);
    return true;
}

/* Register files: one description for all elements, no dict per element. */
static bool vd_type_uint_array(Visitor *v, void *arr, unsigned bits,
                               size_t n, GError **errp)
{
    VmdescVisitor *vd = to_vd(v);
    VDFrame *f = top(vd);
    g_autofree char *type = g_strdup_printf("uint%u", bits);
    bool ok = true;

    for (size_t i = 0; i < n && ok; i++) {
        switch (bits) {
        case 8:
            ok = visit_type_u8(vd->inner, NULL, (uint8_t *)arr + i, errp);
            break;
        case 16:
            ok = visit_type_u16(vd->inner, NULL, (uint16_t *)arr + i, errp);
            break;
        case 32:
            ok = visit_type_u32(vd->inner, NULL, (uint32_t *)arr + i, errp);
            break;
        default:
            ok = visit_type_u64(vd->inner, NULL, (uint64_t *)arr + i, errp);
            break;
        }
    }
    if (ok) {
        f->uniform = leaf(type, bits / 8, NULL);
        f->uniform_n = n;
    }
    return ok;
}

static bool vd_optional(Visitor *v, const char *name, bool *present,
                        GError **errp)
{
    VmdescVisitor *vd = to_vd(v);
    g_autofree char *has = g_strdup_printf("has_%s", name);

    (void)errp;
    visit_optional(vd->inner, name, present);
    add_item(vd, has, leaf("bool", 1, "present"));
    return true;
}

/*
 * Integers of either sign. The QEMUFile visitor writes a signed value as
 * its two's complement truncated to @bits, which are the bytes of the
 * unsigned visit of the same pattern, so both forward through the unsigned
 * visits; only the leaf's type ("int32" or "uint32") tells them apart.
 */
static bool vd_type_integer(Visitor *v, const char *name, uint64_t value,
                            unsigned bits, bool is_signed, GError **errp)
{
    VmdescVisitor *vd = to_vd(v);
    uint64_t start = qemu_file_transferred(vd->f);
    bool ok;

    switch (bits) {
    case 8: {
        uint8_t x = (uint8_t)value;
        ok = visit_type_u8(vd->inner, name, &x, errp);
        break;
    }
    case 16: {
        uint16_t x = (uint16_t)value;
        ok = visit_type_u16(vd->inner, name, &x, errp);
        break;
    }
    case 32: {
        uint32_t x = (uint32_t)value;
        ok = visit_type_u32(vd->inner, name, &x, errp);
        break;
    }
    default:
        ok = visit_type_u64(vd->inner, name, &value, errp);
        break;
    }
    if (ok) {
        g_autofree char *type = g_strdup_printf("%sint%u",
                                                is_signed ? "" : "u", bits);

        add_item(vd, name, leaf(type, qemu_file_transferred(vd->f) - start,
                                NULL));
    }
    return ok;
}

static bool vd_type_uint(Visitor *v, const char *name, uint64_t *obj,
                         unsigned bits, GError **errp)
{
    return vd_type_integer(v, name, *obj, bits, false, errp);
}

static bool vd_type_int(Visitor *v, const char *name, int64_t *obj,
                        unsigned bits, GError **errp)
{
    return vd_type_integer(v, name, (uint64_t)*obj, bits, true, errp);
}

#define VD_FORWARD(fn, type_name, qv, ...) \
    do { \
        VmdescVisitor *vd = to_vd(v); \
        uint64_t start = qemu_file_transferred(vd->f); \
        if (!fn(vd->inner, __VA_ARGS__)) { \
            return false; \
        } \
        add_item(vd, name, leaf(type_name, \
                                qemu_file_transferred(vd->f) - start, qv)); \
        return true; \
    } while (0)

static bool vd_type_bool(Visitor *v, const char *name, bool *obj,
                         GError **errp)
{
    VD_FORWARD(visit_type_bool, "bool", NULL, name, obj, errp);
}

static bool vd_type_number(Visitor *v, const char *name, double *obj,
                           GError **errp)
{
    VD_FORWARD(visit_type_number, "float64", NULL, name, obj, errp);
}

static bool vd_type_str(Visitor *v, const char *name, char **obj,
                        GError **errp)
{
    VD_FORWARD(visit_type_str, "buffer", "str", name, obj, errp);
}

static bool vd_type_buffer(Visitor *v, const char *name, void *buf,
                           size_t len, GError **errp)
{
    VD_FORWARD(visit_type_buffer, "buffer", NULL, name, buf, len, errp);
}

static bool vd_complete(Visitor *v, GError **errp)
{
    VmdescVisitor *vd = to_vd(v);

    if (!visit_complete(vd->inner, errp)) {
        return false;
    }
    *vd->result = qobject_ref(vd->root_fields);
    if (vd->subs_result) {
        *vd->subs_result = vd->root_subs ? qobject_ref(vd->root_subs) : NULL;
    }
    return true;
}

static void vd_free(Visitor *v)
{
    VmdescVisitor *vd = to_vd(v);

    visit__cleanup(v);
    visit_free(vd->inner);
    for (size_t i = 0; i < vd->stack->len; i++) {
        VDFrame *f = &g_array_index(vd->stack, VDFrame, i);

        g_free(f->name);
        qobject_unref(f->items);
        qobject_unref(f->subs);
        qobject_unref(f->uniform);
    }
    g_array_free(vd->stack, true);
    qobject_unref(vd->root_fields);
    qobject_unref(vd->root_subs);
    g_free(vd);
}

Visitor *qs__vmdesc_visitor_new(QEMUFile *f, QList **fields)
{
    return qs__vmdesc_visitor_new_full(f, fields, NULL);
}

Visitor *qs__vmdesc_visitor_new_full(QEMUFile *f, QList **fields,
                                     QList **subsections)
{
    VmdescVisitor *vd = g_new0(VmdescVisitor, 1);

    vd->inner = qemu_file_output_visitor_new(f);
    vd->f = f;
    vd->result = fields;
    vd->subs_result = subsections;
    vd->stack = g_array_new(false, false, sizeof(VDFrame));
    vd->root_fields = qlist_new();
    vd->visitor.start_struct = vd_start_struct;
    vd->visitor.end_struct = vd_end_struct;
    vd->visitor.start_array = vd_start_array;
    vd->visitor.end_array = vd_end_array;
    vd->visitor.optional = vd_optional;
    vd->visitor.start_subsection = vd_start_subsection;
    vd->visitor.type_int = vd_type_int;
    vd->visitor.type_uint = vd_type_uint;
    vd->visitor.type_bool = vd_type_bool;
    vd->visitor.type_number = vd_type_number;
    vd->visitor.type_str = vd_type_str;
    vd->visitor.type_buffer = vd_type_buffer;
    vd->visitor.type_uint_array = vd_type_uint_array;
    vd->visitor.complete = vd_complete;
    vd->visitor.free = vd_free;
    visit__init(&vd->visitor, VISITOR_OUTPUT);
    return &vd->visitor;
}
