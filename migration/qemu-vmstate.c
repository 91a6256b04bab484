/*
 * Reading a -dump-vmstate file into a checked model, and the findings the
 * checks return. The file's layout is QEMU 7.2's dump_vmstate_json_to_file()
 * (migration/savevm.c); include/qvisit/qemu-vmstate.h describes it.
 */
#include "qvisit/qemu-vmstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "migration/qemu-vmstate-internal.h"
#include "migration/transport-internal.h"

/* --- Findings ---------------------------------------------------------- */

char *qvs__escape(const char *text)
{
    return qvisit_error_escape(text, -1);
}

bool qvs__escape_error(GError **errp)
{
    if (errp && *errp) {
        char *m = qvs__escape((*errp)->message);

        g_free((*errp)->message);
        (*errp)->message = m;
    }
    return false;
}

static void finding_free(gpointer p)
{
    QemuVmstateFinding *f = p;

    g_free(f->section);
    g_free(f->path);
    g_free(f->description);
    g_free(f->message);
    g_free(f);
}

GPtrArray *qvs__findings_new(void)
{
    return g_ptr_array_new_with_free_func(finding_free);
}

void qvs__add(GPtrArray *out, QemuVmstateFindingKind kind,
              const char *section, int64_t instance, const char *path,
              const char *description, const char *fmt, ...)
{
    QemuVmstateFinding *f = g_new0(QemuVmstateFinding, 1);
    g_autofree char *text = NULL;
    g_autofree char *esc = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    f->kind = kind;
    f->section = g_strdup(section);
    f->instance = instance;
    esc = qvs__escape(text);
    f->path = qvs__escape(path);
    f->description = g_strdup(description);
    f->message = g_strdup_printf("%s: %s", f->path, esc);
    g_ptr_array_add(out, f);
}

QemuVmstateFindingKind
qemu_vmstate_finding_get_kind(const QemuVmstateFinding *f)
{
    g_return_val_if_fail(f != NULL, QEMU_VMSTATE_FINDING_MACHINE_TYPE);
    return f->kind;
}

bool qemu_vmstate_finding_is_error(const QemuVmstateFinding *f)
{
    g_return_val_if_fail(f != NULL, false);
    switch (f->kind) {
    case QEMU_VMSTATE_FINDING_MACHINE_TYPE:
    case QEMU_VMSTATE_FINDING_SECTION_OK:
    case QEMU_VMSTATE_FINDING_SECTION_UNCHECKED:
    case QEMU_VMSTATE_FINDING_FIELD_NOT_IN_STREAM:
        return false;
    default:
        return true;
    }
}

const char *qemu_vmstate_finding_get_section(const QemuVmstateFinding *f)
{
    g_return_val_if_fail(f != NULL, NULL);
    return f->section;
}

int64_t qemu_vmstate_finding_get_instance(const QemuVmstateFinding *f)
{
    g_return_val_if_fail(f != NULL, -1);
    return f->instance;
}

const char *qemu_vmstate_finding_get_path(const QemuVmstateFinding *f)
{
    g_return_val_if_fail(f != NULL, NULL);
    return f->path;
}

const char *
qemu_vmstate_finding_get_description(const QemuVmstateFinding *f)
{
    g_return_val_if_fail(f != NULL, NULL);
    return f->description;
}

const char *qemu_vmstate_finding_get_message(const QemuVmstateFinding *f)
{
    g_return_val_if_fail(f != NULL, NULL);
    return f->message;
}

