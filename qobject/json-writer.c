/*
 * QObject to JSON text.
 *
 * Output goes straight into one GString with no allocation per value, and
 * containers are walked with an explicit stack, so any tree depth is fine.
 *
 * Layout: compact output has no white space at all; pretty output is the
 * layout of Python's json.dumps(obj, indent=4), which QEMU's
 * scripts/analyze-migration.py prints and issue 6 reproduces byte for byte.
 * One difference from Python's default ensure_ascii=True: valid UTF-8 is
 * written as is, not as \uXXXX escapes (this equals Python with
 * ensure_ascii=False). Invalid UTF-8 bytes are written as U+FFFD, one per
 * byte, so the output is always valid UTF-8 and JSON.
 *
 * Numbers: integers exactly; a double with the fewest significant digits
 * (15, 16 or 17) that read back to the same bits, laid out as Python's
 * repr(): positional for decimal exponents -4..15, otherwise "1e+16",
 * "5e-324" style, and ".0" added to an integral positional value. NaN and
 * infinities have no JSON form and are written as null.
 */
#include "qvisit/qobject.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qobject/qobject-internal.h"

static void write_u64(GString *out, uint64_t v, bool negative)
{
    char buf[24];
    char *p = buf + sizeof(buf);

    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (negative) {
        *--p = '-';
    }
    g_string_append_len(out, p, buf + sizeof(buf) - p);
}

static void write_double(GString *out, double d)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    char digits[24];
    int ndigits = 0, exp10, prec;
    const char *p;
    bool negative;

    if (!isfinite(d)) {
        g_string_append(out, "null");
        return;
    }
    for (prec = 15; prec < 17; prec++) {
        g_ascii_formatd(buf, sizeof(buf), prec == 15 ? "%.14e" : "%.15e", d);
        if (g_ascii_strtod(buf, NULL) == d) {
            break;
        }
    }
    if (prec == 17) {
        g_ascii_formatd(buf, sizeof(buf), "%.16e", d);
    }
    /* buf is [-]D.DDDDe[+-]XX; split it into digits and exponent. */
    p = buf;
    negative = *p == '-';
    if (negative) {
        p++;
    }
    for (; *p != 'e'; p++) {
        if (*p != '.') {
            digits[ndigits++] = *p;
        }
    }
    exp10 = atoi(p + 1);
    while (ndigits > 1 && digits[ndigits - 1] == '0') {
        ndigits--;
    }
    if (negative) {
        g_string_append_c(out, '-');
    }
    if (exp10 < -4 || exp10 >= 16) {
        g_string_append_c(out, digits[0]);
        if (ndigits > 1) {
            g_string_append_c(out, '.');
            g_string_append_len(out, digits + 1, ndigits - 1);
        }
        g_string_append_printf(out, "e%c%02d", exp10 < 0 ? '-' : '+',
                               exp10 < 0 ? -exp10 : exp10);
    } else if (exp10 < 0) {
        g_string_append(out, "0.");
        for (int i = -1; i > exp10; i--) {
            g_string_append_c(out, '0');
        }
        g_string_append_len(out, digits, ndigits);
    } else if (ndigits > exp10 + 1) {
        g_string_append_len(out, digits, exp10 + 1);
        g_string_append_c(out, '.');
        g_string_append_len(out, digits + exp10 + 1, ndigits - exp10 - 1);
    } else {
        g_string_append_len(out, digits, ndigits);
        for (int i = ndigits; i <= exp10; i++) {
            g_string_append_c(out, '0');
        }
        g_string_append(out, ".0");
    }
}

static void write_string(GString *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    const unsigned char *run = p;

    g_string_append_c(out, '"');
    while (p < end) {
        unsigned char c = *p;
        const char *esc;

        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            p++;
            continue;
        }
        if (c >= 0x80) {
            gunichar u = g_utf8_get_char_validated((const char *)p, end - p);

            if (u < 0x110000) {
                p += g_utf8_skip[c];
                continue;
            }
        }
        g_string_append_len(out, (const char *)run, p - run);
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            esc = NULL;
            break;
        }
        if (esc) {
            g_string_append_len(out, esc, 2);
        } else if (c < 0x20) {
            char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

            g_string_append_len(out, u, 6);
        } else {
            g_string_append(out, "\xef\xbf\xbd");  /* U+FFFD */
        }
        p++;
        run = p;
    }
    g_string_append_len(out, (const char *)run, p - run);
    g_string_append_c(out, '"');
}

