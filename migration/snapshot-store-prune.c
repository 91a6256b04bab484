/*
 * Removing snapshots and repairing a store: delete one, prune the
 * expired ones and the orphans a crash leaves, and rebuild lost metadata
 * from a payload.
 */
#include "qvisit/snapshot-store.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "migration/snapshot-store-internal.h"
#include "qvisit/error.h"

/* The payload files of @name among the store's entries @files. */
static GPtrArray *payloads_of(GPtrArray *files, const char *name)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (size_t i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        g_autofree char *owner = NULL;

        if (snapshot__file_kind(f, &owner) == SNAPSHOT_FILE_PAYLOAD &&
            !strcmp(owner, name)) {
            g_ptr_array_add(out, g_strdup(f));
        }
    }
    return out;
}

/* --- Delete --------------------------------------------------------------- */

static bool delete_locked(SnapshotStore *s, const char *name, GError **errp)
{
    g_autofree char *meta_file = snapshot__meta_file(name);
    g_autoptr(GPtrArray) files = snapshot__list_dir(s, errp);
    g_autoptr(GPtrArray) payloads = NULL;
    bool has_meta = snapshot__file_exists(s, meta_file);

    if (!files) {
        return false;
    }
    payloads = payloads_of(files, name);
    if (!has_meta && !payloads->len) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "%s: no such snapshot", name);
        return false;
    }
    /* Metadata first: from its removal on the snapshot is gone, and a
     * crash before the payloads go leaves orphans for prune, never a
     * listed snapshot without its payload. */
    if (has_meta &&
        (!snapshot__remove_file(s, meta_file, false, errp) ||
         !snapshot__sync_dir(s, errp) ||
         !snapshot__step(s, SNAPSHOT_STEP_DELETE_META_REMOVED, meta_file,
                         errp))) {
        return false;
    }
    for (size_t i = 0; i < payloads->len; i++) {
        if (!snapshot__remove_file(s, g_ptr_array_index(payloads, i), true,
                                   errp)) {
            return false;
        }
    }
    return snapshot__sync_dir(s, errp) &&
           snapshot__step(s, SNAPSHOT_STEP_DELETE_PAYLOAD_REMOVED, name,
                          errp);
}

bool snapshot_store_delete(SnapshotStore *store, const char *name,
                           GError **errp)
{
    bool ok;
    int lock;

    g_return_val_if_fail(store != NULL && name != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!snapshot_name_check(name, errp)) {
        return false;
    }
    lock = snapshot__lock(store, true, errp);
    if (lock < 0) {
        return false;
    }
    ok = delete_locked(store, name, errp);
    snapshot__unlock(lock);
    return ok;
}

/* --- Prune ---------------------------------------------------------------- */

void snapshot_prune_report_free(SnapshotPruneReport *report)
{
    if (!report) {
        return;
    }
    g_strfreev(report->expired);
    g_strfreev(report->orphans);
    g_free(report);
}

/*
 * Removes the metadata of expired snapshots and of snapshots whose
 * payload is gone; fills @keep with the payload files still used.
 */
static bool prune_meta(SnapshotStore *s, GPtrArray *metas, int64_t now,
                       GHashTable *keep, GPtrArray *expired,
                       GPtrArray *orphans, GError **errp)
{
    for (size_t i = 0; i < metas->len; i++) {
        const SnapshotMeta *m = g_ptr_array_index(metas, i);
        g_autofree char *file = snapshot__meta_file(m->name);
        bool is_expired = snapshot_meta_is_expired(m, now);

        if (!is_expired && snapshot__file_exists(s, m->payload)) {
            g_hash_table_add(keep, g_strdup(m->payload));
            continue;
        }
        if (!snapshot__remove_file(s, file, false, errp)) {
            return false;
        }
        if (is_expired) {
            g_ptr_array_add(expired, g_strdup(m->name));
        } else {
            g_ptr_array_add(orphans, g_steal_pointer(&file));
        }
    }
    return snapshot__sync_dir(s, errp);
}

/* Removes temporary files and payloads no metadata names. */
static bool prune_files(SnapshotStore *s, GPtrArray *files, GHashTable *keep,
                        GPtrArray *expired, GPtrArray *orphans,
                        GError **errp)
{
    for (size_t i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        g_autofree char *owner = NULL;
        SnapshotFileKind kind = snapshot__file_kind(f, &owner);
        bool of_expired = false;

        if (kind != SNAPSHOT_FILE_TEMP &&
            (kind != SNAPSHOT_FILE_PAYLOAD ||
             g_hash_table_contains(keep, f))) {
            continue;
        }
        if (!snapshot__remove_file(s, f, true, errp)) {
            return false;
        }
        /* The payload of an expired snapshot goes with it; any other
         * unused file is an orphan. */
        for (size_t k = 0; owner && k < expired->len; k++) {
            of_expired = of_expired ||
                         !strcmp(owner, g_ptr_array_index(expired, k));
        }
        if (!of_expired) {
            g_ptr_array_add(orphans, g_strdup(f));
        }
    }
    return snapshot__sync_dir(s, errp);
}

