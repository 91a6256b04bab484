/*
 * What `qvisit set`, `qvisit ram` and `dump --qemu --u64-as-string` share:
 * a QEMU stream as its full native dump, written back through the
 * encoder, and integers as text.
 *
 * An edit is made on the full dump (qemu_stream_dump_path() with
 * ram_full) and the whole dump is encoded again, so every byte the edit
 * does not touch comes out as it was read, and the encoder's checks
 * (widths, vmdesc fields, RAM blocks) apply to the edit.
 */
#include <stdio.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/qemu-devices/qemu-devices.h"
#include "tools/cli.h"

QObject *cli_qemu_full_dump(const char *path)
{
    g_autoptr(GError) err = NULL;
    QemuStreamOptions opts;
    QObject *dump;

    qemu_stream_options_init(&opts);
    opts.ram_full = true;
    opts.limits = cli_limits();
    /* A stream without a vmdesc is read as `dump --qemu --partial` reads
     * it: through the built-in QEMU devices, a section they do not know
     * kept as its bytes, which the encoder writes back as they were. */
    opts.layouts = qemu_devices_layouts();
    opts.partial = true;
    dump = qemu_stream_dump_path(path, &opts, &err);
    if (!dump) {
        cli_error("%s", err->message);
    }
    return dump;
}

/*
 * @key and @rest, a built-in device's refusal of a value
 * (".state.scr: 300 does not fit u8"), with the range said as the
 * encoder says it with a vmdesc ("300 does not fit uint8 (0 to 255)").
 */
static char *range_message(const char *key, const char *rest)
{
    const char *at = strstr(rest, " does not fit ");
    const char *t = at ? at + strlen(" does not fit ") : NULL;
    guint64 bits = 0;
    char *end = NULL;

    if (t && (t[0] == 'u' || t[0] == 'i') && g_ascii_isdigit(t[1])) {
        bits = g_ascii_strtoull(t + 1, &end, 10);
    }
    if (!end || *end || (bits != 8 && bits != 16 && bits != 32 &&
                         bits != 64)) {
        return g_strdup_printf("%s%s", key, rest);
    }
    if (t[0] == 'u') {
        return g_strdup_printf("%s%.*s does not fit uint%u (0 to %"
                               G_GUINT64_FORMAT ")", key, (int)(at - rest),
                               rest, (unsigned)bits,
                               bits == 64 ? G_MAXUINT64
                                          : (G_GUINT64_CONSTANT(1) << bits) -
                                                1);
    }
    return g_strdup_printf("%s%.*s does not fit int%u (%" G_GINT64_FORMAT
                           " to %" G_GINT64_FORMAT ")", key,
                           (int)(at - rest), rest, (unsigned)bits,
                           bits == 64 ? G_MININT64
                                      : -(G_GINT64_CONSTANT(1) << (bits - 1)),
                           bits == 64 ? G_MAXINT64
                                      : (G_GINT64_CONSTANT(1) << (bits - 1)) -
                                            1);
}

/*
 * The encoder names a device member by its place in the dump,
 * "records[31].state.state.scr"; the user named it by section,
 * "serial.state.scr" (or "dma#1" for another instance, "isa-ide#0@2" for
 * the second section with an idstr and instance), as `diff` does.
 */
static char *section_message(const QObject *dump, const char *msg)
{
    QDict *root = qobject_to(QDict, dump);
    QList *records = qobject_to(QList, qdict_get(root, "records"));
    QDict *rec;
    const char *idstr;
    QNum *inst;
    uint64_t index, instance = 0;
    guint nth = 1;
    g_autofree char *shown = NULL;
    g_autofree char *key = NULL;
    char *end;

    if (!g_str_has_prefix(msg, "records[") || !g_ascii_isdigit(msg[8])) {
        return NULL;
    }
    index = g_ascii_strtoull(msg + 8, &end, 10);
    if (!g_str_has_prefix(end, "].state") || !records ||
        index >= qlist_size(records)) {
        return NULL;
    }
    rec = qobject_to(QDict, qlist_get(records, (size_t)index));
    idstr = rec ? qstring_get_str(qobject_to(QString,
                                             qdict_get(rec, "idstr")))
                : NULL;
    inst = rec ? qobject_to(QNum, qdict_get(rec, "instance_id")) : NULL;
    if (!idstr || !inst || !qnum_get_try_uint(inst, &instance)) {
        return NULL;
    }
    /* The device sections before it with the same idstr and instance. */
    for (size_t i = 0; i < index; i++) {
        QDict *r = qobject_to(QDict, qlist_get(records, i));
        QNum *ri = r ? qobject_to(QNum, qdict_get(r, "instance_id")) : NULL;
        QString *rs = r ? qobject_to(QString, qdict_get(r, "idstr")) : NULL;
        uint64_t v;

        if (rs && ri && qnum_get_try_uint(ri, &v) && v == instance &&
            !strcmp(qstring_get_str(rs), idstr) &&
            (qdict_haskey(r, "state") || qdict_haskey(r, "opaque"))) {
            nth++;
        }
    }
    /* The idstr is the stream's text: escaped here. */
    shown = qvisit_error_escape(idstr, -1);
    key = nth > 1 ? g_strdup_printf("%s#%" G_GUINT64_FORMAT "@%u", shown,
                                    instance, nth)
          : instance ? g_strdup_printf("%s#%" G_GUINT64_FORMAT, shown,
                                       instance)
                     : g_strdup(shown);
    end += strlen("].state");
    /* A built-in device (no vmdesc) names the member from the section's
     * idstr: "records[31].state: serial.state.scr: ...". The rest of the
     * message is escaped already, so it is matched with the escaped
     * idstr. */
    if (g_str_has_prefix(end, ": ") && g_str_has_prefix(end + 2, shown) &&
        (end[2 + strlen(shown)] == '.' || end[2 + strlen(shown)] == ':')) {
        end += 2 + strlen(shown);
        return range_message(key, end);
    }
    return g_strdup_printf("%s%s", key, end);
}

