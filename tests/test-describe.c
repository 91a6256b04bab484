/* Tests for the describe visitor (visitor/describe-visitor.c). */
#include <string.h>

#include "tests/test-util.h"
#include "examples/devices/example-devices.h"
#include "tests/test-device.h"

/*
 * An array whose length comes from the state, as a queue whose entries
 * are counted in num: on a zeroed state the walk describes length 0.
 */
static bool counted_visit(Visitor *v, GError **errp)
{
    uint32_t num = 0;
    uint16_t entries[4] = { 0 };
    bool ok = visit_start_struct(v, "q", errp) &&
              visit_type_u32(v, "num", &num, errp) &&
              visit_start_array(v, "entries", num, errp);

    for (uint32_t i = 0; ok && i < num && i < 4; i++) {
        ok = visit_type_u16(v, NULL, &entries[i], errp);
    }
    return ok && visit_end_array(v, errp) && visit_end_struct(v, errp);
}

static const char tdev_schema[] =
    "{\"type\":\"struct\",\"members\":["
    "{\"name\":\"u8\",\"type\":\"u8\"},"
    "{\"name\":\"u16\",\"type\":\"u16\"},"
    "{\"name\":\"u32\",\"type\":\"u32\"},"
    "{\"name\":\"u64\",\"type\":\"u64\"},"
    "{\"name\":\"i8\",\"type\":\"i8\"},"
    "{\"name\":\"i16\",\"type\":\"i16\"},"
    "{\"name\":\"i32\",\"type\":\"i32\"},"
    "{\"name\":\"i64\",\"type\":\"i64\"},"
    "{\"name\":\"flag\",\"type\":\"bool\"},"
    "{\"name\":\"ratio\",\"type\":\"number\"},"
    "{\"name\":\"label\",\"type\":\"str\"},"
    "{\"name\":\"mac\",\"type\":\"buffer\",\"length\":6},"
    "{\"name\":\"regs\",\"type\":\"array\",\"length\":4,"
    "\"element\":{\"type\":\"u32\"}},"
    "{\"name\":\"cmos\",\"type\":\"array\",\"length\":16,"
    "\"element\":{\"type\":\"u8\"}},"
    "{\"name\":\"ch\",\"type\":\"array\",\"length\":3,"
    "\"element\":{\"type\":\"struct\",\"members\":["
    "{\"name\":\"count\",\"type\":\"u16\"},"
    "{\"name\":\"mode\",\"type\":\"i8\"}]}},"
    "{\"name\":\"extra\",\"optional\":true,\"type\":\"u32\"}]}";

static const char counted_schema[] =
    "{\"type\":\"struct\",\"members\":["
    "{\"name\":\"num\",\"type\":\"u32\"},"
    "{\"name\":\"entries\",\"type\":\"array\",\"length\":0}]}";

