/*
 * The example devices (examples/devices/): for every catalog entry the
 * legacy, mid-conversion and final code write the same bytes, every loader
 * reads every stream back, the final walk gives a named QObject/JSON tree
 * that round-trips, and bad streams fail with the exact code and path.
 */
#include "tests/test-util.h"

#include <errno.h>
#include <string.h>

#include "examples/devices/e1000.h"
#include "examples/devices/example-devices.h"
#include "examples/devices/pit.h"
#include "examples/devices/ps2kbd.h"
#include "examples/devices/rtc.h"
#include "examples/devices/serial.h"
#include "examples/devices/virtio-net-queues.h"

#define RANDOM_STATES 50

typedef enum { IMPL_LEGACY, IMPL_MID, IMPL_FINAL, IMPL_COUNT } Impl;

static const char *const impl_names[IMPL_COUNT] = { "legacy", "mid", "final" };

/* A state of @dev that frees itself. */
typedef struct DevState {
    const ExampleDevice *dev;
    void *state;
} DevState;

static DevState dev_state_new(const ExampleDevice *dev)
{
    return (DevState) { dev, example_device_state_new(dev) };
}

static void dev_state_clear(DevState *s)
{
    example_device_state_free(s->dev, s->state);
    s->state = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DevState, dev_state_clear)

static GByteArray *save_with(const ExampleDevice *dev, void *state, Impl impl)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    GError *err = NULL;

    switch (impl) {
    case IMPL_LEGACY:
        dev->save_legacy(f, state);
        break;
    case IMPL_MID:
        dev->save_mid(f, state);
        break;
    default: {
        g_autoptr(Visitor) v = qemu_file_output_visitor_new(f);

        CU_ASSERT_TRUE(dev->visit(v, state, &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        break;
    }
    }
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    return out;
}

/*
 * Loads @len bytes with @impl into @state. Returns 0 or a negative errno
 * (-EINVAL for the final walk's errors, stored in *@errp); *@consumed gets
 * the number of bytes read.
 */
static int load_with(const ExampleDevice *dev, const uint8_t *data,
                     size_t len, Impl impl, void *state, GError **errp,
                     uint64_t *consumed)
{
    QEMUFile *f = qemu_fopen_mem(data, len);
    int ret;

    switch (impl) {
    case IMPL_LEGACY:
        ret = dev->load_legacy(f, state, dev->version);
        break;
    case IMPL_MID:
        ret = dev->load_mid(f, state, dev->version);
        break;
    default: {
        g_autoptr(Visitor) v = qemu_file_input_visitor_new(f);

        ret = dev->visit(v, state, errp) && visit_complete(v, errp)
              ? 0 : -EINVAL;
        break;
    }
    }
    if (consumed) {
        *consumed = qemu_file_transferred(f);
    }
    qemu_fclose(f);
    return ret;
}

/* --- catalog ------------------------------------------------------------ */

static void catalog_lists_ten_entries_and_three_releases(void)
{
    static const char *const release_ids[] = {
        "serial", "pit", "rtc", "e1000", "virtio-net-queues", "ps2kbd",
    };
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    CU_ASSERT_EQUAL(n, 10);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_PTR_EQUAL(example_device_find(all[i]->id, all[i]->version),
                            all[i]);
        CU_ASSERT_EQUAL(all[i]->minimum_version, all[i]->version);
    }
    CU_ASSERT_PTR_NULL(example_device_find("serial", 4));
    CU_ASSERT_PTR_NULL(example_device_find("uart", 1));
    CU_ASSERT_PTR_NOT_NULL(example_device_find("e1000", 3));

    for (unsigned r = 1; r <= EXAMPLE_RELEASE_MAX; r++) {
        const ExampleDevice *const *rel = example_release_devices(r, &n);

        CU_ASSERT_EQUAL_FATAL(n, G_N_ELEMENTS(release_ids));
        for (size_t i = 0; i < n; i++) {
            bool versioned = strcmp(rel[i]->id, "serial") == 0 ||
                             strcmp(rel[i]->id, "e1000") == 0;

            CU_ASSERT_STRING_EQUAL(rel[i]->id, release_ids[i]);
            CU_ASSERT_EQUAL(rel[i]->version, versioned ? r : 1);
        }
    }
    CU_ASSERT_PTR_NULL(example_release_devices(0, &n));
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_PTR_NULL(example_release_devices(EXAMPLE_RELEASE_MAX + 1, &n));
}

/* --- byte identity and cross loading ------------------------------------ */

static void legacy_mid_and_final_write_identical_bytes(void)
{
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t d = 0; d < n; d++) {
        uint64_t seed = 1000 + d;

        for (int i = 0; i < RANDOM_STATES; i++) {
            g_auto(DevState) s = dev_state_new(all[d]);
            g_autoptr(GByteArray) legacy = NULL;
            g_autoptr(GByteArray) mid = NULL;
            g_autoptr(GByteArray) final = NULL;

            all[d]->randomize(s.state, &seed);
            legacy = save_with(all[d], s.state, IMPL_LEGACY);
            mid = save_with(all[d], s.state, IMPL_MID);
            final = save_with(all[d], s.state, IMPL_FINAL);
            CU_ASSERT_TRUE(legacy->len > 0);
            ASSERT_BYTES_EQUAL(mid->data, mid->len, legacy->data, legacy->len);
            ASSERT_BYTES_EQUAL(final->data, final->len, legacy->data,
                               legacy->len);
        }
    }
}

