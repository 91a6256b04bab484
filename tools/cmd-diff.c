/*
 * qvisit diff: member-level differences between two states.
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
} DiffCtx;

static void diff_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit diff [OPTIONS] A B\n"
            "\n"
            "Compares two states member by member and prints one line per\n"
            "difference: \"- path: value\" only in A, \"+ path: value\" only\n"
            "in B, \"~ path: a -> b\" changed. A and B are streams in any\n"
            "format or plain JSON documents (\"-\" for standard input).\n"
            "Output is coloured when standard output is a terminal.\n"
            "\n"
            "options:\n"
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
    g_autofree char *shown_path = qvisit_error_escape(path, -1);
    g_autofree char *shown_text = qvisit_error_escape(text, -1);

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
    if (!qobject_is_equal(a, b)) {
        g_autofree char *ta = to_text(a);
        g_autofree char *tb = to_text(b);
        g_autofree char *t = g_strdup_printf("%s -> %s", ta, tb);

        line(c, '~', path->str, t);
    }
}

/* A stream becomes {"id[#instance]": state}, plus "id.version" lines
 * compared as members too; any other JSON document is taken as it is. */
static QObject *load_tree(const char *path)
{
    g_autoptr(GByteArray) data =
        cli_read_input(path, CLI_INPUT_STREAM_OR_JSON);
    g_autoptr(MigrationStream) s = NULL;
    GError *err = NULL;
    QDict *tree;

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
    tree = qdict_new();
    for (size_t i = 0; i < migration_stream_get_size(s); i++) {
        const MigrationSection *sec = migration_stream_get_section(s, i);
        g_autofree char *key = sec->instance_id
            ? g_strdup_printf("%s#%" PRIu32, sec->id, sec->instance_id)
            : g_strdup(sec->id);
        g_autofree char *vkey = g_strdup_printf("%s (version)", key);

        qdict_put(tree, key, qobject_ref(sec->state));
        qdict_put_uint(tree, vkey, sec->version);
    }
    return QOBJECT(tree);
}

int cmd_diff(int argc, char **argv)
{
    const char *pa = NULL, *pb = NULL;
    DiffCtx c = { .color = isatty(STDOUT_FILENO) };
    g_autoptr(QObject) a = NULL;
    g_autoptr(QObject) b = NULL;
    g_autoptr(GString) path = g_string_new(NULL);

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            diff_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(arg, "--color")) {
            c.color = true;
        } else if (!strcmp(arg, "--no-color")) {
            c.color = false;
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
    a = load_tree(pa);
    b = a ? load_tree(pb) : NULL;
    if (!a || !b) {
        return CLI_EXIT_FAILURE;
    }
    diff_obj(&c, path, a, b);
    if (!c.count) {
        printf("no differences\n");
        return CLI_EXIT_OK;
    }
    return CLI_EXIT_FAILURE;
}
