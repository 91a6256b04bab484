/*
 * The "dirty-bitmap" section (the `dirty-bitmaps` capability; QEMU 7.2's
 * migration/block-dirty-bitmap.c, version 1): a sequence of chunks up to
 * one whose flags have EOS. Each chunk is
 *
 *   flags                 1, 2 or 4 bytes (see read_flags())
 *   [cstr node alias]     with DEVICE_NAME (0x08)
 *   [cstr bitmap alias]   with BITMAP_NAME (0x04)
 *   then, by the first of these flags that is set:
 *   START (0x10)          be32 granularity, u8 bitmap flags (bit 0
 *                         enabled, 1 persistent, 2 autoload; 0xf8 must be
 *                         zero: "Unknown flags in migrated dirty bitmap
 *                         header")
 *   COMPLETE (0x20)       nothing
 *   BITS (0x40)           be64 first sector, be32 number of sectors, and
 *                         unless ZEROES (0x02) be64 size and that many
 *                         bytes of bitmap (the loader refuses more than
 *                         10 KiB: "buffer allocation request is too
 *                         large")
 *
 * (The comment at the top of QEMU's file says the granularity is a be64;
 * the code writes and reads a be32.)
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>

#include "util/hex.h"

#define DBM_EOS 0x01
#define DBM_ZEROES 0x02
#define DBM_BITMAP_NAME 0x04
#define DBM_DEVICE_NAME 0x08
#define DBM_START 0x10
#define DBM_COMPLETE 0x20
#define DBM_BITS 0x40
#define DBM_EXTRA_FLAGS 0x80
#define DBM_START_RESERVED 0xf8
/* 10 * CHUNK_SIZE in QEMU's loader. */
#define DBM_MAX_BUF (10 * 1024)

/* The dump's name of a chunk, from the flags the loader acts on. */
static const char *chunk_type(unsigned flags)
{
    return flags & DBM_START ? "start"
           : flags & DBM_COMPLETE ? "complete"
           : flags & DBM_BITS ? (flags & DBM_ZEROES ? "zeroes" : "bits")
           : flags & DBM_EOS ? "eos" : "header";
}

/*
 * QEMU 7.2 reads the flags into a uint8_t: a first byte with 0x80 is
 * followed by a second, a second with 0x80 by two more, and what the
 * loader acts on is the last byte read. QEMU writes one byte. The bytes
 * of a longer form are kept as "flags_bytes".
 */
static bool read_flags(QsReader *r, unsigned *flags, char hex[9],
                       GError **errp)
{
    uint8_t b[4];
    unsigned n = 1;

    if (!qs__u8(r, &b[0], errp)) {
        return false;
    }
    if (b[0] & DBM_EXTRA_FLAGS) {
        if (!qs__u8(r, &b[1], errp)) {
            return false;
        }
        n = 2;
        if (b[1] & DBM_EXTRA_FLAGS) {
            if (!qs__read(r, b + 2, 2, errp)) {
                return false;
            }
            n = 4;
        }
    }
    *flags = b[n - 1];
    hex[0] = '\0';
    if (n > 1) {
        for (unsigned i = 0; i < n; i++) {
            hex[2 * i] = hex_digit_char(b[i] >> 4);
            hex[2 * i + 1] = hex_digit_char(b[i]);
        }
        hex[2 * n] = '\0';
    }
    return true;
}

static bool read_name(QsReader *r, const char *key, QDict *item,
                      GError **errp)
{
    g_autofree char *s = NULL;

    if (!qs__cstr(r, &s, errp)) {
        return false;
    }
    if (item) {
        r->cost += QS_COST_STR(strlen(s));
        qdict_put_str(item, key, s);
    }
    return true;
}

static void count(QDict *d, const char *key)
{
    uint64_t n = 0;

    qnum_get_try_uint(qobject_to(QNum, qdict_get(d, key)), &n);
    qdict_put_uint(d, key, n + 1);
}

static bool read_bits(QsReader *r, unsigned flags, uint64_t at, QDict *item,
                      GError **errp)
{
    uint64_t sector, size;
    uint32_t nr;
    g_autofree uint8_t *buf = NULL;

    if (!qs__be64(r, &sector, errp) || !qs__be32(r, &nr, errp)) {
        return false;
    }
    if (item) {
        qdict_put_uint(item, "sector", sector);
        qdict_put_uint(item, "nr_sectors", nr);
    }
    if (flags & DBM_ZEROES) {
        return true;
    }
    if (!qs__be64(r, &size, errp)) {
        return false;
    }
    if (size > DBM_MAX_BUF) {
        return qs__error(r, errp, QVISIT_ERROR_LIMIT, at,
                         "bitmap chunk of %" G_GUINT64_FORMAT " bytes "
                         "exceeds %d", size, DBM_MAX_BUF);
    }
    if (!item) {
        return qs__skip(r, size, errp);
    }
    buf = g_malloc(size ? size : 1);
    if (!qs__read(r, buf, size, errp)) {
        return false;
    }
    g_autofree char *b64 = g_base64_encode(buf, size);
    r->cost += QS_COST_STR(strlen(b64));
    qdict_put_str(item, "data", b64);
    return true;
}

