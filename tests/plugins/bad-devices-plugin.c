/*
 * A device plugin whose one entry lacks its state size, for the CLI
 * tests of plugin validation (`qvisit schemas --devices <this>.so`).
 */
#include <qvisit/qvisit.h>

const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n);

static bool broken_visit(Visitor *v, void *opaque, GError **errp)
{
    (void)opaque;
    return visit_start_struct(v, "broken", errp) &&
           visit_end_struct(v, errp);
}

static const MigrationDeviceInfo broken = {
    .id = "broken",
    .version = 1,
    .minimum_version = 1,
    .visit = broken_visit,
};

static const MigrationDeviceInfo *const devices[] = { &broken };

const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n)
{
    *n = G_N_ELEMENTS(devices);
    return devices;
}
