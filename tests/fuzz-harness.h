/*
 * How each input surface is driven from raw bytes
 * (tests/support/fuzz-harness.c), shared by the libFuzzer targets in fuzz/
 * and the regression suite, so a crashing fuzz input replays in
 * tests/test-regressions.c exactly as the fuzzer ran it.
 *
 * For the walk surfaces the first byte selects: bit 0 applies tight
 * limits (fuzz_harness_tight_limits()); the rest of the byte picks the walk
 * (0: the every-call walk of tests/fuzz-sink.h). The remaining bytes are
 * the input.
 */
#ifndef QVISIT_TESTS_FUZZ_HARNESS_H
#define QVISIT_TESTS_FUZZ_HARNESS_H

#include <qvisit/qvisit.h>

#include "tests/fuzz-sink.h"

/* Limits small enough that short inputs reach every limit check. */
void fuzz_harness_tight_limits(QVisitLimits *limits);

/* qobject_from_json_full() of the whole input with the default limits
 * (@tight false) or the tight ones; returns the value or NULL. */
QObject *fuzz_harness_json(const uint8_t *data, size_t size, bool tight,
                           GError **errp);

/* The JSON input visitor over data[1..]; loads into @s (zeroed by the
 * caller, cleared with fuzz_sink_clear()). */
bool fuzz_harness_json_visitor(const uint8_t *data, size_t size,
                               FuzzSink *s, GError **errp);

/* The QEMUFile input visitor over qemu_fopen_mem(data + 1); loads into @s
 * and sets *@consumed to the bytes read. */
bool fuzz_harness_qemu_file_visitor(const uint8_t *data, size_t size,
                                    FuzzSink *s, size_t *consumed,
                                    GError **errp);

/*
 * Replays @data through the surface named @surface ("json",
 * "json-visitor", "qemu-file-visitor", ...), freeing whatever it loaded.
 * Returns false with *@errp set as the surface failed; an unknown surface
 * name is QVISIT_ERROR_UNKNOWN.
 */
bool fuzz_harness_replay(const char *surface, const uint8_t *data,
                         size_t size, GError **errp);

#endif /* QVISIT_TESTS_FUZZ_HARNESS_H */
