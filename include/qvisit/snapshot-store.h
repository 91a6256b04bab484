/*
 * Snapshot store: named snapshots of a registry's devices in a directory,
 * each with a small metadata record that lists, prunes and checks it
 * without reading its payload.
 *
 * Life cycle: snapshot_store_open() a directory (created 0700 if missing),
 * then any number of operations, then snapshot_store_free(). Every
 * operation takes an advisory lock on the store's lock file for its own
 * duration only (exclusive for create, import, delete, prune and rebuild,
 * shared for the others), so any number of processes may use one store;
 * a second writer waits (snapshot_store_set_lock_timeout()) or fails with
 * %QVISIT_ERROR_IO.
 *
 * A snapshot NAME is two files in the directory: the payload,
 * NAME.HASH.payload, which is a whole migration stream in any of the three
 * formats (HASH: the first 16 hex digits of its SHA-256), and the
 * metadata, NAME.meta.json, which names the payload file and holds its
 * size and SHA-256. The metadata file is written last and is what makes
 * a snapshot exist: each file is written under a temporary name, fsync'ed
 * and renamed, and the directory fsync'ed after each rename, so a crash at
 * any point leaves either the old state or the whole new snapshot, plus
 * at most some orphan files that snapshot_store_prune() removes. The whole
 * argument, the locking and the metadata schema are in
 * docs/snapshot-store.md.
 *
 * Snapshot names are 1..128 bytes of UTF-8 without '/', "..", control
 * characters (C0, DEL, C1) or a leading '.' (snapshot_name_check()).
 *
 * Times are seconds since the epoch (UTC), from 0 to 253402300799
 * (9999-12-31T23:59:59Z); the metadata spells them in RFC 3339.
 *
 * A SnapshotStore is not thread-safe; use one per thread.
 */
#ifndef QVISIT_SNAPSHOT_STORE_H
#define QVISIT_SNAPSHOT_STORE_H

#include <glib.h>

#include "qvisit/common.h"
#include "qvisit/limits.h"
#include "qvisit/migration.h"
#include "qvisit/qobject.h"

/**
 * SNAPSHOT_NAME_MAX:
 *
 * The longest snapshot name, in bytes.
 *
 * Since: 0.2
 */
#define SNAPSHOT_NAME_MAX 128

/**
 * SNAPSHOT_TIME_MAX:
 *
 * The latest time the store handles: 9999-12-31T23:59:59Z.
 *
 * Since: 0.2
 */
#define SNAPSHOT_TIME_MAX INT64_C(253402300799)

/* --- Names and times --------------------------------------------------- */

/**
 * snapshot_name_check:
 * @name: a proposed snapshot name
 * @errp: return location for an error
 *
 * Checks the naming rules of the header comment.
 *
 * Errors: %QVISIT_ERROR_INVALID, e.g. `snapshot name "a/b": contains '/'`
 * (the name escaped so the message stays one line).
 *
 * Returns: true when @name is a valid snapshot name.
 * Since: 0.2
 */
QVISIT_API bool snapshot_name_check(const char *name, GError **errp);

/**
 * snapshot_time_format:
 * @t: seconds since the epoch, 0..%SNAPSHOT_TIME_MAX
 *
 * Returns: (transfer full): @t in RFC 3339 UTC, "2024-05-01T12:00:00Z";
 *   free with g_free(). Times out of range are clamped.
 * Since: 0.2
 */
QVISIT_API char *snapshot_time_format(int64_t t);

/**
 * snapshot_time_parse:
 * @text: an RFC 3339 time in UTC ("2024-05-01T12:00:00Z"; 't', 'z', a
 *   space for 'T', "+00:00" for 'Z' and a fraction of a second, which is
 *   dropped, are accepted), or "@SECONDS" since the epoch
 * @t: (out): the time
 * @errp: return location for an error
 *
 * Errors: %QVISIT_ERROR_PARSE for another spelling or an offset other
 * than UTC, %QVISIT_ERROR_RANGE for a time outside 0..%SNAPSHOT_TIME_MAX
 * or an impossible date.
 *
 * Returns: true on success; @t is unchanged on failure.
 * Since: 0.2
 */
QVISIT_API bool snapshot_time_parse(const char *text, int64_t *t,
                                    GError **errp);

/* --- Metadata ---------------------------------------------------------- */

/**
 * SnapshotMetaField:
 * @SNAPSHOT_META_FIELD_CREATED: the creation time (rebuild takes the
 *   payload file's modification time)
 * @SNAPSHOT_META_FIELD_LIFETIME: the life time (rebuild sets none)
 *
 * Fields snapshot_store_rebuild_meta() could not recover from a payload;
 * bits of #SnapshotMeta.unrecovered. Bits may be added.
 *
 * Since: 0.2
 */
