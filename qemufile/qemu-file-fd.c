/*
 * QEMUFile backends over file descriptors: qemu_fopen_fd() borrows a
 * descriptor (file, pipe or socket), qemu_fopen_path() opens and owns one.
 */
#include "qvisit/qemu-file.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "qemufile/qemu-file-internal.h"

#include <sys/stat.h>
#include "qvisit/error.h"

/*
 * A non-blocking descriptor (a socket handed over by a caller) returns
 * EAGAIN instead of blocking; wait for it rather than failing the stream.
 */
static void wait_fd(int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };

    while (poll(&pfd, 1, -1) < 0 && errno == EINTR) {
        /* retry */
    }
}

static int fd_writev(QEMUFile *f, const struct iovec *iov_in, int iovcnt)
{
    struct iovec iov[2];
    struct iovec *cur = iov;
    int n = 0;

    g_assert(iovcnt <= 2);
    for (int i = 0; i < iovcnt; i++) {
        if (iov_in[i].iov_len) {
            iov[n++] = iov_in[i];
        }
    }
    while (n > 0) {
        ssize_t r = writev(f->fd, cur, n);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                wait_fd(f->fd, POLLOUT);
                continue;
            }
            return -errno;
        }
        /* A short write: skip what went out and resume mid-iovec. */
        while (n > 0 && (size_t)r >= cur->iov_len) {
            r -= cur->iov_len;
            cur++;
            n--;
        }
        if (n > 0) {
            cur->iov_base = (uint8_t *)cur->iov_base + r;
            cur->iov_len -= r;
        }
    }
    return 0;
}

static ssize_t fd_read(QEMUFile *f, uint8_t *buf, size_t len)
{
    for (;;) {
        ssize_t r = read(f->fd, buf, len);

        if (r >= 0) {
            return r;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wait_fd(f->fd, POLLIN);
            continue;
        }
        return -errno;
    }
}

static int fd_close(QEMUFile *f)
{
    if (f->owns_fd && close(f->fd) < 0) {
        return -errno;
    }
    return 0;
}

static const QEMUFileOps fd_write_ops = {
    .writev = fd_writev,
    .close = fd_close,
};

/*
 * Regular files seek past skipped bytes (RAM pages a dump only counts);
 * the size check keeps a seek past the end from hiding a truncation.
 */
static int fd_skip(QEMUFile *f, uint64_t len)
{
    struct stat st;
    off_t pos;

    if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        return -ENOTSUP;
    }
    pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos < 0) {
        return -ENOTSUP;
    }
    if ((uint64_t)st.st_size < (uint64_t)pos ||
        len > (uint64_t)st.st_size - (uint64_t)pos) {
        lseek(f->fd, 0, SEEK_END);
        return -EIO;
    }
    if (lseek(f->fd, (off_t)len, SEEK_CUR) < 0) {
        return -errno;
    }
    return 0;
}

static const QEMUFileOps fd_read_ops = {
    .read = fd_read,
    .skip = fd_skip,
    .close = fd_close,
};

static bool mode_is_write(const char *mode, bool *write)
{
    if (mode && !strcmp(mode, "rb")) {
        *write = false;
        return true;
    }
    if (mode && !strcmp(mode, "wb")) {
        *write = true;
        return true;
    }
    return false;
}

static QEMUFile *fd_file_new(int fd, bool write, bool owns_fd)
{
    QEMUFile *f = qemu_file__new(write ? &fd_write_ops : &fd_read_ops,
                                 write);

    f->fd = fd;
    f->owns_fd = owns_fd;
    return f;
}

QEMUFile *qemu_fopen_fd(int fd, const char *mode)
{
    bool write;

    g_return_val_if_fail(fd >= 0, NULL);
    g_return_val_if_fail(mode_is_write(mode, &write), NULL);
    return fd_file_new(fd, write, false);
}

QEMUFile *qemu_fopen_path(const char *path, const char *mode, GError **errp)
{
    bool write;
    int fd;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(mode_is_write(mode, &write), NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    if (write) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        int saved = errno;

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "%s: cannot open for %s: %s", path,
                    write ? "writing" : "reading", g_strerror(saved));
        return NULL;
    }
    return fd_file_new(fd, write, true);
}
