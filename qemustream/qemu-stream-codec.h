/*
 * The one QEMU wire codec, as the layers above qemustream/ use it: the
 * migration core's legacy format (migration/format-legacy.c) is QEMU's
 * savevm layout and reads and writes it through these functions, as
 * `dump --qemu` and `encode --qemu` do through <qvisit/qemu-stream.h>.
 * Not installed; shared on purpose, so not named -internal
 * (docs/architecture.md, "Layering").
 *
 * Wire constants are facts about QEMU 7.2's migration stream, gathered in
 * docs/qemu-streams.md.
 */
#ifndef QVISIT_QEMUSTREAM_QEMU_STREAM_CODEC_H
#define QVISIT_QEMUSTREAM_QEMU_STREAM_CODEC_H

#include "qvisit/limits.h"
#include "qvisit/qemu-file.h"
#include "qvisit/qemu-stream.h"
#include "qvisit/qobject.h"
#include "qvisit/visitor.h"

#define QS_MAGIC 0x5145564dU /* "QEVM" */
#define QS_VERSION 3

enum {
    QS_EOF = 0x00,
    QS_SECTION_START = 0x01,
    QS_SECTION_PART = 0x02,
    QS_SECTION_END = 0x03,
    QS_SECTION_FULL = 0x04,
    QS_SUBSECTION = 0x05,
    QS_VMDESCRIPTION = 0x06,
    QS_CONFIGURATION = 0x07,
    QS_COMMAND = 0x08,
    QS_SECTION_FOOTER = 0x7e,
};

/* RAM record flags (low bits of each be64 word of the "ram" section). */
enum {
    QS_RAM_ZERO = 0x02,
    QS_RAM_MEM_SIZE = 0x04,
    QS_RAM_PAGE = 0x08,
    QS_RAM_EOS = 0x10,
    QS_RAM_CONTINUE = 0x20,
    QS_RAM_XBZRLE = 0x40,
    QS_RAM_HOOK = 0x80,
    QS_RAM_COMPRESS_PAGE = 0x100,
};

/* qvisit's bound on the configuration's machine type (QEMU's names are
 * short; the reader refuses longer ones before allocating). */
#define QS_MACHINE_TYPE_MAX 255

/* The one XBZRLE encoding QEMU 7.2 loads (ENCODING_FLAG_XBZRLE). */
#define QS_XBZRLE_ENCODING 1

/* The section QEMU's RAM is migrated in, and its only version (4). */
#define QS_RAM_IDSTR "ram"
#define QS_RAM_VERSION 4


/* The page size of the streams the migration core writes (its vmdesc's
 * "page_size"; they hold no RAM). */
#define QS_DEFAULT_PAGE_SIZE 4096

/* --- The vmdesc model ------------------------------------------------- */

/* A vmdesc dict's string member, or NULL. */
const char *qs__dict_str(const QDict *d, const char *key);
/* A vmdesc dict's integer member; false when absent or not an int64. */
bool qs__dict_int(const QDict *d, const char *key, int64_t *v);

/*
 * A payload writer for a device section: it forwards every call of the
 * walk to a QEMUFile output visitor on @f, which writes the payload bytes,
 * and at visit_complete() sets *@fields (transfer full) to QEMU's vmdesc
 * description of those bytes, the "fields" of the section's vmdesc entry.
 */
Visitor *qs__vmdesc_visitor_new(QEMUFile *f, QList **fields);
/* qs__vmdesc_visitor_new() that also sets *@subsections (nullable; transfer
 * full, NULL when there were none) to the vmsds of the subsections
 * (visit_start_subsection()) of the walk's root struct, as the
 * "subsections" of the section's vmdesc entry. */
Visitor *qs__vmdesc_visitor_new_full(QEMUFile *f, QList **fields,
                                     QList **subsections);

/* A vmdesc "devices" entry of a section, taking @fields (transfer full). */
QDict *qs__vmdesc_device(const char *idstr, uint32_t instance_id,
                         uint32_t version_id, QList *fields);

/* The vmdesc text of @devices as QEMU lays it out:
 * {"page_size": N, "devices": [...]} on one line. */
GString *qs__vmdesc_text(uint64_t page_size, QList *devices);

/* The same text from the devices entries already written as JSON
 * (qs__vmdesc_device() in qobject__to_json_spaced()'s layout), for a
 * writer that keeps them from one stream to the next. */
GString *qs__vmdesc_text_join(uint64_t page_size, GString *const *entries,
                              size_t n);

