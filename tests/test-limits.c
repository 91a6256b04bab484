/*
 * Limits: no reader allocates what its input merely claims, and every
 * configured limit is enforced with QVISIT_ERROR_LIMIT.
 *
 * The allocation checks measure, not guess: this binary replaces malloc()
 * and friends with thin wrappers around glibc's that track the peak of live
 * heap bytes, so a test can assert that loading a 100-byte stream that
 * claims a 4 GiB string never had more than the stream plus one read chunk
 * allocated. Under ASan the sanitizer owns malloc(), so the peak checks are
 * skipped there (the plain and valgrind runs do them).
 */
#include <limits.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <glib/gstdio.h>

#include <qvisit/compat.h>

#include "tests/example-vm.h"
#include "tests/fuzz-harness.h"
#include "tests/test-util.h"
#include "tools/cli-limits.h"

#if defined(__SANITIZE_ADDRESS__)
#define ALLOC_TRACKING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOC_TRACKING 0
#endif
#endif
#ifndef ALLOC_TRACKING
#define ALLOC_TRACKING 1
#endif

/* What a reader may hold beyond the bytes it was given: one 64 KiB read
 * chunk of the QEMUFile string reader, plus bookkeeping. */
#define ALLOC_SLACK (64 * 1024 + 16 * 1024)

#if ALLOC_TRACKING
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

/* The build hides symbols by default; these must replace libc's for the
 * shared libraries (GLib) too. */
#define ALLOC_EXPORT __attribute__((visibility("default")))

static long long live_bytes;
static long long peak_bytes;

static void account(long long delta)
{
    live_bytes += delta;
    if (live_bytes > peak_bytes) {
        peak_bytes = live_bytes;
    }
}

ALLOC_EXPORT void *malloc(size_t n)
{
    void *p = __libc_malloc(n);

    if (p) {
        account(malloc_usable_size(p));
    }
    return p;
}

ALLOC_EXPORT void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);

    if (p) {
        account(malloc_usable_size(p));
    }
    return p;
}

ALLOC_EXPORT void *realloc(void *p, size_t n)
{
    size_t old = p ? malloc_usable_size(p) : 0;
    void *q = __libc_realloc(p, n);

    if (q) {
        account((long long)malloc_usable_size(q) - (long long)old);
    } else if (p && n == 0) {
        account(-(long long)old);
    }
    return q;
}

ALLOC_EXPORT void free(void *p)
{
    if (p) {
        account(-(long long)malloc_usable_size(p));
    }
    __libc_free(p);
}
#endif

/* Starts a measurement window; alloc_peak() is the growth since. */
#if ALLOC_TRACKING
static long long window_base;
#endif

static void alloc_window_start(void)
{
#if ALLOC_TRACKING
    peak_bytes = live_bytes;
    window_base = live_bytes;
#endif
}

static long long alloc_peak(void)
{
#if ALLOC_TRACKING
    return peak_bytes - window_base;
#else
    return 0;
#endif
}

/*
 * Whether the wrappers see GLib's allocations: false under ASan, and under
 * valgrind, which replaces malloc() in every object. Probed once in main().
 */
static bool tracking_active;

static void probe_tracking(void)
{
    char *volatile p;

    alloc_window_start();
    p = g_malloc(1 << 20);
    p[0] = 1;
    g_free(p);
    tracking_active = alloc_peak() >= 1 << 20;
    if (!tracking_active) {
        fprintf(stderr, "test-limits: malloc() not tracked here (ASan or "
                "valgrind); peak allocation checks skipped\n");
    }
}

/* SHOW_PEAK=1 prints every measured peak. */
#define ASSERT_PEAK_AT_MOST(limit) do { \
    long long peak_ = alloc_peak(); \
    if (tracking_active) { \
        if (getenv("SHOW_PEAK") || peak_ > (long long)(limit)) { \
            fprintf(stderr, "%s:%d: peak allocation %lld, bound %lld\n", \
                    __FILE__, __LINE__, peak_, (long long)(limit)); \
        } \
        CU_ASSERT_TRUE(peak_ <= (long long)(limit)); \
    } \
} while (0)

/* ---- QEMUFile input visitor ---- */

static QVisitLimits unlimited(void)
{
    QVisitLimits l;

    qvisit_limits_init(&l);
    l.max_string_len = SIZE_MAX;
    l.max_array_len = SIZE_MAX;
    l.max_alloc = SIZE_MAX;
    l.max_section_size = SIZE_MAX;
    return l;
}

/* A be32 length, then @body_len bytes of 'a': a stream of 4 + body_len. */
static GByteArray *claimed_string(uint32_t claim, size_t body_len)
{
    GByteArray *b = g_byte_array_new();
    uint8_t len[4] = { claim >> 24, claim >> 16, claim >> 8, claim };

    g_byte_array_append(b, len, 4);
    for (size_t i = 0; i < body_len; i++) {
        g_byte_array_append(b, (const uint8_t *)"a", 1);
    }
    return b;
}

static bool load_str(const GByteArray *stream, const QVisitLimits *limits,
                     char **out, GError **errp)
{
    QEMUFile *f = qemu_fopen_mem(stream->data, stream->len);
    Visitor *v = qemu_file_input_visitor_new(f);
    bool ok;

    if (limits) {
        visit_set_limits(v, limits);
    }
    ok = visit_type_str(v, "dev.name", out, errp);
    visit_free(v);
    qemu_fclose(f);
    return ok;
}

