/*
 * "cpu_common": the target-independent CPU state (QEMU 7.2 cpu.c,
 * vmstate_cpu_common, version 1), one section per vCPU (instance = CPU
 * index), with its subsections "cpu_common/exception_index" and
 * "cpu_common/crash_occurred".
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct CPUCommonState {
    uint32_t halted;
    uint32_t interrupt_request;
    bool has_exception_index;
    int32_t exception_index;
    bool has_crash_occurred;
    bool crash_occurred;
} CPUCommonState;

static bool exception_index_visit(Visitor *v, void *opaque,
                                  uint32_t version, GError **errp)
{
    CPUCommonState *s = opaque;

    (void)version;
    return visit_type_i32(v, "exception_index", &s->exception_index, errp);
}

static bool crash_occurred_visit(Visitor *v, void *opaque, uint32_t version,
                                 GError **errp)
{
    CPUCommonState *s = opaque;

    (void)version;
    return visit_type_bool(v, "crash_occurred", &s->crash_occurred, errp);
}

static bool cpu_common_visit(Visitor *v, void *opaque, uint32_t version,
                             GError **errp)
{
    CPUCommonState *s = opaque;

    (void)version;
    return visit_type_u32(v, "halted", &s->halted, errp) &&
           visit_type_u32(v, "interrupt_request", &s->interrupt_request,
                          errp) &&
           qemu_dev_subsection(v, "cpu_common/exception_index", 1, 1,
                               &s->has_exception_index,
                               exception_index_visit, s, errp) &&
           qemu_dev_subsection(v, "cpu_common/crash_occurred", 1, 1,
                               &s->has_crash_occurred, crash_occurred_visit,
                               s, errp);
}

const QemuDevice qemu_dev_cpu_common = {
    .name = "cpu_common",
    .vmsd_name = "cpu_common",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(CPUCommonState),
    .visit = cpu_common_visit,
};