static void write_scalar(GString *out, const QObject *obj)
{
    switch (obj->type) {
    case QTYPE_QNULL:
        g_string_append_len(out, "null", 4);
        break;
    case QTYPE_QBOOL:
        if (((const QBool *)obj)->value) {
            g_string_append_len(out, "true", 4);
        } else {
            g_string_append_len(out, "false", 5);
        }
        break;
    case QTYPE_QNUM: {
        const QNum *n = (const QNum *)obj;

        switch (n->kind) {
        case QNUM_I64:
            write_u64(out, n->u.i64 < 0 ? -(uint64_t)n->u.i64
                                        : (uint64_t)n->u.i64,
                      n->u.i64 < 0);
            break;
        case QNUM_U64:
            write_u64(out, n->u.u64, false);
            break;
        case QNUM_DOUBLE:
            write_double(out, n->u.dbl);
            break;
        }
        break;
    }
    case QTYPE_QSTRING: {
        const QString *s = (const QString *)obj;

        write_string(out, s->str, s->len);
        break;
    }
    default:
        g_return_if_reached();
    }
}

static void write_indent(GString *out, size_t depth)
{
    static const char spaces[] = "                                ";
    size_t n = depth * 4;

    g_string_append_c(out, '\n');
    while (n > 0) {
        size_t chunk = MIN(n, sizeof(spaces) - 1);

        g_string_append_len(out, spaces, chunk);
        n -= chunk;
    }
}

/* One open container: the next member to write. */
typedef struct WriterFrame {
    const QObject *obj;
    const QDictEntry *entry;    /* dict: next member */
    guint index;                /* list: next element */
} WriterFrame;

static bool container_is_empty(const QObject *obj)
{
    if (obj->type == QTYPE_QDICT) {
        return ((const QDict *)obj)->size == 0;
    }
    return ((const QList *)obj)->elems->len == 0;
}

static void write_value(GString *out, const QObject *root, bool pretty)
{
    g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(WriterFrame));
    const QObject *obj = root;

    for (;;) {
        /* Write @obj, opening it if it is a non-empty container. */
        if (obj->type == QTYPE_QDICT || obj->type == QTYPE_QLIST) {
            bool dict = obj->type == QTYPE_QDICT;

            if (container_is_empty(obj)) {
                g_string_append_len(out, dict ? "{}" : "[]", 2);
            } else {
                WriterFrame f = { .obj = obj, .index = 0 };

                f.entry = dict ? ((const QDict *)obj)->first : NULL;
                g_string_append_c(out, dict ? '{' : '[');
                g_array_append_val(stack, f);
            }
        } else {
            write_scalar(out, obj);
        }

        /* Find the next value to write, closing finished containers. */
        obj = NULL;
        while (stack->len > 0 && !obj) {
            WriterFrame *f = &g_array_index(stack, WriterFrame,
                                            stack->len - 1);
            bool first;

            if (f->obj->type == QTYPE_QDICT) {
                first = f->entry == ((const QDict *)f->obj)->first;
                if (f->entry) {
                    obj = f->entry->value;
                }
            } else {
                const QList *l = (const QList *)f->obj;

                first = f->index == 0;
                if (f->index < l->elems->len) {
                    obj = g_ptr_array_index(l->elems, f->index);
                }
            }
            if (!obj) {
                if (pretty) {
                    write_indent(out, stack->len - 1);
                }
                g_string_append_c(out,
                                  f->obj->type == QTYPE_QDICT ? '}' : ']');
                g_array_set_size(stack, stack->len - 1);
                continue;
            }
            if (!first) {
                g_string_append_c(out, ',');
            }
            if (pretty) {
                write_indent(out, stack->len);
            }
            if (f->obj->type == QTYPE_QDICT) {
                write_string(out, f->entry->key, strlen(f->entry->key));
                if (pretty) {
                    g_string_append_len(out, ": ", 2);
                } else {
                    g_string_append_c(out, ':');
                }
                f->entry = f->entry->next;
            } else {
                f->index++;
            }
        }
        if (!obj) {
            return;
        }
    }
}

GString *qobject_to_json_pretty(const QObject *obj, bool pretty)
{
    GString *out;

    g_return_val_if_fail(obj != NULL, NULL);
    out = g_string_sized_new(64);
    write_value(out, obj, pretty);
    return out;
}

GString *qobject_to_json(const QObject *obj)
{
    return qobject_to_json_pretty(obj, false);
}
