/*
 * QEMU's own schemas: the files `qemu-system-x86_64 -machine M
 * -dump-vmstate FILE.json` writes.
 *
 * Such a file is one JSON object. Its member "vmschkmachine" holds the
 * machine type ({"Name": "pc-i440fx-7.2"}); every other member is a device
 * type that has a qdev vmsd, keyed by the type's name ("isa-pit"), with
 * the vmsd's "version_id" and "minimum_version_id" and its "Description":
 * the vmsd "name", versions, "Fields" (each with "field", "version_id",
 * "field_exists", the in-memory "size" of one element and, for a struct, a
 * nested "Description") and "Subsections" (descriptions of their own).
 * The file does not depend on the machine version, only on the QEMU binary
 * (its build and version); it lists no section that QEMU registers without
 * a qdev vmsd (timer, cpu, apic, PCIBUS, ide, globalstate, ram...).
 *
 * Two uses:
 * - qemu_vmstate_compare() checks two such files as QEMU 7.2's
 *   scripts/vmstate-static-checker.py does: every finding the script
 *   prints, in the same order, with the same rules (its tables of renamed
 *   fields and sections included), as one #QemuVmstateFinding each.
 * - qemu_vmstate_check_vmdesc() tells whether the sections a stream's
 *   vmdesc describes would load into the QEMU that wrote the file.
 *
 * Life cycle: load a file with qemu_vmstate_load_path() or
 * qemu_vmstate_from_json(), run either check, which returns a GPtrArray of
 * findings that owns them, and free both. A QemuVmstate is immutable once
 * loaded: several threads may check against one at the same time.
 * docs/qemu-streams.md ("Checking against -dump-vmstate") shows the output.
 */
#ifndef QVISIT_QEMU_VMSTATE_H
#define QVISIT_QEMU_VMSTATE_H

#include <glib.h>

#include "qvisit/common.h"
#include "qvisit/limits.h"
#include "qvisit/qobject.h"

/**
 * QemuVmstate:
 *
 * A loaded `-dump-vmstate` file; opaque.
 *
 * Since: 0.2
 */
typedef struct QemuVmstate QemuVmstate;

/**
 * QemuVmstateFinding:
 *
 * One finding of qemu_vmstate_compare() or one result of
 * qemu_vmstate_check_vmdesc(); opaque, read with the
 * qemu_vmstate_finding_get_*() functions.
 *
 * Since: 0.2
 */
typedef struct QemuVmstateFinding QemuVmstateFinding;

/**
 * QemuVmstateFindingKind:
 * @QEMU_VMSTATE_FINDING_MACHINE_TYPE: the two files name different machine
 *   types (a warning, as in the static checker)
 * @QEMU_VMSTATE_FINDING_SECTION_MISSING: a source section has no
 *   destination section, even under its known former name
 * @QEMU_VMSTATE_FINDING_VERSION: a version above the destination's
 * @QEMU_VMSTATE_FINDING_MINIMUM_VERSION: a version below the destination's
 *   minimum
 * @QEMU_VMSTATE_FINDING_ENTRY_MISSING: a member of a source section or
 *   description ("Description", "Fields", "Subsections") that the
 *   destination lacks
 * @QEMU_VMSTATE_FINDING_DESCRIPTION_RENAMED: a description with another
 *   name in the destination; it is not compared further
 * @QEMU_VMSTATE_FINDING_FIELD_MISMATCH: the destination has another field
 *   at this place; the rest of the description is not compared
 * @QEMU_VMSTATE_FINDING_FIELD_MISSING: the destination has no field left
 *   for this source field; in a stream check, the destination reads a
 *   field newer than the stream's version of a nested vmsd
 * @QEMU_VMSTATE_FINDING_UNUSED_SIZE: "unused" bytes that replace fields do
 *   not add up to the fields' sizes
 * @QEMU_VMSTATE_FINDING_SIZE: a field's element size differs
 * @QEMU_VMSTATE_FINDING_DESCRIPTION_MISSING: a struct field whose
 *   destination field has no description
 * @QEMU_VMSTATE_FINDING_SUBSECTION_MISSING: a subsection the destination
 *   does not know
 * @QEMU_VMSTATE_FINDING_SECTION_OK: stream check: the section loads
 * @QEMU_VMSTATE_FINDING_SECTION_UNCHECKED: stream check: no description in
 *   the file to check the section against (not an error)
 * @QEMU_VMSTATE_FINDING_FIELD_UNKNOWN: stream check: a field of the stream
 *   after the last field the destination reads
 * @QEMU_VMSTATE_FINDING_FIELD_NOT_IN_STREAM: stream check: a field the
 *   destination reads that the stream does not have; it still loads when
 *   the field is an array that was empty, so this is a note
 * @QEMU_VMSTATE_FINDING_STRUCT_MISMATCH: stream check: a struct on one
 *   side, a plain field on the other
 *
 * What a finding is about. Kinds may be added in later releases: treat an
 * unknown kind by qemu_vmstate_finding_is_error().
 *
 * Since: 0.2
 */
