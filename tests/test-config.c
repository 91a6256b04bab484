/*
 * Configuration-aware dry run and describe (MigrationDeviceInfo.prepare,
 * migration_device_describe(), migration_describe(), QVISIT_ERROR_CONFIG),
 * proven on the virtio-serial test device ported from QEMU 7.2
 * (tests/virtio-serial.h): the scenario, a correctly configured
 * destination that the zeroed dry run refused, now loads; a misconfigured
 * one fails with an error that says so.
 */
#include <string.h>

#include "tests/test-util.h"
#include "tests/virtio-serial.h"

/* The two buses of QEMU: virtio-mmio has variable ring alignment and no
 * MSI-X, virtio-pci the other way round. */
typedef struct VSerConfig {
    bool align;
    bool msix;
    uint32_t max_ports;
    uint32_t nports;
} VSerConfig;

static const VSerConfig mmio = { true, false, 31, 2 };

static VSerState *vser_new(const VSerConfig *c, uint32_t seed)
{
    VSerState *s = g_new0(VSerState, 1);

    vser_configure(s, c->align, c->msix, c->max_ports, c->nports);
    if (seed) {
        vser_randomize(s, seed);
    }
    return s;
}

static GByteArray *save_legacy(VSerState *s)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);

    vser_save_legacy(f, s);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    return out;
}

