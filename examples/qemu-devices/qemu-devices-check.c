/*
 * `qvisit check --qemu STREAM --layouts builtin`: compares the vmdesc a
 * stream carries with what the built-in devices write for the same
 * state. Each device section is decoded through the vmdesc, walked back
 * through the device's walk into the codec's vmdesc visitor, and the two
 * descriptions are compared entry by entry: field names and order,
 * element counts, sizes (of one element, nested subsections included),
 * nested structs, subsection names and versions; and the section's
 * vmsd name and version against the descriptor's. Type names are not
 * compared: the walk knows visit calls (u32, buffer), QEMU's vmdesc
 * VMStateInfo names ("uint32 equal", "unused_buffer", "timer"), which
 * encode the same bytes.
 */
#include "examples/qemu-devices/qemu-devices.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

/* One element of a field list: a field entry unfolded per element. */
typedef struct Item {
    const char *name;
    int64_t index;          /* -1: not an array element */
    int64_t size;
    const QDict *vmsd;      /* a struct's nested description, or NULL */
} Item;

static const char *dict_str(const QDict *d, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(d, key));

    return s ? qstring_get_str(s) : NULL;
}

static int64_t dict_int(const QDict *d, const char *key, int64_t def)
{
    QNum *n = qobject_to(QNum, qdict_get(d, key));
    int64_t v;

    return n && qnum_get_try_int(n, &v) ? v : def;
}

/* Unfolds @fields ("array_len" entries become one item per element). */
static GArray *unfold(const QList *fields)
{
    GArray *items = g_array_new(false, false, sizeof(Item));

    for (size_t i = 0; fields && i < qlist_size(fields); i++) {
        const QDict *fd = qobject_to(QDict, qlist_get(fields, i));
        Item it;
        int64_t n;

        if (!fd) {
            continue;
        }
        it.name = dict_str(fd, "name");
        it.size = dict_int(fd, "size", -1);
        it.vmsd = qobject_to(QDict, qdict_get(fd, "struct"));
        if (!it.vmsd && qdict_haskey(fd, "fields")) {
            it.vmsd = fd;   /* tmp / vstruct: the fields inline */
        }
        n = dict_int(fd, "array_len", -1);
        it.index = dict_int(fd, "index", -1);
        if (n < 0) {
            g_array_append_val(items, it);
            continue;
        }
        for (int64_t k = 0; k < n; k++) {
            it.index = k;
            g_array_append_val(items, it);
        }
    }
    return items;
}

static void item_path(GString *path, const Item *it)
{
    g_string_append_printf(path, ".%s", it->name ? it->name : "?");
    if (it->index >= 0) {
        g_string_append_printf(path, "[%" PRId64 "]", it->index);
    }
}

static bool compare_vmsd(const QDict *stream, const QDict *walk,
                         GString *path, GString *why);

/* Compares two subsection lists, in order. */
static bool compare_subsections(const QList *stream, const QList *walk,
                                GString *path, GString *why)
{
    size_t ns = stream ? qlist_size(stream) : 0;
    size_t nw = walk ? qlist_size(walk) : 0;

    for (size_t i = 0; i < MAX(ns, nw); i++) {
        const QDict *s = i < ns ? qobject_to(QDict, qlist_get(stream, i))
                                : NULL;
        const QDict *w = i < nw ? qobject_to(QDict, qlist_get(walk, i))
                                : NULL;
        const char *sn = s ? dict_str(s, "vmsd_name") : NULL;
        const char *wn = w ? dict_str(w, "vmsd_name") : NULL;
        size_t mark = path->len;

        if (!s || !w || g_strcmp0(sn, wn) != 0) {
            g_string_printf(why, "subsection: %s: subsection %s%s%s in the "
                            "stream, %s%s%s in the built-in layout",
                            path->str, sn ? "\"" : "", sn ? sn : "none",
                            sn ? "\"" : "", wn ? "\"" : "",
                            wn ? wn : "none", wn ? "\"" : "");
            return false;
        }
        g_string_append_printf(path, ".%s", sn);
        if (dict_int(s, "version", -1) != dict_int(w, "version", -1)) {
            g_string_printf(why, "version: %s: subsection version %" PRId64
                            " in the stream, %" PRId64 " in the built-in "
                            "layout", path->str, dict_int(s, "version", -1),
                            dict_int(w, "version", -1));
            return false;
        }
        if (!compare_vmsd(s, w, path, why)) {
            return false;
        }
        g_string_truncate(path, mark);
    }
    return true;
}

