/*
 * QObject to JSON text.
 *
 * Output goes into one GString with no allocation per value, and
 * containers are walked with an explicit stack, so any tree depth is fine.
 *
 * Layout: compact output has no white space at all; pretty output is the
 * layout of Python's json.dumps(obj, indent=4), which QEMU's
 * scripts/analyze-migration.py prints and issue 6 reproduces byte for byte;
 * spaced output is one line with ", " and ": " separators, the layout of
 * the vmdesc QEMU writes into a migration stream (json-writer.h).
 * One difference from Python's default ensure_ascii=True: valid UTF-8 is
 * written as is, not as \uXXXX escapes (this equals Python with
 * ensure_ascii=False). Invalid UTF-8 bytes are written as U+FFFD, one per
 * byte, so the output is always valid UTF-8 and JSON.
 *
 * Numbers: integers exactly; a double with the fewest significant digits
 * (15, 16 or 17) that read back to the same bits (found by
 * qobject/json-double.c), laid out as Python's
 * repr(): positional for decimal exponents -4..15, otherwise "1e+16",
 * "5e-324" style, and ".0" added to an integral positional value. NaN and
 * infinities have no JSON form and are written as null.
 */
#include "qvisit/qobject.h"

#include <math.h>
#include <string.h>

#include "qobject/json-writer.h"
#include "qobject/qobject-internal.h"
#include "util/hex.h"

/*
 * Output is staged in a fixed buffer and flushed to the GString in big
 * chunks: one call per 8 KiB instead of one or two per value.
 */
typedef struct Writer {
    GString *out;
    size_t n;
    char buf[8192];
} Writer;

static void w_flush(Writer *w)
{
    g_string_append_len(w->out, w->buf, w->n);
    w->n = 0;
}

static inline void w_put(Writer *w, const char *s, size_t len)
{
    if (len > sizeof(w->buf) - w->n) {
        w_flush(w);
        if (len > sizeof(w->buf)) {
            g_string_append_len(w->out, s, len);
            return;
        }
    }
    memcpy(w->buf + w->n, s, len);
    w->n += len;
}

static inline void w_putc(Writer *w, char c)
{
    if (w->n == sizeof(w->buf)) {
        w_flush(w);
    }
    w->buf[w->n++] = c;
}

#define W_LIT(w, lit) w_put((w), (lit), sizeof(lit) - 1)

static inline void write_u64(Writer *w, uint64_t v, bool negative)
{
    /* Two digits per division: most values in a dump are small. */
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930"
        "31323334353637383940414243444546474849505152535455565758596061"
        "6263646566676869707172737475767778798081828384858687888990919293"
        "949596979899";
    char buf[24];
    char *p = buf + sizeof(buf);

    while (v >= 100) {
        p -= 2;
        memcpy(p, pairs + (v % 100) * 2, 2);
        v /= 100;
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, pairs + v * 2, 2);
    } else {
        *--p = (char)('0' + v);
    }
    if (negative) {
        *--p = '-';
    }
    w_put(w, p, buf + sizeof(buf) - p);
}

static void write_double(Writer *w, double d)
{
    QjsonDigits dd;
    const char *digits = dd.digits;
    int ndigits, exp10;

    if (!isfinite(d)) {
        W_LIT(w, "null");
        return;
    }
    if (d == 0) {
        /* "-0.0" for negative zero, as Python's repr(). */
        if (signbit(d)) {
            w_putc(w, '-');
        }
        W_LIT(w, "0.0");
        return;
    }
    if (d < 0) {
        w_putc(w, '-');
        d = -d;
    }
    qjson__shortest_digits(d, &dd);
    ndigits = dd.n;
    exp10 = dd.exp10;
    if (exp10 < -4 || exp10 >= 16) {
        w_putc(w, digits[0]);
        if (ndigits > 1) {
            w_putc(w, '.');
            w_put(w, digits + 1, ndigits - 1);
        }
        char e[8];
        int elen = g_snprintf(e, sizeof(e), "e%c%02d", exp10 < 0 ? '-' : '+',
                              exp10 < 0 ? -exp10 : exp10);

        w_put(w, e, elen);
    } else if (exp10 < 0) {
        W_LIT(w, "0.");
        for (int i = -1; i > exp10; i--) {
            w_putc(w, '0');
        }
        w_put(w, digits, ndigits);
    } else if (ndigits > exp10 + 1) {
        w_put(w, digits, exp10 + 1);
        w_putc(w, '.');
        w_put(w, digits + exp10 + 1, ndigits - exp10 - 1);
    } else {
        w_put(w, digits, ndigits);
        for (int i = ndigits; i <= exp10; i++) {
            w_putc(w, '0');
        }
        W_LIT(w, ".0");
    }
}

