/*
 * Visitors: describe a device's state once, serialize it many ways.
 *
 * Device code walks its state as a sequence of visit calls:
 *
 *     bool pit_channel_visit(Visitor *v, const char *name, PITChannel *c,
 *                            GError **errp)
 *     {
 *         return visit_start_struct(v, name, errp) &&
 *                visit_type_u16(v, "count", &c->count, errp) &&
 *                visit_type_u8(v, "mode", &c->mode, errp) &&
 *                visit_end_struct(v, errp);
 *     }
 *
 * The same walk runs through any visitor. An *output* visitor reads the
 * values at the pointers and produces something (a QObject tree, JSON, a
 * binary stream); an *input* visitor stores values from its input into the
 * pointers. A *describe* visitor records the layout and touches no value.
 *
 * == Life cycle ==
 * Create a visitor (e.g. qobject_output_visitor_new()), do exactly one walk
 * of one value, call visit_complete() to check the walk and hand over the
 * output, then visit_free(). An output visitor hands its result over only
 * in visit_complete(), so a failed walk produces no partial output.
 *
 * == Names ==
 * Inside a struct every member has a non-NULL name, unique within the
 * struct. Elements of an array are visited with name NULL. At the root the
 * name is not stored by tree visitors but is used as the first component
 * of error paths, so passing the device id ("e1000") gives messages such as
 * `e1000.mac_reg[3]: expected u32, got string`.
 *
 * == Errors ==
 * Every call returns true on success and false with *@errp set on failure;
 * @errp may be NULL. A failed call sets exactly one error in the
 * QVISIT_ERROR domain whose message starts with the full path of the
 * member. An input visitor leaves a scalar *@obj unchanged when it fails.
 * After a failure, stop the walk at once and return false (the `&&` chain
 * above does this); the owner then calls visit_free(), which discards any
 * open structs and arrays. Do not call visit_complete() after a failure.
 *
 * Input visitors check what they read: a type mismatch is
 * QVISIT_ERROR_TYPE (2.5 or a string into an integer field); a number that
 * does not fit the field is QVISIT_ERROR_RANGE (300 into a u8, any
 * negative number into an unsigned field; no silent wrap-around); an absent
 * member is QVISIT_ERROR_MISSING; a member the walk never asked for is
 * QVISIT_ERROR_UNEXPECTED, reported by visit_end_struct(); a list whose
 * length differs from visit_start_array()'s is QVISIT_ERROR_LENGTH; input
 * that ends early is QVISIT_ERROR_TRUNCATED.
 *
 * == Arrays ==
 * visit_start_array() takes the length the caller already knows (from the
 * device model or from a count visited before); exactly that many elements
 * follow. Native arrays (visit_type_u32_array() ...) are the same thing in
 * one call and have the same representation in every format.
 *
 * == Optional members ==
 *     if (visit_optional(v, "rx_ring", &s->has_rx_ring)) {
 *         ok = visit_type_u32(v, "rx_ring", &s->rx_ring, errp);
 *     }
 * An output visitor records *@present and returns it; an input visitor sets
 * *@present from the input; a describe visitor sets it to true so the
 * member is described. An absent member is absent from JSON and QObject
 * output. An input visitor that cannot decide presence (a bad presence
 * byte) returns false and fails the next visit call with the stored error.
 *
 * == Limits ==
 * Input visitors apply QVisitLimits (nesting depth, string length, array
 * length, total bytes allocated); see visit_set_limits().
 *
 * == Versions ==
 * A walk may cover several versions of a device's layout, as QEMU's
 * VMSTATE_*_V() fields do. The owner of the visitor says which version is
 * visited (visit_set_version(): the version being written, the stream
 * section's version being read, the version being described) and the walk
 * skips the fields a historic layout lacks with one call:
 *     return visit_start_struct(v, "vser", errp) &&
 *            visit_type_u32(v, "ports", &s->ports, errp) &&
 *            (!visit_since(v, 3) ||
 *             visit_type_u32(v, "elem_popped", &s->elem_popped, errp)) &&
 *            visit_end_struct(v, errp);
 * Version 0, the default, means the newest layout: every gate is open, so
 * a walk that nobody gives a version visits all its fields. Gates say
 * which fields a layout has; a field whose meaning changed still needs a
 * compat transform (docs/visitor-contract.md, "Versions").
 */
