/*
 * Internals shared by the snapshot store's files: the store struct, the
 * lock, file names, files written and read relative to the store's
 * directory, and the test-only step hook.
 */
#ifndef QVISIT_SNAPSHOT_STORE_INTERNAL_H
#define QVISIT_SNAPSHOT_STORE_INTERNAL_H

#include <sys/types.h>

#include "qvisit/snapshot-store.h"

/* File names inside the store. */
#define SNAPSHOT_LOCK_FILE ".lock"
#define SNAPSHOT_META_SUFFIX ".meta.json"
#define SNAPSHOT_PAYLOAD_SUFFIX ".payload"
#define SNAPSHOT_HASH_LEN 16    /* hex digits of the SHA-256 in the name */
#define SNAPSHOT_TMP_MARK ".tmp-"
#define SNAPSHOT_CHECKSUM_PREFIX "sha256:"
/* A metadata file is small; bound its read. */
#define SNAPSHOT_META_MAX (16u << 20)

/*
 * The points of an operation a test can stop at (snapshot__set_step_hook),
 * in the order create reaches them. The ..._PARTIAL steps come after half
 * of a temporary file was written.
 */
typedef enum {
    SNAPSHOT_STEP_LOCKED,
    SNAPSHOT_STEP_PAUSED,
    SNAPSHOT_STEP_META_CACHED,
    SNAPSHOT_STEP_PAYLOAD_PARTIAL,
    SNAPSHOT_STEP_PAYLOAD_WRITTEN,  /* temporary file whole and fsync'ed */
    SNAPSHOT_STEP_PAYLOAD_RENAMED,
    SNAPSHOT_STEP_PAYLOAD_SYNCED,   /* directory fsync'ed */
    SNAPSHOT_STEP_RESUMED,
    SNAPSHOT_STEP_META_PARTIAL,
    SNAPSHOT_STEP_META_WRITTEN,
    SNAPSHOT_STEP_META_RENAMED,     /* the snapshot exists from here */
    SNAPSHOT_STEP_META_SYNCED,
    SNAPSHOT_STEP_OLD_PAYLOAD_REMOVED,
    SNAPSHOT_STEP_DELETE_META_REMOVED,
    SNAPSHOT_STEP_DELETE_PAYLOAD_REMOVED,
    SNAPSHOT_STEP__MAX,
} SnapshotStep;

/*
 * Called at each step; returning false makes the operation fail there as
 * an I/O error would (QVISIT_ERROR_IO), so tests reach every failure path.
 * A test kills its child process from the hook to simulate a crash.
 */
typedef bool (*SnapshotStepHook)(SnapshotStep step, void *opaque);
/* Replaces the clock (seconds since the epoch) for tests. */
typedef int64_t (*SnapshotClock)(void *opaque);

struct SnapshotStore {
    char *path;             /* absolute */
    char *display;          /* path escaped for messages */
    int dirfd;              /* the directory, opened O_DIRECTORY */
    dev_t dev;              /* its identity, checked by every operation */
    ino_t ino;
    int lock_timeout_ms;    /* -1: wait for ever */
    QVisitLimits limits;
    SnapshotStepHook step_hook;
    void *step_opaque;
    SnapshotClock clock;
    void *clock_opaque;
};

/* Test hooks; NULL restores the default. */
void snapshot__set_step_hook(SnapshotStore *s, SnapshotStepHook hook,
                             void *opaque);
void snapshot__set_clock(SnapshotStore *s, SnapshotClock clock,
                         void *opaque);
const char *snapshot__step_name(SnapshotStep step);
/* Runs the hook; false with an error naming @what when it says fail. */
bool snapshot__step(SnapshotStore *s, SnapshotStep step, const char *what,
                    GError **errp);
int64_t snapshot__now(SnapshotStore *s);

/*
 * Checks the store still is the directory it opened, then takes the lock
 * (shared or exclusive) within the store's timeout. Returns the lock's
 * fd, or -1 with an error. snapshot__unlock() closes it.
 */
int snapshot__lock(SnapshotStore *s, bool exclusive, GError **errp);
void snapshot__unlock(int fd);

/* Something done to snapshot @name with the store locked. */
typedef SnapshotMeta *(*SnapshotMetaFn)(SnapshotStore *s, const char *name,
                                        GError **errp);
/*
 * Checks @name (snapshot_name_check()), takes the lock (@exclusive or
 * shared), calls @fn and unlocks. Returns what @fn returns, or NULL with
 * an error when the name is refused or the lock not taken.
 */
