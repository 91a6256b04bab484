/*
 * Compat: convert device state between layout versions.
 *
 * Serialization always produces a device's newest layout. When two
 * releases disagree on a device's version, the state travels as a QObject
 * tree (a QDict per device) and registered *transforms* rewrite that tree
 * one version step at a time. A step is a plain function on the device's
 * QDict; 2→3 and 3→2 are separate steps, so both directions are
 * first-class.
 *
 * == Life cycle ==
 * Create a registry with compat_registry_new() (or use the process-wide
 * compat_registry_default()), register steps, machine steps and filters,
 * then call compat_convert() / compat_convert_machine() /
 * compat_filter_output() / compat_filter_input() as often as needed, and
 * free it with compat_registry_free(). A registry is not thread-safe while
 * it is being changed; once every registration is done, conversions may
 * run from several threads on distinct state trees.
 *
 * == Chains ==
 * compat_convert() finds the shortest chain of registered steps from one
 * version to another, in any mix of directions (1→2, 2→4, 4→3), and runs
 * it on a copy of the state. Only when every step succeeded does the
 * copy's content replace the caller's dict, so a failed conversion leaves
 * the state exactly as it was. A step that fails gets its name in front
 * of the message: `e1000 v3→v2: mac_reg[3]: 70000 does not fit u16`.
 *
 * == Machine steps ==
 * Changes that cross devices (one device split in two, two merged, a
 * device renamed) are steps on the QDict of all device states keyed by
 * device id, registered per *machine* version (a release number) with
 * compat_register_machine(). compat_machine_split(),
 * compat_machine_merge() and compat_machine_rename() do the common cases.
 *
 * == Paths ==
 * The member helpers (compat_rename_member() ...) take a path relative to
 * the device's root dict: member names joined by '.', array indices in
 * brackets: `"regs[3]"`, `"queue.head"`, `"a.b[2].c"`. Errors start with
 * the path as far as it resolved: `queue: no such member`,
 * `regs[9]: index out of range, length 4`, `queue: expected object, got
 * array`.
 *
 * Empty brackets are a wildcard for every element of an array:
 * `"ports[].throttled"`, `"grid[].row[].v"` (Since: 0.2). The helpers that
 * change the state (set, rename, add, drop, change_int_width, move,
 * resize_array) then run once per element on a copy of the state that
 * replaces it only when all succeeded, with errors naming the element
 * (`ports[1].throttled: member already exists`); an empty array matches
 * nothing and succeeds. compat_move_member() needs as many wildcards in
 * both paths and fills them with the same indices. compat_get_member()
 * and compat_get_uint() refuse wildcards (%QVISIT_ERROR_INVALID).
 *
 * == Filters ==
 * A filter sees a device's QDict right after it was serialized (output)
 * or right before it is loaded (input) and may rewrite it, for all
 * versions. Filters run in registration order.
 */
#ifndef QVISIT_COMPAT_H
#define QVISIT_COMPAT_H

#include <glib.h>

#include "qvisit/common.h"
#include "qvisit/limits.h"
#include "qvisit/qobject.h"

/**
 * CompatRegistry:
 *
 * Registered transforms, machine transforms and filters; opaque.
 *
 * Since: 0.1
 */
typedef struct CompatRegistry CompatRegistry;

/**
 * CompatTransformFn:
 * @state: (transfer none): the state to rewrite in place: one device's
 *   dict for device steps and filters, the dict of all devices keyed by
 *   id for machine steps
 * @opaque: (transfer none) (nullable): the pointer given at registration
 * @errp: return location for an error
 *
 * One transform step or filter. It may leave @state half-rewritten when
 * it fails: the callers run it on a copy.
 *
 * Returns: true on success, false with *@errp set.
 * Since: 0.1
 */
typedef bool (*CompatTransformFn)(QDict *state, void *opaque,
                                  GError **errp);

/**
 * CompatFilterDirection:
 * @COMPAT_FILTER_OUTPUT: runs after a device's state was serialized
 * @COMPAT_FILTER_INPUT: runs before a device's state is loaded
 *
 * Since: 0.1
 */
typedef enum {
    COMPAT_FILTER_OUTPUT,
    COMPAT_FILTER_INPUT,
} CompatFilterDirection;

