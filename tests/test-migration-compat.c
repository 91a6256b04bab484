/*
 * The migration core with compat transforms: every release of the example
 * VM migrates to every other in every format, and equals the source state
 * converted by the transforms; a failing transform or filter writes no
 * device; filters run on save and load.
 */
#include "tests/test-util.h"

#include <string.h>

#include "examples/devices/example-compat.h"
#include "examples/devices/example-devices.h"


typedef struct VM {
    MigrationRegistry *r;
    CompatRegistry *compat;
    size_t n;
    const ExampleDevice *const *devs;
    void **states;
} VM;

static void vm_init(VM *vm, unsigned release, uint64_t seed)
{
    GError *err = NULL;

    vm->devs = example_release_devices(release, &vm->n);
    vm->states = g_new0(void *, vm->n);
    vm->r = migration_registry_new();
    vm->compat = compat_registry_new();
    CU_ASSERT_TRUE(example_compat_register(vm->compat, &err));
    ASSERT_NO_ERROR(err);
    migration_set_compat(vm->r, vm->compat);
    for (size_t i = 0; i < vm->n; i++) {
        const ExampleDevice *d = vm->devs[i];
        MigrationDeviceInfo info = {
            .id = d->id, .version = d->version, .minimum_version = 1,
            .visit = d->visit, .state_size = d->state_size,
            .clear = d->clear,
        };

        vm->states[i] = example_device_state_new(d);
        if (seed) {
            d->randomize(vm->states[i], &seed);
        }
        migration_register(vm->r, &info, vm->states[i], NULL);
    }
}

static void vm_clear(VM *vm)
{
    for (size_t i = 0; i < vm->n; i++) {
        example_device_state_free(vm->devs[i], vm->states[i]);
    }
    g_free(vm->states);
    migration_registry_free(vm->r);
    compat_registry_free(vm->compat);
}

static void every_release_pair_in_every_format_equals_the_transforms(void)
{
    for (unsigned from = 1; from <= EXAMPLE_RELEASE_MAX; from++) {
        for (unsigned to = 1; to <= EXAMPLE_RELEASE_MAX; to++) {
            for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
                 f <= MIGRATION_FORMAT_JSON; f++) {
                VM src, dst;
                g_autoptr(GByteArray) out = g_byte_array_new();
                g_autoptr(QDict) want = NULL;
                g_autoptr(QDict) got = NULL;
                g_autoptr(MigrationReport) rep = NULL;
                GError *err = NULL;

                vm_init(&src, from, 1000 + from);
                vm_init(&dst, to, 0);
                CU_ASSERT_TRUE(migration_save(src.r, f, out, NULL, &err));
                CU_ASSERT_TRUE(migration_load(dst.r, out->data, out->len,
                                              &rep, &err));
                ASSERT_NO_ERROR(err);
                want = migration_snapshot(src.r, NULL);
                for (size_t i = 0; i < src.n; i++) {
                    QDict *st = qobject_to(QDict,
                                           qdict_get(want, src.devs[i]->id));

                    CU_ASSERT_TRUE(compat_convert(src.compat,
                                                  src.devs[i]->id, st,
                                                  src.devs[i]->version,
                                                  dst.devs[i]->version,
                                                  &err));
                    ASSERT_NO_ERROR(err);
                    CU_ASSERT_EQUAL(rep->devices[i].stream_version,
                                    src.devs[i]->version);
                    CU_ASSERT_EQUAL(rep->devices[i].local_version,
                                    dst.devs[i]->version);
                }
                got = migration_snapshot(dst.r, NULL);
                ASSERT_QOBJECT_EQUAL(QOBJECT(got), QOBJECT(want));
                vm_clear(&src);
                vm_clear(&dst);
            }
        }
    }
}

static bool fail_step(QDict *state, void *opaque, GError **errp)
{
    (void)state;
    (void)opaque;
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID, "refused");
    return false;
}

/* ps2kbd is the last device: a transform that fails there leaves even
 * the first devices (already converted) unwritten. */
