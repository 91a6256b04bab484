#!/bin/sh
# The README's main job (`make demo`): two releases of a simulated VM
# migrate over loopback TCP, then a snapshot is saved, dumped and loaded,
# and a snapshot store keeps, lists, prunes and restores named snapshots.
#
# The destination runs release 2 of the example devices and listens on a
# free loopback port; the source runs release 3 (newer serial and e1000
# layouts) and migrates to it. Both sides negotiate capabilities, the
# destination converts each section with the compat transforms, and the
# script checks that the destination's state equals the source's state
# converted by those transforms.
set -e
B=${B:-build}
VM=$B/examples/demo-vm
Q=$B/qvisit
SEED=${SEED:-42}
tmp=$(mktemp -d)
dest_pid=
cleanup() {
    [ -n "$dest_pid" ] && kill "$dest_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

step() { printf '\n== %s\n' "$*"; }

step "1. destination: release 2, listening on a loopback TCP port"
"$VM" listen --release 2 --uri tcp:127.0.0.1:0 --uri-file "$tmp/uri" \
    --state-out "$tmp/dest.json" > "$tmp/dest.out" 2>&1 &
dest_pid=$!
i=0
while [ ! -s "$tmp/uri" ]; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$dest_pid" 2>/dev/null; then
        cat "$tmp/dest.out"
        echo "demo: the destination did not start" >&2
        exit 1
    fi
    sleep 0.05
done
uri=$(cat "$tmp/uri")
echo "listening on $uri"

step "2. source: release 3, migrating to $uri"
"$VM" migrate --release 3 --seed "$SEED" --uri "$uri" | tee "$tmp/src.out"
status=0
wait "$dest_pid" || status=$?
dest_pid=
cat "$tmp/dest.out"
[ $status -eq 0 ] || { echo "demo: the destination failed" >&2; exit 1; }
# Downtime: from the source's first device pause to the destination's
# last device resume (both CLOCK_MONOTONIC, one clock for the machine).
paused_at=$(sed -n 's/.*devices paused at monotonic \([0-9.]*\) s/\1/p' \
    "$tmp/src.out")
resumed_at=$(sed -n 's/.*devices resumed at monotonic \([0-9.]*\) s/\1/p' \
    "$tmp/dest.out")
awk -v p="$paused_at" -v r="$resumed_at" 'BEGIN {
    printf "downtime (source pause -> destination resume over TCP): " \
           "%.3f ms\n", (r - p) * 1000 }'

step "3. verify: destination state == source state converted v3 -> v2"
"$VM" expect --release 3 --seed "$SEED" --to-release 2 -o "$tmp/expected.json"
"$Q" diff "$tmp/expected.json" "$tmp/dest.json"

step "4. a destination with no capabilities (as a legacy peer): release 1"
rm -f "$tmp/uri"
"$VM" listen --release 1 --caps none --uri tcp:127.0.0.1:0 \
    --uri-file "$tmp/uri" --state-out "$tmp/dest1.json" \
    > "$tmp/dest.out" 2>&1 &
dest_pid=$!
i=0
while [ ! -s "$tmp/uri" ]; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$dest_pid" 2>/dev/null; then
        cat "$tmp/dest.out"
        echo "demo: the destination did not start" >&2
        exit 1
    fi
    sleep 0.05
done
"$VM" migrate --release 3 --seed "$SEED" --uri "$(cat "$tmp/uri")"
status=0
wait "$dest_pid" || status=$?
dest_pid=
cat "$tmp/dest.out"
[ $status -eq 0 ] || { echo "demo: the destination failed" >&2; exit 1; }
"$VM" expect --release 3 --seed "$SEED" --to-release 1 \
    -o "$tmp/expected1.json"
"$Q" diff "$tmp/expected1.json" "$tmp/dest1.json"

step "5. snapshot: save release 3 to a file (written atomically)"
"$VM" snapshot --release 3 --seed "$SEED" --file "$tmp/vm.snap"
"$Q" info "$tmp/vm.snap"

step "6. dump the snapshot as JSON (first lines)"
"$Q" dump "$tmp/vm.snap" > "$tmp/vm.json"
head -n 20 "$tmp/vm.json"
echo "... ($(wc -l < "$tmp/vm.json") lines)"

step "7. load the snapshot back"
"$VM" restore --release 3 --seed "$SEED" --file "$tmp/vm.snap"

step "8. snapshot store: two named snapshots with different life times"
store="$tmp/store"
"$VM" store-save --release 3 --seed "$SEED" --store "$store" \
    --name before-upgrade --lifetime 3600
"$VM" store-save --release 3 --seed 7 --store "$store" \
    --name nightly --lifetime 604800
"$Q" snapshots "$store" list

# "Now" is given, not read from the clock: two hours after the snapshots
# were taken, the one-hour snapshot has expired and the weekly one has not.
now=$(( $(date +%s) + 7200 ))
step "9. prune with now = $(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ) (two hours later)"
"$Q" snapshots "$store" prune --now "@$now"
"$Q" snapshots "$store" list

step "10. verify and restore 'nightly' into a blank release 3 VM"
"$Q" snapshots "$store" verify nightly
"$VM" store-restore --release 3 --seed 7 --store "$store" --name nightly

printf '\ndemo: all steps passed\n'