const char *qemu_vmstate_finding_kind_name(QemuVmstateFindingKind kind)
{
    static const char *const names[] = {
        [QEMU_VMSTATE_FINDING_MACHINE_TYPE] = "machine-type",
        [QEMU_VMSTATE_FINDING_SECTION_MISSING] = "section-missing",
        [QEMU_VMSTATE_FINDING_VERSION] = "version",
        [QEMU_VMSTATE_FINDING_MINIMUM_VERSION] = "minimum-version",
        [QEMU_VMSTATE_FINDING_ENTRY_MISSING] = "entry-missing",
        [QEMU_VMSTATE_FINDING_DESCRIPTION_RENAMED] = "description-renamed",
        [QEMU_VMSTATE_FINDING_FIELD_MISMATCH] = "field-mismatch",
        [QEMU_VMSTATE_FINDING_FIELD_MISSING] = "field-missing",
        [QEMU_VMSTATE_FINDING_UNUSED_SIZE] = "unused-size",
        [QEMU_VMSTATE_FINDING_SIZE] = "size",
        [QEMU_VMSTATE_FINDING_DESCRIPTION_MISSING] = "description-missing",
        [QEMU_VMSTATE_FINDING_SUBSECTION_MISSING] = "subsection-missing",
        [QEMU_VMSTATE_FINDING_SECTION_OK] = "ok",
        [QEMU_VMSTATE_FINDING_SECTION_UNCHECKED] = "unchecked",
        [QEMU_VMSTATE_FINDING_FIELD_UNKNOWN] = "field-unknown",
        [QEMU_VMSTATE_FINDING_FIELD_NOT_IN_STREAM] = "field-not-in-stream",
        [QEMU_VMSTATE_FINDING_STRUCT_MISMATCH] = "struct-mismatch",
    };

    if ((unsigned)kind < G_N_ELEMENTS(names) && names[kind]) {
        return names[kind];
    }
    return "unknown";
}

/* --- Loading ----------------------------------------------------------- */

static void desc_clear(QvsDesc *d);

static void field_free_desc(QvsField *f)
{
    if (f->desc) {
        desc_clear(f->desc);
        g_free(f->desc);
    }
}

static void desc_clear(QvsDesc *d)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        field_free_desc(&d->fields[i]);
    }
    g_free(d->fields);
    for (size_t i = 0; i < d->n_subsections; i++) {
        desc_clear(&d->subsections[i]);
    }
    g_free(d->subsections);
}

void qemu_vmstate_free(QemuVmstate *vs)
{
    if (!vs) {
        return;
    }
    for (size_t i = 0; i < vs->n_sections; i++) {
        if (vs->sections[i].desc) {
            desc_clear(vs->sections[i].desc);
            g_free(vs->sections[i].desc);
        }
    }
    g_free(vs->sections);
    if (vs->by_key) {
        g_hash_table_unref(vs->by_key);
    }
    if (vs->by_vmsd) {
        g_hash_table_unref(vs->by_vmsd);
    }
    qobject_unref(vs->root);
    g_free(vs);
}

bool qvs__bad(GError **errp, int code, const GString *path, const char *key,
              const char *what)
{
    g_set_error(errp, QVISIT_ERROR, code, "%s.%s: %s", path->str, key, what);
    return false;
}

bool qvs__get_str(const QDict *d, const char *key, const GString *path,
                  bool optional, const char **out, GError **errp)
{
    QObject *o = qdict_get(d, key);
    QString *s = qobject_to(QString, o);

    if (!o && optional) {
        *out = NULL;
        return true;
    }
    if (!s) {
        return qvs__bad(errp, o ? QVISIT_ERROR_TYPE : QVISIT_ERROR_MISSING,
                        path, key, o ? "expected a string" : "missing member");
    }
    *out = qstring_get_str(s);
    return true;
}

bool qvs__get_int(const QDict *d, const char *key, const GString *path,
                  bool optional, int64_t min, int64_t max, const char *what,
                  bool *present, int64_t *out, GError **errp)
{
    QObject *o = qdict_get(d, key);
    QNum *n = qobject_to(QNum, o);

    if (present) {
        *present = o != NULL;
    }
    if (!o && optional) {
        return true;
    }
    if (!o) {
        return qvs__bad(errp, QVISIT_ERROR_MISSING, path, key,
                        "missing member");
    }
    if (!n || qnum_is_double(n)) {
        return qvs__bad(errp, QVISIT_ERROR_TYPE, path, key, what);
    }
    /* A uint above INT64_MAX fails qnum_get_try_int(). */
    if (!qnum_get_try_int(n, out) || *out < min || *out > max) {
        return qvs__bad(errp, QVISIT_ERROR_RANGE, path, key, what);
    }
    return true;
}

static bool get_version(const QDict *d, const GString *path, QvsVersion *v,
                        GError **errp)
{
    return qvs__get_int(d, "version_id", path, false, INT64_MIN, INT64_MAX,
                        "expected an integer", NULL, &v->version_id,
                        errp) &&
           qvs__get_int(d, "minimum_version_id", path, true, INT64_MIN,
                        INT64_MAX, "expected an integer", &v->has_min,
                        &v->minimum_version_id, errp);
}

