/*
 * qvisit compat-check OLD_SCHEMAS.json NEW_SCHEMAS.json [--transforms T]:
 * tells, before any migration, whether two releases can migrate both ways.
 *
 * For each device it lists what changed between the two schema files
 * (written by `qvisit schemas`), then checks each direction: a chain of
 * registered transforms must exist, and running it on the sample state of
 * one schema (compat_schema_sample()) must give exactly the other schema's
 * layout (compat_schema_check()). The output and the rename heuristic are
 * documented in docs/compat-authors.md.
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-compat.h"
#include "tools/cli.h"

/* One device entry of a schemas file; pointers borrowed from the file. */
typedef struct DeviceSchema {
    const char *id;
    uint32_t version;
    uint32_t minimum_version;
    QObject *schema;
    uint32_t minimum_walk_version;  /* 0: the walk reads only version */
    QList *layouts;     /* {version, schema} of the versions it reads */
} DeviceSchema;

typedef struct SchemaFile {
    QObject *root;
    GArray *devices;            /* of DeviceSchema */
} SchemaFile;

static void schema_file_free(SchemaFile *f)
{
    if (f) {
        qobject_unref(f->root);
        if (f->devices) {
            g_array_free(f->devices, true);
        }
        g_free(f);
    }
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SchemaFile, schema_file_free)

static void check_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit compat-check OLD_SCHEMAS.json NEW_SCHEMAS.json\n"
            "                           [--transforms builtin|none|PLUGIN.so]\n"
            "                           [--builtin] [--without DEVICE:FROM:TO]...\n"
            "       qvisit compat-check --qemu-vmstate SRC.json DST.json "
            "[--reverse]\n"
            "\n"
            "Compares two releases' schema files (see 'qvisit schemas') and\n"
            "checks that the registered transforms migrate every device\n"
            "both ways. --transforms builtin (the default) uses the example\n"
            "devices' transforms, none uses no transforms at all, and a\n"
            "path to a shared object loads a transform plugin (see\n"
            "docs/compat-authors.md); with a plugin, --builtin adds the\n"
            "example devices' transforms too.\n"
            "--without drops one registered step (e.g. serial:3:2) to\n"
            "see what breaks without it.\n"
            "--qemu-vmstate compares two QEMU -dump-vmstate files as\n"
            "scripts/vmstate-static-checker.py does (see\n"
            "'qvisit compat-check --qemu-vmstate --help').\n"
            "Exit status: 0 compatible, 1 a migration would fail or a file\n"
            "is bad, 2 usage error.\n\n");
    cli_limits_print_help(out);
}

static bool get_u32(QDict *d, const char *key, const char *where,
                    uint32_t *out, GError **errp)
{
    QNum *n = qobject_to(QNum, qdict_get(d, key));
    uint64_t u;

    if (!n || qnum_is_double(n) || !qnum_get_try_uint(n, &u) ||
        u > UINT32_MAX) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "%s.%s: expected u32", where, key);
        return false;
    }
    *out = u;
    return true;
}

/*
 * A device id is a section id: 1..255 bytes of printable ASCII, as every
 * stream format requires (docs/formats.md, "Section ids"). So the ids this
 * command prints are safe on a terminal.
 */
static bool check_id(const char *id, const char *where, GError **errp)
{
    size_t len = strlen(id);

    if (len > 255) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                    "%s.id: %zu bytes exceed 255", where, len);
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = id[i];

        if (c < 0x20 || c > 0x7e) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                        "%s.id: byte 0x%02x at %zu is not printable", where,
                        c, i);
            return false;
        }
    }
    return true;
}