#ifndef QVISIT_VISITOR_H
#define QVISIT_VISITOR_H

#include <glib.h>

#include "qvisit/common.h"
#include "qvisit/limits.h"
#include "qvisit/qobject.h"

/**
 * Visitor:
 *
 * A visitor; opaque. Implementations are described in visitor/visitor-impl.h.
 *
 * Since: 0.1
 */
typedef struct Visitor Visitor;

/**
 * VisitorType:
 * @VISITOR_INPUT: stores values from its input into the walk's pointers
 * @VISITOR_OUTPUT: reads values from the walk's pointers
 * @VISITOR_DESCRIBE: records the layout; reads and writes no value
 *
 * Since: 0.1
 */
typedef enum {
    VISITOR_INPUT = 1,
    VISITOR_OUTPUT = 2,
    VISITOR_DESCRIBE = 4,
} VisitorType;

/**
 * visit_start_struct:
 * @v: a visitor
 * @name: (nullable) (transfer none): the member name; NULL for an array
 *   element or the root (see "Names"). Not copied: it must stay valid
 *   until the matching visit_end_struct(), as string literals do.
 * @errp: return location for an error
 *
 * Opens a struct; every call must be matched by visit_end_struct().
 *
 * Errors: input visitors report %QVISIT_ERROR_MISSING when the member is
 * absent, %QVISIT_ERROR_TYPE when it is not an object,
 * %QVISIT_ERROR_LIMIT beyond the nesting limit.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool visit_start_struct(Visitor *v, const char *name,
                                   GError **errp);

/**
 * visit_end_struct:
 * @v: a visitor
 * @errp: return location for an error
 *
 * Closes the innermost struct.
 *
 * Errors: input visitors report %QVISIT_ERROR_UNEXPECTED naming the first
 * member the input has and the walk never visited.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool visit_end_struct(Visitor *v, GError **errp);

/**
 * visit_start_array:
 * @v: a visitor
 * @name: (nullable) (transfer none): the member name (NULL inside an
 *   array or at the root); must stay valid until the matching
 *   visit_end_array()
 * @len: the number of elements that follow
 * @errp: return location for an error
 *
 * Opens a fixed-length array of @len elements, each visited with name NULL;
 * match with visit_end_array().
 *
 * Errors: input visitors report %QVISIT_ERROR_LENGTH when the input has
 * another number of elements, %QVISIT_ERROR_MISSING / %QVISIT_ERROR_TYPE as
 * for structs, %QVISIT_ERROR_LIMIT beyond the depth or array-length limit.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool visit_start_array(Visitor *v, const char *name, size_t len,
                                  GError **errp);

/**
 * visit_end_array:
 * @v: a visitor
 * @errp: return location for an error
 *
 * Closes the innermost array.
 *
 * Errors: %QVISIT_ERROR_LENGTH when the walk visited another number of
 * elements than visit_start_array() announced.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool visit_end_array(Visitor *v, GError **errp);

/**
 * visit_optional:
 * @v: a visitor
 * @name: the member name, not NULL
 * @present: (inout): whether the member is present
 *
 * See "Optional members" above.
 *
 * Returns: the resulting *@present: true when the caller should visit the
 *   member next.
 * Since: 0.1
 */
QVISIT_API bool visit_optional(Visitor *v, const char *name, bool *present);