/* A member that must be an object or a list when present. */
static QObject *get_typed(const QDict *d, const char *key, QType type,
                          const GString *path, bool *ok, GError **errp)
{
    QObject *o = qdict_get(d, key);

    if (o && qobject_type(o) != type) {
        *ok = qvs__bad(errp, QVISIT_ERROR_TYPE, path, key,
                       type == QTYPE_QDICT ? "expected an object"
                                           : "expected an array");
        return NULL;
    }
    return o;
}

static bool load_desc(const QDict *d, GString *path, QvsDesc *out,
                      GError **errp);

static bool load_field(const QDict *d, GString *path, QvsField *out,
                       GError **errp)
{
    QObject *exists = qdict_get(d, "field_exists");
    QObject *desc;
    bool ok = true;

    out->dict = d;
    if (!qvs__get_str(d, "field", path, false, &out->name, errp) ||
        !get_version(d, path, &out->v, errp) ||
        !qvs__get_int(d, "size", path, false, 0, QVS_SIZE_MAX,
                      "expected an integer from 0 to 2^62", NULL, &out->size,
                      errp)) {
        return false;
    }
    if (!qobject_to(QBool, exists)) {
        return qvs__bad(errp,
                        exists ? QVISIT_ERROR_TYPE : QVISIT_ERROR_MISSING,
                        path, "field_exists",
                        exists ? "expected a boolean" : "missing member");
    }
    out->field_exists = qbool_get_bool(qobject_to(QBool, exists));
    desc = get_typed(d, "Description", QTYPE_QDICT, path, &ok, errp);
    if (!ok) {
        return false;
    }
    if (desc) {
        size_t mark = path->len;

        out->desc = g_new0(QvsDesc, 1);
        g_string_append(path, ".Description");
        ok = load_desc(qobject_to(QDict, desc), path, out->desc, errp);
        g_string_truncate(path, mark);
    }
    return ok;
}

bool qvs__load_list(const QDict *d, const char *key, GString *path,
                    size_t size, QvsItemLoader load, void **items, size_t *n,
                    GError **errp)
{
    QObject *o = qdict_get(d, key);
    QList *l = qobject_to(QList, o);
    size_t mark = path->len;
    bool ok = true;

    if (!o) {
        return true;
    }
    if (!l) {
        return qvs__bad(errp, QVISIT_ERROR_TYPE, path, key,
                        "expected an array");
    }
    *n = qlist_size(l);
    /* One byte for an empty list keeps "present" distinct from NULL. */
    *items = g_malloc0(*n ? *n * size : 1);
    for (size_t i = 0; i < *n && ok; i++) {
        QDict *item = qobject_to(QDict, qlist_get(l, i));

        g_string_append_printf(path, ".%s[%zu]", key, i);
        if (!item) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s: expected an object", path->str);
            ok = false;
        } else {
            ok = load(item, path, (char *)*items + i * size, errp);
        }
        g_string_truncate(path, mark);
    }
    return ok;
}

static bool load_field_item(const QDict *item, GString *path, void *out,
                            GError **errp)
{
    return load_field(item, path, out, errp);
}

static bool load_desc_item(const QDict *item, GString *path, void *out,
                           GError **errp)
{
    return load_desc(item, path, out, errp);
}

static bool load_desc(const QDict *d, GString *path, QvsDesc *out,
                      GError **errp)
{
    void *fields = NULL, *subs = NULL;
    bool ok;

    out->dict = d;
    ok = qvs__get_str(d, "name", path, false, &out->name, errp) &&
         get_version(d, path, &out->v, errp);
    /* Whatever was allocated is attached before an error returns, so
     * desc_clear() frees it. */
    if (ok) {
        ok = qvs__load_list(d, "Fields", path, sizeof(QvsField),
                            load_field_item, &fields, &out->n_fields, errp);
        out->fields = fields;
    }
    if (ok) {
        ok = qvs__load_list(d, "Subsections", path, sizeof(QvsDesc),
                            load_desc_item, &subs, &out->n_subsections,
                            errp);
        out->subsections = subs;
    }
    return ok;
}