static void qemu_file_str_claiming_4gib_is_limit_error(void)
{
    g_autoptr(GByteArray) s = claimed_string(0xffffffffu, 96);
    g_autoptr(GError) err = NULL;
    char *str = NULL;

    alloc_window_start();
    CU_ASSERT_FALSE(load_str(s, NULL, &str, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "dev.name: string of 4294967295 bytes at byte 0 exceeds "
                 "the limit of 16777216");
    CU_ASSERT_PTR_NULL(str);
    ASSERT_PEAK_AT_MOST(ALLOC_SLACK);
}

static void qemu_file_str_claiming_4gib_unlimited_is_truncated(void)
{
    g_autoptr(GByteArray) s = claimed_string(0xffffffffu, 96);
    QVisitLimits l = unlimited();
    g_autoptr(GError) err = NULL;
    char *str = NULL;

    alloc_window_start();
    CU_ASSERT_FALSE(load_str(s, &l, &str, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "dev.name: stream truncated at byte 100");
    CU_ASSERT_PTR_NULL(str);
    ASSERT_PEAK_AT_MOST(s->len + ALLOC_SLACK);
}

static void qemu_file_str_claiming_16mib_of_1mib_allocates_what_arrives(void)
{
    g_autoptr(GByteArray) s = claimed_string(16u << 20, 1u << 20);
    g_autoptr(GError) err = NULL;
    char *str = NULL;

    alloc_window_start();
    CU_ASSERT_FALSE(load_str(s, NULL, &str, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_TRUNCATED,
                 "dev.name: stream truncated at byte 1048580");
    /* The stream itself is already allocated; the reader adds at most
     * twice what arrived (doubling growth) plus a chunk. */
    ASSERT_PEAK_AT_MOST(2 * s->len + ALLOC_SLACK);
}

static void qemu_file_str_over_max_string_len_is_limit_error(void)
{
    g_autoptr(GByteArray) s = claimed_string(9, 9);
    QVisitLimits l;
    g_autoptr(GError) err = NULL;
    char *str = NULL;

    qvisit_limits_init(&l);
    l.max_string_len = 8;
    CU_ASSERT_FALSE(load_str(s, &l, &str, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "dev.name: string of 9 bytes at byte 0 exceeds the limit "
                 "of 8");
}

static void qemu_file_strings_over_max_alloc_are_limit_error(void)
{
    g_autoptr(GByteArray) s = claimed_string(6, 6);
    uint8_t second[] = { 0, 0, 0, 6, 'b', 'b', 'b', 'b', 'b', 'b' };
    QVisitLimits l;
    g_autoptr(GError) err = NULL;
    g_autofree char *a = NULL;
    char *b = NULL;
    QEMUFile *f;
    Visitor *v;

    g_byte_array_append(s, second, sizeof(second));
    qvisit_limits_init(&l);
    l.max_alloc = 12;
    f = qemu_fopen_mem(s->data, s->len);
    v = qemu_file_input_visitor_new(f);
    visit_set_limits(v, &l);
    CU_ASSERT_TRUE(visit_start_struct(v, "dev", &err) &&
                   visit_type_str(v, "a", &a, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_FALSE(visit_type_str(v, "b", &b, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "dev.b: string of 6 bytes at byte 10 exceeds the "
                 "allocation limit of 12");
    CU_ASSERT_PTR_NULL(b);
    visit_free(v);
    qemu_fclose(f);
}

static void array_over_max_array_len_is_limit_error(void)
{
    static const uint8_t zeros[16];
    QEMUFile *f = qemu_fopen_mem(zeros, sizeof(zeros));
    Visitor *v = qemu_file_input_visitor_new(f);
    QVisitLimits l;
    g_autoptr(GError) err = NULL;

    qvisit_limits_init(&l);
    l.max_array_len = 4;
    visit_set_limits(v, &l);
    CU_ASSERT_FALSE(visit_start_struct(v, "dev", &err) &&
                    visit_start_array(v, "regs", 5, &err));
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT,
                 "dev.regs: array of 5 elements exceeds the limit of 4");
    visit_free(v);
    qemu_fclose(f);
}

static void nesting_over_max_depth_is_limit_error(void)
{
    static const uint8_t zeros[16];
    QEMUFile *f = qemu_fopen_mem(zeros, sizeof(zeros));
    Visitor *v = qemu_file_input_visitor_new(f);
    QVisitLimits l;
    g_autoptr(GError) err = NULL;
    bool ok;

    qvisit_limits_init(&l);
    l.max_depth = 2;
    visit_set_limits(v, &l);
    ok = visit_start_struct(v, "dev", &err) &&
         visit_start_struct(v, "a", &err) &&
         visit_start_struct(v, "b", &err);
    CU_ASSERT_FALSE(ok);
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_LIMIT, "dev.a.b: ");
    visit_free(v);
    qemu_fclose(f);
}

/* ---- counts read from a stream, checked before any write ---- */

/*
 * virtio-net-queues' legacy stream: be64 guest_features, u8 status, u8 isr,
 * then be32 num_queues (at byte 10), which sizes an allocation and a loop.
 * Every load path must reject a count over VIRTIO_NET_QUEUES_MAX (64)
 * before writing anything or allocating what it claims.
 */
static void device_count_over_capacity_fails_before_any_write(void)
{
    const ExampleDevice *d = example_device_find("virtio-net-queues", 1);
    static const uint32_t counts[] = { 65, 0x10000, 0xffffffffu };
    size_t n, k = 0;
    const ExampleDevice *const *all = example_devices_all(&n);
    void *state = example_device_state_new(d);
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    QEMUFile *f = qemu_fopen_bytearray(bytes);
    uint64_t seed = 9;

    while (k < n && all[k] != d) {
        k++;
    }
    CU_ASSERT_FATAL(k < n);
    d->randomize(state, &seed);
    d->save_legacy(f, state);
    CU_ASSERT_EQUAL(qemu_fclose(f), 0);
    example_device_state_free(d, state);
    for (size_t c = 0; c < G_N_ELEMENTS(counts); c++) {
        for (FuzzMode m = FUZZ_MODE_VISIT; m <= FUZZ_MODE_MID; m++) {
            g_autoptr(GByteArray) in = g_byte_array_new();
            uint8_t sel = (uint8_t)(((k + 1) << 3) | (m << 1));
            uint32_t be = GUINT32_TO_BE(counts[c]);
            g_autoptr(GError) err = NULL;
            FuzzLoaded l;

            g_byte_array_append(in, &sel, 1);
            g_byte_array_append(in, bytes->data, bytes->len);
            memcpy(in->data + 1 + 10, &be, 4);
            alloc_window_start();
            CU_ASSERT_FALSE(fuzz_harness_qemu_file_visitor(in->data, in->len,
                                                           &l, &err));
            if (m == FUZZ_MODE_VISIT) {
                g_autofree char *want = g_strdup_printf(
                    "virtio-net-queues.num_queues: expected 0..64, got %u "
                    "at byte 10", counts[c]);

                ASSERT_ERROR(err, QVISIT_ERROR_RANGE, want);
            } else {
                /* The legacy API has only an errno: -EINVAL. */
                ASSERT_ERROR(err, QVISIT_ERROR_FAILED,
                             "legacy load: Invalid argument");
                CU_ASSERT_TRUE(fuzz_loaded_is_pristine(&l));
            }
            ASSERT_PEAK_AT_MOST(in->len + ALLOC_SLACK);
            fuzz_loaded_clear(&l);
        }
    }
}

/* ---- JSON ---- */

static void json_nesting_over_max_depth_is_limit_error(void)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    QObject *obj;

    for (int i = 0; i < 100000; i++) {
        g_string_append_c(text, '[');
    }
    alloc_window_start();
    obj = qobject_from_json(text->str, &err);
    CU_ASSERT_PTR_NULL(obj);
    ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_LIMIT, "");
    /* No more than a few bytes per input byte, however deep it claims. */
    ASSERT_PEAK_AT_MOST(64 * 1000 + ALLOC_SLACK);
}

static void json_limits_apply(void)
{
    static const struct {
        const char *json;
        unsigned depth;
        size_t str, arr;
        int code;
    } cases[] = {
        { "[[[1]]]", 3, 100, 100, -1 },
        { "[[[[1]]]]", 3, 100, 100, QVISIT_ERROR_LIMIT },
        { "{\"a\":{\"b\":{\"c\":{}}}}", 3, 100, 100, QVISIT_ERROR_LIMIT },
        { "\"12345678\"", 3, 8, 100, -1 },
        { "\"123456789\"", 3, 8, 100, QVISIT_ERROR_LIMIT },
        { "{\"123456789\": 1}", 3, 8, 100, QVISIT_ERROR_LIMIT },
        { "[1,2,3,4]", 3, 8, 4, -1 },
        { "[1,2,3,4,5]", 3, 8, 4, QVISIT_ERROR_LIMIT },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QVisitLimits l;
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) obj = NULL;

        qvisit_limits_init(&l);
        l.max_depth = cases[i].depth;
        l.max_string_len = cases[i].str;
        l.max_array_len = cases[i].arr;
        obj = qobject_from_json_full(cases[i].json, -1, &l, &err);
        if (cases[i].code < 0) {
            CU_ASSERT_PTR_NOT_NULL(obj);
            ASSERT_NO_ERROR(err);
        } else {
            CU_ASSERT_PTR_NULL(obj);
            if (!err || err->code != cases[i].code) {
                fprintf(stderr, "case %zu: %s\n", i, cases[i].json);
            }
            ASSERT_ERROR_PREFIX(err, cases[i].code, "");
        }
    }
}

static void json_big_input_allocates_in_proportion(void)
{
    /* 1 MiB of small integers: the tree costs a bounded factor of the
     * text, never a claim in it. */
    g_autoptr(GString) text = g_string_new("[");
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) obj = NULL;

    while (text->len < (1u << 20)) {
        g_string_append(text, "1,");
    }
    g_string_append(text, "1]");
    alloc_window_start();
    obj = qobject_from_json(text->str, &err);
    ASSERT_NO_ERROR(err);
    CU_ASSERT_PTR_NOT_NULL(obj);
    ASSERT_PEAK_AT_MOST(64 * text->len);
}

/* Parses @text with max_alloc @max; returns whether it parsed. */
static bool json_fits(const char *text, size_t max, GError **errp)
{
    QVisitLimits l = unlimited();
    QObject *obj;

    l.max_alloc = max;
    obj = qobject_from_json_full(text, -1, &l, errp);
    qobject_unref(obj);
    return obj != NULL;
}

/*
 * The tree a parse builds is charged against max_alloc, at least what it
 * takes: for documents of many small values of every kind, the smallest
 * max_alloc that parses bounds the measured peak, and one byte less is a
 * LIMIT error.
 */
static void json_tree_stays_within_max_alloc(void)
{
    static const char *const items[] = {
        "{}", "[]", "%u", "%u.5", "\"s%u\"",
        ("\"a longer string, over the 32 bytes that are shared: %u\""),
        "true", "null", "{\"k%u\":[%u]}",
    };

    for (size_t i = 0; i <= G_N_ELEMENTS(items); i++) {
        g_autoptr(GString) text = g_string_new(NULL);
        g_autoptr(GError) err = NULL;
        size_t lo = 1, hi = (size_t)1 << 30;
        bool dict = i == G_N_ELEMENTS(items);

        /* One array of each item; last, one dict of many members. */
        g_string_append_c(text, dict ? '{' : '[');
        for (unsigned n = 0; text->len < 64 * 1024; n++) {
            if (n) {
                g_string_append_c(text, ',');
            }
            if (dict) {
                g_string_append_printf(text, "\"member%u\":%u", n, n);
            } else {
                g_string_append_printf(text, items[i], n, n);
            }
        }
        g_string_append_c(text, dict ? '}' : ']');
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (json_fits(text->str, mid, NULL)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        alloc_window_start();
        CU_ASSERT_TRUE(json_fits(text->str, lo, NULL));
        /* Beyond the tree: the parser's scratch strings and stack. */
        ASSERT_PEAK_AT_MOST(lo + 16 * 1024);
        CU_ASSERT_FALSE(json_fits(text->str, lo - 1, &err));
        ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_LIMIT, "json: document needs "
                            "more than ");
        if (getenv("SHOW_PEAK")) {
            fprintf(stderr, "item %zu: %zu bytes of text, max_alloc %zu\n",
                    i, text->len, lo);
        }
    }
}

/* A JSON stream much bigger than max_alloc fails within it. */
static void json_stream_over_max_alloc_is_limit_error(void)
{
    g_autoptr(GString) text = g_string_new(
        "{\"format\": \"qvisit-migration\", \"version\": 1, "
        "\"capabilities\": 0, \"machine\": \"m\", \"machine_version\": 0, "
        "\"sections\": [{\"id\": \"d\", \"instance_id\": 0, "
        "\"version\": 1, \"state\": {\"regs\": [");
    g_autoptr(GError) err = NULL;
    g_autoptr(MigrationStream) s = NULL;
    QVisitLimits l;

    for (unsigned n = 0; text->len < 8u << 20; n++) {
        g_string_append_printf(text, "%s{}", n ? "," : "");
    }
    g_string_append(text, "]}}]}");
    qvisit_limits_init(&l);
    l.max_alloc = 1 << 20;
    alloc_window_start();
    s = migration_stream_decode(text->str, text->len, &l, &err);
    CU_ASSERT_PTR_NULL(s);
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT, "json: document needs more than "
                 "1048576 bytes (max_alloc) at byte 15277");
    ASSERT_PEAK_AT_MOST((1 << 20) + ALLOC_SLACK);
}

