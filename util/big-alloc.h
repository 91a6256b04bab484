/*
 * Big buffers written once (RAM digest tables, their hex text): mapped
 * rather than malloc()ed, 2 MiB-aligned, with transparent huge pages asked
 * for. On a virtual machine with shadow page tables every first touch of
 * a 4 KiB page costs 10 to 30 us (measured on the CI kind of machine: a
 * fresh 4 MiB malloc() took 28-40 ms to fill, the same in huge pages
 * 0.4-6 ms), which made the hex of two 1 GiB streams' digests a fifth of
 * a diff. Not installed.
 */
#ifndef QVISIT_UTIL_BIG_ALLOC_H
#define QVISIT_UTIL_BIG_ALLOC_H

#include <stddef.h>

/* From this size on, a buffer can be backed by a huge page. */
#define BIG_ALLOC_MIN ((size_t)2 << 20)

/*
 * @len zeroed bytes; aborts, as g_malloc() does, when there is no memory
 * (callers charge their limits first). Released with big_free() and the
 * same @len.
 */
void *big_alloc(size_t len);
void big_free(void *p, size_t len);

#endif /* QVISIT_UTIL_BIG_ALLOC_H */
