/*
 * Checked reads for the QEMU stream reader: every primitive reports a
 * short read as TRUNCATED with the current field path and the byte offset
 * where the missing item starts.
 */
#include "qemustream/qemu-stream-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "qemufile/qemu-file-window.h"
#include "util/bswap.h"
#include "util/error-at.h"
#include "util/hex.h"

/*
 * The path holds section idstrs, configuration subsection names, vmdesc
 * field names and RAM block ids, and messages quote them: all input, so
 * both are escaped here, once, rather than at every append to the path
 * (which happens for every field).
 */
bool qs__error(QsReader *r, GError **errp, int code, uint64_t at,
               const char *fmt, ...)
{
    g_autofree char *elem = NULL;
    va_list ap;

    if (r->elem_index >= 0) {
        elem = g_strdup_printf("%s[%" G_GINT64_FORMAT "]", r->path->str,
                               r->elem_index);
    }
    va_start(ap, fmt);
    qvisit__error_at_escaped_va(errp, code,
                                elem ? elem
                                     : r->path->len ? r->path->str : "stream",
                                at, fmt, ap);
    va_end(ap);
    return false;
}

bool qs__charge(QsReader *r, size_t bytes, GError **errp)
{
    size_t max = r->limits->max_alloc;

    if (bytes > max - MIN(r->alloc, max)) {
        return qs__error(r, errp, QVISIT_ERROR_LIMIT, r->pos,
                         "the dump needs more than %zu bytes (max_alloc)",
                         max);
    }
    r->alloc += bytes;
    return true;
}

bool qs__read(QsReader *r, void *buf, size_t len, GError **errp)
{
    const uint8_t *p = byte_window_take(r->win, len);
    int err;

    if (p) {
        memcpy(buf, p, len);
        r->pos += len;
        return true;
    }
    if (len == 0) {
        return true;
    }
    if (qemu_get_buffer(r->f, buf, len) == len &&
        qemu_file_get_error(r->f) == 0) {
        r->pos += len;
        return true;
    }
    err = qemu_file_get_error(r->f);
    if (err != 0 && err != -EIO) {
        return qs__error(r, errp, QVISIT_ERROR_IO, r->pos, "read error: %s",
                         g_strerror(-err));
    }
    return qs__error(r, errp, QVISIT_ERROR_TRUNCATED, r->pos,
                     "stream truncated");
}

bool qs__skip(QsReader *r, uint64_t len, GError **errp)
{
    int err;

    if (len == 0) {
        return true;
    }
    if (qemu_file_skip(r->f, len) == len && qemu_file_get_error(r->f) == 0) {
        r->pos += len;
        return true;
    }
    err = qemu_file_get_error(r->f);
    if (err != 0 && err != -EIO) {
        return qs__error(r, errp, QVISIT_ERROR_IO, r->pos, "read error: %s",
                         g_strerror(-err));
    }
    return qs__error(r, errp, QVISIT_ERROR_TRUNCATED, r->pos,
                     "stream truncated");
}

/*
 * The fixed-width reads: straight from the file's buffer when the bytes
 * are there (every field of every section goes through here), else
 * through qs__read(), which refills and reports.
 */
static inline bool take_be(QsReader *r, unsigned bytes, uint64_t *v,
                           GError **errp)
{
    const uint8_t *p = byte_window_take(r->win, bytes);
    uint8_t b[8];

    if (G_UNLIKELY(!p)) {
        if (!qs__read(r, b, bytes, errp)) {
            return false;
        }
        p = b;
    } else {
        r->pos += bytes;
    }
    *v = ldn_be_p(p, bytes);
    return true;
}

bool qs__u8(QsReader *r, uint8_t *v, GError **errp)
{
    uint64_t x;

    if (!take_be(r, 1, &x, errp)) {
        return false;
    }
    *v = (uint8_t)x;
    return true;
}

bool qs__be16(QsReader *r, uint16_t *v, GError **errp)
{
    uint64_t x;

    if (!take_be(r, 2, &x, errp)) {
        return false;
    }
    *v = (uint16_t)x;
    return true;
}

bool qs__be32(QsReader *r, uint32_t *v, GError **errp)
{
    uint64_t x;

    if (!take_be(r, 4, &x, errp)) {
        return false;
    }
    *v = (uint32_t)x;
    return true;
}

bool qs__be64(QsReader *r, uint64_t *v, GError **errp)
{
    return take_be(r, 8, v, errp);
}

bool qs__cstr(QsReader *r, char **out, GError **errp)
{
    uint64_t at = r->pos;
    uint8_t len;
    char buf[256];

    if (!qs__u8(r, &len, errp) || !qs__read(r, buf, len, errp)) {
        return false;
    }
    buf[len] = '\0';
    /* Names become JSON strings; refuse what would not come back the same. */
    if (memchr(buf, '\0', len) || !g_utf8_validate(buf, len, NULL)) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                         "name is not UTF-8 text");
    }
    *out = g_strdup(buf);
    return true;
}

bool qs__peek_u8(QsReader *r, uint8_t *v)
{
    uint8_t *p = NULL;

    if (qemu_peek_buffer(r->f, &p, 1, 0) < 1) {
        return false;
    }
    *v = p[0];
    return true;
}

bool qs__read_hex(QsReader *r, uint64_t len, bool spaced, GString *out,
                  GError **errp)
{
    uint8_t chunk[4096];

    while (len > 0) {
        size_t n = len < sizeof(chunk) ? (size_t)len : sizeof(chunk);
        size_t at = out->len;
        char *p;

        if (!qs__read(r, chunk, n, errp)) {
            return false;
        }
        /* Grow once per chunk and fill in place: buffers of option ROMs
         * and packet queues make this the decoder's hottest loop. */
        g_string_set_size(out, at + n * 3);
        p = out->str + at;
        for (size_t i = 0; i < n; i++) {
            if (spaced && (at || i)) {
                *p++ = ' ';
            }
            *p++ = hex_digit_char(chunk[i] >> 4);
            *p++ = hex_digit_char(chunk[i]);
        }
        g_string_truncate(out, (size_t)(p - out->str));
        len -= n;
    }
    return true;
}

char *qs__field_key(GHashTable *seen, const char *name, bool continues)
{
    unsigned count = GPOINTER_TO_UINT(g_hash_table_lookup(seen, name));

    if (!continues || count == 0) {
        count++;
        g_hash_table_insert(seen, g_strdup(name), GUINT_TO_POINTER(count));
    }
    return count == 1 ? g_strdup(name) : g_strdup_printf("%s#%u", name,
                                                         count);
}

const char *qs__dict_str(const QDict *d, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(d, key));

    return s ? qstring_get_str(s) : NULL;
}

bool qs__dict_int(const QDict *d, const char *key, int64_t *v)
{
    QNum *n = qobject_to(QNum, qdict_get(d, key));

    return n && qnum_get_try_int(n, v);
}