SnapshotMeta *snapshot__meta_locked(SnapshotStore *s, const char *name,
                                    bool exclusive, SnapshotMetaFn fn,
                                    GError **errp);

/* NAME.meta.json and NAME.HASH.payload (HASH from "sha256:..."). */
char *snapshot__meta_file(const char *name);
char *snapshot__payload_file(const char *name, const char *checksum);

typedef enum {
    SNAPSHOT_FILE_OTHER,    /* not a name the store uses */
    SNAPSHOT_FILE_META,
    SNAPSHOT_FILE_PAYLOAD,
    SNAPSHOT_FILE_TEMP,     /* a temporary file of an unfinished write */
} SnapshotFileKind;

/* What a directory entry is, and (META, PAYLOAD) whose: *name is set to
 * a valid snapshot name, or the kind is OTHER. */
SnapshotFileKind snapshot__file_kind(const char *file, char **name);

/* "sha256:<hex>" of @data. */
char *snapshot__checksum(const void *data, size_t len);

/* QVISIT_ERROR_IO "DIR/FILE: OP: strerror" (no "/FILE" when NULL). */
bool snapshot__io_error(SnapshotStore *s, const char *file, const char *op,
                        int err, GError **errp);

/*
 * Writes @file in the store atomically: a temporary file (mode 0600),
 * fsync, rename, fsync of the directory. @partial is the step reached
 * after half the bytes; the three steps after it follow in the enum
 * (WRITTEN, RENAMED, SYNCED). On a failure before the rename the
 * temporary file is removed and @file untouched; *placed (when not NULL)
 * tells whether @file was renamed into place, which a failed fsync of
 * the directory does not undo.
 */
bool snapshot__write_file(SnapshotStore *s, const char *file,
                          const void *data, size_t len, SnapshotStep partial,
                          bool *placed, GError **errp);
/* Reads a whole regular file of the store (never through a symlink);
 * more than @max bytes is QVISIT_ERROR_LIMIT. *mtime gets its
 * modification time when not NULL. */
GByteArray *snapshot__read_file(SnapshotStore *s, const char *file,
                                size_t max, int64_t *mtime, GError **errp);
/* Removes @file; a missing file is success when @missing_ok. */
bool snapshot__remove_file(SnapshotStore *s, const char *file,
                           bool missing_ok, GError **errp);
bool snapshot__sync_dir(SnapshotStore *s, GError **errp);
bool snapshot__file_exists(SnapshotStore *s, const char *file);
/* The directory's entry names, sorted. */
GPtrArray *snapshot__list_dir(SnapshotStore *s, GError **errp);

/* The metadata of @name, read and checked; QVISIT_ERROR_UNKNOWN when it
 * has none. The store must be locked. */
SnapshotMeta *snapshot__read_meta(SnapshotStore *s, const char *name,
                                  GError **errp);
/* The metadata file's bytes: the document, pretty, and a newline. */
GString *snapshot__meta_to_text(const SnapshotMeta *meta);
/*
 * Metadata of a decoded stream @st (format, machine, capabilities and
 * sections) stored as @name with @data's size and checksum; the caller
 * sets the times.
 */
SnapshotMeta *snapshot__meta_from_stream(const char *name,
                                         const MigrationStream *st,
                                         const void *data, size_t len);
/* Sets created, lifetime and expires; QVISIT_ERROR_RANGE past the end of
 * time. */
bool snapshot__meta_set_times(SnapshotMeta *meta, int64_t created,
                              const SnapshotCreateOptions *opts,
                              GError **errp);

/* Every metadata file of the store, read and checked, sorted by creation
 * time then name; the store must be locked. */
GPtrArray *snapshot__read_all_meta(SnapshotStore *s, GError **errp);

/*
 * Writes a new snapshot's payload and then its metadata, and removes
 * @old (nullable), the payload of the snapshot it replaces. @resume
 * (nullable) runs after the payload is on disk or failed, before the
 * metadata is written. On a failure before the metadata is in place the
 * new payload is removed again. The store must be locked exclusively.
 */
bool snapshot__commit(SnapshotStore *s, const SnapshotMeta *meta,
                      const void *data, size_t len, const char *old,
                      void (*resume)(void *opaque), void *opaque,
                      GError **errp);

#endif /* QVISIT_SNAPSHOT_STORE_INTERNAL_H */
