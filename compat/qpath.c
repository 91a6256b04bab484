/*
 * Member paths for the compat helpers: "regs[3]", "queue.head",
 * "a.b[2].c", "ports[].throttled". The grammar is
 *
 *     path  := name ( '.' name | '[' index ']' | '[]' )*
 *     name  := one or more bytes other than '.', '[' and ']'
 *     index := one or more decimal digits, no sign, at most SIZE_MAX
 *
 * so a path always starts at a member of the device's root dict. "[]" is
 * a wildcard: every element of the array (compat__path_expand()).
 */
#include "compat/compat-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/error-at.h"

static bool path_error(GError **errp, const char *text, size_t off,
                       const char *what)
{
    return qvisit__error_at(errp, QVISIT_ERROR_INVALID, text, off,
                            "invalid path, %s", what);
}

void compat__path_free(CompatPath *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        g_free(p->comps[i].name);
    }
    g_free(p->comps);
    g_free(p);
}

CompatPath *compat__path_parse(const char *text, GError **errp)
{
    g_autoptr(CompatPath) p = g_new0(CompatPath, 1);
    /* Every component takes at least one byte, so this bounds them. */
    size_t cap = strlen(text) + 1;
    const char *s = text;

    p->comps = g_new0(CompatPathComp, cap);
    for (;;) {
        if (p->n == 0 || *s == '.') {
            size_t len;

            if (p->n > 0) {
                s++;
            }
            len = strcspn(s, ".[]");
            if (len == 0) {
                path_error(errp, text, s - text, "empty member name");
                return NULL;
            }
            p->comps[p->n++].name = g_strndup(s, len);
            s += len;
        } else if (*s == '[' && s[1] == ']') {
            s += 2;
            p->comps[p->n++].wildcard = true;
        } else if (*s == '[') {
            const char *digits = ++s;
            uint64_t index = 0;

            while (g_ascii_isdigit(*s)) {
                unsigned d = *s - '0';

                if (index > (SIZE_MAX - d) / 10) {
                    path_error(errp, text, digits - text, "index too large");
                    return NULL;
                }
                index = index * 10 + d;
                s++;
            }
            if (s == digits || *s != ']') {
                path_error(errp, text, s - text, "expected digits and ']'");
                return NULL;
            }
            s++;
            p->comps[p->n++].index = index;
        } else if (*s == '\0') {
            break;
        } else {
            path_error(errp, text, s - text, "expected '.' or '['");
            return NULL;
        }
    }
    return g_steal_pointer(&p);
}

char *compat__path_text(const CompatPath *p, size_t n, const size_t *fill,
                        size_t nfill)
{
    GString *s = g_string_new(NULL);
    size_t k = 0;

    for (size_t i = 0; i < n && i < p->n; i++) {
        if (p->comps[i].name) {
            if (i > 0) {
                g_string_append_c(s, '.');
            }
            g_string_append(s, p->comps[i].name);
        } else if (!p->comps[i].wildcard) {
            g_string_append_printf(s, "[%zu]", p->comps[i].index);
        } else if (k < nfill) {
            g_string_append_printf(s, "[%zu]", fill[k++]);
        } else {
            g_string_append(s, "[]");
        }
    }
    return g_string_free(s, false);
}

char *compat__path_prefix(const CompatPath *p, size_t n)
{
    return compat__path_text(p, n, NULL, 0);
}

size_t compat__path_wildcards(const CompatPath *p)
{
    size_t n = 0;

    for (size_t i = 0; i < p->n; i++) {
        n += p->comps[i].wildcard;
    }
    return n;
}

const char *compat__path_last_name(const CompatPath *p)
{
    return p->n ? p->comps[p->n - 1].name : NULL;
}

