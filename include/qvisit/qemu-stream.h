/*
 * Real QEMU migration streams: decode to a QObject dump, encode back.
 *
 * A QEMU 7.2 migration stream ("QEVM", version 3) is a header, an optional
 * configuration section, a sequence of records (START/PART/END/FULL
 * sections, COMMANDs) up to an EOF byte, and usually a JSON description of
 * every device's fields (the "vmdesc") at the very end. Device payloads
 * are not self-describing: they are decoded field by field through that
 * vmdesc, so a reader needs it before the device sections.
 * docs/qemu-streams.md describes the layout and both dump formats.
 *
 * Two dump layouts:
 * - the native dump (default): every record in order with its framing
 *   (section ids, instance and version ids, footer presence), typed device
 *   values (numbers as numbers), the raw vmdesc text, and the RAM records
 *   summarised, or in full with @ram_full. A full native dump re-encodes
 *   byte for byte with qemu_stream_encode().
 * - the analyze-compat dump: the document QEMU 7.2's
 *   scripts/analyze-migration.py prints for `-f STREAM` (hex strings,
 *   "idstr (section id)" keys); qobject_to_json_pretty() and a newline
 *   give the script's text byte for byte.
 *
 * Life cycle: fill a QemuStreamOptions with qemu_stream_options_init(),
 * call one of the qemu_stream_dump*() functions, and unref the result.
 * Reading never allocates what the stream merely claims: lengths are
 * checked against the QVisitLimits and long items are read in chunks; the
 * dump itself is charged against max_alloc as it grows (with @section_fn,
 * only what waits to be handed out), and so is the parsed vmdesc. RAM
 * pages are only kept with @ram_full; the decoded device state is the
 * dump, except that an analyze-compat dump with @section_fn hands each
 * section out as it completes, so memory is then bounded by the largest
 * section plus the vmdesc, whatever the size of the stream.
 *
 * Errors carry the section name and field path, then the byte offset in
 * the stream: `cpu.env.fpregs[3].tmp: stream truncated at byte 240112`.
 */
#ifndef QVISIT_QEMU_STREAM_H
#define QVISIT_QEMU_STREAM_H

#include <glib.h>

#include "qvisit/common.h"
#include "qvisit/limits.h"
#include "qvisit/qemu-file.h"
#include "qvisit/qobject.h"

/**
 * QemuStreamSectionFn:
 * @key: (transfer none): the member's name, e.g. "timer (0)"; valid
 *   during the call only
 * @value: (transfer full): the member's value; the callee owns it
 * @opaque: the options' @section_opaque
 * @errp: return location for an error
 *
 * Receives one top-level member of an analyze-compat dump as soon as it is
 * complete (a FULL section at once, the RAM section after its END record),
 * in document order.
 *
 * Returns: true to go on; false, with @errp set, to stop the decoding
 *   with that error.
 * Since: 0.1
 */
typedef bool (*QemuStreamSectionFn)(const char *key, QObject *value,
                                    void *opaque, GError **errp);

/**
 * QemuStreamLayouts:
 * @decode: decodes the payload of FULL section @idstr (instance
 *   @instance_id, version @version_id) from @f, positioned at the
 *   payload's first byte, consuming exactly the payload. Returns the
 *   section's state (transfer full) as the vmdesc-based native dump has
 *   it, or NULL with @errp set: %QVISIT_ERROR_UNKNOWN, having read
 *   nothing, when it has no layout for the section; any other code for a
 *   payload that does not fit the layout
 * @encode: the reverse: writes @state (transfer none) of section @idstr
 *   as its payload onto @f. Returns false with @errp set, writing
 *   nothing, when @state does not fit the layout, or
 *   %QVISIT_ERROR_UNKNOWN when it has no layout for the section
 * @opaque: passed to both
 *
 * Device layouts known without a vmdesc, e.g. the qvisit CLI's built-in
 * QEMU devices: they decode and encode the device sections of a stream
 * written without a vmdesc (QEMU's suppress-vmdesc=on). The structure
 * must outlive the calls that use it.
 *
 * Since: 0.2
 */
