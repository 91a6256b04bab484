#!/bin/sh
# The test plugins under build/tests/plugins/ serve the plain and the
# sanitizer tree alike, so they must not need a sanitizer runtime: a plain
# CLI cannot load them then ("ASan runtime does not come first in initial
# library list") and every suite that loads a plugin fails.
#   tests/check-plugins.sh PLUGIN.so...
bad=""
for p in "$@"; do
    if nm -D --undefined-only "$p" | grep -q ' __[a-z]*san_'; then
        bad="$bad $p"
    fi
done
if [ -n "$bad" ]; then
    echo "check-plugins: built with sanitizers:$bad (remove them and rerun)"
    exit 1
fi
echo "check-plugins: $# plugins, none needs a sanitizer runtime"