static void every_loader_reads_every_stream_back(void)
{
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t d = 0; d < n; d++) {
        uint64_t seed = 2000 + d;

        for (int i = 0; i < RANDOM_STATES; i++) {
            g_auto(DevState) s = dev_state_new(all[d]);

            all[d]->randomize(s.state, &seed);
            for (int w = 0; w < IMPL_COUNT; w++) {
                g_autoptr(GByteArray) out = save_with(all[d], s.state, w);

                for (int r = 0; r < IMPL_COUNT; r++) {
                    g_auto(DevState) back = dev_state_new(all[d]);
                    g_autoptr(GError) err = NULL;
                    uint64_t consumed = 0;
                    int ret = load_with(all[d], out->data, out->len, r,
                                        back.state, &err, &consumed);

                    ASSERT_NO_ERROR(err);
                    CU_ASSERT_EQUAL(ret, 0);
                    CU_ASSERT_EQUAL(consumed, out->len);
                    if (!all[d]->equal(s.state, back.state)) {
                        fprintf(stderr, "\n%s v%u: %s load of %s stream "
                                "differs (state %d)\n", all[d]->id,
                                all[d]->version, impl_names[r],
                                impl_names[w], i);
                        CU_FAIL("state differs after load");
                    }
                }
            }
        }
    }
}

/* The migration core and the demo start from g_malloc0'ed states. */
static void zeroed_states_save_and_load_everywhere(void)
{
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t d = 0; d < n; d++) {
        g_auto(DevState) s = dev_state_new(all[d]);

        for (int w = 0; w < IMPL_COUNT; w++) {
            g_autoptr(GByteArray) out = save_with(all[d], s.state, w);

            for (int r = 0; r < IMPL_COUNT; r++) {
                g_auto(DevState) back = dev_state_new(all[d]);
                g_autoptr(GError) err = NULL;

                CU_ASSERT_EQUAL(load_with(all[d], out->data, out->len, r,
                                          back.state, &err, NULL), 0);
                ASSERT_NO_ERROR(err);
                CU_ASSERT_TRUE(all[d]->equal(s.state, back.state));
            }
        }
    }
}

static void loaders_reject_other_version_ids(void)
{
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t d = 0; d < n; d++) {
        g_auto(DevState) s = dev_state_new(all[d]);
        uint64_t seed = 3;
        g_autoptr(GByteArray) out = NULL;
        QEMUFile *f;

        all[d]->randomize(s.state, &seed);
        out = save_with(all[d], s.state, IMPL_LEGACY);
        f = qemu_fopen_mem(out->data, out->len);
        CU_ASSERT_EQUAL(all[d]->load_legacy(f, s.state, all[d]->version + 1),
                        -EINVAL);
        CU_ASSERT_EQUAL(all[d]->load_mid(f, s.state, 0), -EINVAL);
        qemu_fclose(f);
    }
}

/* --- QObject and JSON --------------------------------------------------- */

/* Resolves "a.b[2].c" in @root; NULL when absent. */
static QObject *qobject_at(QObject *root, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, ".", -1);
    QObject *cur = root;

    for (char **p = parts; cur && *p; p++) {
        g_autofree char *key = g_strdup(*p);
        char *bracket = strchr(key, '[');

        if (bracket) {
            *bracket = '\0';
        }
        cur = qdict_get(qobject_to(QDict, cur), key);
        while (cur && bracket) {
            size_t index = strtoul(bracket + 1, &bracket, 10);

            cur = qlist_get(qobject_to(QList, cur), index);
            bracket = strchr(bracket, '[');
        }
    }
    return cur;
}

static char *top_level_keys(QObject *root)
{
    QDict *d = qobject_to(QDict, root);
    GString *keys = g_string_new(NULL);

    for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
        g_string_append_printf(keys, "%s%s", keys->len ? "," : "",
                               qdict_entry_key(e));
    }
    return g_string_free(keys, false);
}