typedef enum {
    SNAPSHOT_META_FIELD_CREATED = 1 << 0,
    SNAPSHOT_META_FIELD_LIFETIME = 1 << 1,
} SnapshotMetaField;

/**
 * SnapshotMetaDevice:
 * @id: device id
 * @instance_id: instance id
 * @version: the section's layout version
 * @bytes: the section's size in the payload (0 for the JSON format, whose
 *   sections have no size of their own)
 *
 * One device section of a snapshot.
 *
 * Since: 0.2
 */
typedef struct SnapshotMetaDevice {
    char *id;
    uint32_t instance_id;
    uint32_t version;
    uint64_t bytes;
} SnapshotMetaDevice;

/**
 * SnapshotMeta:
 * @name: the snapshot's name
 * @created: creation time, seconds since the epoch
 * @has_lifetime: false when the snapshot never expires
 * @lifetime: life time in seconds (when @has_lifetime)
 * @expires: @created + @lifetime (when @has_lifetime)
 * @format: the payload's format
 * @payload: the payload's file name in the store
 * @payload_size: the payload's size in bytes
 * @checksum: "sha256:" and the payload's SHA-256 in 64 lowercase hex
 *   digits
 * @machine: machine type recorded in the payload
 * @machine_version: machine version recorded in the payload (0: none)
 * @capabilities: capability mask recorded in the payload
 * @n_devices: entries in @devices
 * @devices: the device sections, in payload order
 * @unrecovered: #SnapshotMetaField bits snapshot_store_rebuild_meta()
 *   could not recover (0 for a snapshot created or imported)
 *
 * The metadata record of one snapshot; read-only for callers. Free with
 * snapshot_meta_free().
 *
 * Since: 0.2
 */
typedef struct SnapshotMeta {
    char *name;
    int64_t created;
    bool has_lifetime;
    uint64_t lifetime;
    int64_t expires;
    MigrationFormat format;
    char *payload;
    uint64_t payload_size;
    char *checksum;
    char *machine;
    uint32_t machine_version;
    uint64_t capabilities;
    size_t n_devices;
    SnapshotMetaDevice *devices;
    unsigned unrecovered;
} SnapshotMeta;

/**
 * snapshot_meta_free:
 * @meta: (transfer full) (nullable): metadata
 *
 * Since: 0.2
 */
QVISIT_API void snapshot_meta_free(SnapshotMeta *meta);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SnapshotMeta, snapshot_meta_free)

/**
 * snapshot_meta_is_expired:
 * @meta: metadata
 * @now: the current time, seconds since the epoch
 *
 * A snapshot's life time has passed from the second it expires on: it is
 * expired when it has a life time and @now >= @meta->expires.
 *
 * Returns: true when @meta is expired at @now.
 * Since: 0.2
 */
QVISIT_API bool snapshot_meta_is_expired(const SnapshotMeta *meta,
                                         int64_t now);

/**
 * snapshot_meta_to_qobject:
 * @meta: metadata
 *
 * The metadata document (docs/snapshot-store.md, "Metadata"): the
 * members "schema" ("qvisit-snapshot"), "schema_version" (1), "name",
 * "created", "lifetime", "expires", "format", "payload", "payload_size",
 * "checksum", "machine", "machine_version", "capabilities", "devices"
 * (a list of {"id", "instance_id", "version", "bytes"}) and
 * "unrecovered" (a list of field names), in this order.
 *
 * Returns: (transfer full): the document.
 * Since: 0.2
 */
QVISIT_API QDict *snapshot_meta_to_qobject(const SnapshotMeta *meta);

/**
 * snapshot_meta_from_qobject:
 * @doc: (transfer none): a metadata document
 * @errp: return location for an error
 *
 * Reads and checks a metadata document: every member of
 * snapshot_meta_to_qobject() must be there with its type (members not
 * known to this release are ignored), the name must be valid, the
 * payload file must be the name's, the times in range and "expires" equal
 * to "created" plus "lifetime".
 *
 * Errors: %QVISIT_ERROR_MISSING, %QVISIT_ERROR_TYPE, %QVISIT_ERROR_RANGE
 * or %QVISIT_ERROR_INVALID starting with the member's path
 * (`devices[1].id: expected string, got number`), %QVISIT_ERROR_VERSION
 * for a schema_version above 1.
 *
 * Returns: (transfer full) (nullable): the metadata, or NULL on error.
 * Since: 0.2
 */
