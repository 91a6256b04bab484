/*
 * The test device (tests/support/test-device.c): one walk that makes
 * every kind of visit call (each integer width, bool, number, string,
 * buffer, both native arrays, an array of structs, an optional member),
 * so each visitor and wire format is exercised on every primitive. The
 * suites of the visitors, the describe visitor, the binary encoding,
 * the migration formats, the transports and the snapshot store use it.
 * Two versions: v2 may carry the optional "extra" that v1 lacks.
 */
#ifndef QVISIT_TESTS_TEST_DEVICE_H
#define QVISIT_TESTS_TEST_DEVICE_H

#include "qvisit/qvisit.h"

typedef struct TDevChannel {
    uint16_t count;
    int8_t mode;
} TDevChannel;

typedef struct TDev {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    bool flag;
    double ratio;
    char *label;
    uint8_t mac[6];
    uint32_t regs[4];
    uint8_t cmos[16];
    TDevChannel ch[3];
    bool has_extra;
    uint32_t extra;
    int paused;     /* not migrated: pause/resume balance */
    int resumed;
} TDev;

/* Walks one channel as the struct @name (NULL in an array). */
bool tdev_channel_visit(Visitor *v, const char *name, TDevChannel *c,
                        GError **errp);

/* Walks @opaque, a TDev, as the struct "tdev". An input walk replaces
 * label, freeing the old one; an output walk leaves it to the caller. */
bool tdev_visit(Visitor *v, void *opaque, GError **errp);

/* Frees the label of @opaque, a TDev, and sets it to NULL. */
void tdev_clear(void *opaque);

/* Pause and resume hooks: count the calls in paused and resumed. */
void tdev_pause(void *opaque);
void tdev_resume(void *opaque);

/* A state from @seed, every member set (extra present for even seeds);
 * free its label with tdev_clear(). */
void tdev_fill(TDev *s, unsigned seed);

/* Member-by-member equality; extra only where present. */
bool tdev_equal(const TDev *a, const TDev *b);

/* The registration of a TDev as @id, @instance_id: version 2, minimum
 * version 1, every hook, a scratch layout. */
MigrationDeviceInfo tdev_info(const char *id, uint32_t instance_id);

/* Saves @r's devices in the legacy, binary and JSON formats as the files
 * s.legacy, s.bin and s.json of folder @dir; false when one cannot be
 * saved or written. */
bool tdev_write_streams(MigrationRegistry *r, const char *dir);

#endif /* QVISIT_TESTS_TEST_DEVICE_H */
