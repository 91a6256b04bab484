/*
 * qvisit schemas --release N [OUT]: writes the schema of every example
 * device of one simulated release to one JSON file (format in
 * docs/formats.md, "Schema description"), for `qvisit compat-check`.
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
            "\n"
            "Describes every example device of release N (1..%d) with the\n"
            "describe visitor and writes their schemas as one JSON file to\n"
            "OUT (default or '-': standard output).\n",
            EXAMPLE_RELEASE_MAX);
}

/* Describes @dev by walking a zeroed state. */
static QObject *describe_device(const ExampleDevice *dev, GError **errp)
{
    void *state = example_device_state_new(dev);
    g_autoptr(Visitor) v = NULL;
    QObject *schema = NULL;
    bool ok;

    v = describe_visitor_new(&schema);
    ok = dev->visit(v, state, errp) && visit_complete(v, errp);
    example_device_state_free(dev, state);
    return ok ? schema : NULL;
}

/* Builds the whole schemas document of @release. */
static QDict *release_schemas(unsigned release, GError **errp)
{
    g_autoptr(QDict) doc = qdict_new();
    g_autoptr(QList) devices = qlist_new();
    const ExampleDevice *const *devs;
    size_t n = 0;

    devs = example_release_devices(release, &n);
    for (size_t i = 0; i < n; i++) {
        g_autoptr(QDict) entry = qdict_new();
        QObject *schema = describe_device(devs[i], errp);

        if (!schema) {
            g_prefix_error(errp, "%s v%u: ", devs[i]->id, devs[i]->version);
            return NULL;
        }
        qdict_put_str(entry, "id", devs[i]->id);
        qdict_put_uint(entry, "version", devs[i]->version);
        qdict_put_uint(entry, "minimum_version", devs[i]->minimum_version);
        qdict_put_obj(entry, "schema", schema);
        qlist_append(devices, g_steal_pointer(&entry));
    }
    qdict_put_str(doc, "format", "qvisit-schemas");
    qdict_put_uint(doc, "format_version", 1);
    qdict_put_uint(doc, "release", release);
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
    bool have_out = false;

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
    if (release < 0) {
        cli_error("schemas: --release N is required");
        schemas_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    doc = release_schemas(release, &err);
    if (!doc) {
        cli_error("schemas: %s", err->message);
        return CLI_EXIT_FAILURE;
    }
    json = qobject_to_json_pretty(QOBJECT(doc), true);
    g_string_append_c(json, '\n');
    return cli_write_output(out, json->str, json->len);
}
