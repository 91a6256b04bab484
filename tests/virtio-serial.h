/*
 * A test device ported from QEMU 7.2's virtio-serial migration code
 * (tests/support/virtio-serial.c): the legacy save/load of virtio_save()
 * and virtio_load() (hw/virtio/virtio.c) with the virtio-pci bus hooks
 * (virtio_pci_save_config() and virtio_pci_save_queue()), and of
 * virtio_serial_save_device() and virtio_serial_load_device()
 * (hw/char/virtio-serial-bus.c), next to the one visitor walk that
 * replaces them.
 *
 * Its layout depends on the device's configuration, which is what the
 * migration core's dry run and the describe walk have to see: the ring
 * alignment `vq[].align` only on a bus with variable ring alignment,
 * `config_vector` and `vq[].vector` only with MSI-X, `ports_map` as long
 * as the `max_ports` property says, and the ports the stream names must
 * be plugged on this side.
 *
 * Left out: the PCI config space and MSI-X table (pci_device_save(),
 * msix_save()), the vmstate_virtio subsections after the legacy part,
 * the device's vmsd and the virtqueue element of a port with a popped
 * element (qemu_put_virtqueue_element()); `iov_idx` and `iov_offset` of
 * such a port are kept.
 */
#ifndef QVISIT_TESTS_VIRTIO_SERIAL_H
#define QVISIT_TESTS_VIRTIO_SERIAL_H

#include "qvisit/qvisit.h"

/* QEMU's VIRTIO_QUEUE_MAX is 1024; the test device needs fewer. */
#define VSER_QUEUE_MAX 64
/* max_ports may not exceed this here (QEMU: VIRTIO_QUEUE_MAX / 2 - 1). */
#define VSER_PORTS_MAX 64
/* struct virtio_console_config: cols, rows, max_nr_ports, emerg_wr. */
#define VSER_CONFIG_LEN 12

typedef struct VSerQueue {
    uint32_t num;
    uint32_t align;             /* on the wire only with variable align */
    uint64_t desc;
    uint16_t last_avail_idx;
    uint16_t vector;            /* on the wire only with MSI-X */
} VSerQueue;

typedef struct VSerPort {
    uint32_t id;
    uint8_t guest_connected;
    uint8_t host_connected;
    uint32_t elem_popped;       /* 0 or 1; QEMU writes it as a be32 */
    uint32_t iov_idx;           /* on the wire only when elem_popped */
    uint64_t iov_offset;
} VSerPort;

typedef struct VSerState {
    /* Configuration: bus, properties and plugged ports; not migrated. */
    bool has_variable_vring_alignment;
    bool msix_present;
    uint32_t max_ports;         /* 1..VSER_PORTS_MAX */
    uint32_t ports_plugged[VSER_PORTS_MAX / 32]; /* bitmap of port ids */

    /* Migrated. */
    uint16_t config_vector;
    uint8_t status;
    uint8_t isr;
    uint16_t queue_sel;
    uint32_t guest_features_lo;
    uint8_t config[VSER_CONFIG_LEN];
    uint32_t num_queues;
    VSerQueue vq[VSER_QUEUE_MAX];
    uint16_t cols;
    uint16_t rows;
    uint32_t max_nr_ports;      /* the config space's copy; ignored on load */
    uint32_t ports_map[VSER_PORTS_MAX / 32];
    uint32_t nr_active_ports;
    VSerPort ports[VSER_PORTS_MAX];
} VSerState;

/* The number of ports_map words, QEMU's DIV_ROUND_UP(max_ports, 32). */
uint32_t vser_map_words(const VSerState *s);

/*
 * Configures @s (zeroing it first): a virtio-pci-like bus when
 * @variable_align is false, MSI-X when @msix, @max_ports, and ports with
 * the ids 0..@nports - 1 plugged.
 */
void vser_configure(VSerState *s, bool variable_align, bool msix,
                    uint32_t max_ports, uint32_t nports);

/* Fills the migrated part of a configured @s with values from @seed. */
void vser_randomize(VSerState *s, uint32_t seed);

/* Whether the migrated parts of @a and @b are equal as the walk sees them
 * (members the configuration leaves out are not compared). */
bool vser_equal(const VSerState *a, const VSerState *b);

/* The legacy code, as QEMU 7.2 writes and reads it (0 or -errno). */
void vser_save_legacy(QEMUFile *f, void *opaque);
int vser_load_legacy(QEMUFile *f, void *opaque, int version_id);

/* The walk that replaces both; the root struct is "vser". */
bool vser_visit(Visitor *v, void *opaque, GError **errp);

/* The prepare hook (MigrationDeviceInfo.prepare). */
bool vser_prepare(void *scratch, const void *live, GError **errp);

/* "vser" v3 with visit, state_size and prepare set (@with_prepare false:
 * without the hook, as before it existed). */
MigrationDeviceInfo vser_device_info(bool with_prepare);

#endif /* QVISIT_TESTS_VIRTIO_SERIAL_H */
