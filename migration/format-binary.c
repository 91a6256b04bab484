/*
 * The self-describing binary migration format (docs/formats.md):
 *
 *     "QVSD" ; u8 version (1) ; varint capabilities ;
 *     varint machine_len ; machine bytes ; varint machine_version ;
 *     be32 crc32(all of the above)
 *     record* ; u8 0x00 (EOF)
 *     record = u8 type ; varint body_len ; body ;
 *              be32 crc32(type, body_len and body)
 *     type 0x01 (device section): body = varint id_len ; id ;
 *         varint instance_id ; varint version ; binary document
 *
 * Records of another type are skipped by their length, so a later release
 * can add record kinds that older readers step over. The CRC32 (zlib's)
 * covers the whole record but itself, so any flipped bit in a section,
 * including its type and length, is caught before the body is decoded.
 */
#include "migration/migration-internal.h"

#include <inttypes.h>
#include <string.h>
#include <zlib.h>

#include "qvisit/binary-visitor.h"
#include "qvisit/error.h"
#include "util/bswap.h"
#include "util/error-at.h"
#include "visitor/binary-wire.h"

#define REC_EOF 0x00
#define REC_SECTION 0x01

/*
 * A section record is written where it goes, in the caller's array: its
 * body (id, instance, version, document) lands after a gap for the body's
 * length, known once the walk is done. REC_LEN_GAP bytes hold the length
 * of a body of 128 B..16 KiB, the usual device section; a body of another
 * size is moved once, within the array.
 */
#define REC_LEN_GAP 2

static void put_str(GByteArray *out, const char *s)
{
    size_t len = strlen(s);

    binary__put_varint(out, len);
    g_byte_array_append(out, (const uint8_t *)s, len);
}

static bool binary_stream_detect(const uint8_t *data, size_t len)
{
    return len >= 4 && !memcmp(data, MIG_BINARY_MAGIC, 4);
}

/* Writes the length of the body that starts at @body and ends @out into
 * the REC_LEN_GAP bytes before it. */
static void put_body_len(GByteArray *out, size_t body)
{
    size_t len = out->len - body;
    uint8_t v[BIN_VARINT_MAX];
    size_t n = binary__encode_varint(v, len);

    if (n > REC_LEN_GAP) {
        g_byte_array_set_size(out, out->len + (n - REC_LEN_GAP));
    }
    if (n != REC_LEN_GAP) {
        memmove(out->data + body - REC_LEN_GAP + n, out->data + body, len);
    }
    if (n < REC_LEN_GAP) {
        g_byte_array_set_size(out, out->len - (REC_LEN_GAP - n));
    }
    memcpy(out->data + body - REC_LEN_GAP, v, n);
}

/* Appends in place; on failure migration__encode() cuts @out back. */
static bool binary_stream_encode(const MigEncHeader *h, MigEncSection *secs,
                                 size_t n, GByteArray *out, GError **errp)
{
    size_t start = out->len;
    uint8_t b;

    g_byte_array_append(out, (const uint8_t *)MIG_BINARY_MAGIC, 4);
    b = MIG_BINARY_VERSION;
    g_byte_array_append(out, &b, 1);
    binary__put_varint(out, h->caps);
    put_str(out, h->machine);
    binary__put_varint(out, h->machine_version);
    byte_array_append_be(out, crc32(0, out->data + start, out->len - start),
                         4);
    for (size_t i = 0; i < n; i++) {
        g_autoptr(Visitor) v = NULL;
        size_t rec = out->len;
        size_t body;

        b = REC_SECTION;
        g_byte_array_append(out, &b, 1);
        g_byte_array_set_size(out, out->len + REC_LEN_GAP);
        body = out->len;
        put_str(out, secs[i].id);
        binary__put_varint(out, secs[i].instance_id);
        binary__put_varint(out, secs[i].version);
        v = binary_output_visitor_new(out);
        if (!secs[i].walk(v, secs[i].ctx, errp) || !visit_complete(v, errp)) {
            return false;
        }
        put_body_len(out, body);
        byte_array_append_be(out, crc32(0, out->data + rec, out->len - rec),
                             4);
        secs[i].size = out->len - rec;
    }
    b = REC_EOF;
    g_byte_array_append(out, &b, 1);
    return true;
}

typedef struct Reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
} Reader;

static bool rd_truncated(Reader *r, const char *what, GError **errp)
{
    return qvisit__error_at(errp, QVISIT_ERROR_TRUNCATED, what, r->len,
                            "stream truncated");
}

static bool rd_varint(Reader *r, const char *what, uint64_t *v,
                      GError **errp)
{
    int ret = binary__get_varint(r->data, r->len, &r->pos, v);

    if (ret == 0) {
        return rd_truncated(r, what, errp);
    }
    if (ret < 0) {
        qvisit__error_at(errp, QVISIT_ERROR_PARSE, what, r->pos,
                         "varint longer than 64 bits");
        return false;
    }
    return true;
}