static void describe_test_device_gives_exact_schema(void)
{
    g_autofree TDev *s = g_new0(TDev, 1);
    g_autoptr(Visitor) v = NULL;
    g_autoptr(QObject) schema = NULL;
    g_autoptr(GString) json = NULL;
    GError *err = NULL;

    v = describe_visitor_new(&schema);
    CU_ASSERT_EQUAL(visit_get_type(v), VISITOR_DESCRIBE);
    CU_ASSERT_TRUE(tdev_visit(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FATAL(schema != NULL);
    json = qobject_to_json(schema);
    CU_ASSERT_STRING_EQUAL(json->str, tdev_schema);
    /* visit_optional() made extra present; nothing else was written. */
    CU_ASSERT_TRUE(s->has_extra);
    CU_ASSERT_PTR_NULL(s->label);
    CU_ASSERT_EQUAL(s->u64, 0);
}

static void describe_state_counted_array_has_length_0(void)
{
    g_autoptr(Visitor) v = NULL;
    g_autoptr(QObject) schema = NULL;
    g_autoptr(GString) json = NULL;
    GError *err = NULL;

    v = describe_visitor_new(&schema);
    CU_ASSERT_TRUE(counted_visit(v, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FATAL(schema != NULL);
    json = qobject_to_json(schema);
    CU_ASSERT_STRING_EQUAL(json->str, counted_schema);
}

static void describe_schema_sample_matches_qobject_walk(void)
{
    g_autofree TDev *s = g_new0(TDev, 1);
    g_autoptr(QObject) schema = NULL;
    g_autoptr(QObject) sample = NULL;
    g_autoptr(QObject) walked = NULL;
    GError *err = NULL;

    {
        g_autoptr(Visitor) v = describe_visitor_new(&schema);

        CU_ASSERT_TRUE(tdev_visit(v, s, &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
    }
    {
        g_autoptr(Visitor) v = qobject_output_visitor_new(&walked);

        CU_ASSERT_TRUE(tdev_visit(v, s, &err) && visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
    }
    sample = compat_schema_sample(schema, &err);
    ASSERT_NO_ERROR(err);
    ASSERT_QOBJECT_EQUAL(sample, walked);
    CU_ASSERT_TRUE(compat_schema_check(schema, walked, &err));
    ASSERT_NO_ERROR(err);
}

static bool twice_visit(Visitor *v, GError **errp)
{
    uint8_t a = 0;

    return visit_start_struct(v, "dev", errp) &&
           visit_type_u8(v, "a", &a, errp) &&
           visit_type_u8(v, "a", &a, errp) &&
           visit_end_struct(v, errp);
}

static bool uneven_visit(Visitor *v, GError **errp)
{
    uint8_t a = 0;
    uint16_t b = 0;

    return visit_start_struct(v, "dev", errp) &&
           visit_start_array(v, "q", 2, errp) &&
           visit_type_u8(v, NULL, &a, errp) &&
           visit_type_u16(v, NULL, &b, errp) &&
           visit_end_array(v, errp) &&
           visit_end_struct(v, errp);
}

static bool uneven_struct_visit(Visitor *v, GError **errp)
{
    uint8_t a = 0;

    return visit_start_struct(v, "dev", errp) &&
           visit_start_array(v, "q", 2, errp) &&
           visit_start_struct(v, NULL, errp) &&
           visit_type_u8(v, "a", &a, errp) &&
           visit_end_struct(v, errp) &&
           visit_start_struct(v, NULL, errp) &&
           visit_type_u8(v, "b", &a, errp) &&
           visit_end_struct(v, errp) &&
           visit_end_array(v, errp) &&
           visit_end_struct(v, errp);
}

static void describe_rejects_ambiguous_layouts(void)
{
    static const struct {
        bool (*walk)(Visitor *v, GError **errp);
        const char *msg;
    } cases[] = {
        { twice_visit, "dev.a: member described twice" },
        { uneven_visit, "dev.q[1]: element layout differs from element 0" },
        { uneven_struct_visit,
          "dev.q[1]: element layout differs from element 0" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QObject *schema = NULL;
        g_autoptr(Visitor) v = describe_visitor_new(&schema);
        GError *err = NULL;

        CU_ASSERT_FALSE(cases[i].walk(v, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID, cases[i].msg);
        CU_ASSERT_PTR_NULL(schema);
    }
}

static bool native_visit(Visitor *v, GError **errp)
{
    uint16_t regs[3] = { 0 };

    return visit_start_struct(v, "dev", errp) &&
           visit_type_u16_array(v, "regs", regs, 3, errp) &&
           visit_type_u16_array(v, "none", regs, 0, errp) &&
           visit_end_struct(v, errp);
}

static bool manual_visit(Visitor *v, GError **errp)
{
    uint16_t r = 0;
    bool ok = visit_start_struct(v, "dev", errp) &&
              visit_start_array(v, "regs", 3, errp);

    for (int i = 0; ok && i < 3; i++) {
        ok = visit_type_u16(v, NULL, &r, errp);
    }
    return ok && visit_end_array(v, errp) &&
           visit_start_array(v, "none", 0, errp) &&
           visit_end_array(v, errp) && visit_end_struct(v, errp);
}

/* A native array is described exactly like the same array visited by
 * element, as every other format represents it. */
static void describe_native_array_equals_visited_array(void)
{
    g_autoptr(QObject) a = NULL;
    g_autoptr(QObject) b = NULL;
    g_autoptr(GString) ja = NULL;
    g_autoptr(GString) jb = NULL;
    GError *err = NULL;

    {
        g_autoptr(Visitor) v = describe_visitor_new(&a);

        CU_ASSERT_TRUE(native_visit(v, &err) && visit_complete(v, &err));
    }
    {
        g_autoptr(Visitor) v = describe_visitor_new(&b);

        CU_ASSERT_TRUE(manual_visit(v, &err) && visit_complete(v, &err));
    }
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FATAL(a != NULL && b != NULL);
    ja = qobject_to_json(a);
    jb = qobject_to_json(b);
    CU_ASSERT_STRING_EQUAL(ja->str, jb->str);
    CU_ASSERT_STRING_EQUAL(ja->str,
                           "{\"type\":\"struct\",\"members\":["
                           "{\"name\":\"regs\",\"type\":\"array\","
                           "\"length\":3,\"element\":{\"type\":\"u16\"}},"
                           "{\"name\":\"none\",\"type\":\"array\","
                           "\"length\":0}]}");
}

static void describe_empty_walk_fails_complete(void)
{
    QObject *schema = NULL;
    g_autoptr(Visitor) v = describe_visitor_new(&schema);
    GError *err = NULL;

    CU_ASSERT_FALSE(visit_complete(v, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_FAILED, "nothing was visited");
    CU_ASSERT_PTR_NULL(schema);
}

/* Describes one example device on a zeroed state. */
static QObject *describe_device(const ExampleDevice *dev, GError **errp)
{
    g_autofree void *state = g_malloc0(dev->state_size);
    g_autoptr(Visitor) v = NULL;
    QObject *schema = NULL;
    bool ok;

    v = describe_visitor_new(&schema);
    ok = dev->visit(v, state, errp) && visit_complete(v, errp);
    if (dev->clear) {
        dev->clear(state);
    }
    return ok ? schema : NULL;
}

/* Walks @state of @dev with the QObject output visitor. */
static QObject *walk_tree(const ExampleDevice *dev, void *state)
{
    GError *err = NULL;
    QObject *tree = NULL;
    g_autoptr(Visitor) v = qobject_output_visitor_new(&tree);

    CU_ASSERT_TRUE(dev->visit(v, state, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    return tree;
}

/* Loads @tree into a fresh state of @dev: true when its walk accepts it. */
static bool load_tree(const ExampleDevice *dev, QObject *tree, GError **errp)
{
    g_autoptr(Visitor) v = qobject_input_visitor_new(tree);
    void *state = example_device_state_new(dev);
    bool ok = dev->visit(v, state, errp) && visit_complete(v, errp);

    example_device_state_free(dev, state);
    return ok;
}

/*
 * Every entry describes on a zeroed state; the zeroed walk and a random
 * walk fit the schema, and the schema's sample loads back through the
 * device's own input walk. The one exception is an array whose length
 * comes from the state (virtio-net-queues' queues, described with one
 * element; see docs/formats.md): there LENGTH is the expected answer.
 */
static void describe_every_example_device_fits_its_walks(void)
{
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    CU_ASSERT_EQUAL(n, 10);
    for (size_t i = 0; i < n; i++) {
        const ExampleDevice *dev = all[i];
        bool dynamic = !strcmp(dev->id, "virtio-net-queues");
        void *state = example_device_state_new(dev);
        g_autoptr(QObject) schema = NULL;
        g_autoptr(QObject) zeroed = NULL;
        g_autoptr(QObject) randomized = NULL;
        g_autoptr(QObject) sample = NULL;
        uint64_t seed = 42 + i;
        GError *err = NULL;

        schema = describe_device(dev, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_FATAL(schema != NULL);
        zeroed = walk_tree(dev, state);
        dev->randomize(state, &seed);
        randomized = walk_tree(dev, state);
        sample = compat_schema_sample(schema, &err);
        ASSERT_NO_ERROR(err);
        if (dynamic) {
            CU_ASSERT_FALSE(compat_schema_check(schema, zeroed, &err));
            ASSERT_ERROR(err, QVISIT_ERROR_LENGTH,
                         "queues: expected 1 elements, got 0");
            CU_ASSERT_FALSE(load_tree(dev, sample, &err));
            ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_LENGTH,
                                "virtio-net-queues.queues");
        } else {
            CU_ASSERT_TRUE(compat_schema_check(schema, zeroed, &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_TRUE(compat_schema_check(schema, randomized, &err));
            ASSERT_NO_ERROR(err);
            CU_ASSERT_TRUE(load_tree(dev, sample, &err));
            ASSERT_NO_ERROR(err);
        }
        example_device_state_free(dev, state);
    }
}

static void describe_virtio_net_queues_gives_exact_schema(void)
{
    const ExampleDevice *dev = example_device_find("virtio-net-queues", 1);
    g_autoptr(GBytes) file =
        test_read_file("tests/data/describe/virtio-net-queues-v1.json");
    g_autoptr(QObject) want = NULL;
    g_autoptr(QObject) got = NULL;
    g_autoptr(GString) want_json = NULL;
    g_autoptr(GString) got_json = NULL;
    GError *err = NULL;

    want = qobject_from_json_full(g_bytes_get_data(file, NULL),
                                  g_bytes_get_size(file), NULL, &err);
    ASSERT_NO_ERROR(err);
    got = describe_device(dev, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FATAL(want != NULL && got != NULL);
    /* Compared as JSON text: member order is part of a schema. */
    want_json = qobject_to_json(want);
    got_json = qobject_to_json(got);
    CU_ASSERT_STRING_EQUAL(got_json->str, want_json->str);
}

/* A struct whose members "a" and "b" exist only under configurations. */
static bool gated_visit(Visitor *v, bool has_a, bool has_b, GError **errp)
{
    uint8_t a = 1, b = 2, c = 3;

    return visit_start_struct(v, "dev", errp) &&
           (!visit_config_member(v, "a", has_a) ||
            visit_type_u8(v, "a", &a, errp)) &&
           (!visit_config_member(v, "b", has_b) ||
            visit_type_u8(v, "b", &b, errp)) &&
           visit_type_u8(v, "c", &c, errp) &&
           visit_end_struct(v, errp);
}

static void describe_config_member_marks_present_and_lists_absent(void)
{
    static const struct {
        bool a, b;
        const char *schema;
    } cases[] = {
        { true, false,
          "{\"type\":\"struct\",\"members\":["
          "{\"name\":\"a\",\"config\":true,\"type\":\"u8\"},"
          "{\"name\":\"c\",\"type\":\"u8\"}],"
          "\"config_absent\":[\"b\"]}" },
        { false, false,
          "{\"type\":\"struct\",\"members\":["
          "{\"name\":\"c\",\"type\":\"u8\"}],"
          "\"config_absent\":[\"a\",\"b\"]}" },
        { true, true,
          "{\"type\":\"struct\",\"members\":["
          "{\"name\":\"a\",\"config\":true,\"type\":\"u8\"},"
          "{\"name\":\"b\",\"config\":true,\"type\":\"u8\"},"
          "{\"name\":\"c\",\"type\":\"u8\"}]}" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(QObject) schema = NULL;
        g_autoptr(GString) json = NULL;
        Visitor *v = describe_visitor_new(&schema);
        GError *err = NULL;

        CU_ASSERT_TRUE(gated_visit(v, cases[i].a, cases[i].b, &err) &&
                       visit_complete(v, &err));
        ASSERT_NO_ERROR(err);
        visit_free(v);
        json = qobject_to_json(schema);
        CU_ASSERT_STRING_EQUAL(json->str, cases[i].schema);
    }
}

/* Other visitors only get the answer: the tree is the plain if's. */
static void config_member_is_invisible_to_other_visitors(void)
{
    g_autoptr(QObject) tree = NULL;
    g_autoptr(GString) json = NULL;
    Visitor *v = qobject_output_visitor_new(&tree);
    GError *err = NULL;

    CU_ASSERT_FALSE(visit_config_member(v, "x", false));
    CU_ASSERT_TRUE(visit_config_member(v, "x", true));
    CU_ASSERT_TRUE(gated_visit(v, false, true, &err) &&
                   visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    json = qobject_to_json(tree);
    CU_ASSERT_STRING_EQUAL(json->str, "{\"b\":2,\"c\":3}");
}

static const TestCase tests[] = {
    { "describe_config_member_marks_present_and_lists_absent",
      describe_config_member_marks_present_and_lists_absent },
    { "config_member_is_invisible_to_other_visitors",
      config_member_is_invisible_to_other_visitors },
    { "describe_test_device_gives_exact_schema",
      describe_test_device_gives_exact_schema },
    { "describe_state_counted_array_has_length_0",
      describe_state_counted_array_has_length_0 },
    { "describe_schema_sample_matches_qobject_walk",
      describe_schema_sample_matches_qobject_walk },
    { "describe_rejects_ambiguous_layouts",
      describe_rejects_ambiguous_layouts },
    { "describe_native_array_equals_visited_array",
      describe_native_array_equals_visited_array },
    { "describe_empty_walk_fails_complete",
      describe_empty_walk_fails_complete },
    { "describe_every_example_device_fits_its_walks",
      describe_every_example_device_fits_its_walks },
    { "describe_virtio_net_queues_gives_exact_schema",
      describe_virtio_net_queues_gives_exact_schema },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("describe", tests);
}
