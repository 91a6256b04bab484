/*
 * The example VM of the fault tests and fuzz targets
 * (tests/support/example-vm.c): every example device of one release,
 * registered with a MigrationRegistry, with deterministic random states
 * and pause/resume counters.
 */
#ifndef QVISIT_TESTS_EXAMPLE_VM_H
#define QVISIT_TESTS_EXAMPLE_VM_H

#include <qvisit/qvisit.h>

#include "examples/devices/example-devices.h"

typedef struct ExampleVm {
    MigrationRegistry *r;
    unsigned release;
    size_t n;
    const ExampleDevice *const *devs;
    void **states;
    int paused;     /* pause hook calls, over all devices */
    int resumed;    /* resume hook calls, over all devices */
} ExampleVm;

/* Registers every device of @release with states from @seed. */
ExampleVm *example_vm_new(unsigned release, uint64_t seed);

/* As example_vm_new(), with only the devices named in the NULL-terminated
 * @ids (in release order); a smaller VM keeps exhaustive tests fast. */
ExampleVm *example_vm_new_only(unsigned release, uint64_t seed,
                               const char *const *ids);

/* Gives every device the state @seed makes again. */
void example_vm_randomize(ExampleVm *vm, uint64_t seed);

/* migration_snapshot() of the VM; never fails for example devices. */
QDict *example_vm_snapshot(ExampleVm *vm);

/* Saves the VM in @format; the caller frees the result. */
GByteArray *example_vm_save(ExampleVm *vm, MigrationFormat format);

void example_vm_free(ExampleVm *vm);

#endif /* QVISIT_TESTS_EXAMPLE_VM_H */
