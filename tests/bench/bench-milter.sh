#!/bin/bash
# bench-milter.sh - jubao-milter alone, driven over the milter protocol
#
# usage: tests/bench/bench-milter.sh [--smoke] [--conc "1 8"] [--scale K] [--profile FILE]
#
# tests/bench/miltergen.py speaks the MTA's side of the milter protocol
# straight at jubao-milter (no Postfix), one milter connection per
# message, C in parallel, for three kinds of message (see miltergen.py):
#   ordinary  mail to someone@example.org: jubao steps aside at DATA
#   small     text-only reports (~1 KB)
#   mix       the reports of the mail mix (0-3 attachments of 20 KB-2 MB)
# For each kind and concurrency: reports committed per second (cases in
# the store after the run, over its wall time), the milter's CPU per
# message (utime + stime from /proc/PID/stat) and the generator's (to
# show it is not the bottleneck), the p50/p99 of connect-to-final-reply.
# --scale multiplies the message counts (default 1: 2000 ordinary, 400
# small, 200 mix at each concurrency).
#
# --profile FILE: then runs jubao-milter under valgrind --tool=callgrind
# (instruction counts: repeatable, unlike timings on a shared VM) with
# 60 small reports and 20 of the mix, one dump each, and writes the top
# functions (self and inclusive) of each to FILE (thread entry points,
# and in the inclusive list libraries' anonymous symbols, left out).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/bench/lib.sh

smoke= concs="1 8" scale=1 profile=
[ -n "${SMOKE:-}" ] && set -- --smoke "$@"
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 concs=4 ;;
	--conc) concs=$2; shift ;;
	--scale) scale=$2; shift ;;
	--profile) profile=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--conc \"1 8\"] [--scale K] [--profile FILE]" >&2; exit 2 ;;
	esac
	shift
done
declare -A count=([ordinary]=$((2000 * scale)) [small]=$((400 * scale)) [mix]=$((200 * scale)))
[ -n "$smoke" ] && count=([ordinary]=200 [small]=40 [mix]=12)
me="tests/bench/bench-milter.sh${smoke:+ --smoke} --conc \"$concs\" --scale $scale"
MG="$BENCH_PY tests/bench/mailgen.py"
GEN="$BENCH_PY tests/bench/miltergen.py"

d=$(mktestdir milter)
if [ -n "$smoke" ]; then
	$MG make "$d/pool" --reports 16 --ordinary 8 | diag
else
	$MG make "$d/pool" | diag
