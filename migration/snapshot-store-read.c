/*
 * Reading snapshots back: the payload checked against its metadata, and
 * on top of it verify (decode everything, load nothing) and restore (an
 * ordinary transactional migration_load()).
 */
#include "qvisit/snapshot-store.h"

#include <inttypes.h>
#include <string.h>

#include "migration/snapshot-store-internal.h"
#include "qvisit/error.h"

/* @m's payload, its size and SHA-256 checked; the store must be locked. */
static GByteArray *read_payload(SnapshotStore *s, const SnapshotMeta *m,
                                GError **errp)
{
    g_autoptr(GByteArray) data = NULL;
    g_autofree char *sum = NULL;

    if (m->payload_size > s->limits.max_alloc) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                    "%s: payload of %" PRIu64 " bytes exceeds max_alloc %zu",
                    m->name, m->payload_size, s->limits.max_alloc);
        return NULL;
    }
    data = snapshot__read_file(s, m->payload, s->limits.max_alloc, NULL,
                               errp);
    if (!data) {
        return NULL;
    }
    if (data->len != m->payload_size) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_CHECKSUM,
                    "%s: payload is %u bytes, the metadata says %" PRIu64,
                    m->name, data->len, m->payload_size);
        return NULL;
    }
    sum = snapshot__checksum(data->data, data->len);
    if (strcmp(sum, m->checksum)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_CHECKSUM,
                    "%s: payload checksum is %s, the metadata says %s",
                    m->name, sum, m->checksum);
        return NULL;
    }
    return g_steal_pointer(&data);
}

/* Reads @name's metadata and checked payload under a shared lock. */
static GByteArray *read_snapshot(SnapshotStore *s, const char *name,
                                 SnapshotMeta **meta, GError **errp)
{
    g_autoptr(SnapshotMeta) m = NULL;
    GByteArray *data = NULL;
    int lock;

    if (!snapshot_name_check(name, errp)) {
        return NULL;
    }
    lock = snapshot__lock(s, false, errp);
    if (lock < 0) {
        return NULL;
    }
    m = snapshot__read_meta(s, name, errp);
    if (m) {
        data = read_payload(s, m, errp);
    }
    snapshot__unlock(lock);
    if (data && meta) {
        *meta = g_steal_pointer(&m);
    }
    return data;
}

bool snapshot_store_read_payload(SnapshotStore *store, const char *name,
                                 GByteArray *out, GError **errp)
{
    g_autoptr(GByteArray) data = NULL;

    g_return_val_if_fail(store != NULL && name != NULL && out != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    data = read_snapshot(store, name, NULL, errp);
    if (!data) {
        return false;
    }
    g_byte_array_append(out, data->data, data->len);
    return true;
}

static bool mismatch(GError **errp, const char *name, const char *what)
{
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                "%s: the payload's %s differs from the metadata's", name,
                what);
    return false;
}

/* The metadata must describe the stream it sits beside. */
static bool check_against(const SnapshotMeta *m, const MigrationStream *st,
                          GError **errp)
{
    size_t n = migration_stream_get_size(st);

    if (migration_stream_get_format(st) != m->format) {
        return mismatch(errp, m->name, "format");
    }
    if (strcmp(migration_stream_get_machine(st), m->machine) ||
        migration_stream_get_machine_version(st) != m->machine_version) {
        return mismatch(errp, m->name, "machine");
    }
    if (migration_stream_get_capabilities(st) != m->capabilities) {
        return mismatch(errp, m->name, "capabilities");
    }
    if (n != m->n_devices) {
        return mismatch(errp, m->name, "number of devices");
    }
    for (size_t i = 0; i < n; i++) {
        const MigrationSection *sec = migration_stream_get_section(st, i);
        const SnapshotMetaDevice *dev = &m->devices[i];

        if (strcmp(sec->id, dev->id) || sec->instance_id != dev->instance_id ||
            sec->version != dev->version || sec->size != dev->bytes) {
            g_autofree char *what = g_strdup_printf("device %zu", i);

            return mismatch(errp, m->name, what);
        }
    }
    return true;
}

bool snapshot_store_verify(SnapshotStore *store, const char *name,
                           GError **errp)
{
    g_autoptr(SnapshotMeta) m = NULL;
    g_autoptr(GByteArray) data = NULL;
    g_autoptr(MigrationStream) st = NULL;

    g_return_val_if_fail(store != NULL && name != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    data = read_snapshot(store, name, &m, errp);
    if (!data) {
        return false;
    }
    st = migration_stream_decode(data->data, data->len, &store->limits, errp);
    return st && check_against(m, st, errp);
}

bool snapshot_store_restore(SnapshotStore *store, const char *name,
                            MigrationRegistry *r, MigrationReport **report,
                            GError **errp)
{
    g_autoptr(GByteArray) data = NULL;

    g_return_val_if_fail(store != NULL && name != NULL && r != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    /* The lock covers the read only: the bytes are checked and in memory,
     * so the load needs nothing more from the store. */
    data = read_snapshot(store, name, NULL, errp);
    return data && migration_load(r, data->data, data->len, report, errp);
}
