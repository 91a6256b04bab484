/* Tests for compat/: registry, chains, filters, machine and member helpers,
 * schema sample and check. */
#include <string.h>

#include "tests/test-util.h"

/* Parses JSON that the test itself wrote; aborts on a typo. */
static QDict *dict_from(const char *json)
{
    g_autoptr(GError) err = NULL;
    QObject *obj = qobject_from_json(json, &err);

    g_assert_no_error(err);
    g_assert(qobject_to(QDict, obj));
    return qobject_to(QDict, obj);
}

/* Compares member order too, unlike qobject_is_equal(). */
#define ASSERT_JSON(obj, want) \
    CU_ASSERT_TRUE(json_is((obj), (want), __FILE__, __LINE__))

static bool json_is(const QDict *d, const char *want, const char *file,
                    int line)
{
    g_autoptr(GString) got = qobject_to_json(QOBJECT(d));

    if (!strcmp(got->str, want)) {
        return true;
    }
    fprintf(stderr, "\n%s:%d: JSON differs\n  got:  %s\n  want: %s\n", file,
            line, got->str, want);
    return false;
}

/* --- Steps that log their run into the state ------------------------- */

/* Appends "<from>><to>" to the member "log". */
static bool log_step(QDict *state, void *opaque, GError **errp)
{
    const char *step = opaque;
    QString *old = qobject_to(QString, qdict_get(state, "log"));
    g_autofree char *text = g_strdup_printf(
        "%s%s%s", old ? qstring_get_str(old) : "", old ? "," : "", step);

    (void)errp;
    qdict_put_str(state, "log", text);
    return true;
}

static bool fail_step(QDict *state, void *opaque, GError **errp)
{
    (void)opaque;
    qdict_put_str(state, "half", "written");
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_RANGE, "x: boom");
    return false;
}

static bool silent_fail_step(QDict *state, void *opaque, GError **errp)
{
    (void)state;
    (void)opaque;
    (void)errp;
    return false;
}

typedef struct { uint32_t from, to; } StepSpec;

static CompatRegistry *registry_with(const StepSpec *steps, size_t n)
{
    CompatRegistry *r = compat_registry_new();
    g_autoptr(GError) err = NULL;

    for (size_t i = 0; i < n; i++) {
        g_autofree char *text = g_strdup_printf("%u>%u", steps[i].from,
                                                steps[i].to);
        /* Interned, so the registry may keep the pointer. */
        const char *name = g_intern_string(text);

        compat_register(r, "e1000", steps[i].from, steps[i].to, log_step,
                        (void *)name, &err);
        g_assert_no_error(err);
    }
    return r;
}

static char *convert_log(CompatRegistry *r, uint32_t from, uint32_t to,
                         GError **errp)
{
    g_autoptr(QDict) state = qdict_new();
    QString *log;

    if (!compat_convert(r, "e1000", state, from, to, errp)) {
        return NULL;
    }
    log = qobject_to(QString, qdict_get(state, "log"));
    return g_strdup(log ? qstring_get_str(log) : "");
}

static void convert_equal_versions_is_identity_even_for_unknown_device(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) state = dict_from("{\"a\":1}");
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_convert(r, "nosuch", state, 3, 3, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(state, "{\"a\":1}");
}

static void convert_unknown_device_is_version_error(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) state = dict_from("{\"a\":1}");
    GError *err = NULL;

    CU_ASSERT_FALSE(compat_convert(r, "e1000", state, 3, 1, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION,
                 "e1000: no compat chain from v3 to v1 (no transforms "
                 "registered for e1000)");
    ASSERT_JSON(state, "{\"a\":1}");
}

/* The same conversion as compat_convert(), without the copy: a failing
 * step leaves the state as far as the chain got. */
