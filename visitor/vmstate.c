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
#include "util/bswap.h"
#include "visitor/visitor-impl.h"

static bool visit_vmsd(Visitor *v, const char *name,
                       const VMStateDescription *vmsd, void *opaque,
                       int version, GError **errp);
typedef struct EntryCounts EntryCounts;
static bool visit_members(Visitor *v, const VMStateDescription *vmsd,
                          void *opaque, int version,
                          const EntryCounts *entry, GError **errp);
static bool visit_subsection(Visitor *v, const VMStateDescription *sub,
                             void *opaque, const EntryCounts *entry,
                             GError **errp);

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

/* Stores @count into the count field of @f. */
static void write_count(const VMStateField *f, void *opaque, int64_t count)
{
    char *p = (char *)opaque + f->num_offset;

    switch (f->num_type) {
    case VMSTATE_TYPE_U8:
        *(uint8_t *)p = (uint8_t)count;
        break;
    case VMSTATE_TYPE_U16:
        *(uint16_t *)p = (uint16_t)count;
        break;
    case VMSTATE_TYPE_I32:
        *(int32_t *)p = (int32_t)count;
        break;
    default:
        *(uint32_t *)p = (uint32_t)count;
        break;
    }
}

/*
 * What an input walk must know of a state before it stores anything: the
 * counts of its pointer arrays and buffers (VMS_POINTER with VMS_VARRAY or
 * VMS_VBUFFER) as they were when the walk of the state began. The walk
 * reads a new count into the count field before it reaches the array, so
 * only these say how many elements the pointer was set up for (a pointer
 * the load does not allocate has room for that many and no more) or how
 * many elements of an old allocation to clear before it is replaced.
 * Taken over the fields and, since they share the state, the subsections.
 */
typedef struct EntryCount {
    const VMStateField *field;
    int64_t count;
} EntryCount;

struct EntryCounts {
    size_t n;
    size_t cap;
    EntryCount *e;              /* inline, or g_new when more are needed */
    EntryCount inline_e[8];
};

static bool is_pointer_counted(const VMStateField *f)
{
    return (f->flags & VMS_POINTER) &&
           (f->flags & (VMS_VARRAY | VMS_VBUFFER));
}

static void entry_counts_add(EntryCounts *ec, const VMStateDescription *vmsd,
                             const void *opaque)
{
    for (const VMStateField *f = vmsd->fields; f->name; f++) {
        if (!is_pointer_counted(f)) {
            continue;
        }
        if (ec->n == ec->cap) {
            ec->cap *= 2;
            if (ec->e == ec->inline_e) {
                ec->e = g_memdup2(ec->inline_e, sizeof(ec->inline_e));
            }
            ec->e = g_renew(EntryCount, ec->e, ec->cap);
        }
        ec->e[ec->n].field = f;
        ec->e[ec->n].count = read_count(f, opaque);
        ec->n++;
    }
    for (size_t i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        entry_counts_add(ec, vmsd->subsections[i], opaque);
    }
}

static bool scan_pointer_counted(const VMStateDescription *vmsd)
{
    for (const VMStateField *f = vmsd->fields; f->name; f++) {
        if (is_pointer_counted(f)) {
            return true;
        }
    }
    for (size_t i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        if (scan_pointer_counted(vmsd->subsections[i])) {
            return true;
        }
    }
    return false;
}

/*
 * Whether @vmsd or its subsections have such fields: most tables have
 * none, and a load visits the same few tables many times, so the answer
 * is kept in a small cache of the description's address with the answer
 * in its low bit (descriptions are aligned). Slots are whole words read
 * and written atomically; a miss or a collision only scans again. A
 * stale answer (a plugin unloaded and another table at its address)
 * costs a scan, or leaves that table's pointer arrays bounded by the
 * limits alone, without the entry counts.
 */
