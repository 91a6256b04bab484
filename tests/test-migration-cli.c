/*
 * The migration subcommands run as processes: dump, convert, info, diff.
 * QVISIT_CLI (set by `make check`) is the CLI under test; the streams are
 * written by the suite itself into a temporary directory.
 */
#include "tests/test-util.h"
#include "tests/cli-run.h"

#include <string.h>
#include <unistd.h>

#include "tests/example-vm.h"
#include "tests/test-device.h"

static char *dir;

/* Runs `sh -c "$QVISIT_CLI <args>"` in the temporary directory. */
static CliRun run(const char *args)
{
    g_autofree char *cli = cli_run_path();
    g_autofree char *cmd = g_strdup_printf("QVISIT_CLI=%s; %s %s", cli, cli,
                                           args);

    return cli_run_sh(dir, cmd);
}

/* Runs before the suite, so failures are reported by the return value. */
static bool write_streams(void)
{
    MigrationDeviceInfo a = tdev_info("tdev", 0);
    MigrationDeviceInfo b = tdev_info("pci.0/tdev", 1);
    g_autoptr(MigrationRegistry) r = migration_registry_new();
    TDev d[2];

    tdev_fill(&d[0], 1);
    tdev_fill(&d[1], 2);
    migration_register(r, &a, &d[0], NULL);
    migration_register(r, &b, &d[1], NULL);
    if (!tdev_write_streams(r, dir)) {
        return false;
    }
    /* A second state: one member changed. */
    d[1].u16 = 7;
    {
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autofree char *path = g_build_filename(dir, "t.bin", NULL);

        if (!migration_save(r, MIGRATION_FORMAT_BINARY, out, NULL, NULL) ||
            !g_file_set_contents(path, (char *)out->data, out->len, NULL)) {
            return false;
        }
    }
    tdev_clear(&d[0]);
    tdev_clear(&d[1]);
    return true;
}

static void dump_prints_the_same_document_for_every_format(void)
{
    CliRun l = run("dump s.legacy");
    CliRun b = run("dump s.bin");
    CliRun j = run("dump --compact s.json");

    CU_ASSERT_EQUAL(l.status, 0);
    CU_ASSERT_EQUAL(b.status, 0);
    CU_ASSERT_EQUAL(j.status, 0);
    /* Only the recorded capabilities differ (legacy records none). */
    CU_ASSERT_TRUE(g_str_has_prefix(l.out,
                                    "{\n    \"format\": \"qvisit-migration\","
                                    "\n    \"version\": 1,\n    "
                                    "\"capabilities\": 0,\n"));
    CU_ASSERT_STRING_EQUAL(strstr(l.out, "\"machine\""),
                           strstr(b.out, "\"machine\""));
    CU_ASSERT_TRUE(g_str_has_prefix(j.out, "{\"format\":\"qvisit-migration\""
                                           ",\"version\":1,\"capabilities\""
                                           ":7,\"machine\":\"qvisit\","));
    CU_ASSERT_TRUE(strstr(j.out, "\"id\":\"pci.0/tdev\",\"instance_id\":1,"
                                 "\"version\":2,\"state\":{\"u8\":202,")
                   != NULL);
    cli_run_clear(&l);
    cli_run_clear(&b);
    cli_run_clear(&j);
}

static void dump_reads_standard_input(void)
{
    CliRun a = run("dump - < s.bin");
    CliRun b = run("dump s.bin");

    CU_ASSERT_EQUAL(a.status, 0);
    CU_ASSERT_STRING_EQUAL(a.out, b.out);
    cli_run_clear(&a);
    cli_run_clear(&b);
}

static void dump_of_garbage_fails_with_status_1(void)
{
    CliRun r = run("dump - < /dev/null");

    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_STRING_EQUAL(r.err, "qvisit: -: stream too short to detect its "
                                  "format (0 bytes)\n");
    cli_run_clear(&r);
}

static void convert_round_trips_through_every_format(void)
{
    CliRun c1 = run("convert --to json s.bin c.json");
    CliRun c2 = run("convert --to binary c.json c.bin");
    CliRun d = run("diff c.bin s.bin");
    /* Widths are not kept by a QObject, so compare states, not bytes. */
    CliRun x = run("convert --to binary s.legacy - > x.bin && "
                   "$QVISIT_CLI diff x.bin s.bin");

    CU_ASSERT_EQUAL(c1.status, 0);
    CU_ASSERT_EQUAL(c2.status, 0);
    CU_ASSERT_EQUAL(d.status, 0);
    CU_ASSERT_STRING_EQUAL(d.out, "no differences\n");
    CU_ASSERT_EQUAL(x.status, 0);
    CU_ASSERT_STRING_EQUAL(x.out, "no differences\n");
    cli_run_clear(&c1);
    cli_run_clear(&c2);
    cli_run_clear(&d);
    cli_run_clear(&x);
}

