#!/bin/sh
# Runs each CUnit suite binary as its own process (under $TEST_WRAPPER if
# set) and fails if any suite fails. Prints a closing summary line.
pass=0
fail=0
failed=""
for t in "$@"; do
    if $TEST_WRAPPER "$t"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $t"
    fi
done
echo
echo "suites: $pass passed, $fail failed"
if [ "$fail" -ne 0 ]; then
    echo "failed suites:$failed"
    exit 1
fi
