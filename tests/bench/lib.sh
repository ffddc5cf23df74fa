# lib.sh - helpers for jubao's benchmarks (source after tests/lib/common.sh)
# shellcheck shell=bash
#
# A bench prints its figures as lines
#	FIGURE<TAB>NAME<TAB>VALUE<TAB>UNIT<TAB>COMMAND
# (tests/bench/run.sh collects them into a table and RESULTS.md; COMMAND is
# what produced VALUE), its sanity checks as "ok - ..." / "not ok - ...",
# and ends with "N passed, N failed".  Benchmarks measure; the checks only
# say that the measurement measured something (every message accepted,
# every report committed).

BENCH_PY=python3
[ -x /usr/bin/python3 ] && BENCH_PY=/usr/bin/python3

# figure - figure NAME VALUE UNIT COMMAND: print one figure line
figure() {
	printf 'FIGURE\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4"
}

# bench_sink_start - bench_sink_start PORT LOG: smtp-sink that keeps nothing; sets BENCH_SINK_PID
#
# Unlike sink_start (tests/lib/postfix.sh) it writes no files: the bench
# measures Postfix and the milter, not the disk of the sink.
bench_sink_start() {
	smtp-sink -u postfix "127.0.0.1:$1" 1024 >>"$2" 2>&1 &
	BENCH_SINK_PID=$!
	on_exit "bench_kill $BENCH_SINK_PID"
	wait_for -t 10 port_owned_by "$1" "$BENCH_SINK_PID"
}

# bench_kill - bench_kill PID: SIGTERM one process we started, SIGKILL after 5 s, reap it
bench_kill() {
	local pid=$1
	pid_alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	wait_for -t 5 eval "! pid_alive $pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# proc_cpu - proc_cpu PID: user + system CPU seconds of a process so far
proc_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"
}

# machine_busy - CPU seconds all cores spent not idle since boot
machine_busy() {
	awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {
		printf "%.2f\n", ($2 + $3 + $4 + $7 + $8) / hz; exit }' /proc/stat
}

# calc - calc EXPR: evaluate a floating-point expression with python (prints the value)
calc() {
	"$BENCH_PY" -c "import sys; from statistics import median; print(eval(sys.argv[1]))" "$1"
}

# median - median NUMBER...: the median of the numbers
median() {
	"$BENCH_PY" -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"
}

# machine_line - "nproc N, CPU MODEL, kernel K" for the report
machine_line() {
	printf 'nproc %s, %s, kernel %s\n' "$(nproc)" \
	    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(uname -r)"
}

# timed - timed RUNS CMD...: median wall milliseconds of RUNS runs (output
# discarded into the bench's directory $d)
timed() {
	local runs=$1 i t0 t1 all=()
	shift
	for ((i = 0; i < runs; i++)); do
		t0=$(now_us)
		"$@" >"$d/timed.out" 2>"$d/timed.err" || {
			diag "$* failed (exit $?): $(tail -n 3 "$d/timed.err" "$d/timed.out")"
			return 1
		}
		t1=$(now_us)
		all+=("$(((t1 - t0) / 1000))")
	done
	median "${all[@]}"
}
