/*
 * A vmdesc read one entry at a time, for a load that needs the
 * description of a few sections only (the migration core's compat path:
 * the sections whose version differs from the destination's device).
 *
 * Parsing a whole vmdesc costs more than loading every section of a
 * small machine directly (27 KB of JSON for the example VM's six
 * devices, 2.4 times a binary save of it), and most of it describes
 * sections the load reads with the devices' own walks. So the text is
 * scanned, not parsed: the root's members up to "devices" (checking
 * "page_size" when it comes first, as QEMU and qvisit write it), then
 * the "devices" entries one after the other, as far as the first one of
 * the wanted section, noting each entry's "name" and "instance_id" and
 * where it starts and ends; only that entry is then parsed, by the one
 * JSON parser, within the same limits. Entries are found in the order
 * of the text, so a repeated (name, instance) gives the first, as
 * qs__vmdesc_index() does.
 *
 * The scan reads JSON's structure (strings with their escapes, brackets
 * that must pair, scalars up to the next delimiter) but does not check
 * the parts it passes over: a text the scan cannot read in this form (a
 * "devices" before "page_size", an escaped name, an integer that is
 * not plain digits) makes every lookup fail, and the caller decodes the
 * whole vmdesc instead, which then decides with its own messages.
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>

#include "qemufile/qemu-file-window.h"
#include "util/error-at.h"

/* Where one "devices" entry is in the text. */
typedef struct QsEntrySpan {
    size_t start;
    size_t end;                 /* one past its closing brace */
} QsEntrySpan;

struct QsVmdescIndex {
    const char *text;           /* borrowed */
    size_t len;
    uint64_t off;               /* of the text in the stream */
    QVisitLimits limits;        /* an entry's: the nesting it sits in off */
    size_t pos;                 /* the next entry (or ']') starts here */
    size_t n;                   /* entries scanned */
    bool done;                  /* the array's end was reached */
    const char *bad;            /* why the scan stopped, or NULL */
    size_t bad_at;
    GHashTable *entries;        /* "name#instance" -> QsEntrySpan * */
};

/* JSON's insignificant whitespace. */
static size_t skip_ws(const QsVmdescIndex *ix, size_t p)
{
    while (p < ix->len && (ix->text[p] == ' ' || ix->text[p] == '\n' ||
                           ix->text[p] == '\r' || ix->text[p] == '\t')) {
        p++;
    }
    return p;
}

static bool scan_fail(QsVmdescIndex *ix, size_t at, const char *why)
{
    if (!ix->bad) {
        ix->bad = why;
        ix->bad_at = at;
    }
    return false;
}

/*
 * The string at @p (its opening quote): *@end after its closing quote,
 * *@raw true when it holds no escape (then its bytes are the value).
 */
static bool scan_string(QsVmdescIndex *ix, size_t p, size_t *end, bool *raw)
{
    *raw = true;
    for (p++; p < ix->len; p++) {
        uint8_t c = (uint8_t)ix->text[p];

        if (c == '"') {
            *end = p + 1;
            return true;
        }
        if (c == '\\') {
            *raw = false;
            p++;
        } else if (c < 0x20) {
            break;
        }
    }
    return scan_fail(ix, p, "unterminated string");
}

/* The bytes that matter when passing over a container. */
static const bool structural[256] = {
    ['"'] = true, ['{'] = true, ['}'] = true, ['['] = true, [']'] = true,
};

/* Deeper containers than this are left to the parser. */
#define SCAN_DEPTH 64

/*
 * Passes over the value at @p, to *@end. Containers must pair their
 * brackets within @depth levels (at most SCAN_DEPTH); a scalar runs to
 * the next delimiter.
 */
