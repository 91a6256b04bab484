/*
 * JSON parse and write throughput on a ~10 MB device-state document.
 *
 * Compares, in one process on the same text:
 *   json-glib           json_parser_load_from_data() alone (the tree only)
 *   json-glib+convert   the same plus a plain JsonNode -> QObject walk; the
 *                       baseline of "just use json-glib" (not exact)
 *   strict scan         our parser in validate-only mode: what a strict
 *                       pre-scan in front of json-glib costs at least
 *   qobject_from_json   what qvisit ships (strict, exact, builds QObjects)
 * and ratios to json-glib+convert.
 *
 * The writer (qobject_to_json_pretty()) is timed against json-glib's
 * generator (json_generator_to_data()) on the same document, held once
 * as QObjects and once as a JsonNode tree, compact and pretty (4-space
 * indent, as ours), in the same run: a device-state document (integers,
 * hex buffers, names, flags: what `qvisit dump` writes), the mixed
 * native dump of the pc-e1000 QEMU stream, the mixed document above, and
 * documents of doubles, reported separately because shortest-round-trip
 * double formatting costs more than integers. Runs of
 * the two writers alternate; each figure is the best of WRITE_RUNS. The
 * writer figures go into docs/performance.md ("JSON writer"), the parse
 * figures into docs/architecture.md ("JSON exactness").
 */
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "qvisit/qvisit.h"
#include "qobject/qobject-internal.h"

#define RUNS 5
#define WRITE_RUNS 9

static QObject *node_to_qobject(JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObject *o = json_node_get_object(node);
        QDict *d = qdict_new();
        JsonObjectIter it;
        const char *key;
        JsonNode *member;

        json_object_iter_init(&it, o);
        while (json_object_iter_next(&it, &key, &member)) {
            qdict_put_obj(d, key, node_to_qobject(member));
        }
        return QOBJECT(d);
    }
    case JSON_NODE_ARRAY: {
        JsonArray *a = json_node_get_array(node);
        QList *l = qlist_new();
        guint n = json_array_get_length(a);

        for (guint i = 0; i < n; i++) {
            qlist_append_obj(l, node_to_qobject(json_array_get_element(a,
                                                                       i)));
        }
        return QOBJECT(l);
    }
    case JSON_NODE_NULL:
        return QOBJECT(qnull());
    default:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
            return QOBJECT(qnum_from_int(json_node_get_int(node)));
        case G_TYPE_DOUBLE:
            return QOBJECT(qnum_from_double(json_node_get_double(node)));
        case G_TYPE_BOOLEAN:
            return QOBJECT(qbool_from_bool(json_node_get_boolean(node)));
        default:
            return QOBJECT(qstring_from_str(json_node_get_string(node)));
        }
    }
}

static uint64_t bench_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* A migration-dump-like document: devices with register files and RAM. */
static GString *make_document(size_t target)
{
    g_autoptr(QDict) root = qdict_new();
    uint64_t seed = 1;
    int dev = 0;
    size_t size = 0;
    GString *text;

    for (;;) {
        QDict *d = qdict_new();
        QList *regs = qlist_new();
        QList *ram = qlist_new();
        QList *samples = qlist_new();
        char name[32];

        for (int i = 0; i < 64; i++) {
            qlist_append_uint(regs, bench_rand(&seed) >> (i % 64));
        }
        for (int i = 0; i < 4096; i++) {
            qlist_append_int(ram, bench_rand(&seed) & 0xff);
        }
        for (int i = 0; i < 256; i++) {
            qlist_append(samples, qnum_from_double(
                (double)(bench_rand(&seed) >> 11) / 9007199254740992.0 * 1e3));
        }
        qdict_put_str(d, "type", "e1000");
        qdict_put_int(d, "version_id", 2);
        qdict_put_bool(d, "enabled", dev % 2);
        qdict_put(d, "clock", qnum_from_double(dev * 1.25e-3));
        qdict_put(d, "regs", regs);
        qdict_put(d, "samples", samples);
        qdict_put(d, "ram", ram);
        g_snprintf(name, sizeof(name), "dev%d", dev++);
        text = qobject_to_json_pretty(QOBJECT(d), true);
        size += text->len;
        g_string_free(text, TRUE);
        qdict_put(root, name, d);
        if (size >= target) {
            return qobject_to_json_pretty(QOBJECT(root), true);
        }
    }
}

