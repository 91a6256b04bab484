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
 * and the writer in compact and pretty mode. Prints MB/s, best of 5 runs,
 * and ratios to json-glib+convert. Figures go into docs/architecture.md
 * ("JSON exactness").
 */
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "qvisit/qvisit.h"
#include "qobject/qobject-internal.h"

#define RUNS 5

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

static double run_write(const QObject *obj, bool pretty, size_t *len)
{
    double best = 1e9;

    for (int r = 0; r < RUNS; r++) {
        gint64 t0 = g_get_monotonic_time();
        GString *s = qobject_to_json_pretty(obj, pretty);

        best = MIN(best, (g_get_monotonic_time() - t0) / 1e6);
        *len = s->len;
        g_string_free(s, TRUE);
    }
    return best;
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
    size_t clen, plen;

    bench_document("pretty", pretty);
    bench_document("compact", compact);
    double wc = run_write(obj, false, &clen);
    double wp = run_write(obj, true, &plen);
    printf("write compact %.1f MB in %.1f ms: %.1f MB/s\n", clen / 1e6,
           wc * 1e3, clen / 1e6 / wc);
    printf("write pretty  %.1f MB in %.1f ms: %.1f MB/s\n", plen / 1e6,
           wp * 1e3, plen / 1e6 / wp);
    /* A RAM dump: 4 Mi byte values, integers only. */
    g_autoptr(QList) ram = qlist_new();
    uint64_t seed = 7;
    for (int i = 0; i < 4 * 1024 * 1024; i++) {
        qlist_append_int(ram, bench_rand(&seed) & 0xff);
    }
    double wr = run_write(QOBJECT(ram), false, &clen);
    printf("write compact RAM list of 4 Mi bytes, %.1f MB in %.1f ms: "
           "%.1f MB/s, %.1f ns/value\n", clen / 1e6, wr * 1e3,
           clen / 1e6 / wr, wr * 1e9 / (4 * 1024 * 1024));
    return 0;
}
