#!/bin/sh
# Installs into a temporary prefix and builds a program against the
# installed copy with pkg-config, as a user would; then runs it.
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${MAKE:-make} --no-print-directory -s install PREFIX="$tmp/prefix" >/dev/null
cat > "$tmp/prog.c" <<'PROG'
#include <qvisit/qvisit.h>
#include <stdio.h>

int main(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(Visitor) v = json_output_visitor_new(out, false);
    uint32_t x = 42;

    if (!visit_start_struct(v, "dev", NULL) ||
        !visit_type_u32(v, "x", &x, NULL) ||
        !visit_end_struct(v, NULL) || !visit_complete(v, NULL)) {
        return 1;
    }
    puts(out->str);
    return 0;
}
PROG
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
${CC:-cc} -o "$tmp/prog" "$tmp/prog.c" $(pkg-config --cflags --libs qvisit)
got=$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/prog")
if [ "$got" != '{"x":42}' ]; then
    echo "check-install: installed library printed '$got'"
    exit 1
fi
echo "check-install: pkg-config build against the installed copy works"
