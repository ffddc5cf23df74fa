#!/bin/bash
# t-reload.sh - SIGUSR1 reloads jubao-milter's configuration while it runs:
# the next report follows the new one (a new store_path included: each
# worker's long-lived store handle is opened anew), a file with errors is
# refused and the running configuration kept, and nothing is lost on the way.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

M=tests/data/mail
# report ID: one report through Postfix and the milter; swaks' output
report() {
	sed -e "s/^Message-ID: .*/Message-ID: <reload-$1@example.org>/" \
	    -e "s/^From: .*/From: r$1@example.org/" "$M/42-english-fraud.eml" >"$dir/r.eml"
	swaks --server "127.0.0.1:$smtp_port" --from "r$1@example.org" --to jubao@example.cn \
	    --data "@$dir/r.eml" 2>&1
}
# cases DB: the number of cases in the store at DB
cases() { sqlite3 -readonly "$1" "SELECT count(*) FROM cases" 2>/dev/null || echo none; }
# reloads N: true when the log has N reloads, done or refused
reloads() {
	[ "$(grep -c 'configuration reloaded\|reload of .* failed' \
	    "$dir/j/milter.log")" -ge "$1" ]
}
# reloaded N: wait for the Nth
reloaded() { wait_for -t 10 reloads "$1"; }

dir=$(mktestdir reload)
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir/j" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$sink_port")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$dir/sink" "$sink_port" || fail "smtp-sink did not start"
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }
a=$dir/j/jubao.db b=$dir/j/b/jubao.db
out=$(report 1)
echo "$out" | grep -q "^<-  250 " && [ "$(cases "$a")" = 1 ] &&
	pass "before the reload, a report is a case in the first store" ||
	fail "report 1: $(cases "$a") cases; $out"

# a new store_path, then SIGUSR1
mkdir -p "$dir/j/b"
sed -i "s|^store_path = .*|store_path = $b|" "$JB_CONF"
kill -USR1 "$JB_MILTER_PID"
reloaded 1 && grep -q "configuration reloaded from $JB_CONF" "$dir/j/milter.log" &&
	pass "SIGUSR1: the milter logs the reload" ||
	fail "no reload logged: $(tail -n 5 "$dir/j/milter.log")"
out=$(report 2)
echo "$out" | grep -q "^<-  250 " && [ "$(cases "$b")" = 1 ] && [ "$(cases "$a")" = 1 ] &&
	pass "after it, the next report is a case in the new store_path, none in the old" ||
	fail "report 2: $(cases "$a") cases in the old store, $(cases "$b") in the new; $out"

# a file with an error: refused, the running configuration kept
cp "$JB_CONF" "$dir/good.conf"
echo "no_such_parameter = 1" >>"$JB_CONF"
kill -USR1 "$JB_MILTER_PID"
reloaded 2 && grep -q "reload of $JB_CONF failed, keeping the running" "$dir/j/milter.log" &&
	pass "a file with errors is refused, and the log says the running one is kept" ||
	fail "no refused reload logged: $(tail -n 5 "$dir/j/milter.log")"
grep -q "no_such_parameter" "$dir/j/milter.log" &&
	pass "the log names the error" || fail "the error is not named in the log"
out=$(report 3)
echo "$out" | grep -q "^<-  250 " && [ "$(cases "$b")" = 2 ] &&
	pass "the milter goes on with the configuration it had" ||
	fail "report 3: $(cases "$b") cases in the current store; $out"
kill -0 "$JB_MILTER_PID" 2>/dev/null && pass "the milter is still running" ||
	fail "the milter died of a bad reload"

# back to the first store: the handles follow again
cp "$dir/good.conf" "$JB_CONF"
sed -i "s|^store_path = .*|store_path = $a|" "$JB_CONF"
kill -USR1 "$JB_MILTER_PID"
reloaded 3
out=$(report 4)
echo "$out" | grep -q "^<-  250 " && [ "$(cases "$a")" = 2 ] && [ "$(cases "$b")" = 2 ] &&
	pass "back to the first store_path: report 4 is its second case" ||
	fail "report 4: $(cases "$a") in the first store, $(cases "$b") in the second; $out"
jb_milter_stop
pf_stop "$dir/pf"
finish