/* Known values in a random state, so the tree can be checked exactly. */
static void set_fixture(const ExampleDevice *dev, void *state)
{
    uint64_t seed = 7;

    dev->randomize(state, &seed);
    if (strcmp(dev->id, "serial") == 0) {
        SerialFifo *fifo;

        if (dev->version == 1) {
            SerialStateV1 *s = state;
            s->divider = 0x0c01;
            s->thr_ipending = true;
            fifo = &s->recv_fifo;
        } else if (dev->version == 2) {
            SerialStateV2 *s = state;
            s->divider = 0x0c01;
            s->fcr = 0xc7;
            s->thr_int_pending = true;
            fifo = &s->recv_fifo;
        } else {
            SerialState *s = state;
            s->dll = 0x01;
            s->dlm = 0x0c;
            s->fcr = 0xc7;
            s->thr_int_pending = true;
            fifo = &s->recv_fifo;
        }
        memcpy(fifo->data, "0123456789abcdef", SERIAL_FIFO_SIZE);
        fifo->head = 15;
    } else if (strcmp(dev->id, "pit") == 0) {
        PITState *s = state;
        s->channels[2].count = 0x10000;
        s->channels[2].gate = true;
        s->irq_timer = -1;
    } else if (strcmp(dev->id, "rtc") == 0) {
        RTCState *s = state;
        s->cmos_data[127] = 0xab;
        s->cmos_index = 127;
        s->current_tm.tm_year = -1;
    } else if (strcmp(dev->id, "e1000") == 0) {
        E1000StateV1 *s1 = state;
        E1000StateV2 *s2 = state;
        E1000State *s3 = state;
        static const uint8_t mac[] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

        /* mac comes first in every version. */
        memcpy(s1->mac, mac, sizeof(mac));
        if (dev->version == 1) {
            s1->tx.vlan_header = 0x81000005;
            s1->rx.min_shift = 2;
            s1->mac_reg[63] = 0xdeadbeef;
        } else if (dev->version == 2) {
            s2->tx.vlan_header = 0x81000005;
            s2->rx.min_shift = 2;
            s2->mac_reg[95] = 0xdeadbeef;
            s2->mit_timer_on = true;
        } else {
            s3->tx.vlan_tpid = 0x8100;
            s3->tx.vlan_tci = 5;
            s3->rx.buf_min_shift = 2;
            s3->mac_reg[95] = 0xdeadbeef;
            s3->mit_timer_on = true;
        }
    } else if (strcmp(dev->id, "virtio-net-queues") == 0) {
        VirtioNetQueuesState *s = state;

        g_free(s->queues);
        s->num_queues = 2;
        s->queues = g_new0(VirtioNetQueue, 2);
        s->queues[1].desc = 0x100000;
        s->queues[1].num = 256;
        s->queues[1].notification = true;
        s->queues[1].has_vector = true;
        s->queues[1].vector = 3;
    } else if (strcmp(dev->id, "ps2kbd") == 0) {
        PS2KbdState *s = state;
        s->queue.rptr = 250;
        s->queue.count = 10;
        s->queue.wptr = 4;
        s->scancode_set = 2;
        s->has_extended = false;
    }
}

static const struct {
    const char *id;
    uint32_t version;
    const char *keys;           /* top-level members, in walk order */
} tree_keys[] = {
    { "serial", 1, "divider,rbr,ier,iir,lcr,mcr,lsr,msr,scr,thr_ipending,"
      "timeout_ipending,tsr_retry,char_transmit_time,recv_fifo,xmit_fifo,"
      "fifo_timeout_timer,poll_msl" },
    { "serial", 2, "divider,rbr,ier,iir,lcr,mcr,lsr,msr,scr,fcr,"
      "thr_int_pending,timeout_ipending,tsr_retry,char_transmit_time,"
      "recv_fifo,xmit_fifo,fifo_timeout_timer,poll_msl" },
    { "serial", 3, "dll,dlm,rbr,ier,iir,lcr,mcr,lsr,msr,scr,fcr,"
      "thr_int_pending,timeout_ipending,tsr_retry,char_transmit_time,"
      "recv_fifo,xmit_fifo,fifo_timeout_timer,poll_msl" },
    { "pit", 1, "channels,irq_timer" },
    { "rtc", 1, "cmos_data,cmos_index,current_tm,base_rtc,last_update,"
      "offset,next_periodic_time,next_alarm_time,period,irq_coalesced" },
    { "e1000", 1, "mac,eecd_state,tx,rx,eeprom_data,phy_reg,mac_reg,"
      "mit_irq_level" },
    { "e1000", 2, "mac,eecd_state,tx,rx,eeprom_data,phy_reg,mac_reg,"
      "mit_irq_level,mit_timer_on" },
    { "e1000", 3, "mac,eecd_state,tx,rx,eeprom_data,phy_reg,mac_reg,"
      "mit_irq_level,mit_timer_on" },
    { "virtio-net-queues", 1, "guest_features,status,isr,num_queues,queues" },
    { "ps2kbd", 1, "write_cmd,queue,scan_enabled,translate,scancode_set,"
      "ledstate" },
};

static const struct {
    const char *id;
    uint32_t version;
    const char *path;
    const char *json;           /* the member's value as JSON */
} tree_members[] = {
    { "serial", 1, "divider", "3073" },
    { "serial", 1, "thr_ipending", "true" },
    { "serial", 1, "recv_fifo.data", "\"30313233343536373839616263646566\"" },
    { "serial", 1, "recv_fifo.head", "15" },
    { "serial", 2, "divider", "3073" },
    { "serial", 2, "fcr", "199" },
    { "serial", 2, "thr_int_pending", "true" },
    { "serial", 3, "dll", "1" },
    { "serial", 3, "dlm", "12" },
    { "serial", 3, "recv_fifo.head", "15" },
    { "pit", 1, "channels[2].count", "65536" },
    { "pit", 1, "channels[2].gate", "true" },
    { "pit", 1, "irq_timer", "-1" },
    { "rtc", 1, "cmos_data[127]", "171" },
    { "rtc", 1, "cmos_index", "127" },
    { "rtc", 1, "current_tm.tm_year", "-1" },
    { "e1000", 1, "mac", "\"525400123456\"" },
    { "e1000", 1, "tx.vlan_header", "2164260869" },
    { "e1000", 1, "rx.min_shift", "2" },
    { "e1000", 1, "mac_reg[63]", "3735928559" },
    { "e1000", 2, "mac_reg[95]", "3735928559" },
    { "e1000", 2, "mit_timer_on", "true" },
    { "e1000", 3, "tx.vlan_tpid", "33024" },
    { "e1000", 3, "tx.vlan_tci", "5" },
    { "e1000", 3, "rx.buf_min_shift", "2" },
    { "virtio-net-queues", 1, "num_queues", "2" },
    { "virtio-net-queues", 1, "queues[1].desc", "1048576" },
    { "virtio-net-queues", 1, "queues[1].num", "256" },
    { "virtio-net-queues", 1, "queues[1].notification", "true" },
    { "virtio-net-queues", 1, "queues[1].vector", "3" },
    { "ps2kbd", 1, "queue.rptr", "250" },
    { "ps2kbd", 1, "queue.wptr", "4" },
    { "ps2kbd", 1, "scancode_set", "2" },
};