static void convert_to_legacy_needs_a_known_layout(void)
{
    CliRun r = run("convert --to legacy s.bin out.legacy");

    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_STRING_EQUAL(r.err,
                           "qvisit: s.bin: tdev: no layout known for version "
                           "2, which the legacy format needs\n");
    cli_run_clear(&r);
}

/* Writes the example VM as a JSON stream with serial.dll set to @dll. */
static void write_example_json(const char *name, int64_t dll)
{
    ExampleVm *vm = example_vm_new(3, 7);
    g_autoptr(GByteArray) bytes = example_vm_save(vm, MIGRATION_FORMAT_JSON);
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) doc = qobject_from_json_full(
        (const char *)bytes->data, bytes->len, NULL, &err);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GString) text = NULL;
    QList *secs = qobject_to(QList, qdict_get(qobject_to(QDict, doc),
                                               "sections"));
    QDict *serial = qobject_to(QDict, qlist_get(secs, 0));

    ASSERT_NO_ERROR(err);
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                               qdict_get(serial, "id"))), "serial");
    qdict_put_int(qobject_to(QDict, qdict_get(serial, "state")), "dll", dll);
    text = qobject_to_json(doc);
    CU_ASSERT_TRUE(g_file_set_contents(path, text->str, text->len, NULL));
    example_vm_free(vm);
}

/*
 * A value the legacy layout cannot hold fails the save cleanly (it used
 * to free the payload writer after its QEMUFile: a use-after-free under
 * ASan) and writes nothing.
 */
static void convert_to_legacy_of_a_value_that_does_not_fit(void)
{
    CliRun ok, r;

    write_example_json("vm-fits.json", 200);
    write_example_json("vm-big.json", 70000);
    ok = run("convert --to legacy vm-fits.json vm-fits.legacy");
    r = run("convert --to legacy vm-big.json vm-big.legacy");
    CU_ASSERT_EQUAL(ok.status, 0);
    CU_ASSERT_STRING_EQUAL(ok.err, "");
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, "qvisit: vm-big.json: serial.dll: 70000 "
                                  "does not fit u8\n");
    {
        g_autofree char *path = g_build_filename(dir, "vm-big.legacy", NULL);

        CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
    }
    cli_run_clear(&ok);
    cli_run_clear(&r);
}

/* Copies the test device plugin into the temporary directory. */
static bool copy_devices_plugin(void)
{
    g_autofree char *data = NULL;
    g_autofree char *dst = g_build_filename(dir, "devices-plugin.so", NULL);
    gsize len = 0;

    return g_file_get_contents("build/tests/plugins/devices-plugin.so",
                               &data, &len, NULL) &&
           g_file_set_contents(dst, data, len, NULL);
}

/*
 * A device plugin (tests/plugins/devices-plugin.c, "uart" v1 and v2)
 * gives convert the layouts the legacy format needs; a bare file name is
 * the file in the current directory. With a plugin the example devices
 * are known only with --builtin.
 */
