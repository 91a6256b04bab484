/*
 * Field tables: a device's state declared once as a table, in QEMU's
 * VMState vocabulary, and walked through any visitor.
 *
 * A QEMU device lists its migrated fields in a VMStateDescription; qvisit
 * reads the same kind of table and turns it into the ordinary visit calls
 * a hand-written walk would make, so one table gives QEMUFile bytes, a
 * QObject tree, JSON, the self-describing binary format and a schema:
 *
 *     static const VMStateDescription vmstate_vser_port = {
 *         .name = "port",
 *         .version_id = 1,
 *         .fields = (const VMStateField[]) {
 *             VMSTATE_UINT32(id, VSerPort),
 *             VMSTATE_BOOL(guest_connected, VSerPort),
 *             VMSTATE_END_OF_LIST()
 *         },
 *     };
 *
 *     static const VMStateDescription vmstate_vser = {
 *         .name = "vser",
 *         .version_id = 3,
 *         .minimum_version_id = 1,
 *         .fields = (const VMStateField[]) {
 *             VMSTATE_UINT32(nports, VSer),
 *             VMSTATE_STRUCT_VARRAY_UINT32(ports, VSer, nports, 1,
 *                                          vmstate_vser_port, VSerPort),
 *             VMSTATE_UINT32_V(elem_popped, VSer, 3),
 *             VMSTATE_END_OF_LIST()
 *         },
 *     };
 *
 *     bool vser_visit(Visitor *v, void *opaque, GError **errp)
 *     {
 *         return vmstate_visit(v, "vser", &vmstate_vser, opaque, errp);
 *     }
 *
 * == What each field becomes ==
 * A description is a struct (visit_start_struct() ... visit_end_struct()),
 * its fields its members, in table order, named by the field. Scalars are
 * visit_type_u8() ... visit_type_i64(), visit_type_bool(),
 * visit_type_number(); arrays of them a visit_start_array() of their
 * elements (the native visit_type_u8_array() ... for unsigned ones);
 * buffers visit_type_buffer(); a struct field the nested description's
 * struct; a subsection visit_start_subsection() with the subsection's
 * description name and version_id, then its fields and subsections, so
 * QEMUFile visitors write and read QEMU's subsection record (0x05, the
 * name, be32 version, the fields; nothing when absent) and the other
 * visitors see an optional struct member of that name; a VMSTATE_WALK()
 * field whatever its walk visits. Tables and walks mix both ways: a walk
 * calls vmstate_visit() (or vmstate_visit_members()) for a part of its
 * state, a table calls a walk for a field.
 *
 * So one table gives QEMU's own bytes: a description written from QEMU
 * 7.2's, with its subsections, reads and writes the section payload QEMU
 * does (see the built-in devices mc146818rtc, serial and e1000 in
 * examples/qemu-devices/). A subsection is written when its @needed says
 * so, or, with VMSTATE_PRESENT(), when the state says it was read.
 *
 * Names follow QEMU 7.2's vmdesc: VMSTATE_UNUSED() fields are "unused",
 * and when a table has several, "unused[0]", "unused[1]" ..., as QEMU
 * names a repeated field name. Other field names are used as written:
 * give a repeated one its vmdesc name ("mac_reg[0]") in the field's
 * .name, as examples/qemu-devices/e1000.c does.
 *
 * == Versions ==
 * A table is visited at the visitor's version (visit_get_version(); 0 is
 * the description's version_id): as in QEMU 7.2, a field with a
 * field_exists() test is visited when the test says so, whatever its
 * version_id, and a field without one is skipped when its version_id is
 * above the version. A struct field is visited at its own description's
 * version_id, as QEMU loads it; a subsection at the version its input
 * says (its version_id on output): one outside its
 * minimum_version_id..version_id is %QVISIT_ERROR_VERSION.
 *
 * Subsections are read in table order, the order QEMU writes them. On
 * QEMU's bytes, a subsection header left after a table's subsections
 * whose name starts with the table's name (QEMU's test for its own) is
 * %QVISIT_ERROR_UNEXPECTED, as QEMU refuses an unknown one:
 * `vser: unknown subsection 'vser/x' at byte 12`, or, for one of the
 * table's that came out of order or twice, `subsection 'vser/a' out of
 * the table's order, or twice, at byte 12`. Tables without subsections
 * do not look.
 *
 * == Counted arrays, buffers and pointers ==
 * The count of a counted array (VMSTATE_*VARRAY*) or of a buffer whose
 * length is a field (VMSTATE_*VBUFFER*) is a field visited earlier in the
 * walk, so on input it holds the value just read. Before any element is
 * visited or anything allocated it is checked: against the array's
 * capacity for an array inside the state, against the visitor's
 * max_array_len (QVisitLimits) for an array behind a pointer
 * (`vser.ports: 9 elements, more than the 8 it has room for`,
 * %QVISIT_ERROR_RANGE). On input, a pointer without VMS_ALLOC has room
 * for no more elements (or bytes) than its count held when the walk of
 * the state began, what the device set the pointer up for, even when the
 * count is read earlier in the same walk or its subsections; a pointer
 * field's count refused (by this or by a limit) goes back to the value
 * the walk began with, so the failed state's counts still match its
 * memory for vmstate_clear(). QEMU has no such check; here a corrupt
 * count cannot write past an array. A pointer
 * field with VMS_ALLOC is (re)allocated on input, its bytes first checked
 * against max_alloc (%QVISIT_ERROR_LIMIT), zeroed memory for the elements
 * read (NULL for none), after vmstate_clear() of the old elements (as
 * many as the count held when the walk began) and g_free() of the old
 * memory. An array of more than 1 MiB grows as its elements are read,
 * so a short input claiming a huge count fails after a small allocation;
 * if an element fails, the array is freed and the pointer left NULL. A
 * buffer is allocated whole (at most half max_string_len bytes).
 * vmstate_clear() frees all such memory of a state.
 *
 * A describe visitor sees an exact schema even from a zeroed state: a
 * counted array is described with length 0 and the layout of a scratch
 * element (describe_visitor_start_sample_array()), a subsection as an
 * optional member.
 *
 * == Errors ==
 * Those of the visits, with their paths; %QVISIT_ERROR_VERSION when the
 * visitor's version is outside minimum_version_id..version_id
 * (`vser: version 4 outside 1..3`); %QVISIT_ERROR_INVALID for a NULL
 * pointer an output visitor should read elements from.
 *
 * Not from QEMU: pre_save/post_load hooks, VMSTATE_WITH_TMP, queues and
 * trees (QTAILQ, GTREE), timers and 2D arrays; use a VMSTATE_WALK() field
 * for such a part. The types and macros mirror QEMU's names (see
 * docs/converting-devices.md, "From VMState"), so this header cannot be
 * used together with QEMU's migration/vmstate.h.
 */