static void convert_in_place_rewrites_the_state_itself(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) copy = dict_from("{\"a\":1}");
    g_autoptr(QDict) state = dict_from("{\"a\":1}");
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_register(r, "e1000", 1, 2, log_step, "1-2",
                                   &err));
    CU_ASSERT_TRUE(compat_register(r, "e1000", 2, 3, log_step, "2-3",
                                   &err));
    CU_ASSERT_TRUE(compat_register(r, "e1000", 3, 4, fail_step, NULL,
                                   &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_convert(r, "e1000", copy, 1, 3, &err));
    CU_ASSERT_TRUE(compat_convert_in_place(r, "e1000", state, 1, 3, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(copy, "{\"a\":1,\"log\":\"1-2,2-3\"}");
    ASSERT_JSON(state, "{\"a\":1,\"log\":\"1-2,2-3\"}");
    CU_ASSERT_FALSE(compat_convert(r, "e1000", copy, 3, 4, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "e1000 v3→v4: x: boom");
    ASSERT_JSON(copy, "{\"a\":1,\"log\":\"1-2,2-3\"}");
    CU_ASSERT_FALSE(compat_convert_in_place(r, "e1000", state, 3, 4, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "e1000 v3→v4: x: boom");
    ASSERT_JSON(state, "{\"a\":1,\"log\":\"1-2,2-3\",\"half\":\"written\"}");
    CU_ASSERT_FALSE(compat_convert_in_place(r, "e1000", state, 4, 1, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION,
                 "e1000: no compat chain from v4 to v1");
}

static void register_duplicate_step_is_invalid(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_register(r, "e1000", 2, 3, log_step, "a", &err));
    ASSERT_NO_ERROR(err);
    /* The other direction is a different step. */
    CU_ASSERT_TRUE(compat_register(r, "e1000", 3, 2, log_step, "b", &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(compat_register(r, "e1000", 2, 3, log_step, "c", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "e1000 v2→v3: step already registered");
    CU_ASSERT_FALSE(compat_register(r, "e1000", 4, 4, log_step, "d", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "e1000 v4→v4: a step must change the version");
    CU_ASSERT_FALSE(compat_register(r, COMPAT_MACHINE, 1, 2, log_step, "e",
                                    &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "machine: device id reserved for machine steps");
    CU_ASSERT_TRUE(compat_register_machine(r, 1, 2, log_step, "f", &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(compat_register_machine(r, 1, 2, log_step, "g", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "machine v1→v2: step already registered");
}

static void unregister_removes_one_step(void)
{
    static const StepSpec steps[] = { { 1, 2 }, { 2, 3 }, { 1, 3 } };
    g_autoptr(CompatRegistry) r = registry_with(steps, 3);
    g_autofree char *log = NULL;
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_unregister(r, "e1000", 1, 3, &err));
    ASSERT_NO_ERROR(err);
    log = convert_log(r, 1, 3, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_STRING_EQUAL(log, "1>2,2>3");
    CU_ASSERT_FALSE(compat_unregister(r, "e1000", 1, 3, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "e1000 v1→v3: step not registered");
    CU_ASSERT_FALSE(compat_unregister(r, "serial", 1, 2, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "serial v1→v2: step not registered");
    CU_ASSERT_FALSE(compat_unregister(r, COMPAT_MACHINE, 1, 2, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "machine v1→v2: step not registered");
    /* Registering it again is allowed. */
    CU_ASSERT_TRUE(compat_register(r, "e1000", 1, 3, log_step, "again",
                                   &err));
    ASSERT_NO_ERROR(err);
}

/* One row per chain question: registered steps, from, to, expected log. */
static const struct {
    const char *what;
    StepSpec steps[6];
    size_t n;
    uint32_t from, to;
    const char *log;       /* NULL: no chain */
} chain_cases[] = {
    { "forward", { { 1, 2 }, { 2, 3 } }, 2, 1, 3, "1>2,2>3" },
    { "backward", { { 3, 2 }, { 2, 1 } }, 2, 3, 1, "3>2,2>1" },
    { "mixed directions", { { 1, 2 }, { 2, 4 }, { 4, 3 } }, 3, 1, 3,
      "1>2,2>4,4>3" },
    { "shortest wins", { { 1, 2 }, { 2, 3 }, { 3, 4 }, { 1, 4 } }, 4, 1, 4,
      "1>4" },
    { "tie goes to lower versions", { { 1, 3 }, { 3, 4 }, { 1, 2 },
                                      { 2, 4 } }, 4, 1, 4, "1>2,2>4" },
    { "cycle", { { 1, 2 }, { 2, 3 }, { 3, 1 } }, 3, 3, 2, "3>1,1>2" },
    { "cycle without target", { { 1, 2 }, { 2, 3 }, { 3, 1 } }, 3, 1, 4,
      NULL },
    { "one-way only", { { 1, 2 }, { 2, 3 } }, 2, 3, 1, NULL },
    { "unreachable island", { { 1, 2 }, { 2, 1 }, { 5, 6 }, { 6, 5 } }, 4,
      1, 6, NULL },
    { "unknown version", { { 1, 2 } }, 1, 7, 1, NULL },
};

static void convert_finds_shortest_chain_in_table(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(chain_cases); i++) {
        g_autoptr(CompatRegistry) r =
            registry_with(chain_cases[i].steps, chain_cases[i].n);
        g_autofree char *log = NULL;
        GError *err = NULL;

        log = convert_log(r, chain_cases[i].from, chain_cases[i].to, &err);
        if (chain_cases[i].log) {
            ASSERT_NO_ERROR(err);
            CU_ASSERT_STRING_EQUAL(log ? log : "(null)",
                                   chain_cases[i].log);
            if (!log || strcmp(log, chain_cases[i].log)) {
                fprintf(stderr, "\n  case '%s': got %s\n",
                        chain_cases[i].what, log ? log : "(null)");
            }
        } else {
            g_autofree char *msg = g_strdup_printf(
                "e1000: no compat chain from v%u to v%u",
                chain_cases[i].from, chain_cases[i].to);

            CU_ASSERT_PTR_NULL(log);
            ASSERT_ERROR(err, QVISIT_ERROR_VERSION, msg);
        }
    }
}

static void find_chain_lists_versions(void)
{
    static const StepSpec steps[] = { { 1, 2 }, { 2, 4 }, { 4, 3 } };
    g_autoptr(CompatRegistry) r = registry_with(steps, 3);
    g_autofree uint32_t *v = NULL;
    g_autofree uint32_t *same = NULL;
    size_t n = 0;
    GError *err = NULL;

    v = compat_find_chain(r, "e1000", 1, 3, &n, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    CU_ASSERT_EQUAL(v[0], 1);
    CU_ASSERT_EQUAL(v[1], 2);
    CU_ASSERT_EQUAL(v[2], 4);
    CU_ASSERT_EQUAL(v[3], 3);
    same = compat_find_chain(r, "e1000", 9, 9, &n, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(same[0], 9);
    CU_ASSERT_PTR_NULL(compat_find_chain(r, "e1000", 3, 1, &n, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION,
                 "e1000: no compat chain from v3 to v1");
}

static void failing_step_is_named_and_leaves_state_untouched(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) state = dict_from("{\"a\":1,\"q\":{\"h\":2}}");
    GError *err = NULL;

    compat_register(r, "e1000", 3, 2, log_step, "3>2", &err);
    compat_register(r, "e1000", 2, 1, fail_step, NULL, &err);
    compat_register(r, "e1000", 1, 0, silent_fail_step, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(compat_convert(r, "e1000", state, 3, 1, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "e1000 v2→v1: x: boom");
    ASSERT_JSON(state, "{\"a\":1,\"q\":{\"h\":2}}");
    CU_ASSERT_FALSE(compat_convert(r, "e1000", state, 1, 0, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_FAILED,
                 "e1000 v1→v0: transform failed without an error");
    ASSERT_JSON(state, "{\"a\":1,\"q\":{\"h\":2}}");
}

static void successful_convert_rewrites_callers_dict(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) state = dict_from("{\"a\":1}");
    QDict *same = state;
    GError *err = NULL;

    compat_register(r, "e1000", 1, 2, log_step, "1>2", &err);
    CU_ASSERT_TRUE(compat_convert(r, "e1000", state, 1, 2, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_EQUAL(state, same);
    ASSERT_JSON(state, "{\"a\":1,\"log\":\"1>2\"}");
}

static void collect_step(const char *device, uint32_t from, uint32_t to,
                         void *opaque)
{
    g_string_append_printf(opaque, "%s:%u>%u;", device, from, to);
}

static void foreach_step_sorts_devices_then_machine(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(GString) out = g_string_new(NULL);
    GError *err = NULL;

    compat_register_machine(r, 2, 1, log_step, NULL, &err);
    compat_register(r, "serial", 2, 1, log_step, NULL, &err);
    compat_register(r, "e1000", 3, 2, log_step, NULL, &err);
    compat_register(r, "e1000", 2, 3, log_step, NULL, &err);
    compat_register(r, "serial", 1, 2, log_step, NULL, &err);
    ASSERT_NO_ERROR(err);
    compat_foreach_step(r, collect_step, out);
    CU_ASSERT_STRING_EQUAL(out->str, "e1000:2>3;e1000:3>2;serial:1>2;"
                           "serial:2>1;machine:2>1;");
}

static void default_registry_is_one_object(void)
{
    CompatRegistry *r = compat_registry_default();

    CU_ASSERT_PTR_NOT_NULL(r);
    CU_ASSERT_PTR_EQUAL(r, compat_registry_default());
}

/* --- Filters ------------------------------------------------------------ */

static void filters_run_in_order_for_their_device_and_direction(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) e1000 = dict_from("{}");
    g_autoptr(QDict) serial = dict_from("{}");
    g_autoptr(QDict) in = dict_from("{}");
    GError *err = NULL;

    compat_register_filter(r, "e1000", COMPAT_FILTER_OUTPUT, log_step, "a");
    compat_register_filter(r, NULL, COMPAT_FILTER_OUTPUT, log_step, "all");
    compat_register_filter(r, "serial", COMPAT_FILTER_OUTPUT, log_step, "s");
    compat_register_filter(r, "e1000", COMPAT_FILTER_INPUT, log_step, "in");
    compat_register_filter(r, "e1000", COMPAT_FILTER_OUTPUT, log_step, "b");
    CU_ASSERT_TRUE(compat_filter_output(r, "e1000", e1000, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(e1000, "{\"log\":\"a,all,b\"}");
    CU_ASSERT_TRUE(compat_filter_output(r, "serial", serial, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(serial, "{\"log\":\"all,s\"}");
    CU_ASSERT_TRUE(compat_filter_input(r, "e1000", in, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(in, "{\"log\":\"in\"}");
    /* No filter for this device and direction: nothing happens. */
    CU_ASSERT_TRUE(compat_filter_input(r, "serial", serial, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(serial, "{\"log\":\"all,s\"}");
}

/* What the migration core asks before it builds a tree for filters. */
static void has_filter_answers_per_device_and_direction(void)
{
    static const struct {
        const char *device;
        CompatFilterDirection direction;
        bool want;
    } cases[] = {
        { "e1000", COMPAT_FILTER_OUTPUT, true },
        { "e1000", COMPAT_FILTER_INPUT, true },
        { "serial", COMPAT_FILTER_OUTPUT, false },
        { "serial", COMPAT_FILTER_INPUT, true },
        { "pit", COMPAT_FILTER_INPUT, true },
        { "pit", COMPAT_FILTER_OUTPUT, false },
    };
    g_autoptr(CompatRegistry) r = compat_registry_new();

    CU_ASSERT_FALSE(compat_has_filter(r, "e1000", COMPAT_FILTER_OUTPUT));
    CU_ASSERT_FALSE(compat_has_filter(r, "e1000", COMPAT_FILTER_INPUT));
    compat_register_filter(r, "e1000", COMPAT_FILTER_OUTPUT, log_step, "a");
    compat_register_filter(r, NULL, COMPAT_FILTER_INPUT, log_step, "all");
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        CU_ASSERT_EQUAL(compat_has_filter(r, cases[i].device,
                                          cases[i].direction),
                        cases[i].want);
    }
}

static void failing_filter_is_named_and_leaves_state_untouched(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) state = dict_from("{\"a\":1}");
    GError *err = NULL;

    compat_register_filter(r, NULL, COMPAT_FILTER_INPUT, log_step, "ok");
    compat_register_filter(r, "e1000", COMPAT_FILTER_INPUT, fail_step, NULL);
    CU_ASSERT_FALSE(compat_filter_input(r, "e1000", state, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "e1000 input filter: x: boom");
    ASSERT_JSON(state, "{\"a\":1}");
    compat_register_filter(r, "e1000", COMPAT_FILTER_OUTPUT, fail_step,
                           NULL);
    CU_ASSERT_FALSE(compat_filter_output(r, "e1000", state, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "e1000 output filter: x: boom");
    ASSERT_JSON(state, "{\"a\":1}");
}

/* --- Machine ------------------------------------------------------------ */

static const char machine_json[] =
    "{\"serial\":{\"rbr\":1},\"pit\":{\"channels\":[1,2],\"speaker\":3,"
    "\"mode\":4},\"rtc\":{\"index\":5}}";

static void machine_split_moves_listed_members_to_first_device(void)
{
    g_autoptr(QDict) m = dict_from(machine_json);
    static const char *const members[] = { "speaker", NULL };
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_machine_split(m, "pit", "pcspk", members, "pit",
                                        &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(m, "{\"serial\":{\"rbr\":1},\"rtc\":{\"index\":5},"
                "\"pcspk\":{\"speaker\":3},"
                "\"pit\":{\"channels\":[1,2],\"mode\":4}}");
}

static void machine_split_errors_leave_machine_untouched(void)
{
    g_autoptr(QDict) m = dict_from(machine_json);
    static const char *const missing[] = { "speaker", "nope", NULL };
    static const char *const ok[] = { "speaker", NULL };
    GError *err = NULL;

    CU_ASSERT_FALSE(compat_machine_split(m, "pit", "a", missing, "b", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING, "pit.nope: no such member");
    CU_ASSERT_FALSE(compat_machine_split(m, "pic", "a", ok, "b", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING, "pic: no such device");
    CU_ASSERT_FALSE(compat_machine_split(m, "pit", "rtc", ok, "b", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, "rtc: device already exists");
    qdict_put_int(m, "bad", 1);
    CU_ASSERT_FALSE(compat_machine_split(m, "bad", "a", ok, "b", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TYPE, "bad: expected object, got number");
    qdict_del(m, "bad");
    ASSERT_JSON(m, machine_json);
}

static void machine_merge_joins_two_devices(void)
{
    g_autoptr(QDict) m = dict_from(machine_json);
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_machine_merge(m, "serial", "rtc", "combo", &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(m, "{\"pit\":{\"channels\":[1,2],\"speaker\":3,\"mode\":4},"
                "\"combo\":{\"rbr\":1,\"index\":5}}");
}

static void machine_merge_errors_leave_machine_untouched(void)
{
    g_autoptr(QDict) m = dict_from(machine_json);
    GError *err = NULL;

    qdict_put(m, "cmos", dict_from("{\"index\":9}"));
    CU_ASSERT_FALSE(compat_machine_merge(m, "rtc", "cmos", "rtc", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "rtc.index: member in both rtc and cmos");
    CU_ASSERT_FALSE(compat_machine_merge(m, "rtc", "nope", "x", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING, "nope: no such device");
    CU_ASSERT_FALSE(compat_machine_merge(m, "rtc", "serial", "pit", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, "pit: device already exists");
    qdict_del(m, "cmos");
    ASSERT_JSON(m, machine_json);
}

static void machine_rename_keeps_position(void)
{
    g_autoptr(QDict) m = dict_from(machine_json);
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_machine_rename(m, "pit", "i8254", &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(m, "{\"serial\":{\"rbr\":1},\"i8254\":{\"channels\":[1,2],"
                "\"speaker\":3,\"mode\":4},\"rtc\":{\"index\":5}}");
    CU_ASSERT_FALSE(compat_machine_rename(m, "pit", "x", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING, "pit: no such device");
    CU_ASSERT_FALSE(compat_machine_rename(m, "rtc", "serial", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, "serial: device already exists");
}

static bool split_pit(QDict *machine, void *opaque, GError **errp)
{
    static const char *const members[] = { "speaker", NULL };

    (void)opaque;
    return compat_machine_split(machine, "pit", "pcspk", members, "pit",
                                errp);
}

static bool merge_pit(QDict *machine, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_machine_merge(machine, "pit", "pcspk", "pit", errp);
}

static void convert_machine_runs_machine_chain(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) m = dict_from(machine_json);
    g_autoptr(QDict) orig = dict_from(machine_json);
    GError *err = NULL;

    compat_register_machine(r, 1, 2, split_pit, NULL, &err);
    compat_register_machine(r, 2, 1, merge_pit, NULL, &err);
    compat_register_machine(r, 2, 3, fail_step, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_convert_machine(r, m, 1, 2, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL(qdict_get(m, "pcspk"));
    CU_ASSERT_TRUE(compat_convert_machine(r, m, 2, 1, &err));
    ASSERT_NO_ERROR(err);
    ASSERT_QOBJECT_EQUAL(QOBJECT(m), QOBJECT(orig));
    CU_ASSERT_FALSE(compat_convert_machine(r, m, 1, 3, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "machine v2→v3: x: boom");
    ASSERT_QOBJECT_EQUAL(QOBJECT(m), QOBJECT(orig));
    CU_ASSERT_FALSE(compat_convert_machine(r, m, 3, 1, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_VERSION,
                 "machine: no compat chain from v3 to v1");
    /* Machine chains are listed under the reserved id. */
    {
        size_t n = 0;
        g_autofree uint32_t *v = compat_find_chain(r, COMPAT_MACHINE, 1, 3,
                                                   &n, &err);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL_FATAL(n, 3);
        CU_ASSERT_EQUAL(v[2], 3);
    }
}

/* --- Member helpers ----------------------------------------------------- */

static const char state_json[] =
    "{\"count\":300,\"queue\":{\"head\":1,\"tail\":2},\"regs\":[1,70000,3,4],"
    "\"name\":\"x\",\"ring\":[{\"a\":1},{\"a\":2}],\"neg\":-1}";

/* Path errors are shared by every helper; one row per bad path. */
static const struct {
    const char *path;
    int code;
    const char *msg;
} bad_paths[] = {
    { "a..b", QVISIT_ERROR_INVALID,
      "a..b: invalid path, empty member name at byte 2" },
    { "[1]", QVISIT_ERROR_INVALID,
      "[1]: invalid path, empty member name at byte 0" },
    { "", QVISIT_ERROR_INVALID,
      "invalid path, empty member name at byte 0" },
    { "regs[x]", QVISIT_ERROR_INVALID,
      "regs[x]: invalid path, expected digits and ']' at byte 5" },
    { "regs[1", QVISIT_ERROR_INVALID,
      "regs[1: invalid path, expected digits and ']' at byte 6" },
    { "regs]", QVISIT_ERROR_INVALID,
      "regs]: invalid path, expected '.' or '[' at byte 4" },
    { "regs[99999999999999999999999].a", QVISIT_ERROR_INVALID,
      "regs[99999999999999999999999].a: invalid path, index too large at "
      "byte 5" },
    { "nope.x", QVISIT_ERROR_MISSING, "nope: no such member" },
    { "queue.nope.x", QVISIT_ERROR_MISSING, "queue.nope: no such member" },
    { "regs.x", QVISIT_ERROR_TYPE, "regs: expected object, got array" },
    { "queue[0].x", QVISIT_ERROR_TYPE, "queue: expected array, got object" },
    { "ring[2].a", QVISIT_ERROR_RANGE,
      "ring[2]: index out of range, length 2" },
    { "count.x", QVISIT_ERROR_TYPE, "count: expected object, got number" },
};

static void every_helper_reports_bad_paths(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad_paths); i++) {
        g_autoptr(QDict) s = dict_from(state_json);
        GError *err = NULL;

        CU_ASSERT_FALSE(compat_rename_member(s, bad_paths[i].path, "z",
                                             &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        CU_ASSERT_FALSE(compat_add_member(s, bad_paths[i].path,
                                          QOBJECT(qnum_from_int(0)), &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        CU_ASSERT_FALSE(compat_drop_member(s, bad_paths[i].path, &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        CU_ASSERT_FALSE(compat_change_int_width(s, bad_paths[i].path, 32,
                                                false, &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        CU_ASSERT_FALSE(compat_move_member(s, bad_paths[i].path, "z",
                                           &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        CU_ASSERT_FALSE(compat_move_member(s, "neg", bad_paths[i].path,
                                           &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        CU_ASSERT_FALSE(compat_resize_array(s, bad_paths[i].path, 1, NULL,
                                            &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        CU_ASSERT_PTR_NULL(compat_get_member(s, bad_paths[i].path, &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        CU_ASSERT_FALSE(compat_set_member(s, bad_paths[i].path,
                                          QOBJECT(qnum_from_int(0)), &err));
        ASSERT_ERROR(err, bad_paths[i].code, bad_paths[i].msg);
        ASSERT_JSON(s, state_json);
    }
}

static void rename_member_keeps_position(void)
{
    g_autoptr(QDict) s = dict_from(state_json);
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_rename_member(s, "queue.head", "first", &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_rename_member(s, "ring[1].a", "b", &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_rename_member(s, "count", "count", &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, "{\"count\":300,\"queue\":{\"first\":1,\"tail\":2},"
                "\"regs\":[1,70000,3,4],\"name\":\"x\","
                "\"ring\":[{\"a\":1},{\"b\":2}],\"neg\":-1}");
}

static void rename_member_rejects_bad_targets(void)
{
    g_autoptr(QDict) s = dict_from(state_json);
    GError *err = NULL;

    CU_ASSERT_FALSE(compat_rename_member(s, "queue.head", "tail", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "queue.tail: member already exists");
    CU_ASSERT_FALSE(compat_rename_member(s, "queue.head", "a.b", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "queue.head: invalid new member name 'a.b'");
    CU_ASSERT_FALSE(compat_rename_member(s, "regs[1]", "r", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "regs[1]: path must end in a member name");
    CU_ASSERT_FALSE(compat_rename_member(s, "queue.nope", "x", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING, "queue.nope: no such member");
    ASSERT_JSON(s, state_json);
}

static void add_member_sets_default_and_rejects_existing(void)
{
    g_autoptr(QDict) s = dict_from("{\"queue\":{\"head\":1}}");
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_add_member(s, "queue.tail",
                                     QOBJECT(qnum_from_uint(0)), &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_add_member(s, "irq", QOBJECT(qbool_from_bool(1)),
                                     &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, "{\"queue\":{\"head\":1,\"tail\":0},\"irq\":true}");
    CU_ASSERT_FALSE(compat_add_member(s, "queue.head",
                                      QOBJECT(qnum_from_int(7)), &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "queue.head: member already exists");
    ASSERT_JSON(s, "{\"queue\":{\"head\":1,\"tail\":0},\"irq\":true}");
}

static void drop_member_removes_and_reports_missing(void)
{
    g_autoptr(QDict) s = dict_from("{\"queue\":{\"head\":1,\"tail\":2}}");
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_drop_member(s, "queue.head", &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, "{\"queue\":{\"tail\":2}}");
    CU_ASSERT_FALSE(compat_drop_member(s, "queue.head", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_MISSING, "queue.head: no such member");
}

/* One row per width change: path, bits, signed, error or resulting JSON. */
static const struct {
    const char *path;
    unsigned bits;
    bool is_signed;
    int code;              /* -1: success */
    const char *out;       /* JSON on success, message on failure */
} width_cases[] = {
    { "count", 16, false, -1,
      "{\"count\":300,\"regs\":[1,70000,3,4],\"neg\":-1,\"name\":\"x\"}" },
    { "count", 8, false, QVISIT_ERROR_RANGE, "count: 300 does not fit u8" },
    { "count", 8, true, QVISIT_ERROR_RANGE, "count: 300 does not fit i8" },
    { "count", 16, true, -1,
      "{\"count\":300,\"regs\":[1,70000,3,4],\"neg\":-1,\"name\":\"x\"}" },
    { "regs", 16, false, QVISIT_ERROR_RANGE,
      "regs[1]: 70000 does not fit u16" },
    { "regs", 32, false, -1,
      "{\"count\":300,\"regs\":[1,70000,3,4],\"neg\":-1,\"name\":\"x\"}" },
    { "regs[0]", 8, false, -1,
      "{\"count\":300,\"regs\":[1,70000,3,4],\"neg\":-1,\"name\":\"x\"}" },
    { "regs[1]", 16, false, QVISIT_ERROR_RANGE,
      "regs[1]: 70000 does not fit u16" },
    { "neg", 8, false, QVISIT_ERROR_RANGE, "neg: -1 does not fit u8" },
    { "neg", 64, false, QVISIT_ERROR_RANGE, "neg: -1 does not fit u64" },
    { "neg", 8, true, -1,
      "{\"count\":300,\"regs\":[1,70000,3,4],\"neg\":-1,\"name\":\"x\"}" },
    { "name", 8, false, QVISIT_ERROR_TYPE,
      "name: expected integer, got string" },
};

static void change_int_width_checks_range_in_table(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(width_cases); i++) {
        static const char in[] =
            "{\"count\":300,\"regs\":[1,70000,3,4],\"neg\":-1,\"name\":\"x\"}";
        g_autoptr(QDict) s = dict_from(in);
        GError *err = NULL;
        bool ok = compat_change_int_width(s, width_cases[i].path,
                                          width_cases[i].bits,
                                          width_cases[i].is_signed, &err);

        if (width_cases[i].code < 0) {
            CU_ASSERT_TRUE(ok);
            ASSERT_NO_ERROR(err);
        } else {
            CU_ASSERT_FALSE(ok);
            ASSERT_ERROR(err, width_cases[i].code, width_cases[i].out);
        }
        ASSERT_JSON(s, width_cases[i].code < 0 ? width_cases[i].out : in);
    }
}

static void change_int_width_stores_signedness(void)
{
    g_autoptr(QDict) s = dict_from("{\"a\":5,\"b\":[1,2]}");
    GError *err = NULL;
    int64_t i;

    qdict_put_uint(s, "u", 7);
    CU_ASSERT_TRUE(compat_change_int_width(s, "a", 32, false, &err));
    CU_ASSERT_TRUE(compat_change_int_width(s, "b", 64, false, &err));
    CU_ASSERT_TRUE(compat_change_int_width(s, "u", 64, true, &err));
    ASSERT_NO_ERROR(err);
    /* A uint QNum above INT64_MAX would fail qnum_get_try_int(); check the
     * representation through a value that tells them apart instead. */
    CU_ASSERT_TRUE(qnum_get_try_int(qobject_to(QNum, qdict_get(s, "u")),
                                    &i));
    CU_ASSERT_EQUAL(i, 7);
    qdict_put_uint(s, "big", UINT64_MAX);
    CU_ASSERT_FALSE(compat_change_int_width(s, "big", 64, true, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "big: 18446744073709551615 does not fit i64");
}

static void move_member_between_structs(void)
{
    g_autoptr(QDict) s = dict_from(state_json);
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_move_member(s, "count", "queue.count", &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_move_member(s, "ring[0].a", "ring[1].b", &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_move_member(s, "queue.head", "head", &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, "{\"queue\":{\"tail\":2,\"count\":300},"
                "\"regs\":[1,70000,3,4],\"name\":\"x\","
                "\"ring\":[{},{\"a\":2,\"b\":1}],\"neg\":-1,\"head\":1}");
}

static void move_member_rejects_bad_targets(void)
{
    g_autoptr(QDict) s = dict_from(state_json);
    GError *err = NULL;

    CU_ASSERT_FALSE(compat_move_member(s, "count", "queue.head", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "queue.head: member already exists");
    CU_ASSERT_FALSE(compat_move_member(s, "queue", "queue.inner", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "queue: cannot move a member into itself (queue.inner)");
    CU_ASSERT_FALSE(compat_move_member(s, "count", "regs[0]", &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "regs[0]: path must end in a member name");
    CU_ASSERT_TRUE(compat_move_member(s, "count", "count", &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, state_json);
}

static void resize_array_grows_with_fill_and_shrinks(void)
{
    g_autoptr(QDict) s = dict_from(state_json);
    g_autoptr(QDict) fill = dict_from("{\"a\":0}");
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_resize_array(s, "regs", 2, NULL, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_resize_array(s, "ring", 4, QOBJECT(fill), &err));
    ASSERT_NO_ERROR(err);
    /* Each new element is its own copy. */
    qdict_put_int(fill, "a", 9);
    ASSERT_JSON(s, "{\"count\":300,\"queue\":{\"head\":1,\"tail\":2},"
                "\"regs\":[1,70000],\"name\":\"x\","
                "\"ring\":[{\"a\":1},{\"a\":2},{\"a\":0},{\"a\":0}],"
                "\"neg\":-1}");
    CU_ASSERT_FALSE(compat_resize_array(s, "regs", 3, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "regs: growing from 2 to 3 needs a fill value");
    CU_ASSERT_FALSE(compat_resize_array(s, "queue", 3, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TYPE, "queue: expected array, got object");
}

static void get_and_set_member_by_path(void)
{
    g_autoptr(QDict) s = dict_from(state_json);
    GError *err = NULL;
    uint64_t u = 99;

    CU_ASSERT_TRUE(compat_get_uint(s, "regs[1]", UINT32_MAX, &u, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(u, 70000);
    CU_ASSERT_FALSE(compat_get_uint(s, "regs[1]", UINT16_MAX, &u, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "regs[1]: 70000 does not fit 0..65535");
    CU_ASSERT_FALSE(compat_get_uint(s, "neg", UINT8_MAX, &u, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE, "neg: -1 does not fit 0..255");
    CU_ASSERT_FALSE(compat_get_uint(s, "queue", UINT8_MAX, &u, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TYPE, "queue: expected integer, got "
                 "object");
    CU_ASSERT_EQUAL(u, 70000);
    CU_ASSERT_PTR_EQUAL(compat_get_member(s, "ring[1]", &err),
                        qlist_get(qobject_to(QList, qdict_get(s, "ring")),
                                  1));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(compat_set_member(s, "regs[0]", QOBJECT(qnum_from_int(9)),
                                     &err));
    CU_ASSERT_TRUE(compat_set_member(s, "queue.head",
                                     QOBJECT(qstring_from_str("h")), &err));
    CU_ASSERT_TRUE(compat_set_member(s, "ring[0].b",
                                     QOBJECT(qnull()), &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, "{\"count\":300,\"queue\":{\"head\":\"h\",\"tail\":2},"
                "\"regs\":[9,70000,3,4],\"name\":\"x\","
                "\"ring\":[{\"a\":1,\"b\":null},{\"a\":2}],\"neg\":-1}");
    CU_ASSERT_FALSE(compat_set_member(s, "regs[4]", QOBJECT(qnull()), &err));
    ASSERT_ERROR(err, QVISIT_ERROR_RANGE,
                 "regs[4]: index out of range, length 4");
}

static const char ports_json[] =
    "{\"count\":300,\"ports\":[{\"id\":1},{\"id\":2,\"x\":5},{\"id\":3}],"
    "\"grid\":[{\"row\":[{\"v\":1},{\"v\":2}]},{\"row\":[{\"v\":3}]}],"
    "\"empty\":[]}";

/* "[]" stands for every element: each helper runs once per element. */
static void wildcard_paths_apply_to_every_element(void)
{
    g_autoptr(QDict) s = dict_from(ports_json);
    GError *err = NULL;

    CU_ASSERT_TRUE(compat_add_member(s, "ports[].throttled",
                                     QOBJECT(qbool_from_bool(false)), &err));
    CU_ASSERT_TRUE(compat_rename_member(s, "ports[].throttled", "limited",
                                        &err));
    CU_ASSERT_TRUE(compat_set_member(s, "ports[].id",
                                     QOBJECT(qnum_from_uint(0)), &err));
    CU_ASSERT_TRUE(compat_drop_member(s, "ports[1].x", &err));
    CU_ASSERT_TRUE(compat_change_int_width(s, "grid[].row[].v", 8, true,
                                           &err));
    CU_ASSERT_TRUE(compat_move_member(s, "grid[].row", "grid[].cells",
                                      &err));
    CU_ASSERT_TRUE(compat_resize_array(s, "grid[].cells", 1, NULL, &err));
    /* An empty array matches nothing, which is no error. */
    CU_ASSERT_TRUE(compat_add_member(s, "empty[].x",
                                     QOBJECT(qnum_from_int(1)), &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, "{\"count\":300,\"ports\":[{\"id\":0,\"limited\":false},"
                "{\"id\":0,\"limited\":false},{\"id\":0,\"limited\":false}],"
                "\"grid\":[{\"cells\":[{\"v\":1}]},{\"cells\":[{\"v\":3}]}],"
                "\"empty\":[]}");
    CU_ASSERT_TRUE(compat_drop_member(s, "ports[].limited", &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, "{\"count\":300,\"ports\":[{\"id\":0},{\"id\":0},"
                "{\"id\":0}],\"grid\":[{\"cells\":[{\"v\":1}]},"
                "{\"cells\":[{\"v\":3}]}],\"empty\":[]}");
}

/* One element failing leaves every element as it was; the error names it. */
static void wildcard_failure_names_element_and_changes_nothing(void)
{
    static const struct {
        const char *what;
        int code;
        const char *msg;
    } cases[] = {
        { "add", QVISIT_ERROR_INVALID, "ports[1].x: member already exists" },
        { "rename", QVISIT_ERROR_MISSING, "ports[0].x: no such member" },
        { "width", QVISIT_ERROR_RANGE,
          "grid[1].row[0].v: 300 does not fit u8" },
        { "missing", QVISIT_ERROR_MISSING, "nope: no such member" },
        { "not-array", QVISIT_ERROR_TYPE,
          "count: expected array, got number" },
        { "nested-not-array", QVISIT_ERROR_TYPE,
          "ports[0].id: expected array, got number" },
        { "get", QVISIT_ERROR_INVALID,
          "ports[]: a wildcard names several members here, use an index" },
        { "get-uint", QVISIT_ERROR_INVALID,
          "ports[]: a wildcard names several members here, use an index" },
        { "move", QVISIT_ERROR_INVALID,
          "moved: needs as many '[]' as ports[].id (1)" },
        { "move-into", QVISIT_ERROR_INVALID,
          "ports[0].id: cannot move a member into itself "
          "(ports[0].id.x)" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(QDict) s = dict_from(ports_json);
        const char *w = cases[i].what;
        GError *err = NULL;
        uint64_t u = 7;
        bool ok;

        if (!strcmp(w, "width")) {
            compat_set_member(s, "grid[1].row[0].v",
                              QOBJECT(qnum_from_int(300)), &err);
            ASSERT_NO_ERROR(err);
        }
        g_autofree char *before = g_string_free(qobject_to_json(QOBJECT(s)),
                                                FALSE);
        if (!strcmp(w, "add")) {
            ok = compat_add_member(s, "ports[].x", QOBJECT(qnull()), &err);
        } else if (!strcmp(w, "rename")) {
            ok = compat_rename_member(s, "ports[].x", "y", &err);
        } else if (!strcmp(w, "width")) {
            ok = compat_change_int_width(s, "grid[].row[].v", 8, false, &err);
        } else if (!strcmp(w, "missing")) {
            ok = compat_drop_member(s, "nope[].x", &err);
        } else if (!strcmp(w, "not-array")) {
            ok = compat_resize_array(s, "count[].x", 1, NULL, &err);
        } else if (!strcmp(w, "nested-not-array")) {
            ok = compat_set_member(s, "ports[].id[].x", QOBJECT(qnull()),
                                   &err);
        } else if (!strcmp(w, "get")) {
            ok = compat_get_member(s, "ports[].id", &err) != NULL;
        } else if (!strcmp(w, "get-uint")) {
            ok = compat_get_uint(s, "ports[].id", 10, &u, &err);
        } else if (!strcmp(w, "move")) {
            ok = compat_move_member(s, "ports[].id", "moved", &err);
        } else {
            ok = compat_move_member(s, "ports[].id", "ports[].id.x", &err);
        }
        CU_ASSERT_FALSE(ok);
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
        CU_ASSERT_EQUAL(u, 7);
        ASSERT_JSON(s, before);
    }
}

/* Elements sharing one QObject still change one at a time. */
static void wildcard_on_shared_elements_changes_each_once(void)
{
    g_autoptr(QDict) s = qdict_new();
    g_autoptr(QDict) elem = dict_from("{\"a\":1}");
    QList *l = qlist_new();
    GError *err = NULL;

    qlist_append_obj(l, qobject_ref(QOBJECT(elem)));
    qlist_append_obj(l, qobject_ref(QOBJECT(elem)));
    qdict_put(s, "l", l);
    CU_ASSERT_TRUE(compat_add_member(s, "l[].b", QOBJECT(qnum_from_int(2)),
                                     &err));
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(s, "{\"l\":[{\"a\":1,\"b\":2},{\"a\":1,\"b\":2}]}");
    /* The caller's own reference is left alone. */
    ASSERT_JSON(elem, "{\"a\":1}");
}

/* --- Schema sample and check ------------------------------------------- */

static const char schema_json[] =
    "{\"type\":\"struct\",\"members\":["
    "{\"name\":\"count\",\"type\":\"u8\"},"
    "{\"name\":\"delta\",\"type\":\"i16\"},"
    "{\"name\":\"on\",\"type\":\"bool\"},"
    "{\"name\":\"f\",\"type\":\"number\"},"
    "{\"name\":\"s\",\"type\":\"str\"},"
    "{\"name\":\"mac\",\"type\":\"buffer\",\"length\":2},"
    "{\"name\":\"regs\",\"type\":\"array\",\"length\":2,"
    "\"element\":{\"type\":\"u32\"}},"
    "{\"name\":\"q\",\"type\":\"array\",\"length\":0},"
    "{\"name\":\"rx\",\"optional\":true,\"type\":\"struct\",\"members\":["
    "{\"name\":\"head\",\"type\":\"u16\"}]}]}";

static void schema_sample_is_zeroed_state(void)
{
    g_autoptr(QDict) schema = dict_from(schema_json);
    g_autoptr(QObject) sample = NULL;
    GError *err = NULL;

    sample = compat_schema_sample(QOBJECT(schema), &err);
    ASSERT_NO_ERROR(err);
    ASSERT_JSON(qobject_to(QDict, sample),
                "{\"count\":0,\"delta\":0,\"on\":false,\"f\":0.0,\"s\":\"\","
                "\"mac\":\"0000\",\"regs\":[0,0],\"q\":[],"
                "\"rx\":{\"head\":0}}");
    CU_ASSERT_TRUE(compat_schema_check(QOBJECT(schema), sample, &err));
    ASSERT_NO_ERROR(err);
}

/* One row per mismatch between a state and schema_json. */
static const struct {
    const char *state;
    int code;
    const char *msg;
} check_cases[] = {
    { "{\"count\":1,\"delta\":-1,\"on\":true,\"f\":1,\"s\":\"a\","
      "\"mac\":\"abCD\",\"regs\":[0,4294967295],\"q\":[]}", -1, NULL },
    { "{\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\",\"mac\":\"0000\","
      "\"regs\":[0,0],\"q\":[]}", QVISIT_ERROR_MISSING,
      "count: missing member" },
    { "{\"count\":256,\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"0000\",\"regs\":[0,0],\"q\":[]}", QVISIT_ERROR_RANGE,
      "count: 256 does not fit u8" },
    { "{\"count\":0,\"delta\":-32769,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"0000\",\"regs\":[0,0],\"q\":[]}", QVISIT_ERROR_RANGE,
      "delta: -32769 does not fit i16" },
    { "{\"count\":0.5,\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"0000\",\"regs\":[0,0],\"q\":[]}", QVISIT_ERROR_TYPE,
      "count: expected u8, got double" },
    { "{\"count\":0,\"delta\":0,\"on\":1,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"0000\",\"regs\":[0,0],\"q\":[]}", QVISIT_ERROR_TYPE,
      "on: expected bool, got number" },
    { "{\"count\":0,\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"000\",\"regs\":[0,0],\"q\":[]}", QVISIT_ERROR_LENGTH,
      "mac: expected 2 bytes, got 3 hex digits" },
    { "{\"count\":0,\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"00g0\",\"regs\":[0,0],\"q\":[]}", QVISIT_ERROR_PARSE,
      "mac: 'g' at 2 is not a hex digit" },
    { "{\"count\":0,\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"0000\",\"regs\":[0],\"q\":[]}", QVISIT_ERROR_LENGTH,
      "regs: expected 2 elements, got 1" },
    { "{\"count\":0,\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"0000\",\"regs\":[0,\"x\"],\"q\":[]}", QVISIT_ERROR_TYPE,
      "regs[1]: expected u32, got string" },
    { "{\"count\":0,\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"0000\",\"regs\":[0,0],\"q\":[],\"rx\":{}}",
      QVISIT_ERROR_MISSING, "rx.head: missing member" },
    { "{\"count\":0,\"delta\":0,\"on\":false,\"f\":0.5,\"s\":\"\","
      "\"mac\":\"0000\",\"regs\":[0,0],\"q\":[],\"extra\":1}",
      QVISIT_ERROR_UNEXPECTED, "extra: unexpected member" },
};

static void schema_check_names_first_mismatch_in_table(void)
{
    g_autoptr(QDict) schema = dict_from(schema_json);

    for (size_t i = 0; i < G_N_ELEMENTS(check_cases); i++) {
        g_autoptr(QDict) s = dict_from(check_cases[i].state);
        GError *err = NULL;
        bool ok = compat_schema_check(QOBJECT(schema), QOBJECT(s), &err);

        if (check_cases[i].code < 0) {
            CU_ASSERT_TRUE(ok);
            ASSERT_NO_ERROR(err);
        } else {
            CU_ASSERT_FALSE(ok);
            ASSERT_ERROR(err, check_cases[i].code, check_cases[i].msg);
        }
    }
}

/* One row per malformed schema. */
static const struct {
    const char *schema;
    int code;
    const char *msg;
} bad_schemas[] = {
    { "[]", QVISIT_ERROR_PARSE, "(root): bad schema: a node must be an "
      "object" },
    { "{\"type\":1}", QVISIT_ERROR_PARSE,
      "(root): bad schema: 'type' must be a string" },
    { "{\"type\":\"u128\"}", QVISIT_ERROR_PARSE,
      "(root): bad schema: unknown type 'u128'" },
    { "{\"type\":\"struct\"}", QVISIT_ERROR_PARSE,
      "(root): bad schema: 'members' must be an array" },
    { "{\"type\":\"struct\",\"members\":[{\"type\":\"u8\"}]}",
      QVISIT_ERROR_PARSE,
      "(root): bad schema: member 0 needs a non-empty 'name'" },
    { "{\"type\":\"struct\",\"members\":[{\"name\":\"a\",\"type\":\"u8\"},"
      "{\"name\":\"a\",\"type\":\"u8\"}]}", QVISIT_ERROR_PARSE,
      "(root): bad schema: duplicate member 'a'" },
    { "{\"type\":\"struct\",\"members\":[{\"name\":\"a\",\"type\":\"u8\","
      "\"optional\":1}]}", QVISIT_ERROR_PARSE,
      "(root): bad schema: 'optional' of 'a' must be a boolean" },
    { "{\"type\":\"struct\",\"members\":[{\"name\":\"a\",\"type\":"
      "\"array\",\"length\":-1}]}", QVISIT_ERROR_PARSE,
      "a: bad schema: 'length' must be a non-negative integer" },
    { "{\"type\":\"struct\",\"members\":[{\"name\":\"a\",\"type\":"
      "\"array\",\"length\":2}]}", QVISIT_ERROR_PARSE,
      "a: bad schema: an array with elements needs 'element'" },
    { "{\"type\":\"struct\",\"members\":[{\"name\":\"a\",\"type\":"
      "\"array\",\"length\":1,\"element\":{\"type\":\"u9\"}}]}",
      QVISIT_ERROR_PARSE, "a[]: bad schema: unknown type 'u9'" },
    { "{\"type\":\"struct\",\"members\":[{\"name\":\"a\",\"type\":"
      "\"array\",\"length\":0,\"element\":5}]}",
      QVISIT_ERROR_PARSE, "a[]: bad schema: a node must be an object" },
    { "{\"type\":\"array\",\"length\":100000000,\"element\":{\"type\":"
      "\"u8\"}}", QVISIT_ERROR_LIMIT,
      "(root): array of 100000000 elements exceeds the limit" },
    { "{\"type\":\"array\",\"length\":65536,\"element\":{\"type\":"
      "\"array\",\"length\":65536,\"element\":{\"type\":\"u8\"}}}",
      QVISIT_ERROR_LIMIT,
      "(root): array of 65536 elements exceeds the limit" },
    { "{\"type\":\"buffer\",\"length\":18446744073709551615}",
      QVISIT_ERROR_LIMIT,
      "(root): buffer of 18446744073709551615 bytes exceeds the limit" },
};

static void schema_sample_rejects_bad_schemas_in_table(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad_schemas); i++) {
        g_autoptr(GError) perr = NULL;
        g_autoptr(QObject) schema = qobject_from_json(bad_schemas[i].schema,
                                                      &perr);
        g_autoptr(QObject) sample = NULL;
        GError *err = NULL;

        g_assert_no_error(perr);
        sample = compat_schema_sample(schema, &err);
        CU_ASSERT_PTR_NULL(sample);
        ASSERT_ERROR(err, bad_schemas[i].code, bad_schemas[i].msg);
    }
}

static const TestCase tests[] = {
    { "convert_equal_versions_is_identity_even_for_unknown_device",
      convert_equal_versions_is_identity_even_for_unknown_device },
    { "convert_unknown_device_is_version_error",
      convert_unknown_device_is_version_error },
    { "register_duplicate_step_is_invalid",
      register_duplicate_step_is_invalid },
    { "unregister_removes_one_step", unregister_removes_one_step },
    { "convert_finds_shortest_chain_in_table",
      convert_finds_shortest_chain_in_table },
    { "find_chain_lists_versions", find_chain_lists_versions },
    { "failing_step_is_named_and_leaves_state_untouched",
      failing_step_is_named_and_leaves_state_untouched },
    { "successful_convert_rewrites_callers_dict",
      successful_convert_rewrites_callers_dict },
    { "foreach_step_sorts_devices_then_machine",
      foreach_step_sorts_devices_then_machine },
    { "default_registry_is_one_object", default_registry_is_one_object },
    { "convert_in_place_rewrites_the_state_itself",
      convert_in_place_rewrites_the_state_itself },
    { "has_filter_answers_per_device_and_direction",
      has_filter_answers_per_device_and_direction },
    { "filters_run_in_order_for_their_device_and_direction",
      filters_run_in_order_for_their_device_and_direction },
    { "failing_filter_is_named_and_leaves_state_untouched",
      failing_filter_is_named_and_leaves_state_untouched },
    { "machine_split_moves_listed_members_to_first_device",
      machine_split_moves_listed_members_to_first_device },
    { "machine_split_errors_leave_machine_untouched",
      machine_split_errors_leave_machine_untouched },
    { "machine_merge_joins_two_devices", machine_merge_joins_two_devices },
    { "machine_merge_errors_leave_machine_untouched",
      machine_merge_errors_leave_machine_untouched },
    { "machine_rename_keeps_position", machine_rename_keeps_position },
    { "convert_machine_runs_machine_chain",
      convert_machine_runs_machine_chain },
    { "every_helper_reports_bad_paths", every_helper_reports_bad_paths },
    { "rename_member_keeps_position", rename_member_keeps_position },
    { "rename_member_rejects_bad_targets",
      rename_member_rejects_bad_targets },
    { "add_member_sets_default_and_rejects_existing",
      add_member_sets_default_and_rejects_existing },
    { "drop_member_removes_and_reports_missing",
      drop_member_removes_and_reports_missing },
    { "change_int_width_checks_range_in_table",
      change_int_width_checks_range_in_table },
    { "change_int_width_stores_signedness",
      change_int_width_stores_signedness },
    { "move_member_between_structs", move_member_between_structs },
    { "move_member_rejects_bad_targets", move_member_rejects_bad_targets },
    { "resize_array_grows_with_fill_and_shrinks",
      resize_array_grows_with_fill_and_shrinks },
    { "get_and_set_member_by_path", get_and_set_member_by_path },
    { "wildcard_paths_apply_to_every_element",
      wildcard_paths_apply_to_every_element },
    { "wildcard_failure_names_element_and_changes_nothing",
      wildcard_failure_names_element_and_changes_nothing },
    { "wildcard_on_shared_elements_changes_each_once",
      wildcard_on_shared_elements_changes_each_once },
    { "schema_sample_is_zeroed_state", schema_sample_is_zeroed_state },
    { "schema_check_names_first_mismatch_in_table",
      schema_check_names_first_mismatch_in_table },
    { "schema_sample_rejects_bad_schemas_in_table",
      schema_sample_rejects_bad_schemas_in_table },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("compat", tests);
}
