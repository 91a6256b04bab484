/*
 * Internals shared by the QEMU stream reader and writer
 * (qemustream/qemu-stream-*.c). Not installed; tools never include it.
 *
 * The wire constants and what the migration core uses are in the codec's
 * shared header, qemu-stream-codec.h.
 */
#ifndef QVISIT_QEMU_STREAM_INTERNAL_H
#define QVISIT_QEMU_STREAM_INTERNAL_H

#include "qemustream/qemu-stream-codec.h"
#include "qvisit/error.h"
#include "qvisit/qemu-stream.h"
#include "util/byte-window.h"

#define QS_NATIVE_FORMAT "qvisit-qemu-stream"
#define QS_NATIVE_FORMAT_VERSION 1

/* The last integer decoded, shared by equal neighbours. */
typedef struct QsIntCache {
    QObject *obj;
    uint64_t u;
    int64_t size;
    int kind;
} QsIntCache;

/* One RAM block's page digests (qemu-stream-digest.c). */
typedef struct QsDigestTable QsDigestTable;

/* One forward pass over a stream. */
typedef struct QsReader {
    QEMUFile *f;
    ByteWindow *win;            /* f's read window: fields are taken in place */
    uint64_t pos;               /* bytes consumed so far */
    const QVisitLimits *limits;
    bool compat;
    /* The state form (qs__read_state()): the migration core's view of a
     * stream, with the qvisit marks of its own vmdescs honoured. */
    bool state;
    const QsStateSink *sink;    /* state form only */
    bool has_configuration;     /* the stream has a configuration record */
    char *machine_type;         /* its machine type (owned), or NULL */
    bool ram_full;
    uint64_t page_size;
    unsigned depth;
    GString *path;              /* field path for error messages */
    int64_t elem_index;         /* >= 0: array element being read, not in
                                 * path yet (qs__error() adds it) */
    /* RAM state across START/PART/END records */
    bool ignore_shared;
    char *ram_block;            /* block of the previous page, for CONTINUE */
    uint64_t ram_block_len;     /* its length */
    GHashTable *ram_lengths;    /* MEM_SIZE block id -> uint64_t length */
    QDict *ram_sizes;           /* compat: "section sizes" (borrowed) */
    QDict *ram_summary;         /* native: top-level "ram" (borrowed) */
    GHashTable *ram_blocks;     /* native: block id -> summary dict */
    GHashTable *ram_digests;    /* block id -> QsDigestTable, or NULL
                                 * when not asked for */
    QsDigestTable *ram_block_digests;   /* ram_block's table in
                                         * ram_digests, or NULL: looked
                                         * up at its first page */
    uint64_t ram_block_counts[4];   /* pages of each kind read since
                                     * ram_block became the block, not
                                     * yet in its summary */
    uint8_t *page_buf;          /* a page, for the digests */
    uint64_t fill_digest[256];  /* a page filled with each byte (0: not
                                 * computed yet) */
    QsIntCache int_cache;
    size_t alloc;               /* bytes of dump charged (max_alloc) */
    size_t cost;                /* what the value read_elem() made takes */
} QsReader;

/*
 * What a START record's section is, and so how its START, PART and END
 * payloads are read and written: QEMU 7.2's "ram" (qemu-stream-ram.c),
 * "block" (migration/block.c; qemu-stream-block.c) and "dirty-bitmap"
 * (migration/block-dirty-bitmap.c; qemu-stream-bitmap.c), all instance
 * 0; any other iterative section is an opaque blob delimited by its
 * footer (qemu-stream-opaque.c).
 */
typedef enum {
    QS_ITER_NONE,       /* a device section (FULL) */
    QS_ITER_RAM,
    QS_ITER_BLOCK,
    QS_ITER_BITMAP,
    QS_ITER_OPAQUE,
} QsIterKind;

/* A section as its START or FULL record introduced it. */
typedef struct QsSection {
    uint32_t id;
    char *idstr;
    uint32_t instance_id;
    uint32_t version_id;
    bool is_ram;
    QsIterKind iter;            /* how its records' payloads are read */
} QsSection;

/*
 * A FULL section of a stream without vmdesc, through @opts->layouts
 * (qemu-stream-layouts.c): its state goes into @rec; a section the
 * layouts do not know is, with @opts->partial, skipped up to its footer
 * and kept as "opaque" hex. @sections: the section id -> QsSection table
 * so far; @footers: whether the stream has footers (-1: not known yet).
 */
bool qs__read_layout(QsReader *r, const QsSection *s, uint64_t at,
                     const QemuStreamOptions *opts, GHashTable *sections,
                     int footers, QDict *rec, GError **errp);

