#!/bin/bash
# bench-complexity.sh - how the cost of a hostile message grows with its size
#
# usage: tests/bench/bench-complexity.sh [--smoke] [--sizes "1 2 4 8"] [--old DIR]
#        (default sizes in MB; --smoke: 0.25 and 0.5 MB; --old: also time
#         the jubao-parse of another build, e.g. a worktree of an older
#         commit, on the smallest size, side by side)
#
# For each shape of tests/bench/shapes.py (each repeats a unit that an
# earlier parser handled in more than linear time, or that fills a list),
# a message of each size goes through tests/tools/jubao-parse -qR: the
# milter's parse (GMime, the extractors, the caps) and the redaction purge
# does, without the store.  Figures: the time at each size, and the growth from the
# smallest to the largest size against the growth of the size.  Times are
# wall-clock, the best of 3 runs (the machine is shared).  Issue
# "Hostile senders" asks, for 1 and 8 MB: under 2 s at 8 MB, and growth
# at most 9 for 8 times the size.  Nothing is checked against those goals
# here (the machine is noisy): the figures say whether they were met.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/bench/lib.sh

smoke= sizes="1 2 4 8" old=
[ -n "${SMOKE:-}" ] && set -- --smoke "$@"
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 sizes="0.25 0.5" ;;
	--sizes) sizes=$2; shift ;;
	--old) old=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--sizes \"1 2 4 8\"] [--old DIR]" >&2; exit 2 ;;
	esac
	shift
done
parse=${JUBAO_BUILD:-.}/tests/tools/jubao-parse
conf=tests/data/jubao-test.conf
dir=$(mktestdir complexity)

# cpu - cpu TOOL FILE: the best of 3 wall-clock times (s) of TOOL -qR FILE
cpu() {
	local best= t i t0
	for i in 1 2 3; do
		t0=$(now_us)
		"$1" -qR -c "$conf" "$2" >"$dir/out" 2>&1 || { echo "fail"; return 1; }
		t=$(( $(now_us) - t0 ))
		[ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
	done
	awk -v u="$best" 'BEGIN { printf "%.3f\n", u / 1e6 }'
}

first=${sizes%% *}; last=${sizes##* }
for shape in $($BENCH_PY tests/bench/shapes.py --list); do
	declare -A t=()
	for mb in $sizes; do
		bytes=$($BENCH_PY -c "print(int($mb * 1048576))")
		$BENCH_PY tests/bench/shapes.py "$shape" "$bytes" "$dir/m.eml"
		t[$mb]=$(cpu "$parse" "$dir/m.eml")
		if [ "${t[$mb]}" = fail ]; then
			fail "$shape at $mb MB: $(tail -n 3 "$dir/out")"
			continue 2
		fi
		figure "complexity.$shape.parse_${mb}mb" "${t[$mb]}" s \
		    "tests/bench/shapes.py $shape $bytes M; time jubao-parse -qR -c $conf M"
	done
	pass "$shape: parsed at every size ($(tail -n 1 "$dir/out"))"
	# growth: a floor of 10 ms so that timer noise on tiny times is not read
	# as growth
	g=$(calc "round(max(${t[$last]}, 0.01) / max(${t[$first]}, 0.01), 1)")
	figure "complexity.$shape.growth_${first}_to_${last}mb" "$g" \
	    "x (size x$(calc "round($last / $first)"))" "the parse figures of ${first} and ${last} MB"
	if [ -n "$old" ]; then
		bytes=$($BENCH_PY -c "print(int($first * 1048576))")
		$BENCH_PY tests/bench/shapes.py "$shape" "$bytes" "$dir/m.eml"
		# the older parser has no -q: its output is thrown away
		t0=$(now_us)
		timeout 600 "$old/tests/tools/jubao-parse" -c "$conf" "$dir/m.eml" >/dev/null 2>&1
		to=$(awk -v u="$(( $(now_us) - t0 ))" 'BEGIN { printf "%.3f", u / 1e6 }')
		figure "complexity.$shape.old.parse_${first}mb" "$to" s \
		    "time $old/tests/tools/jubao-parse -c $conf M (timeout 600)"
	fi
	unset t
done
finish
