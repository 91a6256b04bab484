/*
 * Creating snapshots: from a registry's devices (create) or from a stream
 * (import), and the commit both share: payload first, metadata last.
 */
#include "qvisit/snapshot-store.h"

#include <string.h>
#include <unistd.h>

#include "migration/migration-internal.h"
#include "migration/snapshot-store-internal.h"
#include "qvisit/error.h"

/*
 * Checks @name may be written; *old gets the payload file a replace makes
 * garbage (NULL when there is none, or when the old metadata is damaged:
 * its payload is then left for prune).
 */
static bool check_new(SnapshotStore *s, const char *name, bool replace,
                      char **old, GError **errp)
{
    g_autofree char *file = snapshot__meta_file(name);
    g_autoptr(SnapshotMeta) m = NULL;

    *old = NULL;
    if (!snapshot__file_exists(s, file)) {
        return true;
    }
    if (!replace) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: already exists (replace it, or delete it first)",
                    name);
        return false;
    }
    m = snapshot__read_meta(s, name, NULL);
    if (m) {
        *old = g_strdup(m->payload);
    }
    return true;
}

/* Removes the new payload after a failure, unless it is the file the old
 * snapshot still uses (same bytes, same name). */
static void drop_payload(SnapshotStore *s, const SnapshotMeta *meta,
                         const char *old)
{
    if (!old || strcmp(old, meta->payload)) {
        unlinkat(s->dirfd, meta->payload, 0);
    }
}

bool snapshot__commit(SnapshotStore *s, const SnapshotMeta *meta,
                      const void *data, size_t len, const char *old,
                      void (*resume)(void *opaque), void *opaque,
                      GError **errp)
{
    g_autofree char *meta_file = snapshot__meta_file(meta->name);
    g_autoptr(GString) text = snapshot__meta_to_text(meta);
    bool placed = false;
    bool ok;

    ok = snapshot__write_file(s, meta->payload, data, len,
                              SNAPSHOT_STEP_PAYLOAD_PARTIAL, NULL, errp);
    if (resume) {
        resume(opaque);
    }
    /* The payload is on disk (or failed) before the metadata names it, so
     * no crash can leave metadata whose payload is missing or short. */
    ok = ok && snapshot__step(s, SNAPSHOT_STEP_RESUMED, meta->name, errp) &&
         snapshot__write_file(s, meta_file, text->str, text->len,
                              SNAPSHOT_STEP_META_PARTIAL, &placed, errp);
    if (!placed) {
        drop_payload(s, meta, old);
        return false;
    }
    /* The new snapshot is visible: the old payload is garbage now, once
     * the rename is durable (else a crash could bring the old metadata
     * back without its payload). A failure to remove it only leaves an
     * orphan for prune. */
    if (ok && old && strcmp(old, meta->payload) &&
        unlinkat(s->dirfd, old, 0) == 0) {
        snapshot__step(s, SNAPSHOT_STEP_OLD_PAYLOAD_REMOVED, old, NULL);
    }
    return ok;
}

/* --- Create --------------------------------------------------------------- */

static void pause_all(MigrationRegistry *r)
{
    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.pause) {
            dev->info.pause(dev->opaque);
        }
    }
}

static void resume_all(void *opaque)
{
    MigrationRegistry *r = opaque;

    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);

        if (dev->info.resume) {
            dev->info.resume(dev->opaque);
        }
    }
}

/*
 * migration_save() pauses and resumes the devices around its walk; the
 * store keeps them paused from before the save until the payload is on
 * disk, so it saves through a copy of the registry whose devices have no
 * hooks. Every other setting (compat, limits, machine, capabilities) is
 * the registry's own, copied by value and only read.
 */
static bool save_unhooked(MigrationRegistry *r, MigrationFormat format,
                          GByteArray *out, MigrationReport **report,
                          GError **errp)
{
    MigrationRegistry copy = *r;
    g_autoptr(GPtrArray) devs = g_ptr_array_new_full(r->devices->len,
                                                     g_free);
    bool ok;

    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_memdup2(g_ptr_array_index(r->devices, i),
                                         sizeof(MigrationDevice));

        dev->info.pause = NULL;
        dev->info.resume = NULL;
        g_ptr_array_add(devs, dev);
    }
    copy.devices = devs;
    ok = migration_save(&copy, format, out, report, errp);
    /* A legacy save fills or replaces a device's vmdesc cache (freeing
     * the one the copy shared with the registry's device): hand the
     * copy's cache back, or it leaks and the registry keeps freed
     * pointers. */
    for (size_t i = 0; i < r->devices->len; i++) {
        MigrationDevice *dev = g_ptr_array_index(r->devices, i);
        const MigrationDevice *used = g_ptr_array_index(devs, i);

        dev->vmdesc = used->vmdesc;
    }
    return ok;
}

