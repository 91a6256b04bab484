/*
 * Resource limits for everything that reads outside data.
 *
 * A stream comes from another machine and a JSON file from a person's
 * editor, so every reader bounds what the input can make it do. Exceeding a
 * limit is QVISIT_ERROR_LIMIT. A QVisitLimits is a plain struct: fill it with
 * qvisit_limits_init() and change the members you need.
 */
#ifndef QVISIT_LIMITS_H
#define QVISIT_LIMITS_H

#include "qvisit/common.h"

/**
 * QVISIT_DEPTH_CAP:
 *
 * The largest nesting depth any limit may be set to. json-glib's recursive
 * parser overflows the stack near 100,000 levels, so deeper settings are
 * clamped to this value.
 *
 * Since: 0.1
 */
#define QVISIT_DEPTH_CAP 10000

/**
 * QVisitLimits:
 * @max_depth: deepest nesting of structs/arrays/objects (default 1000,
 *   clamped to %QVISIT_DEPTH_CAP)
 * @max_string_len: longest string in bytes (default 16 MiB)
 * @max_array_len: most elements in one array or list (default 16 Mi)
 * @max_alloc: most bytes one load may allocate for values (default 1 GiB):
 *   the trees the JSON parser, the binary decoder and the QEMU stream
 *   reader build, a schema's sample, and a whole stream read from a
 *   transport or spooled from a pipe
 * @max_section_size: largest section of a migration stream (default 1 GiB)
 *
 * Since: 0.1
 */
typedef struct QVisitLimits {
    unsigned max_depth;
    size_t max_string_len;
    size_t max_array_len;
    size_t max_alloc;
    size_t max_section_size;
} QVisitLimits;

/**
 * qvisit_limits_init:
 * @limits: (out caller-allocates): the limits to fill
 *
 * Sets every member of @limits to its safe default.
 *
 * Since: 0.1
 */
QVISIT_API void qvisit_limits_init(QVisitLimits *limits);

/**
 * qvisit_limits_default:
 *
 * Returns: (transfer none): the default limits; a static object, never
 *   freed.
 * Since: 0.1
 */
QVISIT_API const QVisitLimits *qvisit_limits_default(void);

#endif /* QVISIT_LIMITS_H */
