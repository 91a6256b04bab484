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
# The README's recipe for a PREFIX install: PKG_CONFIG_PATH to find
# qvisit.pc, an rpath to find libqvisit.so at run time.
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
${CC:-cc} -o "$tmp/prog" "$tmp/prog.c" $(pkg-config --cflags --libs qvisit) \
    -Wl,-rpath,"$tmp/prefix/lib"
got=$(env -u LD_LIBRARY_PATH "$tmp/prog")
if [ "$got" != '{"x":42}' ]; then
    echo "check-install: installed library printed '$got'"
    exit 1
fi
# libqvisit links GLib and zlib only: its users need nothing else.
requires=$(pkg-config --print-requires qvisit)
if [ "$requires" != glib-2.0 ]; then
    echo "check-install: qvisit.pc requires '$requires', not only glib-2.0"
    exit 1
fi
if ${MAKE:-make} --no-print-directory -s -n -B V=1 build/util/error.o |
    grep -e json-glib -e cunit -e CUnit; then
    echo "check-install: library objects get json-glib or CUnit flags"
    exit 1
fi
echo "check-install: pkg-config build against the installed copy works"
