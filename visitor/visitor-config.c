/*
 * visit_config_member(): members that exist only under some device
 * configurations. Kept apart from the core's fast paths: it reads and
 * writes nothing, and only the describe visitor listens.
 */
#include "qvisit/visitor.h"

#include "visitor/visitor-impl.h"

bool visit_config_member(Visitor *v, const char *name, bool present)
{
    g_return_val_if_fail(v != NULL && name != NULL, present);

    if (v->config_member && v->top_kind == VISITOR_FRAME_STRUCT) {
        v->config_member(v, name, present);
    }
    return present;
}
