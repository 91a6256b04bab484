/*
 * qvisit info: what a stream holds. A QEMU savevm stream (one QEMU wrote,
 * or the legacy format) is summarised by the QEMU wire codec
 * (qemu_stream_info_path()); the other formats by the migration core.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void info_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit info [--json] STREAM\n"
            "\n"
            "Prints a stream's format, size, machine type, capabilities\n"
            "and, per device section, its id, instance, version and size.\n"
            "For a QEMU savevm stream (written by QEMU, or qvisit's legacy\n"
            "format): page size, configuration subsections,\n"
            "COMMAND records, every section with its section id and number\n"
            "of records, and the RAM blocks with their lengths and page\n"
            "counts; without a vmdesc, the device sections are read by\n"
            "the built-in QEMU devices and those none of them knows are\n"
            "listed as not decoded. \"-\" reads standard input.\n"
            "\n"
            "options:\n"
            "  --json        print a QEMU stream's summary as JSON\n"
            "                (the document of qemu_stream_info_path())\n"
            "  -h, --help    show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input, 2 usage error\n");
}

static uint64_t num(const QDict *d, const char *key)
{
    uint64_t v = 0;

    qnum_get_try_uint(qobject_to(QNum, qdict_get(d, key)), &v);
    return v;
}

/* Text of the stream, escaped for the terminal. */
static char *text(const QDict *d, const char *key)
{
    QString *s = qobject_to(QString, qdict_get(d, key));

    return qvisit_error_escape(s ? qstring_get_str(s) : "-", -1);
}

static void print_configuration(const QDict *info)
{
    QDict *conf = qobject_to(QDict, qdict_get(info, "configuration"));
    QList *subs = conf ? qobject_to(QList, qdict_get(conf, "subsections"))
                       : NULL;

    if (!conf) {
        printf("configuration: none\n");
        return;
    }
    printf("configuration: %zu subsection%s\n", subs ? qlist_size(subs) : 0,
           subs && qlist_size(subs) == 1 ? "" : "s");
    for (size_t i = 0; subs && i < qlist_size(subs); i++) {
        QDict *sub = qobject_to(QDict, qlist_get(subs, i));
        QList *caps = qobject_to(QList, qdict_get(sub, "capabilities"));
        g_autofree char *name = text(sub, "name");

        printf("  %s v%" PRIu64 ":", name, num(sub, "version_id"));
        if (caps) {
            for (size_t k = 0; k < qlist_size(caps); k++) {
                QString *c = qobject_to(QString, qlist_get(caps, k));
                g_autofree char *cap =
                    qvisit_error_escape(c ? qstring_get_str(c) : "", -1);

                printf("%s %s", k ? "," : "", cap);
            }
            if (!qlist_size(caps)) {
                printf(" (no capabilities)");
            }
        } else if (qdict_haskey(sub, "uuid")) {
            g_autofree char *uuid = text(sub, "uuid");

            printf(" %s", uuid);
        } else if (qdict_haskey(sub, "page_bits")) {
            printf(" %" PRIu64, num(sub, "page_bits"));
        }
        printf("\n");
    }
}

