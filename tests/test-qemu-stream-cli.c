/*
 * `qvisit dump --qemu` and `qvisit encode --qemu` as processes: exit
 * codes, help, usage errors, standard input and output, files. The binary
 * comes from $QVISIT_CLI, which `make check` sets.
 */
#include "tests/test-util.h"
#include "tests/cli-run.h"
#include "tests/qemu-bad-dumps.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#define DATA "tests/data/qemu/"
/* q35-smp2-xhci-virtio.mig up to its EOF byte: without its vmdesc, with
 * three virtio sections no built-in device knows. */
#define Q35_NO_VMDESC "461072"

static const CliCase cases[] = {
    { "Q dump --help", 0, NULL, "usage: qvisit dump [--compact] [-o FILE] "
      "STREAM\n       qvisit dump --qemu [OPTIONS] STREAM\n", "" },
    { "Q encode --help", 0, NULL, "usage: qvisit encode --qemu", "" },
    /* Without --qemu, dump reads QEMU's streams as the migration core
     * does: the device state of the sections (one codec, issue 12). */
    { "Q dump " DATA "pc-nodefaults.mig", 0, NULL, "{\n    \"format\": "
      "\"qvisit-migration\",\n    \"version\": 1,\n    \"capabilities\": "
      "0,\n    \"machine\": \"pc-i440fx-7.2\",\n    \"machine_version\": "
      "0,\n    \"sections\": [\n        {\n            \"id\": \"timer\",\n",
      "" },
    /* ... and without a vmdesc, through the built-in QEMU devices. */
    { "Q dump " DATA "pc-suppress-vmdesc.mig", 0, NULL, "{\n    \"format\": "
      "\"qvisit-migration\",\n    \"version\": 1,\n    \"capabilities\": "
      "0,\n    \"machine\": \"pc-i440fx-7.2\",\n    \"machine_version\": "
      "0,\n    \"sections\": [\n        {\n            \"id\": \"timer\",\n",
      "" },
    { "Q dump --ram " DATA "pc-nodefaults.mig", 2, NULL, "",
      "qvisit: dump: --ram, --analyze-compat, --desc, --vmdesc and "
      "--partial need --qemu\n" },
    { "Q dump --qemu", 2, NULL, "",
      "qvisit: dump: no input stream (use - for standard input)\n" },
    { "Q dump --qemu --bogus x", 2, NULL, "",
      "qvisit: dump: unknown option '--bogus'\n" },
    { "Q dump --qemu --vmdesc", 2, NULL, "",
      "qvisit: dump: --vmdesc needs an argument\n" },
    { "Q dump --qemu --ram --analyze-compat x", 2, NULL, "",
      "qvisit: dump: --ram and --analyze-compat cannot be combined\n" },
    { "Q dump --qemu /nonexistent.mig", 1, NULL, "",
      "qvisit: /nonexistent.mig: No such file or directory\n" },
    /* A field over --max-section said "vmdesc size 46143 x -1 exceeds
     * the limits": an array length of -1 for a field that is none, and
     * no limit named. */
    { "Q dump --qemu --max-section 1K " DATA "pc-serial-nic-usb.mig", 1,
      NULL, "", "qvisit: 0000:00:03.0/virtio-net.virtio: vmdesc field of "
      "46143 bytes exceeds max_section_size (1024) at byte 753324\n" },
    { "Q encode " DATA "x.json out", 2, NULL, "",
      "qvisit: encode: only --qemu streams are supported so far\n" },
    { "Q encode --qemu x.json", 2, NULL, "",
      "qvisit: encode: expected DUMP.json and OUT\n" },
    { "Q dump --qemu --analyze-compat " DATA "pc-nodefaults.mig", 0,
      DATA "pc-nodefaults.state.json", NULL, "" },
    { "Q dump --qemu --analyze-compat - < " DATA "pc-e1000.mig", 0,
      DATA "pc-e1000.state.json", NULL, "" },
    { "cat " DATA "q35-smp2-xhci-virtio.mig | "
      "Q dump --qemu --desc -", 0, DATA "q35-smp2-xhci-virtio.desc.json",
      NULL, "" },
    { "Q dump --qemu --ram " DATA "pc-compress.mig | "
      "Q encode --qemu - - | cmp - " DATA "pc-compress.mig && echo same", 0,
      NULL, "same\n", "" },
    { "Q dump --qemu --ram --vmdesc " DATA "pc-nodefaults.desc.json "
      DATA "pc-suppress-vmdesc.mig | Q encode --qemu - - | "
      "cmp - " DATA "pc-suppress-vmdesc.mig && echo same", 0, NULL,
      "same\n", "" },
    { "Q dump --qemu --partial --ram " DATA "pc-suppress-vmdesc.mig "
      "2>/dev/null | Q encode --qemu - - | cmp - " DATA
      "pc-suppress-vmdesc.mig && echo same", 0, NULL, "same\n", "" },
    { "cat " DATA "pc-suppress-vmdesc.mig | Q dump --qemu --partial --ram "
      "- 2>/dev/null | Q encode --qemu - - | cmp - " DATA
      "pc-suppress-vmdesc.mig && echo same", 0, NULL, "same\n", "" },
    { "head -c " Q35_NO_VMDESC " " DATA "q35-smp2-xhci-virtio.mig | "
      "Q dump --qemu --partial - 2>&1 >/dev/null | grep virtio-rng", 0,
      NULL, "qvisit: dump: 0000:00:02.0/virtio-rng (section 44): no "
      "built-in layout; kept as opaque bytes: 45526\n", "" },
    { "Q dump --partial " DATA "pc-suppress-vmdesc.mig", 2, NULL, "",
      "qvisit: dump: --ram, --analyze-compat, --desc, --vmdesc and "
      "--partial need --qemu\n" },
    { "Q check --qemu " DATA "q35-smp2-xhci-virtio.mig --layouts builtin | "
      "grep -e mc146818rtc -e virtio-rng", 0, NULL,
      "ok: mc146818rtc: vmsd \"mc146818rtc\" version 3 matches the "
      "built-in layout\nunchecked: 0000:00:02.0/virtio-rng: no built-in "
      "layout\n", "" },
    { "Q check --qemu " DATA "pc-nodefaults.mig --layouts other", 2, NULL,
      "", "qvisit: check: unknown --layouts 'other' (only 'builtin')\n" },
    { "Q check --qemu " DATA "pc-suppress-vmdesc.mig --layouts builtin", 1,
      NULL, "", "qvisit: check: " DATA "pc-suppress-vmdesc.mig: the "
      "stream has no vmdesc (written with suppress-vmdesc=on?): nothing to "
      "compare; 'qvisit dump --qemu' decodes it with the built-in "
      "layouts\n" },
    /* Without a vmdesc, the built-in QEMU devices decode what they know;
     * the others are listed and fail the dump unless --partial. */
    { "{ head -c " Q35_NO_VMDESC " " DATA "q35-smp2-xhci-virtio.mig | "
      "Q dump --qemu - 2>&1 >/dev/null; echo \"exit $?\"; } | tail -2", 0,
      NULL, "qvisit: dump: the stream has no vmdesc and sections no "
      "built-in device knows; --partial dumps the others\nexit 1\n", "" },
    /* Every section of the pc stream has a built-in device. */
    { "{ Q dump --qemu " DATA "pc-suppress-vmdesc.mig >/dev/null; "
      "echo \"exit $?\"; }", 0, NULL, "exit 0\n", "" },
    { "Q dump --qemu " DATA "pc-nodefaults.mig | Q encode --qemu - -", 1,
      NULL, "", "qvisit: records[0].ram: RAM was summarised; dump with "
      "--ram to re-encode\n" },
    { "head -c 239030 " DATA "pc-nodefaults.mig | "
      "Q dump --qemu --vmdesc " DATA "pc-nodefaults.mig -", 1, NULL, "",
      "qvisit: timer.cpu_ticks_offset: stream truncated at byte 239024\n" },
    /* A full disk is one message and exit status 1, in both modes. */
    { "Q dump --qemu --analyze-compat " DATA "pc-e1000.mig 2>&1 >/dev/full; "
      "echo status=$?", 0, NULL, "qvisit: dump: standard output: write: No "
      "space left on device\nstatus=1\n", "" },
    { "Q dump --qemu " DATA "pc-e1000.mig 2>&1 >/dev/full; echo status=$?",
      0, NULL, "qvisit: dump: standard output: write: No space left on "
      "device\nstatus=1\n", "" },
    /* --compact applies to the QEMU dump too (it was ignored), and is
     * refused with --analyze-compat, which prints as the script does. */
    { "Q dump --qemu --compact " DATA "pc-nodefaults.mig | wc -l", 0, NULL,
      "1\n", "" },
    { "Q dump --qemu --compact --ram " DATA "pc-nodefaults.mig | "
      "Q encode --qemu - - | cmp - " DATA "pc-nodefaults.mig && echo same",
      0, NULL, "same\n", "" },
    { "Q dump --qemu --compact --analyze-compat " DATA "pc-nodefaults.mig",
      2, NULL, "", "qvisit: dump: --compact and --analyze-compat cannot be "
      "combined\n" },
    /* A vmdesc further back than max_alloc lets the search reach is a
     * LIMIT, not "no vmdesc": the stream ends in its '}'. */
    { "Q dump --qemu --max-alloc 50000 " DATA "pc-nodefaults.mig", 1, NULL,
      "", "qvisit: vmdesc: the stream ends in '}' as a description does, "
      "but none starts in its last 50000 bytes, all that max_alloc lets "
      "the search hold: a larger max_alloc may find it\n" },
    { "Q set --max-alloc 50000 " DATA "pc-nodefaults.mig -o /dev/null "
      "serial.state.scr=1", 1, NULL, "", "qvisit: vmdesc: the stream ends "
      "in '}' as a description does, but none starts in its last 50000 "
      "bytes, all that max_alloc lets the search hold: a larger max_alloc "
      "may find it\n" },
    /* info, diff and convert read QEMU's streams (one codec, issue 12).
     * The summaries: capabilities and uuid subsections, a shared block
     * never sent; a 2.3 stream without configuration. */
    { "Q info " DATA "pc-ignore-shared.mig", 0, DATA "pc-ignore-shared.info",
      NULL, "" },
    { "Q info " DATA "pc-2.3-old.mig", 0, DATA "pc-2.3-old.info", NULL, "" },
    { "Q info - < " DATA "pc-2.3-old.mig", 0, DATA "pc-2.3-old.info", NULL,
      "" },
    { "Q info --json " DATA "pc-nodefaults.mig", 0, NULL, "{\n    "
      "\"stream_version\": 3,\n    \"size\": 350517,\n    \"page_size\": "
      "4096,\n    \"machine_type\": \"pc-i440fx-7.2\",\n", "" },
    /* Without a vmdesc: read through the built-in QEMU devices. */
    { "Q info --json " DATA "pc-suppress-vmdesc.mig", 0, NULL, "{\n    "
      "\"stream_version\": 3,\n    \"size\": 251863,\n    \"page_size\": "
      "4096,\n    \"machine_type\": \"pc-i440fx-7.2\",\n", "" },
    { "Q info " DATA "pc-suppress-vmdesc.mig", 0, NULL,
      "format:       legacy (QEMU savevm stream, version 3)\n"
      "size:         251863 bytes\nmachine:      pc-i440fx-7.2\n"
      "page size:    4096\nvmdesc:       none (device sections read by "
      "the built-in QEMU devices)\n", "" },
    /* Sections by idstr and instance, buffers byte by byte, RAM as final
     * contents: the compressed stream's memory equals the plain one's. */
    { "Q diff " DATA "pc-nodefaults.mig " DATA "pc-compress.mig", 1, NULL,
      "~ mc146818rtc.cmos_data[0]: 0x16 -> 0x46\n"
      "~ mc146818rtc.cmos_data[2]: 0x13 -> 0x59\n"
      "~ mc146818rtc.base_rtc: 1795313596 -> 1795316386\n"
      "~ mc146818rtc.last_update: 1795313596401162000 -> "
      "1795316386661724000\n"
      "~ mc146818rtc.update_timer: 1795313597401162000 -> "
      "1795316387661724000\n"
      "~ mc146818rtc.next_alarm_time: 1795392000401162000 -> "
      "1795392000661724000\n", "" },
    { "Q diff --ignore 'mc146818rtc.*' " DATA "pc-nodefaults.mig "
      DATA "pc-compress.mig", 0, NULL, "no differences\n", "" },
    { "Q diff --no-color " DATA "pc-nodefaults.mig " DATA "pc-e1000.mig", 1,
      DATA "pc-nodefaults-e1000.diff", NULL, "" },
    { "Q diff --ignore", 2, NULL, "", "qvisit: diff: --ignore needs a "
      "pattern\n" },
    /* diff reads its second input on a thread of its own: still only the
     * first input's error when both are bad, the second's when it alone
     * is; the footer of the RAM section is the byte changed. */
    { "d=$(mktemp -d) && cp " DATA "pc-nodefaults.mig $d/a.mig && "
      "cp " DATA "pc-nodefaults.mig $d/b.mig && "
      "printf '\\377' | dd of=$d/a.mig bs=1 seek=239000 conv=notrunc "
      "2>/dev/null && "
      "printf '\\376' | dd of=$d/b.mig bs=1 seek=239000 conv=notrunc "
      "2>/dev/null && { Q diff $d/a.mig $d/b.mig; echo \"exit $?\"; "
      "Q diff $d/b.mig $d/a.mig; echo \"exit $?\"; } 2>&1 | "
      "sed \"s|$d/||\"; rm -rf $d", 0, NULL,
      "qvisit: a.mig: ram: missing section footer (got byte 0xff) at byte "
      "239000\nexit 1\nqvisit: b.mig: ram: missing section footer (got "
      "byte 0xfe) at byte 239000\nexit 1\n", "" },
    { "d=$(mktemp -d) && cp " DATA "pc-nodefaults.mig $d/b.mig && "
      "printf '\\376' | dd of=$d/b.mig bs=1 seek=239000 conv=notrunc "
      "2>/dev/null && Q diff " DATA "pc-nodefaults.mig $d/b.mig 2>&1 | "
      "sed \"s|$d/||\"; rm -rf $d", 0, NULL,
      "qvisit: b.mig: ram: missing section footer (got byte 0xfe) at byte "
      "239000\n", "" },
    /* convert keeps every device field: its output diffs equal. */
    { "Q convert --to json " DATA "q35-smp2-xhci-virtio.mig - | "
      "Q diff - " DATA "q35-smp2-xhci-virtio.mig", 0, NULL,
      "no differences\n", "" },
    /* The device sections and one more with RAM and framing (issue 13:
     * convert --to qemu writes the stream back from it). */
    { "Q convert --to binary " DATA "pc-serial-nic-usb.mig - | Q info -", 0,
      NULL, "format:       binary\nsize:         1226556 bytes\n"
      "machine:      pc-i440fx-7.2\ncapabilities: none\ndevices:      36\n",
      "" },
    { "Q convert --to legacy " DATA "pc-nodefaults.mig /dev/null", 1, NULL,
      "", "qvisit: " DATA "pc-nodefaults.mig: timer: no layout known for "
      "version 2, which the legacy format needs\n" },
};

