/*
 * The snapshot store's files: the per-operation lock, and files written,
 * read and removed relative to the store's open directory, so a path
 * swapped under the store never redirects them.
 */
#include "qvisit/snapshot-store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migration/snapshot-store-internal.h"
#include "qvisit/error.h"
#include "util/error-at.h"

bool snapshot__io_error(SnapshotStore *s, const char *file, const char *op,
                        int err, GError **errp)
{
    g_autofree char *esc = file ? qvisit_error_escape(file, -1) : NULL;
    g_autofree char *where = g_strconcat(s->display, esc ? "/" : "", esc,
                                         NULL);

    return qvisit__error_at(errp, QVISIT_ERROR_IO, where, QVISIT_NO_OFFSET,
                            "%s: %s", op, g_strerror(err));
}

/* --- Test hooks ---------------------------------------------------------- */

static const char *const step_names[] = {
    [SNAPSHOT_STEP_LOCKED] = "locked",
    [SNAPSHOT_STEP_PAUSED] = "paused",
    [SNAPSHOT_STEP_META_CACHED] = "meta-cached",
    [SNAPSHOT_STEP_PAYLOAD_PARTIAL] = "payload-partial",
    [SNAPSHOT_STEP_PAYLOAD_WRITTEN] = "payload-written",
    [SNAPSHOT_STEP_PAYLOAD_RENAMED] = "payload-renamed",
    [SNAPSHOT_STEP_PAYLOAD_SYNCED] = "payload-synced",
    [SNAPSHOT_STEP_RESUMED] = "resumed",
    [SNAPSHOT_STEP_META_PARTIAL] = "meta-partial",
    [SNAPSHOT_STEP_META_WRITTEN] = "meta-written",
    [SNAPSHOT_STEP_META_RENAMED] = "meta-renamed",
    [SNAPSHOT_STEP_META_SYNCED] = "meta-synced",
    [SNAPSHOT_STEP_OLD_PAYLOAD_REMOVED] = "old-payload-removed",
    [SNAPSHOT_STEP_DELETE_META_REMOVED] = "delete-meta-removed",
    [SNAPSHOT_STEP_DELETE_PAYLOAD_REMOVED] = "delete-payload-removed",
};

G_STATIC_ASSERT(G_N_ELEMENTS(step_names) == SNAPSHOT_STEP__MAX);

const char *snapshot__step_name(SnapshotStep step)
{
    return (unsigned)step < SNAPSHOT_STEP__MAX ? step_names[step] : "?";
}

void snapshot__set_step_hook(SnapshotStore *s, SnapshotStepHook hook,
                             void *opaque)
{
    s->step_hook = hook;
    s->step_opaque = opaque;
}

bool snapshot__step(SnapshotStore *s, SnapshotStep step, const char *what,
                    GError **errp)
{
    g_autofree char *esc = NULL;

    if (!s->step_hook || s->step_hook(step, s->step_opaque)) {
        return true;
    }
    esc = qvisit_error_escape(what, -1);
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                "%s/%s: %s: failure injected by a test", s->display, esc,
                snapshot__step_name(step));
    return false;
}

/* --- The lock ------------------------------------------------------------ */

/* The path may have been renamed away or replaced since the open; every
 * operation refuses to go on then, rather than act on a directory the
 * caller no longer names. */
static bool check_identity(SnapshotStore *s, GError **errp)
{
    struct stat st;

    if (lstat(s->path, &st) < 0) {
        return snapshot__io_error(s, NULL, "lstat", errno, errp);
    }
    if (S_ISLNK(st.st_mode)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: replaced by a symbolic link since the store was "
                    "opened", s->display);
        return false;
    }
    if (st.st_dev != s->dev || st.st_ino != s->ino) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s: replaced by another file since the store was "
                    "opened", s->display);
        return false;
    }
    return true;
}

