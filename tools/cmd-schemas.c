/*
 * qvisit schemas --release N [OUT]: writes the schema of every example
 * device of one simulated release to one JSON file (format in
 * docs/formats.md, "Schema description"), for `qvisit compat-check`.
 * With --devices PLUGIN.so, the plugin's devices instead (the newest
 * layout of each), plus the example devices with --builtin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-devices.h"
#include "tools/cli.h"

static void schemas_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit schemas --release N [OUT]\n"
            "       qvisit schemas --devices PLUGIN.so... [--builtin "
            "--release N] [OUT]\n"
            "\n"
            "Describes every example device of release N (1..%d) with the\n"
            "describe visitor and writes their schemas as one JSON file to\n"
            "OUT (default or '-': standard output).\n"
            "\n"
            "options:\n"
            "  --release N         the example devices' release; with a\n"
            "                      plugin only, just recorded in the file\n"
            "  --devices PLUGIN.so describe the plugin's devices (the\n"
            "                      newest layout of each) instead; may be\n"
            "                      repeated (docs/compat-authors.md)\n"
            "  --builtin           with --devices, describe the example\n"
            "                      devices of release N too\n"
            "  -h, --help          show this help\n"
            "\n"
            "exit status: 0 success, 1 bad plugin or failed write, "
            "2 usage error\n",
            EXAMPLE_RELEASE_MAX);
}

/* Describes layout @version of @info in its describe configuration (its
 * prepare hook with no live device), or on a zeroed state without one. */
static QObject *describe_device(const MigrationDeviceInfo *info,
                                uint32_t version, GError **errp)
{
    void *state = migration_device_scratch_new(info, NULL, errp);
    g_autoptr(Visitor) v = NULL;
    QObject *schema = NULL;
    bool ok;

    if (!state) {
        return NULL;
    }
    v = describe_visitor_new(&schema);
    visit_set_version(v, version);
    ok = info->visit(v, state, errp) && visit_complete(v, errp);
    migration_device_scratch_free(info, state);
    return ok ? schema : NULL;
}

/* Appends the describe entry of @info, or fails naming the device. */
static bool add_entry(QList *devices, const MigrationDeviceInfo *info,
                      GError **errp)
{
    g_autoptr(QDict) entry = qdict_new();
    QObject *schema = describe_device(info, info->version, errp);

    if (!schema) {
        g_prefix_error(errp, "%s v%u: ", info->id, info->version);
        return false;
    }
    qdict_put_str(entry, "id", info->id);
    qdict_put_uint(entry, "version", info->version);
    qdict_put_uint(entry, "minimum_version", info->minimum_version);
    qdict_put_obj(entry, "schema", schema);
    /* A walk that reads older versions itself (version gates): the
     * layout of each, for compat-check to compare older files with. */
    if (info->minimum_walk_version &&
        info->minimum_walk_version < info->version) {
        g_autoptr(QList) layouts = qlist_new();

        qdict_put_uint(entry, "minimum_walk_version",
                       info->minimum_walk_version);
        for (uint32_t ver = info->minimum_walk_version; ver < info->version;
             ver++) {
            g_autoptr(QDict) layout = qdict_new();
            QObject *old = describe_device(info, ver, errp);

            if (!old) {
                g_prefix_error(errp, "%s v%u: ", info->id, ver);
                return false;
            }
            qdict_put_uint(layout, "version", ver);
            qdict_put_obj(layout, "schema", old);
            qlist_append(layouts, g_steal_pointer(&layout));
        }
        qdict_put(entry, "layouts", g_steal_pointer(&layouts));
    }
    qlist_append(devices, g_steal_pointer(&entry));
    return true;
}

/*
 * The layouts to describe: the example devices of @release (0: none),
 * then the newest layout of each id of @plugins, in first-seen order.
 */