static SnapshotMeta *meta_from_report(const char *name, MigrationRegistry *r,
                                      const MigrationReport *rep,
                                      const GByteArray *payload)
{
    SnapshotMeta *m = g_new0(SnapshotMeta, 1);

    m->name = g_strdup(name);
    m->format = rep->format;
    m->checksum = snapshot__checksum(payload->data, payload->len);
    m->payload = snapshot__payload_file(name, m->checksum);
    m->payload_size = payload->len;
    m->machine = g_strdup(r->machine);
    m->machine_version = r->machine_version;
    /* What the payload records: a legacy stream carries no mask. */
    m->capabilities = rep->format == MIGRATION_FORMAT_LEGACY
                          ? 0 : rep->capabilities;
    m->n_devices = rep->n_devices;
    m->devices = g_new0(SnapshotMetaDevice, rep->n_devices);
    for (size_t i = 0; i < rep->n_devices; i++) {
        m->devices[i].id = g_strdup(rep->devices[i].id);
        m->devices[i].instance_id = rep->devices[i].instance_id;
        m->devices[i].version = rep->devices[i].stream_version;
        m->devices[i].bytes = rep->devices[i].bytes;
    }
    return m;
}

static bool create_locked(SnapshotStore *s, const char *name,
                          MigrationRegistry *r, MigrationFormat format,
                          const SnapshotCreateOptions *opts, const char *old,
                          SnapshotMeta **meta, GError **errp)
{
    g_autoptr(GByteArray) payload = g_byte_array_new();
    g_autoptr(MigrationReport) rep = NULL;
    g_autoptr(SnapshotMeta) m = NULL;

    pause_all(r);
    if (!snapshot__step(s, SNAPSHOT_STEP_PAUSED, name, errp) ||
        !save_unhooked(r, format, payload, &rep, errp)) {
        resume_all(r);
        return false;
    }
    m = meta_from_report(name, r, rep, payload);
    if (!snapshot__meta_set_times(m, snapshot__now(s), opts, errp) ||
        !snapshot__step(s, SNAPSHOT_STEP_META_CACHED, name, errp)) {
        resume_all(r);
        return false;
    }
    if (!snapshot__commit(s, m, payload->data, payload->len, old, resume_all,
                          r, errp)) {
        return false;
    }
    if (meta) {
        *meta = g_steal_pointer(&m);
    }
    return true;
}

bool snapshot_store_create(SnapshotStore *store, const char *name,
                           MigrationRegistry *r,
                           const SnapshotCreateOptions *opts,
                           SnapshotMeta **meta, GError **errp)
{
    MigrationFormat format = opts ? opts->format : MIGRATION_FORMAT_UNKNOWN;
    g_autofree char *old = NULL;
    bool ok;
    int lock;

    g_return_val_if_fail(store != NULL && name != NULL && r != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!snapshot_name_check(name, errp)) {
        return false;
    }
    if (format == MIGRATION_FORMAT_UNKNOWN) {
        format = migration_format_for_capabilities(
            migration_query_capabilities(r));
    }
    lock = snapshot__lock(store, true, errp);
    if (lock < 0) {
        return false;
    }
    ok = snapshot__step(store, SNAPSHOT_STEP_LOCKED, name, errp) &&
         check_new(store, name, opts && opts->replace, &old, errp) &&
         create_locked(store, name, r, format, opts, old, meta, errp);
    snapshot__unlock(lock);
    return ok;
}

/* --- Import --------------------------------------------------------------- */

bool snapshot_store_import(SnapshotStore *store, const char *name,
                           const void *data, size_t len,
                           const SnapshotCreateOptions *opts,
                           SnapshotMeta **meta, GError **errp)
{
    g_autoptr(MigrationStream) st = NULL;
    g_autoptr(SnapshotMeta) m = NULL;
    g_autofree char *old = NULL;
    bool ok;
    int lock;

    g_return_val_if_fail(store != NULL && name != NULL, false);
    g_return_val_if_fail(data != NULL || len == 0, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!snapshot_name_check(name, errp)) {
        return false;
    }
    st = migration_stream_decode(data, len, &store->limits, errp);
    if (!st) {
        return false;
    }
    m = snapshot__meta_from_stream(name, st, data, len);
    lock = snapshot__lock(store, true, errp);
    if (lock < 0) {
        return false;
    }
    ok = snapshot__step(store, SNAPSHOT_STEP_LOCKED, name, errp) &&
         check_new(store, name, opts && opts->replace, &old, errp) &&
         snapshot__meta_set_times(m, snapshot__now(store), opts, errp) &&
         snapshot__commit(store, m, data, len, old, NULL, NULL, errp);
    snapshot__unlock(lock);
    if (ok && meta) {
        *meta = g_steal_pointer(&m);
    }
    return ok;
}