/* A string of at most @max bytes; NUL-free UTF-8. */
static char *rd_str(Reader *r, const char *what, size_t max, GError **errp)
{
    uint64_t n;
    const char *p;

    if (!rd_varint(r, what, &n, errp)) {
        return NULL;
    }
    if (n > max) {
        qvisit__error_at(errp, QVISIT_ERROR_LIMIT, what, r->pos,
                         "length %" PRIu64 " exceeds %zu", n, max);
        return NULL;
    }
    if (n > r->len - r->pos) {
        rd_truncated(r, what, errp);
        return NULL;
    }
    p = (const char *)r->data + r->pos;
    if (!g_utf8_validate(p, n, NULL) || memchr(p, '\0', n)) {
        qvisit__error_at(errp, QVISIT_ERROR_PARSE, what, r->pos,
                         "invalid UTF-8");
        return NULL;
    }
    r->pos += n;
    return g_strndup(p, n);
}

static bool rd_u32(Reader *r, const char *what, uint32_t *out, GError **errp)
{
    uint64_t v;

    if (!rd_varint(r, what, &v, errp)) {
        return false;
    }
    if (v > UINT32_MAX) {
        qvisit__error_at(errp, QVISIT_ERROR_RANGE, what, r->pos,
                         "%" PRIu64 " does not fit u32", v);
        return false;
    }
    *out = v;
    return true;
}

/* @id started at byte @at of the stream. */
static bool check_id(const char *id, size_t at, GError **errp)
{
    size_t len = strlen(id);
    size_t bad = migration__id_bad_byte(id, len);

    if (len == 0) {
        return qvisit__error_at(errp, QVISIT_ERROR_PARSE, NULL, at,
                                "section id is empty");
    }
    if (bad < len) {
        return qvisit__error_at(errp, QVISIT_ERROR_PARSE, NULL, at + bad,
                                "section id byte 0x%02x is not printable",
                                (unsigned char)id[bad]);
    }
    return true;
}

/* A section record's body, once its framing and checksum are checked. */
typedef struct BinSection {
    MigScanSection sec;
    const uint8_t *doc;         /* the binary document */
    size_t doc_len;
    size_t doc_at;              /* its offset in the stream */
    const QVisitLimits *limits;
} BinSection;

typedef bool (*BinSectionFn)(void *opaque, BinSection *bs, GError **errp);

/* @body (@body_len bytes) started at byte @base of the stream. */
static bool read_section(const uint8_t *body, size_t body_len, size_t base,
                         size_t rec_size, const QVisitLimits *limits,
                         BinSectionFn fn, void *opaque, GError **errp)
{
    Reader r = { .data = body, .len = body_len };
    g_autofree char *id = NULL;
    BinSection bs = { .limits = limits };

    id = rd_str(&r, "section id", 255, errp);
    if (!id || !check_id(id, base + r.pos - strlen(id), errp) ||
        !rd_u32(&r, id, &bs.sec.instance_id, errp) ||
        !rd_u32(&r, id, &bs.sec.version, errp)) {
        return false;
    }
    bs.sec.id = id;
    bs.sec.size = rec_size;
    bs.doc = body + r.pos;
    bs.doc_len = body_len - r.pos;
    bs.doc_at = base + r.pos;
    return fn(opaque, &bs, errp);
}

/* The section's document as a tree; bytes after it are an error. */
static QDict *section_tree(BinSection *bs, GError **errp)
{
    size_t used = 0;
    QObject *tree;
    QDict *state;

    tree = binary__decode_named(bs->doc, bs->doc_len, bs->limits,
                                bs->sec.id, bs->doc_at, &used, errp);
    if (!tree) {
        return NULL;
    }
    state = qobject_to(QDict, tree);
    if (!state || used != bs->doc_len) {
        qobject_unref(tree);
        qvisit__error_at(errp, QVISIT_ERROR_PARSE, bs->sec.id,
                         bs->doc_at + used, "%s",
                         state ? "bytes after the state"
                               : "the state is not a struct");
        return NULL;
    }
    return state;
}

static bool decode_section(void *opaque, BinSection *bs, GError **errp)
{
    MigrationStream *s = opaque;
    QDict *state = section_tree(bs, errp);

    if (!state) {
        return false;
    }
    migration__stream_add(s, bs->sec.id, bs->sec.instance_id,
                          bs->sec.version, state, bs->sec.size);
    return true;
}

/* Reads the header into @s and every record, handing each device
 * section to @fn. */
