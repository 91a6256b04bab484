/*
 * The encoder's check of a native dump's members (docs/qemu-streams.md,
 * "What encode checks"): every object of the framing may hold only the
 * members the encoder writes, and an optional member only of its type.
 *
 * The encoder reads members by name and takes an absent optional one for
 * its default, so a member it does not know, or an optional one of
 * another type, would be dropped without a word: a typo such as
 * "configuraton" wrote a stream without its configuration, "vmdes" (or a
 * vmdesc that is not a string) one without its vmdesc, and a RAM item
 * whose "block" was misspelt or a number went to the previous item's
 * block. Device states are checked against the vmdesc elsewhere
 * (qs__write_vmsd()); this covers everything around them.
 */
#include <string.h>

#include "qemustream/qemu-stream-internal.h"

typedef enum {
    M_ANY,          /* checked where it is written */
    M_STR,
    M_STR_OR_NULL,
    M_OBJ,
    M_OBJ_OR_NULL,
    M_LIST,
    M_BOOL,
} MemberType;

typedef struct Member {
    const char *name;
    MemberType type;
} Member;

/* The members of each kind of object; NULL-terminated. */
static const Member root_members[] = {
    { "format", M_ANY }, { "format_version", M_ANY },
    { "stream_version", M_ANY }, { "page_size", M_ANY },
    { "configuration", M_OBJ_OR_NULL },
    { "ram", M_ANY },                   /* the summary dump --qemu adds */
    { "records", M_LIST },
    { "vmdesc", M_STR_OR_NULL }, { "borrowed_vmdesc", M_STR_OR_NULL },
    { "opaque_sections", M_ANY },       /* a listing, not written */
    { NULL, M_ANY },
};

static const Member conf_members[] = {
    { "machine_type", M_STR }, { "subsections", M_LIST }, { NULL, M_ANY },
};

static const Member conf_sub_members[] = {
    { "name", M_STR }, { "version_id", M_ANY }, { "capabilities", M_LIST },
    { "uuid", M_STR }, { "page_bits", M_ANY }, { NULL, M_ANY },
};

/* Records: the payload members (ram, block, dirty_bitmap, opaque) are
 * allowed on every section record; the encoder says which one it
 * needs. */
#define SECTION_PAYLOADS \
    { "ram", M_ANY }, { "block", M_ANY }, { "dirty_bitmap", M_ANY }, \
    { "opaque", M_ANY }

static const Member start_members[] = {
    { "type", M_STR }, { "section_id", M_ANY }, { "idstr", M_STR },
    { "instance_id", M_ANY }, { "version_id", M_ANY },
    { "footer", M_BOOL }, { "state", M_OBJ }, SECTION_PAYLOADS,
    { NULL, M_ANY },
};

static const Member part_members[] = {
    { "type", M_STR }, { "section_id", M_ANY }, { "footer", M_BOOL },
    { "state", M_ANY },         /* the writer's message is more precise */
    SECTION_PAYLOADS, { NULL, M_ANY },
};

static const Member command_members[] = {
    { "type", M_STR }, { "cmd", M_ANY }, { "data", M_STR }, { NULL, M_ANY },
};

static const Member eof_members[] = {
    { "type", M_STR }, { NULL, M_ANY },
};

/* RAM items, by type. */
static const Member ram_mem_size_members[] = {
    { "type", M_STR }, { "total", M_ANY }, { "blocks", M_LIST },
    { NULL, M_ANY },
};

static const Member ram_block_entry_members[] = {
    { "id", M_STR }, { "length", M_ANY }, { "addr", M_ANY }, { NULL, M_ANY },
};

static const Member ram_zero_members[] = {
    { "type", M_STR }, { "addr", M_ANY }, { "block", M_STR },
    { "fill", M_ANY }, { NULL, M_ANY },
};

static const Member ram_page_members[] = {
    { "type", M_STR }, { "addr", M_ANY }, { "block", M_STR },
    { "data", M_STR }, { NULL, M_ANY },
};

static const Member ram_xbzrle_members[] = {
    { "type", M_STR }, { "addr", M_ANY }, { "block", M_STR },
    { "encoding", M_ANY }, { "data", M_STR }, { NULL, M_ANY },
};

