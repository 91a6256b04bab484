/*
 * QObject types: construction, reference counting, QEMU's equality rules,
 * deep copy, QDict order and replacement, QList indexing, g_autoptr.
 */
#include <math.h>
#include <string.h>

#include "tests/test-util.h"

static void types_and_names(void)
{
    g_autoptr(QNull) n = qnull();
    g_autoptr(QBool) b = qbool_from_bool(true);
    g_autoptr(QNum) i = qnum_from_int(-5);
    g_autoptr(QString) s = qstring_from_str("x");
    g_autoptr(QDict) d = qdict_new();
    g_autoptr(QList) l = qlist_new();
    static const struct {
        QType type;
        const char *name;
    } names[] = {
        { QTYPE_QNULL, "null" }, { QTYPE_QBOOL, "boolean" },
        { QTYPE_QNUM, "number" }, { QTYPE_QSTRING, "string" },
        { QTYPE_QDICT, "object" }, { QTYPE_QLIST, "array" },
    };

    CU_ASSERT_EQUAL(qobject_type(QOBJECT(n)), QTYPE_QNULL);
    CU_ASSERT_EQUAL(qobject_type(QOBJECT(b)), QTYPE_QBOOL);
    CU_ASSERT_EQUAL(qobject_type(QOBJECT(i)), QTYPE_QNUM);
    CU_ASSERT_EQUAL(qobject_type(QOBJECT(s)), QTYPE_QSTRING);
    CU_ASSERT_EQUAL(qobject_type(QOBJECT(d)), QTYPE_QDICT);
    CU_ASSERT_EQUAL(qobject_type(QOBJECT(l)), QTYPE_QLIST);
    for (size_t k = 0; k < G_N_ELEMENTS(names); k++) {
        CU_ASSERT_STRING_EQUAL(qobject_type_name(names[k].type),
                               names[k].name);
    }
    CU_ASSERT_TRUE(qbool_get_bool(b));
    CU_ASSERT_STRING_EQUAL(qstring_get_str(s), "x");
}

static void qobject_to_checks_type_and_null(void)
{
    g_autoptr(QDict) d = qdict_new();
    QObject *o = QOBJECT(d);

    CU_ASSERT_PTR_EQUAL(qobject_to(QDict, o), d);
    CU_ASSERT_PTR_NULL(qobject_to(QList, o));
    CU_ASSERT_PTR_NULL(qobject_to(QNum, o));
    CU_ASSERT_PTR_NULL(qobject_to(QDict, (QObject *)NULL));
    CU_ASSERT_PTR_NULL(QOBJECT((QDict *)NULL));
}

static void qnum_keeps_exact_values(void)
{
    static const int64_t ints[] = { 0, 1, -1, INT64_MIN, INT64_MAX };
    static const uint64_t uints[] = { 0, 1, INT64_MAX, (uint64_t)INT64_MAX + 1,
                                      UINT64_MAX };

    for (size_t k = 0; k < G_N_ELEMENTS(ints); k++) {
        g_autoptr(QNum) n = qnum_from_int(ints[k]);
        int64_t iv = 42;
        uint64_t uv = 42;

        CU_ASSERT_FALSE(qnum_is_double(n));
        CU_ASSERT_TRUE(qnum_get_try_int(n, &iv));
        CU_ASSERT_EQUAL(iv, ints[k]);
        CU_ASSERT_EQUAL(qnum_get_try_uint(n, &uv), ints[k] >= 0);
        CU_ASSERT_EQUAL(uv, ints[k] >= 0 ? (uint64_t)ints[k] : 42);
        CU_ASSERT_EQUAL(qnum_get_double(n), (double)ints[k]);
    }
    for (size_t k = 0; k < G_N_ELEMENTS(uints); k++) {
        g_autoptr(QNum) n = qnum_from_uint(uints[k]);
        int64_t iv = 42;
        uint64_t uv = 42;

        CU_ASSERT_TRUE(qnum_get_try_uint(n, &uv));
        CU_ASSERT_EQUAL(uv, uints[k]);
        CU_ASSERT_EQUAL(qnum_get_try_int(n, &iv), uints[k] <= INT64_MAX);
        CU_ASSERT_EQUAL(iv, uints[k] <= INT64_MAX ? (int64_t)uints[k] : 42);
    }

    g_autoptr(QNum) d = qnum_from_double(-0.0);
    int64_t iv = 7;
    uint64_t uv = 7;
    CU_ASSERT_TRUE(qnum_is_double(d));
    CU_ASSERT_FALSE(qnum_get_try_int(d, &iv));
    CU_ASSERT_FALSE(qnum_get_try_uint(d, &uv));
    CU_ASSERT_EQUAL(iv, 7);
    CU_ASSERT_EQUAL(uv, 7);
    CU_ASSERT_TRUE(signbit(qnum_get_double(d)));
}

