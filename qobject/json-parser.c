/*
 * JSON text to QObject: a strict RFC 8259 parser.
 *
 * This parser does not use json-glib. json-glib 1.6.6 silently wraps
 * integers outside int64, turns 1e400 into infinity, keeps the last of
 * duplicate keys, accepts empty input and non-standard syntax, and recurses
 * once per nesting level. Guarding it needs a full strict tokenizer in front
 * of it anyway, and that tokenizer can build the QObjects itself for less
 * than json-glib costs alone; docs/architecture.md ("JSON exactness") has
 * the measurements.
 *
 * The parser is iterative: open containers live on an explicit stack whose
 * size is bounded by the depth limit, so no input can exhaust the C stack.
 * Each container is attached to its parent when it opens, so on error only
 * the root needs to be released.
 *
 * The tree is charged against max_alloc as it grows (what each object and
 * member costs on the heap, a shared scalar only its reference), so a
 * document of many small values cannot make a tree many times its size
 * past the limit.
 *
 * Every error message has the form "json: <what> at byte <offset>", where
 * the offset counts bytes from the start of the text (0-based) and points
 * at the start of the offending token, or at the offending byte inside a
 * string or number.
 */
#include "qvisit/qobject.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "qvisit/error.h"
#include "qobject/qobject-internal.h"
#include "util/error-at.h"
#include "util/hex.h"

typedef struct ParserFrame {
    QObject *container;     /* NULL when only validating */
    size_t count;           /* members or elements so far */
    bool is_dict;
} ParserFrame;

/*
 * Scalars repeat in real documents (a vmdesc of 98 KB has 2864 strings,
 * 395 distinct, and 1910 numbers, 263 distinct), so equal short strings
 * and equal integers met close together share one immutable QObject: a
 * direct-mapped cache, each slot holding one reference. This saves a
 * third of the allocations of such a parse and of freeing its tree.
 */
#define INTERN_SLOTS 256
#define INTERN_MAX_LEN 32

typedef struct Parser {
    const char *start;
    const char *p;
    const char *end;
    unsigned max_depth;
    size_t max_string_len;
    size_t max_array_len;
    size_t max_alloc;
    size_t alloc;           /* bytes charged for the tree so far */
    size_t cost;            /* heap bytes of the value just made */
    bool build;
    GString *str;           /* decoded string with escapes */
    GString *key;           /* a copy of the pending member name, when
                               it cannot point into the input */
    const char *key_ptr;    /* the pending member name... */
    size_t key_len;         /* ...and its length */
    ParserFrame *stack;     /* open containers, outermost first */
    size_t depth;           /* entries of stack in use */
    size_t stack_cap;
    GError **errp;
    QString *strings[INTERN_SLOTS];
    QNum *ints[INTERN_SLOTS];
} Parser;

/*
 * What an allocation of @n bytes takes from the heap: glibc's chunk header
 * and 16-byte rounding.
 */
#define HEAP_COST(n) ((((size_t)(n)) + 8 + 15) & ~(size_t)15)
/* A dict member (the first few fit in the dict: charged all the same). */
#define MEMBER_COST(klen) HEAP_COST(offsetof(QDictEntry, key) + (klen) + 1)
/* A member's share of a big dict's hash index: a key, a value and a hash
 * per bucket, up to 8/3 buckets per member, twice while it is resized. */
#define INDEX_COST (10 * sizeof(void *))

/* Returns a new reference to a QString of @s, shared when it is short. */
static QObject *intern_string(Parser *ps, const char *s, size_t len)
{
    QString **slot;
    uint32_t h = 2166136261u;

    ps->cost = HEAP_COST(sizeof(QString) + len + 1);
    if (len > INTERN_MAX_LEN) {
        return QOBJECT(qstring__new(s, len));
    }
    for (size_t i = 0; i < len; i++) {
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    }
    slot = &ps->strings[(h ^ (h >> 16)) % INTERN_SLOTS];
    if (!*slot || (*slot)->len != len || memcmp((*slot)->str, s, len)) {
        qobject_unref(*slot);
        *slot = qstring__new(s, len);
    } else {
        ps->cost = 0;
    }
    return qobject_ref(QOBJECT(*slot));
}