int snapshot__lock(SnapshotStore *s, bool exclusive, GError **errp)
{
    int op = exclusive ? LOCK_EX : LOCK_SH;
    int64_t deadline;
    int fd;

    if (!check_identity(s, errp)) {
        return -1;
    }
    fd = openat(s->dirfd, SNAPSHOT_LOCK_FILE,
                O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && !exclusive && (errno == EACCES || errno == EROFS)) {
        /* Readers of a store they cannot write still lock it. */
        fd = openat(s->dirfd, SNAPSHOT_LOCK_FILE,
                    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
        snapshot__io_error(s, SNAPSHOT_LOCK_FILE, "open", errno, errp);
        return -1;
    }
    if (s->lock_timeout_ms < 0) {
        while (flock(fd, op) < 0) {
            if (errno != EINTR) {
                snapshot__io_error(s, SNAPSHOT_LOCK_FILE, "flock", errno,
                                   errp);
                close(fd);
                return -1;
            }
        }
        return fd;
    }
    deadline = g_get_monotonic_time() + s->lock_timeout_ms * G_GINT64_CONSTANT(1000);
    while (flock(fd, op | LOCK_NB) < 0) {
        int64_t left = deadline - g_get_monotonic_time();

        if (errno != EWOULDBLOCK && errno != EINTR) {
            snapshot__io_error(s, SNAPSHOT_LOCK_FILE, "flock", errno, errp);
            close(fd);
            return -1;
        }
        if (left <= 0) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "%s: locked by another process (waited %d ms)",
                        s->display, s->lock_timeout_ms);
            close(fd);
            return -1;
        }
        g_usleep(MIN(left, 10000));
    }
    return fd;
}

void snapshot__unlock(int fd)
{
    if (fd >= 0) {
        /* Closing the only descriptor of the open file drops the lock. */
        close(fd);
    }
}

SnapshotMeta *snapshot__meta_locked(SnapshotStore *s, const char *name,
                                    bool exclusive, SnapshotMetaFn fn,
                                    GError **errp)
{
    SnapshotMeta *m;
    int lock;

    if (!snapshot_name_check(name, errp)) {
        return NULL;
    }
    lock = snapshot__lock(s, exclusive, errp);
    if (lock < 0) {
        return NULL;
    }
    m = fn(s, name, errp);
    snapshot__unlock(lock);
    return m;
}

/* --- Files --------------------------------------------------------------- */

/* Writes all of @len bytes; false with an error naming @file. */
static bool write_all(SnapshotStore *s, int fd, const char *file,
                      const uint8_t *p, size_t len, GError **errp)
{
    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return snapshot__io_error(s, file, "write", errno, errp);
        }
        p += n;
        len -= n;
    }
    return true;
}

bool snapshot__sync_dir(SnapshotStore *s, GError **errp)
{
    if (fsync(s->dirfd) < 0) {
        return snapshot__io_error(s, NULL, "fsync", errno, errp);
    }
    return true;
}

/* Creates ".FILE.tmp-XXXXXX" exclusively; returns its fd or -1. */
static int create_temp(SnapshotStore *s, const char *file, char **tmp,
                       GError **errp)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";

    for (int attempt = 0; attempt < 100; attempt++) {
        char suffix[7];
        int fd;

        for (int i = 0; i < 6; i++) {
            suffix[i] = chars[g_random_int_range(0, sizeof(chars) - 1)];
        }
        suffix[6] = '\0';
        *tmp = g_strdup_printf(".%s%s%s", file, SNAPSHOT_TMP_MARK, suffix);
        fd = openat(s->dirfd, *tmp,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0600);
        if (fd >= 0) {
            return fd;
        }
        g_clear_pointer(tmp, g_free);
        if (errno != EEXIST) {
            snapshot__io_error(s, file, "create temporary file", errno,
                               errp);
            return -1;
        }
    }
    snapshot__io_error(s, file, "create temporary file", EEXIST, errp);
    return -1;
}

/* Fills, fsyncs and closes the temporary file @fd (closed in any case).
 * With a test hook the bytes go in two halves, @partial between them. */
static bool fill_temp(SnapshotStore *s, int fd, const char *file,
                      const uint8_t *data, size_t len, SnapshotStep partial,
                      GError **errp)
{
    size_t half = s->step_hook ? len / 2 : len;
    bool ok;

    ok = write_all(s, fd, file, data, half, errp) &&
         (!s->step_hook ||
          (snapshot__step(s, partial, file, errp) &&
           write_all(s, fd, file, data + half, len - half, errp)));
    if (ok && fsync(fd) < 0) {
        ok = snapshot__io_error(s, file, "fsync", errno, errp);
    }
    if (close(fd) < 0 && ok) {
        ok = snapshot__io_error(s, file, "close", errno, errp);
    }
    return ok;
}

