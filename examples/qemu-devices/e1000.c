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
 * The state mirrors the stream, not QEMU's memory: the registers sent one
 * by one, the tables and the full register file are stored apart, so
 * that a stream whose copies disagree re-encodes as it was.
 */
#include "examples/qemu-devices/vmstate-walk.h"

/* The MAC registers the main vmsd sends one by one, in its order; QEMU
 * names them "mac_reg[<register>]". */
static const char *const e1000_regs[] = {
    "mac_reg[CTRL]", "mac_reg[EECD]", "mac_reg[EERD]", "mac_reg[GPRC]",
    "mac_reg[GPTC]", "mac_reg[ICR]", "mac_reg[ICS]", "mac_reg[IMC]",
    "mac_reg[IMS]", "mac_reg[LEDCTL]", "mac_reg[MANC]", "mac_reg[MDIC]",
    "mac_reg[MPC]", "mac_reg[PBA]", "mac_reg[RCTL]", "mac_reg[RDBAH]",
    "mac_reg[RDBAL]", "mac_reg[RDH]", "mac_reg[RDLEN]", "mac_reg[RDT]",
    "mac_reg[STATUS]", "mac_reg[SWSM]", "mac_reg[TCTL]", "mac_reg[TDBAH]",
    "mac_reg[TDBAL]", "mac_reg[TDH]", "mac_reg[TDLEN]", "mac_reg[TDT]",
    "mac_reg[TORH]", "mac_reg[TORL]", "mac_reg[TOTH]", "mac_reg[TOTL]",
    "mac_reg[TPR]", "mac_reg[TPT]", "mac_reg[TXDCTL]", "mac_reg[WUFC]",
    "mac_reg[VET]",
};

#define E1000_NREGS G_N_ELEMENTS(e1000_regs)

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
    uint8_t unused_instance_id[4];
    uint8_t unused_mmio_base[4];
    uint32_t rxbuf_size;
    uint32_t rxbuf_min_shift;
    uint32_t val_in;
    uint16_t bitnum_in;
    uint16_t bitnum_out;
    uint16_t reading;
    uint32_t old_eecd;
    QemuE1000TxProps mig_props;
    uint16_t tx_size;
    uint16_t tx_tso_frames;
    uint8_t tx_sum_needed;
    uint8_t tx_header[E1000_TX_HEADER_SIZE];
    uint8_t tx_data[E1000_TX_DATA_SIZE];
    uint16_t eeprom_data[E1000_EEPROM_WORDS];
    uint16_t phy_reg[E1000_PHY_REGS];
    uint32_t regs[E1000_NREGS];
    uint32_t ra[E1000_RA_WORDS];
    uint32_t mta[E1000_MTA_WORDS];
    uint32_t vfta[E1000_VFTA_WORDS];
    bool mit_present;
    uint32_t rdtr;
    uint32_t radv;
    uint32_t tadv;
    uint32_t itr;
    bool mit_irq_level;
    bool full_mac_present;
    uint32_t mac_reg[E1000_MAC_REGS];
    bool tso_present;
    QemuE1000TxProps tso_props;
} QemuE1000State;

