/*
 * qemu_vmstate_check_vmdesc(): would a stream's device sections load into
 * the QEMU that wrote a -dump-vmstate file?
 *
 * The vmdesc lists what the source wrote: the fields its save walk
 * visited (conditional ones only when present, arrays as one entry with
 * "array_len" or one entry per element with "index", a repeated field
 * name as "name[N]", N counting the names before it) and the subsections
 * it sent. The destination loads a section by walking its own vmsd at the
 * stream's version (QEMU 7.2 migration/vmstate.c, vmstate_load_state()):
 * a field is read when its version_id is at most that version, or when
 * its field_exists test says so, which the file cannot tell; a nested
 * VMS_STRUCT is read at the destination's own version of it; a
 * subsection is looked up by name and loaded at its wire version.
 *
 * So the two lists are walked side by side: a stream field must be the
 * next field the destination reads (skipping conditional ones that are
 * absent); a destination field the stream lacks is only a note, since an
 * array that was empty leaves no entry in the vmdesc either.
 */
#include "qvisit/qemu-vmstate.h"

#include <inttypes.h>
#include <string.h>

#include "migration/qemu-vmstate-internal.h"

/* --- The stream's description ------------------------------------------ */

typedef struct VdVmsd VdVmsd;

typedef struct VdField {
    const char *name;
    const char *type;
    int64_t size;
    bool has_index;
    int64_t index;
    VdVmsd *nested;             /* "struct", or fields inline ("tmp") */
} VdField;

struct VdVmsd {
    const char *name;           /* "vmsd_name"; NULL for old-style */
    int64_t version;
    VdField *fields;
    size_t n_fields;
    VdVmsd *subs;
    size_t n_subs;
};

static void vd_clear(VdVmsd *v)
{
    for (size_t i = 0; i < v->n_fields; i++) {
        if (v->fields[i].nested) {
            vd_clear(v->fields[i].nested);
            g_free(v->fields[i].nested);
        }
    }
    g_free(v->fields);
    for (size_t i = 0; i < v->n_subs; i++) {
        vd_clear(&v->subs[i]);
    }
    g_free(v->subs);
}

/* A non-negative (@min 0) or any integer member. */
static bool vd_int(const QDict *d, const char *key, bool optional,
                   int64_t min, const GString *path, bool *present,
                   int64_t *out, GError **errp)
{
    return qvs__get_int(d, key, path, optional, min, INT64_MAX,
                        min == 0 ? "expected a non-negative integer"
                                 : "expected an integer",
                        present, out, errp);
}

static bool vd_load_vmsd(const QDict *d, GString *path, bool old_style_ok,
                         VdVmsd *out, GError **errp);

static bool vd_load_field(const QDict *d, GString *path, VdField *out,
                          GError **errp)
{
    QObject *st = qdict_get(d, "struct");
    const QDict *nested = NULL;
    size_t mark = path->len;
    bool ok;

    if (!qvs__get_str(d, "name", path, false, &out->name, errp) ||
        !qvs__get_str(d, "type", path, false, &out->type, errp) ||
        !vd_int(d, "size", false, 0, path, NULL, &out->size, errp) ||
        !vd_int(d, "index", true, 0, path, &out->has_index, &out->index,
                errp)) {
        return false;
    }
    if (st) {
        nested = qobject_to(QDict, st);
        if (!nested) {
            return qvs__bad(errp, QVISIT_ERROR_TYPE, path, "struct",
                            "expected an object");
        }
        g_string_append(path, ".struct");
    } else if (qdict_haskey(d, "fields")) {
        /* VMSTATE_WITH_TMP and the like write their vmsd inline. */
        nested = d;
    }
    if (!nested) {
        return true;
    }
    out->nested = g_new0(VdVmsd, 1);
    ok = vd_load_vmsd(nested, path, false, out->nested, errp);
    g_string_truncate(path, mark);
    return ok;
}