#ifndef QVISIT_VMSTATE_H
#define QVISIT_VMSTATE_H

#include <stddef.h>

#include "qvisit/common.h"
#include "qvisit/visitor.h"

/**
 * VMStateType:
 * @VMSTATE_TYPE_NONE: the end of a field list
 * @VMSTATE_TYPE_U8: uint8_t, visit_type_u8()
 * @VMSTATE_TYPE_U16: uint16_t
 * @VMSTATE_TYPE_U32: uint32_t
 * @VMSTATE_TYPE_U64: uint64_t
 * @VMSTATE_TYPE_I8: int8_t, visit_type_i8()
 * @VMSTATE_TYPE_I16: int16_t
 * @VMSTATE_TYPE_I32: int32_t
 * @VMSTATE_TYPE_I64: int64_t
 * @VMSTATE_TYPE_BOOL: bool, visit_type_bool()
 * @VMSTATE_TYPE_FLOAT64: double, visit_type_number()
 * @VMSTATE_TYPE_BUFFER: raw bytes, visit_type_buffer()
 * @VMSTATE_TYPE_UNUSED: bytes written as zeros and ignored on input
 * @VMSTATE_TYPE_STRUCT: a struct described by the field's vmsd
 * @VMSTATE_TYPE_WALK: a part visited by the field's walk
 * @VMSTATE_TYPE_ENUM: an int of an enum, visit_type_enum() with the
 *   field's enum_names
 *
 * What one element of a field is.
 *
 * Since: 0.2
 */
typedef enum VMStateType {
    VMSTATE_TYPE_NONE,
    VMSTATE_TYPE_U8,
    VMSTATE_TYPE_U16,
    VMSTATE_TYPE_U32,
    VMSTATE_TYPE_U64,
    VMSTATE_TYPE_I8,
    VMSTATE_TYPE_I16,
    VMSTATE_TYPE_I32,
    VMSTATE_TYPE_I64,
    VMSTATE_TYPE_BOOL,
    VMSTATE_TYPE_FLOAT64,
    VMSTATE_TYPE_BUFFER,
    VMSTATE_TYPE_UNUSED,
    VMSTATE_TYPE_STRUCT,
    VMSTATE_TYPE_WALK,
    VMSTATE_TYPE_ENUM,
} VMStateType;

/*
 * QEMU's VMStateInfo objects name the element type of its generic macros
 * (VMSTATE_ARRAY(f, s, n, v, vmstate_info_uint32, uint32_t)); here they
 * name a VMStateType, so such lines compile unchanged.
 */