typedef enum {
    QEMU_VMSTATE_FINDING_MACHINE_TYPE,
    QEMU_VMSTATE_FINDING_SECTION_MISSING,
    QEMU_VMSTATE_FINDING_VERSION,
    QEMU_VMSTATE_FINDING_MINIMUM_VERSION,
    QEMU_VMSTATE_FINDING_ENTRY_MISSING,
    QEMU_VMSTATE_FINDING_DESCRIPTION_RENAMED,
    QEMU_VMSTATE_FINDING_FIELD_MISMATCH,
    QEMU_VMSTATE_FINDING_FIELD_MISSING,
    QEMU_VMSTATE_FINDING_UNUSED_SIZE,
    QEMU_VMSTATE_FINDING_SIZE,
    QEMU_VMSTATE_FINDING_DESCRIPTION_MISSING,
    QEMU_VMSTATE_FINDING_SUBSECTION_MISSING,
    QEMU_VMSTATE_FINDING_SECTION_OK,
    QEMU_VMSTATE_FINDING_SECTION_UNCHECKED,
    QEMU_VMSTATE_FINDING_FIELD_UNKNOWN,
    QEMU_VMSTATE_FINDING_FIELD_NOT_IN_STREAM,
    QEMU_VMSTATE_FINDING_STRUCT_MISMATCH,
} QemuVmstateFindingKind;

/**
 * qemu_vmstate_from_json:
 * @text: (nullable): the file's JSON text; may be NULL when @len is 0
 * @len: bytes at @text, or -1 when NUL-terminated
 * @limits: (nullable): limits for the JSON parser (depth, string and
 *   array lengths); NULL for the defaults
 * @errp: return location for an error
 *
 * Parses and checks a `-dump-vmstate` file. Every member the checks read
 * must be present with its type: a section's "version_id" (an integer);
 * a description's "name" (a string) and "version_id"; a field's "field",
 * "version_id", "field_exists" (a boolean) and "size" (0 to 2^62); and
 * "minimum_version_id", "Fields", "Subsections" and "Description" where
 * given. Other members are kept for the "Entry ... missing" comparison
 * and otherwise ignored.
 *
 * Errors: those of qobject_from_json_full() (`json: ... at byte N`);
 * %QVISIT_ERROR_PARSE `(root): not a -dump-vmstate file: expected an
 * object, got array` for another JSON value;
 * %QVISIT_ERROR_TYPE or %QVISIT_ERROR_MISSING naming the member by its
 * path, e.g. `fw_cfg.Description.Fields[1].size: expected an integer from
 * 0 to 2^62`; %QVISIT_ERROR_RANGE for a version outside int64.
 *
 * Returns: (transfer full) (nullable): the file, or NULL on error; free it
 *   with qemu_vmstate_free().
 * Since: 0.2
 */
QVISIT_API QemuVmstate *qemu_vmstate_from_json(const char *text, gssize len,
                                               const QVisitLimits *limits,
                                               GError **errp);

