/*
 * Field tables (include/qvisit/vmstate.h): a VMStateDescription turned
 * into the visit calls a hand-written walk of the same state makes.
 *
 * The interpreter only calls the public visit API, so every visitor, and
 * the core's fast path for byte output, works on tables unchanged. It
 * reads the visitor's limits (visitor-impl.h) to bound counted arrays
 * behind pointers before it allocates them.
 */
#include "qvisit/vmstate.h"

#include <inttypes.h>
#include <string.h>

#include "qvisit/describe-visitor.h"
#include "visitor/visitor-impl.h"

static bool visit_vmsd(Visitor *v, const char *name,
                       const VMStateDescription *vmsd, void *opaque,
                       int version, GError **errp);

/* Reads the count field of a counted array or buffer. */
static int64_t read_count(const VMStateField *f, const void *opaque)
{
    const char *p = (const char *)opaque + f->num_offset;

    switch (f->num_type) {
    case VMSTATE_TYPE_U8:
        return *(const uint8_t *)p;
    case VMSTATE_TYPE_U16:
        return *(const uint16_t *)p;
    case VMSTATE_TYPE_I32:
        return *(const int32_t *)p;
    default:
        return *(const uint32_t *)p;
    }
}

/*
 * The element count of @f, checked against the room it has before
 * anything is stored or allocated: a fixed array's num, a counted
 * array's capacity (num, or for one behind a pointer the visitor's
 * max_array_len), a buffer's capacity (size, or max_string_len behind a
 * pointer).
 */
static bool field_count(Visitor *v, const VMStateField *f, void *opaque,
                        size_t *n, GError **errp)
{
    int64_t count;
    uint64_t room;

    if (f->flags & VMS_ARRAY) {
        *n = f->num;
        return true;
    }
    if (!(f->flags & (VMS_VARRAY | VMS_VBUFFER))) {
        *n = 1;
        return true;
    }
    count = read_count(f, opaque);
    if (f->flags & VMS_VARRAY) {
        room = f->num ? f->num : v->limits.max_array_len;
    } else {
        room = !(f->flags & VMS_POINTER) ? f->size
                                         : v->limits.max_string_len / 2;
    }
    if (count < 0 || (uint64_t)count > room) {
        return visit_set_error(v, errp, f->name, QVISIT_ERROR_RANGE,
                               "%" PRId64 " %s, more than the %" PRIu64
                               " it has room for", count,
                               f->flags & VMS_VARRAY ? "elements" : "bytes",
                               room);
    }
    *n = (size_t)count;
    return true;
}

/* Visits one element at @p of a scalar, struct, walk or enum field. */
static bool visit_elem(Visitor *v, const char *name, const VMStateField *f,
                       void *p, GError **errp)
{
    switch (f->type) {
    case VMSTATE_TYPE_U8:
        return visit_type_u8(v, name, p, errp);
    case VMSTATE_TYPE_U16:
        return visit_type_u16(v, name, p, errp);
    case VMSTATE_TYPE_U32:
        return visit_type_u32(v, name, p, errp);
    case VMSTATE_TYPE_U64:
        return visit_type_u64(v, name, p, errp);
    case VMSTATE_TYPE_I8:
        return visit_type_i8(v, name, p, errp);
    case VMSTATE_TYPE_I16:
        return visit_type_i16(v, name, p, errp);
    case VMSTATE_TYPE_I32:
        return visit_type_i32(v, name, p, errp);
    case VMSTATE_TYPE_I64:
        return visit_type_i64(v, name, p, errp);
    case VMSTATE_TYPE_BOOL:
        return visit_type_bool(v, name, p, errp);
    case VMSTATE_TYPE_FLOAT64:
        return visit_type_number(v, name, p, errp);
    case VMSTATE_TYPE_ENUM:
        g_return_val_if_fail(f->size == sizeof(int), false);
        return visit_type_enum(v, name, p, f->enum_names, errp);
    case VMSTATE_TYPE_STRUCT:
        /* A nested description is visited at its own version, as QEMU
         * loads it. */
        return visit_vmsd(v, name, f->vmsd, p, f->vmsd->version_id, errp);
    case VMSTATE_TYPE_WALK:
        return f->walk(v, name, p, errp);
    default:
        g_return_val_if_reached(false);
    }
}