fi
sink_port=$(free_port)
bench_sink_start "$sink_port" "$d/sink.log" || { fail "smtp-sink did not start"; finish; }
echo "nameserver 127.0.0.1" >"$d/resolv.conf"
# ns - run a command where /etc/resolv.conf names 127.0.0.1 only (no DNS leaves the host)
ns=(unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$d/resolv.conf")

mport=$(free_port)
JB_CONF=$(jb_conf "$d/jubao" "$mport" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$sink_port" "store_busy_timeout = 30s")
jb_milter_start "$JB_CONF" "${ns[@]}" || { fail "jubao-milter did not start"; finish; }
hz=$(getconf CLK_TCK)

# cpu_ut - user and system ticks of the milter
cpu_ut() { awk '{ print $14, $15 }' "/proc/$JB_MILTER_PID/stat"; }

$GEN "127.0.0.1:$mport" "$d/pool" --count 20 --conc 2 --kind small --tag warm >/dev/null ||
	diag "warm-up had failures"
bad=0
for kind in ordinary small mix; do
	for c in $concs; do
		n=${count[$kind]}
		cases0=$(jb_sql "SELECT count(*) FROM cases")
		read -r u0 s0 < <(cpu_ut)
		out=$($GEN "127.0.0.1:$mport" "$d/pool" --count "$n" --conc "$c" --kind "$kind" \
		    --tag "$kind$c")
		read -r u1 s1 < <(cpu_ut)
		cases1=$(jb_sql "SELECT count(*) FROM cases")
		diag "$kind conc $c: $out; milter user $(((u1 - u0)))/$hz s, sys $((s1 - s0))/$hz s, cases $((cases1 - cases0))"
		how="python3 tests/bench/miltergen.py 127.0.0.1:PORT POOL --count $n --conc $c --kind $kind"
		"$BENCH_PY" - "$out" "$kind" "$c" "$((u1 - u0))" "$((s1 - s0))" "$hz" \
		    "$((cases1 - cases0))" "$me ($how)" <<'EOF' || bad=$((bad + 1))
import json, sys
j = json.loads(sys.argv[1])
kind, c, u, s, hz, cases, how = sys.argv[2:]
u, s, hz, cases = int(u), int(s), int(hz), int(cases)
def fig(name, value, unit):
    print("FIGURE\tmilter.%s.c%s.%s\t%s\t%s\t%s" % (kind, c, name, value, unit, how))
n = j["ok"]
if kind == "ordinary":
    fig("msgs_per_s", round(n / j["wall"], 1), "msg/s")
else:
    fig("reports_per_s", round(cases / j["wall"], 1), "reports/s")
fig("milter_cpu_per_msg", round((u + s) / hz / max(n, 1) * 1000, 3), "ms")
fig("milter_user_cpu_per_msg", round(u / hz / max(n, 1) * 1000, 3), "ms")
fig("gen_cpu_per_msg", round(j["gen_cpu"] / max(n, 1) * 1000, 3), "ms")
fig("latency_p50", round(j["p50"] * 1000, 2), "ms")
fig("latency_p99", round(j["p99"] * 1000, 2), "ms")
ok = n == j["count"] and (kind == "ordinary" or cases == n)
if not ok:
    print("# %s conc %s: %d of %d accepted, %d cases" % (kind, c, n, j["count"], cases),
          file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
	done
done
[ "$bad" = 0 ] && pass "every message accepted, every report committed as one case" ||
	fail "$bad runs lost messages or cases"
jb_milter_stop

if [ -n "$profile" ]; then
	p=$(mktestdir profile)
	pport=$(free_port)
	JB_CONF=$(jb_conf "$p/jubao" "$pport" "delivery_method = smtp" \
	    "smtp_relay = 127.0.0.1:$sink_port" "store_busy_timeout = 30s")
	out="$p/callgrind.out"
	jb_milter_start "$JB_CONF" "${ns[@]}" valgrind --tool=callgrind \
	    --callgrind-out-file="$out" --dump-instr=no ||
		{ fail "jubao-milter under callgrind did not start"; finish; }
	vpid=$JB_MILTER_PID
	$GEN "127.0.0.1:$pport" "$d/pool" --count 5 --conc 1 --kind small --tag pw >/dev/null
	callgrind_control -z "$vpid" >/dev/null
	$GEN "127.0.0.1:$pport" "$d/pool" --count 60 --conc 2 --kind small --tag ps | diag
	callgrind_control -d small "$vpid" >/dev/null
	$GEN "127.0.0.1:$pport" "$d/pool" --count 20 --conc 2 --kind mix --tag pm | diag
	callgrind_control -d mix "$vpid" >/dev/null
	jb_milter_stop
	{
		echo "# jubao-milter under callgrind: $me --profile"
		echo "# $(machine_line), $(date -u +%Y-%m-%dT%H:%MZ)"
		for part in "$out".*; do
			grep -q '^desc: Trigger: .*\(small\|mix\)' "$part" || continue
			echo
			echo "## $(sed -n 's/^desc: Trigger: //p' "$part")"
			echo "### self (exclusive) instructions"
			callgrind_annotate --inclusive=no --threshold=100 "$part" 2>/dev/null |
			    sed -n '/^Ir/,$p' | grep -v -e 'clone\.S' -e 'start_thread' |
			    head -n 32
			echo "### inclusive instructions"
			callgrind_annotate --inclusive=yes --threshold=100 "$part" 2>/dev/null |
			    sed -n '/^Ir/,$p' | grep -v -e '???:0x' -e 'clone\.S' -e 'start_thread' |
			    head -n 45
		done
	} >"$profile"
	if grep -q '^## .*small' "$profile" && grep -q '^## .*mix' "$profile"; then
		pass "callgrind profile written to $profile"
	else
		fail "no callgrind profile ($(ls "$p"))"
	fi
fi
finish