/*
 * Finds the vmdesc record that ends the stream @data (@len bytes) and
 * parses it within @limits. *@vmdesc is NULL when the stream has none;
 * @text_len (nullable) is set to the length of its text;
 * a stream cut inside it is TRUNCATED ("vmdesc: stream truncated inside
 * the description (N of M bytes) at byte L"); a vmdesc that is no JSON
 * or no vmdesc is PARSE, LIMIT or INVALID, naming its byte offset.
 */
bool qs__vmdesc_from_mem(const uint8_t *data, size_t len,
                         const QVisitLimits *limits, QObject **vmdesc,
                         size_t *text_len, GError **errp);

/*
 * Finds the vmdesc record that ends the stream @data (@len bytes), as
 * qs__vmdesc_from_mem() does, without parsing it: *@text_off is the
 * offset of its text (which runs to @len), 0 when the stream has none.
 * Errors: a stream cut inside it, as qs__vmdesc_from_mem().
 */
bool qs__vmdesc_locate(const uint8_t *data, size_t len,
                       const QVisitLimits *limits, size_t *text_off,
                       GError **errp);

/*
 * A vmdesc whose "devices" entries are parsed one at a time, when asked
 * for (qemu-stream-vmdesc-index.c): the text is scanned up to the entry
 * wanted, and only that entry is parsed. The parts passed over are not
 * checked; a text the scan cannot read makes every lookup fail
 * (QVISIT_ERROR_PARSE), and the caller parses the whole vmdesc instead.
 */
typedef struct QsVmdescIndex QsVmdescIndex;

/* An index over the vmdesc text @text (@len bytes, borrowed: it must
 * outlive the index) found at byte @off of its stream; entries are
 * parsed within @limits (nullable: the defaults), their nesting counted
 * from the text's root. Free with qs__vmdesc_index_free(). */
QsVmdescIndex *qs__vmdesc_index_new(const char *text, size_t len,
                                    uint64_t off, const QVisitLimits *limits);
void qs__vmdesc_index_free(QsVmdescIndex *ix);

/*
 * A parsed entry kept from one load to the next, keyed by its exact
 * text and the limits it was parsed within: a destination that loads
 * streams of the same layout again parses each entry once, as a source
 * keeps the entries it wrote (MigVmdescCache). Zero-initialised when
 * empty; emptied with qs__vmdesc_entry_cache_clear().
 */
typedef struct QsVmdescEntryCache {
    char *text;
    size_t len;
    QVisitLimits limits;
    QDict *entry;
} QsVmdescEntryCache;

void qs__vmdesc_entry_cache_clear(QsVmdescEntryCache *c);

/* The first "devices" entry of section @idstr, @instance_id, parsed
 * (transfer full), or taken from @cache (nullable) when its text is the
 * cached one, which it then becomes; NULL with @errp set when there is
 * none (UNKNOWN), the scan cannot read the text (PARSE) or the entry is
 * no JSON within the limits. */
QDict *qs__vmdesc_index_entry(QsVmdescIndex *ix, const char *idstr,
                              uint32_t instance_id, QsVmdescEntryCache *cache,
                              GError **errp);

/*
 * Decodes the payload of FULL section @idstr from @f, positioned at its
 * first byte, through its vmdesc entry @entry, as qs__read_state() does
 * with a whole vmdesc, consuming exactly the payload. @alloc: what was
 * charged against @limits->max_alloc before (in) and after (out).
 * Returns the state (transfer full), or NULL with @errp set.
 */
QDict *qs__read_described(QEMUFile *f, const char *idstr, const QDict *entry,
                          const QVisitLimits *limits, size_t *alloc,
                          GError **errp);

/* --- Reading streams as device state ---------------------------------- */

/* A section record as the reader met it. */
typedef struct QsRecordInfo {
    uint8_t type;               /* QS_SECTION_START, _PART, _END or _FULL */
    uint32_t section_id;
    const char *idstr;          /* the section's (PART/END: its START's) */
    uint32_t instance_id;
    uint32_t version_id;        /* the START's or FULL's */
    bool is_ram;                /* the "ram" section (instance 0) */
    uint64_t at;                /* byte offset of the record's type byte */
    uint64_t bytes;             /* the record, header and footer included */
    /* NULL for a device section; else how the iterative section was
     * read: "ram", "block", "dirty-bitmap" or "opaque" (kept as bytes,
     * not decoded). */
    const char *iterative;
    /* A FULL section of a stream without a vmdesc that @layouts did not
     * know, skipped by the footer search (QsStateSink.partial): its
     * payload as lowercase hex; NULL otherwise. */
    const char *opaque;
} QsRecordInfo;

/* What qs__read_state() hands out as it reads; @opaque is passed to
 * each. A callback returning false stops the reading with its error. */
