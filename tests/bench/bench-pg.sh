#!/bin/bash
# bench-pg.sh - the store on PostgreSQL beside the store on SQLite (issue 11)
#
# usage: tests/bench/bench-pg.sh [--smoke] [--rounds R] [--count N] [--sessions S] [--cases C]
#        (defaults: 3 rounds of 1000 messages over 20 sessions, 1,000,000
#         cases; --smoke: 1 round of 60, 10,000 cases)
#
# A private PostgreSQL cluster with fsync on (every commit durable, as
# SQLite's synchronous=FULL), on a unix socket.  Four private Postfix
# instances relay to one smtp-sink (which keeps nothing):
#   sqlite   jubao-milter on an SQLite store
#   pg       jubao-milter on a PostgreSQL database
#   pg2a/b   two more Postfix instances, each with its own jubao-milter,
#            both on a second PostgreSQL database: two MX hosts
# (a) tests/bench/mailgen.py sends the mix of bench-mail.sh (70 % ordinary
#     mail, 30 % reports with 0-3 attachments) to sqlite, pg and to pg2a
#     and pg2b at once (half the messages each: the same total load), the
#     order rotated every round.  A round's rate is messages over the time
#     until the queues are empty; the figures are medians over the rounds,
#     and the ratios are of those medians: PostgreSQL / SQLite (goal
#     >= 0.9), two milters / one.  Stored bytes per case over the original
#     message's bytes: store (file, or pg_database_size) plus evidence_dir.
# (b) tests/bench/storebench generate: C handled cases over a year in
#     SQLite; jubaoctl copy-from into PostgreSQL (timed); jubaoctl stats
#     over the year on each engine (median of 3); the size of each store
#     per case.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh
. tests/bench/lib.sh

smoke= rounds=3 count=1000 sessions=20 ncases=1000000 warm=40
[ -n "${SMOKE:-}" ] && set -- --smoke "$@"
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 rounds=1 count=60 ncases=10000 warm=10 ;;
	--rounds) rounds=$2; shift ;;
	--count) count=$2; shift ;;
	--sessions) sessions=$2; shift ;;
	--cases) ncases=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--rounds R] [--count N] [--sessions S] [--cases C]" >&2; exit 2 ;;
	esac
	shift
done
me="tests/bench/bench-pg.sh${smoke:+ --smoke} --rounds $rounds --count $count --sessions $sessions --cases $ncases"
MG="$BENCH_PY tests/bench/mailgen.py"
SB=tests/bench/storebench
make -s "$SB" >&2 || { fail "cannot build $SB"; finish; }

d=$(mktestdir pgbench)
if [ -n "$smoke" ]; then
	$MG make "$d/pool" --reports 12 --ordinary 16 | diag
else
	$MG make "$d/pool" | diag
fi
JB_PG_FSYNC=on jb_pg_start "$d/pg" || { fail "no PostgreSQL cluster"; finish; }
sink_port=$(free_port)
bench_sink_start "$sink_port" "$d/sink.log" || { fail "smtp-sink did not start"; finish; }
echo "nameserver 127.0.0.1" >"$d/resolv.conf"

# milter - milter NAME [LINE...]: a jubao-milter of its own (no DNS leaves
# the host: resolv.conf names 127.0.0.1); sets mport[NAME], mpid[NAME]
declare -A mport mpid conf port
milter() {
	local name=$1
	shift
	mport[$name]=$(free_port)
	conf[$name]=$(jb_conf "$d/$name" "${mport[$name]}" "delivery_method = smtp" \
	    "smtp_relay = 127.0.0.1:$sink_port" "store_busy_timeout = 30s" "$@")
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$d/resolv.conf" \
	    "$JB_MILTER" -f -c "${conf[$name]}" >>"$d/$name/milter.log" 2>&1 &
	mpid[$name]=$!
	on_exit "bench_kill ${mpid[$name]}"
	wait_port "${mport[$name]}" 10
}
pg1=$(jb_pg_createdb bench1) && pg2=$(jb_pg_createdb bench2) || { fail "createdb"; finish; }
milter sqlite || { fail "milter sqlite"; finish; }
milter pg "store_engine = postgresql" "store_conninfo = $pg1" || { fail "milter pg"; finish; }
milter pg2a "store_engine = postgresql" "store_conninfo = $pg2" || { fail "milter pg2a"; finish; }
mkdir -p "$d/pg2b" && cp -p "$d/pg2a/jubao.key" "$d/pg2b/"	# one site, one key
milter pg2b "store_engine = postgresql" "store_conninfo = $pg2" || { fail "milter pg2b"; finish; }
for c in sqlite pg pg2a pg2b; do
	port[$c]=$(free_port)
	pf_start "$d/pf-$c" "${port[$c]}" "$sink_port" "inet:127.0.0.1:${mport[$c]}" ||
		{ fail "postfix ($c) did not start"; finish; }
