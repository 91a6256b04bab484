/*
 * QEMU stream reader: header, configuration, the record loop with section
 * footers, and the trailing vmdesc. Device payloads are decoded in
 * qemu-stream-vmsd.c and RAM records in qemu-stream-ram.c.
 */
#include "qemustream/qemu-stream-internal.h"

#include <string.h>

#include "qemufile/qemu-file-window.h"

/* An analyze-compat member waiting for the members before it. */
typedef struct QsPending {
    char *key;
    QObject *value;
    bool complete;
} QsPending;

static void pending_free(gpointer p)
{
    QsPending *m = p;

    g_free(m->key);
    qobject_unref(m->value);
    g_free(m);
}

/* Hands out (or collects in @compat) the complete members at the head of
 * @pending, or all of them with @all (at EOF). */
static bool flush_pending(GQueue *pending, const QemuStreamOptions *opts,
                          QDict *compat, bool all, GError **errp)
{
    while (!g_queue_is_empty(pending)) {
        QsPending *m = g_queue_peek_head(pending);
        QObject *value;
        bool ok = true;

        if (!m->complete && !all) {
            break;
        }
        g_queue_pop_head(pending);
        value = g_steal_pointer(&m->value);
        if (opts->section_fn) {
            ok = opts->section_fn(m->key, value, opts->section_opaque, errp);
        } else {
            qdict_put_obj(compat, m->key, value);
        }
        pending_free(m);
        if (!ok) {
            return false;
        }
    }
    return true;
}

static void section_free(gpointer p)
{
    QsSection *s = p;

    g_free(s->idstr);
    g_free(s);
}

void qemu_stream_options_init(QemuStreamOptions *opts)
{
    g_return_if_fail(opts != NULL);
    memset(opts, 0, sizeof(*opts));
}

bool qs__vmdesc_check(const QObject *vmdesc, uint64_t *page_size,
                      GError **errp)
{
    QDict *root = qobject_to(QDict, vmdesc);
    QList *devices = root ? qobject_to(QList, qdict_get(root, "devices"))
                          : NULL;
    int64_t ps;

    if (!root || !devices) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "vmdesc: expected an object with a \"devices\" list");
        return false;
    }
    if (!qs__dict_int(root, "page_size", &ps) || ps < 512 ||
        ps > (1 << 24) || (ps & (ps - 1))) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "vmdesc.page_size: expected a power of two between 512 "
                    "and 16 MiB");
        return false;
    }
    for (size_t i = 0; i < qlist_size(devices); i++) {
        QDict *d = qobject_to(QDict, qlist_get(devices, i));
        int64_t inst;

        if (!d || !qs__dict_str(d, "name") ||
            !qs__dict_int(d, "instance_id", &inst)) {
            g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                        "vmdesc.devices[%zu]: expected an object with "
                        "\"name\" and \"instance_id\"", i);
            return false;
        }
    }
    *page_size = (uint64_t)ps;
    return true;
}

