/*
 * qvisit diff: member-level differences between two states. Streams QEMU
 * wrote (and the legacy format) are read by the QEMU wire codec, which
 * also gives their RAM as page digests (qemu_stream_info_path()).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

typedef struct DiffCtx {
    bool color;
    size_t count;
    GPtrArray *ignore;      /* of patterns: paths not reported */
    bool hex_buffers;       /* strings are QEMU's opaque fields as hex */
} DiffCtx;

/* Bytes of a buffer listed one by one before they are given as ranges. */
#define DIFF_MAX_BYTES 8

/* Page ranges listed per RAM block before "...". */
#define DIFF_MAX_RANGES 16

static void diff_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit diff [OPTIONS] A B\n"
            "\n"
            "Compares two states member by member and prints one line per\n"
            "difference: \"- path: value\" only in A, \"+ path: value\" only\n"
            "in B, \"~ path: a -> b\" changed. A and B are streams in any\n"
            "format or plain JSON documents (\"-\" for standard input).\n"
            "Sections are matched by id and instance (\"id#instance\" for\n"
            "instances other than 0, \"id#instance@n\" for the n-th section\n"
            "with that id and instance). Of two QEMU savevm streams (written\n"
            "by QEMU, or the legacy format) RAM is compared too, as final\n"
            "memory contents: one line per block whose pages differ, with\n"
            "the differing ranges of offsets in the block\n"
            "(\"~ ram[pc.ram]: 2 pages differ: 0x1000-0x1fff, 0x8000-0x8fff\").\n"
            "A QEMU stream without a vmdesc is read through the built-in\n"
            "QEMU devices, as 'dump --qemu' reads it.\n"
            "Output is coloured when standard output is a terminal.\n"
            "\n"
            "options:\n"
            "  --ignore PATTERN      leave out differences whose path matches\n"
            "                        PATTERN (* and ? wildcards; repeatable),\n"
            "                        e.g. 'mc146818rtc.*' or 'ram[*]'\n"
            "  --partial             a QEMU stream without a vmdesc whose\n"
            "                        sections no built-in QEMU device knows\n"
            "                        is compared with those sections' bytes\n"
            "                        (else it is an error)\n"
            "  --color, --no-color   force colours on or off\n"
            "  -h, --help            show this help\n"
            "\n"
            "exit status: 0 no differences, 1 differences or bad input,\n"
            "2 usage error\n");
}

/* Member names and values come from the inputs: escaped for the terminal
 * (a value cut by to_text() may also end inside a UTF-8 character). */
static void line(DiffCtx *c, char mark, const char *path, const char *text)
{
    const char *col = mark == '-' ? "\033[31m" : mark == '+' ? "\033[32m"
                                                             : "\033[33m";
    g_autofree char *shown_path = NULL;
    g_autofree char *shown_text = NULL;

    for (guint i = 0; c->ignore && i < c->ignore->len; i++) {
        if (g_pattern_match_simple(g_ptr_array_index(c->ignore, i),
                                   path)) {
            return;
        }
    }
    shown_path = qvisit_error_escape(path, -1);
    shown_text = qvisit_error_escape(text, -1);

    printf("%s%c %s: %s%s\n", c->color ? col : "", mark,
           *path ? shown_path : "(root)", shown_text,
           c->color ? "\033[0m" : "");
    c->count++;
}

static char *to_text(const QObject *o)
{
    GString *s = qobject_to_json((QObject *)o);

    if (s->len > 72) {
        g_string_truncate(s, 69);
        g_string_append(s, "...");
    }
    return g_string_free(s, false);
}

static bool is_hex(const char *s, size_t len)
{
    if (len % 2) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i])) {
            return false;
        }
    }
    return true;
}

/*
 * QEMU's opaque fields (buffers, "unused", option ROMs) are lowercase hex
 * strings in a stream's state: two of the same length are compared byte
 * by byte, "cmos_data[56]: 0x30 -> 0xa5", or as ranges of byte indexes
 * when many differ. Returns false when @a and @b are not two such
 * strings.
 */
