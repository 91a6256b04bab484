/*
 * Helpers shared by the stream subcommands (dump, convert, info, diff):
 * reading an input ("-" is standard input) with a progress line, and
 * the example devices as the schema the legacy format needs (outputs are
 * written by tools/cli-output.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

#include "examples/devices/example-devices.h"

/* Streams above this size get a progress line on a terminal. */
#define PROGRESS_MIN (4u << 20)

GByteArray *cli_read_input(const char *path)
{
    g_autoptr(GByteArray) data = g_byte_array_new();
    bool progress = isatty(STDERR_FILENO);
    FILE *f;
    uint8_t buf[1 << 16];
    size_t n;

    if (!strcmp(path, "-")) {
        f = stdin;
    } else {
        f = fopen(path, "rb");
        if (!f) {
            cli_error("%s: %s", path, g_strerror(errno));
            return NULL;
        }
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        g_byte_array_append(data, buf, n);
        if (progress && data->len >= PROGRESS_MIN &&
            data->len % (1u << 22) < sizeof(buf)) {
            fprintf(stderr, "\rreading %s: %u MiB", path, data->len >> 20);
        }
    }
    if (progress && data->len >= PROGRESS_MIN) {
        fprintf(stderr, "\rreading %s: %u MiB, done\n", path,
                data->len >> 20);
    }
    if (ferror(f)) {
        cli_error("%s: %s", path, g_strerror(errno));
        if (f != stdin) {
            fclose(f);
        }
        return NULL;
    }
    if (f != stdin) {
        fclose(f);
    }
    return g_steal_pointer(&data);
}

MigrationStream *cli_decode_stream(const char *path)
{
    return cli_decode_stream_with(path, cli_example_schema, NULL);
}

MigrationStream *cli_decode_stream_with(const char *path,
                                        MigrationSchemaFn schema,
                                        void *opaque)
{
    g_autoptr(GByteArray) data = cli_read_input(path);
    MigrationStream *s;
    GError *err = NULL;

    if (!data) {
        return NULL;
    }
    s = migration_stream_decode_full(data->data, data->len, cli_limits(),
                                     schema, opaque, &err);
    if (!s) {
        cli_error("%s: %s", path, err->message);
        if (migration_detect_format(data->data, data->len) ==
                MIGRATION_FORMAT_LEGACY) {
            fprintf(stderr, "(a stream written by QEMU itself is read with "
                            "'qvisit dump --qemu')\n");
        }
        g_error_free(err);
    }
    return s;
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

static GHashTable *schema_cache;

const MigrationDeviceInfo *cli_example_schema(const char *id,
                                              uint32_t version, void *opaque)
{
    const ExampleDevice *dev = example_device_find(id, version);
    g_autofree char *key = NULL;
    MigrationDeviceInfo *info;

    (void)opaque;
    if (!dev) {
        return NULL;
    }
    if (!schema_cache) {
        schema_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             g_free);
    }
    key = g_strdup_printf("%s/%u", id, version);
    info = g_hash_table_lookup(schema_cache, key);
    if (!info) {
        info = g_new0(MigrationDeviceInfo, 1);
        info->id = dev->id;
        info->version = dev->version;
        info->minimum_version = dev->minimum_version;
        info->visit = dev->visit;
        info->state_size = dev->state_size;
        info->clear = dev->clear;
        g_hash_table_insert(schema_cache, g_steal_pointer(&key), info);
    }
    return info;
}
