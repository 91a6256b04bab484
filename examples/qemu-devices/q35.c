/*
 * QEMU 7.2's q35 chipset functions:
 *  - "<pci addr>/mch" (hw/pci-host/q35.c, vmsd "mch" v1): the host
 *    bridge's PCIDevice and one unused byte that was smm_enabled;
 *  - "<pci addr>/ICH9LPC" (hw/isa/lpc_ich9.c, vmsd "ICH9LPC" v1): the
 *    LPC bridge's PCIDevice, APM, the "ich9_pm" power management
 *    registers (hw/acpi/ich9.c) with their memory hotplug, TCO watchdog
 *    and PCI hotplug subsections, the 16 KiB chipset configuration
 *    registers, and the reset control and SMI feature subsections;
 *  - "<pci addr>/ich9_smb" (hw/i2c/smbus_ich9.c, vmsd "ich9_smb" v1):
 *    the SMBus function.
 *
 * Configuration facts the stream does not carry: the "ich9_pm/cpuhp"
 * subsection, whose length depends on the number of possible CPUs and
 * which is only sent once the guest switched to the modern CPU hotplug
 * interface, is not described: a section that has it is an UNKNOWN
 * error naming it. ich9_smb's SMBus state follows the machine type
 * (ich9_smb_configure()).
 *
 * The number of memory hotplug (DIMM) slots (-m ...,slots=N, 0 without)
 * is configuration too: "ich9_pm/memhp" holds one status struct per
 * slot after the selector, and nothing in the stream counts them. On
 * decode the walk takes the smallest N (0 to 256, QEMU's
 * ACPI_MAX_RAM_SLOTS) with which the whole section decodes and ends
 * exactly where the stream has the section's footer (0x7e, be32 section
 * id; without footers, the next record's type byte); on encode, N is
 * the length of the state's "devs".
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* --- mch --------------------------------------------------------------- */

typedef struct QemuMCHState {
    QemuPCIDevice parent_obj;
    uint8_t unused[1];
} QemuMCHState;

static bool mch_visit(Visitor *v, void *state, uint32_t version,
                      GError **errp)
{
    QemuMCHState *s = state;

    (void)version;
    return vmstate_walk_pci_device(v, "parent_obj", &s->parent_obj, false,
                                   errp) &&
           visit_type_buffer(v, "unused", s->unused, sizeof(s->unused),
                             errp);
}

const QemuDevice qemu_dev_mch = {
    .name = "mch",
    .vmsd_name = "mch",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuMCHState),
    .visit = mch_visit,
};

/* --- ICH9LPC ------------------------------------------------------------ */

/* ICH9_PMIO_GPE0_LEN, ICH9_CC_SIZE, ACPI_PCIHP_MAX_HOTPLUG_BUS */
#define QEMU_ICH9_GPE0_LEN 16
#define QEMU_ICH9_CC_SIZE (16 * 1024)
#define QEMU_ICH9_PCIHP_BUSES 256

typedef struct QemuTCORegs {
    uint16_t rld;
    uint8_t din;
    uint8_t dout;
    uint16_t sts1;
    uint16_t sts2;
    uint16_t cnt1;
    uint16_t cnt2;
    uint8_t msg1;
    uint8_t msg2;
    uint8_t wdcnt;
    uint16_t tmr;
    uint8_t sw_irq_gen;
    int64_t tco_timer;
    int64_t expire_time;
    uint8_t timeouts_no;
} QemuTCORegs;

typedef struct QemuICH9PMRegs {
    uint16_t pm1_evt_sts;
    uint16_t pm1_evt_en;
    uint16_t pm1_cnt_cnt;
    int64_t tmr_timer;
    int64_t tmr_overflow_time;
    uint8_t gpe_sts[QEMU_ICH9_GPE0_LEN];
    uint8_t gpe_en[QEMU_ICH9_GPE0_LEN];
    uint32_t smi_en;
    uint32_t smi_sts;
    bool memhp_present;
    QemuMemHotplug memhp;
    bool tco_present;
    QemuTCORegs tco;
    bool cpuhp_present;
    bool pcihp_present;
    uint32_t hotplug_select;
    uint32_t pci_up[QEMU_ICH9_PCIHP_BUSES];
    uint32_t pci_down[QEMU_ICH9_PCIHP_BUSES];
    uint32_t acpi_index;
} QemuICH9PMRegs;

typedef struct QemuICH9LPCState {
    QemuPCIDevice d;
    uint8_t apmc;
    uint8_t apms;
    QemuICH9PMRegs pm;
    uint8_t chip_config[QEMU_ICH9_CC_SIZE];
    uint32_t sci_level;
    bool rst_cnt_present;
    uint8_t rst_cnt;
    bool smi_feat_present;
    uint8_t smi_guest_features_le[8];
    uint8_t smi_features_ok;
    uint64_t smi_negotiated_features;
} QemuICH9LPCState;

static bool ich9_pm_memhp_visit(Visitor *v, void *state, uint32_t version,
                                GError **errp)
{
    QemuICH9PMRegs *pm = state;

    (void)version;
    return vmstate_walk_memhp(v, "acpi_memory_hotplug", &pm->memhp, errp);
}