static bool read_configuration(QsReader *r, QDict *dump, GError **errp)
{
    g_autoptr(QDict) conf = qdict_new();
    g_autoptr(QList) subs = qlist_new();
    g_autofree char *machine = NULL;
    uint64_t at = r->pos;
    uint32_t len;
    uint8_t b;

    g_string_assign(r->path, "configuration");
    r->has_configuration = true;
    if (!qs__be32(r, &len, errp)) {
        return false;
    }
    if (len > QS_MACHINE_TYPE_MAX) {
        return qs__error(r, errp, QVISIT_ERROR_LIMIT, at,
                         "machine type length %u exceeds %d", len,
                         QS_MACHINE_TYPE_MAX);
    }
    machine = g_malloc(len + 1);
    at = r->pos;
    if (!qs__read(r, machine, len, errp)) {
        return false;
    }
    machine[len] = '\0';
    if (memchr(machine, '\0', len) || !g_utf8_validate(machine, len, NULL)) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                         "machine type is not UTF-8 text");
    }
    qdict_put_str(conf, "machine_type", machine);
    g_free(r->machine_type);
    r->machine_type = g_strdup(machine);
    while (qs__peek_u8(r, &b) && b == QS_SUBSECTION) {
        g_autoptr(QDict) sub = qdict_new();
        g_autofree char *name = NULL;
        uint32_t version;

        at = r->pos;
        if (!qs__u8(r, &b, errp) || !qs__cstr(r, &name, errp) ||
            !qs__be32(r, &version, errp)) {
            return false;
        }
        qdict_put_str(sub, "name", name);
        qdict_put_uint(sub, "version_id", version);
        g_string_append_printf(r->path, ".%s", name);
        if (!strcmp(name, "configuration/capabilities")) {
            g_autoptr(QList) caps = qlist_new();
            uint32_t n;

            if (!qs__be32(r, &n, errp)) {
                return false;
            }
            for (uint32_t i = 0; i < n; i++) {
                g_autofree char *cap = NULL;

                /* Each capability takes at least its length byte, so a
                 * huge n ends in a truncation error, not an allocation. */
                if (!qs__cstr(r, &cap, errp) ||
                    !qs__charge(r, QS_COST_STR(strlen(cap)) + QS_COST_SLOT,
                                errp)) {
                    return false;
                }
                if (!strcmp(cap, "x-ignore-shared")) {
                    r->ignore_shared = true;
                }
                qlist_append_str(caps, cap);
            }
            qdict_put_obj(sub, "capabilities", QOBJECT(g_steal_pointer(&caps)));
        } else if (!strcmp(name, "configuration/uuid")) {
            g_autoptr(GString) hex = g_string_new(NULL);

            if (!qs__read_hex(r, 16, false, hex, errp)) {
                return false;
            }
            qdict_put_str(sub, "uuid", hex->str);
        } else if (!strcmp(name, "configuration/target-page-bits")) {
            uint32_t bits;

            if (!qs__be32(r, &bits, errp)) {
                return false;
            }
            qdict_put_uint(sub, "page_bits", bits);
        } else {
            return qs__error(r, errp, QVISIT_ERROR_UNKNOWN, at,
                             "unknown configuration subsection");
        }
        g_string_assign(r->path, "configuration");
        qlist_append_obj(subs, QOBJECT(g_steal_pointer(&sub)));
    }
    if (qlist_size(subs)) {
        qdict_put_obj(conf, "subsections", QOBJECT(g_steal_pointer(&subs)));
    }
    if (r->sink && r->sink->configuration &&
        !r->sink->configuration(r->sink->opaque, conf, errp)) {
        return false;
    }
    if (dump) {
        qdict_put_obj(dump, "configuration", QOBJECT(g_steal_pointer(&conf)));
    }
    g_string_truncate(r->path, 0);
    return true;
}

/* Checks (and consumes) the footer after a section's payload. */
static bool read_footer(QsReader *r, const QsSection *s, int *footers,
                        QDict *rec, GError **errp)
{
    uint64_t at = r->pos;
    uint8_t b = 0;
    bool has = qs__peek_u8(r, &b) && b == QS_SECTION_FOOTER;
    uint32_t id;

    g_string_assign(r->path, s->idstr);
    /* Machine types up to 2.3 send no footers; the first section tells. */
    if (*footers < 0) {
        *footers = has;
    }
    if (*footers && !has) {
        if (!qs__peek_u8(r, &b)) {
            return qs__error(r, errp, QVISIT_ERROR_TRUNCATED, at,
                             "stream truncated");
        }
        return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                         "missing section footer (got byte 0x%02x)", b);
    }
    if (!*footers && has) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                         "section footer in a stream without footers");
    }
    if (has) {
        if (!qs__u8(r, &b, errp) || !qs__be32(r, &id, errp)) {
            return false;
        }
        if (id != s->id) {
            return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                             "mismatched section id in footer: read 0x%x, "
                             "expected 0x%x", id, s->id);
        }
    }
    if (rec) {
        qdict_put_bool(rec, "footer", has);
    }
    g_string_truncate(r->path, 0);
    return true;
}

int qs__command_len(unsigned cmd)
{
    /* QEMU 7.2's mig_cmd_args[]: ENABLE_COLO (8) has no entry, so 0. */
    static const int lens[] = {
        [1] = 0,    /* OPEN_RETURN_PATH */
        [2] = 4,    /* PING */
        [3] = -1,   /* POSTCOPY_ADVISE */
        [4] = 0,    /* POSTCOPY_LISTEN */
        [5] = 0,    /* POSTCOPY_RUN */
        [6] = -1,   /* POSTCOPY_RAM_DISCARD */
        [7] = -2,   /* PACKAGED: an embedded stream, not read */
        [8] = 0,    /* ENABLE_COLO */
        [9] = 0,    /* POSTCOPY_RESUME */
        [10] = -1,  /* RECV_BITMAP */
    };

    return cmd >= 1 && cmd < G_N_ELEMENTS(lens) ? lens[cmd] : -2;
}

