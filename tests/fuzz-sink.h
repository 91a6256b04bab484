/*
 * A walk that uses every visit call (tests/support/fuzz-sink.c), so the visitor
 * targets reach strings, optionals, nested arrays and counted arrays even
 * where no example device has them.
 *
 * The counted array shows the rule for counts read from a stream: the walk
 * checks the count against the declared capacity before visiting any
 * element, so a corrupt count cannot make it write out of bounds.
 */
#ifndef QVISIT_FUZZ_SINK_H
#define QVISIT_FUZZ_SINK_H

#include <qvisit/qvisit.h>

#define FUZZ_SINK_ITEMS_MAX 8

typedef struct FuzzSinkItem {
    uint8_t tag;
    char *label;
} FuzzSinkItem;

typedef struct FuzzSink {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    bool flag;
    double number;
    char *name;
    uint8_t mac[6];
    uint8_t regs8[4];
    uint16_t regs16[3];
    uint32_t regs32[2];
    uint64_t regs64[2];
    bool has_extra;
    uint32_t extra;
    FuzzSinkItem pair[2];
    uint32_t count;
    FuzzSinkItem items[FUZZ_SINK_ITEMS_MAX];
} FuzzSink;

/* Walks @s as the struct "sink". */
bool fuzz_sink_visit(Visitor *v, FuzzSink *s, GError **errp);

/* Field-by-field equality (strings by content, extra only when present). */
bool fuzz_sink_equal(const FuzzSink *a, const FuzzSink *b);

/* Frees the strings @s points to and zeroes it. */
void fuzz_sink_clear(FuzzSink *s);

/* A valid state with every member set, for seed corpora. */
void fuzz_sink_example(FuzzSink *s);

#endif /* QVISIT_FUZZ_SINK_H */
