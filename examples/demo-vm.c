/*
 * demo-vm: a simulated VM built from the example devices at one release,
 * which can migrate to (or receive from) another release over any
 * migration URI, and save or restore snapshots. examples/run-demo.sh
 * drives it for `make demo`.
 *
 *   demo-vm listen   --release N --uri URI [--uri-file F] [--state-out F]
 *                    [--caps MASK]
 *   demo-vm migrate  --release N --seed S --uri URI [--caps MASK]
 *   demo-vm expect   --release N --seed S --to-release M -o FILE
 *   demo-vm snapshot --release N --seed S --file PATH
 *   demo-vm restore  --release N --seed S --file PATH
 *   demo-vm store-save    --release N --seed S --store DIR --name NAME
 *                         [--lifetime SECONDS]
 *   demo-vm store-restore --release N --seed S --store DIR --name NAME
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-compat.h"
#include "examples/devices/example-devices.h"


typedef struct DemoVM {
    unsigned release;
    size_t n;
    const ExampleDevice *const *devs;
    void **states;
    MigrationRegistry *r;
    CompatRegistry *compat;
} DemoVM;

static unsigned paused;
/* CLOCK_MONOTONIC (one clock for every process of the machine) when the
 * first device paused and when the last one resumed: run-demo.sh takes
 * the source's pause and the destination's resume as the downtime. */
static struct timespec first_pause, last_resume;

static void demo_pause(void *opaque)
{
    (void)opaque;
    if (!paused++) {
        clock_gettime(CLOCK_MONOTONIC, &first_pause);
    }
}

static void demo_resume(void *opaque)
{
    (void)opaque;
    if (!--paused) {
        clock_gettime(CLOCK_MONOTONIC, &last_resume);
    }
}

static void print_clock(const char *what, const struct timespec *ts)
{
    printf("  %s at monotonic %lld.%09ld s\n", what, (long long)ts->tv_sec,
           ts->tv_nsec);
}

/* On failure @vm is still fit for vm_clear(). */
static bool vm_init(DemoVM *vm, unsigned release, uint64_t seed,
                    GError **errp)
{
    memset(vm, 0, sizeof(*vm));
    vm->release = release;
    vm->devs = example_release_devices(release, &vm->n);
    if (!vm->devs) {
        g_set_error(errp, QVISIT_ERROR, QVISIT_ERROR_INVALID,
                    "release %u does not exist (1..%u)", release,
                    EXAMPLE_RELEASE_MAX);
        return false;
    }
    vm->states = g_new0(void *, vm->n);
    vm->r = migration_registry_new();
    vm->compat = compat_registry_new();
    if (!example_compat_register(vm->compat, errp)) {
        return false;
    }
    migration_set_compat(vm->r, vm->compat);
    for (size_t i = 0; i < vm->n; i++) {
        const ExampleDevice *d = vm->devs[i];
        /* Every release loads every older one through the transforms. */
        MigrationDeviceInfo info = {
            .id = d->id,
            .version = d->version,
            .minimum_version = 1,
            .visit = d->visit,
            .pause = demo_pause,
            .resume = demo_resume,
            .state_size = d->state_size,
            .clear = d->clear,
        };

        vm->states[i] = example_device_state_new(d);
        if (seed) {
            d->randomize(vm->states[i], &seed);
        }
        if (!migration_register(vm->r, &info, vm->states[i], errp)) {
            return false;
        }
    }
    return true;
}

static void vm_clear(DemoVM *vm)
{
    for (size_t i = 0; i < vm->n && vm->states; i++) {
        example_device_state_free(vm->devs[i], vm->states[i]);
    }
    g_free(vm->states);
    migration_registry_free(vm->r);
    compat_registry_free(vm->compat);
}

static const ExampleDevice *vm_find(DemoVM *vm, const char *id)
{
    for (size_t i = 0; i < vm->n; i++) {
        if (!strcmp(vm->devs[i]->id, id)) {
            return vm->devs[i];
        }
    }
    return NULL;
}

