/*
 * The RAM page digest of `qvisit info --json` and `qvisit diff`
 * (qemustream/qemu-stream-digest.c), through the public API: pages of
 * chosen bytes are sent as pc.ram's pages in pc-nodefaults' stream (its
 * full native dump, re-encoded), and qemu_stream_info_mem() with
 * QEMU_STREAM_INFO_RAM_DIGESTS gives their digests. The digest has
 * scalar, SSE2 and AVX2 forms that must agree, so that a digest does not
 * depend on the machine: the fixed values below are the scalar form's,
 * and the form this CPU runs must give them. Any one flipped bit of a
 * page and any two neighbouring 64-byte stripes swapped give another
 * digest.
 */
#include "tests/test-util.h"

#include <string.h>

#define PAGE 4096
/* pc.ram's pages in pc-nodefaults (16 MiB). */
#define RAM_PAGES 4096

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

/* The full dump of pc-nodefaults, read once. */
static QObject *base_dump(void)
{
    static QObject *dump;

    if (!dump) {
        QemuStreamOptions opts;
        GError *err = NULL;

        qemu_stream_options_init(&opts);
        opts.ram_full = true;
        dump = qemu_stream_dump_path("tests/data/qemu/pc-nodefaults.mig",
                                     &opts, &err);
        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    }
    return dump;
}

/*
 * The digests of the @n (at most RAM_PAGES) pages at @pages, sent again
 * as pc.ram's pages 0 to @n - 1 at the end of the stream's RAM PART
 * record (the last copy of a page is its content): 16 hex digits a page.
 * With @lens, page i is instead an XBZRLE update of its first lens[i]
 * bytes (the stream's copy of each page before is a zero page).
 */
static char *page_digests(const uint8_t *pages, size_t n,
                          const size_t *lens)
{
    g_autoptr(QObject) dump = qobject_clone(base_dump());
    QList *records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                                 "records"));
    QDict *part = qobject_to(QDict, qlist_get(records, 1));
    QList *items = qobject_to(QList, qdict_get(part, "ram"));
    QObject *eos = qobject_ref(qlist_get(items, qlist_size(items) - 1));
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autoptr(QObject) info = NULL;
    QDict *ram;
    QList *blocks;
    GError *err = NULL;
    QEMUFile *f;

    qlist_truncate(items, qlist_size(items) - 1);
    for (size_t i = 0; i < n; i++) {
        QDict *item = qdict_new();
        g_autofree char *b64 = g_base64_encode(pages + i * PAGE,
                                               lens ? lens[i] : PAGE);

        qdict_put_str(item, "type", lens ? "xbzrle" : "page");
        qdict_put_int(item, "addr", (int64_t)(i * PAGE));
        qdict_put_str(item, "block", "pc.ram");
        if (lens) {
            qdict_put_int(item, "encoding", 1);
        }
        qdict_put_str(item, "data", b64);
        qlist_append_obj(items, QOBJECT(item));
    }
    qlist_append_obj(items, eos);
    f = qemu_fopen_bytearray(bytes);
    CU_ASSERT_TRUE(qemu_stream_encode(f, dump, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    info = qemu_stream_info_mem(bytes->data, bytes->len, NULL,
                                QEMU_STREAM_INFO_RAM_DIGESTS, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    ram = qobject_to(QDict, qdict_get(qobject_to(QDict, info), "ram"));
    blocks = ram ? qobject_to(QList, qdict_get(ram, "blocks")) : NULL;
    for (size_t i = 0; blocks && i < qlist_size(blocks); i++) {
        QDict *b = qobject_to(QDict, qlist_get(blocks, i));
        QString *id = b ? qobject_to(QString, qdict_get(b, "id")) : NULL;
        QString *d = b ? qobject_to(QString, qdict_get(b, "digests")) : NULL;

        if (id && d && !strcmp(qstring_get_str(id), "pc.ram")) {
            const char *hex = qstring_get_str(d);

            CU_ASSERT_FATAL(strlen(hex) >= 16 * n);
            return g_strndup(hex, 16 * n);
        }
    }
    CU_FAIL_FATAL("no digests of pc.ram");
    return NULL;
}

/* The reference values (the scalar form's): a change of the digest
 * changes what `qvisit info --json` prints, so it is deliberate. */
static void digest_has_fixed_values(void)
{
    static const struct {
        uint64_t seed;      /* 0: all zero bytes */
        const char *want;
    } cases[] = {
        { 0, "74dad5c57acbd0a2" },
        { 1, "30ebe8bbba30a8c6" },
        { 3, "c45bb2b9d53e083c" },
        { 5, "62b15666264c480e" },
        { 7, "574ccd13d7cef452" },
        { 9, "3aa71ac36c762bbb" },
    };
    g_autofree uint8_t *pages = g_malloc0(G_N_ELEMENTS(cases) * PAGE);
    g_autofree char *got = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (cases[i].seed) {
            fill_pattern(pages + i * PAGE, PAGE, cases[i].seed);
        }
    }
    got = page_digests(pages, G_N_ELEMENTS(cases), NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *one = g_strndup(got + 16 * i, 16);

        CU_ASSERT_STRING_EQUAL(one, cases[i].want);
    }
}

/*
 * An XBZRLE page's digest combines the page's old one with the digest of
 * the encoded update, whose length is anything from 1 to a page: every
 * length 1..4096, the scalar form's values, pinned by their SHA-256.
 */
static void digest_has_fixed_values_for_every_update_length(void)
{
    g_autofree uint8_t *pages = g_malloc(RAM_PAGES * PAGE);
    g_autofree size_t *lens = g_new(size_t, RAM_PAGES);
    g_autofree char *d = NULL;
    g_autofree char *sum = NULL;

    fill_pattern(pages, RAM_PAGES * PAGE, 11);
    for (size_t i = 0; i < RAM_PAGES; i++) {
        lens[i] = i + 1;
    }
    d = page_digests(pages, RAM_PAGES, lens);
    CU_ASSERT_EQUAL(strncmp(d, "e21abaf77d351bf7414157525b7d9db2", 32), 0);
    sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, d, -1);
    CU_ASSERT_STRING_EQUAL(sum, "a35cc15acaf247b93f9fb557671468f8"
                                "42ad6b28d7f10d3f6d3946a0f642ce4d");
}