/**
 * visit_config_member:
 * @v: a visitor
 * @name: the member name, not NULL; a member of the innermost struct
 * @present: whether the device's configuration has the member
 *
 * Gates a member on the device's configuration, which both sides of a
 * migration know and the stream does not carry (a queue's `align` only on
 * a bus with variable ring alignment, an MSI-X `vector` only with
 * MSI-X), unlike visit_optional(), whose presence travels in the input:
 *
 *     if (visit_config_member(v, "align", s->has_variable_align) &&
 *         !visit_type_u32(v, "align", &q->align, errp)) {
 *         return false;
 *     }
 *
 * Nothing is written or read: the result is @present for every visitor.
 * The describe visitor records the gate, so schemas and
 * `qvisit compat-check` know the member depends on configuration: its
 * node gets `"config": true` when @present, and the struct's node lists
 * @name under `"config_absent"` when not (docs/formats.md, "Schema
 * description"). A plain `if` gives the same bytes and trees but leaves
 * the member invisible to the schema of a configuration without it.
 *
 * Returns: @present.
 * Since: 0.2
 */
QVISIT_API bool visit_config_member(Visitor *v, const char *name,
                                    bool present);

/**
 * visit_start_subsection:
 * @v: a visitor
 * @name: (transfer none): the subsection's name, not NULL; QEMU names a
 *   subsection "<parent vmsd>/<part>" ("fdrive/media_rate"). Not copied:
 *   it must stay valid until visit_end_subsection(), as literals do.
 * @version: (inout): output visitors: the version to write; input
 *   visitors: on entry the newest version the walk reads, on return the
 *   version of the input (left unchanged by inputs that carry none)
 * @present: (inout): output visitors: whether to write the subsection
 *   (QEMU's `needed()`); input visitors: set from the input
 * @errp: return location for an error
 *
 * Starts a QEMU subsection of the innermost struct: an optional group of
 * members that follows the struct's own members, with a name and a
 * version of its own. Only a walk of QEMU device state needs it.
 * QEMUFile visitors write and read QEMU's subsection header (byte 0x05,
 * the name as a u8-counted string, be32 version) and nothing when absent;
 * an input visitor looks ahead without consuming and finds the
 * subsection absent when the next bytes are not a header with @name (the
 * next subsection of the struct, or what follows the struct). Every other
 * visitor treats it as an optional struct member named @name
 * (visit_optional() followed by visit_start_struct()).
 *
 * When *@present ends up false, nothing was started: skip the
 * subsection's members and do not call visit_end_subsection(). A walk
 * keeps the presence in its state, so that what it read it writes back:
 *     ok = visit_start_subsection(v, "fdrive/media_rate", &ver,
 *                                 &d->has_media_rate, errp) &&
 *          (!d->has_media_rate ||
 *           (visit_type_u8(v, "media_rate", &d->media_rate, errp) &&
 *            visit_end_subsection(v, errp)));
 *
 * Errors: %QVISIT_ERROR_VERSION when the input's version is above the
 * *@version the walk reads; %QVISIT_ERROR_TRUNCATED inside the header;
 * the errors of visit_start_struct().
 *
 * Returns: true on success, whether the subsection is present or not.
 * Since: 0.2
 */
QVISIT_API bool visit_start_subsection(Visitor *v, const char *name,
                                       uint32_t *version, bool *present,
                                       GError **errp);

/**
 * visit_end_subsection:
 * @v: a visitor
 * @errp: return location for an error
 *
 * Closes the subsection opened by a visit_start_subsection() that found
 * it present; the errors of visit_end_struct().
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool visit_end_subsection(Visitor *v, GError **errp);

/**
 * visit_type_u8:
 * @v: a visitor
 * @name: (nullable): the member name
 * @obj: (inout): the value
 * @errp: return location for an error
 *
 * Visits an unsigned 8-bit integer. The u16/u32/u64 and i8/i16/i32/i64
 * variants below work the same way for their widths.
 *
 * Errors: input visitors report %QVISIT_ERROR_RANGE for a number that does
 * not fit, %QVISIT_ERROR_TYPE for a non-integer, %QVISIT_ERROR_MISSING,
 * %QVISIT_ERROR_TRUNCATED.
 *
 * Returns: true on success; on failure *@obj is unchanged.
 * Since: 0.1
 */
QVISIT_API bool visit_type_u8(Visitor *v, const char *name, uint8_t *obj,
                              GError **errp);