/*
 * What the dump's values take on the heap, charged with qs__charge() as
 * the dump grows: at least the allocation and its malloc overhead.
 */
#define QS_COST_VALUE 48                        /* number, bool */
#define QS_COST_STR(len) (48 + (size_t)(len))   /* a string */
#define QS_COST_MEMBER(klen) (48 + (size_t)(klen))  /* a dict member */
#define QS_COST_DICT 208
#define QS_COST_LIST 96
#define QS_COST_SLOT 16                         /* a list element */
/* A RAM record item (a dict of a few numbers and a type string; its block
 * id and data are charged apart), a block of a block list and a record
 * (dicts of a few members and an id string of up to 255 bytes). */
#define QS_RAM_ITEM_COST 384
#define QS_RAM_BLOCK_COST 768
#define QS_RECORD_COST 768

/* Charges @bytes more of the dump against max_alloc: LIMIT when over. */
bool qs__charge(QsReader *r, size_t bytes, GError **errp);

/* Sets a QVISIT_ERROR "<path>: <message> at byte <at>"; returns false. */
bool qs__error(QsReader *r, GError **errp, int code, uint64_t at,
               const char *fmt, ...) G_GNUC_PRINTF(5, 6);

bool qs__read(QsReader *r, void *buf, size_t len, GError **errp);
/* Passes over @len bytes (seeking where the file allows). */
bool qs__skip(QsReader *r, uint64_t len, GError **errp);
bool qs__u8(QsReader *r, uint8_t *v, GError **errp);
bool qs__be16(QsReader *r, uint16_t *v, GError **errp);
bool qs__be32(QsReader *r, uint32_t *v, GError **errp);
bool qs__be64(QsReader *r, uint64_t *v, GError **errp);
/* Reads a u8-counted string; it must be UTF-8 without NUL bytes. */
bool qs__cstr(QsReader *r, char **out, GError **errp);
/* Returns true and the next byte without consuming it, false at the end. */
bool qs__peek_u8(QsReader *r, uint8_t *v);
/* Reads @len bytes as lowercase hex ("0a0b", or "0a 0b" with @spaced),
 * in chunks, so only bytes actually present are ever allocated. */
bool qs__read_hex(QsReader *r, uint64_t len, bool spaced, GString *out,
                  GError **errp);

/* How many first bytes qs__check_magic() looks at, at most. */
#define QS_HEAD_LEN 512

/*
 * Checks that a stream starts with QEMU's magic, given its first @len
 * bytes (fewer than QS_HEAD_LEN only when that is the whole stream);
 * otherwise sets an error that says what the bytes are instead: nothing,
 * a qvisit stream or dump, JSON text, or an unknown magic.
 */
bool qs__check_magic(const uint8_t *head, size_t len, GError **errp);

/*
 * What runs on a stream once qs__run_fd() has found its description:
 * @vmdesc, @borrowed when it came from the options (else @vmdesc_len is
 * the length of the stream's own vmdesc text), @f at the first byte.
 */
typedef QObject *(*QsStreamFn)(QEMUFile *f, const QObject *vmdesc,
                               bool borrowed, uint64_t vmdesc_len,
                               void *ctx, GError **errp);

/* Prepares @fd as qemu_stream_dump_fd() does (checks the first bytes,
 * spools a pipe, finds the vmdesc unless @opts has one) and runs @fn. */
QObject *qs__run_fd(int fd, const QemuStreamOptions *opts, QsStreamFn fn,
                    void *ctx, GError **errp);
/* Sets the MISSING error of a stream without a vmdesc. */
void qs__vmdesc_missing(GError **errp);

/* qs__run_fd() on a file name, "-" for standard input. */
QObject *qs__run_path(const char *path, const QemuStreamOptions *opts,
                      QsStreamFn fn, void *ctx, GError **errp);

/* qs__read_state() that also keeps, with @ram_digests, a digest of every
 * RAM page's final content in the summary's blocks ("digests"). */
bool qs__read_state_full(QEMUFile *f, const QObject *vmdesc,
                         const QVisitLimits *limits, const QsStateSink *sink,
                         bool ram_digests, QDict **ram_summary,
                         GError **errp);

/* qemu_stream_dump() with the description to decode with; @borrowed
 * records it in the native dump (the stream's own vmdesc is not). */
QObject *qs__dump(QEMUFile *f, const QemuStreamOptions *opts,
                  const QObject *vmdesc, bool borrowed, GError **errp);

