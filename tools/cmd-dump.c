/*
 * qvisit dump: print a stream as JSON.
 *
 * Without --qemu: qvisit's own migration streams (legacy, binary, JSON;
 * detected) as the JSON format's document, by cli_dump_native()
 * (tools/cli-stream.c). With --qemu: real QEMU streams, by dump_qemu().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "examples/qemu-devices/qemu-devices.h"
#include "tools/cli.h"

static void dump_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit dump [--compact] [-o FILE] STREAM\n"
            "       qvisit dump --qemu [OPTIONS] STREAM\n"
            "\n"
            "Decodes a qvisit migration stream in any format (legacy,\n"
            "binary or JSON, detected from its first bytes) and prints it\n"
            "as the JSON format's document; with --qemu, decodes a QEMU 7.2\n"
            "migration stream instead. \"-\" reads standard input.\n"
            "\n"
            "options:\n"
            "  --compact         one line, no indentation (not with\n"
            "                    --analyze-compat, which prints as\n"
            "                    analyze-migration.py does)\n"
            "  --qemu            the input is a real QEMU migration stream\n"
            "  --ram             include every RAM record and page (needed\n"
            "                    for 'qvisit encode --qemu')\n"
            "  --analyze-compat  print what QEMU 7.2's analyze-migration.py\n"
            "                    -f prints\n"
            "  --desc            print the stream's vmdesc as\n"
            "                    analyze-migration.py -d desc does\n"
            "  --u64-as-string   write device integers beyond +-2^53 as\n"
            "                    decimal strings, which tools that hold\n"
            "                    numbers as doubles (jq 1.6) keep exact;\n"
            "                    'qvisit encode --qemu' reads them back\n"
            "  --vmdesc FILE     decode with the description of FILE (a\n"
            "                    stream or a JSON vmdesc), for streams\n"
            "                    written with suppress-vmdesc=on\n"
            "  --partial         a stream without a vmdesc is decoded\n"
            "                    through the built-in QEMU devices; keep\n"
            "                    the sections they do not know as opaque\n"
            "                    bytes (found by their footer) instead of\n"
            "                    failing\n"
            "  -o, --output FILE write to FILE instead of standard output\n"
            "  -h, --help        show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input, 2 usage error\n");
}

/* The output (tools/cli-output.c) and the document's progress. */
typedef struct DumpOut {
    CliOutput *out;
    bool first;         /* no analyze-compat member written yet */
} DumpOut;

/* A failed write was printed by cli_output_write(); the error only stops
 * the reader. */
static bool out_put(DumpOut *o, const char *s, size_t len, GError **errp)
{
    if (!cli_output_write(o->out, s, len)) {
        g_set_error_literal(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                            "output failed");
        return false;
    }
    return true;
}

/*
 * Writes one member of the analyze-compat document as soon as the reader
 * completes it, so memory stays bounded by the largest section. The member
 * is printed as a one-member document, which has the layout it has inside
 * the whole one (one level in, as Python's indent=4 gives): its text minus
 * the opening "{" and the closing newline and "}" is written as is.
 */
static bool write_member(const char *key, QObject *value, void *opaque,
                         GError **errp)
{
    DumpOut *o = opaque;
    g_autoptr(QDict) one = qdict_new();
    g_autoptr(GString) text = NULL;
    bool first = o->first;

    qdict_put_obj(one, key, value);
    text = qobject_to_json_pretty(QOBJECT(one), true);
    /* text is "{\n    KEY: VALUE\n}" */
    o->first = false;
    return out_put(o, first ? "{" : ",", 1, errp) &&
           out_put(o, text->str + 1, text->len - 3, errp);
}

/*
 * Reports the sections of a stream without a vmdesc that no built-in
 * device decoded (kept as "opaque" bytes); returns how many.
 */
static size_t report_opaque(QObject *dump)
{
    QDict *root = qobject_to(QDict, dump);
    QList *records = root ? qobject_to(QList, qdict_get(root, "records"))
                          : NULL;
    size_t n = 0;

    for (size_t i = 0; records && i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        QString *hex = rec ? qobject_to(QString, qdict_get(rec, "opaque"))
                           : NULL;
        QNum *id = rec ? qobject_to(QNum, qdict_get(rec, "section_id"))
                       : NULL;
        QString *idstr = rec ? qobject_to(QString, qdict_get(rec, "idstr"))
                             : NULL;
        uint64_t sid = 0;
        g_autofree char *shown = NULL;

        if (!hex || !idstr) {
            continue;
        }
        if (id) {
            qnum_get_try_uint(id, &sid);
        }
        /* The idstr is the stream's text: escaped. */
        shown = qvisit_error_escape(qstring_get_str(idstr), -1);
        cli_error("dump: %s (section %" G_GUINT64_FORMAT "): no built-in "
                  "layout; kept as opaque bytes: %zu", shown, sid,
                  strlen(qstring_get_str(hex)) / 2);
        n++;
    }
    return n;
}

