/*
 * Helpers shared by the CUnit suites (tests/support/test-util.c).
 *
 * Every suite's main() is:
 *     int main(void) { return test_run_suite("name", tests); }
 * with a NULL-terminated TestCase table. test_run_suite() returns non-zero
 * when any assertion failed, which CU_basic_run_tests() alone does not.
 */
#ifndef QVISIT_TEST_UTIL_H
#define QVISIT_TEST_UTIL_H

#include <CUnit/CUnit.h>
#include <glib.h>

#include "qvisit/qvisit.h"

typedef struct TestCase {
    const char *name;
    void (*fn)(void);
} TestCase;

/* Runs one suite of tests in basic mode; returns the process exit code. */
int test_run_suite(const char *suite_name, const TestCase *tests);

/*
 * Compares two byte ranges; on a difference prints a hex dump around the
 * first differing byte and fails the current test.
 */
#define ASSERT_BYTES_EQUAL(got, got_len, want, want_len) \
    CU_ASSERT_TRUE(test_bytes_equal((got), (got_len), (want), (want_len), \
                                    __FILE__, __LINE__))
bool test_bytes_equal(const void *got, size_t got_len, const void *want,
                      size_t want_len, const char *file, int line);

/*
 * Checks that @err is set, in QVISIT_ERROR, with @code and (if @msg is not
 * NULL) exactly the message @msg; prints what differs. Frees @err and sets
 * it to NULL.
 */
#define ASSERT_ERROR(err, code, msg) \
    CU_ASSERT_TRUE(test_error_is(&(err), (code), (msg), __FILE__, __LINE__))
bool test_error_is(GError **err, int code, const char *msg, const char *file,
                   int line);

/* As ASSERT_ERROR, but @prefix must only start the message. */
#define ASSERT_ERROR_PREFIX(err, code, prefix) \
    CU_ASSERT_TRUE(test_error_has_prefix(&(err), (code), (prefix), \
                                         __FILE__, __LINE__))
bool test_error_has_prefix(GError **err, int code, const char *prefix,
                           const char *file, int line);

/* Fails the test and prints the message when @err is set; frees it. */
#define ASSERT_NO_ERROR(err) \
    CU_ASSERT_TRUE(test_no_error(&(err), __FILE__, __LINE__))
bool test_no_error(GError **err, const char *file, int line);

/* Compares two QObjects with qobject_is_equal(); prints both as JSON. */
#define ASSERT_QOBJECT_EQUAL(got, want) \
    CU_ASSERT_TRUE(test_qobject_equal((got), (want), __FILE__, __LINE__))
bool test_qobject_equal(const QObject *got, const QObject *want,
                        const char *file, int line);

/* Reads a whole file under the source tree; aborts the test on failure. */
GBytes *test_read_file(const char *path);

/* Deterministic PRNG for state generation (xorshift64*). */
uint64_t test_rand_next(uint64_t *state);

#endif /* QVISIT_TEST_UTIL_H */
