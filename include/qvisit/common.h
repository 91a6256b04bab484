/*
 * qvisit common definitions: export macro and version.
 *
 * Every public function is declared with QVISIT_API. The library is built
 * with -fvisibility=hidden, so only QVISIT_API symbols leave the shared
 * object; `make check` verifies the exported set against the headers.
 */
#ifndef QVISIT_COMMON_H
#define QVISIT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(QVISIT_SCAN_EXPORTS)
/* tests/check-exports.sh preprocesses the headers to list the API. */
#define QVISIT_API QVISIT_EXPORT_MARKER
#elif defined(__GNUC__) || defined(__clang__)
#define QVISIT_API __attribute__((visibility("default")))
#else
#define QVISIT_API
#endif

#define QVISIT_VERSION_MAJOR 0
#define QVISIT_VERSION_MINOR 1
#define QVISIT_VERSION_MICRO 0
#define QVISIT_VERSION_STRING "0.1.0"

#endif /* QVISIT_COMMON_H */
