/*
 * The legacy migration format: QEMU 7.2's savevm layout
 * (/work/shared/qemu-stream-format.md sections 1-5, docs/formats.md):
 *
 *     be32 "QEVM" ; be32 3
 *     u8 0x07 ; be32 len ; machine type            (configuration)
 *     per device, in registration order:
 *       u8 0x04 (FULL) ; be32 section_id ; u8 len ; idstr ;
 *       be32 instance_id ; be32 version_id ; payload ;
 *       u8 0x7e ; be32 section_id                    (footer)
 *     u8 0x00 (EOF)
 *     u8 0x06 ; be32 len ; vmdesc JSON
 *
 * Payloads are the QEMUFile visitor's bytes and carry no types, so the
 * reader decodes them through the vmdesc, as QEMU's analyze-migration.py
 * does.
 */
#include "migration/migration-internal.h"

#include <inttypes.h>
#include <string.h>

#include "migration/legacy-internal.h"
#include "qemustream/qemu-stream-codec.h"
#include "qvisit/error.h"
#include "qvisit/qemu-file-visitor.h"
#include "util/bswap.h"
#include "util/error-at.h"

#define SEC_START 0x01
#define SEC_PART 0x02
#define SEC_END 0x03
#define SEC_FULL 0x04
#define SEC_SUBSECTION 0x05
#define SEC_VMDESC 0x06
#define SEC_CONFIGURATION 0x07
#define SEC_COMMAND 0x08
#define SEC_FOOTER 0x7e
#define SEC_EOF 0x00
#define LEGACY_PAGE_SIZE 4096

/* --- Writer ------------------------------------------------------------- */

/*
 * QEMU versions machine types by name ("pc-i440fx-7.2"); a versioned
 * qvisit machine is written the same way, as "<machine>-v<version>".
 */
static char *machine_type_name(const MigEncHeader *h)
{
    return h->machine_version
               ? g_strdup_printf("%s-v%" PRIu32, h->machine,
                                 h->machine_version)
               : g_strdup(h->machine);
}

/* Splits a "-v<digits>" suffix off s->machine into s->machine_version. */
static void machine_type_parse(MigrationStream *s)
{
    char *v = strrchr(s->machine, '-');
    char *end;
    guint64 n;

    if (!v || v == s->machine || v[1] != 'v' || !g_ascii_isdigit(v[2])) {
        return;
    }
    n = g_ascii_strtoull(v + 2, &end, 10);
    if (*end || n == 0 || n > UINT32_MAX) {
        return;
    }
    s->machine_version = n;
    *v = '\0';
}

bool migration__encode_legacy(const MigEncHeader *h, MigEncSection *secs,
                              size_t n, GByteArray *out, GError **errp)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autoptr(QList) devices = qlist_new();
    g_autoptr(GString) json = NULL;
    g_autofree char *machine = machine_type_name(h);
    QEMUFile *f = qemu_fopen_bytearray(buf);
    int ret;

    qs__put_header(f);
    qs__put_configuration(f, machine);
    for (size_t i = 0; i < n; i++) {
        size_t idlen = strlen(secs[i].id);
        uint64_t start = qemu_file_transferred(f);
        g_autoptr(Visitor) v = NULL;
        QList *fields = NULL;

        if (idlen == 0 || idlen > 255) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: id must be 1..255 bytes", secs[i].id);
            qemu_fclose(f);
            return false;
        }
        qs__put_section_header(f, QS_SECTION_FULL, i, secs[i].id,
                               secs[i].instance_id, secs[i].version);
        v = qs__vmdesc_visitor_new(f, &fields);
        if (!secs[i].walk(v, secs[i].ctx, errp) || !visit_complete(v, errp)) {
            /* The visitor writes to f: free it first. */
            g_clear_pointer(&v, visit_free);
            qemu_fclose(f);
            return false;
        }
        qs__put_footer(f, i);
        secs[i].size = qemu_file_transferred(f) - start;
        qlist_append(devices,
                     qs__vmdesc_device(secs[i].id, secs[i].instance_id,
                                       secs[i].version, fields));
    }
    qemu_put_byte(f, QS_EOF);
    json = qs__vmdesc_text(QS_DEFAULT_PAGE_SIZE, devices);
    qs__put_vmdesc(f, json->str, json->len);
    ret = qemu_fclose(f);
    if (ret < 0) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "writing the legacy stream: %s", g_strerror(-ret));
        return false;
    }
    g_byte_array_append(out, buf->data, buf->len);
    return true;
}

