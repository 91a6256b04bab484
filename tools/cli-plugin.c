/*
 * Opening plugins (transform and device plugins alike): the file name
 * rule and the loader's error, in one place.
 */
#include <string.h>

#include <gmodule.h>

#include <qvisit/qvisit.h>

#include "tools/cli.h"

GModule *cli_plugin_open(const char *path, const char *what, GError **errp)
{
    g_autofree char *file = NULL;
    GModule *module;

    /*
     * dlopen() searches the library path for a name without a '/', so
     * "plugin.so" would not be the file in the current directory the
     * user means: make every name a path.
     */
    file = strchr(path, '/') ? g_strdup(path)
                             : g_strconcat("./", path, NULL);
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