/* Reads and checks a whole schemas file; errors name the JSON path. */
static SchemaFile *schema_file_load(const char *path,
                                    const QVisitLimits *limits,
                                    GError **errp)
{
    g_autoptr(SchemaFile) f = g_new0(SchemaFile, 1);
    g_autoptr(GByteArray) text = cli_input_read(path, CLI_INPUT_JSON, errp);
    QDict *top;
    QList *devices;
    QString *format;

    if (!text) {
        return NULL;
    }
    f->root = qobject_from_json_full((const char *)text->data, text->len,
                                     limits, errp);
    if (!f->root) {
        return NULL;
    }
    top = qobject_to(QDict, f->root);
    format = top ? qobject_to(QString, qdict_get(top, "format")) : NULL;
    if (!format || strcmp(qstring_get_str(format), "qvisit-schemas")) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                    "format: not a qvisit-schemas file");
        return NULL;
    }
    devices = qobject_to(QList, qdict_get(top, "devices"));
    if (!devices) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "devices: expected array");
        return NULL;
    }
    f->devices = g_array_new(false, true, sizeof(DeviceSchema));
    for (size_t i = 0; i < qlist_size(devices); i++) {
        g_autofree char *where = g_strdup_printf("devices[%zu]", i);
        QDict *d = qobject_to(QDict, qlist_get(devices, i));
        QString *id = d ? qobject_to(QString, qdict_get(d, "id")) : NULL;
        g_autoptr(QObject) sample = NULL;
        DeviceSchema ds = { 0 };

        if (!id || !*qstring_get_str(id)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s.id: expected non-empty string", where);
            return NULL;
        }
        ds.id = qstring_get_str(id);
        if (!check_id(ds.id, where, errp)) {
            return NULL;
        }
        ds.schema = qdict_get(d, "schema");
        if (!get_u32(d, "version", where, &ds.version, errp) ||
            !get_u32(d, "minimum_version", where, &ds.minimum_version,
                     errp)) {
            return NULL;
        }
        if (!ds.schema) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                        "%s.schema: missing member", where);
            return NULL;
        }
        if (qdict_haskey(d, "minimum_walk_version") &&
            !get_u32(d, "minimum_walk_version", where,
                     &ds.minimum_walk_version, errp)) {
            return NULL;
        }
        ds.layouts = qobject_to(QList, qdict_get(d, "layouts"));
        if (qdict_haskey(d, "layouts") && !ds.layouts) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s.layouts: expected array", where);
            return NULL;
        }
        /* The sample walks the whole schema: a bad node fails here. */
        sample = compat_schema_sample_full(ds.schema, limits, errp);
        if (!sample) {
            g_prefix_error(errp, "%s.schema: ", where);
            return NULL;
        }
        if (!qobject_to(QDict, sample)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s.schema: a device's root must be a struct",
                        where);
            return NULL;
        }
        for (guint j = 0; j < f->devices->len; j++) {
            if (!strcmp(g_array_index(f->devices, DeviceSchema, j).id,
                        ds.id)) {
                g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                            "%s.id: duplicate device '%s'", where, ds.id);
                return NULL;
            }
        }
        g_array_append_val(f->devices, ds);
    }
    return g_steal_pointer(&f);
}

static const DeviceSchema *find_device(const SchemaFile *f, const char *id)
{
    for (guint i = 0; i < f->devices->len; i++) {
        const DeviceSchema *d = &g_array_index(f->devices, DeviceSchema, i);

        if (!strcmp(d->id, id)) {
            return d;
        }
    }
    return NULL;
}

/* --- Layout differences ------------------------------------------------ */

/* One difference: "retyped", "regs[]", "u16 → u32". */
typedef struct Change {
    const char *what;
    char *path;
    char *detail;
} Change;

typedef struct Diff {
    GArray *changes;            /* of Change, in discovery order */
} Diff;

static void change_clear(gpointer p)
{
    Change *c = p;

    g_free(c->path);
    g_free(c->detail);
}

static void diff_add(Diff *d, const char *what, const char *path,
                     const char *detail)
{
    Change c = { what, g_strdup(path), g_strdup(detail) };

    g_array_append_val(d->changes, c);
}

/* "retyped dll: u8 → u16", "renamed? a → b"; member and type names come
 * from the schema files, so the text is escaped. */