static bool skip_value(QsVmdescIndex *ix, size_t p, unsigned depth,
                       size_t *end)
{
    char open[SCAN_DEPTH];
    size_t n = 0;
    bool raw;

    if (p >= ix->len) {
        return scan_fail(ix, p, "value expected");
    }
    if (ix->text[p] == '"') {
        return scan_string(ix, p, end, &raw);
    }
    if (ix->text[p] != '{' && ix->text[p] != '[') {
        size_t s = p;

        while (p < ix->len && !strchr(",]} \n\r\t", ix->text[p])) {
            p++;
        }
        *end = p;
        return p > s || scan_fail(ix, p, "value expected");
    }
    depth = MIN(depth, SCAN_DEPTH);
    for (; p < ix->len; p++) {
        char c;

        /* Most of a description is names and numbers: pass them in a
         * tight loop. */
        while (p < ix->len && !structural[(uint8_t)ix->text[p]]) {
            p++;
        }
        if (p == ix->len) {
            break;
        }
        c = ix->text[p];
        switch (c) {
        case '"':
            if (!scan_string(ix, p, &p, &raw)) {
                return false;
            }
            p--;
            break;
        case '{':
        case '[':
            if (n == depth) {
                return scan_fail(ix, p, "nesting too deep");
            }
            open[n++] = c == '{' ? '}' : ']';
            break;
        case '}':
        case ']':
            if (n == 0 || open[n - 1] != c) {
                return scan_fail(ix, p, "unpaired bracket");
            }
            if (--n == 0) {
                *end = p + 1;
                return true;
            }
            break;
        default:
            break;
        }
    }
    return scan_fail(ix, p, "unterminated container");
}

/* A plain non-negative or negative integer of at most 18 digits, ending
 * at a delimiter (a fraction or exponent makes a double, which the
 * vmdesc's integers must not be). */
static bool scan_int(QsVmdescIndex *ix, size_t p, int64_t *v, size_t *end)
{
    bool neg = p < ix->len && ix->text[p] == '-';
    size_t s = p + neg;
    int64_t x = 0;

    for (p = s; p < ix->len && g_ascii_isdigit(ix->text[p]); p++) {
        x = x * 10 + (ix->text[p] - '0');
    }
    if (p == s || p - s > 18 || (ix->text[s] == '0' && p - s > 1) ||
        (p < ix->len && !strchr(",]} \n\r\t", ix->text[p]))) {
        return scan_fail(ix, s, "not a plain integer");
    }
    *v = neg ? -x : x;
    *end = p;
    return true;
}

/* A member's key at @p (after '{' or ','): *@key, *@klen (raw bytes),
 * *@end at its value. */
static bool scan_key(QsVmdescIndex *ix, size_t p, const char **key,
                     size_t *klen, size_t *end)
{
    size_t e;
    bool raw;

    p = skip_ws(ix, p);
    if (p >= ix->len || ix->text[p] != '"') {
        return scan_fail(ix, p, "member name expected");
    }
    if (!scan_string(ix, p, &e, &raw)) {
        return false;
    }
    *key = raw ? ix->text + p + 1 : NULL;
    *klen = e - p - 2;
    p = skip_ws(ix, e);
    if (p >= ix->len || ix->text[p] != ':') {
        return scan_fail(ix, p, "':' expected");
    }
    *end = skip_ws(ix, p + 1);
    return true;
}

static bool key_is(const char *key, size_t klen, const char *want)
{
    return key && klen == strlen(want) && !memcmp(key, want, klen);
}

/* After a member's value: ',' (true, *@more) or @close. */
static bool scan_next(QsVmdescIndex *ix, size_t p, char close, bool *more,
                      size_t *end)
{
    p = skip_ws(ix, p);
    if (p < ix->len && ix->text[p] == ',') {
        *more = true;
    } else if (p < ix->len && ix->text[p] == close) {
        *more = false;
    } else {
        return scan_fail(ix, p, "',' or end of container expected");
    }
    *end = p + 1;
    return true;
}

static char *entry_key(const char *name, size_t len, uint64_t instance_id)
{
    return g_strdup_printf("%.*s#%" G_GUINT64_FORMAT, (int)len, name,
                           instance_id);
}

/* The entry at ix->pos: its name and instance id noted, ix->pos after
 * it. */
