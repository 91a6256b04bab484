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
static bool file_is_savevm(const char *path)
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
    } else if (!file_is_savevm(path)) {
        return NULL;
    } else {
        info = qemu_stream_info_path(path, &opts, flags, &err);
    }
    if (!info && err->code == QVISIT_ERROR_MISSING) {
        /* No vmdesc: the migration core may know the layouts. */
        g_error_free(err);
        return NULL;
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
    g_autoptr(MigrationStream) s = cli_decode_stream(stream);
    g_autoptr(QDict) doc = NULL;
    g_autoptr(GString) text = NULL;

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
