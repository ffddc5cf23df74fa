#!/bin/sh
# run.sh - build jubao's libFuzzer targets and run each for SECONDS
#
# usage: tests/fuzz/run.sh [SECONDS] [TARGET ...]   (default 60 s, every target)
#
# Targets (tests/fuzz/fuzz_*.c): mime conf tmpl caseno sdp rtp dtmf.  Each
# runs with -max_total_time=SECONDS -rss_limit_mb=2048 -timeout=10 over a
# working corpus in tests/fuzz/out/corpus/TARGET (kept between runs, so
# coverage accumulates), seeded from tests/data and tests/fuzz/seeds.  A
# crash, leak, timeout or out-of-memory input is saved as
# tests/fuzz/out/TARGET-{crash,leak,timeout,oom}-HASH; the run's log is
# tests/fuzz/out/TARGET.log.  Prints one line a target:
#
#     fuzz_mime: 123456 executions, 0 crashes
#
# then "N passed, N failed" (a target with a crash fails).  Turn every crash
# into a regression input: copy it to tests/fuzz/regress/TARGET/ (replayed
# by tests/t-fuzz-regress.sh).
secs=${1:-60}
[ $# -gt 0 ] && shift
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
targets=${*:-mime conf tmpl caseno sdp rtp dtmf}
out=tests/fuzz/out
mkdir -p "$out/corpus"

make -s -f tests/fuzz/fuzz.mk -j2 >"$out/build.log" 2>&1 || {
	cat "$out/build.log"
	echo "fuzz: the targets did not build"
	echo "0 passed, 1 failed"
	exit 1
}

# seeds - the seed files of a target, one a line
seeds() {
	case $1 in
	mime) ls tests/data/mail/*.eml tests/data/hostile/mail/*-hs-*.eml ;;
	conf) ls conf/*.conf tests/data/*.conf ;;
	tmpl) ls conf/templates/*/*.txt ;;
	caseno) ls tests/fuzz/seeds/caseno/* tests/data/mail/*.eml ;;
	*) ls tests/fuzz/seeds/"$1"/* ;;
	esac
	[ -d tests/fuzz/regress/"$1" ] && ls tests/fuzz/regress/"$1"/* 2>/dev/null
	return 0
}

pass=0
fail=0
for t in $targets; do
	bin=build/fuzz/fuzz_$t
	corpus=$out/corpus/$t
	mkdir -p "$corpus"
	for f in $(seeds "$t"); do
		cp "$f" "$corpus/seed-$(basename "$f")"
	done
	rm -f "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-*
	maxlen=
	[ "$t" = mime ] && maxlen=-max_len=262144
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
	    -seed="${FUZZ_SEED:-12377}" -close_fd_mask=3 -print_final_stats=1 $maxlen \
	    -artifact_prefix="$out/$t-" "$corpus" >"$out/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -n 1)
	crashes=$(ls "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* \
	    "$out/$t"-oom-* 2>/dev/null | wc -l)
	if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
		crashes=1	# died without an artifact: see the log
	fi
	echo "fuzz_$t: ${execs:-0} executions, $crashes crashes"
	if [ "$crashes" -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		grep -E '^==[0-9]+==ERROR|^SUMMARY|^ *#[0-9]+ .* in ' "$out/$t.log" | head -n 12 | sed 's/^/    /'
		ls "$out/$t"-* 2>/dev/null | grep -v '\.log$' | sed 's/^/    input: /'
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
