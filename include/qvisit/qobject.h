/*
 * QObject: the in-memory tree of a device's state.
 *
 * Names and semantics follow QEMU's qobject API so that code moves between
 * the two. A QObject is one of QNull, QBool, QNum, QString, QDict or QList.
 * Every QObject is reference counted: a constructor returns an object with
 * one reference owned by the caller; qobject_ref() adds one and
 * qobject_unref() drops one (both accept NULL). Containers own one reference
 * of each member: qdict_put_obj() and qlist_append_obj() take the caller's
 * reference, and getters such as qdict_get() return borrowed pointers that
 * stay valid while the container holds the member.
 *
 * A QNum keeps exactly the value it was made from: an int64, a uint64 or a
 * double. Equality follows QEMU: an int and a uint with the same
 * non-negative value are equal; a double never equals an integer; dict
 * equality ignores member order; list equality does not.
 *
 * QObjects are not thread-safe: share a tree between threads only read-only
 * and with no reference changes. Strings and numbers are immutable, so a
 * tree may hold one of them in several places (the JSON parser shares
 * equal short strings and integers); hand parts of one tree to different
 * threads only after qobject_clone() (or a copy of your own).
 */
#ifndef QVISIT_QOBJECT_H
#define QVISIT_QOBJECT_H

#include <glib.h>

#include "qvisit/common.h"
#include "qvisit/limits.h"

/**
 * QType:
 *
 * The dynamic type of a QObject.
 *
 * Since: 0.1
 */
typedef enum {
    QTYPE_NONE,
    QTYPE_QNULL,
    QTYPE_QNUM,
    QTYPE_QSTRING,
    QTYPE_QDICT,
    QTYPE_QLIST,
    QTYPE_QBOOL,
    QTYPE__MAX,
} QType;

/**
 * QObject:
 *
 * Any QObject; opaque. Use QOBJECT() to convert a typed pointer to it and
 * qobject_to() to convert back.
 *
 * Since: 0.1
 */
typedef struct QObject QObject;
typedef struct QNull QNull;
typedef struct QBool QBool;
typedef struct QNum QNum;
typedef struct QString QString;
typedef struct QDict QDict;
typedef struct QList QList;
typedef struct QDictEntry QDictEntry;

/**
 * QOBJECT:
 * @x: (nullable): a pointer to QObject or to any concrete QObject type
 *
 * Every concrete type starts with its QObject header, so this is a
 * type-checked cast: any other pointer type is a compile error. @x is
 * evaluated once.
 *
 * Returns: the same object as a QObject pointer (NULL for NULL).
 * Since: 0.1
 */
#define QOBJECT(x) _Generic((x), \
    QObject *: (QObject *)(x), const QObject *: (const QObject *)(x), \
    QNull *: (QObject *)(x), const QNull *: (const QObject *)(x), \
    QBool *: (QObject *)(x), const QBool *: (const QObject *)(x), \
    QNum *: (QObject *)(x), const QNum *: (const QObject *)(x), \
    QString *: (QObject *)(x), const QString *: (const QObject *)(x), \
    QDict *: (QObject *)(x), const QDict *: (const QObject *)(x), \
    QList *: (QObject *)(x), const QList *: (const QObject *)(x), \
    void *: (QObject *)(x))

/**
 * qobject_to:
 * @type: a concrete type name: QNull, QBool, QNum, QString, QDict or QList
 * @obj: (nullable): a QObject
 *
 * Returns: (transfer none) (nullable): @obj as @type, or NULL when @obj is
 *   NULL or of another type.
 * Since: 0.1
 */
