#!/bin/sh
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
	suites="tests/unit/t_unit tests/unit/t_store tests/unit/t_store_case tests/t-golden.sh tests/t-derive.sh tests/t-conf.sh tests/t-install.sh tests/t-bench-smoke.sh tests/t-fuzz-regress.sh tests/t-fuzz.sh tests/t-hostile.sh tests/t-asan.sh"
	for f in tests/milter/t-*.sh tests/e2e/t-*.sh tests/sip/t-*.sh; do
		[ -f "$f" ] && suites="$suites $f"
	done
	# the same suites with the store on PostgreSQL (issue 11)
	for f in $PG_SUITES; do
		suites="$suites pg:$f"
	done
fi

total_pass=0
total_fail=0
for s in $suites; do
	engine=sqlite
	case $s in
	pg:*) engine=postgresql; s=${s#pg:} ;;
	esac
	name=$(basename "$s" .sh)
	[ "$engine" = postgresql ] && name=$name@pg
	log="$logs/$name.log"
	start=$(date +%s)
	# the shell suites are bash (tests/lib/common.sh); programs run as they are
	case $s in
	*.sh) JUBAO_TEST_ENGINE=$engine bash "$s" >"$log" 2>&1 ;;
	*) "./$s" >"$log" 2>&1 ;;
	esac
	rc=$?
	secs=$(( $(date +%s) - start ))
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
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$f" -ne 0 ]; then
		echo "== $name: FAILED (exit $rc, ${secs}s): $summary"
		sed 's/^/    /' "$log" | tail -n 80
	else
		echo "== $name: $p ok (${secs}s)"
	fi
done
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