static bool read_command(QsReader *r, QList *records, GError **errp)
{
    uint64_t at = r->pos;
    uint16_t cmd, len;
    g_autoptr(GString) hex = g_string_new(NULL);
    int want;

    g_string_assign(r->path, "command");
    if (!qs__be16(r, &cmd, errp) || !qs__be16(r, &len, errp)) {
        return false;
    }
    if (cmd == 7) {
        return qs__error(r, errp, QVISIT_ERROR_UNKNOWN, at,
                         "PACKAGED postcopy streams are not supported");
    }
    want = qs__command_len(cmd);
    if (want == -2) {
        return qs__error(r, errp, QVISIT_ERROR_UNKNOWN, at,
                         "unknown command 0x%x", cmd);
    }
    if (want >= 0 && len != want) {
        return qs__error(r, errp, QVISIT_ERROR_INVALID, at,
                         "command 0x%x has %u bytes of data, expected %d",
                         cmd, len, want);
    }
    if (!qs__read_hex(r, len, false, hex, errp) ||
        (records && !qs__charge(r, QS_RECORD_COST + QS_COST_STR(hex->len),
                                errp))) {
        return false;
    }
    if (r->sink && r->sink->command &&
        !r->sink->command(r->sink->opaque, cmd, hex->str, at - 1, errp)) {
        return false;
    }
    if (records) {
        QDict *rec = qdict_new();

        qdict_put_str(rec, "type", "COMMAND");
        qdict_put_uint(rec, "cmd", cmd);
        qdict_put_str(rec, "data", hex->str);
        qlist_append_obj(records, QOBJECT(rec));
    }
    g_string_truncate(r->path, 0);
    return true;
}

/* Reads the bytes after EOF: nothing, or a vmdesc record. */
static bool read_trailer(QsReader *r, QDict *dump, GError **errp)
{
    uint64_t at = r->pos;
    uint32_t len;
    uint8_t b;
    g_autoptr(GString) text = NULL;

    g_string_assign(r->path, "vmdesc");
    if (!qs__peek_u8(r, &b)) {
        if (dump) {
            qdict_put_null(dump, "vmdesc");
        }
        return true;
    }
    if (!qs__u8(r, &b, errp)) {
        return false;
    }
    if (b != QS_VMDESCRIPTION) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                         "expected vmdesc record 0x06 after EOF, got 0x%02x",
                         b);
    }
    if (!qs__be32(r, &len, errp)) {
        return false;
    }
    if (len > r->limits->max_alloc) {
        return qs__error(r, errp, QVISIT_ERROR_LIMIT, at,
                         "vmdesc length %u exceeds the limit", len);
    }
    /* Kept as a string of the dump. */
    if (dump && !qs__charge(r, QS_COST_STR(len), errp)) {
        return false;
    }
    /* Read in chunks so a false length allocates only what is there. */
    text = g_string_new(NULL);
    for (uint32_t done = 0; done < len;) {
        char chunk[65536];
        uint32_t n = MIN(len - done, (uint32_t)sizeof(chunk));
        GError *err = NULL;

        if (!qs__read(r, chunk, n, &err)) {
            uint64_t end = qemu_file_transferred(r->f);

            if (err->code != QVISIT_ERROR_TRUNCATED) {
                g_propagate_error(errp, err);
                return false;
            }
            /* As qemu_stream_dump_fd() says of a cut stream it meets
             * while looking for the vmdesc. */
            g_error_free(err);
            return qs__error(r, errp, QVISIT_ERROR_TRUNCATED, end,
                             "stream truncated inside the description (%"
                             G_GUINT64_FORMAT " of %u bytes)",
                             done + (end - r->pos), len);
        }
        if (dump) {
            g_string_append_len(text, chunk, n);
        }
        done += n;
    }
    at = r->pos;
    if (qs__peek_u8(r, &b)) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                         "unexpected bytes after the vmdesc");
    }
    if (dump) {
        if (memchr(text->str, '\0', text->len) ||
            !g_utf8_validate(text->str, text->len, NULL)) {
            return qs__error(r, errp, QVISIT_ERROR_PARSE, at - len,
                             "vmdesc is not UTF-8 text");
        }
        qdict_put_str(dump, "vmdesc", text->str);
    }
    return true;
}

/*
 * The state form's idstr: 1 to 255 bytes of printable ASCII, 0x20..0x7e,
 * the migration core's rule for section ids in every format
 * (docs/formats.md, "Section ids"): anything else is corruption, and
 * must not reach messages (one line) or QStrings (valid UTF-8).
 */
static bool read_section_idstr(QsReader *r, char **out, GError **errp)
{
    uint64_t at = r->pos;
    uint8_t len;
    char buf[256];

    if (!qs__u8(r, &len, errp)) {
        return false;
    }
    if (len == 0) {
        return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                         "empty section id");
    }
    if (!qs__read(r, buf, len, errp)) {
        return false;
    }
    for (unsigned i = 0; i < len; i++) {
        if ((uint8_t)buf[i] < 0x20 || (uint8_t)buf[i] > 0x7e) {
            return qs__error(r, errp, QVISIT_ERROR_PARSE, at + 1 + i,
                             "section id byte 0x%02x is not printable",
                             (uint8_t)buf[i]);
        }
    }
    buf[len] = '\0';
    *out = g_strdup(buf);
    return true;
}

