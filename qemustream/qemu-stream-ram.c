/*
 * The "ram" section (version 4): a sequence of be64 words, each split into
 * a page address and flags at the target page size, each followed by what
 * its flag says (block list, zero page, raw page, zlib page, XBZRLE page),
 * up to an EOS word. Decoded record by record; pages are never kept
 * unless the native dump asked for them.
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>
#include <zlib.h>

static QDict *block_summary(QsReader *r, const char *id)
{
    QDict *b = g_hash_table_lookup(r->ram_blocks, id);

    if (!b) {
        QList *blocks = qobject_to(QList, qdict_get(r->ram_summary,
                                                    "blocks"));

        b = qdict_new();
        qdict_put_str(b, "id", id);
        qdict_put_uint(b, "pages", 0);
        qdict_put_uint(b, "zero_pages", 0);
        qdict_put_uint(b, "compressed_pages", 0);
        qdict_put_uint(b, "xbzrle_pages", 0);
        qlist_append_obj(blocks, QOBJECT(b));
        g_hash_table_insert(r->ram_blocks, g_strdup(id), b);
    }
    return b;
}

static void count(QDict *d, const char *key)
{
    uint64_t n = 0;

    qnum_get_try_uint(qobject_to(QNum, qdict_get(d, key)), &n);
    qdict_put_uint(d, key, n + 1);
}

static bool read_mem_size(QsReader *r, uint64_t total, QDict *item,
                          GError **errp)
{
    g_autoptr(QList) blocks = qlist_new();
    size_t mark = r->path->len;
    uint64_t left = total;

    g_string_append(r->path, ".blocks");
    while (left > 0) {
        g_autofree char *id = NULL;
        uint64_t at = r->pos, len, gpa = 0;
        QDict *b = qdict_new();

        qlist_append_obj(blocks, QOBJECT(b));
        if (!qs__cstr(r, &id, errp) || !qs__be64(r, &len, errp) ||
            (r->ignore_shared && !qs__be64(r, &gpa, errp))) {
            return false;
        }
        if (len > left) {
            return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                             "block '%s' length 0x%" G_GINT64_MODIFIER "x "
                             "exceeds the 0x%" G_GINT64_MODIFIER "x bytes "
                             "left of the total", id, len, left);
        }
        left -= len;
        qdict_put_str(b, "id", id);
        qdict_put_uint(b, "length", len);
        if (r->ignore_shared) {
            qdict_put_uint(b, "addr", gpa);
        }
        if (r->compat) {
            g_autofree char *hex = g_strdup_printf("0x%016" G_GINT64_MODIFIER
                                                   "x", len);
            qdict_put_str(r->ram_sizes, id, hex);
        } else {
            qdict_put_uint(block_summary(r, id), "length", len);
        }
    }
    g_string_truncate(r->path, mark);
    if (item) {
        qdict_put_uint(item, "total", total);
        qdict_put_obj(item, "blocks", QOBJECT(g_steal_pointer(&blocks)));
    }
    return true;
}

static bool read_block_name(QsReader *r, uint64_t flags, uint64_t at,
                            QDict *item, GError **errp)
{
    char *id = NULL;

    if (flags & QS_RAM_CONTINUE) {
        if (!r->ram_block) {
            return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                             "CONTINUE flag with no previous block");
        }
        return true;
    }
    if (!qs__cstr(r, &id, errp)) {
        return false;
    }
    g_free(r->ram_block);
    r->ram_block = id;
    if (item) {
        qdict_put_str(item, "block", id);
    }
    return true;
}

/* Reads @len bytes into the item as base64, or skips them. */
static bool read_data(QsReader *r, uint64_t len, QDict *item, GError **errp)
{
    g_autofree uint8_t *buf = NULL;

    if (!item) {
        return qs__skip(r, len, errp);
    }
    buf = g_malloc(len ? len : 1);
    if (!qs__read(r, buf, len, errp)) {
        return false;
    }
    g_autofree char *b64 = g_base64_encode(buf, len);
    qdict_put_str(item, "data", b64);
    return true;
}

static bool check_zlib(QsReader *r, uint64_t at, GError **errp)
{
    /* Each page is compressed on its own; it must inflate to one page. */
    return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                     "compressed page does not inflate to %" G_GUINT64_FORMAT
                     " bytes", r->page_size);
}

static bool read_compressed(QsReader *r, QDict *item, uint64_t at,
                            GError **errp)
{
    uint32_t len;
    uLong bound = compressBound((uLong)r->page_size);
    g_autofree uint8_t *in = NULL;
    g_autofree uint8_t *page = NULL;
    uLongf out_len = (uLongf)r->page_size;

    if (!qs__be32(r, &len, errp)) {
        return false;
    }
    if (len > bound) {
        return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                         "compressed page length %u exceeds %lu", len,
                         (unsigned long)bound);
    }
    in = g_malloc(len ? len : 1);
    page = g_malloc(r->page_size);
    if (!qs__read(r, in, len, errp)) {
        return false;
    }
    if (uncompress(page, &out_len, in, len) != Z_OK ||
        out_len != r->page_size) {
        return check_zlib(r, at, errp);
    }
    if (item) {
        g_autofree char *b64 = g_base64_encode(in, len);
        qdict_put_str(item, "data", b64);
    }
    return true;
}

