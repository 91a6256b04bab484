/*
 * Transform plugins for `qvisit compat-check --transforms PATH`: a shared
 * object whose COMPAT_PLUGIN_SYMBOL registers a release's transforms.
 */

#include <gmodule.h>

#include <qvisit/qvisit.h>
#include <qvisit/compat.h>

#include "tools/cli.h"

bool cli_load_compat_plugin(const char *path, CompatRegistry *r,
                            GError **errp)
{
    GModule *module;
    gpointer symbol = NULL;
    module = cli_plugin_open(path, "transform", errp);
    if (!module) {
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
