/*
 * Untrusted text: every piece of text taken from the input (section ids,
 * member names, vmdesc field names, RAM block ids, a peer's status
 * message) reaches a message or a listing only through
 * qvisit_error_escape(), so a message stays one line and prints no
 * terminal control sequence. Each case builds an input holding a newline
 * and an ESC and asserts the exact, escaped, one-line message.
 */
#include "tests/test-util.h"

#include <string.h>

/* --- The helper --------------------------------------------------------- */

static const struct {
    const char *in;
    gssize len;
    const char *want;
} escape_cases[] = {
    { "plain id 0000:00:02.0/e1000", -1, "plain id 0000:00:02.0/e1000" },
    { "", -1, "" },
    { "evil\nqvisit: injected line", -1, "evil\\x0aqvisit: injected line" },
    { "\x1b[31mred\x1b[0m", -1, "\\x1b[31mred\\x1b[0m" },
    { "tab\there\r", -1, "tab\\x09here\\x0d" },
    { "del\x7f", -1, "del\\x7f" },
    { "nul\0byte", 8, "nul\\x00byte" },
    /* A backslash is kept: escaping twice gives the same text. */
    { "a\\x0ab", -1, "a\\x0ab" },
    /* Printable UTF-8 stays. */
    { "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80", -1,
      "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80" },
    /* C1 control CSI (U+009B), NEL (U+0085). */
    { "\xc2\x9b" "2J\xc2\x85", -1, "\\xc2\\x9b2J\\xc2\\x85" },
    /* Line and paragraph separators, right-to-left override, zero width
     * space. */
    { "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xe2\x80\xae" "d\xe2\x80\x8b", -1,
      "a\\xe2\\x80\\xa8b\\xe2\\x80\\xa9c\\xe2\\x80\\xaed\\xe2\\x80\\x8b" },
    /* Invalid UTF-8: a lone continuation byte, a cut sequence, an overlong
     * encoding, a surrogate. */
    { "\x80x\xc3", -1, "\\x80x\\xc3" },
    { "\xc0\xaf", -1, "\\xc0\\xaf" },
    { "\xed\xa0\x80", -1, "\\xed\\xa0\\x80" },
    /* @len cuts a valid sequence: its bytes are invalid. */
    { "\xc3\xa9", 1, "\\xc3" },
    { NULL, 0, "" },
};

static void escape_renders_every_unsafe_byte_as_hex(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(escape_cases); i++) {
        g_autofree char *got = qvisit_error_escape(escape_cases[i].in,
                                                   escape_cases[i].len);
        g_autofree char *again = qvisit_error_escape(got, -1);

        if (strcmp(got, escape_cases[i].want)) {
            fprintf(stderr, "\ncase %zu: got \"%s\", want \"%s\"\n", i, got,
                    escape_cases[i].want);
        }
        CU_ASSERT_STRING_EQUAL(got, escape_cases[i].want);
        CU_ASSERT_STRING_EQUAL(again, got);
    }
}

static void escape_is_bounded(void)
{
    g_autofree char *big = g_strnfill(100000, 'a');
    g_autofree char *ctl = g_strnfill(100000, '\n');
    g_autofree char *got = qvisit_error_escape(big, -1);
    g_autofree char *got_ctl = qvisit_error_escape(ctl, -1);
    g_autofree char *exact = qvisit_error_escape(big,
                                                 QVISIT_ERROR_ESCAPE_MAX);
    g_autofree char *want = g_strdup_printf("%.*s...",
                                            QVISIT_ERROR_ESCAPE_MAX, big);
    /* A multi-byte character that starts just before the bound is kept
     * whole. */
    g_autofree char *edge = g_strdup_printf("%.*s\xc3\xa9tail",
                                            QVISIT_ERROR_ESCAPE_MAX - 1, big);
    g_autofree char *got_edge = qvisit_error_escape(edge, -1);

    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(strlen(got_ctl), 4 * QVISIT_ERROR_ESCAPE_MAX + 3);
    CU_ASSERT_TRUE(g_str_has_prefix(got_ctl, "\\x0a\\x0a"));
    CU_ASSERT_TRUE(g_str_has_suffix(got_ctl, "\\x0a..."));
    CU_ASSERT_EQUAL(strlen(exact), QVISIT_ERROR_ESCAPE_MAX);
    CU_ASSERT_EQUAL(strlen(got_edge), QVISIT_ERROR_ESCAPE_MAX + 1 + 3);
    CU_ASSERT_TRUE(g_str_has_suffix(got_edge, "\xc3\xa9..."));
}

static const TestCase tests[] = {
    { "escape_renders_every_unsafe_byte_as_hex",
      escape_renders_every_unsafe_byte_as_hex },
    { "escape_is_bounded", escape_is_bounded },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("untrusted", tests);
}
