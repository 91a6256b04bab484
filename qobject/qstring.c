/*
 * QString: a NUL-terminated string that also knows its length, so the JSON
 * writer never calls strlen().
 */
#include "qvisit/qobject.h"

#include <string.h>

#include "qobject/qobject-internal.h"

QString *qstring__from_owned(char *str, size_t len)
{
    QString *s = g_new(QString, 1);

    qobject__init(&s->base, QTYPE_QSTRING);
    s->str = str;
    s->len = len;
    return s;
}

QString *qstring_from_str(const char *str)
{
    size_t len;

    g_return_val_if_fail(str != NULL, NULL);
    len = strlen(str);
    return qstring__from_owned(g_memdup2(str, len + 1), len);
}

const char *qstring_get_str(const QString *qs)
{
    g_return_val_if_fail(qs != NULL, NULL);
    return qs->str;
}

size_t qstring__len(const QString *qs)
{
    return qs->len;
}

void qstring__destroy(QString *s)
{
    g_free(s->str);
    g_free(s);
}
