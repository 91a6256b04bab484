/*
 * Schemas (docs/formats.md, "Schema description") seen from compat: a
 * sample state built from a schema, and a check that a state matches one.
 * Schemas come from files, so every node is checked and every size the
 * schema claims is bounded before anything is allocated.
 */
#include "qvisit/compat.h"

#include <inttypes.h>
#include <string.h>

#include "compat/compat-internal.h"
#include "qvisit/limits.h"
#include "util/error-at.h"

typedef enum {
    KIND_UINT,
    KIND_INT,
    KIND_BOOL,
    KIND_NUMBER,
    KIND_STR,
    KIND_BUFFER,
    KIND_ARRAY,
    KIND_STRUCT,
} Kind;

/* One schema node, decoded. Pointers are borrowed from the schema. */
typedef struct Node {
    Kind kind;
    const char *type;
    unsigned bits;
    uint64_t length;           /* arrays and buffers */
    const QObject *element;    /* arrays; NULL when length is 0 */
    QList *members;            /* structs */
} Node;

static const struct {
    const char *name;
    Kind kind;
    unsigned bits;
} scalar_types[] = {
    { "u8", KIND_UINT, 8 }, { "u16", KIND_UINT, 16 },
    { "u32", KIND_UINT, 32 }, { "u64", KIND_UINT, 64 },
    { "i8", KIND_INT, 8 }, { "i16", KIND_INT, 16 },
    { "i32", KIND_INT, 32 }, { "i64", KIND_INT, 64 },
    { "bool", KIND_BOOL, 0 }, { "number", KIND_NUMBER, 0 },
    { "str", KIND_STR, 0 }, { "buffer", KIND_BUFFER, 0 },
    { "array", KIND_ARRAY, 0 }, { "struct", KIND_STRUCT, 0 },
};

/* Sets "<path>: <message>", "(root)" for the empty path, and returns
 * false. */