static bool binary_stream_read(MigrationStream *s, const uint8_t *data,
                               size_t len, const QVisitLimits *limits,
                               BinSectionFn fn, void *opaque, GError **errp)
{
    Reader r = { .data = data, .len = len, .pos = 4 };
    g_autofree char *machine = NULL;

    if (len < 5) {
        return rd_truncated(&r, "header", errp);
    }
    if (data[4] != MIG_BINARY_VERSION) {
        return qvisit__error_at(errp, QVISIT_ERROR_VERSION, "header", 4,
                                "unsupported binary stream version %u",
                                data[4]);
    }
    r.pos = 5;
    if (!rd_varint(&r, "capabilities", &s->caps, errp)) {
        return false;
    }
    machine = rd_str(&r, "machine", 255, errp);
    if (!machine) {
        return false;
    }
    g_free(s->machine);
    s->machine = g_steal_pointer(&machine);
    if (!rd_u32(&r, "machine version", &s->machine_version, errp)) {
        return false;
    }
    if (r.len - r.pos < 4) {
        return rd_truncated(&r, "header", errp);
    }
    if (ldl_be_p(data + r.pos) != crc32(0, data, r.pos)) {
        return qvisit__error_at(errp, QVISIT_ERROR_CHECKSUM, "header", r.pos,
                                "crc32 mismatch");
    }
    r.pos += 4;
    for (;;) {
        size_t start = r.pos;
        uint8_t type;
        uint64_t body_len;
        const uint8_t *body;
        uint32_t want, got;

        if (r.pos >= r.len) {
            return rd_truncated(&r, "record", errp);
        }
        type = data[r.pos++];
        if (type == REC_EOF) {
            break;
        }
        if (!rd_varint(&r, "record length", &body_len, errp)) {
            return false;
        }
        if (body_len > limits->max_section_size) {
            return qvisit__error_at(errp, QVISIT_ERROR_LIMIT, "record", start,
                                    "size %" PRIu64
                                    " exceeds max_section_size %zu",
                                    body_len, limits->max_section_size);
        }
        if (body_len > r.len - r.pos || r.len - r.pos - body_len < 4) {
            return rd_truncated(&r, "record", errp);
        }
        body = data + r.pos;
        want = ldl_be_p(body + body_len);
        got = crc32(0, data + start, body + body_len - (data + start));
        if (want != got) {
            return qvisit__error_at(errp, QVISIT_ERROR_CHECKSUM, "record",
                                    start, "crc32 0x%08" PRIx32
                                    " does not match the stored 0x%08" PRIx32,
                                    got, want);
        }
        r.pos += body_len + 4;
        if (type == REC_SECTION &&
            !read_section(body, body_len, body - data, r.pos - start,
                          limits, fn, opaque, errp)) {
            return false;
        }
        /* Other record types are future extensions: skipped. */
    }
    if (r.pos != r.len) {
        return qvisit__error_at(errp, QVISIT_ERROR_PARSE, NULL, r.pos,
                                "%zu bytes after the end of the stream",
                                r.len - r.pos);
    }
    return true;
}

/* The payloads are self-describing: no schema needed. */
static bool binary_stream_decode(MigrationStream *s, const uint8_t *data,
                                 size_t len, const QVisitLimits *limits,
                                 MigrationSchemaFn schema G_GNUC_UNUSED,
                                 void *opaque G_GNUC_UNUSED, GError **errp)
{
    return binary_stream_read(s, data, len, limits, decode_section, s, errp);
}

/* --- The load's direct path -------------------------------------------- */

typedef struct BinScan {
    MigScanFn fn;
    void *opaque;
} BinScan;

static Visitor *scan_open(MigScanSection *sec, const QVisitLimits *limits,
                          GError **errp)
{
    BinSection *bs = (BinSection *)sec;

    return binary__input_visitor_new_named(bs->doc, bs->doc_len, limits,
                                           sec->id, bs->doc_at, errp);
}

static QDict *scan_tree(MigScanSection *sec, GError **errp)
{
    return section_tree((BinSection *)sec, errp);
}

static bool scan_tape(MigScanSection *sec, const uint8_t **data,
                      size_t *len)
{
    BinSection *bs = (BinSection *)sec;

    *data = bs->doc;
    *len = bs->doc_len;
    return true;
}

static bool scan_section(void *opaque, BinSection *bs, GError **errp)
{
    BinScan *scan = opaque;

    bs->sec.open = scan_open;
    bs->sec.tree = scan_tree;
    bs->sec.tape = scan_tape;
    bs->sec.reopen = binary__input_visitor_new_checked;
    return scan->fn(scan->opaque, &bs->sec, errp);
}

static bool binary_stream_scan(MigrationStream *s, const uint8_t *data,
                               size_t len, const QVisitLimits *limits,
                               MigScanFn fn, void *opaque, GError **errp)
{
    BinScan scan = { .fn = fn, .opaque = opaque };

    return binary_stream_read(s, data, len, limits, scan_section, &scan,
                              errp);
}

const MigrationFormatOps migration__format_binary = {
    .name = "binary",
    .cap = MIGRATION_CAP_BINARY,
    .detect = binary_stream_detect,
    .encode = binary_stream_encode,
    .decode = binary_stream_decode,
    .scan = binary_stream_scan,
};
