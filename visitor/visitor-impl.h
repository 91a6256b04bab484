/*
 * The contract between the visitor core (visitor/visitor.c) and each
 * visitor implementation: the implementer header. Not installed; included
 * by the core and by visitor implementations (files named *-visitor.c,
 * also in higher folders such as qemufile/), nothing else
 * (tests/check-layers.sh).
 *
 * The core owns everything shared: the stack of open structs/arrays, the
 * current member path for error messages, element counting, range checks of
 * integer widths, pending errors from visit_optional(), limits. An
 * implementation only moves values. Each public visit_*() call updates the
 * core state, then calls the matching callback below with the same name.
 *
 * Integer callbacks work on 64-bit values plus the field's width in bits
 * (8, 16, 32 or 64). Output callbacks get the value widened; input
 * callbacks return the value read and the core checks that it fits the
 * width (QVISIT_ERROR_RANGE) before storing it, so *obj stays unchanged on
 * any failure. A binary input visitor reads exactly `bits / 8` bytes and
 * sign-extends signed values.
 *
 * Errors are raised with visit__set_error(), which prefixes the current
 * path. Callbacks that fail must return false with the error set.
 */
#ifndef QVISIT_VISITOR_IMPL_H
#define QVISIT_VISITOR_IMPL_H

#include "qvisit/visitor.h"
#include "qvisit/error.h"
#include "util/byte-window.h"

typedef enum VisitorFrameKind {
    VISITOR_FRAME_ROOT,       /* no frame open */
    VISITOR_FRAME_STRUCT,
    VISITOR_FRAME_ARRAY,
} VisitorFrameKind;

/* One open struct or array, as the core tracks it. */
typedef struct VisitorFrame {
    const char *name;  /* borrowed member name; NULL for elements, root */
    bool is_array;
    VisitorFrameKind parent_kind; /* kind of the frame below, or root */
    size_t len;        /* arrays: announced element count */
    size_t index;      /* arrays: elements visited so far */
} VisitorFrame;

struct Visitor {
    VisitorType type;