/* How many of the @n digests in @d equal @base. */
static size_t count_equal(const char *d, size_t n, const char *base)
{
    size_t same = 0;

    for (size_t i = 0; i < n; i++) {
        same += !strncmp(d + 16 * i, base, 16);
    }
    return same;
}

/* Every single-bit change of a page and every swap of two neighbouring
 * stripes gives another digest. */
static void digest_notices_flipped_bits_and_swapped_stripes(void)
{
    enum { STRIPES = PAGE / 64 };
    uint8_t page[PAGE];
    g_autofree uint8_t *pages = g_malloc(RAM_PAGES * PAGE);
    g_autofree char *base = NULL;
    size_t same = 0;

    fill_pattern(page, sizeof(page), 3);
    base = page_digests(page, 1, NULL);
    /* Page 0 unchanged, then 4095 pages with one bit flipped: nine
     * streams flip each of the page's 32768 bits once. */
    for (size_t bit = 0; bit < 8 * PAGE; bit += RAM_PAGES - 1) {
        size_t n = MIN((size_t)RAM_PAGES - 1, 8 * PAGE - bit);
        g_autofree char *d = NULL;

        memcpy(pages, page, PAGE);
        for (size_t i = 0; i < n; i++) {
            uint8_t *p = pages + (i + 1) * PAGE;

            memcpy(p, page, PAGE);
            p[(bit + i) / 8] ^= 1u << ((bit + i) % 8);
        }
        d = page_digests(pages, n + 1, NULL);
        CU_ASSERT_EQUAL(count_equal(d, 1, base), 1);
        same += count_equal(d + 16, n, base);
    }
    for (size_t s = 0; s + 1 < STRIPES; s++) {
        uint8_t *p = pages + s * PAGE;

        memcpy(p, page, PAGE);
        memcpy(p + 64 * s, page + 64 * s + 64, 64);
        memcpy(p + 64 * s + 64, page + 64 * s, 64);
    }
    {
        g_autofree char *d = page_digests(pages, STRIPES - 1, NULL);

        same += count_equal(d, STRIPES - 1, base);
    }
    CU_ASSERT_EQUAL(same, 0);
}

static const TestCase tests[] = {
    { "digest_has_fixed_values", digest_has_fixed_values },
    { "digest_has_fixed_values_for_every_update_length",
      digest_has_fixed_values_for_every_update_length },
    { "digest_notices_flipped_bits_and_swapped_stripes",
      digest_notices_flipped_bits_and_swapped_stripes },
    { NULL, NULL },
};

int main(void)
{
    int ret = test_run_suite("qemu-stream-digest", tests);

    qobject_unref(base_dump());
    return ret;
}
