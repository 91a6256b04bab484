/*
 * The "block" section (block migration, the `block` capability or
 * `migrate -b`; QEMU 7.2's migration/block.c, version 1): a sequence of
 * be64 words, each a 512-byte sector number shifted left by 9 and 9 bits
 * of flags, each followed by what its flags say, up to a word with the
 * EOS flag:
 *
 *   DEVICE_BLOCK (0x01)  cstr device name, then 1 MiB of disk data
 *                        (always 1 MiB, also for the disk's last chunk)
 *     + ZERO_BLOCK (0x08)  no data: the chunk is zero (zero-blocks
 *                        capability)
 *   PROGRESS (0x04)      the sector number is a percentage
 *   EOS (0x02)           ends the record's payload
 *
 * QEMU's loader tests DEVICE_BLOCK first, then PROGRESS, then refuses a
 * word with neither and without EOS ("Unknown block migration flags"),
 * and stops after any word with EOS. Other flag bits are ignored, so a
 * word's flags are kept in the dump when they are not the usual ones.
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>

#define BLK_SECTOR_BITS 9
#define BLK_FLAGS_MASK ((1u << BLK_SECTOR_BITS) - 1)
#define BLK_DEVICE_BLOCK 0x01
#define BLK_EOS 0x02
#define BLK_PROGRESS 0x04
#define BLK_ZERO_BLOCK 0x08
/* BLK_MIG_BLOCK_SIZE: every data chunk on the wire. */
#define BLK_CHUNK_SIZE (1u << 20)

/* The item types of the dump and the flags QEMU writes for each. */
static const struct {
    const char *type;
    unsigned flags;
} blk_types[] = {
    { "block", BLK_DEVICE_BLOCK },
    { "zero_block", BLK_DEVICE_BLOCK | BLK_ZERO_BLOCK },
    { "progress", BLK_PROGRESS },
    { "eos", BLK_EOS },
};

/* The type index the loader sees in @flags, or -1 for none. */
static int blk_type_of(unsigned flags)
{
    if (flags & BLK_DEVICE_BLOCK) {
        return flags & BLK_ZERO_BLOCK ? 1 : 0;
    }
    if (flags & BLK_PROGRESS) {
        return 2;
    }
    return flags & BLK_EOS ? 3 : -1;
}

static void count(QDict *d, const char *key)
{
    uint64_t n = 0;

    qnum_get_try_uint(qobject_to(QNum, qdict_get(d, key)), &n);
    qdict_put_uint(d, key, n + 1);
}

bool qs__read_block(QsReader *r, QDict *rec, GError **errp)
{
    g_autoptr(QList) items = rec && r->ram_full ? qlist_new() : NULL;
    g_autoptr(QDict) counts = rec && !r->ram_full ? qdict_new() : NULL;
    unsigned flags;

    if (counts) {
        qdict_put_uint(counts, "chunks", 0);
        qdict_put_uint(counts, "zero_chunks", 0);
        qdict_put_uint(counts, "progress", 0);
    }
    do {
        g_autoptr(QDict) item = items ? qdict_new() : NULL;
        uint64_t at = r->pos, w, sector;
        int t;

        r->cost = 0;
        if (!qs__be64(r, &w, errp)) {
            return false;
        }
        flags = w & BLK_FLAGS_MASK;
        sector = w >> BLK_SECTOR_BITS;
        t = blk_type_of(flags);
        if (t < 0) {
            return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                             "unknown block migration flags 0x%x", flags);
        }
        if (item) {
            qdict_put_str(item, "type", blk_types[t].type);
            if (flags != blk_types[t].flags) {
                qdict_put_uint(item, "flags", flags);
            }
            if (t == 2) {
                qdict_put_uint(item, "percent", sector);
            } else if (t != 3 || sector) {
                qdict_put_uint(item, "sector", sector);
            }
        }
        if (t <= 1) {
            g_autofree char *dev = NULL;

            if (!qs__cstr(r, &dev, errp)) {
                return false;
            }
            if (item) {
                r->cost += QS_COST_STR(strlen(dev));
                qdict_put_str(item, "device", dev);
            }
            if (t == 0 && !item) {
                if (!qs__skip(r, BLK_CHUNK_SIZE, errp)) {
                    return false;
                }
            } else if (t == 0) {
                g_autofree uint8_t *buf = g_malloc(BLK_CHUNK_SIZE);
                g_autofree char *b64 = NULL;

                /* Charged before the base64 copy is made. */
                if (!qs__charge(r, QS_COST_STR(BLK_CHUNK_SIZE / 3 * 4 + 4),
                                errp) ||
                    !qs__read(r, buf, BLK_CHUNK_SIZE, errp)) {
                    return false;
                }
                b64 = g_base64_encode(buf, BLK_CHUNK_SIZE);
                qdict_put_str(item, "data", b64);
            }
        }
        if (counts && t < 3) {
            count(counts, t == 0 ? "chunks" : t == 1 ? "zero_chunks"
                                            : "progress");
        }
        if (item) {
            if (!qs__charge(r, QS_RAM_ITEM_COST + r->cost, errp)) {
                return false;
            }
            qlist_append_obj(items, QOBJECT(g_steal_pointer(&item)));
        }
    } while (!(flags & BLK_EOS));
    if (rec) {
        qdict_put_obj(rec, "block", items ? QOBJECT(g_steal_pointer(&items))
                                          : QOBJECT(g_steal_pointer(&counts)));
    }
    return true;
}

