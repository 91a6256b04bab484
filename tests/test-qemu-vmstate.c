/*
 * The -dump-vmstate reader and qemu_vmstate_compare() (the static
 * checker). Data-file cases:
 *   tests/data/qemu-vmstate/compare/<case>/{src.json,dst.json,expected}
 *     (a file "reverse" swaps the two); expected holds one line per
 *     finding, "error|warning: KIND: MESSAGE", as the CLI prints them;
 *   tests/data/qemu-vmstate/load/<case>/{input.json,error}.
 *   tests/data/qemu-vmstate/check/<case>/{dump.json,vmdesc.json,expected}
 *     qemu_vmstate_check_vmdesc(); a file "stream" instead of vmdesc.json
 *     names a stream under tests/data/qemu whose vmdesc is used; expected
 *     holds the lines `qvisit check` prints ("ok: ...", "blocked: KIND:
 *     ...", "unchecked: ...", "note: ...").
 * The qemu-dump1-dump2 case is QEMU 7.2's own test pair for
 * scripts/vmstate-static-checker.py, with the script's 13 findings.
 */
#include "tests/test-util.h"

#include <string.h>

#define DATA "tests/data/qemu-vmstate/"

/* g_ptr_array_sort() hands pointers to the elements. */
static int cmp_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The case folders under @dir, sorted. */
static GPtrArray *case_dirs(const char *dir)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &err);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    while ((name = g_dir_read_name(d))) {
        g_ptr_array_add(names, g_build_filename(dir, name, NULL));
    }
    g_ptr_array_sort(names, cmp_paths);
    return names;
}

static char *render(const GPtrArray *findings)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < findings->len; i++) {
        const QemuVmstateFinding *f = findings->pdata[i];

        g_string_append_printf(
            s, "%s: %s: %s\n",
            qemu_vmstate_finding_is_error(f) ? "error" : "warning",
            qemu_vmstate_finding_kind_name(qemu_vmstate_finding_get_kind(f)),
            qemu_vmstate_finding_get_message(f));
    }
    return g_string_free(s, false);
}

static QemuVmstate *load(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) err = NULL;
    QemuVmstate *vs = qemu_vmstate_load_path(path, NULL, &err);

    if (!vs) {
        fprintf(stderr, "\n%s: %s\n", path, err->message);
    }
    return vs;
}

static void compare_cases_give_expected_findings(void)
{
    g_autoptr(GPtrArray) dirs = case_dirs(DATA "compare");

    CU_ASSERT_TRUE(dirs->len >= 11);
    for (guint i = 0; i < dirs->len; i++) {
        const char *dir = dirs->pdata[i];
        g_autoptr(QemuVmstate) src = load(dir, "src.json");
        g_autoptr(QemuVmstate) dst = load(dir, "dst.json");
        g_autofree char *rev = g_build_filename(dir, "reverse", NULL);
        g_autofree char *exp_path = g_build_filename(dir, "expected", NULL);
        g_autoptr(GBytes) want = test_read_file(exp_path);
        g_autoptr(GPtrArray) findings = NULL;
        g_autofree char *got = NULL;

        CU_ASSERT_PTR_NOT_NULL_FATAL(src);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dst);
        findings = g_file_test(rev, G_FILE_TEST_EXISTS)
                   ? qemu_vmstate_compare(dst, src)
                   : qemu_vmstate_compare(src, dst);
        got = render(findings);
        if (strlen(got) != g_bytes_get_size(want) ||
            memcmp(got, g_bytes_get_data(want, NULL), strlen(got))) {
            fprintf(stderr, "\n%s: got\n%s", dir, got);
            CU_FAIL("findings differ from the expected file");
        }
    }
}

