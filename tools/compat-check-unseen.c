/*
 * compat-check's warnings: the parts of a schema it cannot check
 * (docs/compat-authors.md, "What compat-check sees"). The schema came
 * from a file that compat-check already validated as a schema, but the
 * walk still reads every key defensively.
 */
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static const char *node_str(const QDict *node, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(node, key));

    return s ? qstring_get_str(s) : NULL;
}

static char *join(const char *path, const char *name)
{
    return *path ? g_strdup_printf("%s.%s", path, name) : g_strdup(name);
}

static void add_line(GPtrArray *out, char *line)
{
    for (guint i = 0; i < out->len; i++) {
        if (!strcmp(out->pdata[i], line)) {
            g_free(line);
            return;
        }
    }
    g_ptr_array_add(out, line);
}

/* @path: the node's path, "" at the root; its "[]" stand for elements. */
static void unseen(const QObject *obj, const char *path, GPtrArray *out)
{
    const QDict *node = qobject_to(QDict, obj);
    const char *type = node ? node_str(node, "type") : NULL;

    if (!type) {
        return;
    }
    if (!strcmp(type, "array")) {
        QObject *element = qdict_get(node, "element");
        g_autofree char *p = g_strdup_printf("%s[]", path);

        if (!element) {
            add_line(out, g_strdup_printf(
                "%s: array described with length 0 and no element "
                "layout, so its elements are not checked", path));
            return;
        }
        unseen(element, p, out);
    } else if (!strcmp(type, "struct")) {
        QList *members = qobject_to(QList, qdict_get(node, "members"));
        QList *absent = qobject_to(QList, qdict_get(node, "config_absent"));

        for (size_t i = 0; absent && i < qlist_size(absent); i++) {
            QString *name = qobject_to(QString, qlist_get(absent, i));
            g_autofree char *p = name ? join(path, qstring_get_str(name))
                                      : NULL;

            if (p) {
                add_line(out, g_strdup_printf(
                    "%s: absent from the described configuration, so not "
                    "checked", p));
            }
        }
        for (size_t i = 0; members && i < qlist_size(members); i++) {
            QDict *m = qobject_to(QDict, qlist_get(members, i));
            const char *name = m ? node_str(m, "name") : NULL;
            QBool *config = m ? qobject_to(QBool, qdict_get(m, "config"))
                              : NULL;
            g_autofree char *p = NULL;

            if (!name) {
                continue;
            }
            p = join(path, name);
            if (config && qbool_get_bool(config)) {
                add_line(out, g_strdup_printf(
                    "%s: present only under some configurations, checked "
                    "as present", p));
            }
            unseen(QOBJECT(m), p, out);
        }
    }
}

void cli_schema_unseen(const QObject *schema, GPtrArray *out)
{
    unseen(schema, "", out);
}