typedef struct QemuStreamLayouts {
    QDict *(*decode)(void *opaque, const char *idstr, uint32_t instance_id,
                     uint32_t version_id, QEMUFile *f,
                     const QVisitLimits *limits, GError **errp);
    bool (*encode)(void *opaque, const char *idstr, uint32_t instance_id,
                   uint32_t version_id, QDict *state, QEMUFile *f,
                   GError **errp);
    void *opaque;
} QemuStreamLayouts;

/**
 * QemuStreamOptions:
 * @analyze_compat: produce analyze-migration.py's document instead of the
 *   native dump
 * @ram_full: native dump only: keep every RAM record and page (needed to
 *   re-encode); without it RAM is summarised per block
 * @vmdesc: (nullable) (transfer none): a description to decode with
 *   instead of the stream's own, e.g. borrowed from another stream of the
 *   same machine for a stream written with suppress-vmdesc=on; it must
 *   outlive the call
 * @limits: (nullable) (transfer none): limits on lengths, depth and
 *   allocations; NULL for qvisit_limits_default()
 * @section_fn: (nullable): analyze-compat only: hand each top-level member
 *   to this function as soon as it is complete instead of collecting it,
 *   so that memory and output stay bounded by the largest section; the
 *   dump returned is then an empty dict. If a section id is reused, its
 *   two members are handed out separately, where analyze-migration.py
 *   would print only the second (QEMU does not reuse ids)
 * @section_opaque: passed to @section_fn
 * @layouts: (nullable) (transfer none): native dump and stream summary
 *   (qemu_stream_info_path()) only: for a stream that has no vmdesc (and
 *   no @vmdesc given), decode each device section through these layouts
 *   instead of failing with %QVISIT_ERROR_MISSING; RAM is split at 4 KiB
 *   pages (x86's), and the dump has no "vmdesc" member (since 0.2)
 * @partial: with @layouts: a section they do not know is skipped by
 *   searching for its footer and kept in the dump as "opaque" bytes
 *   (see docs/qemu-streams.md, "Streams without a vmdesc", for how a
 *   footer is recognised); without @partial such a section is
 *   %QVISIT_ERROR_UNKNOWN (since 0.2)
 *
 * Since: 0.1
 */
typedef struct QemuStreamOptions {
    bool analyze_compat;
    bool ram_full;
    const QObject *vmdesc;
    const QVisitLimits *limits;
    QemuStreamSectionFn section_fn;
    void *section_opaque;
    const QemuStreamLayouts *layouts;
    bool partial;
} QemuStreamOptions;

/**
 * qemu_stream_options_init:
 * @opts: (out caller-allocates): the options to fill
 *
 * Sets the defaults: native dump, RAM summarised, the stream's own vmdesc,
 * default limits.
 *
 * Since: 0.1
 */
QVISIT_API void qemu_stream_options_init(QemuStreamOptions *opts);