/* ---- self-describing binary documents and streams ---- */

static void put_varint(GByteArray *b, uint64_t v)
{
    do {
        uint8_t byte = (v & 0x7f) | (v >> 7 ? 0x80 : 0);

        g_byte_array_append(b, &byte, 1);
        v >>= 7;
    } while (v);
}

static void pad_to(GByteArray *b, size_t len)
{
    while (b->len < len) {
        g_byte_array_append(b, (const uint8_t *)"a", 1);
    }
}

/* 100-byte documents whose first length claims 2^40 (a string, a buffer,
 * a list, each native array, the name table). */
static GByteArray *claiming_document(uint8_t tag)
{
    GByteArray *b = g_byte_array_new();

    if (tag == 0xff) {
        put_varint(b, (uint64_t)1 << 40);     /* names */
    } else {
        put_varint(b, 0);
        g_byte_array_append(b, &tag, 1);
        put_varint(b, (uint64_t)1 << 40);
    }
    pad_to(b, 100);
    return b;
}

static void binary_document_claims_fail_within_the_input(void)
{
    static const uint8_t tags[] = {
        0x0c, 0x0d, 0x0f, 0x11, 0x12, 0x14, 0x18, 0xff,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(tags); i++) {
        g_autoptr(GByteArray) doc = claiming_document(tags[i]);
        QVisitLimits lifted = unlimited();

        for (int pass = 0; pass < 2; pass++) {
            g_autoptr(GError) err = NULL;
            QObject *obj;

            alloc_window_start();
            obj = binary_decode(doc->data, doc->len,
                                pass ? &lifted : NULL, NULL, &err);
            CU_ASSERT_PTR_NULL(obj);
            if (!err || (err->code != QVISIT_ERROR_TRUNCATED &&
                         err->code != QVISIT_ERROR_LIMIT)) {
                fprintf(stderr, "tag 0x%02x pass %d: %s\n", tags[i], pass,
                        err ? err->message : "decoded");
            }
            CU_ASSERT_TRUE(err && (err->code == QVISIT_ERROR_TRUNCATED ||
                                   err->code == QVISIT_ERROR_LIMIT));
            ASSERT_PEAK_AT_MOST(doc->len + ALLOC_SLACK);
            qobject_unref(obj);
        }
    }
}

