# common.sh - shared helpers for jubao's shell tests (source it, bash only)
# shellcheck shell=bash
#
#   . "$(dirname "$0")/../lib/common.sh"
#
# Sourcing it:
#   - installs an EXIT/INT/TERM trap that runs the actions registered with
#     on_exit, newest first (so a failing or interrupted test leaves no
#     daemon behind).  Do not set your own EXIT/INT/TERM trap; use on_exit.
#   - creates this test's private directory JUBAO_TEST_ROOT under
#     ${JUBAO_TEST_TMP:-/tmp/jubao-test} (mode 0755, so that daemons running
#     as "postfix" can reach the sub-directories).  It is removed at exit when
#     the test passed, kept (and its path printed) when it failed or when
#     JUBAO_KEEP_TMP is set.
#
# Functions that register on_exit actions (pf_start, sink_start, ...) must be
# called from the test's main shell, not inside $(...) or a pipeline: a
# subshell's registrations are lost when it ends.
#
# Output is TAP-like: "ok - MSG" / "not ok - MSG", and finish prints
# "N passed, N failed".  Diagnostics go to stderr prefixed with "# ".

: "${JUBAO_TEST_TMP:=/tmp/jubao-test}"
JT_NAME=$(basename -- "${0:-test}" .sh)
JT_PASSED=0
JT_FAILED=0
JT_EXIT_ACTIONS=()
JT_EXITING=
JT_EXIT_STATUS=0

