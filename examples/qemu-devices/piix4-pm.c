/*
 * QEMU 7.2's PIIX4 power management function, section
 * "<pci addr>/piix4_pm" (hw/acpi/piix4.c, vmsd "piix4_pm" v3, oldest 3):
 * the PCIDevice, the ACPI PM1 registers, APM, the SMBus controller, the
 * PM timer, the GPE block, the PCI hotplug state and, as subsections,
 * the memory and CPU hotplug registers.
 *
 * Several of its fields exist or not by configuration, which a stream
 * without a vmdesc does not tell. This walk describes the configuration
 * of QEMU 7.2's pc machine types, the default: ACPI PCI hotplug of
 * bridges on (so the hotplug registers of all 256 buses, not the one of
 * the root bus), and memory hotplug with no DIMM slots (-m without
 * slots=). The "piix4_pm/cpuhp"
 * subsection, sent once the guest uses the modern CPU hotplug interface,
 * holds one struct per possible CPU, a count the stream does not carry:
 * a section that has it is an UNKNOWN error naming it.
 *
 * Two configuration facts come from the stream's configuration record
 * (qemu_device_machine_older()): the SMBus state ("smb") is migrated
 * from pc-i440fx-4.0 on (older types set smbus_no_migration_support),
 * the ACPI index ("acpi_pci_hotplug.acpi_index") from pc-i440fx-7.0 on
 * (older types set x-not-migrate-acpi-index, hw_compat_6_2); a stream
 * without a configuration record (machine types up to 2.3) has
 * neither. When encoding, the state tree says whether each is there.
 * Another configuration's section does not fit it: the decode then fails, or leaves bytes before
 * the footer, which the stream reader reports.
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* ACPI_PCIHP_MAX_HOTPLUG_BUS */
#define QEMU_ACPI_PCIHP_MAX_HOTPLUG_BUS 256

typedef struct QemuPciHpStatus {
    uint32_t up;
    uint32_t down;
} QemuPciHpStatus;

typedef struct QemuPIIX4PMState {
    QemuPCIDevice parent_obj;
    uint16_t pm1_evt_sts;
    uint16_t pm1_evt_en;
    uint16_t pm1_cnt_cnt;
    uint8_t apmc;
    uint8_t apms;
    bool has_smb;               /* configuration: see the top */
    QemuPMSMBus smb;
    int64_t tmr_timer;
    int64_t tmr_overflow_time;
    uint16_t gpe_sts;
    uint16_t gpe_en;
    uint32_t hotplug_select;
    QemuPciHpStatus pci_status[QEMU_ACPI_PCIHP_MAX_HOTPLUG_BUS];
    bool has_acpi_index;        /* configuration: see the top */
    uint32_t acpi_index;
    bool memhp_present;
    QemuMemHotplug memhp;
    bool cpuhp_present;
} QemuPIIX4PMState;

static bool piix4_pm_memhp_visit(Visitor *v, void *state, uint32_t version,
                                 GError **errp)
{
    QemuPIIX4PMState *s = state;

    (void)version;
    return vmstate_walk_memhp(v, "acpi_memory_hotplug", &s->memhp, errp);
}

/* "piix4_pm/cpuhp": a "CPU hotplug state" with one struct per possible
 * CPU, a count the stream does not carry. */
static bool piix4_pm_cpuhp_visit(Visitor *v, void *state, uint32_t version,
                                 GError **errp)
{
    (void)state;
    (void)version;
    return visit_set_error(v, errp, NULL, QVISIT_ERROR_UNKNOWN,
                           "modern CPU hotplug state, whose length the "
                           "built-in piix4_pm does not know");
}

