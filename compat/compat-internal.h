/*
 * Internal helpers shared by the files of compat/. Not installed.
 */
#ifndef QVISIT_COMPAT_INTERNAL_H
#define QVISIT_COMPAT_INTERNAL_H

#include "qvisit/compat.h"
#include "qvisit/error.h"

/* One component of a member path: a name, an array index or "[]". */
typedef struct CompatPathComp {
    char *name;        /* NULL for an index or a wildcard */
    size_t index;
    bool wildcard;     /* "[]": every element of the array */
} CompatPathComp;

/* A parsed member path such as "a.b[2].c" (compat/qpath.c). */
typedef struct CompatPath {
    CompatPathComp *comps;
    size_t n;
} CompatPath;

/*
 * Parses @text. Errors: QVISIT_ERROR_INVALID ("a..b: invalid path, empty
 * member name at byte 2").
 */
CompatPath *compat__path_parse(const char *text, GError **errp);
void compat__path_free(CompatPath *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CompatPath, compat__path_free)

/* The text of the first @n components ("a.b[2]"); g_free() it. */
char *compat__path_prefix(const CompatPath *p, size_t n);

/*
 * As compat__path_prefix(), with the first @nfill wildcards written as the
 * indices @fill ("ports[3].x" for "ports[].x"); later ones stay "[]".
 */
char *compat__path_text(const CompatPath *p, size_t n, const size_t *fill,
                        size_t nfill);

/* The number of wildcard components ("[]") in @p. */
size_t compat__path_wildcards(const CompatPath *p);

/*
 * Lists the element indices @p's wildcards stand for in @root: a GArray
 * of size_t holding, for each match in order, one index per wildcard
 * (compat__path_wildcards()); empty for a path without wildcards or when
 * an array on the way is empty. Components after the last wildcard are
 * not resolved. Errors as compat__path_walk(), naming the element's path.
 */
GArray *compat__path_expand(QObject *root, const CompatPath *p,
                            GError **errp);

/*
 * Follows the first @n components of @p from @root. Returns the value
 * reached (borrowed from @root) or NULL with MISSING / TYPE / RANGE errors
 * naming the path as far as it resolved, or INVALID for a wildcard.
 */
QObject *compat__path_walk(QObject *root, const CompatPath *p, size_t n,
                           GError **errp);

/*
 * Resolves everything but the last component and checks that it names a
 * member of a dict: returns that dict (borrowed). Errors as
 * compat__path_walk(), plus QVISIT_ERROR_INVALID when the path ends in an
 * index.
 */
QDict *compat__path_parent_dict(QDict *root, const CompatPath *p,
                                GError **errp);

/* The last component's name (NULL when it is an index). */
const char *compat__path_last_name(const CompatPath *p);

/* Replaces every member of @dst by @src's members, in @src's order. */
void compat__dict_replace(QDict *dst, const QDict *src);

/*
 * Renames member @key of @d to @new_key keeping its position. The caller
 * has checked that @key exists and @new_key does not.
 */
void compat__dict_rename(QDict *d, const char *key, const char *new_key);

#endif /* QVISIT_COMPAT_INTERNAL_H */