static bool e1000_main_visit(Visitor *v, QemuE1000State *s, uint32_t version,
                             GError **errp)
{
    QemuE1000TxProps *p = &s->mig_props;

    if (!vmstate_walk_pci_device(v, "parent_obj", &s->parent_obj, false,
                                 errp)) {
        return false;
    }
    /* Two VMSTATE_UNUSED fields, both named "unused": the old instance
     * id, only in version 1, then the old MMIO base. */
    if (version == 1 &&
        !visit_type_buffer(v, "unused[0]", s->unused_instance_id,
                           sizeof(s->unused_instance_id), errp)) {
        return false;
    }
    if (!visit_type_buffer(v, "unused[1]", s->unused_mmio_base,
                           sizeof(s->unused_mmio_base), errp) ||
        !visit_type_u32(v, "rxbuf_size", &s->rxbuf_size, errp) ||
        !visit_type_u32(v, "rxbuf_min_shift", &s->rxbuf_min_shift, errp) ||
        !visit_type_u32(v, "eecd_state.val_in", &s->val_in, errp) ||
        !visit_type_u16(v, "eecd_state.bitnum_in", &s->bitnum_in, errp) ||
        !visit_type_u16(v, "eecd_state.bitnum_out", &s->bitnum_out,
                        errp) ||
        !visit_type_u16(v, "eecd_state.reading", &s->reading, errp) ||
        !visit_type_u32(v, "eecd_state.old_eecd", &s->old_eecd, errp) ||
        !visit_type_u8(v, "mig_props.ipcss", &p->ipcss, errp) ||
        !visit_type_u8(v, "mig_props.ipcso", &p->ipcso, errp) ||
        !visit_type_u16(v, "mig_props.ipcse", &p->ipcse, errp) ||
        !visit_type_u8(v, "mig_props.tucss", &p->tucss, errp) ||
        !visit_type_u8(v, "mig_props.tucso", &p->tucso, errp) ||
        !visit_type_u16(v, "mig_props.tucse", &p->tucse, errp) ||
        !visit_type_u32(v, "mig_props.paylen", &p->paylen, errp) ||
        !visit_type_u8(v, "mig_props.hdr_len", &p->hdr_len, errp) ||
        !visit_type_u16(v, "mig_props.mss", &p->mss, errp) ||
        !visit_type_u16(v, "tx.size", &s->tx_size, errp) ||
        !visit_type_u16(v, "tx.tso_frames", &s->tx_tso_frames, errp) ||
        !visit_type_u8(v, "tx.sum_needed", &s->tx_sum_needed, errp) ||
        !visit_type_i8(v, "mig_props.ip", &p->ip, errp) ||
        !visit_type_i8(v, "mig_props.tcp", &p->tcp, errp) ||
        !visit_type_buffer(v, "tx.header", s->tx_header,
                           sizeof(s->tx_header), errp) ||
        !visit_type_buffer(v, "tx.data", s->tx_data, sizeof(s->tx_data),
                           errp) ||
        !visit_type_u16_array(v, "eeprom_data", s->eeprom_data,
                              E1000_EEPROM_WORDS, errp) ||
        !visit_type_u16_array(v, "phy_reg", s->phy_reg, E1000_PHY_REGS,
                              errp)) {
        return false;
    }
    for (size_t i = 0; i < E1000_NREGS; i++) {
        if (!visit_type_u32(v, e1000_regs[i], &s->regs[i], errp)) {
            return false;
        }
    }
    /* Three VMSTATE_UINT32_SUB_ARRAY fields of mac_reg: RA, MTA, VFTA. */
    return visit_type_u32_array(v, "mac_reg[0]", s->ra, E1000_RA_WORDS,
                                errp) &&
           visit_type_u32_array(v, "mac_reg[1]", s->mta, E1000_MTA_WORDS,
                                errp) &&
           visit_type_u32_array(v, "mac_reg[2]", s->vfta, E1000_VFTA_WORDS,
                                errp);
}

static bool e1000_mit_visit(Visitor *v, void *state, uint32_t version,
                            GError **errp)
{
    QemuE1000State *s = state;

    (void)version;
    return visit_type_u32(v, "mac_reg[RDTR]", &s->rdtr, errp) &&
           visit_type_u32(v, "mac_reg[RADV]", &s->radv, errp) &&
           visit_type_u32(v, "mac_reg[TADV]", &s->tadv, errp) &&
           visit_type_u32(v, "mac_reg[ITR]", &s->itr, errp) &&
           visit_type_bool(v, "mit_irq_level", &s->mit_irq_level, errp);
}

static bool e1000_full_mac_visit(Visitor *v, void *state, uint32_t version,
                                 GError **errp)
{
    QemuE1000State *s = state;

    (void)version;
    return visit_type_u32_array(v, "mac_reg", s->mac_reg, E1000_MAC_REGS,
                                errp);
}

static bool e1000_tso_visit(Visitor *v, void *state, uint32_t version,
                            GError **errp)
{
    QemuE1000TxProps *p = &((QemuE1000State *)state)->tso_props;

    (void)version;
    return visit_type_u8(v, "tx.tso_props.ipcss", &p->ipcss, errp) &&
           visit_type_u8(v, "tx.tso_props.ipcso", &p->ipcso, errp) &&
           visit_type_u16(v, "tx.tso_props.ipcse", &p->ipcse, errp) &&
           visit_type_u8(v, "tx.tso_props.tucss", &p->tucss, errp) &&
           visit_type_u8(v, "tx.tso_props.tucso", &p->tucso, errp) &&
           visit_type_u16(v, "tx.tso_props.tucse", &p->tucse, errp) &&
           visit_type_u32(v, "tx.tso_props.paylen", &p->paylen, errp) &&
           visit_type_u8(v, "tx.tso_props.hdr_len", &p->hdr_len, errp) &&
           visit_type_u16(v, "tx.tso_props.mss", &p->mss, errp) &&
           visit_type_i8(v, "tx.tso_props.ip", &p->ip, errp) &&
           visit_type_i8(v, "tx.tso_props.tcp", &p->tcp, errp);
}

static bool e1000_visit(Visitor *v, void *state, uint32_t version,
                        GError **errp)
{
    QemuE1000State *s = state;

    return e1000_main_visit(v, s, version, errp) &&
           qemu_dev_subsection(v, "e1000/mit_state", 1, 1, &s->mit_present,
                               e1000_mit_visit, s, errp) &&
           qemu_dev_subsection(v, "e1000/full_mac_state", 1, 1,
                               &s->full_mac_present, e1000_full_mac_visit, s,
                               errp) &&
           qemu_dev_subsection(v, "e1000/tx_tso_state", 1, 1,
                               &s->tso_present, e1000_tso_visit, s, errp);
}

const QemuDevice qemu_dev_e1000 = {
    .name = "e1000",
    .vmsd_name = "e1000",
    .version = 2,
    .minimum_version = 1,
    .state_size = sizeof(QemuE1000State),
    .visit = e1000_visit,
};
