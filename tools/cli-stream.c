/*
 * Helpers shared by the stream subcommands (dump, convert, info, diff):
 * reading an input ("-" is standard input; tools/cli-input.c) and the
 * example devices as the schema the legacy format needs (outputs are
 * written by tools/cli-output.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

#include "examples/devices/example-devices.h"
#include "examples/qemu-devices/qemu-devices.h"

GByteArray *cli_read_input(const char *path, CliInputKind kind)
{
    g_autoptr(GError) err = NULL;
    GByteArray *data = cli_input_read(path, kind, &err);

    if (!data) {
        cli_error("%s: %s", path, err->message);
    }
    return data;
}

MigrationStream *cli_decode_stream(const char *path)
{
    return cli_decode_stream_with(path, cli_example_schema, NULL);
}

static MigrationStream *decode_data_with(const char *path, GByteArray *data,
                                        MigrationSchemaFn schema,
                                        void *opaque);

MigrationStream *cli_decode_stream_with(const char *path,
                                        MigrationSchemaFn schema,
                                        void *opaque)
{
    g_autoptr(GByteArray) data = cli_read_input(path, CLI_INPUT_STREAM);

    return data ? decode_data_with(path, data, schema, opaque) : NULL;
}

MigrationStream *cli_decode_stream_data(const char *path, GByteArray *data)
{
    return decode_data_with(path, data, cli_example_schema, NULL);
}

static MigrationStream *decode_data_with(const char *path, GByteArray *data,
                                        MigrationSchemaFn schema,
                                        void *opaque)
{
    MigrationStream *s;
    GError *err = NULL;

    s = migration_stream_decode_full(data->data, data->len, cli_limits(),
                                     schema, opaque, &err);
    if (!s) {
        cli_error("%s: %s", path, err->message);
        /* Streams QEMU wrote are read here too, unless they carry no
         * description of their devices. */
        if (migration_detect_format(data->data, data->len) ==
                MIGRATION_FORMAT_LEGACY &&
            err->code == QVISIT_ERROR_UNKNOWN &&
            strstr(err->message, "no vmdesc")) {
            fprintf(stderr, "(a stream QEMU wrote with suppress-vmdesc=on "
                            "is read with 'qvisit dump --qemu --vmdesc "
                            "OTHER-STREAM')\n");
        }
        g_error_free(err);
    }
    return s;
}

/* Whether the file @path starts with QEMU's magic, "QEVM". */
bool cli_file_is_savevm(const char *path)
{
    char magic[4];
    FILE *f = fopen(path, "rb");
    bool yes;

    if (!f) {
        return false;       /* the ordinary reader reports it */
    }
    yes = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "QEVM", 4);
    fclose(f);
    return yes;
}

bool cli_qemu_info_has_ram(const QObject *info)
{
    QList *sections = qobject_to(QList, qdict_get(qobject_to(QDict, info),
                                                  "sections"));

    for (size_t i = 0; sections && i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        QBool *ram = sec ? qobject_to(QBool, qdict_get(sec, "ram")) : NULL;

        if (ram && qbool_get_bool(ram)) {
            return true;
        }
    }
    return false;
}

/* Whether the migration core reads @path (or @data) with the example
 * devices, as the caller's fallback will. */
static bool core_reads(const char *path, GByteArray *data)
{
    g_autoptr(GByteArray) own = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autoptr(GError) err = NULL;

    if (!data) {
        own = cli_input_read(path, CLI_INPUT_STREAM, &err);
        if (!own) {
            return false;
        }
        data = own;
    }
    s = migration_stream_decode_full(data->data, data->len, cli_limits(),
                                     cli_example_schema, NULL, &err);
    return s != NULL;
}