#define vmstate_info_bool VMSTATE_TYPE_BOOL
#define vmstate_info_int8 VMSTATE_TYPE_I8
#define vmstate_info_int16 VMSTATE_TYPE_I16
#define vmstate_info_int32 VMSTATE_TYPE_I32
#define vmstate_info_int64 VMSTATE_TYPE_I64
#define vmstate_info_uint8 VMSTATE_TYPE_U8
#define vmstate_info_uint16 VMSTATE_TYPE_U16
#define vmstate_info_uint32 VMSTATE_TYPE_U32
#define vmstate_info_uint64 VMSTATE_TYPE_U64
#define vmstate_info_float64 VMSTATE_TYPE_FLOAT64
#define vmstate_info_buffer VMSTATE_TYPE_BUFFER

/**
 * VMStateFlags:
 * @VMS_SINGLE: one element (the default; 0 works as well)
 * @VMS_POINTER: the field is a pointer to the element(s)
 * @VMS_ARRAY: a fixed array of num elements
 * @VMS_VARRAY: a counted array: the count is the num_type field at
 *   num_offset, at most num (0 for a pointer: the visitor's limit)
 * @VMS_VBUFFER: a buffer whose byte count is the num_type field at
 *   num_offset, at most size (0 for a pointer: the visitor's limit)
 * @VMS_ALLOC: with @VMS_POINTER, allocate the elements on input
 *
 * How a field is laid out. QEMU's VMS_VARRAY_UINT8/UINT16/UINT32/INT32
 * are @VMS_VARRAY with num_type set to the count's type.
 *
 * Since: 0.2
 */
typedef enum VMStateFlags {
    VMS_SINGLE = 0x001,
    VMS_POINTER = 0x002,
    VMS_ARRAY = 0x004,
    VMS_VARRAY = 0x010,
    VMS_VBUFFER = 0x100,
    VMS_ALLOC = 0x2000,
} VMStateFlags;

typedef struct VMStateDescription VMStateDescription;

/**
 * VMStateField:
 * @name: the member name; NULL ends a field list
 * @offset: where the field is in the state
 * @size: bytes of one element (sizeof its C type); for a buffer, its
 *   bytes or, with %VMS_VBUFFER, its capacity; for unused bytes, how many
 * @type: what one element is
 * @flags: #VMStateFlags
 * @num: %VMS_ARRAY: the element count; %VMS_VARRAY: the most elements
 * @num_offset: %VMS_VARRAY and %VMS_VBUFFER: where the count field is
 * @num_type: its type, %VMSTATE_TYPE_U8 .. %VMSTATE_TYPE_I32
 * @version_id: the layout version that added the field (0: every one)
 * @field_exists: (nullable): when set, the field is visited exactly when
 *   it returns true for the state and the version being visited (its
 *   @version_id is then not looked at, as in QEMU)
 * @vmsd: (nullable): %VMSTATE_TYPE_STRUCT: the element's description
 * @walk: (nullable): %VMSTATE_TYPE_WALK: visits the field: @name is the
 *   member name (NULL for an array element), @field points at it
 * @enum_names: (nullable): %VMSTATE_TYPE_ENUM: the names of the values
 *   0, 1, ..., NULL-terminated
 *
 * One line of a table; written with the VMSTATE_*() macros below.
 *
 * Since: 0.2
 */
typedef struct VMStateField {
    /* What every field's visit reads comes first, in one cache line. */
    const char *name;
    size_t offset;
    size_t size;
    VMStateType type;
    unsigned flags;
    int version_id;
    bool (*field_exists)(void *opaque, int version_id);
    size_t num;
    size_t num_offset;
    VMStateType num_type;
    const VMStateDescription *vmsd;
    bool (*walk)(Visitor *v, const char *name, void *field, GError **errp);
    const char *const *enum_names;
} VMStateField;

/**
 * VMStateDescription:
 * @name: the description's name; a subsection's is its member name
 * @version_id: the newest layout version
 * @minimum_version_id: the oldest version the table visits
 * @needed: (nullable): a subsection is written when this returns true
 *   (always when NULL)
 * @fields: the fields, ended by VMSTATE_END_OF_LIST()
 * @subsections: (nullable): NULL-terminated subsections, each visited
 *   after the fields with visit_start_subsection()
 * @present: qvisit's own, for a subsection: where the state keeps
 *   whether the subsection is there, as VMSTATE_PRESENT() gives it (0:
 *   nowhere). Input visitors store what the input had; output visitors
 *   write the subsection when it is true, and @needed is not called. A
 *   state decoded from a stream then writes back the same subsections,
 *   whatever @needed would say. Since: 0.2
 *
 * A table, as QEMU's struct of the same name (the members qvisit uses,
 * plus @present). Like QEMU's, a description is meant to be static: the
 * interpreter remembers, by its address, whether it or its subsections
 * have pointer arrays (whose counts an input walk takes first), so a
 * description built at run time must not be replaced by a different one
 * at the same address while the process runs (it would lose those
 * checks, not more).
 *
 * Since: 0.2
 */
