#!/bin/bash
# run.sh - run jubao's benchmarks, print one table, write RESULTS.md
#
# usage: tests/bench/run.sh [--smoke] [BENCH ...]   (default: mail milter store pg complexity web zones)
#
# Runs tests/bench/bench-BENCH.sh for each BENCH (with --smoke: CI's short
# run of each, only to keep them working), collects the FIGURE lines they
# print (see tests/bench/lib.sh) and prints them as one table.  A full run
# writes tests/bench/RESULTS.md (date, machine, every figure with the
# command that produced it) and the milter's callgrind profile,
# tests/bench/PROFILE-milter.txt; a smoke run writes RESULTS-smoke.md in
# its output directory instead, so that CI never overwrites measurements.
# The output directory ($BENCH_OUT, or a new $JUBAO_TEST_TMP/bench-run.*)
# keeps each bench's whole output (BENCH.log) and figures.tsv; a smoke run
# that passes without BENCH_OUT removes its directory.
# Exit status: 0 when every bench ran and its sanity checks passed.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
smoke=
[ "${1:-}" = --smoke ] && { smoke=1; shift; }
benches=${*:-mail milter store pg complexity web zones}
export JUBAO_TEST_TMP="${JUBAO_TEST_TMP:-/tmp/jubao-test}"
# a directory of this run's own: runs at the same time must not mix logs
mkdir -p "$JUBAO_TEST_TMP" || exit 2
out=${BENCH_OUT:-$(mktemp -d "$JUBAO_TEST_TMP/bench-run.XXXXXX")} || exit 2
mkdir -p "$out" || exit 2
if [ -n "$smoke" ]; then
	results="$out/RESULTS-smoke.md"
else
	results=tests/bench/RESULTS.md
fi
figs="$out/figures.tsv"
: >"$figs"
status=0
started=$(date -u +%Y-%m-%dT%H:%MZ)
t_all=$(date +%s)
for b in $benches; do
	s=tests/bench/bench-$b.sh
	[ -f "$s" ] || { echo "run.sh: no $s" >&2; status=1; continue; }
	args=()
	[ -n "$smoke" ] && args+=(--smoke)
	[ -z "$smoke" ] && [ "$b" = milter ] && args+=(--profile tests/bench/PROFILE-milter.txt)
	t0=$(date +%s)
	bash "$s" "${args[@]}" >"$out/$b.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/$b.log" | tail -n 1)
	n=$(grep -c '^FIGURE' "$out/$b.log")
	if [ "$rc" -ne 0 ] || [ -z "$summary" ] || [ "$n" -eq 0 ]; then
		echo "== bench-$b: FAILED (exit $rc, ${secs}s, $n figures): ${summary:-no summary}"
		grep -E '^not ok|^# ' "$out/$b.log" | tail -n 20 | sed 's/^/    /'
		status=1
	else
		echo "== bench-$b: $n figures, $summary (${secs}s)"
	fi
	grep '^FIGURE' "$out/$b.log" | sed "s/^FIGURE/$b/" >>"$figs"
done

# the table
printf '\n%-44s %14s  %s\n' FIGURE VALUE UNIT
awk -F'\t' '{ printf "%-44s %14s  %s\n", $2, $3, $4 }' "$figs"

# RESULTS.md
{
	echo "# jubao benchmarks${smoke:+ (smoke run: not measurements)}"
	echo
	echo "Written by \`tests/bench/run.sh${smoke:+ --smoke}${*:+ $*}\` (\`make bench\`); do not edit by hand."
	echo
	echo "- date: $started, $(($(date +%s) - t_all)) s in all"
	echo "- machine: nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	    "$(awk '/^MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)," \
	    "kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "- store and queues on: $(df -T "${JUBAO_TEST_TMP}" | awk 'NR == 2 { print $2 }')" \
	    "($(findmnt -n -o SOURCE --target "$JUBAO_TEST_TMP" 2>/dev/null))"
	echo "- source: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
	echo "- versions: $(postconf -d mail_version 2>/dev/null), SQLite $(sqlite3 --version | cut -d' ' -f1)," \
	    "libmilter $(dpkg-query -W -f='${Version}' libmilter1.0.1 2>/dev/null)"
	echo "- load average when done: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows here: compare ratios of one run)"
	echo
	echo "Every figure was measured in this run; a ratio compares figures of the"
	echo "same run.  COMMAND is what produced the figure (PORT, POOL, QUEUE, CONF"
	echo "and DB are the run's own ports, message pool, queue directory,"
	echo "configuration and store file, under \`$JUBAO_TEST_TMP\`)."
	for b in $benches; do
		echo
		echo "## bench-$b"
		echo
		echo "| figure | value | unit | command |"
		echo "|---|---:|---|---|"
		awk -F'\t' -v b="$b" '$1 == b {
			gsub(/\|/, "\\|", $5)
			printf "| %s | %s | %s | `%s` |\n", $2, $3, $4, $5 }' "$figs"
	done
	if [ -z "$smoke" ] && [ -f tests/bench/PROFILE-milter.txt ]; then
		echo
		echo "The callgrind profile of jubao-milter is in \`tests/bench/PROFILE-milter.txt\`."
	fi
} >"$results"
echo
if [ -n "$smoke" ] && [ -z "${BENCH_OUT:-}" ] && [ "$status" = 0 ]; then
	rm -rf -- "$out"		# a passing smoke run keeps nothing
	echo "smoke run passed"
else
	echo "results: $results (logs in $out)"
fi
exit "$status"
