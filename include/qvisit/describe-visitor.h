/*
 * The describe visitor: turns a device's walk into a schema.
 *
 * Walking a device with it records the layout instead of values: member
 * names in visit order, primitive types named as in the visitor API
 * ("u8".."u64", "i8".."i64", "bool", "number", "str", "buffer"), array
 * and buffer lengths, optional members and nesting. The schema is a
 * QObject tree whose JSON form is documented in docs/formats.md, section
 * "Schema description"; compat_schema_sample() and compat_schema_check()
 * read it, and `qvisit schemas` / `qvisit compat-check` use it.
 *
 * The visitor reads and writes no value: walk it over a zeroed state
 * (g_malloc0 of the device's state size), or over one the device's
 * prepare hook configured (migration_device_describe()). visit_optional()
 * sets *present to true so optional members are described;
 * visit_config_member() is recorded as "config" and "config_absent". A
 * walk whose array lengths come from the state itself (a count visited
 * earlier) describes what the state gives: on a zeroed state such an
 * array has length 0 and no "element" entry, unless a prepare hook sets
 * the count or the walk, seeing visit_get_type() == VISITOR_DESCRIBE,
 * visits a scratch element to show the layout (the example
 * virtio-net-queues does; see docs/formats.md, "What a describe walk
 * sees").
 *
 * Life cycle as for every visitor: new, one walk, visit_complete(),
 * visit_free().
 */
#ifndef QVISIT_DESCRIBE_VISITOR_H
#define QVISIT_DESCRIBE_VISITOR_H

#include "qvisit/common.h"
#include "qvisit/visitor.h"

/**
 * describe_visitor_new:
 * @schema: (out): receives the schema, (transfer full), at
 *   visit_complete(); untouched before and after a failed walk
 *
 * Creates a describe visitor (visit_get_type() is %VISITOR_DESCRIBE).
 *
 * Errors during the walk: %QVISIT_ERROR_INVALID for a member name visited
 * twice in one struct (`serial.regs: member described twice`) or an array
 * whose elements do not all have the same layout (`virtio.queues[1]:
 * element layout differs from element 0`).
 *
 * Returns: (transfer full): the visitor; free it with visit_free().
 * Since: 0.1
 */
QVISIT_API Visitor *describe_visitor_new(QObject **schema);

/**
 * describe_visitor_start_sample_array:
 * @v: a visitor made by describe_visitor_new()
 * @name: (nullable) (transfer none): as for visit_start_array()
 * @errp: return location for an error
 *
 * Opens an array whose length the state gives (a count visited before),
 * for a walk that wants its schema exact: the array is described with
 * "length": 0, what a zeroed state has, and with the "element" layout of
 * the one element the walk visits next, a scratch one, before
 * visit_end_array(). vmstate_visit() does this for every counted array;
 * a hand-written walk may too, instead of the "length": 1 a scratch
 * element in visit_start_array() gives.
 *
 * Errors: those of visit_start_array().
 *
 * Returns: true on success.
 * Since: 0.2
 */
QVISIT_API bool describe_visitor_start_sample_array(Visitor *v,
                                                    const char *name,
                                                    GError **errp);

#endif /* QVISIT_DESCRIBE_VISITOR_H */