static bool diff_hex(DiffCtx *c, GString *path, QObject *a, QObject *b)
{
    QString *qa = qobject_to(QString, a), *qb = qobject_to(QString, b);
    const char *sa, *sb;
    size_t len, saved = path->len, count = 0, nranges = 0;
    g_autoptr(GString) ranges = g_string_new(NULL);

    if (!qa || !qb) {
        return false;
    }
    sa = qstring_get_str(qa);
    sb = qstring_get_str(qb);
    len = strlen(sa);
    if (len != strlen(sb) || !len || !is_hex(sa, len) || !is_hex(sb, len)) {
        return false;
    }
    for (size_t i = 0; i < len; i += 2) {
        count += memcmp(sa + i, sb + i, 2) != 0;
    }
    for (size_t i = 0; i < len / 2 && count <= DIFF_MAX_BYTES; i++) {
        if (memcmp(sa + 2 * i, sb + 2 * i, 2)) {
            g_autofree char *t = g_strdup_printf("0x%.2s -> 0x%.2s",
                                                 sa + 2 * i, sb + 2 * i);

            g_string_append_printf(path, "[%zu]", i);
            line(c, '~', path->str, t);
            g_string_truncate(path, saved);
        }
    }
    if (count <= DIFF_MAX_BYTES) {
        return true;
    }
    for (size_t i = 0; i < len / 2;) {
        size_t end = i;

        while (end < len / 2 && memcmp(sa + 2 * end, sb + 2 * end, 2)) {
            end++;
        }
        if (end == i) {
            i++;
            continue;
        }
        if (nranges++ < DIFF_MAX_RANGES) {
            g_string_append_printf(ranges, "%s[%zu]", ranges->len ? ", " : "",
                                   i);
            if (end - i > 1) {
                g_string_truncate(ranges, ranges->len - 1);
                g_string_append_printf(ranges, "..%zu]", end - 1);
            }
        }
        i = end;
    }
    if (nranges > DIFF_MAX_RANGES) {
        g_string_append_printf(ranges, ", ... (%zu ranges)", nranges);
    }
    {
        g_autofree char *t = g_strdup_printf("%zu of %zu bytes differ: %s",
                                             count, len / 2, ranges->str);

        line(c, '~', path->str, t);
    }
    return true;
}

static void diff_obj(DiffCtx *c, GString *path, QObject *a, QObject *b)
{
    QDict *da = qobject_to(QDict, a), *db = qobject_to(QDict, b);
    QList *la = qobject_to(QList, a), *lb = qobject_to(QList, b);
    size_t saved = path->len;

    if (da && db) {
        for (const QDictEntry *e = qdict_first(da); e; e = qdict_next(da, e)) {
            QObject *other = qdict_get(db, qdict_entry_key(e));

            g_string_append_printf(path, "%s%s", path->len ? "." : "",
                                   qdict_entry_key(e));
            if (!other) {
                g_autofree char *t = to_text(qdict_entry_value(e));

                line(c, '-', path->str, t);
            } else {
                diff_obj(c, path, qdict_entry_value(e), other);
            }
            g_string_truncate(path, saved);
        }
        for (const QDictEntry *e = qdict_first(db); e; e = qdict_next(db, e)) {
            if (!qdict_haskey(da, qdict_entry_key(e))) {
                g_autofree char *t = to_text(qdict_entry_value(e));

                g_string_append_printf(path, "%s%s", path->len ? "." : "",
                                       qdict_entry_key(e));
                line(c, '+', path->str, t);
                g_string_truncate(path, saved);
            }
        }
        return;
    }
    if (la && lb) {
        size_t na = qlist_size(la), nb = qlist_size(lb);

        for (size_t i = 0; i < MAX(na, nb); i++) {
            g_string_append_printf(path, "[%zu]", i);
            if (i >= nb) {
                g_autofree char *t = to_text(qlist_get(la, i));

                line(c, '-', path->str, t);
            } else if (i >= na) {
                g_autofree char *t = to_text(qlist_get(lb, i));

                line(c, '+', path->str, t);
            } else {
                diff_obj(c, path, qlist_get(la, i), qlist_get(lb, i));
            }
            g_string_truncate(path, saved);
        }
        return;
    }
    if (c->hex_buffers && diff_hex(c, path, a, b)) {
        return;
    }
    if (!qobject_is_equal(a, b)) {
        g_autofree char *ta = to_text(a);
        g_autofree char *tb = to_text(b);
        g_autofree char *t = g_strdup_printf("%s -> %s", ta, tb);

        line(c, '~', path->str, t);
    }
}

