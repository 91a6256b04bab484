/*
 * The page digest of `qvisit diff` (qs__page_digest()): every RAM page of
 * both streams goes through it, so after reading the bytes it is most of
 * a diff's work.
 *
 * The shape is XXH3's accumulate step (xxHash, "XXH3_accumulate_512"):
 * eight 64-bit lanes over 64-byte stripes, each lane adding its
 * neighbour's raw word and the 32x32->64 product of the two halves of
 * its word xor a key. The products are what vector units do well
 * (PMULUDQ), so the same arithmetic runs as scalar code, with SSE2 (every
 * x86-64) or with AVX2 when the CPU has it, and all three give the same
 * value: the digests in `qvisit info --json` do not depend on the
 * machine. The key of lane i at stripe s is key[i] + s * step[i], so two
 * stripes swapped change the sums. Not cryptographic: two different
 * pages could collide, as with any 64-bit digest.
 */
#include "qemustream/qemu-stream-internal.h"
#include "util/big-alloc.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QS_DIGEST_X86 1
#include <immintrin.h>
#endif

#define LANES 8
#define STRIPE (LANES * 8)

/* Odd 64-bit constants (splitmix64 outputs): the keys at stripe 0 and
 * what each stripe adds to them. */
static const uint64_t digest_key[LANES] = {
    UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f5),
    UINT64_C(0x06c45d188009454f), UINT64_C(0xf88bb8a8724c81ed),
    UINT64_C(0x1b39896a51a8749b), UINT64_C(0x53cb9f0c747ea2eb),
    UINT64_C(0x2c829abe1f4532e1), UINT64_C(0xc584133ac916ab3d),
};
static const uint64_t digest_step[LANES] = {
    UINT64_C(0x9e3779b97f4a7c15), UINT64_C(0xbf58476d1ce4e5b9),
    UINT64_C(0x94d049bb133111eb), UINT64_C(0xc2b2ae3d27d4eb4f),
    UINT64_C(0x165667b19e3779f9), UINT64_C(0x27d4eb2f165667c5),
    UINT64_C(0xff51afd7ed558ccd), UINT64_C(0xc4ceb9fe1a85ec53),
};

static inline uint64_t le64_at(const uint8_t *p)
{
    uint64_t w;

    memcpy(&w, p, 8);
    return GUINT64_FROM_LE(w);
}

/* The reference: @n whole stripes of @p into @acc. */
static void accumulate_scalar(uint64_t *acc, const uint8_t *p, size_t n)
{
    uint64_t key[LANES];

    memcpy(key, digest_key, sizeof(key));
    for (size_t s = 0; s < n; s++, p += STRIPE) {
        for (int i = 0; i < LANES; i++) {
            uint64_t k = le64_at(p + 8 * i) ^ key[i];

            acc[i] += le64_at(p + 8 * (i ^ 1));
            acc[i] += (k & 0xffffffffu) * (k >> 32);
            key[i] += digest_step[i];
        }
    }
}

#ifdef QS_DIGEST_X86
static void accumulate_sse2(uint64_t *acc, const uint8_t *p, size_t n)
{
    __m128i a[LANES / 2], key[LANES / 2], step[LANES / 2];

    for (int j = 0; j < LANES / 2; j++) {
        a[j] = _mm_loadu_si128((const __m128i *)(acc + 2 * j));
        key[j] = _mm_loadu_si128((const __m128i *)(digest_key + 2 * j));
        step[j] = _mm_loadu_si128((const __m128i *)(digest_step + 2 * j));
    }
    for (size_t s = 0; s < n; s++, p += STRIPE) {
        for (int j = 0; j < LANES / 2; j++) {
            __m128i d = _mm_loadu_si128((const __m128i *)(p + 16 * j));
            __m128i k = _mm_xor_si128(d, key[j]);
            /* the neighbour's word: swap the two 64-bit halves */
            __m128i sw = _mm_shuffle_epi32(d, _MM_SHUFFLE(1, 0, 3, 2));

            a[j] = _mm_add_epi64(a[j], sw);
            a[j] = _mm_add_epi64(a[j],
                                 _mm_mul_epu32(k, _mm_srli_epi64(k, 32)));
            key[j] = _mm_add_epi64(key[j], step[j]);
        }
    }
    for (int j = 0; j < LANES / 2; j++) {
        _mm_storeu_si128((__m128i *)(acc + 2 * j), a[j]);
    }
}

