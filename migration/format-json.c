/*
 * The JSON migration format: one document per stream,
 *     {"format": "qvisit-migration", "version": 1, "capabilities": n,
 *      "machine": "...", "machine_version": n,
 *      "sections": [{"id": "serial", "instance_id": 0, "version": 3,
 *                    "state": {...}}, ...]}
 * where each state is the QObject output visitor's tree of the device.
 */
#include "migration/migration-internal.h"

#include <inttypes.h>
#include <string.h>

#include "qvisit/error.h"
#include "visitor/qobject-output-json.h"

/* A JSON object, maybe after whitespace. */
static bool json_stream_detect(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '{') {
            return true;
        }
        if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' &&
            data[i] != '\r') {
            break;
        }
    }
    return false;
}

static bool json_stream_encode(const MigEncHeader *h, MigEncSection *secs,
                               size_t n, GByteArray *out, GError **errp)
{
    g_autoptr(MigrationStream) s = migration_stream_new();
    g_autoptr(QDict) doc = NULL;
    g_autoptr(GString) text = NULL;

    s->caps = h->caps;
    g_free(s->machine);
    s->machine = g_strdup(h->machine);
    s->machine_version = h->machine_version;
    for (size_t i = 0; i < n; i++) {
        g_autoptr(Visitor) v = NULL;
        QObject *tree = NULL;
        QDict *state;

        /* Refuses NaN, infinities and invalid UTF-8, which the JSON
         * would turn into null and U+FFFD. */
        v = qobject_output_visitor__new_for_json(&tree);
        if (!secs[i].walk(v, secs[i].ctx, errp) || !visit_complete(v, errp)) {
            return false;
        }
        state = qobject_to(QDict, tree);
        if (!state) {
            qobject_unref(tree);
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s: the walk's root is not a struct", secs[i].id);
            return false;
        }
        migration__stream_add(s, secs[i].id, secs[i].instance_id,
                              secs[i].version, state, 0);
    }
    doc = migration_stream_to_qobject(s);
    text = qobject_to_json_pretty(QOBJECT(doc), true);
    g_string_append_c(text, '\n');
    for (size_t i = 0; i < n; i++) {
        secs[i].size = 0;
    }
    g_byte_array_append(out, (const uint8_t *)text->str, text->len);
    return true;
}

static bool get_uint32(QDict *d, const char *key, const char *where,
                       uint32_t *out, GError **errp)
{
    QNum *qn = qobject_to(QNum, qdict_get(d, key));
    uint64_t u;

    if (!qn || !qnum_get_try_uint(qn, &u) || u > UINT32_MAX) {
        g_set_error(errp, QVISIT_ERROR,
                    qn ? QVISIT_ERROR_RANGE : QVISIT_ERROR_MISSING,
                    "%s.%s: expected an integer 0..4294967295", where, key);
        return false;
    }
    *out = u;
    return true;
}

static bool check_id(const char *id, const char *where, GError **errp)
{
    size_t len = strlen(id);
    size_t bad = migration__id_bad_byte(id, len);

    if (len > 255) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_LIMIT,
                    "%s.id: %zu bytes exceed 255", where, len);
        return false;
    }
    if (bad < len) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                    "%s.id: byte 0x%02x at %zu is not printable", where,
                    (unsigned char)id[bad], bad);
        return false;
    }
    return true;
}

/* The states are JSON trees: no schema needed. */
static bool json_stream_decode(MigrationStream *s, const uint8_t *data,
                               size_t len, const QVisitLimits *limits,
                               MigrationSchemaFn schema G_GNUC_UNUSED,
                               void *opaque G_GNUC_UNUSED, GError **errp)
{
    g_autoptr(QObject) root = NULL;
    QDict *doc;
    QString *fmt;
    QNum *caps;
    QString *machine;
    QList *sections;
    uint32_t version;

    root = qobject_from_json_full((const char *)data, len, limits, errp);
    if (!root) {
        return false;
    }
    doc = qobject_to(QDict, root);
    fmt = doc ? qobject_to(QString, qdict_get(doc, "format")) : NULL;
    if (!fmt || strcmp(qstring_get_str(fmt), MIG_JSON_FORMAT)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                    "format: expected \"%s\"", MIG_JSON_FORMAT);
        return false;
    }
    if (!get_uint32(doc, "version", "stream", &version, errp)) {
        return false;
    }
    if (version != MIG_JSON_VERSION) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_VERSION,
                    "version: unsupported JSON stream version %" PRIu32,
                    version);
        return false;
    }
    caps = qobject_to(QNum, qdict_get(doc, "capabilities"));
    if (caps) {
        qnum_get_try_uint(caps, &s->caps);
    }
    machine = qobject_to(QString, qdict_get(doc, "machine"));
    if (machine) {
        g_free(s->machine);
        s->machine = g_strdup(qstring_get_str(machine));
    }
    if (qdict_haskey(doc, "machine_version") &&
        !get_uint32(doc, "machine_version", "stream", &s->machine_version,
                    errp)) {
        return false;
    }
    sections = qobject_to(QList, qdict_get(doc, "sections"));
    if (!sections) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                    "sections: expected an array");
        return false;
    }
    for (size_t i = 0; i < qlist_size(sections); i++) {
        g_autofree char *where = g_strdup_printf("sections[%zu]", i);
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        QString *id = sec ? qobject_to(QString, qdict_get(sec, "id")) : NULL;
        QDict *state = sec ? qobject_to(QDict, qdict_get(sec, "state"))
                           : NULL;
        uint32_t inst, ver;

        if (!id || !*qstring_get_str(id)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                        "%s.id: expected a non-empty string", where);
            return false;
        }
        if (!check_id(qstring_get_str(id), where, errp)) {
            return false;
        }
        if (!get_uint32(sec, "instance_id", where, &inst, errp) ||
            !get_uint32(sec, "version", where, &ver, errp)) {
            return false;
        }
        if (!state) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s.state: expected an object", where);
            return false;
        }
        migration__stream_add(s, qstring_get_str(id), inst, ver,
                              qobject_ref(state), 0);
    }
    return true;
}

const MigrationFormatOps migration__format_json = {
    .name = "json",
    .cap = MIGRATION_CAP_JSON,
    .detect = json_stream_detect,
    .encode = json_stream_encode,
    .decode = json_stream_decode,
};
