#include "tests/test-util.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

int test_run_suite(const char *suite_name, const TestCase *tests)
{
    unsigned failures;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return 2;
    }
    CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
    for (const TestCase *t = tests; t->name; t++) {
        CU_add_test(suite, t->name, t->fn);
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0 || CU_get_error() != CUE_SUCCESS;
}

static void hexdump_around(const char *label, const uint8_t *p, size_t len,
                           size_t at)
{
    size_t start = at > 16 ? at - 16 : 0;
    size_t end = MIN(len, at + 16);

    fprintf(stderr, "  %s (%zu bytes) @%zu:", label, len, start);
    for (size_t i = start; i < end; i++) {
        fprintf(stderr, i == at ? " [%02x]" : " %02x", p[i]);
    }
    fprintf(stderr, "\n");
}

bool test_bytes_equal(const void *got, size_t got_len, const void *want,
                      size_t want_len, const char *file, int line)
{
    const uint8_t *g = got, *w = want;
    size_t n = MIN(got_len, want_len);
    size_t i = 0;

    if (got_len == want_len && (n == 0 || memcmp(g, w, n) == 0)) {
        return true;
    }
    while (i < n && g[i] == w[i]) {
        i++;
    }
    fprintf(stderr, "\n%s:%d: bytes differ at offset %zu\n", file, line, i);
    hexdump_around("got ", g, got_len, i);
    hexdump_around("want", w, want_len, i);
    return false;
}

static bool check_error(GError **err, int code, const char *msg, bool prefix,
                        const char *file, int line)
{
    bool ok;

    if (*err == NULL) {
        fprintf(stderr, "\n%s:%d: expected error %s, got success\n", file,
                line, qvisit_error_code_name(code));
        return false;
    }
    ok = (*err)->domain == QVISIT_ERROR && (*err)->code == code;
    if (msg) {
        ok = ok && (prefix ? g_str_has_prefix((*err)->message, msg)
                           : strcmp((*err)->message, msg) == 0);
    }
    if (!ok) {
        fprintf(stderr, "\n%s:%d: expected %s \"%s\"%s, got %s %s \"%s\"\n",
                file, line, qvisit_error_code_name(code), msg ? msg : "*",
                prefix ? "..." : "", g_quark_to_string((*err)->domain),
                (*err)->domain == QVISIT_ERROR
                    ? qvisit_error_code_name((*err)->code) : "?",
                (*err)->message);
    }
    g_clear_error(err);
    return ok;
}

bool test_error_is(GError **err, int code, const char *msg, const char *file,
                   int line)
{
    return check_error(err, code, msg, false, file, line);
}

bool test_error_has_prefix(GError **err, int code, const char *prefix,
                           const char *file, int line)
{
    return check_error(err, code, prefix, true, file, line);
}

bool test_no_error(GError **err, const char *file, int line)
{
    if (*err == NULL) {
        return true;
    }
    fprintf(stderr, "\n%s:%d: unexpected error %s: %s\n", file, line,
            (*err)->domain == QVISIT_ERROR
                ? qvisit_error_code_name((*err)->code) : "?",
            (*err)->message);
    g_clear_error(err);
    return false;
}

bool test_qobject_equal(const QObject *got, const QObject *want,
                        const char *file, int line)
{
    if (qobject_is_equal(got, want)) {
        return true;
    }
    g_autoptr(GString) g = got ? qobject_to_json(got) : g_string_new("NULL");
    g_autoptr(GString) w = want ? qobject_to_json(want) : g_string_new("NULL");
    fprintf(stderr, "\n%s:%d: QObjects differ\n  got:  %.2000s\n  want: %.2000s\n",
            file, line, g->str, w->str);
    return false;
}

GBytes *test_read_file(const char *path)
{
    g_autoptr(GError) err = NULL;
    gchar *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "cannot read %s: %s\n", path, err->message);
        abort();
    }
    return g_bytes_new_take(data, len);
}

uint64_t test_rand_next(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}
