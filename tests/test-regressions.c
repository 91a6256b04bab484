/*
 * Regressions found by fuzzing: every crashing input is kept in
 * tests/data/regressions/<case>/ and replayed through the same harness the
 * fuzz target used (tests/fuzz-harness.h).
 *
 * A case folder holds:
 *   surface   the harness surface ("json-visitor", ...), one line
 *   input     the raw fuzz input, byte for byte
 *   error     the code name on the first line, the exact message on the
 *             second; or "OK" alone when the input must load
 *   cause     what crashed and what fixed it (not read by the test)
 */
#include <stdio.h>
#include <string.h>

#include "tests/fuzz-harness.h"
#include "tests/test-util.h"

#define REGRESSIONS_DIR "tests/data/regressions"

static char *read_text(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GBytes) b = test_read_file(path);

    return g_strndup(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
}

static bool replay_case(const char *dir)
{
    g_autofree char *surface = g_strstrip(read_text(dir, "surface"));
    g_autofree char *expect = read_text(dir, "error");
    g_autofree char *input_path = g_build_filename(dir, "input", NULL);
    g_autoptr(GBytes) input = test_read_file(input_path);
    g_auto(GStrv) lines = g_strsplit(expect, "\n", 3);
    g_autoptr(GError) err = NULL;
    size_t size;
    const uint8_t *data = g_bytes_get_data(input, &size);
    bool ok = fuzz_harness_replay(surface, data, size, &err);

    if (!strcmp(g_strstrip(lines[0]), "OK")) {
        if (!ok) {
            fprintf(stderr, "\n%s: expected a load, got %s\n", dir,
                    err->message);
        }
        return ok;
    }
    if (!lines[1]) {
        fprintf(stderr, "\n%s: error file needs two lines\n", dir);
        return false;
    }
    if (ok || !err || err->domain != QVISIT_ERROR ||
        strcmp(qvisit_error_code_name(err->code), lines[0]) ||
        strcmp(err->message, lines[1])) {
        fprintf(stderr, "\n%s:\n  want %s: %s\n  got  %s: %s\n", dir,
                lines[0], lines[1],
                err ? qvisit_error_code_name(err->code) : "-",
                err ? err->message : "loaded");
        return false;
    }
    return true;
}

static void every_regression_input_fails_cleanly(void)
{
    g_autoptr(GError) err = NULL;
    GDir *d = g_dir_open(REGRESSIONS_DIR, 0, &err);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    ASSERT_NO_ERROR(err);
    if (!d) {
        return;
    }
    while ((name = g_dir_read_name(d))) {
        g_ptr_array_add(names, g_strdup(name));
    }
    g_dir_close(d);
    CU_ASSERT_TRUE(names->len > 0);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *dir = g_build_filename(REGRESSIONS_DIR,
                                                names->pdata[i], NULL);

        CU_ASSERT_TRUE(replay_case(dir));
    }
}

static const TestCase tests[] = {
    { "every_regression_input_fails_cleanly",
      every_regression_input_fails_cleanly },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("regressions", tests);
}