/** visit_type_u16: see visit_type_u8(). Since: 0.1 */
QVISIT_API bool visit_type_u16(Visitor *v, const char *name, uint16_t *obj,
                               GError **errp);
/** visit_type_u32: see visit_type_u8(). Since: 0.1 */
QVISIT_API bool visit_type_u32(Visitor *v, const char *name, uint32_t *obj,
                               GError **errp);
/** visit_type_u64: see visit_type_u8(). Since: 0.1 */
QVISIT_API bool visit_type_u64(Visitor *v, const char *name, uint64_t *obj,
                               GError **errp);
/** visit_type_i8: see visit_type_u8(). Since: 0.1 */
QVISIT_API bool visit_type_i8(Visitor *v, const char *name, int8_t *obj,
                              GError **errp);
/** visit_type_i16: see visit_type_u8(). Since: 0.1 */
QVISIT_API bool visit_type_i16(Visitor *v, const char *name, int16_t *obj,
                               GError **errp);
/** visit_type_i32: see visit_type_u8(). Since: 0.1 */
QVISIT_API bool visit_type_i32(Visitor *v, const char *name, int32_t *obj,
                               GError **errp);
/** visit_type_i64: see visit_type_u8(). Since: 0.1 */
QVISIT_API bool visit_type_i64(Visitor *v, const char *name, int64_t *obj,
                               GError **errp);

/**
 * visit_type_bool:
 * @v: a visitor
 * @name: (nullable): the member name
 * @obj: (inout): the value
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_TYPE for a non-boolean; binary input reports
 * %QVISIT_ERROR_RANGE for a byte other than 0 or 1.
 *
 * Returns: true on success; on failure *@obj is unchanged.
 * Since: 0.1
 */
QVISIT_API bool visit_type_bool(Visitor *v, const char *name, bool *obj,
                                GError **errp);

/**
 * visit_type_number:
 * @v: a visitor
 * @name: (nullable): the member name
 * @obj: (inout): the value
 * @errp: return location for an error
 *
 * Visits a double. Input visitors accept integers too (converted).
 *
 * Errors: %QVISIT_ERROR_TYPE on input; %QVISIT_ERROR_INVALID for NaN or
 * an infinity on the JSON output visitor (JSON has no such numbers).
 *
 * Returns: true on success; on failure *@obj is unchanged.
 * Since: 0.1
 */
QVISIT_API bool visit_type_number(Visitor *v, const char *name, double *obj,
                                  GError **errp);

/**
 * visit_type_str:
 * @v: a visitor
 * @name: (nullable): the member name
 * @obj: (inout): the string. Output visitors read *@obj (NULL is written
 *   as the empty string). Input visitors store a new string allocated
 *   with g_malloc(), which the caller frees with g_free(); the previous
 *   *@obj is not freed.
 * @errp: return location for an error
 *
 * Strings are UTF-8 text.
 *
 * Errors: %QVISIT_ERROR_TYPE, %QVISIT_ERROR_LIMIT beyond the string-length
 * limit, %QVISIT_ERROR_PARSE for invalid UTF-8 in binary input. Output
 * visitors whose input side would refuse it (QEMUFile, binary, JSON)
 * refuse a string that is not valid UTF-8 with %QVISIT_ERROR_INVALID.
 *
 * Returns: true on success; on failure *@obj is unchanged.
 * Since: 0.1
 */
QVISIT_API bool visit_type_str(Visitor *v, const char *name, char **obj,
                               GError **errp);

/**
 * visit_type_buffer:
 * @v: a visitor
 * @name: (nullable): the member name
 * @buf: (inout) (array length=len): @len raw bytes
 * @len: the buffer's fixed size
 * @errp: return location for an error
 *
 * Visits fixed-size raw bytes. In QObject and JSON a buffer is a string of
 * 2 × @len lowercase hex digits.
 *
 * Errors: %QVISIT_ERROR_TYPE, %QVISIT_ERROR_LENGTH when the input holds
 * another number of bytes, %QVISIT_ERROR_PARSE for a non-hex digit.
 *
 * Returns: true on success; on failure @buf is unchanged.
 * Since: 0.1
 */