/* The EOS word's address bits, when not 0, are kept as "addr". */
static const Member ram_eos_members[] = {
    { "type", M_STR }, { "addr", M_ANY }, { NULL, M_ANY },
};

/* Block migration and dirty-bitmap items: the members of every type
 * (the writers refuse one their type does not write). */
static const Member block_item_members[] = {
    { "type", M_STR }, { "flags", M_ANY }, { "sector", M_ANY },
    { "device", M_STR }, { "data", M_STR }, { "percent", M_ANY },
    { NULL, M_ANY },
};

static const Member bitmap_chunk_members[] = {
    { "type", M_STR }, { "flags", M_ANY }, { "flags_bytes", M_STR },
    { "node", M_STR }, { "bitmap", M_STR }, { "granularity", M_ANY },
    { "bitmap_flags", M_ANY }, { "sector", M_ANY },
    { "nr_sectors", M_ANY }, { "data", M_STR }, { NULL, M_ANY },
};

static const Member opaque_members[] = {
    { "bytes", M_ANY }, { "data", M_STR }, { NULL, M_ANY },
};

static bool type_ok(const QObject *o, MemberType t, const char **want)
{
    QType q = qobject_type(o);

    switch (t) {
    case M_STR:
        *want = "a string";
        return q == QTYPE_QSTRING;
    case M_STR_OR_NULL:
        *want = "a string or null";
        return q == QTYPE_QSTRING || q == QTYPE_QNULL;
    case M_OBJ:
        *want = "an object";
        return q == QTYPE_QDICT;
    case M_OBJ_OR_NULL:
        *want = "an object or null";
        return q == QTYPE_QDICT || q == QTYPE_QNULL;
    case M_LIST:
        *want = "an array";
        return q == QTYPE_QLIST;
    case M_BOOL:
        *want = "true or false";
        return q == QTYPE_QBOOL;
    default:
        return true;
    }
}

/* Checks the members of @d, an object of kind @what ("a FULL record"),
 * against @allowed. */
static bool check_object(const QDict *d, const Member *allowed,
                         const char *what, GString *path, GError **errp)
{
    for (const QDictEntry *e = qdict_first(d); e; e = qdict_next(d, e)) {
        const char *key = qdict_entry_key(e);
        const Member *m = allowed;
        const char *want = NULL;

        while (m->name && strcmp(m->name, key) != 0) {
            m++;
        }
        if (!m->name) {
            return qs__enc_member_error(path, key, errp,
                                        QVISIT_ERROR_UNEXPECTED,
                                        "not a member of %s, so the stream "
                                        "cannot hold it", what);
        }
        if (!type_ok(qdict_entry_value(e), m->type, &want)) {
            return qs__enc_member_error(path, key, errp, QVISIT_ERROR_TYPE,
                                        "expected %s, got %s", want,
                                        qobject_type_name(qobject_type(
                                            qdict_entry_value(e))));
        }
    }
    return true;
}

/* Checks each object of @items (a list, or anything the writer refuses
 * later) with the member list its "type" selects; an item of a type
 * that has none is left to the writer. */
static bool check_items(const QObject *items, const char *noun,
                        const Member *(*members_of)(const char *type),
                        GString *path, GError **errp)
{
    const QList *l = qobject_to(QList, items);

    for (size_t i = 0; l && i < qlist_size(l); i++) {
        QDict *item = qobject_to(QDict, qlist_get(l, i));
        QString *type = item ? qobject_to(QString, qdict_get(item, "type"))
                             : NULL;
        const Member *allowed = type
            ? members_of(qstring_get_str(type)) : NULL;
        size_t mark = path->len;
        g_autofree char *what = NULL;
        bool ok;

        if (!allowed) {
            continue;
        }
        g_string_append_printf(path, "[%zu]", i);
        what = g_strdup_printf("a '%s' %s", qstring_get_str(type), noun);
        ok = check_object(item, allowed, what, path, errp);
        if (ok && !strcmp(qstring_get_str(type), "mem_size")) {
            const QList *blocks = qobject_to(QList,
                                             qdict_get(item, "blocks"));

            for (size_t k = 0; ok && blocks && k < qlist_size(blocks);
                 k++) {
                QDict *b = qobject_to(QDict, qlist_get(blocks, k));
                size_t bmark = path->len;

                if (!b) {
                    continue;
                }
                g_string_append_printf(path, ".blocks[%zu]", k);
                ok = check_object(b, ram_block_entry_members,
                                  "a RAM block of the mem_size item", path,
                                  errp);
                g_string_truncate(path, bmark);
            }
        }
        if (!ok) {
            return false;
        }
        g_string_truncate(path, mark);
    }
    return true;
}

