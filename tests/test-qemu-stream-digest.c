/*
 * The RAM page digest of `qvisit diff` (qemustream/qemu-stream-digest.c):
 * its scalar, SSE2 and AVX2 forms give the same value for every length,
 * so a digest does not depend on the machine, and it notices any one
 * flipped bit and any two 64-byte stripes swapped.
 *
 * A white-box suite: it includes the codec's internal header, as nothing
 * public selects one form of the digest; the values each form gives are
 * also pinned through the public API by
 * ram_digests_are_fixed_values in test-qemu-stream.c.
 */
#include "tests/test-util.h"

#include <inttypes.h>
#include <string.h>

#include "qemustream/qemu-stream-internal.h"

#define PAGE 4096

/* A fixed pseudo-random pattern (xorshift64), the same on every run. */
static void fill_pattern(uint8_t *p, size_t len, uint64_t seed)
{
    uint64_t x = seed | 1;

    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (uint8_t)(x >> 24);
    }
}

/* Every length from 0 to two pages plus one stripe: the forms this CPU
 * has agree with the scalar one, whole stripes and tails alike. */
static void digest_forms_agree_for_every_length(void)
{
    /* One byte more, to start at an odd address: pages in a read window
     * are not aligned. */
    static uint8_t buf[1 + 2 * PAGE + 64 + 1];
    const uint8_t *p = buf + 1;
    QsDigestImpl best = qs__digest_best();
    size_t checked = 0;

    fill_pattern(buf, sizeof(buf), 42);
    for (size_t len = 0; len < sizeof(buf) - 1; len++) {
        uint64_t want = qs__page_digest_with(p, len, QS_DIGEST_SCALAR);

        for (int impl = QS_DIGEST_SCALAR; impl <= (int)best; impl++) {
            uint64_t got = qs__page_digest_with(p, len, (QsDigestImpl)impl);

            if (got != want) {
                fprintf(stderr, "length %zu, form %d: %016" PRIx64
                        " != %016" PRIx64 "\n", len, impl, got, want);
                CU_FAIL_FATAL("a form of the digest differs from the "
                              "scalar one");
            }
            checked++;
        }
        CU_ASSERT_EQUAL(qs__page_digest(p, len), want);
    }
    CU_ASSERT(checked >= sizeof(buf) - 1);
}

/* The reference values: a change of the digest changes what
 * `qvisit info --json` prints, so it is deliberate. */
static void digest_has_fixed_values(void)
{
    static const struct {
        size_t len;
        uint64_t seed;      /* 0: all zero bytes */
        uint64_t want;
    } cases[] = {
        { 0,    0,  UINT64_C(0x179fbb4ee25a0c6e) },
        { PAGE, 0,  UINT64_C(0x74dad5c57acbd0a2) },
        { PAGE, 7,  UINT64_C(0x574ccd13d7cef452) },
        { 100,  7,  UINT64_C(0x1b0ba20ca2234d23) },
    };
    uint8_t page[PAGE];

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint64_t got;

        memset(page, 0, sizeof(page));
        if (cases[i].seed) {
            fill_pattern(page, cases[i].len, cases[i].seed);
        }
        got = qs__page_digest_with(page, cases[i].len, QS_DIGEST_SCALAR);
        if (got != cases[i].want) {
            fprintf(stderr, "case %zu: %016" PRIx64 "\n", i, got);
        }
        CU_ASSERT_EQUAL(got, cases[i].want);
        CU_ASSERT_EQUAL(qs__page_digest(page, cases[i].len),
                        cases[i].want);
    }
}

/* Every single-bit change of a page and every swap of two neighbouring
 * stripes gives another digest. */
static void digest_notices_flipped_bits_and_swapped_stripes(void)
{
    uint8_t page[PAGE], tmp[64];
    uint64_t base;
    size_t same = 0;

    fill_pattern(page, sizeof(page), 3);
    base = qs__page_digest(page, sizeof(page));
    for (size_t bit = 0; bit < 8 * sizeof(page); bit++) {
        page[bit / 8] ^= 1u << (bit % 8);
        same += qs__page_digest(page, sizeof(page)) == base;
        page[bit / 8] ^= 1u << (bit % 8);
    }
    for (size_t s = 0; s + 1 < sizeof(page) / 64; s++) {
        memcpy(tmp, page + 64 * s, 64);
        memcpy(page + 64 * s, page + 64 * s + 64, 64);
        memcpy(page + 64 * s + 64, tmp, 64);
        same += qs__page_digest(page, sizeof(page)) == base;
        memcpy(page + 64 * s + 64, page + 64 * s, 64);
        memcpy(page + 64 * s, tmp, 64);
    }
    CU_ASSERT_EQUAL(same, 0);
    CU_ASSERT_EQUAL(qs__page_digest(page, sizeof(page)), base);
}

static const TestCase tests[] = {
    { "digest_forms_agree_for_every_length",
      digest_forms_agree_for_every_length },
    { "digest_has_fixed_values", digest_has_fixed_values },
    { "digest_notices_flipped_bits_and_swapped_stripes",
      digest_notices_flipped_bits_and_swapped_stripes },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qemu-stream-digest", tests);
}
