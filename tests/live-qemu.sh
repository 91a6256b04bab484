#!/bin/sh
# Live tier (make check-live): generates fresh streams with the installed
# qemu-system-x86_64 and checks that 'qvisit dump --qemu --ram' then
# 'qvisit encode --qemu' gives the stream back byte for byte, that the
# analyze-compat dump succeeds, and that info, diff and convert read the
# stream (diff of the stream with itself and with its device state
# converted to JSON finds nothing); live-qemu-iterative.sh then loads
# edited block and dirty-bitmap streams into QEMU. Then it edits pc-serial-nic-usb with
# 'qvisit set' (serial.state.scr, a CMOS byte) and 'qvisit ram write'
# (guest-physical 0x100000), loads the result into a QEMU started with
# -incoming, reads the RAM back with HMP xp, migrates out again and finds
# the field in 'qvisit dump --qemu' of that stream. Skips with a message
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
. "$here/support/qmp.sh"
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

# load STREAM OUT ARGS...: loads STREAM into a paused QEMU with ARGS,
# prints HMP "xp /4xb 0x100000", then migrates out to OUT.
load() {
    lsock=$work/load.sock
    lsrc=$1
    ldest=$2
    shift 2
    qemu_paused "$lsock" -incoming defer "$@" 2>"$work/load.err"
    qmp_python live-qemu "$lsock" "$lsrc" "$ldest" <<'EOF'
src, dest = sys.argv[1:3]
cmd("migrate-incoming", uri="exec:cat " + src)
wait_migration(tries=600)
print(cmd("human-monitor-command", **{"command-line": "xp /4xb 0x100000"}),
      end="")
cmd("migrate", uri="exec:cat > " + dest)
wait_migration(tries=600)
cmd("quit")
EOF
    lrc=$?
    if [ $lrc -eq 0 ]; then
        wait "$qemu_pid" 2>/dev/null
    else
        qemu_stop
    fi
    return $lrc
}

# An edited stream loads into QEMU with the edits: RAM read back with
# HMP xp, the device field from the stream QEMU migrates out again.
n=pc-serial-nic-usb
if $cli set "$work/$n.mig" -o "$work/set.mig" serial.state.scr=0x5a \
       'mc146818rtc.cmos_data[56]=0xa5' &&
   $cli ram write "$work/set.mig" -o "$work/edit.mig" 0x100000 deadbeef &&
   load "$work/edit.mig" "$work/out.mig" -machine pc \
       -chardev null,id=s0 -device isa-serial,chardev=s0 \
       -device rtl8139 -device virtio-net-pci \
       -device piix3-usb-uhci -device usb-tablet >"$work/xp" &&
   grep -q '^0*100000: 0xde 0xad 0xbe 0xef' "$work/xp" &&
   $cli ram read "$work/out.mig" 0x100000 4 | grep -q ' de ad be ef ' &&
   $cli dump --qemu "$work/out.mig" >"$work/out.json" &&
   [ "$(grep -c '"scr": 90' "$work/out.json")" = 1 ]
then
    echo "live-qemu: PASS set and ram write load into QEMU" \
         "($(tr -d '\r\n' <"$work/xp"))"
else
    echo "live-qemu: FAIL set and ram write: $(cat "$work/xp" \
        "$work/load.err" 2>/dev/null | head -n 3)"
    fail=1
fi
exit $fail