/* --- writer ------------------------------------------------------------ */

static bool write_item(QEMUFile *f, const QDict *item, bool last,
                       GString *path, GError **errp)
{
    const char *type = qs__dict_str(item, "type");
    const char *dev = NULL;
    g_autofree uint8_t *data = NULL;
    uint64_t flags, sector = 0;
    gsize len = 0;
    size_t t;

    if (!type) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "member 'type' is missing");
    }
    for (t = 0; t < G_N_ELEMENTS(blk_types); t++) {
        if (!strcmp(type, blk_types[t].type)) {
            break;
        }
    }
    if (t == G_N_ELEMENTS(blk_types)) {
        return qs__enc_member_error(path, "type", errp, QVISIT_ERROR_INVALID,
                                    "unknown block item type '%s' (block, "
                                    "zero_block, progress or eos)", type);
    }
    if (!qs__item_uint(item, "flags", false, 9, &flags, path, errp)) {
        return false;
    }
    if (!qdict_haskey(item, "flags")) {
        flags = blk_types[t].flags;
    } else if (blk_type_of((unsigned)flags) != (int)t) {
        return qs__enc_member_error(path, "flags", errp, QVISIT_ERROR_INVALID,
                                    "0x%" G_GINT64_MODIFIER "x makes a "
                                    "'%s' item, not '%s'", flags,
                                    blk_type_of((unsigned)flags) < 0
                                        ? "(none)"
                                        : blk_types[blk_type_of(
                                              (unsigned)flags)].type,
                                    type);
    }
    /* The loader stops at the first word with EOS: it must be the last
     * item, and the last item must have it. */
    if (!!(flags & BLK_EOS) != last) {
        return last
            ? qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                            "the last item has no EOS flag (type eos)")
            : qs__enc_error(path, errp, QVISIT_ERROR_INVALID,
                            "an item with the EOS flag before the last one");
    }
    if (!qs__item_uint(item, t == 2 ? "percent" : "sector", t <= 2,
                       64 - BLK_SECTOR_BITS, &sector, path, errp)) {
        return false;
    }
    if (t <= 1) {
        dev = qs__dict_str(item, "device");
        if (!dev) {
            return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                                 "member 'device' is missing");
        }
    }
    if (t == 0) {
        data = qs__item_data(item, &len, path, errp);
        if (!data) {
            return false;
        }
        if (len != BLK_CHUNK_SIZE) {
            return qs__enc_member_error(path, "data", errp,
                                        QVISIT_ERROR_LENGTH,
                                        "%zu bytes, expected %u (a block "
                                        "migration chunk)", (size_t)len,
                                        BLK_CHUNK_SIZE);
        }
    } else if (qdict_haskey(item, "data")) {
        return qs__enc_member_error(path, "data", errp, QVISIT_ERROR_INVALID,
                                    "only a 'block' item has data");
    }
    qemu_put_be64(f, sector << BLK_SECTOR_BITS | flags);
    if (dev && !qs__item_put_cstr(f, dev, path, errp)) {
        return false;
    }
    if (data) {
        qemu_put_buffer(f, data, len);
    }
    return true;
}

bool qs__write_block(QEMUFile *f, const QList *items, GString *path,
                     GError **errp)
{
    return qs__write_items(f, items, "item", write_item, path, errp);
}
