#!/bin/sh
# Live tier (make check-live): generates fresh streams with the installed
# qemu-system-x86_64 and checks that 'qvisit dump --qemu --ram' then
# 'qvisit encode --qemu' gives the stream back byte for byte, that the
# analyze-compat dump succeeds, and that info, diff and convert read the
# stream (diff of the stream with itself and with its device state
# converted to JSON finds nothing); live-qemu-iterative.sh then loads
# edited block and dirty-bitmap streams into QEMU. Skips with a message
# without QEMU.
set -u
cli=${QVISIT_CLI:-build/qvisit}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v "${QEMU:-qemu-system-x86_64}" >/dev/null 2>&1; then
    echo "live-qemu: SKIP: qemu-system-x86_64 is not installed" \
         "(apt-get install qemu-system-x86)"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
names="pc-2.3-old pc-suppress-vmdesc pc-compress pc-ignore-shared"
names="$names pc-serial-nic-usb q35-live pc-block pc-dirty-bitmap"
echo "live-qemu: generating streams with $(${QEMU:-qemu-system-x86_64} \
    --version | head -n 1)"
"$here/data/qemu/make-corpus.sh" "$work" $names >"$work/log" 2>&1 || {
    cat "$work/log"
    echo "live-qemu: FAIL: could not generate streams"
    exit 1
}
fail=0
for n in $names; do
    vmdesc=""
    if [ "$n" = pc-suppress-vmdesc ]; then
        # Same machine and devices: pc-compress's description fits.
        vmdesc="--vmdesc $work/pc-compress.mig"
    fi
    if $cli dump --qemu --ram $vmdesc "$work/$n.mig" >"$work/$n.json" &&
       $cli encode --qemu "$work/$n.json" "$work/$n.out" &&
       cmp -s "$work/$n.mig" "$work/$n.out" &&
       $cli dump --qemu --analyze-compat $vmdesc "$work/$n.mig" \
           >/dev/null &&
       { [ -n "$vmdesc" ] ||
         { $cli info "$work/$n.mig" >/dev/null &&
           $cli diff "$work/$n.mig" "$work/$n.mig" >/dev/null &&
           $cli convert --to json "$work/$n.mig" "$work/$n.state.json" &&
           $cli diff "$work/$n.state.json" "$work/$n.mig" >/dev/null; }; }
    then
        echo "live-qemu: PASS $n ($(wc -c <"$work/$n.mig") bytes)"
    else
        echo "live-qemu: FAIL $n"
        fail=1
    fi
done
# Edited block and dirty-bitmap sections, loaded into QEMU.
"$here/live-qemu-iterative.sh" "$work" || fail=1
exit $fail
