/*
 * QEMU's vmdesc: writing it as QEMU does, and decoding a legacy payload
 * through it (the reader of format-legacy.c). The field forms are in
 * docs/formats.md, "Legacy (QEMU savevm layout)".
 */
#include "migration/legacy-internal.h"

#include <inttypes.h>
#include <string.h>

#include "qvisit/error.h"
#include "util/hex.h"

const char *migration__vmdesc_str(QDict *d, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(d, key));

    return s ? qstring_get_str(s) : NULL;
}

bool migration__vmdesc_int(QDict *d, const char *key, int64_t *out)
{
    QNum *n = qobject_to(QNum, qdict_get(d, key));

    return n && qnum_get_try_int(n, out);
}

static QObject *decode_fields(LReader *r, QList *fields, unsigned depth,
                              GError **errp);

/* Decodes one element described by @f (type, size, struct). */
static QObject *decode_elem(LReader *r, QDict *f, unsigned depth,
                            GError **errp)
{
    const char *type = migration__vmdesc_str(f, "type");
    const char *qv = migration__vmdesc_str(f, "qvisit");
    int64_t size;
    uint64_t start = r->pos;

    if (!type || !migration__vmdesc_int(f, "size", &size) || size < 0) {
        lr__error(r, errp, QVISIT_ERROR_PARSE,
                  "vmdesc field without a type or size");
        return NULL;
    }
    if (!strcmp(type, "struct")) {
        QDict *vmsd = qobject_to(QDict, qdict_get(f, "struct"));
        QList *sub = vmsd ? qobject_to(QList, qdict_get(vmsd, "fields"))
                          : NULL;
        g_autoptr(QObject) val = NULL;

        if (!sub) {
            lr__error(r, errp, QVISIT_ERROR_PARSE,
                      "vmdesc struct without fields");
            return NULL;
        }
        val = decode_fields(r, sub, depth + 1, errp);
        if (!val) {
            return NULL;
        }
        if ((int64_t)(r->pos - start) != size) {
            lr__error(r, errp, QVISIT_ERROR_PARSE,
                      "struct is %zu bytes, vmdesc says %" PRId64,
                      (size_t)(r->pos - start), size);
            return NULL;
        }
        if (qv && !strcmp(qv, "array")) {
            QDict *d = qobject_to(QDict, val);
            const QDictEntry *e = qdict_first(d);

            return e ? qobject_ref(qdict_entry_value(e))
                     : QOBJECT(qlist_new());
        }
        return g_steal_pointer(&val);
    }
    if (!lr__need(r, size, errp)) {
        return NULL;
    }
    if (!strcmp(type, "bool")) {
        uint8_t b;

        if (size != 1) {
            lr__error(r, errp, QVISIT_ERROR_PARSE, "bool of size %" PRId64,
                      size);
            return NULL;
        }
        b = r->data[r->pos];
        if (b > 1) {
            lr__error(r, errp, QVISIT_ERROR_RANGE,
                      "expected 0 or 1 for bool, got %u", b);
            return NULL;
        }
        r->pos++;
        return QOBJECT(qbool_from_bool(b));
    }
    if (g_str_has_prefix(type, "uint") || g_str_has_prefix(type, "int")) {
        bool is_signed = type[0] == 'i';
        const char *bits = type + (is_signed ? 3 : 4);
        int64_t want = !strcmp(bits, "8") ? 1 : !strcmp(bits, "16") ? 2
                       : !strcmp(bits, "32") ? 4 : !strcmp(bits, "64") ? 8
                                                                       : 0;

        if (want && want == size) {
            uint64_t u = lr__get(r, size);

            if (!is_signed) {
                return QOBJECT(qnum_from_uint(u));
            }
            if (size < 8 && (u >> (8 * size - 1))) {
                u |= ~0ULL << (8 * size);   /* sign-extend */
            }
            return QOBJECT(qnum_from_int((int64_t)u));
        }
    }
    if (!strcmp(type, "float64") && size == 8) {
        uint64_t u = lr__get(r, 8);
        double d;

        memcpy(&d, &u, sizeof(d));
        return QOBJECT(qnum_from_double(d));
    }
    if (qv && !strcmp(qv, "str")) {
        uint64_t slen;
        const char *p;

        if (size < 4) {
            lr__error(r, errp, QVISIT_ERROR_PARSE, "string of size %" PRId64,
                      size);
            return NULL;
        }
        slen = lr__get(r, 4);
        if (slen != (uint64_t)size - 4) {
            r->pos -= 4;
            lr__error(r, errp, QVISIT_ERROR_PARSE,
                      "string length %" PRIu64 " but vmdesc size %" PRId64,
                      slen, size);
            return NULL;
        }
        p = (const char *)r->data + r->pos;
        if (!g_utf8_validate(p, slen, NULL) || memchr(p, '\0', slen)) {
            lr__error(r, errp, QVISIT_ERROR_PARSE, "invalid UTF-8");
            return NULL;
        }
        r->pos += slen;
        {
            g_autofree char *s = g_strndup(p, slen);

            return QOBJECT(qstring_from_str(s));
        }
    }
    /* buffer, and any type we do not know: raw bytes as hex. */
    {
        g_autofree char *s = NULL;

        if ((uint64_t)size > r->limits->max_string_len / 2) {
            lr__error(r, errp, QVISIT_ERROR_LIMIT,
                      "buffer of %" PRId64 " bytes exceeds the limit", size);
            return NULL;
        }
        s = g_malloc(2 * size + 1);
        hex_encode(r->data + r->pos, (size_t)size, s);
        r->pos += size;
        return QOBJECT(qstring_from_str(s));
    }
}

