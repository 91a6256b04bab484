/*
 * Internals shared by the files of migration/: the registry and stream
 * structs, and the per-format encoders and decoders.
 */
#ifndef QVISIT_MIGRATION_INTERNAL_H
#define QVISIT_MIGRATION_INTERNAL_H

#include "qvisit/migration.h"
#include "qvisit/qemu-file.h"

/* Magic numbers of the formats (docs/formats.md); the legacy format's
 * are QEMU's, in qemustream/qemu-stream-codec.h (QS_MAGIC, QS_VERSION). */
#define MIG_BINARY_MAGIC "QVSD"
#define MIG_BINARY_VERSION 1
#define MIG_JSON_FORMAT "qvisit-migration"
#define MIG_JSON_VERSION 1
#define MIG_DEFAULT_MACHINE "qvisit"

typedef struct MigrationDevice {
    MigrationDeviceInfo info;   /* info.id points at id */
    char *id;
    void *opaque;
} MigrationDevice;

/* What a stream says about itself besides its sections. */
typedef struct MigEncHeader {
    uint64_t caps;
    const char *machine;
    uint32_t machine_version;   /* 0: unversioned */
} MigEncHeader;

struct MigrationRegistry {
    GPtrArray *devices;         /* of MigrationDevice *, registration order */
    CompatRegistry *compat;     /* borrowed, nullable */
    QVisitLimits limits;
    uint64_t caps;              /* enabled capabilities */
    bool skip_unknown;
    char *machine;
    uint32_t machine_version;
    unsigned handshake_timeout_ms;
    unsigned io_timeout_ms;
    MigrationFormat forced_format; /* UNKNOWN: chosen from capabilities */
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
} MigEncSection;

/* Appends a whole stream of @n sections to @out (only on success). */
bool migration__encode(MigrationFormat format, const MigEncHeader *h,
                       MigEncSection *secs, size_t n, GByteArray *out,
                       GError **errp);
bool migration__encode_legacy(const MigEncHeader *h, MigEncSection *secs,
                              size_t n, GByteArray *out, GError **errp);
bool migration__encode_binary(const MigEncHeader *h, MigEncSection *secs,
                              size_t n, GByteArray *out, GError **errp);
bool migration__encode_json(const MigEncHeader *h, MigEncSection *secs,
                            size_t n, GByteArray *out, GError **errp);

/* Decoders fill an empty stream @s. */
bool migration__decode_legacy(MigrationStream *s, const uint8_t *data,
                              size_t len, const QVisitLimits *limits,
                              MigrationSchemaFn schema, void *opaque,
                              GError **errp);
bool migration__decode_binary(MigrationStream *s, const uint8_t *data,
                              size_t len, const QVisitLimits *limits,
                              GError **errp);
bool migration__decode_json(MigrationStream *s, const uint8_t *data,
                            size_t len, const QVisitLimits *limits,
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

/* The load of migration_load() after decoding (no timing in *report). */
bool migration__load_stream(MigrationRegistry *r, const MigrationStream *s,
                            MigrationReport **report, GError **errp);

/* A MigrationSchemaFn over a registry's devices (exact version only). */
const MigrationDeviceInfo *migration__registry_schema(const char *id,
                                                      uint32_t version,
                                                      void *opaque);

/* Monotonic clock in ns. */
uint64_t migration__now_ns(void);

#endif /* QVISIT_MIGRATION_INTERNAL_H */