/* Unsigned scalars go through the native array calls, which binary
 * visitors move in bulk. */
static bool visit_native_array(Visitor *v, const VMStateField *f,
                               void *p, size_t n, GError **errp)
{
    switch (f->type) {
    case VMSTATE_TYPE_U8:
        return visit_type_u8_array(v, f->name, p, n, errp);
    case VMSTATE_TYPE_U16:
        return visit_type_u16_array(v, f->name, p, n, errp);
    case VMSTATE_TYPE_U32:
        return visit_type_u32_array(v, f->name, p, n, errp);
    default:
        return visit_type_u64_array(v, f->name, p, n, errp);
    }
}

/* Bytes of a field that are written as zeros and skipped on input. */
static bool visit_unused(Visitor *v, const char *name, size_t size,
                         GError **errp)
{
    uint8_t small[64] = { 0 };
    g_autofree uint8_t *big = size > sizeof(small) ? g_malloc0(size) : NULL;

    return visit_type_buffer(v, name, big ? big : small, size, errp);
}

/*
 * The member name of field @i: its own, or "name#N" for the N-th field
 * of that name in the table (so repeated "unused" runs stay distinct, as
 * in the native dump of a vmdesc).
 */
static const char *member_name(const VMStateDescription *vmsd, size_t i,
                               char *buf, size_t buf_len)
{
    const char *name = vmsd->fields[i].name;
    unsigned seen = 1;

    if (vmsd->fields[i].type != VMSTATE_TYPE_UNUSED) {
        return name;
    }
    for (size_t j = 0; j < i; j++) {
        seen += !strcmp(vmsd->fields[j].name, name);
    }
    if (seen == 1) {
        return name;
    }
    g_snprintf(buf, buf_len, "%s#%u", name, seen);
    return buf;
}

static bool visit_field(Visitor *v, const char *name, const VMStateField *f,
                        void *opaque, GError **errp)
{
    char *base = (char *)opaque + f->offset;
    bool describe = visit_get_type(v) == VISITOR_DESCRIBE;
    bool array = f->flags & (VMS_ARRAY | VMS_VARRAY);
    g_autofree void *scratch = NULL;
    size_t n = 0;
    bool ok;

    if (f->type == VMSTATE_TYPE_UNUSED) {
        return visit_unused(v, name, f->size, errp);
    }
    if (!field_count(v, f, opaque, &n, errp)) {
        return false;
    }
    if (f->flags & VMS_POINTER) {
        void **slot = (void **)base;

        if ((f->flags & VMS_ALLOC) && visit_is_input(v)) {
            /* The count was checked above: allocate what it says. */
            g_free(*slot);
            *slot = n ? g_malloc0_n(n, f->type == VMSTATE_TYPE_BUFFER
                                          ? 1 : f->size)
                      : NULL;
        }
        base = *slot;
        if (!base && n && !describe) {
            return visit_set_error(v, errp, name, QVISIT_ERROR_INVALID,
                                   "null pointer to %zu elements", n);
        }
    }
    if (f->type == VMSTATE_TYPE_BUFFER) {
        if (!base) {
            static uint8_t none[1];

            base = (char *)none;
        }
        return visit_type_buffer(v, name, base,
                                 f->flags & VMS_VBUFFER ? n : f->size,
                                 errp);
    }
    if (!base) {
        /* Describing a state whose pointer is not set up: the layout of
         * zeroed elements. */
        base = scratch = g_malloc0_n(MAX(n, 1), f->size);
    }
    if (!array) {
        return visit_elem(v, name, f, base, errp);
    }
    if (describe && (f->flags & VMS_VARRAY)) {
        /* The schema of a counted array: length 0, as in the zeroed
         * state, with the layout of one scratch element. */
        if (!scratch) {
            base = scratch = g_malloc0(f->size);
        }
        return describe_visitor_start_sample_array(v, name, errp) &&
               visit_elem(v, NULL, f, base, errp) &&
               visit_end_array(v, errp);
    }
    if (f->type >= VMSTATE_TYPE_U8 && f->type <= VMSTATE_TYPE_U64) {
        return visit_native_array(v, f, base, n, errp);
    }
    ok = visit_start_array(v, name, n, errp);
    for (size_t i = 0; ok && i < n; i++) {
        ok = visit_elem(v, NULL, f, base + i * f->size, errp);
    }
    return ok && visit_end_array(v, errp);
}

