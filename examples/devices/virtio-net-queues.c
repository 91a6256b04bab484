/*
 * Example device: virtio-net queue set, written three ways. Every loader
 * checks num_queues before the allocation it sizes, and each ring size
 * before it is stored; the optional members are a presence byte (0/1) and,
 * when present, the value.
 */
#include "examples/devices/virtio-net-queues.h"

#include "examples/devices/example-devices-internal.h"

/* --- legacy ------------------------------------------------------------- */

static void virtio_queue_save(QEMUFile *f, VirtioNetQueue *q)
{
    qemu_put_be64(f, q->desc);
    qemu_put_be64(f, q->avail);
    qemu_put_be64(f, q->used);
    qemu_put_be16(f, q->num);
    qemu_put_be16(f, q->last_avail_idx);
    qemu_put_be16(f, q->used_idx);
    qemu_put_byte(f, q->notification);
    qemu_put_byte(f, q->has_signalled_used);
    if (q->has_signalled_used) {
        qemu_put_be16(f, q->signalled_used);
    }
    qemu_put_byte(f, q->has_vector);
    if (q->has_vector) {
        qemu_put_be16(f, q->vector);
    }
}

static int virtio_queue_load(QEMUFile *f, VirtioNetQueue *q)
{
    q->desc = qemu_get_be64(f);
    q->avail = qemu_get_be64(f);
    q->used = qemu_get_be64(f);
    q->num = qemu_get_be16(f);
    if (q->num > VIRTQUEUE_MAX_SIZE) {
        return example_devices__invalid(f);
    }
    q->last_avail_idx = qemu_get_be16(f);
    q->used_idx = qemu_get_be16(f);
    if (example_devices__get_bool(f, &q->notification) < 0 ||
        example_devices__get_bool(f, &q->has_signalled_used) < 0) {
        return example_devices__invalid(f);
    }
    if (q->has_signalled_used) {
        q->signalled_used = qemu_get_be16(f);
    }
    if (example_devices__get_bool(f, &q->has_vector) < 0) {
        return example_devices__invalid(f);
    }
    if (q->has_vector) {
        q->vector = qemu_get_be16(f);
    }
    return 0;
}

static void virtio_net_queues_save_legacy(QEMUFile *f, void *opaque)
{
    VirtioNetQueuesState *s = opaque;

    qemu_put_be64(f, s->guest_features);
    qemu_put_byte(f, s->status);
    qemu_put_byte(f, s->isr);
    qemu_put_be32(f, s->num_queues);
    for (uint32_t i = 0; i < s->num_queues; i++) {
        virtio_queue_save(f, &s->queues[i]);
    }
}

/* Frees the old queues and moves @tmp's into @s. */
static void virtio_net_queues_commit(VirtioNetQueuesState *s,
                                     VirtioNetQueuesState *tmp)
{
    g_free(s->queues);
    *s = *tmp;
    tmp->queues = NULL;
}

static int virtio_net_queues_load_legacy(QEMUFile *f, void *opaque,
                                         int version_id)
{
    VirtioNetQueuesState tmp = { 0 };
    int ret = 0;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    tmp.guest_features = qemu_get_be64(f);
    tmp.status = qemu_get_byte(f);
    tmp.isr = qemu_get_byte(f);
    tmp.num_queues = qemu_get_be32(f);
    /* Check the count before the allocation it sizes. */
    if (tmp.num_queues > VIRTIO_NET_QUEUES_MAX) {
        return example_devices__invalid(f);
    }
    tmp.queues = g_new0(VirtioNetQueue, tmp.num_queues);
    for (uint32_t i = 0; ret == 0 && i < tmp.num_queues; i++) {
        ret = virtio_queue_load(f, &tmp.queues[i]);
    }
    if (ret == 0) {
        ret = qemu_file_get_error(f);
    }
    if (ret == 0) {
        virtio_net_queues_commit(opaque, &tmp);
    }
    g_free(tmp.queues);
    return ret;
}

/* --- final walk --------------------------------------------------------- */