/* The example VM's stream in @format with the be32/varint at @at patched. */
static GByteArray *vm_stream(MigrationFormat format)
{
    ExampleVm *vm = example_vm_new(EXAMPLE_RELEASE_MAX, 3);
    GByteArray *s = example_vm_save(vm, format);

    example_vm_free(vm);
    return s;
}

static void binary_stream_section_claiming_4gib_fails_within_the_input(void)
{
    g_autoptr(GByteArray) s = vm_stream(MIGRATION_FORMAT_BINARY);
    g_autoptr(GByteArray) cut = g_byte_array_new();
    size_t hdr;
    QVisitLimits lifted = unlimited();

    /* The header ends with the be32 crc32 of the bytes before it. */
    for (hdr = 5; hdr + 4 <= s->len; hdr++) {
        uint32_t want = crc32(0, s->data, hdr);
        const uint8_t *p = s->data + hdr;

        if (want == ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                     (uint32_t)p[2] << 8 | p[3])) {
            break;
        }
    }
    hdr += 4;
    g_byte_array_append(cut, s->data, hdr);
    g_byte_array_append(cut, (const uint8_t *)"\x01", 1);
    put_varint(cut, (uint64_t)4 << 30);
    pad_to(cut, hdr + 100);
    for (int pass = 0; pass < 2; pass++) {
        g_autoptr(MigrationStream) m = NULL;
        g_autoptr(GError) err = NULL;

        alloc_window_start();
        m = migration_stream_decode(cut->data, cut->len,
                                    pass ? &lifted : NULL, &err);
        CU_ASSERT_PTR_NULL(m);
        if (!err || (err->code != QVISIT_ERROR_TRUNCATED &&
                     err->code != QVISIT_ERROR_LIMIT)) {
            fprintf(stderr, "pass %d: %s\n", pass,
                    err ? err->message : "decoded");
        }
        CU_ASSERT_TRUE(err && (err->code == QVISIT_ERROR_TRUNCATED ||
                               err->code == QVISIT_ERROR_LIMIT));
        ASSERT_PEAK_AT_MOST(cut->len + ALLOC_SLACK);
    }
}

