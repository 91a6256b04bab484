/*
 * Migration core: the device registry, save and transactional load, the
 * three wire formats and capabilities.
 *
 * Devices register with a MigrationRegistry: an id ("serial"; ids may
 * nest, "pci.0/e1000"), an instance id, the version of their layout, the
 * oldest version they load, a walk and optional pause/resume hooks. A
 * saved state is a tree of components: one section per device, each a
 * QDict (the QObject output of the device's walk), in registration order.
 *
 * migration_save() pauses every device, walks them in registration order
 * into the chosen format, and resumes them all, even when the save fails.
 *
 * migration_load() is transactional. It detects the format from the first
 * bytes, decodes every section into a QDict, converts it from the
 * stream's version to the device's with the compat registry, checks it
 * with a dry-run walk into a scratch state, and only when every section
 * passed writes the devices (all paused while they are written, resumed
 * after). A failure leaves every device untouched (and never paused) and
 * names the device and field path.
 *
 * Formats (docs/formats.md, "Migration stream formats"):
 * - %MIGRATION_FORMAT_LEGACY: QEMU's savevm layout (QEVM v3, FULL sections
 *   with footers, EOF, vmdesc JSON), payloads in the QEMUFile encoding;
 * - %MIGRATION_FORMAT_BINARY: self-describing binary with a CRC32 per
 *   section, skippable unknown sections and members;
 * - %MIGRATION_FORMAT_JSON: one JSON document per stream.
 *
 * Capabilities: migration_query_capabilities() gives a bitmask of what
 * this side supports (minus what migration_set_capabilities() masked). A
 * peer that does not answer counts as mask 0, which means the legacy
 * stream. The socket transports (qvisit/migration-transport.h) exchange
 * the masks first and use their intersection. The mask also decides what a
 * registry loads: a format whose capability is masked is refused.
 *
 * Registries are not thread-safe.
 */
#ifndef QVISIT_MIGRATION_H
#define QVISIT_MIGRATION_H

#include <glib.h>

#include "qvisit/common.h"
#include "qvisit/limits.h"
#include "qvisit/qobject.h"
#include "qvisit/visitor.h"

/* Declared in qvisit/compat.h. */
typedef struct CompatRegistry CompatRegistry;

/**
 * MigrationFormat:
 * @MIGRATION_FORMAT_UNKNOWN: not a migration stream
 * @MIGRATION_FORMAT_LEGACY: QEMU savevm layout
 * @MIGRATION_FORMAT_BINARY: self-describing binary
 * @MIGRATION_FORMAT_JSON: one JSON document
 *
 * Since: 0.1
 */
typedef enum {
    MIGRATION_FORMAT_UNKNOWN,
    MIGRATION_FORMAT_LEGACY,
    MIGRATION_FORMAT_BINARY,
    MIGRATION_FORMAT_JSON,
} MigrationFormat;

/**
 * MigrationCapability:
 * @MIGRATION_CAP_BINARY: reads and writes the self-describing binary format
 * @MIGRATION_CAP_JSON: reads and writes the JSON format
 * @MIGRATION_CAP_RETURN_PATH: the destination reports the load's result
 *   back to the source on the same connection
 *
 * Bits of a capability mask. Mask 0 means the legacy stream only. Bits may
 * be added in later releases; an unknown bit is simply not in the
 * intersection.
 *
 * Since: 0.1
 */
typedef enum {
    MIGRATION_CAP_BINARY = 1 << 0,
    MIGRATION_CAP_JSON = 1 << 1,
    MIGRATION_CAP_RETURN_PATH = 1 << 2,
} MigrationCapability;

/**
 * MIGRATION_CAP_ALL:
 *
 * Every capability this release supports.
 *
 * Since: 0.1
 */
#define MIGRATION_CAP_ALL \
    (MIGRATION_CAP_BINARY | MIGRATION_CAP_JSON | MIGRATION_CAP_RETURN_PATH)

