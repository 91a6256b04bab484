/*
 * The migration core on the example devices: every release saved in every
 * format loads back equal, and `qvisit convert --to legacy` rebuilds the
 * legacy stream from any format with the built-in layouts.
 */
#include "tests/test-util.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "examples/devices/example-devices.h"

typedef struct VM {
    MigrationRegistry *r;
    size_t n;
    const ExampleDevice *const *devs;
    void **states;
} VM;

static void vm_init(VM *vm, unsigned release, uint64_t seed)
{
    vm->devs = example_release_devices(release, &vm->n);
    vm->states = g_new0(void *, vm->n);
    vm->r = migration_registry_new();
    for (size_t i = 0; i < vm->n; i++) {
        const ExampleDevice *d = vm->devs[i];
        MigrationDeviceInfo info = {
            .id = d->id, .version = d->version,
            .minimum_version = d->minimum_version, .visit = d->visit,
            .state_size = d->state_size, .clear = d->clear,
        };
        GError *err = NULL;

        vm->states[i] = example_device_state_new(d);
        if (seed) {
            d->randomize(vm->states[i], &seed);
        }
        CU_ASSERT_TRUE(migration_register(vm->r, &info, vm->states[i],
                                          &err));
        ASSERT_NO_ERROR(err);
    }
}

static void vm_clear(VM *vm)
{
    for (size_t i = 0; i < vm->n; i++) {
        example_device_state_free(vm->devs[i], vm->states[i]);
    }
    g_free(vm->states);
    migration_registry_free(vm->r);
}

static bool vm_equal(const VM *a, const VM *b)
{
    bool eq = a->n == b->n;

    for (size_t i = 0; eq && i < a->n; i++) {
        eq = a->devs[i]->equal(a->states[i], b->states[i]);
    }
    return eq;
}

static void every_release_round_trips_in_every_format(void)
{
    for (unsigned rel = 1; rel <= EXAMPLE_RELEASE_MAX; rel++) {
        for (MigrationFormat f = MIGRATION_FORMAT_LEGACY;
             f <= MIGRATION_FORMAT_JSON; f++) {
            for (uint64_t seed = 1; seed <= 5; seed++) {
                VM src, dst;
                g_autoptr(GByteArray) out = g_byte_array_new();
                GError *err = NULL;

                vm_init(&src, rel, seed * 7919);
                vm_init(&dst, rel, 0);
                CU_ASSERT_TRUE(migration_save(src.r, f, out, NULL, &err));
                ASSERT_NO_ERROR(err);
                CU_ASSERT_TRUE(migration_load(dst.r, out->data, out->len,
                                              NULL, &err));
                ASSERT_NO_ERROR(err);
                CU_ASSERT_TRUE(vm_equal(&src, &dst));
                vm_clear(&src);
                vm_clear(&dst);
            }
        }
    }
}

/* The legacy payload is byte for byte what the devices' hand-written
 * legacy save code writes. */
static void legacy_payload_equals_the_legacy_save_code(void)
{
    VM vm;
    g_autoptr(GByteArray) out = g_byte_array_new();
    size_t pos = 19;    /* after the header and configuration */

    vm_init(&vm, EXAMPLE_RELEASE_MAX, 99);
    CU_ASSERT_TRUE(migration_save(vm.r, MIGRATION_FORMAT_LEGACY, out, NULL,
                                  NULL));
    for (size_t i = 0; i < vm.n; i++) {
        const ExampleDevice *d = vm.devs[i];
        g_autoptr(GByteArray) want = g_byte_array_new();
        QEMUFile *f = qemu_fopen_bytearray(want);
        size_t idlen = strlen(d->id);

        d->save_legacy(f, vm.states[i]);
        qemu_fclose(f);
        pos += 1 + 4 + 1 + idlen + 4 + 4;   /* FULL section header */
        CU_ASSERT_FATAL(pos + want->len <= out->len);
        ASSERT_BYTES_EQUAL(out->data + pos, want->len, want->data,
                           want->len);
        pos += want->len + 5;               /* footer */
    }
    CU_ASSERT_EQUAL(out->data[pos], 0x00);  /* EOF */
    CU_ASSERT_EQUAL(out->data[pos + 1], 0x06);  /* vmdesc */
    vm_clear(&vm);
}

/*
 * Issue 6's cross-check: a legacy stream our writer produces is a QEMU
 * stream the QEMU stream reader accepts section by section, through the
 * vmdesc we append, and re-encodes byte for byte.
 */
