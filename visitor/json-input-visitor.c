/*
 * The JSON input visitor: parses the text once with qobject_from_json_full()
 * (exact numbers, limits) and then reads it as a QObject input visitor.
 */
#include "qvisit/visitor.h"

Visitor *json_input_visitor_new_full(const char *json, gssize len,
                                     const QVisitLimits *limits,
                                     GError **errp)
{
    g_autoptr(QObject) root = NULL;
    Visitor *v;

    g_return_val_if_fail(json != NULL || len == 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    root = qobject_from_json_full(json, len, limits, errp);
    if (!root) {
        return NULL;
    }
    v = qobject_input_visitor_new(root);
    if (limits) {
        visit_set_limits(v, limits);
    }
    return v;
}

Visitor *json_input_visitor_new(const char *json, gssize len, GError **errp)
{
    return json_input_visitor_new_full(json, len, NULL, errp);
}
