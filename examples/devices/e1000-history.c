/*
 * Example device: e1000, layout versions 1 and 2. The version table and
 * what changed between versions are at the top of e1000.c; version 3
 * lives there too.
 */
#include "examples/devices/e1000.h"

#include <string.h>

#include "examples/devices/e1000-internal.h"
#include "examples/devices/example-devices-internal.h"

/* --- versions 1 and 2 transmit and receive state ------------------------ */

static void e1000_tx_v1_save(QEMUFile *f, E1000TxStateV1 *t)
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
    qemu_put_be32(f, t->vlan_header);
}

static int e1000_tx_v1_load(QEMUFile *f, E1000TxStateV1 *t)
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
    t->vlan_header = qemu_get_be32(f);
    return 0;
}

static bool e1000_tx_v1_visit(Visitor *v, const char *name, E1000TxStateV1 *t,
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
           visit_type_u32(v, "vlan_header", &t->vlan_header, errp) &&
           visit_end_struct(v, errp);
}

static void e1000_tx_v1_randomize(E1000TxStateV1 *t, uint64_t *seed)
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
    t->vlan_header = example_devices__rand(seed);
}

static bool e1000_tx_v1_equal(const E1000TxStateV1 *a, const E1000TxStateV1 *b)
{
    return a->hdr_len == b->hdr_len && a->mss == b->mss &&
           a->paylen == b->paylen && a->ipcss == b->ipcss &&
           a->ipcso == b->ipcso && a->ipcse == b->ipcse &&
           a->tucss == b->tucss && a->tucso == b->tucso &&
           a->tucse == b->tucse && a->sum_needed == b->sum_needed &&
           a->tse == b->tse && a->ip == b->ip && a->tcp == b->tcp &&
           a->tso_frames == b->tso_frames &&
           a->vlan_header == b->vlan_header;
}

static void e1000_rx_v1_save(QEMUFile *f, E1000RxStateV1 *r)
{
    qemu_put_be32(f, r->buf_size);
    qemu_put_be32(f, r->min_shift);
}

static void e1000_rx_v1_load(QEMUFile *f, E1000RxStateV1 *r)
{
    r->buf_size = qemu_get_be32(f);
    r->min_shift = qemu_get_be32(f);
}

static bool e1000_rx_v1_visit(Visitor *v, const char *name, E1000RxStateV1 *r,
                           GError **errp)
{
    return visit_start_struct(v, name, errp) &&
           visit_type_u32(v, "buf_size", &r->buf_size, errp) &&
           visit_type_u32(v, "min_shift", &r->min_shift, errp) &&
           visit_end_struct(v, errp);
}

static void e1000_rx_v1_randomize(E1000RxStateV1 *r, uint64_t *seed)
{
    r->buf_size = example_devices__rand(seed);
    r->min_shift = example_devices__rand(seed) % 4;
}

static bool e1000_rx_v1_equal(const E1000RxStateV1 *a, const E1000RxStateV1 *b)
{
    return a->buf_size == b->buf_size &&
           a->min_shift == b->min_shift;
}

/* --- version 1 ---------------------------------------------------------- */

static void e1000_v1_save_legacy(QEMUFile *f, void *opaque)
{
    E1000StateV1 *s = opaque;

    qemu_put_buffer(f, s->mac, E1000_MAC_LEN);
    e1000__eecd_save(f, &s->eecd_state);
    e1000_tx_v1_save(f, &s->tx);
    e1000_rx_v1_save(f, &s->rx);
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        qemu_put_be16(f, s->eeprom_data[i]);
    }
    for (int i = 0; i < E1000_PHY_REGS; i++) {
        qemu_put_be16(f, s->phy_reg[i]);
    }
    for (int i = 0; i < E1000_MAC_REGS_V1; i++) {
        qemu_put_be32(f, s->mac_reg[i]);
    }
    qemu_put_byte(f, s->mit_irq_level);
}

static int e1000_v1_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    E1000StateV1 tmp = { 0 };
    int ret;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    qemu_get_buffer(f, tmp.mac, E1000_MAC_LEN);
    ret = e1000__eecd_load(f, &tmp.eecd_state);
    if (ret == 0) {
        ret = e1000_tx_v1_load(f, &tmp.tx);
    }
    if (ret < 0) {
        return ret;
    }
    e1000_rx_v1_load(f, &tmp.rx);
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        tmp.eeprom_data[i] = qemu_get_be16(f);
    }
    for (int i = 0; i < E1000_PHY_REGS; i++) {
        tmp.phy_reg[i] = qemu_get_be16(f);
    }
    for (int i = 0; i < E1000_MAC_REGS_V1; i++) {
        tmp.mac_reg[i] = qemu_get_be32(f);
    }
    if (example_devices__get_bool(f, &tmp.mit_irq_level) < 0) {
        return example_devices__invalid(f);
    }
    ret = qemu_file_get_error(f);
    if (ret == 0) {
        *(E1000StateV1 *)opaque = tmp;
    }
    return ret;
}