static bool has_pointer_counted(const VMStateDescription *vmsd)
{
    static uintptr_t cache[64];
    uintptr_t key = (uintptr_t)vmsd;
    uintptr_t *slot = &cache[(key >> 4) % G_N_ELEMENTS(cache)];
    uintptr_t seen = __atomic_load_n(slot, __ATOMIC_RELAXED);
    bool has;

    G_STATIC_ASSERT(G_ALIGNOF(VMStateDescription) >= 2);
    if ((seen & ~(uintptr_t)1) == key) {
        return seen & 1;
    }
    has = scan_pointer_counted(vmsd);
    __atomic_store_n(slot, key | has, __ATOMIC_RELAXED);
    return has;
}

/* Takes @vmsd's entry counts of @opaque, for an input walk of a table
 * that has_pointer_counted(). */
static void entry_counts_init(EntryCounts *ec,
                              const VMStateDescription *vmsd,
                              const void *opaque)
{
    ec->n = 0;
    ec->cap = G_N_ELEMENTS(ec->inline_e);
    ec->e = ec->inline_e;
    entry_counts_add(ec, vmsd, opaque);
}


static void entry_counts_free(EntryCounts *ec)
{
    if (ec->e != ec->inline_e) {
        g_free(ec->e);
    }
}

/* The count @f had when the walk began; -1 when it is not known. */
static int64_t entry_count(const EntryCounts *ec, const VMStateField *f)
{
    for (size_t i = 0; ec && i < ec->n; i++) {
        if (ec->e[i].field == f) {
            return ec->e[i].count;
        }
    }
    return -1;
}

/*
 * A pointer field's count, when the input's count is refused before its
 * pointer changed, goes back to the one the walk began with: the count
 * and the memory behind the pointer then agree again, so vmstate_clear()
 * and later walks of the failed state stay inside that memory.
 */
static bool refuse_count(const VMStateField *f, void *opaque,
                         const EntryCounts *entry)
{
    int64_t had = (f->flags & VMS_POINTER) ? entry_count(entry, f) : -1;

    if (had < 0) {
        return false;
    }
    write_count(f, opaque, had);
    return true;
}

/*
 * The element count of @f, checked against the room it has before
 * anything is stored or allocated: a fixed array's num, a counted
 * array's capacity (num, or for one behind a pointer the visitor's
 * max_array_len), a buffer's capacity (size, or half max_string_len
 * behind a pointer, its length in hex). On input, a pointer that the load
 * does not allocate (no VMS_ALLOC) also has no more room than its count
 * had when the walk began (@entry).
 */
