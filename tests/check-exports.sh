#!/bin/sh
# Compares the dynamic symbols the shared library exports with the
# functions declared QVISIT_API in the public headers. Both lists must be
# equal: nothing private leaks, nothing public is missing.
so=$1
hdrdir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$so" | awk '$2 ~ /^[TD]$/ {print $3}' | sort -u \
    > "$tmp/exported"
# Declarations look like: QVISIT_API <type> [*]name(  possibly over lines.
cat "$hdrdir"/*.h | tr '\n' ' ' | grep -o 'QVISIT_API [^;(]*(' |
    sed -e 's/($//' -e 's/.*[ *]//' | sort -u > "$tmp/declared"
if ! cmp -s "$tmp/exported" "$tmp/declared"; then
    echo "check-exports: exported symbols differ from QVISIT_API declarations"
    echo "(< exported only, > declared only)"
    diff "$tmp/exported" "$tmp/declared" | grep '^[<>]'
    exit 1
fi
echo "check-exports: $(wc -l < "$tmp/exported") symbols, all declared"
