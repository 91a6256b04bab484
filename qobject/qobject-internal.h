/*
 * Struct layouts of the QObject types. Not installed.
 *
 * Every concrete type starts with a QObject header, so QOBJECT() is a plain
 * cast and qobject_to() a type check plus cast. Each type's file owns its
 * constructor and destructor; qobject.c dispatches on the type.
 */
#ifndef QVISIT_QOBJECT_INTERNAL_H
#define QVISIT_QOBJECT_INTERNAL_H

#include "qvisit/qobject.h"

struct QObject {
    QType type;
    size_t refcnt;
};

struct QNull {
    QObject base;
};

struct QBool {
    QObject base;
    bool value;
};

typedef enum {
    QNUM_I64,
    QNUM_U64,
    QNUM_DOUBLE,
} QNumKind;

struct QNum {
    QObject base;
    QNumKind kind;
    union {
        int64_t i64;
        uint64_t u64;
        double dbl;
    } u;
};

struct QString {
    QObject base;
    size_t len;             /* bytes before the terminating NUL */
    char str[];             /* in the same allocation as the QString */
};

/*
 * Members are a doubly linked list in insertion order (O(1) delete and
 * in-place replace); the key is stored inline so a member is one
 * allocation, and the first members of a dict (QDICT_IN_PLACE_BYTES of
 * them) live in the dict's own allocation: most dicts are a few members
 * (a vmdesc field is {"name", "type", "size"}), and parsing one used to
 * cost an allocation per member. Space of a deleted in-place member is
 * not reused, so at most those bytes go unused. Lookup is a linear scan
 * while the dict is small and a hash index (created at QDICT_INDEX_MIN
 * members) afterwards: most device structs have a handful of members,
 * and a GHashTable per struct would cost more than it saves.
 */
struct QDictEntry {
    QDictEntry *prev;
    QDictEntry *next;
    QObject *value;
    bool in_place;          /* in the dict's own allocation */
    char key[];
};

#define QDICT_INDEX_MIN 9
#define QDICT_IN_PLACE_BYTES 128

struct QDict {
    QObject base;
    size_t size;
    QDictEntry *first;
    QDictEntry *last;
    GHashTable *index;      /* key -> QDictEntry, NULL while small */
    size_t in_place_used;   /* bytes of in_place taken */
    uint64_t in_place[QDICT_IN_PLACE_BYTES / 8];
};

/*
 * Elements are an array, in the list's own allocation while there are at
 * most QLIST_IN_PLACE of them (most lists in a vmdesc or a device are
 * short), then on the heap, doubling.
 */
#define QLIST_IN_PLACE 4

struct QList {
    QObject base;
    size_t len;
    size_t cap;
    QObject **elems;        /* each holding one reference */
    QObject *in_place[QLIST_IN_PLACE];
};

static inline void qobject__init(QObject *obj, QType type)
{
    obj->type = type;
    obj->refcnt = 1;
}

/*
 * Destructors of the containers: free the container itself and drop one
 * reference of each member. A member whose count reaches zero and that is
 * itself a container is pushed on @pending instead of being freed
 * recursively, so freeing a deep tree needs no deep C stack.
 */
void qdict__destroy(QDict *d, GPtrArray *pending);
void qlist__destroy(QList *l, GPtrArray *pending);
void qnum__destroy(QNum *n);
void qstring__destroy(QString *s);
void qbool__destroy(QBool *b);

/* Drops one reference; pushes @obj on @pending when it must be freed. */
void qobject__release(QObject *obj, GPtrArray *pending);

/* A QString holding a copy of @len bytes at @str (which need not be
 * NUL-terminated), in the same allocation as the QString itself. */
QString *qstring__new(const char *str, size_t len);

/* Adds a member under the first @klen bytes of @key (not necessarily
 * NUL-terminated), taking @value, without looking for an existing one:
 * the caller knows the key is new. */
void qdict__append(QDict *d, const char *key, size_t klen, QObject *value);

/* Returns the member named @key (NUL-terminated), or NULL. */
QDictEntry *qdict__lookup(const QDict *d, const char *key);

/* Like qdict__lookup() with the first @len bytes of @key as the name. */
QDictEntry *qdict__lookup_len(const QDict *d, const char *key, size_t len);

/*
 * The bytes of @x (loaded from memory with memcpy()) that need a second
 * look from the JSON parser or writer, as a mask of their high bits: a
 * control character, '"', '\\' or part of a multi-byte UTF-8 sequence.
 * Names and hex dumps are all plain bytes, so strings are scanned a word
 * at a time. Each test is the classic "has a byte less than n" / "has a
 * zero byte" bit trick: exact for "any byte", and exact for the first
 * such byte in memory order (a borrow only flags bytes after a true one),
 * so on a little-endian machine the lowest set bit finds it.
 */
static inline uint64_t qjson__word_special(uint64_t x)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    const uint64_t highs = UINT64_C(0x8080808080808080);
    uint64_t quote = x ^ (ones * '"');
    uint64_t bslash = x ^ (ones * '\\');

    return (x & highs) | ((x - ones * 0x20) & ~x & highs) |
           ((quote - ones) & ~quote & highs) |
           ((bslash - ones) & ~bslash & highs);
}

static inline bool qjson__word_is_plain(uint64_t x)
{
    return qjson__word_special(x) == 0;
}

/*
 * Strict JSON parse. With @build false only validates (used by the
 * benchmark to measure the cost of a pre-scan) and returns a dummy
 * non-NULL pointer on success that must not be used.
 */
/*
 * The shortest form of a positive finite double @a, as "D.DDDe<exp10>"
 * would show it: its significant digits without trailing zeros and its
 * decimal exponent (qobject/json-double.c states the rule).
 */
typedef struct QjsonDigits {
    char digits[24];
    int n;
    int exp10;
} QjsonDigits;

void qjson__shortest_digits(double a, QjsonDigits *dd);

QObject *qjson__parse(const char *text, size_t len,
                      const QVisitLimits *limits, bool build, GError **errp);

#endif /* QVISIT_QOBJECT_INTERNAL_H */