static bool piix4_pm_hotplug_visit(Visitor *v, QemuPIIX4PMState *s,
                                   GError **errp)
{
    if (!visit_type_u32(v, "acpi_pci_hotplug.hotplug_select",
                        &s->hotplug_select, errp) ||
        !visit_start_array(v, "acpi_pci_hotplug.acpi_pcihp_pci_status",
                           QEMU_ACPI_PCIHP_MAX_HOTPLUG_BUS, errp)) {
        return false;
    }
    for (size_t i = 0; i < QEMU_ACPI_PCIHP_MAX_HOTPLUG_BUS; i++) {
        QemuPciHpStatus *st = &s->pci_status[i];

        if (!visit_start_struct(v, NULL, errp) ||
            !visit_type_u32(v, "up", &st->up, errp) ||
            !visit_type_u32(v, "down", &st->down, errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           (!s->has_acpi_index ||
            visit_type_u32(v, "acpi_pci_hotplug.acpi_index", &s->acpi_index,
                           errp));
}

static void piix4_pm_set_slots(void *state, uint32_t n)
{
    ((QemuPIIX4PMState *)state)->memhp.slots = n;
}

static void piix4_pm_configure(const QemuDevice *dev, void *state,
                               const QemuDeviceContext *ctx)
{
    QemuPIIX4PMState *s = state;

    if (ctx->tree) {
        s->has_smb = qdict_haskey(ctx->tree, "smb");
        s->has_acpi_index = qdict_haskey(ctx->tree,
                                         "acpi_pci_hotplug.acpi_index");
        s->memhp.slots = vmstate_walk_memhp_slots(
            qobject_to(QDict, qdict_get(ctx->tree, "piix4_pm/memhp")));
    } else {
        s->has_smb = !qemu_device_machine_older(ctx, 4, 0);
        s->has_acpi_index = !qemu_device_machine_older(ctx, 7, 0);
        /* The trials need the two above. */
        s->memhp.slots = qemu_device_find_count(dev, ctx, s,
                                                QEMU_MEMHP_MAX_SLOTS,
                                                piix4_pm_set_slots);
    }
}

static bool piix4_pm_visit(Visitor *v, void *state, uint32_t version,
                           GError **errp)
{
    QemuPIIX4PMState *s = state;

    (void)version;
    return vmstate_walk_pci_device(v, "parent_obj", &s->parent_obj, false,
                                   errp) &&
           visit_type_u16(v, "ar.pm1.evt.sts", &s->pm1_evt_sts, errp) &&
           visit_type_u16(v, "ar.pm1.evt.en", &s->pm1_evt_en, errp) &&
           visit_type_u16(v, "ar.pm1.cnt.cnt", &s->pm1_cnt_cnt, errp) &&
           visit_start_struct(v, "apm", errp) &&
           visit_type_u8(v, "apmc", &s->apmc, errp) &&
           visit_type_u8(v, "apms", &s->apms, errp) &&
           visit_end_struct(v, errp) &&
           (!s->has_smb || vmstate_walk_pmsmb(v, "smb", &s->smb, errp)) &&
           visit_type_i64(v, "ar.tmr.timer", &s->tmr_timer, errp) &&
           visit_type_i64(v, "ar.tmr.overflow_time", &s->tmr_overflow_time,
                          errp) &&
           visit_start_struct(v, "ar.gpe", errp) &&
           visit_type_u16(v, "sts", &s->gpe_sts, errp) &&
           visit_type_u16(v, "en", &s->gpe_en, errp) &&
           visit_end_struct(v, errp) &&
           piix4_pm_hotplug_visit(v, s, errp) &&
           qemu_dev_subsection(v, "piix4_pm/memhp", 1, 1, &s->memhp_present,
                               piix4_pm_memhp_visit, s, errp) &&
           (visit_get_type(v) == VISITOR_DESCRIBE ||
            qemu_dev_subsection(v, "piix4_pm/cpuhp", 1, 1,
                                &s->cpuhp_present, piix4_pm_cpuhp_visit, s,
                                errp));
}

const QemuDevice qemu_dev_piix4_pm = {
    .name = "piix4_pm",
    .vmsd_name = "piix4_pm",
    .version = 3,
    .minimum_version = 3,
    .state_size = sizeof(QemuPIIX4PMState),
    .visit = piix4_pm_visit,
    .configure = piix4_pm_configure,
};
