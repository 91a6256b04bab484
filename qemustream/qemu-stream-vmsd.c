/*
 * Device sections: decode a vmsd payload field by field through the
 * vmdesc, and encode it back from a native dump.
 *
 * Every vmdesc field entry carries the "size" of one element, so the walk
 * never needs QEMU's own tables: integers are read as "size" big-endian
 * bytes (QEMU 7.2 names a null pointer marker "uint64" with size 1),
 * structs recurse and must consume exactly "size" bytes, everything else
 * is kept as "size" raw bytes.
 *
 * Three forms of the decoded values, one per QsReader mode: the native
 * dump's (everything kept to re-encode byte for byte), analyze-compat's
 * (analyze-migration.py's text), and the state form the migration core
 * loads devices from (qs__read_state()): typed like the native dump, but
 * "float64" is a number, a bool byte other than 0 and 1 is an error, and
 * the marks the migration core's own vmdescs carry ("qvisit": "present",
 * "str", "array"; docs/formats.md) are honoured: a presence byte is
 * checked and dropped, a string is text, a one-member struct wrapping a
 * nested array is that array.
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>

#include "util/hex.h"

typedef struct QsType {
    const char *name;
    QsKind compat;      /* analyze-migration.py 7.2's reader */
    QsKind native;      /* for sizes 1..8 (ints) or 1 (bool) */
} QsType;

/*
 * analyze-migration.py 7.2 reads "uint8 equal", "uint16 equal" and
 * "int64 equal" as signed; the native dump follows QEMU's vmstate-types,
 * where "int64 equal" is the name 7.2 gives uint64_equal, and a timer is a
 * signed be64 (-1: not armed). Any other type is raw bytes in both.
 */
static const QsType qs_types[] = {
    { "bool", QS_KIND_BOOL, QS_KIND_BOOL },
    { "int8", QS_KIND_INT, QS_KIND_INT },
    { "int16", QS_KIND_INT, QS_KIND_INT },
    { "int32", QS_KIND_INT, QS_KIND_INT },
    { "int32 equal", QS_KIND_INT, QS_KIND_INT },
    { "int32 le", QS_KIND_INT, QS_KIND_INT },
    { "int64", QS_KIND_INT, QS_KIND_INT },
    { "int64 equal", QS_KIND_INT, QS_KIND_UINT },
    { "uint8 equal", QS_KIND_INT, QS_KIND_UINT },
    { "uint16 equal", QS_KIND_INT, QS_KIND_UINT },
    { "uint8", QS_KIND_UINT, QS_KIND_UINT },
    { "uint16", QS_KIND_UINT, QS_KIND_UINT },
    { "uint32", QS_KIND_UINT, QS_KIND_UINT },
    { "uint32 equal", QS_KIND_UINT, QS_KIND_UINT },
    { "uint64", QS_KIND_UINT, QS_KIND_UINT },
    { "uint64 equal", QS_KIND_RAW, QS_KIND_UINT },
    { "timer", QS_KIND_RAW, QS_KIND_INT },
    { "struct", QS_KIND_STRUCT, QS_KIND_STRUCT },
};

/* Type names are few and repeat for every field: look them up once. */
static const QsType *find_type(const char *type)
{
    static GHashTable *table;

    if (g_once_init_enter(&table)) {
        GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);

        for (size_t i = 0; i < G_N_ELEMENTS(qs_types); i++) {
            g_hash_table_insert(t, (gpointer)qs_types[i].name,
                                (gpointer)&qs_types[i]);
        }
        g_once_init_leave(&table, t);
    }
    return g_hash_table_lookup(table, type);
}

static QsKind compat_kind(const char *type)
{
    const QsType *t = find_type(type);

    return t ? t->compat : QS_KIND_RAW;
}

