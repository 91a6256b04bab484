/* The example VM of the fault tests and fuzz targets; see example-vm.h. */
#include "tests/example-vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pause/resume hooks get only the state; find its VM here. */
static GHashTable *vm_by_state;

static void count_pause(void *state)
{
    ExampleVm *vm = g_hash_table_lookup(vm_by_state, state);

    if (vm) {
        vm->paused++;
    }
}

static void count_resume(void *state)
{
    ExampleVm *vm = g_hash_table_lookup(vm_by_state, state);

    if (vm) {
        vm->resumed++;
    }
}

void example_vm_randomize(ExampleVm *vm, uint64_t seed)
{
    for (size_t i = 0; i < vm->n; i++) {
        if (vm->devs[i]->clear) {
            vm->devs[i]->clear(vm->states[i]);
        }
        memset(vm->states[i], 0, vm->devs[i]->state_size);
        vm->devs[i]->randomize(vm->states[i], &seed);
    }
}

static bool wanted(const char *const *ids, const char *id)
{
    if (!ids) {
        return true;
    }
    for (; *ids; ids++) {
        if (!strcmp(*ids, id)) {
            return true;
        }
    }
    return false;
}

ExampleVm *example_vm_new(unsigned release, uint64_t seed)
{
    return example_vm_new_only(release, seed, NULL);
}

ExampleVm *example_vm_new_only(unsigned release, uint64_t seed,
                               const char *const *ids)
{
    ExampleVm *vm = g_new0(ExampleVm, 1);
    const ExampleDevice *const *devs;
    g_autoptr(GError) err = NULL;
    size_t n;

    if (!vm_by_state) {
        vm_by_state = g_hash_table_new(NULL, NULL);
    }
    vm->release = release;
    devs = example_release_devices(release, &n);
    vm->devs = g_new0(const ExampleDevice *, n);
    for (size_t i = 0; i < n; i++) {
        if (wanted(ids, devs[i]->id)) {
            ((const ExampleDevice **)vm->devs)[vm->n++] = devs[i];
        }
    }
    vm->states = g_new0(void *, vm->n);
    vm->r = migration_registry_new();
    for (size_t i = 0; i < vm->n; i++) {
        const ExampleDevice *d = vm->devs[i];
        MigrationDeviceInfo info = {
            .id = d->id,
            .version = d->version,
            .minimum_version = d->minimum_version,
            .visit = d->visit,
            .pause = count_pause,
            .resume = count_resume,
            .state_size = d->state_size,
            .clear = d->clear,
        };

        vm->states[i] = example_device_state_new(d);
        g_hash_table_insert(vm_by_state, vm->states[i], vm);
        if (!migration_register(vm->r, &info, vm->states[i], &err)) {
            fprintf(stderr, "example-vm: %s\n", err->message);
            abort();
        }
    }
    example_vm_randomize(vm, seed);
    return vm;
}

QDict *example_vm_snapshot(ExampleVm *vm)
{
    g_autoptr(GError) err = NULL;
    QDict *snap = migration_snapshot(vm->r, &err);

    if (!snap) {
        fprintf(stderr, "example-vm: %s\n", err->message);
        abort();
    }
    return snap;
}

GByteArray *example_vm_save(ExampleVm *vm, MigrationFormat format)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GError) err = NULL;

    if (!migration_save(vm->r, format, out, NULL, &err)) {
        fprintf(stderr, "example-vm: %s\n", err->message);
        abort();
    }
    return g_steal_pointer(&out);
}

void example_vm_free(ExampleVm *vm)
{
    if (!vm) {
        return;
    }
    migration_registry_free(vm->r);
    for (size_t i = 0; i < vm->n; i++) {
        g_hash_table_remove(vm_by_state, vm->states[i]);
        example_device_state_free(vm->devs[i], vm->states[i]);
    }
    g_free(vm->states);
    g_free((void *)vm->devs);
    g_free(vm);
}
