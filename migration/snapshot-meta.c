/*
 * Snapshot metadata: the record kept beside each payload, its JSON
 * document (written with the QObject JSON writer, read with its parser),
 * and the checks a document read from disk must pass.
 */
#include "qvisit/snapshot-store.h"

#include <inttypes.h>
#include <string.h>

#include "migration/snapshot-store-internal.h"
#include "qvisit/error.h"

#define META_SCHEMA "qvisit-snapshot"
#define META_SCHEMA_VERSION 1

static const struct {
    unsigned bit;
    const char *name;
} field_names[] = {
    { SNAPSHOT_META_FIELD_CREATED, "created" },
    { SNAPSHOT_META_FIELD_LIFETIME, "lifetime" },
};

void snapshot_meta_free(SnapshotMeta *meta)
{
    if (!meta) {
        return;
    }
    for (size_t i = 0; i < meta->n_devices; i++) {
        g_free(meta->devices[i].id);
    }
    g_free(meta->devices);
    g_free(meta->name);
    g_free(meta->payload);
    g_free(meta->checksum);
    g_free(meta->machine);
    g_free(meta);
}

bool snapshot_meta_is_expired(const SnapshotMeta *meta, int64_t now)
{
    g_return_val_if_fail(meta != NULL, false);

    return meta->has_lifetime && now >= meta->expires;
}

char *snapshot__checksum(const void *data, size_t len)
{
    g_autoptr(GChecksum) c = g_checksum_new(G_CHECKSUM_SHA256);

    g_checksum_update(c, data, len);
    return g_strconcat(SNAPSHOT_CHECKSUM_PREFIX, g_checksum_get_string(c),
                       NULL);
}

/* --- Writing -------------------------------------------------------------- */

static void put_time(QDict *d, const char *key, int64_t t)
{
    g_autofree char *s = snapshot_time_format(t);

    qdict_put_str(d, key, s);
}

QDict *snapshot_meta_to_qobject(const SnapshotMeta *meta)
{
    QDict *d;
    QList *devices;
    QList *unrecovered;

    g_return_val_if_fail(meta != NULL, NULL);

    d = qdict_new();
    devices = qlist_new();
    unrecovered = qlist_new();
    qdict_put_str(d, "schema", META_SCHEMA);
    qdict_put_int(d, "schema_version", META_SCHEMA_VERSION);
    qdict_put_str(d, "name", meta->name);
    put_time(d, "created", meta->created);
    if (meta->has_lifetime) {
        qdict_put_uint(d, "lifetime", meta->lifetime);
        put_time(d, "expires", meta->expires);
    } else {
        qdict_put_null(d, "lifetime");
        qdict_put_null(d, "expires");
    }
    qdict_put_str(d, "format", migration_format_name(meta->format));
    qdict_put_str(d, "payload", meta->payload);
    qdict_put_uint(d, "payload_size", meta->payload_size);
    qdict_put_str(d, "checksum", meta->checksum);
    qdict_put_str(d, "machine", meta->machine);
    qdict_put_uint(d, "machine_version", meta->machine_version);
    qdict_put_uint(d, "capabilities", meta->capabilities);
    for (size_t i = 0; i < meta->n_devices; i++) {
        const SnapshotMetaDevice *dev = &meta->devices[i];
        QDict *e = qdict_new();

        qdict_put_str(e, "id", dev->id);
        qdict_put_uint(e, "instance_id", dev->instance_id);
        qdict_put_uint(e, "version", dev->version);
        qdict_put_uint(e, "bytes", dev->bytes);
        qlist_append_obj(devices, QOBJECT(e));
    }
    qdict_put_obj(d, "devices", QOBJECT(devices));
    for (size_t i = 0; i < G_N_ELEMENTS(field_names); i++) {
        if (meta->unrecovered & field_names[i].bit) {
            qlist_append_str(unrecovered, field_names[i].name);
        }
    }
    qdict_put_obj(d, "unrecovered", QOBJECT(unrecovered));
    return d;
}

GString *snapshot__meta_to_text(const SnapshotMeta *meta)
{
    g_autoptr(QDict) doc = snapshot_meta_to_qobject(meta);
    GString *text = qobject_to_json_pretty(QOBJECT(doc), true);

    g_string_append_c(text, '\n');
    return text;
}

