#!/bin/bash
# t-fuzz.sh - CI's fuzzing run: every libFuzzer target for FUZZ_SECONDS (60)
# through tests/fuzz/run.sh, two at a time (the machine has two cores).  A
# target that finds a crash, leak, timeout or runaway allocation fails here;
# its input is saved under tests/fuzz/out/ to become a regression test.
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh
secs=${FUZZ_SECONDS:-60}
sh tests/fuzz/run.sh 1 caseno >"$JUBAO_TEST_ROOT/build.out" 2>&1 ||
	{ fail "the fuzz targets do not build: $(tail -5 "$JUBAO_TEST_ROOT/build.out")"; finish; }
set -- mime caseno conf tmpl sdp rtp dtmf
while [ $# -gt 0 ]; do
	a=$1; b=${2:-}
	shift; [ -n "$b" ] && shift
	sh tests/fuzz/run.sh "$secs" "$a" >"$JUBAO_TEST_ROOT/$a.out" 2>&1 &
	pa=$!
	[ -n "$b" ] && { sh tests/fuzz/run.sh "$secs" "$b" >"$JUBAO_TEST_ROOT/$b.out" 2>&1 & }
	pb=$!
	on_exit "kill $pa $pb 2>/dev/null; true"
	wait "$pa"; ra=$?
	[ -n "$b" ] && { wait "$pb"; rb=$?; }
	for t in $a $b; do
		line=$(grep "^fuzz_$t:" "$JUBAO_TEST_ROOT/$t.out")
		r=$ra; [ "$t" = "$b" ] && r=$rb
		if [ "$r" = 0 ] && [[ "$line" == *", 0 crashes"* ]]; then
			pass "$line (${secs} s)"
		else
			fail "fuzz_$t: ${line:-no result}: $(tail -3 "$JUBAO_TEST_ROOT/$t.out")"
		fi
	done
done
finish