static void convert_to_legacy_with_a_device_plugin(void)
{
    static const uint8_t want[] = {
        'Q', 'E', 'V', 'M', 0x00, 0x00, 0x00, 0x03,  /* magic, version */
        0x07, 0x00, 0x00, 0x00, 0x06,                /* configuration */
        'q', 'v', 'i', 's', 'i', 't',
        0x04, 0x00, 0x00, 0x00, 0x00,                /* FULL, section 0 */
        0x04, 'u', 'a', 'r', 't',                    /* id */
        0x00, 0x00, 0x00, 0x00,                      /* instance 0 */
        0x00, 0x00, 0x00, 0x02,                      /* version 2 */
        0x03, 0xaa,                                  /* lcr, thr_pending */
        0x7e, 0x00, 0x00, 0x00, 0x00,                /* footer */
    };
    g_autofree char *json = g_build_filename(dir, "u.json", NULL);
    g_autofree char *legacy = g_build_filename(dir, "u.legacy", NULL);
    g_autofree char *got = NULL;
    gsize len = 0;
    CliRun none, ok, back, mixed, both;

    CU_ASSERT_FATAL(copy_devices_plugin());
    CU_ASSERT_FATAL(g_file_set_contents(json,
        "{\"format\":\"qvisit-migration\",\"version\":1,"
        "\"capabilities\":7,\"machine\":\"qvisit\",\"sections\":[{\"id\":"
        "\"uart\",\"instance_id\":0,\"version\":2,\"state\":{\"lcr\":3,"
        "\"thr_pending\":170}}]}", -1, NULL));
    none = run("convert --to legacy u.json u.legacy");
    CU_ASSERT_EQUAL(none.status, 1);
    CU_ASSERT_STRING_EQUAL(none.err,
                           "qvisit: u.json: uart: no layout known for "
                           "version 2, which the legacy format needs\n");
    ok = run("convert --to legacy --devices devices-plugin.so u.json "
             "u.legacy");
    CU_ASSERT_EQUAL(ok.status, 0);
    CU_ASSERT_STRING_EQUAL(ok.err, "");
    CU_ASSERT_TRUE(g_file_get_contents(legacy, &got, &len, NULL));
    CU_ASSERT_TRUE(len > sizeof(want));
    ASSERT_BYTES_EQUAL(got, MIN(len, sizeof(want)), want, sizeof(want));
    back = run("convert --to json --devices devices-plugin.so u.legacy -");
    CU_ASSERT_EQUAL(back.status, 0);
    CU_ASSERT_TRUE(strstr(back.out, "\"state\": {\n                \"lcr\": "
                                    "3,\n                \"thr_pending\": "
                                    "170\n") != NULL);
    /* The example devices are left out unless --builtin brings them. */
    write_example_json("vm-plugin.json", 200);
    mixed = run("convert --to legacy --devices devices-plugin.so "
                "vm-plugin.json vm-plugin.legacy");
    CU_ASSERT_EQUAL(mixed.status, 1);
    CU_ASSERT_STRING_EQUAL(mixed.err,
                           "qvisit: vm-plugin.json: serial: no layout known "
                           "for version 3, which the legacy format needs\n");
    both = run("convert --to legacy --devices devices-plugin.so --builtin "
               "vm-plugin.json vm-plugin.legacy");
    CU_ASSERT_EQUAL(both.status, 0);
    CU_ASSERT_STRING_EQUAL(both.err, "");
    cli_run_clear(&none);
    cli_run_clear(&ok);
    cli_run_clear(&back);
    cli_run_clear(&mixed);
    cli_run_clear(&both);
}

static void info_lists_format_devices_and_sizes(void)
{
    CliRun r = run("info s.bin");

    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_TRUE(g_str_has_prefix(r.out,
        "format:       binary\n"));
    CU_ASSERT_TRUE(strstr(r.out, "machine:      qvisit\n"
                                 "capabilities: binary,json,return-path\n"
                                 "devices:      2\n\n"
                                 "  DEVICE                   INSTANCE  "
                                 "VERSION      BYTES\n"
                                 "  tdev                            0  "
                                 "      2") != NULL);
    cli_run_clear(&r);
}

static void diff_reports_changed_members(void)
{
    CliRun r = run("diff s.bin t.bin");
    CliRun c = run("diff --color s.bin t.bin");

    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "~ pci.0/tdev#1.u16: 65533 -> 7\n");
    CU_ASSERT_STRING_EQUAL(c.out,
                           "\033[33m~ pci.0/tdev#1.u16: 65533 -> 7\033[0m\n");
    cli_run_clear(&r);
    cli_run_clear(&c);
}

/* An empty input is an error naming it (it used to crash diff). */
static void diff_of_an_empty_input_fails_cleanly(void)
{
    g_autofree char *path = g_build_filename(dir, "empty.bin", NULL);
    CliRun f, p;

    CU_ASSERT_TRUE(g_file_set_contents(path, "", 0, NULL));
    f = run("diff s.bin empty.bin");
    p = run("diff - s.bin < /dev/null");
    CU_ASSERT_EQUAL(f.status, 1);
    CU_ASSERT_STRING_EQUAL(f.out, "");
    CU_ASSERT_STRING_EQUAL(f.err, "qvisit: empty.bin: neither a migration "
                                  "stream nor JSON: json: empty input at "
                                  "byte 0\n");
    CU_ASSERT_EQUAL(p.status, 1);
    CU_ASSERT_STRING_EQUAL(p.err, "qvisit: -: neither a migration stream "
                                  "nor JSON: json: empty input at byte 0\n");
    cli_run_clear(&f);
    cli_run_clear(&p);
}

