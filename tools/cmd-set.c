/*
 * qvisit set STREAM -o OUT PATH=VALUE...: edits device fields of a QEMU
 * stream in one step. The stream is read as its full native dump, each
 * PATH names a member of a device section's state the way `diff` prints
 * it (`serial.state.scr`, `mc146818rtc#0.cmos_data[56]`), VALUE replaces
 * it in the member's own type, and the dump is encoded again, so every
 * other byte stays as it was. Any refused edit writes nothing.
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void set_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit set STREAM -o OUT PATH=VALUE...\n"
            "\n"
            "Writes STREAM, a QEMU migration stream, to OUT with device\n"
            "fields changed and every other byte kept. PATH is a section\n"
            "(idstr, '#INSTANCE' for another instance than 0, '#INSTANCE@N'\n"
            "for the N-th section with that idstr and instance) and the\n"
            "member path as 'qvisit diff' prints it:\n"
            "  serial.state.scr=0x5a  i8254.channels[2].count=1234\n"
            "  mc146818rtc#0.cmos_data[56]=0xa5  isa-ide#0@2.bus.cmd=1\n"
            "A stream without a vmdesc is read through the built-in QEMU\n"
            "devices; a section none of them knows is kept as its bytes.\n"
            "VALUE is an integer (decimal, -decimal or 0x hex), true or\n"
            "false, or hex bytes for an opaque field, as the field holds.\n"
            "A path that does not exist, a value of the wrong type or out\n"
            "of range is an error naming the path; nothing is written.\n"
            "\"-\" reads standard input or writes standard output.\n"
            "\n"
            "options:\n"
            "  -o, --output FILE  the edited stream (required)\n"
            "  --u64-as-string    accepted for scripts that pass it to\n"
            "                     dump and encode too; VALUE is text, so\n"
            "                     64-bit integers are exact either way\n"
            "  -h, --help         show this help\n"
            "\n"
            "exit status: 0 success, 1 bad input or refused edit, 2 usage "
            "error\n");
}

/*
 * The device section that @path starts with: the longest name of a
 * section followed by '.'; *@rest is what follows the '.'. A section's
 * names are its idstr#INSTANCE and, for instance 0, its idstr; the n-th
 * section (n >= 2, in stream order) with the idstr and instance of an
 * earlier one (isapc's two "isa-ide" instance 0) is idstr#INSTANCE@n
 * (and idstr@n for instance 0), as `diff` prints it.
 */
static QDict *find_section(QList *records, const char *path,
                           const char **rest)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
                                                       g_str_equal, g_free,
                                                       NULL);
    QDict *best = NULL;
    size_t best_len = 0;

    for (size_t i = 0; i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        QString *idstr = rec ? qobject_to(QString, qdict_get(rec, "idstr"))
                             : NULL;
        QNum *inst = rec ? qobject_to(QNum, qdict_get(rec, "instance_id"))
                         : NULL;
        uint64_t instance;
        g_autofree char *with_inst = NULL;
        g_autofree char *nth = NULL;
        g_autofree char *nth0 = NULL;
        const char *names[4];
        guint n;

        if (!idstr || !inst || !qnum_get_try_uint(inst, &instance) ||
            (!qobject_to(QDict, qdict_get(rec, "state")) &&
             !qdict_haskey(rec, "opaque"))) {
            continue;
        }
        with_inst = g_strdup_printf("%s#%" G_GUINT64_FORMAT,
                                    qstring_get_str(idstr), instance);
        n = GPOINTER_TO_UINT(g_hash_table_lookup(seen, with_inst)) + 1;
        g_hash_table_insert(seen, g_strdup(with_inst), GUINT_TO_POINTER(n));
        nth = g_strdup_printf("%s@%u", with_inst, n);
        nth0 = instance == 0 ? g_strdup_printf("%s@%u",
                                               qstring_get_str(idstr), n)
                             : NULL;
        names[0] = n == 1 ? with_inst : NULL;
        names[1] = n == 1 && instance == 0 ? qstring_get_str(idstr) : NULL;
        names[2] = nth;
        names[3] = nth0;
        for (int k = 0; k < 4; k++) {
            size_t len = names[k] ? strlen(names[k]) : 0;

            if (len && len > best_len && !strncmp(path, names[k], len) &&
                path[len] == '.') {
                best = rec;
                best_len = len;
            }
        }
    }
    *rest = path + best_len + 1;
    return best;
}

