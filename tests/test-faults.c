/*
 * Fault injection: every cut and every single-bit flip of a representative
 * stream in each format gives either a clean QVISIT_ERROR or (where the
 * format carries no redundancy) a successful load of a consistent state;
 * never a crash, a critical, a leak or an error outside the domain.
 */
#include <string.h>

#include "examples/devices/example-compat.h"
#include "tests/example-vm.h"
#include "tests/fuzz-harness.h"
#include "tests/test-util.h"

/* A clean failure: one error, in our domain, one non-empty line. */
static bool clean_error(GError *err)
{
    return err && err->domain == QVISIT_ERROR && err->message[0] &&
           !strchr(err->message, '\n');
}

/* ---- the QEMUFile binary encoding of a walk ---- */

static GByteArray *sink_to_binary(FuzzSink *s)
{
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);
    Visitor *v = qemu_file_output_visitor_new(f);
    g_autoptr(GError) err = NULL;

    CU_ASSERT_TRUE(fuzz_sink_visit(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    return out;
}

static bool sink_from_binary(const uint8_t *data, size_t len, FuzzSink *s,
                             GError **errp)
{
    QEMUFile *f = qemu_fopen_mem(data, len);
    Visitor *v = qemu_file_input_visitor_new(f);
    bool ok = fuzz_sink_visit(v, s, errp) && visit_complete(v, errp);

    visit_free(v);
    qemu_fclose(f);
    return ok;
}

static void binary_walk_truncated_anywhere_is_truncated_error(void)
{
    FuzzSink s;
    g_autoptr(GByteArray) bytes = NULL;
    size_t bad = 0;

    fuzz_sink_example(&s);
    bytes = sink_to_binary(&s);
    for (size_t cut = 0; cut < bytes->len; cut++) {
        FuzzSink back = { 0 };
        g_autoptr(GError) err = NULL;
        g_autofree char *want = g_strdup_printf("truncated at byte %zu",
                                                cut);

        if (sink_from_binary(bytes->data, cut, &back, &err) ||
            !clean_error(err) || err->code != QVISIT_ERROR_TRUNCATED ||
            !g_str_has_prefix(err->message, "sink.") ||
            !strstr(err->message, want)) {
            fprintf(stderr, "cut at %zu: %s\n", cut,
                    err ? err->message : "loaded");
            bad++;
        }
        fuzz_sink_clear(&back);
    }
    CU_ASSERT_EQUAL(bad, 0);
    fuzz_sink_clear(&s);
}

static void binary_walk_bit_flips_load_consistently_or_fail_cleanly(void)
{
    FuzzSink s;
    g_autoptr(GByteArray) bytes = NULL;
    size_t bad = 0, failed = 0;

    fuzz_sink_example(&s);
    bytes = sink_to_binary(&s);
    for (size_t bit = 0; bit < bytes->len * 8; bit++) {
        g_autofree uint8_t *copy = g_memdup2(bytes->data, bytes->len);
        FuzzSink back = { 0 };
        g_autoptr(GError) err = NULL;

        copy[bit / 8] ^= 1u << (bit % 8);
        if (sink_from_binary(copy, bytes->len, &back, &err)) {
            /* No redundancy in this format: a flip may load another
             * value, but what loaded must write the same bytes back. */
            g_autoptr(GByteArray) again = sink_to_binary(&back);

            if (again->len > bytes->len ||
                memcmp(again->data, copy, again->len)) {
                fprintf(stderr, "flip %zu: loaded state not canonical\n",
                        bit);
                bad++;
            }
        } else if (!clean_error(err)) {
            bad++;
        } else {
            failed++;
        }
        fuzz_sink_clear(&back);
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* Flips in bools, presence bytes, lengths and UTF-8 must be caught. */
    CU_ASSERT_TRUE(failed > 0);
    fuzz_sink_clear(&s);
}

/* ---- every example device, legacy and visitor loads ---- */

static GByteArray *device_bytes(const ExampleDevice *d, uint64_t seed)
{
    void *state = example_device_state_new(d);
    GByteArray *out = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(out);

    d->randomize(state, &seed);
    d->save_legacy(f, state);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    example_device_state_free(d, state);
    return out;
}

/* The harness input: selector byte for entry @k in @mode, then @bytes. */
static GByteArray *harness_input(size_t k, FuzzMode mode,
                                 const uint8_t *bytes, size_t len)
{
    GByteArray *in = g_byte_array_new();
    uint8_t sel = (uint8_t)(((k + 1) << 3) | (mode << 1));

    g_byte_array_append(in, &sel, 1);
    g_byte_array_append(in, bytes, len);
    return in;
}

/*
 * Loads @bytes into device entry @k in @mode and checks the outcome:
 * returns 1 for a load, 0 for a clean failure, -1 for a broken contract
 * (an unclean error, or a failed legacy/mid load that wrote the state).
 */
static int device_load(size_t k, FuzzMode mode, const uint8_t *bytes,
                       size_t len, int want_code)
{
    g_autoptr(GByteArray) in = harness_input(k, mode, bytes, len);
    g_autoptr(GError) err = NULL;
    FuzzLoaded l;
    int ret;

    if (fuzz_harness_qemu_file_visitor(in->data, in->len, &l, &err)) {
        ret = 1;
    } else if (!clean_error(err) ||
               (mode != FUZZ_MODE_VISIT && !fuzz_loaded_is_pristine(&l)) ||
               (want_code >= 0 && err->code != want_code)) {
        fprintf(stderr, "%s v%u mode %d: %s\n", l.dev->id, l.dev->version,
                mode, err ? err->message : "no error");
        ret = -1;
    } else {
        ret = 0;
    }
    fuzz_loaded_clear(&l);
    return ret;
}

static void device_streams_cut_anywhere_fail_cleanly(void)
{
    size_t n;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t k = 0; k < n; k++) {
        g_autoptr(GByteArray) bytes = device_bytes(all[k], 11 + k);
        size_t bad = 0;

        for (FuzzMode m = FUZZ_MODE_VISIT; m <= FUZZ_MODE_MID; m++) {
            int code = m == FUZZ_MODE_VISIT ? QVISIT_ERROR_TRUNCATED : -1;

            CU_ASSERT_EQUAL(device_load(k, m, bytes->data, bytes->len,
                                        code), 1);
            for (size_t cut = 0; cut < bytes->len; cut++) {
                bad += device_load(k, m, bytes->data, cut, code) != 0;
            }
        }
        CU_ASSERT_EQUAL(bad, 0);
    }
}

static void device_streams_bit_flips_load_or_fail_cleanly(void)
{
    size_t n;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t k = 0; k < n; k++) {
        g_autoptr(GByteArray) bytes = device_bytes(all[k], 21 + k);
        size_t bad = 0;

        for (size_t i = 0; i < bytes->len; i++) {
            g_autofree uint8_t *copy = g_memdup2(bytes->data, bytes->len);

            /* One flip per byte, walking through the bit positions. */
            copy[i] ^= 1u << (i % 8);
            for (FuzzMode m = FUZZ_MODE_VISIT; m <= FUZZ_MODE_MID; m++) {
                bad += device_load(k, m, copy, bytes->len, -1) < 0;
            }
        }
        CU_ASSERT_EQUAL(bad, 0);
    }
}