/* --- Reading -------------------------------------------------------------- */

/* Member @key of @d (path @path) of type @type; NULL with an error. */
static QObject *get(const QDict *d, const char *path, const char *key,
                    QType type, GError **errp)
{
    QObject *obj = qdict_get(d, key);

    if (!obj) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING, "%s%s: missing",
                    path, key);
        return NULL;
    }
    if (qobject_type(obj) != type) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "%s%s: expected %s, got %s", path, key,
                    qobject_type_name(type),
                    qobject_type_name(qobject_type(obj)));
        return NULL;
    }
    return obj;
}

static const char *get_str(const QDict *d, const char *path, const char *key,
                           GError **errp)
{
    QObject *obj = get(d, path, key, QTYPE_QSTRING, errp);

    return obj ? qstring_get_str(qobject_to(QString, obj)) : NULL;
}

static bool get_uint(const QDict *d, const char *path, const char *key,
                     uint64_t max, uint64_t *out, GError **errp)
{
    QObject *obj = get(d, path, key, QTYPE_QNUM, errp);
    QNum *n = qobject_to(QNum, obj);
    uint64_t v;

    if (!obj) {
        return false;
    }
    if (qnum_is_double(n)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "%s%s: expected an integer", path, key);
        return false;
    }
    if (!qnum_get_try_uint(n, &v) || v > max) {
        g_autoptr(GString) text = qobject_to_json(obj);

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_RANGE,
                    "%s%s: %s is out of range 0..%" PRIu64, path, key,
                    text->str, max);
        return false;
    }
    *out = v;
    return true;
}

static bool get_time(const QDict *d, const char *key, int64_t *t,
                     GError **errp)
{
    const char *s = get_str(d, "", key, errp);

    if (!s) {
        return false;
    }
    if (s[0] == '@' || !snapshot_time_parse(s, t, errp)) {
        if (s[0] == '@') {
            g_autofree char *esc = qvisit_error_escape(s, -1);

            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "time \"%s\": expected RFC 3339 UTC", esc);
        }
        g_prefix_error(errp, "%s: ", key);
        return false;
    }
    return true;
}

static bool read_lifetime(const QDict *d, SnapshotMeta *m, GError **errp)
{
    QObject *lt = qdict_get(d, "lifetime");
    uint64_t v;

    if (lt && qobject_type(lt) == QTYPE_QNULL) {
        QObject *ex = get(d, "", "expires", QTYPE_QNULL, errp);

        m->has_lifetime = false;
        return ex != NULL;
    }
    if (!get_uint(d, "", "lifetime", SNAPSHOT_TIME_MAX, &v, errp) ||
        !get_time(d, "expires", &m->expires, errp)) {
        return false;
    }
    m->has_lifetime = true;
    m->lifetime = v;
    if ((uint64_t)(m->expires - m->created) != v || m->expires < m->created) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "expires: not created + lifetime");
        return false;
    }
    return true;
}

static bool read_devices(const QDict *d, SnapshotMeta *m, GError **errp)
{
    QObject *obj = get(d, "", "devices", QTYPE_QLIST, errp);
    QList *l = qobject_to(QList, obj);

    if (!obj) {
        return false;
    }
    m->devices = g_new0(SnapshotMetaDevice, qlist_size(l));
    for (size_t i = 0; i < qlist_size(l); i++) {
        g_autofree char *path = g_strdup_printf("devices[%zu]", i);
        g_autofree char *prefix = g_strdup_printf("%s.", path);
        QDict *e = qobject_to(QDict, qlist_get(l, i));
        SnapshotMetaDevice *dev = &m->devices[i];
        const char *id;
        uint64_t inst, ver;

        if (!e) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                        "%s: expected object, got %s", path,
                        qobject_type_name(qobject_type(qlist_get(l, i))));
            return false;
        }
        id = get_str(e, prefix, "id", errp);
        if (!id || !get_uint(e, prefix, "instance_id", UINT32_MAX, &inst,
                             errp) ||
            !get_uint(e, prefix, "version", UINT32_MAX, &ver, errp) ||
            !get_uint(e, prefix, "bytes", UINT64_MAX, &dev->bytes, errp)) {
            return false;
        }
        dev->id = g_strdup(id);
        dev->instance_id = inst;
        dev->version = ver;
        m->n_devices++;
    }
    return true;
}

