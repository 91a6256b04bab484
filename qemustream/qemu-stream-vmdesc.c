/*
 * Finding a stream's vmdesc and decoding from descriptors and paths; the
 * vmdesc model (indexing a description, writing one).
 *
 * The vmdesc is the last record of the stream ("0x06, be32 N, N bytes of
 * JSON", right after the EOF byte 0x00), but the device sections before it
 * cannot be decoded without it. A regular file is therefore read twice:
 * its tail first, to find and parse the vmdesc, then from the start. A
 * pipe is first copied to an unlinked temporary file, so memory stays
 * bounded by the largest section whatever the stream's size; the copy
 * holds at most max_alloc bytes, and starts only once the first bytes
 * proved a QEMU stream.
 */
#include "qemustream/qemu-stream-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qobject/json-writer.h"

/* The vmdesc of a big machine is a few MiB; never look further back. */
#define QS_VMDESC_MAX_WINDOW ((uint64_t)64 << 20)

static bool pread_all(int fd, void *buf, size_t len, uint64_t off,
                      GError **errp)
{
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "stream: read error at byte %" G_GUINT64_FORMAT
                        ": %s", off, n < 0 ? g_strerror(errno)
                                           : "unexpected end of file");
            return false;
        }
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

/*
 * Looks in @w, the bytes from stream offset @start of a stream of @size
 * bytes, at candidate record offsets @from down to 1 for the vmdesc record
 * that ends exactly at @size. JSON text holds no raw 0x06 byte, and the
 * candidate must also follow an EOF byte, carry the length that reaches
 * the end and start with '{' (so @w must hold 5 bytes after @from). On
 * success sets *@text_off, the stream offset of the text; else records in
 * *@cut_at and *@cut_len the last record that runs past the end, if no
 * earlier call did.
 */
static bool scan_vmdesc(const uint8_t *w, uint64_t from, uint64_t start,
                        uint64_t size, uint64_t *text_off, uint64_t *cut_at,
                        uint64_t *cut_len)
{
    for (uint64_t p = from; p >= 1; p--) {
        uint64_t len;
        const uint8_t *hit = memrchr(w, QS_VMDESCRIPTION, p + 1);

        /* memrchr() jumps over the JSON text, which has no 0x06. */
        if (!hit || hit == w) {
            break;
        }
        p = (uint64_t)(hit - w);
        if (w[p - 1] != QS_EOF || w[p + 5] != '{') {
            continue;
        }
        len = (uint64_t)w[p + 1] << 24 | w[p + 2] << 16 |
              w[p + 3] << 8 | w[p + 4];
        if (start + p + 5 + len == size) {
            *text_off = start + p + 5;
            return true;
        }
        if (start + p + 5 + len > size && !*cut_at) {
            *cut_at = start + p;
            *cut_len = len;
        }
    }
    return false;
}

/* The text after the last 0x06 is JSON: a cut stream. */
static void cut_error(GError **errp, uint64_t size, uint64_t cut_at,
                      uint64_t cut_len)
{
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TRUNCATED,
                "vmdesc: stream truncated inside the description (%"
                G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes) at byte %"
                G_GUINT64_FORMAT, size - cut_at - 5, cut_len, size);
}

/*
 * Whether a search that found no vmdesc was cut short by max_alloc while
 * the stream ends as one does: the window (@win bytes of @size, bounded by
 * @cap) did not reach the start, @cap is max_alloc's, and the last byte
 * is the '}' a vmdesc's JSON ends in (without a vmdesc a stream ends with
 * QEMU_VM_EOF, 0x00). Then "no vmdesc" would be a guess: a LIMIT error
 * says which limit to raise.
 */
static bool vmdesc_beyond_limit(uint64_t win, uint64_t size, uint64_t cap,
                                uint8_t last, GError **errp)
{
    if (win >= size || cap >= QS_VMDESC_MAX_WINDOW || last != '}') {
        return false;
    }
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                "vmdesc: the stream ends in '}' as a description does, but "
                "none starts in its last %" G_GUINT64_FORMAT " bytes, all "
                "that max_alloc lets the search hold: a larger max_alloc "
                "may find it", win);
    return true;
}

