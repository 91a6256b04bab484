/* Big buffers in huge pages: see big-alloc.h for why. */
#include "util/big-alloc.h"

#include <stdint.h>
#include <sys/mman.h>

#include <glib.h>

void *big_alloc(size_t len)
{
    size_t size = len ? len : 1;
    /* Room to align the start on a huge page; the slack is unmapped. */
    size_t slack = size >= BIG_ALLOC_MIN ? BIG_ALLOC_MIN : 0;
    uint8_t *raw, *p;

    if (size > SIZE_MAX - slack) {
        g_error("%s: failed to map %zu bytes", G_STRLOC, len);
    }
    raw = mmap(NULL, size + slack, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        g_error("%s: failed to map %zu bytes", G_STRLOC, len);
    }
    p = raw;
    if (slack) {
        size_t lead = (BIG_ALLOC_MIN - (uintptr_t)raw % BIG_ALLOC_MIN) %
                      BIG_ALLOC_MIN;

        p = raw + lead;
        if (lead) {
            munmap(raw, lead);
        }
        if (slack - lead) {
            munmap(p + size, slack - lead);
        }
    }
#ifdef MADV_HUGEPAGE
    /* Advice only: without transparent huge pages nothing changes. */
    madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}

void big_free(void *p, size_t len)
{
    if (p) {
        munmap(p, len ? len : 1);
    }
}
