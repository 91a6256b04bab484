/*
 * The JSON input visitor: parses the text once with qobject_from_json_full()
 * (exact numbers, depth limit) and then reads it as a QObject input visitor.
 */
#include "qvisit/visitor.h"

Visitor *json_input_visitor_new(const char *json, gssize len, GError **errp)
{
    g_autoptr(QObject) root = NULL;

    g_return_val_if_fail(json != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    root = qobject_from_json_full(json, len, NULL, errp);
    if (!root) {
        return NULL;
    }
    return qobject_input_visitor_new(root);
}