/* --- Reader ------------------------------------------------------------- */

bool lr__error(LReader *r, GError **errp, int code, const char *fmt, ...)
{
    va_list ap;

    /* The path holds vmdesc field names, and messages may quote them:
     * input, escaped here once. */
    va_start(ap, fmt);
    qvisit__error_at_escaped_va(errp, code, r->path->str, r->pos, fmt, ap);
    va_end(ap);
    return false;
}

bool lr__need(LReader *r, uint64_t n, GError **errp)
{
    if (n > r->len - r->pos) {
        r->pos = r->len;
        return lr__error(r, errp, QVISIT_ERROR_TRUNCATED, "stream truncated");
    }
    return true;
}

uint64_t lr__get(LReader *r, unsigned bytes)
{
    uint64_t v = ldn_be_p(r->data + r->pos, bytes);

    r->pos += bytes;
    return v;
}

/*
 * The vmdesc is the last record: u8 0x06, be32 N, N bytes of JSON ending
 * the stream, right after the EOF byte. JSON text cannot contain a raw
 * 0x06, so the last position that fits is the right one.
 */
static size_t find_vmdesc(const uint8_t *data, size_t len)
{
    for (size_t p = len >= 5 ? len - 5 : 0; p > 8; p--) {
        if (data[p] == SEC_VMDESC && data[p - 1] == SEC_EOF &&
            ((uint64_t)data[p + 1] << 24 | data[p + 2] << 16 |
             data[p + 3] << 8 | data[p + 4]) == len - p - 5) {
            return p;
        }
        if (len - p > (64u << 20)) {
            break;      /* no vmdesc is that large */
        }
    }
    return 0;
}

static bool read_cstr(LReader *r, char **out, GError **errp)
{
    uint8_t n;
    size_t bad;

    if (!lr__need(r, 1, errp)) {
        return false;
    }
    n = r->data[r->pos++];
    if (!lr__need(r, n, errp)) {
        return false;
    }
    /*
     * Section ids are printable ASCII: anything else is corruption, and
     * must not reach messages (one line) or QStrings (valid UTF-8).
     */
    if (n == 0) {
        r->pos--;
        return lr__error(r, errp, QVISIT_ERROR_PARSE, "empty section id");
    }
    bad = migration__id_bad_byte((const char *)r->data + r->pos, n);
    if (bad < n) {
        r->pos += bad;
        return lr__error(r, errp, QVISIT_ERROR_PARSE,
                         "section id byte 0x%02x is not printable",
                         r->data[r->pos]);
    }
    *out = g_strndup((const char *)r->data + r->pos, n);
    r->pos += n;
    return true;
}

/*
 * Without a vmdesc: read the payload with the QEMUFile input visitor into
 * a scratch state of the section's exact layout, then walk that state
 * into a tree.
 */
static QObject *decode_with_layout(LReader *r, const MigrationDeviceInfo *info,
                                   GError **errp)
{
    g_autofree void *scratch = g_malloc0(info->state_size);
    QEMUFile *f = qemu_fopen_mem(r->data + r->pos, r->len - r->pos);
    g_autoptr(Visitor) in = qemu_file_input_visitor_new(f);
    QObject *tree = NULL;
    bool ok;

    visit_set_limits(in, r->limits);
    ok = info->visit(in, scratch, errp) && visit_complete(in, errp);
    if (ok) {
        g_autoptr(Visitor) out = qobject_output_visitor_new(&tree);

        ok = info->visit(out, scratch, errp) && visit_complete(out, errp);
        r->pos += qemu_file_transferred(f);
    }
    if (!ok) {
        g_prefix_error(errp, "section at byte %zu: ", r->pos);
    }
    if (info->clear) {
        info->clear(scratch);
    }
    g_clear_pointer(&in, visit_free);
    qemu_fclose(f);
    if (ok && !qobject_to(QDict, tree)) {
        qobject_unref(tree);
        lr__error(r, errp, QVISIT_ERROR_TYPE, "the walk's root is not a "
                  "struct");
        return NULL;
    }
    return ok ? tree : NULL;
}

