/*
 * The virtio-serial test device (tests/virtio-serial.h). The legacy code
 * follows QEMU 7.2's statement order and calls; the walk writes the same
 * bytes.
 */
#include "tests/virtio-serial.h"

#include <errno.h>
#include <string.h>

uint32_t vser_map_words(const VSerState *s)
{
    return (s->max_ports + 31) / 32;
}

static bool port_plugged(const VSerState *s, uint32_t id)
{
    return id < s->max_ports &&
           (s->ports_plugged[id / 32] & (1u << (id % 32)));
}

void vser_configure(VSerState *s, bool variable_align, bool msix,
                    uint32_t max_ports, uint32_t nports)
{
    memset(s, 0, sizeof(*s));
    s->has_variable_vring_alignment = variable_align;
    s->msix_present = msix;
    s->max_ports = max_ports;
    for (uint32_t id = 0; id < nports; id++) {
        s->ports_plugged[id / 32] |= 1u << (id % 32);
    }
}

void vser_randomize(VSerState *s, uint32_t seed)
{
    GRand *r = g_rand_new_with_seed(seed);
    uint32_t n = 0;

    s->config_vector = g_rand_int(r);
    s->status = g_rand_int(r);
    s->isr = g_rand_int(r);
    s->queue_sel = g_rand_int(r);
    s->guest_features_lo = g_rand_int(r);
    for (size_t i = 0; i < VSER_CONFIG_LEN; i++) {
        s->config[i] = g_rand_int(r);
    }
    /* Virtio-serial has 2 queues per port plus the 2 control queues. */
    s->num_queues = 2 + g_rand_int_range(r, 0, 6);
    for (uint32_t i = 0; i < s->num_queues; i++) {
        VSerQueue *q = &s->vq[i];

        q->num = 1 + g_rand_int_range(r, 0, 1024);
        q->align = s->has_variable_vring_alignment ? 4096 : 0;
        q->desc = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
        q->last_avail_idx = g_rand_int(r);
        q->vector = s->msix_present ? g_rand_int(r) : 0;
    }
    s->cols = g_rand_int(r);
    s->rows = g_rand_int(r);
    s->max_nr_ports = s->max_ports;
    memcpy(s->ports_map, s->ports_plugged, sizeof(s->ports_map));
    for (uint32_t id = 0; id < s->max_ports; id++) {
        if (port_plugged(s, id)) {
            VSerPort *p = &s->ports[n++];

            memset(p, 0, sizeof(*p));
            p->id = id;
            p->guest_connected = g_rand_int_range(r, 0, 2);
            p->host_connected = g_rand_int_range(r, 0, 2);
            p->elem_popped = g_rand_int_range(r, 0, 2);
            if (p->elem_popped) {
                p->iov_idx = g_rand_int(r);
                p->iov_offset = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
            }
        }
    }
    s->nr_active_ports = n;
    g_rand_free(r);
}

bool vser_equal(const VSerState *a, const VSerState *b)
{
    if ((a->msix_present && a->config_vector != b->config_vector) ||
        a->status != b->status || a->isr != b->isr ||
        a->queue_sel != b->queue_sel ||
        a->guest_features_lo != b->guest_features_lo ||
        memcmp(a->config, b->config, VSER_CONFIG_LEN) ||
        a->num_queues != b->num_queues || a->cols != b->cols ||
        a->rows != b->rows || a->max_nr_ports != b->max_nr_ports ||
        memcmp(a->ports_map, b->ports_map,
               vser_map_words(a) * sizeof(uint32_t)) ||
        a->nr_active_ports != b->nr_active_ports) {
        return false;
    }
    for (uint32_t i = 0; i < a->num_queues; i++) {
        const VSerQueue *x = &a->vq[i], *y = &b->vq[i];

        if (x->num != y->num || x->desc != y->desc ||
            x->last_avail_idx != y->last_avail_idx ||
            (a->has_variable_vring_alignment && x->align != y->align) ||
            (a->msix_present && x->vector != y->vector)) {
            return false;
        }
    }
    for (uint32_t i = 0; i < a->nr_active_ports; i++) {
        const VSerPort *x = &a->ports[i], *y = &b->ports[i];

        if (x->id != y->id || x->guest_connected != y->guest_connected ||
            x->host_connected != y->host_connected ||
            x->elem_popped != y->elem_popped ||
            (x->elem_popped && (x->iov_idx != y->iov_idx ||
                                x->iov_offset != y->iov_offset))) {
            return false;
        }
    }
    return true;
}