/**
 * MigrationDeviceInfo:
 * @id: device id, 1..255 bytes of printable ASCII (0x20..0x7e, the rule
 *   of every stream format); "/" separates nesting levels
 *   ("pci.0/e1000")
 * @instance_id: distinguishes devices with the same id
 * @version: the version of the layout @visit walks
 * @minimum_version: the oldest stream version this device loads, even
 *   through compat transforms (older sections fail with
 *   %QVISIT_ERROR_VERSION); <= @version
 * @visit: the walk; its root struct should be named after the device
 * @pause: (nullable): called before a save walks any device, and before
 *   a load writes any device
 * @resume: (nullable): called after a save (on success and failure) and
 *   after a load wrote the devices
 * @state_size: bytes of a zeroed scratch state for the dry-run walk of a
 *   load; 0 skips the dry run (the load is then only checked as QObjects)
 * @clear: (nullable): frees what a scratch state points to (strings ...)
 * @prepare: (nullable): makes a zeroed scratch state of @state_size bytes
 *   look like a device configured as @live before a walk reads into it or
 *   describes it: copies the configuration the walk's shape depends on
 *   (feature flags, counts, lengths given by properties) and allocates
 *   what the walk fills. Runs before the dry run of a load (@live is the
 *   registered device's state), before the describe walk of
 *   migration_device_describe(), and wherever a scratch state is walked
 *   for the layout of a registered device. @live is %NULL where there is
 *   no live device (`qvisit schemas`, `convert --to legacy`): then the
 *   hook sets up its *describe configuration*, the one that shows every
 *   member (every optional feature on, every array that configuration
 *   sizes with at least one element). It must not keep @live. On failure
 *   it sets an error and the scratch state is still passed to @clear.
 *   Since: 0.2
 * @minimum_walk_version: the oldest version @visit walks itself, skipping
 *   with version gates (visit_since()) the fields an older layout lacks;
 *   0 (the default) when it walks only @version. A section of a version
 *   from @minimum_walk_version to @version loads with no compat
 *   transform: the walk runs with visit_set_version() set to the
 *   section's version (since 0.2). Between @minimum_version and
 *   @version, or 0
 *
 * The description of one device. migration_register() copies it.
 *
 * A walk whose shape depends on the device's configuration (a member only
 * when a feature is on, an array whose length is a property) needs
 * @prepare: without it, the dry run walks a zeroed state, which has no
 * configuration, and fails on a correctly configured destination. With it,
 * a dry run that finds a member, a missing member or an array length the
 * configured walk does not expect fails with %QVISIT_ERROR_CONFIG, which
 * says that the two sides' configurations differ, rather than with the
 * %QVISIT_ERROR_UNEXPECTED, %QVISIT_ERROR_MISSING or %QVISIT_ERROR_LENGTH
 * of a malformed stream (docs/migration-core.md, "Configuration").
 *
 * Since: 0.1
 */
typedef struct MigrationDeviceInfo {
    const char *id;
    uint32_t instance_id;
    uint32_t version;
    uint32_t minimum_version;
    bool (*visit)(Visitor *v, void *opaque, GError **errp);
    void (*pause)(void *opaque);
    void (*resume)(void *opaque);
    size_t state_size;
    void (*clear)(void *state);
    bool (*prepare)(void *scratch, const void *live, GError **errp);
    uint32_t minimum_walk_version;
} MigrationDeviceInfo;

/**
 * MigrationSection:
 * @id: device id
 * @instance_id: instance id
 * @version: layout version of @state
 * @state: the device's state tree
 * @size: bytes the section occupied on the wire (0 when not decoded)
 *
 * One device's state in a stream; read-only for callers.
 *
 * Since: 0.1
 */
typedef struct MigrationSection {
    char *id;
    uint32_t instance_id;
    uint32_t version;
    QDict *state;
    size_t size;
} MigrationSection;

/**
 * MigrationDeviceReport:
 * @id: device id
 * @instance_id: instance id
 * @stream_version: the version in the stream
 * @local_version: the registered device's version (0 if skipped)
 * @bytes: the section's size on the wire
 * @skipped: true for an unknown section that was skipped
 *
 * Since: 0.1
 */