static bool bad_flags(QsReader *r, uint64_t at, uint64_t flags,
                      GError **errp)
{
    return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                     "unknown combination of RAM flags 0x%"
                     G_GINT64_MODIFIER "x", flags);
}

bool qs__read_ram(QsReader *r, QDict *rec, GError **errp)
{
    g_autoptr(QList) items = rec && r->ram_full ? qlist_new() : NULL;
    g_autoptr(QDict) counts = rec && !r->ram_full ? qdict_new() : NULL;
    uint64_t mask = r->page_size - 1;

    if (counts) {
        qdict_put_uint(counts, "pages", 0);
        qdict_put_uint(counts, "zero_pages", 0);
        qdict_put_uint(counts, "compressed_pages", 0);
        qdict_put_uint(counts, "xbzrle_pages", 0);
    }
    for (;;) {
        uint64_t at = r->pos, w, flags, addr;
        g_autoptr(QDict) item = items ? qdict_new() : NULL;
        const char *kind = NULL;

        if (!qs__be64(r, &w, errp)) {
            return false;
        }
        flags = w & mask;
        addr = w & ~mask;
        switch (flags & ~(uint64_t)QS_RAM_CONTINUE) {
        case QS_RAM_MEM_SIZE:
            if (flags & QS_RAM_CONTINUE) {
                return bad_flags(r, at, flags, errp);
            }
            if (item) {
                qdict_put_str(item, "type", "mem_size");
            }
            if (!read_mem_size(r, addr, item, errp)) {
                return false;
            }
            break;
        case QS_RAM_ZERO: {
            uint8_t fill;

            kind = "zero_pages";
            if (item) {
                qdict_put_str(item, "type", "zero");
                qdict_put_uint(item, "addr", addr);
            }
            if (!read_block_name(r, flags, at, item, errp) ||
                !qs__u8(r, &fill, errp)) {
                return false;
            }
            if (item) {
                qdict_put_uint(item, "fill", fill);
            }
            break;
        }
        case QS_RAM_PAGE:
            kind = "pages";
            if (item) {
                qdict_put_str(item, "type", "page");
                qdict_put_uint(item, "addr", addr);
            }
            if (!read_block_name(r, flags, at, item, errp) ||
                !read_data(r, r->page_size, item, errp)) {
                return false;
            }
            break;
        case QS_RAM_COMPRESS_PAGE:
            kind = "compressed_pages";
            if (item) {
                qdict_put_str(item, "type", "compressed");
                qdict_put_uint(item, "addr", addr);
            }
            if (!read_block_name(r, flags, at, item, errp) ||
                !read_compressed(r, item, at, errp)) {
                return false;
            }
            break;
        case QS_RAM_XBZRLE: {
            uint8_t enc;
            uint16_t len;

            kind = "xbzrle_pages";
            if (item) {
                qdict_put_str(item, "type", "xbzrle");
                qdict_put_uint(item, "addr", addr);
            }
            if (!read_block_name(r, flags, at, item, errp) ||
                !qs__u8(r, &enc, errp) || !qs__be16(r, &len, errp)) {
                return false;
            }
            if (item) {
                qdict_put_uint(item, "encoding", enc);
            }
            if (!read_data(r, len, item, errp)) {
                return false;
            }
            break;
        }
        case QS_RAM_EOS:
            if (flags & QS_RAM_CONTINUE) {
                return bad_flags(r, at, flags, errp);
            }
            if (item) {
                qdict_put_str(item, "type", "eos");
                if (addr) {
                    qdict_put_uint(item, "addr", addr);
                }
                qlist_append_obj(items, QOBJECT(g_steal_pointer(&item)));
            }
            if (rec) {
                qdict_put_obj(rec, "ram", items
                              ? QOBJECT(g_steal_pointer(&items))
                              : QOBJECT(g_steal_pointer(&counts)));
            }
            return true;
        default:
            return bad_flags(r, at, flags, errp);
        }
        if (kind && !r->compat) {
            count(block_summary(r, r->ram_block), kind);
            if (counts) {
                count(counts, kind);
            }
        }
        if (item) {
            qlist_append_obj(items, QOBJECT(g_steal_pointer(&item)));
        }
    }
}

/* --- writer ------------------------------------------------------------ */

static bool item_uint(const QDict *item, const char *key, bool required,
                      uint64_t *v, GString *path, GError **errp)
{
    QObject *o = qdict_get(item, key);
    QNum *n = qobject_to(QNum, o);

    if (!o && !required) {
        *v = 0;
        return true;
    }
    if (!o) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member '%s' is missing", key);
    }
    if (!n || !qnum_get_try_uint(n, v)) {
        return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                             "member '%s': expected a non-negative "
                             "integer", key);
    }
    return true;
}

