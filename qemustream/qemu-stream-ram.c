/*
 * The "ram" section (version 4): a sequence of be64 words, each split into
 * a page address and flags at the target page size, each followed by what
 * its flag says (block list, zero page, raw page, zlib page, XBZRLE page),
 * up to an EOS word. Decoded record by record; pages are never kept
 * unless the native dump asked for them. For a comparison of final memory
 * contents (qemu_stream_info() with QEMU_STREAM_INFO_RAM_DIGESTS) each
 * page's final content is kept as a 64-bit digest: the last copy of a
 * page wins, a zero page is its fill byte repeated, a compressed page is
 * inflated first.
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

/* The kinds of page record, as counted in r->ram_block_counts. */
enum {
    KIND_PAGE,
    KIND_ZERO,
    KIND_COMPRESSED,
    KIND_XBZRLE,
    KIND_COUNT,
    KIND_NONE = KIND_COUNT,
};

static const char *const kind_keys[KIND_COUNT] = {
    [KIND_PAGE] = "pages",
    [KIND_ZERO] = "zero_pages",
    [KIND_COMPRESSED] = "compressed_pages",
    [KIND_XBZRLE] = "xbzrle_pages",
};

G_STATIC_ASSERT(sizeof(((QsReader *)0)->ram_block_counts) ==
                KIND_COUNT * sizeof(uint64_t));

/* Adds @n[] to the counts of @d. */
static void add_counts(QDict *d, const uint64_t *n)
{
    for (int k = 0; k < KIND_COUNT; k++) {
        uint64_t v = 0;

        if (n[k]) {
            qnum_get_try_uint(qobject_to(QNum, qdict_get(d, kind_keys[k])),
                              &v);
            qdict_put_uint(d, kind_keys[k], v + n[k]);
        }
    }
}

/*
 * Moves the pages counted for the current block into its summary. Pages
 * are counted in r->ram_block_counts, not in the summary's QNums, as
 * updating a dict for every page was a tenth of `qvisit info`'s work;
 * the summary is up to date whenever the block changes and at each
 * record's end.
 */
static void flush_block_counts(QsReader *r)
{
    uint64_t none[KIND_COUNT] = { 0 };

    if (!memcmp(r->ram_block_counts, none, sizeof(none))) {
        return;
    }
    if (r->ram_block && !r->compat) {
        add_counts(block_summary(r, r->ram_block), r->ram_block_counts);
    }
    memset(r->ram_block_counts, 0, sizeof(r->ram_block_counts));
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
            (r->ignore_shared && !qs__be64(r, &gpa, errp)) ||
            !qs__charge(r, QS_RAM_BLOCK_COST, errp)) {
            return false;
        }
        if (len > left) {
            return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                             "block '%s' length 0x%" G_GINT64_MODIFIER "x "
                             "exceeds the 0x%" G_GINT64_MODIFIER "x bytes "
                             "left of the total", id, len, left);
        }
        left -= len;
        /* Pages name their block: keep its length for their offsets. */
        g_hash_table_replace(r->ram_lengths, g_strdup(id),
                             g_memdup2(&len, sizeof(len)));
        if (r->ram_block && !strcmp(r->ram_block, id)) {
            r->ram_block_len = len;
        }
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

/*
 * Reads the block of the page at @addr (or takes the previous one with
 * CONTINUE) and checks, as QEMU's loader does ("Can't find block",
 * "Illegal RAM offset"), that the MEM_SIZE list has the block and that
 * @addr is inside it.
 */
static bool read_block_name(QsReader *r, uint64_t flags, uint64_t addr,
                            uint64_t at, QDict *item, GError **errp)
{
    if (flags & QS_RAM_CONTINUE) {
        if (!r->ram_block) {
            return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                             "CONTINUE flag with no previous block");
        }
    } else {
        g_autofree char *id = NULL;
        const uint64_t *len;

        if (!qs__cstr(r, &id, errp)) {
            return false;
        }
        len = g_hash_table_lookup(r->ram_lengths, id);
        if (!len) {
            return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                             "can't find RAM block '%s' (not in the "
                             "MEM_SIZE list)", id);
        }
        r->ram_block_len = *len;
        if (item) {
            if (!qs__charge(r, QS_COST_STR(strlen(id)), errp)) {
                return false;
            }
            qdict_put_str(item, "block", id);
        }
        flush_block_counts(r);
        g_free(r->ram_block);
        r->ram_block = g_steal_pointer(&id);
        r->ram_block_digests = NULL;
    }
    if (addr >= r->ram_block_len) {
        return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                         "illegal RAM offset 0x%" G_GINT64_MODIFIER "x in "
                         "block '%s' of 0x%" G_GINT64_MODIFIER "x bytes",
                         addr, r->ram_block, r->ram_block_len);
    }
    return true;
}