/**
 * COMPAT_MACHINE:
 *
 * The pseudo device name under which machine steps appear in
 * compat_foreach_step() and in error messages (`machine v2→v1: ...`).
 *
 * Since: 0.1
 */
#define COMPAT_MACHINE "machine"

/**
 * compat_registry_new:
 *
 * Returns: (transfer full): a new empty registry; free it with
 *   compat_registry_free().
 * Since: 0.1
 */
QVISIT_API CompatRegistry *compat_registry_new(void);

/**
 * compat_registry_free:
 * @r: (transfer full) (nullable): a registry
 *
 * Frees @r and everything registered in it. The opaque pointers given to
 * the register functions are not freed.
 *
 * Since: 0.1
 */
QVISIT_API void compat_registry_free(CompatRegistry *r);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CompatRegistry, compat_registry_free)

/**
 * compat_registry_default:
 *
 * The process-wide registry, created empty on first use (thread-safely).
 * The migration core and the CLI use it; programs register their
 * transforms into it at start-up.
 *
 * Returns: (transfer none): the default registry; it lives until the
 *   process exits and must not be freed.
 * Since: 0.1
 */
QVISIT_API CompatRegistry *compat_registry_default(void);

/**
 * compat_register:
 * @r: a registry
 * @device: the device id ("e1000"), copied
 * @from_version: the version @fn reads
 * @to_version: the version @fn produces; not @from_version
 * @fn: the step
 * @opaque: (transfer none) (nullable): passed to @fn; must outlive @r
 * @errp: return location for an error
 *
 * Registers one step of @device's version graph. Register each direction
 * separately.
 *
 * Errors: %QVISIT_ERROR_INVALID when the step @from_version→@to_version
 * of @device is already registered (`e1000 v2→v3: step already
 * registered`), when both versions are equal, or when @device is
 * %COMPAT_MACHINE (reserved: use compat_register_machine()).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_register(CompatRegistry *r, const char *device,
                                uint32_t from_version, uint32_t to_version,
                                CompatTransformFn fn, void *opaque,
                                GError **errp);

/**
 * COMPAT_PLUGIN_SYMBOL:
 *
 * The function a transform plugin exports, as a #CompatPluginRegisterFn.
 * A plugin is a shared object that `qvisit compat-check --transforms
 * PATH.so` loads to check a release's own transforms without rebuilding
 * the tool:
 *
 *     bool qvisit_compat_plugin_register(CompatRegistry *r, GError **errp)
 *     {
 *         return compat_register(r, "uart", 1, 2, uart_v1_to_v2, NULL,
 *                                errp) &&
 *                compat_register(r, "uart", 2, 1, uart_v2_to_v1, NULL,
 *                                errp);
 *     }
 *
 * Build it with `cc -shared -fPIC $(pkg-config --cflags qvisit)`; its
 * qvisit calls resolve against the loading program.
 *
 * Since: 0.1
 */
#define COMPAT_PLUGIN_SYMBOL "qvisit_compat_plugin_register"

/**
 * CompatPluginRegisterFn:
 * @r: the registry to add steps, machine steps and filters to
 * @errp: return location for an error
 *
 * The type of %COMPAT_PLUGIN_SYMBOL.
 *
 * Returns: true on success.
 * Since: 0.1
 */
typedef bool (*CompatPluginRegisterFn)(CompatRegistry *r, GError **errp);

