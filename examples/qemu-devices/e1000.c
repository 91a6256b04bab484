/*
 * QEMU 7.2's Intel 82540EM NIC, section "<pci addr>/e1000"
 * (hw/net/e1000.c, vmsd "e1000" v2, oldest 1): the PCIDevice, the EEPROM
 * and PHY state, the TX context, 37 MAC registers one by one and the
 * receive address, multicast and VLAN tables; then three subsections,
 * each sent when a device property says so (a configuration fact: the
 * machine type's compat properties turn them off for old machines):
 * "e1000/mit_state" (interrupt mitigation; pc machine types from 1.7),
 * "e1000/full_mac_state" (the whole 128 KiB register file; from 2.5) and
 * "e1000/tx_tso_state" (the TSO context apart from the checksum-offload
 * one; from 2.12).
 *
 * Field tables, line for line QEMU's, with three differences:
 * - the state mirrors the stream, not QEMU's memory: the registers sent
 *   one by one, the tables and the full register file are stored apart,
 *   so that a stream whose copies disagree re-encodes as it was. The
 *   three VMSTATE_UINT32_SUB_ARRAY(mac_reg, ...) lines are arrays of
 *   their own, named as QEMU's vmdesc numbers the repeated "mac_reg":
 *   "mac_reg[0]" .. "mac_reg[2]";
 * - VMSTATE_PCI_DEVICE is a VMSTATE_WALK of the shared PCIDevice walk
 *   (a table calling a walk);
 * - the subsections' presence is kept in the state (VMSTATE_PRESENT) in
 *   place of QEMU's needed() tests of device properties.
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* The MAC registers the vmsds send one by one, named as in QEMU (there
 * they index the register file; here an array of just these), so that
 * VMSTATE_UINT32(mac_reg[CTRL], ...) spells QEMU's member name. */
enum {
    CTRL, EECD, EERD, GPRC, GPTC, ICR, ICS, IMC, IMS, LEDCTL, MANC, MDIC,
    MPC, PBA, RCTL, RDBAH, RDBAL, RDH, RDLEN, RDT, STATUS, SWSM, TCTL,
    TDBAH, TDBAL, TDH, TDLEN, TDT, TORH, TORL, TOTH, TOTL, TPR, TPT,
    TXDCTL, WUFC, VET, RDTR, RADV, TADV, ITR, E1000_NREGS
};

/* Sizes from hw/net/e1000.c and e1000x_common.h: the TX header and data
 * buffers, EEPROM words, PHY registers, the RA, MTA and VFTA tables and
 * the register file (0x20000 bytes of u32). */
#define E1000_TX_HEADER_SIZE 256
#define E1000_TX_DATA_SIZE 0x10000
#define E1000_EEPROM_WORDS 64
#define E1000_PHY_REGS 0x20
#define E1000_RA_WORDS 32
#define E1000_MTA_WORDS 128
#define E1000_VFTA_WORDS 128
#define E1000_MAC_REGS 0x8000

/* e1000x_txd_props: the offload context, as mig_props in the main vmsd
 * (split by the fields around it) and as tx.tso_props in the subsection. */
typedef struct QemuE1000TxProps {
    uint8_t ipcss;
    uint8_t ipcso;
    uint16_t ipcse;
    uint8_t tucss;
    uint8_t tucso;
    uint16_t tucse;
    uint32_t paylen;
    uint8_t hdr_len;
    uint16_t mss;
    int8_t ip;
    int8_t tcp;
} QemuE1000TxProps;

typedef struct QemuE1000State {
    QemuPCIDevice parent_obj;
    uint32_t rxbuf_size;
    uint32_t rxbuf_min_shift;
    struct {
        uint32_t val_in;
        uint16_t bitnum_in;
        uint16_t bitnum_out;
        uint16_t reading;
        uint32_t old_eecd;
    } eecd_state;
    QemuE1000TxProps mig_props;
    struct {
        uint16_t size;
        uint16_t tso_frames;
        uint8_t sum_needed;
        uint8_t header[E1000_TX_HEADER_SIZE];
        uint8_t data[E1000_TX_DATA_SIZE];
        QemuE1000TxProps tso_props;
    } tx;
    uint16_t eeprom_data[E1000_EEPROM_WORDS];
    uint16_t phy_reg[E1000_PHY_REGS];
    uint32_t mac_reg[E1000_NREGS];
    uint32_t ra[E1000_RA_WORDS];
    uint32_t mta[E1000_MTA_WORDS];
    uint32_t vfta[E1000_VFTA_WORDS];
    bool mit_present;
    bool mit_irq_level;
    bool full_mac_present;
    uint32_t full_mac_reg[E1000_MAC_REGS];
    bool tso_present;
} QemuE1000State;

