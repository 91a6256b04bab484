/*
 * qvisit snapshots: a snapshot store (include/qvisit/snapshot-store.h)
 * from the command line.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

static void snapshots_usage(FILE *out)
{
    fprintf(out,
            "usage: qvisit snapshots [OPTIONS] DIR COMMAND [ARGS]\n"
            "\n"
            "Manages the snapshot store in DIR: named migration streams,\n"
            "each with a metadata record (docs/snapshot-store.md).\n"
            "\n"
            "commands:\n"
            "  list               one line per snapshot, oldest first: name,\n"
            "                     created, expires (or never), format, bytes\n"
            "  show NAME          the snapshot's metadata as JSON\n"
            "  import NAME FILE   stores the stream in FILE (any format;\n"
            "                     \"-\": standard input) as NAME, created now;\n"
            "                     creates DIR if needed\n"
            "  export NAME FILE   writes the payload back byte for byte\n"
            "                     (\"-\": standard output)\n"
            "  delete NAME        removes the snapshot\n"
            "  prune              removes expired snapshots and the orphan\n"
            "                     files a crash can leave\n"
            "  verify NAME        checks the checksum and decodes the whole\n"
            "                     payload, loading nothing\n"
            "  rebuild NAME       writes lost metadata again from the payload\n"
            "\n"
            "options:\n"
            "  --lifetime SECONDS   import: expires SECONDS after creation\n"
            "                       (default: never)\n"
            "  --replace            import: replaces a snapshot of that name\n"
            "  --now TIME           prune: the current time, RFC 3339 UTC\n"
            "                       (2024-05-01T12:00:00Z) or @SECONDS since\n"
            "                       the epoch (default: the clock)\n"
            "  --lock-timeout MS    waits at most MS milliseconds for another\n"
            "                       process's lock (default: as long as it\n"
            "                       takes)\n"
            "  -h, --help           show this help\n"
            "\n"
            "exit status: 0 success, 1 failure, 2 usage error\n");
}

typedef struct SnapOpts {
    const char *dir;
    const char *cmd;
    const char *args[2];
    int n_args;
    const char *lifetime;
    const char *now;
    const char *lock_timeout;
    bool replace;
} SnapOpts;

/* Arguments are echoed in messages: escaped like all untrusted text. */
static char *esc(const char *s)
{
    return qvisit_error_escape(s, -1);
}

static int usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    cli_error("snapshots: %s", msg);
    return CLI_EXIT_USAGE;
}

static int failed(GError *err)
{
    cli_error("%s", err->message);
    g_error_free(err);
    return CLI_EXIT_FAILURE;
}

/* Takes one option at argv[*i]; false when @a is not an option. */
static bool take_option(int argc, char **argv, int *i, SnapOpts *o, int *ret)
{
    static const struct {
        const char *name;
        size_t offset;
    } valued[] = {
        { "--lifetime", offsetof(SnapOpts, lifetime) },
        { "--now", offsetof(SnapOpts, now) },
        { "--lock-timeout", offsetof(SnapOpts, lock_timeout) },
    };
    const char *a = argv[*i];

    if (!strcmp(a, "--replace")) {
        o->replace = true;
        return true;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(valued); k++) {
        if (!strcmp(a, valued[k].name)) {
            if (*i + 1 >= argc) {
                *ret = usage_error("%s needs an argument", a);
            } else {
                *(const char **)((char *)o + valued[k].offset) = argv[++*i];
            }
            return true;
        }
    }
    return false;
}