static char *change_text(const Change *c, bool pad)
{
    const char *sep = g_str_has_prefix(c->what, "renamed") ? " " : ": ";
    g_autofree char *text = g_strdup_printf("%-*s %s%s%s", pad ? 9 : 0,
                                            c->what, c->path, sep,
                                            c->detail);

    return qvisit_error_escape(text, -1);
}

static const char *node_type(const QObject *node)
{
    QDict *d = qobject_to(QDict, node);

    return qstring_get_str(qobject_to(QString, qdict_get(d, "type")));
}

static const char *member_name(QList *members, size_t i)
{
    QDict *m = qobject_to(QDict, qlist_get(members, i));

    return qstring_get_str(qobject_to(QString, qdict_get(m, "name")));
}

static uint64_t node_length(const QObject *node)
{
    QNum *n = qobject_to(QNum, qdict_get(qobject_to(QDict, node), "length"));
    uint64_t u = 0;

    qnum_get_try_uint(n, &u);
    return u;
}

/* A member's node without its name and optional flag: its pure type. */
static QObject *type_only(const QObject *node)
{
    QDict *copy = qobject_to(QDict, qobject_clone(node));

    qdict_del(copy, "name");
    qdict_del(copy, "optional");
    qdict_del(copy, "config");
    return QOBJECT(copy);
}

static gssize member_index(QList *members, const char *name)
{
    for (size_t i = 0; i < qlist_size(members); i++) {
        if (!strcmp(member_name(members, i), name)) {
            return i;
        }
    }
    return -1;
}

static char *join(const char *path, const char *name)
{
    return *path ? g_strdup_printf("%s.%s", path, name) : g_strdup(name);
}

static void diff_node(Diff *d, const QObject *o, const QObject *n,
                      const char *path);

/*
 * Pairs removed and added members of one struct as renames: same type and
 * the same position (same index, or the same member before it) is a
 * rename; same type elsewhere is reported as "renamed?".
 */
static void diff_struct(Diff *d, QList *om, QList *nm, const char *path)
{
    g_autofree bool *paired = g_new0(bool, qlist_size(nm) + 1);

    for (size_t i = 0; i < qlist_size(om); i++) {
        const char *name = member_name(om, i);
        gssize j = member_index(nm, name);
        g_autofree char *p = join(path, name);

        if (j >= 0) {
            paired[j] = true;
            diff_node(d, qlist_get(om, i), qlist_get(nm, j), p);
        }
    }
    for (size_t i = 0; i < qlist_size(om); i++) {
        const char *name = member_name(om, i);
        g_autoptr(QObject) ot = type_only(qlist_get(om, i));
        g_autofree char *p = join(path, name);
        gssize best = -1;
        bool sure = false;

        if (member_index(nm, name) >= 0) {
            continue;
        }
        for (size_t j = 0; j < qlist_size(nm) && !sure; j++) {
            g_autoptr(QObject) nt = NULL;
            bool same_prev;

            if (paired[j]) {
                continue;
            }
            nt = type_only(qlist_get(nm, j));
            if (!qobject_is_equal(ot, nt)) {
                continue;
            }
            same_prev = i > 0 && j > 0 &&
                        !strcmp(member_name(om, i - 1), member_name(nm, j - 1));
            sure = i == j || same_prev;
            if (best < 0 || sure) {
                best = j;
            }
        }
        if (best >= 0) {
            g_autofree char *to = g_strdup_printf(
                "→ %s", member_name(nm, best));

            paired[best] = true;
            diff_add(d, sure ? "renamed" : "renamed?", p, to);
        } else {
            diff_add(d, "removed", p, node_type(qlist_get(om, i)));
        }
    }
    for (size_t j = 0; j < qlist_size(nm); j++) {
        if (!paired[j]) {
            g_autofree char *p = join(path, member_name(nm, j));

            diff_add(d, "added", p, node_type(qlist_get(nm, j)));
        }
    }
}

/* Root and element nodes are not checked for "optional": read it safely. */
static bool is_optional(QDict *node)
{
    QBool *b = qobject_to(QBool, qdict_get(node, "optional"));

    return b && qbool_get_bool(b);
}

