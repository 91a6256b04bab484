/*
 * The device layouts a command works with: the built-in example devices,
 * the devices of `--devices PLUGIN.so` plugins (a shared object exporting
 * MIGRATION_DEVICES_PLUGIN_SYMBOL, see migration.h), or both.
 */
#include <string.h>

#include <gmodule.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-devices.h"
#include "tools/cli.h"

struct CliDevices {
    GPtrArray *infos;           /* const MigrationDeviceInfo *, borrowed */
};

CliDevices *cli_devices_new(void)
{
    CliDevices *d = g_new0(CliDevices, 1);

    d->infos = g_ptr_array_new();
    return d;
}

void cli_devices_free(CliDevices *d)
{
    if (d) {
        g_ptr_array_unref(d->infos);
        g_free(d);
    }
}

const MigrationDeviceInfo *cli_devices_find(const CliDevices *d,
                                            const char *id, uint32_t version)
{
    for (guint i = 0; i < d->infos->len; i++) {
        const MigrationDeviceInfo *info = d->infos->pdata[i];

        if (info->version == version && !strcmp(info->id, id)) {
            return info;
        }
    }
    return NULL;
}

void cli_devices_add_builtin(CliDevices *d)
{
    size_t n = 0;
    const ExampleDevice *const *all = example_devices_all(&n);

    for (size_t i = 0; i < n; i++) {
        if (!cli_devices_find(d, all[i]->id, all[i]->version)) {
            g_ptr_array_add(d->infos, (gpointer)cli_example_schema(
                all[i]->id, all[i]->version, NULL));
        }
    }
}

/* Checks one plugin entry; errors name the plugin and the entry. */
static bool check_entry(const CliDevices *d, const char *path, size_t i,
                        const MigrationDeviceInfo *info, GError **errp)
{
    if (!info || !info->id || !*info->id) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: device %zu: no id", path, i);
        return false;
    }
    if (!info->visit || !info->state_size) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: %s v%u: visit and state_size must be set", path,
                    info->id, info->version);
        return false;
    }
    if (info->minimum_version > info->version) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: %s v%u: minimum_version %u is above the version",
                    path, info->id, info->version, info->minimum_version);
        return false;
    }
    if (cli_devices_find(d, info->id, info->version)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: %s v%u: layout already known", path, info->id,
                    info->version);
        return false;
    }
    return true;
}

bool cli_devices_add_plugin(CliDevices *d, const char *path, GError **errp)
{
    GModule *module;
    gpointer symbol = NULL;
    const MigrationDeviceInfo *const *list;
    size_t n = 0;
    guint old_len = d->infos->len;

    module = cli_plugin_open(path, "device", errp);
    if (!module) {
        return false;
    }
    if (!g_module_symbol(module, MIGRATION_DEVICES_PLUGIN_SYMBOL, &symbol) ||
        !symbol) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "%s: no %s function", path,
                    MIGRATION_DEVICES_PLUGIN_SYMBOL);
        g_module_close(module);
        return false;
    }
    /* Its walks run later; keep the code mapped. */
    g_module_make_resident(module);
    list = ((MigrationDevicesPluginFn)symbol)(&n);
    if (!list && n) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: no device list", path);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!check_entry(d, path, i, list[i], errp)) {
            g_ptr_array_set_size(d->infos, old_len);
            return false;
        }
        g_ptr_array_add(d->infos, (gpointer)list[i]);
    }
    return true;
}

size_t cli_devices_count(const CliDevices *d)
{
    return d->infos->len;
}

const MigrationDeviceInfo *cli_devices_get(const CliDevices *d, size_t i)
{
    return i < d->infos->len ? d->infos->pdata[i] : NULL;
}

const MigrationDeviceInfo *cli_devices_schema(const char *id,
                                              uint32_t version, void *opaque)
{
    return cli_devices_find(opaque, id, version);
}
