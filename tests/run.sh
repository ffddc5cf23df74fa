#!/bin/bash
# run.sh - run every test suite; the last line is "N passed, N failed"
#
# usage: tests/run.sh [SUITE ...]   (run from anywhere; default: all)
#
# "pg:SUITE" runs a suite with its store on PostgreSQL (JUBAO_TEST_ENGINE,
# tests/lib/jubao.sh); its log and line are named SUITE@pg.
#
# A suite is an executable that prints "ok - ..." / "not ok - ..." lines and
# ends with its own "N passed, N failed".  Each suite's output goes to
# $JUBAO_TEST_TMP/logs/NAME.log and is shown in full when it fails.  A suite
# that dies without its summary line counts as one failure.
#
# Suites run JUBAO_TEST_JOBS at a time (default 2): each has its own
# directory and reserves its ports under a lock (free_port), so they do not
# meet.  Those that measure time (SOLO below) run alone.  A suite's line is
# printed when it ends.

top=$(cd "$(dirname "$0")/.." && pwd)
# the suites that run a second time with the store on PostgreSQL
PG_SUITES="tests/e2e/t-email.sh tests/e2e/t-workflow.sh tests/e2e/t-stats.sh tests/e2e/t-query.sh tests/sip/t-hotline.sh"
cd "$top" || exit 2
export JUBAO_TEST_TMP="${JUBAO_TEST_TMP:-/tmp/jubao-test}"
logs="$JUBAO_TEST_TMP/logs"
mkdir -p "$logs"

if [ $# -gt 0 ]; then
	suites="$*"
else
	suites="tests/unit/t_unit tests/unit/t_store tests/unit/t_store_case tests/t-golden.sh tests/t-derive.sh tests/t-conf.sh tests/t-install.sh tests/t-deb.sh tests/t-bench-smoke.sh tests/t-fuzz-regress.sh tests/t-fuzz.sh tests/t-hostile.sh tests/t-asan.sh"
	for f in tests/milter/t-*.sh tests/e2e/t-*.sh tests/sip/t-*.sh; do
		[ -f "$f" ] && suites="$suites $f"
	done
	# the same suites with the store on PostgreSQL (issue 11)
	for f in $PG_SUITES; do
		suites="$suites pg:$f"
	done
fi

# the suites that measure time: nothing else runs beside them
SOLO=" tests/t-bench-smoke.sh tests/e2e/t-complexity.sh tests/e2e/t-purge.sh tests/e2e/t-stop.sh tests/t-deb.sh "
# the longest suites, longest first (seconds in CI, issue 15's runs)
LONG=" tests/e2e/t-twomx.sh tests/t-fuzz.sh tests/sip/t-query.sh tests/t-asan.sh tests/e2e/t-kill9.sh tests/t-hostile.sh tests/e2e/t-failover.sh tests/sip/t-abuse.sh tests/sip/t-media.sh "
jobs_max=${JUBAO_TEST_JOBS:-2}

# The whole run, in an order that ends soonest: the SOLO suites first,
# one by one, while nothing else needs the machine (later each would wait
# for the running suites to drain); then the longest, so that the short
# ones fill in beside them and the two lanes end together.
if [ $# -eq 0 ]; then
	first= rest=
	for s in $SOLO $LONG; do
		case " $suites " in *" $s "*) first="$first $s" ;; esac
	done
	for s in $suites; do
		case " $SOLO$LONG " in *" $s "*) ;; *) rest="$rest $s" ;; esac
	done
	suites="$first $rest"
fi

# run_suite - run_suite SUITE: run one (pg:SUITE on PostgreSQL), its log in
# $logs/NAME.log and "passed failed exit seconds" in $logs/NAME.res
run_suite() {
	local s=$1 engine=sqlite name log start rc summary p f
	case $s in
	pg:*) engine=postgresql; s=${s#pg:} ;;
	esac
	name=$(basename "$s" .sh)
	[ "$engine" = postgresql ] && name=$name@pg
	log="$logs/$name.log"
	rm -f "$logs/$name.res"
	start=$(date +%s)
	# the shell suites are bash (tests/lib/common.sh); programs run as they are
	case $s in
	*.sh) JUBAO_TEST_ENGINE=$engine bash "$s" >"$log" 2>&1 ;;
	*) "./$s" >"$log" 2>&1 ;;
	esac
	rc=$?
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$summary" ]; then
		p=$(echo "$summary" | sed 's/ passed.*//')
		f=$(echo "$summary" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')
	else
		p=0
		f=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	echo "$p $f $rc $(( $(date +%s) - start ))" >"$logs/$name.res.tmp"
	mv "$logs/$name.res.tmp" "$logs/$name.res"
}

# suite_name - the NAME of a suite as run_suite names it
suite_name() {
	case $1 in
	pg:*) echo "$(basename "${1#pg:}" .sh)@pg" ;;
	*) basename "$1" .sh ;;
	esac
}

# report - print the line of each suite in $pending that has ended, add
# it to the totals, and keep only those still running in $pending
total_pass=0
total_fail=0
pending=
report() {
	local name left= p f rc secs summary
	for name in $pending; do
		if [ ! -f "$logs/$name.res" ]; then
			left="$left $name"
			continue
		fi
		read -r p f rc secs <"$logs/$name.res"
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
		if [ "$f" -ne 0 ]; then
			summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/$name.log" | tail -n 1)
			echo "== $name: FAILED (exit $rc, ${secs}s): $summary"
			sed 's/^/    /' "$logs/$name.log" | tail -n 80
		else
			echo "== $name: $p ok (${secs}s)"
		fi
	done
	pending=$left
}

for s in $suites; do
	name=$(suite_name "$s")
	case $SOLO in
	*" ${s#pg:} "*)
		wait
		report
		pending="$pending $name"
		run_suite "$s"
		report
		continue ;;
	esac
	pending="$pending $name"
	rm -f "$logs/$name.res"	# (a last run's, before report looks)
	run_suite "$s" &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n
		report
	done
	report
done
wait
report
# nothing a test started may outlive it (give what was stopped 5 s to go)
for i in 1 2 3 4 5 6 7 8 9 10; do
	left=$(ps -eo pid=,args= | grep -F "$JUBAO_TEST_TMP/" | grep -v grep)
	[ -z "$left" ] && break
	sleep 0.5
done
if [ -n "$left" ]; then
	echo "== leftovers: FAILED: processes started by the tests are still running:"
	echo "$left" | sed 's/^/    /'
	total_fail=$((total_fail + 1))
else
	echo "== leftovers: none"
	total_pass=$((total_pass + 1))
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