typedef enum { JSONGLIB, JSONGLIB_CONVERT, SCAN, QVISIT } Mode;

static double run_parse(Mode mode, const GString *text)
{
    double best = 1e9;

    for (int r = 0; r < RUNS; r++) {
        gint64 t0 = g_get_monotonic_time();
        GError *err = NULL;

        if (mode == JSONGLIB || mode == JSONGLIB_CONVERT) {
            g_autoptr(JsonParser) p = json_parser_new_immutable();

            if (!json_parser_load_from_data(p, text->str, text->len, &err)) {
                g_error("json-glib: %s", err->message);
            }
            if (mode == JSONGLIB_CONVERT) {
                qobject_unref(node_to_qobject(json_parser_get_root(p)));
            }
        } else {
            QObject *o = qjson__parse(text->str, text->len,
                                      qvisit_limits_default(),
                                      mode == QVISIT, &err);
            if (!o) {
                g_error("qvisit: %s", err->message);
            }
            if (mode == QVISIT) {
                qobject_unref(o);
            }
        }
        best = MIN(best, (g_get_monotonic_time() - t0) / 1e6);
    }
    return best;
}

/* The JsonNode tree of @obj, for json-glib's generator. json-glib keeps
 * integers as gint64: the documents below stay under 2^63. */
static JsonNode *qobject_to_node(const QObject *obj)
{
    JsonNode *n;

    switch (qobject_type(obj)) {
    case QTYPE_QDICT: {
        const QDict *d = qobject_to(QDict, obj);
        JsonObject *o = json_object_new();

        for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
            json_object_set_member(o, qdict_entry_key(e),
                                   qobject_to_node(qdict_entry_value(e)));
        }
        n = json_node_new(JSON_NODE_OBJECT);
        json_node_take_object(n, o);
        return n;
    }
    case QTYPE_QLIST: {
        const QList *l = qobject_to(QList, obj);
        JsonArray *a = json_array_sized_new(qlist_size(l));

        for (size_t i = 0; i < qlist_size(l); i++) {
            json_array_add_element(a, qobject_to_node(qlist_get(l, i)));
        }
        n = json_node_new(JSON_NODE_ARRAY);
        json_node_take_array(n, a);
        return n;
    }
    case QTYPE_QNUM: {
        const QNum *q = qobject_to(QNum, obj);
        int64_t i;
        uint64_t u = 0;

        n = json_node_new(JSON_NODE_VALUE);
        if (qnum_is_double(q)) {
            json_node_set_double(n, qnum_get_double(q));
        } else if (qnum_get_try_int(q, &i)) {
            json_node_set_int(n, i);
        } else {
            qnum_get_try_uint(q, &u);
            json_node_set_int(n, (gint64)u);
        }
        return n;
    }
    case QTYPE_QSTRING:
        n = json_node_new(JSON_NODE_VALUE);
        json_node_set_string(n, qstring_get_str(qobject_to(QString, obj)));
        return n;
    case QTYPE_QBOOL:
        n = json_node_new(JSON_NODE_VALUE);
        json_node_set_boolean(n, qbool_get_bool(qobject_to(QBool, obj)));
        return n;
    default:
        return json_node_new(JSON_NODE_NULL);
    }
}

typedef struct WriteResult {
    double ours, glib;          /* best seconds */
    size_t ours_len, glib_len;
} WriteResult;

