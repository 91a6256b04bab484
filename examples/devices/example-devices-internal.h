/*
 * Helpers shared by the example devices (one .c file per device) and the
 * catalog entries each device file defines. Not installed.
 */
#ifndef QVISIT_EXAMPLE_DEVICES_INTERNAL_H
#define QVISIT_EXAMPLE_DEVICES_INTERNAL_H

#include <errno.h>

#include "examples/devices/example-devices.h"

#include "qvisit/qemu-file-visitor.h"

/* The catalog entries, defined in the device files. */
extern const ExampleDevice example_serial_v1;
extern const ExampleDevice example_serial_v2;
extern const ExampleDevice example_serial_v3;
extern const ExampleDevice example_pit;
extern const ExampleDevice example_rtc;
extern const ExampleDevice example_e1000_v1;
extern const ExampleDevice example_e1000_v2;
extern const ExampleDevice example_e1000_v3;
extern const ExampleDevice example_virtio_net_queues;
extern const ExampleDevice example_ps2kbd;

/* Deterministic PRNG (xorshift64*) for randomize(); never returns 0 state. */
uint64_t example_devices__rand(uint64_t *seed);

/* Fills @len bytes at @buf from the PRNG. */
void example_devices__rand_bytes(uint64_t *seed, void *buf, size_t len);

/*
 * Checks min <= got <= max for a count or index read from input. On
 * failure sets QVISIT_ERROR_RANGE "<path>: expected <min>..<max>, got
 * <got>" and returns false. The path is formatted from @path_fmt only on
 * failure and is the full field path ("virtio-net-queues.num_queues"):
 * the public visitor API does not expose the visitor's own path.
 */
bool example_devices__check_range(int64_t got, int64_t min, int64_t max,
                                  GError **errp, const char *path_fmt, ...)
    G_GNUC_PRINTF(5, 6);

/*
 * Legacy bool: one byte that must be 0 or 1, as the binary visitors
 * require. Returns 0, or -EINVAL for another byte (and leaves *@b).
 */
int example_devices__get_bool(QEMUFile *f, bool *b);

/*
 * What a legacy load returns for a value it rejects: the file's sticky
 * error when the stream already failed (a truncated stream reads zeros,
 * which may be what failed the check), else -EINVAL.
 */
int example_devices__invalid(QEMUFile *f);

/*
 * The end of a legacy or mid load: the file's sticky error if any (-EIO
 * for a truncated stream), else -EINVAL when @err is set, else 0. Frees
 * @err.
 */
int example_devices__load_result(QEMUFile *f, GError *err);

/*
 * The end of a mid-conversion save: a visitor error (which a correct walk
 * into memory never has) becomes the file's sticky error, so the caller
 * sees it from qemu_fclose(). Frees @err.
 */
void example_devices__save_result(QEMUFile *f, GError *err);

#endif /* QVISIT_EXAMPLE_DEVICES_INTERNAL_H */