static void diff_node(Diff *d, const QObject *o, const QObject *n,
                      const char *path)
{
    QDict *od = qobject_to(QDict, o), *nd = qobject_to(QDict, n);
    const char *ot = node_type(o), *nt = node_type(n);
    bool oopt = is_optional(od), nopt = is_optional(nd);

    if (oopt != nopt) {
        diff_add(d, "optional", path, nopt ? "now optional" : "now required");
    }
    if (strcmp(ot, nt)) {
        g_autofree char *detail = g_strdup_printf("%s → %s", ot, nt);

        diff_add(d, "retyped", path, detail);
        return;
    }
    if ((!strcmp(ot, "array") || !strcmp(ot, "buffer")) &&
        node_length(o) != node_length(n)) {
        g_autofree char *detail = g_strdup_printf(
            "%" G_GUINT64_FORMAT " → %" G_GUINT64_FORMAT, node_length(o),
            node_length(n));

        diff_add(d, "resized", path, detail);
    }
    if (!strcmp(ot, "array") && qdict_get(od, "element") &&
        qdict_get(nd, "element")) {
        g_autofree char *p = g_strdup_printf("%s[]", path);

        diff_node(d, qdict_get(od, "element"), qdict_get(nd, "element"), p);
    }
    if (!strcmp(ot, "struct")) {
        diff_struct(d, qobject_to(QList, qdict_get(od, "members")),
                    qobject_to(QList, qdict_get(nd, "members")), path);
    }
}

/* --- Coverage ---------------------------------------------------------- */

/*
 * Checks one direction: a chain exists and turns the sample of @from into
 * exactly @to's layout. Prints one line; returns false on a problem.
 */
static bool check_direction(CompatRegistry *r, const char *label,
                            const DeviceSchema *from, const DeviceSchema *to)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) sample = compat_schema_sample_full(from->schema,
                                                          cli_limits(), NULL);
    g_autofree uint32_t *chain = NULL;
    g_autoptr(GString) via = g_string_new(NULL);
    size_t n = 0;

    chain = compat_find_chain(r, from->id, from->version, to->version, &n,
                              &err);
    if (!chain) {
        printf("  %s: error: %s\n", label, err->message);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(via, "%sv%u", i ? "→" : "", chain[i]);
    }
    /* A failing step names itself ("e1000 v2→v3: ..."). */
    if (!compat_convert(r, from->id, qobject_to(QDict, sample),
                        from->version, to->version, &err)) {
        printf("  %s: error: %s\n", label, err->message);
        return false;
    }
    if (!compat_schema_check_full(to->schema, sample, cli_limits(), &err)) {
        printf("  %s: error: %s: %s\n", label, from->id, err->message);
        return false;
    }
    printf("  %s: ok%s%s\n", label, n > 1 ? " via " : "",
           n > 1 ? via->str : "");
    return true;
}

/*
 * Prints, once each, what compat-check cannot see in either schema of a
 * device: warnings, which do not change the result.
 */
static void warn_unseen(const DeviceSchema *o, const DeviceSchema *n)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    cli_schema_unseen(o->schema, lines);
    cli_schema_unseen(n->schema, lines);
    for (guint i = 0; i < lines->len; i++) {
        printf("  warning: %s: %s\n", o->id, (char *)lines->pdata[i]);
    }
}

/*
 * The layout of version @version that @d's walk reads through its version
 * gates (the file's "layouts"), or NULL.
 */
static QObject *walked_layout(const DeviceSchema *d, uint32_t version)
{
    if (!d->minimum_walk_version || version < d->minimum_walk_version ||
        version >= d->version) {
        return NULL;
    }
    for (size_t i = 0; d->layouts && i < qlist_size(d->layouts); i++) {
        QDict *l = qobject_to(QDict, qlist_get(d->layouts, i));
        QNum *ver = l ? qobject_to(QNum, qdict_get(l, "version")) : NULL;
        uint64_t v;

        if (ver && qnum_get_try_uint(ver, &v) && v == version) {
            return qdict_get(l, "schema");
        }
    }
    return NULL;
}