static void legacy_stream_is_read_by_the_qemu_stream_reader(void)
{
    VM vm;
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("qvisit-legacy-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "vm.mig", NULL);
    QemuStreamOptions opts;

    vm_init(&vm, EXAMPLE_RELEASE_MAX, 7);
    CU_ASSERT_TRUE_FATAL(migration_save(vm.r, MIGRATION_FORMAT_LEGACY, out,
                                        NULL, &err));
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, (char *)out->data,
                                             out->len, NULL));

    /* analyze-migration.py's view: one "<id> (<section id>)" per device. */
    qemu_stream_options_init(&opts);
    opts.analyze_compat = true;
    {
        g_autoptr(QObject) dump = qemu_stream_dump_path(path, &opts, &err);
        QDict *d = qobject_to(QDict, dump);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        CU_ASSERT_EQUAL(qdict_size(d), vm.n);
        for (size_t i = 0; i < vm.n; i++) {
            g_autofree char *key = g_strdup_printf("%s (%zu)", vm.devs[i]->id,
                                                   i);
            QDict *sec = qobject_to(QDict, qdict_get(d, key));

            if (!sec) {
                fprintf(stderr, "\nmissing section %s\n", key);
            }
            CU_ASSERT_PTR_NOT_NULL(sec);
        }
        /* Every decoded scalar of serial equals its state, printed as
         * the tool prints it (zero-padded hex of the field's width). */
        {
            QDict *serial = qobject_to(QDict, qdict_get(d, "serial (0)"));
            QObject *tree = NULL;
            Visitor *v = qobject_output_visitor_new(&tree);
            QDict *want;
            unsigned checked = 0;

            CU_ASSERT_TRUE_FATAL(vm.devs[0]->visit(v, vm.states[0], &err) &&
                                 visit_complete(v, &err));
            visit_free(v);
            want = qobject_to(QDict, tree);
            for (const char *const *m = (const char *const[]){
                     "dll", "dlm", "rbr", "ier", "lcr", NULL };
                 *m; m++) {
                uint64_t value = 0;
                QString *got = qobject_to(QString, qdict_get(serial, *m));
                g_autofree char *text = NULL;

                CU_ASSERT_TRUE(qnum_get_try_uint(
                    qobject_to(QNum, qdict_get(want, *m)), &value));
                text = g_strdup_printf("0x%02" G_GINT64_MODIFIER "x", value);
                CU_ASSERT_PTR_NOT_NULL_FATAL(got);
                CU_ASSERT_STRING_EQUAL(qstring_get_str(got), text);
                checked++;
            }
            CU_ASSERT_EQUAL(checked, 5);
            qobject_unref(tree);
        }
    }

    /* The full dump re-encodes to the very same bytes. */
    qemu_stream_options_init(&opts);
    opts.ram_full = true;
    {
        g_autoptr(QObject) dump = qemu_stream_dump_path(path, &opts, &err);
        g_autoptr(GByteArray) again = g_byte_array_new();
        QEMUFile *f = qemu_fopen_bytearray(again);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_TRUE(dump && qemu_stream_encode(f, dump, &err));
        ASSERT_NO_ERROR(err);
        CU_ASSERT_EQUAL(qemu_fclose(f), 0);
        ASSERT_BYTES_EQUAL(again->data, again->len, out->data, out->len);
    }
    g_unlink(path);
    g_rmdir(dir);
    vm_clear(&vm);
}

static void stream_encode_to_legacy_uses_the_device_layouts(void)
{
    VM src, dst;
    g_autoptr(GByteArray) bin = g_byte_array_new();
    g_autoptr(GByteArray) legacy = g_byte_array_new();
    g_autoptr(GByteArray) direct = g_byte_array_new();
    g_autoptr(MigrationStream) s = NULL;
    GError *err = NULL;

    vm_init(&src, 2, 1234);
    vm_init(&dst, 2, 0);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_BINARY, bin, NULL,
                                  NULL));
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, direct,
                                  NULL, NULL));
    s = migration_stream_decode(bin->data, bin->len, NULL, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(migration_stream_encode(s, MIGRATION_FORMAT_LEGACY, NULL,
                                            NULL, legacy, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_UNKNOWN,
                 "serial: no layout known for version 2, which the legacy "
                 "format needs");
    CU_ASSERT_EQUAL(legacy->len, 0);
    vm_clear(&src);
    vm_clear(&dst);
}

static void cli_convert_to_legacy_rebuilds_the_stream(void)
{
    VM src;
    g_autoptr(GByteArray) bin = g_byte_array_new();
    g_autoptr(GByteArray) legacy = g_byte_array_new();
    g_autofree char *dir = g_dir_make_tmp("qvisit-dev-XXXXXX", NULL);
    g_autofree char *in = g_build_filename(dir, "vm.bin", NULL);
    g_autofree char *out = g_build_filename(dir, "vm.legacy", NULL);
    g_autofree char *cwd = g_get_current_dir();
    const char *cli = g_getenv("QVISIT_CLI");
    g_autofree char *abs = NULL;
    g_autofree char *got = NULL;
    gsize got_len = 0;
    int wait = -1;

    abs = g_path_is_absolute(cli ? cli : "build/qvisit")
              ? g_strdup(cli)
              : g_build_filename(cwd, cli ? cli : "build/qvisit", NULL);
    vm_init(&src, EXAMPLE_RELEASE_MAX, 77);
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_BINARY, bin, NULL,
                                  NULL));
    CU_ASSERT_TRUE(migration_save(src.r, MIGRATION_FORMAT_LEGACY, legacy,
                                  NULL, NULL));
    CU_ASSERT_TRUE(g_file_set_contents(in, (char *)bin->data, bin->len,
                                       NULL));
    {
        char *argv[] = { abs, "convert", "--to", "legacy", in, out, NULL };

        CU_ASSERT_TRUE(g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, NULL,
                                    NULL, &wait, NULL));
    }
    CU_ASSERT_EQUAL(wait, 0);
    CU_ASSERT_TRUE(g_file_get_contents(out, &got, &got_len, NULL));
    /* Identical to what the registry writes directly. */
    ASSERT_BYTES_EQUAL(got, got_len, legacy->data, legacy->len);
    unlink(in);
    unlink(out);
    rmdir(dir);
    vm_clear(&src);
}

static const TestCase tests[] = {
    { "every_release_round_trips_in_every_format",
      every_release_round_trips_in_every_format },
    { "legacy_stream_is_read_by_the_qemu_stream_reader",
      legacy_stream_is_read_by_the_qemu_stream_reader },
    { "legacy_payload_equals_the_legacy_save_code",
      legacy_payload_equals_the_legacy_save_code },
    { "stream_encode_to_legacy_uses_the_device_layouts",
      stream_encode_to_legacy_uses_the_device_layouts },
    { "cli_convert_to_legacy_rebuilds_the_stream",
      cli_convert_to_legacy_rebuilds_the_stream },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("migration-devices", tests);
}