QsKind qs__native_kind(const QDict *fd, const char *type, int64_t size)
{
    const QsType *t = find_type(type);

    if (t) {
        switch (t->native) {
        case QS_KIND_INT:
        case QS_KIND_UINT:
            return size >= 1 && size <= 8 ? t->native : QS_KIND_RAW;
        case QS_KIND_BOOL:
            return size == 1 ? QS_KIND_BOOL : QS_KIND_RAW;
        default:
            return t->native;
        }
    }
    if ((!strcmp(type, "tmp") || !strcmp(type, "vstruct")) &&
        qobject_to(QList, qdict_get(fd, "fields"))) {
        return QS_KIND_NESTED;
    }
    return QS_KIND_RAW;
}

/* The state form's kind: the native one, plus the migration core's
 * strings and doubles. */
static QsKind state_kind(const QDict *fd, const char *type, int64_t size,
                         const char *mark)
{
    if (mark && !strcmp(mark, "str")) {
        return QS_KIND_STR;
    }
    if (size == 8 && !strcmp(type, "float64")) {
        return QS_KIND_DOUBLE;
    }
    return qs__native_kind(fd, type, size);
}

/* Appends "[i]"; paths are built for every element, so without printf. */
static void append_index(GString *path, int64_t i)
{
    char buf[24];
    char *p = buf + sizeof(buf);

    *--p = ']';
    do {
        *--p = (char)('0' + i % 10);
        i /= 10;
    } while (i > 0);
    *--p = '[';
    g_string_append_len(path, p, buf + sizeof(buf) - p);
}

static QObject *compat_int(const uint8_t *b, int64_t size, bool is_signed)
{
    uint64_t u = 0;
    int64_t s;
    int width = (int)size * 2;

    for (int64_t i = 0; i < size; i++) {
        u = u << 8 | b[i];
    }
    s = (int64_t)u;
    if (size > 0 && size < 8 && (u >> (size * 8 - 1)) & 1) {
        s = (int64_t)(u | ~((UINT64_C(1) << (size * 8)) - 1));
    }
    if (is_signed && s < 0) {
        g_autofree char *t = g_strdup_printf("0x%0*" G_GINT64_MODIFIER
                                             "x (%" G_GINT64_FORMAT ")",
                                             width, u, s);
        return QOBJECT(qstring_from_str(t));
    } else {
        char t[2 + 16 + 1];

        t[0] = '0';
        t[1] = 'x';
        for (int i = 0; i < width; i++) {
            t[2 + i] = hex_digit_char(u >> (4 * (width - 1 - i)));
        }
        t[2 + width] = '\0';
        return QOBJECT(qstring_from_str(t));
    }
}

static QObject *read_raw(QsReader *r, int64_t size, GError **errp)
{
    g_autoptr(GString) hex = g_string_new(NULL);

    if (!qs__read_hex(r, (uint64_t)size, r->compat, hex, errp)) {
        return NULL;
    }
    r->cost = QS_COST_STR(hex->len);
    return QOBJECT(qstring_from_str(hex->str));
}

/* A string of the migration core: be32 length, then that much UTF-8 text
 * without NUL bytes, @size bytes in all. */
static QObject *read_str(QsReader *r, int64_t size, GError **errp)
{
    uint64_t start = r->pos;
    g_autofree char *text = NULL;
    uint32_t len;

    if (size < 4) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, start,
                         "string of size %" G_GINT64_FORMAT, size), NULL;
    }
    if (!qs__be32(r, &len, errp)) {
        return NULL;
    }
    if ((uint64_t)len != (uint64_t)size - 4) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, start,
                         "string length %u but vmdesc size %"
                         G_GINT64_FORMAT, len, size), NULL;
    }
    /* @size passed the max_section_size check of read_field(). */
    text = g_malloc(len + 1);
    if (!qs__read(r, text, len, errp)) {
        return NULL;
    }
    text[len] = '\0';
    if (memchr(text, '\0', len) || !g_utf8_validate(text, len, NULL)) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, start + 4,
                         "invalid UTF-8"), NULL;
    }
    r->cost = QS_COST_STR(len);
    return QOBJECT(qstring_from_str(text));
}

