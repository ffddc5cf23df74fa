#!/bin/bash
# t-asan.sh - the unit and end-to-end tests on the ASan + UBSan build, zero reports
#
# Builds build/asan (make asan, tests/asan.mk), then runs t_unit, t_store,
# t_store_case, t-golden, t-miltertest, t-email, t-workflow, t-query, t-web
# and t-hotline with JUBAO_BUILD=build/asan
# (the test libraries take jubao-milter, jubaoctl, jubao-sipd, jubao-webd and
# jubao-parse from there).  Every sanitizer report goes to a file (log_path); halting on
# the first error and leak detection at exit are on.  Passes only when every
# suite passes and no asan.* or ubsan.* file exists.  Leaks inside libraries
# we do not own are suppressed in tests/asan.supp, each entry with its reason.
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh

dir=$(mktestdir asan)
if make -s asan >"$dir/build.log" 2>&1; then
	pass "make asan builds build/asan"
else
	fail "make asan: $(tail -n 5 "$dir/build.log")"
	finish
fi

export JUBAO_BUILD=build/asan
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$dir/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$dir/ubsan"
export LSAN_OPTIONS="suppressions=$PWD/tests/asan.supp:print_suppressions=0"

for s in build/asan/tests/unit/t_unit build/asan/tests/unit/t_store \
    build/asan/tests/unit/t_store_case \
    tests/t-golden.sh tests/milter/t-miltertest.sh \
    tests/e2e/t-email.sh tests/e2e/t-workflow.sh tests/e2e/t-query.sh \
    tests/e2e/t-web.sh tests/sip/t-hotline.sh; do
	name=$(basename "$s" .sh)
	log=$dir/$name.log
	start=$(date +%s)
	case $s in
	*.sh) bash "$s" >"$log" 2>&1 ;;
	*) "./$s" >"$log" 2>&1 ;;
	esac
	rc=$?
	secs=$(($(date +%s) - start))
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$summary" ] && [ "${summary#* passed, }" = "0 failed" ]; then
		pass "$name on the sanitizer build: $summary (${secs}s)"
	else
		fail "$name on the sanitizer build (exit $rc, ${secs}s): ${summary:-no summary}"
		grep -E '^not ok|FAIL' "$log" | head -n 10 | diag
	fi
done

reports=$(ls "$dir"/asan.* "$dir"/ubsan.* 2>/dev/null)
if [ -z "$reports" ]; then
	pass "no AddressSanitizer, LeakSanitizer or UBSan report"
else
	fail "sanitizer reports: $(echo "$reports" | wc -l)"
	for f in $reports; do
		diag "$f:"
		grep -E 'ERROR|SUMMARY|runtime error|^ *#[0-9] ' "$f" | head -n 14 | diag
	done
fi
finish