/* A FULL section of a stream without vmdesc, through the sink. */
static bool read_undescribed(QsReader *r, const QsSection *s, uint64_t at,
                             QDict **state, GError **errp)
{
    QsRecordInfo info = {
        .type = QS_SECTION_FULL, .section_id = s->id, .idstr = s->idstr,
        .instance_id = s->instance_id, .version_id = s->version_id,
        .at = at,
    };
    uint64_t start = qemu_file_transferred(r->f);

    *state = r->sink->undescribed(r->sink->opaque, r->f, &info, errp);
    /* The hook read through the file: the window's bytes were taken. */
    r->pos += qemu_file_transferred(r->f) - start;
    return *state != NULL;
}

static QDict *new_record(const char *type, const QsSection *s, bool header,
                         uint32_t version_id)
{
    QDict *rec = qdict_new();

    qdict_put_str(rec, "type", type);
    qdict_put_uint(rec, "section_id", s->id);
    if (header) {
        qdict_put_str(rec, "idstr", s->idstr);
        qdict_put_uint(rec, "instance_id", s->instance_id);
        qdict_put_uint(rec, "version_id", version_id);
    }
    return rec;
}

/*
 * The START of an iterative section other than RAM: its version is one
 * QEMU 7.2 loads (block: at most 1, "savevm: unsupported version";
 * dirty-bitmap: exactly 1), and an opaque one is listed in the native
 * dump's "opaque_sections".
 */
static bool start_iterative(QsReader *r, const QsSection *s, uint64_t at,
                            QDict *dump, GError **errp)
{
    QList *opaque;
    QDict *o;

    if ((s->iter == QS_ITER_BLOCK && s->version_id > 1) ||
        (s->iter == QS_ITER_BITMAP && s->version_id != 1)) {
        return qs__error(r, errp, QVISIT_ERROR_VERSION, at,
                         "unsupported %s section version %u, expected 1",
                         s->idstr, s->version_id);
    }
    if (s->iter != QS_ITER_OPAQUE || !dump) {
        return true;
    }
    opaque = qobject_to(QList, qdict_get(dump, "opaque_sections"));
    if (!opaque) {
        opaque = qlist_new();
        qdict_put_obj(dump, "opaque_sections", QOBJECT(opaque));
    }
    if (!qs__charge(r, QS_RECORD_COST, errp)) {
        return false;
    }
    o = qdict_new();
    qdict_put_str(o, "idstr", s->idstr);
    qdict_put_uint(o, "instance_id", s->instance_id);
    qdict_put_uint(o, "section_id", s->id);
    qlist_append_obj(opaque, QOBJECT(o));
    return true;
}

/* The payload of a START, PART or END record of section @s. */
static bool read_iterative(QsReader *r, const QsSection *s,
                           GHashTable *sections, int footers, QDict *rec,
                           GError **errp)
{
    switch (s->iter) {
    case QS_ITER_RAM:
        return qs__read_ram(r, rec, errp);
    case QS_ITER_BLOCK:
        return qs__read_block(r, rec, errp);
    case QS_ITER_BITMAP:
        return qs__read_bitmap(r, rec, errp);
    default:
        /* Only its footer tells where an unknown payload ends. */
        if (footers == 0) {
            return qs__error(r, errp, QVISIT_ERROR_UNKNOWN, r->pos,
                             "iterative section qvisit cannot decode, in "
                             "a stream without section footers");
        }
        return qs__read_opaque(r, s->id, sections, rec, errp);
    }
}