static void refcount_keeps_object_alive(void)
{
    QString *s = qstring_from_str("shared");
    QList *a = qlist_new();
    QList *b = qlist_new();

    CU_ASSERT_PTR_EQUAL(qobject_ref(s), s);
    qlist_append(a, s);                 /* takes the extra reference */
    qlist_append(b, qobject_ref(s));
    qobject_unref(s);                   /* the original one */
    qobject_unref(a);
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                                                      qlist_get(b, 0))),
                           "shared");
    qobject_unref(b);
    qobject_unref((QObject *)NULL);
    CU_ASSERT_PTR_NULL(qobject_ref((QObject *)NULL));
}

static void qnull_is_a_singleton(void)
{
    QNull *a = qnull();
    QNull *b = qnull();

    CU_ASSERT_PTR_EQUAL(a, b);
    qobject_unref(a);
    qobject_unref(b);
    /* Dropping more references than taken must not free the static. */
    qobject_unref(qnull());
    qobject_unref(qnull());
    g_autoptr(QNull) c = qnull();
    CU_ASSERT_EQUAL(qobject_type(QOBJECT(c)), QTYPE_QNULL);
}

static QObject *json(const char *text)
{
    GError *err = NULL;
    QObject *obj = qobject_from_json(text, &err);

    ASSERT_NO_ERROR(err);
    return obj;
}

static void equality_follows_qemu_rules(void)
{
    static const struct {
        const char *a;
        const char *b;
        bool equal;
    } cases[] = {
        { "1", "1", true },
        { "9223372036854775807", "9223372036854775807", true },
        { "18446744073709551615", "18446744073709551615", true },
        { "18446744073709551615", "-1", false },
        { "1", "1.0", false },
        { "0", "0.0", false },
        { "0.5", "0.5", true },
        { "0.0", "-0.0", true },             /* QEMU compares with == */
        { "null", "null", true },
        { "true", "true", true },
        { "true", "false", false },
        { "true", "1", false },
        { "\"a\"", "\"a\"", true },
        { "\"a\"", "\"b\"", false },
        { "\"1\"", "1", false },
        { "{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", true },
        { "{\"a\":1}", "{\"a\":1,\"b\":2}", false },
        { "{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":2}", false },
        { "{\"a\":1}", "{\"a\":2}", false },
        { "[1,2]", "[1,2]", true },
        { "[1,2]", "[2,1]", false },
        { "[1,2]", "[1,2,3]", false },
        { "[]", "{}", false },
        { "{\"x\":[{\"a\":1,\"b\":[]}]}", "{\"x\":[{\"b\":[],\"a\":1}]}",
          true },
    };

    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autoptr(QObject) a = json(cases[k].a);
        g_autoptr(QObject) b = json(cases[k].b);

        if (qobject_is_equal(a, b) != cases[k].equal) {
            fprintf(stderr, "\n%s vs %s\n", cases[k].a, cases[k].b);
        }
        CU_ASSERT_EQUAL(qobject_is_equal(a, b), cases[k].equal);
        CU_ASSERT_EQUAL(qobject_is_equal(b, a), cases[k].equal);
    }
}