/* A section's payload through its vmdesc entry: vmdesc devices are the
 * FULL sections, in stream order. */
static QObject *decode_described(LReader *r, QList *devices,
                                 size_t *next_dev, const char *id,
                                 uint32_t inst, GError **errp)
{
    QDict *dev = NULL;
    QList *fields;
    QObject *state;
    int64_t di;

    for (size_t k = *next_dev; k < qlist_size(devices) && !dev; k++) {
        QDict *d = qobject_to(QDict, qlist_get(devices, k));
        const char *nm = d ? migration__vmdesc_str(d, "name") : NULL;

        if (nm && !strcmp(nm, id) &&
            migration__vmdesc_int(d, "instance_id", &di) && di == inst) {
            dev = d;
            *next_dev = k + 1;
        }
    }
    fields = dev ? qobject_to(QList, qdict_get(dev, "fields")) : NULL;
    if (!fields) {
        lr__error(r, errp, QVISIT_ERROR_PARSE,
                  "section '%s' instance %" PRIu32
                  " is not described in the vmdesc", id, inst);
        return NULL;
    }
    g_string_assign(r->path, id);
    state = migration__vmdesc_decode(r, fields, errp);
    g_string_truncate(r->path, 0);
    return state;
}

/* A section's payload through the device layout of its exact version. */
static QObject *decode_undescribed(LReader *r, MigrationSchemaFn schema,
                                   void *opaque, const char *id,
                                   uint32_t ver, GError **errp)
{
    const MigrationDeviceInfo *info = schema(id, ver, opaque);

    if (!info || !info->visit || !info->state_size) {
        lr__error(r, errp, QVISIT_ERROR_UNKNOWN,
                  "%s: no vmdesc and no layout known for version %" PRIu32,
                  id, ver);
        return NULL;
    }
    return decode_with_layout(r, info, errp);
}