static bool path_error(GError **errp, int code, const char *path,
                       const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static bool path_error(GError **errp, int code, const char *path,
                       const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qvisit__error_at_va(errp, code, *path ? path : "(root)",
                        QVISIT_NO_OFFSET, fmt, ap);
    va_end(ap);
    return false;
}

static bool schema_error(GError **errp, const char *path, const char *what)
{
    return path_error(errp, QVISIT_ERROR_PARSE, path, "bad schema: %s",
                      what);
}

static bool get_length(const QDict *d, const char *path, uint64_t *len,
                       GError **errp)
{
    QNum *n = qobject_to(QNum, qdict_get(d, "length"));

    if (!n || qnum_is_double(n) || !qnum_get_try_uint(n, len)) {
        return schema_error(errp, path,
                            "'length' must be a non-negative integer");
    }
    return true;
}

static bool node_parse(const QObject *obj, const char *path, Node *node,
                       GError **errp)
{
    const QDict *d = qobject_to(QDict, obj);
    QString *type;

    memset(node, 0, sizeof(*node));
    if (!d) {
        return schema_error(errp, path, "a node must be an object");
    }
    type = qobject_to(QString, qdict_get(d, "type"));
    if (!type) {
        return schema_error(errp, path, "'type' must be a string");
    }
    node->type = qstring_get_str(type);
    for (size_t i = 0; i < G_N_ELEMENTS(scalar_types); i++) {
        if (!strcmp(node->type, scalar_types[i].name)) {
            node->kind = scalar_types[i].kind;
            node->bits = scalar_types[i].bits;
            break;
        }
        if (i + 1 == G_N_ELEMENTS(scalar_types)) {
            g_autofree char *msg = g_strdup_printf("unknown type '%s'",
                                                   node->type);

            return schema_error(errp, path, msg);
        }
    }
    switch (node->kind) {
    case KIND_BUFFER:
        return get_length(d, path, &node->length, errp);
    case KIND_ARRAY:
        if (!get_length(d, path, &node->length, errp)) {
            return false;
        }
        node->element = qdict_get(d, "element");
        if (node->length && !node->element) {
            return schema_error(errp, path,
                                "an array with elements needs 'element'");
        }
        return true;
    case KIND_STRUCT:
        node->members = qobject_to(QList, qdict_get(d, "members"));
        if (!node->members) {
            return schema_error(errp, path, "'members' must be an array");
        }
        return true;
    default:
        return true;
    }
}

/* The name and optional flag of member @i of a struct node. */
static bool member_parse(QList *members, size_t i, const char *path,
                         const char **name, bool *optional, GError **errp)
{
    QDict *m = qobject_to(QDict, qlist_get(members, i));
    QString *qs = m ? qobject_to(QString, qdict_get(m, "name")) : NULL;
    QObject *opt = m ? qdict_get(m, "optional") : NULL;

    if (!qs || !*qstring_get_str(qs)) {
        g_autofree char *msg =
            g_strdup_printf("member %zu needs a non-empty 'name'", i);

        return schema_error(errp, path, msg);
    }
    if (opt && !qobject_to(QBool, opt)) {
        g_autofree char *msg =
            g_strdup_printf("'optional' of '%s' must be a boolean",
                            qstring_get_str(qs));

        return schema_error(errp, path, msg);
    }
    *name = qstring_get_str(qs);
    *optional = opt && qbool_get_bool(qobject_to(QBool, opt));
    for (size_t j = 0; j < i; j++) {
        QDict *prev = qobject_to(QDict, qlist_get(members, j));
        QString *pn = qobject_to(QString, qdict_get(prev, "name"));

        if (!strcmp(qstring_get_str(pn), *name)) {
            g_autofree char *msg =
                g_strdup_printf("duplicate member '%s'", *name);

            return schema_error(errp, path, msg);
        }
    }
    return true;
}

static char *child_path(const char *path, const char *name)
{
    return *path ? g_strdup_printf("%s.%s", path, name) : g_strdup(name);
}

/* --- Sample ------------------------------------------------------------- */

/*
 * What a sample's values take on the heap (at least the allocation and
 * its malloc overhead), for max_alloc: a scalar, a string of n bytes, a
 * list or dict, and an element's or a member's place in its container.
 */
#define COST_SCALAR 48
#define COST_STR(n) (48 + (uint64_t)(n))
#define COST_LIST 96
#define COST_DICT 208
#define COST_SLOT 16
#define COST_MEMBER(name_len) (48 + (uint64_t)(name_len))

static bool alloc_error(GError **errp, const char *path,
                        const QVisitLimits *lim)
{
    return path_error(errp, QVISIT_ERROR_LIMIT, path,
                      "the sample needs more than %zu bytes (max_alloc)",
                      lim->max_alloc);
}

/*
 * Validates @schema and counts the values a sample of it holds and the
 * bytes they take, so that an absurd schema (an array of 2^32 arrays of
 * 2^32 elements) is refused before anything is allocated. *@hex is the
 * largest buffer's hex text, which sample() holds twice for a moment.
 */
static bool measure(const QObject *schema, const char *path, unsigned depth,
                    const QVisitLimits *lim, size_t *count, uint64_t *bytes,
                    uint64_t *hex, GError **errp)
{
    Node node;

    if (depth > lim->max_depth) {
        return path_error(errp, QVISIT_ERROR_LIMIT, path,
                          "schema nested deeper than %u", lim->max_depth);
    }
    if (!node_parse(schema, path, &node, errp)) {
        return false;
    }
    *count = 1;
    *bytes = COST_SCALAR;
    if (node.kind == KIND_BUFFER && node.length > lim->max_string_len / 2) {
        return path_error(errp, QVISIT_ERROR_LIMIT, path,
                          "buffer of %" PRIu64 " bytes exceeds the limit",
                          node.length);
    }
    if (node.kind == KIND_BUFFER) {
        *bytes = COST_STR(node.length * 2);
        *hex = MAX(*hex, *bytes);
    }
    /* An element is checked even for length 0: readers may compare it. */
    if (node.kind == KIND_ARRAY && node.element) {
        g_autofree char *p = g_strdup_printf("%s[]", path);
        size_t each;
        uint64_t each_bytes;

        if (!measure(node.element, p, depth + 1, lim, &each, &each_bytes,
                     hex, errp)) {
            return false;
        }
        if (node.length > lim->max_array_len ||
            (node.length && each > (lim->max_array_len - 1) / node.length)) {
            return path_error(errp, QVISIT_ERROR_LIMIT, path,
                              "array of %" PRIu64
                              " elements exceeds the limit", node.length);
        }
        if (node.length &&
            (each_bytes > lim->max_alloc - COST_SLOT ||
             each_bytes + COST_SLOT > (lim->max_alloc - COST_LIST) /
                                          node.length)) {
            return alloc_error(errp, path, lim);
        }
        *count += node.length * each;
        *bytes = COST_LIST + node.length * (each_bytes + COST_SLOT);
    } else if (node.kind == KIND_ARRAY) {
        *bytes = COST_LIST;
    }
    if (node.kind == KIND_STRUCT) {
        *bytes = COST_DICT;
        for (size_t i = 0; i < qlist_size(node.members); i++) {
            const char *name;
            bool optional;
            g_autofree char *p = NULL;
            size_t each;
            uint64_t each_bytes;

            if (!member_parse(node.members, i, path, &name, &optional,
                              errp)) {
                return false;
            }
            p = child_path(path, name);
            if (!measure(qlist_get(node.members, i), p, depth + 1, lim,
                         &each, &each_bytes, hex, errp)) {
                return false;
            }
            *count = each > SIZE_MAX - *count ? SIZE_MAX : *count + each;
            each_bytes = MIN(each_bytes, UINT64_MAX / 2) +
                         COST_MEMBER(strlen(name));
            if (each_bytes > lim->max_alloc - MIN(*bytes, lim->max_alloc)) {
                return alloc_error(errp, path, lim);
            }
            *bytes += each_bytes;
        }
        if (*count > lim->max_array_len) {
            return path_error(errp, QVISIT_ERROR_LIMIT, path,
                              "schema describes more than %zu values",
                              lim->max_array_len);
        }
    }
    if (*bytes > lim->max_alloc) {
        return alloc_error(errp, path, lim);
    }
    return true;
}

/* Builds the sample of a schema measure() accepted. */
static QObject *sample(const QObject *schema)
{
    Node node;

    node_parse(schema, "", &node, NULL);
    switch (node.kind) {
    case KIND_UINT:
        return QOBJECT(qnum_from_uint(0));
    case KIND_INT:
        return QOBJECT(qnum_from_int(0));
    case KIND_BOOL:
        return QOBJECT(qbool_from_bool(false));
    case KIND_NUMBER:
        return QOBJECT(qnum_from_double(0.0));
    case KIND_STR:
        return QOBJECT(qstring_from_str(""));
    case KIND_BUFFER: {
        g_autofree char *hex = g_malloc(node.length * 2 + 1);

        memset(hex, '0', node.length * 2);
        hex[node.length * 2] = '\0';
        return QOBJECT(qstring_from_str(hex));
    }
    case KIND_ARRAY: {
        QList *l = qlist_new();

        for (uint64_t i = 0; i < node.length; i++) {
            qlist_append_obj(l, sample(node.element));
        }
        return QOBJECT(l);
    }
    case KIND_STRUCT: {
        QDict *d = qdict_new();

        for (size_t i = 0; i < qlist_size(node.members); i++) {
            QDict *m = qobject_to(QDict, qlist_get(node.members, i));

            qdict_put_obj(d, qstring_get_str(qobject_to(
                              QString, qdict_get(m, "name"))),
                          sample(QOBJECT(m)));
        }
        return QOBJECT(d);
    }
    }
    g_assert_not_reached();
}

/*
 * Member names, type names and digits quoted in messages come from the
 * schema or the state, which are input: the whole message is escaped (our
 * own text is printable, so only theirs changes), so that it stays one
 * line.
 */
static bool escape_error(GError **errp)
{
    char *m;

    if (!errp || !*errp) {
        return false;
    }
    m = qvisit_error_escape((*errp)->message, -1);
    g_free((*errp)->message);
    (*errp)->message = m;
    return false;
}

QObject *compat_schema_sample_full(const QObject *schema,
                                   const QVisitLimits *limits, GError **errp)
{
    const QVisitLimits *lim = limits ? limits : qvisit_limits_default();
    size_t count;
    uint64_t bytes, hex = 0;

    g_return_val_if_fail(schema != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    if (!measure(schema, "", 0, lim, &count, &bytes, &hex, errp)) {
        escape_error(errp);
        return NULL;
    }
    if (hex > lim->max_alloc - bytes) {
        alloc_error(errp, "", lim);
        return NULL;
    }
    return sample(schema);
}

QObject *compat_schema_sample(const QObject *schema, GError **errp)
{
    return compat_schema_sample_full(schema, NULL, errp);
}

/* --- Check -------------------------------------------------------------- */

static bool type_error(GError **errp, const char *path, const char *want,
                       const QObject *got)
{
    const QNum *n = qobject_to(QNum, got);

    return path_error(errp, QVISIT_ERROR_TYPE, path, "expected %s, got %s",
                      want, n && qnum_is_double(n)
                                ? "double"
                                : qobject_type_name(qobject_type(got)));
}

static bool check_int(const Node *node, const QObject *value,
                      const char *path, GError **errp)
{
    const QNum *n = qobject_to(QNum, value);
    int64_t i;
    uint64_t u;
    bool fits;

    if (!n || qnum_is_double(n)) {
        return type_error(errp, path, node->type, value);
    }
    if (node->kind == KIND_UINT) {
        fits = qnum_get_try_uint(n, &u) &&
               (node->bits == 64 || u < (UINT64_C(1) << node->bits));
    } else {
        int64_t max = node->bits == 64
            ? INT64_MAX : (INT64_C(1) << (node->bits - 1)) - 1;

        fits = qnum_get_try_int(n, &i) && i <= max && i >= -max - 1;
    }
    if (!fits) {
        if (qnum_get_try_int(n, &i)) {
            path_error(errp, QVISIT_ERROR_RANGE, path,
                       "%" PRId64 " does not fit %s", i, node->type);
        } else {
            qnum_get_try_uint(n, &u);
            path_error(errp, QVISIT_ERROR_RANGE, path,
                       "%" PRIu64 " does not fit %s", u, node->type);
        }
        return false;
    }
    return true;
}

static bool check(const QObject *schema, const QObject *value,
                  const char *path, unsigned depth, const QVisitLimits *lim,
                  GError **errp)
{
    Node node;

    if (depth > lim->max_depth) {
        return path_error(errp, QVISIT_ERROR_LIMIT, path,
                          "schema nested deeper than %u", lim->max_depth);
    }
    if (!node_parse(schema, path, &node, errp)) {
        return false;
    }
    switch (node.kind) {
    case KIND_UINT:
    case KIND_INT:
        return check_int(&node, value, path, errp);
    case KIND_BOOL:
        return qobject_to(QBool, value) ||
               type_error(errp, path, "bool", value);
    case KIND_NUMBER:
        return qobject_to(QNum, value) ||
               type_error(errp, path, "number", value);
    case KIND_STR:
        return qobject_to(QString, value) ||
               type_error(errp, path, "str", value);
    case KIND_BUFFER: {
        const QString *qs = qobject_to(QString, value);
        const char *hex = qs ? qstring_get_str(qs) : NULL;

        if (!hex) {
            return type_error(errp, path, "buffer", value);
        }
        if (strlen(hex) != node.length * 2) {
            return path_error(errp, QVISIT_ERROR_LENGTH, path,
                              "expected %" PRIu64 " bytes, got %zu hex digits",
                              node.length, strlen(hex));
        }
        for (size_t i = 0; hex[i]; i++) {
            if (!g_ascii_isxdigit(hex[i])) {
                return path_error(errp, QVISIT_ERROR_PARSE, path,
                                  "'%c' at %zu is not a hex digit", hex[i],
                                  i);
            }
        }
        return true;
    }
    case KIND_ARRAY: {
        const QList *l = qobject_to(QList, value);

        if (!l) {
            return type_error(errp, path, "array", value);
        }
        if (qlist_size(l) != node.length) {
            return path_error(errp, QVISIT_ERROR_LENGTH, path,
                              "expected %" PRIu64 " elements, got %zu",
                              node.length, qlist_size(l));
        }
        for (size_t i = 0; i < qlist_size(l); i++) {
            g_autofree char *p = g_strdup_printf("%s[%zu]", path, i);

            if (!check(node.element, qlist_get(l, i), p, depth + 1, lim,
                       errp)) {
                return false;
            }
        }
        return true;
    }
    case KIND_STRUCT: {
        const QDict *d = qobject_to(QDict, value);

        if (!d) {
            return type_error(errp, path, "object", value);
        }
        for (size_t i = 0; i < qlist_size(node.members); i++) {
            const char *name;
            bool optional;
            g_autofree char *p = NULL;
            QObject *m;

            if (!member_parse(node.members, i, path, &name, &optional,
                              errp)) {
                return false;
            }
            p = child_path(path, name);
            m = qdict_get(d, name);
            if (!m) {
                if (optional) {
                    continue;
                }
                g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                            "%s: missing member", p);
                return false;
            }
            if (!check(qlist_get(node.members, i), m, p, depth + 1, lim,
                       errp)) {
                return false;
            }
        }
        for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
            const char *key = qdict_entry_key(e);
            bool known = false;

            for (size_t i = 0; i < qlist_size(node.members) && !known; i++) {
                QDict *m = qobject_to(QDict, qlist_get(node.members, i));

                known = !strcmp(qstring_get_str(qobject_to(
                                    QString, qdict_get(m, "name"))), key);
            }
            if (!known) {
                g_autofree char *p = child_path(path, key);

                g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNEXPECTED,
                            "%s: unexpected member", p);
                return false;
            }
        }
        return true;
    }
    }
    g_assert_not_reached();
}

bool compat_schema_check_full(const QObject *schema, const QObject *value,
                              const QVisitLimits *limits, GError **errp)
{
    g_return_val_if_fail(schema != NULL && value != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    return check(schema, value, "", 0,
                 limits ? limits : qvisit_limits_default(), errp) ||
           escape_error(errp);
}

bool compat_schema_check(const QObject *schema, const QObject *value,
                         GError **errp)
{
    return compat_schema_check_full(schema, value, NULL, errp);
}