static void failing_transform_in_last_device_writes_nothing(void)
{
    VM src, dst;
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(QDict) before = NULL;
    g_autoptr(QDict) after = NULL;
    MigrationDeviceInfo newer;
    GError *err = NULL;
    size_t last;

    vm_init(&src, 3, 5);
    vm_init(&dst, 2, 6);
    last = src.n - 1;
    /* The last device's stream says v9; the only way down fails. */
    newer = (MigrationDeviceInfo){
        .id = src.devs[last]->id, .instance_id = 0, .version = 9,
        .visit = src.devs[last]->visit,
    };
    {
        g_autoptr(MigrationRegistry) r9 = migration_registry_new();

        for (size_t i = 0; i < last; i++) {
            const ExampleDevice *d = src.devs[i];
            MigrationDeviceInfo info = {
                .id = d->id, .version = d->version, .visit = d->visit,
            };

            migration_register(r9, &info, src.states[i], NULL);
        }
        migration_register(r9, &newer, src.states[last], NULL);
        CU_ASSERT_TRUE(migration_save(r9, MIGRATION_FORMAT_BINARY, out, NULL,
                                      &err));
    }
    compat_register(dst.compat, src.devs[last]->id, 9,
                    dst.devs[last]->version, fail_step, NULL, NULL);
    before = migration_snapshot(dst.r, NULL);
    CU_ASSERT_FALSE(migration_load(dst.r, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, "ps2kbd v9\u2192v1: refused");
    after = migration_snapshot(dst.r, NULL);
    ASSERT_QOBJECT_EQUAL(QOBJECT(after), QOBJECT(before));
    vm_clear(&src);
    vm_clear(&dst);
}

static bool set_pit_marker(QDict *state, void *opaque, GError **errp)
{
    (void)opaque;
    (void)errp;
    qdict_put_int(state, "marker", 1);
    return true;
}

static bool drop_pit_marker(QDict *state, void *opaque, GError **errp)
{
    (void)opaque;
    if (!qdict_haskey(state, "marker")) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                    "marker missing");
        return false;
    }
    qdict_del(state, "marker");
    return true;
}

/* An output filter adds a member the walk does not know; the input filter
 * on the other side must remove it, else the load fails with the path. */
static void filters_run_on_save_and_load(void)
{
    VM src, dst;
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationStream) s = NULL;
    GError *err = NULL;

    vm_init(&src, 3, 8);
    vm_init(&dst, 3, 0);
    compat_register_filter(src.compat, "pit", COMPAT_FILTER_OUTPUT,
                           set_pit_marker, NULL);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_BINARY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    s = migration_stream_decode(out->data, out->len, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_TRUE(qdict_haskey(migration_stream_get_section(s, 1)->state,
                                "marker"));
    CU_ASSERT_FALSE(migration_load(dst.r, out->data, out->len, NULL, &err));
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_UNEXPECTED, "pit");
    compat_register_filter(dst.compat, "pit", COMPAT_FILTER_INPUT,
                           drop_pit_marker, NULL);
    CU_ASSERT_TRUE(migration_load(dst.r, out->data, out->len, NULL, &err));
    ASSERT_NO_ERROR(err);
    for (size_t i = 0; i < src.n; i++) {
        CU_ASSERT_TRUE(src.devs[i]->equal(src.states[i], dst.states[i]));
    }
    vm_clear(&src);
    vm_clear(&dst);
}

static void missing_chain_is_a_version_error(void)
{
    VM src, dst;
    g_autoptr(GByteArray) out = g_byte_array_new();
    GError *err = NULL;

    vm_init(&src, 3, 9);
    vm_init(&dst, 1, 0);
    compat_registry_free(dst.compat);
    dst.compat = compat_registry_new();
    migration_set_compat(dst.r, dst.compat);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_JSON, out, NULL,
                                  &err));
    CU_ASSERT_FALSE(migration_load(dst.r, out->data, out->len, NULL, &err));
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_VERSION, "serial");
    vm_clear(&src);
    vm_clear(&dst);
}