int cli_qemu_write(const QObject *dump, const char *output,
                   bool by_section)
{
    g_autoptr(GError) err = NULL;
    CliOutput *out;
    QEMUFile *f;
    bool ok;
    int fd, rc;

    out = cli_output_open(output);
    fd = out ? cli_output_get_fd(out) : -1;
    if (fd < 0) {
        return out ? cli_output_close(out, false) : CLI_EXIT_FAILURE;
    }
    f = qemu_fopen_fd(fd, "wb");
    ok = qemu_stream_encode_layouts(f, dump, cli_limits(),
                                    qemu_devices_layouts(), &err);
    rc = qemu_fclose(f);
    if (rc < 0) {
        cli_output_report_errno(out, -rc);
        return cli_output_close(out, false);
    }
    if (!ok) {
        g_autofree char *msg = by_section
            ? section_message(dump, err->message) : NULL;

        cli_error("%s", msg ? msg : err->message);
        return cli_output_close(out, false);
    }
    return cli_output_close(out, true);
}

bool cli_parse_integer(const char *s, QNum **out)
{
    guint64 u;
    gint64 i;

    *out = NULL;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (!g_ascii_isxdigit(s[2]) ||
            !g_ascii_string_to_unsigned(s + 2, 16, 0, UINT64_MAX, &u,
                                        NULL)) {
            return false;
        }
        *out = qnum_from_uint(u);
    } else if (g_ascii_isdigit(s[0])) {
        if (!g_ascii_string_to_unsigned(s, 10, 0, UINT64_MAX, &u, NULL)) {
            return false;
        }
        *out = qnum_from_uint(u);
    } else if (s[0] == '-' && g_ascii_isdigit(s[1])) {
        if (!g_ascii_string_to_signed(s, 10, INT64_MIN, 0, &i, NULL)) {
            return false;
        }
        *out = qnum_from_int(i);
    } else {
        return false;
    }
    return true;
}

/* Beyond 2^53 a double cannot hold every integer. */
#define EXACT_IN_DOUBLE (UINT64_C(1) << 53)

static QObject *u64_string(QObject *o)
{
    QNum *n = qobject_to(QNum, o);
    char text[24];
    int64_t s;
    uint64_t u;

    if (!n || qnum_is_double(n)) {
        return NULL;
    }
    if (qnum_get_try_int(n, &s)) {
        if (s > -(int64_t)EXACT_IN_DOUBLE && s < (int64_t)EXACT_IN_DOUBLE) {
            return NULL;
        }
        g_snprintf(text, sizeof(text), "%" G_GINT64_FORMAT, s);
    } else if (qnum_get_try_uint(n, &u)) {
        g_snprintf(text, sizeof(text), "%" G_GUINT64_FORMAT, u);
    } else {
        return NULL;
    }
    return QOBJECT(qstring_from_str(text));
}

/* Replaces, in place, every integer under @o that u64_string() turns into
 * a string. Device states nest a few levels only (the vmdesc's depth,
 * bounded by max_depth when read). */
static void state_to_strings(QObject *o)
{
    QDict *d = qobject_to(QDict, o);
    QList *l = qobject_to(QList, o);

    if (d) {
        for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
            QObject *str = u64_string(qdict_entry_value(e));

            if (str) {
                qdict_put_obj(d, qdict_entry_key(e), str);
            } else {
                state_to_strings(qdict_entry_value(e));
            }
        }
    } else if (l) {
        for (size_t i = 0; i < qlist_size(l); i++) {
            QObject *str = u64_string(qlist_get(l, i));

            if (str) {
                qlist_set_obj(l, i, str);
            } else {
                state_to_strings(qlist_get(l, i));
            }
        }
    }
}

void cli_qemu_u64_as_string(QObject *dump)
{
    QDict *root = qobject_to(QDict, dump);
    QList *records = root ? qobject_to(QList, qdict_get(root, "records"))
                          : NULL;

    for (size_t i = 0; records && i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));

        if (rec && qdict_get(rec, "state")) {
            state_to_strings(qdict_get(rec, "state"));
        }
    }
}