static void e1000_v1_save_mid(QEMUFile *f, void *opaque)
{
    E1000StateV1 *s = opaque;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;

    ok = visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, &err);
    if (ok) {
        e1000__eecd_save(f, &s->eecd_state);
    }
    ok = ok && e1000_tx_v1_visit(v, "tx", &s->tx, &err);
    if (ok) {
        e1000_rx_v1_save(f, &s->rx);
    }
    ok = ok && visit_type_u16_array(v, "eeprom_data", s->eeprom_data,
                                    E1000_EEPROM_WORDS, &err);
    if (ok) {
        for (int i = 0; i < E1000_PHY_REGS; i++) {
            qemu_put_be16(f, s->phy_reg[i]);
        }
    }
    ok = ok && visit_type_u32_array(v, "mac_reg", s->mac_reg,
                                    E1000_MAC_REGS_V1, &err);
    if (ok) {
        qemu_put_byte(f, s->mit_irq_level);
    }
    example_devices__save_result(f, err);
}

static int e1000_v1_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    E1000StateV1 tmp = { 0 }, *s = &tmp;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;
    int ret = 0;

    if (version_id != 1) {
        return example_devices__invalid(f);
    }
    ok = visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, &err);
    if (ok) {
        ret = e1000__eecd_load(f, &s->eecd_state);
        if (ret < 0) {
            return ret;
        }
    }
    ok = ok && e1000_tx_v1_visit(v, "tx", &s->tx, &err);
    if (ok) {
        e1000_rx_v1_load(f, &s->rx);
    }
    ok = ok && visit_type_u16_array(v, "eeprom_data", s->eeprom_data,
                                    E1000_EEPROM_WORDS, &err);
    if (ok) {
        for (int i = 0; i < E1000_PHY_REGS; i++) {
            s->phy_reg[i] = qemu_get_be16(f);
        }
    }
    ok = ok && visit_type_u32_array(v, "mac_reg", s->mac_reg,
                                    E1000_MAC_REGS_V1, &err);
    if (ok) {
        if (example_devices__get_bool(f, &s->mit_irq_level) < 0) {
            return example_devices__invalid(f);
        }
    }
    ret = example_devices__load_result(f, err);
    if (ret == 0) {
        *(E1000StateV1 *)opaque = tmp;
    }
    return ret;
}

bool e1000_v1_visit(Visitor *v, E1000StateV1 *s, GError **errp)
{
    return visit_start_struct(v, "e1000", errp) &&
           visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, errp) &&
           e1000__eecd_visit(v, "eecd_state", &s->eecd_state, errp) &&
           e1000_tx_v1_visit(v, "tx", &s->tx, errp) &&
           e1000_rx_v1_visit(v, "rx", &s->rx, errp) &&
           visit_type_u16_array(v, "eeprom_data", s->eeprom_data,
                                E1000_EEPROM_WORDS, errp) &&
           visit_type_u16_array(v, "phy_reg", s->phy_reg, E1000_PHY_REGS,
                                errp) &&
           visit_type_u32_array(v, "mac_reg", s->mac_reg,
                                E1000_MAC_REGS_V1, errp) &&
           visit_type_bool(v, "mit_irq_level", &s->mit_irq_level, errp) &&
           visit_end_struct(v, errp);
}

static bool e1000_v1_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return e1000_v1_visit(v, state, errp);
}

static void e1000_v1_randomize(void *state, uint64_t *seed)
{
    E1000StateV1 *s = state;

    example_devices__rand_bytes(seed, s->mac, E1000_MAC_LEN);
    e1000__eecd_randomize(&s->eecd_state, seed);
    e1000_tx_v1_randomize(&s->tx, seed);
    e1000_rx_v1_randomize(&s->rx, seed);
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        s->eeprom_data[i] = example_devices__rand(seed);
    }
    for (int i = 0; i < E1000_PHY_REGS; i++) {
        s->phy_reg[i] = example_devices__rand(seed);
    }
    for (int i = 0; i < E1000_MAC_REGS_V1; i++) {
        s->mac_reg[i] = example_devices__rand(seed);
    }
    s->mit_irq_level = example_devices__rand(seed) & 1;
}

static bool e1000_v1_equal(const void *pa, const void *pb)
{
    const E1000StateV1 *a = pa, *b = pb;

    return memcmp(a->mac, b->mac, E1000_MAC_LEN) == 0 &&
           e1000__eecd_equal(&a->eecd_state, &b->eecd_state) &&
           e1000_tx_v1_equal(&a->tx, &b->tx) &&
           e1000_rx_v1_equal(&a->rx, &b->rx) &&
           memcmp(a->eeprom_data, b->eeprom_data,
                  sizeof(a->eeprom_data)) == 0 &&
           memcmp(a->phy_reg, b->phy_reg, sizeof(a->phy_reg)) == 0 &&
           memcmp(a->mac_reg, b->mac_reg, sizeof(a->mac_reg)) == 0 &&
           a->mit_irq_level == b->mit_irq_level;
}

