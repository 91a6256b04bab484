/*
 * qvisit compat-graph [--device NAME] [--transforms builtin|none|PLUGIN.so]
 * [--devices PLUGIN.so] [--builtin]: prints the version graph of the
 * registered transforms as Graphviz dot. Each device is a cluster whose
 * nodes are its versions (every version in the device catalog, so an
 * unreachable one shows up alone) and whose edges are registered steps;
 * machine steps form a dashed cluster of boxes with bold blue edges. The
 * catalog is the example devices', or with a plugin the --devices
 * plugins' (and the example devices' with --builtin).
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-compat.h"
#include "examples/devices/example-devices.h"
#include "tools/cli.h"

typedef struct GraphStep {
    char *device;
    uint32_t from, to;
} GraphStep;

typedef struct Graph {
    const char *only;          /* --device, or NULL */
    GArray *steps;             /* of GraphStep */
    GPtrArray *devices;        /* ids in first-seen order, owned */
    const CliDevices *catalog; /* the layouts whose versions show */
} Graph;

static void graph_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit compat-graph [--device NAME] "
            "[--transforms builtin|none|PLUGIN.so]\n"
            "                           [--devices PLUGIN.so]... "
            "[--builtin]\n"
            "\n"
            "Prints the version graph of the registered compat transforms\n"
            "as Graphviz dot: versions are nodes, steps are edges, machine\n"
            "steps are drawn as dashed boxes. Render with\n"
            "  qvisit compat-graph | dot -Tsvg > graph.svg\n"
            "\n"
            "Every version of every known device is a node, even without\n"
            "steps. The example devices and their transforms are known\n"
            "unless a plugin is given: then only the plugin's devices\n"
            "(--devices) and transforms (--transforms) are, and --builtin\n"
            "adds the example devices and their transforms back.\n"
            "\n"
            "options:\n"
            "  --device NAME         only NAME's versions and steps\n"
            "  --transforms WHICH    builtin, none or a transform plugin\n"
            "                        (docs/compat-authors.md)\n"
            "  --devices PLUGIN.so   the plugin's devices; may be repeated\n"
            "  --builtin             with a plugin, the example devices\n"
            "                        and transforms too\n"
            "  -h, --help            show this help\n"
            "\n"
            "exit status: 0 success, 1 bad plugin or failed write, "
            "2 usage error\n");
}

static void add_device(Graph *g, const char *id)
{
    for (guint i = 0; i < g->devices->len; i++) {
        if (!strcmp(g->devices->pdata[i], id)) {
            return;
        }
    }
    g_ptr_array_add(g->devices, g_strdup(id));
}

static void collect(const char *device, uint32_t from, uint32_t to,
                    void *opaque)
{
    Graph *g = opaque;
    GraphStep s = { g_strdup(device), from, to };

    if (g->only && strcmp(g->only, device)) {
        g_free(s.device);
        return;
    }
    add_device(g, device);
    g_array_append_val(g->steps, s);
}

