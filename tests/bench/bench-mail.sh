#!/bin/bash
# bench-mail.sh - mail through Postfix with and without jubao-milter
#
# usage: tests/bench/bench-mail.sh [--smoke] [--rounds R] [--count N] [--sessions S]
#        (defaults: 3 rounds of 1000 messages over 20 sessions; --smoke: 1 round of 60)
#
# Three private Postfix instances, identical but for smtpd_milters, relay
# to one smtp-sink (which keeps nothing):
#   none   no milter
#   pass   tests/bench/passmilter.c: takes every callback, accepts at
#          end of message (what libmilter and the protocol cost alone)
#   jubao  jubao-milter (acknowledgements by SMTP straight to the sink,
#          not through the measured Postfix; its DNS is a mount namespace
#          whose resolv.conf names 127.0.0.1, so no query leaves the host)
# tests/bench/mailgen.py sends the mix (70 % ordinary mail, 30 % reports
# with 0-3 attachments of 20 KB-2 MB) to each in turn, the order rotated
# every round (ABC, BCA, CAB, ...).  A round's rate is messages over the
# time from the first connection until the queue is empty (all relayed);
# the figure is the median over the rounds, and the ratios are of those
# medians.  Added latency per report: the p50/p99 of the time from DATA to
# the final 250, pooled over all rounds, with jubao minus without milter.
# Also: smtp-source against mailgen.py --plain on plain 5 KB mail (no
# milter), to show that the generator is not the bottleneck.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh
. tests/bench/lib.sh

smoke= rounds=3 count=1000 sessions=20 plain=3000 idle=100 warm=40
[ -n "${SMOKE:-}" ] && set -- --smoke "$@"
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 rounds=1 count=60 plain=100 idle=6 warm=10 ;;
	--rounds) rounds=$2; shift ;;
	--count) count=$2; shift ;;
	--sessions) sessions=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--rounds R] [--count N] [--sessions S]" >&2; exit 2 ;;
	esac
	shift
done
me="tests/bench/bench-mail.sh${smoke:+ --smoke} --rounds $rounds --count $count --sessions $sessions"
MG="$BENCH_PY tests/bench/mailgen.py"

d=$(mktestdir mail)
cc -O2 -o "$d/passmilter" tests/bench/passmilter.c -lmilter -pthread ||
	{ fail "cannot build passmilter"; finish; }
if [ -n "$smoke" ]; then
	$MG make "$d/pool" --reports 12 --ordinary 16 | diag
else
	$MG make "$d/pool" | diag
fi

sink_port=$(free_port)
bench_sink_start "$sink_port" "$d/sink.log" || { fail "smtp-sink did not start"; finish; }

pass_port=$(free_port)
"$d/passmilter" "inet:$pass_port@127.0.0.1" >"$d/passmilter.log" 2>&1 &
pass_pid=$!
on_exit "bench_kill $pass_pid"
wait_port "$pass_port" || { fail "passmilter did not start"; finish; }

