#!/bin/sh
# Copies the tests' small inputs into the fuzz seed corpora (run by
# `make fuzz-seeds` after build/fuzz/gen-seeds). Files over $MAX bytes are
# left out to keep the committed corpus small; the names say where each
# seed came from.
set -eu
MAX=${FUZZ_SEED_MAX:-65536}

# copy SRC TARGET NAME: copy one file into fuzz/corpus/TARGET/NAME if small.
copy() {
    [ -f "$1" ] || return 0
    size=$(wc -c <"$1")
    [ "$size" -le "$MAX" ] || return 0
    mkdir -p "fuzz/corpus/$2"
    cp "$1" "fuzz/corpus/$2/$3"
}

for d in tests/data/qjson/*/; do
    [ -d "$d" ] || continue
    copy "${d}input" fuzz-json "qjson-$(basename "$d")"
done

# Schema files of every release, as `qvisit schemas` writes them.
if [ -x build/qvisit ]; then
    mkdir -p fuzz/corpus/fuzz-schema
    for rel in 1 2 3; do
        build/qvisit schemas --release $rel \
            "fuzz/corpus/fuzz-schema/release$rel" 2>/dev/null || true
    done
fi

# Block, dirty-bitmap and opaque iterative sections without RAM or
# devices (tests/data/qemu-iter), read with the fixed vmdesc (selector 2)
# and as a full dump (10).
if [ -f tests/data/qemu-iter/small-iterative.mig ]; then
    mkdir -p fuzz/corpus/fuzz-qemu-stream
    { printf '\002'; cat tests/data/qemu-iter/small-iterative.mig; } \
        >fuzz/corpus/fuzz-qemu-stream/qemu-iterative
    { printf '\012'; cat tests/data/qemu-iter/small-iterative.mig; } \
        >fuzz/corpus/fuzz-qemu-stream/qemu-iterative-full
fi

# One real QEMU stream, whole, for the stream reader (own vmdesc).
if [ -f tests/data/qemu/pc-2.3-old.mig ]; then
    mkdir -p fuzz/corpus/fuzz-qemu-stream
    { printf '\000'; cat tests/data/qemu/pc-2.3-old.mig; } \
        >fuzz/corpus/fuzz-qemu-stream/qemu-pc-2.3-old
fi