static bool read_records_in(QsReader *r, GHashTable *devices, QDict *dump,
                            QDict *compat, const QemuStreamOptions *opts,
                            GQueue *pending, GError **errp)
{
    QsPending *ram_member = NULL;
    static const char *const names[] = {
        [QS_SECTION_START] = "START", [QS_SECTION_PART] = "PART",
        [QS_SECTION_END] = "END", [QS_SECTION_FULL] = "FULL",
    };
    g_autoptr(GHashTable) sections = g_hash_table_new_full(
        g_direct_hash, g_direct_equal, NULL, section_free);
    QList *records = dump ? qobject_to(QList, qdict_get(dump, "records"))
                          : NULL;
    /*
     * Whether sections end in footers: the first section tells. The state
     * form knows it from the configuration, as QEMU's machine types
     * (2.4 and later send both, older ones neither) and the migration
     * core write them, so a payload that lost a byte is a missing footer
     * there rather than a stream without footers.
     */
    int footers = r->state && r->has_configuration ? 1 : -1;

    for (size_t n = 0;; n++) {
        uint64_t at = r->pos;
        g_autoptr(QDict) rec = NULL;
        g_autoptr(QDict) state = NULL;    /* the state form's, for the sink */
        g_autoptr(QString) opaque = NULL; /* its bytes, if not decoded */
        QsSection *s;
        uint8_t type;
        uint32_t id;

        g_string_printf(r->path, "records[%zu]", n);
        if (!qs__u8(r, &type, errp) ||
            ((dump || compat) && !qs__charge(r, QS_RECORD_COST, errp))) {
            return false;
        }
        switch (type) {
        case QS_EOF:
            if (records) {
                rec = qdict_new();
                qdict_put_str(rec, "type", "EOF");
                qlist_append_obj(records, QOBJECT(g_steal_pointer(&rec)));
            }
            return !compat || flush_pending(pending, opts, compat, true,
                                            errp);
        case QS_COMMAND:
            if (!read_command(r, records, errp)) {
                return false;
            }
            continue;
        case QS_SECTION_START:
        case QS_SECTION_FULL: {
            g_autofree char *idstr = NULL;
            uint32_t instance, version;
            int64_t desc_version;
            QDict *desc;

            if (!qs__be32(r, &id, errp) ||
                !(r->state ? read_section_idstr(r, &idstr, errp)
                           : qs__cstr(r, &idstr, errp)) ||
                !qs__be32(r, &instance, errp) ||
                !qs__be32(r, &version, errp)) {
                return false;
            }
            s = g_new0(QsSection, 1);
            s->id = id;
            s->idstr = g_strdup(idstr);
            s->instance_id = instance;
            s->version_id = version;
            g_hash_table_replace(sections, GUINT_TO_POINTER(id), s);
            g_string_assign(r->path, idstr);
            rec = dump ? new_record(names[type], s, true, version) : NULL;
            if (!strcmp(idstr, "ram") && instance == 0) {
                s->is_ram = true;
                s->iter = QS_ITER_RAM;
                if (version != 4) {
                    return qs__error(r, errp, QVISIT_ERROR_VERSION, at,
                                     "unsupported RAM section version %u",
                                     version);
                }
                if (compat) {
                    QDict *ram = qdict_new();

                    r->ram_sizes = qdict_new();
                    qdict_put_obj(ram, "section sizes",
                                  QOBJECT(r->ram_sizes));
                    ram_member = g_new0(QsPending, 1);
                    ram_member->key = g_strdup_printf("%s (%u)", idstr, id);
                    ram_member->value = QOBJECT(ram);
                    g_queue_push_tail(pending, ram_member);
                }
                if (!qs__read_ram(r, rec, errp)) {
                    return false;
                }
                break;
            }
            if (type == QS_SECTION_START) {
                /* Live sections are never in the vmdesc. */
                s->iter = qs__iter_kind(idstr, instance);
                if (!start_iterative(r, s, at, dump, errp) ||
                    !read_iterative(r, s, sections, footers, rec, errp)) {
                    return false;
                }
                break;
            }
            desc = devices ? qs__vmdesc_lookup(devices, idstr, instance)
                           : NULL;
            if (!devices && type == QS_SECTION_FULL && rec &&
                opts->layouts) {
                /* No vmdesc: the caller's layouts know the device. */
                if (!qs__read_layout(r, s, at, opts, sections, footers, rec,
                                     errp)) {
                    return false;
                }
                break;
            }
            if (!devices && type == QS_SECTION_FULL && r->state &&
                opts->layouts) {
                /* The same, for the state form: the sink gets the state,
                 * or the bytes of a section the layouts do not know. */
                g_autoptr(QDict) tmp = qdict_new();

                if (!qs__read_layout(r, s, at, opts, sections, footers, tmp,
                                     errp)) {
                    return false;
                }
                state = qobject_to(QDict,
                                   qobject_ref(qdict_get(tmp, "state")));
                opaque = qobject_to(QString,
                                    qobject_ref(qdict_get(tmp, "opaque")));
                break;
            }
            if (!desc && !devices && type == QS_SECTION_FULL &&
                r->sink && r->sink->undescribed) {
                /* No vmdesc: the migration core knows the layout. */
                if (!read_undescribed(r, s, at, &state, errp)) {
                    return false;
                }
                break;
            }
            if (!desc) {
                return qs__error(r, errp, QVISIT_ERROR_UNKNOWN, at,
                                 "section (instance %u) is not described "
                                 "by the vmdesc", instance);
            }
            /* The payload is laid out by the entry, which QEMU writes
             * from the same vmsd as the section's version: another
             * version would be another layout (the encoder refuses it
             * too). */
            if (qs__dict_int(desc, "version", &desc_version) &&
                desc_version != (int64_t)version) {
                return qs__error(r, errp, QVISIT_ERROR_VERSION, at,
                                 "section (instance %u) has version %u, but "
                                 "the vmdesc describes version %" G_GINT64_FORMAT,
                                 instance, version, desc_version);
            }
            {
                state = qdict_new();
                if (!qs__read_vmsd(r, desc, state, errp)) {
                    return false;
                }
                if (compat) {
                    QsPending *m = g_new0(QsPending, 1);

                    m->key = g_strdup_printf("%s (%u)", idstr, id);
                    m->value = QOBJECT(g_steal_pointer(&state));
                    m->complete = true;
                    g_queue_push_tail(pending, m);
                } else if (rec) {
                    qdict_put_obj(rec, "state",
                                  QOBJECT(g_steal_pointer(&state)));
                }
            }
            break;
        }
        case QS_SECTION_PART:
        case QS_SECTION_END:
            if (!qs__be32(r, &id, errp)) {
                return false;
            }
            s = g_hash_table_lookup(sections, GUINT_TO_POINTER(id));
            if (!s) {
                return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                                 "%s record for unknown section id %u",
                                 names[type], id);
            }
            g_string_assign(r->path, s->idstr);
            if (s->iter == QS_ITER_NONE) {
                return qs__error(r, errp, QVISIT_ERROR_UNKNOWN, at,
                                 "%s record for a non-iterative section",
                                 names[type]);
            }
            rec = dump ? new_record(names[type], s, false, 0) : NULL;
            if (!read_iterative(r, s, sections, footers, rec, errp)) {
                return false;
            }
            if (type == QS_SECTION_END && s->is_ram && ram_member) {
                ram_member->complete = true;
                ram_member = NULL;
            }
            break;
        default:
            return qs__error(r, errp, QVISIT_ERROR_PARSE, at,
                             "unknown section type %u", type);
        }
        if (!read_footer(r, s, &footers, rec, errp) ||
            (compat && !flush_pending(pending, opts, compat, false, errp))) {
            return false;
        }
        if (r->sink) {
            QsRecordInfo info = {
                .type = type, .section_id = s->id, .idstr = s->idstr,
                .instance_id = s->instance_id, .version_id = s->version_id,
                .is_ram = s->is_ram, .at = at, .bytes = r->pos - at,
                .iterative = s->iter == QS_ITER_OPAQUE
                                 ? "opaque"
                                 : s->iter == QS_ITER_NONE
                                       ? NULL
                                       : s->iter == QS_ITER_BITMAP
                                             ? QS_BITMAP_IDSTR
                                             : qs__iter_member(s->iter),
                .opaque = opaque ? qstring_get_str(opaque) : NULL,
            };

            if (!r->sink->record(r->sink->opaque, &info,
                                 g_steal_pointer(&state), errp)) {
                return false;
            }
        }
        /* Members handed out are the callee's: only what waits counts. */
        if (opts->section_fn && g_queue_is_empty(pending)) {
            r->alloc = 0;
        }
        if (records) {
            qlist_append_obj(records, QOBJECT(g_steal_pointer(&rec)));
        }
    }
}

