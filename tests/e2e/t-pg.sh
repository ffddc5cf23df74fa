#!/bin/bash
# t-pg.sh - the PostgreSQL store's own edges (issue 11): -n reaches the
# database; a password in store_conninfo is refused and never echoed, and
# one in a passfile works and reaches no log line; the database down is a
# temporary failure everywhere (451 from the milter, exit 75 from jubaoctl
# and -n) and its return is taken without restarting the milter; a call
# recorded while it is down is kept by jubao-sipd and committed, with its
# recording, once it is back.
cd "$(dirname "$0")/../.." || exit 2
export JUBAO_TEST_ENGINE=postgresql
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh

dir=$(mktestdir pg)
port=$(free_port)
JB_CONF=$(jb_conf "$dir" "$port" "store_busy_timeout = 2s" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:9")
ci=$(sed -n 's/^store_conninfo = //p' "$JB_CONF")
admin="host=$JB_PG_DIR port=$JB_PG_PORT user=jubao dbname=postgres"

# --- -n connects
out=$("$JB_MILTER" -n -c "$JB_CONF" 2>&1) && [[ $out == *"configuration OK"* ]] &&
	pass "jubao-milter -n reaches the database" || fail "milter -n: $out"
out=$(jb_ctl -n 2>&1) && [[ $out == *"configuration OK"* ]] &&
	pass "jubaoctl -n reaches the database" || fail "jubaoctl -n: $out"

# --- a password in the configuration is refused, and not repeated
secret=Pw-7f3a9c-secret
sed "s|^store_conninfo = .*|store_conninfo = $ci password=$secret|" "$JB_CONF" >"$dir/pw.conf"
out=$("$JB_MILTER" -n -c "$dir/pw.conf" 2>&1); rc=$?
[ "$rc" = 1 ] && [[ $out == *"holds a password; put it in a passfile"* ]] && [[ $out != *"$secret"* ]] &&
	pass "a password in store_conninfo is refused (exit 1), and not repeated" || fail "password in conninfo: $rc $out"
out=$(jb_ctl -c "$dir/pw.conf" list 2>&1); rc=$?
[ "$rc" = 1 ] && [[ $out != *"$secret"* ]] && pass "jubaoctl refuses it too" || fail "jubaoctl with a password: $rc $out"

# --- a role that logs in with a password, from a passfile
jb_psql "$admin" "CREATE ROLE jbpw LOGIN PASSWORD '$secret'" >/dev/null &&
	jb_psql "$admin" "CREATE DATABASE jubaopw OWNER jbpw" >/dev/null || fail "role"
sed -i "1i local all jbpw scram-sha-256" "$JB_PG_DIR/data/pg_hba.conf"
jb_pg_ctl reload >/dev/null
printf '%s:%s:jubaopw:jbpw:%s\n' "$JB_PG_DIR" "$JB_PG_PORT" "$secret" >"$dir/pgpass"
chmod 600 "$dir/pgpass"
pwci="host=$JB_PG_DIR port=$JB_PG_PORT user=jbpw dbname=jubaopw"
sed "s|^store_conninfo = .*|store_conninfo = $pwci|" "$JB_CONF" >"$dir/nopass.conf"
out=$(PGPASSFILE=/nonexistent jb_ctl -c "$dir/nopass.conf" -n 2>&1); rc=$?
[ "$rc" = 75 ] && [[ $out == *"store host=$JB_PG_DIR port=$JB_PG_PORT dbname=jubaopw user=jbpw: "* ]] &&
	pass "without the password: not reachable (exit 75), named by host, port, database and user" ||
	fail "no password: $rc $out"
sed "s|^store_conninfo = .*|store_conninfo = $pwci passfile=$dir/pgpass|" "$JB_CONF" >"$dir/passfile.conf"
mkdir -p "$dir/pf"; sed -i "s|^milter_socket = .*|milter_socket = inet:$(free_port)@127.0.0.1|" "$dir/passfile.conf"
out=$(jb_ctl -c "$dir/passfile.conf" -n 2>&1) && pass "with passfile= in store_conninfo: reachable" ||
	fail "passfile: $out"
pport=$(sed -n 's/^milter_socket = inet:\([0-9]*\)@.*/\1/p' "$dir/passfile.conf")
out=$(miltertest -D bin="$JB_MILTER" -D conf="$dir/passfile.conf" -D port="$pport" -D qid=PW1 \
    -s tests/milter/report.lua 2>&1) && c=$(printf '%s\n' "$out" | sed -n 's/^CASE //p') &&
	[ "$(jb_psql "$pwci passfile=$dir/pgpass" "SELECT count(*) FROM cases WHERE case_no = '$c'")" = 1 ] &&
	pass "the milter files a case as that role ($c)" || fail "report as jbpw: $out"
printf '%s\n' "$out" | grep -q "store host=$JB_PG_DIR port=$JB_PG_PORT dbname=jubaopw user=jbpw" &&
	pass "its log names the store by host, port, database and user" || fail "log: $(printf '%s\n' "$out" | grep started)"
printf '%s\n' "$out" | grep -qF "$secret" && fail "the password is in the milter's log" ||
	pass "the password is in no log line"

# --- the database down: 451, exit 75; back: taken without a restart
miltertest -D bin="$JB_MILTER" -D conf="$JB_CONF" -D port="$port" -D qid=PGDOWN -D dir="$dir" \
    -s tests/milter/tempfail.lua >"$dir/mt.out" 2>&1 &
mtpid=$!
on_exit "kill $mtpid 2>/dev/null || true"
wait_for -t 20 test -e "$dir/mt.started" || fail "miltertest did not start"
jb_pg_stop
touch "$dir/mt.broken"
wait_for -t 20 test -e "$dir/mt.tempfailed"
out=$(jb_ctl list 2>&1); rc=$?
[ "$rc" = 75 ] && [[ $out == *"store host=$JB_PG_DIR"* ]] &&
	pass "jubaoctl list with the database down: exit 75" || fail "jubaoctl down: $rc $out"
out=$("$JB_MILTER" -n -c "$JB_CONF" 2>&1); rc=$?
[ "$rc" = 75 ] && [[ $out == *"the store is not reachable"* ]] &&
	pass "jubao-milter -n with the database down: exit 75, not reachable" || fail "-n down: $rc $out"
jb_pg_resume || fail "the cluster did not start again"
touch "$dir/mt.fixed"
wait "$mtpid"; rc=$?
[ "$rc" = 0 ] && pass "the milter answered tempfail while the database was down, and took the next report once it was back, without a restart" ||
	fail "tempfail.lua (exit $rc): $(cat "$dir/mt.out")"
grep -q "PGDOWNA: report not committed, tempfail" "$dir/mt.out" &&
	pass "the tempfail is logged with the queue ID" || fail "no tempfail line: $(cat "$dir/mt.out")"
n=$(jb_sql "SELECT count(*) FROM cases WHERE subject = 'report PGDOWNB'")
m=$(jb_sql "SELECT count(*) FROM cases WHERE subject = 'report PGDOWNA'")
[ "$n" = 1 ] && [ "$m" = 0 ] && pass "one case, for the report after the database came back" || fail "cases: B $n A $m"

# --- a call while the database is down: kept, committed when it is back
sconf=$(sip_conf "$dir/sip" "sip_menu_timeout = 3s" "sip_silence_timeout = 6s" \
    "sip_record_min = 1s" "store_busy_timeout = 1s")
sipd_start "$sconf" || { fail "jubao-sipd did not start"; finish; }
sox -n -r 8000 -c 1 -e u-law "$dir/t1000.wav" synth 3 sine 1000 vol 0.5
scen "$dir/call.xml" "" "" 13900000001 invite:0 answered pause:1500 key:1 \
    pause:8000 stream:"$dir/t1000.wav":0 pause:3300 key:pound pause:1000 bye
ctag=$(tag_of call-1@jubao.test)
sipp_run call "$dir/call.xml"
wait_for -t 10 grep -q "$ctag: key 1" "$SIPD_LOG" || fail "the call got no key: $(tail -n 3 "$SIPD_LOG")"
jb_pg_stop
wait_for -t 30 grep -q "$ctag: the commit failed: the recording is kept" "$SIPD_LOG" &&
	pass "a call that ends while the database is down: the commit fails, the recording is kept" ||
	fail "no kept recording: $(grep "$ctag" "$SIPD_LOG" | tail -n 3)"
sipp_wait call || fail "the SIPp call failed: $(tail -3 "$dir/call.err" 2>/dev/null)"
jb_pg_resume || fail "the cluster did not start again"
wait_for -t 30 grep -q "$ctag: committed when tried again" "$SIPD_LOG" &&
	c=$(case_of call-1@jubao.test) && [ -n "$c" ] &&
	pass "once the database is back the bridge commits it (case $c), without a restart" ||
	fail "not committed: $(grep "$ctag" "$SIPD_LOG" | tail -n 3)"
want=$(jb_sql "SELECT e.sha256 FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$c' ORDER BY e.id LIMIT 1")
got=$(evidence_of "$c" 1 /dev/stdout | sha256sum | cut -d' ' -f1)
[ -n "$want" ] && [ "$got" = "$want" ] && [ -z "$(find "$dir/sip/evidence" "$dir/sip/rec" -type f)" ] &&
	pass "its recording is in the database, opens to its SHA-256, and no file is left on the bridge" ||
	fail "recording: $got, recorded $want; left: $(find "$dir/sip/evidence" "$dir/sip/rec" -type f)"
finish