QVISIT_API SnapshotMeta *snapshot_meta_from_qobject(const QDict *doc,
                                                    GError **errp);

/* --- The store ---------------------------------------------------------- */

/**
 * SnapshotStore:
 *
 * An open snapshot store; opaque.
 *
 * Since: 0.2
 */
typedef struct SnapshotStore SnapshotStore;

/**
 * SnapshotStoreOpenFlags:
 * @SNAPSHOT_STORE_OPEN_NO_CREATE: fail with %QVISIT_ERROR_UNKNOWN when
 *   the directory does not exist instead of creating it
 *
 * Since: 0.2
 */
typedef enum {
    SNAPSHOT_STORE_OPEN_NO_CREATE = 1 << 0,
} SnapshotStoreOpenFlags;

/**
 * snapshot_store_open:
 * @dir: the store's directory
 * @errp: return location for an error
 *
 * snapshot_store_open_full() with mode 0700 and no flags.
 *
 * Returns: (transfer full) (nullable): the store, or NULL on error.
 * Since: 0.2
 */
QVISIT_API SnapshotStore *snapshot_store_open(const char *dir,
                                              GError **errp);

/**
 * snapshot_store_open_full:
 * @dir: the store's directory; relative paths are taken from the current
 *   directory now, so a later chdir() does not move the store
 * @mode: permissions of the directory when it is created (its parent
 *   must exist); an existing directory keeps its own
 * @flags: #SnapshotStoreOpenFlags
 * @errp: return location for an error
 *
 * Opens (and, unless told not to, creates) a store. @dir itself must be
 * a directory, not a symbolic link (symbolic links in its parents are
 * followed). The store keeps the directory open, and every operation
 * first checks that @dir still names that same directory, so a store
 * replaced by a symbolic link or another directory after the open makes
 * operations fail instead of writing elsewhere.
 *
 * Errors: %QVISIT_ERROR_INVALID when @dir is a symbolic link or not a
 * directory, %QVISIT_ERROR_UNKNOWN when it does not exist and
 * %SNAPSHOT_STORE_OPEN_NO_CREATE is given, %QVISIT_ERROR_IO naming the
 * path and the OS error.
 *
 * Returns: (transfer full) (nullable): the store, or NULL on error.
 * Since: 0.2
 */
QVISIT_API SnapshotStore *snapshot_store_open_full(const char *dir,
                                                   unsigned mode,
                                                   unsigned flags,
                                                   GError **errp);

/**
 * snapshot_store_free:
 * @store: (transfer full) (nullable): a store
 *
 * Closes the store; its files stay.
 *
 * Since: 0.2
 */
QVISIT_API void snapshot_store_free(SnapshotStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SnapshotStore, snapshot_store_free)

/**
 * snapshot_store_get_path:
 * @store: a store
 *
 * Returns: (transfer none): the store's absolute path, valid while
 *   @store lives.
 * Since: 0.2
 */
QVISIT_API const char *snapshot_store_get_path(const SnapshotStore *store);

/**
 * snapshot_store_set_lock_timeout:
 * @store: a store
 * @timeout_ms: how long an operation waits for a lock another process
 *   holds: -1 (the default) waits as long as it takes, 0 fails at once
 *
 * Since: 0.2
 */
QVISIT_API void snapshot_store_set_lock_timeout(SnapshotStore *store,
                                                int timeout_ms);

/**
 * snapshot_store_set_limits:
 * @store: a store
 * @limits: (transfer none): copied; max_alloc bounds the payload a
 *   restore, verify or read reads, and the other members bound the
 *   decoding of import, verify and rebuild. The defaults are
 *   qvisit_limits_default().
 *
 * Since: 0.2
 */
QVISIT_API void snapshot_store_set_limits(SnapshotStore *store,
                                          const QVisitLimits *limits);

/**
 * SnapshotCreateOptions:
 * @format: the payload's format; %MIGRATION_FORMAT_UNKNOWN (0) chooses it
 *   from the registry's capabilities (migration_format_for_capabilities())
 *   for snapshot_store_create(); snapshot_store_import() keeps the
 *   stream's own format and ignores this
 * @has_lifetime: false (0): the snapshot never expires
 * @lifetime: life time in seconds, when @has_lifetime
 * @replace: replace a snapshot of the same name instead of failing
 *
 * Options of snapshot_store_create() and snapshot_store_import(); an
 * all-zero struct (or NULL) asks for the defaults.
 *
 * Since: 0.2
 */
typedef struct SnapshotCreateOptions {
    MigrationFormat format;
    bool has_lifetime;
    uint64_t lifetime;
    bool replace;
} SnapshotCreateOptions;