/* --- Legacy: QEMU 7.2's code, state names adapted ------------------------ */

void vser_save_legacy(QEMUFile *f, void *opaque)
{
    VSerState *s = opaque;
    uint32_t i;

    /* virtio_pci_save_config(), after pci_device_save() and msix_save() */
    if (s->msix_present) {
        qemu_put_be16(f, s->config_vector);
    }
    /* virtio_save() */
    qemu_put_8s(f, &s->status);
    qemu_put_8s(f, &s->isr);
    qemu_put_be16s(f, &s->queue_sel);
    qemu_put_be32s(f, &s->guest_features_lo);
    qemu_put_be32(f, VSER_CONFIG_LEN);
    qemu_put_buffer(f, s->config, VSER_CONFIG_LEN);
    qemu_put_be32(f, s->num_queues);
    for (i = 0; i < s->num_queues; i++) {
        qemu_put_be32(f, s->vq[i].num);
        if (s->has_variable_vring_alignment) {
            qemu_put_be32(f, s->vq[i].align);
        }
        qemu_put_be64(f, s->vq[i].desc);
        qemu_put_be16s(f, &s->vq[i].last_avail_idx);
        /* virtio_pci_save_queue() */
        if (s->msix_present) {
            qemu_put_be16(f, s->vq[i].vector);
        }
    }
    /* virtio_serial_save_device() */
    qemu_put_be16(f, s->cols);
    qemu_put_be16(f, s->rows);
    qemu_put_be32(f, s->max_nr_ports);
    for (i = 0; i < vser_map_words(s); i++) {
        qemu_put_be32s(f, &s->ports_map[i]);
    }
    qemu_put_be32s(f, &s->nr_active_ports);
    for (i = 0; i < s->nr_active_ports; i++) {
        VSerPort *port = &s->ports[i];

        qemu_put_be32s(f, &port->id);
        qemu_put_byte(f, port->guest_connected);
        qemu_put_byte(f, port->host_connected);
        qemu_put_be32s(f, &port->elem_popped);
        if (port->elem_popped) {
            qemu_put_be32s(f, &port->iov_idx);
            qemu_put_be64s(f, &port->iov_offset);
        }
    }
}

/*
 * QEMU's virtio_load() takes a config space of another size and skips the
 * excess; the walk cannot express that, so both of ours refuse it. QEMU
 * also refuses more than VIRTIO_QUEUE_MAX queues, a ports map that differs
 * from its own, and a port id that is not plugged.
 */