static bool rename_pit(QDict *machine, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_machine_rename(machine, "pit", "timer", errp);
}

static bool refuse_machine(QDict *machine, void *opaque, GError **errp)
{
    (void)machine;
    (void)opaque;
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID, "no");
    return false;
}

/* Release 3 calls the PIT "pit"; an older machine called it "timer". */
static void machine_steps_run_before_device_steps(void)
{
    VM src, dst;
    const ExampleDevice *pit = example_device_find("pit", 1);
    g_autofree void *timer = example_device_state_new(pit);
    MigrationDeviceInfo info = {
        .id = "timer", .version = 1, .visit = pit->visit,
        .state_size = pit->state_size, .clear = pit->clear,
    };
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    GError *err = NULL;

    vm_init(&src, 3, 21);
    vm_init(&dst, 2, 0);
    migration_set_machine_version(src.r, 3);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  &err));
    /* The destination: release 2's devices, with "timer" for "pit". */
    migration_set_compat(r, dst.compat);
    migration_set_machine_version(r, 1);
    for (size_t i = 0; i < dst.n; i++) {
        const ExampleDevice *d = dst.devs[i];
        MigrationDeviceInfo di = {
            .id = d->id, .version = d->version, .minimum_version = 1,
            .visit = d->visit, .state_size = d->state_size,
            .clear = d->clear,
        };

        if (strcmp(d->id, "pit")) {
            migration_register(r, &di, dst.states[i], NULL);
        }
    }
    migration_register(r, &info, timer, NULL);
    CU_ASSERT_TRUE(compat_register_machine(dst.compat, 3, 1, refuse_machine,
                                           NULL, NULL));
    CU_ASSERT_FALSE(migration_load(r, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_INVALID, "machine v3\u2192v1: no");
    CU_ASSERT_TRUE(pit->equal(timer, dst.states[1]));   /* both zero */
    CU_ASSERT_TRUE(compat_unregister(dst.compat, COMPAT_MACHINE, 3, 1,
                                     NULL));
    CU_ASSERT_TRUE(compat_register_machine(dst.compat, 3, 1, rename_pit,
                                           NULL, NULL));
    CU_ASSERT_TRUE(migration_load(r, out->data, out->len, NULL, &err));
    ASSERT_NO_ERROR(err);
    /* src.devs[1] is the pit; serial and e1000 went v3 -> v2 as well. */
    CU_ASSERT_TRUE(pit->equal(timer, src.states[1]));
    {
        g_autoptr(QDict) got = migration_snapshot(r, NULL);
        g_autoptr(QDict) want = migration_snapshot(src.r, NULL);

        CU_ASSERT_TRUE(compat_convert(dst.compat, "serial",
                                      qobject_to(QDict, qdict_get(want,
                                                                  "serial")),
                                      3, 2, NULL));
        ASSERT_QOBJECT_EQUAL(qdict_get(got, "serial"),
                             qdict_get(want, "serial"));
        ASSERT_QOBJECT_EQUAL(qdict_get(got, "timer"), qdict_get(want, "pit"));
    }
    pit->clear(timer);
    vm_clear(&src);
    vm_clear(&dst);
}

/* --- The legacy compat path: only the vmdesc entries it needs ---------- */

/* The vmdesc text of a legacy stream: where it starts. */
static size_t vmdesc_text_at(const GByteArray *bytes)
{
    size_t v;

    for (v = bytes->len - 5; bytes->data[v] != 0x06; v--) {
    }
    return v + 5;
}

/* @bytes with its vmdesc text replaced by @text. */
static GByteArray *with_vmdesc(const GByteArray *bytes, const char *text)
{
    size_t at = vmdesc_text_at(bytes);
    size_t len = strlen(text);
    GByteArray *out = g_byte_array_new();
    uint8_t be[4] = { len >> 24, len >> 16, len >> 8, len };

    g_byte_array_append(out, bytes->data, at - 4);
    g_byte_array_append(out, be, 4);
    g_byte_array_append(out, (const uint8_t *)text, len);
    return out;
}

