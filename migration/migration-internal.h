/*
 * Internals shared by the files of migration/: the registry and stream
 * structs, and the per-format encoders and decoders.
 */
#ifndef QVISIT_MIGRATION_INTERNAL_H
#define QVISIT_MIGRATION_INTERNAL_H

#include "qemustream/qemu-stream-codec.h"
#include "qvisit/migration.h"
#include "qvisit/qemu-file.h"

/* Magic numbers of the formats (docs/formats.md); the legacy format's
 * are QEMU's, in qemustream/qemu-stream-codec.h (QS_MAGIC, QS_VERSION). */
#define MIG_BINARY_MAGIC "QVSD"
#define MIG_BINARY_VERSION 1
#define MIG_JSON_FORMAT "qvisit-migration"
#define MIG_JSON_VERSION 1
#define MIG_DEFAULT_MACHINE "qvisit"

/*
 * The vmdesc entry of a device's last legacy save and the shape of the
 * walk it describes (shape-visitor.c): a save whose walk has the same
 * shape reuses the entry's text instead of building it again.
 */
typedef struct MigVmdescCache {
    GByteArray *shape;          /* NULL until the first legacy save */
    GString *text;              /* the "devices" entry, as JSON */
} MigVmdescCache;

typedef struct MigrationDevice {
    MigrationDeviceInfo info;   /* info.id points at id */
    char *id;
    void *opaque;
    MigVmdescCache vmdesc;
    /* The vmdesc entry a legacy load last decoded the device's section
     * through, when its version differed (format-legacy.c). */
    QsVmdescEntryCache vmdesc_entry;
} MigrationDevice;

/* What a stream says about itself besides its sections. */
typedef struct MigEncHeader {
    uint64_t caps;
    const char *machine;
    uint32_t machine_version;   /* 0: unversioned */
} MigEncHeader;

/* Timeouts and the outgoing format (transport-internal.h). */
typedef struct MigrationTransportSettings MigrationTransportSettings;

struct MigrationRegistry {
    GPtrArray *devices;         /* of MigrationDevice *, registration order */
    CompatRegistry *compat;     /* borrowed, nullable */
    QVisitLimits limits;
    uint64_t caps;              /* enabled capabilities */
    bool skip_unknown;
    char *machine;
    uint32_t machine_version;
    /* Bytes of the last save in each format: the next save reserves them
     * in the caller's array first, so a stream of megabytes is not grown
     * (and copied, and page-faulted) step by step. */
    size_t save_size_hint[MIGRATION_FORMAT_JSON + 1];
    /* How this side migrates over a URI (migration-transport.h): owned,
     * NULL until a setter runs; only transport.c looks inside. */
    MigrationTransportSettings *transport;
};

struct MigrationStream {
    MigrationFormat format;
    uint64_t caps;
    char *machine;
    uint32_t machine_version;
    GArray *sections;           /* of MigrationSection */
};

/*
 * One section to encode: the walk writes the section's state (its root
 * struct named after the device) into any visitor.
 */
typedef struct MigEncSection {
    const char *id;
    uint32_t instance_id;
    uint32_t version;
    bool (*walk)(Visitor *v, void *ctx, GError **errp);
    void *ctx;
    size_t size;                /* out: bytes on the wire */
    /* Nullable: the legacy format's vmdesc cache of the walk's device. */
    MigVmdescCache *vmdesc_cache;
} MigEncSection;

/*
 * A device section as a format's scan meets it, for the load's direct
 * path (load.c): its header and ways to read its payload, valid for the
 * call of the MigScanFn that receives it.
 */
