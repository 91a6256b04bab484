/*
 * Four small sections every QEMU 7.2 pc and q35 stream has:
 *  - "pcspk" v1 (hw/audio/pcspk.c): the PC speaker's gate, sent from
 *    machine type 2.8 on;
 *  - "i2c_bus" v1 (hw/i2c/core.c): the SMBus's selected address;
 *  - "acpi_build" v1 (hw/i386/acpi-build.c): whether the ACPI tables
 *    were patched;
 *  - "kvm-tpr-opt" v1 (hw/i386/kvmvapic.c): the TPR access
 *    optimization's option ROM state, with two "kvmvapic-handlers"
 *    structs inside "kvmvapic-guest-rom" (whose 8-byte signature is a
 *    VMSTATE_UNUSED field).
 */
#include "examples/qemu-devices/qemu-devices.h"

typedef struct QemuPCSpkState {
    uint8_t data_on;
    uint8_t dummy_refresh_clock;
} QemuPCSpkState;

static bool pcspk_visit(Visitor *v, void *state, uint32_t version,
                        GError **errp)
{
    QemuPCSpkState *s = state;

    (void)version;
    return visit_type_u8(v, "data_on", &s->data_on, errp) &&
           visit_type_u8(v, "dummy_refresh_clock", &s->dummy_refresh_clock,
                         errp);
}

const QemuDevice qemu_dev_pcspk = {
    .name = "pcspk",
    .vmsd_name = "pcspk",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuPCSpkState),
    .visit = pcspk_visit,
};

typedef struct QemuI2CBusState {
    uint8_t saved_address;
} QemuI2CBusState;

static bool i2c_bus_visit(Visitor *v, void *state, uint32_t version,
                          GError **errp)
{
    QemuI2CBusState *s = state;

    (void)version;
    return visit_type_u8(v, "saved_address", &s->saved_address, errp);
}

const QemuDevice qemu_dev_i2c_bus = {
    .name = "i2c_bus",
    .vmsd_name = "i2c_bus",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuI2CBusState),
    .visit = i2c_bus_visit,
};

typedef struct QemuAcpiBuildState {
    uint8_t patched;
} QemuAcpiBuildState;

static bool acpi_build_visit(Visitor *v, void *state, uint32_t version,
                             GError **errp)
{
    QemuAcpiBuildState *s = state;

    (void)version;
    return visit_type_u8(v, "patched", &s->patched, errp);
}

const QemuDevice qemu_dev_acpi_build = {
    .name = "acpi_build",
    .vmsd_name = "acpi_build",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuAcpiBuildState),
    .visit = acpi_build_visit,
};

typedef struct QemuVAPICHandlers {
    uint32_t set_tpr;
    uint32_t set_tpr_eax;
    uint32_t get_tpr[8];
    uint32_t get_tpr_stack;
} QemuVAPICHandlers;

typedef struct QemuVAPICState {
    uint8_t unused_signature[8];
    uint32_t vaddr;
    uint32_t fixup_start;
    uint32_t fixup_end;
    uint32_t vapic_vaddr;
    uint32_t vapic_size;
    uint32_t vcpu_shift;
    uint32_t rom_real_tpr_addr;
    QemuVAPICHandlers up;
    QemuVAPICHandlers mp;
    uint32_t state;
    uint32_t real_tpr_addr;
    uint32_t rom_state_vaddr;
    uint32_t vapic_paddr;
    uint32_t rom_state_paddr;
} QemuVAPICState;

static bool vapic_handlers_visit(Visitor *v, const char *name,
                                 QemuVAPICHandlers *h, GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_u32(v, "set_tpr", &h->set_tpr, errp) &&
           visit_type_u32(v, "set_tpr_eax", &h->set_tpr_eax, errp) &&
           visit_type_u32_array(v, "get_tpr", h->get_tpr,
                                G_N_ELEMENTS(h->get_tpr), errp) &&
           visit_type_u32(v, "get_tpr_stack", &h->get_tpr_stack, errp) &&
           visit_end_struct(v, errp);
}

static bool vapic_visit(Visitor *v, void *state, uint32_t version,
                        GError **errp)
{
    QemuVAPICState *s = state;

    (void)version;
    return visit_start_struct(v, "rom_state", errp) &&
           visit_type_buffer(v, "unused", s->unused_signature,
                             sizeof(s->unused_signature), errp) &&
           visit_type_u32(v, "vaddr", &s->vaddr, errp) &&
           visit_type_u32(v, "fixup_start", &s->fixup_start, errp) &&
           visit_type_u32(v, "fixup_end", &s->fixup_end, errp) &&
           visit_type_u32(v, "vapic_vaddr", &s->vapic_vaddr, errp) &&
           visit_type_u32(v, "vapic_size", &s->vapic_size, errp) &&
           visit_type_u32(v, "vcpu_shift", &s->vcpu_shift, errp) &&
           visit_type_u32(v, "real_tpr_addr", &s->rom_real_tpr_addr,
                          errp) &&
           vapic_handlers_visit(v, "up", &s->up, errp) &&
           vapic_handlers_visit(v, "mp", &s->mp, errp) &&
           visit_end_struct(v, errp) &&
           visit_type_u32(v, "state", &s->state, errp) &&
           visit_type_u32(v, "real_tpr_addr", &s->real_tpr_addr, errp) &&
           visit_type_u32(v, "rom_state_vaddr", &s->rom_state_vaddr,
                          errp) &&
           visit_type_u32(v, "vapic_paddr", &s->vapic_paddr, errp) &&
           visit_type_u32(v, "rom_state_paddr", &s->rom_state_paddr, errp);
}

const QemuDevice qemu_dev_kvm_tpr_opt = {
    .name = "kvm-tpr-opt",
    .vmsd_name = "kvm-tpr-opt",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuVAPICState),
    .visit = vapic_visit,
};
