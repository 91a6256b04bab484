/*
 * Compat transforms of the example devices' version histories (the tables
 * at the top of examples/devices/serial.c and e1000.c). Internal to the
 * tests, tools, benchmarks and the demo, like example-devices.h.
 */
#ifndef QVISIT_EXAMPLE_COMPAT_H
#define QVISIT_EXAMPLE_COMPAT_H

#include <qvisit/qvisit.h>

/*
 * Registers both directions of every version step of the example devices
 * into @r: serial 1↔2, 2↔3 and e1000 1↔2, 2↔3. Fails with the
 * registry's error (QVISIT_ERROR_INVALID) when a step is already
 * registered, e.g. when called twice on the same registry.
 */
bool example_compat_register(CompatRegistry *r, GError **errp);

#endif /* QVISIT_EXAMPLE_COMPAT_H */
