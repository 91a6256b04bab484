/*
 * libFuzzer target: the schema reader of `qvisit compat-check`: a schemas
 * file (or a bare schema) parsed as JSON, each device's schema turned into
 * its sample state with compat_schema_sample() and checked with
 * compat_schema_check() (fuzz_harness_schema()).
 *
 * Oracle: the sample built from a schema matches that schema, so the only
 * acceptable failures are in the text or the schema itself, never
 * "sample does not match".
 */
#include "fuzz/fuzz-common.h"
#include "tests/fuzz-harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    bool ok = fuzz_harness_schema(data, size, &err);

    fuzz_check_result(ok, err);
    return 0;
}
