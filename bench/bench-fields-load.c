/*
 * Field-by-field load benchmark: the final visitor walk of the example
 * devices through a QEMUFile input visitor against their legacy
 * qemu_get_*() load code, on the same streams, in the same process: the
 * load-side counterpart of bench-fields.c.
 *
 * The streams are each device's legacy save of 64 random states, one
 * memory buffer per device. Each round loads every state of every device
 * once from a qemu_fopen_mem() file over its device's buffer into a
 * scratch state, as a device's load does: the legacy loads decode into a
 * scratch copy and commit on success (their own code), the visitor run
 * walks a new qemu_file_input_visitor_new() per state into a state the
 * round reuses (the migration core also walks into a ready state). Legacy
 * and visitor rounds alternate and the best of several batches is kept.
 * Prints markdown rows for docs/performance.md ("## Field-by-field load").
 * Usage:
 *     build/bench/bench-fields-load [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-devices.h"

#define STATES_PER_DEVICE 64
#define BATCHES 31
#define MAX_DEVICES 16

typedef enum { RUN_LEGACY, RUN_VISITOR, RUN_COUNT } RunKind;

typedef struct Bench {
    const ExampleDevice *const *devs;
    size_t ndevs;
    GByteArray *streams[MAX_DEVICES];   /* 64 legacy saves each */
    void *into[MAX_DEVICES];            /* the state a load writes */
} Bench;

static void die(const char *what, const ExampleDevice *dev)
{
    fprintf(stderr, "bench-fields-load: %s: %s\n", dev->id, what);
    exit(1);
}

/*
 * One round: every state of every device (or of device @only when it is
 * not -1), loaded with @kind. Returns the bytes read.
 */
static size_t run_round(Bench *b, RunKind kind, int only)
{
    size_t total = 0;

    for (size_t d = 0; d < b->ndevs; d++) {
        const ExampleDevice *dev = b->devs[d];
        QEMUFile *f;

        if (only >= 0 && d != (size_t)only) {
            continue;
        }
        f = qemu_fopen_mem(b->streams[d]->data, b->streams[d]->len);
        for (int i = 0; i < STATES_PER_DEVICE; i++) {
            if (kind == RUN_LEGACY) {
                if (dev->load_legacy(f, b->into[d], dev->version) != 0) {
                    die("legacy load failed", dev);
                }
            } else {
                /* What a converted device's load does: one walk each. */
                Visitor *v = qemu_file_input_visitor_new(f);

                if (!dev->visit(v, b->into[d], NULL) ||
                    !visit_complete(v, NULL)) {
                    die("input walk failed", dev);
                }
                visit_free(v);
            }
        }
        total += qemu_file_transferred(f);
        if (qemu_file_transferred(f) != b->streams[d]->len) {
            die("stream not read to its end", dev);
        }
        qemu_fclose(f);
    }
    return total;
}

/* Best time in µs of @rounds rounds of each kind, over BATCHES batches. */
static void measure(Bench *b, unsigned rounds, int only, double *best)
{
    for (int k = 0; k < RUN_COUNT; k++) {
        best[k] = 1e30;
    }
    for (int batch = 0; batch < BATCHES; batch++) {
        for (int k = 0; k < RUN_COUNT; k++) {
            gint64 t0 = g_get_monotonic_time();

            for (unsigned r = 0; r < rounds; r++) {
                run_round(b, k, only);
            }
            best[k] = MIN(best[k], (double)(g_get_monotonic_time() - t0));
        }
    }
}

/* The last state loaded must be the last state saved, both ways. */
static void check_loads(Bench *b, void *last[MAX_DEVICES])
{
    for (int k = 0; k < RUN_COUNT; k++) {
        for (size_t d = 0; d < b->ndevs; d++) {
            b->devs[d]->clear(b->into[d]);
            memset(b->into[d], 0, b->devs[d]->state_size);
        }
        run_round(b, k, -1);
        for (size_t d = 0; d < b->ndevs; d++) {
            if (!b->devs[d]->equal(b->into[d], last[d])) {
                die(k == RUN_LEGACY ? "legacy load differs"
                                    : "input walk differs", b->devs[d]);
            }
        }
    }
}

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100;
    Bench b = { 0 };
    void *last[MAX_DEVICES] = { NULL };
    uint64_t seed = 42;
    double best[RUN_COUNT];
    size_t bytes;

    b.devs = example_release_devices(EXAMPLE_RELEASE_MAX, &b.ndevs);
    if (b.ndevs > MAX_DEVICES) {
        fprintf(stderr, "bench-fields-load: too many devices\n");
        return 1;
    }
    for (size_t d = 0; d < b.ndevs; d++) {
        const ExampleDevice *dev = b.devs[d];
        QEMUFile *f;

        b.streams[d] = g_byte_array_new();
        f = qemu_fopen_bytearray(b.streams[d]);
        for (int i = 0; i < STATES_PER_DEVICE; i++) {
            void *s = example_device_state_new(dev);

            dev->randomize(s, &seed);
            dev->save_legacy(f, s);
            if (i == STATES_PER_DEVICE - 1) {
                last[d] = s;
            } else {
                example_device_state_free(dev, s);
            }
        }
        if (qemu_fclose(f) != 0) {
            die("qemu_fclose failed", dev);
        }
        b.into[d] = example_device_state_new(dev);
    }

    /* Warm up, and check both loads restore the saved states. */
    check_loads(&b, last);
    bytes = run_round(&b, RUN_LEGACY, -1);

    measure(&b, rounds, -1, best);

    double mb = (double)bytes * rounds / 1e6;
    printf("| benchmark | legacy qemu_get_* | input visitor walk | ratio "
           "(visitor / legacy, target <= 1.15) |\n");
    printf("|---|---|---|---|\n");
    printf("| field-by-field load, new input visitor per device | %.1f ms "
           "(%.0f MB/s) | %.1f ms (%.0f MB/s) | %.2f |\n",
           best[RUN_LEGACY] / 1e3, mb / (best[RUN_LEGACY] / 1e6),
           best[RUN_VISITOR] / 1e3, mb / (best[RUN_VISITOR] / 1e6),
           best[RUN_VISITOR] / best[RUN_LEGACY]);
    for (size_t d = 0; d < b.ndevs; d++) {
        measure(&b, rounds, d, best);
        printf("| %s v%u only | %.2f ms | %.2f ms | %.2f |\n",
               b.devs[d]->id, b.devs[d]->version, best[RUN_LEGACY] / 1e3,
               best[RUN_VISITOR] / 1e3,
               best[RUN_VISITOR] / best[RUN_LEGACY]);
    }
    printf("\n%zu devices (release %d) x %d random states = %zu bytes per "
           "round, %u rounds, best of %d batches.\n", b.ndevs,
           EXAMPLE_RELEASE_MAX, STATES_PER_DEVICE, bytes, rounds, BATCHES);

    for (size_t d = 0; d < b.ndevs; d++) {
        example_device_state_free(b.devs[d], last[d]);
        example_device_state_free(b.devs[d], b.into[d]);
        g_byte_array_unref(b.streams[d]);
    }
    return 0;
}
