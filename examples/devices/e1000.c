/*
 * Example device: e1000, written three ways, in three layout versions.
 * This file holds version 3 (current) and the helpers every version uses;
 * e1000-history.c holds versions 1 and 2.
 *
 * Version history (each version is its own state type, walk and catalog
 * entry; compat transforms between them live in example-compat.c):
 *
 *   member                v1              v2              v3
 *   --------------------  --------------  --------------  ---------------
 *   mac                   buffer[6]       buffer[6]       buffer[6]
 *   eecd_state            struct          struct          struct
 *   tx.hdr_len..tso_frames  same in every version (see E1000TxState)
 *   tx.vlan_header        u32             u32             split:
 *                                                         tx.vlan_tpid u16
 *                                                         tx.vlan_tci u16
 *   rx.buf_size           u32             u32             u32
 *   rx.min_shift          u32             u32             renamed
 *                                                         rx.buf_min_shift
 *   eeprom_data           u16[64]         u16[64]         u16[64]
 *   phy_reg               u16[32]         u16[32]         u16[32]
 *   mac_reg               u32[64]         grown: u32[96]  u32[96]
 *   mit_irq_level         bool            bool            bool
 *   mit_timer_on          absent          added, bool     bool
 *   stream size           499 bytes       628 bytes       628 bytes
 *
 * Transforms:
 *   v1 → v2: grow "mac_reg" from 64 to 96 elements, new ones 0; add
 *            "mit_timer_on" = false after "mit_irq_level".
 *   v2 → v1: shrink "mac_reg" to its first 64 elements; drop
 *            "mit_timer_on".
 *   v2 → v3: replace "tx.vlan_header" by "tx.vlan_tpid" = vlan_header >> 16
 *            and "tx.vlan_tci" = vlan_header & 0xffff (in that order);
 *            rename "rx.min_shift" to "rx.buf_min_shift".
 *   v3 → v2: "tx.vlan_header" = vlan_tpid << 16 | vlan_tci; rename
 *            "rx.buf_min_shift" to "rx.min_shift".
 * The v2 and v3 streams are byte-identical for the same values: be32 of
 * TPID << 16 | TCI is be16 TPID then be16 TCI, and names are not on the
 * wire. Only the QObject/JSON trees differ.
 *
 * eecd_state.bitnum_out indexes the EEPROM's 1024 bits and is checked to
 * be below 1024 on load in every version.
 */
#include "examples/devices/e1000.h"

#include <string.h>

#include "examples/devices/e1000-internal.h"
#include "examples/devices/example-devices-internal.h"

/* --- helpers shared by every version ------------------------------------ */

void e1000__eecd_save(QEMUFile *f, E1000EecdState *e)
{
    qemu_put_be16(f, e->val_in);
    qemu_put_be16(f, e->bitnum_in);
    qemu_put_be16(f, e->bitnum_out);
    qemu_put_byte(f, e->reading);
    qemu_put_be32(f, e->old_eecd);
}

int e1000__eecd_load(QEMUFile *f, E1000EecdState *e)
{
    e->val_in = qemu_get_be16(f);
    e->bitnum_in = qemu_get_be16(f);
    e->bitnum_out = qemu_get_be16(f);
    if (e->bitnum_out >= E1000_EEPROM_BITS ||
        example_devices__get_bool(f, &e->reading) < 0) {
        return example_devices__invalid(f);
    }
    e->old_eecd = qemu_get_be32(f);
    return 0;
}

bool e1000__eecd_visit(Visitor *v, const char *name, E1000EecdState *e,
                       GError **errp)
{
    uint16_t bitnum_out = e->bitnum_out;

    if (!visit_start_struct(v, name, errp) ||
        !visit_type_u16(v, "val_in", &e->val_in, errp) ||
        !visit_type_u16(v, "bitnum_in", &e->bitnum_in, errp) ||
        !visit_type_u16(v, "bitnum_out", &bitnum_out, errp) ||
        !visit_check_range(v, "bitnum_out",
                           bitnum_out, 0, E1000_EEPROM_BITS - 1, errp)) {
        return false;
    }
    e->bitnum_out = bitnum_out;
    return visit_type_bool(v, "reading", &e->reading, errp) &&
           visit_type_u32(v, "old_eecd", &e->old_eecd, errp) &&
           visit_end_struct(v, errp);
}

bool e1000_eecd_walk(Visitor *v, const char *name, void *field,
                     GError **errp)
{
    return e1000__eecd_visit(v, name, field, errp);
}

void e1000__eecd_randomize(E1000EecdState *e, uint64_t *seed)
{
    e->val_in = example_devices__rand(seed);
    e->bitnum_in = example_devices__rand(seed) % 17;
    e->bitnum_out = example_devices__rand(seed) % E1000_EEPROM_BITS;
    e->reading = example_devices__rand(seed) & 1;
    e->old_eecd = example_devices__rand(seed);
}