/* Every field of the 13 findings of QEMU's own pair, beyond the text. */
static void qemu_pair_findings_carry_section_path_and_description(void)
{
    static const struct {
        QemuVmstateFindingKind kind;
        const char *section, *path, *desc;
    } want[] = {
        { QEMU_VMSTATE_FINDING_MACHINE_TYPE, "vmschkmachine",
          "vmschkmachine", NULL },
        { QEMU_VMSTATE_FINDING_SECTION_MISSING, "fw_cfg", "fw_cfg", NULL },
        { QEMU_VMSTATE_FINDING_VERSION, "fusbh200-ehci-usb",
          "fusbh200-ehci-usb", NULL },
        { QEMU_VMSTATE_FINDING_FIELD_MISMATCH, "fusbh200-ehci-usb",
          "fusbh200-ehci-usb.ehci.usbsts", "ehci-core" },
        { QEMU_VMSTATE_FINDING_ENTRY_MISSING, "pci-serial-4x",
          "pci-serial-4x", "pci-serial-multi" },
        { QEMU_VMSTATE_FINDING_DESCRIPTION_MISSING, "intel-hda-generic",
          "intel-hda-generic.pci", "intel-hda" },
        { QEMU_VMSTATE_FINDING_ENTRY_MISSING, "cfi.pflash01",
          "cfi.pflash01", NULL },
        { QEMU_VMSTATE_FINDING_FIELD_MISSING, "megasas",
          "megasas.parent_obj.irq_state", "PCIDevice" },
        { QEMU_VMSTATE_FINDING_MINIMUM_VERSION, "PIIX3-xen", "PIIX3-xen",
          "PIIX3" },
        { QEMU_VMSTATE_FINDING_ENTRY_MISSING, "PIIX3-xen", "PIIX3-xen",
          "PIIX3" },
        { QEMU_VMSTATE_FINDING_DESCRIPTION_RENAMED, "tpci200", "tpci200",
          "tpci200" },
        { QEMU_VMSTATE_FINDING_VERSION, "sun-fdtwo", "sun-fdtwo", "fdc" },
        { QEMU_VMSTATE_FINDING_SUBSECTION_MISSING, "sun-fdtwo",
          "sun-fdtwo.state.drives", "fdrive" },
        { QEMU_VMSTATE_FINDING_SIZE, "usb-kbd", "usb-kbd.kbd.keycodes",
          "usb-kbd" },
    };
    const char *dir = DATA "compare/qemu-dump1-dump2";
    g_autoptr(QemuVmstate) src = load(dir, "src.json");
    g_autoptr(QemuVmstate) dst = load(dir, "dst.json");
    g_autoptr(GPtrArray) findings = NULL;
    unsigned errors = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dst);
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_get_machine(src), "pc-i440fx-2.1");
    CU_ASSERT_EQUAL(qemu_vmstate_get_n_sections(src), 10);
    CU_ASSERT_EQUAL(qemu_vmstate_get_n_sections(dst), 10);
    findings = qemu_vmstate_compare(src, dst);
    CU_ASSERT_EQUAL_FATAL(findings->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < findings->len; i++) {
        const QemuVmstateFinding *f = findings->pdata[i];

        CU_ASSERT_EQUAL(qemu_vmstate_finding_get_kind(f), want[i].kind);
        CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_section(f),
                               want[i].section);
        CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_path(f),
                               want[i].path);
        CU_ASSERT_EQUAL(qemu_vmstate_finding_get_instance(f), -1);
        if (want[i].desc) {
            CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_description(f),
                                   want[i].desc);
        } else {
            CU_ASSERT_PTR_NULL(qemu_vmstate_finding_get_description(f));
        }
        errors += qemu_vmstate_finding_is_error(f);
    }
    /* The script's exit status for this pair. */
    CU_ASSERT_EQUAL(errors, 13);
}

static void load_cases_give_expected_errors(void)
{
    g_autoptr(GPtrArray) dirs = case_dirs(DATA "load");

    CU_ASSERT_TRUE(dirs->len >= 18);
    for (guint i = 0; i < dirs->len; i++) {
        const char *dir = dirs->pdata[i];
        g_autofree char *in_path = g_build_filename(dir, "input.json", NULL);
        g_autofree char *err_path = g_build_filename(dir, "error", NULL);
        g_autoptr(GBytes) in = test_read_file(in_path);
        g_autoptr(GBytes) want = test_read_file(err_path);
        g_auto(GStrv) lines = g_strsplit(g_bytes_get_data(want, NULL), "\n",
                                         3);
        g_autoptr(GError) err = NULL;
        gsize len = 0;
        const char *text = g_bytes_get_data(in, &len);
        QemuVmstate *vs = qemu_vmstate_from_json(len ? text : NULL, len,
                                                 NULL, &err);
        bool ok;

        CU_ASSERT_PTR_NULL(vs);
        qemu_vmstate_free(vs);
        CU_ASSERT_PTR_NOT_NULL_FATAL(err);
        ok = err->domain == QVISIT_ERROR &&
             !strcmp(qvisit_error_code_name(err->code), lines[0]) &&
             !strcmp(err->message, lines[1]);
        if (!ok) {
            fprintf(stderr, "\n%s: got %s \"%s\"\n", dir,
                    qvisit_error_code_name(err->code), err->message);
        }
        CU_ASSERT_TRUE(ok);
    }
}