/* ---- JSON ---- */

static GString *sink_to_json(FuzzSink *s)
{
    GString *out = g_string_new(NULL);
    Visitor *v = json_output_visitor_new(out, true);
    g_autoptr(GError) err = NULL;

    CU_ASSERT_TRUE(fuzz_sink_visit(v, s, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    return out;
}

static bool sink_from_json(const char *text, size_t len, FuzzSink *s,
                           GError **errp)
{
    Visitor *v = json_input_visitor_new(text, len, errp);
    bool ok = v && fuzz_sink_visit(v, s, errp) && visit_complete(v, errp);

    visit_free(v);
    return ok;
}

static void json_truncated_anywhere_is_parse_error(void)
{
    FuzzSink s;
    g_autoptr(GString) json = NULL;
    size_t bad = 0;

    fuzz_sink_example(&s);
    json = sink_to_json(&s);
    for (size_t cut = 0; cut < json->len; cut++) {
        FuzzSink back = { 0 };
        g_autoptr(GError) err = NULL;

        if (sink_from_json(json->str, cut, &back, &err) ||
            !clean_error(err) || err->code != QVISIT_ERROR_PARSE) {
            fprintf(stderr, "cut at %zu: %s\n", cut,
                    err ? err->message : "loaded");
            bad++;
        }
        fuzz_sink_clear(&back);
    }
    CU_ASSERT_EQUAL(bad, 0);
    fuzz_sink_clear(&s);
}

static void json_bit_flips_load_consistently_or_fail_cleanly(void)
{
    FuzzSink s;
    g_autoptr(GString) json = NULL;
    size_t bad = 0;

    fuzz_sink_example(&s);
    json = sink_to_json(&s);
    for (size_t bit = 0; bit < json->len * 8; bit++) {
        g_autofree char *copy = g_strndup(json->str, json->len);
        FuzzSink back = { 0 };
        g_autoptr(GError) err = NULL;

        copy[bit / 8] ^= 1u << (bit % 8);
        if (sink_from_json(copy, json->len, &back, &err)) {
            /* A flip in a digit or a letter of a string loads another
             * value; it must survive a round trip like any state. */
            g_autoptr(GString) again = sink_to_json(&back);
            FuzzSink third = { 0 };
            g_autoptr(GError) err2 = NULL;

            if (!sink_from_json(again->str, again->len, &third, &err2) ||
                !fuzz_sink_equal(&back, &third)) {
                fprintf(stderr, "flip %zu: state changed on reload\n", bit);
                bad++;
            }
            g_clear_error(&err2);
            fuzz_sink_clear(&third);
        } else if (!clean_error(err)) {
            bad++;
        }
        fuzz_sink_clear(&back);
    }
    CU_ASSERT_EQUAL(bad, 0);
    fuzz_sink_clear(&s);
}

/* ---- migration streams of the example VM ---- */

typedef struct StreamCheck {
    ExampleVm *dst;
    QDict *before;      /* the destination's state before any load */
    QDict *want;        /* (nullable) what a successful load must give */
    size_t loaded;      /* flips that loaded */
    size_t bad;         /* broken contracts */
} StreamCheck;

/*
 * A representative VM for the exhaustive stream tests: a UART's registers,
 * a PIT's array of channel structs, and a NIC with a MAC buffer, register
 * arrays and an EEPROM; small enough (5 KB legacy, 10 KB JSON) that every
 * cut and every flip stays fast under valgrind.
 */
static const char *const fault_vm_ids[] = {
    "serial", "pit", "e1000", NULL,
};

static void stream_check_init(StreamCheck *c)
{
    c->dst = example_vm_new_only(EXAMPLE_RELEASE_MAX, 2, fault_vm_ids);
    c->before = example_vm_snapshot(c->dst);
    c->want = NULL;
    c->loaded = c->bad = 0;
}

static void stream_check_finish(StreamCheck *c)
{
    qobject_unref(c->before);
    example_vm_free(c->dst);
}

/*
 * Loads @data into the destination VM. A failure must be one clean error
 * and (when @check_devices) leave every device as it was; a success is
 * undone so the next attempt starts from the same state.
 */
static bool stream_load(StreamCheck *c, const uint8_t *data, size_t len,
                        bool check_devices, const char *what, size_t at)
{
    g_autoptr(GError) err = NULL;

    if (migration_load(c->dst->r, data, len, NULL, &err)) {
        if (c->want) {
            g_autoptr(QDict) got = example_vm_snapshot(c->dst);

            if (!qobject_is_equal(QOBJECT(got), QOBJECT(c->want))) {
                fprintf(stderr, "%s at %zu: loaded another state\n", what,
                        at);
                c->bad++;
            }
        }
        c->loaded++;
        example_vm_randomize(c->dst, 2);
        return true;
    }
    if (!clean_error(err)) {
        fprintf(stderr, "%s at %zu: unclean error\n", what, at);
        c->bad++;
    } else if (check_devices) {
        g_autoptr(QDict) after = example_vm_snapshot(c->dst);

        if (!qobject_is_equal(QOBJECT(after), QOBJECT(c->before))) {
            fprintf(stderr, "%s at %zu: a failed load changed a device "
                    "(%s)\n", what, at, err->message);
            c->bad++;
        }
    }
    return false;
}

static const MigrationFormat all_formats[] = {
    MIGRATION_FORMAT_LEGACY, MIGRATION_FORMAT_BINARY, MIGRATION_FORMAT_JSON,
};

static void migration_streams_cut_anywhere_leave_devices_untouched(void)
{
    ExampleVm *src = example_vm_new_only(EXAMPLE_RELEASE_MAX, 1,
                                         fault_vm_ids);
    g_autoptr(QDict) want = example_vm_snapshot(src);

    for (size_t f = 0; f < G_N_ELEMENTS(all_formats); f++) {
        g_autoptr(GByteArray) s = example_vm_save(src, all_formats[f]);
        const char *name = migration_format_name(all_formats[f]);
        StreamCheck c;

        stream_check_init(&c);
        c.want = want;
        CU_ASSERT_TRUE(stream_load(&c, s->data, s->len, true, name, 0));
        for (size_t cut = 0; cut < s->len; cut++) {
            /* Some cuts leave a whole stream (the legacy EOF before the
             * optional vmdesc, JSON before its final newline): those load
             * the source's state (checked in stream_load()). Check the
             * devices after every 16th failure only: the loader has one
             * path for all of them, and valgrind runs stay short. */
            stream_load(&c, s->data, cut, cut % 16 == 0, name, cut);
        }
        CU_ASSERT_EQUAL(c.bad, 0);
        stream_check_finish(&c);
    }
    example_vm_free(src);
}

static void migration_streams_bit_flips_fail_cleanly(void)
{
    ExampleVm *src = example_vm_new_only(EXAMPLE_RELEASE_MAX, 1,
                                         fault_vm_ids);

    for (size_t f = 0; f < G_N_ELEMENTS(all_formats); f++) {
        MigrationFormat fmt = all_formats[f];
        g_autoptr(GByteArray) s = example_vm_save(src, fmt);
        const char *name = migration_format_name(fmt);
        /* The self-describing format's CRCs must catch every bit. */
        unsigned bits = fmt == MIGRATION_FORMAT_BINARY ? 8 : 1;
        StreamCheck c;

        stream_check_init(&c);
        for (size_t i = 0; i < s->len; i++) {
            for (unsigned b = 0; b < bits; b++) {
                unsigned bit = bits == 8 ? b : i % 8;

                s->data[i] ^= 1u << bit;
                if (stream_load(&c, s->data, s->len, i % 16 == 0 && !b,
                                name, i * 8 + bit) &&
                    fmt == MIGRATION_FORMAT_BINARY) {
                    fprintf(stderr, "binary: flip of bit %u at byte %zu "
                            "loaded\n", bit, i);
                    c.bad++;
                }
                s->data[i] ^= 1u << bit;
            }
        }
        CU_ASSERT_EQUAL(c.bad, 0);
        stream_check_finish(&c);
    }
    example_vm_free(src);
}

/* ---- compat transforms failing halfway ---- */

/* A step that wrecks the state and then fails, as a buggy one might. */
static bool wreck_and_fail(QDict *state, void *opaque, GError **errp)
{
    (void)opaque;
    while (qdict_first(state)) {
        qdict_del(state, qdict_entry_key(qdict_first(state)));
    }
    qdict_put_str(state, "wrecked", "yes");
    g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "injected failure");
    return false;
}

static QDict *device_state_tree(const ExampleDevice *d, uint64_t seed)
{
    void *state = example_device_state_new(d);
    QObject *tree = NULL;
    Visitor *v = qobject_output_visitor_new(&tree);
    g_autoptr(GError) err = NULL;

    d->randomize(state, &seed);
    CU_ASSERT_TRUE(d->visit(v, state, &err) && visit_complete(v, &err));
    ASSERT_NO_ERROR(err);
    visit_free(v);
    example_device_state_free(d, state);
    return qobject_to(QDict, tree);
}

/*
 * For every pair of versions of every device that has a chain of at least
 * two steps: replace the chain's last step by one that wrecks the state
 * and fails. The conversion must fail naming that step and leave the
 * state exactly as it was, although the real steps before it ran.
 */
static void compat_chain_failing_last_step_leaves_state_unchanged(void)
{
    size_t n, tried = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            const ExampleDevice *from = all[i], *to = all[j];
            g_autoptr(CompatRegistry) r = compat_registry_new();
            g_autoptr(QDict) state = NULL;
            g_autoptr(QObject) before = NULL;
            g_autoptr(GError) err = NULL;
            g_autofree uint32_t *chain = NULL;
            g_autofree char *want = NULL;
            size_t len = 0;
            uint32_t a, b;

            if (strcmp(from->id, to->id) || from == to) {
                continue;
            }
            CU_ASSERT_TRUE(example_compat_register(r, &err));
            ASSERT_NO_ERROR(err);
            chain = compat_find_chain(r, from->id, from->version,
                                      to->version, &len, NULL);
            if (!chain || len < 3) {
                continue;
            }
            a = chain[len - 2];
            b = chain[len - 1];
            CU_ASSERT_TRUE(compat_unregister(r, from->id, a, b, &err) &&
                           compat_register(r, from->id, a, b,
                                           wreck_and_fail, NULL, &err));
            ASSERT_NO_ERROR(err);
            state = device_state_tree(from, 77 + i);
            before = qobject_clone(QOBJECT(state));
            CU_ASSERT_FALSE(compat_convert(r, from->id, state,
                                           from->version, to->version,
                                           &err));
            want = g_strdup_printf("%s v%u→v%u: injected failure",
                                   from->id, a, b);
            ASSERT_ERROR(err, QVISIT_ERROR_INVALID, want);
            ASSERT_QOBJECT_EQUAL(QOBJECT(state), before);
            tried++;
        }
    }
    /* The example histories have v1→v3 and v3→v1 chains at least. */
    CU_ASSERT_TRUE(tried >= 2);
}