static bool field_count(Visitor *v, const VMStateField *f, void *opaque,
                        const EntryCounts *entry, size_t *n, GError **errp)
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
    if ((f->flags & VMS_POINTER) && !(f->flags & VMS_ALLOC) &&
        v->type == VISITOR_INPUT &&
        *(void **)((char *)opaque + f->offset)) {
        /* A pointer the load does not allocate has room for the count
         * the state had when the walk began, what it was set up for. */
        int64_t had = entry_count(entry, f);

        if (had >= 0 && (uint64_t)had < room) {
            room = (uint64_t)had;
        }
    }
    if (count < 0 || (uint64_t)count > room) {
        refuse_count(f, opaque, entry);
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

/*
 * For a visitor that lends a byte window (visitor-impl.h, direct_window):
 * stores the run of plain integer and bool fields from @f on straight
 * into it, as the core's visit calls would store each (big-endian bytes,
 * bools 0 or 1), keeping the window's position in a register for the
 * whole run; so a table saves as fast as a hand-written walk. Returns
 * the first field it did not store: one that is not plain, has a test,
 * or does not fit the window (the ordinary calls then flush or report).
 */
static const VMStateField *put_run(Visitor *v, const VMStateField *f,
                                   const char *opaque, int version)
{
    ByteWindow *w = v->direct_window;
    size_t pos = w->pos;
    size_t limit = w->limit;
    uint8_t *buf = w->buf;

    if (v->top_kind != VISITOR_FRAME_STRUCT) {
        return f;
    }
    for (; f->name; f++) {
        const void *p = opaque + f->offset;

        if (f->flags > VMS_SINGLE || f->field_exists ||
            f->type < VMSTATE_TYPE_U8 || f->type > VMSTATE_TYPE_BOOL ||
            pos + 8 > limit) {
            break;
        }
        if (f->version_id > version) {
            continue;
        }
        if (f->type == VMSTATE_TYPE_BOOL) {
            buf[pos++] = *(const bool *)p ? 1 : 0;
        } else if (f->size == 1) {
            buf[pos++] = *(const uint8_t *)p;
        } else if (f->size == 2) {
            stw_be_p(buf + pos, *(const uint16_t *)p);
            pos += 2;
        } else if (f->size == 4) {
            stl_be_p(buf + pos, *(const uint32_t *)p);
            pos += 4;
        } else {
            stq_be_p(buf + pos, *(const uint64_t *)p);
            pos += 8;
        }
    }
    w->pos = pos;
    return f;
}

/*
 * The input side of put_run(), for a visitor that lends its input as a
 * read window (visitor-impl.h, direct_input): takes the run of
 * plain integer and bool fields from @f on straight from the window, as
 * the visitor would read each, and returns the first field it did not
 * take. Too few bytes, a bool byte other than 0 or 1, or a pending error
 * stop the run, and the ordinary calls refill or report.
 */
static const VMStateField *get_run(Visitor *v, const VMStateField *f,
                                   char *opaque, int version)
{
    ByteWindow *w = v->direct_input;
    size_t pos = w->pos;
    size_t last = 0;            /* the size of the last field taken */
    size_t limit = w->limit;
    const uint8_t *buf = w->buf;

    if (v->top_kind != VISITOR_FRAME_STRUCT || v->pending) {
        return f;
    }
    for (; f->name; f++) {
        void *p = opaque + f->offset;

        if (f->flags > VMS_SINGLE || f->field_exists ||
            f->type < VMSTATE_TYPE_U8 || f->type > VMSTATE_TYPE_BOOL ||
            pos + 8 > limit) {
            break;
        }
        if (f->version_id > version) {
            continue;
        }
        if (f->type == VMSTATE_TYPE_BOOL) {
            if (buf[pos] > 1) {
                break;
            }
            *(bool *)p = buf[pos++];
        } else if (f->size == 1) {
            *(uint8_t *)p = buf[pos++];
        } else if (f->size == 2) {
            *(uint16_t *)p = lduw_be_p(buf + pos);
            pos += 2;
        } else if (f->size == 4) {
            *(uint32_t *)p = ldl_be_p(buf + pos);
            pos += 4;
        } else {
            *(uint64_t *)p = ldq_be_p(buf + pos);
            pos += 8;
        }
        last = f->type == VMSTATE_TYPE_BOOL ? 1 : f->size;
    }
    if (pos != w->pos) {
        /* Error offsets name the last value taken (visitor-impl.h). */
        v->direct_value_end = w->base + pos;
        v->direct_value_len = last;
    }
    w->pos = pos;
    return f;
}

/*
 * A plain scalar field (%VMSTATE_TYPE_U8 to %VMSTATE_TYPE_FLOAT64), the
 * common case: the visit call, inlined into the table loop.
 */
static inline bool visit_scalar(Visitor *v, const char *name,
                                VMStateType type, void *p, GError **errp)
{
    /* Integers by their width and sign: a few compares in place of a
     * jump table whose target changes from field to field. */
    if (G_LIKELY(type <= VMSTATE_TYPE_I64)) {
        static const uint8_t size[] = { 0, 1, 2, 4, 8, 1, 2, 4, 8 };

        return visit__type_int_at(v, name, p, size[type],
                                  type >= VMSTATE_TYPE_I8, errp);
    }
    return type == VMSTATE_TYPE_BOOL ? visit_type_bool(v, name, p, errp)
                                     : visit_type_number(v, name, p, errp);
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
    uint8_t *big;
    bool ok;

    if (size <= sizeof(small)) {
        return visit_type_buffer(v, name, small, size, errp);
    }
    big = g_malloc0(size);
    ok = visit_type_buffer(v, name, big, size, errp);
    g_free(big);
    return ok;
}

/*
 * The member name of unused field @i: QEMU 7.2's vmdesc name for it
 * (vmsd_desc_field_start() in migration/vmstate.c), "name" when the table
 * has one field of that name, else "name[N]" for the N-th (from 0), so
 * repeated "unused" runs stay distinct as in the vmdesc-based decode.
 */
static const char *member_name(const VMStateDescription *vmsd, size_t i,
                               char *buf, size_t buf_len)
{
    const char *name = vmsd->fields[i].name;
    unsigned before = 0, total = 0;

    for (size_t j = 0; vmsd->fields[j].name; j++) {
        if (!strcmp(vmsd->fields[j].name, name)) {
            before += j < i;
            total++;
        }
    }
    if (total == 1) {
        return name;
    }
    g_snprintf(buf, buf_len, "%s[%u]", name, before);
    return buf;
}

/*
 * The parts of a describe walk that need scratch elements: a pointer
 * that is not set up (@base NULL), and a counted array, described with
 * length 0 as in the zeroed state and the layout of one element.
 */
static bool describe_field(Visitor *v, const char *name,
                           const VMStateField *f, char *base, size_t n,
                           GError **errp)
{
    void *scratch = base ? NULL : g_malloc0_n(MAX(n, 1), f->size);
    char *elems = base ? base : scratch;
    bool ok;

    if (!(f->flags & (VMS_ARRAY | VMS_VARRAY))) {
        ok = visit_elem(v, name, f, elems, errp);
    } else if (f->flags & VMS_VARRAY) {
        ok = describe_visitor_start_sample_array(v, name, errp) &&
             visit_elem(v, NULL, f, elems, errp) &&
             visit_end_array(v, errp);
    } else {
        ok = visit_start_array(v, name, n, errp);
        for (size_t i = 0; ok && i < n; i++) {
            ok = visit_elem(v, NULL, f, elems + i * f->size, errp);
        }
        ok = ok && visit_end_array(v, errp);
    }
    g_free(scratch);
    return ok;
}

/*
 * Before a load replaces a VMS_ALLOC pointer: frees what the old elements
 * point to (their count is the one the walk began with, @old; -1: not
 * known) and the old allocation.
 */
static void release_old(const VMStateField *f, void **slot, int64_t old)
{
    if (*slot && f->type == VMSTATE_TYPE_STRUCT) {
        for (int64_t j = 0; j < old; j++) {
            vmstate_clear(f->vmsd, (char *)*slot + j * f->size);
        }
    }
    g_clear_pointer(slot, g_free);
}

/*
 * Counted arrays a load allocates grow as their elements are read, from
 * this many bytes on: a count is only what the input claims, so a short
 * input with a huge count fails after a small allocation instead of
 * first allocating what the count says (up to max_alloc).
 */
#define ALLOC_CHUNK ((size_t)1024 * 1024)

static bool visit_growing_array(Visitor *v, const char *name,
                                const VMStateField *f, void **slot, size_t n,
                                GError **errp)
{
    static const uint8_t bits[] = { 0, 8, 16, 32, 64 };
    bool native = f->type >= VMSTATE_TYPE_U8 && f->type <= VMSTATE_TYPE_U64;
    size_t cap = MIN(n, MAX(ALLOC_CHUNK / f->size, 1));
    char *elems;
    size_t i = 0;
    bool ok = visit_start_array(v, name, n, errp);

    /* A visitor with a bulk callback holds its whole input and has just
     * checked @n against it: the elements are there. */
    if (ok && native && v->type_uint_array) {
        cap = n;
    }
    /* Scalars are all read before the array is kept; what else a
     * failure leaves is cleared, so it starts zeroed. */
    elems = native ? g_malloc_n(cap, f->size) : g_malloc0_n(cap, f->size);
    while (ok && i < n) {
        if (i == cap) {
            size_t grown = cap > n / 2 ? n : cap * 2;

            elems = g_realloc_n(elems, grown, f->size);
            if (!native) {
                memset(elems + cap * f->size, 0, (grown - cap) * f->size);
            }
            cap = grown;
        }
        if (native) {
            /* Up to the allocation, in one call of the core's loop. */
            ok = visit__uint_elements(v, elems + i * f->size,
                                      bits[f->type], cap - i, errp);
            i = cap;
        } else {
            ok = visit_elem(v, NULL, f, elems + i * f->size, errp);
            i++;
        }
    }
    if (!ok || !visit_end_array(v, errp)) {
        /* Elements 0 .. i - 1 were (partly) read. */
        for (size_t j = 0; f->type == VMSTATE_TYPE_STRUCT && j < i; j++) {
            vmstate_clear(f->vmsd, elems + j * f->size);
        }
        g_free(elems);
        return false;
    }
    *slot = elems;
    return true;
}

static bool visit_field(Visitor *v, const char *name, const VMStateField *f,
                        void *opaque, const EntryCounts *entry, GError **errp)
{
    char *base = (char *)opaque + f->offset;
    bool describe = v->type == VISITOR_DESCRIBE;
    size_t n = 0;
    bool ok;

    if (f->type == VMSTATE_TYPE_UNUSED) {
        return visit_unused(v, name, f->size, errp);
    }
    if (!field_count(v, f, opaque, entry, &n, errp)) {
        return false;
    }
    if (f->flags & VMS_POINTER) {
        void **slot = (void **)base;

        if ((f->flags & VMS_ALLOC) && v->type == VISITOR_INPUT) {
            size_t each = f->type == VMSTATE_TYPE_BUFFER ? 1 : f->size;

            /* The count was checked above; its bytes are bounded too, so
             * a count within max_array_len of large elements cannot make
             * g_malloc0() abort. */
            if (n > v->limits.max_alloc / MAX(each, 1)) {
                refuse_count(f, opaque, entry);
                return visit_set_error(v, errp, name, QVISIT_ERROR_LIMIT,
                                       "%zu elements of %zu bytes exceed "
                                       "max_alloc (%zu bytes)", n, each,
                                       v->limits.max_alloc);
            }
            release_old(f, slot, entry_count(entry, f));
            if (n * each > ALLOC_CHUNK && f->type != VMSTATE_TYPE_BUFFER) {
                return visit_growing_array(v, name, f, slot, n, errp);
            }
            *slot = n ? g_malloc0_n(n, each) : NULL;
        }
        base = *slot;
        if (!base && n && !describe) {
            return visit_set_error(v, errp, name, QVISIT_ERROR_INVALID,
                                   "null pointer to %zu elements", n);
        }
    }
    if (f->type == VMSTATE_TYPE_BUFFER) {
        static uint8_t none[1];

        return visit_type_buffer(v, name, base ? base : (char *)none,
                                 f->flags & VMS_VBUFFER ? n : f->size,
                                 errp);
    }
    if (describe && (!base || (f->flags & VMS_VARRAY))) {
        return describe_field(v, name, f, base, n, errp);
    }
    if (!base) {
        /* Only a pointer to no elements is NULL here. */
        return visit_start_array(v, name, 0, errp) &&
               visit_end_array(v, errp);
    }
    if (!(f->flags & (VMS_ARRAY | VMS_VARRAY))) {
        return visit_elem(v, name, f, base, errp);
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

/*
 * After the subsections of @vmsd on QEMU's bytes: a subsection header
 * whose name starts with @vmsd's, as QEMU's vmstate_subsection_load()
 * tells its own from a parent's, is one this walk did not read, unknown
 * or out of the table's order (QEMU looks them up by name, in any order;
 * here they are read in the order QEMU writes them). QEMU refuses an
 * unknown one (-ENOENT); so does this, rather than leave it unread.
 */
static bool no_subsection_left(Visitor *v, const VMStateDescription *vmsd,
                               GError **errp)
{
    char name[256];
    uint64_t at;
    g_autofree char *shown = NULL;

    if (!v->peek_subsection(v, name, &at) ||
        strncmp(name, vmsd->name, strlen(vmsd->name)) != 0) {
        return true;
    }
    shown = qvisit_error_escape(name, -1);
    for (size_t i = 0; vmsd->subsections[i]; i++) {
        if (!strcmp(vmsd->subsections[i]->name, name)) {
            return visit_set_error(v, errp, NULL, QVISIT_ERROR_UNEXPECTED,
                                   "subsection '%s' out of the table's "
                                   "order, or twice, at byte %" PRIu64,
                                   shown, at);
        }
    }
    return visit_set_error(v, errp, NULL, QVISIT_ERROR_UNEXPECTED,
                           "unknown subsection '%s' at byte %" PRIu64,
                           shown, at);
}

/*
 * The fields and subsections of @vmsd, at @version, as members of the
 * struct (or subsection) open on @v.
 */
static bool visit_members(Visitor *v, const VMStateDescription *vmsd,
                          void *opaque, int version,
                          const EntryCounts *entry, GError **errp)
{
    uint32_t saved = v->version;
    char buf[80];
    bool ok = true;

    /* Walks called from the table see the version being visited. */
    v->version = (uint32_t)version;
    for (const VMStateField *f = vmsd->fields; ok && f->name; f++) {
        if ((v->direct_window || v->direct_input) &&
            f->flags <= VMS_SINGLE && f->type >= VMSTATE_TYPE_U8 &&
            f->type <= VMSTATE_TYPE_BOOL) {
            f = v->direct_window ? put_run(v, f, opaque, version)
                                 : get_run(v, f, opaque, version);
            if (!f->name) {
                break;
            }
        }
        /* As QEMU: a field with a test is visited when the test says
         * so, whatever its version_id; one without when its version_id
         * is at most the version visited. */
        if ((f->version_id > version && !f->field_exists) ||
            (f->field_exists && !f->field_exists(opaque, version))) {
            continue;
        }
        if (G_LIKELY(f->flags <= VMS_SINGLE &&
                     f->type >= VMSTATE_TYPE_U8 &&
                     f->type <= VMSTATE_TYPE_FLOAT64)) {
            void *p = (char *)opaque + f->offset;

            ok = visit_scalar(v, f->name, f->type, p, errp);
            continue;
        }
        /* The other common lines, without the general field code. */
        if (f->flags <= VMS_SINGLE && f->type == VMSTATE_TYPE_STRUCT) {
            ok = visit_vmsd(v, f->name, f->vmsd, (char *)opaque + f->offset,
                            f->vmsd->version_id, errp);
            continue;
        }
        if (f->flags <= VMS_SINGLE && f->type == VMSTATE_TYPE_BUFFER) {
            ok = visit_type_buffer(v, f->name, (char *)opaque + f->offset,
                                   f->size, errp);
            continue;
        }
        if (f->flags <= VMS_SINGLE && f->type == VMSTATE_TYPE_WALK) {
            ok = f->walk(v, f->name, (char *)opaque + f->offset, errp);
            continue;
        }
        if (f->flags == VMS_ARRAY && f->type >= VMSTATE_TYPE_U8 &&
            f->type <= VMSTATE_TYPE_U64 && v->type != VISITOR_DESCRIBE) {
            ok = visit_native_array(v, f, (char *)opaque + f->offset,
                                    f->num, errp);
            continue;
        }
        ok = visit_field(v, f->type != VMSTATE_TYPE_UNUSED ? f->name
                         : member_name(vmsd, (size_t)(f - vmsd->fields),
                                       buf, sizeof(buf)),
                         f, opaque, entry, errp);
    }
    for (size_t i = 0; ok && vmsd->subsections && vmsd->subsections[i];
         i++) {
        ok = visit_subsection(v, vmsd->subsections[i], opaque, entry, errp);
    }
    if (ok && vmsd->subsections && v->peek_subsection) {
        ok = no_subsection_left(v, vmsd, errp);
    }
    v->version = saved;
    return ok;
}

/*
 * A subsection goes through visit_start_subsection(): QEMUFile visitors
 * write and read QEMU's record (0x05, the name, be32 version, the
 * fields), the others see an optional struct member of that name.
 */
static bool visit_subsection(Visitor *v, const VMStateDescription *sub,
                             void *opaque, const EntryCounts *entry,
                             GError **errp)
{
    bool *flag = sub->present ? (bool *)((char *)opaque + sub->present - 1)
                              : NULL;
    uint32_t version = (uint32_t)sub->version_id;
    bool present = false;

    /* Only an output visitor asks: a describe walk's state is scratch. */
    if (v->type == VISITOR_OUTPUT) {
        present = flag ? *flag : !sub->needed || sub->needed(opaque);
    }
    if (!visit_start_subsection(v, sub->name, &version, &present, errp)) {
        return false;
    }
    if (flag && v->type == VISITOR_INPUT) {
        *flag = present;
    }
    if (!present) {
        return true;
    }
    /* visit_start_subsection() rejected a version above version_id. */
    if (version < (uint32_t)sub->minimum_version_id) {
        return visit_set_error(v, errp, NULL, QVISIT_ERROR_VERSION,
                               "version %" PRIu32 " outside %d..%d",
                               version, sub->minimum_version_id,
                               sub->version_id);
    }
    return visit_members(v, sub, opaque, (int)version, entry, errp) &&
           visit_end_subsection(v, errp);
}

/* visit_vmsd() of a table with pointer arrays, on input. */
static G_GNUC_NO_INLINE bool visit_vmsd_counted(Visitor *v, const char *name,
                                              const VMStateDescription *vmsd,
                                              void *opaque, int version,
                                              GError **errp)
{
    EntryCounts entry;
    bool ok;

    entry_counts_init(&entry, vmsd, opaque);
    ok = visit_start_struct(v, name, errp) &&
         visit_members(v, vmsd, opaque, version, &entry, errp) &&
         visit_end_struct(v, errp);
    entry_counts_free(&entry);
    return ok;
}

static bool visit_vmsd(Visitor *v, const char *name,
                       const VMStateDescription *vmsd, void *opaque,
                       int version, GError **errp)
{
    if (G_UNLIKELY(version > vmsd->version_id ||
                   version < vmsd->minimum_version_id)) {
        return visit_set_error(v, errp, name, QVISIT_ERROR_VERSION,
                               "version %d outside %d..%d", version,
                               vmsd->minimum_version_id, vmsd->version_id);
    }
    if (v->type == VISITOR_INPUT && has_pointer_counted(vmsd)) {
        return visit_vmsd_counted(v, name, vmsd, opaque, version, errp);
    }
    return visit_start_struct(v, name, errp) &&
           visit_members(v, vmsd, opaque, version, NULL, errp) &&
           visit_end_struct(v, errp);
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

bool vmstate_visit_members(Visitor *v, const VMStateDescription *vmsd,
                           void *opaque, uint32_t version, GError **errp)
{
    EntryCounts entry;
    bool ok;

    g_return_val_if_fail(v != NULL && vmsd != NULL && opaque != NULL,
                         false);
    g_return_val_if_fail(vmsd->fields != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);
    g_return_val_if_fail(v->top != NULL && !v->top->is_array, false);

    if (!version) {
        version = (uint32_t)vmsd->version_id;
    }
    if (version > (uint32_t)vmsd->version_id ||
        version < (uint32_t)vmsd->minimum_version_id) {
        return visit_set_error(v, errp, NULL, QVISIT_ERROR_VERSION,
                               "version %" PRIu32 " outside %d..%d", version,
                               vmsd->minimum_version_id, vmsd->version_id);
    }
    if (v->type != VISITOR_INPUT || !has_pointer_counted(vmsd)) {
        return visit_members(v, vmsd, opaque, (int)version, NULL, errp);
    }
    entry_counts_init(&entry, vmsd, opaque);
    ok = visit_members(v, vmsd, opaque, (int)version, &entry, errp);
    entry_counts_free(&entry);
    return ok;
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
