/*
 * Migration streams as data: the table of formats (MigrationFormatOps)
 * and everything that dispatches through it, format names and detection,
 * decoding, encoding; and capability masks. The formats (format-*.c)
 * fill the container of stream-container.c and call nothing here.
 */
#include "qvisit/migration.h"

#include <inttypes.h>
#include <string.h>

#include "migration/migration-internal.h"
#include "qvisit/error.h"

/* Indexed by MigrationFormat; detection tries them in this order. */
static const MigrationFormatOps *const formats[] = {
    [MIGRATION_FORMAT_LEGACY] = &migration__format_legacy,
    [MIGRATION_FORMAT_BINARY] = &migration__format_binary,
    [MIGRATION_FORMAT_JSON] = &migration__format_json,
};

/* The operations of @format, or NULL (UNKNOWN, out of range). */
static const MigrationFormatOps *format_ops(MigrationFormat format)
{
    return (unsigned)format < G_N_ELEMENTS(formats) ? formats[format]
                                                    : NULL;
}

const MigrationFormatOps *migration__format_ops(MigrationFormat format)
{
    return format_ops(format);
}

static const struct {
    uint64_t bit;
    const char *name;
} cap_names[] = {
    { MIGRATION_CAP_BINARY, "binary" },
    { MIGRATION_CAP_JSON, "json" },
    { MIGRATION_CAP_RETURN_PATH, "return-path" },
};

const char *migration_format_name(MigrationFormat format)
{
    const MigrationFormatOps *ops = format_ops(format);

    return ops ? ops->name : "unknown";
}

MigrationFormat migration_format_from_name(const char *name)
{
    g_return_val_if_fail(name != NULL, MIGRATION_FORMAT_UNKNOWN);

    for (unsigned i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (formats[i] && !strcmp(name, formats[i]->name)) {
            return i;
        }
    }
    return MIGRATION_FORMAT_UNKNOWN;
}

MigrationFormat migration_detect_format(const void *data, size_t len)
{
    g_return_val_if_fail(data != NULL || len == 0, MIGRATION_FORMAT_UNKNOWN);

    for (unsigned i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (formats[i] && formats[i]->detect(data, len)) {
            return i;
        }
    }
    return MIGRATION_FORMAT_UNKNOWN;
}

bool migration__format_allowed(MigrationFormat format, uint64_t caps,
                               GError **errp)
{
    const MigrationFormatOps *ops = format_ops(format);
    uint64_t need = ops ? ops->cap : 0;
    g_autofree char *want = NULL;
    g_autofree char *have = NULL;

    if ((caps & need) == need) {
        return true;
    }
    want = migration_capabilities_to_string(need);
    have = migration_capabilities_to_string(caps & MIGRATION_CAP_ALL);
    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                "%s stream refused: capability '%s' is not enabled "
                "(capabilities: %s)", migration_format_name(format), want,
                have);
    return false;
}

uint64_t migration_capabilities_intersect(uint64_t a, uint64_t b)
{
    return a & b & MIGRATION_CAP_ALL;
}

MigrationFormat migration_format_for_capabilities(uint64_t mask)
{
    return (mask & MIGRATION_CAP_BINARY) ? MIGRATION_FORMAT_BINARY
                                         : MIGRATION_FORMAT_LEGACY;
}

char *migration_capabilities_to_string(uint64_t mask)
{
    g_autoptr(GString) s = g_string_new(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(cap_names); i++) {
        if (mask & cap_names[i].bit) {
            g_string_append_printf(s, "%s%s", s->len ? "," : "",
                                   cap_names[i].name);
            mask &= ~cap_names[i].bit;
        }
    }
    if (mask) {
        g_string_append_printf(s, "%s0x%" PRIx64, s->len ? "," : "", mask);
    }
    if (!s->len) {
        g_string_append(s, "none");
    }
    return g_string_free(g_steal_pointer(&s), false);
}