static QObject *walk_to_qobject(const ExampleDevice *dev, void *state)
{
    g_autoptr(GError) err = NULL;
    QObject *tree = NULL;
    g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);

    CU_ASSERT_TRUE(dev->visit(v, state, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    return tree;
}

static void final_walk_names_every_member(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(tree_keys); i++) {
        const ExampleDevice *dev = example_device_find(tree_keys[i].id,
                                                       tree_keys[i].version);
        g_auto(DevState) s = dev_state_new(dev);
        g_autoptr(QObject) tree = NULL;
        g_autofree char *keys = NULL;

        set_fixture(dev, s.state);
        tree = walk_to_qobject(dev, s.state);
        keys = top_level_keys(tree);
        CU_ASSERT_STRING_EQUAL(keys, tree_keys[i].keys);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(tree_members); i++) {
        const ExampleDevice *dev =
            example_device_find(tree_members[i].id, tree_members[i].version);
        g_auto(DevState) s = dev_state_new(dev);
        g_autoptr(QObject) tree = NULL;
        QObject *member;

        set_fixture(dev, s.state);
        tree = walk_to_qobject(dev, s.state);
        member = qobject_at(tree, tree_members[i].path);
        CU_ASSERT_PTR_NOT_NULL_FATAL(member);
        g_autoptr(GString) json = qobject_to_json(member);
        if (strcmp(json->str, tree_members[i].json) != 0) {
            fprintf(stderr, "\n%s v%u %s: got %s, want %s\n",
                    tree_members[i].id, tree_members[i].version,
                    tree_members[i].path, json->str, tree_members[i].json);
            CU_FAIL("member value differs");
        }
    }
}

static void absent_optional_members_are_absent_from_the_tree(void)
{
    const ExampleDevice *dev = example_device_find("virtio-net-queues", 1);
    g_auto(DevState) s = dev_state_new(dev);
    g_autoptr(QObject) tree = NULL;

    set_fixture(dev, s.state);
    tree = walk_to_qobject(dev, s.state);
    CU_ASSERT_PTR_NULL(qobject_at(tree, "queues[0].vector"));
    CU_ASSERT_PTR_NULL(qobject_at(tree, "queues[1].signalled_used"));

    dev = example_device_find("ps2kbd", 1);
    g_auto(DevState) kbd = dev_state_new(dev);
    g_autoptr(QObject) kbd_tree = NULL;

    set_fixture(dev, kbd.state);
    ((PS2KbdState *)kbd.state)->has_extended = true;
    ((PS2KbdState *)kbd.state)->extended.modifiers = 0x1234;
    kbd_tree = walk_to_qobject(dev, kbd.state);
    g_autoptr(GString) json =
        qobject_to_json(qobject_at(kbd_tree, "extended.modifiers"));
    CU_ASSERT_STRING_EQUAL(json->str, "4660");
}