static bool read_records(QsReader *r, GHashTable *devices, QDict *dump,
                         QDict *compat, const QemuStreamOptions *opts,
                         GError **errp)
{
    GQueue *pending = g_queue_new();
    bool ok = read_records_in(r, devices, dump, compat, opts, pending, errp);

    g_queue_free_full(pending, pending_free);
    return ok;
}

bool qs__check_magic(const uint8_t *head, size_t len, GError **errp)
{
    static const char qevm[4] = { 'Q', 'E', 'V', 'M' };
    const char *what = NULL;
    size_t i = 0;

    if (len >= 4 && !memcmp(head, qevm, 4)) {
        return true;
    }
    if (len == 0) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TRUNCATED,
                    "header.magic: the stream is empty");
        return false;
    }
    if (len < 4 && !memcmp(head, qevm, len)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_TRUNCATED,
                    "header.magic: stream truncated at byte 0");
        return false;
    }
    while (i < len && g_ascii_isspace(head[i])) {
        i++;
    }
    if (len >= 4 && !memcmp(head, "QVSD", 4)) {
        what = "a qvisit binary stream";
    } else if (i < len && head[i] == '{') {
        /* Both put "format" first; look for its value. */
        static const char mig[] = "\"qvisit-migration\"";
        static const char dump[] = "\"" QS_NATIVE_FORMAT "\"";

        what = memmem(head, len, mig, sizeof(mig) - 1)
                   ? "a qvisit JSON stream"
               : memmem(head, len, dump, sizeof(dump) - 1)
                   ? "a qvisit dump of one (JSON)"
                   : "JSON text";
    }
    if (what) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                    "header.magic: not a QEMU migration stream but %s at "
                    "byte 0", what);
    } else {
        uint32_t magic = 0;

        for (size_t k = 0; k < 4; k++) {
            magic = magic << 8 | (k < len ? head[k] : 0);
        }
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_PARSE,
                    "header.magic: not a migration stream: magic 0x%08x, "
                    "expected 0x5145564d (QEVM) at byte 0", magic);
    }
    return false;
}