bool qs__read_bitmap(QsReader *r, QDict *rec, GError **errp)
{
    g_autoptr(QList) items = rec && r->ram_full ? qlist_new() : NULL;
    g_autoptr(QDict) counts = rec && !r->ram_full ? qdict_new() : NULL;
    unsigned flags;

    if (counts) {
        qdict_put_uint(counts, "start", 0);
        qdict_put_uint(counts, "complete", 0);
        qdict_put_uint(counts, "bits", 0);
        qdict_put_uint(counts, "zeroes", 0);
    }
    do {
        g_autoptr(QDict) item = items ? qdict_new() : NULL;
        uint64_t at = r->pos;
        const char *type;
        char hex[9];

        r->cost = 0;
        if (!read_flags(r, &flags, hex, errp)) {
            return false;
        }
        type = chunk_type(flags);
        if (item) {
            qdict_put_str(item, "type", type);
            qdict_put_uint(item, "flags", flags);
            if (hex[0]) {
                qdict_put_str(item, "flags_bytes", hex);
            }
        }
        if (((flags & DBM_DEVICE_NAME) &&
             !read_name(r, "node", item, errp)) ||
            ((flags & DBM_BITMAP_NAME) &&
             !read_name(r, "bitmap", item, errp))) {
            return false;
        }
        if (flags & DBM_START) {
            uint32_t gran;
            uint8_t bflags;

            if (!qs__be32(r, &gran, errp) || !qs__u8(r, &bflags, errp)) {
                return false;
            }
            if (bflags & DBM_START_RESERVED) {
                return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                                 "unknown flags 0x%02x in a bitmap's start "
                                 "chunk", bflags);
            }
            if (item) {
                qdict_put_uint(item, "granularity", gran);
                qdict_put_uint(item, "bitmap_flags", bflags);
            }
        } else if (!(flags & DBM_COMPLETE) && (flags & DBM_BITS) &&
                   !read_bits(r, flags, at, item, errp)) {
            return false;
        }
        if (counts && strcmp(type, "eos") && strcmp(type, "header")) {
            count(counts, type);
        }
        if (item) {
            if (!qs__charge(r, QS_RAM_ITEM_COST + r->cost, errp)) {
                return false;
            }
            qlist_append_obj(items, QOBJECT(g_steal_pointer(&item)));
        }
    } while (!(flags & DBM_EOS));
    if (rec) {
        qdict_put_obj(rec, "dirty_bitmap",
                      items ? QOBJECT(g_steal_pointer(&items))
                            : QOBJECT(g_steal_pointer(&counts)));
    }
    return true;
}

/* --- writer ------------------------------------------------------------ */

/* The flag bytes: "flags_bytes" when given (it must be a form the reader
 * reads back, ending in "flags"), else the one byte of "flags". */
