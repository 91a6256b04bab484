/*
 * Path-based member helpers for compat transforms. Each one resolves and
 * checks everything before it changes anything, so a failing helper leaves
 * the state as it was. A path with wildcards ("ports[].throttled") runs
 * the helper once per element on a copy of the state, which replaces the
 * state only when every run succeeded.
 */
#include "qvisit/compat.h"

#include <inttypes.h>
#include <string.h>

#include "compat/compat-internal.h"

static bool exists_error(const char *path, GError **errp)
{
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                "%s: member already exists", path);
    return false;
}

/* TYPE: "<where>: expected integer, got <type of @obj>". */
static bool int_type_error(const char *where, QObject *obj, GError **errp)
{
    QNum *n = qobject_to(QNum, obj);

    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                "%s: expected integer, got %s", where,
                n ? "double" : qobject_type_name(qobject_type(obj)));
    return false;
}

/* RANGE: "<where>: <@n> does not fit <what>", @n signed or not as it is. */
static bool fit_error(const char *where, QNum *n, const char *what,
                      GError **errp)
{
    int64_t i;
    uint64_t u;

    if (qnum_get_try_int(n, &i)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_RANGE,
                    "%s: %" PRId64 " does not fit %s", where, i, what);
    } else {
        qnum_get_try_uint(n, &u);
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_RANGE,
                    "%s: %" PRIu64 " does not fit %s", where, u, what);
    }
    return false;
}

/*
 * One run of a helper on a concrete path (and a second one, for moves),
 * with the helper's other arguments in @opaque.
 */
typedef bool (*MemberOp)(QDict *state, const char *path, const char *path2,
                         void *opaque, GError **errp);

/*
 * Runs @op for every element @p's wildcards match in @state, filling the
 * wildcards of @p2 (if not NULL; it has as many) with the same indices.
 */
static bool for_each_match(QDict *state, const CompatPath *p,
                           const CompatPath *p2, MemberOp op, void *opaque,
                           GError **errp)
{
    g_autoptr(GArray) matches = compat__path_expand(QOBJECT(state), p, errp);
    size_t nwild = compat__path_wildcards(p);
    g_autoptr(QDict) copy = NULL;

    if (!matches) {
        return false;
    }
    /* Elements may share QObjects; the deep copy gives each its own. */
    copy = qobject_to(QDict, qobject_clone(QOBJECT(state)));
    for (size_t i = 0; i < matches->len / nwild; i++) {
        const size_t *fill = &g_array_index(matches, size_t, i * nwild);
        g_autofree char *path = compat__path_text(p, p->n, fill, nwild);
        g_autofree char *path2 = p2 ? compat__path_text(p2, p2->n, fill,
                                                        nwild) : NULL;

        if (!op(copy, path, path2, opaque, errp)) {
            return false;
        }
    }
    compat__dict_replace(state, copy);
    return true;
}

/*
 * The start of the helpers below: parses @path into *@p and, when it has
 * wildcards, runs @op with @opaque on each match. Returns true when that
 * finished the helper, whose result is then *@ok (false, with @errp set,
 * for a path that does not parse); false when the helper goes on with
 * the concrete path *@p.
 */
static bool run_wildcards(QDict *state, const char *path, MemberOp op,
                          void *opaque, CompatPath **p, bool *ok,
                          GError **errp)
{
    *p = compat__path_parse(path, errp);
    if (!*p) {
        *ok = false;
        return true;
    }
    if (!compat__path_wildcards(*p)) {
        return false;
    }
    *ok = for_each_match(state, *p, NULL, op, opaque, errp);
    return true;
}

