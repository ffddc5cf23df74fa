#!/bin/bash
# t-stop.sh - a stop is obeyed within two seconds, even with a delivery in
# flight, and what was in flight is delivered by the next run.
#
# Before the daemon skeleton, SIGTERM waited for an SMTP delivery to a relay
# that does not answer until libcurl gave up (half of outbox_lease, 150 s by
# default: past systemd's 90 s stop timeout), and for a sendmail(1) that
# hangs as long.  Here a relay that accepts the connection and never greets
# (a real socket, no mock: the fault is the relay's silence), and a
# sendmail_path that never exits, each hold a delivery while the milter is
# told to stop; the row must be left queued and due, and be delivered once
# the milter runs again with a relay that works.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

M=tests/data/mail
# silent - silent PORT LOG: a TCP server on PORT that accepts and never speaks;
# each accepted connection is a line in LOG; its PID in SILENT_PID
silent() {
	python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
held = []
while True:
    c, a = s.accept(); held.append(c)
    open(sys.argv[2], "a").write("accepted\n")
' "$1" "$2" &
	SILENT_PID=$!
	on_exit "kill $SILENT_PID 2>/dev/null"
	wait_port "$1" 10
}
# report - report ID: one report through Postfix and the milter; swaks' output
report() {
	sed -e "s/^Message-ID: .*/Message-ID: <stop-$1@example.org>/" \
	    -e "s/^From: .*/From: r$1@example.org/" "$M/42-english-fraud.eml" >"$dir/r.eml"
	swaks --server "127.0.0.1:$smtp_port" --from "r$1@example.org" --to jubao@example.cn \
	    --data "@$dir/r.eml" 2>&1
}
# stop_timed - SIGTERM the milter; print the milliseconds until it is gone
stop_timed() {
	local t0 t1
	t0=$(now_us)
	kill -TERM "$JB_MILTER_PID"
	while kill -0 "$JB_MILTER_PID" 2>/dev/null; do
		[ $(($(now_us) - t0)) -gt 30000000 ] && break
		sleep 0.02
	done
	t1=$(now_us)
	kill -0 "$JB_MILTER_PID" 2>/dev/null || wait "$JB_MILTER_PID" 2>/dev/null
	echo $(((t1 - t0) / 1000))
}
row() { jb_sql "SELECT status, attempts, next_at <= strftime('%s', 'now') FROM outbox WHERE kind = 'ack'" | tr '|' ' '; }

# --- an SMTP delivery in flight: the relay accepted and says nothing
dir=$(mktestdir smtp)
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
hung_port=$(free_port); ack_port=$(free_port)
silent "$hung_port" "$dir/hung.log" || fail "the silent relay did not listen"
JB_CONF=$(jb_conf "$dir/j" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$hung_port" "outbox_interval = 1h" \
    "outbox_lease = 300s")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$dir/sink" "$sink_port" || fail "smtp-sink did not start"
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }
out=$(report 1)
echo "$out" | grep -q "^<-  250 " && pass "a report is accepted" || fail "report: $out"
wait_for -t 10 test -s "$dir/hung.log" &&
	pass "its acknowledgement is being delivered to a relay that never answers" ||
	fail "no delivery began"
sleep 1
ms=$(stop_timed)
[ "$ms" -le 2000 ] && pass "SIGTERM with an SMTP delivery in flight: gone in $ms ms" ||
	fail "SIGTERM took $ms ms (a delivery in flight held it)"
grep -q "stopped$" "$dir/j/milter.log" && pass "the milter logs that it stopped" ||
	fail "no 'stopped' in the log: $(tail -n 5 "$dir/j/milter.log")"
[ "$(row)" = "queued 1 1" ] &&
	pass "the acknowledgement is left queued and due at once (1 attempt)" ||
	fail "the row after the stop: $(row)"
jb_sql "SELECT last_error FROM outbox WHERE kind = 'ack'" | grep -q "stopped" &&
	pass "the row says it was stopped" ||
	fail "last_error: $(jb_sql "SELECT last_error FROM outbox WHERE kind = 'ack'")"
# the next run, with a relay that works, delivers it at once
mkdir -p "$dir/acks"; chown postfix "$dir/acks"
sink_start "$dir/acks" "$ack_port" || fail "the acknowledgement sink did not start"
sed -i "s/^smtp_relay = .*/smtp_relay = 127.0.0.1:$ack_port/" "$JB_CONF"
jb_milter_start "$JB_CONF" || fail "jubao-milter did not start again"
sink_wait "$dir/acks" 1 10 && [ "$(row)" = "sent 2 1" ] &&
	pass "the next run delivers it, once" ||
	fail "after the restart: $(row), $(sink_count "$dir/acks") delivered"
jb_milter_stop
pf_stop "$dir/pf"

# --- a sendmail(1) that never finishes
dir=$(mktestdir sendmail)
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
cat >"$dir/sendmail" <<EOF
#!/usr/bin/python3
# a sendmail that hangs: it reads nothing and never exits
import time
open("$dir/sendmail.log", "a").write("started\n")
time.sleep(600)
EOF
chmod 755 "$dir/sendmail"
JB_CONF=$(jb_conf "$dir/j" "$milter_port" "delivery_method = sendmail" \
    "sendmail_path = $dir/sendmail" "outbox_interval = 1h" "outbox_lease = 300s")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$dir/sink" "$sink_port" || fail "smtp-sink did not start"
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }
out=$(report 2)
echo "$out" | grep -q "^<-  250 " && pass "a report is accepted" || fail "report: $out"
wait_for -t 10 test -s "$dir/sendmail.log" &&
	pass "its acknowledgement is handed to a sendmail that never exits" ||
	fail "sendmail was not run"
ms=$(stop_timed)
[ "$ms" -le 2000 ] && pass "SIGTERM with sendmail running: gone in $ms ms" ||
	fail "SIGTERM took $ms ms (a sendmail held it)"
wait_for -t 5 eval "! ps -eo args= | grep -F '$dir/sendmail' | grep -qv grep" &&
	pass "the hanging sendmail was killed, nothing of it is left" ||
	fail "left running: $(ps -eo pid=,args= | grep -F "$dir/" | grep -v grep)"
[ "$(row)" = "queued 1 1" ] &&
	pass "the acknowledgement is left queued and due at once" ||
	fail "the row after the stop: $(row)"
pf_stop "$dir/pf"
finish