bool snapshot__write_file(SnapshotStore *s, const char *file,
                          const void *data, size_t len, SnapshotStep partial,
                          bool *placed, GError **errp)
{
    g_autofree char *tmp = NULL;
    int fd;

    if (placed) {
        *placed = false;
    }
    fd = create_temp(s, file, &tmp, errp);
    if (fd < 0) {
        return false;
    }
    if (!fill_temp(s, fd, file, data, len, partial, errp) ||
        !snapshot__step(s, partial + 1, file, errp)) {
        unlinkat(s->dirfd, tmp, 0);
        return false;
    }
    if (renameat(s->dirfd, tmp, s->dirfd, file) < 0) {
        int err = errno;

        unlinkat(s->dirfd, tmp, 0);
        return snapshot__io_error(s, file, "rename", err, errp);
    }
    /* From here @file is in place; only its durability can fail. */
    if (placed) {
        *placed = true;
    }
    return snapshot__step(s, partial + 2, file, errp) &&
           snapshot__sync_dir(s, errp) &&
           snapshot__step(s, partial + 3, file, errp);
}

/* Reads the regular file @fd into a new array, at most @max bytes. */
static GByteArray *read_fd(SnapshotStore *s, int fd, const char *file,
                           size_t max, int64_t *mtime, GError **errp)
{
    g_autoptr(GByteArray) buf = NULL;
    g_autofree char *esc = qvisit_error_escape(file, -1);
    struct stat st;
    size_t got = 0;

    if (fstat(fd, &st) < 0) {
        snapshot__io_error(s, file, "fstat", errno, errp);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "%s/%s: not a regular file", s->display, esc);
        return NULL;
    }
    if ((uint64_t)st.st_size > max) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                    "%s/%s: %jd bytes exceed the limit of %zu", s->display,
                    esc, (intmax_t)st.st_size, max);
        return NULL;
    }
    if (mtime) {
        *mtime = st.st_mtime;
    }
    buf = g_byte_array_sized_new(st.st_size);
    g_byte_array_set_size(buf, st.st_size);
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf->data + got, st.st_size - got);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            snapshot__io_error(s, file, "read", errno, errp);
            return NULL;
        }
        if (n == 0) {
            break;
        }
        got += n;
    }
    g_byte_array_set_size(buf, got);
    return g_steal_pointer(&buf);
}

GByteArray *snapshot__read_file(SnapshotStore *s, const char *file,
                                size_t max, int64_t *mtime, GError **errp)
{
    GByteArray *buf;
    int fd;

    /* O_NONBLOCK: a FIFO planted under a store name must not hang us. */
    fd = openat(s->dirfd, file,
                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snapshot__io_error(s, file, "open", errno, errp);
        return NULL;
    }
    buf = read_fd(s, fd, file, max, mtime, errp);
    close(fd);
    return buf;
}

bool snapshot__remove_file(SnapshotStore *s, const char *file,
                           bool missing_ok, GError **errp)
{
    if (unlinkat(s->dirfd, file, 0) < 0 && !(missing_ok && errno == ENOENT)) {
        return snapshot__io_error(s, file, "unlink", errno, errp);
    }
    return true;
}

bool snapshot__file_exists(SnapshotStore *s, const char *file)
{
    struct stat st;

    return fstatat(s->dirfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static gint compare_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *snapshot__list_dir(SnapshotStore *s, GError **errp)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    int fd = dup(s->dirfd);
    struct dirent *e;
    DIR *d;

    if (fd < 0 || !(d = fdopendir(fd))) {
        int err = errno;

        if (fd >= 0) {
            close(fd);
        }
        snapshot__io_error(s, NULL, "opendir", err, errp);
        return NULL;
    }
    /* The dup shares the offset of s->dirfd: start from the top. */
    rewinddir(d);
    errno = 0;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            g_ptr_array_add(names, g_strdup(e->d_name));
        }
        errno = 0;
    }
    if (errno) {
        int err = errno;

        closedir(d);
        snapshot__io_error(s, NULL, "readdir", err, errp);
        return NULL;
    }
    closedir(d);
    g_ptr_array_sort(names, compare_str);
    return g_steal_pointer(&names);
}