QObject *compat_get_member(QDict *state, const char *path, GError **errp)
{
    g_autoptr(CompatPath) p = NULL;

    g_return_val_if_fail(state != NULL && path != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    p = compat__path_parse(path, errp);
    return p ? compat__path_walk(QOBJECT(state), p, p->n, errp) : NULL;
}

bool compat_get_uint(QDict *state, const char *path, uint64_t max,
                     uint64_t *value, GError **errp)
{
    QObject *obj;
    QNum *n;
    uint64_t u;

    g_return_val_if_fail(value != NULL, false);

    obj = compat_get_member(state, path, errp);
    if (!obj) {
        return false;
    }
    n = qobject_to(QNum, obj);
    if (!n || qnum_is_double(n)) {
        return int_type_error(path, obj, errp);
    }
    if (!qnum_get_try_uint(n, &u) || u > max) {
        g_autofree char *range = g_strdup_printf("0..%" PRIu64, max);

        return fit_error(path, n, range, errp);
    }
    *value = u;
    return true;
}

/* compat_set_member() or compat_add_member() with a copy of a value. */
typedef struct ValueOp {
    bool (*fn)(QDict *state, const char *path, QObject *value,
               GError **errp);
    const QObject *value;
} ValueOp;

static bool value_op(QDict *state, const char *path, const char *path2,
                     void *opaque, GError **errp)
{
    const ValueOp *o = opaque;

    (void)path2;
    return o->fn(state, path, qobject_clone(o->value), errp);
}

bool compat_set_member(QDict *state, const char *path, QObject *value,
                       GError **errp)
{
    g_autoptr(QObject) val = value;
    g_autoptr(CompatPath) p = NULL;
    ValueOp o = { compat_set_member, val };
    QObject *container;
    bool ok;

    g_return_val_if_fail(state != NULL && path != NULL && value != NULL,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (run_wildcards(state, path, value_op, &o, &p, &ok, errp)) {
        return ok;
    }
    if (compat__path_last_name(p)) {
        QDict *parent = compat__path_parent_dict(state, p, errp);

        if (!parent) {
            return false;
        }
        qdict_put_obj(parent, compat__path_last_name(p),
                      g_steal_pointer(&val));
        return true;
    }
    /* Resolving the element itself checks the index is in range. */
    if (!compat__path_walk(QOBJECT(state), p, p->n, errp)) {
        return false;
    }
    container = compat__path_walk(QOBJECT(state), p, p->n - 1, NULL);
    qlist_set_obj(qobject_to(QList, container), p->comps[p->n - 1].index,
                  g_steal_pointer(&val));
    return true;
}

static bool rename_op(QDict *state, const char *path, const char *path2,
                      void *opaque, GError **errp)
{
    (void)path2;
    return compat_rename_member(state, path, opaque, errp);
}

bool compat_rename_member(QDict *state, const char *path,
                          const char *new_name, GError **errp)
{
    g_autoptr(CompatPath) p = NULL;
    const char *name;
    QDict *parent;
    bool ok;

    g_return_val_if_fail(state != NULL && path != NULL && new_name != NULL,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (run_wildcards(state, path, rename_op, (void *)new_name, &p, &ok,
                      errp)) {
        return ok;
    }
    if (!compat__path_walk(QOBJECT(state), p, p->n, errp)) {
        return false;
    }
    parent = compat__path_parent_dict(state, p, errp);
    if (!parent) {
        return false;
    }
    name = compat__path_last_name(p);
    if (!strcmp(name, new_name)) {
        return true;
    }
    if (!*new_name || strpbrk(new_name, ".[]")) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: invalid new member name '%s'", path, new_name);
        return false;
    }
    if (qdict_haskey(parent, new_name)) {
        g_autofree char *dir = compat__path_prefix(p, p->n - 1);
        g_autofree char *target = *dir
            ? g_strdup_printf("%s.%s", dir, new_name) : g_strdup(new_name);

        return exists_error(target, errp);
    }
    compat__dict_rename(parent, name, new_name);
    return true;
}

bool compat_add_member(QDict *state, const char *path, QObject *value,
                       GError **errp)
{
    g_autoptr(QObject) val = value;
    g_autoptr(CompatPath) p = NULL;
    ValueOp o = { compat_add_member, val };
    QDict *parent;
    bool ok;

    g_return_val_if_fail(state != NULL && path != NULL && value != NULL,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (run_wildcards(state, path, value_op, &o, &p, &ok, errp)) {
        return ok;
    }
    parent = compat__path_parent_dict(state, p, errp);
    if (!parent) {
        return false;
    }
    if (qdict_haskey(parent, compat__path_last_name(p))) {
        return exists_error(path, errp);
    }
    qdict_put_obj(parent, compat__path_last_name(p), g_steal_pointer(&val));
    return true;
}

static bool drop_op(QDict *state, const char *path, const char *path2,
                    void *opaque, GError **errp)
{
    (void)path2;
    (void)opaque;
    return compat_drop_member(state, path, errp);
}

bool compat_drop_member(QDict *state, const char *path, GError **errp)
{
    g_autoptr(CompatPath) p = NULL;
    QDict *parent;
    bool ok;

    g_return_val_if_fail(state != NULL && path != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (run_wildcards(state, path, drop_op, NULL, &p, &ok, errp)) {
        return ok;
    }
    if (!compat__path_walk(QOBJECT(state), p, p->n, errp)) {
        return false;
    }
    parent = compat__path_parent_dict(state, p, errp);
    if (!parent) {
        return false;
    }
    qdict_del(parent, compat__path_last_name(p));
    return true;
}

/*
 * Checks that @obj is an integer that fits the type and returns the new
 * QNum, or NULL with the error naming @path (plus [@index] when @index is
 * not -1).
 */
static QNum *int_rewidth(QObject *obj, const char *path, gssize index,
                         unsigned bits, bool is_signed, GError **errp)
{
    QNum *n = qobject_to(QNum, obj);
    g_autofree char *where = index < 0
        ? g_strdup(path) : g_strdup_printf("%s[%zd]", path, index);
    const char *type = is_signed ? (bits == 8 ? "i8" : bits == 16 ? "i16"
                                    : bits == 32 ? "i32" : "i64")
                                 : (bits == 8 ? "u8" : bits == 16 ? "u16"
                                    : bits == 32 ? "u32" : "u64");
    int64_t i;
    uint64_t u;

    if (!n || qnum_is_double(n)) {
        int_type_error(where, obj, errp);
        return NULL;
    }
    if (is_signed) {
        int64_t max = bits == 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1;

        if (!qnum_get_try_int(n, &i) || i > max || i < -max - 1) {
            fit_error(where, n, type, errp);
            return NULL;
        }
        return qnum_from_int(i);
    }
    if (!qnum_get_try_uint(n, &u) ||
        (bits < 64 && u > (UINT64_C(1) << bits) - 1)) {
        fit_error(where, n, type, errp);
        return NULL;
    }
    return qnum_from_uint(u);
}

typedef struct IntWidth {
    unsigned bits;
    bool is_signed;
} IntWidth;

static bool int_width_op(QDict *state, const char *path, const char *path2,
                         void *opaque, GError **errp)
{
    const IntWidth *w = opaque;

    (void)path2;
    return compat_change_int_width(state, path, w->bits, w->is_signed, errp);
}

bool compat_change_int_width(QDict *state, const char *path, unsigned bits,
                             bool is_signed, GError **errp)
{
    g_autoptr(CompatPath) p = NULL;
    g_autoptr(QList) fresh = NULL;
    IntWidth w = { bits, is_signed };
    QObject *obj;
    QList *list;
    QDict *parent;
    bool ok;

    g_return_val_if_fail(state != NULL && path != NULL, false);
    g_return_val_if_fail(bits == 8 || bits == 16 || bits == 32 || bits == 64,
                         false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (run_wildcards(state, path, int_width_op, &w, &p, &ok, errp)) {
        return ok;
    }
    obj = compat__path_walk(QOBJECT(state), p, p->n, errp);
    if (!obj) {
        return false;
    }
    list = qobject_to(QList, obj);
    if (!list) {
        g_autoptr(QNum) n = int_rewidth(obj, path, -1, bits, is_signed, errp);
        QObject *container;

        if (!n) {
            return false;
        }
        container = compat__path_walk(QOBJECT(state), p, p->n - 1, NULL);
        if (qobject_to(QList, container)) {
            qlist_set_obj(qobject_to(QList, container),
                          p->comps[p->n - 1].index,
                          QOBJECT(g_steal_pointer(&n)));
        } else {
            parent = qobject_to(QDict, container);
            qdict_put_obj(parent, compat__path_last_name(p),
                          QOBJECT(g_steal_pointer(&n)));
        }
        return true;
    }
    /* Convert every element first so a bad one leaves the array as is. */
    fresh = qlist_new();
    for (size_t i = 0; i < qlist_size(list); i++) {
        QNum *n = int_rewidth(qlist_get(list, i), path, i, bits, is_signed,
                              errp);

        if (!n) {
            return false;
        }
        qlist_append(fresh, n);
    }
    for (size_t i = 0; i < qlist_size(list); i++) {
        qlist_set_obj(list, i, qobject_ref(qlist_get(fresh, i)));
    }
    return true;
}

static bool move_op(QDict *state, const char *path, const char *path2,
                    void *opaque, GError **errp)
{
    (void)opaque;
    return compat_move_member(state, path, path2, errp);
}

bool compat_move_member(QDict *state, const char *from_path,
                        const char *to_path, GError **errp)
{
    g_autoptr(CompatPath) from = NULL;
    g_autoptr(CompatPath) to = NULL;
    QDict *from_parent, *to_parent;
    QObject *value;

    g_return_val_if_fail(state != NULL && from_path != NULL &&
                         to_path != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    from = compat__path_parse(from_path, errp);
    to = from ? compat__path_parse(to_path, errp) : NULL;
    if (!to) {
        return false;
    }
    /* Each element's member moves within that element. */
    if (compat__path_wildcards(from) != compat__path_wildcards(to)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: needs as many '[]' as %s (%zu)", to_path,
                    from_path, compat__path_wildcards(from));
        return false;
    }
    if (compat__path_wildcards(from)) {
        return for_each_match(state, from, to, move_op, NULL, errp);
    }
    value = compat__path_walk(QOBJECT(state), from, from->n, errp);
    from_parent = value ? compat__path_parent_dict(state, from, errp) : NULL;
    if (!from_parent) {
        return false;
    }
    /*
     * Moving a member into itself ("a" to "a.b") would make a cycle; the
     * destination's parent lookup would then walk through the member.
     */
    if (to->n > from->n) {
        g_autofree char *head = compat__path_prefix(to, from->n);
        g_autofree char *whole = compat__path_prefix(from, from->n);

        if (!strcmp(head, whole)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: cannot move a member into itself (%s)",
                        from_path, to_path);
            return false;
        }
    }
    to_parent = compat__path_parent_dict(state, to, errp);
    if (!to_parent) {
        return false;
    }
    if (qdict_haskey(to_parent, compat__path_last_name(to))) {
        if (to_parent == from_parent &&
            !strcmp(compat__path_last_name(to),
                    compat__path_last_name(from))) {
            return true;
        }
        return exists_error(to_path, errp);
    }
    qdict_put_obj(to_parent, compat__path_last_name(to), qobject_ref(value));
    qdict_del(from_parent, compat__path_last_name(from));
    return true;
}

typedef struct Resize {
    size_t len;
    const QObject *fill;
} Resize;

static bool resize_op(QDict *state, const char *path, const char *path2,
                      void *opaque, GError **errp)
{
    const Resize *r = opaque;

    (void)path2;
    return compat_resize_array(state, path, r->len, r->fill, errp);
}

bool compat_resize_array(QDict *state, const char *path, size_t len,
                         const QObject *fill, GError **errp)
{
    g_autoptr(CompatPath) p = NULL;
    Resize r = { len, fill };
    QObject *obj;
    QList *list;
    bool ok;

    g_return_val_if_fail(state != NULL && path != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (run_wildcards(state, path, resize_op, &r, &p, &ok, errp)) {
        return ok;
    }
    obj = compat__path_walk(QOBJECT(state), p, p->n, errp);
    if (!obj) {
        return false;
    }
    list = qobject_to(QList, obj);
    if (!list) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "%s: expected array, got %s", path,
                    qobject_type_name(qobject_type(obj)));
        return false;
    }
    if (len <= qlist_size(list)) {
        qlist_truncate(list, len);
        return true;
    }
    if (!fill) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: growing from %zu to %zu needs a fill value", path,
                    qlist_size(list), len);
        return false;
    }
    while (qlist_size(list) < len) {
        qlist_append_obj(list, qobject_clone(fill));
    }
    return true;
}
