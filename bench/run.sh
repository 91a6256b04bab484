#!/bin/sh
# Runs every benchmark binary (build/bench/bench-*) in turn; each prints a
# markdown section for docs/performance.md. BUILD_DIR overrides build/.
build=${BUILD_DIR:-build}
status=0
found=0
for b in "$build"/bench/bench-*; do
    case "$b" in
    *.o | *.d) continue ;;
    esac
    [ -x "$b" ] || continue
    found=1
    echo "### $(basename "$b")"
    echo
    if ! "$b"; then
        echo "bench: $b failed" >&2
        status=1
    fi
    echo
done
if [ "$found" -eq 0 ]; then
    echo "bench: no benchmarks under $build/bench" >&2
    exit 1
fi
exit $status