static bool ich9_pm_tco_visit(Visitor *v, void *state, uint32_t version,
                              GError **errp)
{
    QemuTCORegs *t = &((QemuICH9PMRegs *)state)->tco;

    (void)version;
    /* "tco io device status" v1 (hw/acpi/tco.c). */
    return visit_start_struct(v, "tco_regs", errp) &&
           visit_type_u16(v, "tco.rld", &t->rld, errp) &&
           visit_type_u8(v, "tco.din", &t->din, errp) &&
           visit_type_u8(v, "tco.dout", &t->dout, errp) &&
           visit_type_u16(v, "tco.sts1", &t->sts1, errp) &&
           visit_type_u16(v, "tco.sts2", &t->sts2, errp) &&
           visit_type_u16(v, "tco.cnt1", &t->cnt1, errp) &&
           visit_type_u16(v, "tco.cnt2", &t->cnt2, errp) &&
           visit_type_u8(v, "tco.msg1", &t->msg1, errp) &&
           visit_type_u8(v, "tco.msg2", &t->msg2, errp) &&
           visit_type_u8(v, "tco.wdcnt", &t->wdcnt, errp) &&
           visit_type_u16(v, "tco.tmr", &t->tmr, errp) &&
           visit_type_u8(v, "sw_irq_gen", &t->sw_irq_gen, errp) &&
           visit_type_i64(v, "tco_timer", &t->tco_timer, errp) &&
           visit_type_i64(v, "expire_time", &t->expire_time, errp) &&
           visit_type_u8(v, "timeouts_no", &t->timeouts_no, errp) &&
           visit_end_struct(v, errp);
}

/* "ich9_pm/cpuhp": a "CPU hotplug state" with one struct per possible
 * CPU, a count the stream does not carry. */
static bool ich9_pm_cpuhp_visit(Visitor *v, void *state, uint32_t version,
                                GError **errp)
{
    (void)state;
    (void)version;
    return visit_set_error(v, errp, NULL, QVISIT_ERROR_UNKNOWN,
                           "modern CPU hotplug state, whose length the "
                           "built-in ICH9LPC does not know");
}

