/*
 * Example device: an Intel 82540EM ("e1000") network card, modelled on the
 * migration state of QEMU's e1000: the MAC address, the EEPROM shift
 * register state, the transmit offload context, receive buffer settings,
 * the EEPROM, PHY and MAC register files and the interrupt mitigation
 * flags. Three layout versions; the table is at the top of e1000.c and in
 * docs/converting-devices.md.
 */
#ifndef QVISIT_EXAMPLE_E1000_H
#define QVISIT_EXAMPLE_E1000_H

#include <qvisit/qvisit.h>

#define E1000_MAC_LEN 6
#define E1000_EEPROM_WORDS 64
#define E1000_EEPROM_BITS (E1000_EEPROM_WORDS * 16)
#define E1000_PHY_REGS 32
#define E1000_MAC_REGS_V1 64    /* mac_reg length in version 1 */
#define E1000_MAC_REGS 96       /* mac_reg length from version 2 on */

/* The microwire EEPROM interface; the same in every version. */
typedef struct E1000EecdState {
    uint16_t val_in;        /* bits shifted in so far */
    uint16_t bitnum_in;
    uint16_t bitnum_out;    /* next EEPROM bit to shift out; < 1024 */
    bool reading;
    uint32_t old_eecd;
} E1000EecdState;

/* Transmit offload context, versions 1 and 2. */
typedef struct E1000TxStateV1 {
    uint8_t hdr_len;
    uint16_t mss;
    uint32_t paylen;
    uint8_t ipcss, ipcso;
    uint16_t ipcse;
    uint8_t tucss, tucso;
    uint16_t tucse;
    uint8_t sum_needed;
    bool tse, ip, tcp;
    uint16_t tso_frames;
    uint32_t vlan_header;   /* TPID << 16 | TCI */
} E1000TxStateV1;

/* Transmit offload context, version 3: vlan_header split in two. */
typedef struct E1000TxState {
    uint8_t hdr_len;
    uint16_t mss;
    uint32_t paylen;
    uint8_t ipcss, ipcso;
    uint16_t ipcse;
    uint8_t tucss, tucso;
    uint16_t tucse;
    uint8_t sum_needed;
    bool tse, ip, tcp;
    uint16_t tso_frames;
    uint16_t vlan_tpid;
    uint16_t vlan_tci;
} E1000TxState;

/* Receive settings, versions 1 and 2. */
typedef struct E1000RxStateV1 {
    uint32_t buf_size;
    uint32_t min_shift;
} E1000RxStateV1;

/* Receive settings, version 3: min_shift renamed buf_min_shift. */
typedef struct E1000RxState {
    uint32_t buf_size;
    uint32_t buf_min_shift;
} E1000RxState;

typedef struct E1000StateV1 {
    uint8_t mac[E1000_MAC_LEN];
    E1000EecdState eecd_state;
    E1000TxStateV1 tx;
    E1000RxStateV1 rx;
    uint16_t eeprom_data[E1000_EEPROM_WORDS];
    uint16_t phy_reg[E1000_PHY_REGS];
    uint32_t mac_reg[E1000_MAC_REGS_V1];
    bool mit_irq_level;
} E1000StateV1;

/* Version 2: mac_reg grown to 96, mit_timer_on added. */
typedef struct E1000StateV2 {
    uint8_t mac[E1000_MAC_LEN];
    E1000EecdState eecd_state;
    E1000TxStateV1 tx;
    E1000RxStateV1 rx;
    uint16_t eeprom_data[E1000_EEPROM_WORDS];
    uint16_t phy_reg[E1000_PHY_REGS];
    uint32_t mac_reg[E1000_MAC_REGS];
    bool mit_irq_level;
    bool mit_timer_on;
} E1000StateV2;

/* Version 3 (current). */
typedef struct E1000State {
    uint8_t mac[E1000_MAC_LEN];
    E1000EecdState eecd_state;
    E1000TxState tx;
    E1000RxState rx;
    uint16_t eeprom_data[E1000_EEPROM_WORDS];
    uint16_t phy_reg[E1000_PHY_REGS];
    uint32_t mac_reg[E1000_MAC_REGS];
    bool mit_irq_level;
    bool mit_timer_on;
} E1000State;

/* The final walks; root struct "e1000". */
bool e1000_v1_visit(Visitor *v, E1000StateV1 *s, GError **errp);
bool e1000_v2_visit(Visitor *v, E1000StateV2 *s, GError **errp);
bool e1000_visit(Visitor *v, E1000State *s, GError **errp);

/* The EEPROM state's walk (struct @name; bitnum_out is range-checked
 * before it is stored) in the form a field table's VMSTATE_WALK line
 * calls: @field is an E1000EecdState. */
bool e1000_eecd_walk(Visitor *v, const char *name, void *field,
                     GError **errp);

#endif /* QVISIT_EXAMPLE_E1000_H */