static bool visit_subsection(Visitor *v, const VMStateDescription *sub,
                             void *opaque, GError **errp)
{
    bool present = visit_get_type(v) == VISITOR_OUTPUT &&
                   (!sub->needed || sub->needed(opaque));

    if (!visit_optional(v, sub->name, &present)) {
        return true;
    }
    return visit_vmsd(v, sub->name, sub, opaque, sub->version_id, errp);
}

static bool visit_vmsd(Visitor *v, const char *name,
                       const VMStateDescription *vmsd, void *opaque,
                       int version, GError **errp)
{
    uint32_t saved = visit_get_version(v);
    char buf[80];
    bool ok;

    if (version > vmsd->version_id || version < vmsd->minimum_version_id) {
        return visit_set_error(v, errp, name, QVISIT_ERROR_VERSION,
                               "version %d outside %d..%d", version,
                               vmsd->minimum_version_id, vmsd->version_id);
    }
    if (!visit_start_struct(v, name, errp)) {
        return false;
    }
    /* Walks called from the table see the version being visited. */
    visit_set_version(v, (uint32_t)version);
    ok = true;
    for (size_t i = 0; ok && vmsd->fields[i].name; i++) {
        const VMStateField *f = &vmsd->fields[i];

        if (f->version_id > version ||
            (f->field_exists && !f->field_exists(opaque, version))) {
            continue;
        }
        ok = visit_field(v, member_name(vmsd, i, buf, sizeof(buf)), f,
                         opaque, errp);
    }
    for (size_t i = 0; ok && vmsd->subsections && vmsd->subsections[i];
         i++) {
        ok = visit_subsection(v, vmsd->subsections[i], opaque, errp);
    }
    visit_set_version(v, saved);
    return ok && visit_end_struct(v, errp);
}

bool vmstate_visit(Visitor *v, const char *name,
                   const VMStateDescription *vmsd, void *opaque,
                   GError **errp)
{
    uint32_t version;

    g_return_val_if_fail(v != NULL && vmsd != NULL && opaque != NULL,
                         false);
    g_return_val_if_fail(vmsd->fields != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    /* The visitor's version is the device's layout, the root of the walk;
     * a table a walk visits inside it has its own, as a nested
     * description has in QEMU. */
    version = v->nframes ? 0 : visit_get_version(v);
    if (version > INT32_MAX) {
        return visit_set_error(v, errp, name, QVISIT_ERROR_VERSION,
                               "version %" PRIu32 " outside %d..%d", version,
                               vmsd->minimum_version_id, vmsd->version_id);
    }
    return visit_vmsd(v, name, vmsd, opaque,
                      version ? (int)version : vmsd->version_id, errp);
}

void vmstate_clear(const VMStateDescription *vmsd, void *opaque)
{
    g_return_if_fail(vmsd != NULL && opaque != NULL);

    for (size_t i = 0; vmsd->fields[i].name; i++) {
        const VMStateField *f = &vmsd->fields[i];
        char *base = (char *)opaque + f->offset;
        size_t n = 1;

        if (f->type == VMSTATE_TYPE_STRUCT) {
            char *elems = (f->flags & VMS_POINTER) ? *(char **)base : base;

            if (f->flags & VMS_ARRAY) {
                n = f->num;
            } else if (f->flags & VMS_VARRAY) {
                int64_t count = read_count(f, opaque);
                uint64_t room = f->num ? f->num : UINT64_MAX;

                n = count < 0 ? 0 : (size_t)MIN((uint64_t)count, room);
            }
            for (size_t j = 0; elems && j < n; j++) {
                vmstate_clear(f->vmsd, elems + j * f->size);
            }
        }
        if ((f->flags & VMS_POINTER) && (f->flags & VMS_ALLOC)) {
            g_clear_pointer((void **)base, g_free);
        }
    }
    for (size_t i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        vmstate_clear(vmsd->subsections[i], opaque);
    }
}