struct VMStateDescription {
    const char *name;
    int version_id;
    int minimum_version_id;
    bool (*needed)(void *opaque);
    const VMStateField *fields;
    const VMStateDescription *const *subsections;
    size_t present;
};

/* The VMStateDescription.present of a subsection whose presence the
 * bool @_f of state @_s keeps (its offset plus one, so 0 is "none"). */
#define VMSTATE_PRESENT(_s, _f) \
    (offsetof(_s, _f) + 1 + 0 * sizeof((bool *)0 == &((_s *)0)->_f))

/**
 * vmstate_visit:
 * @v: a visitor
 * @name: (nullable) (transfer none): the member name of the struct, as
 *   for visit_start_struct(); must stay valid during the call
 * @vmsd: (transfer none): the table
 * @opaque: the state the table's offsets are relative to
 * @errp: return location for an error
 *
 * Visits @opaque as a struct whose members are @vmsd's fields and
 * subsections, at the version visit_get_version() gives (0: @vmsd's
 * version_id). See the header comment for what each field becomes.
 *
 * Errors: %QVISIT_ERROR_VERSION for a version outside
 * minimum_version_id..version_id; %QVISIT_ERROR_RANGE for a count beyond
 * an array's room; %QVISIT_ERROR_INVALID for a NULL pointer to elements
 * on output; the errors of the visits.
 *
 * Returns: true on success. On failure of an input visitor, fields
 *   before the failing one may have been stored (decode into a scratch
 *   state, as the migration core does).
 * Since: 0.2
 */
QVISIT_API bool vmstate_visit(Visitor *v, const char *name,
                              const VMStateDescription *vmsd, void *opaque,
                              GError **errp);

/**
 * vmstate_visit_members:
 * @v: a visitor with a struct (or subsection) open
 * @vmsd: (transfer none): the table
 * @opaque: the state the table's offsets are relative to
 * @version: the layout version to visit (0: @vmsd's version_id)
 * @errp: return location for an error
 *
 * Visits @vmsd's fields and subsections as members of the struct the
 * caller has open, at @version, without a struct of their own: a walk
 * whose caller opened the struct (a QEMU section's root, as the built-in
 * QEMU devices are called) or that adds members of its own around the
 * table's. vmstate_visit() is visit_start_struct(), this and
 * visit_end_struct().
 *
 * Errors: those of vmstate_visit(); the version error names the open
 * struct.
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool vmstate_visit_members(Visitor *v,
                                      const VMStateDescription *vmsd,
                                      void *opaque, uint32_t version,
                                      GError **errp);

/**
 * vmstate_clear:
 * @vmsd: (transfer none): the table
 * @opaque: a state that @vmsd's walks filled
 *
 * Frees what the %VMS_ALLOC fields of @opaque (and of its struct fields
 * and subsections) point to and sets those pointers to NULL. Use it as a
 * device's MigrationDeviceInfo.clear for scratch states.
 *
 * Since: 0.2
 */
QVISIT_API void vmstate_clear(const VMStateDescription *vmsd, void *opaque);

/* --- the table macros ----------------------------------------------- */

/* Type checks: comparing pointers of distinct types is a compile
 * warning, so the field must have the type the line says. */
#define vmstate_type_check(_s, _f, _t) \
    (0 * sizeof((_t *)0 == &((_s *)0)->_f))
#define vmstate_offset_value(_s, _f, _t) \
    (offsetof(_s, _f) + vmstate_type_check(_s, _f, _t))
#define vmstate_offset_pointer(_s, _f, _t) \
    (offsetof(_s, _f) + 0 * sizeof((_t **)0 == &((_s *)0)->_f))
#define vmstate_offset_array(_s, _f, _t, _n) \
    (offsetof(_s, _f) + 0 * sizeof((_t(*)[_n])0 == &((_s *)0)->_f))
#define vmstate_array_len(_s, _f) \
    (sizeof(((_s *)0)->_f) / sizeof(((_s *)0)->_f[0]))
#define vmstate_offset_varray(_s, _f, _t) \
    (offsetof(_s, _f) + 0 * sizeof((_t *)0 == ((_s *)0)->_f))

#define VMSTATE_END_OF_LIST() { .name = NULL }

