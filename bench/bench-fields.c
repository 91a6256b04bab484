/*
 * Field-by-field benchmark: the final visitor walk of the example devices
 * into a memory QEMUFile against their legacy qemu_put_*() code, on the
 * same random states, in the same process.
 *
 * Each round saves every state of every device once into one
 * qemu_fopen_bytearray() file; legacy and visitor rounds alternate so
 * both see the same cache and frequency conditions, and the best of
 * several batches is kept for each. Prints markdown rows for
 * docs/performance.md ("## Field-by-field"). Usage:
 *     build/bench/bench-fields [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qvisit/qvisit.h>

#include "examples/devices/example-devices.h"

#define STATES_PER_DEVICE 64
#define BATCHES 31

typedef enum { RUN_LEGACY, RUN_VISITOR, RUN_BOUND, RUN_COUNT } RunKind;

typedef struct Bench {
    const ExampleDevice *const *devs;
    size_t ndevs;
    void *states[16][STATES_PER_DEVICE];
    GByteArray *out;
} Bench;

/*
 * One round: every state of every device (or only of device @only when it
 * is not -1), saved with @kind.
 */
static size_t run_round(Bench *b, RunKind kind, int only)
{
    QEMUFile *f;
    size_t len;

    g_byte_array_set_size(b->out, 0);
    f = qemu_fopen_bytearray(b->out);
    for (size_t d = 0; d < b->ndevs; d++) {
        const ExampleDevice *dev = b->devs[d];

        if (only >= 0 && d != (size_t)only) {
            continue;
        }

        for (int i = 0; i < STATES_PER_DEVICE; i++) {
            void *s = b->states[d][i];

            if (kind == RUN_LEGACY) {
                dev->save_legacy(f, s);
            } else if (kind == RUN_VISITOR) {
                /* What a converted device's save does: one walk each. */
                Visitor *v = qemu_file_output_visitor_new(f);

                if (!dev->visit(v, s, NULL) || !visit_complete(v, NULL)) {
                    fprintf(stderr, "bench-fields: %s walk failed\n",
                            dev->id);
                    exit(1);
                }
                visit_free(v);
            } else {
                if (!dev->visit(qemu_file_get_visitor(f), s, NULL)) {
                    fprintf(stderr, "bench-fields: %s walk failed\n",
                            dev->id);
                    exit(1);
                }
            }
        }
    }
    if (qemu_fclose(f) != 0) {
        fprintf(stderr, "bench-fields: qemu_fclose failed\n");
        exit(1);
    }
    len = b->out->len;
    return len;
}

/* Best time in µs of @rounds rounds of @kind, over BATCHES batches. */
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

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100;
    Bench b = { 0 };
    uint64_t seed = 42;
    double best[RUN_COUNT];
    size_t bytes[RUN_COUNT] = { 0 };
    size_t fields_bytes;

    b.devs = example_release_devices(EXAMPLE_RELEASE_MAX, &b.ndevs);
    b.out = g_byte_array_sized_new(1 << 20);
    for (size_t d = 0; d < b.ndevs; d++) {
        for (int i = 0; i < STATES_PER_DEVICE; i++) {
            b.states[d][i] = example_device_state_new(b.devs[d]);
            b.devs[d]->randomize(b.states[d][i], &seed);
        }
    }

    /* Warm up, and check the three runs write the same bytes. */
    for (int k = 0; k < RUN_COUNT; k++) {
        bytes[k] = run_round(&b, k, -1);
    }
    if (bytes[RUN_VISITOR] != bytes[RUN_LEGACY] ||
        bytes[RUN_BOUND] != bytes[RUN_LEGACY]) {
        fprintf(stderr, "bench-fields: stream sizes differ\n");
        return 1;
    }
    fields_bytes = bytes[RUN_LEGACY];

    measure(&b, rounds, -1, best);

    double mb = (double)fields_bytes * rounds / 1e6;
    printf("| benchmark | legacy qemu_put_* | visitor walk | ratio "
           "(visitor / legacy, target <= 1.15) |\n");
    printf("|---|---|---|---|\n");
    printf("| field-by-field, new output visitor per device | %.1f ms "
           "(%.0f MB/s) | %.1f ms (%.0f MB/s) | %.2f |\n",
           best[RUN_LEGACY] / 1e3, mb / (best[RUN_LEGACY] / 1e6),
           best[RUN_VISITOR] / 1e3, mb / (best[RUN_VISITOR] / 1e6),
           best[RUN_VISITOR] / best[RUN_LEGACY]);
    printf("| field-by-field, qemu_file_get_visitor() | %.1f ms "
           "(%.0f MB/s) | %.1f ms (%.0f MB/s) | %.2f |\n",
           best[RUN_LEGACY] / 1e3, mb / (best[RUN_LEGACY] / 1e6),
           best[RUN_BOUND] / 1e3, mb / (best[RUN_BOUND] / 1e6),
           best[RUN_BOUND] / best[RUN_LEGACY]);
    for (size_t d = 0; d < b.ndevs; d++) {
        measure(&b, rounds, d, best);
        printf("| %s v%u only, new visitor / bound | %.2f ms | %.2f / "
               "%.2f ms | %.2f / %.2f |\n", b.devs[d]->id,
               b.devs[d]->version, best[RUN_LEGACY] / 1e3,
               best[RUN_VISITOR] / 1e3, best[RUN_BOUND] / 1e3,
               best[RUN_VISITOR] / best[RUN_LEGACY],
               best[RUN_BOUND] / best[RUN_LEGACY]);
    }
    printf("\n%zu devices (release %d) x %d random states = %zu bytes per "
           "round, %u rounds, best of %d batches.\n", b.ndevs,
           EXAMPLE_RELEASE_MAX, STATES_PER_DEVICE, fields_bytes, rounds,
           BATCHES);

    for (size_t d = 0; d < b.ndevs; d++) {
        for (int i = 0; i < STATES_PER_DEVICE; i++) {
            example_device_state_free(b.devs[d], b.states[d][i]);
        }
    }
    g_byte_array_unref(b.out);
    return 0;
}
