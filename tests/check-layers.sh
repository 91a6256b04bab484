#!/bin/sh
# Checks that the library's folders are layers (docs/architecture.md):
# each folder uses only itself and the folders below it in LAYERS, and no
# folder includes another folder's private header.
#
#   1. Includes. A file may include a header of its own folder, of a lower
#      folder, or a public header (include/qvisit/) of its own or a lower
#      layer; public headers themselves follow the same rule. Another
#      folder's private header (*-internal.h) is never allowed. The one
#      cross-folder private header with a contract for outsiders is
#      visitor/visitor-impl.h, the implementer header: a visitor
#      implementation (a file named *-visitor.c) in a higher folder may
#      include it.
#   2. Names. No macro hides a double-underscore name (a function shared
#      across files) behind a short alias: every call site must show it.
#   3. Symbols. No object file of a folder needs a symbol that only a
#      higher folder defines (nm on BUILD_DIR/<folder>/*.o, the objects of
#      the folder's current sources).
#   4. One way. Inside a folder, a file that dispatches to others (a table
#      of operations) is not called back by them: ONE_WAY lists them.
#
# usage: tests/check-layers.sh [BUILD_DIR]   (from the source root;
#        BUILD_DIR defaults to build and must hold the built objects)
# Exits 1 and prints one line per violation when the layering is broken.
build=${1:-build}

# Lowest first. A folder that does not exist (yet) is skipped.
LAYERS="util qobject visitor qemufile compat qemustream migration
examples/devices examples/qemu-devices tools"

# The layer of each public header; the umbrella qvisit.h is the layer of
# the highest header it includes.
PUBLIC="common.h:util error.h:util limits.h:util
qobject.h:qobject
visitor.h:visitor binary-visitor.h:visitor describe-visitor.h:visitor
vmstate.h:visitor
qemu-file.h:qemufile qemu-file-visitor.h:qemufile
compat.h:compat
qemu-stream.h:qemustream
migration.h:migration migration-transport.h:migration
migration-output.h:migration snapshot-store.h:migration qemu-vmstate.h:migration
qvisit.h:migration"

# Temporary exceptions, one "FILE INCLUDED-HEADER" per line, each with its
# reason in docs/architecture.md ("Layering"). Empty is the goal, and
# reached: none.
EXCEPTIONS=""

# "FILES:DISPATCHER" pairs for rule 4: no object of FILES (a glob) needs
# a symbol that DISPATCHER's object defines.
#  - migration/stream.c holds the table of formats and calls them; the
#    formats fill the container of stream-container.c, never stream.c.
ONE_WAY="migration/format-*.c:migration/stream.c
migration/stream-container.c:migration/stream.c"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rank=0
for l in $LAYERS; do
    echo "$l $rank"
    rank=$((rank + 1))
done > "$tmp/layers"
for p in $PUBLIC; do
    echo "qvisit/${p%%:*} ${p#*:}"
done > "$tmp/public"
printf '%s\n' "$EXCEPTIONS" > "$tmp/exceptions"

# --- 1. includes ---------------------------------------------------------
: > "$tmp/sources"
for l in $LAYERS; do
    [ -d "$l" ] || continue
    for f in "$l"/*.c "$l"/*.h; do
        [ -f "$f" ] && echo "$f $l"
    done >> "$tmp/sources"
done
for h in include/qvisit/*.h; do
    echo "$h public"
done >> "$tmp/sources"

while read -r f folder; do
    # Quoted includes, and public headers in angle brackets (as the
    # examples include the umbrella header, like any user of the library).
    sed -n -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
        -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\(qvisit\/[^>]*\)>.*/\1/p' \
        "$f" | while read -r inc; do
        echo "$f $folder $inc"
    done
done < "$tmp/sources" > "$tmp/includes"

awk -v layers="$tmp/layers" -v public="$tmp/public" \
    -v exceptions="$tmp/exceptions" '