bool e1000__eecd_equal(const E1000EecdState *a, const E1000EecdState *b)
{
    return a->val_in == b->val_in && a->bitnum_in == b->bitnum_in &&
           a->bitnum_out == b->bitnum_out && a->reading == b->reading &&
           a->old_eecd == b->old_eecd;
}

void e1000__clear(void *state)
{
    /* Every e1000 version is flat: nothing to free. */
    (void)state;
}

/* --- version 3 transmit and receive state ------------------------------- */

static void e1000_tx_save(QEMUFile *f, E1000TxState *t)
{
    qemu_put_byte(f, t->hdr_len);
    qemu_put_be16(f, t->mss);
    qemu_put_be32(f, t->paylen);
    qemu_put_byte(f, t->ipcss);
    qemu_put_byte(f, t->ipcso);
    qemu_put_be16(f, t->ipcse);
    qemu_put_byte(f, t->tucss);
    qemu_put_byte(f, t->tucso);
    qemu_put_be16(f, t->tucse);
    qemu_put_byte(f, t->sum_needed);
    qemu_put_byte(f, t->tse);
    qemu_put_byte(f, t->ip);
    qemu_put_byte(f, t->tcp);
    qemu_put_be16(f, t->tso_frames);
    qemu_put_be16(f, t->vlan_tpid);
    qemu_put_be16(f, t->vlan_tci);
}

static int e1000_tx_load(QEMUFile *f, E1000TxState *t)
{
    t->hdr_len = qemu_get_byte(f);
    t->mss = qemu_get_be16(f);
    t->paylen = qemu_get_be32(f);
    t->ipcss = qemu_get_byte(f);
    t->ipcso = qemu_get_byte(f);
    t->ipcse = qemu_get_be16(f);
    t->tucss = qemu_get_byte(f);
    t->tucso = qemu_get_byte(f);
    t->tucse = qemu_get_be16(f);
    t->sum_needed = qemu_get_byte(f);
    if (example_devices__get_bool(f, &t->tse) < 0 ||
        example_devices__get_bool(f, &t->ip) < 0 ||
        example_devices__get_bool(f, &t->tcp) < 0) {
        return example_devices__invalid(f);
    }
    t->tso_frames = qemu_get_be16(f);
    t->vlan_tpid = qemu_get_be16(f);
    t->vlan_tci = qemu_get_be16(f);
    return 0;
}

static bool e1000_tx_visit(Visitor *v, const char *name, E1000TxState *t,
                           GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_u8(v, "hdr_len", &t->hdr_len, errp) &&
           visit_type_u16(v, "mss", &t->mss, errp) &&
           visit_type_u32(v, "paylen", &t->paylen, errp) &&
           visit_type_u8(v, "ipcss", &t->ipcss, errp) &&
           visit_type_u8(v, "ipcso", &t->ipcso, errp) &&
           visit_type_u16(v, "ipcse", &t->ipcse, errp) &&
           visit_type_u8(v, "tucss", &t->tucss, errp) &&
           visit_type_u8(v, "tucso", &t->tucso, errp) &&
           visit_type_u16(v, "tucse", &t->tucse, errp) &&
           visit_type_u8(v, "sum_needed", &t->sum_needed, errp) &&
           visit_type_bool(v, "tse", &t->tse, errp) &&
           visit_type_bool(v, "ip", &t->ip, errp) &&
           visit_type_bool(v, "tcp", &t->tcp, errp) &&
           visit_type_u16(v, "tso_frames", &t->tso_frames, errp) &&
           visit_type_u16(v, "vlan_tpid", &t->vlan_tpid, errp) &&
           visit_type_u16(v, "vlan_tci", &t->vlan_tci, errp) &&
           visit_end_struct(v, errp);
}

static void e1000_tx_randomize(E1000TxState *t, uint64_t *seed)
{
    t->hdr_len = example_devices__rand(seed);
    t->mss = example_devices__rand(seed);
    t->paylen = example_devices__rand(seed);
    t->ipcss = example_devices__rand(seed);
    t->ipcso = example_devices__rand(seed);
    t->ipcse = example_devices__rand(seed);
    t->tucss = example_devices__rand(seed);
    t->tucso = example_devices__rand(seed);
    t->tucse = example_devices__rand(seed);
    t->sum_needed = example_devices__rand(seed);
    t->tse = example_devices__rand(seed) & 1;
    t->ip = example_devices__rand(seed) & 1;
    t->tcp = example_devices__rand(seed) & 1;
    t->tso_frames = example_devices__rand(seed);
    t->vlan_tpid = example_devices__rand(seed);
    t->vlan_tci = example_devices__rand(seed);
}