static void equality_int_and_uint_of_same_value(void)
{
    g_autoptr(QNum) i = qnum_from_int(5);
    g_autoptr(QNum) u = qnum_from_uint(5);
    g_autoptr(QNum) neg = qnum_from_int(-1);
    g_autoptr(QNum) max = qnum_from_uint(UINT64_MAX);
    g_autoptr(QNum) dbl = qnum_from_double(5.0);
    g_autoptr(QNum) nan = qnum_from_double(NAN);
    g_autoptr(QNum) nan2 = qnum_from_double(NAN);

    CU_ASSERT_TRUE(qobject_is_equal(QOBJECT(i), QOBJECT(u)));
    CU_ASSERT_TRUE(qobject_is_equal(QOBJECT(u), QOBJECT(i)));
    CU_ASSERT_FALSE(qobject_is_equal(QOBJECT(neg), QOBJECT(max)));
    CU_ASSERT_FALSE(qobject_is_equal(QOBJECT(i), QOBJECT(dbl)));
    CU_ASSERT_FALSE(qobject_is_equal(QOBJECT(u), QOBJECT(dbl)));
    CU_ASSERT_FALSE(qobject_is_equal(QOBJECT(nan), QOBJECT(nan)));
    CU_ASSERT_FALSE(qobject_is_equal(QOBJECT(nan), QOBJECT(nan2)));
    CU_ASSERT_TRUE(qobject_is_equal(NULL, NULL));
    CU_ASSERT_FALSE(qobject_is_equal(QOBJECT(i), NULL));
}

static void clone_is_deep_and_equal(void)
{
    g_autoptr(QObject) orig = json("{\"a\":[1,18446744073709551615,-0.0,"
                                   "\"s\",null,true,{\"k\":{}}],\"b\":{}}");
    g_autoptr(QObject) copy = qobject_clone(orig);
    QDict *cd = qobject_to(QDict, copy);

    CU_ASSERT_PTR_NOT_EQUAL(copy, orig);
    ASSERT_QOBJECT_EQUAL(copy, orig);
    g_autoptr(GString) a = qobject_to_json(orig);
    g_autoptr(GString) b = qobject_to_json(copy);
    CU_ASSERT_STRING_EQUAL(a->str, b->str);
    /* Changing the copy leaves the original alone. */
    qdict_put_int(qobject_to(QDict, qdict_get(cd, "b")), "new", 1);
    CU_ASSERT_FALSE(qobject_is_equal(copy, orig));
    CU_ASSERT_PTR_NULL(qobject_clone(NULL));
}

static char *keys_of(const QDict *d)
{
    GString *s = g_string_new(NULL);

    for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
        g_string_append(s, qdict_entry_key(e));
    }
    return g_string_free(s, FALSE);
}

static void dict_keeps_insertion_order_and_replaces_in_place(void)
{
    g_autoptr(QDict) d = qdict_new();
    int64_t v = 0;

    CU_ASSERT_PTR_NULL(qdict_first(d));
    qdict_put_int(d, "z", 1);
    qdict_put_str(d, "a", "x");
    qdict_put_bool(d, "m", false);
    qdict_put_null(d, "n");
    qdict_put_uint(d, "u", UINT64_MAX);
    g_autofree char *k1 = keys_of(d);
    CU_ASSERT_STRING_EQUAL(k1, "zamnu");
    qdict_put_int(d, "a", 7);
    g_autofree char *k2 = keys_of(d);
    CU_ASSERT_STRING_EQUAL(k2, "zamnu");
    CU_ASSERT_EQUAL(qdict_size(d), 5);
    CU_ASSERT_TRUE(qnum_get_try_int(qobject_to(QNum, qdict_get(d, "a")), &v));
    CU_ASSERT_EQUAL(v, 7);
    CU_ASSERT_TRUE(qdict_haskey(d, "n"));
    CU_ASSERT_FALSE(qdict_haskey(d, "q"));
    CU_ASSERT_PTR_NULL(qdict_get(d, "q"));
}