/* How a vmdesc field element is decoded. */
typedef enum {
    QS_KIND_RAW,        /* "size" raw bytes, hex in the dump */
    QS_KIND_INT,
    QS_KIND_UINT,
    QS_KIND_BOOL,
    QS_KIND_STRUCT,
    QS_KIND_NESTED,     /* tmp/vstruct with its fields inline */
    QS_KIND_DOUBLE,     /* state form: "float64" of 8 bytes */
    QS_KIND_STR,        /* state form: "qvisit": "str", be32 length + text */
} QsKind;

/* The native dump's kind for a field entry @fd of @type and @size. */
QsKind qs__native_kind(const QDict *fd, const char *type, int64_t size);

/* Decodes a vmsd payload (fields, then subsections) into @out. */
bool qs__read_vmsd(QsReader *r, const QDict *vmsd, QDict *out,
                   GError **errp);

/* A page's digest (never 0, which marks a page never sent), computed
 * the fastest way this CPU has (qemu-stream-digest.c). */
uint64_t qs__page_digest(const uint8_t *page, size_t len);

/* The ways to compute it; each gives the same value. */
typedef enum {
    QS_DIGEST_SCALAR,
    QS_DIGEST_SSE2,     /* x86-64 only */
    QS_DIGEST_AVX2,     /* x86-64 with AVX2 only */
} QsDigestImpl;

/* The fastest way this CPU has. */
QsDigestImpl qs__digest_best(void);
/* qs__page_digest() computed by @impl, which the CPU must have. */
uint64_t qs__page_digest_with(const uint8_t *page, size_t len,
                              QsDigestImpl impl);

/* One RAM block's digests, a slot per page: 0 for a page never sent. */
struct QsDigestTable {
    uint64_t *d;
    size_t len;
};

/* An empty table; qs__digest_table_free() releases it. */
QsDigestTable *qs__digest_table_new(void);
/* Makes the table @len slots long at least, new slots 0. Aborts, as
 * g_malloc() does, when there is no memory: callers charge max_alloc
 * first. */
void qs__digest_table_grow(QsDigestTable *t, size_t len);
void qs__digest_table_free(QsDigestTable *t);


/* Decodes one RAM record payload (up to and including EOS). @rec is the
 * native record dict (NULL in compat mode). */
bool qs__read_ram(QsReader *r, QDict *rec, GError **errp);

/*
 * The length a COMMAND must have: 0 or more for a fixed length, -1 when
 * any length goes, -2 for a command qvisit does not read (0, PACKAGED,
 * above 10). QEMU 7.2 refuses a fixed-length command of another length.
 */
int qs__command_len(unsigned cmd);

/* True when @data is one zlib stream that inflates to exactly
 * @page_size bytes, as QEMU's loader needs of a compressed page. */
bool qs__zlib_page_ok(const uint8_t *data, size_t len, uint64_t page_size);

/* The entries of a checked vmdesc's "devices" by idstr and instance id
 * (the first of repeated ones: the stream names each section once).
 * Borrows the entries from @vmdesc, which must outlive the table. */
GHashTable *qs__vmdesc_index(const QObject *vmdesc);
/* The entry of section @idstr, @instance_id in @index, or NULL. */
QDict *qs__vmdesc_lookup(GHashTable *index, const char *idstr,
                         uint64_t instance_id);

/* Checks the vmdesc root and returns its page size. */
bool qs__vmdesc_check(const QObject *vmdesc, uint64_t *page_size,
                      GError **errp);

/* Writer side: dump member path in @path, which callers extend. */
bool qs__enc_error(GString *path, GError **errp, int code, const char *fmt,
                   ...) G_GNUC_PRINTF(4, 5);
/* The same for member @key of the object at @path ("<path>.<key>: ..."). */
bool qs__enc_member_error(GString *path, const char *key, GError **errp,
                          int code, const char *fmt, ...) G_GNUC_PRINTF(5, 6);
bool qs__write_vmsd(QEMUFile *f, const QDict *vmsd, const QDict *state,
                    GString *path, unsigned depth, GError **errp);
/* Refuses a member of the dump's framing (root, configuration, records,
 * RAM, block and dirty-bitmap items, opaque payloads) that the encoder
 * does not write (UNEXPECTED), or an optional one of another type
 * (TYPE): either would be dropped without a word
 * (qemu-stream-members.c). */
bool qs__enc_check_members(const QDict *root, GString *path, GError **errp);
/* What the RAM items written so far define for the ones after them:
 * the MEM_SIZE block list and the block of the previous page. */
