#!/bin/bash
# t-outbox.sh - the outbox: retries with back-off while the relay is down,
# delivery once it is back, never twice; sendmail(1) through a real Postfix
# with a null envelope sender; a permanent refusal marks the row failed.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

# report - report DIR QID: one report through miltertest (the real milter)
report() {
	miltertest -D bin="$JB_MILTER" -D conf="$JB_CONF" -D qid="$2" \
	    -D port="$(sed -n 's/^milter_socket = inet:\([0-9]*\)@.*/\1/p' "$JB_CONF")" \
	    -s tests/milter/report.lua >"$1/mt-$2.out" 2>&1
}
row() { jb_sql "SELECT status, attempts FROM outbox WHERE id = 1" | tr '|' ' '; }
# wait_next - sleep until the row's next try is due
wait_next() {
	local d
	d=$(jb_sql "SELECT next_at - strftime('%s', 'now') FROM outbox WHERE id = 1")
	[ "$d" -ge 0 ] && sleep $((d + 1))
}

# --- SMTP: the relay is down, then comes back
dir=$(mktestdir smtp)
relay_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$relay_port" "outbox_backoff_min = 8s" \
    "outbox_backoff_max = 12s" "outbox_interval = 1h")
report "$dir" OB1 && pass "a report is committed (relay down)" || fail "report: $(cat "$dir/mt-OB1.out")"
# the milter tried at once (it is woken by the commit) and was deferred
[ "$(row)" = "queued 1" ] && pass "first attempt deferred, still queued" || fail "after the first attempt: $(row)"
out=$(jb_ctl deliver 2>/dev/null)
[ "$out" = "sent 0, deferred 0, failed 0" ] && pass "nothing is retried before its back-off" ||
	fail "deliver before next_at: $out"
wait_next
out=$(jb_ctl deliver 2>/dev/null)
[ "$out" = "sent 0, deferred 1, failed 0" ] && [ "$(row)" = "queued 2" ] &&
	pass "second attempt deferred when due" || fail "second attempt: $out, $(row)"
next=$(jb_sql "SELECT next_at - strftime('%s', 'now') FROM outbox WHERE id = 1")
[ "$next" -ge 11 ] && [ "$next" -le 12 ] &&
	pass "back-off doubles, capped at outbox_backoff_max: next try in ${next}s" ||
	fail "next try in ${next}s, want 12 (16 capped at 12)"
jb_sql "SELECT last_error FROM outbox WHERE id = 1" | grep -q "smtp 127.0.0.1:$relay_port" &&
	pass "the last error is recorded" || fail "last_error: $(jb_sql "SELECT last_error FROM outbox")"
mkdir -p "$dir/sink"; chown postfix "$dir/sink"
sink_start "$dir/sink" "$relay_port" || fail "smtp-sink did not start"
wait_next
out=$(jb_ctl deliver 2>/dev/null)
[ "$out" = "sent 1, deferred 0, failed 0" ] && [ "$(row)" = "sent 3" ] &&
	pass "delivered once the relay is back" || fail "third attempt: $out, $(row)"
out=$(jb_ctl deliver 2>/dev/null)
[ "$out" = "sent 0, deferred 0, failed 0" ] && [ "$(sink_count "$dir/sink")" = 1 ] &&
	pass "and never again" || fail "after delivery: $out, $(sink_count "$dir/sink") captured"
c=$(jb_sql "SELECT case_no FROM cases")
[ "$(jb_ctl show --json "$c" | python3 -c 'import json,sys; print(" ".join(e["action"] for e in json.load(sys.stdin)["events"] if e["action"].startswith("ack")))')" = \
    "ack_queued ack_deferred ack_deferred ack_sent" ] &&
	pass "the ledger records queued, deferred, deferred, sent" ||
	fail "events: $(jb_ctl show --json "$c")"
jb_milter_stop

# --- sendmail(1): the real Postfix sendmail into a private instance
dir=$(mktestdir sendmail)
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
mkdir -p "$dir/sink"; chown postfix "$dir/sink"
sink_start "$dir/sink" "$sink_port" || fail "smtp-sink did not start"
pf_start "$dir/pf" "$smtp_port" "$sink_port" || fail "postfix did not start"
printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$dir/pf/etc" >"$dir/sendmail"
chmod +x "$dir/sendmail"
JB_CONF=$(jb_conf "$dir" "$milter_port" "delivery_method = sendmail" \
    "sendmail_path = $dir/sendmail" "outbox_interval = 1h")
report "$dir" OB2 || fail "report: $(cat "$dir/mt-OB2.out")"
# miltertest stops the filter right after the report, and a stop starts no
# new delivery (t-stop.sh): what the milter's thread had not begun, the
# same transport delivers from jubaoctl; either way it is sent once
jb_ctl deliver >/dev/null 2>&1
wait_for -t 20 sink_has "$dir/sink" 1
f=$(sink_files "$dir/sink" | head -n 1)
if [ -n "$f" ]; then
	python3 tests/lib/mail.py show "$f" >"$dir/ack.txt"
	grep -q '^Envelope-From: <>$' "$dir/ack.txt" && grep -q '^Envelope-To: <reporter@example.com>$' "$dir/ack.txt" &&
		pass "sendmail(1) delivers the acknowledgement with a null sender" ||
		fail "sendmail delivery: $(head -5 "$dir/ack.txt")"
	[ "$(row | cut -d' ' -f1)" = sent ] && [ "$(sink_count "$dir/sink")" = 1 ] &&
		pass "and the row is marked sent, delivered once" ||
		fail "row: $(row), $(sink_count "$dir/sink") delivered"
else
	fail "nothing reached the sink through sendmail: $(jb_sql "SELECT status, last_error FROM outbox")"
fi
jb_milter_stop

# --- a permanent refusal.  A stand-in sendmail that exits EX_NOUSER (67):
# the one fault here we cannot make a real MTA produce on demand.
dir=$(mktestdir refused)
milter_port=$(free_port)
printf '#!/bin/sh\ncat >/dev/null\necho "no such user" >&2\nexit 67\n' >"$dir/sendmail"
chmod +x "$dir/sendmail"
JB_CONF=$(jb_conf "$dir" "$milter_port" "sendmail_path = $dir/sendmail" "outbox_interval = 1h")
report "$dir" OB3 || fail "report: $(cat "$dir/mt-OB3.out")"
jb_ctl deliver >/dev/null 2>&1
wait_for -t 10 test "$(jb_sql "SELECT status FROM outbox WHERE id = 1")" = failed
[ "$(jb_sql "SELECT status || ' ' || reason FROM outbox WHERE id = 1")" = \
    "failed $dir/sendmail exited with status 67" ] &&
	pass "EX_NOUSER marks the acknowledgement failed, with the reason" ||
	fail "refused: $(jb_sql "SELECT status, reason, last_error FROM outbox")"
# what every step above changed is in the statistics' rollup as a scan of
# every case sees it (store_rollup.c)
out=$(jb_stats_same "@$(($(date +%s) - 30 * 86400))" "@$(($(date +%s) + 86400))") &&
	pass "the statistics' rollup gives what a scan of every case gives" ||
	fail "rollup and scan differ: $out"
finish
