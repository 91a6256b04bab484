/*
 * Differential test: qvisit's strict JSON parser against json-glib.
 *
 * json-glib is the project's reference JSON implementation. Within the
 * domain where json-glib is exact (integers inside int64, no duplicate
 * keys, shallow nesting, strict syntax) both parsers must build the same
 * tree; outside it qvisit must refuse what json-glib silently changes.
 * See docs/architecture.md, "JSON exactness".
 */
#include "tests/test-util.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* Converts a json-glib tree to a QObject with json-glib's own types. */
static QObject *from_json_node(JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        QDict *d = qdict_new();
        JsonObject *o = json_node_get_object(node);
        g_autoptr(GList) members = json_object_get_members(o);
        for (GList *m = members; m; m = m->next) {
            qdict_put_obj(d, m->data,
                          from_json_node(json_object_get_member(o, m->data)));
        }
        return QOBJECT(d);
    }
    case JSON_NODE_ARRAY: {
        QList *l = qlist_new();
        JsonArray *a = json_node_get_array(node);
        for (guint i = 0; i < json_array_get_length(a); i++) {
            qlist_append_obj(l, from_json_node(json_array_get_element(a, i)));
        }
        return QOBJECT(l);
    }
    case JSON_NODE_NULL:
        return QOBJECT(qnull());
    default:
        break;
    }
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

static QObject *parse_with_json_glib(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;

    if (!json_parser_load_from_data(parser, text, -1, &err) ||
        !json_parser_get_root(parser)) {
        return NULL;
    }
    return from_json_node(json_parser_get_root(parser));
}

static const char *const agreeing_documents[] = {
    "0", "-1", "9223372036854775807", "-9223372036854775808",
    "0.5", "-2.5e-3", "1e300", "true", "false", "null", "\"\"",
    "\"caf\\u00e9 \\ud83d\\ude00 \\n\\t\\\"\\\\\"",
    "[]", "{}", "[1, [2, [3, [4]]], {\"a\": {\"b\": []}}]",
    ("{\"serial\": {\"regs\": [0, 1, 255], \"lcr\": 3, \"name\": \"uart\"},"
     " \"pit\": {\"channels\": [{\"count\": 65535, \"gate\": true}]}}"),
};

static void both_parsers_agree_on_strict_documents(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(agreeing_documents); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) ours = qobject_from_json(agreeing_documents[i],
                                                    &err);
        g_autoptr(QObject) theirs =
            parse_with_json_glib(agreeing_documents[i]);

        ASSERT_NO_ERROR(err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(theirs);
        ASSERT_QOBJECT_EQUAL(ours, theirs);
    }
}

/* Random documents built from the agreeing domain, written by our writer. */
static QObject *random_tree(uint64_t *seed, int depth)
{
    uint64_t r = test_rand_next(seed);

    switch (depth > 3 ? r % 4 : r % 6) {
    case 0:
        return QOBJECT(qnum_from_int((int64_t)test_rand_next(seed)));
    case 1: {
        double d;
        uint64_t bits = test_rand_next(seed);
        memcpy(&d, &bits, sizeof(d));
        return QOBJECT(qnum_from_double(isfinite(d) ? d : 0.25));
    }
    case 2:
        return QOBJECT(qbool_from_bool(r & 64));
    case 3: {
        char s[16];
        g_snprintf(s, sizeof(s), "s%" G_GUINT64_FORMAT, r % 1000);
        return QOBJECT(qstring_from_str(s));
    }
    case 4: {
        QList *l = qlist_new();
        for (uint64_t n = test_rand_next(seed) % 5; n; n--) {
            qlist_append_obj(l, random_tree(seed, depth + 1));
        }
        return QOBJECT(l);
    }
    default: {
        QDict *d = qdict_new();
        for (uint64_t n = test_rand_next(seed) % 5; n; n--) {
            char key[16];
            g_snprintf(key, sizeof(key), "k%" G_GUINT64_FORMAT, n);
            qdict_put_obj(d, key, random_tree(seed, depth + 1));
        }
        return QOBJECT(d);
    }
    }
}

static void both_parsers_agree_on_random_documents(void)
{
    uint64_t seed = 42;

    for (int i = 0; i < 500; i++) {
        g_autoptr(QObject) tree = random_tree(&seed, 0);
        g_autoptr(GString) text = qobject_to_json_pretty(tree, i & 1);
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) ours = qobject_from_json(text->str, &err);
        g_autoptr(QObject) theirs = parse_with_json_glib(text->str);

        ASSERT_NO_ERROR(err);
        ASSERT_QOBJECT_EQUAL(ours, tree);
        ASSERT_QOBJECT_EQUAL(theirs, tree);
    }
}

/* Where json-glib changes data silently, qvisit refuses. */
static void qvisit_refuses_what_json_glib_changes(void)
{
    static const struct {
        const char *text;
        int code;
    } cases[] = {
        { "18446744073709551616", QVISIT_ERROR_RANGE },
        { "-9223372036854775809", QVISIT_ERROR_RANGE },
        { "1e400", QVISIT_ERROR_RANGE },
        { "{\"a\": 1, \"a\": 2}", QVISIT_ERROR_PARSE },
        { "", QVISIT_ERROR_PARSE },
        { "[0x10]", QVISIT_ERROR_PARSE },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) ours = qobject_from_json(cases[i].text, &err);

        CU_ASSERT_PTR_NULL(ours);
        CU_ASSERT_TRUE(err && err->domain == QVISIT_ERROR &&
                       err->code == cases[i].code);
    }
    /* And 18446744073709551615 is kept exactly, where json-glib says -1. */
    {
        g_autoptr(GError) err = NULL;
        g_autoptr(QObject) ours = qobject_from_json("18446744073709551615",
                                                    &err);
        g_autoptr(QObject) theirs =
            parse_with_json_glib("18446744073709551615");
        uint64_t u = 0;
        int64_t s = 0;

        CU_ASSERT_TRUE(qnum_get_try_uint(qobject_to(QNum, ours), &u));
        CU_ASSERT_EQUAL(u, UINT64_MAX);
        CU_ASSERT_TRUE(qnum_get_try_int(qobject_to(QNum, theirs), &s));
        CU_ASSERT_EQUAL(s, -1);
    }
}

static const TestCase tests[] = {
    { "both_parsers_agree_on_strict_documents", both_parsers_agree_on_strict_documents },
    { "both_parsers_agree_on_random_documents", both_parsers_agree_on_random_documents },
    { "qvisit_refuses_what_json_glib_changes", qvisit_refuses_what_json_glib_changes },
    { NULL, NULL },
};

int main(void)
{
    return test_run_suite("qjson-glib", tests);
}
