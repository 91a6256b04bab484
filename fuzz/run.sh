#!/bin/sh
# Runs libFuzzer targets built by `make fuzz`.
#
#   fuzz/run.sh [--smoke] SECONDS TARGET...
#
# Each target runs for SECONDS on a working corpus in build/fuzz/corpus/
# seeded from fuzz/corpus/TARGET/, with fuzz/TARGET.dict when present.
# The full log goes to $FUZZ_LOG_DIR/TARGET.log (default build/fuzz/logs),
# crashing inputs to build/fuzz/artifacts/, and one summary line per target
# to stdout.
# Any crash, leak, sanitizer report, GLib critical, timeout (10 s) or single
# allocation over FUZZ_MALLOC_LIMIT_MB (default 64; no fuzz input is large
# enough to need more) fails the run. --smoke only changes the header line.
set -u
mode=run
if [ "${1:-}" = "--smoke" ]; then
    mode=smoke
    shift
fi
if [ $# -lt 2 ]; then
    echo "usage: fuzz/run.sh [--smoke] SECONDS TARGET..." >&2
    exit 2
fi
secs=$1
shift
malloc_limit=${FUZZ_MALLOC_LIMIT_MB:-64}
logdir=${FUZZ_LOG_DIR:-build/fuzz/logs}
mkdir -p "$logdir" build/fuzz/artifacts
echo "fuzz $mode: ${secs}s per target"
failed=""
for t in "$@"; do
    bin=build/fuzz/$t
    work=build/fuzz/corpus/$t
    log=$logdir/$t.log
    mkdir -p "$work"
    set -- -max_total_time="$secs" -timeout=10 \
        -malloc_limit_mb="$malloc_limit" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t-"
    if [ -f "fuzz/$t.dict" ]; then
        set -- "$@" -dict="fuzz/$t.dict"
    fi
    set -- "$@" "$work"
    if [ -d "fuzz/corpus/$t" ]; then
        set -- "$@" "fuzz/corpus/$t"
    fi
    G_DEBUG=fatal-criticals \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" "$@" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
    if [ $rc -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $rc, see $log)"
        failed="$failed $t"
    fi
    printf '%-28s %10s execs  cov %5s  ft %6s  corpus %5s  %s\n' \
        "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
if [ -n "$failed" ]; then
    echo "fuzz $mode: failed:$failed"
    exit 1
fi
