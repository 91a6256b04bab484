/*
 * "apic": a vCPU's local APIC (QEMU 7.2 hw/intc/apic_common.c,
 * vmstate_apic_common, version 3, minimum 3; instance = the initial APIC
 * id), with its subsection "apic_sipi" (a vCPU waiting for a
 * startup IPI).
 */
#include "examples/qemu-devices/qemu-devices.h"

#define APIC_LVT_NB 6

typedef struct APICCommonState {
    uint32_t apicbase;
    uint8_t id;
    uint8_t arb_id;
    uint8_t tpr;
    uint32_t spurious_vec;
    uint8_t log_dest;
    uint8_t dest_mode;
    uint32_t isr[8];
    uint32_t tmr[8];
    uint32_t irr[8];
    uint32_t lvt[APIC_LVT_NB];
    uint32_t esr;
    uint32_t icr[2];
    uint32_t divide_conf;
    int32_t count_shift;
    uint32_t initial_count;
    int64_t initial_count_load_time;
    int64_t next_time;
    int64_t timer_expiry;
    bool has_sipi;
    int32_t sipi_vector;
    int32_t wait_for_sipi;
} APICCommonState;

static bool sipi_visit(Visitor *v, void *opaque, uint32_t version,
                       GError **errp)
{
    APICCommonState *s = opaque;

    (void)version;
    return visit_type_i32(v, "sipi_vector", &s->sipi_vector, errp) &&
           visit_type_i32(v, "wait_for_sipi", &s->wait_for_sipi, errp);
}

static bool apic_visit(Visitor *v, void *opaque, uint32_t version,
                       GError **errp)
{
    APICCommonState *s = opaque;

    (void)version;
    return visit_type_u32(v, "apicbase", &s->apicbase, errp) &&
           visit_type_u8(v, "id", &s->id, errp) &&
           visit_type_u8(v, "arb_id", &s->arb_id, errp) &&
           visit_type_u8(v, "tpr", &s->tpr, errp) &&
           visit_type_u32(v, "spurious_vec", &s->spurious_vec, errp) &&
           visit_type_u8(v, "log_dest", &s->log_dest, errp) &&
           visit_type_u8(v, "dest_mode", &s->dest_mode, errp) &&
           visit_type_u32_array(v, "isr", s->isr, 8, errp) &&
           visit_type_u32_array(v, "tmr", s->tmr, 8, errp) &&
           visit_type_u32_array(v, "irr", s->irr, 8, errp) &&
           visit_type_u32_array(v, "lvt", s->lvt, APIC_LVT_NB, errp) &&
           visit_type_u32(v, "esr", &s->esr, errp) &&
           visit_type_u32_array(v, "icr", s->icr, 2, errp) &&
           visit_type_u32(v, "divide_conf", &s->divide_conf, errp) &&
           visit_type_i32(v, "count_shift", &s->count_shift, errp) &&
           visit_type_u32(v, "initial_count", &s->initial_count, errp) &&
           visit_type_i64(v, "initial_count_load_time",
                          &s->initial_count_load_time, errp) &&
           visit_type_i64(v, "next_time", &s->next_time, errp) &&
           visit_type_i64(v, "timer_expiry", &s->timer_expiry, errp) &&
           qemu_dev_subsection(v, "apic_sipi", 1, 1, &s->has_sipi,
                               sipi_visit, s, errp);
}

const QemuDevice qemu_dev_apic = {
    .name = "apic",
    .vmsd_name = "apic",
    .version = 3,
    .minimum_version = 3,
    .state_size = sizeof(APICCommonState),
    .visit = apic_visit,
};