static bool ich9_pm_pcihp_visit(Visitor *v, void *state, uint32_t version,
                                GError **errp)
{
    QemuICH9PMRegs *pm = state;

    (void)version;
    /* VMSTATE_PCI_HOTPLUG without tests: the select register, the
     * up/down bits of every bus, the ACPI index. */
    if (!visit_type_u32(v, "acpi_pci_hotplug.hotplug_select",
                        &pm->hotplug_select, errp) ||
        !visit_start_array(v, "acpi_pci_hotplug.acpi_pcihp_pci_status",
                           QEMU_ICH9_PCIHP_BUSES, errp)) {
        return false;
    }
    for (size_t i = 0; i < QEMU_ICH9_PCIHP_BUSES; i++) {
        if (!visit_start_struct(v, NULL, errp) ||
            !visit_type_u32(v, "up", &pm->pci_up[i], errp) ||
            !visit_type_u32(v, "down", &pm->pci_down[i], errp) ||
            !visit_end_struct(v, errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           visit_type_u32(v, "acpi_pci_hotplug.acpi_index",
                          &pm->acpi_index, errp);
}

/* "ich9_pm" v1, a VMSTATE_STRUCT. */
static bool ich9_pm_visit(Visitor *v, QemuICH9PMRegs *pm, GError **errp)
{
    return visit_start_struct(v, "pm", errp) &&
           visit_type_u16(v, "acpi_regs.pm1.evt.sts", &pm->pm1_evt_sts,
                          errp) &&
           visit_type_u16(v, "acpi_regs.pm1.evt.en", &pm->pm1_evt_en,
                          errp) &&
           visit_type_u16(v, "acpi_regs.pm1.cnt.cnt", &pm->pm1_cnt_cnt,
                          errp) &&
           visit_type_i64(v, "acpi_regs.tmr.timer", &pm->tmr_timer, errp) &&
           visit_type_i64(v, "acpi_regs.tmr.overflow_time",
                          &pm->tmr_overflow_time, errp) &&
           visit_type_u8_array(v, "acpi_regs.gpe.sts", pm->gpe_sts,
                               QEMU_ICH9_GPE0_LEN, errp) &&
           visit_type_u8_array(v, "acpi_regs.gpe.en", pm->gpe_en,
                               QEMU_ICH9_GPE0_LEN, errp) &&
           visit_type_u32(v, "smi_en", &pm->smi_en, errp) &&
           visit_type_u32(v, "smi_sts", &pm->smi_sts, errp) &&
           qemu_dev_subsection(v, "ich9_pm/memhp", 1, 1,
                               &pm->memhp_present, ich9_pm_memhp_visit, pm,
                               errp) &&
           qemu_dev_subsection(v, "ich9_pm/tco", 1, 1, &pm->tco_present,
                               ich9_pm_tco_visit, pm, errp) &&
           (visit_get_type(v) == VISITOR_DESCRIBE ||
            qemu_dev_subsection(v, "ich9_pm/cpuhp", 1, 1,
                                &pm->cpuhp_present, ich9_pm_cpuhp_visit, pm,
                                errp)) &&
           qemu_dev_subsection(v, "ich9_pm/pcihp", 1, 1,
                               &pm->pcihp_present, ich9_pm_pcihp_visit, pm,
                               errp) &&
           visit_end_struct(v, errp);
}

static bool ich9_lpc_rst_cnt_visit(Visitor *v, void *state,
                                   uint32_t version, GError **errp)
{
    QemuICH9LPCState *s = state;

    (void)version;
    return visit_type_u8(v, "rst_cnt", &s->rst_cnt, errp);
}

static bool ich9_lpc_smi_feat_visit(Visitor *v, void *state,
                                    uint32_t version, GError **errp)
{
    QemuICH9LPCState *s = state;

    (void)version;
    return visit_type_u8_array(v, "smi_guest_features_le",
                               s->smi_guest_features_le,
                               sizeof(s->smi_guest_features_le), errp) &&
           visit_type_u8(v, "smi_features_ok", &s->smi_features_ok,
                         errp) &&
           visit_type_u64(v, "smi_negotiated_features",
                          &s->smi_negotiated_features, errp);
}

static bool ich9_lpc_visit(Visitor *v, void *state, uint32_t version,
                           GError **errp)
{
    QemuICH9LPCState *s = state;

    (void)version;
    return vmstate_walk_pci_device(v, "d", &s->d, false, errp) &&
           visit_start_struct(v, "apm", errp) &&
           visit_type_u8(v, "apmc", &s->apmc, errp) &&
           visit_type_u8(v, "apms", &s->apms, errp) &&
           visit_end_struct(v, errp) &&
           ich9_pm_visit(v, &s->pm, errp) &&
           visit_type_u8_array(v, "chip_config", s->chip_config,
                               QEMU_ICH9_CC_SIZE, errp) &&
           visit_type_u32(v, "sci_level", &s->sci_level, errp) &&
           qemu_dev_subsection(v, "ICH9LPC/rst_cnt", 1, 1,
                               &s->rst_cnt_present, ich9_lpc_rst_cnt_visit,
                               s, errp) &&
           qemu_dev_subsection(v, "ICH9LPC/smi_feat", 1, 1,
                               &s->smi_feat_present,
                               ich9_lpc_smi_feat_visit, s, errp);
}

static void ich9_lpc_set_slots(void *state, uint32_t n)
{
    ((QemuICH9LPCState *)state)->pm.memhp.slots = n;
}

/* The DIMM slot count: see the comment at the top. */
static void ich9_lpc_configure(const QemuDevice *dev, void *state,
                               const QemuDeviceContext *ctx)
{
    QemuICH9LPCState *s = state;

    if (ctx->tree) {
        QDict *pm = qobject_to(QDict, qdict_get(ctx->tree, "pm"));

        s->pm.memhp.slots = vmstate_walk_memhp_slots(
            pm ? qobject_to(QDict, qdict_get(pm, "ich9_pm/memhp")) : NULL);
    } else {
        s->pm.memhp.slots = qemu_device_find_count(dev, ctx, s,
                                                   QEMU_MEMHP_MAX_SLOTS,
                                                   ich9_lpc_set_slots);
    }
}

const QemuDevice qemu_dev_ich9_lpc = {
    .name = "ICH9LPC",
    .vmsd_name = "ICH9LPC",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuICH9LPCState),
    .visit = ich9_lpc_visit,
    .configure = ich9_lpc_configure,
};

/* --- ich9_smb ----------------------------------------------------------- */

typedef struct QemuICH9SMBState {
    QemuPCIDevice dev;
    bool has_smb;               /* configuration: see ich9_smb_configure() */
    bool irq_enabled;
    QemuPMSMBus smb;
} QemuICH9SMBState;

static bool ich9_smb_visit(Visitor *v, void *state, uint32_t version,
                           GError **errp)
{
    QemuICH9SMBState *s = state;

    (void)version;
    return vmstate_walk_pci_device(v, "dev", &s->dev, false, errp) &&
           (!s->has_smb ||
            (visit_type_bool(v, "irq_enabled", &s->irq_enabled, errp) &&
             vmstate_walk_pmsmb(v, "smb", &s->smb, errp)));
}

/* "irq_enabled" and the SMBus state are migrated from pc-q35-4.0 on
 * (older machine types set smbus_no_migration_support): the stream's
 * machine type says, or, when encoding, the state tree. */
static void ich9_smb_configure(const QemuDevice *dev, void *state,
                               const QemuDeviceContext *ctx)
{
    QemuICH9SMBState *s = state;

    (void)dev;
    s->has_smb = ctx->tree ? qdict_haskey(ctx->tree, "smb")
                           : !qemu_device_machine_older(ctx, 4, 0);
}

const QemuDevice qemu_dev_ich9_smb = {
    .name = "ich9_smb",
    .vmsd_name = "ich9_smb",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(QemuICH9SMBState),
    .visit = ich9_smb_visit,
    .configure = ich9_smb_configure,
};