int vser_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    VSerState *live = opaque;
    g_autofree VSerState *s = g_memdup2(live, sizeof(*live));
    uint32_t i, config_len, ports_map;

    if (version_id != 3) {
        return -EINVAL;
    }
    if (s->msix_present) {
        s->config_vector = qemu_get_be16(f);
    }
    qemu_get_8s(f, &s->status);
    qemu_get_8s(f, &s->isr);
    qemu_get_be16s(f, &s->queue_sel);
    qemu_get_be32s(f, &s->guest_features_lo);
    config_len = qemu_get_be32(f);
    if (config_len != VSER_CONFIG_LEN) {
        return -EINVAL;
    }
    qemu_get_buffer(f, s->config, VSER_CONFIG_LEN);
    s->num_queues = qemu_get_be32(f);
    if (s->num_queues > VSER_QUEUE_MAX) {
        return -EINVAL;
    }
    for (i = 0; i < s->num_queues; i++) {
        s->vq[i].num = qemu_get_be32(f);
        if (s->has_variable_vring_alignment) {
            s->vq[i].align = qemu_get_be32(f);
        }
        s->vq[i].desc = qemu_get_be64(f);
        qemu_get_be16s(f, &s->vq[i].last_avail_idx);
        if (s->msix_present) {
            s->vq[i].vector = qemu_get_be16(f);
        }
    }
    s->cols = qemu_get_be16(f);
    s->rows = qemu_get_be16(f);
    s->max_nr_ports = qemu_get_be32(f);
    for (i = 0; i < vser_map_words(s); i++) {
        qemu_get_be32s(f, &ports_map);
        if (ports_map != s->ports_plugged[i]) {
            return -EINVAL;
        }
        s->ports_map[i] = ports_map;
    }
    qemu_get_be32s(f, &s->nr_active_ports);
    if (s->nr_active_ports > s->max_ports) {
        return -EINVAL;
    }
    for (i = 0; i < s->nr_active_ports; i++) {
        VSerPort *port = &s->ports[i];

        port->id = qemu_get_be32(f);
        if (!port_plugged(s, port->id)) {
            return -EINVAL;
        }
        port->guest_connected = qemu_get_byte(f);
        port->host_connected = qemu_get_byte(f);
        qemu_get_be32s(f, &port->elem_popped);
        if (port->elem_popped > 1) {
            return -EINVAL;
        }
        if (port->elem_popped) {
            qemu_get_be32s(f, &port->iov_idx);
            qemu_get_be64s(f, &port->iov_offset);
        }
    }
    if (qemu_file_get_error(f)) {
        return qemu_file_get_error(f);
    }
    *live = *s;
    return 0;
}

/* --- The walk ------------------------------------------------------------ */

static bool vser_queue_visit(Visitor *v, VSerState *s, VSerQueue *q,
                             GError **errp)
{
    return visit_start_struct(v, NULL, errp) &&
           visit_type_u32(v, "num", &q->num, errp) &&
           (!visit_config_member(v, "align",
                                 s->has_variable_vring_alignment) ||
            visit_type_u32(v, "align", &q->align, errp)) &&
           visit_type_u64(v, "desc", &q->desc, errp) &&
           visit_type_u16(v, "last_avail_idx", &q->last_avail_idx, errp) &&
           (!visit_config_member(v, "vector", s->msix_present) ||
            visit_type_u16(v, "vector", &q->vector, errp)) &&
           visit_end_struct(v, errp);
}

static bool vser_port_visit(Visitor *v, VSerState *s, VSerPort *p,
                            GError **errp)
{
    if (!visit_start_struct(v, NULL, errp) ||
        !visit_type_u32(v, "id", &p->id, errp)) {
        return false;
    }
    if (visit_is_input(v) && !port_plugged(s, p->id)) {
        return visit_set_error(v, errp, "id", QVISIT_ERROR_CONFIG,
                               "port %u is not plugged on this side",
                               p->id);
    }
    return visit_type_u8(v, "guest_connected", &p->guest_connected, errp) &&
           visit_type_u8(v, "host_connected", &p->host_connected, errp) &&
           visit_type_u32(v, "elem_popped", &p->elem_popped, errp) &&
           visit_check_range(v, "elem_popped", p->elem_popped, 0, 1, errp) &&
           (!p->elem_popped ||
            (visit_type_u32(v, "iov_idx", &p->iov_idx, errp) &&
             visit_type_u64(v, "iov_offset", &p->iov_offset, errp))) &&
           visit_end_struct(v, errp);
}

/* The ports map must be this side's, word by word, as QEMU checks it. */
static bool vser_map_visit(Visitor *v, VSerState *s, GError **errp)
{
    uint32_t n = vser_map_words(s);
    bool ok = visit_start_array(v, "ports_map", n, errp);

    for (uint32_t i = 0; ok && i < n; i++) {
        uint32_t word = s->ports_map[i];

        ok = visit_type_u32(v, NULL, &word, errp);
        if (ok && visit_is_input(v) && word != s->ports_plugged[i]) {
            ok = visit_set_error(v, errp, NULL, QVISIT_ERROR_CONFIG,
                                 "word %u: ports 0x%08x on the source, "
                                 "0x%08x here", i, word,
                                 s->ports_plugged[i]);
        }
        if (ok) {
            s->ports_map[i] = word;
        }
    }
    return ok && visit_end_array(v, errp);
}

