/*
 * Output files: atomic replacement of regular files, in-place writes to
 * everything else, every step checked (contract in
 * include/qvisit/migration-output.h).
 */
#include "qvisit/migration-output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qvisit/error.h"
#include "qvisit/migration-transport.h"
#include "util/error-at.h"

/* Pieces shorter than this are gathered before a write(). */
#define OUTPUT_BUF_SIZE (64 * 1024)
/* As the kernel's own limit on a chain of symbolic links. */
#define OUTPUT_MAX_LINKS 40

struct MigrationOutput {
    char *name;         /* for messages */
    char *target;       /* the name the temporary file replaces */
    char *tmp;          /* the temporary file, while it exists */
    int fd;
    bool own_fd;        /* close fd when done */
    bool closed;        /* migration_output_close() ran */
    bool committed;     /* ... and succeeded */
    int error;          /* first errno, sticky */
    const char *error_op;
    uint8_t *buf;       /* OUTPUT_BUF_SIZE bytes, from buf_new() */
    size_t used;
};

static bool output_fail(MigrationOutput *o, const char *op, int err,
                        GError **errp)
{
    if (!o->error) {
        o->error = err;
        o->error_op = op;
    }
    return qvisit__error_at(errp, QVISIT_ERROR_IO, o->name, QVISIT_NO_OFFSET,
                            "%s: %s", o->error_op, g_strerror(o->error));
}

static bool open_error(const char *path, const char *op, int err,
                       GError **errp)
{
    return qvisit__error_at(errp, QVISIT_ERROR_IO, path, QVISIT_NO_OFFSET,
                            "%s: %s", op, g_strerror(err));
}

static MigrationOutput *output_new(const char *name, int fd, bool own_fd)
{
    MigrationOutput *o = g_new0(MigrationOutput, 1);

    o->name = g_strdup(name);
    o->fd = fd;
    o->own_fd = own_fd;
    return o;
}

/*
 * Follows @path's chain of symbolic links to the file an open(2) would
 * reach. A link that lives in /proc (/proc/self/fd/N, which /dev/stdout
 * and /dev/fd/N lead to) names an open file rather than a path: the walk
 * stops there and *@magic is set. On success *@st holds lstat() of the
 * result, or *@exists is false for a path that does not exist.
 */
static char *resolve_links(const char *path, struct stat *st, bool *exists,
                           bool *magic, GError **errp)
{
    g_autofree char *cur = g_strdup(path);

    *magic = false;
    for (int hops = 0;; hops++) {
        g_autofree char *dir = NULL;
        g_autofree char *canon = NULL;
        g_autofree char *link = NULL;
        GError *err = NULL;

        if (lstat(cur, st) < 0) {
            if (errno != ENOENT) {
                open_error(path, "stat", errno, errp);
                return NULL;
            }
            *exists = false;
            return g_steal_pointer(&cur);
        }
        *exists = true;
        if (!S_ISLNK(st->st_mode)) {
            return g_steal_pointer(&cur);
        }
        if (hops == OUTPUT_MAX_LINKS) {
            open_error(path, "resolve", ELOOP, errp);
            return NULL;
        }
        dir = g_path_get_dirname(cur);
        canon = realpath(dir, NULL);
        if (!canon) {
            open_error(path, "resolve", errno, errp);
            return NULL;
        }
        if (g_str_has_prefix(canon, "/proc/")) {
            *magic = true;
            return g_steal_pointer(&cur);
        }
        link = g_file_read_link(cur, &err);
        if (!link) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "%s: resolve: %s", path, err->message);
            g_error_free(err);
            return NULL;
        }
        g_free(cur);
        cur = g_path_is_absolute(link) ? g_steal_pointer(&link)
                                       : g_build_filename(dir, link, NULL);
    }
}

/*
 * For /proc/self/fd/N and /proc/PID/fd/N of this process: N, else -1.
 * Opening such a path would make a new open file (at offset 0, without
 * O_APPEND); a duplicate of N writes where N does.
 */
static int own_fd_number(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *canon = realpath(dir, NULL);
    g_autofree char *mine = g_strdup_printf("/proc/%ld/fd", (long)getpid());
    char *end;
    long n;

    if (!canon || strcmp(canon, mine) || !g_ascii_isdigit(base[0])) {
        return -1;
    }
    errno = 0;
    n = strtol(base, &end, 10);
    return *end || errno || n > INT_MAX ? -1 : (int)n;
}

