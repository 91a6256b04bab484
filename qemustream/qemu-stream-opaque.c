/*
 * Iterative sections qvisit has no decoder for (anything but "ram",
 * "block" and "dirty-bitmap": vfio, spapr/htab, s390-storage_attributes
 * ... on other targets and devices). Their payloads do not say where they
 * end, and the vmdesc does not describe them, so each record's payload is
 * kept as opaque bytes, ended by the section's footer (0x7e, be32 section
 * id) where that footer is followed by something that can start the next
 * record. A payload that happens to contain its own footer followed by
 * such bytes is cut there; the bytes are kept either way, so the dump
 * still encodes back to the same stream.
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>

#include "qemufile/qemu-file-window.h"
#include "util/bswap.h"

/* How far qs__read_opaque() looks past a footer: the longest record
 * header (type, id, cstr of 255, instance, version) and one byte. */
#define OPAQUE_LOOKAHEAD (1 + 4 + 1 + 255 + 4 + 4 + 1)
/* What is scanned at a time. */
#define OPAQUE_CHUNK 4096

/* By name: the names of the sections' SaveVMHandlers registrations in
 * QEMU 7.2 (register_savevm_live()). */
QsIterKind qs__iter_kind(const char *idstr, uint32_t instance_id)
{
    if (instance_id == 0 && !strcmp(idstr, QS_RAM_IDSTR)) {
        return QS_ITER_RAM;
    }
    if (instance_id == 0 && !strcmp(idstr, QS_BLOCK_IDSTR)) {
        return QS_ITER_BLOCK;
    }
    if (instance_id == 0 && !strcmp(idstr, QS_BITMAP_IDSTR)) {
        return QS_ITER_BITMAP;
    }
    return QS_ITER_OPAQUE;
}

const char *qs__iter_member(QsIterKind kind)
{
    static const char *const members[] = {
        [QS_ITER_NONE] = NULL, [QS_ITER_RAM] = "ram",
        [QS_ITER_BLOCK] = "block", [QS_ITER_BITMAP] = "dirty_bitmap",
        [QS_ITER_OPAQUE] = "opaque",
    };

    return members[kind];
}

bool qs__record_plausible(const uint8_t *p, size_t len, bool at_end,
                          GHashTable *sections)
{
    if (len == 0) {
        return false;
    }
    switch (p[0]) {
    case QS_EOF:
        /* The end, or the vmdesc record (0x06, be32 length). */
        return len == 1 ? at_end : p[1] == QS_VMDESCRIPTION;
    case QS_SECTION_START:
    case QS_SECTION_FULL: {
        size_t n;

        if (len < 6) {
            return false;
        }
        n = p[5];
        if (n == 0 || len < 6 + n + 8) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (p[6 + i] < 0x20 || p[6 + i] > 0x7e) {
                return false;
            }
        }
        return true;
    }
    case QS_SECTION_PART:
    case QS_SECTION_END:
        return len >= 5 &&
               g_hash_table_contains(sections,
                                     GUINT_TO_POINTER(ldl_be_p(p + 1)));
    case QS_COMMAND: {
        int want;

        if (len < 5) {
            return false;
        }
        want = qs__command_len(lduw_be_p(p + 1));
        return want == -1 || (want >= 0 && lduw_be_p(p + 3) == want);
    }
    default:
        return false;
    }
}

/* Whether the footer of section @id starts @off bytes ahead and is
 * followed by a plausible record. */
static bool footer_at(QsReader *r, size_t off, uint32_t id,
                      GHashTable *sections)
{
    uint8_t *p = NULL;
    size_t n = qemu_peek_buffer(r->f, &p, 5 + OPAQUE_LOOKAHEAD, off);

    return n >= 5 && p[0] == QS_SECTION_FOOTER && ldl_be_p(p + 1) == id &&
           qs__record_plausible(p + 5, n - 5, n < 5 + OPAQUE_LOOKAHEAD,
                                sections);
}

bool qs__read_opaque(QsReader *r, uint32_t id, GHashTable *sections,
                     QDict *rec, GError **errp)
{
    g_autoptr(GByteArray) data = rec && r->ram_full ? g_byte_array_new()
                                                     : NULL;
    size_t max = r->limits->max_section_size;
    uint64_t start = r->pos, total = 0;
    g_autoptr(QDict) o = NULL;

    for (;;) {
        uint8_t chunk[OPAQUE_CHUNK];
        uint8_t *p = NULL;
        size_t n = qemu_peek_buffer(r->f, &p, OPAQUE_CHUNK, 0);
        size_t k = 0;
        bool found = false;

        if (n == 0) {
            return qs__error(r, errp, QVISIT_ERROR_TRUNCATED, r->pos,
                             "stream truncated: no footer of section %u "
                             "after its opaque payload (started at byte %"
                             G_GUINT64_FORMAT ")", id, start);
        }
        /* The peeks below may move the file's buffer. */
        memcpy(chunk, p, n);
        for (; k < n; k++) {
            const uint8_t *hit = memchr(chunk + k, QS_SECTION_FOOTER, n - k);

            if (!hit) {
                k = n;
                break;
            }
            k = hit - chunk;
            if (footer_at(r, k, id, sections)) {
                found = true;
                break;
            }
        }
        if (total + k > max) {
            return qs__error(r, errp, QVISIT_ERROR_LIMIT, start,
                             "opaque payload of more than %zu bytes "
                             "(max_section_size)", max);
        }
        if (data) {
            if (!qs__charge(r, QS_COST_STR(k / 3 * 4 + 4), errp)) {
                return false;
            }
            g_byte_array_append(data, chunk, (guint)k);
        }
        if (!qs__skip(r, k, errp)) {
            return false;
        }
        total += k;
        if (found) {
            break;
        }
    }
    if (rec) {
        o = qdict_new();
        qdict_put_uint(o, "bytes", total);
        if (data) {
            g_autofree char *b64 = g_base64_encode(data->data, data->len);

            qdict_put_str(o, "data", b64);
        }
        qdict_put_obj(rec, "opaque", QOBJECT(g_steal_pointer(&o)));
    }
    return true;
}

bool qs__write_opaque(QEMUFile *f, const QDict *opaque, GString *path,
                      GError **errp)
{
    g_autofree uint8_t *data = NULL;
    uint64_t bytes;
    gsize len = 0;

    if (!qdict_haskey(opaque, "data")) {
        return qs__enc_error(path, errp, QVISIT_ERROR_MISSING,
                             "the opaque payload was summarised; dump with "
                             "--ram to re-encode");
    }
    data = qs__item_data(opaque, &len, path, errp);
    if (!data || !qs__item_uint(opaque, "bytes", true, 64, &bytes, path,
                                errp)) {
        return false;
    }
    /* The size is checked as the reader checked it: an edit that changes
     * the bytes must say how many there are. */
    if (bytes != len) {
        return qs__enc_member_error(path, "bytes", errp, QVISIT_ERROR_LENGTH,
                                    "%" G_GUINT64_FORMAT ", but 'data' holds "
                                    "%zu bytes", bytes, (size_t)len);
    }
    qemu_put_buffer(f, data, len);
    return true;
}