static QObject *read_elem(QsReader *r, const QDict *fd, QsKind kind,
                          int64_t size, GError **errp)
{
    uint64_t start = r->pos;
    uint8_t b[8];

    if ((kind == QS_KIND_INT || kind == QS_KIND_UINT) && size > 8) {
        /* Wider than any C integer (analyze-compat only): print the
         * digits; a negative value's decimal form is not reproduced. */
        g_autoptr(GString) hex = g_string_new("0x");

        if (!qs__read_hex(r, (uint64_t)size, false, hex, errp)) {
            return NULL;
        }
        r->cost = QS_COST_STR(hex->len);
        return QOBJECT(qstring_from_str(hex->str));
    }
    r->cost = QS_COST_VALUE;
    switch (kind) {
    case QS_KIND_INT:
    case QS_KIND_UINT:
        if (!qs__read(r, b, size, errp)) {
            return NULL;
        }
        {
            uint64_t u = 0;
            QsIntCache *c = &r->int_cache;

            for (int64_t i = 0; i < size; i++) {
                u = u << 8 | b[i];
            }
            /* Device state is mostly runs of equal values (zeroed register
             * files, tables): share the previous value's object instead of
             * allocating one per element. Values are never modified. */
            if (c->obj && c->u == u && c->size == size &&
                c->kind == (int)kind) {
                r->cost = 0;
                return qobject_ref(c->obj);
            }
            qobject_unref(c->obj);
            c->u = u;
            c->size = size;
            c->kind = (int)kind;
            if (r->compat) {
                c->obj = compat_int(b, size, kind == QS_KIND_INT);
            } else if (kind == QS_KIND_UINT) {
                c->obj = QOBJECT(qnum_from_uint(u));
            } else {
                if (size < 8 && (u >> (size * 8 - 1)) & 1) {
                    u |= ~((UINT64_C(1) << (size * 8)) - 1);
                }
                c->obj = QOBJECT(qnum_from_int((int64_t)u));
            }
            return qobject_ref(c->obj);
        }
    case QS_KIND_BOOL:
        if (size < 1) {
            return qs__error(r, errp, QVISIT_ERROR_INVALID, start,
                             "bool field with vmdesc size 0"), NULL;
        }
        if (r->compat) {
            /* analyze-migration.py reads "size" bytes, looks at the first. */
            if (!qs__u8(r, b, errp)) {
                return NULL;
            }
            if (size > 1) {
                g_autoptr(GString) skip = g_string_new(NULL);

                if (!qs__read_hex(r, (uint64_t)size - 1, false, skip,
                                  errp)) {
                    return NULL;
                }
            }
            return QOBJECT(qbool_from_bool(b[0] != 0));
        }
        if (!qs__u8(r, b, errp)) {
            return NULL;
        }
        /* Only 0 and 1 are JSON booleans; another byte stays a number so
         * that the stream re-encodes exactly. QEMU writes a C bool, 0 or
         * 1: in the state form, which loads devices, another byte is
         * corruption, refused at this field rather than loaded as a
         * silently flipped flag. */
        if (b[0] > 1 && r->state) {
            return qs__error(r, errp, QVISIT_ERROR_RANGE, start,
                             "expected 0 or 1 for bool, got %u", b[0]),
                   NULL;
        }
        if (b[0] > 1) {
            return QOBJECT(qnum_from_uint(b[0]));
        }
        return QOBJECT(qbool_from_bool(b[0]));
    case QS_KIND_DOUBLE: {
        uint64_t u = 0;
        double d;

        if (!qs__be64(r, &u, errp)) {
            return NULL;
        }
        memcpy(&d, &u, sizeof(d));
        return QOBJECT(qnum_from_double(d));
    }
    case QS_KIND_STR:
        return read_str(r, size, errp);
    case QS_KIND_STRUCT:
    case QS_KIND_NESTED: {
        const QDict *sub = kind == QS_KIND_NESTED ? fd
            : qobject_to(QDict, qdict_get(fd, "struct"));
        g_autoptr(QDict) out = qdict_new();

        if (!sub) {
            return qs__error(r, errp, QVISIT_ERROR_INVALID, start,
                             "vmdesc struct field has no \"struct\" "
                             "description"), NULL;
        }
        /* The members charge themselves as they are added. */
        if (!qs__charge(r, QS_COST_DICT, errp) ||
            !qs__read_vmsd(r, sub, out, errp)) {
            return NULL;
        }
        r->cost = 0;
        if (r->pos - start != (uint64_t)size) {
            return qs__error(r, errp, QVISIT_ERROR_INVALID, start,
                             "decoded %" G_GUINT64_FORMAT " bytes but the "
                             "vmdesc size is %" G_GINT64_FORMAT,
                             r->pos - start, size), NULL;
        }
        if (r->state && kind == QS_KIND_STRUCT) {
            const char *mark = qs__dict_str(fd, "qvisit");

            /* An array inside an array: its one member is the value. */
            if (mark && !strcmp(mark, "array")) {
                const QDictEntry *e = qdict_first(out);

                return e ? qobject_ref(qdict_entry_value(e))
                         : QOBJECT(qlist_new());
            }
        }
        return QOBJECT(g_steal_pointer(&out));
    }
    case QS_KIND_RAW:
    default:
        return read_raw(r, size, errp);
    }
}