/**
 * qemu_stream_dump:
 * @f: (transfer none): a file opened for reading, positioned at the
 *   stream's first byte; it is read up to the end of the stream
 * @opts: (nullable): options; NULL for the defaults
 * @errp: return location for an error
 *
 * Decodes a whole stream in one forward pass. A QEMUFile cannot seek, so
 * the description must be given in @opts->vmdesc; use qemu_stream_dump_fd()
 * or qemu_stream_dump_path() to use the stream's own vmdesc. Since 0.2,
 * @opts->layouts without @opts->vmdesc decodes a stream that has no
 * vmdesc through those layouts.
 *
 * Errors: %QVISIT_ERROR_MISSING without @opts->vmdesc or @opts->layouts;
 * %QVISIT_ERROR_PARSE for a bad magic, an unknown record type, a missing
 * or mismatched section footer, an unknown RAM flag combination or an
 * invalid vmdesc; %QVISIT_ERROR_VERSION for a stream version other than 3;
 * %QVISIT_ERROR_TRUNCATED when the stream ends early;
 * %QVISIT_ERROR_INVALID when a section disagrees with its description;
 * %QVISIT_ERROR_UNKNOWN for a section the vmdesc does not describe or an
 * unsupported record; %QVISIT_ERROR_LIMIT when a length exceeds
 * @opts->limits;
 * %QVISIT_ERROR_IO for a read error.
 *
 * Returns: (transfer full) (nullable): the dump, or NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *qemu_stream_dump(QEMUFile *f,
                                     const QemuStreamOptions *opts,
                                     GError **errp);

/**
 * qemu_stream_dump_fd:
 * @fd: a readable descriptor; not closed. A regular file is read from its
 *   start; anything else (a pipe) is read as it comes when @opts->vmdesc
 *   is set, and otherwise first copied to an unlinked temporary file, so
 *   memory stays bounded; the copy starts once the first bytes are a QEMU
 *   stream's and holds at most max_alloc bytes
 * @opts: (nullable): options; NULL for the defaults
 * @errp: return location for an error
 *
 * qemu_stream_dump() that finds the stream's vmdesc at its end first
 * (unless @opts->vmdesc is set). The first bytes are checked before
 * anything else is read.
 *
 * Errors: those of qemu_stream_dump(); %QVISIT_ERROR_MISSING when the
 * stream has no vmdesc and none was given; %QVISIT_ERROR_TRUNCATED for an
 * empty input (`header.magic: the stream is empty`) or one cut inside its
 * vmdesc (`vmdesc: stream truncated inside the description ...`);
 * %QVISIT_ERROR_PARSE for an input that is no QEMU stream, saying what it
 * is when it is a qvisit stream or JSON; %QVISIT_ERROR_LIMIT for a pipe
 * larger than max_alloc.
 *
 * Returns: (transfer full) (nullable): the dump, or NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *qemu_stream_dump_fd(int fd, const QemuStreamOptions *opts,
                                        GError **errp);

/**
 * qemu_stream_dump_path:
 * @path: a stream file name, or "-" for standard input
 * @opts: (nullable): options; NULL for the defaults
 * @errp: return location for an error
 *
 * qemu_stream_dump_fd() on a file name.
 *
 * Errors: those of qemu_stream_dump_fd(); %QVISIT_ERROR_IO when @path
 * cannot be opened.
 *
 * Returns: (transfer full) (nullable): the dump, or NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *qemu_stream_dump_path(const char *path,
                                          const QemuStreamOptions *opts,
                                          GError **errp);

/**
 * qemu_stream_load_vmdesc_path:
 * @path: a migration stream (starting with "QEVM") whose vmdesc is taken,
 *   or a JSON file holding a vmdesc (e.g. analyze-migration.py's -d desc
 *   output); "-" for standard input
 * @limits: (nullable): limits; NULL for the defaults
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_IO when @path cannot be read;
 * %QVISIT_ERROR_MISSING for a stream without a vmdesc;
 * %QVISIT_ERROR_PARSE for invalid JSON; %QVISIT_ERROR_INVALID when the
 * JSON is not a vmdesc (no "page_size" number or "devices" list).
 *
 * Returns: (transfer full) (nullable): the description, or NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *qemu_stream_load_vmdesc_path(const char *path,
                                                 const QVisitLimits *limits,
                                                 GError **errp);

/**
 * qemu_stream_encode:
 * @f: (transfer none): a file opened for writing
 * @dump: (transfer none): a native dump made with @ram_full
 * @errp: return location for an error
 *
 * Writes the stream @dump describes. For a dump of a QEMU stream the bytes
 * equal the original stream's. Only a dump whose stream QEMU 7.2 would
 * load and qemu_stream_dump() would read back unchanged is written: every
 * value must fit its wire width, RAM pages must lie inside a block of a
 * preceding block list, and so on (docs/qemu-streams.md lists the checks).
 * The whole dump is checked before the first byte reaches @f, so a
 * refused dump writes nothing; after a write error part of the stream may
 * have been written. The caller flushes and closes @f.
 *
 * Errors: %QVISIT_ERROR_MISSING, %QVISIT_ERROR_TYPE,
 * %QVISIT_ERROR_RANGE or %QVISIT_ERROR_LENGTH naming the dump member
 * (its JSON path) that is absent, of the wrong type, out of range or of
 * the wrong length (a summarised RAM record is MISSING its items);
 * %QVISIT_ERROR_INVALID for records or items that contradict each other
 * or what QEMU loads; %QVISIT_ERROR_VERSION for a stream or dump version
 * other than 3 or 1; %QVISIT_ERROR_UNKNOWN for a section the vmdesc does
 * not describe; %QVISIT_ERROR_PARSE for an invalid vmdesc text;
 * %QVISIT_ERROR_UNEXPECTED for a member the stream cannot hold (one of a
 * device state that the vmdesc lacks, or, since 0.2, one of the framing
 * that the encoder does not write, such as a misspelt "block" of a RAM
 * item, which would be dropped); %QVISIT_ERROR_IO when writing fails.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool qemu_stream_encode(QEMUFile *f, const QObject *dump,
                                   GError **errp);

/**
 * qemu_stream_encode_full:
 * @f: (transfer none): a file opened for writing
 * @dump: (transfer none): a native dump made with @ram_full
 * @limits: (nullable) (transfer none): limits for parsing the dump's
 *   vmdesc text; NULL for qvisit_limits_default()
 * @errp: return location for an error
 *
 * qemu_stream_encode() that parses the embedded vmdesc within @limits, so
 * that a dump made with raised limits (a description nested deeper than
 * the default max_depth) encodes with the same ones. Exceeding them is
 * %QVISIT_ERROR_LIMIT (`vmdesc: json: ...`).
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool qemu_stream_encode_full(QEMUFile *f, const QObject *dump,
                                        const QVisitLimits *limits,
                                        GError **errp);

/**
 * qemu_stream_encode_layouts:
 * @f: (transfer none): a file opened for writing
 * @dump: (transfer none): a native dump made with @ram_full
 * @limits: (nullable) (transfer none): as for qemu_stream_encode_full()
 * @layouts: (nullable) (transfer none): encode the device sections of a
 *   dump that has no vmdesc (one made with #QemuStreamOptions.layouts)
 *   through these
 * @errp: return location for an error
 *
 * qemu_stream_encode_full() for dumps of streams without a vmdesc too:
 * a FULL record's "state" is written by @layouts when the dump has no
 * vmdesc, and a record with "opaque" bytes instead of a state (a section
 * skipped with #QemuStreamOptions.partial) is written as those bytes.
 *
 * Errors: those of qemu_stream_encode(), and those of @layouts->encode.
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool qemu_stream_encode_layouts(QEMUFile *f, const QObject *dump,
                                           const QVisitLimits *limits,
                                           const QemuStreamLayouts *layouts,
                                           GError **errp);

/**
 * QemuStreamInfoFlags:
 * @QEMU_STREAM_INFO_DEFAULT: the summary only
 * @QEMU_STREAM_INFO_STATES: add each device section's decoded state
 *   ("state"), in the form the migration core reads it (what `qvisit
 *   convert` writes): typed values as in the native dump, "float64"
 *   fields as numbers, and a bool byte other than 0 or 1 an error
 * @QEMU_STREAM_INFO_RAM_DIGESTS: add to each RAM block a digest of every
 *   page's final content ("digests")
 *
 * What qemu_stream_info_path() puts into its summary besides the counts.
 * Flags may be added.
 *
 * Since: 0.2
 */