/* Opens a path that is not a regular file, to write it in place. */
static MigrationOutput *open_in_place(const char *path, const char *file,
                                      bool magic, GError **errp)
{
    int n = magic ? own_fd_number(file) : -1;
    int fd;

    if (n >= 0) {
        fd = fcntl(n, F_DUPFD_CLOEXEC, 0);
    } else {
        do {
            fd = open(file, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
    }
    if (fd < 0) {
        open_error(path, "open", errno, errp);
        return NULL;
    }
    return output_new(path, fd, true);
}

/* The hidden temporary name next to @target: ".NAME.XXXXXX", NAME cut so
 * that the whole stays within NAME_MAX bytes. */
static char *temp_template(const char *target)
{
    g_autofree char *dir = g_path_get_dirname(target);
    g_autofree char *base = g_path_get_basename(target);

    if (strlen(base) > NAME_MAX - 8) {
        base[NAME_MAX - 8] = '\0';
    }
    return g_strdup_printf("%s/.%s.XXXXXX", dir, base);
}

/*
 * Gives the file open as @fd the owner and group in @st, or only the
 * group, as far as the caller is permitted (root, or a group the caller
 * belongs to); otherwise the file stays the caller's, as any file the
 * caller creates.
 */
static void keep_owner(int fd, const struct stat *st)
{
    int r = fchown(fd, st->st_uid, st->st_gid);

    if (r < 0) {
        r = fchown(fd, (uid_t)-1, st->st_gid);
    }
    (void)r;
}

MigrationOutput *migration_output_open(const char *path, GError **errp)
{
    g_autofree char *target = NULL;
    g_autoptr(MigrationOutput) o = NULL;
    struct stat st;
    bool exists = false, magic = false;
    int fd;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    target = resolve_links(path, &st, &exists, &magic, errp);
    if (!target) {
        return NULL;
    }
    if (magic || (exists && !S_ISREG(st.st_mode))) {
        return open_in_place(path, target, magic, errp);
    }
    /* Replacing needs only the directory's permission; refuse what an
     * open() for writing would refuse. */
    if (exists && faccessat(AT_FDCWD, target, W_OK, AT_EACCESS) < 0) {
        open_error(path, "open", errno, errp);
        return NULL;
    }
    o = output_new(path, -1, true);
    o->tmp = temp_template(target);
    /* A new file gets 0666 minus the umask from open(2) itself; one that
     * replaces a file stays private until it has that file's mode. */
    fd = g_mkstemp_full(o->tmp, O_WRONLY | O_CLOEXEC, exists ? 0600 : 0666);
    if (fd < 0) {
        open_error(path, "create temporary file", errno, errp);
        g_clear_pointer(&o->tmp, g_free);
        return NULL;
    }
    o->fd = fd;
    o->target = g_steal_pointer(&target);
    if (exists) {
        /* Owner first: fchown() may clear the set-id bits that fchmod()
         * then restores. */
        keep_owner(fd, &st);
        if (fchmod(fd, st.st_mode & 07777) < 0) {
            open_error(path, "chmod", errno, errp);
            return NULL;
        }
    }
    return g_steal_pointer(&o);
}

MigrationOutput *migration_output_open_fd(int fd, const char *name)
{
    g_return_val_if_fail(fd >= 0 && name != NULL, NULL);
    return output_new(name, fd, false);
}

/*
 * The buffer is mapped rather than malloc()ed: freeing a chunk of 64 KiB
 * makes glibc consolidate its fast bins, which after a vmdesc's thousands
 * of small frees cost 1.5 % of a whole `dump --qemu` (callgrind). NULL
 * when no mapping is to be had: the output is then unbuffered.
 */
static uint8_t *buf_new(void)
{
    void *p = mmap(NULL, OUTPUT_BUF_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

/* Writes all of @data to the descriptor. */
static bool write_all(MigrationOutput *o, const uint8_t *data, size_t len,
                      GError **errp)
{
    while (len > 0) {
        ssize_t n = write(o->fd, data, MIN(len, (size_t)SSIZE_MAX));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* A descriptor someone else made non-blocking: wait. */
            struct pollfd p = { .fd = o->fd, .events = POLLOUT };

            while (poll(&p, 1, -1) < 0 && errno == EINTR) {
            }
            continue;
        }
        if (n < 0) {
            return output_fail(o, "write", errno, errp);
        }
        if (n == 0) {
            return output_fail(o, "write", EIO, errp);
        }
        data += n;
        len -= n;
    }
    return true;
}

bool migration_output_flush(MigrationOutput *o, GError **errp)
{
    size_t used;

    g_return_val_if_fail(o != NULL && !o->closed, false);
    if (o->error) {
        return output_fail(o, o->error_op, o->error, errp);
    }
    used = o->used;
    o->used = 0;
    return write_all(o, o->buf, used, errp);
}

bool migration_output_write(MigrationOutput *o, const void *data,
                            size_t len, GError **errp)
{
    g_return_val_if_fail(o != NULL && !o->closed, false);
    g_return_val_if_fail(data != NULL || len == 0, false);
    if (o->error) {
        return output_fail(o, o->error_op, o->error, errp);
    }
    if (!o->buf && len < OUTPUT_BUF_SIZE) {
        o->buf = buf_new();
    }
    if (len >= OUTPUT_BUF_SIZE || !o->buf) {
        return migration_output_flush(o, errp) &&
               write_all(o, data, len, errp);
    }
    if (len > OUTPUT_BUF_SIZE - o->used &&
        !migration_output_flush(o, errp)) {
        return false;
    }
    memcpy(o->buf + o->used, data, len);
    o->used += len;
    return true;
}

int migration_output_get_fd(const MigrationOutput *o)
{
    g_return_val_if_fail(o != NULL && !o->closed, -1);
    return o->fd;
}

const char *migration_output_get_name(const MigrationOutput *o)
{
    g_return_val_if_fail(o != NULL, NULL);
    return o->name;
}

const char *migration_output_get_temp_path(const MigrationOutput *o)
{
    g_return_val_if_fail(o != NULL, NULL);
    return o->tmp;
}

/* Closes the descriptor if it is ours; Linux releases it even when
 * close() fails, so it is never retried. */
static bool close_fd(MigrationOutput *o, GError **errp)
{
    int fd = o->fd;

    o->fd = -1;
    if (!o->own_fd || fd < 0) {
        return true;
    }
    if (close(fd) < 0 && errno != EINTR) {
        return output_fail(o, "close", errno, errp);
    }
    return true;
}

static void discard(MigrationOutput *o)
{
    close_fd(o, NULL);
    if (o->tmp) {
        unlink(o->tmp);
        g_clear_pointer(&o->tmp, g_free);
    }
}

bool migration_output_close(MigrationOutput *o, GError **errp)
{
    g_autofree char *dir = NULL;
    int dfd;

    g_return_val_if_fail(o != NULL && !o->closed, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    if (!migration_output_flush(o, errp)) {
        o->closed = true;
        discard(o);
        return false;
    }
    o->closed = true;
    if (o->tmp && fsync(o->fd) < 0) {
        output_fail(o, "fsync", errno, errp);
        discard(o);
        return false;
    }
    if (!close_fd(o, errp)) {
        discard(o);
        return false;
    }
    if (!o->tmp) {
        o->committed = true;
        return true;
    }
    if (rename(o->tmp, o->target) < 0) {
        output_fail(o, "rename", errno, errp);
        discard(o);
        return false;
    }
    g_clear_pointer(&o->tmp, g_free);
    o->committed = true;
    /* Make the rename itself durable; a directory that cannot be synced
     * (some file systems refuse) still holds the new file. */
    dir = g_path_get_dirname(o->target);
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return true;
}

void migration_output_free(MigrationOutput *o)
{
    if (!o) {
        return;
    }
    if (!o->committed) {
        discard(o);
    }
    if (o->buf) {
        munmap(o->buf, OUTPUT_BUF_SIZE);
    }
    g_free(o->target);
    g_free(o->tmp);
    g_free(o->name);
    g_free(o);
}

bool migration_write_file_atomic(const char *path, const void *data,
                                 size_t len, GError **errp)
{
    g_autoptr(MigrationOutput) o = NULL;

    g_return_val_if_fail(path != NULL && (data != NULL || len == 0), false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    o = migration_output_open(path, errp);
    return o && migration_output_write(o, data, len, errp) &&
           migration_output_close(o, errp);
}