static gint u32_cmp(gconstpointer a, gconstpointer b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Every version of @id: from the catalog and from the steps, sorted. */
static GArray *versions_of(const Graph *g, const char *id)
{
    GArray *v = g_array_new(false, false, sizeof(uint32_t));
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

    for (size_t i = 0; i < cli_devices_count(g->catalog); i++) {
        const MigrationDeviceInfo *info = cli_devices_get(g->catalog, i);

        if (!strcmp(info->id, id) &&
            g_hash_table_add(seen, GUINT_TO_POINTER(info->version))) {
            g_array_append_val(v, info->version);
        }
    }
    for (guint i = 0; i < g->steps->len; i++) {
        const GraphStep *s = &g_array_index(g->steps, GraphStep, i);

        if (strcmp(s->device, id)) {
            continue;
        }
        if (g_hash_table_add(seen, GUINT_TO_POINTER(s->from))) {
            g_array_append_val(v, s->from);
        }
        if (g_hash_table_add(seen, GUINT_TO_POINTER(s->to))) {
            g_array_append_val(v, s->to);
        }
    }
    g_array_sort(v, u32_cmp);
    return v;
}

static void print_dot(const Graph *g)
{
    printf("digraph compat {\n"
           "    rankdir=LR;\n"
           "    node [shape=circle];\n");
    for (guint d = 0; d < g->devices->len; d++) {
        const char *id = g->devices->pdata[d];
        bool machine = !strcmp(id, COMPAT_MACHINE);
        g_autoptr(GArray) versions = versions_of(g, id);

        printf("    subgraph \"cluster_%s\" {\n", id);
        if (machine) {
            printf("        label=\"machine (whole-machine steps)\";\n"
                   "        style=dashed;\n"
                   "        node [shape=box];\n"
                   "        edge [style=bold, color=blue];\n");
        } else {
            printf("        label=\"%s\";\n", id);
        }
        for (guint i = 0; i < versions->len; i++) {
            uint32_t v = g_array_index(versions, uint32_t, i);

            printf("        \"%s v%u\" [label=\"v%u\"];\n", id, v, v);
        }
        for (guint i = 0; i < g->steps->len; i++) {
            const GraphStep *s = &g_array_index(g->steps, GraphStep, i);

            if (!strcmp(s->device, id)) {
                printf("        \"%s v%u\" -> \"%s v%u\";\n", id, s->from,
                       id, s->to);
            }
        }
        printf("    }\n");
    }
    printf("}\n");
}

static void step_clear(gpointer p)
{
    g_free(((GraphStep *)p)->device);
}

int cmd_compat_graph(int argc, char **argv)
{
    g_autoptr(CompatRegistry) r = compat_registry_new();
    g_autoptr(GError) err = NULL;
    g_autoptr(CliDevices) catalog = cli_devices_new();
    g_autoptr(GPtrArray) plugins = g_ptr_array_new();
    const char *transforms = NULL;
    bool builtin = false;
    Graph g = { NULL, NULL, NULL, catalog };

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            graph_usage(stdout);
            return CLI_EXIT_OK;
        } else if ((!strcmp(argv[i], "--device") ||
                    !strcmp(argv[i], "--devices") ||
                    !strcmp(argv[i], "--transforms")) && i + 1 >= argc) {
            cli_error("compat-graph: %s needs a value", argv[i]);
            return CLI_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--device")) {
            g.only = argv[++i];
        } else if (!strcmp(argv[i], "--transforms")) {
            transforms = argv[++i];
        } else if (!strcmp(argv[i], "--devices")) {
            g_ptr_array_add(plugins, argv[++i]);
        } else if (!strcmp(argv[i], "--builtin")) {
            builtin = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("compat-graph: unknown option '%s'", argv[i]);
            graph_usage(stderr);
            return CLI_EXIT_USAGE;
        } else {
            cli_error("compat-graph: unexpected argument '%s'", argv[i]);
            graph_usage(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    /* A plugin replaces the example set unless --builtin keeps it. */
    if (!plugins->len && (!transforms || !cli_is_plugin_path(transforms))) {
        builtin = true;
    }
    if (!transforms) {
        transforms = builtin ? "builtin" : "none";
    }
    if (cli_is_plugin_path(transforms)) {
        if (!cli_load_compat_plugin(transforms, r, &err)) {
            cli_error("compat-graph: %s", err->message);
            return CLI_EXIT_FAILURE;
        }
    } else if (strcmp(transforms, "builtin") && strcmp(transforms, "none")) {
        cli_error("compat-graph: --transforms must be builtin, none or a "
                  "plugin path, got '%s'", transforms);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(transforms, "builtin") ||
        (builtin && cli_is_plugin_path(transforms))) {
        if (!example_compat_register(r, &err)) {
            cli_error("compat-graph: %s", err->message);
            return CLI_EXIT_FAILURE;
        }
    }
    if (builtin) {
        cli_devices_add_builtin(catalog);
    }
    for (guint i = 0; i < plugins->len; i++) {
        if (!cli_devices_add_plugin(catalog, plugins->pdata[i], &err)) {
            cli_error("compat-graph: %s", err->message);
            return CLI_EXIT_FAILURE;
        }
    }
    g.steps = g_array_new(false, false, sizeof(GraphStep));
    g_array_set_clear_func(g.steps, step_clear);
    g.devices = g_ptr_array_new_with_free_func(g_free);
    /* Catalog devices first, in catalog order, so lone versions show. */
    for (size_t i = 0; i < cli_devices_count(catalog); i++) {
        const char *id = cli_devices_get(catalog, i)->id;

        if (!g.only || !strcmp(g.only, id)) {
            add_device(&g, id);
        }
    }
    compat_foreach_step(r, collect, &g);
    if (g.only && g.devices->len == 0) {
        cli_error("compat-graph: unknown device '%s'", g.only);
        g_array_unref(g.steps);
        g_ptr_array_free(g.devices, true);
        return CLI_EXIT_FAILURE;
    }
    print_dot(&g);
    g_array_unref(g.steps);
    g_ptr_array_free(g.devices, true);
    return CLI_EXIT_OK;
}
