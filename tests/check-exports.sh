#!/bin/sh
# Compares the dynamic symbols the shared library exports with the
# functions declared QVISIT_API in the public headers. Both lists must be
# equal: nothing private leaks, nothing public is missing.
# usage: check-exports.sh LIB.so INCLUDE_DIR  (CC and DEPS_CFLAGS from env)
so=$1
incdir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u \
    > "$tmp/exported"
# The preprocessor drops comments; QVISIT_SCAN_EXPORTS turns QVISIT_API
# into a marker that survives it.
for h in "$incdir"/qvisit/*.h; do
    echo "#include <qvisit/$(basename "$h")>"
done > "$tmp/all.c"
${CC:-cc} -E -P -DQVISIT_SCAN_EXPORTS -I"$incdir" $DEPS_CFLAGS "$tmp/all.c" |
    tr '\n' ' ' | grep -o 'QVISIT_EXPORT_MARKER [^;(]*(' |
    sed -e 's/ *($//' -e 's/.*[ *]//' | sort -u > "$tmp/declared"
if ! cmp -s "$tmp/exported" "$tmp/declared"; then
    echo "check-exports: exported symbols differ from QVISIT_API declarations"
    echo "(< exported only, > declared only)"
    diff "$tmp/exported" "$tmp/declared" | grep '^[<>]'
    exit 1
fi
echo "check-exports: $(wc -l < "$tmp/exported") symbols, all declared"
