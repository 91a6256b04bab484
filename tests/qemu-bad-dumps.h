/*
 * Native dumps of real streams (tests/data/qemu/) with one member
 * changed so that `encode --qemu` must refuse them
 * (tests/support/qemu-bad-dumps.c): shared by the library suite, which
 * checks the error code and message, and the CLI suite, which checks the
 * exit status, the message and that nothing is written.
 */
#ifndef QVISIT_TESTS_QEMU_BAD_DUMPS_H
#define QVISIT_TESTS_QEMU_BAD_DUMPS_H

#include <qvisit/qvisit.h>

typedef struct QemuBadDump {
    const char *stream;     /* NAME of tests/data/qemu/NAME.mig */
    const char *path;       /* member to set: "records[1].ram[0].fill" */
    const char *json;       /* its new value */
    QObject *(*make)(void); /* or a builder for values too long to type */
    int code;
    const char *msg;
} QemuBadDump;

extern const QemuBadDump qemu_bad_dumps[];
extern const size_t qemu_bad_dumps_count;

/* The full (ram_full) native dump of tests/data/qemu/@name.mig. */
QObject *qemu_full_dump(const char *name);

/*
 * Sets the member or element at @path ("a.b[2].c"; keys hold no '.' or
 * '[') of @root to @value (transfer full); an index equal to a list's
 * size appends. Returns false, unreferencing @value, when the path does
 * not lead to a container.
 */
bool qobject_set_path(QObject *root, const char *path, QObject *value);

/* The dump of case @c: qemu_full_dump() of its stream with its member
 * set; NULL when the path does not exist. */
QObject *qemu_bad_dump_build(const QemuBadDump *c);

#endif /* QVISIT_TESTS_QEMU_BAD_DUMPS_H */
