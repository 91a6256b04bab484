/*
 * A transform plugin for the compat-check tests: the "uart" device of
 * tests/data/compat/plugin-v{1,2}.json renamed `thr` to `thr_pending` in
 * v2, and machine version 2 calls the device "uart0" (a whole-machine
 * step, so compat-graph shows its machine cluster). Loaded with
 * `qvisit compat-check|compat-graph --transforms <this>.so`.
 */
#include <qvisit/qvisit.h>
#include <qvisit/compat.h>

bool qvisit_compat_plugin_register(CompatRegistry *r, GError **errp);

static bool uart_v1_to_v2(QDict *state, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_rename_member(state, "thr", "thr_pending", errp);
}

static bool uart_v2_to_v1(QDict *state, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_rename_member(state, "thr_pending", "thr", errp);
}

static bool machine_v1_to_v2(QDict *machine, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_machine_rename(machine, "uart", "uart0", errp);
}

static bool machine_v2_to_v1(QDict *machine, void *opaque, GError **errp)
{
    (void)opaque;
    return compat_machine_rename(machine, "uart0", "uart", errp);
}

bool qvisit_compat_plugin_register(CompatRegistry *r, GError **errp)
{
    return compat_register(r, "uart", 1, 2, uart_v1_to_v2, NULL, errp) &&
           compat_register(r, "uart", 2, 1, uart_v2_to_v1, NULL, errp) &&
           compat_register_machine(r, 1, 2, machine_v1_to_v2, NULL, errp) &&
           compat_register_machine(r, 2, 1, machine_v2_to_v1, NULL, errp);
}
