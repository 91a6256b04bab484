/*
 * The built-in QEMU devices: qvisit walks of the device sections QEMU 7.2
 * writes (mc146818rtc, i8254, ...), written from the facts of QEMU's
 * VMStateDescriptions. With them qvisit decodes a QEMU stream that has
 * no vmdesc (QEMU's suppress-vmdesc=on), re-encodes it byte for byte, and
 * checks a stream's vmdesc against what it knows (`qvisit check --qemu
 * STREAM --layouts builtin`); docs/qemu-streams.md, "Streams without a
 * vmdesc".
 *
 * Not public API: linked into the CLI, tests and benchmarks as part of
 * build/libqvisit-devices.a. Each QemuDevice describes one section kind
 * at a range of versions. A device's walk, run by a QEMUFile input
 * visitor into a QObject output visitor, gives exactly the section's
 * "state" in the vmdesc-based `qvisit dump --qemu` (same member names and
 * order, same values), and the reverse walk gives the payload's bytes.
 * /work/wt/qemu-devices-interface.md (while the work is split) and
 * docs/qemu-streams.md give the rules for writing one.
 */
#ifndef QVISIT_QEMU_DEVICES_H
#define QVISIT_QEMU_DEVICES_H

#include <qvisit/qvisit.h>

/*
 * A walk of one vmsd: visits the vmsd's fields, then its subsections, as
 * members of the struct the caller has open (the runner opens the
 * section's root struct; a VMSTATE_STRUCT field's walk is called between
 * visit_start_struct(v, "field") and visit_end_struct()). @version is the
 * vmsd version being read or written (the section's version_id for the
 * top-level vmsd). The walk works with every visitor; an input walk may
 * leave @state partly written on failure, and clear() still releases it.
 */
typedef bool (*QemuDeviceWalk)(Visitor *v, void *state, uint32_t version,
                               GError **errp);

typedef struct QemuDevice QemuDevice;

/*
 * What a walk whose layout depends on configuration the section does not
 * carry can learn before it runs (QemuDevice.configure): from the stream
 * around the section when decoding, from the state tree when encoding.
 */
typedef struct QemuDeviceContext {
    const char *idstr;
    uint32_t version;
    /* The stream has a configuration record (QEMU leaves it out for
     * machine types up to 2.3), and its machine type, or NULL. Without
     * a stream (a direct qemu_device_decode() call): true and NULL. */
    bool has_configuration;
    const char *machine_type;
    /* Decoding: the payload's first @len bytes as peeked from the file
     * (at most QEMU_DEVICE_PEEK, possibly running past the payload into
     * the footer and the next record), the section id and whether the
     * stream has section footers (1), none (0) or not known (-1). NULL
     * and 0 when encoding. */
    const uint8_t *payload;
    size_t len;
    uint32_t section_id;
    int footers;
    /* Encoding and describing: the state tree (borrowed); else NULL. */
    QDict *tree;
} QemuDeviceContext;

/* The most payload bytes a QemuDeviceContext shows (the QEMUFile peek
 * window). */
#define QEMU_DEVICE_PEEK 32768

typedef struct QemuDevice {
    /* The catalogue key: the section idstr's last "/" component, e.g.
     * "I440FX" for "0000:00:00.0/I440FX"; the whole idstr when it has
     * no "/". */
    const char *name;
    /* The vmdesc's "vmsd_name" of the section. */
    const char *vmsd_name;
    /* The version_id QEMU 7.2 writes. */
    uint32_t version;
    /* The oldest version_id @visit reads. */
    uint32_t minimum_version;
    /* Bytes of the state struct; the runners allocate it zeroed. */
    size_t state_size;
    QemuDeviceWalk visit;
    /* Nullable: frees what the walk allocated inside the state. */
    void (*clear)(void *state);
    /* Nullable: sets the configuration members of a zeroed @state from
     * @ctx before any walk of it (decode, encode, describe). */
    void (*configure)(const QemuDevice *dev, void *state,
                      const QemuDeviceContext *ctx);
} QemuDevice;

/*
 * For a configure hook: runs @dev's input walk of @version over @len
 * bytes at @buf into @state (zeroed by the caller, configured as the
 * trial wants) and sets *@used to the bytes it consumed.
 *
 * Returns: true when the walk succeeded.
 */
bool qemu_device_try(const QemuDevice *dev, const char *idstr,
                     uint32_t version, void *state, const uint8_t *buf,
                     size_t len, size_t *used);

/*
 * For a configure hook: whether a payload that ends after @used bytes of
 * @ctx->payload is followed by what follows a section there: its footer
 * (0x7e, be32 section id) in a stream with footers, else a record type
 * byte (EOF, START, PART, END, FULL or COMMAND).
 */
bool qemu_device_ends_at(const QemuDeviceContext *ctx, size_t used);

/*
 * For a configure hook that decodes a count the stream does not carry:
 * the smallest n in 0..@max such that a trial decode of @ctx's payload
 * into a copy of @state (zeroed but for the configuration the hook set
 * before; no pointers) on which @set(copy, n) was called succeeds and
 * ends where the section ends (qemu_device_ends_at()); 0 when none does
 * (the real decode then reports the error). At most @max + 1 trials,
 * each of at most QEMU_DEVICE_PEEK bytes.
 */