/*
 * Looks for the vmdesc record that ends exactly at @size (scan_vmdesc()).
 * The window doubles backwards from the end, reading each byte once; on
 * success *@buf holds the window and the text starts at *@text_off -
 * *@buf_start in it.
 */
static bool locate_vmdesc(int fd, uint64_t size, const QVisitLimits *limits,
                          uint8_t **buf, uint64_t *buf_start,
                          uint64_t *text_off, GError **errp)
{
    uint64_t cap = MIN(QS_VMDESC_MAX_WINDOW, (uint64_t)limits->max_alloc);
    uint64_t win = MIN(MIN(size, (uint64_t)65536), cap), have = 0;
    uint64_t cut_at = 0, cut_len = 0;   /* last record running past the end */
    uint8_t *w = NULL;

    *text_off = 0;
    for (;;) {
        uint64_t start = size - win;
        uint8_t *grown = g_malloc(win ? win : 1);

        /* Keep what was read, read only the new front part. */
        if (have) {
            memcpy(grown + (win - have), w, have);
        }
        g_free(w);
        w = grown;
        if (!pread_all(fd, w, win - have, start, errp)) {
            g_free(w);
            return false;
        }
        /* Offsets above win - have were checked in the last round, all
         * but the old first byte, which lacked the byte before it. */
        if (scan_vmdesc(w, win < 6 ? 0 : have ? win - have : win - 6, start,
                        size, text_off, &cut_at, &cut_len)) {
            *buf = w;
            *buf_start = start;
            return true;
        }
        have = win;
        if (win == size || win >= cap) {
            uint8_t last = win ? w[win - 1] : 0;

            g_free(w);
            if (cut_at) {
                cut_error(errp, size, cut_at, cut_len);
                return false;
            }
            if (vmdesc_beyond_limit(win, size, cap, last, errp)) {
                return false;
            }
            return true;        /* no vmdesc */
        }
        win = MIN(MIN(win * 2, size), cap);
    }
}

static QObject *parse_vmdesc(const char *text, size_t len, uint64_t off,
                             const QVisitLimits *limits, GError **errp)
{
    GError *err = NULL;
    QObject *desc = qobject_from_json_full(text, (gssize)len, limits, &err);
    uint64_t page_size;

    if (!desc) {
        g_set_error(errp, QVISIT_ERROR, err->code,
                    "vmdesc: invalid JSON at byte %" G_GUINT64_FORMAT ": %s",
                    off, err->message);
        g_error_free(err);
        return NULL;
    }
    if (!qs__vmdesc_check(desc, &page_size, errp)) {
        qobject_unref(desc);
        return NULL;
    }
    return desc;
}

bool qs__vmdesc_locate(const uint8_t *data, size_t len,
                       const QVisitLimits *limits, size_t *text_off,
                       GError **errp)
{
    uint64_t cap, win, off = 0, cut_at = 0, cut_len = 0;

    if (!limits) {
        limits = qvisit_limits_default();
    }
    cap = MIN(QS_VMDESC_MAX_WINDOW, (uint64_t)limits->max_alloc);
    win = MIN((uint64_t)len, cap);
    *text_off = 0;
    if (win >= 6 && scan_vmdesc(data + (len - win), win - 6, len - win, len,
                                &off, &cut_at, &cut_len)) {
        *text_off = off;
        return true;
    }
    if (cut_at) {
        cut_error(errp, len, cut_at, cut_len);
        return false;
    }
    if (vmdesc_beyond_limit(win, len, cap, len ? data[len - 1] : 0, errp)) {
        return false;
    }
    return true;
}

bool qs__vmdesc_from_mem(const uint8_t *data, size_t len,
                         const QVisitLimits *limits, QObject **vmdesc,
                         size_t *text_len, GError **errp)
{
    size_t text_off;

    if (!limits) {
        limits = qvisit_limits_default();
    }
    *vmdesc = NULL;
    if (!qs__vmdesc_locate(data, len, limits, &text_off, errp)) {
        return false;
    }
    if (text_off) {
        if (text_len) {
            *text_len = len - text_off;
        }
        *vmdesc = parse_vmdesc((const char *)data + text_off,
                               len - text_off, text_off, limits, errp);
        return *vmdesc != NULL;
    }
    return true;
}

