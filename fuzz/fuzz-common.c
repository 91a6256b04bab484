/* Shared set-up of the libFuzzer targets; see fuzz/fuzz-common.h. */
#include "fuzz/fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* A critical from input bytes is a crash, whatever G_DEBUG says. */
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL |
                           G_LOG_LEVEL_WARNING);
    return 0;
}

void fuzz_check_error(GError *err)
{
    if (!err) {
        fprintf(stderr, "fuzz: call failed without setting an error\n");
        abort();
    }
    if (err->domain != QVISIT_ERROR) {
        fprintf(stderr, "fuzz: error outside QVISIT_ERROR: %s: %s\n",
                g_quark_to_string(err->domain), err->message);
        abort();
    }
    if (!err->message[0] || strchr(err->message, '\n')) {
        fprintf(stderr, "fuzz: empty or multi-line message: '%s'\n",
                err->message);
        abort();
    }
    g_error_free(err);
}

void fuzz_check_result(bool ok, GError *err)
{
    if (ok) {
        if (err) {
            fprintf(stderr, "fuzz: call succeeded but set an error: %s\n",
                    err->message);
            abort();
        }
        return;
    }
    fuzz_check_error(err);
}