    /* Must be set. */
    bool (*start_struct)(Visitor *v, const char *name, GError **errp);
    /* Must be set. Input visitors report unexpected members here. */
    bool (*end_struct)(Visitor *v, GError **errp);
    /* Must be set. Input visitors check the input's length against len. */
    bool (*start_array)(Visitor *v, const char *name, size_t len,
                        GError **errp);
    /* Must be set. */
    bool (*end_array)(Visitor *v, GError **errp);
    /*
     * Must be set. Output: record *present. Input: set *present. Return
     * false with *errp set when presence cannot be decided; the core then
     * stores the error and fails the next call with it.
     */
    bool (*optional)(Visitor *v, const char *name, bool *present,
                     GError **errp);
    /*
     * Optional; fallback: optional() for @name, then start_struct().
     * Starts a QEMU subsection (visit_start_subsection()): output: write
     * its header when *present; input: set *present and *version from
     * the input. Not called while an error is pending. The core opens
     * the struct frame when *present; end_struct() closes it.
     */
    bool (*start_subsection)(Visitor *v, const char *name,
                             uint32_t *version, bool *present,
                             GError **errp);
    /* Must be set. See the header comment for widths. */
    bool (*type_int)(Visitor *v, const char *name, int64_t *obj,
                     unsigned bits, GError **errp);
    bool (*type_uint)(Visitor *v, const char *name, uint64_t *obj,
                      unsigned bits, GError **errp);
    bool (*type_bool)(Visitor *v, const char *name, bool *obj, GError **errp);
    bool (*type_number)(Visitor *v, const char *name, double *obj,
                        GError **errp);
    /* Input: store a g_malloc'ed string only on success. */
    bool (*type_str)(Visitor *v, const char *name, char **obj, GError **errp);
    /* Input: write buf only on success. */
    bool (*type_buffer)(Visitor *v, const char *name, void *buf, size_t len,
                        GError **errp);
    /*
     * Optional; fallback is type_int of 32 bits, the enum's wire form.
     * Tree visitors write the value's name from @names (NULL-terminated)
     * and read a name or a number; the core range-checks the result.
     */
    bool (*type_enum)(Visitor *v, const char *name, int64_t *obj,
                      const char *const *names, GError **errp);
    /*
     * Optional; fallback is one type_uint call per element. Called between
     * the core's start_array and end_array callbacks for the array, so it
     * visits only the elements. It may call visit__set_index() before
     * raising an error so the path names the failing element.
     */
    bool (*type_uint_array)(Visitor *v, void *arr, unsigned bits, size_t n,
                            GError **errp);
    /* Optional; fallback succeeds. Hand over the output. */
    bool (*complete)(Visitor *v, GError **errp);
    /*
     * Optional; fallback: no offset. An input visitor reading a byte
     * stream sets *offset to the stream offset where the value it read
     * last starts and returns true, so errors about that value raised
     * outside the visitor (visit_range_error()) say where it is, as the
     * visitor's own errors do. Returns false when it does not know (no
     * value read yet, or the stream moved on without it).
     */
    bool (*value_offset)(Visitor *v, uint64_t *offset);
    /*
     * Optional; fallback: none. An input visitor of QEMU's bytes returns
     * true, with the NUL-terminated name in @name and the stream offset
     * of the header in @offset, when its next bytes are a whole
     * subsection header (QEMU_VM_SUBSECTION and the name), reading
     * nothing: for a field table, which, as QEMU's
     * vmstate_subsection_load() does, refuses a subsection of its own
     * that it did not read (unknown, or out of its order).
     */
    bool (*peek_subsection)(Visitor *v, char name[256], uint64_t *offset);
    /*
     * Optional; fallback does nothing. visit_config_member() announces
     * that member @name of the innermost struct exists only under some
     * device configurations, and whether this one has it. Reads and
     * writes no value; a visitor that describes layouts records it.
     */
    void (*config_member)(Visitor *v, const char *name, bool present);
    /* Must be set: frees the implementation's state and the Visitor. */
    void (*free)(Visitor *v);

    /*
     * Optional: the fast path for byte output. A visitor that writes bytes
     * may lend the core a window on its output buffer (see
     * util/byte-window.h); the core then stores the values below straight
     * into it, after its own well-formedness checks, and skips the
     * callbacks. The window's contract:
     *
     * - an integer of 8, 16, 32 or 64 bits is its value's bytes,
     *   fixed-width big-endian (a signed one in two's complement);
     * - a bool, and the presence byte of visit_optional(), is one byte,
     *   0 or 1;
     * - visit_type_buffer() bytes are written as they are;
     * - structs and arrays write nothing: their callbacks are skipped
     *   too, so such a visitor must write nothing for them;
     * - a window with no room (limit 0) sends every call to the
     *   callbacks, which flush or report. The lender keeps limit 0 while
     *   it has an error, and its optional callback may fail only then, so
     *   the direct path's room check also covers a pending error.
     *
     * The window must stay valid as long as the visitor. The
     * field-by-field benchmark holds converted devices to legacy
     * qemu_put_*() code through this path (docs/performance.md).
     */
    ByteWindow *direct_window;

    /*
     * Optional: the fast path for byte input, direct_window's mirror. An
     * input visitor that reads exactly that encoding may lend the core
     * its read window (util/byte-window.h, "Reading"); the core then takes
     * integers, bools, presence bytes and buffers straight from it when
     * the window holds them and no error is pending, and skips the
     * callbacks, structs' and arrays' too (so such a visitor must read
     * nothing for them and check only what the core's slow paths check).
     * A bool or presence byte other than 0 and 1 stays in the window for
     * the callback to report. The lender keeps limit 0 while it has an
     * error and base + pos at the stream offset of the next byte. After
     * each value the core takes, direct_value_end is that stream offset
     * after the value and direct_value_len the value's size in bytes; the
     * lender sets direct_value_len to 0 when a callback reads a value, and
     * its value_offset callback uses the two to locate the value read
     * last. The field-by-field load benchmark holds the QEMUFile input
     * visitor to legacy qemu_get_*() code through this path
     * (docs/performance.md).
     */
    ByteWindow *direct_input;
    uint64_t direct_value_end;
    size_t direct_value_len;