static char *section_key(const char *id, uint64_t instance_id)
{
    return instance_id ? g_strdup_printf("%s#%" PRIu64, id, instance_id)
                       : g_strdup(id);
}

/*
 * The key of a section that may not be the first with its id and
 * instance (isapc writes two "isa-ide" instance 0): the first keeps
 * section_key(), the n-th (n >= 2, in stream order) is "id#instance@n",
 * so that no section hides another. @seen counts keys so far.
 */
static char *unique_key(GHashTable *seen, const char *id,
                        uint64_t instance_id)
{
    char *key = section_key(id, instance_id);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(seen, key)) + 1;

    g_hash_table_insert(seen, g_strdup(key), GUINT_TO_POINTER(n));
    if (n == 1) {
        return key;
    }
    g_free(key);
    return g_strdup_printf("%s#%" PRIu64 "@%u", id, instance_id, n);
}

/* The device sections of a QEMU stream's summary, as load_tree() keys
 * them. */
static QObject *info_tree(QDict *info)
{
    QList *sections = qobject_to(QList, qdict_get(info, "sections"));
    QDict *tree = qdict_new();
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
                                                       g_str_equal, g_free,
                                                       NULL);

    for (size_t i = 0; i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        QObject *state = qdict_get(sec, "state");
        const char *id = qstring_get_str(qobject_to(QString,
                                                    qdict_get(sec, "idstr")));
        uint64_t inst = 0, version = 0;
        g_autofree char *key = NULL;
        g_autofree char *vkey = NULL;

        if (!state) {
            /* A section of a stream without a vmdesc that no built-in
             * device knows (with --partial): its payload's bytes. */
            state = qdict_get(sec, "opaque_payload");
        }
        if (!state) {
            continue;           /* RAM, other iterative sections */
        }
        qnum_get_try_uint(qobject_to(QNum, qdict_get(sec, "instance_id")),
                          &inst);
        qnum_get_try_uint(qobject_to(QNum, qdict_get(sec, "version_id")),
                          &version);
        key = unique_key(seen, id, inst);
        vkey = g_strdup_printf("%s (version)", key);
        qdict_put_obj(tree, key, qobject_ref(state));
        qdict_put_uint(tree, vkey, version);
    }
    return QOBJECT(tree);
}

/*
 * A stream becomes {"id[#instance]": state}, plus "id.version" lines
 * compared as members too; any other JSON document is taken as it is. A
 * QEMU savevm stream with a vmdesc also gives its summary in *@info, for
 * the RAM.
 */
/*
 * The QEMU-stream reading of one input (cli_qemu_info()), done ahead on a
 * thread of its own: reading a 1 GiB stream is a core's worth of read()
 * copying, so diff reads its second input beside the first and takes
 * about the wall time of one dump. Its errors are kept, to be printed
 * after the first input's, as a diff done in turn prints them.
 */
/* What diff asks of a QEMU stream's summary: device states and RAM. */
#define DIFF_INFO_FLAGS \
    (QEMU_STREAM_INFO_STATES | QEMU_STREAM_INFO_RAM_DIGESTS)

typedef struct PreRead {
    const char *path;
    QObject *info;          /* the summary, or NULL */
    GByteArray *data;       /* what cli_qemu_info() read and kept */
    bool failed;
    GString *errors;
    GThread *thread;
    bool ready;             /* the thread ran: the fields above hold */
} PreRead;

static gpointer pre_read_run(gpointer opaque)
{
    PreRead *pr = opaque;

    cli_error_capture(pr->errors);
    pr->info = cli_qemu_info(pr->path, CLI_INPUT_STREAM_OR_JSON,
                             DIFF_INFO_FLAGS, &pr->data, &pr->failed);
    cli_error_capture(NULL);
    return NULL;
}

