/*
 * The example device catalog: six devices modelled on the migration state
 * of real QEMU devices, each written three ways so the conversion from
 * legacy qemu_put_*()/qemu_get_*() code to a visitor walk can be shown and
 * tested step by step (docs/converting-devices.md).
 *
 * Not public API: linked into the tests, tools, benchmarks and the demo as
 * build/libqvisit-devices.a. Each (device id, layout version) pair is one
 * ExampleDevice entry; "serial" and "e1000" have versions 1, 2 and 3 (see
 * the table at the top of serial.c and e1000.c), the others only version 1.
 *
 * All three implementations of one entry write byte-identical streams and
 * each loader reads what any of them wrote. States are plain structs that
 * the caller allocates with g_malloc0(state_size) and releases with
 * clear() followed by g_free().
 */
#ifndef QVISIT_EXAMPLE_DEVICES_H
#define QVISIT_EXAMPLE_DEVICES_H

#include <qvisit/qvisit.h>

typedef struct ExampleDevice {
    /* "serial", "pit", "rtc", "e1000", "virtio-net-queues", "ps2kbd" */
    const char *id;
    /* layout version of this entry (1, 2, 3 ...) */
    uint32_t version;
    /* oldest version this layout's load accepts */
    uint32_t minimum_version;
    /* bytes to g_malloc0 for one state */
    size_t state_size;
    /*
     * Final walk: visit_start_struct(v, <id>, errp) ... visit_end_struct().
     * An input walk stores into @state (a zeroed or earlier loaded state)
     * and may leave it partly written on failure; clear() still releases
     * it correctly.
     */
    bool (*visit)(Visitor *v, void *state, GError **errp);
    /* Legacy code, qemu_put_* / qemu_get_* only. */
    void (*save_legacy)(QEMUFile *f, void *state);
    /*
     * Returns 0, a negative errno from the file (-EIO when truncated), or
     * -EINVAL for a bad value or another @version_id. @state is written
     * only on success.
     */
    int (*load_legacy)(QEMUFile *f, void *state, int version_id);
    /* Mid-conversion: mixes legacy calls and qemu_file_get_visitor(). */
    void (*save_mid)(QEMUFile *f, void *state);
    /* As load_legacy. */
    int (*load_mid)(QEMUFile *f, void *state, int version_id);
    /* Fill with a deterministic random but valid state. */
    void (*randomize)(void *state, uint64_t *seed);
    /* Field by field; absent optional members compare by presence only. */
    bool (*equal)(const void *a, const void *b);
    /* Frees what the state points to (the state itself is the caller's). */
    void (*clear)(void *state);
} ExampleDevice;

/*
 * Returns the entry for @id at layout @version, or NULL. The pointer is
 * static.
 */
const ExampleDevice *example_device_find(const char *id, uint32_t version);

/*
 * Returns every entry (10 of them: serial v1..v3, pit, rtc, e1000 v1..v3,
 * virtio-net-queues, ps2kbd) and stores the count in *@n. Static.
 */
const ExampleDevice *const *example_devices_all(size_t *n);

/* Simulated VM releases 1..EXAMPLE_RELEASE_MAX: which version of each. */
#define EXAMPLE_RELEASE_MAX 3

/*
 * Returns the six devices of @release (1..EXAMPLE_RELEASE_MAX) in a fixed
 * order (serial, pit, rtc, e1000, virtio-net-queues, ps2kbd) and stores
 * the count in *@n: release N has serial vN and e1000 vN, the others are
 * the same in every release. Returns NULL with *@n = 0 for another
 * @release. Static.
 */
const ExampleDevice *const *example_release_devices(unsigned release,
                                                    size_t *n);

/*
 * Allocates a zeroed state for @dev (g_malloc0(dev->state_size)); release
 * it with example_device_state_free().
 */
void *example_device_state_new(const ExampleDevice *dev);

/* Calls dev->clear(state), then frees @state; accepts NULL. */
void example_device_state_free(const ExampleDevice *dev, void *state);

#endif /* QVISIT_EXAMPLE_DEVICES_H */