static void print_release(const char *who, DemoVM *vm)
{
    printf("%s: release %u (", who, vm->release);
    for (size_t i = 0; i < vm->n; i++) {
        printf("%s%s v%" PRIu32, i ? ", " : "", vm->devs[i]->id,
               vm->devs[i]->version);
    }
    printf(")\n");
}

static void print_report(DemoVM *vm, const MigrationReport *rep,
                         const char *verb)
{
    g_autofree char *local = migration_capabilities_to_string(
        migration_query_capabilities(vm->r));
    g_autofree char *caps = migration_capabilities_to_string(
        rep->capabilities);

    printf("  capabilities: this side %s; negotiated %s\n", local, caps);
    printf("  format:       %s\n", migration_format_name(rep->format));
    printf("  %s %" PRIu64 " bytes in %.3f ms\n", verb, rep->bytes,
           rep->duration_ns / 1e6);
}

/* Prints the error and returns the exit status for it. */
static int report_failure(GError *err)
{
    fprintf(stderr, "demo-vm: %s\n", err->message);
    g_error_free(err);
    return 1;
}

static bool write_json(const char *path, QDict *d, GError **errp)
{
    g_autoptr(GString) text = qobject_to_json_pretty(QOBJECT(d), true);

    return migration_write_file_atomic(path, text->str, text->len, errp);
}

static void print_transforms(DemoVM *vm, const MigrationReport *rep)
{
    printf("  %-18s %7s %5s  %s\n", "DEVICE", "SOURCE", "DEST",
           "TRANSFORMS APPLIED");
    for (size_t i = 0; i < rep->n_devices; i++) {
        const MigrationDeviceReport *d = &rep->devices[i];
        g_autoptr(GString) steps = g_string_new(NULL);
        size_t nv = 0;
        g_autofree uint32_t *chain = compat_find_chain(
            vm->compat, d->id, d->stream_version, d->local_version, &nv,
            NULL);

        for (size_t k = 0; chain && k + 1 < nv; k++) {
            g_string_append_printf(steps, "%sv%" PRIu32 "->v%" PRIu32,
                                   k ? ", " : "", chain[k], chain[k + 1]);
        }
        printf("  %-18s %6s%" PRIu32 " %4s%" PRIu32 "  %s\n", d->id, "v",
               d->stream_version, "v", d->local_version,
               steps->len ? steps->str : "-");
    }
}

static int do_listen(DemoVM *vm, const char *uri, const char *uri_file,
                     const char *state_out)
{
    g_autoptr(MigrationListener) l = NULL;
    g_autoptr(MigrationReport) rep = NULL;
    g_autoptr(QDict) snap = NULL;
    GError *err = NULL;

    l = migration_listen(uri, &err);
    if (!l) {
        return report_failure(err);
    }
    print_release("destination", vm);
    printf("  listening on %s\n", migration_listener_get_uri(l));
    fflush(stdout);
    if ((uri_file && !migration_write_file_atomic(
                         uri_file, migration_listener_get_uri(l),
                         strlen(migration_listener_get_uri(l)), &err)) ||
        !migration_listener_accept(l, vm->r, &rep, &err)) {
        return report_failure(err);
    }
    printf("destination: loaded the stream\n");
    print_report(vm, rep, "received");
    print_clock("devices resumed", &last_resume);
    print_transforms(vm, rep);
    if (state_out) {
        snap = migration_snapshot(vm->r, &err);
        if (!snap || !write_json(state_out, snap, &err)) {
            return report_failure(err);
        }
    }
    return 0;
}

static int do_migrate(DemoVM *vm, const char *uri)
{
    g_autoptr(MigrationReport) rep = NULL;
    GError *err = NULL;

    print_release("source", vm);
    printf("  migrating to %s\n", uri);
    if (!migration_outgoing(vm->r, uri, &rep, &err)) {
        return report_failure(err);
    }
    print_report(vm, rep, "sent");
    printf("  devices paused during the save and resumed after it: %s\n",
           paused == 0 ? "yes" : "NO");
    print_clock("devices paused", &first_pause);
    return 0;
}