QVISIT_API bool visit_type_buffer(Visitor *v, const char *name, void *buf,
                                  size_t len, GError **errp);

/**
 * visit_type_enum:
 * @v: a visitor
 * @name: (nullable): the member name
 * @obj: (inout): the value, an index into @names
 * @names: (transfer none) (array zero-terminated=1): the names of the
 *   values 0, 1, ..., NULL-terminated
 * @errp: return location for an error
 *
 * Visits an enum, as QEMU's visit_type_enum() does with a lookup table.
 * Byte formats (QEMUFile, binary) carry it as visit_type_i32(); QObject
 * and JSON output write the name of a named value (`"mode": "fifo"`) and
 * the number of any other; their input takes a name or an integer; the
 * describe visitor records an "i32" node with an "enum" list of the
 * names.
 *
 * Errors: %QVISIT_ERROR_INVALID for a name @names lacks
 * (`uart.mode: 'fast' is not a name of the enum`), %QVISIT_ERROR_TYPE
 * for neither a string nor an integer, %QVISIT_ERROR_RANGE for a number
 * outside int32, and the errors of visit_type_i32().
 *
 * Returns: true on success; on failure *@obj is unchanged.
 * Since: 0.2
 */
QVISIT_API bool visit_type_enum(Visitor *v, const char *name, int *obj,
                                const char *const *names, GError **errp);

/**
 * visit_type_u8_array:
 * @v: a visitor
 * @name: (nullable): the member name
 * @arr: (inout) (array length=n): the elements
 * @n: the number of elements
 * @errp: return location for an error
 *
 * Visits a register file: exactly visit_start_array(v, name, n),
 * visit_type_u8() of each element with name NULL, visit_end_array(), but
 * faster in binary visitors. The u16/u32/u64 variants work the same way.
 *
 * Returns: true on success. On failure of an input visitor, elements
 *   before the failing one may have been stored.
 * Since: 0.1
 */
QVISIT_API bool visit_type_u8_array(Visitor *v, const char *name,
                                    uint8_t *arr, size_t n, GError **errp);
/** visit_type_u16_array: see visit_type_u8_array(). Since: 0.1 */
QVISIT_API bool visit_type_u16_array(Visitor *v, const char *name,
                                     uint16_t *arr, size_t n, GError **errp);
/** visit_type_u32_array: see visit_type_u8_array(). Since: 0.1 */
QVISIT_API bool visit_type_u32_array(Visitor *v, const char *name,
                                     uint32_t *arr, size_t n, GError **errp);
/** visit_type_u64_array: see visit_type_u8_array(). Since: 0.1 */
QVISIT_API bool visit_type_u64_array(Visitor *v, const char *name,
                                     uint64_t *arr, size_t n, GError **errp);

/**
 * visit_range_error:
 * @v: a visitor
 * @member: (nullable): as for visit_check_range()
 * @value: the value outside @min..@max
 * @min: smallest allowed value
 * @max: largest allowed value
 * @errp: return location for an error
 *
 * The out-of-line half of visit_check_range(): sets its
 * %QVISIT_ERROR_RANGE error, "<path>.<member>: expected MIN..MAX, got
 * VALUE", plus " at byte N" as described there. Call visit_check_range()
 * instead.
 *
 * Returns: false.
 * Since: 0.1
 */
QVISIT_API bool visit_range_error(Visitor *v, const char *member,
                                  int64_t value, int64_t min, int64_t max,
                                  GError **errp);