static GString *vmdesc_of(const GByteArray *bytes)
{
    size_t at = vmdesc_text_at(bytes);

    return g_string_new_len((const char *)bytes->data + at,
                            bytes->len - at);
}

/* The release 3 VM's state as a release 2 destination must load it. */
static QDict *converted(VM *src, VM *dst)
{
    QDict *want = migration_snapshot(src->r, NULL);

    for (size_t i = 0; i < src->n; i++) {
        CU_ASSERT_TRUE(compat_convert(src->compat, src->devs[i]->id,
                                      qobject_to(QDict,
                                                 qdict_get(want,
                                                           src->devs[i]->id)),
                                      src->devs[i]->version,
                                      dst->devs[i]->version, NULL));
    }
    return want;
}

/*
 * Release 3 -> 2 in the legacy format: serial and e1000 need trees, so
 * their payloads are decoded through their vmdesc entries; the other
 * sections are read by the devices' walks. An entry the load does not
 * need is not parsed: garbage there (virtio-net-queues', after e1000's)
 * fails the whole-stream decode, not the load.
 */
static void legacy_compat_load_parses_only_the_entries_it_needs(void)
{
    VM src, dst;
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GByteArray) bad = NULL;
    g_autoptr(GString) text = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autoptr(MigrationReport) rep = NULL;
    g_autoptr(QDict) want = NULL;
    g_autoptr(QDict) got = NULL;
    GError *err = NULL;
    char *entry;

    vm_init(&src, 3, 31);
    vm_init(&dst, 2, 0);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    text = vmdesc_of(out);
    entry = strstr(text->str, "{\"name\": \"virtio-net-queues\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(entry);
    CU_ASSERT_PTR_NOT_NULL(strstr(text->str, "{\"name\": \"e1000\""));
    CU_ASSERT_TRUE(strstr(text->str, "{\"name\": \"e1000\"") < entry);
    /* {"name": "virtio-net-queues", "instance_id" ... loses a quote. */
    entry[1] = '?';
    bad = with_vmdesc(out, text->str);
    s = migration_stream_decode(bad->data, bad->len, NULL, &err);
    CU_ASSERT_PTR_NULL(s);
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_PARSE, "vmdesc: invalid JSON");
    g_clear_error(&err);

    CU_ASSERT_TRUE(migration_load(dst.r, bad->data, bad->len, &rep, &err));
    ASSERT_NO_ERROR(err);
    want = converted(&src, &dst);
    got = migration_snapshot(dst.r, NULL);
    ASSERT_QOBJECT_EQUAL(QOBJECT(got), QOBJECT(want));
    CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
    CU_ASSERT_EQUAL_FATAL(rep->n_devices, src.n);
    for (size_t i = 0; i < src.n; i++) {
        CU_ASSERT_STRING_EQUAL(rep->devices[i].id, src.devs[i]->id);
        CU_ASSERT_EQUAL(rep->devices[i].stream_version,
                        src.devs[i]->version);
        CU_ASSERT_EQUAL(rep->devices[i].local_version,
                        dst.devs[i]->version);
    }
    /* The section sizes are the stream's (legacy: FULL header, payload,
     * footer), as the whole decode gives them. */
    g_clear_pointer(&s, migration_stream_free);
    s = migration_stream_decode(out->data, out->len, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    for (size_t i = 0; i < src.n; i++) {
        CU_ASSERT_EQUAL(rep->devices[i].bytes,
                        migration_stream_get_section(s, i)->size);
    }
    vm_clear(&src);
    vm_clear(&dst);
}

/*
 * Vmdesc texts the entry scan must read as the JSON parser does, or
 * leave to it: each is the stream's own vmdesc rewritten, and the load
 * must end as the whole-stream decode says (loaded, or its error).
 */