static void dict_replace_with_same_object_keeps_it(void)
{
    g_autoptr(QDict) d = qdict_new();
    QString *s = qstring_from_str("keep");

    qdict_put(d, "k", s);
    qdict_put(d, "k", qobject_ref(s));
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                                                      qdict_get(d, "k"))),
                           "keep");
}

static void dict_del_removes_and_keeps_order(void)
{
    g_autoptr(QDict) d = qdict_new();

    qdict_put_int(d, "a", 1);
    qdict_put_int(d, "b", 2);
    qdict_put_int(d, "c", 3);
    qdict_del(d, "b");
    g_autofree char *k1 = keys_of(d);
    CU_ASSERT_STRING_EQUAL(k1, "ac");
    qdict_del(d, "missing");
    qdict_del(d, "a");
    qdict_del(d, "c");
    CU_ASSERT_EQUAL(qdict_size(d), 0);
    CU_ASSERT_PTR_NULL(qdict_first(d));
    qdict_put_int(d, "b", 2);
    g_autofree char *k2 = keys_of(d);
    CU_ASSERT_STRING_EQUAL(k2, "b");
}

/*
 * The first members live in the dict's own allocation, later ones on the
 * heap: long and short keys around that boundary, deletes of both kinds
 * and re-adds after them (valgrind checks the frees).
 */
static void dict_members_in_place_and_on_heap(void)
{
    g_autoptr(QDict) d = qdict_new();
    char long_key[120];

    memset(long_key, 'x', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = '\0';
    qdict_put_int(d, "a", 1);
    qdict_put_int(d, long_key, 2);      /* does not fit in place */
    qdict_put_int(d, "b", 3);
    qdict_put_int(d, "c", 4);
    qdict_del(d, "a");
    qdict_del(d, long_key);
    for (int round = 0; round < 200; round++) {
        g_autofree char *key = g_strdup_printf("r%d", round);

        qdict_put_int(d, key, round);
        if (round % 3) {
            qdict_del(d, key);
        }
    }
    qdict_put_int(d, long_key, 5);
    CU_ASSERT_EQUAL(qdict_size(d), 2 + 67 + 1);
    CU_ASSERT_STRING_EQUAL(qdict_entry_key(qdict_first(d)), "b");
    CU_ASSERT_PTR_NOT_NULL(qdict_get(d, "r198"));
    CU_ASSERT_PTR_NULL(qdict_get(d, "r197"));
    CU_ASSERT_PTR_NOT_NULL(qdict_get(d, long_key));
    CU_ASSERT_PTR_NULL(qdict_get(d, "a"));
}

static void large_dict_lookup_del_and_iteration(void)
{
    /* Crosses the size at which the hash index is built. */
    g_autoptr(QDict) d = qdict_new();
    char key[16];
    size_t n = 0;

    for (int i = 0; i < 1000; i++) {
        g_snprintf(key, sizeof(key), "k%d", i);
        qdict_put_int(d, key, i);
    }
    for (int i = 0; i < 1000; i += 2) {
        g_snprintf(key, sizeof(key), "k%d", i);
        qdict_del(d, key);
    }
    CU_ASSERT_EQUAL(qdict_size(d), 500);
    for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
        int64_t v;

        g_snprintf(key, sizeof(key), "k%zu", 2 * n + 1);
        CU_ASSERT_STRING_EQUAL(qdict_entry_key(e), key);
        CU_ASSERT_TRUE(qnum_get_try_int(qobject_to(QNum,
                                                   qdict_entry_value(e)), &v));
        CU_ASSERT_EQUAL(v, (int64_t)(2 * n + 1));
        CU_ASSERT_PTR_EQUAL(qdict_get(d, key), qdict_entry_value(e));
        n++;
    }
    CU_ASSERT_EQUAL(n, 500);
    CU_ASSERT_FALSE(qdict_haskey(d, "k0"));
    CU_ASSERT_TRUE(qdict_haskey(d, "k999"));
}