static GByteArray *save_walk(VSerState *s)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    GError *err = NULL;
    Visitor *v = qemu_file_output_visitor_new(f);

    CU_ASSERT_TRUE(vser_visit(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    return out;
}

/* The port is faithful: legacy code and walk agree on every byte, both
 * ways, on every bus and with and without popped elements. */
static void legacy_and_walk_write_and_read_identical_bytes(void)
{
    static const VSerConfig configs[] = {
        { false, false, 31, 2 }, { true, false, 31, 2 },
        { false, true, 63, 40 }, { true, true, 64, 64 },
        { true, true, 1, 0 },
    };

    for (size_t c = 0; c < G_N_ELEMENTS(configs); c++) {
        for (uint32_t seed = 1; seed <= 20; seed++) {
            g_autofree VSerState *s = vser_new(&configs[c], seed);
            g_autofree VSerState *a = vser_new(&configs[c], 0);
            g_autofree VSerState *b = vser_new(&configs[c], 0);
            g_autoptr(GByteArray) legacy = save_legacy(s);
            g_autoptr(GByteArray) walk = save_walk(s);
            QEMUFile *f;
            Visitor *v;
            GError *err = NULL;

            ASSERT_BYTES_EQUAL(walk->data, walk->len, legacy->data,
                               legacy->len);
            f = qemu_fopen_mem(legacy->data, legacy->len);
            CU_ASSERT_EQUAL(vser_load_legacy(f, a, 3), 0);
            CU_ASSERT_EQUAL(qemu_file_transferred(f), legacy->len);
            qemu_fclose(f);
            CU_ASSERT_TRUE(vser_equal(a, s));

            f = qemu_fopen_mem(legacy->data, legacy->len);
            v = qemu_file_input_visitor_new(f);
            CU_ASSERT_TRUE(vser_visit(v, b, &err) &&
                           visit_complete(v, &err));
            ASSERT_NO_ERROR(err);
            visit_free(v);
            CU_ASSERT_EQUAL(qemu_file_transferred(f), legacy->len);
            qemu_fclose(f);
            CU_ASSERT_TRUE(vser_equal(b, s));
        }
    }
}

/* Exact bytes of one small state: mmio bus, one queue, one port. */
static void walk_writes_qemu_layout_golden_bytes(void)
{
    static const uint8_t want[] = {
        0x07,                               /* status */
        0x01,                               /* isr */
        0x00, 0x02,                         /* queue_sel */
        0x00, 0x00, 0x00, 0x04,             /* guest_features_lo */
        0x00, 0x00, 0x00, 0x0c,             /* config_len */
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,  /* config */
        0x00, 0x00, 0x00, 0x01,             /* num_queues */
        0x00, 0x00, 0x01, 0x00,             /* vq[0].num */
        0x00, 0x00, 0x10, 0x00,             /* vq[0].align */
        0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x80, /* vq[0].desc */
        0x00, 0x05,                         /* vq[0].last_avail_idx */
        0x00, 0x50, 0x00, 0x18,             /* cols, rows */
        0x00, 0x00, 0x00, 0x1f,             /* max_nr_ports */
        0x00, 0x00, 0x00, 0x01,             /* ports_map[0] */
        0x00, 0x00, 0x00, 0x01,             /* nr_active_ports */
        0x00, 0x00, 0x00, 0x00, 0x01, 0x00, /* id, guest/host_connected */
        0x00, 0x00, 0x00, 0x01,             /* elem_popped */
        0x00, 0x00, 0x00, 0x02,             /* iov_idx */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, /* iov_offset */
    };
    g_autofree VSerState *s = vser_new(&(VSerConfig){ true, false, 31, 1 },
                                       0);
    g_autoptr(GByteArray) walk = NULL;
    g_autoptr(GByteArray) legacy = NULL;

    s->status = 7;
    s->isr = 1;
    s->queue_sel = 2;
    s->guest_features_lo = 4;
    for (int i = 0; i < VSER_CONFIG_LEN; i++) {
        s->config[i] = i;
    }
    s->num_queues = 1;
    s->vq[0] = (VSerQueue){ .num = 256, .align = 4096,
                            .desc = 0x123456780ull, .last_avail_idx = 5 };
    s->cols = 80;
    s->rows = 24;
    s->max_nr_ports = 31;
    s->ports_map[0] = 1;
    s->nr_active_ports = 1;
    s->ports[0] = (VSerPort){ .id = 0, .guest_connected = 1,
                              .elem_popped = 1, .iov_idx = 2,
                              .iov_offset = 9 };
    walk = save_walk(s);
    legacy = save_legacy(s);
    ASSERT_BYTES_EQUAL(walk->data, walk->len, want, sizeof(want));
    ASSERT_BYTES_EQUAL(legacy->data, legacy->len, want, sizeof(want));
}

/* A source and a destination device registered in their own registries. */
typedef struct Pair {
    MigrationRegistry *src;
    MigrationRegistry *dst;
    VSerState *s;
    VSerState *d;
} Pair;

static void pair_init(Pair *p, const VSerConfig *src, const VSerConfig *dst,
                      bool with_prepare)
{
    MigrationDeviceInfo info = vser_device_info(with_prepare);
    GError *err = NULL;

    p->s = vser_new(src, 42);
    p->d = vser_new(dst, 0);
    p->src = migration_registry_new();
    p->dst = migration_registry_new();
    CU_ASSERT_TRUE(migration_register(p->src, &info, p->s, &err));
    CU_ASSERT_TRUE(migration_register(p->dst, &info, p->d, &err));
    ASSERT_NO_ERROR(err);
}

static void pair_clear(Pair *p)
{
    migration_registry_free(p->src);
    migration_registry_free(p->dst);
    g_free(p->s);
    g_free(p->d);
}

/* Saves the source in @format and loads it into the destination. */
static bool pair_migrate(Pair *p, MigrationFormat format, GError **errp)
{
    g_autoptr(GByteArray) stream = g_byte_array_new();
    GError *err = NULL;

    CU_ASSERT_TRUE(migration_save(p->src, format, stream, NULL, &err));
    ASSERT_NO_ERROR(err);
    return migration_load(p->dst, stream->data, stream->len, NULL, errp);
}

/* The failing scenario as it was: without the hook, the zeroed
 * scratch state has no variable alignment, so identical configurations
 * are refused with the message of a malformed stream. */
static void zeroed_dry_run_refuses_identical_configuration(void)
{
    Pair p;
    GError *err = NULL;
    g_autofree VSerState *before = NULL;

    pair_init(&p, &mmio, &mmio, false);
    before = g_memdup2(p.d, sizeof(*p.d));
    CU_ASSERT_FALSE(pair_migrate(&p, MIGRATION_FORMAT_LEGACY, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNEXPECTED,
                 "vser.vq[0].align: unexpected member");
    CU_ASSERT_EQUAL(memcmp(p.d, before, sizeof(*p.d)), 0);
    pair_clear(&p);
}

/* With the prepare hook, the dry run sees the destination's own
 * configuration: every format loads and the state arrives whole. */
static void prepared_dry_run_loads_identical_configuration(void)
{
    static const VSerConfig configs[] = {
        { true, false, 31, 2 }, { false, true, 31, 2 },
        { true, true, 64, 33 },
    };
    static const MigrationFormat formats[] = {
        MIGRATION_FORMAT_LEGACY, MIGRATION_FORMAT_BINARY,
        MIGRATION_FORMAT_JSON,
    };

    for (size_t c = 0; c < G_N_ELEMENTS(configs); c++) {
        for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
            Pair p;
            GError *err = NULL;

            pair_init(&p, &configs[c], &configs[c], true);
            CU_ASSERT_TRUE(pair_migrate(&p, formats[i], &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_TRUE(vser_equal(p.d, p.s));
            pair_clear(&p);
        }
    }
}

/* A destination configured differently: QVISIT_ERROR_CONFIG naming the
 * section and the member, and the device untouched. */
static void misconfigured_destination_gets_config_error(void)
{
    static const struct {
        VSerConfig dst;
        const char *msg;
    } cases[] = {
        { { false, false, 31, 2 },
          "vser (section 0, instance 0): device configuration differs "
          "from the stream's: vser.vq[0].align: unexpected member" },
        { { true, true, 31, 2 },
          "vser (section 0, instance 0): device configuration differs "
          "from the stream's: vser.config_vector: missing" },
        { { true, false, 63, 2 },
          "vser (section 0, instance 0): device configuration differs "
          "from the stream's: vser.ports_map: expected 2 elements, got 1" },
        { { true, false, 31, 3 },
          "vser (section 0, instance 0): device configuration differs "
          "from the stream's: vser.ports_map: word 0: ports 0x00000003 on "
          "the source, 0x00000007 here" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Pair p;
        GError *err = NULL;
        g_autofree VSerState *before = NULL;

        pair_init(&p, &mmio, &cases[i].dst, true);
        before = g_memdup2(p.d, sizeof(*p.d));
        CU_ASSERT_FALSE(pair_migrate(&p, MIGRATION_FORMAT_LEGACY, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_CONFIG, cases[i].msg);
        CU_ASSERT_EQUAL(memcmp(p.d, before, sizeof(*p.d)), 0);
        pair_clear(&p);
    }
}

/*
 * A malformed section of a correctly configured device keeps the code
 * and message of its fault: edits of the source's tree, loaded from the
 * JSON format.
 */
static void malformed_stream_is_not_a_config_error(void)
{
    static const struct {
        const char *path;
        const char *json;
        int code;
        const char *msg;
    } cases[] = {
        { "ports[0].elem_popped", "2", QVISIT_ERROR_RANGE,
          "vser.ports[0].elem_popped: expected 0..1, got 2" },
        { "status", "\"x\"", QVISIT_ERROR_TYPE,
          "vser.status: expected u8, got string" },
        { "isr", "256", QVISIT_ERROR_RANGE, "vser.isr: 256 does not fit u8" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Pair p;
        GError *err = NULL;
        g_autoptr(GByteArray) stream = g_byte_array_new();
        g_autoptr(GByteArray) bad = g_byte_array_new();
        g_autoptr(MigrationStream) ms = NULL;
        const MigrationSection *sec;

        pair_init(&p, &mmio, &mmio, true);
        CU_ASSERT_TRUE(migration_save(p.src, MIGRATION_FORMAT_JSON, stream,
                                      NULL, &err));
        ms = migration_stream_decode(stream->data, stream->len, NULL, &err);
        ASSERT_NO_ERROR(err);
        sec = migration_stream_get_section(ms, 0);
        CU_ASSERT_TRUE(compat_set_member(sec->state, cases[i].path,
                                         qobject_from_json(cases[i].json,
                                                           NULL),
                                         &err));
        CU_ASSERT_TRUE(migration_stream_encode(ms, MIGRATION_FORMAT_JSON,
                                               NULL, NULL, bad, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_FALSE(migration_load(p.dst, bad->data, bad->len, NULL,
                                       &err));
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
        pair_clear(&p);
    }
}

/* Cuts the vmdesc record (u8 0x06, be32 N, N bytes) off a legacy stream,
 * as QEMU's suppress-vmdesc=on writes it. */
static void cut_vmdesc(GByteArray *bytes)
{
    size_t n;

    for (n = bytes->len - 5; bytes->data[n] != 0x06; n--) {
    }
    g_byte_array_set_size(bytes, n);
}

/*
 * Without a vmdesc the payload is read through the device's layout,
 * whose shape the destination's configuration decides: with the hook it
 * reads the stream right; on a zeroed state it read `align` as the high
 * half of `desc` and failed further on.
 */
static void vmdesc_less_stream_reads_with_the_live_configuration(void)
{
    static const struct {
        bool with_prepare;
        int code;
        const char *msg;
    } cases[] = {
        { true, 0, NULL },
        { false, QVISIT_ERROR_RANGE,
          "section at byte 37: vser.nr_active_ports: expected 0..0, got "
          "348099515 at byte 115" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Pair p;
        GError *err = NULL;
        g_autoptr(GByteArray) stream = g_byte_array_new();
        bool ok;

        pair_init(&p, &mmio, &mmio, cases[i].with_prepare);
        CU_ASSERT_TRUE(migration_save(p.src, MIGRATION_FORMAT_LEGACY, stream,
                                      NULL, &err));
        cut_vmdesc(stream);
        ok = migration_load(p.dst, stream->data, stream->len, NULL, &err);
        if (cases[i].code) {
            CU_ASSERT_FALSE(ok);
            ASSERT_ERROR(err, cases[i].code, cases[i].msg);
        } else {
            CU_ASSERT_TRUE(ok);
            ASSERT_NO_ERROR(err);
            CU_ASSERT_TRUE(vser_equal(p.d, p.s));
        }
        pair_clear(&p);
    }
}

static bool identity_step(QDict *state, void *opaque, GError **errp)
{
    (void)state;
    (void)opaque;
    (void)errp;
    return true;
}

/* After a transform chain a structural error may be the chain's own, so
 * it keeps its code: only a section at the device's version is blamed on
 * configuration. */
static void converted_section_keeps_its_structural_error(void)
{
    Pair p;
    GError *err = NULL;
    g_autoptr(CompatRegistry) compat = compat_registry_new();
    g_autoptr(MigrationStream) ms = migration_stream_new();
    g_autoptr(GByteArray) stream = g_byte_array_new();
    g_autoptr(QDict) all = NULL;

    MigrationDeviceInfo info = vser_device_info(true);

    /* A destination that loads v2 sections through a transform. */
    p.s = vser_new(&mmio, 42);
    p.d = vser_new(&(VSerConfig){ false, false, 31, 2 }, 0);
    p.src = migration_registry_new();
    p.dst = migration_registry_new();
    CU_ASSERT_TRUE(migration_register(p.src, &info, p.s, &err));
    info.minimum_version = 2;
    CU_ASSERT_TRUE(migration_register(p.dst, &info, p.d, &err));
    CU_ASSERT_TRUE(compat_register(compat, "vser", 2, 3, identity_step,
                                   NULL, &err));
    migration_set_compat(p.dst, compat);
    all = migration_snapshot(p.src, &err);
    ASSERT_NO_ERROR(err);
    migration_stream_add(ms, "vser", 0, 2,
                         qobject_ref(qobject_to(QDict,
                                                qdict_get(all, "vser"))));
    CU_ASSERT_TRUE(migration_stream_encode(ms, MIGRATION_FORMAT_JSON, NULL,
                                           NULL, stream, &err));
    CU_ASSERT_FALSE(migration_load(p.dst, stream->data, stream->len, NULL,
                                   &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNEXPECTED,
                 "vser.vq[0].align: unexpected member");
    pair_clear(&p);
}

static bool failing_prepare(void *scratch, const void *live, GError **errp)
{
    (void)scratch;
    (void)live;
    g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "no queue count configured");
    return false;
}

static void failing_prepare_fails_the_load_naming_the_device(void)
{
    Pair p;
    GError *err = NULL;
    g_autoptr(GByteArray) stream = g_byte_array_new();
    MigrationDeviceInfo info = vser_device_info(true);
    g_autoptr(MigrationRegistry) dst = migration_registry_new();
    g_autofree VSerState *d = vser_new(&mmio, 0);
    void *scratch;

    info.prepare = failing_prepare;
    CU_ASSERT_TRUE(migration_register(dst, &info, d, &err));
    pair_init(&p, &mmio, &mmio, true);
    CU_ASSERT_TRUE(migration_save(p.src, MIGRATION_FORMAT_BINARY, stream,
                                  NULL, &err));
    CU_ASSERT_FALSE(migration_load(dst, stream->data, stream->len, NULL,
                                   &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "vser: prepare: no queue count configured");
    scratch = migration_device_scratch_new(&info, d, &err);
    CU_ASSERT_PTR_NULL(scratch);
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "vser: prepare: no queue count configured");
    CU_ASSERT_PTR_NULL(migration_describe(dst, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "vser: prepare: no queue count configured");
    pair_clear(&p);
}

static bool json_equal(const QObject *got, const char *json)
{
    g_autoptr(QObject) want = qobject_from_json(json, NULL);

    return test_qobject_equal(got, want, __FILE__, __LINE__);
}

static const char *get_str(QDict *d, const char *key)
{
    return qstring_get_str(qobject_to(QString, qdict_get(d, key)));
}

static int64_t get_int(QDict *d, const char *key)
{
    int64_t n = -1;

    qnum_get_try_int(qobject_to(QNum, qdict_get(d, key)), &n);
    return n;
}

/* The member names of the struct @node, joined by ",". */
static char *member_names(QDict *node)
{
    QList *members = qobject_to(QList, qdict_get(node, "members"));
    GString *out = g_string_new(NULL);

    for (size_t i = 0; members && i < qlist_size(members); i++) {
        QDict *m = qobject_to(QDict, qlist_get(members, i));

        g_string_append_printf(out, "%s%s", i ? "," : "",
                               get_str(m, "name"));
    }
    return g_string_free(out, false);
}

static QDict *member(QDict *node, const char *name)
{
    QList *members = qobject_to(QList, qdict_get(node, "members"));

    for (size_t i = 0; members && i < qlist_size(members); i++) {
        QDict *m = qobject_to(QDict, qlist_get(members, i));

        if (!strcmp(get_str(m, "name"), name)) {
            return m;
        }
    }
    return NULL;
}

static QDict *element(QDict *array)
{
    return qobject_to(QDict, qdict_get(array, "element"));
}

/* The registry's schema is that of the configured devices; the describe
 * configuration (no live device) shows every member. */
static void describe_sees_the_configuration(void)
{
    Pair p;
    GError *err = NULL;
    g_autoptr(QDict) all = NULL;
    g_autoptr(QObject) full = NULL;
    g_autoptr(QObject) zeroed = NULL;
    MigrationDeviceInfo plain = vser_device_info(false);
    MigrationDeviceInfo prepared = vser_device_info(true);
    QDict *root;
    g_autofree char *top = NULL, *vq = NULL, *port = NULL;
    g_autofree char *ftop = NULL, *fvq = NULL, *fport = NULL;

    pair_init(&p, &mmio, &mmio, true);
    all = migration_describe(p.dst, &err);
    ASSERT_NO_ERROR(err);
    root = qobject_to(QDict, qdict_get(all, "vser"));
    top = member_names(root);
    CU_ASSERT_STRING_EQUAL(top, "status,isr,queue_sel,guest_features_lo,"
                           "config_len,config,num_queues,vq,cols,rows,"
                           "max_nr_ports,ports_map,nr_active_ports,ports");
    /* Lengths the configuration gives are this side's; counts the walk
     * reads show one element. */
    CU_ASSERT_EQUAL(get_int(member(root, "ports_map"), "length"), 1);
    CU_ASSERT_EQUAL(get_int(member(root, "vq"), "length"), 1);
    vq = member_names(element(member(root, "vq")));
    CU_ASSERT_STRING_EQUAL(vq, "num,align,desc,last_avail_idx");
    port = member_names(element(member(root, "ports")));
    CU_ASSERT_STRING_EQUAL(port, "id,guest_connected,host_connected,"
                           "elem_popped,iov_idx,iov_offset");

    /* The gated members are marked, the absent ones listed. */
    CU_ASSERT_TRUE(json_equal(qdict_get(root, "config_absent"),
                              "[\"config_vector\"]"));
    CU_ASSERT_TRUE(json_equal(
        QOBJECT(member(element(member(root, "vq")), "align")),
        "{\"name\": \"align\", \"type\": \"u32\", \"config\": true}"));
    CU_ASSERT_TRUE(json_equal(
        qdict_get(element(member(root, "vq")), "config_absent"),
        "[\"vector\"]"));

    /* A PCI destination with 40 of 63 ports: MSI-X vectors, two words. */
    qobject_unref(all);
    vser_configure(p.d, false, true, 63, 40);
    all = migration_describe(p.dst, &err);
    ASSERT_NO_ERROR(err);
    root = qobject_to(QDict, qdict_get(all, "vser"));
    g_free(vq);
    vq = member_names(element(member(root, "vq")));
    CU_ASSERT_STRING_EQUAL(vq, "num,desc,last_avail_idx,vector");
    CU_ASSERT_EQUAL(get_int(member(root, "ports_map"), "length"), 2);

    full = migration_device_describe(&prepared, NULL, &err);
    ASSERT_NO_ERROR(err);
    root = qobject_to(QDict, full);
    ftop = member_names(root);
    CU_ASSERT_STRING_EQUAL(ftop, "config_vector,status,isr,queue_sel,"
                           "guest_features_lo,config_len,config,num_queues,"
                           "vq,cols,rows,max_nr_ports,ports_map,"
                           "nr_active_ports,ports");
    fvq = member_names(element(member(root, "vq")));
    CU_ASSERT_STRING_EQUAL(fvq, "num,align,desc,last_avail_idx,vector");
    fport = member_names(element(member(root, "ports")));
    CU_ASSERT_STRING_EQUAL(fport, "id,guest_connected,host_connected,"
                           "elem_popped,iov_idx,iov_offset");

    /* Instances other than 0 are keyed "id#instance". */
    {
        MigrationDeviceInfo second = vser_device_info(true);
        g_autofree VSerState *d2 = vser_new(&(VSerConfig){ false, true,
                                                           31, 1 }, 0);
        g_autoptr(QDict) both = NULL;
        g_autofree char *vq2 = NULL;

        second.instance_id = 1;
        CU_ASSERT_TRUE(migration_register(p.dst, &second, d2, &err));
        both = migration_describe(p.dst, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(qdict_size(both), 2);
        root = qobject_to(QDict, qdict_get(both, "vser#1"));
        vq2 = member_names(element(member(root, "vq")));
        CU_ASSERT_STRING_EQUAL(vq2, "num,desc,last_avail_idx,vector");
        migration_registry_free(p.dst);
        p.dst = NULL;
    }

    /* Without the hook, the zeroed state: lengths 0, no elements. */
    zeroed = migration_device_describe(&plain, NULL, &err);
    ASSERT_NO_ERROR(err);
    root = qobject_to(QDict, zeroed);
    CU_ASSERT_PTR_NULL(element(member(root, "vq")));
    CU_ASSERT_PTR_NULL(element(member(root, "ports")));
    CU_ASSERT_EQUAL(get_int(member(root, "ports_map"), "length"), 0);
    pair_clear(&p);
}

static const TestCase tests[] = {
    { "legacy_and_walk_write_and_read_identical_bytes",
      legacy_and_walk_write_and_read_identical_bytes },
    { "walk_writes_qemu_layout_golden_bytes",
      walk_writes_qemu_layout_golden_bytes },
    { "zeroed_dry_run_refuses_identical_configuration",
      zeroed_dry_run_refuses_identical_configuration },
    { "prepared_dry_run_loads_identical_configuration",
      prepared_dry_run_loads_identical_configuration },
    { "misconfigured_destination_gets_config_error",
      misconfigured_destination_gets_config_error },
    { "converted_section_keeps_its_structural_error",
      converted_section_keeps_its_structural_error },
    { "malformed_stream_is_not_a_config_error",
      malformed_stream_is_not_a_config_error },
    { "vmdesc_less_stream_reads_with_the_live_configuration",
      vmdesc_less_stream_reads_with_the_live_configuration },
    { "failing_prepare_fails_the_load_naming_the_device",
      failing_prepare_fails_the_load_naming_the_device },
    { "describe_sees_the_configuration", describe_sees_the_configuration },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("config", tests);
}
