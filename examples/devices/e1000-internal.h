/*
 * Helpers shared by the e1000 versions (e1000.c: version 3 and these
 * helpers; e1000-history.c: versions 1 and 2). Not installed.
 */
#ifndef QVISIT_EXAMPLE_E1000_INTERNAL_H
#define QVISIT_EXAMPLE_E1000_INTERNAL_H

#include "examples/devices/e1000.h"

/* Legacy: val_in, bitnum_in, bitnum_out be16, reading byte, old_eecd be32. */
void e1000__eecd_save(QEMUFile *f, E1000EecdState *e);

/* Legacy: returns 0, or -EINVAL for a bad bool or bitnum_out >= 1024. */
int e1000__eecd_load(QEMUFile *f, E1000EecdState *e);

/* Walk of struct @name; bitnum_out is range-checked before it is stored. */
bool e1000__eecd_visit(Visitor *v, const char *name, E1000EecdState *e,
                       GError **errp);

void e1000__eecd_randomize(E1000EecdState *e, uint64_t *seed);
bool e1000__eecd_equal(const E1000EecdState *a, const E1000EecdState *b);
void e1000__clear(void *state);

#endif /* QVISIT_EXAMPLE_E1000_INTERNAL_H */