#define qobject_to(type, obj) \
    ((type *)qobject_check_type_((obj), QTYPE_FOR_##type))

#define QTYPE_FOR_QNull QTYPE_QNULL
#define QTYPE_FOR_QBool QTYPE_QBOOL
#define QTYPE_FOR_QNum QTYPE_QNUM
#define QTYPE_FOR_QString QTYPE_QSTRING
#define QTYPE_FOR_QDict QTYPE_QDICT
#define QTYPE_FOR_QList QTYPE_QLIST

/* Implementation of qobject_to(); returns @obj when it has @type. */
QVISIT_API void *qobject_check_type_(const QObject *obj, QType type);

/**
 * qobject_type:
 * @obj: a QObject, not NULL
 *
 * Returns: the dynamic type of @obj.
 * Since: 0.1
 */
QVISIT_API QType qobject_type(const QObject *obj);

/**
 * qobject_type_name:
 * @type: a QType
 *
 * Returns: (transfer none): the JSON name of @type, as used in error
 *   messages: "null", "boolean", "number", "string", "object", "array".
 * Since: 0.1
 */
QVISIT_API const char *qobject_type_name(QType type);

/**
 * qobject_ref:
 * @obj: (nullable): a QObject of any concrete type
 *
 * Adds a reference to @obj.
 *
 * Returns: (transfer full): @obj, for chaining.
 * Since: 0.1
 */
#define qobject_ref(obj) ((__typeof__(obj))qobject_ref_impl_(QOBJECT(obj)))
QVISIT_API void *qobject_ref_impl_(const QObject *obj);

/**
 * qobject_unref:
 * @obj: (nullable) (transfer full): a QObject of any concrete type
 *
 * Drops one reference; the last one frees @obj and its members.
 *
 * Since: 0.1
 */
#define qobject_unref(obj) qobject_unref_impl_(QOBJECT(obj))
QVISIT_API void qobject_unref_impl_(const QObject *obj);

/**
 * qobject_is_equal:
 * @a: (nullable): a QObject
 * @b: (nullable): a QObject
 *
 * Deep comparison with QEMU's rules (see the header comment). Two NULLs are
 * equal. Doubles compare with ==, as in QEMU: 0.0 equals -0.0 and a NaN
 * equals nothing, not even itself. Recursive: the C stack grows with the
 * depth of the trees.
 *
 * Returns: true when @a and @b are equal.
 * Since: 0.1
 */
QVISIT_API bool qobject_is_equal(const QObject *a, const QObject *b);

/**
 * qobject_clone:
 * @obj: (nullable): a QObject
 *
 * Recursive, like qobject_is_equal().
 *
 * Returns: (transfer full) (nullable): a deep copy of @obj (NULL for NULL).
 * Since: 0.1
 */
QVISIT_API QObject *qobject_clone(const QObject *obj);

/* --- QNull ------------------------------------------------------------- */

/**
 * qnull:
 *
 * The singleton's count is never changed, so qnull(), qobject_ref() and
 * qobject_unref() of it are safe from any thread.
 *
 * Returns: (transfer full): a reference to the QNull singleton.
 * Since: 0.1
 */
QVISIT_API QNull *qnull(void);

/* --- QBool ------------------------------------------------------------- */

/**
 * qbool_from_bool:
 * @value: the value
 *
 * Returns: (transfer full): a new QBool.
 * Since: 0.1
 */
QVISIT_API QBool *qbool_from_bool(bool value);

/**
 * qbool_get_bool:
 * @qb: a QBool
 *
 * Returns: its value.
 * Since: 0.1
 */
QVISIT_API bool qbool_get_bool(const QBool *qb);

/* --- QNum -------------------------------------------------------------- */

/**
 * qnum_from_int:
 * @value: the value
 *
 * Returns: (transfer full): a new QNum holding a signed integer.
 * Since: 0.1
 */
QVISIT_API QNum *qnum_from_int(int64_t value);

/**
 * qnum_from_uint:
 * @value: the value
 *
 * Returns: (transfer full): a new QNum holding an unsigned integer.
 * Since: 0.1
 */
QVISIT_API QNum *qnum_from_uint(uint64_t value);

/**
 * qnum_from_double:
 * @value: the value
 *
 * Returns: (transfer full): a new QNum holding a double.
 * Since: 0.1
 */
QVISIT_API QNum *qnum_from_double(double value);

/**
 * qnum_is_double:
 * @qn: a QNum
 *
 * Returns: true when @qn was made from a double, false for an integer.
 * Since: 0.1
 */
QVISIT_API bool qnum_is_double(const QNum *qn);

/**
 * qnum_get_try_int:
 * @qn: a QNum
 * @val: (out): where to store the value
 *
 * Returns: true and the value in *@val when @qn is an integer that fits
 *   int64; false (and *@val untouched) otherwise, e.g. for UINT64_MAX or a
 *   double.
 * Since: 0.1
 */
QVISIT_API bool qnum_get_try_int(const QNum *qn, int64_t *val);

/**
 * qnum_get_try_uint:
 * @qn: a QNum
 * @val: (out): where to store the value
 *
 * Returns: true and the value in *@val when @qn is a non-negative integer;
 *   false (and *@val untouched) for a negative integer or a double.
 * Since: 0.1
 */
QVISIT_API bool qnum_get_try_uint(const QNum *qn, uint64_t *val);

/**
 * qnum_get_double:
 * @qn: a QNum
 *
 * Returns: the value as a double (integers are converted, possibly
 *   rounding).
 * Since: 0.1
 */
QVISIT_API double qnum_get_double(const QNum *qn);

/* --- QString ----------------------------------------------------------- */

/**
 * qstring_from_str:
 * @str: a NUL-terminated string, copied
 *
 * Returns: (transfer full): a new QString.
 * Since: 0.1
 */
QVISIT_API QString *qstring_from_str(const char *str);

/**
 * qstring_from_hex:
 * @data: (array length=len) (nullable): the bytes; may be %NULL when @len
 *   is 0
 * @len: how many bytes
 *
 * A string of the 2 × @len lowercase hex digits of @data, as buffers are
 * written in QObject trees (visit_type_buffer()'s "hex" form), built in
 * place: no intermediate copy of the text, which matters for the
 * megabytes of a RAM digest list.
 *
 * Returns: (transfer full): a new QString.
 * Since: 0.2
 */
QVISIT_API QString *qstring_from_hex(const void *data, size_t len);

/**
 * qstring_get_str:
 * @qs: a QString
 *
 * Returns: (transfer none): its NUL-terminated text, valid while @qs lives.
 * Since: 0.1
 */
QVISIT_API const char *qstring_get_str(const QString *qs);

/* --- QDict ------------------------------------------------------------- */

/**
 * qdict_new:
 *
 * Returns: (transfer full): a new empty dict. Members keep insertion order.
 * Since: 0.1
 */
QVISIT_API QDict *qdict_new(void);

/**
 * qdict_size:
 * @d: a QDict
 *
 * Returns: the number of members.
 * Since: 0.1
 */
QVISIT_API size_t qdict_size(const QDict *d);

/**
 * qdict_put_obj:
 * @d: a QDict
 * @key: the member name, copied
 * @value: (transfer full): the value; the dict takes this reference
 *
 * Sets member @key. An existing member of that name is replaced in place
 * (it keeps its position) and its old value unreferenced.
 *
 * Since: 0.1
 */
QVISIT_API void qdict_put_obj(QDict *d, const char *key, QObject *value);

/**
 * qdict_put:
 * @d: a QDict
 * @key: the member name
 * @obj: (transfer full): any concrete QObject pointer
 *
 * qdict_put_obj() for typed pointers.
 *
 * Since: 0.1
 */
#define qdict_put(d, key, obj) qdict_put_obj(d, key, QOBJECT(obj))

/** qdict_put_int: shorthand with qnum_from_int(). Since: 0.1 */
QVISIT_API void qdict_put_int(QDict *d, const char *key, int64_t value);
/** qdict_put_uint: shorthand with qnum_from_uint(). Since: 0.1 */
QVISIT_API void qdict_put_uint(QDict *d, const char *key, uint64_t value);
/** qdict_put_str: shorthand with qstring_from_str(). Since: 0.1 */
QVISIT_API void qdict_put_str(QDict *d, const char *key, const char *value);
/** qdict_put_bool: shorthand with qbool_from_bool(). Since: 0.1 */
QVISIT_API void qdict_put_bool(QDict *d, const char *key, bool value);
/** qdict_put_null: shorthand with qnull(). Since: 0.1 */
QVISIT_API void qdict_put_null(QDict *d, const char *key);

/**
 * qdict_get:
 * @d: a QDict
 * @key: a member name
 *
 * Returns: (transfer none) (nullable): the member's value, valid while @d
 *   holds it, or NULL when there is no such member.
 * Since: 0.1
 */
QVISIT_API QObject *qdict_get(const QDict *d, const char *key);

/**
 * qdict_haskey:
 * @d: a QDict
 * @key: a member name
 *
 * Returns: true when @d has a member @key.
 * Since: 0.1
 */
QVISIT_API bool qdict_haskey(const QDict *d, const char *key);

/**
 * qdict_del:
 * @d: a QDict
 * @key: a member name
 *
 * Removes member @key (if present) and unreferences its value.
 *
 * Since: 0.1
 */
QVISIT_API void qdict_del(QDict *d, const char *key);

/**
 * qdict_first:
 * @d: a QDict
 *
 * Returns: (transfer none) (nullable): the first member in insertion order,
 *   or NULL for an empty dict. Entries stay valid until the dict is changed.
 * Since: 0.1
 */
QVISIT_API const QDictEntry *qdict_first(const QDict *d);

/**
 * qdict_next:
 * @d: the QDict @entry belongs to
 * @entry: an entry of @d
 *
 * Returns: (transfer none) (nullable): the member after @entry, or NULL.
 * Since: 0.1
 */
QVISIT_API const QDictEntry *qdict_next(const QDict *d,
                                        const QDictEntry *entry);

/**
 * qdict_entry_key:
 * @entry: an entry
 *
 * Returns: (transfer none): its key, valid while the entry is.
 * Since: 0.1
 */
QVISIT_API const char *qdict_entry_key(const QDictEntry *entry);

/**
 * qdict_entry_value:
 * @entry: an entry
 *
 * Returns: (transfer none): its value, valid while the entry is.
 * Since: 0.1
 */
QVISIT_API QObject *qdict_entry_value(const QDictEntry *entry);

/* --- QList ------------------------------------------------------------- */

/**
 * qlist_new:
 *
 * Returns: (transfer full): a new empty list.
 * Since: 0.1
 */
QVISIT_API QList *qlist_new(void);

/**
 * qlist_append_obj:
 * @l: a QList
 * @value: (transfer full): the element; the list takes this reference
 *
 * Since: 0.1
 */
QVISIT_API void qlist_append_obj(QList *l, QObject *value);

/**
 * qlist_append:
 * @l: a QList
 * @obj: (transfer full): any concrete QObject pointer
 *
 * qlist_append_obj() for typed pointers.
 *
 * Since: 0.1
 */
#define qlist_append(l, obj) qlist_append_obj(l, QOBJECT(obj))

/** qlist_append_int: appends qnum_from_int(value). Since: 0.1 */
QVISIT_API void qlist_append_int(QList *l, int64_t value);
/** qlist_append_uint: appends qnum_from_uint(value). Since: 0.1 */
QVISIT_API void qlist_append_uint(QList *l, uint64_t value);
/** qlist_append_str: appends qstring_from_str(value). Since: 0.1 */
QVISIT_API void qlist_append_str(QList *l, const char *value);

/**
 * qlist_size:
 * @l: a QList
 *
 * Returns: the number of elements.
 * Since: 0.1
 */
QVISIT_API size_t qlist_size(const QList *l);

/**
 * qlist_get:
 * @l: a QList
 * @index: an index
 *
 * O(1).
 *
 * Returns: (transfer none) (nullable): element @index, valid while @l holds
 *   it, or NULL when @index is out of range.
 * Since: 0.1
 */
QVISIT_API QObject *qlist_get(const QList *l, size_t index);

/**
 * qlist_set_obj:
 * @l: a QList
 * @index: an index below qlist_size()
 * @value: (transfer full): the new element
 *
 * Replaces element @index, unreferencing the old one.
 *
 * Since: 0.1
 */
QVISIT_API void qlist_set_obj(QList *l, size_t index, QObject *value);

/**
 * qlist_truncate:
 * @l: a QList
 * @len: the new length, not above qlist_size()
 *
 * Drops the elements from @len on.
 *
 * Since: 0.1
 */
QVISIT_API void qlist_truncate(QList *l, size_t len);

/* --- JSON -------------------------------------------------------------- */

/**
 * qobject_to_json:
 * @obj: a QObject
 *
 * Compact JSON: no white space at all. Integers are written exactly, a
 * double is written with the fewest digits that read back to the same bits
 * and always looks like a double ("1.0", never "1"), laid out as Python's
 * repr() does ("0.1", "1e-05", "1e+16"). NaN and infinities cannot be
 * written in JSON and come out as null. Strings are UTF-8 with the JSON
 * escapes (\", \\, \b \f \n \r \t, other control characters as
 * \u00XX); non-ASCII UTF-8 is kept as is, and invalid UTF-8 bytes are
 * written as U+FFFD, one per byte. Any tree depth works (no recursion).
 *
 * Returns: (transfer full): a new GString; free with g_string_free().
 * Since: 0.1
 */
QVISIT_API GString *qobject_to_json(const QObject *obj);

/**
 * qobject_to_json_pretty:
 * @obj: a QObject
 * @pretty: indent the output
 *
 * With @pretty false, the same as qobject_to_json(). With @pretty true, the
 * layout of Python's `json.dumps(obj, indent=4)`: one member or element per
 * line, four spaces per level, ", " never at line ends, `"key": value`, and
 * `{}` / `[]` for empty containers. No final newline. Unlike Python's
 * default (ensure_ascii=True), non-ASCII characters are not escaped; the
 * output equals Python's with ensure_ascii=False.
 *
 * Returns: (transfer full): a new GString.
 * Since: 0.1
 */
QVISIT_API GString *qobject_to_json_pretty(const QObject *obj, bool pretty);

/**
 * qobject_from_json:
 * @text: NUL-terminated JSON text (RFC 8259, UTF-8)
 * @errp: return location for an error
 *
 * Parses one JSON value with the default limits (nesting depth 1000).
 * Integers become int QNums (or uint QNums above INT64_MAX), numbers with a
 * fraction or exponent become doubles, each exactly.
 *
 * Errors: %QVISIT_ERROR_PARSE for malformed text, empty or blank input,
 * trailing garbage, duplicate keys, NaN/Infinity; %QVISIT_ERROR_RANGE for an
 * integer outside both int64 and uint64 or a number that overflows a
 * double; %QVISIT_ERROR_LIMIT for nesting deeper than the limit. A number
 * that underflows keeps its correctly rounded value (1e-400 is 0.0).
 *
 * Every message has the form `json: <what> at byte <offset>`, the offset
 * counted from 0 and pointing at the offending token, e.g.
 * `json: duplicate key "a" at byte 12`.
 *
 * Returns: (transfer full) (nullable): the value, or NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *qobject_from_json(const char *text, GError **errp);

/**
 * qobject_from_json_full:
 * @text: (nullable): JSON text; may be NULL when @len is 0 (the data of
 *   an empty GByteArray), which is empty input
 * @len: bytes at @text, or -1 when NUL-terminated
 * @limits: (nullable): limits to apply (max_depth, max_string_len,
 *   max_array_len and max_alloc are used); NULL for the defaults
 * @errp: return location for an error
 *
 * qobject_from_json() with a length and limits. Empty input, (NULL, 0)
 * included, is %QVISIT_ERROR_PARSE `json: empty input at byte 0`, as
 * for qobject_from_json(). A NUL byte inside @len bytes is a parse error. The text must be UTF-8, and a string may not
 * contain \u0000 (QStrings are NUL-terminated) or a lone surrogate.
 * Exceeding max_string_len (decoded bytes of one string) or max_array_len
 * (elements of one array) is %QVISIT_ERROR_LIMIT. The tree is charged
 * against max_alloc as it is built, at what each object and member takes
 * on the heap: a document whose tree would need more is
 * %QVISIT_ERROR_LIMIT (`json: document needs more than N bytes (max_alloc)
 * at byte M`), whatever the size of its text (since 0.2). Equal short
 * strings and equal integers in the result may be one shared object.
 *
 * Returns: (transfer full) (nullable): the value, or NULL on error.
 * Since: 0.1
 */
QVISIT_API QObject *qobject_from_json_full(const char *text, gssize len,
                                           const QVisitLimits *limits,
                                           GError **errp);

/* Automatic cleanup: g_autoptr(QObject), g_autoptr(QDict), ... */
QVISIT_API void qobject_unref_qobject_(QObject *obj);
QVISIT_API void qobject_unref_qdict_(QDict *obj);
QVISIT_API void qobject_unref_qlist_(QList *obj);
QVISIT_API void qobject_unref_qnum_(QNum *obj);
QVISIT_API void qobject_unref_qstring_(QString *obj);
QVISIT_API void qobject_unref_qbool_(QBool *obj);
QVISIT_API void qobject_unref_qnull_(QNull *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QObject, qobject_unref_qobject_)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QDict, qobject_unref_qdict_)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QList, qobject_unref_qlist_)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QNum, qobject_unref_qnum_)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QString, qobject_unref_qstring_)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QBool, qobject_unref_qbool_)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QNull, qobject_unref_qnull_)

#endif /* QVISIT_QOBJECT_H */
