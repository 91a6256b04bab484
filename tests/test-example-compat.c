/* Tests for examples/devices/example-compat.c: the example devices'
 * version histories convert both ways through real device walks. */
#include <string.h>

#include "tests/test-util.h"
#include "examples/devices/example-compat.h"
#include "examples/devices/example-devices.h"

static CompatRegistry *example_registry(void)
{
    CompatRegistry *r = compat_registry_new();
    g_autoptr(GError) err = NULL;

    g_assert_true(example_compat_register(r, &err));
    return r;
}

/* Walks @state of @dev into a QObject tree. */
static QDict *save_tree(const ExampleDevice *dev, void *state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(Visitor) v = NULL;
    QObject *tree = NULL;

    v = qobject_output_visitor_new(&tree);
    g_assert_true(dev->visit(v, state, &err) && visit_complete(v, &err));
    return qobject_to(QDict, tree);
}

/* Loads @tree into a fresh state of @dev; NULL with *errp on failure. */
static void *load_tree(const ExampleDevice *dev, QDict *tree, GError **errp)
{
    g_autoptr(Visitor) v = qobject_input_visitor_new(QOBJECT(tree));
    void *state = example_device_state_new(dev);

    if (!dev->visit(v, state, errp) || !visit_complete(v, errp)) {
        example_device_state_free(dev, state);
        return NULL;
    }
    return state;
}

static void register_twice_fails_on_first_duplicate(void)
{
    g_autoptr(CompatRegistry) r = example_registry();
    GError *err = NULL;

    CU_ASSERT_FALSE(example_compat_register(r, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "serial v1→v2: step already registered");
}

/*
 * For every device and every pair of its versions a < b: a random state at
 * a, converted to b, loads into b's walk (so the transforms produce exactly
 * b's layout); converted back it equals the original tree (going up adds
 * defaults that going down drops again).
 */
static void every_version_pair_loads_and_round_trips(void)
{
    g_autoptr(CompatRegistry) r = example_registry();
    static const char *const ids[] = { "serial", "e1000" };
    unsigned pairs = 0;

    for (size_t d = 0; d < G_N_ELEMENTS(ids); d++) {
        for (uint32_t a = 1; a <= 3; a++) {
            for (uint32_t b = 1; b <= 3; b++) {
                const ExampleDevice *da = example_device_find(ids[d], a);
                const ExampleDevice *db = example_device_find(ids[d], b);
                void *sa = example_device_state_new(da);
                void *sb = NULL;
                uint64_t seed = 7 * a + b;
                g_autoptr(QDict) orig = NULL;
                g_autoptr(QDict) tree = NULL;
                g_autoptr(QDict) back = NULL;
                GError *err = NULL;

                da->randomize(sa, &seed);
                orig = save_tree(da, sa);
                tree = qobject_to(QDict, qobject_clone(QOBJECT(orig)));
                CU_ASSERT_TRUE(compat_convert(r, ids[d], tree, a, b, &err));
                ASSERT_NO_ERROR(err);
                sb = load_tree(db, tree, &err);
                ASSERT_NO_ERROR(err);
                if (!sb) {
                    fprintf(stderr, "  %s v%u→v%u\n", ids[d], a, b);
                    example_device_state_free(da, sa);
                    continue;
                }
                back = save_tree(db, sb);
                ASSERT_QOBJECT_EQUAL(QOBJECT(back), QOBJECT(tree));
                if (a <= b) {
                    CU_ASSERT_TRUE(compat_convert(r, ids[d], back, b, a,
                                                  &err));
                    ASSERT_NO_ERROR(err);
                    ASSERT_QOBJECT_EQUAL(QOBJECT(back), QOBJECT(orig));
                }
                pairs++;
                example_device_state_free(da, sa);
                example_device_state_free(db, sb);
            }
        }
    }
    CU_ASSERT_EQUAL(pairs, 18);
}

static QDict *parse(const char *json)
{
    g_autoptr(GError) err = NULL;
    QObject *obj = qobject_from_json(json, &err);

    g_assert_no_error(err);
    return qobject_to(QDict, obj);
}

static void serial_divider_splits_into_dll_and_dlm(void)
{
    g_autoptr(CompatRegistry) r = example_registry();
    g_autoptr(QDict) s = parse("{\"divider\":4660,\"fcr\":1}");
    g_autoptr(QDict) bad = parse("{\"dll\":300,\"dlm\":1}");
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_convert(r, "serial", s, 2, 3, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qdict_size(s), 3);
    {
        g_autoptr(QDict) want = parse("{\"dll\":52,\"fcr\":1,\"dlm\":18}");

        ASSERT_QOBJECT_EQUAL(QOBJECT(s), QOBJECT(want));
    }
    CU_ASSERT_FALSE(compat_convert(r, "serial", bad, 3, 2, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "serial v3→v2: dll: 300 does not fit 0..255");
}

static void e1000_vlan_header_splits_into_tpid_and_tci(void)
{
    g_autoptr(CompatRegistry) r = example_registry();
    g_autoptr(QDict) s = parse("{\"tx\":{\"vlan_header\":2164260869},"
                               "\"rx\":{\"min_shift\":1}}");
    g_autoptr(QDict) want = parse("{\"tx\":{\"vlan_tpid\":33024,"
                                  "\"vlan_tci\":5},"
                                  "\"rx\":{\"buf_min_shift\":1}}");
    g_autoptr(QDict) missing = parse("{\"tx\":{},\"rx\":{\"min_shift\":1}}");
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_convert(r, "e1000", s, 2, 3, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_QOBJECT_EQUAL(QOBJECT(s), QOBJECT(want));
    CU_ASSERT_FALSE(compat_convert(r, "e1000", missing, 2, 3, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING,
                 "e1000 v2→v3: tx.vlan_header: no such member");
}

static const TestCase tests[] = {
    { "register_twice_fails_on_first_duplicate",
      register_twice_fails_on_first_duplicate },
    { "every_version_pair_loads_and_round_trips",
      every_version_pair_loads_and_round_trips },
    { "serial_divider_splits_into_dll_and_dlm",
      serial_divider_splits_into_dll_and_dlm },
    { "e1000_vlan_header_splits_into_tpid_and_tci",
      e1000_vlan_header_splits_into_tpid_and_tci },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("example-compat", tests);
}
