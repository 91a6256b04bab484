/*
 * Big-endian loads and stores: the one place qvisit converts between host
 * integers and the big-endian bytes of QEMU's wire formats (QEMUFile
 * streams, the self-describing binary format, transport headers). Names
 * and argument order are QEMU's (include/qemu/bswap.h): st*_be_p(ptr,
 * value), ld*_be_p(ptr). Pointers need no alignment. Not installed.
 */
#ifndef QVISIT_UTIL_BSWAP_H
#define QVISIT_UTIL_BSWAP_H

#include <glib.h>
#include <stdint.h>
#include <string.h>

static inline void stw_be_p(void *ptr, uint16_t v)
{
    uint16_t be = GUINT16_TO_BE(v);

    memcpy(ptr, &be, sizeof(be));
}

static inline void stl_be_p(void *ptr, uint32_t v)
{
    uint32_t be = GUINT32_TO_BE(v);

    memcpy(ptr, &be, sizeof(be));
}

static inline void stq_be_p(void *ptr, uint64_t v)
{
    uint64_t be = GUINT64_TO_BE(v);

    memcpy(ptr, &be, sizeof(be));
}

static inline uint16_t lduw_be_p(const void *ptr)
{
    uint16_t be;

    memcpy(&be, ptr, sizeof(be));
    return GUINT16_FROM_BE(be);
}

static inline uint32_t ldl_be_p(const void *ptr)
{
    uint32_t be;

    memcpy(&be, ptr, sizeof(be));
    return GUINT32_FROM_BE(be);
}

static inline uint64_t ldq_be_p(const void *ptr)
{
    uint64_t be;

    memcpy(&be, ptr, sizeof(be));
    return GUINT64_FROM_BE(be);
}

/*
 * Stores the low @sz bytes (1 to 8) of @v big-endian at @ptr. With a
 * constant @sz of 1, 2, 4 or 8 this compiles to one store.
 */
static inline void stn_be_p(void *ptr, unsigned sz, uint64_t v)
{
    uint8_t *p = ptr;

    switch (sz) {
    case 1:
        p[0] = (uint8_t)v;
        break;
    case 2:
        stw_be_p(p, (uint16_t)v);
        break;
    case 4:
        stl_be_p(p, (uint32_t)v);
        break;
    case 8:
        stq_be_p(p, v);
        break;
    default:
        for (unsigned i = 0; i < sz; i++) {
            p[i] = (uint8_t)(v >> (8 * (sz - 1 - i)));
        }
        break;
    }
}

/* Loads @sz bytes (1 to 8) at @ptr as a big-endian unsigned value. */
static inline uint64_t ldn_be_p(const void *ptr, unsigned sz)
{
    const uint8_t *p = ptr;
    uint64_t v = 0;

    switch (sz) {
    case 1:
        return p[0];
    case 2:
        return lduw_be_p(p);
    case 4:
        return ldl_be_p(p);
    case 8:
        return ldq_be_p(p);
    default:
        for (unsigned i = 0; i < sz; i++) {
            v = (v << 8) | p[i];
        }
        return v;
    }
}

/* Appends the low @sz bytes (1 to 8) of @v big-endian to @out. */
static inline void byte_array_append_be(GByteArray *out, uint64_t v,
                                        unsigned sz)
{
    uint8_t buf[8];

    stn_be_p(buf, sz, v);
    g_byte_array_append(out, buf, sz);
}

#endif /* QVISIT_UTIL_BSWAP_H */