/**
 * qemu_vmstate_load_path:
 * @path: a `-dump-vmstate` file, or "-" for standard input
 * @limits: (nullable): limits; @limits->max_alloc bounds the bytes read,
 *   the rest applies as in qemu_vmstate_from_json(); NULL for the defaults
 * @errp: return location for an error
 *
 * Reads the whole file and calls qemu_vmstate_from_json(). Every error
 * message starts with @path.
 *
 * Errors: %QVISIT_ERROR_IO `PATH: open: ...` or `PATH: read: ...` when the
 * file cannot be read; %QVISIT_ERROR_LIMIT when it is larger than
 * @limits->max_alloc; those of qemu_vmstate_from_json(), as `PATH: json:
 * ...` or `PATH: fw_cfg.version_id: ...`.
 *
 * Returns: (transfer full) (nullable): the file, or NULL on error.
 * Since: 0.2
 */
QVISIT_API QemuVmstate *qemu_vmstate_load_path(const char *path,
                                               const QVisitLimits *limits,
                                               GError **errp);

/**
 * qemu_vmstate_free:
 * @vs: (nullable) (transfer full): a loaded file
 *
 * Frees @vs. Findings made from it stay valid: they own their strings.
 *
 * Since: 0.2
 */
QVISIT_API void qemu_vmstate_free(QemuVmstate *vs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuVmstate, qemu_vmstate_free)

/**
 * qemu_vmstate_get_machine:
 * @vs: a loaded file
 *
 * Returns: (transfer none) (nullable): the machine type of
 *   "vmschkmachine", valid while @vs lives; NULL when the file has none.
 * Since: 0.2
 */
QVISIT_API const char *qemu_vmstate_get_machine(const QemuVmstate *vs);

/**
 * qemu_vmstate_get_n_sections:
 * @vs: a loaded file
 *
 * Returns: the number of device sections ("vmschkmachine" not counted).
 * Since: 0.2
 */
QVISIT_API size_t qemu_vmstate_get_n_sections(const QemuVmstate *vs);

/**
 * qemu_vmstate_compare:
 * @src: (transfer none): the source QEMU's file
 * @dst: (transfer none): the destination QEMU's file
 *
 * Checks whether migrating from @src's QEMU to @dst's can break, with the
 * rules and in the order of QEMU 7.2's scripts/vmstate-static-checker.py
 * `-s SRC -d DST` (for `--reverse`, swap the arguments): each line the
 * script prints is one finding, and the script's exit status is the
 * number of findings that are errors (capped at 255 there). Walking a
 * file cannot fail: qemu_vmstate_from_json() checked it all.
 *
 * Each finding's path starts with the section (the device type), then
 * the source's field names down to the field concerned
 * (`fusbh200-ehci-usb.ehci.usbsts`); its description is the vmsd the
 * script names ("ehci-core").
 *
 * Returns: (transfer full) (element-type QemuVmstateFinding): the
 *   findings, in the script's order; an empty array when there are none.
 *   The array frees its findings; release it with g_ptr_array_unref().
 * Since: 0.2
 */
QVISIT_API GPtrArray *qemu_vmstate_compare(const QemuVmstate *src,
                                           const QemuVmstate *dst);

/**
 * qemu_vmstate_check_vmdesc:
 * @dst: (transfer none): the destination QEMU's file
 * @vmdesc: (transfer none): a stream's description, as
 *   qemu_stream_load_vmdesc_path() returns it ({"page_size": N,
 *   "devices": [...]})
 * @errp: return location for an error
 *
 * Tells, section by section, whether the device sections @vmdesc
 * describes would load into @dst's QEMU. A section is matched by its
 * "vmsd_name" to the sections of @dst whose description has that name
 * (several device types share a vmsd, e.g. isa-pit and kvm-pit); it loads
 * into one of them when its version lies between that description's
 * minimum and current versions and each field and subsection it has is
 * one the description reads at that version, in the same order and with
 * the same element size (sizes of 0 in @dst are not compared: the field's
 * own code decides what it writes, as for virtio and MSI-X state).
 *
 * The result has one status finding per device of @vmdesc, in its order:
 * %QEMU_VMSTATE_FINDING_SECTION_OK, %QEMU_VMSTATE_FINDING_SECTION_UNCHECKED
 * (no description of that name: -dump-vmstate lists only devices with a
 * qdev vmsd, so timer, cpu, apic, PCIBUS, ide and globalstate are never
 * there; or a section saved without a vmsd), or the first reason it
 * cannot load (an error kind; when several descriptions share the name,
 * the reason found with the first). Each OK status is followed by its
 * %QEMU_VMSTATE_FINDING_FIELD_NOT_IN_STREAM notes. A finding's section is
 * the stream's idstr and its instance the instance id.
 *
 * Errors: %QVISIT_ERROR_TYPE or %QVISIT_ERROR_MISSING naming the vmdesc
 * member that is absent or of the wrong type
 * (`devices[3].fields[0].name: expected a string`).
 *
 * Returns: (transfer full) (element-type QemuVmstateFinding) (nullable):
 *   the findings, or NULL on error; release with g_ptr_array_unref().
 * Since: 0.2
 */
