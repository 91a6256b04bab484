/*
 * FIFO helpers shared by the serial versions (serial.c holds version 3
 * and the helpers, serial-history.c versions 1 and 2). Not installed.
 */
#ifndef QVISIT_EXAMPLE_SERIAL_INTERNAL_H
#define QVISIT_EXAMPLE_SERIAL_INTERNAL_H

#include "examples/devices/serial.h"

/* Legacy: data (16 raw bytes), head be32, num be32. */
void serial__fifo_save(QEMUFile *f, SerialFifo *fifo);

/* Legacy: returns 0, or -EINVAL for head >= 16 or num > 16. */
int serial__fifo_load(QEMUFile *f, SerialFifo *fifo);

/*
 * The walk of one FIFO, struct @name with data (buffer), head, num; head
 * and num are range-checked (QVISIT_ERROR_RANGE, "serial.<name>.head: ...")
 * before they are stored.
 */
bool serial__fifo_visit(Visitor *v, const char *name, SerialFifo *fifo,
                        GError **errp);

void serial__fifo_randomize(SerialFifo *fifo, uint64_t *seed);
bool serial__fifo_equal(const SerialFifo *a, const SerialFifo *b);
void serial__clear(void *state);

#endif /* QVISIT_EXAMPLE_SERIAL_INTERNAL_H */