bool vser_visit(Visitor *v, void *opaque, GError **errp)
{
    VSerState *s = opaque;
    uint32_t config_len = VSER_CONFIG_LEN;
    bool ok;

    ok = visit_start_struct(v, "vser", errp) &&
         (!visit_config_member(v, "config_vector", s->msix_present) ||
          visit_type_u16(v, "config_vector", &s->config_vector, errp)) &&
         visit_type_u8(v, "status", &s->status, errp) &&
         visit_type_u8(v, "isr", &s->isr, errp) &&
         visit_type_u16(v, "queue_sel", &s->queue_sel, errp) &&
         visit_type_u32(v, "guest_features_lo", &s->guest_features_lo,
                        errp) &&
         visit_type_u32(v, "config_len", &config_len, errp);
    if (ok && config_len != VSER_CONFIG_LEN) {
        return visit_set_error(v, errp, "config_len", QVISIT_ERROR_CONFIG,
                               "config space of %u bytes, %u here",
                               config_len, VSER_CONFIG_LEN);
    }
    ok = ok && visit_type_buffer(v, "config", s->config, VSER_CONFIG_LEN,
                                 errp) &&
         visit_type_u32(v, "num_queues", &s->num_queues, errp) &&
         visit_check_range(v, "num_queues", s->num_queues, 0,
                           VSER_QUEUE_MAX, errp) &&
         visit_start_array(v, "vq", s->num_queues, errp);
    for (uint32_t i = 0; ok && i < s->num_queues; i++) {
        ok = vser_queue_visit(v, s, &s->vq[i], errp);
    }
    ok = ok && visit_end_array(v, errp) &&
         visit_type_u16(v, "cols", &s->cols, errp) &&
         visit_type_u16(v, "rows", &s->rows, errp) &&
         visit_type_u32(v, "max_nr_ports", &s->max_nr_ports, errp) &&
         vser_map_visit(v, s, errp) &&
         visit_type_u32(v, "nr_active_ports", &s->nr_active_ports, errp) &&
         visit_check_range(v, "nr_active_ports", s->nr_active_ports, 0,
                           s->max_ports, errp) &&
         visit_start_array(v, "ports", s->nr_active_ports, errp);
    for (uint32_t i = 0; ok && i < s->nr_active_ports; i++) {
        ok = vser_port_visit(v, s, &s->ports[i], errp);
    }
    return ok && visit_end_array(v, errp) && visit_end_struct(v, errp);
}

/*
 * The configuration is what the walk's shape depends on: bus, MSI-X,
 * max_ports and the plugged ports. Without a live device, the describe
 * configuration: variable alignment and MSI-X on, one plugged port. The
 * counts are the walk's to read, so the hook sets them to show one queue
 * and one port with a popped element to a describe walk.
 */
bool vser_prepare(void *scratch, const void *live, GError **errp)
{
    VSerState *s = scratch;
    const VSerState *l = live;

    (void)errp;
    if (l) {
        s->has_variable_vring_alignment = l->has_variable_vring_alignment;
        s->msix_present = l->msix_present;
        s->max_ports = l->max_ports;
        memcpy(s->ports_plugged, l->ports_plugged,
               sizeof(s->ports_plugged));
    } else {
        vser_configure(s, true, true, 1, 1);
    }
    memcpy(s->ports_map, s->ports_plugged, sizeof(s->ports_map));
    s->num_queues = 1;
    for (uint32_t id = 0; id < s->max_ports; id++) {
        if (port_plugged(s, id)) {
            s->nr_active_ports = 1;
            s->ports[0].id = id;
            s->ports[0].elem_popped = 1;
            break;
        }
    }
    return true;
}

MigrationDeviceInfo vser_device_info(bool with_prepare)
{
    MigrationDeviceInfo info = {
        .id = "vser",
        .version = 3,
        .minimum_version = 3,
        .visit = vser_visit,
        .state_size = sizeof(VSerState),
        .prepare = with_prepare ? vser_prepare : NULL,
    };

    return info;
}