static bool e1000_tx_equal(const E1000TxState *a, const E1000TxState *b)
{
    return a->hdr_len == b->hdr_len && a->mss == b->mss &&
           a->paylen == b->paylen && a->ipcss == b->ipcss &&
           a->ipcso == b->ipcso && a->ipcse == b->ipcse &&
           a->tucss == b->tucss && a->tucso == b->tucso &&
           a->tucse == b->tucse && a->sum_needed == b->sum_needed &&
           a->tse == b->tse && a->ip == b->ip && a->tcp == b->tcp &&
           a->tso_frames == b->tso_frames &&
           a->vlan_tpid == b->vlan_tpid && a->vlan_tci == b->vlan_tci;
}

static void e1000_rx_save(QEMUFile *f, E1000RxState *r)
{
    qemu_put_be32(f, r->buf_size);
    qemu_put_be32(f, r->buf_min_shift);
}

static void e1000_rx_load(QEMUFile *f, E1000RxState *r)
{
    r->buf_size = qemu_get_be32(f);
    r->buf_min_shift = qemu_get_be32(f);
}

static bool e1000_rx_visit(Visitor *v, const char *name, E1000RxState *r,
                           GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_u32(v, "buf_size", &r->buf_size, errp) &&
           visit_type_u32(v, "buf_min_shift", &r->buf_min_shift, errp) &&
           visit_end_struct(v, errp);
}

static void e1000_rx_randomize(E1000RxState *r, uint64_t *seed)
{
    r->buf_size = example_devices__rand(seed);
    r->buf_min_shift = example_devices__rand(seed) % 4;
}

static bool e1000_rx_equal(const E1000RxState *a, const E1000RxState *b)
{
    return a->buf_size == b->buf_size &&
           a->buf_min_shift == b->buf_min_shift;
}

/* --- version 3 ---------------------------------------------------------- */

static void e1000_save_legacy(QEMUFile *f, void *opaque)
{
    E1000State *s = opaque;

    qemu_put_buffer(f, s->mac, E1000_MAC_LEN);
    e1000__eecd_save(f, &s->eecd_state);
    e1000_tx_save(f, &s->tx);
    e1000_rx_save(f, &s->rx);
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        qemu_put_be16(f, s->eeprom_data[i]);
    }
    for (int i = 0; i < E1000_PHY_REGS; i++) {
        qemu_put_be16(f, s->phy_reg[i]);
    }
    for (int i = 0; i < E1000_MAC_REGS; i++) {
        qemu_put_be32(f, s->mac_reg[i]);
    }
    qemu_put_byte(f, s->mit_irq_level);
    qemu_put_byte(f, s->mit_timer_on);
}

static int e1000_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    E1000State tmp = { 0 };
    int ret;

    if (version_id != 3) {
        return example_devices__invalid(f);
    }
    qemu_get_buffer(f, tmp.mac, E1000_MAC_LEN);
    ret = e1000__eecd_load(f, &tmp.eecd_state);
    if (ret == 0) {
        ret = e1000_tx_load(f, &tmp.tx);
    }
    if (ret < 0) {
        return ret;
    }
    e1000_rx_load(f, &tmp.rx);
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        tmp.eeprom_data[i] = qemu_get_be16(f);
    }
    for (int i = 0; i < E1000_PHY_REGS; i++) {
        tmp.phy_reg[i] = qemu_get_be16(f);
    }
    for (int i = 0; i < E1000_MAC_REGS; i++) {
        tmp.mac_reg[i] = qemu_get_be32(f);
    }
    if (example_devices__get_bool(f, &tmp.mit_irq_level) < 0 ||
        example_devices__get_bool(f, &tmp.mit_timer_on) < 0) {
        return example_devices__invalid(f);
    }
    ret = qemu_file_get_error(f);
    if (ret == 0) {
        *(E1000State *)opaque = tmp;
    }
    return ret;
}

static void e1000_save_mid(QEMUFile *f, void *opaque)
{
    E1000State *s = opaque;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;

    ok = visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, &err);
    if (ok) {
        e1000__eecd_save(f, &s->eecd_state);
    }
    ok = ok && e1000_tx_visit(v, "tx", &s->tx, &err);
    if (ok) {
        e1000_rx_save(f, &s->rx);
    }
    ok = ok && visit_type_u16_array(v, "eeprom_data", s->eeprom_data,
                                    E1000_EEPROM_WORDS, &err);
    if (ok) {
        for (int i = 0; i < E1000_PHY_REGS; i++) {
            qemu_put_be16(f, s->phy_reg[i]);
        }
    }
    ok = ok && visit_type_u32_array(v, "mac_reg", s->mac_reg,
                                    E1000_MAC_REGS, &err);
    if (ok) {
        qemu_put_byte(f, s->mit_irq_level);
        qemu_put_byte(f, s->mit_timer_on);
    }
    example_devices__save_result(f, err);
}