const ExampleDevice example_e1000_v1 = {
    .id = "e1000",
    .version = 1,
    .minimum_version = 1,
    .state_size = sizeof(E1000StateV1),
    .visit = e1000_v1_visit_opaque,
    .save_legacy = e1000_v1_save_legacy,
    .load_legacy = e1000_v1_load_legacy,
    .save_mid = e1000_v1_save_mid,
    .load_mid = e1000_v1_load_mid,
    .randomize = e1000_v1_randomize,
    .equal = e1000_v1_equal,
    .clear = e1000__clear,
};

/* --- version 2 ---------------------------------------------------------- */

static void e1000_v2_save_legacy(QEMUFile *f, void *opaque)
{
    E1000StateV2 *s = opaque;

    qemu_put_buffer(f, s->mac, E1000_MAC_LEN);
    e1000__eecd_save(f, &s->eecd_state);
    e1000_tx_v1_save(f, &s->tx);
    e1000_rx_v1_save(f, &s->rx);
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

static int e1000_v2_load_legacy(QEMUFile *f, void *opaque, int version_id)
{
    E1000StateV2 tmp = { 0 };
    int ret;

    if (version_id != 2) {
        return example_devices__invalid(f);
    }
    qemu_get_buffer(f, tmp.mac, E1000_MAC_LEN);
    ret = e1000__eecd_load(f, &tmp.eecd_state);
    if (ret == 0) {
        ret = e1000_tx_v1_load(f, &tmp.tx);
    }
    if (ret < 0) {
        return ret;
    }
    e1000_rx_v1_load(f, &tmp.rx);
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
        *(E1000StateV2 *)opaque = tmp;
    }
    return ret;
}

static void e1000_v2_save_mid(QEMUFile *f, void *opaque)
{
    E1000StateV2 *s = opaque;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;

    ok = visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, &err);
    if (ok) {
        e1000__eecd_save(f, &s->eecd_state);
    }
    ok = ok && e1000_tx_v1_visit(v, "tx", &s->tx, &err);
    if (ok) {
        e1000_rx_v1_save(f, &s->rx);
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

static int e1000_v2_load_mid(QEMUFile *f, void *opaque, int version_id)
{
    E1000StateV2 tmp = { 0 }, *s = &tmp;
    Visitor *v = qemu_file_get_visitor(f);
    GError *err = NULL;
    bool ok;
    int ret = 0;

    if (version_id != 2) {
        return example_devices__invalid(f);
    }
    ok = visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, &err);
    if (ok) {
        ret = e1000__eecd_load(f, &s->eecd_state);
        if (ret < 0) {
            return ret;
        }
    }
    ok = ok && e1000_tx_v1_visit(v, "tx", &s->tx, &err);
    if (ok) {
        e1000_rx_v1_load(f, &s->rx);
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
        *(E1000StateV2 *)opaque = tmp;
    }
    return ret;
}

bool e1000_v2_visit(Visitor *v, E1000StateV2 *s, GError **errp)
{
    return visit_start_struct(v, "e1000", errp) &&
           visit_type_buffer(v, "mac", s->mac, E1000_MAC_LEN, errp) &&
           e1000__eecd_visit(v, "eecd_state", &s->eecd_state, errp) &&
           e1000_tx_v1_visit(v, "tx", &s->tx, errp) &&
           e1000_rx_v1_visit(v, "rx", &s->rx, errp) &&
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

static bool e1000_v2_visit_opaque(Visitor *v, void *state, GError **errp)
{
    return e1000_v2_visit(v, state, errp);
}

static void e1000_v2_randomize(void *state, uint64_t *seed)
{
    E1000StateV2 *s = state;

    example_devices__rand_bytes(seed, s->mac, E1000_MAC_LEN);
    e1000__eecd_randomize(&s->eecd_state, seed);
    e1000_tx_v1_randomize(&s->tx, seed);
    e1000_rx_v1_randomize(&s->rx, seed);
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

static bool e1000_v2_equal(const void *pa, const void *pb)
{
    const E1000StateV2 *a = pa, *b = pb;

    return memcmp(a->mac, b->mac, E1000_MAC_LEN) == 0 &&
           e1000__eecd_equal(&a->eecd_state, &b->eecd_state) &&
           e1000_tx_v1_equal(&a->tx, &b->tx) &&
           e1000_rx_v1_equal(&a->rx, &b->rx) &&
           memcmp(a->eeprom_data, b->eeprom_data,
                  sizeof(a->eeprom_data)) == 0 &&
           memcmp(a->phy_reg, b->phy_reg, sizeof(a->phy_reg)) == 0 &&
           memcmp(a->mac_reg, b->mac_reg, sizeof(a->mac_reg)) == 0 &&
           a->mit_irq_level == b->mit_irq_level &&
           a->mit_timer_on == b->mit_timer_on;
}

const ExampleDevice example_e1000_v2 = {
    .id = "e1000",
    .version = 2,
    .minimum_version = 2,
    .state_size = sizeof(E1000StateV2),
    .visit = e1000_v2_visit_opaque,
    .save_legacy = e1000_v2_save_legacy,
    .load_legacy = e1000_v2_load_legacy,
    .save_mid = e1000_v2_save_mid,
    .load_mid = e1000_v2_load_mid,
    .randomize = e1000_v2_randomize,
    .equal = e1000_v2_equal,
    .clear = e1000__clear,
};