/*
 * Reads @len bytes of a page (into page_buf) and stores in @slot the
 * digest of the page's new content: the bytes themselves, or, for XBZRLE
 * data (@xbzrle), the page's old digest combined with the encoded update,
 * as decoding it would need the old bytes.
 */
static bool read_digested(QsReader *r, uint64_t len, uint64_t *slot,
                          bool xbzrle, GError **errp)
{
    /* In place when the file's read window holds the page. */
    const uint8_t *p = byte_window_take(r->win, len);
    uint64_t d;

    if (p) {
        r->pos += len;
    } else if (!qs__read(r, r->page_buf, len, errp)) {
        return false;
    }
    d = qs__page_digest(p ? p : r->page_buf, len);
    if (xbzrle) {
        d ^= (*slot + UINT64_C(0x9e3779b97f4a7c15)) *
             UINT64_C(0xc2b2ae3d27d4eb4f);
        d = d ? d : 1;
    }
    *slot = d;
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
    r->cost = QS_COST_STR(strlen(b64));
    qdict_put_str(item, "data", b64);
    return true;
}

/* Inflates one compressed page into @page; false unless it is exactly
 * one page. */
static bool inflate_page(const uint8_t *data, size_t len, uint8_t *page,
                         uint64_t page_size)
{
    uLongf out_len = (uLongf)page_size;

    return len <= compressBound((uLong)page_size) &&
           uncompress(page, &out_len, data, (uLong)len) == Z_OK &&
           out_len == page_size;
}

bool qs__zlib_page_ok(const uint8_t *data, size_t len, uint64_t page_size)
{
    /* Each page is compressed on its own; it must inflate to one page. */
    g_autofree uint8_t *page = g_malloc(page_size);

    return inflate_page(data, len, page, page_size);
}

/*
 * The digest slot of the page at @addr of the current block, when
 * digests are kept. The block's digests are allocated at its
 * first page and charged against max_alloc, so a MEM_SIZE list that
 * claims a huge block costs nothing until pages of it arrive.
 */
static bool digest_slot(QsReader *r, uint64_t addr, uint64_t **slot,
                        GError **errp)
{
    QsDigestTable *d = r->ram_block_digests;
    uint64_t i = addr / r->page_size;

    /* Pages of one block come in runs: one lookup per run, not per
     * page. */
    if (G_UNLIKELY(!d)) {
        d = g_hash_table_lookup(r->ram_digests, r->ram_block);
        if (!d) {
            d = qs__digest_table_new();
            g_hash_table_insert(r->ram_digests, g_strdup(r->ram_block), d);
        }
        r->ram_block_digests = d;
    }
    if (i >= d->len) {
        uint64_t n = (r->ram_block_len + r->page_size - 1) / r->page_size;

        /* @addr is below the block's length (read_block_name()). */
        n = MAX(n, i + 1);
        if (!qs__charge(r, (n - d->len) * sizeof(uint64_t), errp)) {
            return false;
        }
        qs__digest_table_grow(d, n);
    }
    *slot = &d->d[i];
    return true;
}

/* The digest of a page filled with @fill. */
static uint64_t fill_digest(QsReader *r, uint8_t fill)
{
    if (!r->fill_digest[fill]) {
        memset(r->page_buf, fill, r->page_size);
        r->fill_digest[fill] = qs__page_digest(r->page_buf, r->page_size);
    }
    return r->fill_digest[fill];
}