static QObject *decode_fields(LReader *r, QList *fields, unsigned depth,
                              GError **errp)
{
    g_autoptr(QDict) dict = qdict_new();
    size_t nf = qlist_size(fields);

    if (depth > r->limits->max_depth) {
        lr__error(r, errp, QVISIT_ERROR_LIMIT, "nesting deeper than %u",
                  r->limits->max_depth);
        return NULL;
    }
    for (size_t i = 0; i < nf; i++) {
        QDict *f = qobject_to(QDict, qlist_get(fields, i));
        const char *name = f ? migration__vmdesc_str(f, "name") : NULL;
        const char *qv = f ? migration__vmdesc_str(f, "qvisit") : NULL;
        size_t saved = r->path->len;
        int64_t index = -1, array_len = -1;
        QObject *val;

        if (!name) {
            lr__error(r, errp, QVISIT_ERROR_PARSE,
                      "vmdesc field without a name");
            return NULL;
        }
        if (qv && !strcmp(qv, "present")) {
            /* The presence byte of the optional member that follows. */
            if (!lr__need(r, 1, errp)) {
                return NULL;
            }
            if (r->data[r->pos] > 1) {
                lr__error(r, errp, QVISIT_ERROR_RANGE,
                          "expected presence byte 0 or 1, got %u",
                          r->data[r->pos]);
                return NULL;
            }
            r->pos++;
            continue;
        }
        g_string_append_printf(r->path, "%s%s", r->path->len ? "." : "",
                               name);
        migration__vmdesc_int(f, "index", &index);
        migration__vmdesc_int(f, "array_len", &array_len);
        if (array_len >= 0) {
            g_autoptr(QList) list = qlist_new();

            if ((uint64_t)array_len > r->limits->max_array_len) {
                lr__error(r, errp, QVISIT_ERROR_LIMIT,
                          "array of %" PRId64 " exceeds the limit", array_len);
                return NULL;
            }
            for (int64_t k = 0; k < array_len; k++) {
                size_t s2 = r->path->len;

                g_string_append_printf(r->path, "[%" PRId64 "]", k);
                val = decode_elem(r, f, depth, errp);
                if (!val) {
                    return NULL;
                }
                g_string_truncate(r->path, s2);
                qlist_append_obj(list, val);
            }
            qdict_put(dict, name, g_steal_pointer(&list));
        } else if (index >= 0) {
            QList *list = qobject_to(QList, qdict_get(dict, name));

            g_string_append_printf(r->path, "[%" PRId64 "]", index);
            if (index == 0 && !list) {
                list = qlist_new();
                qdict_put(dict, name, list);
            }
            if (!list || (size_t)index != qlist_size(list)) {
                lr__error(r, errp, QVISIT_ERROR_PARSE,
                          "vmdesc index out of order");
                return NULL;
            }
            val = decode_elem(r, f, depth, errp);
            if (!val) {
                return NULL;
            }
            qlist_append_obj(list, val);
        } else {
            if (qdict_haskey(dict, name)) {
                lr__error(r, errp, QVISIT_ERROR_PARSE, "duplicate field");
                return NULL;
            }
            val = decode_elem(r, f, depth, errp);
            if (!val) {
                return NULL;
            }
            qdict_put_obj(dict, name, val);
        }
        g_string_truncate(r->path, saved);
    }
    return QOBJECT(g_steal_pointer(&dict));
}

QObject *migration__vmdesc_decode(LReader *r, QList *fields, GError **errp)
{
    return decode_fields(r, fields, 0, errp);
}
