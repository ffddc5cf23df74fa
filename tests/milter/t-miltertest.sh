#!/bin/bash
# t-miltertest.sh - miltertest scripts against the real jubao-milter binary
#
# report.lua: a report gets X-Jubao-Case, and the case is in the store;
# passthrough.lua: other mail is accepted at DATA, untouched;
# tempfail.lua: a store that cannot be written (a directory where the file
# should be; a write lock held by another process) answers 451 4.3.0, and
# once mended the next report is accepted without restarting the milter.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh

bin=$JB_MILTER

# run_mt - run_mt DIR SCRIPT ARGS...: miltertest with the usual variables
run_mt() {
	local dir=$1 script=$2
	shift 2
	miltertest -D bin="$bin" -D conf="$dir/jubao.conf" \
	    -D port="$(sed -n 's/^milter_socket = inet:\([0-9]*\)@.*/\1/p' "$dir/jubao.conf")" \
	    "$@" -s "tests/milter/$script"
}

# --- report.lua
dir=$(mktestdir report)
port=$(free_port)
JB_CONF=$(jb_conf "$dir" "$port" "delivery_method = smtp" "smtp_relay = 127.0.0.1:9")
out=$(run_mt "$dir" report.lua -D qid=MT1 2>&1); rc=$?
if [ $rc -eq 0 ]; then pass "report.lua: accepted with X-Jubao-Case, forged X-Jubao-Case and Authentication-Results removed"
else fail "report.lua (exit $rc): $out"; fi
case_no=$(printf '%s\n' "$out" | sed -n 's/^CASE //p')
if [ -n "$case_no" ] && jb_ctl show --json "$case_no" >"$dir/show.json" 2>&1; then
	pass "case $case_no is in the store"
	python3 - "$dir/show.json" <<'PY' && pass "the case holds category, URL, SPF and a queued acknowledgement" || fail "case content: $(cat "$dir/show.json")"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["channel"] == "email", c["channel"]
assert c["category"] == "gambling", c["category"]
assert "https://bet.example.vip/a" in c["urls"], c["urls"]
assert c["subject"] == "举报网络赌博网站", c["subject"]
assert c["spf"] in ("none", "temperror", "neutral", "permerror"), c["spf"]
assert [m["kind"] for m in c["messages"]] == ["ack"], c["messages"]
assert c["messages"][0]["status"] in ("queued",), c["messages"]
assert "reporter" not in c, "identity shown without --reveal"
assert any(e["original"] == 1 and e["type"] == "message/rfc822" for e in c["evidence"])
PY
else
	fail "no case in the store for '$case_no'"
fi
printf '%s\n' "$out" | grep -q "MT1: case $case_no opened" &&
	pass "the log line starts with the queue ID and names the case" ||
	fail "no 'MT1: case $case_no opened' log line"
printf '%s\n' "$out" | grep -q "reporter@example.com\|张三\|13812345678" &&
	fail "the milter log carries reporter identity" ||
	pass "the milter log carries no reporter identity"

# --- passthrough.lua
dir=$(mktestdir pass)
port=$(free_port)
JB_CONF=$(jb_conf "$dir" "$port")
out=$(run_mt "$dir" passthrough.lua 2>&1); rc=$?
[ $rc -eq 0 ] && pass "passthrough.lua: other mail accepted at DATA" ||
	fail "passthrough.lua (exit $rc): $out"
n=$(jb_sql "SELECT count(*) FROM cases")
[ "$n" = 0 ] && pass "no case for ordinary mail" || fail "$n cases for ordinary mail"

# --- tempfail.lua, twice: a store that cannot be opened, and a held lock
for fault in directory lock; do
	dir=$(mktestdir "tempfail-$fault")
	port=$(free_port)
	JB_CONF=$(jb_conf "$dir" "$port" "store_busy_timeout = 1s")
	db="$dir/jubao.db"
	run_mt "$dir" tempfail.lua -D qid="TF$fault" -D dir="$dir" \
	    >"$dir/mt.out" 2>&1 &
	mtpid=$!
	on_exit "kill $mtpid 2>/dev/null || true"
	wait_for -t 20 test -e "$dir/mt.started" || fail "$fault: miltertest did not start"
	case $fault in
	directory)
		mv "$db" "$db.saved"
		mkdir "$db" ;;
	lock)
		# another process holds the write lock longer than the busy timeout
		( echo "BEGIN IMMEDIATE; INSERT INTO meta VALUES ('lock', 'x');"
		  while [ ! -e "$dir/unlock" ]; do sleep 0.1; done
		  echo "ROLLBACK;" ) | sqlite3 "$db" &
		lockpid=$!
		sleep 0.5 ;;
	esac
	touch "$dir/mt.broken"
	wait_for -t 20 test -e "$dir/mt.tempfailed"
	case $fault in
	directory) rmdir "$db"; mv "$db.saved" "$db" ;;
	lock) touch "$dir/unlock"; wait "$lockpid" ;;
	esac
	touch "$dir/mt.fixed"
	wait "$mtpid"; rc=$?
	if [ $rc -eq 0 ]; then
		pass "$fault: tempfail while the store is unusable, accepted once mended"
	else
		fail "$fault: tempfail.lua (exit $rc): $(cat "$dir/mt.out")"
	fi
	grep -q "TF${fault}A: report not committed, tempfail" "$dir/mt.out" &&
		pass "$fault: the tempfail is logged with the queue ID" ||
		fail "$fault: no tempfail log line"
	n=$(jb_sql "SELECT count(*) FROM cases")
	[ "$n" = 1 ] && pass "$fault: exactly one case (the one after recovery)" ||
		fail "$fault: $n cases"
	# the tempfailed attempt sealed the original too: it must not stay
	out=$(jb_evidence_named "$dir/evidence") &&
		pass "$fault: every sealed file in evidence_dir is the case's" ||
		fail "$fault: $out"
done
finish