static QObject *walk_error(const CompatPath *p, size_t n, GError **errp,
                           int code, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static QObject *walk_error(const CompatPath *p, size_t n, GError **errp,
                           int code, const char *fmt, ...)
{
    g_autofree char *where = compat__path_prefix(p, n);
    va_list ap;

    va_start(ap, fmt);
    qvisit__error_at_va(errp, code, n ? where : "(root)", QVISIT_NO_OFFSET,
                        fmt, ap);
    va_end(ap);
    return NULL;
}

QObject *compat__path_walk(QObject *root, const CompatPath *p, size_t n,
                           GError **errp)
{
    QObject *cur = root;

    for (size_t i = 0; i < n && i < p->n; i++) {
        const CompatPathComp *c = &p->comps[i];

        if (c->wildcard) {
            return walk_error(p, i + 1, errp, QVISIT_ERROR_INVALID,
                              "a wildcard names several members here, "
                              "use an index");
        }
        if (c->name) {
            QDict *d = qobject_to(QDict, cur);

            if (!d) {
                return walk_error(p, i, errp, QVISIT_ERROR_TYPE,
                                  "expected object, got %s",
                                  qobject_type_name(qobject_type(cur)));
            }
            cur = qdict_get(d, c->name);
            if (!cur) {
                return walk_error(p, i + 1, errp, QVISIT_ERROR_MISSING,
                                  "no such member");
            }
        } else {
            QList *l = qobject_to(QList, cur);

            if (!l) {
                return walk_error(p, i, errp, QVISIT_ERROR_TYPE,
                                  "expected array, got %s",
                                  qobject_type_name(qobject_type(cur)));
            }
            if (c->index >= qlist_size(l)) {
                return walk_error(p, i + 1, errp, QVISIT_ERROR_RANGE,
                                  "index out of range, length %zu",
                                  qlist_size(l));
            }
            cur = qlist_get(l, c->index);
        }
    }
    return cur;
}

QDict *compat__path_parent_dict(QDict *root, const CompatPath *p,
                                GError **errp)
{
    QObject *parent;
    QDict *d;

    if (!compat__path_last_name(p)) {
        g_autofree char *text = compat__path_prefix(p, p->n);

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: path must end in a member name", text);
        return NULL;
    }
    parent = compat__path_walk(QOBJECT(root), p, p->n - 1, errp);
    if (!parent) {
        return NULL;
    }
    d = qobject_to(QDict, parent);
    if (!d) {
        walk_error(p, p->n - 1, errp, QVISIT_ERROR_TYPE,
                   "expected object, got %s",
                   qobject_type_name(qobject_type(parent)));
        return NULL;
    }
    return d;
}

/* The state of one compat__path_expand(). */
typedef struct Expansion {
    const CompatPath *p;
    size_t nwild;
    size_t *fill;           /* indices chosen so far, one per wildcard */
    GArray *out;            /* of size_t, nwild per match */
} Expansion;

static QObject *expand_error(const Expansion *e, size_t n, size_t nfill,
                             GError **errp, int code, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

static QObject *expand_error(const Expansion *e, size_t n, size_t nfill,
                             GError **errp, int code, const char *fmt, ...)
{
    g_autofree char *where = compat__path_text(e->p, n, e->fill, nfill);
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(errp, QVISIT_ERROR, code, "%s: %s", n ? where : "(root)",
                msg);
    return NULL;
}

/*
 * Follows components @i.. from @cur with wildcards 0..@k-1 filled, up to
 * the last wildcard, where it records one match per element. Only the
 * components up to the last wildcard are resolved: the helper that runs
 * on each match reports the rest with the element's own path.
 */
static bool expand_from(Expansion *e, QObject *cur, size_t i, size_t k,
                        GError **errp)
{
    for (; k < e->nwild; i++) {
        const CompatPathComp *c = &e->p->comps[i];

        if (c->wildcard) {
            QList *l = qobject_to(QList, cur);

            if (!l) {
                expand_error(e, i, k, errp, QVISIT_ERROR_TYPE,
                             "expected array, got %s",
                             qobject_type_name(qobject_type(cur)));
                return false;
            }
            for (size_t j = 0; j < qlist_size(l); j++) {
                e->fill[k] = j;
                if (k + 1 == e->nwild) {
                    g_array_append_vals(e->out, e->fill, e->nwild);
                } else if (!expand_from(e, qlist_get(l, j), i + 1, k + 1,
                                        errp)) {
                    return false;
                }
            }
            return true;
        } else if (c->name) {
            QDict *d = qobject_to(QDict, cur);

            if (!d) {
                expand_error(e, i, k, errp, QVISIT_ERROR_TYPE,
                             "expected object, got %s",
                             qobject_type_name(qobject_type(cur)));
                return false;
            }
            cur = qdict_get(d, c->name);
            if (!cur) {
                expand_error(e, i + 1, k, errp, QVISIT_ERROR_MISSING,
                             "no such member");
                return false;
            }
        } else {
            QList *l = qobject_to(QList, cur);

            if (!l) {
                expand_error(e, i, k, errp, QVISIT_ERROR_TYPE,
                             "expected array, got %s",
                             qobject_type_name(qobject_type(cur)));
                return false;
            }
            if (c->index >= qlist_size(l)) {
                expand_error(e, i + 1, k, errp, QVISIT_ERROR_RANGE,
                             "index out of range, length %zu",
                             qlist_size(l));
                return false;
            }
            cur = qlist_get(l, c->index);
        }
    }
    return true;
}

GArray *compat__path_expand(QObject *root, const CompatPath *p,
                            GError **errp)
{
    g_autofree size_t *fill = NULL;
    g_autoptr(GArray) out = g_array_new(false, false, sizeof(size_t));
    Expansion e = { p, compat__path_wildcards(p), NULL, out };

    if (e.nwild == 0) {
        return g_steal_pointer(&out);
    }
    fill = g_new0(size_t, e.nwild);
    e.fill = fill;
    if (!expand_from(&e, root, 0, 0, errp)) {
        return NULL;
    }
    return g_steal_pointer(&out);
}