/*
 * The old→new direction when the new walk reads the old version itself
 * (version gates, MigrationDeviceInfo.minimum_walk_version): no chain,
 * the old layout must be the new walk's layout of that version.
 */
static bool check_walked(const char *label, const DeviceSchema *from,
                         const DeviceSchema *to, QObject *layout)
{
    Diff diff = { g_array_new(false, false, sizeof(Change)) };
    bool ok = true;

    /* The layouts must be the same, widths included: a sample of zeros
     * would fit a narrower integer too. */
    g_array_set_clear_func(diff.changes, change_clear);
    diff_node(&diff, from->schema, layout, "");
    if (diff.changes->len) {
        g_autofree char *first = change_text(
            &g_array_index(diff.changes, Change, 0), false);

        printf("  %s: error: %s: the v%u walk reads v%u otherwise: %s\n",
               label, from->id, to->version, from->version, first);
        ok = false;
    } else {
        printf("  %s: ok, read by the v%u walk's version gates\n", label,
               to->version);
    }
    g_array_free(diff.changes, true);
    return ok;
}

/* Reports one device present in both files; returns its problem count. */
static unsigned check_device(CompatRegistry *r, const DeviceSchema *o,
                             const DeviceSchema *n)
{
    Diff diff = { g_array_new(false, false, sizeof(Change)) };
    unsigned problems = 0;
    g_autofree char *first = NULL;

    g_array_set_clear_func(diff.changes, change_clear);
    diff_node(&diff, o->schema, n->schema, "");
    if (o->version == n->version) {
        printf("%s: v%u, %s\n", o->id, o->version,
               diff.changes->len ? "version not bumped" : "unchanged");
    } else {
        printf("%s: v%u → v%u%s\n", o->id, o->version, n->version,
               diff.changes->len ? "" : ", layout unchanged");
    }
    for (guint i = 0; i < diff.changes->len; i++) {
        g_autofree char *text = change_text(
            &g_array_index(diff.changes, Change, i), true);

        printf("  %s\n", text);
    }
    warn_unseen(o, n);
    if (o->version == n->version) {
        if (diff.changes->len) {
            first = change_text(&g_array_index(diff.changes, Change, 0),
                                false);
            printf("  error: %s: layout changed without a version bump "
                   "(v%u): %s\n", o->id, o->version, first);
            problems++;
        }
    } else {
        QObject *walked = o->version < n->version
                              ? walked_layout(n, o->version) : NULL;
        QObject *walked_back = n->version < o->version
                                   ? walked_layout(o, n->version) : NULL;

        problems += walked ? !check_walked("old→new", o, n, walked)
                           : !check_direction(r, "old→new", o, n);
        problems += walked_back
                        ? !check_walked("new→old", n, o, walked_back)
                        : !check_direction(r, "new→old", n, o);
    }
    g_array_free(diff.changes, true);
    return problems;
}

/* Applies one --without DEVICE:FROM:TO. */
static bool drop_step(CompatRegistry *r, const char *spec, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(spec, ":", -1);
    guint64 from, to;

    if (g_strv_length(parts) != 3 || !*parts[0] ||
        !g_ascii_string_to_unsigned(parts[1], 10, 0, UINT32_MAX, &from,
                                    NULL) ||
        !g_ascii_string_to_unsigned(parts[2], 10, 0, UINT32_MAX, &to,
                                    NULL)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "--without expects DEVICE:FROM:TO, got '%s'", spec);
        return false;
    }
    return compat_unregister(r, parts[0], from, to, errp);
}