static char **to_strv(GPtrArray *a)
{
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, false);
}

static gint compare_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool prune_locked(SnapshotStore *s, int64_t now,
                         SnapshotPruneReport **report, GError **errp)
{
    g_autoptr(GPtrArray) files = snapshot__list_dir(s, errp);
    g_autoptr(GPtrArray) metas = NULL;
    g_autoptr(GHashTable) keep = g_hash_table_new_full(g_str_hash,
                                                       g_str_equal, g_free,
                                                       NULL);
    GPtrArray *expired = g_ptr_array_new();
    GPtrArray *orphans = g_ptr_array_new();
    bool ok;

    /* Every metadata file is read before anything is removed, so a
     * damaged one stops the prune with the store untouched. */
    metas = files ? snapshot__read_all_meta(s, errp) : NULL;
    ok = metas &&
         prune_meta(s, metas, now, keep, expired, orphans, errp) &&
         prune_files(s, files, keep, expired, orphans, errp);
    g_ptr_array_sort(orphans, compare_str);
    if (ok && report) {
        *report = g_new0(SnapshotPruneReport, 1);
        (*report)->expired = to_strv(expired);
        (*report)->orphans = to_strv(orphans);
    } else {
        g_strfreev(to_strv(expired));
        g_strfreev(to_strv(orphans));
    }
    return ok;
}

bool snapshot_store_prune(SnapshotStore *store, int64_t now,
                          SnapshotPruneReport **report, GError **errp)
{
    bool ok;
    int lock;

    g_return_val_if_fail(store != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    lock = snapshot__lock(store, true, errp);
    if (lock < 0) {
        return false;
    }
    ok = prune_locked(store, now, report, errp);
    snapshot__unlock(lock);
    return ok;
}

/* --- Rebuild -------------------------------------------------------------- */

/* The newest of @name's payload files (by modification time, then name). */
static char *newest_payload(SnapshotStore *s, const char *name,
                            GError **errp)
{
    g_autoptr(GPtrArray) files = snapshot__list_dir(s, errp);
    g_autoptr(GPtrArray) payloads = NULL;
    const char *best = NULL;
    int64_t best_mtime = 0;

    if (!files) {
        return NULL;
    }
    payloads = payloads_of(files, name);
    for (size_t i = 0; i < payloads->len; i++) {
        const char *f = g_ptr_array_index(payloads, i);
        struct stat st;

        if (fstatat(s->dirfd, f, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            (!best || st.st_mtime >= best_mtime)) {
            best = f;
            best_mtime = st.st_mtime;
        }
    }
    if (!best) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "%s: no payload file to rebuild the metadata from", name);
        return NULL;
    }
    return g_strdup(best);
}

static SnapshotMeta *rebuild_locked(SnapshotStore *s, const char *name,
                                    GError **errp)
{
    g_autoptr(SnapshotMeta) old = snapshot__read_meta(s, name, NULL);
    g_autofree char *file = NULL;
    g_autofree char *meta_file = snapshot__meta_file(name);
    g_autoptr(GByteArray) data = NULL;
    g_autoptr(MigrationStream) st = NULL;
    g_autoptr(SnapshotMeta) m = NULL;
    g_autoptr(GString) text = NULL;
    int64_t mtime = 0;

    if (old) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: has valid metadata, nothing to rebuild", name);
        return NULL;
    }
    file = newest_payload(s, name, errp);
    data = file ? snapshot__read_file(s, file, s->limits.max_alloc, &mtime,
                                      errp)
                : NULL;
    st = data ? migration_stream_decode(data->data, data->len, &s->limits,
                                        errp)
              : NULL;
    if (!st) {
        return NULL;
    }
    m = snapshot__meta_from_stream(name, st, data->data, data->len);
    /* The file is named after its checksum: a payload whose bytes no
     * longer match its name is damaged. */
    if (strcmp(m->payload, file)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_CHECKSUM,
                    "%s: payload %s does not match the checksum in its name",
                    name, file);
        return NULL;
    }
    snapshot__meta_set_times(m, mtime, NULL, NULL);
    m->unrecovered = SNAPSHOT_META_FIELD_CREATED |
                     SNAPSHOT_META_FIELD_LIFETIME;
    text = snapshot__meta_to_text(m);
    if (!snapshot__write_file(s, meta_file, text->str, text->len,
                              SNAPSHOT_STEP_META_PARTIAL, NULL, errp)) {
        return NULL;
    }
    return g_steal_pointer(&m);
}

SnapshotMeta *snapshot_store_rebuild_meta(SnapshotStore *store,
                                          const char *name, GError **errp)
{
    g_return_val_if_fail(store != NULL && name != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    return snapshot__meta_locked(store, name, true, rebuild_locked, errp);
}
