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
bool lr__error(LReader *r, GError **errp, int code,
               const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* False with TRUNCATED (and pos at the end) unless @n bytes are left. */
bool lr__need(LReader *r, uint64_t n, GError **errp);

/* Reads a big-endian number of @bytes (checked with lr__need first). */
uint64_t lr__get(LReader *r, unsigned bytes);

/* A vmdesc dict's string member, or NULL. */
const char *migration__vmdesc_str(QDict *d, const char *key);

/* A vmdesc dict's integer member; false when absent or not an int64. */
bool migration__vmdesc_int(QDict *d, const char *key, int64_t *out);

/* Decodes a payload described by a vmdesc "fields" list into a QDict. */
QObject *migration__vmdesc_decode(LReader *r, QList *fields, GError **errp);

#endif /* QVISIT_LEGACY_INTERNAL_H */