/**
 * compat_unregister:
 * @r: a registry
 * @device: the device id, or %COMPAT_MACHINE for a machine step
 * @from_version: the step's source version
 * @to_version: the step's target version
 * @errp: return location for an error
 *
 * Removes one registered step, for example to replace it or to see what
 * breaks without it (`qvisit compat-check --without`).
 *
 * Errors: %QVISIT_ERROR_UNKNOWN when no such step is registered
 * (`e1000 v3→v2: step not registered`).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_unregister(CompatRegistry *r, const char *device,
                                  uint32_t from_version, uint32_t to_version,
                                  GError **errp);

/**
 * compat_convert:
 * @r: a registry
 * @device: the device id
 * @state: (transfer none): the device's state at @from_version; rewritten
 *   in place to @to_version on success, untouched on failure
 * @from_version: the version @state has
 * @to_version: the version wanted
 * @errp: return location for an error
 *
 * Runs the shortest chain of registered steps from @from_version to
 * @to_version (ties go to the chain through lower versions). Equal
 * versions are the identity and need no registration.
 *
 * Errors: %QVISIT_ERROR_VERSION when no chain exists (`e1000: no compat
 * chain from v3 to v1`), including for a device with no steps at all (the
 * message then ends in `(no transforms registered for e1000)`);
 * otherwise the failing step's own error with the step in front
 * (`e1000 v3→v2: ...`).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_convert(CompatRegistry *r, const char *device,
                               QDict *state, uint32_t from_version,
                               uint32_t to_version, GError **errp);

/**
 * compat_convert_in_place:
 * @r: a registry
 * @device: the device id
 * @state: (transfer none): the device's state at @from_version; rewritten
 *   in place, also on failure
 * @from_version: the version @state has
 * @to_version: the version wanted
 * @errp: return location for an error
 *
 * compat_convert() without its copy of @state: the steps rewrite @state
 * itself, so a failing step leaves it as far as the chain got. For a
 * caller that drops the state on failure (the migration core's load
 * converts trees it decoded itself), it saves copying the state and
 * putting the copy back member by member.
 *
 * Errors: those of compat_convert().
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool compat_convert_in_place(CompatRegistry *r,
                                        const char *device, QDict *state,
                                        uint32_t from_version,
                                        uint32_t to_version, GError **errp);

/**
 * compat_find_chain:
 * @r: a registry
 * @device: the device id, or %COMPAT_MACHINE for machine steps
 * @from_version: the start version
 * @to_version: the end version
 * @n_versions: (out): the number of versions returned
 * @errp: return location for an error
 *
 * The chain compat_convert() would run, without running it: the versions
 * it passes through, @from_version first and @to_version last (just
 * @from_version when both are equal).
 *
 * Errors: %QVISIT_ERROR_VERSION as for compat_convert().
 *
 * Returns: (transfer full) (array length=n_versions) (nullable): the
 *   versions, freed with g_free(); NULL on error.
 * Since: 0.1
 */
QVISIT_API uint32_t *compat_find_chain(CompatRegistry *r, const char *device,
                                       uint32_t from_version,
                                       uint32_t to_version,
                                       size_t *n_versions, GError **errp);

/**
 * CompatStepFunc:
 * @device: (transfer none): the device id, or %COMPAT_MACHINE
 * @from_version: the step's source version
 * @to_version: the step's target version
 * @opaque: the pointer given to compat_foreach_step()
 *
 * Since: 0.1
 */
typedef void (*CompatStepFunc)(const char *device, uint32_t from_version,
                               uint32_t to_version, void *opaque);

/**
 * compat_foreach_step:
 * @r: a registry
 * @fn: called once per registered step
 * @opaque: (nullable): passed to @fn
 *
 * Lists every step: devices sorted by id, then the machine steps, each
 * sorted by (from, to). Do not change @r from @fn.
 *
 * Since: 0.1
 */
QVISIT_API void compat_foreach_step(CompatRegistry *r, CompatStepFunc fn,
                                    void *opaque);

/* --- Machine steps ---------------------------------------------------- */