/* Writes all of @buf to @fd. */
static bool write_all(int fd, const void *buf, size_t len, GError **errp)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w < 0) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "stream: cannot spool input: %s", g_strerror(errno));
            return false;
        }
        p += w;
        len -= (size_t)w;
    }
    return true;
}

/* Reads up to @len bytes, fewer only at the end of the input. */
static ssize_t read_full(int fd, uint8_t *buf, size_t len, GError **errp)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = read(fd, buf + done, len - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "stream: read error: %s", g_strerror(errno));
            return -1;
        }
        if (n == 0) {
            break;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/*
 * Returns a readable regular-file descriptor for @fd: @fd itself, or a
 * spooled copy in *@owned. The first bytes are looked at before anything
 * is copied: they must be a QEMU stream's (@need_qemu), or else a QEMU
 * stream's or JSON text's, or only they are copied, for the JSON parser
 * to refuse. At most max_alloc bytes are copied.
 */
static bool seekable_fd(int fd, bool need_qemu, const QVisitLimits *limits,
                        int *owned, uint64_t *size, GError **errp)
{
    struct stat st;

    *owned = -1;
    if (fstat(fd, &st) < 0) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO, "stream: %s",
                    g_strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        g_autofree char *name = NULL;
        GError *err = NULL;
        uint8_t buf[65536];
        uint64_t total;
        ssize_t n = read_full(fd, buf, QS_HEAD_LEN, errp);
        bool head_only = false;
        int tmp;

        if (n < 0 || (need_qemu && !qs__check_magic(buf, (size_t)n, errp))) {
            return false;
        }
        if (!need_qemu && !qs__check_magic(buf, (size_t)n, NULL)) {
            ssize_t i = 0;

            while (i < n && g_ascii_isspace(buf[i])) {
                i++;
            }
            head_only = i < n && buf[i] != '{';
        }
        tmp = g_file_open_tmp("qvisit-stream-XXXXXX", &name, &err);
        if (tmp < 0) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                        "stream: cannot spool input: %s", err->message);
            g_error_free(err);
            return false;
        }
        unlink(name);
        for (total = 0; n > 0; total += (uint64_t)n) {
            if ((uint64_t)n > limits->max_alloc - MIN(total,
                                                      limits->max_alloc)) {
                g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                            "stream: piped input larger than max_alloc "
                            "(%zu bytes), the most copied to a temporary "
                            "file", limits->max_alloc);
                close(tmp);
                return false;
            }
            if (!write_all(tmp, buf, (size_t)n, errp)) {
                close(tmp);
                return false;
            }
            n = head_only ? 0 : read_full(fd, buf, sizeof(buf), errp);
        }
        if (n < 0) {
            close(tmp);
            return false;
        }
        *owned = tmp;
        fd = tmp;
        if (fstat(fd, &st) < 0) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO, "stream: %s",
                        g_strerror(errno));
            return false;
        }
    } else if (need_qemu) {
        uint8_t head[QS_HEAD_LEN];
        size_t n = (size_t)MIN((uint64_t)st.st_size, sizeof(head));

        if (!pread_all(fd, head, n, 0, errp) ||
            !qs__check_magic(head, n, errp)) {
            return false;
        }
    }
    *size = (uint64_t)st.st_size;
    return true;
}

void qs__vmdesc_missing(GError **errp)
{
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                "vmdesc: the stream has no description (written with "
                "suppress-vmdesc=on?); borrow one with --vmdesc");
}

static QObject *find_vmdesc(int fd, uint64_t size, const QVisitLimits *limits,
                            uint64_t *text_len, GError **errp)
{
    g_autofree uint8_t *buf = NULL;
    uint64_t start = 0, off = 0;

    if (!locate_vmdesc(fd, size, limits, &buf, &start, &off, errp)) {
        return NULL;
    }
    if (off == 0) {
        qs__vmdesc_missing(errp);
        return NULL;
    }
    if (text_len) {
        *text_len = size - off;
    }
    return parse_vmdesc((const char *)buf + (off - start), size - off, off,
                        limits, errp);
}