/* Lists keep their first elements in place, then move them to the heap. */
static void list_moves_from_in_place_to_heap(void)
{
    for (int n = 0; n <= 9; n++) {
        g_autoptr(QList) l = qlist_new();
        g_autoptr(QObject) copy = NULL;

        for (int i = 0; i < n; i++) {
            qlist_append_int(l, i * 10);
        }
        CU_ASSERT_EQUAL(qlist_size(l), (size_t)n);
        for (int i = 0; i < n; i++) {
            int64_t v = -1;

            CU_ASSERT_TRUE(qnum_get_try_int(qobject_to(QNum, qlist_get(l, i)),
                                            &v));
            CU_ASSERT_EQUAL(v, i * 10);
        }
        copy = qobject_clone(QOBJECT(l));
        CU_ASSERT_TRUE(qobject_is_equal(copy, QOBJECT(l)));
        qlist_truncate(l, n / 2);
        CU_ASSERT_EQUAL(qlist_size(l), (size_t)(n / 2));
        CU_ASSERT_EQUAL(qobject_is_equal(copy, QOBJECT(l)), n == 0);
    }
}

static void list_get_set_truncate(void)
{
    g_autoptr(QList) l = qlist_new();
    int64_t v;

    CU_ASSERT_EQUAL(qlist_size(l), 0);
    CU_ASSERT_PTR_NULL(qlist_get(l, 0));
    for (int i = 0; i < 100000; i++) {
        qlist_append_int(l, i);
    }
    qlist_append_uint(l, UINT64_MAX);
    qlist_append_str(l, "end");
    CU_ASSERT_EQUAL(qlist_size(l), 100002);
    CU_ASSERT_TRUE(qnum_get_try_int(qobject_to(QNum, qlist_get(l, 54321)),
                                    &v));
    CU_ASSERT_EQUAL(v, 54321);
    CU_ASSERT_STRING_EQUAL(qstring_get_str(qobject_to(QString,
                                                      qlist_get(l, 100001))),
                           "end");
    CU_ASSERT_PTR_NULL(qlist_get(l, 100002));
    CU_ASSERT_PTR_NULL(qlist_get(l, SIZE_MAX));
    qlist_set_obj(l, 0, QOBJECT(qbool_from_bool(true)));
    CU_ASSERT_EQUAL(qobject_type(qlist_get(l, 0)), QTYPE_QBOOL);
    qlist_truncate(l, 2);
    CU_ASSERT_EQUAL(qlist_size(l), 2);
    CU_ASSERT_PTR_NULL(qlist_get(l, 2));
    qlist_truncate(l, 0);
    CU_ASSERT_EQUAL(qlist_size(l), 0);
}

static void deep_tree_frees_without_recursion(void)
{
    QDict *root = qdict_new();
    QDict *cur = root;

    for (int i = 0; i < 300000; i++) {
        QList *l = qlist_new();
        QDict *next = qdict_new();

        qlist_append(l, next);
        qdict_put(cur, "l", l);
        cur = next;
    }
    qobject_unref(root);
}