static bool read_compressed(QsReader *r, QDict *item, uint64_t at,
                            uint64_t *slot, GError **errp)
{
    uint32_t len;
    uLong bound = compressBound((uLong)r->page_size);
    g_autofree uint8_t *in = NULL;

    if (!qs__be32(r, &len, errp)) {
        return false;
    }
    if (len > bound) {
        return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                         "compressed page length %u exceeds %lu", len,
                         (unsigned long)bound);
    }
    in = g_malloc(len ? len : 1);
    if (!qs__read(r, in, len, errp)) {
        return false;
    }
    if (slot ? !inflate_page(in, len, r->page_buf, r->page_size)
             : !qs__zlib_page_ok(in, len, r->page_size)) {
        return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                         "compressed page does not inflate to %"
                         G_GUINT64_FORMAT " bytes", r->page_size);
    }
    if (slot) {
        *slot = qs__page_digest(r->page_buf, r->page_size);
    }
    if (item) {
        g_autofree char *b64 = g_base64_encode(in, len);
        r->cost = QS_COST_STR(strlen(b64));
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
    uint64_t rec_counts[KIND_COUNT] = { 0 };
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
        int kind = KIND_NONE;
        uint64_t *slot = NULL;

        r->cost = 0;
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

            kind = KIND_ZERO;
            if (item) {
                qdict_put_str(item, "type", "zero");
                qdict_put_uint(item, "addr", addr);
            }
            if (!read_block_name(r, flags, addr, at, item, errp) ||
                !qs__u8(r, &fill, errp) ||
                (G_UNLIKELY(r->ram_digests) &&
                 !digest_slot(r, addr, &slot, errp))) {
                return false;
            }
            if (item) {
                qdict_put_uint(item, "fill", fill);
            }
            if (slot) {
                *slot = fill_digest(r, fill);
            }
            break;
        }
        case QS_RAM_PAGE:
            kind = KIND_PAGE;
            if (item) {
                qdict_put_str(item, "type", "page");
                qdict_put_uint(item, "addr", addr);
            }
            if (!read_block_name(r, flags, addr, at, item, errp)) {
                return false;
            }
            if (G_UNLIKELY(r->ram_digests)
                    ? !digest_slot(r, addr, &slot, errp) ||
                      !read_digested(r, r->page_size, slot, false, errp)
                    : !read_data(r, r->page_size, item, errp)) {
                return false;
            }
            break;
        case QS_RAM_COMPRESS_PAGE:
            kind = KIND_COMPRESSED;
            if (item) {
                qdict_put_str(item, "type", "compressed");
                qdict_put_uint(item, "addr", addr);
            }
            if (!read_block_name(r, flags, addr, at, item, errp) ||
                (G_UNLIKELY(r->ram_digests) &&
                 !digest_slot(r, addr, &slot, errp)) ||
                !read_compressed(r, item, at, slot, errp)) {
                return false;
            }
            break;
        case QS_RAM_XBZRLE: {
            uint8_t enc;
            uint16_t len;

            kind = KIND_XBZRLE;
            if (item) {
                qdict_put_str(item, "type", "xbzrle");
                qdict_put_uint(item, "addr", addr);
            }
            if (!read_block_name(r, flags, addr, at, item, errp) ||
                !qs__u8(r, &enc, errp) || !qs__be16(r, &len, errp)) {
                return false;
            }
            /* QEMU: "wrong compression", "len overflow". */
            if (enc != QS_XBZRLE_ENCODING) {
                return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                                 "XBZRLE encoding 0x%02x, expected 0x%02x",
                                 enc, QS_XBZRLE_ENCODING);
            }
            if (len > r->page_size) {
                return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                                 "XBZRLE data of %u bytes exceeds the page "
                                 "size %" G_GUINT64_FORMAT, len,
                                 r->page_size);
            }
            if (item) {
                qdict_put_uint(item, "encoding", enc);
            }
            if (G_UNLIKELY(r->ram_digests)
                    ? !digest_slot(r, addr, &slot, errp) ||
                      !read_digested(r, len, slot, true, errp)
                    : !read_data(r, len, item, errp)) {
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
            flush_block_counts(r);
            if (counts) {
                add_counts(counts, rec_counts);
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
        if (kind != KIND_NONE) {
            r->ram_block_counts[kind]++;
            rec_counts[kind]++;
        }
        if (item) {
            if (!qs__charge(r, QS_RAM_ITEM_COST + r->cost, errp)) {
                return false;
            }
            qlist_append_obj(items, QOBJECT(g_steal_pointer(&item)));
        }
    }
}

/* --- writer ------------------------------------------------------------ */

/* Reads member @key as an unsigned integer of @bits bits (64: any). */
bool qs__item_uint(const QDict *item, const char *key, bool required,
                      int bits, uint64_t *v, GString *path, GError **errp)
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
    if (bits < 64 && *v >> bits) {
        return qs__enc_member_error(path, key, errp, QVISIT_ERROR_RANGE,
                                    "%" G_GUINT64_FORMAT " does not fit u%d",
                                    *v, bits);
    }
    return true;
}

bool qs__item_put_cstr(QEMUFile *f, const char *s, GString *path,
                     GError **errp)
{
    size_t len = strlen(s);

    if (len > 255) {
        return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                             "name '%s' is longer than 255 bytes", s);
    }
    qs__put_cstr(f, s);
    return true;
}