static void every_command_has_help_and_rejects_bad_options(void)
{
    static const char *const cmds[] = {
        "version", "dump", "convert", "info", "diff", "schemas",
        "compat-check", "compat-graph", "encode", "set", "ram", "check",
        "snapshots",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        g_autofree char *h = g_strdup_printf("%s --help", cmds[i]);
        g_autofree char *b = g_strdup_printf("%s --bogus", cmds[i]);
        CliRun rh = run(h);
        CliRun rb = run(b);

        CU_ASSERT_EQUAL(rh.status, 0);
        CU_ASSERT_TRUE(g_str_has_prefix(rh.out, "usage: qvisit "));
        CU_ASSERT_EQUAL(rb.status, 2);
        cli_run_clear(&rh);
        cli_run_clear(&rb);
    }
}

/* `version` took no options: --help printed the version and anything
 * else was ignored with status 0, against "every command has --help, 2 on
 * a usage error" (README). */
static void version_has_help_and_rejects_arguments(void)
{
    CliRun h = run("version --help");
    CliRun o = run("version --bogus");
    CliRun a = run("--version extra");
    CliRun v = run("version");

    CU_ASSERT_EQUAL(h.status, 0);
    CU_ASSERT_STRING_EQUAL(h.out,
                           "usage: qvisit version\n\n"
                           "Prints qvisit's version (also: qvisit "
                           "--version).\n\n"
                           "options:\n"
                           "  -h, --help    show this help\n\n"
                           "exit status: 0 success, 1 standard output "
                           "failed, 2 usage error\n");
    CU_ASSERT_STRING_EQUAL(h.err, "");
    CU_ASSERT_EQUAL(o.status, 2);
    CU_ASSERT_STRING_EQUAL(o.out, "");
    CU_ASSERT_STRING_EQUAL(o.err,
                           "qvisit: version: unknown option '--bogus'\n");
    CU_ASSERT_EQUAL(a.status, 2);
    CU_ASSERT_STRING_EQUAL(a.err,
                           "qvisit: version: unexpected argument 'extra'\n");
    CU_ASSERT_EQUAL(v.status, 0);
    CU_ASSERT_STRING_EQUAL(v.out, "qvisit " QVISIT_VERSION_STRING "\n");
    cli_run_clear(&h);
    cli_run_clear(&o);
    cli_run_clear(&a);
    cli_run_clear(&v);
}

/* The command list said convert writes legacy, binary or json only. */
static void top_level_help_lists_every_format_convert_writes(void)
{
    CliRun h = run("--help");

    CU_ASSERT_EQUAL(h.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(h.out, "\n  convert        rewrite a "
                                         "stream as legacy, binary, json "
                                         "or qemu\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(h.out, "\n  version        print the "
                                         "version\n"));
    cli_run_clear(&h);
}

static const TestCase tests[] = {
    { "dump_prints_the_same_document_for_every_format",
      dump_prints_the_same_document_for_every_format },
    { "dump_reads_standard_input", dump_reads_standard_input },
    { "dump_of_garbage_fails_with_status_1",
      dump_of_garbage_fails_with_status_1 },
    { "convert_round_trips_through_every_format",
      convert_round_trips_through_every_format },
    { "convert_to_legacy_needs_a_known_layout",
      convert_to_legacy_needs_a_known_layout },
    { "convert_to_legacy_of_a_value_that_does_not_fit",
      convert_to_legacy_of_a_value_that_does_not_fit },
    { "convert_to_legacy_with_a_device_plugin",
      convert_to_legacy_with_a_device_plugin },
    { "info_lists_format_devices_and_sizes",
      info_lists_format_devices_and_sizes },
    { "diff_reports_changed_members", diff_reports_changed_members },
    { "diff_of_an_empty_input_fails_cleanly",
      diff_of_an_empty_input_fails_cleanly },
    { "every_command_has_help_and_rejects_bad_options",
      every_command_has_help_and_rejects_bad_options },
    { "version_has_help_and_rejects_arguments",
      version_has_help_and_rejects_arguments },
    { "top_level_help_lists_every_format_convert_writes",
      top_level_help_lists_every_format_convert_writes },
    { NULL, NULL },
};

int main(void)
{
    return cli_run_suite_in_tmp("migration-cli", tests,
                                "qvisit-cli-XXXXXX", &dir, write_streams);
}