static bool scan_entry(QsVmdescIndex *ix)
{
    size_t p = skip_ws(ix, ix->pos), start = p;
    const char *name = NULL;
    size_t name_len = 0;
    bool has_inst = false, more = true;
    int64_t inst = 0;
    QsEntrySpan *span;
    char *key;

    if (ix->n >= ix->limits.max_array_len) {
        return scan_fail(ix, p, "more entries than max_array_len");
    }
    if (p >= ix->len || ix->text[p] != '{') {
        return scan_fail(ix, p, "entry is not an object");
    }
    p = skip_ws(ix, p + 1);
    if (p < ix->len && ix->text[p] == '}') {
        return scan_fail(ix, p, "entry without name");
    }
    p--;
    while (more) {
        const char *k;
        size_t klen, e;
        bool raw;

        if (!scan_key(ix, p + 1, &k, &klen, &p)) {
            return false;
        }
        if (key_is(k, klen, "name") && !name) {
            if (p >= ix->len || ix->text[p] != '"' ||
                !scan_string(ix, p, &e, &raw) || !raw) {
                return scan_fail(ix, p, "name is not a plain string");
            }
            name = ix->text + p + 1;
            name_len = e - p - 2;
        } else if (key_is(k, klen, "instance_id") && !has_inst) {
            if (!scan_int(ix, p, &inst, &e)) {
                return false;
            }
            has_inst = true;
        } else if (!skip_value(ix, p, ix->limits.max_depth, &e)) {
            return false;
        }
        if (!scan_next(ix, e, '}', &more, &p)) {
            return false;
        }
        p--;
    }
    if (!name || !has_inst) {
        return scan_fail(ix, start, "entry without name or instance_id");
    }
    ix->n++;
    key = entry_key(name, name_len, (uint64_t)inst);
    if (g_hash_table_contains(ix->entries, key)) {
        g_free(key);
    } else {
        span = g_new(QsEntrySpan, 1);
        span->start = start;
        span->end = p + 1;
        g_hash_table_insert(ix->entries, key, span);
    }
    if (!scan_next(ix, p + 1, ']', &more, &ix->pos)) {
        return false;
    }
    ix->done = !more;
    return true;
}

/* The root's members up to the "devices" list: ix->pos at its first
 * entry. */
static bool scan_root(QsVmdescIndex *ix)
{
    size_t p = skip_ws(ix, 0);
    bool page_size = false, more = true;

    if (p >= ix->len || ix->text[p] != '{') {
        return scan_fail(ix, p, "not an object");
    }
    while (more) {
        const char *k;
        size_t klen, e;
        int64_t ps;

        if (!scan_key(ix, p + 1, &k, &klen, &p)) {
            return false;
        }
        if (key_is(k, klen, "devices")) {
            if (!page_size) {
                return scan_fail(ix, p, "\"devices\" before \"page_size\"");
            }
            if (p >= ix->len || ix->text[p] != '[') {
                return scan_fail(ix, p, "\"devices\" is not a list");
            }
            p = skip_ws(ix, p + 1);
            ix->done = p < ix->len && ix->text[p] == ']';
            ix->pos = p;
            return true;
        }
        if (key_is(k, klen, "page_size") && !page_size) {
            /* qs__vmdesc_check()'s rule. */
            if (!scan_int(ix, p, &ps, &e) || ps < 512 || ps > (1 << 24) ||
                (ps & (ps - 1))) {
                return scan_fail(ix, p, "bad page_size");
            }
            page_size = true;
        } else if (!skip_value(ix, p, ix->limits.max_depth, &e)) {
            return false;
        }
        if (!scan_next(ix, e, '}', &more, &p)) {
            return false;
        }
        p--;
    }
    return scan_fail(ix, p, "no \"devices\" list");
}

