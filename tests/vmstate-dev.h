/*
 * The field-table test device (tests/support/vmstate-dev.c): a table with
 * every kind of VMSTATE_* line (each scalar width, bool, float, fixed and
 * counted arrays of scalars and structs, allocated arrays and buffers, a
 * partial buffer, unused bytes, version gates, a field_exists test, an
 * enum, a walk and a subsection), shared by tests/test-vmstate.c, which
 * checks it against a hand-written walk of the same state, and the
 * fuzz target fuzz/fuzz-vmstate.c.
 */
#ifndef QVISIT_TESTS_VMSTATE_DEV_H
#define QVISIT_TESTS_VMSTATE_DEV_H

#include <qvisit/qvisit.h>

typedef enum { MODE_OFF, MODE_FIFO, MODE_DMA } Mode;

typedef struct Port {
    uint32_t id;
    bool connected;
    int16_t throttle;
} Port;

typedef struct Pair {
    uint8_t lo;
    uint8_t hi;
} Pair;

typedef struct Dev {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    bool flag;
    double ratio;
    uint32_t regs[4];
    int16_t sregs[2];
    uint8_t mac[6];
    uint32_t nports;
    Port ports[4];
    Port fixed[2];
    uint32_t nq;
    uint16_t *q;
    uint32_t buflen;
    uint8_t *buf;
    uint32_t cfg_len;
    uint8_t cfg[8];
    uint32_t elem_popped;
    bool has_msix;          /* configuration, not migrated */
    uint32_t msix_vector;
    Mode mode;
    Pair pair;
    uint64_t extra;
} Dev;

/* The names of Mode, NULL-terminated. */
extern const char *const mode_names[];

/* The table of a Port, version 1. */
extern const VMStateDescription vmstate_port;

/* The table of a Dev ("dev", versions 1 to 3): msix_vector only when
 * has_msix (configuration, not migrated), the subsection "dev/extra"
 * when extra is not 0. */
extern const VMStateDescription vmstate_dev;

/* The walk of @field, a Pair, as the struct @name (a VMSTATE_WALK). */
bool pair_walk(Visitor *v, const char *name, void *field, GError **errp);

/* Whether two Devs are equal, field by field, the pointers by what they
 * point to. */
bool dev_equal(const Dev *a, const Dev *b);

#endif /* QVISIT_TESTS_VMSTATE_DEV_H */
