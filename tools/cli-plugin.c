/*
 * Opening plugins (transform and device plugins alike): the file name
 * rule and the loader's error, in one place.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <gmodule.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

GModule *cli_plugin_open(const char *path, const char *what, GError **errp)
{
    g_autofree char *file = NULL;
    const char *why = NULL;
    struct stat st;
    GModule *module;

    /*
     * dlopen() searches the library path for a name without a '/', so
     * "plugin.so" would not be the file in the current directory the
     * user means: make every name a path.
     */
    file = strchr(path, '/') ? g_strdup(path)
                             : g_strconcat("./", path, NULL);
    /* GModule tries "PATH.so" when PATH is no regular file: say what PATH
     * itself is instead. */
    if (stat(file, &st) < 0) {
        why = g_strerror(errno);
    } else if (S_ISDIR(st.st_mode)) {
        why = g_strerror(EISDIR);
    } else if (!S_ISREG(st.st_mode)) {
        why = "not a regular file";
    }
    if (why) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "cannot load %s plugin: %s: %s", what, path, why);
        return NULL;
    }
    /* Local binding: a plugin's own symbols stay out of every other's way. */
    module = g_module_open(file, G_MODULE_BIND_LOCAL);
    if (!module) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "cannot load %s plugin: %s", what, g_module_error());
        return NULL;
    }
    return module;
}

bool cli_is_plugin_path(const char *arg)
{
    return strchr(arg, '/') || g_str_has_suffix(arg, ".so");
}
