/*
 * The binary visitors' own helpers: skipping and reading tagged values in
 * place (visitor/binary-read.c). The wire itself (tags, varints) is
 * visitor/binary-wire.h. Not installed.
 */
#ifndef QVISIT_BINARY_INTERNAL_H
#define QVISIT_BINARY_INTERNAL_H

#include "visitor/binary-wire.h"

/* The offset after the payload of a value tagged @tag whose payload
 * starts at @pos, or 0 when the bytes are malformed or cut. */
size_t binary__skip(const uint8_t *data, size_t len, uint8_t tag,
                    size_t pos);

/* Reads an integer-tagged value at @pos: *@u holds a uint64, or an int64
 * as two's complement when *@is_signed. False for other tags or cut
 * bytes. */
bool binary__read_int(const uint8_t *data, size_t len, uint8_t tag,
                      size_t pos, uint64_t *u, bool *is_signed);

/* The QObject type name a tag decodes to ("number", "string" ...). */
const char *binary__tag_type_name(uint8_t tag);

#endif /* QVISIT_BINARY_INTERNAL_H */