static bool vd_field_item(const QDict *item, GString *path, void *out,
                          GError **errp)
{
    return vd_load_field(item, path, out, errp);
}

static bool vd_sub_item(const QDict *item, GString *path, void *out,
                        GError **errp)
{
    return vd_load_vmsd(item, path, false, out, errp);
}

static bool vd_load_vmsd(const QDict *d, GString *path, bool old_style_ok,
                         VdVmsd *out, GError **errp)
{
    void *fields = NULL, *subs = NULL;
    bool ok;

    if (!qvs__get_str(d, "vmsd_name", path, old_style_ok, &out->name, errp)) {
        return false;
    }
    if (out->name && !vd_int(d, "version", false, INT64_MIN, path, NULL,
                             &out->version, errp)) {
        return false;
    }
    ok = qvs__load_list(d, "fields", path, sizeof(VdField), vd_field_item,
                        &fields, &out->n_fields, errp);
    out->fields = fields;
    if (ok) {
        ok = qvs__load_list(d, "subsections", path, sizeof(VdVmsd),
                            vd_sub_item, &subs, &out->n_subs, errp);
        out->subs = subs;
    }
    return ok;
}

/* --- Matching ---------------------------------------------------------- */

typedef struct Chk {
    GPtrArray *reason;          /* the blocking finding, at most one */
    GPtrArray *notes;
    const char *section;
    int64_t instance;
    GString *path;
} Chk;

#define BLOCK(c, kind, desc, ...) \
    (qvs__add((c)->reason, (kind), (c)->section, (c)->instance, \
              (c)->path->str, (desc), __VA_ARGS__), false)

/* How the vmdesc names destination field @i of its list. */
typedef struct Expect {
    const QvsField *f;
    char *name;                 /* "field", or "field[N]" when repeated */
    bool unique;
} Expect;

static void expect_clear(gpointer p)
{
    g_free(((Expect *)p)->name);
}

/* True when @name is @field followed by "[digits]". */
static bool is_numbered(const char *name, const char *field)
{
    size_t n = strlen(field);
    const char *p = name + n;

    if (strncmp(name, field, n) || *p != '[' || !g_ascii_isdigit(p[1])) {
        return false;
    }
    for (p++; g_ascii_isdigit(*p); p++) {
    }
    return p[0] == ']' && p[1] == '\0';
}

static bool name_matches(const VdField *e, const Expect *x)
{
    /* The source may repeat a name the destination does not, or the
     * other way round; the base name decides then. */
    return !strcmp(e->name, x->name) ||
           (x->unique ? is_numbered(e->name, x->f->name)
                      : !strcmp(e->name, x->f->name));
}

static GArray *expectations(const QvsDesc *d, GHashTable *last)
{
    g_autoptr(GHashTable) count = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    GArray *xs = g_array_sized_new(false, true, sizeof(Expect), d->n_fields);

    g_array_set_clear_func(xs, expect_clear);
    for (size_t i = 0; i < d->n_fields; i++) {
        const char *n = d->fields[i].name;

        g_hash_table_insert(count, (gpointer)n, GSIZE_TO_POINTER(
            GPOINTER_TO_SIZE(g_hash_table_lookup(count, n)) + 1));
    }
    for (size_t i = 0; i < d->n_fields; i++) {
        const char *n = d->fields[i].name;
        size_t k = GPOINTER_TO_SIZE(g_hash_table_lookup(seen, n));
        Expect x = { &d->fields[i], NULL, false };

        x.unique = GPOINTER_TO_SIZE(g_hash_table_lookup(count, n)) == 1;
        x.name = x.unique ? g_strdup(n) : g_strdup_printf("%s[%zu]", n, k);
        g_hash_table_insert(seen, (gpointer)n, GSIZE_TO_POINTER(k + 1));
        g_array_append_val(xs, x);
        /* The last index of each name, for "is it further down?". */
        g_hash_table_insert(last, g_strdup(x.name), GSIZE_TO_POINTER(i + 1));
        g_hash_table_insert(last, g_strdup(n), GSIZE_TO_POINTER(i + 1));
    }
    return xs;
}

