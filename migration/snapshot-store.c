/*
 * The snapshot store: opening a directory as a store, its settings, and
 * listing and showing snapshots from their metadata alone.
 */
#include "qvisit/snapshot-store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migration/snapshot-store-internal.h"
#include "qvisit/error.h"
#include "util/error-at.h"

static bool open_error(GError **errp, int code, const char *display,
                       const char *what, int err)
{
    return qvisit__error_at(errp, code, display, QVISIT_NO_OFFSET, "%s%s%s",
                            what, err ? ": " : "", err ? g_strerror(err) : "");
}

/* Creates the directory (not its parents) and makes its entry durable. */
static bool create_dir(const char *path, unsigned mode, const char *display,
                       GError **errp)
{
    g_autofree char *parent = g_path_get_dirname(path);
    int pfd;

    if (mkdir(path, mode) < 0 && errno != EEXIST) {
        return open_error(errp, QVISIT_ERROR_IO, display, "mkdir", errno);
    }
    pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd >= 0) {
        fsync(pfd);
        close(pfd);
    }
    return true;
}

SnapshotStore *snapshot_store_open_full(const char *dir, unsigned mode,
                                        unsigned flags, GError **errp)
{
    g_autofree char *path = NULL;
    g_autofree char *display = NULL;
    struct stat st, fst;
    SnapshotStore *s;
    int fd;

    g_return_val_if_fail(dir != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    display = qvisit_error_escape(dir, -1);
    if (!*dir) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "snapshot store: empty directory name");
        return NULL;
    }
    path = g_canonicalize_filename(dir, NULL);
    if (lstat(path, &st) < 0) {
        if (errno != ENOENT) {
            open_error(errp, QVISIT_ERROR_IO, display, "lstat", errno);
            return NULL;
        }
        if (flags & SNAPSHOT_STORE_OPEN_NO_CREATE) {
            open_error(errp, QVISIT_ERROR_UNKNOWN, display,
                       "no such directory", 0);
            return NULL;
        }
        if (!create_dir(path, mode, display, errp)) {
            return NULL;
        }
        if (lstat(path, &st) < 0) {
            open_error(errp, QVISIT_ERROR_IO, display, "lstat", errno);
            return NULL;
        }
    }
    if (S_ISLNK(st.st_mode)) {
        open_error(errp, QVISIT_ERROR_INVALID, display,
                   "is a symbolic link", 0);
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        open_error(errp, QVISIT_ERROR_INVALID, display, "not a directory", 0);
        return NULL;
    }
    fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        open_error(errp, QVISIT_ERROR_IO, display, "open", errno);
        return NULL;
    }
    if (fstat(fd, &fst) < 0 || fst.st_dev != st.st_dev ||
        fst.st_ino != st.st_ino) {
        close(fd);
        open_error(errp, QVISIT_ERROR_INVALID, display,
                   "changed while being opened", 0);
        return NULL;
    }
    s = g_new0(SnapshotStore, 1);
    s->path = g_steal_pointer(&path);
    s->display = g_steal_pointer(&display);
    s->dirfd = fd;
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->lock_timeout_ms = -1;
    qvisit_limits_init(&s->limits);
    return s;
}

SnapshotStore *snapshot_store_open(const char *dir, GError **errp)
{
    return snapshot_store_open_full(dir, 0700, 0, errp);
}

void snapshot_store_free(SnapshotStore *store)
{
    if (!store) {
        return;
    }
    close(store->dirfd);
    g_free(store->path);
    g_free(store->display);
    g_free(store);
}

const char *snapshot_store_get_path(const SnapshotStore *store)
{
    g_return_val_if_fail(store != NULL, NULL);
    return store->path;
}

void snapshot_store_set_lock_timeout(SnapshotStore *store, int timeout_ms)
{
    g_return_if_fail(store != NULL);
    store->lock_timeout_ms = timeout_ms < 0 ? -1 : timeout_ms;
}

void snapshot_store_set_limits(SnapshotStore *store,
                               const QVisitLimits *limits)
{
    g_return_if_fail(store != NULL && limits != NULL);
    store->limits = *limits;
}

/* --- List and show -------------------------------------------------------- */

static gint compare_created(gconstpointer a, gconstpointer b)
{
    const SnapshotMeta *x = *(const SnapshotMeta *const *)a;
    const SnapshotMeta *y = *(const SnapshotMeta *const *)b;

    if (x->created != y->created) {
        return x->created < y->created ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

GPtrArray *snapshot__read_all_meta(SnapshotStore *s, GError **errp)
{
    g_autoptr(GPtrArray) files = snapshot__list_dir(s, errp);
    g_autoptr(GPtrArray) metas = NULL;

    if (!files) {
        return NULL;
    }
    metas = g_ptr_array_new_with_free_func((GDestroyNotify)snapshot_meta_free);
    for (size_t i = 0; i < files->len; i++) {
        g_autofree char *name = NULL;
        SnapshotMeta *m;

        if (snapshot__file_kind(g_ptr_array_index(files, i), &name) !=
            SNAPSHOT_FILE_META) {
            continue;
        }
        m = snapshot__read_meta(s, name, errp);
        if (!m) {
            return NULL;
        }
        g_ptr_array_add(metas, m);
    }
    g_ptr_array_sort(metas, compare_created);
    return g_steal_pointer(&metas);
}

GPtrArray *snapshot_store_list(SnapshotStore *store, GError **errp)
{
    GPtrArray *metas;
    int lock;

    g_return_val_if_fail(store != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    lock = snapshot__lock(store, false, errp);
    if (lock < 0) {
        return NULL;
    }
    metas = snapshot__read_all_meta(store, errp);
    snapshot__unlock(lock);
    return metas;
}

SnapshotMeta *snapshot_store_show(SnapshotStore *store, const char *name,
                                  GError **errp)
{
    g_return_val_if_fail(store != NULL && name != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    return snapshot__meta_locked(store, name, false, snapshot__read_meta,
                                 errp);
}