/* Runs @fn on @fd from its current position; @fd stays open. */
static QObject *run_from(int fd, const QObject *vmdesc, bool borrowed,
                         uint64_t vmdesc_len, QsStreamFn fn, void *ctx,
                         GError **errp)
{
    QEMUFile *f = qemu_fopen_fd(fd, "rb");
    QObject *o = fn(f, vmdesc, borrowed, vmdesc_len, ctx, errp);

    qemu_fclose(f);
    return o;
}

QObject *qs__run_fd(int fd, const QemuStreamOptions *opts, QsStreamFn fn,
                    void *ctx, GError **errp)
{
    const QVisitLimits *limits;
    g_autoptr(QObject) own = NULL;
    QObject *o = NULL;
    struct stat st;
    uint64_t size, own_len = 0;
    bool layouts = false;
    int owned;

    limits = opts && opts->limits ? opts->limits : qvisit_limits_default();
    /* With a description at hand a pipe is decoded as it arrives. */
    if (opts && opts->vmdesc && fstat(fd, &st) == 0 &&
        !S_ISREG(st.st_mode)) {
        return run_from(fd, opts->vmdesc, true, 0, fn, ctx, errp);
    }
    if (!seekable_fd(fd, true, limits, &owned, &size, errp)) {
        return NULL;
    }
    if (owned >= 0) {
        fd = owned;
    }
    if (!opts || !opts->vmdesc) {
        GError *err = NULL;

        own = find_vmdesc(fd, size, limits, &own_len, &err);
        /* Without a vmdesc the caller's layouts may know the devices. */
        if (!own && opts && opts->layouts &&
            g_error_matches(err, QVISIT_ERROR, QVISIT_ERROR_MISSING)) {
            g_clear_error(&err);
            layouts = true;
        } else if (err) {
            g_propagate_error(errp, err);
        }
    }
    if (!own && !layouts && (!opts || !opts->vmdesc)) {
        /* find_vmdesc() has set the error */
    } else if (lseek(fd, 0, SEEK_SET) < 0) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO, "stream: %s",
                    g_strerror(errno));
    } else {
        o = run_from(fd, own ? own : opts->vmdesc, own == NULL && !layouts,
                     own_len, fn, ctx, errp);
    }
    if (owned >= 0) {
        close(owned);
    }
    return o;
}

static QObject *dump_fn(QEMUFile *f, const QObject *vmdesc, bool borrowed,
                        uint64_t vmdesc_len, void *ctx, GError **errp)
{
    (void)vmdesc_len;
    return qs__dump(f, ctx, vmdesc, borrowed, errp);
}

QObject *qemu_stream_dump_fd(int fd, const QemuStreamOptions *opts,
                             GError **errp)
{
    g_return_val_if_fail(fd >= 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    return qs__run_fd(fd, opts, dump_fn, (void *)opts, errp);
}

static int open_input(const char *path, GError **errp)
{
    int fd;

    if (!strcmp(path, "-")) {
        return 0;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO, "%s: %s", path,
                    g_strerror(errno));
    }
    return fd;
}

QObject *qs__run_path(const char *path, const QemuStreamOptions *opts,
                      QsStreamFn fn, void *ctx, GError **errp)
{
    QObject *o;
    int fd = open_input(path, errp);

    if (fd < 0) {
        return NULL;
    }
    o = qs__run_fd(fd, opts, fn, ctx, errp);
    if (fd != 0) {
        close(fd);
    }
    return o;
}

QObject *qemu_stream_dump_path(const char *path,
                               const QemuStreamOptions *opts, GError **errp)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    return qs__run_path(path, opts, dump_fn, (void *)opts, errp);
}