/* A u32 array field under @_name, a vmdesc name no C member spells. */
#define E1000_U32_ARRAY_NAMED(_name, _f, _n) {                            \
    .name = (_name), .num = (_n), .size = sizeof(uint32_t),             \
    .type = VMSTATE_TYPE_U32, .flags = VMS_ARRAY,                       \
    .offset = vmstate_offset_array(QemuE1000State, _f, uint32_t, _n),   \
}

static bool e1000_pci_walk(Visitor *v, const char *name, void *field,
                           GError **errp)
{
    return vmstate_walk_pci_device(v, name, field, false, errp);
}

static bool is_version_1(void *opaque, int version_id)
{
    (void)opaque;
    return version_id == 1;
}

static const VMStateDescription vmstate_e1000_mit_state = {
    .name = "e1000/mit_state",
    .version_id = 1,
    .minimum_version_id = 1,
    .present = VMSTATE_PRESENT(QemuE1000State, mit_present),
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(mac_reg[RDTR], QemuE1000State),
        VMSTATE_UINT32(mac_reg[RADV], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TADV], QemuE1000State),
        VMSTATE_UINT32(mac_reg[ITR], QemuE1000State),
        VMSTATE_BOOL(mit_irq_level, QemuE1000State),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_e1000_full_mac_state = {
    .name = "e1000/full_mac_state",
    .version_id = 1,
    .minimum_version_id = 1,
    .present = VMSTATE_PRESENT(QemuE1000State, full_mac_present),
    .fields = (const VMStateField[]) {
        /* VMSTATE_UINT32_ARRAY(mac_reg, E1000State, 0x8000) */
        E1000_U32_ARRAY_NAMED("mac_reg", full_mac_reg, E1000_MAC_REGS),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_e1000_tx_tso_state = {
    .name = "e1000/tx_tso_state",
    .version_id = 1,
    .minimum_version_id = 1,
    .present = VMSTATE_PRESENT(QemuE1000State, tso_present),
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(tx.tso_props.ipcss, QemuE1000State),
        VMSTATE_UINT8(tx.tso_props.ipcso, QemuE1000State),
        VMSTATE_UINT16(tx.tso_props.ipcse, QemuE1000State),
        VMSTATE_UINT8(tx.tso_props.tucss, QemuE1000State),
        VMSTATE_UINT8(tx.tso_props.tucso, QemuE1000State),
        VMSTATE_UINT16(tx.tso_props.tucse, QemuE1000State),
        VMSTATE_UINT32(tx.tso_props.paylen, QemuE1000State),
        VMSTATE_UINT8(tx.tso_props.hdr_len, QemuE1000State),
        VMSTATE_UINT16(tx.tso_props.mss, QemuE1000State),
        VMSTATE_INT8(tx.tso_props.ip, QemuE1000State),
        VMSTATE_INT8(tx.tso_props.tcp, QemuE1000State),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_e1000 = {
    .name = "e1000",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_WALK(parent_obj, QemuE1000State, e1000_pci_walk),
        VMSTATE_UNUSED_TEST(is_version_1, 4), /* was instance id */
        VMSTATE_UNUSED(4), /* Was mmio_base.  */
        VMSTATE_UINT32(rxbuf_size, QemuE1000State),
        VMSTATE_UINT32(rxbuf_min_shift, QemuE1000State),
        VMSTATE_UINT32(eecd_state.val_in, QemuE1000State),
        VMSTATE_UINT16(eecd_state.bitnum_in, QemuE1000State),
        VMSTATE_UINT16(eecd_state.bitnum_out, QemuE1000State),
        VMSTATE_UINT16(eecd_state.reading, QemuE1000State),
        VMSTATE_UINT32(eecd_state.old_eecd, QemuE1000State),
        VMSTATE_UINT8(mig_props.ipcss, QemuE1000State),
        VMSTATE_UINT8(mig_props.ipcso, QemuE1000State),
        VMSTATE_UINT16(mig_props.ipcse, QemuE1000State),
        VMSTATE_UINT8(mig_props.tucss, QemuE1000State),
        VMSTATE_UINT8(mig_props.tucso, QemuE1000State),
        VMSTATE_UINT16(mig_props.tucse, QemuE1000State),
        VMSTATE_UINT32(mig_props.paylen, QemuE1000State),
        VMSTATE_UINT8(mig_props.hdr_len, QemuE1000State),
        VMSTATE_UINT16(mig_props.mss, QemuE1000State),
        VMSTATE_UINT16(tx.size, QemuE1000State),
        VMSTATE_UINT16(tx.tso_frames, QemuE1000State),
        VMSTATE_UINT8(tx.sum_needed, QemuE1000State),
        VMSTATE_INT8(mig_props.ip, QemuE1000State),
        VMSTATE_INT8(mig_props.tcp, QemuE1000State),
        VMSTATE_BUFFER(tx.header, QemuE1000State),
        VMSTATE_BUFFER(tx.data, QemuE1000State),
        VMSTATE_UINT16_ARRAY(eeprom_data, QemuE1000State, 64),
        VMSTATE_UINT16_ARRAY(phy_reg, QemuE1000State, 0x20),
        VMSTATE_UINT32(mac_reg[CTRL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[EECD], QemuE1000State),
        VMSTATE_UINT32(mac_reg[EERD], QemuE1000State),
        VMSTATE_UINT32(mac_reg[GPRC], QemuE1000State),
        VMSTATE_UINT32(mac_reg[GPTC], QemuE1000State),
        VMSTATE_UINT32(mac_reg[ICR], QemuE1000State),
        VMSTATE_UINT32(mac_reg[ICS], QemuE1000State),
        VMSTATE_UINT32(mac_reg[IMC], QemuE1000State),
        VMSTATE_UINT32(mac_reg[IMS], QemuE1000State),
        VMSTATE_UINT32(mac_reg[LEDCTL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[MANC], QemuE1000State),
        VMSTATE_UINT32(mac_reg[MDIC], QemuE1000State),
        VMSTATE_UINT32(mac_reg[MPC], QemuE1000State),
        VMSTATE_UINT32(mac_reg[PBA], QemuE1000State),
        VMSTATE_UINT32(mac_reg[RCTL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[RDBAH], QemuE1000State),
        VMSTATE_UINT32(mac_reg[RDBAL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[RDH], QemuE1000State),
        VMSTATE_UINT32(mac_reg[RDLEN], QemuE1000State),
        VMSTATE_UINT32(mac_reg[RDT], QemuE1000State),
        VMSTATE_UINT32(mac_reg[STATUS], QemuE1000State),
        VMSTATE_UINT32(mac_reg[SWSM], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TCTL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TDBAH], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TDBAL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TDH], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TDLEN], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TDT], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TORH], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TORL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TOTH], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TOTL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TPR], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TPT], QemuE1000State),
        VMSTATE_UINT32(mac_reg[TXDCTL], QemuE1000State),
        VMSTATE_UINT32(mac_reg[WUFC], QemuE1000State),
        VMSTATE_UINT32(mac_reg[VET], QemuE1000State),
        /* VMSTATE_UINT32_SUB_ARRAY(mac_reg, E1000State, RA, 32) etc. */
        E1000_U32_ARRAY_NAMED("mac_reg[0]", ra, E1000_RA_WORDS),
        E1000_U32_ARRAY_NAMED("mac_reg[1]", mta, E1000_MTA_WORDS),
        E1000_U32_ARRAY_NAMED("mac_reg[2]", vfta, E1000_VFTA_WORDS),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription *const[]) {
        &vmstate_e1000_mit_state,
        &vmstate_e1000_full_mac_state,
        &vmstate_e1000_tx_tso_state,
        NULL
    }
};

static bool e1000_visit(Visitor *v, void *state, uint32_t version,
                        GError **errp)
{
    return vmstate_visit_members(v, &vmstate_e1000, state, version, errp);
}

const QemuDevice qemu_dev_e1000 = {
    .name = "e1000",
    .vmsd_name = "e1000",
    .version = 2,
    .minimum_version = 1,
    .state_size = sizeof(QemuE1000State),
    .visit = e1000_visit,
};