/* Returns -1 when the arguments parsed, else the exit code. */
static int parse(int argc, char **argv, SnapOpts *o)
{
    bool options = true;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int ret = -1;

        if (options && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            snapshots_usage(stdout);
            return CLI_EXIT_OK;
        }
        if (options && !strcmp(a, "--")) {
            options = false;    /* a NAME or FILE may start with '-' */
            continue;
        }
        if (options && take_option(argc, argv, &i, o, &ret)) {
            if (ret >= 0) {
                return ret;
            }
            continue;
        }
        if (options && a[0] == '-' && a[1] != '\0') {
            g_autofree char *e = esc(a);

            usage_error("unknown option '%s'", e);
            snapshots_usage(stderr);
            return CLI_EXIT_USAGE;
        }
        if (!o->dir) {
            o->dir = a;
        } else if (!o->cmd) {
            o->cmd = a;
        } else if (o->n_args < 2) {
            o->args[o->n_args++] = a;
        } else {
            return usage_error("too many arguments");
        }
    }
    if (!o->dir || !o->cmd) {
        usage_error("need DIR and COMMAND");
        snapshots_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/* Checks the command's arguments and options; -1 when they fit. */
static int check_command(const SnapOpts *o)
{
    static const struct {
        const char *name;
        int n_args;
        const char *usage;
    } cmds[] = {
        { "list", 0, "list" },
        { "show", 1, "show NAME" },
        { "import", 2, "import NAME FILE" },
        { "export", 2, "export NAME FILE" },
        { "delete", 1, "delete NAME" },
        { "prune", 0, "prune" },
        { "verify", 1, "verify NAME" },
        { "rebuild", 1, "rebuild NAME" },
    };
    g_autofree char *e = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        if (strcmp(o->cmd, cmds[i].name)) {
            continue;
        }
        if (o->n_args != cmds[i].n_args) {
            return usage_error("usage: qvisit snapshots DIR %s",
                               cmds[i].usage);
        }
        if ((o->lifetime || o->replace) && strcmp(o->cmd, "import")) {
            return usage_error("--lifetime and --replace are for import");
        }
        if (o->now && strcmp(o->cmd, "prune")) {
            return usage_error("--now is for prune");
        }
        return -1;
    }
    e = esc(o->cmd);
    usage_error("unknown command '%s'", e);
    snapshots_usage(stderr);
    return CLI_EXIT_USAGE;
}

/* A decimal number 0..@max, digits only. */
static bool parse_count(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (!g_ascii_isdigit(*s)) {
            return false;
        }
        v = v * 10 + (*s - '0');
        if (v > max) {
            return false;
        }
    }
    *out = v;
    return true;
}

/* The values of the options, checked before the store is opened. */
typedef struct SnapValues {
    SnapshotCreateOptions create;
    int64_t now;
    int lock_timeout;
} SnapValues;

static int parse_values(const SnapOpts *o, SnapValues *v)
{
    GError *err = NULL;
    uint64_t n;

    v->create.replace = o->replace;
    if (o->lifetime) {
        if (!parse_count(o->lifetime, SNAPSHOT_TIME_MAX,
                         &v->create.lifetime)) {
            g_autofree char *e = esc(o->lifetime);

            return usage_error("--lifetime: expected seconds, got '%s'", e);
        }
        v->create.has_lifetime = true;
    }
    v->now = g_get_real_time() / G_USEC_PER_SEC;
    if (o->now && !snapshot_time_parse(o->now, &v->now, &err)) {
        int ret = usage_error("--now: %s", err->message);

        g_error_free(err);
        return ret;
    }
    v->lock_timeout = -1;
    if (o->lock_timeout) {
        if (!parse_count(o->lock_timeout, INT32_MAX, &n)) {
            g_autofree char *e = esc(o->lock_timeout);

            return usage_error("--lock-timeout: expected milliseconds, got "
                               "'%s'", e);
        }
        v->lock_timeout = (int)n;
    }
    return -1;
}

/* --- The commands ------------------------------------------------------------ */

static int do_list(SnapshotStore *s)
{
    g_autoptr(GPtrArray) l = NULL;
    GError *err = NULL;
    long width = 4;

    l = snapshot_store_list(s, &err);
    if (!l) {
        return failed(err);
    }
    for (size_t i = 0; i < l->len; i++) {
        const SnapshotMeta *m = l->pdata[i];

        width = MAX(width, g_utf8_strlen(m->name, -1));
    }
    for (size_t i = 0; i < l->len; i++) {
        const SnapshotMeta *m = l->pdata[i];
        g_autofree char *created = snapshot_time_format(m->created);
        g_autofree char *expires = m->has_lifetime
                                       ? snapshot_time_format(m->expires)
                                       : g_strdup("never");

        /* Names are checked (no control characters) when read. */
        printf("%s%*s  %s  %-20s  %-6s  %" PRIu64 "\n", m->name,
               (int)(width - g_utf8_strlen(m->name, -1)), "", created,
               expires, migration_format_name(m->format), m->payload_size);
    }
    return CLI_EXIT_OK;
}

static int do_show(SnapshotStore *s, const char *name)
{
    g_autoptr(SnapshotMeta) m = NULL;
    g_autoptr(QDict) doc = NULL;
    g_autoptr(GString) text = NULL;
    GError *err = NULL;

    m = snapshot_store_show(s, name, &err);
    if (!m) {
        return failed(err);
    }
    doc = snapshot_meta_to_qobject(m);
    text = qobject_to_json_pretty(QOBJECT(doc), true);
    g_string_append_c(text, '\n');
    return cli_write_output(NULL, text->str, text->len);
}