static void qobject_and_json_round_trips_restore_the_state(void)
{
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t d = 0; d < n; d++) {
        uint64_t seed = 4000 + d;

        for (int i = 0; i < RANDOM_STATES; i++) {
            g_auto(DevState) s = dev_state_new(all[d]);
            g_auto(DevState) from_tree = dev_state_new(all[d]);
            g_auto(DevState) from_json = dev_state_new(all[d]);
            g_autoptr(GError) err = NULL;
            g_autoptr(QObject) tree = NULL;
            g_autoptr(GString) json = g_string_new(NULL);

            all[d]->randomize(s.state, &seed);
            tree = walk_to_qobject(all[d], s.state);
            {
                g_autoptr(Visitor) v = qobject_input_visitor_new(tree);

                CU_ASSERT_TRUE(all[d]->visit(v, from_tree.state, &err) &&
                               visit_complete(v, &err));
                ASSERT_NO_ERROR(err);
                CU_ASSERT_TRUE(all[d]->equal(s.state, from_tree.state));
            }
            {
                g_autoptr(Visitor) v = json_output_visitor_new(json, i & 1);

                CU_ASSERT_TRUE(all[d]->visit(v, s.state, &err) &&
                               visit_complete(v, &err));
                ASSERT_NO_ERROR(err);
            }
            g_autoptr(Visitor) in = json_input_visitor_new(json->str, -1,
                                                           &err);
            ASSERT_NO_ERROR(err);
            CU_ASSERT_PTR_NOT_NULL_FATAL(in);
            CU_ASSERT_TRUE(all[d]->visit(in, from_json.state, &err) &&
                           visit_complete(in, &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_TRUE(all[d]->equal(s.state, from_json.state));
        }
    }
}

/* --- bad input ---------------------------------------------------------- */

/* Saves @dev's fixture state with the legacy code. */
static GByteArray *fixture_stream(const ExampleDevice *dev)
{
    g_auto(DevState) s = dev_state_new(dev);

    set_fixture(dev, s.state);
    return save_with(dev, s.state, IMPL_LEGACY);
}

static void put_be32_at(GByteArray *b, size_t at, uint32_t v)
{
    b->data[at] = v >> 24;
    b->data[at + 1] = v >> 16;
    b->data[at + 2] = v >> 8;
    b->data[at + 3] = v;
}

/*
 * Checks that every loader rejects @b: the final walk with @code and
 * exactly @msg (or only the prefix when @prefix_only), legacy and mid with
 * @errno_ret; and that the target state stays as it was.
 */
static void check_rejected(const ExampleDevice *dev, GByteArray *b, int code,
                           const char *msg, bool prefix_only, int errno_ret)
{
    g_auto(DevState) s = dev_state_new(dev);
    g_auto(DevState) orig = dev_state_new(dev);
    uint64_t seed = 99;
    uint64_t seed2 = 99;
    g_autoptr(GError) err = NULL;

    dev->randomize(s.state, &seed);
    dev->randomize(orig.state, &seed2);
    CU_ASSERT_EQUAL(load_with(dev, b->data, b->len, IMPL_LEGACY, s.state,
                              NULL, NULL), errno_ret);
    CU_ASSERT_EQUAL(load_with(dev, b->data, b->len, IMPL_MID, s.state,
                              NULL, NULL), errno_ret);
    CU_ASSERT_TRUE(dev->equal(s.state, orig.state));

    g_auto(DevState) scratch = dev_state_new(dev);
    CU_ASSERT_EQUAL(load_with(dev, b->data, b->len, IMPL_FINAL,
                              scratch.state, &err, NULL), -EINVAL);
    if (prefix_only) {
        ASSERT_ERROR_PREFIX(err, code, msg);
    } else {
        ASSERT_ERROR(err, code, msg);
    }
}

static void num_queues_above_maximum_is_rejected_before_allocation(void)
{
    const ExampleDevice *dev = example_device_find("virtio-net-queues", 1);
    g_autoptr(GByteArray) b = fixture_stream(dev);

    /* guest_features u64, status u8, isr u8, then num_queues at 10. */
    put_be32_at(b, 10, VIRTIO_NET_QUEUES_MAX + 1);
    check_rejected(dev, b, QVISIT_ERROR_RANGE,
                   "virtio-net-queues.num_queues: expected 0..64, got 65 "
                   "at byte 10", false, -EINVAL);
    /* A count that would allocate gigabytes fails the same way. */
    put_be32_at(b, 10, 0xffffffff);
    check_rejected(dev, b, QVISIT_ERROR_RANGE,
                   "virtio-net-queues.num_queues: expected 0..64, "
                   "got 4294967295 at byte 10", false, -EINVAL);
}

static void ring_size_and_presence_bytes_are_checked(void)
{
    const ExampleDevice *dev = example_device_find("virtio-net-queues", 1);
    g_autoptr(GByteArray) b = fixture_stream(dev);
    size_t q0 = 14;     /* the first queue */

    /* desc, avail, used u64, then num be16 at +24. */
    b->data[q0 + 24] = 0x04;
    b->data[q0 + 25] = 0x01;
    check_rejected(dev, b, QVISIT_ERROR_RANGE,
                   "virtio-net-queues.queues[0].num: expected 0..1024, "
                   "got 1025 at byte 38", false, -EINVAL);
    b->data[q0 + 24] = 0;
    /* notification at +30, then the signalled_used presence byte. */
    b->data[q0 + 31] = 2;
    check_rejected(dev, b, QVISIT_ERROR_RANGE,
                   "virtio-net-queues.queues[0].signalled_used: ", true,
                   -EINVAL);
}

static void ring_pointers_are_checked(void)
{
    const ExampleDevice *dev = example_device_find("ps2kbd", 1);
    g_autoptr(GByteArray) b = fixture_stream(dev);

    /* write_cmd i32, then rptr, wptr, count. */
    put_be32_at(b, 4, 256);
    check_rejected(dev, b, QVISIT_ERROR_RANGE,
                   "ps2kbd.queue.rptr: expected 0..255, got 256", false,
                   -EINVAL);
    put_be32_at(b, 4, 0xffffffff);
    check_rejected(dev, b, QVISIT_ERROR_RANGE,
                   "ps2kbd.queue.rptr: expected 0..255, got -1", false,
                   -EINVAL);
    put_be32_at(b, 4, 250);
    put_be32_at(b, 12, 257);
    check_rejected(dev, b, QVISIT_ERROR_RANGE,
                   "ps2kbd.queue.count: expected 0..256, got 257", false,
                   -EINVAL);
    put_be32_at(b, 12, 11);
    check_rejected(dev, b, QVISIT_ERROR_INVALID,
                   "ps2kbd.queue.count: expected (wptr - rptr) mod 256, "
                   "got 11 with rptr 250 and wptr 4", false, -EINVAL);

    dev = example_device_find("serial", 3);
    g_autoptr(GByteArray) s = fixture_stream(dev);
    /* 11 registers, 2 bools, tsr_retry, char_transmit_time, data[16]. */
    put_be32_at(s, 11 + 2 + 4 + 8 + 16, 16);
    check_rejected(dev, s, QVISIT_ERROR_RANGE,
                   "serial.recv_fifo.head: expected 0..15, got 16 at byte 41",
                   false, -EINVAL);

    dev = example_device_find("rtc", 1);
    g_autoptr(GByteArray) r = fixture_stream(dev);
    r->data[RTC_CMOS_SIZE] = RTC_CMOS_SIZE;
    check_rejected(dev, r, QVISIT_ERROR_RANGE,
                   "rtc.cmos_index: expected 0..127, got 128 at byte 128",
                   false, -EINVAL);

    dev = example_device_find("e1000", 2);
    g_autoptr(GByteArray) e = fixture_stream(dev);
    /* mac[6], val_in, bitnum_in, then bitnum_out be16 = 1024. */
    e->data[10] = 0x04;
    e->data[11] = 0x00;
    check_rejected(dev, e, QVISIT_ERROR_RANGE,
                   "e1000.eecd_state.bitnum_out: expected 0..1023, got 1024 "
                   "at byte 10", false, -EINVAL);
}

/* Loads @json into a fresh state of @dev with the JSON input visitor. */
static void check_json_rejected(const ExampleDevice *dev, const char *json,
                                int code, const char *msg, bool prefix_only)
{
    g_auto(DevState) s = dev_state_new(dev);
    g_autoptr(GError) err = NULL;
    g_autoptr(Visitor) v = json_input_visitor_new(json, -1, &err);

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_FALSE(dev->visit(v, s.state, &err) && visit_complete(v, &err));
    if (prefix_only) {
        ASSERT_ERROR_PREFIX(err, code, msg);
    } else {
        ASSERT_ERROR(err, code, msg);
    }
}

static void json_input_is_checked_like_streams(void)
{
    const ExampleDevice *dev = example_device_find("virtio-net-queues", 1);

    check_json_rejected(dev,
                        "{\"guest_features\": 0, \"status\": 0, \"isr\": 0,"
                        " \"num_queues\": 65, \"queues\": []}",
                        QVISIT_ERROR_RANGE,
                        "virtio-net-queues.num_queues: expected 0..64, got 65",
                        false);
    /* The list must have exactly num_queues elements. */
    check_json_rejected(dev,
                        "{\"guest_features\": 0, \"status\": 0, \"isr\": 0,"
                        " \"num_queues\": 1, \"queues\": []}",
                        QVISIT_ERROR_LENGTH, "virtio-net-queues.queues", true);
    check_json_rejected(dev,
                        "{\"guest_features\": 0, \"status\": 0, \"isr\": 0,"
                        " \"num_queues\": -1, \"queues\": []}",
                        QVISIT_ERROR_RANGE, "virtio-net-queues.num_queues: ",
                        true);

    dev = example_device_find("ps2kbd", 1);
    check_json_rejected(dev,
                        "{\"write_cmd\": -1, \"queue\": {\"rptr\": 3, "
                        "\"wptr\": 9, \"count\": 5}}",
                        QVISIT_ERROR_INVALID,
                        "ps2kbd.queue.count: expected (wptr - rptr) mod 256, "
                        "got 5 with rptr 3 and wptr 9", false);
}

static void bool_bytes_other_than_0_or_1_are_rejected(void)
{
    const ExampleDevice *dev = example_device_find("pit", 1);
    g_autoptr(GByteArray) b = fixture_stream(dev);

    b->data[15] = 2;    /* channels[0].gate */
    check_rejected(dev, b, QVISIT_ERROR_RANGE,
                   "pit.channels[0].gate: ", true, -EINVAL);
}

/*
 * Every single-byte corruption of every device's stream: the three loaders
 * agree on whether it loads, and when it does, on the state. A check that
 * one loader forgot (or made stricter) shows up here.
 */
static void loaders_agree_on_every_corrupted_byte(void)
{
    static const uint8_t values[] = { 0x00, 0x01, 0x02, 0x40, 0x80, 0xff };
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t d = 0; d < n; d++) {
        g_autoptr(GByteArray) b = fixture_stream(all[d]);

        for (size_t at = 0; at < b->len; at++) {
            uint8_t orig = b->data[at];

            for (size_t k = 0; k < G_N_ELEMENTS(values); k++) {
                g_auto(DevState) s0 = dev_state_new(all[d]);
                g_auto(DevState) s1 = dev_state_new(all[d]);
                g_auto(DevState) s2 = dev_state_new(all[d]);
                g_autoptr(GError) err = NULL;
                int r0, r1, r2;

                b->data[at] = values[k];
                r0 = load_with(all[d], b->data, b->len, IMPL_LEGACY,
                               s0.state, NULL, NULL);
                r1 = load_with(all[d], b->data, b->len, IMPL_MID, s1.state,
                               NULL, NULL);
                r2 = load_with(all[d], b->data, b->len, IMPL_FINAL,
                               s2.state, &err, NULL);
                if ((r0 == 0) != (r2 == 0) || r0 != r1 ||
                    (r0 == 0 && (!all[d]->equal(s0.state, s1.state) ||
                                 !all[d]->equal(s0.state, s2.state)))) {
                    fprintf(stderr, "\n%s v%u byte %zu = 0x%02x: legacy %d, "
                            "mid %d, final %s\n", all[d]->id,
                            all[d]->version, at, values[k], r0, r1,
                            err ? err->message : "ok");
                    CU_FAIL("loaders disagree");
                }
            }
            b->data[at] = orig;
        }
    }
}