/* One value of @_type (a VMStateType or vmstate_info_*) at version @_v,
 * when @_test (nullable) agrees. */
#define VMSTATE_SINGLE_TEST(_f, _s, _v, _test, _type, _ctype) {          \
    .name = #_f, .version_id = (_v), .field_exists = (_test),           \
    .size = sizeof(_ctype), .type = (_type), .flags = VMS_SINGLE,       \
    .offset = vmstate_offset_value(_s, _f, _ctype),                     \
}
#define VMSTATE_SINGLE(_f, _s, _v, _type, _ctype) \
    VMSTATE_SINGLE_TEST(_f, _s, _v, NULL, _type, _ctype)

#define VMSTATE_BOOL_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_BOOL, bool)
#define VMSTATE_INT8_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_I8, int8_t)
#define VMSTATE_INT16_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_I16, int16_t)
#define VMSTATE_INT32_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_I32, int32_t)
#define VMSTATE_INT64_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_I64, int64_t)
#define VMSTATE_UINT8_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_U8, uint8_t)
#define VMSTATE_UINT16_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_U16, uint16_t)
#define VMSTATE_UINT32_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_U32, uint32_t)
#define VMSTATE_UINT64_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_U64, uint64_t)
#define VMSTATE_FLOAT64_V(_f, _s, _v) \
    VMSTATE_SINGLE(_f, _s, _v, VMSTATE_TYPE_FLOAT64, double)

#define VMSTATE_BOOL(_f, _s) VMSTATE_BOOL_V(_f, _s, 0)
#define VMSTATE_INT8(_f, _s) VMSTATE_INT8_V(_f, _s, 0)
#define VMSTATE_INT16(_f, _s) VMSTATE_INT16_V(_f, _s, 0)
#define VMSTATE_INT32(_f, _s) VMSTATE_INT32_V(_f, _s, 0)
#define VMSTATE_INT64(_f, _s) VMSTATE_INT64_V(_f, _s, 0)
#define VMSTATE_UINT8(_f, _s) VMSTATE_UINT8_V(_f, _s, 0)
#define VMSTATE_UINT16(_f, _s) VMSTATE_UINT16_V(_f, _s, 0)
#define VMSTATE_UINT32(_f, _s) VMSTATE_UINT32_V(_f, _s, 0)
#define VMSTATE_UINT64(_f, _s) VMSTATE_UINT64_V(_f, _s, 0)
#define VMSTATE_FLOAT64(_f, _s) VMSTATE_FLOAT64_V(_f, _s, 0)

#define VMSTATE_BOOL_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_BOOL, bool)
#define VMSTATE_INT8_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_I8, int8_t)
#define VMSTATE_INT16_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_I16, int16_t)
#define VMSTATE_INT32_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_I32, int32_t)
#define VMSTATE_INT64_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_I64, int64_t)
#define VMSTATE_UINT8_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_U8, uint8_t)
#define VMSTATE_UINT16_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_U16, uint16_t)
#define VMSTATE_UINT32_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_U32, uint32_t)
#define VMSTATE_UINT64_TEST(_f, _s, _t) \
    VMSTATE_SINGLE_TEST(_f, _s, 0, _t, VMSTATE_TYPE_U64, uint64_t)

/* Fixed arrays of @_n scalars inside the state. */
#define VMSTATE_ARRAY_TEST(_f, _s, _n, _test, _v, _type, _ctype) {       \
    .name = #_f, .version_id = (_v), .field_exists = (_test),           \
    .num = (_n), .size = sizeof(_ctype), .type = (_type),               \
    .flags = VMS_ARRAY,                                                 \
    .offset = vmstate_offset_array(_s, _f, _ctype, _n),                 \
}
#define VMSTATE_ARRAY(_f, _s, _n, _v, _type, _ctype) \
    VMSTATE_ARRAY_TEST(_f, _s, _n, NULL, _v, _type, _ctype)

#define VMSTATE_BOOL_ARRAY_V(_f, _s, _n, _v) \
    VMSTATE_ARRAY(_f, _s, _n, _v, VMSTATE_TYPE_BOOL, bool)
#define VMSTATE_UINT8_ARRAY_V(_f, _s, _n, _v) \
    VMSTATE_ARRAY(_f, _s, _n, _v, VMSTATE_TYPE_U8, uint8_t)
#define VMSTATE_UINT16_ARRAY_V(_f, _s, _n, _v) \
    VMSTATE_ARRAY(_f, _s, _n, _v, VMSTATE_TYPE_U16, uint16_t)
#define VMSTATE_UINT32_ARRAY_V(_f, _s, _n, _v) \
    VMSTATE_ARRAY(_f, _s, _n, _v, VMSTATE_TYPE_U32, uint32_t)
