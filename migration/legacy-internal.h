/*
 * The legacy reader's cursor, shared by format-legacy.c (stream framing)
 * and vmdesc.c (payloads decoded through the vmdesc).
 */
#ifndef QVISIT_LEGACY_INTERNAL_H
#define QVISIT_LEGACY_INTERNAL_H

#include "migration/migration-internal.h"

typedef struct LReader {
    const uint8_t *data;
    size_t len;             /* end of the records (the vmdesc excluded) */
    size_t pos;
    const QVisitLimits *limits;
    GString *path;          /* member path for messages */
} LReader;

/* Sets "<path>: <message> at byte <pos>" and returns false. */
bool migration__lr_error(LReader *r, GError **errp, int code,
                         const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* False with TRUNCATED (and pos at the end) unless @n bytes are left. */
bool migration__lr_need(LReader *r, uint64_t n, GError **errp);

/* Reads a big-endian number of @bytes (checked with lr_need first). */
uint64_t migration__lr_get(LReader *r, unsigned bytes);

/* Short names for the reader's helpers, which are used on every line. */
#define lr_error migration__lr_error
#define lr_need migration__lr_need
#define lr_get migration__lr_get

/* A vmdesc dict's string member, or NULL. */
const char *migration__vmdesc_str(QDict *d, const char *key);

/* A vmdesc dict's integer member; false when absent or not an int64. */
bool migration__vmdesc_int(QDict *d, const char *key, int64_t *out);

/* Decodes a payload described by a vmdesc "fields" list into a QDict. */
QObject *migration__vmdesc_decode(LReader *r, QList *fields, GError **errp);

#endif /* QVISIT_LEGACY_INTERNAL_H */