/* Whether stream field @e may be a destination field at index @from or
 * later: its name (or base name) appears there. */
static bool further_down(GHashTable *last, const VdField *e, size_t from)
{
    g_autofree char *base = g_strdup(e->name);
    char *bracket = strrchr(base, '[');
    size_t at = GPOINTER_TO_SIZE(g_hash_table_lookup(last, e->name));

    if (bracket) {
        *bracket = '\0';
        at = MAX(at, GPOINTER_TO_SIZE(g_hash_table_lookup(last, base)));
    }
    return at > from;
}

static bool match_vmsd(Chk *c, const VdVmsd *s, const QvsDesc *d,
                       int64_t version);

static bool match_entry(Chk *c, const VdField *e, const QvsField *f)
{
    size_t mark = c->path->len;
    bool ok = true;

    g_string_append_printf(c->path, ".%s", e->name);
    if (e->has_index) {
        g_string_append_printf(c->path, "[%" PRId64 "]", e->index);
    }
    if (f->desc) {
        /* A VMS_STRUCT loads at the destination's version of it, a
         * VMS_VSTRUCT at a version the file does not give. */
        if (e->nested) {
            ok = match_vmsd(c, e->nested, f->desc,
                            !strcmp(e->type, "struct")
                            ? f->desc->v.version_id : e->nested->version);
        }
    } else if (e->nested) {
        ok = BLOCK(c, QEMU_VMSTATE_FINDING_STRUCT_MISMATCH, NULL,
                   "a struct in the stream, a plain field in the "
                   "destination");
    } else if (f->size && e->size != f->size) {
        /* A size of 0 is a field whose own code decides what it writes
         * (virtio, MSI-X state, variable buffers). */
        ok = BLOCK(c, QEMU_VMSTATE_FINDING_SIZE, NULL,
                   "size %" PRId64 " in the stream, %" PRId64 " in the "
                   "destination", e->size, f->size);
    }
    g_string_truncate(c->path, mark);
    return ok;
}

/*
 * A field @d reads at @version that the stream lacks. When the field is
 * newer than the stream's own version of the vmsd (@wire), the source
 * could not have written it: a nested VMS_STRUCT loads at the
 * destination's version, so its new fields are read from the bytes of
 * what follows. Otherwise it may be an array that was empty: a note.
 */
static bool missing_field(Chk *c, const QvsDesc *d, const QvsField *f,
                          int64_t version, int64_t wire)
{
    g_autofree char *p = g_strdup_printf("%s.%s", c->path->str, f->name);

    if (f->v.version_id > wire) {
        g_string_append_printf(c->path, ".%s", f->name);
        return BLOCK(c, QEMU_VMSTATE_FINDING_FIELD_MISSING, d->name,
                     "the destination reads this field of vmsd \"%s\" "
                     "version %" PRId64 " from a stream of version %" PRId64,
                     d->name, version, wire);
    }
    qvs__add(c->notes, QEMU_VMSTATE_FINDING_FIELD_NOT_IN_STREAM, c->section,
             c->instance, p, d->name, "read by the destination at version %"
             PRId64 " but not in the stream; loads only if it is an empty "
             "array", version);
    return true;
}