/* Compares the fields and subsections of two descriptions. */
static bool compare_vmsd(const QDict *stream, const QDict *walk,
                         GString *path, GString *why)
{
    g_autoptr(GArray) si = unfold(qobject_to(QList,
                                             qdict_get(stream, "fields")));
    g_autoptr(GArray) wi = unfold(qobject_to(QList,
                                             qdict_get(walk, "fields")));

    for (guint i = 0; i < MAX(si->len, wi->len); i++) {
        const Item *s = i < si->len ? &g_array_index(si, Item, i) : NULL;
        const Item *w = i < wi->len ? &g_array_index(wi, Item, i) : NULL;
        size_t mark = path->len;

        if (!s || !w) {
            g_string_printf(why, "field: %s: %s%s%s after %u fields",
                            path->str,
                            s ? "the stream has field \""
                              : "the built-in layout has field \"",
                            (s ? s : w)->name ? (s ? s : w)->name : "?",
                            s ? "\", the built-in layout no more"
                              : "\", the stream no more",
                            i);
            return false;
        }
        item_path(path, s);
        if (g_strcmp0(s->name, w->name) != 0 || s->index != w->index) {
            g_string_printf(why, "field: %s: the built-in layout has \"%s\""
                            " here", path->str, w->name ? w->name : "?");
            if (w->index >= 0) {
                g_string_append_printf(why, "[%" PRId64 "]", w->index);
            }
            return false;
        }
        if (s->size != w->size) {
            g_string_printf(why, "size: %s: size %" PRId64 " in the stream, "
                            "%" PRId64 " in the built-in layout", path->str,
                            s->size, w->size);
            return false;
        }
        if ((s->vmsd != NULL) != (w->vmsd != NULL)) {
            g_string_printf(why, "struct: %s: a %s in the stream, a %s in "
                            "the built-in layout", path->str,
                            s->vmsd ? "struct" : "plain field",
                            w->vmsd ? "struct" : "plain field");
            return false;
        }
        if (s->vmsd && !compare_vmsd(s->vmsd, w->vmsd, path, why)) {
            return false;
        }
        g_string_truncate(path, mark);
    }
    return compare_subsections(qobject_to(QList,
                                          qdict_get(stream, "subsections")),
                               qobject_to(QList,
                                          qdict_get(walk, "subsections")),
                               path, why);
}

/* The record of section @idstr instance @inst in the dump's records. */
static const QDict *find_record(const QList *records, const char *idstr,
                                int64_t inst)
{
    for (size_t i = 0; records && i < qlist_size(records); i++) {
        const QDict *r = qobject_to(QDict, qlist_get(records, i));

        if (r && !g_strcmp0(dict_str(r, "type"), "FULL") &&
            !g_strcmp0(dict_str(r, "idstr"), idstr) &&
            dict_int(r, "instance_id", -1) == inst) {
            return r;
        }
    }
    return NULL;
}

/* Whether any descriptor has @idstr's name, whatever its versions. */
static const QemuDevice *any_version(const char *idstr)
{
    const QemuDevice *const *all;
    const char *slash = strrchr(idstr, '/');
    const char *name = slash ? slash + 1 : idstr;
    size_t n;

    all = qemu_devices_list(&n);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(all[i]->name, name)) {
            return all[i];
        }
    }
    return NULL;
}

/*
 * Appends one line to @lines. Names in it (idstr, vmsd and field names)
 * come from the stream's vmdesc: the line is escaped, so that it stays
 * one line and carries no terminal control sequence.
 */
static void G_GNUC_PRINTF(2, 3) add_line(GPtrArray *lines, const char *fmt,
                                         ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(lines, qvisit_error_escape(text, -1));
}

