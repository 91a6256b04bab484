#!/bin/sh
# Regenerates the QEMU migration streams of tests/data/qemu/ with Debian's
# qemu-system-x86 (QEMU 7.2). Each stream comes from a guest started paused
# (-S) with 16 MiB of RAM, no default devices, no display and no network
# leaving the machine, driven over QMP on a unix socket, and migrated with
# migrate "exec:cat > FILE".
#
#   tests/data/qemu/make-corpus.sh [OUTDIR] [NAME...]
#
# OUTDIR defaults to this script's folder; with NAMEs only those streams
# are made. QEMU=/path/to/qemu-system-x86_64 picks another binary.
#
# The first three streams (pc-nodefaults, pc-e1000, q35-smp2-xhci-virtio)
# and their *.state.json / *.desc.json references, the output of QEMU 7.2's
# scripts/analyze-migration.py -f / -d desc, were made the same way; the
# references need that script, which is not part of this repository.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
[ $# -gt 0 ] && shift
QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null 2>&1 || {
    echo "make-corpus: $QEMU not found (apt-get install qemu-system-x86)" >&2
    exit 77
}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/../../support/qmp.sh"

# qmp SOCKET FILE [CAPS [PRE]]: runs the QMP side of one migration.
# CAPS is a comma-separated list of migration capabilities to enable; PRE
# a JSON list of [command, arguments] pairs run before the migration.
qmp() {
    qmp_python make-corpus "$1" "$2" "${3:-}" "${4:-[]}" <<'EOF'
dest, caps, pre = sys.argv[1], sys.argv[2], sys.argv[3]
# RUN_SECONDS: let the guest run (its firmware) before migrating.
run = float(os.environ.get("RUN_SECONDS", "0"))
if run > 0:
    cmd("cont")
    time.sleep(run)
for name, args in json.loads(pre):
    cmd(name, **args)
if caps:
    cmd("migrate-set-capabilities",
        capabilities=[{"capability": c, "state": True}
                      for c in caps.split(",")])
cmd("migrate", uri="exec:cat > " + dest)
wait_migration()
cmd("quit")
EOF
}

# stream NAME CAPS QEMU-ARGS...: makes $out/NAME.mig. $pre (a JSON list
# of QMP commands to run first, see qmp) is reset after each stream.
pre='[]'
stream() {
    name=$1
    caps=$2
    shift 2
    sock=$work/$name.sock
    qemu_paused "$sock" "$@"
    p=$pre
    pre='[]'
    if ! qmp "$sock" "$work/$name.mig" "$caps" "$p"; then
        qemu_stop
        return 1
    fi
    wait "$qemu_pid"
    mv "$work/$name.mig" "$out/$name.mig"
    echo "  $name.mig $(wc -c < "$out/$name.mig") bytes"
}

want() {
    [ -z "$selected" ] && return 0
    for n in $selected; do
        [ "$n" = "$1" ] && return 0
    done
    return 1
}
selected="$*"

# Old versioned machine type: no configuration section, no footers.
want pc-2.3-old && stream pc-2.3-old "" -machine pc-i440fx-2.3

# No vmdesc at the end; decoded with --vmdesc from pc-nodefaults.mig.
want pc-suppress-vmdesc && stream pc-suppress-vmdesc "" \
    -machine pc,suppress-vmdesc=on
if want pc-suppress-vmdesc; then
    echo pc-nodefaults.mig > "$out/pc-suppress-vmdesc.vmdesc-from"
fi

# zlib-compressed pages (RAM_SAVE_FLAG_COMPRESS_PAGE).
want pc-compress && stream pc-compress compress -machine pc

# x-ignore-shared: the configuration carries a capabilities subsection
# and the RAM block list carries guest addresses; with validate-uuid and
# -uuid it also carries the uuid subsection.
want pc-ignore-shared && stream pc-ignore-shared x-ignore-shared,validate-uuid \
    -machine pc,memory-backend=mem \
    -object "memory-backend-file,id=mem,size=16M,mem-path=$work/mem,share=on" \
    -uuid 5ee0b7e8-6b1e-4a6b-9a77-5f1d2c3e4a5b

# Device sets: serial ports, NICs without a peer, USB with a tablet.
want pc-serial-nic-usb && stream pc-serial-nic-usb "" -machine pc \
    -chardev null,id=s0 -device isa-serial,chardev=s0 \
    -device rtl8139 -device virtio-net-pci \
    -device piix3-usb-uhci -device usb-tablet

# Running guests (the firmware has run for a second, so the timers, the
# interrupt controllers and the vCPUs are not in their reset state), with
# several vCPUs and other machine types; read without their vmdesc by the
# built-in QEMU devices (tests/test-qemu-devices.c).
want pc-running-smp4 && RUN_SECONDS=1 stream pc-running-smp4 "" \
    -machine pc -smp 4
want pc-icount && RUN_SECONDS=1 stream pc-icount "" \
    -machine pc -icount shift=auto
want isapc-running && RUN_SECONDS=1 stream isapc-running "" \
    -machine isapc -cpu qemu32
# Memory hotplug slots: "ich9_pm/memhp" (q35) and "piix4_pm/memhp" (pc)
# then hold one status struct per DIMM slot, a configuration count no
# stream field carries.
want q35-memslots && stream q35-memslots "" -machine q35 \
    -m 16M,slots=2,maxmem=64M
want pc-memslots && stream pc-memslots "" -machine pc \
    -m 16M,slots=3,maxmem=64M

# Block migration (the "block" iterative section): a 2 MiB raw disk whose
# first MiB holds a few bytes and whose second MiB is zero, sent with the
# zero-blocks capability: one 1 MiB data chunk, one zero chunk. Loading
# the stream needs a 2 MiB drive d0 on the destination, attached to a
# device (-device ide-hd,drive=d0,bus=ide.0) so that it may be written.
if want pc-block; then
    printf 'qvisit block migration test\n' > "$work/disk.img"
    truncate -s 2M "$work/disk.img"
    stream pc-block block,zero-blocks -machine pc \
        -drive "file=$work/disk.img,format=raw,if=none,id=d0"
fi

# Dirty bitmaps (the "dirty-bitmap" iterative section): a bitmap added
# with block-dirty-bitmap-add on a 2 MiB qcow2 node, dirtied by a write
# of 64 KiB (HMP qemu-io); granularity 64 KiB. Loading it needs node
# disk0 without a bitmap bm0 on the destination.
if want pc-dirty-bitmap; then
    qemu-img create -q -f qcow2 "$work/disk.qcow2" 2M
    node=node-name=disk0
    pre='[["block-dirty-bitmap-add", {"node": "disk0", "name": "bm0"}],
          ["human-monitor-command",
           {"command-line": "qemu-io d0 \"write -P 0x5a 65536 65536\""}]]'
    stream pc-dirty-bitmap dirty-bitmaps -machine pc \
        -drive "file=$work/disk.qcow2,format=qcow2,if=none,id=d0,$node"
fi

# Only on request (tests/live-qemu.sh): q35 with two vCPUs, USB, virtio.
if [ -n "$selected" ] && want q35-live; then
    stream q35-live "" -machine q35 -smp 2 \
        -device qemu-xhci -device usb-kbd -device virtio-rng-pci \
        -device virtio-balloon-pci
fi
exit 0