typedef struct MigrationDeviceReport {
    char *id;
    uint32_t instance_id;
    uint32_t stream_version;
    uint32_t local_version;
    size_t bytes;
    bool skipped;
} MigrationDeviceReport;

/**
 * MigrationReport:
 * @format: the stream's format
 * @capabilities: the mask in effect (negotiated over a socket, or the
 *   one recorded in the stream)
 * @bytes: stream size in bytes
 * @duration_ns: wall time of the operation
 * @n_devices: entries in @devices
 * @devices: one entry per section, in stream order
 *
 * What a save, load or migration did. Free with migration_report_free().
 *
 * Since: 0.1
 */
typedef struct MigrationReport {
    MigrationFormat format;
    uint64_t capabilities;
    uint64_t bytes;
    uint64_t duration_ns;
    size_t n_devices;
    MigrationDeviceReport *devices;
} MigrationReport;

/**
 * migration_report_free:
 * @report: (transfer full) (nullable): a report
 *
 * Since: 0.1
 */
QVISIT_API void migration_report_free(MigrationReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigrationReport, migration_report_free)

/* --- Formats ---------------------------------------------------------- */

/**
 * migration_format_name:
 * @format: a format
 *
 * Returns: (transfer none): "legacy", "binary", "json" or "unknown"; static.
 * Since: 0.1
 */
QVISIT_API const char *migration_format_name(MigrationFormat format);

/**
 * migration_format_from_name:
 * @name: "legacy", "binary" or "json"
 *
 * Returns: the format, or %MIGRATION_FORMAT_UNKNOWN for another name.
 * Since: 0.1
 */
QVISIT_API MigrationFormat migration_format_from_name(const char *name);

/**
 * migration_detect_format:
 * @data: (array length=len): the first bytes of a stream
 * @len: bytes at @data (4 are enough)
 *
 * "QEVM" is legacy, "QVSD" binary, and "{" after optional JSON white
 * space is JSON.
 *
 * Returns: the format, or %MIGRATION_FORMAT_UNKNOWN.
 * Since: 0.1
 */
QVISIT_API MigrationFormat migration_detect_format(const void *data,
                                                   size_t len);

/* --- Capabilities ----------------------------------------------------- */

/**
 * migration_capabilities_intersect:
 * @a: a mask
 * @b: another mask
 *
 * Returns: the capabilities both sides have, restricted to
 *   %MIGRATION_CAP_ALL.
 * Since: 0.1
 */
QVISIT_API uint64_t migration_capabilities_intersect(uint64_t a, uint64_t b);

/**
 * migration_format_for_capabilities:
 * @mask: a negotiated mask
 *
 * Returns: %MIGRATION_FORMAT_BINARY when @mask has %MIGRATION_CAP_BINARY,
 *   else %MIGRATION_FORMAT_LEGACY.
 * Since: 0.1
 */
QVISIT_API MigrationFormat migration_format_for_capabilities(uint64_t mask);

/**
 * migration_capabilities_to_string:
 * @mask: a mask
 *
 * Returns: (transfer full): "binary,json,return-path" style names joined
 *   by commas, "none" for 0, unknown bits as "0x..". Free with g_free().
 * Since: 0.1
 */
QVISIT_API char *migration_capabilities_to_string(uint64_t mask);

/**
 * migration_capabilities_from_string:
 * @str: names joined by commas, "none", "all", or a number
 * @mask: (out): the mask
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_UNKNOWN naming an unknown capability.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool migration_capabilities_from_string(const char *str,
                                                   uint64_t *mask,
                                                   GError **errp);

/* --- Registry --------------------------------------------------------- */

/**
 * MigrationRegistry:
 *
 * The devices of one (simulated) machine and the migration settings;
 * opaque.
 *
 * Since: 0.1
 */
typedef struct MigrationRegistry MigrationRegistry;

/**
 * migration_registry_new:
 *
 * Returns: (transfer full): an empty registry with every capability
 *   enabled, the default limits, unknown sections rejected and a 2 s
 *   handshake timeout.
 * Since: 0.1
 */
QVISIT_API MigrationRegistry *migration_registry_new(void);