static void load_path_reports_io_errors_and_limits(void)
{
    g_autoptr(GError) err = NULL;
    QVisitLimits limits;
    QemuVmstate *vs;

    vs = qemu_vmstate_load_path(DATA "no-such-file.json", NULL, &err);
    CU_ASSERT_PTR_NULL(vs);
    ASSERT_ERROR(err, QVISIT_ERROR_IO, DATA "no-such-file.json: open: No "
                 "such file or directory");
    qvisit_limits_init(&limits);
    limits.max_alloc = 1000;
    vs = qemu_vmstate_load_path(DATA "compare/identical/src.json", &limits,
                                &err);
    CU_ASSERT_PTR_NULL(vs);
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT, DATA "compare/identical/src.json: "
                 "stream larger than max_alloc 1000 bytes");
    qvisit_limits_init(&limits);
    limits.max_depth = 4;
    vs = qemu_vmstate_load_path(DATA "compare/identical/src.json", &limits,
                                &err);
    CU_ASSERT_PTR_NULL(vs);
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_LIMIT,
                        DATA "compare/identical/src.json: json: ");
}

/* A file without "vmschkmachine" has no machine; the empty object is a
 * valid file with no sections, and compares without findings. */
static void empty_file_has_no_machine_and_no_findings(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QemuVmstate) a = qemu_vmstate_from_json("{}", -1, NULL, &err);
    g_autoptr(QemuVmstate) b = qemu_vmstate_from_json(
        "{\"vmschkmachine\": {\"Name\": \"pc\"}}", -1, NULL, &err);
    g_autoptr(GPtrArray) ab = NULL;
    g_autoptr(GPtrArray) ba = NULL;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NULL(qemu_vmstate_get_machine(a));
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_get_machine(b), "pc");
    CU_ASSERT_EQUAL(qemu_vmstate_get_n_sections(b), 0);
    ab = qemu_vmstate_compare(a, b);
    CU_ASSERT_EQUAL(ab->len, 0);
    /* The script looks the machine up as a section first. */
    ba = qemu_vmstate_compare(b, a);
    CU_ASSERT_EQUAL_FATAL(ba->len, 1);
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_message(ba->pdata[0]),
                           "vmschkmachine: not in the destination");
}

static void kind_names_are_stable(void)
{
    CU_ASSERT_STRING_EQUAL(
        qemu_vmstate_finding_kind_name(QEMU_VMSTATE_FINDING_MACHINE_TYPE),
        "machine-type");
    CU_ASSERT_STRING_EQUAL(
        qemu_vmstate_finding_kind_name(QEMU_VMSTATE_FINDING_UNUSED_SIZE),
        "unused-size");
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_kind_name(
                               QEMU_VMSTATE_FINDING_STRUCT_MISMATCH),
                           "struct-mismatch");
    CU_ASSERT_STRING_EQUAL(
        qemu_vmstate_finding_kind_name((QemuVmstateFindingKind)999),
        "unknown");
}

static char *render_check(const GPtrArray *findings)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < findings->len; i++) {
        const QemuVmstateFinding *f = findings->pdata[i];
        QemuVmstateFindingKind kind = qemu_vmstate_finding_get_kind(f);
        const char *msg = qemu_vmstate_finding_get_message(f);

        if (kind == QEMU_VMSTATE_FINDING_SECTION_OK) {
            g_string_append_printf(s, "ok: %s\n", msg);
        } else if (kind == QEMU_VMSTATE_FINDING_SECTION_UNCHECKED) {
            g_string_append_printf(s, "unchecked: %s\n", msg);
        } else if (!qemu_vmstate_finding_is_error(f)) {
            g_string_append_printf(s, "note: %s\n", msg);
        } else {
            g_string_append_printf(s, "blocked: %s: %s\n",
                                   qemu_vmstate_finding_kind_name(kind), msg);
        }
    }
    return g_string_free(s, false);
}