static bool virtio_queue_visit(Visitor *v, VirtioNetQueue *q, GError **errp)
{
    uint16_t num = q->num;

    if (!visit_start_struct(v, NULL, errp) ||
        !visit_type_u64(v, "desc", &q->desc, errp) ||
        !visit_type_u64(v, "avail", &q->avail, errp) ||
        !visit_type_u64(v, "used", &q->used, errp) ||
        !visit_type_u16(v, "num", &num, errp) ||
        !visit_check_range(v, "num", num, 0, VIRTQUEUE_MAX_SIZE, errp)) {
        return false;
    }
    q->num = num;
    if (!visit_type_u16(v, "last_avail_idx", &q->last_avail_idx, errp) ||
        !visit_type_u16(v, "used_idx", &q->used_idx, errp) ||
        !visit_type_bool(v, "notification", &q->notification, errp)) {
        return false;
    }
    /*
     * When a presence byte is bad, visit_optional() returns false and the
     * next visit call (here at the latest visit_end_struct()) fails with
     * its error.
     */
    if (visit_optional(v, "signalled_used", &q->has_signalled_used) &&
        !visit_type_u16(v, "signalled_used", &q->signalled_used, errp)) {
        return false;
    }
    if (visit_optional(v, "vector", &q->has_vector) &&
        !visit_type_u16(v, "vector", &q->vector, errp)) {
        return false;
    }
    return visit_end_struct(v, errp);
}

/*
 * The queues array after num_queues: @n elements, or for a describe
 * visitor (which has no state to size the array) one scratch element, so
 * the schema records the queue layout.
 */
static bool virtio_queues_visit(Visitor *v, VirtioNetQueue *queues, size_t n,
                                GError **errp)
{
    VirtioNetQueue scratch = { 0 };
    bool ok;

    if (visit_get_type(v) == VISITOR_DESCRIBE) {
        queues = &scratch;
        n = 1;
    }
    ok = visit_start_array(v, "queues", n, errp);
    for (size_t i = 0; ok && i < n; i++) {
        ok = virtio_queue_visit(v, &queues[i], errp);
    }
    return ok && visit_end_array(v, errp);
}

bool virtio_net_queues_visit(Visitor *v, VirtioNetQueuesState *s,
                             GError **errp)
{
    uint32_t n = s->num_queues;

    if (!visit_start_struct(v, "virtio-net-queues", errp) ||
        !visit_type_u64(v, "guest_features", &s->guest_features, errp) ||
        !visit_type_u8(v, "status", &s->status, errp) ||
        !visit_type_u8(v, "isr", &s->isr, errp) ||
        !visit_type_u32(v, "num_queues", &n, errp) ||
        /* Before anything is allocated or stored. */
        !visit_check_range(v, "num_queues",
                           n, 0, VIRTIO_NET_QUEUES_MAX, errp)) {
        return false;
    }
    if (visit_is_input(v)) {
        g_free(s->queues);
        s->queues = g_new0(VirtioNetQueue, n);
        s->num_queues = n;
    }
    return virtio_queues_visit(v, s->queues, s->num_queues, errp) &&
           visit_end_struct(v, errp);
}

/* --- mid-conversion: header legacy, queues through the visitor ---------- */

static void virtio_net_queues_save_mid(QEMUFile *f, void *opaque)
{
    VirtioNetQueuesState *s = opaque;
    GError *err = NULL;

    qemu_put_be64(f, s->guest_features);
    qemu_put_byte(f, s->status);
    qemu_put_byte(f, s->isr);
    qemu_put_be32(f, s->num_queues);
    virtio_queues_visit(qemu_file_get_visitor(f), s->queues, s->num_queues,
                        &err);
    example_devices__save_result(f, err);
}