static void autoptr_releases_every_type(void)
{
    /* valgrind checks these are freed. */
    g_autoptr(QObject) o = QOBJECT(qdict_new());
    g_autoptr(QDict) d = qdict_new();
    g_autoptr(QList) l = qlist_new();
    g_autoptr(QNum) n = qnum_from_double(1.5);
    g_autoptr(QString) s = qstring_from_str("s");
    g_autoptr(QBool) b = qbool_from_bool(false);
    g_autoptr(QNull) z = qnull();
    g_autoptr(QObject) none = NULL;

    qdict_put(d, "l", qobject_ref(l));
    qlist_append(l, qobject_ref(s));
    CU_ASSERT_PTR_NOT_NULL(o);
    CU_ASSERT_PTR_NOT_NULL(n);
    CU_ASSERT_PTR_NOT_NULL(b);
    CU_ASSERT_PTR_NOT_NULL(z);
    CU_ASSERT_PTR_NULL(none);
}

/* qstring_from_hex(): lowercase digits, empty input, and a string big
 * enough for the huge-page allocation (util/big-alloc.h), cloned, compared
 * and freed like any other (valgrind and ASan see it freed once). */
static void qstring_from_hex_writes_lowercase_digits(void)
{
    static const uint8_t bytes[] = { 0x00, 0x0f, 0xa5, 0xff, 0x10 };
    g_autoptr(QString) s = qstring_from_hex(bytes, sizeof(bytes));
    g_autoptr(QString) empty = qstring_from_hex(NULL, 0);
    size_t big_len = 3 << 20;       /* 6 MiB of text */
    g_autofree uint8_t *big = g_malloc(big_len);
    g_autoptr(QString) b = NULL;
    g_autoptr(QObject) copy = NULL;
    const char *t;

    CU_ASSERT_STRING_EQUAL(qstring_get_str(s), "000fa5ff10");
    CU_ASSERT_STRING_EQUAL(qstring_get_str(empty), "");
    for (size_t i = 0; i < big_len; i++) {
        big[i] = (uint8_t)(i * 7);
    }
    b = qstring_from_hex(big, big_len);
    t = qstring_get_str(b);
    CU_ASSERT_EQUAL(strlen(t), 2 * big_len);
    CU_ASSERT_EQUAL(memcmp(t, "00070e15", 8), 0);
    CU_ASSERT_EQUAL(memcmp(t + 2 * big_len - 4, "f2f9", 4), 0);
    copy = qobject_clone(QOBJECT(b));
    CU_ASSERT_TRUE(qobject_is_equal(copy, QOBJECT(b)));
}

int main(void)
{
    static const TestCase tests[] = {
        { "types_and_names", types_and_names },
        { "qobject_to_checks_type_and_null",
          qobject_to_checks_type_and_null },
        { "qnum_keeps_exact_values", qnum_keeps_exact_values },
        { "refcount_keeps_object_alive", refcount_keeps_object_alive },
        { "qnull_is_a_singleton", qnull_is_a_singleton },
        { "equality_follows_qemu_rules", equality_follows_qemu_rules },
        { "equality_int_and_uint_of_same_value",
          equality_int_and_uint_of_same_value },
        { "clone_is_deep_and_equal", clone_is_deep_and_equal },
        { "dict_keeps_insertion_order_and_replaces_in_place",
          dict_keeps_insertion_order_and_replaces_in_place },
        { "dict_replace_with_same_object_keeps_it",
          dict_replace_with_same_object_keeps_it },
        { "dict_del_removes_and_keeps_order",
          dict_del_removes_and_keeps_order },
        { "large_dict_lookup_del_and_iteration",
          large_dict_lookup_del_and_iteration },
        { "dict_members_in_place_and_on_heap",
          dict_members_in_place_and_on_heap },
        { "list_get_set_truncate", list_get_set_truncate },
        { "list_moves_from_in_place_to_heap",
          list_moves_from_in_place_to_heap },
        { "deep_tree_frees_without_recursion",
          deep_tree_frees_without_recursion },
        { "autoptr_releases_every_type", autoptr_releases_every_type },
        { "qstring_from_hex_writes_lowercase_digits",
          qstring_from_hex_writes_lowercase_digits },
        { NULL, NULL },
    };

    return test_run_suite("qobject", tests);
}