/* Returns a new reference to a QNum of @v, shared with equal ones. */
static QObject *intern_int(Parser *ps, int64_t v)
{
    uint64_t h = (uint64_t)v * 0x9e3779b97f4a7c15u;
    QNum **slot = &ps->ints[h >> 56];

    ps->cost = 0;
    if (!*slot || (*slot)->u.i64 != v) {
        qobject_unref(*slot);
        *slot = qnum_from_int(v);
        ps->cost = HEAP_COST(sizeof(QNum));
    }
    return qobject_ref(QOBJECT(*slot));
}

static void intern_clear(Parser *ps)
{
    for (size_t i = 0; i < INTERN_SLOTS; i++) {
        qobject_unref(ps->strings[i]);
        qobject_unref(ps->ints[i]);
    }
}

G_GNUC_PRINTF(4, 5)
static bool parse_error(Parser *ps, int code, const char *at,
                        const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qvisit__error_at_va(ps->errp, code, "json", (uint64_t)(at - ps->start),
                        fmt, ap);
    va_end(ap);
    return false;
}

/* Charges @bytes of tree for the value at @at against max_alloc. */
static bool charge(Parser *ps, size_t bytes, const char *at)
{
    if (bytes > ps->max_alloc - MIN(ps->alloc, ps->max_alloc)) {
        return parse_error(ps, QVISIT_ERROR_LIMIT, at,
                           "document needs more than %zu bytes (max_alloc)",
                           ps->max_alloc);
    }
    ps->alloc += bytes;
    return true;
}

static bool unexpected(Parser *ps)
{
    unsigned char c;

    if (ps->p >= ps->end) {
        return parse_error(ps, QVISIT_ERROR_PARSE, ps->p,
                           "unexpected end of input");
    }
    c = *ps->p;
    if (c > 0x20 && c < 0x7f) {
        return parse_error(ps, QVISIT_ERROR_PARSE, ps->p,
                           "unexpected character '%c'", c);
    }
    return parse_error(ps, QVISIT_ERROR_PARSE, ps->p,
                       "unexpected byte 0x%02x", c);
}

/* @s, at most @max bytes of it, for a message; never cuts a UTF-8 char. */
static char *excerpt(const char *s, size_t len, size_t max)
{
    size_t n = len;

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
            n--;
        }
    }
    g_autofree char *esc = qvisit_error_escape(s, n);
    return g_strconcat(esc, n < len ? "..." : "", NULL);
}