done

# cases_of - cases_of CONFIG: the cases in that configuration's store
cases_of() {
	JB_CONF=${conf[$1]} jb_sql "SELECT count(*) FROM cases"
}

# send - send CONFIG ROUND: one round; appends "CONFIG ROUND OK SECONDS CASES" to $d/rounds
send() {
	local c=$1 r=$2 out a b c0 c1
	if [ "$c" = pg2 ]; then
		c0=$(cases_of pg2a)
		$MG send "127.0.0.1:${port[pg2a]}" "$d/pool" --count $((count / 2)) \
		    --sessions $((sessions / 2)) --tag "a$r" --queue "$d/pf-pg2a/queue" >"$d/a.json" &
		a=$!
		$MG send "127.0.0.1:${port[pg2b]}" "$d/pool" --count $((count - count / 2)) \
		    --sessions $((sessions - sessions / 2)) --tag "b$r" --queue "$d/pf-pg2b/queue" >"$d/b.json"
		wait "$a"
		c1=$(cases_of pg2a)
		out=$("$BENCH_PY" -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
print(a["ok"] + b["ok"], max(a["t_relayed"], b["t_relayed"]), a["failed"] + b["failed"])' "$d/a.json" "$d/b.json")
	else
		c0=$(cases_of "$c")
		out=$($MG send "127.0.0.1:${port[$c]}" "$d/pool" --count "$count" \
		    --sessions "$sessions" --tag "$c$r" --queue "$d/pf-$c/queue" |
		    "$BENCH_PY" -c 'import json, sys; j = json.load(sys.stdin); print(j["ok"], j["t_relayed"], j["failed"])')
		c1=$(cases_of "$c")
	fi
	echo "$c $r $out $((c1 - c0))" >>"$d/rounds"
	diag "round $r $c: ok, seconds, failed: $out; $((c1 - c0)) cases"
}

for c in sqlite pg pg2a pg2b; do
	$MG send "127.0.0.1:${port[$c]}" "$d/pool" --count "$warm" --sessions 4 \
	    --tag "w$c" --queue "$d/pf-$c/queue" >/dev/null || diag "warm-up of $c had failures"
done
order=(sqlite pg pg2)
for ((r = 1; r <= rounds; r++)); do
	for ((k = 0; k < 3; k++)); do
		send "${order[(r - 1 + k) % 3]}" "$r"
	done
done

# bytes stored per case over the bytes of the original messages
# (evidence rows marked original hold the message's size); an empty
# database's own size (its catalogue, some 7 MB) is taken off first
empty=$(jb_conf "$d/empty" 1) && pg0=$(jb_pg_createdb empty) &&
	{ cat "$empty"; echo "store_engine = postgresql"; echo "store_conninfo = $pg0"; } >"$d/empty/pg.conf" &&
	"$JB_CTL" -c "$d/empty/pg.conf" list >/dev/null || fail "an empty database with the schema"
pg0size=$(jb_psql "host=$JB_PG_DIR port=$JB_PG_PORT user=jubao dbname=postgres" \
    "SELECT pg_database_size('empty')")
stored() {	# stored CONFIG STORE-BYTES
	local c=$1 sz=$2 ev orig n
	ev=$(du -sb "$d/$c/evidence" | cut -f1)
	n=$(cases_of "$c")
	orig=$(JB_CONF=${conf[$c]} jb_sql "SELECT coalesce(sum(size), 0) FROM evidence WHERE original = 1")
	"$BENCH_PY" -c "import sys; print(round(($sz + $ev) / $n), round(($sz + $ev) / $orig, 3), round($orig / $n))"
}
read -r sq_pc sq_ratio sq_msg < <(stored sqlite "$(stat -c %s "$d/sqlite/jubao.db")")
pgsize=$(jb_psql "host=$JB_PG_DIR port=$JB_PG_PORT user=jubao dbname=postgres" \
    "SELECT pg_database_size('bench1')")
read -r pg_pc pg_ratio pg_msg < <(stored pg "$((pgsize - pg0size))")
for c in sqlite pg pg2a pg2b; do
	bench_kill "${mpid[$c]}"
	postfix -c "$d/pf-$c/etc" stop >/dev/null 2>&1 &
done

"$BENCH_PY" - "$d/rounds" "$me" "$count" "$sessions" <<'EOF' >"$d/figs"
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    c, r, ok, secs, failed, cases = line.split()
    rows.setdefault(c, []).append((int(ok) / float(secs), int(failed), int(cases)))
me, count, sessions = sys.argv[2:5]
how = ("each round: python3 tests/bench/mailgen.py send 127.0.0.1:PORT POOL --count %s "
       "--sessions %s --queue QUEUE; pg2: half of each to two Postfix+milter at once" % (count, sessions))
med = {c: statistics.median(x[0] for x in v) for c, v in rows.items()}
for c in ("sqlite", "pg", "pg2"):
    print("FIGURE\tpg.mail.%s.msgs_per_s\t%.1f\tmsg/s\t%s (%s)" % (c, med[c], me, how))
print("FIGURE\tpg.mail.ratio.pg_vs_sqlite\t%.3f\tx\t%s (%s)" % (med["pg"] / med["sqlite"], me, how))
print("FIGURE\tpg.mail.ratio.two_milters_vs_one\t%.3f\tx\t%s (%s)" % (med["pg2"] / med["pg"], me, how))
print("SANITY %d" % sum(x[1] for v in rows.values() for x in v))
EOF
grep '^FIGURE' "$d/figs"
[ "$(sed -n 's/^SANITY //p' "$d/figs")" = 0 ] && pass "every message was accepted in every round" ||
	fail "messages refused: $(sed -n 's/^SANITY //p' "$d/figs")"
how="$me (after the rounds: (store bytes + du -sb evidence_dir) / cases, and over sum(evidence.size) of the originals)"
figure pg.stored.sqlite.bytes_per_case "$sq_pc" B "$how"
figure pg.stored.sqlite.ratio_to_message "$sq_ratio" x "$how"
figure pg.stored.pg.bytes_per_case "$pg_pc" B "$how"
figure pg.stored.pg.ratio_to_message "$pg_ratio" x "$how"
figure pg.stored.message_bytes_per_case "$sq_msg" B "$how"

# (b) a year of cases on each engine
sconf=$(jb_conf "$d/big" 1 "store_busy_timeout = 30s")
pg3=$(jb_pg_createdb big) || { fail "createdb big"; finish; }
pconf=$d/big/pg.conf
{ cat "$sconf"; echo "store_engine = postgresql"; echo "store_conninfo = $pg3"; } >"$pconf"
end=$(date +%s)
from=$((end - 365 * 86400))
out=$("$SB" generate "$sconf" "$ncases" "$end") || { fail "generate failed: $out"; finish; }
diag "$out"
"$JB_CTL" -c "$sconf" rebuild-stats >/dev/null || fail "rebuild-stats"	# storebench wrote by hand
t0=$(now_us)
"$JB_CTL" -c "$pconf" copy-from "$d/big/jubao.db" >"$d/copy.out" 2>&1 &&
	grep -q "^copied and verified: 14 tables" "$d/copy.out" &&
	pass "$ncases cases copied into PostgreSQL and verified" || fail "copy-from: $(tail -3 "$d/copy.out")"
t1=$(now_us)
figure pg.copy_from_seconds "$(calc "round(($t1 - $t0) / 1e6, 1)")" s "$me (jubaoctl copy-from of $ncases generated cases, with its verification)"
for e in sqlite pg; do
	c=$sconf; [ "$e" = pg ] && c=$pconf
	ms=$(timed 3 "$JB_CTL" -c "$c" stats --from "@$from" --to "@$end") &&
		figure "pg.stats_year.$e" "$ms" ms "$me (jubaoctl stats --from @$from --to @$end over $ncases cases, median of 3: the rollup)"
	ms=$(timed 3 "$JB_CTL" -c "$c" stats --scan --from "@$from" --to "@$end") &&
		figure "pg.stats_year_scan.$e" "$ms" ms "$me (jubaoctl stats --scan --from @$from --to @$end over $ncases cases, median of 3: every case)"
	"$JB_CTL" -c "$c" --json stats --scan --from "@$from" --to "@$end" >"$d/scan-$e.json"
	"$JB_CTL" -c "$c" --json stats --from "@$from" --to "@$end" >"$d/stats-$e.json"
done
cmp -s "$d/stats-sqlite.json" "$d/stats-pg.json" && cmp -s "$d/stats-sqlite.json" "$d/scan-sqlite.json" &&
    cmp -s "$d/stats-pg.json" "$d/scan-pg.json" &&
	pass "the statistics are the same on both engines, from the rollup and from every case" ||
	fail "statistics differ: $(diff "$d/stats-sqlite.json" "$d/stats-pg.json" | head -5)"
psize=$(jb_psql "host=$JB_PG_DIR port=$JB_PG_PORT user=jubao dbname=postgres" "SELECT pg_database_size('big')")
figure pg.size_per_case.sqlite "$(( $(stat -c %s "$d/big/jubao.db") / ncases ))" B "$me (store file / $ncases generated cases)"
figure pg.size_per_case.pg "$(((psize - pg0size) / ncases))" B "$me ((pg_database_size - that of an empty store) / $ncases generated cases)"
finish