static void cli_cases_give_exit_codes_and_output(void)
{
    cli_run_cases(cases, G_N_ELEMENTS(cases));
}

/* -o FILE appears only complete: nothing is left behind on an error. */
static void output_file_is_written_atomically(void)
{
    const char *cli = g_getenv("QVISIT_CLI");
    g_autoptr(GError) err = NULL;
    g_autofree char *tmp = g_dir_make_tmp("qvisit-qs-XXXXXX", &err);
    g_autofree char *path = NULL;
    g_autofree char *cmd = NULL;
    g_autofree char *listing = NULL;
    int status = -1;

    if (!cli || !tmp) {
        CU_FAIL("QVISIT_CLI unset or no temporary folder");
        return;
    }
    path = g_build_filename(tmp, "out.json", NULL);
    cmd = g_strdup_printf("head -c 245000 " DATA "pc-nodefaults.mig | "
                          "%s dump --qemu --analyze-compat --vmdesc "
                          DATA "pc-nodefaults.mig -o %s -; ls %s",
                          cli, path, tmp);
    {
        char *argv[] = { "/bin/sh", "-c", cmd, NULL };

        CU_ASSERT_TRUE(g_spawn_sync(NULL, argv, NULL,
                                    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                    &listing, NULL, &status, &err));
    }
    CU_ASSERT_STRING_EQUAL(listing, "");
    g_free(cmd);
    cmd = g_strdup_printf("%s dump --qemu --analyze-compat -o %s "
                          DATA "pc-nodefaults.mig", cli, path);
    {
        char *argv[] = { "/bin/sh", "-c", cmd, NULL };
        g_autofree char *got = NULL;
        g_autoptr(GBytes) want = test_read_file(DATA
                                                "pc-nodefaults.state.json");
        gsize len = 0;

        CU_ASSERT_TRUE(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL,
                                    NULL, NULL, NULL, &status, &err));
        CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CU_ASSERT_TRUE(g_file_get_contents(path, &got, &len, NULL));
        ASSERT_BYTES_EQUAL(got, len, g_bytes_get_data(want, NULL),
                           g_bytes_get_size(want));
    }
    g_unlink(path);
    g_rmdir(tmp);
}

