/*
 * Snapshot names: the naming rules, the store's file names built from a
 * name and parsed back, and escaping of input text for messages.
 */
#include "qvisit/snapshot-store.h"

#include <string.h>

#include "migration/snapshot-store-internal.h"
#include "qvisit/error.h"

static bool name_error(GError **errp, const char *name, const char *what)
{
    g_autofree char *esc = qvisit_error_escape(name, -1);

    g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                "snapshot name \"%s\": %s", esc, what);
    return false;
}

bool snapshot_name_check(const char *name, GError **errp)
{
    size_t len;

    g_return_val_if_fail(name != NULL, false);
    g_return_val_if_fail(errp == NULL || *errp == NULL, false);

    len = strlen(name);
    if (len == 0) {
        return name_error(errp, name, "empty");
    }
    if (len > SNAPSHOT_NAME_MAX) {
        return name_error(errp, name, "longer than 128 bytes");
    }
    if (!g_utf8_validate(name, len, NULL)) {
        return name_error(errp, name, "not UTF-8");
    }
    for (const char *p = name; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        /* C1 controls too: some terminals act on U+009B as on ESC [. */
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return name_error(errp, name, "contains a control character");
        }
    }
    if (strchr(name, '/')) {
        return name_error(errp, name, "contains '/'");
    }
    if (strstr(name, "..")) {
        return name_error(errp, name, "contains \"..\"");
    }
    /* Names starting with '.' are the store's own: the lock and
     * temporary files. */
    if (name[0] == '.') {
        return name_error(errp, name, "starts with '.'");
    }
    return true;
}

char *snapshot__meta_file(const char *name)
{
    return g_strconcat(name, SNAPSHOT_META_SUFFIX, NULL);
}

char *snapshot__payload_file(const char *name, const char *checksum)
{
    const char *hex = checksum + strlen(SNAPSHOT_CHECKSUM_PREFIX);

    return g_strdup_printf("%s.%.*s%s", name, SNAPSHOT_HASH_LEN, hex,
                           SNAPSHOT_PAYLOAD_SUFFIX);
}

static bool is_hash(const char *p, size_t len)
{
    if (len != SNAPSHOT_HASH_LEN) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isdigit(p[i]) && !(p[i] >= 'a' && p[i] <= 'f')) {
            return false;
        }
    }
    return true;
}

/* Sets *name to the first @len bytes of @file when they are a valid
 * name. */
static bool take_name(const char *file, size_t len, char **name)
{
    g_autofree char *n = g_strndup(file, len);

    if (!snapshot_name_check(n, NULL)) {
        return false;
    }
    *name = g_steal_pointer(&n);
    return true;
}

SnapshotFileKind snapshot__file_kind(const char *file, char **name)
{
    size_t len = strlen(file);
    size_t meta_len = strlen(SNAPSHOT_META_SUFFIX);
    size_t payload_len = strlen(SNAPSHOT_PAYLOAD_SUFFIX);

    *name = NULL;
    if (file[0] == '.') {
        /* Temporary files are ".FILE.tmp-XXXXXX" (snapshot__write_file). */
        return strstr(file, SNAPSHOT_TMP_MARK) ? SNAPSHOT_FILE_TEMP
                                               : SNAPSHOT_FILE_OTHER;
    }
    if (len > meta_len && g_str_has_suffix(file, SNAPSHOT_META_SUFFIX)) {
        return take_name(file, len - meta_len, name) ? SNAPSHOT_FILE_META
                                                     : SNAPSHOT_FILE_OTHER;
    }
    if (len > payload_len + 1 + SNAPSHOT_HASH_LEN &&
        g_str_has_suffix(file, SNAPSHOT_PAYLOAD_SUFFIX)) {
        size_t stem = len - payload_len - SNAPSHOT_HASH_LEN;

        if (file[stem - 1] == '.' && is_hash(file + stem, SNAPSHOT_HASH_LEN) &&
            take_name(file, stem - 1, name)) {
            return SNAPSHOT_FILE_PAYLOAD;
        }
    }
    return SNAPSHOT_FILE_OTHER;
}