/**
 * compat_register_machine:
 * @r: a registry
 * @from_version: the machine version @fn reads
 * @to_version: the machine version @fn produces; not @from_version
 * @fn: the step; its state is the dict of all device states keyed by id
 * @opaque: (transfer none) (nullable): passed to @fn; must outlive @r
 * @errp: return location for an error
 *
 * Registers a whole-machine step. Machine steps change which devices
 * exist and what they are called; they do not change device versions, so
 * a device created by a split or merge is at the version of the device it
 * came from. A loader runs the machine chain first, then converts each
 * device with compat_convert().
 *
 * Errors: %QVISIT_ERROR_INVALID for a duplicate step or equal versions.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_register_machine(CompatRegistry *r,
                                        uint32_t from_version,
                                        uint32_t to_version,
                                        CompatTransformFn fn, void *opaque,
                                        GError **errp);

/**
 * compat_convert_machine:
 * @r: a registry
 * @machine: (transfer none): all device states keyed by device id;
 *   rewritten on success, untouched on failure
 * @from_version: the machine version @machine has
 * @to_version: the machine version wanted
 * @errp: return location for an error
 *
 * compat_convert() for machine steps. Errors name the steps
 * `machine v2→v1: ...` and a missing chain is %QVISIT_ERROR_VERSION
 * (`machine: no compat chain from v2 to v1`).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_convert_machine(CompatRegistry *r, QDict *machine,
                                       uint32_t from_version,
                                       uint32_t to_version, GError **errp);

/**
 * compat_machine_split:
 * @machine: (transfer none): all device states keyed by id
 * @id: the device to split; removed on success
 * @id_a: the first new device, copied
 * @members_a: (array zero-terminated=1): names of @id's members that go
 *   to @id_a, in the order @id_a gets them
 * @id_b: the second new device; it gets every other member of @id, in
 *   their order
 * @errp: return location for an error
 *
 * Splits one device into two.
 *
 * Errors: %QVISIT_ERROR_MISSING when @id or a member of @members_a is
 * absent (`pit.channels: no such member`), %QVISIT_ERROR_TYPE when @id is
 * not a dict, %QVISIT_ERROR_INVALID when @id_a or @id_b already exists.
 * On error @machine is untouched.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_machine_split(QDict *machine, const char *id,
                                     const char *id_a,
                                     const char *const *members_a,
                                     const char *id_b, GError **errp);

/**
 * compat_machine_merge:
 * @machine: (transfer none): all device states keyed by id
 * @id_a: the first device; its members come first; removed on success
 * @id_b: the second device; its members follow; removed on success
 * @id: the merged device; may equal @id_a or @id_b
 * @errp: return location for an error
 *
 * Merges two devices into one dict.
 *
 * Errors: %QVISIT_ERROR_MISSING when @id_a or @id_b is absent,
 * %QVISIT_ERROR_TYPE when one is not a dict, %QVISIT_ERROR_INVALID when
 * both have a member of the same name (`rtc.index: member in both rtc and
 * cmos`) or @id exists and is neither. On error @machine is untouched.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_machine_merge(QDict *machine, const char *id_a,
                                     const char *id_b, const char *id,
                                     GError **errp);

/**
 * compat_machine_rename:
 * @machine: (transfer none): all device states keyed by id
 * @id: the device's current id
 * @new_id: its new id, copied
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_MISSING when @id is absent, %QVISIT_ERROR_INVALID
 * when @new_id exists.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_machine_rename(QDict *machine, const char *id,
                                      const char *new_id, GError **errp);

/* --- Member helpers (paths: see "Paths" above) ------------------------ */