/**
 * visit_check_range:
 * @v: a visitor
 * @member: (nullable): the member of the innermost struct the value came
 *   from, for the error path; NULL names the innermost struct or array
 * @value: the value to check
 * @min: smallest allowed value
 * @max: largest allowed value
 * @errp: return location for an error
 *
 * Checks a device invariant on a value just visited, typically a count or
 * index read from the input before it sizes an allocation or indexes an
 * array:
 *
 *     if (!visit_type_u32(v, "num_queues", &n, errp) ||
 *         !visit_check_range(v, "num_queues", n, 0, MAX_QUEUES, errp)) {
 *         return false;
 *     }
 *
 * Errors: %QVISIT_ERROR_RANGE, "<path>.<member>: expected MIN..MAX, got
 * VALUE". A QEMUFile input visitor adds where the value it read last
 * starts, as its own errors give offsets:
 * `virtio-net-queues.num_queues: expected 0..64, got 65 at byte 10`. So
 * check right after the visit of the value; when nothing was read yet,
 * or legacy qemu_get_*() calls moved the file since, and for every other
 * visitor, the message has no offset.
 *
 * Inline, since it runs on every save too, where a call per check cost
 * up to 6 % of a device's walk (docs/performance.md).
 *
 * Returns: true when @min <= @value <= @max.
 * Since: 0.1
 */
static inline bool visit_check_range(Visitor *v, const char *member,
                                     int64_t value, int64_t min, int64_t max,
                                     GError **errp)
{
    if (G_LIKELY(value >= min && value <= max)) {
        return true;
    }
    return visit_range_error(v, member, value, min, max, errp);
}

/**
 * visit_set_error:
 * @v: a visitor
 * @errp: return location for an error
 * @member: (nullable): the member the error is about, in the innermost
 *   struct; NULL names the innermost struct or array itself
 * @code: a #QVisitErrorCode
 * @fmt: printf format of the message after the path
 * @...: its arguments
 *
 * Lets device code report its own validation errors the way visitors do:
 * the message is prefixed with the walk's current path, e.g.
 * `ps2kbd.queue.count: exceeds the ring size`.
 *
 * Returns: false, so it can end an `&&` chain or a return statement.
 * Since: 0.1
 */
QVISIT_API bool visit_set_error(Visitor *v, GError **errp,
                                const char *member, int code,
                                const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/**
 * visit_is_input:
 * @v: a visitor
 *
 * Returns: true for an input visitor (one that stores into the walk).
 * Since: 0.1
 */
QVISIT_API bool visit_is_input(const Visitor *v);

/**
 * visit_get_type:
 * @v: a visitor
 *
 * Returns: the kind of visitor.
 * Since: 0.1
 */
QVISIT_API VisitorType visit_get_type(const Visitor *v);

/**
 * visit_set_version:
 * @v: a visitor
 * @version: the version of the layout the walk visits; 0 for the newest
 *
 * Sets the layout version the walk reads with visit_get_version() and
 * visit_since(): for an output visitor the version being written, for an
 * input visitor the version of the input (the migration core passes the
 * stream section's version), for a describe visitor the version being
 * described. It stays set for later walks on @v until changed; nested
 * layouts with versions of their own (a VMStateDescription of a struct
 * field) set and restore it around their part of the walk.
 *
 * Since: 0.2
 */
QVISIT_API void visit_set_version(Visitor *v, uint32_t version);

/**
 * visit_get_version:
 * @v: a visitor
 *
 * Returns: the version given to visit_set_version(), or 0 when none was
 *   (the walk then visits its newest layout).
 * Since: 0.2
 */
QVISIT_API uint32_t visit_get_version(const Visitor *v);

/**
 * visit_since:
 * @v: a visitor
 * @version: the layout version that added a field
 *
 * The version gate: whether the layout being visited has a field that
 * was added in @version, as QEMU's `VMSTATE_UINT32_V(f, S, 3)` field is
 * read only from streams of version 3 and later. Use it to skip the field
 * in the same `&&` chain: `(!visit_since(v, 3) || visit_type_u32(...))`.
 *
 * Returns: true when visit_get_version() is 0 (the newest layout) or at
 *   least @version.
 * Since: 0.2
 */
QVISIT_API bool visit_since(const Visitor *v, uint32_t version);

/**
 * visit_set_limits:
 * @v: a visitor
 * @limits: (transfer none): limits to apply from now on; copied
 *
 * Replaces the visitor's limits (the defaults until then). Output visitors
 * apply only the depth limit.
 *
 * Since: 0.1
 */
QVISIT_API void visit_set_limits(Visitor *v, const QVisitLimits *limits);

/**
 * visit_complete:
 * @v: a visitor
 * @errp: return location for an error
 *
 * Ends the walk: checks that every struct and array was closed and hands
 * over the output (for example qobject_output_visitor_new()'s *result).
 * Call it once, after a successful walk.
 *
 * Errors: %QVISIT_ERROR_FAILED for an unbalanced or empty walk, or the
 * visitor's own errors (a flush that fails is %QVISIT_ERROR_IO).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool visit_complete(Visitor *v, GError **errp);

/**
 * visit_free:
 * @v: (transfer full) (nullable): a visitor
 *
 * Frees @v, discarding open structs/arrays and any output not handed over.
 *
 * Since: 0.1
 */
QVISIT_API void visit_free(Visitor *v);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Visitor, visit_free)