static void check_cases_give_expected_results(void)
{
    g_autoptr(GPtrArray) dirs = case_dirs(DATA "check");

    CU_ASSERT_TRUE(dirs->len >= 6);
    for (guint i = 0; i < dirs->len; i++) {
        const char *dir = dirs->pdata[i];
        g_autoptr(QemuVmstate) dst = load(dir, "dump.json");
        g_autofree char *sp = g_build_filename(dir, "stream", NULL);
        g_autofree char *vp = g_build_filename(dir, "vmdesc.json", NULL);
        g_autofree char *exp_path = g_build_filename(dir, "expected", NULL);
        g_autoptr(GBytes) want = test_read_file(exp_path);
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) vmdesc = NULL;
        g_autoptr(GPtrArray) findings = NULL;
        g_autofree char *stream = NULL;
        g_autofree char *got = NULL;

        CU_ASSERT_PTR_NOT_NULL_FATAL(dst);
        if (g_file_get_contents(sp, &stream, NULL, NULL)) {
            g_strstrip(stream);
        }
        vmdesc = qemu_stream_load_vmdesc_path(stream ? stream : vp, NULL,
                                              &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(vmdesc);
        findings = qemu_vmstate_check_vmdesc(dst, vmdesc, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(findings);
        got = render_check(findings);
        if (strlen(got) != g_bytes_get_size(want) ||
            memcmp(got, g_bytes_get_data(want, NULL), strlen(got))) {
            fprintf(stderr, "\n%s: got\n%s", dir, got);
            CU_FAIL("results differ from the expected file");
        }
    }
}

/* The status finding names the stream section and instance; notes follow
 * their section. */
static void check_findings_carry_section_and_instance(void)
{
    const char *dir = DATA "check/nested-and-instances";
    g_autoptr(QemuVmstate) dst = load(dir, "dump.json");
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) vmdesc = qemu_stream_load_vmdesc_path(
        DATA "check/nested-and-instances/vmdesc.json", NULL, &err);
    g_autoptr(GPtrArray) r = NULL;
    const QemuVmstateFinding *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dst);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vmdesc);
    r = qemu_vmstate_check_vmdesc(dst, vmdesc, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL_FATAL(r->len, 4);
    f = r->pdata[1];
    CU_ASSERT_EQUAL(qemu_vmstate_finding_get_kind(f),
                    QEMU_VMSTATE_FINDING_SIZE);
    CU_ASSERT_TRUE(qemu_vmstate_finding_is_error(f));
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_section(f), "serial");
    CU_ASSERT_EQUAL(qemu_vmstate_finding_get_instance(f), 1);
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_path(f),
                           "serial#1.serial/fifo.rcv.head");
    CU_ASSERT_PTR_NULL(qemu_vmstate_finding_get_description(f));
    f = r->pdata[0];
    CU_ASSERT_EQUAL(qemu_vmstate_finding_get_kind(f),
                    QEMU_VMSTATE_FINDING_SECTION_OK);
    CU_ASSERT_FALSE(qemu_vmstate_finding_is_error(f));
    CU_ASSERT_EQUAL(qemu_vmstate_finding_get_instance(f), 0);
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_description(f),
                           "serial");
    f = r->pdata[2];
    CU_ASSERT_EQUAL(qemu_vmstate_finding_get_kind(f),
                    QEMU_VMSTATE_FINDING_SECTION_UNCHECKED);
    CU_ASSERT_FALSE(qemu_vmstate_finding_is_error(f));
    CU_ASSERT_PTR_NULL(qemu_vmstate_finding_get_description(f));
}