static int e1000_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    E1000State tmp = { 0 }, *s = &tmp;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;
    int ret = 0;

    if (version_id != 3) {
        return example_devices__invalid(f);
    }
    ok = visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, &err);
    if (ok) {
        ret = e1000__eecd_load(f, &s->eecd_state);
        if (ret < 0) {
            return ret;
        }
    }
    ok = ok && e1000_tx_visit(v, "tx", &s->tx, &err);
    if (ok) {
        e1000_rx_load(f, &s->rx);
    }
    ok = ok && visit_type_u16_array(v, "eeprom_data", s->eeprom_data,
                                    E1000_EEPROM_WORDS, &err);
    if (ok) {
        for (int i = 0; i < E1000_PHY_REGS; i++) {
            s->phy_reg[i] = qemu_get_be16(f);
        }
    }
    ok = ok && visit_type_u32_array(v, "mac_reg", s->mac_reg,
                                    E1000_MAC_REGS, &err);
    if (ok) {
        if (example_devices__get_bool(f, &s->mit_irq_level) < 0 ||
            example_devices__get_bool(f, &s->mit_timer_on) < 0) {
            return example_devices__invalid(f);
        }
    }
    ret = example_devices__load_result(f, err);
    if (ret == 0) {
        *(E1000State *)opaque = tmp;
    }
    return ret;
}

bool e1000_visit(Visitor *v, E1000State *s, GError **errp)
{
    return visit_start_struct(v, "e1000", errp) &&
           visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, errp) &&
           e1000__eecd_visit(v, "eecd_state", &s->eecd_state, errp) &&
           e1000_tx_visit(v, "tx", &s->tx, errp) &&
           e1000_rx_visit(v, "rx", &s->rx, errp) &&
           visit_type_u16_array(v, "eeprom_data", s->eeprom_data,
                                E1000_EEPROM_WORDS, errp) &&
           visit_type_u16_array(v, "phy_reg", s->phy_reg, E1000_PHY_REGS,
                                errp) &&
           visit_type_u32_array(v, "mac_reg", s->mac_reg,
                                E1000_MAC_REGS, errp) &&
           visit_type_bool(v, "mit_irq_level", &s->mit_irq_level, errp) &&
           visit_type_bool(v, "mit_timer_on", &s->mit_timer_on, errp) &&
           visit_end_struct(v, errp);
}

static bool e1000_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return e1000_visit(v, state, errp);
}

static void e1000_randomize(void *state, uint64_t *seed)
{
    E1000State *s = state;

    example_devices__rand_bytes(seed, s->mac, E1000_MAC_LEN);
    e1000__eecd_randomize(&s->eecd_state, seed);
    e1000_tx_randomize(&s->tx, seed);
    e1000_rx_randomize(&s->rx, seed);
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        s->eeprom_data[i] = example_devices__rand(seed);
    }
    for (int i = 0; i < E1000_PHY_REGS; i++) {
        s->phy_reg[i] = example_devices__rand(seed);
    }
    for (int i = 0; i < E1000_MAC_REGS; i++) {
        s->mac_reg[i] = example_devices__rand(seed);
    }
    s->mit_irq_level = example_devices__rand(seed) & 1;
    s->mit_timer_on = example_devices__rand(seed) & 1;
}

static bool e1000_equal(const void *pa, const void *pb)
{
    const E1000State *a = pa, *b = pb;

    return memcmp(a->mac, b->mac, E1000_MAC_LEN) == 0 &&
           e1000__eecd_equal(&a->eecd_state, &b->eecd_state) &&
           e1000_tx_equal(&a->tx, &b->tx) &&
           e1000_rx_equal(&a->rx, &b->rx) &&
           memcmp(a->eeprom_data, b->eeprom_data,
                  sizeof(a->eeprom_data)) == 0 &&
           memcmp(a->phy_reg, b->phy_reg, sizeof(a->phy_reg)) == 0 &&
           memcmp(a->mac_reg, b->mac_reg, sizeof(a->mac_reg)) == 0 &&
           a->mit_irq_level == b->mit_irq_level &&
           a->mit_timer_on == b->mit_timer_on;
}

const ExampleDevice example_e1000_v3 = {
    .id = "e1000",
    .version = 3,
    .minimum_version = 3,
    .state_size = sizeof(E1000State),
    .visit = e1000_visit_opaque,
    .save_legacy = e1000_save_legacy,
    .load_legacy = e1000_load_legacy,
    .save_mid = e1000_save_mid,
    .load_mid = e1000_load_mid,
    .randomize = e1000_randomize,
    .equal = e1000_equal,
    .clear = e1000__clear,
};