static void truncated_streams_fail_with_the_path(void)
{
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t d = 0; d < n; d++) {
        g_autoptr(GByteArray) b = fixture_stream(all[d]);

        /* Every length short of the whole stream. */
        for (size_t cut_len = 0; cut_len < b->len; cut_len++) {
            g_autoptr(GByteArray) cut = g_byte_array_new();
            g_autofree char *prefix = g_strdup_printf("%s.", all[d]->id);
            g_autofree char *suffix =
                g_strdup_printf(": stream truncated at byte %zu", cut_len);

            g_byte_array_append(cut, b->data, cut_len);
            g_auto(DevState) s = dev_state_new(all[d]);
            g_autoptr(GError) err = NULL;

            CU_ASSERT_EQUAL(load_with(all[d], cut->data, cut->len,
                                      IMPL_LEGACY, s.state, NULL, NULL),
                            -EIO);
            CU_ASSERT_EQUAL(load_with(all[d], cut->data, cut->len, IMPL_MID,
                                      s.state, NULL, NULL), -EIO);
            CU_ASSERT_EQUAL(load_with(all[d], cut->data, cut->len,
                                      IMPL_FINAL, s.state, &err, NULL),
                            -EINVAL);
            CU_ASSERT_PTR_NOT_NULL_FATAL(err);
            CU_ASSERT_EQUAL(err->code, QVISIT_ERROR_TRUNCATED);
            if (!g_str_has_prefix(err->message, prefix) ||
                !g_str_has_suffix(err->message, suffix)) {
                fprintf(stderr, "\n%s v%u cut at %zu: %s\n", all[d]->id,
                        all[d]->version, cut_len, err->message);
                CU_FAIL("truncation message");
            }
        }
    }
}