bool migration_capabilities_from_string(const char *str, uint64_t *mask,
                                        GError **errp)
{
    g_auto(GStrv) parts = NULL;
    uint64_t m = 0;

    g_return_val_if_fail(str != NULL && mask != NULL, false);

    if (!strcmp(str, "none") || !*str) {
        *mask = 0;
        return true;
    }
    if (!strcmp(str, "all")) {
        *mask = MIGRATION_CAP_ALL;
        return true;
    }
    if (g_ascii_isdigit(str[0])) {
        char *end;
        guint64 n = g_ascii_strtoull(str, &end, 0);

        if (!*end) {
            *mask = n;
            return true;
        }
    }
    parts = g_strsplit(str, ",", -1);
    for (char **p = parts; *p; p++) {
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(cap_names); i++) {
            if (!strcmp(*p, cap_names[i].name)) {
                m |= cap_names[i].bit;
                break;
            }
        }
        if (i == G_N_ELEMENTS(cap_names)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                        "unknown capability '%s'", *p);
            return false;
        }
    }
    *mask = m;
    return true;
}

MigrationStream *migration_stream_decode(const void *data, size_t len,
                                         const QVisitLimits *limits,
                                         GError **errp)
{
    return migration_stream_decode_full(data, len, limits, NULL, NULL, errp);
}

MigrationStream *migration_stream_decode_full(const void *data, size_t len,
                                              const QVisitLimits *limits,
                                              MigrationSchemaFn schema,
                                              void *opaque, GError **errp)
{
    g_autoptr(MigrationStream) s = NULL;
    const MigrationFormatOps *ops;

    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    if (!limits) {
        limits = qvisit_limits_default();
    }
    s = migration_stream_new();
    s->format = migration_detect_format(data, len);
    ops = format_ops(s->format);
    if (!ops) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                    len < 4 ? "stream too short to detect its format "
                              "(%zu bytes)"
                            : "not a migration stream (%zu bytes, unknown "
                              "magic)",
                    len);
        return NULL;
    }
    if (!ops->decode(s, data, len, limits, schema, opaque, errp)) {
        return NULL;
    }
    return g_steal_pointer(&s);
}

/* --- Encoding ----------------------------------------------------------- */

bool migration__walk_qobject(Visitor *v, const char *name, QObject *obj,
                             GError **errp)
{
    switch (qobject_type(obj)) {
    case QTYPE_QDICT: {
        QDict *d = qobject_to(QDict, obj);

        if (!visit_start_struct(v, name, errp)) {
            return false;
        }
        for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
            if (!migration__walk_qobject(v, qdict_entry_key(e),
                                         qdict_entry_value(e), errp)) {
                return false;
            }
        }
        return visit_end_struct(v, errp);
    }
    case QTYPE_QLIST: {
        QList *l = qobject_to(QList, obj);
        size_t n = qlist_size(l);

        if (!visit_start_array(v, name, n, errp)) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (!migration__walk_qobject(v, NULL, qlist_get(l, i), errp)) {
                return false;
            }
        }
        return visit_end_array(v, errp);
    }
    case QTYPE_QNUM: {
        QNum *qn = qobject_to(QNum, obj);
        uint64_t u;
        int64_t i;
        double d;

        if (qnum_is_double(qn)) {
            d = qnum_get_double(qn);
            return visit_type_number(v, name, &d, errp);
        }
        if (qnum_get_try_uint(qn, &u)) {
            return visit_type_u64(v, name, &u, errp);
        }
        qnum_get_try_int(qn, &i);
        return visit_type_i64(v, name, &i, errp);
    }
    case QTYPE_QBOOL: {
        bool b = qbool_get_bool(qobject_to(QBool, obj));

        return visit_type_bool(v, name, &b, errp);
    }
    case QTYPE_QSTRING: {
        char *str = (char *)qstring_get_str(qobject_to(QString, obj));

        return visit_type_str(v, name, &str, errp);
    }
    default: {
        /* @name is a key of the tree, which may be input. */
        g_autofree char *shown = qvisit_error_escape(name ? name : "value",
                                                     -1);

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "%s: null cannot be encoded", shown);
        return false;
    }
    }
}