/* Reads the description held by @fd: a stream's vmdesc or JSON text. */
static QObject *load_vmdesc_fd(int fd, uint64_t size, const char *path,
                               const QVisitLimits *limits, GError **errp)
{
    uint8_t magic[4] = { 0 };
    g_autofree char *text = NULL;

    if (size >= 4 && !pread_all(fd, magic, 4, 0, errp)) {
        return NULL;
    }
    if (size >= 4 && !memcmp(magic, "QEVM", 4)) {
        return find_vmdesc(fd, size, limits, NULL, errp);
    }
    if (size > limits->max_alloc) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                    "%s: %" G_GUINT64_FORMAT " bytes exceed the limit", path,
                    size);
        return NULL;
    }
    text = g_malloc(size + 1);
    if (!pread_all(fd, text, size, 0, errp)) {
        return NULL;
    }
    text[size] = '\0';
    return parse_vmdesc(text, size, 0, limits, errp);
}

QObject *qemu_stream_load_vmdesc_path(const char *path,
                                      const QVisitLimits *limits,
                                      GError **errp)
{
    QObject *desc = NULL;
    uint64_t size;
    int owned, in;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    if (!limits) {
        limits = qvisit_limits_default();
    }
    in = open_input(path, errp);
    if (in < 0) {
        return NULL;
    }
    if (seekable_fd(in, false, limits, &owned, &size, errp)) {
        desc = load_vmdesc_fd(owned >= 0 ? owned : in, size, path, limits,
                              errp);
    }
    if (owned >= 0) {
        close(owned);
    }
    if (in != 0) {
        close(in);
    }
    return desc;
}

/* --- The vmdesc model -------------------------------------------------- */

static char *device_key(const char *idstr, uint64_t instance_id)
{
    return g_strdup_printf("%s\x1f%" G_GUINT64_FORMAT, idstr, instance_id);
}

GHashTable *qs__vmdesc_index(const QObject *vmdesc)
{
    GHashTable *index = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
    QList *list = qobject_to(QList, qdict_get(qobject_to(QDict, vmdesc),
                                              "devices"));

    for (size_t i = 0; i < qlist_size(list); i++) {
        QDict *d = qobject_to(QDict, qlist_get(list, i));
        int64_t inst = 0;
        char *key;

        qs__dict_int(d, "instance_id", &inst);
        key = device_key(qs__dict_str(d, "name"), (uint64_t)inst);
        if (g_hash_table_contains(index, key)) {
            g_free(key);
        } else {
            g_hash_table_insert(index, key, d);
        }
    }
    return index;
}

QDict *qs__vmdesc_lookup(GHashTable *index, const char *idstr,
                         uint64_t instance_id)
{
    g_autofree char *key = device_key(idstr, instance_id);

    return g_hash_table_lookup(index, key);
}

QDict *qs__vmdesc_device(const char *idstr, uint32_t instance_id,
                         uint32_t version_id, QList *fields)
{
    QDict *dev = qdict_new();

    /* QEMU's key order; a section of the migration core is its own vmsd. */
    qdict_put_str(dev, "name", idstr);
    qdict_put_uint(dev, "instance_id", instance_id);
    qdict_put_str(dev, "vmsd_name", idstr);
    qdict_put_uint(dev, "version", version_id);
    qdict_put(dev, "fields", fields);
    return dev;
}

GString *qs__vmdesc_text(uint64_t page_size, QList *devices)
{
    g_autoptr(QDict) vmdesc = qdict_new();

    qdict_put_uint(vmdesc, "page_size", page_size);
    qdict_put(vmdesc, "devices", qobject_ref(devices));
    return qobject__to_json_spaced(QOBJECT(vmdesc));
}

GString *qs__vmdesc_text_join(uint64_t page_size, GString *const *entries,
                              size_t n)
{
    size_t need = 64;
    GString *text;

    /* One allocation: a large machine's vmdesc is megabytes. */
    for (size_t i = 0; i < n; i++) {
        need += entries[i]->len + 2;
    }
    text = g_string_sized_new(need);
    /* qobject__to_json_spaced()'s layout of qs__vmdesc_text()'s dict. */
    g_string_append_printf(text, "{\"page_size\": %" G_GUINT64_FORMAT
                           ", \"devices\": [", page_size);
    for (size_t i = 0; i < n; i++) {
        if (i) {
            g_string_append(text, ", ");
        }
        g_string_append_len(text, entries[i]->str, entries[i]->len);
    }
    g_string_append(text, "]}");
    return text;
}
