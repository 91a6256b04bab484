/*
 * libFuzzer target: the -dump-vmstate reader and both checks. The input is
 * read as a -dump-vmstate file (qemu_vmstate_from_json()) and as a vmdesc
 * (qemu_vmstate_check_vmdesc() against a small fixed dump and, when it
 * loaded, against itself).
 *
 * Oracles: every finding's message is one line that starts with its
 * path; every failure keeps the GError contract (fuzz_check_result()).
 * (A file compared with itself may have findings: a version below its own
 * minimum, or two subsections of one name, which the checker compares
 * crosswise.)
 */
#include "fuzz/fuzz-common.h"

#include <string.h>

/* A dump whose descriptions a fuzzed vmdesc can reach: fields, a struct,
 * repeated names, a conditional field, a subsection. */
static const char fixed_dump[] =
    "{\"vmschkmachine\": {\"Name\": \"pc\"},"
    " \"isa-serial\": {\"Name\": \"isa-serial\", \"version_id\": 3,"
    "  \"minimum_version_id\": 2, \"Description\": {\"name\": \"serial\","
    "  \"version_id\": 3, \"minimum_version_id\": 2, \"Fields\": ["
    "   {\"field\": \"a\", \"version_id\": 0, \"field_exists\": false,"
    "    \"size\": 2},"
    "   {\"field\": \"a\", \"version_id\": 2, \"field_exists\": true,"
    "    \"size\": 1},"
    "   {\"field\": \"s\", \"version_id\": 0, \"field_exists\": false,"
    "    \"size\": 8, \"Description\": {\"name\": \"inner\","
    "    \"version_id\": 1, \"minimum_version_id\": 1, \"Fields\": ["
    "     {\"field\": \"x\", \"version_id\": 0, \"field_exists\": false,"
    "      \"size\": 4}]}},"
    "   {\"field\": \"unused\", \"version_id\": 0, \"field_exists\": false,"
    "    \"size\": 0}],"
    "  \"Subsections\": [{\"name\": \"serial/sub\", \"version_id\": 1,"
    "   \"minimum_version_id\": 1, \"Fields\": [{\"field\": \"y\","
    "   \"version_id\": 0, \"field_exists\": false, \"size\": 1}]}]}}}";

static QemuVmstate *fixed;

static void check_findings(GPtrArray *r)
{
    for (guint i = 0; i < r->len; i++) {
        const char *path = qemu_vmstate_finding_get_path(r->pdata[i]);
        const char *msg = qemu_vmstate_finding_get_message(r->pdata[i]);

        if (!g_str_has_prefix(msg, path) || strchr(msg, '\n') ||
            !qemu_vmstate_finding_get_section(r->pdata[i])) {
            g_error("bad finding: %s", msg);
        }
    }
    g_ptr_array_unref(r);
}

static void check_against(const QemuVmstate *dst, const QObject *vmdesc)
{
    GError *err = NULL;
    GPtrArray *r = qemu_vmstate_check_vmdesc(dst, vmdesc, &err);

    fuzz_check_result(r != NULL, err);
    if (r) {
        check_findings(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    QemuVmstate *vs;
    QObject *obj;

    if (!fixed) {
        fixed = qemu_vmstate_from_json(fixed_dump, -1, NULL, NULL);
        g_assert(fixed);
    }
    vs = qemu_vmstate_from_json((const char *)data, size, NULL, &err);
    fuzz_check_result(vs != NULL, err);
    if (vs) {
        check_findings(qemu_vmstate_compare(vs, vs));
        check_findings(qemu_vmstate_compare(vs, fixed));
        check_findings(qemu_vmstate_compare(fixed, vs));
    }
    err = NULL;
    obj = qobject_from_json_full((const char *)data, size, NULL, &err);
    fuzz_check_result(obj != NULL, err);
    if (obj) {
        check_against(fixed, obj);
        if (vs) {
            check_against(vs, obj);
        }
        qobject_unref(obj);
    }
    qemu_vmstate_free(vs);
    return 0;
}