#define VMSTATE_UINT64_ARRAY_V(_f, _s, _n, _v) \
    VMSTATE_ARRAY(_f, _s, _n, _v, VMSTATE_TYPE_U64, uint64_t)
#define VMSTATE_INT16_ARRAY_V(_f, _s, _n, _v) \
    VMSTATE_ARRAY(_f, _s, _n, _v, VMSTATE_TYPE_I16, int16_t)
#define VMSTATE_INT32_ARRAY_V(_f, _s, _n, _v) \
    VMSTATE_ARRAY(_f, _s, _n, _v, VMSTATE_TYPE_I32, int32_t)
#define VMSTATE_INT64_ARRAY_V(_f, _s, _n, _v) \
    VMSTATE_ARRAY(_f, _s, _n, _v, VMSTATE_TYPE_I64, int64_t)

#define VMSTATE_BOOL_ARRAY(_f, _s, _n) VMSTATE_BOOL_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT8_ARRAY(_f, _s, _n) VMSTATE_UINT8_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT16_ARRAY(_f, _s, _n) \
    VMSTATE_UINT16_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT32_ARRAY(_f, _s, _n) \
    VMSTATE_UINT32_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT64_ARRAY(_f, _s, _n) \
    VMSTATE_UINT64_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_INT16_ARRAY(_f, _s, _n) VMSTATE_INT16_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_INT32_ARRAY(_f, _s, _n) VMSTATE_INT32_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_INT64_ARRAY(_f, _s, _n) VMSTATE_INT64_ARRAY_V(_f, _s, _n, 0)

/* Counted arrays of scalars behind a pointer, the count a field of type
 * @_nt (QEMU's VMSTATE_VARRAY_UINT32 and friends). */
#define VMSTATE_VARRAY_TYPED(_f, _s, _nf, _nt, _nct, _v, _type, _ctype,    \
                             _flags) {                                    \
    .name = #_f, .version_id = (_v),                                      \
    .num_offset = vmstate_offset_value(_s, _nf, _nct), .num_type = (_nt), \
    .size = sizeof(_ctype), .type = (_type),                              \
    .flags = VMS_VARRAY | VMS_POINTER | (_flags),                         \
    .offset = vmstate_offset_pointer(_s, _f, _ctype),                     \
}
#define VMSTATE_VARRAY_INT32(_f, _s, _nf, _v, _type, _ctype) \
    VMSTATE_VARRAY_TYPED(_f, _s, _nf, VMSTATE_TYPE_I32, int32_t, _v,    \
                         _type, _ctype, 0)
#define VMSTATE_VARRAY_UINT32(_f, _s, _nf, _v, _type, _ctype) \
    VMSTATE_VARRAY_TYPED(_f, _s, _nf, VMSTATE_TYPE_U32, uint32_t, _v,   \
                         _type, _ctype, 0)
#define VMSTATE_VARRAY_UINT32_ALLOC(_f, _s, _nf, _v, _type, _ctype) \
    VMSTATE_VARRAY_TYPED(_f, _s, _nf, VMSTATE_TYPE_U32, uint32_t, _v,   \
                         _type, _ctype, VMS_ALLOC)
#define VMSTATE_VARRAY_UINT16_ALLOC(_f, _s, _nf, _v, _type, _ctype) \
    VMSTATE_VARRAY_TYPED(_f, _s, _nf, VMSTATE_TYPE_U16, uint16_t, _v,   \
                         _type, _ctype, VMS_ALLOC)

/* Structs: one, a fixed array, a counted array inside the state, a
 * counted array behind a pointer (allocated on input with _ALLOC). */
#define VMSTATE_STRUCT_TEST(_f, _s, _test, _v, _vmsd, _ctype) {          \
    .name = #_f, .version_id = (_v), .field_exists = (_test),           \
    .vmsd = &(_vmsd), .size = sizeof(_ctype),                           \
    .type = VMSTATE_TYPE_STRUCT, .flags = VMS_SINGLE,                   \
    .offset = vmstate_offset_value(_s, _f, _ctype),                     \
}
#define VMSTATE_STRUCT(_f, _s, _v, _vmsd, _ctype) \
    VMSTATE_STRUCT_TEST(_f, _s, NULL, _v, _vmsd, _ctype)
#define VMSTATE_STRUCT_POINTER_V(_f, _s, _v, _vmsd, _ctype) {           \
    .name = #_f, .version_id = (_v), .vmsd = &(_vmsd),                  \
    .size = sizeof(_ctype), .type = VMSTATE_TYPE_STRUCT,                \
    .flags = VMS_POINTER,                                               \
    .offset = vmstate_offset_pointer(_s, _f, _ctype),                   \
}
#define VMSTATE_STRUCT_POINTER(_f, _s, _vmsd, _ctype) \
    VMSTATE_STRUCT_POINTER_V(_f, _s, 0, _vmsd, _ctype)