static WriteResult run_write_pair(const QObject *obj, JsonNode *node,
                                  bool pretty)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    WriteResult r = { 1e9, 1e9, 0, 0 };

    json_generator_set_root(gen, node);
    json_generator_set_pretty(gen, pretty);
    json_generator_set_indent(gen, 4);
    for (int i = 0; i < WRITE_RUNS; i++) {
        gint64 t0 = g_get_monotonic_time();
        GString *s = qobject_to_json_pretty(obj, pretty);
        gint64 t1 = g_get_monotonic_time();
        gsize len = 0;
        gchar *text;

        r.ours = MIN(r.ours, (t1 - t0) / 1e6);
        r.ours_len = s->len;
        g_string_free(s, TRUE);
        t0 = g_get_monotonic_time();
        text = json_generator_to_data(gen, &len);
        t1 = g_get_monotonic_time();
        r.glib = MIN(r.glib, (t1 - t0) / 1e6);
        r.glib_len = len;
        g_free(text);
    }
    return r;
}

/* Prints two table rows (compact, pretty) for one document. */
static void bench_write(const char *label, const QObject *obj)
{
    g_autoptr(JsonNode) node = qobject_to_node(obj);

    for (int pretty = 0; pretty < 2; pretty++) {
        WriteResult r = run_write_pair(obj, node, pretty);

        printf("| %s | %s | %.1f MB | %.1f ms (%.0f MB/s) | %.1f ms "
               "(%.0f MB/s) | %.2fx |\n", label,
               pretty ? "pretty" : "compact", r.ours_len / 1e6,
               r.ours * 1e3, r.ours_len / 1e6 / r.ours, r.glib * 1e3,
               r.glib_len / 1e6 / r.glib, r.glib / r.ours);
    }
}

/*
 * What `qvisit dump` of a machine holds: per device, register files of
 * u32 and u64, byte arrays as integers, buffers as hex strings (4 KiB
 * pages and small ones), flags, small counters and names. No doubles.
 */
static QObject *make_device_state(size_t target)
{
    static const char hex[] = "0123456789abcdef";
    QDict *root = qdict_new();
    uint64_t seed = 3;
    size_t size = 0;

    for (int dev = 0; size < target; dev++) {
        QDict *d = qdict_new();
        QList *regs = qlist_new(), *regs64 = qlist_new();
        QList *bytes = qlist_new(), *queues = qlist_new();
        char name[32], *page = g_malloc(8193), *mac = g_malloc(13);

        for (int i = 0; i < 128; i++) {
            qlist_append_uint(regs, bench_rand(&seed) >> 32);
        }
        for (int i = 0; i < 32; i++) {
            qlist_append_uint(regs64, bench_rand(&seed) >> 1);
        }
        for (int i = 0; i < 512; i++) {
            qlist_append_int(bytes, bench_rand(&seed) & 0xff);
        }
        for (int i = 0; i < 8192; i++) {
            page[i] = hex[bench_rand(&seed) & 15];
        }
        page[8192] = '\0';
        for (int i = 0; i < 12; i++) {
            mac[i] = hex[bench_rand(&seed) & 15];
        }
        mac[12] = '\0';
        for (int q = 0; q < 8; q++) {
            QDict *qd = qdict_new();

            qdict_put_uint(qd, "desc", bench_rand(&seed) >> 16);
            qdict_put_uint(qd, "avail", bench_rand(&seed) >> 16);
            qdict_put_int(qd, "last_avail_idx", bench_rand(&seed) & 0xffff);
            qdict_put_int(qd, "num", 256);
            qdict_put_bool(qd, "notification", q % 2);
            qlist_append(queues, qd);
        }
        qdict_put_str(d, "vmsd_name", "virtio-net");
        qdict_put_int(d, "version_id", 11);
        qdict_put_bool(d, "enabled", dev % 2);
        qdict_put(d, "mac_reg", regs);
        qdict_put(d, "msr", regs64);
        qdict_put(d, "eeprom_data", bytes);
        qdict_put_str(d, "mac", mac);
        qdict_put_str(d, "rx_buffer", page);
        qdict_put(d, "vqs", queues);
        g_snprintf(name, sizeof(name), "0000:00:%02x.0/dev%d", dev % 32, dev);
        qdict_put(root, name, d);
        size += 8192 + 128 * 11 + 32 * 20 + 512 * 4 + 8 * 120 + 200;
        g_free(page);
        g_free(mac);
    }
    return QOBJECT(root);
}

/* Doubles of few digits, as measured values and settings usually are
 * (12.5, 0.0031, 1500.0): the writer's short path. */