static void read_unrecovered(const QDict *d, SnapshotMeta *m)
{
    QList *l = qobject_to(QList, qdict_get(d, "unrecovered"));

    /* Optional, and names a later release adds are ignored. */
    for (size_t i = 0; l && i < qlist_size(l); i++) {
        QString *s = qobject_to(QString, qlist_get(l, i));

        for (size_t k = 0; s && k < G_N_ELEMENTS(field_names); k++) {
            if (!strcmp(qstring_get_str(s), field_names[k].name)) {
                m->unrecovered |= field_names[k].bit;
            }
        }
    }
}

static bool check_checksum(const char *sum, GError **errp)
{
    size_t plen = strlen(SNAPSHOT_CHECKSUM_PREFIX);
    bool ok = g_str_has_prefix(sum, SNAPSHOT_CHECKSUM_PREFIX) &&
              strlen(sum) == plen + 64;

    for (size_t i = plen; ok && sum[i]; i++) {
        ok = g_ascii_isdigit(sum[i]) || (sum[i] >= 'a' && sum[i] <= 'f');
    }
    if (!ok) {
        g_autofree char *esc = qvisit_error_escape(sum, -1);

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "checksum: expected sha256: and 64 hex digits, got "
                    "\"%s\"", esc);
    }
    return ok;
}

static bool read_header(const QDict *d, GError **errp)
{
    const char *schema = get_str(d, "", "schema", errp);
    uint64_t version;

    if (!schema) {
        return false;
    }
    if (strcmp(schema, META_SCHEMA)) {
        g_autofree char *esc = qvisit_error_escape(schema, -1);

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "schema: expected \"%s\", got \"%s\"", META_SCHEMA, esc);
        return false;
    }
    if (!get_uint(d, "", "schema_version", UINT32_MAX, &version, errp)) {
        return false;
    }
    if (version != META_SCHEMA_VERSION) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_VERSION,
                    "schema_version: %" PRIu64 " is not %d, the version "
                    "this release reads", version, META_SCHEMA_VERSION);
        return false;
    }
    return true;
}

SnapshotMeta *snapshot_meta_from_qobject(const QDict *doc, GError **errp)
{
    g_autoptr(SnapshotMeta) m = g_new0(SnapshotMeta, 1);
    g_autofree char *want_payload = NULL;
    const char *name, *format, *payload, *sum, *machine;
    uint64_t mv;

    g_return_val_if_fail(doc != NULL, NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);

    if (!read_header(doc, errp)) {
        return NULL;
    }
    name = get_str(doc, "", "name", errp);
    if (!name) {
        return NULL;
    }
    if (!snapshot_name_check(name, errp)) {
        g_prefix_error(errp, "name: ");
        return NULL;
    }
    m->name = g_strdup(name);
    if (!get_time(doc, "created", &m->created, errp) ||
        !read_lifetime(doc, m, errp)) {
        return NULL;
    }
    format = get_str(doc, "", "format", errp);
    if (!format) {
        return NULL;
    }
    m->format = migration_format_from_name(format);
    if (m->format == MIGRATION_FORMAT_UNKNOWN) {
        g_autofree char *esc = qvisit_error_escape(format, -1);

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "format: expected legacy, binary or json, got \"%s\"",
                    esc);
        return NULL;
    }
    payload = get_str(doc, "", "payload", errp);
    sum = payload ? get_str(doc, "", "checksum", errp) : NULL;
    if (!sum || !check_checksum(sum, errp)) {
        return NULL;
    }
    m->checksum = g_strdup(sum);
    /* The payload file follows from the name and the checksum; a document
     * naming any other file (another snapshot's, "../x") is refused. */
    want_payload = snapshot__payload_file(name, sum);
    if (strcmp(payload, want_payload)) {
        g_autofree char *esc = qvisit_error_escape(payload, -1);

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "payload: expected \"%s\", got \"%s\"", want_payload,
                    esc);
        return NULL;
    }
    m->payload = g_steal_pointer(&want_payload);
    if (!get_uint(doc, "", "payload_size", UINT64_MAX, &m->payload_size,
                  errp)) {
        return NULL;
    }
    machine = get_str(doc, "", "machine", errp);
    if (!machine ||
        !get_uint(doc, "", "machine_version", UINT32_MAX, &mv, errp) ||
        !get_uint(doc, "", "capabilities", UINT64_MAX, &m->capabilities,
                  errp) ||
        !read_devices(doc, m, errp)) {
        return NULL;
    }
    m->machine = g_strdup(machine);
    m->machine_version = mv;
    read_unrecovered(doc, m);
    return g_steal_pointer(&m);
}

