/*
 * How each input surface is driven from raw bytes
 * (tests/support/fuzz-harness.c), shared by the libFuzzer targets in fuzz/
 * and the regression suite, so a crashing fuzz input replays in
 * tests/test-regressions.c exactly as the fuzzer ran it.
 *
 * For the walk surfaces the first input byte is a selector and the rest
 * the input:
 *   bit 0      tight limits (fuzz_harness_tight_limits())
 *   bits 1-2   QEMUFile surface only: 1 runs the device's legacy load,
 *              2 its mid-conversion load, 0 and 3 the visitor walk
 *   bits 3-7   the walk: 0 the every-call walk of tests/fuzz-sink.h, k the
 *              example device entry (k - 1) mod n of example_devices_all()
 */
#ifndef QVISIT_TESTS_FUZZ_HARNESS_H
#define QVISIT_TESTS_FUZZ_HARNESS_H

#include <qvisit/qvisit.h>

#include "examples/devices/example-devices.h"
#include "tests/fuzz-sink.h"

typedef enum {
    FUZZ_MODE_VISIT,
    FUZZ_MODE_LEGACY,
    FUZZ_MODE_MID,
} FuzzMode;

/* What one run loaded: the sink (dev NULL) or a device state. */
typedef struct FuzzLoaded {
    const ExampleDevice *dev;
    FuzzMode mode;
    FuzzSink sink;
    void *state;
    size_t consumed;    /* QEMUFile surface: bytes read */
} FuzzLoaded;

/* Limits small enough that short inputs reach every limit check. */
void fuzz_harness_tight_limits(QVisitLimits *limits);

/* Sets up @l for the walk selector @sel with a zeroed state. */
void fuzz_loaded_init(FuzzLoaded *l, uint8_t sel);

/* Walks @l's state (sink or device) with @v. */
bool fuzz_loaded_visit(FuzzLoaded *l, Visitor *v, GError **errp);

/* Whether two loads of the same walk hold equal states. */
bool fuzz_loaded_equal(const FuzzLoaded *a, const FuzzLoaded *b);

/* Whether @l's state is still all zero, as fuzz_loaded_init() left it. */
bool fuzz_loaded_is_pristine(const FuzzLoaded *l);

/* Frees what @l holds. */
void fuzz_loaded_clear(FuzzLoaded *l);

/* qobject_from_json_full() of the whole input with the default limits
 * (@tight false) or tight ones; returns the value or NULL. */
QObject *fuzz_harness_json(const uint8_t *data, size_t size, bool tight,
                           GError **errp);

/* The JSON input visitor over data[1..]; fills @l (the caller clears it). */
bool fuzz_harness_json_visitor(const uint8_t *data, size_t size,
                               FuzzLoaded *l, GError **errp);

/* The QEMUFile surface over qemu_fopen_mem(data + 1); fills @l and
 * l->consumed. A legacy or mid load failing with -errno is reported as
 * QVISIT_ERROR_FAILED "legacy load: <strerror>". */
bool fuzz_harness_qemu_file_visitor(const uint8_t *data, size_t size,
                                    FuzzLoaded *l, GError **errp);

/* The self-describing binary visitor over data[1..] (binary_input_visitor_new
 * with tight limits when bit 0 is set); fills @l. */
bool fuzz_harness_binary_visitor(const uint8_t *data, size_t size,
                                 FuzzLoaded *l, GError **errp);

/* binary_decode() of data[1..] (tight limits when bit 0 is set). */
QObject *fuzz_harness_binary_decode(const uint8_t *data, size_t size,
                                    size_t *consumed, GError **errp);

/*
 * The QEMU stream reader over data[1..]. Selector bits 0-1: where the
 * description comes from (0 and 3 the stream's own, read through
 * qemu_stream_dump_fd() on a memfd; 1 none; 2 @fixed_vmdesc); bit 2
 * analyze_compat; bit 3 ram_full; bit 4 tight limits.
 */
QObject *fuzz_harness_qemu_stream(const uint8_t *data, size_t size,
                                  const QObject *fixed_vmdesc,
                                  GError **errp);

/* The description bit-0-1 value 2 of fuzz_harness_qemu_stream() uses. */
#define FUZZ_FIXED_VMDESC "tests/data/qemu/pc-nodefaults.desc.json"

/* A schemas file (or a bare schema): every device schema through
 * compat_schema_sample() and compat_schema_check() of the sample. */
bool fuzz_harness_schema(const uint8_t *data, size_t size, GError **errp);

/*
 * Replays @data through the surface named @surface ("json",
 * "json-visitor", "qemu-file-visitor", "binary", "binary-visitor",
 * "migration-load" (into the example VM of the last release, seed 7),
 * "qemu-stream", "schema"), freeing whatever it loaded.
 * Returns false with *@errp set as the surface failed; an unknown surface
 * name is QVISIT_ERROR_UNKNOWN.
 */
bool fuzz_harness_replay(const char *surface, const uint8_t *data,
                         size_t size, GError **errp);

#endif /* QVISIT_TESTS_FUZZ_HARNESS_H */