bool migration__decode_legacy(MigrationStream *s, const uint8_t *data,
                              size_t len, const QVisitLimits *limits,
                              MigrationSchemaFn schema, void *opaque,
                              GError **errp)
{
    g_autoptr(GString) path = g_string_new(NULL);
    LReader r = {
        .data = data, .len = len, .limits = limits, .path = path,
    };
    size_t vpos = find_vmdesc(data, len);
    g_autoptr(QObject) vmdesc = NULL;
    QList *devices;
    size_t next_dev = 0;
    uint32_t version;
    bool footers = false;   /* QEMU sends both or neither (<= 2.3) */

    if (!lr__need(&r, 8, errp)) {
        return false;
    }
    r.pos = 4;
    version = lr__get(&r, 4);
    if (version != MIG_LEGACY_VERSION) {
        r.pos = 4;
        return lr__error(&r, errp, QVISIT_ERROR_VERSION,
                         "unsupported migration stream version %" PRIu32,
                         version);
    }
    if (!vpos && !schema) {
        r.pos = len;
        return lr__error(&r, errp, QVISIT_ERROR_TRUNCATED,
                         "stream truncated: no EOF and vmdesc at its end, "
                         "which decoding needs");
    }
    if (vpos) {
        vmdesc = qobject_from_json_full((const char *)data + vpos + 5,
                                        len - vpos - 5, limits, errp);
        if (!vmdesc) {
            g_prefix_error(errp, "vmdesc at byte %zu: ", vpos);
            return false;
        }
        devices = qobject_to(QDict, vmdesc)
                      ? qobject_to(QList, qdict_get(qobject_to(QDict, vmdesc),
                                                    "devices"))
                      : NULL;
        if (!devices) {
            r.pos = vpos;
            return lr__error(&r, errp, QVISIT_ERROR_PARSE,
                             "vmdesc has no \"devices\" array");
        }
        r.len = vpos;   /* the records end where the vmdesc starts */
    } else {
        devices = NULL; /* decoded through @schema */
    }
    for (;;) {
        uint8_t type;

        if (!lr__need(&r, 1, errp)) {
            return false;
        }
        type = data[r.pos++];
        if (type == SEC_EOF) {
            break;
        }
        if (type == SEC_CONFIGURATION) {
            uint32_t mlen;

            if (!lr__need(&r, 4, errp)) {
                return false;
            }
            mlen = lr__get(&r, 4);
            if (mlen > 256) {
                r.pos -= 4;
                return lr__error(&r, errp, QVISIT_ERROR_LIMIT,
                                 "machine type of %" PRIu32 " bytes exceeds "
                                 "the limit of 256", mlen);
            }
            if (!lr__need(&r, mlen, errp)) {
                return false;
            }
            g_free(s->machine);
            s->machine = g_strndup((const char *)data + r.pos, mlen);
            machine_type_parse(s);
            r.pos += mlen;
            footers = true;
            continue;
        }
        if (type == SEC_COMMAND) {
            uint16_t clen;

            if (!lr__need(&r, 4, errp)) {
                return false;
            }
            r.pos += 2;
            clen = lr__get(&r, 2);
            if (!lr__need(&r, clen, errp)) {
                return false;
            }
            r.pos += clen;
            continue;
        }
        if (type == SEC_FULL) {
            size_t start = r.pos - 1;
            g_autofree char *id = NULL;
            uint32_t sid, inst, ver;
            QObject *state;

            if (!lr__need(&r, 4, errp)) {
                return false;
            }
            sid = lr__get(&r, 4);
            if (!read_cstr(&r, &id, errp) || !lr__need(&r, 8, errp)) {
                return false;
            }
            inst = lr__get(&r, 4);
            ver = lr__get(&r, 4);
            state = devices ? decode_described(&r, devices, &next_dev, id,
                                               inst, errp)
                            : decode_undescribed(&r, schema, opaque, id, ver,
                                                 errp);
            if (!state) {
                return false;
            }
            migration__stream_add(s, id, inst, ver, qobject_to(QDict, state),
                                  0);
            if (r.pos - start > limits->max_section_size) {
                return lr__error(&r, errp, QVISIT_ERROR_LIMIT,
                                 "section '%s' of %zu bytes exceeds "
                                 "max_section_size %zu", id, r.pos - start,
                                 limits->max_section_size);
            }
            if (footers) {
                uint32_t fid;

                if (!lr__need(&r, 1, errp)) {
                    return false;
                }
                if (data[r.pos] != SEC_FOOTER) {
                    return lr__error(&r, errp, QVISIT_ERROR_PARSE,
                                     "missing section footer for %s", id);
                }
                r.pos++;
                if (!lr__need(&r, 4, errp)) {
                    return false;
                }
                fid = lr__get(&r, 4);
                if (fid != sid) {
                    r.pos -= 4;
                    return lr__error(&r, errp, QVISIT_ERROR_PARSE,
                                     "mismatched section id in footer for "
                                     "%s - read 0x%" PRIx32 " expected 0x%"
                                     PRIx32, id, fid, sid);
                }
            }
            g_array_index(s->sections, MigrationSection,
                          s->sections->len - 1).size = r.pos - start;
            continue;
        }
        r.pos--;
        return lr__error(&r, errp, QVISIT_ERROR_PARSE,
                         "unsupported savevm section type %u", type);
    }
    if (r.pos != r.len) {
        if (!vpos && data[r.pos] == SEC_VMDESC) {
            /* find_vmdesc() found none that fits: the stream was cut. */
            size_t have = r.len - r.pos - 1;

            if (have < 4) {
                r.pos = r.len;
                return lr__error(&r, errp, QVISIT_ERROR_TRUNCATED,
                                 "vmdesc: stream truncated in the record "
                                 "header");
            }
            r.pos++;
            return lr__error(&r, errp, QVISIT_ERROR_TRUNCATED,
                             "vmdesc: stream truncated: the record claims "
                             "%" PRIu64 " bytes, %zu follow",
                             lr__get(&r, 4), have - 4);
        }
        return lr__error(&r, errp, QVISIT_ERROR_PARSE,
                         vpos ? "bytes between EOF and the vmdesc"
                             : "bytes after EOF");
    }
    return true;
}