jport=$(free_port)
echo "nameserver 127.0.0.1" >"$d/resolv.conf"
JB_CONF=$(jb_conf "$d/jubao" "$jport" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$sink_port" "store_busy_timeout = 30s")
# shellcheck disable=SC2016 # expanded by the inner sh
jb_milter_start "$JB_CONF" unshare -m sh -c \
    'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$d/resolv.conf" ||
	{ fail "jubao-milter did not start"; finish; }

declare -A port
for c in none pass jubao; do
	port[$c]=$(free_port)
done
pf_start "$d/pf-none" "${port[none]}" "$sink_port" || { fail "postfix (none) did not start"; finish; }
pf_start "$d/pf-pass" "${port[pass]}" "$sink_port" "inet:127.0.0.1:$pass_port" ||
	{ fail "postfix (pass) did not start"; finish; }
pf_start "$d/pf-jubao" "${port[jubao]}" "$sink_port" "inet:127.0.0.1:$jport" ||
	{ fail "postfix (jubao) did not start"; finish; }

# send - send CONFIG ROUND: one round on one configuration; appends to $d/rounds
send() {
	local c=$1 r=$2 out cpu0 cpu1 m0 m1 cases0 cases1
	cases0=$(jb_sql "SELECT count(*) FROM cases")
	cpu0=$(machine_busy)
	m0=$(proc_cpu "$JB_MILTER_PID")
	out=$($MG send "127.0.0.1:${port[$c]}" "$d/pool" --count "$count" \
	    --sessions "$sessions" --tag "$c$r" --queue "$d/pf-$c/queue" \
	    --lat "$d/lat-$c")
	cpu1=$(machine_busy)
	m1=$(proc_cpu "$JB_MILTER_PID")
	cases1=$(jb_sql "SELECT count(*) FROM cases")
	printf '%s %s %s %s %s %s\n' "$c" "$r" "$(calc "$cpu1 - $cpu0")" \
	    "$(calc "$m1 - $m0")" "$((cases1 - cases0))" "$out" >>"$d/rounds"
	diag "round $r $c: $out"
}

# warm up every instance (processes forked, caches filled), not measured
for c in none pass jubao; do
	$MG send "127.0.0.1:${port[$c]}" "$d/pool" --count "$warm" --sessions "$sessions" \
	    --tag "w$c" --queue "$d/pf-$c/queue" >/dev/null ||
		diag "warm-up of $c had failures"
done

order=(none pass jubao)
for ((r = 1; r <= rounds; r++)); do
	for ((k = 0; k < 3; k++)); do
		send "${order[(r - 1 + k) % 3]}" "$r"
	done
done

# ordinary mail only (jubao steps aside at DATA): the same rotation
for ((r = 1; r <= rounds; r++)); do
	for ((k = 0; k < 3; k++)); do
		c=${order[(r - 1 + k) % 3]}
		out=$($MG send "127.0.0.1:${port[$c]}" "$d/pool" --count "$count" \
		    --sessions "$sessions" --only ordinary --tag "o$c$r" --queue "$d/pf-$c/queue")
		printf '%s %s\n' "$c" "$out" >>"$d/rounds-ordinary"
		diag "ordinary only, round $r $c: $out"
	done
done

# latency without load: reports only, one session, none against jubao
for c in none jubao; do
	out=$($MG send "127.0.0.1:${port[$c]}" "$d/pool" --count "$idle" --sessions 1 \
	    --only report --tag "i$c" --queue "$d/pf-$c/queue" --lat "$d/idle-$c")
	diag "unloaded $c: $out"
done

# generator check: smtp-source and mailgen.py on the same plain 5 KB mail
q="$d/pf-none/queue"
t0=$(now_us)
smtp-source -s "$sessions" -m "$plain" -l 5000 -f bench@example.net \
    -t someone@example.org "127.0.0.1:${port[none]}" >"$d/smtp-source.log" 2>&1
t1=$(now_us)
wait_for -t 120 eval "[ \"\$(find $q/incoming $q/active $q/deferred -type f | wc -l)\" = 0 ]"
t2=$(now_us)
src_send=$(calc "$plain / (($t1 - $t0) / 1e6)")
src_rel=$(calc "$plain / (($t2 - $t0) / 1e6)")
gen=$($MG send "127.0.0.1:${port[none]}" "$d/pool" --plain 5000 --count "$plain" \
    --sessions "$sessions" --tag plain --queue "$q")
diag "smtp-source: $plain messages: $src_send msg/s taken in, $src_rel msg/s relayed"
diag "mailgen.py --plain: $gen"

# measured: let the daemons begin to stop while the figures are computed
# (jubao-milter takes a few seconds; the exit actions wait for each by PID)
kill -TERM "$JB_MILTER_PID" "$pass_pid" 2>/dev/null
for c in none pass jubao; do
	postfix -c "$d/pf-$c/etc" stop >/dev/null 2>&1 &
done

"$BENCH_PY" - "$d" "$me" "$src_send" "$src_rel" "$gen" "$plain" "$sessions" "$count" "$idle" <<'EOF'
import json, statistics, subprocess, sys
d, me, src_send, src_rel, gen, plain, sessions, count, idle = sys.argv[1:]
rows = {}
for line in open(d + "/rounds"):
    c, r, busy, mcpu, cases, js = line.split(" ", 5)
    j = json.loads(js)
    j.update(busy=float(busy), mcpu=float(mcpu), cases=int(cases))
    rows.setdefault(c, []).append(j)
def med(c, k):
    return statistics.median(x[k] for x in rows[c])
def lat(c, f="lat"):
    out = subprocess.run([sys.executable, "tests/bench/mailgen.py", "stats", "report",
                          "%s/%s-%s" % (d, f, c)], capture_output=True, text=True).stdout.split()
    return float(out[0]) * 1000, float(out[1]) * 1000, int(out[2])
inner = ("each round: python3 tests/bench/mailgen.py send 127.0.0.1:PORT POOL --count %s "
         "--sessions %s --queue QUEUE" % (count, sessions))
def fig(name, value, unit, how=inner):
    print("FIGURE\t%s\t%s\t%s\t%s (%s)" % (name, value, unit, me, how))
for c in ("none", "pass", "jubao"):
    fig("mail.%s.msgs_per_s" % c, round(med(c, "rate_relayed"), 1), "msg/s")
for c in ("none", "pass", "jubao"):
    fig("mail.%s.intake_msgs_per_s" % c, round(med(c, "rate_send"), 1), "msg/s")
n, p, j = (med(c, "rate_relayed") for c in ("none", "pass", "jubao"))
fig("mail.ratio.jubao_vs_none", round(j / n, 3), "x")
fig("mail.ratio.pass_vs_none", round(p / n, 3), "x")
fig("mail.ratio.jubao_vs_pass", round(j / p, 3), "x")
ni, pi, ji = (med(c, "rate_send") for c in ("none", "pass", "jubao"))
fig("mail.ratio.intake.jubao_vs_none", round(ji / ni, 3), "x")
fig("mail.ratio.intake.pass_vs_none", round(pi / ni, 3), "x")
for c in ("none", "pass", "jubao"):
    ms = statistics.median(x["busy"] / x["ok"] * 1000 for x in rows[c])
    fig("mail.%s.machine_cpu_per_msg" % c, round(ms, 2), "ms")
l = {c: lat(c) for c in ("none", "pass", "jubao")}
for c in ("none", "pass", "jubao"):
    fig("mail.%s.report_latency_p50" % c, round(l[c][0], 1), "ms")
    fig("mail.%s.report_latency_p99" % c, round(l[c][1], 1), "ms")
fig("mail.jubao.added_latency_p50", round(l["jubao"][0] - l["none"][0], 1), "ms")
fig("mail.jubao.added_latency_p99", round(l["jubao"][1] - l["none"][1], 1), "ms")
how = ("python3 tests/bench/mailgen.py send 127.0.0.1:PORT POOL --only report --count %s "
       "--sessions 1 --queue QUEUE, to none and to jubao" % idle)
li = {c: lat(c, "idle") for c in ("none", "jubao")}
for c in ("none", "jubao"):
    fig("mail.%s.unloaded_report_latency_p50" % c, round(li[c][0], 1), "ms", how)
fig("mail.jubao.unloaded_added_latency_p50", round(li["jubao"][0] - li["none"][0], 1), "ms", how)
fig("mail.jubao.unloaded_added_latency_p99", round(li["jubao"][1] - li["none"][1], 1), "ms", how)
mc = sum(x["mcpu"] for x in rows["jubao"]) / max(1, sum(x["report"] for x in rows["jubao"]))
fig("mail.jubao.milter_cpu_per_report", round(mc * 1000, 2), "ms",
    "jubao-milter utime+stime from /proc/PID/stat over the jubao rounds / reports")
ro = {}
for line in open(d + "/rounds-ordinary"):
    c, js = line.split(" ", 1)
    ro.setdefault(c, []).append(json.loads(js))
how = ("each round: python3 tests/bench/mailgen.py send 127.0.0.1:PORT POOL --only ordinary "
       "--count %s --sessions %s --queue QUEUE" % (count, sessions))
om = {c: statistics.median(x["rate_relayed"] for x in ro[c]) for c in ro}
for c in ("none", "pass", "jubao"):
    fig("mail.ordinary_only.%s.msgs_per_s" % c, round(om[c], 1), "msg/s", how)
fig("mail.ordinary_only.ratio.jubao_vs_none", round(om["jubao"] / om["none"], 3), "x", how)
fig("mail.ordinary_only.ratio.pass_vs_none", round(om["pass"] / om["none"], 3), "x", how)
g = json.loads(gen)
how = ("smtp-source -s %s -m %s -l 5000 127.0.0.1:PORT vs python3 tests/bench/mailgen.py "
       "send 127.0.0.1:PORT POOL --plain 5000 --count %s --sessions %s, no milter, "
       "time to empty queue" % (sessions, plain, plain, sessions))
fig("mail.gencheck.smtp_source_msgs_per_s", round(float(src_rel), 1), "msg/s", how)
fig("mail.gencheck.mailgen_msgs_per_s", round(g["rate_relayed"], 1), "msg/s", how)
fig("mail.gencheck.mailgen_vs_smtp_source", round(g["rate_relayed"] / float(src_rel), 3), "x", how)
# sanity, read by the shell
bad = sum(x["failed"] for c in rows for x in rows[c]) + \
    sum(x["failed"] for c in ro for x in ro[c])
open(d + "/sanity", "w").write("%d %d %d\n" % (bad, sum(x["report"] for x in rows["jubao"]),
                               sum(x["cases"] for x in rows["jubao"])))
EOF
read -r failed reports cases <"$d/sanity" || { fail "no figures computed"; finish; }
[ "$failed" = 0 ] && pass "every message was accepted in every round" ||
	fail "$failed messages were refused or failed"
[ "$reports" -gt 0 ] && [ "$cases" = "$reports" ] &&
	pass "every report sent through jubao-milter became one case ($cases)" ||
	fail "$reports reports through jubao-milter, $cases cases"
finish