uint32_t qemu_device_find_count(const QemuDevice *dev,
                                const QemuDeviceContext *ctx,
                                const void *state, uint32_t max,
                                void (*set)(void *state, uint32_t n));

/*
 * For a configure hook that decodes: whether the stream's machine type
 * is older than QEMU's @major.@minor versioned machine types, so that
 * QEMU 7.2 applies the compat properties of the newer ones: true for a
 * stream without a configuration record (machine types up to 2.3) and
 * for "pc-i440fx-M.N", "pc-q35-M.N", "xenfv-M.N" or "pc-M.N" older than
 * @major.@minor; false otherwise (unversioned or unknown names, no
 * stream).
 */
bool qemu_device_machine_older(const QemuDeviceContext *ctx,
                               unsigned major, unsigned minor);

/*
 * Returns the descriptor for section @idstr (the whole idstr as in the
 * stream) at @version, or NULL when no descriptor has that name and a
 * version range holding @version. The pointer is static.
 */
const QemuDevice *qemu_devices_find(const char *idstr, uint32_t version);

/*
 * Returns every descriptor, in catalogue order (a static array), and sets
 * *@n to their number.
 */
const QemuDevice *const *qemu_devices_list(size_t *n);

/*
 * Decodes one section payload: @dev's walk of @version through a
 * QEMUFile input visitor on @f (positioned at the payload's first byte;
 * exactly the payload is consumed) into a zeroed state, then through a
 * QObject output visitor. Errors name "<idstr>.<path>" and the byte
 * offset; @limits (nullable) bounds what is read.
 *
 * Returns: (transfer full): the state tree, or NULL with @errp set.
 */
QDict *qemu_device_decode(const QemuDevice *dev, const char *idstr,
                          uint32_t version, QEMUFile *f,
                          const QVisitLimits *limits, GError **errp);

/*
 * The reverse of qemu_device_decode(): @state through a QObject input
 * visitor into a zeroed state, then through a QEMUFile output visitor
 * onto @f (opened for writing). Writes nothing when @state does not fit
 * the walk.
 *
 * Returns: true on success.
 */
bool qemu_device_encode(const QemuDevice *dev, const char *idstr,
                        uint32_t version, QDict *state, QEMUFile *f,
                        GError **errp);

/*
 * The vmdesc description of a decoded section, for comparing with a
 * stream's own: @state re-walked through the codec's vmdesc visitor.
 * Sets *@fields and *@subsections (transfer full; NULL when there are
 * none) to the "fields" and "subsections" of the section's vmdesc entry
 * as the walk writes them (types are qvisit's visit types, not QEMU's
 * VMStateInfo names).
 *
 * Returns: true on success.
 */
bool qemu_device_describe(const QemuDevice *dev, const char *idstr,
                          uint32_t version, QDict *state, QList **fields,
                          QList **subsections, GError **errp);

/*
 * Visits QEMU subsection @name, written at @version, whose fields @walk
 * visits (with the version read or written): the usual
 * visit_start_subsection() ... visit_end_subsection() of a subsection
 * whose presence the state keeps in *@present. An input older than
 * @minimum_version is QVISIT_ERROR_VERSION, as QEMU refuses it.
 */
bool qemu_dev_subsection(Visitor *v, const char *name, uint32_t version,
                         uint32_t minimum_version, bool *present,
                         QemuDeviceWalk walk, void *state, GError **errp);

/*
 * The catalogue as #QemuStreamLayouts, for qemu_stream_dump_path() and
 * qemu_stream_encode_layouts() on streams without a vmdesc: a section
 * whose name and version no descriptor has is QVISIT_ERROR_UNKNOWN
 * ("<idstr>: no built-in layout for version N"), read or written
 * nothing. The pointer is static.
 */
const QemuStreamLayouts *qemu_devices_layouts(void);

/* The verdict on one section of qemu_devices_check_stream(). */
typedef enum QemuDevicesCheck {
    QEMU_DEVICES_CHECK_OK,          /* the descriptions agree */
    QEMU_DEVICES_CHECK_DIFFERS,     /* they disagree (the line says how) */
    QEMU_DEVICES_CHECK_UNCHECKED,   /* no built-in device for it */
} QemuDevicesCheck;

/*
 * `qvisit check --qemu STREAM --layouts builtin`: compares each device
 * section of the vmdesc of the stream at @path with the description the
 * built-in device writes for the same state (decoded through the
 * vmdesc): vmsd name and version, field names, order, element counts and
 * sizes, nested structs, subsection names and versions (not type names).
 * @counts[QemuDevicesCheck] are set to the number of sections of each
 * verdict.
 *
 * Returns: (transfer full): one line per section, in stream order
 *   ("ok: ...", "differs: KIND: PATH: ...", "unchecked: ..."), or NULL
 *   with @errp set for a stream that cannot be read or has no vmdesc
 *   (QVISIT_ERROR_MISSING).
 */
GPtrArray *qemu_devices_check_stream(const char *path,
                                     const QVisitLimits *limits,
                                     unsigned counts[3], GError **errp);

/* The built-in devices, one `const QemuDevice` each (qemu-devices-list.h). */
#define QEMU_DEVICE(sym) extern const QemuDevice sym;
#include "examples/qemu-devices/qemu-devices-list.h"
#undef QEMU_DEVICE

#endif /* QVISIT_QEMU_DEVICES_H */
