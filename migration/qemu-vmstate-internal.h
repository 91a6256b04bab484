/*
 * Internals of the -dump-vmstate reader and its two checks
 * (migration/qemu-vmstate*.c). Not installed; tools never include it.
 *
 * The file is kept as the parsed QObject tree, and a checked C model
 * borrows its strings and dicts, so the checks read typed values and never
 * fail on a member they find.
 */
#ifndef QVISIT_QEMU_VMSTATE_INTERNAL_H
#define QVISIT_QEMU_VMSTATE_INTERNAL_H

#include "qvisit/error.h"
#include "qvisit/qemu-vmstate.h"

/* The member holding the machine type; every other one is a section. */
#define QVS_MACHINE_KEY "vmschkmachine"

/* Sizes are %zu in QEMU; this bound keeps differences and sums of two
 * sizes inside int64. */
#define QVS_SIZE_MAX ((int64_t)1 << 62)

/* "version_id" and the optional "minimum_version_id" of a section,
 * description or field (the static checker compares all three alike). */
typedef struct QvsVersion {
    int64_t version_id;
    bool has_min;
    int64_t minimum_version_id;
} QvsVersion;

typedef struct QvsDesc QvsDesc;

typedef struct QvsField {
    const QDict *dict;
    const char *name;           /* "field" */
    QvsVersion v;               /* has_min only if the file gives one */
    bool field_exists;
    int64_t size;
    QvsDesc *desc;              /* "Description", or NULL */
} QvsField;

struct QvsDesc {
    const QDict *dict;
    const char *name;
    QvsVersion v;
    QvsField *fields;           /* "Fields"; NULL when absent */
    size_t n_fields;
    QvsDesc *subsections;       /* "Subsections"; NULL when absent */
    size_t n_subsections;
};

typedef struct QvsSection {
    const QDict *dict;
    const char *key;            /* the device type */
    QvsVersion v;
    QvsDesc *desc;              /* "Description", or NULL */
} QvsSection;

struct QemuVmstate {
    QObject *root;
    const char *machine;        /* NULL without QVS_MACHINE_KEY */
    QvsSection *sections;       /* in file order */
    size_t n_sections;
    GHashTable *by_key;         /* key -> QvsSection * */
    GHashTable *by_vmsd;        /* Description name -> GPtrArray of
                                 * QvsSection *, in file order */
};

struct QemuVmstateFinding {
    QemuVmstateFindingKind kind;
    char *section;
    int64_t instance;
    char *path;
    char *description;          /* nullable */
    char *message;
};

/* Appends a finding whose message is "<path>: <fmt...>", both escaped
 * with qvs__escape(). */
void qvs__add(GPtrArray *out, QemuVmstateFindingKind kind,
              const char *section, int64_t instance, const char *path,
              const char *description, const char *fmt, ...)
    G_GNUC_PRINTF(7, 8);

/* @text through the project's one escape helper, qvisit_error_escape(),
 * so that a message built from names in the input stays one line. */
char *qvs__escape(const char *text);
/* Applies qvs__escape() to the message of *@errp, if set; returns false. */
bool qvs__escape_error(GError **errp);

/* Members of the dump's objects (the object at @path): sets the error
 * "<path>.<key>: <what>" with @code and returns false. */
bool qvs__bad(GError **errp, int code, const GString *path, const char *key,
              const char *what);
/* A string member (borrowed from @d); an @optional one may be absent
 * (*@out NULL). MISSING or TYPE otherwise. */
bool qvs__get_str(const QDict *d, const char *key, const GString *path,
                  bool optional, const char **out, GError **errp);
/* An integer member from @min to @max; an @optional one may be absent
 * (*@present false). MISSING; TYPE (not an integer) or RANGE with the
 * message @what. */
bool qvs__get_int(const QDict *d, const char *key, const GString *path,
                  bool optional, int64_t min, int64_t max, const char *what,
                  bool *present, int64_t *out, GError **errp);
/* Loads object @item into @out, one element of qvs__load_list(). */
typedef bool (*QvsItemLoader)(const QDict *item, GString *path, void *out,
                              GError **errp);
/*
 * List member @key of @d, when present (else true, *@items untouched):
 * a new array *@items of *@n elements of @size bytes (one byte for an
 * empty list), each an object that @load loads with "<path>.<key>[i]" in
 * @path. TYPE when it is not a list or an element is not an object.
 */
bool qvs__load_list(const QDict *d, const char *key, GString *path,
                    size_t size, QvsItemLoader load, void **items, size_t *n,
                    GError **errp);

/* A new array that frees the findings it holds. */
GPtrArray *qvs__findings_new(void);

/* The section of @vs named @key, or NULL. */
const QvsSection *qvs__section(const QemuVmstate *vs, const char *key);

#endif /* QVISIT_QEMU_VMSTATE_INTERNAL_H */