#define VMSTATE_STRUCT_ARRAY_TEST(_f, _s, _n, _test, _v, _vmsd, _ctype) { \
    .name = #_f, .num = (_n), .field_exists = (_test),                  \
    .version_id = (_v), .vmsd = &(_vmsd), .size = sizeof(_ctype),       \
    .type = VMSTATE_TYPE_STRUCT, .flags = VMS_ARRAY,                    \
    .offset = vmstate_offset_array(_s, _f, _ctype, _n),                 \
}
#define VMSTATE_STRUCT_ARRAY(_f, _s, _n, _v, _vmsd, _ctype) \
    VMSTATE_STRUCT_ARRAY_TEST(_f, _s, _n, NULL, _v, _vmsd, _ctype)
#define VMSTATE_STRUCT_VARRAY_TYPED(_f, _s, _nf, _nt, _nct, _v, _vmsd,   \
                                    _ctype) {                            \
    .name = #_f, .version_id = (_v), .vmsd = &(_vmsd),                  \
    .num_offset = vmstate_offset_value(_s, _nf, _nct), .num_type = (_nt), \
    .num = vmstate_array_len(_s, _f), .size = sizeof(_ctype),           \
    .type = VMSTATE_TYPE_STRUCT, .flags = VMS_VARRAY,                   \
    .offset = vmstate_offset_varray(_s, _f, _ctype),                    \
}
#define VMSTATE_STRUCT_VARRAY_UINT8(_f, _s, _nf, _v, _vmsd, _ctype) \
    VMSTATE_STRUCT_VARRAY_TYPED(_f, _s, _nf, VMSTATE_TYPE_U8, uint8_t,  \
                                _v, _vmsd, _ctype)
#define VMSTATE_STRUCT_VARRAY_UINT32(_f, _s, _nf, _v, _vmsd, _ctype) \
    VMSTATE_STRUCT_VARRAY_TYPED(_f, _s, _nf, VMSTATE_TYPE_U32, uint32_t, \
                                _v, _vmsd, _ctype)
#define VMSTATE_STRUCT_VARRAY_INT32(_f, _s, _nf, _v, _vmsd, _ctype) \
    VMSTATE_STRUCT_VARRAY_TYPED(_f, _s, _nf, VMSTATE_TYPE_I32, int32_t, \
                                _v, _vmsd, _ctype)
#define VMSTATE_STRUCT_VARRAY_POINTER_TYPED(_f, _s, _nf, _nt, _nct, _v,  \
                                            _vmsd, _ctype, _flags) {     \
    .name = #_f, .version_id = (_v), .vmsd = &(_vmsd),                  \
    .num_offset = vmstate_offset_value(_s, _nf, _nct), .num_type = (_nt), \
    .size = sizeof(_ctype), .type = VMSTATE_TYPE_STRUCT,                \
    .flags = VMS_VARRAY | VMS_POINTER | (_flags),                       \
    .offset = vmstate_offset_pointer(_s, _f, _ctype),                   \
}
#define VMSTATE_STRUCT_VARRAY_POINTER_UINT32(_f, _s, _nf, _vmsd, _ctype) \
    VMSTATE_STRUCT_VARRAY_POINTER_TYPED(_f, _s, _nf, VMSTATE_TYPE_U32,  \
                                        uint32_t, 0, _vmsd, _ctype, 0)
#define VMSTATE_STRUCT_VARRAY_POINTER_INT32(_f, _s, _nf, _vmsd, _ctype) \
    VMSTATE_STRUCT_VARRAY_POINTER_TYPED(_f, _s, _nf, VMSTATE_TYPE_I32,  \
                                        int32_t, 0, _vmsd, _ctype, 0)
#define VMSTATE_STRUCT_VARRAY_ALLOC(_f, _s, _nf, _v, _vmsd, _ctype) \
    VMSTATE_STRUCT_VARRAY_POINTER_TYPED(_f, _s, _nf, VMSTATE_TYPE_I32,  \
                                        int32_t, _v, _vmsd, _ctype,     \
                                        VMS_ALLOC)

/* Buffers: the whole array field, the first @_size bytes of it, or as
 * many bytes as a field says (inside the state, or allocated on input). */
#define VMSTATE_STATIC_BUFFER(_f, _s, _v, _test, _size) {                \
    .name = #_f, .version_id = (_v), .field_exists = (_test),           \
    .size = (_size), .type = VMSTATE_TYPE_BUFFER, .flags = VMS_SINGLE,  \
    .offset = vmstate_offset_array(_s, _f, uint8_t, _size),             \
}
#define VMSTATE_BUFFER_V(_f, _s, _v) \
    VMSTATE_STATIC_BUFFER(_f, _s, _v, NULL, sizeof(((_s *)0)->_f))