static bool write_flags(QEMUFile *f, const QDict *item, uint64_t flags,
                        GString *path, GError **errp)
{
    const char *hex = qs__dict_str(item, "flags_bytes");
    uint8_t b[4];
    size_t n;

    if (!hex) {
        if (flags & DBM_EXTRA_FLAGS) {
            return qs__enc_member_error(path, "flags", errp,
                                        QVISIT_ERROR_RANGE,
                                        "0x%02x has bit 0x80, which makes "
                                        "the flags longer: give "
                                        "'flags_bytes'", (unsigned)flags);
        }
        qemu_put_byte(f, (int)flags);
        return true;
    }
    n = strlen(hex) / 2;
    for (size_t i = 0; i < n && n <= 4 && strlen(hex) % 2 == 0; i++) {
        int hi = hex_digit_value(hex[2 * i]);
        int lo = hex_digit_value(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            n = 0;
            break;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    if (strlen(hex) % 2 || !(n == 1 || n == 2 || n == 4) ||
        (n == 1) != !(b[0] & DBM_EXTRA_FLAGS) ||
        (n > 1 && (n == 4) != !!(b[1] & DBM_EXTRA_FLAGS)) ||
        (n == 1 && (b[0] & DBM_EXTRA_FLAGS))) {
        return qs__enc_member_error(path, "flags_bytes", errp,
                                    QVISIT_ERROR_INVALID,
                                    "'%s' is not 1, 2 or 4 flag bytes as "
                                    "the loader reads them (0x80 in a "
                                    "byte announces more)", hex);
    }
    if (b[n - 1] != flags) {
        return qs__enc_member_error(path, "flags", errp, QVISIT_ERROR_INVALID,
                                    "0x%02x, but the last of 'flags_bytes' "
                                    "is 0x%02x (the byte the loader acts "
                                    "on)", (unsigned)flags, b[n - 1]);
    }
    qemu_put_buffer(f, b, n);
    return true;
}

/* Member @key must be there exactly when the flags say so: an edit the
 * stream cannot carry is refused, not dropped. */
static bool want_member(const QDict *item, const char *key, bool want,
                        const char *why, GString *path, GError **errp)
{
    if (qdict_haskey(item, key) == want) {
        return true;
    }
    return want
        ? qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                        "member '%s' is missing (%s)", key, why)
        : qs__enc_member_error(path, key, errp, QVISIT_ERROR_INVALID,
                               "not written by a chunk whose flags lack "
                               "%s", why);
}

static bool write_name(QEMUFile *f, const QDict *item, const char *key,
                       GString *path, GError **errp)
{
    const char *s = qs__dict_str(item, key);

    if (!s) {
        return qs__enc_member_error(path, key, errp, QVISIT_ERROR_TYPE,
                                    "expected a string");
    }
    return qs__item_put_cstr(f, s, path, errp);
}

static bool write_item(QEMUFile *f, const QDict *item, bool last,
                       GString *path, GError **errp)
{
    const char *type = qs__dict_str(item, "type");
    uint64_t flags, v;
    bool start, bits, data;

    if (!qs__item_uint(item, "flags", true, 8, &flags, path, errp)) {
        return false;
    }
    if (type && strcmp(type, chunk_type((unsigned)flags))) {
        return qs__enc_member_error(path, "type", errp, QVISIT_ERROR_INVALID,
                                    "'%s', but flags 0x%02x make a '%s' "
                                    "chunk", type, (unsigned)flags,
                                    chunk_type((unsigned)flags));
    }
    if (!!(flags & DBM_EOS) != last) {
        return last
            ? qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                            "the last chunk has no EOS flag (0x01)")
            : qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                            "a chunk with the EOS flag (0x01) before the "
                            "last one");
    }
    start = flags & DBM_START;
    bits = !start && !(flags & DBM_COMPLETE) && (flags & DBM_BITS);
    data = bits && !(flags & DBM_ZEROES);
    if (!want_member(item, "node", flags & DBM_DEVICE_NAME,
                     "DEVICE_NAME, 0x08", path, errp) ||
        !want_member(item, "bitmap", flags & DBM_BITMAP_NAME,
                     "BITMAP_NAME, 0x04", path, errp) ||
        !want_member(item, "granularity", start, "START, 0x10", path,
                     errp) ||
        !want_member(item, "bitmap_flags", start, "START, 0x10", path,
                     errp) ||
        !want_member(item, "sector", bits, "BITS, 0x40", path, errp) ||
        !want_member(item, "nr_sectors", bits, "BITS, 0x40", path, errp) ||
        !want_member(item, "data", data, "BITS without ZEROES", path,
                     errp)) {
        return false;
    }
    if (!write_flags(f, item, flags, path, errp) ||
        ((flags & DBM_DEVICE_NAME) &&
         !write_name(f, item, "node", path, errp)) ||
        ((flags & DBM_BITMAP_NAME) &&
         !write_name(f, item, "bitmap", path, errp))) {
        return false;
    }
    if (start) {
        if (!qs__item_uint(item, "granularity", true, 32, &v, path, errp)) {
            return false;
        }
        qemu_put_be32(f, (uint32_t)v);
        if (!qs__item_uint(item, "bitmap_flags", true, 8, &v, path, errp)) {
            return false;
        }
        if (v & DBM_START_RESERVED) {
            return qs__enc_member_error(path, "bitmap_flags", errp,
                                        QVISIT_ERROR_RANGE,
                                        "0x%02x has reserved bits (0xf8), "
                                        "which QEMU refuses", (unsigned)v);
        }
        qemu_put_byte(f, (int)v);
    } else if (bits) {
        if (!qs__item_uint(item, "sector", true, 64, &v, path, errp)) {
            return false;
        }
        qemu_put_be64(f, v);
        if (!qs__item_uint(item, "nr_sectors", true, 32, &v, path, errp)) {
            return false;
        }
        qemu_put_be32(f, (uint32_t)v);
    }
    if (data) {
        gsize len = 0;
        g_autofree uint8_t *buf = qs__item_data(item, &len, path, errp);

        if (!buf) {
            return false;
        }
        if (len > DBM_MAX_BUF) {
            return qs__enc_member_error(path, "data", errp,
                                        QVISIT_ERROR_LENGTH,
                                        "%zu bytes, at most %d (QEMU's "
                                        "bound for a chunk)", (size_t)len,
                                        DBM_MAX_BUF);
        }
        qemu_put_be64(f, len);
        qemu_put_buffer(f, buf, len);
    }
    return true;
}

bool qs__write_bitmap(QEMUFile *f, const QList *items, GString *path,
                      GError **errp)
{
    return qs__write_items(f, items, "chunk", write_item, path, errp);
}