/*
 * Issue 11 item 8 through the CLI: each refused document is exit status 1
 * with its one-line message, an existing OUT keeps its bytes and standard
 * output gets none.
 */
static void encode_refuses_invalid_documents_and_writes_nothing(void)
{
    const char *cli = g_getenv("QVISIT_CLI");
    g_autoptr(GError) err = NULL;
    g_autofree char *tmp = g_dir_make_tmp("qvisit-qs-XXXXXX", &err);
    g_autofree char *in = NULL;
    g_autofree char *out = NULL;

    if (!cli || !tmp) {
        CU_FAIL("QVISIT_CLI unset or no temporary folder");
        return;
    }
    in = g_build_filename(tmp, "bad.json", NULL);
    out = g_build_filename(tmp, "out.mig", NULL);
    for (size_t i = 0; i < qemu_bad_dumps_count; i++) {
        const QemuBadDump *c = &qemu_bad_dumps[i];
        g_autoptr(QObject) dump = qemu_bad_dump_build(c);
        g_autoptr(GString) text = NULL;
        g_autofree char *want = g_strdup_printf("qvisit: %s\n", c->msg);
        g_autofree char *to_file = g_strdup_printf(
            "%s encode --qemu %s %s", cli, in, out);
        g_autofree char *to_stdout = g_strdup_printf(
            "%s encode --qemu %s - | wc -c", cli, in);
        g_autofree char *got = NULL;
        gsize got_len = 0;

        CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
        text = qobject_to_json_pretty(dump, true);
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(in, text->str,
                                                 (gssize)text->len, NULL));
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(out, "old\n", -1, NULL));
        for (int to = 0; to < 2; to++) {
            char *argv[] = { "/bin/sh", "-c", to ? to_stdout : to_file,
                             NULL };
            g_autofree char *std_out = NULL;
            g_autofree char *std_err = NULL;
            int status = -1;
            bool ok;

            CU_ASSERT_TRUE_FATAL(g_spawn_sync(NULL, argv, NULL,
                                              G_SPAWN_DEFAULT, NULL, NULL,
                                              &std_out, &std_err, &status,
                                              NULL));
            /* Through "| wc -c" the status is wc's; the count is 0. */
            ok = WIFEXITED(status) && WEXITSTATUS(status) == (to ? 0 : 1) &&
                 !strcmp(std_err, want) &&
                 !strcmp(std_out, to ? "0\n" : "");
            if (!ok) {
                fprintf(stderr, "\ncase %zu (%s): exit %d, stdout %s, "
                        "stderr %s", i, to ? "stdout" : "file",
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                        std_out, std_err);
            }
            CU_ASSERT_TRUE(ok);
        }
        CU_ASSERT_TRUE(g_file_get_contents(out, &got, &got_len, NULL));
        ASSERT_BYTES_EQUAL(got, got_len, "old\n", 4);
    }
    g_unlink(in);
    g_unlink(out);
    g_rmdir(tmp);
}