/* Starts reading @path; standard input is left to load_tree(). */
static void pre_read_start(PreRead *pr, const char *path)
{
    *pr = (PreRead){ .path = path };
    if (strcmp(path, "-")) {
        /* The first GError sets up GLib's quark lock and slice allocator
         * lazily, in code ThreadSanitizer cannot see synchronise: raise
         * one here, while there is one thread, so a TSan build stays
         * quiet. */
        g_error_free(g_error_new_literal(QVISIT_ERROR, QVISIT_ERROR_FAILED,
                                         ""));
        pr->errors = g_string_new(NULL);
        pr->thread = g_thread_new("diff-read", pre_read_run, pr);
    }
}

/* Waits for the reading; prints its errors when @report. */
static void pre_read_finish(PreRead *pr, bool report)
{
    if (!pr->thread) {
        return;
    }
    g_thread_join(pr->thread);
    pr->thread = NULL;
    pr->ready = true;
    if (report) {
        fputs(pr->errors->str, stderr);
    }
    g_string_free(pr->errors, true);
    pr->errors = NULL;
}

static void pre_read_clear(PreRead *pr)
{
    pre_read_finish(pr, false);
    qobject_unref(pr->info);
    if (pr->data) {
        g_byte_array_unref(pr->data);
    }
    *pr = (PreRead){ 0 };
}

/*
 * With @pre (a finished pre_read_start() of @path), its result stands for
 * the cli_qemu_info() call, and is taken over.
 */
static QObject *load_tree(const char *path, PreRead *pre, QObject **info)
{
    g_autoptr(GByteArray) data = NULL;
    g_autoptr(MigrationStream) s = NULL;
    g_autoptr(GHashTable) seen = NULL;
    GError *err = NULL;
    QDict *tree;
    bool failed;

    if (pre && pre->ready) {
        *info = g_steal_pointer(&pre->info);
        data = g_steal_pointer(&pre->data);
        failed = pre->failed;
    } else {
        *info = cli_qemu_info(path, CLI_INPUT_STREAM_OR_JSON,
                              DIFF_INFO_FLAGS, &data, &failed);
    }
    if (failed) {
        return NULL;
    }
    if (*info) {
        return info_tree(qobject_to(QDict, *info));
    }
    if (!data) {
        data = cli_read_input(path, CLI_INPUT_STREAM_OR_JSON);
    }
    if (!data) {
        return NULL;
    }
    if (migration_detect_format(data->data, data->len) !=
            MIGRATION_FORMAT_UNKNOWN) {
        s = migration_stream_decode_full(data->data, data->len, cli_limits(),
                                     cli_example_schema, NULL, &err);
    }
    if (!s) {
        QObject *doc;

        g_clear_error(&err);
        doc = qobject_from_json_full((const char *)data->data, data->len,
                                     cli_limits(), &err);
        if (!doc) {
            cli_error("%s: neither a migration stream nor JSON: %s", path,
                      err->message);
            g_error_free(err);
        }
        return doc;
    }
    /* A QEMU stream converted to json or binary compares as the QEMU
     * stream it holds, RAM included. */
    if (cli_qemu_has_framing(s)) {
        *info = cli_qemu_info_from_stream(s, path, DIFF_INFO_FLAGS);
        return *info ? info_tree(qobject_to(QDict, *info)) : NULL;
    }
    tree = qdict_new();
    seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < migration_stream_get_size(s); i++) {
        const MigrationSection *sec = migration_stream_get_section(s, i);
        g_autofree char *key = unique_key(seen, sec->id, sec->instance_id);
        g_autofree char *vkey = g_strdup_printf("%s (version)", key);

        qdict_put(tree, key, qobject_ref(sec->state));
        qdict_put_uint(tree, vkey, sec->version);
    }
    return QOBJECT(tree);
}