/**
 * migration_registry_free:
 * @r: (transfer full) (nullable): a registry
 *
 * Frees the registry; device states and the compat registry are the
 * caller's.
 *
 * Since: 0.1
 */
QVISIT_API void migration_registry_free(MigrationRegistry *r);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigrationRegistry, migration_registry_free)

/**
 * migration_register:
 * @r: a registry
 * @info: (transfer none): the device; copied
 * @opaque: (transfer none): the device's state, passed to every hook; must
 *   outlive the registry
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_INVALID for an empty or over-long id, an id that
 * is not printable ASCII (since 0.2), a minimum version above the version,
 * or an (id, instance id) already registered.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool migration_register(MigrationRegistry *r,
                                   const MigrationDeviceInfo *info,
                                   void *opaque, GError **errp);

/**
 * migration_registry_size:
 * @r: a registry
 *
 * Returns: the number of registered devices.
 * Since: 0.1
 */
QVISIT_API size_t migration_registry_size(const MigrationRegistry *r);

/**
 * migration_set_compat:
 * @r: a registry
 * @compat: (transfer none) (nullable): transforms used when a section's
 *   version differs from the device's; must outlive @r. NULL: only equal
 *   versions load.
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_compat(MigrationRegistry *r,
                                     CompatRegistry *compat);

/**
 * migration_set_limits:
 * @r: a registry
 * @limits: (transfer none): copied; max_section_size bounds each section,
 *   max_alloc the whole stream read from a transport
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_limits(MigrationRegistry *r,
                                     const QVisitLimits *limits);

/**
 * migration_set_skip_unknown:
 * @r: a registry
 * @skip: true to skip sections of unknown devices on load instead of
 *   failing with %QVISIT_ERROR_UNKNOWN
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_skip_unknown(MigrationRegistry *r, bool skip);

/**
 * migration_set_machine:
 * @r: a registry
 * @machine: machine type written in the legacy configuration section;
 *   copied. The default is "qvisit".
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_machine(MigrationRegistry *r,
                                      const char *machine);

/**
 * migration_set_machine_version:
 * @r: a registry
 * @version: this machine's version (its release), or 0 (the default) for
 *   an unversioned machine
 *
 * Saves record it; a load whose stream has another non-zero machine
 * version first runs the compat registry's whole-machine chain
 * (compat_convert_machine()) over all the sections of instance 0, keyed
 * by device id, then converts each device. A device the machine steps
 * create (split, merge, rename) is taken to be at the version the
 * stream gives the same id, else at this side's version of that device.
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_machine_version(MigrationRegistry *r,
                                              uint32_t version);

/**
 * migration_query_capabilities:
 * @r: a registry
 *
 * The answer to query-migration-capabilities.
 *
 * Returns: the supported capabilities minus those masked off.
 * Since: 0.1
 */
QVISIT_API uint64_t migration_query_capabilities(const MigrationRegistry *r);

/**
 * migration_set_capabilities:
 * @r: a registry
 * @mask: set-migration-capabilities: capabilities outside @mask are
 *   disabled from now on (bits outside %MIGRATION_CAP_ALL are ignored)
 *
 * Since: 0.1
 */
QVISIT_API void migration_set_capabilities(MigrationRegistry *r,
                                           uint64_t mask);

/* --- Save and load ---------------------------------------------------- */

/**
 * migration_save:
 * @r: a registry
 * @format: the format to write; not %MIGRATION_FORMAT_UNKNOWN
 * @out: (transfer none): receives the stream, appended only on success
 * @report: (out) (optional) (transfer full): what was written
 * @errp: return location for an error
 *
 * Pauses every device, walks them in registration order, resumes them
 * all (also on failure).
 *
 * Errors: those of the devices' walks.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool migration_save(MigrationRegistry *r, MigrationFormat format,
                               GByteArray *out, MigrationReport **report,
                               GError **errp);

/**
 * migration_load:
 * @r: a registry
 * @data: (array length=len): a whole stream in any format
 * @len: bytes at @data
 * @report: (out) (optional) (transfer full): what was loaded
 * @errp: return location for an error
 *
 * Transactional load (see the header comment). The capability mask
 * decides which formats load: legacy always, binary and JSON only while
 * %MIGRATION_CAP_BINARY and %MIGRATION_CAP_JSON are enabled (since 0.2).
 *
 * Errors: %QVISIT_ERROR_INVALID for a format the mask disables (nothing is
 * decoded), %QVISIT_ERROR_PARSE for an unknown format or malformed stream,
 * %QVISIT_ERROR_TRUNCATED, %QVISIT_ERROR_CHECKSUM, %QVISIT_ERROR_LIMIT,
 * %QVISIT_ERROR_UNKNOWN for a section of an unregistered device,
 * %QVISIT_ERROR_VERSION when versions cannot be bridged, and the errors of
 * the compat transforms and the devices' walks.
 *
 * Returns: true on success; on failure no device was written.
 * Since: 0.1
 */