typedef struct MigScanSection MigScanSection;
struct MigScanSection {
    const char *id;
    uint32_t instance_id;
    uint32_t version;
    /* The record's bytes on the wire, or 0 while unknown (legacy: known
     * after the footer); the MigScanFn may point @size_slot where the
     * format stores it once known. */
    size_t size;
    size_t *size_slot;
    /* A visitor that reads the payload (transfer full), to be walked at
     * most once with the walk of the section's layout, then freed. */
    Visitor *(*open)(MigScanSection *sec, const QVisitLimits *limits,
                     GError **errp);
    /* The payload as a tree (transfer full), or NULL with @errp set:
     * decoded schema-free (binary, JSON), or through the section's own
     * vmdesc entry (legacy). Called at most once, instead of open(). */
    QDict *(*tree)(MigScanSection *sec, GError **errp);
    /* A failure of this section, or of the scan once a tree was taken,
     * is decided by the format's whole decode (legacy: through the full
     * vmdesc, with its messages): the load gives the direct path up
     * instead of reporting it. A payload the load skips must still be
     * read through tree(). */
    bool decode_decides;
    /* Nullable, set by the MigScanFn before tree(): where the section's
     * device keeps the vmdesc entry its last legacy tree came through. */
    QsVmdescEntryCache *vmdesc_entry;
    /* After a successful walk of open()'s visitor: the bytes it read
     * (in the stream, so valid for the whole load). */
    bool (*tape)(MigScanSection *sec, const uint8_t **data, size_t *len);
    /* How to read those bytes again, checked already: NULL when they are
     * the QEMUFile encoding of the walk (legacy payloads), which a
     * QEMUFile input visitor reads; else a visitor over them (transfer
     * full). */
    Visitor *(*reopen)(const uint8_t *data, size_t len,
                       const QVisitLimits *limits);
};

/*
 * What the load does with each section the scan meets. Returns false to
 * stop the scan, with @errp set.
 */
typedef bool (*MigScanFn)(void *opaque, MigScanSection *sec, GError **errp);

/*
 * What one format provides. stream.c holds the table of them, indexed by
 * MigrationFormat, and every detection, save, load and conversion goes
 * through it; a format file calls nothing of stream.c (the container it
 * fills is stream-container.c).
 */
typedef struct MigrationFormatOps {
    /* migration_format_name() */
    const char *name;
    /* The capability a destination needs to accept the format (0: none,
     * as for legacy); see migration__format_allowed(). */
    uint64_t cap;
    /* Whether @data (@len bytes, maybe fewer than a header) starts like a
     * stream of this format. */
    bool (*detect)(const uint8_t *data, size_t len);
    /* Appends a whole stream of the @n sections to @out and sets each
     * section's size. On failure @out may end in part of a stream: the
     * caller, migration__encode(), cuts it back. */
    bool (*encode)(const MigEncHeader *h, MigEncSection *secs, size_t n,
                   GByteArray *out, GError **errp);
    /* Fills the empty stream @s. @schema (nullable) gives the device
     * layouts of a format whose payloads carry no types. */
    bool (*decode)(MigrationStream *s, const uint8_t *data, size_t len,
                   const QVisitLimits *limits, MigrationSchemaFn schema,
                   void *opaque, GError **errp);
    /* Optional: the load's direct path. Reads the whole stream, checking
     * its framing, sizes and checksums as decode() does, fills @s's
     * header (capabilities, machine) before the first section, and hands
     * each device section to @fn instead of decoding it into @s. */
    bool (*scan)(MigrationStream *s, const uint8_t *data, size_t len,
                 const QVisitLimits *limits, MigScanFn fn, void *opaque,
                 GError **errp);
} MigrationFormatOps;

extern const MigrationFormatOps migration__format_legacy;
extern const MigrationFormatOps migration__format_binary;
extern const MigrationFormatOps migration__format_json;

/* The operations of @format, or NULL (UNKNOWN, out of range). */
const MigrationFormatOps *migration__format_ops(MigrationFormat format);

/* Appends a whole stream of @n sections to @out (only on success). */
bool migration__encode(MigrationFormat format, const MigEncHeader *h,
                       MigEncSection *secs, size_t n, GByteArray *out,
                       GError **errp);