bool migration__encode(MigrationFormat format, const MigEncHeader *h,
                       MigEncSection *secs, size_t n, GByteArray *out,
                       GError **errp)
{
    const MigrationFormatOps *ops = format_ops(format);
    size_t start = out->len;

    /* Write no id a reader refuses (ids of migration_stream_add()). */
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(secs[i].id);

        if (len == 0 || len > 255 ||
            migration__id_bad_byte(secs[i].id, len) < len) {
            g_autofree char *shown = qvisit_error_escape(secs[i].id, -1);

            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "%s: a section id must be 1..255 bytes of "
                        "printable ASCII", shown);
            return false;
        }
    }
    if (!ops) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "cannot write format '%s'", migration_format_name(format));
        return false;
    }
    /* The formats write in place, with no copy of the stream; a failure
     * cuts @out back, so it gains the whole stream or nothing. */
    if (!ops->encode(h, secs, n, out, errp)) {
        g_byte_array_set_size(out, start);
        return false;
    }
    return true;
}

typedef struct StreamWalk {
    const MigrationSection *sec;
    const MigrationDeviceInfo *info;  /* legacy only */
    const QVisitLimits *limits;
} StreamWalk;

static bool walk_tree(Visitor *v, void *ctx, GError **errp)
{
    StreamWalk *w = ctx;

    return migration__walk_qobject(v, w->sec->id, QOBJECT(w->sec->state),
                                   errp);
}

/* The legacy payload has no types: load the tree into a scratch state of
 * the device layout, then walk that state into the payload writer. There
 * is no live device, so a device with a prepare hook walks its describe
 * configuration. */
static bool walk_scratch(Visitor *v, void *ctx, GError **errp)
{
    StreamWalk *w = ctx;
    void *scratch = migration_device_scratch_new(w->info, NULL, errp);
    g_autoptr(Visitor) in = NULL;
    bool ok;

    if (!scratch) {
        return false;
    }
    in = qobject_input_visitor_new(QOBJECT(w->sec->state));
    visit_set_limits(in, w->limits);
    /* The section's layout, which a gated walk may visit below its own
     * newest version. */
    visit_set_version(in, w->sec->version);
    visit_set_version(v, w->sec->version);
    ok = w->info->visit(in, scratch, errp) && visit_complete(in, errp) &&
         w->info->visit(v, scratch, errp);
    migration_device_scratch_free(w->info, scratch);
    return ok;
}

bool migration_stream_encode(const MigrationStream *s, MigrationFormat format,
                             MigrationSchemaFn schema, void *opaque,
                             GByteArray *out, GError **errp)
{
    size_t n;
    g_autofree MigEncSection *secs = NULL;
    g_autofree StreamWalk *walks = NULL;

    g_return_val_if_fail(s != NULL && out != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    n = s->sections->len;
    secs = g_new0(MigEncSection, n);
    walks = g_new0(StreamWalk, n);
    for (size_t i = 0; i < n; i++) {
        const MigrationSection *sec =
            &g_array_index(s->sections, MigrationSection, i);

        walks[i].sec = sec;
        walks[i].limits = qvisit_limits_default();
        secs[i].id = sec->id;
        secs[i].instance_id = sec->instance_id;
        secs[i].version = sec->version;
        secs[i].ctx = &walks[i];
        secs[i].walk = walk_tree;
        if (format == MIGRATION_FORMAT_LEGACY) {
            walks[i].info = schema ? schema(sec->id, sec->version, opaque)
                                   : NULL;
            if (!walks[i].info || !walks[i].info->visit ||
                !walks[i].info->state_size) {
                g_autofree char *shown = qvisit_error_escape(sec->id, -1);

                g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                            "%s: no layout known for version %" PRIu32
                            ", which the legacy format needs",
                            shown, sec->version);
                return false;
            }
            secs[i].walk = walk_scratch;
        }
    }
    {
        MigEncHeader h = {
            .caps = s->caps,
            .machine = s->machine,
            .machine_version = s->machine_version,
        };

        return migration__encode(format, &h, secs, n, out, errp);
    }
}
