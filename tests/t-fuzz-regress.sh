#!/bin/bash
# t-fuzz-regress.sh - every input a fuzzer ever crashed on, and the seeds, replayed
#
# Builds the libFuzzer targets (tests/fuzz/fuzz.mk, build/fuzz) and runs each
# once over tests/fuzz/regress/TARGET/* (the crash, leak, timeout and
# out-of-memory inputs found so far, kept after the fix) and its seeds:
# "./fuzz_TARGET FILE..." executes every file once.  A sanitizer report, a
# leak, a 10 s timeout or 2 GB of memory fails the target.
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh

dir=$(mktestdir fuzz)
if make -s -f tests/fuzz/fuzz.mk -j2 >"$dir/build.log" 2>&1; then
	pass "the fuzz targets build"
else
	fail "the fuzz targets do not build: $(tail -n 5 "$dir/build.log")"
	finish
fi

for t in mime conf tmpl caseno sdp rtp dtmf; do
	files=()
	[ -d "tests/fuzz/regress/$t" ] && files+=(tests/fuzz/regress/"$t"/*)
	case $t in
	mime) files+=(tests/data/mail/*.eml tests/data/hostile/mail/*-hs-*.eml) ;;
	conf) files+=(conf/*.conf tests/data/*.conf) ;;
	tmpl) files+=(conf/templates/*/*.txt) ;;
	caseno) files+=(tests/fuzz/seeds/caseno/*) ;;
	*) files+=(tests/fuzz/seeds/"$t"/*) ;;
	esac
	nreg=$(ls tests/fuzz/regress/"$t" 2>/dev/null | wc -l)
	if build/fuzz/fuzz_"$t" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
	    "${files[@]}" >"$dir/$t.log" 2>&1; then
		pass "fuzz_$t: ${#files[@]} inputs ($nreg regression) replayed clean"
	else
		fail "fuzz_$t: an input fails"
		grep -E '^==[0-9]+==ERROR|^SUMMARY|Running: ' "$dir/$t.log" | tail -n 4 | diag
	fi
done
finish
