/*
 * Shared set-up of the libFuzzer targets in fuzz/ (fuzz/fuzz-common.c).
 *
 * Every target links fuzz-common.c, whose LLVMFuzzerInitialize() makes GLib
 * warnings and criticals fatal: a g_return_val_if_fail() reached from input
 * bytes is a bug (STYLE.md section 6), so the fuzzer must report it as a
 * crash, not log it and carry on.
 */
#ifndef QVISIT_FUZZ_COMMON_H
#define QVISIT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <qvisit/qvisit.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Checks the GError contract after a failed call: exactly one error, in the
 * QVISIT_ERROR domain, with a non-empty one-line message. Aborts otherwise
 * and frees @err.
 */
void fuzz_check_error(GError *err);

/*
 * Checks the contract after a call that returned @ok with @err: success
 * sets no error and failure sets one valid error. Frees @err.
 */
void fuzz_check_result(bool ok, GError *err);

#endif /* QVISIT_FUZZ_COMMON_H */
