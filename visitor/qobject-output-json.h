/* Shared by the QObject and JSON output visitors and the JSON migration
 * format (migration/format-json.c): QObject output that refuses what JSON
 * cannot hold. Not installed. */
#ifndef QVISIT_VISITOR_QOBJECT_OUTPUT_JSON_H
#define QVISIT_VISITOR_QOBJECT_OUTPUT_JSON_H

#include "qvisit/visitor.h"

/*
 * A QObject output visitor that, at visit_complete(), appends the tree as
 * JSON to @out (see qobject_to_json_pretty()) instead of handing it over.
 * It refuses what JSON cannot hold exactly: NaN and infinities, and
 * strings that are not valid UTF-8 (QVISIT_ERROR_INVALID).
 */
Visitor *qobject_output_visitor__new_json(GString *out, bool pretty);

/*
 * A QObject output visitor for a tree that will be written as JSON: it
 * hands the tree over as qobject_output_visitor_new() does, and refuses
 * what qobject_output_visitor__new_json() refuses.
 */
Visitor *qobject_output_visitor__new_for_json(QObject **result);

#endif