/* Decodes member "data" (base64); returns NULL with @errp set. */
uint8_t *qs__item_data(const QDict *item, gsize *len, GString *path,
                          GError **errp)
{
    const char *b64 = qs__dict_str(item, "data");
    uint8_t *buf;

    if (!b64) {
        qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                      "member 'data' is missing");
        return NULL;
    }
    *len = 0;
    buf = g_base64_decode(b64, len);
    return buf ? buf : g_malloc(1);
}

/*
 * The block list: the total must be whole pages and the lengths must add
 * up to it exactly, since the loader reads blocks until they do.
 */
static bool write_mem_size(QEMUFile *f, const QDict *item, QsRamWriter *w,
                           GString *path, GError **errp)
{
    QList *blocks = qobject_to(QList, qdict_get(item, "blocks"));
    uint64_t total, sum = 0, v;

    if (!qs__item_uint(item, "total", true, 64, &total, path, errp)) {
        return false;
    }
    if (total & (w->page_size - 1)) {
        return qs__enc_member_error(path, "total", errp, QVISIT_ERROR_RANGE,
                                    "0x%" G_GINT64_MODIFIER "x is not a "
                                    "multiple of the page size 0x%"
                                    G_GINT64_MODIFIER "x", total,
                                    w->page_size);
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
        uint64_t len;

        g_string_append_printf(path, ".blocks[%zu]", i);
        if (!id) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "member 'id' is missing");
        }
        if (sum == total) {
            return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                                 "the blocks before it already add up to "
                                 "the total 0x%" G_GINT64_MODIFIER "x",
                                 total);
        }
        if (!qs__item_put_cstr(f, id, path, errp) ||
            !qs__item_uint(b, "length", true, 64, &len, path, errp)) {
            return false;
        }
        if (len > total - sum) {
            return qs__enc_member_error(path, "length", errp,
                                        QVISIT_ERROR_RANGE,
                                        "0x%" G_GINT64_MODIFIER "x exceeds "
                                        "the 0x%" G_GINT64_MODIFIER "x bytes "
                                        "left of the total", len,
                                        total - sum);
        }
        sum += len;
        qemu_put_be64(f, len);
        /* The loader reads an address after each block exactly when the
         * configuration lists x-ignore-shared. */
        if (qdict_haskey(b, "addr") != w->ignore_shared) {
            return w->ignore_shared
                ? qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                "member 'addr' is missing (the "
                                "configuration lists x-ignore-shared)")
                : qs__enc_member_error(path, "addr", errp,
                                       QVISIT_ERROR_INVALID,
                                       "only a configuration with the "
                                       "x-ignore-shared capability has "
                                       "block addresses");
        }
        if (w->ignore_shared) {
            if (!qs__item_uint(b, "addr", true, 64, &v, path, errp)) {
                return false;
            }
            qemu_put_be64(f, v);
        }
        g_hash_table_replace(w->lengths, g_strdup(id),
                             g_memdup2(&len, sizeof(len)));
        if (w->block && !strcmp(w->block, id)) {
            w->block_len = len;
        }
        g_string_truncate(path, mark);
    }
    if (sum != total) {
        return qs__enc_member_error(path, "total", errp, QVISIT_ERROR_RANGE,
                                    "0x%" G_GINT64_MODIFIER "x, but the "
                                    "blocks' lengths add up to 0x%"
                                    G_GINT64_MODIFIER "x", total, sum);
    }
    return true;
}

/* The page's block (named or CONTINUEd) must be in a block list before it
 * and @addr inside it: QEMU's "Can't find block", "Illegal RAM offset". */
static bool check_page_block(const char *block, uint64_t addr,
                             QsRamWriter *w, GString *path, GError **errp)
{
    if (block) {
        const uint64_t *len = g_hash_table_lookup(w->lengths, block);

        if (!len) {
            return qs__enc_member_error(path, "block", errp,
                                        QVISIT_ERROR_INVALID,
                                        "can't find RAM block '%s' (not in "
                                        "a mem_size item before it)",
                                        block);
        }
        w->block = block;
        w->block_len = *len;
    } else if (!w->block) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'block' is missing (no page before "
                             "it to continue)");
    }
    if (addr >= w->block_len) {
        return qs__enc_member_error(path, "addr", errp, QVISIT_ERROR_RANGE,
                                    "0x%" G_GINT64_MODIFIER "x is past the "
                                    "end of RAM block '%s' (0x%"
                                    G_GINT64_MODIFIER "x bytes)", addr,
                                    w->block, w->block_len);
    }
    return true;
}

