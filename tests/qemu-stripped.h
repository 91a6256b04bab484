/*
 * Committed QEMU streams without their vmdesc, as QEMU writes them with
 * suppress-vmdesc=on (tests/support/qemu-stripped.c): shared by the
 * library suite of the built-in QEMU devices and the CLI suites that
 * check each command on such streams.
 */
#ifndef QVISIT_TESTS_QEMU_STRIPPED_H
#define QVISIT_TESTS_QEMU_STRIPPED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The committed streams (NAME of tests/data/qemu/NAME.mig) that have a
 * vmdesc, NULL-terminated: all but pc-suppress-vmdesc (no vmdesc). All
 * have section footers but pc-2.3-old, the last. */
extern const char *const test_qemu_stripped_streams[];

/* The length of @data without its vmdesc record (0x06, be32 N, N bytes
 * of text at the very end after the EOF byte), or @len if it has none. */
size_t test_qemu_stripped_len(const uint8_t *data, size_t len);

/* Writes tests/data/qemu/@name.mig without its vmdesc to @path; false
 * (after a CUnit failure) if it cannot. */
bool test_qemu_write_stripped(const char *name, const char *path);

#endif /* QVISIT_TESTS_QEMU_STRIPPED_H */