static void legacy_compat_load_reads_vmdesc_entries_as_the_parser(void)
{
    static const struct {
        const char *what;
        const char *find;       /* first occurrence replaced */
        const char *replace;
        bool loads;
        const char *end;        /* nullable: replaces the final '}' */
    } cases[] = {
        /* Not the layout QEMU writes: the scan leaves it to the parser. */
        { "devices before page_size", "{\"page_size\": 4096, ",
          "{\"x\": [1, {\"]\": \"[\"}], ", true,
          ", \"page_size\": 4096}" },
        { "an escaped name", "\"name\": \"serial\"",
          "\"name\": \"ser\\u0069al\"", true, NULL },
        { "an instance id as a double", "\"instance_id\": 0",
          "\"instance_id\": 0.0", false, NULL },
        /* Strings holding brackets, quotes and escapes before the entry
         * wanted: passed over, not taken for structure. */
        { "brackets in strings", "\"devices\": [",
          "\"devices\": [{\"name\": \"x]}\\\"{\", \"instance_id\": 0, "
          "\"fields\": [{\"name\": \"a\\\\\", \"q\": \"}]\"}, [[{}]]]}, ", true, NULL },
        /* A second entry for serial, first: the first one decodes. */
        { "a repeated entry, the first wrong", "\"devices\": [",
          "\"devices\": [{\"name\": \"serial\", \"instance_id\": 0, "
          "\"fields\": [{\"name\": \"dll\", \"type\": \"uint32\", "
          "\"size\": 4}]}, ", false, NULL },
        { "a repeated entry, the first right", "\"devices\": [",
          NULL, true, NULL },
        { "an entry without instance_id", "\"name\": \"pit\", "
          "\"instance_id\": 0", "\"name\": \"pit\"", false, NULL },
        { "page_size not a power of two", "\"page_size\": 4096",
          "\"page_size\": 4095", false, NULL },
        { "unpaired brackets in an entry passed over",
          "\"name\": \"pit\", \"instance_id\": 0, \"vmsd_name\": \"pit\", "
          "\"version\": 1, \"fields\": [",
          "\"name\": \"pit\", \"instance_id\": 0, \"vmsd_name\": \"pit\", "
          "\"version\": 1, \"fields\": [}, ", false, NULL },
    };
    VM src;
    g_autoptr(GByteArray) out = g_byte_array_new();
    GError *err = NULL;

    vm_init(&src, 3, 32);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GString) text = vmdesc_of(out);
        g_autoptr(GByteArray) bytes = NULL;
        g_autoptr(MigrationStream) s = NULL;
        g_autoptr(QDict) before = NULL;
        g_autoptr(QDict) got = NULL;
        GError *decode_err = NULL;
        VM dst;
        bool ok;


        vm_init(&dst, 2, 0);
        if (cases[i].replace) {
            CU_ASSERT_EQUAL(g_string_replace(text, cases[i].find,
                                             cases[i].replace, 1), 1);
            if (cases[i].end) {
                g_string_truncate(text, text->len - 1);
                g_string_append(text, cases[i].end);
            }
        } else {
            /* The serial entry, twice. */
            const char *e = strstr(text->str, "{\"name\": \"serial\"");
            const char *end = strstr(e, "{\"name\": \"pit\"");
            g_autofree char *copy = g_strndup(e, end - e);

            g_string_insert(text, e - text->str, copy);
        }
        bytes = with_vmdesc(out, text->str);
        s = migration_stream_decode(bytes->data, bytes->len, NULL,
                                    &decode_err);
        before = migration_snapshot(dst.r, NULL);
        ok = migration_load(dst.r, bytes->data, bytes->len, NULL, &err);
        if (ok != cases[i].loads) {
            fprintf(stderr, "case '%s': load %s\n", cases[i].what,
                    ok ? "succeeded" : err->message);
        }
        CU_ASSERT_EQUAL(ok, cases[i].loads);
        got = migration_snapshot(dst.r, NULL);
        if (ok) {
            g_autoptr(QDict) want = converted(&src, &dst);

            ASSERT_QOBJECT_EQUAL(QOBJECT(got), QOBJECT(want));
        } else {
            /* The decode's error, code and message, and nothing written. */
            CU_ASSERT_PTR_NULL(s);
            CU_ASSERT_PTR_NOT_NULL_FATAL(decode_err);
            ASSERT_ERROR(err, decode_err->code, decode_err->message);
            ASSERT_QOBJECT_EQUAL(QOBJECT(got), QOBJECT(before));
        }
        g_clear_error(&decode_err);
        g_clear_error(&err);
        vm_clear(&dst);
    }
    vm_clear(&src);
}