/* The members of a vmdesc field entry that the reader uses. */
typedef struct QsFieldDesc {
    const char *name;
    const char *type;
    int64_t size;
    int64_t array_len;  /* -1: not an array */
    int64_t index;      /* -1: not one element of a split array */
    const char *mark;   /* "qvisit": the migration core's marks, or NULL */
} QsFieldDesc;

/* Fills @d from @fd in one pass over its members (field entries are read
 * once per element of an array of structs, so lookups add up). */
static bool field_desc(const QDict *fd, QsFieldDesc *d)
{
    bool has_size = false, ok = true;

    d->name = d->type = d->mark = NULL;
    d->array_len = d->index = -1;
    for (const QDictEntry *e = qdict_first(fd); e; e = qdict_next(fd, e)) {
        const char *key = qdict_entry_key(e);
        QObject *value = qdict_entry_value(e);
        QString *str = qobject_to(QString, value);
        QNum *num = qobject_to(QNum, value);

        if (!strcmp(key, "name")) {
            d->name = str ? qstring_get_str(str) : NULL;
        } else if (!strcmp(key, "type")) {
            d->type = str ? qstring_get_str(str) : NULL;
        } else if (!strcmp(key, "size")) {
            has_size = num && qnum_get_try_int(num, &d->size) &&
                       d->size >= 0;
        } else if (!strcmp(key, "array_len")) {
            ok = ok && num && qnum_get_try_int(num, &d->array_len) &&
                 d->array_len >= 0;
        } else if (!strcmp(key, "index")) {
            ok = ok && num && qnum_get_try_int(num, &d->index) &&
                 d->index >= 0;
        } else if (!strcmp(key, "qvisit")) {
            d->mark = str ? qstring_get_str(str) : NULL;
        }
    }
    return ok && has_size && d->name && d->type;
}

/*
 * qs__field_key() for the reader, with the table of names seen made only
 * when a name repeats. Every key of @out comes from here (qs__read_vmsd()
 * gets it empty), and a renamed key holds '#', so for a name without
 * '#' absent from @out the count is 0, and present in @out but not in
 * *@seen it is 1. Returns the key: @name, or one owned by *@owned.
 */