static void write_string(Writer *w, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    const unsigned char *run = p;

    w_putc(w, '"');
    while (p < end) {
        unsigned char c;
        const char *esc;
        uint64_t word;

        while (end - p >= 8) {
            memcpy(&word, p, 8);
            if (!qjson__word_is_plain(word)) {
                break;
            }
            p += 8;
        }
        if (p == end) {
            break;
        }
        c = *p;
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
        w_put(w, (const char *)run, p - run);
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
            w_put(w, esc, 2);
        } else if (c < 0x20) {
            char u[6] = { '\\', 'u', '0', '0', hex_digit_char(c >> 4),
                          hex_digit_char(c) };

            w_put(w, u, 6);
        } else {
            W_LIT(w, "\xef\xbf\xbd");  /* U+FFFD */
        }
        p++;
        run = p;
    }
    w_put(w, (const char *)run, p - run);
    w_putc(w, '"');
}

static inline void write_scalar(Writer *w, const QObject *obj)
{
    switch (obj->type) {
    case QTYPE_QNULL:
        w_put(w, "null", 4);
        break;
    case QTYPE_QBOOL:
        if (((const QBool *)obj)->value) {
            w_put(w, "true", 4);
        } else {
            w_put(w, "false", 5);
        }
        break;
    case QTYPE_QNUM: {
        const QNum *n = (const QNum *)obj;

        switch (n->kind) {
        case QNUM_I64:
            write_u64(w, n->u.i64 < 0 ? -(uint64_t)n->u.i64
                                        : (uint64_t)n->u.i64,
                      n->u.i64 < 0);
            break;
        case QNUM_U64:
            write_u64(w, n->u.u64, false);
            break;
        case QNUM_DOUBLE:
            write_double(w, n->u.dbl);
            break;
        }
        break;
    }
    case QTYPE_QSTRING: {
        const QString *s = (const QString *)obj;

        write_string(w, s->str, s->len);
        break;
    }
    default:
        g_return_if_reached();
    }
}

static void write_indent(Writer *w, size_t depth)
{
    static const char spaces[] = "                                ";
    size_t n = depth * 4;

    w_putc(w, '\n');
    while (n > 0) {
        size_t chunk = MIN(n, sizeof(spaces) - 1);

        w_put(w, spaces, chunk);
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
    return ((const QList *)obj)->len == 0;
}

typedef enum {
    LAYOUT_COMPACT,
    LAYOUT_PRETTY,
    LAYOUT_SPACED,
} Layout;

static void write_value(Writer *w, const QObject *root, Layout layout)
{
    bool pretty = layout == LAYOUT_PRETTY;
    g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(WriterFrame));
    const QObject *obj = root;

    for (;;) {
        /* Write @obj, opening it if it is a non-empty container. */
        if (obj->type == QTYPE_QDICT || obj->type == QTYPE_QLIST) {
            bool dict = obj->type == QTYPE_QDICT;

            if (container_is_empty(obj)) {
                w_put(w, dict ? "{}" : "[]", 2);
            } else {
                WriterFrame f = { .obj = obj, .index = 0 };

                f.entry = dict ? ((const QDict *)obj)->first : NULL;
                w_putc(w, dict ? '{' : '[');
                g_array_append_val(stack, f);
            }
        } else {
            write_scalar(w, obj);
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
                if (f->index < l->len) {
                    obj = l->elems[f->index];
                    /* Elements are separate allocations, often not in
                     * cache (a register file, a byte array): ask for one
                     * a few steps ahead. */
                    if (f->index + 8 < l->len) {
                        __builtin_prefetch(l->elems[f->index + 8]);
                    }
                }
            }
            if (!obj) {
                if (pretty) {
                    write_indent(w, stack->len - 1);
                }
                w_putc(w,
                                  f->obj->type == QTYPE_QDICT ? '}' : ']');
                g_array_set_size(stack, stack->len - 1);
                continue;
            }
            if (!first) {
                if (layout == LAYOUT_SPACED) {
                    w_put(w, ", ", 2);
                } else {
                    w_putc(w, ',');
                }
            }
            if (pretty) {
                write_indent(w, stack->len);
            }
            if (f->obj->type == QTYPE_QDICT) {
                write_string(w, f->entry->key, strlen(f->entry->key));
                if (layout != LAYOUT_COMPACT) {
                    w_put(w, ": ", 2);
                } else {
                    w_putc(w, ':');
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

static GString *to_json(const QObject *obj, Layout layout)
{
    Writer *w = g_new(Writer, 1);
    GString *out;

    w->out = out = g_string_sized_new(sizeof(w->buf));
    w->n = 0;
    write_value(w, obj, layout);
    w_flush(w);
    g_free(w);
    return out;
}

GString *qobject_to_json_pretty(const QObject *obj, bool pretty)
{
    g_return_val_if_fail(obj != NULL, NULL);
    return to_json(obj, pretty ? LAYOUT_PRETTY : LAYOUT_COMPACT);
}

GString *qobject__to_json_spaced(const QObject *obj)
{
    g_return_val_if_fail(obj != NULL, NULL);
    return to_json(obj, LAYOUT_SPACED);
}

GString *qobject_to_json(const QObject *obj)
{
    return qobject_to_json_pretty(obj, false);
}