/* The member of @d whose key is the longest start of @p followed by the
 * end, '.' or '[' (keys may hold dots: "env.regs"). */
static const char *match_key(QDict *d, const char *p)
{
    const char *best = NULL;
    size_t best_len = 0;

    for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
        const char *key = qdict_entry_key(e);
        size_t len = strlen(key);

        if (len > best_len && !strncmp(p, key, len) &&
            (p[len] == '\0' || p[len] == '.' || p[len] == '[')) {
            best = key;
            best_len = len;
        }
    }
    return best;
}

/* The value @text for a member that holds @old: same type. NULL after
 * printing. */
static QObject *parse_value(const char *path, const QObject *old,
                            const char *text)
{
    QNum *n = NULL;

    switch (qobject_type(old)) {
    case QTYPE_QNUM:
        if (!cli_parse_integer(text, &n)) {
            cli_error("%s: expected an integer (decimal or 0x hex), got '%s'",
                      path, text);
            return NULL;
        }
        return QOBJECT(n);
    case QTYPE_QSTRING:
        /* An opaque field: its bytes as hex digits. The full dump holds
         * no other string (integers are numbers without
         * --u64-as-string), and its digits may all be decimal ones
         * ("0000"), so the text is never read as an integer. */
        for (const char *c = text; *c; c++) {
            if (!g_ascii_isxdigit(*c)) {
                cli_error("%s: expected hex bytes, got '%s'", path, text);
                return NULL;
            }
        }
        if (strlen(text) % 2) {
            cli_error("%s: expected hex bytes, two digits each, got %zu "
                      "digits", path, strlen(text));
            return NULL;
        }
        return QOBJECT(qstring_from_str(text));
    case QTYPE_QBOOL:
        if (!strcmp(text, "true") || !strcmp(text, "1")) {
            return QOBJECT(qbool_from_bool(true));
        }
        if (!strcmp(text, "false") || !strcmp(text, "0")) {
            return QOBJECT(qbool_from_bool(false));
        }
        cli_error("%s: expected true or false, got '%s'", path, text);
        return NULL;
    case QTYPE_QDICT:
        cli_error("%s: a struct; set one of its members", path);
        return NULL;
    case QTYPE_QLIST:
        cli_error("%s: an array; set one of its elements ([N])", path);
        return NULL;
    default:
        cli_error("%s: cannot be set", path);
        return NULL;
    }
}

/* Sets byte @i of the opaque field @hex (hex digits), which is @key of
 * @parent_d or element @index of @parent_l. */
static bool set_byte(QDict *parent_d, const char *key, QList *parent_l,
                     size_t index, const char *path, QString *hex,
                     uint64_t i, const char *text)
{
    const char *digits = qstring_get_str(hex);
    size_t len = strlen(digits) / 2;
    g_autoptr(QNum) n = NULL;
    g_autofree char *copy = NULL;
    uint64_t byte;

    for (const char *c = digits; *c; c++) {
        if (!g_ascii_isxdigit(*c)) {
            cli_error("%s: not an array or opaque bytes", path);
            return false;
        }
    }
    if (i >= len) {
        cli_error("%s: index out of range (%zu bytes)", path, len);
        return false;
    }
    if (!cli_parse_integer(text, &n) || !qnum_get_try_uint(n, &byte) ||
        byte > 255) {
        cli_error("%s: expected a byte (0 to 255 or 0x00 to 0xff), got "
                  "'%s'", path, text);
        return false;
    }
    copy = g_strdup(digits);
    copy[2 * i] = "0123456789abcdef"[byte >> 4];
    copy[2 * i + 1] = "0123456789abcdef"[byte & 15];
    if (parent_d) {
        qdict_put_str(parent_d, key, copy);
    } else {
        qlist_set_obj(parent_l, index, QOBJECT(qstring_from_str(copy)));
    }
    return true;
}