/*
 * Legacy streams that claim 4 GiB: the machine type of the configuration
 * section (be32 length at byte 9, right after "QEVM", version 3 and the
 * 0x07 record type), or the vmdesc (be32 length after the EOF record 0x00
 * and the vmdesc record 0x06). Both the migration core and the QEMU stream
 * reader must fail within what the stream holds.
 */
static GByteArray *legacy_claiming(bool vmdesc)
{
    GByteArray *s = vm_stream(MIGRATION_FORMAT_LEGACY);
    static const uint8_t claim[] = { 0xff, 0xff, 0xff, 0xff };

    if (!vmdesc) {
        CU_ASSERT_EQUAL(s->data[8], 0x07);
        memcpy(s->data + 9, claim, 4);
        return s;
    }
    for (size_t i = 0; i + 6 <= s->len; i++) {
        const uint8_t *p = s->data + i;
        size_t json = ((size_t)p[2] << 24) | (p[3] << 16) | (p[4] << 8) |
                      p[5];

        if (p[0] == 0x00 && p[1] == 0x06 && i + 6 + json == s->len) {
            memcpy(s->data + i + 2, claim, 4);
            g_byte_array_set_size(s, i + 6 + 64);
            return s;
        }
    }
    CU_FAIL("no vmdesc in the legacy stream");
    return s;
}

static bool is_bounded_error(const GError *err, bool allow_missing)
{
    return err && (err->code == QVISIT_ERROR_TRUNCATED ||
                   err->code == QVISIT_ERROR_LIMIT ||
                   (allow_missing && err->code == QVISIT_ERROR_MISSING));
}

static void legacy_claims_of_4gib_fail_within_the_input(void)
{
    QVisitLimits lifted = unlimited();

    for (int which = 0; which < 2; which++) {
        g_autoptr(GByteArray) s = legacy_claiming(which);

        for (int pass = 0; pass < 2; pass++) {
            g_autoptr(MigrationStream) m = NULL;
            g_autoptr(QObject) dump = NULL;
            g_autoptr(GError) err = NULL;
            g_autoptr(GError) err2 = NULL;
            QemuStreamOptions opts;
            int fd;

            alloc_window_start();
            m = migration_stream_decode(s->data, s->len,
                                        pass ? &lifted : NULL, &err);
            CU_ASSERT_PTR_NULL(m);
            if (!is_bounded_error(err, false)) {
                fprintf(stderr, "legacy %d pass %d: %s\n", which, pass,
                        err ? err->message : "decoded");
            }
            CU_ASSERT_TRUE(is_bounded_error(err, false));
            ASSERT_PEAK_AT_MOST(s->len + ALLOC_SLACK);

            /* A vmdesc that does not fit is no vmdesc to the QEMU reader,
             * which looks for it from the end: MISSING is right there. */
            qemu_stream_options_init(&opts);
            opts.limits = pass ? &lifted : NULL;
            fd = memfd_create("limits", MFD_CLOEXEC);
            CU_ASSERT_TRUE(fd >= 0 && write(fd, s->data, s->len) ==
                           (ssize_t)s->len);
            alloc_window_start();
            dump = qemu_stream_dump_fd(fd, &opts, &err2);
            close(fd);
            CU_ASSERT_PTR_NULL(dump);
            /* The reader parses the vmdesc (a tree a few times the size of
             * its text) before it meets the claim. */
            if (!is_bounded_error(err2, which)) {
                fprintf(stderr, "qemu-stream %d pass %d: %s\n", which, pass,
                        err2 ? err2->message : "decoded");
            }
            CU_ASSERT_TRUE(is_bounded_error(err2, which));
            ASSERT_PEAK_AT_MOST(4 * s->len + ALLOC_SLACK);
        }
    }
}

/* ---- the QEMU stream reader ---- */

#define QEMU_STREAM "tests/data/qemu/pc-nodefaults.mig"
#define QEMU_VMDESC "tests/data/qemu/pc-nodefaults.desc.json"

/*
 * The first 100 bytes of a real QEMU stream with one length patched to a
 * huge claim: the configuration section's machine name (be32 at byte 9)
 * or the RAM section's MEM_SIZE total (be64 at byte 43, flag 0x04 kept).
 * @which 0 patches nothing: the baseline.
 */
static GByteArray *qemu_stream_claiming(int which)
{
    g_autoptr(GBytes) file = test_read_file(QEMU_STREAM);
    GByteArray *s = g_byte_array_new();

    g_byte_array_append(s, g_bytes_get_data(file, NULL), 100);
    CU_ASSERT_EQUAL(s->data[8], 0x07);
    if (which == 2) {
        static const uint8_t total[] = {
            0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0, 0x04,
        };

        CU_ASSERT_EQUAL(s->data[0x1a], 0x01);
        CU_ASSERT_EQUAL(memcmp(s->data + 0x20, "ram", 3), 0);
        memcpy(s->data + 0x2b, total, sizeof(total));
    } else if (which == 1) {
        memset(s->data + 9, 0xff, 4);
    }
    return s;
}

