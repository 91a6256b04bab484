# Sourced (". tests/support/qmp.sh") by the scripts that drive QEMU over
# QMP: tests/live-qemu.sh, tests/live-qemu-iterative.sh,
# tests/data/qemu/make-corpus.sh, tests/data/qemu-devices/make-cases.sh.
#
# qemu_paused SOCKET QEMU-ARGS...
#   Starts $QEMU (default qemu-system-x86_64) in the background, paused
#   (-S), with TCG, 16 MiB of RAM, no default devices, no display and QMP
#   on the unix socket SOCKET, then QEMU-ARGS; its pid in $qemu_pid.
#
# qemu_stop
#   Kills $qemu_pid (after a QMP script that failed) and waits for it.
#
# qmp_python WHO SOCKET [ARG...] <<'EOF' ... EOF
#   Runs the Python script given on standard input after a prelude that
#   connects to QEMU's QMP unix socket SOCKET (retrying for 10 s while
#   QEMU starts), reads the greeting and leaves capabilities negotiation.
#   The script sees the ARGs as sys.argv[1:], and has json, os, socket,
#   sys and time imported and:
#     cmd(command, **args) runs a QMP command and returns its "return";
#                         an "error" reply exits
#     wait_migration(what="migration", tries=None)
#                         polls query-migrate every 50 ms until
#                         "completed" (at most @tries times; None: no
#                         limit); "failed", "cancelled" or no completion
#                         exits ("WHAT failed", "WHAT did not complete")
#     die(msg)            exits with the message "WHO: MSG" ("MSG" when
#                         WHO is empty)
#   Returns the script's exit status.

_QMP_PRELUDE=$(cat <<'EOF'
import json, os, socket, sys, time

WHO, SOCKET = sys.argv[1], sys.argv[2]
del sys.argv[1:3]


def die(msg):
    sys.exit(WHO + ": " + msg if WHO else msg)


for _ in range(200):
    try:
        _qmp_socket = socket.socket(socket.AF_UNIX)
        _qmp_socket.connect(SOCKET)
        break
    except OSError:
        time.sleep(0.05)
else:
    die("no QMP socket " + SOCKET)
_qmp_file = _qmp_socket.makefile("rw")


def cmd(command, **args):
    _qmp_file.write(json.dumps({"execute": command, "arguments": args})
                    + "\n")
    _qmp_file.flush()
    while True:
        msg = json.loads(_qmp_file.readline())
        if "return" in msg:
            return msg["return"]
        if "error" in msg:
            die("%s: %s" % (command, msg["error"]))


def wait_migration(what="migration", tries=None):
    n = 0
    while tries is None or n < tries:
        st = cmd("query-migrate").get("status")
        if st == "completed":
            return
        if st in ("failed", "cancelled"):
            die(what + " " + st)
        time.sleep(0.05)
        n += 1
    die(what + " did not complete")


json.loads(_qmp_file.readline())        # greeting
cmd("qmp_capabilities")
EOF
)

qemu_paused() {
    _qmp_sock=$1
    shift
    "${QEMU:-qemu-system-x86_64}" -accel tcg -m 16 -nodefaults -display none \
        -S -qmp "unix:$_qmp_sock,server=on,wait=off" "$@" &
    qemu_pid=$!
}

qemu_stop() {
    kill "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
}

qmp_python() {
    python3 -c "$_QMP_PRELUDE
$(cat)" "$@"
}