/**
 * compat_get_member:
 * @state: (transfer none): a device state
 * @path: the member to look up
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_MISSING / %QVISIT_ERROR_TYPE / %QVISIT_ERROR_RANGE
 * when @path does not resolve, %QVISIT_ERROR_INVALID for a malformed path.
 *
 * Returns: (transfer none) (nullable): the member's value, valid while
 *   @state holds it; NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *compat_get_member(QDict *state, const char *path,
                                      GError **errp);

/**
 * compat_get_uint:
 * @state: (transfer none): a device state
 * @path: an unsigned integer member
 * @max: the largest acceptable value (UINT8_MAX for a u8 ...)
 * @value: (out): the value; untouched on error
 * @errp: return location for an error
 *
 * Reads an unsigned integer for a transform to compute with.
 *
 * Errors: path errors as compat_get_member(), %QVISIT_ERROR_TYPE for a
 * non-integer, %QVISIT_ERROR_RANGE for a negative value or one above @max
 * (`divider: 70000 does not fit 0..65535`).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_get_uint(QDict *state, const char *path, uint64_t max,
                                uint64_t *value, GError **errp);

/**
 * compat_set_member:
 * @state: (transfer none): a device state
 * @path: the member to set; its parent must exist. A path ending in a
 *   name adds or replaces that member (a new member goes last); a path
 *   ending in an index replaces that element.
 * @value: (transfer full): the new value; taken even on failure
 * @errp: return location for an error
 *
 * Errors: path errors as compat_get_member() for the parent (and for the
 * element when @path ends in an index).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_set_member(QDict *state, const char *path,
                                  QObject *value, GError **errp);

/**
 * compat_rename_member:
 * @state: (transfer none): a device state
 * @path: the member to rename
 * @new_name: its new name (a plain name, not a path), copied
 * @errp: return location for an error
 *
 * Renames a member in place: it keeps its position among its siblings.
 *
 * Errors: %QVISIT_ERROR_MISSING / %QVISIT_ERROR_TYPE / %QVISIT_ERROR_RANGE
 * when @path does not resolve, %QVISIT_ERROR_INVALID when @path ends in
 * an index or @new_name exists (`queue.tail: member already exists`).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_rename_member(QDict *state, const char *path,
                                     const char *new_name, GError **errp);

/**
 * compat_add_member:
 * @state: (transfer none): a device state
 * @path: the new member; its parent must exist and be a dict
 * @value: (transfer full): the default value; taken even on failure
 * @errp: return location for an error
 *
 * Errors: as compat_rename_member(); %QVISIT_ERROR_INVALID when the member
 * exists.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_add_member(QDict *state, const char *path,
                                  QObject *value, GError **errp);

/**
 * compat_drop_member:
 * @state: (transfer none): a device state
 * @path: the member to remove
 * @errp: return location for an error
 *
 * Errors: as compat_rename_member(); a missing member is
 * %QVISIT_ERROR_MISSING.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_drop_member(QDict *state, const char *path,
                                   GError **errp);

/**
 * compat_change_int_width:
 * @state: (transfer none): a device state
 * @path: an integer member, or an array of integers (each element changes)
 * @bits: the new width: 8, 16, 32 or 64
 * @is_signed: whether the new type is signed
 * @errp: return location for an error
 *
 * Changes an integer to another width or signedness, checking that the
 * value fits: `mac_reg[3]: 70000 does not fit u16`. Unsigned results are
 * stored as uint QNums, signed ones as int QNums. On error @state is
 * untouched.
 *
 * Errors: path errors as compat_rename_member(), %QVISIT_ERROR_TYPE for a
 * non-integer, %QVISIT_ERROR_RANGE for a value that does not fit.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_change_int_width(QDict *state, const char *path,
                                        unsigned bits, bool is_signed,
                                        GError **errp);

/**
 * compat_move_member:
 * @state: (transfer none): a device state
 * @from_path: the member to move
 * @to_path: where it goes; the parent must exist and be a dict, the member
 *   must not exist
 * @errp: return location for an error
 *
 * Moves a member between structs (or renames it across levels). On error
 * @state is untouched.
 *
 * Errors: as compat_add_member().
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_move_member(QDict *state, const char *from_path,
                                   const char *to_path, GError **errp);

/**
 * compat_resize_array:
 * @state: (transfer none): a device state
 * @path: an array member
 * @len: the new length
 * @fill: (transfer none) (nullable): value for new elements (each gets a
 *   deep copy); needed only when the array grows
 * @errp: return location for an error
 *
 * Grows an array with copies of @fill or shrinks it, dropping the last
 * elements.
 *
 * Errors: path errors as compat_rename_member(), %QVISIT_ERROR_TYPE when
 * @path is not an array, %QVISIT_ERROR_INVALID when the array must grow
 * and @fill is NULL.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_resize_array(QDict *state, const char *path,
                                    size_t len, const QObject *fill,
                                    GError **errp);

/* --- Filters ----------------------------------------------------------- */

/**
 * compat_register_filter:
 * @r: a registry
 * @device: (nullable): the device id, copied; NULL for every device
 * @direction: when the filter runs
 * @fn: the filter
 * @opaque: (transfer none) (nullable): passed to @fn; must outlive @r
 *
 * Adds a marshal (%COMPAT_FILTER_OUTPUT) or unmarshal
 * (%COMPAT_FILTER_INPUT) filter. The same function may be registered
 * several times.
 *
 * Since: 0.1
 */
QVISIT_API void compat_register_filter(CompatRegistry *r, const char *device,
                                       CompatFilterDirection direction,
                                       CompatTransformFn fn, void *opaque);

/**
 * compat_has_filter:
 * @r: a registry
 * @device: the device id
 * @direction: which filters
 *
 * Tells whether compat_filter_output() or compat_filter_input() would run
 * any filter for @device: one registered for it or for every device. The
 * migration core asks before it builds a device's state as a tree only
 * for the filters.
 *
 * Returns: true when at least one such filter is registered.
 * Since: 0.2
 */