/**
 * snapshot_store_create:
 * @store: a store
 * @name: the snapshot's name
 * @r: the registry whose devices are saved
 * @opts: (nullable): options; NULL for the defaults
 * @meta: (out) (optional) (transfer full): the new snapshot's metadata
 * @errp: return location for an error
 *
 * Takes a snapshot as one operation: under the store's exclusive lock,
 * pauses every device of @r, saves them (migration_save()) into memory,
 * computes the metadata (size, SHA-256, machine, capabilities, each
 * device's id, instance, version and bytes), writes the payload file,
 * resumes every device (also when anything failed), then writes the
 * metadata file, which makes the snapshot visible. On failure nothing of
 * the new snapshot is visible and an older snapshot of the same name is
 * untouched, with one exception: when only the fsync of the directory
 * after the metadata's rename fails, the new snapshot is already in
 * place (a rename cannot be taken back) and the error names the fsync.
 * A replaced snapshot's payload is removed once the new metadata is
 * durable.
 *
 * Errors: %QVISIT_ERROR_INVALID for an invalid name, an existing name
 * without @opts->replace, or a store directory that was replaced;
 * %QVISIT_ERROR_RANGE when the life time goes past %SNAPSHOT_TIME_MAX;
 * the errors of migration_save(); %QVISIT_ERROR_IO for the lock and the
 * files.
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool snapshot_store_create(SnapshotStore *store, const char *name,
                                      MigrationRegistry *r,
                                      const SnapshotCreateOptions *opts,
                                      SnapshotMeta **meta, GError **errp);

/**
 * snapshot_store_import:
 * @store: a store
 * @name: the snapshot's name
 * @data: (array length=len): a whole migration stream in any format
 *   (legacy streams need their vmdesc)
 * @len: bytes at @data
 * @opts: (nullable): options (@format is ignored)
 * @meta: (out) (optional) (transfer full): the new snapshot's metadata
 * @errp: return location for an error
 *
 * Stores @data byte for byte as a snapshot created now, with metadata
 * read from the stream itself (decoded with the store's limits), written
 * as snapshot_store_create() writes it.
 *
 * Errors: as snapshot_store_create(), and those of
 * migration_stream_decode() for a stream that does not decode.
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool snapshot_store_import(SnapshotStore *store, const char *name,
                                      const void *data, size_t len,
                                      const SnapshotCreateOptions *opts,
                                      SnapshotMeta **meta, GError **errp);

/**
 * snapshot_store_list:
 * @store: a store
 * @errp: return location for an error
 *
 * Reads every metadata file (never a payload), sorted by creation time,
 * then by name.
 *
 * Errors: %QVISIT_ERROR_IO; the errors of snapshot_meta_from_qobject()
 * or %QVISIT_ERROR_PARSE for a damaged metadata file, prefixed with its
 * file name (delete or rebuild that snapshot to repair the store).
 *
 * Returns: (transfer full) (element-type SnapshotMeta) (nullable): the
 *   snapshots (possibly none), freeing their elements when freed; NULL
 *   on error.
 * Since: 0.2
 */
QVISIT_API GPtrArray *snapshot_store_list(SnapshotStore *store,
                                          GError **errp);

/**
 * snapshot_store_show:
 * @store: a store
 * @name: a snapshot name
 * @errp: return location for an error
 *
 * Reads one snapshot's metadata.
 *
 * Errors: %QVISIT_ERROR_INVALID for an invalid name,
 * %QVISIT_ERROR_UNKNOWN when there is no such snapshot, and as
 * snapshot_store_list() for a damaged metadata file.
 *
 * Returns: (transfer full) (nullable): the metadata, or NULL on error.
 * Since: 0.2
 */
QVISIT_API SnapshotMeta *snapshot_store_show(SnapshotStore *store,
                                             const char *name,
                                             GError **errp);

/**
 * snapshot_store_read_payload:
 * @store: a store
 * @name: a snapshot name
 * @out: (transfer none): receives the payload byte for byte, appended
 *   only on success
 * @errp: return location for an error
 *
 * Reads a snapshot's payload and checks its size and SHA-256 against
 * the metadata.
 *
 * Errors: as snapshot_store_show(); %QVISIT_ERROR_CHECKSUM when the size
 * or the checksum differs; %QVISIT_ERROR_LIMIT when the size exceeds the
 * store's max_alloc; %QVISIT_ERROR_IO (a missing payload file too).
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool snapshot_store_read_payload(SnapshotStore *store,
                                            const char *name,
                                            GByteArray *out, GError **errp);

/**
 * snapshot_store_verify:
 * @store: a store
 * @name: a snapshot name
 * @errp: return location for an error
 *
 * snapshot_store_read_payload(), then decodes the whole payload with
 * migration_stream_decode() (no device is loaded) and checks that its
 * format, machine, machine version, capabilities and sections are the
 * ones the metadata lists.
 *
 * Errors: those of snapshot_store_read_payload() and
 * migration_stream_decode(); %QVISIT_ERROR_INVALID when the metadata and
 * the payload disagree.
 *
 * Returns: true when the snapshot is whole.
 * Since: 0.2
 */