static void truncated_pit_names_the_exact_member(void)
{
    const ExampleDevice *dev = example_device_find("pit", 1);
    g_autoptr(GByteArray) b = fixture_stream(dev);
    g_autoptr(GError) err = NULL;
    g_auto(DevState) s = dev_state_new(dev);

    /* channels[0]: count 0-3, latched_count 4-5, then 9 bytes; bcd at 14. */
    CU_ASSERT_EQUAL(load_with(dev, b->data, 14, IMPL_FINAL, s.state, &err,
                              NULL), -EINVAL);
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "pit.channels[0].bcd: stream truncated at byte 14");
    /* Channels are 32 bytes; channel 2's last member is at 88..95. */
    CU_ASSERT_EQUAL(load_with(dev, b->data, 90, IMPL_FINAL, s.state, &err,
                              NULL), -EINVAL);
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "pit.channels[2].next_transition_time: stream truncated at "
                 "byte 90");
}

/* --- golden bytes ------------------------------------------------------- */

/* A fixed PIT state; tests/data/devices/pit-golden.hex holds its bytes. */
static void pit_golden_state(PITState *s)
{
    for (int i = 0; i < PIT_CHANNELS; i++) {
        PITChannelState *c = &s->channels[i];

        c->count = i == 0 ? 0x10000 : 0x1234 * i;
        c->latched_count = 0xbeef;
        c->count_latched = 0;
        c->status_latched = 1;
        c->status = 0x36;
        c->read_state = 3;
        c->write_state = 3;
        c->write_latch = 0x9c;
        c->rw_mode = 3;
        c->mode = i + 1;
        c->bcd = 0;
        c->gate = i != 2;
        c->count_load_time = 1000000000LL * (i + 1);
        c->next_transition_time = i == 1 ? -1 : 0x0102030405060708LL;
    }
    s->irq_timer = -2;
}

static GByteArray *read_hex(const char *path)
{
    g_autoptr(GBytes) text = test_read_file(path);
    gsize len = 0;
    const char *p = g_bytes_get_data(text, &len);
    GByteArray *out = g_byte_array_new();
    int hi = -1;

    for (gsize i = 0; i < len; i++) {
        int nibble = g_ascii_xdigit_value(p[i]);

        if (p[i] == '#') {
            while (i < len && p[i] != '\n') {
                i++;
            }
            continue;
        }
        if (nibble < 0) {
            continue;
        }
        if (hi < 0) {
            hi = nibble;
        } else {
            uint8_t byte = hi << 4 | nibble;
            g_byte_array_append(out, &byte, 1);
            hi = -1;
        }
    }
    return out;
}

static void pit_stream_matches_golden_bytes(void)
{
    const ExampleDevice *dev = example_device_find("pit", 1);
    g_autoptr(GByteArray) want = read_hex("tests/data/devices/pit-golden.hex");
    PITState s = { 0 };

    pit_golden_state(&s);
    CU_ASSERT_EQUAL(want->len, 104);
    for (int impl = 0; impl < IMPL_COUNT; impl++) {
        g_autoptr(GByteArray) got = save_with(dev, &s, impl);

        ASSERT_BYTES_EQUAL(got->data, got->len, want->data, want->len);
    }
}

/*
 * As documented in e1000.c: the v2 → v3 changes (split of vlan_header,
 * rename of rx.min_shift) leave the bytes alone, so a v2 stream loads as
 * v3 with the split halves. serial's split of divider swaps the bytes.
 */