QVISIT_API GPtrArray *qemu_vmstate_check_vmdesc(const QemuVmstate *dst,
                                                const QObject *vmdesc,
                                                GError **errp);

/**
 * qemu_vmstate_finding_get_kind:
 * @f: a finding
 *
 * Returns: what @f is about.
 * Since: 0.2
 */
QVISIT_API QemuVmstateFindingKind
qemu_vmstate_finding_get_kind(const QemuVmstateFinding *f);

/**
 * qemu_vmstate_finding_is_error:
 * @f: a finding
 *
 * Returns: true when @f means the migration (or the load of the section)
 *   fails; false for the machine-type warning, the stream check's OK and
 *   unchecked statuses and its notes.
 * Since: 0.2
 */
QVISIT_API bool qemu_vmstate_finding_is_error(const QemuVmstateFinding *f);

/**
 * qemu_vmstate_finding_get_section:
 * @f: a finding
 *
 * Returns: (transfer none): the section @f is about: a key of the source
 *   file ("fw_cfg") for qemu_vmstate_compare(), a stream idstr
 *   ("0000:00:01.3/piix4_pm") for qemu_vmstate_check_vmdesc(); valid
 *   while @f lives.
 * Since: 0.2
 */
QVISIT_API const char *
qemu_vmstate_finding_get_section(const QemuVmstateFinding *f);

/**
 * qemu_vmstate_finding_get_instance:
 * @f: a finding
 *
 * Returns: the stream section's instance id, or -1 for a finding of
 *   qemu_vmstate_compare().
 * Since: 0.2
 */
QVISIT_API int64_t
qemu_vmstate_finding_get_instance(const QemuVmstateFinding *f);

/**
 * qemu_vmstate_finding_get_path:
 * @f: a finding
 *
 * Returns: (transfer none): the section (with `#INSTANCE` for stream
 *   instances other than 0), then the field path and subsection names:
 *   `usb-kbd.kbd.keycodes`, `fw_cfg.fw_cfg/dma.dma_addr`; control
 *   characters of the names, which come from the input, as `\xNN`; valid
 *   while @f lives.
 * Since: 0.2
 */
QVISIT_API const char *
qemu_vmstate_finding_get_path(const QemuVmstateFinding *f);

/**
 * qemu_vmstate_finding_get_description:
 * @f: a finding
 *
 * Returns: (transfer none) (nullable): the name of the vmsd (description)
 *   @f is about, or NULL when it is about a whole section; valid while @f
 *   lives.
 * Since: 0.2
 */
QVISIT_API const char *
qemu_vmstate_finding_get_description(const QemuVmstateFinding *f);

/**
 * qemu_vmstate_finding_get_message:
 * @f: a finding
 *
 * Returns: (transfer none): one lowercase line that starts with the path:
 *   `usb-kbd.kbd.keycodes: description "usb-kbd": size 4 in the source, 2
 *   in the destination`; names from the input have their control
 *   characters as `\xNN`, as in every error message of this module;
 *   valid while @f lives.
 * Since: 0.2
 */
QVISIT_API const char *
qemu_vmstate_finding_get_message(const QemuVmstateFinding *f);

/**
 * qemu_vmstate_finding_kind_name:
 * @kind: a kind
 *
 * Returns: (transfer none): the kind as a short lowercase tag for output
 *   ("version", "minimum-version", "field-mismatch", "size", ...), or
 *   "unknown"; a static string.
 * Since: 0.2
 */
QVISIT_API const char *qemu_vmstate_finding_kind_name(
    QemuVmstateFindingKind kind);

#endif /* QVISIT_QEMU_VMSTATE_H */