/* --- QObject and JSON visitors -------------------------------------- */

/**
 * qobject_output_visitor_new:
 * @result: (out): receives the tree, (transfer full), at visit_complete();
 *   untouched before
 *
 * Structs become QDicts (members in visit order), arrays QLists, integers
 * int or uint QNums, numbers double QNums, strings QStrings, buffers hex
 * QStrings.
 *
 * Returns: (transfer full): the visitor.
 * Since: 0.1
 */
QVISIT_API Visitor *qobject_output_visitor_new(QObject **result);

/**
 * qobject_input_visitor_new:
 * @root: (transfer none): the tree to read; the visitor takes its own
 *   reference
 *
 * Returns: (transfer full): the visitor.
 * Since: 0.1
 */
QVISIT_API Visitor *qobject_input_visitor_new(QObject *root);

/**
 * json_output_visitor_new:
 * @out: (transfer none): receives the JSON, appended at visit_complete();
 *   must outlive the visitor
 * @pretty: indent as qobject_to_json_pretty() does
 *
 * Writes the same document as qobject_to_json_pretty() of the
 * qobject_output_visitor_new() walk, but refuses what that document could
 * not carry back to a JSON input visitor: a number that is not finite
 * (JSON has no NaN or infinities; `dev.x: nan cannot be written in JSON`)
 * and a string that is not valid UTF-8, both %QVISIT_ERROR_INVALID. A
 * failed walk appends nothing.
 *
 * Returns: (transfer full): the visitor.
 * Since: 0.1
 */
QVISIT_API Visitor *json_output_visitor_new(GString *out, bool pretty);

/**
 * json_input_visitor_new:
 * @json: (nullable): JSON text; may be NULL when @len is 0 (empty input,
 *   an error)
 * @len: bytes at @json, or -1 when NUL-terminated
 * @errp: return location for an error
 *
 * Parses @json with qobject_from_json_full() and the default limits. The
 * text is parsed here, so a later visit_set_limits() cannot tighten the
 * parse: use json_input_visitor_new_full() for that.
 *
 * Errors: those of qobject_from_json_full().
 *
 * Returns: (transfer full) (nullable): the visitor, or NULL on error.
 * Since: 0.1
 */
QVISIT_API Visitor *json_input_visitor_new(const char *json, gssize len,
                                           GError **errp);

/**
 * json_input_visitor_new_full:
 * @json: (nullable): JSON text; may be NULL when @len is 0 (empty input,
 *   an error)
 * @len: bytes at @json, or -1 when NUL-terminated
 * @limits: (nullable) (transfer none): limits for the parse and for the
 *   walk (copied); NULL for the defaults
 * @errp: return location for an error
 *
 * json_input_visitor_new() with limits that apply to parsing the text
 * (nesting, string and array sizes) as well as to the walk.
 *
 * Errors: those of qobject_from_json_full().
 *
 * Returns: (transfer full) (nullable): the visitor, or NULL on error.
 * Since: 0.1
 */
QVISIT_API Visitor *json_input_visitor_new_full(const char *json, gssize len,
                                                const QVisitLimits *limits,
                                                GError **errp);

#endif /* QVISIT_VISITOR_H */