static bool match_fields(Chk *c, const VdVmsd *s, const QvsDesc *d,
                         int64_t version)
{
    g_autoptr(GHashTable) last = g_hash_table_new_full(g_str_hash,
                                                       g_str_equal, g_free,
                                                       NULL);
    g_autoptr(GArray) xs = expectations(d, last);
    size_t i = 0, j = 0, n = d->n_fields;
    size_t mark = c->path->len;

    while (j < s->n_fields) {
        const VdField *e = &s->fields[j];
        const Expect *x;

        while (i < n && !d->fields[i].field_exists &&
               d->fields[i].v.version_id > version) {
            i++;
        }
        g_string_append_printf(c->path, ".%s", e->name);
        if (i == n) {
            return BLOCK(c, QEMU_VMSTATE_FINDING_FIELD_UNKNOWN, d->name,
                         "the destination's vmsd \"%s\" reads no further "
                         "fields at version %" PRId64, d->name, version);
        }
        x = &g_array_index(xs, Expect, i);
        if (name_matches(e, x)) {
            size_t k = j + 1;

            g_string_truncate(c->path, mark);
            /* One entry per element: all of them are this field. */
            while (e->has_index && k < s->n_fields &&
                   s->fields[k].has_index &&
                   s->fields[k].index == s->fields[k - 1].index + 1 &&
                   !strcmp(s->fields[k].name, e->name)) {
                k++;
            }
            for (; j < k; j++) {
                if (!match_entry(c, &s->fields[j], x->f)) {
                    return false;
                }
            }
            i++;
            continue;
        }
        g_string_truncate(c->path, mark);
        if (x->f->field_exists) {
            i++;        /* a conditional field the source did not send */
            continue;
        }
        if (further_down(last, e, i + 1)) {
            if (!missing_field(c, d, x->f, version, s->version)) {
                return false;
            }
            i++;
            continue;
        }
        g_string_append_printf(c->path, ".%s", e->name);
        return BLOCK(c, QEMU_VMSTATE_FINDING_FIELD_MISMATCH, d->name,
                     "the destination's vmsd \"%s\" reads \"%s\" here",
                     d->name, x->f->name);
    }
    for (; i < n; i++) {
        if (!d->fields[i].field_exists &&
            d->fields[i].v.version_id <= version &&
            !missing_field(c, d, &d->fields[i], version, s->version)) {
            return false;
        }
    }
    return true;
}

static const QvsDesc *find_subsection(const QvsDesc *d, const char *name)
{
    for (size_t i = 0; i < d->n_subsections; i++) {
        if (!strcmp(d->subsections[i].name, name)) {
            return &d->subsections[i];
        }
    }
    return NULL;
}

/* Checks @s's wire version against @d's range. */
static bool match_version(Chk *c, const VdVmsd *s, const QvsDesc *d,
                          const char *what)
{
    if (s->version > d->v.version_id) {
        return BLOCK(c, QEMU_VMSTATE_FINDING_VERSION, d->name,
                     "%s \"%s\" version %" PRId64 " is above the "
                     "destination's %" PRId64, what, s->name, s->version,
                     d->v.version_id);
    }
    if (d->v.has_min && s->version < d->v.minimum_version_id) {
        return BLOCK(c, QEMU_VMSTATE_FINDING_MINIMUM_VERSION, d->name,
                     "%s \"%s\" version %" PRId64 " is below the "
                     "destination's minimum %" PRId64, what, s->name,
                     s->version, d->v.minimum_version_id);
    }
    return true;
}

