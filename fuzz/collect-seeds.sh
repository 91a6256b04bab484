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