/* One dump of @s with @vmdesc; returns its peak allocation. */
static long long qemu_stream_peak(const GByteArray *s, const QObject *vmdesc,
                                  const QVisitLimits *limits, GError **errp)
{
    QEMUFile *f = qemu_fopen_mem(s->data, s->len);
    QemuStreamOptions opts;
    QObject *dump;

    qemu_stream_options_init(&opts);
    opts.vmdesc = vmdesc;
    opts.limits = limits;
    alloc_window_start();
    dump = qemu_stream_dump(f, &opts, errp);
    qemu_fclose(f);
    CU_ASSERT_PTR_NULL(dump);
    qobject_unref(dump);
    return alloc_peak();
}

/*
 * The reader's fixed cost (indexing the vmdesc) is measured on the same
 * 100 bytes without a claim; a claim may add at most one read chunk.
 */
static void qemu_stream_claims_fail_within_the_input(void)
{
    g_autoptr(GError) verr = NULL;
    g_autoptr(QObject) vmdesc = qemu_stream_load_vmdesc_path(QEMU_VMDESC,
                                                             NULL, &verr);
    g_autoptr(GByteArray) plain = qemu_stream_claiming(0);
    QVisitLimits lifted = unlimited();
    g_autoptr(GError) perr = NULL;
    long long base;

    ASSERT_NO_ERROR(verr);
    base = qemu_stream_peak(plain, vmdesc, &lifted, &perr);
    ASSERT_ERROR_PREFIX(perr, QVISIT_ERROR_TRUNCATED, "");
    for (int which = 1; which <= 2; which++) {
        g_autoptr(GByteArray) s = qemu_stream_claiming(which);

        for (int pass = 0; pass < 2; pass++) {
            g_autoptr(GError) err = NULL;
            long long peak = qemu_stream_peak(s, vmdesc,
                                              pass ? &lifted : NULL, &err);

            if (!err || (err->code != QVISIT_ERROR_TRUNCATED &&
                         err->code != QVISIT_ERROR_LIMIT) ||
                getenv("SHOW_PEAK")) {
                fprintf(stderr, "qemu stream claim %d pass %d: %s; peak "
                        "%lld, baseline %lld\n", which, pass,
                        err ? err->message : "decoded", peak, base);
            }
            CU_ASSERT_TRUE(err && (err->code == QVISIT_ERROR_TRUNCATED ||
                                   err->code == QVISIT_ERROR_LIMIT));
            if (tracking_active) {
                CU_ASSERT_TRUE(peak <= base + ALLOC_SLACK);
            }
        }
    }
}

/* Dumps QEMU_STREAM from its file with @max_alloc; returns the peak. */
static long long qemu_dump_peak(bool ram_full, size_t max_alloc,
                                GError **errp)
{
    QVisitLimits l = unlimited();
    QemuStreamOptions opts;
    QObject *dump;
    long long peak;

    l.max_alloc = max_alloc;
    qemu_stream_options_init(&opts);
    opts.ram_full = ram_full;
    opts.limits = &l;
    alloc_window_start();
    dump = qemu_stream_dump_path(QEMU_STREAM, &opts, errp);
    peak = alloc_peak();
    qobject_unref(dump);
    return dump ? peak : -1;
}

/*
 * The dump a QEMU stream decodes to is charged against max_alloc as it
 * grows: the smallest max_alloc that decodes bounds the peak, beyond what
 * holding the parsed vmdesc costs (charged on its own, measured here),
 * and one byte less is a LIMIT error.
 */
