/*
 * A device plugin for the CLI tests: one device, "uart", in the two
 * layouts of tests/data/compat/plugin-v{1,2}.json (v2 renamed `thr` to
 * `thr_pending`; compat-plugin.c has the transforms between them).
 * Loaded with `qvisit schemas|convert|compat-graph --devices <this>.so`.
 */
#include <qvisit/qvisit.h>

typedef struct UartState {
    uint8_t lcr;
    uint8_t thr;
} UartState;

const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n);

static bool uart_v1_visit(Visitor *v, void *opaque, GError **errp)
{
    UartState *s = opaque;

    return visit_start_struct(v, "uart", errp) &&
           visit_type_u8(v, "lcr", &s->lcr, errp) &&
           visit_type_u8(v, "thr", &s->thr, errp) &&
           visit_end_struct(v, errp);
}

static bool uart_v2_visit(Visitor *v, void *opaque, GError **errp)
{
    UartState *s = opaque;

    return visit_start_struct(v, "uart", errp) &&
           visit_type_u8(v, "lcr", &s->lcr, errp) &&
           visit_type_u8(v, "thr_pending", &s->thr, errp) &&
           visit_end_struct(v, errp);
}

static const MigrationDeviceInfo uart_v1 = {
    .id = "uart",
    .version = 1,
    .minimum_version = 1,
    .visit = uart_v1_visit,
    .state_size = sizeof(UartState),
};

static const MigrationDeviceInfo uart_v2 = {
    .id = "uart",
    .version = 2,
    .minimum_version = 2,
    .visit = uart_v2_visit,
    .state_size = sizeof(UartState),
};

static const MigrationDeviceInfo *const devices[] = { &uart_v1, &uart_v2 };

const MigrationDeviceInfo *const *qvisit_devices_plugin_list(size_t *n)
{
    *n = G_N_ELEMENTS(devices);
    return devices;
}
