#!/bin/bash
# t-bench-smoke.sh - the benchmarks still run: make bench-smoke
#
# Benchmarks measure, they do not test; CI runs only their short smoke run,
# and this checks that each bench ran, passed its own sanity checks, and
# printed its headline figures as numbers above zero.
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh

out="$JUBAO_TEST_ROOT/bench"
t0=$(now_us)
# through the Makefile, as "make bench" runs it (run.sh is bash, not sh)
BENCH_OUT=$out make -s bench-smoke >"$JUBAO_TEST_ROOT/run.out" 2>&1
rc=$?
secs=$((($(now_us) - t0) / 1000000))
[ "$rc" = 0 ] && pass "make bench-smoke ran every bench (${secs} s)" ||
	{ fail "make bench-smoke failed (exit $rc)"; diag <"$JUBAO_TEST_ROOT/run.out"; }

# positive - positive BENCH FIGURE: the figure was printed and is a number > 0
positive() {
	local v
	v=$(awk -F'\t' -v b="$1" -v f="$2" '$1 == b && $2 == f { print $3 }' "$out/figures.tsv")
	if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v + 0 > 0) }'; then
		pass "bench-$1: $2 = $v"
	else
		fail "bench-$1: $2 is '${v:-missing}'"
	fi
}

for f in none.msgs_per_s pass.msgs_per_s jubao.msgs_per_s ratio.jubao_vs_none \
    ratio.pass_vs_none jubao.report_latency_p50 jubao.report_latency_p99 \
    jubao.milter_cpu_per_report gencheck.smtp_source_msgs_per_s \
    gencheck.mailgen_msgs_per_s; do
	positive mail "mail.$f"
done
for f in ordinary.c4.msgs_per_s small.c4.reports_per_s small.c4.milter_cpu_per_msg \
    mix.c4.reports_per_s mix.c4.milter_cpu_per_msg mix.c4.latency_p99; do
	positive milter "milter.$f"
done
for f in writers.2.commits_per_s writers.2.p50 writers.2.p99 writers.2.reopen.commits_per_s \
    stats_year stats_onepass list_all list_50 show show_inprocess; do
	positive store "store.$f"
done
for f in mail.pg.msgs_per_s mail.sqlite.msgs_per_s mail.ratio.pg_vs_sqlite \
    mail.ratio.two_milters_vs_one stored.pg.ratio_to_message stored.sqlite.ratio_to_message \
    copy_from_seconds stats_year.sqlite stats_year.pg size_per_case.pg; do
	positive pg "pg.$f"
done
for f in url-parens.parse_0.5mb encoded-words.parse_0.5mb accounts.parse_0.5mb \
    url-parens.growth_0.25_to_0.5mb; do
	positive complexity "complexity.$f"
done
for f in static.requests_per_s static.p99 lookup.requests_per_s lookup.p99 \
    ratio.lookup_vs_static; do
	positive web "web.$f"
done
for f in web.reports_per_s web.p99 mail.reports_per_s mail.p99 ratio.web_vs_mail.reports_per_s; do
	positive zones "zones.$f"
done
[ -s "$out/RESULTS-smoke.md" ] && grep -q '^| mail.ratio.jubao_vs_none |' "$out/RESULTS-smoke.md" &&
	pass "the smoke run's RESULTS-smoke.md has the table" ||
	fail "no table in $out/RESULTS-smoke.md"
finish