static QObject *make_short_doubles(size_t count)
{
    static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
    QList *l = qlist_new();
    uint64_t seed = 9;

    for (size_t i = 0; i < count; i++) {
        uint64_t m = bench_rand(&seed) % 1000000;

        qlist_append(l, qnum_from_double(
            (double)m / scale[bench_rand(&seed) % G_N_ELEMENTS(scale)]));
    }
    return QOBJECT(l);
}

/* Doubles only: full-precision samples of every magnitude (17 digits
 * mostly), the writer's slowest case. */
static QObject *make_doubles(size_t count)
{
    static const double scale[] = {
        1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6,
    };
    QList *l = qlist_new();
    uint64_t seed = 5;

    for (size_t i = 0; i < count; i++) {
        double m = (double)(bench_rand(&seed) >> 11) / 9007199254740992.0;

        qlist_append(l, qnum_from_double(
            m * scale[bench_rand(&seed) % G_N_ELEMENTS(scale)]));
    }
    return QOBJECT(l);
}

static void bench_document(const char *label, const GString *text)
{
    double mb = text->len / 1e6;
    static const char *const names[] = {
        "json-glib (tree only)", "json-glib + convert to QObject",
        "strict scan (validate only)", "qobject_from_json (shipped)",
    };
    double t[4];

    printf("%s document: %.1f MB\n", label, mb);
    for (int m = 0; m < 4; m++) {
        t[m] = run_parse(m, text);
    }
    for (int m = 0; m < 4; m++) {
        printf("  parse %-32s %7.1f MB/s %7.1f ms  x%.2f vs baseline\n",
               names[m], mb / t[m], t[m] * 1e3, t[JSONGLIB_CONVERT] / t[m]);
    }
    printf("  parse %-32s %7.1f MB/s  (lower bound: scan + baseline)\n",
           "pre-scan + json-glib (estimate)",
           mb / (t[SCAN] + t[JSONGLIB_CONVERT]));
}

int main(void)
{
    g_autoptr(GString) pretty = make_document(7800 * 1000);
    g_autoptr(QObject) obj = qobject_from_json(pretty->str, NULL);
    g_autoptr(GString) compact = qobject_to_json(obj);

    /* BENCH_WRITER_ONLY=1: only the writer table. */
    if (!g_getenv("BENCH_WRITER_ONLY")) {
        bench_document("pretty", pretty);
        bench_document("compact", compact);
    }

    g_autoptr(QObject) dev = make_device_state(8 * 1000 * 1000);
    g_autoptr(QObject) dbl = make_doubles(1000 * 1000);
    g_autoptr(QObject) sdbl = make_short_doubles(1000 * 1000);

    printf("\nwriter: qobject_to_json_pretty() vs json-glib "
           "json_generator_to_data(), same document, best of %d\n\n",
           WRITE_RUNS);
    printf("| document | layout | output (ours) | qvisit | json-glib | "
           "speed-up |\n|---|---|---:|---:|---:|---:|\n");
    bench_write("device state (integers, hex buffers)", dev);
    /* A real one: the native dump of a QEMU 7.2 stream (make bench runs
     * from the source tree). */
    {
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) real = qemu_stream_dump_path(
            "tests/data/qemu/pc-e1000.mig", NULL, &err);

        if (real) {
            bench_write("`qvisit dump --qemu` of pc-e1000.mig", real);
        } else {
            printf("(pc-e1000.mig: %s; row skipped)\n", err->message);
        }
    }
    bench_write("mixed (integers, doubles, byte lists)", obj);
    bench_write("doubles, full precision (1 M)", dbl);
    bench_write("doubles, up to 6 digits (1 M)", sdbl);
    /* A RAM dump: 4 Mi byte values, integers only. */
    g_autoptr(QList) ram = qlist_new();
    uint64_t seed = 7;
    for (int i = 0; i < 4 * 1024 * 1024; i++) {
        qlist_append_int(ram, bench_rand(&seed) & 0xff);
    }
    bench_write("RAM list of 4 Mi byte values", QOBJECT(ram));
    return 0;
}