static int do_import(SnapshotStore *s, const char *name, const char *file,
                     const SnapshotCreateOptions *opts)
{
    g_autoptr(GByteArray) data = NULL;
    g_autoptr(SnapshotMeta) m = NULL;
    GError *err = NULL;

    data = cli_read_input(file, CLI_INPUT_STREAM);
    if (!data) {
        return CLI_EXIT_FAILURE;
    }
    if (!snapshot_store_import(s, name, data->data, data->len, opts, &m,
                               &err)) {
        return failed(err);
    }
    printf("%s: imported (%s, %" PRIu64 " bytes)\n", m->name,
           migration_format_name(m->format), m->payload_size);
    return CLI_EXIT_OK;
}

static int do_export(SnapshotStore *s, const char *name, const char *out)
{
    g_autoptr(GByteArray) data = g_byte_array_new();
    GError *err = NULL;

    if (!snapshot_store_read_payload(s, name, data, &err)) {
        return failed(err);
    }
    return cli_write_output(out, data->data, data->len);
}

static int do_delete(SnapshotStore *s, const char *name)
{
    GError *err = NULL;

    if (!snapshot_store_delete(s, name, &err)) {
        return failed(err);
    }
    printf("%s: deleted\n", name);
    return CLI_EXIT_OK;
}

static int do_prune(SnapshotStore *s, int64_t now)
{
    g_autoptr(SnapshotPruneReport) r = NULL;
    GError *err = NULL;

    if (!snapshot_store_prune(s, now, &r, &err)) {
        return failed(err);
    }
    for (char **p = r->expired; *p; p++) {
        printf("expired: %s\n", *p);
    }
    for (char **p = r->orphans; *p; p++) {
        /* Any file of the directory can be an orphan: escape it. */
        g_autofree char *e = esc(*p);

        printf("orphan:  %s\n", e);
    }
    printf("pruned %u expired, %u orphans\n", g_strv_length(r->expired),
           g_strv_length(r->orphans));
    return CLI_EXIT_OK;
}

static int do_verify(SnapshotStore *s, const char *name)
{
    g_autoptr(SnapshotMeta) m = NULL;
    GError *err = NULL;

    if (!snapshot_store_verify(s, name, &err) ||
        !(m = snapshot_store_show(s, name, &err))) {
        return failed(err);
    }
    printf("%s: ok (%s, %" PRIu64 " bytes, %zu devices, %s)\n", m->name,
           migration_format_name(m->format), m->payload_size, m->n_devices,
           m->checksum);
    return CLI_EXIT_OK;
}

static int do_rebuild(SnapshotStore *s, const char *name)
{
    g_autoptr(SnapshotMeta) m = NULL;
    GError *err = NULL;

    m = snapshot_store_rebuild_meta(s, name, &err);
    if (!m) {
        return failed(err);
    }
    printf("%s: metadata rebuilt; created and lifetime not recovered\n",
           m->name);
    return CLI_EXIT_OK;
}

int cmd_snapshots(int argc, char **argv)
{
    SnapOpts o = { 0 };
    SnapValues v = { 0 };
    g_autoptr(SnapshotStore) s = NULL;
    GError *err = NULL;
    int ret = parse(argc, argv, &o);

    if (ret >= 0 || (ret = check_command(&o)) >= 0 ||
        (ret = parse_values(&o, &v)) >= 0) {
        return ret;
    }
    /* Only import creates the store; the others need one. */
    s = snapshot_store_open_full(o.dir, 0700,
                                 strcmp(o.cmd, "import")
                                     ? SNAPSHOT_STORE_OPEN_NO_CREATE : 0,
                                 &err);
    if (!s) {
        return failed(err);
    }
    snapshot_store_set_lock_timeout(s, v.lock_timeout);
    snapshot_store_set_limits(s, cli_limits());
    if (!strcmp(o.cmd, "list")) {
        return do_list(s);
    } else if (!strcmp(o.cmd, "show")) {
        return do_show(s, o.args[0]);
    } else if (!strcmp(o.cmd, "import")) {
        return do_import(s, o.args[0], o.args[1], &v.create);
    } else if (!strcmp(o.cmd, "export")) {
        return do_export(s, o.args[0], o.args[1]);
    } else if (!strcmp(o.cmd, "delete")) {
        return do_delete(s, o.args[0]);
    } else if (!strcmp(o.cmd, "prune")) {
        return do_prune(s, v.now);
    } else if (!strcmp(o.cmd, "verify")) {
        return do_verify(s, o.args[0]);
    }
    return do_rebuild(s, o.args[0]);
}