typedef struct QsRamWriter {
    uint64_t page_size;
    bool ignore_shared;         /* blocks carry "addr" (x-ignore-shared) */
    GHashTable *lengths;        /* block id -> uint64_t length */
    const char *block;          /* previous page's block, or NULL */
    uint64_t block_len;
} QsRamWriter;

bool qs__write_ram(QEMUFile *f, const QList *items, QsRamWriter *w,
                   GString *path, GError **errp);

/* Members of a dump item (RAM, block, dirty-bitmap), for the writers:
 * @key as an unsigned integer of @bits bits (64: any; absent and not
 * @required: 0), a name written as a u8-counted string (at most 255
 * bytes), and "data" decoded from base64 (NULL with @errp set). */
bool qs__item_uint(const QDict *item, const char *key, bool required,
                   int bits, uint64_t *v, GString *path, GError **errp);
bool qs__item_put_cstr(QEMUFile *f, const char *s, GString *path,
                       GError **errp);
uint8_t *qs__item_data(const QDict *item, gsize *len, GString *path,
                       GError **errp);

/* --- Iterative sections other than RAM --------------------------------- */

#define QS_BLOCK_IDSTR "block"
#define QS_BITMAP_IDSTR "dirty-bitmap"

/* The kind of the iterative section @idstr, @instance_id (never NONE). */
QsIterKind qs__iter_kind(const char *idstr, uint32_t instance_id);
/* The native dump's member for a record's payload of @kind ("ram",
 * "block", "dirty_bitmap", "opaque"), or NULL for a device section. */
const char *qs__iter_member(QsIterKind kind);

/* Decode one START/PART/END payload up to and including its EOS item.
 * @rec is the native record dict (NULL when only checking): the payload
 * goes into its "block" or "dirty_bitmap" member, as an item list with
 * r->ram_full, else as counts. */
bool qs__read_block(QsReader *r, QDict *rec, GError **errp);
bool qs__read_bitmap(QsReader *r, QDict *rec, GError **errp);

/*
 * Reads the payload of a record of an iterative section qvisit does not
 * know (section @id) as opaque bytes, up to the first footer of the
 * section (0x7e, be32 @id) that is followed by a plausible record (see
 * qs__record_plausible()); the footer is left for the caller. The stream
 * must have footers. At most r->limits->max_section_size bytes (LIMIT).
 * @rec gets "opaque": {"bytes": N[, "data": base64 with r->ram_full]}.
 */
bool qs__read_opaque(QsReader *r, uint32_t id, GHashTable *sections,
                     QDict *rec, GError **errp);

/*
 * Whether the @len bytes at @p (all that is left of the stream when
 * @at_end) can start the record that follows a section's footer: EOF
 * then the end or a vmdesc record, a START or FULL header with a
 * printable idstr, a PART or END of a section in @sections (keys are
 * GUINT_TO_POINTER(section id)), or a COMMAND qvisit reads.
 */
bool qs__record_plausible(const uint8_t *p, size_t len, bool at_end,
                          GHashTable *sections);

/* Writes one item of an item list; @last: it is the list's last. */
typedef bool (*QsItemWriter)(QEMUFile *f, const QDict *item, bool last,
                             GString *path, GError **errp);
/* Writes each item of @items, an item list of the native dump, with
 * @write_item, @path extended by "[i]" meanwhile. A list that is empty
 * (INVALID: "no <noun>s, expected at least an eos <noun>") or holds a
 * non-object (TYPE) is an error. */
bool qs__write_items(QEMUFile *f, const QList *items, const char *noun,
                     QsItemWriter write_item, GString *path, GError **errp);

/* Write an item list of the native dump as a block or dirty-bitmap
 * payload, and an "opaque" member's bytes. */
bool qs__write_block(QEMUFile *f, const QList *items, GString *path,
                     GError **errp);
bool qs__write_bitmap(QEMUFile *f, const QList *items, GString *path,
                      GError **errp);
bool qs__write_opaque(QEMUFile *f, const QDict *opaque, GString *path,
                      GError **errp);

/* Writes @hex ("0a0b" or "0a 0b") as bytes; it must decode to @len. */
bool qs__write_hex(QEMUFile *f, const char *hex, uint64_t len,
                   GString *path, GError **errp);

/*
 * Dump keys of repeated field names: the first entry of a name is "name",
 * later non-array entries "name#2", "name#3" ... Both directions use this
 * so that a dump always re-encodes.
 */
char *qs__field_key(GHashTable *seen, const char *name, bool continues);

#endif /* QVISIT_QEMU_STREAM_INTERNAL_H */