static QList *ram_blocks(QObject *info)
{
    QDict *ram = qobject_to(QDict, qdict_get(qobject_to(QDict, info),
                                             "ram"));

    return ram ? qobject_to(QList, qdict_get(ram, "blocks")) : NULL;
}

static QDict *find_block(QList *blocks, const char *id)
{
    for (size_t i = 0; i < qlist_size(blocks); i++) {
        QDict *b = qobject_to(QDict, qlist_get(blocks, i));
        QString *bid = qobject_to(QString, qdict_get(b, "id"));

        if (bid && !strcmp(qstring_get_str(bid), id)) {
            return b;
        }
    }
    return NULL;
}

static uint64_t block_num(QDict *b, const char *key)
{
    uint64_t v = 0;

    qnum_get_try_uint(qobject_to(QNum, qdict_get(b, key)), &v);
    return v;
}

/* One block's pages, compared by their final contents' digests. */
static void diff_block(DiffCtx *c, const char *id, QDict *a, QDict *b,
                       uint64_t page_size)
{
    const char *da = qstring_get_str(qobject_to(QString,
                                                qdict_get(a, "digests")));
    const char *db = qstring_get_str(qobject_to(QString,
                                                qdict_get(b, "digests")));
    size_t na = strlen(da) / 16, nb = strlen(db) / 16;
    uint64_t la = block_num(a, "length"), lb = block_num(b, "length");
    g_autofree char *path = g_strdup_printf("ram[%s]", id);
    g_autoptr(GString) ranges = g_string_new(NULL);
    size_t pages = 0, nranges = 0;

    if (la != lb) {
        g_autofree char *lpath = g_strdup_printf("%s.length", path);
        g_autofree char *t = g_strdup_printf("%" PRIu64 " -> %" PRIu64, la,
                                             lb);

        line(c, '~', lpath, t);
    }
    for (size_t i = 0; i < MAX(na, nb);) {
        size_t end = i;

        /* A page past the shorter block counts as different. */
        while (end < MAX(na, nb) &&
               (end >= na || end >= nb ||
                memcmp(da + 16 * end, db + 16 * end, 16))) {
            end++;
        }
        if (end == i) {
            i++;
            continue;
        }
        pages += end - i;
        if (nranges++ < DIFF_MAX_RANGES) {
            g_string_append_printf(ranges, "%s0x%" PRIx64 "-0x%" PRIx64,
                                   ranges->len ? ", " : "",
                                   (uint64_t)i * page_size,
                                   (uint64_t)end * page_size - 1);
        }
        i = end;
    }
    if (pages) {
        g_autofree char *t = NULL;

        if (nranges > DIFF_MAX_RANGES) {
            g_string_append_printf(ranges, ", ... (%zu ranges)", nranges);
        }
        t = g_strdup_printf("%zu page%s differ%s: %s", pages,
                            pages == 1 ? "" : "s", pages == 1 ? "s" : "",
                            ranges->str);
        line(c, '~', path, t);
    }
}

/*
 * Of a QEMU stream without a vmdesc read through the built-in devices:
 * the sections none of them knows (kept as bytes), which only --partial
 * compares. Prints them and returns false when there are any.
 */
static bool check_decoded(const char *in, QObject *info, bool partial)
{
    QList *sections = qobject_to(QList, qdict_get(qobject_to(QDict, info),
                                                  "sections"));
    g_autoptr(GString) names = g_string_new(NULL);
    size_t n = 0;

    for (size_t i = 0; sections && i < qlist_size(sections); i++) {
        QDict *sec = qobject_to(QDict, qlist_get(sections, i));
        QString *id = qobject_to(QString, qdict_get(sec, "idstr"));

        if (!qdict_haskey(sec, "opaque") || !id) {
            continue;
        }
        if (n++ < 3) {
            g_string_append_printf(names, "%s%s", names->len ? ", " : "",
                                   qstring_get_str(id));
        }
    }
    if (!n || partial) {
        return true;
    }
    if (n > 3) {
        g_string_append_printf(names, ", ... (%zu)", n);
    }
    {
        g_autofree char *shown = qvisit_error_escape(names->str, -1);

        cli_error("%s: the stream has no vmdesc and sections no built-in "
                  "device knows (%s); --partial compares their bytes", in,
                  shown);
    }
    return false;
}