static int virtio_net_queues_load_mid(QEMUFile *f, void *opaque,
                                      int version_id)
{
    VirtioNetQueuesState tmp = { 0 };
    GError *err = NULL;
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    tmp.guest_features = qemu_get_be64(f);
    tmp.status = qemu_get_byte(f);
    tmp.isr = qemu_get_byte(f);
    tmp.num_queues = qemu_get_be32(f);
    if (tmp.num_queues > VIRTIO_NET_QUEUES_MAX) {
        return example_devices__invalid(f);
    }
    tmp.queues = g_new0(VirtioNetQueue, tmp.num_queues);
    virtio_queues_visit(qemu_file_get_visitor(f), tmp.queues, tmp.num_queues,
                        &err);
    ret = example_devices__load_result(f, err);
    if (ret == 0) {
        virtio_net_queues_commit(opaque, &tmp);
    }
    g_free(tmp.queues);
    return ret;
}

/* --- catalog glue ------------------------------------------------------- */

static bool virtio_net_queues_visit_opaque(Visitor *v, void *state,
                                           GError **errp)
{
    return virtio_net_queues_visit(v, state, errp);
}

static void virtio_net_queues_clear(void *state)
{
    VirtioNetQueuesState *s = state;

    g_clear_pointer(&s->queues, g_free);
    s->num_queues = 0;
}

static void virtio_net_queues_randomize(void *state, uint64_t *seed)
{
    VirtioNetQueuesState *s = state;

    virtio_net_queues_clear(s);
    s->guest_features = example_devices__rand(seed);
    s->status = example_devices__rand(seed);
    s->isr = example_devices__rand(seed);
    s->num_queues = example_devices__rand(seed) % (VIRTIO_NET_QUEUES_MAX + 1);
    s->queues = g_new0(VirtioNetQueue, s->num_queues);
    for (uint32_t i = 0; i < s->num_queues; i++) {
        VirtioNetQueue *q = &s->queues[i];

        q->desc = example_devices__rand(seed);
        q->avail = example_devices__rand(seed);
        q->used = example_devices__rand(seed);
        q->num = example_devices__rand(seed) % (VIRTQUEUE_MAX_SIZE + 1);
        q->last_avail_idx = example_devices__rand(seed);
        q->used_idx = example_devices__rand(seed);
        q->notification = example_devices__rand(seed) & 1;
        q->has_signalled_used = example_devices__rand(seed) & 1;
        if (q->has_signalled_used) {
            q->signalled_used = example_devices__rand(seed);
        }
        q->has_vector = example_devices__rand(seed) & 1;
        if (q->has_vector) {
            q->vector = example_devices__rand(seed);
        }
    }
}

static bool virtio_queue_equal(const VirtioNetQueue *a,
                               const VirtioNetQueue *b)
{
    return a->desc == b->desc && a->avail == b->avail &&
           a->used == b->used && a->num == b->num &&
           a->last_avail_idx == b->last_avail_idx &&
           a->used_idx == b->used_idx &&
           a->notification == b->notification &&
           a->has_signalled_used == b->has_signalled_used &&
           (!a->has_signalled_used ||
            a->signalled_used == b->signalled_used) &&
           a->has_vector == b->has_vector &&
           (!a->has_vector || a->vector == b->vector);
}

static bool virtio_net_queues_equal(const void *pa, const void *pb)
{
    const VirtioNetQueuesState *a = pa, *b = pb;

    if (a->guest_features != b->guest_features || a->status != b->status ||
        a->isr != b->isr || a->num_queues != b->num_queues) {
        return false;
    }
    for (uint32_t i = 0; i < a->num_queues; i++) {
        if (!virtio_queue_equal(&a->queues[i], &b->queues[i])) {
            return false;
        }
    }
    return true;
}

const ExampleDevice example_virtio_net_queues = {
    .id = "virtio-net-queues",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(VirtioNetQueuesState),
    .visit = virtio_net_queues_visit_opaque,
    .save_legacy = virtio_net_queues_save_legacy,
    .load_legacy = virtio_net_queues_load_legacy,
    .save_mid = virtio_net_queues_save_mid,
    .load_mid = virtio_net_queues_load_mid,
    .randomize = virtio_net_queues_randomize,
    .equal = virtio_net_queues_equal,
    .clear = virtio_net_queues_clear,
};