/* Converts every device of @snap from @vm's versions to @dst's. */
static bool convert_to(DemoVM *vm, DemoVM *dst, QDict *snap, GError **errp)
{
    for (size_t i = 0; i < vm->n; i++) {
        const ExampleDevice *src = vm->devs[i];
        const ExampleDevice *d = vm_find(dst, src->id);
        QDict *state = qobject_to(QDict, qdict_get(snap, src->id));

        if (d && !compat_convert(vm->compat, src->id, state, src->version,
                                 d->version, errp)) {
            return false;
        }
    }
    return true;
}

/* The source's state converted by the transforms to release @to. */
static int do_expect(DemoVM *vm, unsigned to, const char *out)
{
    DemoVM dst;
    g_autoptr(QDict) snap = NULL;
    GError *err = NULL;
    bool ok;

    ok = vm_init(&dst, to, 0, &err) &&
         (snap = migration_snapshot(vm->r, &err)) != NULL &&
         convert_to(vm, &dst, snap, &err) && write_json(out, snap, &err);
    vm_clear(&dst);
    return ok ? 0 : report_failure(err);
}

static int do_snapshot(DemoVM *vm, const char *path)
{
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autoptr(MigrationReport) rep = NULL;
    GError *err = NULL;

    if (!migration_outgoing(vm->r, uri, &rep, &err)) {
        return report_failure(err);
    }
    printf("snapshot: wrote %s (%s, %" PRIu64 " bytes, atomically)\n", path,
           migration_format_name(rep->format), rep->bytes);
    return 0;
}

/* Compares every device with the state @seed gives; prints the result. */
static int check_restored(DemoVM *vm, uint64_t seed)
{
    DemoVM want;
    GError *err = NULL;
    bool same = true;

    if (!vm_init(&want, vm->release, seed, &err)) {
        vm_clear(&want);
        return report_failure(err);
    }
    for (size_t i = 0; i < vm->n; i++) {
        bool eq = vm->devs[i]->equal(vm->states[i], want.states[i]);

        printf("  %-18s %s\n", vm->devs[i]->id,
               eq ? "restored, equal to the saved state" : "DIFFERENT");
        same = same && eq;
    }
    vm_clear(&want);
    printf("restore: %s\n", same ? "every device restored" : "FAILED");
    return same ? 0 : 1;
}

static int do_restore(DemoVM *vm, uint64_t seed, const char *path)
{
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    GError *err = NULL;

    if (!migration_incoming(vm->r, uri, NULL, &err)) {
        return report_failure(err);
    }
    return check_restored(vm, seed);
}

/* A named snapshot in a snapshot store (qvisit/snapshot-store.h). */
static int do_store_save(DemoVM *vm, const char *dir, const char *name,
                         const char *lifetime)
{
    SnapshotCreateOptions o = { .replace = true };
    g_autoptr(SnapshotStore) s = NULL;
    g_autoptr(SnapshotMeta) m = NULL;
    g_autofree char *expires = NULL;
    GError *err = NULL;

    if (lifetime) {
        o.has_lifetime = true;
        o.lifetime = g_ascii_strtoull(lifetime, NULL, 10);
    }
    s = snapshot_store_open(dir, &err);
    if (!s || !snapshot_store_create(s, name, vm->r, &o, &m, &err)) {
        return report_failure(err);
    }
    expires = m->has_lifetime ? snapshot_time_format(m->expires)
                              : g_strdup("never");
    printf("store: snapshot %s of release %u: %s, %" PRIu64
           " bytes, expires %s; devices resumed: %s\n", m->name, vm->release,
           migration_format_name(m->format), m->payload_size, expires,
           paused == 0 ? "yes" : "NO");
    return 0;
}