QObject *cli_qemu_info(const char *path, CliInputKind kind,
                       QemuStreamInfoFlags flags, GByteArray **data,
                       bool *failed)
{
    QemuStreamOptions opts;
    GError *err = NULL;
    QObject *info;

    *failed = false;
    *data = NULL;
    qemu_stream_options_init(&opts);
    opts.limits = cli_limits();
    if (!strcmp(path, "-")) {
        /* Standard input can be read once: keep it for the caller. */
        *data = cli_read_input(path, kind);
        if (!*data) {
            *failed = true;
            return NULL;
        }
        if (migration_detect_format((*data)->data, (*data)->len) !=
                MIGRATION_FORMAT_LEGACY) {
            return NULL;
        }
        info = qemu_stream_info_mem((*data)->data, (*data)->len, &opts,
                                    flags, &err);
    } else if (!cli_file_is_savevm(path)) {
        return NULL;
    } else {
        info = qemu_stream_info_path(path, &opts, flags, &err);
    }
    if (!info && err->code == QVISIT_ERROR_MISSING) {
        /*
         * No vmdesc: a stream QEMU wrote (suppress-vmdesc=on) is read
         * through the built-in QEMU devices, as `dump --qemu` reads it,
         * sections they do not know kept as bytes (the summary marks
         * them "opaque"). A stream without RAM is the migration core's,
         * whose layouts the caller's fallback knows.
         */
        g_clear_error(&err);
        opts.layouts = qemu_devices_layouts();
        opts.partial = true;
        info = *data ? qemu_stream_info_mem((*data)->data, (*data)->len,
                                            &opts, flags, &err)
                     : qemu_stream_info_path(path, &opts, flags, &err);
        if (info && cli_qemu_info_has_ram(info)) {
            return info;
        }
        qobject_unref(info);
        if (!err || core_reads(path, *data)) {
            g_clear_error(&err);
            return NULL;
        }
    }
    if (!info) {
        cli_error("%s: %s", path, err->message);
        g_error_free(err);
        *failed = true;
    }
    return info;
}

int cli_dump_native(const char *stream, const char *output, bool compact)
{
    g_autoptr(MigrationStream) s = NULL;
    g_autoptr(QDict) doc = NULL;
    g_autoptr(GString) text = NULL;
    bool failed = false;

    g_autoptr(GByteArray) data = NULL;

    /* Standard input is read once, for either reading. */
    if (!strcmp(stream, "-")) {
        data = cli_read_input(stream, CLI_INPUT_STREAM);
        if (!data) {
            return CLI_EXIT_FAILURE;
        }
    }
    /* A QEMU stream without a vmdesc: the built-in QEMU devices. */
    s = cli_qemu_decode_without_vmdesc("dump", stream, data, false,
                                       &failed);
    if (!s && !failed) {
        s = data ? cli_decode_stream_data(stream, data)
                 : cli_decode_stream(stream);
    }
    if (!s) {
        return CLI_EXIT_FAILURE;
    }
    doc = migration_stream_to_qobject(s);
    text = qobject_to_json_pretty(QOBJECT(doc), !compact);
    g_string_append_c(text, '\n');
    return cli_write_output(output, text->str, text->len);
}

/*
 * The MigrationDeviceInfo of each example device and version, made once
 * per thread: diff reads its two inputs on two threads, and a decode may
 * keep caches in the infos it is given, so threads share none.
 */
static GPrivate schema_cache = G_PRIVATE_INIT((GDestroyNotify)
                                              g_hash_table_unref);

const MigrationDeviceInfo *cli_example_schema(const char *id,
                                              uint32_t version, void *opaque)
{
    const ExampleDevice *dev = example_device_find(id, version);
    g_autofree char *key = NULL;
    GHashTable *cache;
    MigrationDeviceInfo *info;

    (void)opaque;
    if (!dev) {
        return NULL;
    }
    cache = g_private_get(&schema_cache);
    if (!cache) {
        cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      g_free);
        g_private_set(&schema_cache, cache);
    }
    key = g_strdup_printf("%s/%u", id, version);
    info = g_hash_table_lookup(cache, key);
    if (!info) {
        info = g_new0(MigrationDeviceInfo, 1);
        info->id = dev->id;
        info->version = dev->version;
        info->minimum_version = dev->minimum_version;
        info->visit = dev->visit;
        info->state_size = dev->state_size;
        info->clear = dev->clear;
        g_hash_table_insert(cache, g_steal_pointer(&key), info);
    }
    return info;
}
