/*
 * Scratch states with the device's configuration, and the schemas walked
 * on them: what the dry run of a load, the legacy format's layouts and the
 * describe walk use instead of a bare zeroed state (docs/migration-core.md,
 * "Configuration").
 */
#include "qvisit/migration.h"

#include <inttypes.h>

#include "migration/migration-internal.h"
#include "qvisit/describe-visitor.h"
#include "qvisit/error.h"

void *migration_device_scratch_new(const MigrationDeviceInfo *info,
                                   const void *live, GError **errp)
{
    void *scratch;

    g_return_val_if_fail(info != NULL && info->state_size > 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    scratch = g_malloc0(info->state_size);
    if (info->prepare && !info->prepare(scratch, live, errp)) {
        /* A hook that fails without saying why still gets a message. */
        if (errp && !*errp) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_FAILED,
                        "%s: prepare failed without an error", info->id);
        } else {
            g_prefix_error(errp, "%s: prepare: ", info->id);
        }
        migration_device_scratch_free(info, scratch);
        return NULL;
    }
    return scratch;
}

void migration_device_scratch_free(const MigrationDeviceInfo *info,
                                   void *scratch)
{
    g_return_if_fail(info != NULL);

    if (!scratch) {
        return;
    }
    if (info->clear) {
        info->clear(scratch);
    }
    g_free(scratch);
}

QObject *migration_device_describe(const MigrationDeviceInfo *info,
                                   const void *live, GError **errp)
{
    void *scratch;
    g_autoptr(Visitor) v = NULL;
    QObject *schema = NULL;
    bool ok;

    g_return_val_if_fail(info != NULL && info->visit != NULL &&
                         info->state_size > 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    scratch = migration_device_scratch_new(info, live, errp);
    if (!scratch) {
        return NULL;
    }
    v = describe_visitor_new(&schema);
    /* The layout of the device's own version (version gates see it). */
    visit_set_version(v, info->version);
    ok = info->visit(v, scratch, errp) && visit_complete(v, errp);
    migration_device_scratch_free(info, scratch);
    return ok ? schema : NULL;
}

QDict *migration_describe(MigrationRegistry *r, GError **errp)
{
    g_autoptr(QDict) all = qdict_new();

    g_return_val_if_fail(r != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);
        g_autofree char *key = dev->info.instance_id
                                   ? g_strdup_printf("%s#%" PRIu32, dev->id,
                                                     dev->info.instance_id)
                                   : g_strdup(dev->id);
        QObject *schema;

        if (!dev->info.state_size) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: no state_size, so no state to describe", key);
            return NULL;
        }
        /* Errors name the device already: its prepare hook's by id, its
         * walk's by the root struct's path. */
        schema = migration_device_describe(&dev->info, dev->opaque, errp);
        if (!schema) {
            return NULL;
        }
        qdict_put_obj(all, key, schema);
    }
    return g_steal_pointer(&all);
}

bool migration__config_error(const MigrationDeviceInfo *info, size_t index,
                             GError **errp)
{
    GError *err = errp ? *errp : NULL;

    if (!info->prepare || !err || err->domain != QVISIT_ERROR ||
        (err->code != QVISIT_ERROR_UNEXPECTED &&
         err->code != QVISIT_ERROR_MISSING &&
         err->code != QVISIT_ERROR_LENGTH &&
         err->code != QVISIT_ERROR_CONFIG)) {
        return false;
    }
    /* Same version, so the same layout but for what the configuration
     * decides: a member or length the configured walk does not expect is
     * the other side's configuration, not a malformed stream. */
    err->code = QVISIT_ERROR_CONFIG;
    g_prefix_error(errp, "%s (section %zu, instance %" PRIu32 "): device "
                   "configuration differs from the stream's: ", info->id,
                   index, info->instance_id);
    return true;
}
