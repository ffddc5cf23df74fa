#!/bin/bash
# t-abuse.sh - the hotline against abuse (issue "Hostile senders", finding 11)
#
#   - INVITEs that are never ACKed (over UDP, what a forged source address
#     looks like): past sip_max_unconfirmed one more gets 503, and each is
#     dropped after sip_ack_timeout, its line and port freed, so a real
#     call gets through right after;
#   - RTP goes to the address the call came from, not to the one its SDP
#     names (a reflector aimed at 127.0.0.9 here);
#   - SMS acknowledgements to one caller number stop at ack_daily_limit,
#     the rest recorded as suppressed with the reason;
#   - OPTIONS outside any call (what a scanner or a keepalive sends) leave
#     nothing behind: a second 10,000, once the first ones' transactions
#     have expired (32 s), must not grow the bridge (a handle of 1.6 kB
#     leaked with each before: +15 MB).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh

RAW="$SIP_TOP/tests/sip/rawsip.py"
d=$(mktestdir abuse)
gw=$(free_port)
conf=$(sip_conf "$d" "sip_max_unconfirmed = 2" "sip_ack_timeout = 2s" \
    "sip_menu_timeout = 2s" "sip_silence_timeout = 3s" "sip_record_min = 1s" \
    "sip_sms_gateway = 127.0.0.1:$gw" "ack_daily_limit = 2")
sms_gateway_start "$d" "$gw" 2
sox -n -r 8000 -c 1 -e u-law "$d/t1000.wav" synth 2 sine 1000 vol 0.5
sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }

# --- answered, never ACKed
$PY "$RAW" noack "$SIPD_PORT" 3 spoof >"$d/noack.out"
[ "$(cut -d' ' -f2 "$d/noack.out" | tr '\n' ' ')" = "200 200 503 " ] &&
	pass "two unconfirmed calls are answered, the third gets 503 (sip_max_unconfirmed 2)" ||
	fail "no-ACK INVITEs: $(cat "$d/noack.out")"
wait_for -t 10 eval '[ "$(grep -c "no ACK in 2s: dropped" "$SIPD_LOG")" = 2 ]' &&
	pass "each is dropped after sip_ack_timeout (2 s)" || fail "log: $(grep -i ack "$SIPD_LOG")"
grep -q "$(tag_of spoof-2@jubao.test): 2 answered calls wait for their ACK (sip_max_unconfirmed): 503" "$SIPD_LOG" &&
	pass "the refusal is logged" || fail "no refusal logged"
$PY "$RAW" noack "$SIPD_PORT" 1 again >"$d/again.out"
[ "$(cut -d' ' -f2 "$d/again.out")" = 200 ] && pass "once they are dropped, the next INVITE is answered" ||
	fail "after the drop: $(cat "$d/again.out")"

# --- RTP only to where the call came from
out=$($PY "$RAW" media "$SIPD_PORT" media-1@jubao.test 127.0.0.9 2)
src=$(sed -n 's/^source=\([0-9]*\) .*/\1/p' <<<"$out"); sdp=$(sed -n 's/.* sdp=\([0-9]*\)$/\1/p' <<<"$out")
[ -n "$src" ] && [ "$src" -gt 20 ] && [ "$sdp" = 0 ] &&
	pass "an SDP naming 127.0.0.9: the prompts went to 127.0.0.1, the call's source ($src packets, none to the SDP's)" ||
	fail "media: $out"
grep -q "$(tag_of media-1@jubao.test): the SDP names another host than the signalling source: RTP goes to the source" "$SIPD_LOG" &&
	pass "and the bridge says so" || fail "not logged"

# --- SMS acknowledgements to one number: at most ack_daily_limit (2) a day
for i in 1 2 3; do
	scen "$d/s$i.xml" "" "" 13900000042 invite:0 answered pause:1000 key:1 \
	    pause:8000 stream:"$d/t1000.wav":0 pause:2500 key:pound pause:3000 bye
	sipp_run "sms$i" "$d/s$i.xml"
	sipp_wait "sms$i" || fail "call $i: $(tail -n 3 "$d/sms$i.out")"
done
wait_for -t 20 eval '[ "$(jb_sql "SELECT count(*) FROM outbox WHERE channel = '"'sip'"' AND kind = '"'ack'"'")" = 3 ]'
[ "$(jb_sql "SELECT group_concat(status, ' ') FROM (SELECT status FROM outbox WHERE channel = 'sip' AND kind = 'ack' ORDER BY id)")" = \
    "sent sent suppressed" ] && pass "three calls from one number: two SMS, the third suppressed" ||
	fail "SMS rows: $(jb_sql "SELECT status, reason FROM outbox WHERE channel = 'sip'")"
[ "$(jb_sql "SELECT reason FROM outbox WHERE channel = 'sip' AND status = 'suppressed'")" = \
    "rate limit: 2 acknowledgements to this number in 24 hours" ] &&
	pass "with the reason" || fail "reason: $(jb_sql "SELECT reason FROM outbox WHERE channel = 'sip'")"
[ "$(jb_sql "SELECT count(*) FROM cases WHERE channel = 'hotline'")" = 3 ] &&
	pass "the third call is a case all the same" || fail "cases: $(jb_sql "SELECT count(*) FROM cases")"
# --- OPTIONS outside any call leave nothing behind
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SIPD_PID/status"; }
out=$($PY "$RAW" options "$SIPD_PORT" 10000)
[ "$out" = answered=10000 ] && pass "10,000 OPTIONS answered" || fail "OPTIONS: $out"
sleep 34	# nua keeps a non-INVITE transaction 32 s (Timer J)
r1=$(rss)
out=$($PY "$RAW" options "$SIPD_PORT" 10000)
sleep 34
r2=$(rss)
[ "$out" = answered=10000 ] && [ $((r2 - r1)) -lt 5000 ] &&
	pass "10,000 more once those expired: the bridge grew $((r2 - r1)) kB (under 5,000)" ||
	fail "10,000 more OPTIONS ($out): the bridge grew $((r2 - r1)) kB, from $r1 kB"
sipd_stop
finish