int cmd_compat_check(int argc, char **argv)
{
    const char *paths[2] = { NULL, NULL };
    const char *transforms = "builtin";
    bool builtin = false;
    g_autoptr(GPtrArray) without = g_ptr_array_new();
    g_autoptr(SchemaFile) old_file = NULL;
    g_autoptr(SchemaFile) new_file = NULL;
    SchemaFile *files[2];
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(GError) err = NULL;
    unsigned problems = 0, npaths = 0;
    const QVisitLimits *limits = cli_limits();

    if (cli_compat_check_is_qemu(argc, argv)) {
        return cli_compat_check_qemu(argc, argv);
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            check_usage(stdout);
            return CLI_EXIT_OK;
        } else if ((!strcmp(argv[i], "--transforms") ||
                    !strcmp(argv[i], "--without")) && i + 1 >= argc) {
            cli_error("compat-check: %s needs a value", argv[i]);
            return CLI_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--transforms")) {
            transforms = argv[++i];
        } else if (!strcmp(argv[i], "--builtin")) {
            builtin = true;
        } else if (!strcmp(argv[i], "--without")) {
            g_ptr_array_add(without, argv[++i]);
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("compat-check: unknown option '%s'", argv[i]);
            check_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (npaths < 2) {
            paths[npaths++] = argv[i];
        } else {
            cli_error("compat-check: unexpected argument '%s'", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (npaths != 2) {
        cli_error("compat-check: expected OLD_SCHEMAS.json and "
                  "NEW_SCHEMAS.json");
        check_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(paths[0], "-") && !strcmp(paths[1], "-")) {
        cli_error("compat-check: only one input can be standard input");
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(transforms, "builtin") ||
        (builtin && cli_is_plugin_path(transforms))) {
        if (!example_compat_register(r, &err)) {
            cli_error("compat-check: %s", err->message);
            return CLI_EXIT_FAILURE;
        }
    }
    if (cli_is_plugin_path(transforms)) {
        if (!cli_load_compat_plugin(transforms, r, &err)) {
            cli_error("compat-check: %s", err->message);
            return CLI_EXIT_FAILURE;
        }
    } else if (strcmp(transforms, "builtin") && strcmp(transforms, "none")) {
        cli_error("compat-check: --transforms must be builtin, none or a "
                  "plugin path, got '%s'", transforms);
        return CLI_EXIT_USAGE;
    }
    for (guint i = 0; i < without->len; i++) {
        if (!drop_step(r, without->pdata[i], &err)) {
            cli_error("compat-check: %s", err->message);
            return err->code == QVISIT_ERROR_INVALID ? CLI_EXIT_USAGE
                                                     : CLI_EXIT_FAILURE;
        }
    }
    old_file = schema_file_load(paths[0], limits, &err);
    new_file = old_file ? schema_file_load(paths[1], limits, &err) : NULL;
    if (!new_file) {
        cli_error("compat-check: %s: %s", paths[old_file ? 1 : 0],
                  err->message);
        return CLI_EXIT_FAILURE;
    }
    files[0] = old_file;
    files[1] = new_file;
    for (guint i = 0; i < files[0]->devices->len; i++) {
        const DeviceSchema *o = &g_array_index(files[0]->devices,
                                               DeviceSchema, i);
        const DeviceSchema *n = find_device(files[1], o->id);

        if (!n) {
            printf("%s: v%u, removed\n  error: %s: not in %s: old→new "
                   "migration would fail on an unknown section\n", o->id,
                   o->version, o->id, paths[1]);
            problems++;
            continue;
        }
        problems += check_device(r, o, n);
    }
    for (guint i = 0; i < files[1]->devices->len; i++) {
        const DeviceSchema *n = &g_array_index(files[1]->devices,
                                               DeviceSchema, i);

        if (!find_device(files[0], n->id)) {
            printf("%s: v%u, added\n  error: %s: not in %s: new→old "
                   "migration would fail on an unknown section\n", n->id,
                   n->version, n->id, paths[0]);
            problems++;
        }
    }
    if (problems) {
        printf("result: %u problem%s\n", problems, problems == 1 ? "" : "s");
        cli_error("compat-check: %u problem%s found", problems,
                  problems == 1 ? "" : "s");
        return CLI_EXIT_FAILURE;
    }
    printf("result: compatible both ways\n");
    return CLI_EXIT_OK;
}