static const char *field_key(GHashTable **seen, const QDict *out,
                             const char *name, bool continues, char **owned)
{
    unsigned count;

    if (!strchr(name, '#') && !qdict_haskey(out, name)) {
        return name;
    }
    if (!*seen) {
        *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    if (strchr(name, '#')) {
        return *owned = qs__field_key(*seen, name, continues);
    }
    count = MAX(GPOINTER_TO_UINT(g_hash_table_lookup(*seen, name)), 1);
    if (!continues) {
        count++;
        g_hash_table_insert(*seen, g_strdup(name), GUINT_TO_POINTER(count));
    }
    return count == 1 ? name
                      : (*owned = g_strdup_printf("%s#%u", name, count));
}

/* Reads the elements of one vmdesc field entry and stores them in @out. */
static bool read_field(QsReader *r, const QDict *fd, QDict *out,
                       GHashTable **seen, GError **errp)
{
    QsFieldDesc d;
    size_t mark = r->path->len;
    g_autofree char *key = NULL;
    QsKind kind;

    if (!field_desc(fd, &d)) {
        return qs__error(r, errp, QVISIT_ERROR_INVALID, r->pos,
                         "vmdesc field entry needs a string \"name\" and "
                         "\"type\" and a non-negative \"size\"");
    }
    g_string_append_c(r->path, '.');
    g_string_append(r->path, d.name);
    if (r->state && d.mark && !strcmp(d.mark, "present")) {
        uint64_t at = r->pos;
        uint8_t b;

        /* The presence byte of the optional member that follows. */
        if (!qs__u8(r, &b, errp)) {
            return false;
        }
        if (b > 1) {
            return qs__error(r, errp, QVISIT_ERROR_RANGE, at,
                             "expected presence byte 0 or 1, got %u", b);
        }
        g_string_truncate(r->path, mark);
        return true;
    }
    kind = r->compat ? compat_kind(d.type)
           : r->state ? state_kind(fd, d.type, d.size, d.mark)
                      : qs__native_kind(fd, d.type, d.size);
    /* Elements take their size from the stream, except zero-size ones:
     * bound those so a short vmdesc cannot ask for millions of values. */
    if ((uint64_t)d.size > r->limits->max_section_size) {
        return qs__error(r, errp, QVISIT_ERROR_LIMIT, r->pos,
                         "vmdesc field of %" G_GINT64_FORMAT " bytes "
                         "exceeds max_section_size (%zu)", d.size,
                         r->limits->max_section_size);
    }
    if (d.array_len >= 0 &&
        ((uint64_t)d.array_len > r->limits->max_array_len ||
         (d.size == 0 && d.array_len > 4096))) {
        return qs__error(r, errp, QVISIT_ERROR_LIMIT, r->pos,
                         "vmdesc array of %" G_GINT64_FORMAT " elements "
                         "of %" G_GINT64_FORMAT " bytes exceeds the limits",
                         d.array_len, d.size);
    }

    if (!qs__charge(r, QS_COST_MEMBER(strlen(d.name) + 4), errp)) {
        return false;
    }
    if (d.array_len >= 0) {
        g_autoptr(QList) list = qlist_new();
        bool nested = kind == QS_KIND_STRUCT || kind == QS_KIND_NESTED;

        if (!qs__charge(r, QS_COST_LIST, errp)) {
            return false;
        }
        for (int64_t i = 0; i < d.array_len; i++) {
            size_t emark = r->path->len;
            QObject *o;

            /* A scalar element's index joins the path only in an error
             * message (qs__error()): most arrays are register files. */
            if (nested) {
                append_index(r->path, i);
            } else {
                r->elem_index = i;
            }
            o = read_elem(r, fd, kind, d.size, errp);
            if (o && !qs__charge(r, r->cost + QS_COST_SLOT, errp)) {
                qobject_unref(o);
                o = NULL;
            }
            r->elem_index = -1;
            if (!o) {
                return false;
            }
            qlist_append_obj(list, o);
            if (nested) {
                g_string_truncate(r->path, emark);
            }
        }
        qdict_put_obj(out,
                      r->compat ? d.name
                                : field_key(seen, out, d.name, false, &key),
                      QOBJECT(g_steal_pointer(&list)));
    } else if (d.index >= 0) {
        const char *k = r->compat ? d.name
                        : field_key(seen, out, d.name, d.index > 0, &key);
        QList *list;
        QObject *o;

        if (!qdict_haskey(out, k)) {
            if (!qs__charge(r, QS_COST_LIST, errp)) {
                return false;
            }
            qdict_put_obj(out, k, QOBJECT(qlist_new()));
        }
        list = qobject_to(QList, qdict_get(out, k));
        if (!list || qlist_size(list) != (uint64_t)d.index) {
            return qs__error(r, errp, QVISIT_ERROR_INVALID, r->pos,
                             "vmdesc index %" G_GINT64_FORMAT " out of "
                             "order", d.index);
        }
        append_index(r->path, d.index);
        o = read_elem(r, fd, kind, d.size, errp);
        if (!o || !qs__charge(r, r->cost + QS_COST_SLOT, errp)) {
            qobject_unref(o);
            return false;
        }
        qlist_append_obj(list, o);
    } else {
        QObject *o = read_elem(r, fd, kind, d.size, errp);

        if (!o || !qs__charge(r, r->cost, errp)) {
            qobject_unref(o);
            return false;
        }
        /* analyze-migration.py lets a repeated name replace the value in
         * place; the native dump keeps both (see qs__field_key()). */
        qdict_put_obj(out,
                      r->compat ? d.name
                                : field_key(seen, out, d.name, false, &key),
                      o);
    }
    g_string_truncate(r->path, mark);
    return true;
}

static bool read_subsection(QsReader *r, const QDict *sub, QDict *out,
                            GHashTable **seen, GError **errp)
{
    const char *want = qs__dict_str(sub, "vmsd_name");
    uint64_t at = r->pos;
    g_autofree char *name = NULL;
    g_autofree char *key = NULL;
    g_autoptr(QDict) data = qdict_new();
    int64_t desc_version = -1;
    uint32_t version;
    uint8_t type;
    size_t mark = r->path->len;

    if (!qs__u8(r, &type, errp)) {
        return false;
    }
    if (type != QS_SUBSECTION) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                         "expected subsection '%s', got byte 0x%02x",
                         want ? want : "?", type);
    }
    if (!qs__cstr(r, &name, errp) || !qs__be32(r, &version, errp)) {
        return false;
    }
    if (!want || strcmp(want, name) != 0) {
        return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                         "subsection '%s' where the vmdesc has '%s'", name,
                         want ? want : "(none)");
    }
    g_string_append_c(r->path, '.');
    g_string_append(r->path, name);
    if (!qs__charge(r, QS_COST_DICT + QS_COST_MEMBER(strlen(name) + 4),
                    errp) ||
        !qs__read_vmsd(r, sub, data, errp)) {
        return false;
    }
    g_string_truncate(r->path, mark);
    qs__dict_int(sub, "version", &desc_version);
    if (!r->compat && desc_version != (int64_t)version) {
        qdict_put_uint(data, "__version_id", version);
    }
    qdict_put_obj(out,
                  r->compat ? name : field_key(seen, out, name, false, &key),
                  QOBJECT(g_steal_pointer(&data)));
    return true;
}

