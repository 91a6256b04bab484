/*
 * QString: a NUL-terminated string that also knows its length, so the JSON
 * writer never calls strlen().
 */
#include "qvisit/qobject.h"

#include <string.h>

#include "qobject/qobject-internal.h"

/* One allocation instead of two: a vmdesc holds thousands of strings. */
QString *qstring__new(const char *str, size_t len)
{
    QString *s = g_malloc(sizeof(QString) + len + 1);

    qobject__init(&s->base, QTYPE_QSTRING);
    s->len = len;
    memcpy(s->str, str, len);
    s->str[len] = '\0';
    return s;
}

QString *qstring_from_str(const char *str)
{
    g_return_val_if_fail(str != NULL, NULL);
    return qstring__new(str, strlen(str));
}

const char *qstring_get_str(const QString *qs)
{
    g_return_val_if_fail(qs != NULL, NULL);
    return qs->str;
}

void qstring__destroy(QString *s)
{
    g_free(s);
}
