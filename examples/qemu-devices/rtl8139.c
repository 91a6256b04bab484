/*
 * QEMU 7.2's RTL8139 NIC, section "<pci addr>/rtl8139"
 * (hw/net/rtl8139.c, vmsd "rtl8139" v5, oldest 3): the PCIDevice, then
 * registers, the 93C46 EEPROM, the timer and the tally counters, all
 * plain fields (a field table), then the "rtl8139/hotplug_ready"
 * subsection, which has no fields (QEMU sends it when the machine was
 * changed after startup, as by a hotplug).
 */
#include "examples/qemu-devices/vmstate-walk.h"

#define F(n, k) { n, VMSTATE_WALK_ ## k, 0, 0 }
#define A(n, k, c) { n, VMSTATE_WALK_ ## k, c, 0 }
#define V(n, k, v) { n, VMSTATE_WALK_ ## k, 0, v }

/* After the PCIDevice. "phys" is a VMSTATE_PARTIAL_BUFFER of the 8-byte
 * MAC register (6 bytes sent); the EEPROM has 1 << 6 words; "unused" is
 * four bytes that were a pointer. */
static const VmstateWalkField rtl8139_fields[] = {
    A("phys", BUFFER, 6), A("mult", BUFFER, 8),
    A("TxStatus", U32, 4), A("TxAddr", U32, 4),
    F("RxBuf", U32), F("RxBufferSize", U32), F("RxBufPtr", U32),
    F("RxBufAddr", U32),
    F("IntrStatus", U16), F("IntrMask", U16),
    F("TxConfig", U32), F("RxConfig", U32), F("RxMissed", U32),
    F("CSCR", U16),
    F("Cfg9346", U8), F("Config0", U8), F("Config1", U8), F("Config3", U8),
    F("Config4", U8), F("Config5", U8),
    F("clock_enabled", U8), F("bChipCmdState", U8),
    F("MultiIntr", U16),
    F("BasicModeCtrl", U16), F("BasicModeStatus", U16),
    F("NWayAdvert", U16), F("NWayLPAR", U16), F("NWayExpansion", U16),
    F("CpCmd", U16), F("TxThresh", U8),
    A("unused", BUFFER, 4), A("conf.macaddr", BUFFER, 6),
    F("rtl8139_mmio_io_addr_dummy", I32),
    F("currTxDesc", U32), F("currCPlusRxDesc", U32),
    F("currCPlusTxDesc", U32), F("RxRingAddrLO", U32),
    F("RxRingAddrHI", U32),
    A("eeprom.contents", U16, 64), F("eeprom.mode", I32),
    F("eeprom.tick", U32), F("eeprom.address", U8),
    F("eeprom.input", U16), F("eeprom.output", U16),
    F("eeprom.eecs", U8), F("eeprom.eesk", U8), F("eeprom.eedi", U8),
    F("eeprom.eedo", U8),
    F("TCTR", U32), F("TimerInt", U32), F("TCTR_base", I64),
    F("tally_counters.TxOk", U64), F("tally_counters.RxOk", U64),
    F("tally_counters.TxERR", U64), F("tally_counters.RxERR", U32),
    F("tally_counters.MissPkt", U16), F("tally_counters.FAE", U16),
    F("tally_counters.Tx1Col", U32), F("tally_counters.TxMCol", U32),
    F("tally_counters.RxOkPhy", U64), F("tally_counters.RxOkBrd", U64),
    V("tally_counters.RxOkMul", U32, 5),
    F("tally_counters.TxAbt", U16), F("tally_counters.TxUndrn", U16),
    V("cplus_enabled", U32, 4),
    { NULL, 0, 0, 0 },
};

#undef F
#undef A
#undef V

/* The table's slots: 62 values, the 64 EEPROM words and 8 TX words,
 * three buffers in 4 slots. */
#define RTL8139_SLOTS 160

typedef struct QemuRTL8139State {
    QemuPCIDevice parent_obj;
    uint64_t slots[RTL8139_SLOTS];
    bool hotplug_ready_present;
} QemuRTL8139State;

static bool rtl8139_hotplug_ready_visit(Visitor *v, void *state,
                                        uint32_t version, GError **errp)
{
    (void)v;
    (void)state;
    (void)version;
    (void)errp;
    return true;
}

static bool rtl8139_visit(Visitor *v, void *state, uint32_t version,
                          GError **errp)
{
    QemuRTL8139State *s = state;

    g_return_val_if_fail(vmstate_walk_field_slots(rtl8139_fields) <=
                         RTL8139_SLOTS, false);
    return vmstate_walk_pci_device(v, "parent_obj", &s->parent_obj, false,
                                   errp) &&
           vmstate_walk_fields(v, rtl8139_fields, version, s->slots,
                               errp) &&
           qemu_dev_subsection(v, "rtl8139/hotplug_ready", 1, 1,
                               &s->hotplug_ready_present,
                               rtl8139_hotplug_ready_visit, s, errp);
}

const QemuDevice qemu_dev_rtl8139 = {
    .name = "rtl8139",
    .vmsd_name = "rtl8139",
    .version = 5,
    .minimum_version = 3,
    .state_size = sizeof(QemuRTL8139State),
    .visit = rtl8139_visit,
};