/* RAM as final memory contents, block by block (matched by id). */
static void diff_ram(DiffCtx *c, QObject *ia, QObject *ib)
{
    QList *ba = ram_blocks(ia), *bb = ram_blocks(ib);
    uint64_t page_size = 0;

    qnum_get_try_uint(qobject_to(QNum, qdict_get(qobject_to(QDict, ia),
                                                 "page_size")), &page_size);
    for (size_t i = 0; i < qlist_size(ba); i++) {
        QDict *a = qobject_to(QDict, qlist_get(ba, i));
        const char *id = qstring_get_str(qobject_to(QString,
                                                    qdict_get(a, "id")));
        QDict *b = find_block(bb, id);

        if (b) {
            diff_block(c, id, a, b, page_size);
        } else {
            g_autofree char *path = g_strdup_printf("ram[%s]", id);
            g_autofree char *t = g_strdup_printf(
                "block of %" PRIu64 " bytes", block_num(a, "length"));

            line(c, '-', path, t);
        }
    }
    for (size_t i = 0; i < qlist_size(bb); i++) {
        QDict *b = qobject_to(QDict, qlist_get(bb, i));
        const char *id = qstring_get_str(qobject_to(QString,
                                                    qdict_get(b, "id")));

        if (!find_block(ba, id)) {
            g_autofree char *path = g_strdup_printf("ram[%s]", id);
            g_autofree char *t = g_strdup_printf(
                "block of %" PRIu64 " bytes", block_num(b, "length"));

            line(c, '+', path, t);
        }
    }
}

int cmd_diff(int argc, char **argv)
{
    const char *pa = NULL, *pb = NULL;
    DiffCtx c = { .color = isatty(STDOUT_FILENO) };
    bool partial = false;
    g_autoptr(GPtrArray) ignore = g_ptr_array_new();
    g_autoptr(QObject) a = NULL;
    g_autoptr(QObject) b = NULL;
    g_autoptr(QObject) ia = NULL;
    g_autoptr(QObject) ib = NULL;
    g_autoptr(GString) path = g_string_new(NULL);
    PreRead pre_b;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            diff_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(arg, "--color")) {
            c.color = true;
        } else if (!strcmp(arg, "--no-color")) {
            c.color = false;
        } else if (!strcmp(arg, "--partial")) {
            partial = true;
        } else if (!strcmp(arg, "--ignore")) {
            if (i + 1 >= argc) {
                cli_error("diff: --ignore needs a pattern");
                return CLI_EXIT_USAGE;
            }
            g_ptr_array_add(ignore, argv[++i]);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            cli_error("diff: unknown option '%s'", arg);
            diff_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!pa) {
            pa = arg;
        } else if (!pb) {
            pb = arg;
        } else {
            cli_error("diff: more than two inputs");
            return CLI_EXIT_USAGE;
        }
    }
    if (!pa || !pb) {
        cli_error("diff: need two inputs");
        diff_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(pa, "-") && !strcmp(pb, "-")) {
        cli_error("diff: only one input can be standard input");
        return CLI_EXIT_USAGE;
    }
    c.ignore = ignore;
    pre_read_start(&pre_b, pb);
    a = load_tree(pa, NULL, &ia);
    pre_read_finish(&pre_b, a != NULL);
    b = a ? load_tree(pb, &pre_b, &ib) : NULL;
    pre_read_clear(&pre_b);
    if (!a || !b || (ia && !check_decoded(pa, ia, partial)) ||
        (ib && !check_decoded(pb, ib, partial))) {
        return CLI_EXIT_FAILURE;
    }
    /* States of QEMU streams hold opaque fields as hex. */
    c.hex_buffers = ia && ib;
    diff_obj(&c, path, a, b);
    if (ia && ib) {
        diff_ram(&c, ia, ib);
    }
    if (!c.count) {
        printf("no differences\n");
        return CLI_EXIT_OK;
    }
    return CLI_EXIT_FAILURE;
}
