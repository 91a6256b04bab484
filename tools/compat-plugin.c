/*
 * Transform plugins for `qvisit compat-check --transforms PATH`: a shared
 * object whose COMPAT_PLUGIN_SYMBOL registers a release's transforms.
 */
#include <errno.h>
#include <sys/stat.h>

#include <gmodule.h>

#include <qvisit/qvisit.h>
#include <qvisit/compat.h>

#include "tools/cli.h"

bool cli_load_compat_plugin(const char *path, CompatRegistry *r,
                            GError **errp)
{
    GModule *module;
    gpointer symbol = NULL;
    const char *why = NULL;
    struct stat st;

    /* GModule tries "PATH.so" when PATH is no regular file: say what PATH
     * itself is instead. */
    if (stat(path, &st) < 0) {
        why = g_strerror(errno);
    } else if (S_ISDIR(st.st_mode)) {
        why = g_strerror(EISDIR);
    } else if (!S_ISREG(st.st_mode)) {
        why = "not a regular file";
    }
    if (why) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "cannot load transform plugin: %s: %s", path, why);
        return false;
    }
    /* Local binding: a plugin's own symbols stay out of every other's way. */
    module = g_module_open(path, G_MODULE_BIND_LOCAL);
    if (!module) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_IO,
                    "cannot load transform plugin: %s", g_module_error());
        return false;
    }
    if (!g_module_symbol(module, COMPAT_PLUGIN_SYMBOL, &symbol) || !symbol) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_UNKNOWN,
                    "%s: no %s function", path, COMPAT_PLUGIN_SYMBOL);
        g_module_close(module);
        return false;
    }
    /* Its transforms run later; keep the code mapped. */
    g_module_make_resident(module);
    if (!((CompatPluginRegisterFn)symbol)(r, errp)) {
        g_prefix_error(errp, "%s: ", path);
        return false;
    }
    return true;
}