static bool match_vmsd(Chk *c, const VdVmsd *s, const QvsDesc *d,
                       int64_t version)
{
    size_t mark = c->path->len;

    if (!match_fields(c, s, d, version)) {
        return false;
    }
    for (size_t i = 0; i < s->n_subs; i++) {
        const VdVmsd *sub = &s->subs[i];
        const QvsDesc *dsub = find_subsection(d, sub->name);
        bool ok;

        g_string_append_printf(c->path, ".%s", sub->name);
        if (!dsub) {
            return BLOCK(c, QEMU_VMSTATE_FINDING_SUBSECTION_MISSING, d->name,
                         "subsection not known to the destination's vmsd "
                         "\"%s\"", d->name);
        }
        ok = match_version(c, sub, dsub, "subsection") &&
             match_vmsd(c, sub, dsub, sub->version);
        g_string_truncate(c->path, mark);
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* --- Sections ---------------------------------------------------------- */

/* Checks device @dev against every description of its vmsd name; appends
 * its status and, when it loads, its notes to @out. */
static void check_device(const QemuVmstate *dst, const VdVmsd *dev,
                         const char *idstr, int64_t instance, GPtrArray *out)
{
    g_autoptr(GString) path = g_string_new(idstr);
    g_autoptr(GPtrArray) first = NULL;
    GPtrArray *cands;

    if (instance) {
        g_string_append_printf(path, "#%" PRId64, instance);
    }
    if (!dev->name) {
        qvs__add(out, QEMU_VMSTATE_FINDING_SECTION_UNCHECKED, idstr, instance,
                 path->str, NULL, "saved without a vmsd (an old-style "
                 "section); not checked");
        return;
    }
    cands = g_hash_table_lookup(dst->by_vmsd, dev->name);
    if (!cands) {
        qvs__add(out, QEMU_VMSTATE_FINDING_SECTION_UNCHECKED, idstr, instance,
                 path->str, dev->name, "no vmsd \"%s\" in the destination's "
                 "file (it lists devices with a qdev vmsd only)", dev->name);
        return;
    }
    for (guint i = 0; i < cands->len; i++) {
        const QvsSection *sec = cands->pdata[i];
        g_autoptr(GPtrArray) reason = qvs__findings_new();
        g_autoptr(GPtrArray) notes = qvs__findings_new();
        Chk c = { reason, notes, idstr, instance, path };

        if (match_version(&c, dev, sec->desc, "vmsd") &&
            match_vmsd(&c, dev, sec->desc, dev->version)) {
            g_autofree char *more = cands->len > 1
                ? g_strdup_printf(", one of %u device types with this vmsd",
                                  cands->len)
                : g_strdup("");

            qvs__add(out, QEMU_VMSTATE_FINDING_SECTION_OK, idstr, instance,
                     path->str, dev->name, "vmsd \"%s\" version %" PRId64
                     " loads into %s%s", dev->name, dev->version, sec->key,
                     more);
            g_ptr_array_extend_and_steal(out, g_steal_pointer(&notes));
            return;
        }
        if (!first) {
            first = g_steal_pointer(&reason);
        }
        g_string_truncate(path, strlen(idstr));
        if (instance) {
            g_string_append_printf(path, "#%" PRId64, instance);
        }
    }
    g_ptr_array_extend_and_steal(out, g_steal_pointer(&first));
}

GPtrArray *qemu_vmstate_check_vmdesc(const QemuVmstate *dst,
                                     const QObject *vmdesc, GError **errp)
{
    g_autoptr(GPtrArray) out = NULL;
    const QDict *root = qobject_to(QDict, vmdesc);
    QList *devices;

    g_return_val_if_fail(dst != NULL && vmdesc != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    devices = root ? qobject_to(QList, qdict_get(root, "devices")) : NULL;
    if (!devices) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "vmdesc: expected an object with a \"devices\" list");
        return NULL;
    }
    out = qvs__findings_new();
    for (size_t i = 0; i < qlist_size(devices); i++) {
        QDict *d = qobject_to(QDict, qlist_get(devices, i));
        g_autoptr(GString) path = g_string_new(NULL);
        VdVmsd dev = { 0 };
        const char *idstr;
        int64_t instance;
        bool ok;

        g_string_printf(path, "devices[%zu]", i);
        if (!d) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s: expected an object", path->str);
            return NULL;
        }
        ok = qvs__get_str(d, "name", path, false, &idstr, errp) &&
             vd_int(d, "instance_id", false, 0, path, NULL, &instance,
                    errp) &&
             vd_load_vmsd(d, path, true, &dev, errp);
        if (ok) {
            check_device(dst, &dev, idstr, instance, out);
        }
        vd_clear(&dev);
        if (!ok) {
            /* Names in messages come from the stream: one line each. */
            qvs__escape_error(errp);
            return NULL;
        }
    }
    return g_steal_pointer(&out);
}
