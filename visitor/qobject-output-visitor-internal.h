/* Shared by the QObject and JSON output visitors. */
#ifndef QVISIT_QOBJECT_OUTPUT_VISITOR_INTERNAL_H
#define QVISIT_QOBJECT_OUTPUT_VISITOR_INTERNAL_H

#include "qvisit/visitor.h"

/*
 * A QObject output visitor that, at visit_complete(), appends the tree as
 * JSON to @out (see qobject_to_json_pretty()) instead of handing it over.
 */
Visitor *qobject_output_visitor__new_json(GString *out, bool pretty);

#endif