/* Machine steps: a real split, then a step that wrecks and fails. */
static bool split_serial(QDict *machine, void *opaque, GError **errp)
{
    static const char *const regs[] = { "dll", "dlm", NULL };

    (void)opaque;
    return compat_machine_split(machine, "serial", "serial-regs", regs,
                                "serial-rest", errp);
}

static void compat_machine_failing_step_leaves_machine_unchanged(void)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(QDict) machine = qdict_new();
    g_autoptr(QObject) before = NULL;
    g_autoptr(GError) err = NULL;

    qdict_put_obj(machine, "serial", QOBJECT(device_state_tree(
                      example_device_find("serial", 3), 5)));
    qdict_put_obj(machine, "pit", QOBJECT(device_state_tree(
                      example_device_find("pit", 1), 6)));
    before = qobject_clone(QOBJECT(machine));
    CU_ASSERT_TRUE(compat_register_machine(r, 1, 2, split_serial, NULL,
                                           &err) &&
                   compat_register_machine(r, 2, 3, wreck_and_fail, NULL,
                                           &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(compat_convert_machine(r, machine, 1, 3, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID,
                 "machine v2→v3: injected failure");
    ASSERT_QOBJECT_EQUAL(QOBJECT(machine), before);
}

static const TestCase tests[] = {
    { "binary_walk_truncated_anywhere_is_truncated_error",
      binary_walk_truncated_anywhere_is_truncated_error },
    { "binary_walk_bit_flips_load_consistently_or_fail_cleanly",
      binary_walk_bit_flips_load_consistently_or_fail_cleanly },
    { "device_streams_cut_anywhere_fail_cleanly",
      device_streams_cut_anywhere_fail_cleanly },
    { "device_streams_bit_flips_load_or_fail_cleanly",
      device_streams_bit_flips_load_or_fail_cleanly },
    { "json_truncated_anywhere_is_parse_error",
      json_truncated_anywhere_is_parse_error },
    { "json_bit_flips_load_consistently_or_fail_cleanly",
      json_bit_flips_load_consistently_or_fail_cleanly },
    { "migration_streams_cut_anywhere_leave_devices_untouched",
      migration_streams_cut_anywhere_leave_devices_untouched },
    { "migration_streams_bit_flips_fail_cleanly",
      migration_streams_bit_flips_fail_cleanly },
    { "compat_chain_failing_last_step_leaves_state_unchanged",
      compat_chain_failing_last_step_leaves_state_unchanged },
    { "compat_machine_failing_step_leaves_machine_unchanged",
      compat_machine_failing_step_leaves_machine_unchanged },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("faults", tests);
}