static GPtrArray *pick_devices(long release, const CliDevices *plugins,
                               GError **errp)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    const ExampleDevice *const *devs;
    size_t n = 0;

    devs = example_release_devices(release > 0 ? release : 0, &n);
    for (size_t i = 0; i < n; i++) {
        g_ptr_array_add(out, (gpointer)cli_example_schema(
            devs[i]->id, devs[i]->version, NULL));
    }
    for (size_t i = 0; plugins && i < cli_devices_count(plugins); i++) {
        const MigrationDeviceInfo *info = cli_devices_get(plugins, i);
        bool seen = false;

        for (guint j = 0; j < out->len; j++) {
            const MigrationDeviceInfo *o = out->pdata[j];

            if (strcmp(o->id, info->id)) {
                continue;
            }
            if (j < n) {
                g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                            "device '%s' is both built in and in a plugin",
                            info->id);
                return NULL;
            }
            if (info->version > o->version) {
                out->pdata[j] = (gpointer)info;
            }
            seen = true;
        }
        if (!seen) {
            g_ptr_array_add(out, (gpointer)info);
        }
    }
    return g_steal_pointer(&out);
}

/*
 * Builds the whole schemas document: the example devices of @release when
 * @builtin, and @plugins' devices. @release < 0 is not recorded.
 */
static QDict *release_schemas(long release, bool builtin,
                              const CliDevices *plugins, GError **errp)
{
    g_autoptr(QDict) doc = qdict_new();
    g_autoptr(QList) devices = qlist_new();
    g_autoptr(GPtrArray) infos = NULL;

    infos = pick_devices(builtin ? release : 0, plugins, errp);
    if (!infos) {
        return NULL;
    }
    for (guint i = 0; i < infos->len; i++) {
        if (!add_entry(devices, infos->pdata[i], errp)) {
            return NULL;
        }
    }
    qdict_put_str(doc, "format", "qvisit-schemas");
    qdict_put_uint(doc, "format_version", 1);
    if (release >= 0) {
        qdict_put_uint(doc, "release", release);
    }
    qdict_put(doc, "devices", g_steal_pointer(&devices));
    return g_steal_pointer(&doc);
}

int cmd_schemas(int argc, char **argv)
{
    const char *out = "-";
    long release = -1;
    g_autoptr(QDict) doc = NULL;
    g_autoptr(GString) json = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(CliDevices) plugins = cli_devices_new();
    g_autoptr(GPtrArray) paths = g_ptr_array_new();
    bool have_out = false, builtin = false;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            schemas_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(argv[i], "--release") && i + 1 >= argc) {
            cli_error("schemas: --release needs a value");
            return CLI_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--release")) {
            char *end;

            release = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || release < 1 ||
                release > EXAMPLE_RELEASE_MAX) {
                cli_error("schemas: --release must be 1..%d, got '%s'",
                          EXAMPLE_RELEASE_MAX, argv[i]);
                return CLI_EXIT_USAGE;
            }
        } else if (!strcmp(argv[i], "--devices") && i + 1 < argc) {
            g_ptr_array_add(paths, argv[++i]);
        } else if (!strcmp(argv[i], "--builtin")) {
            builtin = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("schemas: unknown option '%s'", argv[i]);
            schemas_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!have_out) {
            out = argv[i];
            have_out = true;
        } else {
            cli_error("schemas: unexpected argument '%s'", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    /* Without a plugin, the example devices are the only devices. */
    builtin = builtin || paths->len == 0;
    if (builtin && release < 0) {
        cli_error("schemas: --release N is required%s",
                  paths->len ? " with --builtin" : "");
        schemas_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    for (guint i = 0; i < paths->len; i++) {
        if (!cli_devices_add_plugin(plugins, paths->pdata[i], &err)) {
            cli_error("schemas: %s", err->message);
            return CLI_EXIT_FAILURE;
        }
    }
    doc = release_schemas(release, builtin, plugins, &err);
    if (!doc) {
        cli_error("schemas: %s", err->message);
        return CLI_EXIT_FAILURE;
    }
    json = qobject_to_json_pretty(QOBJECT(doc), true);
    g_string_append_c(json, '\n');
    return cli_write_output(out, json->str, json->len);
}