static bool load_section(QemuVmstate *vs, const char *key, const QDict *d,
                         GError **errp)
{
    g_autoptr(GString) path = g_string_new(key);
    QvsSection *sec = &vs->sections[vs->n_sections];
    QObject *desc;
    GPtrArray *same;
    bool ok = true;

    sec->dict = d;
    sec->key = key;
    if (!get_version(d, path, &sec->v, errp)) {
        return false;
    }
    desc = get_typed(d, "Description", QTYPE_QDICT, path, &ok, errp);
    if (!ok) {
        return false;
    }
    /* Counted before the description loads, so a failure frees it. */
    vs->n_sections++;
    g_hash_table_insert(vs->by_key, (gpointer)key, sec);
    if (!desc) {
        return true;
    }
    sec->desc = g_new0(QvsDesc, 1);
    g_string_append(path, ".Description");
    if (!load_desc(qobject_to(QDict, desc), path, sec->desc, errp)) {
        return false;
    }
    same = g_hash_table_lookup(vs->by_vmsd, sec->desc->name);
    if (!same) {
        same = g_ptr_array_new();
        g_hash_table_insert(vs->by_vmsd, (gpointer)sec->desc->name, same);
    }
    g_ptr_array_add(same, sec);
    return true;
}

static QemuVmstate *from_json(const char *text, gssize len,
                              const QVisitLimits *limits, GError **errp)
{
    g_autoptr(QemuVmstate) vs = NULL;
    QDict *root;

    vs = g_new0(QemuVmstate, 1);
    vs->root = qobject_from_json_full(text, len, limits, errp);
    if (!vs->root) {
        return NULL;
    }
    root = qobject_to(QDict, vs->root);
    if (!root) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                    "(root): not a -dump-vmstate file: expected an object, "
                    "got %s", qobject_type_name(qobject_type(vs->root)));
        return NULL;
    }
    vs->sections = g_new0(QvsSection, qdict_size(root) + 1);
    vs->by_key = g_hash_table_new(g_str_hash, g_str_equal);
    vs->by_vmsd = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify)g_ptr_array_unref);
    for (const QDictEntry *e = qdict_first(root); e;
         e = qdict_next(root, e)) {
        const char *key = qdict_entry_key(e);
        QDict *d = qobject_to(QDict, qdict_entry_value(e));
        g_autoptr(GString) path = g_string_new(key);

        if (!d) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s: expected an object, got %s", key,
                        qobject_type_name(qobject_type(
                            qdict_entry_value(e))));
            return NULL;
        }
        if (!strcmp(key, QVS_MACHINE_KEY)) {
            if (!qvs__get_str(d, "Name", path, false, &vs->machine,
                              errp)) {
                return NULL;
            }
        } else if (!load_section(vs, key, d, errp)) {
            return NULL;
        }
    }
    return g_steal_pointer(&vs);
}

QemuVmstate *qemu_vmstate_from_json(const char *text, gssize len,
                                    const QVisitLimits *limits,
                                    GError **errp)
{
    GError *local = NULL;
    QemuVmstate *vs;

    g_return_val_if_fail(text != NULL || len == 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    /* Member names in messages come from the file: one line each. */
    vs = from_json(text, len, limits, &local);
    if (!vs) {
        qvs__escape_error(&local);
        g_propagate_error(errp, local);
    }
    return vs;
}

QemuVmstate *qemu_vmstate_load_path(const char *path,
                                    const QVisitLimits *limits,
                                    GError **errp)
{
    g_autoptr(GByteArray) text = g_byte_array_new();
    bool stdin_in;
    QemuVmstate *vs;
    int fd;
    bool ok;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    if (!limits) {
        limits = qvisit_limits_default();
    }
    stdin_in = !strcmp(path, "-");
    fd = stdin_in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        io__error(errp, path, "open", errno);
        return NULL;
    }
    ok = io__read_all(fd, text, limits->max_alloc, 0, path, errp);
    if (!stdin_in) {
        close(fd);
    }
    vs = ok ? qemu_vmstate_from_json((const char *)text->data, text->len,
                                     limits, errp)
            : NULL;
    if (!vs && ok) {
        g_prefix_error(errp, "%s: ", path);
    }
    if (!vs) {
        qvs__escape_error(errp);    /* the path, too */
    }
    return vs;
}

const char *qemu_vmstate_get_machine(const QemuVmstate *vs)
{
    g_return_val_if_fail(vs != NULL, NULL);
    return vs->machine;
}

size_t qemu_vmstate_get_n_sections(const QemuVmstate *vs)
{
    g_return_val_if_fail(vs != NULL, 0);
    return vs->n_sections;
}

const QvsSection *qvs__section(const QemuVmstate *vs, const char *key)
{
    return g_hash_table_lookup(vs->by_key, key);
}