static const Member *ram_members_of(const char *type)
{
    if (!strcmp(type, "mem_size")) {
        return ram_mem_size_members;
    } else if (!strcmp(type, "zero")) {
        return ram_zero_members;
    } else if (!strcmp(type, "page") || !strcmp(type, "compressed")) {
        return ram_page_members;
    } else if (!strcmp(type, "xbzrle")) {
        return ram_xbzrle_members;
    } else if (!strcmp(type, "eos")) {
        return ram_eos_members;
    }
    return NULL;
}

static const Member *block_members_of(const char *type)
{
    (void)type;
    return block_item_members;
}

static const Member *bitmap_members_of(const char *type)
{
    (void)type;
    return bitmap_chunk_members;
}

static const Member *record_members_of(const char *type)
{
    if (!strcmp(type, "START") || !strcmp(type, "FULL")) {
        return start_members;
    } else if (!strcmp(type, "PART") || !strcmp(type, "END")) {
        return part_members;
    } else if (!strcmp(type, "COMMAND")) {
        return command_members;
    } else if (!strcmp(type, "EOF")) {
        return eof_members;
    }
    return NULL;
}

bool qs__enc_check_members(const QDict *root, GString *path, GError **errp)
{
    const QDict *conf = qobject_to(QDict, qdict_get(root, "configuration"));
    const QList *subs = conf ? qobject_to(QList, qdict_get(conf,
                                                           "subsections"))
                             : NULL;
    const QList *records = qobject_to(QList, qdict_get(root, "records"));
    size_t mark = path->len;

    if (!check_object(root, root_members, "a dump", path, errp)) {
        return false;
    }
    if (conf) {
        g_string_append(path, "configuration");
        if (!check_object(conf, conf_members, "the configuration", path,
                          errp)) {
            return false;
        }
        g_string_append(path, ".subsections");
        for (size_t i = 0; subs && i < qlist_size(subs); i++) {
            QDict *sub = qobject_to(QDict, qlist_get(subs, i));
            size_t smark = path->len;

            if (!sub) {
                continue;
            }
            g_string_append_printf(path, "[%zu]", i);
            if (!check_object(sub, conf_sub_members,
                              "a configuration subsection", path, errp)) {
                return false;
            }
            g_string_truncate(path, smark);
        }
        g_string_truncate(path, mark);
    }
    g_string_append(path, "records");
    if (!check_items(QOBJECT(records), "record", record_members_of, path,
                     errp)) {
        return false;
    }
    for (size_t i = 0; records && i < qlist_size(records); i++) {
        QDict *rec = qobject_to(QDict, qlist_get(records, i));
        size_t rmark = path->len;
        QDict *opaque;
        bool ok;

        if (!rec) {
            continue;
        }
        g_string_append_printf(path, "[%zu].ram", i);
        ok = check_items(qdict_get(rec, "ram"), "RAM item", ram_members_of,
                         path, errp);
        g_string_truncate(path, rmark);
        g_string_append_printf(path, "[%zu].block", i);
        ok = ok && check_items(qdict_get(rec, "block"), "block item",
                               block_members_of, path, errp);
        g_string_truncate(path, rmark);
        g_string_append_printf(path, "[%zu].dirty_bitmap", i);
        ok = ok && check_items(qdict_get(rec, "dirty_bitmap"),
                               "dirty-bitmap chunk", bitmap_members_of,
                               path, errp);
        g_string_truncate(path, rmark);
        opaque = qobject_to(QDict, qdict_get(rec, "opaque"));
        if (ok && opaque) {
            g_string_append_printf(path, "[%zu].opaque", i);
            ok = check_object(opaque, opaque_members,
                              "an opaque payload", path, errp);
            g_string_truncate(path, rmark);
        }
        if (!ok) {
            return false;
        }
    }
    g_string_truncate(path, mark);
    return true;
}