QVISIT_API bool migration_load(MigrationRegistry *r, const void *data,
                               size_t len, MigrationReport **report,
                               GError **errp);

/**
 * migration_snapshot:
 * @r: a registry
 * @errp: return location for an error
 *
 * Walks every device (without pausing) into its QObject tree.
 *
 * Returns: (transfer full) (nullable): a dict keyed "id" (or
 *   "id#instance" for instance ids other than 0) in registration order.
 * Since: 0.1
 */
QVISIT_API QDict *migration_snapshot(MigrationRegistry *r, GError **errp);

/* --- Scratch states and schemas ----------------------------------------- */

/**
 * migration_device_scratch_new:
 * @info: (transfer none): a device with a nonzero @state_size
 * @live: (transfer none) (nullable): the live device whose configuration
 *   the scratch state takes, or %NULL for the describe configuration;
 *   only read during the call
 * @errp: return location for an error
 *
 * Allocates a zeroed state of @info's @state_size bytes and runs @info's
 * @prepare hook on it, if there is one: the state a dry run or a describe
 * walk of @info should walk.
 *
 * Errors: those of @prepare, prefixed with the device id
 * (`vser: prepare: ...`).
 *
 * Returns: (transfer full) (nullable): the state; release it with
 *   migration_device_scratch_free() and the same @info.
 * Since: 0.2
 */
QVISIT_API void *migration_device_scratch_new(const MigrationDeviceInfo *info,
                                              const void *live,
                                              GError **errp);

/**
 * migration_device_scratch_free:
 * @info: (transfer none): the device the state was made for
 * @scratch: (transfer full) (nullable): a state from
 *   migration_device_scratch_new()
 *
 * Runs @info's @clear hook on @scratch and frees it.
 *
 * Since: 0.2
 */
QVISIT_API void migration_device_scratch_free(const MigrationDeviceInfo *info,
                                              void *scratch);

/**
 * migration_device_describe:
 * @info: (transfer none): a device with @visit and a nonzero @state_size
 * @live: (transfer none) (nullable): the live device whose configuration
 *   to describe, or %NULL for @info's describe configuration
 * @errp: return location for an error
 *
 * Describes @info's layout (describe_visitor_new()) by walking a scratch
 * state from migration_device_scratch_new(): the schema of the device as
 * @live is configured, members present only under that configuration
 * included and arrays sized by it described with their element layout.
 * `qvisit schemas` calls it with %NULL.
 *
 * Errors: those of @prepare and of the describe walk.
 *
 * Returns: (transfer full) (nullable): the schema (docs/formats.md,
 *   "Schema description"), or %NULL on error.
 * Since: 0.2
 */
QVISIT_API QObject *migration_device_describe(const MigrationDeviceInfo *info,
                                              const void *live,
                                              GError **errp);

/**
 * migration_describe:
 * @r: a registry
 * @errp: return location for an error
 *
 * Describes every registered device as it is configured on this side
 * (migration_device_describe() with the device's own state as @live):
 * what a peer's stream must match for migration_load() to accept it.
 *
 * Errors: those of the devices' @prepare hooks and describe walks,
 * prefixed with the device id.
 *
 * Returns: (transfer full) (nullable): a dict keyed "id" (or
 *   "id#instance" for instance ids other than 0) in registration order,
 *   each value a schema.
 * Since: 0.2
 */
