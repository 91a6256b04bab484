/*
 * The JSON output visitor: a QObject output visitor whose completion
 * appends qobject_to_json_pretty() of the tree, so both always agree.
 */
#include "visitor/qobject-output-json.h"

Visitor *json_output_visitor_new(GString *out, bool pretty)
{
    g_return_val_if_fail(out != NULL, NULL);
    return qobject_output_visitor__new_json(out, pretty);
}