#define VMSTATE_BUFFER(_f, _s) VMSTATE_BUFFER_V(_f, _s, 0)
#define VMSTATE_BUFFER_TEST(_f, _s, _test) \
    VMSTATE_STATIC_BUFFER(_f, _s, 0, _test, sizeof(((_s *)0)->_f))
#define VMSTATE_PARTIAL_BUFFER(_f, _s, _size) {                          \
    .name = #_f, .size = (_size), .type = VMSTATE_TYPE_BUFFER,          \
    .flags = VMS_SINGLE, .offset = offsetof(_s, _f),                    \
}
#define VMSTATE_PARTIAL_VBUFFER_TYPED(_f, _s, _nf, _nt, _nct) {          \
    .name = #_f, .size = sizeof(((_s *)0)->_f),                         \
    .num_offset = vmstate_offset_value(_s, _nf, _nct), .num_type = (_nt), \
    .type = VMSTATE_TYPE_BUFFER, .flags = VMS_VBUFFER,                  \
    .offset = vmstate_offset_array(_s, _f, uint8_t,                     \
                                   sizeof(((_s *)0)->_f)),              \
}
#define VMSTATE_PARTIAL_VBUFFER(_f, _s, _nf) \
    VMSTATE_PARTIAL_VBUFFER_TYPED(_f, _s, _nf, VMSTATE_TYPE_I32, int32_t)
#define VMSTATE_PARTIAL_VBUFFER_UINT32(_f, _s, _nf) \
    VMSTATE_PARTIAL_VBUFFER_TYPED(_f, _s, _nf, VMSTATE_TYPE_U32, uint32_t)
#define VMSTATE_VBUFFER_ALLOC_UINT32(_f, _s, _v, _test, _nf) {           \
    .name = #_f, .version_id = (_v), .field_exists = (_test),           \
    .num_offset = vmstate_offset_value(_s, _nf, uint32_t),              \
    .num_type = VMSTATE_TYPE_U32, .size = 1,                            \
    .type = VMSTATE_TYPE_BUFFER,                                        \
    .flags = VMS_VBUFFER | VMS_POINTER | VMS_ALLOC,                     \
    .offset = vmstate_offset_pointer(_s, _f, uint8_t),                  \
}

/* Bytes that are written as zeros and ignored on input. */
#define VMSTATE_UNUSED_BUFFER(_test, _v, _size) {                        \
    .name = "unused", .field_exists = (_test), .version_id = (_v),      \
    .size = (_size), .type = VMSTATE_TYPE_UNUSED, .flags = VMS_SINGLE,  \
}
#define VMSTATE_UNUSED_V(_v, _size) VMSTATE_UNUSED_BUFFER(NULL, _v, _size)
#define VMSTATE_UNUSED(_size) VMSTATE_UNUSED_V(0, _size)
#define VMSTATE_UNUSED_TEST(_test, _size) \
    VMSTATE_UNUSED_BUFFER(_test, 0, _size)

/* qvisit's own: an enum stored in an int (a C enum of that size), visited
 * with visit_type_enum() and @_names, NULL-terminated. */
#define VMSTATE_ENUM_V(_f, _s, _v, _names) {                             \
    .name = #_f, .version_id = (_v), .size = sizeof(((_s *)0)->_f),     \
    .type = VMSTATE_TYPE_ENUM, .flags = VMS_SINGLE,                     \
    .offset = offsetof(_s, _f), .enum_names = (_names),                 \
}
#define VMSTATE_ENUM(_f, _s, _names) VMSTATE_ENUM_V(_f, _s, 0, _names)

/* qvisit's own: a field whose part of the walk is a function, with the
 * signature of a hand-written walk of that part. */
#define VMSTATE_WALK_TEST(_f, _s, _v, _test, _walk) {                    \
    .name = #_f, .version_id = (_v), .field_exists = (_test),           \
    .size = sizeof(((_s *)0)->_f), .type = VMSTATE_TYPE_WALK,           \
    .flags = VMS_SINGLE, .offset = offsetof(_s, _f), .walk = (_walk),   \
}
#define VMSTATE_WALK_V(_f, _s, _v, _walk) \
    VMSTATE_WALK_TEST(_f, _s, _v, NULL, _walk)
#define VMSTATE_WALK(_f, _s, _walk) VMSTATE_WALK_TEST(_f, _s, 0, NULL, _walk)

#endif /* QVISIT_VMSTATE_H */