static inline void skip_ws(Parser *ps)
{
    const char *p = ps->p;

    /* Most tokens follow no whitespace or one space: one compare each. */
    while (p < ps->end && (unsigned char)*p <= ' ' &&
           (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
        p++;
    }
    ps->p = p;
}

/* Reads the 4 hex digits after "\u" at @at; -1 when malformed. */
static int read_u4(Parser *ps, const char *at)
{
    int v = 0;

    if (ps->end - at < 6) {
        return -1;
    }
    for (int i = 2; i < 6; i++) {
        int h = hex_digit_value(at[i]);

        if (h < 0) {
            return -1;
        }
        v = v * 16 + h;
    }
    return v;
}

/*
 * Parses the string starting at the quote under ps->p. On success *@out
 * and *@out_len give the decoded text: a pointer into the input when it
 * had no escapes, else into ps->str (valid until the next string).
 */
static bool parse_string(Parser *ps, const char **out, size_t *out_len)
{
    const char *open = ps->p;
    const char *q = open + 1;
    const char *run = q;
    bool escaped = false;

    for (;;) {
        unsigned char c;
        uint64_t word;

        while (ps->end - q >= 8) {
            uint64_t special;

            memcpy(&word, q, 8);
            special = qjson__word_special(word);
            if (special) {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
                /* Straight to the first special byte. */
                q += __builtin_ctzll(special) / 8;
#endif
                break;
            }
            q += 8;
        }
        while (q < ps->end && (unsigned char)*q >= 0x20 &&
               (unsigned char)*q < 0x80 && *q != '"' && *q != '\\') {
            q++;
        }
        if (q >= ps->end) {
            return parse_error(ps, QVISIT_ERROR_PARSE, open,
                               "unterminated string");
        }
        c = *q;
        if (c == '"') {
            break;
        }
        if (c >= 0x80) {
            gunichar u = g_utf8_get_char_validated(q, ps->end - q);

            if (u >= 0x110000) {
                return parse_error(ps, QVISIT_ERROR_PARSE, q,
                                   "invalid UTF-8");
            }
            q += g_utf8_skip[c];
            continue;
        }
        if (c < 0x20) {
            return parse_error(ps, QVISIT_ERROR_PARSE, q,
                               "control character 0x%02x in string", c);
        }
        /* A backslash: switch to the decoded copy. */
        if (!escaped) {
            g_string_truncate(ps->str, 0);
            escaped = true;
        }
        g_string_append_len(ps->str, run, q - run);
        if (q + 1 >= ps->end) {
            return parse_error(ps, QVISIT_ERROR_PARSE, open,
                               "unterminated string");
        }
        switch (q[1]) {
        case '"':
        case '\\':
        case '/':
            g_string_append_c(ps->str, q[1]);
            break;
        case 'b':
            g_string_append_c(ps->str, '\b');
            break;
        case 'f':
            g_string_append_c(ps->str, '\f');
            break;
        case 'n':
            g_string_append_c(ps->str, '\n');
            break;
        case 'r':
            g_string_append_c(ps->str, '\r');
            break;
        case 't':
            g_string_append_c(ps->str, '\t');
            break;
        case 'u': {
            int u = read_u4(ps, q);

            if (u < 0) {
                return parse_error(ps, QVISIT_ERROR_PARSE, q,
                                   "invalid \\u escape");
            }
            if (u == 0) {
                /* QStrings are NUL-terminated, as in QEMU. */
                return parse_error(ps, QVISIT_ERROR_PARSE, q,
                                   "\\u0000 is not supported");
            }
            if (u >= 0xdc00 && u <= 0xdfff) {
                return parse_error(ps, QVISIT_ERROR_PARSE, q,
                                   "invalid surrogate pair");
            }
            if (u >= 0xd800 && u <= 0xdbff) {
                int lo = -1;

                if (ps->end - q >= 12 && q[6] == '\\' && q[7] == 'u') {
                    lo = read_u4(ps, q + 6);
                }
                if (lo < 0xdc00 || lo > 0xdfff) {
                    return parse_error(ps, QVISIT_ERROR_PARSE, q,
                                       "invalid surrogate pair");
                }
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                q += 6;
            }
            g_string_append_unichar(ps->str, u);
            q += 4;
            break;
        }
        default:
            return parse_error(ps, QVISIT_ERROR_PARSE, q, "invalid escape");
        }
        q += 2;
        run = q;
    }
    if (escaped) {
        g_string_append_len(ps->str, run, q - run);
        *out = ps->str->str;
        *out_len = ps->str->len;
    } else {
        *out = open + 1;
        *out_len = q - (open + 1);
    }
    if (*out_len > ps->max_string_len) {
        return parse_error(ps, QVISIT_ERROR_LIMIT, open,
                           "string longer than %zu bytes",
                           ps->max_string_len);
    }
    ps->p = q + 1;
    return true;
}

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exact conversion of a fraction/exponent number; RANGE on overflow. */
static bool number_to_double(Parser *ps, const char *tok, size_t len,
                             double *out)
{
    char buf[64];
    g_autofree char *big = NULL;
    char *text = buf;

    if (len < sizeof(buf)) {
        memcpy(buf, tok, len);
        buf[len] = '\0';
    } else {
        text = big = g_strndup(tok, len);
    }
    errno = 0;
    *out = g_ascii_strtod(text, NULL);
    /* Underflow also sets ERANGE but gives the correctly rounded value. */
    if (errno == ERANGE && isinf(*out)) {
        g_autofree char *shown = excerpt(tok, len, 40);

        return parse_error(ps, QVISIT_ERROR_RANGE, tok,
                           "number %s out of range", shown);
    }
    return true;
}

/* Parses the number under ps->p; *@out is NULL when only validating. */
static bool parse_number(Parser *ps, QObject **out)
{
    const char *tok = ps->p;
    const char *q = tok;
    bool negative = false, overflow = false, is_int = true;
    uint64_t mag = 0;

    if (*q == '-') {
        negative = true;
        q++;
    }
    if (q >= ps->end || !is_digit(*q)) {
        return parse_error(ps, QVISIT_ERROR_PARSE, tok, "invalid number");
    }
    if (*q == '0') {
        q++;
    } else {
        while (q < ps->end && is_digit(*q)) {
            unsigned d = *q - '0';

            if (mag > (UINT64_MAX - d) / 10) {
                overflow = true;
            }
            mag = mag * 10 + d;
            q++;
        }
    }
    if (q < ps->end && *q == '.') {
        is_int = false;
        q++;
        if (q >= ps->end || !is_digit(*q)) {
            return parse_error(ps, QVISIT_ERROR_PARSE, tok, "invalid number");
        }
        while (q < ps->end && is_digit(*q)) {
            q++;
        }
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        is_int = false;
        q++;
        if (q < ps->end && (*q == '+' || *q == '-')) {
            q++;
        }
        if (q >= ps->end || !is_digit(*q)) {
            return parse_error(ps, QVISIT_ERROR_PARSE, tok, "invalid number");
        }
        while (q < ps->end && is_digit(*q)) {
            q++;
        }
    }
    /* Leading zeros, hex, "1.2.3": a number glued to more number-ish
     * characters is one malformed token, not a number and garbage. */
    if (q < ps->end && (g_ascii_isalnum(*q) || *q == '.' || *q == '+' ||
                        *q == '-')) {
        return parse_error(ps, QVISIT_ERROR_PARSE, tok, "invalid number");
    }
    ps->p = q;
    if (is_int) {
        if (overflow || (negative && mag > (uint64_t)INT64_MAX + 1)) {
            g_autofree char *shown = excerpt(tok, q - tok, 40);

            return parse_error(ps, QVISIT_ERROR_RANGE, tok,
                               "integer %s out of range", shown);
        }
        if (!ps->build) {
            return true;
        }
        if (negative) {
            *out = intern_int(ps, (int64_t)(0 - mag));
        } else if (mag <= INT64_MAX) {
            *out = intern_int(ps, (int64_t)mag);
        } else {
            *out = QOBJECT(qnum_from_uint(mag));
            ps->cost = HEAP_COST(sizeof(QNum));
        }
        return true;
    } else {
        double d;

        if (!number_to_double(ps, tok, q - tok, &d)) {
            return false;
        }
        if (ps->build) {
            *out = QOBJECT(qnum_from_double(d));
            ps->cost = HEAP_COST(sizeof(QNum));
        }
        return true;
    }
}

/* true, false, null; any other word (NaN, Infinity, True) is an error. */
static bool parse_literal(Parser *ps, QObject **out)
{
    const char *tok = ps->p;
    const char *q = tok;
    size_t len;

    while (q < ps->end && (g_ascii_isalnum(*q) || *q == '_')) {
        q++;
    }
    len = q - tok;
    ps->p = q;
    ps->cost = HEAP_COST(sizeof(QNum));     /* a QBool is smaller */
    if (len == 4 && memcmp(tok, "true", 4) == 0) {
        *out = ps->build ? QOBJECT(qbool_from_bool(true)) : NULL;
    } else if (len == 5 && memcmp(tok, "false", 5) == 0) {
        *out = ps->build ? QOBJECT(qbool_from_bool(false)) : NULL;
    } else if (len == 4 && memcmp(tok, "null", 4) == 0) {
        *out = ps->build ? QOBJECT(qnull()) : NULL;
    } else {
        g_autofree char *shown = excerpt(tok, len, 40);

        return parse_error(ps, QVISIT_ERROR_PARSE, tok,
                           "invalid literal '%s'", shown);
    }
    return true;
}

/*
 * Adds @value (owned; NULL when validating) to the innermost open
 * container, under ps->key for a dict. @at is where the value starts.
 */
static bool attach(Parser *ps, QObject *value, const char *at)
{
    ParserFrame *f = &ps->stack[ps->depth - 1];
    size_t cost;

    if (!f->is_dict && f->count >= ps->max_array_len) {
        qobject_unref(value);
        return parse_error(ps, QVISIT_ERROR_LIMIT, at,
                           "array longer than %zu elements",
                           ps->max_array_len);
    }
    f->count++;
    if (!value) {
        return true;
    }
    /* The value, then its place: a list slot (doubling, so up to two),
     * or a dict member, and its index slots once the dict has one. */
    cost = ps->cost + (f->is_dict ? MEMBER_COST(ps->key_len)
                                  : 2 * sizeof(QObject *));
    if (f->is_dict && f->count >= QDICT_INDEX_MIN) {
        cost += INDEX_COST * (f->count == QDICT_INDEX_MIN ? f->count : 1);
    }
    if (!charge(ps, cost, at)) {
        qobject_unref(value);
        return false;
    }
    if (f->is_dict) {
        /* parse_key() has rejected a duplicate. */
        qdict__append((QDict *)f->container, ps->key_ptr, ps->key_len,
                      value);
    } else {
        qlist_append_obj((QList *)f->container, value);
    }
    return true;
}

/* Parses a member name and its colon, leaving ps->p at the value. */
static bool parse_key(Parser *ps)
{
    ParserFrame *f = &ps->stack[ps->depth - 1];
    const char *open, *s;
    size_t len;

    skip_ws(ps);
    open = ps->p;
    if (ps->p >= ps->end) {
        return unexpected(ps);
    }
    if (*ps->p != '"') {
        return parse_error(ps, QVISIT_ERROR_PARSE, ps->p,
                           "expected string key");
    }
    if (!parse_string(ps, &s, &len)) {
        return false;
    }
    /*
     * A name without escapes stays a pointer into the input; a decoded
     * one is copied, as the value's string may reuse ps->str.
     */
    if (s == ps->str->str) {
        g_string_truncate(ps->key, 0);
        g_string_append_len(ps->key, s, len);
        s = ps->key->str;
    }
    ps->key_ptr = s;
    ps->key_len = len;
    if (ps->build &&
        qdict__lookup_len((QDict *)f->container, ps->key_ptr, len)) {
        g_autofree char *shown = excerpt(s, len, 64);

        return parse_error(ps, QVISIT_ERROR_PARSE, open,
                           "duplicate key \"%s\"", shown);
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        return unexpected(ps);
    }
    if (*ps->p != ':') {
        return parse_error(ps, QVISIT_ERROR_PARSE, ps->p, "expected ':'");
    }
    ps->p++;
    return true;
}

static bool parse_document(Parser *ps, QObject **root)
{
    skip_ws(ps);
    if (ps->p >= ps->end) {
        return parse_error(ps, QVISIT_ERROR_PARSE, ps->p, "empty input");
    }
    for (;;) {
        QObject *value = NULL;
        const char *at;
        char c;

        /* A value is expected at ps->p. */
        skip_ws(ps);
        at = ps->p;
        if (ps->p >= ps->end) {
            return unexpected(ps);
        }
        c = *ps->p;
        if (c == '{' || c == '[') {
            ParserFrame f = { .is_dict = c == '{' };

            if (ps->depth >= ps->max_depth) {
                return parse_error(ps, QVISIT_ERROR_LIMIT, at,
                                   "nesting deeper than %u", ps->max_depth);
            }
            if (ps->build) {
                f.container = f.is_dict ? QOBJECT(qdict_new())
                                        : QOBJECT(qlist_new());
                ps->cost = HEAP_COST(f.is_dict ? sizeof(QDict)
                                               : sizeof(QList));
            }
            if (ps->depth == 0) {
                *root = f.container;
                if (ps->build && !charge(ps, ps->cost, at)) {
                    return false;
                }
            } else if (!attach(ps, f.container, at)) {
                return false;
            }
            if (ps->depth == ps->stack_cap) {
                ps->stack_cap = ps->stack_cap ? ps->stack_cap * 2 : 32;
                ps->stack = g_renew(ParserFrame, ps->stack, ps->stack_cap);
            }
            ps->stack[ps->depth++] = f;
            ps->p++;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == (f.is_dict ? '}' : ']')) {
                ps->p++;
                ps->depth--;
            } else if (f.is_dict) {
                if (!parse_key(ps)) {
                    return false;
                }
                continue;
            } else {
                continue;
            }
        } else {
            bool ok;

            if (c == '"') {
                const char *s;
                size_t len;

                ok = parse_string(ps, &s, &len);
                if (ok && ps->build) {
                    value = intern_string(ps, s, len);
                }
            } else if (c == '-' || is_digit(c)) {
                ok = parse_number(ps, &value);
            } else if (g_ascii_isalpha(c)) {
                ok = parse_literal(ps, &value);
            } else {
                return unexpected(ps);
            }
            if (!ok) {
                return false;
            }
            if (ps->depth == 0) {
                *root = value;
                if (ps->build && !charge(ps, ps->cost, at)) {
                    return false;
                }
            } else if (!attach(ps, value, at)) {
                return false;
            }
        }

        /* A value is complete: continue or close the open containers. */
        for (;;) {
            ParserFrame *f;

            if (ps->depth == 0) {
                skip_ws(ps);
                if (ps->p < ps->end) {
                    return parse_error(ps, QVISIT_ERROR_PARSE, ps->p,
                                       "trailing characters");
                }
                return true;
            }
            f = &ps->stack[ps->depth - 1];
            skip_ws(ps);
            if (ps->p >= ps->end) {
                return unexpected(ps);
            }
            if (*ps->p == ',') {
                ps->p++;
                if (f->is_dict && !parse_key(ps)) {
                    return false;
                }
                break;
            }
            if (*ps->p != (f->is_dict ? '}' : ']')) {
                return parse_error(ps, QVISIT_ERROR_PARSE, ps->p,
                                   f->is_dict ? "expected ',' or '}'"
                                              : "expected ',' or ']'");
            }
            ps->p++;
            ps->depth--;
        }
    }
}