BEGIN {
    while ((getline line < layers) > 0) {
        split(line, a, " "); rank[a[1]] = a[2]
    }
    while ((getline line < public) > 0) {
        split(line, a, " "); pub[a[1]] = a[2]
    }
    while ((getline line < exceptions) > 0) {
        if (line != "") allowed[line] = 1
    }
}
function dir(p) { sub(/\/[^\/]*$/, "", p); return p }
function base(p) { sub(/.*\//, "", p); return p }
{
    file = $1; folder = $2; inc = $3
    if (folder == "public") {
        folder = pub["qvisit/" base(file)]
        if (folder == "") {
            print "check-layers: " file ": public header missing from " \
                  "the PUBLIC table"
            bad = 1; next
        }
    }
    if (inc ~ /^qvisit\//) {
        owner = pub[inc]
        if (owner == "") {
            print "check-layers: " file ": includes unknown public " \
                  "header " inc
            bad = 1; next
        }
    } else {
        owner = dir(inc)
        if (!(owner in rank) || inc !~ /\//) {
            print "check-layers: " file ": includes " inc \
                  ", which belongs to no layer"
            bad = 1; next
        }
    }
    if ((file " " inc) in allowed) next
    if (rank[owner] > rank[folder]) {
        print "check-layers: " file ": includes " inc " of " owner \
              "/, a higher layer than " folder "/"
        bad = 1
    }
    b = base(inc)
    if (owner != folder && inc !~ /^qvisit\// &&
        (b ~ /-internal\.h$/ ||
         (b == "visitor-impl.h" && base(file) !~ /-visitor\.c$/))) {
        print "check-layers: " file ": includes " inc ", private to " \
              owner "/"
        bad = 1
    }
}
END { exit bad }
' "$tmp/includes" > "$tmp/report" || status=1

# --- 2. names -------------------------------------------------------------
while read -r f folder; do
    grep -nE '^[[:space:]]*#[[:space:]]*define[[:space:]]+[A-Za-z_0-9]+(\([^)]*\))?[[:space:]]+[A-Za-z_0-9]+__[A-Za-z_0-9]+[[:space:]]*$' \
        "$f" | sed "s|^\([0-9]*\):.*define[[:space:]]*\([A-Za-z_0-9]*\).*|check-layers: $f:\1: macro \2 hides a __ name|"
done < "$tmp/sources" > "$tmp/names"
if [ -s "$tmp/names" ]; then
    cat "$tmp/names" >> "$tmp/report"
    status=1
fi

# --- 3. symbols ----------------------------------------------------------
: > "$tmp/defined"
: > "$tmp/needed"
while read -r f folder; do
    case "$f" in
    *.c) ;;
    *) continue ;;
    esac
    o="$build/${f%.c}.o"
    if [ ! -f "$o" ]; then
        echo "check-layers: $o missing: build first (make all)" >> \
            "$tmp/report"
        status=1
        continue
    fi
    nm -g --defined-only "$o" | awk -v folder="$folder" \
        'NF == 3 { print $3, folder }' >> "$tmp/defined"
    nm -u "$o" | awk -v obj="$o" -v folder="$folder" \
        '{ print $NF, obj, folder }' >> "$tmp/needed"
done < "$tmp/sources"

awk -v layers="$tmp/layers" -v defined="$tmp/defined" '
BEGIN {
    while ((getline line < layers) > 0) {
        split(line, a, " "); rank[a[1]] = a[2]
    }
    while ((getline line < defined) > 0) {
        split(line, a, " "); owner[a[1]] = a[2]
    }
}
($1 in owner) && rank[owner[$1]] > rank[$3] {
    print "check-layers: " $2 ": needs " $1 " from " owner[$1] \
          "/, a higher layer than " $3 "/"
    bad = 1
}
END { exit bad }
' "$tmp/needed" >> "$tmp/report" || status=1

# --- 4. one way -----------------------------------------------------------
for pair in $ONE_WAY; do
    d="$build/${pair#*:}"
    d="${d%.c}.o"
    [ -f "$d" ] || continue
    nm -g --defined-only "$d" | awk 'NF == 3 { print $3 }' > "$tmp/dispatcher"
    for f in ${pair%%:*}; do
        o="$build/${f%.c}.o"
        [ -f "$o" ] || continue
        nm -u "$o" | awk '{ print $NF }' | grep -Fxf "$tmp/dispatcher" |
            sed "s|^|check-layers: $o: calls back into ${pair#*:}: |"
    done
done > "$tmp/oneway"
if [ -s "$tmp/oneway" ]; then
    cat "$tmp/oneway" >> "$tmp/report"
    status=1
fi

if [ -n "$status" ]; then
    sort -u "$tmp/report"
    echo "check-layers: $(sort -u "$tmp/report" | wc -l) violations" \
         "(layers, lowest first: $(cut -d' ' -f1 "$tmp/layers" |
                                    paste -sd' ' -))"
    exit 1
fi
echo "check-layers: $(wc -l < "$tmp/sources") files in" \
     "$(echo "$LAYERS" | wc -w) layers, no violation"