__attribute__((target("avx2")))
static void accumulate_avx2(uint64_t *acc, const uint8_t *p, size_t n)
{
    __m256i a[LANES / 4], key[LANES / 4], step[LANES / 4];

    for (int j = 0; j < LANES / 4; j++) {
        a[j] = _mm256_loadu_si256((const __m256i *)(acc + 4 * j));
        key[j] = _mm256_loadu_si256((const __m256i *)(digest_key + 4 * j));
        step[j] = _mm256_loadu_si256((const __m256i *)(digest_step + 4 * j));
    }
    for (size_t s = 0; s < n; s++, p += STRIPE) {
        for (int j = 0; j < LANES / 4; j++) {
            __m256i d = _mm256_loadu_si256((const __m256i *)(p + 32 * j));
            __m256i k = _mm256_xor_si256(d, key[j]);
            __m256i sw = _mm256_shuffle_epi32(d, _MM_SHUFFLE(1, 0, 3, 2));

            a[j] = _mm256_add_epi64(a[j], sw);
            a[j] = _mm256_add_epi64(a[j],
                                    _mm256_mul_epu32(k,
                                                     _mm256_srli_epi64(k,
                                                                       32)));
            key[j] = _mm256_add_epi64(key[j], step[j]);
        }
    }
    for (int j = 0; j < LANES / 4; j++) {
        _mm256_storeu_si256((__m256i *)(acc + 4 * j), a[j]);
    }
}
#endif

static void accumulate(uint64_t *acc, const uint8_t *p, size_t n,
                       QsDigestImpl impl)
{
    switch (impl) {
#ifdef QS_DIGEST_X86
    case QS_DIGEST_AVX2:
        accumulate_avx2(acc, p, n);
        return;
    case QS_DIGEST_SSE2:
        accumulate_sse2(acc, p, n);
        return;
#endif
    default:
        accumulate_scalar(acc, p, n);
        return;
    }
}

QsDigestImpl qs__digest_best(void)
{
#ifdef QS_DIGEST_X86
    return __builtin_cpu_supports("avx2") ? QS_DIGEST_AVX2 : QS_DIGEST_SSE2;
#else
    return QS_DIGEST_SCALAR;
#endif
}

static inline uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * UINT64_C(0x9e3779b97f4a7c15);
    return h ^ (h >> 29);
}

uint64_t qs__page_digest_with(const uint8_t *page, size_t len,
                              QsDigestImpl impl)
{
    uint64_t acc[LANES] = {
        UINT64_C(0x9e3779b97f4a7c15) ^ len, UINT64_C(0xc2b2ae3d27d4eb4f),
        UINT64_C(0x165667b19e3779f9), UINT64_C(0x27d4eb2f165667c5),
        UINT64_C(0xff51afd7ed558ccd), UINT64_C(0xc4ceb9fe1a85ec53),
        UINT64_C(0x94d049bb133111eb), UINT64_C(0xbf58476d1ce4e5b9),
    };
    size_t n = len / STRIPE;
    uint64_t d = len;

    accumulate(acc, page, n, impl);
    /* The tail of a length that is not whole stripes (XBZRLE data), one
     * byte at a time into its own lane: rare and short. */
    for (size_t i = n * STRIPE; i < len; i++) {
        d = (d ^ page[i]) * UINT64_C(0x100000001b3);
    }
    for (int i = 0; i < LANES; i++) {
        d = mix(d, acc[i]);
    }
    d ^= d >> 33;
    d *= UINT64_C(0xc4ceb9fe1a85ec53);
    d ^= d >> 33;
    return d ? d : 1;
}

uint64_t qs__page_digest(const uint8_t *page, size_t len)
{
    static gint best = -1;
    gint impl = g_atomic_int_get(&best);

    /* Threads racing here all store the same value. */
    if (G_UNLIKELY(impl < 0)) {
        impl = (gint)qs__digest_best();
        g_atomic_int_set(&best, impl);
    }
    return qs__page_digest_with(page, len, (QsDigestImpl)impl);
}

/* --- the digest tables ------------------------------------------------- */

QsDigestTable *qs__digest_table_new(void)
{
    return g_new0(QsDigestTable, 1);
}

void qs__digest_table_grow(QsDigestTable *t, size_t len)
{
    uint64_t *d;

    if (len <= t->len) {
        return;
    }
    d = big_alloc(len * sizeof(uint64_t));
    if (t->len) {
        memcpy(d, t->d, t->len * sizeof(uint64_t));
    }
    big_free(t->d, t->len * sizeof(uint64_t));
    t->d = d;
    t->len = len;
}

void qs__digest_table_free(QsDigestTable *t)
{
    if (t) {
        big_free(t->d, t->len * sizeof(uint64_t));
        g_free(t);
    }
}