static int do_store_restore(DemoVM *vm, uint64_t seed, const char *dir,
                            const char *name)
{
    g_autoptr(SnapshotStore) s = NULL;
    GError *err = NULL;

    s = snapshot_store_open_full(dir, 0700, SNAPSHOT_STORE_OPEN_NO_CREATE,
                                 &err);
    if (!s || !snapshot_store_restore(s, name, vm->r, NULL, &err)) {
        return report_failure(err);
    }
    printf("store: restored snapshot %s (checksum verified first)\n", name);
    return check_restored(vm, seed);
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    const char *uri = NULL, *uri_file = NULL, *state_out = NULL;
    const char *file = NULL, *out = NULL;
    const char *caps = NULL;
    const char *store = NULL, *name = NULL, *lifetime = NULL;
    unsigned release = EXAMPLE_RELEASE_MAX, to = 1;
    uint64_t seed = 0;
    DemoVM vm;
    GError *err = NULL;
    int ret;

    for (int i = 2; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];

        if (!strcmp(o, "--release")) {
            release = atoi(v);
        } else if (!strcmp(o, "--to-release")) {
            to = atoi(v);
        } else if (!strcmp(o, "--seed")) {
            seed = g_ascii_strtoull(v, NULL, 0);
        } else if (!strcmp(o, "--uri")) {
            uri = v;
        } else if (!strcmp(o, "--uri-file")) {
            uri_file = v;
        } else if (!strcmp(o, "--state-out")) {
            state_out = v;
        } else if (!strcmp(o, "--file")) {
            file = v;
        } else if (!strcmp(o, "-o")) {
            out = v;
        } else if (!strcmp(o, "--caps")) {
            caps = v;
        } else if (!strcmp(o, "--store")) {
            store = v;
        } else if (!strcmp(o, "--name")) {
            name = v;
        } else if (!strcmp(o, "--lifetime")) {
            lifetime = v;
        } else {
            fprintf(stderr, "demo-vm: unknown option '%s'\n", o);
            return 2;
        }
    }
    /* A destination, and a VM a store snapshot is restored into, start
     * blank. */
    if (!vm_init(&vm, release,
                 strcmp(cmd, "listen") && strcmp(cmd, "store-restore")
                     ? seed : 0,
                 &err)) {
        fprintf(stderr, "demo-vm: %s\n", err->message);
        g_error_free(err);
        vm_clear(&vm);
        return 1;
    }
    if (caps) {
        uint64_t mask;

        if (!migration_capabilities_from_string(caps, &mask, &err)) {
            fprintf(stderr, "demo-vm: %s\n", err->message);
            g_error_free(err);
            vm_clear(&vm);
            return 2;
        }
        /* set-migration-capabilities */
        migration_set_capabilities(vm.r, mask);
    }
    if (!strcmp(cmd, "listen") && uri) {
        ret = do_listen(&vm, uri, uri_file, state_out);
    } else if (!strcmp(cmd, "migrate") && uri) {
        ret = do_migrate(&vm, uri);
    } else if (!strcmp(cmd, "expect") && out) {
        ret = do_expect(&vm, to, out);
    } else if (!strcmp(cmd, "snapshot") && file) {
        ret = do_snapshot(&vm, file);
    } else if (!strcmp(cmd, "restore") && file) {
        ret = do_restore(&vm, seed, file);
    } else if (!strcmp(cmd, "store-save") && store && name) {
        ret = do_store_save(&vm, store, name, lifetime);
    } else if (!strcmp(cmd, "store-restore") && store && name) {
        ret = do_store_restore(&vm, seed, store, name);
    } else {
        fprintf(stderr, "usage: demo-vm listen|migrate|expect|snapshot|"
                        "restore|store-save|store-restore [--release N] "
                        "[--seed S] [--uri URI] [--uri-file F] "
                        "[--state-out F] [--to-release M] [-o F] [--file F] "
                        "[--store DIR] [--name NAME] [--lifetime S]\n");
        ret = 2;
    }
    vm_clear(&vm);
    return ret;
}

