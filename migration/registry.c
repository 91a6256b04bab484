/*
 * The device registry: devices, their settings, and the report of a save
 * or load (saving is save.c, loading load.c).
 */
#include "qvisit/migration.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "migration/migration-internal.h"
#include "qvisit/error.h"

#include "qvisit/compat.h"

uint64_t migration__now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

void migration_report_free(MigrationReport *report)
{
    if (!report) {
        return;
    }
    for (size_t i = 0; i < report->n_devices; i++) {
        g_free(report->devices[i].id);
    }
    g_free(report->devices);
    g_free(report);
}

MigrationReport *migration__report_new(MigrationFormat format, uint64_t caps,
                                       size_t n)
{
    MigrationReport *rep = g_new0(MigrationReport, 1);

    rep->format = format;
    rep->capabilities = caps;
    rep->n_devices = n;
    rep->devices = g_new0(MigrationDeviceReport, n);
    return rep;
}

static void device_free(gpointer p)
{
    MigrationDevice *dev = p;

    g_free(dev->id);
    if (dev->vmdesc.shape) {
        g_byte_array_free(dev->vmdesc.shape, true);
        g_string_free(dev->vmdesc.text, true);
    }
    qs__vmdesc_entry_cache_clear(&dev->vmdesc_entry);
    g_free(dev);
}

MigrationRegistry *migration_registry_new(void)
{
    MigrationRegistry *r = g_new0(MigrationRegistry, 1);

    r->devices = g_ptr_array_new_with_free_func(device_free);
    qvisit_limits_init(&r->limits);
    r->caps = MIGRATION_CAP_ALL;
    r->machine = g_strdup(MIG_DEFAULT_MACHINE);
    return r;
}

void migration_registry_free(MigrationRegistry *r)
{
    if (!r) {
        return;
    }
    g_ptr_array_free(r->devices, true);
    g_free(r->machine);
    g_free(r->transport);
    g_free(r);
}

MigrationDevice *migration__registry_find(MigrationRegistry *r,
                                          const char *id,
                                          uint32_t instance_id)
{
    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.instance_id == instance_id && !strcmp(dev->id, id)) {
            return dev;
        }
    }
    return NULL;
}

bool migration_register(MigrationRegistry *r, const MigrationDeviceInfo *info,
                        void *opaque, GError **errp)
{
    MigrationDevice *dev;
    size_t len, bad;

    g_return_val_if_fail(r != NULL && info != NULL, false);
    g_return_val_if_fail(info->id != NULL && info->visit != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    len = strlen(info->id);
    bad = migration__id_bad_byte(info->id, len);
    if (len == 0 || len > 255 || bad < len) {
        g_autofree char *shown = qvisit_error_escape(info->id, -1);

        if (bad < len) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: a device id must be printable ASCII (byte "
                        "0x%02x at %zu)", shown,
                        (unsigned char)info->id[bad], bad);
        } else {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: a device id must be 1..255 bytes", shown);
        }
        return false;
    }
    if (info->minimum_version > info->version) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: minimum version %" PRIu32 " above version %" PRIu32,
                    info->id, info->minimum_version, info->version);
        return false;
    }
    if (info->minimum_walk_version &&
        (info->minimum_walk_version < info->minimum_version ||
         info->minimum_walk_version > info->version)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: minimum walk version %" PRIu32 " outside %" PRIu32
                    "..%" PRIu32, info->id, info->minimum_walk_version,
                    info->minimum_version, info->version);
        return false;
    }
    if (migration__registry_find(r, info->id, info->instance_id)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: instance %" PRIu32 " is already registered",
                    info->id, info->instance_id);
        return false;
    }
    dev = g_new0(MigrationDevice, 1);
    dev->info = *info;
    dev->id = g_strdup(info->id);
    dev->info.id = dev->id;
    dev->opaque = opaque;
    g_ptr_array_add(r->devices, dev);
    return true;
}

size_t migration_registry_size(const MigrationRegistry *r)
{
    g_return_val_if_fail(r != NULL, 0);
    return r->devices->len;
}

void migration_set_compat(MigrationRegistry *r, CompatRegistry *compat)
{
    g_return_if_fail(r != NULL);
    r->compat = compat;
}

void migration_set_limits(MigrationRegistry *r, const QVisitLimits *limits)
{
    g_return_if_fail(r != NULL && limits != NULL);
    r->limits = *limits;
}

void migration_set_skip_unknown(MigrationRegistry *r, bool skip)
{
    g_return_if_fail(r != NULL);
    r->skip_unknown = skip;
}

void migration_set_machine(MigrationRegistry *r, const char *machine)
{
    g_return_if_fail(r != NULL && machine != NULL);
    g_free(r->machine);
    r->machine = g_strdup(machine);
}

void migration_set_machine_version(MigrationRegistry *r, uint32_t version)
{
    g_return_if_fail(r != NULL);
    r->machine_version = version;
}

uint64_t migration_query_capabilities(const MigrationRegistry *r)
{
    g_return_val_if_fail(r != NULL, 0);
    return r->caps;
}

void migration_set_capabilities(MigrationRegistry *r, uint64_t mask)
{
    g_return_if_fail(r != NULL);
    r->caps = MIGRATION_CAP_ALL & mask;
}
const MigrationDeviceInfo *migration__registry_schema(const char *id,
                                                      uint32_t version,
                                                      void *opaque)
{
    MigrationRegistry *r = opaque;

    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (migration__walks_version(&dev->info, version) &&
            !strcmp(dev->id, id)) {
            return &dev->info;
        }
    }
    return NULL;
}

bool migration__walks_version(const MigrationDeviceInfo *info,
                              uint32_t version)
{
    if (version == info->version) {
        return true;
    }
    return info->minimum_walk_version &&
           version >= info->minimum_walk_version && version < info->version;
}
