/*
 * The stream container: a decoded stream's header and sections
 * (MigrationStream), which the format decoders fill and the encoders and
 * loads read, and the section id rule every format checks. It calls
 * nothing of the formats, so they build on it without a circle.
 */
#include "qvisit/migration.h"

#include "migration/migration-internal.h"

size_t migration__id_bad_byte(const char *id, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = id[i];

        if (c < 0x20 || c > 0x7e) {
            return i;
        }
    }
    return len;
}

static void section_clear(gpointer p)
{
    MigrationSection *sec = p;

    g_free(sec->id);
    qobject_unref(sec->state);
}

MigrationStream *migration_stream_new(void)
{
    MigrationStream *s = g_new0(MigrationStream, 1);

    s->machine = g_strdup(MIG_DEFAULT_MACHINE);
    s->sections = g_array_new(false, true, sizeof(MigrationSection));
    g_array_set_clear_func(s->sections, section_clear);
    return s;
}

void migration_stream_free(MigrationStream *s)
{
    if (!s) {
        return;
    }
    g_array_free(s->sections, true);
    g_free(s->machine);
    g_free(s);
}

MigrationSection *migration__stream_add(MigrationStream *s, const char *id,
                                        uint32_t instance_id,
                                        uint32_t version, QDict *state,
                                        size_t size)
{
    MigrationSection sec = {
        .id = g_strdup(id),
        .instance_id = instance_id,
        .version = version,
        .state = state,
        .size = size,
    };

    g_array_append_val(s->sections, sec);
    return &g_array_index(s->sections, MigrationSection,
                          s->sections->len - 1);
}

void migration_stream_add(MigrationStream *s, const char *id,
                          uint32_t instance_id, uint32_t version,
                          QDict *state)
{
    g_return_if_fail(s != NULL && id != NULL && state != NULL);
    migration__stream_add(s, id, instance_id, version, state, 0);
}

MigrationFormat migration_stream_get_format(const MigrationStream *s)
{
    g_return_val_if_fail(s != NULL, MIGRATION_FORMAT_UNKNOWN);
    return s->format;
}

uint64_t migration_stream_get_capabilities(const MigrationStream *s)
{
    g_return_val_if_fail(s != NULL, 0);
    return s->caps;
}

uint32_t migration_stream_get_machine_version(const MigrationStream *s)
{
    g_return_val_if_fail(s != NULL, 0);
    return s->machine_version;
}

const char *migration_stream_get_machine(const MigrationStream *s)
{
    g_return_val_if_fail(s != NULL, NULL);
    return s->machine;
}

size_t migration_stream_get_size(const MigrationStream *s)
{
    g_return_val_if_fail(s != NULL, 0);
    return s->sections->len;
}

const MigrationSection *migration_stream_get_section(const MigrationStream *s,
                                                     size_t index)
{
    g_return_val_if_fail(s != NULL && index < s->sections->len, NULL);
    return &g_array_index(s->sections, MigrationSection, index);
}

QDict *migration_stream_to_qobject(const MigrationStream *s)
{
    QDict *doc;
    QList *list;

    g_return_val_if_fail(s != NULL, NULL);

    doc = qdict_new();
    list = qlist_new();
    qdict_put_str(doc, "format", MIG_JSON_FORMAT);
    qdict_put_int(doc, "version", MIG_JSON_VERSION);
    qdict_put_uint(doc, "capabilities", s->caps);
    qdict_put_str(doc, "machine", s->machine);
    qdict_put_uint(doc, "machine_version", s->machine_version);
    for (size_t i = 0; i < s->sections->len; i++) {
        const MigrationSection *sec =
            &g_array_index(s->sections, MigrationSection, i);
        QDict *d = qdict_new();

        qdict_put_str(d, "id", sec->id);
        qdict_put_uint(d, "instance_id", sec->instance_id);
        qdict_put_uint(d, "version", sec->version);
        qdict_put(d, "state", qobject_ref(sec->state));
        qlist_append(list, d);
    }
    qdict_put(doc, "sections", list);
    return doc;
}