static void qemu_dump_stays_within_max_alloc(void)
{
    QVisitLimits l = unlimited();
    g_autoptr(GError) err = NULL;
    QObject *desc;
    long long vmdesc_peak;

    alloc_window_start();
    desc = qemu_stream_load_vmdesc_path(QEMU_STREAM, &l, &err);
    vmdesc_peak = alloc_peak();
    ASSERT_NO_ERROR(err);
    qobject_unref(desc);
    for (int ram_full = 0; ram_full < 2; ram_full++) {
        size_t lo = 1, hi = (size_t)1 << 30;
        long long peak;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (qemu_dump_peak(ram_full, mid, NULL) >= 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        peak = qemu_dump_peak(ram_full, lo, NULL);
        CU_ASSERT_TRUE(peak >= 0);
        if (getenv("SHOW_PEAK")) {
            fprintf(stderr, "qemu dump ram_full=%d: max_alloc %zu, peak "
                    "%lld, vmdesc %lld\n", ram_full, lo, peak, vmdesc_peak);
        }
        /* Beyond the dump and the vmdesc: the reader's buffers. */
        ASSERT_PEAK_AT_MOST(lo + vmdesc_peak + 64 * 1024);
        CU_ASSERT_EQUAL(qemu_dump_peak(ram_full, lo - 1, &err), -1);
        CU_ASSERT_TRUE(err && err->code == QVISIT_ERROR_LIMIT);
        g_clear_error(&err);
    }
    /* The case: a full dump with a limit below its size. */
    CU_ASSERT_EQUAL(qemu_dump_peak(true, 1 << 20, &err), -1);
    ASSERT_ERROR(err, QVISIT_ERROR_LIMIT, "ram: the dump needs more than "
                 "1048576 bytes (max_alloc) at byte 24634");
    ASSERT_PEAK_AT_MOST((1 << 20) + vmdesc_peak + 64 * 1024);
}

/* ---- compat schema samples ---- */

/* Samples @schema_json with max_alloc @max; returns whether it did. */
static bool sample_fits(const QObject *schema, size_t max, GError **errp)
{
    QVisitLimits l = unlimited();
    QObject *sample;

    l.max_alloc = max;
    sample = compat_schema_sample_full(schema, &l, errp);
    qobject_unref(sample);
    return sample != NULL;
}

/*
 * A schema's sample is measured before it is built, at least what it
 * takes: the smallest max_alloc that samples bounds the peak, and one
 * byte less is a LIMIT error naming the schema path.
 */
static void schema_sample_stays_within_max_alloc(void)
{
    static const char *const schemas[] = {
        "{\"type\":\"array\",\"length\":20000,"
        "\"element\":{\"type\":\"u64\"}}",
        "{\"type\":\"array\",\"length\":150,\"element\":"
        "{\"type\":\"array\",\"length\":150,"
        "\"element\":{\"type\":\"bool\"}}}",
        "{\"type\":\"array\",\"length\":3000,\"element\":"
        "{\"type\":\"struct\",\"members\":["
        "{\"name\":\"a\",\"type\":\"str\"},"
        "{\"name\":\"a_longer_member_name\",\"type\":\"number\"},"
        "{\"name\":\"buf\",\"type\":\"buffer\",\"length\":33},"
        "{\"name\":\"e\",\"type\":\"array\",\"length\":0}]}}",
        "{\"type\":\"array\",\"length\":100,\"element\":"
        "{\"type\":\"buffer\",\"length\":4096}}",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(schemas); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) schema = qobject_from_json(schemas[i], &err);
        size_t lo = 1, hi = (size_t)1 << 30;

        ASSERT_NO_ERROR(err);
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (sample_fits(schema, mid, NULL)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        alloc_window_start();
        CU_ASSERT_TRUE(sample_fits(schema, lo, NULL));
        if (getenv("SHOW_PEAK")) {
            fprintf(stderr, "schema %zu: max_alloc %zu\n", i, lo);
        }
        ASSERT_PEAK_AT_MOST(lo);
        CU_ASSERT_FALSE(sample_fits(schema, lo - 1, &err));
        CU_ASSERT_TRUE(err && strstr(err->message, ": the sample needs "
                                     "more than ") != NULL);
        ASSERT_ERROR_PREFIX(err, QVISIT_ERROR_LIMIT, "");
    }
}

/* ---- CLI options (tools/cli-limits.c) ---- */

static void cli_limits_parse_and_remove_options(void)
{
    char *argv[] = { "dump", "--max-depth", "12", "in.bin",
                     "--max-string=4K", "--max-array=7", "--max-alloc",
                     "2M", "--max-section=1G", "--", "--max-depth=3",
                     NULL };
    int argc = G_N_ELEMENTS(argv) - 1;
    QVisitLimits l;
    g_autoptr(GError) err = NULL;

    CU_ASSERT_TRUE(cli_limits_take(&argc, argv, &l, &err));
    ASSERT_NO_ERROR(err);
    CU_ASSERT_EQUAL(l.max_depth, 12);
    CU_ASSERT_EQUAL(l.max_string_len, 4096);
    CU_ASSERT_EQUAL(l.max_array_len, 7);
    CU_ASSERT_EQUAL(l.max_alloc, 2u << 20);
    CU_ASSERT_EQUAL(l.max_section_size, 1u << 30);
    CU_ASSERT_EQUAL(argc, 4);
    CU_ASSERT_STRING_EQUAL(argv[0], "dump");
    CU_ASSERT_STRING_EQUAL(argv[1], "in.bin");
    CU_ASSERT_STRING_EQUAL(argv[2], "--");
    CU_ASSERT_STRING_EQUAL(argv[3], "--max-depth=3");
    CU_ASSERT_PTR_NULL(argv[4]);
}

static void cli_limits_default_without_options(void)
{
    char *argv[] = { "dump", "x", NULL };
    int argc = 2;
    const QVisitLimits *d = qvisit_limits_default();
    QVisitLimits l;

    CU_ASSERT_TRUE(cli_limits_take(&argc, argv, &l, NULL));
    CU_ASSERT_EQUAL(l.max_depth, d->max_depth);
    CU_ASSERT_EQUAL(l.max_string_len, d->max_string_len);
    CU_ASSERT_EQUAL(l.max_array_len, d->max_array_len);
    CU_ASSERT_EQUAL(l.max_alloc, d->max_alloc);
    CU_ASSERT_EQUAL(l.max_section_size, d->max_section_size);
    CU_ASSERT_EQUAL(argc, 2);
}

static void cli_limits_reject_bad_values(void)
{
    static const struct {
        const char *arg, *value, *msg;
    } cases[] = {
        { "--max-depth", "0", "--max-depth: invalid value '0'" },
        { "--max-depth", "10001", "--max-depth: invalid value '10001'" },
        { "--max-depth", "4K", "--max-depth: invalid value '4K'" },
        { "--max-string", "-1", "--max-string: invalid value '-1'" },
        { "--max-string", "12X", "--max-string: invalid value '12X'" },
        { "--max-alloc", "", "--max-alloc: invalid value ''" },
        { "--max-alloc", "99999999999999999999",
          "--max-alloc: invalid value '99999999999999999999'" },
        { "--max-alloc", "17179869184G",
          "--max-alloc: invalid value '17179869184G'" },
        { "--max-array", NULL, "--max-array: missing value" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *argv[4] = { "dump", (char *)cases[i].arg,
                          (char *)cases[i].value, NULL };
        int argc = cases[i].value ? 3 : 2;
        QVisitLimits l;
        g_autoptr(GError) err = NULL;

        CU_ASSERT_FALSE(cli_limits_take(&argc, argv, &l, &err));
        ASSERT_ERROR(err, QVISIT_ERROR_INVALID, cases[i].msg);
        CU_ASSERT_EQUAL(argc, cases[i].value ? 3 : 2);
        CU_ASSERT_PTR_EQUAL(argv[1], cases[i].arg);
    }
}

/* ---- the options through the CLI (run as a process) ---- */

/* Runs $QVISIT_CLI with @args; returns its exit status, sets *@err_out. */
static int run_cli(const char *const *args, char **err_out)
{
    const char *cli = g_getenv("QVISIT_CLI");
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    int status = -1;

    *err_out = NULL;
    if (!cli) {
        CU_FAIL("QVISIT_CLI is not set; run through make check");
        return -1;
    }
    g_ptr_array_add(argv, (char *)cli);
    for (; *args; args++) {
        g_ptr_array_add(argv, (char *)*args);
    }
    g_ptr_array_add(argv, NULL);
    CU_ASSERT_TRUE(g_spawn_sync(NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                                err_out, &status, &err));
    ASSERT_NO_ERROR(err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void cli_commands_apply_the_limit_options(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("qvisit-limits-XXXXXX", &err);
    g_autofree char *path = g_build_filename(dir, "vm.bin", NULL);
    g_autoptr(GByteArray) s = vm_stream(MIGRATION_FORMAT_BINARY);
    const char *qemu_depth[] = {
        "dump", "--qemu", "--max-depth", "3", QEMU_STREAM, NULL,
    };
    const char *info_section[] = {
        "info", "--max-section=64", path, NULL,
    };
    const char *info_bad[] = { "info", "--max-depth=0", path, NULL };
    const char *info_ok[] = { "info", "--max-section=1M", path, NULL };
    char *msg = NULL;

    ASSERT_NO_ERROR(err);
    CU_ASSERT_TRUE(g_file_set_contents(path, (const char *)s->data, s->len,
                                       NULL));
    CU_ASSERT_EQUAL(run_cli(qemu_depth, &msg), 1);
    CU_ASSERT_STRING_EQUAL(msg, "qvisit: vmdesc: invalid JSON at byte "
                           "251868: json: nesting deeper than 3 at byte "
                           "114\n");
    g_free(msg);
    CU_ASSERT_EQUAL(run_cli(info_section, &msg), 1);
    CU_ASSERT_TRUE(msg && strstr(msg, "exceeds max_section_size 64"));
    g_free(msg);
    CU_ASSERT_EQUAL(run_cli(info_bad, &msg), 2);
    CU_ASSERT_STRING_EQUAL(msg, "qvisit: info: --max-depth: invalid value "
                           "'0'\n");
    g_free(msg);
    CU_ASSERT_EQUAL(run_cli(info_ok, &msg), 0);
    g_free(msg);
    g_unlink(path);
    g_rmdir(dir);
}

static const TestCase tests[] = {
    { "qemu_file_str_claiming_4gib_is_limit_error",
      qemu_file_str_claiming_4gib_is_limit_error },
    { "qemu_file_str_claiming_4gib_unlimited_is_truncated",
      qemu_file_str_claiming_4gib_unlimited_is_truncated },
    { "qemu_file_str_claiming_16mib_of_1mib_allocates_what_arrives",
      qemu_file_str_claiming_16mib_of_1mib_allocates_what_arrives },
    { "qemu_file_str_over_max_string_len_is_limit_error",
      qemu_file_str_over_max_string_len_is_limit_error },
    { "qemu_file_strings_over_max_alloc_are_limit_error",
      qemu_file_strings_over_max_alloc_are_limit_error },
    { "array_over_max_array_len_is_limit_error",
      array_over_max_array_len_is_limit_error },
    { "nesting_over_max_depth_is_limit_error",
      nesting_over_max_depth_is_limit_error },
    { "device_count_over_capacity_fails_before_any_write",
      device_count_over_capacity_fails_before_any_write },
    { "json_nesting_over_max_depth_is_limit_error",
      json_nesting_over_max_depth_is_limit_error },
    { "json_limits_apply", json_limits_apply },
    { "json_big_input_allocates_in_proportion",
      json_big_input_allocates_in_proportion },
    { "json_tree_stays_within_max_alloc", json_tree_stays_within_max_alloc },
    { "json_stream_over_max_alloc_is_limit_error",
      json_stream_over_max_alloc_is_limit_error },
    { "binary_document_claims_fail_within_the_input",
      binary_document_claims_fail_within_the_input },
    { "binary_stream_section_claiming_4gib_fails_within_the_input",
      binary_stream_section_claiming_4gib_fails_within_the_input },
    { "legacy_claims_of_4gib_fail_within_the_input",
      legacy_claims_of_4gib_fail_within_the_input },
    { "qemu_stream_claims_fail_within_the_input",
      qemu_stream_claims_fail_within_the_input },
    { "qemu_dump_stays_within_max_alloc", qemu_dump_stays_within_max_alloc },
    { "schema_sample_stays_within_max_alloc",
      schema_sample_stays_within_max_alloc },
    { "cli_limits_parse_and_remove_options",
      cli_limits_parse_and_remove_options },
    { "cli_limits_default_without_options",
      cli_limits_default_without_options },
    { "cli_limits_reject_bad_values", cli_limits_reject_bad_values },
    { "cli_commands_apply_the_limit_options",
      cli_commands_apply_the_limit_options },
    { NULL, NULL },
};

int main(void)
{
    probe_tracking();
    return test_run_suite("limits", tests);
}