/* Runs @cmd ("Q" replaced by the CLI) in a shell; returns its output. */
static char *run_sh(const char *cmd, int *status)
{
    const char *cli = g_getenv("QVISIT_CLI");
    g_autofree char *full = cli_run_expand(cmd, cli ? cli : "false");
    char *argv[] = { "/bin/sh", "-c", full, NULL };
    g_autoptr(GError) err = NULL;
    char *out = NULL;

    CU_ASSERT_TRUE(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &out, NULL, status, &err));
    return out ? out : g_strdup("");
}

/*
 * A stream QEMU could have written differently: a PING command after the
 * RAM START record and pc.ram's pages 16 and 17 sent again, as full pages
 * of 0x5a, at the end of the PART record. info lists the command and the
 * counts; diff names the two pages of final memory that differ.
 */
static void info_and_diff_show_commands_and_ram(void)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *tmp = g_dir_make_tmp("qvisit-qs-XXXXXX", &gerr);
    g_autofree char *path = g_build_filename(tmp, "edited.mig", NULL);
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL;
    g_autoptr(QObject) dump = NULL;
    g_autoptr(QList) records = qlist_new();
    QList *orig;
    QDict *part;
    QList *items;
    uint8_t page[4096];
    g_autofree char *b64 = NULL;
    QemuStreamOptions opts;
    GError *err = NULL;
    QEMUFile *f;
    int status = -1;

    qemu_stream_options_init(&opts);
    opts.ram_full = true;
    dump = qemu_stream_dump_path(DATA "pc-nodefaults.mig", &opts, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    orig = qobject_to(QList, qdict_get(qobject_to(QDict, dump), "records"));
    part = qobject_to(QDict, qlist_get(orig, 1));
    items = qobject_to(QList, qdict_get(part, "ram"));
    memset(page, 0x5a, sizeof(page));
    b64 = g_base64_encode(page, sizeof(page));
    for (int k = 16; k <= 17; k++) {
        g_autofree char *json = g_strdup_printf(
            "{\"type\": \"page\", \"addr\": %d, \"block\": \"pc.ram\", "
            "\"data\": \"%s\"}", k * 4096, b64);
        QObject *eos = qobject_ref(qlist_get(items, qlist_size(items) - 1));

        qlist_set_obj(items, qlist_size(items) - 1,
                      qobject_from_json(json, NULL));
        qlist_append_obj(items, eos);
    }
    for (size_t i = 0; i < qlist_size(orig); i++) {
        if (i == 1) {
            qlist_append_obj(records, qobject_from_json(
                "{\"type\": \"COMMAND\", \"cmd\": 2, "
                "\"data\": \"0000002a\"}", NULL));
        }
        qlist_append_obj(records, qobject_ref(qlist_get(orig, i)));
    }
    qdict_put_obj(qobject_to(QDict, dump), "records",
                  QOBJECT(g_steal_pointer(&records)));
    f = qemu_fopen_path(path, "wb", &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(qemu_stream_encode(f, dump, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);

    cmd = g_strdup_printf("Q info %s | sed -n '7,8p;$p'", path);
    out = run_sh(cmd, &status);
    CU_ASSERT_STRING_EQUAL(out,
        "commands:     1\n"
        "  PING (2) at byte 196: 0000002a\n"
        "  /rom@etc/acpi/rsdp               4096        1        0        1"
        "          0        0\n");
    g_free(cmd);
    g_free(out);
    cmd = g_strdup_printf("Q info %s | grep ' pc.ram '", path);
    out = run_sh(cmd, &status);
    CU_ASSERT_STRING_EQUAL(out, "  pc.ram                       16777216 "
                           "    4096     4096        2          0        0\n");
    g_free(cmd);
    g_free(out);
    cmd = g_strdup_printf("Q diff " DATA "pc-nodefaults.mig %s", path);
    out = run_sh(cmd, &status);
    CU_ASSERT_STRING_EQUAL(out, "~ ram[pc.ram]: 2 pages differ: "
                           "0x10000-0x11fff\n");
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    g_free(cmd);
    g_free(out);
    cmd = g_strdup_printf("Q diff --ignore 'ram[pc.*]' " DATA
                          "pc-nodefaults.mig %s", path);
    out = run_sh(cmd, &status);
    CU_ASSERT_STRING_EQUAL(out, "no differences\n");
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_unlink(path);
    g_rmdir(tmp);
}

static const TestCase tests[] = {
    { "info_and_diff_show_commands_and_ram",
      info_and_diff_show_commands_and_ram },
    { "cli_cases_give_exit_codes_and_output",
      cli_cases_give_exit_codes_and_output },
    { "output_file_is_written_atomically",
      output_file_is_written_atomically },
    { "encode_refuses_invalid_documents_and_writes_nothing",
      encode_refuses_invalid_documents_and_writes_nothing },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-stream-cli", tests);
}