    /* Core state; implementations read it only through the helpers. */
    VisitorFrame *frames;     /* open structs/arrays, outermost first */
    size_t nframes;
    size_t frames_cap;
    VisitorFrame *top;        /* &frames[nframes - 1], or NULL at root */
    VisitorFrameKind top_kind; /* top's kind, kept beside it for the
                                  direct path, which tests it per field */
    size_t direct_frames;     /* frames the direct path may open: the
                                 array's capacity capped by the depth
                                 limit */
    const char *cur_name;     /* name of the call in progress */
    bool in_call;             /* a member call is in progress */
    GError *pending;          /* from a failed visit_optional() */
    QVisitLimits limits;
    bool limits_set;          /* visit_set_limits() was called */
    uint32_t version;         /* visit_set_version(); 0: the newest */
    bool completed;
};

/*
 * The elements of a native unsigned array (visit_type_u8_array() ...)
 * without its start and end: @n elements of @bits bits at @arr, inside an
 * array the caller has opened, from the index it has reached. The field
 * table interpreter reads a large allocated array in pieces with it, so
 * its memory grows only with what the input holds.
 */
bool visit__uint_elements(Visitor *v, void *arr, unsigned bits, size_t n,
                          GError **errp);

/*
 * visit_type_u8() .. visit_type_i64() of the integer of @size bytes (1,
 * 2, 4 or 8) at @p, in one call without the direct path: for the
 * field-table interpreter, which picks the width from the table.
 */
bool visit__type_int_at(Visitor *v, const char *name, void *p,
                        unsigned size, bool is_signed, GError **errp);

/*
 * Initialises the core part of a freshly g_new0'ed visitor. Call from every
 * constructor after setting the callbacks.
 */
void visit__init(Visitor *v, VisitorType type);

/*
 * Returns the core part to its state after visit__init(), keeping the
 * frame array's memory, so a visitor can be reused for a new walk.
 */
void visit__reset(Visitor *v);

/* Releases the core part; call from the implementation's free callback. */
void visit__cleanup(Visitor *v);

/*
 * Cuts a visitor loose from the byte sink or source it was made on, when
 * its owner frees it (qemu_fclose() does this for the visitors on a
 * QEMUFile; see QEMUFileVisitorLink in qemufile/qemu-file-internal.h):
 * every callback but free is replaced by one that fails with
 * QVISIT_ERROR_IO "<path>: the file is closed", and the byte window is
 * turned off, so nothing reaches the freed target.
 */
void visit__detach(Visitor *v);

/*
 * Sets an error whose message is "<current path>: <fmt...>" and returns
 * false. The current path is the open frames plus the name of the call in
 * progress.
 */
bool visit__set_error(Visitor *v, GError **errp, int code, const char *fmt,
                      ...) G_GNUC_PRINTF(4, 5);

/* As visit__set_error(), for member @member of the innermost struct. */
bool visit__set_error_member(Visitor *v, GError **errp, const char *member,
                             int code, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

/* Sets the index of the innermost array (used by type_uint_array). */
void visit__set_index(Visitor *v, size_t index);

/*
 * Decodes @hex_len hex digits (either case) into exactly @len bytes at
 * @buf, which is written only on success (visitor/visitor-hex.c; the
 * encoder is util/hex.h's hex_encode()). Errors: QVISIT_ERROR_PARSE for a
 * non-digit or an odd count, QVISIT_ERROR_LENGTH for another byte count.
 */
bool visit__hex_decode(Visitor *v, const char *hex, size_t hex_len,
                       void *buf, size_t len, GError **errp);

/* Returns "u8".."u64" or "i8".."i64". */
const char *visit__int_type_name(unsigned bits, bool is_signed);

#endif /* QVISIT_VISITOR_IMPL_H */