typedef enum {
    QEMU_STREAM_INFO_DEFAULT = 0,
    QEMU_STREAM_INFO_STATES = 1 << 0,
    QEMU_STREAM_INFO_RAM_DIGESTS = 1 << 1,
} QemuStreamInfoFlags;

/**
 * qemu_stream_info_path:
 * @path: a stream file name, or "-" for standard input (read as
 *   qemu_stream_dump_fd() reads it)
 * @opts: (nullable): options; only @vmdesc, @limits, @layouts and
 *   @partial are used (the last two since 0.2: a stream without a vmdesc
 *   is read through @layouts, as qemu_stream_dump_path() reads it)
 * @flags: what to add to the summary
 * @errp: return location for an error
 *
 * Reads a whole QEMU savevm stream (one QEMU wrote, or the migration
 * core's legacy format) in one forward pass and summarises it, for
 * `qvisit info` and `qvisit diff`:
 *
 * |[
 * {"stream_version": 3, "size": 350517, "page_size": 4096,
 *  "machine_type": "pc-i440fx-7.2",      // null without configuration
 *  "configuration": {...},               // the native dump's, or null
 *  "vmdesc": {"bytes": 98649},           // {"borrowed": true}, or null
 *  "sections": [{"section_id": 2, "idstr": "ram", "instance_id": 0,
 *                "version_id": 4, "ram": true, "records": 3,
 *                "bytes": 238974}, ...],  // in order of first record
 *  "ram": {"page_size": 4096, "blocks": [{"id": "pc.ram",
 *          "length": 16777216, "pages": 96, "zero_pages": 4000,
 *          "compressed_pages": 0, "xbzrle_pages": 0}, ...]},
 *  "commands": [{"cmd": 2, "name": "PING", "data": "00000001",
 *                "offset": 238995}]}
 * ]|
 *
 * Without a vmdesc (and none in @opts) the device sections are decoded
 * through @opts->layouts, "vmdesc" is null and "page_size" 4096; with
 * @opts->partial, a section the layouts do not know is skipped by the
 * footer search and its summary has "opaque": true and, with
 * %QEMU_STREAM_INFO_STATES, "opaque_payload": its payload as lowercase
 * hex instead of a "state". Without @opts->layouts such a stream is
 * %QVISIT_ERROR_MISSING.
 *
 * A section's "bytes" add up its records, headers and footers included;
 * the page counts count the records of each kind (a page sent twice
 * counts twice). With %QEMU_STREAM_INFO_RAM_DIGESTS each block has
 * "digests": 16 lowercase hex digits per page of the block, in page
 * order, the 64-bit digest (not cryptographic) of the page's final
 * content: the last copy of a page wins, a zero page is its fill byte
 * repeated, a compressed page is inflated; an XBZRLE page's digest
 * combines the page's previous digest with the encoded update, so equal
 * memory reached through different XBZRLE updates compares unequal;
 * "0000000000000000" marks a page the stream never sent. Memory is the
 * vmdesc, the largest section's state and 8 bytes per RAM page, all
 * charged against max_alloc.
 *
 * Errors: those of qemu_stream_dump_path(), and, for a stream whose
 * device states the migration core cannot read, a section id that is not
 * printable ASCII (%QVISIT_ERROR_PARSE) or a bool byte other than 0 and 1
 * (%QVISIT_ERROR_RANGE).
 *
 * Returns: (transfer full) (nullable): the summary, or NULL on error.
 * Since: 0.2
 */
QVISIT_API QObject *qemu_stream_info_path(const char *path,
                                          const QemuStreamOptions *opts,
                                          QemuStreamInfoFlags flags,
                                          GError **errp);

/**
 * qemu_stream_info_mem:
 * @data: (transfer none): the whole stream; not copied, read during the
 *   call only
 * @len: number of bytes at @data
 * @opts: (nullable): options; only @vmdesc, @limits, @layouts and
 *   @partial are used, as by qemu_stream_info_path()
 * @flags: what to add to the summary
 * @errp: return location for an error
 *
 * qemu_stream_info_path() on a stream in memory, such as one read from
 * standard input; the vmdesc is found at its end unless @opts gives one.
 * The summary's "size" is @len.
 *
 * Errors: those of qemu_stream_info_path().
 *
 * Returns: (transfer full) (nullable): the summary, or NULL on error.
 * Since: 0.2
 */
QVISIT_API QObject *qemu_stream_info_mem(const void *data, size_t len,
                                         const QemuStreamOptions *opts,
                                         QemuStreamInfoFlags flags,
                                         GError **errp);

#endif /* QVISIT_QEMU_STREAM_H */