/*
 * Once a section went through its vmdesc entry, a failure later in the
 * stream is the whole-stream decode's, with its message: a footer that
 * names another section, after the pit (read directly, after serial's
 * tree), and a payload cut short.
 */
static void legacy_compat_load_failures_are_the_decodes(void)
{
    VM src;
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationStream) s = NULL;
    GError *err = NULL;
    size_t pit_end = 0;

    vm_init(&src, 3, 33);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    s = migration_stream_decode(out->data, out->len, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    /* Header (8), configuration (5 + "qvisit"), serial's, pit's. */
    pit_end = 8 + 5 + 6 + migration_stream_get_section(s, 0)->size +
              migration_stream_get_section(s, 1)->size;
    CU_ASSERT_EQUAL_FATAL(out->data[pit_end - 5], 0x7e);
    CU_ASSERT_EQUAL_FATAL(out->data[pit_end - 1], 1);
    for (int c = 0; c < 2; c++) {
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        g_autoptr(MigrationStream) ds = NULL;
        g_autoptr(QDict) before = NULL;
        g_autoptr(QDict) got = NULL;
        GError *decode_err = NULL;
        VM dst;

        g_byte_array_append(bytes, out->data, out->len);
        if (c == 0) {
            bytes->data[pit_end - 1] = 7;
        } else {
            /* The e1000 payload loses its last byte (the footer moves). */
            size_t e1000_end = pit_end +
                migration_stream_get_section(s, 2)->size +
                migration_stream_get_section(s, 3)->size;

            g_byte_array_remove_index(bytes, e1000_end - 6);
        }
        vm_init(&dst, 2, 0);
        before = migration_snapshot(dst.r, NULL);
        ds = migration_stream_decode(bytes->data, bytes->len, NULL,
                                     &decode_err);
        CU_ASSERT_PTR_NULL(ds);
        CU_ASSERT_PTR_NOT_NULL_FATAL(decode_err);
        CU_ASSERT_FALSE(migration_load(dst.r, bytes->data, bytes->len, NULL,
                                       &err));
        ASSERT_ERROR(err, decode_err->code, decode_err->message);
        got = migration_snapshot(dst.r, NULL);
        ASSERT_QOBJECT_EQUAL(QOBJECT(got), QOBJECT(before));
        g_clear_error(&decode_err);
        g_clear_error(&err);
        vm_clear(&dst);
    }
    vm_clear(&src);
}

/*
 * A destination keeps each vmdesc entry it parsed for the next load, by
 * its exact text: a stream whose serial entry differs (a field renamed,
 * so the tree is another) is decoded through its own entry, never the
 * one kept, and ends as on a fresh destination; the first stream then
 * loads again.
 */