/* A vmdesc comes from the stream: every member is checked. */
static void check_refuses_malformed_vmdesc(void)
{
    static const struct {
        const char *json;
        int code;
        const char *msg;
    } cases[] = {
        { "[]", QVISIT_ERROR_TYPE,
          "vmdesc: expected an object with a \"devices\" list" },
        { "{\"devices\": {}}", QVISIT_ERROR_TYPE,
          "vmdesc: expected an object with a \"devices\" list" },
        { "{\"devices\": [1]}", QVISIT_ERROR_TYPE,
          "devices[0]: expected an object" },
        { "{\"devices\": [{\"instance_id\": 0}]}", QVISIT_ERROR_MISSING,
          "devices[0].name: missing member" },
        { "{\"devices\": [{\"name\": \"a\"}]}", QVISIT_ERROR_MISSING,
          "devices[0].instance_id: missing member" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": -1}]}",
          QVISIT_ERROR_RANGE,
          "devices[0].instance_id: expected a non-negative integer" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": \"0\"}]}",
          QVISIT_ERROR_TYPE,
          "devices[0].instance_id: expected a non-negative integer" },
        { "{\"devices\": [{\"name\": \"a\", "
          "\"instance_id\": 18446744073709551615}]}", QVISIT_ERROR_RANGE,
          "devices[0].instance_id: expected a non-negative integer" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": 3}]}", QVISIT_ERROR_TYPE,
          "devices[0].vmsd_name: expected a string" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": \"a\"}]}", QVISIT_ERROR_MISSING,
          "devices[0].version: missing member" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": \"a\", \"version\": 1.5}]}", QVISIT_ERROR_TYPE,
          "devices[0].version: expected an integer" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": \"a\", \"version\": 1, \"fields\": {}}]}",
          QVISIT_ERROR_TYPE, "devices[0].fields: expected an array" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": \"a\", \"version\": 1, \"fields\": "
          "[{\"name\": \"x\", \"type\": \"uint8\", \"size\": -1}]}]}",
          QVISIT_ERROR_RANGE,
          "devices[0].fields[0].size: expected a non-negative integer" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": \"a\", \"version\": 1, \"fields\": "
          "[{\"name\": \"x\", \"size\": 1}]}]}", QVISIT_ERROR_MISSING,
          "devices[0].fields[0].type: missing member" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": \"a\", \"version\": 1, \"fields\": "
          "[{\"name\": \"x\", \"type\": \"struct\", \"size\": 1, "
          "\"struct\": []}]}]}", QVISIT_ERROR_TYPE,
          "devices[0].fields[0].struct: expected an object" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": \"a\", \"version\": 1, \"fields\": "
          "[{\"name\": \"x\", \"type\": \"struct\", \"size\": 1, "
          "\"struct\": {\"vmsd_name\": \"b\"}}]}]}", QVISIT_ERROR_MISSING,
          "devices[0].fields[0].struct.version: missing member" },
        { "{\"devices\": [{\"name\": \"a\", \"instance_id\": 0, "
          "\"vmsd_name\": \"a\", \"version\": 1, \"subsections\": "
          "[{\"version\": 1}]}]}", QVISIT_ERROR_MISSING,
          "devices[0].subsections[0].vmsd_name: missing member" },
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(QemuVmstate) dst = qemu_vmstate_from_json("{}", -1, NULL,
                                                        &err);

    CU_ASSERT_PTR_NOT_NULL_FATAL(dst);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(QObject) v = qobject_from_json(cases[i].json, &err);
        GPtrArray *r;

        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        r = qemu_vmstate_check_vmdesc(dst, v, &err);
        CU_ASSERT_PTR_NULL(r);
        if (r) {
            g_ptr_array_unref(r);
        }
        ASSERT_ERROR(err, cases[i].code, cases[i].msg);
    }
}

/* Names come from the files: control characters in them are escaped in
 * paths and messages, so every line of output stays one line. */
static void names_with_control_characters_are_escaped(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QemuVmstate) src = qemu_vmstate_from_json(
        "{\"a\\tb\": {\"version_id\": 1}}", -1, NULL, &err);
    g_autoptr(QemuVmstate) dst = qemu_vmstate_from_json("{}", -1, NULL,
                                                        &err);
    g_autoptr(QObject) vmdesc = qobject_from_json(
        "{\"page_size\": 4096, \"devices\": [{\"name\": \"x\\ny\", "
        "\"instance_id\": 1, \"vmsd_name\": \"v\\r\", \"version\": 1}]}",
        &err);
    g_autoptr(GPtrArray) r = NULL;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dst);
    r = qemu_vmstate_compare(src, dst);
    CU_ASSERT_EQUAL_FATAL(r->len, 1);
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_section(r->pdata[0]),
                           "a\tb");
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_path(r->pdata[0]),
                           "a\\x09b");
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_message(r->pdata[0]),
                           "a\\x09b: not in the destination");
    g_ptr_array_unref(g_steal_pointer(&r));
    CU_ASSERT_PTR_NOT_NULL_FATAL(vmdesc);
    r = qemu_vmstate_check_vmdesc(dst, vmdesc, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL_FATAL(r->len, 1);
    CU_ASSERT_STRING_EQUAL(qemu_vmstate_finding_get_message(r->pdata[0]),
                           "x\\x0ay#1: no vmsd \"v\\x0d\" in the destination's "
                           "file (it lists devices with a qdev vmsd only)");
}

static const TestCase tests[] = {
    { "compare_cases_give_expected_findings",
      compare_cases_give_expected_findings },
    { "qemu_pair_findings_carry_section_path_and_description",
      qemu_pair_findings_carry_section_path_and_description },
    { "load_cases_give_expected_errors", load_cases_give_expected_errors },
    { "load_path_reports_io_errors_and_limits",
      load_path_reports_io_errors_and_limits },
    { "empty_file_has_no_machine_and_no_findings",
      empty_file_has_no_machine_and_no_findings },
    { "kind_names_are_stable", kind_names_are_stable },
    { "check_cases_give_expected_results",
      check_cases_give_expected_results },
    { "check_findings_carry_section_and_instance",
      check_findings_carry_section_and_instance },
    { "check_refuses_malformed_vmdesc", check_refuses_malformed_vmdesc },
    { "names_with_control_characters_are_escaped",
      names_with_control_characters_are_escaped },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-vmstate", tests);
}
