/*
 * The -dump-vmstate reader and qemu_vmstate_compare() (the static
 * checker). Data-file cases:
 *   tests/data/qemu-vmstate/compare/<case>/{src.json,dst.json,expected}
 *     (a file "reverse" swaps the two); expected holds one line per
 *     finding, "error|warning: KIND: MESSAGE", as the CLI prints them;
 *   tests/data/qemu-vmstate/load/<case>/{input.json,error}.
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

    CU_ASSERT_TRUE(dirs->len >= 17);
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
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-vmstate", tests);
}