# diag - print a diagnostic line (or stdin, when no argument) to stderr
diag() {
	if [ $# -gt 0 ]; then
		printf '# %s\n' "$*" >&2
	else
		sed -e 's/^/#   /' >&2
	fi
}

# pass - record and print a passed check
pass() {
	JT_PASSED=$((JT_PASSED + 1))
	printf 'ok - %s\n' "$*"
}

# fail - record and print a failed check
fail() {
	JT_FAILED=$((JT_FAILED + 1))
	printf 'not ok - %s\n' "$*"
}

# check - check MSG CMD...: run CMD, pass MSG if it succeeds, fail MSG otherwise
check() {
	local msg=$1
	shift
	if "$@"; then pass "$msg"; else fail "$msg"; return 1; fi
}

# finish - print "N passed, N failed" and exit 0 iff nothing failed
finish() {
	printf '%d passed, %d failed\n' "$JT_PASSED" "$JT_FAILED"
	[ "$JT_FAILED" -eq 0 ] && exit 0
	exit 1
}

# on_exit - register a shell command to run at EXIT/INT/TERM (newest first)
on_exit() {
	JT_EXIT_ACTIONS+=("$1")
}

# jt_run_exit_actions - run and forget the registered exit actions, newest first
jt_run_exit_actions() {
	local i
	for ((i = ${#JT_EXIT_ACTIONS[@]} - 1; i >= 0; i--)); do
		eval "${JT_EXIT_ACTIONS[i]}" || diag "exit action failed: ${JT_EXIT_ACTIONS[i]}"
	done
	JT_EXIT_ACTIONS=()
}

# jt_exit_trap - EXIT trap: run the exit actions once, keep the exit status
jt_exit_trap() {
	JT_EXIT_STATUS=$?
	[ -n "$JT_EXITING" ] && return "$JT_EXIT_STATUS"
	JT_EXITING=1
	trap '' INT TERM
	set +e
	jt_run_exit_actions
	exit "$JT_EXIT_STATUS"
}

# jt_signal_trap - INT/TERM trap: exit with 128+signal (the EXIT trap cleans up)
jt_signal_trap() {
	diag "$JT_NAME: interrupted, cleaning up"
	exit "$1"
}

trap jt_exit_trap EXIT
trap 'jt_signal_trap 130' INT
trap 'jt_signal_trap 143' TERM

# jt_remove_root - exit action: remove JUBAO_TEST_ROOT unless the test failed
jt_remove_root() {
	local rc=$JT_EXIT_STATUS
	jt_release_ports
	[ -n "${JUBAO_TEST_ROOT:-}" ] && [ -d "$JUBAO_TEST_ROOT" ] || return 0
	if [ "$rc" -ne 0 ] || [ "$JT_FAILED" -ne 0 ] || [ -n "${JUBAO_KEEP_TMP:-}" ]; then
		diag "$JT_NAME: test files kept in $JUBAO_TEST_ROOT"
		return 0
	fi
	case $JUBAO_TEST_ROOT in
	"$JUBAO_TEST_TMP"/?*) rm -rf -- "$JUBAO_TEST_ROOT" ;;
	esac
}

# mktestdir - mktestdir NAME: create and print a fresh directory (0755) for this test
mktestdir() {
	local name=${1:?mktestdir NAME} d n=1
	d=$JUBAO_TEST_ROOT/$name
	while ! mkdir -- "$d" 2>/dev/null; do
		[ -d "$JUBAO_TEST_ROOT" ] || { diag "mktestdir: no $JUBAO_TEST_ROOT"; return 1; }
		n=$((n + 1))
		[ "$n" -gt 100 ] && { diag "mktestdir: cannot create $d"; return 1; }
		d=$JUBAO_TEST_ROOT/$name.$n
	done
	chmod 0755 -- "$d"
	printf '%s\n' "$d"
}

# now_us - print the current time in microseconds
now_us() {
	local t=${EPOCHREALTIME:-}
	if [ -n "$t" ]; then
		t=${t/[.,]/}
		printf '%s\n' "$((10#$t))"
	else
		printf '%s\n' "$(($(date +%s%N) / 1000))"
	fi
}

# wait_for - wait_for [-t SECONDS] CMD...: poll CMD every 0.1 s until it succeeds (default 10 s)
#
# SECONDS may have a fraction (0.5).  Returns 1 if CMD never succeeded in time.
wait_for() {
	local t=10 whole frac deadline
	if [ "${1:-}" = -t ]; then t=$2; shift 2; fi
	whole=${t%%.*}
	frac=000000
	case $t in *.*) frac=${t#*.}000000 ;; esac
	deadline=$(($(now_us) + 10#${whole:-0} * 1000000 + 10#${frac:0:6}))
	until "$@"; do
		[ "$(now_us)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
	return 0
}

# port_listening - port_listening PORT: true if something listens on TCP PORT
port_listening() {
	ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# port_pids - port_pids PORT: print the PIDs of processes listening on TCP PORT
port_pids() {
	ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# port_owned_by - port_owned_by PORT PID: true if process PID listens on TCP PORT
port_owned_by() {
	port_pids "$1" | grep -qx -- "$2"
}

# wait_port - wait_port PORT [SECONDS]: wait until something listens on 127.0.0.1:PORT (default 10 s)
wait_port() {
	wait_for -t "${2:-10}" port_listening "$1"
}

# free_port - free_port [SPAN]: print a free port on 127.0.0.1 (SPAN ports
# from it: SIPp's media takes four), reserved for this test until it exits
#
# Picks at random below the kernel's ephemeral range (so no outgoing
# connection can take it meanwhile), checks that each port can be bound,
# TCP and UDP, without SO_REUSEADDR (so no listener, no UDP socket and no
# TIME_WAIT leftovers), and records the reservations in
# $JUBAO_TEST_TMP/.ports/PORT (owner PID = this test's shell) under a lock,
# so that tests running in parallel never get the same port.
free_port() {
	local py=python3
	[ -x /usr/bin/python3 ] && py=/usr/bin/python3
	mkdir -p -- "$JUBAO_TEST_TMP/.ports" || return 1
	"$py" - "$JUBAO_TEST_TMP/.ports" "$$" "${1:-1}" <<'EOF'
import errno, fcntl, os, random, socket, sys
pdir, owner, span = sys.argv[1], sys.argv[2], int(sys.argv[3])


def reserved(port):
    try:
        pid = int(open(os.path.join(pdir, str(port))).read().strip())
        os.kill(pid, 0)
        return True                        # reserved by a live test
    except (OSError, ValueError):
        return False                       # no or stale reservation


def bindable(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


try:
    lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except Exception:
    lo = 32768
hi = max(lo - span, 20000 + 1000)
with open(os.path.join(pdir, ".lock"), "w") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    for _ in range(500):
        port = random.randint(20000, hi)
        ports = range(port, port + span)
        if any(reserved(p) or not bindable(p) for p in ports):
            continue
        for p in ports:
            res = os.path.join(pdir, str(p))
            with open(res + ".tmp", "w") as f:
                f.write(owner + "\n")
            os.rename(res + ".tmp", res)
        print(port)
        sys.exit(0)
sys.exit("free_port: no free port found")
EOF
}

# jt_release_ports - drop the port reservations this test made
jt_release_ports() {
	local f
	for f in "$JUBAO_TEST_TMP"/.ports/[0-9]*; do
		[ -f "$f" ] && [ "$(cat "$f" 2>/dev/null)" = "$$" ] && rm -f -- "$f"
	done
	return 0
}

# pid_alive - pid_alive PID: true if process PID exists (and is not a zombie)
pid_alive() {
	local st
	[ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in Z*) return 1 ;; esac
	return 0
}

# create this test's private directory and register its removal (runs last)
mkdir -p -- "$JUBAO_TEST_TMP" && chmod 0755 -- "$JUBAO_TEST_TMP" 2>/dev/null
JUBAO_TEST_ROOT=$(mktemp -d -- "$JUBAO_TEST_TMP/$JT_NAME.XXXXXX") || {
	echo "common.sh: cannot create a directory under $JUBAO_TEST_TMP" >&2
	exit 1
}
chmod 0755 -- "$JUBAO_TEST_ROOT"
on_exit jt_remove_root