static bool write_item(QEMUFile *f, const QDict *item, QsRamWriter *w,
                       GString *path, GError **errp)
{
    const char *type = qs__dict_str(item, "type");
    const char *block = qs__dict_str(item, "block");
    g_autofree uint8_t *data = NULL;
    uint64_t addr = 0, flags, v = 0;
    gsize len = 0;

    if (!type) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'type' is missing");
    }
    if (!qs__item_uint(item, "addr", false, 64, &addr, path, errp)) {
        return false;
    }
    if (addr & (w->page_size - 1)) {
        return qs__enc_error(path, errp, QVISIT_ERROR_RANGE,
                             "addr 0x%" G_GINT64_MODIFIER "x is not page "
                             "aligned", addr);
    }
    if (!strcmp(type, "mem_size")) {
        return write_mem_size(f, item, w, path, errp);
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
    if (!check_page_block(block, addr, w, path, errp)) {
        return false;
    }
    /* Everything after the block name, checked before it is written. */
    switch (flags) {
    case QS_RAM_ZERO:
        if (!qs__item_uint(item, "fill", true, 8, &v, path, errp)) {
            return false;
        }
        break;
    case QS_RAM_PAGE:
        data = qs__item_data(item, &len, path, errp);
        if (!data) {
            return false;
        }
        if (len != w->page_size) {
            return qs__enc_error(path, errp, QVISIT_ERROR_LENGTH,
                                 "data holds %zu bytes, expected %"
                                 G_GUINT64_FORMAT, (size_t)len,
                                 w->page_size);
        }
        break;
    case QS_RAM_COMPRESS_PAGE:
        data = qs__item_data(item, &len, path, errp);
        if (!data) {
            return false;
        }
        if (len > compressBound((uLong)w->page_size)) {
            return qs__enc_member_error(path, "data", errp,
                                        QVISIT_ERROR_LENGTH,
                                        "%zu bytes, at most %lu (zlib's "
                                        "bound for one page)", (size_t)len,
                                        (unsigned long)compressBound(
                                            (uLong)w->page_size));
        }
        /* QEMU inflates it into the page: one zlib stream, one page. */
        if (!qs__zlib_page_ok(data, len, w->page_size)) {
            return qs__enc_member_error(path, "data", errp,
                                        QVISIT_ERROR_INVALID,
                                        "not a zlib stream that inflates "
                                        "to one page of %" G_GUINT64_FORMAT
                                        " bytes", w->page_size);
        }
        break;
    default:
        if (!qs__item_uint(item, "encoding", true, 8, &v, path, errp)) {
            return false;
        }
        if (v != QS_XBZRLE_ENCODING) {
            return qs__enc_member_error(path, "encoding", errp,
                                        QVISIT_ERROR_RANGE,
                                        "%" G_GUINT64_FORMAT " is not %d, "
                                        "the XBZRLE encoding QEMU loads", v,
                                        QS_XBZRLE_ENCODING);
        }
        data = qs__item_data(item, &len, path, errp);
        if (!data) {
            return false;
        }
        if (len > w->page_size) {
            return qs__enc_member_error(path, "data", errp,
                                        QVISIT_ERROR_LENGTH,
                                        "%zu bytes, at most the page size %"
                                        G_GUINT64_FORMAT, (size_t)len,
                                        w->page_size);
        }
        break;
    }
    qemu_put_be64(f, addr | flags | (block ? 0 : QS_RAM_CONTINUE));
    if (block && !qs__item_put_cstr(f, block, path, errp)) {
        return false;
    }
    switch (flags) {
    case QS_RAM_ZERO:
        qemu_put_byte(f, (int)v);
        break;
    case QS_RAM_COMPRESS_PAGE:
        qemu_put_be32(f, (unsigned)len);
        qemu_put_buffer(f, data, len);
        break;
    case QS_RAM_XBZRLE:
        qemu_put_byte(f, (int)v);
        qemu_put_be16(f, (unsigned)len);
        qemu_put_buffer(f, data, len);
        break;
    default:
        qemu_put_buffer(f, data, len);
        break;
    }
    return true;
}

bool qs__write_ram(QEMUFile *f, const QList *items, QsRamWriter *w,
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
        if (!write_item(f, item, w, path, errp)) {
            return false;
        }
        g_string_truncate(path, mark);
    }
    return true;
}
