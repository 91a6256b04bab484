#!/bin/sh
# Regenerates the device-section cases of tests/data/qemu-devices/ with
# Debian's qemu-system-x86 (QEMU 7.2) and the qvisit CLI.
#
#   tests/data/qemu-devices/make-cases.sh [QVISIT]
#
# Each stream comes from a guest started paused (-S) with 16 MiB of RAM
# and no default devices, whose device state is first changed through the
# monitor (port writes, key presses) so that subsections QEMU sends only
# for non-idle state appear; old machine types leave out others. The
# stream is migrated with migrate "exec:cat > FILE" and not kept: for each
# section of a built-in device this script writes a case folder
# STREAM-DEVICE/ holding
#   section   "IDSTR INSTANCE_ID VERSION_ID", one line
#   payload   the section's payload bytes, as QEMU wrote them
#   expected  the section's state as `qvisit dump --qemu` decodes it
#             through the stream's vmdesc (the reference the built-in
#             description must reproduce without the vmdesc); indented
#             JSON, or one line for payloads over 4 KiB
# A section whose payload equals an earlier case's is not written again.
# QEMU=/path/to/qemu-system-x86_64 picks another binary; QVISIT defaults
# to build/qvisit.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
QVISIT=${1:-build/qvisit}
QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null 2>&1 || {
    echo "make-cases: $QEMU not found (apt-get install qemu-system-x86)" >&2
    exit 77
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/../../support/qmp.sh"

# The devices whose sections become cases (last idstr component).
DEVICES="ps2kbd ps2mouse pckbd port92 fw_cfg PCIHost PCIBUS I440FX PIIX3
serial e1000 vmmouse ide mch ICH9LPC ich9_smb cpu"

# drive SOCKET DEST HMP...: sends each HMP command ("sleep SECONDS"
# waits), then migrates to DEST.
drive() {
    qmp_python make-cases "$@" <<'PY'
dest, hmp = sys.argv[1], sys.argv[2:]
for h in hmp:
    if h.startswith("sleep "):
        time.sleep(float(h[6:]))
    else:
        cmd("human-monitor-command", **{"command-line": h})
cmd("migrate", uri="exec:cat > " + dest)
wait_migration()
cmd("quit")
PY
}

# extract NAME: writes the cases of $work/NAME.mig.
extract() {
    "$QVISIT" info --json "$work/$1.mig" > "$work/$1.info"
    "$QVISIT" dump --qemu "$work/$1.mig" > "$work/$1.dump"
    python3 - "$here" "$1" "$work/$1.mig" "$work/$1.info" "$work/$1.dump" \
        $DEVICES <<'PY'
import json, os, struct, sys

out, name, mig, info, dump = sys.argv[1:6]
devices = set(sys.argv[6:])
data = open(mig, "rb").read()
info = json.load(open(info))
dump = json.load(open(dump))
states = [r for r in dump["records"] if r["type"] == "FULL"]

# Sections follow the header and the configuration record, the RAM
# section's records first (a precopy stream written to a file).
pos = 8
if data[pos] == 0x07:
    pos += 5 + struct.unpack(">I", data[pos + 1:pos + 5])[0]
known = set()
for d in os.listdir(out):
    p = os.path.join(out, d, "payload")
    if os.path.exists(p):
        known.add(open(p, "rb").read())
for sec in info["sections"]:
    start, pos = pos, pos + sec["bytes"]
    if sec["ram"]:
        continue
    idstr = sec["idstr"].encode()
    head = struct.pack(">BI", 4, sec["section_id"]) + bytes([len(idstr)]) \
        + idstr + struct.pack(">II", sec["instance_id"], sec["version_id"])
    assert data[start:start + len(head)] == head, sec
    end = pos
    if data[end - 5:end] == struct.pack(">BI", 0x7E, sec["section_id"]):
        end -= 5
    state = states.pop(0)
    assert state["idstr"] == sec["idstr"], (state, sec)
    dev = sec["idstr"].split("/")[-1]
    payload = data[start + len(head):end]
    if dev not in devices or payload in known:
        continue
    known.add(payload)
    case = "%s-%s%s" % (name, dev, "" if not sec["instance_id"]
                        else "-%d" % sec["instance_id"])
    os.makedirs(os.path.join(out, case), exist_ok=True)
    with open(os.path.join(out, case, "section"), "w") as f:
        f.write("%s %d %d\n" % (sec["idstr"], sec["instance_id"],
                                sec["version_id"]))
    with open(os.path.join(out, case, "payload"), "wb") as f:
        f.write(payload)
    with open(os.path.join(out, case, "expected"), "w") as f:
        json.dump(state["state"], f,
                  indent=4 if len(payload) <= 4096 else None)
        f.write("\n")
    print("  %s: %d bytes" % (case, len(payload)))
PY
}

# stream NAME "HMP;HMP;..." QEMU-ARGS...: makes $work/NAME.mig, extracts.
stream() {
    name=$1
    hmp=$2
    shift 2
    sock=$work/$name.sock
    qemu_paused "$sock" "$@"
    old_ifs=$IFS
    IFS=';'
    # shellcheck disable=SC2086
    if ! drive "$sock" "$work/$name.mig" $hmp; then
        IFS=$old_ifs
        qemu_stop
        return 1
    fi
    IFS=$old_ifs
    wait "$qemu_pid"
    extract "$name"
}

# Port writes (HMP "o /b PORT VALUE"):
#   0xcf9 2        reset control register: "PIIX3/rcr" (pc),
#                  "ICH9LPC/rst_cnt" (q35)
#   0x64 d1, 0x60  i8042 output port not at its reset value: "pckbd_outport"
#   0x60 ed, 07    keyboard LEDs on, reply bytes queued: "ps2kbd/ledstate",
#                  "ps2kbd/command_reply_queue"
#   0x64 d4, ...   mouse commands through the controller: sample rate,
#                  resolution, reply bytes in the mouse's queue
#   0x3f9..0x3f8   UART: IER, scratch, FIFO on, loopback, one byte sent
#                  to itself: "serial/recv_fifo",
#                  "serial/fifo_timeout_timer"
POKES="o /b 0xcf9 0x02;o /b 0x64 0xd1;o /b 0x60 0x83;o /b 0x60 0xed"
POKES="$POKES;o /b 0x60 0x07;sendkey ctrl-alt-f1"
POKES="$POKES;o /b 0x64 0xd4;o /b 0x60 0xf3;o /b 0x64 0xd4;o /b 0x60 0x28"
POKES="$POKES;o /b 0x64 0xd4;o /b 0x60 0xe8;o /b 0x64 0xd4;o /b 0x60 0x02"
POKES="$POKES;o /b 0x3f9 0x02;o /b 0x3ff 0x55;o /b 0x3fa 0x01"
POKES="$POKES;o /b 0x3fc 0x10;o /b 0x3f8 0x41"

# IDE (pc only): IDENTIFY DEVICE on the primary master, its 256 data
# words read back (identify_data, no transfer left in flight), and the
# CD-ROM's tray opened: "ide_drive/tray_state".
IDE_POKES=";o /b 0x1f6 0xa0;o /b 0x1f7 0xec"
i=0
while [ $i -lt 256 ]; do
    IDE_POKES="$IDE_POKES;i /w 0x1f0"
    i=$((i + 1))
done
IDE_POKES="$IDE_POKES;eject -f cdd"
truncate -s 1M "$work/disk.img"

stream pc-poked "$POKES$IDE_POKES" -machine pc \
    -chardev null,id=s0 -device isa-serial,chardev=s0 \
    -drive "if=none,id=hd,file=$work/disk.img,format=raw" \
    -device ide-hd,drive=hd,bus=ide.0 \
    -drive if=none,id=cdd,media=cdrom -device ide-cd,drive=cdd,bus=ide.1
stream q35-poked "$POKES" -machine q35 \
    -chardev null,id=s0 -device isa-serial,chardev=s0
# A guest that ran its firmware for a second (SeaBIOS, which finds no
# boot device): CPU registers, MTRRs and MSRs away from their reset
# values, with two vCPUs.
stream pc-running "cont;sleep 1;stop" -machine pc -smp 2
# e1000 of an old machine type: mit_state only (tests/data/qemu/pc-e1000
# has all three subsections).
stream pc-2.3-e1000 "" -machine pc-i440fx-2.3 -device e1000
exit 0