QObject *qemu_stream_dump(QEMUFile *f, const QemuStreamOptions *opts,
                          GError **errp)
{
    g_return_val_if_fail(f != NULL && !qemu_file_is_writable(f), NULL);
    g_return_val_if_fail(errp == NULL || *errp == NULL, NULL);
    if (!opts || (!opts->vmdesc && !opts->layouts)) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_MISSING,
                    "vmdesc: a description is needed to decode a stream "
                    "from a QEMUFile; use qemu_stream_dump_fd()");
        return NULL;
    }
    /* Without @opts->vmdesc the stream has none: decode through the
     * layouts (its vmdesc record, if any, is then only checked). */
    return qs__dump(f, opts, opts->vmdesc, opts->vmdesc != NULL, errp);
}

/* The header: magic (what the bytes are, if not a stream) and version. */
static bool read_header(QsReader *r, uint32_t *version, GError **errp)
{
    uint8_t *head = NULL;
    size_t n = qemu_peek_buffer(r->f, &head, QS_HEAD_LEN, 0);
    uint32_t magic;

    g_string_assign(r->path, "header.magic");
    if (!qs__check_magic(head, n, errp) || !qs__be32(r, &magic, errp)) {
        return false;
    }
    g_string_assign(r->path, "header.version");
    if (!qs__be32(r, version, errp)) {
        return false;
    }
    if (*version != QS_VERSION) {
        return qs__error(r, errp, QVISIT_ERROR_VERSION, 4,
                         "unsupported migration stream version %u, "
                         "expected 3", *version);
    }
    return true;
}

/*
 * Puts each block's digests into its summary as hex, 16 digits a page.
 * The tables are turned big-endian in place (they are not read again),
 * so the hex is their bytes', written once, straight into the QString.
 */
static bool put_digests(QsReader *r, QDict *summary, GError **errp)
{
    QList *blocks = qobject_to(QList, qdict_get(summary, "blocks"));

    for (size_t i = 0; i < qlist_size(blocks); i++) {
        QDict *b = qobject_to(QDict, qlist_get(blocks, i));
        QsDigestTable *d = g_hash_table_lookup(r->ram_digests,
                                               qs__dict_str(b, "id"));

        if (!d) {
            qdict_put_str(b, "digests", "");
            continue;
        }
        if (!qs__charge(r, QS_COST_STR(d->len * 16), errp)) {
            return false;
        }
        for (size_t k = 0; k < d->len; k++) {
            d->d[k] = GUINT64_TO_BE(d->d[k]);
        }
        qdict_put_obj(b, "digests", QOBJECT(qstring_from_hex(d->d,
                                                             d->len * 8)));
    }
    return true;
}

bool qs__read_state(QEMUFile *f, const QObject *vmdesc,
                    const QVisitLimits *limits, const QsStateSink *sink,
                    QDict **ram_summary, GError **errp)
{
    return qs__read_state_full(f, vmdesc, limits, sink, false, ram_summary,
                               errp);
}

