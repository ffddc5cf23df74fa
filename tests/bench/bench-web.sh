#!/bin/bash
# bench-web.sh - jubao-webd under load: the status lookup against a store
# of 1,000,000 cases, side by side with the static file the same program
# serves (its ceiling), in one run
#
# usage: tests/bench/bench-web.sh [--smoke] [--cases N] [--seconds S] [--connections C]
#        (defaults: 1,000,000 cases, 10 s a load, 32 connections, 2 wrk
#         threads; --smoke: 10,000 cases, 2 s)
#
# The store: tests/bench/storebench generate (handled cases over a year),
# then tests/tools/webfx pins gives 100,000 cases picked at random a PIN
# (kept as the store keeps one, a keyed hash) and lists them.  jubao-webd
# runs as it is shipped (web_trusted_proxies' default trusts 127.0.0.1,
# the lookup limits are the defaults).  wrk, on the same 2-core machine:
#   static	GET /static/style.css (answered from memory: the ceiling)
#   lookup	POST /status with the right PIN of a random listed case, a
#		different X-Forwarded-For address each (web-lookup.lua: the
#		per-source limits are applied to every request, and none is
#		refused by them); each answer is LOOKUP_OK, and every lookup
#		writes its attempt and its event in one transaction
# Figures: requests/s and p99 (wrk --latency) of each, the ratio lookup /
# static (the issue's goal: >= 0.8, p99 <= 20 ms on 2 cores).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/bench/lib.sh

smoke= ncases=1000000 secs=10 conns=32 npins=100000
[ -n "${SMOKE:-}" ] && set -- --smoke "$@"
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ncases=10000 secs=2 npins=2000 ;;
	--cases) ncases=$2; shift ;;
	--seconds) secs=$2; shift ;;
	--connections) conns=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--cases N] [--seconds S] [--connections C]" >&2; exit 2 ;;
	esac
	shift
done
[ "$npins" -gt "$ncases" ] && npins=$ncases
me="tests/bench/bench-web.sh${smoke:+ --smoke} --cases $ncases --seconds $secs --connections $conns"
make -s web/jubao-webd tests/tools/webfx tests/bench/storebench >&2 ||
	{ fail "cannot build jubao-webd, webfx, storebench"; finish; }
command -v wrk >/dev/null || { fail "no wrk (Debian package wrk)"; finish; }
d=$(mktestdir web)
port=$(free_port)
base="http://127.0.0.1:$port"
conf=$(jb_conf "$d/s" 1 "web_listen = 127.0.0.1:$port" "store_busy_timeout = 30s")
JB_CONF=$conf

# the store, and the cases whose PINs the requests know
out=$(tests/bench/storebench generate "$conf" "$ncases" "$(date +%s)") ||
	{ fail "storebench generate: $out"; finish; }
out=$(tests/tools/webfx pins "$conf" "$npins" "$d/pairs" 7) || { fail "webfx pins: $out"; finish; }
n=$(jb_sql "SELECT count(*) FROM cases")
[ "$n" = "$ncases" ] && [ "$(wc -l <"$d/pairs")" = "$npins" ] &&
	pass "$ncases cases, $npins of them with a known PIN" || fail "$n cases, $(wc -l <"$d/pairs") PINs"

web/jubao-webd -f -c "$conf" >>"$d/webd.log" 2>&1 &
pid=$!
on_exit "bench_kill $pid"
wait_for -t 10 port_owned_by "$port" "$pid" || { fail "jubao-webd did not listen"; diag <"$d/webd.log"; finish; }

# ms - wrk's latency (123.45us, 1.23ms, 1.02s) in milliseconds
ms() {
	awk -v v="$1" 'BEGIN { n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
		printf "%.2f\n", n }'
}
# load - load NAME WRK-ARGS...: one wrk run; sets rps, p99, bad
load() {
	local name=$1
	shift
	wrk -t2 -c"$conns" -d1s "$@" >/dev/null 2>&1	# warm-up
	wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" >"$d/$name.wrk" 2>&1
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$d/$name.wrk")
	p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$d/$name.wrk")")
	bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$d/$name.wrk")
	bad=${bad:-0}
	diag "$name: $(grep -E 'Requests/sec|requests in|Non-2xx|Socket errors' "$d/$name.wrk" | tr '\n' ' ')"
}

lookups0=$(jb_sql "SELECT count(*) FROM lookups")
load static "$base/static/style.css"
s_rps=$rps s_p99=$p99
[ "$bad" = 0 ] && [ -n "$rps" ] && pass "static: every answer 200 ($rps requests/s)" || fail "static: $bad errors"
load lookup -s tests/bench/web-lookup.lua "$base/" -- "$d/pairs"
l_rps=$rps l_p99=$p99
[ "$bad" = 0 ] && [ -n "$rps" ] && pass "lookup: every answer 200 ($rps requests/s)" || fail "lookup: $bad answers not 200"
ok=$(jb_sql "SELECT count(*) FROM lookups WHERE ok = 1")
all=$(jb_sql "SELECT count(*) FROM lookups")
[ "$ok" -gt 0 ] && [ "$ok" = "$((all - lookups0))" ] &&
	pass "lookup: all $ok lookups found their case (none refused by a limit, none denied)" ||
	fail "lookup: $ok of $((all - lookups0)) lookups found their case"

figure web.static.requests_per_s "$s_rps" requests/s "$me (wrk -t2 -c$conns -d${secs}s --latency URL/static/style.css)"
figure web.static.p99 "$s_p99" ms "$me (wrk --latency, static)"
figure web.lookup.requests_per_s "$l_rps" requests/s "$me (wrk -t2 -c$conns -d${secs}s --latency -s tests/bench/web-lookup.lua URL/ -- PAIRS)"
figure web.lookup.p99 "$l_p99" ms "$me (wrk --latency, lookup)"
figure web.ratio.lookup_vs_static "$(calc "round($l_rps / $s_rps, 3)")" ratio "$me (goal >= 0.8)"
figure web.lookup.webd_cpu_s "$(proc_cpu "$pid")" s "$me (jubao-webd's CPU seconds over both loads and warm-ups)"
bench_kill "$pid"
finish
