/*
 * QString: a NUL-terminated string that also knows its length, so the JSON
 * writer never calls strlen().
 */
#include "qvisit/qobject.h"

#include <stdint.h>
#include <string.h>

#include "qobject/qobject-internal.h"
#include "util/big-alloc.h"
#include "util/hex.h"

/* The bytes a QString of @len chars takes. */
static size_t qstring_size(size_t len)
{
    return sizeof(QString) + len + 1;
}

/*
 * One allocation instead of two (a vmdesc holds thousands of strings);
 * megabytes (a RAM digest list in hex) in huge pages (util/big-alloc.h).
 */
static QString *qstring_alloc(size_t len)
{
    size_t size = qstring_size(len);
    QString *s = size >= BIG_ALLOC_MIN ? big_alloc(size) : g_malloc(size);

    qobject__init(&s->base, QTYPE_QSTRING);
    s->len = len;
    return s;
}

QString *qstring__new(const char *str, size_t len)
{
    QString *s = qstring_alloc(len);

    memcpy(s->str, str, len);
    s->str[len] = '\0';
    return s;
}

QString *qstring_from_str(const char *str)
{
    g_return_val_if_fail(str != NULL, NULL);
    return qstring__new(str, strlen(str));
}

QString *qstring_from_hex(const void *data, size_t len)
{
    QString *s;

    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(len <= (SIZE_MAX - sizeof(QString) - 1) / 2, NULL);
    s = qstring_alloc(2 * len);
    hex_encode(data, len, s->str);
    return s;
}

const char *qstring_get_str(const QString *qs)
{
    g_return_val_if_fail(qs != NULL, NULL);
    return qs->str;
}

void qstring__destroy(QString *s)
{
    size_t size = qstring_size(s->len);

    if (size >= BIG_ALLOC_MIN) {
        big_free(s, size);
    } else {
        g_free(s);
    }
}