QObject *qjson__parse(const char *text, size_t len,
                      const QVisitLimits *limits, bool build, GError **errp)
{
    Parser ps = {
        .start = text,
        .p = text,
        .end = text + len,
        .max_depth = MIN(limits->max_depth, QVISIT_DEPTH_CAP),
        .max_string_len = limits->max_string_len,
        .max_array_len = limits->max_array_len,
        .max_alloc = limits->max_alloc,
        .build = build,
        .errp = errp,
    };
    QObject *root = NULL;
    bool ok;

    ps.str = g_string_new(NULL);
    ps.key = g_string_new(NULL);
    ok = parse_document(&ps, &root);
    g_string_free(ps.str, TRUE);
    g_string_free(ps.key, TRUE);
    g_free(ps.stack);
    intern_clear(&ps);
    if (!ok) {
        qobject_unref(root);
        return NULL;
    }
    if (!build) {
        static const char validated;

        return (QObject *)&validated;
    }
    return root;
}

QObject *qobject_from_json_full(const char *text, gssize len,
                                const QVisitLimits *limits, GError **errp)
{
    g_return_val_if_fail(text != NULL || len == 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    /* An empty GByteArray's data is NULL: that is empty input too. */
    if (!text) {
        text = "";
    }
    return qjson__parse(text, len < 0 ? strlen(text) : (size_t)len,
                        limits ? limits : qvisit_limits_default(), true,
                        errp);
}

QObject *qobject_from_json(const char *text, GError **errp)
{
    return qobject_from_json_full(text, -1, NULL, errp);
}
