#!/bin/sh
# Live tier, iterative sections (run by tests/live-qemu.sh): edits the
# block and dirty-bitmap sections of fresh pc-block.mig and
# pc-dirty-bitmap.mig (made by make-corpus.sh in WORK) with 'qvisit dump
# --qemu --ram', a JSON edit and 'qvisit encode --qemu', loads each
# stream into a QEMU started with -incoming, and reads the edit back:
# the destination disk's first bytes (block), the bitmap's dirty count
# from query-block (dirty-bitmap).
#
#   tests/live-qemu-iterative.sh WORK
set -u
work=$1
cli=${QVISIT_CLI:-build/qvisit}
QEMU=${QEMU:-qemu-system-x86_64}
fail=0
. "$(cd "$(dirname "$0")" && pwd)/support/qmp.sh"

# incoming NAME STREAM QEMU-ARGS...: loads STREAM into a paused QEMU and
# prints the JSON of query-block once the migration completed.
incoming() {
    name=$1
    stream=$2
    shift 2
    sock=$work/$name.in.sock
    qemu_paused "$sock" -machine pc -incoming defer "$@" \
        >"$work/$name.in.log" 2>&1
    qmp_python "" "$sock" "$stream" <<'EOF'
cmd("migrate-incoming", uri="exec:cat " + sys.argv[1])
wait_migration("incoming migration", tries=400)
print(json.dumps(cmd("query-block")))
cmd("quit")
EOF
    st=$?
    wait "$qemu_pid" 2>/dev/null
    return $st
}

# Block: the data chunk's text replaced; the destination's 2 MiB disk
# must start with it after the load.
n=pc-block
if $cli dump --qemu --ram "$work/$n.mig" >"$work/$n.json" &&
   python3 - "$work/$n.json" "$work/$n.edited.json" <<'EOF' &&
import base64, json, sys

d = json.load(open(sys.argv[1]))
for r in d["records"]:
    for item in r.get("block", []):
        if item["type"] == "block":
            data = bytearray(base64.b64decode(item["data"]))
            text = b"edited by qvisit\n"
            data[:len(text)] = text
            item["data"] = base64.b64encode(bytes(data)).decode()
json.dump(d, open(sys.argv[2], "w"))
EOF
   $cli encode --qemu "$work/$n.edited.json" "$work/$n.edited.mig" &&
   truncate -s 2M "$work/$n.dst.img" &&
   incoming "$n" "$work/$n.edited.mig" \
       -drive "file=$work/$n.dst.img,format=raw,if=none,id=d0" \
       -device ide-hd,drive=d0,bus=ide.0 \
       >"$work/$n.query" &&
   [ "$(head -c 17 "$work/$n.dst.img")" = "edited by qvisit" ]
then
    echo "live-qemu: PASS $n: edited block chunk loaded into QEMU"
else
    echo "live-qemu: FAIL $n: edited block chunk"
    cat "$work/$n.in.log" 2>/dev/null
    fail=1
fi

# Dirty bitmap: the bits of the second 64 KiB cluster (0x02) become the
# second and third (0x06); the loaded bitmap must count 128 KiB dirty.
n=pc-dirty-bitmap
if $cli dump --qemu --ram "$work/$n.mig" >"$work/$n.json" &&
   python3 - "$work/$n.json" "$work/$n.edited.json" <<'EOF' &&
import base64, json, sys

d = json.load(open(sys.argv[1]))
for r in d["records"]:
    for item in r.get("dirty_bitmap", []):
        if item["type"] == "bits":
            data = bytearray(base64.b64decode(item["data"]))
            data[0] = 0x06
            item["data"] = base64.b64encode(bytes(data)).decode()
json.dump(d, open(sys.argv[2], "w"))
EOF
   $cli encode --qemu "$work/$n.edited.json" "$work/$n.edited.mig" &&
   qemu-img create -q -f qcow2 "$work/$n.dst.qcow2" 2M &&
   node=node-name=disk0 &&
   incoming "$n" "$work/$n.edited.mig" \
       -drive "file=$work/$n.dst.qcow2,format=qcow2,if=none,id=d0,$node" \
       >"$work/$n.query" &&
   python3 - "$work/$n.query" <<'EOF'
import json, sys

blocks = json.load(open(sys.argv[1]))
maps = [b for d in blocks
        for b in d.get("inserted", {}).get("dirty-bitmaps", [])]
maps += [b for d in blocks for b in d.get("dirty-bitmaps", [])]
sys.exit(not any(m["name"] == "bm0" and m["count"] == 131072 for m in maps))
EOF
then
    echo "live-qemu: PASS $n: edited bitmap loaded into QEMU (128 KiB dirty)"
else
    echo "live-qemu: FAIL $n: edited bitmap"
    cat "$work/$n.query" "$work/$n.in.log" 2>/dev/null
    fail=1
fi
exit $fail
