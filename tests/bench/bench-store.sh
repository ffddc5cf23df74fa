#!/bin/bash
# bench-store.sh - the intake store: concurrent writers, and reads on a big store
#
# usage: tests/bench/bench-store.sh [--smoke] [--writers "2 4 8"] [--seconds S] [--cases N]
#        (defaults: 2, 4 and 8 writers for 10 s each; 1,000,000 cases;
#         --smoke: 2 writers for 3 s, 10,000 cases)
#
# (a) tests/bench/storebench writers: N processes commit reports through
#     the real intake pipeline (even ones as jubao-milter, intake_email
#     with the acknowledgement; odd ones as jubao-sipd, intake_call with
#     the staff notice and the call-ledger row), each on a fresh store:
#     commits per second and the p50/p99/max commit latency, the wait for
#     the writers' lock included.  Once more with 2 writers that open and
#     close the store around every report, as jubao-milter did before it
#     kept a handle per thread.
# (b) tests/bench/storebench generate: N handled cases over one year; then
#     jubaoctl list (all, and --limit 50), show and stats over the year are
#     timed (median of 3; show: 10 cases), every query of store_stats()
#     alone with sqlite3 -readonly (.timer), and storebench stats (a
#     one-pass store_stats, proposed).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/bench/lib.sh

smoke= writers="2 4 8" secs=10 ncases=1000000
[ -n "${SMOKE:-}" ] && set -- --smoke "$@"
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 writers=2 secs=3 ncases=10000 ;;
	--writers) writers=$2; shift ;;
	--seconds) secs=$2; shift ;;
	--cases) ncases=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--writers \"2 4 8\"] [--seconds S] [--cases N]" >&2; exit 2 ;;
	esac
	shift
done
me="tests/bench/bench-store.sh${smoke:+ --smoke} --writers \"$writers\" --seconds $secs --cases $ncases"
SB=tests/bench/storebench
make -s "$SB" >&2 || { fail "cannot build $SB"; finish; }
d=$(mktestdir store)

# kv - kv KEY LINE: the value of KEY=VALUE in LINE
kv() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# (a) concurrent writers
for n in $writers reopen; do
	if [ "$n" = reopen ]; then nw=2 mode=reopen; else nw=$n mode=; fi
	conf=$(jb_conf "$d/w-$n" 1 "store_busy_timeout = 30s")
	out=$("$SB" writers "$conf" "$nw" "$secs" $mode) ||
		{ fail "storebench writers $nw $mode failed: $out"; continue; }
	diag "writers $nw $mode: $out"
	how="$me (tests/bench/storebench writers CONF $nw $secs${mode:+ $mode})"
	tag=$nw${mode:+.reopen}
	figure "store.writers.$tag.commits_per_s" "$(kv commits_per_s "$out")" commits/s "$how"
	figure "store.writers.$tag.p50" "$(kv p50_ms "$out")" ms "$how"
	figure "store.writers.$tag.p99" "$(kv p99_ms "$out")" ms "$how"
	figure "store.writers.$tag.max" "$(kv max_ms "$out")" ms "$how"
	c=$(kv commits "$out")
	db="$d/w-$n/jubao.db"
	[ "$(kv busy "$out")" = 0 ] && [ "$c" -gt 0 ] &&
	    [ "$(sqlite3 -readonly "$db" "SELECT count(*) FROM cases")" = "$c" ] &&
		pass "$nw writers${mode:+ ($mode)}: $c commits, each one case, none busy" ||
		fail "$nw writers${mode:+ ($mode)}: $out; $(sqlite3 -readonly "$db" "SELECT count(*) FROM cases") cases"
done

# (b) reads on a big store
conf=$(jb_conf "$d/big" 1 "store_busy_timeout = 30s")
JB_CONF=$conf
db="$d/big/jubao.db"
end=$(date +%s)
from=$((end - 365 * 86400))
out=$("$SB" generate "$conf" "$ncases" "$end") || { fail "generate failed: $out"; finish; }
diag "$out"
n=$(sqlite3 -readonly "$db" "SELECT count(*) FROM cases")
[ "$n" = "$ncases" ] && pass "$ncases cases generated ($(kv seconds "$out") s, $(($(stat -c %s "$db") >> 20)) MB)" ||
	fail "$n cases generated for $ncases"
figure store.db_mb "$(($(stat -c %s "$db") >> 20))" MB "$me (tests/bench/storebench generate CONF $ncases END)"
# storebench wrote the tables by hand: the statistics' rollup from them
t0=$(now_us)
jb_ctl rebuild-stats >/dev/null || fail "rebuild-stats"
figure store.rebuild_stats "$((($(now_us) - t0) / 1000))" ms "$me (jubaoctl -c CONF rebuild-stats over $ncases cases)"


# rss - rss CMD...: the maximum resident set of CMD, in MB
rss() {
	/usr/bin/time -f '%M' -o "$d/rss" "$@" >/dev/null 2>&1
	echo $(($(cat "$d/rss") / 1024))
}

