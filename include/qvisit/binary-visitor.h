/*
 * Self-describing binary visitors.
 *
 * The self-describing binary encoding carries member names and types on
 * the wire, so a reader needs no schema: it can decode any value to a
 * QObject tree, skip members it does not know, and report exact paths and
 * byte offsets for bad input. It is the value encoding of the "binary"
 * migration stream format (docs/formats.md, "Migration stream formats").
 *
 * One encoded value (a "binary document") is a name table followed by one
 * tagged value:
 *
 *     varint name_count ; name_count x (varint len ; len bytes UTF-8)
 *     value
 *
 * Struct members refer to names by index into the table, so a name that
 * recurs (members of an array of structs) costs one byte per use.
 *
 * Life cycle: binary_output_visitor_new(), one walk, visit_complete()
 * (which appends the document to the caller's GByteArray), visit_free().
 * binary_input_visitor_new() validates a whole document first, applying
 * the limits, and then serves the walk straight from its bytes.
 */
#ifndef QVISIT_BINARY_VISITOR_H
#define QVISIT_BINARY_VISITOR_H

#include <glib.h>

#include "qvisit/common.h"
#include "qvisit/limits.h"
#include "qvisit/qobject.h"
#include "qvisit/visitor.h"

/**
 * binary_output_visitor_new:
 * @out: (transfer none): receives the document, appended at
 *   visit_complete(); the caller keeps owning it and it must outlive the
 *   visitor. Nothing is appended when the walk fails.
 *
 * Errors: %QVISIT_ERROR_INVALID for a string that is not valid UTF-8,
 * which binary_decode() would refuse. Numbers keep every bit, NaN
 * included.
 *
 * Returns: (transfer full): the visitor.
 * Since: 0.1
 */
QVISIT_API Visitor *binary_output_visitor_new(GByteArray *out);

/**
 * binary_decode:
 * @data: (transfer none) (array length=len): the bytes of one document
 * @len: number of bytes at @data
 * @limits: (nullable) (transfer none): limits to apply; NULL for the
 *   defaults
 * @consumed: (out) (optional): bytes the document occupied
 * @errp: return location for an error
 *
 * Decodes one binary document into a QObject tree without any schema:
 * structs become QDicts, arrays QLists, unsigned integers uint QNums,
 * signed integers int QNums, numbers double QNums, strings QStrings and
 * buffers lowercase hex QStrings (as the QObject output visitor writes
 * them). Trailing bytes after the document are left alone.
 *
 * Errors: %QVISIT_ERROR_TRUNCATED when the bytes end inside the document,
 * %QVISIT_ERROR_PARSE for an unknown tag, a bad name index, a duplicate
 * member or invalid UTF-8, %QVISIT_ERROR_LIMIT beyond a limit. Messages
 * give the member path and the byte offset.
 *
 * Returns: (transfer full) (nullable): the tree, or NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *binary_decode(const void *data, size_t len,
                                  const QVisitLimits *limits,
                                  size_t *consumed, GError **errp);

/**
 * binary_input_visitor_new:
 * @data: (transfer none) (array length=len): one binary document; only
 *   read during the call
 * @len: number of bytes at @data; bytes after the document are an error
 * @limits: (nullable) (transfer none): limits for the decoding and the
 *   walk; NULL for the defaults
 * @errp: return location for an error
 *
 * Validates @data as binary_decode() does, then returns a visitor that
 * reads the walk's values from the bytes with the rules and messages of
 * the QObject input visitor: members are found by name in any order, a
 * member the walk never asks for is %QVISIT_ERROR_UNEXPECTED at
 * visit_end_struct(), integers of any width and sign load into any field
 * they fit, buffers read raw bytes or hex strings. @data is copied.
 *
 * Errors: those of binary_decode(); %QVISIT_ERROR_PARSE for trailing
 * bytes.
 *
 * Returns: (transfer full) (nullable): the visitor, or NULL on error.
 * Since: 0.1
 */
QVISIT_API Visitor *binary_input_visitor_new(const void *data, size_t len,
                                             const QVisitLimits *limits,
                                             GError **errp);

#endif /* QVISIT_BINARY_VISITOR_H */