static void print_qemu_info(const char *in, const QDict *info)
{
    QDict *vmdesc = qobject_to(QDict, qdict_get(info, "vmdesc"));
    QList *sections = qobject_to(QList, qdict_get(info, "sections"));
    QList *commands = qobject_to(QList, qdict_get(info, "commands"));
    QDict *ram = qobject_to(QDict, qdict_get(info, "ram"));
    QList *blocks = ram ? qobject_to(QList, qdict_get(ram, "blocks")) : NULL;
    uint64_t page_size = num(info, "page_size");
    g_autofree char *machine = text(info, "machine_type");
    size_t devices = 0;

    (void)in;
    for (size_t i = 0; i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));

        devices += (!qobject_to(QBool, qdict_get(sec, "ram")) ||
                    !qbool_get_bool(qobject_to(QBool,
                                               qdict_get(sec, "ram")))) &&
                   !qdict_haskey(sec, "iterative");
    }
    printf("format:       legacy (QEMU savevm stream, version %" PRIu64
           ")\n", num(info, "stream_version"));
    printf("size:         %" PRIu64 " bytes\n", num(info, "size"));
    printf("machine:      %s\n", machine);
    printf("page size:    %" PRIu64 "\n", page_size);
    if (vmdesc && qdict_haskey(vmdesc, "bytes")) {
        printf("vmdesc:       %" PRIu64 " bytes\n", num(vmdesc, "bytes"));
    } else {
        printf("vmdesc:       %s\n",
               vmdesc ? "none (borrowed)"
                      : "none (device sections read by the built-in QEMU "
                        "devices)");
    }
    print_configuration(info);
    printf("commands:     %zu\n", qlist_size(commands));
    for (size_t i = 0; i < qlist_size(commands); i++) {
        QDict *c = qobject_to(QDict, qlist_get(commands, i));
        g_autofree char *name = text(c, "name");
        g_autofree char *data = text(c, "data");

        printf("  %s (%" PRIu64 ") at byte %" PRIu64 "%s%s\n", name,
               num(c, "cmd"), num(c, "offset"), *data ? ": " : "", data);
    }
    printf("sections:     %zu (%zu devices)\n", qlist_size(sections),
           devices);
    if (qlist_size(sections)) {
        printf("\n  %-24s %6s %8s %8s %7s %10s\n", "SECTION", "ID",
               "INSTANCE", "VERSION", "RECORDS", "BYTES");
    }
    for (size_t i = 0; i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        g_autofree char *id = text(sec, "idstr");

        printf("  %-24s %6" PRIu64 " %8" PRIu64 " %8" PRIu64 " %7" PRIu64
               " %10" PRIu64 "\n", id, num(sec, "section_id"),
               num(sec, "instance_id"), num(sec, "version_id"),
               num(sec, "records"), num(sec, "bytes"));
    }
    /* Iterative sections other than RAM (block migration, dirty bitmaps,
     * and those qvisit keeps as opaque bytes), when there are any. */
    size_t live = 0;

    for (size_t i = 0; i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        g_autofree char *id = NULL;
        g_autofree char *kind = NULL;

        if (!qdict_haskey(sec, "iterative")) {
            continue;
        }
        id = text(sec, "idstr");
        kind = text(sec, "iterative");
        printf("%s%s#%" PRIu64 " (%s)", live++ ? ", " : "\niterative:    ",
               id, num(sec, "instance_id"),
               strcmp(kind, "opaque") ? "decoded" : "opaque, not decoded");
    }
    if (live) {
        printf("\n");
    }
    /* Without a vmdesc, the device sections no built-in device knows,
     * skipped by the footer search (docs/qemu-streams.md). */
    live = 0;
    for (size_t i = 0; i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        g_autofree char *id = NULL;

        if (!qdict_haskey(sec, "opaque")) {
            continue;
        }
        id = text(sec, "idstr");
        printf("%s%s#%" PRIu64, live++ ? ", " : "\nnot decoded:  ", id,
               num(sec, "instance_id"));
    }
    if (live) {
        printf(" (no built-in device knows %s: kept as bytes)\n",
               live == 1 ? "it" : "them");
    }
    printf("\nRAM blocks:   %zu\n", qlist_size(blocks));
    if (qlist_size(blocks)) {
        printf("\n  %-24s %12s %8s %8s %8s %10s %8s\n", "BLOCK", "LENGTH",
               "PAGES", "ZERO", "FULL", "COMPRESSED", "XBZRLE");
    }
    for (size_t i = 0; i < qlist_size(blocks); i++) {
        QDict *b = qobject_to(QDict, qlist_get(blocks, i));
        g_autofree char *id = text(b, "id");
        uint64_t len = num(b, "length");

        printf("  %-24s %12" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
               " %10" PRIu64 " %8" PRIu64 "\n", id, len,
               page_size ? (len + page_size - 1) / page_size : 0,
               num(b, "zero_pages"), num(b, "pages"),
               num(b, "compressed_pages"), num(b, "xbzrle_pages"));
    }
}

int cmd_info(int argc, char **argv)
{
    const char *in = NULL;
    bool json = false, failed;
    g_autoptr(QObject) info = NULL;
    g_autoptr(GByteArray) data = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autofree char *caps = NULL;
    g_autofree char *machine = NULL;
    GError *err = NULL;
    size_t n;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            info_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("info: unknown option '%s'", a);
            info_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!in) {
            in = a;
        } else {
            cli_error("info: more than one input");
            return CLI_EXIT_USAGE;
        }
    }
    if (!in) {
        cli_error("info: no input stream (use - for standard input)");
        info_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    info = cli_qemu_info(in, CLI_INPUT_STREAM, QEMU_STREAM_INFO_DEFAULT,
                         &data, &failed);
    if (failed) {
        return CLI_EXIT_FAILURE;
    }
    if (info) {
        if (json) {
            g_autoptr(GString) t = qobject_to_json_pretty(info, true);

            g_string_append_c(t, '\n');
            return cli_write_output("-", t->str, t->len);
        }
        print_qemu_info(in, qobject_to(QDict, info));
        return CLI_EXIT_OK;
    }
    if (json) {
        cli_error("info: --json: %s is not a QEMU savevm stream with a "
                  "vmdesc", in);
        return CLI_EXIT_FAILURE;
    }
    if (!data) {
        data = cli_read_input(in, CLI_INPUT_STREAM);
    }
    if (!data) {
        return CLI_EXIT_FAILURE;
    }
    s = migration_stream_decode_full(data->data, data->len, cli_limits(),
                                     cli_example_schema, NULL, &err);
    if (!s) {
        cli_error("%s: %s", in, err->message);
        g_error_free(err);
        return CLI_EXIT_FAILURE;
    }
    caps = migration_capabilities_to_string(
        migration_stream_get_capabilities(s));
    n = migration_stream_get_size(s);
    /* Text from the stream is printed through qvisit_error_escape(). */
    machine = qvisit_error_escape(migration_stream_get_machine(s), -1);
    printf("format:       %s\n",
           migration_format_name(migration_stream_get_format(s)));
    printf("size:         %u bytes\n", data->len);
    printf("machine:      %s\n", machine);
    printf("capabilities: %s\n", caps);
    printf("devices:      %zu\n", n);
    if (n) {
        printf("\n  %-24s %8s %8s %10s\n", "DEVICE", "INSTANCE", "VERSION",
               "BYTES");
    }
    for (size_t i = 0; i < n; i++) {
        const MigrationSection *sec = migration_stream_get_section(s, i);
        g_autofree char *id = qvisit_error_escape(sec->id, -1);

        printf("  %-24s %8" PRIu32 " %8" PRIu32, id, sec->instance_id,
               sec->version);
        if (sec->size) {
            printf(" %10zu\n", sec->size);
        } else {
            printf(" %10s\n", "-");
        }
    }
    return CLI_EXIT_OK;
}