bool qs__read_state_full(QEMUFile *f, const QObject *vmdesc,
                         const QVisitLimits *limits, const QsStateSink *sink,
                         bool ram_digests, QDict **ram_summary,
                         GError **errp)
{
    QemuStreamOptions opts;
    g_autoptr(GString) path = g_string_new(NULL);
    g_autoptr(GHashTable) devices = NULL;
    g_autoptr(GHashTable) ram_blocks = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) ram_lengths = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(QDict) summary = qdict_new();
    QsReader r = { 0 };
    uint32_t version;
    uint8_t b;
    bool ok;

    qemu_stream_options_init(&opts);
    if (!vmdesc && sink) {
        opts.layouts = sink->layouts;
        opts.partial = sink->partial;
    }
    r.f = f;
    r.win = qemu_file__read_window(f);
    r.elem_index = -1;
    r.limits = limits ? limits : qvisit_limits_default();
    r.state = true;
    r.sink = sink;
    r.path = path;
    r.ram_blocks = ram_blocks;
    r.ram_lengths = ram_lengths;
    /* Without a vmdesc (the migration core's suppress-vmdesc streams)
     * RAM words split at the page size the core writes. */
    r.page_size = QS_DEFAULT_PAGE_SIZE;
    if (vmdesc) {
        if (!qs__vmdesc_check(vmdesc, &r.page_size, errp)) {
            return false;
        }
        devices = qs__vmdesc_index(vmdesc);
    }
    r.ram_summary = summary;
    qdict_put_uint(summary, "page_size", r.page_size);
    qdict_put_obj(summary, "blocks", QOBJECT(qlist_new()));
    if (ram_digests) {
        r.ram_digests = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free,
                                              (GDestroyNotify)
                                              qs__digest_table_free);
        r.page_buf = g_malloc(r.page_size);
    }
    ok = read_header(&r, &version, errp);
    if (ok && qs__peek_u8(&r, &b) && b == QS_CONFIGURATION) {
        ok = qs__u8(&r, &b, errp) && read_configuration(&r, NULL, errp);
    }
    ok = ok && read_records(&r, devices, NULL, NULL, &opts, errp) &&
         read_trailer(&r, NULL, errp) &&
         (!ram_digests || put_digests(&r, summary, errp));
    g_free(r.ram_block);
    g_free(r.machine_type);
    g_free(r.page_buf);
    if (r.ram_digests) {
        g_hash_table_unref(r.ram_digests);
    }
    qobject_unref(r.int_cache.obj);
    if (ok && ram_summary) {
        *ram_summary = g_steal_pointer(&summary);
    }
    return ok;
}

QObject *qs__dump(QEMUFile *f, const QemuStreamOptions *opts,
                  const QObject *vmdesc, bool borrowed, GError **errp)
{
    QemuStreamOptions defaults;
    g_autoptr(GString) path = g_string_new(NULL);
    g_autoptr(GHashTable) devices = NULL;
    g_autoptr(GHashTable) ram_blocks = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) ram_lengths = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(QDict) dump = NULL;
    g_autoptr(QDict) compat = NULL;
    QsReader r = { 0 };
    uint32_t version;
    uint8_t b;
    bool ok;

    if (!opts) {
        qemu_stream_options_init(&defaults);
        opts = &defaults;
    }
    r.f = f;
    r.win = qemu_file__read_window(f);
    r.elem_index = -1;
    r.limits = opts->limits ? opts->limits : qvisit_limits_default();
    r.compat = opts->analyze_compat;
    r.ram_full = opts->ram_full && !r.compat;
    r.path = path;
    r.ram_blocks = ram_blocks;
    r.ram_lengths = ram_lengths;
    if (!vmdesc && opts->layouts && !r.compat) {
        /* Decoded through the layouts (qs__read_layout()). */
        r.page_size = QS_DEFAULT_PAGE_SIZE;
    } else if (!vmdesc) {
        qs__vmdesc_missing(errp);
        return NULL;
    } else if (!qs__vmdesc_check(vmdesc, &r.page_size, errp)) {
        return NULL;
    } else {
        devices = qs__vmdesc_index(vmdesc);
    }
    if (!read_header(&r, &version, errp)) {
        return NULL;
    }
    if (r.compat) {
        compat = qdict_new();
    } else {
        dump = qdict_new();
        qdict_put_str(dump, "format", QS_NATIVE_FORMAT);
        qdict_put_int(dump, "format_version", QS_NATIVE_FORMAT_VERSION);
        qdict_put_uint(dump, "stream_version", version);
        qdict_put_uint(dump, "page_size", r.page_size);
        qdict_put_null(dump, "configuration");
        r.ram_summary = qdict_new();
        qdict_put_uint(r.ram_summary, "page_size", r.page_size);
        qdict_put_obj(r.ram_summary, "blocks", QOBJECT(qlist_new()));
        qdict_put_obj(dump, "ram", QOBJECT(r.ram_summary));
        qdict_put_obj(dump, "records", QOBJECT(qlist_new()));
        if (borrowed && vmdesc) {
            g_autoptr(GString) text = qobject_to_json(vmdesc);

            if (!qs__charge(&r, QS_COST_STR(text->len), errp)) {
                return NULL;
            }
            qdict_put_str(dump, "borrowed_vmdesc", text->str);
        }
    }
    ok = true;
    if (qs__peek_u8(&r, &b) && b == QS_CONFIGURATION) {
        ok = qs__u8(&r, &b, errp) && read_configuration(&r, dump, errp);
    }
    ok = ok && read_records(&r, devices, dump, compat, opts, errp) &&
         read_trailer(&r, dump, errp);
    g_free(r.ram_block);
    g_free(r.machine_type);
    qobject_unref(r.int_cache.obj);
    if (!ok) {
        return NULL;
    }
    if (compat) {
        return QOBJECT(g_steal_pointer(&compat));
    }
    return QOBJECT(g_steal_pointer(&dump));
}