/* Checks one vmdesc device entry; appends its line to @lines. */
static QemuDevicesCheck check_device(const QDict *entry,
                                     const QList *records, GPtrArray *lines)
{
    const char *idstr = dict_str(entry, "name");
    int64_t inst = dict_int(entry, "instance_id", 0);
    int64_t version = dict_int(entry, "version", -1);
    const char *vmsd_name = dict_str(entry, "vmsd_name");
    g_autofree char *who = inst ? g_strdup_printf("%s#%" PRId64, idstr, inst)
                                : g_strdup(idstr);
    const QDict *rec = find_record(records, idstr, inst);
    QDict *state = rec ? qobject_to(QDict, qdict_get(rec, "state")) : NULL;
    const QemuDevice *dev;
    g_autoptr(QList) fields = NULL;
    g_autoptr(QList) subs = NULL;
    g_autoptr(QDict) walk = NULL;
    g_autoptr(GString) path = NULL;
    g_autoptr(GString) why = NULL;
    g_autoptr(GError) err = NULL;

    if (!vmsd_name || version < 0 || version > UINT32_MAX) {
        add_line(lines,
            "unchecked: %s: saved without a vmsd (no fields to compare)",
            who);
        return QEMU_DEVICES_CHECK_UNCHECKED;
    }
    dev = qemu_devices_find(idstr, (uint32_t)version);
    if (!dev) {
        const QemuDevice *other = any_version(idstr);

        if (!other) {
            add_line(lines, "unchecked: %s: no built-in layout", who);
            return QEMU_DEVICES_CHECK_UNCHECKED;
        }
        add_line(lines,
            "differs: version: %s: version %" PRId64 " is outside the "
            "built-in layout's %" PRIu32 "..%" PRIu32, who, version,
            other->minimum_version, other->version);
        return QEMU_DEVICES_CHECK_DIFFERS;
    }
    if (strcmp(vmsd_name, dev->vmsd_name) != 0) {
        add_line(lines,
            "differs: vmsd-name: %s: vmsd \"%s\" in the stream, \"%s\" in "
            "the built-in layout", who, vmsd_name, dev->vmsd_name);
        return QEMU_DEVICES_CHECK_DIFFERS;
    }
    if (!state ||
        !qemu_device_describe(dev, idstr, (uint32_t)version, state, &fields,
                              &subs, &err)) {
        add_line(lines,
            "differs: walk: %s: the built-in walk does not read the "
            "vmdesc's decode: %s", who,
            err ? err->message : "no decoded state");
        return QEMU_DEVICES_CHECK_DIFFERS;
    }
    walk = qdict_new();
    qdict_put_obj(walk, "fields", QOBJECT(g_steal_pointer(&fields)));
    if (subs) {
        qdict_put_obj(walk, "subsections", QOBJECT(g_steal_pointer(&subs)));
    }
    path = g_string_new(who);
    why = g_string_new(NULL);
    if (!compare_vmsd(entry, walk, path, why)) {
        add_line(lines, "differs: %s", why->str);
        return QEMU_DEVICES_CHECK_DIFFERS;
    }
    add_line(lines,
        "ok: %s: vmsd \"%s\" version %" PRId64 " matches the built-in "
        "layout", who, vmsd_name, version);
    return QEMU_DEVICES_CHECK_OK;
}

GPtrArray *qemu_devices_check_stream(const char *path,
                                     const QVisitLimits *limits,
                                     unsigned counts[3], GError **errp)
{
    g_autoptr(QObject) dump = NULL;
    g_autoptr(QObject) vmdesc = NULL;
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    QemuStreamOptions opts;
    const char *text;
    QList *devices, *records;

    g_return_val_if_fail(path != NULL && counts != NULL, NULL);
    qemu_stream_options_init(&opts);
    opts.limits = limits;
    dump = qemu_stream_dump_path(path, &opts, errp);
    if (!dump) {
        return NULL;
    }
    text = dict_str(qobject_to(QDict, dump), "vmdesc");
    if (!text) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                    "vmdesc: the stream has no description to check");
        return NULL;
    }
    vmdesc = qobject_from_json_full(text, -1, limits, errp);
    if (!vmdesc) {
        g_prefix_error(errp, "vmdesc: ");
        return NULL;
    }
    /* The dump read it: it has its "devices" list. */
    devices = qobject_to(QList, qdict_get(qobject_to(QDict, vmdesc),
                                          "devices"));
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    counts[0] = counts[1] = counts[2] = 0;
    for (size_t i = 0; devices && i < qlist_size(devices); i++) {
        const QDict *entry = qobject_to(QDict, qlist_get(devices, i));

        if (entry) {
            counts[check_device(entry, records, lines)]++;
        }
    }
    return g_steal_pointer(&lines);
}