static int dump_qemu(const char *stream, const QemuStreamOptions *base,
                     const char *vmdesc_path, bool desc_only, bool partial,
                     bool u64_as_string, bool compact, const char *output)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QObject) borrowed = NULL;
    g_autoptr(QObject) result = NULL;
    g_autoptr(GString) text = NULL;
    QemuStreamOptions opts = *base;
    DumpOut out = { NULL, true };
    bool ok;

    if (vmdesc_path && !desc_only) {
        borrowed = qemu_stream_load_vmdesc_path(vmdesc_path, cli_limits(),
                                                &err);
        if (!borrowed) {
            cli_error("%s", err->message);
            return CLI_EXIT_FAILURE;
        }
        opts.vmdesc = borrowed;
    }
    out.out = cli_output_open(output);
    if (!out.out) {
        return CLI_EXIT_FAILURE;
    }
    if (desc_only) {
        result = qemu_stream_load_vmdesc_path(vmdesc_path ? vmdesc_path
                                                          : stream,
                                              cli_limits(), &err);
    } else {
        if (opts.analyze_compat) {
            opts.section_fn = write_member;
            opts.section_opaque = &out;
        } else if (!opts.vmdesc) {
            /* Used only when the stream has no vmdesc. Unknown sections
             * are always skipped, so that all are reported. */
            opts.layouts = qemu_devices_layouts();
            opts.partial = true;
        }
        result = qemu_stream_dump_path(stream, &opts, &err);
    }
    if (!result) {
        /* Written in place (standard output, a FIFO), a streamed document
         * may be cut short; the exit status says so. A file keeps its old
         * contents. */
        if (!cli_output_failed(out.out)) {
            cli_error("%s", err->message);
        }
        return cli_output_close(out.out, false);
    }
    if (!opts.analyze_compat && report_opaque(result) && !partial) {
        cli_error("dump: the stream has no vmdesc and sections no built-in "
                  "device knows; --partial dumps the others");
        return cli_output_close(out.out, false);
    }
    if (opts.section_fn) {
        ok = out_put(&out, out.first ? "{}\n" : "\n}\n", 3, NULL);
    } else {
        if (u64_as_string) {
            cli_qemu_u64_as_string(result);
        }
        text = qobject_to_json_pretty(result, !compact);
        g_string_append_c(text, '\n');
        ok = out_put(&out, text->str, text->len, NULL);
    }
    return cli_output_close(out.out, ok);
}

int cmd_dump(int argc, char **argv)
{
    QemuStreamOptions opts;
    const char *stream = NULL, *vmdesc = NULL, *output = NULL;
    bool qemu = false, desc = false, compact = false, partial = false;
    bool u64_str = false;

    qemu_stream_options_init(&opts);
    opts.limits = cli_limits();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            dump_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--qemu")) {
            qemu = true;
        } else if (!strcmp(a, "--compact")) {
            compact = true;
        } else if (!strcmp(a, "--ram")) {
            opts.ram_full = true;
        } else if (!strcmp(a, "--analyze-compat")) {
            opts.analyze_compat = true;
        } else if (!strcmp(a, "--desc")) {
            desc = true;
        } else if (!strcmp(a, "--partial")) {
            partial = true;
        } else if (!strcmp(a, "--u64-as-string")) {
            u64_str = true;
        } else if (!strcmp(a, "--vmdesc") || !strcmp(a, "-o") ||
                   !strcmp(a, "--output")) {
            if (i + 1 >= argc) {
                cli_error("dump: %s needs an argument", a);
                return CLI_EXIT_USAGE;
            }
            *(a[1] == 'o' || a[2] == 'o' ? &output : &vmdesc) = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("dump: unknown option '%s'", a);
            dump_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!stream) {
            stream = a;
        } else {
            cli_error("dump: more than one input");
            return CLI_EXIT_USAGE;
        }
    }
    if (!stream) {
        cli_error("dump: no input stream (use - for standard input)");
        dump_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!qemu) {
        if (opts.ram_full || opts.analyze_compat || desc || vmdesc ||
            partial) {
            cli_error("dump: --ram, --analyze-compat, --desc, --vmdesc and "
                      "--partial need --qemu");
            return CLI_EXIT_USAGE;
        }
        if (u64_str) {
            cli_error("dump: --u64-as-string needs --qemu");
            return CLI_EXIT_USAGE;
        }
        return cli_dump_native(stream, output, compact);
    }
    if (opts.ram_full && opts.analyze_compat) {
        cli_error("dump: --ram and --analyze-compat cannot be combined");
        return CLI_EXIT_USAGE;
    }
    if (u64_str && (opts.analyze_compat || desc)) {
        /* Their integers are analyze-migration.py's, as it prints them. */
        cli_error("dump: --u64-as-string is for the native dump, not "
                  "--analyze-compat or --desc");
        return CLI_EXIT_USAGE;
    }
    if (compact && opts.analyze_compat) {
        cli_error("dump: --compact and --analyze-compat cannot be combined");
        return CLI_EXIT_USAGE;
    }
    return dump_qemu(stream, &opts, vmdesc, desc, partial, u64_str,
                     compact, output);
}
