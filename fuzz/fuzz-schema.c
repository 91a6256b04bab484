/*
 * libFuzzer target: the schema reader of `qvisit compat-check`: a schemas
 * file (or a bare schema) parsed as JSON, each device's schema turned into
 * its sample state with compat_schema_sample() and checked with
 * compat_schema_check().
 *
 * Oracle: the sample built from a schema must match that schema.
 */
#include "fuzz/fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>

static void fuzz_one_schema(const QObject *schema)
{
    GError *err = NULL;
    QObject *sample = compat_schema_sample(schema, &err);

    fuzz_check_result(sample != NULL, err);
    if (sample) {
        err = NULL;
        if (!compat_schema_check(schema, sample, &err)) {
            fprintf(stderr, "fuzz: a schema's sample does not match it: "
                    "%s\n", err->message);
            abort();
        }
        qobject_unref(sample);
    }
    /* A schema checked as a state: any outcome, but a clean one. */
    err = NULL;
    fuzz_check_result(compat_schema_check(schema, schema, &err), err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = size ? (const char *)data : "";
    GError *err = NULL;
    QObject *root = qobject_from_json_full(text, size, NULL, &err);
    QDict *top;
    QList *devices;

    fuzz_check_result(root != NULL, err);
    if (!root) {
        return 0;
    }
    top = qobject_to(QDict, root);
    devices = top ? qobject_to(QList, qdict_get(top, "devices")) : NULL;
    if (devices) {
        for (size_t i = 0; i < qlist_size(devices); i++) {
            QDict *d = qobject_to(QDict, qlist_get(devices, i));
            QObject *schema = d ? qdict_get(d, "schema") : NULL;

            if (schema) {
                fuzz_one_schema(schema);
            }
        }
    } else {
        fuzz_one_schema(root);
    }
    qobject_unref(root);
    return 0;
}