typedef struct QsStateSink {
    void *opaque;
    /* Optional: the configuration record, as the native dump has it
     * ("machine_type", "subsections"); borrowed for the call. */
    bool (*configuration)(void *opaque, QDict *conf, GError **errp);
    /* Must be set: every section record, after its footer. @state
     * (transfer full) is the decoded state of a device section (FULL),
     * else NULL. */
    bool (*record)(void *opaque, const QsRecordInfo *rec, QDict *state,
                   GError **errp);
    /* Optional: a COMMAND record; @data is lowercase hex. */
    bool (*command)(void *opaque, unsigned cmd, const char *data,
                    uint64_t at, GError **errp);
    /*
     * Optional, used for FULL sections of a stream read without a vmdesc
     * (else such a section is UNKNOWN): decodes the payload from @f,
     * positioned at its first byte, consuming exactly the payload.
     * Returns the state (transfer full), or NULL with @errp set.
     */
    QDict *(*undescribed)(void *opaque, QEMUFile *f, const QsRecordInfo *rec,
                          GError **errp);
    /*
     * Optional, for a stream read without a vmdesc: FULL sections are
     * decoded through these (QemuStreamOptions.layouts, native form;
     * before @undescribed). With @partial, a section they do not know is
     * skipped by the footer search and handed to @record with no state
     * and its payload in QsRecordInfo.opaque.
     */
    const QemuStreamLayouts *layouts;
    bool partial;
} QsStateSink;

/*
 * Reads a whole QEMU savevm stream from @f (opened for reading at the
 * stream's first byte) through its end: header, configuration, every
 * record up to EOF and the vmdesc record after it, if any. Device
 * sections are decoded through @vmdesc (nullable: then through
 * @sink->undescribed) into the state form of qemu-stream-vmsd.c; RAM
 * records are checked as dump --qemu checks them and their pages
 * skipped. Section ids must be printable ASCII (the migration core's
 * rule for every format). What is decoded is charged against
 * @limits->max_alloc.
 *
 * @ram_summary (nullable): set (transfer full) to the RAM blocks seen,
 * as the native dump's "ram" member.
 *
 * Errors: those of qemu_stream_dump(), with the path and byte offset.
 */
bool qs__read_state(QEMUFile *f, const QObject *vmdesc,
                    const QVisitLimits *limits, const QsStateSink *sink,
                    QDict **ram_summary, GError **errp);

/* --- Writing records ------------------------------------------------- */

/* The stream header: magic and version. */
void qs__put_header(QEMUFile *f);
/* The configuration record without subsections: the machine type, at
 * most QS_MACHINE_TYPE_MAX bytes (the caller's check). */
void qs__put_configuration(QEMUFile *f, const char *machine_type);
/* A u8-counted name of at most 255 bytes (the caller's check). */
void qs__put_cstr(QEMUFile *f, const char *s);
/* A subsection's header (0x05, name, version); @name is at most 255
 * bytes. */
void qs__put_subsection_header(QEMUFile *f, const char *name,
                               uint32_t version_id);
/* A START or FULL record's header; @idstr is at most 255 bytes. */
void qs__put_section_header(QEMUFile *f, uint8_t type, uint32_t section_id,
                            const char *idstr, uint32_t instance_id,
                            uint32_t version_id);
/* A PART or END record's header. */
void qs__put_section_part(QEMUFile *f, uint8_t type, uint32_t section_id);
/* The footer after a section record's payload. */
void qs__put_footer(QEMUFile *f, uint32_t section_id);
/* The vmdesc record after the EOF byte: 0x06, be32 length, the text. */
void qs__put_vmdesc(QEMUFile *f, const char *text, size_t len);

/*
 * What the stream says about the machine around the section a
 * QemuStreamLayouts callback is decoding or encoding, for layouts that
 * depend on configuration the section does not carry (the built-in
 * QEMU devices, examples/qemu-devices): set by the reader and the writer
 * for the duration of each decode and encode call, on the calling
 * thread only.
 */
typedef struct QsLayoutContext {
    /* The stream (or dump) has a configuration record; QEMU leaves it
     * out for machine types up to 2.3. */
    bool has_configuration;
    /* Its machine type ("pc-i440fx-7.2"), or NULL. */
    const char *machine_type;
    /* Decoding only: the section's id, and whether the stream has
     * section footers (1), has none (0) or it is not known yet (-1). */
    uint32_t section_id;
    int footers;
} QsLayoutContext;

/* The context of the layout call in progress on this thread, or NULL
 * outside one. */
const QsLayoutContext *qs__layout_context(void);
/* Sets (@ctx, borrowed until cleared) or clears (NULL) it. */
void qs__layout_context_set(const QsLayoutContext *ctx);

#endif /* QVISIT_QEMUSTREAM_QEMU_STREAM_CODEC_H */