QVISIT_API bool snapshot_store_verify(SnapshotStore *store, const char *name,
                                      GError **errp);

/**
 * snapshot_store_restore:
 * @store: a store
 * @name: a snapshot name
 * @r: the registry to load into
 * @report: (out) (optional) (transfer full): what was loaded
 * @errp: return location for an error
 *
 * snapshot_store_read_payload(), then migration_load(): the checksum is
 * checked before any device is touched, and the load is the usual
 * transaction (a snapshot of another machine version or release goes
 * through @r's compat registry).
 *
 * Errors: those of snapshot_store_read_payload() and migration_load().
 *
 * Returns: true on success; on failure no device was written.
 * Since: 0.2
 */
QVISIT_API bool snapshot_store_restore(SnapshotStore *store, const char *name,
                                       MigrationRegistry *r,
                                       MigrationReport **report,
                                       GError **errp);

/**
 * snapshot_store_delete:
 * @store: a store
 * @name: a snapshot name
 * @errp: return location for an error
 *
 * Removes the metadata file first (the snapshot is gone from then on),
 * then every payload file of @name. Works on a snapshot whose metadata
 * is damaged or lost too.
 *
 * Errors: %QVISIT_ERROR_INVALID for an invalid name,
 * %QVISIT_ERROR_UNKNOWN when no file of @name exists, %QVISIT_ERROR_IO.
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool snapshot_store_delete(SnapshotStore *store, const char *name,
                                      GError **errp);

/**
 * SnapshotPruneReport:
 * @expired: (array zero-terminated=1): names of the snapshots removed
 *   because their life time had passed, by creation time
 * @orphans: (array zero-terminated=1): files removed because no
 *   snapshot owns them (temporary files, payloads without metadata,
 *   metadata whose payload is missing), sorted
 *
 * What snapshot_store_prune() removed. Free with
 * snapshot_prune_report_free().
 *
 * Since: 0.2
 */
typedef struct SnapshotPruneReport {
    char **expired;
    char **orphans;
} SnapshotPruneReport;

/**
 * snapshot_prune_report_free:
 * @report: (transfer full) (nullable): a report
 *
 * Since: 0.2
 */
QVISIT_API void snapshot_prune_report_free(SnapshotPruneReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SnapshotPruneReport, snapshot_prune_report_free)

/**
 * snapshot_store_prune:
 * @store: a store
 * @now: the current time, seconds since the epoch (snapshot_meta_is_expired())
 * @report: (out) (optional) (transfer full): what was removed
 * @errp: return location for an error
 *
 * Under the exclusive lock, deletes every expired snapshot and every
 * orphan file a crash can leave (see #SnapshotPruneReport). Files whose
 * names the store never uses (no ".payload", ".meta.json" or temporary
 * suffix) are left alone.
 *
 * Errors: as snapshot_store_list() for a damaged metadata file (nothing
 * is removed then); %QVISIT_ERROR_IO.
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool snapshot_store_prune(SnapshotStore *store, int64_t now,
                                     SnapshotPruneReport **report,
                                     GError **errp);

/**
 * snapshot_store_rebuild_meta:
 * @store: a store
 * @name: a snapshot name whose metadata file is lost or damaged
 * @errp: return location for an error
 *
 * Writes a new metadata file from the newest payload file of @name: the
 * stream gives the format, machine, capabilities and devices; the
 * creation time becomes the payload file's modification time and the
 * life time none, and both are marked in #SnapshotMeta.unrecovered.
 *
 * Errors: %QVISIT_ERROR_INVALID for an invalid name or when @name has
 * valid metadata, %QVISIT_ERROR_UNKNOWN when it has no payload file, the
 * errors of migration_stream_decode(), %QVISIT_ERROR_IO.
 *
 * Returns: (transfer full) (nullable): the new metadata, or NULL on
 *   error.
 * Since: 0.2
 */
QVISIT_API SnapshotMeta *snapshot_store_rebuild_meta(SnapshotStore *store,
                                                     const char *name,
                                                     GError **errp);

#endif /* QVISIT_SNAPSHOT_STORE_H */