SnapshotMeta *snapshot__read_meta(SnapshotStore *s, const char *name,
                                  GError **errp)
{
    g_autofree char *file = snapshot__meta_file(name);
    g_autoptr(GByteArray) text = NULL;
    g_autoptr(QObject) doc = NULL;
    g_autoptr(SnapshotMeta) m = NULL;
    QDict *d;

    if (!snapshot__file_exists(s, file)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "%s: no such snapshot", name);
        return NULL;
    }
    text = snapshot__read_file(s, file, SNAPSHOT_META_MAX, NULL, errp);
    if (!text) {
        return NULL;
    }
    doc = qobject_from_json_full((const char *)text->data, text->len, NULL,
                                 errp);
    d = qobject_to(QDict, doc);
    if (doc && !d) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TYPE,
                    "expected object, got %s",
                    qobject_type_name(qobject_type(doc)));
    }
    m = d ? snapshot_meta_from_qobject(d, errp) : NULL;
    if (m && strcmp(m->name, name)) {
        g_autofree char *esc = qvisit_error_escape(m->name, -1);

        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "name: expected \"%s\", got \"%s\"", name, esc);
        g_clear_pointer(&m, snapshot_meta_free);
    }
    if (!m) {
        g_prefix_error(errp, "%s: ", file);
        return NULL;
    }
    return g_steal_pointer(&m);
}

/* --- Building ------------------------------------------------------------- */

SnapshotMeta *snapshot__meta_from_stream(const char *name,
                                         const MigrationStream *st,
                                         const void *data, size_t len)
{
    SnapshotMeta *m = g_new0(SnapshotMeta, 1);
    size_t n = migration_stream_get_size(st);

    m->name = g_strdup(name);
    m->format = migration_stream_get_format(st);
    m->checksum = snapshot__checksum(data, len);
    m->payload = snapshot__payload_file(name, m->checksum);
    m->payload_size = len;
    m->machine = g_strdup(migration_stream_get_machine(st));
    m->machine_version = migration_stream_get_machine_version(st);
    m->capabilities = migration_stream_get_capabilities(st);
    m->n_devices = n;
    m->devices = g_new0(SnapshotMetaDevice, n);
    for (size_t i = 0; i < n; i++) {
        const MigrationSection *sec = migration_stream_get_section(st, i);

        m->devices[i].id = g_strdup(sec->id);
        m->devices[i].instance_id = sec->instance_id;
        m->devices[i].version = sec->version;
        m->devices[i].bytes = sec->size;
    }
    return m;
}

bool snapshot__meta_set_times(SnapshotMeta *meta, int64_t created,
                              const SnapshotCreateOptions *opts,
                              GError **errp)
{
    meta->created = CLAMP(created, 0, SNAPSHOT_TIME_MAX);
    meta->has_lifetime = opts && opts->has_lifetime;
    if (!meta->has_lifetime) {
        return true;
    }
    if (opts->lifetime > (uint64_t)(SNAPSHOT_TIME_MAX - meta->created)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_RANGE,
                    "%s: lifetime %" PRIu64 " s goes past "
                    "9999-12-31T23:59:59Z", meta->name, opts->lifetime);
        return false;
    }
    meta->lifetime = opts->lifetime;
    meta->expires = meta->created + (int64_t)opts->lifetime;
    return true;
}