bool qs__read_vmsd(QsReader *r, const QDict *vmsd, QDict *out, GError **errp)
{
    QList *fields = qobject_to(QList, qdict_get(vmsd, "fields"));
    QObject *subs_obj = qdict_get(vmsd, "subsections");
    QList *subs = qobject_to(QList, subs_obj);
    /* Repeated names are renamed but in analyze-compat form; the table
     * is made at the first repeat (field_key()). */
    g_autoptr(GHashTable) seen = NULL;
    bool ok = true;

    if (!fields || (subs_obj && !subs)) {
        return qs__error(r, errp, QVISIT_ERROR_INVALID, r->pos,
                         "vmdesc entry has no \"fields\" list");
    }
    if (++r->depth > r->limits->max_depth) {
        r->depth--;
        return qs__error(r, errp, QVISIT_ERROR_LIMIT, r->pos,
                         "nesting deeper than %u", r->limits->max_depth);
    }
    for (size_t i = 0; ok && i < qlist_size(fields); i++) {
        QDict *fd = qobject_to(QDict, qlist_get(fields, i));

        if (!fd) {
            ok = qs__error(r, errp, QVISIT_ERROR_INVALID, r->pos,
                           "vmdesc field entry %zu is not an object", i);
            break;
        }
        ok = read_field(r, fd, out, &seen, errp);
    }
    for (size_t i = 0; ok && subs && i < qlist_size(subs); i++) {
        QDict *sub = qobject_to(QDict, qlist_get(subs, i));

        if (!sub) {
            ok = qs__error(r, errp, QVISIT_ERROR_INVALID, r->pos,
                           "vmdesc subsection %zu is not an object", i);
            break;
        }
        ok = read_subsection(r, sub, out, &seen, errp);
    }
    r->depth--;
    return ok;
}