/* Applies one PATH=VALUE to the dump's @records; false after printing. */
static bool apply(QList *records, const char *arg)
{
    const char *eq = strchr(arg, '=');
    g_autofree char *path = g_strndup(arg, (size_t)(eq - arg));
    const char *p;
    QDict *rec = find_section(records, path, &p);
    QObject *cur, *value;
    QDict *parent_d = NULL;
    QList *parent_l = NULL;
    const char *key = NULL;
    size_t index = 0;

    if (!rec) {
        cli_error("%s: no device section of the stream is named by this "
                  "path", path);
        return false;
    }
    if (!qdict_haskey(rec, "state")) {
        g_autofree char *name = g_strndup(path, (size_t)(p - 1 - path));

        /* A stream without a vmdesc: the section's layout is unknown. */
        cli_error("%s: no vmdesc and no built-in device knows section "
                  "'%s', kept as opaque bytes: its fields cannot be set",
                  path, name);
        return false;
    }
    cur = qdict_get(rec, "state");
    while (*p) {
        g_autofree char *done = g_strndup(path, (size_t)(p - path));

        if (*p == '[') {
            char *end;
            uint64_t i;

            i = g_ascii_strtoull(p + 1, &end, 10);
            if (!g_ascii_isdigit(p[1]) || *end != ']') {
                cli_error("%s: expected an index, [N]", done);
                return false;
            }
            if (qobject_to(QString, cur) && !end[1] &&
                (parent_d || parent_l)) {
                /* A byte of an opaque field, as `diff` names it. */
                return set_byte(parent_d, key, parent_l, index, path,
                                qobject_to(QString, cur), i, eq + 1);
            }
            parent_l = qobject_to(QList, cur);
            if (!parent_l) {
                cli_error("%s: not an array", done);
                return false;
            }
            if (i >= qlist_size(parent_l)) {
                g_autofree char *upto = g_strndup(path,
                                                  (size_t)(end + 1 - path));

                cli_error("%s: index out of range (%zu elements)", upto,
                          qlist_size(parent_l));
                return false;
            }
            index = (size_t)i;
            parent_d = NULL;
            cur = qlist_get(parent_l, index);
            p = end + 1;
        } else {
            QDict *d = qobject_to(QDict, cur);

            if (p != path && p[-1] != '.' && *p == '.') {
                p++;
            }
            key = d ? match_key(d, p) : NULL;
            if (!key) {
                size_t n = strcspn(p, ".[");
                g_autofree char *upto = g_strndup(path,
                                                  (size_t)(p + n - path));

                cli_error("%s: no such field in section '%s'", upto,
                          qstring_get_str(qobject_to(QString,
                                                     qdict_get(rec,
                                                               "idstr"))));
                return false;
            }
            parent_d = d;
            parent_l = NULL;
            cur = qdict_get(d, key);
            p += strlen(key);
        }
    }
    if (!parent_d && !parent_l) {
        cli_error("%s: a whole section; set one of its members", path);
        return false;
    }
    value = parse_value(path, cur, eq + 1);
    if (!value) {
        return false;
    }
    if (parent_d) {
        qdict_put_obj(parent_d, key, value);
    } else {
        qlist_set_obj(parent_l, index, value);
    }
    return true;
}

int cmd_set(int argc, char **argv)
{
    const char *stream = NULL, *output = NULL;
    g_autoptr(GPtrArray) edits = g_ptr_array_new();
    g_autoptr(QObject) dump = NULL;
    QList *records;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            set_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc) {
                cli_error("set: %s needs an argument", a);
                return CLI_EXIT_USAGE;
            }
            output = argv[++i];
        } else if (!strcmp(a, "--u64-as-string")) {
            /* VALUE is text: nothing to do. */
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("set: unknown option '%s'", a);
            set_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!stream) {
            stream = a;
        } else if (!strchr(a, '=') || a[0] == '=') {
            cli_error("set: expected PATH=VALUE, got '%s'", a);
            return CLI_EXIT_USAGE;
        } else {
            g_ptr_array_add(edits, (gpointer)a);
        }
    }
    if (!stream || !output || edits->len == 0) {
        cli_error("set: expected STREAM, -o OUT and at least one "
                  "PATH=VALUE");
        set_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    dump = cli_qemu_full_dump(stream);
    if (!dump) {
        return CLI_EXIT_FAILURE;
    }
    records = qobject_to(QList, qdict_get(qobject_to(QDict, dump),
                                          "records"));
    for (guint i = 0; i < edits->len; i++) {
        if (!apply(records, g_ptr_array_index(edits, i))) {
            return CLI_EXIT_FAILURE;
        }
    }
    return cli_qemu_write(dump, output, true);
}