QsVmdescIndex *qs__vmdesc_index_new(const char *text, size_t len,
                                    uint64_t off, const QVisitLimits *limits)
{
    QsVmdescIndex *ix = g_new0(QsVmdescIndex, 1);

    ix->text = text;
    ix->len = len;
    ix->off = off;
    ix->limits = *(limits ? limits : qvisit_limits_default());
    ix->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
    /* The root and its "devices" list hold every entry: an entry's own
     * nesting gets what the whole text's would leave it. */
    if (ix->limits.max_depth < 3) {
        scan_fail(ix, 0, "nesting deeper than max_depth");
    } else {
        ix->limits.max_depth -= 2;
        scan_root(ix);
    }
    return ix;
}

void qs__vmdesc_index_free(QsVmdescIndex *ix)
{
    if (ix) {
        g_hash_table_destroy(ix->entries);
        g_free(ix);
    }
}

static bool same_limits(const QVisitLimits *a, const QVisitLimits *b)
{
    return a->max_depth == b->max_depth &&
           a->max_string_len == b->max_string_len &&
           a->max_array_len == b->max_array_len &&
           a->max_alloc == b->max_alloc &&
           a->max_section_size == b->max_section_size;
}

void qs__vmdesc_entry_cache_clear(QsVmdescEntryCache *c)
{
    g_clear_pointer(&c->text, g_free);
    c->len = 0;
    qobject_unref(c->entry);
    c->entry = NULL;
}

QDict *qs__vmdesc_index_entry(QsVmdescIndex *ix, const char *idstr,
                              uint32_t instance_id, QsVmdescEntryCache *cache,
                              GError **errp)
{
    g_autofree char *key = entry_key(idstr, strlen(idstr), instance_id);
    const QsEntrySpan *span;
    const char *text;
    size_t len;
    GError *err = NULL;
    QObject *entry;

    while (!(span = g_hash_table_lookup(ix->entries, key)) && !ix->bad &&
           !ix->done) {
        scan_entry(ix);
    }
    if (ix->bad) {
        qvisit__error_at(errp, QVISIT_ERROR_PARSE, "vmdesc",
                         ix->off + ix->bad_at,
                         "cannot read the description in place: %s",
                         ix->bad);
        return NULL;
    }
    if (!span) {
        qvisit__error_at_escaped(errp, QVISIT_ERROR_UNKNOWN, idstr,
                                 QVISIT_NO_OFFSET,
                                 "section (instance %u) is not described "
                                 "by the vmdesc", instance_id);
        return NULL;
    }
    text = ix->text + span->start;
    len = span->end - span->start;
    if (cache && cache->entry && cache->len == len &&
        same_limits(&cache->limits, &ix->limits) &&
        !memcmp(cache->text, text, len)) {
        return qobject_ref(cache->entry);
    }
    entry = qobject_from_json_full(text, len, &ix->limits, &err);
    if (!entry) {
        g_set_error(errp, QVISIT_ERROR, err->code,
                    "vmdesc: invalid JSON at byte %" G_GUINT64_FORMAT ": %s",
                    ix->off + span->start, err->message);
        g_error_free(err);
        return NULL;
    }
    if (cache) {
        qs__vmdesc_entry_cache_clear(cache);
        cache->text = g_memdup2(text, len);
        cache->len = len;
        cache->limits = ix->limits;
        cache->entry = qobject_to(QDict, qobject_ref(entry));
    }
    /* A '{' starts every span: the parse is an object. */
    return qobject_to(QDict, entry);
}

QDict *qs__read_described(QEMUFile *f, const char *idstr, const QDict *entry,
                          const QVisitLimits *limits, size_t *alloc,
                          GError **errp)
{
    g_autoptr(GString) path = g_string_new(idstr);
    g_autoptr(QDict) state = qdict_new();
    QsReader r = {
        .f = f,
        .win = qemu_file__read_window(f),
        .pos = qemu_file_transferred(f),
        .limits = limits ? limits : qvisit_limits_default(),
        .state = true,
        .page_size = QS_DEFAULT_PAGE_SIZE,
        .path = path,
        .elem_index = -1,
        .alloc = *alloc,
    };
    bool ok = qs__read_vmsd(&r, entry, state, errp);

    qobject_unref(r.int_cache.obj);
    *alloc = r.alloc;
    return ok ? g_steal_pointer(&state) : NULL;
}