# reads - reads TAG: time jubaoctl and store_stats's queries; TAG "" or ".indexed"
reads() {
	local tag=$1 how ms cases c all=() q i name sql
	how="$me (jubaoctl -c CONF"
	ms=$(timed 3 jb_ctl stats --from "@$from" --to "@$end") &&
		figure "store.stats_year$tag" "$ms" ms "$how stats --from @$from --to @$end: the rollup)"
	ms=$(timed 3 jb_ctl stats --scan --from "@$from" --to "@$end") &&
		figure "store.stats_year_scan$tag" "$ms" ms "$how stats --scan --from @$from --to @$end: every case)"
	out=$("$SB" stats "$conf" "$from" "$end") && diag "one-pass stats$tag: $out" &&
		figure "store.stats_onepass$tag" "$(kv total_ms "$out")" ms \
		    "$me (tests/bench/storebench stats CONF $from $end: the proposed one-pass store_stats)"
	ms=$(timed 1 jb_ctl list --limit 0) && figure "store.list_all$tag" "$ms" ms "$how list --limit 0)"
	[ -z "$tag" ] && figure "store.list_all.rss" "$(rss "$JB_CTL" -c "$JB_CONF" list)" MB \
	    "$how list, maximum resident set by /usr/bin/time)"
	ms=$(timed 3 jb_ctl list --limit 50) && figure "store.list_50$tag" "$ms" ms "$how list --limit 50)"
	ms=$(timed 3 jb_ctl list --status awaiting_materials --limit 50) &&
		figure "store.list_status_50$tag" "$ms" ms "$how list --status awaiting_materials --limit 50)"
	cases=$(sqlite3 -readonly "$db" "SELECT case_no FROM cases WHERE id % $((ncases / 10)) = 7")
	for c in $cases; do
		ms=$(timed 1 jb_ctl show "$c") && all+=("$ms")
	done
	[ "${#all[@]}" -gt 0 ] &&
		figure "store.show$tag" "$(median "${all[@]}")" ms "$how show CASE, median over ${#all[@]} cases)"
	c=$(printf '%s\n' "$cases" | head -n 1)
	figure "store.show_inprocess$tag" "$(kv show_ms "$("$SB" show "$conf" "$c" 200)")" ms \
	    "$me (tests/bench/storebench show CONF $c 200: store_case_view alone)"
	# each query of store_stats() alone (shared/store_stats.c), for the planner's choices
	i=0
	while IFS='|' read -r name sql; do
		[ -n "$name" ] || continue
		sql=${sql//:from/$from}
		sql=${sql//:to/$end}
		ms=$(for r in 1 2 3; do
			printf '.timer on\n.output /dev/null\n%s;\n' "$sql" |
			    sqlite3 -readonly "$db" 2>&1 | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p'
		done | sort -n | sed -n 2p)
		figure "store.query.$name$tag" "$(calc "round($ms * 1000)")" ms \
		    "sqlite3 -readonly DB '$sql' (.timer, median of 3)"
		i=$((i + 1))
	done <<EOF
received|SELECT count(*) FROM cases WHERE received_at >= :from AND received_at < :to
accepted|SELECT count(DISTINCT e.case_id) FROM events e JOIN cases c ON c.id = e.case_id WHERE e.action = 'accept' AND c.received_at >= :from AND c.received_at < :to
disposed|SELECT count(*) FROM cases WHERE outcome = 'disposed' AND received_at >= :from AND received_at < :to
with_outcome|SELECT count(*) FROM cases WHERE outcome IS NOT NULL AND received_at >= :from AND received_at < :to
on_time|SELECT count(*) FROM cases WHERE outcome_at IS NOT NULL AND outcome_at <= deadline AND received_at >= :from AND received_at < :to
feedback_sent|SELECT count(*) FROM cases WHERE feedback_at IS NOT NULL AND received_at >= :from AND received_at < :to
by_channel|SELECT channel, count(*) FROM cases WHERE received_at >= :from AND received_at < :to GROUP BY channel
by_category|SELECT category, count(*) FROM cases WHERE received_at >= :from AND received_at < :to GROUP BY category
by_measure|SELECT m.measure, count(*) FROM measures m JOIN cases c ON c.id = m.case_id WHERE c.received_at >= :from AND c.received_at < :to GROUP BY m.measure
by_status|SELECT status, count(*) FROM cases WHERE received_at >= :from AND received_at < :to GROUP BY status
handling|SELECT outcome_at - received_at FROM cases WHERE outcome_at IS NOT NULL AND received_at >= :from AND received_at < :to ORDER BY 1
satisfaction|SELECT avg(satisfaction) FROM cases WHERE satisfaction IS NOT NULL AND received_at >= :from AND received_at < :to
EOF
}

reads ""
jb_ctl stats --from "@$from" --to "@$end" >"$d/stats.txt" 2>&1 &&
    grep -q "$ncases" "$d/stats.txt" &&
	pass "jubaoctl stats counts the $ncases cases" ||
	fail "jubaoctl stats: $(head -5 "$d/stats.txt")"
out=$(jb_stats_same "@$from" "@$end") && pass "the rollup gives what --scan gives over $ncases cases" ||
	fail "rollup and scan differ: $out"
finish