QVISIT_API bool compat_has_filter(CompatRegistry *r, const char *device,
                                  CompatFilterDirection direction);

/**
 * compat_filter_output:
 * @r: a registry
 * @device: the device id
 * @state: (transfer none): the device's freshly serialized state;
 *   rewritten on success, untouched on failure
 * @errp: return location for an error
 *
 * Runs, in registration order, every output filter registered for
 * @device or for all devices. With none registered it does nothing.
 *
 * Errors: the failing filter's error, prefixed `e1000 output filter: `.
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_filter_output(CompatRegistry *r, const char *device,
                                     QDict *state, GError **errp);

/**
 * compat_filter_input:
 * @r: a registry
 * @device: the device id
 * @state: (transfer none): the state about to be loaded; rewritten on
 *   success, untouched on failure
 * @errp: return location for an error
 *
 * compat_filter_output() for input filters (`e1000 input filter: `).
 *
 * Returns: true on success.
 * Since: 0.1
 */
QVISIT_API bool compat_filter_input(CompatRegistry *r, const char *device,
                                    QDict *state, GError **errp);

/* --- Schemas ------------------------------------------------------------ */

/**
 * compat_schema_sample:
 * @schema: (transfer none): a schema as describe_visitor_new() makes it
 *   (see docs/formats.md, "Schema description")
 * @errp: return location for an error
 *
 * Builds the state a walk of a zeroed device would produce: integers 0,
 * false, 0.0, "", zero-filled buffers, arrays of their length, every
 * optional member present. compat-check runs transforms on it.
 *
 * Errors: %QVISIT_ERROR_PARSE naming the schema path for a malformed
 * schema.
 *
 * Returns: (transfer full) (nullable): the state, NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *compat_schema_sample(const QObject *schema,
                                         GError **errp);

/**
 * compat_schema_sample_full:
 * @schema: (transfer none): a schema
 * @limits: (nullable): limits to apply; NULL for the defaults
 * @errp: return location for an error
 *
 * compat_schema_sample() within @limits, checked before anything is
 * allocated: a schema nested deeper than max_depth, a buffer of more than
 * max_string_len / 2 bytes (its hex string), more than max_array_len
 * values in one array or in the whole sample, or a sample that would take
 * more than max_alloc bytes of heap is %QVISIT_ERROR_LIMIT naming the
 * schema path.
 *
 * Returns: (transfer full) (nullable): the state, NULL on error.
 * Since: 0.2
 */
QVISIT_API QObject *compat_schema_sample_full(const QObject *schema,
                                              const QVisitLimits *limits,
                                              GError **errp);

/**
 * compat_schema_check:
 * @schema: (transfer none): a schema
 * @value: (transfer none): a state
 * @errp: return location for an error
 *
 * Checks that @value has exactly the shape @schema describes: every
 * required member present, no unknown member, integers that fit their
 * type, array and buffer lengths as described.
 *
 * Errors: %QVISIT_ERROR_MISSING, %QVISIT_ERROR_UNEXPECTED,
 * %QVISIT_ERROR_TYPE, %QVISIT_ERROR_RANGE, %QVISIT_ERROR_LENGTH, with the
 * member path (`mac[6]: ...`); %QVISIT_ERROR_PARSE for a malformed
 * schema.
 *
 * Returns: true when @value matches.
 * Since: 0.1
 */
QVISIT_API bool compat_schema_check(const QObject *schema,
                                    const QObject *value, GError **errp);

/**
 * compat_schema_check_full:
 * @schema: (transfer none): a schema
 * @value: (transfer none): a state
 * @limits: (nullable): limits to apply (max_depth is used); NULL for the
 *   defaults
 * @errp: return location for an error
 *
 * compat_schema_check() with @limits: a schema nested deeper than
 * max_depth is %QVISIT_ERROR_LIMIT.
 *
 * Returns: true when @value matches.
 * Since: 0.2
 */
QVISIT_API bool compat_schema_check_full(const QObject *schema,
                                         const QObject *value,
                                         const QVisitLimits *limits,
                                         GError **errp);

#endif /* QVISIT_COMPAT_H */