static void legacy_compat_load_reuses_an_entry_only_for_its_text(void)
{
    VM src, dst, fresh;
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GByteArray) renamed = NULL;
    g_autoptr(GString) text = NULL;
    g_autoptr(QDict) want = NULL;
    g_autoptr(QDict) got = NULL;
    GError *want_err = NULL;
    GError *err = NULL;

    vm_init(&src, 3, 35);
    vm_init(&dst, 2, 0);
    vm_init(&fresh, 2, 0);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    text = vmdesc_of(out);
    CU_ASSERT_EQUAL(g_string_replace(text, "{\"name\": \"scr\"",
                                     "{\"name\": \"scx\"", 1), 1);
    renamed = with_vmdesc(out, text->str);
    CU_ASSERT_FALSE(migration_load(fresh.r, renamed->data, renamed->len,
                                   NULL, &want_err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(want_err);

    for (int round = 0; round < 2; round++) {
        CU_ASSERT_TRUE(migration_load(dst.r, out->data, out->len, NULL,
                                      &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_FALSE(migration_load(dst.r, renamed->data, renamed->len,
                                       NULL, &err));
        ASSERT_ERROR(err, want_err->code, want_err->message);
        g_clear_error(&err);
    }
    CU_ASSERT_TRUE(migration_load(dst.r, out->data, out->len, NULL, &err));
    ASSERT_NO_ERROR(err);
    want = converted(&src, &dst);
    got = migration_snapshot(dst.r, NULL);
    ASSERT_QOBJECT_EQUAL(QOBJECT(got), QOBJECT(want));
    g_clear_error(&want_err);
    vm_clear(&src);
    vm_clear(&dst);
    vm_clear(&fresh);
}

/*
 * A section the destination does not know, skipped, in a legacy stream
 * that also needs trees: its payload is passed over through its vmdesc
 * entry, and the report lists it as skipped with its size.
 */
static void legacy_compat_load_skips_unknown_sections(void)
{
    VM src, dst;
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(MigrationReport) rep = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    g_autoptr(QDict) want = NULL;
    g_autoptr(QDict) got = NULL;
    GError *err = NULL;

    vm_init(&src, 3, 34);
    vm_init(&dst, 2, 0);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  &err));
    ASSERT_NO_ERROR(err);
    /* This destination lacks the pit, the second section. */
    migration_set_compat(r, dst.compat);
    for (size_t i = 0; i < dst.n; i++) {
        const ExampleDevice *d = dst.devs[i];
        MigrationDeviceInfo info = {
            .id = d->id, .version = d->version, .minimum_version = 1,
            .visit = d->visit, .state_size = d->state_size,
            .clear = d->clear,
        };

        if (strcmp(d->id, "pit")) {
            CU_ASSERT_TRUE(migration_register(r, &info, dst.states[i],
                                              &err));
        }
    }
    CU_ASSERT_FALSE(migration_load(r, out->data, out->len, NULL, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "pit: unknown device (section 1, instance 0)");
    migration_set_skip_unknown(r, true);
    CU_ASSERT_TRUE(migration_load(r, out->data, out->len, &rep, &err));
    ASSERT_NO_ERROR(err);
    s = migration_stream_decode(out->data, out->len, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
    CU_ASSERT_EQUAL_FATAL(rep->n_devices, src.n);
    CU_ASSERT_STRING_EQUAL(rep->devices[1].id, "pit");
    CU_ASSERT_TRUE(rep->devices[1].skipped);
    CU_ASSERT_EQUAL(rep->devices[1].bytes,
                    migration_stream_get_section(s, 1)->size);
    want = converted(&src, &dst);
    qdict_del(want, "pit");
    got = migration_snapshot(r, NULL);
    ASSERT_QOBJECT_EQUAL(QOBJECT(got), QOBJECT(want));
    vm_clear(&src);
    vm_clear(&dst);
}

static const TestCase tests[] = {
    { "every_release_pair_in_every_format_equals_the_transforms",
      every_release_pair_in_every_format_equals_the_transforms },
    { "failing_transform_in_last_device_writes_nothing",
      failing_transform_in_last_device_writes_nothing },
    { "filters_run_on_save_and_load", filters_run_on_save_and_load },
    { "missing_chain_is_a_version_error", missing_chain_is_a_version_error },
    { "machine_steps_run_before_device_steps",
      machine_steps_run_before_device_steps },
    { "legacy_compat_load_parses_only_the_entries_it_needs",
      legacy_compat_load_parses_only_the_entries_it_needs },
    { "legacy_compat_load_reads_vmdesc_entries_as_the_parser",
      legacy_compat_load_reads_vmdesc_entries_as_the_parser },
    { "legacy_compat_load_failures_are_the_decodes",
      legacy_compat_load_failures_are_the_decodes },
    { "legacy_compat_load_reuses_an_entry_only_for_its_text",
      legacy_compat_load_reuses_an_entry_only_for_its_text },
    { "legacy_compat_load_skips_unknown_sections",
      legacy_compat_load_skips_unknown_sections },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("migration-compat", tests);
}