static bool put_cstr(QEMUFile *f, const char *s, GString *path,
                     GError **errp)
{
    size_t len = strlen(s);

    if (len > 255) {
        return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                             "name '%s' is longer than 255 bytes", s);
    }
    qemu_put_byte(f, (int)len);
    qemu_put_buffer(f, (const uint8_t *)s, len);
    return true;
}

static bool put_base64(QEMUFile *f, const QDict *item, size_t want,
                       bool exact, GString *path, GError **errp)
{
    const char *b64 = qs__dict_str(item, "data");
    g_autofree uint8_t *buf = NULL;
    gsize len = 0;

    if (!b64) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'data' is missing");
    }
    buf = g_base64_decode(b64, &len);
    if (exact && len != want) {
        return qs__enc_error(path, errp, QVISIT_ERROR_LENGTH,
                             "data holds %zu bytes, expected %zu",
                             (size_t)len, want);
    }
    if (!exact && len > want) {
        return qs__enc_error(path, errp, QVISIT_ERROR_LENGTH,
                             "data holds %zu bytes, at most %zu fit",
                             (size_t)len, want);
    }
    if (want == 0xffffffff) {
        qemu_put_be32(f, (unsigned)len);
    } else if (want == 0xffff) {
        qemu_put_be16(f, (unsigned)len);
    }
    qemu_put_buffer(f, buf, len);
    return true;
}

static bool write_item(QEMUFile *f, const QDict *item, uint64_t page_size,
                       GString *path, GError **errp)
{
    const char *type = qs__dict_str(item, "type");
    const char *block = qs__dict_str(item, "block");
    uint64_t addr = 0, flags, v;

    if (!type) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'type' is missing");
    }
    if (!item_uint(item, "addr", false, &addr, path, errp)) {
        return false;
    }
    if (addr & (page_size - 1)) {
        return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                             "addr 0x%" G_GINT64_MODIFIER "x is not page "
                             "aligned", addr);
    }
    if (!strcmp(type, "mem_size")) {
        QList *blocks = qobject_to(QList, qdict_get(item, "blocks"));
        uint64_t total;

        if (!item_uint(item, "total", true, &total, path, errp)) {
            return false;
        }
        if (!blocks) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "member 'blocks' is missing");
        }
        qemu_put_be64(f, total | QS_RAM_MEM_SIZE);
        for (size_t i = 0; i < qlist_size(blocks); i++) {
            QDict *b = qobject_to(QDict, qlist_get(blocks, i));
            const char *id = b ? qs__dict_str(b, "id") : NULL;
            size_t mark = path->len;

            g_string_append_printf(path, ".blocks[%zu]", i);
            if (!id) {
                return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                     "member 'id' is missing");
            }
            if (!put_cstr(f, id, path, errp) ||
                !item_uint(b, "length", true, &v, path, errp)) {
                return false;
            }
            qemu_put_be64(f, v);
            if (qdict_haskey(b, "addr")) {
                if (!item_uint(b, "addr", true, &v, path, errp)) {
                    return false;
                }
                qemu_put_be64(f, v);
            }
            g_string_truncate(path, mark);
        }
        return true;
    }
    if (!strcmp(type, "eos")) {
        qemu_put_be64(f, addr | QS_RAM_EOS);
        return true;
    }
    if (!strcmp(type, "zero")) {
        flags = QS_RAM_ZERO;
    } else if (!strcmp(type, "page")) {
        flags = QS_RAM_PAGE;
    } else if (!strcmp(type, "compressed")) {
        flags = QS_RAM_COMPRESS_PAGE;
    } else if (!strcmp(type, "xbzrle")) {
        flags = QS_RAM_XBZRLE;
    } else {
        return qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                             "unknown RAM item type '%s'", type);
    }
    qemu_put_be64(f, addr | flags | (block ? 0 : QS_RAM_CONTINUE));
    if (block && !put_cstr(f, block, path, errp)) {
        return false;
    }
    switch (flags) {
    case QS_RAM_ZERO:
        if (!item_uint(item, "fill", true, &v, path, errp)) {
            return false;
        }
        qemu_put_byte(f, (int)v);
        return true;
    case QS_RAM_PAGE:
        return put_base64(f, item, page_size, true, path, errp);
    case QS_RAM_COMPRESS_PAGE:
        return put_base64(f, item, 0xffffffff, false, path, errp);
    default:
        if (!item_uint(item, "encoding", true, &v, path, errp)) {
            return false;
        }
        qemu_put_byte(f, (int)v);
        return put_base64(f, item, 0xffff, false, path, errp);
    }
}

bool qs__write_ram(QEMUFile *f, const QList *items, uint64_t page_size,
                   GString *path, GError **errp)
{
    for (size_t i = 0; i < qlist_size(items); i++) {
        QDict *item = qobject_to(QDict, qlist_get(items, i));
        size_t mark = path->len;

        g_string_append_printf(path, "[%zu]", i);
        if (!item) {
            return qs__enc_error(path, errp, QVISIT_ERROR_TYPE,
                                 "expected an object");
        }
        if (!write_item(f, item, page_size, path, errp)) {
            return false;
        }
        g_string_truncate(path, mark);
    }
    return true;
}