/* The legacy format's encoder and decoder (its MigrationFormatOps). */
bool migration__encode_legacy(const MigEncHeader *h, MigEncSection *secs,
                              size_t n, GByteArray *out, GError **errp);
bool migration__decode_legacy(MigrationStream *s, const uint8_t *data,
                              size_t len, const QVisitLimits *limits,
                              MigrationSchemaFn schema, void *opaque,
                              GError **errp);

/*
 * Section ids (docs/formats.md, "Section ids") are 1..255 bytes of
 * printable ASCII, 0x20..0x7e, in every format: names such as
 * "0000:00:02.0/e1000". Returns the index of the first byte outside that
 * range, or @len when there is none (the length is the caller's check).
 */
size_t migration__id_bad_byte(const char *id, size_t len);

/* Appends a section taking @state; returns it. */
MigrationSection *migration__stream_add(MigrationStream *s, const char *id,
                                        uint32_t instance_id,
                                        uint32_t version, QDict *state,
                                        size_t size);

/* Walks a QObject tree into any output visitor (dicts as structs). */
bool migration__walk_qobject(Visitor *v, const char *name, QObject *obj,
                             GError **errp);

/* migration_save() with the capability mask to record in the stream. */
bool migration__save_caps(MigrationRegistry *r, MigrationFormat format,
                          uint64_t caps, GByteArray *out,
                          MigrationReport **report, GError **errp);

/*
 * Whether a destination with capability mask @caps accepts a stream of
 * @format: legacy always, binary and JSON only with their capability.
 * Other formats pass (their decoding fails).
 */
bool migration__format_allowed(MigrationFormat format, uint64_t caps,
                               GError **errp);

/*
 * After a failed dry run of @info's walk over a prepared scratch state
 * (section @index of the stream, at the device's own version; load.c
 * does not call it after a transform chain): turns a structural error in
 * *@errp
 * (UNEXPECTED, MISSING, LENGTH, or the device's own CONFIG) into
 * QVISIT_ERROR_CONFIG saying that the configurations differ, and returns
 * true. Returns false, leaving *@errp alone, for a device without a
 * prepare hook (its zeroed scratch state has no configuration to blame)
 * and for every other error.
 */
bool migration__config_error(const MigrationDeviceInfo *info, size_t index,
                             GError **errp);

/*
 * migration_load() without the capability check and the timing: the
 * direct path when the format has one and every section allows it, else
 * the stream decoded into trees and migration__load_stream().
 */
bool migration__load_bytes(MigrationRegistry *r, const uint8_t *data,
                           size_t len, MigrationReport **report,
                           GError **errp);

/* The load of migration_load() after decoding (no timing in *report). */
bool migration__load_stream(MigrationRegistry *r, const MigrationStream *s,
                            MigrationReport **report, GError **errp);

/* The device registered as @id, @instance_id, or NULL. */
MigrationDevice *migration__registry_find(MigrationRegistry *r,
                                          const char *id,
                                          uint32_t instance_id);

/* A report of @n devices, their entries zeroed; free with
 * migration_report_free(). */
MigrationReport *migration__report_new(MigrationFormat format, uint64_t caps,
                                       size_t n);

/*
 * A visitor that forwards a save's walk to a QEMUFile output visitor on
 * @f and appends the walk's shape to @shape (shape-visitor.c).
 */
Visitor *migration__shape_visitor_new(QEMUFile *f, GByteArray *shape);

/*
 * Whether @info's walk visits layout @version itself: its own version, or
 * one from its minimum_walk_version on, through version gates.
 */
bool migration__walks_version(const MigrationDeviceInfo *info,
                              uint32_t version);

/* A MigrationSchemaFn over a registry's devices: the device whose walk
 * visits @version (migration__walks_version()). */
const MigrationDeviceInfo *migration__registry_schema(const char *id,
                                                      uint32_t version,
                                                      void *opaque);

/* Monotonic clock in ns. */
uint64_t migration__now_ns(void);

#endif /* QVISIT_MIGRATION_INTERNAL_H */