static void version_changes_affect_bytes_as_documented(void)
{
    const ExampleDevice *v2 = example_device_find("e1000", 2);
    const ExampleDevice *v3 = example_device_find("e1000", 3);
    g_auto(DevState) s2 = dev_state_new(v2);
    g_auto(DevState) s3 = dev_state_new(v3);
    g_autoptr(GByteArray) b = NULL;
    E1000StateV2 *e2 = s2.state;
    E1000State *e3 = s3.state;

    set_fixture(v2, s2.state);
    b = save_with(v2, s2.state, IMPL_FINAL);
    g_autoptr(GError) err = NULL;
    CU_ASSERT_EQUAL(load_with(v3, b->data, b->len, IMPL_FINAL, s3.state,
                              &err, NULL), 0);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(e3->tx.vlan_tpid, 0x8100);
    CU_ASSERT_EQUAL(e3->tx.vlan_tci, 5);
    CU_ASSERT_EQUAL(e3->rx.buf_min_shift, e2->rx.min_shift);
    CU_ASSERT_EQUAL(e3->mac_reg[95], 0xdeadbeef);

    const ExampleDevice *sv2 = example_device_find("serial", 2);
    g_auto(DevState) ss = dev_state_new(sv2);
    g_autoptr(GByteArray) sb = NULL;

    set_fixture(sv2, ss.state);
    sb = save_with(sv2, ss.state, IMPL_FINAL);
    CU_ASSERT_EQUAL(sb->data[0], 0x0c);     /* divider 0x0c01, be16 */
    CU_ASSERT_EQUAL(sb->data[1], 0x01);

    const ExampleDevice *sv3 = example_device_find("serial", 3);
    g_auto(DevState) ss3 = dev_state_new(sv3);
    g_autoptr(GByteArray) sb3 = NULL;

    set_fixture(sv3, ss3.state);
    sb3 = save_with(sv3, ss3.state, IMPL_FINAL);
    CU_ASSERT_EQUAL(sb3->data[0], 0x01);    /* dll first, then dlm */
    CU_ASSERT_EQUAL(sb3->data[1], 0x0c);
}

static void stream_sizes_match_the_documented_layouts(void)
{
    static const struct {
        const char *id;
        uint32_t version;
        size_t len;
    } sizes[] = {
        { "serial", 1, 84 }, { "serial", 2, 85 }, { "serial", 3, 85 },
        { "pit", 1, 104 }, { "rtc", 1, 205 },
        { "e1000", 1, 499 }, { "e1000", 2, 628 }, { "e1000", 3, 628 },
        /* 14 + 2 queues of 33 bytes, one optional member present */
        { "virtio-net-queues", 1, 14 + 33 + 33 + 2 },
        { "ps2kbd", 1, 289 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
        const ExampleDevice *dev = example_device_find(sizes[i].id,
                                                       sizes[i].version);
        g_autoptr(GByteArray) b = NULL;
        g_auto(DevState) s = dev_state_new(dev);

        set_fixture(dev, s.state);
        if (strcmp(dev->id, "virtio-net-queues") == 0) {
            VirtioNetQueuesState *vs = s.state;
            for (int q = 0; q < 2; q++) {
                vs->queues[q].has_signalled_used = false;
                vs->queues[q].has_vector = q == 1;
            }
        }
        b = save_with(dev, s.state, IMPL_LEGACY);
        if (b->len != sizes[i].len) {
            fprintf(stderr, "\n%s v%u: %u bytes, want %zu\n", sizes[i].id,
                    sizes[i].version, b->len, sizes[i].len);
            CU_FAIL("stream size");
        }
    }
}

int main(void)
{
    static const TestCase tests[] = {
        { "catalog_lists_ten_entries_and_three_releases",
          catalog_lists_ten_entries_and_three_releases },
        { "legacy_mid_and_final_write_identical_bytes",
          legacy_mid_and_final_write_identical_bytes },
        { "every_loader_reads_every_stream_back",
          every_loader_reads_every_stream_back },
        { "zeroed_states_save_and_load_everywhere",
          zeroed_states_save_and_load_everywhere },
        { "loaders_reject_other_version_ids",
          loaders_reject_other_version_ids },
        { "final_walk_names_every_member", final_walk_names_every_member },
        { "absent_optional_members_are_absent_from_the_tree",
          absent_optional_members_are_absent_from_the_tree },
        { "qobject_and_json_round_trips_restore_the_state",
          qobject_and_json_round_trips_restore_the_state },
        { "num_queues_above_maximum_is_rejected_before_allocation",
          num_queues_above_maximum_is_rejected_before_allocation },
        { "ring_size_and_presence_bytes_are_checked",
          ring_size_and_presence_bytes_are_checked },
        { "ring_pointers_are_checked", ring_pointers_are_checked },
        { "json_input_is_checked_like_streams",
          json_input_is_checked_like_streams },
        { "bool_bytes_other_than_0_or_1_are_rejected",
          bool_bytes_other_than_0_or_1_are_rejected },
        { "loaders_agree_on_every_corrupted_byte",
          loaders_agree_on_every_corrupted_byte },
        { "truncated_streams_fail_with_the_path",
          truncated_streams_fail_with_the_path },
        { "truncated_pit_names_the_exact_member",
          truncated_pit_names_the_exact_member },
        { "pit_stream_matches_golden_bytes",
          pit_stream_matches_golden_bytes },
        { "version_changes_affect_bytes_as_documented",
          version_changes_affect_bytes_as_documented },
        { "stream_sizes_match_the_documented_layouts",
          stream_sizes_match_the_documented_layouts },
        { NULL, NULL },
    };

    return test_run_suite("devices", tests);
}