QVISIT_API QDict *migration_describe(MigrationRegistry *r, GError **errp);

/* --- Streams without a registry ---------------------------------------- */

/**
 * MigrationStream:
 *
 * A decoded stream: its format, capabilities, machine type and sections;
 * opaque.
 *
 * Since: 0.1
 */
typedef struct MigrationStream MigrationStream;

/**
 * migration_stream_new:
 *
 * Returns: (transfer full): an empty stream (format unknown, mask 0,
 *   machine "qvisit").
 * Since: 0.1
 */
QVISIT_API MigrationStream *migration_stream_new(void);

/**
 * migration_stream_free:
 * @s: (transfer full) (nullable): a stream
 *
 * Since: 0.1
 */
QVISIT_API void migration_stream_free(MigrationStream *s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigrationStream, migration_stream_free)

/**
 * migration_stream_decode:
 * @data: (array length=len): a whole stream
 * @len: bytes at @data
 * @limits: (nullable): limits; NULL for the defaults
 * @errp: return location for an error
 *
 * Detects the format and decodes every section into a QDict without any
 * device registry (legacy streams are decoded through their vmdesc).
 *
 * Errors: as migration_load() for stream problems.
 *
 * Returns: (transfer full) (nullable): the stream, or NULL on error.
 * Since: 0.1
 */
QVISIT_API MigrationStream *migration_stream_decode(const void *data,
                                                    size_t len,
                                                    const QVisitLimits *limits,
                                                    GError **errp);

/**
 * migration_stream_add:
 * @s: a stream
 * @id: device id; copied
 * @instance_id: instance id
 * @version: layout version of @state
 * @state: (transfer full): the state; the stream takes it
 *
 * Appends a section.
 *
 * Since: 0.1
 */
QVISIT_API void migration_stream_add(MigrationStream *s, const char *id,
                                     uint32_t instance_id, uint32_t version,
                                     QDict *state);

/**
 * migration_stream_get_format:
 * @s: a stream
 *
 * Returns: the format it was decoded from.
 * Since: 0.1
 */
QVISIT_API MigrationFormat
migration_stream_get_format(const MigrationStream *s);

/**
 * migration_stream_get_capabilities:
 * @s: a stream
 *
 * Returns: the mask recorded in the stream (0 for legacy).
 * Since: 0.1
 */
QVISIT_API uint64_t migration_stream_get_capabilities(const MigrationStream *s);

/**
 * migration_stream_get_machine:
 * @s: a stream
 *
 * Returns: (transfer none): the machine type, valid while @s lives.
 * Since: 0.1
 */
QVISIT_API const char *migration_stream_get_machine(const MigrationStream *s);

/**
 * migration_stream_get_machine_version:
 * @s: a stream
 *
 * Returns: the machine version recorded in the stream (0: unversioned).
 * Since: 0.1
 */
QVISIT_API uint32_t
migration_stream_get_machine_version(const MigrationStream *s);

/**
 * migration_stream_get_size:
 * @s: a stream
 *
 * Returns: the number of sections.
 * Since: 0.1
 */
QVISIT_API size_t migration_stream_get_size(const MigrationStream *s);

/**
 * migration_stream_get_section:
 * @s: a stream
 * @index: below migration_stream_get_size()
 *
 * Returns: (transfer none): the section, valid while @s is not changed.
 * Since: 0.1
 */
QVISIT_API const MigrationSection *
migration_stream_get_section(const MigrationStream *s, size_t index);

/**
 * migration_stream_to_qobject:
 * @s: a stream
 *
 * Returns: (transfer full): the JSON format's document as a tree:
 *   {"format": "qvisit-migration", "version": 1, "capabilities": n,
 *   "machine": s, "machine_version": n, "sections": [{"id",
 *   "instance_id", "version", "state"}]}.
 * Since: 0.1
 */
QVISIT_API QDict *migration_stream_to_qobject(const MigrationStream *s);

