/*
 * Example device: the virtqueues of a multiqueue virtio-net device,
 * modelled on QEMU's virtio device state (the rings' guest addresses and
 * indices, per-queue notification state and the optional per-queue
 * members QEMU keeps in subsections). Its point is the variable count:
 * num_queues comes first and that many queues follow, so a load must check
 * num_queues against VIRTIO_NET_QUEUES_MAX before it allocates anything.
 * Layout version 1.
 *
 * Stream (version 1):
 *   guest_features u64, status u8, isr u8, num_queues u32 (<= 64),
 *   queues[num_queues] { desc u64, avail u64, used u64, num u16 (<= 1024),
 *     last_avail_idx u16, used_idx u16, notification bool,
 *     optional signalled_used: presence byte, then u16 when 1,
 *     optional vector: presence byte, then u16 when 1 }
 */
#ifndef QVISIT_EXAMPLE_VIRTIO_NET_QUEUES_H
#define QVISIT_EXAMPLE_VIRTIO_NET_QUEUES_H

#include <qvisit/qvisit.h>

#define VIRTIO_NET_QUEUES_MAX 64
#define VIRTQUEUE_MAX_SIZE 1024

typedef struct VirtioNetQueue {
    uint64_t desc;              /* guest address of the descriptor table */
    uint64_t avail;             /* ... of the available ring */
    uint64_t used;              /* ... of the used ring */
    uint16_t num;               /* ring size, <= VIRTQUEUE_MAX_SIZE */
    uint16_t last_avail_idx;
    uint16_t used_idx;
    bool notification;
    bool has_signalled_used;    /* optional member present */
    uint16_t signalled_used;
    bool has_vector;            /* optional member present */
    uint16_t vector;            /* MSI-X vector */
} VirtioNetQueue;

typedef struct VirtioNetQueuesState {
    uint64_t guest_features;
    uint8_t status;
    uint8_t isr;
    uint32_t num_queues;        /* <= VIRTIO_NET_QUEUES_MAX */
    VirtioNetQueue *queues;     /* g_new0'ed, num_queues long, or NULL */
} VirtioNetQueuesState;

/*
 * The final walk; root struct "virtio-net-queues". An input walk replaces
 * s->queues (freeing the old array) once num_queues has passed its check.
 */
bool virtio_net_queues_visit(Visitor *v, VirtioNetQueuesState *s,
                             GError **errp);

#endif /* QVISIT_EXAMPLE_VIRTIO_NET_QUEUES_H */