/**
 * MigrationSchemaFn:
 * @id: a device id
 * @version: a layout version
 * @opaque: the lookup's data
 *
 * Finds the device description that walks layout @version of @id. The
 * legacy format needs one to write a section, because its payload carries
 * no types.
 *
 * Returns: (transfer none) (nullable): the description (with @visit and
 *   @state_size set), or NULL when unknown.
 * Since: 0.1
 */
typedef const MigrationDeviceInfo *(*MigrationSchemaFn)(const char *id,
                                                        uint32_t version,
                                                        void *opaque);

/**
 * MIGRATION_DEVICES_PLUGIN_SYMBOL:
 *
 * The function a device plugin exports, as a #MigrationDevicesPluginFn.
 * A device plugin is a shared object that the qvisit tool loads with
 * `--devices PATH.so` (`qvisit schemas`, `convert`, `compat-graph`) to
 * work with a program's own devices instead of the built-in example
 * devices:
 *
 *     static const MigrationDeviceInfo uart_v2 = {
 *         .id = "uart", .version = 2, .minimum_version = 2,
 *         .visit = uart_visit, .state_size = sizeof(UartState),
 *     };
 *     static const MigrationDeviceInfo *const devices[] = { &uart_v2 };
 *
 *     const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n)
 *     {
 *         *n = G_N_ELEMENTS(devices);
 *         return devices;
 *     }
 *
 * Each entry is one layout of one device. An id may come with several
 * versions: `qvisit schemas` describes the newest of each id, and the
 * older ones let `qvisit convert --to legacy` write and read older
 * streams. Every entry needs @id, @version, @visit and a nonzero
 * @state_size: the tool walks a zeroed state of that size, set up by
 * @prepare with no live device when the entry has one (since 0.2), and
 * released with @clear, to describe the device or to write the legacy
 * format.
 * @instance_id, @pause and @resume are not used.
 *
 * Build a plugin like a transform plugin (%COMPAT_PLUGIN_SYMBOL), against
 * the headers of the qvisit that loads it; one shared object may export
 * both symbols.
 *
 * Since: 0.2
 */
#define MIGRATION_DEVICES_PLUGIN_SYMBOL "qvisit_devices_plugin_list"

/**
 * MigrationDevicesPluginFn:
 * @n: (out): set to the number of entries
 *
 * The type of %MIGRATION_DEVICES_PLUGIN_SYMBOL.
 *
 * Returns: (transfer none) (array length=n): the plugin's device layouts,
 *   static data that stays valid while the plugin is loaded.
 * Since: 0.2
 */
typedef const MigrationDeviceInfo *const *(*MigrationDevicesPluginFn)(
    size_t *n);

/**
 * migration_stream_encode:
 * @s: a stream
 * @format: the format to write
 * @schema: (nullable): device lookup; needed only for the legacy format
 * @opaque: data for @schema
 * @out: (transfer none): receives the stream, appended only on success
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_UNKNOWN when the legacy format needs a device
 * @schema does not know; the errors of the walks.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool migration_stream_encode(const MigrationStream *s,
                                        MigrationFormat format,
                                        MigrationSchemaFn schema,
                                        void *opaque, GByteArray *out,
                                        GError **errp);

/**
 * migration_stream_decode_full:
 * @data: (array length=len): a whole stream
 * @len: bytes at @data
 * @limits: (nullable): limits; NULL for the defaults
 * @schema: (nullable): device lookup for legacy streams without a vmdesc
 *   (QEMU's suppress-vmdesc=on): their payloads are read with the QEMUFile
 *   input visitor through the layout of the section's exact version
 * @opaque: data for @schema
 * @errp: return location for an error
 *
 * migration_stream_decode() that can also decode legacy streams without
 * a vmdesc.
 *
 * Errors: as migration_stream_decode(); %QVISIT_ERROR_UNKNOWN when a
 * vmdesc-less section's layout is unknown.
 *
 * Returns: (transfer full) (nullable): the stream, or NULL on error.
 * Since: 0.1
 */
QVISIT_API MigrationStream *migration_stream_decode_full(
    const void *data, size_t len, const QVisitLimits *limits,
    MigrationSchemaFn schema, void *opaque, GError **errp);

#endif /* QVISIT_MIGRATION_H */
